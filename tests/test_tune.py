"""zoo.tune: search spaces from the registry, hypermodels, the resumable grid, distributed search, results."""

import collections
import hashlib
import json
import math
import signal

import keras
import keras_tuner
import pytest

import zoo
from tests.conftest import run_python, run_zoo, tensorboard_logs
from tests.recording import RateRecorder
from zoo.cli import main
from zoo.training.carried_state import StateCarrier
from zoo.tune import hypermodel, parse_space_option, read_trials, search, search_space, text_search_data
from zoo.tune.oracles import ResumableGridOracle
from zoo.tune.searching import GridTuner
from zoo.tune.spaces import COMPILE_ARGS, check_space_values
from zoo.tune.study import depth_verdict, matched_pairs, plot_heatmap, plot_loss_vs_params, units_vs_depth

TINY_TEXT = [
    "--embedding-dim", "8", "--epochs", "1", "--steps-per-epoch", "3", "--validation-steps", "2",
    "--max-chars", "100000", "--seq-len", "16", "--batch-size", "8", "--verbose", "0",
]  # fmt: skip


@pytest.fixture(scope="module")
def tiny_data():
    return text_search_data("stdlib", max_chars=60_000, seq_len=16, batch_size=8, steps_per_epoch=3, validation_steps=2)


# -- search spaces -------------------------------------------------------------
def test_registry_declares_the_spaces_the_issue_names():
    assert set(zoo.model_info("text_generator").tunable) == {
        "units", "num_layers", "embedding_dim", "dropout", "cell", "learning_rate",
    }  # fmt: skip
    assert {"depth", "width"} <= set(zoo.model_info("resnet_cifar").tunable)
    assert {"width", "blocks", "convs_per_block"} <= set(zoo.model_info("vgg_cifar").tunable)
    for name in zoo.list_models():
        declared = zoo.model_info(name).tunable
        if declared:
            assert search_space(name)  # every declaration is a valid space
            # and names a builder argument (or Adam's learning rate)
            assert set(declared) <= set(zoo.accepted_arguments(name)) | set(COMPILE_ARGS), name


def test_space_names_are_checked_against_the_builder():
    with pytest.raises(ValueError, match=r"text_generator does not declare 'unitz' tunable; tunable: units, "):
        search_space("text_generator", {"unitz": [1, 2]})
    with pytest.raises(ValueError, match="does not declare 'vocab_size' tunable"):
        search_space("text_generator", {"vocab_size": [10, 20]})
    with pytest.raises(ValueError, match=r"cell cannot be 'transformer'; accepted: 'lstm', 'gru', 'rnn'"):
        search_space("text_generator", {"cell": ["lstm", "transformer"]})
    with pytest.raises(ValueError, match=r"units takes integers >= 0 \(declared: 32, .*\), got 2.5"):
        search_space("text_generator", {"units": [8, 2.5]})
    with pytest.raises(ValueError, match="the search space is empty"):
        search_space("lenet5", {})
    with pytest.raises(ValueError, match="repeats a value"):
        search_space("text_generator", {"units": [8, 8]})
    assert search_space("text_generator", {"units": [8, 16], "cell": None}, fixed={"cell": "gru"}) == {
        "units": {"values": (8, 16)}
    }


def test_space_values_go_through_the_builders_checks_with_the_fixed_arguments():
    heads = {"num_heads": {"values": (3, 6)}}
    check_space_values("transformer_lm", heads, {"embed_dim": 96})  # 96 divides by 3 and by 6
    with pytest.raises(
        ValueError, match=r"transformer_lm's builder refuses: embed_dim=128 must be divisible by num_heads=3"
    ):
        check_space_values("transformer_lm", heads, {"embed_dim": 128})
    # Every combination: 3 heads divide 96 but not 64, whichever value the fixed arguments hold.
    both = {**heads, "embed_dim": {"values": (96, 64)}}
    with pytest.raises(ValueError, match="embed_dim=64 must be divisible by num_heads=3"):
        check_space_values("transformer_lm", both, {"embed_dim": 96})
    # A range's two ends: dropout must stay below 1.
    with pytest.raises(ValueError, match=r"dropout must be a number in \[0, 1\), got 1.0"):
        check_space_values(
            "text_generator", {"dropout": {"min": 0.0, "max": 1.0}, "learning_rate": {"min": 0, "max": 1}}
        )
    with pytest.raises(ValueError, match="the search space holds a value"):
        hypermodel("resnet_cifar", {"depth": [8, 21]}, input_shape=(8, 8, 1), num_classes=10)


