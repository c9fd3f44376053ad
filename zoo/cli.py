"""The ``zoo`` command line.

``zoo list`` and ``zoo info`` read the static registry and never import
Keras, so they answer at once; the other commands import it when they run.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import sys

from zoo.registry import (
    TASKS,
    BadArgumentError,
    UnknownModelError,
    check_model_arguments,
    default_registry,
    describe_input,
    list_models,
    model_info,
)
from zoo.validation import (
    fraction_arg,
    int_at_least,
    non_negative_float_arg,
    non_negative_int_arg,
    positive_float_arg,
    positive_int_arg,
    seed_arg,
    temperature_arg,
    top_p_arg,
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


def _quiet_tensorflow(debug: bool = False):
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


def _apply_kind_flags(args, command: str, kind: str) -> None:
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


def _default(value, fallback):
    """A flag's value, or the recipe's when the flag was not given (0 is a value, not a default)."""
    return fallback if value is None else value


# -- commands ---------------------------------------------------------------
def cmd_list(args):
    if args.pretrained:
        return _list_presets(args)
    names = list_models(args.pattern, task=args.task)
    if args.json:
        print(json.dumps(names))
        return
    if not names:
        raise CommandError(f"No model matches {args.pattern!r}" + (f" with task {args.task!r}." if args.task else "."))
    width = max(len(n) for n in names)
    registry = default_registry()
    for n in names:
        entry = registry.entry(n)  # task and family only: no builder's source is read
        print(f"{n:<{width}}  {entry.task:<22} {entry.family}")


def _list_presets(args):
    """``zoo list --pretrained``: each shipped preset, its model and its card's held-out score."""
    import fnmatch

    from zoo.presets import list_presets, preset, preset_card

    names = [
        n
        for n in list_presets()
        if fnmatch.fnmatchcase(preset(n).model, args.pattern) or fnmatch.fnmatchcase(n, args.pattern)
    ]
    names = [n for n in names if args.task is None or model_info(preset(n).model).task == args.task]
    if args.json:
        print(json.dumps(names))
        return
    if not names:
        raise CommandError(f"No preset matches {args.pattern!r}" + (f" with task {args.task!r}." if args.task else "."))
    width = max(len(n) for n in names)
    model_width = max(len(preset(n).model) for n in names)
    for n in names:
        score = preset_card(n)["score"]
        print(f"{n:<{width}}  {preset(n).model:<{model_width}}  {score['value']:g} {score['metric']}")


def cmd_tutorials(args):
    """``zoo tutorials``: list the notebooks (or the concepts) or copy them into a folder."""
    from zoo import tutorials
    from zoo.concepts import CONCEPTS, NOTES

    found = tutorials.list_tutorials() if args.concepts or args.to is None else []  # --to needs only the files
    if args.concepts:
        for concept in CONCEPTS:
            demonstrated = [t.name for t in found if concept.code in t.concepts]
            kind = "claim" if concept.claim else "concept"
            print(f"{concept.code:<4} {kind:<7} notes {','.join(concept.notes):<16} {concept.text}")
            print(f"     in {', '.join(demonstrated) or '(no tutorial)'}")
        print("\nThe notes:")
        for note in NOTES.values():
            print(f"  {note.number}  {note.citation()} ({note.topic})")
        return
    if args.to is not None and not args.to.strip():
        raise CommandError("--to '' names no folder; give the folder to copy the notebooks into (made if missing).")
    if args.to is None:
        if args.json:
            print(json.dumps([{"name": t.name, "title": t.title, "notes": list(t.notes), "concepts": list(t.concepts)}
                              for t in found]))  # fmt: skip
            return
        for t in found:
            notes = ", ".join(t.notes) or "-"
            print(f"{t.name:<26} notes {notes:<22} {t.title}")
        print(f"\n{len(found)} notebooks in {tutorials.notebook_folder()}. Copy them with: zoo tutorials --to DIR")
        return
    try:
        done = tutorials.copy_tutorials(args.to)
    except (tutorials.TutorialConflictError, NotADirectoryError) as err:
        raise CommandError(str(err)) from None
    copied = sum(1 for _, action in done if action == "copied")
    print(f"{copied} notebooks copied to {args.to}, {len(done) - copied} already there and unchanged.")
    print(f'Open them with: pip install "keras-study-zoo[notebooks]"; jupyter lab {args.to}')


