"""Every built-in model, one folder per family, each folder with a Keras-free `metadata.py`.

- `zoo.models.cnn`: image classifiers, LeNet to DenseNet, in keras.applications' style;
- `zoo.models.rnn`: the character RNN, TextGenerator, sentiment and seq2seq models;
- `zoo.models.transformer`: the decoder-only Transformer language model;
- `zoo.models.segmentation`: FCN-32s/16s/8s; `zoo.models.detection`: the one-stage detector;
- `zoo.models.multimodal`: video classification and image captioning;
- `zoo.models.forecasting`: autoregressive and latent forecasters.

A family's `metadata.py` declares its models' registry entries; `zoo.registry`
finds every one, so adding a model touches only its folder. Importing this
package (or a family package) does not import Keras; a builder's module does.

The subclassed models are exported here under the names the notes write, so note
004's `TextGenerator(vocab_size, embedding_size, hidden_size)` runs as
`zoo.models.TextGenerator(...)`: `TextGenerator`, `CharRNN` (note
003's "hello" network) and `TransformerLM`.
"""

from zoo.lazy_exports import lazy_exports

_CLASSES = {
    "CharRNN": "zoo.models.rnn.char_rnn",
    "TextGenerator": "zoo.models.rnn.text_generator",
    "TransformerLM": "zoo.models.transformer.transformer_lm",
}
# The classes, and each family package (zoo.models.rnn) on first access.
__getattr__, __dir__, __all__ = lazy_exports(__name__, _CLASSES, modules=True)
