"""Convolutional networks: functional builders in keras.applications style, LeNet to DenseNet.

Importing this package does not import Keras; a builder's module does.
"""
