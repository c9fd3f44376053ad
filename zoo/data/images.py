"""Image data that works offline, and augmentation.

- `load_digits`: scikit-learn's 1,797 real 8x8 handwritten digits
  (optionally upscaled), split into train and test, stratified.
- `load_sample_image` / `sample_image_names`: scikit-image's sample
  photographs, for the convolution and feature-map demos.
- `load_lfw_faces`: scikit-image's `lfw_subset` (100 faces, 100 non-faces, 25x25).
- `load_mnist` / `load_cifar10`: `keras.datasets`, used when their files
  are already in Keras's cache; they download only with `download=True`.
- `augmentation`: a Keras preprocessing pipeline (flip, rotation, zoom,
  translation), active only in training.

scikit-learn and scikit-image come with `pip install "keras-study-zoo[images]"`.
"""

from __future__ import annotations

import dataclasses
import os
from typing import TYPE_CHECKING

import numpy as np

from zoo.errors import InputError, MissingDependencyError
from zoo.validation import check_positive_int

if TYPE_CHECKING:
    import tensorflow as tf


@dataclasses.dataclass(frozen=True)
class ImageData:
    """Train and test images (N, H, W, C) float32 in [0, 1], with integer labels."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    class_names: tuple

    @property
    def input_shape(self) -> tuple:
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    def fingerprint(self) -> str:
        """A short SHA-256 of the training images and labels: the data identity a run records."""
        from zoo.run_folder import fingerprint

        return fingerprint(self.x_train, self.y_train)

    def as_pixels(self, dataset: tf.data.Dataset) -> tf.data.Dataset:
        """`dataset` itself: its images are pixels already (`zoo.data.image_folder.ImageFiles` reads files)."""
        return dataset

    def __repr__(self) -> str:
        return (
            f"ImageData({self.name!r}, train={self.x_train.shape}, test={self.x_test.shape}, "
            f"classes={self.num_classes})"
        )


def _require(module: str):
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        package = {"sklearn": "scikit-learn", "skimage": "scikit-image"}[module.split(".")[0]]
        raise MissingDependencyError(
            f"This data set needs {package}: pip install {package} (or pip install 'keras-study-zoo[images]')."
        ) from None


def upscale(images, factor: int) -> np.ndarray:
    """Enlarge (N, H, W, C) images by an integer `factor` (each pixel becomes a factor x factor block)."""
    check_positive_int("upscale factor", factor)
    return np.repeat(np.repeat(images, factor, axis=1), factor, axis=2)


def load_digits(upscale_factor: int = 1, test_fraction: float = 0.2, seed: int = 0) -> ImageData:
    """scikit-learn's handwritten digits: 8x8 grey images (x `upscale_factor`), 10 classes."""
    datasets = _require("sklearn.datasets")
    model_selection = _require("sklearn.model_selection")
    if not 0 < test_fraction < 1:
        raise InputError(f"test_fraction must be strictly between 0 and 1, got {test_fraction!r}.")
    digits = datasets.load_digits()
    images = (digits.images / 16.0).astype(np.float32)[..., None]
    images = upscale(images, upscale_factor)
    x_train, x_test, y_train, y_test = model_selection.train_test_split(
        images, digits.target.astype(np.int32), test_size=test_fraction, stratify=digits.target, random_state=seed
    )
    return ImageData("digits", x_train, y_train, x_test, y_test, CLASS_NAMES["digits"])


def sample_image_names() -> list:
    """Names of scikit-image's sample photographs usable with `load_sample_image`."""
    return ["astronaut", "camera", "coffee", "chelsea", "rocket", "brick", "grass", "moon", "page", "text"]


def load_sample_image(name: str = "astronaut") -> np.ndarray:
    """A scikit-image sample photograph as float32 (H, W, C) in [0, 1] (grey images get C = 1)."""
    data = _require("skimage.data")
    if name not in sample_image_names():
        raise InputError(f"Unknown sample image {name!r}; choose one of {', '.join(sample_image_names())}.")
    image = getattr(data, name)()
    image = image.astype(np.float32) / (255.0 if image.dtype == np.uint8 else max(float(image.max()), 1.0))
    return image[..., None] if image.ndim == 2 else image[..., :3]


