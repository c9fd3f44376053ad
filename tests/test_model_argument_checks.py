"""Every built-in model declares the Keras-free checks its builder runs first (``ModelInfo.checks``):
``zoo.check_model_arguments`` runs them without building, so the command line refuses a bad builder
value before it imports Keras, and what they refuse the builder refuses with the same words."""

import inspect
import math

import pytest

import zoo
from tests.conftest import run_python
from zoo.registry import check_model_arguments
from zoo.training.runs import RunOptions

BUILT_IN = [n for n in zoo.list_models() if zoo.model_info(n).target]
# Values each checked argument is tried with, one at a time, over the contract configuration.
CANDIDATES = (0, -1, 2.5, "?", None, True, math.nan, ["a"], {"width": 0}, (8, 32, 32), 21)
# A checked argument no single value makes wrong: weights="imagenet" is refused only beside a width_multiplier
# other than 1 (the other weights are checked when building).
REFUSED_ONLY_IN_COMBINATION = {"weights"}


def checks_of(name):
    """The check functions of ``name``'s entry."""
    import importlib

    out = []
    for check in zoo.model_info(name).checks:
        module_name, _, attribute = check.partition(":")
        out.append(getattr(importlib.import_module(module_name), attribute))
    return out


def checked_arguments(name) -> set:
    """The builder arguments that ``name``'s checks are given (a check's optional parameter, such as
    ``width_multiplier``, only where the builder has it)."""
    return {p for check in checks_of(name) for p in inspect.signature(check).parameters} & set(
        zoo.accepted_arguments(name)
    )


@pytest.mark.parametrize("name", BUILT_IN)
def test_every_built_in_declares_checks_that_take_its_builders_arguments(name):
    assert checks_of(name), f"{name} declares no Keras-free checks"
    for check in checks_of(name):
        required = [p.name for p in inspect.signature(check).parameters.values() if p.default is p.empty]
        assert set(required) - {"model_name"} <= set(zoo.accepted_arguments(name)), check.__name__


@pytest.mark.parametrize("name", BUILT_IN)
def test_what_the_checks_refuse_the_builder_refuses_with_the_same_message(name):
    overrides = dict(zoo.model_info(name).contract.overrides)
    check_model_arguments(name, overrides)  # the contract's configuration passes
    refused = set()
    for arg in sorted(checked_arguments(name)):
        for value in CANDIDATES:
            given = {**overrides, arg: value}
            try:
                check_model_arguments(name, given)
            except (TypeError, ValueError) as err:
                refused.add(arg)
                with pytest.raises((TypeError, ValueError)) as built:
                    zoo.create_model(name, **given)
                assert (type(built.value), str(built.value)) == (type(err), str(err)), (arg, value)
    assert refused == checked_arguments(name) - REFUSED_ONLY_IN_COMBINATION


# The arguments only a build checks: shapes and tensors, Keras's activations and dtypes, names, weights files,
# and keras.applications' ``classes``, which the CNN builders reconcile with ``num_classes`` as they build.
BUILD_ONLY = {
    "input_shape",
    "input_tensor",
    "classifier_activation",
    "weights",
    "name",
    "trainable",
    "dtype",
    "classes",
}


@pytest.mark.parametrize("name", BUILT_IN)
def test_what_the_builder_refuses_the_checks_refuse(name):
    """Each argument (but the build-only ones) given a bare ``object()``, which no builder takes for a number,
    a choice or a flag: where the builder refuses it, the Keras-free checks refuse it too."""
    overrides = dict(zoo.model_info(name).contract.overrides)
    missed = []
    for arg in zoo.accepted_arguments(name):
        if arg in BUILD_ONLY:
            continue
        given = {**overrides, arg: object()}
        try:
            zoo.create_model(name, **given)
        except (TypeError, ValueError):
            try:
                check_model_arguments(name, given)
            except (TypeError, ValueError):
                continue
            missed.append(arg)
    assert missed == []


