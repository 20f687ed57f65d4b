"""Tests for quantkit.densities: values, moments, validation and the wire round trip.

Reference values are closed forms: the Gaussian density 1/sqrt(2 pi) at 0; the Laplacian of
variance s**2 has scale b = s / sqrt(2), so p(0) = 1 / (sqrt(2) s) and p(x) / p(0) = exp(-sqrt(2) |x| / s);
a mixture's variance is sum w (s**2 + m**2) / sum w - mean**2; the moments of a piecewise-linear
density are exact polynomial integrals (checked here against a fine trapezoidal sum).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from quantkit import densities
from quantkit._wire import WireError, dumps, loads
from quantkit.densities import (
    Density,
    density_from_spec,
    from_samples,
    gaussian,
    gaussian_mixture,
    laplacian,
    tabulated,
    uniform,
)

ALL = [
    gaussian(),
    gaussian(0.5, 2.0),
    laplacian(),
    laplacian(-1.0, 0.25),
    uniform(-2.0, 3.0),
    gaussian_mixture([0.3, 0.9], [-1.0, 2.0], [0.5, 1.5]),
    tabulated([-1.0, 0.0, 2.0], [0.0, 1.0, 0.5]),
]


def test_closed_form_values():
    assert gaussian()(0.0) == pytest.approx(1 / math.sqrt(2 * math.pi), rel=1e-15)
    assert laplacian(std=2.0)(0.0) == pytest.approx(1 / (math.sqrt(2) * 2.0), rel=1e-15)
    assert laplacian()(1.5) / laplacian()(0.0) == pytest.approx(math.exp(-math.sqrt(2) * 1.5), rel=1e-14)
    assert uniform(-2.0, 3.0)(np.array([-2.5, -2.0, 0.0, 3.0, 3.5])).tolist() == [0.0, 0.2, 0.2, 0.2, 0.0]
    assert tabulated([0.0, 1.0], [2.0, 4.0])(np.array([-1.0, 0.5, 2.0])).tolist() == [0.0, 3.0, 0.0]


@pytest.mark.parametrize("p", ALL, ids=repr)
def test_moments_agree_with_a_fine_grid(p: Density):
    """total, mean and std agree with a trapezoidal sum on a fine grid covering the density.

    The sum is second-order accurate for smooth densities; at a jump (uniform, the last node of a
    tabulated density) its error is of the order of the grid step times the jump, below 1e-4 here.
    """
    x = np.linspace(p.mean - 14 * p.std - 1, p.mean + 14 * p.std + 1, 400_001)
    v = p(x)
    trap = lambda f: float(np.sum((f[1:] + f[:-1]) / 2 * np.diff(x)))  # noqa: E731
    total = trap(v)
    mean = trap(x * v) / total
    var = trap(x * x * v) / total - mean**2
    assert p.total == pytest.approx(total, rel=1e-4)
    assert p.mean == pytest.approx(mean, abs=1e-4)
    assert p.std == pytest.approx(math.sqrt(var), rel=1e-4)


@pytest.mark.parametrize("p", ALL, ids=repr)
@pytest.mark.parametrize("shape", [(), (5,), (2, 3)])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int64])
def test_call_keeps_shape_and_gives_float64(p: Density, shape, dtype):
    x = np.ones(shape, dtype=dtype) if shape else dtype(1)
    out = p(x)
    assert np.shape(out) == shape and np.asarray(out).dtype == np.float64
    assert np.all(np.asarray(out) >= 0)


@pytest.mark.parametrize("p", ALL, ids=repr)
def test_spec_and_wire_round_trip(p: Density):
    assert density_from_spec(p.to_spec()) == p
    back = loads(dumps({"pdf": p, "support": (-8.0, 8.0)}))
    assert back["pdf"] == p and type(back["pdf"]) is Density


def test_unnormalized_on_purpose():
    assert gaussian_mixture([2.0, 1.0], [0.0, 1.0], [1.0, 1.0]).total == pytest.approx(3.0)
    assert tabulated([-1.0, 0.0, 1.0], [0.0, 2.0, 0.0]).total == pytest.approx(2.0)


def test_from_samples_is_a_normalized_histogram():
    rng = np.random.default_rng(3)
    p = from_samples(rng.laplace(scale=1 / math.sqrt(2), size=200_000), bins=300, range=(-8.0, 8.0))
    assert p.kind == "tabulated"
    assert p.total == pytest.approx(1.0, abs=0.02)
    assert p.std == pytest.approx(1.0, abs=0.02)


@pytest.mark.parametrize(
    ("build", "error"),
    [
        (lambda: gaussian(std=0.0), ValueError),
        (lambda: gaussian(std=-1.0), ValueError),
        (lambda: gaussian(mean="0"), TypeError),
        (lambda: laplacian(std=math.inf), ValueError),
        (lambda: uniform(1.0, 1.0), ValueError),
        (lambda: gaussian_mixture([1.0], [0.0, 1.0], [1.0]), ValueError),
        (lambda: gaussian_mixture([0.0], [0.0], [1.0]), ValueError),
        (lambda: gaussian_mixture([-1.0, 2.0], [0.0, 1.0], [1.0, 1.0]), ValueError),
        (lambda: tabulated([0.0, 0.0], [1.0, 1.0]), ValueError),
        (lambda: tabulated([0.0, 1.0], [0.0, 0.0]), ValueError),
        (lambda: tabulated([0.0, 1.0], [1.0, -1.0]), ValueError),
        (lambda: from_samples([]), ValueError),
        (lambda: from_samples([1.0, 2.0], bins=1), ValueError),
        (lambda: Density("cauchy", ()), ValueError),
        (lambda: Density("gaussian", (("mean", 0), ("std", 1.0))), TypeError),
    ],
)
def test_bad_parameters_are_refused(build, error):
    with pytest.raises(error):
        build()


def test_bad_specs_are_wire_errors():
    with pytest.raises(WireError, match="density spec"):
        loads('{"__density__": {"kind": "gaussian", "params": {"mean": 0.0}}}')
    with pytest.raises(WireError, match="density spec"):
        loads('{"__density__": {"kind": "cauchy", "params": {}}}')


def test_call_refuses_non_numbers():
    with pytest.raises(TypeError, match="real numbers"):
        gaussian()(np.array(["a"]))


def test_module_lists_its_names():
    assert set(densities.__all__) <= set(dir(densities))


def test_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(densities, verbose=False)
    assert tried >= 6 and failures == 0
