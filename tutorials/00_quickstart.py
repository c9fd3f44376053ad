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
# # 00 · Quick start: the registry, a LeNet, and the TextGenerator of note 004
#
# This notebook tours `zoo` in five minutes. It mirrors the last part of note 004
# (*LSTM 기본 개념*, "LSTM basics"), which ends with a Keras `TextGenerator`:
# an Embedding layer (임베딩 층), two stacked LSTM layers and a Dense layer.
# We list and inspect models, build one, train the TextGenerator briefly on
# a corpus every Python installation carries (the standard library's own
# source code), generate a line, and save and load the model.
#
# Set `ZOO_SMOKE=1` to run everything on a tiny budget (the tests do).

# %%
import os
import time

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

# %% [markdown]
# ## 1. The registry
# Listing and inspecting models reads static metadata: Keras is not imported yet.
# %%
import sys

import zoo

print(zoo.list_models())
print(zoo.list_models("len*"), zoo.list_models(task="language-modeling"))
print("keras imported:", "keras" in sys.modules)

# %%
info = zoo.model_info("text_generator")
print(info.description)
print("input:", info.input.describe())
print("defaults:", dict(info.default_args))

# %% [markdown]
# A misspelt name gets a suggestion, not a stack of internals:

# %%
try:
    zoo.create_model("lenet")
except KeyError as err:
    print(err)

# %% [markdown]
# ## 2. Building a model: LeNet-5
# `create_model` takes the builder's defaults and any overrides. LeNet-5 has
# 61,706 parameters for 32×32 grey images and 10 classes; we check that number
# by hand, layer by layer (a k×k convolution from c_in to c_out channels has
# (k·k·c_in + 1)·c_out parameters).

# %%
lenet = zoo.create_model("lenet5")
by_hand = (5 * 5 * 1 + 1) * 6 + (5 * 5 * 6 + 1) * 16 + (400 + 1) * 120 + (120 + 1) * 84 + (84 + 1) * 10
print(lenet.count_params(), by_hand)
assert lenet.count_params() == by_hand
lenet.summary()

# %% [markdown]
# ## 3. The TextGenerator from scratch, as the note writes it
# Note 004's model, written out in plain Keras: Embedding → LSTM → LSTM → Dense.
# Only the first LSTM sees the embedding size; the second takes the first's
# output size (the note: *첫 번째만 input_size를 넣어줘야 하고…*).

# %%
import keras
import numpy as np


class NoteTextGenerator(keras.Model):
    def __init__(self, vocab_size, embedding_size, hidden_size):
        super().__init__()
        self.embedding = keras.layers.Embedding(vocab_size, embedding_size)
        self.rnn_1 = keras.layers.LSTM(hidden_size, return_sequences=True)
        self.rnn_2 = keras.layers.LSTM(hidden_size, return_sequences=True)
        self.linear = keras.layers.Dense(vocab_size)

    def call(self, x):
        return self.linear(self.rnn_2(self.rnn_1(self.embedding(x))))


scratch = NoteTextGenerator(vocab_size=98, embedding_size=64, hidden_size=256)
ids = np.zeros((2, 12), "int32")
print("scratch output:", scratch(ids).shape)

# %% [markdown]
# The library's `text_generator` has the same layers and so the same
# parameter count, and adds what a real model needs: a choice of cell
# (LSTM, GRU or a simple RNN), a vocabulary stored in the model, saving and
# loading, and returning the recurrent states for fast generation.

# %%
model = zoo.create_model("text_generator", embedding_dim=64, units=256)
print("zoo output:    ", model(ids).shape)
print(scratch.count_params(), model.count_params())
assert scratch.count_params() == model.count_params()

# %% [markdown]
# The note's own call runs too: `zoo.models.TextGenerator` takes the note's argument
# order and names. zoo's names for them are `embedding_dim` (the note's `embedding_size`)
# and `units` (`hidden_size`); `zoo.create_model` and the saved config use zoo's names.
#
# | note 004 | zoo |
# | --- | --- |
# | `vocab_size` | `vocab_size` |
# | `embedding_size` | `embedding_dim` |
# | `hidden_size` | `units` |

