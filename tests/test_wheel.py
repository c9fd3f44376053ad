"""The wheel, installed in a fresh virtual environment outside the repository, works from an empty folder.

The ``installed_wheel`` fixture (``tests/conftest.py``) builds the wheel from this
checkout and installs it into a new virtual environment that borrows the test run's
packages; ``zoo`` must come from the wheel, and a test checks that it does.
"""

import json
import pathlib
import zipfile

import pytest

from tests.conftest import REPO, run_clean

pytestmark = pytest.mark.xdist_group("wheel")


@pytest.fixture(scope="module")
def installed(installed_wheel):
    """``(zoo command, python, empty working folder, wheel)`` of the fresh environment holding the wheel."""
    return installed_wheel.zoo, installed_wheel.python, installed_wheel.work, installed_wheel.wheel


def test_wheel_holds_the_presets_and_declares_its_tuner(installed):
    *_, wheel = installed
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        (metadata,) = [n for n in names if n.endswith(".dist-info/METADATA")]
        lines = archive.read(metadata).decode().splitlines()
        requires = [line for line in lines if line.startswith("Requires-Dist")]
    assert "Project-URL: PyPI, https://pypi.org/project/keras-study-zoo/" in lines
    assert "zoo/models/rnn/presets/text_generator_stdlib/model.weights.h5" in names
    shipped = sorted(n.removeprefix("zoo/notebooks/") for n in names if n.startswith("zoo/notebooks/"))
    assert shipped == sorted(p.name for p in pathlib.Path(REPO, "tutorials").glob("[0-9][0-9]_*.ipynb"))
    assert any(r.startswith("Requires-Dist: keras-tuner") and "extra ==" not in r for r in requires)


def test_zoo_comes_from_the_wheel_not_the_checkout(installed):
    _, python, work, _ = installed
    where = run_clean([python, "-c", "import zoo; print(zoo.__file__)"], cwd=work)
    assert where.returncode == 0, where.stderr
    assert not where.stdout.strip().startswith(REPO) and "/venv/" in where.stdout


def test_presets_generate_and_export_from_an_empty_folder(installed):
    zoo, _, work, _ = installed
    listed = run_clean([zoo, "list", "--pretrained", "--json"], cwd=work)
    assert listed.returncode == 0, listed.stderr
    assert "text_generator_stdlib" in json.loads(listed.stdout)
    text = run_clean(
        [zoo, "generate", "text_generator_stdlib", "--prompt", "def ", "--length", "60", "--seed", "0"], cwd=work
    )
    assert text.returncode == 0, text.stderr[-2000:]
    assert text.stdout.startswith("def ") and len(text.stdout) > 60
    exported = run_clean([zoo, "export", "text_generator_stdlib", "--format", "onnx", "--input-shape", "32"], cwd=work)
    assert exported.returncode == 0, exported.stderr[-2000:]
    assert (work / "text_generator_stdlib.onnx").is_file() and "run in onnxruntime" in exported.stdout


def test_a_two_trial_search_from_an_empty_folder(installed, tmp_path):
    zoo, *_ = installed
    tuned = run_clean(
        [zoo, "tune", "text_generator", "--space", "units=4,8", "--set", "embedding_dim=4", "--set", "num_layers=1",
         "--epochs", "1", "--steps-per-epoch", "2", "--validation-steps", "1", "--max-chars", "4000",
         "--seq-len", "16", "--batch-size", "4", "--dir", tmp_path / "search"],
        cwd=tmp_path,
    )  # fmt: skip
    assert tuned.returncode == 0, tuned.stderr[-3000:]
    trials = json.loads((tmp_path / "search" / "results.json").read_text())
    assert len(trials) == 2


def test_tutorials_are_listed_and_copied_from_an_empty_folder(installed, tmp_path):
    zoo, _, work, _ = installed
    listed = run_clean([zoo, "tutorials", "--json"], cwd=work)
    assert listed.returncode == 0, listed.stderr
    names = [t["name"] for t in json.loads(listed.stdout)]
    assert names[0] == "00_quickstart" and len(names) == len(list(pathlib.Path(REPO, "tutorials").glob("*.ipynb")))
    copied = run_clean([zoo, "tutorials", "--to", tmp_path / "book"], cwd=work)
    assert copied.returncode == 0, copied.stderr
    assert sorted(p.stem for p in (tmp_path / "book").iterdir()) == names
