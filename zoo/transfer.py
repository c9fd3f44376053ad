"""Transfer learning: a pretrained model's weights in a new model of the same architecture, with a new head.

As timm's `reset_classifier` and the keras.io guide "Transfer learning & fine-tuning": the model is built
afresh for the new task (its number of classes and its input size), every layer that the pretrained model
has under the same name with weights of the same shapes takes them, and the classifier (whose shape changed)
starts new. A backbone layer that cannot take its weights (a preset for grey images given colour ones) is
refused, naming the layer and both shapes, rather than silently left random.
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING

from zoo.errors import InputError
from zoo.registry import BadArgumentError, default_registry, model_info

#: The builder arguments a new task sets; every other one is the pretrained model's.
TASK_ARGUMENTS = ("num_classes", "input_shape")
FREEZE = ("none", "backbone")

if TYPE_CHECKING:
    import keras


@dataclasses.dataclass(frozen=True)
class Transfer:
    """What moved: the layers that took pretrained weights and those that start new.

    Attributes:
        source: the preset, folder or `.keras` file the weights came from.
        loaded: names of the layers that took them.
        new: names of the layers with weights of their own (the new head).
    """

    source: str
    loaded: tuple
    new: tuple

    def describe(self) -> str:
        """One line: how many layers were loaded from where, and which are new."""
        return (f"{len(self.loaded)} layers with weights loaded from {self.source}; new: "
                f"{', '.join(self.new) or 'none'}")  # fmt: skip


def pretrained(name: str, weights: str | os.PathLike) -> tuple[keras.Model, dict]:
    """`(model, builder_args)` of `weights` for the registered model `name`: a preset (name or folder), whose
    card gives the builder arguments it was trained with, or a `.keras` file (the registry's defaults)."""
    from zoo.presets import is_preset, load_preset, preset_card

    if is_preset(weights):
        card = preset_card(weights)
        if card["model"] != name:
            raise BadArgumentError(f"weights={str(weights)!r} is a preset of {card['model']}, not of {name}.")
        recipe = model_info(name).recipe
        args = {**(recipe.model_defaults if recipe else {}), **card.get("recipe", {}).get("model_args", {})}
        return load_preset(weights), args
    if str(weights).endswith(".keras") and os.path.isfile(weights):
        from zoo.saving import load_model

        return load_model(weights, compile=False), {}
    raise InputError(f"weights={str(weights)!r} is not a preset of {name}, a preset folder or a .keras file.")


def copy_matching_weights(source: keras.Model, target: keras.Model) -> tuple[tuple, tuple]:
    """Give each layer of `target` the weights of `source`'s layer of the same name, where their shapes match.

    Args:
        source: the pretrained model.
        target: the new model, built.

    Returns:
        `(loaded, new)`: the names of the layers with weights that took `source`'s, and of the others.
    """
    by_name = {layer.name: layer for layer in source.layers}
    loaded, new = [], []
    for layer in target.layers:
        if not layer.weights:
            continue
        twin = by_name.get(layer.name)
        shapes = [tuple(w.shape) for w in layer.weights]
        if twin is not None and [tuple(w.shape) for w in twin.weights] == shapes:
            layer.set_weights(twin.get_weights())
            loaded.append(layer.name)
        else:
            new.append(layer.name)
    return tuple(loaded), tuple(new)


def _check_only_the_head_is_new(target: keras.Model, new: tuple, source: keras.Model) -> None:
    with_weights = [layer.name for layer in target.layers if layer.weights]
    backbone_new = [n for n in new if n != with_weights[-1]]
    if backbone_new:
        first = target.get_layer(backbone_new[0])
        theirs = {layer.name: layer for layer in source.layers}.get(first.name)
        shapes = [tuple(w.shape) for w in theirs.weights] if theirs is not None else "no such layer"
        raise InputError(
            f"the pretrained {source.name} cannot give layer {first.name!r} its weights (pretrained: {shapes}; "
            f"here: {[tuple(w.shape) for w in first.weights]}): {len(backbone_new)} backbone layer(s) would start "
            f"random. It takes images of shape {source.input_shape[1:]}{channels_hint(source.input_shape[-1])}."
        )


def channels_hint(channels: int) -> str:
    """How `zoo train` reads images with that many channels (`--color`), as advice after a mismatch."""
    return {1: " (zoo train: --color grayscale)", 3: " (zoo train: --color rgb)"}.get(channels, "")


def transfer_model(name: str, weights: str | os.PathLike, **task_args: object) -> tuple[keras.Model, Transfer]:
    """The registered model `name` for a new task, its backbone `weights`' and its head new.

    Args:
        name: a registered model with a `num_classes` argument.
        weights: a preset of `name` (shipped name or saved folder) or a `.keras` file of it.
        **task_args: the new task's `num_classes` and `input_shape` (its channels must be the pretrained
            model's; its height and width may differ where the backbone pools globally).

    Returns:
        `(model, transfer)`: the built model and the `Transfer` that says which layers were loaded.

    Raises:
        BadArgumentError: an argument other than `num_classes` and `input_shape`.
        InputError: a backbone layer whose weights do not fit (its name and both shapes in the message).
    """
    extra = sorted(set(task_args) - set(TASK_ARGUMENTS))
    if extra:
        raise BadArgumentError(f"a pretrained model fixes its architecture; with weights={str(weights)!r}, "
                               f"{name} takes only {', '.join(TASK_ARGUMENTS)}, got {', '.join(extra)}.")  # fmt: skip
    source, args = pretrained(name, weights)
    args = {**args, "input_shape": tuple(source.input_shape[1:]), **task_args}
    target = default_registry().builder(name)(**args)
    loaded, new = copy_matching_weights(source, target)
    _check_only_the_head_is_new(target, new, source)
    return target, Transfer(str(weights), loaded, new)


def freeze(model: keras.Model, transfer: Transfer, what: str) -> int:
    """Freeze the layers `transfer` loaded (`what="backbone"`; `"none"` leaves all trainable); returns how many
    layers were frozen. A frozen batch normalisation layer runs in inference mode in Keras 3, as the keras.io
    fine-tuning guide requires."""
    if what not in FREEZE:
        raise InputError(f"freeze must be one of {', '.join(FREEZE)}, got {what!r}.")
    if what == "none":
        return 0
    for layer_name in transfer.loaded:
        model.get_layer(layer_name).trainable = False
    return len(transfer.loaded)
