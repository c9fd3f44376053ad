"""Exporting zoo models to other runtimes (TensorFlow SavedModel, ONNX, LiteRT), and running what was exported.

Follows Keras's own `Model.export` (`keras/src/export`): SavedModel
through its `ExportArchive`, ONNX through tf2onnx (the converter Keras uses
on TensorFlow) and LiteRT through TensorFlow's TFLite converter. zoo adds
what the formats need of its models and what Keras leaves to the user:

- an input signature in the model's own dtypes, read from the registry for
  subclassed models (Keras would trace `text_generator` with a float input,
  and the SavedModel would then refuse token ids);
- the free axes (a sequence's time axis, an FCN's height and width) fixed
  for ONNX, where tf2onnx's graph can bake a traced size into shape
  arithmetic and return a wrong-sized answer for another input rather than
  an error, and for LiteRT, whose built-in convolutions need known sizes;
  `input_shape` chooses the size (default: the registry's example size);
- LiteRT with TFLite's built-in operations only, so a model that would need
  TensorFlow's Flex delegate (which the LiteRT interpreter does not carry) is
  refused at export, not found broken when run, and with a batch of 1 by
  default (`DEFAULT_BATCH`), without which TFLite cannot lower a
  recurrent layer's loop;
- `run_exported`, which runs an artifact in its own runtime
  (TensorFlow, onnxruntime, the LiteRT interpreter), so an export is checked
  by running it, and the registry's `export_refusals`: the formats a model
  cannot be exported to, with the reason, refused in one line.

Exporting needs TensorFlow (every converter here reads a TensorFlow graph);
ONNX needs the `export` extra (`pip install "keras-study-zoo[export]"`).
Keras is imported on first use, so `FORMATS` and `refusal` answer at once.
"""

from __future__ import annotations

import os
import warnings

import numpy as np

from zoo.errors import InputError, MissingDependencyError, ZooError
from zoo.json_files import temporary_name
from zoo.registry import default_registry, model_info
from zoo.registry.entries import InputSpec, check_input_shapes

#: Export formats, with the file suffix each one's artifact takes ("" for a folder).
FORMATS = {"tf_saved_model": "", "onnx": ".onnx", "litert": ".tflite"}
#: The batch size each format's artifact takes by default (None: any). LiteRT's is 1, what a
#: device runs and what TFLite needs to lower a recurrent layer's loop (its tensor lists need a
#: static element shape); its interpreter can resize the input for another batch.
DEFAULT_BATCH = {"tf_saved_model": None, "onnx": None, "litert": 1}
#: Formats whose artifacts take fixed sizes on every axis but the batch (see the module's docstring).
STATIC_AXES = ("onnx", "litert")


class ExportRefusedError(ZooError, ValueError):
    """A model that cannot be exported to a format; the message says why in one line."""


def registry_name_of(model) -> str | None:
    """The registry name of a built model: its `name` for zoo's functional models, its class for subclassed ones."""
    import keras

    registry = default_registry()
    cls = type(model)
    target = f"{cls.__module__}:{cls.__name__}"
    for name in registry.names():
        entry = registry.entry(name)
        if entry.target == target or (not isinstance(model, keras.Sequential) and model.name == name):
            return name
    return None


def _specs(model, name):
    """Per-input (shape without the batch axis, dtype), from the model's graph or the registry's input spec."""
    graph_inputs = getattr(model, "inputs", None)  # a functional or Sequential model's; a subclassed one has none
    if graph_inputs:
        return [(tuple(t.shape[1:]), t.dtype) for t in graph_inputs]
    if name is None:
        raise ExportRefusedError(
            f"{type(model).__name__} is a subclassed model that zoo's registry does not know, so its input "
            "signature is unknown; export it with keras.Model.export(input_signature=...)."
        )
    spec = model_info(name).input
    return [(tuple(s.shape), s.dtype) for s in (spec if isinstance(spec, tuple) else (spec,))]


def input_signature(model, format: str, *, input_shape=None, batch_size=None, name: str | None = None) -> list:
    """The `keras.InputSpec` list `Model.export` takes for `model` in `format`.

    `batch_size` fixes the batch axis (default: `DEFAULT_BATCH` of
    the format). `input_shape` (one shape per input, without the batch
    axis; one tuple for a single input) fixes the other axes; for ONNX and
    LiteRT (`STATIC_AXES`) every free axis is fixed, by `input_shape`
    or, when it is not given, at the registry's contract example size.
    """
    import keras

    name = name or registry_name_of(model)
    specs = _specs(model, name)
    if input_shape is not None:
        shapes = check_input_shapes([InputSpec(shape, str(dtype)) for shape, dtype in specs], input_shape)
        specs = [(s, dtype) for s, (_, dtype) in zip(shapes, specs, strict=True)]
    elif format in STATIC_AXES and any(d is None for spec, _ in specs for d in spec):
        contract = model_info(name).contract if name else None
        if contract is None:
            raise InputError(f"{format} needs every axis but the batch fixed: give input_shape.")
        example = contract.input if isinstance(contract.input, tuple) else (contract.input,)
        specs = [(tuple(e.shape), dtype) for e, (_, dtype) in zip(example, specs, strict=True)]
    # One keras.InputSpec per input; a model of several inputs takes them as one list argument.
    batch = DEFAULT_BATCH[format] if batch_size is None else batch_size
    signature = [keras.InputSpec(shape=(batch, *shape), dtype=str(dtype)) for shape, dtype in specs]
    return [signature] if len(signature) > 1 else signature


