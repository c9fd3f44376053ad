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
# # 04 · The LSTM, gate by gate
#
# Mirrors the LSTM parts of **note 000** (*LSTM 모델과 CNN 합성곱 신경망*), **note 001**,
# **note 003** and **note 004** (*LSTM 기본 개념*); concepts L1–L8.
#
# | note's term | English | what it does |
# | --- | --- | --- |
# | 셀 상태 (장기 상태) | cell state C_t | long-term memory (L1) |
# | 은닉 상태 (단기 상태) | hidden state h_t | short-term memory, the output (L1) |
# | 삭제 게이트 / 망각 게이트 | forget gate f_t | 0 erases, 1 keeps (L3) |
# | 입력 게이트 | input gate i_t, candidate g_t | what new information to write (L4) |
# | 출력 게이트 | output gate o_t | what part of the cell to show (L6) |
#
# The equations, from the notes:
#
# $$f_t = \sigma(W_{xf} x_t + W_{hf} h_{t-1} + b_f) \qquad i_t = \sigma(W_{xi} x_t + W_{hi} h_{t-1} + b_i)$$
#
# $$g_t = \tanh(W_{xg} x_t + W_{hg} h_{t-1} + b_g) \qquad o_t = \sigma(W_{xo} x_t + W_{ho} h_{t-1} + b_o)$$
#
# $$C_t = f_t \odot C_{t-1} + i_t \odot g_t \qquad h_t = o_t \odot \tanh(C_t)$$

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import keras
import matplotlib.pyplot as plt
import numpy as np

import zoo

keras.utils.set_random_seed(0)  # a fresh run draws the same weights, batches and dropout

rng = np.random.default_rng(0)


def sigmoid(z):
    return 1 / (1 + np.exp(-z))


# %% [markdown]
# ## L3, L4, L6 · The forget, input and output gates from scratch in NumPy
# Keras stores the four gates side by side in one `kernel` (x → gates), one
# `recurrent_kernel` (h → gates) and one `bias`, in the order i, f, g, o. We write the
# step with those arrays, split by gate.


# %%
def lstm_step(x, h, c, kernel, recurrent_kernel, bias):
    z = x @ kernel + h @ recurrent_kernel + bias
    z_i, z_f, z_g, z_o = np.split(z, 4, axis=-1)
    i, f, g, o = sigmoid(z_i), sigmoid(z_f), np.tanh(z_g), sigmoid(z_o)
    c = f * c + i * g
    h = o * np.tanh(c)
    return h, c, {"i": i, "f": f, "g": g, "o": o}


def lstm_scratch(xs, kernel, recurrent_kernel, bias):
    units = recurrent_kernel.shape[0]
    h = c = np.zeros((xs.shape[0], units))
    hs = []
    for t in range(xs.shape[1]):
        h, c, _ = lstm_step(xs[:, t], h, c, kernel, recurrent_kernel, bias)
        hs.append(h)
    return np.stack(hs, 1), h, c


units, features = 8, 5
reference = keras.layers.LSTM(units, return_sequences=True, return_state=True)
reference.build((None, None, features))
weights = [rng.normal(0, 0.4, w.shape).astype("float32") for w in reference.get_weights()]
reference.set_weights(weights)
xs = rng.normal(size=(3, 12, features)).astype("float32")

seq_s, h_s, c_s = lstm_scratch(xs, *weights)
seq_k, h_k, c_k = (np.asarray(t) for t in reference(xs))
print(
    "scratch vs keras.layers.LSTM, max |difference|:",
    {name: float(np.abs(a - b).max()) for name, a, b in (("outputs", seq_s, seq_k), ("h", h_s, h_k), ("c", c_s, c_k))},
)
assert np.allclose(seq_s, seq_k, atol=1e-5) and np.allclose(c_s, c_k, atol=1e-5)

# %% [markdown]
# ## The library's cell
# `zoo.layers.LSTMCell` is the same equations in `keras.ops`, with the gates named. The
# Keras weights copy straight in:

# %%
ours = keras.layers.RNN(zoo.layers.LSTMCell(units), return_sequences=True, return_state=True)
ours.build((None, None, features))
ours.set_weights(weights)
seq_z, h_z, c_z = (np.asarray(t) for t in ours(xs))
print("zoo LSTMCell vs keras LSTM, max |difference|:", float(np.abs(seq_z - seq_k).max()))
assert np.allclose(seq_z, seq_k, atol=1e-5)

# %% [markdown]
# ## L2 · Gates are sigmoids: always between 0 and 1

# %%
h = c = np.zeros((3, units))
gate_values = {k: [] for k in "ifgo"}
for t in range(xs.shape[1]):
    h, c, gates = lstm_step(xs[:, t], h, c, *weights)
    for k in gate_values:
        gate_values[k].append(gates[k])
for k, v in gate_values.items():
    v = np.concatenate(v)
    print(f"{k}: min {v.min():+.3f}  max {v.max():+.3f}  ({'sigmoid gate' if k != 'g' else 'tanh candidate'})")
assert all(0 < np.concatenate(gate_values[k]).min() and np.concatenate(gate_values[k]).max() < 1 for k in "ifo")

# %% [markdown]
# ## L5 · What the forget and input gates do to the cell
# The note (000): *삭제 게이트의 출력값인 f_t가 0이 되면 입력 게이트의 결과만 셀 상태값 C_t에 영향을 끼침*.
# If f_t = 0 only the new input counts, and if i_t = 0 only the old cell counts. We force
# each gate shut through its bias (σ(−50) ≈ 2e−22) and check.

