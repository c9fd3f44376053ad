"""Argument checks with one message style, shared by the Python API and the command line.

Every check raises `ValueError("NAME must be WHAT, got VALUE.")`. Booleans
are never numbers here (`True` is an `int` to Python, not to a user), and
NaN or infinite floats are refused wherever a number is asked for. Keras-free,
so the command line can check its values before it imports TensorFlow.
"""

from __future__ import annotations

import argparse
import math
import numbers

from zoo.errors import InputError


def _is_int(value) -> bool:
    return isinstance(value, numbers.Integral) and not isinstance(value, bool)


def _is_real(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool) and math.isfinite(value)


def check_int(name: str, value, *, minimum: int | None = None, optional: bool = False):
    """`value` if it is an integer (not a bool) of at least `minimum`; `None` passes when `optional`."""
    if value is None and optional:
        return value
    if not _is_int(value) or (minimum is not None and value < minimum):
        what = {None: "an integer", 0: "an integer >= 0", 1: "a positive integer"}.get(
            minimum, f"an integer >= {minimum}"
        )
        raise InputError(f"{name} must be {what}{' or None' if optional else ''}, got {value!r}.")
    return value


def check_positive_int(name: str, value, *, optional: bool = False):
    """`value` if it is an integer >= 1 (`None` too when `optional`)."""
    return check_int(name, value, minimum=1, optional=optional)


def check_number(
    name: str,
    value,
    *,
    minimum: float | None = None,
    maximum: float | None = None,
    exclusive_minimum: bool = False,
    exclusive_maximum: bool = False,
    optional: bool = False,
):
    """`value` if it is a finite real number (not a bool, NaN or infinity) within the bounds."""
    if value is None and optional:
        return value
    ok = _is_real(value)
    if ok and minimum is not None:
        ok = value > minimum if exclusive_minimum else value >= minimum
    if ok and maximum is not None:
        ok = value < maximum if exclusive_maximum else value <= maximum
    if not ok:
        if minimum is not None and maximum is not None:
            low, high = "(" if exclusive_minimum else "[", ")" if exclusive_maximum else "]"
            what = f"a number in {low}{minimum:g}, {maximum:g}{high}"
        elif minimum == 0 and exclusive_minimum:
            what = "a positive number"
        elif minimum is not None:
            what = f"a number {'>' if exclusive_minimum else '>='} {minimum:g}"
        elif maximum is not None:
            what = f"a number {'<' if exclusive_maximum else '<='} {maximum:g}"
        else:
            what = "a finite number"
        raise InputError(f"{name} must be {what}{' or None' if optional else ''}, got {value!r}.")
    return value


def check_positive_number(name: str, value, *, optional: bool = False):
    """`value` if it is a finite number > 0."""
    return check_number(name, value, minimum=0, exclusive_minimum=True, optional=optional)


def check_rate(name: str, value):
    """`value` if it is a number in [0, 1): a dropout rate."""
    return check_number(name, value, minimum=0, maximum=1, exclusive_maximum=True)


def check_choice(name: str, value, choices):
    """`value` if it is one of `choices`."""
    if value not in choices:
        accepted = ", ".join(repr(c) for c in choices)
        raise InputError(f"{name} must be one of {accepted}, got {value!r}.")
    return value


# -- argparse types: the same checks on the command line -----------------------
def _argparse_type(parse, check, description):
    def convert(text: str):
        try:
            return check("value", parse(text))
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {description}, got {text!r}") from None

    convert.__name__ = description  # argparse names the type in its messages
    return convert


positive_int_arg = _argparse_type(int, check_positive_int, "a positive integer")
non_negative_int_arg = _argparse_type(int, lambda n, v: check_int(n, v, minimum=0), "an integer >= 0")
positive_float_arg = _argparse_type(float, check_positive_number, "a positive number")
non_negative_float_arg = _argparse_type(float, lambda n, v: check_number(n, v, minimum=0), "a finite number >= 0")
probability_arg = _argparse_type(
    float, lambda n, v: check_number(n, v, minimum=0, maximum=1, exclusive_minimum=True), "a number in (0, 1]"
)
fraction_arg = _argparse_type(float, lambda n, v: check_number(n, v, minimum=0, maximum=1), "a number in [0, 1]")


#: The largest seed every backend takes (TensorFlow's and JAX's samplers read it as a 32-bit integer).
MAX_SEED = 2**31 - 1
#: The smallest positive sampling temperature and top-p: below it, float32 arithmetic under- or overflows
#: (`logits / 1e-50` is infinite, `1e-300` is 0.0 in float32) and the samples are garbage.
MIN_SAMPLING_VALUE = 1e-6


def check_seed(name: str, value, *, optional: bool = False):
    """`value` if it is an integer in [0, `MAX_SEED`] (`None` too when `optional`)."""
    if value is None and optional:
        return value
    if not _is_int(value) or not 0 <= value <= MAX_SEED:
        raise InputError(f"{name} must be an integer in [0, {MAX_SEED}], got {value!r}.")
    return value


def check_temperature(name: str, value):
    """`value` if it is 0 (greedy) or a finite number of at least `MIN_SAMPLING_VALUE`."""
    if _is_real(value) and value == 0:
        return value
    return check_number(name, value, minimum=MIN_SAMPLING_VALUE)


def check_top_p(name: str, value, *, optional: bool = False):
    """`value` if it is a number in [`MIN_SAMPLING_VALUE`, 1] (`None` too when `optional`)."""
    return check_number(name, value, minimum=MIN_SAMPLING_VALUE, maximum=1, optional=optional)


seed_arg = _argparse_type(int, check_seed, f"an integer in [0, {MAX_SEED}]")
temperature_arg = _argparse_type(float, check_temperature, f"0 (greedy) or a number >= {MIN_SAMPLING_VALUE:g}")
top_p_arg = _argparse_type(float, check_top_p, f"a number in [{MIN_SAMPLING_VALUE:g}, 1]")


def int_at_least(minimum: int):
    """An argparse type for integers of at least `minimum` (`--factor` needs 2)."""
    return _argparse_type(int, lambda n, v: check_int(n, v, minimum=minimum), f"an integer >= {minimum}")
