"""Translation with attention (note 003, S8): dates to ISO, teacher forcing, greedy and beam decoding, alignment."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data.dates import END, START, decode, encode, make_dates, source_vocabulary, target_vocabulary
from zoo.models.rnn.seq2seq import alignment, beam_decode, greedy_decode

SRC, TGT = source_vocabulary(), target_vocabulary()
START_ID, END_ID = TGT.index(START), TGT.index(END)


def date_arrays(pairs):
    """Source ids, decoder inputs (<start> + ISO) and targets (ISO + <end>)."""
    return (
        encode(pairs.sources, SRC, 30),
        encode([START + t for t in pairs.targets], TGT, 11),
        encode([t + END for t in pairs.targets], TGT, 11),
    )


def test_registry_vocabulary_sizes_match_the_data():
    defaults = zoo.model_info("seq2seq_attention").default_args
    assert (defaults["source_vocab_size"], defaults["target_vocab_size"]) == (len(SRC), len(TGT))


# The tests sharing a module fixture run in one test process (xdist's loadgroup), so it is made once.
@pytest.fixture(scope="module")
def trained():
    """A small model with attention trained briefly on dates with teacher forcing."""
    keras.utils.set_random_seed(0)
    x, y_in, y_out = date_arrays(make_dates(6000, seed=0))
    model = zoo.create_model("seq2seq_attention", units=48, embedding_dim=16)
    model.compile(keras.optimizers.Adam(1e-2), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit([x, y_in], y_out, epochs=6, batch_size=64, verbose=0)
    return model


@pytest.mark.xdist_group("seq2seq-trained")
def test_it_learns_to_translate_dates(trained):
    pairs = make_dates(200, seed=1)
    x, _, _ = date_arrays(pairs)
    greedy = [decode(row, TGT) for row in greedy_decode(trained, x, START_ID, END_ID, 11)]
    exact = np.mean([g == t for g, t in zip(greedy, pairs.targets, strict=True)])
    assert exact > 0.8, exact


@pytest.mark.xdist_group("seq2seq-trained")
def test_beam_search_with_width_one_is_greedy_and_wider_beams_end_every_sequence(trained):
    x, _, _ = date_arrays(make_dates(12, seed=2))
    greedy = greedy_decode(trained, x, START_ID, END_ID, 11)
    np.testing.assert_array_equal(beam_decode(trained, x, START_ID, END_ID, 11, beam_width=1), greedy)
    wide = beam_decode(trained, x, START_ID, END_ID, 11, beam_width=3)
    assert wide.shape == greedy.shape
    assert all(END_ID in row for row in wide)


@pytest.mark.xdist_group("seq2seq-trained")
def test_alignment_weights(trained):
    pairs = make_dates(4, seed=3)
    x, y_in, _ = date_arrays(pairs)
    weights = alignment(trained, x, y_in)
    assert weights.shape == (4, 11, 30)
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
    for row, source in enumerate(pairs.sources):
        assert np.all(weights[row, :, len(source) :] < 1e-6)  # padding gets no attention


def test_variants_and_errors():
    plain = zoo.create_model("seq2seq_attention", attention="none", units=8, embedding_dim=4)
    assert "attention" not in [layer.name for layer in plain.layers]
    with pytest.raises(ValueError, match="has no attention layer"):
        alignment(plain, np.ones((1, 5), "int32"), np.ones((1, 3), "int32"))
    luong = zoo.create_model("seq2seq_attention", attention="luong", units=8, embedding_dim=4)
    assert luong.get_layer("attention").score == "multiplicative"
    with pytest.raises(ValueError, match="attention must be one of bahdanau, luong, none, got 'dot'"):
        zoo.create_model("seq2seq_attention", attention="dot")


@pytest.mark.xdist_group("seq2seq-trained")
@pytest.mark.parametrize("attention", ["bahdanau", "luong", "none"])
def test_stepwise_decoders_equal_the_prefix_decoders(attention, trained, monkeypatch):
    """Stepping the LSTM with carried states (and batching beams) gives exactly the tokens of
    re-running the model on the whole prefix, the decoders zoo had before; so does the generic
    prefix stepper that any other model gets."""
    from tests import prefix_decoding_reference as reference
    from zoo.decoding import LSTMStepper

    if attention == "bahdanau":
        model = trained
    else:
        keras.utils.set_random_seed(1)
        model = zoo.create_model("seq2seq_attention", units=24, embedding_dim=8, attention=attention)
    assert LSTMStepper.supports(model)
    x, _, _ = date_arrays(make_dates(10, seed=4))
    x[3, 20:] = 0  # a shorter source: padding the attention must ignore
    for width in (2, 3):
        np.testing.assert_array_equal(
            beam_decode(model, x, START_ID, END_ID, 11, beam_width=width),
            reference.beam_decode(model, x, START_ID, END_ID, 11, beam_width=width),
        )
    np.testing.assert_array_equal(
        greedy_decode(model, x, START_ID, END_ID, 11), reference.greedy_decode(model, x, START_ID, END_ID, 11)
    )
    monkeypatch.setattr(LSTMStepper, "supports", staticmethod(lambda model: False))
    np.testing.assert_array_equal(
        beam_decode(model, x[:4], START_ID, END_ID, 11, beam_width=2),
        reference.beam_decode(model, x[:4], START_ID, END_ID, 11, beam_width=2),
    )


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's own retracing warning")
def test_decoding_several_models_is_not_reported_as_retracing(caplog):
    # Each trained model gets its own step model, and beam search's batch shrinks with its live beams:
    # traced by design, so a notebook that decodes with several models must not print TensorFlow's warning.
    import logging

    x, _, _ = date_arrays(make_dates(6, seed=4))
    models = []
    for seed, attention in enumerate(["bahdanau", "luong", "none"]):
        keras.utils.set_random_seed(seed)
        models.append(zoo.create_model("seq2seq_attention", units=8, embedding_dim=4, attention=attention))
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        for model in models:
            greedy_decode(model, x, START_ID, END_ID, 2)  # few calls per trace: TensorFlow's warning case
            beam_decode(model, x, START_ID, END_ID, 2, beam_width=3)
        assert logging.getLogger("tensorflow").level == logging.WARNING  # the decoders put the level back
    assert [r.getMessage() for r in caplog.records if "retracing" in r.getMessage()] == []
