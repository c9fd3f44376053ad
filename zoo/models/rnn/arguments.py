"""The recurrent models' argument checks that need no Keras, and the names of the choices they accept.

Each builder runs its check first; the registry lists them in the models' `checks`
(`zoo.models.rnn.metadata`), so `zoo.registry.check_model_arguments` and the
command line refuse a bad value before they import Keras.
"""

from __future__ import annotations

from zoo.data.text import DEFAULT_CHAR_VOCABULARY
from zoo.data.vocab import codec_vocabulary
from zoo.errors import InputError
from zoo.resources import check_training_size
from zoo.validation import check_int, check_positive_int, check_rate

#: The recurrent layers a language model stacks (keras.layers.LSTM, GRU, SimpleRNN).
CELLS = ("lstm", "gru", "rnn")
#: seq2seq_attention's attention, by the name of its paper's author: AlignmentAttention's score.
ATTENTION = {"bahdanau": "additive", "luong": "multiplicative", "none": None}


def resolve_vocabulary(vocab_size, vocabulary):
    """A language model's `(vocabulary, vocab_size)` from its two arguments (see
    `TextGenerator`)."""
    if vocabulary is not None:
        given = len(vocabulary)
        vocabulary = codec_vocabulary(vocabulary)
        if vocab_size is not None and vocab_size != len(vocabulary):
            extra = len(vocabulary) - given
            added = f" ({extra} reserved added to the {given} given)" if extra else ""
            raise InputError(
                f"vocab_size={vocab_size!r} disagrees with the vocabulary's "
                f"{len(vocabulary)} tokens{added}; give one of them, or make them agree."
            )
    resolved_size = (
        len(vocabulary)
        if vocabulary is not None
        else (len(DEFAULT_CHAR_VOCABULARY) if vocab_size is None else vocab_size)
    )
    check_positive_int("vocab_size", resolved_size)
    return vocabulary, resolved_size


def check_language_model_vocabulary(*, vocab_size, vocabulary) -> None:
    """A language model's `vocab_size` and `vocabulary`: see `resolve_vocabulary`."""
    resolve_vocabulary(vocab_size, vocabulary)


def check_text_generator(*, embedding_dim, units, num_layers, cell, dropout) -> None:
    """TextGenerator's sizes, cell and dropout."""
    check_positive_int("embedding_dim", embedding_dim)
    check_positive_int("units", units)
    check_positive_int("num_layers", num_layers)
    if cell not in CELLS:
        raise InputError(f"cell must be one of {sorted(CELLS)}, got {cell!r}.")
    check_rate("dropout", dropout)
    check_training_size(
        f"text_generator with units={units}, num_layers={num_layers}",
        recurrent_parameters(cell, embedding_dim, units, num_layers) + 2 * 256 * max(embedding_dim, units),
    )


#: Weight matrices per recurrent cell: the LSTM's four gates, the GRU's three, the plain RNN's one.
GATES = {"lstm": 4, "gru": 3, "rnn": 1}


def recurrent_parameters(cell: str, inputs: int, units: int, num_layers: int) -> int:
    """The weights of `num_layers` stacked recurrent layers (kernel, recurrent kernel, biases; the GRU's two)."""
    total, width = 0, inputs
    for _ in range(num_layers):
        total += GATES[cell] * (units * (width + units) + 2 * units)
        width = units
    return total


def check_sentiment_rnn(*, vocab_size, embedding_dim, units, cell, dropout) -> None:
    """sentiment_rnn's sizes (two token ids at least: padding and one word), cell and dropout."""
    check_int("vocab_size", vocab_size, minimum=2)
    check_int("embedding_dim", embedding_dim, minimum=1)
    check_int("units", units, minimum=1)
    if cell not in ("lstm", "gru"):
        raise InputError(f"cell must be 'lstm' or 'gru', got {cell!r}.")
    check_rate("dropout", dropout)


def check_seq2seq_attention(*, source_vocab_size, target_vocab_size, embedding_dim, units, attention) -> None:
    """seq2seq_attention's vocabularies (padding and one token at least), sizes and attention."""
    for arg, value in (("source_vocab_size", source_vocab_size), ("target_vocab_size", target_vocab_size)):
        check_int(arg, value, minimum=2)
    check_int("embedding_dim", embedding_dim, minimum=1)
    check_int("units", units, minimum=1)
    if attention not in ATTENTION:
        raise InputError(f"attention must be one of {', '.join(ATTENTION)}, got {attention!r}.")


def char_rnn_vocabulary(vocabulary) -> list:
    """CharRNN's characters as strings: at least two, all distinct."""
    vocabulary = [str(c) for c in vocabulary]
    if len(vocabulary) < 2 or len(set(vocabulary)) != len(vocabulary):
        raise InputError(f"vocabulary needs at least 2 distinct tokens, got {vocabulary!r}.")
    return vocabulary


def check_char_rnn(*, vocabulary, hidden_size) -> None:
    """CharRNN's characters and hidden size."""
    char_rnn_vocabulary(vocabulary)
    check_positive_int("hidden_size", hidden_size)
