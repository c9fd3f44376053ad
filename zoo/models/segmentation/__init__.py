"""Semantic segmentation (note 002, V1-V3): FCN-32s/16s/8s and convolutionalization.

Its scores (pixel accuracy, mean IoU) are in `zoo.metrics.segmentation`.
Importing this package does not import Keras; the names below do, on first use.
"""

from zoo.lazy_exports import lazy_exports

_WHERE = {
    "SegmentationScores": "zoo.metrics.segmentation",
    "segmentation_scores": "zoo.metrics.segmentation",
    "convolutionalize": "zoo.models.segmentation.convolutionalization",
    "fcn8s": "zoo.models.segmentation.fcn",
    "fcn16s": "zoo.models.segmentation.fcn",
    "fcn32s": "zoo.models.segmentation.fcn",
    "transfer_backbone": "zoo.models.segmentation.fcn",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, _WHERE, family=True)
