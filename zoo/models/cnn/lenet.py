"""LeNet-5 (LeCun et al., 1998).

C1: 6 filters 5x5, S2: 2x2 average pooling, C3: 16 filters 5x5, S4: 2x2
average pooling, then C5 (120), F6 (84) and the classifier. The paper's C5
is a 5x5 convolution over a 5x5 map, which is the same as a dense layer on
the flattened map; we write it as Flatten + Dense. The paper connects C3 to
only some S2 maps; like almost every modern version, this one connects all,
giving 61,706 parameters for 32x32x1 input and 10 classes.
"""

from __future__ import annotations

import keras

from zoo.models.cnn.conventions import (
    check_arguments,
    document,
    image_input,
    load_weights,
    num_classes_of,
    pooled_features,
)

MIN_SIZE = 16  # 16 -> conv 12 -> pool 6 -> conv 2 -> pool 1


def lenet5(
    include_top=True,
    weights=None,
    input_shape=None,
    pooling=None,
    num_classes=10,
    classifier_activation="softmax",
    input_tensor=None,
    name="lenet5",
    *,
    classes=None,
):
    """LeNet-5: two 5x5 convolutions with 2x2 average pooling, then 120-84-`num_classes` dense layers."""
    num_classes = num_classes_of("lenet5", num_classes, classes, 10)
    shape = check_arguments(
        "lenet5",
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        num_classes=num_classes,
        classifier_activation=classifier_activation,
        input_tensor=input_tensor,
        default_shape=(32, 32, 1),
        min_size=MIN_SIZE,
        flattening_top=True,
    )
    image, inputs = image_input(shape, input_tensor)
    x = keras.layers.Conv2D(6, 5, activation="tanh", name="c1")(image)
    x = keras.layers.AveragePooling2D(2, name="s2")(x)
    x = keras.layers.Conv2D(16, 5, activation="tanh", name="c3")(x)
    x = keras.layers.AveragePooling2D(2, name="s4")(x)
    if include_top:
        x = keras.layers.Flatten(name="flatten")(x)
        x = keras.layers.Dense(120, activation="tanh", name="c5")(x)
        x = keras.layers.Dense(84, activation="tanh", name="f6")(x)
        x = keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled_features(x, pooling)
    model = keras.Model(inputs, x, name=name)
    return load_weights(model, weights, "lenet5")


document(
    lenet5, top="the 120-84-`num_classes` dense head", default_shape=(32, 32, 1), min_size=MIN_SIZE, fixed_size=True
)
