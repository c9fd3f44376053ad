"""The seeded scene generator and the Pascal VOC loaders (on fixtures written here)."""

import re

import numpy as np
import pytest

from zoo.data import SHAPES, VOC_CLASSES, load_voc_detection, load_voc_segmentation, make_scenes
from zoo.data.scenes import shape_mask


@pytest.fixture(scope="module")
def scenes():
    return make_scenes(60, seed=3)


def test_scenes_are_seeded(scenes):
    again, other = make_scenes(60, seed=3), make_scenes(60, seed=4)
    np.testing.assert_array_equal(again.images, scenes.images)
    np.testing.assert_array_equal(again.masks, scenes.masks)
    assert again.captions == scenes.captions
    assert not np.array_equal(other.images, scenes.images)


def test_scene_arrays(scenes):
    assert scenes.images.shape == (60, 64, 64, 3) and scenes.images.dtype == np.float32
    assert 0.0 <= scenes.images.min() and scenes.images.max() <= 1.0
    assert scenes.masks.shape == (60, 64, 64) and scenes.masks.dtype == np.uint8
    assert set(np.unique(scenes.masks)) <= set(range(len(SHAPES) + 1))
    counts = [len(b) for b in scenes.boxes]
    assert min(counts) >= 1 and max(counts) <= 3
    all_labels = np.concatenate(scenes.labels)
    assert set(all_labels) == set(range(len(SHAPES)))  # every class occurs in 60 scenes
    rect = make_scenes(2, image_size=(64, 96), seed=0)
    assert rect.images.shape == (2, 64, 96, 3) and rect.masks.shape == (2, 64, 96)


def test_masks_lie_inside_their_boxes(scenes):
    """Every pixel of class k + 1 is inside a box labelled k, and every shape stays at least half visible."""
    for mask, boxes, labels in zip(scenes.masks, scenes.boxes, scenes.labels, strict=True):
        for k in range(len(SHAPES)):
            inside = np.zeros(mask.shape, bool)
            for (x0, y0, x1, y1), label in zip(boxes.astype(int), labels, strict=True):
                if label == k:
                    inside[y0:y1, x0:x1] = True
            assert not ((mask == k + 1) & ~inside).any()
        for (x0, y0, x1, y1), label in zip(boxes.astype(int), labels, strict=True):
            assert (mask[y0:y1, x0:x1] == label + 1).sum() > 0.15 * (x1 - x0) * (y1 - y0)  # a star: 0.35 of it


def test_boxes_are_tight_around_unoccluded_shapes():
    single = make_scenes(30, min_objects=1, max_objects=1, seed=5)
    for mask, (box,) in zip(single.masks, single.boxes, strict=True):
        rows, cols = np.nonzero(mask)
        assert tuple(box) == (cols.min(), rows.min(), cols.max() + 1, rows.max() + 1)


def test_shapes_have_their_geometry():
    ys, xs = np.mgrid[0:41, 0:41].astype(float)
    area = {s: shape_mask(s, 20.5, 20.5, 16, 0.0, xs, ys).sum() for s in SHAPES}
    r = 16
    assert area["circle"] == pytest.approx(np.pi * r * r, rel=0.03)
    assert area["square"] == pytest.approx((1.6 * r) ** 2, rel=0.06)
    assert area["triangle"] == pytest.approx(3 * np.sqrt(3) / 4 * r * r, rel=0.05)
    assert area["star"] == pytest.approx(5 * r * 0.45 * r * np.sin(np.pi / 5), rel=0.05)  # inner radius 0.45 r


def test_captions_name_the_shapes_left_to_right(scenes):
    pattern = r"a (small|large) (\w+) (\w+)"
    for caption, boxes, labels in zip(scenes.captions, scenes.boxes, scenes.labels, strict=True):
        assert re.fullmatch(rf"{pattern}((, {pattern})* and {pattern})?", caption), caption
        said = [m[2] for m in re.findall(pattern, caption)]
        centres = (boxes[:, 0] + boxes[:, 2]) / 2
        expected = [SHAPES[labels[i]] for i in np.argsort(centres)]
        if len(centres) > 1 and np.diff(np.sort(centres)).min() < 2:  # the caption orders exact centres
            said, expected = sorted(said), sorted(expected)
        assert said == expected, caption


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n": 0}, "n must be a positive integer, got 0"),
        ({"n": 2, "image_size": 32}, "too small for shapes of radius up to 14"),
        ({"n": 2, "shapes": ("circle", "hexagon")}, "Unknown shapes ['hexagon']"),
        ({"n": 2, "min_objects": 3, "max_objects": 2}, "min_objects <= max_objects"),
    ],
)
def test_bad_scene_arguments_are_named(kwargs, message):
    with pytest.raises(ValueError, match=re.escape(message)):
        make_scenes(**kwargs)


