"""Note 004's question, measured: is a deeper LSTM better than a wider one?

`units_vs_depth` trains a `text_generator` for every pair of
`units` x `num_layers` (and optionally every cell) with the same budget
(the same number of batches of the same windows), records the validation
bits per character, parameter count and time, and answers the note's claim
(concept L15 in zoo.concepts, "stack layers rather than add units") from the trials
whose parameter counts match.
"""

from __future__ import annotations

import dataclasses
import pathlib

from zoo.plotting import save_figure
from zoo.tune.hypermodels import hypermodel
from zoo.tune.searching import search, text_search_data, write_results
from zoo.tune.trials import read_trials, sorted_trials


@dataclasses.dataclass
class StudyResult:
    """The trials of a units-versus-depth study, where they were written, and the verdict."""

    rows: list
    files: dict
    verdict: dict

    def table(self) -> str:
        """The trials as a text table, best first."""
        from zoo.tune.searching import format_table

        names = ("cell", "units", "num_layers", "val_bpc", "params", "seconds")
        cols = [c for c in names if any(c in r for r in self.rows)]
        return format_table(sorted_trials(self.rows), cols)


def matched_pairs(rows, tolerance=0.25, key="val_bpc", depth="num_layers", width="units") -> list:
    """Pairs (deeper, shallower) of completed trials whose parameter counts differ by at most `tolerance`.

    Only trials with the same values of every other searched argument (the
    cell, say) are paired. Each pair is `(deep_row, shallow_row)`.
    """
    done = [r for r in rows if r.get("status") == "COMPLETED" and key in r]
    others = [k for k in done[0] if k not in (depth, width) and not _is_metric(k)] if done else []
    pairs = []
    for deep in done:
        for shallow in done:
            if deep[depth] <= shallow[depth] or any(deep.get(k) != shallow.get(k) for k in others):
                continue
            ratio = deep["params"] / shallow["params"]
            if 1 / (1 + tolerance) <= ratio <= 1 + tolerance:
                pairs.append((deep, shallow))
    return pairs


_METRICS = {"val_loss", "val_bpc", "loss", "params", "seconds", "epochs_run", "val_accuracy", "status", "trial_id"}


def _is_metric(key: str) -> bool:
    return key in _METRICS or key.startswith("tuner_")


def depth_verdict(rows, tolerance=0.25, key="val_bpc") -> dict:
    """Does depth beat width at (about) equal parameter count? Decided by the measurements.

    For every pair of trials within `tolerance` in parameter count, the
    deeper one "wins" if its `key` is lower. The verdict says `"depth"`
    when the deeper model wins in more than two thirds of the pairs,
    `"width"` when it loses in more than two thirds, else `"mixed"`
    (and `"undecided"` without any pair).
    """
    pairs = matched_pairs(rows, tolerance, key)
    if not pairs:
        return {"answer": "undecided", "pairs": 0, "deeper_wins": 0, "mean_gain": None, "details": []}
    gains = [shallow[key] - deep[key] for deep, shallow in pairs]  # > 0: the deeper one is better
    wins = sum(g > 0 for g in gains)
    share = wins / len(pairs)
    answer = "depth" if share > 2 / 3 else "width" if share < 1 / 3 else "mixed"
    details = [
        {
            "deep": f"{d['num_layers']}x{d['units']}",
            "shallow": f"{s['num_layers']}x{s['units']}",
            "deep_params": d["params"],
            "shallow_params": s["params"],
            f"deep_{key}": d[key],
            f"shallow_{key}": s[key],
            **({"cell": d["cell"]} if "cell" in d else {}),
        }
        for d, s in pairs
    ]
    return {
        "answer": answer,
        "pairs": len(pairs),
        "deeper_wins": wins,
        "mean_gain": sum(gains) / len(gains),
        "details": details,
    }


def plot_heatmap(rows, path, value="val_bpc", cell=None) -> None:
    """Units x layers coloured by `value`, each square annotated with the value and the parameter count."""
    import numpy as np
    from matplotlib.figure import Figure  # no pyplot: leaves the caller's backend (a notebook's inline) alone

    cells = sorted({r.get("cell") for r in rows if value in r}, key=str) if cell is None else [cell]
    fig = Figure(figsize=(4.8 * len(cells), 4))
    axes = fig.subplots(1, len(cells), squeeze=False)
    for ax, c in zip(axes[0], cells, strict=True):
        sub = [r for r in rows if value in r and r.get("cell") == c]
        units = sorted({r["units"] for r in sub})
        layers = sorted({r["num_layers"] for r in sub})
        grid = np.full((len(layers), len(units)), np.nan)
        for r in sub:
            grid[layers.index(r["num_layers"]), units.index(r["units"])] = r[value]
        im = ax.imshow(grid, cmap="viridis_r", origin="lower", aspect="auto")
        lo, hi = np.nanmin(grid), np.nanmax(grid)
        for r in sub:
            i, j = layers.index(r["num_layers"]), units.index(r["units"])
            bright = hi == lo or (r[value] - lo) / (hi - lo) < 0.5  # low values are the yellow end of viridis_r
            text = f"{r[value]:.3f}\n{_short(r['params'])}"
            ax.text(j, i, text, ha="center", va="center", fontsize=8, color="k" if bright else "w")
        ax.set_xticks(range(len(units)), units)
        ax.set_yticks(range(len(layers)), layers)
        ax.set_xlabel("units per layer")
        ax.set_ylabel("layers")
        ax.set_title(f"{value}" + (f" ({c})" if c else ""))
        fig.colorbar(im, ax=ax)
    fig.tight_layout()
    save_figure(fig, path)


