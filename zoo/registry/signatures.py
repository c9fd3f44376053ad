"""A builder's arguments and defaults, read from its source with `ast`, without importing it.

The registry lists built-in models without importing Keras, so it cannot call
`inspect.signature` on their builders. It reads the `def` (or the
class's `__init__`) from the module's source instead. A default must be a
literal, a module-level constant of the same module, or a name imported from
a module that does not import Keras (a data module's vocabulary size); anything
else is refused with the builder and the argument named.
`tests/test_registry.py` checks the result against `inspect.signature` for
every built-in model.
"""

from __future__ import annotations

import ast
import functools
import importlib
import importlib.util
import inspect
from collections.abc import Callable
from typing import Any

from zoo.errors import InputError

#: A builder may be a row of its family's variant table, `NAME = variant(family, "NAME", ...)`: its arguments
#: are then its `signature=` (a module-level literal dict of the row's module) or else the
#: `VARIANT_SIGNATURE` of the module `variant` is imported from, in order, with `name` defaulting to
#: `"NAME"` (`zoo.models.cnn.conventions.variant`).
VARIANT_MAKER, VARIANT_SIGNATURE = "variant", "VARIANT_SIGNATURE"


@functools.cache
def _module_tree(module_name: str) -> ast.Module:
    spec = importlib.util.find_spec(module_name)  # imports the parent packages only
    if spec is None or not spec.origin:
        raise InputError(f"Cannot find the source of module {module_name!r}.")
    with open(spec.origin, encoding="utf-8") as f:
        return ast.parse(f.read(), filename=spec.origin)


def _constant(tree: ast.Module, module_name: str, name: str, where: str):
    """The value of a module-level `name` of `tree`: a literal assignment or an import."""
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and t.id == name for t in node.targets):
            return _value(node.value, tree, module_name, where)
        if isinstance(node, ast.ImportFrom) and node.level == 0:
            for alias in node.names:
                if (alias.asname or alias.name) == name:
                    return getattr(importlib.import_module(node.module), alias.name)
    raise InputError(f"{where}: its default {name} is not a constant of {module_name}.")


def _value(node: ast.expr, tree: ast.Module, module_name: str, where: str):
    if isinstance(node, ast.Name):
        return _constant(tree, module_name, node.id, where)
    try:
        return ast.literal_eval(node)
    except ValueError:
        raise InputError(
            f"{where}: its default {ast.unparse(node)} is not a literal or a module-level constant."
        ) from None


def _parameters(function: ast.FunctionDef, tree, module_name, where) -> dict:
    args = function.args
    positional = [*args.posonlyargs, *args.args]
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = {}
    for arg, default in zip(positional, defaults, strict=True):
        if arg.arg != "self":
            out[arg.arg] = None if default is None else _value(default, tree, module_name, f"{where}({arg.arg}=)")
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        out[arg.arg] = None if default is None else _value(default, tree, module_name, f"{where}({arg.arg}=)")
    return out


def read_defaults(target: str) -> dict:
    """Each argument of the builder `"module:attribute"` and its default (None when it has none)."""
    module_name, _, attribute = target.partition(":")
    tree = _module_tree(module_name)
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == attribute:
            return _parameters(node, tree, module_name, target)
        if _is_variant_row(node, attribute):
            return _variant_defaults(node.value, tree, module_name, target)
        if isinstance(node, ast.ClassDef) and node.name == attribute:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "__init__":
                    return _parameters(item, tree, module_name, target)
            raise InputError(f"{target}: the class defines no __init__.")
    raise InputError(f"{target}: no function or class {attribute!r} at the top level of {module_name}.")


def _is_variant_row(node: ast.stmt, attribute: str) -> bool:
    """Whether `node` is `attribute = variant(...)`."""
    return (
        isinstance(node, ast.Assign)
        and [getattr(t, "id", None) for t in node.targets] == [attribute]
        and isinstance(node.value, ast.Call)
        and getattr(node.value.func, "id", None) == VARIANT_MAKER
    )


def _names(node: ast.ImportFrom) -> list:
    return [alias.asname or alias.name for alias in node.names]


def _variant_defaults(call: ast.Call, tree: ast.Module, module_name: str, target: str) -> dict:
    """The arguments of a variant row `variant(family, "NAME", ...)`: its `signature=`, or the
    `VARIANT_SIGNATURE` of the module `variant` comes from; `name` defaulting to the row's name."""
    given = [k.value for k in call.keywords if k.arg == "signature"]
    if given:
        signature = _value(given[0], tree, module_name, target)
    else:
        homes = [n.module for n in tree.body if isinstance(n, ast.ImportFrom) and VARIANT_MAKER in _names(n)]
        if not homes:
            raise InputError(f"{target}: {module_name} does not import {VARIANT_MAKER}.")
        signature = _constant(_module_tree(homes[0]), homes[0], VARIANT_SIGNATURE, target)
    if len(call.args) < 2 or not isinstance(call.args[1], ast.Constant):
        raise InputError(f"{target}: a variant row names its variant as its second argument, a string.")
    return {**signature, "name": call.args[1].value}


def takes_model_kwargs(target: str) -> bool:
    """Whether the builder `"module:attribute"` is a class whose `__init__` takes `**kwargs` (a subclassed
    `keras.Model`, which passes `name`, `trainable` and `dtype` on to Keras)."""
    module_name, _, attribute = target.partition(":")
    for node in _module_tree(module_name).body:
        if isinstance(node, ast.ClassDef) and node.name == attribute:
            return any(
                isinstance(item, ast.FunctionDef) and item.name == "__init__" and item.args.kwarg is not None
                for item in node.body
            )
    return False


def signature_defaults(builder: Callable[..., Any]) -> dict:
    """Each argument of a builder function (or a class's `__init__`) and its default (None when it has none)."""
    target = builder.__init__ if inspect.isclass(builder) else builder
    out = {}
    for p in inspect.signature(target).parameters.values():
        if p.name == "self" or p.kind in (p.VAR_KEYWORD, p.VAR_POSITIONAL):
            continue
        out[p.name] = None if p.default is p.empty else p.default
    return out
