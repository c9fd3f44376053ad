"""`zoo evaluate`: score a trained model on labelled data with its task's metric (`zoo.inference`)."""

from __future__ import annotations

import pathlib

from zoo.cli import common
from zoo.cli.common import add_debug_flag


def add_parser(subparsers) -> None:
    """The `zoo evaluate` subcommand's arguments."""
    p = subparsers.add_parser(
        "evaluate",
        help="score a preset or a saved model on labelled data",
        description="Score a preset, a preset folder or a .keras file on labelled data with its task's metric: "
        "for an image classifier, accuracy, each class's recall and precision, and the confusion matrix, printed "
        "and written to --out as scores.json and confusion.png; for a model zoo train trained on your texts, pairs "
        "or series (its run folder's model.keras), the task's scores on every example of --data.",
    )
    p.add_argument("model", help="a preset (zoo list --pretrained), a preset folder, or a .keras file")
    p.add_argument("--data", required=True, help="a named image set (its test split), or a folder of class "
                   "subfolders or a CSV of path,label (every image in it); or your texts, pairs or series, read as "
                   "zoo train reads them")  # fmt: skip
    common.add_kind_flags(p, "evaluate")
    p.add_argument("--out", type=pathlib.Path, help="a new folder for the scores (default: evaluations/MODEL, "
                   "numbered if taken)")  # fmt: skip
    add_debug_flag(p)
    p.set_defaults(func=run)


def new_folder(wanted: pathlib.Path | None, default: pathlib.Path) -> pathlib.Path:
    """`wanted` if it is free (refused if it exists: zoo never writes into a folder it did not make), else the
    first free one of `default`, `default-2`, `default-3`..."""
    from zoo.errors import InputError

    if wanted is not None:
        if wanted.exists():
            raise InputError(f"--out {wanted} exists; give a new folder (zoo never writes into one it did not make).")
        return wanted
    candidates = (default if n == 1 else default.with_name(f"{default.name}-{n}") for n in range(1, 10_000))
    return next(c for c in candidates if not c.exists())


def run(args) -> None:
    """Run `zoo evaluate` with the parsed `args` (a user error raises `InputError`)."""
    from zoo.inference import read_source
    from zoo.kinds import data_kind
    from zoo.registry import model_info

    source = read_source(args.model)
    kind = data_kind(model_info(source.model).recipe.data)
    prepared = kind.prepare_evaluation(args, source)  # the data checked before TensorFlow starts
    args.out = new_folder(args.out, pathlib.Path("evaluations") / source.model)
    common.quiet_tensorflow(args.debug)
    kind.evaluate(args, source, prepared)
