"""Bad input gets one clear line that names the value and what is accepted, before any slow work:
the command line refuses before it imports TensorFlow or creates a folder."""

import json
import os
import re
import zipfile

import numpy as np
import pytest

import zoo
from tests.conftest import run_python, run_zoo
from zoo.cli import main
from zoo.data.scenes import make_scenes
from zoo.data.text import load_corpus
from zoo.data.voc import read_annotation

REFUSE_EARLY = """
import json, sys
from zoo.cli import main
rc = main(json.loads(sys.argv[1]))
print(json.dumps({"rc": rc, "tensorflow": "tensorflow" in sys.modules, "keras": "keras" in sys.modules}))
"""


def refused_early(argv, cwd) -> str:
    """Run `zoo ARGV` in a fresh process in `cwd`; check that it exited 2 without importing TensorFlow or
    Keras, and return the last line of its stderr (the one-line reason)."""
    proc = run_python(REFUSE_EARLY, json.dumps([str(a) for a in argv]), cwd=cwd)
    assert json.loads(proc.stdout.strip().splitlines()[-1]) == {"rc": 2, "tensorflow": False, "keras": False}, (
        proc.stderr[-2000:]
    )
    return proc.stderr.strip().splitlines()[-1]

CASES = [
    (["train", "text_generator", "--epochs", "1", "--batch-size", "0"], "argument --batch-size: expected a positive integer, got '0'"),
    (["train", "text_generator", "--epochs", "1", "--seq-len", "0"], "argument --seq-len: expected a positive integer, got '0'"),
    (["train", "text_generator", "--epochs", "1", "--learning-rate", "0"], "argument --learning-rate: expected a positive number, got '0'"),
    (["train", "text_generator", "--minutes", "nan"], "argument --minutes: expected a positive number, got 'nan'"),
    (["train", "text_generator", "--epochs", "-2"], "argument --epochs: expected a positive integer, got '-2'"),
    (["train", "text_generator", "--epochs", "1", "--dropout", "1.5"], "argument --dropout: expected a number in [0, 1], got '1.5'"),
    (["tune", "text_generator", "--dir", "D", "--epochs", "1", "--batch-size", "0"], "argument --batch-size: expected a positive integer, got '0'"),
    (["tune", "text_generator", "--dir", "D", "--epochs", "1", "--seq-len", "0"], "argument --seq-len: expected a positive integer, got '0'"),
    (["tune", "text_generator", "--dir", "D", "--epochs", "1", "--learning-rate", "0"], "argument --learning-rate: expected a positive number, got '0'"),
    (["tune", "text_generator", "--dir", "D", "--tuner", "hyperband", "--epochs", "3", "--factor", "1"], "argument --factor: expected an integer >= 2, got '1'"),
    (["tune", "text_generator", "--dir", "D", "--epochs", "1", "--space", "cell=lstm,transformer"], "text_generator: cell cannot be 'transformer'; accepted: 'lstm', 'gru', 'rnn'."),
    (["tune", "text_generator", "--dir", "D", "--epochs", "1", "--space", "vocab_size=10,20"], "text_generator does not declare 'vocab_size' tunable; tunable: units, num_layers"),
    (["tune", "text_generator", "--dir", "D", "--epochs", "1", "--space", "units=big"], "text_generator: units takes integers >= 0 (declared: 32, 64, 128, 256, 512), got 'big'."),
    (["train", "resnet_cifar", "--epochs", "1", "--units", "64"], "--units does not apply to resnet_cifar, a model trained on images data"),
    (["train", "fcn8s", "--epochs", "1", "--corpus", "pydoc", "--data", "digits"], "--corpus, --data do not apply to fcn8s, a model trained on scenes data"),
    (["train", "text_generator", "--epochs", "1", "--scenes", "10"], "--scenes does not apply to text_generator, a model trained on text data"),
    (["train", "resnet_cifar", "--epochs", "1", "--steps-per-epoch", "5"], "--steps-per-epoch does not apply to resnet_cifar"),
    (["generate", "m.keras", "--prompt", "x", "--temperature", "nan"], "argument --temperature: expected 0 (greedy) or a number >= 1e-06, got 'nan'"),
    (["generate", "m.keras", "--prompt", "x", "--top-p", "0"], "argument --top-p: expected a number in [1e-06, 1], got '0'"),
    (["generate", "missing.keras", "--prompt", "x"], "No saved model at 'missing.keras'; give the path of a .keras file."),
    (["export", "missing.keras", "--format", "onnx"], "No saved model at 'missing.keras'; give the path of a .keras file."),
    (["generate", "poem", "--prompt", "x"], "'poem' is not a preset, a .keras file; presets: "),
    # Builder values (--set, and a text model's own flags): the model's Keras-free checks, before TensorFlow.
    (["train", "resnet50", "--epochs", "1", "--set", "width_multiplier=-1"], "resnet50: width_multiplier must be a positive number, got -1."),
    (["train", "resnet_cifar", "--epochs", "1", "--set", "depth=21"], "resnet_cifar: depth must be 6n+2 with n >= 1 (8, 14, 20, 32, ...), got 21."),
    (["train", "resnet_cifar", "--epochs", "1", "--set", "num_classes=3"], "--set: num_classes comes from the images data; leave it out."),
    (["train", "text_generator", "--epochs", "1", "--set", "cell=transformer"], "cell must be one of ['gru', 'lstm', 'rnn'], got 'transformer'."),
    (["train", "transformer_lm", "--epochs", "1", "--units", "64"], "transformer_lm got unexpected argument 'units'."),
    (["train", "video_classifier", "--epochs", "1", "--set", "backbone_args={'width': 0}"], "backbone_args: vgg_cifar: width must be a positive integer, got 0."),
    (["tune", "vgg_cifar", "--dir", "D", "--epochs", "1", "--set", "blocks=0"], "vgg_cifar: blocks must be a positive integer, got 0."),
    (["export", "resnet50", "--format", "onnx", "--set", "pooling='mean'"], "resnet50: pooling must be one of None, 'avg' or 'max', got 'mean'."),
    (["export", "yolo_tiny_scenes", "--format", "onnx", "--set", "width=3"], "--set applies to a registered model's name; yolo_tiny_scenes is a preset"),
    (["summary", "yolo_tiny", "--set", "stride=3"], "yolo_tiny: stride must be one of (4, 8, 16, 32) (pixels per grid cell), got 3."),
    (["tune", "resnet_cifar", "--dir", "D", "--epochs", "1", "--space", "depth=8,21"], "the search space holds a value resnet_cifar's builder refuses: resnet_cifar: depth must be 6n+2"),
    (["tune", "transformer_lm", "--dir", "D", "--epochs", "1", "--space", "num_heads=3,4"], "transformer_lm's builder refuses: embed_dim=128 must be divisible by num_heads=3."),
]  # fmt: skip


