"""Exporting registered models (zoo.exporting, zoo export): each artifact is run by its own runtime.

Every registered model is exported, at its contract size, to every format
its registry entry does not refuse, and the artifact is run (TensorFlow for a
SavedModel, onnxruntime for ONNX, the LiteRT interpreter for ``.tflite``)
against Keras's outputs. A refused format must be refused by
``export_model`` and, in one line, by ``zoo export``.

CI exports one model for each set of operations: a model left out is made
of the same layers as the one it is mapped to in ``COVERED_BY`` (more of the
same blocks, the same blocks with or without batch normalization), and the
large ones take half a minute to minutes each to convert on 2 cores. ``ZOO_EXPORT_ALL=1``
exports them too (``benchmarks/export_matrix.py`` does, and writes the
README's matrix).
"""

import os
import re

import numpy as np
import pytest

import zoo
from tests.conftest import REPO, run_zoo
from tests.test_contract import build
from zoo.cli import main
from zoo.exporting import FORMATS, ExportRefusedError, check_exported, example_inputs, export_model

pytest.importorskip("tf2onnx")
pytest.importorskip("onnxruntime")
keras = pytest.importorskip("keras")
if keras.backend.backend() != "tensorflow":
    pytest.skip("exporting converts TensorFlow graphs", allow_module_level=True)

# Left out of CI's run: each is built of the operations of the model it maps to.
COVERED_BY = {
    **dict.fromkeys(("resnet34", "resnet50", "resnet101", "resnet152"), "resnet18"),  # add, batch norm
    # convolutions, batch norm, max pooling, dropout; flatten and dense as lenet5
    **dict.fromkeys(("vgg11", "vgg13", "vgg16", "vgg19", "vgg11_bn", "vgg13_bn", "vgg16_bn", "vgg19_bn"), "vgg_cifar"),
    "alexnet": "vgg_cifar",  # strided convolutions and max pooling, flatten, dense, dropout (lenet5's)
    **dict.fromkeys(("densenet121", "densenet169", "densenet201"), "googlenet"),  # concatenation
    **dict.fromkeys(("fcn16s", "fcn32s"), "fcn8s"),  # transposed convolutions, skips
}
MODELS = [n for n in zoo.list_models() if os.environ.get("ZOO_EXPORT_ALL") or n not in COVERED_BY]
CASES = [
    pytest.param(name, fmt, marks=pytest.mark.xdist_group(f"export-{name}"))  # one build per model
    for name in MODELS
    for fmt in FORMATS
]
_built = {}


def _model(name):
    if name not in _built:
        _built[name] = build(name)
    return _built[name]


def _artifact(tmp_path, name, fmt):
    return tmp_path / f"{name}{FORMATS[fmt] or '_saved_model'}"


@pytest.mark.parametrize("name, fmt", CASES)
def test_exported_artifact_runs_as_keras_does(name, fmt, tmp_path):
    model = _model(name)
    why = zoo.model_info(name).export_refusals.get(fmt)
    path = _artifact(tmp_path, name, fmt)
    if why:
        with pytest.raises(ExportRefusedError, match=re.escape(why)):
            export_model(model, path, fmt)
        assert not path.exists()
        return
    export_model(model, path, fmt)
    x = example_inputs(model, fmt, name=name)  # the contract's example sizes; LiteRT's batch of 1
    assert check_exported(model, path, fmt, x) < 1e-4


def test_onnx_fixes_free_axes_so_another_size_is_an_error_not_a_wrong_answer(tmp_path):
    # tf2onnx with a free height and width returned a 32x32 map for a 40x56 input (issue 20).
    import onnxruntime

    model = _model("fcn8s")
    path = export_model(model, tmp_path / "fcn8s.onnx", "onnx", input_shape=(40, 56, 3))
    x = np.random.default_rng(0).standard_normal((2, 40, 56, 3)).astype("float32")
    assert check_exported(model, path, "onnx", x) < 1e-4
    session = onnxruntime.InferenceSession(path)
    assert session.run(None, {session.get_inputs()[0].name: x})[0].shape[1:3] == (40, 56)
    with pytest.raises(Exception, match="(?i)dimension|shape"):
        session.run(None, {session.get_inputs()[0].name: x[:, :32, :32]})