# %%
as_in_the_note = zoo.models.TextGenerator(98, 64, 256)
by_the_notes_names = zoo.models.TextGenerator(vocab_size=98, embedding_size=64, hidden_size=256)
print(as_in_the_note.count_params(), by_the_notes_names.count_params(), by_the_notes_names.get_config()["units"])
assert as_in_the_note.count_params() == by_the_notes_names.count_params() == scratch.count_params()

# %% [markdown]
# ## 4. Train briefly on the standard library's source code
# The `stdlib` corpus is Python's own library: real text, no download.
# Validation loss is also shown in **bits per character** (loss / ln 2):
# a model that knew nothing would need log2(98) ≈ 6.6 bits per character.

# %%
corpus = zoo.data.load_corpus("stdlib", max_chars=100_000 if SMOKE else 2_000_000)
print(corpus)
start = time.time()
result = zoo.train_text_generator(
    corpus,
    options=zoo.RunOptions(minutes=0.05 if SMOKE else 3, verbose=0),
    steps_per_epoch=20 if SMOKE else 40,
    units=64 if SMOKE else 256,
)
trained, rows = result.model, result.history
bpc = [row["val_bpc"] for row in rows]  # one row per epoch
print(
    f"{len(bpc)} epochs in {time.time() - start:.0f} s; validation bits per character: "
    + ", ".join(f"{b:.2f}" for b in bpc)
)
assert bpc[-1] < np.log2(98)

# %%
import matplotlib.pyplot as plt

plt.figure(figsize=(5, 3))
plt.plot([row["bpc"] for row in rows], label="train")
plt.plot(bpc, label="validation")
plt.xlabel("epoch")
plt.ylabel("bits per character")
plt.legend()
plt.show()

# %% [markdown]
# ## 5. Generate a line
# Temperature 0 takes the most likely character each time; higher
# temperatures sample more freely.

# %%
for t in (0.0, 0.5, 1.0):
    print(f"T={t}:", repr("def " + zoo.generate(trained, "def ", 60, temperature=t, seed=0)))

# %% [markdown]
# Greedy decoding (T=0) from a model trained for three minutes usually falls into a loop
# of its single most likely continuation, often a run of spaces: every step picks the same
# best guess again. Sampling at a moderate temperature reads more like code.
#
# ## 6. Or start from a preset
# Waiting for a model is the slow part of learning. The package ships small pretrained
# models, *presets* (`zoo list --pretrained`), each with a model card that says how it was
# made. `text_generator_stdlib` is `zoo train`'s recipe for this model, 2×LSTM(128) trained
# for about ten minutes; loading it takes a second. We score it the way its card was scored
# (bits per character on the validation text, in windows of 128 characters), beside the
# model trained above.

# %%
from zoo.training.held_out import text_bits

card = zoo.presets.preset_card("text_generator_stdlib")
pretrained = zoo.create_model("text_generator", weights="text_generator_stdlib")
print(card["description"])
print(f"made by `{card['command']}` in {card['training_seconds'] / 60:.0f} minutes on {card['machine']}")
scored = 100_000 if SMOKE else 2_000_000  # characters of the corpus whose validation split is scored
for name, m in (("trained above", trained), ("preset", pretrained)):
    print(f"{name:>13}: {text_bits(m, max_chars=scored):.3f} bits per character ({m.count_params():,} parameters)")
print(f"the card's score: {card['score']['value']} {card['score']['metric']}")
for t in (0.0, 0.5):
    print(f"preset, T={t}:", repr("def " + zoo.generate(pretrained, "def ", 60, temperature=t, seed=0)))

# %% [markdown]
# The same from the command line: `zoo generate text_generator_stdlib --prompt "def "`.
# Fine-tuning starts from it too: `zoo.create_model("text_generator",
# weights="text_generator_stdlib")` gives a model to train further on your own text.
#
# ## 7. Save and load
# A `.keras` file holds the configuration, the vocabulary and the weights;
# `zoo.load_model` loads it with `safe_mode=True` and gives identical outputs.

# %%
import tempfile

path = os.path.join(tempfile.mkdtemp(), "text_generator.keras")
trained.save(path)
loaded = zoo.load_model(path)
x = zoo.data.encode_chars("import os\n")[None, :]
diff = np.abs(np.asarray(loaded(x)) - np.asarray(trained(x))).max()
print("vocabulary kept:", loaded.vocabulary == trained.vocabulary, "| max output difference:", diff)
assert diff == 0.0
