"""The cells written from the equations equal Keras's own layers (to 1e-5)."""

import keras
import numpy as np
import pytest

from zoo.layers import GRUCell, LSTMCell, SimpleRNNCell

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends

CASES = {
    "rnn": (lambda u: SimpleRNNCell(u), lambda u, **kw: keras.layers.SimpleRNN(u, **kw)),
    "lstm": (lambda u: LSTMCell(u), lambda u, **kw: keras.layers.LSTM(u, **kw)),
    "gru_reset_after": (lambda u: GRUCell(u, reset_after=True), lambda u, **kw: keras.layers.GRU(u, **kw)),
    "gru_reset_before": (
        lambda u: GRUCell(u, reset_after=False),
        lambda u, **kw: keras.layers.GRU(u, reset_after=False, **kw),
    ),
}
SHAPES = [(1, 1, 1, 1), (2, 5, 3, 4), (4, 17, 8, 16)]  # batch, time, features, units


def pair(kind, units, features, **layer_kwargs):
    """A zoo RNN and the Keras layer, the Keras weights randomised and copied across."""
    make_cell, make_layer = CASES[kind]
    reference = make_layer(units, **layer_kwargs)
    ours = keras.layers.RNN(make_cell(units), **layer_kwargs)
    reference.build((None, None, features))
    ours.build((None, None, features))
    rng = np.random.default_rng(units * 31 + features)
    weights = [rng.normal(0, 0.5, w.shape).astype("float32") for w in reference.get_weights()]
    reference.set_weights(weights)
    assert [w.shape for w in ours.get_weights()] == [w.shape for w in weights]
    ours.set_weights(weights)
    return ours, reference


def as_arrays(out):
    to_numpy = keras.ops.convert_to_numpy
    return [to_numpy(o) for o in out] if isinstance(out, (list, tuple)) else [to_numpy(out)]


@pytest.mark.parametrize("kind", CASES)
@pytest.mark.parametrize("batch, time, features, units", SHAPES)
@pytest.mark.parametrize("return_sequences, return_state", [(False, False), (True, False), (True, True)])
def test_cell_equals_keras_layer(kind, batch, time, features, units, return_sequences, return_state):
    ours, reference = pair(kind, units, features, return_sequences=return_sequences, return_state=return_state)
    x = np.random.default_rng(batch + time).normal(size=(batch, time, features)).astype("float32")
    got, want = as_arrays(ours(x)), as_arrays(reference(x))
    assert len(got) == len(want) == (1 + (2 if kind == "lstm" else 1) * return_state)
    for g, w in zip(got, want, strict=True):
        assert g.shape == w.shape
        np.testing.assert_allclose(g, w, atol=1e-5, rtol=0)


@pytest.mark.parametrize("kind", CASES)
def test_padding_mask_and_initial_state(kind):
    units, features = 6, 3
    ours, reference = pair(kind, units, features, return_sequences=True, return_state=True)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(3, 7, features)).astype("float32")
    mask = np.ones((3, 7), bool)
    mask[1, 4:] = False  # a shorter second sequence, padded at the end
    mask[2, 2:] = False
    n_states = 2 if kind == "lstm" else 1
    init = [rng.normal(size=(3, units)).astype("float32") for _ in range(n_states)]
    got = as_arrays(ours(x, mask=mask, initial_state=init))
    want = as_arrays(reference(x, mask=mask, initial_state=init))
    for g, w in zip(got, want, strict=True):
        np.testing.assert_allclose(g, w, atol=1e-5, rtol=0)
    # masked steps carry the state: the final state is the state after the last real step
    np.testing.assert_allclose(got[1][1], got[0][1, 3], atol=1e-6)


def test_cells_serialize_and_lstm_starts_with_forget_bias_one():
    cell = LSTMCell(5)
    layer = keras.layers.RNN(cell)
    layer.build((None, None, 2))
    bias = keras.ops.convert_to_numpy(cell.bias)
    np.testing.assert_array_equal(bias[5:10], 1.0)
    np.testing.assert_array_equal(np.concatenate([bias[:5], bias[10:]]), 0.0)
    for c in (SimpleRNNCell(4, activation="relu"), LSTMCell(4), GRUCell(4, reset_after=False)):
        clone = c.__class__.from_config(c.get_config())
        assert clone.get_config() == c.get_config()
    layer_config = keras.saving.serialize_keras_object(keras.layers.RNN(GRUCell(3)))
    assert keras.saving.deserialize_keras_object(layer_config).cell.reset_after is True


def test_gates_expose_the_equations():
    cell = LSTMCell(3)
    cell.build((None, 2))
    x = np.ones((1, 2), "float32")
    h, c = np.zeros((1, 3), "float32"), np.full((1, 3), 2.0, "float32")
    v = {k: keras.ops.convert_to_numpy(t) for k, t in cell.gates(x, [h, c]).items()}
    np.testing.assert_allclose(v["c"], v["f"] * 2.0 + v["i"] * v["g"], atol=1e-6)  # L5
    np.testing.assert_allclose(v["h"], v["o"] * np.tanh(v["c"]), atol=1e-6)  # L6
    assert all(((v[k] > 0) & (v[k] < 1)).all() for k in "ifo")  # L2: sigmoid gates
    gru = GRUCell(3)
    gru.build((None, 2))
    g = {k: keras.ops.convert_to_numpy(t) for k, t in gru.gates(x, [h]).items()}
    np.testing.assert_allclose(g["h"], (1 - g["z"]) * g["g"], atol=1e-6)  # h_prev = 0


def test_cells_are_reachable_from_the_package():
    import zoo

    assert zoo.layers.LSTMCell is LSTMCell and zoo.layers.GRUCell is GRUCell


def test_bad_units():
    with pytest.raises(ValueError, match="units must be a positive integer, got 0"):
        LSTMCell(0)
