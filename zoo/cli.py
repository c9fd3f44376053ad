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

from zoo._registry import TASKS, BadArgumentError, UnknownModelError, describe_input, list_models, model_info


class CommandError(Exception):
    """A user error: printed as one line on stderr, exit status 2."""


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


def _quiet_tensorflow():
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")


# -- commands ---------------------------------------------------------------
def cmd_list(args):
    names = list_models(args.pattern, task=args.task)
    if args.json:
        print(json.dumps(names))
        return
    if not names:
        raise CommandError(f"No model matches {args.pattern!r}" + (f" with task {args.task!r}." if args.task else "."))
    width = max(len(n) for n in names)
    for n in names:
        info = model_info(n)
        print(f"{n:<{width}}  {info.task:<22} {info.family}")


def cmd_info(args):
    info = model_info(args.name)
    if args.json:
        print(json.dumps(info.as_dict(), indent=2))
        return
    print(f"{info.name}: {info.description}")
    print(f"  task:    {info.task}")
    print(f"  family:  {info.family}")
    if info.paper:
        print(f"  paper:   {info.paper}")
    if info.input:
        print(f"  input:   {describe_input(info.input)}")
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


def _describe_spec(spec) -> str:
    if "values" in spec:
        return ", ".join(map(str, spec["values"]))
    extra = f" step {spec['step']}" if "step" in spec else f" ({spec['sampling']})" if "sampling" in spec else ""
    return f"{spec['min']} .. {spec['max']}{extra}"


def cmd_summary(args):
    _quiet_tensorflow()
    from zoo._registry import create_model

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
    recipe = _recipe("train", args.model)
    if args.epochs is None and args.minutes is None:
        raise CommandError("Give --epochs N or --minutes M (or both) to bound the run.")
    _quiet_tensorflow()
    if args.cpu_devices:
        from zoo.distribute import split_cpu

        split_cpu(args.cpu_devices)
    if args.distribute:
        from zoo.distribute import use_all_devices

        print(use_all_devices(), flush=True)
    trainers = {"text": _train_text, "images": _train_images, "scenes": _train_scenes}
    trainers[recipe.data](args, recipe)


