"""Dates written the many ways people write them, paired with their ISO form (offline, seeded).

A small translation task for sequence-to-sequence models: `"3rd of March
1998"`, `"03/03/98"` or `"Tuesday, March 3, 1998"` -> `"1998-03-03"`.
Dates run from 1950 to 2049, so two-digit years are unambiguous (50-99 are
the 1900s); slashed dates are month/day/year, as in the US.
"""

from __future__ import annotations

import dataclasses
import datetime
from typing import TYPE_CHECKING

from zoo.errors import InputError
from zoo.validation import check_positive_int

if TYPE_CHECKING:
    import numpy as np

# NumPy is imported where it is used: the registry reads this module's vocabulary, and
# `zoo list` imports no NumPy.

START, END = "^", "$"  # <start> and <end> of an output date
FIRST_DAY = datetime.date(1950, 1, 1)
DAYS = (datetime.date(2049, 12, 31) - FIRST_DAY).days + 1


def _ordinal(day: int) -> str:
    suffix = "th" if 11 <= day % 100 <= 13 else {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")
    return f"{day}{suffix}"


# Each format turns a date into one human spelling.
FORMATS = {
    "ordinal_of": lambda d: f"{_ordinal(d.day)} of {d:%B} {d.year}",
    "us_slash_short": lambda d: f"{d:%m/%d/%y}",
    "us_slash": lambda d: f"{d.month}/{d.day}/{d.year}",
    "weekday_long": lambda d: f"{d:%A}, {d:%B} {d.day}, {d.year}",
    "month_day_year": lambda d: f"{d:%B} {d.day}, {d.year}",
    "day_month_abbrev": lambda d: f"{d.day} {d:%b} {d.year}",
    "dotted": lambda d: f"{d:%Y.%m.%d}",
    "upper": lambda d: f"{d:%B} {d.day} {d.year}".upper(),
    "weekday_short": lambda d: f"{d:%a} {d.day} {d:%B} {d:%y}",
    "lower_ordinal": lambda d: f"{d:%B} {_ordinal(d.day)}, {d.year}".lower(),
}


@dataclasses.dataclass
class DatePairs:
    """Human-written dates, their ISO forms (`YYYY-MM-DD`) and each one's format name."""

    sources: list
    targets: list
    formats: list

    def __len__(self) -> int:
        return len(self.sources)


def make_dates(n: int, *, seed: int = 0, formats=None) -> DatePairs:
    """`n` seeded (human date, ISO date) pairs, formats chosen uniformly from `formats` (default: all)."""
    import numpy as np

    check_positive_int("n", n)
    names = list(FORMATS) if formats is None else list(formats)
    unknown = [f for f in names if f not in FORMATS]
    if unknown or not names:
        raise InputError(f"Unknown date formats {unknown}; known: {', '.join(FORMATS)}.")
    rng = np.random.default_rng(seed)
    days = rng.integers(0, DAYS, n)
    chosen = rng.integers(0, len(names), n)
    sources, targets, used = [], [], []
    for day, k in zip(days, chosen, strict=True):
        date = FIRST_DAY + datetime.timedelta(days=int(day))
        sources.append(FORMATS[names[k]](date))
        targets.append(date.isoformat())
        used.append(names[k])
    return DatePairs(sources, targets, used)


def source_vocabulary() -> list:
    """Characters any format can write, after `["", "?"]` (0 padding, 1 unknown)."""
    chars = set()
    for fmt in FORMATS.values():
        for month in range(1, 13):
            chars.update(fmt(datetime.date(2024, month, 28)))
            chars.update(fmt(datetime.date(1951, month, 1)))
    chars.update("0123456789")
    return ["", "?", *sorted(chars)]


def target_vocabulary() -> list:
    """The ISO date characters with padding, <start> and <end>: `["", "^", "$", "-", "0"... "9"]`."""
    return ["", START, END, "-", *"0123456789"]


#: The vocabularies of the date task: what `seq2seq_attention`'s default sizes are read from.
SOURCE_VOCABULARY = tuple(source_vocabulary())
TARGET_VOCABULARY = tuple(target_vocabulary())
SOURCE_VOCAB_SIZE = len(SOURCE_VOCABULARY)
TARGET_VOCAB_SIZE = len(TARGET_VOCABULARY)


def encode(texts, vocabulary, length: int) -> np.ndarray:
    """(len(texts), length) int32 character ids, padded with 0, unknown characters 1."""
    import numpy as np

    index = {c: i for i, c in enumerate(vocabulary)}
    out = np.zeros((len(texts), length), np.int32)
    for row, text in enumerate(texts):
        ids = [index.get(c, 1) for c in text[:length]]
        out[row, : len(ids)] = ids
    return out


def decode(ids, vocabulary) -> str:
    """Characters of `ids` up to the first <end> (or padding), without <start>."""
    import numpy as np

    out = []
    for i in np.asarray(ids).tolist():
        token = vocabulary[i]
        if token in ("", END):
            break
        if token != START:
            out.append(token)
    return "".join(out)
