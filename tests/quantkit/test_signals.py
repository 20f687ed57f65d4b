"""Tests for quantkit.signals: Signal specs, evaluation, reconstruction and the spectrum."""

from __future__ import annotations

import dataclasses
import json
import math

import numpy as np
import pytest
import scipy.signal
from scipy.integrate import trapezoid

import quantkit.signals as qs
from quantkit.signals import (
    Signal,
    chirp_signal,
    dense_time,
    magnitude_spectrum,
    signal_from_spec,
    sinc_interpolate,
    sine,
    square,
    sum_of_sines,
    zero_order_hold,
)

EXAMPLES = [
    sine(5.0),
    sine(2, amplitude=0.25, phase=-1.5),
    sum_of_sines([1, 3.5, 7]),
    sum_of_sines([2.0, 9.0], amplitudes=[1.0, 0.5], phases=[0.0, math.pi / 3]),
    chirp_signal(1.0, 20.0, 2.0),
    chirp_signal(30, 5, 0.5, amplitude=0.8),
    square(4.0),
    square(1.5, amplitude=0.3),
]
IDS = [repr(s) for s in EXAMPLES]


# --- specs ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("signal", EXAMPLES, ids=IDS)
def test_spec_round_trips_through_json(signal):
    """to_spec is JSON-safe and signal_from_spec rebuilds an equal signal with the same values."""
    spec = signal.to_spec()
    text = json.dumps(spec, allow_nan=False)
    rebuilt = signal_from_spec(json.loads(text))
    assert rebuilt == signal
    assert hash(rebuilt) == hash(signal)
    assert set(spec) == {"kind", "params"}
    t = np.linspace(-0.3, 2.0, 301)
    np.testing.assert_array_equal(rebuilt(t), signal(t))


@pytest.mark.parametrize("signal", EXAMPLES, ids=IDS)
def test_repr_reads_as_the_constructor_call(signal):
    """The repr is Python that rebuilds the signal."""
    assert eval(repr(signal), vars(qs)) == signal


def test_spec_layout_for_a_sine():
    """The spec is {"kind": "sine", "params": {...}} with float values (the wire format relies on it)."""
    assert sine(5).to_spec() == {"kind": "sine", "params": {"freq": 5.0, "amplitude": 1.0, "phase": 0.0}}
    assert sum_of_sines([1, 2]).to_spec()["params"]["freqs"] == [1.0, 2.0]


def test_optional_params_may_be_omitted_from_a_spec():
    """Defaults fill in missing optional parameters."""
    assert signal_from_spec({"kind": "sine", "params": {"freq": 3}}) == sine(3.0)


@pytest.mark.parametrize(
    ("spec", "error", "match"),
    [
        ("sine", ValueError, "must be a dict"),
        ({"kind": "sine"}, ValueError, "exactly the keys"),
        ({"kind": "sine", "params": {"freq": 1}, "extra": 1}, ValueError, "exactly the keys"),
        ({"kind": "noise", "params": {}}, ValueError, "unknown signal kind 'noise'"),
        ({"kind": "sine", "params": [1]}, ValueError, "must be a dict"),
        ({"kind": "sine", "params": {}}, ValueError, r"needs the parameter\(s\) \['freq'\]"),
        ({"kind": "sine", "params": {"freq": 1, "gain": 2}}, ValueError, r"unknown parameter.*\['gain'\]"),
        ({"kind": "sine", "params": {"freq": -1}}, ValueError, "freq must be zero or positive"),
        ({"kind": "sine", "params": {"freq": math.nan}}, ValueError, "freq must be finite"),
        ({"kind": "sine", "params": {"freq": "5"}}, TypeError, "freq must be a real number"),
        ({"kind": "sine", "params": {"freq": True}}, TypeError, "freq must be a real number"),
        ({"kind": "chirp", "params": {"f0": 1, "f1": 2, "duration": 0}}, ValueError, "duration must be"),
        ({"kind": "sum_of_sines", "params": {"freqs": []}}, ValueError, "freqs must not be empty"),
        ({"kind": "sum_of_sines", "params": {"freqs": 3}}, TypeError, "freqs must be a list"),
        (
            {"kind": "sum_of_sines", "params": {"freqs": [1, 2], "amplitudes": [1]}},
            ValueError,
            "same length",
        ),
        ({"kind": "square", "params": {"freq": 0}}, ValueError, "freq must be positive"),
    ],
)
def test_bad_specs_are_refused_in_plain_words(spec, error, match):
    """Each malformed spec gets a clear error saying what is wrong."""
    with pytest.raises(error, match=match):
        signal_from_spec(spec)


