"""Detection (note 002, V4): boxes, grid targets, decoding with TensorFlow's NMS, mAP by hand, both detectors."""

import math

import keras
import numpy as np
import pytest

import zoo
from zoo.data import make_scenes
from zoo.detection import (
    YoloLoss,
    average_precision,
    box_iou,
    decode_predictions,
    detect,
    encode_targets,
    mean_average_precision,
)
from zoo.detection.boxes import suppress
from zoo.detection.rcnn import RegionDetector, window_proposals

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends


def test_box_iou_by_hand():
    a = [[0, 0, 10, 10]]
    b = [[0, 0, 10, 10], [5, 0, 15, 10], [10, 10, 20, 20], [2, 2, 4, 4]]
    np.testing.assert_allclose(box_iou(a, b), [[1.0, 50 / 150, 0.0, 4 / 100]])
    assert box_iou(a, np.zeros((0, 4))).shape == (1, 0)


# -- mean average precision, cases worked out by hand -----------------------------------
def _map(pred, truth, num_classes=1):
    """``pred``: per image a list of (box, label, score); ``truth``: per image a list of (box, label)."""
    arrays = [
        (np.array([p[0] for p in ps], float).reshape(-1, 4), np.array([p[1] for p in ps]), np.array([p[2] for p in ps]))
        for ps in pred
    ]
    gts = [(np.array([t[0] for t in ts], float).reshape(-1, 4), np.array([t[1] for t in ts])) for ts in truth]
    return mean_average_precision(
        [a[0] for a in arrays], [a[1] for a in arrays], [a[2] for a in arrays], [g[0] for g in gts],
        [g[1] for g in gts], num_classes,
    )  # fmt: skip


BOX = [0, 0, 10, 10]
FAR = [50, 50, 60, 60]


def test_map_perfect_detections_is_one():
    assert _map([[(BOX, 0, 0.9)], [(FAR, 0, 0.5)]], [[(BOX, 0)], [(FAR, 0)]]).map == 1.0


def test_map_false_positive_ranked_first():
    """Ranking FP, TP: precision at recall 1 is 1/2, so AP = 1/2."""
    assert _map([[(FAR, 0, 0.9), (BOX, 0, 0.8)]], [[(BOX, 0)]]).map == pytest.approx(0.5)


def test_map_false_positive_ranked_last_costs_nothing():
    """TP, FP: recall 1 is reached at precision 1; the later FP does not lower AP."""
    assert _map([[(BOX, 0, 0.9), (FAR, 0, 0.1)]], [[(BOX, 0)]]).map == pytest.approx(1.0)


def test_map_missed_object_halves_recall():
    assert _map([[(BOX, 0, 0.9)]], [[(BOX, 0), (FAR, 0)]]).map == pytest.approx(0.5)


def test_map_duplicate_detection_is_a_false_positive():
    """Two boxes on one object: the lower-scored one is an FP; ranked after the TP it costs nothing,
    ranked before another object's TP it does: TP, FP(dup), TP -> precisions 1, 1/2, 2/3 -> AP 1/2 + 1/2 x 2/3."""
    dup = [0, 0, 10, 11]
    ap = _map([[(BOX, 0, 0.9), (dup, 0, 0.8)], [(FAR, 0, 0.7)]], [[(BOX, 0)], [(FAR, 0)]]).map
    assert ap == pytest.approx(0.5 + 0.5 * 2 / 3)


def test_map_across_images_by_hand():
    """Scores 0.9 TP (image 0), 0.8 FP (image 1), 0.7 TP (image 1); 2 objects:
    precision 1, 1/2, 2/3 at recall 1/2, 1/2, 1 -> interpolated AP = 1/2 x 1 + 1/2 x 2/3 = 5/6."""
    ap = _map([[(BOX, 0, 0.9)], [(BOX, 0, 0.8), (FAR, 0, 0.7)]], [[(BOX, 0)], [(FAR, 0)]]).map
    assert ap == pytest.approx(5 / 6)


