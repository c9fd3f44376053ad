"""The tutorials: Jupyter notebooks that mirror the study notes, shipped with the package.

An installed wheel holds them as package data in `zoo/notebooks/` (`setup.py`
copies them there from the repository's `tutorials/` when it builds); a checkout
reads `tutorials/` itself. What each tutorial is about is read from the notebook,
so it is written once: the title from its first heading, the notes it mirrors from
its first cell (`Mirrors **note 003** ...`) and the concepts it demonstrates from
its section headings (`## S6 · The recurrence in NumPy`, `## S3–S5 with the library`).

Each claim a tutorial measures is recorded with `claim`, which prints the verdict and
keeps it in the saved notebook's outputs; `recorded_claims` reads them back, so the book's
claims index shows what the executed notebooks found, not what someone typed about them.

Keras-free: `zoo tutorials` lists and copies without importing Keras.
"""

from __future__ import annotations

import dataclasses
import filecmp
import json
import pathlib
import re

from zoo.concepts import BY_CODE
from zoo.errors import InputError, ZooError
from zoo.json_files import copy_atomically

CLAIM_MIMETYPE = "application/vnd.zoo.claim+json"
VERDICTS = ("holds", "does not hold", "holds only under conditions")

_PACKAGE = pathlib.Path(__file__).resolve().parent
_CONCEPT = re.compile(r"\b([SLCVA])(\d{1,2})(?:\s*[–-]\s*\1?(\d{1,2}))?\b")
_NOTES = re.compile(r"\bnotes?\s+(\d{3}(?:\s*(?:,|and|/|–|-)\s*\d{3})*)")


class TutorialConflictError(ZooError, FileExistsError):
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
    """The folder holding the tutorial notebooks: the wheel's `zoo/notebooks/` or a checkout's `tutorials/`."""
    for folder in (_PACKAGE / "notebooks", _PACKAGE.parent / "tutorials"):
        if any(folder.glob("[0-9][0-9]_*.ipynb")):
            return folder
    raise FileNotFoundError(
        f"no tutorial notebooks in {_PACKAGE / 'notebooks'}; reinstall with pip install keras-study-zoo"
    )


def concept_codes(text: str) -> list[str]:
    """The concept codes named in `text`, ranges expanded: `"S3–S5, L8"` -> `["S3", "S4", "S5", "L8"]`.

    Only codes that exist in `zoo.concepts.BY_CODE` are returned, each once, in order.
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
    """The `Tutorial` of one `.ipynb` file."""
    cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
    markdown = ["".join(cell["source"]) for cell in cells if cell["cell_type"] == "markdown"]
    first = markdown[0] if markdown else ""
    title = next((line.lstrip("# ").strip() for line in first.splitlines() if line.startswith("# ")), path.stem)
    headings = "\n".join(line for text in markdown for line in text.splitlines() if line.startswith("##"))
    return Tutorial(path.stem, title, tuple(_note_numbers(first)), tuple(concept_codes(headings)), path)


def notebook_paths() -> list[pathlib.Path]:
    """Every tutorial's `.ipynb` file, in order."""
    return sorted(notebook_folder().glob("[0-9][0-9]_*.ipynb"))


def list_tutorials() -> list[Tutorial]:
    """Every tutorial, in order."""
    return [read_tutorial(path) for path in notebook_paths()]


def copy_tutorials(destination) -> list[tuple[str, str]]:
    """Copy every notebook into `destination` (made if missing); `[(file name, "copied" | "unchanged")]`.

    A file already there with the same content is left as it is. If any file there differs
    (a notebook the user ran or edited) or is a symbolic link, nothing is copied and
    `TutorialConflictError` names every such file. Each notebook is written to a
    temporary name and renamed, so a full disk or a kill leaves no half-written one.
    """
    if not str(destination).strip():
        raise NotADirectoryError("--to '' names no folder; give a folder (new or existing).")
    destination = pathlib.Path(destination)
    if destination.is_symlink() and not destination.exists():
        raise NotADirectoryError(f"--to {str(destination)!r} is a symbolic link to nothing; give a folder.")
    if destination.exists() and not destination.is_dir():
        raise NotADirectoryError(f"--to {str(destination)!r} is a file; give a folder (new or existing).")
    sources = notebook_paths()
    changed = [
        path.name
        for path in sources
        if (destination / path.name).is_symlink()
        or ((destination / path.name).exists() and not filecmp.cmp(path, destination / path.name, shallow=False))
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
        else:  # whole or not at all: a full disk leaves no truncated notebook that a rerun would refuse
            copy_atomically(path, target)
            done.append((path.name, "copied"))
    return done


def claim(code: str, verdict: str, measured: str, *, condition: str | None = None) -> None:
    """Record a tutorial's verdict on one of the notes' claims.

    Args:
        code: the claim's code in `zoo.concepts.BY_CODE` (`"C11"`), one marked as a claim.
        verdict: one of `VERDICTS`.
        measured: the numbers behind the verdict, in words (`"two 3x3: 18C^2 weights, one 5x5: 25C^2"`).
        condition: for `"holds only under conditions"`, the conditions (required then, refused otherwise).

    Prints `code verdict: measured` and, in a notebook, also attaches the record
    `{"code", "verdict", "measured", "condition"}` as display data (`application/vnd.zoo.claim+json`)
    that the saved notebook keeps and `recorded_claims` reads back. Returns nothing, so a
    notebook cell that ends with it shows the line once.
    """
    concept = BY_CODE.get(code)
    if concept is None or not concept.claim:
        claims = ", ".join(c for c, k in BY_CODE.items() if k.claim)
        raise InputError(f"code={code!r} is not one of the notes' claims; accepted: {claims}.")
    if verdict not in VERDICTS:
        raise InputError(f"verdict={verdict!r} is not accepted; give one of {', '.join(map(repr, VERDICTS))}.")
    if (condition is None) == (verdict == VERDICTS[2]):
        raise InputError(f"condition= goes with verdict {VERDICTS[2]!r} and only with it (got {condition!r}).")
    record = {"code": code, "verdict": verdict, "measured": str(measured), "condition": condition}
    text = f"{code} {verdict}: {measured}" + (f" (only when {condition})" if condition else "")
    shell = None
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        pass
    if shell is None:
        print(text)
    else:
        from IPython.display import display

        display({"text/plain": text, CLAIM_MIMETYPE: record}, raw=True)


def recorded_claims(path) -> list[dict]:
    """The claim records (`claim`) in a saved notebook's outputs, in order."""
    cells = json.loads(pathlib.Path(path).read_text(encoding="utf-8"))["cells"]
    return [
        output["data"][CLAIM_MIMETYPE]
        for cell in cells
        if cell["cell_type"] == "code"
        for output in cell.get("outputs", [])
        if CLAIM_MIMETYPE in output.get("data", {})
    ]
