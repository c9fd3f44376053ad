"""Semantic segmentation (note 002, V1-V3): FCN-32s/16s/8s and convolutionalization.

Its scores (pixel accuracy, mean IoU) are in :mod:`zoo.metrics.segmentation`.

Importing this package imports Keras.
"""

from zoo.metrics.segmentation import SegmentationScores, segmentation_scores
from zoo.segmentation.convolutionalize import convolutionalize
from zoo.segmentation.fcn import fcn8s, fcn16s, fcn32s, transfer_backbone

__all__ = [
    "SegmentationScores",
    "convolutionalize",
    "fcn8s",
    "fcn16s",
    "fcn32s",
    "segmentation_scores",
    "transfer_backbone",
]
