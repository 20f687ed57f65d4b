"""Hidden property tests of notebook 01, "Sampling vs quantization".

The comparisons with the solution's outputs are the groups of ``cases.py`` (one reference test each);
these are the property tests. Each is marked with its question and points; a question's points in
``manifest.toml`` equal its groups' and tests' points together. A test with parts (``credit.part()``)
scores the fraction of its parts that pass. Messages state the property, never the inputs.

Follow-through credit: q4 uses the student's ``quantize_indices`` and ``dequantize``, q6 and q7 their
``quantize_uniform``. For those questions, the reference cases are graded a second time against what
the question's procedure gives *with the student's own upstream functions* (the ``@follow_through``
oracles), and the property tests that take an upstream function run with the reference implementation
and with the student's (``uses=``): each test keeps the better score. The student's upstream function
counts only when it passes its sanity check (``@upstream``): it runs, keeps the shape and is monotone,
and the quantizer is a staircase, so a constant, the identity or a broken function earns nothing.

Where the closed forms come from:

* ``sample``: N = round(duration * fs) instants t = n / fs (the notebook's definition);
* ``alias_frequency``: |f - fs round(f / fs)| lies in [0, fs / 2], is even in f and fs-periodic,
  and is f itself below fs / 2 (the folding derivation in section 2);
* the quantizer: L = 2**n_bits levels, step = (x_max - x_min) / L; inside the range the error is at
  most step / 2; the quantizer is monotonic, idempotent (a level quantizes to itself) and its
  decoder inverts its encoder on 0..L-1 (section 3);
* the SQNR fit: a least-squares line through 10 log10(P_x / P_e) at 8..16 bits, mid-rise on [-1, 1);
* ``best_clip_factor``: the candidate with the smallest mean squared error, first on ties (q7).
"""

from __future__ import annotations

import numpy as np

from autograder.testing import follow_through, prefetched, question, upstream
from quantkit.signals import sine

MODES = ("midrise", "midtread")
SQNR_BITS = np.arange(8, 17)
SQNR_SIGNAL = np.sin(2 * np.pi * 997.0 * np.arange(8000) / 8000.0)


# ---------------------------------------------------------------------- reference implementations


def _indices(x, n_bits, x_min, x_max, mode="midrise"):
    n_levels = 2**n_bits
    u = (np.asarray(x, dtype=np.float64) - x_min) / ((x_max - x_min) / n_levels)
    k = np.floor(u) if mode == "midrise" else np.floor(u + 0.5)
    return np.clip(k, 0, n_levels - 1).astype(np.int64)


def _levels(k, n_bits, x_min, x_max, mode="midrise"):
    n_levels = 2**n_bits
    step = (x_max - x_min) / n_levels
    k = np.clip(np.asarray(k), 0, n_levels - 1)
    return x_min + (k + 0.5) * step if mode == "midrise" else x_min + k * step


def _quantizer(x, n_bits, x_min, x_max, mode="midrise"):
    """The notebook's quantizer, written out once more for the property tests (float64)."""
    return _levels(_indices(x, n_bits, x_min, x_max, mode), n_bits, x_min, x_max, mode)


_PROBE = np.linspace(-1.3, 1.3, 131)


@upstream("quantize_indices", reference=_indices)
def indices_are_sane(quantize_indices):
    """Usable for follow-through: integer indices of the input's shape, never decreasing."""
    for mode in MODES:
        k = np.asarray(quantize_indices(_PROBE, 3, -1.0, 1.0, mode=mode))
        if k.shape != _PROBE.shape or k.dtype.kind not in "iu" or np.any(np.diff(k) < 0):
            return "quantize_indices does not give non-decreasing integer indices of the input's shape"
    return None


@upstream("dequantize", reference=_levels)
def levels_are_sane(dequantize):
    """Usable for follow-through: float levels of the indices' shape, increasing with the index."""
    for mode in MODES:
        levels = np.asarray(dequantize(np.arange(8), 3, -1.0, 1.0, mode=mode), dtype=np.float64)
        if levels.shape != (8,) or np.any(np.diff(levels) <= 0):
            return "dequantize does not give increasing levels"
    return None