def test_info_lists_the_tunable_arguments(capsys):
    assert main(["info", "text_generator"]) == 0
    out = capsys.readouterr().out
    assert "units: 32, 64, 128, 256, 512" in out and "learning_rate: 0.0001 .. 0.01 (log)" in out


def test_parse_space_option():
    assert parse_space_option("units=32,64,128") == ("units", {"values": (32, 64, 128)})
    assert parse_space_option("cell=lstm,gru") == ("cell", {"values": ("lstm", "gru")})
    assert parse_space_option("learning_rate=1e-4..1e-2") == (
        "learning_rate", {"min": 1e-4, "max": 1e-2, "sampling": "log"},
    )  # fmt: skip
    assert parse_space_option("num-layers=1..4") == ("num_layers", {"min": 1, "max": 4})
    for bad in ("units", "units=", "=1,2", "cell=a..b"):
        with pytest.raises(ValueError, match="--space"):
            parse_space_option(bad)


# -- hypermodels ---------------------------------------------------------------
def test_build_returns_a_built_compiled_model_with_the_chosen_values(tiny_data):
    hm = hypermodel("text_generator", {"units": [8, 24], "num_layers": [1, 3], "learning_rate": None},
                    embedding_dim=4, **tiny_data.fixed)  # fmt: skip
    assert isinstance(hm, keras_tuner.HyperModel)
    hp = keras_tuner.HyperParameters()
    hp.Choice("units", [8, 24])
    hp.values["units"] = 24
    hp.Choice("num_layers", [1, 3])
    hp.values["num_layers"] = 3
    model = hm.build(hp)
    assert model.built and model.optimizer is not None  # count_params works before fit (keras-tuner issue 933)
    # trained as zoo train trains it: continuous streams, states carried between batches
    assert isinstance(model, StateCarrier) and model.batch_size == tiny_data.fixed["carry_state"]["batch_size"]
    vocabulary = tiny_data.fixed["vocabulary"]
    reference = zoo.create_model("text_generator", units=24, num_layers=3, embedding_dim=4, vocabulary=vocabulary)
    reference.build((None, None))
    assert model.generator.count_params() == reference.count_params()
    assert [layer.units for layer in model.generator.recurrent_layers] == [24, 24, 24]  # one shared units
    lr = hp.values["learning_rate"]
    assert 1e-4 <= lr <= 1e-2
    assert math.isclose(float(keras.ops.convert_to_numpy(model.optimizer.learning_rate)), lr, rel_tol=1e-6)


def test_build_cnn_hypermodel_uses_depth_and_width():
    hm = hypermodel("resnet_cifar", {"depth": [8, 14], "width": [4]}, input_shape=(8, 8, 1), num_classes=3)
    hp = keras_tuner.HyperParameters()
    hm.declare_hyperparameters(hp)
    hp.values.update(depth=14, width=4)
    model = hm.build(hp)
    expected = zoo.create_model("resnet_cifar", depth=14, width=4, input_shape=(8, 8, 1), num_classes=3)
    assert model.count_params() == expected.count_params()
    assert model.output_shape == (None, 3)


def test_fit_reports_best_validation_loss_and_study_figures(tiny_data):
    hm = hypermodel("text_generator", {"units": [8]}, embedding_dim=4, **tiny_data.fixed)
    hp = keras_tuner.HyperParameters()
    model = hm.build(hp)
    metrics = hm.fit(hp, model, epochs=2, verbose=0, **tiny_data.fit_kwargs)
    assert metrics["epochs_run"] == 2
    assert metrics["params"] == model.generator.count_params()  # the model's, not the carried states
    assert metrics["val_bpc"] == pytest.approx(metrics["val_loss"] / math.log(2))
    assert metrics["seconds"] > 0 and math.isfinite(metrics["loss"])
    with pytest.raises(ValueError, match="needs validation data"):
        hm.fit(hp, model, x=tiny_data.fit_kwargs["x"], steps_per_epoch=1, epochs=1, verbose=0)


