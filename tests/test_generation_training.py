"""Text generation and a short, bounded training run."""

import os
import re
import signal
import subprocess
import sys
import time

import keras
import numpy as np
import pytest

import zoo
from tests.conftest import REPO, run_zoo
from zoo.data import decode_chars, encode_chars, load_corpus
from zoo.generation import filter_logits, sample_next
from zoo.training import history_column, read_history


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


def test_top_k_one_equals_greedy_and_samples_run_in_parallel():
    model = small_model()
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
        if "top_k" in kwargs:
            assert (kept <= kwargs["top_k"]).all()
        probs = np.exp(logits - logits.max(-1, keepdims=True))
        probs /= probs.sum(-1, keepdims=True)
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
        ({"temperature": -0.5}, r"temperature must be a number >= 0"),
        ({"top_k": 0}, r"top_k must be None or an integer >= 1, got 0"),
        ({"top_p": 1.5}, r"top_p must be None or a number in \(0, 1\], got 1.5"),
        ({"num_samples": 0}, r"num_samples must be an integer >= 1, got 0"),
    ],
)
def test_generation_rejects_bad_arguments(kwargs, message):
    args = {"prompt": "a", "length": 3, **kwargs}
    with pytest.raises(ValueError, match=message):
        zoo.generate(small_model(), **args)


def test_short_training_run_learns_and_saves(tmp_path):
    corpus = load_corpus("stdlib", max_chars=120_000)
    model, rows = zoo.train_text_generator(
        corpus,
        epochs=3,
        steps_per_epoch=25,
        validation_steps=5,
        seq_len=50,
        batch_size=32,
        units=64,
        num_layers=2,
        embedding_dim=16,
        out_dir=tmp_path,
        verbose=0,
    )
    bpc = history_column(rows, "val_bpc")
    assert len(bpc) == 3 and np.isfinite(bpc).all()
    assert bpc[-1] < bpc[0] and bpc[-1] < np.log2(98)  # better than uniform over the vocabulary
    np.testing.assert_allclose(history_column(rows, "val_loss") / np.log(2), bpc, rtol=1e-6)
    np.testing.assert_allclose(history_column(rows, "val_ppl"), np.exp(history_column(rows, "val_loss")), rtol=1e-6)
    assert read_history(tmp_path / "history.json") == rows
    assert (tmp_path / "curve.png").stat().st_size > 1000
    assert not (tmp_path / "backup").exists()  # removed after a run that ended normally
    loaded = zoo.load_model(tmp_path / "model.keras")
    assert zoo.generate(loaded, "import ", 30, temperature=0) == zoo.generate(model, "import ", 30, temperature=0)


def test_word_level_training_reports_perplexity():
    model, rows = zoo.train_text_generator(
        "pydoc",
        tokens="word",
        max_tokens=500,
        max_chars=100_000,
        epochs=1,
        steps_per_epoch=5,
        validation_steps=2,
        seq_len=20,
        batch_size=16,
        units=16,
        embedding_dim=8,
        verbose=0,
    )
    assert model.vocabulary[:2] == ["", "[UNK]"] and model.vocab_size == 500
    assert 1 < rows[-1]["val_ppl"] < 1000
    text = zoo.generate(model, "the python", 5, temperature=0)
    assert len(text.split()) == 5


def test_killed_training_resumes_where_it_stopped(tmp_path):
    out = tmp_path / "run"
    args = [
        "train",
        "text_generator",
        "--corpus",
        "stdlib",
        "--max-chars",
        "60000",
        "--epochs",
        "6",
        "--steps-per-epoch",
        "4",
        "--units",
        "16",
        "--embedding-dim",
        "8",
        "--layers",
        "1",
        "--seq-len",
        "20",
        "--batch-size",
        "8",
        "--out",
        str(out),
        "--verbose",
        "2",
        "--sample-length",
        "5",
    ]
    env = dict(os.environ, PYTHONPATH=REPO)
    first = subprocess.Popen(
        [sys.executable, "-m", "zoo", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    history = out / "history.json"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and first.poll() is None:
        if history.exists() and len(read_history(history)) >= 2:
            first.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    first.wait(timeout=60)
    assert first.returncode == -signal.SIGKILL, first.stdout.read()[-2000:]
    before = read_history(history)
    assert 2 <= len(before) < 6
    assert (out / "backup").exists() and not (out / "model.keras").exists()

    second = run_zoo(*args, timeout=300)
    assert second.returncode == 0, second.stderr[-2000:]
    epochs_run = [int(m) for m in re.findall(r"^Epoch (\d+)/6", second.stdout, re.M)]
    resumed_at = epochs_run[0]
    assert resumed_at in (len(before), len(before) + 1)  # redoes at most the epoch the kill interrupted
    assert epochs_run == list(range(resumed_at, 7))
    after = read_history(history)
    assert [r["epoch"] for r in after] == [1, 2, 3, 4, 5, 6]
    assert after[: resumed_at - 1] == before[: resumed_at - 1]  # finished epochs kept bit for bit
    assert (out / "model.keras").exists() and (out / "curve.png").exists()
    assert not (out / "backup").exists()


def test_training_needs_a_budget():
    with pytest.raises(ValueError, match="Give epochs, minutes, or both"):
        zoo.train_text_generator("stdlib")
    with pytest.raises(ValueError, match="minutes must be a positive float, got -1"):
        zoo.train_text_generator("stdlib", minutes=-1)
