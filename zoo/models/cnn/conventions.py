"""Argument checks and heads shared by the CNN builders (keras.applications style).

The checks here are those that need Keras or a variant's input rules (input shape and tensor, activation,
which weights exist); the rest are Keras-free, in `zoo.models.cnn.arguments`, so that the command line
runs them before it imports TensorFlow.

The builders of architectures with published widths (AlexNet, GoogLeNet, ResNet, VGG, DenseNet) take one
argument their papers do not have: `width_multiplier`, MobileNet's width multiplier (Howard et al.,
MobileNets, 2017), which scales every hidden width; at 1.0 they are the papers' networks.
"""

from __future__ import annotations

import inspect
import os
import textwrap
from collections.abc import Callable

import keras

from zoo.errors import InputError
from zoo.models.cnn.arguments import check_head, check_headless_backbone

#: The arguments every CNN variant documents the same way (keras.applications' `BASE_DOCSTRING`);
#: `document` fills in the variant's `{top}`, `{weights}` and `{input_shape}`.
CNN_ARGUMENTS = (
    ("include_top", "whether to add {top}; without it the network ends at its last feature map (or the "
     "`pooling` of it)."),
    ("weights", "`None` (random initialisation){weights}, or the path of a weights file to load."),
    ("input_shape", "`(height, width, channels)`; default `{default_shape}`. Height and width must be at "
     "least {min_size}{fixed}."),
    ("pooling", 'with `include_top=False`: `None` (the last feature map, 4D), `"avg"` or `"max"` '
     "(global average or max pooling to a vector)."),
    ("num_classes", "number of classes of the classifier. `classes=`, keras.applications' name for it, is "
     "accepted too; given both, they must agree."),
    ("classifier_activation", "activation of the classifier: a name, or `None` for logits."),
    ("input_tensor", "a Keras tensor (a `keras.Input` or a layer's output) to build the network on, as in "
     "keras.applications; the model's inputs are its source inputs."),
)  # fmt: skip
#: The argument of the variants with published widths (ResNet, VGG, DenseNet, GoogLeNet, AlexNet); it
#: follows the common arguments (and the variant's own) in the signature, before `name`.
WIDTH_MULTIPLIER_ARGUMENT = (
    "width_multiplier",
    "scales the channels of every convolution and the units of the hidden dense layers (MobileNet's width "
    "multiplier: each width times it, rounded, at least 1). 1.0 is the published network; narrower ones train "
    'faster on small data. `weights="imagenet"` needs 1.0.',
)
_RETURNS = "A functional `keras.Model`: images in, class scores out (features with `include_top=False`)."


def _argument_lines(arguments) -> list:
    lines = []
    for name, text in arguments:
        first, *rest = textwrap.wrap(f"{name}: {text}", 96)
        lines += [f"    {first}", *(f"        {line}" for line in rest)]
    return lines


def document(builder, *, top, default_shape, min_size, imagenet=False, fixed_size=False, before=(), after=()):
    """Give a CNN variant the docstring every variant shares: its own summary, then every argument.

    `before` and `after` are `(argument, text)` pairs for the variant's own arguments that
    come before and after the common ones (`CNN_ARGUMENTS`) in its signature.
    """
    fields = {
        "top": top,
        "weights": ', `"imagenet"` (the weights keras.applications publishes)' if imagenet else "",
        "default_shape": default_shape,
        "min_size": min_size,
        "fixed": "; the dense head needs a fixed height and width" if fixed_size else "",
    }
    common = [(name, text.format(**fields)) for name, text in CNN_ARGUMENTS]
    arguments = [*before, *common, *after, ("name", "the model's name.")]
    summary = inspect.cleandoc(builder.__doc__ or builder.__name__)
    builder.__doc__ = "\n".join(
        [summary, "", "Args:", *_argument_lines(arguments), "", "Returns:", f"    {_RETURNS}", ""]
    )
    return builder


def scaled(width: int, width_multiplier: float) -> int:
    """A layer's published `width` (channels or units) times `width_multiplier`, rounded, at least 1."""
    return max(1, round(width * width_multiplier))


#: The signature of every variant with published widths (`resnet50`, `vgg16`, `densenet121`...), in order,
#: with its defaults: keras.applications' arguments, `width_multiplier`, the variant's `name` (`None`
#: here: each variant's own) and keras.applications' spelling of `num_classes`, `classes`. `variant` makes
#: the functions; `zoo.registry.signatures` reads it from the source, so the registry needs no Keras.
VARIANT_SIGNATURE = {
    "include_top": True,
    "weights": None,
    "input_shape": None,
    "pooling": None,
    "num_classes": 1000,
    "classifier_activation": "softmax",
    "input_tensor": None,
    "width_multiplier": 1.0,
    "name": None,
    "classes": None,
}


