"""LeNet-5: exact parameter count, heads and pooling, and every validation error."""

import keras
import numpy as np
import pytest

import zoo


def test_parameter_count_is_the_classic_61706():
    # c1 6*(5*5*1+1) + c3 16*(5*5*6+1) + c5 (400+1)*120 + f6 (120+1)*84 + out (84+1)*10
    assert zoo.create_model("lenet5").count_params() == 156 + 2416 + 48120 + 10164 + 850 == 61706


@pytest.mark.parametrize("pooling, shape", [(None, (None, None, None, 16)), ("avg", (None, 16)), ("max", (None, 16))])
def test_headless_pooling(pooling, shape):
    model = zoo.create_model("lenet5", include_top=False, pooling=pooling)
    assert model.input_shape == (None, None, None, 1)  # keras.applications: no top, any size
    assert model.output_shape == shape
    fixed = zoo.create_model("lenet5", include_top=False, pooling=pooling, input_shape=(32, 32, 1))
    assert fixed.output_shape == (shape if pooling else (None, 5, 5, 16))


def test_headless_accepts_variable_size_and_minimum_size_works():
    model = zoo.create_model("lenet5", include_top=False, input_shape=(None, None, 3), pooling="avg")
    assert model(np.zeros((1, 40, 24, 3), "float32")).shape == (1, 16)
    assert zoo.create_model("lenet5", input_shape=(16, 16, 1)).output_shape == (None, 10)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"input_shape": (15, 32, 1)}, r"at least 16, got \(15, 32, 1\)"),
        ({"input_shape": (32, 32)}, r"rank 3 .* got \(32, 32\) of rank 2"),
        ({"input_shape": 32}, r"input_shape must be a tuple .* got 32"),
        ({"num_classes": 0}, r"num_classes must be a positive integer, got 0"),
        ({"num_classes": 2.5}, r"got 2.5"),
        ({"pooling": "median"}, r"pooling must be one of None, 'avg' or 'max', got 'median'"),
        ({"include_top": "yes"}, r"include_top must be True or False, got 'yes'"),
        ({"classifier_activation": "sofmax"}, r"unknown classifier_activation 'sofmax'"),
        ({"weights": "imagenet"}, r"publishes no ImageNet weights for this architecture; use weights=None or"),
        (
            {"weights": "/no/file.h5"},
            r"weights must be None .* or the path to an existing weights file; got '/no/file.h5'",
        ),
        ({"input_shape": (None, None, 1)}, r"dense head needs a fixed height and width"),
    ],
)
def test_validation_errors_name_the_bad_value(kwargs, message):
    with pytest.raises(ValueError, match=message):
        zoo.create_model("lenet5", **kwargs)


def test_weights_file_round_trip_and_mismatch(tmp_path):
    keras.utils.set_random_seed(3)
    model = zoo.create_model("lenet5")
    path = tmp_path / "lenet5.weights.h5"
    model.save_weights(path)
    loaded = zoo.create_model("lenet5", weights=str(path))
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
    with pytest.raises(ValueError, match=r"lenet5\.weights\.h5' does not match this model"):
        zoo.create_model("lenet5", num_classes=5, weights=str(path))
