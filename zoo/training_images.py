"""Training image classifiers from the registry on offline data, resumable after a kill."""

from __future__ import annotations

import numpy as np

from zoo._catalog import IMAGE_RECIPE
from zoo._registry import create_model, model_info
from zoo.training import compile_for_task, fit_resumable, plot_history


def image_datasets(data, batch_size, augment=True, seed=0, validation_fraction=0.1):
    """``(train, validation, n_train)``: a shuffled, optionally augmented training
    ``tf.data`` pipeline and a held-out validation split of ``data.x_train``."""
    import tensorflow as tf

    from zoo.data.images import augmentation

    rng = np.random.default_rng(seed)
    order = rng.permutation(len(data.x_train))
    n_val = max(1, int(len(order) * validation_fraction))
    val_idx, train_idx = order[:n_val], order[n_val:]
    train = tf.data.Dataset.from_tensor_slices((data.x_train[train_idx], data.y_train[train_idx]))
    train = train.shuffle(len(train_idx), seed=seed, reshuffle_each_iteration=True).batch(batch_size)
    if augment:
        pipeline = augmentation(flip=data.name not in ("digits", "mnist"), seed=seed)
        train = train.map(lambda x, y: (pipeline(x, training=True), y), num_parallel_calls=tf.data.AUTOTUNE)
    val = tf.data.Dataset.from_tensor_slices((data.x_train[val_idx], data.y_train[val_idx])).batch(256)
    return train.prefetch(tf.data.AUTOTUNE), val, len(train_idx)


def train_image_classifier(
    model_name,
    data="digits",
    *,
    epochs=None,
    minutes=None,
    batch_size=None,
    learning_rate=None,
    augment=True,
    validation_fraction=0.1,
    lr_decay=True,
    out_dir=None,
    seed=0,
    verbose=1,
    **model_args,
):
    """Train a registered image classifier and return ``(model, history_rows, test_accuracy)``.

    Args:
        model_name: any ``image-classification`` model of the registry.
        data: an :class:`zoo.data.images.ImageData` or a data set name
            (``digits``, ``lfw_faces``, ``mnist``, ``cifar10``).
        epochs, minutes: the budget (at least one).
        batch_size, learning_rate: default: the registry's recipe for the
            model (``zoo.model_info(model_name).recipe``).
        augment: random rotation, zoom, translation (and flips for photos).
        validation_fraction: share of the training images held out for the
            per-epoch validation; the test split is only used at the end.
        out_dir: checkpoints, ``history.json``, ``model.keras`` and
            ``curve.png``; a killed run restarted with the same folder resumes.
        **model_args: builder arguments (``depth``, ``width``, ``dropout``...).
    """
    import keras

    from zoo.data.images import load_image_data

    info = model_info(model_name)
    if info.task != "image-classification":
        raise ValueError(
            f"{model_name} is a {info.task} model; train_image_classifier takes image-classification models."
        )
    if epochs is None and minutes is None:
        raise ValueError("Give epochs, minutes, or both, to bound the training run.")
    recipe = info.recipe or IMAGE_RECIPE  # a user's classifier registered without a recipe
    batch_size = recipe.batch_size if batch_size is None else batch_size
    learning_rate = recipe.learning_rate if learning_rate is None else learning_rate
    if isinstance(data, str):
        data = load_image_data(data)
    keras.utils.set_random_seed(seed)
    model = create_model(model_name, input_shape=data.input_shape, num_classes=data.num_classes, **model_args)
    if len(model.outputs) != 1:
        raise ValueError(f"{model_name} has {len(model.outputs)} outputs; train it with a single classifier head.")
    compile_for_task(model, "image-classification", learning_rate)
    train, val, n_train = image_datasets(data, batch_size, augment, seed, validation_fraction)
    steps = -(-n_train // batch_size)
    rows = fit_resumable(
        model,
        train.repeat(),
        val,
        epochs=epochs,
        minutes=minutes,
        steps_per_epoch=steps,
        lr_decay=lr_decay,
        out_dir=out_dir,
        verbose=verbose,
    )
    _, test_accuracy = model.evaluate(data.x_test, data.y_test, batch_size=256, verbose=0)
    if out_dir is not None:
        import pathlib

        plot_history(rows, pathlib.Path(out_dir) / "curve.png", ("accuracy", "val_accuracy"), "accuracy")
    return model, rows, float(test_accuracy)
