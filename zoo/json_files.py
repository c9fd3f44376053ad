"""JSON files written whole or not at all (Keras-free)."""

from __future__ import annotations

import json
import os
import pathlib
import uuid


def write_json_atomically(path, data) -> None:
    """Write JSON to ``path`` through a temporary file, so a kill never leaves half a file.

    The temporary file's name is unique to the writer, so processes writing
    the same file at once (a distributed search's chief and workers) each
    replace it whole instead of renaming each other's temporary file away.
    """
    path = pathlib.Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_json(path):
    """The data of a JSON file (a ``history.json``, ``vocabulary.json``, manifest...)."""
    with open(path, encoding="utf-8") as f:
        return json.load(f)