def _fit_callback_names(model, monkeypatch):
    """Record the classes of the callbacks ``model.fit`` is given."""
    seen, fit = [], model.fit

    def recording_fit(*args, callbacks=(), **kwargs):
        seen.extend(type(c).__name__ for c in callbacks)
        return fit(*args, callbacks=callbacks, **kwargs)

    monkeypatch.setattr(model, "fit", recording_fit)
    return seen


def test_a_trial_trains_with_zoo_trains_callbacks_and_learning_rates(tiny_data, monkeypatch):
    """One callback stack for both: a tuning trial gets the figures, time budget and linear decay that
    ``fit_resumable`` (``zoo train``) gives the same model, and the same rate at every batch."""
    from zoo.training.callbacks import task_callbacks
    from zoo.training.fit import fit_resumable

    hm = hypermodel("text_generator", {"units": [8]}, embedding_dim=4, minutes=600, **tiny_data.fixed)
    hp = keras_tuner.HyperParameters()
    trial_model, run_model = hm.build(hp), hm.build(hp)
    trial_stack, run_stack = _fit_callback_names(trial_model, monkeypatch), _fit_callback_names(run_model, monkeypatch)
    trial_rates, run_rates = RateRecorder(), RateRecorder()
    data = tiny_data.fit_kwargs
    hm.fit(hp, trial_model, epochs=2, verbose=0, callbacks=[trial_rates], **data)
    fit_resumable(
        run_model, data["x"], data["validation_data"], epochs=2, minutes=600, steps_per_epoch=data["steps_per_epoch"],
        verbose=0, extra_callbacks=task_callbacks("language-modeling", carry_state=True), callbacks=[run_rates],
    )  # fmt: skip
    zoo_callbacks = ["ResetEvalStates", "TokenMetrics", "TimeLimit", "LinearDecay"]
    assert trial_stack[: len(zoo_callbacks)] == zoo_callbacks and trial_stack[-1] == "RateRecorder"
    assert [c for c in run_stack if c != "EpochLog"] == [*zoo_callbacks, "RateRecorder"]
    assert len(trial_rates.rates) == 2 * data["steps_per_epoch"]
    # (rel 1e-3: the time share of a 10-hour budget in the first batch differs by microseconds)
    assert trial_rates.rates == pytest.approx(run_rates.rates, rel=1e-3)
    # it decays: not the constant rate trials once had
    assert trial_rates.rates[(1, data["steps_per_epoch"] - 1)] < 0.6 * trial_rates.rates[(0, 0)]


# -- the resumable grid oracle -----------------------------------------------------
class _Quadratic(keras_tuner.HyperModel):
    """No model at all: the score is a function of the values, so oracle tests take milliseconds."""

    def build(self, hp):
        hp.Choice("a", [3, 1, 2])
        hp.Boolean("b")
        hp.Int("c", 0, 4, step=2)
        return None


class _BlackBox(keras_tuner.Tuner):
    def run_trial(self, trial, *args, **kwargs):
        v = trial.hyperparameters.values
        return {"val_loss": float((v["a"] - 2) ** 2 + v["b"] + v["c"])}


def test_grid_oracle_walks_every_combination_once_in_order(tmp_path):
    oracle = ResumableGridOracle(objective="val_loss")
    tuner = _BlackBox(oracle=oracle, hypermodel=_Quadratic(), directory=str(tmp_path), project_name="p")
    expected = [{"a": a, "b": b, "c": c} for a in (3, 1, 2) for b in (True, False) for c in (0, 2, 4)]
    assert oracle.combinations() == expected
    tuner.search()
    tried = [oracle.trials[t].hyperparameters.values for t in oracle.start_order]
    assert tried == expected
    assert oracle.get_best_trials(1)[0].hyperparameters.values == {"a": 2, "b": False, "c": 0}


