"""A plain RNN in NumPy, forward and backward by hand (cs231n / min-char-rnn style).

Note 003 (cs231n lecture 10) writes the recurrence as
`h_t = tanh(W_hh h_{t-1} + W_xh x_t + b_h)` and the output as
`y_t = W_hy h_t + b_y`. Here the same equations act on row vectors
(`x_t @ W_xh`), the layout Keras uses, so these arrays are exactly a
`zoo.layers.SimpleRNNCell`'s `kernel` and `recurrent_kernel`.
No framework is imported: this is the reference the gradient check uses.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np


def rnn_step_forward(x, h_prev, W_xh, W_hh, b_h):
    """One step: `h = tanh(x W_xh + h_prev W_hh + b_h)`; returns `(h, cache)`."""
    h = np.tanh(x @ W_xh + h_prev @ W_hh + b_h)
    return h, (x, h_prev, W_xh, W_hh, h)


def rnn_step_backward(dh, cache):
    """Gradients of one step from `dh`, the gradient with respect to its output.

    Returns `(dx, dh_prev, dW_xh, dW_hh, db_h)`. The factor `1 - h**2` is
    tanh's derivative; `dh_prev = dz W_hh^T` is the product that, repeated
    over many steps, makes gradients vanish or explode (S11).
    """
    x, h_prev, W_xh, W_hh, h = cache
    dz = dh * (1.0 - h**2)
    return dz @ W_xh.T, dz @ W_hh.T, x.T @ dz, h_prev.T @ dz, dz.sum(axis=0)


def rnn_forward(x, h0, W_xh, W_hh, b_h):
    """Run over `x` of shape (batch, time, features); returns `(h, caches)`, h (batch, time, units)."""
    hs, caches, h = [], [], h0
    for t in range(x.shape[1]):
        h, cache = rnn_step_forward(x[:, t], h, W_xh, W_hh, b_h)
        hs.append(h)
        caches.append(cache)
    return np.stack(hs, axis=1), caches


def rnn_backward(dh, caches):
    """Backpropagation through time for `rnn_forward`.

    `dh` (batch, time, units) is the upstream gradient of every hidden state.
    Returns `(dx, dh0, dW_xh, dW_hh, db_h)`.
    """
    x0, h0, W_xh, W_hh, _ = caches[0]
    dx = np.zeros((dh.shape[0], dh.shape[1], x0.shape[1]))
    dW_xh, dW_hh, db_h = np.zeros_like(W_xh), np.zeros_like(W_hh), np.zeros(W_hh.shape[0])
    dh_next = np.zeros_like(h0)
    for t in reversed(range(dh.shape[1])):
        dx[:, t], dh_next, dwx, dwh, db = rnn_step_backward(dh[:, t] + dh_next, caches[t])
        dW_xh += dwx
        dW_hh += dwh
        db_h += db
    return dx, dh_next, dW_xh, dW_hh, db_h


def softmax(scores):
    """Row-wise softmax, shifted by the maximum for stability."""
    e = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


def char_rnn_loss(params: dict[str, np.ndarray], inputs: Sequence[int], targets: Sequence[int], h0: np.ndarray):
    """Loss and gradients of a character RNN (note 003's "hello" model).

    Args:
        params: dict with `W_xh`, `W_hh`, `b_h`, `W_hy`, `b_y`.
        inputs: one-hot inputs, (batch, time, vocab).
        targets: integer targets, (batch, time).
        h0: initial hidden state, (batch, units).

    Returns `(loss, grads, h_last)`: the softmax cross-entropy summed over
    time and averaged over the batch, gradients with the params' keys, and the
    last hidden state.
    """
    h, caches = rnn_forward(inputs, h0, params["W_xh"], params["W_hh"], params["b_h"])
    scores = h @ params["W_hy"] + params["b_y"]
    probs = softmax(scores)
    batch, time = targets.shape
    b_idx, t_idx = np.meshgrid(np.arange(batch), np.arange(time), indexing="ij")
    loss = -np.log(probs[b_idx, t_idx, targets]).sum() / batch
    dscores = probs.copy()
    dscores[b_idx, t_idx, targets] -= 1.0
    dscores /= batch
    grads = {
        "W_hy": np.einsum("btu,btv->uv", h, dscores),
        "b_y": dscores.sum(axis=(0, 1)),
    }
    _, _, grads["W_xh"], grads["W_hh"], grads["b_h"] = rnn_backward(dscores @ params["W_hy"].T, caches)
    return loss, grads, h[:, -1]


def numerical_gradient(f, array, eps=1e-5):
    """Centred-difference gradient of the scalar `f()` with respect to `array` (changed in place, restored)."""
    grad = np.zeros_like(array)
    it = np.nditer(array, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = array[i]
        array[i] = old + eps
        plus = f()
        array[i] = old - eps
        minus = f()
        array[i] = old
        grad[i] = (plus - minus) / (2 * eps)
    return grad


def relative_error(a, b):
    """`max |a - b| / max(|a| + |b|)`, elementwise, as cs231n reports it."""
    return float(np.max(np.abs(a - b) / np.maximum(1e-12, np.abs(a) + np.abs(b))))
