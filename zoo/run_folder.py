"""A training run's output folder, which owns its files (Keras-free).

`zoo train --out DIR` (and every trainer's `out_dir=`) writes into DIR:

- `zoo-run.json`: the manifest: model, every setting, data identity,
  package versions, the files the run wrote, and whether it finished;
- `zoo-run.lock`: held (an OS file lock, released by the kernel even after
  `kill -9`) by the one process training there; it names that process;
- `zoo-checkpoint/`: Keras's `BackupAndRestore` state, which no other code
  uses; removed once the run has saved its model and is marked finished;
- the outputs: `model.keras`, `history.json`, `curve.png` and, by kind,
  `vocabulary.json` or `predictions.png`.

Starting a run in a folder (`RunFolder.open`):

- empty or missing: start;
- an unfinished run with the same settings: resume it;
- an unfinished run with other settings: refuse, naming the settings that differ;
- a finished run: refuse, unless `extend` (`zoo train --continue`: train
  further from the saved model, same settings, a new budget) or `overwrite`
  (remove what the run wrote, then start);
- any file zoo did not write there: refuse, whatever the flags, so nothing of
  the user's is ever deleted or replaced.

Nothing in the folder is trusted: a symbolic link anywhere zoo would read or
write is a file zoo did not write; every name the manifest lists must be a
plain entry of the folder; `--overwrite` deletes only files whose size and
SHA-256 match what zoo recorded when it wrote them; the lock is opened
without following links; and a damaged checkpoint falls back to the one
before it (Keras keeps two) or is refused, naming the file
(`RunFolder.checked_checkpoint`).

`check_folder` applies the same rules without settings or locking, so
the command line can refuse at once, before it imports TensorFlow.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import pathlib
import re
import socket
import stat
import sys
import time

from zoo.errors import ZooError
from zoo.json_files import DamagedFileError, copy_atomically, read_json, write_json_atomically

MANIFEST = "zoo-run.json"
LOCK = "zoo-run.lock"
CHECKPOINT = "zoo-checkpoint"
HISTORY = "history.json"
FORMAT = 1
#: Settings that may change when a finished run is continued (the budget of the new segment).
BUDGET_SETTINGS = ("epochs", "minutes")
#: What Keras's `BackupAndRestore` (`double_checkpoint=True`) writes into the checkpoint folder:
#: the latest (weights, metadata) pair and the one before it.
CHECKPOINT_PAIRS = (
    ("latest.weights.h5", "training_metadata.json"),
    ("latest.weights.h5.bkp", "training_metadata.json.bkp"),
)
CHECKPOINT_FILES = tuple(name for pair in CHECKPOINT_PAIRS for name in pair)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)


class RunFolderError(ZooError, ValueError):
    """A run folder that cannot be used as asked; the message says why and what to do."""


def plain_entry(folder, name) -> pathlib.Path:
    """`folder / name` when `name` is a plain entry of `folder`; else `RunFolderError`.

    A plain entry is a non-empty name with no path separator, not `.` or
    `..`: never an absolute path or one that leaves the folder.
    """
    ok = isinstance(name, str) and name not in ("", ".", "..") and "\0" not in name
    ok = ok and "/" not in name and os.sep not in name and (os.altsep or "/") not in name
    if not ok:
        raise RunFolderError(
            f"{pathlib.Path(folder) / MANIFEST} lists {name!r} among its files, which is not a file inside "
            f"{folder}; zoo does not use a folder whose manifest names other places: give another folder."
        )
    return pathlib.Path(folder) / name


def fingerprint(*texts) -> str:
    """A short SHA-256 of texts or arrays: the data identity a run folder records."""
    import hashlib

    digest = hashlib.sha256()
    for part in texts:
        if isinstance(part, str):
            digest.update(part.encode("utf-8"))
        else:
            import numpy as np

            digest.update(np.ascontiguousarray(part).tobytes())
        digest.update(b"\0")
    return digest.hexdigest()[:16]


def settings_of(model_args: dict) -> dict:
    """Builder arguments as a run folder records them: JSON values, a vocabulary by its fingerprint."""
    out = {}
    for key, value in sorted(model_args.items()):
        if key == "vocabulary":
            value = "sha256:" + fingerprint("\n".join(value))
        elif not isinstance(value, (str, int, float, bool, type(None), list, tuple, dict)):
            value = repr(value)
        out[key] = value
    return out


def _read_manifest(path: pathlib.Path) -> dict | None:
    file = path / MANIFEST
    if file.is_symlink():
        return None  # not zoo's: foreign_files names it
    if not file.exists():
        return None
    try:
        manifest = read_json(file, hint="use another folder")
    except (OSError, DamagedFileError) as err:
        raise RunFolderError(f"{file} is not a readable zoo run manifest ({err}); use another folder.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RunFolderError(f"{file} is not a zoo run manifest of format {FORMAT}; use another folder.")
    shape = {"status": str, "settings": dict, "files": list, "segments": list}
    wrong = [key for key, kind in shape.items() if not isinstance(manifest.get(key), kind)]
    if wrong or manifest["status"] not in ("running", "finished"):
        raise RunFolderError(f"{file} is a damaged zoo run manifest ({', '.join(wrong) or 'status'}); "
                             "use another folder.")  # fmt: skip
    for name in manifest["files"]:
        plain_entry(path, name)
    return manifest


def _temporary_of(name: str, owned: set) -> bool:
    """A temporary file of an atomic write (`.NAME.PID.HEX.tmp`) left by a kill."""
    match = re.fullmatch(r"\.(.+)\.\d+\.[0-9a-f]+\.tmp(?:\.keras)?", name)
    return bool(match) and (match.group(1) in owned or match.group(1) == MANIFEST)


def _remove_temporaries(path: pathlib.Path, manifest: dict | None) -> None:
    """Remove the temporary files of zoo's atomic writes that a kill left in `path` (only the names zoo's
    writes of this run's files take; called with the folder's lock held, so no write of ours is under way)."""
    owned = set(manifest["files"]) if manifest else set()
    for entry in path.iterdir():
        if _temporary_of(entry.name, owned) and entry.is_file() and not entry.is_symlink():
            entry.unlink()


def foreign_files(path, manifest: dict | None = None) -> list[str]:
    """The entries of `path` that no zoo run wrote there (sorted names).

    A symbolic link is never zoo's, whatever its name; inside `zoo-checkpoint/`
    only Keras's checkpoint files are (others are named `zoo-checkpoint/NAME`).
    """
    path = pathlib.Path(path)
    if not path.is_dir():
        return []
    owned = set(manifest["files"]) if manifest else set()
    ours = owned | ({MANIFEST, LOCK, CHECKPOINT} if manifest else {LOCK})
    found = [
        p.name for p in path.iterdir() if p.is_symlink() or (p.name not in ours and not _temporary_of(p.name, owned))
    ]
    checkpoint = path / CHECKPOINT
    if CHECKPOINT not in found and checkpoint.exists():
        if not checkpoint.is_dir():
            found.append(CHECKPOINT)
        else:
            found += [
                f"{CHECKPOINT}/{p.name}"
                for p in checkpoint.iterdir()
                if p.is_symlink() or not p.is_file() or p.name not in CHECKPOINT_FILES
            ]
    return sorted(found)


def file_record(path) -> dict:
    """`{"size": bytes, "sha256": hex}` of a regular file: how zoo knows later that it wrote it."""
    import hashlib

    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return {"size": os.path.getsize(path), "sha256": digest.hexdigest()}


def _open_lock_file(path: pathlib.Path, flags: int) -> int:
    """`os.open` of the lock file without following a symbolic link (one line naming it otherwise)."""
    try:
        fd = os.open(path, flags | _NOFOLLOW, 0o644)
    except OSError as err:
        if path.is_symlink() or err.errno == errno.ELOOP:
            raise RunFolderError(
                f"{path} is a symbolic link; zoo never writes through links: remove it or use another folder."
            ) from None
        raise
    if not stat.S_ISREG(os.fstat(fd).st_mode):
        os.close(fd)
        raise RunFolderError(f"{path} is not a regular file; remove it or use another folder.")
    return fd


def _lock_holder(path: pathlib.Path, name: str = LOCK) -> str:
    try:
        fd = _open_lock_file(path / name, os.O_RDONLY)
        with os.fdopen(fd, encoding="utf-8") as f:
            holder = json.loads(f.read(4096))
        return f"process {holder['pid']} on {holder['host']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


class _FileLock:
    """An exclusive, non-blocking OS lock on `path` (`fcntl.flock`; `msvcrt` on Windows).

    The kernel drops it when its process ends in any way, so a lock left by a
    killed run is never stale. The file stays (removing it would let two
    processes lock two different files of the same name).
    """

    def __init__(self, path: pathlib.Path):
        self.path = path
        self.fd = None

    def acquire(self, record: bool = True) -> bool:
        """Take the lock if no live process holds it; `record` writes this process's id into the file."""
        fd = _open_lock_file(self.path, os.O_RDWR | os.O_CREAT)
        try:
            if sys.platform == "win32":
                import msvcrt

                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
            else:
                import fcntl

                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            os.close(fd)
            return False
        self.fd = fd
        if record:
            holder = json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()})
            try:
                os.ftruncate(fd, 0)
                os.write(fd, holder.encode())
                os.fsync(fd)
            except OSError as err:  # a full disk: let go of the lock, and name the file
                self.release()
                raise OSError(err.errno, err.strerror, str(self.path)) from None
        return True

    def release(self) -> None:
        if self.fd is not None:
            os.close(self.fd)  # closing the descriptor releases the lock
            self.fd = None