def plot_loss_vs_params(rows, path, value="val_bpc") -> None:
    """Validation loss against parameter count (log scale), one line per depth (and cell)."""
    from matplotlib.figure import Figure  # no pyplot: leaves the caller's backend (a notebook's inline) alone

    fig = Figure(figsize=(6, 4))
    ax = fig.subplots()
    groups = sorted({(r.get("cell") or "", r["num_layers"]) for r in rows if value in r})
    for c, n in groups:
        sub = sorted(
            (r for r in rows if value in r and (r.get("cell") or "") == c and r["num_layers"] == n),
            key=lambda r: r["params"],
        )
        label = f"{n} layer{'s' if n > 1 else ''}" + (f" {c}" if c else "")
        ax.plot([r["params"] for r in sub], [r[value] for r in sub], "o-" if c != "gru" else "s--", label=label)
    ax.set_xscale("log")
    ax.set_xlabel("parameters")
    ax.set_ylabel(value)
    ax.legend(fontsize=8)
    ax.grid(alpha=0.3)
    fig.tight_layout()
    save_figure(fig, path)


def _short(n: float) -> str:
    return f"{n / 1e6:.2f}M" if n >= 1e6 else f"{n / 1e3:.0f}k" if n >= 1e3 else f"{n:.0f}"


def report_study(directory, tolerance=0.25) -> StudyResult:
    """Read the trials in `directory` and write the table, the two plots and the verdict there."""
    directory = pathlib.Path(directory)
    rows = sorted_trials(read_trials(directory))
    files = write_results(rows, directory)
    done = [r for r in rows if "val_bpc" in r]
    if done:
        files["heatmap"] = directory / "heatmap.png"
        files["loss_vs_params"] = directory / "loss_vs_params.png"
        plot_heatmap(done, files["heatmap"])
        plot_loss_vs_params(done, files["loss_vs_params"])
    verdict = depth_verdict(rows, tolerance)
    from zoo.json_files import write_json_atomically

    files["verdict"] = directory / "verdict.json"
    write_json_atomically(files["verdict"], verdict)
    return StudyResult(rows, files, verdict)


def units_vs_depth(
    corpus="stdlib",
    *,
    units=(32, 64, 128, 256, 512),
    layers=(1, 2, 3, 4),
    cells=("lstm",),
    directory="runs/units_vs_depth",
    epochs=3,
    steps_per_epoch=100,
    validation_steps=20,
    seq_len=64,
    batch_size=32,
    embedding_dim=64,
    learning_rate=3e-3,
    clipnorm=1.0,
    max_chars=2_000_000,
    tuner="grid",
    tolerance=0.25,
    seed=0,
    verbose=1,
) -> StudyResult:
    """Grid of `units` x `layers` (x `cells`) text generators on `corpus`, equal budget per trial.

    Every trial trains `epochs` x `steps_per_epoch` batches of the same
    windows from the same initial seed, and is scored by its best
    validation bits per character. The search is resumable: run it again
    with the same `directory` after an interruption. `tuner="hyperband"`
    searches the same space with Hyperband (`epochs` is then the most any
    trial gets).

    Returns a `StudyResult` whose `files` are `results.csv`,
    `results.json`, `heatmap.png`, `loss_vs_params.png` and
    `verdict.json` in `directory`.
    """
    data = text_search_data(
        corpus,
        max_chars=max_chars,
        seq_len=seq_len,
        batch_size=batch_size,
        steps_per_epoch=steps_per_epoch,
        validation_steps=validation_steps,
        seed=seed,
    )
    space = {"units": tuple(units), "num_layers": tuple(layers)}
    if len(cells) > 1:
        space["cell"] = tuple(cells)
    fixed = {"cell": cells[0]} if len(cells) == 1 else {}
    hm = hypermodel(
        "text_generator",
        space,
        learning_rate=learning_rate,
        clipnorm=clipnorm,
        seed=seed,
        embedding_dim=embedding_dim,
        **fixed,
        **data.fixed,
    )
    settings = {
        "study": "units_vs_depth",
        "corpus": str(corpus),
        "cells": list(cells),
        "steps_per_epoch": steps_per_epoch,
        "seq_len": seq_len,
        "batch_size": batch_size,
        "embedding_dim": embedding_dim,
        "learning_rate": learning_rate,
    }
    search(hm, data, directory, tuner=tuner, epochs=epochs, seed=seed, verbose=verbose, settings=settings)
    return report_study(directory, tolerance)
