"""Segmentation scores: pixel accuracy and mean IoU (keras.metrics.MeanIoU), from one confusion matrix."""

from __future__ import annotations

import dataclasses

import keras
import numpy as np

from zoo.errors import InputError

IGNORE = 255  # mask value of pixels no score counts (Pascal VOC's object borders)


@dataclasses.dataclass(frozen=True)
class SegmentationScores:
    """Pixel accuracy, mean IoU over the classes that occur, and each class's IoU (NaN where absent)."""

    pixel_accuracy: float
    mean_iou: float
    class_iou: tuple
    confusion: np.ndarray

    def __str__(self) -> str:
        return f"pixel accuracy {self.pixel_accuracy:.4f}, mean IoU {self.mean_iou:.4f}"


def predict_masks(model, images, batch_size: int = 32) -> np.ndarray:
    """The class of every pixel (argmax of the model's per-pixel scores), (N, H, W) int32."""
    out = []
    for start in range(0, len(images), batch_size):
        scores = model.predict_on_batch(images[start : start + batch_size])
        out.append(np.argmax(keras.ops.convert_to_numpy(scores), axis=-1).astype(np.int32))
    return np.concatenate(out)


def segmentation_scores(masks, predicted, num_classes: int) -> SegmentationScores:
    """Score predicted class masks against true ones, both (N, H, W) integers.

    Mean IoU is `keras.metrics.MeanIoU`'s: the mean over classes that occur
    in either mask of TP / (TP + FP + FN). Pixels whose true value is 255 are
    ignored by both scores.
    """
    masks, predicted = np.asarray(masks), np.asarray(predicted)
    if masks.shape != predicted.shape:
        raise InputError(f"masks {masks.shape} and predictions {predicted.shape} differ in shape.")
    metric = keras.metrics.MeanIoU(num_classes=num_classes, ignore_class=IGNORE)
    metric.update_state(masks.reshape(-1).astype(np.int32), predicted.reshape(-1).astype(np.int32))
    confusion = keras.ops.convert_to_numpy(metric.total_cm).astype(np.int64)
    true_pos = np.diag(confusion)
    union = confusion.sum(0) + confusion.sum(1) - true_pos
    with np.errstate(invalid="ignore", divide="ignore"):
        class_iou = np.where(union > 0, true_pos / union, np.nan)
    return SegmentationScores(
        pixel_accuracy=float(true_pos.sum() / max(1, confusion.sum())),
        mean_iou=float(keras.ops.convert_to_numpy(metric.result())),
        class_iou=tuple(float(v) for v in class_iou),
        confusion=confusion,
    )
