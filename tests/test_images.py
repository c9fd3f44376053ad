"""Offline image data, augmentation, and training image classifiers."""

import json

import keras
import numpy as np
import pytest

import zoo
from tests.conftest import run_zoo
from zoo.cli import main
from zoo.data.images import (
    augmentation,
    load_digits,
    load_lfw_faces,
    load_mnist,
    load_sample_image,
    sample_image_names,
    upscale,
)
from zoo.training.images import train_image_classifier
from zoo.training.runs import RunOptions


def test_digits_are_real_split_and_stratified():
    data = load_digits()
    assert data.x_train.shape[1:] == (8, 8, 1) and len(data.x_train) + len(data.x_test) == 1797
    assert 0.0 == data.x_train.min() and data.x_train.max() == 1.0
    counts = np.bincount(data.y_test, minlength=10)
    assert counts.min() >= 34 and counts.max() <= 38  # stratified: about 36 of each digit
    big = load_digits(upscale_factor=4)
    assert big.input_shape == (32, 32, 1)
    np.testing.assert_array_equal(big.x_train[:, ::4, ::4], data.x_train)
    with pytest.raises(ValueError, match="upscale factor must be a positive integer, got 0"):
        upscale(data.x_train, 0)


def test_sample_images_and_faces():
    for name in sample_image_names():
        image = load_sample_image(name)
        assert image.ndim == 3 and image.shape[-1] in (1, 3) and 0 <= image.min() and image.max() <= 1
    with pytest.raises(ValueError, match="Unknown sample image 'mona'"):
        load_sample_image("mona")
    faces = load_lfw_faces()
    assert faces.input_shape == (25, 25, 1) and faces.class_names == ("not a face", "face")
    assert len(faces.x_train) == 150 and set(faces.y_train) == {0, 1}


def test_keras_datasets_are_not_downloaded_unasked(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    with pytest.raises(FileNotFoundError, match=r"mnist is not in Keras's cache .* download=True"):
        load_mnist()


def test_augmentation_only_in_training():
    images = load_digits(upscale_factor=2).x_train[:8]
    pipeline = augmentation(rotation=0.1, zoom=0.1, translation=0.1)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(pipeline(images, training=False)), images)
    assert not np.allclose(keras.ops.convert_to_numpy(pipeline(images, training=True)), images)


def test_small_residual_network_learns_digits(tmp_path):
    result = train_image_classifier(
        "resnet_cifar", "digits", options=RunOptions(epochs=4, out_dir=tmp_path, verbose=0), depth=8, width=8
    )
    model, rows, accuracy = result.model, result.history, result.scores["accuracy"]
    assert accuracy > 0.6 and rows[-1]["val_accuracy"] > 0.5
    assert json.loads((tmp_path / "history.json").read_text()) == rows
    assert (tmp_path / "model.keras").exists() and (tmp_path / "curve.png").exists()
    loaded = zoo.load_model(tmp_path / "model.keras")
    x = load_digits().x_test[:4]
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(loaded(x)), keras.ops.convert_to_numpy(model(x)))
    with pytest.raises(ValueError, match="text_generator is a language-modeling model"):
        train_image_classifier("text_generator", options=RunOptions(epochs=1))
    with pytest.raises(ValueError, match=r"train_examples must be at most 1294 \(the training images of digits"):
        train_image_classifier(
            "lenet5", options=RunOptions(epochs=1, out_dir=tmp_path / "refused"), train_examples=1295
        )
    assert not (tmp_path / "refused").exists()


def test_train_command_for_images(tmp_path, capsys):
    args = ["train", "lenet5", "--data", "digits", "--upscale", "2", "--epochs", "1", "--out", str(tmp_path)]
    assert main([*args, "--verbose", "0"]) == 0  # in this process: it imports Keras, as the two below do not
    assert "test accuracy:" in capsys.readouterr().out and (tmp_path / "model.keras").exists()
    proc = run_zoo("train", "lenet5", "--data", "digits", "--epochs", "1", "--out", str(tmp_path / "x"))
    assert proc.returncode == 2 and "at least 16, got (8, 8, 1)" in proc.stderr
    proc = run_zoo("train", "video_classifier", "--epochs", "1", "--data", "digits", cwd=tmp_path)
    assert proc.returncode == 2 and not (tmp_path / "runs").exists()
    assert "--data does not apply to video_classifier, a model trained on clips data" in proc.stderr
