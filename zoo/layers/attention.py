"""Attention from its equations (note 002, A1-A6), with `keras.ops` only.

- `scaled_dot_product_attention`: softmax(Q K^T / sqrt(d_k)) V, with
  optional causal and padding masks, returning the output and the weights;
- `MultiHeadAttention`: the same variables, in the same order and
  layout, as `keras.layers.MultiHeadAttention` (query, key, value and output
  projections as (d_model, heads, head_dim) kernels), so weights copy across
  with `set_weights` and the outputs agree;
- `SinusoidalPositionalEncoding` and `PositionEmbedding`;
- `TransformerEncoderBlock` and `TransformerDecoderBlock`
  (post-norm, as in Vaswani et al., 2017).
"""

from __future__ import annotations

import math

import keras
import numpy as np
from keras import ops

from zoo.errors import InputError
from zoo.validation import check_positive_int

# What a masked score becomes before the softmax (Keras's Softmax uses the same).
_MASKED = -1e9


def causal_mask(query_length, key_length) -> np.ndarray:
    """(query_length, key_length) booleans: query i may see keys 0..i (aligned at the end of the keys)."""
    offset = key_length - query_length
    return np.arange(key_length)[None, :] <= np.arange(query_length)[:, None] + offset


def attention_weights(query, key, mask=None, causal=False):
    """softmax(Q K^T / sqrt(d_k)) for (..., T, d_k) queries and (..., S, d_k) keys: (..., T, S).

    `mask`: booleans broadcastable to (..., T, S), True where a query may
    attend (a padding mask is (batch, 1, S)); `causal`: each query sees only
    keys at or before its own position. Masked positions get weight 0.
    """
    d_k = query.shape[-1]
    scores = ops.matmul(query, ops.swapaxes(key, -1, -2)) / math.sqrt(d_k)
    if causal:
        t, s = scores.shape[-2], scores.shape[-1]
        if t is None or s is None:  # lengths known only when run (a graph traced with None)
            t, s = ops.shape(scores)[-2], ops.shape(scores)[-1]
            c = ops.arange(s)[None, :] <= ops.arange(t)[:, None] + (s - t)
        else:
            c = causal_mask(t, s)
        mask = c if mask is None else ops.logical_and(ops.cast(mask, "bool"), c)
    if mask is not None:
        scores = ops.where(ops.cast(mask, "bool"), scores, ops.cast(_MASKED, scores.dtype))
    return ops.softmax(scores, axis=-1)


def scaled_dot_product_attention(query, key, value, mask=None, causal=False):
    """`(softmax(Q K^T / sqrt(d_k)) V, weights)`; masks as in `attention_weights`."""
    weights = attention_weights(query, key, mask=mask, causal=causal)
    return ops.matmul(weights, value), weights


