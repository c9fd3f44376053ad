"""The ``zoo`` command line: output, one-line errors and exit codes."""

import json

import zoo
from tests.conftest import run_zoo
from zoo.cli import main


def test_list_shows_the_first_tenants():
    proc = run_zoo("list")
    assert proc.returncode == 0
    names = [line.split()[0] for line in proc.stdout.splitlines()]
    assert "lenet5" in names and "text_generator" in names
    proc = run_zoo("list", "len*", "--json")
    assert json.loads(proc.stdout) == ["lenet5"]


def test_list_by_task_and_bad_task():
    proc = run_zoo("list", "--task", "language-modeling", "--json")
    assert "text_generator" in json.loads(proc.stdout) and "lenet5" not in json.loads(proc.stdout)
    proc = run_zoo("list", "--task", "poetry")
    assert proc.returncode == 2 and "invalid choice: 'poetry'" in proc.stderr


def test_info_and_bad_name():
    proc = run_zoo("info", "lenet5", "--json")
    assert proc.returncode == 0
    assert json.loads(proc.stdout)["default_args"]["num_classes"] == 10
    assert json.loads(proc.stdout)["builder"] == "zoo.models.cnn.lenet:lenet5"  # where it lives
    proc = run_zoo("info", "lenet")
    assert proc.returncode == 2
    assert proc.stderr.strip().splitlines()[-1] == "zoo info: error: Unknown model 'lenet'. Did you mean: lenet5?"
    assert proc.stdout == ""


# The commands below import Keras, so they run in this test process (through ``main``, as ``python -m zoo``
# does) rather than in a fresh one each; the Keras-free commands above run as the user runs them.
def test_summary_counts_parameters_and_applies_overrides(capsys):
    assert main(["summary", "lenet5", "--set", "num_classes=3", "--set", "input_shape=(28, 28, 1)"]) == 0
    # 28x28 input: conv 6*(25+1)=156, conv 16*(150+1)=2416, dense 256*120+120, 120*84+84, 84*3+3
    expected = 156 + 2416 + (16 * 4 * 4 * 120 + 120) + (120 * 84 + 84) + (84 * 3 + 3)
    assert f"Total params: {expected:,}" in capsys.readouterr().out


def test_summary_bad_override_and_bad_value_fail_clearly(capsys):
    assert main(["summary", "lenet5", "--set", "num_clases=3"]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("zoo summary: error: lenet5 got unexpected argument 'num_clases'")
    assert "Did you mean 'num_clases' -> 'num_classes'? Accepted:" in last
    assert main(["summary", "lenet5", "--set", "pooling=median"]) == 2
    assert "pooling must be one of None, 'avg' or 'max', got 'median'" in capsys.readouterr().err
    assert main(["summary", "lenet5", "--set", "oops"]) == 2
    err = capsys.readouterr().err
    assert "--set expects key=value" in err and "Traceback" not in err


def test_help_everywhere():
    for args in ([], ["list"], ["info"], ["summary"], ["train"], ["generate"]):
        proc = run_zoo(*args, "--help")
        assert proc.returncode == 0 and "usage: zoo" in proc.stdout, args


def test_generate_command_matches_the_library(tmp_path, capsys):
    import keras
    import numpy as np

    keras.utils.set_random_seed(0)
    model = zoo.create_model("text_generator", units=16, embedding_dim=8)
    model(np.zeros((1, 2), "int32"))
    model.save(tmp_path / "m.keras")
    saved = str(tmp_path / "m.keras")
    assert main(["generate", saved, "--prompt", "def ", "--length", "25", "--temperature", "0"]) == 0
    assert capsys.readouterr().out == "def " + zoo.generate(model, "def ", 25, temperature=0) + "\n"
    assert main(["generate", saved, "--prompt", "x", "--length", "5", "--num-samples", "3"]) == 0
    assert capsys.readouterr().out.count("--- sample") == 3
    assert main(["generate", saved, "--prompt", "x", "--top-p", "2"]) == 2
    assert "argument --top-p: expected a number in [1e-06, 1], got '2'" in capsys.readouterr().err


def test_generate_missing_file_is_a_clear_error(tmp_path):
    proc = run_zoo("generate", str(tmp_path / "none.keras"), "--prompt", "x")
    assert proc.returncode == 2
    assert "No saved model at" in proc.stderr and "Traceback" not in proc.stderr


def test_train_and_tune_read_the_recipe_from_the_registry():
    proc = run_zoo("info", "text_generator")
    assert proc.returncode == 0
    assert "training (zoo train / zoo tune): text data, batch 32, windows of 64, learning rate 0.003" in proc.stdout
    info = json.loads(run_zoo("info", "resnet_cifar", "--json").stdout)
    assert info["recipe"]["data"] == "images" and info["recipe"]["batch_size"] == 64


def test_a_model_without_a_recipe_is_refused_naming_those_with_one(capsys):
    # Every built-in model has a recipe; one registered without is refused by zoo train and zoo tune.
    @zoo.register_model(task="image-classification", family="mlp")
    def recipe_less_example(num_classes=3):
        """A registered model with no training recipe."""

    try:
        for command in ("train", "tune"):
            extra = ("--dir", "unused") if command == "tune" else ()
            assert main([command, "recipe_less_example", "--epochs", "1", *extra]) == 2
            (line,) = capsys.readouterr().err.strip().splitlines()
            kind = "training" if command == "train" else "search"
            assert line.startswith(
                f"zoo {command}: error: zoo {command} has no {kind} recipe for recipe_less_example "
                "(image-classification); models with one: "
            )
            images = len(zoo.list_models(task="image-classification")) - 1
            assert f"{images} image-classification models (zoo list --task image-classification)" in line
            assert "text_generator, transformer_lm" in line and "fcn16s, fcn32s, fcn8s" in line
    finally:
        zoo.unregister_model("recipe_less_example")
