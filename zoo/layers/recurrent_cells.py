"""Recurrent cells written straight from the equations of the notes.

Each cell keeps Keras's variable layout (`kernel`, `recurrent_kernel`,
`bias`, with the gates in Keras's order), so weights copy across with
`set_weights` and the cells can be checked against `keras.layers.SimpleRNN`,
`LSTM` and `GRU`. Use them inside `keras.layers.RNN`:

```python
layer = keras.layers.RNN(zoo.layers.LSTMCell(64), return_sequences=True)
```

Every cell has a `gates(inputs, states)` method that returns the named
intermediate values of one step (the gates, the candidate, the new states),
which is what the tutorials plot.
"""

from __future__ import annotations

import keras
from keras import ops

from zoo.validation import check_positive_int


class _Cell(keras.layers.Layer):
    """Shared weights and config of the cells: kernel, recurrent_kernel, bias."""

    gate_count = 1

    def __init__(
        self,
        units,
        activation="tanh",
        use_bias=True,
        kernel_initializer="glorot_uniform",
        recurrent_initializer="orthogonal",
        bias_initializer="zeros",
        **kwargs,
    ):
        super().__init__(**kwargs)
        check_positive_int("units", units)
        self.units = units
        self.activation = keras.activations.get(activation)
        self.use_bias = use_bias
        self.kernel_initializer = keras.initializers.get(kernel_initializer)
        self.recurrent_initializer = keras.initializers.get(recurrent_initializer)
        self.bias_initializer = keras.initializers.get(bias_initializer)

    @property
    def state_size(self):
        return self.units

    @property
    def output_size(self):
        return self.units

    def _bias_shape(self):
        return (self.gate_count * self.units,)

    def _initial_bias(self, shape, dtype=None):
        return self.bias_initializer(shape, dtype)

    def build(self, input_shape):
        width = self.gate_count * self.units
        self.kernel = self.add_weight(
            shape=(input_shape[-1], width), name="kernel", initializer=self.kernel_initializer
        )
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width), name="recurrent_kernel", initializer=self.recurrent_initializer
        )
        self.bias = (
            self.add_weight(shape=self._bias_shape(), name="bias", initializer=self._initial_bias)
            if self.use_bias
            else None
        )
        self.built = True

    def call(self, inputs, states, training=False):
        values = self.gates(inputs, states)
        new_states = [values[name] for name in self.state_names]
        return values["h"], new_states if len(new_states) > 1 else new_states[0]

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": keras.activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": keras.initializers.serialize(self.kernel_initializer),
            "recurrent_initializer": keras.initializers.serialize(self.recurrent_initializer),
            "bias_initializer": keras.initializers.serialize(self.bias_initializer),
        }


def _first(states):
    return ops.convert_to_tensor(states[0] if isinstance(states, (list, tuple)) else states)


@keras.saving.register_keras_serializable(package="zoo")
class SimpleRNNCell(_Cell):
    """The plain RNN of note 003: `h_t = tanh(W_xh x_t + W_hh h_{t-1} + b)`.

    `kernel` is W_xh (input_dim, units), `recurrent_kernel` is W_hh
    (units, units). `activation` may be changed (`"relu"` for the
    gradient study).
    """

    state_names = ("h",)

    def gates(self, inputs, states):
        """The step's values: `pre_activation` and the new hidden state `h`."""
        h_prev = _first(states)
        inputs = ops.convert_to_tensor(inputs)
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
        if self.use_bias:
            z = z + self.bias
        return {"pre_activation": z, "h": self.activation(z)}