def refusal(name: str | None, format: str) -> str | None:
    """Why the registered model `name` cannot be exported to `format` (None: it can)."""
    if format not in FORMATS:
        raise InputError(f"format must be one of {', '.join(FORMATS)}, got {format!r}.")
    if name is None:
        return None
    return model_info(name).export_refusals.get(format)


def export_model(
    model, path, format: str, *, input_shape=None, batch_size=None, name: str | None = None, verbose=False
) -> str:
    """Export `model` to `path` in `format` (see `FORMATS`) and return the artifact's path.

    `path` is a folder for `tf_saved_model` and a file (`.onnx`,
    `.tflite`) otherwise; an existing one is never replaced. A registered
    model its registry marks as not exportable to `format` raises
    `ExportRefusedError` naming why.
    """
    import keras

    name = name or registry_name_of(model)
    why = refusal(name, format)
    if why:
        raise ExportRefusedError(f"{name} cannot be exported to {format}: {why}.")
    path = os.fspath(path)
    check_out_path(path, format)
    if keras.backend.backend() != "tensorflow":
        raise ExportRefusedError(
            "zoo export converts TensorFlow graphs; run it with KERAS_BACKEND=tensorflow "
            f"(now {keras.backend.backend()})."
        )
    if format == "onnx":
        _require("tf2onnx", "onnx")
    signature = input_signature(model, format, input_shape=input_shape, batch_size=batch_size, name=name)
    options = {}
    if format == "litert":
        import tensorflow as tf

        options["target_spec"] = {"supported_ops": [tf.lite.OpsSet.TFLITE_BUILTINS]}
    # Written under a temporary name beside it and renamed once whole: a kill or a full disk leaves no
    # half an artifact under the name a rerun would refuse as the user's.
    tmp = f"{temporary_name(path)}{FORMATS[format]}"  # the format's suffix last: the exporters check it
    try:
        with warnings.catch_warnings():  # tf2onnx's FutureWarnings about NumPy and TensorFlow, at every export
            warnings.simplefilter("ignore", FutureWarning)
            model.export(tmp, format=format, input_signature=signature, verbose=verbose, **options)
        check_out_path(path, format)  # nothing appeared there meanwhile
        os.rename(tmp, path)
    except OSError:  # the disk's or the folder's: as it is, not as a converter's refusal
        raise
    except Exception as err:  # a converter's error runs to pages of graph locations: keep its gist
        text = str(err)
        lines = [line.strip() for line in text.splitlines() if "TF Select ops:" in line]
        lines = lines or [line.strip() for line in text.splitlines() if "error" in line.lower()] or [text]
        raise ExportRefusedError(
            f"{name or type(model).__name__} could not be exported to {format}: {type(err).__name__}: {lines[-1][:300]}"
        ) from err
    finally:
        _remove_partial(tmp)
    return path


def check_out_path(path, format: str) -> None:
    """Refuse, in one line and without Keras, an artifact path zoo export must not write.

    Raises:
        ValueError: the path lacks the format's suffix or is empty.
        FileExistsError: something is there already, a symbolic link (even one to
            nothing) included: zoo export never replaces or writes through one.
        NotADirectoryError: its folder is missing or is a file.
    """
    path = os.fspath(path)
    suffix = FORMATS[format]
    if not path.strip() or (suffix and not path.endswith(suffix)):
        what = f"a {suffix} file" if suffix else "a folder"
        raise InputError(f"a {format} artifact is {what}, got the path {path!r}.")
    if os.path.lexists(path):
        raise FileExistsError(f"{path!r} already exists; zoo export never replaces a file: give a new path.")
    parent = os.path.dirname(path) or "."
    if not os.path.isdir(parent):
        raise NotADirectoryError(f"{parent!r}, the folder of {path!r}, is not a folder; make it or give another path.")


def _remove_partial(tmp: str) -> None:
    """Remove a temporary artifact (a file, or a SavedModel folder) that was not renamed into place."""
    import shutil

    if os.path.isdir(tmp) and not os.path.islink(tmp):
        shutil.rmtree(tmp, ignore_errors=True)
    elif os.path.lexists(tmp):
        os.unlink(tmp)


