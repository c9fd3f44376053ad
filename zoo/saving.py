"""Loading saved zoo models.

Keras is imported by `load_model` alone, so the command line can check a
file with `check_keras_file` before TensorFlow starts.
"""

from __future__ import annotations

import os
import zipfile
from typing import TYPE_CHECKING

from zoo._keras_hook import register_keras_objects
from zoo.errors import InputError

if TYPE_CHECKING:
    import keras

#: The most a `.keras` archive's JSON members (`config.json`, `metadata.json`) may decompress to: a zoo
#: model's configuration takes kilobytes, and a crafted archive must not fill the memory when Keras parses it.
MAX_JSON_MEMBER = 16 * 2**20


def _memory_bytes() -> int | None:
    """This machine's physical memory, where the operating system says (Linux, macOS)."""
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


def check_keras_file(path) -> None:
    """Raise `ValueError` naming `path` unless it is a whole `.keras` archive (without importing Keras).

    Its JSON members may decompress to `MAX_JSON_MEMBER` at most and the
    whole archive to less than the machine's memory, so a small crafted file
    cannot make the loader fill the memory.
    """
    if not os.path.isfile(path):
        raise InputError(f"No saved model at {str(path)!r}; give the path of a .keras file.")
    if not zipfile.is_zipfile(path):
        raise InputError(f"{str(path)!r} is not a .keras file: it is corrupt, truncated or of another format.")
    try:
        with zipfile.ZipFile(path) as archive:
            _check_sizes(path, archive.infolist())
            names = set(archive.namelist())
            broken = archive.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as err:
        raise InputError(f"{str(path)!r} is a corrupt .keras file ({err}).") from None
    if broken is not None or "config.json" not in names:
        what = f"its member {broken!r} is damaged" if broken else "it holds no config.json"
        raise InputError(f"{str(path)!r} is a corrupt .keras file: {what}.")


def _check_sizes(path, members) -> None:
    for member in members:
        if member.filename.endswith(".json") and member.file_size > MAX_JSON_MEMBER:
            raise InputError(
                f"{str(path)!r} is refused: its {member.filename} decompresses to {member.file_size:,} bytes, more "
                f"than the {MAX_JSON_MEMBER:,} a model's configuration may take."
            )
    total, memory = sum(m.file_size for m in members), _memory_bytes()
    if memory and total > memory:
        raise InputError(
            f"{str(path)!r} is refused: it decompresses to {total:,} bytes, more than this machine's memory."
        )


def load_model(path: str | os.PathLike, *, safe_mode: bool = True, compile: bool = True) -> keras.Model:
    """Load a `.keras` file saved from any zoo model (`safe_mode` on by default).

    Args:
        path: the `.keras` file.
        safe_mode: refuse configurations that would run code (lambdas).
        compile: restore the training configuration too.

    Returns:
        The model.

    Raises:
        ValueError: in one line naming `path`, for a file that is not a
            whole archive, too large once decompressed, or refused by Keras
            (a crafted or foreign configuration).

    Example:
        >>> model = zoo.load_model("runs/lenet5/model.keras")  # doctest: +SKIP
    """
    check_keras_file(path)
    import keras

    register_keras_objects()
    try:
        return keras.saving.load_model(path, safe_mode=safe_mode, compile=compile)
    except (ValueError, TypeError, KeyError, AttributeError) as err:
        first = next((line.strip() for line in str(err).splitlines() if line.strip()), type(err).__name__)
        raise InputError(f"{str(path)!r} is not a model zoo can load: {first}") from err
