"""The CNN zoo: exact parameter counts, keras.applications weight compatibility, validation."""

import sys

import keras
import numpy as np
import pytest

import zoo
from zoo.models.cnn.arithmetic import conv_output_size, conv_params, dense_params, receptive_field
from zoo.models.cnn.conventions import copy_weights

# keras.applications' counts at 224x224x3 with the 1000-class top.
KERAS_APPLICATIONS = {
    "vgg16": ("VGG16", 138_357_544),
    "vgg19": ("VGG19", 143_667_240),
    "resnet50": ("ResNet50", 25_636_712),
    "resnet101": ("ResNet101", 44_707_176),
    "resnet152": ("ResNet152", 60_419_944),
    "densenet121": ("DenseNet121", 8_062_504),
    "densenet169": ("DenseNet169", 14_307_880),
    "densenet201": ("DenseNet201", 20_242_984),
}
TORCHVISION = {"alexnet": 61_100_840, "resnet18": 11_689_512, "resnet34": 21_797_672}
# The exact gaps to torchvision: Keras-style ResNets keep their convolution biases (resnet.py's docstrings).
TORCHVISION_GAP = {"alexnet": 0, "resnet18": 14_400, "resnet34": 25_536}
# Counts at 224x224x3 with 1000 classes, as published (torchvision's VGG-11/13) or derived in the docstrings.
DOCUMENTED = {
    "resnet18": 11_703_912,
    "resnet34": 21_823_208,
    "googlenet": 6_998_552,
    "vgg11": 132_863_336,
    "vgg13": 133_047_848,
}


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name", KERAS_APPLICATIONS)
def test_parameter_count_equals_keras_applications(name):
    assert zoo.create_model(name).count_params() == KERAS_APPLICATIONS[name][1]


@pytest.mark.parametrize("name", KERAS_APPLICATIONS)
def test_keras_applications_weights_copy_across(name):
    application, _ = KERAS_APPLICATIONS[name]
    keras.utils.set_random_seed(1)
    reference = getattr(keras.applications, application)(weights=None, input_shape=(64, 64, 3))
    ours = zoo.create_model(name, input_shape=(64, 64, 3))
    copy_weights(reference, ours)
    x = np.random.default_rng(0).uniform(0, 1, (2, 64, 64, 3)).astype("float32")
    to_numpy = keras.ops.convert_to_numpy
    np.testing.assert_allclose(to_numpy(ours(x)), to_numpy(reference(x)), atol=1e-5, rtol=0)
    assert [w.name for w in ours.weights][:4] == [w.name for w in reference.weights][:4]


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name", TORCHVISION)
def test_torchvision_count_plus_the_known_gap(name):
    assert zoo.create_model(name).count_params() == TORCHVISION[name] + TORCHVISION_GAP[name]


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name", DOCUMENTED)
def test_docstrings_state_the_exact_counts(name):
    assert zoo.create_model(name).count_params() == DOCUMENTED[name]
    builder = zoo.registry.default_registry().builder(name)
    documented = (builder.__doc__ or "") + (sys.modules[builder.__module__].__doc__ or "")
    assert f"{DOCUMENTED[name]:,}" in documented, f"{name}: {DOCUMENTED[name]:,} is not stated in its documentation"


@pytest.mark.usefixtures("weights_left_uninitialised")
def test_googlenet_aux_heads_and_size():
    model = zoo.create_model("googlenet", aux_heads=True)
    assert len(model.outputs) == 3 and all(o.shape == (None, 1000) for o in model.outputs)
    plain = zoo.create_model("googlenet").count_params()
    assert plain == DOCUMENTED["googlenet"]  # the paper: about 6.8 M
    assert plain < zoo.create_model("alexnet").count_params() / 8  # C12: far fewer than AlexNet


@pytest.mark.parametrize(
    "name, kwargs, message",
    [
        ("resnet50", {"input_shape": (31, 64, 3)}, r"resnet50: input height and width must be at least 32"),
        ("alexnet", {"input_shape": (62, 62, 3)}, r"at least 63"),
        ("densenet121", {"input_shape": (64, 64)}, r"rank 3 .* got \(64, 64\) of rank 2"),
        ("vgg16", {"num_classes": 0}, r"num_classes must be a positive integer, got 0"),
        ("googlenet", {"pooling": "mean"}, r"pooling must be one of None, 'avg' or 'max', got 'mean'"),
        ("resnet50", {"weights": "imagenet", "num_classes": 10}, r"needs num_classes=1000 .* got 10"),
        ("resnet50", {"weights": "imagenet", "input_shape": (128, 128, 3)}, r"needs input_shape \(224, 224, 3\)"),
        ("densenet121", {"weights": "imagenet", "include_top": False, "input_shape": (64, 64, 1)}, r"3-channel"),
        ("resnet18", {"weights": "imagenet"}, r"publishes no ImageNet weights for this architecture"),
        ("vgg16", {"weights": "pretrained"}, r"weights must be None .*'imagenet', or the path .* got 'pretrained'"),
        ("resnet_cifar", {"depth": 21}, r"depth must be 6n\+2 .* got 21"),
        ("googlenet", {"aux_heads": True, "include_top": False}, r"aux_heads=True needs include_top=True"),
        ("resnet50", {"width_multiplier": 0}, r"resnet50: width_multiplier must be a positive number, got 0\."),
        ("vgg19_bn", {"width_multiplier": float("nan")}, r"vgg19_bn: width_multiplier must be .* got nan"),
        ("alexnet", {"width_multiplier": True}, r"alexnet: width_multiplier must be .* got True"),
        ("googlenet", {"width_multiplier": "half"}, r"googlenet: width_multiplier must be .* got 'half'"),
        ("densenet121", {"weights": "imagenet", "width_multiplier": 0.5}, r"needs width_multiplier=1.0 .* got 0.5"),
    ],
)
def test_validation_errors(name, kwargs, message):
    with pytest.raises(ValueError, match=message):
        zoo.create_model(name, **kwargs)


