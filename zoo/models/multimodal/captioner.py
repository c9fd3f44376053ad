"""Image captioning, one-to-many (note 003, V5): a CNN's feature vector starts an LSTM that writes.

The image goes through a zoo CNN without its head; its feature map,
flattened (so the decoder can tell left from right) and mapped by a dense
layer, becomes the LSTM's initial hidden and cell state. The LSTM then reads
the caption shifted right, `<start>` first (teacher forcing), and predicts
every next word, `<end>` last. At test time `caption_images` writes
captions word by word, greedily or with a beam search
(`zoo.decoding`), and `zoo.metrics.bleu` scores them.

The default vocabulary is every word of `zoo.data.scenes`' captions.
"""

from __future__ import annotations

import keras
import numpy as np

from zoo.data.scene_words import CAPTION_END, CAPTION_START, CAPTION_VOCAB_SIZE, CAPTION_VOCABULARY
from zoo.decoding import beam_decode, greedy_decode
from zoo.errors import InputError
from zoo.models.cnn.conventions import headless_backbone
from zoo.models.multimodal.arguments import check_image_captioner

START, END = CAPTION_START, CAPTION_END
VOCAB_SIZE = CAPTION_VOCAB_SIZE


def tokenize_caption(text: str) -> list:
    """The words of a caption, with commas as words of their own."""
    return text.replace(",", " , ").split()


def encode_captions(captions, vocabulary=CAPTION_VOCABULARY, max_length=None):
    """`(inputs, targets)` id arrays (n, max_length + 1): `<start> w1 .. wk` and `w1 .. wk <end>`, 0-padded.

    `max_length`: the most words a caption may have (default: the longest
    given); a longer caption or a word outside `vocabulary` is an error.
    """
    index = {w: i for i, w in enumerate(vocabulary)}
    words = [tokenize_caption(c) for c in captions]
    unknown = sorted({w for ws in words for w in ws if w not in index})
    if unknown:
        raise InputError(f"Words not in the vocabulary: {unknown}; the vocabulary has {list(vocabulary[3:])}.")
    longest = max(map(len, words), default=0)
    max_length = longest if max_length is None else max_length
    if longest > max_length:
        raise InputError(f"A caption has {longest} words, more than max_length={max_length}.")
    inputs = np.zeros((len(words), max_length + 1), np.int32)
    targets = np.zeros((len(words), max_length + 1), np.int32)
    for row, ws in enumerate(words):
        ids = [index[w] for w in ws]
        inputs[row, : len(ids) + 1] = [index[START], *ids]
        targets[row, : len(ids) + 1] = [*ids, index[END]]
    return inputs, targets


def decode_caption(ids, vocabulary=CAPTION_VOCABULARY) -> str:
    """The caption spelled by `ids`, up to the first `<end>` or padding."""
    words = []
    for i in ids:
        word = vocabulary[int(i)]
        if word in ("", END):
            break
        if word != START:
            words.append(word)
    return " ".join(words).replace(" ,", ",")


def image_captioner(
    vocab_size: int = CAPTION_VOCAB_SIZE,
    input_shape: tuple[int, int, int] = (64, 64, 3),
    backbone: str = "vgg_cifar",
    backbone_args: dict | None = None,
    embedding_dim: int = 32,
    units: int = 128,
    dropout: float = 0.0,
    name: str = "image_captioner",
) -> keras.Model:
    """Build the captioner: inputs `[images, caption ids (batch, T)]`, output (batch, T, vocab_size) logits.

    Args:
        vocab_size: caption token ids (0 is padding, masked).
        input_shape: image `(height, width, channels)`.
        backbone: the registered image classifier used as the encoder, without its head.
        backbone_args: overrides for the backbone (`{"width": 16}`).
        embedding_dim: size of the word embeddings.
        units: the LSTM's units (and the size of the image's projection).
        dropout: dropout rate on the image features and the LSTM's outputs.
        name: the model's name.
    """
    check_image_captioner(vocab_size=vocab_size, embedding_dim=embedding_dim, units=units, dropout=dropout)
    images = keras.Input(tuple(input_shape), name="images")
    words = keras.Input((None,), dtype="int32", name="caption_in")
    features = headless_backbone(backbone, input_shape, backbone_args)(images)
    features = keras.layers.Flatten(name="image_features")(features)
    features = keras.layers.Dropout(dropout, name="feature_dropout")(features)
    h = keras.layers.Dense(units, activation="tanh", name="init_h")(features)
    c = keras.layers.Dense(units, name="init_c")(features)
    x = keras.layers.Embedding(vocab_size, embedding_dim, mask_zero=True, name="word_embedding")(words)
    x = keras.layers.LSTM(units, return_sequences=True, name="decoder")(x, initial_state=[h, c])
    x = keras.layers.Dropout(dropout, name="output_dropout")(x)
    logits = keras.layers.Dense(vocab_size, name="logits")(x)
    return keras.Model([images, words], logits, name=name)


def caption_images(model, images, vocabulary=CAPTION_VOCABULARY, beam_width=1, max_length=20) -> list:
    """Captions for `images` (n, H, W, C): greedy with `beam_width=1`, else beam search."""
    start, end = vocabulary.index(START), vocabulary.index(END)
    images = np.asarray(images, np.float32)
    if beam_width == 1:
        ids = greedy_decode(model, images, start, end, max_length)
    else:
        ids = beam_decode(model, images, start, end, max_length, beam_width=beam_width)
    return [decode_caption(row, vocabulary) for row in ids]
