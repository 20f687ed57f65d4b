"""Hidden tests of notebook 01, "Sampling vs quantization".

The comparisons with the solution's outputs are the groups of ``cases.py`` (one reference test each);
these are the property tests. Each is marked with its question and points (``@question``); a
question's points in ``manifest.toml`` equal its groups' and tests' points together. Property tests
build their own inputs with a seeded generator and compare with numpy. Messages state the property,
never the inputs. Inputs are batched (one array per call); a test announces the calls it will make whose
arguments it knows beforehand (``check_cases``, ``with prefetched(...)``), so that the kernel runs
them in one round trip, while the test still makes them one by one and stops at its first failure.
The calls whose arguments are the student's own results (``dequantize(k)``, quantizing twice) are
made one at a time.

Where the closed forms come from:

* ``sample``: N = round(duration * fs) instants t = n / fs (the notebook's definition);
* ``alias_frequency``: |f - fs round(f / fs)| lies in [0, fs / 2], is even in f and fs-periodic,
  and is f itself below fs / 2 (the folding derivation in section 2);
* the quantizer: L = 2**n_bits levels, step = (x_max - x_min) / L; inside the range the error is at
  most step / 2; the quantizer is monotonic, idempotent (a level quantizes to itself) and its
  decoder inverts its encoder on 0..L-1 (section 3);
* the SQNR law 20 log10(2) B + 10 log10(3/2) dB for a full-scale sine (section 5);
* ``best_clip_factor``: the candidate with the smallest mean squared error, first on ties (q7).
"""

from __future__ import annotations

import numpy as np

from autograder.testing import prefetched, question
from quantkit.signals import sine

MODES = ("midrise", "midtread")
SQNR_LAW_SLOPE = 20 * np.log10(2)  # 6.0206 dB per bit
SQNR_LAW_OFFSET = 10 * np.log10(3 / 2)  # 1.7609 dB


def _reference_levels(x: np.ndarray, n_bits: int, x_min: float, x_max: float, mode: str) -> np.ndarray:
    """The notebook's quantizer, written out once more for the property tests (float64)."""
    n_levels = 2**n_bits
    step = (x_max - x_min) / n_levels
    u = (np.asarray(x, dtype=np.float64) - x_min) / step
    k = np.clip(np.floor(u) if mode == "midrise" else np.floor(u + 0.5), 0, n_levels - 1)
    return x_min + (k + 0.5) * step if mode == "midrise" else x_min + k * step


# ------------------------------------------------------------------------------------------- q1


@question("q1", points=0.5)
def test_sample_grid_properties(student):
    """sample returns round(duration * fs) instants n / fs and the signal's values there."""
    grid = ((1000.0, 0.0127, 50.0), (7.0, 3.0, 1.5), (22050.0, 0.002, 3000.0))
    calls = [("sample", (sine(freq, 0.5), fs, duration), {}) for fs, duration, freq in grid]
    with prefetched(student, calls):
        for fs, duration, freq in grid:
            t, x = student.call("sample", sine(freq, 0.5), fs, duration)
            t, x = np.asarray(t), np.asarray(x)
            n = round(duration * fs)
            assert t.shape == (n,) and x.shape == (n,), (
                "sample should return two arrays of round(duration * fs) values"
            )
            assert np.allclose(t, np.arange(n) / fs, rtol=1e-12, atol=1e-12), "the instants should be n / fs"
            assert np.allclose(x, 0.5 * np.sin(2 * np.pi * freq * t), rtol=1e-12, atol=1e-12), (
                "the samples should be the signal's values at the instants t"
            )


# ------------------------------------------------------------------------------------------- q2


@question("q2", points=0.75)
def test_alias_properties(student):
    """The alias lies in [0, fs / 2], is fs-periodic and even in f, and keeps tones below fs / 2."""
    rng = np.random.default_rng(101)
    fs = 1000.0
    f = np.round(rng.uniform(0.0, 5000.0, 200), 3)
    with prefetched(student, [("alias_frequency", (g, fs), {}) for g in (f, f + 3 * fs, -f)]):
        got = np.asarray(student.call("alias_frequency", f, fs), dtype=np.float64)
        shifted = np.asarray(student.call("alias_frequency", f + 3 * fs, fs), dtype=np.float64)
        mirrored = np.asarray(student.call("alias_frequency", -f, fs), dtype=np.float64)
    assert got.shape == f.shape, "alias_frequency should return an array of the shape of f"
    assert np.all((got >= 0) & (got <= fs / 2)), "the alias should lie in [0, fs / 2]"
    assert np.allclose(shifted, got, atol=1e-9), "adding a multiple of fs should not change the alias"
    assert np.allclose(mirrored, got, atol=1e-9), "f and -f should have the same alias"
    low = f <= fs / 2
    assert np.allclose(got[low], f[low], atol=1e-9), "a tone below fs / 2 should keep its frequency"


