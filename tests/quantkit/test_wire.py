"""Tests of quantkit._wire: the JSON wire format of docs/architecture.md ("Wire format")."""

from __future__ import annotations

import base64
import json
import math

import numpy as np
import pytest

from quantkit import _wire
from quantkit._wire import WireError, decode, dumps, encode, loads

DTYPES = [
    "bool",
    "int8",
    "uint8",
    "int16",
    "uint16",
    "int32",
    "uint32",
    "int64",
    "uint64",
    "float16",
    "float32",
    "float64",
]
SHAPES = [(), (0,), (5,), (2, 3), (2, 1, 4)]


def _sample(dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    rng = np.random.default_rng(1234)
    if dtype == "bool":
        return rng.integers(0, 2, size=shape).astype(bool)
    if dtype.startswith(("int", "uint")):
        info = np.iinfo(dtype)
        return rng.integers(info.min, info.max, size=shape, dtype=dtype, endpoint=True)
    return rng.standard_normal(size=shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_array_round_trip_keeps_dtype_shape_and_bits(dtype: str, shape: tuple[int, ...]) -> None:
    arr = _sample(dtype, shape)
    back = loads(dumps(arr))
    assert type(back) is np.ndarray
    assert back.dtype == arr.dtype and back.shape == arr.shape
    assert back.tobytes() == arr.tobytes()
    assert back.flags.writeable and back.flags.c_contiguous


@pytest.mark.parametrize("dtype", DTYPES)
def test_numpy_scalar_round_trip(dtype: str) -> None:
    scalar = _sample(dtype, (1,))[0]
    back = loads(dumps(scalar))
    assert isinstance(back, np.generic) and back.dtype == scalar.dtype
    assert np.asarray(back).tobytes() == np.asarray(scalar).tobytes()


def test_non_contiguous_and_big_endian_arrays_are_stored_little_endian_c_order() -> None:
    arr = np.arange(12, dtype=">i4").reshape(3, 4)[:, ::2]
    data = encode(arr)["__ndarray__"]
    assert data["dtype"] == "<i4" and data["shape"] == [3, 2]
    # C order, little-endian: the values 0, 2, 4, 6, 8, 10 as 4-byte ints.
    assert base64.b64decode(data["data"]) == np.array([0, 2, 4, 6, 8, 10], dtype="<i4").tobytes()
    np.testing.assert_array_equal(loads(dumps(arr)), arr)


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -7,
        2**70,
        0.5,
        -0.0,
        1e-300,
        "text é",
        [1, "a", None],
        (1, 2.5),
        {"a": 1, "b": [2]},
    ],
)
def test_plain_values_round_trip(value: object) -> None:
    back = loads(dumps(value))
    assert back == value and type(back) is type(value)


def test_negative_zero_keeps_its_sign() -> None:
    # IEEE 754: -0.0 == 0.0, but copysign tells them apart; repr round-trips it.
    assert math.copysign(1.0, loads(dumps(-0.0))) == -1.0


@pytest.mark.parametrize(("value", "tag"), [(math.nan, "nan"), (math.inf, "inf"), (-math.inf, "-inf")])
def test_non_finite_floats_are_tagged(value: float, tag: str) -> None:
    assert encode(value) == {"__float__": tag}
    back = loads(dumps(value))
    assert (math.isnan(back) and math.isnan(value)) or back == value


def test_nested_tuples_stay_tuples_and_lists_stay_lists() -> None:
    value = {"x": ([1, (2, 3)], np.array([1.5]))}
    back = loads(dumps(value))
    assert (
        isinstance(back["x"], tuple) and isinstance(back["x"][0], list) and isinstance(back["x"][0][1], tuple)
    )
    np.testing.assert_array_equal(back["x"][1], [1.5])


def test_dumps_is_canonical() -> None:
    a = {"b": 1, "a": np.arange(3)}
    b = {"a": np.arange(3), "b": 1}
    assert dumps(a) == dumps(b)
    assert (
        dumps(a) == '{"__dict__":{"a":{"__ndarray__":{"data":"AAAAAAAAAAABAAAAAAAAAAIAAAAAAAAA",'
        '"dtype":"<i8","shape":[3]}},"b":1}}'
    )
    assert dumps(a, indent=1) == json.dumps(json.loads(dumps(a)), sort_keys=True, indent=1)


def test_signal_round_trip() -> None:
    from quantkit import signals

    s = signals.sine(5.0, amplitude=0.5)
    assert encode(s) == {"__object__": {"type": "signal", "spec": encode(s.to_spec())}}
    assert loads(dumps(s)) == s
    assert loads(dumps(signals.sum_of_sines([1.0, 3.0], [1.0, 0.5]))) == signals.sum_of_sines(
        [1.0, 3.0], [1.0, 0.5]
    )


def test_only_registered_spec_objects_cross_the_wire() -> None:
    """A subclass of a registered class, or an unregistered object with to_spec, is refused."""
    from quantkit import signals

    class Sneaky(signals.Signal):
        pass

    class HasSpec:
        def to_spec(self) -> dict:
            return {}

    base = signals.sine(1.0)
    sneaky = Sneaky.__new__(Sneaky)
    sneaky.__dict__.update(base.__dict__)
    for value in (sneaky, HasSpec()):
        with pytest.raises(WireError, match="cannot be sent"):
            encode(value)


