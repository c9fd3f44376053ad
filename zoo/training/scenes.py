"""Training segmentation and detection models on seeded scenes, resumable after a kill.

``zoo train fcn8s`` and ``zoo train yolo_tiny`` call :func:`train_segmenter`
and :func:`train_detector`. Each run makes its scenes with
:func:`zoo.data.scenes.make_scenes`: training scenes from ``seed``, and
held-out validation and test scenes from seeds no training run uses. With an
output folder it writes what :func:`zoo.training.fit.fit_resumable` writes
(checkpoints every epoch, ``history.json``, ``model.keras``), plus
``curve.png`` and ``predictions.png`` (mask overlays, or boxes with labels,
on test scenes).
"""

from __future__ import annotations

import dataclasses

import keras

from zoo.data.scenes import Scenes, make_scenes
from zoo.factory import create_model
from zoo.plotting import plot_history
from zoo.registry import check_model_arguments, model_info
from zoo.run_folder import fingerprint, open_run, settings_of
from zoo.training.compiling import compile_for_task
from zoo.training.fit import check_budget, fit_resumable, shuffled_batches
from zoo.validation import check_positive_int, check_positive_number

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


#: The trainer of each task of scenes, as its refusals name it.
TRAINERS = {"semantic-segmentation": "train_segmenter", "object-detection": "train_detector"}


def _settings(model_name, task, scenes, *, image_size, seed, epochs, minutes, batch_size, learning_rate, lr_decay,
              held_out, model_args) -> dict:  # fmt: skip
    """Check the arguments before any work; return the run's settings (what its folder records)."""
    info = model_info(model_name)
    if info.task != task:
        raise ValueError(f"{model_name} is a {info.task} model; this trainer takes {task} models.")
    check_budget(epochs, minutes)
    check_positive_int("validation_scenes", held_out[0])
    check_positive_int("test_scenes", held_out[1])
    check_positive_int("batch_size", batch_size, optional=True)
    check_positive_number("learning_rate", learning_rate, optional=True)
    recipe = info.recipe
    recipe.refuse_data_arguments(model_args, TRAINERS[task])
    check_model_arguments(model_name, {**recipe.model_defaults, **model_args})
    return {
        "trainer": "scenes",
        "model": model_name,
        "scenes": scenes if not isinstance(scenes, Scenes) else "sha256:" + fingerprint(scenes.images, scenes.masks),
        "image_size": image_size,
        "validation_scenes": held_out[0],
        "test_scenes": held_out[1],
        "seed": seed,
        "epochs": epochs,
        "minutes": minutes,
        "batch_size": recipe.batch_size if batch_size is None else batch_size,
        "learning_rate": recipe.learning_rate if learning_rate is None else learning_rate,
        "lr_decay": lr_decay,
        "model_args": settings_of(model_args),
    }


def _setup(model_name, scenes, *, image_size, seed, background, held_out, model_args):
    """Make the run's scenes and build the model on the recipe's defaults.

    ``background``: whether the model also predicts a background class.
    Returns ``(splits, model, builder_args)``.
    """
    info = model_info(model_name)
    splits = scene_splits(scenes, image_size=image_size, validation=held_out[0], test=held_out[1], seed=seed)
    keras.utils.set_random_seed(seed)
    builder_args = {**info.recipe.model_defaults, **model_args}
    model = create_model(model_name, num_classes=splits.train.num_classes + int(background), **builder_args)
    return splits, model, builder_args


def _fit(model, x, y, validation, settings, *, run, **fit_args):
    """:func:`zoo.training.fit.fit_resumable` on shuffled, repeated batches of ``(x, y)``, one pass per epoch,
    with the run's ``settings`` (batch size, seed, budget, schedule).

    A resumed run skips the batches its finished epochs used, so it sees the
    batches an uninterrupted run would.
    """
    fit_args.update(epochs=settings["epochs"], minutes=settings["minutes"], lr_decay=settings["lr_decay"])
    start_epoch = run.start_epoch() if run is not None else 0
    data, steps = shuffled_batches(x, y, settings["batch_size"], settings["seed"], start_epoch=start_epoch)
    return fit_resumable(model, data, validation, steps_per_epoch=steps, run=run, **fit_args)


