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
# # 12 · What recurrent networks are for: sentiment, translation, video
#
# Mirrors the list of uses at the start of **note 003** (*CVLab/cs231n (2016)*, lecture 10);
# concept S8. The note pairs each input/output shape with a task:
#
# | shape | task in the note | here |
# |---|---|---|
# | many-to-one | Sentiment Classification (*문장의 감정을 분석하여 긍정적인지 부정적인지를 분류*) | `sentiment_rnn` |
# | many-to-many | Machine Translation (*한 언어로 된 문장을 다른 언어로 번역*) | `seq2seq_attention` |
# | many-to-many | Video classification (*과거의 모든 프레임에 대한 처리가 되어야 한다*) | `video_classifier` |
# | one-to-many | Image Captioning | tutorial 13 |
#
# Each task gets data made offline, a model built by hand first, the library's version, and a
# measurement of the claim that makes the task recurrent: **order matters**.

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import keras
import matplotlib.pyplot as plt
import numpy as np

import zoo
from zoo.data.reviews import CASES, make_reviews
from zoo.models.rnn.sentiment import bag_of_words, encode_reviews, review_vocabulary

keras.utils.set_random_seed(0)  # a fresh run draws the same weights, batches and dropout

# %% [markdown]
# ## S8 · Many-to-one: sentiment
# The reviews come from a small grammar in which **word order decides the label**: "not good,
# but boring" is negative and "not boring, but good" positive, with the same words.
# Negation, "hardly", intensifiers and contrast ("good, but the ending ruins it") are all
# there, and each review records which construction made it.

# %%
train = make_reviews(600 if SMOKE else 3000, seed=0)
test = make_reviews(200 if SMOKE else 1000, seed=1)
for text, label, case in list(zip(train.texts, train.labels, train.cases, strict=True))[:6]:
    print(f"{'+' if label else '-'} {case:12s} {text}")
vocab = review_vocabulary(train.texts)
x_train, x_test = encode_reviews(train.texts, vocab), encode_reviews(test.texts, vocab)
epochs = 2 if SMOKE else 8

# %% [markdown]
# ### By hand: an RNN that reads the review and answers once
# Many-to-one means the network reads every word, updating its hidden state, and only the
# **last** state is used: a dense layer turns it into P(positive).

# %%
keras.utils.set_random_seed(0)
by_hand = keras.Sequential(
    [
        keras.Input((None,), dtype="int32"),
        keras.layers.Embedding(len(vocab), 16, mask_zero=True),
        keras.layers.SimpleRNN(16),  # return_sequences=False: only the last state
        keras.layers.Dense(1, activation="sigmoid"),
    ]
)
by_hand.compile(keras.optimizers.Adam(5e-3), "binary_crossentropy", metrics=["accuracy"])
by_hand.fit(x_train, train.labels, epochs=epochs, batch_size=64, verbose=0)
print("hand-built SimpleRNN, test accuracy:", round(by_hand.evaluate(x_test, test.labels, verbose=0)[1], 3))

# %% [markdown]
# ### The library's model against a bag of words
# `sentiment_rnn` reads the review with a bidirectional LSTM. The baseline averages the word
# vectors, so it sees *which* words occur but not in what order. Accuracy per construction:

# %%
def per_case(model):
    right = (model.predict(x_test, verbose=0)[:, 0] > 0.5) == test.labels
    cases = np.array(test.cases)
    return {c: right[cases == c].mean() for c in CASES}


scores = {}
for name, build in (
    ("bag of words", lambda: bag_of_words(len(vocab), 16)),
    ("sentiment_rnn", lambda: zoo.create_model("sentiment_rnn", vocab_size=len(vocab), embedding_dim=16, units=16)),
):
    keras.utils.set_random_seed(0)
    model = build()
    model.compile(keras.optimizers.Adam(5e-3), "binary_crossentropy")
    model.fit(x_train, train.labels, epochs=epochs, batch_size=64, verbose=0)
    scores[name] = per_case(model)
