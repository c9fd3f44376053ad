"""Tutorials run offline in smoke mode, and each .py/.ipynb pair is in sync."""

import pathlib
import sys

import jupytext
import pytest

TUTORIALS = pathlib.Path(__file__).resolve().parent.parent / "tutorials"
sys.path.insert(0, str(TUTORIALS))
import execute  # noqa: E402  (tutorials/execute.py)

SOURCES = execute.tutorial_sources()
TIME_LIMIT_S = 900  # a hung kernel's limit per notebook (a safety net, not a speed check: see benchmarks/)


def cells(notebook):
    return [(c.cell_type, c.source.strip()) for c in notebook.cells]


def test_there_are_tutorials():
    assert [s.name for s in SOURCES][:1] == ["00_quickstart.py"]


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_pair_is_in_sync(source):
    paired = source.with_suffix(".ipynb")
    assert paired.exists(), f"{paired.name} is missing: run python tutorials/execute.py {source.stem}"
    ipynb = jupytext.read(paired)
    assert cells(ipynb) == cells(jupytext.read(source)), (
        f"{paired.name} differs from {source.name}: run python tutorials/execute.py {source.stem}"
    )
    executed = [c for c in ipynb.cells if c.cell_type == "code"]
    assert all(c.get("execution_count") for c in executed), f"{paired.name} was saved without running it"
    assert not [o for c in executed for o in c.outputs if o.output_type == "error"]
    plotting = [c for c in executed if "plt.show()" in c.source]
    without_figure = [
        c.source.splitlines()[0] for c in plotting if not any("image/png" in o.get("data", {}) for o in c.outputs)
    ]
    assert without_figure == [], f"{paired.name}: cells that show a figure saved none (run without MPLBACKEND=Agg)"


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_tutorial_runs_in_smoke_mode(source, tmp_path):
    notebook, _ = execute.execute(
        source,
        timeout=TIME_LIMIT_S,
        cwd=tmp_path,
        env={"ZOO_SMOKE": "1", "TF_CPP_MIN_LOG_LEVEL": "3", "MPLBACKEND": "Agg"},
    )
    errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.outputs if o.output_type == "error"]
    assert errors == []
