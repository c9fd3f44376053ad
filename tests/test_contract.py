"""The contract every registered model keeps, parametrized over ``zoo.list_models()``.

A model registered later is covered here without new test code, at the small
configuration its registry entry declares (``ModelInfo.contract``).
"""

import copy
import functools
import inspect
import json
import pathlib

import keras
import numpy as np
import pytest

import zoo
from tests.conftest import run_python

# Run on every backend CI tests (TensorFlow and JAX): python -m pytest -m all_backends
pytestmark = pytest.mark.all_backends

MODELS = [n for n in zoo.list_models() if zoo.model_info(n).contract is not None]
# The models in two halves (interleaved, so that each half has its share of the large CNNs).
# Each half's tests run in one test process (pytest-xdist's loadgroup, set in setup.cfg): the
# tests that only read a model share one build of it (see ``built``), and the fresh process that
# loads the half's saved models finds them built by the same test process.
HALVES = {"a": MODELS[0::2], "b": MODELS[1::2]}
HALF_OF = {name: half for half, names in HALVES.items() for name in names}
PER_MODEL = [pytest.param(n, marks=pytest.mark.xdist_group(f"contract-{HALF_OF[n]}")) for n in MODELS]


def test_every_model_declares_a_contract():
    missing = [n for n in zoo.list_models() if zoo.model_info(n).contract is None]
    assert missing == [], f"models without a contract configuration: {missing}"


def build(name, seed=0):
    """The model at its contract configuration, with seeded weights."""
    keras.utils.set_random_seed(seed)
    model = zoo.create_model(name, **zoo.model_info(name).contract.overrides)
    if not model.built:  # subclassed models create their weights on the first call
        model(first_rows(example_input(name)))
    return model


@functools.cache
def built(name):
    """``build(name)``, once per test process, for the tests that only read the model
    (building the large CNNs costs seconds each time). Tests that train build their own."""
    return build(name)


def example_input(name, batch=3, seed=1):
    """A random input batch: one array, or a list of arrays for a model with several inputs."""
    specs = zoo.model_info(name).contract.input
    rng = np.random.default_rng(seed)

    def draw(spec):
        if spec.dtype.startswith("int"):
            return rng.integers(0, spec.high, size=(batch,) + tuple(spec.shape)).astype(spec.dtype)
        return rng.standard_normal((batch,) + tuple(spec.shape)).astype(spec.dtype)

    return [draw(s) for s in specs] if isinstance(specs, tuple) else draw(specs)


def first_rows(x, n=1):
    """The first ``n`` examples of an input batch (one array or a list of arrays)."""
    return [a[:n] for a in x] if isinstance(x, list) else x[:n]


def batch_size(x):
    return len(x[0]) if isinstance(x, list) else len(x)


