"""Your own images: a folder of class subfolders, or a CSV of `path,label`, read from disk as training goes.

The folder layout is the one `keras.utils.image_dataset_from_directory` reads (and every image tutorial
uses): `ROOT/<class name>/<image>`, classes in sorted order, images in `.png`, `.jpg`/`.jpeg`, `.gif` or
`.bmp`. A CSV names each image's path (relative to the CSV's folder, or absolute) and its label.

Each image is read with the steps that Keras's loader takes (`tf.io.read_file`, `tf.image.decode_image`,
`tf.image.resize`), in the `tf.data` pipeline, so the images are never all in memory. Unlike Keras's loader,
zoo splits the file list itself, seeded and stratified, into training and test parts (the training part's
validation split is taken later, as for the other image sets), so a run's manifest can record the split.

Checked before any slow work: a file whose name is not an image's is skipped and counted (the first few
named); a file named as an image whose first bytes are not that format's is refused, naming it; an empty
class folder, a single class, or a missing CSV column is refused in one line.
"""

from __future__ import annotations

import csv
import dataclasses
import os
import pathlib
from typing import TYPE_CHECKING

import numpy as np

from zoo.data.images import ImageData
from zoo.errors import InputError

if TYPE_CHECKING:
    import tensorflow as tf

#: The formats Keras's image loader reads, with the first bytes of each (`tf.image.decode_image` reads these).
SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".gif": (b"GIF87a", b"GIF89a"),
    ".bmp": (b"BM",),
}
PATH_COLUMNS = ("path", "file", "filename", "image")
LABEL_COLUMNS = ("label", "class", "category")
COLORS = {"rgb": 3, "grayscale": 1}


@dataclasses.dataclass(frozen=True, repr=False)
class ImageFiles(ImageData):
    """Labelled image files split into training and test parts: an `ImageData` whose `x_train` and `x_test`
    hold file paths (strings) instead of pixels; `as_pixels` maps a `tf.data` pipeline of paths to images
    (H, W, C) float32 in [0, 1].

    Attributes:
        image_size: `(height, width)` every image is resized to.
        channels: 3 (RGB) or 1 (grayscale).
        skipped: files left out because their names are not an image format's.
    """

    image_size: tuple = (32, 32)
    channels: int = 3
    skipped: tuple = ()

    @property
    def input_shape(self) -> tuple:
        return (*self.image_size, self.channels)

    def fingerprint(self) -> str:
        """A short SHA-256 of the files' names, sizes and labels: the data identity a run records."""
        from zoo.run_folder import fingerprint

        files = [*self.x_train, *self.x_test]
        listing = "\n".join(f"{pathlib.Path(p).name}\t{os.path.getsize(p)}" for p in files)
        return fingerprint(listing, np.concatenate([self.y_train, self.y_test]))

    def as_pixels(self, dataset: tf.data.Dataset) -> tf.data.Dataset:
        """`dataset` of `(path, label)` as `(image, label)`, each image read, decoded and resized."""
        import tensorflow as tf

        size, channels = list(self.image_size), self.channels

        def load(path, label):
            image = tf.image.decode_image(tf.io.read_file(path), channels=channels, expand_animations=False)
            return tf.image.resize(tf.cast(image, "float32") / 255.0, size), label

        return dataset.map(load, num_parallel_calls=tf.data.AUTOTUNE)

    def __repr__(self) -> str:
        return (f"ImageFiles({self.name!r}, train={len(self.x_train)}, test={len(self.x_test)}, "
                f"classes={self.num_classes}, size={self.input_shape})")  # fmt: skip


def check_image_file(path: pathlib.Path) -> None:
    """Refuse, naming it, a file whose first bytes are not those of the format its name says."""
    with open(path, "rb") as f:
        head = f.read(8)
    if not head.startswith(SIGNATURES[path.suffix.lower()]):
        raise InputError(f"{path} is not a {path.suffix.lower()[1:].upper()} image (its first bytes are "
                         f"{head[:4]!r}); remove it or convert it. Readable: {', '.join(SIGNATURES)}.")  # fmt: skip


def _is_image_name(path: pathlib.Path) -> bool:
    return path.suffix.lower() in SIGNATURES


def _scan_folder(root: pathlib.Path) -> tuple[list, list, tuple, list]:
    classes = sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))
    if len(classes) < 2:
        found = f"{len(classes)} class folder{'s' if len(classes) != 1 else ''} ({', '.join(classes) or 'none'})"
        raise InputError(f"{root} has {found}; a classifier needs at least two: ROOT/<class>/<image>.")
    paths, labels, skipped = [], [], []
    for label, name in enumerate(classes):
        files = sorted(p for p in (root / name).rglob("*") if p.is_file() and not p.name.startswith("."))
        images = [p for p in files if _is_image_name(p)]
        skipped += [p for p in files if not _is_image_name(p)]
        if not images:
            raise InputError(f"class folder {root / name} holds no image ({', '.join(SIGNATURES)}).")
        paths += images
        labels += [label] * len(images)
    return paths, labels, tuple(classes), skipped


