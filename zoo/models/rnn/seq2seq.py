"""Many-to-many translation (note 003, S8; note 002, attention): an LSTM encoder-decoder with attention.

`seq2seq_attention` reads the source characters with an LSTM encoder;
an LSTM decoder starts from the encoder's final state and reads the target
shifted right (`<start>` first: *teacher forcing*). With attention, every
decoder state scores every encoder state (`"bahdanau"`: additive,
`"luong"`: multiplicative), the weighted sum of encoder states (the
context) is joined to the decoder state, and a tanh layer mixes them before
the output layer (Luong et al.'s "attentional hidden state"; Bahdanau's
scoring function here also reads the decoder's current state, not the
previous one). `attention="none"` is the plain encoder-decoder whose only
view of the source is the encoder's final state.

`greedy_decode` and `beam_decode` generate without teacher
forcing; `alignment` returns the attention weights for a plot.
"""

from __future__ import annotations

import keras
import numpy as np

from zoo.data.dates import SOURCE_VOCAB_SIZE, TARGET_VOCAB_SIZE
from zoo.decoding import beam_decode, greedy_decode
from zoo.errors import InputError
from zoo.layers.attention import AlignmentAttention
from zoo.models.rnn.arguments import ATTENTION, check_seq2seq_attention

__all__ = ["alignment", "beam_decode", "greedy_decode", "seq2seq_attention"]


def seq2seq_attention(
    source_vocab_size: int = SOURCE_VOCAB_SIZE,
    target_vocab_size: int = TARGET_VOCAB_SIZE,
    embedding_dim: int = 32,
    units: int = 64,
    attention: str = "bahdanau",
    name: str = "seq2seq_attention",
) -> keras.Model:
    """Build the encoder-decoder; inputs `[source ids (batch, S), target ids (batch, T)]`, output
    (batch, T, target_vocab_size) logits of the next target token at every position.

    Args:
        source_vocab_size: the source's token ids (0 is padding, masked).
        target_vocab_size: the target's token ids (0 is padding, masked).
        embedding_dim: size of the character embeddings.
        units: LSTM units of the encoder and the decoder.
        attention: `"bahdanau"` (additive), `"luong"` (multiplicative) or `"none"`.
        name: the model's name.
    """
    check_seq2seq_attention(
        source_vocab_size=source_vocab_size,
        target_vocab_size=target_vocab_size,
        embedding_dim=embedding_dim,
        units=units,
        attention=attention,
    )
    source = keras.Input((None,), dtype="int32", name="source")
    target = keras.Input((None,), dtype="int32", name="target_in")
    s = keras.layers.Embedding(source_vocab_size, embedding_dim, mask_zero=True, name="source_embedding")(source)
    encoded, h, c = keras.layers.LSTM(units, return_sequences=True, return_state=True, name="encoder")(s)
    t = keras.layers.Embedding(target_vocab_size, embedding_dim, mask_zero=True, name="target_embedding")(target)
    decoded = keras.layers.LSTM(units, return_sequences=True, name="decoder")(t, initial_state=[h, c])
    if ATTENTION[attention]:
        context, _ = AlignmentAttention(ATTENTION[attention], units, name="attention")([decoded, encoded])
        joined = keras.layers.Concatenate(name="state_and_context")([decoded, context])
        decoded = keras.layers.Dense(units, activation="tanh", name="attentional")(joined)
    logits = keras.layers.Dense(target_vocab_size, name="logits")(decoded)
    return keras.Model([source, target], logits, name=name)


def alignment(model, source_ids, target_in_ids) -> np.ndarray:
    """Attention weights (batch, T, S) of a model with attention, under teacher forcing."""
    if "attention" not in [layer.name for layer in model.layers]:
        raise InputError(f"{model.name} has no attention layer (built with attention='none').")
    probe = keras.Model(model.inputs, model.get_layer("attention").output[1])
    return keras.ops.convert_to_numpy(probe.predict_on_batch([source_ids, target_in_ids]))
