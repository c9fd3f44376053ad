"""VGG (Simonyan and Zisserman, Very Deep Convolutional Networks, 2014).

Note 002, C11: only 3x3 filters. Two stacked 3x3 convolutions see a 5x5
window, as one 5x5 convolution does, with 2 x 9 C^2 instead of 25 C^2
weights (tutorial 08 measures it).

`vgg16` and `vgg19` follow keras.applications layer for layer (138,357,544
and 143,667,240 parameters at 224x224x3 and 1000 classes) and load its ImageNet
weights. The `_bn` variants put batch normalisation after every convolution
(as torchvision's vgg*_bn). `vgg_cifar` is a narrow VGG for small images
whose width and depth are arguments.
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.models.cnn.arguments import VGG_CONFIGS, check_dropout, check_vgg_backbone, check_vgg_cifar
from zoo.models.cnn.conventions import (
    check_arguments,
    classifier,
    document,
    image_input,
    imagenet_weights,
    load_weights,
    num_classes_of,
    pooled_features,
    scaled,
    variant,
)

WIDTHS = (64, 128, 256, 512, 512)
APPLICATIONS = {"vgg16": "VGG16", "vgg19": "VGG19"}


def check_backbone(model_name, *, backbone, width, batch_norm, weights, input_shape, num_classes,
                   classifier_activation, input_tensor) -> tuple:  # fmt: skip
    """Check the arguments of a dense-prediction model on VGG blocks (FCN, yolo_tiny); return its input shape.

    `backbone` names a VGG configuration, `width` the first block's channels;
    the input takes any height and width (`(None, None, 3)` by default).
    """
    check_vgg_backbone(model_name, backbone=backbone, width=width, batch_norm=batch_norm)
    return check_arguments(
        model_name,
        include_top=False,
        weights=weights,
        input_shape=input_shape,
        pooling=None,
        num_classes=num_classes,
        classifier_activation=classifier_activation,
        input_tensor=input_tensor,
        default_shape=(None, None, 3),
        min_size=1,
    )


def vgg_block(x, filters, convs, batch_norm, name, bn_momentum=0.99):
    """`convs` 3x3 convolutions (ReLU, optionally batch-normalised), then 2x2 max pooling."""
    for i in range(1, convs + 1):
        x = layers.Conv2D(
            filters, 3, padding="same", activation=None if batch_norm else "relu", name=f"{name}_conv{i}"
        )(x)
        if batch_norm:
            x = layers.BatchNormalization(momentum=bn_momentum, name=f"{name}_bn{i}")(x)
            x = layers.Activation("relu", name=f"{name}_relu{i}")(x)
    return layers.MaxPooling2D(2, strides=2, name=f"{name}_pool")(x)


def vgg(
    config,
    batch_norm=False,
    *,
    include_top,
    weights,
    input_shape,
    pooling,
    num_classes,
    classifier_activation,
    input_tensor,
    name,
    width_multiplier=1.0,
):
    """VGG-`config` (11, 13, 16 or 19 layers): five blocks, then 4096-4096-classes dense layers
    (every width times `width_multiplier`)."""
    application = None if batch_norm else APPLICATIONS.get(config)
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
        flattening_top=True,
        imagenet=application,
        width_multiplier=width_multiplier,
    )
    x, inputs = image_input(shape, input_tensor)
    for i, (filters, convs) in enumerate(zip(WIDTHS, VGG_CONFIGS[config], strict=True)):
        x = vgg_block(x, scaled(filters, width_multiplier), convs, batch_norm, name=f"block{i + 1}")
    if include_top:
        x = layers.Flatten(name="flatten")(x)
        x = layers.Dense(scaled(4096, width_multiplier), activation="relu", name="fc1")(x)
        x = layers.Dense(scaled(4096, width_multiplier), activation="relu", name="fc2")(x)
        x = layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)
    else:
        x = pooled_features(x, pooling)
    model = keras.Model(inputs, x, name=name)
    if weights == "imagenet":
        return imagenet_weights(model, application, include_top)
    return load_weights(model, weights, name)


#: What `document` says of every VGG of the paper; VGG-16 and VGG-19 have keras.applications' weights.
_DOCUMENTED = dict(top="the 4096-4096-`num_classes` dense head", default_shape=(224, 224, 3), min_size=32,
                   fixed_size=True)  # fmt: skip

# The VGGs of the paper, one row each: the configuration and whether batch normalisation follows each convolution.
vgg11 = variant(
    vgg,
    "vgg11",
    "VGG-11 (configuration A): 132,863,336 parameters at 224x224x3 and 1000 classes.",
    documented=_DOCUMENTED,
    config="vgg11",
)
vgg11_bn = variant(
    vgg,
    "vgg11_bn",
    "VGG-11 with batch normalisation after each convolution.",
    documented=_DOCUMENTED,
    config="vgg11",
    batch_norm=True,
)
vgg13 = variant(
    vgg,
    "vgg13",
    "VGG-13 (configuration B): 133,047,848 parameters at 224x224x3 and 1000 classes.",
    documented=_DOCUMENTED,
    config="vgg13",
)
vgg13_bn = variant(
    vgg,
    "vgg13_bn",
    "VGG-13 with batch normalisation after each convolution.",
    documented=_DOCUMENTED,
    config="vgg13",
    batch_norm=True,
)
vgg16 = variant(
    vgg,
    "vgg16",
    "VGG-16 (configuration D): 138,357,544 parameters, as keras.applications.VGG16.",
    documented={**_DOCUMENTED, "imagenet": True},
    config="vgg16",
)
vgg16_bn = variant(
    vgg,
    "vgg16_bn",
    "VGG-16 with batch normalisation after each convolution.",
    documented=_DOCUMENTED,
    config="vgg16",
    batch_norm=True,
)
vgg19 = variant(
    vgg,
    "vgg19",
    "VGG-19 (configuration E): 143,667,240 parameters, as keras.applications.VGG19.",
    documented={**_DOCUMENTED, "imagenet": True},
    config="vgg19",
)
vgg19_bn = variant(
    vgg,
    "vgg19_bn",
    "VGG-19 with batch normalisation after each convolution.",
    documented=_DOCUMENTED,
    config="vgg19",
    batch_norm=True,
)


def vgg_cifar(
    width=32,
    convs_per_block=2,
    blocks=3,
    dropout=0.3,
    include_top=True,
    weights=None,
    input_shape=None,
    pooling=None,
    num_classes=10,
    classifier_activation="softmax",
    input_tensor=None,
    name="vgg_cifar",
    *,
    classes=None,
):
    """A narrow VGG for small images: `blocks` VGG blocks of `convs_per_block` 3x3
    convolutions with batch normalisation, widths `width`, 2 x `width`, ...,
    then global average pooling, dropout and the classifier. Batch-norm momentum
    is 0.9, so its statistics settle within the few hundred steps a small data set gives."""
    num_classes = num_classes_of("vgg_cifar", num_classes, classes, 10)
    check_vgg_cifar(width=width, convs_per_block=convs_per_block, blocks=blocks)
    check_dropout("vgg_cifar", dropout=dropout)
    shape = check_arguments(
        "vgg_cifar",
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        num_classes=num_classes,
        classifier_activation=classifier_activation,
        input_tensor=input_tensor,
        default_shape=(32, 32, 3),
        min_size=2**blocks,
    )
    x, inputs = image_input(shape, input_tensor)
    for i in range(blocks):
        x = vgg_block(x, width * 2**i, convs_per_block, True, name=f"block{i + 1}", bn_momentum=0.9)
    x = classifier(x, include_top, pooling, num_classes, classifier_activation, dropout=dropout)
    return load_weights(keras.Model(inputs, x, name=name), weights, "vgg_cifar")


document(
    vgg_cifar,
    top="global average pooling, dropout and the classifier",
    default_shape=(32, 32, 3),
    min_size="2 ** `blocks`",
    before=(
        ("width", "channels of the first block; each next block doubles them."),
        ("convs_per_block", "3x3 convolutions (each with batch normalisation) per block."),
        ("blocks", "the number of blocks, each ending in 2x2 max pooling."),
        ("dropout", "dropout rate before the classifier."),
    ),
)
