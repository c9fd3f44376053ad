"""Mean average precision at an IoU threshold (Pascal VOC's all-point interpolated AP), in NumPy.

For each class, detections of every image are ranked by score; going down
the ranking, a detection is a true positive if its IoU with a not yet
matched true box of its class in its image is at least the threshold (the
best such box is matched), otherwise a false positive (duplicates
included). AP is the area under the precision-recall curve after making
precision non-increasing (each point takes the best precision at any
higher recall); mAP is the mean over the classes that have true boxes.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from zoo.detection.boxes import box_iou


@dataclasses.dataclass(frozen=True)
class DetectionScores:
    """mAP and each class's AP (NaN for a class without true boxes)."""

    map: float
    class_ap: tuple
    iou_threshold: float

    def __str__(self) -> str:
        return f"mAP@{self.iou_threshold:g} {self.map:.4f}"


def average_precision(recall, precision) -> float:
    """All-point interpolated AP of a precision-recall curve ordered by falling score."""
    r = np.concatenate([[0.0], np.asarray(recall, float), [1.0]])
    p = np.concatenate([[0.0], np.asarray(precision, float), [0.0]])
    p = np.maximum.accumulate(p[::-1])[::-1]
    steps = np.nonzero(r[1:] != r[:-1])[0]
    return float(np.sum((r[steps + 1] - r[steps]) * p[steps + 1]))


def mean_average_precision(
    pred_boxes, pred_labels, pred_scores, true_boxes, true_labels, num_classes: int, iou_threshold: float = 0.5
) -> DetectionScores:
    """mAP over images: each argument is a list with one array per image.

    ``pred_boxes[i]`` (k, 4), ``pred_labels[i]`` (k,), ``pred_scores[i]`` (k,)
    are image i's detections; ``true_boxes[i]`` (m, 4) and ``true_labels[i]``
    (m,) its objects. Boxes are ``(x_min, y_min, x_max, y_max)``.
    """
    n = len(true_boxes)
    if not (len(pred_boxes) == len(pred_labels) == len(pred_scores) == len(true_labels) == n):
        raise ValueError(
            f"mean_average_precision needs one entry per image in every list; got {len(pred_boxes)} predicted "
            f"box arrays, {len(pred_labels)} label arrays, {len(pred_scores)} score arrays for {n} images "
            f"with {len(true_labels)} label arrays."
        )
    class_ap = []
    for c in range(num_classes):
        gts = [
            np.asarray(b, float).reshape(-1, 4)[np.asarray(lab) == c]
            for b, lab in zip(true_boxes, true_labels, strict=True)
        ]
        n_true = sum(len(g) for g in gts)
        if n_true == 0:
            class_ap.append(float("nan"))
            continue
        dets = [
            (float(s), i, np.asarray(b, float))
            for i, (bs, ls, ss) in enumerate(zip(pred_boxes, pred_labels, pred_scores, strict=True))
            for b, lab, s in zip(np.asarray(bs).reshape(-1, 4), np.asarray(ls), np.asarray(ss), strict=True)
            if lab == c
        ]
        dets.sort(key=lambda d: -d[0])
        matched = [np.zeros(len(g), bool) for g in gts]
        tp = np.zeros(len(dets))
        for k, (_, i, box) in enumerate(dets):
            if len(gts[i]) == 0:
                continue
            ious = box_iou(box[None], gts[i])[0]
            ious[matched[i]] = -1.0
            best = int(np.argmax(ious))
            if ious[best] >= iou_threshold:
                matched[i][best] = True
                tp[k] = 1.0
        cum_tp = np.cumsum(tp)
        recall = cum_tp / n_true
        precision = cum_tp / np.arange(1, len(dets) + 1)
        class_ap.append(average_precision(recall, precision))
    present = [ap for ap in class_ap if not np.isnan(ap)]
    return DetectionScores(float(np.mean(present)) if present else float("nan"), tuple(class_ap), iou_threshold)
