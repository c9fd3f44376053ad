"""The character-level RNN of note 003 (cs231n lecture 10) on "hello".

Vocabulary [h, e, l, o], one-hot inputs, and three weight matrices:
`W_xh` (input to hidden), `W_hh` (hidden to hidden, shared by every step,
S6) and `W_hy` (hidden to scores). Trained on "hell" it should predict the
next characters "ello": the model must remember whether it has seen one "l"
or two, which only the hidden state can tell it.
"""

from __future__ import annotations

from collections.abc import Sequence

import keras
import numpy as np

from zoo.errors import InputError
from zoo.layers.recurrent_cells import SimpleRNNCell
from zoo.models.rnn.arguments import char_rnn_vocabulary, check_char_rnn

HELLO_VOCABULARY = ("h", "e", "l", "o")


@keras.saving.register_keras_serializable(package="zoo")
class CharRNN(keras.Model):
    """A one-layer character RNN with one-hot inputs and a linear score layer.

    Args:
        vocabulary: the characters, position = index of the one-hot input.
        hidden_size: size of the hidden state h_t (the lecture draws 3).

    Called on one-hot inputs of shape `(batch, time, len(vocabulary))` it
    returns unnormalised scores (logits) of the same shape.
    """

    def __init__(self, vocabulary: Sequence[str] = HELLO_VOCABULARY, hidden_size: int = 3, **kwargs):
        super().__init__(**kwargs)
        check_char_rnn(vocabulary=vocabulary, hidden_size=hidden_size)
        vocabulary = char_rnn_vocabulary(vocabulary)
        self.vocabulary = vocabulary
        self.hidden_size = hidden_size
        self.rnn = keras.layers.RNN(SimpleRNNCell(hidden_size), return_sequences=True, name="rnn")
        self.scores = keras.layers.Dense(len(vocabulary), name="scores")
        self.build((None, None, len(vocabulary)))  # weights from the start, so saving never loses them

    def build(self, input_shape):
        # Idempotent: Keras calls it again when a saved model is loaded.
        if not self.rnn.built:
            self.rnn.build(input_shape)
        if not self.scores.built:
            self.scores.build(tuple(input_shape[:-1]) + (self.hidden_size,))
        self.built = True

    def call(self, inputs):
        return self.scores(self.rnn(inputs))

    # The note's names for the weights.
    @property
    def W_xh(self):
        return self.rnn.cell.kernel

    @property
    def W_hh(self):
        return self.rnn.cell.recurrent_kernel

    @property
    def W_hy(self):
        return self.scores.kernel

    def one_hot(self, text):
        """One-hot encode `text` (batch of 1): shape `(1, len(text), vocab)`."""
        unknown = sorted(set(text) - set(self.vocabulary))
        if unknown:
            raise InputError(f"characters {unknown!r} are not in the vocabulary {self.vocabulary!r}.")
        ids = [self.vocabulary.index(c) for c in text]
        return np.eye(len(self.vocabulary), dtype="float32")[ids][None]

    def predict_next(self, text):
        """The argmax next character after every position of `text`."""
        scores = keras.ops.convert_to_numpy(self(self.one_hot(text)))[0]
        return "".join(self.vocabulary[i] for i in scores.argmax(axis=-1))

    def get_config(self):
        return {
            "name": self.name,
            "trainable": self.trainable,
            "vocabulary": self.vocabulary,
            "hidden_size": self.hidden_size,
        }


def train_hello(model=None, word="hello", steps=300, learning_rate=0.1, seed=0):
    """Train a CharRNN to predict `word[1:]` from `word[:-1]`.

    Runs `steps` Adam steps on the one example (in 10 epochs, so per-epoch
    overhead stays small). Returns `(model, losses)` with the loss before
    training and after each epoch.
    """
    keras.utils.set_random_seed(seed)
    if model is None:
        model = CharRNN(vocabulary=sorted(set(word), key=word.index))
    x = model.one_hot(word[:-1])
    y = np.array([[model.vocabulary.index(c) for c in word[1:]]])
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    epochs = 10
    per_epoch = max(1, steps // epochs)
    first = float(model.evaluate(x, y, verbose=0))
    history = model.fit(np.repeat(x, per_epoch, 0), np.repeat(y, per_epoch, 0), batch_size=1, epochs=epochs, verbose=0)
    return model, [first] + history.history["loss"]
