"""What the ``zoo`` commands share: user errors, ``--set`` parsing, the per-kind flag tables and the
flags ``zoo train`` and ``zoo tune`` both take, and importing Keras quietly."""

from __future__ import annotations

import ast
import os
import sys

from zoo.registry import (
    check_model_arguments,
    list_models,
    model_info,
)
from zoo.validation import (
    fraction_arg,
    int_at_least,
    positive_float_arg,
    positive_int_arg,
    seed_arg,
)


class CommandError(Exception):
    """A user error: printed as one line on stderr, exit status 2."""


class TrialsFailedError(Exception):
    """Some tuning trials failed: printed as one line on stderr, exit status 1."""


def parse_value(text: str):
    """A ``--set`` value: a Python literal (``3``, ``0.5``, ``None``, ``(32, 32, 1)``) or a plain string."""
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return text


def parse_overrides(pairs) -> dict:
    """Turn ``["key=value", ...]`` into keyword arguments."""
    out = {}
    for pair in pairs or ():
        key, sep, value = pair.partition("=")
        if not sep or not key.isidentifier():
            raise CommandError(f"--set expects key=value with a Python name as key, got {pair!r}.")
        out[key] = parse_value(value)
    return out


def quiet_tensorflow(debug: bool = False):
    """Import Keras (and TensorFlow) without their start-up lines, unless ``--debug``.

    TensorFlow 2.21 writes its oneDNN and CUDA notices (``Could not find cuda
    drivers``, ``failed call to cuInit``) to the process's stderr before its
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


#: The kinds of data of the sequence tasks (zoo.training.tasks), each task's own.
TASK_KINDS = ("reviews", "dates", "clips", "captions", "series", "hello")


#: The flags that only apply to models trained on one kind of data (``zoo train`` and ``zoo tune``),
#: with their defaults. A flag of another kind is refused rather than ignored.
KIND_FLAGS = {
    "text": {
        "corpus": "stdlib",
        "max_chars": 2_000_000,
        "tokens": "char",
        "max_tokens": None,
        "units": None,
        "layers": None,
        "cell": None,
        "embedding_dim": None,
        "dropout": None,
        "seq_len": None,
        "no_carry_state": False,
        "validation_steps": 20,
        "prompt": "def ",
        "sample_length": 300,
        "temperature": 0.8,
    },
    "images": {"data": "digits", "upscale": 1, "no_augment": False, "train_examples": None},
    "scenes": {"scenes": 4000, "image_size": 64, "validation_scenes": 200, "test_scenes": 500},
    # The sequence tasks' data is each task's own (zoo.training.tasks).
    **{kind: {"train_examples": None} for kind in TASK_KINDS},
}


#: Flags that apply to some kinds only, beyond KIND_FLAGS: per command.
SHARED_FLAGS = {"train": {"steps_per_epoch": ("text",), "clipnorm": ("text",)}}


SHARED_DEFAULTS = {"steps_per_epoch": 200, "clipnorm": 1.0}


def apply_kind_flags(args, command: str, kind: str) -> None:
    """Refuse flags given for another kind of data; fill in the defaults of the rest."""
    given = []
    mine = KIND_FLAGS[kind]
    for flag in dict.fromkeys(f for flags in KIND_FLAGS.values() for f in flags):
        if not hasattr(args, flag):
            continue
        if getattr(args, flag) is None:
            setattr(args, flag, mine.get(flag))
        elif flag not in mine:
            given.append(flag)
    for flag, kinds in SHARED_FLAGS.get(command, {}).items():
        if getattr(args, flag) is not None and kind not in kinds:
            given.append(flag)
    for flag, default in SHARED_DEFAULTS.items():
        if getattr(args, flag) is None:
            setattr(args, flag, default)
    if given:
        flags = ", ".join("--" + f.replace("_", "-") for f in given)
        raise CommandError(
            f"{flags} {'does' if len(given) == 1 else 'do'} not apply to {args.model}, a model trained on "
            f"{kind} data (zoo {command} --help lists each flag's kind)."
        )


def given_or(value, fallback):
    """A flag's value, or the recipe's when the flag was not given (0 is a value, not a default)."""
    return fallback if value is None else value


def command_recipe(command, name):
    """The registry's training recipe for ``name``, or a CommandError naming the models that have one."""

    def usable(info):  # zoo tune also needs the recipe's search data
        return info.recipe is not None and (command == "train" or info.recipe.search_data is not None)

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


def check_corpus_flag(args, recipe) -> None:
    """A text model's --corpus, refused before TensorFlow starts when it names no readable text files."""
    if recipe.data == "text":
        from zoo.data.text import check_corpus

        check_corpus(args.corpus)


def fixed_model_args(args, recipe) -> dict:
    """The builder arguments a run fixes: the recipe's ``model_defaults``, then ``--set`` (and a text model's
    ``--units``...). Refuses, before Keras is imported, one the model does not take, whose value its builder
    would refuse, or that the data gives."""
    overrides = parse_overrides(args.set)
    recipe.refuse_data_arguments(overrides, "--set")
    fixed = {**recipe.model_defaults, **(text_model_args(args) if recipe.data == "text" else overrides)}
    check_model_arguments(args.model, fixed)
    return fixed


