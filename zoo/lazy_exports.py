"""Exports a package loads on first use (PEP 562's module `__getattr__`), in one place.

zoo's packages must import without Keras (`zoo list`, the CLI's early checks), so a
package names each export's home module and imports it on first access:

```python
__getattr__, __dir__, __all__ = lazy_exports(__name__, {"fit_resumable": "zoo.training.fit"})
```

Subpackages and submodules can be exports too (`modules=("data",)` in `zoo`: `zoo.data`
then imports it on first access).
A loaded value is kept in the package's namespace, so later access costs nothing. A
package must not have a submodule named like one of its other exports: importing that
submodule would replace the export (`tests/test_layout.py` checks this).
"""

from __future__ import annotations

import importlib
import importlib.util
import sys
from collections.abc import Callable, Mapping


def lazy_exports(
    package: str,
    homes: Mapping[str, str],
    before_import: Callable[[str], None] | None = None,
    *,
    family: bool = False,
    modules: tuple | bool = (),
) -> tuple[Callable[[str], object], Callable[[], list[str]], list[str]]:
    """`(__getattr__, __dir__, __all__)` for `package`, whose export `name` is in module `homes[name]`.

    Args:
        package: the package's `__name__`.
        homes: `{export: module}`.
        before_import: runs before an export's module is imported (to check an optional dependency).
        family: a model family's package (`zoo.models.cnn`): every model its `metadata.py` declares is
            an export too (`zoo.cnn.resnet50`), imported from its builder's module on first access.
        modules: the package's submodules that are exports themselves (`zoo.data`), or `True` for every
            submodule, found when first asked for (`zoo.models.rnn`: a family folder added later is one too).

    Returns:
        The module-level `__getattr__` and `__dir__`, and `__all__` (`homes`' names).
    """
    namespace = vars(sys.modules[package])
    homes = dict(homes)

    def models() -> dict:  # the family's own metadata.py declares them (Keras-free)
        declared = importlib.import_module(package + ".metadata").MODELS
        return {info.name: info.target.partition(":")[0] for info in declared if info.target}

    def __getattr__(name):
        if name not in homes and family and not name.startswith("_"):
            homes.update({k: v for k, v in models().items() if k not in homes})
        if name not in homes and _is_module_export(package, name, modules):
            value = importlib.import_module(f"{package}.{name}")
            namespace[name] = value
            return value
        if name not in homes:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        if before_import is not None:
            before_import(name)
        value = getattr(importlib.import_module(homes[name]), name)
        namespace[name] = value
        return value

    def __dir__():
        named = set(modules) if isinstance(modules, tuple) else set()
        return sorted(set(namespace) | set(homes) | named | (set(models()) if family else set()))

    return __getattr__, __dir__, sorted(homes)


def _is_module_export(package: str, name: str, modules) -> bool:
    """Whether `name` is one of `package`'s submodules exported as themselves (`modules`: names, or `True`)."""
    if name.startswith("_"):
        return False
    if modules is True:
        return importlib.util.find_spec(f"{package}.{name}") is not None
    return name in modules
