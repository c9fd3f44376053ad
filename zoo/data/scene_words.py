"""The words of the seeded scenes (`zoo.data.scenes`): shape and colour names, size words,
the caption of a scene and the caption vocabulary.

Pure Python, without NumPy, so the registry reads the captioner's vocabulary size
(`zoo list` imports neither NumPy nor Keras).
"""

SHAPES = ("circle", "square", "triangle", "star")
COLOURS = {
    "red": (0.85, 0.15, 0.15),
    "green": (0.15, 0.7, 0.2),
    "blue": (0.15, 0.3, 0.9),
    "yellow": (0.95, 0.85, 0.1),
    "purple": (0.6, 0.2, 0.75),
    "orange": (1.0, 0.55, 0.05),
}
SIZE_WORDS = ("small", "large")

#: The caption markers and vocabulary of the scenes' captions (`caption_for`): padding (id 0),
#: the two markers, then every word a caption uses.
CAPTION_START, CAPTION_END = "<start>", "<end>"
CAPTION_VOCABULARY = ("", CAPTION_START, CAPTION_END, "a", "and", ",", *SIZE_WORDS, *COLOURS, *SHAPES)
CAPTION_VOCAB_SIZE = len(CAPTION_VOCABULARY)


def caption_for(objects) -> str:
    """The caption of a scene: its shapes left to right, as "a large red circle, a small blue star and a green square".

    `objects` are `(x_centre, size_word, colour, shape)` tuples.
    """
    words = [f"a {size} {colour} {shape}" for _, size, colour, shape in sorted(objects, key=lambda o: o[0])]
    if len(words) == 1:
        return words[0]
    return ", ".join(words[:-1]) + " and " + words[-1]
