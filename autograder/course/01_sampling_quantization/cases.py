"""Cases of notebook 01: inputs on which its graded names are compared with the solution.

Expected outputs are not written here: ``quantgrade refs`` computes them by running the solution. Each
group is one reference test (its points, its one-line doc); public rows ship with quantkit for the
self-checks and are never graded. Inputs are chosen so that no expected output hinges on rounding:

* quantizer ranges and steps are powers of two (``[-1, 1)`` with 3 bits has step 1/4), so every tie and
  every range edge is exact in binary floating point, and indices are compared exactly;
* levels are compared to 1e-12: ``x_min + (k + 1/2) step`` and ``x_min + k step + step / 2`` are both
  right and may differ in the last bit;
* sampling instants may be computed as ``n / fs`` or ``n * (1 / fs)``: compared to 1e-12;
* random inputs come from :func:`autograder.spec.stable_rng`, the same with every NumPy version.
"""

from __future__ import annotations

import numpy as np

from autograder.spec import Cases, stable_rng
from quantkit.signals import sine, sum_of_sines

LAST_BIT = 1e-12  # outputs that correct implementations may round differently in the last bit
_LEVELS = " (levels compared to 1e-12)"

# 3-bit range [-1, 1) (step 0.25): x_min, points where mid-rise and mid-tread differ, the top cell.
X3 = np.array([-1.0, -0.9, -0.3, -0.2, 0.0, 0.1, 0.2, 0.5, 0.99])
TIES3 = np.array([-0.875, -0.625, -0.125, 0.125, 0.375])  # exact mid-tread ties: u = 0.5, 1.5, 3.5, ...
OUTSIDE2 = np.array([-3.0, -1.25, -1.0, 1.0, 1.5, 7.0])  # out of range and edges, 2 bits on [-1, 1)
MID = {"mode": "midtread"}

cases = Cases()

# ------------------------------------------------------------------------------------------- q1
_INSTANTS = " (instants compared to 1e-12: n / fs and n * (1 / fs) may differ in the last bit)"
counts = cases.group("sample", id="sample_counts", points=0.5, rtol=LAST_BIT, atol=LAST_BIT, note=_INSTANTS,
                     doc="sample takes round(duration * fs) samples, even where a float step would drift")
counts.public("ten_samples", "1 s at 10 Hz is 10 samples, t = 0, 0.1, ..., 0.9", sine(1.0), 10.0, 1.0)
counts.public("rounds_sample_count", "duration * fs = 2.7 rounds to 3 samples", sine(2.0, 0.5), 9.0, 0.3)
counts.public("float_step_drift", "0.34 s at 10 Hz is 3 samples: np.arange(0, 0.34, 0.1) gives 4", sine(0.5), 10.0, 0.34)
counts.hidden("audio_rate", "0.01 s at 44.1 kHz is 441 samples", sine(440.0), 44100.0, 0.01)
counts.hidden("rounds_down", "duration * fs = 3.4 rounds to 3 samples", sine(1.0), 10.0, 0.34)
counts.hidden("rounds_up", "duration * fs = 3.7 rounds to 4 samples", sine(1.0, 2.0), 10.0, 0.37)
counts.hidden("float_step_drift_slow", "0.7 s at 10 Hz is 7 samples, where a float step gives 8", sine(0.3), 10.0, 0.7)
counts.hidden("zero_duration", "a duration of zero gives empty arrays", sine(5.0), 100.0, 0.0)
values = cases.group("sample", id="sample_values", points=0.5, rtol=LAST_BIT, atol=LAST_BIT, note=_INSTANTS,
                     doc="sample returns the instants n / fs and the signal's values there")
values.public("no_endpoint", "the last instant is duration - 1 / fs, not duration", sine(3.0, 2.0, 0.25), 8.0, 0.5)
values.hidden("fractional_rate", "a sampling rate that is not a whole number", sine(0.2, 1.5), 2.5, 4.0)
values.hidden("sum_of_sines", "a sum of two tones", sum_of_sines([1.0, 3.0], [1.0, 0.5]), 16.0, 0.5)
values.hidden("phase", "a tone with a phase", sine(2.0, 0.7, 1.0), 20.0, 0.25)