def _package_versions() -> dict:
    from importlib import metadata

    versions = {"python": sys.version.split()[0]}
    for dist in ("keras-study-zoo", "keras", "tensorflow", "jax", "torch", "numpy"):
        try:
            versions[dist] = metadata.version(dist)
        except metadata.PackageNotFoundError:
            pass
    versions["keras_backend"] = os.environ.get("KERAS_BACKEND", "tensorflow")
    return versions


def _differences(saved: dict, settings: dict, ignore=()) -> list[str]:
    keys = sorted(set(saved) | set(settings))
    return [
        f"{k}: {saved.get(k)!r} then, {settings.get(k)!r} now"
        for k in keys
        if k not in ignore and saved.get(k) != settings.get(k)
    ]


def check_folder(path, *, overwrite: bool = False, extend: bool = False) -> str:
    """What starting a run in `path` would do: `"start"`, `"resume"`, `"continue"` or `"overwrite"`.

    Raises `RunFolderError` where it would refuse (files that are not
    zoo's, a live run, a finished run without `overwrite`/`extend`, a
    folder with no run to continue).
    Settings are not compared here: `RunFolder.open` does that.
    """
    if overwrite and extend:
        raise RunFolderError("Give --overwrite or --continue, not both.")
    path = pathlib.Path(path)
    if str(path) == "" or str(path).strip() != str(path):
        raise RunFolderError(f"{str(path)!r} is not a folder name; give --out a folder.")
    if path.is_symlink() and not path.exists():
        raise RunFolderError(f"{path} is a symbolic link to nothing; zoo never writes through links: give a folder.")
    if path.exists() and not path.is_dir():
        raise RunFolderError(f"{path} is a file, not a folder; give a folder for the run's output.")
    manifest = _read_manifest(path) if path.is_dir() else None
    foreign = foreign_files(path, manifest)
    if foreign:
        shown = ", ".join(foreign[:5]) + (f" and {len(foreign) - 5} more" if len(foreign) > 5 else "")
        raise RunFolderError(
            f"{path} holds files that zoo did not write ({shown}); zoo never replaces or deletes them: "
            "give an empty or new folder with --out."
        )
    if manifest is None:
        if extend:
            raise RunFolderError(f"{path} holds no finished run to continue (--continue); leave it out to start one.")
        return "start"
    if (path / LOCK).exists():
        probe = _FileLock(path / LOCK)
        if not probe.acquire(record=False):
            raise RunFolderError(f"{path} is in use by {_lock_holder(path)}, which is training there now.")
        probe.release()
    if manifest["status"] == "finished":
        if overwrite:
            return "overwrite"
        if extend:
            return "continue"
        raise RunFolderError(
            f"{path} holds a finished run of {manifest['settings'].get('model')}. To train it further with the "
            "same settings, add --continue; to start afresh, add --overwrite (it removes that run's files) "
            "or give a new --out folder."
        )
    if extend:
        raise RunFolderError(f"{path} holds an unfinished run: run the same command without --continue to resume it.")
    return "overwrite" if overwrite else "resume"


