"""Sequence models of notes 001 and 002 as one-step forecasters (`forecasting` task).

- `autoregressive_forecaster`: x_t from the last `tau` values (S3); with
  `tau=1` it is the first-order Markov model (S4); with `hidden_units=0`
  it is the classical linear AR(tau).
- `latent_forecaster`: a GRU reads the past and its hidden state h_t
  summarises it (the latent autoregressive model, S5); the next value is read
  off h_t.
"""

from __future__ import annotations

import keras

from zoo.models.forecasting.arguments import check_autoregressive_forecaster, check_latent_forecaster


def autoregressive_forecaster(
    tau: int = 4, hidden_units: int = 10, num_layers: int = 1, name: str = "autoregressive_forecaster"
) -> keras.Model:
    """Predict the next value from the last `tau` values with an MLP (or a linear map).

    Args:
        tau: window length; 1 gives the Markov model.
        hidden_units: width of each hidden ReLU layer; 0 for a linear AR model.
        num_layers: number of hidden layers (ignored when `hidden_units=0`).
        name: the model's name.

    Input `(batch, tau)`, output `(batch, 1)`.
    """
    check_autoregressive_forecaster(tau=tau, hidden_units=hidden_units, num_layers=num_layers)
    inputs = keras.Input((tau,), name="window")
    x = inputs
    if hidden_units:
        for i in range(num_layers):
            x = keras.layers.Dense(hidden_units, activation="relu", name=f"hidden_{i + 1}")(x)
    return keras.Model(inputs, keras.layers.Dense(1, name="next_value")(x), name=name)


def latent_forecaster(units: int = 16, cell: str = "gru", name: str = "latent_forecaster") -> keras.Model:
    """Predict the next value from a recurrent hidden state over the whole input window.

    Args:
        units: size of the hidden state.
        cell: `"gru"`, `"lstm"` or `"rnn"`.
        name: the model's name.

    Input `(batch, time)` of any length, output `(batch, 1)`.
    """
    from zoo.models.rnn.text_generator import RECURRENT_LAYERS

    check_latent_forecaster(units=units, cell=cell)
    inputs = keras.Input((None,), name="history")
    x = keras.layers.Reshape((-1, 1), name="as_sequence")(inputs)
    x = RECURRENT_LAYERS[cell](units, name=cell)(x)
    return keras.Model(inputs, keras.layers.Dense(1, name="next_value")(x), name=name)
