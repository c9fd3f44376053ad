"""Fully convolutional networks (Long, Shelhamer and Darrell, 2015), note 002 V1-V3.

A VGG backbone from the CNN zoo (`zoo.models.cnn.vgg`: its blocks, layer
names and configurations) whose dense head is *convolutionalized*: `fc6`
is a `fc_kernel` x `fc_kernel` convolution and `fc7` a 1x1 one (the
same parameters as VGG's `fc1` and `fc2`; see
`zoo.models.segmentation.convolutionalization.convolutionalize`). A 1x1 `score_fr` layer gives
class scores at 1/32 of the input size, and transposed convolutions that
start as bilinear interpolation bring them back to full size:

- `fcn32s`: one 32x upsampling;
- `fcn16s`: 2x upsampling, plus scores from `pool4` (the skip), then 16x;
- `fcn8s`: as fcn16s, then 2x again plus scores from `pool3`, then 8x.

The skip score layers start at zero, as in the paper, so an untrained
fcn16s predicts what an fcn32s with the same weights predicts.

Any input size works: the input is zero-padded at the bottom and right to a
multiple of 32 and the output cropped back (the paper pads by 100 pixels
and crops for the same reason). Output: (batch, height, width, classes).
"""

from __future__ import annotations

import keras
from keras import layers

from zoo.errors import InputError
from zoo.layers.vision import CropLike, PadToMultiple, upsampling_layer
from zoo.models.cnn.arguments import VGG_CONFIGS, check_dropout
from zoo.models.cnn.conventions import image_input, load_weights, variant
from zoo.models.cnn.vgg import check_backbone, vgg_block
from zoo.models.segmentation.arguments import check_fcn_head

STRIDE = 32  # five 2x2 poolings
WIDTH_MULTIPLIERS = (1, 2, 4, 8, 8)  # VGG's 64-128-256-512-512 at width=64
VARIANTS = {"fcn32s": 32, "fcn16s": 16, "fcn8s": 8}


def fcn(
    design,
    *,
    num_classes,
    input_shape,
    backbone,
    width,
    batch_norm,
    fc_units,
    fc_kernel,
    dropout,
    classifier_activation,
    weights,
    input_tensor,
    name,
):
    """Build an FCN; `design` is `"fcn32s"`, `"fcn16s"` or `"fcn8s"` (the finest skip's stride)."""
    check_fcn_head(name, fc_units=fc_units, fc_kernel=fc_kernel)
    check_dropout(name, dropout=dropout)
    shape = check_backbone(
        name,
        backbone=backbone,
        width=width,
        batch_norm=batch_norm,
        weights=weights,
        input_shape=input_shape,
        num_classes=num_classes,
        classifier_activation=classifier_activation,
        input_tensor=input_tensor,
    )
    image, inputs = image_input(shape, input_tensor)
    x = PadToMultiple(STRIDE, name="pad")(image)
    pools = []
    for i, (multiplier, convs) in enumerate(zip(WIDTH_MULTIPLIERS, VGG_CONFIGS[backbone], strict=True)):
        x = vgg_block(x, width * multiplier, convs, batch_norm, name=f"block{i + 1}", bn_momentum=0.9)
        pools.append(x)
    # VGG's fc1 and fc2, convolutionalized.
    x = layers.Conv2D(fc_units, fc_kernel, padding="same", activation="relu", name="fc6")(x)
    x = layers.Dropout(dropout, name="drop6")(x)
    x = layers.Conv2D(fc_units, 1, activation="relu", name="fc7")(x)
    x = layers.Dropout(dropout, name="drop7")(x)
    score = layers.Conv2D(num_classes, 1, name="score_fr")(x)
    stride = STRIDE
    for pool_index, skip in ((3, "pool4"), (2, "pool3")):
        if stride == VARIANTS[design]:
            break
        score = upsampling_layer(num_classes, 2, name="upscore2" if skip == "pool4" else "upscore_pool4")(score)
        skip_score = layers.Conv2D(num_classes, 1, kernel_initializer="zeros", name=f"score_{skip}")(pools[pool_index])
        score = layers.Add(name=f"fuse_{skip}")([score, skip_score])
        stride //= 2
    score = upsampling_layer(num_classes, stride, name=f"upscore{stride}")(score)
    score = CropLike(name="crop")([score, image])
    if classifier_activation is not None:
        score = layers.Activation(classifier_activation, name="predictions")(score)
    model = keras.Model(inputs, score, name=name)
    return load_weights(model, weights, name)


