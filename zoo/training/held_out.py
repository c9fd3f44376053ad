"""A trained model's score on the held-out data its recipe never trains on (what a preset's card reports).

- `text_bits`: bits per character on the validation split of a text
  corpus (the trailing tenth), cut into independent windows;
- `test_accuracy`: accuracy on an image set's test split, which
  `zoo train` holds out of training and of its per-epoch validation;
- `scene_mean_iou` and `scene_map`: mean IoU and mAP@0.5 (Pascal
  VOC's rule) on the test scenes of `zoo train`'s default run (seed 0, 500
  scenes of 64x64), made from seeds no training run uses.
"""

from __future__ import annotations

import numpy as np

from zoo.data.images import load_image_data
from zoo.data.text import load_corpus
from zoo.data.vocab import TextCodec
from zoo.tracing import tracing_by_design
from zoo.training.carried_state import window_bits

#: The text scored: the same reading of the corpus as zoo train's default (--max-chars 2,000,000).
TEXT_MAX_CHARS = 2_000_000
TEXT_WINDOW = 128


def text_bits(model, corpus: str = "stdlib", max_chars: int = TEXT_MAX_CHARS, window: int = TEXT_WINDOW) -> float:
    """Bits per character of a character language model on `corpus`'s validation split.

    The split is cut into independent windows of `window` characters, each
    read from zero states (`zoo.training.carried_state.window_bits`).
    """
    codec = TextCodec(model.vocabulary)
    ids = codec.encode(load_corpus(corpus, max_chars=max_chars).validation)
    return window_bits(model, ids, seq_len=window)


def test_accuracy(model, data: str = "digits") -> float:
    """Share of `data`'s test images that `model` classifies right (its top score)."""
    images = load_image_data(data)
    scores = model.predict(images.x_test, batch_size=256, verbose=0)
    return float(np.mean(np.argmax(scores, axis=-1) == images.y_test))


def _test_scenes(seed: int = 0, count: int = 500, image_size: int = 64):
    from zoo.data.scenes import make_scenes
    from zoo.training.scenes import TEST_SEED_OFFSET

    return make_scenes(count, image_size=image_size, seed=seed + TEST_SEED_OFFSET)


def scene_mean_iou(model, seed: int = 0) -> float:
    """Mean IoU (`keras.metrics.MeanIoU`, background included) of a segmenter on the test scenes."""
    from zoo.metrics.segmentation import predict_masks, segmentation_scores

    scenes = _test_scenes(seed)
    return segmentation_scores(scenes.masks, predict_masks(model, scenes.images), scenes.num_classes + 1).mean_iou


def scene_map(model, seed: int = 0) -> float:
    """mAP@0.5 (Pascal VOC's rule) of a grid detector's decoded, suppressed boxes on the test scenes."""
    from zoo.training.scenes import detection_scores

    return detection_scores(model, _test_scenes(seed)).map


def task_score(model) -> float:
    """The headline test score of a sequence-task model (`zoo.training.tasks`) on its recipe's data.

    The model's name is its registry name (as zoo's builders name them); the
    data is made as `zoo train` makes it with seed 0 and the recipe's sizes.
    """
    from zoo.training.tasks import make_task_data

    with tracing_by_design():  # a prediction function per model scored
        return next(iter(make_task_data(model.name).score(model, "test").values()))
