"""Loading saved zoo models."""

from __future__ import annotations

import os

import keras

from zoo._keras_hook import register_keras_objects


def load_model(path, *, safe_mode=True, compile=True):
    """Load a ``.keras`` file saved from any zoo model (``safe_mode`` on by default)."""
    if not os.path.isfile(path):
        raise ValueError(f"No saved model at {str(path)!r}; give the path of a .keras file.")
    register_keras_objects()
    return keras.saving.load_model(path, safe_mode=safe_mode, compile=compile)
