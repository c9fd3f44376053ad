# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 10 · Detection, ever faster: a region-based detector against a one-pass detector
#
# Mirrors *Computer Vision Applications → Detection* in **note 002** (*2023-08-02 TIL*);
# concept V4:
#
# - R-CNN extracts regions from the image and classifies each (*이미지 안에서 region을 뽑는
#   R-CNN 존재, Linear SVM 사용*);
# - SPPNet, Fast R-CNN, Faster R-CNN and YOLO made detection faster than R-CNN (*R-CNN 보다
#   빠른 속도로 detection을 가능하게 한 모델들*).
#
# We build the scoring (IoU, mean average precision) from scratch and check the library
# against it, then train both kinds of detector on the same offline scenes and measure what
# "faster" means: images per second, at what accuracy.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import time

import keras
import matplotlib.pyplot as plt
import numpy as np

from zoo.data import make_scenes
from zoo.plotting import draw_boxes
from zoo.training.scenes import TEST_SEED_OFFSET
from zoo.tutorials import claim

keras.utils.set_random_seed(0)  # a fresh run draws the same weights, batches and dropout

train = make_scenes(256 if SMOKE else 4000, seed=0)
test = make_scenes(40 if SMOKE else 300, seed=TEST_SEED_OFFSET)
print("train", train, "\ntest ", test)

# %% [markdown]
# ## Scoring a detector, from scratch
# A detection is a box, a class and a score. It is right if it overlaps a true box of its
# class with **intersection over union** (IoU) at least 0.5 and that box was not already
# found. Ranking all detections by score gives a precision–recall curve; its area (after
# making precision non-increasing) is the **average precision** of the class, and **mAP@0.5**
# averages it over classes. Our own version, on a hand example:

