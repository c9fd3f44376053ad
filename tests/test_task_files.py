"""Your own files for the sequence tasks (`zoo.data.task_files`, `zoo train MODEL --data FILE`): a CSV, TSV or
folder of labelled texts, a TSV of translation pairs and a CSV series, written by the tests, split by seed (or by
time), bad files named in one line before TensorFlow starts."""

import csv
import json
import re

import numpy as np
import pytest

from tests.test_bad_input import refused_early
from zoo.cli import main
from zoo.data.task_files import read_labelled_texts, read_series, read_text_pairs
from zoo.errors import InputError
from zoo.kinds import data_kind

GOOD, BAD = ("good", "great", "lovely", "fine"), ("bad", "awful", "poor", "dull")


def write_reviews(path, n=200, delimiter=","):
    """`id,review,sentiment` rows: a review is positive when its two judging words are good ones; each also
    holds a word of its own (`w<i>`), seen by no other review."""
    rng = np.random.default_rng(0)
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f, delimiter=delimiter)
        writer.writerow(["id", "review", "sentiment"])
        for i in range(n):
            words = GOOD if i % 2 else BAD
            writer.writerow([i, f"the film was {rng.choice(words)}, w{i} and {rng.choice(words)}",
                             "pos" if i % 2 else "neg"])  # fmt: skip
    return path


def test_sentiment_rnn_learns_a_csv_of_reviews_with_the_vocabulary_of_its_training_part(tmp_path, capsys):
    from zoo.training.tasks import make_task_data

    reviews = write_reviews(tmp_path / "reviews.csv")
    data = make_task_data("sentiment_rnn", data=str(reviews))
    own_word = [x[:, 4] for x in (data.x_train, data.x_val, data.x_test)]  # "w<i>": the 5th word of each
    assert (own_word[0] > 1).all() and (own_word[1] == 1).all() and (own_word[2] == 1).all()  # 1: unknown
    assert (len(data.y_train), len(data.y_val), len(data.y_test)) == (160, 20, 20)  # 80/10/10, stratified
    assert data.y_val.mean() == data.y_test.mean() == 0.5

    out = tmp_path / "run"
    argv = ["train", "sentiment_rnn", "--data", str(reviews), "--epochs", "4", "--verbose", "0", "--out", str(out)]
    assert main(argv) == 0
    accuracy = float(capsys.readouterr().out.split("test: accuracy ")[1].split()[0])
    assert accuracy >= 0.9  # the judging words decide: far above chance only if labels follow the texts
    settings = json.loads((out / "zoo-run.json").read_text())["settings"]
    assert settings["data"].startswith(f"160 texts of {reviews} (neg 0, pos 1;")