@upstream("quantize_uniform", reference=_quantizer)
def quantizer_is_sane(quantize_uniform):
    """Usable for follow-through: a staircase, i.e. monotone, of the input's shape, finite, with at
    least two outputs and at most half as many distinct outputs as inputs.

    Deliberately no more than that: a quantizer with wrong levels (L = 2 B, a step of range / (L - 1),
    indices instead of levels, no clipping) is still a staircase, and q6 and q7 grade what the
    student's procedure makes of it. The identity (an output per input) and a constant (one output)
    are not staircases, so they earn nothing downstream.
    """
    for n_bits in (2, 4):
        for mode in MODES:
            xq = np.asarray(quantize_uniform(_PROBE, n_bits, -1.0, 1.0, mode=mode), dtype=np.float64)
            if xq.shape != _PROBE.shape or not np.all(np.isfinite(xq)) or np.any(np.diff(xq) < 0):
                return "quantize_uniform is not monotone or changes the shape"
            if not 2 <= np.unique(xq).size <= _PROBE.size // 2:
                return "quantize_uniform is not a staircase (one output, or about one output per input)"
    return None


# ------------------------------------------------------------------------ follow-through oracles


@follow_through("quantize_uniform", uses=("quantize_indices", "dequantize"))
def quantizer_with(quantize_indices, dequantize, x, n_bits, x_min, x_max, mode="midrise"):
    """q4's procedure: the decoder after the encoder, the mode passed to both."""
    k = quantize_indices(x, n_bits, x_min, x_max, mode=mode)
    return np.asarray(dequantize(k, n_bits, x_min, x_max, mode=mode), dtype=np.float64)


def _fit(quantize_uniform):
    measured = []
    for n_bits in SQNR_BITS:
        xq = np.asarray(quantize_uniform(SQNR_SIGNAL, int(n_bits), -1.0, 1.0), dtype=np.float64)
        measured.append(10 * np.log10(np.mean(SQNR_SIGNAL**2) / np.mean((SQNR_SIGNAL - xq) ** 2)))
    slope, offset = np.polyfit(SQNR_BITS, measured, 1)
    return float(slope), float(offset)


@follow_through("sqnr_slope", uses=("quantize_uniform",))
def slope_with(quantize_uniform):
    """q6's procedure with the student's quantizer: the fitted slope."""
    return _fit(quantize_uniform)[0]


@follow_through("sqnr_offset", uses=("quantize_uniform",))
def offset_with(quantize_uniform):
    """q6's procedure with the student's quantizer: the fitted offset."""
    return _fit(quantize_uniform)[1]


def _best_factor(quantize_uniform, x, n_bits, factors):
    x = np.asarray(x, dtype=np.float64)
    sigma = np.std(x)
    mses = [
        np.mean((x - np.asarray(quantize_uniform(x, n_bits, -c * sigma, c * sigma), dtype=np.float64)) ** 2)
        for c in factors
    ]
    return float(factors[int(np.argmin(mses))])


@follow_through("best_clip_factor", uses=("quantize_uniform",))
def best_factor_with(quantize_uniform, x, n_bits, factors):
    """q7's procedure with the student's quantizer: the first factor of smallest mean squared error."""
    return _best_factor(quantize_uniform, x, n_bits, factors)


# ------------------------------------------------------------------------------------------- q1


@question("q1", points=0.5)
def test_sample_grid_properties(student, credit):
    """sample returns round(duration * fs) instants n / fs and the signal's values there."""
    grid = ((1000.0, 0.0127, 50.0), (7.0, 3.0, 1.5), (22050.0, 0.002, 3000.0))
    calls = [("sample", (sine(freq, 0.5), fs, duration), {}) for fs, duration, freq in grid]
    with prefetched(student, calls):
        for fs, duration, freq in grid:
            with credit.part():
                t, x = student.call("sample", sine(freq, 0.5), fs, duration)
                t, x = np.asarray(t), np.asarray(x)
                n = round(duration * fs)
                assert t.shape == (n,) and x.shape == (n,), (
                    "sample should return two arrays of round(duration * fs) values"
                )
                assert np.allclose(t, np.arange(n) / fs, rtol=1e-12, atol=1e-12), (
                    "the instants should be n / fs"
                )
                assert np.allclose(x, 0.5 * np.sin(2 * np.pi * freq * t), rtol=1e-12, atol=1e-12), (
                    "the samples should be the signal's values at the instants t"
                )