def train_segmenter(
    model_name="fcn8s",
    scenes=4000,
    *,
    image_size=64,
    validation_scenes=200,
    test_scenes=500,
    epochs=None,
    minutes=None,
    batch_size=None,
    learning_rate=None,
    lr_decay=True,
    out_dir=None,
    seed=0,
    verbose=1,
    overwrite=False,
    extend=False,
    callbacks=(),
    **model_args,
):
    """Train a registered segmentation model on scenes; return ``(model, history_rows, test_scores)``.

    Args:
        model_name: ``fcn32s``, ``fcn16s``, ``fcn8s`` or another ``semantic-segmentation`` model.
        scenes: number of training scenes, or a :class:`zoo.data.scenes.Scenes` of your own.
        image_size: scene size in pixels.
        validation_scenes, test_scenes: how many held-out scenes score every
            epoch and the finished model (from seeds no training run uses).
        epochs, minutes: the budget (at least one).
        batch_size, learning_rate: default: the model's recipe (``zoo info MODEL``).
        out_dir: the run folder (:mod:`zoo.run_folder`): checkpoints, history,
            ``model.keras``, ``curve.png``, ``predictions.png``; the same
            folder and settings resume a killed run.
        overwrite, extend, callbacks: as :func:`zoo.train_text_generator`.
        **model_args: builder arguments over the recipe's (``width``, ``backbone``...).

    ``test_scores`` is a :class:`zoo.metrics.SegmentationScores`
    (pixel accuracy, ``keras.metrics.MeanIoU``) on the held-out test scenes.
    """
    from zoo.metrics.segmentation import predict_masks, segmentation_scores

    data = dict(image_size=image_size, seed=seed, held_out=(validation_scenes, test_scenes), model_args=model_args)
    settings = _settings(
        model_name, "semantic-segmentation", scenes, epochs=epochs, minutes=minutes, batch_size=batch_size,
        learning_rate=learning_rate, lr_decay=lr_decay, **data,
    )  # fmt: skip
    with open_run(out_dir, settings, overwrite=overwrite, extend=extend) as run:
        splits, model, builder_args = _setup(model_name, scenes, background=True, **data)
        logits = builder_args.get("classifier_activation", "softmax") is None
        compile_for_task(model, "semantic-segmentation", settings["learning_rate"], from_logits=logits)
        rows = _fit(
            model,
            splits.train.images,
            splits.train.masks,
            (splits.validation.images, splits.validation.masks),
            settings,
            run=run,
            verbose=verbose,
            callbacks=callbacks,
        )
        test = splits.test
        predicted = predict_masks(model, test.images)
        scores = segmentation_scores(test.masks, predicted, test.num_classes + 1)  # and the background
        if run is not None:
            from zoo.plotting import plot_segmentations

            plot_history(rows, run.file("curve.png"), ("mean_iou", "val_mean_iou"), "mean IoU")
            plot_segmentations(test.images, test.masks, predicted, test.class_names, run.file("predictions.png"))
    return model, rows, scores


class ValidationMAP(keras.callbacks.Callback):
    """Add ``val_map`` (mAP@0.5 by Pascal VOC's rule, of the decoded, suppressed boxes) to every epoch's logs."""

    def __init__(self, scenes: Scenes):
        super().__init__()
        self.scenes = scenes

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["val_map"] = detection_scores(self.model, self.scenes).map


def score_detections(found, scenes: Scenes, iou_threshold: float = 0.5):
    """mAP (Pascal VOC's rule) of :class:`zoo.models.detection.Detections` against the scenes' boxes, ignoring
    detections of objects the scenes flag difficult (:class:`zoo.metrics.DetectionScores`)."""
    from zoo.metrics import mean_average_precision

    return mean_average_precision(
        found.boxes, found.labels, found.scores, scenes.boxes, scenes.labels, scenes.num_classes, iou_threshold,
        true_difficult=scenes.difficult,
    )  # fmt: skip


def detection_scores(model, scenes: Scenes, iou_threshold: float = 0.5):
    """mAP of a grid detector on scenes (:class:`zoo.models.detection.DetectionScores`)."""
    from zoo.models.detection import detect

    return score_detections(detect(model, scenes.images), scenes, iou_threshold)


def train_detector(
    model_name="yolo_tiny",
    scenes=4000,
    *,
    image_size=64,
    validation_scenes=200,
    test_scenes=500,
    epochs=None,
    minutes=None,
    batch_size=None,
    learning_rate=None,
    lr_decay=True,
    out_dir=None,
    seed=0,
    verbose=1,
    overwrite=False,
    extend=False,
    callbacks=(),
    **model_args,
):
    """Train a registered grid detector on scenes; return ``(model, history_rows, test_scores)``.

    Arguments as :func:`train_segmenter`. Every epoch logs the validation
    mAP@0.5 (``val_map``); ``test_scores`` is a
    :class:`zoo.models.detection.DetectionScores` on the held-out test scenes.
    """
    from zoo.models.detection import detect, encode_targets
    from zoo.models.detection.yolo import model_stride

    data = dict(image_size=image_size, seed=seed, held_out=(validation_scenes, test_scenes), model_args=model_args)
    settings = _settings(
        model_name, "object-detection", scenes, epochs=epochs, minutes=minutes, batch_size=batch_size,
        learning_rate=learning_rate, lr_decay=lr_decay, **data,
    )  # fmt: skip
    with open_run(out_dir, settings, overwrite=overwrite, extend=extend) as run:
        splits, model, _ = _setup(model_name, scenes, background=False, **data)
        compile_for_task(model, "object-detection", settings["learning_rate"])
        stride = model_stride(model)
        grid = tuple(-(-d // stride) for d in splits.train.image_shape[:2])
        train, val, test = splits.train, splits.validation, splits.test
        rows = _fit(
            model,
            train.images,
            encode_targets(train.boxes, train.labels, grid, stride),
            (val.images, encode_targets(val.boxes, val.labels, grid, stride)),
            settings,
            run=run,
            verbose=verbose,
            extra_callbacks=[ValidationMAP(val)],
            callbacks=callbacks,
        )
        found = detect(model, test.images)
        scores = score_detections(found, test)
        if run is not None:
            from zoo.plotting import plot_detections

            plot_history(rows, run.file("curve.png"), ("loss", "val_loss"), "loss")
            plot_detections(test.images, found, test.class_names, test, run.file("predictions.png"))
    return model, rows, scores