def test_map_iou_threshold_is_inclusive_at_one_half():
    """A box overlapping its object at IoU exactly 0.5 is a TP; at 0.45 it is not."""
    half = [0, 0, 10, 20]  # IoU with BOX: 100 / 200
    assert box_iou([half], [BOX])[0, 0] == 0.5
    assert _map([[(half, 0, 0.9)]], [[(BOX, 0)]]).map == 1.0
    worse = [0, 0, 10, 22.3]  # IoU 100 / 223 < 0.45
    assert _map([[(worse, 0, 0.9)]], [[(BOX, 0)]]).map == 0.0


def test_map_averages_classes_with_objects_and_wrong_class_is_fp():
    """Class 0 found (AP 1), class 1 detected as class 0 (class 1 AP 0; class 0 gets an FP ranked last),
    class 2 has no objects and is left out: mAP = (1 + 0) / 2."""
    scores = _map([[(BOX, 0, 0.9), (FAR, 0, 0.8)]], [[(BOX, 0), (FAR, 1)]], num_classes=3)
    assert scores.class_ap[:2] == (1.0, 0.0) and math.isnan(scores.class_ap[2])
    assert scores.map == pytest.approx(0.5)


def test_average_precision_of_a_curve():
    assert average_precision([0.5, 0.5, 1.0], [1.0, 0.5, 2 / 3]) == pytest.approx(5 / 6)
    assert average_precision([], []) == 0.0


def test_map_needs_one_entry_per_image():
    with pytest.raises(ValueError, match="one entry per image"):
        mean_average_precision([np.zeros((0, 4))], [np.zeros(0)], [np.zeros(0)], [], [], 1)


# -- grid targets, decoding, NMS --------------------------------------------------------
def test_encode_targets_by_hand():
    target = encode_targets([np.array([[8, 4, 24, 12]])], [np.array([2])], (4, 4), stride=8)
    assert target.shape == (1, 4, 4, 6)
    # centre (16, 8) / 8 = (2.0, 1.0): cell row 1, column 2, offsets 0; size 16 x 8 -> log 2, log 1.
    np.testing.assert_allclose(target[0, 1, 2], [1, 0, 0, np.log(2), 0, 2], atol=1e-6)
    assert target[..., 0].sum() == 1


def _raw_from_targets(target, num_classes):
    """The raw grid output a perfect detector would give for ``target``."""
    eps = 1e-4
    raw = np.zeros(target.shape[:-1] + (5 + num_classes,), np.float32)
    offsets = np.clip(target[..., 1:3], eps, 1 - eps)
    raw[..., 0:2] = np.log(offsets / (1 - offsets))
    raw[..., 2:4] = target[..., 3:5]
    raw[..., 4] = np.where(target[..., 0] > 0, 12.0, -12.0)
    classes = target[..., 5].astype(int)
    raw[..., 5:] = -12.0
    np.put_along_axis(raw[..., 5:], classes[..., None], 12.0, axis=-1)
    return raw


def test_decoding_inverts_encoding_and_keeps_one_box_per_object():
    scenes = make_scenes(8, seed=2)
    target = encode_targets(scenes.boxes, scenes.labels, (8, 8), stride=8)
    found = decode_predictions(_raw_from_targets(target, 4), 8, image_shape=(64, 64))
    for i in range(len(scenes)):
        order = np.lexsort((scenes.boxes[i][:, 0], scenes.labels[i]))
        got = np.lexsort((found.boxes[i][:, 0], found.labels[i]))
        np.testing.assert_allclose(found.boxes[i][got], scenes.boxes[i][order], atol=2e-3)
        np.testing.assert_array_equal(found.labels[i][got], scenes.labels[i][order])
    scores = mean_average_precision(
        found.boxes, found.labels, found.scores, scenes.boxes, scenes.labels, scenes.num_classes
    )
    assert scores.map == 1.0