def cmd_info(args):
    info = model_info(args.name)
    if args.json:
        from zoo.presets import list_presets

        print(json.dumps({**info.as_dict(), "presets": list_presets(info.name)}, indent=2))
        return
    print(f"{info.name}: {info.description}")
    print(f"  task:    {info.task}")
    print(f"  family:  {info.family}")
    if info.paper:
        print(f"  paper:   {info.paper}")
    if info.input:
        print(f"  input:   {describe_input(info.input)}")
    if info.target:
        print(f"  builder: {info.target}")
    print("  defaults:")
    for k, v in info.default_args.items():
        print(f"    {k} = {v!r}")
    if info.recipe:
        r = info.recipe
        window = f", windows of {r.seq_len}" if r.seq_len else ""
        commands = "zoo train / zoo tune" if r.search_data else "zoo train"
        print(
            f"  training ({commands}): {r.data} data, batch {r.batch_size}{window}, learning rate {r.learning_rate:g}"
        )
        for k, v in r.model_defaults.items():
            print(f"    {k} = {v!r}")
    if info.tunable:
        print("  tunable (zoo tune):")
        for k, spec in info.tunable.items():
            print(f"    {k}: {_describe_spec(spec)}")
    from zoo.presets import list_presets, preset_card

    presets = list_presets(info.name)
    if presets:
        print("  presets (create_model(name, weights=PRESET), zoo generate PRESET):")
        for p in presets:
            try:
                card = preset_card(p)
            except FileNotFoundError as err:  # a broken install: say so, and show the rest
                print(f"    {p}: {err}")
                continue
            score = card["score"]
            print(f"    {p}: {score['value']:g} {score['metric']}; made by: {card['command']}")
    if info.export_refusals:
        print("  export (zoo export): not to " + "; ".join(f"{f} ({why})" for f, why in info.export_refusals.items()))


def _describe_spec(spec) -> str:
    if "values" in spec:
        return ", ".join(map(str, spec["values"]))
    extra = f" step {spec['step']}" if "step" in spec else f" ({spec['sampling']})" if "sampling" in spec else ""
    return f"{spec['min']} .. {spec['max']}{extra}"


def cmd_summary(args):
    check_model_arguments(args.name, parse_overrides(args.set))  # an unknown name or a bad value: one line
    _quiet_tensorflow(args.debug)
    from zoo.registry import create_model

    model = create_model(args.name, **parse_overrides(args.set))
    if not model.built:
        info = model_info(args.name)
        spec = info.contract.input if info.contract else info.input
        model.build((None,) + tuple(spec.shape))
    model.summary()


def _recipe(command, name):
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


def cmd_train(args):
    from zoo.run_folder import RunFolderError, check_folder, default_out_dir

    recipe = _recipe("train", args.model)
    if args.epochs is None and args.minutes is None:
        raise CommandError("Give --epochs N or --minutes M (or both) to bound the run.")
    _apply_kind_flags(args, "train", recipe.data)
    _fixed_model_args(args, recipe)
    _check_corpus(args, recipe)
    args.out = args.out or default_out_dir(args.model)
    try:
        args.folder_mode = check_folder(args.out, overwrite=args.overwrite, extend=args.extend)
    except RunFolderError as err:
        raise CommandError(str(err)) from None
    if args.cpu_devices and os.environ.get("KERAS_BACKEND") == "jax":
        from zoo.training.distribute import split_cpu

        split_cpu(args.cpu_devices)  # JAX takes its device count when it starts, so before Keras imports it
    _quiet_tensorflow(args.debug)
    if args.cpu_devices:
        from zoo.training.distribute import split_cpu

        split_cpu(args.cpu_devices)
    if args.distribute:
        from zoo.training.distribute import use_all_devices

        print(use_all_devices(), flush=True)
    trainers = {"text": _train_text, "images": _train_images, "scenes": _train_scenes}
    trainers.get(recipe.data, _train_task)(args, recipe)


def _check_corpus(args, recipe) -> None:
    """A text model's --corpus, refused before TensorFlow starts when it names no readable text files."""
    if recipe.data == "text":
        from zoo.data.text import check_corpus

        check_corpus(args.corpus)


def _fixed_model_args(args, recipe) -> dict:
    """The builder arguments a run fixes: the recipe's ``model_defaults``, then ``--set`` (and a text model's
    ``--units``...). Refuses, before Keras is imported, one the model does not take, whose value its builder
    would refuse, or that the data gives."""
    overrides = parse_overrides(args.set)
    recipe.refuse_data_arguments(overrides, "--set")
    fixed = {**recipe.model_defaults, **(_text_model_args(args) if recipe.data == "text" else overrides)}
    check_model_arguments(args.model, fixed)
    return fixed