@question("q1", points=0.5)
def test_sample_counts_never_drift(student, credit):
    """The number of samples is round(duration * fs) for durations a float step would miscount."""
    rng = np.random.default_rng(11)
    grid = [(10.0, 0.34), (10.0, 0.7), (100.0, 0.29), (3.0, 1.9)]
    rates, durations = rng.integers(5, 400, 8), np.round(rng.uniform(0.01, 2.0, 8), 3)
    grid += [(float(fs), float(d)) for fs, d in zip(rates, durations, strict=True)]
    calls = [("sample", (sine(1.0), fs, duration), {}) for fs, duration in grid]
    with prefetched(student, calls):
        for fs, duration in grid:
            with credit.part():
                t, _x = student.call("sample", sine(1.0), fs, duration)
                assert np.size(t) == round(duration * fs), (
                    "the number of samples should be round(duration * fs): count with an integer n, "
                    "not a float step"
                )


# ------------------------------------------------------------------------------------------- q2


@question("q2", points=0.75)
def test_alias_properties(student, credit):
    """The alias lies in [0, fs / 2], is fs-periodic and even in f, and keeps tones below fs / 2."""
    rng = np.random.default_rng(101)
    fs = 1000.0
    f = np.round(rng.uniform(0.0, 5000.0, 200), 3)
    with prefetched(student, [("alias_frequency", (g, fs), {}) for g in (f, f + 3 * fs, -f)]):
        got = np.asarray(student.call("alias_frequency", f, fs), dtype=np.float64)
        shifted = np.asarray(student.call("alias_frequency", f + 3 * fs, fs), dtype=np.float64)
        mirrored = np.asarray(student.call("alias_frequency", -f, fs), dtype=np.float64)
    assert got.shape == f.shape, "alias_frequency should return an array of the shape of f"
    with credit.part():
        assert np.all((got >= 0) & (got <= fs / 2)), "the alias should lie in [0, fs / 2]"
    with credit.part():
        assert np.allclose(shifted, got, atol=1e-9), "adding a multiple of fs should not change the alias"
    with credit.part():
        assert np.allclose(mirrored, got, atol=1e-9), "f and -f should have the same alias"
    low = f <= fs / 2
    with credit.part():
        assert np.allclose(got[low], f[low], atol=1e-9), "a tone below fs / 2 should keep its frequency"


# ------------------------------------------------------------------------------------------- q3


@question("q3", points=0.75)
def test_encoder_properties(student, credit):
    """Indices are integers in 0..L-1, monotonic, within half a step inside the range, same for float32."""
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
                with credit.part():
                    assert k.shape == x.shape, "quantize_indices should keep the shape of x"
                    assert k.dtype.kind in "iu", "quantize_indices should return integer indices"
                    assert k.min() >= 0 and k.max() <= n_levels - 1, "indices should lie in 0..L-1"
                    assert np.all(np.diff(k) >= 0), "a larger input should never get a smaller index"
                with credit.part():
                    centre = _levels(k, n_bits, -1.0, 1.0, mode)
                    inside = x < 1.0 - step / 2 if mode == "midtread" else x < 1.0
                    too_far = int(np.sum(np.abs(centre - x)[inside] > step / 2 + 1e-12))
                    assert too_far == 0, (
                        f"{n_bits}-bit {mode}: the index is not the nearest level's on {too_far} "
                        f"of {int(np.sum(inside))} values inside the range"
                    )
                k32 = np.asarray(student.call("quantize_indices", x32, n_bits, -1.0, 1.0, mode=mode))
                k64 = np.asarray(
                    student.call("quantize_indices", x32.astype(np.float64), n_bits, -1.0, 1.0, mode=mode)
                )
                with credit.part():
                    assert k32.dtype.kind in "iu" and np.array_equal(k32, k64), (
                        "float32 input should give the same indices as the same values in float64"
                    )


@question("q3", points=0.25)
def test_decoder_inverts_encoder(student, credit):
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
                with credit.part():
                    levels = student.call("dequantize", k, n_bits, x_min, x_max, mode=mode)
                    back = np.asarray(
                        student.call("quantize_indices", levels, n_bits, x_min, x_max, mode=mode)
                    )
                    assert np.array_equal(back, k), (
                        f"{n_bits}-bit {mode}: quantize_indices(dequantize(k)) differs from k"
                    )


