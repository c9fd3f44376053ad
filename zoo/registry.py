"""The model registry: names, metadata and builders.

This module must stay importable without Keras or TensorFlow. Built-in models
are declared statically in :mod:`zoo._catalog` and their modules are imported
only when a model is built; models a user registers with :func:`register_model`
carry their builder directly.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import importlib
import inspect
from collections.abc import Callable, Mapping
from typing import Any

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

# Constructor arguments every Keras model accepts through ``**kwargs``.
_KERAS_MODEL_KWARGS = ("name", "trainable", "dtype")


@dataclasses.dataclass(frozen=True)
class InputSpec:
    """What a model expects as input: per-example shape and dtype.

    ``shape`` excludes the batch axis; ``None`` marks an axis of free length
    (for example the time axis of a sequence model).
    """

    shape: tuple
    dtype: str = "float32"
    high: int | None = None  # exclusive upper bound for integer token inputs

    def describe(self) -> str:
        dims = ", ".join("None" if d is None else str(d) for d in self.shape)
        return f"(batch, {dims}) {self.dtype}" if dims else f"(batch,) {self.dtype}"


def describe_input(spec) -> str:
    """An :class:`InputSpec`, or a tuple of them for a model with several inputs, as text."""
    if isinstance(spec, (tuple, list)):
        return " + ".join(s.describe() for s in spec)
    return spec.describe()


@dataclasses.dataclass(frozen=True)
class ContractConfig:
    """A small configuration the contract tests build and run.

    ``overrides`` are passed to the builder on top of its defaults, ``input``
    (an :class:`InputSpec`, or a tuple of them for several inputs) is the
    concrete example shape fed to the model and ``output`` the shape
    the model must return for it (both without the batch axis).
    """

    overrides: Mapping[str, Any]
    input: InputSpec
    output: tuple


@dataclasses.dataclass(frozen=True)
class TrainingRecipe:
    """How ``zoo train`` and ``zoo tune`` train a model: the one place for its training defaults.

    ``data`` is the kind of data the model trains on (``"text"``,
    ``"images"`` or ``"scenes"``; it picks the command-line data flags), ``trainer`` and
    ``search_data`` are the ``"module:function"`` that train it and that make
    a tuning data set, ``batch_size``, ``learning_rate`` and ``seq_len`` (text
    windows) the defaults, and ``model_defaults`` the builder arguments used
    for training unless given (they may differ from the builder's own
    defaults, which suit other hardware).
    """

    data: str
    trainer: str
    batch_size: int
    learning_rate: float
    search_data: str | None = None  # None: zoo tune does not search this model
    seq_len: int | None = None
    model_defaults: Mapping[str, Any] = dataclasses.field(default_factory=dict)

    def as_dict(self) -> dict:
        """A JSON-friendly view of the recipe."""
        return {**dataclasses.asdict(self), "model_defaults": dict(self.model_defaults)}

    def load(self, which: str):
        """The function named by ``trainer`` or ``search_data`` (imports it)."""
        module_name, _, attr = getattr(self, which).partition(":")
        return getattr(importlib.import_module(module_name), attr)


@dataclasses.dataclass(frozen=True)
class ModelInfo:
    """Everything the registry knows about one model, without building it."""

    name: str
    task: str
    family: str
    paper: str | None
    description: str
    default_args: Mapping[str, Any]
    input: InputSpec | None
    contract: ContractConfig | None = None
    tunable: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    target: str | None = None  # "module:attribute" of a built-in builder
    recipe: TrainingRecipe | None = None  # how zoo train / zoo tune train it (None: they do not)

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
            "tunable": dict(self.tunable),
            "recipe": self.recipe.as_dict() if self.recipe else None,
        }


class _Registry:
    def __init__(self) -> None:
        self._infos: dict[str, ModelInfo] = {}
        self._builders: dict[str, Callable[..., Any]] = {}

    # -- registration -----------------------------------------------------
    def add(self, info: ModelInfo, builder: Callable[..., Any] | None = None) -> None:
        if info.name in self._infos:
            raise ValueError(
                f"A model named {info.name!r} is already registered "
                f"(family {self._infos[info.name].family!r}). Choose another name."
            )
        if info.task not in TASKS:
            raise ValueError(f"Unknown task {info.task!r} for model {info.name!r}. Accepted tasks: {', '.join(TASKS)}.")
        if builder is None and info.target is None:
            raise ValueError(f"Model {info.name!r} needs a builder or a target.")
        self._infos[info.name] = info
        if builder is not None:
            self._builders[info.name] = builder

    def remove(self, name: str) -> None:
        self.info(name)
        del self._infos[name]
        self._builders.pop(name, None)

    # -- lookup -----------------------------------------------------------
    def info(self, name: str) -> ModelInfo:
        if not isinstance(name, str):
            raise TypeError(f"Model name must be a string, got {type(name).__name__}: {name!r}.")
        try:
            return self._infos[name]
        except KeyError:
            raise KeyError(unknown_model_message(name, self._infos)) from None

    def builder(self, name: str) -> Callable[..., Any]:
        info = self.info(name)
        if name not in self._builders:
            module_name, _, attr = info.target.partition(":")
            self._builders[name] = getattr(importlib.import_module(module_name), attr)
        return self._builders[name]

    def names(self) -> list[str]:
        return sorted(self._infos)


def unknown_model_message(name: str, known) -> str:
    """The error text for an unknown model name, with close matches."""
    known = sorted(known)
    # A name the user started typing is the likeliest intent; otherwise the closest spellings.
    close = [k for k in known if k.startswith(name)][:3] or difflib.get_close_matches(name, known, n=3, cutoff=0.6)
    if close:
        return f"Unknown model {name!r}. Did you mean: {', '.join(close)}?"
    return f"Unknown model {name!r}. Run `zoo list` to see the {len(known)} registered models."


class BadArgumentError(TypeError):
    """Raised by ``create_model`` for an argument the builder does not take."""


class UnknownModelError(KeyError):
    """Raised for a model name that is not registered."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


