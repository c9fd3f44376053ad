"""Running a search as keras-tuner's chief plus N workers on this machine.

keras-tuner's distributed mode is three environment variables per process:
`KERASTUNER_TUNER_ID` (`chief` for the process that holds the oracle,
any other unique id for a worker), `KERASTUNER_ORACLE_IP` and
`KERASTUNER_ORACLE_PORT` (where the chief listens for gRPC calls).
`run_distributed` sets them for a chief and `workers` workers on
127.0.0.1; across machines, set them by hand and run the same `zoo tune`
command on each, with a `--dir` all of them share.

On a host with several NVIDIA GPUs each worker sees only its own
(`CUDA_VISIBLE_DEVICES`, which TensorFlow, JAX and PyTorch all read), and the
chief, which only serves the oracle, sees none: otherwise every worker
would claim every GPU's memory (keras-team/keras-tuner issues 220 and 329).
On a machine without them nothing changes.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Mapping

from zoo.errors import InputError


def _die_with_parent() -> None:
    """In a started process, before it runs: ask Linux to SIGTERM it when its parent dies, even by SIGKILL."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _start(command, env):
    return subprocess.Popen(command, env=env, preexec_fn=_die_with_parent)


def visible_gpus(environ: Mapping[str, str] | None = None) -> list[str]:
    """The NVIDIA GPUs this process may use: `CUDA_VISIBLE_DEVICES` when set, else those `nvidia-smi -L` lists.

    Args:
        environ: the environment to read (default: this process's).

    Returns:
        Their ids (`["0", "1"]`); none where there is no NVIDIA driver.
    """
    environ = os.environ if environ is None else environ
    if "CUDA_VISIBLE_DEVICES" in environ:
        return [d.strip() for d in environ["CUDA_VISIBLE_DEVICES"].split(",") if d.strip()]
    try:
        listed = subprocess.run(["nvidia-smi", "-L"], capture_output=True, text=True, timeout=30, check=True)
    except (OSError, subprocess.SubprocessError):
        return []
    return [str(i) for i, line in enumerate(ln for ln in listed.stdout.splitlines() if ln.startswith("GPU "))]


def worker_devices(workers: int, per_worker: int, gpus: list[str]) -> list[str] | None:
    """Each worker's `CUDA_VISIBLE_DEVICES`: `per_worker` GPUs of `gpus` each, in order.

    Args:
        workers: how many workers train.
        per_worker: GPUs per worker.
        gpus: the GPUs there are (`visible_gpus`).

    Returns:
        One comma-separated list per worker, or None when there are no GPUs (nothing to assign).

    Raises:
        InputError: the workers need more GPUs than there are.
    """
    if not gpus:
        return None
    if workers * per_worker > len(gpus):
        raise InputError(
            f"--workers {workers} with --devices-per-worker {per_worker} needs {workers * per_worker} GPUs; "
            f"{len(gpus)} visible ({','.join(gpus)}): give fewer workers or devices per worker."
        )
    return [",".join(gpus[i * per_worker : (i + 1) * per_worker]) for i in range(workers)]


def free_port() -> int:
    """A TCP port free on the loopback interface."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run_distributed(argv, workers: int, directory, *, ip="127.0.0.1", port=None, poll=0.5, devices=None) -> None:
    """Run `zoo <argv>` as a chief and `workers` workers; return when all have exited.

    If any process fails, the others are stopped and `RuntimeError` names
    the failed one (the completed trials stay in the search directory, and
    the same command resumes the search). The chief and workers die with the
    launcher: SIGTERM or Ctrl-C stops them, and on Linux each asks the kernel
    for SIGTERM when the launcher dies, even by SIGKILL (`PR_SET_PDEATHSIG`).
    `devices` (`worker_devices`) gives each worker its GPUs and the chief none.
    """
    port = port or free_port()
    base = dict(os.environ, KERASTUNER_ORACLE_IP=ip, KERASTUNER_ORACLE_PORT=str(port))
    command = [sys.executable, "-m", "zoo", *argv]
    print(f"distributed search: chief on {ip}:{port} and {workers} workers; folder {directory}", flush=True)
    previous = signal.signal(signal.SIGTERM, _terminated)  # SIGTERM: stop the others as Ctrl-C would
    gpus = [{}] * workers if devices is None else [{"CUDA_VISIBLE_DEVICES": d} for d in devices]
    chief = {} if devices is None else {"CUDA_VISIBLE_DEVICES": ""}
    procs = {"chief": _start(command, dict(base, KERASTUNER_TUNER_ID="chief", **chief))}
    for i in range(workers):
        procs[f"tuner{i}"] = _start(command, dict(base, KERASTUNER_TUNER_ID=f"tuner{i}", **gpus[i]))
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
