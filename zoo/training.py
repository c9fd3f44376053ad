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
import hashlib
import os
import pathlib
import sys
import time
from typing import Any

import keras
import numpy as np

from zoo.carried_state import ResetEvalStates, StateCarrier
from zoo.data.text import BUILTIN_CORPORA, DEFAULT_CHAR_VOCABULARY, load_corpus
from zoo.data.vocab import TextCodec, char_vocabulary, word_vocabulary
from zoo.data.windows import text_streams, text_windows
from zoo.distribute import batch_replicas
from zoo.json_files import read_json, write_json_atomically
from zoo.metrics.language import bits_from_nats, perplexity_from_nats
from zoo.registry import create_model, model_info
from zoo.run_folder import HISTORY, open_run
from zoo.validation import check_choice, check_int, check_positive_int, check_positive_number


class TimeLimit(keras.callbacks.Callback):
    """Stop training once ``seconds`` of training time have passed (checked every batch).

    ``used`` is the training time a resumed run already spent on the same
    budget, so a killed and resumed run trains for the time that was left.
    """

    def __init__(self, seconds: float, used: float = 0.0):
        super().__init__()
        self.seconds, self.used = seconds, used
        self.start = None
        self.stopped_early = False

    def on_train_begin(self, logs=None):
        self.start = time.monotonic()

    def elapsed(self) -> float:
        """Seconds of the budget spent so far, the resumed-from run's included."""
        return self.used + (time.monotonic() - self.start if self.start is not None else 0.0)

    def on_train_batch_end(self, batch, logs=None):
        if self.elapsed() >= self.seconds:
            self.model.stop_training = True
            self.stopped_early = True


class LinearDecay(keras.callbacks.Callback):
    """Lower the learning rate linearly from ``initial_rate`` to ``final_fraction`` of it over the budget.

    The rate is a function of the global step (``(epoch - first_epoch) x
    steps_per_epoch + batch``, with the epoch Keras resumes at) and of the
    budget's time used, never of the optimizer's current rate, so a killed
    and resumed run trains with the rates of an uninterrupted one. Progress
    is the larger of the share of ``epochs`` x ``steps_per_epoch`` batches
    done and the share of ``seconds`` used (``time_limit``'s clock, which
    counts the time a resumed run already trained). At a fixed budget this
    reaches a clearly lower loss than a constant rate.
    """

    def __init__(
        self,
        initial_rate: float,
        *,
        epochs=None,
        steps_per_epoch=1,
        time_limit: TimeLimit | None = None,
        first_epoch: int = 0,
        final_fraction=0.1,
    ):
        super().__init__()
        self.initial_rate, self.epochs, self.steps_per_epoch = float(initial_rate), epochs, steps_per_epoch
        self.time_limit, self.first_epoch, self.final_fraction = time_limit, first_epoch, final_fraction
        self.epoch = first_epoch

    def on_epoch_begin(self, epoch, logs=None):
        self.epoch = epoch

    def progress(self, batch) -> float:
        """How much of the budget is used, in [0, 1]."""
        done = 0.0
        if self.time_limit is not None:
            done = max(done, self.time_limit.elapsed() / self.time_limit.seconds)
        if self.epochs:
            step = (self.epoch - self.first_epoch) * self.steps_per_epoch + batch
            done = max(done, step / (self.epochs * self.steps_per_epoch))
        return min(done, 1.0)

    def rate(self, batch) -> float:
        """The learning rate for ``batch`` of the current epoch."""
        return self.initial_rate * (1.0 - (1.0 - self.final_fraction) * self.progress(batch))

    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.learning_rate.assign(self.rate(batch))


class TokenMetrics(keras.callbacks.Callback):
    """Add bits per token (``bpc``, ``val_bpc``) and perplexity (``ppl``, ``val_ppl``) to the logs.

    Both come from the mean cross-entropy in nats (:mod:`zoo.metrics.language`).
    """

    def on_epoch_end(self, epoch, logs=None):
        if logs is None:
            return
        for prefix in ("", "val_"):
            if prefix + "loss" in logs:
                loss = float(logs[prefix + "loss"])
                logs[prefix + "bpc"] = bits_from_nats(loss)
                logs[prefix + "ppl"] = perplexity_from_nats(loss)


