"""Object detection (note 002, V4): a one-stage grid detector (yolo_tiny), an R-CNN-style
region detector to compare it with, box utilities, and mean average precision.

Importing this package does not import Keras; the names below do, on first use. Decoding
uses TensorFlow's `tf.image.combined_non_max_suppression`.
"""

from zoo.lazy_exports import lazy_exports

_WHERE = {
    "box_iou": "zoo.models.detection.boxes",
    "encode_targets": "zoo.models.detection.boxes",
    "Detections": "zoo.models.detection.yolo",
    "YoloLoss": "zoo.models.detection.yolo",
    "decode_predictions": "zoo.models.detection.yolo",
    "detect": "zoo.models.detection.yolo",
    "yolo_tiny": "zoo.models.detection.yolo",
    "DetectionScores": "zoo.metrics.detection",
    "average_precision": "zoo.metrics.detection",
    "mean_average_precision": "zoo.metrics.detection",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _WHERE, family=True)
