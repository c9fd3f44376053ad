"""Data sets that work offline.

Text: `load_corpus("stdlib" | "pydoc" | PATH)`, character and word
vocabularies (built with Keras's lookup layers when called), encoding, and
training windows and carried-state streams (`tf.data`, imported on use).
Scenes: `make_scenes` (seeded shapes with masks, boxes and captions) and
`load_voc_detection` / `load_voc_segmentation` for your own annotated images.

The names below are loaded on first use: `import zoo.data` imports neither NumPy nor Keras.
"""

from zoo.lazy_exports import lazy_exports

_WHERE = {
    "BUILTIN_CORPORA": "text",
    "DEFAULT_CHAR_VOCABULARY": "text",
    "OOV_TOKEN": "text",
    "SHAPES": "scenes",
    "Scenes": "scenes",
    "TextCodec": "vocab",
    "TextCorpus": "text",
    "VOC_CLASSES": "voc",
    "char_vocabulary": "vocab",
    "codec_vocabulary": "vocab",
    "decode_chars": "text",
    "encode_chars": "text",
    "load_corpus": "text",
    "load_voc_detection": "voc",
    "load_voc_segmentation": "voc",
    "make_scenes": "scenes",
    "stdlib_files": "text",
    "stream_windows": "windows",
    "text_streams": "windows",
    "text_windows": "windows",
    "word_vocabulary": "vocab",
}

__getattr__, __dir__, __all__ = lazy_exports(__name__, {name: f"zoo.data.{module}" for name, module in _WHERE.items()})
