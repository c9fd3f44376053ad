"""Real time series that ship with zoo."""

from __future__ import annotations

import pathlib

import numpy as np

from zoo.errors import InputError

_HERE = pathlib.Path(__file__).resolve().parent


def load_sunspots() -> tuple:
    """Yearly mean sunspot numbers 1700-2008: `(years, values)` as float arrays.

    Public-domain NOAA data, as statsmodels ships it (`sunspots_yearly.csv`).
    """
    data = np.loadtxt(_HERE / "sunspots_yearly.csv", delimiter=",", skiprows=2)
    return data[:, 0], data[:, 1]


def sliding_windows(series, width: int, horizon: int = 1) -> tuple:
    """Inputs `series[t-width:t]` and targets `series[t+horizon-1]` for every valid t.

    Returns `(windows, targets)` of shapes `(n, width)` and `(n,)`.
    """
    series = np.asarray(series, dtype=np.float32)
    if width < 1 or horizon < 1:
        raise InputError(f"width and horizon must be >= 1, got {width!r} and {horizon!r}.")
    n = len(series) - width - horizon + 1
    if n < 1:
        raise InputError(f"A series of {len(series)} values is too short for width={width}, horizon={horizon}.")
    idx = np.arange(width)[None, :] + np.arange(n)[:, None]
    return series[idx], series[width + horizon - 1 : width + horizon - 1 + n]
