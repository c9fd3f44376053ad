"""DenseNet (Huang et al., Densely Connected Convolutional Networks, 2017).

Note 002, C14: each layer's output is concatenated to its input instead of
added (ResNet), so the channel count grows by `growth_rate` per layer; 1x1
convolutions (the bottleneck inside each layer, and the transition layers
between dense blocks, which also halve the channels) keep that growth in check.

The builders follow keras.applications' DenseNet layer for layer, so the
counts match (densenet121: 8,062,504; densenet169: 14,307,880; densenet201:
20,242,984) and its ImageNet weights copy across.
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.models.cnn.conventions import (
    check_arguments,
    classifier,
    image_input,
    imagenet_weights,
    load_weights,
    scaled,
    variant,
)

BN_EPSILON = 1.001e-5
# keras.applications writes the channels axis of its channels-last graph as 3, not -1;
# the same value keeps the two graphs identical op for op (the throughput benchmark compares them).
CHANNEL_AXIS = 3


def _bn(name):
    return layers.BatchNormalization(axis=CHANNEL_AXIS, epsilon=BN_EPSILON, name=name)


def conv_block(x, growth_rate, name):
    """BN-ReLU-1x1 conv (4 x growth_rate) - BN-ReLU-3x3 conv (growth_rate), concatenated to the input."""
    y = _bn(f"{name}_0_bn")(x)
    y = layers.Activation("relu", name=f"{name}_0_relu")(y)
    y = layers.Conv2D(4 * growth_rate, 1, use_bias=False, name=f"{name}_1_conv")(y)
    y = _bn(f"{name}_1_bn")(y)
    y = layers.Activation("relu", name=f"{name}_1_relu")(y)
    y = layers.Conv2D(growth_rate, 3, padding="same", use_bias=False, name=f"{name}_2_conv")(y)
    return layers.Concatenate(axis=CHANNEL_AXIS, name=f"{name}_concat")([x, y])


def dense_block(x, blocks, name, growth_rate=32):
    """`blocks` conv blocks: the channels grow from c to c + blocks x growth_rate."""
    for i in range(blocks):
        x = conv_block(x, growth_rate, name=f"{name}_block{i + 1}")
    return x


def transition_block(x, reduction, name):
    """BN-ReLU-1x1 conv to `reduction` x the channels, then 2x2 average pooling."""
    x = _bn(f"{name}_bn")(x)
    x = layers.Activation("relu", name=f"{name}_relu")(x)
    x = layers.Conv2D(int(x.shape[-1] * reduction), 1, use_bias=False, name=f"{name}_conv")(x)
    return layers.AveragePooling2D(2, strides=2, name=f"{name}_pool")(x)


def densenet(
    blocks,
    *,
    include_top,
    weights,
    input_shape,
    pooling,
    num_classes,
    classifier_activation,
    input_tensor,
    name,
    application,
    width_multiplier=1.0,
):
    """DenseNet with four dense blocks of `blocks` layers (growth rate 32, compression 0.5); the stem's
    channels and the growth rate times `width_multiplier`."""
    shape = check_arguments(
        name,
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        num_classes=num_classes,
        classifier_activation=classifier_activation,
        input_tensor=input_tensor,
        default_shape=(224, 224, 3),
        min_size=32,
        imagenet=application,
        width_multiplier=width_multiplier,
    )
    image, inputs = image_input(shape, input_tensor)
    x = layers.ZeroPadding2D(padding=((3, 3), (3, 3)), name="conv1_pad")(image)
    x = layers.Conv2D(scaled(64, width_multiplier), 7, strides=2, use_bias=False, name="conv1_conv")(x)
    x = _bn("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1")(x)
    for i, n in enumerate(blocks):
        x = dense_block(x, n, name=f"conv{i + 2}", growth_rate=scaled(32, width_multiplier))
        if i < len(blocks) - 1:
            x = transition_block(x, 0.5, name=f"pool{i + 2}")
    x = _bn("bn")(x)
    x = layers.Activation("relu", name="relu")(x)
    x = classifier(x, include_top, pooling, num_classes, classifier_activation)
    model = keras.Model(inputs, x, name=name)
    if weights == "imagenet":
        return imagenet_weights(model, application, include_top)
    return load_weights(model, weights, name)


#: What `document` says of every DenseNet.
_DOCUMENTED = dict(top="global average pooling and the classifier", default_shape=(224, 224, 3), min_size=32,
                   imagenet=True)  # fmt: skip

# The DenseNets, one row each: the layers of each dense block and keras.applications' name.
densenet121 = variant(
    densenet, "densenet121", "DenseNet-121: blocks (6, 12, 24, 16); 8,062,504 parameters, as "
    "keras.applications.DenseNet121.",
    documented=_DOCUMENTED, blocks=(6, 12, 24, 16), application="DenseNet121",
)  # fmt: skip
densenet169 = variant(
    densenet, "densenet169", "DenseNet-169: blocks (6, 12, 32, 32); 14,307,880 parameters, as "
    "keras.applications.DenseNet169.",
    documented=_DOCUMENTED, blocks=(6, 12, 32, 32), application="DenseNet169",
)  # fmt: skip
densenet201 = variant(
    densenet, "densenet201", "DenseNet-201: blocks (6, 12, 48, 32); 20,242,984 parameters, as "
    "keras.applications.DenseNet201.",
    documented=_DOCUMENTED, blocks=(6, 12, 48, 32), application="DenseNet201",
)  # fmt: skip
