"""A grid-search oracle that resumes after a kill.

keras-tuner's `GridSearchOracle` keeps its walk through the grid in
memory only (a linked list of trial ids and a queue), so a reloaded search
finds nothing left to do and stops (keras-tuner issue 1055). This oracle
keeps no extra state at all: the grid is enumerated in a fixed order from
the search space, and the next trial is the first combination whose values
have not been tried. keras-tuner already saves the tried values
(`tried_so_far`) and sends a trial that was running when the process
died back for a retry, so a reloaded search reruns the unfinished trial and
then goes on where it stopped.
"""

from __future__ import annotations

import itertools

import keras_tuner
from keras_tuner.src.engine import trial as trial_module

from zoo.errors import InputError


def grid_values(hp) -> list:
    """Every value a hyperparameter takes in a grid, in order."""
    if isinstance(hp, keras_tuner.HyperParameters):  # pragma: no cover - guard for misuse
        raise TypeError("grid_values takes one hyperparameter, not a HyperParameters object.")
    values = getattr(hp, "values", None)
    if values is None:
        if hasattr(hp, "value"):  # Fixed
            return [hp.value]
        raise InputError(
            f"Grid search needs a finite set of values for {hp.name!r}; give it a step or a list of values."
        )
    return list(values)


class ResumableGridOracle(keras_tuner.Oracle):
    """Exhaustive search over a grid, in a fixed order, resumable from its directory.

    The combinations are walked with the last declared hyperparameter
    changing fastest. `max_trials` may cut the walk short. Conditional
    hyperparameters are honoured: inactive ones are dropped from a
    combination and duplicates are skipped.
    """

    def __init__(self, objective=None, max_trials=None, seed=None, hyperparameters=None, **kwargs):
        kwargs.setdefault("max_consecutive_failed_trials", 3)
        super().__init__(
            objective=objective, max_trials=max_trials, seed=seed, hyperparameters=hyperparameters, **kwargs
        )

    def combinations(self) -> list:
        """The grid's combinations (active values only), in the order they are tried."""
        space = self.get_space()
        names = [hp.name for hp in space.space]
        out, seen = [], set()
        for combo in itertools.product(*(grid_values(hp) for hp in space.space)):
            hps = space.copy()
            hps.values = dict(zip(names, combo, strict=True))
            hps.ensure_active_values()
            values = {hp.name: hps.values[hp.name] for hp in hps.space if hps.is_active(hp)}
            key = self._compute_values_hash(values)
            if key not in seen:
                seen.add(key)
                out.append(values)
        return out

    def populate_space(self, trial_id):
        for values in self.combinations():
            if not self._duplicate(values):
                return {"status": trial_module.TrialStatus.RUNNING, "values": values}
        if self.ongoing_trials:
            return {"status": trial_module.TrialStatus.IDLE, "values": None}
        return {"status": trial_module.TrialStatus.STOPPED, "values": None}
