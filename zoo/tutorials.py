"""The tutorials: Jupyter notebooks that mirror the study notes, shipped with the package.

An installed wheel holds them as package data in ``zoo/notebooks/`` (``setup.py``
copies them there from the repository's ``tutorials/`` when it builds); a checkout
reads ``tutorials/`` itself. What each tutorial is about is read from the notebook,
so it is written once: the title from its first heading, the notes it mirrors from
its first cell (``Mirrors **note 003** ...``) and the concepts it demonstrates from
its section headings (``## S6 · The recurrence in NumPy``, ``## S3–S5 with the library``).

Keras-free: ``zoo tutorials`` lists and copies without importing Keras.
"""

from __future__ import annotations

import dataclasses
import filecmp
import json
import pathlib
import re
import shutil

from zoo.concepts import BY_CODE

_PACKAGE = pathlib.Path(__file__).resolve().parent
_CONCEPT = re.compile(r"\b([SLCVA])(\d{1,2})(?:\s*[–-]\s*\1?(\d{1,2}))?\b")
_NOTES = re.compile(r"\bnotes?\s+(\d{3}(?:\s*(?:,|and|/|–|-)\s*\d{3})*)")


class TutorialConflictError(FileExistsError):
    """A file in the destination differs from the shipped notebook of the same name."""


@dataclasses.dataclass(frozen=True)
class Tutorial:
    """One tutorial notebook and what it covers."""

    name: str
    title: str
    notes: tuple[str, ...]
    concepts: tuple[str, ...]
    path: pathlib.Path


def notebook_folder() -> pathlib.Path:
    """The folder holding the tutorial notebooks: the wheel's ``zoo/notebooks/`` or a checkout's ``tutorials/``."""
    for folder in (_PACKAGE / "notebooks", _PACKAGE.parent / "tutorials"):
        if any(folder.glob("[0-9][0-9]_*.ipynb")):
            return folder
    raise FileNotFoundError(
        f"no tutorial notebooks in {_PACKAGE / 'notebooks'}; reinstall with pip install keras-study-zoo"
    )


def concept_codes(text: str) -> list[str]:
    """The concept codes named in ``text``, ranges expanded: ``"S3–S5, L8"`` -> ``["S3", "S4", "S5", "L8"]``.

    Only codes that exist in :data:`zoo.concepts.BY_CODE` are returned, each once, in order.
    """
    codes = []
    for group, first, last in _CONCEPT.findall(text):
        for number in range(int(first), int(last or first) + 1):
            code = f"{group}{number}"
            if code in BY_CODE and code not in codes:
                codes.append(code)
    return codes


def _note_numbers(text: str) -> list[str]:
    numbers = []
    for run in _NOTES.findall(text):
        found = re.findall(r"\d{3}", run)
        if re.search(r"\d{3}\s*[–-]\s*\d{3}", run) and len(found) == 2:
            found = [f"{n:03d}" for n in range(int(found[0]), int(found[1]) + 1)]
        numbers += [n for n in found if n not in numbers]
    return sorted(numbers)


def read_tutorial(path: pathlib.Path) -> Tutorial:
    """The :class:`Tutorial` of one ``.ipynb`` file."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]
    first = markdown[0] if markdown else ""
    title = next((line.lstrip("# ").strip() for line in first.splitlines() if line.startswith("# ")), path.stem)
    headings = "\n".join(line for text in markdown for line in text.splitlines() if line.startswith("##"))
    return Tutorial(path.stem, title, tuple(_note_numbers(first)), tuple(concept_codes(headings)), path)


def list_tutorials() -> list[Tutorial]:
    """Every tutorial, in order."""
    return [read_tutorial(path) for path in sorted(notebook_folder().glob("[0-9][0-9]_*.ipynb"))]


def copy_tutorials(destination) -> list[tuple[str, str]]:
    """Copy every notebook into ``destination`` (made if missing); ``[(file name, "copied" | "unchanged")]``.

    A file already there with the same content is left as it is. If any file there differs
    (a notebook the user ran or edited), nothing is copied and :class:`TutorialConflictError`
    names every such file.
    """
    destination = pathlib.Path(destination)
    if destination.exists() and not destination.is_dir():
        raise NotADirectoryError(f"--to {str(destination)!r} is a file; give a folder (new or existing).")
    sources = [tutorial.path for tutorial in list_tutorials()]
    changed = [
        path.name
        for path in sources
        if (destination / path.name).exists() and not filecmp.cmp(path, destination / path.name, shallow=False)
    ]
    if changed:
        which = "which differs from the shipped notebook" if len(changed) == 1 else "which differ from the shipped ones"
        raise TutorialConflictError(
            f"{destination} already has {', '.join(changed)}, {which}; nothing was copied. "
            "Move them away or give another --to folder."
        )
    destination.mkdir(parents=True, exist_ok=True)
    done = []
    for path in sources:
        target = destination / path.name
        if target.exists():
            done.append((path.name, "unchanged"))
        else:
            shutil.copyfile(path, target)
            done.append((path.name, "copied"))
    return done