# %%
kernel, recurrent_kernel, bias = weights
x, h_prev, c_prev = xs[:, 0], rng.normal(size=(3, units)), rng.normal(size=(3, units))
shut_forget = bias.copy()
shut_forget[units : 2 * units] = -50.0
_, c_new, g = lstm_step(x, h_prev, c_prev, kernel, recurrent_kernel, shut_forget)
forgot = np.allclose(c_new, g["i"] * g["g"])
print("f = 0: C_t == i*g (old cell forgotten):", forgot)
shut_input = bias.copy()
shut_input[:units] = -50.0
_, c_new, g = lstm_step(x, h_prev, c_prev, kernel, recurrent_kernel, shut_input)
kept_old = np.allclose(c_new, g["f"] * c_prev)
print("i = 0: C_t == f*C_(t-1) (nothing new written):", kept_old)
assert kept_old

from zoo.tutorials import claim

keep_all = shut_input.copy()
keep_all[units : 2 * units] = 50.0  # forget gate open (f = 1), input gate still shut
_, c_kept, _ = lstm_step(x, h_prev, c_prev, kernel, recurrent_kernel, keep_all)
claim(
    "L3",
    "holds" if np.allclose(c_kept, c_prev) and forgot else "does not hold",
    f"f_t = 1 keeps C_(t-1) (max difference {np.abs(c_kept - c_prev).max():.1e}); f_t = 0 leaves none of it in C_t",
)
claim(
    "L5",
    "holds" if forgot and kept_old else "does not hold",
    "with the forget gate shut (bias -50) C_t equals i_t * g_t; with the input gate shut it equals f_t * C_(t-1)",
)

# %% [markdown]
# ## L7 · Every gate is affine in x_t and h_{t-1}
# Before its sigmoid, a gate is W_x x + W_h h + b, so the pre-activation of a sum of
# inputs is the sum of pre-activations, less one bias. We check it on the forget gate.


# %%
def forget_pre(x, h):
    return (x @ kernel + h @ recurrent_kernel + bias)[:, units : 2 * units]


x1, x2 = rng.normal(size=(2, 3, features))
lhs = forget_pre(x1 + x2, h_prev)
rhs = forget_pre(x1, h_prev) + forget_pre(x2, h_prev) - forget_pre(np.zeros_like(x1), h_prev)
print("affine in x:", np.allclose(lhs, rhs))
assert np.allclose(lhs, rhs)

# %% [markdown]
# ## Gates over a real sequence
# Train a small LSTM character model on Python source for a moment, then run
# `LSTMCell.gates` step by step over a line of code and plot what each gate does.

# %%
from zoo.data import encode_chars
from zoo.studies.gradient_flow import CharModel, text_windows_array

x_train, y_train, vocab = text_windows_array(seq_len=60)
char_model = CharModel("lstm", vocab, units=32)
losses = char_model.train((x_train, y_train), steps=20 if SMOKE else 600)
print(f"training loss {losses[0]:.2f} -> {losses[-1]:.2f}")

snippet = 'def area(r):\n    """Circle area."""\n    return 3.14159 * r ** 2\n'
embed = char_model.model.layers[0]
cell = char_model.cell
ids = encode_chars(snippet)
h = c = keras.ops.zeros((1, 32))
trace = {k: [] for k in ("i", "f", "o", "c")}
for token in ids:
    values = cell.gates(embed(np.array([token])), [h, c])
    h, c = values["h"], values["c"]
    for k in trace:
        trace[k].append(np.asarray(values[k])[0])
trace = {k: np.array(v) for k, v in trace.items()}

fig, axes = plt.subplots(4, 1, figsize=(12, 7), sharex=True)
for ax, (k, title) in zip(
    axes, (("i", "input gate i"), ("f", "forget gate f"), ("o", "output gate o"), ("c", "cell state C")), strict=True
):
    im = ax.imshow(trace[k][:, :16].T, aspect="auto", cmap="viridis" if k != "c" else "coolwarm")
    ax.set_ylabel(title, fontsize=8)
    plt.colorbar(im, ax=ax, pad=0.01)
axes[-1].set_xticks(range(len(snippet)))
axes[-1].set_xticklabels([ch if ch != "\n" else "⏎" for ch in snippet], fontsize=6, family="monospace")
plt.suptitle("first 16 units of a trained LSTM over a line of code")
plt.show()

# %% [markdown]
# ## L1 · Cell state as long-term memory, hidden state as short-term memory
# If the cell state is the slow, long-term memory, it should change less from one
# character to the next than the hidden state does. We measure the lag-1
# autocorrelation of each unit over the snippet (1 = changes slowly).

# %%
hs = np.array([trace["o"][t] * np.tanh(trace["c"][t]) for t in range(len(ids))])


def lag1(a):
    a = a - a.mean(0)
    return float(np.mean((a[1:] * a[:-1]).sum(0) / ((a**2).sum(0) + 1e-12)))


print(f"lag-1 autocorrelation: cell state {lag1(trace['c']):.3f}, hidden state {lag1(hs):.3f}")
print("L1 the cell state changes more slowly than the hidden state:", lag1(trace["c"]) > lag1(hs))
print(f"mean forget gate over the snippet: {trace['f'].mean():.3f} (near 1 = keeps most of the cell)")

# %% [markdown]
# **L8**, the LSTM keeping gradients alive, is measured in notebook 03: the gradient from
# the last step reaches far further back through the LSTM than through a plain RNN,
# because C_t = f_t ⊙ C_{t-1} + … passes gradient back multiplied only by f_t.
