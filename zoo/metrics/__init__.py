"""Scores, each computed in one place and checked against its published definition.

- `zoo.metrics.language`: bits per token and perplexity from a cross-entropy in nats.
- `zoo.metrics.bleu`: corpus and sentence BLEU (Papineni et al., 2002), equal to sacrebleu's
  with `tokenize="none"`.
- `zoo.metrics.detection`: mean average precision, Pascal VOC's rule by default and COCO's
  as an option (equal to pycocotools').
- `zoo.metrics.segmentation`: pixel accuracy and mean IoU from `keras.metrics.MeanIoU`
  (imports Keras, so it is loaded on first use).

Importing this package does not import Keras.
"""

from zoo.lazy_exports import lazy_exports
from zoo.metrics.bleu import corpus_bleu, sentence_bleu
from zoo.metrics.detection import DetectionScores, average_precision, mean_average_precision
from zoo.metrics.language import bits_from_nats, perplexity_from_nats

__all__ = [
    "DetectionScores",
    "SegmentationScores",
    "average_precision",
    "bits_from_nats",
    "corpus_bleu",
    "mean_average_precision",
    "perplexity_from_nats",
    "predict_masks",
    "segmentation_scores",
    "sentence_bleu",
]

# Keras is imported on first use of these.
__getattr__, __dir__, _ = lazy_exports(
    __name__, dict.fromkeys(("SegmentationScores", "predict_masks", "segmentation_scores"), "zoo.metrics.segmentation")
)