def test_a_folder_of_class_subfolders_reads_like_the_csv(tmp_path):
    reviews = write_reviews(tmp_path / "reviews.tsv", delimiter="\t")
    by_table = read_labelled_texts(reviews)
    root = tmp_path / "texts"
    for i, (text, label) in enumerate(zip(by_table.texts, by_table.labels, strict=True)):
        folder = root / by_table.classes[label]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{i:03d}.txt").write_text(text, encoding="utf-8")
    (root / "pos" / "cover.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    by_folder = read_labelled_texts(root)
    assert by_folder.classes == by_table.classes == ("neg", "pos")
    pairs = [sorted(zip(r.texts, r.labels.tolist(), strict=True)) for r in (by_folder, by_table)]
    assert pairs[0] == pairs[1]
    assert by_folder.skipped == (str(root / "pos" / "cover.png"),)


def test_seq2seq_learns_the_characters_of_a_tsv_of_pairs(tmp_path):
    from zoo.training.runs import RunOptions
    from zoo.training.tasks import make_task_data, train_task

    pairs = tmp_path / "pairs.tsv"
    rng = np.random.default_rng(0)
    numbers = rng.integers(0, 1000, 300)
    pairs.write_text("".join(f"{n}\t{str(n)[::-1]}x\tattribution\n" for n in numbers), encoding="utf-8")
    data = make_task_data("seq2seq_attention", data=str(pairs))
    # sources: padding, "?" and ten digits; targets: padding, "?", <start>, <end>, ten digits and "x"
    assert data.model_args == {"source_vocab_size": 12, "target_vocab_size": 15}
    assert data.x_train[0].shape[1] == 3 and data.y_train.shape[1] == 5  # the longest source; target and <end>
    result = train_task("seq2seq_attention", data=str(pairs), options=RunOptions(epochs=1, out_dir=tmp_path / "run"))
    assert list(result.scores) == ["exact_match"] and "val_exact_match" in result.history[-1]


def test_a_series_is_split_by_time_and_scored_in_its_own_units(tmp_path):
    from zoo.training.tasks import make_task_data

    series = tmp_path / "series.csv"
    series.write_text("year,level\n" + "".join(f"{1900 + i},{i * 0.5}\n" for i in range(100)))
    data = make_task_data("autoregressive_forecaster", data=str(series))
    assert data.y_train.max() < data.y_val.min() and data.y_val.max() < data.y_test.min()  # later values held out
    assert data_kind("series").epoch_metrics("autoregressive_forecaster", {}, str(series)) == {"val_mae_series": "min"}
    out = tmp_path / "run"
    assert main(["train", "autoregressive_forecaster", "--data", str(series), "--epochs", "1", "--verbose", "0",
                 "--out", str(out)]) == 0  # fmt: skip
    row = json.loads((out / "history.json").read_text())[-1]
    assert "val_mae_series" in row and "val_mae_sunspots" not in row


@pytest.mark.parametrize(
    "name, content, reader, message",
    [
        ("r.csv", "id,words\n1,good\n", read_labelled_texts, "no text column named text or review"),
        ("r.csv", "text,label\n" + "good,pos\n" * 12 + "bad\n", read_labelled_texts, "line 14: 1 column(s)"),
        ("r.csv", "text,label\n" + "good,pos\n" * 12, read_labelled_texts, "12 text(s) in 1 class(es)"),
        ("r.csv", "text,label\n" + "good,pos\n bad,neg\n" * 6 + " ,neg\n", read_labelled_texts, "1 empty text(s)"),
        ("r.csv", b"text,label\n\xff\xfe,pos\n", read_labelled_texts, "is not UTF-8 text (byte 11)"),
        ("p.tsv", "a\tb\n" * 12 + "no tab here\n", read_text_pairs, "line 13: 'no tab here' is not source<TAB>target"),
        ("p.csv", "a\tb\n" * 12, read_text_pairs, "is not a .tsv or .txt file"),
        ("s.csv", "t,v\n" + "1,2\n" * 12 + "1,n/a\n", read_series, "line 14: 'n/a' in column 'v' is not a number"),
    ],
)  # fmt: skip
def test_a_file_that_cannot_train_is_refused_in_one_line_naming_it(tmp_path, name, content, reader, message):
    path = tmp_path / name
    path.write_bytes(content if isinstance(content, bytes) else content.encode())
    with pytest.raises(InputError, match=re.escape(message)) as refused:
        reader(path)
    assert str(path) in str(refused.value) and "\n" not in str(refused.value)


def test_an_empty_class_folder_is_refused(tmp_path):
    (tmp_path / "texts" / "pos").mkdir(parents=True)
    (tmp_path / "texts" / "pos" / "a.txt").write_text("good")
    (tmp_path / "texts" / "neg").mkdir()
    with pytest.raises(InputError, match=re.escape(f"{tmp_path / 'texts' / 'neg'} holds no .txt files")):
        read_labelled_texts(tmp_path / "texts")


@pytest.mark.parametrize(
    "argv, message",
    [
        (["train", "sentiment_rnn", "--data", "reviews.csv", "--text-column", "body"],
         "no text column named body in its header ['id', 'review', 'sentiment']; name one with --text-column"),
        (["train", "sentiment_rnn", "--label-column", "sentiment"], "--label-column name columns of your own file"),
        (["train", "video_classifier", "--data", "reviews.csv"], "--data does not apply to video_classifier"),
        (["tune", "seq2seq_attention", "--dir", "D", "--data", "reviews.csv"],
         "is not a .tsv or .txt file of source<TAB>target lines"),
    ],
)  # fmt: skip
def test_bad_files_and_flags_are_refused_before_tensorflow(tmp_path, argv, message):
    write_reviews(tmp_path / "reviews.csv")
    assert message in refused_early([*argv, "--epochs", "1"], tmp_path)


def test_a_search_on_your_series_prints_the_command_that_trains_on_it_again(tmp_path, capsys):
    series = tmp_path / "series.csv"
    series.write_text("year,level,other\n" + "".join(f"{1900 + i},{i % 9},{i}\n" for i in range(100)))
    folder = tmp_path / "search"
    tune = ["tune", "autoregressive_forecaster", "--data", str(series), "--series-column", "level", "--epochs", "1",
            "--verbose", "0", "--dir", str(folder), "--space", "hidden_units=4,8"]  # fmt: skip
    assert main(tune) == 0
    printed = capsys.readouterr().out
    assert "ranked by val_mae_series" in printed
    command = next(line for line in printed.splitlines() if "--from-search" in line).split(": ", 1)[1]
    assert f"--data {series} --series-column level --epochs N" in command
    out = tmp_path / "run"
    assert main([*command.split()[1:-2], "--epochs", "1", "--verbose", "0", "--out", str(out)]) == 0
    settings = json.loads((out / "zoo-run.json").read_text())["settings"]
    assert settings["data"].startswith(f"100 values of column 'level' of {series}")
    assert main([*tune[:5], "other", *tune[6:]]) == 2  # another column is another search: refused, not mixed in
    assert "changed: data_flags" in capsys.readouterr().err


def test_a_reviews_run_evaluates_and_labels_new_texts_with_its_own_vocabulary(tmp_path, capsys):
    reviews = write_reviews(tmp_path / "reviews.csv")
    run = tmp_path / "run"
    assert main(["train", "sentiment_rnn", "--data", str(reviews), "--epochs", "4", "--verbose", "0",
                 "--out", str(run)]) == 0  # fmt: skip
    encoding = json.loads((run / "encoding.json").read_text())
    assert encoding["classes"] == ["neg", "pos"] and "w0" not in encoding["vocabulary"][:2]
    other = write_reviews(tmp_path / "other.csv", n=60)  # the same kind of texts, scored all
    assert main(["evaluate", str(run / "model.keras"), "--data", str(other), "--out", str(tmp_path / "ev")]) == 0
    scores = json.loads((tmp_path / "ev" / "scores.json").read_text())

    import keras

    from zoo.models.rnn.sentiment import encode_reviews

    model = keras.saving.load_model(run / "model.keras", compile=False)
    read = read_labelled_texts(other)
    found = model.predict(encode_reviews(read.texts, encoding["vocabulary"], encoding["maxlen"]), verbose=0)[:, 0]
    assert scores["accuracy"] == pytest.approx(float(np.mean((found > 0.5) == read.labels)))
    capsys.readouterr()
    texts = tmp_path / "texts.txt"
    texts.write_text("the film was lovely, w7 and great\n\nthe film was awful, w9 and poor\n")
    assert main(["predict", str(run / "model.keras"), str(texts), "the film was bad, and dull", "--top-k", "1"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert [line.split(": ")[1].split()[0] for line in lines] == ["pos", "neg", "neg"]


def test_a_series_run_scores_another_series_with_its_own_scaling(tmp_path):
    series = tmp_path / "series.csv"
    series.write_text("t,v\n" + "".join(f"{i},{np.sin(i / 4)}\n" for i in range(120)))
    run = tmp_path / "run"
    assert main(["train", "autoregressive_forecaster", "--data", str(series), "--epochs", "2", "--verbose", "0",
                 "--out", str(run)]) == 0  # fmt: skip
    later = tmp_path / "later.csv"
    values = 3 + np.cos(np.arange(60) / 4)  # another level: scaled as the training series was, not by itself
    later.write_text("t,v\n" + "".join(f"{i},{v}\n" for i, v in enumerate(values)))
    assert main(["evaluate", str(run / "model.keras"), "--data", str(later), "--out", str(tmp_path / "ev")]) == 0
    scores = json.loads((tmp_path / "ev" / "scores.json").read_text())

    import keras

    from zoo.data.series import sliding_windows

    encoding = json.loads((run / "encoding.json").read_text())
    model = keras.saving.load_model(run / "model.keras", compile=False)
    x, y = sliding_windows((values - encoding["mean"]) / encoding["scale"], encoding["width"])
    found = model.predict(x, verbose=0)[:, 0]
    assert scores["mae_series"] == pytest.approx(float(np.mean(np.abs(found - y))) * encoding["scale"], rel=1e-5)


def test_a_preset_saved_from_a_reviews_run_labels_texts_as_the_run_does(tmp_path, capsys):
    reviews = write_reviews(tmp_path / "reviews.csv", n=60)
    run = tmp_path / "run"
    assert main(["train", "sentiment_rnn", "--data", str(reviews), "--epochs", "1", "--verbose", "0",
                 "--out", str(run)]) == 0  # fmt: skip
    assert main(["preset", "save", str(run), "--to", str(tmp_path / "mine")]) == 0
    capsys.readouterr()
    texts = ["the film was lovely, and great", "the film was awful, and poor"]
    labels = []
    for model in (run / "model.keras", tmp_path / "mine"):
        assert main(["predict", str(model), *texts, "--top-k", "2"]) == 0
        labels.append(capsys.readouterr().out)
    assert labels[0] == labels[1].replace(str(tmp_path / "mine"), str(run / "model.keras"))
    assert labels[0].count("pos ") == labels[0].count("neg ") == 2  # both classes of both texts, with probabilities


def test_texts_of_three_labels_are_refused_for_sentiment_rnn_before_tensorflow(tmp_path):
    rows = "".join(f"text {i},{'abc'[i % 3]}\n" for i in range(30))
    (tmp_path / "three.csv").write_text("text,label\n" + rows)
    line = refused_early(["train", "sentiment_rnn", "--data", "three.csv", "--epochs", "1"], tmp_path)
    assert "three.csv has 3 labels (a, b, c); the model tells 2 apart" in line
    assert read_labelled_texts(tmp_path / "three.csv").classes == ("a", "b", "c")  # a reader of any classes
