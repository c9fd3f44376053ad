"""Kinds of data: what `zoo train` and `zoo tune` do for each kind of data a recipe names.

A model's training recipe (`TrainingRecipe`) names
its kind in `data`: `"text"`, `"images"`, `"scenes"`, or a sequence
task's own data (`"reviews"`, `"dates"`, `"clips"`, `"captions"`,
`"series"`, `"hello"`). A kind (`DataKind`, one module each) owns

- its command-line flags with their defaults and help (`Flag`, one
  table from which the parser and its help text are made);
- the builder arguments its flags give, and its checks before TensorFlow;
- its trainer, called by `zoo train`, and the lines it prints;
- its search data for `zoo tune`;
- its held-out scorer, which scores the presets trained on it.

So `zoo train` and `zoo tune` ask the kind, and adding a kind of data is
one module and `register_kind` (`tests/test_kinds.py` adds a toy
one). This package imports no Keras: a kind imports its trainer when it trains.
"""

from __future__ import annotations

import dataclasses
import importlib
import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from zoo.errors import InputError

if TYPE_CHECKING:
    from zoo.training.runs import TrainingResult

#: The modules of the built-in kinds, each defining `KINDS` (a tuple of `DataKind`).
BUILTIN_MODULES = ("zoo.kinds.text", "zoo.kinds.images", "zoo.kinds.scenes", "zoo.kinds.tasks")


@dataclasses.dataclass(frozen=True)
class Flag:
    """A command-line flag of one kind of data.

    Args:
        dest: the argument's name (`max_chars` is `--max-chars`).
        default: its value when not given.
        help: what it does; `(default: X)` is added for a default that is not `None`.
        type: the argparse type (a checker of `zoo.validation`).
        choices: the accepted values.
        switch: an on/off flag (`store_true`).
        commands: the commands that take it.
        reads_data: it says which data is read, or how (`--corpus`, `--image-size`): a search records it, and
            the command that trains its best trial repeats it (`DataKind.data_flags`).
    """

    dest: str
    default: Any = None
    help: str = ""
    type: Callable | None = None
    choices: tuple | None = None
    switch: bool = False
    commands: tuple = ("train", "tune")
    reads_data: bool = False

    @property
    def option(self) -> str:
        """The flag as typed: `--max-chars`."""
        return "--" + self.dest.replace("_", "-")


class DataKind:
    """One kind of data; subclasses fill in what differs. See the module docstring.

    Attributes:
        name: the recipe's `data` value.
        flags: the kind's `Flag` table.
        searchable: whether `zoo tune` can search its models.
    """

    name: str = ""
    flags: tuple = ()
    searchable: bool = True

    def defaults(self) -> dict:
        """`{dest: default}` of the kind's flags."""
        return {f.dest: f.default for f in self.flags}

    def model_args(self, args, overrides: dict) -> dict:
        """The builder arguments the flags give, with `--set`'s `overrides` (parsed) on top."""
        return dict(overrides)

    def check(self, args, recipe) -> None:
        """Refuse, before TensorFlow starts, a flag value that names no usable data (default: nothing to check)."""

    def train(self, args, recipe) -> TrainingResult:
        """Train `args.model` as `zoo train` does, printing what it does and what it scored.

        Returns:
            The trainer's `zoo.training.TrainingResult`.
        """
        raise NotImplementedError

    def epoch_metrics(self, model_name: str, model_args: dict, data: str | None = None) -> dict:
        """`{name: "min" | "max"}`: what a `zoo tune` trial of `model_name` (built with `model_args`, on `--data`
        `data` where given) logs on its validation data every epoch beyond the loss, the task's headline first
        (`zoo.tune.objectives`). Default: nothing more."""
        return {}

    def search_data(self, args, recipe, fixed: dict):
        """The `zoo.tune.searching.SearchData` `zoo tune` searches on (`fixed`: builder arguments)."""
        raise NotImplementedError

    def held_out_scorer(self, model_name: str, train_args: tuple):
        """How a preset of this kind is scored: `scorer(model) -> float` on held-out data of the kind that
        no training run reads (`zoo.training.held_out`), for the model `zoo train model_name *train_args`
        makes.

        Raises:
            NotImplementedError: the kind has no held-out score (it makes no presets).
        """
        raise NotImplementedError(f"the kind of data {self.name!r} has no held-out scorer")

    def prepare_evaluation(self, args, source):
        """Check `zoo evaluate --data` for the model `source` holds (a `zoo.inference.Source`) before
        TensorFlow starts; returns what `evaluate` scores. Default: refused, the kind cannot be scored yet."""
        raise InputError(f"zoo evaluate scores image classifiers and models trained on your texts, pairs or series "
                         f"so far; {source.model} is a model of {self.name} data.")  # fmt: skip

    def evaluate(self, args, source, prepared) -> dict:
        """Score `source`'s model on `prepared` (`prepare_evaluation`'s), print the scores, write them to `args.out`;
        returns them."""
        raise NotImplementedError

    def prepare_prediction(self, args, source):
        """Check `zoo predict`'s inputs for `source`'s model before TensorFlow starts; returns what `predict`
        labels. Default: refused, the kind cannot be labelled yet."""
        raise InputError(f"zoo predict labels images and texts and translates so far; {source.model} is a model of "
                         f"{self.name} data.")  # fmt: skip

    def predict(self, args, source, prepared) -> list:
        """Label `prepared` with `source`'s model, print the labels, write them to `args.out` if given; returns
        one record per input."""
        raise NotImplementedError

    def data_flags(self, args) -> list:
        """The flags given (not left at their defaults) that say which data `args` reads and how, as typed:
        `["--data", "photos/", "--image-size", "64"]`."""
        given = []
        for flag in self.flags:
            value = getattr(args, flag.dest, None)
            if flag.reads_data and "train" in flag.commands and value is not None and value != flag.default:
                given += [flag.option] if flag.switch else [flag.option, str(value)]
        return given

    def data_label(self, args, recipe) -> str:
        """What `search.json` records as the searched data."""
        return getattr(args, "data", None) or recipe.data


