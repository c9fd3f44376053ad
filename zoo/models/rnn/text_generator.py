"""The TextGenerator of note 004: Embedding, stacked recurrent layers, Dense.

The note builds it as:

```text
embedding -> LSTM(return_sequences=True) -> LSTM(return_sequences=True) -> Dense(vocab_size)
```

and points out (L16) that only the first LSTM sees the embedding size; every
later layer takes the previous layer's `units` as its input size. This
version keeps that shape, lets the cell be an LSTM, a GRU or a simple RNN,
and can return the recurrent states so text can be generated one token at a
time without re-reading the prefix.
"""

from __future__ import annotations

import inspect
from collections.abc import Sequence

import keras

from zoo.data.text import DEFAULT_CHAR_VOCABULARY
from zoo.errors import InputError
from zoo.models.rnn.arguments import CELLS, check_text_generator, resolve_vocabulary

RECURRENT_LAYERS = dict(zip(CELLS, (keras.layers.LSTM, keras.layers.GRU, keras.layers.SimpleRNN), strict=True))


def model_vocabulary(vocab_size_arg, vocabulary_arg):
    """The tokens of a model built from these arguments: the given list, the default characters, or None."""
    if vocabulary_arg is not None:
        return list(vocabulary_arg)
    if vocab_size_arg is None:
        return list(DEFAULT_CHAR_VOCABULARY)
    return None


def note_alias(kwargs, note_name, name, value):
    """`value` of `TextGenerator`'s argument `name`, or the same argument given by note 004's
    name (`kwargs[note_name]`), popped from `kwargs`.

    Giving both names with different values (`name` not left at its default) is refused, naming both.
    """
    if note_name not in kwargs:
        return value
    note_value = kwargs.pop(note_name)
    default = inspect.signature(TextGenerator.__init__).parameters[name].default
    if value != default and value != note_value:
        raise InputError(
            f"{note_name}={note_value!r} (note 004's name for {name}) disagrees with {name}={value!r}; "
            "give one of them."
        )
    return note_value