def test_signal_is_frozen_and_checked():
    """Signals are immutable; building one by hand with wrong parameters fails at once."""
    s = sine(1.0)
    with pytest.raises(dataclasses.FrozenInstanceError):
        s.kind = "square"  # type: ignore[misc]
    with pytest.raises(ValueError, match="unknown signal kind"):
        Signal("noise", ())
    with pytest.raises(ValueError, match="needs exactly the parameters"):
        Signal("sine", (("freq", 1.0),))
    with pytest.raises(TypeError, match="finite float"):
        Signal("sine", (("freq", "1"), ("amplitude", 1.0), ("phase", 0.0)))


# --- evaluation ----------------------------------------------------------------------------------


def test_sine_values_at_quarter_periods():
    """A sin(2 pi f t + phase) at t = 0, 1/(4f), 1/(2f): 0, A, 0 (and the phase shifts it)."""
    s = sine(5.0, amplitude=0.5)
    np.testing.assert_allclose(s(np.array([0.0, 0.05, 0.1])), [0.0, 0.5, 0.0], atol=1e-15)
    assert sine(5.0, phase=math.pi / 2)(0.0) == pytest.approx(1.0, abs=1e-15)


@pytest.mark.parametrize("shape", [(), (7,), (3, 4), (2, 3, 2)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64, np.int64])
@pytest.mark.parametrize("signal", EXAMPLES, ids=IDS)
def test_output_is_float64_with_the_shape_of_t(signal, shape, dtype):
    """s(t) keeps t's shape, returns float64, and a scalar t gives a 0-d float."""
    t = (np.arange(math.prod(shape)).reshape(shape) * 3).astype(dtype)
    out = signal(t)
    assert np.shape(out) == shape
    assert np.asarray(out).dtype == np.float64
    if shape == ():
        assert isinstance(out, float)


def test_python_scalar_in_float_out():
    """A Python float gives a float (numpy float64)."""
    assert isinstance(sine(1.0)(0.25), float)
    assert sine(1.0)(0.25) == pytest.approx(1.0, abs=1e-15)


def test_complex_times_are_refused():
    """Times are real seconds."""
    with pytest.raises(TypeError, match="real times"):
        sine(1.0)(np.array([1j]))


def test_sum_of_sines_is_the_sum_of_its_sines():
    """Linearity: the sum equals the separately evaluated sines."""
    t = np.linspace(0, 1, 500)
    total = sum_of_sines([2.0, 9.0], amplitudes=[1.0, 0.5], phases=[0.0, 1.0])(t)
    expected = sine(2.0)(t) + sine(9.0, amplitude=0.5, phase=1.0)(t)
    np.testing.assert_allclose(total, expected, rtol=0, atol=1e-14)


def test_chirp_matches_scipy_linear_chirp():
    """scipy's linear chirp is cos(2 pi (f0 t + (f1 - f0) t**2 / (2 t1)) + phi); phi = -90° makes it sin."""
    t = np.linspace(0, 2.0, 4001)
    ours = chirp_signal(1.0, 20.0, 2.0, amplitude=0.7)(t)
    ref = 0.7 * scipy.signal.chirp(t, f0=1.0, t1=2.0, f1=20.0, method="linear", phi=-90)
    np.testing.assert_allclose(ours, ref, rtol=0, atol=1e-9)


def test_square_matches_scipy_square():
    """scipy.signal.square(2 pi f t) is +1 on the first half of each period and -1 on the second."""
    t = np.arange(1000) / 1000 + 0.0003  # avoid the exact switching instants
    expected = 0.5 * scipy.signal.square(2 * np.pi * 3.0 * t)
    np.testing.assert_array_equal(square(3.0, amplitude=0.5)(t), expected)


@pytest.mark.parametrize(
    ("signal", "expected"),
    [
        (sine(5.0), 5.0),
        (sine(5.0, amplitude=0.0), 0.0),
        (sum_of_sines([1, 7, 3]), 7.0),
        (sum_of_sines([1, 7, 3], amplitudes=[1, 0, 1]), 3.0),
        (chirp_signal(30, 5, 1.0), 30.0),
        (square(2.0), math.inf),
    ],
)
def test_max_freq(signal, expected):
    """The highest frequency actually present (a square wave's harmonics never stop)."""
    assert signal.max_freq == expected


# --- dense_time ----------------------------------------------------------------------------------


def test_dense_time_covers_the_closed_interval():
    """linspace(0, duration, n): both ends included, even spacing."""
    t = dense_time(2.0)
    assert t.shape == (2000,)
    assert t[0] == 0.0 and t[-1] == 2.0
    np.testing.assert_allclose(np.diff(t), 2.0 / 1999, rtol=1e-12)
    assert dense_time(0.5, n=11)[1] == pytest.approx(0.05)


