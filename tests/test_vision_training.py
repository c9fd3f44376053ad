"""zoo train for segmentation and detection: progress, checkpoints that resume, plotted predictions."""

import keras
import numpy as np

import zoo
from tests.conftest import kill_and_resume, run_zoo
from zoo.training import read_history

SMALL_FCN = ["--set", "width=4", "--set", "fc_units=8"]


def test_zoo_train_fcn8s_resumes_after_a_kill(tmp_path):
    out = tmp_path / "fcn"
    args = [
        "train", "fcn8s", "--scenes", "64", "--epochs", "4", "--batch-size", "16", *SMALL_FCN,
        "--out", str(out), "--verbose", "2",
    ]  # fmt: skip
    _, second, _ = kill_and_resume(args, out, 4)
    assert "test scenes: pixel accuracy" in second.stdout and "mean IoU" in second.stdout
    assert (out / "predictions.png").stat().st_size > 10_000
    rows = read_history(out / "history.json")
    assert all(0 <= r["val_mean_iou"] <= 1 for r in rows)
    model = keras.saving.load_model(out / "model.keras")
    masks = model.predict(np.zeros((2, 48, 80, 3), np.float32), verbose=0)
    assert masks.shape == (2, 48, 80, 5)  # background and the four shapes, at any size


def test_zoo_train_yolo_tiny_learns_and_plots(tmp_path):
    out = tmp_path / "yolo"
    proc = run_zoo(
        "train", "yolo_tiny", "--scenes", "128", "--epochs", "3", "--batch-size", "16", "--set", "width=8",
        "--out", str(out), "--verbose", "2",
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "test scenes: mAP@0.5" in proc.stdout
    rows = read_history(out / "history.json")
    assert len(rows) == 3 and rows[-1]["loss"] < 0.5 * rows[0]["loss"]
    assert all(0 <= r["val_map"] <= 1 for r in rows)
    assert (out / "predictions.png").stat().st_size > 10_000


def test_zoo_train_and_tune_name_what_they_accept():
    proc = run_zoo("tune", "fcn8s", "--dir", "unused", "--epochs", "1")
    assert proc.returncode == 2
    assert "zoo tune has no search recipe for fcn8s (semantic-segmentation)" in proc.stderr
    assert "text_generator" in proc.stderr
    assert zoo.model_info("fcn8s").recipe.data == "scenes" == zoo.model_info("yolo_tiny").recipe.data
