"""Probability densities as data: callables that the grader can send to a student's kernel.

A :class:`Density` is a frozen description of a probability density function, such as the unit
Gaussian: ``p(x)`` evaluates it at the values ``x``. Like :class:`quantkit.signals.Signal`, a density
is *data* (a kind and a few numbers), so it travels through the wire format as a registered spec
object (``{"__object__": {"type": "density", "spec": density.to_spec()}}``, see ``quantkit._wire``)
and a hidden test can call a student's ``lloyd_max(pdf, ...)`` with it. Build densities with
:func:`gaussian`, :func:`laplacian`, :func:`uniform`, :func:`gaussian_mixture`, :func:`tabulated`
or :func:`from_samples`.

Every density is held to the same limits, whether built here or decoded from the wire by
:func:`density_from_spec` (a trust boundary: a spec may come from a student's kernel): every number
is a finite real (not a bool) of magnitude at most :data:`MAX_MAGNITUDE` (1e50); standard deviations
and the width of a uniform density are at least ``1 / MAX_MAGNITUDE``; weights and tabulated values
are non-negative and not all zero; tabulated nodes strictly increase; a mixture has at most
:data:`MAX_COMPONENTS` (64) components and a tabulated density at most :data:`MAX_NODES` (100 000)
nodes; and its integral, mean and variance come out finite with a positive integral. So ``p(x)`` is
finite and non-negative for every finite ``x``.

Designing a quantizer for a density is the student's job; this module only describes densities and
their moments (closed forms, so that the notebook can compare a grid integration with them).

Used in: notebooks/05_optimal_quantization.ipynb
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "MAX_COMPONENTS",
    "MAX_MAGNITUDE",
    "MAX_NODES",
    "Density",
    "density_from_spec",
    "from_samples",
    "gaussian",
    "gaussian_mixture",
    "laplacian",
    "tabulated",
    "uniform",
]

_SQRT2 = math.sqrt(2.0)
_SQRT2PI = math.sqrt(2.0 * math.pi)


# --------------------------------------------------------------------------------------------------
# Parameter checks
# --------------------------------------------------------------------------------------------------


#: Largest magnitude of any number in a density (so that moments and ``x**2 p(x)`` sums stay finite).
MAX_MAGNITUDE = 1e50
#: Most components of a Gaussian mixture.
MAX_COMPONENTS = 64
#: Most nodes of a tabulated density (``from_samples`` bins).
MAX_NODES = 100_000


def _real(value: Any, name: str, *, positive: bool = False, nonnegative: bool = False) -> float:
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__}")
    try:
        out = float(value)
    except OverflowError:  # a Python int too large for a float
        raise ValueError(f"{name} must be at most {MAX_MAGNITUDE:g} in magnitude") from None
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}")
    if abs(out) > MAX_MAGNITUDE:
        raise ValueError(f"{name} must be at most {MAX_MAGNITUDE:g} in magnitude, got {out:g}")
    if positive and out < 1.0 / MAX_MAGNITUDE:
        raise ValueError(f"{name} must be positive (at least {1.0 / MAX_MAGNITUDE:g}), got {out:g}")
    if nonnegative and out < 0:
        raise ValueError(f"{name} must be zero or positive, got {out}")
    return out


def _reals(
    values: Any, name: str, *, limit: int, positive: bool = False, nonnegative: bool = False
) -> tuple[float, ...]:
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got an array of shape {values.shape}")
        if values.dtype.kind not in "iuf":
            raise TypeError(f"{name} must hold real numbers, got an array of dtype {values.dtype}")
        if values.size > limit:
            raise ValueError(f"{name} may hold at most {limit} values, got {values.size}")
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, (list, tuple)):
        raise TypeError(f"{name} must be a list of numbers, got {type(values).__name__}")
    if len(values) == 0:
        raise ValueError(f"{name} must not be empty")
    if len(values) > limit:
        raise ValueError(f"{name} may hold at most {limit} values, got {len(values)}")
    return tuple(
        _real(v, f"{name}[{i}]", positive=positive, nonnegative=nonnegative) for i, v in enumerate(values)
    )


def _finite_moments(density: Density) -> Density:
    """``density`` itself, once its integral, mean and variance are finite and its integral positive."""
    total, mean, var = _moments(density.kind, dict(density.params))
    if not (math.isfinite(total) and total > 0 and math.isfinite(mean) and math.isfinite(var)):
        raise ValueError(
            f"this {density.kind} density has no finite positive integral, mean and variance "
            f"(integral {total:g}, mean {mean:g}, variance {var:g})"
        )
    return density


# --------------------------------------------------------------------------------------------------
# Evaluation and moments, per kind
# --------------------------------------------------------------------------------------------------


def _eval(kind: str, p: Mapping[str, Any], x: np.ndarray) -> np.ndarray:
    if kind == "gaussian":
        z = (x - p["mean"]) / p["std"]
        return np.exp(-0.5 * z * z) / (_SQRT2PI * p["std"])
    if kind == "laplacian":
        scale = p["std"] / _SQRT2
        return np.exp(-np.abs(x - p["mean"]) / scale) / (2.0 * scale)
    if kind == "uniform":
        inside = (x >= p["low"]) & (x <= p["high"])
        return np.where(inside, 1.0 / (p["high"] - p["low"]), 0.0)
    if kind == "gaussian_mixture":
        out = np.zeros_like(x)
        for w, m, s in zip(p["weights"], p["means"], p["stds"], strict=True):
            z = (x - m) / s
            out += w * np.exp(-0.5 * z * z) / (_SQRT2PI * s)
        return out
    # tabulated: piecewise linear through the nodes, zero outside them
    nodes, values = np.asarray(p["x"]), np.asarray(p["values"])
    return np.interp(x, nodes, values, left=0.0, right=0.0)


def _moments(kind: str, p: Mapping[str, Any]) -> tuple[float, float, float]:
    """(integral, mean, variance) of the density, in closed form."""
    if kind in ("gaussian", "laplacian"):
        return 1.0, p["mean"], p["std"] ** 2
    if kind == "uniform":
        return 1.0, (p["low"] + p["high"]) / 2, (p["high"] - p["low"]) ** 2 / 12
    if kind == "gaussian_mixture":
        w, m, s = (np.asarray(p[k]) for k in ("weights", "means", "stds"))
        total = float(w.sum())
        if not total > 0:  # subnormal weights that sum to zero (refused by _finite_moments)
            return total, math.nan, math.nan
        mean = float(np.sum(w * m) / total)
        second = float(np.sum(w * (s * s + m * m)) / total)
        return total, mean, second - mean * mean
    x, v = np.asarray(p["x"]), np.asarray(p["values"])
    x0, x1, v0, v1 = x[:-1], x[1:], v[:-1], v[1:]
    h = x1 - x0
    # Exact integrals of v(x), x v(x) and x**2 v(x) for v linear on each segment.
    total = float(np.sum(h * (v0 + v1) / 2))
    first = float(np.sum(h * (v0 * (2 * x0 + x1) + v1 * (x0 + 2 * x1)) / 6))
    second = float(
        np.sum(
            h * (v0 * (3 * x0 * x0 + 2 * x0 * x1 + x1 * x1) + v1 * (x0 * x0 + 2 * x0 * x1 + 3 * x1 * x1)) / 12
        )
    )
    if not total > 0:  # underflow: no density to speak of (refused by _finite_moments)
        return total, math.nan, math.nan
    mean = first / total
    return total, mean, second / total - mean * mean


# --------------------------------------------------------------------------------------------------
# The Density class
# --------------------------------------------------------------------------------------------------

_REQUIRED = {
    "gaussian": {"mean", "std"},
    "laplacian": {"mean", "std"},
    "uniform": {"low", "high"},
    "gaussian_mixture": {"weights", "means", "stds"},
    "tabulated": {"x", "values"},
}


@dataclass(frozen=True, repr=False)
class Density:
    """A probability density function: call it with values ``x`` to get ``p(x)``.

    Build densities with :func:`gaussian`, :func:`laplacian`, :func:`uniform`,
    :func:`gaussian_mixture`, :func:`tabulated` or :func:`from_samples`, which validate the
    parameters, rather than with this class directly.

    Parameters
    ----------
    kind : str
        ``"gaussian"``, ``"laplacian"``, ``"uniform"``, ``"gaussian_mixture"`` or ``"tabulated"``.
    params : tuple of (str, value) pairs
        The validated parameters (floats or tuples of floats), in the constructor's order.

    Attributes
    ----------
    total : float
        The integral of the density over the real line: 1 for every kind except a mixture whose
        weights do not sum to 1 and a tabulated density whose values were not normalized. A density
        with ``total != 1`` is still a valid input of a quantizer design: divide by its integral.
    mean, std : float
        Mean and standard deviation of the normalized density (closed forms).

    Examples
    --------
    >>> p = laplacian(std=1.0)
    >>> p
    laplacian(mean=0.0, std=1.0)
    >>> round(float(p(0.0)), 6)  # 1 / sqrt(2)
    0.707107
    >>> density_from_spec(p.to_spec()) == p
    True
    """

    kind: str
    params: tuple[tuple[str, Any], ...]

    def __post_init__(self) -> None:
        if self.kind not in _REQUIRED:
            raise ValueError(f"unknown density kind {self.kind!r}; known kinds: {sorted(_REQUIRED)}")
        if {k for k, _ in self.params} != _REQUIRED[self.kind]:
            raise ValueError(
                f"a {self.kind} Density needs exactly the parameters {sorted(_REQUIRED[self.kind])}; "
                f"build it with {self.kind}(...)"
            )
        for k, v in self.params:
            values = v if isinstance(v, tuple) else (v,)
            if not all(type(e) is float and math.isfinite(e) for e in values):
                raise TypeError(f"parameter {k} of a Density must be finite float(s); use the constructor")

    def __call__(self, x: ArrayLike) -> np.ndarray:
        """Evaluate the density at ``x``.

        Parameters
        ----------
        x : array_like of float
            Values, any shape.

        Returns
        -------
        numpy.ndarray or numpy.float64
            float64 densities of the shape of ``x`` (a numpy float64 for a scalar), never negative.
        """
        arr = np.asarray(x)
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"x must be real numbers, got an array of dtype {arr.dtype}")
        out = np.asarray(_eval(self.kind, dict(self.params), arr.astype(np.float64)), dtype=np.float64)
        return out[()] if out.ndim == 0 else out

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={list(v) if isinstance(v, tuple) else v!r}" for k, v in self.params)
        return f"{self.kind}({args})"

    @property
    def total(self) -> float:
        """The integral of the density (1 unless built unnormalized on purpose)."""
        return _moments(self.kind, dict(self.params))[0]

    @property
    def mean(self) -> float:
        """The mean of the normalized density."""
        return _moments(self.kind, dict(self.params))[1]

    @property
    def std(self) -> float:
        """The standard deviation of the normalized density."""
        return math.sqrt(max(_moments(self.kind, dict(self.params))[2], 0.0))

    def to_spec(self) -> dict[str, Any]:
        """A JSON-safe description ``{"kind": ..., "params": {...}}`` for :func:`density_from_spec`."""
        return {
            "kind": self.kind,
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in self.params},
        }


# --------------------------------------------------------------------------------------------------
# Constructors
# --------------------------------------------------------------------------------------------------


def gaussian(mean: float = 0.0, std: float = 1.0) -> Density:
    """The Gaussian (normal) density ``exp(-(x - mean)**2 / (2 std**2)) / (sqrt(2 pi) std)``.

    Parameters
    ----------
    mean : float, default 0.0
    std : float, default 1.0
        Standard deviation, positive.

    Returns
    -------
    Density

    Examples
    --------
    >>> round(float(gaussian()(0.0)), 6)
    0.398942

    Used in: notebooks/05_optimal_quantization.ipynb
    """
    return Density("gaussian", (("mean", _real(mean, "mean")), ("std", _real(std, "std", positive=True))))


def laplacian(mean: float = 0.0, std: float = 1.0) -> Density:
    """The Laplacian (two-sided exponential) density with the given standard deviation.

    ``p(x) = exp(-|x - mean| / b) / (2 b)`` with scale ``b = std / sqrt(2)``, so that its variance is
    ``std**2`` (the unit-variance Laplacian of Paez and Glisson's 1972 tables has ``b = 1 / sqrt(2)``).

    Parameters
    ----------
    mean : float, default 0.0
    std : float, default 1.0
        Standard deviation, positive.

    Returns
    -------
    Density

    Examples
    --------
    >>> p = laplacian()
    >>> round(p.std, 12), round(float(p(1.0) / p(0.0)), 6)  # exp(-sqrt(2))
    (1.0, 0.243117)

    Used in: notebooks/05_optimal_quantization.ipynb
    """
    return Density("laplacian", (("mean", _real(mean, "mean")), ("std", _real(std, "std", positive=True))))


def uniform(low: float = -1.0, high: float = 1.0) -> Density:
    """The uniform density ``1 / (high - low)`` on ``[low, high]``, zero elsewhere.

    Parameters
    ----------
    low, high : float, default -1.0, 1.0
        The interval, ``high > low``.

    Returns
    -------
    Density
    """
    lo, hi = _real(low, "low"), _real(high, "high")
    if not hi - lo >= 1.0 / MAX_MAGNITUDE:
        raise ValueError(f"high must be greater than low, got low={lo} and high={hi}")
    return Density("uniform", (("low", lo), ("high", hi)))


def gaussian_mixture(weights: Sequence[float], means: Sequence[float], stds: Sequence[float]) -> Density:
    """A weighted sum of Gaussian densities, ``sum_k w_k N(x; m_k, s_k**2)``.

    Parameters
    ----------
    weights : sequence of float
        Non-negative weights, not all zero. They need not sum to 1: the density is then not
        normalized (its :attr:`~Density.total` is the sum of the weights), which is how a test checks
        that a quantizer design divides by the integral.
    means : sequence of float
        One mean per component.
    stds : sequence of float
        One positive standard deviation per component.

    Returns
    -------
    Density

    Examples
    --------
    >>> p = gaussian_mixture([0.5, 0.5], [-2.0, 2.0], [0.5, 0.5])
    >>> round(p.std, 6)  # sqrt(0.25 + 4)
    2.061553
    """
    w = _reals(weights, "weights", limit=MAX_COMPONENTS, nonnegative=True)
    m = _reals(means, "means", limit=MAX_COMPONENTS)
    s = _reals(stds, "stds", limit=MAX_COMPONENTS, positive=True)
    if not len(w) == len(m) == len(s):
        raise ValueError(
            f"weights, means and stds must have the same length, got {len(w)}, {len(m)}, {len(s)}"
        )
    if sum(w) <= 0:
        raise ValueError("at least one weight must be positive")
    return _finite_moments(Density("gaussian_mixture", (("weights", w), ("means", m), ("stds", s))))


def tabulated(x: Sequence[float], values: Sequence[float]) -> Density:
    """A density given by its values at nodes: piecewise linear between them, zero outside.

    Parameters
    ----------
    x : sequence of float
        At least two strictly increasing nodes.
    values : sequence of float
        The density at the nodes, non-negative, not all zero. They need not integrate to 1.

    Returns
    -------
    Density

    Examples
    --------
    >>> p = tabulated([-1.0, 0.0, 1.0], [0.0, 2.0, 0.0])  # a triangle of area 2
    >>> p.total, float(p(0.5))
    (2.0, 1.0)
    """
    nodes = _reals(x, "x", limit=MAX_NODES)
    vals = _reals(values, "values", limit=MAX_NODES, nonnegative=True)
    if len(nodes) != len(vals):
        raise ValueError(f"x and values must have the same length, got {len(nodes)} and {len(vals)}")
    if len(nodes) < 2 or any(b <= a for a, b in itertools.pairwise(nodes)):
        raise ValueError("x must hold at least two strictly increasing nodes")
    if not any(v > 0 for v in vals):
        raise ValueError("values must not all be zero")
    return _finite_moments(Density("tabulated", (("x", nodes), ("values", vals))))


def from_samples(samples: ArrayLike, bins: int = 200, range: tuple[float, float] | None = None) -> Density:
    """A tabulated density estimated from samples: a normalized histogram, linear between bin centres.

    Parameters
    ----------
    samples : array_like of float
        The data, any shape (flattened).
    bins : int, default 200
        Number of equal-width histogram bins.
    range : (float, float) or None, default None
        The histogram's range; None means ``(min, max)`` of the samples. The density is zero outside
        the first and last bin centres.

    Returns
    -------
    Density
        A :func:`tabulated` density through the bin centres, with the histogram's density values
        (``numpy.histogram(..., density=True)``).

    Examples
    --------
    >>> import numpy as np
    >>> p = from_samples(np.random.default_rng(0).normal(size=100_000), bins=100, range=(-5, 5))
    >>> abs(p.std - 1.0) < 0.02
    True

    Used in: notebooks/05_optimal_quantization.ipynb
    """
    data = np.asarray(samples, dtype=np.float64).ravel()
    if data.size == 0 or not np.all(np.isfinite(data)):
        raise ValueError("samples must be a non-empty array of finite numbers")
    if isinstance(bins, bool) or not isinstance(bins, (int, np.integer)) or not 2 <= bins <= MAX_NODES:
        raise ValueError(f"bins must be an integer from 2 to {MAX_NODES}, got {bins!r}")
    heights, edges = np.histogram(data, bins=int(bins), range=range, density=True)
    centres = (edges[:-1] + edges[1:]) / 2
    return tabulated(centres.tolist(), heights.tolist())


_CONSTRUCTORS = {
    "gaussian": gaussian,
    "laplacian": laplacian,
    "uniform": uniform,
    "gaussian_mixture": gaussian_mixture,
    "tabulated": tabulated,
}


def density_from_spec(spec: Mapping[str, Any]) -> Density:
    """Rebuild a :class:`Density` from the dict made by :meth:`Density.to_spec`.

    This is how a density crosses the wire (``quantkit._wire.SPEC_TYPES``), so it trusts nothing: the
    spec must have exactly the keys ``kind`` and ``params``, the kind must be known, ``params`` must
    hold exactly that kind's parameters, and the values go through the kind's constructor, which
    enforces the limits of the module docstring (finite reals, sizes, order, signs).

    Parameters
    ----------
    spec : dict
        ``{"kind": <str>, "params": {<name>: <number or list of numbers>}}`` with every parameter.

    Returns
    -------
    Density

    Raises
    ------
    ValueError
        If the spec is not such a dict, names an unknown kind, misses a parameter or has an unknown
        one, or a value is out of range (non-finite, negative, too large, too many, not increasing).
    TypeError
        If a parameter is not a real number (or a list of them).

    Examples
    --------
    >>> density_from_spec({"kind": "laplacian", "params": {"mean": 0.0, "std": 2.0}})
    laplacian(mean=0.0, std=2.0)
    >>> density_from_spec({"kind": "tabulated", "params": {"x": [0.0, 1.0], "values": [1.0, -1.0]}})
    Traceback (most recent call last):
    ...
    ValueError: values[1] must be zero or positive, got -1.0
    """
    if not isinstance(spec, Mapping):
        raise ValueError(f"a density spec must be a dict with 'kind' and 'params', got {type(spec).__name__}")
    if set(spec) != {"kind", "params"}:
        keys = sorted(str(k)[:40] for k in spec)
        raise ValueError(f"a density spec must have exactly the keys 'kind' and 'params', got {keys}")
    kind, params = spec["kind"], spec["params"]
    if type(kind) is not str or kind not in _CONSTRUCTORS:
        shown = repr(kind)[:40] if type(kind) is str else type(kind).__name__
        raise ValueError(f"unknown density kind {shown}; known kinds: {sorted(_CONSTRUCTORS)}")
    if not isinstance(params, Mapping) or not all(type(k) is str for k in params):
        raise ValueError(f"the 'params' of a {kind} spec must be a dict with string keys")
    if set(params) != _REQUIRED[kind]:
        unknown = sorted(k[:40] for k in set(params) - _REQUIRED[kind])
        missing = sorted(_REQUIRED[kind] - set(params))
        raise ValueError(
            f"a {kind} spec needs exactly the parameters {sorted(_REQUIRED[kind])} "
            f"(missing {missing}, unknown {unknown})"
        )
    return _CONSTRUCTORS[kind](**params)
