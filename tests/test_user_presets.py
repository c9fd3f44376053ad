"""Your own presets: a finished run saved with `zoo preset save` (`zoo.presets.saving`), loaded by its path
with `zoo.load_preset(DIR)` and `create_model(NAME, weights=DIR)`, its files' SHA-256 checked."""

import json

import numpy as np
import pytest

import zoo
from tests.conftest import run_python
from tests.test_bad_input import REFUSE_EARLY
from zoo.cli import main
from zoo.errors import InputError
from zoo.presets.loading import sha256_of
from zoo.presets.saving import save_preset
from zoo.saving import load_model

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends

MODEL = "autoregressive_forecaster"
SAVED_FILES = ["README.md", "config.json", "metadata.json", "model.weights.h5"]


@pytest.fixture(scope="module")
def run(tmp_path_factory):
    """A finished two-epoch run of the forecaster, as `zoo train --out` writes it."""
    out = tmp_path_factory.mktemp("runs") / "run"
    assert main(["train", MODEL, "--epochs", "2", "--verbose", "0", "--out", str(out)]) == 0
    return out


def outputs(model):
    x = np.linspace(0.0, 1.0, 4 * 3, dtype="float32").reshape(3, 4)
    return np.asarray(model.predict(x, verbose=0))


def test_a_saved_run_loads_by_its_path_with_the_runs_weights_and_card(run, tmp_path, capsys):
    folder = tmp_path / "mine"
    assert main(["preset", "save", str(run), "--to", str(folder)]) == 0
    assert f'load it: zoo.load_preset("{folder}")' in capsys.readouterr().out
    assert sorted(p.name for p in folder.iterdir()) == SAVED_FILES  # no staging folder left beside it either
    assert [p.name for p in tmp_path.iterdir()] == ["mine"]
    card = json.loads((folder / "metadata.json").read_text())
    assert card["sha256"] == {f: sha256_of(folder / f) for f in ("config.json", "model.weights.h5", "README.md")}
    manifest = json.loads((run / "zoo-run.json").read_text())
    history = json.loads((run / "history.json").read_text())
    assert (card["preset"], card["model"], card["recipe"]) == ("mine", MODEL, manifest["settings"])
    assert card["scores"]["val_mae_sunspots"] == round(history[-1]["val_mae_sunspots"], 4)
    readme = (folder / "README.md").read_text()
    for heading in ("## Data and recipe", "## Scores", "## Load it", "## Limits"):
        assert heading in readme
    assert f"| val_mae_sunspots | {card['scores']['val_mae_sunspots']} |" in readme

    trained = outputs(load_model(run / "model.keras", compile=False))
    np.testing.assert_array_equal(outputs(zoo.load_preset(folder)), trained)
    np.testing.assert_array_equal(outputs(zoo.create_model(MODEL, weights=str(folder))), trained)
    compiled = zoo.load_preset(folder, compile=True)
    assert compiled.optimizer is not None and float(compiled.optimizer.learning_rate) == pytest.approx(
        manifest["settings"]["learning_rate"]
    )


def test_a_preset_folder_loads_in_a_fresh_process_in_safe_mode(run, tmp_path):
    folder = tmp_path / "mine"
    assert main(["preset", "save", str(run / "model.keras"), "--to", str(folder), "--name", "from_file"]) == 0
    card = json.loads((folder / "metadata.json").read_text())
    assert (card["preset"], card["model"], card["recipe"], card["scores"]) == ("from_file", MODEL, {}, {})
    code = (
        "import sys, numpy as np, zoo\n"
        "x = np.linspace(0.0, 1.0, 12, dtype='float32').reshape(3, 4)\n"
        "print(repr(zoo.load_preset(sys.argv[1]).predict(x, verbose=0).ravel().tolist()))"
    )
    proc = run_python(code, str(folder))
    assert proc.returncode == 0, proc.stderr[-2000:]
    fresh = eval(proc.stdout.strip().splitlines()[-1])  # a list of floats, printed with repr
    np.testing.assert_array_equal(np.asarray(fresh, dtype="float32"), outputs(zoo.load_preset(folder)).ravel())


@pytest.mark.parametrize("file", ["model.weights.h5", "config.json", "README.md"])
def test_a_changed_file_is_refused_by_name(run, tmp_path, file):
    folder = tmp_path / "mine"
    save_preset(run, folder)
    with open(folder / file, "ab") as f:
        f.write(b"\n")
    with pytest.raises(InputError, match=rf"preset '.*mine': {file} has SHA-256 .* its card says"):
        zoo.load_preset(folder)


def test_a_preset_of_another_model_or_with_overrides_is_refused(run, tmp_path):
    folder = tmp_path / "mine"
    save_preset(run, folder)
    with pytest.raises(TypeError, match=f"is a preset of {MODEL}, not of latent_forecaster"):
        zoo.create_model("latent_forecaster", weights=str(folder))
    with pytest.raises(TypeError, match="a preset fixes the model's arguments"):
        zoo.create_model(MODEL, weights=str(folder), hidden_units=3)
    with pytest.raises(InputError, match="is a folder but not a preset"):
        zoo.load_preset(tmp_path)
    assert zoo.list_presets() == sorted(zoo.list_presets()) and "mine" not in zoo.list_presets()


@pytest.mark.parametrize(
    "argv, message",
    [
        (["preset", "save", "missing", "--to", "out"], "nor a .keras file (it does not exist)"),
        (["preset", "save", "unfinished", "--to", "out"], "the run in unfinished has not finished (status 'running')"),
        (["preset", "save", "run", "--to", "taken"], "taken exists; a preset is saved to a new folder"),
        (["preset", "save", "run", "--to", "nowhere/out"], "nowhere is not a folder"),
    ],
)  # fmt: skip
def test_zoo_preset_save_refuses_in_one_line_before_tensorflow(run, tmp_path, argv, message):
    import shutil

    shutil.copytree(run, tmp_path / "run")
    (tmp_path / "unfinished").mkdir()
    for name in ("model.keras", "zoo-run.json"):
        shutil.copy(run / name, tmp_path / "unfinished" / name)
    manifest = json.loads((run / "zoo-run.json").read_text())
    (tmp_path / "unfinished" / "zoo-run.json").write_text(json.dumps({**manifest, "status": "running"}))
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "yours.txt").write_text("a file of yours")
    before = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*"))
    proc = run_python(REFUSE_EARLY, json.dumps(argv), cwd=tmp_path)
    assert message in proc.stderr.strip().splitlines()[-1], proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"rc": 2, "tensorflow": False, "keras": False}
    assert sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*")) == before  # nothing written
    assert (tmp_path / "taken" / "yours.txt").read_text() == "a file of yours"


def test_a_builder_with_weights_of_its_own_takes_a_preset_folder_too(tmp_path):
    # lenet5 takes weights= itself (a weights file, as keras.applications): a preset folder is still a preset.
    model = zoo.create_model("lenet5", num_classes=3)
    model.save(tmp_path / "lenet.keras")
    save_preset(tmp_path / "lenet.keras", tmp_path / "mine")
    x = np.random.default_rng(0).random((2, *model.input_shape[1:]), dtype="float32")
    loaded = zoo.create_model("lenet5", weights=str(tmp_path / "mine"))
    np.testing.assert_array_equal(np.asarray(loaded.predict(x, verbose=0)), np.asarray(model.predict(x, verbose=0)))
