"""The decoders zoo had before zoo.decoding stepped LSTM states: re-run the model on the whole prefix at
every step, one beam-search row at a time. Kept verbatim as the reference the new decoders must equal."""

from __future__ import annotations

import keras
import numpy as np


def greedy_decode(model, conditions, start_id: int, end_id: int, max_length: int) -> np.ndarray:
    """(batch, max_length) ids: feed the model its own most likely token at every step, from ``<start>``."""
    batch = len(conditions)
    out = np.zeros((batch, max_length + 1), np.int32)
    out[:, 0] = start_id
    done = np.zeros(batch, bool)
    for step in range(max_length):
        logits = keras.ops.convert_to_numpy(model.predict_on_batch([conditions, out[:, : step + 1]]))
        token = np.where(done, 0, logits[:, step].argmax(-1))
        out[:, step + 1] = token
        done |= token == end_id
        if done.all():
            break
    return out[:, 1:]


def beam_decode(model, conditions, start_id: int, end_id: int, max_length: int, beam_width: int = 3) -> np.ndarray:
    """(batch, max_length) ids of the most probable sequence among ``beam_width`` kept at every step."""
    results = np.zeros((len(conditions), max_length), np.int32)
    for row in range(len(conditions)):
        beams = [(0.0, [start_id])]
        finished = []
        for step in range(max_length):
            prefixes = np.zeros((len(beams), step + 1), np.int32)
            for k, (_, seq) in enumerate(beams):
                prefixes[k] = seq
            repeated = np.repeat(conditions[row : row + 1], len(beams), axis=0)
            logits = keras.ops.convert_to_numpy(model.predict_on_batch([repeated, prefixes]))[:, step]
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