class _MyArray(np.ndarray):
    pass


@pytest.mark.parametrize(
    ("value", "words"),
    [
        (np.array([1, "a"], dtype=object), "object array"),
        (np.zeros(2, dtype=complex), "complex array"),
        (np.zeros(2, dtype=[("a", "i4")]), "structured array"),
        (np.zeros(2, dtype="U3"), "dtype <U3"),
        (np.zeros(3).view(_MyArray), "subclass of numpy.ndarray"),
        (np.ma.masked_array([1.0, 2.0]), "subclass of numpy.ndarray"),
        (np.complex128(1j), "complex"),
        (b"bytes", "bytes cannot be sent"),
        ({1, 2}, "set cannot be sent"),
        ({1: "a"}, "int key"),
        (object(), "object cannot be sent"),
        (1 + 2j, "complex cannot be sent"),
    ],
)
def test_encode_refuses_what_the_wire_does_not_carry(value: object, words: str) -> None:
    with pytest.raises(WireError, match=words):
        encode(value)


def test_depth_limit_on_encode_and_decode() -> None:
    deep: list = []
    for _ in range(_wire.MAX_DEPTH):
        deep = [deep]
    with pytest.raises(WireError, match="deeper than 8"):
        encode(deep)
    encode(deep[0])  # eight levels are fine
    with pytest.raises(WireError, match="deeper than 8"):
        loads("[" * 9 + "]" * 9)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"__pickle__": "x"}', "unknown tag"),
        ('{"a": 1}', "unknown tag"),
        ('{"__float__": 1, "__tuple__": []}', "exactly one tag key"),
        ('{"__float__": "NaN"}', "__float__ must be"),
        ("NaN", "JSON constant NaN"),
        ("[Infinity]", "JSON constant Infinity"),
        ('{"__ndarray__": {"dtype": "|O", "shape": [1], "data": ""}}', "dtype '|O' refused"),
        ('{"__ndarray__": {"dtype": ">f8", "shape": [1], "data": "AAAAAAAAAAA="}}', "refused"),
        ('{"__ndarray__": {"dtype": "<c16", "shape": [1], "data": ""}}', "refused"),
        ('{"__ndarray__": {"dtype": "<f16", "shape": [1], "data": ""}}', "refused"),
        ('{"__ndarray__": {"dtype": "<f8", "shape": [2], "data": "AAAAAAAAAAA="}}', "needs 16 bytes, got 8"),
        ('{"__ndarray__": {"dtype": "<f8", "shape": [-1], "data": ""}}', "non-negative"),
        ('{"__ndarray__": {"dtype": "<f8", "shape": [1], "data": "!!"}}', "not valid base64"),
        ('{"__ndarray__": {"dtype": "<f8", "shape": [1]}}', "must be"),
        ('{"__scalar__": {"dtype": "<i8", "data": "AAAA"}}', "needs 8 bytes"),
        ('{"__tuple__": 3}', "must hold a list"),
        (
            '{"__object__": {"type": "signal", "spec": '
            '{"__dict__": {"kind": "nope", "params": {"__dict__": {}}}}}}',
            "not a valid signal spec",
        ),
        ('{"__object__": {"type": "os.system", "spec": 1}}', "unknown object type"),
        ('{"__object__": {"type": "signal"}}', "must hold"),
        ('{"__object__": ["signal", 1]}', "must hold"),
        ('{"__signal__": {"kind": "sine", "params": {"freq": 1}}}', "unknown tag"),
        ("not json", "not valid JSON"),
    ],
)
def test_decode_refuses_malformed_data(text: str, words: str) -> None:
    with pytest.raises(WireError, match=words):
        loads(text)


def test_max_bytes_limits_text_and_array_data() -> None:
    text = dumps(np.zeros(1000))  # 8000 bytes of data, about 10.7 kB of base64 text
    with pytest.raises(WireError, match="more than the limit"):
        loads(text, max_bytes=1000)
    with pytest.raises(WireError, match="more than the limit of 4000 bytes"):
        decode(json.loads(text), max_bytes=4000)
    assert loads(text, max_bytes=len(text)).shape == (1000,)


def test_huge_declared_shape_is_refused_before_decoding() -> None:
    text = '{"__ndarray__": {"dtype": "<f8", "shape": [100000, 100000], "data": ""}}'
    with pytest.raises(WireError, match="more than the limit"):
        loads(text)


def test_wire_error_is_a_value_error() -> None:
    assert issubclass(WireError, ValueError)


@pytest.mark.parametrize("shape", [[0, 2**64], [0, 2**62, 2**62]])
def test_empty_array_with_impossible_shape_is_a_wire_error(shape: list[int]) -> None:
    # No data, so the byte limit passes; numpy itself cannot make such a shape. Callers (the kernel
    # proxy, the in-process student) catch WireError only, so numpy's own ValueError must not leak.
    text = json.dumps({"__ndarray__": {"dtype": "<f8", "shape": shape, "data": ""}})
    with pytest.raises(WireError, match="shape"):
        loads(text)
