"""The wire format: the one way numeric data crosses a trust boundary or is stored.

Values travel as JSON, never as pickle. The grader sends arguments to a student's kernel and reads the
results back in this format, and the reference files (public and hidden) store cases and expected
outputs in it. Decoding is strict: it refuses anything that is not plain numeric data, so a value
coming from student code can never run code or exhaust the grader's memory.

=====================================  ==================================================================
value                                  JSON
=====================================  ==================================================================
``None``, ``bool``, ``int``, ``str``,  as is
finite ``float``
non-finite float                       ``{"__float__": "nan" | "inf" | "-inf"}``
``numpy.ndarray`` (exactly, not a      ``{"__ndarray__": {"dtype": "<f8", "shape": [3, 2],
subclass) of bool, int, uint or float  "data": "<base64 of C-order little-endian bytes>"}}``
numpy scalar (bool, int, uint, float)  ``{"__scalar__": {"dtype": "<i8", "data": "<base64>"}}``
``tuple`` / ``list``                   ``{"__tuple__": [...]}`` / ``[...]``
``dict`` with str keys                 ``{"__dict__": {...}}``
:data:`SPEC_TYPES` objects (a          ``{"__object__": {"type": "signal", "spec": <wire of obj.to_spec()>}}``
:class:`quantkit.signals.Signal`, ...)
=====================================  ==================================================================

A *spec object* is a quantkit class whose instances are plain data in disguise: it has ``to_spec()``
(plain wire data) and a module-level ``*_from_spec(spec)`` that validates the spec and builds a new
instance (never calling anything the spec names). Only the classes registered in :data:`SPEC_TYPES`
cross the wire; a notebook that needs another registers it there, with tests of hostile specs.

Arrays and numpy scalars are stored little-endian whatever their byte order in memory, and
:func:`dumps` sorts keys and uses fixed separators, so the same value always gives the same bytes.

Nothing here is student-facing; ``quantkit.checks`` and the grader (``autograder``) use it.
"""

from __future__ import annotations

import base64
import binascii
import json
import math
import re
import sys
from typing import Any

import numpy as np

__all__ = [
    "DEFAULT_MAX_BYTES",
    "MAX_DEPTH",
    "WireError",
    "decode",
    "dumps",
    "encode",
    "loads",
]

#: Containers (lists, tuples, dicts) may nest this deep, no deeper.
MAX_DEPTH = 8
#: Default cap on the size of a JSON text (:func:`loads`) or of the array data in a value.
DEFAULT_MAX_BYTES = 64 * 1024 * 1024
#: Arrays may have at most this many dimensions (numpy's own limit is 64).
MAX_NDIM = 32

_TAGS = ("__float__", "__ndarray__", "__scalar__", "__tuple__", "__dict__", "__object__")

#: The spec objects that may cross the wire: type name -> (module, class, from_spec function). The
#: module is imported only to decode (or to recognise an instance of an already imported class).
SPEC_TYPES: dict[str, tuple[str, str, str]] = {
    "signal": ("quantkit.signals", "Signal", "signal_from_spec"),
}
_DTYPE_RE = re.compile(r"^[<|][biuf][1248]$")
_NONFINITE = {"nan": math.nan, "inf": math.inf, "-inf": -math.inf}


class WireError(ValueError):
    """A value cannot be encoded, or a JSON text is not valid wire data; the message says why."""


# ----------------------------------------------------------------------------------------------- encode


