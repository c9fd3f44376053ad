"""FCN (note 002, V1-V3): convolutionalization, bilinear transposed convolutions, any input size, scores."""

import keras
import numpy as np
import pytest

import zoo
from zoo.layers import bilinear_kernel, upsampling_layer
from zoo.models.segmentation import convolutionalize, segmentation_scores, transfer_backbone

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends


SMALL = {"num_classes": 5, "backbone": "vgg11", "width": 4, "fc_units": 8, "fc_kernel": 3}


def numpy(x):
    return keras.ops.convert_to_numpy(x)


# -- V2: convolutionalization -------------------------------------------------------
@pytest.fixture(scope="module")
def lenet_pair():
    keras.utils.set_random_seed(0)
    lenet = zoo.create_model("lenet5")  # C5 is Dense(120) on a flattened 5x5x16 map
    return lenet, convolutionalize(lenet)


def test_convolutionalized_lenet_has_the_same_parameters(lenet_pair):
    lenet, fcn = lenet_pair
    assert fcn.count_params() == lenet.count_params() == 61_706
    conv = fcn.get_layer("c5_conv")
    assert isinstance(conv, keras.layers.Conv2D) and conv.kernel.shape == (5, 5, 16, 120)
    assert fcn.get_layer("f6_conv").kernel.shape == (1, 1, 120, 84)
    assert not [layer for layer in fcn.layers if isinstance(layer, (keras.layers.Dense, keras.layers.Flatten))]


def test_convolutionalized_lenet_gives_the_same_outputs(lenet_pair):
    lenet, fcn = lenet_pair
    x = np.random.default_rng(0).random((4, 32, 32, 1), np.float32)
    scores = numpy(fcn(x))
    assert scores.shape == (4, 1, 1, 10)
    np.testing.assert_allclose(scores[:, 0, 0], numpy(lenet(x)), atol=1e-6)


def test_on_a_larger_image_it_slides_the_classifier(lenet_pair):
    """On a 40x36 image the output is a 3x2 map; each entry is LeNet's output on the window
    it sees (LeNet's total stride is 4)."""
    lenet, fcn = lenet_pair
    x = np.random.default_rng(1).random((2, 40, 36, 1), np.float32)
    scores = numpy(fcn(x))
    assert scores.shape == (2, 3, 2, 10)
    for i in range(3):
        for j in range(2):
            window = x[:, 4 * i : 4 * i + 32, 4 * j : 4 * j + 32]
            np.testing.assert_allclose(scores[:, i, j], numpy(lenet(window)), atol=1e-6)


def test_convolutionalize_explains_what_it_cannot_rewrite():
    with pytest.raises(ValueError, match="has no Flatten layer"):
        convolutionalize(zoo.create_model("vgg_cifar", width=4, blocks=2))
    with pytest.raises(ValueError, match="needs a chain of layers"):
        convolutionalize(zoo.create_model("resnet18", input_shape=(32, 32, 3), num_classes=3))


def test_fcn_fc6_is_vgg_fc1_convolutionalized():
    """FCN's fc6/fc7 hold exactly what VGG's fc1/fc2 become (7x7 and 1x1 convolutions of 4096)."""
    vgg = zoo.create_model("vgg11", input_shape=(32, 32, 3), num_classes=3)  # pool5 is 1x1x512 here
    fcn = convolutionalize(vgg)
    assert fcn.count_params() == vgg.count_params()
    x = np.random.default_rng(2).random((1, 32, 32, 3), np.float32)
    np.testing.assert_allclose(numpy(fcn(x))[:, 0, 0], numpy(vgg(x)), atol=1e-5)
    fcn32 = zoo.create_model("fcn32s", backbone="vgg11", num_classes=3, width=8, fc_units=32)
    assert fcn32.get_layer("fc6").kernel.shape == (7, 7, 64, 32)  # VGG's 7x7 pool5 map, 8 x width channels
    assert fcn32.get_layer("fc7").kernel.shape == (1, 1, 32, 32)


# -- V3: bilinear transposed convolution ------------------------------------------------
@pytest.mark.parametrize("factor", [2, 4, 8])
def test_bilinear_transposed_convolution_equals_bilinear_resize(factor):
    """Away from the border (where zero padding enters), the initialised Conv2DTranspose is
    exactly keras.ops.image.resize's bilinear (half-pixel) interpolation."""
    x = np.random.default_rng(factor).random((2, 6, 7, 3), np.float32)
    layer = upsampling_layer(3, factor, name="up")
    up = numpy(layer(x))
    resized = numpy(keras.ops.image.resize(x, (6 * factor, 7 * factor), interpolation="bilinear", antialias=False))
    assert up.shape == resized.shape == (2, 6 * factor, 7 * factor, 3)
    inner = slice(factor, -factor)
    np.testing.assert_allclose(up[:, inner, inner], resized[:, inner, inner], atol=1e-5)
    assert layer.kernel.shape == (2 * factor, 2 * factor, 3, 3)
    kernel = numpy(layer.kernel)
    assert np.count_nonzero(kernel[:, :, 0, 1]) == 0  # each channel reads only itself


