"""`zoo summary`: build a model and print its Keras summary."""

from __future__ import annotations

from zoo.cli import common
from zoo.cli.common import add_debug_flag, parse_overrides
from zoo.registry import (
    check_model_arguments,
    model_info,
)


def add_parser(subparsers) -> None:
    """The `zoo summary` subcommand's arguments."""
    p = subparsers.add_parser(
        "summary",
        help="build a model and print its Keras summary",
        description="Build a model and print its layers and parameter counts.",
    )
    p.add_argument("name")
    p.add_argument("--set", action="append", metavar="KEY=VALUE", help="override a builder argument (repeatable)")
    add_debug_flag(p)
    p.set_defaults(func=run)


def run(args) -> None:
    """Run `zoo summary` with the parsed `args` (a user error raises `CommandError`)."""
    check_model_arguments(args.name, parse_overrides(args.set))  # an unknown name or a bad value: one line
    common.quiet_tensorflow(args.debug)
    from zoo.factory import create_model

    model = create_model(args.name, **parse_overrides(args.set))
    if not model.built:
        info = model_info(args.name)
        spec = info.contract.input if info.contract else info.input
        model.build((None,) + tuple(spec.shape))
    model.summary()
