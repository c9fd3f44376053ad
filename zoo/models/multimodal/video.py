"""Video classification, per clip (many-to-one) and per frame (many-to-many): note 003, S8.

Two ways to read a clip (batch, frames, height, width, channels):

- `"cnn_rnn"`: a zoo CNN (any registered image classifier, without its
  head) runs on every frame through `TimeDistributed`; its flattened
  feature maps (which keep *where* things are, unlike global pooling) go to
  an LSTM or GRU that reads them in order;
- `"convlstm"`: a strided convolution (with batch normalisation) shrinks
  every frame, then a `ConvLSTM2D` (an LSTM whose gates are convolutions,
  Shi et al., 2015) carries a feature *map* through time, so motion is seen
  where it happens; its last map, flattened, goes to the classifier.

With `per_frame=False` the last state gives one class per clip; with
`per_frame=True` every frame gets its own prediction.
"""

from __future__ import annotations

import keras

from zoo.models.cnn.conventions import headless_backbone
from zoo.models.multimodal.arguments import VIDEO_CELLS, check_video_classifier

RECURRENT = dict(zip(VIDEO_CELLS, (keras.layers.LSTM, keras.layers.GRU), strict=True))


def video_classifier(
    num_classes: int = 7,
    input_shape: tuple[int, int, int, int] = (8, 32, 32, 3),
    variant: str = "cnn_rnn",
    backbone: str = "vgg_cifar",
    backbone_args: dict | None = None,
    cell: str = "lstm",
    units: int = 32,
    filters: int = 16,
    per_frame: bool = False,
    dropout: float = 0.0,
    name: str = "video_classifier",
) -> keras.Model:
    """Build a video classifier; see the module docstring for the two variants.

    Args:
        num_classes: classes per clip (or per frame with `per_frame=True`).
        input_shape: `(frames, height, width, channels)`; frames may be `None`.
        variant: `"cnn_rnn"` or `"convlstm"`.
        backbone: `cnn_rnn`: the registered image classifier run on every
            frame, without its head (`zoo.list_models(task="image-classification")`).
        backbone_args: `cnn_rnn`: overrides for the backbone (`{"width": 8}`).
        cell: `cnn_rnn`: `"lstm"` or `"gru"`.
        units: `cnn_rnn`: recurrent units.
        filters: `convlstm`: channels of the stem and of the ConvLSTM.
        per_frame: one prediction per frame (many-to-many) instead of per clip.
        dropout: dropout rate before the classifier.
        name: the model's name.

    Outputs class probabilities: (batch, num_classes), or (batch, frames, num_classes).
    """
    check_video_classifier(
        num_classes=num_classes,
        units=units,
        filters=filters,
        variant=variant,
        cell=cell,
        input_shape=input_shape,
        dropout=dropout,
    )
    input_shape = tuple(input_shape)
    clips = keras.Input(input_shape, name="clips")
    if variant == "cnn_rnn":
        encoder = headless_backbone(backbone, input_shape[1:], backbone_args)
        x = keras.layers.TimeDistributed(encoder, name="frame_cnn")(clips)
        x = keras.layers.TimeDistributed(keras.layers.Flatten(), name="frame_features")(x)
        x = RECURRENT[cell](units, return_sequences=per_frame, name=cell)(x)
    else:
        stem = keras.Sequential(
            [
                keras.layers.Conv2D(filters, 3, strides=2, padding="same", use_bias=False),
                keras.layers.BatchNormalization(),
                keras.layers.ReLU(),
            ],
            name="stem",
        )
        x = keras.layers.TimeDistributed(stem, name="frame_stem")(clips)
        x = keras.layers.ConvLSTM2D(filters, 3, padding="same", return_sequences=per_frame, name="convlstm")(x)
        flatten = keras.layers.Flatten()
        x = keras.layers.TimeDistributed(flatten, name="state_features")(x) if per_frame else flatten(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="dropout")(x)
    outputs = keras.layers.Dense(num_classes, activation="softmax", name="predictions")(x)
    return keras.Model(clips, outputs, name=name)
