"""Training segmentation and detection models on seeded scenes, resumable after a kill.

``zoo train fcn8s`` and ``zoo train yolo_tiny`` call :func:`train_segmenter`
and :func:`train_detector`. Each run makes its scenes with
:func:`zoo.data.scenes.make_scenes`: training scenes from ``seed``, and
held-out validation and test scenes from seeds no training run uses. With an
output folder it writes what :func:`zoo.training.fit_resumable` writes
(checkpoints every epoch, ``history.json``, ``model.keras``), plus
``curve.png`` and ``predictions.png`` (mask overlays, or boxes with labels,
on test scenes).
"""

from __future__ import annotations

import dataclasses
import pathlib

import keras

from zoo._registry import create_model, model_info
from zoo.data.scenes import Scenes, make_scenes
from zoo.training import fit_resumable, plot_history

# Held-out scenes come from seeds far from any training seed a user would pick.
VALIDATION_SEED_OFFSET = 1_000_003
TEST_SEED_OFFSET = 2_000_003


@dataclasses.dataclass
class SceneSplits:
    """Training, validation and test scenes of one run."""

    train: Scenes
    validation: Scenes
    test: Scenes


def scene_splits(scenes=4000, *, image_size=64, validation=200, test=500, seed=0) -> SceneSplits:
    """Seeded training scenes (``scenes``: a count, or your own :class:`Scenes`) and held-out ones."""
    if isinstance(scenes, Scenes):
        train = scenes
        image_size = scenes.image_shape[:2]
    else:
        train = make_scenes(scenes, image_size=image_size, seed=seed)
    return SceneSplits(
        train=train,
        validation=make_scenes(validation, image_size=image_size, seed=seed + VALIDATION_SEED_OFFSET),
        test=make_scenes(test, image_size=image_size, seed=seed + TEST_SEED_OFFSET),
    )


def _prepare(model_name, task, epochs, minutes, batch_size, learning_rate):
    info = model_info(model_name)
    if info.task != task:
        raise ValueError(f"{model_name} is a {info.task} model; this trainer takes {task} models.")
    if epochs is None and minutes is None:
        raise ValueError("Give epochs, minutes, or both, to bound the training run.")
    recipe = info.recipe
    batch_size = recipe.batch_size if batch_size is None else batch_size
    learning_rate = recipe.learning_rate if learning_rate is None else learning_rate
    return recipe, batch_size, learning_rate


def _dataset(x, y, batch_size, seed):
    import tensorflow as tf

    data = tf.data.Dataset.from_tensor_slices((x, y))
    return data.shuffle(len(x), seed=seed, reshuffle_each_iteration=True).batch(batch_size).repeat()


