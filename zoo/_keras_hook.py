"""Make zoo's Keras classes known to Keras's own loader once both are imported.

`keras.saving.load_model` and `keras.models.model_from_json` find custom
classes only in Keras's table of registered objects, which a class enters when
its module runs `@keras.saving.register_keras_serializable`. keras-hub fills
that table by importing everything on `import keras_hub`; zoo cannot, since
`import zoo` (and so `zoo list`) must not import Keras. Instead:

- if Keras is already imported, `import zoo` imports the modules that define
  zoo's Keras classes right away;
- otherwise it puts a finder at the front of `sys.meta_path` that wraps the
  loader of `keras` (and of zoo's own modules) and imports those modules as
  soon as Keras has finished importing.

Registration waits until no zoo module is half-way through its own import:
a zoo module that imports Keras at its top would otherwise be imported again,
half-built, by the registration (Python's circular-import trap).
"""

from __future__ import annotations

import importlib
import importlib.abc
import sys
import warnings

#: Every module that defines a class registered with Keras (`keras.saving.register_keras_serializable`):
#: importing them is what lets `keras.saving.load_model` find zoo's classes. A fixed list, so this
#: module imports nothing of zoo's; `tests/test_layout.py` checks it against the source.
KERAS_CLASS_MODULES = (
    "zoo.layers.attention",
    "zoo.layers.recurrent_cells",
    "zoo.layers.vision",
    "zoo.models.detection.yolo",
    "zoo.models.rnn.char_rnn",
    "zoo.models.rnn.text_generator",
    "zoo.models.transformer.transformer_lm",
)

_registered = False


def register_keras_objects() -> None:
    """Import every module of `KERAS_CLASS_MODULES` (imports Keras)."""
    global _registered
    if _registered:
        return
    _registered = True
    _uninstall()
    for module in KERAS_CLASS_MODULES:
        importlib.import_module(module)


def _initializing(name: str) -> bool:
    module = sys.modules.get(name)
    spec = getattr(module, "__spec__", None)
    return bool(getattr(spec, "_initializing", False))


def _zoo_modules_initializing(besides: str) -> bool:
    return any(
        (name == "zoo" or name.startswith("zoo.")) and name != besides and _initializing(name)
        for name in list(sys.modules)
    )


def _after_import(name: str) -> None:
    """Called after `keras` or a zoo module finished executing."""
    if _registered or "keras" not in sys.modules or (name != "keras" and _initializing("keras")):
        return
    if _zoo_modules_initializing(besides=name):
        return  # the outermost zoo import finishing will call again
    try:
        register_keras_objects()
    except Exception as err:  # never break the user's own `import keras`
        warnings.warn(
            f"zoo could not register its Keras classes ({type(err).__name__}: {err}); "
            "keras.saving.load_model may not find zoo models (zoo.load_model still works).",
            RuntimeWarning,
            stacklevel=2,
        )


class _NotifyingLoader(importlib.abc.Loader):
    """Delegates to the real loader and reports when the module has executed."""

    def __init__(self, loader, name):
        self._loader = loader
        self._name = name

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _after_import(self._name)

    def __getattr__(self, attr):  # get_source, is_package, get_resource_reader...
        return getattr(self._loader, attr)


class _KerasImportFinder(importlib.abc.MetaPathFinder):
    """Finds `keras` and `zoo.*` with the other finders and wraps their loaders."""

    def find_spec(self, fullname, path=None, target=None):
        if _registered or not (fullname == "keras" or fullname.startswith("zoo.")):
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                break
        else:
            return None
        if spec.loader is not None and hasattr(spec.loader, "exec_module"):
            spec.loader = _NotifyingLoader(spec.loader, fullname)
        return spec


_FINDER = _KerasImportFinder()


def _uninstall() -> None:
    if _FINDER in sys.meta_path:
        sys.meta_path.remove(_FINDER)


def install() -> None:
    """Register now if Keras is loaded, else register when it is (called by `import zoo`)."""
    if _registered:
        return
    if "keras" in sys.modules and not _initializing("keras"):
        _after_import("zoo")
    elif _FINDER not in sys.meta_path:
        sys.meta_path.insert(0, _FINDER)