def as_list(outputs):
    return [keras.ops.convert_to_numpy(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]


def forward(model, x):
    """The model's first output as NumPy, computed the same way in every process.

    One compiled call on JAX (run op by op, JAX compiles every operation
    separately, which costs more than compiling the whole model once); a
    direct call elsewhere (TensorFlow would trace a graph first).
    """
    if keras.backend.backend() == "jax":
        return as_list(model.predict_on_batch(x))[0]
    return as_list(model(x, training=False))[0]


@pytest.mark.parametrize("name", PER_MODEL)
def test_builds_with_declared_output_shape(name):
    model = built(name)
    x = example_input(name)
    y = forward(model, x)
    assert y.shape == (batch_size(x),) + tuple(zoo.model_info(name).contract.output)
    assert np.isfinite(y).all()


# Loaded with Keras's own functions after ``import zoo``, as keras-hub's models
# are after ``import keras_hub``: once with zoo imported first, once with keras first.
_LOAD_WITH_KERAS = """
import json, sys, pathlib
IMPORTS
import numpy as np
FORWARD
folder = pathlib.Path(sys.argv[1])
result = {}
for name in json.loads(sys.argv[2]):
    arrays = np.load(folder / f"{name}.x.npz")
    x = [arrays[f"arr_{i}"] for i in range(len(arrays.files))]
    x = x[0] if len(x) == 1 else x
    expected = np.load(folder / f"{name}.y.npy")
    model = keras.saving.load_model(folder / f"{name}.keras", safe_mode=True)
    y = forward(model, x)
    from_json = keras.models.model_from_json((folder / f"{name}.json").read_text())
    if not from_json.built:
        from_json(first_rows(x))
    from_json.set_weights(model.get_weights())
    z = forward(from_json, x)
    result[name] = [float(np.max(np.abs(y - expected))), float(np.max(np.abs(z - expected)))]
print("RESULT" + json.dumps(result))
"""
IMPORT_ORDERS = {"zoo_first": "import zoo\nimport keras", "keras_first": "import keras\nimport zoo"}
# Which order registers zoo's classes is plain Python, the same for every model and backend, so each
# model is loaded once: on TensorFlow half of them after "import zoo; import keras" and half after
# "import keras; import zoo"; the other backends (whose fresh processes cost minutes of compiling every
# model) load both halves in the harder order, Keras imported before zoo.
ORDER_OF_HALF = (
    {"a": "zoo_first", "b": "keras_first"}
    if keras.backend.backend() == "tensorflow"
    else {"a": "keras_first", "b": "keras_first"}
)


# Each half is loaded by its own fresh process, so the two test processes share the work.
_SAVED = {}


def saved_models(tmp_path_factory, half):
    """A folder with ``half`` of the models saved as ``.keras`` and JSON, with an example input and
    its output (made once per test process)."""
    if half not in _SAVED:
        folder = tmp_path_factory.mktemp(f"saved-{half}")
        for name in HALVES[half]:
            model = built(name)
            x = example_input(name)
            np.savez(folder / f"{name}.x.npz", *(x if isinstance(x, list) else [x]))
            np.save(folder / f"{name}.y.npy", forward(model, x))
            model.save(folder / f"{name}.keras")
            (folder / f"{name}.json").write_text(model.to_json())
        _SAVED[half] = folder
    return _SAVED[half]


def test_the_halves_cover_every_model_once():
    assert sorted(HALVES["a"] + HALVES["b"]) == sorted(MODELS)


@pytest.mark.parametrize(
    "order, half",
    [pytest.param(ORDER_OF_HALF[h], h, marks=pytest.mark.xdist_group(f"contract-{h}")) for h in HALVES],
)
def test_keras_load_model_after_import_zoo_gives_identical_outputs(order, half, tmp_path_factory):
    """Every model, loaded in a fresh process with keras.saving.load_model (safe_mode=True)
    and rebuilt with keras.models.model_from_json, gives exactly the outputs it gave before."""
    folder = saved_models(tmp_path_factory, half)
    code = _LOAD_WITH_KERAS.replace("IMPORTS", IMPORT_ORDERS[order]).replace(
        "FORWARD", "\n".join(inspect.getsource(f) for f in (as_list, forward, first_rows))
    )
    proc = run_python(code, str(folder), json.dumps(HALVES[half]), timeout=900)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][-1]
    diffs = json.loads(line[len("RESULT") :])
    assert sorted(diffs) == sorted(HALVES[half])
    assert {name: d for name, d in diffs.items() if d != [0.0, 0.0]} == {}


@pytest.mark.parametrize("name", PER_MODEL)
def test_from_config_rebuilds(name):
    model = built(name)
    config = model.get_config()
    clone = model.__class__.from_config(copy.deepcopy(config))  # from_config may consume its dict
    x = example_input(name)
    if not clone.built:
        clone(first_rows(x))
    clone.set_weights(model.get_weights())
    assert clone.get_config() == config
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    np.testing.assert_array_equal(forward(clone, x), forward(model, x))


@pytest.mark.parametrize("name", PER_MODEL)
def test_another_seed_gives_other_weights(name):
    # (The same seed giving the same weights is checked by the training step's test, which builds
    # its model afresh with seed 0: one build of each model fewer.)
    a, c = built(name), build(name, seed=8)
    assert any(not np.array_equal(wa, wc) for wa, wc in zip(a.get_weights(), c.get_weights(), strict=True))


