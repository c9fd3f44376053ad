"""Registry models as keras-tuner hypermodels."""

from __future__ import annotations

import time
from collections.abc import Mapping

import keras
import keras_tuner

from zoo.errors import InputError
from zoo.factory import create_model
from zoo.metrics.language import bits_from_nats
from zoo.registry import model_info
from zoo.training.callbacks import UNBOUNDED_EPOCHS, budget_callbacks, task_callbacks
from zoo.training.carried_state import StateCarrier
from zoo.training.compiling import compile_for_task
from zoo.tune.spaces import COMPILE_ARGS, check_space_values, declare, search_space


def ensure_built(model, info) -> None:
    """Create a subclassed model's weights from the registry's input spec, so
    `count_params` and `load_weights` work before the first fit
    (keras-tuner issue 933)."""
    if not model.built:
        spec = info.input or (info.contract.input if info.contract else None)
        if spec is None:
            raise InputError(f"{info.name} has no input spec in the registry, so it cannot be built before fit.")
        model.build((None,) + tuple(spec.shape))


class ZooHyperModel(keras_tuner.HyperModel):
    """A registered model with a search space over some of its arguments.

    `build(hp)` declares the space on `hp`, creates the model with the
    chosen values (and the `fixed` ones), builds its weights and compiles
    it for its task. `fit(hp, model, *args, **kwargs)` runs `model.fit`
    with whatever data, epochs and callbacks the tuner passes in, plus the
    callbacks `zoo train` uses (`zoo.training.callbacks.task_callbacks` and
    `zoo.training.callbacks.budget_callbacks`: the same figures, time budget and
    learning-rate decay), and returns the trial's metrics: the best `val_loss` (the objective),
    `val_bpc` for language models, `val_accuracy` where measured, the
    final `loss`, `params`, `seconds` and `epochs_run`.

    Args:
        model_name: a registry name.
        space: see `zoo.tune.spaces.search_space`.
        learning_rate: Adam's step size when `learning_rate` is not searched.
        clipnorm: gradient-norm clipping (`None`: none).
        minutes: optional wall-clock budget per trial (on top of the epochs).
        lr_decay: lower the learning rate linearly to a tenth over each trial's
            budget, as `zoo train` does (`zoo.training.callbacks.LinearDecay`).
        seed: weights are initialised from this seed in every trial, so
            trials differ only in their hyperparameters.
        carry_state: `{"batch_size": B, "eval_batch_size": E}` to train a
            language model as `zoo train` does, on continuous streams with
            the recurrent states carried between batches: `build` then
            returns a `StateCarrier` around the
            model (its `generator` is the model). `text_search_data` puts
            this in its `fixed`.
        epoch_metrics: `{name: "min" | "max"}` of the figures the task logs every epoch
            (`zoo.kinds.DataKind.epoch_metrics`); the trial reports the best value of each.
        **fixed: builder arguments held fixed (e.g. `vocabulary`,
            `input_shape`, `num_classes`).
    """

    def __init__(
        self,
        model_name: str,
        space: Mapping[str, object] | None = None,
        *,
        learning_rate: float = 1e-3,
        clipnorm: float | None = None,
        minutes: float | None = None,
        lr_decay: bool = True,
        seed: int = 0,
        carry_state: Mapping[str, int] | None = None,
        epoch_metrics: Mapping[str, str] | None = None,
        **fixed: object,
    ):
        super().__init__(name=model_name, tunable=True)
        self.carry_state = dict(carry_state) if carry_state else None
        self.model_name = model_name
        self.info = model_info(model_name)
        self.space = search_space(model_name, space, fixed=fixed)
        check_space_values(model_name, self.space, fixed)
        self.learning_rate = learning_rate
        self.clipnorm = clipnorm
        self.minutes = minutes
        self.lr_decay = lr_decay
        self.seed = seed
        self.fixed = dict(fixed)
        self.epoch_metrics = dict(epoch_metrics or {})

    def _default(self, name):
        if name == "learning_rate":
            return self.learning_rate
        return self.fixed.get(name, self.info.default_args.get(name))

    def declare_hyperparameters(self, hp):
        for name, spec in self.space.items():
            declare(hp, name, spec, self._default(name))

    def build(self, hp):
        args, learning_rate = dict(self.fixed), self.learning_rate
        for name, spec in self.space.items():
            value = declare(hp, name, spec, self._default(name))
            if name in COMPILE_ARGS:
                learning_rate = value
            else:
                args[name] = value
        keras.utils.set_random_seed(self.seed)
        model = create_model(self.model_name, **args)
        ensure_built(model, self.info)
        if self.carry_state:
            model = StateCarrier(model, **self.carry_state)
        compile_for_task(model, self.info.task, learning_rate, clipnorm=self.clipnorm)
        # Optimizer variables exist now, so a Hyperband trial continued from a
        # checkpoint gets its Adam moments back along with the weights.
        model.optimizer.build(model.trainable_variables)
        return model

    def fit(self, hp, model, *args, callbacks=None, **kwargs):
        rate = hp.get("learning_rate") if "learning_rate" in self.space else self.learning_rate
        epochs = kwargs.get("epochs")
        epochs = None if epochs is not None and epochs >= UNBOUNDED_EPOCHS else epochs  # a time budget alone
        # zoo's first, in fit_resumable's order, so the tuner's and the caller's callbacks see each
        # epoch's figures and each batch's learning rate.
        callbacks = [
            *task_callbacks(self.info.task, carry_state=bool(self.carry_state)),
            *budget_callbacks(
                rate, epochs=epochs, minutes=self.minutes, steps_per_epoch=kwargs.get("steps_per_epoch"),
                lr_decay=self.lr_decay, progress_bar=True,
            ),
            *(callbacks or []),
        ]  # fmt: skip
        kwargs.setdefault("shuffle", False)  # tf.data pipelines arrive shuffled
        if self.carry_state and kwargs.get("validation_data") is not None:
            model.build_for_evaluation(kwargs["validation_data"])  # as zoo train does
        start = time.perf_counter()
        history = model.fit(*args, callbacks=callbacks, **kwargs)
        seconds = time.perf_counter() - start
        return trial_metrics(history.history, model, seconds, self.info.task, self.epoch_metrics)