print(f"{'case':12s} " + " ".join(f"{n:>14s}" for n in scores))
for case in CASES:
    print(f"{case:12s} " + " ".join(f"{scores[n][case]:14.2f}" for n in scores))

# %% [markdown]
# On the full run the bag of words is near chance (about 0.5) on the two contrast
# constructions, where both orders of the same words occur with opposite labels, and fine on
# the rest; the recurrent model gets them all. (With IMDB in Keras's cache,
# `zoo.data.reviews.load_imdb()` gives the real reviews; nothing here needs it.)

# %% [markdown]
# ## S8 · Many-to-many: translation with attention
# Dates written by people ("3rd of March 1998", "03/03/98", "Tuesday, March 3, 1998") are
# translated to ISO dates ("1998-03-03"), character by character. An **encoder** LSTM reads
# the source; a **decoder** LSTM writes the target, reading its own previous character
# (*teacher forcing* during training: the true previous character).
#
# With **attention**, each decoder step scores every encoder state, and the softmax of the
# scores weights a context vector. Bahdanau's additive score is
# $v^\top \tanh(W_q q + W_k k_j)$; we compute one step by hand and check the layer.

# %%
from zoo.data.dates import END, START, decode, encode, make_dates, source_vocabulary, target_vocabulary
from zoo.layers import AlignmentAttention

rng = np.random.default_rng(0)
query, keys = rng.standard_normal((1, 1, 6)).astype("float32"), rng.standard_normal((1, 5, 6)).astype("float32")
layer = AlignmentAttention("additive", units=4)
context, weights = layer([query, keys])
W_q, W_k, v = (keras.ops.convert_to_numpy(w) for w in (layer.query_kernel, layer.key_kernel, layer.v))
scores_by_hand = np.tanh(query[0] @ W_q + keys[0] @ W_k) @ v  # (5,) one score per source position
weights_by_hand = np.exp(scores_by_hand) / np.exp(scores_by_hand).sum()
print("weights by hand:", weights_by_hand.round(3))
assert np.allclose(keras.ops.convert_to_numpy(weights)[0, 0], weights_by_hand, atol=1e-5)
assert np.allclose(keras.ops.convert_to_numpy(context)[0, 0], weights_by_hand @ keys[0], atol=1e-5)

# %%
from zoo.models.rnn.seq2seq import alignment, beam_decode, greedy_decode

SRC, TGT = source_vocabulary(), target_vocabulary()
START_ID, END_ID = TGT.index(START), TGT.index(END)


def arrays(pairs):
    return (
        encode(pairs.sources, SRC, 30),
        encode([START + t for t in pairs.targets], TGT, 11),
        encode([t + END for t in pairs.targets], TGT, 11),
    )


dates_train, dates_test = make_dates(500 if SMOKE else 6000, seed=0), make_dates(100 if SMOKE else 500, seed=1)
for s, t in list(zip(dates_train.sources, dates_train.targets, strict=True))[:5]:
    print(f"{s:32s} -> {t}")
