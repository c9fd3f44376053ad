"""Trust nothing on disk: zoo tried as a careful attacker and a clumsy user would.

Planted manifests, symbolic links where zoo reads or writes, kills and failures at
chosen writes (injected by the tests, never timed), damaged checkpoints, crafted
``.keras`` files and absurd sizes. Each case checks that nothing outside the folder
given to zoo changed, and that zoo finishes or refuses in one line.
"""

import contextlib
import errno
import json
import os
import signal
import subprocess
import sys
import time
import zipfile

import pytest

import zoo
from tests.conftest import REPO, run_python, run_zoo
from zoo.cli import main
from zoo.run_folder import (
    CHECKPOINT,
    LOCK,
    MANIFEST,
    RunFolder,
    RunFolderError,
    check_folder,
    lock_search_folder,
)
from zoo.training.runs import RunOptions

TINY_TEXT = [
    "train", "text_generator", "--corpus", "stdlib", "--max-chars", "30000", "--steps-per-epoch", "2",
    "--units", "4", "--embedding-dim", "4", "--layers", "1", "--seq-len", "8", "--batch-size", "4",
    "--verbose", "0", "--sample-length", "2",
]  # fmt: skip
TINY_API = dict(
    max_chars=30_000, steps_per_epoch=2, validation_steps=1, seq_len=8, batch_size=4, units=4,
    embedding_dim=4, num_layers=1,
)  # fmt: skip
SETTINGS = {"model": "text_generator", "epochs": 1}


def one_line_error(capsys, code):
    """The one line a refused command printed on stderr (and that it exited with ``code``)."""
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    return err[0]


def finished_folder(path, files=("history.json",)):
    """A finished run folder made through the RunFolder API (no training): each of ``files`` written."""
    with RunFolder.open(path, SETTINGS) as run:
        for name in files:
            run.file(name).write_text("[]")
    return path


def victims(tmp_path):
    """Files outside every run folder that no zoo command may touch; returns {path: bytes}."""
    outside = tmp_path / "outside"
    outside.mkdir()
    files = {outside / "v.txt": b"precious", outside / "abs.txt": b"also precious"}
    for path, data in files.items():
        path.write_bytes(data)
    return files


def untouched(files):
    return all(path.exists() and path.read_bytes() == data for path, data in files.items())


# -- manifests that name other places -------------------------------------------------------
@pytest.mark.parametrize("planted", ["../outside/v.txt", "ABSOLUTE", "sub/../../outside/v.txt", "..", ""])
def test_overwrite_never_follows_a_planted_manifest_outside_its_folder(tmp_path, capsys, planted):
    files = victims(tmp_path)
    run = finished_folder(tmp_path / "r")
    manifest = json.loads((run / MANIFEST).read_text())
    manifest["files"].append(str(tmp_path / "outside" / "abs.txt") if planted == "ABSOLUTE" else planted)
    (run / MANIFEST).write_text(json.dumps(manifest))
    with pytest.raises(RunFolderError, match="not a file inside"):
        RunFolder.open(run, SETTINGS, overwrite=True)
    assert main([*TINY_TEXT, "--epochs", "1", "--out", str(run), "--overwrite"]) == 2
    assert "not a file inside" in one_line_error(capsys, 2)
    assert untouched(files) and (run / "history.json").exists()


def test_a_failed_start_removes_only_what_this_process_wrote(tmp_path):
    run_dir = tmp_path / "r"
    run_dir.mkdir()
    (run_dir / "notes.txt").write_text("the user's own")
    manifest = {"format": 1, "status": "running", "settings": {"model": "other"}, "files": ["notes.txt"],
                "segments": []}  # fmt: skip
    (run_dir / MANIFEST).write_text(json.dumps(manifest))  # an unfinished run that claims the user's file
    with pytest.raises(RuntimeError), RunFolder.open(run_dir, SETTINGS) as run:
        run.file("vocabulary.json").write_text("[]")
        raise RuntimeError("failed before its first epoch")
    assert (run_dir / "notes.txt").read_text() == "the user's own"
    assert not (run_dir / "vocabulary.json").exists()


