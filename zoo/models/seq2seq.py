"""Many-to-many translation (note 003, S8; note 002, attention): an LSTM encoder-decoder with attention.

``seq2seq_attention`` reads the source characters with an LSTM encoder;
an LSTM decoder starts from the encoder's final state and reads the target
shifted right (``<start>`` first: *teacher forcing*). With attention, every
decoder state scores every encoder state (``"bahdanau"``: additive,
``"luong"``: multiplicative), the weighted sum of encoder states (the
context) is joined to the decoder state, and a tanh layer mixes them before
the output layer (Luong et al.'s "attentional hidden state"; Bahdanau's
scoring function here also reads the decoder's current state, not the
previous one). ``attention="none"`` is the plain encoder-decoder whose only
view of the source is the encoder's final state.

:func:`greedy_decode` and :func:`beam_decode` generate without teacher
forcing; :func:`alignment` returns the attention weights for a plot.
"""

from __future__ import annotations

import keras
import numpy as np

from zoo.layers.attention import AlignmentAttention
from zoo.models.forecasters import _check

ATTENTION = {"bahdanau": "additive", "luong": "multiplicative", "none": None}


def seq2seq_attention(
    source_vocab_size=59,
    target_vocab_size=14,
    embedding_dim=32,
    units=64,
    attention="bahdanau",
    name="seq2seq_attention",
):
    """Build the encoder-decoder; inputs ``[source ids (batch, S), target ids (batch, T)]``, output
    (batch, T, target_vocab_size) logits of the next target token at every position.

    Args:
        source_vocab_size, target_vocab_size: token ids (0 is padding, masked).
        embedding_dim: size of the character embeddings.
        units: LSTM units of the encoder and the decoder.
        attention: ``"bahdanau"`` (additive), ``"luong"`` (multiplicative) or ``"none"``.
        name: the model's name.
    """
    for arg, value in (("source_vocab_size", source_vocab_size), ("target_vocab_size", target_vocab_size)):
        _check(arg, value, 2)
    _check("embedding_dim", embedding_dim, 1)
    _check("units", units, 1)
    if attention not in ATTENTION:
        raise ValueError(f"attention must be one of {', '.join(ATTENTION)}, got {attention!r}.")
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


def greedy_decode(model, source_ids, start_id: int, end_id: int, max_length: int) -> np.ndarray:
    """(batch, max_length) ids: feed the model its own most likely token at every step, from ``<start>``."""
    batch = len(source_ids)
    out = np.zeros((batch, max_length + 1), np.int32)
    out[:, 0] = start_id
    done = np.zeros(batch, bool)
    for step in range(max_length):
        logits = keras.ops.convert_to_numpy(model.predict_on_batch([source_ids, out[:, : step + 1]]))
        token = np.where(done, 0, logits[:, step].argmax(-1))
        out[:, step + 1] = token
        done |= token == end_id
        if done.all():
            break
    return out[:, 1:]


def beam_decode(model, source_ids, start_id: int, end_id: int, max_length: int, beam_width: int = 3) -> np.ndarray:
    """(batch, max_length) ids of the most probable sequence among ``beam_width`` kept at every step."""
    results = np.zeros((len(source_ids), max_length), np.int32)
    for row in range(len(source_ids)):
        beams = [(0.0, [start_id])]
        finished = []
        for step in range(max_length):
            prefixes = np.zeros((len(beams), step + 1), np.int32)
            for k, (_, seq) in enumerate(beams):
                prefixes[k] = seq
            sources = np.repeat(source_ids[row : row + 1], len(beams), axis=0)
            logits = keras.ops.convert_to_numpy(model.predict_on_batch([sources, prefixes]))[:, step]
            top = logits.max(-1, keepdims=True)
            logp = logits - top - np.log(np.exp(logits - top).sum(-1, keepdims=True))
            candidates = [
                (score + float(logp[k, tok]), seq + [int(tok)])
                for k, (score, seq) in enumerate(beams)
                for tok in np.argsort(logp[k])[-beam_width:]
            ]
            candidates.sort(key=lambda c: -c[0])
            beams = []
            for score, seq in candidates:
                (finished if seq[-1] == end_id else beams).append((score, seq))
                if len(beams) == beam_width:
                    break
            if not beams:
                break
        best = max(finished or beams, key=lambda c: c[0])[1][1:]
        results[row, : len(best)] = best[:max_length]
    return results


def alignment(model, source_ids, target_in_ids) -> np.ndarray:
    """Attention weights (batch, T, S) of a model with attention, under teacher forcing."""
    if "attention" not in [layer.name for layer in model.layers]:
        raise ValueError(f"{model.name} has no attention layer (built with attention='none').")
    probe = keras.Model(model.inputs, model.get_layer("attention").output[1])
    return keras.ops.convert_to_numpy(probe.predict_on_batch([source_ids, target_in_ids]))
