"""Every registered model trains with ``zoo train`` and is searched by ``zoo tune`` (issue: every model trainable).

Each registered name must have a training recipe, a search and a non-empty
search space, and ``zoo train`` runs one short epoch of every registered name
(at tiny sizes through the recipe's flags and ``--set``; the image classifiers
on 32 digits, one batch, those with published widths at their contract's
``width_multiplier``), so no model can be added without a working recipe.

The deeper variants of an image-classifier family (``resnet34`` ... ``resnet152``,
``vgg13`` ... ``vgg19_bn``, ``densenet121`` ... ``densenet201``) run their epoch op
by op (TensorFlow's ``run_functions_eagerly``): the recipe, data, trainer, run
folder, checkpoint and saved model are the ones a user gets, and only the tracing
of Keras's training graph is skipped, which costs 40-130 s a model on CI's CPUs
and is the same code path as the family's smallest variant, trained compiled here.
"""

import json

import pytest

import zoo
from tests.conftest import kill_and_resume
from zoo.cli import main
from zoo.kinds import data_kind
from zoo.training import tasks
from zoo.tune.objectives import parse_objectives
from zoo.tune.spaces import search_space

TINY_TEXT = ["--max-chars", "3000", "--steps-per-epoch", "2", "--seq-len", "16", "--batch-size", "4"]
TINY_SCENES = ["--scenes", "32", "--validation-scenes", "8", "--test-scenes", "8"]
TRAIN_FLAGS = {
    "text_generator": [*TINY_TEXT, "--sample-length", "5", "--units", "8", "--embedding-dim", "4", "--layers", "1"],
    "transformer_lm": [
        *TINY_TEXT,
        "--sample-length",
        "5",
        "--set",
        "embed_dim=8",
        "--set",
        "num_heads=2",
        "--set",
        "ff_dim=16",
        "--set",
        "num_layers=1",
        "--set",
        "max_length=16",
    ],  # fmt: skip
    "lenet5": ["--data", "digits", "--upscale", "4", "--batch-size", "256", "--no-augment"],
    "resnet_cifar": ["--data", "digits", "--batch-size", "256", "--set", "depth=8", "--set", "width=4"],
    "fcn8s": [*TINY_SCENES, "--set", "width=4", "--set", "fc_units=8"],
    "yolo_tiny": [*TINY_SCENES, "--set", "width=4"],
    "sentiment_rnn": ["--train-examples", "64", "--set", "units=4", "--set", "embedding_dim=4"],
    "seq2seq_attention": ["--train-examples", "64", "--set", "units=8", "--set", "embedding_dim=4"],
    "video_classifier": [
        "--train-examples",
        "32",
        "--set",
        "units=4",
        "--set",
        "backbone_args={'width': 4, 'blocks': 2, 'convs_per_block': 1}",
    ],  # fmt: skip
    "image_captioner": [
        "--train-examples",
        "64",
        "--set",
        "units=8",
        "--set",
        "embedding_dim=4",
        "--set",
        "backbone_args={'width': 4, 'blocks': 2}",
    ],  # fmt: skip
    "autoregressive_forecaster": [],
    "latent_forecaster": ["--set", "units=4"],
    "char_rnn": ["--train-examples", "4"],
}
TRAIN_FLAGS["fcn16s"] = TRAIN_FLAGS["fcn32s"] = TRAIN_FLAGS["fcn8s"]
# The image classifiers whose epoch below runs compiled, as a user's does: every family's smallest variant but
# DenseNet's, whose graph alone takes 50 s to trace here and whose compiled training step is tests/test_contract.py's
# on JAX.
FAMILIES_COMPILED_ELSEWHERE = {"densenet"}
COMPILED_IMAGE_CLASSIFIERS = ["lenet5", "resnet_cifar", "vgg_cifar", "alexnet", "vgg11", "vgg11_bn", "resnet18",
                              "googlenet"]  # fmt: skip
TRAINED = zoo.list_models()
RUN_EAGERLY = sorted(set(zoo.list_models(task="image-classification")) - set(COMPILED_IMAGE_CLASSIFIERS))


def train_flags(name):
    """The tiny ``zoo train`` flags of ``name``: its own above, or one batch of 32 digits for an image classifier
    (enlarged to its contract size: 32x32, AlexNet 64x64), at its contract width where it has published widths."""
    info = zoo.model_info(name)
    if name in TRAIN_FLAGS or info.task != "image-classification":
        return TRAIN_FLAGS[name]
    upscale = info.contract.input.shape[0] // 8  # digits are 8x8
    narrow = info.contract.overrides.get("width_multiplier")
    return ["--data", "digits", "--upscale", str(upscale), "--train-examples", "32", "--batch-size", "32",
            "--no-augment", *(["--set", f"width_multiplier={narrow}"] if narrow else [])]  # fmt: skip


