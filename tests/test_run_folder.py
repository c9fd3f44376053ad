"""Run folders that own their files: refuse what is not zoo's, never overwrite a finished run,
one process per folder, resume with the settings and learning rates of an uninterrupted run."""

import json
import os

import keras
import numpy as np
import pytest

import zoo
from tests.conftest import run_zoo
from tests.recording import RateRecorder
from zoo.cli import main
from zoo.run_folder import CHECKPOINT, LOCK, MANIFEST, RunFolder, RunFolderError, check_folder, foreign_files
from zoo.training.runs import RunOptions

TINY_TEXT = [
    "train", "text_generator", "--corpus", "stdlib", "--max-chars", "40000", "--steps-per-epoch", "2",
    "--units", "8", "--embedding-dim", "4", "--layers", "1", "--seq-len", "16", "--batch-size", "4",
    "--verbose", "2", "--sample-length", "3",
]  # fmt: skip
TINY_API = dict(
    max_chars=40_000, steps_per_epoch=3, validation_steps=2, seq_len=16, batch_size=4, units=8,
    embedding_dim=4, num_layers=1,
)  # fmt: skip


def snapshot(folder):
    """Every file below ``folder`` with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# The tests sharing a module fixture run in one test process (xdist's loadgroup), so it is made once.
@pytest.fixture(scope="module")
def finished_run(tmp_path_factory):
    """A finished two-epoch zoo train run, and a pristine copy of its files."""
    out = tmp_path_factory.mktemp("runs") / "finished"
    proc = run_zoo(*TINY_TEXT, "--epochs", "2", "--out", str(out))
    assert proc.returncode == 0, proc.stderr[-2000:]
    return out, snapshot(out), proc


@pytest.mark.xdist_group("run-folder-finished")
def test_a_finished_run_lists_what_it_wrote_and_prints_no_tensorflow_noise(finished_run):
    out, files, proc = finished_run
    manifest = json.loads((out / MANIFEST).read_text())
    assert manifest["status"] == "finished"
    assert sorted(manifest["files"]) == ["curve.png", "history.json", "model.keras", "vocabulary.json"]
    assert manifest["settings"]["model"] == "text_generator" and manifest["settings"]["epochs"] == 2
    assert manifest["settings"]["model_args"] == {"embedding_dim": 4, "num_layers": 1, "units": 8}
    assert {"python", "keras", "keras-study-zoo"} <= set(manifest["versions"])
    assert not (out / CHECKPOINT).exists()
    assert foreign_files(out, manifest) == []
    for noise in ("cuda", "cuInit", "oneDNN", "absl"):
        assert noise not in proc.stderr


@pytest.mark.xdist_group("run-folder-finished")
def test_a_finished_run_is_never_overwritten(finished_run, tmp_path):
    out, files, _ = finished_run
    proc = run_zoo(*TINY_TEXT, "--epochs", "2", "--out", str(out))
    assert proc.returncode == 2 and proc.stdout == ""
    line = proc.stderr.strip().splitlines()[-1]
    assert "holds a finished run of text_generator" in line and "--continue" in line and "--overwrite" in line
    assert snapshot(out) == files  # nothing touched
    with pytest.raises(RunFolderError, match="holds a finished run"):
        zoo.train_text_generator("stdlib", options=RunOptions(epochs=1, out_dir=out, verbose=0), **TINY_API)
    assert snapshot(out) == files


@pytest.mark.xdist_group("run-folder-finished")
def test_overwrite_replaces_only_zoos_files_and_continue_trains_further(finished_run, tmp_path, capsys):
    out, files, _ = finished_run
    copy = tmp_path / "copy"
    copy.mkdir()
    for name, data in files.items():
        (copy / name).write_bytes(data)
    # The two runs train in this process (which has Keras imported already), the finished one in another.
    assert main([*TINY_TEXT, "--epochs", "1", "--out", str(copy), "--continue"]) == 0
    assert "Epoch 3/3" in capsys.readouterr().out
    rows = json.loads((copy / "history.json").read_text())
    assert [r["epoch"] for r in rows] == [1, 2, 3]
    assert rows[:2] == json.loads(files["history.json"])  # the finished epochs are kept
    assert rows[2]["time_s"] > rows[1]["time_s"]
    assert rows[2]["loss"] < rows[0]["loss"]  # trained on from the saved model, not from scratch
    assert len(json.loads((copy / MANIFEST).read_text())["segments"]) == 2

    assert main([*TINY_TEXT, "--epochs", "1", "--out", str(copy), "--overwrite"]) == 0
    assert [r["epoch"] for r in json.loads((copy / "history.json").read_text())] == [1]

    proc = run_zoo(*TINY_TEXT, "--epochs", "1", "--out", str(copy), "--overwrite", "--continue")
    assert proc.returncode == 2 and "not both" in proc.stderr


def test_folders_with_files_zoo_did_not_write_are_refused_and_kept(tmp_path):
    out = tmp_path / "mine"
    (out / "backup").mkdir(parents=True)
    (out / "backup" / "notes.txt").write_text("my own notes")
    (out / "model.keras").write_bytes(b"my model")
    before = snapshot(out)
    for extra in ((), ("--overwrite",), ("--continue",)):
        proc = run_zoo(*TINY_TEXT, "--epochs", "1", "--out", str(out), *extra)
        assert proc.returncode == 2 and proc.stdout == "", extra
        assert "holds files that zoo did not write (backup, model.keras)" in proc.stderr
    assert snapshot(out) == before
    proc = run_zoo(*TINY_TEXT, "--epochs", "1", "--out", str(out / "backup" / "notes.txt"))
    assert proc.returncode == 2 and "is a file, not a folder" in proc.stderr


def test_a_second_process_on_the_same_folder_is_refused(tmp_path):
    out = tmp_path / "busy"
    held = RunFolder.open(out, {"model": "text_generator"})
    try:
        proc = run_zoo(*TINY_TEXT, "--epochs", "1", "--out", str(out))
        assert proc.returncode == 2 and proc.stdout == ""
        assert f"is in use by process {os.getpid()}" in proc.stderr.strip().splitlines()[-1]
        with pytest.raises(RunFolderError, match=f"in use by process {os.getpid()}"):
            RunFolder.open(out, {"model": "text_generator"})
    finally:
        held.release()
    # The lock file stays; once its holder let go (or died: the kernel drops the lock), the folder is free.
    assert (out / LOCK).exists()
    assert check_folder(out) == "resume"


def test_resume_refuses_other_settings_and_names_them(tmp_path):
    out = tmp_path / "run"

    class Crash(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            raise RuntimeError("killed")

    with pytest.raises(RuntimeError, match="killed"):
        zoo.train_text_generator(
            "stdlib", options=RunOptions(epochs=3, out_dir=out, callbacks=[Crash()], verbose=0), **TINY_API
        )
    assert (out / CHECKPOINT).exists()  # the crashed run keeps what it finished
    with pytest.raises(
        RunFolderError, match=r"unfinished run with other settings \(model_args: .*'units': 8.*'units': 12"
    ):
        zoo.train_text_generator(
            "stdlib", options=RunOptions(epochs=3, out_dir=out, verbose=0), **{**TINY_API, "units": 12}
        )
    with pytest.raises(RunFolderError, match="corpus: 'stdlib' then, 'pydoc' now"):
        zoo.train_text_generator("pydoc", options=RunOptions(epochs=3, out_dir=out, verbose=0), **TINY_API)
    proc = run_zoo(*TINY_TEXT, "--epochs", "3", "--out", str(out), "--seed", "1")
    assert proc.returncode == 2 and "seed: 0 then, 1 now" in proc.stderr


def test_a_failed_start_leaves_nothing_behind(tmp_path):
    out = tmp_path / "new"
    with pytest.raises(ValueError, match="carry_state=True needs a recurrent model"):
        zoo.train_transformer_lm("stdlib", options=RunOptions(epochs=1, out_dir=out, verbose=0), carry_state=True, **{
            k: v for k, v in TINY_API.items() if k not in ("units", "num_layers", "embedding_dim")
        })  # fmt: skip
    assert not out.exists()


class CrashAfter(keras.callbacks.Callback):
    """An interruption once epoch ``n`` is checkpointed (after zoo's callbacks, as a kill would be)."""

    def __init__(self, n):
        super().__init__()
        self.n = n

    def on_epoch_end(self, epoch, logs=None):
        if epoch + 1 == self.n:
            raise KeyboardInterrupt


def test_a_resumed_run_trains_with_the_rates_and_losses_of_an_uninterrupted_one(tmp_path):
    whole = RateRecorder()
    zoo.train_text_generator(
        "stdlib", options=RunOptions(epochs=4, out_dir=tmp_path / "whole", callbacks=[whole], verbose=0), **TINY_API
    )
    with pytest.raises(KeyboardInterrupt):
        zoo.train_text_generator(
            "stdlib",
            options=RunOptions(
                epochs=4, out_dir=tmp_path / "cut", callbacks=[RateRecorder(), CrashAfter(2)], verbose=0
            ),
            **TINY_API,
        )
    resumed = RateRecorder()
    zoo.train_text_generator(
        "stdlib", options=RunOptions(epochs=4, out_dir=tmp_path / "cut", callbacks=[resumed], verbose=0), **TINY_API
    )
    assert sorted(resumed.rates) == [(e, b) for e in (2, 3) for b in range(3)]  # epochs 3 and 4 only
    for key, rate in resumed.rates.items():
        assert rate == pytest.approx(whole.rates[key], rel=1e-6), key
    assert resumed.rates[(2, 0)] < whole.rates[(0, 0)]  # the schedule did decay
    assert resumed.first_losses[2] == pytest.approx(whole.first_losses[2], rel=1e-5)
    cut = json.loads((tmp_path / "cut" / "history.json").read_text())
    uncut = json.loads((tmp_path / "whole" / "history.json").read_text())
    np.testing.assert_allclose([r["loss"] for r in cut], [r["loss"] for r in uncut], rtol=1e-5)


def test_a_model_used_only_for_generation_saves_its_weights(tmp_path):
    keras.utils.set_random_seed(3)
    model = zoo.create_model("text_generator", units=8, embedding_dim=4)
    text = zoo.generate(model, "def ", 20, temperature=0)
    assert model.built and len(model.weights) > 0
    model.save(tmp_path / "m.keras")
    loaded = zoo.load_model(tmp_path / "m.keras")
    assert zoo.generate(loaded, "def ", 20, temperature=0) == text
    for a, b in zip(model.get_weights(), loaded.get_weights(), strict=True):
        np.testing.assert_array_equal(a, b)
