"""The README's export matrix: every registered model, at its contract size, exported to each format and run.

    python benchmarks/export_matrix.py [MODEL ...] > matrix.md

Each model is built at its registry contract configuration with seeded
weights, exported with ``zoo.exporting.export_model`` (Keras's
``Model.export``) to TensorFlow SavedModel, ONNX and LiteRT, and the artifact
run in its own runtime (TensorFlow, onnxruntime, the LiteRT interpreter) on a
random batch; a cell says ``works (max |diff|)`` or ``refused: why``. The
same check runs in ``tests/test_exporting.py`` (all models with
``ZOO_EXPORT_ALL=1``). Needs the TensorFlow backend and ``.[export]``.
"""

from __future__ import annotations

import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


def cell(model, name, fmt, folder) -> str:
    from zoo.exporting import FORMATS, ExportRefusedError, check_exported, example_inputs, export_model

    path = os.path.join(folder, f"{name}{FORMATS[fmt] or '_saved_model'}")
    try:
        export_model(model, path, fmt, name=name)
    except ExportRefusedError as err:
        return "refused: " + str(err).split(": ", 1)[1].rstrip(".")
    difference = check_exported(model, path, fmt, example_inputs(model, fmt, name=name))
    return f"works ({difference:.0e})" if difference < 1e-4 else f"WRONG: differs by {difference:.2g}"


def main(names) -> int:
    import keras

    import zoo
    from zoo.exporting import FORMATS

    print("| model | " + " | ".join(f"`{f}`" for f in FORMATS) + " |")
    print("|---|" + "---|" * len(FORMATS))
    for name in names or zoo.list_models():
        keras.utils.set_random_seed(0)
        model = zoo.create_model(name, **zoo.model_info(name).contract.overrides)
        if not model.built:
            from zoo.exporting import example_inputs

            model(example_inputs(model, "tf_saved_model", name=name, batch=1))
        with tempfile.TemporaryDirectory() as folder:
            cells = [cell(model, name, fmt, folder) for fmt in FORMATS]
        print(f"| `{name}` | " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