def _removable(path: pathlib.Path, manifest: dict) -> list[pathlib.Path]:
    """The files of `manifest` that `--overwrite` may delete: each one zoo recorded, unchanged since.

    Raises `RunFolderError`, before anything is deleted, naming a file
    that is not a regular file or whose size or SHA-256 differs from zoo's
    record of it (or that zoo never recorded).
    """
    records = manifest.get("written") if isinstance(manifest.get("written"), dict) else {}
    found = []
    for name in manifest["files"]:
        target = plain_entry(path, name)
        if not os.path.lexists(target):
            continue
        if target.is_symlink() or not target.is_file() or records.get(name) != file_record(target):
            raise RunFolderError(
                f"{target} is not as zoo wrote it (no record of its size and SHA-256 matches), so --overwrite "
                "leaves it: move it away yourself, or give a new --out folder."
            )
        found.append(target)
    return found


def _remove_checkpoint(folder: pathlib.Path) -> None:
    """Remove Keras's checkpoint files from `folder` (nothing else), then the folder if it is empty."""
    if folder.is_symlink() or not folder.is_dir():
        return
    for name in CHECKPOINT_FILES:
        target = folder / name
        if target.is_file() and not target.is_symlink():
            target.unlink()
    with contextlib.suppress(OSError):
        folder.rmdir()  # only when empty: anything else in it is not zoo's


