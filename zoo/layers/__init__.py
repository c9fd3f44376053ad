"""Layers written from the equations of the notes (import needs Keras)."""

from zoo.layers.recurrent_cells import GRUCell, LSTMCell, SimpleRNNCell

__all__ = ["GRUCell", "LSTMCell", "SimpleRNNCell"]
