"""Box arithmetic, the grid targets of a one-stage detector, and non-maximum suppression.

Boxes are `(x_min, y_min, x_max, y_max)` in pixels, as in `zoo.data.scenes`.
"""

from __future__ import annotations

import numpy as np

from zoo.data.scenes import box_iou  # noqa: F401  (the box arithmetic the scenes already need, Keras-free)


def encode_targets(boxes, labels, grid_shape, stride: int) -> np.ndarray:
    """The training target of a grid detector: (N, rows, cols, 6) float32.

    The cell holding a box's centre is responsible for it (YOLO): its target
    is `[1, x_offset, y_offset, log(w / stride), log(h / stride), class]`
    with the centre's offsets within the cell in [0, 1); other cells are all
    zero (objectness 0). If two centres share a cell, the larger box wins.
    """
    rows, cols = grid_shape
    target = np.zeros((len(boxes), rows, cols, 6), np.float32)
    for i, (bs, ls) in enumerate(zip(boxes, labels, strict=True)):
        bs = np.asarray(bs, np.float32).reshape(-1, 4)
        order = np.argsort((bs[:, 2] - bs[:, 0]) * (bs[:, 3] - bs[:, 1]))  # small first: the larger overwrites
        for j in order:
            x0, y0, x1, y1 = bs[j]
            cx, cy = (x0 + x1) / 2 / stride, (y0 + y1) / 2 / stride
            col, row = min(int(cx), cols - 1), min(int(cy), rows - 1)
            target[i, row, col] = (
                1.0,
                cx - col,
                cy - row,
                np.log(max(x1 - x0, 1e-3) / stride),
                np.log(max(y1 - y0, 1e-3) / stride),
                ls[j],
            )
    return target


def suppress(boxes, scores, *, score_threshold=0.05, iou_threshold=0.45, max_detections=50, image_shape=None):
    """Per-class non-maximum suppression with TensorFlow's `tf.image.combined_non_max_suppression`.

    `boxes` (N, K, 4) candidate boxes per image and `scores` (N, K, C)
    their score for each class. Returns `(boxes, labels, scores)`, lists with
    one array per image of the kept detections, best first; `image_shape`
    `(height, width)` clips the boxes to the image. Needs TensorFlow.
    """
    import tensorflow as tf

    boxes = np.asarray(boxes, np.float32)
    yx = boxes[..., [1, 0, 3, 2]]  # TensorFlow's box order is (y_min, x_min, y_max, x_max)
    nms_boxes, nms_scores, nms_classes, valid = tf.image.combined_non_max_suppression(
        yx[:, :, None, :],
        np.asarray(scores, np.float32),
        max_output_size_per_class=max_detections,
        max_total_size=max_detections,
        iou_threshold=iou_threshold,
        score_threshold=score_threshold,
        clip_boxes=False,
    )
    kept_boxes, kept_labels, kept_scores = [], [], []
    for i in range(len(boxes)):
        k = int(valid[i])
        b = nms_boxes[i, :k].numpy()[:, [1, 0, 3, 2]]
        if image_shape is not None:
            b = np.clip(b, 0, [image_shape[1], image_shape[0], image_shape[1], image_shape[0]])
        kept_boxes.append(b.astype(np.float32))
        kept_labels.append(nms_classes[i, :k].numpy().astype(np.int32))
        kept_scores.append(nms_scores[i, :k].numpy().astype(np.float32))
    return kept_boxes, kept_labels, kept_scores