def test_grid_oracle_resumes_where_keras_tuners_stops(tmp_path):
    # keras-tuner issue 1055: a reloaded GridSearchOracle finds nothing to do.
    def run(oracle, max_trials=None):
        oracle.max_trials = max_trials
        _BlackBox(oracle=oracle, hypermodel=_Quadratic(), directory=str(tmp_path / type(oracle).__name__),
                  project_name="p").search()  # fmt: skip
        return oracle

    for cls, resumes in ((keras_tuner.oracles.GridSearchOracle, False), (ResumableGridOracle, True)):
        run(cls(objective="val_loss"), max_trials=5)
        again = run(cls(objective="val_loss"))
        done = [t for t in again.trials.values() if t.status == "COMPLETED"]
        assert (len(done) == 18) is resumes, (cls.__name__, len(done))
        if resumes:
            assert len({json.dumps(t.hyperparameters.values, sort_keys=True) for t in done}) == 18


class _FlakyGrid(GridTuner):
    """Trials with a == 1 and c == 2 raise while ``broken`` is set, as a trial whose cause is later fixed."""

    broken = True

    def run_trial(self, trial, *args, **kwargs):
        v = trial.hyperparameters.values
        if self.broken and v["a"] == 1 and v["c"] == 2:
            raise RuntimeError("a cause the user fixes before the next run")
        return {"val_loss": float((v["a"] - 2) ** 2 + v["b"] + v["c"])}


def test_a_failed_trial_is_rerun_when_the_search_runs_again(tmp_path):
    def run(broken):
        tuner = type("Flaky", (_FlakyGrid,), {"broken": broken})(
            _Quadratic(), directory=str(tmp_path), project_name="p"
        )
        tuner.search()
        return tuner.oracle

    first = run(broken=True)
    failed = sorted(t for t, trial in first.trials.items() if trial.status == "FAILED")
    assert len(failed) == 2 and len(first.trials) == 18
    again = run(broken=False)
    assert [again.trials[t].status for t in failed] == ["COMPLETED"] * 2  # rerun, as the message promises
    assert all(t.status == "COMPLETED" for t in again.trials.values()) and len(again.trials) == 18
    assert again.get_best_trials(1)[0].hyperparameters.values == {"a": 2, "b": False, "c": 0}


def _tree_hashes(trial_dir):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(trial_dir.iterdir()) if p.is_file()}


def _events(directory):
    lines = (directory / "search" / "events.jsonl").read_text().splitlines()
    return [json.loads(line) for line in lines]


