"""Hidden tests of notebook 02, "Audio: bit depth you can hear".

The comparisons with the solution's outputs are the groups of ``cases.py`` (one reference test each);
these are the property tests, the upstream references with their sanity checks, and the
follow-through oracles. Points: each question's reference groups plus the tests here add up to its
points in manifest.toml: q1 1.25 + 0.75, q2 0.5 + 1.5, q3 0.75 + 1.25, q5 1.25 + 1.75, q7 1.0 + 1.0,
q8 1.0 + 0, q9 1.0 (two tolerance bands of the value) + 0, q10 1.75 + 0.25, q11 1.75 + 0.25.

Follow-through: q3 (``dithered_requantize``) calls q1's ``requantize`` and q2's dither functions, q8
(``companded_requantize``) calls q1 and q7, q9's value comes from q8. Their tests run with the
reference upstream functions and, when those lose points and the student's own pass their sanity
checks (``@upstream``), with the student's own; the better score counts. The reference groups of q3,
q8 and q9 are graded against the oracles (``@follow_through``) too.

The dither functions are called with integer seeds (a ``numpy.random.Generator`` cannot cross the
wire); their given first line ``rng = np.random.default_rng(rng)`` turns a seed into a generator.

Where the numbers come from:

* PCM grid: k / 2**(B-1), k in [-2**(B-1), 2**(B-1) - 1], ties to even (the notebook's definition);
* dither moments: uniform on [-D/2, D/2): mean 0, variance D**2/12, fourth moment D**4/80; TPDF (sum
  of two): variance D**2/6, fourth moment D**4/15 (sum of the cumulants), so the sample variance of
  n values has standard deviation sqrt((mu4 - sigma**4) / n); the Kolmogorov-Smirnov statistic of n
  values exceeds 2.2 / sqrt(n) with probability below 2e-4 (Kolmogorov's limit distribution);
* dithered error (Wannamaker, Lipshitz, Vanderkooy and Wright, IEEE Trans. Signal Processing 48(2),
  2000): mean 0 for RPDF and TPDF at every input, power D**2/4 for TPDF at every input;
* error feedback: y - x = e - sum_k h[k] e[n-1-k] with |e| <= D/2 wherever nothing clips;
  |NTF|**2 = 4 sin**2(w/2) (mean 2) and 16 sin**4(w/2) (mean 6);
* G.711: ITU-T G.191's ulaw_compress, through the solution's outputs on all 65,536 inputs (the
  reference groups); tests/autograder/course/test_02_audio.py pins those against an independent
  table of G.711's decision intervals and against ``audioop`` (where it exists);
* steps from a masking threshold: D = sqrt(12 T) (uniform noise of step D has power D**2 / 12).

Tolerances for statistics are five standard deviations of the estimate (a correct submission fails
one of these checks with probability below 1e-5), and every random input is seeded.
"""

from __future__ import annotations

import numpy as np

from autograder.testing import follow_through, prefetched, question, upstream

# ----------------------------------------------------------------------------------- references


def _reference_requantize(x, n_bits):
    """The notebook's requantize: round half to even, clip to the codes, divide."""
    scale = 2.0 ** (n_bits - 1)
    return np.clip(np.round(np.asarray(x, dtype=np.float64) * scale), -scale, scale - 1) / scale


def _reference_rpdf(n, step, rng):
    return np.random.default_rng(rng).uniform(-step / 2, step / 2, n)


def _reference_tpdf(n, step, rng):
    rng = np.random.default_rng(rng)
    return rng.uniform(-step / 2, step / 2, n) + rng.uniform(-step / 2, step / 2, n)


