"""Image captioning (note 003, V5): caption encoding, BLEU checked by hand, a captioner that learns."""

import keras
import numpy as np
import pytest

import zoo
from zoo.bleu import corpus_bleu, sentence_bleu
from zoo.data.scenes import make_scenes
from zoo.models.captioner import CAPTION_VOCABULARY, caption_images, decode_caption, encode_captions
from zoo.models.decoding import beam_decode, greedy_decode


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


def test_bleu_against_hand_computed_values():
    ref, hyp = "the cat is on the mat", "the cat sat on the mat"
    # p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0/3; equal lengths, so no brevity penalty
    assert corpus_bleu([[ref]], [hyp], max_n=2) == pytest.approx((5 / 6 * 3 / 5) ** 0.5)
    assert corpus_bleu([[ref]], [hyp], max_n=3) == pytest.approx(0.5)
    assert corpus_bleu([[ref]], [hyp]) == 0.0
    # smoothing adds one to n > 1: (5/6 * 4/6 * 2/5 * 1/4) ** (1/4)
    assert sentence_bleu([ref], hyp) == pytest.approx((5 / 6 * 4 / 6 * 2 / 5 * 1 / 4) ** 0.25)
    # brevity: 2 words against 6, every n-gram matches: exp(1 - 6/2)
    assert corpus_bleu([[ref]], ["the cat"], max_n=2) == pytest.approx(np.exp(-2))
    # clipping: "the the the" matches "the" only twice; the closest reference length wins
    assert corpus_bleu([[ref, "the mat"]], ["the the the"], max_n=1) == pytest.approx(2 / 3)
    assert corpus_bleu([[ref]], [ref]) == 1.0
    with pytest.raises(ValueError, match="Got 2 reference sets for 1 hypotheses"):
        corpus_bleu([[ref], [ref]], [hyp])


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


def test_the_captioner_learns_to_describe_scenes(trained):
    test = make_scenes(60, image_size=32, min_radius=4, max_radius=7, max_objects=2, seed=1)
    greedy = caption_images(trained, test.images)
    untrained = zoo.create_model("image_captioner", input_shape=(32, 32, 3), backbone_args={"width": 8}, units=64)
    baseline = corpus_bleu([[c] for c in test.captions], caption_images(untrained, test.images, max_length=8))
    score = corpus_bleu([[c] for c in test.captions], greedy)
    assert score > 0.3 and score > baseline + 0.2, (score, baseline)
    # every greedy caption is well formed: "a <size> <colour> <shape>" groups
    assert all(c.split()[0] == "a" for c in greedy)


def test_beam_search_of_width_one_is_greedy(trained):
    images = make_scenes(6, image_size=32, min_radius=4, max_radius=7, max_objects=2, seed=2).images
    start, end = CAPTION_VOCABULARY.index("<start>"), CAPTION_VOCABULARY.index("<end>")
    np.testing.assert_array_equal(
        beam_decode(trained, images, start, end, 20, beam_width=1), greedy_decode(trained, images, start, end, 20)
    )
    beams = caption_images(trained, images, beam_width=3)
    assert len(beams) == 6 and all(isinstance(c, str) and c for c in beams)
