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
# # 05 · The GRU: two gates, no cell state, and is it better for small data?
#
# Mirrors the GRU parts of **note 000**, **note 001** and **note 002**; concepts L9–L11.
#
# - **L9** the GRU has a reset gate r_t (리셋 게이트; *r_t가 0이면 완전히 잊는 것*) and an
#   update gate z_t (업데이트 게이트), an intermediate hidden state g_t (중간 은닉 상태)
#   and the final h_t (최종 은닉 상태); no cell state;
# - **L10** the GRU has fewer parameters than the LSTM;
# - **L11** neither is better in general; note 000 advises the GRU for little data and
#   the LSTM for much (*데이터 양이 적으면 GRU를 쓰고 데이터 양이 많으면 LSTM 추천*).
#
# Equations (Keras's convention, where z_t = 1 keeps the old state):
#
# $$z_t = \sigma(W_{xz} x_t + W_{hz} h_{t-1} + b_z) \qquad r_t = \sigma(W_{xr} x_t + W_{hr} h_{t-1} + b_r)$$
#
# $$g_t = \tanh\big(W_{xg} x_t + W_{hg} (r_t \odot h_{t-1}) + b_g\big) \qquad
# h_t = z_t \odot h_{t-1} + (1 - z_t) \odot g_t$$

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import keras
import matplotlib.pyplot as plt
import numpy as np

import zoo
from zoo.tutorials import claim

keras.utils.set_random_seed(0)  # a fresh run draws the same weights, batches and dropout

