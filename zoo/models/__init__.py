"""Every built-in model, one folder per family, each folder with a Keras-free ``metadata.py``.

- :mod:`zoo.models.cnn`: image classifiers, LeNet to DenseNet, in keras.applications' style;
- :mod:`zoo.models.rnn`: the character RNN, TextGenerator, sentiment and seq2seq models;
- :mod:`zoo.models.transformer`: the decoder-only Transformer language model;
- :mod:`zoo.models.segmentation`: FCN-32s/16s/8s; :mod:`zoo.models.detection`: the one-stage detector;
- :mod:`zoo.models.multimodal`: video classification and image captioning;
- :mod:`zoo.models.forecasting`: autoregressive and latent forecasters.

A family's ``metadata.py`` declares its models' registry entries; :mod:`zoo.registry`
finds every one, so adding a model touches only its folder. Importing this
package (or a family package) does not import Keras; a builder's module does.

The subclassed models are exported here under the names the notes write, so note
004's ``TextGenerator(vocab_size, embedding_size, hidden_size)`` runs as
``zoo.models.TextGenerator(...)``: :class:`TextGenerator`, :class:`CharRNN` (note
003's "hello" network) and :class:`TransformerLM`.
"""

import importlib
import importlib.util

from zoo.lazy_exports import lazy_exports

_CLASSES = {
    "CharRNN": "zoo.models.rnn.char_rnn",
    "TextGenerator": "zoo.models.rnn.text_generator",
    "TransformerLM": "zoo.models.transformer.transformer_lm",
}
_class_getattr, _class_dir, __all__ = lazy_exports(__name__, _CLASSES)


def __getattr__(name):
    if name in _CLASSES:
        return _class_getattr(name)
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__():
    return _class_dir()