def test_overwrite_deletes_only_files_unchanged_since_zoo_wrote_them(tmp_path):
    run = finished_folder(tmp_path / "r", files=("history.json", "curve.png"))
    (run / "curve.png").write_text("the user replaced this")
    with pytest.raises(RunFolderError, match="curve.png is not as zoo wrote it"):
        RunFolder.open(run, SETTINGS, overwrite=True)
    assert (run / "curve.png").read_text() == "the user replaced this" and (run / "history.json").exists()
    (run / "curve.png").write_text("[]")  # as zoo wrote it: now it goes
    with RunFolder.open(run, SETTINGS, overwrite=True) as again:
        assert again.mode == "start"
    assert not (run / "curve.png").exists()


def test_a_manifest_of_the_wrong_shape_is_refused_in_one_line(tmp_path):
    run = finished_folder(tmp_path / "r")
    for broken in ('{"format": 1, "files": "x"}', "", "[1, 2]", '{"format": 1, "status": "odd", "settings": {}, '
                   '"files": [], "segments": []}'):  # fmt: skip
        (run / MANIFEST).write_text(broken)
        with pytest.raises(RunFolderError, match=MANIFEST):
            check_folder(run, overwrite=True)


# -- symbolic links where zoo reads or writes --------------------------------------------
@pytest.mark.parametrize("dangling", [False, True])
def test_a_lock_that_is_a_link_is_never_written_through(tmp_path, dangling):
    files = victims(tmp_path)
    target = tmp_path / "outside" / ("new.txt" if dangling else "v.txt")
    run = tmp_path / "r"
    run.mkdir()
    (run / LOCK).symlink_to(target)
    with pytest.raises(RunFolderError, match="symbolic link|did not write"):
        RunFolder.open(run, SETTINGS)
    assert untouched(files) and (dangling is False or not target.exists())


@pytest.mark.parametrize("name", ["history.json", "model.keras", MANIFEST, CHECKPOINT])
def test_a_link_among_a_runs_files_makes_the_folder_foreign(tmp_path, name):
    files = victims(tmp_path)
    run = finished_folder(tmp_path / "r")
    if (run / name).exists():
        (run / name).unlink()
    (run / name).symlink_to(tmp_path / "outside" / "v.txt")
    with pytest.raises(RunFolderError, match="did not write"):
        check_folder(run, overwrite=True)
    assert untouched(files)


def test_a_run_trained_into_the_checkpoint_folder_is_never_deleted(tmp_path):
    outer = tmp_path / "r"
    with RunFolder.open(outer, SETTINGS) as run:
        run.file("history.json").write_text("[]")
        inner = finished_folder(run.checkpoint_dir)  # someone's run, trained into that path meanwhile
    assert (inner / MANIFEST).exists() and (inner / "history.json").exists()
    with pytest.raises(RunFolderError, match=f"{CHECKPOINT}/"):
        check_folder(outer, extend=True)


def test_tutorials_and_export_never_write_through_links(tmp_path, capsys):
    files = victims(tmp_path)
    nowhere = tmp_path / "outside" / "made.ipynb"
    to = tmp_path / "book"
    to.mkdir()
    from zoo import tutorials

    first = tutorials.notebook_paths()[0].name
    (to / first).symlink_to(nowhere)
    assert main(["tutorials", "--to", str(to)]) == 2
    assert "nothing was copied" in one_line_error(capsys, 2) and not nowhere.exists()
    (tmp_path / "dangling").symlink_to(tmp_path / "outside" / "dir")
    assert main(["tutorials", "--to", str(tmp_path / "dangling")]) == 2
    one_line_error(capsys, 2)
    assert main(["tutorials", "--to", ""]) == 2
    assert "names no folder" in one_line_error(capsys, 2)
    out = tmp_path / "model.onnx"
    out.symlink_to(tmp_path / "outside" / "model.onnx")
    assert main(["export", "lenet5", "--format", "onnx", "--out", str(out)]) == 2
    assert "already exists" in one_line_error(capsys, 2) and not (tmp_path / "outside" / "model.onnx").exists()
    assert main(["export", "lenet5", "--format", "onnx", "--out", str(tmp_path / "model.tflite")]) == 2
    assert "is a .onnx file" in one_line_error(capsys, 2)
    assert untouched(files)


def test_a_voc_split_cannot_read_outside_the_data_set(tmp_path):
    from zoo.data.voc import load_voc_detection

    root = tmp_path / "voc"
    (root / "ImageSets" / "Main").mkdir(parents=True)
    (root / "ImageSets" / "Main" / "train.txt").write_text("../../outside/secret\n")
    with pytest.raises(ValueError, match=r"line 1: '\.\./\.\./outside/secret' is not an example name"):
        load_voc_detection(root, "train")


