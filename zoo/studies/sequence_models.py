"""Sequence models on a real series (notes 001 and 002, concepts S1-S5).

Compares, on the yearly sunspot numbers, how well each model predicts one
step ahead (from true history) and k steps ahead (feeding its own
predictions back in):

- persistence (x_{t+k} = x_t), the baseline every model must beat;
- linear AR(tau) fitted by least squares;
- Markov model (tau = 1) and autoregressive MLP (tau), from the registry;
- latent autoregressive GRU, whose hidden state summarises a long window.
"""

from __future__ import annotations

import keras
import numpy as np

from zoo.data.series import load_sunspots, sliding_windows


def recursive_forecast(predict, windows, steps: int) -> np.ndarray:
    """Forecast `steps` values after each row of `windows` by feeding predictions back.

    `predict` maps `(n, width)` windows to `(n,)` next values. Returns `(n, steps)`.
    """
    windows = np.array(windows, dtype=np.float32)
    out = np.zeros((len(windows), steps), np.float32)
    for k in range(steps):
        out[:, k] = keras.ops.convert_to_numpy(predict(windows)).reshape(-1)
        windows = np.concatenate([windows[:, 1:], out[:, k : k + 1]], axis=1)
    return out


def _fit_keras(model, x, y, epochs, seed):
    import keras

    keras.utils.set_random_seed(seed)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(x, y, epochs=epochs, batch_size=32, verbose=0, shuffle=True)
    return lambda w: model.predict(w, verbose=0, batch_size=1024)[:, 0]


def compare_forecasters(
    series=None, *, train_fraction=0.7, tau=4, context=32, horizons=(1, 2, 4, 8, 16), epochs=200, seed=0
) -> dict:
    """Fit every model on the first part of `series` and score forecasts on the rest.

    Returns `{"horizons": [...], "rmse": {model: [rmse per horizon]},
    "forecasts": {model: (steps,) forecast from the test start}, "split": index,
    "series": values}`. RMSE is in the series' own units; every model is
    scored on the same test targets.
    """
    from zoo.factory import create_model

    if series is None:
        series = load_sunspots()[1]
    series = np.asarray(series, dtype=np.float32)
    split = int(len(series) * train_fraction)
    mean, std = series[:split].mean(), series[:split].std()
    z = (series - mean) / std
    max_h = max(horizons)

    # Test windows share one set of start points: each needs `context` values before t.
    starts = np.arange(max(split, context), len(z) - max_h + 1)
    history = np.stack([z[s - context : s] for s in starts])
    targets = np.stack([z[s : s + max_h] for s in starts])

    predictors = {"persistence": lambda w: w[:, -1]}
    xw, yw = sliding_windows(z[:split], tau)
    design = np.c_[xw, np.ones(len(xw))]
    coef = np.linalg.lstsq(design, yw, rcond=None)[0]
    predictors[f"linear AR({tau})"] = lambda w: w[:, -tau:] @ coef[:-1] + coef[-1]
    x1, y1 = sliding_windows(z[:split], 1)
    markov = _fit_keras(create_model("autoregressive_forecaster", tau=1), x1, y1, epochs, seed)
    predictors["Markov (tau=1) MLP"] = lambda w: markov(w[:, -1:])
    mlp = _fit_keras(create_model("autoregressive_forecaster", tau=tau), xw, yw, epochs, seed)
    predictors[f"AR({tau}) MLP"] = lambda w: mlp(w[:, -tau:])
    xc, yc = sliding_windows(z[:split], context)
    predictors["latent GRU"] = _fit_keras(create_model("latent_forecaster"), xc, yc, max(epochs // 4, 1), seed)

    rmse, forecasts = {}, {}
    for name, predict in predictors.items():
        pred = recursive_forecast(predict, history, max_h)
        err = (pred - targets) * std
        rmse[name] = [float(np.sqrt(np.mean(err[:, h - 1] ** 2))) for h in horizons]
        forecasts[name] = pred[0] * std + mean
    return {
        "horizons": list(horizons),
        "rmse": rmse,
        "forecasts": forecasts,
        "start": int(starts[0]),
        "series": series,
        "one_step": {name: recursive_forecast(p, history, 1)[:, 0] * std + mean for name, p in predictors.items()},
    }


def rmse_table(result) -> str:
    """A plain-text table of RMSE by model and horizon."""
    head = "model".ljust(22) + "".join(f"{h:>9}-step" for h in result["horizons"])
    lines = [head, "-" * len(head)]
    for name, row in result["rmse"].items():
        lines.append(name.ljust(22) + "".join(f"{v:14.1f}" for v in row))
    return "\n".join(lines)


def plot_forecasts(result, years=None, ax=None):
    """Plot the test series with each model's one-step predictions."""
    import matplotlib.pyplot as plt

    series = result["series"]
    years = np.arange(len(series)) if years is None else years
    start = result["start"]
    n = len(next(iter(result["one_step"].values())))
    if ax is None:
        _, ax = plt.subplots(figsize=(8, 3.5))
    ax.plot(years[start - 20 : start + n], series[start - 20 : start + n], color="black", lw=2, label="observed")
    for name, pred in result["one_step"].items():
        if name != "persistence":
            ax.plot(years[start : start + n], pred, lw=1, label=f"{name} (1-step)")
    ax.set_ylabel("sunspot number")
    ax.legend(fontsize=7, ncol=2)
    return ax
