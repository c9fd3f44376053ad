"""A training run's output folder, which owns its files (Keras-free).

``zoo train --out DIR`` (and every trainer's ``out_dir=``) writes into DIR:

- ``zoo-run.json``: the manifest: model, every setting, data identity,
  package versions, the files the run wrote, and whether it finished;
- ``zoo-run.lock``: held (an OS file lock, released by the kernel even after
  ``kill -9``) by the one process training there; it names that process;
- ``zoo-checkpoint/``: Keras's ``BackupAndRestore`` state, which no other code
  uses; removed once the run has saved its model and is marked finished;
- the outputs: ``model.keras``, ``history.json``, ``curve.png`` and, by kind,
  ``vocabulary.json`` or ``predictions.png``.

Starting a run in a folder (:meth:`RunFolder.open`):

- empty or missing: start;
- an unfinished run with the same settings: resume it;
- an unfinished run with other settings: refuse, naming the settings that differ;
- a finished run: refuse, unless ``extend`` (``zoo train --continue``: train
  further from the saved model, same settings, a new budget) or ``overwrite``
  (remove what the run wrote, then start);
- any file zoo did not write there: refuse, whatever the flags, so nothing of
  the user's is ever deleted or replaced.

:func:`check_folder` applies the same rules without settings or locking, so
the command line can refuse at once, before it imports TensorFlow.
"""

from __future__ import annotations

import contextlib
import json
import os
import pathlib
import re
import shutil
import socket
import sys
import time

from zoo.json_files import write_json_atomically

MANIFEST = "zoo-run.json"
LOCK = "zoo-run.lock"
CHECKPOINT = "zoo-checkpoint"
HISTORY = "history.json"
FORMAT = 1
#: Settings that may change when a finished run is continued (the budget of the new segment).
BUDGET_SETTINGS = ("epochs", "minutes")


class RunFolderError(ValueError):
    """A run folder that cannot be used as asked; the message says why and what to do."""


def _read_manifest(path: pathlib.Path) -> dict | None:
    file = path / MANIFEST
    if not file.exists():
        return None
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as err:
        raise RunFolderError(f"{file} is not a readable zoo run manifest ({err}); use another folder.") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise RunFolderError(f"{file} is not a zoo run manifest of format {FORMAT}; use another folder.")
    return manifest


def _temporary_of(name: str, owned: set) -> bool:
    """A temporary file of an atomic write (``.NAME.PID.HEX.tmp``) left by a kill."""
    match = re.fullmatch(r"\.(.+)\.\d+\.[0-9a-f]+\.tmp", name)
    return bool(match) and (match.group(1) in owned or match.group(1) == MANIFEST)


def foreign_files(path, manifest: dict | None = None) -> list[str]:
    """The entries of ``path`` that no zoo run wrote there (sorted names)."""
    path = pathlib.Path(path)
    if not path.is_dir():
        return []
    owned = set(manifest["files"]) if manifest else set()
    ours = owned | ({MANIFEST, LOCK, CHECKPOINT} if manifest else {LOCK})
    return sorted(p.name for p in path.iterdir() if p.name not in ours and not _temporary_of(p.name, owned))


def _lock_holder(path: pathlib.Path) -> str:
    try:
        holder = json.loads((path / LOCK).read_text(encoding="utf-8"))
        return f"process {holder['pid']} on {holder['host']}"
    except (OSError, ValueError, KeyError, TypeError):
        return "another process"


class _FileLock:
    """An exclusive, non-blocking OS lock on ``path`` (``fcntl.flock``; ``msvcrt`` on Windows).

    The kernel drops it when its process ends in any way, so a lock left by a
    killed run is never stale. The file stays (removing it would let two
    processes lock two different files of the same name).
    """

    def __init__(self, path: pathlib.Path):
        self.path = path
        self.fd = None

    def acquire(self, record: bool = True) -> bool:
        """Take the lock if no live process holds it; ``record`` writes this process's id into the file."""
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
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
            os.ftruncate(fd, 0)
            os.write(fd, json.dumps({"pid": os.getpid(), "host": socket.gethostname(), "since": time.time()}).encode())
            os.fsync(fd)
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
    """What starting a run in ``path`` would do: ``"start"``, ``"resume"``, ``"continue"`` or ``"overwrite"``.

    Raises :class:`RunFolderError` where it would refuse (files that are not
    zoo's, a live run, a finished run without ``overwrite``/``extend``).
    Settings are not compared here: :meth:`RunFolder.open` does that.
    """
    if overwrite and extend:
        raise RunFolderError("Give --overwrite or --continue, not both.")
    path = pathlib.Path(path)
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
    return "overwrite" if overwrite else "resume"


