"""Scores against their published definitions: hand-worked cases, and maintained implementations
(pycocotools for COCO's mAP, sacrebleu for BLEU) on random inputs.

Keras-free: ``zoo.metrics`` computes these in NumPy and plain Python.
"""

import math

import numpy as np
import pytest

from zoo.data.scenes import box_iou
from zoo.metrics import (
    average_precision,
    bits_from_nats,
    corpus_bleu,
    mean_average_precision,
    perplexity_from_nats,
    sentence_bleu,
)
from zoo.metrics.detection import coco_average_precision


# -- mean average precision, cases worked out by hand -----------------------------------
def _map(pred, truth, num_classes=1, **kwargs):
    """``pred``: per image a list of (box, label, score); ``truth``: per image a list of (box, label)."""
    arrays = [
        (np.array([p[0] for p in ps], float).reshape(-1, 4), np.array([p[1] for p in ps]), np.array([p[2] for p in ps]))
        for ps in pred
    ]
    gts = [(np.array([t[0] for t in ts], float).reshape(-1, 4), np.array([t[1] for t in ts])) for ts in truth]
    return mean_average_precision(
        [a[0] for a in arrays], [a[1] for a in arrays], [a[2] for a in arrays], [g[0] for g in gts],
        [g[1] for g in gts], num_classes, **kwargs,
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
    with pytest.raises(ValueError, match="pred_boxes has 1 entries for 0 images; give one per image"):
        mean_average_precision([np.zeros((0, 4))], [np.zeros(0)], [np.zeros(0)], [], [], 1)


# -- where Pascal VOC's rule and COCO's differ, worked out by hand ----------------------
# Boxes one pixel tall, so that IoU is the overlap of two intervals over their union.
def strip(x0, x1):
    return [x0, 0, x1, 1]


G1, G2 = strip(0, 10), strip(2, 12)
D1, D2 = strip(0, 10), strip(1, 10.5)


def test_the_hand_cases_overlap_as_stated():
    np.testing.assert_allclose(box_iou([D1, D2], [G1, G2]), [[1.0, 8 / 12], [9 / 10.5, 8.5 / 11]])


def test_voc_takes_the_best_box_even_when_it_is_matched():
    """D1 matches G1. D2 overlaps G1 most (0.857), which is taken: VOC counts D2 a false positive
    although it overlaps the free G2 at 0.773. TP, FP over two objects: precision 1, 1/2 at
    recall 1/2, 1/2 -> AP 1/2. COCO's rule gives D2 the best *free* box, G2: TP, TP -> AP 1."""
    pred, truth = [[(D1, 0, 0.9), (D2, 0, 0.8)]], [[(G1, 0), (G2, 0)]]
    assert _map(pred, truth).map == pytest.approx(0.5)
    assert _map(pred, truth, rule="coco").map == pytest.approx(1.0)


def test_voc_ignores_detections_of_difficult_objects():
    """One object and one difficult object; ranked: a miss (0.95), a box on the difficult object
    (0.9), a box on the object (0.8). VOC drops the middle one: FP, TP -> precision 0, 1/2 at
    recall 0, 1 -> AP 1/2. Counting the difficult object as an object would give 2/3 (FP, TP, TP
    over 2), and dropping it without ignoring its detection 1/3 (FP, FP, TP over 1)."""
    hard, miss = strip(20, 30), strip(50, 60)
    pred = [[(miss, 0, 0.95), (hard, 0, 0.9), (G1, 0, 0.8)]]
    scores = mean_average_precision(
        [np.array([p[0] for p in pred[0]], float)], [np.zeros(3, int)], [np.array([0.95, 0.9, 0.8])],
        [np.array([G1, hard], float)], [np.zeros(2, int)], 1, true_difficult=[np.array([False, True])],
    )  # fmt: skip
    assert scores.map == pytest.approx(0.5)
    assert _map(pred, [[(G1, 0), (hard, 0)]]).map == pytest.approx(2 / 3)
    assert _map(pred, [[(G1, 0)]]).map == pytest.approx(1 / 3)


def test_a_class_with_only_difficult_objects_is_left_out():
    scores = mean_average_precision(
        [np.array([G1], float)], [np.array([0])], [np.array([0.9])],
        [np.array([G1, G2], float)], [np.array([0, 1])], 2, true_difficult=[np.array([False, True])],
    )  # fmt: skip
    assert scores.class_ap[0] == 1.0 and math.isnan(scores.class_ap[1]) and scores.map == 1.0


def test_coco_ap_reads_precision_at_101_recall_points():
    """TP, FP, TP over two objects: interpolated precision 1 up to recall 1/2 (51 points: 0 ... 0.5)
    and 2/3 after (50 points) -> (51 + 50 x 2/3) / 101; VOC's all-point area is 1/2 + 1/2 x 2/3."""
    recall, precision = [0.5, 0.5, 1.0], [1.0, 0.5, 2 / 3]
    assert coco_average_precision(recall, precision) == pytest.approx((51 + 50 * 2 / 3) / 101)
    assert average_precision(recall, precision) == pytest.approx(5 / 6)
    assert coco_average_precision([], []) == 0.0


def test_coco_keeps_the_best_max_detections_per_image():
    """A false positive ranked before the true one: precision 1/2 at every recall point -> AP 1/2;
    with at most one detection per image only the false positive is kept -> AP 0."""
    pred = [[(FAR, 0, 0.9), (BOX, 0, 0.8)]]
    assert _map(pred, [[(BOX, 0)]], rule="coco").map == pytest.approx(0.5)
    assert _map(pred, [[(BOX, 0)]], rule="coco", max_detections=1).map == 0.0


def test_bad_rule_and_mismatched_lengths_are_refused_by_name():
    with pytest.raises(ValueError, match="rule must be one of 'voc', 'coco', got 'pascal'"):
        _map([[(BOX, 0, 0.9)]], [[(BOX, 0)]], rule="pascal")
    with pytest.raises(ValueError, match="image 0 has 1 boxes but 2 pred_scores"):
        mean_average_precision([np.array([BOX])], [np.array([0])], [np.array([0.9, 0.8])], [np.array([BOX])], [[0]], 1)
    with pytest.raises(ValueError, match="true_difficult is Pascal VOC's flag"):
        _map([[(BOX, 0, 0.9)]], [[(BOX, 0)]], rule="coco", true_difficult=[[False]])


# -- COCO's rule against pycocotools, on random crowded scenes ---------------------------
def _random_scene_detections(seed, images=12, num_classes=3):
    """Crowded images: true boxes that overlap, detections jittered around them plus strays."""
    rng = np.random.default_rng(seed)
    pred, truth = [], []
    for _ in range(images):
        m = int(rng.integers(0, 7))
        centres = rng.uniform(20, 80, (m, 2))
        sizes = rng.uniform(8, 30, (m, 2))
        boxes = np.concatenate([centres - sizes / 2, centres + sizes / 2], axis=1)
        labels = rng.integers(0, num_classes, m)
        k = int(rng.integers(0, 12))
        source = rng.integers(0, max(m, 1), k)
        jitter = rng.normal(0, 4, (k, 4))
        stray = rng.uniform(0, 1, k) < 0.3
        det = np.where(stray[:, None] | (m == 0), rng.uniform(0, 70, (k, 1)) + np.array([0, 0, 20, 20]), 0.0)
        if m:
            det = np.where(stray[:, None], det, boxes[source] + jitter)
        det[:, 2:] = np.maximum(det[:, 2:], det[:, :2] + 1)
        det_labels = np.where(rng.uniform(0, 1, k) < 0.8, labels[source] if m else 0, rng.integers(0, num_classes, k))
        pred.append((det, det_labels, rng.uniform(0, 1, k)))
        truth.append((boxes, labels))
    return pred, truth


def _pycocotools_map(pred, truth, num_classes, iou_threshold):
    """AP per class at one IoU threshold (all areas, 100 detections), from pycocotools' COCOeval
    (a dev dependency: setup.cfg's dev extra)."""
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    def xywh(b):
        return [float(b[0]), float(b[1]), float(b[2] - b[0]), float(b[3] - b[1])]

    objects = [(i, b, c) for i, (boxes, labels) in enumerate(truth) for b, c in zip(boxes, labels, strict=True)]
    gt = COCO()
    gt.dataset = {
        "images": [{"id": i} for i in range(len(truth))],
        "categories": [{"id": c} for c in range(num_classes)],
        "annotations": [
            {"id": k + 1, "image_id": i, "category_id": int(c), "bbox": xywh(b), "area": xywh(b)[2] * xywh(b)[3],
             "iscrowd": 0}
            for k, (i, b, c) in enumerate(objects)
        ],
    }  # fmt: skip
    gt.createIndex()
    dets = [
        {"image_id": i, "category_id": int(c), "bbox": xywh(b), "score": float(s)}
        for i, (boxes, labels, scores) in enumerate(pred)
        for b, c, s in zip(boxes, labels, scores, strict=True)
    ]
    evaluation = COCOeval(gt, gt.loadRes(dets) if dets else COCO(), "bbox")
    evaluation.params.iouThrs = np.array([iou_threshold])
    evaluation.evaluate()
    evaluation.accumulate()
    precision = evaluation.eval["precision"][0, :, :, 0, -1]  # (recall points, classes), all areas, 100 dets
    return [float(np.mean(p)) if (p > -1).all() else float("nan") for p in precision.T]


@pytest.mark.parametrize("seed", range(6))
@pytest.mark.parametrize("iou_threshold", [0.5, 0.75])
def test_coco_rule_equals_pycocotools_on_random_detections(seed, iou_threshold, capsys):
    pred, truth = _random_scene_detections(seed)
    expected = _pycocotools_map(pred, truth, 3, iou_threshold)
    capsys.readouterr()  # pycocotools prints its progress
    got = mean_average_precision(
        [p[0] for p in pred], [p[1] for p in pred], [p[2] for p in pred], [t[0] for t in truth], [t[1] for t in truth],
        3, iou_threshold, rule="coco",
    )  # fmt: skip
    np.testing.assert_allclose(got.class_ap, expected, rtol=1e-12, atol=1e-12)
    voc = mean_average_precision(
        [p[0] for p in pred], [p[1] for p in pred], [p[2] for p in pred], [t[0] for t in truth], [t[1] for t in truth],
        3, iou_threshold,
    )  # fmt: skip
    assert voc.rule == "voc" and str(voc).endswith("(VOC rule)")


# -- BLEU ------------------------------------------------------------------------------
def test_bleu_against_hand_computed_values():
    ref, hyp = "the cat is on the mat", "the cat sat on the mat"
    # p1 = 5/6, p2 = 3/5, p3 = 1/4, p4 = 0/3; equal lengths, so no brevity penalty
    assert corpus_bleu([[ref]], [hyp], max_n=2) == pytest.approx((5 / 6 * 3 / 5) ** 0.5)
    assert corpus_bleu([[ref]], [hyp], max_n=3) == pytest.approx(0.5)
    assert corpus_bleu([[ref]], [hyp]) == 0.0
    # smoothing adds one to n > 1: (5/6 * 4/6 * 2/5 * 1/4) ** (1/4)
    assert sentence_bleu([ref], hyp) == pytest.approx((5 / 6 * 4 / 6 * 2 / 5 * 1 / 4) ** 0.25)
    # brevity: 2 words against 6, every n-gram matches: exp(1 - 6/2)
    assert corpus_bleu([[ref]], ["the cat"], max_n=2) == pytest.approx(np.exp(-2))
    # clipping: "the the the" matches "the" only twice; the closest reference length wins
    assert corpus_bleu([[ref, "the mat"]], ["the the the"], max_n=1) == pytest.approx(2 / 3)
    assert corpus_bleu([[ref]], [ref]) == 1.0
    with pytest.raises(ValueError, match="Got 2 reference sets for 1 hypotheses"):
        corpus_bleu([[ref], [ref]], [hyp])


def _random_corpus(rng, n, refs_per_hypothesis, vocabulary=8):
    words = [f"w{i}" for i in range(vocabulary)]

    def sentence():
        return " ".join(rng.choice(words, int(rng.integers(1, 12))))

    hypotheses = [sentence() for _ in range(n)]
    references = [[sentence() for _ in range(refs_per_hypothesis)] for _ in range(n)]
    return hypotheses, references


@pytest.mark.parametrize("seed", range(8))
def test_bleu_equals_sacrebleu_on_random_corpora(seed):
    import sacrebleu  # a dev dependency (setup.cfg's dev extra)

    rng = np.random.default_rng(seed)
    n, refs = int(rng.integers(1, 30)), int(rng.integers(1, 4))
    hypotheses, references = _random_corpus(rng, n=n, refs_per_hypothesis=refs)
    streams = [list(r) for r in zip(*references, strict=True)]  # sacrebleu: one stream per reference slot
    for smooth, method in ((False, "none"), (True, "add-k")):
        expected = sacrebleu.corpus_bleu(hypotheses, streams, tokenize="none", smooth_method=method, force=True)
        got = corpus_bleu(references, hypotheses, smooth=smooth)
        assert got * 100 == pytest.approx(expected.score, rel=1e-9, abs=1e-9)


# -- bits and perplexity ----------------------------------------------------------------
def test_bits_and_perplexity_from_nats():
    assert bits_from_nats(math.log(2.0)) == pytest.approx(1.0)
    assert bits_from_nats(math.log(256.0)) == pytest.approx(8.0)  # chance over 256 symbols: 8 bits
    assert perplexity_from_nats(math.log(500.0)) == pytest.approx(500.0)  # chance over 500 words
    assert perplexity_from_nats(2.0) == pytest.approx(2 ** bits_from_nats(2.0))
    assert math.isfinite(perplexity_from_nats(1e6))
