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
# # 11 · Attention and the Transformer, from the equations up
#
# Mirrors *Attention Models* at the end of **note 002** (*2023-08-02 TIL*); concepts A1–A6:
#
# - A1: the Transformer is a sequence model with no recurrence (*Transformer는 recurrent하지
#   않은, attention을 다루는 sequential model*): all N tokens are computed at once;
# - A2: every token's embedding becomes a **query**, a **key** and a **value** (*임베딩을 nn을
#   이용해 Query, Key, Value라는 벡터로 변환*);
# - A3: scores are query·key dot products, normalised by softmax; the output is the weighted sum
#   of the values (*softmax 값 \* value의 weighted sum*);
# - A4: N tokens cost N² (*N개의 단어가 주어지면, N^2의 computation power가 필요*);
# - A5: attention has no sense of order, so a **positional encoding** adds it (*순서 정보가
#   없기 때문에, 순서 정보를 추가해 줘야 함*);
# - A6: attention is not only for language (*NLP 문제에만 해당되지는 않음*).
#
# We compute attention by hand, check `zoo.layers` against it and against Keras, measure the
# N² cost, train a Transformer language model against the LSTM of tutorial 06 at the same size
# and time, and use attention on images.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import time

import keras
import matplotlib.pyplot as plt
import numpy as np

import zoo
from zoo.layers import MultiHeadAttention, scaled_dot_product_attention, sinusoidal_encoding
from zoo.tutorials import claim

keras.utils.set_random_seed(0)  # a fresh run draws the same weights, batches and dropout

# %% [markdown]
# ## A2–A3: queries, keys, values, by hand
# Four tokens with 6-dimensional embeddings. Three matrices turn each embedding into a query,
# a key and a value (here of size 4: the query and the key must have the same size, since
# they are multiplied). Token *i*'s output is
#
# $$\mathrm{out}_i = \sum_j \mathrm{softmax}_j\!\left(\frac{q_i \cdot k_j}{\sqrt{d_k}}\right) v_j .$$
#
# The division by $\sqrt{d_k}$ keeps the scores' spread independent of the size, so the
# softmax does not saturate.

# %%
rng = np.random.default_rng(0)
embeddings = rng.standard_normal((4, 6)).astype("float32")  # N=4 tokens
W_q, W_k, W_v = (rng.standard_normal((6, 4)).astype("float32") for _ in range(3))
Q, K, V = embeddings @ W_q, embeddings @ W_k, embeddings @ W_v
scores = Q @ K.T / np.sqrt(4)  # (4, 4): every query against every key
weights = np.exp(scores - scores.max(1, keepdims=True))
weights /= weights.sum(1, keepdims=True)
by_hand = weights @ V
print("attention weights (rows sum to 1):\n", weights.round(3))

out, w = scaled_dot_product_attention(Q, K, V)
print("zoo.layers.scaled_dot_product_attention differs by", np.abs(keras.ops.convert_to_numpy(out) - by_hand).max())
assert np.allclose(keras.ops.convert_to_numpy(out), by_hand, atol=1e-5)

# %% [markdown]
# ### Several heads, and Keras's own layer
# Multi-head attention runs several such attentions side by side on smaller projections and
# mixes their outputs. `zoo.layers.MultiHeadAttention` is written with `keras.ops` only and
# holds the same variables as `keras.layers.MultiHeadAttention`, so weights copy across and
# the outputs must agree.

# %%
x = rng.standard_normal((2, 7, 16)).astype("float32")
ours = MultiHeadAttention(num_heads=4, key_dim=4)
theirs = keras.layers.MultiHeadAttention(num_heads=4, key_dim=4)
ours(x, x), theirs(x, x)
ours.set_weights(theirs.get_weights())
for causal in (False, True):
    a = keras.ops.convert_to_numpy(ours(x, x, use_causal_mask=causal))
    b = keras.ops.convert_to_numpy(theirs(x, x, use_causal_mask=causal))
    print(f"causal={causal}: largest difference {np.abs(a - b).max():.2e}")
    assert np.abs(a - b).max() < 1e-5

# %% [markdown]
# ## A1 and A5: no recurrence, so no order
# An LSTM reads token 1, then token 2, …: order is built into the computation. Attention
# computes every output from all tokens at once, in one matrix product, so it cannot tell
# where a token is: **permuting the input tokens permutes the outputs the same way** (it is
# *permutation-equivariant*). We check it numerically, then add sinusoidal position codes,
# $PE_{p,2i} = \sin(p/10000^{2i/d})$ and $PE_{p,2i+1} = \cos(p/10000^{2i/d})$, and the
# symmetry is gone.

