"""ResNet (He et al., Deep Residual Learning for Image Recognition, 2015).

Note 002, C13: identity skip connections let deeper networks train better; a
1x1 projection is used where the shapes differ; the bottleneck block is
1x1 (reduce channels) - 3x3 - 1x1 (restore channels).

`resnet50/101/152` follow keras.applications' ResNet*V1 layer for layer
(same names, order and shapes: bias in every convolution, batch-norm epsilon
1.001e-5), so their weights copy across and `weights="imagenet"` loads
keras.applications' published files. `resnet18/34` use the basic block
(two 3x3 convolutions); keras.applications has none, and unlike torchvision
our convolutions keep their bias, as Keras's ResNets do. `resnet_cifar`
is the 6n+2-layer network of the paper's CIFAR-10 section, for small images.
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.models.cnn.arguments import check_resnet_cifar
from zoo.models.cnn.conventions import (
    check_arguments,
    classifier,
    document,
    image_input,
    imagenet_weights,
    load_weights,
    num_classes_of,
    scaled,
    variant,
)

BN_EPSILON = 1.001e-5
# keras.applications' 0.99 lets the moving statistics lag for hundreds of steps,
# which on a data set of a few thousand images means poor evaluation accuracy
# for many epochs; the small-image models use 0.9 (PyTorch's default).
SMALL_DATA_BN_MOMENTUM = 0.9


def _bn(name, momentum=0.99):
    return layers.BatchNormalization(axis=-1, momentum=momentum, epsilon=BN_EPSILON, name=name)


def bottleneck_block(x, filters, stride=1, conv_shortcut=True, name=None, bn_momentum=0.99):
    """1x1 (filters) - 3x3 (filters) - 1x1 (4 x filters), added to the shortcut."""
    if conv_shortcut:
        shortcut = layers.Conv2D(4 * filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(f"{name}_0_bn", bn_momentum)(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_1_conv")(x)
    x = _bn(f"{name}_1_bn", bn_momentum)(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn", bn_momentum)(x)
    x = layers.Activation("relu", name=f"{name}_2_relu")(x)
    x = layers.Conv2D(4 * filters, 1, name=f"{name}_3_conv")(x)
    x = _bn(f"{name}_3_bn", bn_momentum)(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def basic_block(x, filters, stride=1, conv_shortcut=False, name=None, bn_momentum=0.99):
    """3x3 - 3x3 (both `filters`), added to the shortcut (a 1x1 projection when shapes change)."""
    if conv_shortcut:
        shortcut = layers.Conv2D(filters, 1, strides=stride, name=f"{name}_0_conv")(x)
        shortcut = _bn(f"{name}_0_bn", bn_momentum)(shortcut)
    else:
        shortcut = x
    x = layers.Conv2D(filters, 3, strides=stride, padding="same", name=f"{name}_1_conv")(x)
    x = _bn(f"{name}_1_bn", bn_momentum)(x)
    x = layers.Activation("relu", name=f"{name}_1_relu")(x)
    x = layers.Conv2D(filters, 3, padding="same", name=f"{name}_2_conv")(x)
    x = _bn(f"{name}_2_bn", bn_momentum)(x)
    x = layers.Add(name=f"{name}_add")([shortcut, x])
    return layers.Activation("relu", name=f"{name}_out")(x)


def stack(x, block, filters, blocks, stride1=2, name=None, bn_momentum=0.99):
    """`blocks` residual blocks; the first one may downsample and projects its shortcut."""
    expansion = 4 if block is bottleneck_block else 1
    needs_projection = stride1 != 1 or x.shape[-1] != filters * expansion
    x = block(
        x, filters, stride=stride1, conv_shortcut=needs_projection, name=f"{name}_block1", bn_momentum=bn_momentum
    )
    for i in range(2, blocks + 1):
        x = block(x, filters, conv_shortcut=False, name=f"{name}_block{i}", bn_momentum=bn_momentum)
    return x


def resnet(
    block,
    depths,
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
    application=None,
):
    """The ImageNet ResNet: 7x7 stem, max pooling, four stacks of `depths` blocks, classifier
    (every width times `width_multiplier`)."""
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
    x = layers.Conv2D(scaled(64, width_multiplier), 7, strides=2, name="conv1_conv")(x)
    x = _bn("conv1_bn")(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    x = layers.ZeroPadding2D(padding=((1, 1), (1, 1)), name="pool1_pad")(x)
    x = layers.MaxPooling2D(3, strides=2, name="pool1_pool")(x)
    for i, (filters, blocks) in enumerate(zip((64, 128, 256, 512), depths, strict=True)):
        filters = scaled(filters, width_multiplier)
        x = stack(x, block, filters, blocks, stride1=1 if i == 0 else 2, name=f"conv{i + 2}")
    x = classifier(x, include_top, pooling, num_classes, classifier_activation)
    model = keras.Model(inputs, x, name=name)
    if weights == "imagenet":
        return imagenet_weights(model, application, include_top)
    return load_weights(model, weights, name)


#: What `document` says of every ImageNet ResNet.
_IMAGENET_RESNET = dict(top="global average pooling and the classifier", default_shape=(224, 224, 3), min_size=32)

# The ImageNet ResNets, one row each: the block, the blocks per stack and keras.applications' name.
resnet18 = variant(
    resnet, "resnet18", "ResNet-18: basic blocks (2, 2, 2, 2). 11,703,912 parameters at 224x224x3 and 1000 "
    "classes: torchvision's 11,689,512 plus the 14,400 convolution biases Keras-style ResNets keep (+0.12%).",
    documented=_IMAGENET_RESNET, block=basic_block, depths=(2, 2, 2, 2),
)  # fmt: skip
resnet34 = variant(
    resnet, "resnet34", "ResNet-34: basic blocks (3, 4, 6, 3). 21,823,208 parameters at 224x224x3 and 1000 "
    "classes: torchvision's 21,797,672 plus 25,536 convolution biases (+0.12%).",
    documented=_IMAGENET_RESNET, block=basic_block, depths=(3, 4, 6, 3),
)  # fmt: skip
resnet50 = variant(
    resnet, "resnet50", "ResNet-50: bottleneck blocks (3, 4, 6, 3); 25,636,712 parameters, as "
    "keras.applications.ResNet50.",
    documented={**_IMAGENET_RESNET, "imagenet": True}, block=bottleneck_block, depths=(3, 4, 6, 3),
    application="ResNet50",
)  # fmt: skip
resnet101 = variant(
    resnet, "resnet101", "ResNet-101: bottleneck blocks (3, 4, 23, 3); 44,707,176 parameters, as "
    "keras.applications.ResNet101.",
    documented={**_IMAGENET_RESNET, "imagenet": True}, block=bottleneck_block, depths=(3, 4, 23, 3),
    application="ResNet101",
)  # fmt: skip
resnet152 = variant(
    resnet, "resnet152", "ResNet-152: bottleneck blocks (3, 8, 36, 3); 60,419,944 parameters, as "
    "keras.applications.ResNet152.",
    documented={**_IMAGENET_RESNET, "imagenet": True}, block=bottleneck_block, depths=(3, 8, 36, 3),
    application="ResNet152",
)  # fmt: skip


def resnet_cifar(
    depth=20,
    width=16,
    include_top=True,
    weights=None,
    input_shape=None,
    pooling=None,
    num_classes=10,
    classifier_activation="softmax",
    input_tensor=None,
    name="resnet_cifar",
    *,
    classes=None,
):
    """The CIFAR ResNet of the paper (section 4.2): 6n+2 layers for small images.

    A 3x3 convolution with `width` channels, then three stages of n basic
    blocks with `width`, 2 x `width` and 4 x `width` channels (the
    second and third start with stride 2 and a 1x1 projection shortcut),
    global average pooling and the classifier. `depth=20, width=16` has
    about 0.27 M parameters. `depth` must be 6n + 2 (8, 14, 20, 32, 44, 56, 110, ...).
    """
    num_classes = num_classes_of("resnet_cifar", num_classes, classes, 10)
    check_resnet_cifar(depth=depth, width=width)
    shape = check_arguments(
        "resnet_cifar",
        include_top=include_top,
        weights=weights,
        input_shape=input_shape,
        pooling=pooling,
        num_classes=num_classes,
        classifier_activation=classifier_activation,
        input_tensor=input_tensor,
        default_shape=(32, 32, 3),
        min_size=8,
    )
    n = (depth - 2) // 6
    image, inputs = image_input(shape, input_tensor)
    x = layers.Conv2D(width, 3, padding="same", name="conv1_conv")(image)
    x = _bn("conv1_bn", SMALL_DATA_BN_MOMENTUM)(x)
    x = layers.Activation("relu", name="conv1_relu")(x)
    for i, filters in enumerate((width, 2 * width, 4 * width)):
        x = stack(
            x,
            basic_block,
            filters,
            n,
            stride1=1 if i == 0 else 2,
            name=f"conv{i + 2}",
            bn_momentum=SMALL_DATA_BN_MOMENTUM,
        )
    x = classifier(x, include_top, pooling, num_classes, classifier_activation)
    return load_weights(keras.Model(inputs, x, name=name), weights, "resnet_cifar")


document(
    resnet_cifar,
    top="global average pooling and the classifier",
    default_shape=(32, 32, 3),
    min_size=8,
    before=(
        ("depth", "6n + 2 layers: 8, 14, 20, 32, 44, 56, 110, ... (n basic blocks per stage)."),
        ("width", "channels of the first stage; the second and third have 2x and 4x."),
    ),
)
