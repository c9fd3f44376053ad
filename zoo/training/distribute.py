"""Data-parallel training on every local device, with each backend's own engine.

- JAX: Keras's distribution API, `keras.distribution.DataParallel` over
  `keras.distribution.list_devices()`: variables replicated, every batch
  split along its first axis, one jitted step for all devices.
- TensorFlow: `tf.distribute.MirroredStrategy` made the default strategy,
  so the model, its optimizer and `fit` run mirrored on every device.

Other backends have no multi-device engine in Keras and are refused.

Without accelerators, `split_cpu` cuts the CPU into several devices
(JAX's `--xla_force_host_platform_device_count`, TensorFlow's logical
devices), which is how the tests run multi-device training on a laptop.
It must run before the backend starts.
"""

from __future__ import annotations

import os
import sys

from zoo.errors import InputError
from zoo.validation import check_positive_int


def split_cpu(count: int) -> None:
    """Present the CPU as `count` devices to the backend (before it starts)."""
    check_positive_int("the number of CPU devices", count)
    backend = os.environ.get("KERAS_BACKEND", "tensorflow")
    if backend == "jax":
        if "jax" in sys.modules:
            import jax

            if jax.device_count("cpu") != count:
                raise RuntimeError(
                    f"JAX has already started with {jax.device_count('cpu')} CPU devices; "
                    f"split the CPU into {count} before importing keras or jax."
                )
            return
        flags = [f for f in os.environ.get("XLA_FLAGS", "").split() if "host_platform_device_count" not in f]
        os.environ["XLA_FLAGS"] = " ".join([*flags, f"--xla_force_host_platform_device_count={count}"])
    elif backend == "tensorflow":
        import tensorflow as tf

        cpu = tf.config.list_physical_devices("CPU")[0]
        tf.config.set_logical_device_configuration(cpu, [tf.config.LogicalDeviceConfiguration()] * count)


def use_all_devices() -> str:
    """Make later models train data-parallel on every local device; returns a one-line description.

    Call it before creating the model. Raises `ValueError` on a backend
    without a multi-device engine.
    """
    import keras

    backend = keras.backend.backend()
    if backend == "jax":
        devices = keras.distribution.list_devices()
        keras.distribution.set_distribution(keras.distribution.DataParallel(devices=devices))
        return f"data-parallel with keras.distribution.DataParallel over {len(devices)} devices: {', '.join(devices)}"
    if backend == "tensorflow":
        import tensorflow as tf

        gpus = tf.config.list_logical_devices("GPU")
        devices = [d.name for d in (gpus or tf.config.list_logical_devices("CPU"))]
        strategy = tf.distribute.MirroredStrategy(devices)
        tf.distribute.experimental_set_strategy(strategy)
        return f"data-parallel with tf.distribute.MirroredStrategy over {strategy.num_replicas_in_sync} devices: " + (
            ", ".join(devices)
        )
    raise InputError(
        f"--distribute needs the jax or tensorflow backend (Keras's multi-device engines); "
        f"KERAS_BACKEND is {backend!r}."
    )


def batch_replicas() -> int:
    """Over how many replicas each batch's rows are split into separate computations.

    `tf.distribute.MirroredStrategy` runs one computation per replica on its
    slice of the rows; JAX's `DataParallel` compiles one program over the
    whole batch (1 here), and a single device is 1.
    """
    import keras

    if keras.backend.backend() == "tensorflow":
        import tensorflow as tf

        return tf.distribute.get_strategy().num_replicas_in_sync
    return 1