def _reference_noise_shaped(x, n_bits, h=(1.0,)):
    """The notebook's error-feedback loop (rounding error fed back, output clipped)."""
    scale = 2.0 ** (n_bits - 1)
    past = [0.0] * len(h)
    out = np.empty(len(x))
    for n, xn in enumerate(np.asarray(x, dtype=np.float64).tolist()):
        v = xn
        for hk, ek in zip(h, past, strict=True):
            v -= hk * ek
        u = round(v * scale) / scale
        if len(h):
            past = [u - v, *past[:-1]]
        out[n] = min(max(u, -1.0), 1.0 - 1.0 / scale)
    return out


def _reference_mu_compress(x, mu=255):
    x = np.asarray(x, dtype=np.float64)
    return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)


def _reference_mu_expand(y, mu=255):
    y = np.asarray(y, dtype=np.float64)
    return np.sign(y) * np.expm1(np.abs(y) * np.log1p(mu)) / mu


def _reference_a_compress(x, A=87.6):
    ax = np.abs(np.asarray(x, dtype=np.float64))
    d = 1.0 + np.log(A)
    return np.sign(x) * np.where(ax < 1 / A, A * ax / d, (1.0 + np.log(np.maximum(A * ax, 1.0))) / d)


def _reference_a_expand(y, A=87.6):
    ay = np.abs(np.asarray(y, dtype=np.float64))
    d = 1.0 + np.log(A)
    return np.sign(y) * np.where(ay < 1 / d, ay * d / A, np.exp(ay * d - 1.0) / A)


def _reference_companded(x, n_bits, law="mu"):
    if law == "mu":
        return _reference_mu_expand(_reference_requantize(_reference_mu_compress(x), n_bits))
    return _reference_a_expand(_reference_requantize(_reference_a_compress(x), n_bits))


def _width_db(levels, snr, drop=3.0):
    """The notebook's q9 procedure: contiguous range within `drop` dB of the best, ends interpolated."""
    best = int(np.argmax(snr))
    target = snr[best] - drop
    lo = best
    while lo > 0 and snr[lo - 1] >= target:
        lo -= 1
    hi = best
    while hi < snr.size - 1 and snr[hi + 1] >= target:
        hi += 1

    def cross(inside, outside):
        return levels[inside] + (snr[inside] - target) / (snr[inside] - snr[outside]) * (
            levels[outside] - levels[inside]
        )

    left = cross(lo, lo - 1) if lo > 0 else levels[0]
    right = cross(hi, hi + 1) if hi < snr.size - 1 else levels[-1]
    return float(right - left)


def _on_grid(y, n_bits) -> bool:
    codes = np.asarray(y, dtype=np.float64) * 2.0 ** (n_bits - 1)
    return bool(
        np.all(codes == np.round(codes))
        and codes.min() >= -(2 ** (n_bits - 1))
        and codes.max() <= 2 ** (n_bits - 1) - 1
    )


# ------------------------------------------------------------------------------ upstream checks


@upstream("requantize", reference=_reference_requantize)
def requantize_is_sane(requantize):
    """None when the student's requantize can serve for follow-through credit, else why not."""
    x = np.linspace(-1.2, 1.2, 241)
    y = np.asarray(requantize(x, 6), dtype=np.float64)
    if y.shape != x.shape or not np.all(np.isfinite(y)):
        return "requantize does not return one finite value per sample"
    if np.any(np.diff(y) < 0):
        return "requantize is not monotone"
    if np.max(np.abs(y - np.clip(x, -1, 1))) > 2.0**-5 + 1e-12:
        return "requantize is more than one step off"
    return None


def _dither_sane(draw, spread):
    """Loose on purpose: a wrong width or mean is q2's mistake, and q3 should grade the procedure with it."""
    d = np.asarray(draw(20_000, 0.1, 123), dtype=np.float64)
    if d.shape != (20_000,) or not np.all(np.isfinite(d)):
        return "the dither function does not return n finite values"
    if np.max(np.abs(d)) > 4 * spread * 0.1:
        return "the dither values are far wider than the step"
    return None


@upstream("rpdf_dither", reference=_reference_rpdf)
def rpdf_dither_is_sane(rpdf_dither):
    """Finite, zero-mean values within a few steps: good enough to grade q3's procedure with."""
    return _dither_sane(rpdf_dither, 1.0)


