"""Using a trained model: score it on labelled data (`zoo evaluate`) and label new inputs (`zoo predict`).

A model comes from a shipped preset, a preset folder or a `.keras` file; what it was trained on (its
registered name, its classes) is read from the preset's card or the run folder's manifest beside the file,
without Keras, so a wrong input is refused before TensorFlow starts. Classification scores follow their
textbook definitions and are checked against scikit-learn's in the tests: accuracy is the share of correct
labels; the confusion matrix counts true class (rows) against predicted class (columns); a class's recall
is its diagonal over its row, its precision its diagonal over its column.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import zipfile
from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import keras
    import tensorflow as tf

from zoo.errors import InputError


@dataclasses.dataclass(frozen=True)
class Source:
    """What a model source says of itself before it loads.

    Attributes:
        path: the preset's name or folder, or the `.keras` file.
        kind: `"preset"` or `"file"`.
        model: the registered model it holds.
        settings: the run's recorded settings (`zoo-run.json`'s, or a preset card's recipe); `{}` if unknown.
    """

    path: str
    kind: str
    model: str
    settings: dict

    @property
    def class_names(self) -> tuple | None:
        """The classes the model was trained on, when the run recorded them (your own images)."""
        names = self.settings.get("classes")
        return tuple(names) if names else None

    @property
    def encoding(self) -> dict | None:
        """What a sequence-task model's run recorded to read new inputs (its vocabularies, lengths, classes or
        scaling: `encoding.json` beside the `.keras` file, or a saved preset's card's `encoding`;
        `zoo.training.tasks.TaskData.encoding`), or None."""
        from zoo.json_files import read_json

        if self.kind == "preset":
            from zoo.presets import preset_card

            return preset_card(self.path).get("encoding")
        path = pathlib.Path(self.path).parent / "encoding.json"
        return read_json(path) if self.kind == "file" and path.is_file() else None

    def load(self) -> keras.Model:
        """The model, weights and all (a preset's files checked against its card first)."""
        if self.kind == "preset":
            from zoo.presets import load_preset

            return load_preset(self.path)
        from zoo.saving import load_model

        return load_model(self.path, compile=False)


def read_source(source: str | os.PathLike) -> Source:
    """Read what `source` (a preset's name or folder, or a `.keras` file) holds, without Keras.

    Raises:
        InputError: `source` is none of these, or a `.keras` file of a model the registry does not know.
    """
    from zoo.presets import is_preset, list_presets, preset_card
    from zoo.registry import list_models

    if is_preset(source):
        card = preset_card(source)
        return Source(str(source), "preset", card["model"], dict(card.get("recipe", {})))
    path = pathlib.Path(source)
    if path.suffix != ".keras" or not path.is_file():
        raise InputError(f"{str(source)!r} is not a preset ({', '.join(list_presets())}), a preset folder or a "
                         ".keras file.")  # fmt: skip
    from zoo.saving import check_keras_file

    check_keras_file(path)
    manifest = path.parent / "zoo-run.json"
    settings = json.loads(manifest.read_text()).get("settings", {}) if manifest.is_file() else {}
    with zipfile.ZipFile(path) as archive:
        name = settings.get("model") or json.loads(archive.read("config.json")).get("config", {}).get("name")
    if name not in list_models():
        raise InputError(f"{path} holds a model named {name!r}, which is no zoo model.")
    return Source(str(path), "file", name, settings)


def classification_scores(labels: Sequence[int], predicted: Sequence[int], class_names: Sequence[str]) -> dict:
    """Accuracy, the confusion matrix and each class's recall and precision.

    Args:
        labels: the true class of each example.
        predicted: the predicted class of each.
        class_names: the classes' names, in label order.

    Returns:
        `{"examples", "accuracy", "confusion" (rows: true class, columns: predicted), "per_class": {name:
        {"examples", "recall", "precision"}}}`; a precision with no prediction of that class is `None`.
    """
    labels, predicted = np.asarray(labels, dtype=int), np.asarray(predicted, dtype=int)
    k = len(class_names)
    confusion = np.zeros((k, k), dtype=int)
    np.add.at(confusion, (labels, predicted), 1)
    per_class = {}
    for i, name in enumerate(class_names):
        row, column = confusion[i].sum(), confusion[:, i].sum()
        per_class[name] = {
            "examples": int(row),
            "recall": float(confusion[i, i] / row) if row else None,
            "precision": float(confusion[i, i] / column) if column else None,
        }
    return {
        "examples": int(len(labels)),
        "accuracy": float(np.mean(labels == predicted)) if len(labels) else None,
        "confusion": confusion.tolist(),
        "per_class": per_class,
    }


def plot_confusion(scores: dict, class_names: Sequence[str], path: str | os.PathLike) -> None:
    """Draw `classification_scores`' confusion matrix, counts in the cells, into `path` (a PNG)."""
    from matplotlib.figure import Figure

    from zoo.plotting import save_figure

    confusion = np.asarray(scores["confusion"])
    size = 1.5 + 0.45 * len(class_names)
    fig = Figure(figsize=(size + 1, size))
    ax = fig.add_subplot()
    image = ax.imshow(confusion, cmap="Blues")
    fig.colorbar(image, ax=ax, label="images")
    ticks = range(len(class_names))
    ax.set(xticks=ticks, yticks=ticks, xlabel="predicted class", ylabel="true class",
           title=f"accuracy {scores['accuracy']:.3f} on {scores['examples']} images")  # fmt: skip
    ax.set_xticklabels(class_names, rotation=45, ha="right")
    ax.set_yticklabels(class_names)
    for (i, j), count in np.ndenumerate(confusion):
        ax.text(j, i, str(count), ha="center", va="center", color="white" if count > confusion.max() / 2 else "black")
    fig.tight_layout()
    save_figure(fig, path)


def predicted_classes(model: keras.Model, dataset: tf.data.Dataset) -> tuple[np.ndarray, np.ndarray]:
    """`(labels, probabilities)` of a batched `(images, labels)` dataset, in its order."""
    labels, probabilities = [], []
    for x, y in dataset.as_numpy_iterator():
        probabilities.append(np.asarray(model.predict_on_batch(x)))
        labels.append(y)
    return np.concatenate(labels), np.concatenate(probabilities)


def image_inputs(inputs: Sequence[str | os.PathLike]) -> list[pathlib.Path]:
    """The image files `inputs` name (files, or folders searched for images), each checked to be an image.

    Raises:
        InputError: an input that does not exist, is not an image file, or a folder with no image.
    """
    from zoo.data.image_folder import SIGNATURES, check_image_file

    found = []
    for item in map(pathlib.Path, inputs):
        if item.is_dir():
            images = sorted(p for p in item.rglob("*") if p.is_file() and p.suffix.lower() in SIGNATURES)
            if not images:
                raise InputError(f"{item} holds no image ({', '.join(SIGNATURES)}).")
            found += images
        elif item.is_file() and item.suffix.lower() in SIGNATURES:
            found.append(item)
        else:
            what = "does not exist" if not item.exists() else "is not an image file"
            raise InputError(f"{item} {what}; give image files ({', '.join(SIGNATURES)}) or folders of them.")
    for path in found:
        check_image_file(path)
    return found


def top_k(probabilities: np.ndarray, class_names: Sequence[str], k: int) -> list[list]:
    """For each row of class probabilities, its `k` most probable `[class name, probability]`, best first."""
    order = np.argsort(-probabilities, axis=1, kind="stable")[:, :k]
    return [[[class_names[j], float(row[j])] for j in best] for row, best in zip(probabilities, order, strict=True)]


def text_inputs(inputs: Sequence[str]) -> list[str]:
    """The texts `zoo predict` labels: each input itself, or, for an existing `.txt` file, each of its non-empty
    lines."""
    texts = []
    for item in inputs:
        path = pathlib.Path(item)
        if path.suffix.lower() == ".txt" and path.is_file():
            texts += [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        else:
            texts.append(item)
    if not texts:
        raise InputError(f"no text to label in {', '.join(inputs)}: the files hold only empty lines.")
    return texts


def label_texts(model: keras.Model, texts: Sequence[str], encoding: dict, k: int) -> list[list]:
    """For each text, a two-class text model's (`sentiment_rnn`'s) `k` most probable `[class name, probability]`,
    the words read with the run's vocabulary and length (`encoding`)."""
    from zoo.models.rnn.sentiment import encode_reviews

    ids = encode_reviews(texts, encoding["vocabulary"], encoding["maxlen"])
    positive = model.predict(ids, batch_size=256, verbose=0)[:, 0].astype(float)
    return top_k(np.stack([1 - positive, positive], axis=1), encoding["classes"], k)


def translate(model: keras.Model, texts: Sequence[str], encoding: dict) -> list[str]:
    """Each text's greedy translation by a `seq2seq_attention` model, its characters read and written with the
    run's vocabularies and lengths (`encoding`)."""
    from zoo.data.dates import END, START, decode, encode
    from zoo.decoding.conditional import greedy_decode

    source, target = encoding["source_vocabulary"], encoding["target_vocabulary"]
    source_length, target_length = encoding["lengths"]
    found = greedy_decode(model, encode(texts, source, source_length), target.index(START), target.index(END),
                          target_length)  # fmt: skip
    return [decode(row, target) for row in found]