def _budget(args):
    return f"{args.minutes:g} minutes" if args.minutes else f"{args.epochs} epochs"


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
        "seq_len": args.seq_len or recipe.seq_len,
        "batch_size": args.batch_size or recipe.batch_size,
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
    from zoo.generation import generate
    from zoo.training import default_out_dir

    model_args = _text_model_args(args)
    out_dir = args.out or default_out_dir(args.model)
    print(
        f"training {args.model} on {args.corpus!r} for {_budget(args)} (epochs of {args.steps_per_epoch} "
        f"batches); output in {out_dir}",
        flush=True,
    )
    model, rows = recipe.load("trainer")(
        args.corpus,
        **_text_data_args(args, recipe),
        epochs=args.epochs,
        minutes=args.minutes,
        learning_rate=args.learning_rate or recipe.learning_rate,
        clipnorm=args.clipnorm,
        out_dir=out_dir,
        verbose=args.verbose,
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
    from zoo.training import default_out_dir

    data = _image_data(args)
    out_dir = args.out or default_out_dir(args.model)
    print(f"training {args.model} on {data} for {_budget(args)}; output in {out_dir}", flush=True)
    model, rows, accuracy = recipe.load("trainer")(
        args.model,
        data,
        epochs=args.epochs,
        minutes=args.minutes,
        batch_size=args.batch_size or recipe.batch_size,
        learning_rate=args.learning_rate or recipe.learning_rate,
        augment=not args.no_augment,
        out_dir=out_dir,
        seed=args.seed,
        verbose=args.verbose,
        **parse_overrides(args.set),
    )
    if rows:
        print(f"\nvalidation accuracy {rows[-1]['val_accuracy']:.4f} after {rows[-1]['epoch']} epochs")
    print(f"test accuracy: {accuracy:.4f} ({len(data.y_test)} images)")
    print(f"saved: {os.path.join(out_dir, 'model.keras')} and {os.path.join(out_dir, 'curve.png')}")


def _train_scenes(args, recipe):
    from zoo.training import default_out_dir

    out_dir = args.out or default_out_dir(args.model)
    print(
        f"training {args.model} on {args.scenes} seeded {args.image_size}x{args.image_size} scenes for "
        f"{_budget(args)}; output in {out_dir}",
        flush=True,
    )
    model, rows, scores = recipe.load("trainer")(
        args.model,
        args.scenes,
        image_size=args.image_size,
        epochs=args.epochs,
        minutes=args.minutes,
        batch_size=args.batch_size,
        learning_rate=args.learning_rate,
        out_dir=out_dir,
        seed=args.seed,
        verbose=args.verbose,
        **parse_overrides(args.set),
    )
    if rows:
        last = rows[-1]
        score = f"mean IoU {last['val_mean_iou']:.4f}" if "val_mean_iou" in last else f"mAP@0.5 {last['val_map']:.4f}"
        print(f"\nvalidation {score} after {last['epoch']} epochs")
    print(f"test scenes: {scores}")
    files = ", ".join(os.path.join(out_dir, f) for f in ("model.keras", "curve.png", "predictions.png"))
    print(f"saved: {files}")


TUNER_KINDS = ("grid", "random", "bayesian", "hyperband")
_SPACE_ALIASES = {"layers": "num_layers", "lr": "learning_rate"}


def _tune_space(args) -> dict | None:
    from zoo.tune.spaces import parse_space_option, search_space

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
    search_space(args.model, space)  # fails early, naming what is accepted
    return space


def cmd_tune(args):
    from zoo.tune.launch import run_distributed

    _recipe("tune", args.model)
    if args.epochs is None and args.minutes is None:
        raise CommandError("Give --epochs N (and/or --minutes M per trial) to bound every trial.")
    if args.tuner == "hyperband" and args.epochs is None:
        raise CommandError("--tuner hyperband needs --epochs (the most epochs a trial may train).")
    for flag in ("max_trials", "workers", "factor", "validation_steps", "steps_per_epoch"):
        value = getattr(args, flag)
        if value is not None and value < (0 if flag == "workers" else 2 if flag == "factor" else 1):
            raise CommandError(f"--{flag.replace('_', '-')} must be positive, got {value}.")
    space = _tune_space(args)
    _quiet_tensorflow()
    if args.workers and "KERASTUNER_ORACLE_IP" not in os.environ:
        try:
            run_distributed(_strip_workers(args.argv), args.workers, args.dir)
        except RuntimeError as err:
            raise CommandError(str(err)) from None
        return
    _run_tune(args, space)


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


def _run_tune(args, space):
    import logging

    logging.getLogger("tensorflow").setLevel(logging.ERROR)  # a retracing notice per trial's new model
    from zoo.tune import hypermodel, search
    from zoo.tune.report import print_report
    from zoo.tune.search import distributed_role

    recipe = model_info(args.model).recipe
    make_data = recipe.load("search_data")
    if recipe.data == "text":
        data = make_data(args.corpus, **_text_data_args(args, recipe), validation_steps=args.validation_steps)
        fixed = {**recipe.model_defaults, **_text_model_args(args)}
    else:
        data = make_data(
            _image_data(args),
            batch_size=args.batch_size or recipe.batch_size,
            augment=not args.no_augment,
            seed=args.seed,
        )
        data.fit_kwargs["steps_per_epoch"] = min(data.fit_kwargs["steps_per_epoch"], args.steps_per_epoch)
        fixed = parse_overrides(args.set)
    learning_rate = args.learning_rate or recipe.learning_rate
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
        "data": args.corpus if recipe.data == "text" else args.data,
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
        epochs=args.epochs or 10**6,
        max_trials=args.max_trials,
        factor=args.factor,
        seed=args.seed,
        verbose=args.verbose,
        settings=settings,
    )
    if role in (None, "chief"):
        print_report(args.dir, model=args.model)


def cmd_generate(args):
    _quiet_tensorflow()
    from zoo.generation import generate
    from zoo.saving import load_model

    model = load_model(args.model)
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


