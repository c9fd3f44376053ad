"""A4: what self-attention and an LSTM cost as the sequence grows (note 002).

Self-attention compares every position with every other, so its forward
time and memory grow as N^2 for N positions (once N exceeds the width); an
LSTM's grow as N. `forward_costs` measures both on JAX: the time of a
compiled forward pass (best of `repeats`), and the memory XLA's compiler
reserves (`memory_analysis()`: temporary buffers plus outputs) for the
forward pass and for a gradient (forward and backward). On CPU, XLA fuses
the softmax into the matrix products for long inputs, so the forward pass
need not hold the N x N weights; the backward pass needs them.
`loglog_slope` fits the exponent.

From another backend the measurement runs in a fresh JAX process (`python
-m zoo.studies.attention_cost`), since Keras picks its backend once per
process. Needs JAX (`pip install "keras-study-zoo[jax]"`).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time

import numpy as np

from zoo.errors import InputError

KINDS = ("attention", "lstm")
COSTS = {
    "seconds": "forward time (s)",
    "bytes": "forward memory (bytes)",
    "train_bytes": "forward + backward memory (bytes)",
}


def loglog_slope(lengths, values, last=None) -> float:
    """The slope of log(values) against log(lengths): the exponent k of values ~ N^k.

    `last`: fit only the last `last` points (where the leading term dominates).
    """
    x, y = np.log(np.asarray(lengths, float)), np.log(np.asarray(values, float))
    if last:
        x, y = x[-last:], y[-last:]
    return float(np.polyfit(x, y, 1)[0])


def _measure_here(lengths, width, num_heads, batch, repeats, seed):
    import jax
    import keras

    from zoo.layers.attention import MultiHeadAttention

    keras.utils.set_random_seed(seed)
    layers = {
        "attention": MultiHeadAttention(num_heads, width // num_heads),
        "lstm": keras.layers.LSTM(width, return_sequences=True),
    }
    rows = []
    for n in lengths:
        x = np.random.default_rng(seed).standard_normal((batch, n, width)).astype("float32")
        for kind, layer in layers.items():
            args = (x, x) if kind == "attention" else (x,)
            if not layer.built:
                layer.build(*(a.shape for a in args))

            def forward(values, others, *inputs, layer=layer):
                return layer.stateless_call(values, others, *inputs)[0]

            def gradient(values, others, *inputs, forward=forward):
                return jax.grad(lambda w: forward(w, others, *inputs).sum())(values)

            args = (
                [v.value for v in layer.trainable_variables],
                [v.value for v in layer.non_trainable_variables],
                *args,
            )
            compiled = jax.jit(forward).lower(*args).compile()
            train_memory = jax.jit(gradient).lower(*args).compile().memory_analysis()
            memory = compiled.memory_analysis()
            compiled(*args).block_until_ready()
            times = []
            for _ in range(repeats):
                start = time.perf_counter()
                compiled(*args).block_until_ready()
                times.append(time.perf_counter() - start)
            rows.append(
                {
                    "kind": kind,
                    "length": int(n),
                    "seconds": min(times),
                    "bytes": int(memory.temp_size_in_bytes + memory.output_size_in_bytes),
                    "train_bytes": int(train_memory.temp_size_in_bytes + train_memory.output_size_in_bytes),
                }
            )
    return rows


def forward_costs(lengths=(128, 256, 512, 1024, 2048), width=64, num_heads=4, batch=1, repeats=3, seed=0):
    """Forward time and compiled memory of self-attention and an LSTM of the same width, per length.

    Returns a list of `{"kind", "length", "seconds", "bytes", "train_bytes"}` rows
    (`kind`: `"attention"` or `"lstm"`). Runs on JAX; from another
    backend, in a child JAX process.
    """
    import keras

    lengths = [int(n) for n in lengths]
    if width % num_heads:
        raise InputError(f"width={width} must be divisible by num_heads={num_heads}.")
    if keras.backend.backend() == "jax":
        return _measure_here(lengths, width, num_heads, batch, repeats, seed)
    command = [sys.executable, "-m", "zoo.studies.attention_cost", "--lengths", *map(str, lengths)]
    command += ["--width", str(width), "--heads", str(num_heads), "--batch", str(batch), "--repeats", str(repeats)]
    env = {**os.environ, "KERAS_BACKEND": "jax"}
    proc = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    if proc.returncode:
        raise RuntimeError(f"the JAX measurement failed (is JAX installed?):\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def slopes(rows, last=3) -> dict:
    """`{(kind, cost): fitted exponent}` over the last `last` lengths, for each cost in `COSTS`."""
    out = {}
    for kind in KINDS:
        mine = sorted((r for r in rows if r["kind"] == kind), key=lambda r: r["length"])
        for key in COSTS:
            out[kind, key] = loglog_slope([r["length"] for r in mine], [r[key] for r in mine], last=last)
    return out


def plot_costs(rows, axes=None, last=3):
    """Log-log panels (time, forward memory, training memory), a line per kind with its fitted slope."""
    import matplotlib.pyplot as plt

    if axes is None:
        _, axes = plt.subplots(1, len(COSTS), figsize=(14, 3.8))
    fitted = slopes(rows, last=last)
    for ax, (key, label) in zip(axes, COSTS.items(), strict=True):
        for kind in KINDS:
            mine = sorted((r for r in rows if r["kind"] == kind), key=lambda r: r["length"])
            ax.loglog(
                [r["length"] for r in mine],
                [r[key] for r in mine],
                "o-",
                label=f"{kind}: slope {fitted[kind, key]:.2f}",
            )
        ax.set_xlabel("sequence length N")
        ax.set_ylabel(label)
        ax.legend()
    return axes


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", type=int, nargs="+", default=[128, 256, 512, 1024, 2048])
    parser.add_argument("--width", type=int, default=64)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--batch", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    rows = forward_costs(args.lengths, args.width, args.heads, args.batch, args.repeats)
    print(json.dumps(rows))


if __name__ == "__main__":
    main()