def _column(header: list, accepted: tuple, source: pathlib.Path, what: str) -> int:
    lowered = [h.strip().lower() for h in header]
    for name in accepted:
        if name in lowered:
            return lowered.index(name)
    raise InputError(f"{source}: no {what} column in its header {header}; name it one of {', '.join(accepted)}.")


def _scan_csv(source: pathlib.Path) -> tuple[list, list, tuple, list]:
    with open(source, newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    if len(rows) < 2:
        raise InputError(f"{source} has no rows under a header; write one line `path,label`, then one per image.")
    where, what = _column(rows[0], PATH_COLUMNS, source, "path"), _column(rows[0], LABEL_COLUMNS, source, "label")
    pairs = [(source.parent / row[where].strip(), row[what].strip()) for row in rows[1:] if row]
    missing = [str(p) for p, _ in pairs if not p.is_file()]
    if missing:
        raise InputError(f"{source} names {len(missing)} file(s) that do not exist, first {missing[0]}.")
    skipped = [p for p, _ in pairs if not _is_image_name(p)]
    pairs = [(p, label) for p, label in pairs if _is_image_name(p)]
    classes = tuple(sorted({label for _, label in pairs}))
    if len(classes) < 2:
        raise InputError(f"{source} labels its images with {len(classes)} class(es); a classifier needs two.")
    index = {name: i for i, name in enumerate(classes)}
    return [p for p, _ in pairs], [index[label] for _, label in pairs], classes, skipped


def held_out_indices(labels: np.ndarray, test_fraction: float, seed: int) -> np.ndarray:
    """A seeded, stratified test part: `test_fraction` of each class (at least one image of a class with
    three or more; none at all for a `test_fraction` of 0), the rest left for training."""
    if test_fraction == 0:
        return np.zeros(0, dtype=int)
    rng = np.random.default_rng(seed)
    chosen = []
    for label in np.unique(labels):
        members = rng.permutation(np.flatnonzero(labels == label))
        n = int(round(len(members) * test_fraction)) if len(members) >= 3 else 0
        chosen += list(members[: max(n, 1 if len(members) >= 3 else 0)])
    return np.sort(np.asarray(chosen, dtype=int))


def read_image_files(
    source: str | os.PathLike,
    *,
    image_size: tuple = (32, 32),
    color: str = "rgb",
    test_fraction: float = 0.1,
    seed: int = 0,
) -> ImageFiles:
    """Read a folder of class subfolders, or a CSV of paths and labels, as labelled image files.

    Args:
        source: `ROOT` of `ROOT/<class>/<image>`, or a `.csv` file with a path and a label column.
        image_size: `(height, width)` every image is resized to.
        color: `"rgb"` or `"grayscale"`.
        test_fraction: the share of each class held out as the test part (seeded); 0 keeps every file in the
            training part (`zoo evaluate` scores them all).
        seed: the split's seed.

    Returns:
        The files as `ImageFiles`, split into training and test parts.

    Raises:
        InputError: a missing source, fewer than two classes, an empty class folder, a missing CSV
            column or file, or a file named as an image that is not one (named).
    """
    source = pathlib.Path(source)
    if color not in COLORS:
        raise InputError(f"color must be one of {', '.join(COLORS)}, got {color!r}.")
    if source.is_dir():
        paths, labels, classes, skipped = _scan_folder(source)
    elif source.suffix.lower() == ".csv" and source.is_file():
        paths, labels, classes, skipped = _scan_csv(source)
    else:
        raise InputError(f"{str(source)!r} is neither a folder of class subfolders nor a .csv file of path,label.")
    for path in paths:
        check_image_file(path)
    labels = np.asarray(labels, dtype=np.int32)
    test = held_out_indices(labels, test_fraction, seed)
    train = np.setdiff1d(np.arange(len(paths)), test)
    names = np.asarray([str(p) for p in paths])
    return ImageFiles(
        str(source), names[train], labels[train], names[test], labels[test], classes,
        image_size=tuple(image_size), channels=COLORS[color], skipped=tuple(str(p) for p in skipped),
    )  # fmt: skip


def is_image_files_source(data: str) -> bool:
    """Whether `--data` names a folder or a CSV file rather than one of the package's image sets."""
    return os.path.isdir(data) or str(data).lower().endswith(".csv") or os.sep in str(data)