def _dtype_tag(dtype: np.dtype) -> str:
    """The little-endian dtype string (``"<f8"``, ``"|b1"``) of an allowed dtype, else WireError."""
    if dtype.fields is not None or dtype.kind not in "biuf" or dtype.itemsize not in (1, 2, 4, 8):
        if dtype.kind == "O":
            what = "an object array (holding Python objects)"
        elif dtype.fields is not None:
            what = "a structured array"
        elif dtype.kind == "c":
            what = "a complex array"
        else:
            what = f"an array of dtype {dtype}"
        raise WireError(f"{what} cannot be sent: only bool, integer and float arrays can")
    return dtype.newbyteorder("<").str if dtype.itemsize > 1 else dtype.str


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def encode(value: Any, *, max_depth: int = MAX_DEPTH) -> Any:
    """Turn ``value`` into JSON-ready data (see the table in the module docstring).

    Parameters
    ----------
    value : object
        Plain data: ``None``, bool, int, float, str, numpy arrays and scalars of a bool, integer or
        float dtype, tuples, lists and str-keyed dicts of those, and ``quantkit.signals.Signal``.
    max_depth : int, default 8
        How deep lists, tuples and dicts may nest.

    Returns
    -------
    object
        Data made of ``None``, bool, int, finite float, str, list and str-keyed dict only.

    Raises
    ------
    WireError
        If ``value`` (or something inside it) is of a type the wire format does not carry: an object,
        complex or structured array, an ndarray subclass (``np.matrix``, masked arrays), bytes, sets,
        arbitrary objects, dicts with non-str keys, or nesting deeper than ``max_depth``.
    """
    return _encode(value, 0, max_depth)


def _encode(value: Any, depth: int, max_depth: int) -> Any:
    if value is None or type(value) is bool or type(value) is str:
        return value
    if isinstance(value, np.generic):
        return _encode_scalar(value)
    if type(value) is int:
        return value
    if type(value) is float:
        if math.isfinite(value):
            return value
        return {"__float__": "nan" if math.isnan(value) else ("inf" if value > 0 else "-inf")}
    if isinstance(value, np.ndarray):
        if type(value) is not np.ndarray:
            raise WireError(
                f"a {type(value).__name__} (a subclass of numpy.ndarray) cannot be sent: "
                "return a plain array, e.g. with np.asarray(...)"
            )
        tag = _dtype_tag(value.dtype)
        if value.ndim > MAX_NDIM:
            raise WireError(f"an array with {value.ndim} dimensions cannot be sent (at most {MAX_NDIM})")
        data = np.ascontiguousarray(value, dtype=np.dtype(tag)).tobytes()
        return {"__ndarray__": {"dtype": tag, "shape": [int(n) for n in value.shape], "data": _b64(data)}}
    if isinstance(value, (tuple, list, dict)):
        if depth >= max_depth:
            raise WireError(f"the value nests lists, tuples or dicts deeper than {max_depth} levels")
        if type(value) is dict:
            bad = [k for k in value if type(k) is not str]
            if bad:
                raise WireError(f"a dict with a {type(bad[0]).__name__} key cannot be sent: keys must be str")
            return {"__dict__": {k: _encode(v, depth + 1, max_depth) for k, v in value.items()}}
        if type(value) is list:
            return [_encode(v, depth + 1, max_depth) for v in value]
        if type(value) is tuple:
            return {"__tuple__": [_encode(v, depth + 1, max_depth) for v in value]}
    kind = _spec_type(value)
    if kind is not None:
        return {"__object__": {"type": kind, "spec": _encode(value.to_spec(), depth + 1, max_depth)}}
    raise WireError(f"a {_type_name(value)} cannot be sent: return numbers, strings or numpy arrays")


def _encode_scalar(value: np.generic) -> dict[str, Any]:
    tag = _dtype_tag(value.dtype)
    data = np.asarray(value).astype(np.dtype(tag)).tobytes()
    return {"__scalar__": {"dtype": tag, "data": _b64(data)}}


def _type_name(value: Any) -> str:
    cls = type(value)
    module = getattr(cls, "__module__", "") or ""
    name = getattr(cls, "__qualname__", cls.__name__)
    return name if module in ("builtins", "") else f"{module}.{name}"


def _spec_type(value: Any) -> str | None:
    """The registered type name of a spec object (exactly its class, not a subclass), or None.

    Only modules already imported are looked at: an instance of a class cannot exist otherwise.
    """
    for kind, (module_name, class_name, _from_spec) in SPEC_TYPES.items():
        module = sys.modules.get(module_name)
        cls = getattr(module, class_name, None) if module is not None else None
        if cls is not None and type(value) is cls:
            return kind
    return None


