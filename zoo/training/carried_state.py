"""Carrying a language model's recurrent state from one batch to the next.

char-rnn's way of training (truncated backpropagation through time): the
text is cut into `batch_size` long streams (`zoo.data.text_streams`),
and each batch row continues the row before it. The final recurrent states
of one batch become the initial states of the next, so the model learns
from, and is scored with, context longer than one window, while gradients
still flow back only `seq_len` steps (the states pass as constants).

`StateCarrier` wraps a `TextGenerator`
for `fit`/`evaluate`; the wrapped model is what gets saved and used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import keras

from zoo.errors import InputError
from zoo.metrics.language import bits_from_nats
from zoo.training.distribute import batch_replicas
from zoo.validation import check_positive_int

if TYPE_CHECKING:
    from zoo.models.rnn.text_generator import TextGenerator


class StateCarrier(keras.Model):
    """Training wrapper that feeds each batch the previous batch's final states.

    Args:
        generator: a built `TextGenerator`.
        batch_size: the fixed number of training streams (batch rows).
        eval_batch_size: the number of evaluation streams (default
            `batch_size`; fewer suit a short validation text).

    Training and evaluation keep separate states (non-trainable variables),
    so a validation pass does not disturb the training streams; evaluation
    states start from zeros at every `evaluate` (`fit`'s validation
    included) through `on_test_begin` in `ResetEvalStates`.
    Works on every backend: the states are updated like batch-norm statistics.
    """

    def __init__(self, generator: TextGenerator, batch_size: int, eval_batch_size: int | None = None, **kwargs):
        super().__init__(**kwargs)
        eval_batch_size = batch_size if eval_batch_size is None else eval_batch_size
        for name, value in (("batch_size", batch_size), ("eval_batch_size", eval_batch_size)):
            check_positive_int(f"{name}", value)
        self.generator = generator
        self.batch_size = batch_size
        self.eval_batch_size = eval_batch_size
        # Under tf.distribute.MirroredStrategy every replica runs its own slice
        # of the batch rows, so it keeps the states of those rows only.
        self.replicas = batch_replicas()
        for name, value in (("batch_size", batch_size), ("eval_batch_size", eval_batch_size)):
            if value % self.replicas:
                raise InputError(
                    f"{name}={value} does not split evenly over {self.replicas} replicas; "
                    f"use a multiple of {self.replicas}."
                )
        self.train_states = self._state_variables("train", batch_size // self.replicas)
        self.eval_states = self._state_variables("eval", eval_batch_size // self.replicas)
        self.built = generator.built  # nothing of its own to build; BackupAndRestore needs a built model

    def _state_variables(self, prefix, rows):
        # Replica-local (on_read) on TensorFlow, where each replica carries its own rows;
        # a checkpoint holds the first replica's.
        return [
            [
                keras.Variable(
                    initializer="zeros",
                    shape=(rows, self.generator.units),
                    trainable=False,
                    name=f"{prefix}_state_{i + 1}_{j}",
                    synchronization="on_read" if self.replicas > 1 else "auto",
                    aggregation="only_first_replica",
                )
                for j in range(self.generator.state_size)
            ]
            for i in range(self.generator.num_layers)
        ]

    def call(self, inputs, training=False):
        variables = self.train_states if training else self.eval_states
        # Copies: the variables are overwritten below, before PyTorch's backward pass reads the inputs.
        initial = [[keras.ops.copy(v) for v in layer] for layer in variables]
        logits, states = self.generator(inputs, training=training, initial_state=initial, return_state=True)
        for layer_vars, layer_states in zip(variables, states, strict=True):
            for var, state in zip(layer_vars, layer_states, strict=True):
                var.assign(keras.ops.stop_gradient(state))
        return logits

    def build_for_evaluation(self, validation) -> None:
        """Build the compiled loss and metrics on one batch of `validation` (a `tf.data` pipeline of
        evaluation streams), then zero the evaluation states; call it after `compile`, before `fit`.

        `fit` builds them itself by calling the model once, symbolically, with `training=False` (the
        evaluation states) on a training batch's shape. With fewer evaluation streams than training
        streams (a short validation text) those row counts disagree, which JAX refuses. Nothing is
        trained and no random number is drawn, so the run that follows is the same.
        """
        if self.eval_batch_size != self.batch_size:
            self.evaluate(validation.take(1), verbose=0)
            self.reset_states("eval")

    def reset_states(self, which: str = "eval") -> None:
        """Zero the `"eval"`, `"train"` or `"all"` states."""
        if which not in ("eval", "train", "all"):
            raise InputError(f"which must be 'eval', 'train' or 'all', got {which!r}.")
        groups = {
            "eval": [self.eval_states],
            "train": [self.train_states],
            "all": [self.eval_states, self.train_states],
        }
        for group in groups[which]:
            for layer in group:
                for var in layer:
                    var.assign(keras.ops.zeros(var.shape, var.dtype))


class WindowScorer(keras.Model):
    """Plain wrapper so a model can be evaluated without touching its own compile state."""

    def __init__(self, generator, **kwargs):
        super().__init__(**kwargs)
        self.generator = generator

    def call(self, inputs, training=False):
        return self.generator(inputs, training=training)


class ResetEvalStates(keras.callbacks.Callback):
    """Start every evaluation (`fit`'s validation included) of a `StateCarrier` from zero states."""

    def on_test_begin(self, logs=None):
        self.model.reset_states("eval")


def stream_bits(model, ids, seq_len: int = 128, batch_size: int = 8) -> float:
    """Bits per token of `model` on `ids` read as `batch_size` continuous streams.

    Every token is predicted from everything before it in its stream (the
    states carry across windows), which is how a recurrent model reads text
    when it generates. Compare `window_bits`, which restarts from zero
    states every `seq_len` tokens and so scores the same model worse.
    """
    from zoo.data.windows import text_streams

    return _evaluate_bits(StateCarrier(model, batch_size), text_streams(ids, seq_len, batch_size))


def window_bits(model, ids, seq_len: int = 128, batch_size: int = 128) -> float:
    """Bits per token of `model` on `ids` cut into independent windows of `seq_len`."""
    from zoo.data.windows import text_windows

    return _evaluate_bits(WindowScorer(model), text_windows(ids, seq_len, batch_size, shuffle=False))


def _evaluate_bits(wrapper, dataset) -> float:
    """Mean cross-entropy of `wrapper` over `dataset`, in bits.

    Compiling the wrapper, not the model inside it, leaves the model's own
    compile state (optimizer, metrics) alone.
    """
    wrapper.compile(loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    loss = wrapper.evaluate(dataset, verbose=0)
    return bits_from_nats(float(loss[0] if isinstance(loss, (list, tuple)) else loss))
