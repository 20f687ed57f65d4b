"""Cases of notebook 04: inputs on which its graded names are compared with the solution.

Expected outputs are not written here: ``quantgrade refs`` computes them by running the solution. Each
group is one reference test (its points, its one-line doc); public rows ship with quantkit for the
self-checks and are never graded. Inputs are chosen so that no expected output hinges on a last
floating-point bit:

* integer outputs (codes, zero points, TFLite multipliers and shifts) are compared exactly;
* ties are exact in binary: ranges and scales are powers of two (scale 2**-4, codes at half steps), or
  the tie is made with integers (accumulators and the multiplier 0.1 = 0.8 * 2**-3);
* a scale is compared to one float32 ulp (rtol 2**-23): the course formula computes it in float64, ONNX
  Runtime stores it in float32;
* accuracies are compared to one test image (atol 1/450): a student who keeps dequantized weights in
  float32 instead of float64 may flip an argmax tie;
* float formats: exact (rounding to a narrower format is exact in float64); NF4 levels to 1e-12 (the
  inverse normal CDFs of other libraries differ in the last bits);
* ``quantized_accuracy`` takes plain weight matrices (lists of float32 arrays), never a model object:
  only plain data crosses the wire into the student's kernel;
* random inputs come from :func:`autograder.spec.stable_rng`, the same with every NumPy version.

Points: no group is worth more than a third of its question (q2: a half), so that one behaviour never
decides most of a question; ``partial_step = 0.25`` (manifest) scores the fraction of a group's cases
that pass.
"""

from __future__ import annotations

import numpy as np

from autograder.spec import Cases, stable_rng
from quantkit.data import digits_mlp

cases = Cases()
rng = stable_rng(2404)
F32_ULP = 2.0**-23
ONE_IMAGE = 1 / 450 + 1e-9
MODEL = digits_mlp()
WEIGHTS = list(MODEL.weights)

# ----------------------------------------------------------------------------------------------- q1
qp = cases.group("affine_qparams", id="qparams", points=0.75, rtol=F32_ULP, note=" (scale to one float32 ulp, zero point exact)",
                 doc="affine_qparams agrees with the course formula: scale and zero point, signed and unsigned")
qp.public("worked_example", "[-1, 3] with 8 signed bits: S = 4/255, Z = -64", -1.0, 3.0)
qp.hidden("relu_range", "a ReLU output [0, 6.098]: Z = qmin", 0.0, 6.098)
qp.hidden("logits", "an asymmetric range [-24.483, 37.988]", -24.483, 37.988)
qp.hidden("small", "a small range [-0.5, 0.25]", -0.5, 0.25)
qp.hidden("unsigned", "unsigned 8 bits on [0, 1]: Z = 0", 0.0, 1.0, 8, False)
qp.hidden("four_bits", "4 signed bits on [-1, 3]", -1.0, 3.0, 4)
qp.hidden("sixteen_bits", "16 signed bits on [-2.5, 7.5]", -2.5, 7.5, 16)
qp.hidden("numpy_bits", "n_bits given as np.int64(8)", -0.75, 2.25, np.int64(8))

qp_ties = cases.group("affine_qparams", id="qparams_ties", points=0.5, rtol=F32_ULP,
                      doc="the zero point rounds half to even, before it is clipped")
qp_ties.public("tie", "[-1/32, 15.90625] (scale 1/16): -128 + 0.5 = -127.5 rounds to even, Z = -128", -0.03125, 15.90625)
qp_ties.hidden("tie_zero", "[-1, 1]: -128 + 127.5 = -0.5 rounds to even, Z = 0", -1.0, 1.0)
qp_ties.hidden("tie_unsigned_even", "unsigned [-0.3125, 31.5625] (scale 1/8): 2.5 rounds to even, Z = 2", -0.3125, 31.5625, 8, False)
qp_ties.hidden("unsigned_tie", "unsigned 8 bits on [-1, 1]: 127.5 rounds to even, Z = 128", -1.0, 1.0, 8, False)
qp_ties.hidden("tie_four_bits", "4 signed bits on [-0.25, 7.25] (scale 1/2): -8 + 0.5 = -7.5 rounds to even, Z = -8", -0.25, 7.25, 4)

qp_edge = cases.group("affine_qparams", id="qparams_zero", points=0.5, rtol=F32_ULP,
                      doc="the range is extended to contain 0; the degenerate range gives (1.0, 0)")
