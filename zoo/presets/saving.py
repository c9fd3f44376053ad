"""Your own presets: a finished run (or a `.keras` file) saved in keras-hub's preset layout, with a model card.

`save_preset(SOURCE, DIR, name=NAME)` (`zoo preset save`) writes, as keras-hub's `Task.save_to_preset` does:

- `config.json`: the model as Keras serializes it;
- `model.weights.h5`: its weights (float32, as trained);
- `README.md`: the model card a person reads: task, data, recipe, scores, how to load it, its limits;
- `metadata.json`: the same card as data (the run's manifest settings, its last epoch's scores, and a sequence
  task's `encoding.json`: the vocabularies, lengths, classes or scaling with which `zoo evaluate` and
  `zoo predict` read new inputs) and the SHA-256 of each of the three files above, which
  `zoo.load_preset(DIR)` checks before loading.

The folder is written beside its destination and renamed into place, so a preset is whole or absent; a
destination that exists is refused, never overwritten.
"""

from __future__ import annotations

import datetime
import os
import pathlib
import shutil
import tempfile
from typing import TYPE_CHECKING

from zoo.errors import InputError
from zoo.json_files import read_json, write_atomically, write_json_atomically
from zoo.presets import CARD, FILES

if TYPE_CHECKING:
    import keras

#: The files a saved preset's card hashes: the model's two and the card a person reads.
HASHED = (*FILES, "README.md")
RUN_FILES = ("model.keras", "zoo-run.json")


def _source_files(source: pathlib.Path) -> tuple[pathlib.Path, dict, list]:
    """`(keras_file, settings, history)` of a finished run folder or a `.keras` file; refused in one line."""
    if source.is_dir():
        missing = [f for f in RUN_FILES if not (source / f).is_file()]
        if missing:
            raise InputError(f"{source} is not a finished zoo run (no {', '.join(missing)}); give a run folder "
                             "zoo train --out wrote, or a .keras file.")  # fmt: skip
        manifest = read_json(source / "zoo-run.json")
        if manifest.get("status") != "finished":
            raise InputError(f"the run in {source} has not finished (status {manifest.get('status')!r}); "
                             "run its zoo train command again to finish it first.")  # fmt: skip
        history = read_json(source / "history.json") if (source / "history.json").is_file() else []
        return source / "model.keras", manifest["settings"], history
    if source.suffix == ".keras" and source.is_file():
        return source, {}, []
    missing = "" if source.exists() else " (it does not exist)"
    raise InputError(f"{str(source)!r} is neither a zoo run folder nor a .keras file{missing}.")


def check_save(source: str | os.PathLike, folder: str | os.PathLike) -> tuple[pathlib.Path, dict, list]:
    """Check, without Keras, that `source` can be saved as a preset in `folder`.

    Args:
        source: a run folder or a `.keras` file.
        folder: the preset folder to create.

    Returns:
        `(keras_file, settings, history)`: the model's file, the run's settings and history (empty for a file).

    Raises:
        InputError: the source is not a finished run or a `.keras` file, the folder exists, or its parent
            is not a folder.
    """
    folder = pathlib.Path(folder)
    found = _source_files(pathlib.Path(source))
    if folder.exists():
        raise InputError(f"{folder} exists; a preset is saved to a new folder (zoo never overwrites one).")
    if not folder.parent.is_dir():
        raise InputError(f"{folder.parent} is not a folder; create it first or give another --to.")
    return found


def _model_name(model: keras.Model, settings: dict) -> str:
    """The registered model a preset holds: the run's, or a `.keras` file's model's own name (zoo's builders
    name their models after themselves)."""
    from zoo.registry import list_models

    name = settings.get("model") or model.name
    if name in list_models():
        return name
    raise InputError(f"the .keras file holds a model named {model.name!r}, which is no zoo model; save the run "
                     "folder that made it (zoo train --out), whose manifest names it.")  # fmt: skip


def scores_of(history: list) -> dict:
    """The last epoch's validation figures of a run's history (`val_*`), as its card reports them."""
    last = history[-1] if history else {}
    return {k: round(float(v), 4) for k, v in last.items() if k.startswith("val_")}


