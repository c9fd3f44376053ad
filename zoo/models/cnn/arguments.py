"""The CNN builders' argument checks that need no Keras, and the VGG configurations they accept.

Each builder runs these first; the registry lists them in the models' `checks`
(`zoo.models.cnn.metadata`), so `zoo.registry.check_model_arguments` and
the command line refuse a bad value before they import Keras. What needs Keras or
the variant's input rules (`input_shape`, `input_tensor`, `classifier_activation`,
which weights exist) is checked by `zoo.models.cnn.conventions.check_arguments`
when the model is built.
"""

from __future__ import annotations

from collections.abc import Mapping

from zoo.errors import InputError
from zoo.validation import check_positive_int, check_positive_number, check_rate

POOLINGS = (None, "avg", "max")
#: VGG's convolutions per block, by configuration (Simonyan and Zisserman, table 1: A, B, D, E).
VGG_CONFIGS = {
    "vgg11": (1, 1, 2, 2, 2),
    "vgg13": (2, 2, 2, 2, 2),
    "vgg16": (2, 2, 3, 3, 3),
    "vgg19": (2, 2, 4, 4, 4),
}


def check_head(model_name, *, include_top, weights, pooling, num_classes, width_multiplier=1.0) -> None:
    """The classifier arguments every CNN builder takes, and `width_multiplier` of those with published widths."""
    if not isinstance(include_top, bool):
        raise InputError(f"{model_name}: include_top must be True or False, got {include_top!r}.")
    check_positive_number(f"{model_name}: width_multiplier", width_multiplier)
    if weights == "imagenet" and width_multiplier != 1:
        raise InputError(
            f"{model_name}: weights='imagenet' needs width_multiplier=1.0 (the published widths), "
            f"got {width_multiplier!r}."
        )
    if pooling not in POOLINGS:
        raise InputError(f"{model_name}: pooling must be one of None, 'avg' or 'max', got {pooling!r}.")
    check_num_classes(model_name, num_classes=num_classes)


def check_num_classes(model_name, *, num_classes) -> None:
    """The classes a model scores: a positive integer."""
    check_positive_int(f"{model_name}: num_classes", num_classes)


def check_dropout(model_name, *, dropout) -> None:
    """A builder's `dropout` rate, in [0, 1)."""
    check_rate(f"{model_name}: dropout", dropout)


def check_googlenet(*, aux_heads, include_top) -> None:
    """GoogLeNet's auxiliary heads, a flag: classifiers, they need the top."""
    if not isinstance(aux_heads, bool):
        raise InputError(f"googlenet: aux_heads must be True or False, got {aux_heads!r}.")
    if aux_heads and not include_top:
        raise InputError("googlenet: aux_heads=True needs include_top=True (the heads are classifiers).")


def check_resnet_cifar(*, depth, width) -> None:
    """The CIFAR ResNet's 6n+2 layers and its first stage's channels."""
    if isinstance(depth, bool) or not isinstance(depth, int) or depth < 8 or (depth - 2) % 6:
        raise InputError(f"resnet_cifar: depth must be 6n+2 with n >= 1 (8, 14, 20, 32, ...), got {depth!r}.")
    check_positive_int("resnet_cifar: width", width)


def check_vgg_cifar(*, width, convs_per_block, blocks) -> None:
    """The narrow VGG's sizes."""
    for arg, value in (("width", width), ("convs_per_block", convs_per_block), ("blocks", blocks)):
        check_positive_int(f"vgg_cifar: {arg}", value)


def check_vgg_backbone(model_name, *, backbone, width, batch_norm) -> None:
    """The VGG blocks of a dense-prediction model (FCN, yolo_tiny): a configuration and its first block's
    channels (its classes are `check_num_classes`', which its build runs through `check_head`)."""
    if backbone not in VGG_CONFIGS:
        raise InputError(f"{model_name}: unknown backbone {backbone!r}; choose one of {', '.join(VGG_CONFIGS)}.")
    check_positive_int(f"{model_name}: width", width)
    if not isinstance(batch_norm, bool):
        raise InputError(f"{model_name}: batch_norm must be True or False, got {batch_norm!r}.")


def check_headless_backbone(*, backbone, backbone_args) -> None:
    """A registered image classifier used without its head as another model's encoder, and its arguments
    (checked as `zoo.registry.check_model_arguments` checks them)."""
    from zoo.registry import check_model_arguments, list_models

    classifiers = list_models(task="image-classification")
    if backbone not in classifiers:
        raise InputError(
            f"backbone must be a registered image classifier such as 'lenet5', got {backbone!r}; "
            f"choose from {classifiers}."
        )
    if backbone_args is not None and not isinstance(backbone_args, Mapping):
        raise InputError(
            f"backbone_args must be a dict of {backbone}'s arguments (such as {{'width': 8}}), got {backbone_args!r}."
        )
    try:
        check_model_arguments(backbone, {"include_top": False, **dict(backbone_args or {})})
    except (TypeError, ValueError) as err:  # named as the caller gave them
        raise type(err)(f"backbone_args: {err}") from None
