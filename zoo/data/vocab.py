"""Character and word vocabularies built with Keras's lookup layers.

Character vocabularies come from `keras.layers.StringLookup` (id 0 is the
out-of-vocabulary token `[UNK]`); word vocabularies from
`keras.layers.TextVectorization` (id 0 is the padding token `""`, id 1 is
`[UNK]`). A vocabulary is a plain list, position = id, and is stored inside
a TextGenerator, so a saved model can encode and decode without its corpus.
`TextCodec` tells the two kinds apart by that first entry.
"""

from __future__ import annotations

import numpy as np

from zoo.data.text import OOV_TOKEN, decode_chars, encode_chars
from zoo.errors import InputError

WORD_STANDARDIZE = "lower_and_strip_punctuation"


def char_vocabulary(text: str, max_tokens: int | None = None) -> list:
    """The characters of `text`, most frequent first, behind `[UNK]` (via StringLookup).

    `max_tokens` caps the size (`[UNK]` included); rarer characters map to `[UNK]`.
    """
    import keras
    import tensorflow as tf

    if max_tokens is not None and max_tokens < 2:
        raise InputError(f"max_tokens must be at least 2 ([UNK] and one character), got {max_tokens!r}.")
    lookup = keras.layers.StringLookup(max_tokens=max_tokens, oov_token=OOV_TOKEN, mask_token=None)
    lookup.adapt(tf.strings.unicode_split(tf.constant(text), "UTF-8"))
    return [str(t) for t in lookup.get_vocabulary()]


def word_vocabulary(text: str, max_tokens: int = 20_000) -> list:
    """The words of `text` (lower-cased, punctuation stripped), most frequent first (via TextVectorization).

    Entry 0 is the padding token `""` and entry 1 is `[UNK]`.
    """
    import keras
    import tensorflow as tf

    if max_tokens < 3:
        raise InputError(f"max_tokens must be at least 3 (padding, [UNK] and one word), got {max_tokens!r}.")
    vectorizer = keras.layers.TextVectorization(
        max_tokens=max_tokens, standardize=WORD_STANDARDIZE, split="whitespace", output_mode="int"
    )
    vectorizer.adapt(tf.data.Dataset.from_tensor_slices(text.splitlines() or [text]).batch(1024))
    return [str(t) for t in vectorizer.get_vocabulary()]


def codec_vocabulary(tokens) -> list:
    """A vocabulary in the layout `TextCodec` reads, from any list of unique tokens.

    A list already in that layout (`[UNK]` first for characters, `""` then
    `[UNK]` for words, as zoo's builders and saved models write it) comes
    back unchanged. Any other list of unique tokens, the keras-io way
    (`sorted(set(text))`), gets the reserved entries put in front:

    - every token one character long: `["[UNK]", *tokens]`, so the i-th
      given character has id `i + 1` and id 0 stands for characters not in
      the list;
    - otherwise (words): `["", "[UNK]", *tokens]`, so the i-th given word
      has id `i + 2`, id 0 is padding and id 1 unknown words.
    """
    tokens = [str(t) for t in tokens]
    if len(set(tokens)) != len(tokens):
        dupes = sorted({t for t in tokens if tokens.count(t) > 1})
        raise InputError(f"vocabulary has duplicate tokens: {dupes[:5]!r}.")
    if not tokens:
        raise InputError("vocabulary is empty; give at least one token.")
    if tokens[0] == OOV_TOKEN or tokens[:2] == ["", OOV_TOKEN]:
        return tokens
    misplaced = [t for t in ("", OOV_TOKEN) if t in tokens]
    if misplaced:
        raise InputError(
            f"vocabulary has the reserved token(s) {misplaced!r} at positions {[tokens.index(t) for t in misplaced]}; "
            f"put {OOV_TOKEN!r} first (characters) or '' then {OOV_TOKEN!r} first (words), or leave them out "
            "and zoo adds them."
        )
    if all(len(t) == 1 for t in tokens):
        return [OOV_TOKEN, *tokens]
    return ["", OOV_TOKEN, *tokens]


class TextCodec:
    """Turns text into token ids and back for a character or a word vocabulary.

    A vocabulary whose entry 0 is `""` is word-level (TextVectorization's
    layout); one whose entry 0 is `[UNK]` is character-level (StringLookup's).
    Unknown characters or words become the `[UNK]` id instead of failing.
    """

    def __init__(self, vocabulary):
        vocabulary = [str(t) for t in vocabulary]
        if len(vocabulary) < 2:
            raise InputError(f"A vocabulary needs at least 2 entries, got {vocabulary!r}.")
        if vocabulary[0] == "":
            self.level = "word"
            if vocabulary[1] != OOV_TOKEN:
                raise InputError(f"A word vocabulary has [UNK] at id 1, got {vocabulary[1]!r}.")
        elif vocabulary[0] == OOV_TOKEN:
            self.level = "char"
        else:
            raise InputError(
                f"Cannot tell the vocabulary's kind from its first entry {vocabulary[0]!r}: a character "
                f"vocabulary starts with {OOV_TOKEN!r}, a word vocabulary with '' then {OOV_TOKEN!r}."
            )
        self.vocabulary = vocabulary
        self._index = {t: i for i, t in enumerate(vocabulary)}

    def encode(self, text: str) -> np.ndarray:
        """Token ids of `text` (int32)."""
        if self.level == "char":
            return encode_chars(text, self.vocabulary)
        import keras

        vectorizer = keras.layers.TextVectorization(
            standardize=WORD_STANDARDIZE, split="whitespace", vocabulary=self.vocabulary[2:]
        )
        return np.asarray(vectorizer(text), dtype=np.int32).reshape(-1)

    def decode(self, ids) -> str:
        """The text of `ids`; word-level ids are joined with spaces, each led by one."""
        if self.level == "char":
            return decode_chars(ids, self.vocabulary)
        return "".join(" " + self.vocabulary[i] for i in np.asarray(ids).reshape(-1).tolist() if i != 0)

    @property
    def unit(self) -> str:
        """What one token is, for reports: `"character"` or `"word"`."""
        return "character" if self.level == "char" else "word"
