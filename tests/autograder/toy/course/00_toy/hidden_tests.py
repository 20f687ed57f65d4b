"""Hidden property tests of the toy notebook (the reference comparisons are the groups of cases.py)."""

from __future__ import annotations

import numpy as np

from autograder.testing import expect_error, question


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
def test_clip01_rejects_nan(student):
    """clip01 raises ValueError on NaN input."""
    expect_error(student, ValueError, "clip01", np.array([0.5, np.nan, 0.25]))
