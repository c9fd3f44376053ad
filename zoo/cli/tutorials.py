"""`zoo tutorials`: list the tutorial notebooks and the notes' concepts, or copy the notebooks."""

from __future__ import annotations

import json

from zoo.cli.common import CommandError, add_debug_flag


def add_parser(subparsers) -> None:
    """The `zoo tutorials` subcommand's arguments."""
    p = subparsers.add_parser(
        "tutorials",
        help="list the tutorial notebooks or copy them into a folder",
        description="The Jupyter tutorials that mirror the five study notes ship with zoo. Without --to, list "
        "them with the notes each mirrors; with --to DIR, copy them there (a file already there is never "
        "replaced: if one differs, nothing is copied).",
    )
    p.add_argument("--to", metavar="DIR", help="copy every notebook into DIR (made if missing)")
    p.add_argument("--concepts", action="store_true", help="list the notes' 55 concepts and where each is shown")
    p.add_argument("--json", action="store_true", help="print the list as JSON")
    add_debug_flag(p)
    p.set_defaults(func=run)


def run(args) -> None:
    """Run `zoo tutorials` with the parsed `args` (a user error raises `CommandError`)."""
    from zoo import tutorials
    from zoo.concepts import CONCEPTS, NOTES

    found = tutorials.list_tutorials() if args.concepts or args.to is None else []  # --to needs only the files
    if args.concepts:
        for concept in CONCEPTS:
            demonstrated = [t.name for t in found if concept.code in t.concepts]
            kind = "claim" if concept.claim else "concept"
            print(f"{concept.code:<4} {kind:<7} notes {','.join(concept.notes):<16} {concept.text}")
            print(f"     in {', '.join(demonstrated) or '(no tutorial)'}")
        print("\nThe notes:")
        for note in NOTES.values():
            print(f"  {note.number}  {note.citation()} ({note.topic})")
        return
    if args.to is not None and not args.to.strip():
        raise CommandError("--to '' names no folder; give the folder to copy the notebooks into (made if missing).")
    if args.to is None:
        if args.json:
            print(json.dumps([{"name": t.name, "title": t.title, "notes": list(t.notes), "concepts": list(t.concepts)}
                              for t in found]))  # fmt: skip
            return
        for t in found:
            notes = ", ".join(t.notes) or "-"
            print(f"{t.name:<26} notes {notes:<22} {t.title}")
        print(f"\n{len(found)} notebooks in {tutorials.notebook_folder()}. Copy them with: zoo tutorials --to DIR")
        return
    try:
        done = tutorials.copy_tutorials(args.to)
    except (tutorials.TutorialConflictError, NotADirectoryError) as err:
        raise CommandError(str(err)) from None
    copied = sum(1 for _, action in done if action == "copied")
    print(f"{copied} notebooks copied to {args.to}, {len(done) - copied} already there and unchanged.")
    print(f'Open them with: pip install "keras-study-zoo[notebooks]"; jupyter lab {args.to}')
