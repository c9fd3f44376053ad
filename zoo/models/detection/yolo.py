"""A one-stage grid detector in the manner of YOLOv1 (Redmon et al., 2016), note 002 V4.

YOLOv1's design, small: one box per grid cell and no anchor boxes (the name
`yolo_tiny` means small, not the anchor-based Tiny YOLO of YOLOv2/v3).

The image passes once through a CNN; every cell of the final `stride`-pixel
grid predicts one box, how likely it holds an object's centre
(objectness), and the object's class:

- `yolo_tiny`: VGG blocks from the CNN zoo (`zoo.models.cnn.vgg`) down to
  `stride`, two 3x3 convolutions, and a 1x1 convolution giving, per cell,
  `(x, y, w, h, objectness, class logits...)`;
- `YoloLoss`: squared error on the responsible cell's box
  (centre offset through a sigmoid, log width and height), binary
  cross-entropy on objectness everywhere (down-weighted where there is no
  object), cross-entropy on the class of the responsible cell;
- `decode_predictions`: grid outputs to boxes in pixels, scored by
  objectness x class probability, then per-class non-maximum suppression by
  TensorFlow's `tf.image.combined_non_max_suppression` (not our own).

Targets come from `zoo.models.detection.boxes.encode_targets`.
"""

from __future__ import annotations

import dataclasses

import keras
import numpy as np
from keras import layers, ops

from zoo.layers.vision import PadToMultiple
from zoo.models.cnn.arguments import VGG_CONFIGS
from zoo.models.cnn.conventions import image_input, load_weights
from zoo.models.cnn.vgg import check_backbone, vgg_block
from zoo.models.detection.arguments import check_stride
from zoo.models.detection.boxes import suppress


def yolo_tiny(
    num_classes: int = 20,
    input_shape: tuple[int, int, int] | None = None,
    backbone: str = "vgg11",
    width: int = 16,
    stride: int = 8,
    batch_norm: bool = True,
    weights: str | None = None,
    input_tensor: keras.KerasTensor | None = None,
    name: str = "yolo_tiny",
) -> keras.Model:
    """Build the grid detector; output (batch, ceil(H / stride), ceil(W / stride), 5 + num_classes) raw scores.

    Args:
        num_classes: object classes (20 for Pascal VOC); no background class.
        input_shape: `(height, width, channels)`; default `(None, None, 3)`: any size
            (padded at the bottom and right to a multiple of `stride`).
        backbone: the VGG configuration whose first blocks are used
            (`"vgg11"`, `"vgg13"`, `"vgg16"`, `"vgg19"`).
        width: channels of the first block (doubling each block).
        stride: grid cell size in pixels, 4, 8, 16 or 32 (2, 3, 4 or 5 VGG blocks).
        batch_norm: batch normalisation after every convolution.
        weights: `None` or the path of a weights file.
        input_tensor: build the model on this tensor (as keras.applications).
        name: the model's name.
    """
    check_stride(name, stride=stride)
    shape = check_backbone(
        name,
        backbone=backbone,
        width=width,
        batch_norm=batch_norm,
        weights=weights,
        input_shape=input_shape,
        num_classes=num_classes,
        classifier_activation=None,
        input_tensor=input_tensor,
    )
    image, inputs = image_input(shape, input_tensor)
    x = PadToMultiple(stride, name="pad")(image)
    blocks = int(np.log2(stride))
    for i in range(blocks):
        x = vgg_block(x, width * 2**i, VGG_CONFIGS[backbone][i], batch_norm, name=f"block{i + 1}", bn_momentum=0.9)
    head_width = width * 2**blocks
    for i in (1, 2):
        x = layers.Conv2D(head_width, 3, padding="same", use_bias=not batch_norm, name=f"head_conv{i}")(x)
        if batch_norm:
            x = layers.BatchNormalization(momentum=0.9, name=f"head_bn{i}")(x)
        x = layers.LeakyReLU(0.1, name=f"head_relu{i}")(x)
    x = layers.Conv2D(5 + num_classes, 1, name="predictions")(x)
    return load_weights(keras.Model(inputs, x, name=name), weights, name)


