"""Each worker of a distributed search on a multi-GPU host sees its own GPUs (`zoo.tune.launch`,
`zoo tune --workers N --devices-per-worker K`), and nothing changes on a machine without them."""

import json
import os
import stat

import pytest

from tests.conftest import run_python
from tests.test_bad_input import REFUSE_EARLY
from zoo.tune.launch import visible_gpus, worker_devices


@pytest.fixture
def two_fake_gpus(tmp_path, monkeypatch):
    """An `nvidia-smi` on the PATH that lists two GPUs, as the real one does, and no CUDA_VISIBLE_DEVICES."""
    folder = tmp_path / "bin"
    folder.mkdir()
    script = folder / "nvidia-smi"
    script.write_text(
        "#!/bin/sh\n"
        'echo "GPU 0: NVIDIA H100 80GB HBM3 (UUID: GPU-aaaa)"\n'
        'echo "GPU 1: NVIDIA H100 80GB HBM3 (UUID: GPU-bbbb)"\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PATH", f"{folder}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.delenv("CUDA_VISIBLE_DEVICES", raising=False)
    return folder


def test_workers_get_their_own_gpus_in_order():
    assert worker_devices(2, 1, ["0", "1", "2"]) == ["0", "1"]
    assert worker_devices(2, 2, ["4", "5", "6", "7"]) == ["4,5", "6,7"]
    assert worker_devices(3, 1, []) is None  # no GPUs: nothing to assign
    with pytest.raises(ValueError, match=r"--workers 3 with --devices-per-worker 1 needs 3 GPUs; 2 visible \(0,1\)"):
        worker_devices(3, 1, ["0", "1"])


def test_the_visible_gpus_are_the_users_list_or_what_the_driver_lists(two_fake_gpus, tmp_path):
    assert visible_gpus() == ["0", "1"]
    assert visible_gpus({"CUDA_VISIBLE_DEVICES": "2, 3"}) == ["2", "3"]
    assert visible_gpus({"CUDA_VISIBLE_DEVICES": ""}) == []  # the user hid them all
    os.environ["PATH"] = str(tmp_path / "nowhere")  # no driver at all (monkeypatch restores PATH)
    assert visible_gpus() == []


def test_too_many_devices_per_worker_is_refused_in_one_line_before_tensorflow(two_fake_gpus, tmp_path):
    argv = ["tune", "autoregressive_forecaster", "--dir", str(tmp_path / "s"), "--epochs", "1", "--workers", "2",
            "--devices-per-worker", "2"]  # fmt: skip
    proc = run_python(REFUSE_EARLY, json.dumps(argv), cwd=tmp_path, env={"PATH": os.environ["PATH"]})
    assert (
        proc.stderr.strip()
        .splitlines()[-1]
        .endswith(
            "--workers 2 with --devices-per-worker 2 needs 4 GPUs; 2 visible (0,1): give fewer workers or devices "
            "per worker."
        )
    ), proc.stderr[-2000:]
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"rc": 2, "tensorflow": False, "keras": False}
    assert not (tmp_path / "s").exists()  # refused before the search folder is made
