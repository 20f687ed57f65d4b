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


def _spec(kind: str, **params: object) -> dict:
    return {"kind": kind, "params": params}


G = {"mean": 0.0, "std": 1.0}
TAB = {"x": [0.0, 1.0, 2.0], "values": [0.0, 1.0, 0.0]}
MIX = {"weights": [1.0], "means": [0.0], "stds": [1.0]}


@pytest.mark.parametrize(
    ("spec", "error", "words"),
    [
        # not a spec at all, or the wrong keys
        ([("kind", "gaussian")], ValueError, "must be a dict"),
        ({"kind": "gaussian"}, ValueError, "exactly the keys"),
        ({"kind": "gaussian", "params": G, "extra": 1}, ValueError, "exactly the keys"),
        ({"kind": ["gaussian"], "params": G}, ValueError, "unknown density kind list"),
        (_spec("cauchy"), ValueError, "unknown density kind 'cauchy'"),
        ({"kind": "gaussian", "params": [0.0, 1.0]}, ValueError, "dict with string keys"),
        ({"kind": "gaussian", "params": {0: 0.0, "std": 1.0}}, ValueError, "dict with string keys"),
        (_spec("gaussian", mean=0.0), ValueError, r"missing \['std'\]"),
        (_spec("gaussian", **G, skew=1.0), ValueError, r"unknown \['skew'\]"),
        (_spec("tabulated", **TAB, normalize=True), ValueError, r"unknown \['normalize'\]"),
        # wrong types
        (_spec("gaussian", mean="0", std=1.0), TypeError, "real number"),
        (_spec("gaussian", mean=None, std=1.0), TypeError, "real number"),
        (_spec("gaussian", mean=True, std=1.0), TypeError, "real number"),
        (_spec("gaussian", mean=[0.0], std=1.0), TypeError, "real number"),
        (_spec("gaussian", mean={"a": 1}, std=1.0), TypeError, "real number"),
        (_spec("tabulated", x="0123", values=[1.0] * 4), TypeError, "list of numbers"),
        (_spec("tabulated", x=[0.0, [1.0]], values=[1.0, 1.0]), TypeError, "real number"),
        (_spec("tabulated", x=np.array([[0.0, 1.0]]), values=[1.0, 1.0]), ValueError, "1-D"),
        (_spec("tabulated", x=np.array([True, False]), values=[1.0, 1.0]), TypeError, "real numbers"),
        (_spec("gaussian_mixture", weights=1.0, means=[0.0], stds=[1.0]), TypeError, "list of numbers"),
        # NaN, infinities, out of range, too large
        (_spec("gaussian", mean=math.nan, std=1.0), ValueError, "finite"),
        (_spec("laplacian", mean=0.0, std=math.inf), ValueError, "finite"),
        (_spec("gaussian", mean=1e51, std=1.0), ValueError, "magnitude"),
        (_spec("gaussian", mean=10**400, std=1.0), ValueError, "magnitude"),
        (_spec("gaussian", mean=0.0, std=0.0), ValueError, "positive"),
        (_spec("gaussian", mean=0.0, std=-1.0), ValueError, "positive"),
        (_spec("gaussian", mean=0.0, std=5e-324), ValueError, "positive"),
        (_spec("uniform", low=1.0, high=1.0), ValueError, "greater than low"),
        (_spec("uniform", low=0.0, high=5e-324), ValueError, "greater than low"),
        (_spec("tabulated", x=[0.0, 1.0], values=[1.0, math.nan]), ValueError, "finite"),
        (_spec("tabulated", x=[0.0, 1.0], values=[1.0, -1.0]), ValueError, "zero or positive"),
        (_spec("tabulated", x=[0.0, 1.0], values=[0.0, 0.0]), ValueError, "not all be zero"),
        (_spec("tabulated", x=[1.0, 0.0], values=[1.0, 1.0]), ValueError, "strictly increasing"),
        (_spec("tabulated", x=[0.0, 0.0], values=[1.0, 1.0]), ValueError, "strictly increasing"),
        (_spec("tabulated", x=[0.0], values=[1.0]), ValueError, "strictly increasing"),
        (_spec("tabulated", x=[0.0, 1.0, 2.0], values=[1.0, 1.0]), ValueError, "same length"),
        (_spec("tabulated", x=[0.0, 1e-300], values=[1e-300, 1e-300]), ValueError, "positive integral"),
        (_spec("gaussian_mixture", weights=[-1.0, 2.0], means=[0.0, 1.0], stds=[1.0, 1.0]), ValueError,
         "zero or positive"),
        (_spec("gaussian_mixture", weights=[0.0], means=[0.0], stds=[1.0]), ValueError, "positive"),
        (_spec("gaussian_mixture", weights=[], means=[], stds=[]), ValueError, "empty"),
        # huge sizes are refused by count, before any element is looked at
        (_spec("tabulated", x=list(range(densities.MAX_NODES + 1)), values=[1.0] * (densities.MAX_NODES + 1)),
         ValueError, "at most 100000"),
        (_spec("tabulated", x=np.arange(densities.MAX_NODES + 1.0), values=[1.0]), ValueError,
         "at most 100000"),
        (_spec("gaussian_mixture", weights=[1.0] * 65, means=[0.0] * 65, stds=[1.0] * 65), ValueError,
         "at most 64"),
    ],
)
def test_hostile_specs_are_refused(spec, error, words):
    """density_from_spec refuses every malformed spec with a message saying what is wrong."""
    with pytest.raises(error, match=words):
        density_from_spec(spec)


def test_limits_hold_at_their_edges():
    """The largest allowed numbers and sizes still give finite, non-negative densities and moments."""
    big = densities.MAX_MAGNITUDE
    for p in (
        gaussian(big, 1.0 / big),
        uniform(-big, big),
        gaussian_mixture([big] * 64, np.linspace(-big, big, 64), [big] * 64),
        tabulated(np.linspace(-big, big, 5), [big, 0.0, big, 0.0, big]),
        tabulated(np.arange(densities.MAX_NODES, dtype=float), np.ones(densities.MAX_NODES)),
    ):
        values = p(np.array([-big, -1.0, 0.0, 1.0, big]))
        assert np.all(np.isfinite(values)) and np.all(values >= 0)
        assert all(math.isfinite(v) for v in (p.total, p.mean, p.std)) and p.total > 0
        assert density_from_spec(p.to_spec()) == p


def test_bad_specs_are_wire_errors():
    """Through the wire, a refused spec is a WireError naming the density type."""

    def wire(spec: dict) -> str:
        return '{"__object__": {"type": "density", "spec": ' + dumps(spec) + "}}"

    assert type(loads(wire(_spec("gaussian", **G)))) is Density
    refused = (_spec("gaussian", mean=0.0), _spec("cauchy"), _spec("tabulated", x=[0.0, 1.0], values=[1, -1]))
    for spec in refused:
        with pytest.raises(WireError, match="not a valid density spec"):
            loads(wire(spec))
    with pytest.raises(WireError, match="unknown tag"):
        loads('{"__density__": {"kind": "gaussian", "params": {"mean": 0.0, "std": 1.0}}}')


def test_call_refuses_non_numbers():
    with pytest.raises(TypeError, match="real numbers"):
        gaussian()(np.array(["a"]))


def test_module_lists_its_names():
    assert set(densities.__all__) <= set(dir(densities))


def test_docstring_examples_run():
    import doctest

    failures, tried = doctest.testmod(densities, verbose=False)
    assert tried >= 6 and failures == 0