@pytest.mark.parametrize("name", zoo.list_models())
def test_every_model_has_a_recipe_a_search_and_a_space(name):
    recipe = zoo.model_info(name).recipe
    assert recipe is not None, f"{name} has no training recipe"
    kind = data_kind(recipe.data)  # the kind that trains and searches it
    assert callable(kind.train) and kind.searchable, name
    if recipe.make_data is not None:
        assert callable(tasks.MAKERS.get(recipe.make_data)), (name, recipe.make_data)  # what make_task_data calls
    assert search_space(name), f"{name} declares nothing to search"


def test_every_image_classifier_family_trains_compiled_below():
    def families(names):
        return {zoo.model_info(name).family for name in names}

    image_classifiers = zoo.list_models(task="image-classification")
    assert families(image_classifiers) == families(COMPILED_IMAGE_CLASSIFIERS) | FAMILIES_COMPILED_ELSEWHERE
    assert set(COMPILED_IMAGE_CLASSIFIERS) <= set(image_classifiers)


@pytest.fixture
def functions_run_eagerly(request):
    """TensorFlow runs ``tf.function``s (Keras's training step among them) op by op during the test."""
    import tensorflow as tf

    tf.config.run_functions_eagerly(request.param)
    try:
        yield request.param
    finally:
        tf.config.run_functions_eagerly(False)


@pytest.mark.parametrize(
    "name, functions_run_eagerly",
    [pytest.param(n, n in RUN_EAGERLY, id=n) for n in TRAINED],
    indirect=["functions_run_eagerly"],
)
def test_zoo_train_runs_one_short_epoch(name, functions_run_eagerly, tmp_path, capsys):
    out = tmp_path / "run"
    assert main(["train", name, "--epochs", "1", "--verbose", "0", "--out", str(out), *train_flags(name)]) == 0
    printed = capsys.readouterr().out
    assert "saved:" in printed and (out / "model.keras").is_file() and (out / "curve.png").is_file()
    (row,) = json.loads((out / "history.json").read_text())
    # Every epoch logs the task's own score on held-out data: the headline its kind declares, which
    # zoo tune ranks by (zoo.tune.objectives).
    recipe = zoo.model_info(name).recipe
    (headline, *_) = data_kind(recipe.data).epoch_metrics(name, dict(recipe.model_defaults))
    assert headline in row and row["epoch"] == 1, row


def test_a_task_run_resumes_after_kill_9(tmp_path):
    out = tmp_path / "run"
    args = ("train", "autoregressive_forecaster", "--epochs", "3", "--out", str(out), "--verbose", "2")
    kill_and_resume(args, out, 3, killed_after=1)


@pytest.mark.parametrize(
    "name, flags",
    [
        ("autoregressive_forecaster", ["--space", "hidden_units=4,8"]),
        ("fcn8s", [*TINY_SCENES, "--set", "fc_units=8", "--space", "width=4,8"]),
        (
            "transformer_lm",
            [
                *TINY_TEXT,
                "--validation-steps",
                "1",
                "--set",
                "embed_dim=8",
                "--set",
                "ff_dim=16",
                "--set",
                "num_heads=2",
                "--set",
                "max_length=16",
                "--space",
                "num_layers=1,2",
            ],
        ),  # fmt: skip
    ],
)
def test_zoo_tune_searches_a_task_a_scene_model_and_the_transformer(name, flags, tmp_path, capsys):
    folder = tmp_path / "search"
    assert main(["tune", name, "--epochs", "1", "--steps-per-epoch", "2", "--verbose", "0",
                 "--dir", str(folder), *flags]) == 0  # fmt: skip
    trials = json.loads((folder / "results.json").read_text())
    assert len(trials) == 2 and all(t["status"] == "COMPLETED" for t in trials)
    # ranked by the task's headline (fcn8s: mean IoU, higher first), which each trial reports
    (objective,) = parse_objectives(None, data_kind(zoo.model_info(name).recipe.data).epoch_metrics(name, {}))
    assert json.loads((folder / "search.json").read_text())["objective"] == str(objective)
    assert trials == sorted(trials, key=lambda t: objective.key(t[objective.name]))
    assert "2 of 2 trials completed" in capsys.readouterr().out