# %%
def iou(a, b):
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    return inter / ((a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter)


truth = {0: [(0, 0, 10, 10)], 1: [(50, 50, 60, 60)]}  # image -> true boxes (one class)
found = [(0.9, 0, (1, 0, 11, 10)), (0.8, 1, (0, 0, 10, 10)), (0.7, 1, (49, 50, 60, 61))]  # score, image, box
hits, used = [], set()
for _score, image, box in sorted(found, reverse=True):
    best = max(range(len(truth[image])), key=lambda k: iou(box, truth[image][k]))
    ok = iou(box, truth[image][best]) >= 0.5 and (image, best) not in used
    if ok:
        used.add((image, best))
    hits.append(ok)
tp = np.cumsum(hits)
precision, recall = tp / np.arange(1, len(hits) + 1), tp / 2
print("hits", hits, "precision", precision.round(3), "recall", recall)
# Area under the interpolated curve: recall 0 -> 0.5 at precision 1, 0.5 -> 1 at precision 2/3.
ap_by_hand = 0.5 * 1.0 + 0.5 * (2 / 3)

from zoo.models.detection import mean_average_precision

boxes = [np.array([f[2] for f in found if f[1] == i], float) for i in (0, 1)]
scores = [np.array([f[0] for f in found if f[1] == i]) for i in (0, 1)]
labels = [np.zeros(len(b), int) for b in boxes]
library = mean_average_precision(boxes, labels, scores, [np.array(truth[i], float) for i in (0, 1)],
                                 [np.zeros(1, int), np.zeros(1, int)], num_classes=1)  # fmt: skip
print(f"AP by hand {ap_by_hand:.4f}; zoo.models.detection: {library.map:.4f}")
assert abs(library.map - ap_by_hand) < 1e-9

# %% [markdown]
# ## V4 · The R-CNN way: propose regions, classify each one
# R-CNN takes ~2,000 *region proposals* per image (selective search), warps each to a fixed
# size, runs a CNN on it and classifies it (with linear SVMs on the CNN's features). Our
# region detector keeps that shape with two plain simplifications: proposals are
# multi-scale **sliding windows** (they cover every object of these scenes), and the CNN
# (`vgg_cifar` from the zoo) ends in a softmax over the four shapes *and background*, as
# Fast R-CNN's does. Training crops: windows with IoU ≥ 0.5 with an object (its class) and
# windows with IoU < 0.3 with all objects (background).

# %%
from zoo.models.detection import box_iou
from zoo.models.detection.rcnn import RegionDetector

region = RegionDetector.build(train.class_names, train.image_shape)
recall = np.mean(np.concatenate([box_iou(b, region.proposals).max(1) >= 0.5 for b in test.boxes]))
print(f"{len(region.proposals)} windows per image; objects covered at IoU >= 0.5: {recall:.1%}")
crops, crop_labels = region.training_regions(train.subset(slice(0, 1500)))
print("training crops", crops.shape, "per class (last = background):", np.bincount(crop_labels).tolist())
fig, axes = plt.subplots(1, 10, figsize=(12, 1.5))
for ax, k in zip(axes, np.random.default_rng(0).choice(len(crops), 10, replace=False), strict=True):
    ax.imshow(crops[k])
    ax.set_title((*train.class_names, "background")[crop_labels[k]], fontsize=7)
    ax.axis("off")
plt.show()

# %%
start = time.monotonic()
region.fit(train.subset(slice(0, 1500)), epochs=1 if SMOKE else 4)
print(f"region classifier trained in {time.monotonic() - start:.0f} s")

# %% [markdown]
# ## V4 · The YOLO way: one pass over the image
# `yolo_tiny` runs the CNN once over the whole image. Each cell of its 8×8 grid (8 pixels per
# cell) predicts one box (centre offset and log size), an objectness score and class scores;
# the cell that holds an object's centre is responsible for it. The training targets:

# %%
from zoo.models.detection import encode_targets

target = encode_targets(train.boxes[:1], train.labels[:1], (8, 8), stride=8)[0]
cells = np.argwhere(target[..., 0] > 0)
print("responsible cells (row, col):", cells.tolist())
for r, c in cells.tolist():
    offset, log_size, k = target[r, c, 1:3].round(2), target[r, c, 3:5].round(2), int(target[r, c, 5])
    print(f"  cell {r, c}: centre offset {offset}, log(size / 8) {log_size}, class {train.class_names[k]}")

# %%
from zoo.training import RunOptions
from zoo.training.scenes import train_detector

start = time.monotonic()
result = train_detector(
    "yolo_tiny", train,
    options=RunOptions(minutes=0.05 if SMOKE else 3, verbose=0, out_dir="runs/yolo_tiny", overwrite=True),
    **({"validation_scenes": 32, "test_scenes": 32} if SMOKE else {}),  # the trainer scores 200 and 500
)  # fmt: skip
yolo, rows, yolo_scores = result.model, result.history, result.scores
print(f"yolo_tiny ({yolo.count_params():,} parameters): {len(rows)} epochs, {time.monotonic() - start:.0f} s; "
      f"held-out {yolo_scores}")  # fmt: skip

# %% [markdown]
# Decoding turns every cell into a box with a score (objectness × class probability);
# **non-maximum suppression** then drops boxes that overlap a better box of the same class.
# zoo uses TensorFlow's own `tf.image.combined_non_max_suppression` for this. How many
# candidate boxes survive each step, on the test scenes:

# %%
from zoo.models.detection import detect
from zoo.models.detection.yolo import grid_boxes

raw = keras.ops.convert_to_numpy(yolo.predict_on_batch(test.images))
candidates, cell_scores = grid_boxes(raw, 8)
above = (cell_scores.max(-1) >= 0.05).sum(1)
kept = detect(yolo, test.images)
after_nms = np.mean([len(b) for b in kept.boxes])
objects = np.mean([len(b) for b in test.boxes])
print(f"{candidates.shape[1]} cells per image; scoring >= 0.05: {above.mean():.1f} on average; "
      f"after NMS: {after_nms:.1f}; true objects: {objects:.1f}")  # fmt: skip

# %% [markdown]
# ## V4 · Ever faster, measured
# Both detectors on the same held-out scenes, timed after a warm-up call.

# %%
timings = {}
for name, run in (("region (R-CNN style)", lambda: region.detect(test.images)),
                  ("one pass (yolo_tiny)", lambda: detect(yolo, test.images))):  # fmt: skip
    run()
    start = time.monotonic()
    result = run()
    seconds = time.monotonic() - start
    score = mean_average_precision(result.boxes, result.labels, result.scores, test.boxes, test.labels, 4)
    timings[name] = (len(test) / seconds, score.map, result)
    print(f"{name:<22} {len(test) / seconds:9.1f} images/s   mAP@0.5 {score.map:.3f}")
(slow, slow_map, slow_found), (fast, fast_map, fast_found) = timings.values()
print(f"one pass is {fast / slow:.0f}x faster: the region detector runs its CNN on "
      f"{len(region.proposals)} crops per image, the one-pass detector once")  # fmt: skip
claim(
    "V4",
    "holds" if fast > slow else "does not hold",
    f"measured at the line's two ends only: region proposals classified one by one {slow:.1f} images/s "
    f"(mAP@0.5 {slow_map:.3f}), one pass {fast:.1f} images/s (mAP@0.5 {fast_map:.3f}), {fast / slow:.0f}x faster; "
    "SPPNet, Fast and Faster R-CNN are not built here",
)

fig, axes = plt.subplots(1, 2, figsize=(8, 3))
axes[0].bar(list(timings), [t[0] for t in timings.values()], color=["tab:gray", "tab:blue"])
axes[0].set_yscale("log")
axes[0].set_ylabel("images / s (log)")
axes[1].bar(list(timings), [t[1] for t in timings.values()], color=["tab:gray", "tab:blue"])
axes[1].set_ylim(0, 1)
axes[1].set_ylabel("mAP@0.5")
for ax in axes:
    ax.tick_params(axis="x", labelsize=7)
plt.tight_layout()
plt.show()

# %% [markdown]
# What each detector found on four test scenes (dashed white: the truth):

# %%
fig, axes = plt.subplots(2, 4, figsize=(10, 5.3))
for row, (name, found) in enumerate((("region", slow_found), ("one pass", fast_found))):
    for i in range(4):
        ax = axes[row, i]
        ax.imshow(test.images[i])
        draw_boxes(ax, test.boxes[i], test.labels[i], test.class_names, colour="white", linestyle="--", text=False)
        keep = found.scores[i] >= 0.3
        draw_boxes(ax, found.boxes[i][keep], found.labels[i][keep], test.class_names, scores=found.scores[i][keep])
        ax.axis("off")
    axes[row, 0].set_title(name, loc="left", fontsize=9)
plt.show()

# %% [markdown]
# ## Summary
# | claim (note 002, V4) | measured here |
# |---|---|
# | R-CNN: regions are extracted, then each is classified | ~700 windows per image, each warped |
# | | to 32×32 and classified by a CNN |
# | YOLO and the rest made detection faster | images/s of both above, and their ratio |
#
# The 10-minute figures (mAP of `yolo_tiny`, and both detectors' speed) are in the README's
# *Measured* table, from `benchmarks/vision_goals.py`; train from the command line with
# `zoo train yolo_tiny --minutes 10`.
