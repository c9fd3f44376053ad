"""Text generation: greedy equals full recomputation, sampling filters and seeds, argument checks.

Runs on every backend (CI: TensorFlow and JAX), each with its own decoding loop.
"""

import logging

import keras
import numpy as np
import pytest

import zoo
from tests.conftest import small_text_generator
from zoo.data import decode_chars, encode_chars
from zoo.decoding.generation import filter_logits, sample_next

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_greedy_generation_equals_full_recomputation(cell):
    model = small_text_generator(cell)
    prompt = "def main("
    fast = zoo.generate(model, prompt, 15, temperature=0)
    ids = list(encode_chars(prompt))
    for _ in range(15):  # recompute the model on the whole prefix at every step
        logits = keras.ops.convert_to_numpy(model(np.array([ids], "int32")))
        ids.append(int(logits[0, -1].argmax()))
    assert fast == decode_chars(ids[len(prompt) :])
    assert len(fast) == 15


def test_sampling_respects_top_k_top_p_and_seed():
    logits = np.log(np.array([[0.5, 0.3, 0.15, 0.05]]))
    rng = np.random.default_rng(0)
    picks = {int(sample_next(logits, rng, top_k=2)[0]) for _ in range(200)}
    assert picks == {0, 1}
    picks = {int(sample_next(logits, rng, top_p=0.6)[0]) for _ in range(200)}
    assert picks == {0, 1}  # 0.5 alone is below 0.6, so the nucleus is {0, 1}
    counts = np.bincount([int(sample_next(logits, rng)[0]) for _ in range(4000)], minlength=4) / 4000
    np.testing.assert_allclose(counts, [0.5, 0.3, 0.15, 0.05], atol=0.03)
    model = small_text_generator()
    assert zoo.generate(model, "x", 20, seed=5) == zoo.generate(model, "x", 20, seed=5)


def test_top_k_one_equals_greedy_and_samples_run_in_parallel():
    model = small_text_generator()
    greedy = zoo.generate(model, "import", 40, temperature=0)
    assert zoo.generate(model, "import", 40, temperature=1.5, top_k=1, seed=3) == greedy
    samples = zoo.generate(model, "import", 40, temperature=1.0, seed=3, num_samples=4)
    assert isinstance(samples, list) and len(samples) == 4 and all(len(s) == 40 for s in samples)
    assert len(set(samples)) > 1  # different rows draw different tokens
    assert zoo.generate(model, "import", 0) == ""


def test_filter_logits_keeps_the_top_k_and_the_nucleus():
    logits = np.random.default_rng(0).normal(size=(3, 30)).astype("float32")
    for kwargs in ({"top_k": 4}, {"top_p": 0.5}, {"top_k": 10, "top_p": 0.8}, {"temperature": 0.5}):
        a = np.asarray(filter_logits(logits, **kwargs))
        kept = (a > -1e8).sum(axis=-1)
        probs = np.exp(logits - logits.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
        if "top_k" in kwargs and "top_p" not in kwargs:
            assert (kept == kwargs["top_k"]).all()  # exactly the k largest survive
            np.testing.assert_array_equal(np.sort(np.argsort(-logits)[:, :4]), np.sort(np.argsort(-a)[:, :4]))
        if "top_k" in kwargs and "top_p" in kwargs:
            assert (1 <= kept).all() and (kept <= kwargs["top_k"]).all()
        if set(kwargs) == {"temperature"}:
            # nothing masked; the logits divided by the temperature
            np.testing.assert_allclose(a, logits / kwargs["temperature"], rtol=1e-6)
        if "top_p" in kwargs and "top_k" not in kwargs:
            # the kept set is the smallest prefix of the sorted probabilities reaching top_p
            for row, k in zip(probs, kept, strict=True):
                top = np.sort(row)[::-1]
                assert top[: k - 1].sum() < kwargs["top_p"] <= top[:k].sum() + 1e-6


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"prompt": ""}, r"prompt must be a non-empty string"),
        ({"length": -1}, r"length must be an integer >= 0, got -1"),
        ({"temperature": -0.5}, r"temperature must be a number >= 1e-06"),
        ({"top_k": 0}, r"top_k must be a positive integer or None, got 0"),
        ({"top_p": 1.5}, r"top_p must be a number in \[1e-06, 1\] or None, got 1.5"),
        ({"top_p": True}, r"top_p must be a number in \[1e-06, 1\] or None, got True"),
        ({"temperature": float("nan")}, r"temperature must be a number >= 1e-06, got nan"),
        ({"temperature": float("inf")}, r"temperature must be a number >= 1e-06, got inf"),
        ({"num_samples": 0}, r"num_samples must be a positive integer, got 0"),
    ],
)
def test_generation_rejects_bad_arguments(kwargs, message):
    args = {"prompt": "a", "length": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        zoo.generate(small_text_generator(), **args)


@pytest.mark.skipif(keras.backend.backend() != "tensorflow", reason="TensorFlow's own retracing warning")
def test_a_loop_per_model_and_setting_is_not_reported_as_retracing(caplog):
    # TensorFlow warns once a function has been traced 5 times among its last calls; zoo traces one
    # decoding loop per model and sampling setting on purpose, so a notebook that tries several models
    # and temperatures must not print that warning.
    models = [small_text_generator() for _ in range(4)]
    with caplog.at_level(logging.WARNING, logger="tensorflow"):
        for model in models:
            for temperature in (0.0, 0.5):
                zoo.generate(model, "def ", 3, temperature=temperature, seed=0)
        assert logging.getLogger("tensorflow").level == logging.WARNING  # generate put the level back
    assert [r.getMessage() for r in caplog.records if "retracing" in r.getMessage()] == []