# %%
block = zoo.layers.TransformerEncoderBlock(num_heads=4, ff_dim=32)
tokens = rng.standard_normal((1, 10, 16)).astype("float32")
perm = rng.permutation(10)
plain = keras.ops.convert_to_numpy(block(tokens))
permuted = keras.ops.convert_to_numpy(block(tokens[:, perm]))
print("no positions: outputs permuted like the inputs, difference", np.abs(permuted - plain[:, perm]).max())
codes = sinusoidal_encoding(10, 16)[None]
with_pos = keras.ops.convert_to_numpy(block(tokens + codes))
permuted_pos = keras.ops.convert_to_numpy(block(tokens[:, perm] + codes))
print("with positions: difference", np.abs(permuted_pos - with_pos[:, perm]).max())
assert np.abs(permuted - plain[:, perm]).max() < 1e-4 < np.abs(permuted_pos - with_pos[:, perm]).max()
claim(
    "A5",
    "holds"
    if np.abs(permuted - plain[:, perm]).max() < 1e-4 < np.abs(permuted_pos - with_pos[:, perm]).max()
    else "does not hold",
    f"permuting 10 tokens permutes the block's outputs alike without positions (max difference "
    f"{np.abs(permuted - plain[:, perm]).max():.1e}); with sinusoidal codes added it does not "
    f"({np.abs(permuted_pos - with_pos[:, perm]).max():.2f})",
)

table = sinusoidal_encoding(100, 32)
fig, axes = plt.subplots(1, 2, figsize=(11, 3))
axes[0].imshow(table.T, aspect="auto", cmap="RdBu")
axes[0].set(xlabel="position p", ylabel="dimension", title="sinusoidal positional encoding")
similarity = table @ table.T
axes[1].plot(similarity[20] / similarity[20, 20])
axes[1].set(xlabel="position", ylabel="PE(20)·PE(p), normalised", title="nearby positions look alike")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## A4: N² — measured
# Self-attention scores every pair of tokens, so its work grows as N² once N exceeds the
# width; an LSTM does a fixed amount of work per token, N in all. We time a compiled forward
# pass of each (same width) and ask XLA's compiler how much memory it reserves, for the
# forward pass and for a gradient. On a log–log plot a cost $\propto N^k$ is a line of
# slope *k*.

# %%
from zoo.studies.attention_cost import forward_costs, plot_costs, slopes

lengths = [64, 128, 256] if SMOKE else [128, 256, 512, 1024, 2048, 4096]
rows = forward_costs(lengths, width=64, num_heads=4, repeats=2 if SMOKE else 5)
fitted = slopes(rows)
plot_costs(rows)
plt.tight_layout()
plt.show()
for (kind, cost), k in fitted.items():
    print(f"{kind:9s} {cost:11s} slope {k:.2f}")
at = {(r["kind"], r["length"]): r for r in rows}
for n in (lengths[0], lengths[-1]):
    a, lstm = at["attention", n], at["lstm", n]
    print(
        f"N = {n:4d}: attention {a['seconds'] / lstm['seconds']:5.1f}x the LSTM's time, "
        f"{a['train_bytes'] / 1e6:7.1f} MB to train against {lstm['train_bytes'] / 1e6:5.1f} MB"
    )
quadratic = {cost: fitted["attention", cost] >= 1.7 for cost in ("seconds", "train_bytes", "bytes")}
measured = (
    f"log-log slopes over N = {lengths[0]}..{lengths[-1]}, attention against the LSTM: time "
    f"{fitted['attention', 'seconds']:.2f} vs {fitted['lstm', 'seconds']:.2f}, training memory "
    f"{fitted['attention', 'train_bytes']:.2f} vs {fitted['lstm', 'train_bytes']:.2f}, forward-pass memory "
    f"{fitted['attention', 'bytes']:.2f} vs {fitted['lstm', 'bytes']:.2f}"
)
if all(quadratic.values()):
    claim("A4", "holds", measured)
elif quadratic["seconds"] and quadratic["train_bytes"]:
    claim(
        "A4",
        "holds only under conditions",
        measured,
        condition="counting time or training memory; the forward pass alone reserves memory in proportion to N",
    )
else:
    claim("A4", "does not hold", measured)