# ------------------------------------------------------------------------------------------- q2
_LAST = " (compared to 1e-12: equivalent formulas may differ in the last bit)"
a = cases.group("alias_frequency", id="alias_values", points=0.75, atol=LAST_BIT, note=_LAST,
                doc="alias_frequency folds tones below, at and above fs / 2, far above and below zero")
a.public("below_half_rate", "a tone below fs / 2 keeps its frequency", 3.0, 10.0)
a.public("folds_above_half_rate", "7 Hz sampled at 10 Hz looks like 3 Hz", 7.0, 10.0)
a.hidden("far_above", "a tone many times the sampling rate", 1234.5, 100.0)
a.hidden("multiple_of_rate", "a multiple of fs looks like 0 Hz (a constant)", 30.0, 10.0)
a.hidden("negative_frequency", "a negative frequency looks like its mirror image", -3.0, 10.0)
a.hidden("between_rate_and_double", "tones between fs and 2 fs", np.array([11.0, 14.0, 16.0, 19.0]), 10.0)
arr = cases.group("alias_frequency", id="alias_arrays", points=0.5, atol=LAST_BIT, note=_LAST,
                  doc="alias_frequency works on arrays of any shape and on integers, and returns floats")
arr.public("array", "an array of tones from 0 to 2.5 fs", np.array([0.0, 2.0, 5.0, 8.0, 10.0, 12.0, 17.0, 25.0]), 10.0)
arr.hidden("integer_array", "integer input gives float output", np.array([440, 700, 1000]), 800)
arr.hidden("matrix", "a 2-D array keeps its shape", np.array([[100.0, 30000.0, 47000.0], [96000.0, 50000.0, 1.0e6]]), 48000.0)
arr.hidden("integer_scalar", "an integer tone and rate", 7, 10)

# ------------------------------------------------------------------------------------------- q3
modes = cases.group("quantize_indices", id="indices_modes", points=1,
                    doc="quantize_indices gives the mid-rise and mid-tread indices, ties rounded up")
modes.public("midrise_3bit", "3-bit mid-rise on [-1, 1)", X3, 3, -1.0, 1.0)
modes.public("midtread_3bit", "3-bit mid-tread on [-1, 1)", X3, 3, -1.0, 1.0, **MID)
modes.public("midtread_ties", "mid-tread ties at exactly half a step round up", TIES3, 3, -1.0, 1.0, **MID)
modes.public("unit_range", "3-bit mid-rise on [0, 1): x_min is not -1", np.array([0.0, 0.1, 0.3, 0.5, 0.99]), 3, 0.0, 1.0)
modes.hidden("midtread_ties_2bit", "more mid-tread ties, the last one above the top level",
             np.array([-0.75, -0.25, 0.25, 0.75]), 2, -1.0, 1.0, **MID)
modes.hidden("one_bit_midrise", "1 bit, mid-rise", np.array([-2.0, -0.5, 0.0, 0.5, 1.99, 3.0]), 1, -2.0, 2.0)
modes.hidden("one_bit_midtread", "1 bit, mid-tread", np.array([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.99, 3.0]), 1, -2.0, 2.0, **MID)
modes.hidden("sixteen_bits", "16 bits, mid-rise",
             np.array([-1.0, -1.0 + 1.5 * 2.0**-15, -(2.0**-16), 0.0, 0.5, 1.0 - 2.0**-16, 1.0]), 16, -1.0, 1.0)
modes.hidden("sixteen_bits_midtread", "16 bits, mid-tread, with ties",
             np.array([-1.0, -1.0 + 2.0**-16, -(2.0**-16), 0.0, 0.5, 1.0 - 2.0**-16, 1.0]), 16, -1.0, 1.0, **MID)
modes.hidden("asymmetric_range", "an asymmetric range, mid-tread", np.array([0.0, 0.5, 1.0, 3.5, 7.5, 8.0, -1.0]), 3, 0.0, 8.0, **MID)
modes.hidden("shifted_range", "a range that does not contain 0, mid-rise", np.array([2.0, 2.3, 2.5, 2.99]), 2, 2.0, 3.0)
edges = cases.group("quantize_indices", id="indices_edges", points=0.75,
                    doc="quantize_indices at the range edges and outside the range: clipped to 0..L-1")
