"""Registry behaviour: listing, lookup, errors, user registration, metadata in sync."""

import inspect

import pytest

import zoo
from tests.conftest import run_python
from zoo.registry import builtin_metadata_modules, default_registry, read_defaults, signature_defaults


def test_list_models_sorted_with_wildcards_and_task():
    names = zoo.list_models()
    assert names == sorted(names)
    assert {"lenet5", "text_generator"} <= set(names)
    assert zoo.list_models("lenet*") == ["lenet5"]
    assert zoo.list_models("*generator") == ["text_generator"]
    assert zoo.list_models("nothing*") == []
    assert "text_generator" in zoo.list_models(task="language-modeling")
    assert "lenet5" not in zoo.list_models(task="language-modeling")


def test_unknown_task_is_rejected_with_the_accepted_ones():
    with pytest.raises(ValueError, match=r"Unknown task 'vision'.*image-classification"):
        zoo.list_models(task="vision")


def test_unknown_name_suggests_close_matches():
    with pytest.raises(KeyError) as err:
        zoo.create_model("lenet")
    assert str(err.value) == "Unknown model 'lenet'. Did you mean: lenet5?"
    with pytest.raises(KeyError, match="Did you mean: text_generator"):
        zoo.model_info("text_generater")
    with pytest.raises(KeyError, match=r"zoo list"):
        zoo.model_info("qqqqqq")


def test_unknown_override_names_it_and_lists_accepted():
    with pytest.raises(TypeError) as err:
        zoo.create_model("lenet5", num_clases=3)
    msg = str(err.value)
    assert "'num_clases'" in msg and "num_classes" in msg and "include_top" in msg


def test_model_info_is_a_dataclass_with_metadata():
    info = zoo.model_info("lenet5")
    assert info.task == "image-classification" and info.family == "lenet"
    assert "LeCun" in info.paper
    assert info.default_args["num_classes"] == 10
    assert info.input.shape == (32, 32, 1)
    assert info.as_dict()["input"] == "(batch, 32, 32, 1) float32"


