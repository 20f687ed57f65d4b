"""Known mistakes of notebook 04, by the solution cell each one edits (``old`` occurs there once).

Applied to the solution, a mistake is a full submission that must lose points in its own question (the
cell's ``qN``) and nowhere else, unless it says why it ``propagates``: questions that call an earlier
graded function are graded against the student's own version of it too (follow-through, the oracles
in hidden_tests.py). Hints say what to look at, not the answer. Three (q1: four) per graded function,
the most common ones: each costs a graded kernel run in `quantgrade verify` and `quantgrade refs`.
`quantgrade verify` runs every one through the grader and reports where it loses points.
"""

from __future__ import annotations

from autograder.spec import Mistake as M

MISTAKES = {
    "q1_affine_qparams": [
        M("zp_not_rounded", "int(np.clip(np.round(qmin - x_min / scale), qmin, qmax))",
          "int(np.clip(qmin - x_min / scale, qmin, qmax))",
          "the zero point is truncated by int() instead of rounded",
          "int() cuts toward zero: which integer is nearest to qmin - x_min / scale?"),
        M("range_not_extended", "x_min, x_max = min(x_min, 0.0), max(x_max, 0.0)", "x_min, x_max = x_min, x_max",
          "the range is not extended to contain 0",
          "For a range like [2, 5], which code would the real value 0 get? It must be exactly representable."),
        M("cells_not_gaps", "scale = (x_max - x_min) / (qmax - qmin)", "scale = (x_max - x_min) / (qmax - qmin + 1)",
          "scale = range / 2**B (notebook 01's cell width) instead of range / (2**B - 1)",
          "Here both ends of the range are levels: how many gaps are there between 2**B levels?"),
        M("ties_up", "np.round(qmin - x_min / scale)", "np.floor(qmin - x_min / scale + 0.5)",
          "ties of the zero point rounded half up instead of half to even",
          "What is round(-0.5) with ties to even? Try the range [-1, 1]."),
    ],
    "q2_symmetric_qparams": [
        M("over_128", "return absmax / (2 ** (n_bits - 1) - 1), 0", "return absmax / 2 ** (n_bits - 1), 0",
          "scale = absmax / 128", "The symmetric grid stops at +127: which code should absmax get?"),
        M("over_127_5", "return absmax / (2 ** (n_bits - 1) - 1), 0", "return absmax / (2 ** (n_bits - 1) - 0.5), 0",
          "scale = absmax / 127.5 (the asymmetric range 255 / 2)",
          "The symmetric codes are -127..127: how many steps from 0 to the top?"),
        M("zero_scale", "        return 1.0, 0", "        return 0.0, 0",
          "absmax 0 gives scale 0", "A scale of 0 cannot be divided by: what does ONNX Runtime use?"),
    ],
    "q3_affine_quantize": [
        M("clamp_then_zero_point", "    q = np.round(x / scale) + zero_point\n    return np.clip(q, qmin, qmax).astype(np.int64)",
          "    q = np.clip(np.round(x / scale), qmin, qmax) + zero_point\n    return q.astype(np.int64)",
          "clamps before adding the zero point",
          "Codes must lie in [qmin, qmax] after the zero point is added: in which order?"),
        M("int8_before_clamp", "q = np.round(x / scale) + zero_point", "q = np.round(x / scale).astype(np.int8) + zero_point",
          "casts to int8 before adding the zero point and clamping (wraps around)",
          "What is np.int8(200)? Convert to a narrow type only after clamping."),
        M("half_up", "q = np.round(x / scale) + zero_point", "q = np.floor(x / scale + 0.5) + zero_point",
          "rounds half up instead of half to even", "np.round(0.5) is 0.0: which rule does ONNX Runtime use?"),
    ],
    "q3_affine_dequantize": [
        M("int8_wrap", "(q.astype(np.int64) - zero_point)", "(q - zero_point)",
          "subtracts the zero point in the codes' own (int8) type",
          "What is np.int8(100) - (-128)? Widen the integers before subtracting."),
        M("plus_zero_point", "(q.astype(np.int64) - zero_point)", "(q.astype(np.int64) + zero_point)",
          "adds the zero point instead of subtracting it", "Which code must come back as exactly 0.0?"),
        M("no_check", '    if q.dtype.kind not in "iu":', "    if False:",
          "accepts float codes", "Codes are integers: what should a float array do?"),
    ],
    "q4_quantize_per_channel": [
        M("wrong_axis", "absmax = np.abs(w).max(axis=1 - axis)", "absmax = np.abs(w).max(axis=axis)",
          "the absmax is taken along the channel axis instead of within each channel",
          "For axis=0 you want one number per row: which axis do you reduce over?",
          propagates="it raises on every non-square matrix, so quantized_accuracy (q6) cannot run; a function "
                     "that fails its sanity check gets no follow-through"),
        M("float64_scales", "scales = np.array([symmetric_qparams(a, n_bits)[0] for a in absmax], dtype=np.float32)",
          "scales = np.array([symmetric_qparams(a, n_bits)[0] for a in absmax], dtype=np.float64)",
          "scales kept in float64 instead of float32", "A model file stores float32 scales: quantize with the scale you store."),
        M("inline_scale", "scales = np.array([symmetric_qparams(a, n_bits)[0] for a in absmax], dtype=np.float32)",
          "scales = (absmax / (2 ** (n_bits - 1) - 1)).astype(np.float32)",
          "the scale computed inline, so an all-zero channel gets scale 0",
          "What does your symmetric_qparams return for absmax 0, and why?"),
    ],
    "q6_quantized_accuracy": [
        M("ignores_weights", "    for w in weights:", "    for w in model.weights:",
          "quantizes model.weights instead of the weights it is given",
          "The graded tests pass other weight matrices than model.weights: which list does your loop read?"),
        M("train_set", "accuracy(X_test, y_test)", "accuracy(X_train, y_train)",
          "accuracy on the training set", "The question asks for the test accuracy."),
        M("tensor_mean_scale", "float(np.abs(w).max())", "float(np.abs(w).mean())",
          "per-tensor scale from the mean |w| instead of the absmax", "Which weight must land on the top code?"),
    ],
    "q6_accuracy_table": [
        # a graded value needs no catalogue; this one is the likeliest slip (test_table_* catch it)
        M("columns_swapped", "[quantized_accuracy(model.weights, b, False), quantized_accuracy(model.weights, b, True)]",
          "[quantized_accuracy(model.weights, b, True), quantized_accuracy(model.weights, b, False)]",
          "columns swapped", "Column 0 is per-tensor, column 1 per-channel."),
    ],
    "q7_calibrate_range": [
        M("percentile_swapped", "return float(np.percentile(a, 100 - p)), float(np.percentile(a, p))",
          "return float(np.percentile(a, p)), float(np.percentile(a, 100 - p))",
          "the percentile range is (high, low)", "lo must be the (100 - p)-th percentile."),
        M("symmetric_clip", "r_lo, r_hi = max(lo, -t), min(hi, t)", "r_lo, r_hi = -t, t",
          "the MSE candidates go beyond the data (always [-t, t])", "For ReLU outputs, is -t a useful end?"),
        M("always_8_bits", "s, z = affine_qparams(r_lo, r_hi, n_bits)", "s, z = affine_qparams(r_lo, r_hi, 8)",
          "the MSE search ignores n_bits", "The best clipping depends on the grid that will be used."),
    ],
    "q8_quantize_multiplier": [
        M("python_round", "q_fixed = math.floor(m0 * 2**31 + 0.5)", "q_fixed = round(m0 * 2**31)",
          "Python's round (half to even) instead of TFLite's half away from zero",
          "round(2.5) in Python is 2: what does std::round do?"),
        M("no_carry", "    if q_fixed == 2**31:", "    if False:",
          "no carry when the rounding reaches 2**31", "Does 2**31 fit in an int32?"),
        M("shift_sign", "    return int(q_fixed), int(shift)", "    return int(q_fixed), -int(shift)",
          "the shift has the wrong sign", "m = multiplier * 2**(shift - 31): 0.1 needs a negative shift."),
    ],
    "q8_multiply_by_quantized_multiplier": [
        M("floor_high_mul", "high = np.where(nudged >= 0, nudged >> 31, -((-nudged) >> 31))", "high = nudged >> 31",
          "the high multiply floors negative products (Python's >>) instead of truncating toward zero",
          "C's / truncates toward zero; Python's >> and // round down: what happens to -4.5?"),
        M("floor_shift", "threshold = (mask >> 1) + (high < 0)", "threshold = mask >> 1",
          "RoundingDivideByPOT rounds negative ties up instead of away from zero",
          "The threshold is one larger for negative values: why?"),
        M("single_rounding", "    return (high >> right) + (remainder > threshold)",
          "    return (product + (np.int64(1) << (30 + right))) >> (31 + right)",
          "one exact rounding instead of TFLite's two",
          "TFLite's default build rounds twice (high multiply, then the shift): try -2160 * 0.0030084775."),
    ],
    "q9_int8_linear": [
        M("bias_weight_scale_only", "np.asarray(bias, dtype=np.float64) / (float(x_scale) * w_scale)",
          "np.asarray(bias, dtype=np.float64) / w_scale",
          "the bias is quantized with the weight's scale alone", "The accumulator's unit is S_x * S_w."),
        M("int16_accumulator", "acc = (xq.astype(np.int64) - x_zp) @ wq.astype(np.int64).T",
          "acc = ((xq.astype(np.int16) - x_zp) @ wq.astype(np.int16).T).astype(np.int64)",
          "accumulates in int16 (overflows)", "How large can a sum of 12 products 255 * 127 get?"),
        M("no_input_zero_point", "acc = (xq.astype(np.int64) - x_zp) @ wq.astype(np.int64).T",
          "acc = xq.astype(np.int64) @ wq.astype(np.int64).T",
          "forgets the input zero point", "The real input is S_x (q_x - Z_x)."),
    ],
    "q11_round_to_float_format": [
        M("truncate_mantissa", "np.round(magnitude / step) * step", "np.floor(magnitude / step) * step",
          "truncates the mantissa (bf16 by cutting bits) instead of rounding",
          "Cutting float32 to bfloat16 is not rounding: which way should 1 + 2**-7.5 go?"),
        M("flush_subnormals", "rounded = np.where(finite, np.round(magnitude / step) * step, np.inf)",
          "rounded = np.where(finite & (magnitude >= 2.0**e_min), np.round(magnitude / step) * step, np.where(finite, 0.0, np.inf))",
          "flushes subnormals to zero", "Below 2**e_min the step stays 2**(e_min - M): the values do not vanish."),
        M("e4m3_inf", "largest, overflow = 448.0, np.nan", "largest, overflow = 448.0, np.inf",
          "E4M3 overflows to inf", "E4M3 fn has no infinity: what does ml_dtypes give?"),
    ],
    "q12_quantize_groups": [
        M("group_mean_scale", "absmax = np.abs(groups).max(axis=2)", "absmax = np.abs(groups).mean(axis=2)",
          "group scale from the mean |w| instead of the absmax", "Which weight of the group must land on the top code?"),
        M("over_8", "scales = np.array([[symmetric_qparams(a, n_bits)[0] for a in row] for row in absmax], dtype=np.float32)",
          "scales = (absmax / 2 ** (n_bits - 1)).astype(np.float32)",
          "scale = absmax / 8 at 4 bits (Q4_0's divisor on the symmetric grid)",
          "The grid is [-7, 7] at 4 bits: which code does the absmax get?"),
        M("groups_down_columns", "groups = w.reshape(w.shape[0], -1, group_size)",
          "groups = w.T.reshape(w.shape[1], -1, group_size)",
          "groups taken down the columns", "Groups are consecutive weights along each row."),
    ],
    "q12_normal_float_levels": [
        M("not_normalized", "    return levels / levels.max()", "    return levels",
          "levels not divided by the largest", "The code book runs from -1 to 1."),
        M("symmetric_halves", "np.linspace(offset, 0.5, half + 1)[:-1]", "np.linspace(offset, 0.5, half)[:-1]",
          "as many positive as negative levels (15 in all)", "NF4 has one more positive level than negative ones."),
        M("no_zero", "levels = np.sort(np.array(positive + [0.0] + negative))",
          "levels = np.sort(np.array(positive + negative))", "no exact zero", "0 must be a level."),
    ],
}
