"""Hidden tests of the toy notebook (run by the grading engine's own tests)."""

from __future__ import annotations

import numpy as np

from autograder.testing import check_case, expect_error, question


@question("q1", points=1.5)
def test_double_matches_reference(student, refs):
    """double agrees with the reference on integers, floats and arrays."""
    for case in refs.cases("q1", call="double"):
        check_case(student, case)


@question("q1", points=0.5)
def test_double_is_additive(student):
    """double(a) + double(b) equals double(a + b) on random integers."""
    rng = np.random.default_rng(20261127)
    a = rng.integers(-1000, 1000, size=16)
    b = rng.integers(-1000, 1000, size=16)
    got = np.asarray(student.call("double", a)) + np.asarray(student.call("double", b))
    want = np.asarray(student.call("double", a + b))
    assert got.shape == want.shape and np.array_equal(got, want), "double(a) + double(b) != double(a + b)"


@question("q2", points=1)
def test_clip01_matches_reference(student, refs):
    """clip01 agrees with the reference inside, outside and at the ends of [0, 1]."""
    for case in refs.cases("q2", call="clip01"):
        if not case.raises:
            check_case(student, case)


@question("q2", points=1)
def test_clip01_rejects_nan(student):
    """clip01 raises ValueError on NaN input."""
    expect_error(student, ValueError, "clip01", np.array([0.5, np.nan, 0.25]))


@question("q3", points=1)
def test_answer_matches_reference(student, refs):
    """answer equals the reference value."""
    for case in refs.cases("q3"):
        check_case(student, case)
