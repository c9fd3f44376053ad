"""GoogLeNet, Inception v1 (Szegedy et al., Going Deeper with Convolutions, 2014).

Note 002, C8 and C12: 1x1 convolutions shrink the channels before the
expensive 3x3 and 5x5 convolutions, so the 22-layer network has far fewer
parameters than AlexNet or VGG. Each inception module runs four branches in
parallel (1x1; 1x1 then 3x3; 1x1 then 5x5; 3x3 max pooling then 1x1) and
concatenates them. The widths are those of the paper's table 1.

As in the paper there is no batch normalisation (torchvision adds it); the
local response normalisation layers are left out. Without the auxiliary
heads the model has 6,998,552 parameters at 224x224x3 and 1000 classes (the
paper's table sums to about 6.8 M; the difference is the biases it leaves
out of its count). With `aux_heads=True` the model also returns the two
auxiliary classifiers' outputs (after 4a and 4d), which the paper adds to
the loss with weight 0.3 during training.
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.models.cnn.arguments import check_googlenet
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

# name: (1x1, 3x3 reduce, 3x3, 5x5 reduce, 5x5, pool projection)
INCEPTION = {
    "3a": (64, 96, 128, 16, 32, 32),
    "3b": (128, 128, 192, 32, 96, 64),
    "4a": (192, 96, 208, 16, 48, 64),
    "4b": (160, 112, 224, 24, 64, 64),
    "4c": (128, 128, 256, 24, 64, 64),
    "4d": (112, 144, 288, 32, 64, 64),
    "4e": (256, 160, 320, 32, 128, 128),
    "5a": (256, 160, 320, 32, 128, 128),
    "5b": (384, 192, 384, 48, 128, 128),
}


def conv(x, filters, kernel, name, strides=1):
    """Convolution with ReLU and 'same' padding."""
    return layers.Conv2D(filters, kernel, strides=strides, padding="same", activation="relu", name=name)(x)


def inception_module(x, widths, name, width_multiplier=1.0):
    """Four parallel branches, concatenated along the channels (their widths times `width_multiplier`)."""
    c1, r3, c3, r5, c5, pp = (scaled(w, width_multiplier) for w in widths)
    b1 = conv(x, c1, 1, f"{name}_1x1")
    b3 = conv(conv(x, r3, 1, f"{name}_3x3_reduce"), c3, 3, f"{name}_3x3")
    b5 = conv(conv(x, r5, 1, f"{name}_5x5_reduce"), c5, 5, f"{name}_5x5")
    bp = layers.MaxPooling2D(3, strides=1, padding="same", name=f"{name}_pool")(x)
    bp = conv(bp, pp, 1, f"{name}_pool_proj")
    return layers.Concatenate(axis=-1, name=f"{name}_concat")([b1, b3, b5, bp])


def auxiliary_head(x, num_classes, classifier_activation, name, width_multiplier=1.0):
    """5x5/3 average pooling, 1x1 conv (128), dense 1024, dropout 0.7, classifier (widths times
    `width_multiplier`)."""
    x = layers.AveragePooling2D(5, strides=3, name=f"{name}_pool")(x)
    x = conv(x, scaled(128, width_multiplier), 1, f"{name}_conv")
    x = layers.Flatten(name=f"{name}_flatten")(x)
    x = layers.Dense(scaled(1024, width_multiplier), activation="relu", name=f"{name}_fc")(x)
    x = layers.Dropout(0.7, name=f"{name}_dropout")(x)
    return layers.Dense(num_classes, activation=classifier_activation, name=f"{name}_predictions")(x)


def googlenet(
    include_top=True,
    weights=None,
    input_shape=None,
    pooling=None,
    num_classes=1000,
    classifier_activation="softmax",
    input_tensor=None,
    aux_heads=False,
    width_multiplier=1.0,
    name="googlenet",
    *,
    classes=None,
):
    """GoogLeNet (Inception v1): nine inception modules with 1x1 reductions, optional auxiliary heads."""
    num_classes = num_classes_of("googlenet", num_classes, classes, 1000)
    check_googlenet(aux_heads=aux_heads, include_top=include_top)
    shape = check_arguments(
        "googlenet",
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        num_classes=num_classes,
        classifier_activation=classifier_activation,
        input_tensor=input_tensor,
        default_shape=(224, 224, 3),
        min_size=160 if aux_heads else 32,
        flattening_top=aux_heads,
        width_multiplier=width_multiplier,
    )
    image, inputs = image_input(shape, input_tensor)
    x = conv(image, scaled(64, width_multiplier), 7, "conv1_7x7", strides=2)
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool1")(x)
    x = conv(x, scaled(64, width_multiplier), 1, "conv2_3x3_reduce")
    x = conv(x, scaled(192, width_multiplier), 3, "conv2_3x3")
    x = layers.MaxPooling2D(3, strides=2, padding="same", name="pool2")(x)
    aux = []
    for stage in ("3a", "3b", "pool3", "4a", "4b", "4c", "4d", "4e", "pool4", "5a", "5b"):
        if stage.startswith("pool"):
            x = layers.MaxPooling2D(3, strides=2, padding="same", name=stage)(x)
            continue
        x = inception_module(x, INCEPTION[stage], f"inception_{stage}", width_multiplier)
        if aux_heads and stage in ("4a", "4d"):
            aux.append(auxiliary_head(x, num_classes, classifier_activation, f"aux_{stage}", width_multiplier))
    if include_top:
        x = layers.GlobalAveragePooling2D(name="avg_pool")(x)
        x = layers.Dropout(0.4, name="dropout")(x)
        x = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled_features(x, pooling)
    model = keras.Model(inputs, [x, *aux] if aux else x, name=name)
    return load_weights(model, weights, "googlenet")


document(
    googlenet,
    top="global average pooling, dropout 0.4 and the classifier",
    default_shape=(224, 224, 3),
    min_size="32 (160 with `aux_heads`)",
    after=(
        ("aux_heads", "also return the two auxiliary classifiers of the paper (needs `include_top`, a fixed "
         "input size and training outputs `[main, aux1, aux2]`)."),
        WIDTH_MULTIPLIER_ARGUMENT,
    ),
)  # fmt: skip