# -- parser -------------------------------------------------------------------
def _add_training_flags(p, per_trial=False) -> None:
    """The flags ``zoo train`` and ``zoo tune`` share, with the same meaning."""
    budget = " per trial" if per_trial else ""
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="fix a builder argument (repeatable)")
    p.add_argument(
        "--corpus", default="stdlib", help="text: stdlib, pydoc, or a file, folder or glob (default: stdlib)"
    )
    p.add_argument("--data", default="digits", help="images: digits, lfw_faces, mnist or cifar10 (default: digits)")
    p.add_argument("--upscale", type=int, default=1, help="images: enlarge by this integer factor")
    p.add_argument("--scenes", type=int, default=4000, help="scenes: training scenes to make (default 4000)")
    p.add_argument("--image-size", type=int, default=64, help="scenes: height and width in pixels (default 64)")
    p.add_argument("--no-augment", action="store_true", help="images: no random rotation, zoom, translation")
    p.add_argument("--max-chars", type=int, default=2_000_000, help="read at most this many characters")
    p.add_argument("--tokens", choices=("char", "word"), default="char", help="character or word tokens")
    p.add_argument("--max-tokens", type=int, help="vocabulary size cap")
    p.add_argument("--epochs", type=int, help="number of epochs" + budget)
    p.add_argument("--steps-per-epoch", type=int, default=200, help="batches per epoch (default 200)")
    p.add_argument("--minutes", type=float, help="wall-clock budget in minutes" + budget)
    p.add_argument("--units", type=int, help="hidden units per recurrent layer")
    p.add_argument("--layers", type=int, help="number of stacked recurrent layers")
    p.add_argument("--cell", choices=("lstm", "gru", "rnn"), help="recurrent cell")
    p.add_argument("--embedding-dim", type=int, help="embedding size")
    p.add_argument("--dropout", type=float, help="dropout after each recurrent layer")
    p.add_argument("--batch-size", type=int, help="batch size (default: the model's recipe, see zoo info)")
    p.add_argument("--seq-len", type=int, help="text: training window length (default: the model's recipe)")
    p.add_argument("--learning-rate", type=float, help="Adam's initial rate (default: the model's recipe)")
    p.add_argument(
        "--no-carry-state",
        action="store_true",
        help="text: train on shuffled independent windows instead of continuous streams whose recurrent "
        "state carries from batch to batch (truncated backpropagation through time)",
    )
    p.add_argument("--clipnorm", type=float, default=1.0, help="gradient-norm clipping")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2), help="Keras fit verbosity")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the ``zoo`` command."""
    parser = argparse.ArgumentParser(
        prog="zoo", description="A Keras 3 model zoo: list, inspect, build and train models."
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    p = sub.add_parser("list", help="list registered models", description="List registered models (fnmatch wildcards).")
    p.add_argument("pattern", nargs="?", default="*", help="name pattern, e.g. 'resnet*' (default: all)")
    p.add_argument("--task", choices=TASKS, help="only models of this task")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(func=cmd_list)

    p = sub.add_parser("info", help="show a model's metadata", description="Show a model's registry entry.")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="print JSON")
    p.set_defaults(func=cmd_info)

    p = sub.add_parser(
        "summary",
        help="build a model and print its Keras summary",
        description="Build a model and print its layers and parameter counts.",
    )
    p.add_argument("name")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a builder argument (repeatable)")
    p.set_defaults(func=cmd_summary)

    p = sub.add_parser(
        "train",
        help="train a model",
        description="Train a text_generator on a text corpus, an image classifier on an image data set, or a "
        "segmentation or detection model on seeded scenes (zoo.data.scenes). "
        "Checkpoints after every epoch; run the same command again to resume an interrupted run.",
    )
    p.add_argument(
        "model",
        help="text_generator, an image-classification model (zoo list --task image-classification), "
        "fcn32s/fcn16s/fcn8s or yolo_tiny",
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
        "--out", help="output folder; a killed run restarted with the same folder resumes (default: runs/MODEL)"
    )
    p.add_argument("--prompt", default="def ", help="prompt for the sample printed at the end")
    p.add_argument("--sample-length", type=int, default=300)
    p.add_argument("--temperature", type=float, default=0.8)
    p.set_defaults(func=cmd_train)

    p = sub.add_parser(
        "tune",
        help="search hyperparameters with keras-tuner",
        description="Search a model's hyperparameters with keras-tuner. Without --space, every tunable argument "
        "the registry declares is searched (zoo info MODEL lists them). Run the same command again to resume "
        "an interrupted search: completed trials are kept and only the unfinished one reruns. Training flags "
        "mean the same as in zoo train, per trial.",
    )
    p.add_argument("model", help="text_generator, or an image-classification model with tunables (resnet_cifar...)")
    p.add_argument(
        "--space",
        action="append",
        metavar="NAME=V1,V2,...",
        help="search NAME over these values (or NAME=LOW..HIGH); repeatable. --space layers=1,2 is num_layers",
    )
    p.add_argument("--tuner", choices=TUNER_KINDS, default="grid", help="search algorithm (default: grid)")
    p.add_argument("--max-trials", type=int, help="at most this many trials (random/bayesian default 10)")
    p.add_argument("--factor", type=int, default=3, help="hyperband: reduction factor")
    p.add_argument("--validation-steps", type=int, default=20, help="text: validation batches per epoch")
    p.add_argument("--dir", required=True, help="search folder; the same folder resumes the search")
    p.add_argument(
        "--workers",
        type=int,
        default=0,
        help="run a chief and N worker processes on this machine (keras-tuner's distributed mode over gRPC)",
    )
    _add_training_flags(p, per_trial=True)
    p.set_defaults(func=cmd_tune)

    p = sub.add_parser(
        "generate",
        help="generate text with a saved model",
        description="Continue a prompt with a saved text_generator (.keras file).",
    )
    p.add_argument("model", help="path of a .keras file")
    p.add_argument("--prompt", required=True)
    p.add_argument("--length", type=int, default=200)
    p.add_argument("--temperature", type=float, default=1.0)
    p.add_argument("--top-k", type=int)
    p.add_argument("--top-p", type=float)
    p.add_argument("--num-samples", type=int, default=1, help="continuations generated in parallel")
    p.add_argument("--seed", type=int)
    p.set_defaults(func=cmd_generate)
    return parser


def _version() -> str:
    from zoo import __version__

    return f"zoo {__version__}"


def main(argv=None) -> int:
    """Entry point of the ``zoo`` console script."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    args.argv = argv
    try:
        args.func(args)
    except (CommandError, UnknownModelError, BadArgumentError, ValueError, FileNotFoundError, ImportError) as err:
        message = err.args[0] if isinstance(err, KeyError) else str(err)
        print(f"zoo {args.command}: error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
