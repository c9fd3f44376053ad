"""zoo's user errors: one base class, `ZooError`, for every mistake a user can fix.

The `zoo` command prints a `ZooError` as one line and exits 2; any other
exception is an internal error (exit 1, its traceback behind `--debug`). Each
class also derives from the built-in exception a Python caller expects
(`ValueError` for a bad value, `KeyError` for an unknown name), so library
code that catches those keeps working.
"""

from __future__ import annotations


class ZooError(Exception):
    """A mistake of the user's (a bad value, name, file or folder), said in one line that names it."""


class InputError(ZooError, ValueError):
    """A value zoo does not accept; the message names it and what is accepted."""


class MissingDependencyError(ZooError, ImportError):
    """An optional package a feature needs is not installed; the message names the install command."""