@upstream("tpdf_dither", reference=_reference_tpdf)
def tpdf_dither_is_sane(tpdf_dither):
    """Finite, zero-mean values within a few steps."""
    return _dither_sane(tpdf_dither, 2.0)


_NONZERO_GRID = np.linspace(-1, 1, 400)  # an even count: 0 itself is not on it


def _curve_sane(curve):
    """A curve fit for q8's follow-through: one finite value per nonzero input in [-1, 1], not constant.

    Loose on purpose: a wrong formula (no 1 +, no sign, no linear segment...) is q7's mistake, and q8
    should grade its procedure with it; a constant or broken function is not a curve.
    """
    y = np.asarray(curve(_NONZERO_GRID), dtype=np.float64)
    if y.shape != _NONZERO_GRID.shape or not np.all(np.isfinite(y)):
        return "the curve does not return one finite value per input"
    if np.unique(y).size < _NONZERO_GRID.size // 4:
        return "the curve takes too few distinct values to be a companding curve"
    return None


for _name, _ref in (
    ("mu_law_compress", _reference_mu_compress),
    ("mu_law_expand", _reference_mu_expand),
    ("a_law_compress", _reference_a_compress),
    ("a_law_expand", _reference_a_expand),
):
    upstream(_name, reference=_ref)(_curve_sane)


@upstream("companded_requantize", reference=_reference_companded)
def companded_is_sane(companded_requantize):
    """Fit for q9's follow-through: 8-bit mu-law gives one finite value per nonzero input, many levels."""
    y = np.asarray(companded_requantize(_NONZERO_GRID, 8, "mu"), dtype=np.float64)
    if y.shape != _NONZERO_GRID.shape or not np.all(np.isfinite(y)):
        return 'companded_requantize(x, 8, "mu") does not return one finite value per sample'
    if np.unique(y).size < 32:
        return 'companded_requantize(x, 8, "mu") takes too few distinct values'
    return None


# ------------------------------------------------------------------------- follow-through oracles


@follow_through("dithered_requantize", uses=("requantize", "rpdf_dither", "tpdf_dither"))
def dithered_with(requantize, rpdf_dither, tpdf_dither, x, n_bits, kind, rng=None):
    """The procedure of q3 for any upstream functions (the reference rows are deterministic: "none")."""
    x = np.asarray(x, dtype=np.float64)
    if kind not in ("none", "rpdf", "tpdf"):
        raise ValueError(kind)
    if kind == "none":
        return requantize(x, n_bits)
    draw = rpdf_dither if kind == "rpdf" else tpdf_dither
    return requantize(x + np.asarray(draw(x.size, 2.0 ** -(n_bits - 1), rng)).reshape(x.shape), n_bits)


@follow_through(
    "companded_requantize",
    uses=("mu_law_compress", "mu_law_expand", "a_law_compress", "a_law_expand", "requantize"),
)
def companded_with(
    mu_law_compress, mu_law_expand, a_law_compress, a_law_expand, requantize, x, n_bits, law="mu"
):
    """expand(requantize(compress(x))) with any upstream curves and requantizer."""
    if law == "mu":
        return mu_law_expand(requantize(mu_law_compress(x), n_bits))
    if law == "A":
        return a_law_expand(requantize(a_law_compress(x), n_bits))
    raise ValueError(law)


_WIDTH_GAINS_DB = np.arange(-70, 11)  # the notebook's gains_db (section 5)
_width_cache: dict[str, float] = {}  # one run of these tests grades one student: cache per run


