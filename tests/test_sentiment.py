"""Many-to-one sentiment (note 003, S8): order-dependent offline reviews, where a bag of words fails."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data.reviews import CASES, NEGATIVE, POSITIVE, imdb_cached, load_imdb, make_reviews
from zoo.models.rnn.sentiment import bag_of_words, encode_reviews, review_vocabulary

ORDER_DEPENDENT = ("contrast", "not_but")


def test_reviews_are_seeded_and_labelled_by_construction():
    a, b = make_reviews(300, seed=1), make_reviews(300, seed=1)
    assert a.texts == b.texts and np.array_equal(a.labels, b.labels)
    assert set(a.cases) == set(CASES) and 0.35 < a.labels.mean() < 0.65
    for text, label, case in zip(a.texts, a.labels, a.cases, strict=True):
        words = text.replace(",", "").split()
        if case == "not_but":  # the word after "but" decides
            assert label == (words[-1] in POSITIVE)
        if case == "negated":  # the word after "not" is flipped
            assert label == (words[words.index("not") + 1] in NEGATIVE)
        if case == "plain":
            assert label == any(w in POSITIVE for w in words)
    with pytest.raises(ValueError, match="n must be a positive integer, got 0"):
        make_reviews(0)


def test_order_dependent_reviews_share_their_bags_of_words():
    """Swapping the two sides of "not A, but B" keeps every word and flips the label."""
    reviews = make_reviews(400, seed=2)
    vocab = review_vocabulary(reviews.texts)
    for text, case in zip(reviews.texts, reviews.cases, strict=True):
        if case == "not_but":
            head, rest = text.split(" is not ")
            first, second = rest.split(", but ")
            swapped = f"{head} is not {second}, but {first}"
            assert sorted(encode_reviews([text], vocab)[0]) == sorted(encode_reviews([swapped], vocab)[0])
            break
    else:
        pytest.fail("no not_but review")


def test_bag_of_words_fails_where_order_matters_and_the_rnn_does_not():
    train, test = make_reviews(1500, seed=0), make_reviews(500, seed=1)
    vocab = review_vocabulary(train.texts)
    x_train, x_test = encode_reviews(train.texts, vocab), encode_reviews(test.texts, vocab)
    cases = np.array(test.cases)
    order = np.isin(cases, ORDER_DEPENDENT)
    scores = {}
    for name, build in (
        ("bag_of_words", lambda: bag_of_words(len(vocab), 16)),
        ("sentiment_rnn", lambda: zoo.create_model("sentiment_rnn", vocab_size=len(vocab), embedding_dim=16, units=16)),
    ):
        keras.utils.set_random_seed(0)
        model = build()
        model.compile(keras.optimizers.Adam(5e-3), "binary_crossentropy")
        model.fit(x_train, train.labels, epochs=6, batch_size=64, verbose=0)
        right = (model.predict(x_test, verbose=0)[:, 0] > 0.5) == test.labels
        scores[name] = (right[~order].mean(), right[order].mean())
    assert scores["bag_of_words"][0] > 0.95  # words alone settle the other cases
    assert scores["bag_of_words"][1] < 0.7  # near chance where order decides
    assert scores["sentiment_rnn"][1] > 0.9 and scores["sentiment_rnn"][0] > 0.95


def test_imdb_loads_only_from_a_whole_cached_file(tmp_path):
    path = tmp_path / "imdb.npz"
    assert not imdb_cached(str(path))
    path.write_bytes(b"")  # an interrupted download
    assert not imdb_cached(str(path))
    np.savez(path, x_train=np.zeros(2), y_train=np.zeros(2))  # half the arrays
    assert not imdb_cached(str(path))
    np.savez(path, x_train=np.zeros(2), y_train=np.zeros(2), x_test=np.zeros(2), y_test=np.zeros(2))
    assert imdb_cached(str(path))
    with pytest.raises(FileNotFoundError, match=r"IMDB is not in Keras's cache .* make_reviews\(\)"):
        load_imdb(cache_file=str(tmp_path / "missing.npz"))