class RunFolder:
    """An output folder held by this process for one run (use :meth:`open`, best as a context manager).

    Attributes:
        path: the folder.
        mode: ``"start"``, ``"resume"`` (an unfinished run carries on from its
            checkpoint) or ``"continue"`` (a finished run trains further from
            its saved model).
        manifest: what ``zoo-run.json`` holds.
    """

    def __init__(self, path: pathlib.Path, mode: str, manifest: dict, created: bool, lock: _FileLock):
        self.path, self.mode, self.manifest = path, mode, manifest
        self._created, self._lock = created, lock
        self._had_checkpoint = self.checkpoint_dir.exists()

    @classmethod
    def open(cls, path, settings: dict, *, overwrite: bool = False, extend: bool = False) -> RunFolder:
        """Take ``path`` for a run with ``settings`` (JSON-serialisable), following the module's rules."""
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
            if manifest is not None and mode in ("resume", "continue"):
                ignore = BUDGET_SETTINGS if mode == "continue" else ()
                changed = _differences(manifest["settings"], settings, ignore)
                if changed and mode == "resume" and not (path / CHECKPOINT).exists():
                    mode = "start"  # killed before its first epoch ended: nothing to resume
                elif changed:
                    what = "an unfinished" if mode == "resume" else "a finished"
                    hint = "" if mode == "continue" else ", --overwrite to discard it,"
                    raise RunFolderError(
                        f"{path} holds {what} run with other settings ({'; '.join(changed)}); run the same "
                        f"command as before to {mode} it{hint} or give a new --out folder."
                    )
            if mode == "overwrite":
                for name in [*manifest["files"], CHECKPOINT]:
                    target = path / name
                    if target.is_dir():
                        shutil.rmtree(target)
                    elif target.exists():
                        target.unlink()
                manifest, mode = None, "start"
            if mode == "start":
                files = manifest["files"] if manifest else []  # a run killed before its first epoch left these
                manifest = {"format": FORMAT, "status": "running", "settings": settings, "files": files, "segments": []}
            if mode in ("start", "continue") or not manifest["segments"]:
                rows = json.loads((path / HISTORY).read_text()) if mode == "continue" else []
                manifest["segments"].append(
                    {
                        "started": time.time(),
                        "settings": settings,
                        "first_epoch": rows[-1]["epoch"] if rows else 0,  # continuing: after the saved epochs
                        "time_before": rows[-1]["time_s"] if rows else 0.0,
                    }
                )
            manifest.update(status="running", settings=settings, versions=_package_versions())
            run = cls(path, mode, manifest, created, lock)
            run._save()
        except BaseException:
            lock.release()
            raise
        return run

    @property
    def checkpoint_dir(self) -> pathlib.Path:
        """Where Keras's ``BackupAndRestore`` keeps this run's checkpoint."""
        return self.path / CHECKPOINT

    @property
    def segment(self) -> dict:
        """The current segment: ``first_epoch`` (0, or the epochs a continued run had) and ``time_before``."""
        return self.manifest["segments"][-1]

    def start_epoch(self) -> int:
        """The epoch this invocation trains from: the checkpoint's, else the segment's first.

        Read as Keras's ``BackupAndRestore`` (``double_checkpoint=True``)
        picks it: the latest checkpoint, or the one before it when the
        latest weights file is missing.
        """
        for weights, metadata in (
            ("latest.weights.h5", "training_metadata.json"),
            ("latest.weights.h5.bkp", "training_metadata.json.bkp"),
        ):
            if (self.checkpoint_dir / weights).exists() and (self.checkpoint_dir / metadata).exists():
                try:
                    return int(json.loads((self.checkpoint_dir / metadata).read_text())["epoch"])
                except (ValueError, KeyError):
                    continue
        return self.segment["first_epoch"]

    def file(self, name: str) -> pathlib.Path:
        """The path of output ``name``, recorded in the manifest as the run's before anything writes it."""
        if name not in self.manifest["files"]:
            self.manifest["files"].append(name)
            self._save()
        return self.path / name

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
        self._save()
        shutil.rmtree(self.checkpoint_dir, ignore_errors=True)  # after the manifest: a kill between leaves it
        self.release()

    def abandon(self) -> None:
        """After a failure: a run that never finished an epoch removes what it wrote; then release."""
        if self.mode == "start" and not self.checkpoint_dir.exists() and not (self.path / HISTORY).exists():
            for name in self.manifest["files"]:
                (self.path / name).unlink(missing_ok=True)
            (self.path / MANIFEST).unlink(missing_ok=True)
            self.release()
            if self._created:  # nothing of anyone else's was ever here
                (self.path / LOCK).unlink(missing_ok=True)
                try:
                    self.path.rmdir()
                except OSError:
                    pass
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


def open_run(out_dir, settings: dict, *, overwrite: bool = False, extend: bool = False):
    """A context manager giving :meth:`RunFolder.open`'s folder, or ``None`` when ``out_dir`` is ``None``."""
    if out_dir is None:
        if overwrite or extend:
            raise ValueError("overwrite and extend (--continue) need an output folder (out_dir).")
        return contextlib.nullcontext(None)
    return RunFolder.open(out_dir, settings, overwrite=overwrite, extend=extend)


def default_out_dir(model_name: str) -> str:
    """Where ``zoo train`` writes when ``--out`` is not given."""
    return os.path.join("runs", model_name)


#: What a ``zoo tune`` search folder holds once started (see :mod:`zoo.tune.searching`).
SEARCH_MANIFEST = "search.json"


def check_search_folder(path) -> None:
    """Refuse a search folder that holds files but no zoo search (its ``search.json``)."""
    path = pathlib.Path(path)
    if path.exists() and not path.is_dir():
        raise RunFolderError(f"{path} is a file, not a folder; give a folder for the search with --dir.")
    if path.is_dir() and any(path.iterdir()) and not (path / SEARCH_MANIFEST).exists():
        names = sorted(p.name for p in path.iterdir())
        shown = ", ".join(names[:5]) + (f" and {len(names) - 5} more" if len(names) > 5 else "")
        raise RunFolderError(
            f"{path} holds files that are not a zoo search ({shown}); zoo never replaces or deletes them: "
            "give an empty or new folder with --dir."
        )
