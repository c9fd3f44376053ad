"""Quiet where zoo traces new TensorFlow functions by design.

TensorFlow warns ("N out of the last M calls to <function> triggered tf.function
retracing") when the functions that Keras or zoo compile are traced often. zoo
traces one function per model on purpose: a decoding loop per model and
sampling setting (`zoo.decoding.generation`), a step model per trained
decoder (`zoo.decoding.conditional`), one prediction function per preset
scored (`zoo.training.held_out`). TensorFlow counts those together as if
one function were retraced, so the warning would only be noise there.
"""

from __future__ import annotations

import contextlib
import logging


@contextlib.contextmanager
def tracing_by_design():
    """Within the block, TensorFlow's logger shows errors only (its retracing warning is hidden).

    The logger's level is restored afterwards, whatever it was; on other
    backends, where nothing logs there, this changes nothing.
    """
    tf_logger = logging.getLogger("tensorflow")
    level = tf_logger.level
    tf_logger.setLevel(max(level, logging.ERROR))
    try:
        yield
    finally:
        tf_logger.setLevel(level)
