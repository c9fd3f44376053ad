"""A search read at a glance, from its folder alone: the score against each hyperparameter, every trial's
learning curve, and how much of the score each hyperparameter explains.

Importance is the correlation ratio η² (Pearson 1903; the first-order term of a functional ANOVA,
Hutter et al. 2014, over the configurations tried): the share of the variance of the objective across the
completed trials that the hyperparameter's value alone explains, `Σ_v n_v (mean_v − mean)² / Σ (y − mean)²`.
On a full grid the shares of independent hyperparameters add up to at most 1; what is left is their
interaction and the noise between trials. With random or Bayesian search the values are not balanced, so
read it as a description of the trials run, not a causal effect.
"""

from __future__ import annotations

import os
import pathlib
from collections.abc import Mapping, Sequence

from zoo.json_files import read_json, write_json_atomically
from zoo.plotting import save_figure
from zoo.tune.objectives import Objective
from zoo.tune.trials import CURVE, PROJECT


def importance(rows: Sequence[Mapping], space: Sequence[str], objective: Objective) -> dict:
    """η² of each hyperparameter in `space` over the completed `rows` that have the objective.

    Args:
        rows: `zoo.tune.read_trials` rows.
        space: the searched hyperparameters' names.
        objective: the score explained.

    Returns:
        `{name: share in [0, 1]}`; a hyperparameter that took one value, or a search whose scores are all
        equal, gets 0.
    """
    done = [r for r in rows if r["status"] == "COMPLETED" and objective.name in r]
    scores = [float(r[objective.name]) for r in done]
    if len(scores) < 2:
        return dict.fromkeys(space, 0.0)
    mean = sum(scores) / len(scores)
    total = sum((y - mean) ** 2 for y in scores)
    shares = {}
    for name in space:
        groups = {}
        for r, y in zip(done, scores, strict=True):
            groups.setdefault(repr(r.get(name)), []).append(y)
        between = sum(len(g) * (sum(g) / len(g) - mean) ** 2 for g in groups.values())
        shares[name] = between / total if total > 0 else 0.0
    return shares


def plot_parameters(rows: Sequence[Mapping], space: Sequence[str], objective: Objective, path: str | os.PathLike):
    """One panel per hyperparameter: each completed trial's score against that hyperparameter's value.

    Args:
        rows: `zoo.tune.read_trials` rows.
        space: the searched hyperparameters' names.
        objective: the score on the y axis.
        path: the PNG file to write.
    """
    from matplotlib.figure import Figure  # no pyplot: leaves the caller's backend alone

    done = [r for r in rows if r["status"] == "COMPLETED" and objective.name in r]
    fig = Figure(figsize=(3.2 * max(len(space), 1), 3.2))
    axes = fig.subplots(1, max(len(space), 1), squeeze=False)[0]
    for ax, name in zip(axes, space, strict=False):
        values = [r.get(name) for r in done]
        numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in values)
        labels = sorted({repr(v) for v in values}) if not numeric else None
        xs = values if numeric else [labels.index(repr(v)) for v in values]
        ax.plot(xs, [r[objective.name] for r in done], "o", alpha=0.8)
        if labels is not None:
            ax.set_xticks(range(len(labels)), labels)
        elif values and min(values) > 0 and max(values) / min(values) >= 100:  # rates from 1e-7 to 1e-2
            ax.set_xscale("log")
        ax.set_xlabel(name)
        ax.set_ylabel(f"{objective.name} ({objective.wording})")
    fig.tight_layout()
    save_figure(fig, path)


def plot_curves(directory: str | os.PathLike, path: str | os.PathLike) -> int:
    """Every trial's per-epoch objective values (`curve.json`, `zoo.tune.stopping`) on one plot.

    Args:
        directory: the search folder.
        path: the PNG file to write.

    Returns:
        How many trials' curves were drawn.
    """
    from matplotlib.figure import Figure

    curves = sorted(pathlib.Path(directory, PROJECT).glob(f"trial_*/{CURVE}"))
    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    name = "objective"
    for curve_path in curves:
        curve = read_json(curve_path)
        name = curve["objective"]
        values = curve["values"]
        ax.plot(range(1, len(values) + 1), values, "-o", ms=3, label=curve_path.parent.name.removeprefix("trial_"))
    ax.set_xlabel("epoch")
    ax.xaxis.get_major_locator().set_params(integer=True)
    ax.set_ylabel(name.partition(":")[0])
    if 0 < len(curves) <= 12:
        ax.legend(title="trial", fontsize="small")
    fig.tight_layout()
    save_figure(fig, path)
    return len(curves)


def write_figures(
    directory: str | os.PathLike, rows: Sequence[Mapping], space: Sequence[str], objective: Objective
) -> tuple[dict, dict]:
    """Write `parameters.png`, `curves.png` and `importance.json` into the search folder `directory`.

    Args:
        directory: the search folder.
        rows: its trials (`zoo.tune.read_trials`).
        space: the searched hyperparameters' names.
        objective: the score they are read by.

    Returns:
        `(files, shares)`: `{"parameters": path, "curves": path, "importance": path}` and `importance`'s result.
    """
    directory = pathlib.Path(directory)
    files = {name: directory / f"{name}.{ext}" for name, ext in
             (("parameters", "png"), ("curves", "png"), ("importance", "json"))}  # fmt: skip
    plot_parameters(rows, space, objective, files["parameters"])
    plot_curves(directory, files["curves"])
    shares = importance(rows, space, objective)
    write_json_atomically(files["importance"], {"objective": str(objective), "method": "eta squared", **shares})
    return files, shares
