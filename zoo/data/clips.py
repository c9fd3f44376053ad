"""Seeded video clips of a moving shape, whose class is the motion (offline, NumPy only).

Each clip shows one shape (from `zoo.data.scenes`) on a textured, noisy
background over `frames` frames. What it does is the clip's class:

======== ==========================================================
left     moves left at a constant speed (right, up, down likewise)
grow     stays put and grows; `shrink` the reverse
bounce   moves toward a wall, then comes back the way it came
======== ==========================================================

No single frame tells the class: only the change between frames does, which
is why a video model needs a recurrent (or otherwise temporal) part.

Every frame also has a label, the motion between it and the frame before
(`FRAME_MOTIONS`; the first frame gets its successor's): a bouncing
clip's frames say "right" and then "left". Those are the targets of the
per-frame (many-to-many) models.

>>> clips = make_clips(200, seed=0)
>>> clips.videos.shape, clips.labels.shape, clips.frame_labels.shape
((200, 8, 32, 32, 3), (200,), (200, 8))
"""

from __future__ import annotations

import dataclasses

import numpy as np

from zoo.data.scenes import COLOURS, SHAPES, draw_background, shape_mask
from zoo.errors import InputError
from zoo.validation import check_int, check_positive_int

MOTIONS = ("left", "right", "up", "down", "grow", "shrink", "bounce")
FRAME_MOTIONS = ("left", "right", "up", "down", "grow", "shrink")
_STEPS = {"left": (-1, 0), "right": (1, 0), "up": (0, -1), "down": (0, 1)}


@dataclasses.dataclass
class Clips:
    """`videos` (n, frames, H, W, 3) in [0, 1]; `labels` (n,) into `class_names`;
    `frame_labels` (n, frames) into `frame_class_names`."""

    videos: np.ndarray
    labels: np.ndarray
    frame_labels: np.ndarray
    class_names: tuple = MOTIONS
    frame_class_names: tuple = FRAME_MOTIONS

    def __len__(self) -> int:
        return len(self.videos)

    def subset(self, index) -> Clips:
        """The clips at `index` (a slice, or an array of positions or booleans)."""
        return dataclasses.replace(
            self, videos=self.videos[index], labels=self.labels[index], frame_labels=self.frame_labels[index]
        )


def _path(motion, frames, size, rng):
    """Centre x, y and radius per frame for `motion`, and the per-frame motion names."""
    radius = np.full(frames, rng.uniform(0.12, 0.18) * size)
    if motion in ("grow", "shrink"):
        lo, hi = 0.1 * size, 0.3 * size
        radius = np.linspace(lo, hi, frames) if motion == "grow" else np.linspace(hi, lo, frames)
        cx, cy = rng.uniform(0.4, 0.6, 2) * size
        return np.full(frames, cx), np.full(frames, cy), radius, [motion] * frames
    speed = rng.uniform(0.7, 1.0) * (size - 2.6 * radius[0]) / (frames - 1)
    if motion == "bounce":
        first = str(rng.choice(list(_STEPS)))
        back = {"left": "right", "right": "left", "up": "down", "down": "up"}[first]
        turn = int(rng.integers(frames // 2 - 1, frames // 2 + 2))
        names = [first] * turn + [back] * (frames - turn)
        speed *= 2.0  # out and back within the same room
        speed = min(speed, (size - 2.6 * radius[0]) / max(turn - 1, 1))
    else:
        names = [motion] * frames
    steps = np.array([_STEPS[m] for m in names[1:]], float) * speed
    offsets = np.vstack([[0.0, 0.0], np.cumsum(steps, axis=0)])
    margin = 1.3 * radius[0]
    lo = margin - offsets.min(axis=0)
    hi = size - margin - offsets.max(axis=0)
    start = rng.uniform(lo, np.maximum(lo, hi))
    centres = start + offsets
    return centres[:, 0], centres[:, 1], radius, names


def make_clips(n: int, *, frames: int = 8, size: int = 32, motions=MOTIONS, noise: float = 0.03, seed: int = 0):
    """`n` seeded clips of `frames` frames of `size` x `size` pixels; see the module docstring.

    `motions`: the clip classes to draw from (a subset of `MOTIONS`),
    in equal shares.
    """
    check_positive_int("n", n)
    check_int("frames", frames, minimum=4)  # a bounce needs room to turn
    check_int("size", size, minimum=16)
    unknown = [m for m in motions if m not in MOTIONS]
    if unknown or not motions:
        raise InputError(f"Unknown motions {unknown!r}; choose from {MOTIONS}.")
    rng = np.random.default_rng(seed)
    videos = np.empty((n, frames, size, size, 3), np.float32)
    labels = np.empty(n, np.int32)
    frame_labels = np.empty((n, frames), np.int32)
    ys, xs = np.mgrid[0:size, 0:size]
    colours = list(COLOURS.values())
    for i in range(n):
        motion = motions[i % len(motions)] if n >= len(motions) else motions[int(rng.integers(len(motions)))]
        cx, cy, radius, names = _path(motion, frames, size, rng)
        shape = SHAPES[int(rng.integers(len(SHAPES)))]
        shade = np.clip(np.array(colours[int(rng.integers(len(colours)))]) + rng.normal(0, 0.05, 3), 0, 1)
        background = draw_background(rng, (size, size))
        for t in range(frames):
            frame = background.copy()
            frame[shape_mask(shape, cx[t], cy[t], radius[t], 0.0, xs, ys)] = shade
            videos[i, t] = np.clip(frame + rng.normal(0, noise, frame.shape), 0, 1)
        labels[i] = MOTIONS.index(motion)
        frame_labels[i] = [FRAME_MOTIONS.index(m) for m in names]
    order = rng.permutation(n)
    return Clips(videos[order], labels[order], frame_labels[order])
