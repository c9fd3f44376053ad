"""Training the sequence-task models on the offline data each belongs with, resumable after a kill.

One trainer, `train_task`, and one maker of data per task, each
returning a `TaskData` (train, validation and test arrays, the builder
arguments the data fixes, the loss and the task's own score):

| model | data | score each epoch / on the test split |
|---|---|---|
| `sentiment_rnn` | `zoo.data.reviews` (seeded) | accuracy (and on order-dependent reviews) |
| `seq2seq_attention` | `zoo.data.dates` (seeded) | exact match of greedy translations |
| `video_classifier` | `zoo.data.clips` (seeded) | accuracy per clip, or per frame |
| `image_captioner` | the scenes' captions | BLEU-4 of greedy captions (`zoo.metrics`) |
| `autoregressive_forecaster`, `latent_forecaster` | yearly sunspots, by time | mean absolute error, in sunspots |
| `char_rnn` | note 003's `"hello"` | accuracy of each next-character guess |

A run writes what `zoo.training.fit.fit_resumable` writes (manifest,
checkpoint after every epoch, `history.json`, `model.keras`) and
`curve.png`; the held-out scores are measured on data made from seeds no
training run uses. The trainers of `zoo.training.text`,
`zoo.training.images` and `zoo.training.scenes` serve the other tasks.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

import keras
import numpy as np

from zoo.errors import InputError
from zoo.factory import create_model
from zoo.json_files import write_json_atomically
from zoo.registry import check_model_arguments, model_info
from zoo.run_folder import fingerprint, settings_of
from zoo.training.fit import shuffled_batches
from zoo.training.runs import RunOptions, TrainingResult, TrainingRun, checked_options
from zoo.training.scenes import TEST_SEED_OFFSET, VALIDATION_SEED_OFFSET
from zoo.validation import check_positive_int, check_positive_number


@dataclasses.dataclass
class TaskData:
    """One task's arrays and how to train and score a model on them.

    The loss and metrics are the task's (`zoo.training.compiling.compile_for_task`,
    as `zoo tune` compiles its trials). `x_*` are an array or a list of
    arrays (several inputs); `model_args`
    the builder arguments the data fixes (a vocabulary size, an input
    shape); `score(model, split)` the task's own figures on the
    `"validation"` or `"test"` split as a dict, its first entry the
    headline (reported as `val_<name>` every epoch); `encoding` what a
    model trained on it needs to read new inputs (vocabularies, lengths,
    class names, the series' scaling), JSON-able, written to the run
    folder as `encoding.json`.
    """

    description: str
    x_train: Any
    y_train: np.ndarray
    x_val: Any
    y_val: np.ndarray
    x_test: Any
    y_test: np.ndarray
    score: Callable[..., dict]
    model_args: dict = dataclasses.field(default_factory=dict)
    encoding: dict = dataclasses.field(default_factory=dict)

    def identity(self) -> str:
        """The SHA-256 of the training arrays (what the run folder records)."""
        parts = self.x_train if isinstance(self.x_train, list) else [self.x_train]
        return fingerprint(*parts, self.y_train)


class ValidationScore(keras.callbacks.Callback):
    """Add the task's headline score on the validation split to every epoch's logs (`val_<name>`)."""

    def __init__(self, data: TaskData):
        super().__init__()
        self.data = data

    def on_epoch_end(self, epoch, logs=None):
        if logs is not None:
            name, value = next(iter(self.data.score(self.model, "validation").items()))
            logs[f"val_{name}"] = value


# -- data makers -----------------------------------------------------------------
def _splits(make, seed: int, train: int, validation: int, test: int, **options) -> list:
    """`[train, validation, test]` made by `make(n, seed=..., **options)`; the held-out splits' seeds are
    offset as the scenes' are, so no training seed makes them."""
    offsets = (0, VALIDATION_SEED_OFFSET, TEST_SEED_OFFSET)
    return [
        make(n, seed=seed + offset, **options) for n, offset in zip((train, validation, test), offsets, strict=True)
    ]


def reviews_data(seed: int = 0, model_args=None, *, train: int = 4000, validation: int = 500, test: int = 1000):
    """Seeded reviews whose label depends on word order (`zoo.data.reviews`), for `sentiment_rnn`."""
    from zoo.data.reviews import make_reviews

    parts = _splits(make_reviews, seed, train, validation, test)
    order_dependent = {"contrast", "not_but"}
    ordered = [np.isin(np.array(p.cases), list(order_dependent)) for p in parts]  # what a bag of words cannot tell
    encoding = {"maxlen": 24, "classes": ["negative", "positive"]}
    return _texts_task(
        [p.texts for p in parts], [p.labels for p in parts], f"{train} seeded reviews", encoding,
        extra={"accuracy_order_dependent": ordered},
    )  # fmt: skip


def _texts_task(texts: list, labels: list, description: str, encoding: dict, *, extra=None) -> TaskData:
    """A `TaskData` of two-class texts split `[train, validation, test]`, encoded as words (`encoding["maxlen"]`
    at most) of `encoding["vocabulary"]`, or where it has none of the training split's (`encoding["max_tokens"]`
    words at most); scored by accuracy, and by accuracy over each mask of `extra`."""
    from zoo.models.rnn.sentiment import encode_reviews, review_vocabulary

    vocabulary = encoding.get("vocabulary") or review_vocabulary(texts[0], encoding.get("max_tokens"))
    maxlen = encoding["maxlen"]
    x = [encode_reviews(t, vocabulary, maxlen) for t in texts]
    y = [np.asarray(labels_, np.float32) for labels_ in labels]

    def score(model, split):
        i = 1 if split == "validation" else 2
        right = (model.predict(x[i], batch_size=256, verbose=0)[:, 0] > 0.5) == y[i]
        masks = {name: parts[i] for name, parts in (extra or {}).items()}
        return {"accuracy": float(right.mean()), **{name: float(right[m].mean()) for name, m in masks.items()}}

    return TaskData(
        f"{description} (vocabulary of {len(vocabulary)} words)", x[0], y[0], x[1], y[1], x[2], y[2],
        score=score, model_args={"vocab_size": len(vocabulary)},
        encoding={"vocabulary": vocabulary, "maxlen": maxlen, "classes": list(encoding["classes"])},
    )  # fmt: skip


def reviews_file_data(source: str, seed: int = 0, model_args=None, *, model_name=None, train=None, options=None):
    """Your own two-class texts (`zoo.data.task_files.read_labelled_texts`) for `sentiment_rnn`, split 80/10/10
    by a seeded, stratified draw; each text cut at the 95th percentile of the training texts' lengths in words
    (at most `MAX_WORDS`). The second class (sorted) is the positive one (1)."""
    from zoo.data.task_files import read_two_class_texts
    from zoo.models.rnn.sentiment import review_words

    read = read_two_class_texts(source, **(options or {}))
    parts = _three_parts(len(read.texts), seed, train, read.labels)
    texts = [[read.texts[i] for i in part] for part in parts]
    lengths = [len(review_words(text)) for text in texts[0]]
    maxlen = int(min(max(np.percentile(lengths, 95), 1), MAX_WORDS))
    described = f"{len(parts[0])} texts of {source} ({read.classes[0]} 0, {read.classes[1]} 1; {maxlen} words at most)"
    encoding = {"maxlen": maxlen, "classes": read.classes, "max_tokens": MAX_VOCABULARY}
    return _texts_task(texts, [read.labels[part] for part in parts], described, encoding)


#: The longest text (in words) `reviews_file_data` keeps, and its vocabulary's size at most (`sentiment_rnn`'s
#: default `vocab_size`).
MAX_WORDS, MAX_VOCABULARY = 400, 20_000


def _three_parts(n: int, seed: int, train: int | None, labels=None) -> list:
    """Index arrays `[train, validation, test]`: a seeded 80/10/10 draw (stratified by `labels` where given),
    the training part cut to its first `train` where given."""
    from zoo.data.image_folder import held_out_indices

    labels = np.zeros(n, int) if labels is None else np.asarray(labels)
    test = held_out_indices(labels, 0.1, seed)
    rest = np.setdiff1d(np.arange(n), test)
    validation = rest[held_out_indices(labels[rest], 1 / 9, seed + VALIDATION_SEED_OFFSET)]
    training = np.random.default_rng(seed).permutation(np.setdiff1d(rest, validation))
    if len(validation) == 0 or len(test) == 0:
        raise InputError(f"{n} examples leave no validation or test part; give at least 10 of each class.")
    return [training[:train] if train else training, validation, test]


def dates_data(seed: int = 0, model_args=None, *, train: int = 8000, validation: int = 300, test: int = 1000):
    """Human-written dates and their ISO forms (`zoo.data.dates`), teacher-forced, for `seq2seq_attention`."""
    from zoo.data.dates import make_dates, source_vocabulary, target_vocabulary

    pairs = _splits(make_dates, seed, train, validation, test)
    description = f"{train} seeded dates in {len(set(pairs[0].formats))} formats"
    return _pairs_task([(p.sources, p.targets) for p in pairs], source_vocabulary(), target_vocabulary(), (30, 11),
                       description)  # fmt: skip


def _pairs_task(parts: list, source_vocabulary: list, target_vocabulary: list, lengths: tuple, description: str):
    """A `TaskData` of `[(sources, targets)]` for train, validation and test, as character ids of the two
    vocabularies (the target's holds `<start>` and `<end>`) cut at `lengths` (source, target); teacher-forced,
    scored by the exact match of greedy translations."""
    from zoo.data.dates import END, START, decode, encode
    from zoo.decoding.conditional import greedy_decode

    src, tgt = source_vocabulary, target_vocabulary
    source_length, target_length = lengths

    def arrays(sources, targets):
        x = [encode(sources, src, source_length), encode([START + t for t in targets], tgt, target_length)]
        return x, encode([t + END for t in targets], tgt, target_length)

    (x0, y0), (x1, y1), (x2, y2) = (arrays(*p) for p in parts)

    def score(model, split):
        targets, x = (parts[1][1], x1) if split == "validation" else (parts[2][1], x2)
        found = greedy_decode(model, x[0], tgt.index(START), tgt.index(END), target_length)
        return {"exact_match": float(np.mean([decode(f, tgt) == t for f, t in zip(found, targets, strict=True)]))}

    return TaskData(
        description, x0, y0, x1, y1, x2, y2, score=score,
        model_args={"source_vocab_size": len(src), "target_vocab_size": len(tgt)},
        encoding={"source_vocabulary": list(src), "target_vocabulary": list(tgt), "lengths": list(lengths)},
    )  # fmt: skip


def pairs_file_data(source: str, seed: int = 0, model_args=None, *, model_name=None, train=None, options=None):
    """Your own translation pairs (`zoo.data.task_files.read_text_pairs`) for `seq2seq_attention`, as
    characters: split 80/10/10 by a seeded draw, the vocabularies and lengths (at most `MAX_CHARACTERS`) those of
    the training pairs; a character the training pairs lack reads as `?`."""
    from zoo.data.dates import END, START
    from zoo.data.task_files import read_text_pairs

    read = read_text_pairs(source)
    parts = _three_parts(len(read.sources), seed, train)
    pairs = [([read.sources[i] for i in part], [read.targets[i] for i in part]) for part in parts]
    sources, targets = pairs[0]
    chars = (sorted(set("".join(sources)) - {"?"}), sorted(set("".join(targets)) - {"?"}))
    lengths = (min(max(map(len, sources)), MAX_CHARACTERS), min(max(map(len, targets)) + 1, MAX_CHARACTERS))
    description = f"{len(sources)} pairs of {source} (characters, at most {lengths[0]} in and {lengths[1]} out)"
    return _pairs_task(pairs, ["", "?", *chars[0]], ["", "?", START, END, *chars[1]], lengths, description)


#: The longest source or target (in characters, `<end>` included) `pairs_file_data` keeps.
MAX_CHARACTERS = 200


def clips_data(seed: int = 0, model_args=None, *, train: int = 1200, validation: int = 200, test: int = 400):
    """Seeded clips of moving shapes (`zoo.data.clips`), per clip or per frame, for `video_classifier`."""
    from zoo.data.clips import FRAME_MOTIONS, MOTIONS, make_clips

    per_frame = bool((model_args or {}).get("per_frame", False))
    parts = _splits(make_clips, seed, train, validation, test)
    labels = [p.frame_labels if per_frame else p.labels for p in parts]

    def score(model, split):
        i = 1 if split == "validation" else 2
        found = model.predict(parts[i].videos, batch_size=64, verbose=0).argmax(-1)
        return {"frame_accuracy" if per_frame else "clip_accuracy": float(np.mean(found == labels[i]))}

    classes = FRAME_MOTIONS if per_frame else MOTIONS
    return TaskData(
        f"{train} seeded clips of {parts[0].videos.shape[1]} frames, {len(classes)} motions"
        + (" per frame" if per_frame else ""),
        parts[0].videos, labels[0], parts[1].videos, labels[1], parts[2].videos, labels[2],
        score=score, model_args={"num_classes": len(classes), "input_shape": parts[0].videos.shape[1:]},
    )  # fmt: skip


CAPTION_SCENES = {"image_size": 32, "min_radius": 4, "max_radius": 7, "max_objects": 2}


def captions_data(seed: int = 0, model_args=None, *, train: int = 3000, validation: int = 100, test: int = 300):
    """The seeded scenes' captions (`zoo.data.scenes`, 32x32, at most 2 shapes), for `image_captioner`."""
    from zoo.data.scenes import make_scenes
    from zoo.metrics import corpus_bleu
    from zoo.models.multimodal.captioner import caption_images, encode_captions

    scenes = _splits(make_scenes, seed, train, validation, test, **CAPTION_SCENES)

    def score(model, split):
        s = scenes[1] if split == "validation" else scenes[2]
        found = caption_images(model, s.images, max_length=12)
        return {"bleu4": float(corpus_bleu([[c] for c in s.captions], found))}

    arrays = []
    for s in scenes:
        inputs, targets = encode_captions(s.captions)
        arrays += [[s.images, inputs], targets]
    return TaskData(
        f"{train} seeded 32x32 scenes with captions", *arrays,
        score=score, model_args={"input_shape": scenes[0].images.shape[1:]},
    )  # fmt: skip


#: Inputs of the latent forecaster: this many past years (the autoregressive one reads `tau`).
SUNSPOT_WINDOW = 24


def sunspots_data(seed: int = 0, model_args=None, *, model_name: str = "autoregressive_forecaster", train=None):
    """Yearly sunspot numbers cut by time (the first 70% train, the next 15% validation, the last 15% test),
    as windows of past years (scaled by the training years' spread) and the next year, for the forecasters.

    `train` must be None: the series is what it is."""
    if train is not None:
        raise InputError(f"train_examples does not apply to the sunspot series (it has its own years), got {train!r}.")
    from zoo.data.series import load_sunspots

    _, values = load_sunspots()
    width = _window(model_name, model_args)
    return _series_task(values, width, f"{len(values)} yearly sunspot numbers, windows of {width} years", "sunspots")


def _window(model_name: str, model_args) -> int:
    """How many past values a forecaster reads: its `tau`, else `SUNSPOT_WINDOW`."""
    return (model_args or {}).get("tau", model_info(model_name).default_args.get("tau", SUNSPOT_WINDOW))


def _series_task(values: np.ndarray, width: int, description: str, unit: str, scaling=None) -> TaskData:
    """A `TaskData` of windows of `width` past values and the next one, cut by time 70/15/15 (by the time of
    the value predicted), scaled by the training part's mean and spread; scored by the mean absolute error in
    the series' own units (`mae_<unit>`) and that of repeating the last value. Given a `scaling` (a trained
    model's `(mean, scale)`), every window is the test split."""
    from zoo.data.series import sliding_windows

    if scaling is None:
        a, b = int(len(values) * 0.70), int(len(values) * 0.85)
        mean, scale = float(values[:a].mean()), float(values[:a].std()) or 1.0
    else:
        (a, b), (mean, scale) = (0, 0), scaling  # every window is the test split
    x, y = sliding_windows((values - mean) / scale, width)
    end = np.arange(len(y)) + width  # the time step each target is
    split = [end < a, (end >= a) & (end < b), end >= b]
    if not all(m.any() for m in (split if scaling is None else split[2:])):
        raise InputError(f"{len(values)} values leave no validation or test windows of {width} past values; give "
                         f"at least {int(np.ceil((width + 1) / 0.15))} values or a smaller tau.")  # fmt: skip
    parts = [(x[m], y[m, None]) for m in split]
    headline = f"mae_{unit}"

    def score(model, which):
        inputs, targets = parts[1] if which == "validation" else parts[2]
        found = model.predict(inputs, batch_size=256, verbose=0)
        return {headline: float(np.mean(np.abs(found - targets)) * scale),
                "mae_last_value_baseline": float(np.mean(np.abs(inputs[:, -1:] - targets)) * scale)}  # fmt: skip

    encoding = {"mean": mean, "scale": scale, "width": width, "unit": unit}
    return TaskData(description, *parts[0], *parts[1], *parts[2], score=score, encoding=encoding)


def series_file_data(source: str, seed: int = 0, model_args=None, *, model_name: str, train=None, options=None):
    """Your own series (`zoo.data.task_files.read_series`, one CSV column) for a forecaster, cut by time as the
    sunspots are; scored as `mae_series`, in the column's units."""
    from zoo.data.task_files import read_series

    if train is not None:
        raise InputError(f"train_examples does not apply to a series (its steps are what they are), got {train!r}.")
    read = read_series(source, **(options or {}))
    width = _window(model_name, model_args)
    description = f"{len(read.values)} values of column {read.column!r} of {source}, windows of {width}"
    return _series_task(read.values, width, description, "series")


def latent_sunspots_data(seed: int = 0, model_args=None, train=None):
    """`sunspots_data` for `latent_forecaster` (windows of `SUNSPOT_WINDOW` years)."""
    return sunspots_data(seed, model_args, model_name="latent_forecaster", train=train)


def hello_data(seed: int = 0, model_args=None, *, word: str = "hello", train: int = 32):
    """Note 003's example: predict `word[1:]` from `word[:-1]`, one-hot, for `char_rnn`."""
    vocabulary = sorted(set(word), key=word.index)
    eye = np.eye(len(vocabulary), dtype=np.float32)
    x = eye[[vocabulary.index(c) for c in word[:-1]]][None]
    y = np.array([[vocabulary.index(c) for c in word[1:]]])

    def score(model, split):
        return {"char_accuracy": float(np.mean(keras.ops.convert_to_numpy(model(x)).argmax(-1) == y))}

    many_x, many_y = np.repeat(x, train, 0), np.repeat(y, train, 0)
    return TaskData(
        f"{word!r}, {train} copies an epoch", many_x, many_y, x, y, x, y,
        score=score, model_args={"vocabulary": vocabulary},
    )  # fmt: skip


# -- the trainer -------------------------------------------------------------------
def task_datasets(data: TaskData, batch_size: int, seed: int = 0, *, start_epoch: int = 0):
    """`(train, validation, steps_per_epoch)`: the training batches of `zoo.training.fit.shuffled_batches`
    and the validation batches, the same for `zoo train` and `zoo tune`."""
    import tensorflow as tf

    train, steps = shuffled_batches(data.x_train, data.y_train, batch_size, seed, start_epoch=start_epoch)
    val_inputs = tuple(data.x_val) if isinstance(data.x_val, list) else data.x_val
    return train, tf.data.Dataset.from_tensor_slices((val_inputs, data.y_val)).batch(256), steps


#: The data makers a recipe's `make_data` names, by name.
MAKERS = {
    maker.__name__: maker
    for maker in (reviews_data, dates_data, clips_data, captions_data, sunspots_data, latent_sunspots_data, hello_data)
}


def file_evaluation_data(model_name: str, data: str, encoding: dict, options: dict | None = None) -> TaskData:
    """Every example of your file `data` as the test split of a `TaskData`, read as the run of the model being
    scored read its own (`encoding`, its `encoding.json`).

    Raises:
        InputError: the model's kind of data reads no files, or the file's labels are not the model's classes.
    """
    from zoo.data.task_files import READERS

    kind = model_info(model_name).recipe.data
    if kind not in READERS:
        raise InputError(f"{model_name} is scored on its own {kind} data only; files of yours score models of "
                         f"{', '.join(READERS)} data.")  # fmt: skip
    read = READERS[kind](data, **(options or {}))
    if kind == "reviews":
        if list(read.classes) != list(encoding["classes"]):
            raise InputError(f"{data} has labels {', '.join(read.classes)}; {model_name} was trained on "
                             f"{', '.join(encoding['classes'])}.")  # fmt: skip
        return _texts_task([[], [], list(read.texts)], [[], [], read.labels], f"{len(read.texts)} texts of {data}",
                           encoding)  # fmt: skip
    if kind == "dates":
        none = ([], [])
        vocabularies = encoding["source_vocabulary"], encoding["target_vocabulary"]
        return _pairs_task([none, none, (list(read.sources), list(read.targets))], *vocabularies,
                           tuple(encoding["lengths"]), f"the pairs of {data}")  # fmt: skip
    return _series_task(read.values, encoding["width"], f"column {read.column!r} of {data}", encoding["unit"],
                        scaling=(encoding["mean"], encoding["scale"]))  # fmt: skip


#: The file a sequence-task run writes beside its model: `TaskData.encoding`.
ENCODING = "encoding.json"
#: The makers of data from your own files (`--data FILE`), by the kind of data a recipe names (`recipe.data`).
FILE_MAKERS = {"reviews": reviews_file_data, "dates": pairs_file_data, "series": series_file_data}


def make_task_data(
    model_name: str, seed: int = 0, model_args=None, train_examples=None, *, data=None, data_options=None
) -> TaskData:
    """The `TaskData` of `model_name`'s recipe (its `make_data`, a maker of `MAKERS`), for builder
    arguments `model_args`, or of your own file `data` (the recipe's kind's maker in `FILE_MAKERS`).

    Raises:
        InputError: the recipe names no maker of this module, or its kind reads no files of yours.
    """
    recipe = model_info(model_name).recipe
    check_positive_int("train_examples", train_examples, optional=True)
    if recipe is None or recipe.make_data not in MAKERS:
        made_by = None if recipe is None else recipe.make_data
        raise InputError(f"{model_name}'s recipe names the data maker {made_by!r}; accepted: {', '.join(MAKERS)}.")
    sizes = {} if train_examples is None else {"train": train_examples}
    model_args = {**recipe.model_defaults, **(model_args or {})}
    if data is None:
        return MAKERS[recipe.make_data](seed, model_args, **sizes)
    if recipe.data not in FILE_MAKERS:
        raise InputError(f"{model_name} trains on the package's {recipe.data} data only; your own files train the "
                         f"models of {', '.join(FILE_MAKERS)} data.")  # fmt: skip
    maker = FILE_MAKERS[recipe.data]
    return maker(data, seed, model_args, model_name=model_name, options=data_options, **sizes)


def train_task(
    model_name: str,
    *,
    options: RunOptions | None = None,
    batch_size: int | None = None,
    learning_rate: float | None = None,
    train_examples: int | None = None,
    data: str | None = None,
    data_options: dict | None = None,
    **model_args: object,
) -> TrainingResult:
    """Train a registered sequence-task model on its recipe's data, or on your own file.

    Args:
        model_name: a model whose recipe names one of this module's data
            makers (`zoo info MODEL`).
        options: the run's `zoo.training.RunOptions` (budget, folder, seed...); the seed makes the
            data too.
        batch_size: examples per batch (default: the model's recipe).
        learning_rate: Adam's step size (default: the model's recipe).
        train_examples: how many training examples to make (default: the
            task's own; the held-out splits keep their sizes); of your own file, how many of its training
            part to use.
        data: your own file or folder (`zoo.data.task_files`) for the models of the kinds of data in
            `FILE_MAKERS`: a CSV/TSV or folder of labelled texts, a TSV of translation pairs, a CSV series.
        data_options: the file's column names (`text_column` and `label_column`, or `column`).
        **model_args: builder arguments over the recipe's `model_defaults`.

    Returns:
        A `zoo.training.TrainingResult`. Every epoch's row has the task's headline score on the
        validation split (`val_exact_match`, `val_bleu4`...); `scores` are all of the task's
        figures on the test split, the headline first.

    Example:
        ```python
        result = train_task("seq2seq_attention", options=RunOptions(epochs=2))
        ```
    """
    options = checked_options(options, model_args, "train_task")
    info = model_info(model_name)
    recipe = info.recipe
    batch_size = recipe.batch_size if batch_size is None else batch_size
    learning_rate = recipe.learning_rate if learning_rate is None else learning_rate
    check_positive_int("batch_size", batch_size)
    check_positive_number("learning_rate", learning_rate)
    builder_args = {**recipe.model_defaults, **model_args}
    check_model_arguments(model_name, builder_args)
    data = make_task_data(model_name, options.seed, model_args, train_examples, data=data, data_options=data_options)
    settings = {
        "trainer": "tasks",
        "model": model_name,
        "data": data.description,
        "data_sha256": data.identity(),
        "batch_size": batch_size,
        "learning_rate": learning_rate,
        "model_args": settings_of(model_args),
    }
    with TrainingRun(settings, options) as run:
        if data.encoding and (path := run.file(ENCODING)) is not None:  # what reading new inputs needs
            write_json_atomically(path, data.encoding)
        model = run.compile(create_model(model_name, **{**data.model_args, **builder_args}), info.task, learning_rate)
        # A resumed run sees the batches an uninterrupted run would.
        train, validation, steps = task_datasets(data, batch_size, options.seed, start_epoch=run.start_epoch())
        rows = run.fit(model, train, validation, steps_per_epoch=steps, extra_callbacks=[ValidationScore(data)])
        scores = data.score(model, "test")
        headline = next(iter(scores))
        curve = (("", "val_" + headline), headline.replace("_", " ")) if rows else None
        return run.result(model, rows, scores, curve=curve)
