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
from zoo.presets import FILES, preset_card, preset_location


def sha256_of(path) -> str:
    """The SHA-256 of a file, as hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def verify_files(name) -> dict:
    """Preset `name`'s card (a shipped name or a saved folder), after checking that each file the card hashes
    matches its SHA-256 (a shipped preset's two files; a saved one's model card too)."""
    card = preset_card(name)
    folder = preset_location(name)
    for file in dict.fromkeys([*FILES, *card["sha256"]]):
        path = folder / file
        expected = card["sha256"].get(file)
        if not path.is_file():
            raise FileNotFoundError(f"preset {str(name)!r} is missing {file} in {folder}.")
        actual = sha256_of(path)
        if actual != expected:
            raise InputError(
                f"preset {str(name)!r}: {file} has SHA-256 {actual[:12]}..., its card says {str(expected)[:12]}...; "
                "the file is damaged or was changed (reinstall keras-study-zoo, or save the preset again)."
            )
    return card


def load_preset(name, *, compile: bool = False):
    """Preset `name`'s model with its weights, after `verify_files`; compiled for its task when asked."""
    card = verify_files(name)
    register_keras_objects()
    folder = preset_location(name)
    model = keras.saving.deserialize_keras_object(read_json(folder / "config.json"), safe_mode=True)
    model.load_weights(folder / "model.weights.h5")
    if compile:
        from zoo.registry import model_info
        from zoo.training.compiling import compile_for_task

        info = model_info(card["model"])
        rate = card["recipe"].get("learning_rate") or info.recipe.learning_rate
        compile_for_task(model, info.task, rate)
    return model
