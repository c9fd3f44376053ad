"""Convolutional networks: functional builders in keras.applications style."""

#: Arguments every CNN builder takes, in signature order (``name`` follows them).
#: Kept here, free of Keras, so the static catalog and the builders share one list.
COMMON_ARGS = (
    "include_top",
    "weights",
    "input_shape",
    "pooling",
    "num_classes",
    "classifier_activation",
    "input_tensor",
)
