"""Forward and training throughput of zoo's CNNs against keras.applications, in one run.

    python benchmarks/cnn_throughput.py [--models resnet50 densenet121 vgg16] [--batch 16] [--size 224]
    python benchmarks/cnn_throughput.py --gpu-bf16      # on a GPU: mixed_bfloat16 + jit_compile, ResNet50

For each architecture both models are built with the same input, batch and
settings; forward images/s (``predict_on_batch``) and training images/s
(``train_on_batch``) are the best of several timed repeats after warm-up,
alternating between the two models, and which of them goes first, so drift
affects both. Goal (issue 4):
zoo at least 0.97 of keras.applications' speed.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

APPLICATIONS = {"resnet50": "ResNet50", "densenet121": "DenseNet121", "vgg16": "VGG16"}
# ResNet50 forward pass: about 4.1 GFLOPs (multiply-adds x 2) per 224x224 image; training ~3x that.
RESNET50_TRAIN_FLOPS = 3 * 2 * 4.09e9


def build_pair(name, size, jit, policy):
    import keras

    import zoo

    if policy:
        keras.mixed_precision.set_global_policy(policy)
    pair = {
        "zoo": zoo.create_model(name, input_shape=(size, size, 3)),
        "keras.applications": getattr(keras.applications, APPLICATIONS[name])(
            weights=None, input_shape=(size, size, 3)
        ),
    }
    for model in pair.values():
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="sparse_categorical_crossentropy", jit_compile=jit)
    return pair


def measure(pair, batch, size, repeats):
    import numpy as np

    x = np.random.default_rng(0).uniform(0, 1, (batch, size, size, 3)).astype("float32")
    y = np.random.default_rng(1).integers(0, 1000, batch)
    for model in pair.values():  # warm-up and compile
        model.predict_on_batch(x)
        model.train_on_batch(x, y)
    best = {label: {"forward": float("inf"), "train": float("inf")} for label in pair}
    for r in range(repeats):
        order = list(pair.items())
        for label, model in order if r % 2 == 0 else order[::-1]:  # neither side always runs first
            t = time.perf_counter()
            model.predict_on_batch(x)
            best[label]["forward"] = min(best[label]["forward"], time.perf_counter() - t)
            t = time.perf_counter()
            model.train_on_batch(x, y)
            best[label]["train"] = min(best[label]["train"], time.perf_counter() - t)
    return {label: {k: batch / v for k, v in times.items()} for label, times in best.items()}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--models", nargs="+", default=list(APPLICATIONS), choices=list(APPLICATIONS))
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--size", type=int, default=224)
    parser.add_argument("--repeats", type=int, default=8)
    parser.add_argument("--gpu-bf16", action="store_true", help="ResNet50 with mixed_bfloat16 and jit_compile=True")
    parser.add_argument(
        "--peak-tflops", type=float, default=989.0, help="for model FLOPs utilisation (H100 dense bf16)"
    )
    args = parser.parse_args(argv)

    import keras

    models = ["resnet50"] if args.gpu_bf16 else args.models
    print(
        f"backend {keras.backend.backend()}, batch {args.batch}, {args.size}x{args.size}x3"
        + (", mixed_bfloat16, jit_compile=True" if args.gpu_bf16 else "")
    )
    worst = float("inf")
    for name in models:
        pair = build_pair(
            name, args.size, jit=True if args.gpu_bf16 else "auto", policy="mixed_bfloat16" if args.gpu_bf16 else None
        )
        rates = measure(pair, args.batch, args.size, args.repeats)
        for kind in ("forward", "train"):
            ratio = rates["zoo"][kind] / rates["keras.applications"][kind]
            worst = min(worst, ratio)
            print(
                f"  {name:<12} {kind:<8} zoo {rates['zoo'][kind]:9.1f} img/s   keras.applications "
                f"{rates['keras.applications'][kind]:9.1f} img/s   ratio {ratio:.3f}"
            )
        if args.gpu_bf16:
            mfu = rates["zoo"]["train"] * RESNET50_TRAIN_FLOPS / (args.peak_tflops * 1e12)
            print(f"  model FLOPs utilisation (training, zoo): {mfu:.1%} of {args.peak_tflops:g} TFLOP/s")
        keras.backend.clear_session()
    print(f"goal (every ratio >= 0.97): {'met' if worst >= 0.97 else 'NOT met'} (lowest {worst:.3f})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
