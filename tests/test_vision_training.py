"""zoo train for segmentation and detection: progress, checkpoints that resume, plotted predictions."""

import keras
import numpy as np
import pytest

import zoo
from tests.conftest import kill_and_resume, run_zoo
from zoo.cli import main
from zoo.metrics.segmentation import predict_masks, segmentation_scores
from zoo.training.fit import read_history
from zoo.training.scenes import detection_scores, scene_splits

SMALL_FCN = ["--set", "width=4", "--set", "fc_units=8"]
HELD_OUT = ["--validation-scenes", "48", "--test-scenes", "32"]


def test_zoo_train_fcn8s_resumes_after_a_kill(tmp_path):
    out = tmp_path / "fcn"
    args = [
        "train", "fcn8s", "--scenes", "64", "--epochs", "4", "--batch-size", "16", *SMALL_FCN, *HELD_OUT,
        "--out", str(out), "--verbose", "2",
    ]  # fmt: skip
    _, second, _ = kill_and_resume(args, out, 4)
    assert "test scenes: pixel accuracy" in second.stdout and "mean IoU" in second.stdout
    assert (out / "predictions.png").stat().st_size > 10_000
    rows = read_history(out / "history.json")
    model = keras.saving.load_model(out / "model.keras")
    # The logged validation mean IoU is the saved model's on the run's held-out scenes.
    validation = scene_splits(64, validation=48, test=32, seed=0).validation
    predicted = predict_masks(model, validation.images)
    score = segmentation_scores(validation.masks, predicted, 5).mean_iou
    assert rows[-1]["val_mean_iou"] == pytest.approx(score, abs=1e-4)
    masks = model.predict(np.zeros((2, 48, 80, 3), np.float32), verbose=0)
    assert masks.shape == (2, 48, 80, 5)  # background and the four shapes, at any size


def test_zoo_train_yolo_tiny_learns_and_plots(tmp_path, capsys):
    out = tmp_path / "yolo"
    assert main([
        "train", "yolo_tiny", "--scenes", "128", "--epochs", "3", "--batch-size", "16", "--set", "width=8", *HELD_OUT,
        "--out", str(out), "--verbose", "2",
    ]) == 0  # fmt: skip
    assert "test scenes: mAP@0.5" in capsys.readouterr().out
    rows = read_history(out / "history.json")
    assert len(rows) == 3 and rows[-1]["loss"] < 0.5 * rows[0]["loss"]
    # The logged validation mAP is the saved model's on the run's held-out scenes.
    model = keras.saving.load_model(out / "model.keras")
    validation = scene_splits(128, validation=48, test=32, seed=0).validation
    assert rows[-1]["val_map"] == pytest.approx(detection_scores(model, validation).map)
    assert (out / "predictions.png").stat().st_size > 10_000


def test_zoo_train_and_tune_name_what_they_accept(tmp_path):
    proc = run_zoo("tune", "fcn8s", "--dir", "search", "--epochs", "1", "--corpus", "stdlib", cwd=tmp_path)
    assert proc.returncode == 2
    assert "--corpus does not apply to fcn8s, a model trained on scenes data" in proc.stderr
    assert list(tmp_path.iterdir()) == []
    assert zoo.model_info("fcn8s").recipe.data == "scenes" == zoo.model_info("yolo_tiny").recipe.data
