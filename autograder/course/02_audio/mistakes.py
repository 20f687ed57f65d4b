"""Known mistakes of notebook 02, by the solution cell each one edits (``old`` occurs there once).

Applied to the solution, a mistake is a full submission that must lose points in its own question (the
cell's ``qN``) and nowhere else: the later questions that call the edited function (q3 calls q1 and
q2, q8 calls q1 and q7, q9 calls q8) grade their procedure against the student's own functions too
(follow-through, hidden_tests.py). Hints say what to look at, not the answer. Three, at most four,
per graded function: the common ones (each costs a graded run in ``quantgrade verify``).

Mistakes marked "property" change no hidden reference row (the dither functions are random, so their
rows hold only the deterministic cases); the property tests named in the comment catch them.
"""

from __future__ import annotations

from autograder.spec import Mistake as M

MISTAKES = {
    "q1_requantize": [
        M(
            "round_half_up",
            "k = np.round(np.asarray(x, dtype=np.float64) * scale)",
            "k = np.floor(np.asarray(x, dtype=np.float64) * scale + 0.5)",
            "rounds ties half up (notebook 01's rule) instead of half to even",
            "A sample exactly half-way between two codes: which one does this notebook's rule pick, and "
            "what does np.round(2.5) give?",
        ),
        M(
            "clip_at_one",
            "np.clip(k, -scale, scale - 1)",
            "np.clip(k, -scale, scale)",
            "clips at +1.0 instead of 1 - 2**-(B-1)",
            "The largest code of a B-bit sample is 2**(B-1) - 1: which value does it stand for?",
        ),
        M(
            "truncates",
            "k = np.round(",
            "k = np.trunc(",
            "truncates toward zero instead of rounding",
            "Compare your result for 0.9 LSB and -0.9 LSB with the nearest level.",
        ),
        M(
            "step_two_to_minus_b",
            "scale = 2.0 ** (int(n_bits) - 1)",
            "scale = 2.0 ** int(n_bits)",
            "uses 2**B codes per unit instead of 2**(B-1) (a step half the LSB)",
            "[-1, 1) has width 2: with 2**B codes, how wide is one step?",
        ),
    ],
    "q2_rpdf_dither": [
        # property: test_rpdf_bounds_mean_variance
        M(
            "rpdf_full_step",
            "rng.uniform(-step / 2, step / 2, int(n))",
            "rng.uniform(-step, step, int(n))",
            "RPDF dither of +-step instead of +-step/2",
            "RPDF dither is as wide as one step: measure the variance of your values against step**2 / 12.",
        ),
        # property: test_rpdf_bounds_mean_variance (the mean)
        M(
            "rpdf_positive",
            "rng.uniform(-step / 2, step / 2, int(n))",
            "rng.uniform(0.0, step, int(n))",
            "RPDF dither on [0, step): not zero-mean",
            "What is the mean of your dither? Dither must not shift the signal.",
        ),
        # property: test_rpdf_bounds_mean_variance (the bounds) and test_rpdf_is_uniform
        M(
            "rpdf_gaussian",
            "rng.uniform(-step / 2, step / 2, int(n))",
            "rng.normal(0.0, step / np.sqrt(12), int(n))",
            "Gaussian values of the right variance instead of uniform ones",
            "Rectangular means uniform: every value in [-step/2, step/2) equally likely, none outside.",
        ),
    ],
    "q2_tpdf_dither": [
        # property: test_tpdf_bounds_mean_variance
        M(
            "tpdf_one_wide_uniform",
            "return first + second",
            "return rng.uniform(-step, step, int(n))",
            "TPDF as one uniform of width 2 step",
            "The sum of two uniform values is not uniform: plot a histogram of yours. What is its variance?",
        ),
        # property: test_tpdf_bounds_mean_variance
        M(
            "tpdf_average",
            "return first + second",
            "return (first + second) / 2",
            "the average of two uniforms instead of their sum",
            "Variance of the sum of two independent values: add the variances. Is yours step**2 / 6?",
        ),
        # property: test_dither_values_are_independent
        M(
            "tpdf_high_pass",
            "return first + second",
            "return first - np.concatenate([[0.0], first[:-1]])",
            "one uniform minus the previous one: triangular but correlated",
            "Successive dither values must be independent: compute the correlation of d[n] and d[n+1].",
        ),
    ],
    "q3_dithered_requantize": [
        # property: test_dithered_output_on_grid
        M(
            "dither_after_rounding",
            "return requantize(x + d, n_bits)",
            "return requantize(x, n_bits) + d",
            "adds the dither after rounding",
            "Is your output still on the B-bit grid? Dither goes in before the rounding.",
        ),
        # property: test_tpdf_error_power_is_constant
        M(
            "dither_half_lsb",
            "step = 2.0 ** -(n_bits - 1)",
            "step = 2.0 ** -n_bits",
            "dither for a step half the LSB",
            "The dither's step is the step of the B-bit grid: 2 / 2**B.",
        ),
        # property: test_tpdf_error_power_is_constant
        M(
            "kinds_swapped",
            'draw = rpdf_dither if kind == "rpdf" else tpdf_dither',
            'draw = tpdf_dither if kind == "rpdf" else rpdf_dither',
            "RPDF and TPDF swapped",
            "Measure the error power at several input levels for each kind.",
        ),
    ],
    "q5_noise_shaped_requantize": [
        M(
            "wrong_sign",
            "v -= hk * ek",
            "v += hk * ek",
            "adds the past errors instead of subtracting them",
            "Write y - x for one tap: the error should be filtered by 1 - z**-1, not 1 + z**-1.",
        ),
        M(
            "feeds_back_x_minus_y",
            "past = [u - v, *past[:-1]]",
            "past = [xn - min(max(u, -1.0), top), *past[:-1]]",
            "feeds back x - y instead of the rounding error",
            "The fed-back error is what the rounding did to v: u - v. x - y mixes in the feedback itself "
            "and the clipping.",
        ),
        M(
            "feeds_back_clipping",
            "past = [u - v, *past[:-1]]",
            "past = [min(max(u, -1.0), top) - v, *past[:-1]]",
            "feeds back the clipping error too",
            "Try a full-scale square wave with second-order feedback: what happens when the clipping error "
            "goes round the loop?",
        ),
        M(
            "subtract_after_rounding",
            "v = xn\n        for hk, ek in zip(taps, past):\n"
            "            v -= hk * ek\n        u = round(v * scale) / scale",
            "u = round(xn * scale) / scale\n        v = xn\n"
            "        for hk, ek in zip(taps, past):\n            u -= hk * ek",
            "subtracts the past errors after rounding (outputs off the grid)",
            "Is every output k / 2**(B-1)? The feedback must act before the rounding.",
        ),
    ],
    "q7_mu_law_compress": [
        M(
            "no_one_plus",
            "np.log1p(mu * np.abs(x))",
            "np.log(mu * np.abs(x))",
            "log(mu |x|) without the 1 +",
            "What is your compressor at x = 0? The curve must pass through 0.",
            propagates="q9: the compressor gives NaN at x = 0 (log of 0), so the notebook's own q9 cell "
            "fails on the speech's silent samples and sets no value",
        ),
        M(
            "denominator_ln_mu",
            "/ np.log1p(mu)",
            "/ np.log(mu)",
            "divides by ln(mu) instead of ln(1 + mu)",
            "What is your compressor at x = 1? It must be exactly 1.",
        ),
        M(
            "no_sign",
            "np.sign(x) * np.log1p(mu * np.abs(x))",
            "np.log1p(mu * np.abs(x))",
            "forgets the sign",
            "The curve is odd: F(-x) = -F(x).",
        ),
    ],
    "q7_mu_law_expand": [
        M(
            "mu_expand_uses_compressor",
            "return np.sign(y) * np.expm1(np.abs(y) * np.log1p(mu)) / mu",
            "return np.sign(y) * np.log1p(mu * np.abs(y)) / np.log1p(mu)",
            "expands with the compressor's formula",
            "Solve y = ln(1 + mu x) / ln(1 + mu) for x.",
        ),
        M(
            "no_minus_one",
            "np.expm1(np.abs(y) * np.log1p(mu))",
            "np.exp(np.abs(y) * np.log1p(mu))",
            "(1 + mu)**|y| without the - 1",
            "What does your expander give at y = 0?",
        ),
        M(
            "base_mu",
            "np.log1p(mu)) / mu",
            "np.log(mu)) / mu",
            "mu**|y| instead of (1 + mu)**|y|",
            "Check that expand(compress(x)) gives x back.",
        ),
    ],
    "q7_a_law_compress": [
        M(
            "no_linear_segment",
            "return np.sign(x) * np.where(ax < 1.0 / A, linear, logarithmic)",
            "return np.sign(x) * (1.0 + np.log(A * ax)) / denom",
            "A-law without its linear segment",
            "What is (1 + ln(A|x|)) / (1 + ln A) for |x| < 1/A, and at 0?",
        ),
        M(
            "denominator_without_one",
            "denom = 1.0 + np.log(A)",
            "denom = np.log(A)",
            "divides by ln A instead of 1 + ln A",
            "What is your compressor at x = 1?",
        ),
        M(
            "linear_without_denominator",
            "linear = A * ax / denom",
            "linear = A * ax",
            "linear segment A|x| without the division",
            "Is your curve continuous at |x| = 1/A?",
        ),
    ],
    "q7_a_law_expand": [
        M(
            "breakpoint_in_x",
            "ay < 1.0 / denom",
            "ay < 1.0 / A",
            "switches branches at 1/A in the compressed domain",
            "The breakpoint of the expander is the compressor's value at 1/A: compute it.",
        ),
        M(
            "forgets_minus_one",
            "np.exp(ay * denom - 1.0) / A",
            "np.exp(ay * denom) / A",
            "exp(|y| (1 + ln A)) / A without the - 1",
            "Check that expand(compress(0.5)) gives 0.5.",
        ),
        M(
            "a_expand_uses_compressor",
            "return np.sign(y) * np.where(ay < 1.0 / denom, linear, logarithmic)",
            "return np.sign(y) * np.where(ay < 1.0 / A, A * ay / denom,"
            " (1.0 + np.log(np.maximum(A * ay, 1.0))) / denom)",
            "expands with the compressor's formula",
            "Solve the compressor's two branches for |x|.",
        ),
    ],
    "q8_companded_requantize": [
        M(
            "no_expand",
            "return mu_law_expand(requantize(mu_law_compress(x), n_bits))",
            "return requantize(mu_law_compress(x), n_bits)",
            "forgets to expand",
            "Your output must be back on the scale of x: compare it with x.",
        ),
        M(
            "requantize_first",
            "return mu_law_expand(requantize(mu_law_compress(x), n_bits))",
            "return mu_law_expand(mu_law_compress(requantize(x, n_bits)))",
            "requantizes before compressing",
            "The uniform quantizer works in the compressed domain.",
        ),
        M(
            "wrong_expander",
            "return a_law_expand(requantize(a_law_compress(x), n_bits))",
            "return mu_law_expand(requantize(a_law_compress(x), n_bits))",
            "expands A-law with the mu-law expander",
            "Each compressor needs its own expander.",
        ),
    ],
    "q9_mu_law_width_db": [
        M(
            "six_db",
            "target = snr_mu[best] - 3.0",
            "target = snr_mu[best] - 6.0",
            "measures the 6 dB width",
            "Within 3 dB of the best, as the question says.",
        ),
        M(
            "uniform_instead",
            'companded_requantize(speech8 * 10 ** (g / 20), 8, "mu")',
            "requantize(speech8 * 10 ** (g / 20), 8)",
            "measures uniform 8-bit PCM instead of mu-law",
            "Which quantizer's plateau is asked for?",
        ),
    ],
    "q10_g711_ulaw_encode": [
        M(
            "forgot_bias",
            "biased = np.minimum(magnitude + 33, 8191)",
            "biased = np.minimum(magnitude, 8191)",
            "forgets the bias of 33 (0x84 on the 16-bit scale)",
            "Step 2 of the encoder adds a bias before the segment is found: check the code of input 0.",
        ),
        M(
            "no_inversion",
            "return (~(sign | (segment << 4) | mantissa) & 0xFF).astype(np.uint8)",
            "return ((sign | (segment << 4) | mantissa) & 0xFF).astype(np.uint8)",
            "forgets the final bit inversion",
            "G.711 sends silence (input 0) as 0xFF.",
        ),
        M(
            "shift_then_negate",
            "magnitude = np.where(x < 0, ~x, x) >> 2",
            "magnitude = np.where(x < 0, -(x >> 2), x >> 2)",
            "shifts, then negates negative inputs (exactly what audioop.lin2ulaw does)",
            "G.191 takes ~x = -x - 1 before the shift: -1, -4, -5 get the magnitudes of 0, 3, 4.",
        ),
        M(
            "negate_then_shift",
            "magnitude = np.where(x < 0, ~x, x) >> 2",
            "magnitude = np.where(x < 0, -x, x) >> 2",
            "negates instead of taking the one's complement (as libsndfile's ULAW writer)",
            "G.191 takes ~x, which is -x - 1, for negative inputs: what is the code of -4? Of 3?",
        ),
    ],
    "q11_quantize_bands": [
        M(
            "bands_truncate",
            "return np.round(c / per_coefficient).astype(np.int64)",
            "return (c / per_coefficient).astype(np.int64)",
            "astype(int) truncates toward zero",
            "What does astype(np.int64) do to 1.7 and -1.7?",
        ),
        M(
            "one_step",
            "per_coefficient = np.repeat(s, np.diff(edges), axis=-1)",
            "per_coefficient = np.mean(s, axis=-1, keepdims=True)",
            "one step for all bands",
            "Each band has its own step: band b uses steps[..., b].",
        ),
        M(
            "bands_ties_half_up",
            "return np.round(c / per_coefficient).astype(np.int64)",
            "return np.floor(c / per_coefficient + 0.5).astype(np.int64)",
            "rounds ties half up",
            "This notebook rounds half to even, as requantize does.",
        ),
    ],
    "q11_steps_from_threshold": [
        M(
            "amplitude",
            "return np.sqrt(12.0 * t)",
            "return np.sqrt(t)",
            "step from the amplitude sqrt(T) instead of the power",
            "Uniform noise of step D has power D**2 / 12.",
        ),
        M(
            "no_sqrt",
            "return np.sqrt(12.0 * t)",
            "return 12.0 * t",
            "12 T without the square root",
            "T is a power; a step is an amplitude.",
        ),
        M(
            "divides",
            "return np.sqrt(12.0 * t)",
            "return np.sqrt(t / 12.0)",
            "sqrt(T / 12) instead of sqrt(12 T)",
            "Solve D**2 / 12 = T for D.",
        ),
    ],
}
