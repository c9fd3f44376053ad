"""zoo.kinds: each kind of data owns its flags, trainer and search data; a new kind is one module.

The toy kind below is the whole of what a new kind of data takes: a :class:`~zoo.kinds.DataKind` with its
flag table, its trainer and its search data, registered with :func:`~zoo.kinds.register_kind`, and a recipe
that names it. ``zoo train`` and ``zoo tune`` then train and search its model with nothing else changed.
"""

import json

import numpy as np
import pytest

import zoo
from zoo.cli import main
from zoo.kinds import DataKind, Flag, all_kinds, data_kind, register_kind, unregister_kind
from zoo.validation import positive_int_arg


class ToyKind(DataKind):
    """Points on the line y = 3x, as many as ``--points``."""

    name = "toy_points"
    flags = (Flag("points", 32, "points on the line to fit", positive_int_arg),)

    def points(self, args):
        x = np.linspace(-1, 1, args.points, dtype="float32")[:, None]
        return x, 3 * x

    def train(self, args, recipe):
        from zoo.factory import create_model
        from zoo.training.compiling import compile_for_task

        model = compile_for_task(create_model(args.model, **args.model_args), "forecasting", recipe.learning_rate)
        history = model.fit(*self.points(args), epochs=args.epochs, batch_size=recipe.batch_size, verbose=0)
        print(f"toy: {args.points} points, {len(history.history['loss'])} epochs, width {model.layers[1].units}")

    def search_data(self, args, recipe, fixed):
        from zoo.tune.searching import SearchData

        x, y = self.points(args)
        return SearchData(fixed={}, fit_kwargs={"x": x, "y": y, "validation_data": (x, y)}, description="toy points")


def toy_line(width=4, name="toy_line"):
    """A one-hidden-layer regressor of one number."""
    import keras

    inputs = keras.Input((1,))
    hidden = keras.layers.Dense(width, activation="tanh")(inputs)
    return keras.Model(inputs, keras.layers.Dense(1)(hidden), name=name)


@pytest.fixture
def toy():
    register_kind(ToyKind())
    recipe = zoo.TrainingRecipe(data="toy_points", batch_size=8, learning_rate=0.01)
    zoo.register_model(task="forecasting", family="toy", recipe=recipe, tunable={"width": {"values": [2, 4]}})(toy_line)
    try:
        yield
    finally:
        zoo.unregister_model("toy_line")
        unregister_kind("toy_points")


def test_the_built_in_kinds_cover_every_recipe():
    names = {kind.name for kind in all_kinds()}
    assert {zoo.model_info(n).recipe.data for n in zoo.list_models()} <= names
    assert data_kind("text").defaults()["corpus"] == "stdlib"
    with pytest.raises(KeyError, match="no kind of data 'toy_points'; kinds: text, images, scenes"):
        data_kind("toy_points")


def test_a_new_kind_trains_and_tunes_through_the_commands(toy, tmp_path, capsys):
    assert main(["train", "toy_line", "--points", "40", "--epochs", "2", "--set", "width=3", "--verbose", "0",
                 "--out", str(tmp_path / "run")]) == 0  # fmt: skip
    assert "toy: 40 points, 2 epochs, width 3" in capsys.readouterr().out
    argv = ["tune", "toy_line", "--epochs", "1", "--verbose", "0", "--dir", str(tmp_path / "search")]
    assert main(argv) == 0
    searched = json.loads((tmp_path / "search" / "search.json").read_text())
    assert searched["data"] == "toy_points" and searched["space"] == {"width": {"values": [2, 4]}}
    assert len(json.loads((tmp_path / "search" / "results.json").read_text())) == 2


def test_a_kinds_flags_are_its_own(toy, capsys):
    assert main(["train", "toy_line", "--epochs", "1", "--corpus", "stdlib"]) == 2
    assert "--corpus does not apply to toy_line, a model trained on toy_points data" in capsys.readouterr().err
    assert main(["train", "text_generator", "--epochs", "1", "--points", "3"]) == 2
    assert "--points does not apply to text_generator, a model trained on text data" in capsys.readouterr().err
    assert main(["train", "toy_line", "--epochs", "1", "--points", "0"]) == 2  # the table's type checks it
    assert "--points" in capsys.readouterr().err


def test_a_kind_name_is_taken_once(toy):
    with pytest.raises(ValueError, match="a kind of data named 'toy_points' exists"):
        register_kind(ToyKind())
