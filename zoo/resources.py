"""What the machine can hold: model and generation sizes checked before anything is built (Keras-free).

A model's parameter count is estimated from its arguments; training it takes
about four times its weights (the weights, their gradients and Adam's two
moments), in float32. `check_memory` refuses, in one line, a size whose
estimate exceeds the memory the operating system says is available, so a
typing slip (`--units 30000`) or a crafted `.keras` file (`num_layers`
of a million) fails at once instead of after minutes of swapping.
`zoo train --no-memory-check` (or `memory_check` in Python) turns the
check off for a machine whose memory the estimate misjudges.
"""

from __future__ import annotations

import contextlib
import os

from zoo.errors import InputError

#: Bytes per parameter while training: float32 weights, gradients and Adam's two moments.
TRAINING_BYTES_PER_PARAMETER = 16
_enabled = [True]


def available_memory() -> int | None:
    """Bytes of memory available now (Linux's `MemAvailable`; else the free pages), or None if unknown."""
    try:
        with open("/proc/meminfo", encoding="ascii") as f:
            for line in f:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_AVPHYS_PAGES")
    except (ValueError, OSError, AttributeError):
        return None


@contextlib.contextmanager
def memory_check(enabled: bool):
    """Turn `check_memory` on or off inside the block (`zoo train --no-memory-check`)."""
    _enabled.append(bool(enabled))
    try:
        yield
    finally:
        _enabled.pop()


def check_memory(what: str, needed: float) -> None:
    """Refuse `what` when its estimated `needed` bytes exceed the available memory.

    Args:
        what: the thing being sized, as the message names it (`"text_generator with units=30000"`).
        needed: the estimate in bytes.

    Raises:
        ValueError: one line with the estimate, the memory available and how to go on anyway.
    """
    available = available_memory()
    if not _enabled[-1] or available is None or needed <= available:
        return
    raise InputError(
        f"{what} needs about {needed / 2**30:,.1f} GiB, more than the {available / 2**30:,.1f} GiB of memory "
        "available; choose smaller sizes, or add --no-memory-check (zoo.resources.memory_check(False)) if the "
        "estimate is wrong for this machine."
    )


def check_training_size(what: str, parameters: float) -> None:
    """`check_memory` for training a model of `parameters` weights."""
    check_memory(f"{what} ({parameters:,.0f} parameters, trained)", parameters * TRAINING_BYTES_PER_PARAMETER)


def generation_bytes(length: int, num_samples: int) -> int:
    """A bound on what generating `num_samples` continuations of `length` tokens takes: per sample, the
    output buffer (a power of two of int32 ids, held twice), its tokens decoded to Python strings (64 bytes
    each), and 64 KiB for a step's logits and states."""
    bucket = max(64, 1 << max(length - 1, 0).bit_length())
    return num_samples * (8 * bucket + 64 * length + (64 << 10))
