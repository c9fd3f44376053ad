"""`zoo info`: a model's registry entry (task, paper, input, defaults, recipe, search space, presets); no Keras."""

from __future__ import annotations

import json

from zoo.cli.common import add_debug_flag
from zoo.kinds import data_kind
from zoo.registry import (
    describe_input,
    model_info,
)


def add_parser(subparsers) -> None:
    """The `zoo info` subcommand's arguments."""
    p = subparsers.add_parser("info", help="show a model's metadata", description="Show a model's registry entry.")
    p.add_argument("name")
    p.add_argument("--json", action="store_true", help="print JSON")
    add_debug_flag(p)
    p.set_defaults(func=run)


def run(args) -> None:
    """Run `zoo info` with the parsed `args` (a user error raises `CommandError`)."""
    info = model_info(args.name)
    if args.json:
        from zoo.presets import list_presets

        print(json.dumps({**info.as_dict(), "presets": list_presets(info.name)}, indent=2))
        return
    print(f"{info.name}: {info.description}")
    print(f"  task:    {info.task}")
    print(f"  family:  {info.family}")
    if info.paper:
        print(f"  paper:   {info.paper}")
    if info.input:
        print(f"  input:   {describe_input(info.input)}")
    if info.target:
        print(f"  builder: {info.target}")
    print("  defaults:")
    for k, v in info.default_args.items():
        print(f"    {k} = {v!r}")
    if info.recipe:
        r = info.recipe
        window = f", windows of {r.seq_len}" if r.seq_len else ""
        commands = "zoo train / zoo tune" if data_kind(r.data).searchable else "zoo train"
        print(
            f"  training ({commands}): {r.data} data, batch {r.batch_size}{window}, learning rate {r.learning_rate:g}"
        )
        for k, v in r.model_defaults.items():
            print(f"    {k} = {v!r}")
    if info.tunable:
        print("  tunable (zoo tune):")
        for k, spec in info.tunable.items():
            print(f"    {k}: {_describe_spec(spec)}")
    from zoo.presets import list_presets, preset_card

    presets = list_presets(info.name)
    if presets:
        print("  presets (create_model(name, weights=PRESET), zoo generate PRESET):")
        for p in presets:
            try:
                card = preset_card(p)
            except FileNotFoundError as err:  # a broken install: say so, and show the rest
                print(f"    {p}: {err}")
                continue
            score = card["score"]
            print(f"    {p}: {score['value']:g} {score['metric']}; made by: {card['command']}")
    if info.export_refusals:
        print("  export (zoo export): not to " + "; ".join(f"{f} ({why})" for f, why in info.export_refusals.items()))


def _describe_spec(spec) -> str:
    if "values" in spec:
        return ", ".join(map(str, spec["values"]))
    extra = f" step {spec['step']}" if "step" in spec else f" ({spec['sampling']})" if "sampling" in spec else ""
    return f"{spec['min']} .. {spec['max']}{extra}"