@follow_through("mu_law_width_db", uses=("companded_requantize",))
def width_with(companded_requantize):
    """q9's value computed with any companded_requantize, on the notebook's speech and level grid.

    One call per gain (81 calls of 44,966 samples: all of them at once would be about 29 MB each way,
    more than a result may take on the wire). Runs only when the student's value disagrees with the
    reference's, once per run (both tolerance groups share it).
    """
    if "own" not in _width_cache:
        from quantkit import data, metrics

        speech8, _ = data.speech(8000)
        levels, snr = [], []
        for g in _WIDTH_GAINS_DB:
            x_g = speech8 * 10 ** (g / 20)
            y_g = np.asarray(companded_requantize(x_g, 8, "mu"), dtype=np.float64)
            levels.append(metrics.rms_dbfs(x_g))
            snr.append(metrics.snr_db(x_g, y_g))
        _width_cache["own"] = _width_db(np.array(levels), np.array(snr))
    return _width_cache["own"]


# ------------------------------------------------------------------------------------------- q1


@question("q1", points=0.5)
def test_requantize_on_grid_and_nearest(student, credit):
    """requantize returns float64 values on the B-bit grid, at most half a step from x inside the range."""
    rng = np.random.default_rng(201)
    settings = [(b, rng.uniform(-1.1, 1.1, 2000)) for b in (1, 3, 8, 13, 24)]
    with prefetched(student, [("requantize", (x, b), {}) for b, x in settings]):
        for b, x in settings:
            with credit.part():
                y = np.asarray(student.call("requantize", x, b))
                assert y.shape == x.shape and y.dtype == np.float64, (
                    "requantize should return float64 of x's shape"
                )
                assert _on_grid(y, b), f"some outputs are not on the {b}-bit grid k / 2**(B-1)"
                inside = (x >= -1) & (x < 1 - 2.0**-b)
                assert np.all(np.abs(y - x)[inside] <= 2.0**-b + 1e-15), (
                    "some outputs are not the nearest level"
                )


@question("q1", points=0.25)
def test_requantize_is_idempotent_and_monotone(student):
    """Requantizing twice changes nothing, and a larger input never gets a smaller output."""
    x = np.linspace(-1.5, 1.5, 3001)
    y = np.asarray(student.call("requantize", x, 5))
    assert np.all(np.diff(y) >= 0), "requantize should never decrease as x increases"
    assert np.array_equal(np.asarray(student.call("requantize", y, 5)), y), (
        "a level should requantize to itself"
    )


# ------------------------------------------------------------------------------------------- q2

N_DRAWS = 2**16


def _ks_uniform(d, half):
    u = np.sort((d + half) / (2 * half))
    n = u.size
    return float(np.max(np.maximum(np.arange(1, n + 1) / n - u, u - np.arange(n) / n)))


def _ks_triangular(d, step):
    t = np.sort(d / step)  # triangular on (-1, 1)
    cdf = np.where(t < 0, (1 + t) ** 2 / 2, 1 - (1 - t) ** 2 / 2)
    n = t.size
    return float(np.max(np.maximum(np.arange(1, n + 1) / n - cdf, cdf - np.arange(n) / n)))


@question("q2", points=0.5)
def test_rpdf_bounds_mean_variance(student, credit):
    """RPDF values lie in [-D/2, D/2) with mean 0 and variance D**2/12 (to five standard deviations)."""
    for step, seed in ((0.25, 1), (2.0**-15, 2)):
        with credit.part():
            d = np.asarray(student.call("rpdf_dither", N_DRAWS, step, seed), dtype=np.float64)
            assert d.shape == (N_DRAWS,), "rpdf_dither should return n values"
            assert np.all((d >= -step / 2) & (d <= step / 2)), (
                "RPDF values should lie within half a step of 0"
            )
            sigma2 = step**2 / 12
            assert abs(d.mean()) <= 5 * np.sqrt(sigma2 / N_DRAWS), "the mean of RPDF dither should be 0"
            sd_var = np.sqrt((step**4 / 80 - sigma2**2) / N_DRAWS)
            assert abs(d.var() - sigma2) <= 5 * sd_var, "the variance of RPDF dither should be step**2 / 12"