class EpochLog(keras.callbacks.Callback):
    """Write every finished epoch's logs to a JSON file, atomically.

    Rows are keyed by epoch: ``rows`` are the rows of the run this one
    continues (a resumed run keeps them and overwrites nothing it did not
    redo). ``time_s`` counts training time from the run's first epoch,
    ``time_before`` being what the continued rows had used. With
    ``path=None`` the rows are only kept in memory (``self.rows``).
    """

    def __init__(self, path=None, rows=(), time_before: float = 0.0):
        super().__init__()
        self.path = None if path is None else pathlib.Path(path)
        self.rows = list(rows)
        self.time_before = time_before
        self.start_time = time.monotonic()

    def on_train_begin(self, logs=None):
        self.start_time = time.monotonic()

    def on_epoch_end(self, epoch, logs=None):
        row = {"epoch": epoch + 1, "time_s": self.time_before + time.monotonic() - self.start_time}
        row.update({k: float(v) for k, v in (logs or {}).items()})
        self.rows = [r for r in self.rows if r["epoch"] < epoch + 1] + [row]
        if self.path is not None:
            write_json_atomically(self.path, self.rows)


class BudgetProgbar(keras.callbacks.ProgbarLogger):
    """Keras's progress bar, heading each epoch of a time-budgeted run with the minutes left.

    (Keras's own heading would read ``Epoch 3/1000000`` when only a time bounds the run.)
    """

    def __init__(self, time_limit: TimeLimit):
        super().__init__()
        self.time_limit = time_limit

    def on_epoch_begin(self, epoch, logs=None):
        epochs, self.epochs = self.epochs, 1  # Keras prints its own heading when epochs > 1
        super().on_epoch_begin(epoch, logs)
        self.epochs = epochs
        if self.verbose:
            left = int(max(0.0, self.time_limit.seconds - self.time_limit.elapsed()))
            budget = self.time_limit.seconds / 60.0
            print(f"Epoch {epoch + 1} ({left // 60}:{left % 60:02d} left of {budget:g} min)", flush=True)


class InterruptAfterEpoch(keras.callbacks.Callback):
    """Fault injection for tests, once epoch ``epoch`` is checkpointed: SIGKILL this process
    (``ZOO_KILL_AFTER_EPOCH``), or print ``paused after epoch N`` and wait for a signal
    (``ZOO_PAUSE_AFTER_EPOCH``).

    ``fit_resumable`` adds it last when either variable is set, so a test can
    interrupt a run at a chosen epoch instead of racing a timer.
    """

    def __init__(self, epoch: int, kill: bool):
        super().__init__()
        self.epoch, self.kill = epoch, kill

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.epoch:
            import signal

            if self.kill:
                sys.stdout.flush()
                os.kill(os.getpid(), signal.SIGKILL)
            print(f"paused after epoch {self.epoch}", flush=True)
            signal.pause()


read_history = read_json


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
    check_choice("tokens", tokens, ("char", "word"))
    check_budget(epochs, minutes)
    for name in ("seq_len", "batch_size", "steps_per_epoch", "validation_steps"):
        check_positive_int(name, locals()[name])
    check_positive_int("max_tokens", max_tokens, optional=True)
    check_positive_number("learning_rate", learning_rate)
    check_positive_number("clipnorm", clipnorm, optional=True)
    check_choice("carry_state", carry_state, (None, True, False))
    check_int("seed", seed, minimum=0)

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
        if "vocabulary" not in model_args and "vocab_size" not in model_args:
            vocab_file = run.path / "vocabulary.json" if run is not None else None
            if vocab_file is not None and vocab_file.exists() and run.mode != "start":
                model_args["vocabulary"] = read_json(vocab_file)
            else:
                model_args["vocabulary"] = _vocabulary(corpus, tokens, max_tokens)
                if run is not None:
                    write_json_atomically(run.file("vocabulary.json"), model_args["vocabulary"])
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
        zoo_callbacks = task_callbacks("language-modeling", carry_state=carry_state)
        data = text_training_data(train_ids, val_ids, seq_len, batch_size, carry_state=carry_state, seed=seed)
        if carry_state:
            trainer = StateCarrier(model, batch_size, eval_batch_size=data.eval_batch_size)
        else:
            trainer = model
        compile_for_task(trainer, "language-modeling", learning_rate, clipnorm=clipnorm)
        # A resumed or continued run reads on from where the last finished epoch stopped in the text.
        start_batch = (run.start_epoch() if run is not None else 0) * steps_per_epoch
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
            run=run,
            verbose=verbose,
            extra_callbacks=zoo_callbacks,
            callbacks=callbacks,
            final_model=model,
        )
        if run is not None:
            plot_history(rows, run.file("curve.png"), ("bpc", "val_bpc"), f"bits per {codec.unit}")
    return model, rows