# -- writes that survive a failure: nothing half-written, and the rerun finishes ------------------
def test_a_full_disk_while_copying_notebooks_leaves_no_half_notebook(tmp_path, monkeypatch, capsys):
    from zoo import json_files, tutorials

    real = json_files.write_atomically  # copy_atomically writes through it
    second = tutorials.notebook_paths()[1].name

    def full_disk(path, write):
        if os.path.basename(path) == second:
            return real(path, lambda f: (write(f), _raise_enospc(path)))
        return real(path, write)

    monkeypatch.setattr(json_files, "write_atomically", full_disk)
    assert main(["tutorials", "--to", str(tmp_path / "book")]) == 2
    assert "No space left" in one_line_error(capsys, 2)
    assert not (tmp_path / "book" / second).exists()
    assert not [p for p in (tmp_path / "book").iterdir() if p.name.endswith(".tmp")]
    monkeypatch.undo()
    assert main(["tutorials", "--to", str(tmp_path / "book")]) == 0  # the rerun finishes the copy


def _raise_enospc(path):
    raise OSError(errno.ENOSPC, "No space left on device", str(path))


def test_no_room_for_a_checkpoint_stops_in_one_line_and_the_rerun_finishes(tmp_path, monkeypatch, capsys):
    import shutil

    from zoo.training import callbacks

    out = tmp_path / "r"
    usage = shutil.disk_usage(tmp_path)
    monkeypatch.setattr(callbacks.shutil, "disk_usage", lambda _: usage._replace(free=1000))
    assert main([*TINY_TEXT, "--epochs", "2", "--out", str(out)]) == 2
    line = one_line_error(capsys, 2)
    assert "No space left for the checkpoint" in line and str(out / CHECKPOINT) in line
    assert not (out / CHECKPOINT).exists()  # Keras never began writing it
    monkeypatch.undo()
    assert main([*TINY_TEXT, "--epochs", "2", "--out", str(out)]) == 0
    assert json.loads((out / MANIFEST).read_text())["status"] == "finished"


def test_an_os_error_is_one_line_naming_the_path(tmp_path, capsys):
    parent = tmp_path / "a-file"
    parent.write_text("")
    assert main([*TINY_TEXT, "--epochs", "1", "--out", str(parent / "run")]) == 2
    line = one_line_error(capsys, 2)
    assert str(parent) in line and "internal error" not in line


@pytest.fixture
def small_disk(tmp_path):
    """A real 2 MiB tmpfs file system at ``tmp_path/disk`` (skipped where this machine allows no mount)."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode(errors='replace').strip()}")
    yield disk
    subprocess.run(["umount", "-l", str(disk)], check=True)


def _fill(disk, leave: int):
    """Fill ``disk`` with one file until it is full, then give back ``leave`` bytes; returns the file."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as f, contextlib.suppress(OSError):
        while True:
            f.write(bytes(1 << 12))
    os.truncate(filler, max(0, filler.stat().st_size - leave))
    return filler


@pytest.mark.parametrize(
    "free_kib, refused",
    [
        (0, "No space left on device: {out}/zoo-run.lock"),
        (16, "No space left on device: {out}/zoo-run.json"),
        (40, "No space left for the checkpoint: 0.0 MiB free"),  # DiskSpaceGuard, before h5py writes
        (1088, "No space left for the checkpoint: 1.0 MiB free"),  # the first checkpoint fitted, the second not
        (1800, None),
    ],
)
def test_a_real_full_disk_stops_in_one_line_and_the_rerun_finishes(small_disk, capsys, free_kib, refused):
    mine = small_disk / "mine.txt"
    mine.write_text("the user's")
    filler, out = _fill(small_disk, free_kib << 10), small_disk / "r"
    argv = [*TINY_TEXT, "--epochs", "2", "--out", str(out)]
    code = main(argv)
    if refused is not None:
        assert code == 2 and refused.format(out=out) in one_line_error(capsys, 2)
    assert not [p for p in small_disk.rglob("*") if p.name.endswith(".tmp")]  # nothing half-written by zoo
    assert mine.read_text() == "the user's"
    filler.unlink()
    if refused is not None:
        assert main(argv) == 0  # the rerun, with room, finishes
    else:
        assert code == 0
    assert json.loads((out / MANIFEST).read_text())["status"] == "finished"
    assert [r["epoch"] for r in json.loads((out / "history.json").read_text())] == [1, 2]


