"""What the `zoo` commands share: user errors, `--set` parsing, the per-kind flag tables and the
flags `zoo train` and `zoo tune` both take, and importing Keras quietly."""

from __future__ import annotations

import ast
import os
import sys

from zoo.errors import ZooError
from zoo.kinds import data_kind
from zoo.registry import (
    check_model_arguments,
    list_models,
    model_info,
)
from zoo.validation import (
    positive_float_arg,
    positive_int_arg,
    seed_arg,
)


class CommandError(ZooError):
    """A user error: printed as one line on stderr, exit status 2."""


class TrialsFailedError(Exception):
    """Some tuning trials failed: printed as one line on stderr, exit status 1."""


def parse_value(text: str):
    """A `--set` value: a Python literal (`3`, `0.5`, `None`, `(32, 32, 1)`) or a plain string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_overrides(pairs) -> dict:
    """Turn `["key=value", ...]` into keyword arguments."""
    out = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key.isidentifier():
            raise CommandError(f"--set expects key=value with a Python name as key, got {pair!r}.")
        out[key] = parse_value(value)
    return out


def quiet_tensorflow(debug: bool = False):
    """Import Keras (and TensorFlow) without their start-up lines, unless `--debug`.

    TensorFlow 2.21 writes its oneDNN and CUDA notices (`Could not find cuda
    drivers`, `failed call to cuInit`) to the process's stderr before its
    log level applies, so stderr is pointed at the null device for the
    import alone. A log level the user set is kept.
    """
    if debug:
        return
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "keras" in sys.modules:
        return
    import importlib.util
    import logging

    sys.stderr.flush()
    saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        if importlib.util.find_spec("tensorflow") is not None:
            import tensorflow as tf

            tf.config.list_physical_devices()  # the CUDA probe, while its notices go nowhere
        import keras  # noqa: F401
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)
    logging.getLogger("tensorflow").setLevel(logging.ERROR)


#: Flags every kind takes but that apply to some kinds only (beyond the kinds' own, zoo.kinds): per command.
SHARED_FLAGS = {"train": {"steps_per_epoch": ("text",), "clipnorm": ("text",)}}


SHARED_DEFAULTS = {"steps_per_epoch": 200, "clipnorm": 1.0}


def apply_kind_flags(args, command: str, kind) -> None:
    """Refuse flags given for another kind of data than `kind`'s (a `zoo.kinds.DataKind`); fill in the
    defaults of the rest."""
    from zoo.kinds import all_kinds

    given = []
    mine = kind.defaults()
    for flag in dict.fromkeys(f.dest for k in all_kinds() for f in k.flags):
        if not hasattr(args, flag):
            continue
        if getattr(args, flag) is None:
            setattr(args, flag, mine.get(flag))
        elif flag not in mine:
            given.append(flag)
    for flag, kinds in SHARED_FLAGS.get(command, {}).items():
        if getattr(args, flag) is not None and kind.name not in kinds:
            given.append(flag)
    for flag, default in SHARED_DEFAULTS.items():
        if getattr(args, flag) is None:
            setattr(args, flag, default)
    if given:
        flags = ", ".join("--" + f.replace("_", "-") for f in given)
        raise CommandError(
            f"{flags} {'does' if len(given) == 1 else 'do'} not apply to {args.model}, a model trained on "
            f"{kind.name} data (zoo {command} --help lists each flag's kind)."
        )


def command_recipe(command, name):
    """The registry's training recipe for `name`, or a CommandError naming the models that have one."""

    def usable(info):  # zoo tune also needs the recipe's search data
        return info.recipe is not None and (command == "train" or data_kind(info.recipe.data).searchable)

    info = model_info(name)
    if not usable(info):
        by_task = {}
        for n in list_models():
            if usable(model_info(n)):
                by_task.setdefault(model_info(n).task, []).append(n)
        groups = [
            ", ".join(names) if len(names) <= 3 else f"{len(names)} {task} models (zoo list --task {task})"
            for task, names in sorted(by_task.items())
        ]
        raise CommandError(
            f"zoo {command} has no {'training' if command == 'train' else 'search'} recipe for {name} "
            f"({info.task}); models with one: {'; '.join(groups)}."
        )
    return info.recipe