def test_suppression_is_per_class():
    boxes = np.array([[[0, 0, 10, 10], [1, 0, 11, 10], [0, 0, 10, 10], [30, 30, 40, 40]]], np.float32)
    scores = np.zeros((1, 4, 2), np.float32)
    scores[0, 0, 0], scores[0, 1, 0] = 0.9, 0.8  # overlap (IoU 0.82), same class: the 0.8 goes
    scores[0, 2, 1] = 0.7  # same place, other class: kept
    scores[0, 3, 0] = 0.6  # elsewhere: kept
    kept_boxes, labels, kept_scores = suppress(boxes, scores, iou_threshold=0.5)
    np.testing.assert_allclose(kept_scores[0], [0.9, 0.7, 0.6])
    np.testing.assert_array_equal(labels[0], [0, 1, 0])
    np.testing.assert_allclose(kept_boxes[0], boxes[0, [0, 2, 3]])


def test_yolo_loss_by_hand():
    """One image, a 1x2 grid: cell 0 holds an object of class 1, cell 1 none."""
    y_true = np.array([[[[1, 0.5, 0.25, 0.1, -0.2, 1], [0, 0, 0, 0, 0, 0]]]], np.float32)
    y_pred = np.array([[[[0.0, 0.0, 0.0, 0.0, 2.0, 0.5, 1.5], [1, 1, 1, 1, -1.0, 0, 0]]]], np.float32)
    loss = float(keras.ops.convert_to_numpy(YoloLoss(coord_weight=5.0, noobj_weight=0.5)(y_true, y_pred)))

    def bce(target, logit):
        p = 1 / (1 + np.exp(-logit))
        return -(target * np.log(p) + (1 - target) * np.log(1 - p))

    box = (0.5 - 0.5) ** 2 + (0.5 - 0.25) ** 2 + (0 - 0.1) ** 2 + (0 + 0.2) ** 2
    ce = -np.log(np.exp(1.5) / (np.exp(0.5) + np.exp(1.5)))
    expected = 5 * box + ce + bce(1, 2.0) + 0.5 * bce(0, -1.0)
    assert loss == pytest.approx(expected, rel=1e-5)


# -- the detectors -----------------------------------------------------------------------
def test_yolo_tiny_grid_for_any_size():
    model = zoo.create_model("yolo_tiny", num_classes=4, width=4)
    for shape, grid in (((64, 64), (8, 8)), ((40, 57), (5, 8))):
        y = keras.ops.convert_to_numpy(model(np.zeros((1, *shape, 3), np.float32)))
        assert y.shape == (1, *grid, 9)
    coarse = zoo.create_model("yolo_tiny", num_classes=4, width=4, stride=16)
    assert coarse(np.zeros((1, 64, 64, 3), np.float32)).shape == (1, 4, 4, 9)
    with pytest.raises(ValueError, match=r"stride must be one of \(4, 8, 16, 32\)"):
        zoo.create_model("yolo_tiny", stride=10)
    found = detect(model, make_scenes(3, seed=0).images)
    assert len(found) == 3 and all(b.shape[1] == 4 for b in found.boxes)


def test_window_proposals():
    windows = window_proposals((64, 64), sizes=(16, 32), step_fraction=0.25)
    # size 16, step 4: 13 x 13 positions; size 32, step 8: 5 x 5.
    assert len(windows) == 13 * 13 + 5 * 5
    assert windows.min() == 0 and windows[:, 2:].max() == 64
    assert set(np.unique(windows[:, 2] - windows[:, 0])) == {16, 32}


def test_region_detector_regions_and_detections():
    scenes = make_scenes(6, seed=1)
    region = RegionDetector.build(scenes.class_names, scenes.image_shape, width=4, blocks=2, sizes=(16, 24))
    crops, labels = region.training_regions(scenes, positives=4, negatives=4)
    assert crops.shape[1:] == (32, 32, 3) and len(crops) == len(labels)
    assert set(labels) <= set(range(5)) and (labels == 4).sum() == 24  # 4 background crops per scene
    assert (labels < 4).any()
    found = region.detect(scenes.images[:2])
    assert len(found) == 2
    for boxes in found.boxes:  # every detection is one of the proposed windows
        assert all((np.abs(region.proposals - b).sum(1) < 1e-4).any() for b in boxes)
