"""Semantic segmentation (note 002, V1-V3): FCN-32s/16s/8s, convolutionalization, metrics.

Importing this package imports Keras.
"""

from zoo.segmentation.convolutionalize import convolutionalize
from zoo.segmentation.fcn import fcn8s, fcn16s, fcn32s, transfer_backbone
from zoo.segmentation.metrics import SegmentationScores, segmentation_scores

__all__ = [
    "SegmentationScores",
    "convolutionalize",
    "fcn8s",
    "fcn16s",
    "fcn32s",
    "segmentation_scores",
    "transfer_backbone",
]
