"""Training a language model (``text_generator``, ``transformer_lm``) on a text corpus, resumable after a kill.

With an output folder, a run writes there what :func:`zoo.training.fit.fit_resumable`
writes (the manifest, the checkpoint in ``zoo-checkpoint/`` after every epoch,
``history.json``, ``model.keras`` at the end), and also:

- ``vocabulary.json``: the token list, written first and reused on resume;
- ``curve.png``: the learning curve, in bits per token.

Killing a run (even with SIGKILL) and starting it again with the same
arguments and folder resumes after the last finished epoch.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import Any

import keras

from zoo.data.text import BUILTIN_CORPORA, DEFAULT_CHAR_VOCABULARY, load_corpus
from zoo.data.vocab import TextCodec, char_vocabulary, word_vocabulary
from zoo.data.windows import text_streams, text_windows
from zoo.factory import create_model
from zoo.json_files import read_json, write_json_atomically
from zoo.plotting import plot_history
from zoo.registry import check_model_arguments, model_info
from zoo.run_folder import fingerprint, open_run, settings_of
from zoo.training.callbacks import (
    task_callbacks,
)
from zoo.training.carried_state import StateCarrier
from zoo.training.compiling import compile_for_task
from zoo.training.distribute import batch_replicas
from zoo.training.fit import (
    check_budget,
    fit_resumable,
)
from zoo.validation import check_choice, check_int, check_positive_int, check_positive_number


def _vocabulary(corpus, tokens, max_tokens):
    if tokens == "word":
        return word_vocabulary(corpus.train, max_tokens=max_tokens or 20_000)
    if corpus.name in BUILTIN_CORPORA and max_tokens is None:
        return list(DEFAULT_CHAR_VOCABULARY)
    return char_vocabulary(corpus.train, max_tokens=max_tokens)


def text_vocabulary(corpus, tokens: str = "char", max_tokens: int | None = None) -> list:
    """The vocabulary ``zoo train`` uses for ``corpus`` (98 printable characters for built-in corpora)."""
    if tokens not in ("char", "word"):
        raise ValueError(f"tokens must be 'char' or 'word', got {tokens!r}.")
    return _vocabulary(corpus, tokens, max_tokens)


def text_recipe(model_name: str = "text_generator"):
    """The registry's :class:`~zoo.TrainingRecipe` for a text model (defaults of zoo train and zoo tune)."""
    recipe = model_info(model_name).recipe
    if recipe is None or recipe.data != "text":
        raise ValueError(f"{model_name} has no text training recipe in the registry.")
    return recipe


def default_carry_state(model_name: str) -> bool:
    """``carry_state``'s default in ``zoo train`` and ``zoo tune``: a recurrent language model (registry
    family ``"rnn"``) reads the text as continuous streams and carries its states from one window to the
    next; any other (a ``transformer_lm``) reads shuffled windows."""
    return model_info(model_name).family == "rnn"


