"""`zoo export`: export a model through Keras's `Model.export` and check the artifact in its runtime."""

from __future__ import annotations

import argparse
import os

from zoo.cli import common
from zoo.cli.common import CommandError, add_debug_flag, model_from, model_source, parse_overrides
from zoo.registry import (
    check_model_arguments,
    list_models,
    model_info,
)
from zoo.validation import (
    non_negative_float_arg,
    positive_int_arg,
)


def add_parser(subparsers) -> None:
    """The `zoo export` subcommand's arguments."""
    p = subparsers.add_parser(
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
    add_debug_flag(p)
    p.set_defaults(func=run)


def _shape_arg(text: str) -> tuple:
    """`--input-shape 64,64,3`: one input's shape without the batch axis."""
    try:
        dims = tuple(int(d) for d in text.split(","))
    except ValueError:
        dims = ()
    if not dims or any(d < 1 for d in dims):
        raise argparse.ArgumentTypeError(f"expects positive integers separated by commas (64,64,3), got {text!r}")
    return dims


def run(args) -> None:
    """Run `zoo export` with the parsed `args` (a user error raises `CommandError`)."""
    from zoo.exporting import FORMATS, refusal

    source = args.model
    kind = model_source(source, "export")
    name = source if source in list_models() else None
    if name is None:
        from zoo.presets import list_presets, preset

        name = preset(source).model if source in list_presets() else None
    why = refusal(name, args.format) if name else None
    if why:  # before anything slow starts
        raise CommandError(f"{name} cannot be exported to {args.format}: {why}.")
    shape = args.input_shape[0] if args.input_shape and len(args.input_shape) == 1 else args.input_shape
    if shape and name is not None and not args.set:
        from zoo.presets import preset_inputs
        from zoo.registry.entries import check_input_shapes

        specs = model_info(source).input if source == name else preset_inputs(source)
        if specs is not None:
            check_input_shapes(specs, shape)  # a ValueError: one line, before TensorFlow loads
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
    common.quiet_tensorflow(args.debug)
    from zoo.exporting import check_exported, example_inputs, export_model

    model = model_from(source, kind, overrides=args.set)
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
