"""Dates in many human formats paired with ISO dates (the offline translation task)."""

import datetime

import numpy as np
import pytest

from zoo.data.dates import FORMATS, decode, encode, make_dates, source_vocabulary, target_vocabulary


def test_pairs_are_seeded_and_correct():
    pairs = make_dates(500, seed=3)
    assert pairs.sources == make_dates(500, seed=3).sources
    assert set(pairs.formats) == set(FORMATS)
    for source, target, fmt in zip(pairs.sources, pairs.targets, pairs.formats, strict=True):
        date = datetime.date.fromisoformat(target)
        assert 1950 <= date.year <= 2049
        assert FORMATS[fmt](date) == source


def test_formats_by_hand():
    d = datetime.date(1998, 3, 3)
    assert FORMATS["ordinal_of"](d) == "3rd of March 1998"
    assert FORMATS["us_slash_short"](d) == "03/03/98"
    assert FORMATS["weekday_long"](d) == "Tuesday, March 3, 1998"
    assert FORMATS["lower_ordinal"](datetime.date(2011, 11, 11)) == "november 11th, 2011"
    assert FORMATS["ordinal_of"](datetime.date(2001, 1, 22)) == "22nd of January 2001"


def test_encoding_round_trip():
    pairs = make_dates(50, seed=0)
    src_vocab, tgt_vocab = source_vocabulary(), target_vocabulary()
    x = encode(pairs.sources, src_vocab, 32)
    assert x.shape == (50, 32) and x.min() >= 0 and 1 not in x  # every character is known
    assert [decode(row, src_vocab) for row in x] == pairs.sources
    y = encode(["^" + t + "$" for t in pairs.targets], tgt_vocab, 12)
    assert [decode(row, tgt_vocab) for row in y] == pairs.targets
    assert decode(np.array([1, 4, 5, 2, 6]), tgt_vocab) == "01"  # stops at <end>


def test_bad_arguments():
    with pytest.raises(ValueError, match=r"Unknown date formats \['roman'\]"):
        make_dates(3, formats=["roman"])
    with pytest.raises(ValueError, match="n must be a positive integer"):
        make_dates(-1)
