"""Training a TextGenerator on a text corpus, resumable after a kill.

With an output folder, a run writes there (see :func:`fit_resumable`):

- ``vocabulary.json``: the token list, written first and reused on resume;
- ``backup/``: Keras's ``BackupAndRestore`` state (weights, optimizer, epoch),
  saved after every epoch and removed when the run ends normally;
- ``history.json``: one row per finished epoch, written atomically;
- ``model.keras`` and ``curve.png`` (the learning curve) at the end.

Killing a run (even with SIGKILL) and starting it again with the same
arguments and folder resumes after the last finished epoch.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import pathlib
import time
import uuid
from typing import Any

import keras
import numpy as np

from zoo._registry import create_model, model_info
from zoo.carried_state import ResetEvalStates, StateCarrier
from zoo.data.text import BUILTIN_CORPORA, DEFAULT_CHAR_VOCABULARY, load_corpus
from zoo.data.vocab import TextCodec, char_vocabulary, word_vocabulary
from zoo.data.windows import text_streams, text_windows
from zoo.distribute import batch_replicas


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


class LinearDecay(keras.callbacks.Callback):
    """Lower the learning rate linearly to ``final_fraction`` of its start over the budget.

    Progress is the larger of the elapsed share of ``seconds`` and the share
    of ``epochs`` x ``steps_per_epoch`` batches done (counted from the epoch
    Keras starts at, so a resumed run continues the schedule). At a fixed
    budget this reaches a clearly lower loss than a constant rate.
    """

    def __init__(self, seconds=None, epochs=None, steps_per_epoch=1, final_fraction=0.1):
        super().__init__()
        self.seconds, self.epochs, self.steps_per_epoch = seconds, epochs, steps_per_epoch
        self.final_fraction = final_fraction
        self.start = self.base = None
        self.epoch = 0

    def on_train_begin(self, logs=None):
        self.start = time.monotonic()
        self.base = float(keras.ops.convert_to_numpy(self.model.optimizer.learning_rate))

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def progress(self, batch) -> float:
        """How much of the budget is used, in [0, 1]."""
        done = 0.0
        if self.seconds:
            done = max(done, (time.monotonic() - self.start) / self.seconds)
        if self.epochs:
            done = max(done, (self.epoch * self.steps_per_epoch + batch) / (self.epochs * self.steps_per_epoch))
        return min(done, 1.0)

    def on_train_batch_begin(self, batch, logs=None):
        rate = self.base * (1.0 - (1.0 - self.final_fraction) * self.progress(batch))
        self.model.optimizer.learning_rate.assign(rate)


class TokenMetrics(keras.callbacks.Callback):
    """Add bits per token (``bpc``, ``val_bpc``) and perplexity (``ppl``, ``val_ppl``) to the logs.

    Both come from the mean cross-entropy in nats: bits = loss / ln 2,
    perplexity = exp(loss).
    """

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for prefix in ("", "val_"):
            if prefix + "loss" in logs:
                loss = float(logs[prefix + "loss"])
                logs[prefix + "bpc"] = loss / math.log(2.0)
                logs[prefix + "ppl"] = math.exp(min(loss, 700.0))


class EpochLog(keras.callbacks.Callback):
    """Write every finished epoch's logs to a JSON file, atomically.

    Rows are keyed by epoch, so a resumed run keeps the rows of the run it
    continues and overwrites nothing it did not redo. With ``path=None`` the
    rows are only kept in memory (``self.rows``).
    """

    def __init__(self, path=None, resume: bool = False):
        super().__init__()
        self.path = None if path is None else pathlib.Path(path)
        self.rows = read_history(self.path) if resume and self.path and self.path.exists() else []
        self.start_time = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1, "time_s": time.monotonic() - self.start_time}
        row.update({k: float(v) for k, v in (logs or {}).items()})
        self.rows = [r for r in self.rows if r["epoch"] < epoch + 1] + [row]
        if self.path is not None:
            write_json_atomically(self.path, self.rows)


def write_json_atomically(path, data) -> None:
    """Write JSON to ``path`` through a temporary file, so a kill never leaves half a file.

    The temporary file's name is unique to the writer, so processes writing
    the same file at once (a distributed search's chief and workers) each
    replace it whole instead of renaming each other's temporary file away.
    """
    path = pathlib.Path(path)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{uuid.uuid4().hex[:8]}.tmp")
    with open(tmp, "w") as f:
        json.dump(data, f, indent=1)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def read_history(path) -> list:
    """The rows of a ``history.json`` written by a training run."""
    with open(path) as f:
        return json.load(f)


def plot_history(rows, path, keys=("bpc", "val_bpc"), ylabel="bits per character") -> None:
    """Save a learning curve: the history columns ``keys`` (train, validation) against epoch."""
    from matplotlib.figure import Figure  # no pyplot: leaves the caller's backend (a notebook's inline) alone

    fig = Figure(figsize=(5, 3.2))
    ax = fig.subplots()
    epochs = [r["epoch"] for r in rows]
    for key, label in zip(keys, ("train", "validation"), strict=True):
        if rows and key in rows[0]:
            ax.plot(epochs, [r[key] for r in rows], marker="o", ms=3, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    fig.savefig(path, dpi=100)


def _positive(name, value, kind=int):
    if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0):
        raise ValueError(f"{name} must be a positive {kind.__name__}, got {value!r}.")


def _vocabulary(corpus, tokens, max_tokens):
    if tokens == "word":
        return word_vocabulary(corpus.train, max_tokens=max_tokens or 20_000)
    if corpus.name in BUILTIN_CORPORA and max_tokens is None:
        return list(DEFAULT_CHAR_VOCABULARY)
    return char_vocabulary(corpus.train, max_tokens=max_tokens)


def compile_for_task(model, task: str, learning_rate: float, clipnorm: float | None = None):
    """Compile ``model`` with Adam and the loss (and metrics) its registry ``task`` calls for.

    language-modeling: cross-entropy on logits; image-classification:
    cross-entropy on probabilities with accuracy; forecasting: mean squared
    error with mean absolute error.
    """
    losses = {
        "language-modeling": (keras.losses.SparseCategoricalCrossentropy(from_logits=True), None),
        "image-classification": (keras.losses.SparseCategoricalCrossentropy(), ["accuracy"]),
        "forecasting": (keras.losses.MeanSquaredError(), ["mae"]),
    }
    if task not in losses:
        raise ValueError(f"No training recipe for task {task!r}. Accepted tasks: {', '.join(losses)}.")
    loss, metrics = losses[task]
    model.compile(optimizer=keras.optimizers.Adam(learning_rate, clipnorm=clipnorm), loss=loss, metrics=metrics)
    return model


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


def resume_epoch(out_dir) -> int:
    """The epoch a run restarted in ``out_dir`` continues from (0: a fresh start).

    Reads the epoch from the backup the way Keras's ``BackupAndRestore``
    (``double_checkpoint=True``) picks it: the latest checkpoint, or the one
    before it when the latest weights file is missing.
    """
    if not is_resumable(out_dir):
        return 0
    backup = pathlib.Path(out_dir) / "backup"
    for weights, metadata in (
        ("latest.weights.h5", "training_metadata.json"),
        ("latest.weights.h5.bkp", "training_metadata.json.bkp"),
    ):
        if (backup / weights).exists() and (backup / metadata).exists():
            try:
                return int(json.loads((backup / metadata).read_text())["epoch"])
            except (ValueError, KeyError):
                continue
    return 0


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
        minutes: wall-clock budget for this invocation's training.
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
        out_dir: folder for checkpoints, history, the model and the curve;
            an interrupted run restarted with the same folder resumes, with
            the weights, the optimizer, the epoch and the position in the
            training text where the last finished epoch left them.
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
    if tokens not in ("char", "word"):
        raise ValueError(f"tokens must be 'char' or 'word', got {tokens!r}.")
    if epochs is None and minutes is None:
        raise ValueError("Give epochs, minutes, or both, to bound the training run.")
    _positive("epochs", epochs)
    _positive("minutes", minutes, float)
    for name in ("seq_len", "batch_size", "steps_per_epoch", "validation_steps"):
        _positive(name, locals()[name])

    out = pathlib.Path(out_dir) if out_dir is not None else None
    resume = is_resumable(out)
    if not hasattr(corpus, "train"):
        corpus = load_corpus(corpus, max_chars=max_chars)
    if "vocabulary" not in model_args and "vocab_size" not in model_args:
        vocab_file = out / "vocabulary.json" if out is not None else None
        if resume and vocab_file.exists():
            model_args["vocabulary"] = read_history(vocab_file)
        else:
            model_args["vocabulary"] = _vocabulary(corpus, tokens, max_tokens)
            if vocab_file is not None:
                out.mkdir(parents=True, exist_ok=True)
                write_json_atomically(vocab_file, model_args["vocabulary"])
    for key, value in recipe.model_defaults.items():
        model_args.setdefault(key, value)
    codec = TextCodec(model_args["vocabulary"])

    keras.utils.set_random_seed(seed)
    model = create_model(model_name, **model_args)
    model.build((None, seq_len))
    recurrent = hasattr(model, "recurrent_layers")
    if carry_state is None:
        carry_state = recurrent
    elif carry_state and not recurrent:
        raise ValueError(f"carry_state=True needs a recurrent model; {model_name} has no state to carry.")
    train_ids, val_ids = codec.encode(corpus.train), codec.encode(corpus.validation)
    callbacks = [TokenMetrics()]
    data = text_training_data(train_ids, val_ids, seq_len, batch_size, carry_state=carry_state, seed=seed)
    if carry_state:
        trainer = StateCarrier(model, batch_size, eval_batch_size=data.eval_batch_size)
        callbacks.insert(0, ResetEvalStates())
    else:
        trainer = model
    compile_for_task(trainer, "language-modeling", learning_rate, clipnorm=clipnorm)
    # A resumed run reads on from where the last finished epoch stopped in the text.
    start_batch = resume_epoch(out) * steps_per_epoch
    if start_batch and verbose:
        print(f"resuming after epoch {start_batch // steps_per_epoch}: training text from batch {start_batch}")
    rows = fit_resumable(
        trainer,
        data.train_from(start_batch),
        data.validation.take(validation_steps),
        epochs=epochs,
        minutes=minutes,
        steps_per_epoch=steps_per_epoch,
        lr_decay=lr_decay,
        out_dir=out,
        verbose=verbose,
        extra_callbacks=callbacks,
        final_model=model,
    )
    if out is not None:
        plot_history(rows, out / "curve.png", ("bpc", "val_bpc"), f"bits per {codec.unit}")
    return model, rows


def matched_units(target_params: int, model_name: str = "text_generator", low: int = 1, high: int = 4096, **model_args):
    """The ``units`` that give ``model_name`` the parameter count closest to ``target_params``.

    The other arguments (``vocabulary``, ``num_layers``, ...) are fixed; the
    count grows with ``units``, so a bisection finds it.
    """

    def count(units):
        model = create_model(model_name, units=units, **model_args)
        model.build((None, 8))
        return model.count_params()

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


def is_resumable(out_dir) -> bool:
    """Whether ``out_dir`` holds the backup of an interrupted run."""
    return out_dir is not None and (pathlib.Path(out_dir) / "backup").exists()


def fit_resumable(
    model,
    train_data,
    validation_data,
    *,
    epochs=None,
    minutes=None,
    steps_per_epoch=None,
    lr_decay=True,
    out_dir=None,
    verbose=1,
    extra_callbacks=(),
    final_model=None,
):
    """``model.fit`` with a time or epoch budget, resumable from ``out_dir``; returns the history rows.

    With ``out_dir``, Keras's ``BackupAndRestore`` saves weights, optimizer
    and epoch after every epoch (removed when the run ends normally), every
    epoch's logs go to ``history.json`` atomically, and ``model.keras`` is
    written at the end. A run killed at any point and started again with
    the same ``out_dir`` resumes after its last finished epoch.
    ``extra_callbacks`` run first, so they can add to each epoch's logs.
    ``final_model`` is what ``model.keras`` holds when ``model`` is a
    training wrapper (default: ``model`` itself).
    """
    out = pathlib.Path(out_dir) if out_dir is not None else None
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
    log = EpochLog(out / "history.json" if out is not None else None, resume=is_resumable(out))
    callbacks = [*extra_callbacks, log]
    if out is not None:
        # After the log: a kill between the two writes makes the resumed run
        # redo that epoch and overwrite its row, so no row is ever missing.
        callbacks.append(keras.callbacks.BackupAndRestore(str(out / "backup"), double_checkpoint=True))
    if minutes is not None:
        callbacks.append(TimeLimit(minutes * 60.0))
    if lr_decay:
        callbacks.append(LinearDecay(minutes and minutes * 60.0, epochs, steps_per_epoch or 1))
    model.fit(
        train_data,
        epochs=epochs or 10**6,
        steps_per_epoch=steps_per_epoch,
        validation_data=validation_data,
        callbacks=callbacks,
        shuffle=False,  # data sets arrive shuffled by tf.data
        verbose=verbose,
    )
    if out is not None:
        (final_model or model).save(out / "model.keras")
    return log.rows


def history_column(rows, key) -> np.ndarray:
    """One column of the history rows as an array (``history_column(rows, "val_bpc")``)."""
    return np.array([r[key] for r in rows], dtype=float)


def default_out_dir(model_name: str) -> str:
    """Where ``zoo train`` writes when ``--out`` is not given."""
    return os.path.join("runs", model_name)