# ------------------------------------------------------------------------------------------- q4


@question("q4", points=0.5, uses=("quantize_indices", "dequantize"))
def test_quantizer_is_the_decoder_after_the_encoder(student, credit, quantize_indices, dequantize):
    """quantize_uniform equals dequantize(quantize_indices(x)) with the mode passed to both, 1 to 12 bits."""
    rng = np.random.default_rng(404)
    x = np.sort(rng.uniform(-2.5, 2.5, 4000))  # a quarter of the values lie outside [-2, 2)
    grid = [(n_bits, mode) for n_bits in (1, 2, 5, 12) for mode in MODES]
    calls = [("quantize_uniform", (x, n_bits, -2.0, 2.0), {"mode": mode}) for n_bits, mode in grid]
    with prefetched(student, calls):
        for n_bits, mode in grid:
            with credit.part():
                xq = np.asarray(
                    student.call("quantize_uniform", x, n_bits, -2.0, 2.0, mode=mode), dtype=np.float64
                )
                assert xq.shape == x.shape, "quantize_uniform should keep the shape of x"
                k = quantize_indices(x, n_bits, -2.0, 2.0, mode=mode)
                want = np.asarray(dequantize(k, n_bits, -2.0, 2.0, mode=mode), dtype=np.float64)
                differ = int(np.sum(~np.isclose(xq, want, rtol=0, atol=1e-12)))
                assert differ == 0, (
                    f"{n_bits}-bit {mode}: {differ} of {x.size} outputs are not the decoder after the encoder"
                )


@question("q4", points=0.5, uses=("quantize_indices", "dequantize"))
def test_quantizer_shapes_and_dtypes(student, credit, quantize_indices, dequantize):
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
            with credit.part():
                xq = np.asarray(student.call("quantize_uniform", x, 3, -2.0, 2.0, mode="midtread"))
                assert xq.shape == shape, f"input of shape {shape} should give output of shape {shape}"
                assert xq.dtype == np.float64, f"{np.dtype(dtype).name} input should give float64 levels"
                want = dequantize(
                    quantize_indices(x, 3, -2.0, 2.0, mode="midtread"), 3, -2.0, 2.0, mode="midtread"
                )
                assert np.allclose(xq, np.asarray(want, dtype=np.float64), rtol=0, atol=1e-12), (
                    f"{np.dtype(dtype).name} input of shape {shape}: wrong levels"
                )


# ------------------------------------------------------------------------------------------- q7


@question("q7", points=1, uses=("quantize_uniform",))
def test_best_factor_minimizes_error(student, credit, quantize_uniform):
    """The returned factor gives the smallest mean squared error among the candidates, for the quantizer."""
    rng = np.random.default_rng(707)
    x = rng.laplace(0.0, 2.0, 3000)
    factors = np.round(np.linspace(1.0, 8.0, 29), 2)
    calls = [("best_clip_factor", (x, n_bits, factors), {}) for n_bits in (2, 4, 6)]
    with prefetched(student, calls):
        for n_bits in (2, 4, 6):
            with credit.part():
                got = student.call("best_clip_factor", x, n_bits, factors)
                assert np.ndim(got) == 0 and float(got) in factors, (
                    "best_clip_factor should return one of the factors"
                )
                assert float(got) == _best_factor(quantize_uniform, x, n_bits, factors), (
                    f"{n_bits}-bit: the returned factor does not give the smallest error among the candidates"
                )


@question("q7", points=0.5)
def test_best_factor_is_one_of_the_candidates(student, credit):
    """best_clip_factor returns a single number, one of the candidates, for arrays and lists of factors."""
    rng = np.random.default_rng(708)
    x = rng.normal(0.0, 3.0, 800)
    for factors in ([2.0, 3.0, 4.0], np.array([1.5, 2.5, 3.5, 4.5]), [3.25]):
        with credit.part():
            got = student.call("best_clip_factor", x, 3, factors)
            assert np.ndim(got) == 0 and np.asarray(got).dtype.kind == "f", (
                "best_clip_factor should return a single float"
            )
            assert float(got) in [float(c) for c in factors], (
                "best_clip_factor should return one of the factors"
            )