@pytest.mark.parametrize("argv, message", CASES, ids=lambda v: " ".join(v) if isinstance(v, list) else "")
def test_bad_command_line_values_are_refused_before_tensorflow_and_leave_nothing(argv, message, tmp_path):
    proc = run_python(REFUSE_EARLY, json.dumps(argv), cwd=tmp_path)
    lines = proc.stderr.strip().splitlines()
    assert message in lines[-1], proc.stderr[-2000:]
    if proc.returncode == 0:  # main() returned (argparse errors exit 2 from inside it)
        result = json.loads(proc.stdout.strip().splitlines()[-1])
        assert result == {"rc": 2, "tensorflow": False, "keras": False}
        assert proc.stdout.strip().splitlines()[:-1] == []  # no banner announcing the run
    else:
        assert proc.returncode == 2 and proc.stdout == ""
    assert list(tmp_path.iterdir()) == []  # no runs/ folder, no search folder, no vocabulary.json
    assert "Traceback" not in proc.stderr


def test_tune_refuses_a_folder_that_is_not_a_zoo_search(tmp_path):
    (tmp_path / "results.csv").write_text("my,own,results\n")
    proc = run_zoo("tune", "text_generator", "--dir", str(tmp_path), "--epochs", "1")
    assert proc.returncode == 2
    assert "holds files that are not a zoo search (results.csv)" in proc.stderr
    assert (tmp_path / "results.csv").read_text() == "my,own,results\n"


def test_tune_exits_non_zero_when_trials_fail(tmp_path):
    proc = run_zoo(
        "tune", "vgg_cifar", "--dir", str(tmp_path / "s"), "--epochs", "1", "--steps-per-epoch", "1",
        "--train-examples", "32", "--batch-size", "16", "--space", "blocks=3,4", "--set", "width=4",
        "--set", "convs_per_block=1", "--verbose", "0",
    )  # fmt: skip
    # blocks=4 is an integer as the declaration's are and passes the builder's own checks, but four 2x2 poolings
    # need 16-pixel images and the digits have 8: only the trial's build, which knows the data, refuses it.
    assert proc.returncode == 1, proc.stderr[-3000:]
    assert "1 of 2 trials failed" in proc.stderr.strip().splitlines()[-1]


