"""Known mistakes of notebook 01 (each a one-place edit of a solution cell, with a hint).

Applied to the solution notebook, each mistake is a full submission that must lose points on its
``questions`` and on no other question (tests/autograder/course/test_01_sampling_quantization.py).
A mistake in the encoder or decoder also reaches the questions that use the student's quantizer
(q4 when it changes the quantizer's output; q6 and q7 when it changes mid-rise output inside the
range), so those are listed too; the decoder clips indices, so an encoder that forgets to clip only
loses points on q3. Hints say what to look at, not the answer.
"""

from __future__ import annotations

from autograder.spec import Mistake

_SAMPLE = "q1_sample"
_ALIAS = "q2_alias_frequency"
_INDICES = "q3_quantize_indices"
_LEVELS = "q3_dequantize"
_QUANTIZER = "q4_quantize_uniform"
_SQNR = "q6_sqnr_fit"
_CLIP = "q7_best_clip_factor"

MISTAKES: list[Mistake] = [
    # ------------------------------------------------------------------------------- q1: sample
    Mistake(
        id="sample_truncates_count",
        questions=("q1",),
        cell=_SAMPLE,
        old="int(round(duration * fs))",
        new="int(duration * fs)",
        title="truncates the number of samples instead of rounding it",
        hint="duration * fs may not be a whole number: what does int() make of 2.7? Round it.",
    ),
    Mistake(
        id="sample_includes_endpoint",
        questions=("q1",),
        cell=_SAMPLE,
        old="t = np.arange(n_samples) / fs",
        new="t = np.linspace(0, duration, n_samples)",
        title="spreads the samples over [0, duration] including the end",
        hint="The instants are exactly 1 / fs apart; the last one is duration - 1 / fs, not duration.",
    ),
    Mistake(
        id="sample_one_extra",
        questions=("q1",),
        cell=_SAMPLE,
        old="np.arange(n_samples)",
        new="np.arange(n_samples + 1)",
        title="takes N + 1 samples (off by one)",
        hint="n runs from 0 to N - 1: count the samples you return for 1 s at 10 Hz.",
    ),
    Mistake(
        id="sample_multiplies_rate",
        questions=("q1",),
        cell=_SAMPLE,
        old="np.arange(n_samples) / fs",
        new="np.arange(n_samples) * fs",
        title="t = n * fs instead of n / fs",
        hint="The sampling period is 1 / fs seconds: check the units of t.",
    ),
    # ------------------------------------------------------------------------------- q2: alias_frequency
    Mistake(
        id="alias_no_folding",
        questions=("q2",),
        cell=_ALIAS,
        old="np.abs(f - fs * np.round(f / fs))",
        new="np.mod(f, fs)",
        title="wraps into [0, fs) without folding",
        hint="A 7 Hz tone sampled at 10 Hz looks like 3 Hz, not 7 Hz: the answer always lies in [0, fs / 2].",
    ),
    Mistake(
        id="alias_no_abs",
        questions=("q2",),
        cell=_ALIAS,
        old="np.abs(f - fs * np.round(f / fs))",
        new="f - fs * np.round(f / fs)",
        title="forgets the absolute value",
        hint="f and -f give the same samples, so an apparent frequency is never negative.",
    ),
    Mistake(
        id="alias_folds_once",
        questions=("q2",),
        cell=_ALIAS,
        old="np.abs(f - fs * np.round(f / fs))",
        new="np.where(f <= fs / 2, f, fs - f)",
        title="folds once only (nothing above fs)",
        hint="Try a tone above fs, say 1.2 fs: the folding repeats at every multiple of fs / 2.",
    ),
    Mistake(
        id="alias_period_twice_rate",
        questions=("q2",),
        cell=_ALIAS,
        old="np.abs(f - fs * np.round(f / fs))",
        new="np.abs(f - 2 * fs * np.round(f / (2 * fs)))",
        title="folds with period 2 fs",
        hint="The spectrum of a sampled signal repeats every fs (not every 2 fs, the Nyquist rate).",
    ),
    # ------------------------------------------------------------------------------- q3: quantize_indices
    Mistake(
        id="midtread_floor",
        questions=("q3", "q4"),
        cell=_INDICES,
        old="k = np.floor(u + 0.5)",
        new="k = np.floor(u)",
        title="floor where the mid-tread formula rounds",
        hint="Mid-tread rounds to the nearest level: where does the + 1/2 in its formula go?",
    ),
    Mistake(
        id="midtread_round_half_even",
        questions=("q3", "q4"),
        cell=_INDICES,
        old="np.floor(u + 0.5)",
        new="np.round(u)",
        title="np.round rounds ties half to even",
        hint="np.round(0.5) is 0.0 and np.round(2.5) is 2.0 (half to even); the formula rounds ties up.",
    ),
    Mistake(
        id="step_from_levels_minus_one",
        questions=("q3", "q4", "q6", "q7"),
        cell=_INDICES,
        old="step = (x_max - x_min) / n_levels",
        new="step = (x_max - x_min) / (n_levels - 1)",
        title="step from 2**n_bits - 1 in the encoder",
        hint="L = 2**n_bits cells of equal width cover [x_min, x_max): how wide is each cell?",
    ),
    Mistake(
        id="no_clipping",
        questions=("q3",),
        cell=_INDICES,
        old="np.clip(k, 0, n_levels - 1).astype(np.int64)",
        new="k.astype(np.int64)",
        title="no clipping of out-of-range input",
        hint="What index does a value below x_min or above x_max get? Indices must stay in 0..L-1.",
    ),
    Mistake(
        id="index_L_at_x_max",
        questions=("q3",),
        cell=_INDICES,
        old="np.clip(k, 0, n_levels - 1)",
        new="np.clip(k, 0, n_levels)",
        title="clips to L instead of L - 1",
        hint="With L levels the largest index is L - 1: try x = x_max exactly.",
    ),
    Mistake(
        id="float_indices",
        questions=("q3",),
        cell=_INDICES,
        old=".astype(np.int64)",
        new="",
        title="returns the indices as floats",
        hint="np.floor returns floats; indices are integers (np.int64).",
    ),
    Mistake(
        id="accepts_fractional_bits",
        questions=("q3",),
        cell=_INDICES,
        old="isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or n_bits < 1",
        new="n_bits < 1",
        title="accepts a fractional bit depth",
        hint="What should n_bits = 2.5 do? 2**2.5 levels is not a whole number of levels.",
    ),
    Mistake(
        id="computes_in_float32",
        questions=("q3",),
        cell=_INDICES,
        old="np.asarray(x, dtype=np.float64)",
        new="np.asarray(x)",
        title="computes the index in the input's precision",
        hint="float32 keeps 24 bits: convert x to float64 before computing (x - x_min) / step.",
    ),
    # ------------------------------------------------------------------------------- q3: dequantize
    Mistake(
        id="levels_midrise_no_half_step",
        questions=("q3", "q4", "q6", "q7"),
        cell=_LEVELS,
        old="return x_min + (k + 0.5) * step",
        new="return x_min + k * step",
        title="mid-rise levels at the bottom of each cell",
        hint="A mid-rise level is the centre of its cell, half a step above the cell's lower edge.",
    ),
    Mistake(
        id="levels_midtread_half_step",
        questions=("q3", "q4"),
        cell=_LEVELS,
        old="return x_min + k * step",
        new="return x_min + (k + 0.5) * step",
        title="mid-tread levels shifted by half a step",
        hint="In mid-tread mode 0 is a level (for a symmetric range): what is the level of k = L / 2?",
    ),
    Mistake(
        id="levels_step_minus_one",
        questions=("q3", "q4", "q6", "q7"),
        cell=_LEVELS,
        old="step = (x_max - x_min) / n_levels",
        new="step = (x_max - x_min) / (n_levels - 1)",
        title="step from 2**n_bits - 1 in the decoder",
        hint="The decoder must use the same step as the encoder: (x_max - x_min) / 2**n_bits.",
    ),
    Mistake(
        id="levels_no_clipping",
        questions=("q3",),
        cell=_LEVELS,
        old="k = np.clip(np.asarray(k), 0, n_levels - 1)",
        new="k = np.asarray(k)",
        title="the decoder does not clip indices outside 0..L-1",
        hint="The question decides that dequantize clips an index outside 0..L-1 first, like the encoder.",
    ),
    # ------------------------------------------------------------------------------- q4: quantize_uniform
    Mistake(
        id="quantizer_drops_mode",
        questions=("q4",),
        cell=_QUANTIZER,
        old="k = quantize_indices(x, n_bits, x_min, x_max, mode)",
        new="k = quantize_indices(x, n_bits, x_min, x_max)",
        title="does not pass mode on to the encoder",
        hint="Does quantize_uniform(..., mode='midtread') really use mid-tread in both halves?",
    ),
    Mistake(
        id="quantizer_returns_indices",
        questions=("q4", "q6", "q7"),
        cell=_QUANTIZER,
        old="return dequantize(k, n_bits, x_min, x_max, mode)",
        new="return k",
        title="returns the indices instead of the levels",
        hint="The quantizer returns values on the signal's scale: decode the indices back to levels.",
    ),
    Mistake(
        id="quantizer_textbook_round",
        questions=("q4", "q6", "q7"),
        cell=_QUANTIZER,
        old=(
            "    k = quantize_indices(x, n_bits, x_min, x_max, mode)\n"
            "    return dequantize(k, n_bits, x_min, x_max, mode)\n"
        ),
        new=(
            "    step = (x_max - x_min) / 2 ** n_bits\n"
            "    return np.round(np.asarray(x, dtype=np.float64) / step) * step\n"
        ),
        title="rounds to multiples of the step, ignoring the range and the mode",
        hint=(
            "Build the quantizer from your own encoder and decoder, "
            "so that the range, the mode and the clipping all apply."
        ),
    ),
    # ------------------------------------------------------------------------------- q6: sqnr fit
    Mistake(
        id="sqnr_20log_of_power",
        questions=("q6",),
        cell=_SQNR,
        old="10 * np.log10(signal_power / noise_power)",
        new="20 * np.log10(signal_power / noise_power)",
        title="20 log10 of a power ratio",
        hint="Powers take 10 log10, amplitudes 20 log10: which one is signal_power / noise_power?",
    ),
    Mistake(
        id="sqnr_swapped_coefficients",
        questions=("q6",),
        cell=_SQNR,
        old="slope, offset = np.polyfit",
        new="offset, slope = np.polyfit",
        title="slope and offset swapped",
        hint="np.polyfit(x, y, 1) returns the highest power first: [slope, offset].",
    ),
    Mistake(
        id="sqnr_fit_axes_swapped",
        questions=("q6",),
        cell=_SQNR,
        old="np.polyfit(sqnr_bits, sqnr_measured, 1)",
        new="np.polyfit(sqnr_measured, sqnr_bits, 1)",
        title="fits bits against SQNR",
        hint="The line predicts SQNR (y) from the bit depth (x): np.polyfit(x, y, 1).",
    ),
    Mistake(
        id="sqnr_half_range",
        questions=("q6",),
        cell=_SQNR,
        old="xq = quantize_uniform(sqnr_test_signal, n_bits, -1.0, 1.0)",
        new="xq = quantize_uniform(sqnr_test_signal, n_bits, 0.0, 1.0)",
        title="quantizes on [0, 1) instead of [-1, 1)",
        hint="A full-scale sine of amplitude 1 swings from -1 to 1: the range must cover both halves.",
    ),
    # ------------------------------------------------------------------------------- q7: best_clip_factor
    Mistake(
        id="clip_picks_worst",
        questions=("q7",),
        cell=_CLIP,
        old="np.argmin(mses)",
        new="np.argmax(mses)",
        title="picks the factor with the largest error",
        hint="The best factor has the highest SQNR, that is the smallest mean squared error.",
    ),
    Mistake(
        id="clip_forgets_sigma",
        questions=("q7",),
        cell=_CLIP,
        old="-c * sigma, c * sigma",
        new="-c, c",
        title="range [-c, c) without sigma",
        hint="The loading factor counts standard deviations: the range is [-c sigma, c sigma).",
    ),
    Mistake(
        id="clip_returns_index",
        questions=("q7",),
        cell=_CLIP,
        old="return float(factors[int(np.argmin(mses))])",
        new="return int(np.argmin(mses))",
        title="returns the position of the best factor",
        hint="Return the factor itself (a float from factors), not where it sits in the list.",
    ),
    Mistake(
        id="clip_sample_std",
        questions=("q7",),
        cell=_CLIP,
        old="sigma = np.std(x)",
        new="sigma = np.std(x, ddof=1)",
        title="sample standard deviation (ddof=1)",
        hint="The question fixes sigma as np.std(x), the population standard deviation (ddof=0).",
    ),
    Mistake(
        id="clip_ties_last",
        questions=("q7",),
        cell=_CLIP,
        old="int(np.argmin(mses))",
        new="len(mses) - 1 - int(np.argmin(mses[::-1]))",
        title="breaks ties in favour of the last factor",
        hint="When two factors give the same SQNR, the question asks for the first one in factors.",
    ),
]