def train_text_generator(
    corpus="stdlib",
    *,
    tokens="char",
    max_tokens=None,
    max_chars=2_000_000,
    seq_len=None,
    batch_size=None,
    epochs=None,
    minutes=None,
    steps_per_epoch=200,
    validation_steps=20,
    learning_rate=None,
    lr_decay=True,
    clipnorm=1.0,
    carry_state=None,
    out_dir=None,
    seed=0,
    verbose=1,
    model_name="text_generator",
    overwrite=False,
    extend=False,
    callbacks=(),
    **model_args,
):
    """Train a ``text_generator`` (or another language model) on ``corpus``; returns ``(model, history_rows)``.

    Args:
        corpus: ``"stdlib"``, ``"pydoc"``, a path, or a :class:`zoo.data.TextCorpus`.
        tokens: ``"char"`` or ``"word"`` tokens.
        max_tokens: cap on the vocabulary size (default: 98 printable
            characters for built-in corpora, every character of other
            corpora, 20,000 words).
        max_chars: read at most this many characters of the corpus.
        seq_len, batch_size: window length and batch size (default: the
            registry's recipe, ``zoo.model_info("text_generator").recipe``).
        epochs: number of epochs of ``steps_per_epoch`` batches. With only
            ``minutes`` given, training runs until the time is up.
        minutes: wall-clock budget of the run's training (a resumed run
            trains for what was left of it).
        learning_rate, clipnorm: Adam's step size (default: the recipe's) and
            gradient-norm clipping (note 003's remedy for exploding gradients).
        lr_decay: lower the learning rate linearly to a tenth over the budget.
        carry_state: read the text as ``batch_size`` continuous streams and
            carry the recurrent states from batch to batch (truncated
            backpropagation through time, as char-rnn trains), for training
            and validation alike; ``False`` trains on shuffled independent
            windows that each start from zero states. Default: ``True`` for
            recurrent models, ``False`` for a ``transformer_lm`` (which has no
            state to carry).
        out_dir: the run folder (:mod:`zoo.run_folder`) for checkpoints,
            history, the model and the curve; an interrupted run restarted
            with the same folder and settings resumes, with the weights, the
            optimizer, the epoch, the learning rate schedule and the position
            in the training text where the last finished epoch left them.
        overwrite: start afresh in a folder holding a finished run.
        extend: train a finished run in ``out_dir`` further (``zoo train
            --continue``): its saved model, the same settings, a new budget.
        callbacks: your own Keras callbacks, run after zoo's.
        seed: seeds weights and data order.
        model_name: the registered language model to train
            (``"text_generator"`` or ``"transformer_lm"``); its registry
            recipe gives the defaults.
        **model_args: the model's arguments (text_generator: units,
            num_layers, cell, embedding_dim, dropout); unset ones come from
            the recipe's ``model_defaults``.

    Each history row has the epoch's ``loss``, ``val_loss``, bits per token
    (``bpc``, ``val_bpc``: bits per character for characters) and perplexity
    (``ppl``, ``val_ppl``: the usual score for words).
    """
    recipe = text_recipe(model_name)
    seq_len = recipe.seq_len if seq_len is None else seq_len
    batch_size = recipe.batch_size if batch_size is None else batch_size
    learning_rate = recipe.learning_rate if learning_rate is None else learning_rate
    sizes = {"seq_len": seq_len, "batch_size": batch_size, "steps_per_epoch": steps_per_epoch,
             "validation_steps": validation_steps, "max_tokens": max_tokens}  # fmt: skip
    _check_text_arguments(tokens, epochs, minutes, sizes, learning_rate, clipnorm, carry_state, seed)
    check_model_arguments(model_name, {**recipe.model_defaults, **model_args})

    if not hasattr(corpus, "train"):
        corpus = load_corpus(corpus, max_chars=max_chars)
    settings = {
        "trainer": "text",
        "model": model_name,
        "corpus": corpus.name,
        "data_sha256": fingerprint(corpus.train, corpus.validation),
        "tokens": tokens,
        "max_tokens": max_tokens,
        "seq_len": seq_len,
        "batch_size": batch_size,
        "epochs": epochs,
        "minutes": minutes,
        "steps_per_epoch": steps_per_epoch,
        "validation_steps": validation_steps,
        "learning_rate": learning_rate,
        "lr_decay": lr_decay,
        "clipnorm": clipnorm,
        "carry_state": carry_state,
        "seed": seed,
        "model_args": settings_of(model_args),
    }
    with open_run(out_dir, settings, overwrite=overwrite, extend=extend) as run:
        model_args = _with_vocabulary(run, corpus, tokens, max_tokens, {**recipe.model_defaults, **model_args})
        codec = TextCodec(model_args["vocabulary"])

        keras.utils.set_random_seed(seed)
        model = create_model(model_name, **model_args)
        model.build((None, seq_len))
        carry_state = _checked_carry_state(model, model_name, carry_state)
        train_ids, val_ids = codec.encode(corpus.train), codec.encode(corpus.validation)
        zoo_callbacks = task_callbacks("language-modeling", carry_state=carry_state)
        data = text_training_data(train_ids, val_ids, seq_len, batch_size, carry_state=carry_state, seed=seed)
        trainer = _compiled_trainer(model, data, batch_size, carry_state, learning_rate, clipnorm)
        # A resumed or continued run reads on from where the last finished epoch stopped in the text.
        start_batch = _start_batch(run, steps_per_epoch, verbose)
        rows = fit_resumable(
            trainer,
            data.train_from(start_batch),
            data.validation.take(validation_steps),
            epochs=epochs,
            minutes=minutes,
            steps_per_epoch=steps_per_epoch,
            lr_decay=lr_decay,
            run=run,
            verbose=verbose,
            extra_callbacks=zoo_callbacks,
            callbacks=callbacks,
            final_model=model,
        )
        if run is not None:
            plot_history(rows, run.file("curve.png"), ("bpc", "val_bpc"), f"bits per {codec.unit}")
    return model, rows


def _check_text_arguments(tokens, epochs, minutes, sizes: dict, learning_rate, clipnorm, carry_state, seed) -> None:
    """Check :func:`train_text_generator`'s arguments before any work (``sizes``: positive integers by name;
    ``max_tokens`` may be ``None``)."""
    check_choice("tokens", tokens, ("char", "word"))
    check_budget(epochs, minutes)
    for name, value in sizes.items():
        check_positive_int(name, value, optional=name == "max_tokens")
    check_positive_number("learning_rate", learning_rate)
    check_positive_number("clipnorm", clipnorm, optional=True)
    check_choice("carry_state", carry_state, (None, True, False))
    check_int("seed", seed, minimum=0)


def _checked_carry_state(model, model_name, carry_state) -> bool:
    """``carry_state``, or the model's default when ``None``; refused for a model without recurrent state."""
    if carry_state is None:
        carry_state = default_carry_state(model_name)
    if carry_state and not hasattr(model, "recurrent_layers"):
        raise ValueError(f"carry_state=True needs a recurrent model; {model_name} has no state to carry.")
    return carry_state


