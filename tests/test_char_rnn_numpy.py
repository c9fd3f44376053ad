"""Note 003's character RNN: the NumPy gradient check and the "hello" model."""

import keras
import numpy as np
import pytest

import zoo
from zoo.layers import SimpleRNNCell
from zoo.models.rnn.char_rnn import train_hello
from zoo.numpy_rnn import char_rnn_loss, numerical_gradient, relative_error, rnn_forward


def hello_params(rng, vocab=4, hidden=5):
    return {
        "W_xh": rng.normal(0, 0.5, (vocab, hidden)),
        "W_hh": rng.normal(0, 0.5, (hidden, hidden)),
        "b_h": rng.normal(0, 0.1, hidden),
        "W_hy": rng.normal(0, 0.5, (hidden, vocab)),
        "b_y": rng.normal(0, 0.1, vocab),
    }


def test_backward_pass_matches_numerical_gradients():
    rng = np.random.default_rng(0)
    params = hello_params(rng)
    inputs = np.eye(4)[rng.integers(0, 4, (2, 6))]
    targets = rng.integers(0, 4, (2, 6))
    h0 = rng.normal(0, 0.5, (2, 5))
    _, grads, _ = char_rnn_loss(params, inputs, targets, h0)
    for name, value in params.items():
        numeric = numerical_gradient(lambda: char_rnn_loss(params, inputs, targets, h0)[0], value)
        assert relative_error(grads[name], numeric) <= 1e-6, name


def test_numpy_forward_equals_the_keras_cell():
    rng = np.random.default_rng(1)
    p = hello_params(rng)
    x = rng.normal(size=(3, 5, 4))
    h_np, _ = rnn_forward(x, np.zeros((3, 5)), p["W_xh"], p["W_hh"], p["b_h"])
    layer = keras.layers.RNN(SimpleRNNCell(5), return_sequences=True)
    layer.build((None, None, 4))
    layer.set_weights([p["W_xh"], p["W_hh"], p["b_h"]])
    np.testing.assert_allclose(keras.ops.convert_to_numpy(layer(x.astype("float32"))), h_np, atol=1e-5)


def test_hello_model_learns_ello():
    keras.utils.set_random_seed(0)  # about one start in twenty settles where the two l's look alike
    model, losses = train_hello(zoo.create_model("char_rnn"), steps=300)
    assert model.predict_next("hell") == "ello"
    assert losses[-1] < 0.1 * losses[0]
    assert model.W_xh.shape == (4, 3) and model.W_hh.shape == (3, 3) and model.W_hy.shape == (3, 4)


def test_char_rnn_rejects_unknown_characters():
    model = zoo.create_model("char_rnn")
    with pytest.raises(ValueError, match=r"characters \['x'\] are not in the vocabulary"):
        model.one_hot("hex")