def transfer_backbone(source, target) -> list:
    """Copy the weights of every layer of `source` that `target` has under the same name and shapes.

    With a zoo VGG classifier as `source` (`zoo.create_model("vgg16",
    weights="imagenet")`) this gives an FCN its pretrained backbone, as
    the paper starts from ImageNet weights. Returns the copied layer names;
    a layer whose shapes differ raises a `ValueError` naming it.
    """
    copied = []
    by_name = {layer.name: layer for layer in target.layers}
    for layer in source.layers:
        weights = layer.get_weights()
        if not weights or layer.name not in by_name:
            continue
        other = by_name[layer.name]
        shapes, expected = [w.shape for w in weights], [w.shape for w in other.get_weights()]
        if shapes != expected:
            raise InputError(
                f"transfer_backbone: layer {layer.name!r} has weights of shapes {shapes} in {source.name} "
                f"but {expected} in {target.name}."
            )
        other.set_weights(weights)
        copied.append(layer.name)
    return copied


#: The FCNs' arguments, in order, with their defaults (`name` is each variant's own).
FCN_SIGNATURE = {
    "num_classes": 21,
    "input_shape": None,
    "backbone": "vgg16",
    "width": 64,
    "batch_norm": False,
    "fc_units": 4096,
    "fc_kernel": 7,
    "dropout": 0.5,
    "classifier_activation": "softmax",
    "weights": None,
    "input_tensor": None,
    "name": None,
}

_FCN_ARGUMENTS = """

Args:
    num_classes: classes including the background (21 for Pascal VOC).
    input_shape: `(height, width, channels)`; default `(None, None, 3)`: any size.
    backbone: the VGG configuration (`"vgg11"`, `"vgg13"`, `"vgg16"`, `"vgg19"`).
    width: channels of the first block (64 as in VGG; the later blocks have 2, 4, 8, 8 times as many).
    batch_norm: batch normalisation after every backbone convolution.
    fc_units: channels of the convolutionalized fc6 and fc7 (4096 in VGG).
    fc_kernel: kernel size of the convolutionalized fc6 (7 in VGG).
    dropout: after fc6 and fc7.
    classifier_activation: of the per-pixel scores (`None` gives logits).
    weights: `None` or the path of a weights file.
    input_tensor: build the model on this tensor (as keras.applications).
    name: the model's name.

Returns:
    A functional `keras.Model`: images in, per-pixel class scores out, `(batch, height, width, num_classes)`.
"""

# The three FCNs of the paper, one row each: the finest skip's stride.
fcn32s = variant(
    fcn, "fcn32s", "FCN-32s: class scores at 1/32 scale, upsampled 32x in one transposed convolution."
    + _FCN_ARGUMENTS, signature=FCN_SIGNATURE, design="fcn32s",
)  # fmt: skip
fcn16s = variant(
    fcn, "fcn16s", "FCN-16s: FCN-32s's scores upsampled 2x and added to scores from pool4, then upsampled 16x."
    + _FCN_ARGUMENTS, signature=FCN_SIGNATURE, design="fcn16s",
)  # fmt: skip
fcn8s = variant(
    fcn, "fcn8s", "FCN-8s: FCN-16s's fused scores upsampled 2x and added to scores from pool3, then upsampled 8x."
    + _FCN_ARGUMENTS, signature=FCN_SIGNATURE, design="fcn8s",
)  # fmt: skip