def _valid_pair(folder: pathlib.Path, weights: str, metadata: str, read_weights=True) -> tuple[int | None, str]:
    """`(epoch, "")` when the checkpoint pair is whole, else `(None, what is wrong)`; `read_weights=False`
    skips reading every dataset of the weights (done once, by `RunFolder.checked_checkpoint`)."""
    for name in (weights, metadata):
        if not (folder / name).is_file():
            return None, f"{name} is missing"
    try:
        epoch = json.loads((folder / metadata).read_text(encoding="utf-8"))["epoch"]
    except (OSError, UnicodeDecodeError, ValueError, KeyError, TypeError) as err:
        return None, f"{metadata} is damaged ({type(err).__name__})"
    if not isinstance(epoch, int) or isinstance(epoch, bool) or epoch < 0:
        return None, f"{metadata} holds no epoch"
    if not read_weights:
        return epoch, ""
    import h5py

    try:
        with h5py.File(folder / weights, "r") as f:
            f.visititems(lambda _, item: item[()] if isinstance(item, h5py.Dataset) else None)
    except Exception as err:  # h5py raises OSError, KeyError, RuntimeError... for a cut-short file
        return None, f"{weights} is damaged ({type(err).__name__})"
    return epoch, ""


class RunFolder:
    """An output folder held by this process for one run (use `open`, best as a context manager).

    Attributes:
        path: the folder.
        mode: `"start"`, `"resume"` (an unfinished run carries on from its
            checkpoint) or `"continue"` (a finished run trains further from
            its saved model).
        manifest: what `zoo-run.json` holds.
    """

    def __init__(self, path: pathlib.Path, mode: str, manifest: dict, created: bool, lock: _FileLock):
        self.path, self.mode, self.manifest = path, mode, manifest
        self._created, self._lock = created, lock
        self._written_here: list[str] = []  # names this process registered: the only ones abandon() removes
        self._had_checkpoint = self.checkpoint_dir.exists()

    @classmethod
    def open(cls, path, settings: dict, *, overwrite: bool = False, extend: bool = False) -> RunFolder:
        """Take `path` for a run with `settings` (JSON-serialisable), following the module's rules."""
        path = pathlib.Path(path)
        settings = json.loads(json.dumps(settings))  # tuples become lists, as they will be read back
        mode = check_folder(path, overwrite=overwrite, extend=extend)
        created = not path.exists()
        path.mkdir(parents=True, exist_ok=True)
        lock = _FileLock(path / LOCK)
        if not lock.acquire():
            raise RunFolderError(f"{path} is in use by {_lock_holder(path)}, which is training there now.")
        try:
            manifest = _read_manifest(path)  # again, now that the folder is ours
            if foreign_files(path, manifest):
                mode = check_folder(path, overwrite=overwrite, extend=extend)  # raises, naming them
            _remove_temporaries(path, manifest)
            mode = _compare_settings(path, manifest, settings, mode)
            if mode == "overwrite":
                for target in _removable(path, manifest):
                    target.unlink()
                _remove_checkpoint(path / CHECKPOINT)
                manifest, mode = None, "start"
            manifest = _new_segment(path, manifest, settings, mode)
            run = cls(path, mode, manifest, created, lock)
            run._save()
            note = run.checked_checkpoint() if mode != "start" else ""
            if note:
                print(f"zoo: {note}", flush=True)
        except BaseException:
            lock.release()
            raise
        return run

    @property
    def checkpoint_dir(self) -> pathlib.Path:
        """Where Keras's `BackupAndRestore` keeps this run's checkpoint."""
        return self.path / CHECKPOINT

    @property
    def segment(self) -> dict:
        """The current segment: `first_epoch` (0, or the epochs a continued run had) and `time_before`."""
        return self.manifest["segments"][-1]

    def checked_checkpoint(self) -> str:
        """Make the checkpoint safe for Keras to restore; returns a line saying what was done ('' if nothing).

        The latest (weights, metadata) pair is used when whole. Otherwise the
        one before it is copied over it (Keras keeps both), and the line says
        so. With no whole pair, the half-written files are discarded and the
        segment starts again from its first epoch (its history is rewritten
        from there), and the line says what was lost.
        """
        folder = self.checkpoint_dir
        if not folder.is_dir() or not any(folder.iterdir()):
            return ""
        latest, why = _valid_pair(folder, *CHECKPOINT_PAIRS[0])
        if latest is not None:
            return ""  # the pair before it is not read: Keras restores the latest
        before, why_before = _valid_pair(folder, *CHECKPOINT_PAIRS[1])
        if before is not None:
            for current, previous in zip(CHECKPOINT_PAIRS[0], CHECKPOINT_PAIRS[1], strict=True):
                copy_atomically(folder / previous, folder / current)
            return f"{folder}: {why}; resuming from the checkpoint before it (epoch {before})."
        _remove_checkpoint(folder)  # half-written: never trusted
        return (
            f"{folder}: {why}, and the checkpoint before it too ({why_before}); discarded both: the run starts "
            f"again from epoch {self.segment['first_epoch']} (what it had trained since is lost)."
        )

    def start_epoch(self) -> int:
        """The epoch this invocation trains from: the checkpoint's (`checked_checkpoint` first), else the
        segment's first."""
        epoch, _ = _valid_pair(self.checkpoint_dir, *CHECKPOINT_PAIRS[0], read_weights=False)
        return self.segment["first_epoch"] if epoch is None else epoch

    def file(self, name: str) -> pathlib.Path:
        """The path of output `name`, recorded in the manifest as the run's before anything writes it.

        A symbolic link or anything but a regular file already there is
        refused: zoo writes no file through a link.
        """
        target = plain_entry(self.path, name)
        if target.is_symlink() or (target.exists() and not target.is_file()):
            raise RunFolderError(f"{target} is not a regular file; zoo never writes through links: remove it.")
        if name not in self._written_here:
            self._written_here.append(name)
        if name not in self.manifest["files"]:
            self.manifest["files"].append(name)
            self._save()
        return target

    def seal(self, *names) -> None:
        """Record the size and SHA-256 of outputs `names` (default: all), as written: what `--overwrite` checks."""
        records = self.manifest.setdefault("written", {})
        for name in names or self.manifest["files"]:
            target = plain_entry(self.path, name)
            if target.is_file() and not target.is_symlink():
                records[name] = file_record(target)
        self._save()

    def record(self, **facts) -> None:
        """Add facts to the manifest (the data's fingerprint, the epoch a segment starts at...)."""
        self.manifest.update(facts)
        self._save()

    def _save(self) -> None:
        write_json_atomically(self.path / MANIFEST, self.manifest)

    def finish(self) -> None:
        """Mark the run finished (its outputs are complete), drop its checkpoint, and release the folder."""
        self.manifest["status"] = "finished"
        self.manifest["segments"][-1]["finished"] = time.time()
        self.seal()
        _remove_checkpoint(self.checkpoint_dir)  # after the manifest: a kill between leaves it
        self.release()

    def abandon(self) -> None:
        """After a failure: a run that never finished an epoch removes what this process wrote; then release."""
        if self.mode == "start" and not self.checkpoint_dir.exists() and not (self.path / HISTORY).exists():
            for name in self._written_here:
                target = self.path / name
                if target.is_file() and not target.is_symlink():
                    target.unlink()
            (self.path / MANIFEST).unlink(missing_ok=True)
            self.release()
            if self._created:  # nothing of anyone else's was ever here
                (self.path / LOCK).unlink(missing_ok=True)
                with contextlib.suppress(OSError):
                    self.path.rmdir()
        self.release()

    def release(self) -> None:
        """Let another process take the folder."""
        self._lock.release()

    def __enter__(self) -> RunFolder:
        return self

    def __exit__(self, kind, error, traceback) -> None:
        if kind is None:
            self.finish()
        else:
            self.abandon()


