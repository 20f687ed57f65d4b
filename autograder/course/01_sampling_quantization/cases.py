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
s = cases.group("sample", points=1.5, rtol=LAST_BIT, atol=LAST_BIT,
                doc="sample agrees with the reference: sample counts, instants and values",
                note=" (instants compared to 1e-12: n / fs and n * (1 / fs) may differ in the last bit)")
s.public("ten_samples", "1 s at 10 Hz is 10 samples, t = 0, 0.1, ..., 0.9", sine(1.0), 10.0, 1.0)
s.public("rounds_sample_count", "duration * fs = 2.7 rounds to 3 samples", sine(2.0, 0.5), 9.0, 0.3)
s.public("no_endpoint", "the last instant is duration - 1 / fs, not duration", sine(3.0, 2.0, 0.25), 8.0, 0.5)
s.hidden("audio_rate", "0.01 s at 44.1 kHz is 441 samples", sine(440.0), 44100.0, 0.01)
s.hidden("rounds_down", "duration * fs = 3.4 rounds to 3 samples", sine(1.0), 10.0, 0.34)
s.hidden("rounds_up", "duration * fs = 3.7 rounds to 4 samples", sine(1.0, 2.0), 10.0, 0.37)
s.hidden("fractional_rate", "a sampling rate that is not a whole number", sine(0.2, 1.5), 2.5, 4.0)
s.hidden("sum_of_sines", "a sum of two tones", sum_of_sines([1.0, 3.0], [1.0, 0.5]), 16.0, 0.5)
s.hidden("zero_duration", "a duration of zero gives empty arrays", sine(5.0), 100.0, 0.0)

# ------------------------------------------------------------------------------------------- q2
a = cases.group("alias_frequency", points=1.25, atol=LAST_BIT,
                doc="alias_frequency agrees with the reference below, at and above fs / 2, on arrays and integers",
                note=" (compared to 1e-12: equivalent formulas may differ in the last bit)")
a.public("below_half_rate", "a tone below fs / 2 keeps its frequency", 3.0, 10.0)
a.public("folds_above_half_rate", "7 Hz sampled at 10 Hz looks like 3 Hz", 7.0, 10.0)
a.public("array", "an array of tones from 0 to 2.5 fs", np.array([0.0, 2.0, 5.0, 8.0, 10.0, 12.0, 17.0, 25.0]), 10.0)
a.hidden("far_above", "a tone many times the sampling rate", 1234.5, 100.0)
a.hidden("multiple_of_rate", "a multiple of fs looks like 0 Hz (a constant)", 30.0, 10.0)
a.hidden("negative_frequency", "a negative frequency looks like its mirror image", -3.0, 10.0)
a.hidden("integer_array", "integer input gives float output", np.array([440, 700, 1000]), 800)
a.hidden("matrix", "a 2-D array keeps its shape",
         np.array([[100.0, 30000.0, 47000.0], [96000.0, 50000.0, 1.0e6]]), 48000.0)
a.hidden("between_rate_and_double", "tones between fs and 2 fs", np.array([11.0, 14.0, 16.0, 19.0]), 10.0)

# ------------------------------------------------------------------------------------------- q3
qi = cases.group("quantize_indices", id="indices", points=1.5,
                 doc="quantize_indices agrees with the reference on ties, range edges, 1 and 16 bits, shapes and dtypes")
qi.public("midrise_3bit", "3-bit mid-rise on [-1, 1)", X3, 3, -1.0, 1.0)
qi.public("midtread_3bit", "3-bit mid-tread on [-1, 1)", X3, 3, -1.0, 1.0, **MID)
qi.public("midtread_ties", "mid-tread ties at exactly half a step round up", TIES3, 3, -1.0, 1.0, **MID)
qi.public("clips_out_of_range", "values outside [x_min, x_max) are clipped to the end indices", OUTSIDE2, 2, -1.0, 1.0)
qi.hidden("x_max_midrise", "x_max itself (and just below it) gives the top index, mid-rise",
          np.array([1.0 - 2.0**-5, 1.0]), 4, 0.0, 1.0)
qi.hidden("x_max_midtread", "x_max itself gives the top index, mid-tread", np.array([1.0 - 2.0**-5, 1.0]), 4, 0.0, 1.0, **MID)
qi.hidden("x_min_edges", "x_min itself and its neighbours", np.array([-(2.0**-9), 0.0, 2.0**-9]), 4, 0.0, 1.0)
qi.hidden("out_of_range_midtread", "mid-tread clips out-of-range values too", OUTSIDE2, 2, -1.0, 1.0, **MID)
qi.hidden("midtread_ties_2bit", "more mid-tread ties, the last one above the top level",
          np.array([-0.75, -0.25, 0.25, 0.75]), 2, -1.0, 1.0, **MID)
