"""Seeded synthetic scenes for segmentation, detection and captioning (offline, NumPy only).

Each scene is an RGB image of a few coloured shapes (circle, square,
triangle, star) of several sizes on a textured, noisy background, with

- a per-pixel class mask (0 = background, `k + 1` = shape `SHAPES[k]`;
  a shape drawn later hides what it covers, as in a photograph),
- the shapes' boxes `(x_min, y_min, x_max, y_max)` in pixels (the whole
  shape, hidden parts included, as Pascal VOC annotates) with their class
  indices into `SHAPES`,
- a caption naming every shape left to right, with its size and colour
  ("a large red circle, a small blue star and a green square").

>>> scenes = make_scenes(1000, seed=0)   # a second or so
>>> scenes.images.shape, scenes.masks.shape, len(scenes.boxes)
((1000, 64, 64, 3), (1000, 64, 64), 1000)

The same `seed` gives the same scenes; train and test sets are made with
different seeds.
"""

from __future__ import annotations

import dataclasses

import numpy as np

from zoo.data.scene_words import (  # noqa: F401  (re-exported: the scenes' words are part of this module's API)
    CAPTION_END,
    CAPTION_START,
    CAPTION_VOCAB_SIZE,
    CAPTION_VOCABULARY,
    COLOURS,
    SHAPES,
    SIZE_WORDS,
    caption_for,
)
from zoo.errors import InputError
from zoo.validation import check_int, check_number, check_positive_int, check_positive_number


@dataclasses.dataclass
class Scenes:
    """A batch of scenes (or of a user's annotated images, see `zoo.data.voc`).

    `images` (N, H, W, 3) float32 in [0, 1]; `masks` (N, H, W) uint8 with
    0 for background, `k + 1` for `class_names[k]` and 255 for pixels to
    ignore; `boxes[i]` a (k_i, 4) float32 array of `(x_min, y_min, x_max,
    y_max)` pixels and `labels[i]` its (k_i,) int32 indices into
    `class_names`; `captions[i]` a sentence (empty when unknown);
    `difficult[i]`, when known, a (k_i,) bool array of the objects Pascal VOC
    flags *difficult* (mAP's VOC rule ignores them), else None.
    """

    images: np.ndarray
    masks: np.ndarray | None
    boxes: list
    labels: list
    captions: list
    class_names: tuple
    difficult: list | None = None

    def __len__(self) -> int:
        return len(self.images)

    @property
    def num_classes(self) -> int:
        """Object classes, without the background."""
        return len(self.class_names)

    @property
    def image_shape(self) -> tuple:
        return tuple(self.images.shape[1:])

    def subset(self, index) -> Scenes:
        """The scenes at `index` (a slice or an integer array), as a new `Scenes`."""
        idx = np.arange(len(self))[index]
        return Scenes(
            images=self.images[idx],
            masks=None if self.masks is None else self.masks[idx],
            boxes=[self.boxes[i] for i in idx],
            labels=[self.labels[i] for i in idx],
            captions=[self.captions[i] for i in idx],
            class_names=self.class_names,
            difficult=None if self.difficult is None else [self.difficult[i] for i in idx],
        )

    def __repr__(self) -> str:
        objects = sum(len(b) for b in self.boxes)
        return f"Scenes({len(self)} images of {self.image_shape}, {objects} objects, classes={self.class_names})"


def _polygon_mask(xs, ys, vertices) -> np.ndarray:
    """Which points (xs, ys) lie inside the polygon (even-odd rule, vectorised)."""
    inside = np.zeros(np.broadcast(xs, ys).shape, bool)
    vx, vy = vertices[:, 0], vertices[:, 1]
    for i in range(len(vertices)):
        x0, y0, x1, y1 = vx[i - 1], vy[i - 1], vx[i], vy[i]
        crosses = (y0 > ys) != (y1 > ys)
        with np.errstate(divide="ignore", invalid="ignore"):
            x_at = x0 + (ys - y0) * (x1 - x0) / (y1 - y0)
        inside ^= crosses & (xs < x_at)
    return inside