def _require(module: str, format: str) -> None:
    import importlib.util

    if importlib.util.find_spec(module) is None:
        raise MissingDependencyError(f"{format} export needs {module}: pip install 'keras-study-zoo[export]'.")


def run_exported(path, format: str, inputs) -> list:
    """Run an exported artifact in its own runtime on `inputs` (an array, or a list of arrays).

    TensorFlow runs a SavedModel's `serve` endpoint, onnxruntime an ONNX
    file, the LiteRT interpreter (`ai_edge_litert`, else TensorFlow's) a
    `.tflite` file. Returns the outputs as a list of NumPy arrays.
    """
    arrays = [np.asarray(a) for a in (inputs if isinstance(inputs, (list, tuple)) else [inputs])]
    path = os.fspath(path)
    if format == "tf_saved_model":
        import tensorflow as tf

        loaded = tf.saved_model.load(path)  # kept: its variables die with it
        outputs = loaded.serve(*arrays) if len(arrays) == 1 else loaded.serve(arrays)
        return [np.asarray(o) for o in (outputs if isinstance(outputs, (list, tuple)) else [outputs])]
    if format == "onnx":
        _require("onnxruntime", "onnx")
        import onnxruntime

        session = onnxruntime.InferenceSession(path, providers=["CPUExecutionProvider"])
        return session.run(None, {i.name: a for i, a in zip(session.get_inputs(), arrays, strict=True)})
    if format == "litert":
        try:
            from ai_edge_litert.interpreter import Interpreter
        except ImportError:
            import tensorflow as tf

            Interpreter = tf.lite.Interpreter
        interpreter = Interpreter(model_path=path)
        runner = interpreter.get_signature_runner()
        names = list(runner.get_input_details())  # in the signature's argument order
        outputs = runner(**dict(zip(names, arrays, strict=True)))
        return [np.asarray(outputs[k]) for k in sorted(outputs)]
    raise InputError(f"format must be one of {', '.join(FORMATS)}, got {format!r}.")


def example_inputs(
    model, format: str, *, input_shape=None, batch_size=None, name: str | None = None, batch: int = 2, seed: int = 0
):
    """A random input batch that fits `input_signature(model, format, ...)`: an array, or a list for several inputs.

    `batch` rows, unless the signature fixes the batch size. Free axes
    take the registry's contract example size (else 8); token inputs draw
    ids below the smallest embedding table of the model, else the
    registry's `high` (else 2).
    """
    import keras

    name = name or registry_name_of(model)
    signature = input_signature(model, format, input_shape=input_shape, batch_size=batch_size, name=name)
    specs = signature[0] if isinstance(signature[0], list) else signature
    batch = specs[0].shape[0] or batch  # the artifact's own batch size where it has one
    info = model_info(name) if name else None
    declared = info.input if info is not None and info.input is not None else None
    declared = declared if isinstance(declared, tuple) else (declared,) * len(specs)
    example = info.contract.input if info is not None and info.contract is not None else None
    example = example if isinstance(example, tuple) else (example,) * len(specs)
    rng = np.random.default_rng(seed)
    arrays = []
    for spec, known, ex in zip(specs, declared, example, strict=True):
        shape = [
            d if d is not None else (ex.shape[i] if ex is not None and i < len(ex.shape) else 8)
            for i, d in enumerate(spec.shape[1:])
        ]
        if "int" in str(spec.dtype):  # ids every embedding of the model takes: below the smallest table
            tables = [layer.input_dim for layer in _layers(model) if isinstance(layer, keras.layers.Embedding)]
            high = min(tables) if tables else (known.high if known is not None and known.high else 2)
            arrays.append(rng.integers(0, high, size=(batch, *shape)).astype(spec.dtype))
        else:
            arrays.append(rng.standard_normal((batch, *shape)).astype(spec.dtype))
    return arrays if len(arrays) > 1 else arrays[0]


def _layers(model):
    """Every layer inside `model`, those of nested models and layers included."""
    for layer in getattr(model, "layers", ()):
        yield layer
        yield from _layers(layer)


def check_exported(model, path, format: str, inputs) -> float:
    """The largest absolute difference between the artifact's outputs (run in its runtime) and Keras's on `inputs`."""
    import keras

    expected = model(inputs, training=False)
    expected = [
        keras.ops.convert_to_numpy(e) for e in (expected if isinstance(expected, (list, tuple)) else [expected])
    ]
    got = run_exported(path, format, inputs)
    if len(got) != len(expected):
        raise InputError(f"the {format} artifact gave {len(got)} outputs, the Keras model {len(expected)}.")
    return max(float(np.max(np.abs(g - e))) for g, e in zip(got, expected, strict=True))
