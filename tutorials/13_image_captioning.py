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
# # 13 · Image captioning: a CNN starts an RNN that writes
#
# Mirrors *RNN을 잘 활용한 Image Captioning 예시* in **note 003** (*CVLab/cs231n (2016)*,
# lecture 10); concept V5, one-to-many. The note describes two stages:
#
# 1. **image features (CNN)**: the CNN's output becomes one vector that goes to the RNN (*CNN을
#    통해서 추출한 이미지의 특징을 하나의 1차원 벡터로 변환해서 RNN으로 전달*);
# 2. **writing (RNN)**: that vector sets the RNN's starting state; the RNN predicts the first
#    word ("A"), feeds it back in to predict the next ("A man", "A man with"...), and stops
#    when it predicts the end token (*종료 토큰 \<END\>을 예측할 때까지*).
#
# We build the writing loop by hand, then train the library's `image_captioner` on offline
# scenes whose captions are known, decode greedily and with a beam, and score with BLEU
# (computed by hand first).

# %%
import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
SMOKE = os.environ.get("ZOO_SMOKE") == "1"

import time

import keras
import matplotlib.pyplot as plt
import numpy as np

import zoo
from zoo.data import make_scenes
from zoo.models.multimodal.captioner import CAPTION_VOCABULARY, caption_images, encode_captions, tokenize_caption

keras.utils.set_random_seed(0)  # a fresh run draws the same weights, batches and dropout

train = make_scenes(600 if SMOKE else 6000, seed=0)
test = make_scenes(40 if SMOKE else 300, seed=1)
print(train)
for caption in train.captions[:4]:
    print(" ", caption)

# %% [markdown]
# ## Words to ids, with `<start>` and `<end>`
# The vocabulary is every word the scenes use. For training, the decoder reads
# `<start> a small red star` and must predict `a small red star <end>`: the same caption
# shifted by one (teacher forcing). Padding is id 0 and is masked.

# %%
inputs, targets = encode_captions(train.captions)
print("vocabulary:", CAPTION_VOCABULARY)
print("caption  :", tokenize_caption(train.captions[0]))
print("input ids:", inputs[0])
print("targets  :", targets[0])

# %% [markdown]
# ## V5 · The library's model, and the note's two stages inside it
# `image_captioner` runs a zoo CNN (here `vgg_cifar`, without its head) on the image; the
# flattened feature map is mapped by two dense layers to the LSTM's initial hidden and cell
# states (stage 1). The LSTM reads the words and a dense layer scores the next word (stage 2).

# %%
keras.utils.set_random_seed(0)
model = zoo.create_model("image_captioner", backbone_args={"width": 8 if SMOKE else 16}, units=64 if SMOKE else 128)
model.compile(
    keras.optimizers.Adam(2e-3), keras.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=0)
)
start = time.perf_counter()
history = model.fit([train.images, inputs], targets, epochs=2 if SMOKE else 25, batch_size=64, verbose=0,
                    validation_split=0.1)
print(f"trained in {time.perf_counter() - start:.0f} s; last validation loss {history.history['val_loss'][-1]:.3f}")

# %% [markdown]
# ## V5 · Writing, by hand
# At test time there is no true previous word. Start from `<start>`, take the most likely next
# word, append it, run again, and stop at `<end>`: exactly the note's loop. (The library's
# `caption_images` does this for a batch, and re-running the whole prefix each step is cheap
# at these lengths.)

# %%
image = test.images[:1]
words = ["<start>"]
while words[-1] != "<end>" and len(words) < 20:
    ids = np.array([[CAPTION_VOCABULARY.index(w) for w in words]], "int32")
    logits = keras.ops.convert_to_numpy(model.predict_on_batch([image, ids]))[0, -1]
    words.append(CAPTION_VOCABULARY[int(logits.argmax())])
    print(" ".join(words))
by_hand = " ".join(words[1:-1] if words[-1] == "<end>" else words[1:]).replace(" ,", ",")
assert by_hand == caption_images(model, image)[0]
print("true:", test.captions[0])

# %% [markdown]
# ## BLEU, by hand and from `zoo.metrics`
# BLEU counts how many of the generated n-grams (n = 1..4) appear in the reference, each
# clipped to the number of times the reference has it, and takes the geometric mean of the four
# precisions, times a penalty for captions shorter than the reference.

# %%
from collections import Counter

from zoo.metrics import corpus_bleu


