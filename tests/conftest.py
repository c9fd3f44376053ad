"""Shared test settings (quiet TensorFlow, smoke mode) and subprocess helpers."""

import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("ZOO_SMOKE", "1")

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def small_text_generator(cell="lstm", num_layers=2):
    """A seeded, built text_generator small enough for fast tests (8-dim embedding, 16 units)."""
    import keras

    import zoo

    keras.utils.set_random_seed(0)
    model = zoo.create_model("text_generator", embedding_dim=8, units=16, num_layers=num_layers, cell=cell)
    model.build((None, None))
    return model


def _run(argv, timeout, env, cwd):
    full_env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    full_env.update(env or {})
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=full_env, cwd=cwd)


def run_python(code: str, *args, timeout=300, env=None, cwd=None):
    """Run ``python -c code`` in a fresh process; return the CompletedProcess."""
    return _run([sys.executable, "-c", code, *args], timeout, env, cwd)


def run_zoo(*args, timeout=300, env=None, cwd=None):
    """Run the ``zoo`` command line (as ``python -m zoo``) in a fresh process."""
    return _run([sys.executable, "-m", "zoo", *args], timeout, env, cwd)