# ------------------------------------------------------------------------------------------- q3


@question("q3", points=1)
def test_encoder_properties(student):
    """Indices are int64 in 0..L-1, monotonic, within half a step inside the range, same for float32."""
    rng = np.random.default_rng(303)
    x = np.sort(rng.uniform(-1.0, 1.0, 3000))
    x32 = rng.uniform(-1.5, 1.5, 500).astype(np.float32)
    calls = [
        ("quantize_indices", (v, n_bits, -1.0, 1.0), {"mode": mode})
        for n_bits in (1, 3, 8, 16)
        for mode in MODES
        for v in (x, x32, x32.astype(np.float64))
    ]
    with prefetched(student, calls):
        for n_bits in (1, 3, 8, 16):
            n_levels = 2**n_bits
            step = 2.0 / n_levels
            for mode in MODES:
                k = np.asarray(student.call("quantize_indices", x, n_bits, -1.0, 1.0, mode=mode))
                assert k.shape == x.shape, "quantize_indices should keep the shape of x"
                assert k.dtype.kind in "iu", "quantize_indices should return integer indices"
                assert k.min() >= 0 and k.max() <= n_levels - 1, "indices should lie in 0..L-1"
                assert np.all(np.diff(k) >= 0), "a larger input should never get a smaller index"
                levels = np.asarray(
                    student.call("dequantize", k, n_bits, -1.0, 1.0, mode=mode), dtype=np.float64
                )
                inside = x < 1.0 - step / 2 if mode == "midtread" else x < 1.0
                too_far = int(np.sum(np.abs(levels - x)[inside] > step / 2 + 1e-12))
                assert too_far == 0, (
                    f"{n_bits}-bit {mode}: the error exceeds half a step on {too_far} "
                    f"of {int(np.sum(inside))} values inside the range"
                )
                k32 = np.asarray(student.call("quantize_indices", x32, n_bits, -1.0, 1.0, mode=mode))
                k64 = np.asarray(
                    student.call("quantize_indices", x32.astype(np.float64), n_bits, -1.0, 1.0, mode=mode)
                )
                assert k32.dtype.kind in "iu" and np.array_equal(k32, k64), (
                    "float32 input should give the same indices as the same values in float64"
                )


@question("q3", points=0.5)
def test_decoder_inverts_encoder(student):
    """Quantizing every level gives back its own index (the encoder inverts the decoder on 0..L-1)."""
    grid = ((1, -1.0, 1.0), (2, 0.0, 1.0), (3, -1.0, 1.0), (8, -4.0, 4.0), (10, 0.0, 1.0))
    calls = [
        ("dequantize", (np.arange(2**n_bits), n_bits, x_min, x_max), {"mode": mode})
        for n_bits, x_min, x_max in grid
        for mode in MODES
    ]
    with prefetched(student, calls):
        for n_bits, x_min, x_max in grid:
            k = np.arange(2**n_bits)
            for mode in MODES:
                levels = student.call("dequantize", k, n_bits, x_min, x_max, mode=mode)
                back = np.asarray(student.call("quantize_indices", levels, n_bits, x_min, x_max, mode=mode))
                assert np.array_equal(back, k), (
                    f"{n_bits}-bit {mode}: quantize_indices(dequantize(k)) differs from k"
                )


# ------------------------------------------------------------------------------------------- q4