qi.hidden("midrise_cell_edges", "mid-rise at exact cell edges belongs to the upper cell",
          np.array([-0.75, -0.5, -0.25, 0.0, 0.25, 0.5, 0.75]), 3, -1.0, 1.0)
qi.hidden("one_bit_midrise", "1 bit, mid-rise", np.array([-2.0, -0.5, 0.0, 0.5, 1.99, 3.0]), 1, -2.0, 2.0)
qi.hidden("one_bit_midtread", "1 bit, mid-tread", np.array([-2.0, -1.5, -1.0, -0.5, 0.0, 0.5, 1.99, 3.0]), 1, -2.0, 2.0, **MID)
qi.hidden("sixteen_bits", "16 bits, mid-rise",
          np.array([-1.0, -1.0 + 1.5 * 2.0**-15, -(2.0**-16), 0.0, 0.5, 1.0 - 2.0**-16, 1.0]), 16, -1.0, 1.0)
qi.hidden("sixteen_bits_midtread", "16 bits, mid-tread, with ties",
          np.array([-1.0, -1.0 + 2.0**-16, -(2.0**-16), 0.0, 0.5, 1.0 - 2.0**-16, 1.0]), 16, -1.0, 1.0, **MID)
qi.hidden("scalar", "a scalar gives a 0-d result", 0.3, 3, -1.0, 1.0)
qi.hidden("list", "a list is accepted", [0.3, -0.3, 0.9], 3, -1.0, 1.0)
qi.hidden("float32_matrix", "float32 input of shape (2, 4), mid-tread",
          np.array([[-0.875, -0.3, 0.0, 0.125], [0.6, 0.875, 1.0, -1.5]], dtype=np.float32), 3, -1.0, 1.0, **MID)
qi.hidden("float32_precision", "float32 values just below a cell edge at 16 bits (x - x_min needs float64)",
          np.array([0.5 - 2.0**-24, -0.5 - 2.0**-25, 0.25 - 2.0**-25], dtype=np.float32), 16, -1.0, 1.0)
qi.hidden("float32_precision_midtread", "float32 values just below a mid-tread tie at 16 bits (x - x_min needs float64)",
          np.array([0.5 - 2.0**-24 + 2.0**-16, -0.5 - 2.0**-25 + 2.0**-16], dtype=np.float32), 16, -1.0, 1.0, **MID)
qi.hidden("three_d", "a 3-D array keeps its shape", np.linspace(-1.2, 1.2, 24).reshape(2, 3, 4), 2, -1.0, 1.0)
qi.hidden("integer_input", "integer input on the range [0, 8)", np.arange(-1, 10), 3, 0, 8)
qi.hidden("asymmetric_range", "an asymmetric range, mid-tread", np.array([0.0, 0.5, 1.0, 3.5, 7.5, 8.0, -1.0]), 3, 0.0, 8.0, **MID)
qi.hidden("empty", "an empty array", np.zeros(0), 3, -1.0, 1.0)

dq = cases.group("dequantize", id="levels", points=1, atol=LAST_BIT, note=_LEVELS,
                 doc="dequantize agrees with the reference levels, both modes, 1 to 16 bits")
dq.public("levels_midrise", "the 8 mid-rise levels on [-1, 1)", np.arange(8), 3, -1.0, 1.0)
dq.public("levels_midtread", "the 8 mid-tread levels on [-1, 1): 0 is a level", np.arange(8), 3, -1.0, 1.0, **MID)
dq.public("clips_index_too_large", "index L = 8 is outside 0..7: the decoder clips it to 7", np.array([0, 8, 7]), 3, -1.0, 1.0)
dq.hidden("levels_one_bit", "1 bit, mid-rise", np.array([0, 1]), 1, -2.0, 2.0)
dq.hidden("levels_one_bit_midtread", "1 bit, mid-tread", np.array([0, 1]), 1, -2.0, 2.0, **MID)
dq.hidden("levels_sixteen_bits", "16 bits, mid-rise", np.array([0, 1, 32767, 32768, 65535]), 16, -1.0, 1.0)
dq.hidden("levels_sixteen_bits_midtread", "16 bits, mid-tread", np.array([0, 1, 32767, 32768, 65535]), 16, -1.0, 1.0, **MID)
dq.hidden("levels_matrix", "int32 indices of shape (2, 2) on [0, 8)", np.array([[0, 3], [5, 7]], dtype=np.int32), 3, 0.0, 8.0)
dq.hidden("levels_scalar", "a scalar index gives a 0-d result", 5, 3, -1.0, 1.0, **MID)
dq.hidden("clips_negative_index", "indices outside 0..L-1 are clipped, mid-tread",
          np.array([[-1, 0], [-100, 100]]), 3, -1.0, 1.0, **MID)

bad = cases.group("quantize_indices", id="bad_arguments", points=1,
                  doc="Both functions raise ValueError for a bad bit depth, an empty or reversed range, an unknown mode")
