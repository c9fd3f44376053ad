"""Gradient flow through time (notes 000-004; concepts S10-S13 and L8).

Needs the TensorFlow backend: gradients with respect to every intermediate
hidden state are taken with `tf.GradientTape`.

`gradient_by_distance` answers "how much does the loss at the last step
depend on h_t?" as the norm of dL_T / dh_t against the distance T - t, for a
plain RNN (tanh or ReLU), an LSTM and a GRU, on real text (the stdlib corpus),
at initialisation or after training. `clipping_study` trains a plain ReLU
RNN whose recurrent weights make gradients explode, with and without gradient
clipping, and records the gradient norm and the loss at every step.
"""

from __future__ import annotations

import numpy as np

from zoo.errors import InputError

CELLS = ("rnn-tanh", "rnn-relu", "lstm", "gru")


def require_tensorflow(what: str) -> None:
    """Refuse in one line, before any work, where Keras runs on another backend than TensorFlow."""
    import keras

    backend = keras.backend.backend()
    if backend != "tensorflow":
        raise RuntimeError(
            f"{what} takes its gradients with tf.GradientTape and needs the TensorFlow backend; "
            f"Keras runs on {backend!r} here (KERAS_BACKEND=tensorflow)."
        )


def make_cell(kind: str, units: int, recurrent_gain: float = 1.0):
    """A zoo cell for `kind` (one of `CELLS`)."""
    import keras

    from zoo.layers import GRUCell, LSTMCell, SimpleRNNCell

    init = keras.initializers.Orthogonal(gain=recurrent_gain)
    if kind == "rnn-tanh":
        return SimpleRNNCell(units, activation="tanh", recurrent_initializer=init)
    if kind == "rnn-relu":
        return SimpleRNNCell(units, activation="relu", recurrent_initializer=init)
    if kind == "lstm":
        return LSTMCell(units, recurrent_initializer=init)
    if kind == "gru":
        return GRUCell(units, recurrent_initializer=init)
    raise InputError(f"Unknown cell kind {kind!r}; use one of {', '.join(CELLS)}.")


class CharModel:
    """Embedding, one recurrent cell, Dense: small enough to unroll by hand."""

    def __init__(self, kind, vocab_size, units=64, embedding_dim=16, recurrent_gain=1.0, seed=0):
        import keras

        keras.utils.set_random_seed(seed)
        self.kind = kind
        self.cell = make_cell(kind, units, recurrent_gain)
        self.model = keras.Sequential(
            [
                keras.Input((None,), dtype="int32"),
                keras.layers.Embedding(vocab_size, embedding_dim),
                keras.layers.RNN(self.cell, return_sequences=True),
                keras.layers.Dense(vocab_size),
            ]
        )

    def unrolled_loss(self, ids, targets):
        """Loss at the last step, and the list of hidden states h_1..h_T it depends on."""
        import keras
        from keras import ops

        embed, _, head = self.model.layers
        x = embed(ids)
        batch = ops.shape(ids)[0]
        states = [ops.zeros((batch, self.cell.units)) for _ in np.atleast_1d(self.cell.state_size)]
        hs = []
        for t in range(ids.shape[1]):
            h, states = self.cell(x[:, t], states)
            states = list(states) if isinstance(states, (list, tuple)) else [states]
            hs.append(h)
        logits = head(hs[-1])
        loss = keras.losses.sparse_categorical_crossentropy(targets[:, -1], logits, from_logits=True)
        return ops.mean(loss), hs

    def gradient_norms(self, ids, targets) -> np.ndarray:
        """Mean over the batch of ||dL_T / dh_t||, indexed by distance T - t (0 = last step)."""
        require_tensorflow("CharModel.gradient_norms")
        import tensorflow as tf

        with tf.GradientTape() as tape:
            loss, hs = self.unrolled_loss(tf.constant(ids), tf.constant(targets))
        grads = tape.gradient(loss, hs)
        norms = np.array([tf.reduce_mean(tf.norm(g, axis=-1)).numpy() for g in grads])
        return norms[::-1]

    def train(self, windows, steps, learning_rate=3e-3, clipnorm=1.0, batch_size=32, chunks=10):
        """Train on random `(inputs, targets)` windows for `steps` batches.

        Returns the mean loss of each of `chunks` consecutive stretches of
        training, so the list shows how the loss fell.
        """
        import keras

        x, y = windows
        self.model.compile(
            optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm),
            loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        )
        rng = np.random.default_rng(0)
        losses = []
        for part in np.array_split(np.arange(steps), min(chunks, steps)):
            idx = rng.integers(0, len(x), len(part) * batch_size)
            history = self.model.fit(x[idx], y[idx], batch_size=batch_size, epochs=1, verbose=0)
            losses.append(float(history.history["loss"][-1]))
        return losses