def _budget(args):
    parts = ([f"{args.epochs} epochs"] if args.epochs else []) + ([f"{args.minutes:g} minutes"] if args.minutes else [])
    how = {"resume": "resuming ", "continue": "continuing "}.get(args.folder_mode, "")
    return how + " or ".join(parts)


def _run_flags(args) -> dict:
    """What zoo train passes every trainer about its run folder."""
    return {"out_dir": args.out, "overwrite": args.overwrite, "extend": args.extend}


def _text_model_args(args) -> dict:
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


def _text_data_args(args, recipe) -> dict:
    """How --tokens, --max-tokens, --max-chars, --seq-len, --batch-size, --steps-per-epoch,
    --no-carry-state and --seed shape the text data, the same for zoo train and zoo tune
    (unset: the model's recipe)."""
    return {
        "tokens": args.tokens,
        "max_tokens": args.max_tokens,
        "max_chars": args.max_chars,
        "seq_len": _default(args.seq_len, recipe.seq_len),
        "batch_size": _default(args.batch_size, recipe.batch_size),
        "steps_per_epoch": args.steps_per_epoch,
        "carry_state": False if args.no_carry_state else None,  # None: the model's own default
        "seed": args.seed,
    }


def _image_data(args):
    """The --data image set, enlarged by --upscale."""
    from zoo.data.images import load_image_data, upscale

    data = load_image_data(args.data)
    if args.upscale > 1:
        import dataclasses

        data = dataclasses.replace(
            data, x_train=upscale(data.x_train, args.upscale), x_test=upscale(data.x_test, args.upscale)
        )
    return data


def _train_text(args, recipe):
    model_args = _text_model_args(args)
    out_dir = args.out
    print(
        f"training {args.model} on {args.corpus!r} for {_budget(args)} (epochs of {args.steps_per_epoch} "
        f"batches); output in {out_dir}",
        flush=True,
    )
    from zoo.decoding.generation import generate

    model, rows = recipe.load("trainer")(
        args.corpus,
        **_text_data_args(args, recipe),
        epochs=args.epochs,
        minutes=args.minutes,
        learning_rate=_default(args.learning_rate, recipe.learning_rate),
        clipnorm=args.clipnorm,
        verbose=args.verbose,
        **_run_flags(args),
        **model_args,
    )
    if rows:
        last = rows[-1]
        score = (
            f"{last['val_bpc']:.3f} bits per character"
            if args.tokens == "char"
            else f"perplexity {last['val_ppl']:.1f}"
        )
        print(f"\nvalidation: {score} after {last['epoch']} epochs")
    print(f"saved: {os.path.join(out_dir, 'model.keras')} and {os.path.join(out_dir, 'curve.png')}")
    text = generate(model, args.prompt, args.sample_length, temperature=args.temperature, seed=args.seed)
    print(f"\n--- sample (temperature {args.temperature}) ---\n{args.prompt}{text}")


def _train_images(args, recipe):
    data = _image_data(args)
    out_dir = args.out
    print(f"training {args.model} on {data} for {_budget(args)}; output in {out_dir}", flush=True)
    model, rows, accuracy = recipe.load("trainer")(
        args.model,
        data,
        epochs=args.epochs,
        minutes=args.minutes,
        batch_size=_default(args.batch_size, recipe.batch_size),
        learning_rate=_default(args.learning_rate, recipe.learning_rate),
        augment=not args.no_augment,
        train_examples=args.train_examples,
        seed=args.seed,
        verbose=args.verbose,
        **_run_flags(args),
        **parse_overrides(args.set),
    )
    if rows:
        print(f"\nvalidation accuracy {rows[-1]['val_accuracy']:.4f} after {rows[-1]['epoch']} epochs")
    print(f"test accuracy: {accuracy:.4f} ({len(data.y_test)} images)")
    print(f"saved: {os.path.join(out_dir, 'model.keras')} and {os.path.join(out_dir, 'curve.png')}")


def _train_scenes(args, recipe):
    out_dir = args.out
    print(
        f"training {args.model} on {args.scenes} seeded {args.image_size}x{args.image_size} scenes for "
        f"{_budget(args)}; output in {out_dir}",
        flush=True,
    )
    model, rows, scores = recipe.load("trainer")(
        args.model,
        args.scenes,
        image_size=args.image_size,
        validation_scenes=args.validation_scenes,
        test_scenes=args.test_scenes,
        epochs=args.epochs,
        minutes=args.minutes,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        seed=args.seed,
        verbose=args.verbose,
        **_run_flags(args),
        **parse_overrides(args.set),
    )
    if rows:
        last = rows[-1]
        if "val_mean_iou" in last:
            score = f"mean IoU {last['val_mean_iou']:.4f}"
        else:
            score = f"mAP@0.5 {last['val_map']:.4f} (VOC rule)"
        print(f"\nvalidation {score} after {last['epoch']} epochs")
    print(f"test scenes: {scores}")
    files = ", ".join(os.path.join(out_dir, f) for f in ("model.keras", "curve.png", "predictions.png"))
    print(f"saved: {files}")