edges.public("clips_out_of_range", "values outside [x_min, x_max) are clipped to the end indices", OUTSIDE2, 2, -1.0, 1.0)
edges.hidden("x_max_midrise", "x_max itself (and just below it) gives the top index, mid-rise",
             np.array([1.0 - 2.0**-5, 1.0]), 4, 0.0, 1.0)
edges.hidden("x_max_midtread", "x_max itself gives the top index, mid-tread", np.array([1.0 - 2.0**-5, 1.0]), 4, 0.0, 1.0, **MID)
edges.hidden("x_min_edges", "x_min itself and its neighbours", np.array([-(2.0**-9), 0.0, 2.0**-9]), 4, 0.0, 1.0)
edges.hidden("out_of_range_midtread", "mid-tread clips out-of-range values too", OUTSIDE2, 2, -1.0, 1.0, **MID)
edges.hidden("midrise_cell_edges", "mid-rise at exact cell edges belongs to the upper cell",
             np.array([-0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75]), 3, -1.0, 1.0)
edges.hidden("far_outside", "values far outside the range", np.array([-1e6, 1e6]), 8, -1.0, 1.0, **MID)
dtypes = cases.group("quantize_indices", id="indices_dtypes", points=0.5,
                     doc="quantize_indices takes scalars, lists, any shape and dtype, and computes in float64")
dtypes.hidden("scalar", "a scalar gives a 0-d result", 0.3, 3, -1.0, 1.0)
dtypes.hidden("list", "a list is accepted", [0.3, -0.3, 0.9], 3, -1.0, 1.0)
dtypes.hidden("float32_matrix", "float32 input of shape (2, 4), mid-tread",
              np.array([[-0.875, -0.3, 0.0, 0.125], [0.6, 0.875, 1.0, -1.5]], dtype=np.float32), 3, -1.0, 1.0, **MID)
dtypes.hidden("float32_precision", "float32 values just below a cell edge at 16 bits (x - x_min needs float64)",
              np.array([0.5 - 2.0**-24, -0.5 - 2.0**-25, 0.25 - 2.0**-25], dtype=np.float32), 16, -1.0, 1.0)
dtypes.hidden("float32_precision_midtread", "float32 values just below a mid-tread tie at 16 bits (x - x_min needs float64)",
              np.array([0.5 - 2.0**-24 + 2.0**-16, -0.5 - 2.0**-25 + 2.0**-16], dtype=np.float32), 16, -1.0, 1.0, **MID)
dtypes.hidden("three_d", "a 3-D array keeps its shape", np.linspace(-1.2, 1.2, 24).reshape(2, 3, 4), 2, -1.0, 1.0)
dtypes.hidden("integer_input", "integer input on the range [0, 8)", np.arange(-1, 10), 3, 0, 8)
dtypes.hidden("numpy_int_bits", "n_bits may be a numpy integer", np.array([0.1, 0.6]), np.int64(3), -1.0, 1.0)
dtypes.hidden("empty", "an empty array", np.zeros(0), 3, -1.0, 1.0)

dq = cases.group("dequantize", id="levels", points=1, atol=LAST_BIT, note=_LEVELS,
                 doc="dequantize gives the levels of both modes, 1 to 16 bits, and clips indices outside 0..L-1")
