"""Data sets that work offline.

Text: ``load_corpus("stdlib" | "pydoc" | PATH)``, character encoding, and
training windows (the last needs Keras and TensorFlow and is imported on use).
"""

from zoo.data.text import (
    BUILTIN_CORPORA,
    DEFAULT_CHAR_VOCABULARY,
    OOV_TOKEN,
    TextCorpus,
    char_vocabulary,
    decode_chars,
    encode_chars,
    load_corpus,
    stdlib_files,
)

__all__ = [
    "BUILTIN_CORPORA",
    "DEFAULT_CHAR_VOCABULARY",
    "OOV_TOKEN",
    "TextCorpus",
    "char_vocabulary",
    "decode_chars",
    "encode_chars",
    "load_corpus",
    "stdlib_files",
    "text_windows",
]


def __getattr__(name):
    if name == "text_windows":
        from zoo.data.windows import text_windows

        return text_windows
    raise AttributeError(f"module 'zoo.data' has no attribute {name!r}")