@keras.saving.register_keras_serializable(package="zoo")
class YoloLoss(keras.losses.Loss):
    """The grid detector's loss, summed over cells and averaged over images.

    `y_true`: (batch, rows, cols, 6) from `encode_targets`;
    `y_pred`: (batch, rows, cols, 5 + classes) raw model output.
    `coord_weight` scales the box error and `noobj_weight` the
    objectness error of cells without an object (YOLO's 5 and 0.5).
    """

    def __init__(self, coord_weight=5.0, noobj_weight=0.5, name="yolo_loss", **kwargs):
        super().__init__(name=name, **kwargs)
        self.coord_weight = coord_weight
        self.noobj_weight = noobj_weight

    def call(self, y_true, y_pred):
        y_true = ops.cast(y_true, y_pred.dtype)
        obj = y_true[..., 0]
        centre = ops.sigmoid(y_pred[..., 0:2])
        box_error = ops.sum(ops.square(centre - y_true[..., 1:3]), axis=-1) + ops.sum(
            ops.square(y_pred[..., 2:4] - y_true[..., 3:5]), axis=-1
        )
        obj_error = ops.binary_crossentropy(obj, y_pred[..., 4], from_logits=True)
        class_error = ops.sparse_categorical_crossentropy(
            ops.cast(y_true[..., 5], "int32"), y_pred[..., 5:], from_logits=True
        )
        per_cell = (
            obj * (self.coord_weight * box_error + class_error + obj_error)
            + (1.0 - obj) * self.noobj_weight * obj_error
        )
        return ops.sum(per_cell, axis=(1, 2))

    def get_config(self):
        return {**super().get_config(), "coord_weight": self.coord_weight, "noobj_weight": self.noobj_weight}


@dataclasses.dataclass
class Detections:
    """Per image: `boxes[i]` (k, 4) pixels, `labels[i]` (k,) class indices, `scores[i]` (k,)."""

    boxes: list
    labels: list
    scores: list

    def __len__(self) -> int:
        return len(self.boxes)


def grid_boxes(predictions, stride: int) -> tuple:
    """Raw grid output (N, rows, cols, 5 + C) to `(boxes (N, rows*cols, 4), scores (N, rows*cols, C))`.

    A box's centre is `(col + sigmoid(x), row + sigmoid(y)) * stride`, its
    size `stride * exp(w, h)`; a class's score is objectness x class probability.
    """
    p = np.asarray(predictions, np.float32)
    n, rows, cols, channels = p.shape
    col = np.arange(cols, dtype=np.float32)[None, None, :]
    row = np.arange(rows, dtype=np.float32)[None, :, None]
    sig = 1.0 / (1.0 + np.exp(-p[..., :2]))
    cx, cy = (col + sig[..., 0]) * stride, (row + sig[..., 1]) * stride
    wh = stride * np.exp(np.clip(p[..., 2:4], -10, 10))
    boxes = np.stack([cx - wh[..., 0] / 2, cy - wh[..., 1] / 2, cx + wh[..., 0] / 2, cy + wh[..., 1] / 2], -1)
    objectness = 1.0 / (1.0 + np.exp(-p[..., 4:5]))
    logits = p[..., 5:] - p[..., 5:].max(-1, keepdims=True)
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    return boxes.reshape(n, rows * cols, 4), (objectness * probs).reshape(n, rows * cols, channels - 5)


def decode_predictions(
    predictions, stride: int, *, score_threshold=0.05, iou_threshold=0.45, max_detections=50, image_shape=None
) -> Detections:
    """Boxes, labels and scores per image from raw grid output, after per-class non-maximum
    suppression (`zoo.models.detection.boxes.suppress`, TensorFlow's own; needs TensorFlow).

    `image_shape` `(height, width)` clips the boxes to the image.
    """
    boxes, scores = grid_boxes(predictions, stride)
    found = suppress(
        boxes,
        scores,
        score_threshold=score_threshold,
        iou_threshold=iou_threshold,
        max_detections=max_detections,
        image_shape=image_shape,
    )
    return Detections(*found)


def model_stride(model) -> int:
    """The grid cell size of a grid detector: the padding layer's multiple."""
    return int(model.get_layer("pad").multiple)


def detect(model, images, *, batch_size=64, **decode_args) -> Detections:
    """Run a grid detector on (N, H, W, 3) images and decode its boxes (see `decode_predictions`)."""
    stride = model_stride(model)
    out = Detections([], [], [])
    for start in range(0, len(images), batch_size):
        raw = keras.ops.convert_to_numpy(model.predict_on_batch(images[start : start + batch_size]))
        part = decode_predictions(raw, stride, image_shape=images.shape[1:3], **decode_args)
        out.boxes += part.boxes
        out.labels += part.labels
        out.scores += part.scores
    return out
