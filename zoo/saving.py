"""Loading saved zoo models.

Keras is imported by :func:`load_model` alone, so the command line can check a
file with :func:`check_keras_file` before TensorFlow starts.
"""

from __future__ import annotations

import os
import zipfile

from zoo._keras_hook import register_keras_objects


def check_keras_file(path) -> None:
    """Raise ``ValueError`` naming ``path`` unless it is a whole ``.keras`` archive (without importing Keras)."""
    if not os.path.isfile(path):
        raise ValueError(f"No saved model at {str(path)!r}; give the path of a .keras file.")
    if not zipfile.is_zipfile(path):
        raise ValueError(f"{str(path)!r} is not a .keras file: it is corrupt, truncated or of another format.")
    try:
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            broken = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise ValueError(f"{str(path)!r} is a corrupt .keras file ({err}).") from None
    if broken is not None or "config.json" not in names:
        what = f"its member {broken!r} is damaged" if broken else "it holds no config.json"
        raise ValueError(f"{str(path)!r} is a corrupt .keras file: {what}.")


def load_model(path, *, safe_mode=True, compile=True):
    """Load a ``.keras`` file saved from any zoo model (``safe_mode`` on by default)."""
    check_keras_file(path)
    import keras

    register_keras_objects()
    return keras.saving.load_model(path, safe_mode=safe_mode, compile=compile)