# %% [markdown]
# What the fit says, on this machine (2 CPU cores, the figures in the README):
#
# - **time**: attention's slope is about 2 (above 2 at the longest lengths, where the N×N
#   scores no longer fit in the cache); the LSTM's is about 1. The two printed lines give the
#   ratio of their times at the shortest and the longest N.
# - **memory for training** (forward and backward): slope 2 against 1. Backpropagation needs
#   the N×N attention weights of every head: about a gigabyte at N = 4096, against megabytes
#   for the LSTM.
# - **memory for the forward pass alone**: slope 1 for both at long lengths. XLA fuses the
#   softmax into the two matrix products, so the N×N matrix never sits in memory whole: the
#   idea behind memory-efficient ("flash") attention. The *work* stays N².
#
# So the note's "N² computation" holds; the memory is N² when training, and need not be at
# inference.

# %% [markdown]
# ## A Transformer language model against the LSTM
# `transformer_lm` stacks causal Transformer blocks (each token may attend only to earlier
# ones) on token embeddings plus learned position vectors. It trains through the same
# `zoo train` as tutorial 06's LSTM (`zoo train transformer_lm --minutes 5`) and generates with
# `zoo.generate`.
#
# The comparison: the registry's Transformer recipe against an LSTM `text_generator` whose
# `units` give it the same number of parameters, each trained for the same time on the
# standard-library corpus, then scored on the validation text cut into windows of 128
# characters (the same context for both).

# %%
from zoo.data import TextCodec
from zoo.training.carried_state import window_bits
from zoo.training.text import matched_units, text_recipe, text_vocabulary

corpus = zoo.data.load_corpus("stdlib", max_chars=200_000 if SMOKE else 2_000_000)
vocabulary = text_vocabulary(corpus)
minutes = 0.05 if SMOKE else 4
transformer_args = dict(text_recipe("transformer_lm").model_defaults)
if SMOKE:
    transformer_args.update(embed_dim=32, ff_dim=64, num_layers=1)
probe = zoo.create_model("transformer_lm", vocabulary=vocabulary, **transformer_args)
probe.build((None, 8))
lstm_args = {k: v for k, v in text_recipe("text_generator").model_defaults.items() if k != "units"}
units = matched_units(probe.count_params(), vocabulary=vocabulary, **lstm_args)
print(f"transformer_lm: {probe.count_params():,} parameters; LSTM with units={units} matches it")

val_ids = TextCodec(vocabulary).encode(corpus.validation[: 20_000 if SMOKE else 200_000])
results = {}
for name, train, args in (
    ("transformer_lm", zoo.train_transformer_lm, transformer_args),
    ("LSTM text_generator", zoo.train_text_generator, {**lstm_args, "units": units}),
):
    run = train(corpus, options=zoo.RunOptions(minutes=minutes, verbose=0), **args)
    model, history = run.model, run.history
    results[name] = (model, history, window_bits(model, val_ids, 128))
    print(f"{name:20s} {model.count_params():,} parameters, {len(history)} epochs in {minutes} min: "
          f"{results[name][2]:.3f} bits per character")
transformer = results["transformer_lm"][0]

# %% [markdown]
# On the full run (4 minutes each, 2 CPU cores) the **LSTM is ahead**: 2.35 against 2.65
# bits per character in the saved outputs above, at the same parameter count. The Transformer
# finished half as many epochs in the time (its windows are twice as long), and the LSTM's
# recipe was tuned on this machine (tutorial 14, `benchmarks/train_quality.py`) while the
# Transformer's was not. `benchmarks/transformer_vs_lstm.py` repeats the comparison at
# 5 minutes; the README lists its figures. At this size and budget attention's advantage,
# reaching any earlier token in one step, does not show: it pays off with more data, longer
# contexts and more compute than a few CPU-minutes.

# %%
fig, ax = plt.subplots(figsize=(6, 3.5))
for name, (_, history, _) in results.items():
    ax.plot([r["time_s"] for r in history], [r["val_bpc"] for r in history], "o-", label=name)
ax.set(xlabel="training time (s)", ylabel="validation bits per character", title="equal parameters, equal time")
ax.legend()
plt.show()

# %% [markdown]
# ### Generating with a key/value cache
# A causal Transformer's keys and values for earlier tokens never change, so generation can
# keep them: each new token costs one query against the cache instead of a pass over the whole
# prefix. `zoo.generate` does this in one compiled loop (and slides the window when the
# context is full). We check that it gives exactly what re-running the model on the whole
# prefix gives, and time both. (The re-running loop is plain Python around `predict_on_batch`,
# which also pays for tracing each new length on TensorFlow: the ratio shows what the cache and
# the compiled loop save together, not the cache alone.)

# %%
from zoo.decoding.generation import generate_ids

