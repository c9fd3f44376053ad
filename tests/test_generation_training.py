"""Text generation and a short, bounded training run."""

import json

import keras
import numpy as np
import pytest

import zoo
from zoo.data import decode_chars, encode_chars, load_corpus
from zoo.generation import sample_next


def small_model(cell="lstm"):
    keras.utils.set_random_seed(0)
    return zoo.create_model("text_generator", embedding_dim=8, units=16, cell=cell)


@pytest.mark.parametrize("cell", ["lstm", "gru", "rnn"])
def test_greedy_generation_equals_full_recomputation(cell):
    model = small_model(cell)
    prompt = "def main("
    fast = zoo.generate(model, prompt, 15, temperature=0)
    ids = list(encode_chars(prompt))
    for _ in range(15):  # recompute the model on the whole prefix at every step
        logits = np.asarray(model(np.array([ids], "int32")))
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
    model = small_model()
    assert zoo.generate(model, "x", 20, seed=5) == zoo.generate(model, "x", 20, seed=5)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"prompt": ""}, r"prompt must be a non-empty string"),
        ({"length": -1}, r"length must be an integer >= 0, got -1"),
        ({"temperature": -0.5}, r"temperature must be a number >= 0"),
        ({"top_k": 0}, r"top_k must be None or an integer >= 1, got 0"),
        ({"top_p": 1.5}, r"top_p must be None or a number in \(0, 1\], got 1.5"),
    ],
)
def test_generation_rejects_bad_arguments(kwargs, message):
    args = {"prompt": "a", "length": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        zoo.generate(small_model(), **args)


def test_short_training_run_learns_and_saves(tmp_path):
    corpus = load_corpus("stdlib", max_chars=120_000)
    model, history = zoo.train_text_generator(
        corpus,
        epochs=3,
        steps_per_epoch=25,
        validation_steps=5,
        seq_len=50,
        batch_size=32,
        units=64,
        embedding_dim=16,
        out_dir=tmp_path,
        verbose=0,
    )
    bpc = history.history["val_bpc"]
    assert len(bpc) == 3 and all(np.isfinite(bpc))
    assert bpc[-1] < bpc[0] and bpc[-1] < np.log2(98)  # better than uniform over the vocabulary
    np.testing.assert_allclose(np.array(history.history["val_loss"]) / np.log(2), bpc, rtol=1e-6)
    saved = json.loads((tmp_path / "history.json").read_text())
    assert saved["val_bpc"] == pytest.approx(bpc)
    loaded = zoo.load_model(tmp_path / "model.keras")
    assert zoo.generate(loaded, "import ", 30, temperature=0) == zoo.generate(model, "import ", 30, temperature=0)


def test_training_needs_a_budget():
    with pytest.raises(ValueError, match="Give epochs, minutes, or both"):
        zoo.train_text_generator("stdlib")
    with pytest.raises(ValueError, match="minutes must be a positive float, got -1"):
        zoo.train_text_generator("stdlib", minutes=-1)