def dumps(value: Any, *, indent: int | None = None, max_depth: int = MAX_DEPTH) -> str:
    """Encode ``value`` and write it as canonical JSON text.

    Parameters
    ----------
    value : object
        See :func:`encode`.
    indent : int or None, default None
        None gives one compact line (separators ``","`` and ``":"``); an int pretty-prints (as the
        reference files do, for readable diffs). Keys are always sorted.
    max_depth : int, default 8
        See :func:`encode`.

    Returns
    -------
    str
        The same value always gives the same text.
    """
    separators = (",", ":") if indent is None else (",", ": ")
    return json.dumps(
        encode(value, max_depth=max_depth),
        sort_keys=True,
        separators=separators,
        indent=indent,
        allow_nan=False,
        ensure_ascii=True,
    )


# ----------------------------------------------------------------------------------------------- decode


def _refuse_constant(name: str) -> Any:
    raise WireError(f"the JSON constant {name} is not wire data (non-finite floats are tagged)")


def loads(text: str | bytes, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Parse a JSON text written by :func:`dumps` and decode it.

    Parameters
    ----------
    text : str or bytes
        The JSON text (UTF-8 if bytes).
    max_bytes : int, default 64 MiB
        Longest text accepted, and most array bytes the decoded value may hold.
    max_depth : int, default 8
        See :func:`decode`.

    Returns
    -------
    object
        The decoded value.

    Raises
    ------
    WireError
        If the text is too long, not JSON, or not valid wire data.
    """
    if not isinstance(text, (str, bytes, bytearray)):
        raise WireError(f"wire data must be a JSON text (str or bytes), got {type(text).__name__}")
    size = len(text) if isinstance(text, (bytes, bytearray)) else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise WireError(f"the data is {size} bytes long, more than the limit of {max_bytes} bytes")
    try:
        raw = json.loads(text, parse_constant=_refuse_constant)
    except WireError:
        raise
    except RecursionError as exc:
        raise WireError("the JSON text nests too deeply") from exc
    except ValueError as exc:  # JSONDecodeError, UnicodeDecodeError, over-long integers
        raise WireError(f"not valid JSON: {exc}") from exc
    return decode(raw, max_bytes=max_bytes, max_depth=max_depth)


def decode(data: Any, *, max_bytes: int = DEFAULT_MAX_BYTES, max_depth: int = MAX_DEPTH) -> Any:
    """Turn JSON data (as :func:`json.loads` gives it) back into the value it encodes.

    Parameters
    ----------
    data : object
        Parsed JSON.
    max_bytes : int, default 64 MiB
        Most bytes of array data the value may hold in total.
    max_depth : int, default 8
        How deep lists, tuples and dicts may nest.

    Returns
    -------
    object
        Arrays come back writable, C-contiguous and in native byte order.

    Raises
    ------
    WireError
        If ``data`` holds anything else than wire data: object or structured dtypes, unknown tags,
        malformed arrays, non-finite floats, nesting deeper than ``max_depth``, more than
        ``max_bytes`` of array data.
    """
    budget = [max_bytes]
    return _decode(data, 0, max_depth, budget)


def _decode(data: Any, depth: int, max_depth: int, budget: list[int]) -> Any:
    if data is None or type(data) in (bool, int, str):
        return data
    if type(data) is float:
        if not math.isfinite(data):
            raise WireError("a non-finite float must be tagged with __float__")
        return data
    if type(data) is list:
        _check_depth(depth, max_depth)
        return [_decode(v, depth + 1, max_depth, budget) for v in data]
    if type(data) is not dict:
        raise WireError(f"a {type(data).__name__} is not wire data")
    if len(data) != 1:
        raise WireError(f"a JSON object must have exactly one tag key {list(_TAGS)}; got keys {_keys(data)}")
    ((tag, body),) = data.items()
    if tag == "__float__":
        if body not in _NONFINITE:
            raise WireError(f'__float__ must be "nan", "inf" or "-inf", got {_short(body)}')
        return _NONFINITE[body]
    if tag == "__ndarray__":
        return _decode_array(body, budget)
    if tag == "__scalar__":
        if not (type(body) is dict and set(body) == {"dtype", "data"}):
            raise WireError('__scalar__ must be {"dtype": ..., "data": ...}')
        dtype = _decode_dtype(body["dtype"])
        raw = _unb64(body["data"])
        if len(raw) != dtype.itemsize:
            raise WireError(f"a {dtype} scalar needs {dtype.itemsize} bytes of data, got {len(raw)}")
        return np.frombuffer(raw, dtype=dtype)[0].astype(dtype.newbyteorder("="))
    if tag == "__tuple__":
        if type(body) is not list:
            raise WireError("__tuple__ must hold a list")
        _check_depth(depth, max_depth)
        return tuple(_decode(v, depth + 1, max_depth, budget) for v in body)
    if tag == "__dict__":
        if type(body) is not dict:
            raise WireError("__dict__ must hold an object")
        _check_depth(depth, max_depth)
        return {k: _decode(v, depth + 1, max_depth, budget) for k, v in body.items()}
    if tag == "__object__":
        if type(body) is not dict or set(body) != {"type", "spec"} or type(body["type"]) is not str:
            raise WireError('__object__ must hold {"type": name, "spec": data}')
        if body["type"] not in SPEC_TYPES:
            raise WireError(f"unknown object type {_short(body['type'])}; known: {sorted(SPEC_TYPES)}")
        _check_depth(depth, max_depth)
        spec = _decode(body["spec"], depth + 1, max_depth, budget)
        module_name, _class_name, from_spec_name = SPEC_TYPES[body["type"]]
        import importlib

        from_spec = getattr(importlib.import_module(module_name), from_spec_name)
        try:
            return from_spec(spec)
        except (TypeError, ValueError, KeyError) as exc:
            raise WireError(f"not a valid {body['type']} spec: {exc}") from exc
    raise WireError(f"unknown tag {_short(tag)}; known tags: {list(_TAGS)}")


def _check_depth(depth: int, max_depth: int) -> None:
    if depth >= max_depth:
        raise WireError(f"the data nests lists, tuples or dicts deeper than {max_depth} levels")


def _decode_dtype(tag: Any) -> np.dtype:
    if type(tag) is not str or not _DTYPE_RE.match(tag):
        raise WireError(
            f"dtype {_short(tag)} refused: only little-endian bool, integer and float dtypes "
            "of 1, 2, 4 or 8 bytes are wire data"
        )
    dtype = np.dtype(tag)
    if (dtype.itemsize == 1) != (tag[0] == "|"):
        raise WireError(f"dtype {tag} refused: write 1-byte dtypes with '|' and wider ones with '<'")
    if dtype.kind == "b" and dtype.itemsize != 1:
        raise WireError(f"dtype {tag} refused: bool has 1 byte")
    if dtype.kind == "f" and dtype.itemsize == 1:
        raise WireError(f"dtype {tag} refused: there is no 1-byte float")
    return dtype


def _decode_array(body: Any, budget: list[int]) -> np.ndarray:
    if not (type(body) is dict and set(body) == {"dtype", "shape", "data"}):
        raise WireError('__ndarray__ must be {"dtype": ..., "shape": [...], "data": ...}')
    dtype = _decode_dtype(body["dtype"])
    shape = body["shape"]
    if type(shape) is not list or len(shape) > MAX_NDIM or not all(type(n) is int and n >= 0 for n in shape):
        raise WireError(f"array shape must be a list of at most {MAX_NDIM} non-negative ints")
    count = math.prod(shape)
    nbytes = count * dtype.itemsize
    if nbytes > budget[0]:
        raise WireError(f"the arrays hold more than the limit of {budget[0]} bytes of data")
    raw = _unb64(body["data"])
    if len(raw) != nbytes:
        raise WireError(
            f"an array of shape {tuple(shape)} and dtype {dtype} needs {nbytes} bytes, got {len(raw)}"
        )
    budget[0] -= nbytes
    try:
        return np.frombuffer(raw, dtype=dtype).astype(dtype.newbyteorder("="), copy=True).reshape(shape)
    except ValueError as exc:  # an empty array whose shape numpy cannot make, e.g. [0, 2**64]
        raise WireError(f"array shape {_short(shape)} refused: {exc}") from None


def _unb64(text: Any) -> bytes:
    if type(text) is not str:
        raise WireError("array data must be a base64 string")
    try:
        return base64.b64decode(text.encode("ascii"), validate=True)
    except (UnicodeEncodeError, binascii.Error) as exc:
        raise WireError("array data is not valid base64") from exc


def _keys(data: dict[str, Any]) -> list[str]:
    return [_short(k) for k in list(data)[:5]]


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."
