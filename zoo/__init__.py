"""zoo: a Keras 3 model zoo and tutorial package for recurrent and convolutional networks.

>>> import zoo
>>> zoo.list_models("lenet*")
['lenet5']
>>> model = zoo.create_model("lenet5", num_classes=3)   # doctest: +SKIP

Importing ``zoo`` and listing models does not import Keras; building,
training and generating do, on first use. Once both ``zoo`` and ``keras``
are imported (in either order), ``keras.saving.load_model`` loads any saved
zoo model.

The tutorials (Jupyter notebooks that mirror five Korean study notes on sequence
models, RNNs, LSTMs, CNNs and attention) ship with the package: ``zoo tutorials``
lists them, ``zoo tutorials --to DIR`` copies them, and :mod:`zoo.concepts` holds
the notes' 55 concepts and claims that they measure.
"""

from zoo.factory import create_model
from zoo.registry import (
    TASKS,
    BadArgumentError,
    ContractConfig,
    InputSpec,
    ModelInfo,
    TrainingRecipe,
    UnknownModelError,
    accepted_arguments,
    check_model_arguments,
    list_models,
    model_info,
    register_model,
    unregister_model,
)

__version__ = "0.1.0"

__all__ = [
    "TASKS",
    "BadArgumentError",
    "ContractConfig",
    "InputSpec",
    "ModelInfo",
    "TrainingRecipe",
    "UnknownModelError",
    "__version__",
    "accepted_arguments",
    "check_model_arguments",
    "create_model",
    "cli",
    "cnn",
    "data",
    "decoding",
    "detection",
    "generate",
    "exporting",
    "kinds",
    "layers",
    "list_models",
    "list_presets",
    "load_model",
    "load_preset",
    "metrics",
    "model_info",
    "models",
    "presets",
    "register_model",
    "segmentation",
    "studies",
    "train_image_classifier",
    "train_text_generator",
    "train_transformer_lm",
    "training",
    "tune",
    "unregister_model",
]

# Subpackages reachable as attributes (``zoo.layers.LSTMCell``), imported on first access.
_SUBPACKAGES = (
    "cli",
    "data",
    "decoding",
    "exporting",
    "kinds",
    "layers",
    "metrics",
    "models",
    "presets",
    "studies",
    "training",
    "tune",
)
# Model families reachable as ``zoo.cnn``, ``zoo.detection`` and ``zoo.segmentation`` too: modules that are
# their family's package (zoo/cnn.py...), so ``from zoo.cnn import resnet50`` works as well.
_FAMILY_SHORTCUTS = ("cnn", "detection", "segmentation")

# Attributes that import Keras, loaded on first access.
_LAZY = {
    "generate": ("zoo.decoding.generation", "generate"),
    "load_model": ("zoo.saving", "load_model"),
    "list_presets": ("zoo.presets", "list_presets"),
    "load_preset": ("zoo.presets", "load_preset"),
    "train_text_generator": ("zoo.training.text", "train_text_generator"),
    "train_transformer_lm": ("zoo.training.text", "train_transformer_lm"),
    "train_image_classifier": ("zoo.training.images", "train_image_classifier"),
}


def __getattr__(name):
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        value = getattr(importlib.import_module(module), attr)
        globals()[name] = value
        return value
    if name in _SUBPACKAGES or name in _FAMILY_SHORTCUTS:
        import importlib

        return importlib.import_module(f"zoo.{name}")
    raise AttributeError(f"module 'zoo' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))


# Keras's own loader finds zoo's classes once Keras is imported, before or after zoo.
from zoo import _keras_hook  # noqa: E402

_keras_hook.install()
