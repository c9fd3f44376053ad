"""Detection (note 002, V4): boxes, grid targets, decoding with TensorFlow's NMS, both detectors (mAP: test_metrics)."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data import make_scenes
from zoo.metrics import mean_average_precision
from zoo.models.detection import YoloLoss, box_iou, decode_predictions, detect, encode_targets
from zoo.models.detection.boxes import suppress
from zoo.models.detection.rcnn import RegionDetector, window_proposals

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends


def test_box_iou_by_hand():
    a = [[0, 0, 10, 10]]
    b = [[0, 0, 10, 10], [5, 0, 15, 10], [10, 10, 20, 20], [2, 2, 4, 4]]
    np.testing.assert_allclose(box_iou(a, b), [[1.0, 50 / 150, 0.0, 4 / 100]])
    assert box_iou(a, np.zeros((0, 4))).shape == (1, 0)


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
