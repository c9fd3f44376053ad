"""Tuning registry models with keras-tuner (a dependency of `keras-study-zoo`).

- `hypermodel`: a `keras_tuner.HyperModel` for any registered model,
  its search space taken from the registry's `tunable` declaration.
- `search`: run or resume a search (grid, random, bayesian,
  hyperband) in a directory; `ResumableGridOracle` is a grid search
  that survives a kill.
- `units_vs_depth`: note 004's question, measured.
- `zoo.tune.spaces`: the registry's `tunable` declarations as hyperparameters.
- `best_settings`: the best (or a named) trial's settings, which `zoo train MODEL
  --from-search DIR` trains (`zoo.tune.trials`).
- `MedianStopping`: weak trials stopped early by the median rule (`zoo.tune.stopping`).
- `parse_objectives`, `pareto_front`: what a search ranks by, the task's metrics with
  their directions, and the trials no other beats on all of them (`zoo.tune.objectives`).

`import zoo.tune` (and `zoo.tune.spaces`, which checks a `--space` before anything
slow starts, `zoo.tune.objectives` and `zoo.tune.trials`, which reads a search folder) imports neither
keras-tuner nor Keras; the other names below import them on first use.
"""

from zoo.errors import MissingDependencyError
from zoo.lazy_exports import lazy_exports

_WHERE = {
    "MedianStopping": "stopping",
    "ResumableGridOracle": "oracles",
    "SearchData": "searching",
    "StudyResult": "study",
    "TUNERS": "searching",
    "ZooHyperModel": "hypermodels",
    "depth_verdict": "study",
    "ensure_built": "hypermodels",
    "format_table": "searching",
    "hypermodel": "hypermodels",
    "image_search_data": "searching",
    "make_tuner": "searching",
    "parse_objectives": "objectives",
    "parse_space_option": "spaces",
    "pareto_front": "objectives",
    "BestSettings": "trials",
    "Objective": "objectives",
    "best_settings": "trials",
    "read_trials": "trials",
    "search": "searching",
    "scene_search_data": "searching",
    "search_space": "spaces",
    "sorted_trials": "trials",
    "task_search_data": "searching",
    "text_search_data": "searching",
    "total_epochs": "searching",
    "units_vs_depth": "study",
    "write_results": "searching",
}


def require_keras_tuner() -> None:
    """Raise an ImportError naming zoo's distribution when keras-tuner is missing (a broken install).

    It looks for the package without importing it, which would import Keras and TensorFlow: the
    `zoo tune --workers` launcher checks it too, and only starts processes.
    """
    import importlib.util

    if importlib.util.find_spec("keras_tuner") is None:  # pragma: no cover - depends on the installed packages
        raise MissingDependencyError(
            "zoo.tune needs keras-tuner, a dependency of keras-study-zoo that is missing here: "
            "pip install --force-reinstall keras-study-zoo (or '.' from a checkout)."
        )


def _needs_keras_tuner(name: str) -> None:
    if _WHERE[name] not in ("spaces", "trials", "objectives"):
        require_keras_tuner()


__getattr__, __dir__, __all__ = lazy_exports(
    __name__, {name: f"zoo.tune.{module}" for name, module in _WHERE.items()}, before_import=_needs_keras_tuner
)