# -- Pascal VOC layout -------------------------------------------------------
def _voc_fixture(root, sizes=((40, 60), (40, 60))):
    """A tiny VOC folder: JPEG images, XML boxes (one difficult), palette PNG masks with a void border."""
    from PIL import Image

    for sub in ("JPEGImages", "Annotations", "SegmentationClass", "ImageSets/Main", "ImageSets/Segmentation"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    names = []
    for i, (h, w) in enumerate(sizes):
        name = f"2007_00000{i}"
        names.append(name)
        image = np.zeros((h, w, 3), np.uint8)
        image[5:25, 10:30] = (200, 30, 30)
        Image.fromarray(image).save(root / "JPEGImages" / f"{name}.jpg", quality=95)
        mask = np.zeros((h, w), np.uint8)
        mask[5:25, 10:30] = 15  # person
        mask[4, 10:30] = 255
        png = Image.fromarray(mask, mode="P")
        png.putpalette([0, 0, 0] * 256)
        png.save(root / "SegmentationClass" / f"{name}.png")
        (root / "Annotations" / f"{name}.xml").write_text(
            f"""<annotation><filename>{name}.jpg</filename>
            <size><width>{w}</width><height>{h}</height><depth>3</depth></size>
            <object><name>person</name><difficult>0</difficult>
              <bndbox><xmin>11</xmin><ymin>6</ymin><xmax>30</xmax><ymax>25</ymax></bndbox></object>
            <object><name>dog</name><difficult>1</difficult>
              <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>5</xmax><ymax>5</ymax></bndbox></object>
            </annotation>"""
        )
    for kind in ("Main", "Segmentation"):
        (root / "ImageSets" / kind / "train.txt").write_text("\n".join(names) + "\n")
    return names


def test_voc_detection_loader(tmp_path):
    _voc_fixture(tmp_path)
    data = load_voc_detection(tmp_path, "train")
    assert data.images.shape == (2, 40, 60, 3) and data.masks is None
    np.testing.assert_array_equal(data.boxes[0], [[10, 5, 30, 25]])  # 1-based inclusive -> 0-based exclusive
    assert [VOC_CLASSES[k] for k in data.labels[0]] == ["person"]  # the difficult dog is skipped
    with_difficult = load_voc_detection(tmp_path, "train", skip_difficult=False)
    assert [VOC_CLASSES[k] for k in with_difficult.labels[0]] == ["person", "dog"]
    # kept for evaluation, and flagged so that mAP's VOC rule ignores detections of the dog
    assert data.difficult is None and with_difficult.difficult[0].tolist() == [False, True]
    assert with_difficult.subset([0]).difficult[0].tolist() == [False, True]
    # The red square of the JPEG is where the box says.
    assert data.images[0, 6:24, 11:29, 0].mean() > 0.7 and data.images[0, 30:, :, 0].mean() < 0.1


def test_voc_segmentation_loader_and_resizing(tmp_path):
    _voc_fixture(tmp_path, sizes=((40, 60), (50, 50)))
    with pytest.raises(ValueError, match=r"different sizes .* pass image_size"):
        load_voc_segmentation(tmp_path)
    data = load_voc_segmentation(tmp_path, image_size=(40, 60))  # the first keeps its size, the second is resized
    assert data.images.shape == (2, 40, 60, 3) and data.masks.shape == (2, 40, 60)
    assert set(np.unique(data.masks[0])) == {0, 15, 255}
    assert (data.masks[0][5:25, 10:30] == 15).all() and (data.masks[0][4, 10:30] == 255).all()
    np.testing.assert_allclose(data.boxes[0], [[10, 5, 30, 25]])
    np.testing.assert_allclose(data.boxes[1], [[12, 4, 36, 20]])  # x * 60/50, y * 40/50
    assert (data.masks[1][5:19, 13:35] == 15).all()  # rows 5..25 -> 4..20, columns 10..30 -> 12..36


def test_voc_errors_name_the_problem(tmp_path):
    with pytest.raises(FileNotFoundError, match="No Pascal VOC folder"):
        load_voc_detection(tmp_path / "missing")
    _voc_fixture(tmp_path)
    with pytest.raises(FileNotFoundError, match=r"No split 'val'.*splits there: \['train'\]"):
        load_voc_detection(tmp_path, "val")
    with pytest.raises(ValueError, match="<object><name> 'person' is not one of the classes given"):
        load_voc_detection(tmp_path, class_names=("cat", "dog"))