def variant(
    family: Callable[..., keras.Model],
    name: str,
    summary: str,
    *,
    signature: dict | None = None,
    documented: dict | None = None,
    **architecture: object,
) -> Callable[..., keras.Model]:
    """A public variant of the family builder `family`, made from one row of its family's table.

    `resnet50 = variant(resnet, "resnet50", "ResNet-50: ...", documented={...}, block=bottleneck_block,
    depths=(3, 4, 6, 3), application="ResNet50")` is a function of `VARIANT_SIGNATURE` (its `name`
    defaulting to `"resnet50"`) that calls `resnet(block=..., depths=..., application=..., <its arguments>)`.
    `zoo.registry.signatures` reads a row's signature from the source, without running it.

    Args:
        family: the family builder, taking `architecture` and the signature's arguments as keywords.
        name: the variant's name: the function's, and its model's default name.
        summary: the docstring (its first paragraph, when `documented` writes the rest).
        signature: the variant's arguments with their defaults, in order (a module-level literal dict of
            the row's module; default `VARIANT_SIGNATURE`); a `classes` among them is keras.applications'
            name for `num_classes`.
        documented: `document`'s arguments (`top`, `default_shape`, `min_size`, `imagenet`...) for the
            docstring every CNN variant shares, `width_multiplier` last; `None` keeps `summary` whole.
        **architecture: what makes this variant (depths, block kind, keras.applications' name...).

    Returns:
        The variant function.
    """
    defaults = VARIANT_SIGNATURE if signature is None else signature
    kinds = {"classes": inspect.Parameter.KEYWORD_ONLY}
    signature = inspect.Signature(
        [
            inspect.Parameter(arg, kinds.get(arg, inspect.Parameter.POSITIONAL_OR_KEYWORD), default=default)
            for arg, default in {**defaults, "name": name}.items()
        ]
    )

    def build(*args, **kwargs):
        bound = signature.bind(*args, **kwargs)
        bound.apply_defaults()
        arguments = dict(bound.arguments)
        if "classes" in arguments:
            classes = arguments.pop("classes")
            arguments["num_classes"] = num_classes_of(name, arguments["num_classes"], classes, defaults["num_classes"])
        return family(**architecture, **arguments)

    build.__name__ = build.__qualname__ = name
    build.__module__ = family.__module__
    build.__signature__ = signature
    build.__doc__ = summary
    if documented is None:
        return build
    return document(build, **documented, after=(WIDTH_MULTIPLIER_ARGUMENT,))


def num_classes_of(builder_name: str, num_classes, classes, default):
    """`num_classes`, or keras.applications' `classes` in its place: a `num_classes` left at its `default`
    gives way to `classes`; another must agree with it.

    Raises:
        InputError: both given, and they differ.
    """
    if classes is None:
        return num_classes
    if num_classes != default and num_classes != classes:
        raise InputError(
            f"{builder_name}: classes={classes!r} and num_classes={num_classes!r} disagree; "
            "give one of them (classes is keras.applications' name for num_classes)."
        )
    return classes


def check_arguments(
    model_name: str,
    *,
    include_top,
    weights,
    input_shape,
    pooling,
    num_classes,
    classifier_activation,
    default_shape: tuple,
    min_size: int,
    flattening_top: bool = False,
    imagenet: str | None = None,
    input_tensor=None,
    width_multiplier: float = 1.0,
) -> tuple:
    """Validate the common builder arguments and return the input shape to use.

    The checks that need neither Keras nor the variant's input rules are
    `zoo.models.cnn.arguments.check_head`'s, run first. Every error
    names the bad value and what would be accepted. Set `flattening_top`
    for a head that flattens a feature map, which needs a fixed height and
    width. `width_multiplier` is that of a builder with
    published widths (the published weights need 1.0). `imagenet` names the
    keras.applications model whose published weights `weights="imagenet"`
    loads (`None`: no such weights exist for this architecture). With `input_tensor` (and no
    `input_shape`) the shape is the tensor's, as in keras.applications.
    """
    check_head(
        model_name,
        include_top=include_top,
        weights=weights,
        pooling=pooling,
        num_classes=num_classes,
        width_multiplier=width_multiplier,
    )
    _check_weights(model_name, weights, imagenet, classifier_activation)
    if input_tensor is not None:
        input_shape = _shape_of_tensor(model_name, input_tensor, input_shape, weights)
    if input_shape is None:
        # keras.applications' convention: without a top, any height and width.
        shape = default_shape if include_top else (None, None, default_shape[-1])
    else:
        shape = input_shape
    shape = _checked_shape(model_name, shape, input_shape, min_size)
    if weights == "imagenet":
        _check_imagenet_input(model_name, shape, include_top, num_classes, default_shape)
    if include_top and flattening_top and None in shape[:2]:
        raise InputError(
            f"{model_name}: with include_top=True the dense head needs a fixed height and width; "
            f"got {shape!r}. Give both, or use include_top=False."
        )
    return shape