def test_a_time_budget_shows_the_minutes_left(tmp_path):
    proc = run_zoo(
        "train", "text_generator", "--minutes", "0.05", "--steps-per-epoch", "2", "--max-chars", "30000",
        "--units", "4", "--embedding-dim", "4", "--layers", "1", "--seq-len", "8", "--batch-size", "4",
        "--sample-length", "2", "--out", str(tmp_path / "run"),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert re.search(r"^Epoch 1 \(0:0[0-3] left of 0.05 min\)$", proc.stdout, re.M), proc.stdout[:2000]
    assert "/1000000" not in proc.stdout


def test_a_time_budgeted_search_shows_the_minutes_left(tmp_path, capsys):
    assert main([
        "tune", "text_generator", "--minutes", "0.05", "--steps-per-epoch", "2", "--max-chars", "30000",
        "--embedding-dim", "4", "--layers", "1", "--seq-len", "8", "--batch-size", "4", "--validation-steps", "1",
        "--space", "units=4", "--verbose", "1", "--dir", str(tmp_path / "search"),
    ]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert re.search(r"^Epoch 1 \(0:0[0-3] left of 0.05 min\)$", out, re.M), out[:2000]
    assert "/1000000" not in out


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"temperature": float("nan")}, "temperature must be a number >= 1e-06, got nan"),
        ({"top_p": True}, r"top_p must be a number in \[1e-06, 1\] or None, got True"),
        ({"top_k": 2.0}, "top_k must be a positive integer or None, got 2.0"),
        ({"length": True}, "length must be an integer >= 0, got True"),
    ],
)
def test_generate_refuses_nan_infinite_and_boolean_numbers(kwargs, message):
    model = zoo.create_model("text_generator", units=4, embedding_dim=4)
    with pytest.raises(ValueError, match=message):
        zoo.generate(model, **{"prompt": "a", "length": 2, **kwargs})


def test_a_corpus_that_is_not_text_is_refused_naming_the_file(tmp_path):
    binary = tmp_path / "blob.txt"
    binary.write_bytes(bytes(range(256)) * 200)
    with pytest.raises(ValueError, match=f"{binary} is not a text file \\(it holds NUL bytes\\)"):
        load_corpus(str(binary))
    latin = tmp_path / "latin.txt"
    latin.write_bytes("café ".encode("latin-1") * 2000)
    with pytest.raises(ValueError, match=f"{latin} is not UTF-8 text \\(2,000 of 10,000 characters"):
        load_corpus(str(latin))
    one_nul = tmp_path / "nul.txt"
    one_nul.write_text("x = 1\n" * 100 + "\0")
    with pytest.raises(ValueError, match="nul.txt is not a text file"):
        load_corpus(str(one_nul))
    stray = tmp_path / "stray.txt"
    stray.write_bytes(b"def f():\n    return 1\n" * 500 + b"# caf\xe9\n")  # one stray byte in 11,000
    assert len(load_corpus(str(stray)).train) > 9000


def test_a_corrupt_keras_file_is_named_corrupt_not_missing(tmp_path):
    model = zoo.create_model("text_generator", units=4, embedding_dim=4)
    model.save(tmp_path / "good.keras")
    data = (tmp_path / "good.keras").read_bytes()
    (tmp_path / "cut.keras").write_bytes(data[: len(data) // 2])
    (tmp_path / "text.keras").write_text("not a model")
    for name in ("cut.keras", "text.keras"):
        with pytest.raises(ValueError, match=f"'{tmp_path / name}' is not a .keras file: it is corrupt, truncated"):
            zoo.load_model(tmp_path / name)
    with zipfile.ZipFile(tmp_path / "empty.keras", "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(ValueError, match="is a corrupt .keras file: it holds no config.json"):
        zoo.load_model(tmp_path / "empty.keras")
    with pytest.raises(ValueError, match="No saved model at"):
        zoo.load_model(tmp_path / "missing.keras")
    proc = run_zoo("generate", str(tmp_path / "cut.keras"), "--prompt", "x")
    assert proc.returncode == 2 and "is not a .keras file" in proc.stderr and "Traceback" not in proc.stderr


VOC_XML = """<annotation><size><width>40</width><height>30</height></size>
<object><name>dog</name><bndbox><xmin>1</xmin><ymin>2</ymin><xmax>{xmax}</xmax><ymax>20</ymax></bndbox></object>
</annotation>"""


def test_voc_errors_name_the_file_and_the_element(tmp_path):
    good = tmp_path / "good.xml"
    good.write_text(VOC_XML.format(xmax="11"))
    boxes, labels, shape = read_annotation(good)
    np.testing.assert_allclose(boxes, [[0, 1, 11, 20]])
    assert labels.tolist() == [11] and shape == (30, 40)
    bad = tmp_path / "bad.xml"
    bad.write_text(VOC_XML.format(xmax="eleven"))
    with pytest.raises(ValueError, match=f"{bad}: <bndbox><xmax> must be a number, got 'eleven'"):
        read_annotation(bad)
    broken = tmp_path / "broken.xml"
    broken.write_text("<annotation><object>")
    with pytest.raises(ValueError, match=f"{broken}: not well-formed XML"):
        read_annotation(broken)
    bomb = tmp_path / "bomb.xml"
    bomb.write_text('<!DOCTYPE a [<!ENTITY x "xxxxxxxx">]><annotation>&x;</annotation>')
    with pytest.raises(ValueError, match=f"{bomb}: refused, the XML declares a DTD or entities"):
        read_annotation(bomb)
    cat = tmp_path / "cat.xml"
    cat.write_text(VOC_XML.format(xmax="11").replace("dog", "unicorn"))
    with pytest.raises(ValueError, match=f"{cat}: <object><name> 'unicorn' is not one of the classes"):
        read_annotation(cat)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"image_size": (64,)}, r"image_size must be a positive integer or a \(height, width\) pair, got \(64,\)"),
        ({"image_size": "64"}, r"image_size must be a positive integer or a \(height, width\) pair, got '64'"),
        ({"image_size": (64, 0)}, "image_size must be a positive integer, got 0"),
        ({"noise": -1}, "noise must be a number >= 0, got -1"),
        ({"noise": float("nan")}, "noise must be a number >= 0, got nan"),
        ({"max_overlap": 2}, r"max_overlap must be a number in \[0, 1\], got 2"),
        ({"min_objects": True}, "min_objects must be a positive integer, got True"),
    ],
)
def test_make_scenes_checks_its_arguments(kwargs, message):
    with pytest.raises(ValueError, match=message):
        make_scenes(2, **kwargs)


