"""`zoo list`: the registered models (or, with `--pretrained`, the shipped presets), without importing Keras."""

from __future__ import annotations

import json

from zoo.cli.common import CommandError, add_debug_flag
from zoo.registry import (
    TASKS,
    default_registry,
    list_models,
    model_info,
)


def add_parser(subparsers) -> None:
    """The `zoo list` subcommand's arguments."""
    p = subparsers.add_parser(
        "list", help="list registered models", description="List registered models (fnmatch wildcards)."
    )
    p.add_argument("pattern", nargs="?", default="*", help="name pattern, e.g. 'resnet*' (default: all)")
    p.add_argument("--task", choices=TASKS, help="only models of this task")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.add_argument("--pretrained", action="store_true", help="list the shipped presets (pretrained models) instead")
    add_debug_flag(p)
    p.set_defaults(func=run)


def run(args) -> None:
    """Run `zoo list` with the parsed `args` (a user error raises `CommandError`)."""
    if args.pretrained:
        return _list_presets(args)
    names = list_models(args.pattern, task=args.task)
    if _printed_as_json(names, args, "model"):
        return
    width = max(len(n) for n in names)
    registry = default_registry()
    for n in names:
        entry = registry.entry(n)  # task and family only: no builder's source is read
        print(f"{n:<{width}}  {entry.task:<22} {entry.family}")


def _printed_as_json(names, args, what: str) -> bool:
    """Print `names` as JSON and say so with `--json`; else refuse an empty list, naming the pattern."""
    if args.json:
        print(json.dumps(names))
        return True
    if not names:
        raise CommandError(f"No {what} matches {args.pattern!r}" + (f" with task {args.task!r}." if args.task else "."))
    return False


def _list_presets(args):
    """`zoo list --pretrained`: each shipped preset, its model and its card's held-out score."""
    import fnmatch

    from zoo.presets import list_presets, preset, preset_card

    names = [
        n
        for n in list_presets()
        if fnmatch.fnmatchcase(preset(n).model, args.pattern) or fnmatch.fnmatchcase(n, args.pattern)
    ]
    names = [n for n in names if args.task is None or model_info(preset(n).model).task == args.task]
    if _printed_as_json(names, args, "preset"):
        return
    width = max(len(n) for n in names)
    model_width = max(len(preset(n).model) for n in names)
    for n in names:
        score = preset_card(n)["score"]
        print(f"{n:<{width}}  {preset(n).model:<{model_width}}  {score['value']:g} {score['metric']}")
