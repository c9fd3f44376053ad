"""Tuners, search data and search results.

Every search lives in one directory: keras-tuner's project (`oracle.json`
and one `trial_*/` folder per trial with `trial.json` and the best
checkpoint), `search.json` (what was searched, so a restart with other
settings is refused instead of mixing two searches), `events.jsonl`
(one line per trial start and end, from every process), TensorBoard logs
with HParams, and at the end `results.csv`, `results.json` and plots.
A search killed at any point and started again with the same directory
keeps its completed trials and reruns only the unfinished one.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pathlib
import time
from collections.abc import Sequence

import keras
import keras_tuner
from keras_tuner.src.engine.trial import TrialStatus

from zoo.errors import InputError
from zoo.json_files import read_json, write_atomically, write_json_atomically
from zoo.plotting import save_figure
from zoo.registry import model_info
from zoo.tune.objectives import Objective, as_objective, objectives_text, read_objectives
from zoo.tune.oracles import ResumableGridOracle
from zoo.tune.stopping import MedianStopping, StopWeakTrials
from zoo.tune.trials import PROJECT

TUNERS = ("grid", "random", "bayesian", "hyperband")


def rerun_failed_trials(oracle) -> list:
    """Send the failed trials of a reloaded search back to be run again; returns their ids.

    keras-tuner reloads a failed trial as finished for good, so a search run
    again after its cause is fixed would skip it. Here each one goes to the
    oracle's retry queue with its run count reset, and leaves the end order
    (so it no longer counts toward the consecutive-failure limit).
    """
    failed = [
        trial_id
        for trial_id, trial in sorted(oracle.trials.items())
        if trial.status in (TrialStatus.FAILED, TrialStatus.INVALID) and trial_id not in oracle._retry_queue
    ]
    for trial_id in failed:
        oracle._run_times[trial_id] = 0
        if trial_id in oracle.end_order:
            oracle.end_order.remove(trial_id)
        oracle._retry_queue.insert(0, trial_id)  # popped from the end: the lowest id runs first
    return failed


class _ZooTunerMixin:
    """Failed trials rerun on reload, progress events, a pause between polls when the oracle is busy, and each
    trial's per-epoch objective values recorded, and weak trials stopped by `self.stopping` (`zoo.tune.stopping`)."""

    stopping: MedianStopping | None = None

    def run_trial(self, trial, *args, **kwargs):
        goal = Objective(self.oracle.objective.name, self.oracle.objective.direction)
        watch = StopWeakTrials(self.get_trial_dir(trial.trial_id), goal, self.stopping)
        kwargs["callbacks"] = [*kwargs.get("callbacks", ()), watch]  # after the task's scorers, which it reads
        return super().run_trial(trial, *args, **kwargs)

    def _configure_tensorboard_dir(self, callbacks, trial, execution=0):
        # keras-tuner's own per-trial TensorBoard folder and HParams callback, on every backend: keras-tuner
        # skips both off TensorFlow (so as not to import it), but Keras's TensorBoard callback writes through
        # TensorFlow's summaries on any backend, and zoo installs TensorFlow and feeds every search through tf.data.
        from keras_tuner.src.engine import tuner_utils
        from tensorboard.plugins.hparams import api as hparams_api

        for callback in list(callbacks):
            if callback.__class__.__name__ == "TensorBoard":
                callback.log_dir = self._get_tensorboard_dir(callback.log_dir, trial.trial_id, execution)
                hparams = tuner_utils.convert_hyperparams_to_hparams(trial.hyperparameters, hparams_api)
                callbacks.append(hparams_api.KerasCallback(callback.log_dir, hparams, trial_id=trial.trial_id))

    def reload(self):
        super().reload()
        if not self._is_worker():  # the chief's oracle owns the trials
            rerun_failed_trials(self.oracle)

    def on_trial_begin(self, trial):
        self._polls = 0
        self._event("begin", trial)
        super().on_trial_begin(trial)

    def on_trial_end(self, trial):
        super().on_trial_end(trial)
        self._event("end", trial, status=str(trial.status))

    def pre_create_trial(self):
        # keras-tuner asks again at once when the oracle answers IDLE (a
        # distributed grid waiting for its last trials); do not spin.
        self._polls = getattr(self, "_polls", 0) + 1
        if self._polls > 1:
            time.sleep(0.5)

    def _event(self, kind, trial, **extra):
        line = {"event": kind, "trial_id": trial.trial_id, "tuner_id": self.tuner_id, "time": time.time()}
        line["values"] = {k: v for k, v in trial.hyperparameters.values.items() if not k.startswith("tuner/")}
        line.update(extra)
        path = pathlib.Path(self.project_dir) / "events.jsonl"
        with open(path, "a", encoding="utf-8") as f:  # one short append per line: safe across processes
            f.write(json.dumps(line) + "\n")


