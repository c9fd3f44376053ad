"""The FCNs' argument checks that need no Keras (their builder runs them first; the registry lists them in the
models' `checks`, so the command line runs them before it imports Keras)."""

from __future__ import annotations

from zoo.validation import check_positive_int


def check_fcn_head(model_name, *, fc_units, fc_kernel) -> None:
    """The convolutionalized fc6's channels and kernel size."""
    for arg, value in (("fc_units", fc_units), ("fc_kernel", fc_kernel)):
        check_positive_int(f"{model_name}: {arg}", value)