_REGISTRY = _Registry()
_CATALOG_LOADED = False


def default_registry() -> _Registry:
    """The process's registry: the built-in catalogue (declared on first use) and what users registered."""
    global _CATALOG_LOADED
    if not _CATALOG_LOADED:
        _CATALOG_LOADED = True
        from zoo._catalog import BUILTIN_MODELS

        for info in BUILTIN_MODELS:
            _REGISTRY.add(info)
    return _REGISTRY


def signature_defaults(builder: Callable[..., Any]) -> dict:
    """Each argument of a builder function (or a class's ``__init__``) and its default (None when it has none)."""
    target = builder.__init__ if inspect.isclass(builder) else builder
    out = {}
    for p in inspect.signature(target).parameters.values():
        if p.name == "self" or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        out[p.name] = None if p.default is p.empty else p.default
    return out


def register_model(
    name: str | Callable[..., Any] | None = None,
    *,
    task: str,
    family: str,
    paper: str | None = None,
    description: str | None = None,
    input: InputSpec | None = None,
    contract: ContractConfig | None = None,
    tunable: Mapping[str, Any] | None = None,
    recipe: TrainingRecipe | None = None,
):
    """Register a model builder (a function or a ``keras.Model`` subclass).

    Use it as a decorator::

        @zoo.register_model(task="image-classification", family="mlp")
        def tiny_mlp(num_classes=10):
            ...

    ``name`` defaults to the function's name (the class name in snake case is
    not guessed: classes use their ``__name__`` unless a name is given).
    ``description`` defaults to the first line of the docstring. Give
    ``contract`` to have the contract tests cover the model, and ``recipe``
    (a :class:`TrainingRecipe`) to train and tune it with ``zoo train`` and
    ``zoo tune``. Registering a
    name twice raises ``ValueError``.
    """

    def decorate(builder):
        model_name = name if isinstance(name, str) else builder.__name__
        doc = inspect.getdoc(builder) or ""
        info = ModelInfo(
            name=model_name,
            task=task,
            family=family,
            paper=paper,
            description=description or (doc.splitlines()[0] if doc else ""),
            default_args=signature_defaults(builder),
            input=input or (contract.input if contract else None),
            contract=contract,
            tunable=dict(tunable or {}),
            recipe=recipe,
        )
        default_registry().add(info, builder)
        return builder

    return decorate


def unregister_model(name: str) -> None:
    """Remove a model from the registry (mainly for tests and notebooks)."""
    default_registry().remove(name)


def list_models(pattern: str = "*", task: str | None = None) -> list[str]:
    """Sorted names of registered models matching an fnmatch ``pattern``.

    ``task`` keeps only models of that task, one of :data:`TASKS`.
    """
    if task is not None and task not in TASKS:
        raise ValueError(f"Unknown task {task!r}. Accepted tasks: {', '.join(TASKS)}.")
    reg = default_registry()
    return [n for n in reg.names() if fnmatch.fnmatchcase(n, pattern) and (task is None or reg.info(n).task == task)]


def model_info(name: str) -> ModelInfo:
    """The registry entry of ``name``; raises ``KeyError`` with close matches."""
    try:
        return default_registry().info(name)
    except KeyError as err:
        raise UnknownModelError(err.args[0]) from None


def accepted_arguments(name: str) -> list[str]:
    """The keyword arguments ``create_model(name, ...)`` accepts."""
    model_info(name)
    builder = default_registry().builder(name)
    target = builder.__init__ if inspect.isclass(builder) else builder
    params = inspect.signature(target).parameters.values()
    accepted = [p.name for p in params if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    if inspect.isclass(builder) and any(p.kind == p.VAR_KEYWORD for p in params):
        accepted += [k for k in _KERAS_MODEL_KWARGS if k not in accepted]
    return accepted


def create_model(name: str, **overrides):
    """Build the registered model ``name`` with its defaults and ``overrides``.

    An unknown name raises ``KeyError`` listing close matches; an override the
    builder does not take raises ``TypeError`` naming it and the accepted ones.
    """
    model_info(name)
    accepted = accepted_arguments(name)
    unknown = [k for k in overrides if k not in accepted]
    if unknown:
        raise BadArgumentError(
            f"{name} got unexpected argument{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(k) for k in unknown)}. Accepted: {', '.join(accepted)}."
        )
    return default_registry().builder(name)(**overrides)
