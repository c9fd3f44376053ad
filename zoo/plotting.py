"""Plots (matplotlib, without pyplot): learning curves, and what vision models predict as mask
overlays and labelled boxes."""

from __future__ import annotations

import os
import pathlib
from typing import TYPE_CHECKING

import numpy as np

from zoo.json_files import write_atomically

if TYPE_CHECKING:
    import matplotlib.figure

# Background, then one colour per class (tab10 without its grey).
_PALETTE = np.array(
    [(0, 0, 0), (31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189), (140, 86, 75),
     (227, 119, 194), (188, 189, 34), (23, 190, 207)],
    np.float32,
) / 255.0  # fmt: skip


def save_figure(fig: matplotlib.figure.Figure, path: str | os.PathLike, dpi: int = 100) -> None:
    """Save `fig` to `path` whole or not at all (through a temporary file, `zoo.json_files.write_atomically`).

    Args:
        fig: a matplotlib figure.
        path: the destination; its suffix names the format (`.png`, `.svg`, `.pdf`).
        dpi: resolution of raster formats.
    """
    fmt = pathlib.Path(path).suffix.lstrip(".").lower() or "png"
    write_atomically(path, lambda f: fig.savefig(f, format=fmt, dpi=dpi))


def mask_colours(mask) -> np.ndarray:
    """An RGB picture of a class mask (0 = background is black; 255, ignored, is white)."""
    mask = np.asarray(mask)
    rgb = _PALETTE[mask % len(_PALETTE)]
    rgb[mask == 255] = 1.0
    return rgb


def overlay(image, mask, alpha: float = 0.5) -> np.ndarray:
    """`image` with the non-background pixels of `mask` tinted by class."""
    out = np.array(image, np.float32, copy=True)
    fg = (np.asarray(mask) > 0) & (np.asarray(mask) != 255)
    out[fg] = (1 - alpha) * out[fg] + alpha * mask_colours(mask)[fg]
    return out


def _figure(rows, cols, size=2.0):
    import matplotlib.pyplot as plt

    fig, axes = plt.subplots(rows, cols, figsize=(size * cols, size * rows), squeeze=False)
    for ax in axes.ravel():
        ax.axis("off")
    return fig, axes


def plot_segmentations(images, masks, predicted, class_names, path=None, n: int = 6):
    """Rows of image, true mask and predicted mask (one colour per class) for the first `n` images;
    saved to `path`."""
    n = min(n, len(images))
    fig, axes = _figure(3, n)
    for i in range(n):
        axes[0, i].imshow(images[i])
        axes[1, i].imshow(mask_colours(masks[i]))
        axes[2, i].imshow(mask_colours(predicted[i]))
    for ax, title in zip(axes[:, 0], ("image", "true mask", "predicted"), strict=True):
        ax.set_title(title, fontsize=8, loc="left")
    from matplotlib.patches import Patch

    handles = [Patch(color=_PALETTE[(k + 1) % len(_PALETTE)], label=c) for k, c in enumerate(class_names)]
    fig.legend(handles=[Patch(color=_PALETTE[0], label="background"), *handles], loc="upper center",
               ncol=len(handles) + 1, fontsize=7, frameon=False)  # fmt: skip
    return _finish(fig, path)


def draw_boxes(ax, boxes, labels, class_names, scores=None, colour=None, linestyle="-", text=True):
    """Draw `(x_min, y_min, x_max, y_max)` boxes on `ax`, coloured by class (or all `colour`),
    with their class names (and scores) unless `text=False`."""
    import matplotlib.patches as patches

    for k, (box, label) in enumerate(zip(np.asarray(boxes).reshape(-1, 4), labels, strict=True)):
        c = colour or _PALETTE[1 + int(label) % (len(_PALETTE) - 1)]
        x0, y0, x1, y1 = box
        ax.add_patch(patches.Rectangle((x0 - 0.5, y0 - 0.5), x1 - x0, y1 - y0, fill=False, lw=1.2, ec=c, ls=linestyle))
        if text:
            caption = class_names[int(label)] + ("" if scores is None else f" {scores[k]:.2f}")
            ax.text(x0, y0 - 1, caption, fontsize=5, color="white", backgroundcolor=(*c[:3], 0.7))


def plot_detections(images, detections, class_names, truth=None, path=None, n: int = 6):
    """The first `n` images with detected boxes (solid, labelled with scores) and,
    given `truth` (a `zoo.data.scenes.Scenes`), the true boxes dashed in white."""
    n = min(n, len(images))
    fig, axes = _figure(1, n, size=2.4)
    for i in range(n):
        ax = axes[0, i]
        ax.imshow(images[i])
        if truth is not None:
            draw_boxes(ax, truth.boxes[i], truth.labels[i], class_names, colour="white", linestyle="--", text=False)
        draw_boxes(ax, detections.boxes[i], detections.labels[i], class_names, scores=detections.scores[i])
    return _finish(fig, path)


def _finish(fig, path):
    fig.tight_layout(rect=(0, 0, 1, 0.95))
    if path is not None:
        import matplotlib.pyplot as plt

        save_figure(fig, path, dpi=110)
        plt.close(fig)
    return fig


def plot_history(rows, path, keys=("bpc", "val_bpc"), ylabel="bits per character") -> None:
    """Save a learning curve: the history columns `keys` (train, validation) against epoch."""
    from matplotlib.figure import Figure  # no pyplot: leaves the caller's backend (a notebook's inline) alone

    fig = Figure(figsize=(5, 3.2))
    ax = fig.subplots()
    epochs = [r["epoch"] for r in rows]
    for key, label in zip(keys, ("train", "validation"), strict=True):
        if rows and key in rows[0]:
            ax.plot(epochs, [r[key] for r in rows], marker="o", ms=3, label=label)
    ax.set_xlabel("epoch")
    ax.set_ylabel(ylabel)
    ax.grid(alpha=0.3)
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)
