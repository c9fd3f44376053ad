"""Search spaces: the registry's tunable declarations turned into keras-tuner hyperparameters.

A registry entry declares its tunable arguments as plain data, so listing
them never imports keras-tuner:

```python
tunable={
    "units": {"values": (32, 64, 128)},                      # hp.Choice
    "dropout": {"min": 0.0, "max": 0.5, "step": 0.1},        # hp.Float
    "learning_rate": {"min": 1e-4, "max": 1e-2, "sampling": "log"},
}
```

`learning_rate` is the one name that is not a builder argument: it sets
Adam's step size when the model is compiled.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from zoo.errors import InputError
from zoo.registry import check_model_arguments, model_info

#: Hyperparameters that configure compilation rather than the builder.
COMPILE_ARGS = ("learning_rate",)


def _check_spec(model: str, name: str, spec) -> dict:
    if isinstance(spec, (list, tuple)):
        spec = {"values": tuple(spec)}
    if not isinstance(spec, dict):
        raise InputError(
            f"{model}: the search space of {name!r} must be a list of values or a dict with 'values' "
            f"or 'min'/'max', got {spec!r}."
        )
    if "values" in spec:
        values = tuple(spec["values"])
        if not values:
            raise InputError(f"{model}: the search space of {name!r} has no values.")
        if len(set(map(repr, values))) != len(values):
            raise InputError(f"{model}: the search space of {name!r} repeats a value: {list(values)}.")
        kinds = {type(v) for v in values}
        if len(kinds) > 1 and not kinds <= {int, float}:
            raise InputError(f"{model}: the values of {name!r} mix types: {list(values)}.")
        return {"values": values}
    if "min" in spec and "max" in spec:
        if spec["min"] > spec["max"]:
            raise InputError(f"{model}: {name!r} has min {spec['min']!r} > max {spec['max']!r}.")
        unknown = set(spec) - {"min", "max", "step", "sampling"}
        if unknown:
            raise InputError(f"{model}: unknown keys {sorted(unknown)} in the space of {name!r}.")
        return dict(spec)
    raise InputError(f"{model}: the search space of {name!r} needs 'values' or 'min' and 'max', got {spec!r}.")


def _kind(value) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    return "number" if isinstance(value, float) else "str" if isinstance(value, str) else type(value).__name__


def _check_against_declaration(model: str, name: str, spec: dict, declared: dict) -> None:
    """Refuse values of another type than the declaration's, and choices it does not offer."""
    values = spec["values"] if "values" in spec else (spec["min"], spec["max"])
    allowed = declared["values"] if "values" in declared else (declared["min"], declared["max"])
    kinds = {_kind(v) for v in allowed}
    if kinds & {"str", "bool"}:
        bad = [v for v in values if v not in allowed]
        if bad:
            raise InputError(
                f"{model}: {name} cannot be {', '.join(map(repr, bad))}; accepted: {', '.join(map(repr, allowed))}."
            )
        return
    numeric = {"int"} if kinds == {"int"} and "values" in declared else {"int", "number"}
    bad = [v for v in values if _kind(v) not in numeric or v < 0]
    if bad:
        what = "integers" if numeric == {"int"} else "numbers"
        raise InputError(
            f"{model}: {name} takes {what} >= 0 (declared: {', '.join(map(repr, allowed))}), "
            f"got {', '.join(map(repr, bad))}."
        )