rng = np.random.default_rng(0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# %% [markdown]
# ## From scratch: the original GRU (reset before the matrix product)


# %%
def gru_step(x, h, kernel, recurrent_kernel, bias):
    units = h.shape[-1]
    x_z, x_r, x_g = np.split(x @ kernel + bias, 3, axis=-1)
    z = sigmoid(x_z + h @ recurrent_kernel[:, :units])
    r = sigmoid(x_r + h @ recurrent_kernel[:, units : 2 * units])
    g = np.tanh(x_g + (r * h) @ recurrent_kernel[:, 2 * units :])
    return z * h + (1 - z) * g, {"z": z, "r": r, "g": g}


units, features = 6, 4
reference = keras.layers.GRU(units, reset_after=False, return_sequences=True)
reference.build((None, None, features))
weights = [rng.normal(0, 0.4, w.shape).astype("float32") for w in reference.get_weights()]
reference.set_weights(weights)
xs = rng.normal(size=(2, 9, features)).astype("float32")
h = np.zeros((2, units))
outs = []
for t in range(xs.shape[1]):
    h, _ = gru_step(xs[:, t], h, *weights)
    outs.append(h)
scratch = np.stack(outs, 1)
print("scratch vs keras GRU(reset_after=False):", float(np.abs(scratch - np.asarray(reference(xs))).max()))
assert np.allclose(scratch, np.asarray(reference(xs)), atol=1e-5)

# %% [markdown]
# The library's `GRUCell` does both variants: `reset_after=False` (above) and Keras's
# default `reset_after=True`, which applies r_t after the matrix product and keeps a
# second bias (the form cuDNN uses).

# %%
for reset_after in (False, True):
    ref = keras.layers.GRU(units, reset_after=reset_after, return_sequences=True)
    ref.build((None, None, features))
    ref.set_weights([rng.normal(0, 0.4, w.shape).astype("float32") for w in ref.get_weights()])
    ours = keras.layers.RNN(zoo.layers.GRUCell(units, reset_after=reset_after), return_sequences=True)
    ours.build((None, None, features))
    ours.set_weights(ref.get_weights())
    diff = float(np.abs(np.asarray(ours(xs)) - np.asarray(ref(xs))).max())
    print(f"reset_after={reset_after}: zoo GRUCell vs keras GRU max difference {diff:.1e}")
    assert diff < 1e-5

# %% [markdown]
# ## L9 · A reset gate of 0 forgets the past
# Force r_t ≈ 0 through its bias: the candidate g_t must then be the same whatever
# h_{t-1} was.

# %%
kernel, recurrent_kernel, bias = weights
closed = bias.copy()
closed[units : 2 * units] = -50.0
x = xs[:, 0]
_, a = gru_step(x, rng.normal(size=(2, units)), kernel, recurrent_kernel, closed)
_, b = gru_step(x, rng.normal(size=(2, units)) * 10, kernel, recurrent_kernel, closed)
print("r = 0: candidate independent of h_(t-1):", np.allclose(a["g"], b["g"]))
assert np.allclose(a["g"], b["g"])

# %% [markdown]
# ## L10 · Parameter counts
# Per layer with m inputs and n units: a plain RNN has n(m + n + 1), the LSTM four such
# blocks, the GRU three (plus 3n for the second bias when `reset_after=True`). We count by
# formula and check against Keras.

# %%
print(f"{'m':>4} {'n':>4} {'SimpleRNN':>10} {'LSTM':>9} {'GRU':>9} {'GRU/LSTM':>9}")
for m, n in ((10, 16), (64, 128), (256, 512)):
    counts = {}
    for name, layer in (
        ("rnn", keras.layers.SimpleRNN(n)),
        ("lstm", keras.layers.LSTM(n)),
        ("gru", keras.layers.GRU(n)),
    ):
        layer.build((None, None, m))
        counts[name] = layer.count_params()
    block = n * (m + n + 1)
    assert counts["rnn"] == block and counts["lstm"] == 4 * block and counts["gru"] == 3 * block + 3 * n
    print(
        f"{m:4d} {n:4d} {counts['rnn']:10,d} {counts['lstm']:9,d} {counts['gru']:9,d} "
        f"{counts['gru'] / counts['lstm']:9.3f}"
    )
ratio = counts["gru"] / counts["lstm"]
claim(
    "L10",
    "holds" if counts["gru"] < counts["lstm"] else "does not hold",
    f"GRU {counts['gru']:,} against LSTM {counts['lstm']:,} parameters at m={m}, n={n} "
    f"({ratio:.3f}: three blocks of n(m + n + 1) against four), the same at every size above",
)

# %% [markdown]
# ## L11 · GRU against LSTM at two data sizes
# The note's advice, tested: train the same `text_generator` (2 layers) with each cell on
# a *small* slice of the stdlib corpus and on a *larger* one, with the same number of
# training steps, and compare validation bits per character. Small data means the model
# sees the same text many times; that is where fewer parameters might help.

# %%
budgets = {"small": 30_000, "large": 1_000_000}
epochs, steps = (2, 10) if SMOKE else (8, 60)
results = {}
for size_name, chars in budgets.items():
    corpus = zoo.data.load_corpus("stdlib", max_chars=chars)
    for cell in ("gru", "lstm"):
        result = zoo.train_text_generator(
            corpus, options=zoo.RunOptions(epochs=epochs, verbose=0, seed=0), steps_per_epoch=steps, cell=cell,
            units=96, num_layers=2,
        )  # fmt: skip
        model, rows = result.model, result.history
        results[size_name, cell] = (min(r["val_bpc"] for r in rows), rows[-1]["bpc"], model.count_params())
        print(
            f"{size_name:>5} data ({chars:>9,} chars), {cell}: best validation {results[size_name, cell][0]:.3f} "
            f"bits/char, final train {results[size_name, cell][1]:.3f}, {results[size_name, cell][2]:,} params"
        )

# %%
fig, ax = plt.subplots(figsize=(5, 3))
for i, cell in enumerate(("gru", "lstm")):
    ax.bar(np.arange(2) + 0.35 * i, [results[s, cell][0] for s in budgets], width=0.35, label=cell)
ax.set_xticks(np.arange(2) + 0.175, [f"{s}\n{c:,} chars" for s, c in budgets.items()])
ax.set_ylabel("best validation bits/char")
ax.legend()
plt.show()

gap = {size: results[size, "lstm"][0] - results[size, "gru"][0] for size in budgets}
for size, g in gap.items():
    better = "GRU" if g > 0 else "LSTM"
    print(f"{size:>5} data: {better} better by {abs(g):.3f} bits/char (LSTM minus GRU: {g:+.3f})")
gru_small, lstm_large = gap["small"] > 0, gap["large"] < 0
measured = (
    f"best validation bits/char, LSTM minus GRU: {gap['small']:+.3f} on {budgets['small']:,} characters, "
    f"{gap['large']:+.3f} on {budgets['large']:,}, equal steps"
)
if gru_small and lstm_large:
    claim("L11", "holds", f"{measured}: GRU ahead on little data, LSTM on much, as the rule of thumb says")
else:
    claim("L11", "does not hold", f"{measured}: the rule of thumb (GRU for little data, LSTM for much) fails here")

# %% [markdown]
# One run on one corpus cannot show that a cell wins *in general*; what it can test is the
# rule of thumb, and the verdict above is about that. Notebook 14 varies the model's size
# instead of the data's, with the same question.
