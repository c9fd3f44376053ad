"""yolo_tiny's argument checks that need no Keras (its builder runs them first; the registry lists them in its
`checks`, so the command line runs them before it imports Keras)."""

from __future__ import annotations

from zoo.errors import InputError

STRIDES = (4, 8, 16, 32)  # 2, 3, 4 or 5 VGG blocks of 2x2 pooling


def check_stride(model_name, *, stride) -> None:
    """The grid cell's size in pixels: one of `STRIDES`."""
    if stride not in STRIDES:
        raise InputError(f"{model_name}: stride must be one of {STRIDES} (pixels per grid cell), got {stride!r}.")