def _check_weights(model_name, weights, imagenet, classifier_activation) -> None:
    """`weights` (None, `"imagenet"` where published, or an existing file), `classifier_activation` (a
    name Keras knows), and Keras's image layout (channels_last)."""
    if weights == "imagenet" and imagenet is None:
        raise InputError(
            f"{model_name}: keras.applications publishes no ImageNet weights for this architecture; "
            "use weights=None or the path to a weights file."
        )
    if weights not in (None, "imagenet") and not (isinstance(weights, (str, os.PathLike)) and os.path.exists(weights)):
        accepted = "None (random initialisation), " + ("'imagenet', " if imagenet else "")
        raise InputError(
            f"{model_name}: weights must be {accepted}or the path to an existing weights file; got {weights!r}."
        )
    if classifier_activation is not None:
        try:
            keras.activations.get(classifier_activation)
        except ValueError:
            raise InputError(
                f"{model_name}: unknown classifier_activation {classifier_activation!r}; use None, "
                "'softmax', or any name keras.activations knows."
            ) from None
    if keras.config.image_data_format() != "channels_last":
        raise InputError(
            f"{model_name}: zoo's CNN builders take channels_last images (height, width, channels), but "
            f"keras.config.image_data_format() is {keras.config.image_data_format()!r}; call "
            "keras.config.set_image_data_format('channels_last') and transpose the images to NHWC."
        )


def _shape_of_tensor(model_name, input_tensor, input_shape, weights):
    """The input shape given `input_tensor`: `input_shape` if it agrees with the tensor's, else the tensor's."""
    if weights == "imagenet":
        raise InputError(
            f"{model_name}: weights='imagenet' cannot be combined with input_tensor here; build the model with "
            "input_shape and call it on your tensor."
        )
    try:
        tensor_shape = tuple(input_tensor.shape)[1:]
    except (AttributeError, TypeError):
        raise InputError(
            f"{model_name}: input_tensor must be a tensor (a keras.Input or a layer's output), "
            f"got {type(input_tensor).__name__}."
        ) from None
    if input_shape is None:
        return tensor_shape
    if any(a is not None and b is not None and a != b for a, b in zip(input_shape, tensor_shape, strict=False)):
        raise InputError(
            f"{model_name}: input_shape {tuple(input_shape)!r} disagrees with input_tensor's shape {tensor_shape!r}."
        )
    return input_shape


def _checked_shape(model_name, shape, input_shape, min_size) -> tuple:
    """`shape` as a tuple, if it is (height, width, channels) of positive sizes, channels last, at least
    `min_size` high and wide."""
    try:
        shape = tuple(shape)
    except TypeError:
        raise InputError(
            f"{model_name}: input_shape must be a tuple (height, width, channels), got {input_shape!r}."
        ) from None
    if len(shape) != 3:
        raise InputError(
            f"{model_name}: input_shape must have rank 3 (height, width, channels) without the "
            f"batch axis; got {shape!r} of rank {len(shape)}."
        )
    if not all(d is None or (isinstance(d, int) and d > 0) for d in shape) or shape[-1] is None:
        raise InputError(
            f"{model_name}: input_shape entries must be positive integers (height and width may be "
            f"None), got {shape!r}."
        )
    if shape[0] in (1, 3) and shape[-1] not in (1, 3, 4) and (shape[1] is None or shape[1] > 4):
        raise InputError(
            f"{model_name}: input_shape {shape!r} looks like channels_first (channels, height, width); zoo's "
            f"CNNs take channels_last: pass {(shape[1], shape[2], shape[0])!r}."
        )
    small = [d for d in shape[:2] if d is not None and d < min_size]
    if small:
        raise InputError(f"{model_name}: input height and width must be at least {min_size}, got {shape!r}.")
    return shape