def text_windows_array(seq_len=60, max_chars=300_000, corpus="stdlib"):
    """`(inputs, targets)` arrays of shifted character windows from a corpus."""
    from zoo.data import DEFAULT_CHAR_VOCABULARY, encode_chars, load_corpus
    from zoo.data.windows import shifted_windows

    x, y = shifted_windows(encode_chars(load_corpus(corpus, max_chars=max_chars).train), seq_len)
    return x, y, len(DEFAULT_CHAR_VOCABULARY)


def gradient_by_distance(kinds=CELLS, *, seq_len=60, units=64, train_steps=0, batch=32, seed=0) -> dict:
    """`{kind: norms}` of ||dL_T/dh_t|| against distance T - t, after `train_steps` of training.

    All kinds see the same real windows of the stdlib corpus.
    """
    require_tensorflow("gradient_by_distance")
    x, y, vocab = text_windows_array(seq_len)
    probe = slice(len(x) - batch, len(x))  # held-out windows at the end
    out = {}
    for kind in kinds:
        model = CharModel(kind, vocab, units=units, seed=seed)
        if train_steps:
            model.train((x[: len(x) - batch], y[: len(x) - batch]), train_steps)
        out[kind] = model.gradient_norms(x[probe], y[probe])
    return out


def clipping_study(
    *, steps=150, seq_len=40, units=64, recurrent_gain=2.0, learning_rate=0.05, clipnorm=1.0, seed=0
) -> dict:
    """Train a ReLU RNN whose recurrent gain makes gradients explode, with and without clipping.

    Plain SGD, the same initial weights and batches for both runs. Returns
    `{"clipped": {"grad_norm": [...], "update_norm": [...], "loss": [...]}, "unclipped": {...}}`;
    the gradient norm is measured before clipping, the update norm is the
    global norm of the weights' change in that step (with clipping at most
    `learning_rate * clipnorm`).
    """
    require_tensorflow("clipping_study")
    import keras
    import tensorflow as tf

    x, y, vocab = text_windows_array(seq_len)
    rng = np.random.default_rng(seed)
    batches = [rng.integers(0, len(x), 32) for _ in range(steps)]
    results = {}
    for label, clip in (("unclipped", None), ("clipped", clipnorm)):
        model = CharModel("rnn-relu", vocab, units=units, recurrent_gain=recurrent_gain, seed=seed)
        optimizer = keras.optimizers.SGD(learning_rate)
        loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
        norms, updates, losses = [], [], []
        for idx in batches:
            before = [v.numpy().copy() for v in model.model.trainable_variables]
            with tf.GradientTape() as tape:
                loss = loss_fn(y[idx], model.model(x[idx]))
            # Dense: an embedding's gradient comes as IndexedSlices whose repeated rows add up when
            # applied, so the norm of the slices (what clip_by_global_norm would see) understates the step.
            grads = [tf.convert_to_tensor(g) for g in tape.gradient(loss, model.model.trainable_variables)]
            norm = float(tf.linalg.global_norm(grads).numpy())
            if clip is not None:
                grads, _ = tf.clip_by_global_norm(grads, clip)
            if np.isfinite(norm):
                optimizer.apply_gradients(zip(grads, model.model.trainable_variables, strict=True))
            change = [v.numpy() - b for v, b in zip(model.model.trainable_variables, before, strict=True)]
            updates.append(float(np.sqrt(sum(np.sum(np.square(c)) for c in change))))
            norms.append(norm)
            losses.append(float(loss.numpy()))
        results[label] = {"grad_norm": norms, "update_norm": updates, "loss": losses}
    return results


def plot_gradient_flow(norms_by_kind, ax=None, title=None):
    """Log-scale plot of gradient norm against distance back in time."""
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=(5.5, 3.5))
    for kind, norms in norms_by_kind.items():
        ax.semilogy(np.arange(len(norms)), np.maximum(norms, 1e-30), label=kind)
    ax.set_xlabel("distance back in time, T - t")
    ax.set_ylabel("||dL_T / dh_t||")
    if title:
        ax.set_title(title)
    ax.legend()
    return ax
