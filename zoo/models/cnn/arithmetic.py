"""Convolution arithmetic: output sizes, receptive fields and parameter counts.

Plain Python (no Keras), so the tutorials can compute a layer's shape and
size by hand and then check Keras agrees (note 000: stride, padding and
channels; note 002: 1x1 convolutions and 3x3 stacks).
"""

from __future__ import annotations

import math

from zoo.errors import InputError
from zoo.validation import check_positive_int


def conv_output_size(size: int, kernel: int, stride: int = 1, padding="valid", dilation: int = 1) -> int:
    """Output length along one axis of a convolution or pooling window.

    `padding` is `"valid"` (no padding), `"same"` (Keras's: output =
    ceil(size / stride)) or an integer number of zeros added on each side.
    """
    for arg, value in (("size", size), ("kernel", kernel), ("stride", stride), ("dilation", dilation)):
        check_positive_int(f"{arg}", value)
    effective = dilation * (kernel - 1) + 1
    if padding == "same":
        return math.ceil(size / stride)
    if padding == "valid":
        pad = 0
    elif isinstance(padding, int) and not isinstance(padding, bool) and padding >= 0:
        pad = padding
    else:
        raise InputError(f"padding must be 'valid', 'same' or an integer >= 0, got {padding!r}.")
    out = (size + 2 * pad - effective) // stride + 1
    if out < 1:
        raise InputError(
            f"A window of {effective} (kernel {kernel}, dilation {dilation}) does not fit an input of "
            f"{size} with padding {pad}."
        )
    return out


def receptive_field(layers) -> int:
    """Receptive field of a stack of `(kernel, stride)` or `(kernel, stride, dilation)` layers.

    Each layer widens the field by (kernel - 1) x dilation x the product of
    the strides before it: two 3x3 stride-1 convolutions see 5x5 (note 002).
    """
    field, jump = 1, 1
    for kernel, stride, *rest in layers:
        dilation = rest[0] if rest else 1
        field += (kernel - 1) * dilation * jump
        jump *= stride
    return field


def conv_params(kernel, in_channels: int, filters: int, bias: bool = True) -> int:
    """Weights of a 2-D convolution: kernel_h x kernel_w x in_channels x filters (+ filters biases)."""
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    return kh * kw * in_channels * filters + (filters if bias else 0)


def dense_params(inputs: int, units: int, bias: bool = True) -> int:
    """Weights of a dense layer."""
    return inputs * units + (units if bias else 0)


def pooling_params() -> int:
    """Pooling has no weights (note 000, C6)."""
    return 0