def fixed_model_args(args, recipe, searched=None) -> dict:
    """The builder arguments a run fixes: the recipe's `model_defaults`, then a search trial's `searched`
    arguments (`zoo train --from-search`), then the kind's flags (a text model's `--units`...) and `--set`.
    Refuses, before Keras is imported, one the model does not take, whose value its builder would refuse, or
    that the data gives. Sets `args.model_args`: all but the recipe's defaults, which the trainer receives."""
    from zoo.kinds import data_kind

    overrides = parse_overrides(args.set)
    recipe.refuse_data_arguments(overrides, "--set")
    args.model_args = {**(searched or {}), **data_kind(recipe.data).model_args(args, overrides)}
    fixed = {**recipe.model_defaults, **args.model_args}
    check_model_arguments(args.model, fixed)
    return fixed


def model_source(source: str, command: str) -> str:
    """What a command's model argument names, checked without importing Keras: `"preset"` (shipped, or a
    folder `zoo preset save` wrote), `"file"` (a whole `.keras` archive) or, for zoo export, `"name"` (a
    registered model)."""
    from zoo.presets import is_preset, list_presets

    if is_preset(source):
        return "preset"
    if os.path.exists(source) or source.endswith(".keras") or os.sep in source:
        from zoo.saving import check_keras_file

        check_keras_file(source)
        return "file"
    if command == "export" and source in list_models():
        return "name"
    what = "a preset, a .keras file" + (" or a registered model name" if command == "export" else "")
    raise CommandError(
        f"{source!r} is not {what}; presets: {', '.join(list_presets()) or 'none'} (zoo list --pretrained)."
    )


def model_from(source: str, kind: str, *, overrides=()):
    """The model a command names, of the `kind` `model_source` found: a preset, a `.keras`
    file, or (zoo export) a registered name built afresh."""
    if kind == "preset":
        from zoo.presets import load_preset

        return load_preset(source)
    if kind == "file":
        from zoo.saving import load_model

        return load_model(source, compile=False)
    from zoo.factory import create_model

    return create_model(source, **parse_overrides(overrides))


def add_kind_flags(p, command: str) -> None:
    """Every kind's flags that `command` takes, made from the kinds' `Flag` tables.

    They default to `None` here and are filled in by `apply_kind_flags` once the model's kind is
    known, so a flag given for another kind is refused rather than ignored. A flag several kinds share is
    added once, its help naming each kind.
    """
    from zoo.kinds import all_kinds

    owners = {}
    for kind in all_kinds():
        for flag in kind.flags:
            if command in flag.commands:
                owners.setdefault(flag.dest, []).append((kind.name, flag))
    for shared in owners.values():
        helps = {}
        for name, flag in shared:
            shown = f" (default: {flag.default})" if flag.default not in (None, False) else ""
            helps.setdefault(flag.help + shown, []).append(name)
        first = shared[0][1]
        extra = {"action": "store_true", "default": None} if first.switch else {"type": first.type}
        if first.choices:
            extra["choices"] = first.choices
        p.add_argument(
            first.option, dest=first.dest, help="; ".join(f"{', '.join(n)}: {h}" for h, n in helps.items()), **extra
        )


def add_training_flags(p, command: str) -> None:
    """The flags `zoo train` and `zoo tune` share, with the same meaning, then the kinds' flags of
    `command` (`add_kind_flags`)."""
    budget = " per trial" if command == "tune" else ""
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="fix a builder argument (repeatable)")
    p.add_argument("--epochs", type=positive_int_arg, help="number of epochs" + budget)
    p.add_argument("--steps-per-epoch", type=positive_int_arg, help="batches per epoch (default 200)")
    p.add_argument("--minutes", type=positive_float_arg, help="wall-clock budget in minutes" + budget)
    p.add_argument("--batch-size", type=positive_int_arg, help="batch size (default: the model's recipe, zoo info)")
    p.add_argument("--learning-rate", type=positive_float_arg, help="Adam's initial rate (default: the recipe)")
    p.add_argument("--clipnorm", type=positive_float_arg, help="gradient-norm clipping (default 1.0)")
    p.add_argument("--seed", type=seed_arg, default=0)
    p.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2), help="Keras fit verbosity")
    add_kind_flags(p, command)
    add_memory_flag(p)
    add_debug_flag(p)


def add_memory_flag(p) -> None:
    p.add_argument(
        "--no-memory-check",
        action="store_true",
        help="build and run sizes whose estimated memory exceeds what the machine has available (zoo.resources)",
    )


def add_debug_flag(p) -> None:
    p.add_argument(
        "--debug", action="store_true", help="show TensorFlow's start-up logs, and a traceback on an internal error"
    )
