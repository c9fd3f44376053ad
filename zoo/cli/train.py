"""``zoo train``: train a registered model on the data its recipe names, into a run folder that resumes after a kill."""

from __future__ import annotations

import os

from zoo.cli import common
from zoo.cli.common import (
    CommandError,
    add_training_flags,
    apply_kind_flags,
    check_corpus_flag,
    command_recipe,
    fixed_model_args,
    given_or,
    image_data,
    parse_overrides,
    text_data_args,
    text_model_args,
)
from zoo.validation import (
    non_negative_int_arg,
    temperature_arg,
)


def add_parser(subparsers) -> None:
    """The ``zoo train`` subcommand's arguments."""
    p = subparsers.add_parser(
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
    add_training_flags(p)
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
    p.set_defaults(func=run)


def run(args) -> None:
    """Run ``zoo train`` with the parsed ``args`` (a user error raises :class:`~zoo.cli.common.CommandError`)."""
    from zoo.run_folder import RunFolderError, check_folder, default_out_dir

    recipe = command_recipe("train", args.model)
    if args.epochs is None and args.minutes is None:
        raise CommandError("Give --epochs N or --minutes M (or both) to bound the run.")
    apply_kind_flags(args, "train", recipe.data)
    fixed_model_args(args, recipe)
    check_corpus_flag(args, recipe)
    args.out = args.out or default_out_dir(args.model)
    try:
        args.folder_mode = check_folder(args.out, overwrite=args.overwrite, extend=args.extend)
    except RunFolderError as err:
        raise CommandError(str(err)) from None
    if args.cpu_devices and os.environ.get("KERAS_BACKEND") == "jax":
        from zoo.training.distribute import split_cpu

        split_cpu(args.cpu_devices)  # JAX takes its device count when it starts, so before Keras imports it
    common.quiet_tensorflow(args.debug)
    if args.cpu_devices:
        from zoo.training.distribute import split_cpu

        split_cpu(args.cpu_devices)
    if args.distribute:
        from zoo.training.distribute import use_all_devices

        print(use_all_devices(), flush=True)
    trainers = {"text": _train_text, "images": _train_images, "scenes": _train_scenes}
    trainers.get(recipe.data, _train_task)(args, recipe)


def _budget(args):
    parts = ([f"{args.epochs} epochs"] if args.epochs else []) + ([f"{args.minutes:g} minutes"] if args.minutes else [])
    how = {"resume": "resuming ", "continue": "continuing "}.get(args.folder_mode, "")
    return how + " or ".join(parts)


def _run_flags(args) -> dict:
    """What zoo train passes every trainer about its run folder."""
    return {"out_dir": args.out, "overwrite": args.overwrite, "extend": args.extend}


def _train_text(args, recipe):
    model_args = text_model_args(args)
    out_dir = args.out
    print(
        f"training {args.model} on {args.corpus!r} for {_budget(args)} (epochs of {args.steps_per_epoch} "
        f"batches); output in {out_dir}",
        flush=True,
    )
    from zoo.decoding.generation import generate

    model, rows = recipe.load("trainer")(
        args.corpus,
        **text_data_args(args, recipe),
        epochs=args.epochs,
        minutes=args.minutes,
        learning_rate=given_or(args.learning_rate, recipe.learning_rate),
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
    data = image_data(args)
    out_dir = args.out
    print(f"training {args.model} on {data} for {_budget(args)}; output in {out_dir}", flush=True)
    model, rows, accuracy = recipe.load("trainer")(
        args.model,
        data,
        epochs=args.epochs,
        minutes=args.minutes,
        batch_size=given_or(args.batch_size, recipe.batch_size),
        learning_rate=given_or(args.learning_rate, recipe.learning_rate),
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
