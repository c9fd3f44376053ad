"""Vocabularies built on Keras's lookup layers, and the text codec."""

import keras
import numpy as np
import pytest

from zoo.data import TextCodec, char_vocabulary, encode_chars, load_corpus, word_vocabulary


def test_char_encoding_equals_keras_string_lookup():
    text = load_corpus("pydoc", max_chars=20_000).train
    vocab = char_vocabulary(text, max_tokens=40)
    assert len(vocab) == 40 and vocab[0] == "[UNK]"
    lookup = keras.layers.StringLookup(vocabulary=vocab[1:], oov_token="[UNK]", mask_token=None)
    sample = text[:500] + "☕"
    expected = keras.ops.convert_to_numpy(lookup(list(sample)))
    np.testing.assert_array_equal(TextCodec(vocab).encode(sample), expected)
    np.testing.assert_array_equal(encode_chars(sample, vocab), expected)
    assert expected[-1] == 0  # unseen character -> [UNK], not a crash


def test_word_vocabulary_and_codec():
    text = "The cat sat.\nThe dog sat on the mat!\n"
    vocab = word_vocabulary(text)
    assert vocab[:2] == ["", "[UNK]"] and vocab[2:4] == ["the", "sat"]
    codec = TextCodec(vocab)
    assert codec.level == "word" and codec.unit == "word"
    ids = codec.encode("the zebra sat")
    assert ids.tolist() == [vocab.index("the"), 1, vocab.index("sat")]
    assert codec.decode(ids) == " the [UNK] sat"


def test_codec_rejects_unknown_layouts():
    with pytest.raises(ValueError, match="Cannot tell the vocabulary's kind from its first entry 'a'"):
        TextCodec(["a", "b"])
    with pytest.raises(ValueError, match=r"max_tokens must be at least 2"):
        char_vocabulary("abc", max_tokens=1)
