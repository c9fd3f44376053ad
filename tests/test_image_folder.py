"""Your own images (`zoo.data.image_folder`, `zoo train MODEL --data DIR|FILE.csv`): real PNG and JPEG files
written by the tests, read from disk batch by batch, split by seed, bad files named before TensorFlow starts."""

import json
import re

import numpy as np
import pytest
from PIL import Image

from tests.test_bad_input import refused_early
from zoo.cli import main
from zoo.data.image_folder import read_image_files
from zoo.errors import InputError

COLOURS = ("blue", "green", "red")  # sorted: the label order


def write_images(root, per_class=20, size=(20, 24)):
    """`root/<colour>/<i>.png|.jpg`: noise with one colour channel raised, PNG and JPEG alternating."""
    rng = np.random.default_rng(0)
    for name in COLOURS:
        (root / name).mkdir(parents=True)
        channel = {"red": 0, "green": 1, "blue": 2}[name]
        for i in range(per_class):
            pixels = (rng.random((*size, 3)) * 60).astype(np.uint8)
            pixels[..., channel] += 150
            Image.fromarray(pixels).save(root / name / f"{i:02d}.{'png' if i % 2 else 'jpg'}")
    return root


@pytest.fixture
def photos(tmp_path):
    return write_images(tmp_path / "photos")


def test_a_folder_is_read_as_paths_split_by_class_and_seed(photos):
    (photos / "red" / "notes.txt").write_text("not an image")
    files = read_image_files(photos, image_size=(16, 16))
    assert files.class_names == COLOURS and files.input_shape == (16, 16, 3)
    assert files.x_train.dtype.kind == "U"  # file names, not pixels: the images are read as training goes
    assert len(files.x_train) + len(files.x_test) == 60
    assert sorted(np.bincount(files.y_test).tolist()) == [2, 2, 2]  # 10% of each class held out
    assert all(f"/{COLOURS[y]}/" in p for p, y in zip(files.x_train, files.y_train, strict=True))
    assert files.skipped == (str(photos / "red" / "notes.txt"),)
    again, other = read_image_files(photos, image_size=(16, 16)), read_image_files(photos, seed=1)
    assert list(again.x_test) == list(files.x_test) and list(other.x_test) != list(files.x_test)


def test_the_pixels_are_the_files_resized_and_scaled(photos):
    import tensorflow as tf

    files = read_image_files(photos, image_size=(10, 12), color="grayscale")
    path = next(p for p in files.x_train if p.endswith(".png"))  # PNG: lossless, so exact
    (image, label), = files.as_pixels(tf.data.Dataset.from_tensor_slices(([path], [0]))).as_numpy_iterator()
    grey = np.asarray(Image.open(path).convert("L"), dtype="float32")  # ITU-R 601 luma, as TensorFlow's
    expected = tf.image.resize(grey[..., None] / 255.0, (10, 12)).numpy()
    assert image.shape == (10, 12, 1) and label == 0
    np.testing.assert_allclose(image, expected, atol=1.5 / 255)  # rounding of the luma to 8 bits


@pytest.mark.all_backends
def test_zoo_train_learns_your_folder_and_records_its_split(photos, tmp_path, capsys):
    out = tmp_path / "run"
    argv = ["train", "lenet5", "--data", str(photos), "--epochs", "3", "--verbose", "0", "--out", str(out)]
    assert main(argv) == 0
    printed = capsys.readouterr().out
    accuracy = float(printed.split("test accuracy: ")[1].split()[0])
    assert accuracy >= 0.8  # three colours apart: far above chance (1/3) only if labels follow the images
    settings = json.loads((out / "zoo-run.json").read_text())["settings"]
    assert settings["data"] == str(photos) and settings["classes"] == list(COLOURS)
    assert (settings["train_images"], settings["test_images"], settings["image_shape"]) == (54, 6, [32, 32, 3])


def test_a_csv_of_paths_and_labels_reads_like_the_folder(photos):
    lines = ["label,path"] + [f"{p.parent.name},{p.relative_to(photos)}" for p in sorted(photos.rglob("*.*"))]
    (photos / "labels.csv").write_text("\n".join(lines) + "\n")
    by_csv, by_folder = read_image_files(photos / "labels.csv"), read_image_files(photos)
    assert by_csv.class_names == by_folder.class_names
    assert sorted(by_csv.x_test) == sorted(by_folder.x_test)  # the same files, the same seeded split



def test_a_file_that_is_not_the_image_it_says_is_named_before_tensorflow(photos, tmp_path):
    (photos / "green" / "99.png").write_bytes(b"GIF89a not a png")
    line = refused_early(["train", "lenet5", "--data", photos, "--epochs", "1", "--out", "run"], tmp_path)
    assert f"{photos / 'green' / '99.png'} is not a PNG image" in line
    assert not (tmp_path / "run").exists()


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda root: (root / "empty").mkdir(), "holds no image"),
        (lambda root: [p.unlink() for c in ("blue", "green") for p in (root / c).iterdir()] and
         [(root / c).rmdir() for c in ("blue", "green")], "has 1 class folder (red); a classifier needs at least two"),
        (lambda root: (root / "list.csv").write_text("file,colour\nred/00.jpg,red\n"), "no label column"),
        (lambda root: (root / "list.csv").write_text("path,label\nred/00.jpg,red\nred/nope.png,blue\n"),
         "names 1 file(s) that do not exist, first"),
    ],
)  # fmt: skip
def test_a_folder_or_csv_that_cannot_train_a_classifier_is_refused_in_one_line(photos, make, message):
    make(photos)
    source = photos / "list.csv" if (photos / "list.csv").exists() else photos
    with pytest.raises(InputError, match=re.escape(message)):
        read_image_files(source)


def test_size_and_colour_flags_are_refused_for_a_named_set(tmp_path):
    argv = ["train", "lenet5", "--data", "digits", "--image-size", "16", "--epochs", "1"]
    line = refused_early(argv, tmp_path)
    assert "--image-size and --color apply to your own images (a folder or a CSV), not to digits" in line


def test_an_unknown_named_set_points_to_your_own_files():
    from zoo.data.images import load_image_data

    with pytest.raises(InputError, match="Unknown image data set 'digitz'; choose one of digits, .* or give a folder"):
        load_image_data("digitz")
