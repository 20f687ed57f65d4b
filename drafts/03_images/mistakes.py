"""Known mistakes of notebook 03, grouped by the solution cell each one edits (one-place text edits).

Each must lose points in its own question and nowhere else (follow-through protects q11 from the
table and block functions). A mistake that changes no hidden reference case is caught by a property
test of ``hidden_tests.py``, named in its comment. Hints point at the idea, never at the answer.
"""

from __future__ import annotations

from spec_stub import M  # final: from autograder.spec import Mistake as M

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
        M(
            "rounds_instead_of_truncating",
            "k = img >> shift",
            "k = np.round(img / 2**shift).astype(np.uint8)",
            "rounds v / D instead of truncating it",
            "The index is the top bits of v, floor(v / D): rounding can "
            "give 2**b, an index that does not exist.",
        ),
        M(
            "mid_at_eight_bits",
            'if reconstruction == "mid" and shift > 0:',
            'if reconstruction == "mid":',
            "mid-step also at 8 bits (2**-1)",
            "At 8 bits every level is its own cell: what is 2 ** (7 - 8), and what should 8 bits return?",
        ),
        # Caught by hidden_tests.test_reduce_bit_depth_returns_uint8 (int64 passes the value comparison).
        M(
            "returns_int64",
            "return out.astype(np.uint8)",
            "return out.astype(np.int64)",
            "returns int64 instead of uint8",
            "An 8-bit image in, an 8-bit image out: check the dtype you return.",
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
            "truncates",
            "return np.floor(y + 0.5).astype(np.uint8)",
            "return y.astype(np.uint8)",
            "truncates y instead of rounding it",
            "astype(np.uint8) drops the fraction: 127.82 should become 128.",
        ),
        M(
            "scale_256",
            "y[between] = ((x[between] - c) / w + 0.5) * 255",
            "y[between] = ((x[between] - c) / w + 0.5) * 256",
            "multiplies by 256 instead of y_max - y_min = 255",
            "The output runs from y_min = 0 to y_max = 255: by how much does y grow across the window?",
        ),
        M(
            "no_width_check",
            "if not width >= 1:",
            "if width < 0:",
            "accepts widths below 1",
            "DICOM's LINEAR function is defined for a width of at least 1: what must happen for 0.5?",
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
        M(
            "no_size_check",
            "or n < 1 or n & (n - 1):",
            "or n < 1:",
            "accepts sizes that are not powers of two",
            "The recursion doubles the size: which n can it never reach?",
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
            "threshold_compare",
            "k = np.floor(u + threshold).astype(np.int64)",
            "k = (np.floor(u) + (u - np.floor(u) > threshold)).astype(np.int64)",
            "rounds up where the fraction exceeds t (the mirrored convention)",
            "The notebook's rule is k = floor(u + t): a pixel rounds up when its fraction is at least 1 - t.",
        ),
        M(
            "q1_grid",
            "levels = np.round(np.arange(top + 1) * 255 / top).astype(np.uint8)",
            "levels = (np.arange(top + 1) * (256 // (top + 1))).astype(np.uint8)",
            "uses the grid k * 256 / 2**b of q1 instead of round(k * 255 / (2**b - 1))",
            "A dithered image must reach white: what is the top level of your grid at 1 bit?",
        ),
        M(
            "tiling_transposed",
            "threshold = (bayer[rows % n, cols % n] + 0.5) / n**2",
            "threshold = (bayer[cols % n, rows % n] + 0.5) / n**2",
            "tiles the matrix transposed (row and column swapped)",
            "Row i of the image uses row i mod n of the matrix.",
        ),
        M(
            "no_matrix_check",
            "or not np.array_equal(np.sort(bayer.ravel()), np.arange(n * n))):",
            "or False):",
            "accepts a matrix that is not a permutation of 0 .. n*n - 1",
            "Which matrices are valid index matrices? Check that every index appears exactly once.",
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
            "error_clamped",
            "            v = row[j]\n",
            "            v = min(max(row[j], 0.0), 255.0)\n",
            "clamps the working value to 0..255 (as Pillow does)",
            "The specification does not clamp the error: near black or "
            "white the received error must survive.",
        ),
        M(
            "serpentine_ignored",
            "step = -1 if serpentine and i % 2 == 1 else 1",
            "step = 1",
            "ignores serpentine=True",
            "Serpentine scanning visits odd rows from right to left.",
        ),
        M(
            "serpentine_not_mirrored",
            "ahead, behind = j + step, j - step",
            "ahead, behind = j + 1, j - 1",
            "serpentine rows go right to left but the kernel is not mirrored",
            "On a row scanned right to left, 'ahead' is the pixel on the left.",
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
        M(
            "ties_to_last",
            "return np.argmin(distances, axis=1)",
            "return distances.shape[1] - 1 - np.argmin(distances[:, ::-1], axis=1)",
            "sends ties to the highest index",
            "A pixel exactly between two centres goes to the lower index.",
        ),
        M(
            "sorted_palette",
            "    return centres, nearest(centres).astype(np.int64)\n",
            "    centres = centres[np.argsort(centres[:, 0], kind='stable')]\n"
            "    return centres, nearest(centres).astype(np.int64)\n",
            "sorts the palette instead of keeping the order of init",
            "The palette comes back in the order of init, so that colour j is the one started at init[j].",
        ),
        M(
            "extra_iteration",
            "    for _ in range(n_iter):\n",
            "    for _ in range(n_iter + 1):\n",
            "runs one iteration more than n_iter",
            "n_iter = 0 must return init itself (with its labels): count the updates your loop makes.",
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
        M(
            "no_quality_clamp",
            "q = min(max(int(quality), 1), 100)",
            "q = int(quality)",
            "does not clamp the quality to 1..100",
            "libjpeg treats a quality of 0 as 1 and of 150 as 100: try both.",
        ),
        M(
            "no_half",
            "(base.astype(np.int64) * scale + 50) // 100",
            "(base.astype(np.int64) * scale) // 100",
            "truncates B S / 100 instead of rounding it",
            "The + 50 in libjpeg's formula rounds B S / 100 to the nearest integer.",
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
            "floor",
            "(np.sign(c) * np.floor(np.abs(c) / t + 0.5)).astype(np.int64)",
            "np.floor(c / t).astype(np.int64)",
            "floor instead of rounding",
            "floor(-0.2) is -1: quantization rounds to the nearest multiple of the step.",
        ),
        M(
            "truncates",
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
        # Caught by the engine's dtype-kind comparison (int where float64 is expected) and by
        # hidden_tests.test_quantizer_properties; the stand-in compares numbers only.
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
            "truncates",
            "return np.clip(np.round(out), 0, 255).astype(np.uint8)",
            "return np.clip(out, 0, 255).astype(np.uint8)",
            "truncates the decoded values instead of rounding them",
            "astype(np.uint8) drops the fraction: 127.9 should become 128.",
        ),
        M(
            "chroma_table",
            "table = jpeg_quant_table(quality, images.ANNEX_K_LUMINANCE)",
            "table = jpeg_quant_table(quality, images.ANNEX_K_CHROMINANCE)",
            "quantizes a grey image with the chrominance table",
            "A grey image is all luminance: which base table does the notebook ask for?",
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
