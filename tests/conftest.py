"""Shared test settings (quiet TensorFlow, smoke mode) and subprocess helpers."""

import json
import os
import pathlib
import re
import shutil
import signal
import subprocess
import sys
import sysconfig
import tempfile
import typing

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("ZOO_SMOKE", "1")
# JAX compiles every model the tests build, and compiling dominates their time on 2 cores:
# every JAX process of the tests (the JAX run's own, and the fresh JAX processes that any run
# starts) shares compiled programs through one cache, skips LLVM's expensive passes and compiles
# at optimisation level 0. The compiled programs run slower, but these tests run each of them a
# few times on tiny inputs: the JAX run took 472 CPU-seconds at level 0, 558 at level 1 and 685
# at the default (all three passing, run side by side on this project's 2-core machine). Keras's
# JAX initialisers compile once per weight shape: building DenseNet-121 took 7 s instead of 13.
# Only JAX processes get them: TensorFlow accepts XLA_FLAGS too and would compile its own XLA
# functions (zoo.generate's) differently from a user's run.
JAX_TEST_SETTINGS = {
    "JAX_COMPILATION_CACHE_DIR": os.path.join(tempfile.gettempdir(), "zoo-tests-jax-cache"),
    "JAX_PERSISTENT_CACHE_MIN_COMPILE_TIME_SECS": "0",
    "JAX_PERSISTENT_CACHE_MIN_ENTRY_SIZE_BYTES": "0",
    "XLA_FLAGS": "--xla_llvm_disable_expensive_passes=true --xla_backend_optimization_level=0",
}
if os.environ.get("KERAS_BACKEND") == "jax":
    for key, value in JAX_TEST_SETTINGS.items():
        os.environ.setdefault(key, value)

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def small_text_generator(cell="lstm", num_layers=2):
    """A seeded, built text_generator small enough for fast tests (8-dim embedding, 16 units)."""
    import keras

    import zoo

    keras.utils.set_random_seed(0)
    model = zoo.create_model("text_generator", embedding_dim=8, units=16, num_layers=num_layers, cell=cell)
    model.build((None, None))
    return model


@pytest.fixture
def weights_left_uninitialised():
    """Models built during the test get no initial weights: Keras defers every initializer inside a
    ``StatelessScope``, and the deferred ones are dropped afterwards, never run.

    For tests that read only what a build decides (shapes, layers, parameter counts). Initialising
    the weights is most of the cost of building a published-width CNN (a VGG's 138 million
    parameters), and none of these tests reads them: a test that calls the model cannot use this.
    """
    import keras

    with keras.StatelessScope(initialize_variables=False):
        yield
    keras.backend.clear_session(free_memory=False)  # forgets the deferred initializers


def _run(argv, timeout, env, cwd):
    full_env = dict(os.environ, PYTHONPATH=REPO + os.pathsep + os.environ.get("PYTHONPATH", ""))
    full_env.update(env or {})
    if full_env.get("KERAS_BACKEND") == "jax":
        full_env = {**JAX_TEST_SETTINGS, **full_env}
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=full_env, cwd=cwd)


def run_python(code: str, *args, timeout=300, env=None, cwd=None):
    """Run ``python -c code`` in a fresh process; return the CompletedProcess."""
    return _run([sys.executable, "-c", code, *args], timeout, env, cwd)


def run_zoo(*args, timeout=300, env=None, cwd=None, faults=()):
    """Run the ``zoo`` command line (as ``python -m zoo``) in a fresh process.

    ``faults``: fault points injected from outside (:mod:`tests.faults`), such as
    ``("--kill-after-epoch", "2")``: the process runs ``python -m tests.faults FAULTS -- ARGS``.
    """
    command = ["-m", "tests.faults", *faults, "--"] if faults else ["-m", "zoo"]
    return _run([sys.executable, *command, *args], timeout, env, cwd)


def kill_and_resume(args, out, epochs, *, env=None, killed_after=2):
    """Run ``zoo ARGS`` (a run of ``epochs`` epochs writing to ``out``), have it SIGKILLed once epoch
    ``killed_after`` is checkpointed (a fault point the test injects, :mod:`tests.faults`: no timer, so
    any machine speed gives the same kill), run the same command again, and check that it resumed.

    Checks: the restart resumes right after the killed epoch, runs the rest, keeps the finished
    epochs' history rows bit for bit, continues their training time, and ends with the model saved
    and the checkpoint removed. Returns ``(first_process, second_process, resumed_at)``.
    """
    from zoo.json_files import read_json
    from zoo.run_folder import CHECKPOINT

    first = run_zoo(*args, timeout=300, env=env, faults=("--kill-after-epoch", str(killed_after)))
    assert first.returncode == -signal.SIGKILL, first.stderr[-2000:]
    history = out / "history.json"
    before = read_json(history)
    assert [r["epoch"] for r in before] == list(range(1, killed_after + 1))
    assert (out / CHECKPOINT).exists() and not (out / "model.keras").exists()
    assert json.loads((out / "zoo-run.json").read_text())["status"] == "running"

    second = run_zoo(*args, timeout=300, env=env)
    assert second.returncode == 0, second.stderr[-2000:]
    epochs_run = [int(m) for m in re.findall(rf"^Epoch (\d+)/{epochs}", second.stdout, re.M)]
    resumed_at = epochs_run[0]
    assert resumed_at == killed_after + 1
    assert epochs_run == list(range(resumed_at, epochs + 1))
    after = read_json(history)
    assert [r["epoch"] for r in after] == list(range(1, epochs + 1))
    assert after[:killed_after] == before  # finished epochs kept bit for bit
    assert after[killed_after]["time_s"] > before[-1]["time_s"]  # the training clock carries on
    assert (out / "model.keras").exists() and (out / "curve.png").exists()
    assert not (out / CHECKPOINT).exists()
    assert json.loads((out / "zoo-run.json").read_text())["status"] == "finished"
    return first, second, resumed_at


