"""Data sets that work offline.

Text: ``load_corpus("stdlib" | "pydoc" | PATH)``, character and word
vocabularies (built with Keras's lookup layers when called), encoding, and
training windows (``tf.data``, imported on use).
"""

from zoo.data.text import (
    BUILTIN_CORPORA,
    DEFAULT_CHAR_VOCABULARY,
    OOV_TOKEN,
    TextCorpus,
    decode_chars,
    encode_chars,
    load_corpus,
    stdlib_files,
)
from zoo.data.vocab import TextCodec, char_vocabulary, word_vocabulary

__all__ = [
    "BUILTIN_CORPORA",
    "DEFAULT_CHAR_VOCABULARY",
    "OOV_TOKEN",
    "TextCodec",
    "TextCorpus",
    "char_vocabulary",
    "decode_chars",
    "encode_chars",
    "load_corpus",
    "stdlib_files",
    "text_windows",
    "word_vocabulary",
]


def __getattr__(name):
    if name == "text_windows":
        from zoo.data.windows import text_windows

        return text_windows
    raise AttributeError(f"module 'zoo.data' has no attribute {name!r}")
