"""The callbacks of a zoo training run, shared by `zoo train` and `zoo tune`.

A time budget (`TimeLimit`, `BudgetProgbar`), the learning-rate
schedule that follows it (`LinearDecay`), the per-epoch figures of a
language model (`TokenMetrics`), the history file (`EpochLog`) and the
checkpoint (`DiskSpaceGuard`, `Checkpoint`).
`task_callbacks` and `budget_callbacks` assemble them, so a tuning
trial trains as a run with the same settings would.
"""

from __future__ import annotations

import errno
import gc
import os
import pathlib
import re
import shutil
import sys
import time

import keras
import numpy as np

from zoo.json_files import write_json_atomically
from zoo.metrics.language import bits_from_nats, perplexity_from_nats
from zoo.training.carried_state import ResetEvalStates


class TimeLimit(keras.callbacks.Callback):
    """Stop training once `seconds` of training time have passed (checked every batch).

    `used` is the training time a resumed run already spent on the same
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


# The epoch count handed to Keras's `fit` when only a time budget bounds a run (Keras needs a number).
UNBOUNDED_EPOCHS = 10**6


class LinearDecay(keras.callbacks.Callback):
    """Lower the learning rate linearly from `initial_rate` to `final_fraction` of it over the budget.

    The rate is a function of the global step (`(epoch - first_epoch) x
    steps_per_epoch + batch`, with the epoch Keras resumes at) and of the
    budget's time used, never of the optimizer's current rate, so a killed
    and resumed run trains with the rates of an uninterrupted one. Progress
    is the larger of the share of `epochs` x `steps_per_epoch` batches
    done and the share of `seconds` used (`time_limit`'s clock, which
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
        """The learning rate for `batch` of the current epoch."""
        return self.initial_rate * (1.0 - (1.0 - self.final_fraction) * self.progress(batch))

    def on_train_batch_begin(self, batch, logs=None):
        self.model.optimizer.learning_rate.assign(self.rate(batch))


class TokenMetrics(keras.callbacks.Callback):
    """Add bits per token (`bpc`, `val_bpc`) and perplexity (`ppl`, `val_ppl`) to the logs.

    Both come from the mean cross-entropy in nats (`zoo.metrics.language`).
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

    Rows are keyed by epoch: `rows` are the rows of the run this one
    continues (a resumed run keeps them and overwrites nothing it did not
    redo). `time_s` counts training time from the run's first epoch,
    `time_before` being what the continued rows had used. With
    `path=None` the rows are only kept in memory (`self.rows`);
    `on_write` is called after each write (the run folder records the
    file's size and hash).
    """

    def __init__(self, path=None, rows=(), time_before: float = 0.0, on_write=None):
        super().__init__()
        self.path = None if path is None else pathlib.Path(path)
        self.on_write = on_write
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
            if self.on_write is not None:
                self.on_write()


class BudgetProgbar(keras.callbacks.ProgbarLogger):
    """Keras's progress bar, heading each epoch of a time-budgeted run with the minutes left.

    (Keras's own heading would read `Epoch 3/1000000` when only a time bounds the run.)
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


class DiskSpaceGuard(keras.callbacks.Callback):
    """Stop a run in one line before Keras writes a checkpoint into a folder without room for it.

    Keras's `BackupAndRestore` writes its weights with h5py, which crashes the
    process on a full disk and leaves a half-written file; this callback, put
    before it, checks that the folder's file system has room for two copies of
    the weights and the optimizer's state (Keras keeps the one before too) and
    raises `OSError(ENOSPC)` naming the folder otherwise.
    """

    def __init__(self, folder, margin: int = 1 << 20):
        super().__init__()
        self.folder, self.margin = pathlib.Path(folder), margin

    def needed(self) -> int:
        """Bytes the next checkpoint may take: two copies of every variable, and a margin."""
        variables = list(self.model.weights) + list(getattr(self.model.optimizer, "variables", []) or [])
        size = sum(int(np.prod(v.shape)) * np.dtype(v.dtype).itemsize for v in variables)
        return 2 * size + self.margin

    def on_epoch_end(self, epoch, logs=None):
        where = self.folder if self.folder.exists() else self.folder.parent
        free, need = shutil.disk_usage(where).free, self.needed()
        if free < need:
            raise OSError(
                errno.ENOSPC,
                f"No space left for the checkpoint: {free / 2**20:.1f} MiB free, about {need / 2**20:.1f} MiB "
                "needed; free some space and run the same command again to resume",
                str(self.folder),
            )


class Checkpoint(keras.callbacks.BackupAndRestore):
    """Keras's `BackupAndRestore` (two checkpoints kept, left on disk at the end), that fails in one line.

    When the disk fills while h5py writes the weights, h5py raises, then prints
    a traceback for each object it frees. Here those are kept off the screen
    while the checkpoint is written, and the failure
    becomes one `OSError` naming the folder. (HDF5 itself may still crash
    the process on such a failure, in `File.close`: DiskSpaceGuard's check
    just before is what keeps a full disk away from it.) The half-written file stays
    where Keras wrote it: `zoo.run_folder.RunFolder.checked_checkpoint`
    discards it, or falls back to the checkpoint before it, on the next run.

    Args:
        folder: the checkpoint folder.
    """

    def __init__(self, folder: str | os.PathLike):
        super().__init__(str(folder), double_checkpoint=True, delete_checkpoint=False)
        self.folder = pathlib.Path(folder)

    def _save_model(self):
        hooks = sys.unraisablehook, sys.excepthook  # h5py (Cython) reports through both
        sys.unraisablehook, sys.excepthook = (lambda *_: None), (lambda *_: None)
        try:
            failure = self._try_save()
            gc.collect()  # h5py's objects die here, while their complaints are still silenced
        finally:
            sys.unraisablehook, sys.excepthook = hooks
        if failure is not None:
            raise OSError(
                failure,
                f"Could not write the checkpoint ({os.strerror(failure)}); "
                "fix that and run the same command again to resume",
                str(self.folder),
            )

    def _try_save(self) -> int | None:
        """Keras's save; the error number of a failed write (`None` when it worked)."""
        try:
            super()._save_model()
        except OSError as err:
            return err.errno or errno.EIO
        except RuntimeError as err:  # h5py's "file write failed ... errno = 28"
            found = re.search(r"errno = (\d+)", str(err))
            if found is None:
                raise
            return int(found.group(1))
        return None


def task_callbacks(task: str, *, carry_state: bool = False) -> list:
    """The callbacks that give a task's figures each epoch, the same in `zoo train` and `zoo tune`.

    A language model gets `TokenMetrics` (bits per token, perplexity); one trained with carried
    states gets `ResetEvalStates` before it, so validation starts from zero states.
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
    """The callbacks of a training budget and its schedule, shared by `zoo train` and `zoo tune`
    (`fit_resumable` and `zoo.tune.ZooHyperModel`), so a tuning trial trains as a run would.

    `minutes` adds a `TimeLimit` (`time_used` of it already spent by a resumed run) and, with
    `progress_bar` and no epoch budget, a progress bar of the time left; `lr_decay` adds the
    `LinearDecay` from `initial_rate` over the epochs and minutes.
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
