"""Resident memory over a long search: after 20 small trials against after 2.

    python benchmarks/tune_memory.py [--trials 20] [--dir runs/bench_memory]

Goal (issue 5): the resident set size after 20 trials is at most 20% above
that after 2. keras-tuner clears the Keras session before building each
trial's model; this measures whether that is enough for zoo's hypermodels.
Reads /proc/self/statm (Linux).
"""

from __future__ import annotations

import argparse
import gc
import os
import pathlib
import shutil

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def rss_mib() -> float:
    """This process's resident set size in MiB."""
    pages = int(pathlib.Path("/proc/self/statm").read_text().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=20)
    parser.add_argument("--dir", default="runs/bench_memory")
    args = parser.parse_args(argv)

    from zoo.tune import hypermodel, text_search_data
    from zoo.tune.searching import PROJECT, GridTuner

    readings = []

    class MeasuredGridTuner(GridTuner):
        def on_trial_end(self, trial):
            super().on_trial_end(trial)
            gc.collect()
            readings.append(rss_mib())
            print(f"trial {len(readings):2d}: rss {readings[-1]:.1f} MiB", flush=True)

    shutil.rmtree(args.dir, ignore_errors=True)  # a fresh search: every trial runs in this process
    data = text_search_data(
        "stdlib", max_chars=300_000, seq_len=32, batch_size=16, steps_per_epoch=10, validation_steps=2
    )
    units = tuple(8 + 4 * i for i in range(-(-args.trials // 2)))
    hm = hypermodel("text_generator", {"units": units, "cell": ("lstm", "gru")}, embedding_dim=8, **data.fixed)
    print(f"start: rss {rss_mib():.1f} MiB", flush=True)
    tuner = MeasuredGridTuner(hm, max_trials=args.trials, directory=args.dir, project_name=PROJECT)
    tuner.search(epochs=1, verbose=0, **data.fit_kwargs)
    growth = readings[-1] / readings[1]
    print(f"\nrss after trial 2: {readings[1]:.1f} MiB, after trial {len(readings)}: {readings[-1]:.1f} MiB")
    print(f"ratio {growth:.3f} (goal <= 1.20): {'goal met' if growth <= 1.2 else 'goal NOT met'}")


if __name__ == "__main__":
    main()