@pytest.mark.parametrize(
    ("args", "error"),
    [((0.0,), ValueError), ((-1.0,), ValueError), ((1.0, 1), ValueError), ((1.0, 2.5), TypeError)],
)
def test_dense_time_rejects_bad_input(args, error):
    """Duration must be positive, n an integer of at least 2."""
    with pytest.raises(error):
        dense_time(*args)


# --- reconstruction -------------------------------------------------------------------------------


def test_zero_order_hold_holds_each_value_until_the_next_sample():
    """Value at t is the last sample at or before t; before the first sample, the first value."""
    ts = np.array([0.0, 1.0, 2.0, 3.0])
    xs = np.array([10.0, 20.0, 30.0, 40.0])
    t = np.array([-0.5, 0.0, 0.999, 1.0, 2.5, 3.0, 7.0])
    np.testing.assert_array_equal(zero_order_hold(ts, xs, t), [10, 10, 10, 20, 30, 40, 40])
    assert zero_order_hold(ts, xs, np.zeros((2, 2))).shape == (2, 2)


@pytest.mark.parametrize(("freq", "fs"), [(3.0, 50.0), (11.0, 25.0), (1.0, 8.0)])
def test_sinc_reconstructs_a_band_limited_sine_away_from_the_ends(freq, fs):
    """Whittaker–Shannon: a sine below fs/2 is recovered between samples.

    Only finitely many samples (24 s) exist, so the error is the tail of the missing terms, which
    decays like 1/distance from the ends (and grows as the frequency nears fs/2): checked on the middle
    4 s, at least 10 s (80 to 500 samples) from both ends, where it stays below 1 % of the amplitude
    (measured: 6e-5 for 3 Hz at 50 Hz, 5.1e-3 for 11 Hz at 25 Hz).
    """
    ts = np.arange(int(24 * fs)) / fs
    xs = np.sin(2 * np.pi * freq * ts + 0.3)
    t = np.linspace(10.0, 14.0, 2001)
    rec = sinc_interpolate(ts, xs, t)
    assert np.max(np.abs(rec - np.sin(2 * np.pi * freq * t + 0.3))) < 1e-2


def test_sinc_passes_through_the_samples():
    """sinc(0) = 1 and sinc(k) = 0: at a sample time the interpolant is that sample."""
    rng = np.random.default_rng(0)
    ts = 0.5 + np.arange(40) * 0.1
    xs = rng.normal(size=40)
    np.testing.assert_allclose(sinc_interpolate(ts, xs, ts), xs, rtol=0, atol=1e-12)


def test_sinc_works_in_blocks_for_long_inputs():
    """Many query points (more than one block of the sinc matrix) give the same result as few."""
    ts = np.arange(2500) / 100.0
    xs = np.sin(2 * np.pi * 2.0 * ts)
    t = np.linspace(5, 20, 3000)
    full = sinc_interpolate(ts, xs, t)
    parts = np.concatenate([sinc_interpolate(ts, xs, t[:1000]), sinc_interpolate(ts, xs, t[1000:])])
    np.testing.assert_allclose(full, parts, rtol=0, atol=1e-12)
    assert full.shape == t.shape


@pytest.mark.parametrize(
    ("ts", "xs", "match"),
    [
        ([0.0, 0.1, 0.3], [1, 2, 3], "evenly spaced"),
        ([0.0], [1.0], "at least 2"),
        ([0.0, 0.1], [1.0], "same length"),
        ([0.1, 0.0], [1.0, 2.0], "strictly increasing"),
        ([[0.0, 0.1]], [[1.0, 2.0]], "1-D"),
    ],
)
def test_sinc_rejects_bad_samples(ts, xs, match):
    """Sample times must be 1-D, increasing, evenly spaced and match the values."""
    with pytest.raises(ValueError, match=match):
        sinc_interpolate(ts, xs, [0.05])


# --- magnitude_spectrum ---------------------------------------------------------------------------


