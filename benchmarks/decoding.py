"""Decoding speed: zoo.decoding's stepped LSTM decoders against the prefix-re-running ones, in the same run.

    python benchmarks/decoding.py [--backend tensorflow|jax|torch] [--tokens 40] [--batch 16] [--beam-width 3]

The baseline is the decoders zoo had before (``tests/prefix_decoding_reference.py``):
every step re-runs the model on the whole prefix, and beam search decodes one
row at a time. zoo.decoding encodes the condition once, steps the decoder's
LSTM cell with its carried state, and decodes every row's beams in one batch.
Both give the same tokens (tests/test_seq2seq.py, tests/test_captioner.py).

Models (untrained weights: speed does not depend on them; ``<end>`` is never
emitted, so every output is --tokens long): ``seq2seq_attention`` at its
defaults (Bahdanau attention, 64 units) on 30-character sources, and
``image_captioner`` at its defaults (64x64 images, ``vgg_cifar`` encoder,
128 units). Each time is the best of 3 calls after a warm-up call.
"""

from __future__ import annotations

import argparse
import os
import pathlib
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent.parent))  # the repository root


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backend", choices=("tensorflow", "jax", "torch"), help="Keras backend for this run")
    parser.add_argument("--tokens", type=int, default=40)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--beam-width", type=int, default=3)
    args = parser.parse_args(argv)
    if args.backend:
        if "keras" in sys.modules:
            raise SystemExit("--backend must be chosen before Keras is imported")
        os.environ["KERAS_BACKEND"] = args.backend

    import keras
    import numpy as np

    import zoo
    from benchmarks.generation import timed
    from tests import prefix_decoding_reference as reference
    from zoo.decoding import beam_decode, greedy_decode

    rng = np.random.default_rng(0)
    keras.utils.set_random_seed(0)
    sources = rng.integers(1, 59, (args.batch, 30)).astype("int32")
    images = rng.random((args.batch, 64, 64, 3), dtype="float32")
    cases = {
        "seq2seq_attention": (zoo.create_model("seq2seq_attention"), sources),
        "image_captioner": (zoo.create_model("image_captioner"), images),
    }
    start_id, never = 1, -1
    print(f"backend {keras.backend.backend()}, batch {args.batch}, {args.tokens} tokens per output")
    for name, (model, conditions) in cases.items():
        for label, new, old in (
            ("greedy", lambda m, c: greedy_decode(m, c, start_id, never, args.tokens),
             lambda m, c: reference.greedy_decode(m, c, start_id, never, args.tokens)),
            (f"beam {args.beam_width}", lambda m, c: beam_decode(m, c, start_id, never, args.tokens, args.beam_width),
             lambda m, c: reference.beam_decode(m, c, start_id, never, args.tokens, args.beam_width)),
        ):  # fmt: skip
            same = np.array_equal(new(model, conditions), old(model, conditions))  # also the warm-up
            seconds_new = timed(lambda: new(model, conditions))  # noqa: B023
            seconds_old = timed(lambda: old(model, conditions), repeats=1)  # noqa: B023
            print(
                f"  {name:18s} {label:7s}: stepped {seconds_new:7.3f} s, prefix re-run {seconds_old:7.3f} s, "
                f"speed-up {seconds_old / seconds_new:6.1f}x, same tokens: {same}"
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