dq.public("levels_midrise", "the 8 mid-rise levels on [-1, 1)", np.arange(8), 3, -1.0, 1.0)
dq.public("levels_midtread", "the 8 mid-tread levels on [-1, 1): 0 is a level", np.arange(8), 3, -1.0, 1.0, **MID)
dq.public("clips_index_too_large", "index L = 8 is outside 0..7: the decoder clips it to 7", np.array([0, 8, 7]), 3, -1.0, 1.0)
dq.hidden("levels_one_bit", "1 bit, mid-rise", np.array([0, 1]), 1, -2.0, 2.0)
dq.hidden("levels_one_bit_midtread", "1 bit, mid-tread", np.array([0, 1]), 1, -2.0, 2.0, **MID)
dq.hidden("levels_sixteen_bits", "16 bits, mid-rise", np.array([0, 1, 32767, 32768, 65535]), 16, -1.0, 1.0)
dq.hidden("levels_sixteen_bits_midtread", "16 bits, mid-tread", np.array([0, 1, 32767, 32768, 65535]), 16, -1.0, 1.0, **MID)
dq.hidden("levels_matrix", "int32 indices of shape (2, 2) on [0, 8)", np.array([[0, 3], [5, 7]], dtype=np.int32), 3, 0.0, 8.0)
dq.hidden("levels_scalar", "a scalar index gives a 0-d result", 5, 3, -1.0, 1.0, **MID)
dq.hidden("levels_shifted_range", "levels of a range that does not contain 0", np.array([0, 1, 3]), 2, 2.0, 3.0)
dq.hidden("clips_negative_index", "indices outside 0..L-1 are clipped, mid-tread", np.array([[-1, 0], [-100, 100]]), 3, -1.0, 1.0, **MID)

bad = cases.group("quantize_indices", id="indices_bad_arguments", points=0.5,
                  doc="quantize_indices raises ValueError for a bad bit depth, an empty or reversed range, an unknown mode")
bad.public("rejects_zero_bits", "n_bits = 0 raises ValueError", 0.5, 0, -1.0, 1.0)
bad.hidden("rejects_negative_bits", "a negative bit depth raises ValueError", 0.5, -1, -1.0, 1.0)
bad.hidden("rejects_fractional_bits", "a fractional bit depth raises ValueError", 0.5, 2.5, -1.0, 1.0)
bad.hidden("rejects_bool_bits", "n_bits = True raises ValueError (a bool is not a bit depth)", 0.5, True, -1.0, 1.0)
bad.hidden("rejects_empty_range", "x_max == x_min raises ValueError", 0.5, 3, 1.0, 1.0)
bad.hidden("rejects_reversed_range", "x_max < x_min raises ValueError", 0.5, 3, 1.0, -1.0)
bad.hidden("rejects_unknown_mode", "an unknown mode raises ValueError", 0.5, 3, -1.0, 1.0, mode="midpoint")
bad_dq = cases.group("dequantize", id="levels_bad_arguments", points=0.25,
                     doc="dequantize raises ValueError for a bad bit depth, an empty range, an unknown mode")
bad_dq.public("levels_reject_negative_bits", "n_bits = -2 raises ValueError", 0, -2, -1.0, 1.0)
bad_dq.hidden("levels_reject_zero_bits", "n_bits = 0 raises ValueError", 0, 0, -1.0, 1.0)
bad_dq.hidden("levels_reject_empty_range", "x_max == x_min raises ValueError", 0, 3, 2.0, 2.0)
bad_dq.hidden("levels_reject_unknown_mode", "an unknown mode raises ValueError", 0, 3, -1.0, 1.0, mode="mid-tread")

# ------------------------------------------------------------------------------------------- q4
qu = cases.group("quantize_uniform", id="quantizer", points=1, atol=LAST_BIT, note=_LEVELS,
                 doc="quantize_uniform is the decoder after the encoder, in both modes (ties, clipping, 1 and 16 bits)")
qu.public("midrise_3bit", "3-bit mid-rise on [-1, 1)", X3, 3, -1.0, 1.0)
qu.public("midtread_3bit", "3-bit mid-tread on [-1, 1)", X3, 3, -1.0, 1.0, **MID)
qu.public("clips", "out-of-range values go to the end levels", OUTSIDE2, 2, -1.0, 1.0)
qu.hidden("midtread_ties", "mid-tread ties", TIES3, 3, -1.0, 1.0, **MID)
qu.hidden("midtread_clips", "mid-tread out-of-range values", OUTSIDE2, 2, -1.0, 1.0, **MID)
qu.hidden("one_bit", "1 bit", np.array([-3.0, -1.0, 0.0, 1.0, 3.0]), 1, -2.0, 2.0)
qu.hidden("sixteen_bits", "16 bits, mid-tread", np.array([-1.0, -(2.0**-16), 0.0, 0.3, 1.0 - 2.0**-17, 1.0]), 16, -1.0, 1.0, **MID)
qu.hidden("float32_matrix", "float32 input gives float64 levels of the same shape",
          np.array([[0.1, -0.6], [0.95, -1.0]], dtype=np.float32), 3, -1.0, 1.0)
