"""A search read at a glance (`zoo.tune.figures`): η² importance by hand, and the report's tables, figures
and best command written from a committed search folder (tests/data/search_forecaster: a 2x2 grid of the
autoregressive forecaster, two of its trials stopped by the median rule)."""

import json
import shutil

import pytest

from tests.conftest import REPO
from zoo.tune.figures import importance
from zoo.tune.objectives import Objective
from zoo.tune.report import print_report

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends

LOSS = Objective("val_loss", "min")


def grid(scores):
    """A 2x2 grid over units and layers with these scores, in (1, 1), (2, 1), (1, 2), (2, 2) order."""
    cells = [(1, 1), (2, 1), (1, 2), (2, 2)]
    return [{"trial_id": str(i), "status": "COMPLETED", "units": u, "layers": n, "val_loss": y}
            for i, ((u, n), y) in enumerate(zip(cells, scores, strict=True))]  # fmt: skip


def test_importance_by_hand():
    # Units alone decide the score: all of its variance, none for layers.
    assert importance(grid([1.0, 3.0, 1.0, 3.0]), ["units", "layers"], LOSS) == {"units": 1.0, "layers": 0.0}
    # Scores 1, 2, 3, 4: mean 2.5, total sum of squares 5; units' means 2 and 3 give 2(0.25) + 2(0.25) = 1,
    # layers' means 1.5 and 3.5 give 2(1) + 2(1) = 4: shares 0.2 and 0.8.
    shares = importance(grid([1.0, 2.0, 3.0, 4.0]), ["units", "layers"], LOSS)
    assert shares == pytest.approx({"units": 0.2, "layers": 0.8})
    rows = grid([1.0, 1.0, 1.0, 1.0]) + [{"trial_id": "9", "status": "FAILED", "units": 3, "layers": 3}]
    assert importance(rows, ["units", "layers"], LOSS) == {"units": 0.0, "layers": 0.0}  # nothing to explain


def test_the_report_writes_its_figures_from_a_committed_search_folder(tmp_path, capsys):
    folder = tmp_path / "search"
    shutil.copytree(REPO + "/tests/data/search_forecaster", folder)
    files = print_report(folder)
    printed = capsys.readouterr().out
    for name in ("scores", "parameters", "curves"):
        assert files[name].read_bytes()[:8] == b"\x89PNG\r\n\x1a\n", name
    rows = json.loads(files["json"].read_text())
    assert [r["trial_id"] for r in rows] == ["0000", "0001", "0002", "0003"]  # lowest mean absolute error first
    assert [r.get("stopped_at_epoch") for r in rows] == [None, None, 2, 2]
    shares = json.loads(files["importance"].read_text())
    assert shares["objective"] == "val_mae_sunspots:min" and shares["method"] == "eta squared"
    assert shares["learning_rate"] > shares["hidden_units"]  # the rate too small to learn matters most
    assert f"zoo train autoregressive_forecaster --from-search {folder} --trial 0000 --epochs N" in printed
    assert "4 of 4 trials completed (2 stopped early by the median rule)" in printed