prompt = TextCodec(vocabulary).encode("def ")[None]
n_new = 20 if SMOKE else 100
start = time.perf_counter()
cached = generate_ids(transformer, prompt, n_new, temperature=0)
cached_s = time.perf_counter() - start
start = time.perf_counter()
cached = generate_ids(transformer, prompt, n_new, temperature=0)  # compiled now
cached_s = time.perf_counter() - start
history = prompt.copy()
start = time.perf_counter()
for _ in range(n_new):
    logits = keras.ops.convert_to_numpy(transformer.predict_on_batch(history))
    history = np.concatenate([history, logits[:, -1].argmax(-1)[:, None].astype("int32")], axis=1)
recompute_s = time.perf_counter() - start
print("same tokens:", np.array_equal(cached, history[:, prompt.shape[1]:]))
print(f"{n_new} tokens: cache {cached_s:.3f} s, recomputing the prefix {recompute_s:.3f} s "
      f"({recompute_s / cached_s:.0f}x)")
print(zoo.generate(transformer, "def ", 60 if SMOKE else 300, temperature=0.8, seed=0))

# %% [markdown]
# ### What the heads look at
# The attention weights of the last block on a line of code: row *i* is where character *i*
# looks (only left, the mask is causal). Some heads stay on the previous character or two;
# others reach back to an opening bracket or the start of a word.

# %%
text = "def add(self, x):\n    return x"
ids = TextCodec(vocabulary).encode(text)[None]
_, maps = transformer(ids, return_attention_scores=True)
last = keras.ops.convert_to_numpy(maps[-1])[0]
heads = last.shape[0]
fig, axes = plt.subplots(1, heads, figsize=(3.2 * heads, 3.4))
labels = [c if c != "\n" else "⏎" for c in text]
for h, ax in enumerate(np.atleast_1d(axes)):
    ax.imshow(last[h], cmap="viridis")
    ax.set_xticks(range(len(text)), labels, fontsize=6)
    ax.set_yticks(range(len(text)), labels, fontsize=6)
    ax.set_title(f"head {h + 1}")
plt.tight_layout()
plt.show()

# %% [markdown]
# ## A6: attention beyond language
# An image can be a sequence too: cut each 8×8 digit (scikit-learn's, offline) into sixteen
# 2×2 patches, embed each patch, add learned positions, and let a Transformer block attend
# across patches (a tiny Vision Transformer). Nothing here is specific to words.

# %%
from zoo.data.images import load_digits
from zoo.layers import PositionEmbedding, TransformerEncoderBlock

digits = load_digits()
patches = keras.Sequential(
    [
        keras.Input((8, 8, 1)),
        keras.layers.Reshape((4, 2, 4, 2)),
        keras.layers.Permute((1, 3, 2, 4)),
        keras.layers.Reshape((16, 4)),  # 16 patches of 2x2 pixels
        keras.layers.Dense(32),
        PositionEmbedding(16),
        TransformerEncoderBlock(num_heads=4, ff_dim=64),
        keras.layers.GlobalAveragePooling1D(),
        keras.layers.Dense(10, activation="softmax"),
    ]
)
patches.compile(keras.optimizers.Adam(3e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
patches.fit(digits.x_train, digits.y_train, epochs=3 if SMOKE else 40, batch_size=64, verbose=0)
accuracy = patches.evaluate(digits.x_test, digits.y_test, verbose=0)[1]
print(f"a one-block Transformer over image patches: test accuracy {accuracy:.3f} (chance 0.1)")
claim(
    "A6",
    "holds" if accuracy >= 0.8 else "does not hold",
    f"a one-block Transformer attending over sixteen 2x2 patches of 8x8 digits: test accuracy {accuracy:.3f} "
    f"on {len(digits.y_test)} held-out digits (chance 0.1; the bar set here is 0.8)",
)

# %% [markdown]
# ## Summary
# | claim | measured here |
# |---|---|
# | A1 all tokens at once, no recurrence | one matrix product per layer; permutation-equivariant without positions |
# | A2–A3 query, key, value; softmax-weighted sum | by hand = `zoo.layers` = Keras's `MultiHeadAttention` (< 1e-5) |
# | A4 N² | time and training memory slopes ≈ 2 against the LSTM's ≈ 1 |
# | A5 positional encoding | adding it breaks the permutation symmetry |
# | A6 not only language | a Transformer block on image patches classifies digits |
#
# The library versions: `zoo.layers.MultiHeadAttention`, `TransformerEncoderBlock`,
# `TransformerDecoderBlock`, `SinusoidalPositionalEncoding`, `PositionEmbedding`;
# `zoo.create_model("transformer_lm")`, `zoo train transformer_lm`, `zoo.generate`.