@keras.saving.register_keras_serializable(package="zoo")
class MultiHeadAttention(keras.layers.Layer):
    """Multi-head attention with `keras.layers.MultiHeadAttention`'s variables and call signature.

    `layer(query, value, key=None, attention_mask=None, use_causal_mask=False,
    return_attention_scores=False)`; `key` defaults to `value`. Each head
    projects to `key_dim` (queries, keys) and `value_dim` (values), runs
    `scaled_dot_product_attention`, and an output projection maps the
    concatenated heads back to the query's width (or `output_dim`).
    """

    def __init__(self, num_heads, key_dim, value_dim=None, dropout=0.0, use_bias=True, output_dim=None, **kwargs):
        super().__init__(**kwargs)
        for arg, value in (("num_heads", num_heads), ("key_dim", key_dim)):
            check_positive_int(f"MultiHeadAttention: {arg}", value)
        self.num_heads = num_heads
        self.key_dim = key_dim
        self.value_dim = value_dim or key_dim
        self.dropout = dropout
        self.use_bias = use_bias
        self.output_dim = output_dim
        self.dropout_layer = keras.layers.Dropout(dropout, dtype=self.dtype_policy)

    def _projection(self, name, width, head_dim):
        kernel = self.add_weight(
            name=f"{name}_kernel", shape=(width, self.num_heads, head_dim), initializer="glorot_uniform"
        )
        bias = (
            self.add_weight(name=f"{name}_bias", shape=(self.num_heads, head_dim), initializer="zeros")
            if self.use_bias
            else None
        )
        return kernel, bias

    def build(self, query_shape, value_shape=None, key_shape=None):
        value_shape = query_shape if value_shape is None else value_shape
        key_shape = value_shape if key_shape is None else key_shape
        # Same order as keras.layers.MultiHeadAttention: query, key, value, output.
        self.query_kernel, self.query_bias = self._projection("query", query_shape[-1], self.key_dim)
        self.key_kernel, self.key_bias = self._projection("key", key_shape[-1], self.key_dim)
        self.value_kernel, self.value_bias = self._projection("value", value_shape[-1], self.value_dim)
        out = self.output_dim or query_shape[-1]
        self.output_kernel = self.add_weight(
            name="output_kernel", shape=(self.num_heads, self.value_dim, out), initializer="glorot_uniform"
        )
        self.output_bias = (
            self.add_weight(name="output_bias", shape=(out,), initializer="zeros") if self.use_bias else None
        )

    @staticmethod
    def _project(x, kernel, bias):
        """(B, T, width) -> (B, heads, T, head_dim), in `x`'s dtype (Keras casts the weights so inside `call`
        under mixed precision; the cached path, called directly, needs the cast here)."""
        y = ops.einsum("btd,dhk->bhtk", x, ops.cast(kernel, x.dtype))
        return y if bias is None else y + ops.cast(bias, x.dtype)[None, :, None, :]

    def call(
        self,
        query,
        value,
        key=None,
        attention_mask=None,
        use_causal_mask=False,
        return_attention_scores=False,
        training=None,
    ):
        key = value if key is None else key
        q = self._project(query, self.query_kernel, self.query_bias)
        k = self._project(key, self.key_kernel, self.key_bias)
        v = self._project(value, self.value_kernel, self.value_bias)
        mask = None if attention_mask is None else ops.expand_dims(ops.cast(attention_mask, "bool"), 1)
        weights = attention_weights(q, k, mask=mask, causal=use_causal_mask)
        if self.dropout:
            weights = self.dropout_layer(weights, training=training)
        heads = ops.matmul(weights, v)
        out = ops.einsum("bhtv,hvo->bto", heads, self.output_kernel)
        if self.output_bias is not None:
            out = out + self.output_bias
        return (out, weights) if return_attention_scores else out

    def cached_self_attention(self, x, cache, position):
        """Causal self-attention of `x` (B, T, width) sitting at `position`..`position + T - 1`.

        `cache` holds the keys and values of the earlier positions, each
        (B, heads, max_length, head_dim); this chunk's keys and values are
        written into it at `position` and every query attends to the cached
        keys up to its own position. Returns `(output, (keys, values))`:
        the same output as a causal call on the whole prefix, computed
        without re-projecting it (a key/value cache for generation).
        """
        q = self._project(x, self.query_kernel, self.query_bias)
        start = (0, 0, position, 0)
        keys = ops.slice_update(cache[0], start, self._project(x, self.key_kernel, self.key_bias))
        values = ops.slice_update(cache[1], start, self._project(x, self.value_kernel, self.value_bias))
        query_positions = position + ops.arange(x.shape[1], dtype="int32")
        visible = ops.arange(keys.shape[2], dtype="int32")[None, :] <= query_positions[:, None]
        heads = ops.matmul(attention_weights(q, keys, mask=visible[None, None]), values)
        out = ops.einsum("bhtv,hvo->bto", heads, ops.cast(self.output_kernel, heads.dtype))
        if self.output_bias is not None:
            out = out + ops.cast(self.output_bias, out.dtype)
        return out, (keys, values)

    def compute_output_shape(self, query_shape, value_shape=None, key_shape=None):
        return (*query_shape[:-1], self.output_dim or query_shape[-1])

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "key_dim": self.key_dim,
            "value_dim": self.value_dim,
            "dropout": self.dropout,
            "use_bias": self.use_bias,
            "output_dim": self.output_dim,
        }