def bleu_by_hand(reference, hypothesis, max_n=4):
    ref, hyp = reference.split(), hypothesis.split()
    precisions = []
    for n in range(1, max_n + 1):
        hyp_grams = Counter(tuple(hyp[i : i + n]) for i in range(len(hyp) - n + 1))
        ref_grams = Counter(tuple(ref[i : i + n]) for i in range(len(ref) - n + 1))
        matched = sum(min(c, ref_grams[g]) for g, c in hyp_grams.items())
        precisions.append(matched / max(1, sum(hyp_grams.values())))
    brevity = min(1.0, np.exp(1 - len(ref) / len(hyp)))
    return brevity * np.prod(precisions) ** (1 / max_n)


ref, hyp = "a large red circle and a small blue star", "a large red circle and a blue star"
print(f"by hand {bleu_by_hand(ref, hyp):.4f}, zoo.metrics {corpus_bleu([[ref]], [hyp]):.4f}")
assert abs(bleu_by_hand(ref, hyp) - corpus_bleu([[ref]], [hyp])) < 1e-12

# %% [markdown]
# ## Greedy against beam search, scored
# A beam search keeps the `beam_width` most probable partial captions at every step, so a
# first word that looked slightly worse can still win if its continuation is better.

# %%
greedy = caption_images(model, test.images)
beam = caption_images(model, test.images, beam_width=3)
references = [[c] for c in test.captions]
untrained = zoo.create_model("image_captioner", backbone_args={"width": 8}, units=64)
for name, captions in (
    ("greedy", greedy),
    ("beam (3)", beam),
    ("untrained model", caption_images(untrained, test.images, max_length=12)),
):
    exact = np.mean([c == t for c, t in zip(captions, test.captions, strict=True)])
    print(f"{name:16s} BLEU-4 {corpus_bleu(references, captions):.3f}  exact captions {exact:.2f}")

# %% [markdown]
# ## Captions under their images

# %%
fig, axes = plt.subplots(2, 4, figsize=(14, 7.5))
for ax, img, truth, guess in zip(axes.flat, test.images, test.captions, beam, strict=False):
    ax.imshow(img)
    ax.axis("off")
    ax.set_title(f"model: {guess}\ntrue: {truth}", fontsize=8, color="green" if guess == truth else "black", wrap=True)
plt.tight_layout()
plt.show()

# %% [markdown]
# ## What it gets right and wrong
# The captions name the shapes left to right with a size and a colour. Counting which words
# of the true caption the model wrote tells which of the three it finds hardest:

# %%
from zoo.data.scenes import COLOURS, SHAPES, SIZE_WORDS

for kind, vocabulary in (("shape", SHAPES), ("colour", tuple(COLOURS)), ("size", SIZE_WORDS)):
    right = total = 0
    for truth, guess in zip(test.captions, beam, strict=True):
        t = [w for w in tokenize_caption(truth) if w in vocabulary]
        g = [w for w in tokenize_caption(guess) if w in vocabulary]
        total += len(t)
        right += sum(a == b for a, b in zip(t, g, strict=False))
    print(f"{kind:6s} words in the right place: {right / total:.2f}")

# %% [markdown]
# ## The preset
# `image_captioner_scenes` ships with the package: `zoo train image_captioner`'s recipe for ten
# epochs, on the recipe's scenes (32×32 with at most two shapes, smaller than those above). Its
# card gives the command and the score; we score it again on the recipe's test scenes and
# caption four of them.

# %%
from zoo.models.multimodal.captioner import decode_caption
from zoo.training.held_out import task_score
from zoo.training.tasks import make_task_data

card = zoo.presets.preset_card("image_captioner_scenes")
pretrained = zoo.load_preset("image_captioner_scenes")
print(f"{card['description']}\nmade by: {card['command']}")
print(f"scored here: {task_score(pretrained):.4f}; its card: {card['score']['value']} ({card['score']['metric']})")
recipe_data = make_task_data("image_captioner")
images = recipe_data.x_test[0][:4]
for caption, ids in zip(caption_images(pretrained, images), recipe_data.y_test[:4], strict=True):
    print(f"preset: {caption:45s} true: {decode_caption(ids)}")

# %% [markdown]
# ## Summary
# - One-to-many: one image vector sets the LSTM's state; the LSTM writes until `<end>`.
# - Teacher forcing trains it; greedy or beam decoding writes with it.
# - BLEU (by hand = `zoo.metrics.corpus_bleu`) and exact-caption accuracy measure it; an
#   untrained model is the floor.
#
# The library: `zoo.create_model("image_captioner")`, `zoo.models.multimodal.captioner.caption_images`,
# `zoo.metrics.corpus_bleu`.
