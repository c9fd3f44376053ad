"""Data-parallel training on two virtual CPU devices, on TensorFlow and JAX, and resume after a kill."""

import os
import re
import signal
import subprocess
import sys
import time

import numpy as np
import pytest

from tests.conftest import REPO, run_python, run_zoo
from zoo.training import read_history, text_training_data

BACKENDS = ["tensorflow", "jax"]

# Under a distribution, a StateCarrier read over continuous streams must equal
# one pass over each whole stream: every replica carries the states of its own rows.
_STREAMS_ON_TWO_DEVICES = """
import numpy as np
from zoo.distribute import split_cpu, use_all_devices
split_cpu(2)
print(use_all_devices())
import keras
import zoo
from zoo.carried_state import StateCarrier
from zoo.data import stream_windows
keras.utils.set_random_seed(0)
model = zoo.create_model("text_generator", embedding_dim=8, units=16, num_layers=2)
model.build((None, None))
carrier = StateCarrier(model, batch_size=4)
ids = np.random.default_rng(0).integers(0, model.vocab_size, 4 * 5 * 6 + 1)
x, _ = stream_windows(ids, seq_len=6, batch_size=4)
pieces = [keras.ops.convert_to_numpy(carrier.predict_on_batch(step)) for step in x]
whole = keras.ops.convert_to_numpy(model(np.concatenate(list(x), axis=1)))
print("DIFF", float(np.abs(np.concatenate(pieces, axis=1) - whole).max()))
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_carried_states_follow_their_rows_on_two_devices(backend):
    proc = run_python(_STREAMS_ON_TWO_DEVICES, env={"KERAS_BACKEND": backend}, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "over 2 devices" in proc.stdout
    diff = float(re.search(r"DIFF (\S+)", proc.stdout).group(1))
    assert diff < 1e-5


def test_resumed_text_data_starts_at_the_stopped_batch():
    ids = np.arange(2 * 5 * 4 * 3 + 1, dtype=np.int32)  # 3 steps of 2 streams x 4 x ... (seq_len 5)
    data = text_training_data(ids, ids[:41], seq_len=5, batch_size=2 * 4)
    assert data.steps == 3
    batches = [x.numpy() for x, _ in data.train_from(0).take(7)]
    for start in (1, 2, 4):  # 4 wraps round to the second batch
        first = next(iter(data.train_from(start)))[0].numpy()
        np.testing.assert_array_equal(first, batches[start])
    np.testing.assert_array_equal(batches[3], batches[0])  # repeats from the start


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_distributed_training_resumes_where_it_stopped(tmp_path, backend):
    out = tmp_path / "run"
    args = [
        "train", "text_generator", "--corpus", "stdlib", "--max-chars", "60000", "--epochs", "5",
        "--steps-per-epoch", "4", "--units", "16", "--embedding-dim", "8", "--layers", "1", "--seq-len", "20",
        "--batch-size", "8", "--out", str(out), "--verbose", "2", "--sample-length", "5",
        "--distribute", "--cpu-devices", "2",
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=REPO, KERAS_BACKEND=backend)
    first = subprocess.Popen(
        [sys.executable, "-m", "zoo", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True
    )
    history = out / "history.json"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline and first.poll() is None:
        if history.exists() and len(read_history(history)) >= 2:
            first.send_signal(signal.SIGKILL)
            break
        time.sleep(0.05)
    first.wait(timeout=60)
    output = first.stdout.read()
    assert first.returncode == -signal.SIGKILL, output[-2000:]
    assert "over 2 devices" in output
    before = read_history(history)

    second = run_zoo(*args, timeout=300, env={"KERAS_BACKEND": backend})
    assert second.returncode == 0, second.stderr[-2000:]
    epochs_run = [int(m) for m in re.findall(r"^Epoch (\d+)/5", second.stdout, re.M)]
    resumed_at = epochs_run[0]
    assert resumed_at in (len(before), len(before) + 1)
    assert epochs_run == list(range(resumed_at, 6))
    # the text carries on from the batch the last finished epoch stopped at
    assert f"training text from batch {(resumed_at - 1) * 4}" in second.stdout
    after = read_history(history)
    assert [r["epoch"] for r in after] == [1, 2, 3, 4, 5]
    assert after[: resumed_at - 1] == before[: resumed_at - 1]
    assert (out / "model.keras").exists() and not (out / "backup").exists()