def test_weights_file_that_does_not_match(tmp_path):
    path = tmp_path / "small.weights.h5"
    zoo.create_model("resnet_cifar", depth=8).save_weights(path)
    with pytest.raises(ValueError, match=r"resnet_cifar: the weights file .* does not match this model"):
        zoo.create_model("resnet_cifar", depth=14, weights=str(path))


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("depth, width", [(8, 8), (20, 16), (32, 16)])
def test_small_variants_scale_with_depth_and_width(depth, width):
    model = zoo.create_model("resnet_cifar", depth=depth, width=width)
    convs = [layer for layer in model.layers if isinstance(layer, keras.layers.Conv2D) and "_0_" not in layer.name]
    assert len(convs) + 1 == depth  # 6n+2: the convolutions plus the classifier
    assert model.output_shape == (None, 10)
    narrow = zoo.create_model("vgg_cifar", width=8, blocks=2).count_params()
    assert narrow < zoo.create_model("vgg_cifar", width=16, blocks=2).count_params()


# One variant of each block kind: basic and bottleneck residual, VGG with and without batch norm, dense,
# inception (with the auxiliary heads), AlexNet.
NARROWED = [("resnet18", {}), ("resnet50", {}), ("vgg11", {}), ("vgg11_bn", {}), ("densenet121", {}),
            ("googlenet", {"aux_heads": True, "input_shape": (160, 160, 3)}), ("alexnet", {})]  # fmt: skip


@pytest.mark.usefixtures("weights_left_uninitialised")
@pytest.mark.parametrize("name, kwargs", NARROWED)
def test_width_multiplier_scales_every_hidden_width_and_keeps_the_layers(name, kwargs):
    # Every published width of these families is a multiple of 4, so at a quarter each one is exactly a quarter,
    # those derived from others (a bottleneck's 4x, a transition's half of a concatenation) included.
    kwargs = {"input_shape": (64, 64, 3), "num_classes": 10, **kwargs}
    published = zoo.create_model(name, **kwargs)
    assert published.count_params() == zoo.create_model(name, width_multiplier=1.0, **kwargs).count_params()
    narrow = zoo.create_model(name, width_multiplier=0.25, **kwargs)
    assert [layer.name for layer in narrow.layers] == [layer.name for layer in published.layers]
    widths = 0
    for wide, thin in zip(published.layers, narrow.layers, strict=True):
        if isinstance(wide, keras.layers.Conv2D):
            assert 4 * thin.filters == wide.filters, wide.name
            widths += 1
        elif isinstance(wide, keras.layers.Dense):
            assert (thin.units == 10) if wide.units == 10 else (4 * thin.units == wide.units), wide.name
            widths += 1
    assert widths >= 5 and narrow.output_shape == published.output_shape


@pytest.mark.parametrize(
    "size, kernel, stride, padding, dilation",
    [
        (32, 3, 1, "valid", 1),
        (32, 3, 1, "same", 1),
        (224, 7, 2, "same", 1),
        (227, 11, 4, "valid", 1),
        (15, 3, 2, "valid", 1),
        (20, 3, 1, "valid", 2),
        (9, 2, 2, "same", 1),
    ],
)
def test_output_size_equals_keras(size, kernel, stride, padding, dilation):
    layer = keras.layers.Conv2D(1, kernel, strides=stride, padding=padding, dilation_rate=dilation)
    expected = layer.compute_output_shape((None, size, size, 1))[1]
    assert conv_output_size(size, kernel, stride, padding, dilation) == expected
    pool = keras.layers.MaxPooling2D(kernel, strides=stride, padding=padding) if dilation == 1 else None
    if pool is not None:
        assert conv_output_size(size, kernel, stride, padding) == pool.compute_output_shape((None, size, size, 1))[1]


def test_explicit_padding_and_errors():
    assert conv_output_size(224, 11, 4, padding=2) == 55  # AlexNet's first layer
    with pytest.raises(ValueError, match="does not fit"):
        conv_output_size(2, 3)
    with pytest.raises(ValueError, match="padding must be 'valid', 'same' or an integer"):
        conv_output_size(8, 3, padding="full")


def test_receptive_field_and_parameter_counts_equal_keras():
    assert receptive_field([(3, 1), (3, 1)]) == 5  # two 3x3 see what one 5x5 sees
    assert receptive_field([(3, 1)] * 3) == 7
    assert receptive_field([(7, 2), (3, 2), (3, 1)]) == 7 + 2 * 2 + 2 * 4
    conv = keras.layers.Conv2D(64, 3)
    conv.build((None, 8, 8, 32))
    assert conv.count_params() == conv_params(3, 32, 64) == 3 * 3 * 32 * 64 + 64
    dense = keras.layers.Dense(10)
    dense.build((None, 400))
    assert dense.count_params() == dense_params(400, 10)
    two_3x3, one_5x5 = 2 * conv_params(3, 64, 64, bias=False), conv_params(5, 64, 64, bias=False)
    assert two_3x3 / one_5x5 == pytest.approx(18 / 25)