def _compare_settings(path: pathlib.Path, manifest: dict | None, settings: dict, mode: str) -> str:
    """`mode`, after comparing `settings` with the manifest's: refuses a resume or continue with others."""
    if manifest is None or mode not in ("resume", "continue"):
        return mode
    ignore = BUDGET_SETTINGS if mode == "continue" else ()
    changed = _differences(manifest["settings"], settings, ignore)
    if changed and mode == "resume" and not (path / CHECKPOINT).exists() and not (path / HISTORY).exists():
        return "start"  # killed before its first epoch ended: nothing to resume
    if changed:
        what = "an unfinished" if mode == "resume" else "a finished"
        hint = "" if mode == "continue" else ", --overwrite to discard it,"
        raise RunFolderError(
            f"{path} holds {what} run with other settings ({'; '.join(changed)}); run the same "
            f"command as before to {mode} it{hint} or give a new --out folder."
        )
    return mode


def check_known_settings(path: str | os.PathLike, known: dict, mode: str) -> None:
    """Refuse, before any slow work, a resume or continue whose `known` settings (those the command line
    knows before the data is read: the model, budget, seed, batch size...) differ from the run's in `path`.

    The same rules and message as when the run folder opens (where every setting is compared, the data's
    fingerprint too): a run killed before its first epoch ended may start again with other settings, and a
    continued run may change its budget.

    Args:
        path: the run folder.
        known: `{setting: value}`, JSON values, as the trainer will record them.
        mode: what `check_folder` said (`"resume"`, `"continue"`; anything else checks nothing).

    Raises:
        RunFolderError: naming each setting that differs, then and now.
    """
    path = pathlib.Path(path)
    manifest = _read_manifest(path) if mode in ("resume", "continue") else None
    if manifest is not None:
        saved = {**manifest, "settings": {k: manifest["settings"].get(k) for k in known}}
        _compare_settings(path, saved, json.loads(json.dumps(known)), mode)


