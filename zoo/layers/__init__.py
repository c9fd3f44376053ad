"""Layers written from the equations of the notes: recurrent cells, attention, FCN upsampling (import needs Keras)."""

from zoo.layers.attention import (
    AlignmentAttention,
    MultiHeadAttention,
    PositionEmbedding,
    SinusoidalPositionalEncoding,
    TransformerDecoderBlock,
    TransformerEncoderBlock,
    attention_weights,
    causal_mask,
    scaled_dot_product_attention,
    sinusoidal_encoding,
)
from zoo.layers.recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell
from zoo.layers.vision import BilinearUpsampling, CropLike, PadToMultiple, bilinear_kernel, upsampling_layer

__all__ = [
    "AlignmentAttention",
    "BilinearUpsampling",
    "CropLike",
    "GRUCell",
    "LSTMCell",
    "MultiHeadAttention",
    "PadToMultiple",
    "PositionEmbedding",
    "SinusoidalPositionalEncoding",
    "SimpleRNNCell",
    "TransformerDecoderBlock",
    "TransformerEncoderBlock",
    "attention_weights",
    "bilinear_kernel",
    "causal_mask",
    "scaled_dot_product_attention",
    "sinusoidal_encoding",
    "upsampling_layer",
]
