"""Argument checks shared by the loaders, with errors in plain words."""

from __future__ import annotations

import math
import numbers


def real(name: str, value: object) -> float:
    """``value`` as a finite float, or ``TypeError``/``ValueError`` naming the argument."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    result = float(value)
    if not math.isfinite(result):
        raise ValueError(f"{name} must be finite, got {result}")
    return result


def positive(name: str, value: object) -> float:
    """``value`` as a finite float greater than 0."""
    result = real(name, value)
    if result <= 0:
        raise ValueError(f"{name} must be greater than 0, got {result}")
    return result


def non_negative(name: str, value: object) -> float:
    """``value`` as a finite float greater than or equal to 0."""
    result = real(name, value)
    if result < 0:
        raise ValueError(f"{name} must be 0 or more, got {result}")
    return result


def integer(name: str, value: object, minimum: int | None = None) -> int:
    """``value`` as an int (numpy integers accepted, bools and floats refused), at least ``minimum``."""
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an integer, got {type(value).__name__}")
    result = int(value)
    if minimum is not None and result < minimum:
        raise ValueError(f"{name} must be at least {minimum}, got {result}")
    return result
