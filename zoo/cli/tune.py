"""`zoo tune`: search a model's hyperparameters with keras-tuner, alone or as a chief and workers."""

from __future__ import annotations

import os

from zoo.cli import common
from zoo.cli.common import (
    CommandError,
    TrialsFailedError,
    add_training_flags,
    apply_kind_flags,
    command_recipe,
    fixed_model_args,
)
from zoo.kinds import data_kind, or_recipe
from zoo.registry import (
    model_info,
)
from zoo.validation import (
    int_at_least,
    non_negative_int_arg,
    positive_int_arg,
)


def add_parser(subparsers) -> None:
    """The `zoo tune` subcommand's arguments."""
    p = subparsers.add_parser(
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
    p.add_argument("--dir", required=True, help="search folder; the same folder resumes the search")
    p.add_argument(
        "--stop-weak-trials",
        action="store_true",
        help="stop a trial after an epoch where its best score so far is worse than the median of the completed "
        "trials at that epoch (the median stopping rule; not with --tuner hyperband)",
    )
    p.add_argument(
        "--warmup-epochs",
        type=non_negative_int_arg,
        default=1,
        help="with --stop-weak-trials: epochs every trial trains before it can be stopped (default 1)",
    )
    p.add_argument(
        "--objective",
        metavar="NAME[:min|max],...",
        help="rank trials by these metrics of the task (val_map, val_mean_iou, val_bpc...) and of the trial (val_loss, "
        "params, seconds); several give a Pareto front (default: the task's headline, else val_loss)",
    )
    p.add_argument(
        "--workers",
        type=non_negative_int_arg,
        default=0,
        help="run a chief and N worker processes on this machine (keras-tuner's distributed mode over gRPC); "
        "at most one per core",
    )
    p.add_argument("--force-workers", action="store_true", help="start --workers even beyond the cores")
    p.add_argument(
        "--devices-per-worker",
        type=positive_int_arg,
        default=1,
        help="with --workers on a host with NVIDIA GPUs: GPUs each worker sees (CUDA_VISIBLE_DEVICES; the chief "
        "sees none); on a machine without them nothing changes (default 1)",
    )
    add_training_flags(p, "tune")
    p.set_defaults(func=run)


TUNER_KINDS = ("grid", "random", "bayesian", "hyperband")


_SPACE_ALIASES = {"layers": "num_layers", "lr": "learning_rate"}


def _tune_space(args, fixed) -> dict | None:
    """The `--space` options as a space (None: the model's declared one), checked against the declaration
    and, with the `fixed` builder arguments, against the builder's Keras-free checks."""
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


def run(args) -> None:
    """Run `zoo tune` with the parsed `args` (a user error raises `CommandError`)."""
    from zoo.run_folder import RunFolderError, check_search_folder

    recipe = command_recipe("tune", args.model)
    if args.epochs is None and args.minutes is None:
        raise CommandError("Give --epochs N (and/or --minutes M per trial) to bound every trial.")
    if args.tuner == "hyperband" and args.epochs is None:
        raise CommandError("--tuner hyperband needs --epochs (the most epochs a trial may train).")
    if args.tuner == "hyperband" and args.stop_weak_trials:
        raise CommandError("--stop-weak-trials goes with grid, random or bayesian: hyperband stops trials its own way.")
    kind = data_kind(recipe.data)
    apply_kind_flags(args, "tune", kind)
    fixed = fixed_model_args(args, recipe)
    kind.check(args, recipe)
    space = _tune_space(args, fixed)
    from zoo.tune.objectives import parse_objectives

    args.epoch_metrics = kind.epoch_metrics(args.model, fixed, getattr(args, "data", None))
    args.objectives = parse_objectives(args.objective, args.epoch_metrics)
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
    launcher = args.workers and "KERASTUNER_ORACLE_IP" not in os.environ
    if launcher:
        from zoo.tune.launch import run_distributed, visible_gpus, worker_devices  # no Keras in the launcher

        devices = worker_devices(args.workers, args.devices_per_worker, visible_gpus())
    with _search_lock(args.dir):
        if launcher:
            try:
                run_distributed(_strip_workers(args.argv), args.workers, args.dir, devices=devices)
            except RuntimeError as err:
                raise CommandError(str(err)) from None
            return
        common.quiet_tensorflow(args.debug)
        _run_tune(args, space, fixed)


def _search_lock(directory):
    """Hold the search folder's lock for this search (a launcher or a lone process; its chief and workers
    share the launcher's): a second `zoo tune` on the same folder is refused in one line."""
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
    """Search `space` with the builder arguments `fixed` (`fixed_model_args`) on the recipe's data."""
    from zoo.training.callbacks import UNBOUNDED_EPOCHS
    from zoo.tune.hypermodels import hypermodel
    from zoo.tune.report import print_report
    from zoo.tune.searching import distributed_role, search
    from zoo.tune.stopping import MedianStopping
    from zoo.tune.trials import read_trials

    recipe = model_info(args.model).recipe
    kind = data_kind(recipe.data)
    data = kind.search_data(args, recipe, fixed)
    learning_rate = or_recipe(args, recipe, "learning_rate")
    searched = space if space is not None else dict.fromkeys(model_info(args.model).tunable)
    fixed = {k: v for k, v in fixed.items() if k not in searched}
    hm = hypermodel(
        args.model,
        space,
        learning_rate=learning_rate,
        clipnorm=args.clipnorm,
        minutes=args.minutes,
        seed=args.seed,
        epoch_metrics=args.epoch_metrics,
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
        settings=_search_settings(args, kind, recipe, fixed, learning_rate),
        objectives=args.objectives,
        stopping=MedianStopping(warmup_epochs=args.warmup_epochs) if args.stop_weak_trials else None,
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


def _search_settings(args, kind, recipe, fixed: dict, learning_rate: float) -> dict:
    """What `search.json` records of a `zoo tune` search (with the searched space, tuner and objectives, which
    `zoo.tune.search` adds): a rerun with other settings is refused."""
    return {
        "model": args.model,
        "data": kind.data_label(args, recipe),
        "data_flags": kind.data_flags(args),
        "train_examples": getattr(args, "train_examples", None),
        "fixed": {k: v for k, v in fixed.items() if k != "vocabulary"},
        "steps_per_epoch": args.steps_per_epoch,
        "batch_size": args.batch_size,
        "seq_len": args.seq_len,
        "carry_state": not args.no_carry_state,
        "learning_rate": learning_rate,
        "max_trials": args.max_trials,
    }