def run_options(args):
    """The `zoo.training.RunOptions` `zoo train` gives every trainer: budget, folder, seed, verbosity,
    TensorBoard logs and dtype policy."""
    from zoo.training.runs import RunOptions

    return RunOptions(
        epochs=args.epochs, minutes=args.minutes, out_dir=args.out, seed=args.seed, verbose=args.verbose,
        overwrite=args.overwrite, extend=args.extend, tensorboard=args.tensorboard, dtype_policy=args.dtype_policy,
    )  # fmt: skip


def flag_value(kind: DataKind, train_args: tuple, name: str):
    """The value a `zoo train` command line `train_args` gives flag `name` of `kind`, else its default."""
    flag = next(f for f in kind.flags if f.dest == name)
    args = list(train_args)
    return args[args.index(flag.option) + 1] if flag.option in args[:-1] else flag.default


def or_recipe(args, recipe, name: str):
    """Flag `name`'s value, or the recipe's default of that name when the flag was not given (0 is a value)."""
    value = getattr(args, name)
    return getattr(recipe, name) if value is None else value


def known_settings(args, recipe) -> dict:
    """The settings every trainer records that `zoo train` knows before reading data or importing Keras:
    what `zoo.run_folder.check_known_settings` compares with a run being resumed or continued."""
    from zoo.run_folder import settings_of

    return {
        "model": args.model,
        "epochs": args.epochs,
        "minutes": args.minutes,
        "seed": args.seed,
        "batch_size": or_recipe(args, recipe, "batch_size"),
        "learning_rate": or_recipe(args, recipe, "learning_rate"),
        "model_args": settings_of(args.model_args),
    }


def budget_text(args) -> str:
    """`"resuming 3 epochs or 2 minutes"`: the run's budget as `zoo train` announces it."""
    parts = ([f"{args.epochs} epochs"] if args.epochs else []) + ([f"{args.minutes:g} minutes"] if args.minutes else [])
    how = {"resume": "resuming ", "continue": "continuing "}.get(getattr(args, "folder_mode", None), "")
    return how + " or ".join(parts)


def saved_line(out_dir, *names) -> str:
    """`saved: DIR/model.keras and DIR/curve.png` (and more names, comma-separated)."""
    paths = [os.path.join(out_dir, n) for n in ("model.keras", "curve.png", *names)]
    return "saved: " + (" and ".join(paths) if len(paths) == 2 else ", ".join(paths))


_KINDS: dict[str, DataKind] = {}


def _load() -> dict[str, DataKind]:
    if not _KINDS:
        for module in BUILTIN_MODULES:
            for kind in importlib.import_module(module).KINDS:
                _KINDS.setdefault(kind.name, kind)
    return _KINDS


def register_kind(kind: DataKind) -> None:
    """Add a kind of data (a recipe whose `data` is `kind.name` then trains and searches through it).

    Raises:
        ValueError: a kind of that name exists.
    """
    if kind.name in _load():
        raise InputError(f"a kind of data named {kind.name!r} exists; accepted names are new ones.")
    _KINDS[kind.name] = kind


def unregister_kind(name: str) -> None:
    """Remove the kind `name` (a kind a test or a user added)."""
    _load().pop(name, None)


def data_kind(name: str) -> DataKind:
    """The kind of data `name` (a recipe's `data`).

    Raises:
        KeyError: no kind has that name; the message lists them.
    """
    kinds = _load()
    if name not in kinds:
        raise KeyError(f"no kind of data {name!r}; kinds: {', '.join(kinds)}")
    return kinds[name]


def all_kinds() -> list[DataKind]:
    """Every kind of data, built-in ones first."""
    return list(_load().values())
