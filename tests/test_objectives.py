"""What a search optimises (`zoo.tune.objectives`, `zoo tune --objective`): the task's own metric with its
direction, several at once with their Pareto front, refused in one line when the trials do not report it."""

import json

import pytest

from tests.conftest import run_python
from tests.test_bad_input import REFUSE_EARLY
from zoo.cli import main
from zoo.kinds import data_kind
from zoo.registry import model_info
from zoo.tune.objectives import Objective, pareto_front, parse_objectives
from zoo.tune.trials import sorted_trials

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends

TINY_SCENES = ["--scenes", "32", "--validation-scenes", "8", "--steps-per-epoch", "2", "--set", "width=4"]


def epoch_metrics(model):
    return data_kind(model_info(model).recipe.data).epoch_metrics(model, {})


@pytest.mark.parametrize(
    "model, headline",
    [("fcn8s", "val_mean_iou:max"), ("yolo_tiny", "val_map:max"), ("text_generator", "val_bpc:min"),
     ("resnet18", "val_accuracy:max"), ("seq2seq_attention", "val_exact_match:max"),
     ("autoregressive_forecaster", "val_mae_sunspots:min")],
)  # fmt: skip
def test_the_default_objective_is_the_tasks_headline(model, headline):
    assert [str(o) for o in parse_objectives(None, epoch_metrics(model))] == [headline]


def test_objectives_take_their_metrics_direction_unless_given():
    metrics = epoch_metrics("yolo_tiny")
    assert parse_objectives("val_map,params:min", metrics) == (Objective("val_map", "max"), Objective("params", "min"))
    assert parse_objectives("val_loss", metrics) == (Objective("val_loss", "min"),)


@pytest.mark.parametrize(
    "text, message",
    [
        ("val_bleu4", "--objective 'val_bleu4' is not a metric these trials report; accepted: val_map, val_loss, loss, "
                      "params, seconds."),
        ("val_map:up", "--objective 'val_map:up': the direction must be min or max, got 'up'."),
        ("val_map:min", "--objective 'val_map:min': val_map is better maximised, not min."),
        ("params,params", "--objective names params twice."),
    ],
)  # fmt: skip
def test_a_bad_objective_is_refused_in_one_line_before_tensorflow(text, message, tmp_path):
    argv = ["tune", "yolo_tiny", "--dir", "D", "--epochs", "1", "--objective", text]
    proc = run_python(REFUSE_EARLY, json.dumps(argv), cwd=tmp_path)
    assert proc.stderr.strip().splitlines()[-1].endswith(message), proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"rc": 2, "tensorflow": False, "keras": False}
    assert list(tmp_path.iterdir()) == []


def test_the_pareto_front_by_hand():
    rows = [
        {"trial_id": "a", "val_map": 0.5, "params": 10.0},
        {"trial_id": "b", "val_map": 0.3, "params": 5.0},  # smaller but worse: on the front
        {"trial_id": "c", "val_map": 0.4, "params": 20.0},  # beaten by a on both
        {"trial_id": "d", "val_map": 0.5, "params": 10.0},  # equal to a: neither dominates the other
        {"trial_id": "e", "val_map": 0.5, "params": 12.0},  # as good as a on mAP, worse on size
        {"trial_id": "f", "params": 1.0},  # no mAP (a trial that failed before scoring): not compared
    ]
    objectives = (Objective("val_map", "max"), Objective("params", "min"))
    assert pareto_front(rows, objectives) == {"a", "b", "d"}
    assert pareto_front(rows, objectives[:1]) == {"a", "d", "e"}


def test_trials_are_ranked_in_their_objectives_direction():
    rows = [{"trial_id": "a", "status": "COMPLETED", "val_map": 0.2, "val_loss": 1.0},
            {"trial_id": "b", "status": "FAILED"},
            {"trial_id": "c", "status": "COMPLETED", "val_map": 0.5, "val_loss": 2.0}]  # fmt: skip
    assert [r["trial_id"] for r in sorted_trials(rows, Objective("val_map", "max"))] == ["c", "a", "b"]
    assert [r["trial_id"] for r in sorted_trials(rows, "val_map:max")] == ["c", "a", "b"]
    assert [r["trial_id"] for r in sorted_trials(rows)] == ["a", "c", "b"]  # validation loss, lowest first


def search(model, folder, *flags):
    argv = ["tune", model, "--epochs", "1", "--verbose", "0", "--dir", str(folder), *flags]
    assert main(argv) == 0
    return json.loads((folder / "results.json").read_text())


def test_a_detector_search_is_ranked_by_its_map(tmp_path, capsys):
    trials = search("yolo_tiny", tmp_path / "s", *TINY_SCENES[:-2], "--space", "width=4,8")
    assert json.loads((tmp_path / "s" / "search.json").read_text())["objective"] == "val_map:max"
    scores = [t["val_map"] for t in trials]
    assert len(scores) == 2 and all(0.0 <= s <= 1.0 for s in scores) and scores == sorted(scores, reverse=True)
    assert "ranked by val_map (higher is better)" in capsys.readouterr().out


def test_two_objectives_give_a_pareto_front(tmp_path, capsys):
    tiny_text = ["--max-chars", "3000", "--steps-per-epoch", "2", "--seq-len", "16", "--batch-size", "4",
                 "--validation-steps", "1", "--embedding-dim", "4", "--layers", "1"]  # fmt: skip
    trials = search("text_generator", tmp_path / "s", *tiny_text, "--space", "units=4,8,16",
                    "--objective", "val_bpc,params:min")  # fmt: skip
    assert [t["val_bpc"] for t in trials] == sorted(t["val_bpc"] for t in trials)  # ranked by the first
    on_front = [t for t in trials if t["pareto"] == "*"]
    off_front = [t for t in trials if t["pareto"] == ""]

    def beats(a, b):  # a as good on both and better on one: a dominates b
        both = a["val_bpc"] <= b["val_bpc"] and a["params"] <= b["params"]
        return both and (a["val_bpc"] < b["val_bpc"] or a["params"] < b["params"])

    assert on_front and len(on_front) + len(off_front) == 3
    assert not any(beats(a, b) for a in trials for b in on_front)
    assert all(any(beats(a, b) for a in on_front) for b in off_front)
    assert min(trials, key=lambda t: t["params"]) in on_front  # the smallest is never beaten on size
    printed = capsys.readouterr().out
    assert "* marks the Pareto front of val_bpc:min,params:min" in printed
    header = next(line for line in printed.splitlines() if line.lstrip().startswith("trial "))
    assert header.split() == ["trial", "units", "val_bpc", "params", "seconds", "epochs_run", "status", "pareto"]