def _new_segment(path: pathlib.Path, manifest: dict | None, settings: dict, mode: str) -> dict:
    """The manifest this invocation runs under: a new one, or the old with a new segment where one starts."""
    if mode == "start":
        files = manifest["files"] if manifest else []  # a run killed before its first epoch left these
        manifest = {"format": FORMAT, "status": "running", "settings": settings, "files": files, "segments": []}
    if mode in ("start", "continue") or not manifest["segments"]:
        rows = read_json(path / HISTORY, hint="the finished run cannot be continued: use --overwrite or a new "
                         "--out folder") if mode == "continue" else []  # fmt: skip
        manifest["segments"].append(
            {
                "started": time.time(),
                "settings": settings,
                "first_epoch": rows[-1]["epoch"] if rows else 0,  # continuing: after the saved epochs
                "time_before": rows[-1]["time_s"] if rows else 0.0,
            }
        )
    manifest.update(status="running", settings=settings, versions=_package_versions())
    return manifest


def open_run(out_dir, settings: dict, *, overwrite: bool = False, extend: bool = False):
    """A context manager giving `RunFolder.open`'s folder, or `None` when `out_dir` is `None`."""
    if out_dir is None:  # overwrite and extend without a folder are refused by RunOptions.check
        return contextlib.nullcontext(None)
    return RunFolder.open(out_dir, settings, overwrite=overwrite, extend=extend)


