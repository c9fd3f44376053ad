"""Compiling a model for its registry task: the optimizer, loss and metrics every trainer, search and preset uses.

One table (task -> loss and metrics), so `zoo train`, `zoo tune` and
`zoo.presets.load_preset` compile a model the same way. Imported by
the trainers and by preset loading, it imports neither.
"""

from __future__ import annotations

import keras

from zoo.errors import InputError


def compile_for_task(
    model, task: str, learning_rate: float, clipnorm: float | None = None, *, from_logits: bool = False
):
    """Compile `model` with Adam and the loss (and metrics) its registry `task` calls for.

    language-modeling: cross-entropy on logits; image- and video-classification:
    cross-entropy on probabilities with accuracy; text-classification: binary
    cross-entropy with accuracy; translation and image-captioning:
    cross-entropy on logits, padding (id 0) ignored; semantic-segmentation:
    per-pixel cross-entropy with mean IoU; object-detection: the YOLO loss;
    forecasting: mean squared error with mean absolute error. `from_logits`:
    the classifiers' and segmenters' outputs are scores before the softmax
    (a builder's `classifier_activation=None`).
    """
    class_loss = keras.losses.SparseCategoricalCrossentropy(from_logits=from_logits)
    losses = {
        "language-modeling": (keras.losses.SparseCategoricalCrossentropy(from_logits=True), None),
        "image-classification": (class_loss, ["accuracy"]),
        "video-classification": (class_loss, ["accuracy"]),
        "text-classification": (keras.losses.BinaryCrossentropy(), ["accuracy"]),
        "translation": (keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0), ["accuracy"]),
        "image-captioning": (keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0), None),
        "forecasting": (keras.losses.MeanSquaredError(), ["mae"]),
    }
    if task == "semantic-segmentation":  # per-pixel class probabilities; mean IoU over the model's classes
        losses[task] = (class_loss, [_mean_iou(int(model.outputs[0].shape[-1]))])
    if task == "object-detection":
        from zoo.models.detection import YoloLoss

        losses[task] = (YoloLoss(), None)
    if task not in losses:
        raise InputError(f"No training recipe for task {task!r}. Accepted tasks: {', '.join(losses)}.")
    loss, metrics = losses[task]
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm), loss=loss, metrics=metrics)
    return model


def _mean_iou(num_classes: int):
    return keras.metrics.MeanIoU(num_classes, sparse_y_pred=False, name="mean_iou")