def test_killed_search_keeps_completed_trials_and_reruns_only_the_unfinished_one(tmp_path):
    out = tmp_path / "search"
    args = ["tune", "text_generator", "--space", "units=8,12", "--space", "layers=1,2", *TINY_TEXT, "--dir", str(out)]
    # SIGKILLed mid-search, the moment trial 0002 has begun (a fault point the test injects: no timer)
    first = run_zoo(*args, timeout=300, faults=("--kill-at-trial", "0002"))
    assert first.returncode == -signal.SIGKILL, first.stderr[-2000:]
    killed = _events(out)
    assert [e["trial_id"] for e in killed if e["event"] == "end"] == ["0000", "0001"]
    kept = {t: _tree_hashes(out / "search" / f"trial_{t}") for t in ("0000", "0001")}
    assert all("checkpoint.weights.h5" in h and "trial.json" in h for h in kept.values())

    second = run_zoo(*args, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    assert {t: _tree_hashes(out / "search" / f"trial_{t}") for t in kept} == kept  # bit for bit
    begins = collections.Counter(e["trial_id"] for e in _events(out) if e["event"] == "begin")
    assert begins == {"0000": 1, "0001": 1, "0002": 2, "0003": 1}  # only the unfinished trial reran
    rows = read_trials(out)
    assert [r["status"] for r in rows] == ["COMPLETED"] * 4
    assert sorted((r["units"], r["num_layers"]) for r in rows) == [(8, 1), (8, 2), (12, 1), (12, 2)]
    assert "val_bpc" in second.stdout and (out / "results.csv").exists() and (out / "heatmap.png").exists()

    # HParams logs that TensorBoard can show, one run per trial (the resumed trial's too).
    hparams = {run: log["hparams"] for run, log in tensorboard_logs(out / "tensorboard").items() if "hparams" in log}
    assert sorted(hparams) == [f"000{i}/execution0" for i in range(4)]

    # A different search in the same folder is refused, not mixed in.
    third = run_zoo(*[a if a != "units=8,12" else "units=8,16" for a in args], timeout=120)
    assert third.returncode == 2
    assert "holds a different search (changed: space)" in third.stderr


def test_distributed_search_with_a_chief_and_two_workers(tmp_path):
    out = tmp_path / "dist"
    result = run_zoo(
        "tune", "text_generator", "--space", "units=8,12", "--space", "layers=1,2", *TINY_TEXT,
        "--dir", str(out), "--workers", "2", timeout=400,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr[-3000:]  # the launcher returns only when every process exited
    events = _events(out)
    ends = [e for e in events if e["event"] == "end"]
    assert sorted(e["trial_id"] for e in ends) == ["0000", "0001", "0002", "0003"]  # each trial exactly once
    assert all(e["status"] == "COMPLETED" for e in ends)
    assert {e["tuner_id"] for e in events} == {"tuner0", "tuner1"}  # both workers ran trials
    assert len({json.dumps(e["values"], sort_keys=True) for e in ends}) == 4
    assert "4 of 4 trials completed" in result.stdout


# The launcher of a distributed search only starts the chief and the workers, which import Keras themselves.
_LAUNCH_ONLY = """
import sys
import zoo.tune.launch
from zoo.cli import main

def started(argv, workers, directory, devices=None):
    print("LAUNCHED", workers, [m for m in ("keras", "keras_tuner", "tensorflow", "jax") if m in sys.modules])

zoo.tune.launch.run_distributed = started
sys.exit(main(["tune", "text_generator", "--space", "units=8,12", "--epochs", "1", "--dir", sys.argv[1],
               "--workers", "2"]))
"""


def test_the_launcher_of_a_distributed_search_imports_no_keras(tmp_path):
    proc = run_python(_LAUNCH_ONLY, str(tmp_path / "dist"))
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "LAUNCHED 2 []" in proc.stdout


# -- command line errors -----------------------------------------------------------
@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["tune", "lenet6", "--dir", "x", "--epochs", "1"], "Unknown model 'lenet6'. Did you mean: lenet5"),
        (["tune", "text_generator", "--dir", "x"], "Give --epochs N"),
        (["tune", "text_generator", "--dir", "x", "--minutes", "1", "--tuner", "hyperband"], "needs --epochs"),
        (["tune", "text_generator", "--dir", "x", "--epochs", "1", "--space", "units"], "--space expects NAME="),
        (["tune", "text_generator", "--dir", "x", "--epochs", "1", "--space", "widht=1,2"], "'widht' tunable"),
        (
            ["tune", "lenet5", "--dir", "x", "--epochs", "1", "--space", "num_classes=2,3"],
            "lenet5 does not declare 'num_classes' tunable; tunable: learning_rate",
        ),
        (
            ["tune", "text_generator", "--dir", "x", "--epochs", "1", "--workers", "-1"],
            "expected an integer >= 0, got '-1'",
        ),
    ],
)
def test_tune_command_errors_are_one_clear_line(argv, message, capsys):
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and err.count("\n") == 1


# -- the units-versus-depth study ------------------------------------------------------
def _row(layers, units, params, bpc, **extra):
    return {"trial_id": f"{layers}{units}", "status": "COMPLETED", "num_layers": layers, "units": units,
            "params": params, "val_bpc": bpc, **extra}  # fmt: skip


