"""`zoo predict`: label new inputs with a trained model (`zoo.inference`)."""

from __future__ import annotations

import json
import pathlib

from zoo.cli import common
from zoo.cli.common import add_debug_flag
from zoo.validation import positive_int_arg


def add_parser(subparsers) -> None:
    """The `zoo predict` subcommand's arguments."""
    p = subparsers.add_parser(
        "predict",
        help="label images or texts, or translate, with a preset or a saved model",
        description="Label inputs with a preset, a preset folder or a .keras file: for an image classifier, each "
        "image's most probable classes with their probabilities (inputs: image files or folders of them); for a "
        "sentiment_rnn or seq2seq_attention run's model.keras, each text's labels or its translation (inputs: "
        "texts, or .txt files read line by line).",
    )
    p.add_argument("model", help="a preset (zoo list --pretrained), a preset folder, or a .keras file")
    p.add_argument("inputs", nargs="+", help="image files, or folders searched for images; or texts, or .txt files")
    p.add_argument("--top-k", type=positive_int_arg, default=3, help="classes per input (default: 3)")
    p.add_argument("--out", type=pathlib.Path, help="also write the labels to a new FILE.csv or FILE.jsonl")
    add_debug_flag(p)
    p.set_defaults(func=run)


def _check_out(out: pathlib.Path | None) -> None:
    from zoo.errors import InputError

    if out is None:
        return
    if out.suffix not in (".csv", ".jsonl"):
        raise InputError(f"--out {out}: write a .csv or a .jsonl file.")
    if out.exists():
        raise InputError(f"--out {out} exists; give a new file (zoo never overwrites one it did not write).")


def write_labels(records: list, out: pathlib.Path) -> None:
    """Write `zoo predict`'s records as JSON lines, or as a CSV of input, rank, class and probability."""
    from zoo.json_files import write_atomically

    if out.suffix == ".jsonl":
        text = "".join(json.dumps(r) + "\n" for r in records)
    else:
        import csv
        import io

        buffer = io.StringIO(newline="")
        writer = csv.writer(buffer)
        writer.writerow(["input", "rank", "class", "probability"])
        writer.writerows([r["input"], rank, name, p] for r in records for rank, (name, p) in enumerate(r["top"], 1))
        text = buffer.getvalue()
    write_atomically(out, lambda f: f.write(text.encode("utf-8")))


def run(args) -> None:
    """Run `zoo predict` with the parsed `args` (a user error raises `InputError`)."""
    from zoo.inference import read_source
    from zoo.kinds import data_kind
    from zoo.registry import model_info

    _check_out(args.out)
    source = read_source(args.model)
    kind = data_kind(model_info(source.model).recipe.data)
    prepared = kind.prepare_prediction(args, source)  # the inputs checked before TensorFlow starts
    common.quiet_tensorflow(args.debug)
    records = kind.predict(args, source, prepared)
    if args.out is not None:
        write_labels(records, args.out)
        print(f"written: {args.out}")
