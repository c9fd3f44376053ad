"""Files written whole or not at all, and read back with a clear line when damaged (Keras-free).

Every file zoo writes goes to a temporary name in the destination's folder
and is renamed over the destination once complete (`os.replace`), so a kill
or a full disk never leaves half a file under the real name, and a symbolic
link at the destination is replaced, never written through.
"""

from __future__ import annotations

import json
import os
import pathlib
import uuid
from collections.abc import Callable
from typing import Any, BinaryIO

from zoo.errors import ZooError


class DamagedFileError(ZooError, ValueError):
    """A file zoo reads back is unreadable, cut short or of the wrong shape; the message names it."""


def temporary_name(path) -> pathlib.Path:
    """A writer-unique temporary name beside `path` (`.NAME.PID.HEX.tmp`)."""
    path = pathlib.Path(path)
    return path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")


def write_atomically(path: str | os.PathLike, write: Callable[[BinaryIO], object]) -> None:
    """Call `write(file)` on a new temporary binary file beside `path`, then rename it to `path`.

    The temporary name is unique to the writer, so processes writing the same
    file at once (a distributed search's chief and workers) each replace it
    whole instead of renaming each other's temporary file away. On any error
    (a full disk, a kill by exception) the temporary file is removed and
    `path` is left as it was.

    Args:
        path: the destination.
        write: a function taking the open binary file.
    """
    path = pathlib.Path(path)
    tmp = temporary_name(path)
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o644)
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        if err.filename is None:  # a write or fsync error names no file: name the destination
            raise OSError(err.errno, err.strerror, str(path)) from None
        raise
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def copy_atomically(source, path) -> None:
    """Copy the file `source` to `path` whole or not at all (`write_atomically`)."""
    data = pathlib.Path(source).read_bytes()
    write_atomically(path, lambda f: f.write(data))


def write_json_atomically(path, data) -> None:
    """Write `data` as JSON to `path` through a temporary file (`write_atomically`)."""
    text = json.dumps(data, indent=1).encode("utf-8")
    write_atomically(path, lambda f: f.write(text))


def read_json(path: str | os.PathLike, *, hint: str = "remove it, or start again in a new folder") -> Any:
    """The data of a JSON file zoo wrote (a `history.json`, `vocabulary.json`, manifest...).

    Args:
        path: the file.
        hint: what the user can do when the file is damaged, said in the error.

    Returns:
        The decoded JSON value.

    Raises:
        DamagedFileError: the file is empty, cut short, not UTF-8 or not JSON;
            the message names it and says `hint`.
    """
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise DamagedFileError(f"{path} is damaged ({_reason(err)}): {hint}.") from None


def _reason(err) -> str:
    if isinstance(err, json.JSONDecodeError):
        return "empty" if not err.doc.strip() else f"not JSON: {err.msg} at line {err.lineno} column {err.colno}"
    return "not UTF-8 text"
