"""Sampling text from a TextGenerator or TransformerLM, fast, on every Keras backend.

The prompt runs through the model once; after that every step feeds a single
token and carries the model's states (the recurrent cells' states, or the
Transformer's key/value cache), so the prefix is never recomputed. How the loop runs depends on the backend:

- TensorFlow: the prompt pass and the decoding loop are one XLA-compiled
  `tf.function` (two `tf.while_loop`s over the same `step`);
- JAX: the same two loops as `jax.lax.while_loop`s in one `jax.jit`
  function, which takes the weights as an argument (`keras.StatelessScope`),
  so training the model afterwards never leaves stale weights in the cache;
- PyTorch (and any other backend): a Python loop whose tokens stay on the
  device (`keras.ops` argmax and `keras.random.categorical`) under
  `torch.no_grad()`; the ids come back to the host once, at the end.

Compiled loops are built once per model, sampling setting and power-of-two
size bucket, and reused for any prompt and output length.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

import numpy as np

from zoo.data.vocab import TextCodec
from zoo.errors import InputError
from zoo.resources import check_memory, generation_bytes
from zoo.tracing import tracing_by_design
from zoo.validation import check_int, check_positive_int, check_seed, check_temperature, check_top_p

if TYPE_CHECKING:
    import keras


def _check_sampling(temperature, top_k, top_p, length, num_samples, seed=None):
    check_int("length", length, minimum=0)
    check_temperature("temperature", temperature)  # 0 means greedy
    check_positive_int("top_k", top_k, optional=True)
    check_top_p("top_p", top_p, optional=True)
    check_positive_int("num_samples", num_samples)
    check_seed("seed", seed, optional=True)
    check_memory(f"generating {num_samples:,} x {length:,} tokens", generation_bytes(length, num_samples))


def filter_logits(logits, temperature=1.0, top_k=None, top_p=None, ops=None):
    """Scale `logits` (batch, vocab) by the temperature and mask tokens outside top-k / top-p.

    Masked tokens get a very negative logit. `top_p` keeps the smallest set
    of most likely tokens whose probability reaches `top_p` (nucleus
    sampling). Works on NumPy arrays, or on tensors with `ops=keras.ops`.
    """
    if ops is None:
        import keras

        ops = keras.ops
    logits = ops.cast(logits, "float32") / temperature
    neg = ops.full_like(logits, -1e9)
    vocab = logits.shape[-1]
    if top_k is not None and top_k < vocab:
        kth = ops.min(ops.top_k(logits, top_k)[0], axis=-1, keepdims=True)
        logits = ops.where(logits < kth, neg, logits)
    if top_p is not None and top_p < 1:
        sorted_logits = ops.flip(ops.sort(logits, axis=-1), axis=-1)
        probs = ops.softmax(sorted_logits, axis=-1)
        before = ops.cumsum(probs, axis=-1) - probs  # probability of the tokens ranked above
        keep = ops.cast(before < top_p, "float32")
        # the smallest kept logit is the threshold
        threshold = ops.min(sorted_logits * keep + (1.0 - keep) * 1e9, axis=-1, keepdims=True)
        logits = ops.where(logits < threshold, neg, logits)
    return logits


def sample_next(logits, rng, temperature=1.0, top_k=None, top_p=None):
    """Pick one token id per row of `logits` with NumPy (`temperature=0`: argmax)."""
    logits = np.asarray(logits, dtype=np.float64)
    if temperature == 0:
        return logits.argmax(axis=-1).astype(np.int32)
    filtered = np.asarray(filter_logits(logits, temperature, top_k, top_p), dtype=np.float64)
    probs = np.exp(filtered - filtered.max(axis=-1, keepdims=True))
    probs /= probs.sum(axis=-1, keepdims=True)
    return np.array([rng.choice(p.shape[0], p=p) for p in probs], dtype=np.int32)


def _tf_decoder(model, temperature, top_k, top_p):
    """A compiled decoding loop for `model` (TensorFlow backend), cached on the model."""
    import keras
    import tensorflow as tf

    cache = model.__dict__.setdefault("_zoo_decoders", {})
    key = (float(temperature), top_k, top_p)
    if key in cache:
        return cache[key]

    @tf.function(jit_compile=True, reduce_retracing=True)
    def decode(prompt, prompt_len, length, seed, buffer):
        # `prompt` (prompt bucket, batch) and `buffer` (bucket, batch) fix
        # the static sizes, so XLA compiles once per power-of-two bucket rather
        # than once per prompt or output length. The prompt runs through the
        # same `step` as generation (an eager pass over the prompt with the
        # full layers cost more than 500 generated tokens).
        batch = prompt.shape[1]
        states = model.initial_states(batch)

        def prefill(i, logits, states):
            logits, states = model.step(prompt[i], states)
            return i + 1, logits, states

        first = tf.zeros((batch, model.vocab_size))
        _, first, states = tf.while_loop(lambda i, *_: i < prompt_len, prefill, (tf.constant(0), first, states))

        def body(i, logits, states, out):
            if temperature == 0:
                token = tf.argmax(logits, axis=-1, output_type=tf.int32)
            else:
                filtered = filter_logits(logits, temperature, top_k, top_p, ops=keras.ops)
                token = tf.random.stateless_categorical(filtered, 1, tf.stack([seed, i]), dtype=tf.int32)[:, 0]
            logits, states = model.step(token, states)
            return i + 1, logits, states, tf.tensor_scatter_nd_update(out, [[i]], token[None])

        _, _, _, out = tf.while_loop(lambda i, *_: i < length, body, (tf.constant(0), first, states, buffer))
        return tf.transpose(out)

    cache[key] = decode
    return decode


def _jax_decoder(model, temperature, top_k, top_p):
    """A jitted decoding loop for `model` (JAX backend), cached on the model."""
    import jax
    import jax.numpy as jnp
    import keras

    cache = model.__dict__.setdefault("_zoo_decoders", {})
    key = ("jax", float(temperature), top_k, top_p)
    if key in cache:
        return cache[key]
    variables = list(model.variables)

    def decode(values, prompt, prompt_len, length, seed, buffer):
        with keras.StatelessScope(state_mapping=list(zip(variables, values, strict=True))):
            batch = prompt.shape[1]
            states = model.initial_states(batch)

            def prefill(carry):
                i, _, states = carry
                logits, states = model.step(prompt[i], states)
                return i + 1, logits, states

            first = jnp.zeros((batch, model.vocab_size))
            _, first, states = jax.lax.while_loop(lambda c: c[0] < prompt_len, prefill, (jnp.int32(0), first, states))
            rng = jax.random.PRNGKey(seed)

            def body(carry):
                i, logits, states, out = carry
                if temperature == 0:
                    token = jnp.argmax(logits, axis=-1).astype(jnp.int32)
                else:
                    filtered = filter_logits(logits, temperature, top_k, top_p, ops=keras.ops)
                    token = jax.random.categorical(jax.random.fold_in(rng, i), filtered, axis=-1).astype(jnp.int32)
                logits, states = model.step(token, states)
                return i + 1, logits, states, out.at[i].set(token)

            _, _, _, out = jax.lax.while_loop(lambda c: c[0] < length, body, (jnp.int32(0), first, states, buffer))
            return out.T

    compiled = jax.jit(decode)

    def run(prompt, prompt_len, length, seed, buffer):
        values = [v.value for v in variables]
        return compiled(values, prompt, jnp.int32(prompt_len), jnp.int32(length), jnp.uint32(seed), buffer)

    cache[key] = run
    return run


def _no_grad():
    """`torch.no_grad()` on the PyTorch backend, else a context that does nothing."""
    import contextlib

    import keras

    if keras.backend.backend() == "torch":
        import torch

        return torch.no_grad()
    return contextlib.nullcontext()


def _eager_decode(model, prompt_ids, length, temperature, top_k, top_p, seed):
    """The decoding loop in Python, tokens kept on the device (PyTorch and other backends)."""
    import keras
    from keras import ops

    step = model.step
    recurrent = getattr(model, "recurrent_layers", None)
    if recurrent is not None and all(
        layer.compute_dtype == "float32" for layer in (model.embedding, *recurrent, model.head)
    ):
        step = functools.partial(model.step, direct=True)
    with _no_grad():
        logits, states = model.prefill(prompt_ids)
        generator = keras.random.SeedGenerator(seed)
        tokens = []
        for _ in range(length):
            if temperature == 0:
                token = ops.cast(ops.argmax(logits, axis=-1), "int32")
            else:
                filtered = filter_logits(logits, temperature, top_k, top_p, ops=ops)
                token = ops.cast(keras.random.categorical(filtered, 1, seed=generator)[:, 0], "int32")
            tokens.append(token)
            logits, states = step(token, states)
        return ops.convert_to_numpy(ops.stack(tokens, axis=1)).astype(np.int32)


def _buckets(prompt_ids, length):
    """The prompt, time-major and padded to a power of two, and the output buffer's length."""
    batch, prompt_len = prompt_ids.shape
    prompt = np.zeros((max(16, 1 << (prompt_len - 1).bit_length()), batch), np.int32)
    prompt[:prompt_len] = prompt_ids.T
    return prompt, max(64, 1 << (length - 1).bit_length())