def default_out_dir(model_name: str) -> str:
    """Where `zoo train` writes when `--out` is not given."""
    return os.path.join("runs", model_name)


#: What a `zoo tune` search folder holds once started (see `zoo.tune.searching`).
SEARCH_MANIFEST = "search.json"
#: The lock a `zoo tune` holds on its search folder (its chief and workers share their launcher's).
SEARCH_LOCK = "zoo-search.lock"


@contextlib.contextmanager
def lock_search_folder(path):
    """Hold `path`'s search lock (made with the folder if missing) while the block runs.

    Raises:
        RunFolderError: another process holds it, or the lock is a symbolic link.
    """
    path = pathlib.Path(path)
    check_search_folder(path)
    path.mkdir(parents=True, exist_ok=True)
    lock = _FileLock(path / SEARCH_LOCK)
    if not lock.acquire():
        holder = _lock_holder(path, SEARCH_LOCK)
        raise RunFolderError(f"{path} is in use by {holder}, which is searching there now.")
    try:
        yield
    finally:
        lock.release()


def check_search_folder(path) -> None:
    """Refuse a search folder that holds files but no zoo search (its `search.json`)."""
    path = pathlib.Path(path)
    if path.exists() and not path.is_dir():
        raise RunFolderError(f"{path} is a file, not a folder; give a folder for the search with --dir.")
    names = sorted(p.name for p in path.iterdir() if p.name != SEARCH_LOCK) if path.is_dir() else []
    if path.is_symlink() and not path.exists():
        raise RunFolderError(f"{path} is a symbolic link to nothing; give a folder for the search with --dir.")
    if names and not (path / SEARCH_MANIFEST).exists():
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise RunFolderError(
            f"{path} holds files that are not a zoo search ({shown}); zoo never replaces or deletes them: "
            "give an empty or new folder with --dir."
        )
