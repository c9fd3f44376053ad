"""Training segmentation and detection models on seeded scenes, resumable after a kill.

`zoo train fcn8s` and `zoo train yolo_tiny` call `train_segmenter`
and `train_detector`. Each run makes its scenes with
`zoo.data.scenes.make_scenes`: training scenes from `seed`, and
held-out validation and test scenes from seeds no training run uses. With an
output folder it writes what `zoo.training.fit.fit_resumable` writes
(checkpoints every epoch, `history.json`, `model.keras`), plus
`curve.png` and `predictions.png` (mask overlays, or boxes with labels,
on test scenes).
"""

from __future__ import annotations

import dataclasses

import keras

from zoo.data.scenes import Scenes, make_scenes
from zoo.errors import InputError
from zoo.factory import create_model
from zoo.registry import check_model_arguments, model_info
from zoo.run_folder import fingerprint, settings_of
from zoo.training.fit import shuffled_batches
from zoo.training.runs import RunOptions, TrainingResult, TrainingRun, checked_options
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
    """Seeded training scenes (`scenes`: a count, or your own `Scenes`) and held-out ones."""
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


def _settings(model_name, task, scenes, *, image_size, batch_size, learning_rate, held_out,
              model_args) -> dict:  # fmt: skip
    """Check the arguments before any work; return the run's settings (what its folder records)."""
    info = model_info(model_name)
    if info.task != task:
        raise InputError(f"{model_name} is a {info.task} model; this trainer takes {task} models.")
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
        "batch_size": recipe.batch_size if batch_size is None else batch_size,
        "learning_rate": recipe.learning_rate if learning_rate is None else learning_rate,
        "model_args": settings_of(model_args),
    }


def _setup(model_name, scenes, *, image_size, seed, background, held_out, model_args):
    """Make the run's scenes and build the model on the recipe's defaults.

    `background`: whether the model also predicts a background class.
    Returns `(splits, model, builder_args)`.
    """
    info = model_info(model_name)
    splits = scene_splits(scenes, image_size=image_size, validation=held_out[0], test=held_out[1], seed=seed)
    builder_args = {**info.recipe.model_defaults, **model_args}
    model = create_model(model_name, num_classes=splits.train.num_classes + int(background), **builder_args)
    return splits, model, builder_args


def _fit(run, model, x, y, validation, **fit_args):
    """`TrainingRun.fit` on shuffled, repeated batches of `(x, y)`, one pass per epoch.

    A resumed run skips the batches its finished epochs used, so it sees the
    batches an uninterrupted run would.
    """
    batch_size, seed = run.settings["batch_size"], run.settings["seed"]
    data, steps = shuffled_batches(x, y, batch_size, seed, start_epoch=run.start_epoch())
    return run.fit(model, data, validation, steps_per_epoch=steps, **fit_args)


def _prepare(model_name, task, scenes, options, model_args, **sizes):
    """`(checked options, the run's settings, the arguments of _setup but the background)` of a scenes trainer."""
    options = checked_options(options, model_args, TRAINERS[task])
    held_out = (sizes.pop("validation_scenes"), sizes.pop("test_scenes"))
    settings = _settings(model_name, task, scenes, held_out=held_out, model_args=model_args, **sizes)
    data = dict(image_size=sizes["image_size"], seed=options.seed, held_out=held_out, model_args=model_args)
    return options, settings, data