def _train_task(args, recipe):
    """zoo train for the sequence tasks (zoo.training.tasks): each model on its own data."""
    out_dir = args.out
    print(f"training {args.model} on its {recipe.data} data for {_budget(args)}; output in {out_dir}", flush=True)
    model, rows, scores = recipe.load("trainer")(
        args.model,
        epochs=args.epochs,
        minutes=args.minutes,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        train_examples=args.train_examples,
        seed=args.seed,
        verbose=args.verbose,
        **_run_flags(args),
        **parse_overrides(args.set),
    )
    if rows:
        headline = "val_" + next(iter(scores))
        print(
            f"\nvalidation {headline[4:].replace('_', ' ')} {rows[-1][headline]:.4f} after {rows[-1]['epoch']} epochs"
        )
    print("test: " + ", ".join(f"{k.replace('_', ' ')} {v:.4f}" for k, v in scores.items()))
    print(f"saved: {os.path.join(out_dir, 'model.keras')} and {os.path.join(out_dir, 'curve.png')}")


TUNER_KINDS = ("grid", "random", "bayesian", "hyperband")
_SPACE_ALIASES = {"layers": "num_layers", "lr": "learning_rate"}


def _tune_space(args, fixed) -> dict | None:
    """The ``--space`` options as a space (None: the model's declared one), checked against the declaration
    and, with the ``fixed`` builder arguments, against the builder's Keras-free checks."""
    from zoo.tune.spaces import check_space_values, parse_space_option, search_space

    if not args.space:
        space = None
    else:
        space = {}
        for text in args.space:
            try:
                name, spec = parse_space_option(text)
            except ValueError as err:
                raise CommandError(str(err)) from None
            name = _SPACE_ALIASES.get(name, name)
            if name in space:
                raise CommandError(f"--space {name} is given twice.")
            space[name] = spec
    check_space_values(args.model, search_space(args.model, space), fixed)
    return space


def cmd_tune(args):
    from zoo.run_folder import RunFolderError, check_search_folder

    recipe = _recipe("tune", args.model)
    if args.epochs is None and args.minutes is None:
        raise CommandError("Give --epochs N (and/or --minutes M per trial) to bound every trial.")
    if args.tuner == "hyperband" and args.epochs is None:
        raise CommandError("--tuner hyperband needs --epochs (the most epochs a trial may train).")
    _apply_kind_flags(args, "tune", recipe.data)
    fixed = _fixed_model_args(args, recipe)
    _check_corpus(args, recipe)
    space = _tune_space(args, fixed)
    cores = os.cpu_count() or 1
    if args.workers > cores and not args.force_workers:  # the chief only serves the oracle: workers train
        raise CommandError(
            f"--workers {args.workers} starts {args.workers} training processes on {cores} cores; give at most "
            f"{cores}, or add --force-workers to start them anyway."
        )
    try:
        if "KERASTUNER_TUNER_ID" not in os.environ:  # a chief or worker: the folder is the search's already
            check_search_folder(args.dir)
    except RunFolderError as err:
        raise CommandError(str(err)) from None
    from zoo.tune import require_keras_tuner

    require_keras_tuner()  # keras-tuner missing (a broken install): one line naming our distribution
    with _search_lock(args.dir):
        if args.workers and "KERASTUNER_ORACLE_IP" not in os.environ:
            from zoo.tune.launch import run_distributed  # the launcher only starts processes: no Keras here

            try:
                run_distributed(_strip_workers(args.argv), args.workers, args.dir)
            except RuntimeError as err:
                raise CommandError(str(err)) from None
            return
        _quiet_tensorflow(args.debug)
        _run_tune(args, space, fixed)


def _search_lock(directory):
    """Hold the search folder's lock for this search (a launcher or a lone process; its chief and workers
    share the launcher's): a second ``zoo tune`` on the same folder is refused in one line."""
    import contextlib

    from zoo.run_folder import RunFolderError, lock_search_folder

    if "KERASTUNER_TUNER_ID" in os.environ:
        return contextlib.nullcontext()
    try:
        return lock_search_folder(directory)
    except RunFolderError as err:
        raise CommandError(str(err)) from None


