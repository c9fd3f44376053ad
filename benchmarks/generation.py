"""Text generation speed: zoo.generate against the keras-io loop, in the same run.

    python benchmarks/generation.py [--backend tensorflow|jax|torch] [--tokens 500] [--baseline-tokens 100]

--backend sets KERAS_BACKEND for this run (default: the environment's, else
tensorflow). Each backend decodes its own way (see zoo.decoding.generation): one XLA
``tf.function`` on TensorFlow, one ``jax.jit`` with ``lax.while_loop`` on JAX,
a device-side Python loop without host round trips on PyTorch.

Model: text_generator with 2xLSTM(256) and the 98-character vocabulary
(untrained weights: speed does not depend on them), batch 1.

- zoo.generate: the prompt once, then one token per step with the recurrent
  states carried, in one compiled loop; timed over --tokens tokens after one
  warm-up call of the same length (greedy and sampled).
- keras-io loop: `model.predict` on the last 40 tokens for every new token (the
  recipe of the keras-io text generation examples); timed over
  --baseline-tokens tokens, since its cost per token is constant.

Goals (issue 3): at least 2000 tokens/s on 2 CPU cores, and at least 100 times
the keras-io loop's tokens/s.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def keras_io_loop(model, ids, length, window=40):
    import numpy as np

    ids = list(ids)
    for _ in range(length):
        logits = model.predict(np.array([ids[-window:]], dtype="int32"), verbose=0)
        ids.append(int(np.asarray(logits)[0, -1].argmax()))
    return ids


def timed(fn, repeats=3):
    best = float("inf")
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("tensorflow", "jax", "torch"), help="Keras backend for this run")
    parser.add_argument("--tokens", type=int, default=500)
    parser.add_argument("--baseline-tokens", type=int, default=100)
    args = parser.parse_args(argv)
    if args.backend:
        if "keras" in sys.modules:
            raise SystemExit("--backend must be chosen before Keras is imported")
        os.environ["KERAS_BACKEND"] = args.backend

    import keras

    import zoo
    from zoo.data import encode_chars

    keras.utils.set_random_seed(0)
    model = zoo.create_model("text_generator", units=256, num_layers=2)
    prompt = "def generate(self, prompt):\n    "
    ids = encode_chars(prompt)
    model(ids[None])

    results = {}
    for label, kwargs in (("greedy", {"temperature": 0}), ("sampled", {"temperature": 0.8, "top_k": 20})):
        zoo.generate(model, prompt, args.tokens, seed=0, **kwargs)  # warm-up: compiles the loop
        seconds = timed(lambda kw=kwargs: zoo.generate(model, prompt, args.tokens, seed=0, **kw))
        results[label] = args.tokens / seconds
    keras_io_loop(model, ids, 3)  # warm-up
    seconds = timed(lambda: keras_io_loop(model, ids, args.baseline_tokens), repeats=1)
    baseline = args.baseline_tokens / seconds

    print(f"text_generator 2xLSTM(256), vocabulary {model.vocab_size}, batch 1, backend {keras.backend.backend()}")
    print(f"  keras-io loop (predict on last 40 tokens): {baseline:10,.0f} tokens/s")
    for label, rate in results.items():
        print(f"  zoo.generate, {label:<8}                  {rate:10,.0f} tokens/s   ratio {rate / baseline:6.0f}x")
    slowest = min(results.values())
    ok_abs, ok_ratio = slowest >= 2000, slowest / baseline >= 100
    print(
        f"goal >= 2000 tokens/s: {'met' if ok_abs else 'NOT met'};  "
        f"goal >= 100x keras-io: {'met' if ok_ratio else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