qu.hidden("scalar", "a scalar", -0.3, 2, -1.0, 1.0)
qu.hidden("shifted_range", "a range that does not contain 0", np.array([2.1, 2.6, 3.5]), 2, 2.0, 3.0, **MID)
qu.row("rejects_unknown_mode", "an unknown mode raises ValueError", args=(0.5, 3, -1.0, 1.0), kwargs={"mode": "round"}, atol=0.0)

# ------------------------------------------------------------------------------------------- q6
# A correct fit is the same to about 1e-5 dB whatever the method or precision (float32 powers move it by
# 4e-6 dB). The tolerances sit far above that and far below every known mistake and shortcut: the law's
# own constants are 0.017 dB per bit and 0.25 dB off, a mid-tread fit 0.07 dB per bit and 1.1 dB off.
slope = cases.group(id="sqnr_slope", points=1, atol=0.01, note=" (to 0.01 dB per bit)",
                    doc="sqnr_slope is the slope of the line fitted to the SQNR measured with the quantizer")
slope.value("slope", "the fitted slope, in dB per bit", "sqnr_slope", plausible=(5.5, 6.5))
offset = cases.group(id="sqnr_offset", points=1, atol=0.05, note=" (to 0.05 dB)",
                     doc="sqnr_offset is the offset of the line fitted to the SQNR measured with the quantizer")
offset.value("offset", "the fitted offset, in dB", "sqnr_offset", plausible=(0.0, 3.5))

# ------------------------------------------------------------------------------------------- q7
rng = stable_rng(20261127)
GAUSS = rng.normal(0.0, 1.0, 1000)
GAUSS_WIDE = 10.0 * rng.normal(0.0, 1.0, 1000) + 0.5
UNIFORM = np.linspace(-1.0, 1.0, 512, endpoint=False) + 1.0 / 512  # cell centres of [-1, 1)
ALTERNATING = np.array([1.0, -1.0, 1.0, -1.0])
FACTORS = np.arange(1.0, 6.01, 0.25)

bc = cases.group("best_clip_factor", points=1,
                 doc="best_clip_factor picks the best factor on Gaussian and uniform samples, 1 to 8 bits")
bc.public("gaussian_3bit", "Gaussian samples, 3 bits, factors 1 to 6 in steps of 0.25", GAUSS, 3, FACTORS)
bc.public("sigma_not_one", "samples whose standard deviation is about 10", GAUSS_WIDE, 4, FACTORS)
bc.hidden("gaussian_8bit", "Gaussian samples, 8 bits", GAUSS, 8, FACTORS)
bc.hidden("gaussian_1bit", "Gaussian samples, 1 bit", GAUSS, 1, np.linspace(0.5, 3.0, 26))
bc.hidden("sigma_small", "samples whose standard deviation is about 0.01", 0.01 * GAUSS, 6, FACTORS)
bc.hidden("uniform_signal", "uniform samples: the range that just covers them is best", UNIFORM, 4, [1.0, 1.5, 3.0**0.5, 2.0, 3.0])
ties = cases.group("best_clip_factor", id="best_clip_factor_rules", points=0.5,
                   doc="best_clip_factor: the first of equal factors, sigma with ddof=0, any order of the candidates")
ties.public("ties_first", "two factors give the same SQNR: the first one wins", ALTERNATING, 1, [3.0, 1.0, 0.5])
ties.hidden("ties_first_swapped", "the same tie with the factors in another order", ALTERNATING, 1, [1.0, 3.0, 0.5])
ties.hidden("population_sigma", "sigma is the population standard deviation (ddof=0)", ALTERNATING, 1, [1.8, 2.0])
ties.hidden("list_of_factors", "factors given as a list, not in increasing order", GAUSS, 5, [4.0, 2.0, 3.0, 2.5])
ties.hidden("single_factor", "a single candidate", GAUSS, 2, [2.5])