def generate_ids(model, prompt_ids, length, temperature=1.0, top_k=None, top_p=None, seed=None):
    """Continue each row of `prompt_ids` (batch, time) by `length` token ids; returns (batch, length).

    A model with a fixed context (`max_length`, a TransformerLM) reads at
    most its last `max_length - 1` prompt tokens; when its cache is full it
    starts again from the last half of the context (re-read at once) and
    carries on, so any length can be generated.
    """
    prompt_ids = np.asarray(prompt_ids, dtype=np.int32)
    if prompt_ids.ndim != 2 or prompt_ids.shape[1] < 1:
        raise InputError(f"prompt_ids must have shape (batch, time) with time >= 1, got {prompt_ids.shape}.")
    if length == 0:
        return np.zeros((prompt_ids.shape[0], 0), np.int32)
    seed = int(np.random.SeedSequence(seed).generate_state(1)[0] % (2**31)) if seed is None else int(seed)
    context = getattr(model, "max_length", None)
    if context is None:
        return _decode(model, prompt_ids, length, temperature, top_k, top_p, seed)
    history, pieces, done = prompt_ids[:, -(context - 1) :], [], 0
    while done < length:
        if done:
            history = history[:, -(context // 2) :]
        n = min(length - done, context - history.shape[1])
        piece = _decode(model, history, n, temperature, top_k, top_p, seed + len(pieces))
        pieces.append(piece)
        history = np.concatenate([history, piece], axis=1)
        done += n
    return np.concatenate(pieces, axis=1)


def _decode(model, prompt_ids, length, temperature, top_k, top_p, seed):
    """One compiled (or eager) decoding run: `length` tokens after `prompt_ids`."""
    import keras

    backend = keras.backend.backend()
    if backend == "tensorflow":
        import tensorflow as tf

        decode = _tf_decoder(model, temperature, top_k, top_p)
        prompt, buffer_len = _buckets(prompt_ids, length)
        buffer = tf.zeros((buffer_len, prompt.shape[1]), tf.int32)
        with tracing_by_design():  # one loop per model, sampling setting and size bucket
            out = decode(
                tf.constant(prompt), tf.constant(prompt_ids.shape[1]), tf.constant(length), tf.constant(seed), buffer
            )
        return out.numpy()[:, :length]
    if backend == "jax":
        import jax.numpy as jnp

        decode = _jax_decoder(model, temperature, top_k, top_p)
        prompt, buffer_len = _buckets(prompt_ids, length)
        out = decode(
            jnp.asarray(prompt), prompt_ids.shape[1], length, seed, jnp.zeros((buffer_len, prompt.shape[1]), jnp.int32)
        )
        return np.asarray(out)[:, :length]
    return _eager_decode(model, prompt_ids, length, temperature, top_k, top_p, seed)


def generate(
    model: keras.Model,
    prompt: str,
    length: int,
    temperature: float = 1.0,
    top_k: int | None = None,
    top_p: float | None = None,
    seed: int | None = None,
    num_samples: int = 1,
) -> str | list[str]:
    """Continue `prompt` by `length` tokens and return the continuation as a string.

    Args:
        model: a TextGenerator with a vocabulary (character or word level).
        prompt: the text to continue (at least one token).
        length: how many tokens to generate.
        temperature: 0 for greedy (argmax) decoding, higher for more variety.
        top_k: sample only among the `top_k` most likely tokens.
        top_p: nucleus sampling: the smallest set of tokens whose probability
            reaches `top_p`.
        seed: seed for the sampler, for repeatable output.
        num_samples: generate this many continuations in parallel (one batch)
            and return a list of strings.

    Returns:
        The continuation (without the prompt), or a list of `num_samples` of them.

    Example:
        >>> lm = zoo.load_preset("text_generator_stdlib")  # doctest: +SKIP
        >>> text = zoo.generate(lm, "def ", 200, temperature=0.8)  # doctest: +SKIP
    """
    _check_sampling(temperature, top_k, top_p, length, num_samples, seed)
    vocabulary = getattr(model, "vocabulary", None)
    if vocabulary is None:
        raise InputError("The model has no vocabulary to encode the prompt; build it with vocabulary=[...].")
    if not isinstance(prompt, str) or not prompt:
        raise InputError(f"prompt must be a non-empty string, got {prompt!r}.")
    codec = TextCodec(vocabulary)
    ids = codec.encode(prompt)
    if ids.size == 0:
        raise InputError(f"prompt {prompt!r} has no {codec.unit} tokens.")
    batch = np.repeat(ids[None, :], num_samples, axis=0)
    out = generate_ids(model, batch, length, temperature, top_k, top_p, seed)
    texts = [codec.decode(row) for row in out]
    return texts[0] if num_samples == 1 else texts
