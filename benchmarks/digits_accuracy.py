"""Test accuracy of a small residual network on scikit-learn's digits within 5 minutes.

    python benchmarks/digits_accuracy.py [--minutes 5] [--model resnet_cifar] [--set depth=14]

Goal (issue 4): at least 97% test accuracy within 5 minutes on 2 CPU cores.
The baseline in the same run is a logistic regression on the raw pixels
(scikit-learn), so the network's number can be read against a classical one.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from zoo.training.runs import RunOptions

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--model", default="resnet_cifar")
    parser.add_argument("--set", action="append", default=["depth=14", "width=16"], metavar="KEY=VALUE")
    args = parser.parse_args(argv)

    from sklearn.linear_model import LogisticRegression

    from zoo.cli import parse_overrides
    from zoo.data.images import load_digits
    from zoo.training.images import train_image_classifier

    data = load_digits()
    start = time.monotonic()
    baseline = LogisticRegression(max_iter=2000).fit(data.x_train.reshape(len(data.x_train), -1), data.y_train)
    base_acc = baseline.score(data.x_test.reshape(len(data.x_test), -1), data.y_test)
    base_s = time.monotonic() - start

    start = time.monotonic()
    result = train_image_classifier(
        args.model, data, options=RunOptions(minutes=args.minutes, verbose=0), **parse_overrides(args.set)
    )
    model, rows, accuracy = result.model, result.history, result.scores["accuracy"]
    seconds = time.monotonic() - start
    print(f"digits: {len(data.y_train)} train / {len(data.y_test)} test images, 8x8")
    print(f"  logistic regression (baseline): test accuracy {base_acc:.4f} in {base_s:.1f} s")
    print(
        f"  {args.model} {parse_overrides(args.set)}: test accuracy {accuracy:.4f} after {len(rows)} epochs, "
        f"{seconds:.0f} s (training and test), {model.count_params():,} parameters"
    )
    print(f"  error ratio network / baseline: {(1 - accuracy) / max(1 - base_acc, 1e-9):.2f}")
    met = accuracy >= 0.97 and seconds <= args.minutes * 60 + 30
    print(f"goal (>= 0.97 within {args.minutes:g} min): {'met' if met else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
