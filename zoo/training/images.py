"""Training image classifiers from the registry on offline data, resumable after a kill."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from zoo.errors import InputError
from zoo.factory import create_model
from zoo.registry import check_model_arguments, model_info
from zoo.registry.recipes import IMAGE_RECIPE
from zoo.run_folder import settings_of
from zoo.training.runs import RunOptions, TrainingResult, TrainingRun, checked_options
from zoo.validation import check_number, check_positive_int, check_positive_number

if TYPE_CHECKING:
    import tensorflow as tf

    from zoo.data.image_folder import ImageFiles
    from zoo.data.images import ImageData


def split_indices(data, seed=0, validation_fraction=0.1, train_examples=None):
    """`(train_idx, validation_idx)` into `data.x_train`: a seeded shuffle, the first
    `validation_fraction` of it held out, and at most `train_examples` of the rest."""
    check_positive_int("train_examples", train_examples, optional=True)
    order = np.random.default_rng(seed).permutation(len(data.x_train))
    n_val = max(1, int(len(order) * validation_fraction))
    val_idx, train_idx = order[:n_val], order[n_val:]
    if train_examples is not None:
        if train_examples > len(train_idx):
            raise InputError(
                f"train_examples must be at most {len(train_idx)} (the training images of {data.name} left after "
                f"the validation split), got {train_examples}."
            )
        train_idx = train_idx[:train_examples]
    return train_idx, val_idx


def image_datasets(data, batch_size, augment=True, seed=0, validation_fraction=0.1, train_examples=None):
    """`(train, validation, n_train)`: a shuffled, optionally augmented training
    `tf.data` pipeline and a held-out validation split of `data.x_train`.

    `train_examples` keeps only that many of the (seeded, shuffled) training
    images; the validation split stays whole, so scores remain comparable.
    """
    import tensorflow as tf

    from zoo.data.images import augmentation

    train_idx, val_idx = split_indices(data, seed, validation_fraction, train_examples)
    train = tf.data.Dataset.from_tensor_slices((data.x_train[train_idx], data.y_train[train_idx]))
    train = train.shuffle(len(train_idx), seed=seed, reshuffle_each_iteration=True)
    train = data.as_pixels(train).batch(batch_size)  # files are read after the shuffle, as they are needed
    if augment:
        layers = augmentation(flip=data.name not in ("digits", "mnist"), seed=seed).layers

        def augment(x, y):
            for layer in layers:  # one by one: each switches itself to TensorFlow inside tf.data on any backend,
                x = layer(x, training=True)  # which a Sequential around them does not (JAX would trace it)
            return x, y

        train = train.map(augment, num_parallel_calls=tf.data.AUTOTUNE)
    val = data.as_pixels(tf.data.Dataset.from_tensor_slices((data.x_train[val_idx], data.y_train[val_idx])))
    return train.prefetch(tf.data.AUTOTUNE), val.batch(256), len(train_idx)


def held_out_batches(data: ImageData, batch_size: int = 256) -> tf.data.Dataset:
    """The test split of `data` (`ImageData` or `ImageFiles`) in batches of `(images, labels)`."""
    import tensorflow as tf

    return data.as_pixels(tf.data.Dataset.from_tensor_slices((data.x_test, data.y_test))).batch(batch_size)


def _files_settings(data) -> dict:
    """What a run records of images read from files (`ImageFiles`): their classes, size and split."""
    if not hasattr(data, "skipped"):
        return {}
    return {"classes": list(data.class_names), "image_shape": list(data.input_shape),
            "train_images": len(data.x_train), "test_images": len(data.x_test)}  # fmt: skip


def _transfer_settings(weights, freeze: str) -> dict:
    """What a run records of its pretrained start: the source, the SHA-256 of its weights, what was frozen."""
    if weights is None:
        if freeze != "none":
            raise InputError(f"freeze={freeze!r} needs weights to freeze: a preset, a preset folder or a .keras file.")
        return {}
    from zoo.presets import is_preset, preset_card
    from zoo.presets.loading import sha256_of

    preset = is_preset(weights)
    digest = preset_card(weights)["sha256"]["model.weights.h5"] if preset else sha256_of(weights)
    return {"weights": str(weights), "weights_sha256": digest[:16], "freeze": freeze}


def _new_model(model_name: str, data, weights, freeze: str, model_args: dict):
    """The model to train: built afresh, or from `weights` with a new head for `data` (layers frozen as asked)."""
    if weights is None:
        return create_model(model_name, input_shape=data.input_shape, num_classes=data.num_classes, **model_args)
    from zoo.transfer import freeze as freeze_layers
    from zoo.transfer import transfer_model

    model, moved = transfer_model(model_name, weights, input_shape=data.input_shape, num_classes=data.num_classes,
                                  **model_args)  # fmt: skip
    frozen = freeze_layers(model, moved, freeze)
    print(moved.describe() + (f"; {frozen} of them frozen" if frozen else "; all trained"), flush=True)
    return model


def _resumed_batches(run, data, batch_size, augment, seed, validation_fraction, train_examples):
    """`(training batches, forever, from where the run resumes; validation batches; steps per epoch)`."""
    train, val, n_train = image_datasets(data, batch_size, augment, seed, validation_fraction, train_examples)
    steps = -(-n_train // batch_size)
    train = train.repeat()
    if run.start_epoch():  # the batches an uninterrupted run would see next
        train = train.skip(run.start_epoch() * steps)
    return train, val, steps


def train_image_classifier(
    model_name: str,
    data: str | ImageData | ImageFiles = "digits",
    *,
    options: RunOptions | None = None,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    augment: bool = True,
    validation_fraction: float = 0.1,
    train_examples: int | None = None,
    weights: str | None = None,
    freeze: str = "none",
    **model_args: object,
) -> TrainingResult:
    """Train a registered image classifier on an image data set.

    Args:
        model_name: any `image-classification` model of the registry.
        data: an `zoo.data.images.ImageData`, your own image files (`zoo.data.image_folder.ImageFiles`,
            read from disk batch by batch), or a data set name (`digits`, `lfw_faces`, `mnist`, `cifar10`).
        options: the run's `zoo.training.RunOptions` (budget, folder, seed...); the folder holds
            checkpoints, `history.json`, `model.keras` and `curve.png`.
        batch_size: examples per batch (default: the registry's recipe for the
            model, `zoo.model_info(model_name).recipe`).
        learning_rate: Adam's step size (default: the recipe's).
        augment: random rotation, zoom, translation (and flips for photos).
        validation_fraction: share of the training images held out for the
            per-epoch validation; the test split is only used at the end.
        train_examples: train on only this many of the training images (the
            first of a seeded shuffle; default: all of them).
        weights: start from a pretrained model of `model_name` (a preset's name or folder, or a `.keras` file):
            its backbone's weights, a new head for this data's classes (`zoo.transfer.transfer_model`).
        freeze: with `weights`, `"backbone"` trains the new head only (the backbone's batch normalisation in
            inference mode); `"none"` fine-tunes every layer.
        **model_args: builder arguments (`depth`, `width`, `dropout`...); none with `weights`, which fix them.

    Returns:
        A `zoo.training.TrainingResult`; its `scores` are `{"accuracy": ...}` on the test split.

    Example:
        ```python
        result = zoo.train_image_classifier("lenet5", "digits", options=RunOptions(epochs=2))
        ```
    """
    from zoo.data.images import load_image_data

    options = checked_options(options, model_args, "train_image_classifier")
    info = model_info(model_name)
    if info.task != "image-classification":
        raise InputError(
            f"{model_name} is a {info.task} model; train_image_classifier takes image-classification models."
        )
    recipe = info.recipe or IMAGE_RECIPE  # a user's classifier registered without a recipe
    batch_size = recipe.batch_size if batch_size is None else batch_size
    learning_rate = recipe.learning_rate if learning_rate is None else learning_rate
    check_positive_int("batch_size", batch_size)
    check_positive_number("learning_rate", learning_rate)
    check_number("validation_fraction", validation_fraction, minimum=0, maximum=1, exclusive_minimum=True)
    check_positive_int("train_examples", train_examples, optional=True)
    recipe.refuse_data_arguments(model_args, "train_image_classifier")
    check_model_arguments(model_name, model_args)
    if isinstance(data, str):
        data = load_image_data(data)
    seed = options.seed
    split_indices(data, seed, validation_fraction, train_examples)  # refuse too many before any slow work
    settings = {
        "trainer": "images",
        "model": model_name,
        "data": data.name,
        "data_sha256": data.fingerprint(),
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "augment": augment,
        "validation_fraction": validation_fraction,
        "train_examples": train_examples,
        "model_args": settings_of(model_args),
        **_files_settings(data),
        **_transfer_settings(weights, freeze),
    }
    with TrainingRun(settings, options) as run:
        model = _new_model(model_name, data, weights, freeze, model_args)
        if len(model.outputs) != 1:
            raise InputError(f"{model_name} has {len(model.outputs)} outputs; train it with a single classifier head.")
        run.compile(model, "image-classification", learning_rate)
        train, val, steps = _resumed_batches(run, data, batch_size, augment, seed, validation_fraction, train_examples)
        rows = run.fit(model, train, val, steps_per_epoch=steps)
        _, test_accuracy = model.evaluate(held_out_batches(data), verbose=0)
        curve = (("accuracy", "val_accuracy"), "accuracy")
        return run.result(model, rows, {"accuracy": float(test_accuracy)}, curve=curve)
