"""The contract every registered model keeps, parametrized over ``zoo.list_models()``.

A model registered later is covered here without new test code, at the small
configuration its registry entry declares (``ModelInfo.contract``).
"""

import copy
import json

import keras
import numpy as np
import pytest

import zoo
from tests.conftest import run_python

MODELS = [n for n in zoo.list_models() if zoo.model_info(n).contract is not None]


def test_every_model_declares_a_contract():
    missing = [n for n in zoo.list_models() if zoo.model_info(n).contract is None]
    assert missing == [], f"models without a contract configuration: {missing}"


def build(name, seed=0):
    """The model at its contract configuration, with seeded weights."""
    keras.utils.set_random_seed(seed)
    model = zoo.create_model(name, **zoo.model_info(name).contract.overrides)
    x = example_input(name)
    model(x[:1])  # builds subclassed models too
    return model


def example_input(name, batch=3, seed=1):
    spec = zoo.model_info(name).contract.input
    rng = np.random.default_rng(seed)
    if spec.dtype.startswith("int"):
        return rng.integers(0, spec.high, size=(batch,) + tuple(spec.shape)).astype(spec.dtype)
    return rng.standard_normal((batch,) + tuple(spec.shape)).astype(spec.dtype)


def as_list(outputs):
    return [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]


@pytest.mark.parametrize("name", MODELS)
def test_builds_with_declared_output_shape(name):
    model = build(name)
    x = example_input(name)
    (y,) = as_list(model(x))
    assert y.shape == (x.shape[0],) + tuple(zoo.model_info(name).contract.output)
    assert np.isfinite(y).all()


@pytest.fixture(scope="module")
def saved_models(tmp_path_factory):
    """Save every model, then load all of them in one fresh process.

    Returns ``{name: max_abs_difference}`` between the outputs before saving
    and after loading with ``safe_mode=True``.
    """
    folder = tmp_path_factory.mktemp("saved")
    for name in MODELS:
        model = build(name)
        x = example_input(name)
        np.save(folder / f"{name}.x.npy", x)
        np.save(folder / f"{name}.y.npy", as_list(model.predict(x, verbose=0))[0])
        model.save(folder / f"{name}.keras")
    code = """
import json, sys, pathlib
import numpy as np
import zoo
folder = pathlib.Path(sys.argv[1])
result = {}
for name in json.loads(sys.argv[2]):
    model = zoo.load_model(folder / f"{name}.keras", safe_mode=True)
    x = np.load(folder / f"{name}.x.npy")
    y = model.predict(x, verbose=0)
    y = y[0] if isinstance(y, (list, tuple)) else y
    result[name] = float(np.max(np.abs(np.asarray(y) - np.load(folder / f"{name}.y.npy"))))
print("RESULT" + json.dumps(result))
"""
    proc = run_python(code, str(folder), json.dumps(MODELS), timeout=600)
    assert proc.returncode == 0, proc.stderr[-3000:]
    line = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")][-1]
    return json.loads(line[len("RESULT") :])


@pytest.mark.parametrize("name", MODELS)
def test_saved_file_loads_in_fresh_process_with_identical_outputs(name, saved_models):
    assert saved_models[name] == 0.0


@pytest.mark.parametrize("name", MODELS)
def test_from_config_rebuilds(name):
    model = build(name)
    config = model.get_config()
    clone = model.__class__.from_config(copy.deepcopy(config))  # from_config may consume its dict
    x = example_input(name)
    clone(x[:1])
    clone.set_weights(model.get_weights())
    assert clone.get_config() == config
    assert [w.shape for w in clone.get_weights()] == [w.shape for w in model.get_weights()]
    np.testing.assert_array_equal(as_list(clone.predict(x, verbose=0))[0], as_list(model.predict(x, verbose=0))[0])


@pytest.mark.parametrize("name", MODELS)
def test_same_seed_same_weights(name):
    a, b, c = build(name, seed=7), build(name, seed=7), build(name, seed=8)
    for wa, wb in zip(a.get_weights(), b.get_weights(), strict=True):
        np.testing.assert_array_equal(wa, wb)
    assert any(not np.array_equal(wa, wc) for wa, wc in zip(a.get_weights(), c.get_weights(), strict=True))


@pytest.mark.parametrize("name", MODELS)
def test_one_training_step_gives_finite_loss(name):
    model = build(name)
    x = example_input(name, batch=4)
    target = (
        np.random.default_rng(2).standard_normal((4,) + tuple(zoo.model_info(name).contract.output)).astype("float32")
    )
    model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    before = [w.copy() for w in model.get_weights()]
    loss = model.train_on_batch(x, target)
    loss = float(loss[0] if isinstance(loss, (list, tuple)) else loss)
    assert np.isfinite(loss) and loss > 0
    assert any(not np.array_equal(w0, w1) for w0, w1 in zip(before, model.get_weights(), strict=True))


def test_contract_covers_the_first_tenants():
    assert set(MODELS) >= {"lenet5", "text_generator"}
