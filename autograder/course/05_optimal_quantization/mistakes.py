"""Known mistakes of notebook 05, by the solution cell each one edits (``old`` occurs there once).

Applied to the solution, a mistake is a full submission that must lose points in its own question (the
cell's ``qN``) and nowhere else, unless it says why it ``propagates``: the questions that use an earlier
function (q4 uses lloyd_samples, q5 share_weights, q8 entropy_bits and gaussian_rd_bound) are graded
with follow-through credit, so an upstream mistake is catalogued only upstream. Three (at most four) of
the most common mistakes per graded function, each with a hint that says what to look at, not the
answer; `quantgrade verify` runs every one through the grader and reports where it loses points.
"""

from __future__ import annotations

from autograder.spec import Mistake as M

MISTAKES = {
    "q1_lloyd_max": [
        M(
            "centroid_is_midpoint",
            "new[full] = first[full] / mass[full]",
            "edges = np.concatenate(([a], (levels[:-1] + levels[1:]) / 2, [b]))\n"
            "        new[full] = ((edges[:-1] + edges[1:]) / 2)[full]",
            "moves each level to the middle of its cell instead of its centroid",
            "The centroid condition asks for the conditional mean: where is the probability of the cell, "
            "not where is its middle?",
        ),
        M(
            "thresholds_at_levels",
            "thresholds = (levels[:-1] + levels[1:]) / 2",
            "thresholds = levels[1:]",
            "puts the thresholds on the levels instead of halfway between them",
            "Which level is nearest to a value just below y_(i+1)? The threshold sits where both are "
            "equally near.",
        ),
        M(
            "pdf_not_normalized",
            "P, G, H = cumulative(p) / total, cumulative(x * p) / total, cumulative(x * x * p) / total",
            "P, G, H = cumulative(p), cumulative(x * p), cumulative(x * x * p)",
            "does not normalize the pdf on the grid",
            "pdf need not integrate to 1: what is the probability of the whole support on your grid, and "
            "what happens to the start and the MSE when it is 3?",
        ),
        M(
            "mse_without_cell_weight",
            "levels**2 * mass",
            "levels**2",
            "leaves the cell probability out of the y**2 term of the MSE",
            "Expand the integral of (x - y)**2 p(x) over a cell: every one of the three terms carries p.",
        ),
    ],
    "q3_lloyd_samples": [
        M(
            "empty_cell_nan",
            "levels[full] = sums[full] / counts[full]",
            "levels = sums / counts",
            "divides by zero for a level without samples (NaN)",
            "What is the mean of no samples? The convention says what such a level does.",
        ),
        M(
            "ties_go_up",
            'new_labels = np.searchsorted(thresholds, x, side="left")',
            'new_labels = np.searchsorted(thresholds, x, side="right")',
            "sends a sample exactly halfway to the upper level",
            "A sample exactly halfway between two levels goes to the one with the lower index.",
        ),
        M(
            "median_not_mean",
            "levels[full] = sums[full] / counts[full]",
            "levels[full] = np.array([np.median(x[labels == i]) if counts[i] else levels[i] for i in "
            "range(n_levels)])[full]",
            "moves each level to the median of its samples",
            "Which statistic of a cell minimises the squared error: the median or the mean?",
        ),
    ],
    "q4_share_weights": [
        M(
            "symmetric_start",
            "init = np.linspace(w.min(), w.max(), n_clusters)",
            "init = np.linspace(-np.abs(w).max(), np.abs(w).max(), n_clusters)",
            "spreads the start over [-max|w|, max|w|] instead of [min w, max w]",
            "The linear start runs from the smallest to the largest weight of the layer.",
        ),
        M(
            "flat_indices",
            'indices = np.searchsorted(thresholds, w.ravel(), side="left").reshape(w.shape).astype(np.int64)',
            'indices = np.searchsorted(thresholds, w.ravel(), side="left").astype(np.int64)',
            "returns the indices flattened",
            "codebook[indices] should have the shape of the layer.",
        ),
        M(
            "labels_from_start",
            'indices = np.searchsorted(thresholds, w.ravel(), side="left")',
            "indices = np.searchsorted((np.asarray(init)[:-1] + np.asarray(init)[1:]) / 2, w.ravel(), "
            'side="left")',
            "labels the weights with the starting centres instead of the returned code book",
            "The labels belong to the returned code book, after k-means has moved it.",
        ),
    ],
    "q5_shared_accuracy": [
        M(
            "bits_as_clusters",
            "codebook, indices = share_weights(w, 16, 100)",
            "codebook, indices = share_weights(w, 4, 100)",
            "uses 4 clusters (the number of bits) instead of 16",
            "4-bit indices can name how many code-book entries?",
        ),
        M(
            "one_iteration",
            "codebook, indices = share_weights(w, 16, 100)",
            "codebook, indices = share_weights(w, 16, 1)",
            "runs a single k-means iteration",
            "The question fixes n_iter = 100.",
        ),
        M(
            "training_accuracy",
            ".accuracy(X_test, y_test))",
            ".accuracy(X_train, y_train))",
            "measures the accuracy on the training images",
            "Accuracy is measured on the test set, as for the float model.",
        ),
    ],
    "q6_entropy_bits": [
        M(
            "nats",
            "np.log2(1.0 / p)",
            "np.log(1.0 / p)",
            "uses the natural log (nats instead of bits)",
            "Bits are a base-2 unit: log2.",
        ),
        M(
            "bincount_with_gaps",
            "_, counts = np.unique(k, return_counts=True)",
            "counts = np.bincount(k.ravel() - k.min())",
            "counts with bincount, so values that never occur give 0 * log(1/0)",
            "A value that never occurs must not contribute; 0 * log 0 is NaN in floating point.",
            propagates="its NaN entropy makes the notebook's own q8 cell fail (gaussian_rd_bound refuses "
            "a NaN rate), and a NaN-giving entropy_bits fails the sanity check of follow-through credit",
        ),
        M(
            "divides_by_distinct",
            "p = counts / k.size",
            "p = counts / counts.size",
            "divides the counts by the number of distinct values",
            "A relative frequency divides by the number of indices, so that the p's sum to 1.",
            propagates="it gives 0 bits for two equally frequent values, so it fails the sanity check that "
            "follow-through credit requires, and q8 (which uses entropy_bits) loses its points too",
        ),
    ],
    "q7_gaussian_rd_bound": [
        M(
            "one_factor_two",
            "d = variance * 2.0 ** (-2.0 * r)",
            "d = variance * 2.0 ** (-r)",
            "D(R) = variance * 2**(-R)",
            "Each bit halves the error amplitude: by how much does it divide its power?",
        ),
        M(
            "std_not_variance",
            "d = variance * 2.0 ** (-2.0 * r)",
            "d = np.sqrt(variance) * 2.0 ** (-2.0 * r)",
            "scales by the standard deviation instead of the variance",
            "D is a mean squared error: it scales with the variance.",
        ),
        M(
            "negative_rate",
            "r = np.maximum(0.0, 0.5 * np.log2(variance / d))",
            "r = 0.5 * np.log2(variance / d)",
            "gives a negative rate when D exceeds the variance",
            "Sending nothing and decoding 0 already gives D = variance: can a rate be negative?",
        ),
        M(
            "bound_base_e",
            "d = variance * 2.0 ** (-2.0 * r)",
            "d = variance * np.exp(-2.0 * r)",
            "D(R) = variance * exp(-2R): base e instead of 2",
            "R counts bits: each one divides the error power by 2**2. What is the base of the exponential?",
        ),
        M(
            "rate_without_half",
            "r = np.maximum(0.0, 0.5 * np.log2(variance / d))",
            "r = np.maximum(0.0, np.log2(variance / d))",
            "inverts D = variance 2**(-2R) without the factor 1/2",
            "Solve D = variance * 2**(-2R) for R: how many bits does D = variance / 4 need?",
        ),
        M(
            "rate_in_nats",
            "r = np.maximum(0.0, 0.5 * np.log2(variance / d))",
            "r = np.maximum(0.0, 0.5 * np.log(variance / d))",
            "computes the rate in nats",
            "Rates are in bits per sample: log2.",
        ),
    ],
    "q8_ecsq_gap": [
        M(
            "levels_at_edges",
            "np.floor(ecsq_samples / ecsq_step + 0.5)",
            "np.floor(ecsq_samples / ecsq_step)",
            "indices by flooring, so the level k * step is a cell edge, not its centre",
            "With the level k * step, the cell must be centred on it: floor(x / step + 1/2).",
        ),
        M(
            "inverted",
            "ecsq_distortion / gaussian_rd_bound(ecsq_rate)",
            "gaussian_rd_bound(ecsq_rate) / ecsq_distortion",
            "divides the bound by the distortion (a negative gap)",
            "A coder can never beat the bound: the gap in dB is positive.",
        ),
        M(
            "fixed_rate",
            "ecsq_rate = entropy_bits(ecsq_indices)",
            "ecsq_rate = float(np.log2(np.unique(ecsq_indices).size))",
            "charges log2(number of indices used) instead of their entropy",
            "An entropy coder spends the entropy of the indices, not log2 of their number.",
        ),
    ],
    "q10_jayant_quantize": [
        M(
            "current_index",
            "reconstruction[n] = (k - half + 0.5) * step",
            "reconstruction[n] = (k - half + 0.5) * min(max(step * mult[k - half if k >= half "
            "else half - 1 - k], step_min), step_max)",
            "reconstructs with the step already updated by the current index",
            "The decoder knows the step of sample n before it reads k_n: the update uses the index just "
            "coded for the *next* sample.",
        ),
        M(
            "step_not_clamped",
            "step = min(max(step * mult[magnitude], step_min), step_max)",
            "step = step * mult[magnitude]",
            "does not clamp the step",
            "Every updated step is clamped to [step_min, step_max].",
        ),
        M(
            "signed_index",
            "magnitude = k - half if k >= half else half - 1 - k",
            "magnitude = k % half",
            "indexes the multipliers by k mod L/2 instead of the magnitude",
            "k and its mirror L - 1 - k (same size, other sign) share one multiplier.",
        ),
        M(
            "records_next_step",
            "step = min(max(step * mult[magnitude], step_min), step_max)",
            "step = min(max(step * mult[magnitude], step_min), step_max)\n        steps[n] = step",
            "records the next step instead of the one used for the sample",
            "steps[n] is the step used for sample n, so steps[0] is step0.",
        ),
    ],
    "q11_block_adaptive_quantize": [
        M(
            "mean_scale",
            "scale = float(np.max(np.abs(x[part])))",
            "scale = float(np.mean(np.abs(x[part])))",
            "takes the block's mean |x| as its scale instead of its peak",
            "With a scale below the peak, what happens to the block's largest samples?",
        ),
        M(
            "half_range",
            "step = 2 * scale / n_levels",
            "step = scale / n_levels",
            "uses the step of the range [-scale/2, scale/2)",
            "L cells cover [-scale, scale): a width of 2 scale.",
        ),
        M(
            "zero_block",
            "if scale > 0:",
            "if True:",
            "divides by a zero scale in a block of zeros",
            "A block of zeros has scale 0: the specification says what its samples become.",
        ),
    ],
    "q12_adpcm_encode": [
        M(
            "predicts_from_input",
            "previous = prediction + (k - half + 0.5) * step\n        reconstruction[n] = previous",
            "reconstruction[n] = prediction + (k - half + 0.5) * step\n        previous = value",
            "predicts from the input instead of the reconstruction, so the decoder drifts",
            "The decoder never sees x: it can only predict from its own reconstruction. Does "
            "adpcm_decode(adpcm_encode(x)[0]) give your encoder's reconstruction?",
        ),
        M(
            "forgets_prediction",
            "previous = prediction + (k - half + 0.5) * step",
            "previous = (k - half + 0.5) * step",
            "reconstructs the error only, without adding the prediction back",
            "x_hat_n = p_n + e_hat_n.",
        ),
        M(
            "error_from_last_sample",
            "k = min(max(math.floor((value - prediction) / step) + half, 0), n_levels - 1)",
            "k = min(max(math.floor((value - previous) / step) + half, 0), n_levels - 1)",
            "quantizes x_n - x_hat_(n-1) instead of x_n - a x_hat_(n-1)",
            "The prediction is a times the last reconstruction.",
        ),
    ],
    "q12_adpcm_decode": [
        M(
            "decoder_forgets_a",
            "previous = a * previous + (k - half + 0.5) * step",
            "previous = previous + (k - half + 0.5) * step",
            "predicts with coefficient 1 instead of a",
            "The decoder must predict exactly as the encoder: a x_hat_(n-1).",
        ),
        M(
            "decoder_no_clamp",
            "step = min(max(step * mult[magnitude], step_min), step_max)\n    return reconstruction",
            "step = step * mult[magnitude]\n    return reconstruction",
            "does not clamp the step in the decoder",
            "The decoder follows the encoder's steps exactly, clamp included.",
        ),
        M(
            "decoder_no_half",
            "previous = a * previous + (k - half + 0.5) * step",
            "previous = a * previous + (k - half) * step",
            "reconstructs at the cell edge instead of its centre",
            "A mid-rise level is (k - L/2 + 1/2) step.",
        ),
    ],
}
