"""Data-parallel training on two virtual CPU devices, on TensorFlow and JAX, and resume after a kill."""

import re

import numpy as np
import pytest

from tests.conftest import kill_and_resume_training, run_python
from zoo.training.text import text_training_data

BACKENDS = ["tensorflow", "jax"]

# Under a distribution, a StateCarrier read over continuous streams must equal
# one pass over each whole stream: every replica carries the states of its own rows.
_STREAMS_ON_TWO_DEVICES = """
import numpy as np
from zoo.training.distribute import split_cpu, use_all_devices
split_cpu(2)
print(use_all_devices())
import keras
import zoo
from zoo.training.carried_state import StateCarrier
from zoo.data import stream_windows
keras.utils.set_random_seed(0)
model = zoo.create_model("text_generator", embedding_dim=8, units=16, num_layers=2)
model.build((None, None))
carrier = StateCarrier(model, batch_size=4)
ids = np.random.default_rng(0).integers(0, model.vocab_size, 4 * 5 * 6 + 1)
x, _ = stream_windows(ids, seq_len=6, batch_size=4)
import tensorflow as tf
# predict splits every step's 4 rows over the 2 devices and puts them back in order
out = carrier.predict(tf.data.Dataset.from_tensor_slices(x), verbose=0)
pieces = out.reshape(len(x), 4, 6, -1)
whole = keras.ops.convert_to_numpy(model(np.concatenate(list(x), axis=1)))
print("DIFF", float(np.abs(np.concatenate(list(pieces), axis=1) - whole).max()))
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
    first, second = kill_and_resume_training(
        tmp_path / "run", "--distribute", "--cpu-devices", "2", epochs=5, env={"KERAS_BACKEND": backend}
    )
    assert "over 2 devices" in first.stdout and "over 2 devices" in second.stdout
