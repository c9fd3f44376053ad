"""Transfer learning (`zoo.transfer`, `create_model(NAME, weights=PRESET, num_classes=N)`, `zoo train --weights
--freeze`): the preset's backbone in a model with a new head, fine-tuned on a folder of images a test writes."""

import json

import numpy as np
import pytest

import zoo
from tests.test_bad_input import refused_early
from tests.test_image_folder import write_images
from zoo.cli import main
from zoo.errors import InputError

PRESET, MODEL = "resnet_cifar_digits", "resnet_cifar"
GREY = {"input_shape": (16, 16, 1), "num_classes": 3}  # the preset: 8x8 grey digits, 10 classes


def weights_by_layer(model):
    return {layer.name: [np.asarray(w) for w in layer.get_weights()] for layer in model.layers if layer.weights}


def same(a, b):
    return len(a) == len(b) and all(np.array_equal(x, y) for x, y in zip(a, b, strict=True))


def test_a_new_head_on_the_presets_backbone():
    preset = weights_by_layer(zoo.load_preset(PRESET))
    model = zoo.create_model(MODEL, weights=PRESET, **GREY)
    assert model.input_shape == (None, 16, 16, 1) and model.output_shape == (None, 3)
    mine = weights_by_layer(model)
    assert [n for n in mine if not same(mine[n], preset[n])] == ["predictions"]  # all but the head loaded
    assert mine["predictions"][0].shape == (preset["predictions"][0].shape[0], 3)


def test_a_backbone_that_cannot_take_the_weights_is_refused_by_layer():
    with pytest.raises(InputError, match=r"cannot give layer 'conv1_conv' its weights .*\(3, 3, 1, 16\).*"
                                         r"\(3, 3, 3, 16\).*--color grayscale"):  # fmt: skip
        zoo.create_model(MODEL, weights=PRESET, input_shape=(16, 16, 3), num_classes=3)
    with pytest.raises(TypeError, match="takes only num_classes and input_shape .*, got depth"):
        zoo.create_model(MODEL, weights=PRESET, num_classes=3, depth=8)


def test_fine_tuning_every_layer_moves_the_backbone():
    model = zoo.create_model(MODEL, weights=PRESET, **GREY)
    model.compile("adam", "sparse_categorical_crossentropy")
    before = weights_by_layer(model)["conv1_conv"]
    x = np.random.default_rng(0).random((8, 16, 16, 1), dtype="float32")
    model.train_on_batch(x, np.arange(8) % 3)
    assert not same(weights_by_layer(model)["conv1_conv"], before)


def test_zoo_train_fine_tunes_a_frozen_backbone_on_your_images(tmp_path, capsys):
    photos = write_images(tmp_path / "photos")
    out = tmp_path / "run"
    argv = ["train", MODEL, "--data", str(photos), "--weights", PRESET, "--freeze", "backbone", "--color",
            "grayscale", "--image-size", "16", "--epochs", "2", "--verbose", "0", "--out", str(out)]  # fmt: skip
    assert main(argv) == 0
    assert "42 layers with weights loaded from resnet_cifar_digits; new: predictions; 42 of them frozen" in (
        capsys.readouterr().out
    )
    settings = json.loads((out / "zoo-run.json").read_text())["settings"]
    card = zoo.presets.preset_card(PRESET)
    assert (settings["weights"], settings["freeze"]) == (PRESET, "backbone")
    assert settings["weights_sha256"] == card["sha256"]["model.weights.h5"][:16]
    trained = weights_by_layer(zoo.load_model(out / "model.keras"))
    preset = weights_by_layer(zoo.load_preset(PRESET))
    changed = [n for n in trained if not same(trained[n], preset[n])]
    assert changed == ["predictions"]  # frozen: the backbone, batch-norm statistics too, kept the preset's
    history = json.loads((out / "history.json").read_text())
    assert history[-1]["loss"] < history[0]["loss"]


@pytest.mark.parametrize(
    "flags, message",
    [
        (["--freeze", "backbone"], "--freeze backbone needs --weights"),
        (["--weights", "resnet_cifar_digitz"], "--weights 'resnet_cifar_digitz' is not a preset (resnet_cifar_digits"),
        (["--weights", PRESET], "--weights resnet_cifar_digits takes images with 1 channel(s), these have 3"),
        (["--weights", PRESET, "--color", "grayscale", "--set", "depth=8"], "--weights fixes resnet_cifar's"),
    ],
)
def test_bad_transfer_flags_are_refused_before_tensorflow(tmp_path, flags, message):
    write_images(tmp_path / "photos", per_class=3)
    argv = ["train", MODEL, "--data", "photos", "--epochs", "1", "--out", "run", *flags]
    assert message in refused_early(argv, tmp_path)
    assert not (tmp_path / "run").exists()
