"""Training windows for language models (needs TensorFlow for ``tf.data``)."""

from __future__ import annotations

import numpy as np


def shifted_windows(ids, seq_len: int) -> tuple:
    """NumPy ``(inputs, targets)``: non-overlapping windows of ``seq_len`` ids and the same shifted one ahead."""
    ids = np.asarray(ids, dtype=np.int32).reshape(-1)
    if seq_len < 1:
        raise ValueError(f"seq_len must be positive, got {seq_len!r}.")
    n = (len(ids) - 1) // seq_len
    if n < 1:
        raise ValueError(f"{len(ids)} tokens are too few for one window of seq_len={seq_len} (+1 target).")
    return ids[: n * seq_len].reshape(n, seq_len), ids[1 : n * seq_len + 1].reshape(n, seq_len)


def text_windows(ids, seq_len: int, batch_size: int, *, shuffle: bool = True, seed: int = 0):
    """A ``tf.data.Dataset`` of ``(inputs, targets)`` windows of token ids.

    The ids are cut into non-overlapping windows of ``seq_len + 1`` tokens;
    ``inputs`` are the first ``seq_len`` and ``targets`` the same window
    shifted one token ahead. Works as ``fit`` data on every Keras backend.
    """
    import tensorflow as tf

    if seq_len < 1 or batch_size < 1:
        raise ValueError(f"seq_len and batch_size must be positive, got {seq_len!r} and {batch_size!r}.")
    x, y = shifted_windows(ids, seq_len)
    ds = tf.data.Dataset.from_tensor_slices((x, y))
    if shuffle:
        ds = ds.shuffle(len(x), seed=seed, reshuffle_each_iteration=True)
    return ds.batch(batch_size, drop_remainder=False).prefetch(tf.data.AUTOTUNE)
