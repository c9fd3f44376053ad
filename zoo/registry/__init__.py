"""The model registry: names, metadata and builders (timm's registry, in Keras-free form).

This package never imports Keras or TensorFlow. Each model family is a folder
of `zoo.models` holding its builders and a `metadata.py` that declares
their registry entries (`ModelInfo`: task, paper, contract
configuration, search space, training recipe) with the `"module:attribute"`
of each builder. The registry finds every `zoo/models/<family>/metadata.py`
on first use, reads each builder's defaults from its source
(`zoo.registry.signatures`), and imports a builder's module only to
build it. Models a user registers with `register_model` carry their
builder directly.

- `zoo.registry.entries`: the dataclasses of an entry;
- `zoo.registry.recipes`: the training recipes and search ranges families share;
- `zoo.registry.signatures`: builder defaults read with `ast`.
"""

from __future__ import annotations

import dataclasses
import difflib
import fnmatch
import importlib
import importlib.util
import inspect
import itertools
import pkgutil
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from zoo.errors import InputError, ZooError
from zoo.registry.entries import (
    TASKS,
    ContractConfig,
    InputSpec,
    ModelInfo,
    TrainingRecipe,
    describe_input,
    load_target,
)
from zoo.registry.signatures import read_defaults, signature_defaults, takes_model_kwargs

__all__ = [
    "TASKS",
    "BadArgumentError",
    "ContractConfig",
    "InputSpec",
    "ModelInfo",
    "TrainingRecipe",
    "UnknownModelError",
    "accepted_arguments",
    "builtin_metadata_modules",
    "check_argument_names",
    "check_model_arguments",
    "default_registry",
    "describe_input",
    "list_models",
    "model_info",
    "read_defaults",
    "register_model",
    "signature_defaults",
    "unregister_model",
]

# Constructor arguments every Keras model accepts through `**kwargs`.
_KERAS_MODEL_KWARGS = ("name", "trainable", "dtype")


class _Registry:
    def __init__(self) -> None:
        self._infos: dict[str, ModelInfo] = {}
        self._builders: dict[str, Callable[..., Any]] = {}

    # -- registration -----------------------------------------------------
    def add(self, info: ModelInfo, builder: Callable[..., Any] | None = None) -> None:
        if info.name in self._infos:
            raise InputError(
                f"A model named {info.name!r} is already registered "
                f"(family {self._infos[info.name].family!r}). Choose another name."
            )
        if info.task not in TASKS:
            raise InputError(f"Unknown task {info.task!r} for model {info.name!r}. Accepted tasks: {', '.join(TASKS)}.")
        if builder is None and info.target is None:
            raise InputError(f"Model {info.name!r} needs a builder or a target.")
        self._infos[info.name] = info
        if builder is not None:
            self._builders[info.name] = builder

    def remove(self, name: str) -> None:
        self.entry(name)
        del self._infos[name]
        self._builders.pop(name, None)

    # -- lookup -----------------------------------------------------------
    def entry(self, name: str) -> ModelInfo:
        """The entry as registered: a built-in's `default_args` are None until `info` reads them.

        Listing needs only names, tasks and families, so `zoo list` reads no builder's source.
        """
        if not isinstance(name, str):
            raise TypeError(f"Model name must be a string, got {type(name).__name__}: {name!r}.")
        try:
            return self._infos[name]
        except KeyError:
            raise KeyError(unknown_model_message(name, self._infos)) from None

    def info(self, name: str) -> ModelInfo:
        """The whole entry; a built-in's defaults are read from its builder's source on first lookup."""
        info = self.entry(name)
        if info.default_args is None:
            info = self._infos[name] = dataclasses.replace(info, default_args=read_defaults(info.target))
        return info

    def builder(self, name: str) -> Callable[..., Any]:
        info = self.info(name)
        if name not in self._builders:
            self._builders[name] = load_target(info.target)
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


class BadArgumentError(ZooError, TypeError):
    """Raised by `create_model` for an argument the builder does not take."""


class UnknownModelError(ZooError, KeyError):
    """Raised for a model name that is not registered."""

    def __str__(self) -> str:  # KeyError would quote the whole message
        return str(self.args[0])


_REGISTRY = _Registry()
_CATALOG_LOADED = False


def builtin_metadata_modules() -> list[str]:
    """The `zoo.models.<family>.metadata` modules, one per family folder that has one."""
    import zoo.models

    names = []
    for family in pkgutil.iter_modules(zoo.models.__path__):
        module = f"zoo.models.{family.name}.metadata"
        if family.ispkg and importlib.util.find_spec(module) is not None:
            names.append(module)
    return sorted(names)