def test_a_crash_of_h5py_on_a_full_disk_is_recovered_by_the_rerun(small_disk):
    # With the disk filled between DiskSpaceGuard's check and Keras's write (the guard is bypassed here),
    # h5py can fail in one line or die of SIGSEGV inside its C library at this size; either way the half-written
    # checkpoint is never trusted: the rerun discards it and finishes.
    code = "from zoo.training import callbacks; callbacks.DiskSpaceGuard.needed = lambda self: 0; import runpy, sys; " \
        "sys.argv = ['zoo', *sys.argv[1:]]; runpy.run_module('zoo', run_name='__main__')"  # fmt: skip
    filler, out = _fill(small_disk, 40 << 10), small_disk / "r"
    argv = [*TINY_TEXT, "--epochs", "2", "--out", str(out)]
    first = run_python(code, *argv)
    assert first.returncode in (2, -signal.SIGSEGV), first.stderr[-2000:]
    if first.returncode == 2:
        assert len(first.stderr.strip().splitlines()) == 1 and "No space left" in first.stderr
    filler.unlink()
    second = run_python(code, *argv)
    assert second.returncode == 0, second.stderr[-2000:]
    assert [r["epoch"] for r in json.loads((out / "history.json").read_text())] == [1, 2]


@pytest.mark.parametrize(
    "fault, name",
    [("--kill-at-write", n) for n in ("zoo-run.json", "vocabulary.json", "history.json", "curve.png")]
    + [("--fail-at-write", n) for n in ("zoo-run.json", "history.json")],
)
def test_a_kill_or_failure_at_each_write_leaves_no_half_file_and_the_rerun_finishes(tmp_path, fault, name):
    """Every file a run writes through zoo's atomic writes, cut in half at its first write (injected by
    tests/faults.py, then SIGKILL or ENOSPC): no file of that name is left half-written, and the same
    command then finishes the run."""
    out = tmp_path / "r"
    argv = [*TINY_TEXT, "--epochs", "2", "--out", str(out)]
    first = run_zoo(*argv, faults=(fault, name))
    if fault == "--kill-at-write":
        assert first.returncode == -signal.SIGKILL, first.stderr[-2000:]
    else:
        lines = first.stderr.strip().splitlines()
        assert first.returncode == 2 and len(lines) == 1 and str(out / name) in lines[0], first.stderr[-2000:]
    target = out / name
    if target.exists():  # an earlier, whole version: never the half one
        assert target.stat().st_size > 0 and (name.endswith(".png") or json.loads(target.read_text()) is not None)
    second = run_zoo(*argv)
    assert second.returncode == 0, second.stderr[-2000:]
    assert json.loads((out / MANIFEST).read_text())["status"] == "finished"
    assert [r["epoch"] for r in json.loads((out / "history.json").read_text())] == [1, 2]
    assert not [p.name for p in out.iterdir() if p.name.endswith(".tmp")]


# -- resumes that fall back or refuse, never lie -----------------------------------------------
class StopAfterEpoch(Exception):
    """Stands for a kill once epoch ``n``'s checkpoint is written (raised by a callback after Keras's)."""


def _interrupted_run(out, epochs_done=2):
    import keras

    class Stop(keras.callbacks.Callback):
        def on_epoch_end(self, epoch, logs=None):
            if epoch + 1 == epochs_done:
                raise StopAfterEpoch

    with pytest.raises(StopAfterEpoch):
        zoo.train_text_generator(
            "stdlib", options=RunOptions(epochs=4, out_dir=out, callbacks=[Stop()], verbose=0), **TINY_API
        )
    return out / CHECKPOINT