def train_segmenter(
    model_name="fcn8s",
    scenes=4000,
    *,
    image_size=64,
    epochs=None,
    minutes=None,
    batch_size=None,
    learning_rate=None,
    lr_decay=True,
    out_dir=None,
    seed=0,
    verbose=1,
    **model_args,
):
    """Train a registered segmentation model on scenes; return ``(model, history_rows, test_scores)``.

    Args:
        model_name: ``fcn32s``, ``fcn16s``, ``fcn8s`` or another ``semantic-segmentation`` model.
        scenes: number of training scenes, or a :class:`zoo.data.scenes.Scenes` of your own.
        image_size: scene size in pixels.
        epochs, minutes: the budget (at least one).
        batch_size, learning_rate: default: the model's recipe (``zoo info MODEL``).
        out_dir: checkpoints, history, ``model.keras``, ``curve.png``,
            ``predictions.png``; the same folder resumes a killed run.
        **model_args: builder arguments over the recipe's (``width``, ``backbone``...).

    ``test_scores`` is a :class:`zoo.segmentation.metrics.SegmentationScores`
    (pixel accuracy, ``keras.metrics.MeanIoU``) on the held-out test scenes.
    """
    from zoo.segmentation.metrics import predict_masks, segmentation_scores

    recipe, batch_size, learning_rate = _prepare(
        model_name, "semantic-segmentation", epochs, minutes, batch_size, learning_rate
    )
    splits = scene_splits(scenes, image_size=image_size, seed=seed)
    num_classes = splits.train.num_classes + 1  # and the background
    keras.utils.set_random_seed(seed)
    model = create_model(model_name, num_classes=num_classes, **{**recipe.model_defaults, **model_args})
    logits = model.layers[-1].name != "predictions"
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=logits),
        metrics=[keras.metrics.MeanIoU(num_classes, sparse_y_pred=False, name="mean_iou")],
    )
    train = splits.train
    rows = fit_resumable(
        model,
        _dataset(train.images, train.masks, batch_size, seed),
        (splits.validation.images, splits.validation.masks),
        epochs=epochs,
        minutes=minutes,
        steps_per_epoch=-(-len(train) // batch_size),
        lr_decay=lr_decay,
        out_dir=out_dir,
        verbose=verbose,
    )
    test = splits.test
    predicted = predict_masks(model, test.images)
    scores = segmentation_scores(test.masks, predicted, num_classes)
    if out_dir is not None:
        from zoo.visualize import plot_segmentations

        out = pathlib.Path(out_dir)
        plot_history(rows, out / "curve.png", ("mean_iou", "val_mean_iou"), "mean IoU")
        plot_segmentations(test.images, test.masks, predicted, test.class_names, out / "predictions.png")
    return model, rows, scores


class ValidationMAP(keras.callbacks.Callback):
    """Add ``val_map`` (mAP@0.5 of the decoded, suppressed boxes) to every epoch's logs."""

    def __init__(self, scenes: Scenes):
        super().__init__()
        self.scenes = scenes

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["val_map"] = detection_scores(self.model, self.scenes).map


def detection_scores(model, scenes: Scenes, iou_threshold: float = 0.5):
    """mAP of a grid detector on scenes (:class:`zoo.detection.DetectionScores`)."""
    from zoo.detection import detect, mean_average_precision

    found = detect(model, scenes.images)
    return mean_average_precision(
        found.boxes, found.labels, found.scores, scenes.boxes, scenes.labels, scenes.num_classes, iou_threshold
    )


def train_detector(
    model_name="yolo_tiny",
    scenes=4000,
    *,
    image_size=64,
    epochs=None,
    minutes=None,
    batch_size=None,
    learning_rate=None,
    lr_decay=True,
    out_dir=None,
    seed=0,
    verbose=1,
    **model_args,
):
    """Train a registered grid detector on scenes; return ``(model, history_rows, test_scores)``.

    Arguments as :func:`train_segmenter`. Every epoch logs the validation
    mAP@0.5 (``val_map``); ``test_scores`` is a
    :class:`zoo.detection.DetectionScores` on the held-out test scenes.
    """
    from zoo.detection import YoloLoss, detect, encode_targets
    from zoo.detection.yolo import model_stride

    recipe, batch_size, learning_rate = _prepare(
        model_name, "object-detection", epochs, minutes, batch_size, learning_rate
    )
    splits = scene_splits(scenes, image_size=image_size, seed=seed)
    keras.utils.set_random_seed(seed)
    model = create_model(model_name, num_classes=splits.train.num_classes, **{**recipe.model_defaults, **model_args})
    model.compile(optimizer=keras.optimizers.Adam(learning_rate), loss=YoloLoss())
    stride = model_stride(model)
    grid = tuple(-(-d // stride) for d in splits.train.image_shape[:2])
    train, val = splits.train, splits.validation
    rows = fit_resumable(
        model,
        _dataset(train.images, encode_targets(train.boxes, train.labels, grid, stride), batch_size, seed),
        (val.images, encode_targets(val.boxes, val.labels, grid, stride)),
        epochs=epochs,
        minutes=minutes,
        steps_per_epoch=-(-len(train) // batch_size),
        lr_decay=lr_decay,
        out_dir=out_dir,
        verbose=verbose,
        extra_callbacks=[ValidationMAP(val)],
    )
    scores = detection_scores(model, splits.test)
    if out_dir is not None:
        from zoo.visualize import plot_detections

        out = pathlib.Path(out_dir)
        plot_history(rows, out / "curve.png", ("loss", "val_loss"), "loss")
        test = splits.test
        plot_detections(test.images, detect(model, test.images[:6]), test.class_names, test, out / "predictions.png")
    return model, rows, scores
