"""A decoder-only Transformer language model (note 002's closing section; A1-A6).

Token embeddings plus position codes, `num_layers` causal
`TransformerEncoderBlock`s, and a Dense layer giving the
next token's logits: the same interface as `TextGenerator`, so it
trains with `zoo train` and samples with `zoo.generate`.

Generation keeps a key/value cache: every block stores the keys and values
of the positions already read, so each new token costs one query against the
cache instead of re-running the whole prefix. The context is `max_length`
tokens; `zoo.generate` slides a window over longer outputs.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
from keras import ops

from zoo.errors import InputError
from zoo.layers.attention import PositionEmbedding, SinusoidalPositionalEncoding, TransformerEncoderBlock
from zoo.models.rnn.arguments import resolve_vocabulary
from zoo.models.rnn.text_generator import model_vocabulary
from zoo.models.transformer.arguments import POSITIONAL, check_transformer_lm

POSITIONS = dict(zip(POSITIONAL, (PositionEmbedding, SinusoidalPositionalEncoding), strict=True))


@keras.saving.register_keras_serializable(package="zoo")
class TransformerLM(keras.Model):
    """Next-token Transformer: Embedding + positions, causal Transformer blocks, Dense.

    Args:
        vocab_size: the number of token ids, as for `TextGenerator`.
        vocabulary: the tokens themselves, instead of `vocab_size` (default:
            the 98 printable characters).
        max_length: the context: the longest sequence the model reads at once.
        embed_dim: width of the token vectors and of every block.
        num_heads: attention heads per block (`embed_dim` must divide by it).
        ff_dim: hidden width of each block's feed-forward network.
        num_layers: how many blocks are stacked.
        dropout: dropout rate on attention weights and residual branches.
        positional: `"learned"` position vectors or fixed `"sinusoidal"` codes.

    Called on (batch, time) token ids it returns (batch, time, vocab_size)
    logits; `return_attention_scores=True` also returns each block's
    attention weights, (batch, heads, time, time).
    """

    def __init__(
        self,
        vocab_size: int | None = None,
        vocabulary: Sequence[str] | None = None,
        max_length: int = 256,
        embed_dim: int = 128,
        num_heads: int = 4,
        ff_dim: int = 512,
        num_layers: int = 2,
        dropout: float = 0.0,
        positional: str = "learned",
        **kwargs,
    ):
        super().__init__(**kwargs)
        vocabulary, resolved_size = resolve_vocabulary(vocab_size, vocabulary)
        check_transformer_lm(
            max_length=max_length,
            embed_dim=embed_dim,
            num_heads=num_heads,
            ff_dim=ff_dim,
            num_layers=num_layers,
            dropout=dropout,
            positional=positional,
        )
        self._vocab_size_arg = vocab_size
        self._vocabulary_arg = vocabulary
        self.vocab_size = resolved_size
        self.max_length = max_length
        self.embed_dim = embed_dim
        self.num_heads = num_heads
        self.ff_dim = ff_dim
        self.num_layers = num_layers
        self.dropout = float(dropout)
        self.positional = positional

        policy = self.dtype_policy  # the model's own (mixed precision): its layers compute as it does, saved or not
        self.embedding = keras.layers.Embedding(resolved_size, embed_dim, name="embedding", dtype=policy)
        self.positions = POSITIONS[positional](max_length, name="positions", dtype=policy)
        self.blocks = [
            TransformerEncoderBlock(num_heads, ff_dim, dropout=self.dropout, causal=True, name=f"block_{i + 1}",
                                    dtype=policy)  # fmt: skip
            for i in range(num_layers)
        ]
        self.embedding_dropout = keras.layers.Dropout(self.dropout, dtype=policy)
        self.head = keras.layers.Dense(resolved_size, name="logits", dtype=policy)
        self.build((None, None))  # weights from the start, so saving never loses them

    @property
    def vocabulary(self):
        """The tokens, position = id: the given list, or the default characters."""
        return model_vocabulary(self._vocab_size_arg, self._vocabulary_arg)

    @property
    def head_dim(self):
        return self.embed_dim // self.num_heads

    def build(self, input_shape):
        shape = (*tuple(input_shape), self.embed_dim)
        for layer, layer_shape in (
            (self.embedding, tuple(input_shape)),
            (self.positions, shape),
            *((block, shape) for block in self.blocks),
            (self.head, shape),
        ):
            if not layer.built:
                layer.build(layer_shape)
        self.built = True

    def _check_length(self, length):
        if length is not None and length > self.max_length:
            raise InputError(
                f"The sequence has {length} tokens but this TransformerLM reads at most max_length="
                f"{self.max_length}; use shorter windows or build the model with a larger max_length."
            )

    def call(self, inputs, training=None, return_attention_scores=False):
        self._check_length(inputs.shape[1])
        x = self.positions(self.embedding(inputs) * self.embed_dim**0.5)
        x = self.embedding_dropout(x, training=training)
        maps = []
        for block in self.blocks:
            x, weights = block(x, return_attention_scores=True, training=training)
            maps.append(weights)
        logits = self.head(x)
        return (logits, maps) if return_attention_scores else logits

    def compute_output_shape(self, input_shape):
        return (*tuple(input_shape), self.vocab_size)

    # -- generation with a key/value cache ---------------------------------
    def initial_states(self, batch):
        """An empty cache for `batch` sequences: `[position, [keys, values] per block]`."""
        shape = (batch, self.num_heads, self.max_length, self.head_dim)
        zeros = ops.zeros(shape, dtype=self.compute_dtype)  # the attention's keys and values (mixed precision)
        return [ops.zeros((), "int32"), *([zeros, zeros] for _ in self.blocks)]

    def _cached(self, token_ids, states):
        """Read (batch, T) tokens after the cached ones: `(logits (batch, T, vocab), states)`."""
        position, *caches = states
        length = token_ids.shape[1]
        positions = position + ops.arange(length, dtype="int32")
        x = self.embedding(token_ids) * self.embed_dim**0.5
        x = x + ops.cast(self.positions.codes(positions), x.dtype)[None]  # the codes are float32 (mixed precision)
        new_caches = []
        for block, cache in zip(self.blocks, caches, strict=True):
            x, cache = block.call_cached(x, cache, position)
            new_caches.append(list(cache))
        return ops.cast(self.head(x), "float32"), [position + length, *new_caches]  # float32 logits, any policy

    def prefill(self, token_ids):
        """Read a (batch, time) prompt at once, filling the cache: `(last logits, states)`."""
        self._check_length(token_ids.shape[1])
        logits, states = self._cached(token_ids, self.initial_states(token_ids.shape[0]))
        return logits[:, -1, :], states

    def step(self, token_ids, states):
        """Advance one token: `(batch,)` ids and the cache -> `(logits, cache)`; no dropout.

        The caller keeps the position below `max_length` (`zoo.generate`
        re-reads the last half of the context when it is full).
        """
        logits, states = self._cached(ops.expand_dims(token_ids, 1), states)
        return logits[:, 0, :], states

    def get_config(self):
        policy = {} if self.dtype_policy.name == "float32" else {"dtype": self.dtype_policy.name}
        return {
            "name": self.name,
            "trainable": self.trainable,
            **policy,  # a mixed-precision model loads as one (float32, the default, is left out as before)
            "vocab_size": self._vocab_size_arg,
            "vocabulary": self._vocabulary_arg,
            "max_length": self.max_length,
            "embed_dim": self.embed_dim,
            "num_heads": self.num_heads,
            "ff_dim": self.ff_dim,
            "num_layers": self.num_layers,
            "dropout": self.dropout,
            "positional": self.positional,
        }
