"""Tests for quantkit.psychoacoustics: the toy masking model's documented numbers, one by one.

References: the Bark formula of Zwicker and Terhardt (JASA 68(5), 1980: 1 kHz is 8.5 Bark); Terhardt's
threshold in quiet (Hearing Research 1, 1979: about 3.4 dB SPL at 1 kHz, minimum about -5 dB SPL near
3.3 kHz); the model's own parameters (27 and 10 dB/Bark, 10 dB offset, 96 dB SPL at full scale) as the
module docstring states them.
"""

from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest

from quantkit import psychoacoustics as pa
from quantkit.transforms import mdct


def test_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(pa, verbose=False)
    assert tried >= 5 and failures == 0


def test_bark_scale_values() -> None:
    assert float(pa.bark(0.0)) == 0.0
    assert float(pa.bark(1000.0)) == pytest.approx(8.51, abs=0.01)
    assert np.all(np.diff(pa.bark(np.linspace(0, 22050, 500))) > 0)


def test_threshold_in_quiet_shape() -> None:
    f = np.linspace(20, 20000, 20000)
    ath = pa.absolute_threshold_db(f)
    assert f[np.argmin(ath)] == pytest.approx(3300, rel=0.05)
    assert float(np.min(ath)) == pytest.approx(-5.0, abs=0.3)
    assert float(pa.absolute_threshold_db(1000.0)) == pytest.approx(3.37, abs=0.01)
    assert float(pa.absolute_threshold_db(0.0)) == float(pa.absolute_threshold_db(20.0))  # clamped


@pytest.mark.parametrize(("m", "rate", "n_bands"), [(1024, 44100, 25), (1024, 8000, 18), (256, 16000, 22)])
def test_bands_are_one_bark_wide(m: int, rate: int, n_bands: int) -> None:
    """floor(bark(rate / 2)) + 1 bands (none empty at these resolutions), each within one Bark."""
    assert n_bands == int(np.floor(pa.bark(rate / 2))) + 1
    edges = pa.bark_band_edges(m, rate)
    assert edges[0] == 0 and edges[-1] == m and np.all(np.diff(edges) > 0)
    assert edges.size - 1 == n_bands
    centres = (np.arange(m) + 0.5) * rate / (2 * m)
    band_of = np.floor(pa.bark(centres))
    for lo, hi in itertools.pairwise(edges):
        assert np.unique(band_of[lo:hi]).size == 1


def test_band_power_is_the_mean_square_per_band() -> None:
    rng = np.random.default_rng(0)
    coeffs = rng.normal(size=(3, 16))
    edges = np.array([0, 1, 5, 16])
    got = pa.band_power(coeffs, edges)
    expected = np.stack([np.mean(coeffs[:, a:b] ** 2, axis=1) for a, b in itertools.pairwise(edges)], axis=1)
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_spreading_slopes_and_offset_are_as_documented() -> None:
    """One loud band j: band b's masked power per sample is P_j 10^(-(slope * |b - j| + offset) / 10)."""
    m, rate = 1024, 44100
    edges = pa.bark_band_edges(m, rate)
    widths = np.diff(edges)
    j = 12
    frame = np.zeros(m)
    frame[edges[j] : edges[j + 1]] = 1.0  # power 1 per coefficient in band j only
    threshold = pa.masking_threshold(frame, edges, rate)
    masked_per_sample = threshold * widths / m
    source = widths[j] / m  # band j's power per sample
    for b in (j - 2, j - 1, j, j + 1, j + 3):
        slope = pa.LOWER_SLOPE_DB if b < j else pa.UPPER_SLOPE_DB
        expected_db = 10 * np.log10(source) - slope * abs(b - j) - pa.OFFSET_DB
        assert 10 * np.log10(masked_per_sample[b]) == pytest.approx(expected_db, abs=1e-9)


def test_silence_gets_the_threshold_in_quiet_at_96_db() -> None:
    """For silence T_b is the threshold in quiet: (M / n_b) * 0.5 * 10^((ATH_min - 96) / 10)."""
    m, rate = 512, 32000
    edges = pa.bark_band_edges(m, rate)
    threshold = pa.masking_threshold(np.zeros((2, m)), edges, rate)
    freqs = (np.arange(m) + 0.5) * rate / (2 * m)
    ath = pa.absolute_threshold_db(freqs)
    for b, (lo, hi) in enumerate(itertools.pairwise(edges)):
        expected = m / (hi - lo) * 0.5 * 10 ** ((ath[lo:hi].min() - 96.0) / 10)
        assert threshold[0, b] == pytest.approx(expected, rel=1e-12)
        assert threshold[1, b] == threshold[0, b]


def test_offset_moves_the_masked_threshold_in_db() -> None:
    x = 0.3 * np.random.default_rng(2).normal(size=8192)
    coeffs = mdct(x, 1024)
    edges = pa.bark_band_edges(1024, 44100)
    t10 = pa.masking_threshold(coeffs, edges, 44100)
    t20 = pa.masking_threshold(coeffs, edges, 44100, offset_db=20.0)
    masked = t20 > pa.masking_threshold(np.zeros_like(coeffs), edges, 44100) * 1.001
    np.testing.assert_allclose(10 * np.log10(t10[masked] / t20[masked]), 10.0, atol=1e-9)


@pytest.mark.parametrize(
    "edges",
    [np.array([0, 5, 5, 16]), np.array([1, 16]), np.array([0, 8]), np.array([0.0, 16.0]), np.array([0])],
)
def test_bad_edges_are_refused(edges) -> None:
    with pytest.raises(ValueError, match="band_edges"):
        pa.band_power(np.zeros(16), edges)


def test_bad_rate_and_shape_are_refused() -> None:
    edges = np.array([0, 8, 16])
    with pytest.raises(ValueError, match="rate"):
        pa.masking_threshold(np.zeros(16), edges, 0)
    with pytest.raises(ValueError, match="shape"):
        pa.masking_threshold(np.zeros((2, 2, 16)), edges, 8000)
