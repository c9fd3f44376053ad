"""Training a TextGenerator on a text corpus with a bounded time or epoch budget."""

from __future__ import annotations

import json
import math
import os
import pathlib
import time

import keras

from zoo._registry import create_model
from zoo.data.text import BUILTIN_CORPORA, DEFAULT_CHAR_VOCABULARY, char_vocabulary, encode_chars, load_corpus
from zoo.data.windows import text_windows


class TimeLimit(keras.callbacks.Callback):
    """Stop training once ``seconds`` of training time have passed (checked every batch)."""

    def __init__(self, seconds: float):
        super().__init__()
        self.seconds = seconds
        self.start = None
        self.stopped_early = False

    def on_train_begin(self, logs=None):
        self.start = time.monotonic()

    def on_train_batch_end(self, batch, logs=None):
        if time.monotonic() - self.start >= self.seconds:
            self.model.stop_training = True
            self.stopped_early = True


class BitsPerToken(keras.callbacks.Callback):
    """Add ``bpc`` and ``val_bpc`` (loss in bits per token) to the epoch logs."""

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for key in ("loss", "val_loss"):
            if key in logs:
                logs[key.replace("loss", "bpc")] = logs[key] / math.log(2.0)


def _positive(name, value, kind=int):
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
        raise ValueError(f"{name} must be a positive {kind.__name__}, got {value!r}.")


def train_text_generator(
    corpus="stdlib",
    *,
    max_chars=2_000_000,
    seq_len=100,
    batch_size=64,
    epochs=None,
    minutes=None,
    steps_per_epoch=200,
    validation_steps=20,
    learning_rate=2e-3,
    clipnorm=1.0,
    out_dir=None,
    seed=0,
    verbose=1,
    **model_args,
):
    """Train a ``text_generator`` on ``corpus`` and return ``(model, history)``.

    Args:
        corpus: ``"stdlib"``, ``"pydoc"``, a path, or a :class:`zoo.data.TextCorpus`.
        max_chars: read at most this many characters of the corpus.
        seq_len, batch_size: window length and batch size.
        epochs: number of epochs of ``steps_per_epoch`` batches. With only
            ``minutes`` given, training runs until the time is up.
        minutes: wall-clock budget for training (validation included).
        learning_rate, clipnorm: Adam's step size and gradient-norm clipping.
        out_dir: if given, ``model.keras`` and ``history.json`` are written there.
        seed: seeds weights and data order.
        **model_args: ``text_generator`` arguments (units, num_layers, cell, ...).

    Validation loss is also reported in bits per character (``val_bpc``).
    """
    if epochs is None and minutes is None:
        raise ValueError("Give epochs, minutes, or both, to bound the training run.")
    _positive("epochs", epochs)
    _positive("minutes", minutes, float)
    for name in ("seq_len", "batch_size", "steps_per_epoch", "validation_steps"):
        _positive(name, locals()[name])

    if not hasattr(corpus, "train"):
        corpus = load_corpus(corpus, max_chars=max_chars)
    if "vocabulary" not in model_args and "vocab_size" not in model_args:
        builtin = corpus.name in BUILTIN_CORPORA
        model_args["vocabulary"] = list(DEFAULT_CHAR_VOCABULARY) if builtin else list(char_vocabulary(corpus.train))
    vocabulary = model_args["vocabulary"]

    keras.utils.set_random_seed(seed)
    model = create_model("text_generator", **model_args)
    train_ds = text_windows(encode_chars(corpus.train, vocabulary), seq_len, batch_size, seed=seed)
    val_ds = text_windows(encode_chars(corpus.validation, vocabulary), seq_len, batch_size, shuffle=False)
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
    )
    callbacks = [BitsPerToken()]
    if minutes is not None:
        callbacks.append(TimeLimit(minutes * 60.0))
    history = model.fit(
        train_ds.repeat(),
        epochs=epochs or 10**6,
        steps_per_epoch=steps_per_epoch,
        validation_data=val_ds.take(validation_steps),
        callbacks=callbacks,
        shuffle=False,  # the windows are shuffled by tf.data
        verbose=verbose,
    )
    if out_dir is not None:
        out = pathlib.Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        model.save(out / "model.keras")
        with open(out / "history.json", "w") as f:
            json.dump({k: [float(v) for v in vals] for k, vals in history.history.items()}, f, indent=1)
    return model, history


def default_out_dir(model_name: str) -> str:
    """Where ``zoo train`` writes when ``--out`` is not given."""
    return os.path.join("runs", model_name)
