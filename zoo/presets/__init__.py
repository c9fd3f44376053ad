"""Presets: small pretrained models that ship with the package, in keras-hub's layout.

A preset is declared beside its model, in the `PRESETS` of the family's
`metadata.py` (a `Preset`: the `zoo train`
flags that make it and how it is scored), and its files sit in that
family's `presets/<name>/` folder:

- `config.json`: the model as Keras serializes it (class and constructor
  arguments, as keras-hub's `config.json`);
- `model.weights.h5`: its weights;
- `metadata.json`: the model card (data, recipe, command, seed, training
  time, held-out score) and the SHA-256 of the two other files, checked on
  every load.

This module reads the declarations and cards without importing Keras, so
`zoo list --pretrained` answers at once; `load_preset` builds the
model (`zoo.presets.loading`). `python -m zoo.presets.rebuild`
remakes every preset from scratch with the cards' commands.
"""

from __future__ import annotations

import difflib
import importlib
import os
import pathlib
from typing import TYPE_CHECKING

from zoo.errors import InputError, ZooError
from zoo.json_files import read_json
from zoo.registry import builtin_metadata_modules
from zoo.registry.entries import Preset

if TYPE_CHECKING:
    import keras

__all__ = [
    "Preset",
    "UnknownPresetError",
    "is_preset",
    "is_preset_folder",
    "list_presets",
    "load_preset",
    "preset",
    "preset_card",
    "preset_folder",
    "preset_inputs",
    "preset_location",
    "preset_scorer",
]

FILES = ("config.json", "model.weights.h5")
CARD = "metadata.json"


class UnknownPresetError(ZooError, KeyError):
    """A preset name that no family declares; the message lists close matches."""

    def __str__(self) -> str:
        return str(self.args[0])


def _declared() -> dict[str, tuple[Preset, pathlib.Path]]:
    found = {}
    for module_name in builtin_metadata_modules():
        module = importlib.import_module(module_name)
        for p in getattr(module, "PRESETS", ()):
            found[p.name] = (p, pathlib.Path(module.__file__).parent / "presets" / p.name)
    return found


def list_presets(model: str | None = None) -> list[str]:
    """The names of the shipped presets, sorted (only `model`'s when given)."""
    return sorted(name for name, (p, _) in _declared().items() if model is None or p.model == model)


def preset(name: str) -> Preset:
    """The declaration of preset `name`; an unknown name raises `UnknownPresetError` with close matches."""
    return _lookup(name)[0]


def preset_scorer(name: str):
    """How preset `name` is scored on held-out data: `scorer(model) -> float`, from its model's kind of data
    (`zoo.kinds.DataKind.held_out_scorer`) and the `zoo train` flags that make it."""
    from zoo.kinds import data_kind
    from zoo.registry import model_info

    spec = preset(name)
    return data_kind(model_info(spec.model).recipe.data).held_out_scorer(spec.model, spec.train_args)


def preset_folder(name: str) -> pathlib.Path:
    """The folder holding preset `name`'s files."""
    return _lookup(name)[1]


def preset_inputs(name: str | os.PathLike) -> list | None:
    """Preset `name`'s inputs as `InputSpec` (read from its `config.json`,
    without Keras); `None` for a model that declares no input layers (a subclassed model).

    Args:
        name: a preset name, or a saved preset's folder.

    Returns:
        One spec per input layer, in the model's input order, or `None`.
    """
    from zoo.registry.entries import InputSpec

    config = read_json(preset_location(name) / "config.json", hint="reinstall keras-study-zoo")
    inner = config.get("config") if isinstance(config, dict) else None
    layers = {layer["config"]["name"]: layer["config"] for layer in (inner or {}).get("layers", [])
              if layer.get("class_name") == "InputLayer"}  # fmt: skip
    entries = (inner or {}).get("input_layers", [])
    entries = [entries] if entries and isinstance(entries[0], str) else entries  # one input: one flat entry
    order = [entry[0] for entry in entries]
    if not layers or set(order) != set(layers):
        return None
    return [InputSpec(tuple(layers[n]["batch_shape"][1:]), layers[n].get("dtype", "float32")) for n in order]


def preset_card(name: str | os.PathLike) -> dict:
    """The `metadata.json` of preset `name` (a shipped preset's name or a saved preset's folder): its model
    card and file hashes."""
    folder = preset_location(name)
    path = folder / CARD
    if not path.is_file():
        raise FileNotFoundError(
            f"preset {str(name)!r} has no {CARD} in {folder}: it was never built or the install is broken "
            "(python -m zoo.presets.rebuild builds it)."
        )
    return read_json(path)


def is_preset_folder(source: str | os.PathLike) -> bool:
    """Whether `source` is a folder holding a preset's card (`zoo preset save`), not a shipped preset's name."""
    return str(source) not in _declared() and (pathlib.Path(source) / CARD).is_file()


def is_preset(source: str | os.PathLike) -> bool:
    """Whether `source` names a preset: a shipped one by its name, or a folder `zoo preset save` wrote."""
    return str(source) in _declared() or is_preset_folder(source)


def preset_location(source: str | os.PathLike) -> pathlib.Path:
    """The folder of `source`: a shipped preset's name or a saved preset's folder.

    Args:
        source: a shipped preset's name, or the path of a folder `zoo preset save` wrote.

    Returns:
        The folder holding its files.

    Raises:
        UnknownPresetError: `source` is neither; the message lists close matches among the shipped ones.
        InputError: a folder without a preset's `metadata.json`.
    """
    if is_preset_folder(source):
        return pathlib.Path(source)
    if str(source) not in _declared() and pathlib.Path(source).is_dir():
        raise InputError(f"{str(source)!r} is a folder but not a preset (no {CARD}); zoo preset save writes one.")
    return preset_folder(str(source))


def _lookup(name: str):
    declared = _declared()
    if name not in declared:
        close = difflib.get_close_matches(str(name), declared, n=3, cutoff=0.5)
        hint = f" Did you mean {', '.join(close)}?" if close else ""
        raise UnknownPresetError(
            f"Unknown preset {name!r}, and no preset folder of that path.{hint} Shipped presets: "
            f"{', '.join(sorted(declared)) or 'none'} (zoo list --pretrained)."
        )
    return declared[name]


def load_preset(name: str | os.PathLike, *, compile: bool = False) -> keras.Model:
    """Build a preset's model with its pretrained weights (after checking every file's SHA-256).

    As keras-hub's `from_preset`, `name` is a shipped preset's name or the path of a preset folder.

    Args:
        name: a shipped preset (`zoo list --pretrained`, `list_presets`), or a folder `zoo preset save`
            (`zoo.presets.saving.save_preset`) wrote.
        compile: compile it as its recipe trains it (to evaluate or fine-tune).

    Returns:
        The model, its weights the preset's.

    Raises:
        UnknownPresetError: no shipped preset has that name and no preset folder that path; the message
            lists close matches.
        InputError: a file does not match the SHA-256 its card records (the message names it).

    Example:
        >>> model = zoo.load_preset("text_generator_stdlib")  # doctest: +SKIP
        >>> mine = zoo.load_preset("presets/my_forecaster")  # doctest: +SKIP
    """
    from zoo.presets.loading import load_preset as load

    return load(name, compile=compile)
