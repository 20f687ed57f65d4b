"""Tests of autograder.inputs: case inputs that do not depend on NumPy's Generator streams."""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from autograder import inputs, spec
from autograder.inputs import stable_rng


def test_the_same_seed_gives_the_same_draws_and_another_seed_others() -> None:
    a, b, c = stable_rng(5), stable_rng(5), stable_rng(6)
    assert np.array_equal(a.normal(0, 1, 10), b.normal(0, 1, 10))
    assert not np.array_equal(stable_rng(5).uniform(size=10), c.uniform(size=10))


def test_draws_come_from_pcg64s_raw_words() -> None:
    """The uniforms are the top 53 bits of PCG64(seed).random_raw(): stable by NumPy's policy (NEP 19)."""
    raw = np.random.PCG64(11).random_raw(4)
    want = (raw >> np.uint64(11)).astype(np.float64) * 2.0**-53
    assert np.array_equal(stable_rng(11).uniform(0.0, 1.0, 4), want)


@pytest.mark.parametrize("size", [1, 7, (2, 3)])
def test_shapes(size: int | tuple[int, ...]) -> None:
    rng = stable_rng(1)
    shape = (size,) if isinstance(size, int) else size
    for draw in (
        rng.uniform(size=size),
        rng.normal(size=size),
        rng.laplace(size=size),
        rng.integers(0, 5, size),
    ):
        assert draw.shape == shape


def test_distributions_have_their_moments() -> None:
    """Mean and spread within 5 standard errors of 200 000 draws (the closed forms of each law)."""
    n = 200_000
    rng = stable_rng(2026)
    u = rng.uniform(-1.0, 3.0, n)
    assert u.min() >= -1.0 and u.max() < 3.0 and abs(u.mean() - 1.0) < 5 * (4 / np.sqrt(12)) / np.sqrt(n)
    z = rng.normal(2.0, 0.5, n)
    assert abs(z.mean() - 2.0) < 5 * 0.5 / np.sqrt(n) and abs(z.std() - 0.5) < 0.01
    lap = rng.laplace(0.0, 2.0, n)  # variance 2 b**2 = 8
    assert abs(lap.mean()) < 5 * np.sqrt(8 / n) and abs(lap.var() - 8.0) < 0.2
    k = rng.integers(3, 7, n)
    assert k.dtype == np.int64 and set(np.unique(k)) == {3, 4, 5, 6}


@pytest.mark.parametrize("module", [inputs, spec])
def test_doctests(module: object) -> None:
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)  # type: ignore[arg-type]
    assert result.failed == 0 and result.attempted > 0
