"""Layers and an initializer for fully convolutional networks (note 002, V2 and V3).

- `BilinearUpsampling`: a `Conv2DTranspose` kernel that, as it
  starts, upsamples each channel by bilinear interpolation (FCN's
  initialisation of its "deconvolution" layers);
- `PadToMultiple`: zero-pads the bottom and right of an image so its
  height and width are multiples of the network's stride;
- `CropLike`: crops a feature map to the height and width of a
  reference tensor (undoes the padding at the output).

All run on every Keras backend and serialize by name (`zoo>...`).
"""

from __future__ import annotations

import keras
import numpy as np
from keras import ops

from zoo.errors import InputError
from zoo.validation import check_positive_int


def bilinear_kernel(factor: int, channels: int, in_channels: int | None = None) -> np.ndarray:
    """A (2f, 2f, channels, in_channels) `Conv2DTranspose` kernel that upsamples by `f` bilinearly.

    Channel `c` of the output reads only channel `c` of the input. With
    `strides=f` and `padding="same"`, output pixel `o` then samples
    the input at `(o + 0.5) / f - 0.5`: half-pixel bilinear interpolation,
    as `keras.ops.image.resize(..., interpolation="bilinear")` does away
    from the border.
    """
    size = 2 * factor - factor % 2
    center = factor - 1 if size % 2 == 1 else factor - 0.5
    og = np.arange(size, dtype=np.float64)
    weights_1d = 1 - np.abs(og - center) / factor
    filt = np.outer(weights_1d, weights_1d).astype(np.float32)
    in_channels = channels if in_channels is None else in_channels
    kernel = np.zeros((size, size, channels, in_channels), np.float32)
    for c in range(min(channels, in_channels)):
        kernel[:, :, c, c] = filt
    return kernel


@keras.saving.register_keras_serializable(package="zoo")
class BilinearUpsampling(keras.initializers.Initializer):
    """Initialise a `Conv2DTranspose(filters, 2 * factor, strides=factor, padding="same")`
    kernel as per-channel bilinear interpolation (Long et al., FCN, 2015, section 3.3)."""

    def __init__(self, factor: int):
        check_positive_int("BilinearUpsampling: factor", factor)
        self.factor = factor

    def __call__(self, shape, dtype=None):
        expected = 2 * self.factor - self.factor % 2
        if len(shape) != 4 or shape[0] != expected or shape[1] != expected:
            raise InputError(
                f"BilinearUpsampling(factor={self.factor}) fills a ({expected}, {expected}, out, in) kernel; "
                f"got shape {tuple(shape)}. Use kernel_size={expected}, strides={self.factor}."
            )
        kernel = bilinear_kernel(self.factor, shape[2], shape[3])
        return ops.convert_to_tensor(kernel, dtype=dtype or "float32")

    def get_config(self):
        return {"factor": self.factor}


def upsampling_layer(filters: int, factor: int, name: str, trainable: bool = True) -> keras.layers.Conv2DTranspose:
    """A `Conv2DTranspose` that starts as bilinear `factor`-times upsampling of `filters` channels."""
    return keras.layers.Conv2DTranspose(
        filters,
        2 * factor - factor % 2,
        strides=factor,
        padding="same",
        use_bias=False,
        kernel_initializer=BilinearUpsampling(factor),
        trainable=trainable,
        name=name,
    )


@keras.saving.register_keras_serializable(package="zoo")
class PadToMultiple(keras.layers.Layer):
    """Zero-pad the bottom and right of (batch, H, W, C) images so H and W are multiples of `multiple`."""

    def __init__(self, multiple: int, **kwargs):
        super().__init__(**kwargs)
        check_positive_int("PadToMultiple: multiple", multiple)
        self.multiple = multiple

    def call(self, inputs):
        shape = ops.shape(inputs)
        pad_h = (-shape[1]) % self.multiple
        pad_w = (-shape[2]) % self.multiple
        return ops.pad(inputs, [[0, 0], [0, pad_h], [0, pad_w], [0, 0]])

    def compute_output_shape(self, input_shape):
        def up(d):
            return None if d is None else -(-d // self.multiple) * self.multiple

        return (input_shape[0], up(input_shape[1]), up(input_shape[2]), input_shape[3])

    def get_config(self):
        return {**super().get_config(), "multiple": self.multiple}


@keras.saving.register_keras_serializable(package="zoo")
class CropLike(keras.layers.Layer):
    """`CropLike()([x, reference])`: the top-left `reference`-sized part of `x` (height and width)."""

    def call(self, inputs):
        x, reference = inputs
        shape = ops.shape(reference)
        return x[:, : shape[1], : shape[2], :]

    def compute_output_shape(self, input_shapes):
        x, reference = input_shapes
        return (x[0], reference[1], reference[2], x[3])
