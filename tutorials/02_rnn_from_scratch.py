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
# # 02 · An RNN from scratch: the recurrence, unrolling, and "hello"
#
# Mirrors **note 003** (*cs231n lecture 10, RNN*), with the unrolling view of
# **notes 001 and 002**; concepts S6–S9.
#
# - **S6** one recurrence h_t = f_W(h_{t-1}, x_t), the *same* function and weights at
#   every step (모든 입력 시퀀스에 같은 함수와 매개변수 W를 사용);
# - **S7** unrolled in time, an RNN is a deep stack of fully connected layers that
#   share their weights;
# - **S8** many-to-one, one-to-many and many-to-many uses;
# - **S9** the character-level language model on "hello": vocabulary [h, e, l, o],
#   one-hot inputs, W_xh, W_hh, W_hy, softmax loss, backpropagation.

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

# %% [markdown]
# ## S6 · The recurrence in NumPy
# $$h_t = \tanh(x_t W_{xh} + h_{t-1} W_{hh} + b)$$
# One line, applied at every step with the same three arrays. (Keras and this notebook
# multiply row vectors on the left, so W_xh has shape (inputs, hidden).)

# %%
inputs, hidden, steps = 4, 3, 5
W_xh = rng.normal(0, 0.5, (inputs, hidden))
W_hh = rng.normal(0, 0.5, (hidden, hidden))
b_h = np.zeros(hidden)
xs = rng.normal(size=(steps, inputs))

h = np.zeros(hidden)
for t, x in enumerate(xs):
    h = np.tanh(x @ W_xh + h @ W_hh + b_h)
    print(f"h_{t + 1} = {np.round(h, 3)}")
h_scratch = h

# %% [markdown]
# The library's `SimpleRNNCell`, written from the same equation, inside `keras.layers.RNN`,
# with our three arrays copied in:

# %%
layer = keras.layers.RNN(zoo.layers.SimpleRNNCell(hidden))
layer.build((None, None, inputs))
layer.set_weights([W_xh, W_hh, b_h])
h_keras = np.asarray(layer(xs[None].astype("float32")))[0]
print("library:", np.round(h_keras, 3), " max difference:", np.abs(h_keras - h_scratch).max())
assert np.allclose(h_keras, h_scratch, atol=1e-5)

# %% [markdown]
# ## S7 · Unrolled, it is a deep network with tied weights
# Write the five steps as five `Dense` layers in a functional model: each takes the
# previous layer's output (W_hh) plus its own input x_t (W_xh). Give every layer the
# *same* weights and it computes exactly what the RNN computes: an RNN is a
# five-layer-deep network whose layers share one set of weights.

# %%
step_inputs = [keras.Input((inputs,)) for _ in range(steps)]
recurrent = keras.layers.Dense(hidden, use_bias=False)  # one layer object = shared weights
feed = keras.layers.Dense(hidden)
state = keras.layers.Activation("tanh")(feed(step_inputs[0]))
for x_t in step_inputs[1:]:
    state = keras.layers.Activation("tanh")(keras.layers.Add()([feed(x_t), recurrent(state)]))
unrolled = keras.Model(step_inputs, state)
recurrent.set_weights([W_hh])
feed.set_weights([W_xh, b_h])
h_unrolled = np.asarray(unrolled([x[None].astype("float32") for x in xs]))[0]
print(
    f"unrolled net: {len(unrolled.layers)} layers, {unrolled.count_params()} weights "
    f"(the RNN has {layer.count_params()}); max difference {np.abs(h_unrolled - h_scratch).max():.1e}"
)
assert np.allclose(h_unrolled, h_scratch, atol=1e-5)

from zoo.tutorials import claim

claim(
    "S7",
    "holds" if np.allclose(h_unrolled, h_scratch, atol=1e-5) else "does not hold",
    f"{steps} tied Dense steps give the RNN's h_{steps} to {np.abs(h_unrolled - h_scratch).max():.1e}",
)

# %% [markdown]
# ## S8 · Many-to-one, one-to-many, many-to-many
# The same recurrent layer serves all the uses the lecture lists; only what goes in and
# what is read out changes.

# %%
seq = keras.Input((None, 8))
many_to_one = keras.Model(seq, keras.layers.Dense(2)(keras.layers.GRU(16)(seq)))  # sentiment
many_to_many = keras.Model(seq, keras.layers.Dense(5)(keras.layers.GRU(16, return_sequences=True)(seq)))  # tagging
vec = keras.Input((8,))
repeated = keras.layers.RepeatVector(6)(vec)  # an image feature fed at each step
one_to_many = keras.Model(vec, keras.layers.Dense(100)(keras.layers.GRU(16, return_sequences=True)(repeated)))

x = np.zeros((1, 7, 8), "float32")
print("many-to-one  (sentiment):      ", many_to_one(x).shape)
print("many-to-many (per-step labels):", many_to_many(x).shape)
print("one-to-many  (captioning):     ", one_to_many(np.zeros((1, 8), "float32")).shape)

