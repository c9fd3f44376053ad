"""Running a search as keras-tuner's chief plus N workers on this machine.

keras-tuner's distributed mode is three environment variables per process:
``KERASTUNER_TUNER_ID`` (``chief`` for the process that holds the oracle,
any other unique id for a worker), ``KERASTUNER_ORACLE_IP`` and
``KERASTUNER_ORACLE_PORT`` (where the chief listens for gRPC calls).
:func:`run_distributed` sets them for a chief and ``workers`` workers on
127.0.0.1; across machines, set them by hand and run the same ``zoo tune``
command on each, with a ``--dir`` all of them share.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_distributed(argv, workers: int, directory, *, ip="127.0.0.1", port=None, poll=0.5) -> None:
    """Run ``zoo <argv>`` as a chief and ``workers`` workers; return when all have exited.

    If any process fails, the others are stopped and ``RuntimeError`` names
    the failed one (the completed trials stay in the search directory, and
    the same command resumes the search).
    """
    port = port or free_port()
    base = dict(os.environ, KERASTUNER_ORACLE_IP=ip, KERASTUNER_ORACLE_PORT=str(port))
    command = [sys.executable, "-m", "zoo", *argv]
    print(f"distributed search: chief on {ip}:{port} and {workers} workers; folder {directory}", flush=True)
    procs = {"chief": subprocess.Popen(command, env=dict(base, KERASTUNER_TUNER_ID="chief"))}
    for i in range(workers):
        procs[f"tuner{i}"] = subprocess.Popen(command, env=dict(base, KERASTUNER_TUNER_ID=f"tuner{i}"))
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
        for p in procs.values():
            if p.poll() is None:
                p.terminate()
        for p in procs.values():
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:
                p.kill()