# JAX compiles a training step whole (XLA): 35-95 s for each of the deepest CNNs on 2 CPU cores,
# against seconds for the rest. Their blocks and code paths are those of a shallower variant of the
# same family, which every backend trains here; TensorFlow trains every model.
TRAINED_ON_TENSORFLOW_ONLY = {
    "resnet101": "resnet50",
    "resnet152": "resnet50",
    "densenet169": "densenet121",
    "densenet201": "densenet121",
}
TRAINED = [
    p for p in PER_MODEL if keras.backend.backend() == "tensorflow" or p.values[0] not in TRAINED_ON_TENSORFLOW_ONLY
]


def test_models_trained_on_tensorflow_only_have_a_variant_trained_on_every_backend():
    for deep, shallow in TRAINED_ON_TENSORFLOW_ONLY.items():
        assert zoo.model_info(deep).family == zoo.model_info(shallow).family
        assert shallow in MODELS and shallow not in TRAINED_ON_TENSORFLOW_ONLY


@pytest.mark.parametrize("name", TRAINED)
def test_same_seed_same_weights_and_one_training_step_gives_finite_loss(name):
    model = build(name)
    for fresh, cached in zip(model.get_weights(), built(name).get_weights(), strict=True):
        np.testing.assert_array_equal(fresh, cached)  # seed 0 again: the same weights
    x = example_input(name, batch=4)
    target = (
        np.random.default_rng(2).standard_normal((4,) + tuple(zoo.model_info(name).contract.output)).astype("float32")
    )
    # Eager on TensorFlow: tracing the training graph of a deep CNN costs far more than one eager step
    # (ResNet-152: 43 s against 6 s); JAX compiles the step once either way, so it stays compiled there.
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", run_eagerly=keras.backend.backend() == "tensorflow")
    if keras.backend.backend() == "tensorflow":  # eager there; two more compilations per model elsewhere
        # The loss Keras reports is the mean squared error of the model's own output, over the
        # time steps its output mask keeps (seq2seq's padding), before any training.
        outputs = model(x, training=False)
        output = outputs[0] if isinstance(outputs, (list, tuple)) else outputs
        squared = np.mean((keras.ops.convert_to_numpy(output) - target) ** 2, axis=-1)
        mask = getattr(output, "_keras_mask", None)
        mask = np.ones_like(squared) if mask is None else keras.ops.convert_to_numpy(mask).astype("float32")
        evaluated = model.test_on_batch(x, target)
        evaluated = float(evaluated[0] if isinstance(evaluated, (list, tuple)) else evaluated)
        assert evaluated == pytest.approx(float((squared * mask).sum() / mask.sum()), rel=1e-4, abs=1e-6)
    before = [w.copy() for w in model.get_weights()]
    loss = model.train_on_batch(x, target)
    loss = float(loss[0] if isinstance(loss, (list, tuple)) else loss)
    assert np.isfinite(loss)
    assert any(not np.array_equal(w0, w1) for w0, w1 in zip(before, model.get_weights(), strict=True))


def test_contract_covers_the_first_tenants():
    assert set(MODELS) >= {"lenet5", "text_generator"}


LEGACY = pathlib.Path(__file__).parent / "data"


def test_files_saved_before_the_layout_move_load_with_their_outputs():
    """``.keras`` files saved by zoo 0.1's layout (``zoo.models.text_generator``, ``zoo.cnn``, ...,
    before the move to one folder per family) still load with ``keras.saving.load_model``
    (``safe_mode=True``) and give the outputs they gave then (TensorFlow, so other backends
    within float32 round-off)."""
    arrays = np.load(LEGACY / "layout-0.1-io.npz")
    names = sorted({key.partition("/")[0] for key in arrays.files})
    assert len(names) == 6, names
    for name in names:
        x = [arrays[f"{name}/input{i}"] for i in range(2) if f"{name}/input{i}" in arrays.files]
        model = keras.saving.load_model(LEGACY / f"layout-0.1-{name}.keras", safe_mode=True)
        y = forward(model, x[0] if len(x) == 1 else x)
        np.testing.assert_allclose(y, arrays[f"{name}/output"], rtol=1e-4, atol=1e-5, err_msg=name)