@pytest.mark.parametrize("name", [n for n in zoo.list_models() if zoo.model_info(n).target])
def test_defaults_read_from_the_source_match_the_builder_signature(name):
    """The registry reads a built-in's defaults with ``ast``; importing the builder must give the same."""
    builder = default_registry().builder(name)
    assert dict(zoo.model_info(name).default_args) == signature_defaults(builder)
    assert inspect.getdoc(builder), f"{name}'s builder has no docstring"
    # The accepted names, read from the source too, are the signature's (and Keras's for a subclassed model).
    params = inspect.signature(builder.__init__ if inspect.isclass(builder) else builder).parameters.values()
    signature = [p.name for p in params if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    if inspect.isclass(builder) and any(p.kind == p.VAR_KEYWORD for p in params):
        signature += [k for k in ("name", "trainable", "dtype") if k not in signature]
    assert zoo.accepted_arguments(name) == signature


def test_register_model_decorator_and_duplicate_names():
    @zoo.register_model(task="image-classification", family="mlp", paper="none")
    def tiny_test_mlp(num_classes=4, width=8):
        """A tiny MLP used by this test."""
        import keras

        inputs = keras.Input((6,))
        x = keras.layers.Dense(width, activation="relu")(inputs)
        return keras.Model(inputs, keras.layers.Dense(num_classes)(x))

    try:
        assert "tiny_test_mlp" in zoo.list_models("tiny*")
        info = zoo.model_info("tiny_test_mlp")
        assert info.description == "A tiny MLP used by this test."
        assert info.default_args == {"num_classes": 4, "width": 8}
        model = zoo.create_model("tiny_test_mlp", num_classes=3)
        assert model.output_shape == (None, 3)
        with pytest.raises(ValueError, match="already registered"):
            zoo.register_model("tiny_test_mlp", task="image-classification", family="mlp")(tiny_test_mlp)
        with pytest.raises(ValueError, match="already registered"):
            zoo.register_model("lenet5", task="image-classification", family="mlp")(tiny_test_mlp)
    finally:
        zoo.unregister_model("tiny_test_mlp")
    assert "tiny_test_mlp" not in zoo.list_models()


def test_register_model_rejects_unknown_task_and_bare_use():
    with pytest.raises(ValueError, match="Unknown task 'cooking'"):
        zoo.register_model("x_model", task="cooking", family="f")(lambda: None)
    with pytest.raises(TypeError, match="'task' and 'family'"):
        zoo.register_model(lambda: None)


def test_listing_and_info_import_neither_keras_nor_numpy():
    code = (
        "import sys, zoo\n"
        "zoo.list_models(); zoo.model_info('text_generator'); zoo.data.load_corpus\n"
        "heavy = [m for m in ('keras', 'tensorflow', 'jax', 'torch', 'numpy') if m in sys.modules]\n"
        "print('HEAVY', heavy)\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr
    assert "HEAVY []" in proc.stdout


@pytest.mark.parametrize(
    "first",
    [
        "import zoo; import keras",
        "import keras; import zoo",
        "import zoo.layers",  # Keras imported from inside a zoo module's own import
        "import zoo; zoo.create_model('lenet5')",
    ],
)
def test_keras_finds_every_zoo_class_once_both_are_imported(first):
    code = (
        f"{first}\n"
        "import keras\n"
        "names = ['zoo>TextGenerator', 'zoo>CharRNN', 'zoo>LSTMCell', 'zoo>GRUCell', 'zoo>SimpleRNNCell']\n"
        "print('MISSING', [n for n in names if keras.saving.get_registered_object(n) is None])\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "MISSING []" in proc.stdout


def test_every_subpackage_is_an_attribute_of_zoo_and_metrics_need_no_keras():
    """``zoo.detection`` and ``zoo.segmentation`` once raised AttributeError until something else imported them."""
    import pathlib

    packages = sorted(p.parent.name for p in pathlib.Path(zoo.__file__).parent.glob("*/__init__.py"))
    code = (
        "import sys, zoo\n"
        "zoo.metrics.corpus_bleu, zoo.metrics.mean_average_precision\n"
        "print('KERAS', 'keras' in sys.modules)\n"
        "assert zoo.cnn is zoo.models.cnn and zoo.detection is zoo.models.detection and zoo.models.rnn\n"
        "print('KERAS-FREE FAMILIES', 'keras' not in sys.modules)\n"
        f"print('MISSING', [p for p in {packages!r} if not hasattr(getattr(zoo, p), '__path__')])\n"
        "zoo.detection.detect, zoo.segmentation.fcn8s, zoo.models.rnn.char_rnn\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "KERAS False" in proc.stdout and "MISSING []" in proc.stdout
    assert "KERAS-FREE FAMILIES True" in proc.stdout


def test_every_model_lives_in_the_folder_of_its_metadata():
    """Each built-in's builder is in the family folder whose ``metadata.py`` declares it."""
    import importlib

    families = builtin_metadata_modules()
    assert len(families) >= 7, families
    for module in families:
        folder = module.rpartition(".")[0]
        for info in importlib.import_module(module).MODELS:
            assert info.target.startswith(folder + "."), f"{info.name}: {info.target} is not in {folder}"


def test_a_default_that_is_not_a_constant_is_refused_naming_the_builder(tmp_path, monkeypatch):
    (tmp_path / "planted_builders.py").write_text(
        "import math\nWIDTH = 8\n"
        "def good(width=WIDTH, shape=(3, 4), *, name='good', extra=None):\n    pass\n"
        "def bad(units=math.floor(3.5)):\n    pass\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    assert read_defaults("planted_builders:good") == {"width": 8, "shape": (3, 4), "name": "good", "extra": None}
    with pytest.raises(ValueError, match=r"planted_builders:bad\(units=\): its default math.floor\(3.5\) is not"):
        read_defaults("planted_builders:bad")
    with pytest.raises(ValueError, match="no function or class 'missing'"):
        read_defaults("planted_builders:missing")


def test_adding_a_model_touches_one_folder(tmp_path):
    """A new family folder, a builder module and a ``metadata.py``, and nothing else: the registry
    lists it without importing Keras, and ``create_model`` builds it with the defaults of its source."""
    family = tmp_path / "zoo_extra" / "tiny_mlp"
    family.mkdir(parents=True)
    (family / "__init__.py").write_text('"""A tiny MLP family."""\n')
    (family / "builders.py").write_text(
        "import keras\n\n"
        "def tiny_mlp(num_classes=3, width=8, name='tiny_mlp'):\n"
        '    """A two-layer MLP on 6 features."""\n'
        "    inputs = keras.Input((6,))\n"
        "    x = keras.layers.Dense(width, activation='relu')(inputs)\n"
        "    return keras.Model(inputs, keras.layers.Dense(num_classes, activation='softmax')(x), name=name)\n"
    )
    (family / "metadata.py").write_text(
        "from zoo.registry.entries import ContractConfig, InputSpec, ModelInfo\n\n"
        "MODELS = (\n"
        "    ModelInfo(name='tiny_mlp', task='image-classification', family='mlp', paper=None,\n"
        "              description='A two-layer MLP on 6 features.', target='zoo.models.tiny_mlp.builders:tiny_mlp',\n"
        "              contract=ContractConfig(overrides={}, input=InputSpec((6,)), output=(3,))),\n"
        ")\n"
    )
    code = (
        "import sys, zoo.models\n"
        f"zoo.models.__path__.append({str(family.parent)!r})  # the folder, as if it were in zoo/models/\n"
        "import zoo\n"
        "print('LISTED', zoo.list_models('tiny*'), zoo.model_info('tiny_mlp').default_args)\n"
        "print('KERAS', 'keras' in sys.modules)\n"
        "print('OUTPUT', zoo.create_model('tiny_mlp', width=4).output_shape)\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "LISTED ['tiny_mlp'] {'num_classes': 3, 'width': 8, 'name': 'tiny_mlp'}" in proc.stdout
    assert "KERAS False" in proc.stdout and "OUTPUT (None, 3)" in proc.stdout


def test_family_short_names_work_in_imports_and_attributes_alike():
    """``zoo.cnn.resnet50`` was an AttributeError and ``from zoo.detection import ...`` an ImportError."""
    code = (
        "import sys, zoo\n"
        "from zoo.cnn import resnet50\n"
        "from zoo.detection import yolo_tiny\n"
        "from zoo.segmentation import fcn8s\n"
        "import zoo.cnn\n"
        "assert zoo.cnn is zoo.models.cnn and resnet50 is zoo.cnn.resnet50 is zoo.models.cnn.resnet.resnet50\n"
        "assert yolo_tiny is zoo.models.detection.yolo_tiny and fcn8s is zoo.segmentation.fcn8s\n"
        "cnns = [n for n in zoo.list_models() if zoo.model_info(n).target.startswith('zoo.models.cnn.')]\n"
        "print('MISSING', [n for n in cnns if not callable(getattr(zoo.cnn, n))])\n"
    )
    proc = run_python(code)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert "MISSING []" in proc.stdout