def test_token_models_export_with_integer_inputs(tmp_path):
    # Keras alone traced text_generator's SavedModel with a float input, which refused token ids.
    import tensorflow as tf

    path = export_model(_model("text_generator"), tmp_path / "tg", "tf_saved_model")
    (spec,) = tf.saved_model.load(path).signatures["serve"].structured_input_signature[1].values()
    assert spec.dtype == tf.int32 and spec.shape.as_list() == [None, None]


def test_export_never_replaces_a_file(tmp_path):
    path = tmp_path / "lenet5.onnx"
    path.write_text("a user's file")
    with pytest.raises(FileExistsError, match="never replaces"):
        export_model(_model("lenet5"), path, "onnx")
    assert path.read_text() == "a user's file"


@pytest.fixture
def refused_model():
    """A small registered model whose entry refuses LiteRT (no built-in model does: see the README's matrix)."""

    @zoo.register_model(
        task="image-classification",
        family="mlp",
        export_refusals={"litert": "it stands for a model whose operations LiteRT lacks"},
    )
    def export_refusal_example(num_classes=3):
        inputs = keras.Input((4,))
        return keras.Model(inputs, keras.layers.Dense(num_classes)(inputs), name="export_refusal_example")

    yield "export_refusal_example"
    zoo.unregister_model("export_refusal_example")


def test_a_refused_format_is_refused_in_one_line_and_writes_nothing(refused_model, tmp_path, capsys, monkeypatch):
    from zoo.cli import main

    model = zoo.create_model(refused_model)
    with pytest.raises(ExportRefusedError, match="it stands for a model whose operations LiteRT lacks"):
        export_model(model, tmp_path / "m.tflite", "litert")
    monkeypatch.chdir(tmp_path)
    assert main(["export", refused_model, "--format", "litert"]) == 2
    assert capsys.readouterr().err.splitlines() == [
        f"zoo export: error: {refused_model} cannot be exported to litert: it stands for a model whose operations "
        "LiteRT lacks."
    ]
    assert list(tmp_path.iterdir()) == []
    assert main(["export", refused_model, "--format", "onnx"]) == 0  # the other formats work
    assert (tmp_path / f"{refused_model}.onnx").is_file()


def test_a_wrong_input_shape_is_one_line_before_tensorflow_loads(tmp_path):
    shape = run_zoo("export", "fcn8s", "--format", "onnx", "--input-shape", "40,56", cwd=tmp_path)
    assert shape.returncode == 2
    assert shape.stderr.strip().splitlines() == [
        "zoo export: error: input_shape must match the model's inputs (free, free, 3), got (40, 56)."
    ]
    assert list(tmp_path.iterdir()) == []


def test_zoo_export_runs_the_artifact(tmp_path, capsys):
    out = tmp_path / "lenet5.onnx"
    assert main(["export", "lenet5", "--format", "onnx", "--out", str(out)]) == 0
    assert "run in onnxruntime" in capsys.readouterr().out and out.is_file()
    again = run_zoo("export", "lenet5", "--format", "onnx", cwd=tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr


def test_readme_matrix_lists_every_model_and_the_registrys_refusals():
    readme = open(os.path.join(REPO, "README.md"), encoding="utf-8").read()
    table = readme.split("<!-- export-matrix -->")[1].strip().split("\n\n")[0]
    rows = dict(re.findall(r"^\| `(\w+)` \| (.+) \|$", table, re.M))
    assert sorted(rows) == zoo.list_models()
    for name, cells in rows.items():
        cells = [c.strip() for c in cells.split("|")]
        refused = zoo.model_info(name).export_refusals
        assert [c.startswith("refused") for c in cells] == [f in refused for f in FORMATS], name
