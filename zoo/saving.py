"""Loading saved zoo models."""

from __future__ import annotations

import importlib
import os

import keras

from zoo._registry import _registry


def import_model_modules() -> None:
    """Import every built-in model module so its Keras classes are registered for loading."""
    reg = _registry()
    for name in reg.names():
        target = reg.info(name).target
        if target:
            importlib.import_module(target.partition(":")[0])


def load_model(path, *, safe_mode=True, compile=True):
    """Load a ``.keras`` file saved from any zoo model (``safe_mode`` on by default)."""
    if not os.path.isfile(path):
        raise ValueError(f"No saved model at {str(path)!r}; give the path of a .keras file.")
    import_model_modules()
    return keras.saving.load_model(path, safe_mode=safe_mode, compile=compile)
