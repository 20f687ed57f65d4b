"""Compare a student's result with the expected one and say, in one sentence, how they differ.

The comparison goes type, then shape, then dtype kind (bool, integer, float: an index function that
returns floats is wrong even when the numbers agree), then values. Python scalars, numpy scalars and
0-d arrays of the same kind count as the same type. NaN equals NaN only where the expected value is
NaN. Used by ``quantkit.checks`` (the public self-checks), by the grader's ``check_case`` and by its
known-mistake matching.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

__all__ = ["describe_mismatch"]

_KIND_WORD = {"b": "bool", "i": "int", "u": "int", "f": "float", "c": "complex"}
_ORDINAL = ["first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth", "tenth"]


def describe_mismatch(
    got: Any, expected: Any, *, rtol: float = 0.0, atol: float = 0.0, show_values: bool = True
) -> str | None:
    """Say how ``got`` differs from ``expected``, or return None when they match.

    Parameters
    ----------
    got : object
        The student's result (plain data, as the wire format carries it).
    expected : object
        The reference result.
    rtol, atol : float, default 0.0
        Float values match where ``|got - expected| <= atol + rtol * |expected|``; 0 and 0 means
        exactly equal. An infinite expected value is matched by the same infinity only. Integer and
        bool values always compare exactly.
    show_values : bool, default True
        False leaves expected values out of the sentence (for hidden cases): it then only counts the
        differing values.

    Returns
    -------
    str or None
        None when the two match; otherwise one plain sentence, for example
        ``"expected an int array of shape (8,), got float64 of shape (8, 1): did you forget
        `.ravel()`?"`` or ``"3 of 8 values differ; largest difference 0.25 at index 5"``.

    Raises
    ------
    ValueError
        If ``rtol`` or ``atol`` is negative or not finite.

    Examples
    --------
    >>> describe_mismatch(np.arange(3), np.arange(3)) is None
    True
    >>> describe_mismatch(np.zeros(3), np.zeros(3, dtype=int))
    'expected an int array of shape (3,), got float64 of shape (3,)'
    """
    for name, tol in (("rtol", rtol), ("atol", atol)):
        if not (isinstance(tol, (int, float)) and math.isfinite(tol) and tol >= 0):
            raise ValueError(f"{name} must be a finite number >= 0, got {tol!r}")
    return _mismatch(got, expected, float(rtol), float(atol), show_values)


def _category(x: Any) -> tuple[str, str]:
    """(category, kind): category is scalar/array/none/str/tuple/list/dict/other; kind a dtype kind."""
    if x is None:
        return "none", ""
    if isinstance(x, (bool, np.bool_)):
        return "scalar", "b"
    if isinstance(x, (int, np.integer)):
        return "scalar", "i"
    if isinstance(x, (float, np.floating)):
        return "scalar", "f"
    if isinstance(x, (complex, np.complexfloating)):
        return "scalar", "c"
    if isinstance(x, np.ndarray):
        kind = x.dtype.kind
        kind = "i" if kind == "u" else kind
        return ("scalar" if x.ndim == 0 else "array"), kind
    if isinstance(x, str):
        return "str", ""
    if isinstance(x, tuple):
        return "tuple", ""
    if isinstance(x, list):
        return "list", ""
    if isinstance(x, dict):
        return "dict", ""
    return "other", ""


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def _describe_expected(x: Any) -> str:
    cat, kind = _category(x)
    if cat == "none":
        return "None"
    if cat == "scalar":
        word = _KIND_WORD.get(kind, kind)
        return f"{_article(word)} {word}"
    if cat == "array":
        word = _KIND_WORD.get(kind, str(x.dtype))
        return f"{_article(word)} {word} array of shape {tuple(x.shape)}"
    if cat in ("tuple", "list"):
        return f"a {cat} of {len(x)} value{'s' * (len(x) != 1)}"
    if cat == "str":
        return "a str"
    if cat == "dict":
        return f"a dict with keys {sorted(map(str, x))}"
    return f"a {type(x).__name__}"


def _describe_got(x: Any) -> str:
    cat, _ = _category(x)
    if cat == "array":
        return f"{x.dtype} of shape {tuple(x.shape)}"
    if cat == "scalar":
        name = x.dtype.name if isinstance(x, (np.generic, np.ndarray)) else type(x).__name__
        return f"{_article(name)} {name}"
    return _describe_expected(x)


def _shape_hint(got_shape: tuple[int, ...], exp_shape: tuple[int, ...]) -> str:
    if math.prod(got_shape) == math.prod(exp_shape):
        squeezed = tuple(n for n in got_shape if n != 1)
        if squeezed == tuple(n for n in exp_shape if n != 1):
            if len(exp_shape) == 1:
                return ": did you forget `.ravel()`?"
            return ": check the axes you add or remove (`reshape`, `np.newaxis`)"
        if len(got_shape) == 2 and got_shape[::-1] == exp_shape:
            return ": is it transposed?"
        return ": check the reshape"
    return ""


def _mismatch(got: Any, expected: Any, rtol: float, atol: float, show: bool) -> str | None:
    gcat, gkind = _category(got)
    ecat, ekind = _category(expected)
    if gcat in ("tuple", "list") and ecat in ("tuple", "list"):
        gcat = ecat  # a pair is a pair: (t, x) and [t, x] are the same answer
    if gcat != ecat:
        msg = f"expected {_describe_expected(expected)}, got {_describe_got(got)}"
        if gcat == "none":
            msg += ": did you forget `return`?"
        elif ecat == "array" and gcat == "list":
            msg += ": return a numpy array (`np.asarray(...)`)"
        elif ecat == "scalar" and gcat == "array" and got.size == 1:
            msg += ": return a single number (`.item()`)"
        return msg
    if ecat == "none":
        return None
    if ecat in ("tuple", "list"):
        return _compare_sequence(got, expected, ecat, rtol, atol, show)
    if ecat == "dict":
        if set(got) != set(expected):
            missing = sorted(map(str, set(expected) - set(got)))
            extra = sorted(map(str, set(got) - set(expected)))
            parts = ([f"missing {missing}"] if missing else []) + ([f"unexpected {extra}"] if extra else [])
            return f"expected a dict with keys {sorted(map(str, expected))}, got one with {'; '.join(parts)}"
        for key in sorted(expected, key=str):
            sub = _mismatch(got[key], expected[key], rtol, atol, show)
            if sub is not None:
                return f"entry {key!r}: {sub}"
        return None
    if ecat == "str":
        if got == expected:
            return None
        if not show:
            return "the text differs from the expected one"
        return f"expected the text {expected!r}, got {got!r}"
    if ecat == "other":
        if type(got) is type(expected) and hasattr(expected, "to_spec"):
            return None if got.to_spec() == expected.to_spec() else "the signals differ"
        try:
            same = bool(got == expected)
        except Exception:
            same = False
        return None if same else f"expected {_describe_expected(expected)}, got a different value"
    # scalars and arrays
    shape_differs = ecat == "array" and got.shape != expected.shape
    if gkind != ekind or shape_differs:
        msg = f"expected {_describe_expected(expected)}, got {_describe_got(got)}"
        if shape_differs:
            msg += _shape_hint(tuple(got.shape), tuple(expected.shape))
        return msg
    return _compare_values(np.asarray(got), np.asarray(expected), ekind, rtol, atol, show, ecat == "scalar")


def _compare_sequence(got: Any, expected: Any, cat: str, rtol: float, atol: float, show: bool) -> str | None:
    if len(got) != len(expected):
        return f"expected a {cat} of {len(expected)} values, got {len(got)}"
    for i, (g, e) in enumerate(zip(got, expected, strict=True)):
        sub = _mismatch(g, e, rtol, atol, show)
        if sub is not None:
            which = _ORDINAL[i] if i < len(_ORDINAL) else f"#{i + 1}"
            return f"the {which} value of the {cat}: {sub}"
    return None


def _fmt(x: Any) -> str:
    if isinstance(x, (bool, np.bool_)):
        return str(bool(x))
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    return f"{float(x):.6g}"


def _compare_values(
    got: np.ndarray, expected: np.ndarray, kind: str, rtol: float, atol: float, show: bool, scalar: bool
) -> str | None:
    if kind == "f":
        g = got.astype(np.float64)
        e = expected.astype(np.float64)
        both_nan = np.isnan(g) & np.isnan(e)
        with np.errstate(invalid="ignore", over="ignore"):
            diff = np.abs(g - e)
            # Only inf matches inf: rtol * |inf| is inf and would otherwise accept any value.
            close = (g == e) | (np.isfinite(e) & (diff <= atol + rtol * np.abs(e)))
        ok = both_nan | close
    elif kind in "iu":
        ok = got == expected
        with np.errstate(over="ignore"):
            diff = np.abs(got.astype(np.float64) - expected.astype(np.float64))
    elif kind == "b":
        ok = got == expected
        diff = (got != expected).astype(np.float64)
    else:
        ok = got == expected
        diff = np.where(ok, 0.0, 1.0)
    if bool(np.all(ok)):
        return None
    if scalar:
        if not show:
            return "the value differs from the expected one"
        return f"expected {_fmt(expected[()])}, got {_fmt(got[()])}"
    bad = ~ok
    n_bad, n = int(bad.sum()), int(ok.size)
    msg = f"{n_bad} of {n} values differ"
    if not show:
        return msg
    finite_diff = np.where(bad & np.isfinite(diff), diff, -1.0)
    if finite_diff.max() >= 0:
        where = np.unravel_index(int(np.argmax(finite_diff)), ok.shape)
        index = int(where[0]) if len(where) == 1 else tuple(int(i) for i in where)
        return f"{msg}; largest difference {_fmt(finite_diff[where])} at index {index}"
    where = np.unravel_index(int(np.argmax(bad)), ok.shape)
    index = int(where[0]) if len(where) == 1 else tuple(int(i) for i in where)
    return f"{msg}; at index {index} expected {_fmt(expected[where])}, got {_fmt(got[where])}"
