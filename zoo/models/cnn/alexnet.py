"""AlexNet (Krizhevsky, Sutskever and Hinton, 2012), in torchvision's single-stream form.

Note 002, C9: five convolutions and three dense layers, ReLU, data
augmentation and dropout. The paper split every layer over two GPUs (3 GB
each, too small for the whole model), with the two halves exchanging
activations only at some layers; that split is an engineering detail of 2012
hardware, so this builder, like torchvision's `alexnet`, is one stream with
the combined widths 64-192-384-256-256 (torchvision's "one weird trick"
variant). At 224x224x3 and 1000 classes it has 61,100,840 parameters, exactly
torchvision's count.
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.models.cnn.arguments import check_dropout
from zoo.models.cnn.conventions import (
    WIDTH_MULTIPLIER_ARGUMENT,
    check_arguments,
    document,
    image_input,
    load_weights,
    num_classes_of,
    pooled_features,
    scaled,
)

MIN_SIZE = 63  # the smallest input whose third max pooling still sees a 3x3 map


def alexnet(
    include_top=True,
    weights=None,
    input_shape=None,
    pooling=None,
    num_classes=1000,
    classifier_activation="softmax",
    input_tensor=None,
    dropout=0.5,
    width_multiplier=1.0,
    name="alexnet",
    *,
    classes=None,
):
    """AlexNet, single-stream: five convolutions (11x11, 5x5, then 3x3), three max poolings, 4096-4096 dense."""
    num_classes = num_classes_of("alexnet", num_classes, classes, 1000)
    check_dropout("alexnet", dropout=dropout)
    shape = check_arguments(
        "alexnet",
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        num_classes=num_classes,
        classifier_activation=classifier_activation,
        input_tensor=input_tensor,
        default_shape=(224, 224, 3),
        min_size=MIN_SIZE,
        flattening_top=True,
        width_multiplier=width_multiplier,
    )

    def width(published):
        return scaled(published, width_multiplier)

    image, inputs = image_input(shape, input_tensor)
    x = layers.ZeroPadding2D(2, name="conv1_pad")(image)
    x = layers.Conv2D(width(64), 11, strides=4, activation="relu", name="conv1")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    x = layers.Conv2D(width(192), 5, padding="same", activation="relu", name="conv2")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool2")(x)
    x = layers.Conv2D(width(384), 3, padding="same", activation="relu", name="conv3")(x)
    x = layers.Conv2D(width(256), 3, padding="same", activation="relu", name="conv4")(x)
    x = layers.Conv2D(width(256), 3, padding="same", activation="relu", name="conv5")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool5")(x)
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dropout(dropout, name="drop6")(x)
        x = layers.Dense(width(4096), activation="relu", name="fc6")(x)
        x = layers.Dropout(dropout, name="drop7")(x)
        x = layers.Dense(width(4096), activation="relu", name="fc7")(x)
        x = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled_features(x, pooling)
    return load_weights(keras.Model(inputs, x, name=name), weights, "alexnet")


document(
    alexnet,
    top="the 4096-4096-`num_classes` dense head",
    default_shape=(224, 224, 3),
    min_size=MIN_SIZE,
    fixed_size=True,
    after=(("dropout", "dropout rate before each of the first two dense layers."), WIDTH_MULTIPLIER_ARGUMENT),
)
