"""What a search optimises: one or several metrics of the model's task, each with its direction.

A trial reports its loss, its size and its time (`TRIAL_METRICS`) and the
figures its task logs every epoch, which the model's kind of data declares
(`zoo.kinds.DataKind.epoch_metrics`: mean IoU for a segmenter, mAP@0.5 for a
detector, bits per character for a language model...). `zoo tune --objective
val_map:max,params:min` ranks by any of them; the default is the task's
headline, validation loss where the task has none. With several objectives,
keras-tuner's oracle is steered by the first (its own `MultiObjective` would
add them up, bits per character to parameter counts), and the report ranks by
the first and marks the Pareto front: the trials no other trial beats on every
objective at once (keras-team/keras-tuner issues 263, 556, 588).

Keras-free: `zoo tune` checks `--objective` before TensorFlow starts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence

from zoo.errors import InputError

DIRECTIONS = ("min", "max")
#: What every trial reports besides its task's epoch metrics (`zoo.tune.hypermodels.trial_metrics`).
TRIAL_METRICS = {"val_loss": "min", "loss": "min", "params": "min", "seconds": "min"}


@dataclasses.dataclass(frozen=True)
class Objective:
    """One metric a search optimises.

    Attributes:
        name: the metric as a trial reports it (`val_map`).
        direction: `"min"` or `"max"`.
    """

    name: str
    direction: str

    def __str__(self) -> str:
        return f"{self.name}:{self.direction}"

    @property
    def wording(self) -> str:
        """`"higher is better"` or `"lower is better"`."""
        return f"{'higher' if self.direction == 'max' else 'lower'} is better"

    def key(self, value: float) -> float:
        """`value` as a number to minimise (a maximised metric negated)."""
        return value if self.direction == "min" else -value


def parse_objectives(text: str | None, metrics: Mapping[str, str]) -> tuple[Objective, ...]:
    """The objectives `--objective TEXT` names, each checked against the metrics a trial reports.

    Args:
        text: `NAME[:min|max]` items separated by commas (`"val_map:max,params:min"`); `None` for the
            default, the first of `metrics` (the task's headline) or `val_loss`.
        metrics: `{name: direction}` of the task's epoch metrics, headline first (`DataKind.epoch_metrics`).

    Returns:
        The objectives, in the order given.

    Raises:
        InputError: an unknown metric (the message lists those accepted), a direction other than min or max,
            one that contradicts the metric's own, or a metric named twice.
    """
    known = {**dict(metrics), **TRIAL_METRICS}
    if text is None:
        name = next(iter(metrics), "val_loss")
        return (Objective(name, known[name]),)
    objectives = []
    for item in text.split(","):
        name, _, direction = item.strip().partition(":")
        if name not in known:
            raise InputError(f"--objective {name!r} is not a metric these trials report; accepted: {', '.join(known)}.")
        direction = direction or known[name]
        if direction not in DIRECTIONS:
            raise InputError(f"--objective {item.strip()!r}: the direction must be min or max, got {direction!r}.")
        if direction != known[name]:
            raise InputError(f"--objective {item.strip()!r}: {name} is better {known[name]}imised, not {direction}.")
        if any(o.name == name for o in objectives):
            raise InputError(f"--objective names {name} twice.")
        objectives.append(Objective(name, direction))
    return tuple(objectives)


def as_objective(objective: str | Objective) -> Objective:
    """`objective` itself, or the `Objective` a `"name[:min|max]"` text names (a name alone is minimised)."""
    return objective if isinstance(objective, Objective) else read_objectives(objective)[0]


def objectives_text(objectives: Sequence[Objective]) -> str:
    """`"val_map:max,params:min"`: what `search.json` records and `parse_objectives` reads back."""
    return ",".join(str(o) for o in objectives)


def read_objectives(text: str | None) -> tuple[Objective, ...]:
    """The objectives a search recorded (`objectives_text`); `None` (a search older than objectives) is
    validation loss, and a name without a direction is minimised."""
    pairs = [item.partition(":") for item in (text or "val_loss:min").split(",")]
    return tuple(Objective(name, direction or "min") for name, _, direction in pairs)


def pareto_front(rows: Sequence[Mapping], objectives: Sequence[Objective]) -> set[str]:
    """The ids of the trials no other trial dominates (as good on every objective, better on one).

    Args:
        rows: trials with `trial_id` and a value for each objective (others are left out).
        objectives: what the trials are compared on.

    Returns:
        The non-dominated trials' ids.
    """
    scored = [
        (r["trial_id"], [o.key(r[o.name]) for o in objectives]) for r in rows if all(o.name in r for o in objectives)
    ]

    def dominates(a, b):
        return all(x <= y for x, y in zip(a, b, strict=True)) and any(x < y for x, y in zip(a, b, strict=True))

    return {tid for tid, values in scored if not any(dominates(other, values) for _, other in scored)}
