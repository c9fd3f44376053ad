"""Training windows for language models (needs TensorFlow for `tf.data`)."""

from __future__ import annotations

import numpy as np

from zoo.errors import InputError


def shifted_windows(ids, seq_len: int) -> tuple:
    """NumPy `(inputs, targets)`: non-overlapping windows of `seq_len` ids and the same shifted one ahead."""
    ids = np.asarray(ids, dtype=np.int32).reshape(-1)
    if seq_len < 1:
        raise InputError(f"seq_len must be positive, got {seq_len!r}.")
    n = (len(ids) - 1) // seq_len
    if n < 1:
        raise InputError(f"{len(ids)} tokens are too few for one window of seq_len={seq_len} (+1 target).")
    return ids[: n * seq_len].reshape(n, seq_len), ids[1 : n * seq_len + 1].reshape(n, seq_len)


def text_windows(ids, seq_len: int, batch_size: int, *, shuffle: bool = True, seed: int = 0):
    """A `tf.data.Dataset` of `(inputs, targets)` windows of token ids.

    The ids are cut into non-overlapping windows of `seq_len + 1` tokens;
    `inputs` are the first `seq_len` and `targets` the same window
    shifted one token ahead. Works as `fit` data on every Keras backend.
    """
    import tensorflow as tf

    if seq_len < 1 or batch_size < 1:
        raise InputError(f"seq_len and batch_size must be positive, got {seq_len!r} and {batch_size!r}.")
    x, y = shifted_windows(ids, seq_len)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=False).prefetch(tf.data.AUTOTUNE)


def stream_windows(ids, seq_len: int, batch_size: int) -> tuple:
    """NumPy `(inputs, targets)` of shape `(steps, batch_size, seq_len)` that continue each other.

    The ids are cut into `batch_size` contiguous streams, one per batch row;
    step `j + 1`'s row `i` is the text right after step `j`'s row `i`.
    A model that carries its recurrent state from one step to the next (as
    char-rnn's truncated backpropagation through time does) then reads every
    stream as one long text. Up to `batch_size x seq_len` trailing ids that
    do not fill a step are left out.
    """
    ids = np.asarray(ids, dtype=np.int32).reshape(-1)
    if seq_len < 1 or batch_size < 1:
        raise InputError(f"seq_len and batch_size must be positive, got {seq_len!r} and {batch_size!r}.")
    steps = (len(ids) - 1) // (batch_size * seq_len)
    if steps < 1:
        raise InputError(
            f"{len(ids)} tokens are too few for {batch_size} streams of at least seq_len={seq_len} (+1 target); "
            "lower batch_size or seq_len."
        )
    span = steps * seq_len
    x = ids[: batch_size * span].reshape(batch_size, steps, seq_len)
    y = ids[1 : batch_size * span + 1].reshape(batch_size, steps, seq_len)
    return x.transpose(1, 0, 2), y.transpose(1, 0, 2)


def text_streams(ids, seq_len: int, batch_size: int):
    """A `tf.data.Dataset` of the `stream_windows` steps, in order (never shuffled)."""
    import tensorflow as tf

    x, y = stream_windows(ids, seq_len, batch_size)
    return tf.data.Dataset.from_tensor_slices((x, y)).prefetch(tf.data.AUTOTUNE)
