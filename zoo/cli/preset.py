"""`zoo preset save`: a finished run or a `.keras` file saved as a preset folder (`zoo.presets.saving`)."""

from __future__ import annotations

from zoo.cli import common
from zoo.cli.common import add_debug_flag


def add_parser(subparsers) -> None:
    """The `zoo preset` subcommand's arguments."""
    p = subparsers.add_parser(
        "preset",
        help="save a run as a preset folder that zoo.load_preset(PATH) loads",
        description="Save a finished run (a zoo train --out folder) or a .keras file as a preset in keras-hub's "
        "layout: config.json, model.weights.h5, a README.md model card, and metadata.json with the run's recipe, "
        "its scores and every file's SHA-256. Load it with zoo.load_preset(DIR), create_model(NAME, weights=DIR), "
        "or give DIR to zoo generate and zoo export.",
    )
    actions = p.add_subparsers(dest="action", required=True, metavar="ACTION")
    save = actions.add_parser("save", help="save a run or a .keras file as a preset folder")
    save.add_argument("source", help="a run folder zoo train --out wrote, or a .keras file")
    save.add_argument("--to", required=True, help="the preset folder to create (it must not exist)")
    save.add_argument("--name", help="the preset's name (default: the folder's name)")
    add_debug_flag(save)
    save.set_defaults(func=run)


def run(args) -> None:
    """Run `zoo preset save` with the parsed `args` (a user error raises `InputError`)."""
    from zoo.presets.saving import check_save, save_preset

    check_save(args.source, args.to)  # before TensorFlow starts
    common.quiet_tensorflow(args.debug)
    card = save_preset(args.source, args.to, name=args.name)
    scores = ", ".join(f"{k} {v}" for k, v in card["scores"].items()) or "no scores recorded"
    size = f"{card['parameter_count']:,} parameters"
    print(f"saved preset {card['preset']} ({card['model']}, {size}; {scores}) to {args.to}")
    print(f'load it: zoo.load_preset("{args.to}")')
