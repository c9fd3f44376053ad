"""Your own files for the sequence tasks: labelled texts, translation pairs and a series.

- **Labelled texts** (`sentiment_rnn`): a CSV or TSV with a text and a label column (named, or found by the
  header's names), or a folder of class subfolders of `.txt` files, the layout that
  `keras.utils.text_dataset_from_directory` reads (`ROOT/<class>/<file>.txt`, classes in sorted order).
- **Translation pairs** (`seq2seq_attention`): a tab-separated file, one `source<TAB>target` pair a line,
  the layout of keras-io's character-level translation example ("Character-level recurrent
  sequence-to-sequence model", whose `fra.txt` has a third column of attribution, ignored here).
- **A series** (the forecasters): one numeric column of a CSV, its rows in time order.

Everything is read before TensorFlow starts, so a bad file is refused at once, in one line naming the file
(and the line, for a bad row). The readers split nothing: the task makers of `zoo.training.tasks` split by
seed (texts, pairs) or by time (a series).
"""

from __future__ import annotations

import csv
import dataclasses
import io
import os
import pathlib

import numpy as np

from zoo.errors import InputError

TEXT_COLUMNS = ("text", "review", "sentence", "content", "body")
LABEL_COLUMNS = ("label", "sentiment", "class", "category", "target")
DELIMITERS = {".csv": ",", ".tsv": "\t"}
#: Fewer examples than this cannot be split into training, validation and test parts worth scoring.
MIN_EXAMPLES = 10


@dataclasses.dataclass(frozen=True)
class LabelledTexts:
    """Texts and their class ids (into `classes`, sorted), read from `source`."""

    source: str
    texts: tuple
    labels: np.ndarray
    classes: tuple
    skipped: tuple = ()


@dataclasses.dataclass(frozen=True)
class TextPairs:
    """Source and target sentences, one pair each, read from `source`."""

    source: str
    sources: tuple
    targets: tuple


@dataclasses.dataclass(frozen=True)
class Series:
    """The values of one column (`column`) of `source`, in the file's order."""

    source: str
    column: str
    values: np.ndarray


def _utf8_text(path: pathlib.Path) -> str:
    """The text of a UTF-8 file, line endings kept; refused in one line naming the file and the first bad byte."""
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(f"{path} is not UTF-8 text (byte {error.start}); save it as UTF-8.") from None


def _rows(source: pathlib.Path, what: str) -> list:
    """The rows of a `.csv` or `.tsv` file (its extension says which), empty rows dropped."""
    delimiter = DELIMITERS.get(source.suffix.lower())
    if delimiter is None or not source.is_file():
        raise InputError(f"{str(source)!r} is not a .csv or .tsv file of {what}.")
    rows = csv.reader(io.StringIO(_utf8_text(source), newline=""), delimiter=delimiter)
    return [row for row in rows if any(cell.strip() for cell in row)]


def _column(header: list, given: str | None, accepted: tuple, source: pathlib.Path, what: str) -> int:
    """The index of the `what` column: the one named `given`, else the first of `accepted` in `header`."""
    lowered = [h.strip().lower() for h in header]
    names = (given.lower(),) if given else accepted
    for name in names:
        if name in lowered:
            return lowered.index(name)
    flag = f"--{what}-column"
    raise InputError(f"{source}: no {what} column named {' or '.join(names)} in its header {header}; "
                     f"name one with {flag}.")  # fmt: skip


def _texts_from_table(source: pathlib.Path, text_column, label_column) -> tuple[list, list]:
    rows = _rows(source, "texts and labels")
    if len(rows) < 2:
        raise InputError(f"{source} has no rows under a header; write a header such as `text,label`, then one "
                         f"row per text.")  # fmt: skip
    header, body = rows[0], rows[1:]
    text, label = (_column(header, text_column, TEXT_COLUMNS, source, "text"),
                   _column(header, label_column, LABEL_COLUMNS, source, "label"))  # fmt: skip
    for number, row in enumerate(body, start=2):
        if len(row) <= max(text, label):
            raise InputError(f"{source}, line {number}: {len(row)} column(s), the header has {len(header)}.")
    return [row[text] for row in body], [row[label].strip() for row in body]


def _texts_from_folder(root: pathlib.Path) -> tuple[list, list, list]:
    folders = sorted(p for p in root.iterdir() if p.is_dir())
    if not folders:
        raise InputError(f"{root} has no class subfolders; put each class's .txt files in ROOT/<class>/.")
    texts, labels, skipped = [], [], []
    for folder in folders:
        files = sorted(p for p in folder.rglob("*") if p.is_file())
        kept = [p for p in files if p.suffix.lower() == ".txt"]
        if not kept:
            raise InputError(f"{folder} holds no .txt files; remove the folder or add its class's texts.")
        skipped += [str(p) for p in files if p.suffix.lower() != ".txt"]
        texts += [_utf8_text(path) for path in kept]
        labels += [folder.name] * len(kept)
    return texts, labels, skipped


