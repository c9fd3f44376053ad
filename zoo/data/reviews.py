"""Short movie reviews whose sentiment depends on word order (offline, seeded), and IMDB when cached.

Every review is built from a small grammar in which the label is decided by
the order of the words, not by which words occur:

- negation flips what follows: "not bad at all" is positive, "not good" negative;
- "hardly" flips too: "hardly the best" is negative;
- intensifiers keep the polarity: "really good", "truly awful";
- contrast: after "but" the second clause decides ("good, but the ending ruins
  it" is negative; "dull, but it gets brilliant" positive), also after a
  negation ("not good, but clever" is positive).

The same bag of words occurs with both labels ("good, but boring" against
"boring, but good"), so a bag-of-words classifier cannot separate them and a
model that reads in order can. `make_reviews` returns the texts, the
labels (1 positive) and the construction of each review, so results can be
broken down by case.
"""

from __future__ import annotations

import dataclasses
import os

import numpy as np

from zoo.validation import check_positive_int

POSITIVE = ("good", "great", "excellent", "fun", "brilliant", "moving", "clever", "beautiful")
NEGATIVE = ("bad", "awful", "boring", "dull", "terrible", "weak", "clumsy", "tedious")
SUBJECTS = ("the film", "this movie", "the plot", "the acting", "the story", "the script", "the cast", "it")
INTENSIFIERS = ("really", "truly", "very", "so")
ENDINGS = ("", " at all", " overall", " to be honest")
# Clauses with a polarity of their own, for contrasts.
POSITIVE_CLAUSES = ("the ending saves it", "i loved the ending", "it is worth seeing")
NEGATIVE_CLAUSES = ("the ending ruins it", "i was bored by the end", "it is not worth seeing")
CASES = ("plain", "intensified", "negated", "hardly", "contrast", "not_but")


@dataclasses.dataclass
class Reviews:
    """Review texts, labels (1 positive, 0 negative) and each review's construction (one of `CASES`)."""

    texts: list
    labels: np.ndarray
    cases: list

    def __len__(self) -> int:
        return len(self.texts)


def _phrase(rng, polarity: int) -> str:
    return str(rng.choice(POSITIVE if polarity else NEGATIVE))


def _review(rng) -> tuple:
    """`(text, label, case)` of one review."""
    case = str(rng.choice(CASES))
    subject = str(rng.choice(SUBJECTS))
    polarity = int(rng.integers(2))
    word = _phrase(rng, polarity)
    ending = str(rng.choice(ENDINGS))
    if case == "plain":
        return f"{subject} is {word}{ending}", polarity, case
    if case == "intensified":
        return f"{subject} is {rng.choice(INTENSIFIERS)} {word}{ending}", polarity, case
    if case == "negated":
        return f"{subject} is not {word}{ending}", 1 - polarity, case
    if case == "hardly":
        return f"{subject} is hardly {word}", 1 - polarity, case
    second = int(rng.integers(2))
    first = 1 - second  # a contrast joins opposite polarities
    if case == "not_but":  # "not A, but B": B decides, and "not B, but A" has the same words
        return f"{subject} is not {_phrase(rng, first)}, but {_phrase(rng, second)}", second, case
    # contrast: the clause after "but" decides
    if rng.random() < 0.25:
        tail = str(rng.choice(POSITIVE_CLAUSES if second else NEGATIVE_CLAUSES))
    else:
        tail = f"{rng.choice(('it is', 'it gets', 'the rest is'))} {_phrase(rng, second)}"
    return f"{subject} is {_phrase(rng, first)}, but {tail}", second, case


def make_reviews(n: int, *, seed: int = 0) -> Reviews:
    """`n` seeded reviews (see the module docstring); about half positive."""
    check_positive_int("n", n)
    rng = np.random.default_rng(seed)
    texts, labels, cases = zip(*(_review(rng) for _ in range(n)), strict=True)
    return Reviews(list(texts), np.array(labels, np.int32), list(cases))


IMDB_ARRAYS = ("x_train.npy", "y_train.npy", "x_test.npy", "y_test.npy")


def imdb_cached(path: str | None = None) -> bool:
    """Whether `keras.datasets.imdb`'s file is in Keras's cache, whole (so loading needs no network).

    An empty or partial download (not a `.npz` holding the four arrays) does not count.
    """
    import zipfile

    path = path or os.path.join(os.path.expanduser("~"), ".keras", "datasets", "imdb.npz")
    if not zipfile.is_zipfile(path):
        return False
    with zipfile.ZipFile(path) as archive:
        return set(IMDB_ARRAYS) <= set(archive.namelist())


def load_imdb(num_words: int = 20_000, maxlen: int = 200, download: bool = False, cache_file=None) -> tuple:
    """IMDB reviews through `keras.datasets.imdb` as `((x_train, y_train), (x_test, y_test))`,
    padded to `maxlen` token ids; only from Keras's cache unless `download=True`
    (`cache_file`: where the cached file is looked for, Keras's by default)."""
    if not download and not imdb_cached(cache_file):
        raise FileNotFoundError(
            "IMDB is not in Keras's cache (~/.keras/datasets/imdb.npz); call load_imdb(download=True) once "
            "with network access, or use make_reviews() for the offline reviews."
        )
    import keras

    (x_train, y_train), (x_test, y_test) = keras.datasets.imdb.load_data(num_words=num_words)
    pad = keras.utils.pad_sequences
    return (pad(x_train, maxlen), y_train), (pad(x_test, maxlen), y_test)