def shape_mask(shape: str, cx: float, cy: float, radius: float, angle: float, xs, ys) -> np.ndarray:
    """The pixels (centres at `xs + 0.5`, `ys + 0.5`) covered by one shape."""
    px, py = xs + 0.5 - cx, ys + 0.5 - cy
    if shape == "circle":
        return px * px + py * py <= radius * radius
    if shape == "square":
        half = radius * 0.8
        return (np.abs(px) <= half) & (np.abs(py) <= half)
    if shape == "triangle":
        t = angle + np.array([0.0, 2.0, 4.0]) * np.pi / 3 - np.pi / 2
        vertices = np.stack([radius * np.cos(t), radius * np.sin(t)], axis=1)
        return _polygon_mask(px, py, vertices)
    if shape == "star":
        t = angle + np.arange(10) * np.pi / 5 - np.pi / 2
        r = np.where(np.arange(10) % 2 == 0, radius, radius * 0.45)
        return _polygon_mask(px, py, np.stack([r * np.cos(t), r * np.sin(t)], axis=1))
    raise InputError(f"Unknown shape {shape!r}; known shapes: {', '.join(SHAPES)}.")


def draw_background(rng, size) -> np.ndarray:
    """A grey-ish background: a colour gradient, a faint stripe or checker texture, and noise."""
    h, w = size
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    base = rng.uniform(0.3, 0.6, 3).astype(np.float32)
    tilt = rng.uniform(-0.15, 0.15, (2, 3)).astype(np.float32)
    img = base + (xx[..., None] / w - 0.5) * tilt[0] + (yy[..., None] / h - 0.5) * tilt[1]
    period = rng.uniform(4, 12)
    if rng.random() < 0.5:
        theta = rng.uniform(0, np.pi)
        texture = np.sin(2 * np.pi * (xx * np.cos(theta) + yy * np.sin(theta)) / period)
    else:
        texture = np.sign(np.sin(2 * np.pi * xx / period) * np.sin(2 * np.pi * yy / period))
    return img + rng.uniform(0.02, 0.08) * texture[..., None]


def box_iou(a, b) -> np.ndarray:
    """Intersection over union of every box in `a` (n, 4) with every box in `b` (m, 4): (n, m)."""
    a = np.asarray(a, np.float64).reshape(-1, 4)
    b = np.asarray(b, np.float64).reshape(-1, 4)
    ix = np.clip(np.minimum(a[:, None, 2], b[None, :, 2]) - np.maximum(a[:, None, 0], b[None, :, 0]), 0, None)
    iy = np.clip(np.minimum(a[:, None, 3], b[None, :, 3]) - np.maximum(a[:, None, 1], b[None, :, 1]), 0, None)
    inter = ix * iy
    area_a = (a[:, 2] - a[:, 0]) * (a[:, 3] - a[:, 1])
    area_b = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    union = area_a[:, None] + area_b[None, :] - inter
    return np.where(union > 0, inter / np.where(union > 0, union, 1), 0.0)


def _checked_scene_arguments(
    n, image_size, min_objects, max_objects, min_radius, max_radius, max_overlap, min_visible, noise, shapes, seed
) -> tuple:
    """Check `make_scenes`' arguments (each error names the value and what is accepted); returns
    `(height, width)`."""
    check_positive_int("n", n)
    if isinstance(image_size, (tuple, list)) and len(image_size) == 2:
        height, width = (check_positive_int("image_size", v) for v in image_size)
    elif isinstance(image_size, (tuple, list, str)) or not isinstance(image_size, (int, np.integer)):
        raise InputError(f"image_size must be a positive integer or a (height, width) pair, got {image_size!r}.")
    else:
        height = width = check_positive_int("image_size", image_size)
    check_int("min_objects", min_objects, minimum=1)
    check_int("max_objects", max_objects, minimum=1)
    check_positive_number("min_radius", min_radius)
    check_positive_number("max_radius", max_radius)
    check_number("max_overlap", max_overlap, minimum=0, maximum=1)
    check_number("min_visible", min_visible, minimum=0, maximum=1)
    check_number("noise", noise, minimum=0)
    check_int("seed", seed, minimum=0)
    if min(height, width) < 4 * max_radius:
        raise InputError(
            f"image_size {(height, width)} is too small for shapes of radius up to {max_radius}; "
            f"use at least {int(4 * max_radius)} pixels or a smaller max_radius."
        )
    if not min_objects <= max_objects:
        raise InputError(f"Need min_objects <= max_objects, got {min_objects} and {max_objects}.")
    if not min_radius <= max_radius:
        raise InputError(f"Need min_radius <= max_radius, got {min_radius} and {max_radius}.")
    unknown = [s for s in shapes if s not in SHAPES]
    if unknown or not shapes:
        raise InputError(f"Unknown shapes {unknown!r}; choose from {SHAPES}.")
    return height, width


