"""The end of a search: a table of trials sorted by score, result files and plots."""

from __future__ import annotations

import json
import pathlib

from zoo.tune.figures import write_figures
from zoo.tune.objectives import objectives_text, pareto_front, read_objectives
from zoo.tune.searching import format_table, plot_scores, total_epochs, write_results
from zoo.tune.trials import best_settings, read_trials, sorted_trials


def print_report(directory, model=None) -> dict:
    """Print the trials of the search in `directory`, best first by its first objective, and write its results
    and plots.

    Writes `results.csv`, `results.json`, `scores.png` (score by trial, best so far), `parameters.png` (score
    against each hyperparameter), `curves.png` (every trial's learning curve) and `importance.json`
    (`zoo.tune.figures.importance`); with several objectives, the table's `pareto` column
    marks the trials on the Pareto front (`zoo.tune.objectives.pareto_front`), which `results.json` records too.
    A search over `units` and `num_layers` of a text_generator also gets the units-versus-depth heat map, the
    loss-against-parameters plot and the equal-parameter verdict. Returns the written files.
    """
    directory = pathlib.Path(directory)
    settings = json.loads((directory / "search.json").read_text())
    space = list(settings.get("space", {}))
    objectives = read_objectives(settings.get("objective"))
    rows = sorted_trials(read_trials(directory), objectives[0])
    if not rows:
        print("no trials yet")
        return {}
    named = [o.name for o in objectives]
    metrics = [m for m in dict.fromkeys(("val_bpc", "val_accuracy", *named)) if any(m in r for r in rows)]
    columns = list(dict.fromkeys([*space, *metrics, "params", "seconds", "epochs_run", "status"]))  # params once
    stopped = [r for r in rows if "stopped_at_epoch" in r]
    if stopped:
        columns.append("stopped_at_epoch")
    if len(objectives) > 1:
        front = pareto_front([r for r in rows if r["status"] == "COMPLETED"], objectives)
        rows = [dict(r, pareto="*" if r["trial_id"] in front else "") for r in rows]
        columns.append("pareto")
    first = objectives[0]
    ranking = f"ranked by {first.name} ({first.wording})"
    if len(objectives) > 1:
        ranking += f"; * marks the Pareto front of {objectives_text(objectives)}"
    print("\n" + ranking)
    print(format_table(rows, columns))
    done = [r for r in rows if r["status"] == "COMPLETED"]
    early = f" ({len(stopped)} stopped early by the median rule)" if stopped else ""
    print(f"\n{len(done)} of {len(rows)} trials completed{early}, {total_epochs(rows)} epochs trained in all")
    if done and "model" in settings:  # a search of zoo.tune's hypermodels, which name their model
        print("train the best trial's settings with a budget of yours: " + best_settings(directory).command())
    files = write_results(rows, directory)
    files["scores"] = directory / "scores.png"
    plot_scores(rows, files["scores"], objectives[0])
    figures, shares = write_figures(directory, rows, space, objectives[0])
    files.update(figures)
    if len(shares) > 1:
        ranked = sorted(shares.items(), key=lambda item: -item[1])
        print("importance (share of the score's variance each value alone explains, eta squared): "
              + ", ".join(f"{name} {share:.2f}" for name, share in ranked))  # fmt: skip
    if (model or settings.get("model")) == "text_generator" and {"units", "num_layers"} <= set(space):
        from zoo.tune.study import report_study

        study = report_study(directory)
        files.update(study.files)
        print(describe_verdict(study.verdict))
    print("written: " + ", ".join(str(p) for p in files.values()))
    return files


def describe_verdict(verdict: dict) -> str:
    """One sentence on whether depth beat width at equal parameter count."""
    if verdict["answer"] == "undecided":
        return "No two trials of different depth have parameter counts within 25%: no equal-parameter verdict."
    return (
        f"At about equal parameter count the deeper model had the lower validation bits per character in "
        f"{verdict['deeper_wins']} of {verdict['pairs']} pairs (mean gain {verdict['mean_gain']:+.3f} bits): "
        + {"depth": "depth beats width.", "width": "width beats depth.", "mixed": "no clear winner."}[verdict["answer"]]
    )