def test_unknown_names_are_refused_as_create_model_refuses_them():
    with pytest.raises(zoo.BadArgumentError) as checked:
        check_model_arguments("resnet50", {"widht_multiplier": 0.5})
    with pytest.raises(zoo.BadArgumentError) as built:
        zoo.create_model("resnet50", widht_multiplier=0.5)
    assert str(checked.value) == str(built.value)
    assert "'widht_multiplier' -> 'width_multiplier'" in str(checked.value)
    check_model_arguments("text_generator", {"trainable": False})  # Keras's own, for a subclassed model
    with pytest.raises(zoo.BadArgumentError, match="'trainable'"):
        check_model_arguments("resnet50", {"trainable": False})


def test_a_backbones_arguments_are_checked_as_the_backbones_own():
    with pytest.raises(ValueError, match=r"^backbone_args: vgg_cifar: width must be a positive integer, got 0\.$"):
        check_model_arguments("video_classifier", {"backbone_args": {"width": 0}})
    with pytest.raises(zoo.BadArgumentError, match="^backbone_args: vgg_cifar got unexpected argument 'widht'"):
        check_model_arguments("image_captioner", {"backbone_args": {"widht": 4}})
    check_model_arguments("video_classifier", {"variant": "convlstm", "backbone": "none"})  # no frame CNN to check


def test_checking_every_model_imports_no_keras():
    code = (
        "import sys, zoo\n"
        "for name in zoo.list_models():\n"
        "    zoo.check_model_arguments(name, dict(zoo.model_info(name).contract.overrides))\n"
        "print('HEAVY', [m for m in ('keras', 'tensorflow', 'jax', 'torch') if m in sys.modules])\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "HEAVY []" in proc.stdout


def test_the_trainers_check_builder_values_before_they_touch_data(monkeypatch, tmp_path):
    """The Python API refuses a bad builder value before it loads or makes data, or opens a run folder."""
    from zoo.training.scenes import train_detector, train_segmenter
    from zoo.training.tasks import train_task

    def no_data(*args, **kwargs):
        raise AssertionError("data touched before the builder values were checked")

    for target in ("zoo.data.images.load_image_data", "zoo.training.text.load_corpus",
                   "zoo.training.tasks.make_task_data", "zoo.training.scenes.scene_splits"):  # fmt: skip
        monkeypatch.setattr(target, no_data)
    out = tmp_path / "run"
    with pytest.raises(ValueError, match=r"^resnet_cifar: depth must be 6n\+2"):
        zoo.train_image_classifier("resnet_cifar", "digits", options=RunOptions(epochs=1, out_dir=out), depth=21)
    with pytest.raises(ValueError, match="^units must be a positive integer, got 0"):
        zoo.train_text_generator("stdlib", options=RunOptions(epochs=1, out_dir=out), units=0)
    with pytest.raises(ValueError, match="^embed_dim=10 must be divisible by num_heads=4"):
        zoo.train_text_generator(
            "stdlib", options=RunOptions(epochs=1, out_dir=out), model_name="transformer_lm", embed_dim=10
        )
    with pytest.raises(ValueError, match="^fcn8s: fc_kernel must be a positive integer, got 0"):
        train_segmenter("fcn8s", 8, options=RunOptions(epochs=1, out_dir=out), fc_kernel=0)
    with pytest.raises(ValueError, match="^attention must be one of bahdanau, luong, none, got 'dot'"):
        train_task("seq2seq_attention", options=RunOptions(epochs=1, out_dir=out), attention="dot")
    # What the data gives (the recipe's data_arguments) is refused by name, not as Python's "multiple values".
    for name in ("input_shape", "num_classes", "classes"):
        with pytest.raises(ValueError, match=f"^train_image_classifier: {name} comes from the images data; leave"):
            zoo.train_image_classifier("resnet_cifar", "digits", options=RunOptions(epochs=1, out_dir=out), **{name: 3})
    with pytest.raises(ValueError, match="^train_detector: num_classes comes from the scenes data; leave it out"):
        train_detector("yolo_tiny", 8, options=RunOptions(epochs=1, out_dir=out), num_classes=3)
    assert not out.exists()