def test_bilinear_kernel_weights():
    k = bilinear_kernel(2, 1)[:, :, 0, 0]
    np.testing.assert_allclose(k[0], [0.0625, 0.1875, 0.1875, 0.0625])  # (1 - |i - 1.5| / 2) products
    assert k.sum() == pytest.approx(4.0)  # factor**2: every output pixel gets total weight 1


# -- FCN models ---------------------------------------------------------------------
@pytest.mark.parametrize("name", ["fcn32s", "fcn16s", "fcn8s"])
def test_fcn_takes_any_input_size(name):
    keras.utils.set_random_seed(0)
    model = zoo.create_model(name, **SMALL)
    for shape in ((64, 64), (40, 57)):
        x = np.random.default_rng(0).random((2, *shape, 3), np.float32)
        y = numpy(model(x))
        assert y.shape == (2, *shape, 5)
        np.testing.assert_allclose(y.sum(-1), 1.0, atol=1e-5)


def test_skips_start_at_zero_and_match_the_paper():
    keras.utils.set_random_seed(0)
    fcn8 = zoo.create_model("fcn8s", **SMALL)
    names = {layer.name for layer in fcn8.layers}
    assert {"score_fr", "upscore2", "score_pool4", "fuse_pool4", "upscore_pool4", "score_pool3", "upscore8"} <= names
    for skip in ("score_pool4", "score_pool3"):
        assert not np.any(numpy(fcn8.get_layer(skip).kernel))
    fcn16 = zoo.create_model("fcn16s", **SMALL)
    assert "upscore16" in {layer.name for layer in fcn16.layers} and "score_pool3" not in {
        layer.name for layer in fcn16.layers
    }


def test_fcn_with_skips_at_zero_predicts_its_coarse_scores_upsampled():
    """With the skip scores at zero, fcn16s is score_fr upsampled 2x then 16x: bilinear twice."""
    keras.utils.set_random_seed(0)
    model = zoo.create_model("fcn16s", **SMALL, classifier_activation=None)
    x = np.random.default_rng(3).random((1, 256, 192, 3), np.float32)
    coarse = keras.Model(model.input, model.get_layer("score_fr").output)(x)
    assert coarse.shape == (1, 8, 6, 5)
    expected = keras.ops.image.resize(coarse, (16, 12), interpolation="bilinear", antialias=False)
    expected = numpy(keras.ops.image.resize(expected, (256, 192), interpolation="bilinear", antialias=False))
    inner = slice(48, -48)  # the borders see the zero padding of both upsamplings
    np.testing.assert_allclose(numpy(model(x))[:, inner, inner], expected[:, inner, inner], atol=1e-5)


def test_transfer_backbone_copies_a_zoo_vgg():
    keras.utils.set_random_seed(0)
    vgg = zoo.create_model("vgg11", include_top=False, input_shape=(32, 32, 3))
    fcn = zoo.create_model("fcn32s", backbone="vgg11", num_classes=3, fc_units=16)
    copied = transfer_backbone(vgg, fcn)
    assert copied == [layer.name for layer in vgg.layers if layer.get_weights()]
    x = np.random.default_rng(4).random((1, 32, 32, 3), np.float32)
    pool5 = keras.Model(fcn.input, fcn.get_layer("block5_pool").output)
    np.testing.assert_allclose(numpy(pool5(x)), numpy(vgg(x)), atol=1e-4)
    with pytest.raises(ValueError, match="layer 'block1_conv1' has weights of shapes"):
        transfer_backbone(vgg, zoo.create_model("fcn32s", backbone="vgg11", width=8, fc_units=16))


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"backbone": "resnet50"}, "unknown backbone 'resnet50'; choose one of vgg11, vgg13, vgg16, vgg19"),
        ({"width": 0}, "width must be a positive integer, got 0"),
        ({"dropout": 1.5}, "dropout must be a number in [0, 1), got 1.5"),
        ({"input_shape": (3, 64, 64)}, "looks like channels_first"),
        ({"num_classes": 0}, "num_classes must be a positive integer, got 0"),
    ],
)
def test_bad_fcn_arguments_are_named(overrides, message):
    import re

    with pytest.raises(ValueError, match=re.escape(message)):
        zoo.create_model("fcn8s", **{**SMALL, **overrides})


# -- scores ---------------------------------------------------------------------------
def test_scores_by_hand():
    """class 0: TP 1, FN 1 -> IoU 1/2; class 1: TP 2, FP 1 -> IoU 2/3; class 2 absent; 255 ignored."""
    masks = np.array([[[0, 0, 1, 1, 255]]])
    predicted = np.array([[[0, 1, 1, 1, 2]]])
    s = segmentation_scores(masks, predicted, num_classes=3)
    assert s.pixel_accuracy == pytest.approx(3 / 4)
    assert s.mean_iou == pytest.approx((1 / 2 + 2 / 3) / 2)
    assert s.class_iou[:2] == pytest.approx((1 / 2, 2 / 3)) and np.isnan(s.class_iou[2])
    perfect = segmentation_scores(masks, np.where(masks == 255, 0, masks), num_classes=3)
    assert perfect.mean_iou == 1.0 and perfect.pixel_accuracy == 1.0
    with pytest.raises(ValueError, match=r"differ in shape"):
        segmentation_scores(masks, predicted[..., :3], num_classes=3)