bad.public("rejects_zero_bits", "n_bits = 0 raises ValueError", 0.5, 0, -1.0, 1.0)
bad.hidden("rejects_negative_bits", "a negative bit depth raises ValueError", 0.5, -1, -1.0, 1.0)
bad.hidden("rejects_fractional_bits", "a fractional bit depth raises ValueError", 0.5, 2.5, -1.0, 1.0)
bad.hidden("rejects_empty_range", "x_max == x_min raises ValueError", 0.5, 3, 1.0, 1.0)
bad.hidden("rejects_reversed_range", "x_max < x_min raises ValueError", 0.5, 3, 1.0, -1.0)
bad.hidden("rejects_unknown_mode", "an unknown mode raises ValueError", 0.5, 3, -1.0, 1.0, mode="midpoint")
bad_dq = bad.calling("dequantize")
bad_dq.hidden("levels_reject_zero_bits", "n_bits = 0 raises ValueError", 0, 0, -1.0, 1.0)
bad_dq.hidden("levels_reject_empty_range", "x_max == x_min raises ValueError", 0, 3, 2.0, 2.0)
bad_dq.hidden("levels_reject_unknown_mode", "an unknown mode raises ValueError", 0, 3, -1.0, 1.0, mode="mid-tread")

# ------------------------------------------------------------------------------------------- q4
qu = cases.group("quantize_uniform", id="quantizer", points=1, atol=LAST_BIT, note=_LEVELS,
                 doc="quantize_uniform agrees with the reference (ties, clipping, 1 and 16 bits, float32, bad mode)")
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
qu.row("rejects_unknown_mode", "an unknown mode raises ValueError", args=(0.5, 3, -1.0, 1.0), kwargs={"mode": "round"}, atol=0.0)

# ------------------------------------------------------------------------------------------- q6
# 1e-4 dB: a fit computed in float32 (allowed by the text) is off by about 4e-6 dB; the closest known
# mistake is 4e-3 dB off (styles/float32_sqnr_fit.py).
fit = cases.group(id="sqnr_fit", points=1, atol=1e-4, note=" (to 1e-4 dB: float32 powers and the order of the sums may differ)",
                  doc="sqnr_slope and sqnr_offset equal the fit of the SQNR measured on the given sine, 8 to 16 bits")
fit.value("slope", "the fitted slope, in dB per bit", "sqnr_slope", plausible=(5.5, 6.5))
fit.value("offset", "the fitted offset, in dB", "sqnr_offset", plausible=(0.0, 3.5))

# ------------------------------------------------------------------------------------------- q7
rng = stable_rng(20261127)
GAUSS = rng.normal(0.0, 1.0, 1000)
GAUSS_WIDE = 10.0 * rng.normal(0.0, 1.0, 1000) + 0.5
UNIFORM = np.linspace(-1.0, 1.0, 512, endpoint=False) + 1.0 / 512  # cell centres of [-1, 1)
ALTERNATING = np.array([1.0, -1.0, 1.0, -1.0])
FACTORS = np.arange(1.0, 6.01, 0.25)

bc = cases.group("best_clip_factor", points=2,
                 doc="best_clip_factor agrees with the reference on Gaussian and uniform samples, 1 to 8 bits, and ties")
bc.public("gaussian_3bit", "Gaussian samples, 3 bits, factors 1 to 6 in steps of 0.25", GAUSS, 3, FACTORS)
bc.public("ties_first", "two factors give the same SQNR: the first one wins", ALTERNATING, 1, [3.0, 1.0, 0.5])
bc.public("sigma_not_one", "samples whose standard deviation is about 10", GAUSS_WIDE, 4, FACTORS)
bc.hidden("ties_first_swapped", "the same tie with the factors in another order", ALTERNATING, 1, [1.0, 3.0, 0.5])
bc.hidden("population_sigma", "sigma is the population standard deviation (ddof=0)", ALTERNATING, 1, [1.8, 2.0])
bc.hidden("gaussian_8bit", "Gaussian samples, 8 bits", GAUSS, 8, FACTORS)
bc.hidden("gaussian_1bit", "Gaussian samples, 1 bit", GAUSS, 1, np.linspace(0.5, 3.0, 26))
bc.hidden("sigma_small", "samples whose standard deviation is about 0.01", 0.01 * GAUSS, 6, FACTORS)
bc.hidden("uniform_signal", "uniform samples: the range that just covers them is best", UNIFORM, 4, [1.0, 1.5, 3.0**0.5, 2.0, 3.0])
bc.hidden("list_of_factors", "factors given as a list, not in increasing order", GAUSS, 5, [4.0, 2.0, 3.0, 2.5])
bc.hidden("single_factor", "a single candidate", GAUSS, 2, [2.5])