class GridTuner(_ZooTunerMixin, keras_tuner.Tuner):
    """Grid search that resumes after a kill (see `ResumableGridOracle`)."""

    def __init__(self, hypermodel, objective="val_loss", max_trials=None, seed=None, **kwargs):
        oracle = ResumableGridOracle(objective=objective, max_trials=max_trials, seed=seed)
        super().__init__(oracle, hypermodel, **kwargs)


class RandomTuner(_ZooTunerMixin, keras_tuner.RandomSearch):
    """keras-tuner's random search with zoo's progress events."""


class BayesianTuner(_ZooTunerMixin, keras_tuner.BayesianOptimization):
    """keras-tuner's Bayesian optimisation with zoo's progress events."""


class HyperbandTuner(_ZooTunerMixin, keras_tuner.Hyperband):
    """keras-tuner's Hyperband with zoo's progress events."""


def make_tuner(
    kind, hypermodel, directory, *, objective="val_loss", max_trials=None, max_epochs=None, factor=3, seed=0
):
    """A tuner of `kind` (one of `TUNERS`) searching in `directory`.

    The directory is never wiped (keras-tuner's `overwrite=True` would
    delete it from every process of a distributed search): an existing
    search there is reloaded and continued.
    """
    if kind not in TUNERS:
        raise InputError(f"Unknown tuner {kind!r}. Accepted: {', '.join(TUNERS)}.")
    common = {"directory": str(directory), "project_name": PROJECT, "overwrite": False, "seed": seed}
    if kind == "grid":
        return GridTuner(hypermodel, objective, max_trials=max_trials, **common)
    if kind == "hyperband":
        if not max_epochs:
            raise InputError("Hyperband needs max_epochs (the most epochs any trial trains for).")
        return HyperbandTuner(hypermodel, objective=objective, max_epochs=max_epochs, factor=factor, **common)
    trials = max_trials or 10
    if kind == "random":
        return RandomTuner(hypermodel, objective=objective, max_trials=trials, **common)
    return BayesianTuner(hypermodel, objective=objective, max_trials=trials, **common)


# -- data ---------------------------------------------------------------------
@dataclasses.dataclass
class SearchData:
    """What a search trains on: builder arguments the data fixes, `fit` arguments, and the callbacks that
    add the task's own scores to each epoch's logs (a detector's `val_map`), as `zoo train` logs them."""

    fixed: dict
    fit_kwargs: dict
    description: str
    callbacks: tuple = ()


def text_search_data(
    corpus="stdlib",
    *,
    tokens="char",
    max_tokens=None,
    max_chars=2_000_000,
    seq_len=None,
    batch_size=None,
    steps_per_epoch=200,
    validation_steps=20,
    carry_state=None,
    seed=0,
    model_name="text_generator",
) -> SearchData:
    """A text corpus for a language model's search (`model_name`), read as `zoo train` reads it.

    `seq_len` and `batch_size` default to the model's recipe. With
    `carry_state` (the default for recurrent models, as in `zoo train`;
    a `transformer_lm` has no state to carry) the text is read as
    continuous streams and `fixed` carries the stream counts, so
    `zoo.tune.hypermodel` trains every trial through a
    `StateCarrier`; otherwise as shuffled windows.
    """
    from zoo.data.text import load_corpus
    from zoo.data.vocab import TextCodec
    from zoo.training.text import default_carry_state, text_recipe, text_training_data, text_vocabulary

    recipe = text_recipe(model_name)
    carry_state = default_carry_state(model_name) if carry_state is None else carry_state
    seq_len = recipe.seq_len if seq_len is None else seq_len
    batch_size = recipe.batch_size if batch_size is None else batch_size
    if not hasattr(corpus, "train"):
        corpus = load_corpus(corpus, max_chars=max_chars)
    vocabulary = text_vocabulary(corpus, tokens, max_tokens)
    codec = TextCodec(vocabulary)
    data = text_training_data(
        codec.encode(corpus.train),
        codec.encode(corpus.validation),
        seq_len,
        batch_size,
        carry_state=carry_state,
        seed=seed,
    )
    fixed = {"vocabulary": vocabulary}
    if carry_state:
        fixed["carry_state"] = {"batch_size": batch_size, "eval_batch_size": data.eval_batch_size}
    how = f"{batch_size} streams carrying state" if carry_state else "shuffled windows"
    return SearchData(
        fixed=fixed,
        fit_kwargs={
            "x": data.train_from(0),
            "validation_data": data.validation.take(validation_steps),
            "steps_per_epoch": steps_per_epoch,
        },
        description=f"{corpus.name}: {len(corpus.train):,} training characters, {len(vocabulary)} tokens, "
        f"{how}, windows of {seq_len}",
    )


