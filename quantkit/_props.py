"""Property checks: what a public self-check tests when the output itself is the answer.

For a graded *value* (a number the student computes) and for a function whose output is the answer
(a table of levels, a code book), the public self-check must not show the reference output. It tests
properties instead, stated in the public reference file as a small mapping, for example
``{"number": True, "range": [5.5, 6.5]}`` or ``{"shape": [16], "sorted": True, "ends": [-1.0, 1.0],
"contains": [0.0]}``. :func:`check_properties` says, in plain words, the first property that fails.

The keys (all optional; floats compared to 1e-12):

=====================  ==========================================================================
``number``             a real number: a Python int or float or a 0-d numeric numpy value (not bool)
``shape``              the array's shape
``dtype``              its kind: ``"int"`` (signed or unsigned), ``"uint"``, ``"float"`` or ``"bool"``
``sorted``             non-decreasing (flattened)
``strictly_increasing`` increasing (flattened)
``range``              ``[lo, hi]``: every value within, inclusive
``ends``               ``[first, last]``: the first and last values (flattened)
``contains``           every listed value occurs
``symmetric``          ``x == -x[::-1]`` (flattened)
``unique_count``       the number of distinct values
``integer_valued``     every value is a whole number
``finite``             no NaN or infinity
``sum_to``             the values add up to this
=====================  ==========================================================================

Examples
--------
>>> check_properties([-1.0, 0.0, 0.5, 1.0], {"sorted": True, "ends": [-1.0, 1.0], "contains": [0.0]})
>>> check_properties(6.2, {"number": True, "range": [5.5, 6.5]})
>>> check_properties([3, 1, 2], {"sorted": True})
'the values should be sorted in increasing order'
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

__all__ = ["TOLERANCE", "check_properties", "describe_properties"]

TOLERANCE = 1e-12


def _kind(dtype: np.dtype) -> str:
    return {"i": "int", "u": "uint", "f": "float", "b": "bool"}.get(dtype.kind, dtype.kind)


def check_properties(value: Any, props: Mapping[str, Any]) -> str | None:
    """None when ``value`` has every property in ``props``, else the first one it lacks, in words.

    Parameters
    ----------
    value : object
        The student's output (already plain data).
    props : mapping
        The properties (see the module docstring).

    Returns
    -------
    str or None
    """
    if props.get("number"):
        if isinstance(value, bool) or isinstance(value, np.bool_):
            return f"expected a real number, got {type(value).__name__}"
        numeric_0d = isinstance(value, (np.ndarray, np.generic)) and np.ndim(value) == 0
        if not (isinstance(value, (int, float)) or (numeric_0d and np.asarray(value).dtype.kind in "iuf")):
            return f"expected a real number (int or float), got {type(value).__name__}"
    try:
        arr = np.asarray(value)
    except Exception:
        return f"expected numbers, got {type(value).__name__}"
    if arr.dtype.kind not in "iufb":
        return f"expected numbers, got {type(value).__name__}"
    if "shape" in props and tuple(arr.shape) != tuple(props["shape"]):
        return f"expected an array of shape {tuple(props['shape'])}, got shape {arr.shape}"
    if "dtype" in props:
        want = props["dtype"]
        got = _kind(arr.dtype)
        if not (got == want or (want == "int" and got == "uint")):
            return f"expected {want} values, got {arr.dtype}"
    flat = arr.astype(np.float64).ravel() if arr.dtype.kind != "b" else arr.ravel()
    tol = TOLERANCE
    if props.get("finite") and not np.all(np.isfinite(flat)):
        return "the values should all be finite (no NaN or infinity)"
    if props.get("sorted") and np.any(np.diff(flat) < 0):
        return "the values should be sorted in increasing order"
    if props.get("strictly_increasing") and np.any(np.diff(flat) <= 0):
        return "the values should be strictly increasing"
    if "range" in props:
        lo, hi = (float(v) for v in props["range"])
        if flat.size and (np.any(flat < lo - tol) or np.any(flat > hi + tol) or np.any(np.isnan(flat))):
            return f"the values should lie between {lo:g} and {hi:g}"
    if "ends" in props:
        first, last = (float(v) for v in props["ends"])
        if flat.size == 0 or abs(flat[0] - first) > tol or abs(flat[-1] - last) > tol:
            return f"the first value should be {first:g} and the last {last:g}"
    if "contains" in props:
        for v in props["contains"]:
            if not np.any(np.abs(flat - float(v)) <= tol):
                return f"the values should include {float(v):g}"
    if props.get("symmetric") and (flat.size == 0 or np.any(np.abs(flat + flat[::-1]) > tol)):
        return "the values should be symmetric about 0 (x == -x[::-1])"
    if "unique_count" in props and np.unique(flat).size != int(props["unique_count"]):
        return f"expected {int(props['unique_count'])} distinct values, got {np.unique(flat).size}"
    if props.get("integer_valued") and np.any(flat != np.round(flat)):
        return "the values should be whole numbers"
    if "sum_to" in props and abs(float(np.sum(flat)) - float(props["sum_to"])) > 1e-9:
        return f"the values should add up to {float(props['sum_to']):g}"
    return None


def describe_properties(props: Mapping[str, Any]) -> str:
    """The properties in a few words, for the self-check's report ("a real number in [5.5, 6.5]").

    Examples
    --------
    >>> describe_properties({"number": True, "range": [5.5, 6.5]})
    'a real number, between 5.5 and 6.5'
    """
    parts = []
    if props.get("number"):
        parts.append("a real number")
    if "shape" in props:
        parts.append(f"shape {tuple(props['shape'])}")
    if "dtype" in props:
        parts.append(f"{props['dtype']} values")
    for key, words in (
        ("sorted", "sorted"),
        ("strictly_increasing", "strictly increasing"),
        ("finite", "finite"),
        ("symmetric", "symmetric about 0"),
        ("integer_valued", "whole numbers"),
    ):
        if props.get(key):
            parts.append(words)
    if "range" in props:
        lo, hi = props["range"]
        parts.append(f"between {lo:g} and {hi:g}")
    if "ends" in props:
        parts.append(f"from {props['ends'][0]:g} to {props['ends'][1]:g}")
    if "contains" in props:
        parts.append("including " + ", ".join(f"{float(v):g}" for v in props["contains"]))
    if "unique_count" in props:
        parts.append(f"{props['unique_count']} distinct values")
    if "sum_to" in props:
        parts.append(f"adding up to {props['sum_to']:g}")
    return ", ".join(parts) or "any value"