@keras.saving.register_keras_serializable(package="zoo")
class LSTMCell(_Cell):
    """The LSTM of notes 000, 003 and 004.

    With `[.]` the affine map of `x_t` and `h_{t-1}` for each gate (L7):

    ```text
    i_t = sigmoid([x_t, h_{t-1}] W_i + b_i)     input gate / 입력 게이트
    f_t = sigmoid([x_t, h_{t-1}] W_f + b_f)     forget gate / 삭제(망각) 게이트
    g_t = tanh([x_t, h_{t-1}] W_g + b_g)        candidate (new information)
    o_t = sigmoid([x_t, h_{t-1}] W_o + b_o)     output gate / 출력 게이트
    C_t = f_t * C_{t-1} + i_t * g_t             cell state (long-term memory)
    h_t = o_t * tanh(C_t)                       hidden state (short-term memory)
    ```

    The kernels hold the four gates side by side in Keras's order i, f, g, o.
    `unit_forget_bias` starts the forget-gate bias at 1, as Keras does.
    """

    gate_count = 4
    state_names = ("h", "c")

    def __init__(self, units, unit_forget_bias=True, recurrent_activation="sigmoid", **kwargs):
        super().__init__(units, **kwargs)
        self.unit_forget_bias = unit_forget_bias
        self.recurrent_activation = keras.activations.get(recurrent_activation)

    @property
    def state_size(self):
        return [self.units, self.units]

    def _initial_bias(self, shape, dtype=None):
        if not self.unit_forget_bias:
            return super()._initial_bias(shape, dtype)
        units, init = self.units, self.bias_initializer
        return ops.concatenate([init((units,), dtype), ops.ones((units,), dtype), init((2 * units,), dtype)])

    def gates(self, inputs, states):
        """The step's values: gates `i`, `f`, `o`, candidate `g`, cell `c` and `h`."""
        h_prev, c_prev = ops.convert_to_tensor(states[0]), ops.convert_to_tensor(states[1])
        z = ops.matmul(inputs, self.kernel) + ops.matmul(h_prev, self.recurrent_kernel)
        if self.use_bias:
            z = z + self.bias
        z_i, z_f, z_g, z_o = ops.split(z, 4, axis=-1)
        i = self.recurrent_activation(z_i)
        f = self.recurrent_activation(z_f)
        g = self.activation(z_g)
        o = self.recurrent_activation(z_o)
        c = f * c_prev + i * g
        h = o * self.activation(c)
        return {"i": i, "f": f, "g": g, "o": o, "c": c, "h": h}

    def get_config(self):
        return {
            **super().get_config(),
            "unit_forget_bias": self.unit_forget_bias,
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
        }


@keras.saving.register_keras_serializable(package="zoo")
class GRUCell(_Cell):
    """The GRU of notes 000, 001 and 002: no cell state, two gates:

    ```text
    z_t = sigmoid(W_xz x_t + W_hz h_{t-1} + b_z)        update gate
    r_t = sigmoid(W_xr x_t + W_hr h_{t-1} + b_r)        reset gate (0 forgets all)
    g_t = tanh(W_xg x_t + r_t * (W_hg h_{t-1} + b'_g) + b_g)   reset_after=True
    g_t = tanh(W_xg x_t + W_hg (r_t * h_{t-1}) + b_g)          reset_after=False
    h_t = z_t * h_{t-1} + (1 - z_t) * g_t
    ```

    Keras's convention, followed here, keeps the old state where z_t is 1.
    Gates are stored in Keras's order z, r, g. With `reset_after=True` the
    bias has shape (2, 3 * units): input biases, then recurrent biases.
    """

    gate_count = 3
    state_names = ("h",)

    def __init__(self, units, reset_after=True, recurrent_activation="sigmoid", **kwargs):
        super().__init__(units, **kwargs)
        self.reset_after = reset_after
        self.recurrent_activation = keras.activations.get(recurrent_activation)

    def _bias_shape(self):
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def gates(self, inputs, states):
        """The step's values: gates `z`, `r`, candidate `g` and `h`."""
        h_prev = _first(states)
        units = self.units
        x = ops.matmul(inputs, self.kernel)
        if self.use_bias:
            x = x + (self.bias[0] if self.reset_after else self.bias)
        x_z, x_r, x_g = ops.split(x, 3, axis=-1)
        if self.reset_after:
            rec = ops.matmul(h_prev, self.recurrent_kernel)
            if self.use_bias:
                rec = rec + self.bias[1]
            h_z, h_r, h_g = ops.split(rec, 3, axis=-1)
            z = self.recurrent_activation(x_z + h_z)
            r = self.recurrent_activation(x_r + h_r)
            g = self.activation(x_g + r * h_g)
        else:
            rec = ops.matmul(h_prev, self.recurrent_kernel[:, : 2 * units])
            h_z, h_r = ops.split(rec, 2, axis=-1)
            z = self.recurrent_activation(x_z + h_z)
            r = self.recurrent_activation(x_r + h_r)
            g = self.activation(x_g + ops.matmul(r * h_prev, self.recurrent_kernel[:, 2 * units :]))
        h = z * h_prev + (1.0 - z) * g
        return {"z": z, "r": r, "g": g, "h": h}

    def get_config(self):
        return {
            **super().get_config(),
            "reset_after": self.reset_after,
            "recurrent_activation": keras.activations.serialize(self.recurrent_activation),
        }
