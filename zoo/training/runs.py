"""One training skeleton for every trainer: the run's options, its steps, and what it returns.

Every trainer (`zoo.training.text`, `zoo.training.images`, `zoo.training.scenes`,
`zoo.training.tasks`) goes the same way: check its arguments, describe the run
(its settings), open the run folder, seed, build, compile, feed its data to
`zoo.training.fit.fit_resumable`, score the model on held-out data and draw the
learning curve. `TrainingRun` owns the shared steps, so a trainer keeps only
what differs (its data, its model, its scorer):

```python
options = RunOptions(epochs=3, out_dir="runs/lenet5")
with TrainingRun({"model": "lenet5", ...}, options) as run:    # checks, folder, seed
    model = run.compile(create_model("lenet5"), "image-classification", 1e-3)
    rows = run.fit(model, train, validation, steps_per_epoch=steps)
    return run.result(model, rows, {"accuracy": 0.98}, curve=(("accuracy", "val_accuracy"), "accuracy"))
```

`RunOptions` and `TrainingResult` import no Keras; `TrainingRun` imports it when a run starts.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from zoo.errors import InputError
from zoo.validation import check_int

if TYPE_CHECKING:
    import keras


@dataclasses.dataclass(frozen=True)
class RunOptions:
    """How long, where and how a training run goes: the same for every trainer.

    Args:
        epochs: the budget in epochs (at least one of `epochs` and `minutes`).
        minutes: the budget in minutes of training (a resumed run trains what was left of it).
        out_dir: the run folder (`zoo.run_folder`): checkpoints, `history.json`, `model.keras`
            and the figures; a killed run started again on the same folder and settings resumes.
        seed: seeds the weights, the data the trainer makes and the order it is read in.
        verbose: Keras's progress output: 0 silent, 1 a progress bar, 2 a line per epoch.
        overwrite: start afresh in a folder holding a finished run (only zoo's files are removed).
        extend: train a finished run in `out_dir` further (`zoo train --continue`): its saved
            model, the same settings, the new budget.
        callbacks: your own Keras callbacks, run after zoo's.
        lr_decay: lower the learning rate linearly to a tenth over the budget.
        tensorboard: also write TensorBoard logs (Keras's `TensorBoard` callback: each epoch's losses and
            metrics, `train/` and `validation/`) to this folder, on every backend; a resumed run appends to them.
        dtype_policy: train under this Keras dtype policy (`mixed_float16`, `mixed_bfloat16`: float32
            variables, half-precision computation; Keras scales the float16 loss itself); `None` is float32.
            The process's global policy is set for the run and restored after it.

    Example:
        ```python
        result = zoo.train_image_classifier("lenet5", options=RunOptions(epochs=2, out_dir="runs/lenet5"))
        ```
    """

    epochs: int | None = None
    minutes: float | None = None
    out_dir: str | os.PathLike | None = None
    seed: int = 0
    verbose: int = 1
    overwrite: bool = False
    extend: bool = False
    callbacks: Sequence = ()
    lr_decay: bool = True
    tensorboard: str | os.PathLike | None = None
    dtype_policy: str | None = None

    def check(self) -> None:
        """Refuse a missing or bad budget, seed or verbosity before any work.

        Raises:
            InputError: the value named, and what is accepted.
        """
        from zoo.training.fit import check_budget

        check_budget(self.epochs, self.minutes)
        check_int("seed", self.seed, minimum=0)
        if self.verbose not in (0, 1, 2):
            raise InputError(f"verbose must be 0, 1 or 2, got {self.verbose!r}.")
        if (self.overwrite or self.extend) and self.out_dir is None:
            raise InputError("overwrite and extend (--continue) need an output folder (out_dir).")
        if self.dtype_policy not in (None, *DTYPE_POLICIES):
            raise InputError(f"dtype_policy must be one of {', '.join(DTYPE_POLICIES)}, got {self.dtype_policy!r}.")

    def settings(self) -> dict:
        """What a run folder records of these options (and compares when a run resumes)."""
        policy = {} if self.dtype_policy in (None, "float32") else {"dtype_policy": self.dtype_policy}
        return {"epochs": self.epochs, "minutes": self.minutes, "lr_decay": self.lr_decay, "seed": self.seed, **policy}


#: The Keras dtype policies a run may train under (`RunOptions.dtype_policy`, `zoo train --dtype-policy`).
DTYPE_POLICIES = ("float32", "mixed_float16", "mixed_bfloat16")


#: The names of `RunOptions`' fields: given to a trainer as builder arguments, they are refused with a hint.
RUN_OPTION_NAMES = tuple(field.name for field in dataclasses.fields(RunOptions))


def checked_options(options: RunOptions | None, model_args: dict, trainer: str) -> RunOptions:
    """`options` (default: `RunOptions()`), checked; a run option among the builder arguments `model_args`
    (`epochs=3` where `options=RunOptions(epochs=3)` was meant) is refused in one line.

    Raises:
        InputError: a run option given as a builder argument, or a bad option.
    """
    misplaced = [name for name in RUN_OPTION_NAMES if name in model_args]
    if misplaced:
        given = ", ".join(f"{name}={model_args[name]!r}" for name in misplaced)
        raise InputError(f"{trainer} takes {', '.join(misplaced)} in its run options: options=RunOptions({given}).")
    options = RunOptions() if options is None else options
    if not isinstance(options, RunOptions):
        raise InputError(f"options must be a zoo.training.RunOptions, got {type(options).__name__}.")
    options.check()
    return options


@dataclasses.dataclass
class TrainingResult:
    """What every trainer returns.

    Attributes:
        model: the trained model (for a language model trained on carried states, the model itself,
            not its training wrapper).
        history: one dict per finished epoch: its losses, metrics and `time_s`, as `history.json` holds.
        scores: the model's held-out scores, as the kind of data defines them: a dict of figures
            (`{"accuracy": ...}`), or `zoo.metrics.SegmentationScores` / `zoo.metrics.DetectionScores`.
        files: the paths of the run folder's outputs (empty without a folder).
    """

    model: Any
    history: list[dict]
    scores: Any
    files: list[pathlib.Path] = dataclasses.field(default_factory=list)


class TrainingRun:
    """The steps every trainer shares, in one `with` block: open the run folder with the run's settings and
    seed Keras (on entry), compile and fit (`compile`, `fit`), plot and collect the outputs (`result`),
    and finish or abandon the folder (on exit)."""

    def __init__(self, settings: dict, options: RunOptions):
        """Describe the run.

        Args:
            settings: what the trainer's folder records besides the options (model, data, sizes...).
            options: the checked `RunOptions` (`checked_options`).
        """
        self.options = options
        self.settings = {**settings, **options.settings()}
        self.folder = None
        self._context = None

    def __enter__(self) -> TrainingRun:
        import keras

        from zoo.run_folder import open_run

        options = self.options
        self._context = open_run(options.out_dir, self.settings, overwrite=options.overwrite, extend=options.extend)
        self.folder = self._context.__enter__()
        keras.utils.set_random_seed(options.seed)
        self._policy = keras.config.dtype_policy()
        if options.dtype_policy is not None:
            keras.config.set_dtype_policy(options.dtype_policy)  # before the trainer builds the model
        return self

    def __exit__(self, kind, error, traceback):
        import keras

        keras.config.set_dtype_policy(self._policy)  # the caller's policy again
        return self._context.__exit__(kind, error, traceback)

    def start_epoch(self) -> int:
        """The epoch this invocation trains from (0 for a new run; see `RunFolder.start_epoch`)."""
        return self.folder.start_epoch() if self.folder is not None else 0

    def file(self, name: str) -> pathlib.Path | None:
        """The path of the run's output `name` (recorded as zoo's), or `None` without a folder."""
        return self.folder.file(name) if self.folder is not None else None

    def compile(self, model, task: str, learning_rate: float, **options):
        """`zoo.training.compiling.compile_for_task`; returns `model`."""
        from zoo.training.compiling import compile_for_task

        return compile_for_task(model, task, learning_rate, **options)

    def fit(self, model, train, validation, *, steps_per_epoch, extra_callbacks=(), final_model=None) -> list:
        """`zoo.training.fit.fit_resumable` with the run's budget, schedule, folder, verbosity and callbacks.

        Returns:
            The history rows of every finished epoch of the run.
        """
        from zoo.training.fit import fit_resumable

        o = self.options
        if o.tensorboard is not None:
            import keras

            board = keras.callbacks.TensorBoard(str(o.tensorboard), write_graph=False, profile_batch=0)
            extra_callbacks = (*extra_callbacks, board)  # after the task's scorers, whose figures it then logs
        return fit_resumable(
            model, train, validation, epochs=o.epochs, minutes=o.minutes, steps_per_epoch=steps_per_epoch,
            lr_decay=o.lr_decay, run=self.folder, verbose=o.verbose, extra_callbacks=extra_callbacks,
            callbacks=o.callbacks, final_model=final_model,
        )  # fmt: skip

    def result(
        self, model: keras.Model, history: list, scores: object, *, curve: tuple | None = None
    ) -> TrainingResult:
        """Draw the learning curve into the folder and return the run's `TrainingResult`.

        Args:
            model: the trained model.
            history: `fit`'s rows.
            scores: the held-out scores.
            curve: `((train key, validation key), label)` of `curve.png` (none without a folder).

        Returns:
            The result, its `files` the folder's outputs.
        """
        if self.folder is None:
            return TrainingResult(model, history, scores)
        if curve is not None:
            from zoo.plotting import plot_history

            plot_history(history, self.folder.file("curve.png"), *curve)
        files = [self.folder.path / name for name in self.folder.manifest["files"]]
        return TrainingResult(model, history, scores, files)
