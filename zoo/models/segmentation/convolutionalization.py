"""Convolutionalization (note 002, V2): a classifier's dense head rewritten as convolutions.

A `Dense` layer on a flattened (h, w, c) feature map computes what an
h x w convolution with the same weights (reshaped to (h, w, c, units))
computes at one position; every later `Dense` is a 1x1 convolution. The
parameter count is unchanged, the outputs on the training size are the
same, and the network now takes any input size: on a larger image it slides
the classifier over it and returns a map of class scores (*fully
convolutional network*). FCN's `fc6`/`fc7` are VGG's `fc1`/`fc2`
after this rewrite.
"""

from __future__ import annotations

import keras
import numpy as np

from zoo.errors import InputError

_PASS_THROUGH = (keras.layers.Dropout, keras.layers.Activation)


def _chain(model) -> list:
    """The model's layers after its input, checking that each one feeds only the next."""
    chain = [layer for layer in model.layers if not isinstance(layer, keras.layers.InputLayer)]
    for before, after in zip(chain, chain[1:], strict=False):
        if after.input is not before.output:
            raise InputError(
                f"convolutionalize needs a chain of layers (each feeding the next, as in LeNet, AlexNet or VGG); "
                f"{after.name!r} in {model.name} does not read {before.name!r}'s output."
            )
    return chain


def convolutionalize(model, name: str | None = None):
    """A fully convolutional copy of `model`, a chain of layers with a `Flatten` and `Dense` head.

    The copy has new layers with the same weights: the first `Dense` after
    `Flatten` becomes an h x w `Conv2D` over the (h, w, c) map it
    flattened, each later one a 1x1 `Conv2D`, and the input takes any
    height and width (at least the original's). Its output is
    (batch, H', W', units): one classification per window position;
    (batch, 1, 1, units) at the original size, equal to `model`'s output.
    """
    chain = _chain(model)
    flatten_at = [i for i, layer in enumerate(chain) if isinstance(layer, keras.layers.Flatten)]
    if not flatten_at:
        raise InputError(f"convolutionalize: {model.name} has no Flatten layer, so no dense head to rewrite.")
    head_start = flatten_at[0]
    for layer in chain[head_start + 1 :]:
        if not isinstance(layer, (keras.layers.Dense, *_PASS_THROUGH)):
            raise InputError(
                f"convolutionalize: after Flatten, {model.name} may hold only Dense, Dropout and Activation "
                f"layers; {layer.name!r} is a {type(layer).__name__}."
            )
    feature_shape = tuple(chain[head_start].input.shape[1:])
    if None in feature_shape:
        raise InputError(f"convolutionalize: the map before Flatten must have a fixed size, got {feature_shape}.")

    channels = model.input.shape[-1]
    inputs = keras.Input((None, None, channels), name=model.input.name if hasattr(model.input, "name") else "image")
    x, copies = inputs, []
    for layer in chain[:head_start]:
        clone = layer.__class__.from_config(layer.get_config())
        x = clone(x)
        copies.append((clone, layer.get_weights()))
    kernel_hw = feature_shape[:2]
    for layer in chain[head_start + 1 :]:
        if isinstance(layer, keras.layers.Dense):
            kernel, bias = layer.get_weights() if layer.use_bias else (layer.get_weights()[0], None)
            in_units = kernel.shape[0] // int(np.prod(kernel_hw))
            conv = keras.layers.Conv2D(
                layer.units,
                kernel_hw,
                activation=layer.activation,
                use_bias=layer.use_bias,
                name=f"{layer.name}_conv",
            )
            x = conv(x)
            conv_kernel = kernel.reshape(*kernel_hw, in_units, layer.units)
            copies.append((conv, [conv_kernel] + ([bias] if bias is not None else [])))
            kernel_hw = (1, 1)
        else:
            clone = layer.__class__.from_config(layer.get_config())
            x = clone(x)
            copies.append((clone, []))
    for layer, weights in copies:
        if weights:
            layer.set_weights(weights)
    return keras.Model(inputs, x, name=name or f"{model.name}_fully_convolutional")
