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

from zoo._registry import TASKS, BadArgumentError, UnknownModelError, list_models, model_info


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
        print(f"  input:   {info.input.describe()}")
    print("  defaults:")
    for k, v in info.default_args.items():
        print(f"    {k} = {v!r}")


def cmd_summary(args):
    _quiet_tensorflow()
    from zoo._registry import create_model

    model = create_model(args.name, **parse_overrides(args.set))
    if not model.built:
        info = model_info(args.name)
        spec = info.contract.input if info.contract else info.input
        model.build((None,) + tuple(spec.shape))
    model.summary()


def cmd_train(args):
    if args.model != "text_generator":
        raise CommandError(f"zoo train supports text_generator so far, got {args.model!r}.")
    if args.epochs is None and args.minutes is None:
        raise CommandError("Give --epochs N or --minutes M (or both) to bound the run.")
    _quiet_tensorflow()
    from zoo.generation import generate
    from zoo.training import default_out_dir, train_text_generator

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
    out_dir = args.out or default_out_dir(args.model)
    model, history = train_text_generator(
        args.corpus,
        max_chars=args.max_chars,
        seq_len=args.seq_len,
        batch_size=args.batch_size,
        epochs=args.epochs,
        minutes=args.minutes,
        out_dir=out_dir,
        seed=args.seed,
        verbose=args.verbose,
        **model_args,
    )
    val = history.history.get("val_bpc", [float("nan")])[-1]
    print(f"\nvalidation: {val:.3f} bits per character after {len(history.epoch)} epochs")
    print(f"saved: {os.path.join(out_dir, 'model.keras')}")
    text = generate(model, args.prompt, args.sample_length, temperature=args.temperature, seed=args.seed)
    print(f"\n--- sample (temperature {args.temperature}) ---\n{args.prompt}{text}")


def cmd_generate(args):
    _quiet_tensorflow()
    from zoo.generation import generate
    from zoo.saving import load_model

    model = load_model(args.model)
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

    p = sub.add_parser("train", help="train a model", description="Train a text_generator on a text corpus.")
    p.add_argument("model", help="model name (text_generator)")
    p.add_argument("--corpus", default="stdlib", help="stdlib, pydoc, or a file, folder or glob (default: stdlib)")
    p.add_argument("--max-chars", type=int, default=2_000_000, help="read at most this many characters")
    p.add_argument("--epochs", type=int, help="number of epochs (200 batches each)")
    p.add_argument("--minutes", type=float, help="wall-clock budget in minutes")
    p.add_argument("--units", type=int, help="hidden units per recurrent layer")
    p.add_argument("--layers", type=int, help="number of stacked recurrent layers")
    p.add_argument("--cell", choices=("lstm", "gru", "rnn"), help="recurrent cell")
    p.add_argument("--embedding-dim", type=int, help="embedding size")
    p.add_argument("--dropout", type=float, help="dropout after each recurrent layer")
    p.add_argument("--batch-size", type=int, default=64)
    p.add_argument("--seq-len", type=int, default=100, help="training window length")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", help="output folder (default: runs/MODEL)")
    p.add_argument("--prompt", default="def ", help="prompt for the sample printed at the end")
    p.add_argument("--sample-length", type=int, default=300)
    p.add_argument("--temperature", type=float, default=0.8)
    p.add_argument("--verbose", type=int, default=1, choices=(0, 1, 2), help="Keras fit verbosity")
    p.set_defaults(func=cmd_train)

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
    p.add_argument("--seed", type=int)
    p.set_defaults(func=cmd_generate)
    return parser


def _version() -> str:
    from zoo import __version__

    return f"zoo {__version__}"


def main(argv=None) -> int:
    """Entry point of the ``zoo`` console script."""
    args = build_parser().parse_args(argv)
    try:
        args.func(args)
    except (CommandError, UnknownModelError, BadArgumentError, ValueError) as err:
        message = err.args[0] if isinstance(err, KeyError) else str(err)
        print(f"zoo {args.command}: error: {message}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