qp_edge.public("positive_only", "[2, 5] is extended to [0, 5]", 2.0, 5.0)
qp_edge.hidden("positive_far", "[3, 9] is extended to [0, 9]: Z = qmin", 3.0, 9.0)
qp_edge.hidden("negative_only", "[-3, -1] is extended to [-3, 0]: Z = qmax", -3.0, -1.0)
qp_edge.hidden("degenerate", "[0, 0] gives (1.0, 0)", 0.0, 0.0)
qp_edge.hidden("degenerate_unsigned", "[0, 0] unsigned gives (1.0, 0)", 0.0, 0.0, 8, False)
qp_edge.hidden("point", "[2, 2] is extended to [0, 2]", 2.0, 2.0)

qp_bad = cases.group("affine_qparams", id="qparams_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
qp_bad.public("reversed", "x_min > x_max raises ValueError", 1.0, -1.0)
qp_bad.hidden("reversed_small", "x_min > x_max raises ValueError", 0.5, 0.25)
qp_bad.hidden("one_bit", "n_bits = 1 raises ValueError", -1.0, 1.0, 1)
qp_bad.hidden("bool_bits", "n_bits = True raises ValueError", -1.0, 1.0, True)
qp_bad.hidden("float_bits", "n_bits = 7.5 raises ValueError", -1.0, 1.0, 7.5)
qp_bad.hidden("nan", "a NaN end raises ValueError", float("nan"), 1.0)
qp_bad.hidden("inf", "an infinite end raises ValueError", -1.0, float("inf"))

# ----------------------------------------------------------------------------------------------- q2
sym = cases.group("symmetric_qparams", points=0.5, rtol=1e-12, note=" (to 1e-12)",
                  doc="symmetric_qparams gives absmax / (2**(B-1) - 1) and zero point 0")
sym.public("int8", "absmax 1.27 at 8 bits: scale 0.01", 1.27)
sym.hidden("int8_other", "absmax 2.5 at 8 bits", 2.5)
sym.hidden("int4", "absmax 1.0 at 4 bits: scale 1/7", 1.0, 4)
sym.hidden("fc2", "absmax 5.037 at 8 bits", 5.037, 8)
sym.hidden("int16", "absmax 0.1 at 16 bits", 0.1, 16)
sym.hidden("int2", "absmax 3.0 at 2 bits: scale 3", 3.0, 2)

sym_edge = cases.group("symmetric_qparams", id="symmetric_zero", points=0.25,
                       doc="absmax 0 gives (1.0, 0), as ONNX Runtime")
sym_edge.hidden("zero", "absmax 0 gives (1.0, 0)", 0.0)
sym_edge.hidden("zero_int4", "absmax 0 at 4 bits gives (1.0, 0)", 0.0, 4)
sym_edge.hidden("zero_int16", "absmax 0 at 16 bits gives (1.0, 0)", 0.0, 16)

sym_bad = cases.group("symmetric_qparams", id="symmetric_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
sym_bad.public("negative", "a negative absmax raises ValueError", -1.0)
sym_bad.hidden("negative_small", "a negative absmax raises ValueError", -0.001)
sym_bad.hidden("one_bit", "n_bits = 1 raises ValueError (no positive code)", 1.0, 1)
sym_bad.hidden("inf", "an infinite absmax raises ValueError", float("inf"))
sym_bad.hidden("nan", "a NaN absmax raises ValueError", float("nan"))

# ----------------------------------------------------------------------------------------------- q3
aq = cases.group("affine_quantize", points=0.5, doc="codes of affine_quantize: values, clamping, shapes")
aq.public("simple", "scale 0.5, zero point 3 on [-1, 2]", np.array([-1.0, -0.2, 0.0, 0.7, 2.0]), 0.5, 3, -128, 127)
aq.hidden("clamp", "values beyond the range clamp to qmin and qmax", np.array([-300.0, -5.0, 0.0, 5.0, 300.0]), 0.5, -10, -128, 127)
aq.hidden("clamp_zero_point", "the zero point is added before clamping: 60 + 100 is clamped to 127", np.array([30.0, -30.0, 64.0]), 0.5, 100, -128, 127)
aq.hidden("unsigned", "uint8-style range [0, 255]", np.array([0.0, 0.3, 1.0, 2.0]), 1 / 255, 0, 0, 255)
aq.hidden("scalar", "a scalar gives a 0-d result", 0.37, 0.01, -5, -128, 127)
aq.hidden("float32_2d", "a float32 2-D input", rng.normal(0, 1, (4, 5)).astype(np.float32), 0.02, 0, -127, 127)
aq.hidden("per_row", "one scale per row, broadcast as scale[:, None]", rng.normal(0, 1, (3, 4)), np.array([[0.01], [0.1], [1.0]]), 0, -127, 127)
aq.hidden("four_bit", "4-bit codes [-8, 7] with zero point -4", np.linspace(-1.5, 3.5, 11), 4 / 15, -4, -8, 7)

aq_ties = cases.group("affine_quantize", id="quantize_ties", points=0.5, doc="ties round half to even, before the zero point is added")
aq_ties.public("ties", "x / S = -1.5, -0.5, 0.5, 1.5 (scale 2**-2)", np.array([-0.375, -0.125, 0.125, 0.375]), 0.25, 0, -128, 127)
aq_ties.hidden("ties_more", "x / S = -2.5, 2.5, 3.5, 4.5 (scale 2**-4)", np.array([-2.5, 2.5, 3.5, 4.5]) / 16, 1 / 16, 0, -128, 127)
aq_ties.hidden("odd_zero_point", "x / S = 2.5 rounds to 2, then + 1: code 3 (not round(3.5) = 4)", np.array([1.25, -1.25, 0.75]), 0.5, 1, -128, 127)
aq_ties.hidden("divide", "a true division: -0.595 / 0.01 is -59.49999..., so -59 (x * (1/S) gives -59.5 -> -60)", np.array([-0.595, -1.225]), 0.01, 0, -128, 127)
aq_ties.hidden("fbgemm", "fbgemm's example: 0.273939937f / 0.00214854861f = 127.49999, code 127", np.array([np.float32(0.273939937)]), np.float32(0.00214854861), 0, -128, 127)

aq_bad = cases.group("affine_quantize", id="quantize_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
aq_bad.public("zero_scale", "scale 0 raises ValueError", np.array([1.0]), 0.0, 0, -128, 127)
aq_bad.hidden("nan", "a NaN input raises ValueError", np.array([0.0, np.nan]), 0.1, 0, -128, 127)
aq_bad.hidden("negative_scale", "a negative scale raises ValueError", np.array([1.0]), -0.1, 0, -128, 127)
aq_bad.hidden("reversed", "qmin > qmax raises ValueError", np.array([1.0]), 0.1, 0, 127, -128)

adq = cases.group("affine_dequantize", points=0.5, rtol=1e-12, note=" (to 1e-12)",
                  doc="affine_dequantize gives scale * (q - zero_point) in float64, without int8 wrap-around")
adq.public("dequantize_simple", "int64 codes, scale 0.5, zero point 3", np.array([-128, 0, 3, 127]), 0.5, 3)
adq.hidden("dequantize_int8_wrap", "int8 codes with zero point -128: 100 - (-128) = 228 needs more than int8", np.array([-128, 0, 100, 127], dtype=np.int8), 0.02, -128)
adq.hidden("dequantize_uint8", "uint8 codes with zero point 128", np.array([0, 128, 255], dtype=np.uint8), 1 / 128, 128)
adq.hidden("dequantize_per_row", "one scale per row", np.array([[1, -2], [3, 4]], dtype=np.int8), np.array([[0.5], [0.25]]), 0)
adq.hidden("dequantize_scalar", "a scalar code", np.int8(-7), 0.125, 0)
adq.hidden("dequantize_negative_zero_point", "int8 codes with zero point 100: -128 - 100 = -228", np.array([-128, 27, 127], dtype=np.int8), 0.1, 100)

adq_bad = cases.group("affine_dequantize", id="dequantize_bad_arguments", points=0.25, doc="non-integer codes raise ValueError")
adq_bad.public("dequantize_float_codes", "float codes raise ValueError", np.array([1.0, 2.0]), 0.5, 0)
adq_bad.hidden("dequantize_float32_codes", "float32 codes raise ValueError", np.array([1.5], dtype=np.float32), 0.5, 0)
adq_bad.hidden("dequantize_float_scalar", "a float scalar code raises ValueError", 3.0, 0.5, 0)

# ----------------------------------------------------------------------------------------------- q4
W_A = rng.normal(0, 1, (8, 16)).astype(np.float32) * np.exp(rng.uniform(-2, 2, (8, 1))).astype(np.float32)
W_B = rng.laplace(0, 0.3, (6, 10)).astype(np.float32)
pc = cases.group("quantize_per_channel", points=0.75, doc="quantize_per_channel: codes and float32 scales per output channel")
pc.public("rows", "8 bits, one scale per row of a (5, 7) matrix", rng.normal(0, 1, (5, 7)).astype(np.float32))
pc.hidden("rows_8", "8 bits, rows of very different sizes", W_A)
pc.hidden("rows_4", "4 bits, rows of very different sizes", W_A, n_bits=4)
pc.hidden("columns", "axis=1: one scale per column", W_B, 8, 1)
pc.hidden("columns_negative_axis", "axis=-1 is axis 1", W_B, n_bits=5, axis=-1)
pc.hidden("float64_in", "float64 input (converted to float32 first)", W_B.astype(np.float64) * 1.7, n_bits=6)
pc.hidden("fc3", "the digits MLP's fc3 at 3 bits", WEIGHTS[2], n_bits=3)

pc_edge = cases.group("quantize_per_channel", id="per_channel_edges", points=0.25, doc="exact ties (scale 2**-4) and an all-zero row")
pc_edge.public("ties", "absmax 127/16: scale 1/16 exactly, codes at half steps round to even",
               np.array([[7.9375, 0.03125, 0.09375, -0.03125, -0.09375, 0.15625]], dtype=np.float32))
pc_edge.hidden("ties_more", "ties at 4 bits: absmax 7/8, scale 1/8",
               np.array([[0.875, 0.0625, 0.1875, -0.3125], [0.4375, -0.875, 0.0, 0.5625]], dtype=np.float32), n_bits=4)
pc_edge.hidden("zero_row", "an all-zero row gets scale 1.0 and codes 0", np.array([[0.0, 0.0, 0.0], [0.5, -1.0, 0.25]], dtype=np.float32))

pc_bad = cases.group("quantize_per_channel", id="per_channel_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
pc_bad.public("vector", "a 1-D vector raises ValueError", np.array([1.0, 2.0], dtype=np.float32))
pc_bad.hidden("tensor3", "a 3-D array raises ValueError", np.ones((2, 2, 2), dtype=np.float32))
pc_bad.hidden("axis2", "axis = 2 raises ValueError", np.ones((2, 3), dtype=np.float32), 8, 2)
pc_bad.hidden("one_bit", "n_bits = 1 raises ValueError", np.ones((2, 3), dtype=np.float32), n_bits=1)
# (the 8-bit weights of the digits MLP are compared with ONNX Runtime's quantize_static: hidden_tests.py)

# ----------------------------------------------------------------------------------------------- q6
# Each row carries the three weight matrices (about 90 kB in the reference files): three hidden rows per
# group, one public row in all.
_ramp = [w.copy() for w in WEIGHTS]
_ramp[1] *= np.linspace(0.2, 3.0, 64, dtype=np.float32)[:, None]  # fc2's rows rescaled: another network
qa_c = cases.group("quantized_accuracy", id="accuracy_per_channel", points=0.5, atol=ONE_IMAGE, note=" (to one test image)",
                   doc="quantized_accuracy per channel: the test accuracy of the network with quantized weights")
qa_c.public("five_bits", "the digits MLP's weights, 5 bits per channel", WEIGHTS, 5, True)
qa_c.hidden("four_channel", "4 bits per channel", WEIGHTS, 4, True)
qa_c.hidden("three_channel", "3 bits per channel", WEIGHTS, 3, True)
qa_c.hidden("unequal_rows_channel", "fc2's rows rescaled by 0.2 to 3, 4 bits per channel", _ramp, 4, True)

qa_t = cases.group("quantized_accuracy", id="accuracy_per_tensor", points=0.5, atol=ONE_IMAGE, note=" (to one test image)",
                   doc="quantized_accuracy per tensor: one scale for each weight matrix")
qa_t.hidden("four_tensor", "4 bits per tensor", WEIGHTS, 4, False)
qa_t.hidden("five_tensor", "5 bits per tensor", WEIGHTS, 5, False)
qa_t.hidden("unequal_rows_tensor", "fc2's rows rescaled by 0.2 to 3, 4 bits per tensor", _ramp, 4, False)

# accuracy_table, a graded value that is a table: publicly, its shape, dtype and range only (never the
# table); hidden, the whole table to one test image (or, follow-through, the table your own
# quantized_accuracy gives), and row by row in hidden_tests.py.
tab = cases.group(id="accuracy_table", points=0.25, atol=ONE_IMAGE, note=" (to one test image)",
                  doc="accuracy_table holds quantized_accuracy at table_bits, per tensor then per channel")
tab.row("table_properties", "accuracy_table: a (5, 2) float array of accuracies in [0, 1]", value="accuracy_table",
        public=True, props={"shape": [5, 2], "dtype": "float", "range": [0.0, 1.0]})
tab.row("table", "the whole accuracy table", value="accuracy_table")

# ----------------------------------------------------------------------------------------------- q7
ACT_N = rng.normal(0.0, 1.0, 1500)
ACT_L = rng.laplace(0.0, 1.0, 1500)
ACT_R = np.maximum(rng.normal(0.5, 1.0, (200, 16)), 0.0)
cr = cases.group("calibrate_range", points=0.5, rtol=1e-12, note=" (to 1e-12)", doc="calibrate_range: min-max and percentile ranges")
cr.public("minmax", "min-max of a small array", np.array([0.5, -2.0, 3.0, 1.0]), method="minmax")
cr.public("percentile", "percentile with p = 90 on 0..100", np.arange(101.0), method="percentile", p=90)
cr.hidden("minmax_2d", "min-max of a 2-D ReLU output", ACT_R, method="minmax")
cr.hidden("percentile_default", "percentile at the default p = 99.99", ACT_N, method="percentile")
cr.hidden("percentile_99", "percentile with p = 99", ACT_L, method="percentile", p=99)
cr.hidden("percentile_100", "p = 100 is min-max", ACT_L, method="percentile", p=100)

crm = cases.group("calibrate_range", id="calibrate_mse", points=0.75, rtol=1e-12, note=" (to 1e-12)",
                  doc="MSE-optimal clipping on the stated grid, with your affine functions")
crm.public("mse_small", "mse on a small array with one outlier", np.array([0.0, 0.1, -0.2, 0.3, 0.15, 5.0]), method="mse")
crm.hidden("mse_laplace", "mse on heavy-tailed data clips", ACT_L, method="mse")
crm.hidden("mse_relu", "mse on non-negative data: the range starts at 0", ACT_R, method="mse", n_grid=25)
crm.hidden("mse_4bit", "mse with n_bits = 4 clips more", ACT_L, method="mse", n_bits=4, n_grid=25)
crm.hidden("mse_grid", "mse with n_grid = 20", ACT_N, method="mse", n_grid=20)
crm.hidden("mse_positive", "all-positive data: the range is extended to 0 first", np.array([2.0, 2.5, 3.0, 5.0, 2.2]), method="mse", n_grid=10, n_bits=4)

crb = cases.group("calibrate_range", id="calibrate_bad_arguments", points=0.25, doc="bad arguments: ValueError, or TypeError for a parameter")
crb.public("unknown", "an unknown method raises ValueError", np.array([1.0]), method="entropy")
crb.hidden("empty", "empty activations raise ValueError", np.array([]), method="minmax")
crb.hidden("p_low", "p = 40 raises ValueError", ACT_N, method="percentile", p=40)
crb.hidden("nan", "NaN activations raise ValueError", np.array([1.0, np.nan]), method="minmax")
crb.hidden("extra", "a parameter minmax does not take raises TypeError", ACT_N, method="minmax", p=99)

# ----------------------------------------------------------------------------------------------- q8
qm = cases.group("quantize_multiplier", points=0.5, doc="TFLite's QuantizeMultiplier, exact")
qm.public("half", "0.5 = 0.5 * 2**0: (1073741824, 0)", 0.5)
qm.public("third", "1/3 = 0.667 * 2**-1: (1431655765, -1)", 1 / 3)
qm.hidden("tenth", "0.1 = 0.8 * 2**-3: 0.8 * 2**31 = 1717986918.4 -> (1717986918, -3)", 0.1)
qm.hidden("three_quarters", "0.75: (1610612736, 0)", 0.75)
qm.hidden("three", "3.0 > 1: a left shift of 2", 3.0)
qm.hidden("layer", "a layer's multiplier 0.0030084775", 0.0030084775072082522)
qm.hidden("tie_away", "m0 * 2**31 = 2**30 + 0.5 rounds away from zero (Python's round would not)", 0.5 + 2.0**-32)
qm.hidden("tie_odd", "m0 * 2**31 = 2**30 + 1.5 rounds to 2**30 + 2", 0.5 + 3 * 2.0**-32)

qm_edge = cases.group("quantize_multiplier", id="multiplier_edges", points=0.25, doc="the 2**31 carry, tiny and zero multipliers, bad input")
qm_edge.public("zero", "0 gives (0, 0)", 0.0)
qm_edge.hidden("carry", "1 - 2**-40 rounds to 2**31: halved, shift + 1", 1 - 2.0**-40)
qm_edge.hidden("tiny", "2**-40: shift below -31 gives (0, 0)", 2.0**-40)
qm_edge.hidden("negative", "a negative multiplier raises ValueError", -0.1)
qm_edge.hidden("nan", "NaN raises ValueError", float("nan"))

mm = cases.group("multiply_by_quantized_multiplier", id="multiply", points=0.5, doc="TFLite's double-rounding multiply, exact")
mm.public("multiply_half", "multiplier 0.5 on positive accumulators", np.array([0, 1, 2, 3, 1000]), 1073741824, 0)
mm.hidden("multiply_tenth", "multiplier 0.1: 5, -5, 15, 12345 give 1, -1, 2, 1235", np.array([5, -5, 15, 12345]), 1717986918, -3)
mm.hidden("multiply_double_rounding", "two roundings: -2160 * 0.0030084775 = -6.498 gives -7", np.array([-2160, 2160]), 1653928001, -8)
mm.hidden("multiply_left_shift", "multiplier 3.0: a left shift", np.array([100, -100, 7]), 1610612736, 2)
mm.hidden("multiply_per_channel", "one multiplier and shift per column", rng.integers(-20000, 20000, (4, 3)),
          np.array([1717986918, 1073741824, 1431655765]), np.array([-3, 0, -1]))
mm.hidden("multiply_int8_acc", "an int8 accumulator array", np.array([-128, 127, 64], dtype=np.int8), 1431655765, -1)

mm_neg = cases.group("multiply_by_quantized_multiplier", id="multiply_negative", points=0.5,
                     doc="negative accumulators round half away from zero, not down")
mm_neg.public("negative_half", "multiplier 0.5 on negative accumulators", np.array([-1, -2, -3, -1000]), 1073741824, 0)
mm_neg.hidden("negative_ties", "-5, -15, -25 times 0.1: ties away from zero", np.array([-5, -15, -25, -35]), 1717986918, -3)
mm_neg.hidden("negative_quarter", "multiplier 0.25 on -1..-7", -np.arange(1, 8), 1073741824, -1)
mm_neg.hidden("negative_random", "random negative accumulators", -rng.integers(1, 100000, 50), 1653928001, -8)
mm_neg.hidden("negative_odd_products", "multiplier 1/3 on -1..-9 (odd products: the nudge matters)", -np.arange(1, 10), 1431655765, -1)

mm_bad = cases.group("multiply_by_quantized_multiplier", id="multiply_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
mm_bad.public("float_acc", "float accumulators raise ValueError", np.array([1.5]), 1073741824, 0)
mm_bad.hidden("overflow", "acc * 2**shift outside int32 raises ValueError", np.array([2**30]), 1073741824, 2)
mm_bad.hidden("float32_acc", "float32 accumulators raise ValueError", np.array([3.0], dtype=np.float32), 1073741824, -1)

# ----------------------------------------------------------------------------------------------- q9
XQ = rng.integers(-128, 128, (6, 12)).astype(np.int8)
WQ = rng.integers(-127, 128, (5, 12)).astype(np.int8)
BIAS = rng.normal(0, 0.5, 5)
W_SCALES = np.array([0.01, 0.02, 0.005, 0.03, 0.015], dtype=np.float32)
FC3 = WEIGHTS[2]
FC3_S = (np.abs(FC3).max(axis=1) / np.float32(127)).astype(np.float32)
FC3_Q = np.clip(np.round(FC3 / FC3_S[:, None]), -127, 127).astype(np.int8)
il_t = cases.group("int8_linear", id="linear_per_tensor", points=0.5, doc="int8_linear with one weight scale: exact int8 codes")
il_t.public("small", "per-tensor weights, a small layer", XQ[:2, :4], 0.05, -3, WQ[:3, :4], 0.01, BIAS[:3], 0.1, 2)
il_t.hidden("per_tensor", "per-tensor weight scale", XQ, 0.02, 5, WQ, 0.01, BIAS, 0.05, -10)
il_t.hidden("one_input_tensor", "a single input vector (n_in,)", XQ[1], 0.02, 3, WQ, 0.01, BIAS, 0.05, 1)
il_t.hidden("saturates", "large outputs saturate at -128 and 127", XQ, 0.2, 0, WQ, 0.05, BIAS * 0, 0.01, 0)
il_t.hidden("zero_point_input", "an input zero point of -128", XQ, 0.03, -128, WQ, 0.02, BIAS, 0.2, 0)

il_c = cases.group("int8_linear", id="linear_per_channel", points=0.5, doc="int8_linear with one weight scale per output channel")
il_c.hidden("per_channel", "one weight scale per output channel", XQ, 0.02, 5, WQ, W_SCALES, BIAS, 0.05, -10)
il_c.hidden("one_input", "a single input vector (n_in,)", XQ[0], 0.02, 0, WQ, W_SCALES, BIAS, 0.05, 0)
il_c.hidden("relu_zero_point", "output zero point -128 clamps negatives (the ReLU)", XQ, 0.02, -128, WQ, W_SCALES, BIAS, 0.03, -128)
il_c.hidden("fc3", "the digits MLP's fc3 with realistic scales", np.clip(XQ[:, :1].repeat(64, 1), -128, 127),
            0.06212, -128, FC3_Q, FC3_S, MODEL.biases[2], 0.245, -28)

il_req = cases.group("int8_linear", id="linear_requantization", points=0.5, doc="fixed-point requantization and the int32 bias")
il_req.public("bias_only", "zero weights: the output is the requantized bias", np.zeros((1, 2), dtype=np.int8),
              1.0, 0, np.zeros((3, 2), dtype=np.int8), 1.0, np.array([5.0, -5.0, 15.0]), 10.0, 0)
il_req.hidden("double_rounding", "bias code -2160 with M = 0.0030084775: TFLite gives -7, exact rounding -6",
              np.zeros((1, 1), dtype=np.int8), 0.06212357431650162, 0, np.zeros((2, 1), dtype=np.int8),
              np.float32(0.011864), np.array([-2160.0, 2160.0]) * 0.06212357431650162 * float(np.float32(0.011864)),
              0.24498389661312103, 0)
il_req.hidden("bias_scale", "the bias is quantized with x_scale * w_scale, per channel", np.zeros((1, 3), dtype=np.int8),
              0.5, 0, np.zeros((2, 3), dtype=np.int8), np.array([0.1, 0.01], dtype=np.float32), np.array([1.0, 1.0]), 0.01, 0)
il_req.hidden("large_sum", "a long sum that overflows int16", np.full((1, 300), 127, dtype=np.int8), 0.01, -128,
              np.full((2, 300), 127, dtype=np.int8), np.array([0.001, 0.0001], dtype=np.float32), np.zeros(2), 2.0, 0)

il_bad = cases.group("int8_linear", id="linear_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
il_bad.public("float_x", "float inputs raise ValueError", np.ones((1, 2)), 1.0, 0, np.ones((1, 2), dtype=np.int8), 1.0, np.zeros(1), 1.0, 0)
il_bad.hidden("shapes", "mismatched shapes raise ValueError", XQ, 0.02, 0, WQ[:, :5], 0.01, BIAS, 0.05, 0)
il_bad.hidden("float_w", "float weights raise ValueError", XQ, 0.02, 0, WQ.astype(float), 0.01, BIAS, 0.05, 0)


# ---------------------------------------------------------------------------------------------- q11
def _probe(n: int) -> np.ndarray:
    """n values over 15 decades, both signs."""
    return rng.normal(0, 1, n) * 10.0 ** rng.uniform(-9, 6, n)


FORMATS = {"fp16": (5, 10), "bf16": (8, 7), "e5m2": (5, 2), "e4m3": (4, 3)}
rf = cases.group("round_to_float_format", id="float_formats", points=0.75, doc="round_to_float_format on many values (saturate=False)")
rf.public("fp16_few", "a few float16 values", np.array([0.1, -1.0 / 3, 1000.7, 2.0**-20]), 5, 10, False)
rf.public("bf16_few", "a few bfloat16 values", np.array([3.14159, -(2.0**-130), 1e30]), 8, 7, False)
for _name, (_e, _m) in FORMATS.items():
    rf.hidden(f"{_name}_many", f"1,000 values over 15 decades in {_name}", _probe(1000), _e, _m, False)
rf.hidden("e4m3_saturating", "E4M3 with saturate=True", _probe(500), 4, 3, True)
rf.hidden("e3m2", "a 6-bit format, 3 exponent and 2 mantissa bits, saturating", rng.normal(0, 4, 300), 3, 2, True)

rf_ties = cases.group("round_to_float_format", id="float_ties", points=0.5, doc="ties to even and subnormals")
rf_ties.public("fp16_ties", "float16 ties at 1 + 2**-11 and 1 + 3 * 2**-11", np.array([1 + 2.0**-11, 1 + 3 * 2.0**-11]), 5, 10, False)
rf_ties.hidden("bf16_ties", "bfloat16 ties at 1 + 2**-8, 1 + 3 * 2**-8, -(2 + 2**-7)", np.array([1 + 2.0**-8, 1 + 3 * 2.0**-8, -(2 + 2.0**-7)]), 8, 7, False)
rf_ties.hidden("e4m3_subnormals", "E4M3 subnormals k * 2**-10: ties to even", np.arange(0, 20) * 2.0**-10, 4, 3, False)
rf_ties.hidden("e5m2_subnormals", "E5M2 subnormals and the smallest normal", np.arange(0, 20) * 2.0**-17, 5, 2, False)
rf_ties.hidden("fp16_subnormals", "float16 subnormals", np.array([2.0**-25, 3 * 2.0**-26, 2.0**-24 * 1.5, 6e-8]), 5, 10, False)
rf_ties.hidden("signed_zero", "a 2-D array with zeros and values far below the smallest subnormal", np.array([[0.0, -0.0], [1e-30, -1e-30]]), 4, 3, False)

rf_over = cases.group("round_to_float_format", id="float_overflow", points=0.5, doc="overflow: inf, NaN for E4M3, or saturation")
rf_over.public("fp16_over", "float16: 65519 stays, 65520 overflows to inf", np.array([65504.0, 65519.0, 65520.0]), 5, 10, False)
rf_over.hidden("fp16_saturate", "float16 saturating", np.array([65520.0, -1e9, np.inf, -np.inf, np.nan]), 5, 10, True)
rf_over.hidden("fp16_inf", "float16 without saturation", np.array([1e6, -np.inf, np.nan]), 5, 10, False)
rf_over.hidden("e4m3_nan", "E4M3: 464 rounds to 448, 465 becomes NaN, inf becomes NaN", np.array([448.0, 464.0, 465.0, -1e4, np.inf]), 4, 3, False)
rf_over.hidden("e4m3_saturate", "E4M3 saturating at 448", np.array([448.0, 465.0, -1e4, np.inf]), 4, 3, True)
rf_over.hidden("e5m2_over", "E5M2: 61439 rounds to 57344, 61440 to inf", np.array([57344.0, 61439.0, 61440.0]), 5, 2, False)

# ---------------------------------------------------------------------------------------------- q12
G_A = rng.normal(0, 1, (4, 64)).astype(np.float32)
qg = cases.group("quantize_groups", id="groups", points=0.75, doc="quantize_groups: codes and float32 scales per group of consecutive weights")
qg.public("small", "groups of 4 at 4 bits", rng.normal(0, 1, (2, 8)).astype(np.float32), 4, 4)
qg.hidden("default", "groups of 32 at 4 bits", G_A)
qg.hidden("three_bits", "groups of 16 at 3 bits", G_A, 16, 3)
qg.hidden("fc2", "eight rows of the digits MLP's fc2 in groups of 32", WEIGHTS[1][:8], 32, 4)
qg.hidden("ties", "exact ties: absmax 7/8, scale 1/8", np.array([[0.875, 0.0625, -0.1875, 0.3125]], dtype=np.float32), 4, 4)
qg.hidden("eight_bits", "groups of 8 at 8 bits", G_A[:2], 8, 8)

qg_bad = cases.group("quantize_groups", id="groups_edges", points=0.25, doc="an all-zero group, and rows that do not split")
qg_bad.public("ragged", "rows of 10 do not split into groups of 4: ValueError", np.ones((2, 10), dtype=np.float32), group_size=4)
qg_bad.hidden("zero_group", "an all-zero group gets scale 1.0", np.concatenate([np.zeros((1, 4)), np.ones((1, 4))], axis=1).astype(np.float32), 4, 4)
qg_bad.hidden("ragged_32", "rows of 48 do not split into groups of 32: ValueError", np.ones((1, 48), dtype=np.float32))

nf = cases.group("normal_float_levels", id="normal_float", points=0.75, rtol=1e-12, atol=1e-15, note=" (to 1e-12)",
                 doc="normal_float_levels follows bitsandbytes' NF construction")
nf.public_props("default_properties", "16 levels from -1 to 1, sorted, an exact 0",
                props={"shape": [16], "sorted": True, "ends": [-1.0, 1.0], "contains": [0.0]})
nf.public_props("three_bits_properties", "NF3: 8 levels from -1 to 1, strictly increasing, an exact 0", 3,
                props={"shape": [8], "strictly_increasing": True, "ends": [-1.0, 1.0], "contains": [0.0]})
nf.hidden("nf4_default", "the NF4 table at the defaults")
nf.hidden("nf3", "NF3: 8 levels", 3)
nf.hidden("nf4_offset", "another offset, 0.99", 4, 0.99)
nf.hidden("nf5", "NF5: 32 levels", 5)
