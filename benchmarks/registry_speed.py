"""How fast `zoo list` answers, against `import keras`, measured in the same run.

    python benchmarks/registry_speed.py [--repeats 5]

Each command runs in a fresh interpreter; the median wall time of several runs
is reported with the ratio. `zoo list` must not import Keras, so it should
take a small fraction of `import keras` (goal: under 0.5 s).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def median_seconds(cmd, repeats):
    env = dict(os.environ, PYTHONPATH=REPO, TF_CPP_MIN_LOG_LEVEL="3")
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    py = sys.executable
    cases = {
        "python -c pass (interpreter start)": [py, "-c", "pass"],
        "zoo list": [py, "-m", "zoo", "list"],
        "zoo info text_generator": [py, "-m", "zoo", "info", "text_generator"],
        "python -c 'import keras' (baseline)": [py, "-c", "import keras"],
    }
    results = {name: median_seconds(cmd, args.repeats) for name, cmd in cases.items()}
    base = results["python -c 'import keras' (baseline)"]
    print(f"median of {args.repeats} runs, each in a fresh interpreter")
    for name, seconds in results.items():
        print(f"  {name:<38} {seconds:7.3f} s   ratio to import keras: {seconds / base:6.3f}")
    ok = results["zoo list"] < 0.5
    print(f"zoo list under 0.5 s: {'yes' if ok else 'NO'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
