"""Presets (zoo.presets): shipped files that pass their SHA-256 check and reproduce their cards' scores."""

import json
import pathlib
import re
import shutil

import numpy as np
import pytest

import zoo
from tests.conftest import REPO, run_zoo
from zoo.cli import build_parser, main
from zoo.presets import CARD, FILES, list_presets, preset, preset_card, preset_folder, preset_scorer
from zoo.presets.rebuild import scorer_name

PRESETS = list_presets()
CARD_FIELDS = {"preset", "model", "command", "seed", "recipe", "training_seconds", "score", "sha256", "date_saved"}


def test_presets_are_declared_for_registered_models():
    assert PRESETS, "no preset is declared"
    assert len(set(PRESETS)) == len(PRESETS)
    for name in PRESETS:
        assert preset(name).model in zoo.list_models()


@pytest.mark.parametrize("name", PRESETS)
def test_card_says_how_the_preset_was_made(name):
    card = preset_card(name)
    assert CARD_FIELDS <= set(card), CARD_FIELDS - set(card)
    spec = preset(name)
    assert card["model"] == spec.model and card["command"] == spec.command()
    assert card["recipe"]["seed"] == card["seed"] and card["recipe"]["model"] == spec.model
    assert card["score"]["metric"] == spec.metric and card["training_seconds"] > 0
    assert card["score"]["scorer"] == scorer_name(preset_scorer(name))  # the kind's scorer scored it
    # The card's command is one zoo train accepts as written.
    args = build_parser().parse_args(card["command"].split()[1:])
    assert args.command == "train" and args.model == spec.model
    assert set(card["sha256"]) == set(FILES)
    files = {p.name for p in preset_folder(name).iterdir()}
    assert files == {*FILES, CARD}


@pytest.mark.parametrize("name", PRESETS)
def test_preset_reproduces_its_cards_held_out_score(name):
    card = preset_card(name)
    model = zoo.load_preset(name)
    score = preset_scorer(name)(model)
    assert abs(score - card["score"]["value"]) <= card["score"]["tolerance"], (score, card["score"])


def test_a_changed_file_is_named_and_nothing_loads(tmp_path):
    name = PRESETS[0]
    copy = tmp_path / name
    shutil.copytree(preset_folder(name), copy)
    zoo.load_preset(copy)  # a copy of a shipped preset's folder loads by its path, as it is
    weights = copy / "model.weights.h5"
    data = bytearray(weights.read_bytes())
    data[len(data) // 2] ^= 0xFF
    weights.write_bytes(bytes(data))
    with pytest.raises(ValueError, match=f"preset '{copy}': model.weights.h5 has SHA-256 .* its card says"):
        zoo.load_preset(copy)


def test_create_model_with_weights_is_the_preset():
    name = "text_generator_stdlib"
    model = zoo.create_model("text_generator", weights=name)
    same = zoo.load_preset(name)
    x = np.arange(24, dtype="int32").reshape(2, 12) % 90 + 3
    np.testing.assert_array_equal(np.asarray(model(x)), np.asarray(same(x)))
    with pytest.raises(zoo.BadArgumentError, match="is a preset of text_generator, not of transformer_lm"):
        zoo.create_model("transformer_lm", weights=name)
    with pytest.raises(zoo.BadArgumentError, match="takes only num_classes and input_shape .*, got units"):
        zoo.create_model("text_generator", weights=name, units=8)
    with pytest.raises(KeyError, match="Did you mean text_generator_stdlib"):
        zoo.create_model("text_generator", weights="text_generator_stdlb")


def test_zoo_list_pretrained_and_info_show_the_presets():
    listed = run_zoo("list", "--pretrained", "--json")
    assert listed.returncode == 0, listed.stderr
    assert json.loads(listed.stdout) == PRESETS
    table = run_zoo("list", "--pretrained").stdout.splitlines()
    assert [line.split()[0] for line in table] == PRESETS
    for line, name in zip(table, PRESETS, strict=True):
        assert f"{preset_card(name)['score']['value']:g}" in line
    info = run_zoo("info", "text_generator").stdout
    assert "text_generator_stdlib:" in info and preset("text_generator_stdlib").command() in info
    assert json.loads(run_zoo("info", "text_generator", "--json").stdout)["presets"] == ["text_generator_stdlib"]


def test_zoo_generate_with_a_preset_writes_text(capsys):
    assert main(["generate", "text_generator_stdlib", "--prompt", "def ", "--length", "80", "--temperature", "0"]) == 0
    text = capsys.readouterr().out[len("def ") :]
    assert len(text.rstrip("\n")) >= 60
    # Words of five letters or more that Python's source uses: an untrained model's text has none.
    from zoo.data.text import load_corpus

    source_words = set(re.findall(r"[A-Za-z]{5,}", load_corpus("stdlib", max_chars=2_000_000).train))
    assert set(re.findall(r"[A-Za-z]{5,}", text)) & source_words, text


def test_readme_table_shows_every_preset_with_its_cards_score():
    readme = (pathlib.Path(REPO) / "README.md").read_text(encoding="utf-8")
    table = readme.split("<!-- presets:")[1].split("-->", 1)[1].strip().split("\n\n")[0]
    rows = {m[0]: m[1:] for m in re.findall(r"^\| `(\w+)` \| `(\w+)` \| ([\d.]+) ([^|]+?) \|", table, re.M)}
    assert sorted(rows) == PRESETS
    for name, (model, value, metric) in rows.items():
        card = preset_card(name)
        assert model == card["model"] and float(value) == pytest.approx(card["score"]["value"], abs=5e-4)
        assert metric.strip() == card["score"]["metric"]


def _array_dtypes(path) -> set:
    import h5py

    found = set()
    with h5py.File(path, "r") as weights:
        weights.visititems(lambda _, item: found.add(str(item.dtype)) if isinstance(item, h5py.Dataset) else None)
    return found


def test_presets_ship_half_precision_weights_in_a_few_megabytes():
    total = 0
    for name in PRESETS:
        path = preset_folder(name) / "model.weights.h5"
        total += path.stat().st_size
        dtypes = _array_dtypes(path)
        assert "float32" not in dtypes, (name, dtypes)
    assert total < 6_000_000, f"the presets' weights take {total:,} bytes"


def test_halving_a_weights_file_rounds_to_float16_and_keeps_what_float16_cannot_hold(tmp_path):
    import keras

    from zoo.presets.rebuild import halve_precision

    def model():
        return keras.Sequential([keras.Input((64,)), keras.layers.Dense(64), keras.layers.Dense(2)])

    original = model()
    weights = [np.random.default_rng(0).normal(size=w.shape).astype("float32") for w in original.get_weights()]
    weights[-1][:] = [1.0e5, -3.0]  # beyond float16's range: this array must stay float32
    original.set_weights(weights)
    path = tmp_path / "model.weights.h5"
    original.save_weights(path)
    size = path.stat().st_size
    halve_precision(path)
    assert not (tmp_path / "model.weights.h5.half").exists() and path.stat().st_size < size
    loaded = model()
    loaded.load_weights(path)
    got = loaded.get_weights()
    for w, g in zip(weights[:-1], got[:-1], strict=True):
        assert g.dtype == np.float32 and np.array_equal(g, w.astype(np.float16).astype(np.float32))
        assert not np.array_equal(g, w)
    assert np.array_equal(got[-1], weights[-1])