def image_search_data(
    data="digits", *, batch_size=64, augment=True, upscale=1, train_examples=None, seed=0
) -> SearchData:
    """An image data set for an image-classification search, split as `zoo train` splits it
    (`train_examples`: keep only that many training images, as `zoo train --train-examples`)."""
    from zoo.data.images import load_image_data
    from zoo.training.images import image_datasets

    if isinstance(data, str):
        data = load_image_data(data, **({"upscale_factor": upscale} if upscale != 1 else {}))
    train, val, n_train = image_datasets(data, batch_size, augment, seed, train_examples=train_examples)
    return SearchData(
        fixed={"input_shape": data.input_shape, "num_classes": data.num_classes},
        fit_kwargs={"x": train.repeat(), "validation_data": val, "steps_per_epoch": -(-n_train // batch_size)},
        description=f"{data.name}: {n_train} training images of {data.input_shape}, {data.num_classes} classes",
    )


def task_search_data(
    model_name, *, batch_size=None, train_examples=None, seed=0, model_args=None, data=None, data_options=None
) -> SearchData:
    """A sequence task's data (`zoo.training.tasks`) for a search, made and batched as `zoo train` does: the
    task's own, or your file `data` (with `data_options`, its column names)."""
    from zoo.training.tasks import ValidationScore, make_task_data, task_datasets

    data = make_task_data(model_name, seed, model_args, train_examples, data=data, data_options=data_options)
    batch_size = batch_size or model_info(model_name).recipe.batch_size
    train, validation, steps = task_datasets(data, batch_size, seed)
    return SearchData(
        fixed=dict(data.model_args),
        fit_kwargs={"x": train, "validation_data": validation, "steps_per_epoch": steps},
        description=data.description,
        callbacks=(ValidationScore(data),),
    )


def scene_search_data(
    model_name, *, scenes=4000, image_size=64, validation_scenes=200, batch_size=None, seed=0, model_args=None
) -> SearchData:
    """Seeded scenes for a segmentation or detection search, made and encoded as `zoo train` makes them."""
    import tensorflow as tf

    from zoo.training.fit import shuffled_batches
    from zoo.training.scenes import ValidationMAP, scene_splits

    info = model_info(model_name)
    splits = scene_splits(scenes, image_size=image_size, validation=validation_scenes, test=1, seed=seed)
    train, val = splits.train, splits.validation
    if info.task == "semantic-segmentation":
        num_classes = train.num_classes + 1  # and the background
        targets = train.masks, val.masks
    else:
        from zoo.models.detection import encode_targets

        num_classes = train.num_classes
        stride = {**info.default_args, **info.recipe.model_defaults, **(model_args or {})}["stride"]
        grid = tuple(-(-d // stride) for d in train.image_shape[:2])
        targets = (encode_targets(s.boxes, s.labels, grid, stride) for s in (train, val))
    y_train, y_val = targets
    data, steps = shuffled_batches(train.images, y_train, batch_size or info.recipe.batch_size, seed)
    return SearchData(
        fixed={"num_classes": num_classes},
        fit_kwargs={
            "x": data,
            "validation_data": tf.data.Dataset.from_tensor_slices((val.images, y_val)).batch(64),
            "steps_per_epoch": steps,
        },
        description=f"{len(y_train)} seeded {image_size}x{image_size} scenes, {validation_scenes} held out",
        callbacks=() if info.task == "semantic-segmentation" else (ValidationMAP(val),),
    )


# -- running ------------------------------------------------------------------
#: What `search` records of a `ZooHyperModel` beside the caller's settings, so that `best_settings` can read a
#: search made from Python as it reads one `zoo tune` made: `{key: attribute}`.
RECORDED_FROM_HYPERMODEL = {"model": "model_name", "fixed": "fixed", "learning_rate": "learning_rate"}


def _check_same_search(directory: pathlib.Path, settings: dict) -> None:
    path = directory / "search.json"
    if path.exists():
        saved = read_json(path, hint="it describes the search in this folder: give a new --dir to start another")
        recorded = dict(saved)
        recorded.setdefault("objective", objectives_text(read_objectives(None)))  # a search made before objectives
        recorded.setdefault("stopping", None)  # and before the stopping rule
        for key in (*RECORDED_FROM_HYPERMODEL, "data_flags"):  # and a search made before they were recorded
            if key in settings and key not in recorded:
                recorded[key] = settings[key]
        if recorded != settings:
            changed = sorted(k for k in set(recorded) | set(settings) if recorded.get(k) != settings.get(k))
            raise InputError(
                f"{directory} holds a different search (changed: {', '.join(changed)}). "
                "Use another directory, or delete that one to start over."
            )
        if recorded != saved:
            write_json_atomically(path, recorded)  # the same search, now described in full
    else:
        directory.mkdir(parents=True, exist_ok=True)
        write_json_atomically(path, settings)


def _hypermodel_settings(hypermodel) -> dict:
    """The model, fixed builder arguments (less a text's vocabulary, which its corpus gives) and learning rate of
    a `ZooHyperModel`; nothing for another hypermodel."""
    if not all(hasattr(hypermodel, attribute) for attribute in RECORDED_FROM_HYPERMODEL.values()):
        return {}
    found = {key: getattr(hypermodel, attribute) for key, attribute in RECORDED_FROM_HYPERMODEL.items()}
    found["fixed"] = {k: v for k, v in found["fixed"].items() if k != "vocabulary"}
    return found


def search(
    hypermodel: keras_tuner.HyperModel,
    data: SearchData,
    directory: str | os.PathLike,
    *,
    tuner: str = "grid",
    epochs: int = 1,
    max_trials: int | None = None,
    factor=3,
    seed=0,
    tensorboard: bool = True,
    callbacks: Sequence[keras.callbacks.Callback] = (),
    verbose=1,
    settings: dict | None = None,
    objectives: Sequence[Objective] = (),
    stopping: MedianStopping | None = None,
) -> keras_tuner.Tuner:
    """Run (or resume) a search and return its finished tuner.

    Args:
        hypermodel: a `zoo.tune.ZooHyperModel` (or any keras-tuner hypermodel).
        data: `SearchData` (`text_search_data`, `image_search_data`).
        directory: where the search lives; the same directory resumes it.
        tuner: one of `TUNERS`.
        epochs: epochs per trial (Hyperband: the most epochs of any trial).
        max_trials: cap on the number of trials.
        tensorboard: write TensorBoard logs with HParams to `directory/tensorboard`, one folder per trial
            (on every backend: Keras writes them through TensorFlow, which zoo installs).
        callbacks: more Keras callbacks for every trial (deep-copied per trial).
        settings: a JSON-able description of the search; a restart whose
            settings differ is refused. The tuner, epochs, space, objectives and stopping rule are added, and
            for a `ZooHyperModel` its model, fixed builder arguments and learning rate (`best_settings` reads them).
        objectives: what the trials are ranked by (`zoo.tune.objectives`; default: validation loss),
            recorded in `search.json`.
        stopping: stop weak trials early by the median rule (`zoo.tune.stopping`; not with Hyperband,
            which stops trials its own way), recorded in `search.json`.
    """
    if stopping is not None and tuner == "hyperband":
        raise InputError("Hyperband stops weak trials its own way; the median stopping rule goes with grid, random "
                         "or bayesian.")  # fmt: skip
    directory = pathlib.Path(directory)
    settings = dict(settings or {})
    settings.setdefault("tuner", tuner)
    settings.setdefault("epochs", epochs)
    settings.setdefault("space", getattr(hypermodel, "space", {}))
    for key, value in _hypermodel_settings(hypermodel).items():
        settings.setdefault(key, value)
    objectives = tuple(objectives) or read_objectives(None)
    settings["objective"] = objectives_text(objectives)
    settings["stopping"] = None if stopping is None else str(stopping)
    _check_same_search(directory, _jsonable(settings))
    steer = keras_tuner.Objective(objectives[0].name, objectives[0].direction)  # the others: the report's front
    t = make_tuner(
        tuner, hypermodel, directory, objective=steer, max_trials=max_trials, max_epochs=epochs, factor=factor,
        seed=seed,
    )  # fmt: skip
    t.stopping = stopping
    callbacks = [*data.callbacks, *callbacks]  # the task's scores first: keras-tuner's callbacks read them
    if tensorboard:
        callbacks.append(
            keras.callbacks.TensorBoard(str(directory / "tensorboard"), write_graph=False, profile_batch=0)
        )
    fit_kwargs = dict(data.fit_kwargs)
    if tuner != "hyperband":
        fit_kwargs["epochs"] = epochs
    t.search(callbacks=callbacks, verbose=verbose, **fit_kwargs)
    return t


def _jsonable(value):
    return json.loads(json.dumps(value, default=list))


# -- results ------------------------------------------------------------------
def write_results(rows, directory) -> dict:
    """Write `results.csv` and `results.json` in `directory`; returns their paths."""
    import csv
    import io

    directory = pathlib.Path(directory)
    columns = []
    for r in rows:
        columns += [k for k in r if k not in columns]
    text = io.StringIO(newline="")
    writer = csv.DictWriter(text, columns)
    writer.writeheader()
    writer.writerows(rows)
    write_atomically(directory / "results.csv", lambda f: f.write(text.getvalue().encode("utf-8")))
    write_json_atomically(directory / "results.json", rows)
    return {"csv": directory / "results.csv", "json": directory / "results.json"}


def format_table(rows, columns) -> str:
    """A plain-text table of `rows`."""

    def cell(v):
        if isinstance(v, float):
            if 0 < abs(v) < 0.001:  # a learning rate of 1e-7 is not 0.0000
                return f"{v:.1e}"
            return f"{v:,.0f}" if v >= 1000 or v.is_integer() else f"{v:.4f}"
        return "" if v is None else str(v)

    head = ["trial", *columns]
    body = [[r["trial_id"], *(cell(r.get(c)) for c in columns)] for r in rows]
    widths = [max(len(str(x)) for x in col) for col in zip(head, *body, strict=True)]
    lines = ["  ".join(f"{h:>{w}}" for h, w in zip(head, widths, strict=True))]
    lines += ["  ".join(f"{x:>{w}}" for x, w in zip(line, widths, strict=True)) for line in body]
    return "\n".join(lines)


def total_epochs(rows) -> int:
    """Epochs actually trained over all trials (Hyperband continues trials, so it counts only new ones)."""
    return int(sum(r.get("epochs_run", 0) for r in rows if r["status"] == "COMPLETED"))


def plot_scores(rows, path, objective: str | Objective = "val_loss") -> None:
    """Each completed trial's score in start order, with the best so far (`objective`: an `Objective`, or a
    metric's name, minimised)."""
    from matplotlib.figure import Figure  # no pyplot: leaves the caller's backend (a notebook's inline) alone

    goal = as_objective(objective)
    done = sorted((r for r in rows if goal.name in r), key=lambda r: r["trial_id"])
    scores = [r[goal.name] for r in done]
    best = [min(scores[: i + 1], key=goal.key) for i in range(len(scores))]
    fig = Figure(figsize=(6, 3.5))
    ax = fig.subplots()
    ax.plot(range(1, len(scores) + 1), scores, "o", label="trial")
    ax.plot(range(1, len(scores) + 1), best, "-", label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel(goal.name)
    ax.legend()
    fig.tight_layout()
    save_figure(fig, path)


def distributed_role() -> str | None:
    """`"chief"`, a worker's tuner id, or `None` when not in keras-tuner's distributed mode."""
    if "KERASTUNER_ORACLE_IP" not in os.environ:
        return None
    return os.environ.get("KERASTUNER_TUNER_ID")
