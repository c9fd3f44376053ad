"""keras.applications' own input conventions, checked as its applications_test checks them.

For the eight architectures zoo shares with keras.applications: without a
top any height and width (and channel count) is accepted, ``pooling`` gives
a vector, a custom input shape and a custom input tensor work, and the
classifier activation is the one asked for. channels_first is refused with one line, never built wrongly.
"""

import inspect
import re

import keras
import pytest

import zoo
from zoo.registry import default_registry

# (zoo name, feature channels of the last block), as keras.applications' test lists them.
SHARED = [
    ("vgg16", 512),
    ("vgg19", 512),
    ("resnet50", 2048),
    ("resnet101", 2048),
    ("resnet152", 2048),
    ("densenet121", 1024),
    ("densenet169", 1664),
    ("densenet201", 1920),
]


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name,last_dim", SHARED)
def test_notop_accepts_variable_size_and_channels(name, last_dim):
    for channels in (1, 4):
        model = zoo.create_model(name, include_top=False, input_shape=(None, None, channels))
        assert list(model.outputs[0].shape) == [None, None, None, last_dim]


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name,last_dim", SHARED)
def test_notop_default_input_is_free_size_and_pooling_gives_a_vector(name, last_dim):
    model = zoo.create_model(name, include_top=False, pooling="max")
    assert model.input_shape == (None, None, None, 3)
    assert list(model.outputs[0].shape) == [None, last_dim]


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name,last_dim", SHARED)
def test_notop_custom_input_shape(name, last_dim):
    model = zoo.create_model(name, include_top=False, input_shape=(123, 123, 3))
    assert model.outputs[0].shape[-1] == last_dim


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name,last_dim", SHARED)
def test_notop_custom_input_tensor(name, last_dim):
    inputs = keras.Input(shape=(200, 200, 4), name="custom_input")
    features = keras.layers.Conv2D(3, 2, padding="valid", strides=2)(inputs)
    model = zoo.create_model(name, include_top=False, input_tensor=features)
    assert model.outputs[0].shape[-1] == last_dim
    assert model.inputs[0] is inputs and model.input_shape == (None, 200, 200, 4)  # the tensor's source input


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name,last_dim", SHARED)
def test_classifier_activation(name, last_dim):
    model = zoo.create_model(name, include_top=True, classifier_activation="softmax")
    assert model.input_shape == (None, 224, 224, 3)  # a top keeps keras.applications' fixed default
    assert model.layers[-1].activation.__name__ == "softmax"
    model = zoo.create_model(name, include_top=True, classifier_activation=None, num_classes=7)
    assert model.layers[-1].activation.__name__ == "linear" and model.output_shape == (None, 7)


def test_notop_accepts_a_small_image_keras_accepts():
    model = zoo.create_model("resnet50", include_top=False, pooling="avg")
    features = model(keras.random.normal((2, 64, 64, 3)))
    assert tuple(features.shape) == (2, 2048)


def test_channels_first_is_refused_in_one_line():
    keras.config.set_image_data_format("channels_first")
    try:
        with pytest.raises(ValueError, match=r"resnet50: zoo's CNN builders take channels_last.*'channels_first'"):
            zoo.create_model("resnet50")
    finally:
        keras.config.set_image_data_format("channels_last")
    with pytest.raises(ValueError, match=r"looks like channels_first.*pass \(64, 64, 3\)"):
        zoo.create_model("resnet50", include_top=False, input_shape=(3, 64, 64))


def test_input_tensor_errors_name_the_problem():
    with pytest.raises(ValueError, match=r"input_tensor must be a tensor .* got list"):
        zoo.create_model("resnet50", include_top=False, input_tensor=[1, 2, 3])
    tensor = keras.Input(shape=(64, 64, 3))
    with pytest.raises(ValueError, match=r"input_shape \(32, 32, 3\) disagrees with input_tensor's shape \(64, 64"):
        zoo.create_model("resnet50", include_top=False, input_shape=(32, 32, 3), input_tensor=tensor)
    with pytest.raises(ValueError, match="weights='imagenet' cannot be combined with input_tensor"):
        zoo.create_model("resnet50", include_top=False, weights="imagenet", input_tensor=tensor)


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name", ["resnet18", "vgg_cifar", "lenet5", "densenet121"])
def test_classes_is_keras_applications_name_for_num_classes(name):
    """keras.applications spells it ``classes``: the builders and create_model take both names."""
    shape = (32, 32, 1) if name == "lenet5" else (32, 32, 3)
    by_classes = zoo.create_model(name, classes=7, input_shape=shape)
    assert by_classes.output_shape == (None, 7)
    assert zoo.create_model(name, classes=7, num_classes=7, input_shape=shape).output_shape == (None, 7)
    builder = default_registry().builder(name)  # the function itself, e.g. zoo.models.cnn.resnet.resnet18
    assert builder(classes=5, input_shape=shape).output_shape == (None, 5)
    with pytest.raises(ValueError, match=rf"{name}: classes=7 and num_classes=3 disagree; give one of them"):
        zoo.create_model(name, classes=7, num_classes=3, input_shape=shape)


CNN_CLASSIFIERS = [n for n in zoo.list_models() if zoo.model_info(n).target.startswith("zoo.models.cnn.")]


@pytest.mark.parametrize("name", CNN_CLASSIFIERS)
def test_every_cnn_variant_documents_each_argument_in_signature_order(name):
    """The shared docstring template (``zoo.models.cnn.conventions.document``) lists every argument
    of the variant's signature under ``Args:``, in order, and says what it returns."""
    builder = default_registry().builder(name)
    doc = inspect.getdoc(builder)
    args_section = doc.split("\nArgs:\n", 1)[1].split("\n\n", 1)[0]
    documented = re.findall(r"^    (\w+): ", args_section, re.M)
    signature = [p for p in inspect.signature(builder).parameters if p != "classes"]  # under num_classes
    assert documented == signature
    assert "`classes=`" in doc and "\nReturns:\n" in doc


def test_the_template_check_finds_an_undocumented_argument():
    from zoo.models.cnn.conventions import document

    def planted(width=8, include_top=True, name="planted"):
        """A planted builder."""

    document(planted, top="a head", default_shape=(8, 8, 3), min_size=1)  # no text for ``width``
    documented = re.findall(r"^    (\w+): ", inspect.getdoc(planted).split("\nArgs:\n", 1)[1], re.M)
    assert "width" not in documented and list(inspect.signature(planted).parameters) != documented
