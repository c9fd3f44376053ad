"""Tuning registry models with keras-tuner (``pip install "keras-study-zoo[tune]"``).

- :func:`hypermodel`: a ``keras_tuner.HyperModel`` for any registered model,
  its search space taken from the registry's ``tunable`` declaration.
- :func:`search`: run or resume a search (grid, random, bayesian,
  hyperband) in a directory; :class:`ResumableGridOracle` is a grid search
  that survives a kill.
- :func:`units_vs_depth`: note 004's question, measured.
"""

try:
    import keras_tuner  # noqa: F401
except ImportError as err:  # pragma: no cover - depends on the installed extras
    raise ImportError(
        "zoo.tune needs keras-tuner: pip install 'keras-study-zoo[tune]' (or '.[tune]' from a checkout)."
    ) from err

from zoo.search_spaces import parse_space_option, search_space
from zoo.tune.hypermodel import ZooHyperModel, ensure_built, hypermodel
from zoo.tune.oracles import ResumableGridOracle
from zoo.tune.search import (
    TUNERS,
    SearchData,
    format_table,
    image_search_data,
    make_tuner,
    read_trials,
    search,
    sorted_trials,
    text_search_data,
    total_epochs,
    write_results,
)
from zoo.tune.study import StudyResult, depth_verdict, units_vs_depth

__all__ = [
    "TUNERS",
    "ResumableGridOracle",
    "SearchData",
    "StudyResult",
    "ZooHyperModel",
    "depth_verdict",
    "ensure_built",
    "format_table",
    "hypermodel",
    "image_search_data",
    "make_tuner",
    "parse_space_option",
    "read_trials",
    "search",
    "search_space",
    "sorted_trials",
    "text_search_data",
    "total_epochs",
    "units_vs_depth",
    "write_results",
]
