"""Loading a preset: check its files' SHA-256, build the model from `config.json`, load its weights.

As keras-hub's `Backbone.from_preset`: the model is deserialized from its
configuration (safe mode: no lambdas, only registered classes), then the
weights file is loaded into it. Unlike keras-hub, every file's SHA-256 is
compared with the preset's `metadata.json` first, so a damaged or changed
file is named instead of half-loaded.
"""

from __future__ import annotations

import hashlib

import keras

from zoo._keras_hook import register_keras_objects
from zoo.errors import InputError
from zoo.json_files import read_json
from zoo.presets import FILES, preset_card, preset_folder


def sha256_of(path) -> str:
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_files(name: str) -> dict:
    """Preset `name`'s card, after checking that each of its files matches the card's SHA-256."""
    card = preset_card(name)
    folder = preset_folder(name)
    for file in FILES:
        path = folder / file
        expected = card["sha256"].get(file)
        if not path.is_file():
            raise FileNotFoundError(f"preset {name!r} is missing {file} in {folder}.")
        actual = sha256_of(path)
        if actual != expected:
            raise InputError(
                f"preset {name!r}: {file} has SHA-256 {actual[:12]}..., its card says {str(expected)[:12]}...; "
                "the file is damaged or was changed (reinstall keras-study-zoo)."
            )
    return card


def load_preset(name: str, *, compile: bool = False):
    """Preset `name`'s model with its weights, after `verify_files`; compiled for its task when asked."""
    card = verify_files(name)
    register_keras_objects()
    folder = preset_folder(name)
    model = keras.saving.deserialize_keras_object(read_json(folder / "config.json"), safe_mode=True)
    model.load_weights(folder / "model.weights.h5")
    if compile:
        from zoo.registry import model_info
        from zoo.training.compiling import compile_for_task

        compile_for_task(model, model_info(card["model"]).task, card["recipe"]["learning_rate"])
    return model
