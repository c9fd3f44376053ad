"""zoo: a Keras 3 model zoo and tutorial package for recurrent and convolutional networks.

>>> import zoo
>>> zoo.list_models("lenet*")
['lenet5']
>>> model = zoo.create_model("lenet5", num_classes=3)   # doctest: +SKIP

Importing `zoo` and listing models does not import Keras; building,
training and generating do, on first use. Once both `zoo` and `keras`
are imported (in either order), `keras.saving.load_model` loads any saved
zoo model.

The tutorials (Jupyter notebooks that mirror five Korean study notes on sequence
models, RNNs, LSTMs, CNNs and attention) ship with the package: `zoo tutorials`
lists them, `zoo tutorials --to DIR` copies them, and `zoo.concepts` holds
the notes' 55 concepts and claims that they measure.
"""

from zoo.factory import create_model
from zoo.lazy_exports import lazy_exports as _lazy_exports
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
    "RunOptions",
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

# Subpackages reachable as attributes (`zoo.layers.LSTMCell`) and the attributes that import Keras, all
# loaded on first access. `zoo.cnn`, `zoo.detection` and `zoo.segmentation` are modules that are their
# model family's package (zoo/cnn.py...), so `from zoo.cnn import resnet50` works as well.
_SUBPACKAGES = ("cli", "cnn", "data", "decoding", "detection", "exporting", "kinds", "layers", "metrics", "models",
                "presets", "segmentation", "studies", "training", "tune")  # fmt: skip
_HOMES = {
    "generate": "zoo.decoding.generation",
    "load_model": "zoo.saving",
    "list_presets": "zoo.presets",
    "load_preset": "zoo.presets",
    "train_text_generator": "zoo.training.text",
    "train_transformer_lm": "zoo.training.text",
    "train_image_classifier": "zoo.training.images",
    "RunOptions": "zoo.training.runs",
}
__getattr__, __dir__, _ = _lazy_exports(__name__, _HOMES, modules=_SUBPACKAGES)


# Keras's own loader finds zoo's classes once Keras is imported, before or after zoo.
from zoo import _keras_hook  # noqa: E402

_keras_hook.install()
