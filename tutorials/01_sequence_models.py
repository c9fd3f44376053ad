# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 01 · Sequence models: autoregressive, Markov and latent models on real data
#
# Mirrors **note 001** (*Sequential Model*) and the RNN part of **note 002**
# (*2023-08-02 TIL*), concepts S1–S5 of the concept list (`zoo tutorials --concepts`).
#
# The notes make five points:
#
# - **S1** sequential data (순차 데이터) has no fixed length, so fully connected and
#   convolution layers cannot take it directly;
# - **S2** a naive sequence model conditions on the whole, growing past;
# - **S3** an *autoregressive model* (자기회귀 모델) looks at a fixed window of the last τ values;
# - **S4** a *Markov model* (first-order autoregressive) looks only at the previous value
#   (마르코프 특성: the present depends only on the immediate past);
# - **S5** a *latent autoregressive model* keeps a hidden state that summarises the past.
#
# We build each one from scratch, then use the library's registered forecasters,
# on a real series that ships with zoo: the yearly sunspot numbers 1700–2008.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import matplotlib.pyplot as plt
import numpy as np

import zoo
from zoo.data.series import load_sunspots, sliding_windows

years, spots = load_sunspots()
print(f"{len(spots)} yearly values, {int(years[0])}-{int(years[-1])}; mean {spots.mean():.1f}, max {spots.max():.0f}")
plt.figure(figsize=(8, 2.5))
plt.plot(years, spots)
plt.ylabel("sunspot number")
plt.show()

# %% [markdown]
# ## S1 · No fixed length
# A `Dense` layer is built for one input size; a recurrent layer takes any length.
# We check both claims directly.

# %%
import keras

dense_model = keras.Sequential([keras.Input((10,)), keras.layers.Dense(1)])
try:
    dense_model(np.zeros((1, 12), "float32"))
    s1_dense_fails = False
except Exception as err:  # Keras raises ValueError for the shape mismatch
    s1_dense_fails = True
    print("Dense on 12 values when built for 10:", type(err).__name__)

latent = zoo.create_model("latent_forecaster")
for length in (5, 12, 50):
    print(
        f"latent_forecaster on a window of {length:2d} years ->", latent(spots[None, :length].astype("float32")).shape
    )
assert s1_dense_fails

from zoo.tutorials import claim

claim(
    "S1",
    "holds" if s1_dense_fails else "does not hold",
    "a Dense layer built for 10 inputs refuses 12; the recurrent latent_forecaster reads 5, 12 and 50 years",
)

# %% [markdown]
# ## S2 · The naive model's growing past
# To predict x_t from *all* of x_1 … x_{t-1}, the input grows by one each year: in
# 2008 a naive model would need 308 inputs, and a different number every year.
# That is why the notes move on to fixed windows.

# %%
print("inputs needed at t = 10, 100, 308:", [t - 1 for t in (10, 100, 308)])

# %% [markdown]
# ## S3, S4 · Autoregressive and Markov models from scratch
# A linear AR(τ) model predicts x_t = w·(x_{t-τ}, …, x_{t-1}) + b. With the windows as
# rows of a matrix, least squares fits it in one line. τ = 1 is the Markov model.
# We fit on the first 70% of the years and test on the rest (standardised values).

# %%
split = int(0.7 * len(spots))
mean, std = spots[:split].mean(), spots[:split].std()
z = (spots - mean) / std


def fit_ar(series, tau):
    x, y = sliding_windows(series, tau)
    coef = np.linalg.lstsq(np.c_[x, np.ones(len(x))], y, rcond=None)[0]
    return coef


def one_step_rmse(coef, tau):
    x, y = sliding_windows(z[split - tau :], tau)  # test targets are years split ... end
    pred = x @ coef[:-1] + coef[-1]
    return float(np.sqrt(np.mean((pred - y) ** 2)) * std)


scratch = {tau: one_step_rmse(fit_ar(z[:split], tau), tau) for tau in (1, 2, 4, 8, 16)}
persistence = float(np.sqrt(np.mean((spots[split:] - spots[split - 1 : -1]) ** 2)))
print("one-step RMSE on the test years (sunspot units)")
print(f"  persistence (x_t = x_t-1): {persistence:.1f}")
for tau, err in scratch.items():
    print(f"  linear AR({tau:2d}){' = Markov' if tau == 1 else '         '}: {err:.1f}")

# %% [markdown]
# **Measured claim (S4):** the Markov model keeps only the previous value, so it should
# lose to a model with a longer window on a series with an 11-year cycle.

# %%
best_tau = min(scratch, key=scratch.get)
claim(
    "S4",
    "holds" if scratch[best_tau] < scratch[1] else "does not hold",
    f"one-step RMSE on the test years: a window of tau = {best_tau} gives {scratch[best_tau]:.1f} sunspots, "
    f"the Markov model (tau = 1) {scratch[1]:.1f}",
)

# %% [markdown]
# ## S3–S5 with the library
# `zoo.studies.sequence_models.compare_forecasters` fits the registered forecasters
# (`autoregressive_forecaster` with τ = 1 and τ = 4, `latent_forecaster`, a GRU whose
# hidden state summarises a 32-year window) plus linear AR and persistence. It scores
# **one-step** forecasts (from the true past) and **k-step** forecasts, where a model
# feeds its own predictions back in k times.

# %%
from zoo.studies.sequence_models import compare_forecasters, plot_forecasts, rmse_table

result = compare_forecasters(spots, epochs=40 if SMOKE else 300, horizons=(1, 2, 4, 8, 16))
print(rmse_table(result))

# %%
fig, axes = plt.subplots(1, 2, figsize=(12, 3.5))
plot_forecasts(result, years, ax=axes[0])
axes[0].set_title("one-step forecasts on the test years")
for name, row in result["rmse"].items():
    axes[1].plot(result["horizons"], row, marker="o", label=name)
axes[1].set_xscale("log", base=2)
axes[1].set_xlabel("horizon k (years ahead)")
axes[1].set_ylabel("RMSE")
axes[1].legend(fontsize=7)
axes[1].set_title("error against horizon")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## Verdicts, from the numbers above

# %%
rmse = result["rmse"]
one = {k: v[0] for k, v in rmse.items()}
far = {k: v[-1] for k, v in rmse.items()}
learned = [k for k in rmse if k != "persistence"]
print(
    "1. Every model beats persistence one step ahead:",
    all(one[k] < one["persistence"] for k in learned),
    {k: round(v, 1) for k, v in one.items()},
)
print("2. Errors grow with the horizon (k=1 -> k=16) for every model:", all(far[k] > one[k] for k in rmse))
print("3. A window of 4 beats the Markov model at k=1:", one["AR(4) MLP"] < one["Markov (tau=1) MLP"])
best_far = min(far, key=far.get)
print(
    f"4. Best 16-year-ahead model: {best_far} ({far[best_far]:.1f});"
    f" latent GRU {far['latent GRU']:.1f}, Markov {far['Markov (tau=1) MLP']:.1f}"
)
assert all(far[k] > one[k] for k in rmse)

# %% [markdown]
# What to take away:
#
# - one step ahead, any model that looks at the recent past does well;
# - many steps ahead, errors compound because each prediction is fed back in, and a
#   model that knows only the last value (Markov) cannot know where in the 11-year
#   cycle it is;
# - the latent model's hidden state is the RNN idea of the next notebook: a fixed-size
#   summary of an arbitrarily long past (S5).