def test_an_internal_error_is_one_line_and_its_traceback_waits_for_debug(monkeypatch, capsys):
    from zoo import cli
    from zoo.cli import info

    def broken(args):
        raise RuntimeError("the registry is on fire")

    monkeypatch.setattr(info, "run", broken)
    assert cli.main(["info", "lenet5"]) == 1
    err = capsys.readouterr().err
    assert err == (
        "zoo info: internal error: RuntimeError: the registry is on fire (run again with --debug for the traceback)\n"
    )
    with pytest.raises(RuntimeError, match="on fire"):
        cli.main(["info", "lenet5", "--debug"])


def test_a_value_error_that_is_not_zoos_is_an_internal_error_and_zoos_own_is_the_users(monkeypatch, capsys):
    """Only zoo's own refusals (zoo.errors.ZooError) are the user's mistake; a ValueError raised elsewhere (inside
    Keras, say) is an internal error, not exit 2."""
    from zoo import cli
    from zoo.cli import info
    from zoo.errors import InputError

    def keras_refuses(args):
        raise ValueError("Input 0 of layer 'dense' is incompatible with the layer")

    monkeypatch.setattr(info, "run", keras_refuses)
    assert cli.main(["info", "lenet5"]) == 1
    assert "zoo info: internal error: ValueError: Input 0 of layer" in capsys.readouterr().err

    def zoo_refuses(args):
        raise InputError("units must be a positive integer, got 0.")

    monkeypatch.setattr(info, "run", zoo_refuses)
    assert cli.main(["info", "lenet5"]) == 2
    assert capsys.readouterr().err == "zoo info: error: units must be a positive integer, got 0.\n"


def test_ctrl_c_exits_130_and_the_run_resumes(tmp_path):
    import signal
    import subprocess
    import sys

    from tests.conftest import REPO

    out = tmp_path / "run"
    args = [
        "train", "text_generator", "--epochs", "3", "--steps-per-epoch", "2", "--max-chars", "30000", "--units", "4",
        "--embedding-dim", "4", "--layers", "1", "--seq-len", "8", "--batch-size", "4", "--sample-length", "2",
        "--verbose", "2", "--out", str(out),
    ]  # fmt: skip
    env = dict(os.environ, PYTHONPATH=REPO)
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.faults", "--pause-after-epoch", "1", "--", *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background job inherits SIGINT ignored
    )  # fmt: skip
    for line in proc.stdout:  # blocks until the run says it is waiting after epoch 1
        if line.startswith("paused after epoch 1"):
            break
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 130 and err.strip().splitlines()[-1] == "zoo train: interrupted"
    assert json.loads((out / "zoo-run.json").read_text())["status"] == "running"
    again = run_zoo(*args)
    assert again.returncode == 0, again.stderr[-2000:]
    assert "Epoch 2/3" in again.stdout and "Epoch 1/3" not in again.stdout


def test_install_hints_name_our_own_distribution():
    import pathlib

    package = pathlib.Path(zoo.__file__).parent
    hints = []
    for path in sorted(package.rglob("*.py")):
        hints += [(path.name, m.group(0)) for m in re.finditer(r"pip install [\"']?([\w.-]+)\[", path.read_text())]
    assert hints, "the extras' hints are where this test looks for them"
    assert [h for h in hints if not h[1].endswith("keras-study-zoo[")] == []  # never 'zoo[...]', someone else's
