"""Image captioning (note 003, V5): caption encoding, a captioner that learns."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data.scenes import make_scenes
from zoo.decoding import beam_decode, greedy_decode
from zoo.metrics import corpus_bleu
from zoo.models.multimodal.captioner import CAPTION_VOCABULARY, caption_images, decode_caption, encode_captions


def test_registry_vocabulary_size_matches():
    assert zoo.model_info("image_captioner").default_args["vocab_size"] == len(CAPTION_VOCABULARY)


def test_captions_round_trip_with_start_and_end():
    captions = make_scenes(30, seed=0).captions
    inputs, targets = encode_captions(captions)
    start, end = CAPTION_VOCABULARY.index("<start>"), CAPTION_VOCABULARY.index("<end>")
    assert (inputs[:, 0] == start).all()
    assert np.array_equal(inputs[:, 1:], np.where(targets[:, :-1] == end, 0, targets[:, :-1]))
    assert [decode_caption(row) for row in targets] == captions
    assert all((row == end).sum() == 1 for row in targets)
    with pytest.raises(ValueError, match=r"Words not in the vocabulary: \['hexagon'\]"):
        encode_captions(["a red hexagon"])
    with pytest.raises(ValueError, match="more than max_length=2"):
        encode_captions(["a red circle"], max_length=2)


# The tests sharing a module fixture run in one test process (xdist's loadgroup), so it is made once.
@pytest.fixture(scope="module")
def trained():
    keras.utils.set_random_seed(0)
    scenes = make_scenes(1500, image_size=32, min_radius=4, max_radius=7, max_objects=2, seed=0)
    inputs, targets = encode_captions(scenes.captions)
    model = zoo.create_model("image_captioner", input_shape=(32, 32, 3), backbone_args={"width": 8}, units=64)
    model.compile(
        keras.optimizers.Adam(3e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
    )
    model.fit([scenes.images, inputs], targets, epochs=6, batch_size=64, verbose=0)
    return model


@pytest.mark.xdist_group("captioner-trained")
def test_the_captioner_learns_to_describe_scenes(trained):
    test = make_scenes(60, image_size=32, min_radius=4, max_radius=7, max_objects=2, seed=1)
    greedy = caption_images(trained, test.images)
    untrained = zoo.create_model("image_captioner", input_shape=(32, 32, 3), backbone_args={"width": 8}, units=64)
    baseline = corpus_bleu([[c] for c in test.captions], caption_images(untrained, test.images, max_length=8))
    score = corpus_bleu([[c] for c in test.captions], greedy)
    assert score > 0.3 and score > baseline + 0.2, (score, baseline)
    # every greedy caption is well formed: "a <size> <colour> <shape>" groups
    assert all(c.split()[0] == "a" for c in greedy)


@pytest.mark.xdist_group("captioner-trained")
def test_beam_search_of_width_one_is_greedy(trained):
    images = make_scenes(6, image_size=32, min_radius=4, max_radius=7, max_objects=2, seed=2).images
    start, end = CAPTION_VOCABULARY.index("<start>"), CAPTION_VOCABULARY.index("<end>")
    np.testing.assert_array_equal(
        beam_decode(trained, images, start, end, 20, beam_width=1), greedy_decode(trained, images, start, end, 20)
    )
    beams = caption_images(trained, images, beam_width=3)
    assert len(beams) == 6 and all(isinstance(c, str) and c for c in beams)


@pytest.mark.xdist_group("captioner-trained")
def test_stepwise_decoders_equal_the_prefix_decoders(trained):
    """The captioner's LSTM stepped with carried states gives exactly the tokens of re-running it on
    the whole prefix (the decoders zoo had before), greedy and beam search alike."""
    from tests import prefix_decoding_reference as reference
    from zoo.decoding import LSTMStepper

    images = make_scenes(8, image_size=32, min_radius=4, max_radius=7, max_objects=2, seed=3).images
    start, end = CAPTION_VOCABULARY.index("<start>"), CAPTION_VOCABULARY.index("<end>")
    assert LSTMStepper.supports(trained)
    np.testing.assert_array_equal(
        greedy_decode(trained, images, start, end, 20), reference.greedy_decode(trained, images, start, end, 20)
    )
    np.testing.assert_array_equal(
        beam_decode(trained, images, start, end, 20, beam_width=3),
        reference.beam_decode(trained, images, start, end, 20, beam_width=3),
    )