@question("q2", points=0.5)
def test_tpdf_bounds_mean_variance(student, credit):
    """TPDF values lie in (-D, D) with mean 0 and variance D**2/6 (to five standard deviations)."""
    for step, seed in ((0.25, 3), (2.0**-7, 4)):
        with credit.part():
            d = np.asarray(student.call("tpdf_dither", N_DRAWS, step, seed), dtype=np.float64)
            assert d.shape == (N_DRAWS,), "tpdf_dither should return n values"
            assert np.all(np.abs(d) < step), "TPDF values should lie within one step of 0"
            sigma2 = step**2 / 6
            assert abs(d.mean()) <= 5 * np.sqrt(sigma2 / N_DRAWS), "the mean of TPDF dither should be 0"
            sd_var = np.sqrt((step**4 / 15 - sigma2**2) / N_DRAWS)
            assert abs(d.var() - sigma2) <= 5 * sd_var, "the variance of TPDF dither should be step**2 / 6"


@question("q2", points=0.25)
def test_dither_shapes(student, credit):
    """RPDF values are uniform and TPDF values triangular (Kolmogorov-Smirnov, 2.2 / sqrt(n))."""
    with credit.part():
        d = np.asarray(student.call("rpdf_dither", N_DRAWS, 1.0, 5), dtype=np.float64)
        assert _ks_uniform(d, 0.5) <= 2.2 / np.sqrt(N_DRAWS), "RPDF values should be uniformly distributed"
    with credit.part():
        d = np.asarray(student.call("tpdf_dither", N_DRAWS, 1.0, 6), dtype=np.float64)
        assert _ks_triangular(d, 1.0) <= 2.2 / np.sqrt(N_DRAWS), (
            "TPDF values should have a triangular density"
        )


@question("q2", points=0.25)
def test_dither_values_are_independent(student, credit):
    """Successive dither values are uncorrelated (lag 1 and 2, within 5 / sqrt(n)), and new draws differ."""
    for name in ("rpdf_dither", "tpdf_dither"):
        with credit.part():
            d = np.asarray(student.call(name, N_DRAWS, 1.0, 7), dtype=np.float64)
            d = d - d.mean()
            for lag in (1, 2):
                r = np.dot(d[:-lag], d[lag:]) / np.dot(d, d)
                assert abs(r) <= 5 / np.sqrt(N_DRAWS), "successive dither values should be independent"
            other = np.asarray(student.call(name, 1000, 1.0, 8), dtype=np.float64)
            assert not np.array_equal(other, np.asarray(student.call(name, 1000, 1.0, 9))), (
                "different generators should give different dither"
            )


# ------------------------------------------------------------------------------------------- q3

_LEVELS_U = (np.arange(16) + 0.5) / 16
_REPEATS = 8000


def _constant_levels(n_bits):
    step = 2.0 ** -(n_bits - 1)
    return np.repeat(((3 + _LEVELS_U) * step)[:, None], _REPEATS, axis=1), step


@question("q3", points=0.5, uses=("requantize", "rpdf_dither", "tpdf_dither"))
def test_mean_error_is_zero_at_every_level(student, requantize, rpdf_dither, tpdf_dither, credit):
    """With RPDF or TPDF dither the mean error is the procedure's at 16 input levels (0 for the reference)."""
    x, step = _constant_levels(8)
    for kind, draw in (("rpdf", rpdf_dither), ("tpdf", tpdf_dither)):
        with credit.part():
            got = np.asarray(student.call("dithered_requantize", x, 8, kind, 31), dtype=np.float64)
            assert got.shape == x.shape, "dithered_requantize should keep the shape of x"
            expected = np.asarray(requantize(x + np.asarray(draw(x.size, step, 31)).reshape(x.shape), 8))
            tolerance = 5 * np.sqrt(2) * 1.5 * step / np.sqrt(_REPEATS)  # |error| <= 1.5 step
            gap = np.abs((got - x).mean(axis=1) - (expected - x).mean(axis=1))
            assert np.all(gap <= tolerance), f"with {kind} dither the mean error depends on the input level"