@pytest.mark.parametrize(
    "damage, resumed_from",
    [
        ("empty metadata", 1),  # kill -9 while Keras rewrote training_metadata.json in place
        ("missing weights", 1),  # latest.weights.h5 gone: never random weights with a later epoch
        ("half weights", 1),  # a full disk cut the weights file short
        ("both pairs damaged", 0),
    ],
)
def test_a_damaged_checkpoint_falls_back_and_history_matches_the_weights(tmp_path, capsys, damage, resumed_from):
    out = tmp_path / "r"
    checkpoint = _interrupted_run(out)
    weights, metadata = checkpoint / "latest.weights.h5", checkpoint / "training_metadata.json"
    if damage == "empty metadata":
        metadata.write_text("")
    elif damage == "missing weights":
        weights.unlink()
    else:
        weights.write_bytes(weights.read_bytes()[: weights.stat().st_size // 2])
        if damage == "both pairs damaged":
            (checkpoint / "training_metadata.json.bkp").write_text("{")
    capsys.readouterr()
    result = zoo.train_text_generator("stdlib", options=RunOptions(epochs=4, out_dir=out, verbose=0), **TINY_API)
    rows = result.history
    said = capsys.readouterr().out
    assert ("before it (epoch 1)" in said) if resumed_from else ("starts again from epoch 0" in said)
    assert [r["epoch"] for r in rows] == [1, 2, 3, 4]
    history = json.loads((out / "history.json").read_text())
    assert [r["epoch"] for r in history] == [1, 2, 3, 4]
    assert json.loads((out / MANIFEST).read_text())["status"] == "finished"


def test_a_truncated_history_is_named_with_what_to_do(tmp_path, capsys):
    out = tmp_path / "r"
    _interrupted_run(out)
    (out / "history.json").write_text('[{"epoch": 1')
    from zoo.json_files import DamagedFileError

    with pytest.raises(DamagedFileError, match=r"history\.json is damaged .* --overwrite"):
        zoo.train_text_generator("stdlib", options=RunOptions(epochs=4, out_dir=out, verbose=0), **TINY_API)


def test_continue_on_a_folder_without_a_run_is_refused(tmp_path, capsys):
    assert main([*TINY_TEXT, "--epochs", "1", "--out", str(tmp_path / "empty"), "--continue"]) == 2
    assert "no finished run to continue" in one_line_error(capsys, 2)


# -- crafted .keras files and absurd sizes ---------------------------------------------------
def test_a_keras_file_that_decompresses_beyond_the_bound_is_refused(tmp_path, capsys):
    from zoo.saving import MAX_JSON_MEMBER

    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", " " * (MAX_JSON_MEMBER + 1))
        archive.writestr("metadata.json", "{}")
    assert bomb.stat().st_size < 100_000
    assert main(["generate", str(bomb), "--prompt", "x"]) == 2
    assert "decompresses to" in one_line_error(capsys, 2)


def _rewritten_keras(tmp_path, edit):
    """A real text_generator saved, its config.json edited by ``edit(config)``."""
    from tests.conftest import small_text_generator

    model = small_text_generator()
    source = tmp_path / "real.keras"
    model.save(source)
    crafted = tmp_path / "crafted.keras"
    with zipfile.ZipFile(source) as src, zipfile.ZipFile(crafted, "w") as dst:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "config.json":
                config = json.loads(data)
                edit(config)
                data = json.dumps(config).encode()
            dst.writestr(item, data)
    return crafted


def test_a_keras_file_asking_for_a_million_layers_is_refused_at_once(tmp_path, capsys):
    crafted = _rewritten_keras(tmp_path, lambda c: c["config"].update(num_layers=1_000_000))
    assert main(["generate", str(crafted), "--prompt", "x", "--length", "2"]) == 2
    line = one_line_error(capsys, 2)
    assert "not a model zoo can load" in line and "1000000" in line
    with pytest.raises(ValueError, match="more than the"):
        zoo.create_model("text_generator", num_layers=10**6)


def test_keras_refusals_of_crafted_files_are_one_line(tmp_path, capsys):
    import keras

    hostile = keras.Sequential([keras.Input((3,)), keras.layers.Lambda(lambda x: x * 2)])  # code in a file
    hostile.save(tmp_path / "lambda.keras")
    assert main(["generate", str(tmp_path / "lambda.keras"), "--prompt", "x", "--length", "2"]) == 2
    line = one_line_error(capsys, 2)
    assert "not a model zoo can load" in line and "Lambda" in line


@pytest.mark.parametrize(
    "argv, said",
    [
        (["generate", "text_generator_stdlib", "--prompt", "x", "--seed", "2147483648"], "--seed"),
        (["generate", "text_generator_stdlib", "--prompt", "x", "--temperature", "1e-50"], "--temperature"),
        (["generate", "text_generator_stdlib", "--prompt", "x", "--top-p", "1e-300"], "--top-p"),
        (["generate", "text_generator_stdlib", "--prompt", "x", "--length", "1000000000"], "GiB"),
        (["generate", "text_generator_stdlib", "--prompt", "x", "--num-samples", "1000000"], "GiB"),
        (["generate", "text_generator_stdlib", "--prompt", ""], "--prompt is empty"),
        ([*TINY_TEXT, "--epochs", "1", "--seed", "2147483648"], "--seed"),
        ([*TINY_TEXT, "--epochs", "1", "--units", "30000"], "GiB"),
        ([*TINY_TEXT[:2], "--corpus", "/dev/zero", "--epochs", "1"], "/dev/zero"),
        (["tune", "text_generator", "--dir", "x", "--epochs", "1", "--workers", "40"], "--force-workers"),
        (["export", "resnet_cifar_digits", "--format", "onnx", "--input-shape", "8,8"], "inputs (8, 8, 1), got"),
        (["export", "seq2seq_attention_dates", "--format", "onnx", "--input-shape", "5"], "(free) and (free)"),
    ],
)
def test_absurd_sizes_and_values_are_refused_before_tensorflow(argv, said, tmp_path):
    code = (
        "import sys; from zoo.cli import main; code = main(sys.argv[1:]); "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'imported'; sys.exit(code)"
    )
    proc = run_python(code, *argv, cwd=tmp_path, timeout=60)
    assert proc.returncode == 2, proc.stderr[-1000:]
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and said in lines[0], lines


def test_other_settings_on_resume_are_refused_before_tensorflow(tmp_path, capsys):
    out = tmp_path / "r"
    argv = [*TINY_TEXT, "--epochs", "3", "--out", str(out)]
    killed = run_zoo(*argv, faults=("--kill-after-epoch", "1"))
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    code = (
        "import sys; from zoo.cli import main; code = main(sys.argv[1:]); "
        "assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules, 'imported'; sys.exit(code)"
    )
    for changed, said in ((["--seed", "3"], "seed: 0 then, 3 now"), (["--units", "6"], "'units': 4} then")):
        proc = run_python(code, *argv, *changed, timeout=60)
        lines = proc.stderr.strip().splitlines()
        assert proc.returncode == 2 and len(lines) == 1 and said in lines[0], proc.stderr[-1000:]
        assert "holds an unfinished run with other settings" in lines[0]
    assert main(argv) == 0  # the same command resumes: the early check refuses nothing it should not
    assert [r["epoch"] for r in json.loads((out / "history.json").read_text())] == [1, 2, 3]


def test_a_fifo_corpus_is_refused(tmp_path, capsys):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert main([*TINY_TEXT[:2], "--corpus", str(fifo), "--epochs", "1", "--out", str(tmp_path / "r")]) == 2
    assert str(fifo) in one_line_error(capsys, 2)


# -- searches: one process per folder, no orphans ---------------------------------------------
def test_a_search_folder_in_use_is_refused(tmp_path, capsys):
    folder = tmp_path / "search"
    with lock_search_folder(folder):
        assert main(["tune", "text_generator", "--dir", str(folder), "--epochs", "1", "--max-chars", "2000"]) == 2
        assert "is in use by process" in one_line_error(capsys, 2)
    (folder / "zoo-search.lock").unlink()
    (folder / "zoo-search.lock").symlink_to(tmp_path / "elsewhere")
    with pytest.raises(RunFolderError, match="symbolic link"), lock_search_folder(folder):
        pass
    assert not (tmp_path / "elsewhere").exists()


def test_the_launchers_processes_die_with_it_even_by_sigkill(tmp_path):
    code = (
        "import sys; from zoo.tune.launch import _start; "
        "child = _start([sys.executable, '-c', 'import time; time.sleep(300)'], None); "
        "print(child.pid, flush=True); sys.stdin.read()"
    )
    env = dict(os.environ, PYTHONPATH=REPO)
    launcher = subprocess.Popen([sys.executable, "-c", code], stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env,
                                text=True)  # fmt: skip
    child = int(launcher.stdout.readline())
    launcher.kill()
    launcher.wait()
    # The child is not ours to wait for: watch its state until the kernel's SIGTERM has ended it.
    for _ in range(2000):
        try:
            with open(f"/proc/{child}/stat") as f:
                if f.read().split(") ")[1].startswith("Z"):
                    break
        except FileNotFoundError:
            break
        time.sleep(0.01)  # a bounded poll of the child's state, not a wait standing in for it
    else:
        os.kill(child, signal.SIGKILL)
        pytest.fail("the launcher's child outlived it")


def test_the_product_reads_no_fault_injection_variables():
    import pathlib

    package = pathlib.Path(zoo.__file__).parent
    found = [p.name for p in package.rglob("*.py") if "ZOO_KILL" in p.read_text() or "ZOO_PAUSE" in p.read_text()]
    assert found == []
