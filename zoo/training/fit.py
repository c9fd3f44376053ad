"""Resumable training: `model.fit` with a time or epoch budget in a run folder.

With an output folder, a run writes there (see `fit_resumable`):

- `zoo-checkpoint/`: Keras's `BackupAndRestore` state (weights, optimizer, epoch),
  saved after every epoch and removed once the run is marked finished;
- `history.json`: one row per finished epoch, written atomically;
- `model.keras` at the end.

Killing a run (even with SIGKILL) and starting it again with the same
arguments and folder resumes after the last finished epoch, with the learning
rates of an uninterrupted run.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

import keras
import numpy as np

from zoo.errors import InputError
from zoo.json_files import read_json, temporary_name
from zoo.run_folder import HISTORY, RunFolderError
from zoo.training.callbacks import (
    UNBOUNDED_EPOCHS,
    Checkpoint,
    DiskSpaceGuard,
    EpochLog,
    budget_callbacks,
)
from zoo.validation import check_positive_int, check_positive_number

if TYPE_CHECKING:
    from zoo.run_folder import RunFolder

read_history = read_json


def check_budget(epochs, minutes) -> None:
    """Refuse a training budget that is missing, zero, negative, NaN or not a number."""
    if epochs is None and minutes is None:
        raise InputError("Give epochs, minutes, or both, to bound the training run.")
    check_positive_int("epochs", epochs, optional=True)
    check_positive_number("minutes", minutes, optional=True)


def shuffled_batches(x, y, batch_size: int, seed: int = 0, *, start_epoch: int = 0):
    """`(batches, steps_per_epoch)`: `(x, y)` reshuffled every pass, batched and repeated (tf.data).

    `x` is an array or a list of arrays (a model of several inputs). With
    `start_epoch`, the batches of that many finished passes are skipped, so
    a resumed run sees the batches an uninterrupted run would. `zoo train`
    and `zoo tune` feed in-memory data through this one pipeline.
    """
    import tensorflow as tf

    steps = -(-len(y) // batch_size)
    inputs = tuple(x) if isinstance(x, list) else x
    data = tf.data.Dataset.from_tensor_slices((inputs, y))
    data = data.shuffle(len(y), seed=seed, reshuffle_each_iteration=True).batch(batch_size).repeat()
    return (data.skip(start_epoch * steps) if start_epoch else data), steps


def _resume_point(run, model) -> tuple[int, float, list]:
    """Where this invocation starts in `run`: `(first_epoch, time_before, rows)`.

    `first_epoch` is the epoch the current segment began at (0, or the
    epochs a continued run had finished), `time_before` the training time
    spent before this invocation, `rows` the history kept. A continued
    run's model takes the saved model's weights unless a checkpoint of the
    segment has newer ones.
    """
    first_epoch, done = run.segment["first_epoch"], run.start_epoch()
    history = run.path / HISTORY
    hint = "run the same command with --overwrite to start again, or give a new --out folder"
    rows = [r for r in read_json(history, hint=hint) if r["epoch"] <= done] if history.exists() else []
    if [r["epoch"] for r in rows] != list(range(1, done + 1)) and done > first_epoch:
        raise RunFolderError(
            f"{history} holds epochs {[r['epoch'] for r in rows]} but the checkpoint is at epoch {done}, so the two "
            f"do not describe the same run: {hint}."
        )
    if first_epoch and done == first_epoch:
        from zoo.saving import load_model

        model.set_weights(load_model(run.path / "model.keras", compile=False).get_weights())
    time_before = rows[-1]["time_s"] if rows and done > first_epoch else run.segment["time_before"]
    return first_epoch, time_before, rows


def fit_resumable(
    model: keras.Model,
    train_data,
    validation_data,
    *,
    epochs: int | None = None,
    minutes: float | None = None,
    steps_per_epoch=None,
    lr_decay: bool = True,
    run: RunFolder | None = None,
    verbose=1,
    extra_callbacks: Sequence[keras.callbacks.Callback] = (),
    callbacks: Sequence[keras.callbacks.Callback] = (),
    final_model: keras.Model | None = None,
) -> list[dict]:
    """`model.fit` with a time or epoch budget, resumable in a run folder; returns the history rows.

    Args:
        model: a compiled model (or a training wrapper of the model).
        epochs: the budget in epochs (at least one of `epochs` and `minutes`); with a
            run folder, the budget of the run (a resumed run trains what was left of
            it) or, continuing a finished run, of the new segment.
        minutes: the budget in minutes of training, read the same way.
        lr_decay: lower the learning rate linearly from the compiled rate to
            a tenth over the budget (`LinearDecay`).
        run: a `zoo.run_folder.RunFolder`: Keras's `BackupAndRestore`
            saves weights, optimizer and epoch there after every epoch, every
            epoch's logs go to `history.json` atomically, and `model.keras`
            is written at the end. A run killed at any point and started again
            on the same folder resumes after its last finished epoch, with the
            learning rates and training time of an uninterrupted run.
        extra_callbacks: run first, so they can add to each epoch's logs.
        callbacks: the caller's own, run after zoo's (they see the rate
            `LinearDecay` set for each batch).
        final_model: what `model.keras` holds when `model` is a training
            wrapper (default: `model` itself).
    """
    saved = final_model or model
    first_epoch, time_before, rows = _resume_point(run, saved) if run is not None else (0, 0.0, [])
    segment_before = run.segment["time_before"] if run is not None else 0.0
    initial_rate = float(keras.ops.convert_to_numpy(model.optimizer.learning_rate))  # before any restore
    log = EpochLog(
        run.file(HISTORY) if run is not None else None, rows=rows, time_before=time_before,
        on_write=None if run is None else lambda: run.seal(HISTORY),
    )  # fmt: skip
    stack = [*extra_callbacks, log]
    if run is not None:
        stack.append(DiskSpaceGuard(run.checkpoint_dir))  # refuses in one line before Keras writes into a full disk
        # After the log: a kill between the two writes makes the resumed run
        # redo that epoch and overwrite its row, so no row is ever missing.
        # The checkpoint outlives fit: the run folder removes it once model.keras is saved and the run is
        # marked finished, so a kill at any moment before that still resumes.
        stack.append(Checkpoint(run.checkpoint_dir))
    stack += budget_callbacks(
        initial_rate, epochs=epochs, minutes=minutes, steps_per_epoch=steps_per_epoch, lr_decay=lr_decay,
        time_used=time_before - segment_before, first_epoch=first_epoch, progress_bar=bool(verbose),
    )  # fmt: skip
    stack.extend(callbacks)
    model.fit(
        train_data,
        initial_epoch=first_epoch,
        epochs=first_epoch + epochs if epochs else UNBOUNDED_EPOCHS,
        steps_per_epoch=steps_per_epoch,
        validation_data=validation_data,
        callbacks=stack,
        shuffle=False,  # data sets arrive shuffled by tf.data
        verbose=verbose,
    )
    if run is not None:
        save_atomically(saved, run.file("model.keras"))
    return log.rows


def save_atomically(model, path) -> None:
    """`model.save(path)` through a temporary `.keras` file renamed over `path` once complete, so a kill
    or a full disk never leaves half a model under its name."""
    tmp = temporary_name(path).with_suffix(".tmp.keras")  # Keras wants the .keras suffix
    try:
        model.save(tmp)
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def history_column(rows, key) -> np.ndarray:
    """One column of the history rows as an array (`history_column(rows, "val_bpc")`)."""
    return np.array([r[key] for r in rows], dtype=float)
