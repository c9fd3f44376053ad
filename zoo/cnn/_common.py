"""Argument checks and heads shared by the CNN builders (keras.applications style)."""

from __future__ import annotations

import os

import keras

POOLINGS = (None, "avg", "max")


def check_arguments(
    model_name: str,
    *,
    include_top,
    weights,
    input_shape,
    pooling,
    num_classes,
    classifier_activation,
    default_shape: tuple,
    min_size: int,
    flattening_top: bool = False,
) -> tuple:
    """Validate the common builder arguments and return the input shape to use.

    Every error names the bad value and what would be accepted. Set
    ``flattening_top`` for a head that flattens a feature map, which needs a
    fixed height and width.
    """
    if not isinstance(include_top, bool):
        raise ValueError(f"{model_name}: include_top must be True or False, got {include_top!r}.")
    if weights is not None and not (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)):
        raise ValueError(
            f"{model_name}: weights must be None (random initialisation) or the path to an "
            f"existing weights file; got {weights!r}."
        )
    if pooling not in POOLINGS:
        raise ValueError(f"{model_name}: pooling must be one of None, 'avg' or 'max', got {pooling!r}.")
    if isinstance(num_classes, bool) or not isinstance(num_classes, int) or num_classes < 1:
        raise ValueError(f"{model_name}: num_classes must be an integer >= 1, got {num_classes!r}.")
    if classifier_activation is not None:
        try:
            keras.activations.get(classifier_activation)
        except ValueError:
            raise ValueError(
                f"{model_name}: unknown classifier_activation {classifier_activation!r}; use None, "
                "'softmax', or any name keras.activations knows."
            ) from None

    shape = default_shape if input_shape is None else input_shape
    try:
        shape = tuple(shape)
    except TypeError:
        raise ValueError(
            f"{model_name}: input_shape must be a tuple (height, width, channels), got {input_shape!r}."
        ) from None
    if len(shape) != 3:
        raise ValueError(
            f"{model_name}: input_shape must have rank 3 (height, width, channels) without the "
            f"batch axis; got {shape!r} of rank {len(shape)}."
        )
    if not all(d is None or (isinstance(d, int) and d > 0) for d in shape) or shape[-1] is None:
        raise ValueError(
            f"{model_name}: input_shape entries must be positive integers (height and width may be "
            f"None), got {shape!r}."
        )
    small = [d for d in shape[:2] if d is not None and d < min_size]
    if small:
        raise ValueError(f"{model_name}: input height and width must be at least {min_size}, got {shape!r}.")
    if include_top and flattening_top and None in shape[:2]:
        raise ValueError(
            f"{model_name}: with include_top=True the dense head needs a fixed height and width; "
            f"got {shape!r}. Give both, or use include_top=False."
        )
    return shape


def pooled_features(x, pooling):
    """Apply the ``pooling`` of an ``include_top=False`` model."""
    if pooling == "avg":
        return keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return keras.layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def load_weights(model, weights, model_name: str):
    """Load a weights file into ``model``, explaining a mismatch."""
    if weights is None:
        return model
    try:
        model.load_weights(weights)
    except Exception as err:  # Keras raises ValueError or OSError by file kind
        raise ValueError(
            f"{model_name}: the weights file {str(weights)!r} does not match this model "
            f"({model.count_params():,} parameters, input {model.input_shape}): {err}"
        ) from err
    return model
