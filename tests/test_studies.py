"""The studies behind tutorials 01, 03 and 06 compute what they claim to."""

import keras
import numpy as np
import pytest

import zoo
from zoo.data.series import load_sunspots, sliding_windows
from zoo.studies.gradient_flow import CharModel, clipping_study, gradient_by_distance
from zoo.studies.interpretable_cells import code_features, correlate, record_cells, top_cells
from zoo.studies.sequence_models import compare_forecasters, recursive_forecast


def test_sunspots_ship_with_the_package():
    years, spots = load_sunspots()
    assert len(years) == len(spots) == 309 and years[0] == 1700 and years[-1] == 2008
    assert spots.min() >= 0 and 150 < spots.max() < 200


def test_sliding_windows_and_recursive_forecast():
    x, y = sliding_windows(np.arange(10), 3, horizon=2)
    np.testing.assert_array_equal(x[0], [0, 1, 2])
    assert y[0] == 4 and len(x) == 6
    doubling = recursive_forecast(lambda w: 2 * w[:, -1], np.ones((2, 3)), steps=4)
    np.testing.assert_array_equal(doubling, [[2, 4, 8, 16]] * 2)
    with pytest.raises(ValueError, match="too short"):
        sliding_windows(np.arange(3), 3)


def test_compare_forecasters_on_sunspots():
    result = compare_forecasters(epochs=5, horizons=(1, 8))
    rmse = result["rmse"]
    assert set(rmse) == {"persistence", "linear AR(4)", "Markov (tau=1) MLP", "AR(4) MLP", "latent GRU"}
    # Least squares on a 4-year window beats "same as last year" one step ahead on this series.
    assert rmse["linear AR(4)"][0] < rmse["persistence"][0]
    assert all(np.isfinite(v).all() for v in rmse.values())


def test_gradient_norms_vanish_and_explode_as_the_recurrent_gain_says():
    x = np.random.default_rng(0).integers(1, 98, (8, 25)).astype("int32")
    shrink = CharModel("rnn-tanh", 98, units=32, recurrent_gain=0.3).gradient_norms(x, x)
    grow = CharModel("rnn-relu", 98, units=32, recurrent_gain=2.0).gradient_norms(x, x)
    assert shrink.shape == grow.shape == (25,)
    assert shrink[-1] < 1e-3 * shrink[0]  # vanishes going back in time
    assert grow[-1] > 1e3 * grow[0]  # explodes


def test_clipping_bounds_the_update():
    study = clipping_study(steps=6, seq_len=20, units=32, learning_rate=0.05, clipnorm=1.0)
    raw = np.array(study["unclipped"]["grad_norm"])
    assert raw.max() > 1.0  # the gradient exceeds the clip threshold, so clipping acts
    clipped = np.array(study["clipped"]["update_norm"])
    assert (clipped <= 0.05 * 1.0 * (1 + 1e-4)).all()  # SGD's step is lr x the clipped gradient
    unclipped = np.array(study["unclipped"]["update_norm"])
    assert unclipped[0] > 0.05 * 1.0 * 1.5  # without clipping the first (same) step is larger
    assert np.isfinite(study["clipped"]["loss"]).all()


def test_gradient_studies_refuse_another_backend_before_any_work(monkeypatch):
    monkeypatch.setattr(keras.backend, "backend", lambda: "jax")
    for study in (gradient_by_distance, clipping_study):
        with pytest.raises(RuntimeError, match="needs the TensorFlow backend; Keras runs on 'jax' here"):
            study()


def test_record_cells_matches_the_layer_outputs_and_correlate():
    model = zoo.create_model("text_generator", units=8, embedding_dim=4, num_layers=2)
    text = 'x = "a"  # c\n'
    h = record_cells(model, text, layer=-1, state="h")
    ids = zoo.data.encode_chars(text)[None]
    x = model.embedding(ids)
    for layer in model.recurrent_layers:
        x = layer(x)[0]
    np.testing.assert_allclose(h, keras.ops.convert_to_numpy(x)[0], atol=1e-5)
    c = record_cells(model, text, state="c")
    assert c.shape == (len(text), 8)
    feats = code_features(text)
    fake = np.stack([feats["in_string"], -feats["in_comment"], np.random.default_rng(0).normal(size=len(text))], 1)
    ranked = top_cells(correlate(fake, feats), k=1)
    assert ranked["in_string"][0][0] == 0 and ranked["in_string"][0][1] == pytest.approx(1.0)
    assert ranked["in_comment"][0] == (1, pytest.approx(-1.0))
    with pytest.raises(ValueError, match="has no cell state"):
        record_cells(zoo.create_model("text_generator", cell="gru", units=4), "x", state="c")