def train_segmenter(
    model_name: str = "fcn8s",
    scenes: int = 4000,
    *,
    options: RunOptions | None = None,
    image_size: int = 64,
    validation_scenes: int = 200,
    test_scenes: int = 500,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    **model_args: object,
) -> TrainingResult:
    """Train a registered segmentation model on scenes.

    Args:
        model_name: `fcn32s`, `fcn16s`, `fcn8s` or another `semantic-segmentation` model.
        scenes: number of training scenes, or a `zoo.data.scenes.Scenes` of your own.
        options: the run's `zoo.training.RunOptions` (budget, folder, seed...); the folder holds
            checkpoints, history, `model.keras`, `curve.png` and `predictions.png`.
        image_size: scene size in pixels.
        validation_scenes: how many held-out scenes score every epoch (from
            seeds no training run uses).
        test_scenes: how many held-out scenes score the finished model.
        batch_size: scenes per batch (default: the model's recipe, `zoo info MODEL`).
        learning_rate: Adam's step size (default: the model's recipe).
        **model_args: builder arguments over the recipe's (`width`, `backbone`...).

    Returns:
        A `zoo.training.TrainingResult`; its `scores` are a `zoo.metrics.SegmentationScores`
        (pixel accuracy, `keras.metrics.MeanIoU`) on the held-out test scenes.
    """
    from zoo.metrics.segmentation import predict_masks, segmentation_scores

    options, settings, data = _prepare(
        model_name, "semantic-segmentation", scenes, options, model_args, image_size=image_size,
        validation_scenes=validation_scenes, test_scenes=test_scenes, batch_size=batch_size,
        learning_rate=learning_rate,
    )  # fmt: skip
    with TrainingRun(settings, options) as run:
        splits, model, builder_args = _setup(model_name, scenes, background=True, **data)
        logits = builder_args.get("classifier_activation", "softmax") is None
        run.compile(model, "semantic-segmentation", settings["learning_rate"], from_logits=logits)
        train, validation, test = splits.train, splits.validation, splits.test
        rows = _fit(run, model, train.images, train.masks, (validation.images, validation.masks))
        predicted = predict_masks(model, test.images)
        scores = segmentation_scores(test.masks, predicted, test.num_classes + 1)  # and the background
        if run.folder is not None:
            from zoo.plotting import plot_segmentations

            plot_segmentations(test.images, test.masks, predicted, test.class_names, run.file("predictions.png"))
        return run.result(model, rows, scores, curve=(("mean_iou", "val_mean_iou"), "mean IoU"))


class ValidationMAP(keras.callbacks.Callback):
    """Add `val_map` (mAP@0.5 by Pascal VOC's rule, of the decoded, suppressed boxes) to every epoch's logs."""

    def __init__(self, scenes: Scenes):
        super().__init__()
        self.scenes = scenes

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            logs["val_map"] = detection_scores(self.model, self.scenes).map


def score_detections(found, scenes: Scenes, iou_threshold: float = 0.5):
    """mAP (Pascal VOC's rule) of `zoo.models.detection.Detections` against the scenes' boxes, ignoring
    detections of objects the scenes flag difficult (`zoo.metrics.DetectionScores`)."""
    from zoo.metrics import mean_average_precision

    return mean_average_precision(
        found.boxes, found.labels, found.scores, scenes.boxes, scenes.labels, scenes.num_classes, iou_threshold,
        true_difficult=scenes.difficult,
    )  # fmt: skip


def detection_scores(model, scenes: Scenes, iou_threshold: float = 0.5):
    """mAP of a grid detector on scenes (`zoo.models.detection.DetectionScores`)."""
    from zoo.models.detection import detect

    return score_detections(detect(model, scenes.images), scenes, iou_threshold)


def train_detector(
    model_name="yolo_tiny",
    scenes=4000,
    *,
    options: RunOptions | None = None,
    image_size=64,
    validation_scenes=200,
    test_scenes=500,
    batch_size=None,
    learning_rate=None,
    **model_args,
) -> TrainingResult:
    """Train a registered grid detector on scenes.

    Arguments as `train_segmenter`. Every epoch logs the validation mAP@0.5 (`val_map`).

    Returns:
        A `zoo.training.TrainingResult`; its `scores` are a `zoo.metrics.DetectionScores`
        on the held-out test scenes.
    """
    from zoo.models.detection import detect, encode_targets
    from zoo.models.detection.yolo import model_stride

    options, settings, data = _prepare(
        model_name, "object-detection", scenes, options, model_args, image_size=image_size,
        validation_scenes=validation_scenes, test_scenes=test_scenes, batch_size=batch_size,
        learning_rate=learning_rate,
    )  # fmt: skip
    with TrainingRun(settings, options) as run:
        splits, model, _ = _setup(model_name, scenes, background=False, **data)
        run.compile(model, "object-detection", settings["learning_rate"])
        stride = model_stride(model)
        grid = tuple(-(-d // stride) for d in splits.train.image_shape[:2])
        train, val, test = splits.train, splits.validation, splits.test
        rows = _fit(
            run,
            model,
            train.images,
            encode_targets(train.boxes, train.labels, grid, stride),
            (val.images, encode_targets(val.boxes, val.labels, grid, stride)),
            extra_callbacks=[ValidationMAP(val)],
        )
        found = detect(model, test.images)
        scores = score_detections(found, test)
        if run.folder is not None:
            from zoo.plotting import plot_detections

            plot_detections(test.images, found, test.class_names, test, run.file("predictions.png"))
        return run.result(model, rows, scores, curve=(("loss", "val_loss"), "loss"))
