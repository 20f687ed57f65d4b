"""Calling a student's function from a plot or widget, and saying in plain words what went wrong.

Plots and widgets take the student's own functions (their quantizer, their sampler) as arguments. This
module checks what such a function returns and turns failures into one-line messages a student can act
on ("quantize_uniform returned shape (10, 1) for input of shape (10,)"), without tracebacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

__all__ = [
    "NOT_IMPLEMENTED",
    "BadOutputError",
    "BadOutputTypeError",
    "check_output",
    "function_name",
    "student_message",
]

NOT_IMPLEMENTED = "not implemented yet"


class BadOutputError(ValueError):
    """A student's function returned values of the wrong shape or with NaN/inf."""


class BadOutputTypeError(BadOutputError, TypeError):
    """A student's function returned something that is not a real numeric array (None, str, complex)."""


def function_name(fn: Callable[..., Any]) -> str:
    """The name a student knows the function by (``__name__``, else the object's type name)."""
    return str(getattr(fn, "__name__", None) or type(fn).__name__)


def check_output(out: Any, name: str, input_shape: tuple[int, ...]) -> np.ndarray:
    """Check that ``out`` is a finite real array of ``input_shape`` and return it as float64.

    Parameters
    ----------
    out : object
        What the student's function returned.
    name : str
        The function's name, for the message.
    input_shape : tuple of int
        The shape of the input it was given; the output must have the same shape.

    Returns
    -------
    numpy.ndarray
        ``out`` as a float64 array.

    Raises
    ------
    BadOutputTypeError
        ``None``, a non-numeric or a complex result.
    BadOutputError
        A result of another shape, or with NaN/inf values.
    """
    if out is None:
        raise BadOutputTypeError(
            f"{name} returned None for input of shape {input_shape}: did you forget to `return` the result?"
        )
    try:
        arr = np.asarray(out)
    except Exception:  # ragged lists
        arr = np.asarray(None)
    if arr.dtype.kind not in "biuf":
        what = f"an array of dtype {arr.dtype}" if isinstance(out, np.ndarray) else type(out).__name__
        raise BadOutputTypeError(
            f"{name} returned {what} for input of shape {input_shape}; expected real numbers"
        )
    if arr.shape != tuple(input_shape):
        raise BadOutputError(f"{name} returned shape {arr.shape} for input of shape {tuple(input_shape)}")
    values = arr.astype(np.float64)
    bad = ~np.isfinite(values)
    if bad.any():
        raise BadOutputError(
            f"{name} returned NaN or infinite values at {int(bad.sum())} of {values.size} points"
        )
    return values


def student_message(exc: BaseException, name: str) -> str:
    """One plain line describing why calling the student's function ``name`` failed.

    ``NotImplementedError`` gives ``"not implemented yet: write <name> first"``; our own output checks
    give their message; anything else gives ``"<name> raised <Type>: <message>"``.
    """
    if isinstance(exc, NotImplementedError):
        return f"{NOT_IMPLEMENTED}: write {name} first"
    if isinstance(exc, BadOutputError):
        return str(exc)
    text = str(exc).strip()
    return f"{name} raised {type(exc).__name__}" + (f": {text}" if text else "")
