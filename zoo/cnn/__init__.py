"""Convolutional networks: functional builders in keras.applications style."""
