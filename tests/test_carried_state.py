"""Carried-state streams (truncated BPTT): data layout, state carrying, scoring."""

import math

import keras
import numpy as np
import pytest

from tests.conftest import small_text_generator
from zoo.data import stream_windows, text_streams
from zoo.training.carried_state import StateCarrier, stream_bits, window_bits
from zoo.training.runs import RunOptions

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends


def test_stream_rows_continue_from_step_to_step():
    ids = np.arange(1000, dtype=np.int32)
    x, y = stream_windows(ids, seq_len=10, batch_size=4)
    assert x.shape == y.shape == (24, 4, 10)  # 999 // 40 = 24 steps of 4 rows
    np.testing.assert_array_equal(y, x + 1)
    rows = x.transpose(1, 0, 2).reshape(4, -1)  # each row read across the steps
    np.testing.assert_array_equal(rows, np.arange(960).reshape(4, 240))
    batches = list(text_streams(ids, 10, 4).as_numpy_iterator())
    assert len(batches) == 24
    np.testing.assert_array_equal(batches[5][0], x[5])


def test_streams_reject_too_little_text():
    with pytest.raises(ValueError, match=r"101 tokens are too few for 8 streams of at least seq_len=20"):
        stream_windows(np.arange(101), seq_len=20, batch_size=8)
    with pytest.raises(ValueError, match="seq_len and batch_size must be positive"):
        stream_windows(np.arange(101), seq_len=0, batch_size=8)


@pytest.mark.parametrize("cell", ["lstm", "gru"])
def test_carrying_states_equals_reading_the_whole_stream(cell):
    model = small_text_generator(cell)
    carrier = StateCarrier(model, batch_size=3)
    ids = np.random.default_rng(0).integers(0, model.vocab_size, 3 * 4 * 7 + 1)
    x, _ = stream_windows(ids, seq_len=7, batch_size=3)
    pieces = [keras.ops.convert_to_numpy(carrier(step, training=False)) for step in x]
    carried = np.concatenate(pieces, axis=1)
    whole = keras.ops.convert_to_numpy(model(np.concatenate(list(x), axis=1)))
    np.testing.assert_allclose(carried, whole, atol=1e-5)
    # The training states were not touched by inference; a reset zeroes the evaluation states.
    assert all(not np.any(keras.ops.convert_to_numpy(v)) for layer in carrier.train_states for v in layer)
    assert any(np.any(keras.ops.convert_to_numpy(v)) for layer in carrier.eval_states for v in layer)
    carrier.reset_states("eval")
    assert all(not np.any(keras.ops.convert_to_numpy(v)) for layer in carrier.eval_states for v in layer)
    with pytest.raises(ValueError, match="which must be 'eval', 'train' or 'all', got 'both'"):
        carrier.reset_states("both")


def test_stream_and_window_bits_equal_cross_entropy_by_hand():
    model = small_text_generator(num_layers=1)
    ids = np.random.default_rng(1).integers(0, model.vocab_size, 2 * 3 * 16 + 1).astype("int32")

    def bits(inputs, targets):
        logp = keras.ops.convert_to_numpy(keras.ops.log_softmax(model(inputs), axis=-1))
        return -np.take_along_axis(logp, targets[..., None], -1).mean() / math.log(2)

    rows_x, rows_y = ids[:-1].reshape(2, 48), ids[1:].reshape(2, 48)  # two streams, read whole
    assert stream_bits(model, ids, seq_len=16, batch_size=2) == pytest.approx(bits(rows_x, rows_y), abs=1e-4)
    win_x, win_y = ids[:-1].reshape(6, 16), ids[1:].reshape(6, 16)  # six windows from zero states
    assert window_bits(model, ids, seq_len=16, batch_size=4) == pytest.approx(bits(win_x, win_y), abs=1e-4)


def test_carried_state_training_keeps_streams_apart_from_validation():
    model = small_text_generator()
    carrier = StateCarrier(model, batch_size=4)
    carrier.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    ids = np.random.default_rng(2).integers(0, model.vocab_size, 4 * 10 * 5 + 1)
    data = text_streams(ids, seq_len=10, batch_size=4)
    carrier.fit(data.take(3), epochs=1, verbose=0)
    train_states = [keras.ops.convert_to_numpy(v).copy() for layer in carrier.train_states for v in layer]
    assert all(np.any(s) for s in train_states)
    first = carrier.evaluate(data, verbose=0)
    carrier.reset_states("eval")
    assert carrier.evaluate(data, verbose=0) == pytest.approx(first, rel=1e-6)
    for before, var in zip(train_states, [v for layer in carrier.train_states for v in layer], strict=True):
        np.testing.assert_array_equal(before, keras.ops.convert_to_numpy(var))
    with pytest.raises(ValueError, match="batch_size must be a positive integer, got 0"):
        StateCarrier(model, batch_size=0)


def test_a_short_validation_text_gets_fewer_streams_and_trains_on_every_backend():
    """A validation text too short for ``batch_size`` streams is read as fewer streams. Keras builds
    its compiled loss by calling the model with ``training=False`` on a training batch's shape, which
    then disagrees with the evaluation states' rows (JAX refused it: "(32, 128), (31, 128)")."""
    import zoo
    from zoo.data import TextCorpus

    text = "def add(self, x):\n    return x + self.y\n" * 40
    corpus = TextCorpus("short", train=text[:1400], validation=text[1400:1500], files=())  # 6 streams of 16
    result = zoo.train_text_generator(
        corpus,
        options=RunOptions(epochs=2, verbose=0, lr_decay=False),
        units=8,
        embedding_dim=4,
        num_layers=1,
        seq_len=16,
        batch_size=8,
        steps_per_epoch=2,
        validation_steps=1,
    )
    rows = result.history
    assert [r["epoch"] for r in rows] == [1, 2] and all(np.isfinite(r["val_bpc"]) for r in rows)
