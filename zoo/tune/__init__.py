"""Tuning registry models with keras-tuner (``pip install "keras-study-zoo[tune]"``).

- :func:`hypermodel`: a ``keras_tuner.HyperModel`` for any registered model,
  its search space taken from the registry's ``tunable`` declaration.
- :func:`search`: run or resume a search (grid, random, bayesian,
  hyperband) in a directory; :class:`ResumableGridOracle` is a grid search
  that survives a kill.
- :func:`units_vs_depth`: note 004's question, measured.
- :mod:`zoo.tune.spaces`: the registry's ``tunable`` declarations as hyperparameters.

``import zoo.tune`` (and :mod:`zoo.tune.spaces`, which checks a ``--space`` before anything
slow starts) imports neither keras-tuner nor Keras; the names below import them on first use.
"""

import importlib

_WHERE = {
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
    "parse_space_option": "spaces",
    "read_trials": "searching",
    "search": "searching",
    "search_space": "spaces",
    "sorted_trials": "searching",
    "text_search_data": "searching",
    "total_epochs": "searching",
    "units_vs_depth": "study",
    "write_results": "searching",
}

__all__ = sorted(_WHERE)


def require_keras_tuner() -> None:
    """Raise an ImportError that names zoo's extra when keras-tuner is not installed."""
    try:
        import keras_tuner  # noqa: F401
    except ImportError as err:  # pragma: no cover - depends on the installed extras
        raise ImportError(
            "zoo.tune needs keras-tuner: pip install 'keras-study-zoo[tune]' (or '.[tune]' from a checkout)."
        ) from err


def __getattr__(name):
    if name in _WHERE:
        if _WHERE[name] != "spaces":
            require_keras_tuner()
        value = getattr(importlib.import_module(f"zoo.tune.{_WHERE[name]}"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'zoo.tune' has no attribute {name!r}")


def __dir__():
    return sorted(set(globals()) | set(__all__))