def kill_and_resume_training(out, *extra_args, epochs=6, env=None):
    """:func:`kill_and_resume` on a small ``zoo train text_generator`` run, which must also
    read the text on from the batch the last finished epoch stopped at."""
    steps = 4
    args = [
        "train", "text_generator", "--corpus", "stdlib", "--max-chars", "60000", "--epochs", str(epochs),
        "--steps-per-epoch", str(steps), "--units", "16", "--embedding-dim", "8", "--layers", "1",
        "--seq-len", "20", "--batch-size", "8", "--out", str(out), "--verbose", "2", "--sample-length", "5",
        *extra_args,
    ]  # fmt: skip
    first, second, resumed_at = kill_and_resume(args, out, epochs, env=env)
    assert f"training text from batch {(resumed_at - 1) * steps}" in second.stdout  # the text carries on
    return first, second


def tensorboard_logs(folder) -> dict:
    """What TensorBoard would show of the logs under `folder`: `{run: {tag: [values by step]}}`, where a run is
    an event file's folder relative to `folder`, and the HParams of a trial's run under the tag `"hparams"`
    (`{name: value}`, read from the session-start record the HParams dashboard reads)."""
    import tensorflow as tf
    from tensorboard.plugins.hparams import plugin_data_pb2

    runs = {}
    for path in sorted(pathlib.Path(folder).rglob("events.out.tfevents.*")):
        run = runs.setdefault(path.parent.relative_to(folder).as_posix(), {})
        for event in tf.compat.v1.train.summary_iterator(str(path)):
            for value in event.summary.value:
                if value.metadata.plugin_data.plugin_name == "hparams":
                    data = plugin_data_pb2.HParamsPluginData.FromString(value.metadata.plugin_data.content)
                    if data.HasField("session_start_info"):
                        start = data.session_start_info.hparams
                        run["hparams"] = {k: v.WhichOneof("kind") and getattr(v, v.WhichOneof("kind"))
                                          for k, v in start.items()}  # fmt: skip
                else:
                    run.setdefault(value.tag, []).append(float(tf.make_ndarray(value.tensor)))
    return runs


def clean_environment(env=None):
    """This process's environment without this checkout on the path (no PYTHONPATH, no VIRTUAL_ENV), plus ``env``."""
    full_env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    full_env.update(env or {})
    return full_env


def run_clean(argv, *, timeout=600, env=None, **kwargs):
    """Run ``argv`` in :func:`clean_environment`: as an installed user would."""
    return subprocess.run(argv, capture_output=True, text=True, timeout=timeout, env=clean_environment(env), **kwargs)


class InstalledWheel(typing.NamedTuple):
    """A fresh virtual environment holding the wheel built from this checkout."""

    zoo: pathlib.Path  # its zoo command
    python: pathlib.Path
    work: pathlib.Path  # an empty folder outside the checkout
    wheel: pathlib.Path
    bin: pathlib.Path


@pytest.fixture(scope="session")
def installed_wheel(tmp_path_factory):
    """The wheel, built from a copy of this checkout (offline: no build isolation) and installed without
    dependencies into a new virtual environment outside the repository.

    The environment borrows the test run's installed packages (TensorFlow, Keras, keras-tuner...) through a
    ``.pth`` line, since CI reaches no package index while testing. Only their paths are lent, not their
    ``.pth`` files, so an editable install of this checkout stays invisible: ``zoo`` comes from the wheel.
    """
    root = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so that no build/ folder is left in the checkout and none of an earlier build gets in.
    source = root / "source"
    skip = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "runs", ".venv*")
    shutil.copytree(REPO, source, ignore=skip)
    built = run_clean([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w",
                       root / "dist", source])  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (root / "dist").glob("keras_study_zoo-*.whl")
    venv = root / "venv"
    made = run_clean([sys.executable, "-m", "venv", venv])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = pathlib.Path(
        run_clean([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    )
    (site / "borrowed-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = run_clean([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel])
    assert done.returncode == 0, done.stderr[-3000:]
    work = root / "empty"
    work.mkdir()
    return InstalledWheel(venv / "bin" / "zoo", python, work, wheel, venv / "bin")
