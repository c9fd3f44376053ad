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
"""

import importlib
import importlib.util


def __getattr__(name):
    if not name.startswith("_") and importlib.util.find_spec(f"{__name__}.{name}") is not None:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