def save_preset(source: str | os.PathLike, folder: str | os.PathLike, *, name: str | None = None) -> dict:
    """Save a finished run (or a `.keras` file) as a preset folder that `zoo.load_preset(folder)` loads.

    Args:
        source: a run folder `zoo train --out` wrote (its manifest and history go into the card), or a
            `.keras` file of a zoo model.
        folder: the preset folder to create; it must not exist.
        name: the preset's name (default: the folder's name).

    Returns:
        The card written to `metadata.json`.

    Raises:
        InputError: the source is not a finished run or a `.keras` file, or the folder exists.
    """
    keras_file, settings, history = check_save(source, folder)
    folder = pathlib.Path(folder)
    from zoo.saving import load_model

    model = load_model(keras_file, compile=False)
    model_name = _model_name(model, settings)
    staging = pathlib.Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        card = preset_card_data(name or folder.name, model_name, model, settings, history, source)
        encoding = pathlib.Path(source) / "encoding.json"
        if encoding.is_file():  # a sequence task's run: what reading new inputs needs
            card["encoding"] = read_json(encoding)
        card = _write_files(model, staging, card)
        os.rename(staging, folder)  # whole or absent; fails rather than replaces if the folder appeared meanwhile
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)  # the staging folder is zoo's own
        raise
    return card


def preset_card_data(
    name: str, model_name: str, model: keras.Model, settings: dict, history: list, source: str | os.PathLike
) -> dict:
    """The card of a preset saved from a run: what `metadata.json` holds, less the files' SHA-256."""
    import keras

    from zoo import __version__
    from zoo.registry import model_info

    info = model_info(model_name)
    return {
        "preset": name,
        "model": model_name,
        "task": info.task,
        "description": info.description,
        "paper": info.paper,
        "source": str(source),
        "recipe": settings,
        "epochs": history[-1]["epoch"] if history else None,
        "training_seconds": round(history[-1]["time_s"], 1) if history else None,
        "scores": scores_of(history),
        "parameter_count": model.count_params(),
        "keras_version": keras.__version__,
        "zoo_version": __version__,
        "backend": keras.backend.backend(),
        "date_saved": datetime.date.today().isoformat(),
    }


def _write_files(model: keras.Model, folder: pathlib.Path, card: dict) -> dict:
    import keras

    from zoo.presets.loading import sha256_of

    write_json_atomically(folder / "config.json", keras.saving.serialize_keras_object(model))
    model.save_weights(folder / "model.weights.h5")
    write_atomically(folder / "README.md", lambda f: f.write(model_card_text(card).encode("utf-8")))
    card = {**card, "sha256": {f: sha256_of(folder / f) for f in HASHED}}
    write_json_atomically(folder / CARD, card)
    return card


def _recipe_lines(card: dict) -> list[str]:
    recipe = card["recipe"]
    data = recipe.get("data") or recipe.get("corpus") or "not recorded (saved from a .keras file)"
    if recipe.get("data_sha256"):
        data += f" (SHA-256 {recipe['data_sha256']})"
    trained = f"{card['epochs']} epochs, {card['training_seconds']} s of training" if card["epochs"] else "not recorded"
    return [
        f"- Data: {data}",
        f"- Trained: {trained}; seed {recipe.get('seed', 'not recorded')}",
        f"- Builder arguments: `{recipe.get('model_args') or 'the registry defaults'}`",
        f"- Learning rate {recipe.get('learning_rate', 'not recorded')}, batch size "
        f"{recipe.get('batch_size', 'not recorded')}",
        f"- {card['parameter_count']:,} parameters; Keras {card['keras_version']} ({card['backend']}), "
        f"zoo {card['zoo_version']}, saved {card['date_saved']}",
    ]


def model_card_text(card: dict) -> str:
    """The `README.md` of a saved preset: its card in words."""
    scores = card["scores"]
    table = ["| metric | value |", "| --- | --- |", *(f"| {k} | {v} |" for k, v in scores.items())]
    lines = [
        f"# {card['preset']}",
        "",
        f"`{card['model']}`, a {card['task']} model: {card['description']}",
        "",
        "## Data and recipe",
        "",
        *_recipe_lines(card),
        "",
        "## Scores",
        "",
        *(table if scores else ["No validation scores were recorded."]),
        "",
        "The run's last-epoch validation figures, on the data above; they say nothing of other data.",
        "",
        "## Load it",
        "",
        "```python",
        "import zoo",
        "",
        'model = zoo.load_preset("PATH/TO/THIS/FOLDER")  # checks every file\'s SHA-256 first',
        "```",
        "",
        "## Limits",
        "",
        "A small model trained briefly on the data above: a starting point to fine-tune or to study, "
        "not a model to deploy without measuring it on your own data.",
        "",
    ]
    return "\n".join(lines)
