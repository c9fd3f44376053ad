"""Forecasters of a series (notes 001 and 002): an autoregressive MLP and a latent GRU forecaster."""
