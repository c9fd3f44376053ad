"""Mean average precision of detections at an IoU threshold, by Pascal VOC's rule or COCO's, in NumPy.

Both rules rank each class's detections (over all images) by falling score
and walk down the ranking, marking each a true or a false positive; AP is
then read off the precision-recall curve, and mAP is the mean AP over the
classes that have true boxes.

`rule="voc"` (the default) follows the Pascal VOC devkit (Everingham et
al., The PASCAL Visual Object Classes Challenge, 2010; `VOCevaldet.m`):

- a detection is compared with the true box of its class it overlaps most
  in its image; it is a true positive if that IoU is at least the threshold
  and the box is not yet matched, and a false positive otherwise (a
  duplicate of a matched box stays a false positive even when another true
  box it overlaps enough is free);
- true boxes flagged *difficult* are not counted in the recall, and a
  detection whose best box is difficult is neither true nor false positive;
- AP is the all-point interpolated area (VOC 2010-2012): precision made
  non-increasing, summed over the recall steps.

`rule="coco"` follows pycocotools' `COCOeval` at one IoU threshold, all
areas, at most `max_detections` per class per image (COCO's 100): a
detection takes the best-overlapping true box *not yet matched*, and AP is
the mean interpolated precision at the 101 recall points 0, 0.01, ..., 1.

Departures: boxes are continuous `(x_min, y_min, x_max, y_max)`
coordinates, so widths are `x_max - x_min` (the VOC devkit adds one pixel,
`x_max - x_min + 1`); COCO's crowd regions have no counterpart here.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

import numpy as np

from zoo.data.scenes import box_iou
from zoo.errors import InputError
from zoo.validation import check_choice, check_number, check_positive_int

RULES = ("voc", "coco")
_COCO_RECALL_POINTS = np.linspace(0.0, 1.0, 101)


@dataclasses.dataclass(frozen=True)
class DetectionScores:
    """mAP, each class's AP (NaN for a class without true boxes), and the rule that scored them."""

    map: float
    class_ap: tuple
    iou_threshold: float
    rule: str = "voc"

    def __str__(self) -> str:
        return f"mAP@{self.iou_threshold:g} {self.map:.4f} ({self.rule.upper()} rule)"


