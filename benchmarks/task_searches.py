"""One small ``zoo tune`` search for each task the registry serves.

    python benchmarks/task_searches.py [--dir runs/task_searches] [--only NAME,...]

Each search is the command line a user would type (``zoo tune MODEL --space
... --dir DIR/MODEL``), run in a fresh process, with data small enough that
the ten searches take about 30 minutes on 2 CPU cores: two to four trials over one or
two of the model's declared tunable arguments, everything else at its
recipe. The table gives, per search, the best and the worst trial by the
search's objective (the task's headline: bits per character, accuracy, mean IoU,
mAP@0.5, exact match, BLEU-4...; `zoo.tune.objectives`), with its validation
loss, and the seconds the trials trained.
A search folder resumes if the script is interrupted and run again; a
finished one is read back as it is.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

# model -> the zoo tune flags of its search
SEARCHES = {
    # 2 epochs of the recipe's 200 steps: 400 batches of 32 windows of 64 characters
    "text_generator": ["--space", "units=64,128", "--space", "layers=1,2", "--max-chars", "300000", "--epochs", "2"],
    # Equal minutes per trial; learning_rate=0.001 with embed_dim=128 is today's recipe.
    "transformer_lm": ["--space", "learning_rate=0.001,0.003", "--space", "embed_dim=64,128", "--minutes", "3"],
    "resnet_cifar": ["--space", "width=8,16", "--space", "depth=8,14", "--epochs", "3"],
    "fcn8s": ["--space", "width=8,16", "--scenes", "600", "--epochs", "3"],
    "yolo_tiny": ["--space", "width=8,16", "--scenes", "600", "--epochs", "3"],
    "sentiment_rnn": ["--space", "cell=lstm,gru", "--train-examples", "2000", "--epochs", "3"],
    "seq2seq_attention": ["--space", "attention=none,bahdanau", "--train-examples", "3000", "--epochs", "3"],
    "video_classifier": ["--space", "variant=cnn_rnn,convlstm", "--train-examples", "600", "--epochs", "3"],
    "image_captioner": ["--space", "units=64,128", "--train-examples", "2000", "--epochs", "3"],
    "latent_forecaster": ["--space", "units=8,32", "--space", "cell=gru,lstm", "--epochs", "20"],
}


def run_search(name, flags, folder):
    """Run ``zoo tune NAME FLAGS --dir FOLDER`` in a fresh process (resuming if FOLDER holds it); return its
    trials and its objective."""
    from zoo.tune.objectives import read_objectives

    command = [sys.executable, "-m", "zoo", "tune", name, *flags, "--dir", str(folder), "--seed", "0"]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    objective = read_objectives(json.loads((folder / "search.json").read_text()).get("objective"))[0]
    return json.loads((folder / "results.json").read_text()), objective


def summarise(name, trials, objective):
    """One table row: the searched values and figures of the best and the worst trial by the search's objective."""
    from zoo.tune.trials import sorted_trials

    flags = SEARCHES[name]
    searched = [value.split("=")[0] for flag, value in zip(flags[::2], flags[1::2], strict=True) if flag == "--space"]
    searched = ["num_layers" if s == "layers" else s for s in searched]
    done = [t for t in sorted_trials(trials, objective) if t["status"] == "COMPLETED"]

    def described(trial):
        figures = [f"{objective.name} {trial[objective.name]:.4g}", f"val_loss {trial['val_loss']:.4g}"]
        return ", ".join(f"{k}={trial[k]}" for k in searched) + ": " + ", ".join(dict.fromkeys(figures))

    return (
        f"| `{name}` | `{' '.join(flags)}` | {len(done)} of {len(trials)} | {described(done[0])} | "
        f"{described(done[-1])} | {sum(t['seconds'] for t in trials):.0f} |"
    )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dir", default="runs/task_searches", type=pathlib.Path)
    parser.add_argument("--only", default=",".join(SEARCHES), help="comma-separated models (default: all)")
    args = parser.parse_args(argv)
    names = args.only.split(",")
    unknown = sorted(set(names) - set(SEARCHES))
    if unknown:
        parser.error(f"--only: no search for {', '.join(unknown)}; choose from {', '.join(SEARCHES)}")
    rows = []
    for name in names:
        trials, objective = run_search(name, SEARCHES[name], args.dir / name)
        rows.append(summarise(name, trials, objective))
        print(rows[-1], flush=True)
    print("\n| model | search | trials | best | worst | seconds |\n| --- | --- | --- | --- | --- | --- |")
    print("\n".join(rows))


if __name__ == "__main__":
    main()