x, y_in, y_out = arrays(dates_train)
xt, _, _ = arrays(dates_test)
translators, exact = {}, {}
for attention in ("bahdanau", "luong", "none"):
    keras.utils.set_random_seed(0)
    model = zoo.create_model("seq2seq_attention", attention=attention, units=48, embedding_dim=16)
    model.compile(keras.optimizers.Adam(1e-2), keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    model.fit([x, y_in], y_out, epochs=1 if SMOKE else 6, batch_size=64, verbose=0)
    guesses = [decode(row, TGT) for row in greedy_decode(model, xt, START_ID, END_ID, 11)]
    exact[attention] = np.mean([g == t for g, t in zip(guesses, dates_test.targets, strict=True)])
    translators[attention] = model
    print(f"attention={attention:9s} exact-match accuracy {exact[attention]:.3f}")

# %% [markdown]
# On the full run (6 epochs, 6,000 dates) attention clearly wins: 1.000 for Bahdanau, 0.984 for
# Luong and 0.788 without attention in the outputs above, where the whole source must
# squeeze through the encoder's last state. **Beam search** keeps the few most probable
# prefixes at every step instead of only the best one:

# %%
bahdanau = translators["bahdanau"]
beams = [decode(row, TGT) for row in beam_decode(bahdanau, xt[:50], START_ID, END_ID, 11, beam_width=3)]
beam_exact = np.mean([b == t for b, t in zip(beams, dates_test.targets[:50], strict=True)])
print("beam width 3, exact match on 50:", beam_exact)

# %% [markdown]
# ### The alignment
# The attention weights show which source characters each output character read. Writing the
# year looks at the year, the month at the month's name or number, wherever the format put it.

# %%
sample = make_dates(3, seed=7)
xs, ys_in, _ = arrays(sample)
weights = alignment(bahdanau, xs, ys_in)
fig, axes = plt.subplots(1, 3, figsize=(15, 3.4))
for ax, source, target, w in zip(axes, sample.sources, sample.targets, weights, strict=True):
    ax.imshow(w[: len(target) + 1, : len(source)], cmap="Greys", aspect="auto")
    ax.set_xticks(range(len(source)), list(source), fontsize=7)
    ax.set_yticks(range(len(target) + 1), list(target) + ["<end>"], fontsize=7)
    ax.set_title(source, fontsize=9)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## S8 · Many-to-many and many-to-one: video
# Clips of a moving shape, labelled by the motion: left, right, up, down, grow, shrink, or
# bounce (out and back). As the note says, the answer needs *all the past frames* (*과거의
# 모든 프레임에 대한 처리*): a single frame shows where the shape is, not where it is going.

# %%
from zoo.data.clips import FRAME_MOTIONS, MOTIONS, make_clips

clips_train = make_clips(120 if SMOKE else 2800, seed=0)
clips_test = make_clips(30 if SMOKE else 700, seed=1)
fig, axes = plt.subplots(3, 8, figsize=(12, 4.8))
for row, i in enumerate([int(np.argmax(clips_train.labels == MOTIONS.index(m))) for m in ("right", "grow", "bounce")]):
    for t in range(8):
        axes[row, t].imshow(clips_train.videos[i, t])
        axes[row, t].set_title(FRAME_MOTIONS[clips_train.frame_labels[i, t]], fontsize=8)
        axes[row, t].axis("off")
    axes[row, 0].text(-12, 16, MOTIONS[clips_train.labels[i]], ha="right")
plt.tight_layout()
plt.show()

# %% [markdown]
# ### By hand: order-blind against order-aware
# The same per-frame CNN (a small `vgg_cifar` from the zoo without its head, through
# `TimeDistributed`), then
# either an **average over frames** (a "bag of frames", blind to order: a clip played backwards
# gives the same average, and "left" backwards is "right") or a **GRU** reading the frames in
# order.

# %%
from zoo.models.cnn.conventions import headless_backbone

SMALL_VGG = {"width": 8, "blocks": 2, "convs_per_block": 1}


def frames_model(temporal):
    clips = keras.Input((8, 32, 32, 3))
    x = keras.layers.TimeDistributed(headless_backbone("vgg_cifar", (32, 32, 3), SMALL_VGG))(clips)
    x = keras.layers.TimeDistributed(keras.layers.Flatten())(x)
    x = keras.layers.GlobalAveragePooling1D()(x) if temporal == "average" else keras.layers.GRU(32)(x)
    return keras.Model(clips, keras.layers.Dense(len(MOTIONS), activation="softmax")(x))


video_epochs = 1 if SMOKE else 12
video_scores = {}
for temporal in ("average", "gru"):
    keras.utils.set_random_seed(0)
    model = frames_model(temporal)
    model.compile(keras.optimizers.Adam(2e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(clips_train.videos, clips_train.labels, epochs=video_epochs, batch_size=32, verbose=0)
    predicted = model.predict(clips_test.videos, verbose=0).argmax(-1)
    video_scores[temporal] = {m: (predicted == k)[clips_test.labels == k].mean() for k, m in enumerate(MOTIONS)}
print(f"{'motion':8s} {'average':>8s} {'gru':>8s}")
for m in MOTIONS:
    print(f"{m:8s} {video_scores['average'][m]:8.2f} {video_scores['gru'][m]:8.2f}")

# %% [markdown]
# The average can still use where a clip *starts* (a "left" clip starts on the right), but it
# confuses each motion with its reverse; the GRU, reading in order, separates them.
#
# ### The library: `video_classifier`, two variants, per clip and per frame
# `video_classifier(variant="cnn_rnn")` is the CNN + LSTM/GRU model above;
# `variant="convlstm"` uses a `ConvLSTM2D`, whose gates are convolutions, so the state is a
# feature map and motion is seen where it happens. `per_frame=True` gives a prediction for
# every frame (many-to-many): the motion *into* that frame, which changes halfway through a
# bounce.

# %%
for variant in ("cnn_rnn", "convlstm"):
    for per_frame in (False, True):
        keras.utils.set_random_seed(0)
        model = zoo.create_model("video_classifier", variant=variant, per_frame=per_frame, backbone_args=SMALL_VGG,
                                 num_classes=len(FRAME_MOTIONS) if per_frame else len(MOTIONS))
        model.compile(keras.optimizers.Adam(2e-3), "sparse_categorical_crossentropy", metrics=["accuracy"])
        y_train = clips_train.frame_labels if per_frame else clips_train.labels
        y_test = clips_test.frame_labels if per_frame else clips_test.labels
        model.fit(clips_train.videos, y_train, epochs=video_epochs, batch_size=32, verbose=0)
        accuracy = model.evaluate(clips_test.videos, y_test, verbose=0)[1]
        what = "per frame" if per_frame else "per clip "
        print(f"{variant:8s} {what}: test accuracy {accuracy:.3f}, {model.count_params():,} parameters")
        if variant == "convlstm" and per_frame:
            frame_model = model

# %% [markdown]
# Per frame, on a bouncing clip: the predictions follow the turn. The first frame has no past,
# so its motion is a guess; every later frame has seen the one before.

# %%
bounces = np.flatnonzero(clips_test.labels == MOTIONS.index("bounce"))[:3]
predicted = frame_model.predict(clips_test.videos[bounces], verbose=0).argmax(-1)
for i, p in zip(bounces, predicted, strict=True):
    print("true     ", " ".join(f"{FRAME_MOTIONS[k]:>5s}" for k in clips_test.frame_labels[i]))
    print("predicted", " ".join(f"{FRAME_MOTIONS[k]:>5s}" for k in p))

# %% [markdown]
# ## The presets: the same tasks, trained by `zoo train`
# Each task has a small pretrained model that ships with the package (`zoo list --pretrained`),
# trained by `zoo train` on the same kind of data with the recipe's sizes. Loading one checks
# its files' SHA-256; we score it again on the task's held-out data, as its card was scored.

# %%
from zoo.training.held_out import task_score

for name in ("sentiment_rnn_reviews", "seq2seq_attention_dates", "video_classifier_clips"):
    card = zoo.presets.preset_card(name)
    pretrained = zoo.load_preset(name)
    print(f"{name}: {card['description']}")
    print(
        f"  scored here {task_score(pretrained):.4f}, its card {card['score']['value']} "
        f"({card['score']['metric']}; trained in {card['training_seconds'] / 60:.1f} minutes)"
    )

# %% [markdown]
# ## Summary
# - **many-to-one** (sentiment): a bag of words cannot read "not A, but B"; a recurrent model can.
# - **many-to-many** (translation): attention lets the decoder look back at the source, and
#   beats squeezing it into one state; the alignment plot shows where it looks.
# - **many-to-many / many-to-one** (video): averaging frames loses direction; a recurrent
#   model over frames (or a ConvLSTM) keeps it, per clip or per frame.
#
# Next: tutorial 13, one-to-many, where a CNN's image vector starts an LSTM that writes.