def check_budget(epochs, minutes) -> None:
    """Refuse a training budget that is missing, zero, negative, NaN or not a number."""
    if epochs is None and minutes is None:
        raise ValueError("Give epochs, minutes, or both, to bound the training run.")
    check_positive_int("epochs", epochs, optional=True)
    check_positive_number("minutes", minutes, optional=True)


def fingerprint(*texts) -> str:
    """A short SHA-256 of texts or arrays: the data identity a run folder records."""
    digest = hashlib.sha256()
    for part in texts:
        digest.update(part.encode("utf-8") if isinstance(part, str) else np.ascontiguousarray(part).tobytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def settings_of(model_args: dict) -> dict:
    """Builder arguments as a run folder records them: JSON values, a vocabulary by its fingerprint."""
    out = {}
    for key, value in sorted(model_args.items()):
        if key == "vocabulary":
            value = "sha256:" + fingerprint("\n".join(value))
        elif not isinstance(value, (str, int, float, bool, type(None), list, tuple, dict)):
            value = repr(value)
        out[key] = value
    return out


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


def _resume_point(run, model) -> tuple[int, float, list]:
    """Where this invocation starts in ``run``: ``(first_epoch, time_before, rows)``.

    ``first_epoch`` is the epoch the current segment began at (0, or the
    epochs a continued run had finished), ``time_before`` the training time
    spent before this invocation, ``rows`` the history kept. A continued
    run's model takes the saved model's weights unless a checkpoint of the
    segment has newer ones.
    """
    first_epoch, done = run.segment["first_epoch"], run.start_epoch()
    history = run.path / HISTORY
    rows = [r for r in read_json(history) if r["epoch"] <= done] if history.exists() else []
    if first_epoch and done == first_epoch:
        from zoo.saving import load_model

        model.set_weights(load_model(run.path / "model.keras", compile=False).get_weights())
    time_before = rows[-1]["time_s"] if rows and done > first_epoch else run.segment["time_before"]
    return first_epoch, time_before, rows


def task_callbacks(task: str, *, carry_state: bool = False) -> list:
    """The callbacks that give a task's figures each epoch, the same in ``zoo train`` and ``zoo tune``.

    A language model gets :class:`TokenMetrics` (bits per token, perplexity); one trained with carried
    states gets :class:`~zoo.carried_state.ResetEvalStates` before it, so validation starts from zero states.
    """
    stack = [TokenMetrics()] if task == "language-modeling" else []
    if carry_state:
        stack.insert(0, ResetEvalStates())
    return stack


def budget_callbacks(
    initial_rate: float,
    *,
    epochs=None,
    minutes=None,
    steps_per_epoch=None,
    lr_decay: bool = True,
    time_used: float = 0.0,
    first_epoch: int = 0,
    progress_bar: bool = False,
) -> list:
    """The callbacks of a training budget and its schedule, shared by ``zoo train`` and ``zoo tune``
    (:func:`fit_resumable` and :class:`zoo.tune.ZooHyperModel`), so a tuning trial trains as a run would.

    ``minutes`` adds a :class:`TimeLimit` (``time_used`` of it already spent by a resumed run) and, with
    ``progress_bar`` and no epoch budget, a progress bar of the time left; ``lr_decay`` adds the
    :class:`LinearDecay` from ``initial_rate`` over the epochs and minutes.
    """
    stack = []
    time_limit = None if minutes is None else TimeLimit(minutes * 60.0, used=time_used)
    if time_limit is not None:
        stack.append(time_limit)
        if epochs is None and progress_bar:
            stack.append(BudgetProgbar(time_limit))
    if lr_decay:
        stack.append(
            LinearDecay(
                initial_rate, epochs=epochs, steps_per_epoch=steps_per_epoch or 1, time_limit=time_limit,
                first_epoch=first_epoch,
            )
        )  # fmt: skip
    return stack


def fit_resumable(
    model,
    train_data,
    validation_data,
    *,
    epochs=None,
    minutes=None,
    steps_per_epoch=None,
    lr_decay=True,
    run=None,
    verbose=1,
    extra_callbacks=(),
    callbacks=(),
    final_model=None,
):
    """``model.fit`` with a time or epoch budget, resumable in a run folder; returns the history rows.

    Args:
        model: a compiled model (or a training wrapper of the model).
        epochs, minutes: the budget; with a run folder, the budget of the
            run (a resumed run trains what was left of it) or, continuing a
            finished run, of the new segment.
        lr_decay: lower the learning rate linearly from the compiled rate to
            a tenth over the budget (:class:`LinearDecay`).
        run: a :class:`zoo.run_folder.RunFolder`: Keras's ``BackupAndRestore``
            saves weights, optimizer and epoch there after every epoch, every
            epoch's logs go to ``history.json`` atomically, and ``model.keras``
            is written at the end. A run killed at any point and started again
            on the same folder resumes after its last finished epoch, with the
            learning rates and training time of an uninterrupted run.
        extra_callbacks: run first, so they can add to each epoch's logs.
        callbacks: the caller's own, run after zoo's (they see the rate
            :class:`LinearDecay` set for each batch).
        final_model: what ``model.keras`` holds when ``model`` is a training
            wrapper (default: ``model`` itself).
    """
    saved = final_model or model
    first_epoch, time_before, rows = _resume_point(run, saved) if run is not None else (0, 0.0, [])
    segment_before = run.segment["time_before"] if run is not None else 0.0
    initial_rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))  # before any restore
    log = EpochLog(run.file(HISTORY) if run is not None else None, rows=rows, time_before=time_before)
    stack = [*extra_callbacks, log]
    if run is not None:
        # After the log: a kill between the two writes makes the resumed run
        # redo that epoch and overwrite its row, so no row is ever missing.
        # The checkpoint outlives fit: the run folder removes it once model.keras is saved and the run is
        # marked finished, so a kill at any moment before that still resumes.
        stack.append(
            keras.callbacks.BackupAndRestore(str(run.checkpoint_dir), double_checkpoint=True, delete_checkpoint=False)
        )
    stack += budget_callbacks(
        initial_rate, epochs=epochs, minutes=minutes, steps_per_epoch=steps_per_epoch, lr_decay=lr_decay,
        time_used=time_before - segment_before, first_epoch=first_epoch, progress_bar=bool(verbose),
    )  # fmt: skip
    stack.extend(callbacks)
    for variable in ("ZOO_KILL_AFTER_EPOCH", "ZOO_PAUSE_AFTER_EPOCH"):
        if os.environ.get(variable):
            stack.append(InterruptAfterEpoch(int(os.environ[variable]), kill=variable == "ZOO_KILL_AFTER_EPOCH"))
    model.fit(
        train_data,
        initial_epoch=first_epoch,
        epochs=first_epoch + epochs if epochs else 10**6,
        steps_per_epoch=steps_per_epoch,
        validation_data=validation_data,
        callbacks=stack,
        shuffle=False,  # data sets arrive shuffled by tf.data
        verbose=verbose,
    )
    if run is not None:
        saved.save(run.file("model.keras"))
    return log.rows


def history_column(rows, key) -> np.ndarray:
    """One column of the history rows as an array (``history_column(rows, "val_bpc")``)."""
    return np.array([r[key] for r in rows], dtype=float)