def text_model_args(args) -> dict:
    """text_generator arguments from --units, --layers, --cell, --embedding-dim, --dropout and --set."""
    model_args = {
        k: v
        for k, v in (
            ("units", args.units),
            ("num_layers", args.layers),
            ("cell", args.cell),
            ("embedding_dim", args.embedding_dim),
            ("dropout", args.dropout),
        )
        if v is not None
    }
    model_args.update(parse_overrides(args.set))
    return model_args


def text_data_args(args, recipe) -> dict:
    """How --tokens, --max-tokens, --max-chars, --seq-len, --batch-size, --steps-per-epoch,
    --no-carry-state and --seed shape the text data, the same for zoo train and zoo tune
    (unset: the model's recipe)."""
    return {
        "tokens": args.tokens,
        "max_tokens": args.max_tokens,
        "max_chars": args.max_chars,
        "seq_len": given_or(args.seq_len, recipe.seq_len),
        "batch_size": given_or(args.batch_size, recipe.batch_size),
        "steps_per_epoch": args.steps_per_epoch,
        "carry_state": False if args.no_carry_state else None,  # None: the model's own default
        "seed": args.seed,
    }


def image_data(args):
    """The --data image set, enlarged by --upscale."""
    from zoo.data.images import load_image_data, upscale

    data = load_image_data(args.data)
    if args.upscale > 1:
        import dataclasses

        data = dataclasses.replace(
            data, x_train=upscale(data.x_train, args.upscale), x_test=upscale(data.x_test, args.upscale)
        )
    return data


def model_source(source: str, command: str) -> str:
    """What a command's model argument names, checked without importing Keras: ``"preset"``,
    ``"file"`` (a whole ``.keras`` archive) or, for zoo export, ``"name"`` (a registered model)."""
    from zoo.presets import list_presets

    if source in list_presets():
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
    """The model a command names, of the ``kind`` :func:`model_source` found: a preset, a ``.keras``
    file, or (zoo export) a registered name built afresh."""
    if kind == "preset":
        from zoo.presets import load_preset

        return load_preset(source)
    if kind == "file":
        from zoo.saving import load_model

        return load_model(source, compile=False)
    from zoo.factory import create_model

    return create_model(source, **parse_overrides(overrides))


def add_training_flags(p, per_trial=False) -> None:
    """The flags ``zoo train`` and ``zoo tune`` share, with the same meaning.

    Flags of one kind of data (text, images, scenes) default to ``None`` here
    and are filled in from :data:`KIND_FLAGS` once the model's kind is known,
    so a flag given for another kind is refused rather than ignored.
    """
    budget = " per trial" if per_trial else ""
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="fix a builder argument (repeatable)")
    p.add_argument("--corpus", help="text: stdlib, pydoc, or a file, folder or glob (default: stdlib)")
    p.add_argument("--data", help="images: digits, lfw_faces (face / not a face), mnist or cifar10 (default: digits)")
    p.add_argument("--upscale", type=positive_int_arg, help="images: enlarge by this integer factor (default 1)")
    p.add_argument("--scenes", type=positive_int_arg, help="scenes: training scenes to make (default 4000)")
    p.add_argument("--image-size", type=positive_int_arg, help="scenes: height and width in pixels (default 64)")
    p.add_argument("--validation-scenes", type=positive_int_arg, help="scenes: held out, scored every epoch (200)")
    p.add_argument("--test-scenes", type=positive_int_arg, help="scenes: held out, scored at the end (500)")
    p.add_argument(
        "--no-augment", action="store_true", default=None, help="images: no random rotation, zoom, translation"
    )
    p.add_argument(
        "--train-examples",
        type=positive_int_arg,
        help="images: training images to use; reviews, dates, clips, captions, hello: training examples to make "
        "(default: all images; the task's own)",
    )
    p.add_argument("--max-chars", type=int_at_least(2), help="text: read at most this many characters")
    p.add_argument("--tokens", choices=("char", "word"), help="text: character or word tokens (default char)")
    p.add_argument("--max-tokens", type=positive_int_arg, help="text: vocabulary size cap")
    p.add_argument("--epochs", type=positive_int_arg, help="number of epochs" + budget)
    p.add_argument("--steps-per-epoch", type=positive_int_arg, help="batches per epoch (default 200)")
    p.add_argument("--minutes", type=positive_float_arg, help="wall-clock budget in minutes" + budget)
    p.add_argument("--units", type=positive_int_arg, help="text: hidden units per recurrent layer")
    p.add_argument("--layers", type=positive_int_arg, help="text: number of stacked recurrent layers")
    p.add_argument("--cell", choices=("lstm", "gru", "rnn"), help="text: recurrent cell")
    p.add_argument("--embedding-dim", type=positive_int_arg, help="text: embedding size")
    p.add_argument("--dropout", type=fraction_arg, help="text: dropout after each recurrent layer")
    p.add_argument("--batch-size", type=positive_int_arg, help="batch size (default: the model's recipe, zoo info)")
    p.add_argument("--seq-len", type=positive_int_arg, help="text: training window length (default: the recipe)")
    p.add_argument("--learning-rate", type=positive_float_arg, help="Adam's initial rate (default: the recipe)")
    p.add_argument(
        "--no-carry-state",
        action="store_true",
        default=None,
        help="text: train on shuffled independent windows instead of continuous streams whose recurrent "
        "state carries from batch to batch (truncated backpropagation through time)",
    )
    p.add_argument("--clipnorm", type=positive_float_arg, help="gradient-norm clipping (default 1.0)")
    p.add_argument("--seed", type=seed_arg, default=0)
    p.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2), help="Keras fit verbosity")
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