@keras.saving.register_keras_serializable(package="zoo")
class TextGenerator(keras.Model):
    """Next-token language model: Embedding, `num_layers` recurrent layers, Dense.

    Args:
        vocab_size: number of token ids. Optional when `vocabulary` is given;
            if both are `None` the default character vocabulary
            (`zoo.data.DEFAULT_CHAR_VOCABULARY`, 98 tokens) is used.
        vocabulary: list of unique tokens (characters or words). A plain
            list such as `sorted(set(text))` gets `[UNK]` put in front
            (characters: the i-th character has id `i + 1`), or `""` and
            `[UNK]` (words: id `i + 2`); see
            `zoo.data.vocab.codec_vocabulary`. Lists that already start
            that way are kept as they are. Stored in the model and in its
            saved file, so a loaded model can encode and decode text.
        embedding_dim: size of the token vectors (L13).
        units: hidden size of every recurrent layer (L14).
        num_layers: how many recurrent layers are stacked (L15).
        cell: `"lstm"`, `"gru"` or `"rnn"` (a simple tanh RNN).
        dropout: dropout rate after each recurrent layer, in `[0, 1)`.

    Note 004 writes this model as `TextGenerator(vocab_size, embedding_size,
    hidden_size)`; the same call builds the same layers here, positionally or by
    keyword: `embedding_size` is `embedding_dim` and `hidden_size` is
    `units`. The saved config uses zoo's names.

    Called on integer token ids of shape `(batch, time)` it returns logits
    of shape `(batch, time, vocab_size)`. With `return_state=True` it also
    returns the final states of each layer, which `initial_state` accepts
    back.
    """

    def __init__(
        self,
        vocab_size: int | None = None,
        embedding_dim: int = 64,
        units: int = 256,
        num_layers: int = 2,
        cell: str = "lstm",
        dropout: float = 0.0,
        *,
        vocabulary: Sequence[str] | None = None,
        **kwargs,
    ):
        embedding_dim = note_alias(kwargs, "embedding_size", "embedding_dim", embedding_dim)
        units = note_alias(kwargs, "hidden_size", "units", units)
        super().__init__(**kwargs)
        vocabulary, resolved_size = resolve_vocabulary(vocab_size, vocabulary)
        check_text_generator(
            embedding_dim=embedding_dim, units=units, num_layers=num_layers, cell=cell, dropout=dropout
        )

        self._vocab_size_arg = vocab_size
        self._vocabulary_arg = vocabulary
        self.vocab_size = resolved_size
        self.embedding_dim = embedding_dim
        self.units = units
        self.num_layers = num_layers
        self.cell = cell
        self.dropout = float(dropout)

        policy = self.dtype_policy  # the model's own (mixed precision): its layers compute as it does, saved or not
        self.embedding = keras.layers.Embedding(resolved_size, embedding_dim, name="embedding", dtype=policy)
        layer_cls = RECURRENT_LAYERS[cell]
        self.recurrent_layers = [
            layer_cls(units, return_sequences=True, return_state=True, name=f"{cell}_{i + 1}", dtype=policy)
            for i in range(num_layers)
        ]
        self.dropout_layers = [keras.layers.Dropout(self.dropout, name=f"dropout_{i + 1}", dtype=policy)
                               for i in range(num_layers)]  # fmt: skip
        self.head = keras.layers.Dense(resolved_size, name="logits", dtype=policy)
        # Built at once (any batch, any length), so the model always has its weights: one used only
        # through zoo.generate, never called by Keras, still saves them.
        self.build((None, None))

    @property
    def vocabulary(self):
        """The tokens, position = id: the given list, or the default characters."""
        return model_vocabulary(self._vocab_size_arg, self._vocabulary_arg)

    @property
    def state_size(self):
        """How many state tensors each recurrent layer carries (2 for LSTM: h and c)."""
        return 2 if self.cell == "lstm" else 1

    def build(self, input_shape):
        # Idempotent: keras-tuner's Hyperband calls build_from_config on a built model.
        shape = tuple(input_shape)
        for layer, out_dim in (
            (self.embedding, self.embedding_dim),
            *((layer, self.units) for layer in self.recurrent_layers),
            (self.head, None),
        ):
            if not layer.built:
                layer.build(shape)
            shape = tuple(input_shape) + (out_dim,)
        self.built = True

    def call(self, inputs, training=None, initial_state=None, return_state=False):
        x = self.embedding(inputs)
        states = []
        for i, (layer, drop) in enumerate(zip(self.recurrent_layers, self.dropout_layers, strict=True)):
            init = None if initial_state is None else list(initial_state[i])
            x, *layer_states = layer(x, initial_state=init, training=training)
            states.append(layer_states)
            x = drop(x, training=training)
        logits = self.head(x)
        return (logits, states) if return_state else logits

    def initial_states(self, batch):
        """Zero states for `batch` sequences, in the layout `step` takes."""
        zeros = keras.ops.zeros((batch, self.units), dtype=self.compute_dtype)  # the cells' (mixed precision)
        return [[zeros] * self.state_size for _ in range(self.num_layers)]

    def prefill(self, token_ids):
        """Read a (batch, time) prompt at once: `(last logits, states)` for `step` to continue from."""
        logits, states = self(token_ids, training=False, return_state=True)
        return keras.ops.cast(logits[:, -1, :], "float32"), states  # float32 logits under any dtype policy

    def step(self, token_ids, states, direct=False):
        """Advance one token: `(batch,)` ids and the states -> `(logits, states)`, the logits float32 (the states
        in the model's compute dtype, as `initial_states` makes them).

        Calls the recurrent cells directly (no loop over time), which is what
        makes token-by-token generation fast. Inference only: no dropout.
        `direct=True` runs the layers' `call` methods, skipping what
        `Layer.__call__` adds around them (dtype casting, bookkeeping), which
        dominates an eager step's time; the arithmetic is the same when the
        layers compute in float32.
        """

        def run(layer):
            return layer.call if direct else layer

        x = run(self.embedding)(token_ids)
        new_states = []
        for layer, layer_states in zip(self.recurrent_layers, states, strict=True):
            x, cell_states = run(layer.cell)(x, list(layer_states), training=False)
            new_states.append(list(cell_states) if isinstance(cell_states, (list, tuple)) else [cell_states])
        return keras.ops.cast(run(self.head)(x), "float32"), new_states

    def get_config(self):
        policy = {} if self.dtype_policy.name == "float32" else {"dtype": self.dtype_policy.name}
        return {
            "name": self.name,
            "trainable": self.trainable,
            **policy,  # a mixed-precision model loads as one (float32, the default, is left out as before)
            "vocab_size": self._vocab_size_arg,
            "vocabulary": self._vocabulary_arg,
            "embedding_dim": self.embedding_dim,
            "units": self.units,
            "num_layers": self.num_layers,
            "cell": self.cell,
            "dropout": self.dropout,
        }