def _strip_workers(argv) -> list:
    out, skip = [], False
    for a in argv:
        if skip:
            skip = False
            continue
        if a == "--workers":
            skip = True
            continue
        if a.startswith("--workers="):
            continue
        out.append(a)
    return out


def _run_tune(args, space, fixed):
    """Search ``space`` with the builder arguments ``fixed`` (:func:`_fixed_model_args`) on the recipe's data."""
    from zoo.training.callbacks import UNBOUNDED_EPOCHS
    from zoo.tune.hypermodels import hypermodel
    from zoo.tune.report import print_report
    from zoo.tune.searching import distributed_role, read_trials, search

    recipe = model_info(args.model).recipe
    make_data = recipe.load("search_data")
    if recipe.data == "text":
        data = make_data(
            args.corpus, **_text_data_args(args, recipe), validation_steps=args.validation_steps, model_name=args.model
        )
    elif recipe.data == "scenes":
        data = make_data(
            args.model,
            scenes=args.scenes,
            image_size=args.image_size,
            validation_scenes=args.validation_scenes,
            batch_size=_default(args.batch_size, recipe.batch_size),
            seed=args.seed,
            model_args=fixed,
        )
        data.fit_kwargs["steps_per_epoch"] = min(data.fit_kwargs["steps_per_epoch"], args.steps_per_epoch)
    elif recipe.data in TASK_KINDS:
        data = make_data(
            args.model,
            batch_size=_default(args.batch_size, recipe.batch_size),
            train_examples=args.train_examples,
            seed=args.seed,
            model_args=fixed,
        )
        data.fit_kwargs["steps_per_epoch"] = min(data.fit_kwargs["steps_per_epoch"], args.steps_per_epoch)
    else:
        data = make_data(
            _image_data(args),
            batch_size=_default(args.batch_size, recipe.batch_size),
            augment=not args.no_augment,
            train_examples=args.train_examples,
            seed=args.seed,
        )
        data.fit_kwargs["steps_per_epoch"] = min(data.fit_kwargs["steps_per_epoch"], args.steps_per_epoch)
    learning_rate = _default(args.learning_rate, recipe.learning_rate)
    searched = space if space is not None else dict.fromkeys(model_info(args.model).tunable)
    fixed = {k: v for k, v in fixed.items() if k not in searched}
    hm = hypermodel(
        args.model,
        space,
        learning_rate=learning_rate,
        clipnorm=args.clipnorm,
        minutes=args.minutes,
        seed=args.seed,
        **fixed,
        **data.fixed,
    )
    role = distributed_role()
    if role in (None, "chief"):
        print(
            f"tuning {args.model} with {args.tuner} search over {', '.join(hm.space)}; {data.description}; "
            f"search folder {args.dir}",
            flush=True,
        )
    settings = {
        "model": args.model,
        "data": args.corpus if recipe.data == "text" else args.data or recipe.data,
        "train_examples": getattr(args, "train_examples", None),
        "fixed": {k: v for k, v in fixed.items() if k != "vocabulary"},
        "steps_per_epoch": args.steps_per_epoch,
        "batch_size": args.batch_size,
        "seq_len": args.seq_len,
        "carry_state": not args.no_carry_state,
        "learning_rate": learning_rate,
        "max_trials": args.max_trials,
    }
    search(
        hm,
        data,
        args.dir,
        tuner=args.tuner,
        epochs=args.epochs or UNBOUNDED_EPOCHS,
        max_trials=args.max_trials,
        factor=args.factor,
        seed=args.seed,
        verbose=args.verbose,
        settings=settings,
    )
    if role in (None, "chief"):
        print_report(args.dir, model=args.model)
        trials = read_trials(args.dir)
        failed = [t["trial_id"] for t in trials if t["status"] in ("FAILED", "INVALID")]
        if failed:
            raise TrialsFailedError(
                f"{len(failed)} of {len(trials)} trials failed (trials {', '.join(failed)}); their errors are in "
                f"{args.dir}/search/trial_*/trial.json. Fix the cause and run the same command again to rerun them."
            )


def _model_source(source: str, command: str) -> str:
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


def _model_from(source: str, kind: str, *, overrides=()):
    """The model a command names, of the ``kind`` :func:`_model_source` found: a preset, a ``.keras``
    file, or (zoo export) a registered name built afresh."""
    if kind == "preset":
        from zoo.presets import load_preset

        return load_preset(source)
    if kind == "file":
        from zoo.saving import load_model

        return load_model(source, compile=False)
    from zoo.registry import create_model

    return create_model(source, **parse_overrides(overrides))


