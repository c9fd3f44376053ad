"""Sampling text from a trained TextGenerator.

The prompt is read once; after that every step feeds a single token and
carries the recurrent states forward, so the prefix is never recomputed.
"""

from __future__ import annotations

import numpy as np

from zoo.data.text import decode_chars, encode_chars


def _check_sampling(temperature, top_k, top_p, length):
    if isinstance(length, bool) or not isinstance(length, int) or length < 0:
        raise ValueError(f"length must be an integer >= 0, got {length!r}.")
    if not isinstance(temperature, (int, float)) or temperature < 0:
        raise ValueError(f"temperature must be a number >= 0 (0 means greedy), got {temperature!r}.")
    if top_k is not None and (isinstance(top_k, bool) or not isinstance(top_k, int) or top_k < 1):
        raise ValueError(f"top_k must be None or an integer >= 1, got {top_k!r}.")
    if top_p is not None and not (isinstance(top_p, (int, float)) and 0 < top_p <= 1):
        raise ValueError(f"top_p must be None or a number in (0, 1], got {top_p!r}.")


def sample_next(logits, rng, temperature=1.0, top_k=None, top_p=None):
    """Pick one token id per row of ``logits`` (shape ``(batch, vocab)``).

    ``temperature=0`` takes the argmax; otherwise the logits are divided by
    the temperature and sampled after keeping the ``top_k`` largest and the
    smallest set whose probability reaches ``top_p``.
    """
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return logits.argmax(axis=-1).astype(np.int32)
    logits = logits / temperature
    if top_k is not None and top_k < logits.shape[-1]:
        kth = np.sort(logits, axis=-1)[:, -top_k][:, None]
        logits = np.where(logits < kth, -np.inf, logits)
    probs = np.exp(logits - logits.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    if top_p is not None and top_p < 1:
        order = np.argsort(-probs, axis=-1)
        sorted_p = np.take_along_axis(probs, order, axis=-1)
        keep_sorted = np.cumsum(sorted_p, axis=-1) - sorted_p < top_p
        keep = np.zeros_like(keep_sorted)
        np.put_along_axis(keep, order, keep_sorted, axis=-1)
        probs = np.where(keep, probs, 0.0)
        probs /= probs.sum(axis=-1, keepdims=True)
    return np.array([rng.choice(p.shape[0], p=p) for p in probs], dtype=np.int32)


def generate(model, prompt, length, temperature=1.0, top_k=None, top_p=None, seed=None):
    """Continue ``prompt`` by ``length`` tokens and return the continuation.

    Args:
        model: a TextGenerator with a character vocabulary.
        prompt: the text to continue (at least one character).
        length: how many tokens to generate.
        temperature: 0 for greedy (argmax) decoding, higher for more variety.
        top_k: sample only among the ``top_k`` most likely tokens.
        top_p: nucleus sampling: the smallest set of tokens whose probability
            reaches ``top_p``.
        seed: seed for the sampler, for repeatable output.
    """
    _check_sampling(temperature, top_k, top_p, length)
    vocabulary = getattr(model, "vocabulary", None)
    if vocabulary is None:
        raise ValueError("The model has no vocabulary to encode the prompt; build it with vocabulary=[...].")
    if not isinstance(prompt, str) or not prompt:
        raise ValueError(f"prompt must be a non-empty string, got {prompt!r}.")
    rng = np.random.default_rng(seed)
    ids = encode_chars(prompt, vocabulary)[None, :]
    logits, states = model(ids, training=False, return_state=True)
    out = []
    for _ in range(length):
        token = sample_next(np.asarray(logits)[:, -1, :], rng, temperature, top_k, top_p)
        out.append(token)
        logits, states = model(token[:, None], training=False, initial_state=states, return_state=True)
    return decode_chars(np.stack(out, axis=1)[0] if out else [], vocabulary)
