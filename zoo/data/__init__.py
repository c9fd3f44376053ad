"""Data sets that work offline.

Text: ``load_corpus("stdlib" | "pydoc" | PATH)``, character and word
vocabularies (built with Keras's lookup layers when called), encoding, and
training windows and carried-state streams (``tf.data``, imported on use).
Scenes: ``make_scenes`` (seeded shapes with masks, boxes and captions) and
``load_voc_detection`` / ``load_voc_segmentation`` for your own annotated images.
"""

from zoo.data.scenes import SHAPES, Scenes, make_scenes
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
from zoo.data.voc import VOC_CLASSES, load_voc_detection, load_voc_segmentation
from zoo.data.vocab import TextCodec, char_vocabulary, codec_vocabulary, word_vocabulary

__all__ = [
    "BUILTIN_CORPORA",
    "DEFAULT_CHAR_VOCABULARY",
    "OOV_TOKEN",
    "SHAPES",
    "Scenes",
    "VOC_CLASSES",
    "TextCodec",
    "TextCorpus",
    "char_vocabulary",
    "codec_vocabulary",
    "decode_chars",
    "encode_chars",
    "load_corpus",
    "load_voc_detection",
    "load_voc_segmentation",
    "make_scenes",
    "stdlib_files",
    "stream_windows",
    "text_streams",
    "text_windows",
    "word_vocabulary",
]


def __getattr__(name):
    if name in ("text_windows", "text_streams", "stream_windows"):
        from zoo.data import windows

        return getattr(windows, name)
    raise AttributeError(f"module 'zoo.data' has no attribute {name!r}")
