"""Your own images in Pascal VOC's folder layout, as `zoo.data.scenes.Scenes`.

```text
ROOT/JPEGImages/NAME.jpg               the images
ROOT/Annotations/NAME.xml              boxes: <object><name>, <bndbox> xmin ymin xmax ymax (1-based)
ROOT/SegmentationClass/NAME.png        masks: palette indices, 0 background, k class k, 255 "void"
ROOT/ImageSets/Main/SPLIT.txt          names of a detection split, one per line
ROOT/ImageSets/Segmentation/SPLIT.txt  names of a segmentation split
```

This is the layout of the VOC2007/VOC2012 downloads (`VOCdevkit/VOC2012`)
and of many tools that export annotations. Nothing is downloaded: point
`root` at the folder. Images are read with Pillow (installed with matplotlib).

Boxes come back as zoo's `(x_min, y_min, x_max, y_max)` with exclusive
maxima: VOC's 1-based inclusive `xmin=1, xmax=10` becomes `(0, 10)`.
Masks keep VOC's values (class `k` of `VOC_CLASSES[k - 1]`, 255 ignored by
`zoo.models.segmentation.segmentation_scores`).
"""

from __future__ import annotations

import pathlib
import xml.etree.ElementTree as ET

import defusedxml.ElementTree as DefusedET
import numpy as np
from defusedxml import DefusedXmlException

from zoo.data.scenes import Scenes
from zoo.errors import InputError

VOC_CLASSES = (
    "aeroplane", "bicycle", "bird", "boat", "bottle", "bus", "car", "cat", "chair", "cow",
    "diningtable", "dog", "horse", "motorbike", "person", "pottedplant", "sheep", "sofa", "train", "tvmonitor",
)  # fmt: skip


def _root(root) -> pathlib.Path:
    root = pathlib.Path(root).expanduser()
    if not root.is_dir():
        raise FileNotFoundError(f"No Pascal VOC folder at {str(root)!r} (expected JPEGImages/ and Annotations/ there).")
    return root


def _names(root, split, kind, folder, suffix) -> list:
    """The example names of a split (`ImageSets/KIND/SPLIT.txt`), or every file of `folder` for `split=None`."""
    if split is None:
        names = sorted(p.stem for p in (root / folder).glob(f"*{suffix}"))
        if not names:
            raise FileNotFoundError(f"No {suffix} files in {str(root / folder)!r}.")
        return names
    listing = root / "ImageSets" / kind / f"{split}.txt"
    if not listing.exists():
        available = sorted(p.stem for p in (root / "ImageSets" / kind).glob("*.txt"))
        raise FileNotFoundError(
            f"No split {split!r}: {str(listing)!r} does not exist; splits there: {available or 'none'} "
            "(or split=None for every file)."
        )
    names = [line.split()[0] for line in listing.read_text().splitlines() if line.strip()]
    for number, name in enumerate(names, 1):
        if name in (".", "..") or "/" in name or "\\" in name or name.startswith("~"):
            raise InputError(
                f"{listing}, line {number}: {name!r} is not an example name (a file name without its folder); "
                "a split lists names inside the data set, never paths that leave it."
            )
    return names


def _number(path, element, tag, kind=float):
    text = element.findtext(tag)
    try:
        return kind(text)
    except (TypeError, ValueError):
        raise InputError(f"{path}: <{element.tag}><{tag}> must be a number, got {text!r}.") from None


def read_annotation(path, class_names=VOC_CLASSES, *, skip_difficult=True) -> tuple:
    """`(boxes (k, 4) float32, labels (k,) int32, (height, width))` of one VOC XML file.

    Parsed with `defusedxml`, which refuses DTDs and entity definitions
    (an annotation needs neither); every error names the file and the element.
    """
    boxes, labels, difficult, shape = read_objects(path, class_names)
    keep = ~difficult if skip_difficult else np.ones(len(labels), bool)
    return boxes[keep], labels[keep], shape


def read_objects(path, class_names=VOC_CLASSES) -> tuple:
    """`(boxes, labels, difficult (k,) bool, (height, width))` of every object in one VOC XML file,
    the difficult ones included and flagged (as the VOC devkit's evaluation reads them)."""
    try:
        tree = DefusedET.parse(path, forbid_dtd=True)
    except DefusedXmlException as err:
        raise InputError(f"{path}: refused, the XML declares a DTD or entities ({type(err).__name__}).") from None
    except ET.ParseError as err:
        raise InputError(f"{path}: not well-formed XML ({err}).") from None
    size = tree.find("size")
    shape = (_number(path, size, "height", int), _number(path, size, "width", int)) if size is not None else None
    boxes, labels, difficult = [], [], []
    for obj in tree.iter("object"):
        name = (obj.findtext("name") or "").strip()
        if name not in class_names:
            raise InputError(
                f"{path}: <object><name> {name!r} is not one of the classes given ({', '.join(class_names)})."
            )
        bb = obj.find("bndbox")
        if bb is None:
            raise InputError(f"{path}: the <object> of class {name!r} has no <bndbox>.")
        xmin, ymin, xmax, ymax = (_number(path, bb, k) for k in ("xmin", "ymin", "xmax", "ymax"))
        boxes.append((xmin - 1, ymin - 1, xmax, ymax))
        labels.append(class_names.index(name))
        difficult.append((obj.findtext("difficult") or "0").strip() == "1")
    return np.array(boxes, np.float32).reshape(-1, 4), np.array(labels, np.int32), np.array(difficult, bool), shape


