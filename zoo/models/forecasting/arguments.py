"""The forecasters' argument checks that need no Keras (their builders run them first; the registry lists them
in the models' `checks`, so the command line runs them before it imports Keras)."""

from __future__ import annotations

from zoo.errors import InputError
from zoo.models.rnn.arguments import CELLS
from zoo.validation import check_int


def check_autoregressive_forecaster(*, tau, hidden_units, num_layers) -> None:
    """The window, the hidden width (0: a linear AR model) and the number of hidden layers."""
    check_int("tau", tau, minimum=1)
    check_int("hidden_units", hidden_units, minimum=0)
    check_int("num_layers", num_layers, minimum=1)


def check_latent_forecaster(*, units, cell) -> None:
    """The hidden state's size and the recurrent layer."""
    check_int("units", units, minimum=1)
    if cell not in CELLS:
        raise InputError(f"cell must be one of {sorted(CELLS)}, got {cell!r}.")
