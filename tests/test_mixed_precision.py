"""Mixed precision (`zoo train --dtype-policy`, `RunOptions.dtype_policy`) and TensorBoard logs of a training run
(`--tensorboard DIR`): the cells from the gate equations, carried states and generation under bfloat16."""

import json

import keras
import numpy as np
import pytest

import zoo
from tests.conftest import run_python, tensorboard_logs
from zoo.cli import main
from zoo.layers import GRUCell, LSTMCell, SimpleRNNCell

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends

TINY_TEXT = ["--max-chars", "60000", "--seq-len", "16", "--batch-size", "8", "--steps-per-epoch", "4", "--units",
             "16", "--embedding-dim", "8", "--verbose", "0"]  # fmt: skip


@pytest.fixture
def mixed_bfloat16():
    keras.config.set_dtype_policy("mixed_bfloat16")
    yield
    keras.config.set_dtype_policy("float32")


@pytest.mark.parametrize("cell", [SimpleRNNCell, LSTMCell, GRUCell])
def test_the_cells_from_the_equations_train_in_bfloat16_with_float32_weights(cell, mixed_bfloat16):
    model = keras.Sequential([keras.Input((6, 3)), keras.layers.RNN(cell(8)), keras.layers.Dense(1, dtype="float32")])
    model.compile("adam", "mse")
    x = np.random.default_rng(0).random((16, 6, 3), dtype="float32")
    loss = model.train_on_batch(x, x[:, -1, :1])
    assert np.isfinite(loss)
    assert all(v.dtype == "float32" for v in model.trainable_variables)  # the weights stay float32
    assert keras.backend.standardize_dtype(model.layers[0](x).dtype) == "bfloat16"  # the arithmetic does not


def test_generation_runs_under_bfloat16(mixed_bfloat16):
    vocabulary = list("abcdefgh ")
    lm = zoo.create_model("text_generator", vocabulary=vocabulary, units=16, embedding_dim=8)
    transformer = zoo.create_model("transformer_lm", vocabulary=vocabulary, max_length=32, embed_dim=16,
                                   num_heads=2, ff_dim=16, num_layers=1)  # fmt: skip
    for model in (lm, transformer):
        model.build((None, None))
        text = zoo.generate(model, "ab", 12, temperature=0)  # bfloat16 states and caches, float32 logits
        assert isinstance(text, str) and len(text) == 12  # untrained: any 12 tokens (an unknown one shows as U+FFFD)


@pytest.mark.parametrize("name, args", [
    ("text_generator", {"units": 16, "embedding_dim": 8}),
    ("transformer_lm", {"max_length": 32, "embed_dim": 16, "num_heads": 2, "ff_dim": 16, "num_layers": 1}),
])  # fmt: skip
def test_a_mixed_precision_language_model_loads_as_one_in_a_fresh_process(name, args, tmp_path, mixed_bfloat16):
    model = zoo.create_model(name, vocabulary=list("abcdefgh "), **args)
    model.save(tmp_path / "lm.keras")
    x = np.arange(24, dtype="int32").reshape(2, 12) % 9 + 1
    here = np.asarray(model(x), dtype="float32")
    code = (
        "import sys, keras, numpy as np, zoo\n"
        "m = zoo.load_model(sys.argv[1], compile=False)\n"
        "x = np.arange(24, dtype='int32').reshape(2, 12) % 9 + 1\n"
        "layers = m._flatten_layers()  # the model, its layers and theirs\n"
        "print(sorted({w.dtype for w in m.trainable_weights}), sorted({l.dtype_policy.name for l in layers}))\n"
        "np.save(sys.argv[2], np.asarray(m(x), dtype='float32'))"
    )
    proc = run_python(code, str(tmp_path / "lm.keras"), str(tmp_path / "out.npy"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    # float32 weights; every layer, nested ones too, computing in bfloat16 in a process whose policy is float32
    assert proc.stdout.strip().splitlines()[-1] == "['float32'] ['mixed_bfloat16']"
    np.testing.assert_array_equal(np.load(tmp_path / "out.npy"), here)


def test_zoo_train_in_mixed_bfloat16_with_carried_states_and_tensorboard(tmp_path):
    out, board = tmp_path / "run", tmp_path / "board"
    argv = ["train", "text_generator", "--epochs", "2", *TINY_TEXT, "--dtype-policy", "mixed_bfloat16", "--out",
            str(out), "--tensorboard", str(board)]  # fmt: skip
    assert main(argv) == 0
    assert keras.config.dtype_policy().name == "float32"  # the caller's policy back after the run
    settings = json.loads((out / "zoo-run.json").read_text())["settings"]
    assert settings["dtype_policy"] == "mixed_bfloat16" and settings["carry_state"] is not False
    history = json.loads((out / "history.json").read_text())
    logs = tensorboard_logs(board)
    assert logs["validation"]["epoch_loss"] == pytest.approx([row["val_loss"] for row in history], rel=1e-5)
    assert len(logs["train"]["epoch_loss"]) == 2
    code = (
        "import sys, keras, numpy as np, zoo\n"
        "m = zoo.load_model(sys.argv[1], compile=False)\n"
        "x = np.arange(24, dtype='int32').reshape(2, 12) % 60 + 3\n"
        "print(sorted({l.dtype_policy.name for l in m.layers}), keras.config.dtype_policy().name)\n"
        "print(repr(np.asarray(m(x), dtype='float32').ravel()[:50].tolist()))"
    )
    proc = run_python(code, str(out / "model.keras"))
    assert proc.returncode == 0, proc.stderr[-2000:]
    policies, outputs = proc.stdout.strip().splitlines()[-2:]
    assert policies == "['mixed_bfloat16'] float32"  # saved with its layers' policy, in a float32 process
    trained = zoo.load_model(out / "model.keras", compile=False)
    x = np.arange(24, dtype="int32").reshape(2, 12) % 60 + 3
    np.testing.assert_array_equal(np.asarray(eval(outputs), dtype="float32"),
                                  np.asarray(trained(x), dtype="float32").ravel()[:50])  # fmt: skip


def test_mixed_float16_scales_the_loss(tmp_path):
    import dataclasses

    from zoo.data.images import load_digits, upscale
    from zoo.training import RunOptions, train_image_classifier

    digits = load_digits()
    digits = dataclasses.replace(digits, x_train=upscale(digits.x_train, 2), x_test=upscale(digits.x_test, 2))
    options = RunOptions(epochs=1, dtype_policy="mixed_float16", verbose=0)
    result = train_image_classifier("lenet5", digits, options=options, train_examples=64, augment=False)
    assert type(result.model.optimizer).__name__ == "LossScaleOptimizer"  # Keras wraps it under mixed_float16
    assert np.isfinite(result.history[-1]["loss"]) and keras.config.dtype_policy().name == "float32"
    with pytest.raises(ValueError, match="dtype_policy must be one of float32, mixed_float16, mixed_bfloat16"):
        RunOptions(epochs=1, dtype_policy="float16").check()