def make_scenes(
    n: int,
    *,
    image_size: int | tuple[int, int] = 64,
    min_objects: int = 1,
    max_objects: int = 3,
    min_radius: float = 6.0,
    max_radius: float = 14.0,
    max_overlap: float = 0.3,
    min_visible: float = 0.5,
    noise: float = 0.04,
    shapes: tuple[str, ...] = SHAPES,
    seed: int = 0,
) -> Scenes:
    """`n` seeded scenes; see the module docstring for what each holds.

    Args:
        n: number of scenes.
        image_size: `S` for S x S images, or `(height, width)`.
        min_objects: the fewest shapes in a scene (the count is uniform in the range).
        max_objects: the most shapes in a scene.
        min_radius: the smallest shape radius in pixels.
        max_radius: the largest shape radius in pixels; the caption calls a
            shape "large" above the middle of the range.
        max_overlap: the largest IoU a new shape's box may have with an
            earlier one's (shapes overlap, but stay findable).
        min_visible: the least share of each shape's pixels that must stay
            visible when later shapes cover part of it.
        noise: standard deviation of the Gaussian pixel noise.
        shapes: the object classes to draw, a subset of `SHAPES`.
        seed: the same seed gives the same scenes.
    """
    height, width = _checked_scene_arguments(
        n, image_size, min_objects, max_objects, min_radius, max_radius, max_overlap, min_visible, noise, shapes, seed
    )
    class_names = tuple(shapes)
    rng = np.random.default_rng(seed)
    colour_names = list(COLOURS)
    images = np.empty((n, height, width, 3), np.float32)
    masks = np.zeros((n, height, width), np.uint8)
    all_boxes, all_labels, captions = [], [], []
    middle = (min_radius + max_radius) / 2
    for i in range(n):
        img = draw_background(rng, (height, width))
        boxes, labels, objects, areas = [], [], [], []
        owner = np.full((height, width), -1, np.int32)  # which shape each pixel shows
        for _ in range(rng.integers(min_objects, max_objects + 1)):
            for _attempt in range(20):
                radius = rng.uniform(min_radius, max_radius)
                cx = rng.uniform(radius, width - radius)
                cy = rng.uniform(radius, height - radius)
                k = int(rng.integers(len(class_names)))
                angle = rng.uniform(-0.3, 0.3) if class_names[k] in ("triangle", "star") else 0.0
                x0, y0 = int(max(0, cx - radius - 1)), int(max(0, cy - radius - 1))
                x1, y1 = int(min(width, cx + radius + 2)), int(min(height, cy + radius + 2))
                ys, xs = np.mgrid[y0:y1, x0:x1]
                inside = shape_mask(class_names[k], cx, cy, radius, angle, xs, ys)
                if not inside.any():
                    continue
                rows, cols = np.nonzero(inside)
                box = (x0 + cols.min(), y0 + rows.min(), x0 + cols.max() + 1.0, y0 + rows.max() + 1.0)
                if boxes and box_iou([box], boxes).max() > max_overlap:
                    continue
                covered = np.bincount(owner[y0:y1, x0:x1][inside] + 1, minlength=len(boxes) + 1)[1:]
                visible = np.bincount(owner.ravel() + 1, minlength=len(boxes) + 1)[1:] - covered
                if all(v >= min_visible * a for v, a in zip(visible, areas, strict=True)):
                    break
            else:
                continue  # no room left for another shape
            colour = colour_names[int(rng.integers(len(colour_names)))]
            shade = np.clip(np.array(COLOURS[colour]) + rng.normal(0, 0.05, 3), 0, 1).astype(np.float32)
            img[y0:y1, x0:x1][inside] = shade
            masks[i, y0:y1, x0:x1][inside] = k + 1
            owner[y0:y1, x0:x1][inside] = len(boxes)
            areas.append(int(inside.sum()))
            boxes.append(box)
            labels.append(k)
            objects.append((cx, SIZE_WORDS[radius > middle], colour, class_names[k]))
        img += rng.normal(0, noise, img.shape).astype(np.float32)
        images[i] = np.clip(img, 0, 1)
        all_boxes.append(np.array(boxes, np.float32).reshape(-1, 4))
        all_labels.append(np.array(labels, np.int32))
        captions.append(caption_for(objects))
    return Scenes(images, masks, all_boxes, all_labels, captions, class_names)
