"""Known mistakes of notebook 03, grouped by the solution cell each one edits (one-place text edits).

Each must lose points in its own question and nowhere else (follow-through protects q11 from the
table and block functions). A mistake that changes no hidden reference case is caught by a property
test of ``hidden_tests.py``, named in its comment. Hints point at the idea, never at the answer.
"""

from __future__ import annotations

from autograder.spec import Mistake as M

MISTAKES = {
    "q1_reduce_bit_depth": [
        M(
            "shift_by_bits",
            "shift = 8 - int(n_bits)",
            "shift = int(n_bits)",
            "shifts by n_bits instead of 8 - n_bits",
            "To keep the top b bits of an 8-bit number, how many bits must go? Try v = 200 with b = 3.",
        ),
        M(
            "not_shifted_back",
            "    out = k << shift\n",
            "    out = k\n",
            "returns the index k, not a grey level",
            "k counts cells from 0 to 2**b - 1; the decoder must put it back on the 0..255 scale.",
        ),
        M(
            "full_step_offset",
            "out = out + (1 << (shift - 1))",
            "out = out + (1 << shift)",
            "adds a whole step D instead of D / 2 for mid-step",
            "The middle of a cell of D levels is D / 2 above its "
            "bottom: is your largest value still below 256?",
        ),
    ],
    "q2_window_level": [
        M(
            "linear_exact",
            "    c = center - 0.5\n    w = width - 1\n",
            "    c = center\n    w = width\n",
            "LINEAR_EXACT instead of LINEAR (no - 1/2 and - 1)",
            "PS3.3's LINEAR function shifts the center by one half and the width by one: compare your edges "
            "with the worked example c = 40, w = 400.",
        ),
        M(
            "window_truncates",
            "return np.floor(y + 0.5).astype(np.uint8)",
            "return y.astype(np.uint8)",
            "truncates y instead of rounding it",
            "astype(np.uint8) drops the fraction: 127.82 should become 128.",
        ),
        M(
            "clips_edges_inside",
            "    above = x > c + w / 2\n",
            "    above = x >= c + w / 2 - 1\n",
            "makes the top edge one value too low",
            "PS3.3 says y_max only where x > c - 1/2 + (w - 1)/2; check x = 238.5 in the worked example.",
        ),
    ],
    "q4_bayer_matrix": [
        M(
            "transposed_recursion",
            "np.block([[4 * b, 4 * b + 2], [4 * b + 3, 4 * b + 1]])",
            "np.block([[4 * b, 4 * b + 3], [4 * b + 2, 4 * b + 1]])",
            "puts 4B + 2 and 4B + 3 in each other's place",
            "Compare your B_2 with [[0, 2], [3, 1]] entry by entry.",
        ),
        M(
            "nested_wrong_way",
            "b = np.block([[4 * b, 4 * b + 2], [4 * b + 3, 4 * b + 1]])",
            "b = 4 * np.kron(b, np.ones((2, 2), dtype=np.int64)) + np.tile([[0, 2], [3, 1]], b.shape)",
            "nests the recursion the wrong way round (the 2 x 2 pattern inside instead of outside)",
            "In B_2n the four n x n quarters are 4B_n plus one offset "
            "each; check B_4's top-left 2 x 2 corner.",
        ),
        M(
            "thresholds_not_indices",
            "    return b\n",
            "    return (b + 0.5) / n**2\n",
            "returns thresholds instead of the integer index matrix",
            "bayer_matrix returns the integers 0 .. n*n - 1; the "
            "thresholds are made from them in ordered_dither.",
        ),
    ],
    "q5_ordered_dither": [
        M(
            "no_half",
            "threshold = (bayer[rows % n, cols % n] + 0.5) / n**2",
            "threshold = bayer[rows % n, cols % n] / n**2",
            "thresholds B / n² instead of (B + 1/2) / n²",
            "Thresholds should be centred in (0, 1): what is the mean of B "
            "/ n², and what does it do to a tile's mean?",
        ),
        M(
            "uint8_overflow",
            "u = img.astype(np.float64) * top / 255",
            "u = img * top / 255",
            "multiplies the uint8 image by 2**b - 1 without converting it",
            "What is np.uint8(200) * 3 in numpy? Convert before multiplying.",
        ),
        M(
            "q1_grid",
            "levels = np.round(np.arange(top + 1) * 255 / top).astype(np.uint8)",
            "levels = (np.arange(top + 1) * (256 // (top + 1))).astype(np.uint8)",
            "uses the grid k * 256 / 2**b of q1 instead of round(k * 255 / (2**b - 1))",
            "A dithered image must reach white: what is the top level of your grid at 1 bit?",
        ),
    ],
    "q6_floyd_steinberg": [
        M(
            "weights_swapped",
            "                row[ahead] += e * 7 / 16",
            "                row[ahead] += e * 5 / 16",
            "7/16 and 5/16 mixed up: weights that no longer sum to 1",
            "The four weights are 7, 3, 5 and 1 sixteenths and add up to 1: check where each goes.",
        ),
        M(
            "error_from_input",
            "e = v - levels[k]",
            "e = img[i, j] - levels[k]",
            "diffuses the error of the original pixel instead of the working value",
            "The error to pass on is what the output missed of the "
            "value you rounded, error received included.",
        ),
        M(
            "uint8_working_copy",
            "x = img.astype(np.float64).tolist()",
            "x = img.copy()",
            "adds the error into the uint8 image",
            "A uint8 pixel cannot hold 130.4 or -12: where do fractions and negatives go?",
        ),
    ],
    "q8_kmeans_palette": [
        M(
            "median_update",
            "            centres[:, dim] = np.where(counts > 0, sums / np.maximum(counts, 1), "
            "centres[:, dim])\n",
            "            for j in np.flatnonzero(counts):\n"
            "                centres[j, dim] = np.median(x[labels == j, dim])\n",
            "moves each centre to the median of its pixels instead of the mean",
            "Lloyd's update is the centroid: the point that minimizes the squared distances.",
        ),
        M(
            "stale_labels",
            "return centres, nearest(centres).astype(np.int64)",
            "return centres, (previous if previous is not None else nearest(centres)).astype(np.int64)",
            "returns the labels of the last assignment, not those of the returned centres",
            "After the last update the centres moved: are your labels still the nearest ones?",
        ),
        M(
            "empty_to_zero",
            "np.where(counts > 0, sums / np.maximum(counts, 1), centres[:, dim])",
            "sums / np.maximum(counts, 1)",
            "moves a centre without pixels to 0 instead of keeping it",
            "A centre that no pixel chose has no mean: the convention keeps its previous value.",
        ),
    ],
    "q9_jpeg_quant_table": [
        M(
            "float_scale",
            "scale = 5000 // q if q < 50",
            "scale = 5000 / q if q < 50",
            "a float scale 5000 / q",
            "libjpeg computes S with C's integer division; from quality "
            "9 on the float version gives other tables.",
        ),
        M(
            "np_round",
            "np.clip((base.astype(np.int64) * scale + 50) // 100, 1, 255)",
            "np.clip(np.round(base * scale / 100).astype(np.int64), 1, 255)",
            "np.round(B S / 100) instead of (B S + 50) // 100",
            "np.round rounds halves to even; (B S + 50) // 100 rounds them up: try B S = 250.",
        ),
        M(
            "no_clamp",
            "np.clip((base.astype(np.int64) * scale + 50) // 100, 1, 255)",
            "(base.astype(np.int64) * scale + 50) // 100",
            "does not clamp the entries to 1..255",
            "What does quality 100 give without the lower clamp, and quality 1 without the upper one?",
        ),
    ],
    "q10_jpeg_quantize_block": [
        M(
            "half_even",
            "(np.sign(c) * np.floor(np.abs(c) / t + 0.5)).astype(np.int64)",
            "np.round(c / t).astype(np.int64)",
            "np.round: halves to even instead of away from zero",
            "np.round(2.5) is 2.0; the course's rule (libjpeg's) gives 3.",
        ),
        M(
            "quantize_truncates",
            "(np.sign(c) * np.floor(np.abs(c) / t + 0.5)).astype(np.int64)",
            "(c / t).astype(np.int64)",
            "truncates toward zero",
            "astype(int) drops the fraction: 2.9 steps become 2.",
        ),
        M(
            "half_up",
            "(np.sign(c) * np.floor(np.abs(c) / t + 0.5)).astype(np.int64)",
            "np.floor(c / t + 0.5).astype(np.int64)",
            "rounds halves up, also for negative coefficients",
            "The rule is symmetric: -2.5 steps must become -3, like 2.5 becomes 3.",
        ),
    ],
    "q10_jpeg_dequantize_block": [
        M(
            "divides",
            "return q.astype(np.float64) * t.astype(np.float64)",
            "return q.astype(np.float64) / t.astype(np.float64)",
            "divides by the table again",
            "Dequantization undoes the division: F' = F_Q times Q.",
        ),
        # Caught by the dtype-kind comparison (int where float64 is expected) and by
        # hidden_tests.test_quantizer_properties.
        M(
            "integer_output",
            "return q.astype(np.float64) * t.astype(np.float64)",
            "return q * t",
            "returns integers instead of float64",
            "The decoder works in float64 from here on: return float64.",
        ),
        M(
            "transposed_table",
            "return q.astype(np.float64) * t.astype(np.float64)",
            "return q.astype(np.float64) * t.T",
            "uses the table transposed",
            "Q(u, v) has u (vertical frequency) as its row, like the coefficients.",
        ),
    ],
    "q11_jpeg_roundtrip": [
        M(
            "zero_padding",
            'mode="edge"',
            'mode="constant"',
            "pads the border with zeros instead of repeating the edge",
            "The border rule repeats the last row and column: black "
            "padding makes dark ringing at the border.",
        ),
        # Caught by hidden_tests.test_roundtrip_agrees_with_the_pipeline (the "saturated" image wraps around).
        M(
            "no_clip",
            "return np.clip(np.round(out), 0, 255).astype(np.uint8)",
            "return np.round(out).astype(np.uint8)",
            "does not clip before converting to uint8",
            "The decoded values can leave 0..255 by a little: what does uint8 make of -3 or 258?",
        ),
        M(
            "no_level_shift",
            'mode="edge") - 128',
            'mode="edge")',
            "forgets the level shift (and keeps adding 128 back)",
            "The encoder subtracts 128 before the DCT; the decoder "
            "adds it back. Do both, or neither happens.",
        ),
    ],
}
