"""Tests of quantkit._compare.describe_mismatch: type, then shape, then dtype kind, then values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from quantkit._compare import describe_mismatch

INT_DTYPES = ["int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64"]
FLOAT_DTYPES = ["float16", "float32", "float64"]
SHAPES = [(8,), (2, 4), (2, 2, 2)]


@pytest.mark.parametrize("dtype", INT_DTYPES + FLOAT_DTYPES + ["bool"])
@pytest.mark.parametrize("shape", SHAPES)
def test_identical_arrays_match(dtype: str, shape: tuple[int, ...]) -> None:
    x = (np.arange(8) % 2).astype(dtype).reshape(shape)
    assert describe_mismatch(x.copy(), x) is None


@pytest.mark.parametrize(("a", "b"), [("int8", "int64"), ("uint8", "int64"), ("float32", "float64")])
def test_same_kind_different_width_matches(a: str, b: str) -> None:
    assert describe_mismatch(np.arange(4, dtype=a), np.arange(4, dtype=b)) is None


def test_the_style_guide_example() -> None:
    # The sentence quoted in /work/shared/style.md and docs/architecture.md.
    msg = describe_mismatch(np.zeros((8, 1)), np.zeros(8, dtype=np.int64))
    assert (
        msg == "expected an int array of shape (8,), got float64 of shape (8, 1): did you forget `.ravel()`?"
    )


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_index_function_returning_floats_is_wrong(dtype: str) -> None:
    assert describe_mismatch(np.arange(8).astype(dtype), np.arange(8)) == (
        f"expected an int array of shape (8,), got {dtype} of shape (8,)"
    )


def test_bool_is_its_own_kind() -> None:
    assert describe_mismatch(np.array([0, 1]), np.array([False, True])) == (
        "expected a bool array of shape (2,), got int64 of shape (2,)"
    )


@pytest.mark.parametrize(
    ("got", "expected"),
    [
        (3, np.int64(3)),
        (np.int32(3), 3),
        (np.array(3), 3),
        (3.5, np.float64(3.5)),
        (np.array(3.5, dtype=np.float32), 3.5),
        (True, np.bool_(True)),
        (np.array(True), True),
    ],
)
def test_python_numpy_and_0d_scalars_of_one_kind_are_the_same_type(got: object, expected: object) -> None:
    assert describe_mismatch(got, expected) is None


def test_scalar_kind_mismatch() -> None:
    assert describe_mismatch(3.0, 3) == "expected an int, got a float"
    assert describe_mismatch(np.float64(3.0), 3) == "expected an int, got a float64"


def test_value_count_and_largest_difference() -> None:
    expected = np.arange(8, dtype=float)
    got = expected.copy()
    got[[1, 5, 6]] += [0.125, 0.25, -0.0625]
    assert describe_mismatch(got, expected) == "3 of 8 values differ; largest difference 0.25 at index 5"


def test_multi_dimensional_index() -> None:
    expected = np.zeros((2, 3))
    got = expected.copy()
    got[1, 2] = 2.0
    assert describe_mismatch(got, expected) == "1 of 6 values differ; largest difference 2 at index (1, 2)"


def test_hidden_values_are_not_shown() -> None:
    got, expected = np.array([1.0, 2.0]), np.array([1.0, 3.0])
    assert describe_mismatch(got, expected, show_values=False) == "1 of 2 values differ"
    assert describe_mismatch(8, 1024, show_values=False) == "the value differs from the expected one"
    assert "secret" not in describe_mismatch("x", "secret", show_values=False)


def test_scalar_values() -> None:
    assert describe_mismatch(8, 1024) == "expected 1024, got 8"
    assert describe_mismatch(0.25, 0.5) == "expected 0.5, got 0.25"


@pytest.mark.parametrize("dtype", FLOAT_DTYPES)
def test_nan_matches_only_where_expected_is_nan(dtype: str) -> None:
    expected = np.array([np.nan, 1.0, 2.0], dtype=dtype)
    assert describe_mismatch(expected.copy(), expected) is None
    got = np.array([np.nan, np.nan, 2.0], dtype=dtype)
    assert describe_mismatch(got, expected) == "1 of 3 values differ; at index 1 expected 1, got nan"
    got = np.array([0.0, 1.0, 2.0], dtype=dtype)
    assert describe_mismatch(got, expected) == "1 of 3 values differ; at index 0 expected nan, got 0"


def test_infinities_match_themselves_only() -> None:
    expected = np.array([np.inf, -np.inf])
    assert describe_mismatch(expected.copy(), expected) is None
    assert describe_mismatch(np.array([np.inf, np.inf]), expected) is not None


@pytest.mark.parametrize("got", [1.0, 1e308, -np.inf, np.nan])
def test_a_relative_tolerance_does_not_stretch_to_infinity(got: float) -> None:
    # rtol * |inf| is inf, so `diff <= atol + rtol * |expected|` alone would accept any value
    # (even -inf) where inf is expected; only inf itself may match inf.
    assert describe_mismatch(got, np.inf, rtol=1e-9) is not None
    expected = np.array([np.inf, 2.0])
    assert describe_mismatch(np.array([got, 2.0]), expected, rtol=1e-9, atol=1e-9) is not None
    assert describe_mismatch(expected.copy(), expected, rtol=1e-9) is None


def test_tolerances() -> None:
    expected = np.array([1.0, 100.0])
    got = np.array([1.0 + 1e-9, 100.0 + 1e-6])
    assert describe_mismatch(got, expected) is not None  # exact by default
    assert describe_mismatch(got, expected, rtol=1e-8) is None  # 1e-6 <= 1e-8 * 100
    assert describe_mismatch(got, expected, atol=1e-6) is None
    assert (
        describe_mismatch(got, expected, atol=1e-7)
        == "1 of 2 values differ; largest difference 1e-06 at index 1"
    )
    # Integers always compare exactly, whatever the tolerance.
    assert describe_mismatch(np.array([2]), np.array([1]), atol=5.0) is not None


@pytest.mark.parametrize("bad", [-1.0, math.nan, math.inf, "0"])
def test_bad_tolerance_is_a_value_error(bad: object) -> None:
    with pytest.raises(ValueError, match="rtol must be a finite number"):
        describe_mismatch(1.0, 1.0, rtol=bad)  # type: ignore[arg-type]


def test_tuples_compare_element_wise_and_name_the_element() -> None:
    assert describe_mismatch((np.arange(3), 2.0), (np.arange(3), 2.0)) is None
    assert describe_mismatch((np.arange(3), 2.0), (np.arange(3), 2)) == (
        "the second value of the tuple: expected an int, got a float"
    )
    assert describe_mismatch((1, 2, 3), (1, 2)) == "expected a tuple of 2 values, got 3"
    # A list where a tuple is expected (or the other way round) is the same answer: a pair is a pair.
    assert describe_mismatch([1, 2], (1, 2)) is None
    assert describe_mismatch((1, 2), [1, 2]) is None
    second = "the second value of the tuple: expected an int, got a float"
    assert describe_mismatch([1, 2.5], (1, 2)) == second


def test_type_mismatches_say_what_to_do() -> None:
    assert describe_mismatch(None, 1.0) == "expected a float, got None: did you forget `return`?"
    assert describe_mismatch([1.0, 2.0], np.array([1.0, 2.0])) == (
        "expected a float array of shape (2,), got a list of 2 values: "
        "return a numpy array (`np.asarray(...)`)"
    )
    assert describe_mismatch(np.array([1.0]), 1.0) == (
        "expected a float, got float64 of shape (1,): return a single number (`.item()`)"
    )
    assert describe_mismatch(np.zeros((2, 3)), np.zeros((3, 2))) == (
        "expected a float array of shape (3, 2), got float64 of shape (2, 3): is it transposed?"
    )
    assert (
        describe_mismatch(np.zeros(4), np.zeros(3))
        == "expected a float array of shape (3,), got float64 of shape (4,)"
    )


def test_strings_and_dicts() -> None:
    assert describe_mismatch("midrise", "midrise") is None
    assert describe_mismatch("midtread", "midrise") == "expected the text 'midrise', got 'midtread'"
    assert describe_mismatch({"a": 1}, {"a": 1}) is None
    assert describe_mismatch({"a": 1.0}, {"a": 1}) == "entry 'a': expected an int, got a float"
    assert (
        describe_mismatch({"b": 1}, {"a": 1})
        == "expected a dict with keys ['a'], got one with missing ['a']; unexpected ['b']"
    )


def test_empty_arrays_match() -> None:
    assert describe_mismatch(np.zeros(0), np.zeros(0)) is None
