"""Tests for quantkit.transforms: the MDCT against its defining sum, perfect reconstruction and TDAC.

Reference: the MDCT definition X[k] = sqrt(2/M) sum_n w[n] x[n] cos(pi/M (n + 1/2 + M/2)(k + 1/2)) with
the sine window w[n] = sin(pi (n + 1/2) / (2M)) (Princen, Johnson and Bradley, ICASSP 1987; Malvar,
"Signal Processing with Lapped Transforms", 1992), computed here as the O(M^2) sum.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from quantkit import transforms
from quantkit.transforms import frame_count, imdct, imdct_frame, mdct, mdct_frame, sine_window


def _direct_mdct(frame: np.ndarray) -> np.ndarray:
    """The defining sum, O(M^2)."""
    m = frame.size // 2
    n = np.arange(2 * m)
    k = np.arange(m)
    basis = np.cos(np.pi / m * (n[:, None] + 0.5 + m / 2) * (k[None, :] + 0.5))
    return np.sqrt(2.0 / m) * (sine_window(m) * frame) @ basis


def test_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(transforms, verbose=False)
    assert tried >= 3 and failures == 0


@pytest.mark.parametrize("m", [2, 4, 16, 576])
def test_fast_mdct_equals_the_defining_sum(m: int) -> None:
    frame = np.random.default_rng(m).normal(size=2 * m)
    np.testing.assert_allclose(mdct_frame(frame), _direct_mdct(frame), rtol=0, atol=1e-12)


@pytest.mark.parametrize("m", [2, 8, 64])
def test_inverse_frame_equals_the_defining_sum(m: int) -> None:
    """imdct_frame(X) = sqrt(2/M) w[n] sum_k X[k] cos(...) (the transpose of the forward basis)."""
    coeffs = np.random.default_rng(m + 1).normal(size=m)
    n = np.arange(2 * m)
    basis = np.cos(np.pi / m * (n[:, None] + 0.5 + m / 2) * (np.arange(m)[None, :] + 0.5))
    expected = np.sqrt(2.0 / m) * sine_window(m) * (basis @ coeffs)
    np.testing.assert_allclose(imdct_frame(coeffs), expected, rtol=0, atol=1e-12)


@pytest.mark.parametrize("m", [4, 64, 576, 1024])
@pytest.mark.parametrize("length", [1, 999, 4096])
@pytest.mark.parametrize("dtype", [np.float64, np.float32, np.int16])
def test_perfect_reconstruction(m: int, length: int, dtype: type) -> None:
    """imdct(mdct(x)) = x to 1e-12 relative to the signal's peak, for any length, M and dtype."""
    rng = np.random.default_rng(length + m)
    x = (rng.uniform(-1, 1, length) * (30000 if dtype is np.int16 else 1)).astype(dtype)
    coeffs = mdct(x, m)
    assert coeffs.shape == (frame_count(length, m), m)
    peak = max(1.0, float(np.max(np.abs(x.astype(np.float64)))))
    np.testing.assert_allclose(imdct(coeffs, length), x.astype(np.float64), rtol=0, atol=1e-12 * peak)


def test_orthogonal_energy_is_preserved() -> None:
    """With the sqrt(2/M) scaling the lapped transform is orthogonal: sum X^2 = sum x^2 (Parseval)."""
    x = np.random.default_rng(7).normal(size=10_000)
    coeffs = mdct(x, 256)
    assert np.sum(coeffs**2) == pytest.approx(np.sum(x**2), rel=1e-12)


def test_princen_bradley_window() -> None:
    w = sine_window(32)
    np.testing.assert_allclose(w[:32] ** 2 + w[32:] ** 2, 1.0, rtol=0, atol=1e-15)
    np.testing.assert_allclose(w, w[::-1], rtol=0, atol=1e-15)


def test_one_frame_aliases_and_neighbours_cancel_it() -> None:
    """TDAC: one frame's inverse is w*(wz -/+ J(wz)) per half (aliasing); neighbours' aliasing cancels."""
    m = 16
    rng = np.random.default_rng(3)
    z = rng.normal(size=2 * m)
    w = sine_window(m)
    y = imdct_frame(mdct_frame(z))
    w1z1, w2z2 = w[:m] * z[:m], w[m:] * z[m:]
    np.testing.assert_allclose(y[:m], w[:m] * (w1z1 - w1z1[::-1]), atol=1e-12)
    np.testing.assert_allclose(y[m:], w[m:] * (w2z2 + w2z2[::-1]), atol=1e-12)
    assert not np.allclose(y, z)  # a single frame does not reconstruct
    x = rng.normal(size=3 * m)  # frames [0, 2M) and [M, 3M) overlap on [M, 2M)
    first = imdct_frame(mdct_frame(x[: 2 * m]))
    second = imdct_frame(mdct_frame(x[m:]))
    np.testing.assert_allclose(first[m:] + second[:m], x[m : 2 * m], atol=1e-12)


def test_a_tone_lands_on_its_coefficient() -> None:
    """Coefficient k is centred on (k + 1/2) rate / (2M): a tone there puts most energy in bin k."""
    m, rate = 256, 8000.0
    k0 = 37
    t = np.arange(8 * 2 * m) / rate
    coeffs = mdct(np.sin(2 * np.pi * (k0 + 0.5) * rate / (2 * m) * t), m)
    energy = np.sum(coeffs[2:-2] ** 2, axis=0)
    assert int(np.argmax(energy)) == k0


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: mdct(np.zeros(10), 3), ValueError),
        (lambda: mdct(np.zeros(10), 0), ValueError),
        (lambda: mdct(np.zeros((10, 2)), 4), ValueError),
        (lambda: mdct(np.zeros(10), 4.0), TypeError),
        (lambda: mdct(np.array(["a"]), 4), TypeError),
        (lambda: imdct(np.zeros((3, 4)), 100), ValueError),
        (lambda: imdct(np.zeros(4), 4), ValueError),
        (lambda: mdct_frame(np.zeros(6)), ValueError),
        (lambda: frame_count(-1, 4), ValueError),
    ],
)
def test_bad_arguments_are_refused(call, error) -> None:
    with pytest.raises(error):
        call()
