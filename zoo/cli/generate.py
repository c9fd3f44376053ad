"""`zoo generate`: continue a prompt with a preset or a saved language model."""

from __future__ import annotations

from zoo.cli import common
from zoo.cli.common import CommandError, add_debug_flag, add_memory_flag, model_from, model_source
from zoo.validation import (
    non_negative_int_arg,
    positive_int_arg,
    seed_arg,
    temperature_arg,
    top_p_arg,
)


def add_parser(subparsers) -> None:
    """The `zoo generate` subcommand's arguments."""
    p = subparsers.add_parser(
        "generate",
        help="generate text with a saved model",
        description="Continue a prompt with a language model: a preset or a saved .keras file.",
    )
    p.add_argument("model", help="a preset (zoo list --pretrained) or the path of a .keras file")
    p.add_argument("--prompt", required=True)
    p.add_argument("--length", type=non_negative_int_arg, default=200)
    p.add_argument("--temperature", type=temperature_arg, default=1.0, help="0 is greedy")
    p.add_argument("--top-k", type=positive_int_arg)
    p.add_argument("--top-p", type=top_p_arg)
    p.add_argument("--num-samples", type=positive_int_arg, default=1, help="continuations generated in parallel")
    p.add_argument("--seed", type=seed_arg)
    add_memory_flag(p)
    add_debug_flag(p)
    p.set_defaults(func=run)


def run(args) -> None:
    """Run `zoo generate` with the parsed `args` (a user error raises `CommandError`)."""
    from zoo.resources import check_memory, generation_bytes

    if not args.prompt:
        raise CommandError("--prompt is empty; give the text to continue (at least one character).")
    needed = generation_bytes(args.length, args.num_samples)
    check_memory(f"generating {args.num_samples:,} x {args.length:,} tokens", needed)
    kind = model_source(args.model, "generate")  # a missing or broken file is refused before TensorFlow starts
    common.quiet_tensorflow(args.debug)
    from zoo.decoding.generation import generate

    model = model_from(args.model, kind)
    out = generate(
        model,
        args.prompt,
        args.length,
        temperature=args.temperature,
        top_k=args.top_k,
        top_p=args.top_p,
        seed=args.seed,
        num_samples=args.num_samples,
    )
    if args.num_samples == 1:  # one continuation comes back as a string, several as a list
        print(args.prompt + out)
        return
    for i, text in enumerate(out, 1):
        print(f"--- sample {i} ---\n{args.prompt}{text}")