def default_registry() -> _Registry:
    """The process's registry: every family's built-in models (declared on first use) and what users registered."""
    global _CATALOG_LOADED
    if not _CATALOG_LOADED:
        _CATALOG_LOADED = True
        for module in builtin_metadata_modules():
            for info in importlib.import_module(module).MODELS:
                _REGISTRY.add(info)
    return _REGISTRY


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
    export_refusals: Mapping[str, str] | None = None,
):
    """Register a model builder (a function or a `keras.Model` subclass).

    Use it as a decorator:

    ```python
    @zoo.register_model(task="image-classification", family="mlp")
    def tiny_mlp(num_classes=10):
        ...
    ```

    `name` defaults to the function's name (the class name in snake case is
    not guessed: classes use their `__name__` unless a name is given).
    `description` defaults to the first line of the docstring. Give
    `contract` to have the contract tests cover the model, and `recipe`
    (a `TrainingRecipe`) to train and tune it with `zoo train` and
    `zoo tune`, and `export_refusals` (`{format: why}`) for the export
    formats `zoo export` must refuse. Registering a name twice raises
    `ValueError`.
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
            export_refusals=dict(export_refusals or {}),
        )
        default_registry().add(info, builder)
        return builder

    return decorate


def unregister_model(name: str) -> None:
    """Remove a model from the registry (mainly for tests and notebooks)."""
    default_registry().remove(name)


def list_models(pattern: str = "*", task: str | None = None) -> list[str]:
    """Sorted names of registered models matching an fnmatch `pattern` (imports no Keras).

    Args:
        pattern: a shell-style pattern (`"resnet*"`).
        task: keep only models of this task, one of `TASKS`.

    Returns:
        The matching names, sorted.

    Raises:
        InputError: `task` is not one of `TASKS`.

    Example:
        >>> zoo.list_models("lenet*")
        ['lenet5']
    """
    if task is not None and task not in TASKS:
        raise InputError(f"Unknown task {task!r}. Accepted tasks: {', '.join(TASKS)}.")
    reg = default_registry()
    return [n for n in reg.names() if fnmatch.fnmatchcase(n, pattern) and (task is None or reg.entry(n).task == task)]


def model_info(name: str) -> ModelInfo:
    """The registry entry of `name` (imports no Keras).

    Args:
        name: a registered model.

    Returns:
        Its `ModelInfo`: task, family, paper, builder, inputs, recipe, search space.

    Raises:
        UnknownModelError: no model has that name; the message lists close matches (a `KeyError`).

    Example:
        >>> zoo.model_info("lenet5").task
        'image-classification'
    """
    try:
        return default_registry().info(name)
    except KeyError as err:
        raise UnknownModelError(err.args[0]) from None


def accepted_arguments(name: str) -> list[str]:
    """The keyword arguments `create_model(name, ...)` accepts, in the builder's order.

    A built-in model's are read from its builder's source (no Keras is imported): its arguments, and for a
    subclassed `keras.Model` taking `**kwargs` Keras's `name`, `trainable` and `dtype`.
    """
    info = model_info(name)
    if info.target is not None:
        accepted = list(info.default_args)
        if takes_model_kwargs(info.target):
            accepted += [k for k in _KERAS_MODEL_KWARGS if k not in accepted]
        return accepted
    builder = default_registry().builder(name)
    target = builder.__init__ if inspect.isclass(builder) else builder
    params = inspect.signature(target).parameters.values()
    accepted = [p.name for p in params if p.name != "self" and p.kind not in (p.VAR_KEYWORD, p.VAR_POSITIONAL)]
    if inspect.isclass(builder) and any(p.kind == p.VAR_KEYWORD for p in params):
        accepted += [k for k in _KERAS_MODEL_KWARGS if k not in accepted]
    return accepted


def check_argument_names(name: str, overrides: Mapping[str, object]) -> None:
    """Raise `BadArgumentError` for the keys of `overrides` that model `name`'s builder does not take.

    Args:
        name: a registered model.
        overrides: the arguments given (only their names are read).

    Raises:
        BadArgumentError: naming the unknown ones, close matches and the accepted names.
    """
    accepted = accepted_arguments(name)
    unknown = [k for k in overrides if k not in accepted]
    if unknown:
        close = {k: difflib.get_close_matches(k, accepted, n=1, cutoff=0.6) for k in unknown}
        hints = [f"{k!r} -> {m[0]!r}" for k, m in close.items() if m]
        raise BadArgumentError(
            f"{name} got unexpected argument{'s' if len(unknown) > 1 else ''} "
            f"{', '.join(repr(k) for k in unknown)}."
            + (f" Did you mean {', '.join(hints)}?" if hints else "")
            + f" Accepted: {', '.join(accepted)}."
        )


def check_model_arguments(
    name: str, arguments: Mapping[str, Any], *, choices: Mapping[str, Sequence] | None = None
) -> None:
    """Check `create_model(name, **arguments)`'s argument names and values without building the model.

    For a built-in model this imports no Keras: the accepted names are read from the builder's source, and
    the values go through the entry's `checks` (the Keras-free checks its builder runs first) together with
    the builder's defaults for the arguments not given. `choices` (`{argument: values}`, a search space)
    has every combination of its values checked: each check runs once per combination of the choices it
    takes. An unknown name raises `BadArgumentError` (a `TypeError`) as `create_model` does, a
    bad value the builder's own `ValueError`. A model a user registered has its names checked; its builder
    checks its values when it builds.
    """
    info = model_info(name)
    choices = dict(choices or {})
    check_argument_names(name, {**arguments, **choices})
    values = {**info.default_args, **arguments, "model_name": name}
    for check in info.checks:
        function = load_target(check)
        wanted = inspect.signature(function).parameters
        given = {k: v for k, v in values.items() if k in wanted}
        varied = [k for k in choices if k in wanted]
        for combination in itertools.product(*(choices[k] for k in varied)):
            function(**{**given, **dict(zip(varied, combination, strict=True))})
