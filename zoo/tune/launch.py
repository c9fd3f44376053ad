"""Running a search as keras-tuner's chief plus N workers on this machine.

keras-tuner's distributed mode is three environment variables per process:
`KERASTUNER_TUNER_ID` (`chief` for the process that holds the oracle,
any other unique id for a worker), `KERASTUNER_ORACLE_IP` and
`KERASTUNER_ORACLE_PORT` (where the chief listens for gRPC calls).
`run_distributed` sets them for a chief and `workers` workers on
127.0.0.1; across machines, set them by hand and run the same `zoo tune`
command on each, with a `--dir` all of them share.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time


def _die_with_parent() -> None:
    """In a started process, before it runs: ask Linux to SIGTERM it when its parent dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start(command, env):
    return subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_distributed(argv, workers: int, directory, *, ip="127.0.0.1", port=None, poll=0.5) -> None:
    """Run `zoo <argv>` as a chief and `workers` workers; return when all have exited.

    If any process fails, the others are stopped and `RuntimeError` names
    the failed one (the completed trials stay in the search directory, and
    the same command resumes the search). The chief and workers die with the
    launcher: SIGTERM or Ctrl-C stops them, and on Linux each asks the kernel
    for SIGTERM when the launcher dies, even by SIGKILL (`PR_SET_PDEATHSIG`).
    """
    port = port or free_port()
    base = dict(os.environ, KERASTUNER_ORACLE_IP=ip, KERASTUNER_ORACLE_PORT=str(port))
    command = [sys.executable, "-m", "zoo", *argv]
    print(f"distributed search: chief on {ip}:{port} and {workers} workers; folder {directory}", flush=True)
    previous = signal.signal(signal.SIGTERM, _terminated)  # SIGTERM: stop the others as Ctrl-C would
    procs = {"chief": _start(command, dict(base, KERASTUNER_TUNER_ID="chief"))}
    for i in range(workers):
        procs[f"tuner{i}"] = _start(command, dict(base, KERASTUNER_TUNER_ID=f"tuner{i}"))
    try:
        while any(p.poll() is None for p in procs.values()):
            failed = [name for name, p in procs.items() if p.returncode not in (None, 0)]
            if failed:
                raise RuntimeError(
                    f"distributed search: {failed[0]} exited with status {procs[failed[0]].returncode}; "
                    f"stopped the others. Run the same command again to resume from {directory}."
                )
            time.sleep(poll)
        failed = [name for name, p in procs.items() if p.returncode != 0]
        if failed:
            raise RuntimeError(f"distributed search: {failed[0]} exited with status {procs[failed[0]].returncode}.")
    finally:
        signal.signal(signal.SIGTERM, previous)
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
        for p in procs.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()


def _terminated(signum, frame):
    raise KeyboardInterrupt  # run_distributed's finally stops the chief and the workers