@question("q3", points=0.5, uses=("requantize", "rpdf_dither", "tpdf_dither"))
def test_tpdf_error_power_is_constant(student, requantize, rpdf_dither, tpdf_dither, credit):
    """With TPDF dither the error power is the procedure's at every level (step**2/4 for the reference)."""
    for n_bits in (8, 12):
        with credit.part():
            x, step = _constant_levels(n_bits)
            got = np.asarray(student.call("dithered_requantize", x, n_bits, "tpdf", 41), dtype=np.float64)
            expected = np.asarray(
                requantize(x + np.asarray(tpdf_dither(x.size, step, 41)).reshape(x.shape), n_bits)
            )
            tolerance = (
                5 * np.sqrt(2) * (2.25 * step**2 / 2) / np.sqrt(_REPEATS)
            )  # error**2 in [0, 2.25 step**2]
            gap = np.abs(((got - x) ** 2).mean(axis=1) - ((expected - x) ** 2).mean(axis=1))
            assert np.all(gap <= tolerance), "with TPDF dither the error power should not depend on the input"


@question("q3", points=0.25, uses=("requantize", "rpdf_dither", "tpdf_dither"))
def test_dithered_output_on_grid(student, requantize, rpdf_dither, tpdf_dither, credit):
    """Dithered outputs are requantized values (on the B-bit grid for the reference), shaped like x, and
    no farther from x than the procedure's (1.5 steps for the reference)."""
    rng = np.random.default_rng(301)
    x = rng.uniform(-0.9, 0.9, (40, 50))
    step = 2.0**-5
    for kind, draw in (("rpdf", rpdf_dither), ("tpdf", tpdf_dither)):
        with credit.part():
            y = np.asarray(student.call("dithered_requantize", x, 6, kind, 5), dtype=np.float64)
            assert y.shape == x.shape, "dithered_requantize should keep the shape of x"
            assert np.array_equal(np.asarray(requantize(y, 6)), y), (
                "dithered outputs should be on the B-bit grid (dither goes in before rounding)"
            )
            expected = np.asarray(requantize(x + np.asarray(draw(x.size, step, 5)).reshape(x.shape), 6))
            bound = max(1.5 * step, float(np.max(np.abs(expected - x))))
            assert np.max(np.abs(y - x)) <= bound + 1e-12, "the error exceeds what the dither can explain"


# ------------------------------------------------------------------------------------------- q5


def _rebuilt_errors(x, y, taps):
    """e from y - x = e[n] - sum_k h[k] e[n-1-k], solved forward."""
    d = np.asarray(y, dtype=np.float64) - x
    e = np.zeros(d.size)
    for n in range(d.size):
        acc = d[n]
        for k, hk in enumerate(taps):
            if n - 1 - k >= 0:
                acc += hk * e[n - 1 - k]
        e[n] = acc
    return e


_SHAPER_SETTINGS = ((8, (1.0,)), (6, (2.0, -1.0)), (10, (1.5, -0.75, 0.125)), (7, ()))


@question("q5", points=0.25)
def test_shaped_outputs_on_grid(student, credit):
    """Every output is float64 on the B-bit grid, shaped like x."""
    rng = np.random.default_rng(501)
    x = rng.uniform(-1.0, 1.0, 3000)
    calls = [("noise_shaped_requantize", (x, b, h), {}) for b, h in _SHAPER_SETTINGS]
    with prefetched(student, calls):
        for b, h in _SHAPER_SETTINGS:
            with credit.part():
                y = np.asarray(student.call("noise_shaped_requantize", x, b, h))
                assert y.shape == x.shape and y.dtype == np.float64, (
                    "the output should be float64 of x's shape"
                )
                assert _on_grid(y, b), "some outputs are not on the B-bit grid (feed back before rounding)"