def _check_imagenet_input(model_name, shape, include_top, num_classes, default_shape) -> None:
    """What ImageNet weights need: RGB input, and with their head 1000 classes at the published size."""
    if include_top and num_classes != 1000:
        raise InputError(
            f"{model_name}: weights='imagenet' with include_top=True needs num_classes=1000 (the ImageNet "
            f"head), got {num_classes}. Use include_top=False to put your own head on the features."
        )
    if shape[-1] != 3:
        raise InputError(f"{model_name}: weights='imagenet' needs 3-channel (RGB) input, got {shape!r}.")
    if include_top and shape[:2] != tuple(default_shape[:2]):
        raise InputError(
            f"{model_name}: weights='imagenet' with include_top=True needs input_shape "
            f"{tuple(default_shape)}, got {shape!r}. Use include_top=False for other sizes."
        )


def image_input(shape, input_tensor=None):
    """keras.applications' input handling: `(tensor to build on, the model's inputs)`.

    Without `input_tensor` both are a new `keras.Input` of `shape`. With a
    Keras tensor (a `keras.Input` or a layer's output) the network is built on
    it and the model's inputs are that tensor's source inputs, so layers before
    it become part of the model; any other tensor is wrapped in an `Input`.
    """
    if input_tensor is None:
        inputs = keras.Input(shape=shape, name="image")
        return inputs, inputs
    if not keras.backend.is_keras_tensor(input_tensor):
        inputs = keras.Input(tensor=input_tensor, shape=shape, name="image")
        return inputs, inputs
    return input_tensor, keras.utils.get_source_inputs(input_tensor)


def classifier(x, include_top, pooling, num_classes, classifier_activation, dropout=0.0):
    """The keras.applications top: global average pooling and a Dense classifier,
    or, without the top, the requested pooling of the feature map."""
    if not include_top:
        return pooled_features(x, pooling)
    x = keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if dropout:
        x = keras.layers.Dropout(dropout, name="top_dropout")(x)
    return keras.layers.Dense(num_classes, activation=classifier_activation, name="predictions")(x)


def imagenet_weights(model, application: str, include_top: bool):
    """Copy the ImageNet weights that keras.applications publishes into `model`.

    `application` is the keras.applications function name (`"ResNet50"`).
    The reference model fetches its file with `keras.utils.get_file` (cached
    under `~/.keras/models`); this needs the network the first time.
    """
    reference_builder = getattr(keras.applications, application)
    reference = reference_builder(include_top=include_top, weights="imagenet", input_shape=model.input_shape[1:])
    copy_weights(reference, model)
    return model


def copy_weights(source, target):
    """`target.set_weights(source.get_weights())`, with a clear error when the layouts differ."""
    src, dst = source.get_weights(), target.get_weights()
    if [w.shape for w in src] != [w.shape for w in dst]:
        raise InputError(
            f"Cannot copy weights from {source.name} ({len(src)} arrays, {source.count_params():,} parameters) "
            f"to {target.name} ({len(dst)} arrays, {target.count_params():,} parameters): layouts differ."
        )
    target.set_weights(src)
    return target


def pooled_features(x, pooling):
    """Apply the `pooling` of an `include_top=False` model."""
    if pooling == "avg":
        return keras.layers.GlobalAveragePooling2D(name="avg_pool")(x)
    if pooling == "max":
        return keras.layers.GlobalMaxPooling2D(name="max_pool")(x)
    return x


def load_weights(model, weights, model_name: str):
    """Load a weights file into `model`, explaining a mismatch."""
    if weights is None:
        return model
    try:
        model.load_weights(weights)
    except Exception as err:  # Keras raises ValueError or OSError by file kind
        raise InputError(
            f"{model_name}: the weights file {str(weights)!r} does not match this model "
            f"({model.count_params():,} parameters, input {model.input_shape}): {err}"
        ) from err
    return model


def headless_backbone(backbone: str, input_shape, backbone_args=None, pooling=None):
    """The registered image classifier `backbone` without its head: an encoder for other models.

    `pooling=None` keeps the last feature map (where things are);
    `"avg"`/`"max"` pool it to a vector. `backbone_args` override the
    builder's arguments (`{"width": 8}`).
    """
    from zoo.factory import create_model

    check_headless_backbone(backbone=backbone, backbone_args=backbone_args)
    return create_model(
        backbone, include_top=False, pooling=pooling, input_shape=tuple(input_shape), **dict(backbone_args or {})
    )
