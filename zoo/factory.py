"""`create_model`: builds a registered model, or loads a preset of it (timm's `_factory` above `_registry`).

The registry (`zoo.registry`) only keeps books: names, metadata and
builder targets. Presets (`zoo.presets`) read the registry. This module
sits above both, so neither imports the other's way back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from zoo.presets import is_preset, is_preset_folder, list_presets, load_preset, preset, preset_card
from zoo.registry import BadArgumentError, accepted_arguments, check_argument_names, default_registry, model_info

if TYPE_CHECKING:
    import keras


def create_model(name: str, *, weights: str | None = None, **overrides: object) -> keras.Model:
    """Build the registered model `name` with its defaults and `overrides`.

    Args:
        name: a registered model (`zoo list`).
        weights: a preset of `name` (`zoo list --pretrained`) or the folder of one you saved (`zoo preset
            save`): the model is then the preset's, with its pretrained weights (its files' SHA-256 checked
            first). With `num_classes` and/or `input_shape` it is built for that new task instead: every
            layer takes the preset's weights but the classifier, which starts new (`zoo.transfer`). A builder with a
            `weights` argument of its own (the CNNs' `"imagenet"` or a weights file, as
            keras.applications) gets any other value.
        **overrides: builder arguments replacing its defaults.

    Returns:
        The built Keras model.

    Raises:
        KeyError: an unknown name (`zoo.UnknownModelError`, listing close matches).
        TypeError: an override the builder does not take (`zoo.BadArgumentError`, naming it and the
            accepted ones).

    Example:
        >>> model = zoo.create_model("lenet5", num_classes=3)  # doctest: +SKIP
    """
    model_info(name)
    if weights is not None:
        if is_preset(weights) or "weights" not in accepted_arguments(name):
            return _from_preset(name, weights, overrides)
        overrides["weights"] = weights  # the builder's own: "imagenet", a file
    check_argument_names(name, overrides)
    return default_registry().builder(name)(**overrides)


def _from_preset(name: str, weights: str, overrides: dict):
    model = preset_card(weights)["model"] if is_preset_folder(weights) else preset(weights).model
    if model != name:
        yours = list_presets(name)
        raise BadArgumentError(
            f"weights={str(weights)!r} is a preset of {model}, not of {name}; "
            + (f"{name}'s presets: {', '.join(yours)}." if yours else f"{name} has no preset.")
        )
    if overrides:
        from zoo.transfer import TASK_ARGUMENTS, transfer_model

        if set(overrides) <= set(TASK_ARGUMENTS):  # a new task: the preset's backbone, a new head
            return transfer_model(name, weights, **overrides)[0]
        raise BadArgumentError(
            f"a preset fixes the model's arguments; create_model({name!r}, weights={weights!r}) takes only "
            f"{' and '.join(TASK_ARGUMENTS)} (a new head for a new task), got {', '.join(sorted(overrides))}."
        )
    return load_preset(weights)