def cmd_generate(args):
    from zoo.resources import check_memory, generation_bytes

    if not args.prompt:
        raise CommandError("--prompt is empty; give the text to continue (at least one character).")
    needed = generation_bytes(args.length, args.num_samples)
    check_memory(f"generating {args.num_samples:,} x {args.length:,} tokens", needed)
    kind = _model_source(args.model, "generate")  # a missing or broken file is refused before TensorFlow starts
    _quiet_tensorflow(args.debug)
    from zoo.decoding.generation import generate

    model = _model_from(args.model, kind)
    if args.num_samples > 1:
        texts = generate(
            model,
            args.prompt,
            args.length,
            temperature=args.temperature,
            top_k=args.top_k,
            top_p=args.top_p,
            seed=args.seed,
            num_samples=args.num_samples,
        )
        for i, text in enumerate(texts, 1):
            print(f"--- sample {i} ---\n{args.prompt}{text}")
        return
    text = generate(
        model,
        args.prompt,
        args.length,
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        seed=args.seed,
    )
    print(args.prompt + text)


def _shape_arg(text: str) -> tuple:
    """``--input-shape 64,64,3``: one input's shape without the batch axis."""
    try:
        dims = tuple(int(d) for d in text.split(","))
    except ValueError:
        dims = ()
    if not dims or any(d < 1 for d in dims):
        raise argparse.ArgumentTypeError(f"expects positive integers separated by commas (64,64,3), got {text!r}")
    return dims


def cmd_export(args):
    from zoo.exporting import FORMATS, refusal

    source = args.model
    kind = _model_source(source, "export")
    name = source if source in list_models() else None
    if name is None:
        from zoo.presets import list_presets, preset

        name = preset(source).model if source in list_presets() else None
    why = refusal(name, args.format) if name else None
    if why:  # before anything slow starts
        raise CommandError(f"{name} cannot be exported to {args.format}: {why}.")
    shape = args.input_shape[0] if args.input_shape and len(args.input_shape) == 1 else args.input_shape
    if shape and source in list_models() and model_info(source).input is not None and not args.set:
        from zoo.registry.entries import check_input_shapes

        check_input_shapes(model_info(source).input, shape)  # a ValueError: one line, before TensorFlow loads
    stem = os.path.splitext(os.path.basename(source.rstrip(os.sep)))[0]
    out = args.out or (f"{stem}_saved_model" if args.format == "tf_saved_model" else stem + FORMATS[args.format])
    from zoo.exporting import check_out_path

    try:
        check_out_path(out, args.format)  # before TensorFlow: a wrong suffix, a file or link already there
    except FileExistsError:
        raise CommandError(f"{out} already exists; zoo export never replaces a file: give another --out.") from None
    except (ValueError, NotADirectoryError) as err:
        raise CommandError(f"--out: {err}") from None
    if os.environ.get("KERAS_BACKEND", "tensorflow") != "tensorflow":
        raise CommandError("zoo export converts TensorFlow graphs: run it with KERAS_BACKEND=tensorflow.")
    if kind == "name":
        check_model_arguments(source, parse_overrides(args.set))
    elif args.set:
        raise CommandError(
            f"--set applies to a registered model's name; {source} is a {kind}, whose arguments are fixed."
        )
    _quiet_tensorflow(args.debug)
    from zoo.exporting import check_exported, example_inputs, export_model

    model = _model_from(source, kind, overrides=args.set)
    export_model(model, out, args.format, input_shape=shape, batch_size=args.batch_size, name=name)
    inputs = example_inputs(model, args.format, input_shape=shape, batch_size=args.batch_size, name=name)
    difference = check_exported(model, out, args.format, inputs)
    runtime = {"tf_saved_model": "TensorFlow", "onnx": "onnxruntime", "litert": "the LiteRT interpreter"}
    print(
        f"exported {source} to {out} ({args.format}); run in {runtime[args.format]}, its outputs differ from "
        f"Keras's by at most {difference:.2g} on a random input"
    )
    if difference > args.tolerance:
        raise CommandError(
            f"the exported artifact differs from Keras by {difference:.3g} > --tolerance {args.tolerance:g}"
        )


# -- parser -------------------------------------------------------------------
def _add_training_flags(p, per_trial=False) -> None:
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
    _add_memory_flag(p)
    _add_debug_flag(p)


def _add_memory_flag(p) -> None:
    p.add_argument(
        "--no-memory-check",
        action="store_true",
        help="build and run sizes whose estimated memory exceeds what the machine has available (zoo.resources)",
    )


