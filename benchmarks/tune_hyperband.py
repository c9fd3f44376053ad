"""Hyperband against grid search on the units-versus-depth study.

    python benchmarks/tune_hyperband.py [--units 16,32,64,128] [--layers 1,2,3,4] [--epochs 9]
                                        [--steps-per-epoch 40] [--dir runs/bench_hyperband]

Goal (issue 5): Hyperband reaches the grid's best validation loss (within
2%) using at most half of the grid's total training epochs. Both searches
run in this one process on the same data (stdlib windows), from the same
seed; the grid trains every units x layers pair for ``--epochs`` epochs,
Hyperband (factor 3) at most ``--epochs`` per trial. Epochs are counted as
trained: a Hyperband trial continued from a checkpoint counts only its new
epochs. The grid's directory also holds the study's table, heat map,
loss-versus-parameters plot and equal-parameter verdict. Both searches
resume if the script is interrupted and run again.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def _ints(text):
    return tuple(int(v) for v in text.split(","))


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--units", type=_ints, default=(16, 32, 64, 128))
    parser.add_argument("--layers", type=_ints, default=(1, 2, 3, 4))
    parser.add_argument("--epochs", type=int, default=9)
    parser.add_argument("--steps-per-epoch", type=int, default=40)
    parser.add_argument("--dir", default="runs/bench_hyperband")
    args = parser.parse_args(argv)

    from zoo.tune import read_trials, total_epochs
    from zoo.tune.report import describe_verdict
    from zoo.tune.study import units_vs_depth

    out = pathlib.Path(args.dir)
    common = dict(
        units=args.units,
        layers=args.layers,
        epochs=args.epochs,
        steps_per_epoch=args.steps_per_epoch,
        seq_len=64,
        batch_size=32,
        verbose=0,
    )
    results = {}
    for kind in ("grid", "hyperband"):
        start = time.monotonic()
        study = units_vs_depth(directory=out / kind, tuner=kind, **common)
        rows = [r for r in read_trials(out / kind) if r["status"] == "COMPLETED"]
        best = min(rows, key=lambda r: r["val_loss"])
        results[kind] = {
            "best_val_bpc": best["val_bpc"],
            "best": f"{best['num_layers']}x{best['units']}",
            "trials": len(rows),
            "epochs": total_epochs(rows),
            "seconds_this_run": time.monotonic() - start,
        }
        print(
            f"{kind:>9}: best {best['val_bpc']:.4f} bpc ({results[kind]['best']}), {len(rows)} trials, "
            f"{results[kind]['epochs']} epochs trained",
            flush=True,
        )
        if kind == "grid":
            print(study.table())
            print(describe_verdict(study.verdict))
    g, h = results["grid"], results["hyperband"]
    loss_ratio = h["best_val_bpc"] / g["best_val_bpc"]
    epoch_ratio = h["epochs"] / g["epochs"]
    print(f"\nhyperband/grid best validation loss: {loss_ratio:.4f} (goal <= 1.02)")
    print(f"hyperband/grid epochs trained:       {epoch_ratio:.3f} (goal <= 0.5)")
    print("goal met" if loss_ratio <= 1.02 and epoch_ratio <= 0.5 else "goal NOT met")
    results.update(loss_ratio=loss_ratio, epoch_ratio=epoch_ratio)
    (out / "summary.json").write_text(json.dumps(results, indent=2))


if __name__ == "__main__":
    main()
