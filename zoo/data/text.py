"""Text corpora that need no download, and character encoding.

`load_corpus("stdlib")` reads the Python standard library's own source
files: real text (code, comments, docstrings) present on every machine that
runs Python. `"pydoc"` is English prose from Python's `pydoc_data` topics.
Any other string is taken as a file, a folder (all `*.py`, `*.txt` and
`*.md` files below it) or a glob pattern.
"""

from __future__ import annotations

import dataclasses
import glob
import os
import pathlib
import sysconfig
from typing import TYPE_CHECKING

from zoo.errors import InputError

if TYPE_CHECKING:
    import numpy as np

# NumPy is imported where it is used: the registry reads this module's vocabulary, and
# `zoo list` imports no NumPy.


OOV_TOKEN = "[UNK]"

#: Position = token id. Id 0 is the out-of-vocabulary token, as in Keras's
#: `StringLookup`; then tab, newline and the 95 printable ASCII characters.
DEFAULT_CHAR_VOCABULARY = (OOV_TOKEN, "\t", "\n") + tuple(chr(c) for c in range(32, 127))

BUILTIN_CORPORA = ("stdlib", "pydoc")
_TEXT_SUFFIXES = (".py", ".txt", ".md", ".rst")
# Folders of the standard library that are tests, vendored packages or data.
_STDLIB_SKIP = {"site-packages", "dist-packages", "test", "tests", "idle_test", "__pycache__"}


@dataclasses.dataclass(frozen=True)
class TextCorpus:
    """A text split by position into a training and a validation part."""

    name: str
    train: str
    validation: str
    files: tuple

    def __repr__(self) -> str:
        return (
            f"TextCorpus({self.name!r}, train={len(self.train):,} chars, "
            f"validation={len(self.validation):,} chars, files={len(self.files)})"
        )


def stdlib_files() -> list[pathlib.Path]:
    """The standard library's `.py` files in a fixed order (sorted relative paths)."""
    root = pathlib.Path(sysconfig.get_paths()["stdlib"])
    files = [p for p in root.rglob("*.py") if not _STDLIB_SKIP.intersection(p.relative_to(root).parts[:-1])]
    return sorted(files, key=lambda p: p.relative_to(root).as_posix())


def check_corpus(source: str) -> None:
    """Refuse a corpus that names no readable text files (a missing path, a FIFO, `/dev/zero`), without
    reading it: what `zoo train` checks before it imports TensorFlow."""
    if source not in BUILTIN_CORPORA:
        _user_files(source)


def _user_files(source: str) -> list[pathlib.Path]:
    path = pathlib.Path(source).expanduser()
    if path.is_file():
        return [path]
    if path.is_dir():
        files = [p for p in path.rglob("*") if p.is_file() and p.suffix in _TEXT_SUFFIXES]
    else:
        files = [pathlib.Path(p) for p in glob.glob(os.path.expanduser(source), recursive=True)]
        files = [p for p in files if p.is_file()]
    if not files:
        raise InputError(
            f"Corpus {source!r} is neither a built-in corpus ({', '.join(BUILTIN_CORPORA)}) "
            f"nor a readable file, folder with {'/'.join(_TEXT_SUFFIXES)} files, or glob "
            "pattern matching files."
        )
    return sorted(files)


#: The share of undecodable bytes a text file may have (a stray Latin-1 byte in a comment) before it is refused.
MAX_INVALID_UTF8 = 0.001


def read_text_file(path) -> str:
    """The text of a UTF-8 file; a file that is not text (NUL bytes, or more than
    `MAX_INVALID_UTF8` of it invalid UTF-8) is refused, naming it."""
    data = pathlib.Path(path).read_bytes()
    if b"\0" in data:
        raise InputError(f"{path} is not a text file (it holds NUL bytes); give UTF-8 text as a corpus.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        text = data.decode("utf-8", errors="replace")
    invalid = text.count("\ufffd") - data.count("\ufffd".encode())
    if invalid > MAX_INVALID_UTF8 * len(text):
        raise InputError(
            f"{path} is not UTF-8 text ({invalid:,} of {len(text):,} characters do not decode); "
            "give UTF-8 text as a corpus."
        )
    return text


def _read(files, max_chars: int | None) -> tuple[str, tuple]:
    parts, used, total = [], [], 0
    for f in files:
        text = read_text_file(f)
        if max_chars is not None and total + len(text) > max_chars:
            text = text[: max_chars - total]
        parts.append(text)
        used.append(str(f))
        total += len(text)
        if max_chars is not None and total >= max_chars:
            break
    return "".join(parts), tuple(used)


def load_corpus(
    source: str = "stdlib", *, max_chars: int | None = None, validation_fraction: float = 0.1
) -> TextCorpus:
    """Load a text corpus and split it by position.

    Args:
        source: `"stdlib"`, `"pydoc"`, or a file, folder or glob pattern.
        max_chars: keep only the first `max_chars` characters (in the
            corpus's fixed file order); `None` keeps everything.
        validation_fraction: the trailing share of the text used for
            validation, in `(0, 1)`.
    """
    if not 0.0 < validation_fraction < 1.0:
        raise InputError(f"validation_fraction must be strictly between 0 and 1, got {validation_fraction!r}.")
    if max_chars is not None and max_chars < 2:
        raise InputError(f"max_chars must be at least 2 (or None for all), got {max_chars!r}.")
    if source == "stdlib":
        text, files = _read(stdlib_files(), max_chars)
    elif source == "pydoc":
        from pydoc_data.topics import topics

        text = "\n\n".join(topics[k] for k in sorted(topics))
        text = text if max_chars is None else text[:max_chars]
        files = ("pydoc_data.topics",)
    else:
        text, files = _read(_user_files(source), max_chars)
    split = int(len(text) * (1.0 - validation_fraction))
    if split < 1 or split >= len(text):
        raise InputError(
            f"Corpus {source!r} has {len(text)} characters: too few to split "
            f"with validation_fraction={validation_fraction}."
        )
    return TextCorpus(source, text[:split], text[split:], files)


def _lookup_table(vocabulary) -> np.ndarray:
    import numpy as np

    if len(vocabulary) < 2 or vocabulary[0] != OOV_TOKEN:
        raise InputError(
            f"A character vocabulary starts with the out-of-vocabulary token {OOV_TOKEN!r} "
            f"at id 0; got {list(vocabulary[:3])!r}..."
        )
    chars = vocabulary[1:]
    bad = [c for c in chars if len(c) != 1]
    if bad:
        raise InputError(f"Character vocabulary entries must be single characters; got {bad[:5]!r}.")
    table = np.zeros(max(ord(c) for c in chars) + 1, dtype=np.int32)
    for i, c in enumerate(chars, start=1):
        table[ord(c)] = i
    return table


def encode_chars(text: str, vocabulary=DEFAULT_CHAR_VOCABULARY) -> np.ndarray:
    """Token ids of `text`; characters outside `vocabulary` become id 0 (OOV)."""
    import numpy as np

    table = _lookup_table(vocabulary)
    codes = np.frombuffer(text.encode("utf-32-le"), dtype=np.uint32)
    ids = np.zeros(codes.shape, dtype=np.int32)
    known = codes < len(table)
    ids[known] = table[codes[known]]
    return ids


def decode_chars(ids, vocabulary=DEFAULT_CHAR_VOCABULARY) -> str:
    """The text of token ids; the OOV id decodes to U+FFFD (the replacement character)."""
    import numpy as np

    return "".join("\ufffd" if i == 0 else vocabulary[i] for i in np.asarray(ids).reshape(-1).tolist())
