"""Layers written from the equations of the notes (import needs Keras)."""

from zoo.layers.recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell
from zoo.layers.vision import BilinearUpsampling, CropLike, PadToMultiple, bilinear_kernel, upsampling_layer

__all__ = [
    "BilinearUpsampling",
    "CropLike",
    "GRUCell",
    "LSTMCell",
    "PadToMultiple",
    "SimpleRNNCell",
    "bilinear_kernel",
    "upsampling_layer",
]
