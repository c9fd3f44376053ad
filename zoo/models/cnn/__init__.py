"""Convolutional networks: functional builders in keras.applications style, LeNet to DenseNet.

Importing this package does not import Keras; a builder's module does. Every registered CNN is an
attribute (`zoo.models.cnn.resnet50`, or `zoo.cnn.resnet50`), imported on first access.
"""

from zoo.lazy_exports import lazy_exports

__getattr__, __dir__, __all__ = lazy_exports(__name__, {}, family=True)
