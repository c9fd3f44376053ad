"""Weak trials stopped early: the median stopping rule of Google Vizier (Golovin et al. 2017), as Optuna's
`MedianPruner` applies it, for every tuner but Hyperband (which stops trials its own way).

After each epoch past the warm-up, a trial whose best objective value so far is worse than the median of the
values the completed trials had at the same epoch stops there (keras-team/keras-tuner issue 279). It keeps
its partial history and ends as a completed trial, with its best value so far as its score; the report marks
it stopped, never failed. Each trial writes its per-epoch objective values to `curve.json` in its own trial
folder (keras-tuner keeps no intermediate values), which is what every process of a distributed search reads
to compare, since all of them share the search folder.
"""

from __future__ import annotations

import dataclasses
import pathlib
import statistics
from collections.abc import Sequence

import keras

from zoo.errors import InputError
from zoo.json_files import read_json, write_json_atomically
from zoo.tune.objectives import Objective
from zoo.tune.trials import CURVE, read_trials


@dataclasses.dataclass(frozen=True)
class MedianStopping:
    """The median stopping rule's settings.

    Attributes:
        warmup_epochs: epochs every trial trains before it can be stopped.
        min_trials: completed trials with a value at an epoch that the median needs before anything is stopped.
    """

    warmup_epochs: int = 1
    min_trials: int = 2

    def __post_init__(self):
        if not (isinstance(self.warmup_epochs, int) and self.warmup_epochs >= 0):
            raise InputError(f"warmup_epochs must be an integer of at least 0, got {self.warmup_epochs!r}.")
        if not (isinstance(self.min_trials, int) and self.min_trials >= 1):
            raise InputError(f"min_trials must be a positive integer, got {self.min_trials!r}.")

    def __str__(self) -> str:
        return f"median:warmup_epochs={self.warmup_epochs},min_trials={self.min_trials}"

    def should_stop(self, curve: Sequence[float], others: Sequence[Sequence[float]], objective: Objective) -> bool:
        """Whether a trial with per-epoch values `curve` stops after its last epoch.

        Args:
            curve: the trial's objective values, one per epoch so far.
            others: the completed trials' per-epoch values.
            objective: what the values are (its direction says which are better).

        Returns:
            True when the trial is past the warm-up, at least `min_trials` completed trials reached this
            epoch, and the trial's best value so far is worse than their median at this epoch.
        """
        epoch = len(curve)
        if epoch <= self.warmup_epochs:
            return False
        at_epoch = [values[epoch - 1] for values in others if len(values) >= epoch]
        if len(at_epoch) < self.min_trials:
            return False
        best = min(curve, key=objective.key)
        return objective.key(best) > objective.key(statistics.median(at_epoch))


class StopWeakTrials(keras.callbacks.Callback):
    """Record a trial's per-epoch objective values in its folder and stop it by `rule` (none: record only).

    Args:
        trial_dir: the trial's folder (`trial_<id>` in the search's project folder).
        objective: the value recorded and compared.
        rule: the stopping rule, or None.
    """

    def __init__(self, trial_dir: str, objective: Objective, rule: MedianStopping | None):
        super().__init__()
        self.path = pathlib.Path(trial_dir) / CURVE
        self.objective = objective
        self.rule = rule
        self.curve = []

    def on_epoch_end(self, epoch, logs=None):
        if not logs or self.objective.name not in logs:
            return
        self.curve.append(float(logs[self.objective.name]))
        stopped = self.rule is not None and self.rule.should_stop(self.curve, self._completed(), self.objective)
        record = {"objective": str(self.objective), "values": self.curve}
        if stopped:
            record["stopped_at_epoch"] = len(self.curve)
            self.model.stop_training = True
        write_json_atomically(self.path, record)

    def _completed(self) -> list:
        """The completed trials' per-epoch values (trials stopped early among them, as Optuna counts them)."""
        search = self.path.parent.parent
        done = {r["trial_id"] for r in read_trials(search.parent) if r["status"] == "COMPLETED"}
        curves = []
        for trial_id in sorted(done):
            path = search / f"trial_{trial_id}" / CURVE
            if path.exists() and path != self.path:
                curves.append(read_json(path)["values"])
        return curves
