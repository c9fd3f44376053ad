"""Offline text data: the stdlib corpus, encoding and training windows."""

import numpy as np
import pytest

from zoo.data import (
    DEFAULT_CHAR_VOCABULARY,
    char_vocabulary,
    decode_chars,
    encode_chars,
    load_corpus,
    stdlib_files,
    text_windows,
)


def test_stdlib_corpus_is_real_deterministic_and_split():
    files = stdlib_files()
    assert len(files) > 100
    assert not any("site-packages" in f.parts or "test" in f.parts for f in files)
    a = load_corpus("stdlib", max_chars=300_000)
    b = load_corpus("stdlib", max_chars=300_000)
    assert a == b
    assert len(a.train) + len(a.validation) == 300_000
    assert len(a.validation) == pytest.approx(30_000, abs=1)
    assert "def " in a.train and "import" in a.train


def test_pydoc_and_path_corpora(tmp_path):
    prose = load_corpus("pydoc", max_chars=50_000)
    assert "the" in prose.train and prose.files == ("pydoc_data.topics",)
    (tmp_path / "a.txt").write_text("hello world\n" * 10)
    (tmp_path / "b.md").write_text("second file\n" * 10)
    corpus = load_corpus(str(tmp_path), validation_fraction=0.5)
    assert len(corpus.files) == 2 and (corpus.train + corpus.validation).startswith("hello world")
    assert load_corpus(str(tmp_path / "*.md")).files == (str(tmp_path / "b.md"),)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"source": "/no/such/place"}, r"'/no/such/place' is neither a built-in corpus \(stdlib, pydoc\)"),
        ({"validation_fraction": 1.0}, r"strictly between 0 and 1, got 1.0"),
        ({"max_chars": 1}, r"max_chars must be at least 2"),
    ],
)
def test_bad_corpus_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        load_corpus(**kwargs)


def test_encoding_round_trip_and_oov():
    text = "def f(x):\n\treturn x  # ok"
    ids = encode_chars(text)
    assert ids.dtype == np.int32 and ids.min() > 0
    assert decode_chars(ids) == text
    ids = encode_chars("café ☕")
    assert ids[3] == 0 and ids[5] == 0 and ids[4] == DEFAULT_CHAR_VOCABULARY.index(" ")
    assert decode_chars(ids) == "caf\ufffd \ufffd"
    vocab = char_vocabulary("banana")
    assert vocab == ["[UNK]", "a", "n", "b"]  # StringLookup orders by frequency
    np.testing.assert_array_equal(encode_chars("nab!", vocab), [2, 1, 3, 0])


def test_windows_have_shifted_targets():
    ids = np.arange(101, dtype=np.int32)
    ds = text_windows(ids, seq_len=10, batch_size=4, shuffle=False)
    batches = list(ds.as_numpy_iterator())
    x = np.concatenate([b[0] for b in batches])
    y = np.concatenate([b[1] for b in batches])
    assert x.shape == (10, 10)
    np.testing.assert_array_equal(y, x + 1)
    np.testing.assert_array_equal(x[:, 0], np.arange(0, 100, 10))
