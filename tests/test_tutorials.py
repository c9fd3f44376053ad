"""Tutorials run offline in smoke mode from the installed wheel, and each .py/.ipynb pair is in sync."""

import json
import os
import pathlib
import sys

import jupytext
import nbformat
import pytest
from jupyter_client import KernelManager
from jupyter_client.kernelspec import KernelSpecManager
from nbclient import NotebookClient

from tests.conftest import clean_environment, run_clean
from zoo.tutorials import recorded_claims

TUTORIALS = pathlib.Path(__file__).resolve().parent.parent / "tutorials"
sys.path.insert(0, str(TUTORIALS))
import execute  # noqa: E402  (tutorials/execute.py)

SOURCES = execute.tutorial_sources()
TIME_LIMIT_S = 900  # a hung cell's limit (a safety net, not a speed check: see benchmarks/)


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


def run_in_the_wheels_kernel(notebook_path, installed_wheel, env):
    """Execute a notebook in a kernel that the wheel's Python runs (so ``import zoo`` finds the wheel), from this
    test process, and write it beside the original as ``.smoke.ipynb``; return the executed notebook.

    The kernel's command names that interpreter by its path: jupyter_client replaces a bare ``python`` with the
    Python of the process that starts the kernel. A last cell says where zoo came from.
    """
    specs = notebook_path.parent.parent / "kernels"
    (specs / "wheel").mkdir(parents=True, exist_ok=True)
    argv = [str(installed_wheel.python), "-m", "ipykernel_launcher", "-f", "{connection_file}"]
    spec = {"argv": argv, "display_name": "Python 3 (the wheel)", "language": "python"}
    (specs / "wheel" / "kernel.json").write_text(json.dumps(spec))
    kernels = KernelManager(kernel_name="wheel", kernel_spec_manager=KernelSpecManager(kernel_dirs=[str(specs)]))
    notebook = nbformat.read(notebook_path, as_version=4)
    notebook.cells.append(nbformat.v4.new_code_cell("import zoo; print('zoo from', zoo.__file__)"))
    where = {"metadata": {"path": str(notebook_path.parent)}}
    client = NotebookClient(notebook, km=kernels, timeout=TIME_LIMIT_S, resources=where)
    client.execute(env=clean_environment(env), cleanup_kc=True)  # a kernel manager it was given: shut it down too
    assert not kernels.is_alive(), "the kernel outlived its notebook"
    nbformat.write(notebook, notebook_path.with_suffix(".smoke.ipynb"))
    return notebook


# Claims whose verdict depends on the training budget, which smoke mode cuts to seconds: for the others
# a smoke run must reach the verdict the committed (full) run recorded.
BUDGET_DEPENDENT = {
    "C13",  # a 34-layer plain network against a residual one, after 2 epochs instead of 20
    "S12",  # tanh against ReLU: tanh is lower after 20 steps, ReLU after the full run's 400
    "L14",  # 32 against 256 units: 6 steps do not reach the overfitting the full run's 900 show
    "L15",  # depth against width after 2 batches per trial instead of 240
    "S14",  # single cells that track code features, after 3 seconds of training instead of 4 minutes
    "A4",  # attention's cost slope over N = 64..256 in smoke mode, 128..4096 in the full run
    "A6",  # a Transformer on digit patches after 3 epochs instead of 40
}


@pytest.mark.parametrize("source", SOURCES, ids=lambda p: p.stem)
def test_tutorial_runs_in_smoke_mode(source, tmp_path, installed_wheel):
    """A pip user's path: ``zoo tutorials --to DIR`` from the installed wheel, then the notebook runs in DIR."""
    book = tmp_path / "book"
    copied = run_clean([installed_wheel.zoo, "tutorials", "--to", book], cwd=tmp_path)
    assert copied.returncode == 0, copied.stderr
    env = {
        "ZOO_SMOKE": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "MPLBACKEND": "Agg",
        "PATH": f"{installed_wheel.bin}{os.pathsep}{os.environ['PATH']}",
    }
    executed = run_in_the_wheels_kernel(book / f"{source.stem}.ipynb", installed_wheel, env)
    # The kernel may send one print in several stream messages: read the cell's whole stdout.
    where = "".join(o["text"] for o in executed.cells[-1].outputs if o.get("name") == "stdout").strip()
    assert where.startswith("zoo from ") and str(installed_wheel.python.parent.parent) in where, where
    committed = {r["code"]: r["verdict"] for r in recorded_claims(source.with_suffix(".ipynb"))}
    smoke = {r["code"]: r["verdict"] for r in recorded_claims(book / f"{source.stem}.smoke.ipynb")}
    assert set(smoke) <= set(committed)
    assert {c: v for c, v in smoke.items() if c not in BUDGET_DEPENDENT and v != committed[c]} == {}
