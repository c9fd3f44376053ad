"""The wheel, installed in a fresh virtual environment outside the repository, works from an empty folder.

The test builds the wheel from this checkout (offline: no build isolation),
installs it without dependencies into a new virtual environment, and lends
that environment the test run's installed packages (TensorFlow, Keras,
keras-tuner...) through a ``.pth`` line, since CI reaches no package index
while testing. Only the paths of those packages are lent, not their ``.pth``
files, so an editable install of this checkout stays invisible: ``zoo`` must
come from the wheel, and the test checks that it does.
"""

import json
import os
import pathlib
import shutil
import subprocess
import sys
import sysconfig
import zipfile

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.xdist_group("wheel")


def _run(argv, **kwargs):
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    return subprocess.run(argv, capture_output=True, text=True, timeout=600, env=env, **kwargs)


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """``(zoo command, python, empty working folder)`` of a fresh environment holding the wheel."""
    root = tmp_path_factory.mktemp("wheel")
    # Built from a copy, so that no build/ folder is left in the checkout and none of an earlier build gets in.
    source = root / "source"
    skip = shutil.ignore_patterns(".git", "build", "dist", "*.egg-info", "__pycache__", ".*_cache", "runs", ".venv*")
    shutil.copytree(REPO, source, ignore=skip)
    built = _run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", root / "dist",
                  source])  # fmt: skip
    assert built.returncode == 0, built.stderr[-3000:]
    (wheel,) = (root / "dist").glob("keras_study_zoo-*.whl")
    venv = root / "venv"
    made = _run([sys.executable, "-m", "venv", venv])
    assert made.returncode == 0, made.stderr
    python = venv / "bin" / "python"
    site = pathlib.Path(
        _run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"]).stdout.strip()
    )
    (site / "borrowed-packages.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    done = _run([python, "-m", "pip", "install", "--no-deps", "--no-index", wheel])
    assert done.returncode == 0, done.stderr[-3000:]
    work = root / "empty"
    work.mkdir()
    return venv / "bin" / "zoo", python, work, wheel


def test_wheel_holds_the_presets_and_declares_its_tuner(installed):
    *_, wheel = installed
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        requires = [line for line in archive.read(metadata).decode().splitlines() if line.startswith("Requires-Dist")]
    assert "zoo/models/rnn/presets/text_generator_stdlib/model.weights.h5" in names
    assert any(r.startswith("Requires-Dist: keras-tuner") and "extra ==" not in r for r in requires)


def test_zoo_comes_from_the_wheel_not_the_checkout(installed):
    _, python, work, _ = installed
    where = _run([python, "-c", "import zoo; print(zoo.__file__)"], cwd=work)
    assert where.returncode == 0, where.stderr
    assert not where.stdout.strip().startswith(REPO) and "/venv/" in where.stdout


def test_presets_generate_and_export_from_an_empty_folder(installed):
    zoo, _, work, _ = installed
    listed = _run([zoo, "list", "--pretrained", "--json"], cwd=work)
    assert listed.returncode == 0, listed.stderr
    assert "text_generator_stdlib" in json.loads(listed.stdout)
    text = _run(
        [zoo, "generate", "text_generator_stdlib", "--prompt", "def ", "--length", "60", "--seed", "0"], cwd=work
    )
    assert text.returncode == 0, text.stderr[-2000:]
    assert text.stdout.startswith("def ") and len(text.stdout) > 60
    exported = _run([zoo, "export", "text_generator_stdlib", "--format", "onnx", "--input-shape", "32"], cwd=work)
    assert exported.returncode == 0, exported.stderr[-2000:]
    assert (work / "text_generator_stdlib.onnx").is_file() and "run in onnxruntime" in exported.stdout


def test_a_two_trial_search_from_an_empty_folder(installed, tmp_path):
    zoo, *_ = installed
    tuned = _run(
        [zoo, "tune", "text_generator", "--space", "units=4,8", "--set", "embedding_dim=4", "--set", "num_layers=1",
         "--epochs", "1", "--steps-per-epoch", "2", "--validation-steps", "1", "--max-chars", "4000",
         "--seq-len", "16", "--batch-size", "4", "--dir", tmp_path / "search"],
        cwd=tmp_path,
    )  # fmt: skip
    assert tuned.returncode == 0, tuned.stderr[-3000:]
    trials = json.loads((tmp_path / "search" / "results.json").read_text())
    assert len(trials) == 2
