"""A search folder's trials, read from keras-tuner's files, and the best trial's settings as a run takes them.

`zoo tune` leaves a folder that keras-tuner's own `trial_*/trial.json` files
and zoo's `search.json` describe; this module reads them without importing
Keras or keras-tuner, so `zoo train MODEL --from-search DIR` checks the
search before TensorFlow starts. `best_settings` answers keras-tuner's most
asked question (keras-team/keras-tuner issues 41, 687, 1020: "how do I
retrain the best model"): the builder arguments and learning rate of the best
(or a named) trial, which `zoo train --from-search` trains with a budget of
the user's.
"""

from __future__ import annotations

import dataclasses
import os
import pathlib
import shlex

from zoo.errors import InputError
from zoo.json_files import read_json
from zoo.tune.objectives import Objective, as_objective, read_objectives

#: The folder, inside a search folder, where keras-tuner keeps its trials.
PROJECT = "search"
#: A trial's per-epoch objective values, in its trial folder (`zoo.tune.stopping`).
CURVE = "curve.json"
_DAMAGED = "keras-tuner cannot go on from it either: give a new --dir to search again"


def read_trials(directory: str | os.PathLike) -> list:
    """The trials of the search in `directory`, one dict each, read from keras-tuner's files.

    Each row has `trial_id`, `status`, the hyperparameter values (without
    keras-tuner's internal `tuner/` ones, which go to `tuner_epochs` and
    friends), each metric's best value and, for a trial the median stopping
    rule stopped (`zoo.tune.stopping`), `stopped_at_epoch`. Works for a
    finished, running or distributed search.

    Args:
        directory: the search folder (`zoo tune --dir`).

    Returns:
        The rows, in trial id order.
    """
    rows = []
    for path in sorted(pathlib.Path(directory, PROJECT).glob("trial_*/trial.json")):
        trial = read_json(path, hint=_DAMAGED)
        row = {"trial_id": trial["trial_id"], "status": trial["status"]}
        for k, v in trial["hyperparameters"]["values"].items():
            row[k.replace("tuner/", "tuner_")] = v
        for name, metric in trial["metrics"]["metrics"].items():
            values = [o["value"][0] for o in metric["observations"]]
            if values:
                row[name] = values[-1]
        curve = path.parent / CURVE
        if curve.exists() and "stopped_at_epoch" in (recorded := read_json(curve, hint=_DAMAGED)):
            row["stopped_at_epoch"] = recorded["stopped_at_epoch"]
        rows.append(row)
    return rows


def sorted_trials(rows: list, objective: str | Objective = "val_loss") -> list:
    """Completed trials first, best score first; then the others in id order.

    Args:
        rows: `read_trials`' rows.
        objective: what they are ranked by: an `Objective`, or `"name[:min|max]"` (a name alone is minimised).

    Returns:
        The rows, reordered.
    """
    goal = as_objective(objective)
    done = [r for r in rows if r["status"] == "COMPLETED" and goal.name in r]
    rest = [r for r in rows if r not in done]
    return sorted(done, key=lambda r: goal.key(r[goal.name])) + rest


@dataclasses.dataclass(frozen=True)
class BestSettings:
    """What one trial of a search trained with, as `zoo train` takes it.

    Attributes:
        model: the searched model's registry name.
        trial_id: the trial's id in the search folder.
        model_args: builder arguments: those the search held fixed (`--set`, a kind's flags such as
            `--units`), then the trial's searched ones.
        learning_rate: the trial's rate when the search searched it, else the rate every trial used.
        scores: the trial's metrics (`val_loss`, `params`...).
        directory: the search folder.
        data_flags: the flags that said which data the search read, as typed (`["--data", "photos/"]`).
    """

    model: str
    trial_id: str
    model_args: dict
    learning_rate: float | None
    scores: dict
    directory: str
    data_flags: tuple = ()

    def command(self, budget: str = "--epochs N") -> str:
        """The `zoo train` command line that trains these settings.

        Args:
            budget: the run's budget flags, as typed.

        Returns:
            The command, quoted for a POSIX shell.
        """
        parts = ["zoo", "train", self.model, "--from-search", self.directory, "--trial", self.trial_id]
        parts += list(self.data_flags)
        return " ".join(shlex.quote(p) for p in parts) + " " + budget


def best_settings(directory: str | os.PathLike, trial: str | None = None) -> BestSettings:
    """The settings of the best completed trial of the search in `directory` (by its first objective, validation
    loss by default), or of `trial`.

    Args:
        directory: a search folder `zoo tune --dir` (or `zoo.tune.search`) wrote.
        trial: a trial id (`"03"`) instead of the best one; it must have completed.

    Returns:
        The trial's `BestSettings`.

    Raises:
        InputError: the folder holds no search or one that names no model, the trial is unknown or did not
            complete, or no trial completed yet.

    Example:
        ```python
        best = zoo.tune.best_settings("runs/search")
        model = zoo.create_model(best.model, **best.model_args)
        ```
    """
    directory = pathlib.Path(directory)
    if not (directory / "search.json").is_file():
        raise InputError(f"{str(directory)!r} holds no search (no search.json); give a folder zoo tune --dir made.")
    search = read_json(directory / "search.json", hint="give a new --dir to search again")
    if "model" not in search:
        raise InputError(f"the search in {directory} does not name its model (its hypermodel was not zoo.tune's); "
                         "its trials are in results.csv.")  # fmt: skip
    rows = {r["trial_id"]: r for r in read_trials(directory)}
    goal = read_objectives(search.get("objective"))[0]
    completed = [r for r in sorted_trials(list(rows.values()), goal) if r["status"] == "COMPLETED" and goal.name in r]
    if trial is None:
        if not completed:
            raise InputError(f"no trial of the search in {directory} has completed yet; run zoo tune on it first.")
        row = completed[0]
    elif trial not in rows or rows[trial] not in completed:
        accepted = ", ".join(r["trial_id"] for r in completed) or "none yet"
        raise InputError(f"--trial {trial!r} is not a completed trial of {directory}; completed: {accepted}.")
    else:
        row = rows[trial]
    searched = {name: row[name] for name in search.get("space", {}) if name in row}
    rate = searched.pop("learning_rate", search.get("learning_rate"))
    scores = {k: v for k, v in row.items() if k not in searched and k not in ("trial_id", "status", "learning_rate")}
    return BestSettings(
        model=search["model"], trial_id=row["trial_id"], model_args={**search.get("fixed", {}), **searched},
        learning_rate=rate, scores={k: v for k, v in scores.items() if not k.startswith("tuner_")},
        directory=str(directory), data_flags=tuple(search.get("data_flags", ())),
    )  # fmt: skip
