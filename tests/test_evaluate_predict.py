"""`zoo evaluate` and `zoo predict` (`zoo.inference`): a shipped preset scored on the package's digits and on
PNG files a test writes from them, its scores against scikit-learn's, its labels written as CSV and JSON lines."""

import json

import numpy as np
import pytest
from PIL import Image

import zoo
from tests.test_bad_input import refused_early
from zoo.cli import main
from zoo.data.images import load_digits
from zoo.inference import classification_scores

PRESET = "resnet_cifar_digits"


def test_classification_scores_match_scikit_learn():
    from sklearn import metrics

    rng = np.random.default_rng(0)
    labels, predicted = rng.integers(0, 4, 200), rng.integers(0, 4, 200)
    predicted[predicted == 3] = 2  # class 3 is never predicted: its precision is undefined
    scores = classification_scores(labels, predicted, ("a", "b", "c", "d"))
    assert scores["accuracy"] == metrics.accuracy_score(labels, predicted)
    assert scores["confusion"] == metrics.confusion_matrix(labels, predicted, labels=range(4)).tolist()
    recall = metrics.recall_score(labels, predicted, average=None, labels=range(4))
    precision = metrics.precision_score(labels, predicted, average=None, labels=range(4), zero_division=np.nan)
    assert [c["recall"] for c in scores["per_class"].values()] == pytest.approx(recall.tolist())
    assert [c["precision"] for c in scores["per_class"].values()][:3] == pytest.approx(precision[:3].tolist())
    assert scores["per_class"]["d"]["precision"] is None and np.isnan(precision[3])


def test_classification_scores_by_hand():
    scores = classification_scores([0, 0, 1, 1, 1], [0, 1, 1, 1, 0], ("cat", "dog"))
    assert scores["confusion"] == [[1, 1], [1, 2]] and scores["accuracy"] == 3 / 5
    assert scores["per_class"]["dog"] == {"examples": 3, "recall": 2 / 3, "precision": 2 / 3}


@pytest.fixture(scope="module")
def digit_files(tmp_path_factory):
    """The digits test split (the preset's held-out images) as 8-bit grey PNGs in class folders 0..9."""
    root = tmp_path_factory.mktemp("digits") / "digits"
    data = load_digits()
    for i, (image, label) in enumerate(zip(data.x_test, data.y_test, strict=True)):
        (root / str(label)).mkdir(parents=True, exist_ok=True)
        Image.fromarray(np.round(image[..., 0] * 255).astype(np.uint8)).save(root / str(label) / f"{i:03d}.png")
    return root


@pytest.mark.all_backends
def test_evaluate_scores_the_preset_as_its_card_does(tmp_path, capsys):
    out = tmp_path / "scores"
    assert main(["evaluate", PRESET, "--data", "digits", "--out", str(out)]) == 0
    scores = json.loads((out / "scores.json").read_text())
    card = zoo.presets.preset_card(PRESET)["score"]
    assert abs(scores["accuracy"] - card["value"]) <= card["tolerance"] and scores["examples"] == 360
    assert np.asarray(scores["confusion"]).sum() == 360 and np.trace(scores["confusion"]) / 360 == scores["accuracy"]
    assert (out / "confusion.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert f"accuracy {scores['accuracy']:.4f} (360 images)" in capsys.readouterr().out


def test_evaluate_and_predict_read_your_files(digit_files, tmp_path, capsys):
    out = tmp_path / "scores"
    assert main(["evaluate", PRESET, "--data", str(digit_files), "--out", str(out)]) == 0
    scores = json.loads((out / "scores.json").read_text())
    card = zoo.presets.preset_card(PRESET)["score"]
    assert scores["examples"] == 360 and abs(scores["accuracy"] - card["value"]) <= 0.01  # 8-bit PNGs: rounding
    capsys.readouterr()
    files = sorted(digit_files.rglob("*.png"))[:20]
    assert main(["predict", PRESET, *map(str, files), "--top-k", "2", "--out", str(tmp_path / "labels.jsonl")]) == 0
    records = [json.loads(line) for line in (tmp_path / "labels.jsonl").read_text().splitlines()]
    assert [r["input"] for r in records] == [str(f) for f in files]
    assert all(len(r["top"]) == 2 and r["top"][0][1] >= r["top"][1][1] for r in records)
    right = sum(r["top"][0][0] == f.parent.name for r, f in zip(records, files, strict=True))
    assert right >= 18  # the folder names the true digit; the preset is right on 99% of them
    assert main(["predict", PRESET, str(files[0]), "--out", str(tmp_path / "labels.csv")]) == 0
    rows = (tmp_path / "labels.csv").read_text().splitlines()
    assert rows[0] == "input,rank,class,probability" and len(rows) == 4 and rows[1].startswith(f"{files[0]},1,")



@pytest.mark.parametrize(
    "argv, message",
    [
        (["predict", "text_generator_stdlib", "a.png"], "and translates so far; text_generator is a"),
        (["evaluate", "text_generator_stdlib", "--data", "x"], "models trained on your texts, pairs or series so far"),
        (["predict", PRESET, "notes.txt"], "notes.txt is not an image file"),
        (["predict", PRESET, "fake.png"], "fake.png is not a PNG image"),
        (["predict", PRESET, "a.png", "--out", "taken.csv"], "--out taken.csv exists"),
        (["predict", PRESET, "a.png", "--out", "labels.txt"], "write a .csv or a .jsonl file"),
        (["evaluate", PRESET, "--data", "digits", "--out", "taken.csv"], "--out taken.csv exists"),
        (["evaluate", "no_such_preset", "--data", "digits"], "is not a preset (", ),
    ],
)
def test_bad_inputs_are_refused_in_one_line_before_tensorflow(tmp_path, argv, message):
    Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(tmp_path / "a.png")
    (tmp_path / "notes.txt").write_text("a note")
    (tmp_path / "fake.png").write_text("not a png")
    (tmp_path / "taken.csv").write_text("yours")
    assert message in refused_early(argv, tmp_path)
    assert (tmp_path / "taken.csv").read_text() == "yours"


def test_a_folder_of_other_classes_than_the_run_learned_is_refused(tmp_path):
    run = tmp_path / "run"
    run.mkdir()
    zoo.create_model("lenet5", num_classes=2).save(run / "model.keras")
    (run / "zoo-run.json").write_text(json.dumps({"settings": {"model": "lenet5", "classes": ["cat", "dog"]}}))
    for name in ("cat", "fox"):
        (tmp_path / "pets" / name).mkdir(parents=True)
        Image.fromarray(np.zeros((8, 8), dtype=np.uint8)).save(tmp_path / "pets" / name / "1.png")
    line = refused_early(["evaluate", "run/model.keras", "--data", "pets"], tmp_path)
    assert "pets has classes cat, fox; run/model.keras was trained on cat, dog" in line
