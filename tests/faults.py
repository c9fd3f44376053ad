"""Fault points for tests, injected into a ``zoo`` process from outside: zoo itself reads none of them.

Run as ``python -m tests.faults [FAULT ...] -- ZOO-ARGUMENTS``; each fault patches
zoo or Keras in this process, then ``zoo.cli.main`` runs the arguments:

- ``--kill-after-epoch N``: SIGKILL once epoch N's checkpoint is written;
- ``--pause-after-epoch N``: print ``paused after epoch N`` then and wait for a signal;
- ``--kill-at-trial ID``: SIGKILL the moment tuning trial ID begins;
- ``--kill-at-write NAME``: SIGKILL inside zoo's atomic write of a file named NAME, its
  temporary file half-written and not yet renamed (the moment a kill does most harm);
- ``--fail-at-write NAME``: the same write fails with ``OSError(ENOSPC)``, as on a full disk.

The patches go in once Keras is imported (after ``zoo.cli.common.quiet_tensorflow``), so the
process prints what a user's would.
"""

import argparse
import errno
import os
import signal
import sys


def _stop(kill: bool, what: str) -> None:
    if kill:
        sys.stdout.flush()
        os.kill(os.getpid(), signal.SIGKILL)
    print(f"paused after {what}", flush=True)
    signal.pause()


def _patch_epochs(epoch: int, kill: bool) -> None:
    import keras

    original = keras.callbacks.BackupAndRestore.on_epoch_end

    def on_epoch_end(self, index, logs=None):
        original(self, index, logs)
        if index + 1 == epoch:
            _stop(kill, f"epoch {epoch}")

    keras.callbacks.BackupAndRestore.on_epoch_end = on_epoch_end


def _patch_trials(trial_id: str) -> None:
    from zoo.tune import searching

    original = searching._ZooTunerMixin.on_trial_begin

    def on_trial_begin(self, trial):
        if trial.trial_id == trial_id:
            self._event("begin", trial)
            _stop(True, trial_id)
        original(self, trial)

    searching._ZooTunerMixin.on_trial_begin = on_trial_begin


def _patch_writes(name: str, kill: bool) -> None:
    import zoo.json_files as json_files

    original = json_files.write_atomically

    def write_atomically(path, write):
        if os.path.basename(str(path)) != name:
            return original(path, write)

        def half(f):
            write(f)
            f.flush()
            f.truncate(max(0, f.tell() // 2))
            f.flush()
            if kill:
                _stop(True, name)
            raise OSError(errno.ENOSPC, "No space left on device (injected)", str(path))

        return original(path, half)

    json_files.write_atomically = write_atomically


def main(argv=None) -> int:
    """Install the faults named before ``--`` and run ``zoo`` with the arguments after it."""
    argv = list(sys.argv[1:] if argv is None else argv)
    split = argv.index("--")
    parser = argparse.ArgumentParser(prog="python -m tests.faults")
    parser.add_argument("--kill-after-epoch", type=int)
    parser.add_argument("--pause-after-epoch", type=int)
    parser.add_argument("--kill-at-trial")
    parser.add_argument("--kill-at-write")
    parser.add_argument("--fail-at-write")
    faults = parser.parse_args(argv[:split])
    import zoo.cli as cli
    from zoo.cli import common

    quiet = common.quiet_tensorflow

    def quiet_then_patch(*args, **kwargs):
        quiet(*args, **kwargs)
        if faults.kill_after_epoch or faults.pause_after_epoch:
            _patch_epochs(faults.kill_after_epoch or faults.pause_after_epoch, kill=bool(faults.kill_after_epoch))
        if faults.kill_at_trial:
            _patch_trials(faults.kill_at_trial)

    common.quiet_tensorflow = quiet_then_patch
    for name, kill in ((faults.kill_at_write, True), (faults.fail_at_write, False)):
        if name:
            _patch_writes(name, kill)
    return cli.main(argv[split + 1 :])


if __name__ == "__main__":
    sys.exit(main())