@question("q4", points=0.5)
def test_quantizer_properties(student):
    """The quantizer is within half a step inside the range, idempotent, monotonic, and uses L levels."""
    rng = np.random.default_rng(404)
    x = np.sort(rng.uniform(-2.5, 2.5, 4000))  # a quarter of the values lie outside [-2, 2)
    calls = [
        ("quantize_uniform", (x, n_bits, -2.0, 2.0), {"mode": mode})
        for n_bits in (1, 2, 5, 12)
        for mode in MODES
    ]
    with prefetched(student, calls):
        for n_bits in (1, 2, 5, 12):
            step = 4.0 / 2**n_bits
            for mode in MODES:
                xq = np.asarray(
                    student.call("quantize_uniform", x, n_bits, -2.0, 2.0, mode=mode), dtype=np.float64
                )
                assert xq.shape == x.shape, "quantize_uniform should keep the shape of x"
                inside = (x >= -2.0) & (x < (2.0 - step / 2 if mode == "midtread" else 2.0))
                error = np.abs(xq - x)[inside]
                assert np.all(error <= step / 2 + 1e-12), (
                    f"{n_bits}-bit {mode}: the error exceeds half a step on "
                    f"{int(np.sum(error > step / 2 + 1e-12))} of {error.size} values inside the range"
                )
                assert np.all(np.diff(xq) >= 0), f"{n_bits}-bit {mode}: the quantizer should be monotonic"
                assert np.unique(xq).size <= 2**n_bits, (
                    f"{n_bits}-bit {mode}: more than 2**n_bits output values"
                )
                again = np.asarray(
                    student.call("quantize_uniform", xq, n_bits, -2.0, 2.0, mode=mode), dtype=np.float64
                )
                assert np.array_equal(again, xq), (
                    f"{n_bits}-bit {mode}: quantizing twice should change nothing"
                )
                want = _reference_levels(x, n_bits, -2.0, 2.0, mode)
                differ = int(np.sum(~np.isclose(xq, want, rtol=0, atol=1e-12)))
                assert differ == 0, (
                    f"{n_bits}-bit {mode}: {differ} of {x.size} outputs differ from the formula"
                )


@question("q4", points=0.5)
def test_quantizer_shapes_and_dtypes(student):
    """quantize_uniform keeps the shape of x (scalar to 3-D) and returns float64 for float32 and int input."""
    rng = np.random.default_rng(405)
    inputs = [
        (shape, dtype, (rng.uniform(-3.0, 3.0, shape)).astype(dtype))
        for shape in ((), (7,), (3, 4), (2, 3, 4), (0,))
        for dtype in (np.float64, np.float32, np.int64)
    ]
    calls = [("quantize_uniform", (x, 3, -2.0, 2.0), {"mode": "midtread"}) for _, _, x in inputs]
    with prefetched(student, calls):
        for shape, dtype, x in inputs:
            xq = np.asarray(student.call("quantize_uniform", x, 3, -2.0, 2.0, mode="midtread"))
            assert xq.shape == shape, f"input of shape {shape} should give output of shape {shape}"
            assert xq.dtype == np.float64, f"{np.dtype(dtype).name} input should give float64 levels"
            want = _reference_levels(x, 3, -2.0, 2.0, "midtread")
            assert np.array_equal(xq, want), f"{np.dtype(dtype).name} input of shape {shape}: wrong levels"


# ------------------------------------------------------------------------------------------- q6


@question("q6", points=1)
def test_sqnr_fit_follows_law(student):
    """The fitted line is close to the 6.02 B + 1.76 dB law."""
    slope = student.value("sqnr_slope")
    offset = student.value("sqnr_offset")
    numbers = all(np.ndim(v) == 0 and np.asarray(v).dtype.kind in "iuf" for v in (slope, offset))
    assert numbers, "sqnr_slope and sqnr_offset should be numbers"
    slope, offset = float(slope), float(offset)
    assert abs(slope - SQNR_LAW_SLOPE) < 0.05, f"slope {slope:.3f} dB per bit, expected about 6.02"
    # The fit over 8..16 bits extrapolates to B = 0, which magnifies the small low-bit bias of a sine
    # (the solution gets about 1.51 dB): 0.4 dB of slack, still far from any known mistake.
    assert abs(offset - SQNR_LAW_OFFSET) < 0.4, f"offset {offset:.3f} dB, expected about 1.76"


# ------------------------------------------------------------------------------------------- q7


@question("q7", points=1)
def test_best_factor_minimizes_error(student):
    """The returned factor is one of the candidates and gives the smallest mean squared error."""
    rng = np.random.default_rng(707)
    x = rng.laplace(0.0, 2.0, 3000)
    factors = np.round(np.linspace(1.0, 8.0, 29), 2)
    sigma = np.std(x)
    calls = [("best_clip_factor", (x, n_bits, factors), {}) for n_bits in (2, 4, 6)]
    with prefetched(student, calls):
        for n_bits in (2, 4, 6):
            got = student.call("best_clip_factor", x, n_bits, factors)
            assert np.ndim(got) == 0 and float(got) in factors, (
                "best_clip_factor should return one of the factors"
            )
            mse = [
                np.mean((x - _reference_levels(x, n_bits, -c * sigma, c * sigma, "midrise")) ** 2)
                for c in factors
            ]
            assert float(got) == float(factors[int(np.argmin(mse))]), (
                f"{n_bits}-bit: the returned factor does not give the smallest error among the candidates"
            )