def _read_image(path, size):
    from PIL import Image

    with Image.open(path) as im:
        im = im.convert("RGB")
        original = (im.height, im.width)
        if size is not None and original != tuple(size):
            im = im.resize((size[1], size[0]), Image.BILINEAR)
        return np.asarray(im, np.float32) / 255.0, original


def _read_mask(path, size):
    from PIL import Image

    with Image.open(path) as im:
        if im.mode not in ("P", "L"):
            raise InputError(
                f"{path}: a class mask must be a palette or greyscale PNG of class indices, got mode {im.mode}."
            )
        if size is not None and (im.height, im.width) != tuple(size):
            im = im.resize((size[1], size[0]), Image.NEAREST)
        return np.asarray(im, np.uint8)


def _stack(arrays, what, root):
    shapes = {a.shape for a in arrays}
    if len(shapes) > 1:
        raise InputError(
            f"The {what} in {str(root)!r} have different sizes ({sorted(shapes)[:3]}...); pass image_size=(height, "
            "width) to resize them to one size."
        )
    return np.stack(arrays)


def load_voc_detection(root, split="train", *, class_names=VOC_CLASSES, image_size=None, skip_difficult=True) -> Scenes:
    """Images and boxes of a VOC detection split (`masks` is None, captions empty).

    `image_size` `(height, width)` resizes every image (and scales its
    boxes); without it all images must have one size. Objects flagged
    difficult are left out (`skip_difficult`, for training) or kept and
    flagged in `Scenes.difficult` (`skip_difficult=False`: for evaluation,
    where mAP's VOC rule ignores detections of them, as the devkit does).
    """
    root = _root(root)
    names = _names(root, split, "Main", "Annotations", ".xml")
    images, boxes, labels, flags = [], [], [], []
    for name in names:
        b, lab, hard, _ = read_objects(root / "Annotations" / f"{name}.xml", class_names)
        keep = ~hard if skip_difficult else np.ones(len(lab), bool)
        b, lab = b[keep], lab[keep]
        flags.append(hard[keep])
        image, (h, w) = _read_image(root / "JPEGImages" / f"{name}.jpg", image_size)
        if image_size is not None:
            b = b * np.array([image_size[1] / w, image_size[0] / h] * 2, np.float32)
        images.append(image)
        boxes.append(b)
        labels.append(lab)
    difficult = None if skip_difficult else flags
    return Scenes(_stack(images, "images", root), None, boxes, labels, [""] * len(names), tuple(class_names), difficult)


def load_voc_segmentation(root, split="train", *, class_names=VOC_CLASSES, image_size=None) -> Scenes:
    """Images and class masks of a VOC segmentation split (boxes from the XML files when present)."""
    root = _root(root)
    names = _names(root, split, "Segmentation", "SegmentationClass", ".png")
    images, masks, boxes, labels = [], [], [], []
    for name in names:
        image, (h, w) = _read_image(root / "JPEGImages" / f"{name}.jpg", image_size)
        mask = _read_mask(root / "SegmentationClass" / f"{name}.png", image_size)
        if mask.shape != image.shape[:2]:
            raise InputError(f"{name}: mask {mask.shape} and image {image.shape[:2]} differ in size.")
        bad = np.setdiff1d(np.unique(mask), [*range(len(class_names) + 1), 255])
        if bad.size:
            raise InputError(
                f"{name}: mask values {bad.tolist()} are not classes (0..{len(class_names)}) or 255 (ignored)."
            )
        xml = root / "Annotations" / f"{name}.xml"
        b, lab = np.zeros((0, 4), np.float32), np.zeros(0, np.int32)
        if xml.exists():
            b, lab, _ = read_annotation(xml, class_names)
            if image_size is not None:
                b = b * np.array([image_size[1] / w, image_size[0] / h] * 2, np.float32)
        images.append(image)
        masks.append(mask)
        boxes.append(b)
        labels.append(lab)
    return Scenes(
        _stack(images, "images", root), _stack(masks, "masks", root), boxes, labels, [""] * len(names),
        tuple(class_names),
    )  # fmt: skip
