"""The `zoo` command line: one module per command, each with `add_parser(subparsers)` and `run(args)`.

`zoo list` and `zoo info` read the static registry and never import
Keras, so they answer at once; the other commands import it when they run.
"""

from __future__ import annotations

import argparse
import sys

from zoo.cli import evaluate, export, generate, info, listing, predict, preset, summary, train, tune, tutorials
from zoo.cli.common import CommandError, TrialsFailedError, parse_overrides, parse_value
from zoo.errors import ZooError

__all__ = ["CommandError", "TrialsFailedError", "build_parser", "main", "parse_overrides", "parse_value"]


class OneLineErrorParser(argparse.ArgumentParser):
    """argparse, with a bad argument reported in one line (no usage block above it)."""

    def error(self, message):
        self.exit(2, f"{self.prog}: error: {message} (see {self.prog} --help)\n")


def _version() -> str:
    from zoo import __version__

    return f"zoo {__version__}"


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of the `zoo` command."""
    parser = OneLineErrorParser(
        prog="zoo",
        description="A Keras 3 model zoo: list, inspect, build, train, tune and export models. The tutorials "
        "that mirror the study notes ship with it: zoo tutorials lists them, zoo tutorials --to DIR copies them.",
    )
    parser.add_argument("--version", action="version", version=_version())
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    for command in (listing, info, summary, train, tune, evaluate, predict, generate, export, preset, tutorials):
        command.add_parser(sub)
    return parser


def main(argv=None) -> int:
    """Entry point of the `zoo` console script.

    A user error (`zoo.errors.ZooError`, or an `OSError` such as a
    full disk) is one line on stderr (exit 2); failed tuning trials exit 1;
    anything else, a `ValueError` raised inside Keras included, is an
    internal error: one line too, its traceback shown with `--debug`
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
    except ZooError as err:  # the user's mistake (zoo.errors), said in one line
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
