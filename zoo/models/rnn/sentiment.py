"""Many-to-one sequence classification (note 003, S8): `sentiment_rnn` and an order-blind baseline.

`sentiment_rnn`: token ids -> Embedding (0 is padding, masked) -> a
bidirectional LSTM or GRU reading the whole review -> the probability that
it is positive. `bag_of_words`: the same embedding averaged over the
review, then the same head; it sees which words occur but not their order,
which is what the offline reviews of `zoo.data.reviews` are built to defeat.
"""

from __future__ import annotations

import re

import keras
import numpy as np

from zoo.models.rnn.arguments import check_sentiment_rnn

PAD, UNKNOWN = "", "[UNK]"
_TOKEN = re.compile(r"[\w']+")  # letters of any script, digits, apostrophes


def review_words(text: str) -> list:
    """The words of `text`, lower-cased: runs of letters (of any script), digits and apostrophes."""
    return _TOKEN.findall(text.lower())


def review_vocabulary(texts, max_tokens: int | None = None) -> list:
    """Words by falling frequency after `["", "[UNK]"]` (ids 0: padding, 1: unknown)."""
    counts = {}
    for text in texts:
        for word in review_words(text):
            counts[word] = counts.get(word, 0) + 1
    words = sorted(counts, key=lambda w: (-counts[w], w))
    return [PAD, UNKNOWN, *(words[: max_tokens - 2] if max_tokens else words)]


def encode_reviews(texts, vocabulary, maxlen: int = 24) -> np.ndarray:
    """(len(texts), maxlen) int32 token ids, padded with 0 at the end, cut at `maxlen` words."""
    index = {w: i for i, w in enumerate(vocabulary)}
    out = np.zeros((len(texts), maxlen), np.int32)
    for row, text in enumerate(texts):
        ids = [index.get(w, 1) for w in review_words(text)][:maxlen]
        out[row, : len(ids)] = ids
    return out


def sentiment_rnn(
    vocab_size: int = 20_000,
    embedding_dim: int = 32,
    units: int = 32,
    cell: str = "lstm",
    bidirectional: bool = True,
    dropout: float = 0.0,
    name: str = "sentiment_rnn",
) -> keras.Model:
    """Embedding, a (bidirectional) LSTM or GRU over the whole review, and a sigmoid output.

    Args:
        vocab_size: number of token ids (0 is padding and masked).
        embedding_dim: size of each word vector.
        units: hidden units per direction.
        cell: `"lstm"` or `"gru"`.
        bidirectional: read the review both ways (the last states of both directions are joined).
        dropout: before the output layer.
        name: the model's name.

    Input `(batch, time)` int token ids, output `(batch, 1)`: P(positive).
    """
    check_sentiment_rnn(vocab_size=vocab_size, embedding_dim=embedding_dim, units=units, cell=cell, dropout=dropout)
    layers = {"lstm": keras.layers.LSTM, "gru": keras.layers.GRU}
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="embedding")(tokens)
    recurrent = layers[cell](units, name=cell)
    x = (keras.layers.Bidirectional(recurrent, name=f"bi{cell}") if bidirectional else recurrent)(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    return keras.Model(tokens, keras.layers.Dense(1, activation="sigmoid", name="positive")(x), name=name)


def bag_of_words(vocab_size, embedding_dim=32, name="bag_of_words"):
    """The order-blind baseline: the mean of the review's word vectors, then a sigmoid output."""
    tokens = keras.Input((None,), dtype="int32", name="tokens")
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="embedding")(tokens)
    x = keras.layers.GlobalAveragePooling1D(name="mean_of_words")(x)
    x = keras.layers.Dense(embedding_dim, activation="relu", name="hidden")(x)
    return keras.Model(tokens, keras.layers.Dense(1, activation="sigmoid", name="positive")(x), name=name)