def sinusoidal_encoding(length: int, depth: int) -> np.ndarray:
    """(length, depth) sine/cosine position codes: PE[p, 2i] = sin(p / 10000^(2i/d)), PE[p, 2i+1] = cos(...)."""
    positions = np.arange(length)[:, None]
    rates = 1.0 / np.power(10000.0, (2 * (np.arange(depth) // 2)) / depth)
    angles = positions * rates[None, :]
    return np.where(np.arange(depth) % 2 == 0, np.sin(angles), np.cos(angles)).astype(np.float32)


@keras.saving.register_keras_serializable(package="zoo")
class SinusoidalPositionalEncoding(keras.layers.Layer):
    """Add fixed sine/cosine position codes to (batch, T, depth) inputs; no weights; T up to `max_length`."""

    def __init__(self, max_length=4096, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length

    def build(self, input_shape):
        self.table = sinusoidal_encoding(self.max_length, input_shape[-1])

    def call(self, inputs, start=0):
        length = ops.shape(inputs)[1]
        codes = ops.convert_to_tensor(self.table, inputs.dtype)[start : start + length]
        return inputs + codes[None]

    def codes(self, positions):
        """The codes at `positions` (an int tensor, possibly traced): (len(positions), depth)."""
        return ops.take(ops.convert_to_tensor(self.table), positions, axis=0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_length": self.max_length}


@keras.saving.register_keras_serializable(package="zoo")
class PositionEmbedding(keras.layers.Layer):
    """Add a learned vector per position (up to `max_length`) to (batch, T, depth) inputs."""

    def __init__(self, max_length, **kwargs):
        super().__init__(**kwargs)
        self.max_length = max_length

    def build(self, input_shape):
        self.embeddings = self.add_weight(
            name="embeddings", shape=(self.max_length, input_shape[-1]), initializer="glorot_uniform"
        )

    def call(self, inputs, start=0):
        length = ops.shape(inputs)[1]
        return inputs + ops.convert_to_tensor(self.embeddings)[start : start + length][None]

    def codes(self, positions):
        """The vectors at `positions` (an int tensor, possibly traced): (len(positions), depth)."""
        return ops.take(self.embeddings, positions, axis=0)

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {**super().get_config(), "max_length": self.max_length}


@keras.saving.register_keras_serializable(package="zoo")
class TransformerEncoderBlock(keras.layers.Layer):
    """Self-attention and a position-wise feed-forward network, each with a residual and layer norm.

    `x = norm(x + attention(x, x)); x = norm(x + ffn(x))` with `ffn` two dense
    layers (`ff_dim` with ReLU, then back to the input width). `padding_mask`
    (batch, S) booleans marks real tokens.
    """

    def __init__(self, num_heads, ff_dim, dropout=0.0, causal=False, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.ff_dim = ff_dim
        self.dropout = dropout
        self.causal = causal

    def build(self, input_shape):
        width = input_shape[-1]
        if width % self.num_heads:
            raise InputError(f"{self.name}: the model width {width} must be divisible by num_heads={self.num_heads}.")
        policy = self.dtype_policy  # the block's own, for every sublayer (mixed precision, saved or not)
        self.attention = MultiHeadAttention(
            self.num_heads, width // self.num_heads, dropout=self.dropout, name="attention", dtype=policy
        )
        self.attention.build(input_shape, input_shape)
        self.norm1 = keras.layers.LayerNormalization(epsilon=1e-5, name="norm1", dtype=policy)
        self.norm1.build(input_shape)
        self.ff1 = keras.layers.Dense(self.ff_dim, activation="relu", name="ff1", dtype=policy)
        self.ff1.build(input_shape)
        self.ff2 = keras.layers.Dense(width, name="ff2", dtype=policy)
        self.ff2.build((*input_shape[:-1], self.ff_dim))
        self.norm2 = keras.layers.LayerNormalization(epsilon=1e-5, name="norm2", dtype=policy)
        self.norm2.build(input_shape)
        self.drop = keras.layers.Dropout(self.dropout, dtype=policy)

    def call(self, x, padding_mask=None, return_attention_scores=False, training=None):
        mask = None if padding_mask is None else ops.expand_dims(ops.cast(padding_mask, "bool"), 1)
        attended, weights = self.attention(
            x, x, attention_mask=mask, use_causal_mask=self.causal, return_attention_scores=True, training=training
        )
        x = self.norm1(x + self.drop(attended, training=training))
        x = self.norm2(x + self.drop(self.ff2(self.ff1(x)), training=training))
        return (x, weights) if return_attention_scores else x

    def call_cached(self, x, cache, position):
        """Inference on `x` at `position` with a key/value cache (causal blocks only): `(x, cache)`.

        See `MultiHeadAttention.cached_self_attention`; the outputs equal
        those of `call` on the whole sequence at the same positions.
        """
        attended, cache = self.attention.cached_self_attention(x, cache, position)
        x = self.norm1(x + attended)
        return self.norm2(x + self.ff2(self.ff1(x))), cache

    def compute_output_shape(self, input_shape):
        return input_shape

    def get_config(self):
        return {
            **super().get_config(),
            "num_heads": self.num_heads,
            "ff_dim": self.ff_dim,
            "dropout": self.dropout,
            "causal": self.causal,
        }


@keras.saving.register_keras_serializable(package="zoo")
class TransformerDecoderBlock(keras.layers.Layer):
    """Causal self-attention, attention over the encoder's output, and a feed-forward network,
    each with a residual and layer norm: `block(x, memory, memory_mask=None)`."""

    def __init__(self, num_heads, ff_dim, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        self.num_heads = num_heads
        self.ff_dim = ff_dim
        self.dropout = dropout

    def build(self, x_shape, memory_shape=None):
        input_shape = x_shape
        memory_shape = input_shape if memory_shape is None else memory_shape
        width = input_shape[-1]
        if width % self.num_heads:
            raise InputError(f"{self.name}: the model width {width} must be divisible by num_heads={self.num_heads}.")
        head = width // self.num_heads
        policy = self.dtype_policy  # the block's own, for every sublayer (mixed precision, saved or not)
        self.self_attention = MultiHeadAttention(self.num_heads, head, dropout=self.dropout, name="self_attention",
                                                 dtype=policy)  # fmt: skip
        self.self_attention.build(input_shape, input_shape)
        self.cross_attention = MultiHeadAttention(self.num_heads, head, dropout=self.dropout, name="cross_attention",
                                                  dtype=policy)  # fmt: skip
        self.cross_attention.build(input_shape, memory_shape)
        self.norms = [keras.layers.LayerNormalization(epsilon=1e-5, name=f"norm{i}", dtype=policy) for i in (1, 2, 3)]
        for norm in self.norms:
            norm.build(input_shape)
        self.ff1 = keras.layers.Dense(self.ff_dim, activation="relu", name="ff1", dtype=policy)
        self.ff1.build(input_shape)
        self.ff2 = keras.layers.Dense(width, name="ff2", dtype=policy)
        self.ff2.build((*input_shape[:-1], self.ff_dim))
        self.drop = keras.layers.Dropout(self.dropout, dtype=policy)

    def call(self, x, memory, memory_mask=None, training=None):
        x = self.norms[0](
            x + self.drop(self.self_attention(x, x, use_causal_mask=True, training=training), training=training)
        )
        mask = None if memory_mask is None else ops.expand_dims(ops.cast(memory_mask, "bool"), 1)
        attended = self.cross_attention(x, memory, attention_mask=mask, training=training)
        x = self.norms[1](x + self.drop(attended, training=training))
        return self.norms[2](x + self.drop(self.ff2(self.ff1(x)), training=training))

    def compute_output_shape(self, x_shape, memory_shape=None):
        return x_shape

    def get_config(self):
        return {**super().get_config(), "num_heads": self.num_heads, "ff_dim": self.ff_dim, "dropout": self.dropout}


@keras.saving.register_keras_serializable(package="zoo")
class AlignmentAttention(keras.layers.Layer):
    """Attention of a decoder's states over an encoder's (Bahdanau et al., 2015; Luong et al., 2015).

    `context, weights = layer([queries, keys])`: queries (batch, T, d_q),
    keys (batch, S, d_k); weights (batch, T, S) sum to 1 over the source, and
    each context vector is the weighted sum of the keys. `score`:

    - `"additive"` (Bahdanau): v^T tanh(W_q q + W_k k), with `units` hidden units;
    - `"multiplicative"` (Luong's "general"): q^T W k.

    Source positions the keys' Keras mask marks as padding get weight 0.
    """

    SCORES = ("additive", "multiplicative")

    def __init__(self, score="additive", units=32, **kwargs):
        super().__init__(**kwargs)
        if score not in self.SCORES:
            raise InputError(f"AlignmentAttention: score must be one of {self.SCORES}, got {score!r}.")
        self.score = score
        self.units = units
        self.supports_masking = True

    def build(self, input_shape):
        query_shape, key_shape = input_shape
        if self.score == "additive":
            self.query_kernel = self.add_weight(name="query_kernel", shape=(query_shape[-1], self.units))
            self.key_kernel = self.add_weight(name="key_kernel", shape=(key_shape[-1], self.units))
            self.v = self.add_weight(name="v", shape=(self.units,))
        else:
            self.kernel = self.add_weight(name="kernel", shape=(query_shape[-1], key_shape[-1]))

    def call(self, inputs, mask=None):
        queries, keys = inputs
        if self.score == "additive":
            q = ops.matmul(queries, self.query_kernel)[:, :, None, :]
            k = ops.matmul(keys, self.key_kernel)[:, None, :, :]
            scores = ops.sum(ops.tanh(q + k) * self.v, axis=-1)
        else:
            scores = ops.matmul(ops.matmul(queries, self.kernel), ops.swapaxes(keys, 1, 2))
        key_mask = mask[1] if isinstance(mask, (list, tuple)) else None
        if key_mask is not None:
            scores = ops.where(ops.cast(key_mask, "bool")[:, None, :], scores, ops.cast(_MASKED, scores.dtype))
        weights = ops.softmax(scores, axis=-1)
        return ops.matmul(weights, keys), weights

    def compute_mask(self, inputs, mask=None):
        query_mask = mask[0] if isinstance(mask, (list, tuple)) else None
        return [query_mask, query_mask]

    def compute_output_shape(self, input_shape):
        query_shape, key_shape = input_shape
        return (*query_shape[:-1], key_shape[-1]), (*query_shape[:-1], key_shape[1])

    def get_config(self):
        return {**super().get_config(), "score": self.score, "units": self.units}
