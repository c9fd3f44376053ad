"""What the registry records of a model: its entry, input, contract configuration and training recipe.

Plain frozen dataclasses, free of Keras, so that a family's `metadata.py`
can declare its models and `zoo list` can read them without building anything.
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Mapping
from typing import Any

from zoo.errors import InputError

TASKS = (
    "image-classification",
    "language-modeling",
    "semantic-segmentation",
    "object-detection",
    "text-classification",
    "translation",
    "video-classification",
    "image-captioning",
    "forecasting",
)


@dataclasses.dataclass(frozen=True)
class InputSpec:
    """What a model expects as input: per-example shape and dtype.

    `shape` excludes the batch axis; `None` marks an axis of free length
    (for example the time axis of a sequence model).
    """

    shape: tuple
    dtype: str = "float32"
    high: int | None = None  # exclusive upper bound for integer token inputs

    def accepts(self, shape) -> bool:
        """Whether a per-example `shape` fits: the same rank, and the same size on every fixed axis."""
        if len(shape) != len(self.shape):
            return False
        return all(d is None or d == g for g, d in zip(shape, self.shape, strict=True))

    def describe(self) -> str:
        dims = ", ".join("None" if d is None else str(d) for d in self.shape)
        return f"(batch, {dims}) {self.dtype}" if dims else f"(batch,) {self.dtype}"


def check_input_shapes(specs, shapes) -> list:
    """`shapes` (one per input; one tuple for a single input) as a list, if each fits its `InputSpec`.

    Raises `ValueError` naming the accepted shapes otherwise.
    """
    specs = list(specs) if isinstance(specs, (tuple, list)) else [specs]
    given = [tuple(shapes)] if shapes and not isinstance(shapes[0], (tuple, list)) else [tuple(s) for s in shapes]
    if len(given) != len(specs) or not all(spec.accepts(s) for spec, s in zip(specs, given, strict=True)):
        expected = " and ".join("(" + ", ".join("free" if d is None else str(d) for d in s.shape) + ")" for s in specs)
        raise InputError(f"input_shape must match the model's inputs {expected}, got {shapes!r}.")
    return given


def describe_input(spec) -> str:
    """An `InputSpec`, or a tuple of them for a model with several inputs, as text."""
    if isinstance(spec, (tuple, list)):
        return " + ".join(s.describe() for s in spec)
    return spec.describe()


def load_target(target: str):
    """What a `"module:attribute"` string names (a builder, a trainer, a check, a scorer): imports the module."""
    module_name, _, attribute = target.partition(":")
    return getattr(importlib.import_module(module_name), attribute)


@dataclasses.dataclass(frozen=True)
class ContractConfig:
    """A small configuration the contract tests build and run.

    `overrides` are passed to the builder on top of its defaults, `input`
    (an `InputSpec`, or a tuple of them for several inputs) is the
    concrete example shape fed to the model and `output` the shape
    the model must return for it (both without the batch axis).
    """

    overrides: Mapping[str, Any]
    input: InputSpec
    output: tuple


@dataclasses.dataclass(frozen=True)
class TrainingRecipe:
    """How `zoo train` and `zoo tune` train a model: the one place for its training defaults.

    `data` is the kind of data the model trains on (`"text"`,
    `"images"`, `"scenes"`, or a task's own data: `"reviews"`, `"dates"`,
    `"clips"`, `"captions"`, `"series"`, `"hello"`): the
    `zoo.kinds.DataKind` of that name owns its command-line flags, its
    trainer and its search data. `make_data` names a sequence task's data
    maker in `zoo.training.tasks`, `batch_size`, `learning_rate` and
    `seq_len` (text windows) are the defaults, and `model_defaults` the
    builder arguments used for training unless given (they may differ from
    the builder's own defaults, which suit other hardware).
    """

    data: str
    batch_size: int
    learning_rate: float
    make_data: str | None = None  # a sequence task's data maker in zoo.training.tasks
    seq_len: int | None = None
    model_defaults: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    # The builder arguments the trainer takes from the data (an image classifier's input shape and classes):
    # the command line's --set and the trainer's own model arguments may not give them.
    data_arguments: tuple = ()

    def as_dict(self) -> dict:
        """A JSON-friendly view of the recipe."""
        return {**dataclasses.asdict(self), "model_defaults": dict(self.model_defaults)}

    def refuse_data_arguments(self, arguments: Mapping[str, object], given_to: str) -> None:
        """Raise `ValueError` in one line for the first of `arguments` the data gives (`data_arguments`).

        Args:
            arguments: builder arguments given (only their names are read).
            given_to: what they were given to (`"--set"`, `"train_segmenter"`), said first.
        """
        for name in self.data_arguments:
            if name in arguments:
                raise InputError(f"{given_to}: {name} comes from the {self.data} data; leave it out.")


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    """Everything the registry knows about one model, without building it."""

    name: str
    task: str
    family: str
    paper: str | None
    description: str
    default_args: Mapping[str, Any] | None = None  # None: read from the builder's source on registration
    input: InputSpec | None = None
    contract: ContractConfig | None = None
    tunable: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    target: str | None = None  # "module:attribute" of a built-in builder
    recipe: TrainingRecipe | None = None  # how zoo train / zoo tune train it (None: they do not)
    # Export formats (zoo.exporting.FORMATS) the model cannot be exported to, each with why:
    # measured by tests/test_exporting.py, which also checks that every other format runs.
    export_refusals: Mapping[str, str] = dataclasses.field(default_factory=dict)
    # Keras-free checks of the builder's argument values ("module:function"), which the builder itself runs
    # first: zoo.registry.check_model_arguments runs them without building, so the command line refuses a bad
    # value before it imports Keras. Each is called with the arguments it names (`model_name`: the model's).
    checks: tuple = ()

    def as_dict(self) -> dict:
        """A JSON-friendly view of the entry."""
        return {
            "name": self.name,
            "task": self.task,
            "family": self.family,
            "paper": self.paper,
            "description": self.description,
            "default_args": dict(self.default_args),
            "input": describe_input(self.input) if self.input else None,
            "builder": self.target,
            "tunable": dict(self.tunable),
            "recipe": self.recipe.as_dict() if self.recipe else None,
            "export_refusals": dict(self.export_refusals),
        }


@dataclasses.dataclass(frozen=True)
class Preset:
    """A pretrained model that ships with the package: how it is made and how it is scored.

    Declared in the `PRESETS` of a family's `metadata.py`; its files
    (keras-hub's layout: `config.json`, `model.weights.h5`,
    `metadata.json`) sit in that family's `presets/<name>/` folder.
    `train_args` are the `zoo train <model>` flags that make it (its kind
    of data scores it: `zoo.presets.preset_scorer`), `metric` what that number is, and
    `tolerance` how far a re-score may land from the card's figure (the
    held-out text of `stdlib` is Python's own source, which differs a
    little between Python versions).
    """

    name: str
    model: str
    description: str
    train_args: tuple
    metric: str
    tolerance: float
    higher_is_better: bool = False

    def command(self) -> str:
        """The `zoo train` command that makes the preset (its run folder aside)."""
        return " ".join(("zoo", "train", self.model, *self.train_args))
