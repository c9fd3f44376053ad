"""Weak trials stopped early by the median stopping rule (`zoo.tune.stopping`, `zoo tune --stop-weak-trials`)."""

import json

import pytest

from tests.conftest import run_python, tensorboard_logs
from tests.test_bad_input import REFUSE_EARLY
from zoo.cli import main
from zoo.tune.objectives import Objective
from zoo.tune.stopping import MedianStopping

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends

LOSS = Objective("val_loss", "min")
SCORE = Objective("val_map", "max")


@pytest.mark.parametrize(
    "curve, others, objective, stops",
    [
        ([3.0], [[1.0], [1.0]], LOSS, False),  # within the warm-up epoch
        ([3.0, 3.0], [[1.0, 1.0]], LOSS, False),  # one completed trial: too few for a median
        ([3.0, 3.0], [[1.0, 1.0], [2.0]], LOSS, False),  # only one reached epoch 2
        ([3.0, 2.5], [[1.0, 2.0], [1.0, 3.0]], LOSS, False),  # 2.5 ties the median (2.0, 3.0): not worse
        ([3.0, 2.6], [[1.0, 2.0], [1.0, 3.0]], LOSS, True),  # 2.6 > 2.5
        ([1.5, 3.0], [[1.0, 2.0], [1.0, 3.0]], LOSS, False),  # its best so far (1.5) beats the median
        ([0.1, 0.2], [[0.3, 0.5], [0.3, 0.4]], SCORE, True),  # higher is better: 0.2 < 0.45
        ([0.1, 0.5], [[0.3, 0.5], [0.3, 0.4]], SCORE, False),
    ],
)
def test_the_median_rule_by_hand(curve, others, objective, stops):
    assert MedianStopping(warmup_epochs=1, min_trials=2).should_stop(curve, others, objective) is stops


def test_the_rules_settings_are_checked():
    with pytest.raises(ValueError, match="warmup_epochs must be an integer of at least 0, got -1"):
        MedianStopping(warmup_epochs=-1)
    with pytest.raises(ValueError, match="min_trials must be a positive integer, got 0"):
        MedianStopping(min_trials=0)


def search(folder, *flags):
    # Two useful learning rates first, then two far too small to learn in four epochs.
    argv = ["tune", "autoregressive_forecaster", "--epochs", "4", "--verbose", "0", "--dir", str(folder),
            "--space", "learning_rate=0.01,0.003,1e-7,1e-8", *flags]  # fmt: skip
    assert main(argv) == 0
    return {t["trial_id"]: t for t in json.loads((folder / "results.json").read_text())}


def test_clearly_bad_trials_stop_early_and_the_search_keeps_its_winner(tmp_path, capsys):
    stopped = search(tmp_path / "stopped", "--stop-weak-trials")
    printed = capsys.readouterr().out
    whole = search(tmp_path / "whole")
    best = min(whole.values(), key=lambda t: t["val_mae_sunspots"])
    assert best["learning_rate"] == min(stopped.values(), key=lambda t: t["val_mae_sunspots"])["learning_rate"]
    assert all(t["status"] == "COMPLETED" for t in stopped.values())  # stopped, never failed
    weak = {tid for tid, t in stopped.items() if t["learning_rate"] < 1e-6}
    assert {tid for tid, t in stopped.items() if "stopped_at_epoch" in t} == weak
    assert all(stopped[tid]["stopped_at_epoch"] == stopped[tid]["epochs_run"] == 2 for tid in weak)
    assert all(t["epochs_run"] == 4 for t in whole.values())
    for tid, trial in stopped.items():  # each trial's per-epoch values are kept, the stopped ones' partial
        curve = json.loads((tmp_path / "stopped" / "search" / f"trial_{tid}" / "curve.json").read_text())
        assert curve["objective"] == "val_mae_sunspots:min"
        assert len(curve["values"]) == trial["epochs_run"] and min(curve["values"]) == trial["val_mae_sunspots"]
    assert "4 of 4 trials completed (2 stopped early by the median rule), 12 epochs trained in all" in printed
    assert json.loads((tmp_path / "stopped" / "search.json").read_text())["stopping"] == (
        "median:warmup_epochs=1,min_trials=2"
    )
    # TensorBoard on this backend: each trial's HParams and its validation curve, the stopped ones' partial.
    logs = tensorboard_logs(tmp_path / "stopped" / "tensorboard")
    assert {tid: logs[f"{tid}/execution0"]["hparams"] for tid in stopped} == {
        tid: {"learning_rate": t["learning_rate"]} for tid, t in stopped.items()
    }
    for tid, trial in stopped.items():
        assert min(logs[f"{tid}/execution0/validation"]["epoch_mae_sunspots"]) == pytest.approx(
            trial["val_mae_sunspots"], rel=1e-6
        )
        assert len(logs[f"{tid}/execution0/validation"]["epoch_mae_sunspots"]) == trial["epochs_run"]


def test_hyperband_refuses_the_rule_in_one_line_before_tensorflow(tmp_path):
    argv = ["tune", "autoregressive_forecaster", "--dir", "D", "--epochs", "3", "--tuner", "hyperband",
            "--stop-weak-trials"]  # fmt: skip
    proc = run_python(REFUSE_EARLY, json.dumps(argv), cwd=tmp_path)
    assert (
        proc.stderr.strip()
        .splitlines()[-1]
        .endswith("--stop-weak-trials goes with grid, random or bayesian: hyperband stops trials its own way.")
    ), proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"rc": 2, "tensorflow": False, "keras": False}
