"""The video classifier's and the captioner's argument checks that need no Keras (their builders run them
first; the registry lists them in the models' `checks`, so the command line runs them before it imports
Keras)."""

from __future__ import annotations

from zoo.errors import InputError
from zoo.models.cnn.arguments import check_headless_backbone
from zoo.validation import check_int, check_rate

VIDEO_VARIANTS = ("cnn_rnn", "convlstm")
VIDEO_CELLS = ("lstm", "gru")


def check_video_classifier(*, num_classes, units, filters, variant, cell, input_shape, dropout) -> None:
    """The classes, sizes, variant, cell, clip shape and dropout of `video_classifier`."""
    check_int("num_classes", num_classes, minimum=2)
    check_int("units", units, minimum=1)
    check_int("filters", filters, minimum=1)
    if variant not in VIDEO_VARIANTS:
        raise InputError(f"variant must be one of {VIDEO_VARIANTS}, got {variant!r}.")
    if cell not in VIDEO_CELLS:
        raise InputError(f"cell must be one of {VIDEO_CELLS}, got {cell!r}.")
    try:
        rank = len(tuple(input_shape))
    except TypeError:
        rank = None
    if rank != 4:
        raise InputError(f"input_shape must be (frames, height, width, channels), got {input_shape!r}.")
    check_rate("dropout", dropout)


def check_video_backbone(*, variant, backbone, backbone_args) -> None:
    """The frame CNN of the `cnn_rnn` variant (the `convlstm` variant has none)."""
    if variant == "cnn_rnn":
        check_headless_backbone(backbone=backbone, backbone_args=backbone_args)


def check_image_captioner(*, vocab_size, embedding_dim, units, dropout) -> None:
    """The captioner's vocabulary (padding, start, end and one word at least), sizes and dropout."""
    check_int("vocab_size", vocab_size, minimum=4)
    check_int("embedding_dim", embedding_dim, minimum=1)
    check_int("units", units, minimum=1)
    check_rate("dropout", dropout)