def _start_batch(run, steps_per_epoch, verbose) -> int:
    """The batch of the training text a resumed or continued run reads on from (0 for a new run)."""
    start_batch = (run.start_epoch() if run is not None else 0) * steps_per_epoch
    if start_batch and verbose:
        print(f"resuming after epoch {start_batch // steps_per_epoch}: training text from batch {start_batch}")
    return start_batch


def _with_vocabulary(run, corpus, tokens, max_tokens, model_args: dict) -> dict:
    """``model_args`` with a ``vocabulary``: given, the run folder's own (a resumed or continued run), or made
    from ``corpus`` and saved in the folder. A model given ``vocab_size`` instead keeps it."""
    if "vocabulary" in model_args or "vocab_size" in model_args:
        return model_args
    vocab_file = run.path / "vocabulary.json" if run is not None else None
    if vocab_file is not None and vocab_file.exists() and run.mode != "start":
        return {**model_args, "vocabulary": read_json(vocab_file)}
    vocabulary = _vocabulary(corpus, tokens, max_tokens)
    if run is not None:
        write_json_atomically(run.file("vocabulary.json"), vocabulary)
    return {**model_args, "vocabulary": vocabulary}


def _compiled_trainer(model, data, batch_size, carry_state, learning_rate, clipnorm):
    """What ``fit`` trains, compiled: ``model`` itself, or a :class:`StateCarrier` around it that carries its
    recurrent states across the ``batch_size`` streams of ``data``."""
    trainer = StateCarrier(model, batch_size, eval_batch_size=data.eval_batch_size) if carry_state else model
    compile_for_task(trainer, "language-modeling", learning_rate, clipnorm=clipnorm)
    if carry_state:
        trainer.build_for_evaluation(data.validation)
    return trainer


def matched_units(target_params: int, model_name: str = "text_generator", low: int = 1, high: int = 4096, **model_args):
    """The ``units`` that give ``model_name`` the parameter count closest to ``target_params``.

    The other arguments (``vocabulary``, ``num_layers``, ...) are fixed; the
    count grows with ``units``, so a bisection finds it. The bisection's upper
    end is found by doubling from ``low`` first, so that only sizes up to about
    twice the answer are built (a two-layer LSTM of 4096 units takes seconds to
    initialise).
    """

    @functools.cache  # the bisection's two ends are counted again at the end
    def count(units):
        model = create_model(model_name, units=units, **model_args)
        model.build((None, 8))
        return model.count_params()

    step = 1
    while low + step < high and count(low + step) <= target_params:
        low, step = low + step, 2 * step
    high = min(low + step, high)
    while high - low > 1:
        middle = (low + high) // 2
        low, high = (middle, high) if count(middle) <= target_params else (low, middle)
    return min((low, high), key=lambda u: abs(count(u) - target_params))


def train_transformer_lm(corpus="stdlib", **kwargs):
    """Train a ``transformer_lm``: :func:`train_text_generator` with ``model_name="transformer_lm"``."""
    return train_text_generator(corpus, model_name="transformer_lm", **kwargs)


@dataclasses.dataclass
class TextTrainingData:
    """The ``tf.data`` pipelines of a text run: ``train_from(batch)`` and ``validation``.

    ``train`` is one pass over the training text (``steps`` batches);
    ``train_from(k)`` repeats it forever starting at its ``k``-th batch (modulo
    ``steps``), which is how a resumed run continues where it stopped.
    """

    train: Any
    validation: Any
    steps: int
    eval_batch_size: int

    def train_from(self, batch: int = 0):
        return self.train.repeat().skip(batch % self.steps)


def text_training_data(train_ids, val_ids, seq_len, batch_size, *, carry_state=True, seed=0) -> TextTrainingData:
    """The training and validation pipelines ``zoo train`` and ``zoo tune`` use for token ids.

    With ``carry_state`` the text is read as ``batch_size`` continuous streams
    (validation as up to ``batch_size`` streams: a short validation text gets
    fewer rather than none); otherwise as shuffled independent windows.
    """
    if carry_state:
        split = batch_replicas()  # every replica of a MirroredStrategy takes an equal share of the streams
        eval_batch_size = max(split, min(batch_size, (len(val_ids) - 1) // seq_len) // split * split)
        train = text_streams(train_ids, seq_len, batch_size)
        validation = text_streams(val_ids, seq_len, eval_batch_size)
        steps = (len(train_ids) - 1) // (batch_size * seq_len)
    else:
        eval_batch_size = batch_size
        train = text_windows(train_ids, seq_len, batch_size, seed=seed)
        validation = text_windows(val_ids, seq_len, batch_size, shuffle=False)
        steps = -(-((len(train_ids) - 1) // seq_len) // batch_size)
    return TextTrainingData(train, validation, steps, eval_batch_size)