def average_precision(recall, precision) -> float:
    """All-point interpolated AP (Pascal VOC 2010-2012) of a precision-recall curve ordered by falling score."""
    r = np.concatenate([[0.0], np.asarray(recall, float), [1.0]])
    p = np.concatenate([[0.0], np.asarray(precision, float), [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]
    steps = np.nonzero(r[1:] != r[:-1])[0]
    return float(np.sum((r[steps + 1] - r[steps]) * p[steps + 1]))


def coco_average_precision(recall, precision) -> float:
    """COCO's AP of a precision-recall curve ordered by falling score: the mean, over the recall
    points 0, 0.01, ..., 1, of the best precision at that recall or beyond (0 where never reached)."""
    recall = np.asarray(recall, float)
    p = np.maximum.accumulate(np.asarray(precision, float)[::-1])[::-1] if len(recall) else np.zeros(0)
    at = np.searchsorted(recall, _COCO_RECALL_POINTS, side="left")
    return float(np.mean([p[i] if i < len(p) else 0.0 for i in at]))


def _per_image(name, values, n, dtype, width=None):
    arrays = [np.asarray(v, dtype).reshape((-1, width) if width else (-1,)) for v in values]
    if len(arrays) != n:
        raise InputError(
            f"mean_average_precision: {name} has {len(arrays)} entries for {n} images; give one per image."
        )
    return arrays


def mean_average_precision(
    pred_boxes: Sequence[np.ndarray],
    pred_labels: Sequence[np.ndarray],
    pred_scores: Sequence[np.ndarray],
    true_boxes: Sequence[np.ndarray],
    true_labels: Sequence[np.ndarray],
    num_classes: int,
    iou_threshold: float = 0.5,
    *,
    rule: str = "voc",
    true_difficult: Sequence[np.ndarray] | None = None,
    max_detections: int = 100,
) -> DetectionScores:
    """mAP over images: each per-image argument is a list with one array per image.

    Args:
        pred_boxes: per image i, its detections' boxes, `(k, 4)`: `(x_min, y_min, x_max, y_max)`.
        pred_labels: per image i, its detections' classes, `(k,)`.
        pred_scores: per image i, its detections' confidences, `(k,)`.
        true_boxes: per image i, its objects' boxes, `(m, 4)`, in the same layout.
        true_labels: per image i, its objects' classes, `(m,)`.
        num_classes: classes `0 .. num_classes - 1` are scored.
        iou_threshold: the least IoU of a true positive (0.5: VOC's and COCO's AP50).
        rule: `"voc"` (Pascal VOC devkit) or `"coco"` (pycocotools); see the module docstring.
        true_difficult: VOC rule only: per image, an `(m,)` boolean array of the objects flagged
            difficult (`load_voc_detection(..., skip_difficult=False)` keeps them).
        max_detections: COCO rule only: the highest-scoring detections kept per class per image.
    """
    check_choice("rule", rule, RULES)
    check_positive_int("num_classes", num_classes)
    check_number("iou_threshold", iou_threshold, minimum=0.0, maximum=1.0)
    check_positive_int("max_detections", max_detections)
    n = len(true_boxes)
    pred_boxes = _per_image("pred_boxes", pred_boxes, n, float, 4)
    pred_labels = _per_image("pred_labels", pred_labels, n, np.int64)
    pred_scores = _per_image("pred_scores", pred_scores, n, float)
    true_boxes = _per_image("true_boxes", true_boxes, n, float, 4)
    true_labels = _per_image("true_labels", true_labels, n, np.int64)
    if true_difficult is None:
        true_difficult = [np.zeros(len(b), bool) for b in true_boxes]
    elif rule != "voc":
        raise InputError("mean_average_precision: true_difficult is Pascal VOC's flag; the COCO rule has none.")
    true_difficult = _per_image("true_difficult", true_difficult, n, bool)
    for name, arrays, like in (
        ("pred_labels", pred_labels, pred_boxes),
        ("pred_scores", pred_scores, pred_boxes),
        ("true_labels", true_labels, true_boxes),
        ("true_difficult", true_difficult, true_boxes),
    ):
        for i, (a, b) in enumerate(zip(arrays, like, strict=True)):
            if len(a) != len(b):
                raise InputError(f"mean_average_precision: image {i} has {len(b)} boxes but {len(a)} {name}.")

    score_class = _voc_class if rule == "voc" else _coco_class
    class_ap = []
    for c in range(num_classes):
        truths = [(b[k == c], d[k == c]) for b, k, d in zip(true_boxes, true_labels, true_difficult, strict=True)]
        detections = [(b[k == c], s[k == c]) for b, k, s in zip(pred_boxes, pred_labels, pred_scores, strict=True)]
        class_ap.append(score_class(truths, detections, iou_threshold, max_detections))
    present = [ap for ap in class_ap if not np.isnan(ap)]
    return DetectionScores(float(np.mean(present)) if present else float("nan"), tuple(class_ap), iou_threshold, rule)


def _ranked(detections, max_per_image=None):
    """(score, image, box) of every detection, best first; ties keep image order (a stable sort)."""
    rows = []
    for i, (boxes, scores) in enumerate(detections):
        order = np.argsort(-scores, kind="stable")[:max_per_image]
        rows.extend((float(scores[j]), i, boxes[j]) for j in order)
    rows.sort(key=lambda row: -row[0])
    return rows


def _curve(outcomes, n_true):
    """Recall and precision down a ranking of 1 (true) / 0 (false positive) outcomes."""
    outcomes = np.asarray(outcomes, float)
    true_pos = np.cumsum(outcomes)
    return true_pos / n_true, true_pos / np.arange(1, len(outcomes) + 1)


def _voc_class(truths, detections, iou_threshold, _max_detections):
    n_true = sum(int((~difficult).sum()) for _, difficult in truths)
    if n_true == 0:
        return float("nan")
    matched = [np.zeros(len(boxes), bool) for boxes, _ in truths]
    outcomes = []
    for _, i, box in _ranked(detections):
        boxes, difficult = truths[i]
        if len(boxes) == 0:
            outcomes.append(0)
            continue
        ious = box_iou(box[None], boxes)[0]
        best = int(np.argmax(ious))
        if ious[best] < iou_threshold:
            outcomes.append(0)
        elif difficult[best]:
            continue  # neither true nor false positive
        elif matched[i][best]:
            outcomes.append(0)
        else:
            matched[i][best] = True
            outcomes.append(1)
    recall, precision = _curve(outcomes, n_true)
    return average_precision(recall, precision)


def _coco_class(truths, detections, iou_threshold, max_detections):
    n_true = sum(len(boxes) for boxes, _ in truths)
    if n_true == 0:
        return float("nan")
    matched = [np.zeros(len(boxes), bool) for boxes, _ in truths]
    outcomes = []
    for _, i, box in _ranked(detections, max_detections):
        boxes, _ = truths[i]
        ious = box_iou(box[None], boxes)[0] if len(boxes) else np.zeros(0)
        ious[matched[i]] = -1.0
        best = int(np.argmax(ious)) if len(ious) else -1
        if best >= 0 and ious[best] >= iou_threshold:
            matched[i][best] = True
            outcomes.append(1)
        else:
            outcomes.append(0)
    recall, precision = _curve(outcomes, n_true)
    return coco_average_precision(recall, precision)