def search_space(model: str, space: Mapping[str, object] | None = None, *, fixed: Iterable[str] = ()) -> dict:
    """The validated search space of a registered `model`.

    Args:
        model: a registry name.
        space: `None` for every tunable argument the registry declares, or
            a dict `{name: values or spec or None}` of the arguments to
            search (`None` takes the registry's declaration for that name).
        fixed: argument names held fixed, left out of the space.

    Raises `ValueError` naming any argument the model does not declare
    tunable (its declared arguments are builder arguments, or
    `COMPILE_ARGS`), and any value of another type than the
    declaration's (or a choice the declaration does not offer).
    """
    info = model_info(model)
    declared = dict(info.tunable)
    if space is None:
        space = dict.fromkeys(declared)
    out = {}
    for name, spec in space.items():
        if name in fixed:
            continue
        if name not in declared:
            raise InputError(
                f"{model} does not declare {name!r} tunable; tunable: {', '.join(declared) or 'none'} "
                f"(zoo info {model})."
            )
        out[name] = _check_spec(model, name, declared[name] if spec is None else spec)
        _check_against_declaration(model, name, out[name], _check_spec(model, name, declared[name]))
    if not out:
        raise InputError(f"{model}: the search space is empty (declared: {', '.join(declared) or 'none'}).")
    return out


def check_space_values(model: str, space: dict, fixed: Mapping = None) -> None:
    """Refuse a search space holding a value `model`'s builder would refuse, before any trial starts.

    Every combination of the space's builder arguments (each choice, and both ends of a range) goes
    through the model's Keras-free checks (`zoo.registry.check_model_arguments`) with `fixed`
    (the arguments held fixed) and the builder's defaults for the rest, so a combination such as
    `embed_dim=128, num_heads=3` is refused, not left to fail as a trial.
    """
    choices = {
        name: spec["values"] if "values" in spec else (spec["min"], spec["max"])
        for name, spec in space.items()
        if name not in COMPILE_ARGS
    }
    held = {k: v for k, v in (fixed or {}).items() if k not in choices}
    try:
        check_model_arguments(model, held, choices=choices)
    except ValueError as err:
        raise InputError(f"the search space holds a value {model}'s builder refuses: {err}") from None


def declare(hp, name: str, spec: dict, default=None):
    """Declare `name` on a keras-tuner `HyperParameters` object and return its current value.

    A choice keeps the order of its values (so grid search walks them in
    order); `default` is used when it is one of them.
    """
    if "values" in spec:
        values = list(spec["values"])
        numeric = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values)
        default = default if default in values else values[0]
        if all(isinstance(v, bool) for v in values) and len(values) == 2:
            return hp.Boolean(name, default=bool(default))
        return hp.Choice(name, values, ordered=numeric and values == sorted(values), default=default)
    lo, hi = spec["min"], spec["max"]
    kwargs = {k: spec[k] for k in ("step", "sampling") if k in spec}
    if isinstance(lo, int) and isinstance(hi, int) and not isinstance(spec.get("step", 1), float):
        kind = hp.Int
    else:
        kind, lo, hi = hp.Float, float(lo), float(hi)
    if default is not None and lo <= default <= hi:
        kwargs["default"] = default
    return kind(name, lo, hi, **kwargs)


def parse_space_option(text: str) -> tuple:
    """`"units=32,64,128"` (a `--space` flag) as `("units", (32, 64, 128))`.

    Values are Python literals where they parse (`0.5`, `True`) and
    strings otherwise (`lstm`). `"lr=1e-4..1e-2"` gives a log range.
    """
    import ast

    name, sep, rest = text.partition("=")
    name = name.strip().replace("-", "_")
    if not sep or not name.isidentifier() or not rest.strip():
        raise InputError(f"--space expects NAME=V1,V2,... (or NAME=LOW..HIGH), got {text!r}.")

    def literal(v):
        v = v.strip()
        try:
            return ast.literal_eval(v)
        except (ValueError, SyntaxError):
            return v

    if ".." in rest and "," not in rest:
        lo, hi = (literal(v) for v in rest.split("..", 1))
        if not all(isinstance(v, (int, float)) for v in (lo, hi)):
            raise InputError(f"--space {name}: a range needs two numbers, got {rest!r}.")
        spec = {"min": lo, "max": hi}
        if isinstance(lo, float) or isinstance(hi, float):
            spec["sampling"] = "log" if lo > 0 else "linear"
        return name, spec
    values = tuple(literal(v) for v in rest.split(",") if v.strip())
    return name, {"values": values}