def trial_metrics(logs: dict, model, seconds: float, task: str, epoch_metrics: Mapping[str, str] = ()) -> dict:
    """The metrics a trial reports: best validation loss, the figures the studies plot, and the best value
    of each of the task's `epoch_metrics` (`{name: "min" | "max"}`) in its direction."""
    if not logs.get("val_loss"):
        raise InputError("The search needs validation data: pass validation_data to search().")
    val = [float(v) for v in logs["val_loss"]]
    best = min(range(len(val)), key=val.__getitem__)
    out = {
        "val_loss": val[best],
        "loss": float(logs["loss"][-1]),
        "params": float(getattr(model, "generator", model).count_params()),  # not a StateCarrier's states
        "seconds": float(seconds),
        "epochs_run": float(len(val)),
    }
    if task == "language-modeling":
        out["val_bpc"] = bits_from_nats(val[best])
    if "val_accuracy" in logs:
        out["val_accuracy"] = float(logs["val_accuracy"][best])
    for name, direction in dict(epoch_metrics).items():
        if name in logs:
            out[name] = float((min if direction == "min" else max)(logs[name]))
    return out


def hypermodel(name, space=None, **kwargs) -> ZooHyperModel:
    """A `keras_tuner.HyperModel` for the registered model `name`.

    `space` picks what to search (default: every tunable argument the
    registry declares); other keyword arguments are passed to
    `ZooHyperModel` (`learning_rate`, `clipnorm`, `minutes`,
    `seed`) or held fixed as builder arguments:

    ```python
    hm = zoo.tune.hypermodel("text_generator", {"units": [64, 128]}, vocabulary=vocab)
    model = hm.build(keras_tuner.HyperParameters())   # built and compiled
    ```
    """
    return ZooHyperModel(name, space, **kwargs)
