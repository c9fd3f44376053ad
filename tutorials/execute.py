"""Execute tutorials and write their paired ``.ipynb`` with outputs.

    python tutorials/execute.py                 # every tutorial, full budget
    python tutorials/execute.py 00_quickstart   # one tutorial
    ZOO_SMOKE=1 python tutorials/execute.py ... # tiny budget, as the tests run them

The ``.py`` file (jupytext percent format) is the source of truth; the
``.ipynb`` beside it holds the same cells plus outputs for readers.
"""

from __future__ import annotations

import os
import pathlib
import sys
import time

import jupytext
import nbformat
from nbclient import NotebookClient

HERE = pathlib.Path(__file__).resolve().parent
REPO = HERE.parent


def tutorial_sources() -> list[pathlib.Path]:
    """The tutorial ``.py`` files, in order."""
    return sorted(p for p in HERE.glob("[0-9][0-9]_*.py"))


def execute(source: pathlib.Path, *, timeout: float = 600, cwd=None, env=None) -> tuple:
    """Run a tutorial's cells in a fresh kernel; return ``(notebook, seconds)``.

    ``timeout`` bounds each cell and, checked after every cell, the whole notebook.
    """
    notebook = jupytext.read(source)
    old_env = dict(os.environ)
    if "MPLBACKEND" not in (env or {}):
        # A non-interactive backend (Agg) inherited from the shell would make plt.show() draw
        # nothing; without it the kernel uses Jupyter's inline backend and keeps the figures.
        os.environ.pop("MPLBACKEND", None)
    os.environ.update(env or {})
    os.environ["PYTHONPATH"] = str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")
    start = time.monotonic()
    try:
        client = NotebookClient(
            notebook,
            timeout=int(timeout),
            kernel_name="python3",
            resources={"metadata": {"path": str(cwd or HERE)}},
        )
        with client.setup_kernel():
            for index, cell in enumerate(notebook.cells):
                client.execute_cell(cell, index)
                elapsed = time.monotonic() - start
                if elapsed > timeout:
                    raise TimeoutError(f"{source.name} ran past its {timeout:.0f} s limit at cell {index}.")
    finally:
        os.environ.clear()
        os.environ.update(old_env)
    return notebook, time.monotonic() - start


# TensorFlow's C++ start-up messages, printed on stderr before Python can silence them, and
# ipykernel's note that a busy machine delayed a flush.
_NOISE = (
    "WARNING: All log messages before absl::InitializeLog()",
    "I0000 ",
    "E0000 ",
    "W0000 ",
    "IOStream.flush timed out",
)


def drop_startup_noise(notebook):
    """Remove TensorFlow's start-up log lines from stderr outputs (nothing else is touched)."""
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        kept = []
        for output in cell.outputs:
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                lines = [ln for ln in output["text"].splitlines(keepends=True) if not ln.startswith(_NOISE)]
                if not "".join(lines).strip():
                    continue
                output["text"] = "".join(lines)
            kept.append(output)
        cell.outputs = kept
    return notebook


def write_paired(source: pathlib.Path, notebook) -> pathlib.Path:
    """Write the executed notebook next to its source as ``.ipynb``."""
    target = source.with_suffix(".ipynb")
    drop_startup_noise(notebook)
    notebook.metadata.setdefault("jupytext", {})["formats"] = "ipynb,py:percent"
    nbformat.write(notebook, target)
    return target


def main(names) -> int:
    sources = tutorial_sources()
    if names:
        wanted = {n.removesuffix(".py").removesuffix(".ipynb") for n in names}
        sources = [s for s in sources if s.stem in wanted]
        missing = wanted - {s.stem for s in sources}
        if missing:
            print(f"Unknown tutorials: {sorted(missing)}", file=sys.stderr)
            return 2
    for source in sources:
        notebook, seconds = execute(source, timeout=3600)
        print(f"{source.name}: {seconds:.0f} s -> {write_paired(source, notebook).name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
