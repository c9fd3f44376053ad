"""`zoo train`: train a registered model on the data its recipe names, into a run folder that resumes after a kill."""

from __future__ import annotations

import os

from zoo.cli import common
from zoo.cli.common import (
    CommandError,
    add_training_flags,
    apply_kind_flags,
    command_recipe,
    fixed_model_args,
)
from zoo.kinds import data_kind, known_settings
from zoo.training.runs import DTYPE_POLICIES


def add_parser(subparsers) -> None:
    """The `zoo train` subcommand's arguments."""
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
    add_training_flags(p, "train")
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
    p.add_argument(
        "--from-search",
        metavar="DIR",
        help="train with the settings (builder arguments, learning rate) of the best trial of the zoo tune search "
        "in DIR; flags given here win over them",
    )
    p.add_argument("--trial", metavar="ID", help="with --from-search: this trial's settings instead of the best's")
    p.add_argument("--tensorboard", metavar="DIR", help="also write TensorBoard logs of every epoch to DIR "
                   "(tensorboard --logdir DIR); a resumed run appends")  # fmt: skip
    p.add_argument("--dtype-policy", choices=DTYPE_POLICIES, help="train in mixed precision: mixed_bfloat16 "
                   "(CPUs, TPUs, recent GPUs) or mixed_float16 (GPUs; loss scaled); default float32")  # fmt: skip
    p.set_defaults(func=run)


def _searched_trial(args):
    """`--from-search`'s trial (`zoo.tune.BestSettings`), read before Keras starts, or None; its learning rate
    goes into `args` unless `--learning-rate` was given (its builder arguments go through `fixed_model_args`)."""
    if args.from_search is None:
        if args.trial is not None:
            raise CommandError("--trial picks a trial of --from-search DIR; give --from-search too.")
        return None
    from zoo.tune.trials import best_settings

    best = best_settings(args.from_search, args.trial)
    if best.model != args.model:
        raise CommandError(f"--from-search {args.from_search} searched {best.model}, not {args.model}.")
    if args.learning_rate is None and best.learning_rate is not None:
        args.learning_rate = best.learning_rate
    return best


def _print_searched(args, best) -> None:
    taken = {**args.model_args, **({"learning_rate": args.learning_rate} if args.learning_rate else {})}
    shown = ", ".join(f"{k}={v!r}" for k, v in taken.items())
    print(f"settings of trial {best.trial_id} of the search in {args.from_search}: {shown}", flush=True)


def run(args) -> None:
    """Run `zoo train` with the parsed `args` (a user error raises `CommandError`)."""
    from zoo.run_folder import RunFolderError, check_folder, check_known_settings, default_out_dir

    recipe = command_recipe("train", args.model)
    if args.epochs is None and args.minutes is None:
        raise CommandError("Give --epochs N or --minutes M (or both) to bound the run.")
    kind = data_kind(recipe.data)
    apply_kind_flags(args, "train", kind)
    best = _searched_trial(args)
    fixed_model_args(args, recipe, best.model_args if best else None)
    if best:
        _print_searched(args, best)
    kind.check(args, recipe)
    args.out = args.out or default_out_dir(args.model)
    try:
        args.folder_mode = check_folder(args.out, overwrite=args.overwrite, extend=args.extend)
        check_known_settings(args.out, known_settings(args, recipe), args.folder_mode)  # before TensorFlow
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
    kind.train(args, recipe)
