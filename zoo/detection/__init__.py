"""Object detection (note 002, V4): a one-stage grid detector (yolo_tiny), an R-CNN-style
region detector to compare it with, box utilities, and mean average precision.

Importing this package imports Keras; decoding uses TensorFlow's
``tf.image.combined_non_max_suppression``.
"""

from zoo.detection.boxes import box_iou, encode_targets
from zoo.detection.yolo import Detections, YoloLoss, decode_predictions, detect, yolo_tiny
from zoo.metrics.detection import DetectionScores, average_precision, mean_average_precision

__all__ = [
    "DetectionScores",
    "Detections",
    "YoloLoss",
    "average_precision",
    "box_iou",
    "decode_predictions",
    "detect",
    "encode_targets",
    "mean_average_precision",
    "yolo_tiny",
]
