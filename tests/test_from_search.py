"""From a search to a trained model: `zoo.tune.best_settings` and `zoo train MODEL --from-search DIR [--trial ID]`.

One small grid search (two trials of the autoregressive forecaster) is made once per test process; each
test reads it or trains from it.
"""

import json

import pytest

from tests.conftest import run_python
from tests.test_bad_input import REFUSE_EARLY
from zoo.cli import main
from zoo.tune import best_settings

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends

MODEL = "autoregressive_forecaster"


@pytest.fixture(scope="module")
def search_folder(tmp_path_factory):
    """A finished two-trial search over `hidden_units`, at a learning rate of the search's own."""
    folder = tmp_path_factory.mktemp("search") / "search"
    code = main(["tune", MODEL, "--epochs", "1", "--steps-per-epoch", "2", "--verbose", "0", "--dir", str(folder),
                 "--space", "hidden_units=4,8", "--learning-rate", "0.02"])  # fmt: skip
    assert code == 0
    return folder


def completed(folder):
    """The finished trials as the report wrote them (`results.json`), independently of `best_settings`."""
    rows = json.loads((folder / "results.json").read_text())
    return [r for r in rows if r["status"] == "COMPLETED"]


def trained_settings(out):
    return json.loads((out / "zoo-run.json").read_text())["settings"]


def test_the_best_settings_are_the_lowest_validation_loss_trials(search_folder):
    trials = completed(search_folder)
    assert len(trials) == 2 and len({t["hidden_units"] for t in trials}) == 2
    best = min(trials, key=lambda t: t["val_loss"])
    settings = best_settings(search_folder)
    assert (settings.model, settings.trial_id) == (MODEL, best["trial_id"])
    assert settings.model_args["hidden_units"] == best["hidden_units"]
    assert settings.learning_rate == 0.02  # not searched: the rate every trial trained with
    assert settings.scores["val_loss"] == best["val_loss"]
    other = next(t for t in trials if t is not best)
    assert best_settings(search_folder, other["trial_id"]).model_args["hidden_units"] == other["hidden_units"]


def test_the_report_prints_the_command_that_trains_the_best_trial(tmp_path, capsys):
    folder = tmp_path / "search"
    assert main(["tune", MODEL, "--epochs", "1", "--steps-per-epoch", "2", "--verbose", "0", "--dir", str(folder),
                 "--space", "hidden_units=4,8"]) == 0  # fmt: skip
    best = min(completed(folder), key=lambda t: t["val_loss"])
    expected = f"zoo train {MODEL} --from-search {folder} --trial {best['trial_id']} --epochs N"
    assert expected in capsys.readouterr().out


@pytest.mark.parametrize("which", ["best", "other"])
def test_zoo_train_from_search_trains_that_trials_settings(search_folder, which, tmp_path, capsys):
    trials = sorted(completed(search_folder), key=lambda t: t["val_loss"])
    trial = trials[0] if which == "best" else trials[1]
    pick = [] if which == "best" else ["--trial", trial["trial_id"]]
    out = tmp_path / "run"
    argv = ["train", MODEL, "--from-search", str(search_folder), *pick, "--epochs", "1", "--verbose", "0"]
    assert main([*argv, "--out", str(out)]) == 0
    settings = trained_settings(out)
    assert settings["model_args"]["hidden_units"] == trial["hidden_units"]
    assert settings["learning_rate"] == 0.02
    assert f"settings of trial {trial['trial_id']} of the search in {search_folder}" in capsys.readouterr().out


def test_flags_given_win_over_the_searched_settings(search_folder, tmp_path):
    out = tmp_path / "run"
    argv = ["train", MODEL, "--from-search", str(search_folder), "--set", "hidden_units=5", "--learning-rate", "0.004"]
    assert main([*argv, "--epochs", "1", "--verbose", "0", "--out", str(out)]) == 0
    settings = trained_settings(out)
    assert (settings["model_args"]["hidden_units"], settings["learning_rate"]) == (5, 0.004)


@pytest.mark.parametrize(
    "extra, message",
    [
        (["--from-search", "{dir}", "--trial", "99"], "--trial '99' is not a completed trial of {dir}; completed: "),
        (["--from-search", "{dir}/nowhere"], "'{dir}/nowhere' holds no search (no search.json)"),
        (["--trial", "00"], "--trial picks a trial of --from-search DIR; give --from-search too."),
    ],
    ids=["unknown trial", "no search", "trial alone"],
)
def test_a_bad_search_or_trial_is_refused_in_one_line_before_tensorflow(search_folder, extra, message, tmp_path):
    argv = ["train", MODEL, *(e.format(dir=search_folder) for e in extra), "--epochs", "1"]
    proc = run_python(REFUSE_EARLY, json.dumps(argv), cwd=tmp_path)
    assert message.format(dir=search_folder) in proc.stderr.strip().splitlines()[-1], proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"rc": 2, "tensorflow": False, "keras": False}
    assert list(tmp_path.iterdir()) == [] and "Traceback" not in proc.stderr


def test_a_search_of_another_model_is_refused(search_folder, capsys):
    assert main(["train", "latent_forecaster", "--from-search", str(search_folder), "--epochs", "1"]) == 2
    assert f"--from-search {search_folder} searched {MODEL}, not latent_forecaster." in capsys.readouterr().err


def test_a_search_made_from_python_records_its_model_and_an_older_one_is_completed(tmp_path):
    import zoo.tune

    data = zoo.tune.task_search_data(MODEL)
    data.fit_kwargs["steps_per_epoch"] = 2
    hm = zoo.tune.hypermodel(MODEL, {"hidden_units": [4, 8]}, learning_rate=0.02, **data.fixed)
    folder = tmp_path / "search"
    zoo.tune.search(hm, data, folder, epochs=1, verbose=0)
    zoo.tune.write_results(zoo.tune.read_trials(folder), folder)
    best = min(completed(folder), key=lambda t: t["val_loss"])
    settings = best_settings(folder)
    assert (settings.model, settings.trial_id, settings.learning_rate) == (MODEL, best["trial_id"], 0.02)
    assert settings.model_args == {**data.fixed, "hidden_units": best["hidden_units"]}

    # A folder such a search wrote before search.json named the model: run again, it is the same search,
    # completed in place rather than refused, and then read like the others.
    recorded = json.loads((folder / "search.json").read_text())
    older = {k: v for k, v in recorded.items() if k not in ("model", "fixed", "learning_rate")}
    (folder / "search.json").write_text(json.dumps(older))
    zoo.tune.search(hm, data, folder, epochs=1, verbose=0)
    assert json.loads((folder / "search.json").read_text()) == recorded
    assert best_settings(folder).model == MODEL