def read_labelled_texts(
    source: str | os.PathLike,
    *,
    text_column: str | None = None,
    label_column: str | None = None,
    classes: int | None = None,
) -> LabelledTexts:
    """Read labelled texts from a CSV/TSV file or a folder of class subfolders of `.txt` files.

    Args:
        source: a `.csv` or `.tsv` file with a header, or `ROOT` of `ROOT/<class>/<file>.txt`.
        text_column: the text column's name (default: the first of `TEXT_COLUMNS` in the header).
        label_column: the label column's name (default: the first of `LABEL_COLUMNS`).
        classes: how many labels the texts must have (default: two or more).

    Returns:
        The texts with class ids into `classes` (the labels, sorted), and the files left out for not being
        `.txt` files (a folder only).

    Raises:
        InputError: a missing file or column, a short row, an empty text, text that is not UTF-8, an empty class
            folder, fewer than two classes (or not `classes`) or fewer than `MIN_EXAMPLES` texts, named in one
            line.
    """
    source = pathlib.Path(source)
    if source.is_dir():
        if text_column or label_column:
            raise InputError(f"--text-column and --label-column name a CSV's columns; {source} is a folder.")
        texts, labels, skipped = _texts_from_folder(source)
    else:
        (texts, labels), skipped = _texts_from_table(source, text_column, label_column), []
    empty = [i for i, text in enumerate(texts) if not text.strip()]
    if empty:
        raise InputError(f"{source}: {len(empty)} empty text(s), the first text number {empty[0] + 1}.")
    names = tuple(sorted(set(labels)))
    if len(names) < 2 or len(texts) < MIN_EXAMPLES:
        raise InputError(f"{source} has {len(texts)} text(s) in {len(names)} class(es); a classifier needs two "
                         f"classes and at least {MIN_EXAMPLES} texts.")  # fmt: skip
    if classes is not None and len(names) != classes:
        raise InputError(f"{source} has {len(names)} labels ({', '.join(names)}); the model tells {classes} apart.")
    index = {name: i for i, name in enumerate(names)}
    ids = np.asarray([index[label] for label in labels], dtype=np.int32)
    return LabelledTexts(str(source), tuple(texts), ids, names, tuple(skipped))


def read_text_pairs(source: str | os.PathLike) -> TextPairs:
    """Read a tab-separated file of `source<TAB>target` lines (more columns are ignored; no header).

    Args:
        source: the `.tsv` or `.txt` file.

    Returns:
        The pairs, in the file's order.

    Raises:
        InputError: a missing file, a line without a tab or with an empty side (its number named), text that is
            not UTF-8, or fewer than `MIN_EXAMPLES` pairs.
    """
    source = pathlib.Path(source)
    if source.suffix.lower() not in (".tsv", ".txt") or not source.is_file():
        raise InputError(f"{str(source)!r} is not a .tsv or .txt file of source<TAB>target lines.")
    lines = _utf8_text(source).splitlines()
    sources, targets = [], []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
            raise InputError(f"{source}, line {number}: {line[:40]!r} is not source<TAB>target.")
        sources.append(parts[0].strip())
        targets.append(parts[1].strip())
    if len(sources) < MIN_EXAMPLES:
        raise InputError(f"{source} has {len(sources)} pair(s); at least {MIN_EXAMPLES} are needed.")
    return TextPairs(str(source), tuple(sources), tuple(targets))


def read_series(source: str | os.PathLike, column: str | None = None) -> Series:
    """Read one numeric column of a CSV file (with a header), its rows in time order.

    Args:
        source: the `.csv` file.
        column: the column's name (default: the last column, where a date or a year usually comes first).

    Returns:
        The column's values as float64.

    Raises:
        InputError: a missing file or column, a cell that is not a number (its line named), or fewer than
            `MIN_EXAMPLES` values.
    """
    source = pathlib.Path(source)
    rows = _rows(source, "a series")
    if source.suffix.lower() != ".csv" or len(rows) < 2:
        raise InputError(f"{source} is not a .csv file with a header and one row per time step.")
    header = rows[0]
    where = len(header) - 1 if column is None else _column(header, column, (), source, "series")
    values = []
    for number, row in enumerate(rows[1:], start=2):
        try:
            values.append(float(row[where]))
        except (ValueError, IndexError):
            cell = row[where] if where < len(row) else ""
            name = header[where]
            raise InputError(f"{source}, line {number}: {cell!r} in column {name!r} is not a number.") from None
    if len(values) < MIN_EXAMPLES:
        raise InputError(f"{source} has {len(values)} value(s); at least {MIN_EXAMPLES} are needed.")
    return Series(str(source), header[where].strip(), np.asarray(values, dtype=np.float64))


def read_two_class_texts(source: str | os.PathLike, **columns: str) -> LabelledTexts:
    """`read_labelled_texts` of texts with exactly two labels, as `sentiment_rnn` reads them (`columns`: its
    `text_column` and `label_column`)."""
    return read_labelled_texts(source, classes=2, **columns)


#: How each kind of data that takes your files (`zoo.kinds.tasks`, `zoo.training.tasks.FILE_MAKERS`) reads them,
#: by the kind's name; each reader takes the file and the column flags' names.
READERS = {"reviews": read_two_class_texts, "dates": read_text_pairs, "series": read_series}