def _add_debug_flag(p) -> None:
    p.add_argument(
        "--debug", action="store_true", help="show TensorFlow's start-up logs, and a traceback on an internal error"
    )


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse, with a bad argument reported in one line (no usage block above it)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``zoo`` command."""
    parser = OneLineErrorParser(
        prog="zoo",
        description="A Keras 3 model zoo: list, inspect, build, train, tune and export models. The tutorials "
        "that mirror the study notes ship with it: zoo tutorials lists them, zoo tutorials --to DIR copies them.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="list registered models", description="List registered models (fnmatch wildcards).")
    p.add_argument("pattern", nargs="?", default="*", help="name pattern, e.g. 'resnet*' (default: all)")
    p.add_argument("--task", choices=TASKS, help="only models of this task")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.add_argument("--pretrained", action="store_true", help="list the shipped presets (pretrained models) instead")
    _add_debug_flag(p)
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("info", help="show a model's metadata", description="Show a model's registry entry.")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="print JSON")
    _add_debug_flag(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser(
        "summary",
        help="build a model and print its Keras summary",
        description="Build a model and print its layers and parameter counts.",
    )
    p.add_argument("name")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a builder argument (repeatable)")
    _add_debug_flag(p)
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser(
        "train",
        help="train a model",
        description="Train a registered model on the data its recipe names: a language model on a text corpus, an "
        "image classifier on an image data set, a segmentation or detection model on seeded scenes "
        "(zoo.data.scenes), and the sequence tasks on their own offline data (reviews, dates, clips, captions, "
        "sunspots, note 003's 'hello'). "
        "Checkpoints after every epoch; run the same command again to resume an interrupted run.",
    )
    p.add_argument(
        "model",
        help="any registered model (zoo list); each trains on the data its recipe names (zoo info MODEL)",
    )
    _add_training_flags(p)
    p.add_argument(
        "--distribute",
        action="store_true",
        help="train data-parallel on every local device: keras.distribution.DataParallel on JAX, "
        "tf.distribute.MirroredStrategy on TensorFlow",
    )
    p.add_argument(
        "--cpu-devices",
        type=int,
        metavar="N",
        help="present the CPU as N devices (to try --distribute without accelerators)",
    )
    p.add_argument(
        "--out",
        help="the run's folder (default: runs/MODEL); the same command on a folder holding a killed run resumes it",
    )
    p.add_argument(
        "--continue",
        dest="extend",
        action="store_true",
        help="train a finished run in --out further: its saved model, the same settings, the new budget",
    )
    p.add_argument("--overwrite", action="store_true", help="replace a finished run in --out (only zoo's files)")
    p.add_argument("--prompt", help="text: prompt for the sample printed at the end (default 'def ')")
    p.add_argument("--sample-length", type=non_negative_int_arg, help="text: sample length (default 300)")
    p.add_argument("--temperature", type=temperature_arg, help="text: sampling temperature (default 0.8)")
    p.set_defaults(func=cmd_train)

    p = sub.add_parser(
        "tune",
        help="search hyperparameters with keras-tuner",
        description="Search a model's hyperparameters with keras-tuner. Without --space, every tunable argument "
        "the registry declares is searched (zoo info MODEL lists them). Run the same command again to resume "
        "an interrupted search: completed trials are kept and only the unfinished one reruns. Training flags "
        "mean the same as in zoo train, per trial.",
    )
    p.add_argument("model", help="a model whose recipe has a search (zoo info MODEL says 'zoo train / zoo tune')")
    p.add_argument(
        "--space",
        action="append",
        metavar="NAME=V1,V2,...",
        help="search NAME over these values (or NAME=LOW..HIGH); repeatable. --space layers=1,2 is num_layers",
    )
    p.add_argument("--tuner", choices=TUNER_KINDS, default="grid", help="search algorithm (default: grid)")
    p.add_argument("--max-trials", type=positive_int_arg, help="at most this many trials (random/bayesian default 10)")
    p.add_argument("--factor", type=int_at_least(2), default=3, help="hyperband: reduction factor (at least 2)")
    p.add_argument("--validation-steps", type=positive_int_arg, help="text: validation batches per epoch (20)")
    p.add_argument("--dir", required=True, help="search folder; the same folder resumes the search")
    p.add_argument(
        "--workers",
        type=non_negative_int_arg,
        default=0,
        help="run a chief and N worker processes on this machine (keras-tuner's distributed mode over gRPC); "
        "at most one per core",
    )
    p.add_argument("--force-workers", action="store_true", help="start --workers even beyond the cores")
    _add_training_flags(p, per_trial=True)
    p.set_defaults(func=cmd_tune)

    p = sub.add_parser(
        "generate",
        help="generate text with a saved model",
        description="Continue a prompt with a language model: a preset or a saved .keras file.",
    )
    p.add_argument("model", help="a preset (zoo list --pretrained) or the path of a .keras file")
    p.add_argument("--prompt", required=True)
    p.add_argument("--length", type=non_negative_int_arg, default=200)
    p.add_argument("--temperature", type=temperature_arg, default=1.0, help="0 is greedy")
    p.add_argument("--top-k", type=positive_int_arg)
    p.add_argument("--top-p", type=top_p_arg)
    p.add_argument("--num-samples", type=positive_int_arg, default=1, help="continuations generated in parallel")
    p.add_argument("--seed", type=seed_arg)
    _add_memory_flag(p)
    _add_debug_flag(p)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser(
        "export",
        help="export a model for another runtime (SavedModel, ONNX, LiteRT)",
        description="Export a preset, a .keras file or a registered model (built afresh) through Keras's "
        "Model.export, then run the artifact in its own runtime and compare its outputs with Keras's.",
    )
    p.add_argument("model", help="a preset (zoo list --pretrained), a .keras file, or a registered model name")
    p.add_argument("--format", required=True, choices=("tf_saved_model", "onnx", "litert"))
    p.add_argument("--out", help="the artifact's path (default: NAME.onnx, NAME.tflite or NAME_saved_model)")
    p.add_argument(
        "--input-shape",
        action="append",
        type=_shape_arg,
        metavar="D1,D2,...",
        help="fix an input's shape without the batch axis (once per input); ONNX fixes free axes (a sequence's "
        "length, an FCN's height and width) at the registry's example size otherwise",
    )
    p.add_argument(
        "--batch-size", type=positive_int_arg, help="fix the batch size (default: any; LiteRT: 1, resizable)"
    )
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="a registered model's builder argument")
    p.add_argument("--tolerance", type=non_negative_float_arg, default=1e-4, help="largest accepted difference")
    _add_debug_flag(p)
    p.set_defaults(func=cmd_export)

    p = sub.add_parser(
        "tutorials",
        help="list the tutorial notebooks or copy them into a folder",
        description="The Jupyter tutorials that mirror the five study notes ship with zoo. Without --to, list "
        "them with the notes each mirrors; with --to DIR, copy them there (a file already there is never "
        "replaced: if one differs, nothing is copied).",
    )
    p.add_argument("--to", metavar="DIR", help="copy every notebook into DIR (made if missing)")
    p.add_argument("--concepts", action="store_true", help="list the notes' 55 concepts and where each is shown")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    _add_debug_flag(p)
    p.set_defaults(func=cmd_tutorials)
    return parser


def _version() -> str:
    from zoo import __version__

    return f"zoo {__version__}"


def main(argv=None) -> int:
    """Entry point of the ``zoo`` console script.

    A user error is one line on stderr (exit 2); failed tuning trials exit 1;
    an internal error is one line too, its traceback shown with ``--debug``
    (exit 1); Ctrl-C exits 130.
    """
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exit_:  # --help, --version, or a bad argument (already printed in one line)
        return exit_.code
    args.argv = argv
    from zoo.resources import memory_check

    try:
        with memory_check(not getattr(args, "no_memory_check", False)):
            args.func(args)
    except KeyboardInterrupt:
        print(f"zoo {args.command}: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # the reader went away (zoo list | head): nothing more to say
        sys.stderr.close()
        return 0
    except (CommandError, UnknownModelError, BadArgumentError, ValueError, FileNotFoundError, ImportError) as err:
        if getattr(args, "debug", False):
            raise
        print(f"zoo {args.command}: error: {err}", file=sys.stderr)
        return 2
    except OSError as err:  # a full disk, a read-only folder, a parent that is a file: the user's to fix
        if getattr(args, "debug", False):
            raise
        where = f": {err.filename}" if err.filename else ""
        print(f"zoo {args.command}: error: {err.strerror or err}{where}", file=sys.stderr)
        return 2
    except TrialsFailedError as err:
        print(f"zoo {args.command}: error: {err}", file=sys.stderr)
        return 1
    except Exception as err:
        if getattr(args, "debug", False):
            raise
        print(
            f"zoo {args.command}: internal error: {type(err).__name__}: {err} (run again with --debug for the "
            "traceback)",
            file=sys.stderr,
        )
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