# %% [markdown]
# ## S9 · "hello", by hand
# Vocabulary [h, e, l, o]; the inputs are "hell" as one-hot vectors and the targets are
# "ello". Forward: h_t = tanh(x_t W_xh + h_{t-1} W_hh + b_h), scores y_t = h_t W_hy + b_y,
# softmax loss. Backward: written out in `zoo.numpy_rnn.char_rnn_loss`, which we first
# check against numerical gradients, as cs231n does.

# %%
from zoo.numpy_rnn import char_rnn_loss, numerical_gradient, relative_error

vocab = ["h", "e", "l", "o"]
x_hell = np.eye(4)[[vocab.index(c) for c in "hell"]][None]  # (1, 4, 4)
y_ello = np.array([[vocab.index(c) for c in "ello"]])
params = {
    "W_xh": rng.normal(0, 0.5, (4, 3)),
    "W_hh": rng.normal(0, 0.5, (3, 3)),
    "b_h": np.zeros(3),
    "W_hy": rng.normal(0, 0.5, (3, 4)),
    "b_y": np.zeros(4),
}
h0 = np.zeros((1, 3))
loss, grads, _ = char_rnn_loss(params, x_hell, y_ello, h0)
for name, value in params.items():
    numeric = numerical_gradient(lambda: char_rnn_loss(params, x_hell, y_ello, h0)[0], value)
    err = relative_error(grads[name], numeric)
    print(f"{name}: relative error {err:.1e}")
    assert err < 1e-6

# %% [markdown]
# Now train it with those gradients (Adagrad, as Karpathy's min-char-rnn does) and read
# the predictions: the argmax after each of h, e, l, l.

# %%
memory = {k: np.zeros_like(v) for k, v in params.items()}
losses = []
for _ in range(300 if SMOKE else 1000):
    loss, grads, _ = char_rnn_loss(params, x_hell, y_ello, h0)
    losses.append(loss)
    for k in params:
        memory[k] += grads[k] ** 2
        params[k] -= 0.1 * grads[k] / np.sqrt(memory[k] + 1e-8)


def predict(params):
    h, out = np.zeros(3), []
    for x in x_hell[0]:
        h = np.tanh(x @ params["W_xh"] + h @ params["W_hh"] + params["b_h"])
        out.append(vocab[int(np.argmax(h @ params["W_hy"] + params["b_y"]))])
    return "".join(out)


print(f"loss {losses[0]:.3f} -> {losses[-1]:.3f}; predictions for 'hell': {predict(params)!r}")
claim(
    "S9",
    "holds" if predict(params) == "ello" else "does not hold",
    f"backpropagation (gradients within 1e-6 of numerical ones) takes the loss from {losses[0]:.3f} to "
    f"{losses[-1]:.3f}; after h, e, l, l it predicts {predict(params)!r}",
)
plt.figure(figsize=(4, 2.5))
plt.plot(losses)
plt.xlabel("step")
plt.ylabel("loss")
plt.show()

# %% [markdown]
# Why does it need the hidden state? After the first "l" the answer is "l", after the
# second "l" it is "o": the same input, two different answers. Only h_t, which has seen
# how many l's came before, can tell them apart.
#
# ## The same model from the library
# `char_rnn` in the registry is this model in Keras: `W_xh`, `W_hh`, `W_hy` are
# properties that point at the layer weights.

# %%
from zoo.models.rnn.char_rnn import train_hello

keras.utils.set_random_seed(0)  # the model draws its weights when it is built
model, hist = train_hello(zoo.create_model("char_rnn"), steps=300)
print("W_xh", model.W_xh.shape, "W_hh", model.W_hh.shape, "W_hy", model.W_hy.shape)
print(f"loss {hist[0]:.3f} -> {hist[-1]:.3f}; predicts {model.predict_next('hell')!r} after 'hell'")
assert model.predict_next("hell") == "ello"

# %% [markdown]
# Does it always learn? Three hidden units is a small state. From some starting weights
# the network settles where it cannot tell the first "l" from the second: it then gives
# "l" and "o" probability 1/2 after either, and the loss stops near ln 2 / 2 ≈ 0.347 (two
# of the four positions cost ln 2 each). We count how often that happens over fresh
# starting points, with the same 300 steps:

# %%
starts = range(3 if SMOKE else 20)
stuck = []
for start in starts:
    keras.utils.set_random_seed(100 + start)
    trial, losses = train_hello(zoo.create_model("char_rnn"), steps=300)
    if trial.predict_next("hell") != "ello":
        stuck.append(f"start {start}: loss {losses[-1]:.3f}, predicts {trial.predict_next('hell')!r}")
print(f"{len(starts) - len(stuck)} of {len(starts)} starting points learn 'ello'", *stuck, sep="\n  ")
