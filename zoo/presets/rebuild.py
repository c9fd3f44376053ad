"""Rebuild presets from scratch: `python -m zoo.presets.rebuild [PRESET ...] --runs DIR`.

For each preset (all of them by default) this runs its card's command,
`zoo train <model> <flags> --out DIR/<preset>`, in a fresh process, then
writes the trained model into the preset's folder in keras-hub's layout
(`config.json`, `model.weights.h5`, its arrays stored as float16 to keep
the wheel small) with a `metadata.json` card: the
command, the run's settings (data, recipe, seed), the training time, the
versions it ran with, the held-out score and the files' SHA-256. Run it in a
checkout: it writes into `zoo/models/<family>/presets/`. The run folders
stay in `--runs` (a run already finished there is reused, not retrained).
"""

from __future__ import annotations

import argparse
import datetime
import os
import pathlib
import platform
import subprocess
import sys

from zoo.json_files import read_json, write_json_atomically
from zoo.presets import CARD, list_presets, preset, preset_folder, preset_scorer


def train(name: str, runs: pathlib.Path) -> pathlib.Path:
    """Run preset `name`'s `zoo train` command into `runs/name` (unless finished there); returns the folder."""
    spec = preset(name)
    out = runs / name
    manifest = out / "zoo-run.json"
    if manifest.is_file() and read_json(manifest).get("status") == "finished":
        return out
    command = [sys.executable, "-m", "zoo", "train", spec.model, *spec.train_args, "--verbose", "2", "--out", str(out)]
    print("$", " ".join(command), flush=True)
    subprocess.run(command, check=True)
    return out


def halve_precision(path) -> None:
    """Rewrite a Keras weights file with its float32 arrays stored as float16, in place.

    Keras casts each array back to its variable's dtype on load, so a model loads as before, with
    weights rounded to float16's 11 significant bits; the file takes half the space (the presets
    ship in the wheel). An array float16 cannot hold (a value of 65,504 or more) stays float32.
    """
    import h5py
    import numpy as np

    limit = float(np.finfo(np.float16).max)

    def copy(source, target):
        for key, value in source.attrs.items():
            target.attrs[key] = value
        for key, item in source.items():
            if isinstance(item, h5py.Group):
                copy(item, target.create_group(key))
                continue
            values = item[()]
            if values.dtype == np.float32 and (values.size == 0 or float(np.abs(values).max()) < limit):
                values = values.astype(np.float16)
            dataset = target.create_dataset(key, data=values)
            for attr, value in item.attrs.items():
                dataset.attrs[attr] = value

    path = pathlib.Path(path)
    halved = path.with_name(path.name + ".half")
    with h5py.File(path, "r") as source, h5py.File(halved, "w") as target:
        copy(source, target)
    os.replace(halved, path)


def scorer_name(scorer) -> str:
    """`zoo.training.held_out.text_bits` (with its fixed arguments, if any): what the card names as the scorer."""
    function = getattr(scorer, "func", scorer)
    fixed = ", ".join(f"{k}={v!r}" for k, v in getattr(scorer, "keywords", {}).items())
    return f"{function.__module__}.{function.__qualname__}" + (f"({fixed})" if fixed else "")


def write_preset(name: str, run: pathlib.Path) -> dict:
    """Write preset `name`'s files from the finished run in `run`; returns its card."""
    import keras

    from zoo import __version__
    from zoo.presets.loading import sha256_of
    from zoo.saving import load_model

    spec = preset(name)
    folder = preset_folder(name)
    folder.mkdir(parents=True, exist_ok=True)
    model = load_model(run / "model.keras", compile=False)
    write_json_atomically(folder / "config.json", keras.saving.serialize_keras_object(model))
    weights = folder / "model.weights.h5"
    if weights.exists():
        weights.unlink()  # the preset's own file, about to be remade
    model.save_weights(weights)
    halve_precision(weights)
    model.load_weights(weights)  # score the weights as they ship, rounded to float16
    manifest = read_json(run / "zoo-run.json")
    history = read_json(run / "history.json")
    scorer = preset_scorer(name)
    score = scorer(model)
    versions = manifest["versions"]
    card = {
        "preset": name,
        "model": spec.model,
        "description": spec.description,
        "command": spec.command(),
        "seed": manifest["settings"]["seed"],
        "recipe": manifest["settings"],
        "epochs": history[-1]["epoch"] if history else 0,
        "training_seconds": round(history[-1]["time_s"], 1) if history else 0.0,  # fit's time, start-up aside
        "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores, no accelerator",
        "score": {
            "metric": spec.metric,
            "value": round(score, 4),
            "tolerance": spec.tolerance,
            "higher_is_better": spec.higher_is_better,
            "scorer": scorer_name(scorer),
        },
        "parameter_count": model.count_params(),
        "weights_storage": "float16, cast to the variables' dtype on load (the score is of these weights)",
        "keras_version": keras.__version__,
        "zoo_version": __version__,
        "backend": keras.backend.backend(),
        "python": versions.get("python"),
        "date_saved": datetime.date.today().isoformat(),
        "sha256": {f: sha256_of(folder / f) for f in ("config.json", "model.weights.h5")},
    }
    write_json_atomically(folder / CARD, card)
    return card


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m zoo.presets.rebuild", description=__doc__.splitlines()[0])
    parser.add_argument("presets", nargs="*", help="presets to rebuild (default: all)")
    parser.add_argument("--runs", required=True, type=pathlib.Path, help="folder for the training runs")
    args = parser.parse_args(argv)
    for name in args.presets or list_presets():
        card = write_preset(name, train(name, args.runs))
        print(
            f"{name}: {card['score']['metric']} {card['score']['value']} after {card['training_seconds']} s", flush=True
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
