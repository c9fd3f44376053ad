"""transformer_lm: the key/value cache equals full recomputation, sliding-window generation, training, A4 costs."""

import json

import keras
import numpy as np
import pytest

import zoo
import zoo.models.transformer.transformer_lm
from zoo.cli import main
from zoo.decoding.generation import generate_ids
from zoo.studies.attention_cost import forward_costs, slopes
from zoo.training.runs import RunOptions

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends


def tiny_lm(max_length=16, positional="learned", seed=0):
    keras.utils.set_random_seed(seed)
    model = zoo.create_model(
        "transformer_lm",
        max_length=max_length,
        embed_dim=16,
        num_heads=2,
        ff_dim=24,
        num_layers=2,
        positional=positional,
    )
    model.build((None, max_length))
    return model


@pytest.mark.parametrize("positional", ["learned", "sinusoidal"])
def test_cached_steps_equal_the_full_causal_forward(positional):
    model = tiny_lm(positional=positional)
    x = np.random.default_rng(0).integers(0, model.vocab_size, (3, 14)).astype("int32")
    full = keras.ops.convert_to_numpy(model(x))
    logits, states = model.prefill(x[:, :5])
    cached = [keras.ops.convert_to_numpy(logits)]
    for t in range(5, 14):
        logits, states = model.step(keras.ops.convert_to_tensor(x[:, t]), states)
        cached.append(keras.ops.convert_to_numpy(logits))
    np.testing.assert_allclose(np.stack(cached, 1), full[:, 4:], atol=1e-5)
    assert int(keras.ops.convert_to_numpy(states[0])) == 14  # the cache's position


def _greedy_by_recomputation(model, prompt, length):
    """Greedy decoding that re-runs the whole window each step, sliding as generate_ids does."""
    context, history, out = model.max_length, prompt[:, -(model.max_length - 1) :], []
    while len(out) < length:
        if history.shape[1] == context:
            history = history[:, -(context // 2) :]
        logits = keras.ops.convert_to_numpy(model(history))
        token = logits[:, -1].argmax(-1).astype("int32")
        out.append(token)
        history = np.concatenate([history, token[:, None]], axis=1)
    return np.stack(out, axis=1)


def test_greedy_generation_slides_past_the_context_and_equals_recomputation():
    model = tiny_lm(max_length=16)
    prompt = np.random.default_rng(1).integers(1, model.vocab_size, (2, 20)).astype("int32")  # longer than 16
    fast = generate_ids(model, prompt, 40, temperature=0)
    assert fast.shape == (2, 40)
    np.testing.assert_array_equal(fast, _greedy_by_recomputation(model, prompt, 40))
    text = zoo.generate(model, "def f(x):", 30, seed=0, num_samples=2)
    assert len(text) == 2 and all(len(t) == 30 for t in text)


def test_attention_maps_are_causal_distributions():
    model = tiny_lm()
    x = np.random.default_rng(2).integers(0, model.vocab_size, (2, 10)).astype("int32")
    logits, maps = model(x, return_attention_scores=True)
    assert len(maps) == 2 and tuple(maps[0].shape) == (2, 2, 10, 10)
    weights = keras.ops.convert_to_numpy(maps[1])
    np.testing.assert_allclose(weights.sum(-1), 1.0, atol=1e-5)
    assert np.abs(np.triu(weights, k=1)).max() == 0.0  # nothing attends to the future


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"embed_dim": 10, "num_heads": 4}, r"embed_dim=10 must be divisible by num_heads=4"),
        ({"positional": "rotary"}, r"positional must be one of \['learned', 'sinusoidal'\], got 'rotary'"),
        ({"max_length": 0}, r"max_length must be a positive integer, got 0"),
    ],
)
def test_bad_arguments_are_named(overrides, message):
    with pytest.raises(ValueError, match=message):
        zoo.create_model("transformer_lm", **overrides)


def test_longer_inputs_than_the_context_are_refused():
    model = tiny_lm(max_length=8)
    with pytest.raises(ValueError, match=r"12 tokens but this TransformerLM reads at most max_length=8"):
        model(np.zeros((1, 12), "int32"))


def test_trains_through_the_text_trainer_and_refuses_carried_state(tmp_path):
    line = "def add(a, b):\n    return a + b\n"
    corpus = zoo.data.TextCorpus("tiny", line * 300, line * 40, ())
    small = {"embed_dim": 16, "num_heads": 2, "ff_dim": 32, "num_layers": 1, "max_length": 32}
    with pytest.raises(ValueError, match="carry_state=True needs a recurrent model; transformer_lm"):
        zoo.train_transformer_lm(
            corpus, options=RunOptions(epochs=1), steps_per_epoch=1, seq_len=32, carry_state=True, **small
        )
    result = zoo.train_transformer_lm(
        corpus,
        options=RunOptions(epochs=3, out_dir=tmp_path, verbose=0),
        steps_per_epoch=20,
        seq_len=32,
        batch_size=16,
        learning_rate=5e-3,
        **small,
    )
    model, rows = result.model, result.history
    bits = [r["val_bpc"] for r in rows]
    assert bits[-1] < bits[0] and bits[-1] < 2.5  # a repeated line is learnt well below log2(98) = 6.6 bits
    loaded = keras.saving.load_model(tmp_path / "model.keras")
    assert isinstance(loaded, zoo.models.transformer.transformer_lm.TransformerLM) and loaded.max_length == 32
    assert zoo.generate(loaded, "def ", 12, temperature=0) == zoo.generate(model, "def ", 12, temperature=0)


def test_zoo_train_reads_the_transformer_recipe(tmp_path, capsys):
    args = ["train", "transformer_lm", "--corpus", "pydoc", "--epochs", "1", "--steps-per-epoch", "2",
            "--max-chars", "40000", "--set", "embed_dim=16", "--set", "ff_dim=32", "--set", "num_layers=1",
            "--sample-length", "20", "--out", str(tmp_path), "--verbose", "0"]  # fmt: skip
    assert main(args) == 0  # in this process, which has Keras imported already
    assert "bits per character" in capsys.readouterr().out
    rows = json.loads((tmp_path / "history.json").read_text())
    assert len(rows) == 1 and np.isfinite(rows[0]["val_bpc"])


def test_attention_memory_grows_as_n_squared_and_the_lstm_as_n():
    rows = forward_costs([128, 256, 512], width=32, num_heads=2, repeats=1)
    fitted = slopes(rows)
    assert 1.7 < fitted["attention", "train_bytes"] < 2.3
    assert 0.7 < fitted["lstm", "train_bytes"] < 1.3  # (compiled sizes: no timing is asserted)


def test_compiled_prediction_with_lengths_known_only_at_run_time():
    """predict_on_batch traces with a None length (TensorFlow), so the causal mask is built when run."""
    model = tiny_lm()
    for length in (5, 9):
        x = np.random.default_rng(length).integers(0, model.vocab_size, (2, length)).astype("int32")
        compiled = keras.ops.convert_to_numpy(model.predict_on_batch(x))
        np.testing.assert_allclose(compiled, keras.ops.convert_to_numpy(model(x)), atol=1e-5)
