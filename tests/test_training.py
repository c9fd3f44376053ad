"""Short, bounded training runs: learning, saving, word tokens, and resume after a kill."""

import numpy as np
import pytest

import zoo
from tests.conftest import kill_and_resume_training
from zoo.data import load_corpus
from zoo.run_folder import CHECKPOINT
from zoo.training.fit import history_column, read_history
from zoo.training.runs import RunOptions


def test_short_training_run_learns_and_saves(tmp_path):
    corpus = load_corpus("stdlib", max_chars=120_000)
    result = zoo.train_text_generator(
        corpus,
        options=RunOptions(epochs=3, out_dir=tmp_path, verbose=0),
        steps_per_epoch=25,
        validation_steps=5,
        seq_len=50,
        batch_size=32,
        units=64,
        num_layers=2,
        embedding_dim=16,
    )
    model, rows = result.model, result.history
    assert result.scores == {key: rows[-1][key] for key in ("val_loss", "val_bpc", "val_ppl")}
    assert {p.name for p in result.files} == {"vocabulary.json", "history.json", "model.keras", "curve.png"}
    assert all(p.parent == tmp_path and p.is_file() for p in result.files)
    bpc = history_column(rows, "val_bpc")
    assert len(bpc) == 3 and np.isfinite(bpc).all()
    assert bpc[-1] < bpc[0] and bpc[-1] < np.log2(98)  # better than uniform over the vocabulary
    np.testing.assert_allclose(history_column(rows, "val_loss") / np.log(2), bpc, rtol=1e-6)
    np.testing.assert_allclose(history_column(rows, "val_ppl"), np.exp(history_column(rows, "val_loss")), rtol=1e-6)
    assert read_history(tmp_path / "history.json") == rows
    assert (tmp_path / "curve.png").stat().st_size > 1000
    assert not (tmp_path / CHECKPOINT).exists()  # removed after a run that ended normally
    loaded = zoo.load_model(tmp_path / "model.keras")
    assert zoo.generate(loaded, "import ", 30, temperature=0) == zoo.generate(model, "import ", 30, temperature=0)


def test_word_level_training_reports_perplexity():
    result = zoo.train_text_generator(
        "pydoc",
        options=RunOptions(epochs=1, verbose=0),
        tokens="word",
        max_tokens=500,
        max_chars=100_000,
        steps_per_epoch=20,
        validation_steps=2,
        seq_len=20,
        batch_size=16,
        units=16,
        embedding_dim=8,
        learning_rate=0.02,
    )
    model, rows = result.model, result.history
    assert model.vocabulary[:2] == ["", "[UNK]"] and model.vocab_size == 500
    # Guessing uniformly over the 500 words has perplexity 500; the model must do far better (it gets ~150).
    assert rows[-1]["val_ppl"] < 0.5 * 500
    text = zoo.generate(model, "the python", 5, temperature=0)
    assert len(text.split()) == 5


def test_killed_training_resumes_where_it_stopped(tmp_path):
    kill_and_resume_training(tmp_path / "run")


def test_training_needs_a_budget():
    with pytest.raises(ValueError, match="Give epochs, minutes, or both"):
        zoo.train_text_generator("stdlib")
    for bad in (-1, 0, float("nan"), float("inf"), True):
        with pytest.raises(ValueError, match=f"minutes must be a positive number or None, got {bad!r}"):
            zoo.train_text_generator("stdlib", options=RunOptions(minutes=bad))
    with pytest.raises(ValueError, match="epochs must be a positive integer or None, got 2.5"):
        zoo.train_text_generator("stdlib", options=RunOptions(epochs=2.5))
    with pytest.raises(ValueError, match="learning_rate must be a positive number, got nan"):
        zoo.train_text_generator("stdlib", options=RunOptions(epochs=1), learning_rate=float("nan"))


def test_run_options_given_as_builder_arguments_are_refused_with_the_spelling_to_use():
    with pytest.raises(ValueError, match=r"^train_text_generator takes epochs, seed in its run options: "
                       r"options=RunOptions\(epochs=3, seed=1\)"):  # fmt: skip
        zoo.train_text_generator("stdlib", epochs=3, seed=1)
    with pytest.raises(ValueError, match="options must be a zoo.training.RunOptions, got dict"):
        zoo.train_image_classifier("lenet5", options={"epochs": 1})
    with pytest.raises(ValueError, match=r"overwrite and extend \(--continue\) need an output folder"):
        zoo.train_image_classifier("lenet5", options=RunOptions(epochs=1, overwrite=True))


def test_concurrent_atomic_writes_of_one_file_never_fail(tmp_path):
    import threading

    from zoo.json_files import write_json_atomically

    path = tmp_path / "search.json"
    errors = []

    def writer(k):
        try:
            for i in range(50):
                write_json_atomically(path, {"writer": k, "i": i})
        except OSError as err:  # a shared temporary name made one writer rename another's file away
            errors.append(err)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert read_history(path)["i"] == 49  # whole JSON from one of the writers
    assert [p.name for p in tmp_path.iterdir()] == ["search.json"]  # no temporary file left behind


def test_matched_units_is_the_closest_count_and_builds_only_sizes_near_it(monkeypatch):
    from zoo.training import text

    args = {"vocabulary": list("abcdefghij"), "embedding_dim": 4, "num_layers": 1}

    def count(units):
        model = zoo.create_model("text_generator", units=units, **args)
        model.build((None, 8))
        return model.count_params()

    counts = {u: count(u) for u in range(1, 41)}
    built = []
    original = text.create_model

    def recording(name, **kwargs):
        built.append(kwargs["units"])
        return original(name, **kwargs)

    monkeypatch.setattr(text, "create_model", recording)
    for target in (counts[1] - 5, counts[13] + 3, counts[29] - 1, (counts[20] + counts[21]) // 2, counts[40] + 99):
        expected = min(counts, key=lambda u: abs(counts[u] - target))  # the smaller of two equally close
        built.clear()
        assert text.matched_units(target, high=40, **args) == expected, target
        assert max(built) <= 2 * expected + 1, (target, built)  # the doubling stops just past the answer
        assert len(built) == len(set(built)), built  # no size built twice