@pytest.mark.parametrize("window", [None, "hann", "hamming", "blackman"])
@pytest.mark.parametrize("n", [256, 255])
def test_bin_centred_sine_reads_its_amplitude(window, n):
    """A sine of amplitude A exactly on bin k shows |X[k]| = A after window-sum normalisation.

    (The sidelobe images of the negative frequency vanish at bin k for these periodic cosine-sum
    windows since 2k is neither 0 nor within their main lobe.)
    """
    fs = 1000.0
    k = 20
    f = k * fs / n
    x = 0.3 * np.sin(2 * np.pi * f * np.arange(n) / fs + 0.4)
    freqs, mag = magnitude_spectrum(x, fs, window=window, db=False)
    assert freqs.shape == mag.shape == (n // 2 + 1,)
    assert freqs[k] == pytest.approx(f)
    assert int(np.argmax(mag)) == k
    assert mag[k] == pytest.approx(0.3, rel=1e-9)
    _, mag_db = magnitude_spectrum(x, fs, window=window, db=True)
    assert mag_db[k] == pytest.approx(20 * math.log10(0.3), abs=1e-7)


def test_spectrum_of_a_constant_and_the_nyquist_bin():
    """DC is not doubled; for even N the last bin is fs/2; silence is floored at -240 dB."""
    freqs, mag = magnitude_spectrum(np.full(64, 0.5), 8000, window=None, db=False)
    assert mag[0] == pytest.approx(0.5)
    assert freqs[-1] == 4000.0
    _, silence = magnitude_spectrum(np.zeros(16), 100.0)
    assert np.all(silence == -240.0)


@pytest.mark.parametrize(
    ("x", "fs", "error"),
    [
        (np.zeros((4, 4)), 1.0, ValueError),
        (np.zeros(0), 1.0, ValueError),
        (np.zeros(4), 0.0, ValueError),
        (np.zeros(4, complex), 1.0, TypeError),
    ],
)
def test_spectrum_rejects_bad_input(x, fs, error):
    """1-D, non-empty, real samples and a positive rate."""
    with pytest.raises(error):
        magnitude_spectrum(x, fs)


# --- psd and ntf_power (notebook 02) --------------------------------------------------------------


def test_psd_of_white_noise_reads_its_one_sided_density():
    """White noise of variance s^2 has one-sided density 2 s^2 / fs; the density integrates to s^2."""
    x = np.random.default_rng(0).normal(0.0, 0.2, 2**16)
    f, p = qs.psd(x, 8000.0, nperseg=1024)
    assert f[0] == 0.0 and f[-1] == 4000.0
    assert np.mean(p[1:-1]) == pytest.approx(2 * 0.04 / 8000.0, rel=0.03)
    assert trapezoid(p, f) == pytest.approx(np.var(x), rel=0.03)


def test_psd_rejects_bad_input():
    with pytest.raises(ValueError, match="1-D"):
        qs.psd(np.zeros((4, 4)), 1.0)
    with pytest.raises(ValueError, match="nperseg"):
        qs.psd(np.zeros(100), 1.0, nperseg=200)


def test_ntf_power_closed_forms():
    """|1 - z^-1|^2 = 4 sin^2(w/2) and |(1 - z^-1)^2|^2 = 16 sin^4(w/2); no taps gives 1."""
    fs = 44100.0
    f = np.linspace(0, fs / 2, 1001)
    w = 2 * np.pi * f / fs
    np.testing.assert_allclose(qs.ntf_power([1.0], f, fs), 4 * np.sin(w / 2) ** 2, atol=1e-12)
    np.testing.assert_allclose(qs.ntf_power([2.0, -1.0], f, fs), 16 * np.sin(w / 2) ** 4, atol=1e-12)
    np.testing.assert_allclose(qs.ntf_power([], f, fs), 1.0)


def test_noise_shaping_numbers_quoted_in_notebook_02():
    """The closed forms notebook 02 quotes, checked by integrating |NTF|^2 numerically.

    Mean of |NTF|^2 over [0, pi]: 2 (first order, +3.01 dB) and 6 (second order, +7.78 dB); both
    cross 1 at w = pi/3 (fs/6, 7350 Hz at 44.1 kHz); in-band noise over [0, pi/OSR] relative to the
    unshaped sigma^2: 2/OSR - (2/pi) sin(pi/OSR) for first order, -30.96 dB at OSR 16.
    """
    fs = 44100.0
    f = np.linspace(0, fs / 2, 200_001)
    for taps, mean, db in (([1.0], 2.0, 3.0103), ([2.0, -1.0], 6.0, 7.7815)):
        gain = trapezoid(qs.ntf_power(taps, f, fs), f) / (fs / 2)
        assert gain == pytest.approx(mean, rel=1e-9)
        assert 10 * np.log10(gain) == pytest.approx(db, abs=5e-5)
        assert float(qs.ntf_power(taps, fs / 6, fs)) == pytest.approx(1.0, rel=1e-12)
        assert 7350.0 == fs / 6
    osr = 16
    band = np.linspace(0, fs / 2 / osr, 100_001)
    in_band = trapezoid(qs.ntf_power([1.0], band, fs), band) / (fs / 2)
    closed = 2 / osr - 2 / np.pi * np.sin(np.pi / osr)
    assert in_band == pytest.approx(closed, rel=1e-8)
    assert 10 * np.log10(closed) == pytest.approx(-30.96, abs=0.005)