def test_equal_parameter_verdict_is_read_from_the_measurements():
    rows = [_row(1, 256, 353e3, 2.50), _row(3, 128, 362e3, 2.40), _row(1, 512, 1.23e6, 2.45),
            _row(3, 256, 1.38e6, 2.30), _row(2, 32, 20e3, 3.0)]  # fmt: skip
    pairs = matched_pairs(rows)
    assert sorted((d["trial_id"], s["trial_id"]) for d, s in pairs) == [("3128", "1256"), ("3256", "1512")]
    verdict = depth_verdict(rows)
    assert verdict["answer"] == "depth" and verdict["deeper_wins"] == 2
    assert verdict["mean_gain"] == pytest.approx((0.10 + 0.15) / 2)
    flipped = [dict(r, val_bpc=-r["val_bpc"]) for r in rows]
    assert depth_verdict(flipped)["answer"] == "width"
    assert depth_verdict(rows, tolerance=0.01)["answer"] == "undecided"
    # Different cells are never paired.
    mixed = [_row(1, 256, 353e3, 2.5, cell="lstm"), _row(3, 128, 362e3, 2.4, cell="gru")]
    assert matched_pairs(mixed) == []


def test_study_plots_are_written(tmp_path):
    rows = [_row(n, u, n * u * 1000.0, 3.0 - 0.1 * n - u / 1000, cell=c)
            for n in (1, 2) for u in (32, 64) for c in ("lstm", "gru")]  # fmt: skip
    import matplotlib

    from zoo.plotting import plot_history
    from zoo.tune.searching import plot_scores

    previous = matplotlib.get_backend()
    matplotlib.use("svg")  # stands for a notebook's inline backend: saving plots must not switch it
    try:
        plot_heatmap(rows, tmp_path / "h.png")
        plot_loss_vs_params(rows, tmp_path / "p.png")
        plot_scores([{"trial_id": "1", "val_loss": 2.0}, {"trial_id": "2", "val_loss": 1.5}], tmp_path / "s.png")
        plot_history([{"epoch": 1, "bpc": 3.0, "val_bpc": 3.1}], tmp_path / "c.png")
        assert matplotlib.get_backend() == "svg"
    finally:
        matplotlib.use(previous)
    assert (tmp_path / "h.png").stat().st_size > 10_000 and (tmp_path / "p.png").stat().st_size > 10_000
    assert (tmp_path / "s.png").stat().st_size > 5_000 and (tmp_path / "c.png").stat().st_size > 5_000


def test_units_vs_depth_runs_the_grid_and_writes_table_plots_and_verdict(tmp_path):
    study = units_vs_depth(units=(8, 16), layers=(1, 2), directory=tmp_path, epochs=1, steps_per_epoch=2,
                           validation_steps=1, seq_len=16, batch_size=8, embedding_dim=4, max_chars=60_000,
                           verbose=0)  # fmt: skip
    assert len(study.rows) == 4 and all(r["status"] == "COMPLETED" for r in study.rows)
    by = {(r["num_layers"], r["units"]): r for r in study.rows}
    assert by[(1, 8)]["params"] < by[(1, 16)]["params"] < by[(2, 16)]["params"]
    header = (tmp_path / "results.csv").read_text().splitlines()[0].split(",")
    assert {"units", "num_layers", "val_bpc", "params", "seconds"} <= set(header)
    # The verdict written is the one the measured rows give (depth_verdict itself is tested on known rows).
    assert json.loads((tmp_path / "verdict.json").read_text()) == json.loads(json.dumps(depth_verdict(study.rows)))
    assert (tmp_path / "heatmap.png").exists() and (tmp_path / "loss_vs_params.png").exists()


def test_hyperband_continues_trials_and_counts_only_new_epochs(tmp_path, tiny_data):
    hm = hypermodel("text_generator", {"units": [8, 12, 16, 20]}, embedding_dim=4, **tiny_data.fixed)
    search(hm, tiny_data, tmp_path, tuner="hyperband", epochs=2, factor=2, verbose=0, tensorboard=False)
    rows = read_trials(tmp_path)
    continued = [r for r in rows if "tuner_trial_id" in r]
    assert continued, rows
    for r in continued:
        assert r["epochs_run"] == r["tuner_epochs"] - r["tuner_initial_epoch"] == 1
    assert all(r["status"] == "COMPLETED" for r in rows)