def load_lfw_faces(test_fraction: float = 0.25, seed: int = 0) -> ImageData:
    """scikit-image's `lfw_subset`: 25x25 grey crops, class 1 = face, 0 = not a face."""
    data = _require("skimage.data")
    model_selection = _require("sklearn.model_selection")
    images = data.lfw_subset().astype(np.float32)[..., None]
    labels = np.r_[np.ones(100), np.zeros(100)].astype(np.int32)
    x_train, x_test, y_train, y_test = model_selection.train_test_split(
        images, labels, test_size=test_fraction, stratify=labels, random_state=seed
    )
    return ImageData("lfw_faces", x_train, y_train, x_test, y_test, CLASS_NAMES["lfw_faces"])


def _keras_dataset(name, module, filename, download, class_names):
    import keras

    cached = os.path.join(os.path.expanduser(os.environ.get("KERAS_HOME", "~/.keras")), "datasets", filename)
    if not download and not os.path.exists(cached):
        raise FileNotFoundError(
            f"{name} is not in Keras's cache ({cached}). Call with download=True once, on a machine "
            "with network access, or use an offline data set: digits, lfw_faces."
        )
    (x_train, y_train), (x_test, y_test) = getattr(keras.datasets, module).load_data()

    def prepare(x):
        x = x.astype(np.float32) / 255.0
        return x[..., None] if x.ndim == 3 else x

    return ImageData(
        name,
        prepare(x_train),
        y_train.reshape(-1).astype(np.int32),
        prepare(x_test),
        y_test.reshape(-1).astype(np.int32),
        class_names,
    )


def load_mnist(download: bool = False) -> ImageData:
    """MNIST through `keras.datasets` (28x28 grey, 10 classes), from the cache unless `download`."""
    return _keras_dataset("mnist", "mnist", "mnist.npz", download, CLASS_NAMES["mnist"])


def load_cifar10(download: bool = False) -> ImageData:
    """CIFAR-10 through `keras.datasets` (32x32 RGB, 10 classes), from the cache unless `download`."""
    return _keras_dataset("cifar10", "cifar10", "cifar-10-batches-py", download, CLASS_NAMES["cifar10"])


#: Each named image set's class names, in label order (also what `zoo predict` labels with).
CLASS_NAMES = {
    "digits": tuple(str(i) for i in range(10)),
    "lfw_faces": ("not a face", "face"),
    "mnist": tuple(str(i) for i in range(10)),
    "cifar10": ("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
}
IMAGE_DATASETS = {"digits": load_digits, "lfw_faces": load_lfw_faces, "mnist": load_mnist, "cifar10": load_cifar10}


def load_image_data(name: str, **kwargs) -> ImageData:
    """Load an image data set by name (one of `IMAGE_DATASETS`)."""
    if name not in IMAGE_DATASETS:
        raise InputError(f"Unknown image data set {name!r}; choose one of {', '.join(IMAGE_DATASETS)}, or give a "
                         "folder of class subfolders or a CSV of path,label (zoo.data.image_folder).")  # fmt: skip
    return IMAGE_DATASETS[name](**kwargs)


def augmentation(
    flip: bool = False, rotation: float = 0.05, zoom: float = 0.1, translation: float = 0.1, seed: int = 0
):
    """A `keras.Sequential` of random preprocessing layers (identity at inference).

    `flip` adds horizontal flips (right for photos, wrong for digits);
    `rotation` is a fraction of a full turn, `zoom` and `translation`
    fractions of the image size. A value of 0 leaves that layer out.
    """
    import keras

    layers = []
    if flip:
        layers.append(keras.layers.RandomFlip("horizontal", seed=seed))
    if rotation:
        layers.append(keras.layers.RandomRotation(rotation, fill_mode="constant", seed=seed))
    if zoom:
        layers.append(keras.layers.RandomZoom(zoom, fill_mode="constant", seed=seed))
    if translation:
        layers.append(keras.layers.RandomTranslation(translation, translation, fill_mode="constant", seed=seed))
    return keras.Sequential(layers, name="augmentation")
