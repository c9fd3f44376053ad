"""A region-based detector in the manner of R-CNN (Girshick et al., 2014), to compare with the one-pass detector.

Note 002 (V4): R-CNN proposes regions, warps each to a fixed size and
classifies it with a CNN; SPPNet, Fast and Faster R-CNN and YOLO made
detection "ever faster" by sharing more of the work. This detector keeps
R-CNN's shape, with two simplifications said plainly:

- proposals are multi-scale sliding windows (`window_proposals`),
  not selective search; on these scenes they cover every object at IoU
  >= 0.5;
- the region classifier is one CNN from the zoo (`vgg_cifar`) with a
  softmax over the classes and a background class, as Fast R-CNN has,
  rather than CNN features fed to per-class linear SVMs.

Each window is cropped and resized with `tf.image.crop_and_resize`, and
the per-class scores go through the same non-maximum suppression as the
grid detector's (`zoo.models.detection.boxes.suppress`). Needs TensorFlow.
"""

from __future__ import annotations

import keras
import numpy as np

from zoo.models.detection.boxes import box_iou, suppress
from zoo.models.detection.yolo import Detections


def window_proposals(image_shape, sizes=(12, 16, 20, 24, 28, 32), step_fraction: float = 0.25) -> np.ndarray:
    """Square windows `(x_min, y_min, x_max, y_max)` of each size, every `step_fraction` x size pixels."""
    height, width = image_shape[:2]
    windows = []
    for size in sizes:
        step = max(1, int(round(size * step_fraction)))
        ys = np.arange(0, height - size + 1, step)
        xs = np.arange(0, width - size + 1, step)
        gx, gy = np.meshgrid(xs, ys)
        windows.append(np.stack([gx, gy, gx + size, gy + size], -1).reshape(-1, 4))
    return np.concatenate(windows).astype(np.float32)


def crop_regions(images, boxes, box_images, crop_size: int) -> np.ndarray:
    """Crop `boxes` (k, 4 pixels) out of `images[box_images]` and resize each to crop_size x crop_size."""
    import tensorflow as tf

    h, w = images.shape[1:3]
    b = np.asarray(boxes, np.float32)
    normalised = np.stack([b[:, 1] / (h - 1), b[:, 0] / (w - 1), (b[:, 3] - 1) / (h - 1), (b[:, 2] - 1) / (w - 1)], -1)
    crops = tf.image.crop_and_resize(images, normalised, np.asarray(box_images, np.int32), (crop_size, crop_size))
    return crops.numpy()


class RegionDetector:
    """Proposals, a CNN on every warped region, per-class suppression.

    `classifier` maps (crop_size, crop_size, 3) crops to `num_classes + 1`
    probabilities, the last being background.
    """

    def __init__(self, classifier, class_names, image_shape, *, crop_size=32, proposals=None):
        self.classifier = classifier
        self.class_names = tuple(class_names)
        self.image_shape = tuple(image_shape[:2])
        self.crop_size = crop_size
        self.proposals = window_proposals(self.image_shape) if proposals is None else np.asarray(proposals)

    @classmethod
    def build(cls, class_names, image_shape, *, crop_size=32, width=16, blocks=2, seed=0, **proposal_args):
        """A detector whose classifier is the zoo's `vgg_cifar` (`width`, `blocks`), untrained."""
        from zoo.factory import create_model

        keras.utils.set_random_seed(seed)
        classifier = create_model(
            "vgg_cifar",
            num_classes=len(class_names) + 1,
            input_shape=(crop_size, crop_size, 3),
            width=width,
            blocks=blocks,
            dropout=0.1,
        )
        proposals = window_proposals(image_shape, **proposal_args) if proposal_args else None
        return cls(classifier, class_names, image_shape, crop_size=crop_size, proposals=proposals)

    @property
    def background(self) -> int:
        return len(self.class_names)

    def training_regions(self, scenes, *, positive_iou=0.5, negative_iou=0.3, positives=6, negatives=12, seed=0):
        """R-CNN's training set: crops of proposals with IoU >= `positive_iou` with an object
        (labelled with its class) and of proposals below `negative_iou` with every object (background);
        at most `positives` and `negatives` per scene. Returns `(crops, labels)`."""
        rng = np.random.default_rng(seed)
        picked, owners, labels = [], [], []
        for i in range(len(scenes)):
            iou = box_iou(self.proposals, scenes.boxes[i])
            best = iou.max(1) if iou.shape[1] else np.zeros(len(self.proposals))
            pos = np.nonzero(best >= positive_iou)[0]
            neg = np.nonzero(best < negative_iou)[0]
            pos = rng.choice(pos, min(positives, len(pos)), replace=False)
            neg = rng.choice(neg, min(negatives, len(neg)), replace=False)
            picked += [pos, neg]
            owners += [np.full(len(pos) + len(neg), i)]
            labels += [scenes.labels[i][iou[pos].argmax(1)], np.full(len(neg), self.background)]
        windows = self.proposals[np.concatenate(picked)]
        crops = crop_regions(scenes.images, windows, np.concatenate(owners), self.crop_size)
        return crops, np.concatenate(labels).astype(np.int32)

    def fit(self, scenes, *, epochs=5, batch_size=64, learning_rate=2e-3, seed=0, verbose=0, **region_args):
        """Train the region classifier on crops from `scenes`; returns the Keras history."""
        crops, labels = self.training_regions(scenes, seed=seed, **region_args)
        self.classifier.compile(
            optimizer=keras.optimizers.Adam(learning_rate),
            loss="sparse_categorical_crossentropy",
            metrics=["accuracy"],
        )
        return self.classifier.fit(crops, labels, epochs=epochs, batch_size=batch_size, verbose=verbose)

    def detect(self, images, *, batch_size=1024, **suppress_args):
        """Detections for (N, H, W, 3) images: every proposal of every image is cropped and classified,
        then suppressed per class (`suppress_args`: see `zoo.models.detection.boxes.suppress`)."""
        k = len(self.proposals)
        scores = np.empty((len(images), k, len(self.class_names)), np.float32)
        for i in range(len(images)):
            crops = crop_regions(images[i : i + 1], self.proposals, np.zeros(k, np.int32), self.crop_size)
            probs = np.concatenate(
                [
                    keras.ops.convert_to_numpy(self.classifier.predict_on_batch(crops[s : s + batch_size]))
                    for s in range(0, k, batch_size)
                ]
            )
            scores[i] = probs[:, : self.background]
        boxes = np.broadcast_to(self.proposals, (len(images), k, 4))
        return Detections(*suppress(boxes, scores, image_shape=images.shape[1:3], **suppress_args))