@question("q5", points=0.5)
def test_shaped_error_is_filtered_rounding_error(student, credit):
    """Where nothing clips, y - x = e[n] - sum_k h[k] e[n-1-k] with |e| <= step/2 (to 1e-12)."""
    rng = np.random.default_rng(502)
    x = rng.uniform(-0.5, 0.5, 4000)
    calls = [("noise_shaped_requantize", (x, b, h), {}) for b, h in _SHAPER_SETTINGS]
    with prefetched(student, calls):
        for b, h in _SHAPER_SETTINGS:
            with credit.part():
                y = np.asarray(student.call("noise_shaped_requantize", x, b, h), dtype=np.float64)
                e = _rebuilt_errors(x, y, h)
                assert np.max(np.abs(e)) <= 2.0**-b + 1e-12, (
                    "y - x is not the rounding error filtered by 1 - sum h z^-(k+1): "
                    "check the sign and what is fed back"
                )


@question("q5", points=0.5)
def test_shaped_error_spectrum(student, credit):
    """On 2**15 samples of noise the total error power is 2x (first order) and 6x (second order) step**2/12
    (within 8 %), and the first-order error below fs/16 is at least 10 dB below its share without shaping
    (theory: 12.9 dB)."""
    rng = np.random.default_rng(503)
    x = np.clip(0.1 * rng.standard_normal(2**15), -0.5, 0.5)
    step = 2.0**-7
    for taps, gain in (((1.0,), 2.0), ((2.0, -1.0), 6.0)):
        with credit.part():
            y = np.asarray(student.call("noise_shaped_requantize", x, 8, taps), dtype=np.float64)
            e = y - x
            ratio = np.mean(e**2) / (step**2 / 12)
            assert abs(ratio / gain - 1) <= 0.08, "the total error power is not that of the NTF"
            if taps == (1.0,):
                spectrum = np.abs(np.fft.rfft(e * np.hanning(e.size))) ** 2
                low = spectrum[: spectrum.size // 16].sum() / spectrum.sum()
                assert low <= 10 ** (-10 / 10) / 16, "the error is not pushed out of the low frequencies"


@question("q5", points=0.5)
def test_overload_does_not_run_away(student, credit):
    """A 100 Hz sine of amplitude 1.2 clipped to +-1, second-order feedback: the output stays within the
    codes and the error RMS within twice the reference's plus one step (feeding back the clipping error
    makes it about 25 times larger at 8 bits)."""
    t = np.arange(4000) / 44100
    x = np.clip(1.2 * np.sin(2 * np.pi * 100.0 * t), -1.0, 1.0)
    for b in (8, 6):
        with credit.part():
            y = np.asarray(student.call("noise_shaped_requantize", x, b, (2.0, -1.0)), dtype=np.float64)
            good = _reference_noise_shaped(x, b, (2.0, -1.0))
            assert np.all((y >= -1.0) & (y <= 1.0 - 2.0 ** -(b - 1))), (
                "the output should be clipped to the codes"
            )
            rms, rms_good = np.sqrt(np.mean((y - x) ** 2)), np.sqrt(np.mean((good - x) ** 2))
            assert rms <= 2 * rms_good + 2.0 ** -(b - 1), (
                "the error runs away on a clipping input: is the clipping error fed back?"
            )


# ------------------------------------------------------------------------------------------- q7


@question("q7", points=0.5)
def test_curves_are_inverse_pairs(student, credit):
    """expand(compress(x)) = x and compress(expand(y)) = y to 1e-12, for both laws and other parameters."""
    x = np.concatenate([np.linspace(-1, 1, 1001), [1e-12, -3e-7, 0.5 / 87.6, 1 / 87.6]])
    pairs = (
        ("mu_law_compress", "mu_law_expand", {}),
        ("mu_law_compress", "mu_law_expand", {"mu": 100}),
        ("a_law_compress", "a_law_expand", {}),
        ("a_law_compress", "a_law_expand", {"A": 50.0}),
    )
    for compress, expand, kw in pairs:
        with credit.part():
            y = np.asarray(student.call(compress, x, **kw), dtype=np.float64)
            back = np.asarray(student.call(expand, y, **kw), dtype=np.float64)
            assert np.allclose(back, x, rtol=1e-12, atol=1e-12), f"{expand} does not undo {compress}"
            again = np.asarray(student.call(compress, np.asarray(student.call(expand, x, **kw)), **kw))
            assert np.allclose(again, x, rtol=1e-12, atol=1e-12), f"{compress} does not undo {expand}"


@question("q7", points=0.25)
def test_curves_are_odd_and_fix_the_ends(student, credit):
    """Each curve is odd, maps 0 to 0 and +-1 to +-1 (to 1e-12)."""
    x = np.linspace(0, 1, 101)
    for name in ("mu_law_compress", "mu_law_expand", "a_law_compress", "a_law_expand"):
        with credit.part():
            plus = np.asarray(student.call(name, x), dtype=np.float64)
            minus = np.asarray(student.call(name, -x), dtype=np.float64)
            assert np.allclose(minus, -plus, rtol=0, atol=1e-12), f"{name} should be odd"
            assert abs(plus[0]) <= 1e-12 and abs(plus[-1] - 1) <= 1e-12, (
                f"{name} should map 0 to 0 and 1 to 1"
            )


@question("q7", points=0.25)
def test_a_law_linear_segment(student):
    """Below |x| = 1/A the A-law compressor is exactly linear, A|x| / (1 + ln A), and continuous at 1/A."""
    x = np.linspace(0, 1 / 87.6, 50, endpoint=False)[1:]
    y = np.asarray(student.call("a_law_compress", x), dtype=np.float64)
    assert np.allclose(y, 87.6 * x / (1 + np.log(87.6)), rtol=1e-12, atol=1e-15), "A-law is linear below 1/A"
    edge = np.asarray(
        student.call("a_law_compress", np.array([1 / 87.6 * (1 - 1e-9), 1 / 87.6 * (1 + 1e-9)]))
    )
    assert abs(edge[1] - edge[0]) <= 1e-8, "A-law should be continuous at |x| = 1/A"


# ------------------------------------------------------------------------------------------ q10


@question("q10", points=0.25)
def test_g711_codes_are_uint8_and_ordered(student):
    """uint8 codes; all 256 used over the int16 range; codes fall as x rises (x >= 0) and rise (x < 0)."""
    x = np.arange(-32768, 32768, dtype=np.int64).astype(np.int16)
    codes = np.asarray(student.call("g711_ulaw_encode", x))
    assert codes.dtype == np.uint8 and codes.shape == x.shape, "g711_ulaw_encode should return uint8 codes"
    assert np.unique(codes).size == 256, "every one of the 256 codes should be used"
    c = codes.astype(np.int64)
    assert np.all(np.diff(c[32768:]) <= 0) and np.all(np.diff(c[:32768]) >= 0), (
        "the codes are not ordered like G.711's"
    )


# ------------------------------------------------------------------------------------------ q11


@question("q11", points=0.25)
def test_band_indices_reconstruct_within_half_a_step(student, credit):
    """int64 indices whose index * step is within half that band's step of every coefficient."""
    rng = np.random.default_rng(1101)
    edges = np.array([0, 4, 9, 20, 33, 64])
    for shape in ((64,), (7, 64)):
        with credit.part():
            c = rng.normal(size=shape) * 3
            steps = 10.0 ** rng.uniform(-2, 0, (*shape[:-1], 5))
            q = np.asarray(student.call("quantize_bands", c, edges, steps))
            assert q.dtype == np.int64 and q.shape == c.shape, "quantize_bands should return int64 indices"
            per = np.repeat(steps, np.diff(edges), axis=-1)
            assert np.all(np.abs(q * per - c) <= per / 2 * (1 + 1e-12)), "an index is not the nearest one"
