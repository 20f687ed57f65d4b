"""Cases of notebook 05, "Optimal and adaptive quantization": inputs on which its graded names are compared.

Expected outputs are not written here: ``quantgrade refs`` computes them by running the solution. Each
group is one reference test (its points, its one-line doc); public rows ship with quantkit for the
self-checks and are never graded, and no public row has a hidden row's inputs. Design rules, so that
no expected output hinges on the last bit:

* ``lloyd_max``: supports of power-of-two length make the grid spacing h = (b - a) / 2**16 a power of
  two, and then every correct formulation of the trapezoidal sums tried (scipy's cumulative_trapezoid,
  h/2 (p_k + p_k+1), loops) gives the same bits; on other supports they differ in the last bits and a
  stop at ``tol`` can come one iteration earlier or later, which moves a level by at most about
  ``tol / (1 - rho)`` (rho the contraction per iteration, below 0.99 for N <= 16): 1e-8. Hence
  rtol = atol = 1e-9 on converged rows with power-of-two supports, 1e-7 on the others;
* ``lloyd_samples`` / ``share_weights``: well separated clusters (every sample much nearer to its own
  level than to a threshold), so equivalent label rules (|x - c| argmin or searchsorted on midpoints)
  give the same labels; atol 1e-12 on levels (means summed in another order differ in the last bits);
* the adaptive quantizers run on the bundled 16 kHz speech taken every second sample: its values are
  16-bit codes / 32768 (exact), the loops are scalar IEEE arithmetic (no BLAS), so indices are exact and
  levels and steps are compared to 1e-12;
* a case whose solution raises records the error as its expected output.
"""

from __future__ import annotations

import numpy as np

from autograder.spec import Cases, stable_rng
from quantkit import data
from quantkit.densities import gaussian, gaussian_mixture, laplacian, tabulated, uniform

cases = Cases()
rng = stable_rng(2605)

GAUSS, LAPLACE = gaussian(), laplacian()
BIMODAL = gaussian_mixture([1.0, 2.0], [-2.0, 1.5], [0.5, 1.0])  # weights sum to 3: not normalized
TRIANGLE = tabulated([-1.0, 0.0, 2.0], [0.0, 2.0, 0.5])  # area 2.25: not normalized
SPEECH16 = data.speech()[0]
SPEECH8 = SPEECH16[::2]  # exact 16-bit values at 8 kHz (every second sample, no filter)
# Jayant's step multipliers, PCM (Jayant 1973) and DPCM (Cummiskey, Jayant and Flanagan 1973), as the
# notebook tabulates them from Jayant's 1974 review and Rabiner and Schafer (1978). The primary tables
# were not at hand: the values agree with a public university exercise that lists both columns.
JAYANT_PCM = {
    2: (0.60, 2.20),
    3: (0.85, 1.00, 1.00, 1.50),
    4: (0.80, 0.80, 0.80, 0.80, 1.20, 1.60, 2.00, 2.40),
}
JAYANT_DPCM = {
    2: (0.80, 1.60),
    3: (0.90, 0.90, 1.25, 1.75),
    4: (0.90, 0.90, 0.90, 0.90, 1.20, 1.60, 2.00, 2.40),
}
STEP_MAX = {2: 0.5, 3: 0.25, 4: 0.125}

# --------------------------------------------------------------------------------------------- q1 lloyd_max
_LM = " (levels, thresholds and MSE to 1e-9: the grid spacing is a power of two)"
_LM_LOOSE = " (to 1e-7: on this support equivalent sums differ in the last bits and the stop may move)"

lm = cases.group(
    "lloyd_max", id="lloyd_max",
    points=0.75,
    rtol=1e-9,
    atol=1e-9,
    note=_LM,
    doc="lloyd_max converges to the reference on Gaussian, Laplacian, mixture and tabulated pdfs",
)
lm.public("uniform3", "3 levels for a uniform pdf on [0, 3]", uniform(0.0, 3.0), (-0.5, 3.5), 3)
lm.public(
    "triangle2",
    "2 levels for a triangle that is not normalized",
    tabulated([0.0, 1.0, 2.0], [0.0, 1.0, 0.0]),
    (-1.0, 3.0),
    2,
)
lm.hidden("gauss2", "2 levels, unit Gaussian", GAUSS, (-8.0, 8.0), 2)
lm.hidden("gauss8", "8 levels, unit Gaussian", GAUSS, (-8.0, 8.0), 8)
lm.hidden("gauss16", "16 levels, unit Gaussian", GAUSS, (-8.0, 8.0), 16)
lm.hidden("laplace4", "4 levels, unit-variance Laplacian", LAPLACE, (-16.0, 16.0), 4)
lm.hidden("laplace16", "16 levels, unit-variance Laplacian", LAPLACE, (-32.0, 32.0), 16)
lm.hidden("shifted", "8 levels for a Gaussian of mean 1 and std 2", gaussian(1.0, 2.0), (-15.0, 17.0), 8)
lm.hidden("bimodal", "6 levels for a mixture whose weights sum to 3", BIMODAL, (-7.0, 9.0), 6)
lm.hidden("triangle", "5 levels for a triangle of area 2.25", TRIANGLE, (-1.5, 2.5), 5)
lm.hidden("odd", "7 levels (a level at the centre) for the Laplacian", LAPLACE, (-16.0, 16.0), 7)
lm.row(
    "other_support",
    "16 levels on a support of non-power-of-two length" + _LM_LOOSE,
    args=(GAUSS, (-9.0, 10.0), 16),
    rtol=1e-7,
    atol=1e-7,
)

lm_it = cases.group(
    "lloyd_max", id="lloyd_max_iterations",
    points=0.5,
    rtol=1e-10,
    atol=1e-10,
    note=" (to 1e-10: a fixed number of iterations, no stopping rule involved)",
    doc="the start (n_iter=0) and the first iterations (tol=0) agree with the reference",
)
lm_it.public(
    "start_uniform",
    "n_iter=0 on a uniform pdf: the equal-probability start",
    uniform(-1.0, 1.0),
    (-1.0, 1.0),
    4,
    n_iter=0,
)
lm_it.hidden("start_gauss", "n_iter=0: medians of equal-probability cells", GAUSS, (-8.0, 8.0), 8, n_iter=0)
lm_it.hidden("one_iteration", "n_iter=1, tol=0", LAPLACE, (-16.0, 16.0), 8, n_iter=1, tol=0.0)
lm_it.hidden("three_iterations", "n_iter=3, tol=0", BIMODAL, (-7.0, 9.0), 4, n_iter=3, tol=0.0)
lm_it.hidden("loose_tol", "tol=1e-3 stops early", GAUSS, (-8.0, 8.0), 16, tol=1e-3)

lm_edge = cases.group(
    "lloyd_max", id="lloyd_max_edges",
    points=0.25,
    rtol=1e-9,
    atol=1e-9,
    note=_LM,
    doc="one level, a pdf that is zero on part of the support, an unnormalized pdf",
)
lm_edge.public(
    "one_level_uniform", "1 level: no threshold, the level is the mean", uniform(0.0, 1.0), (0.0, 2.0), 1
)
lm_edge.hidden(
    "one_level", "1 level: the mean, and the MSE is the variance", gaussian(0.5, 1.5), (-12.0, 20.0), 1
)
lm_edge.hidden("zero_part", "a uniform pdf on half of the support", uniform(0.0, 1.0), (-1.0, 1.0), 4)
lm_edge.hidden(
    "unnormalized",
    "the same pdf with weight 3: the same quantizer",
    gaussian_mixture([3.0], [0.0], [1.0]),
    (-8.0, 8.0),
    4,
)

lm_bad = cases.group("lloyd_max", id="lloyd_max_errors", points=0.25, doc="bad arguments raise ValueError")
lm_bad.public("zero_levels", "n_levels = 0 raises ValueError", GAUSS, (-8.0, 8.0), 0)
lm_bad.hidden("float_levels", "n_levels = 2.5 raises ValueError", GAUSS, (-8.0, 8.0), 2.5)
lm_bad.hidden("bool_levels", "n_levels = True raises ValueError", GAUSS, (-8.0, 8.0), True)
lm_bad.hidden("negative_iter", "n_iter = -1 raises ValueError", GAUSS, (-8.0, 8.0), 4, n_iter=-1)
lm_bad.hidden("negative_tol", "tol < 0 raises ValueError", GAUSS, (-8.0, 8.0), 4, tol=-1e-3)
lm_bad.hidden("empty_support", "a support with a = b raises ValueError", GAUSS, (1.0, 1.0), 4)
lm_bad.hidden("reversed_support", "a support with a > b raises ValueError", GAUSS, (8.0, -8.0), 4)
lm_bad.hidden("infinite_support", "an infinite support raises ValueError", GAUSS, (-np.inf, np.inf), 4)
lm_bad.hidden(
    "zero_pdf", "a pdf that is zero on the whole support raises ValueError", uniform(5.0, 6.0), (-1.0, 1.0), 2
)

# ----------------------------------------------------------------------------------------- q3 lloyd_samples
_CLUSTERS = np.concatenate(
    [rng.normal(-3.0, 0.2, 200), rng.normal(0.5, 0.3, 300), rng.normal(4.0, 0.25, 150)]
)
_LAPLACE_SAMPLES = rng.laplace(0.0, 1.0, 3000)
ls = cases.group(
    "lloyd_samples", id="lloyd_samples",
    points=0.5,
    rtol=0.0,
    atol=1e-12,
    note=" (to 1e-12: means summed in another order differ in the last bits)",
    doc="lloyd_samples agrees with the reference: clusters, ties, empty cells, few iterations",
)
ls.public(
    "two_clusters",
    "two clear clusters",
    np.array([0.0, 0.1, 0.2, 5.0, 5.1, 5.3]),
    2,
    10,
    np.array([0.0, 1.0]),
)
ls.public(
    "tie_goes_down",
    "a sample exactly halfway belongs to the lower level",
    np.array([0.0, 1.0, 2.0, 10.0]),
    2,
    1,
    np.array([0.0, 2.0]),
)
ls.hidden("three_clusters", "three clusters from a poor start", _CLUSTERS, 3, 50, np.array([-1.0, 0.0, 1.0]))
ls.hidden(
    "ties",
    "samples exactly at the threshold go to the lower level",
    np.array([0.0, 1.0, 2.0, 3.0, 4.0]),
    2,
    20,
    np.array([1.0, 3.0]),
)
ls.hidden(
    "empty_cell",
    "a level without samples keeps its value",
    np.array([0.1, 0.2, 0.9, 1.0]),
    3,
    10,
    np.array([0.0, 0.5, 5.0]),
)
ls.hidden("zero_iterations", "n_iter = 0 returns the start", _CLUSTERS, 3, 0, np.array([-2.0, 0.0, 3.0]))
ls.hidden(
    "one_iteration", "n_iter = 1: one assignment and one update", _CLUSTERS, 3, 1, np.array([-2.0, 0.0, 3.0])
)
ls.hidden("one_level", "one level: the mean", _CLUSTERS, 1, 5, np.array([7.0]))

ls_shape = cases.group(
    "lloyd_samples", id="lloyd_samples_shapes",
    points=0.25,
    rtol=0.0,
    atol=1e-12,
    note=" (to 1e-12)",
    doc="samples of any shape and real dtype (flattened, computed in float64)",
)
ls_shape.public("list", "a list of numbers", [1.0, 1.5, 9.0, 9.5], 2, 5, [0.0, 10.0])
ls_shape.hidden(
    "matrix", "a 2-D array is flattened", _CLUSTERS[:600].reshape(20, 30), 3, 30, np.array([-3.0, 0.0, 3.0])
)
ls_shape.hidden("integers", "integer samples", np.array([0, 1, 2, 10, 11, 12]), 2, 10, np.array([0.0, 5.0]))
ls_shape.hidden("float32", "float32 samples", _CLUSTERS.astype(np.float32), 3, 30, np.array([-3.0, 0.0, 3.0]))

ls_bad = cases.group("lloyd_samples", id="lloyd_samples_errors", points=0.25, doc="bad arguments raise ValueError")
ls_bad.public(
    "unsorted_init",
    "an init that is not increasing raises ValueError",
    np.array([1.0, 2.0]),
    2,
    5,
    np.array([1.0, 0.0]),
)
ls_bad.hidden(
    "equal_init",
    "an init with two equal values raises ValueError",
    _CLUSTERS,
    3,
    5,
    np.array([0.0, 0.0, 1.0]),
)
ls_bad.hidden(
    "short_init", "an init of the wrong length raises ValueError", _CLUSTERS, 3, 5, np.array([0.0, 1.0])
)
ls_bad.hidden("empty", "no samples raises ValueError", np.array([]), 2, 5, np.array([0.0, 1.0]))
ls_bad.hidden("nan", "a NaN sample raises ValueError", np.array([0.0, np.nan]), 2, 5, np.array([0.0, 1.0]))
ls_bad.hidden("negative_iter", "n_iter = -1 raises ValueError", _CLUSTERS, 2, -1, np.array([0.0, 1.0]))

# ----------------------------------------------------------------------------------------- q4 share_weights
_W = np.concatenate([rng.normal(-0.5, 0.02, 40), rng.normal(0.0, 0.02, 120), rng.normal(0.7, 0.03, 40)])
sw = cases.group(
    "share_weights", id="share_weights",
    points=0.5,
    rtol=0.0,
    atol=1e-12,
    note=" (code book to 1e-12, indices exact)",
    doc="share_weights agrees with the reference: linear start, array start, shapes",
)
sw.public(
    "three_groups", "three groups of weights, linear start", np.array([-1.0, -0.9, 0.0, 0.1, 0.9, 1.0]), 3, 10
)
sw.hidden("layer", "a layer of 200 weights in three clusters", _W.reshape(10, 20), 3, 20)
sw.hidden("array_start", "an explicit start", _W, 3, 20, np.array([-0.4, 0.05, 0.5]))
sw.hidden("one_cluster", "one cluster: the mean", _W, 1, 5)
sw.hidden("float32_layer", "float32 weights", _W.astype(np.float32).reshape(4, 50), 3, 20)
_W_LAPLACE = rng.laplace(0.0, 0.1, 300).reshape(15, 20)
sw.hidden("peaked_layer", "a peaked layer, 8 clusters, 3 iterations (the start matters)", _W_LAPLACE, 8, 3)
sw_bad = cases.group(
    "share_weights", id="share_weights_errors", points=0.25, doc="an unknown start and a constant layer raise ValueError"
)
sw_bad.public("unknown_init", "init='random' raises ValueError", np.array([0.0, 1.0]), 2, 5, "random")
sw_bad.hidden("unknown_init2", "init='quantile' raises ValueError", _W, 3, 5, "quantile")
sw_bad.hidden("constant", "a constant layer with 2 clusters raises ValueError", np.ones(10), 2, 5)

# --------------------------------------------------------------------------------------- q5 shared_accuracy
acc = cases.group(
    id="shared_accuracy",
    points=0.5,
    atol=0.0023,
    note=" (to 1/450: one test image)",
    doc="the test accuracy of the MLP shared with 16 entries per layer",
)
acc.value("accuracy", "the test accuracy of the shared MLP", "shared_accuracy", plausible=(0.5, 1.0))

# ------------------------------------------------------------------------------------------ q6 entropy_bits
_ENT = " (to 1e-12)"
ent = cases.group(
    "entropy_bits", id="entropy",
    points=0.5,
    rtol=0.0,
    atol=1e-12,
    note=_ENT,
    doc="entropy_bits agrees with the reference on equal and unequal frequencies",
)
ent.public("two_halves", "two equally frequent values: 1 bit", np.array([3, 3, 7, 7]))
ent.public("constant", "a constant: 0 bits", np.array([5, 5, 5]))
ent.hidden("four_equal", "four equally frequent values: 2 bits", np.array([0, 1, 2, 3, 3, 2, 1, 0]))
ent.hidden("three_to_one", "frequencies 3/4 and 1/4", np.array([0, 0, 0, 1]))
ent.hidden("one_value", "a single index", np.array([42]))
ent.hidden("random", "1000 indices from 0..9", rng.integers(0, 10, 1000))
ent.hidden("skewed", "a skewed distribution", np.repeat(np.arange(6), [1, 2, 4, 8, 16, 33]))
ent_more = cases.group(
    "entropy_bits", id="entropy_labels",
    points=0.25,
    rtol=0.0,
    atol=1e-12,
    note=_ENT,
    doc="negative indices, gaps between values, any shape and dtype",
)
ent_more.public("negative", "negative indices", np.array([-2, -2, 1, 1]))
ent_more.hidden("gaps", "values that never occur in between do not count", np.array([0, 5, 5, 10, 10, 10]))
ent_more.hidden(
    "negatives", "indices of a mid-tread quantizer, negative included", np.array([-3, -1, -1, 0, 0, 0, 2, 9])
)
ent_more.hidden("matrix", "a 2-D array", rng.integers(-4, 4, 600).reshape(20, 30))
ent_more.hidden("floats", "float labels that are whole numbers", np.array([1.0, 1.0, 2.0, 4.0]))
ent_more.hidden("uint8", "uint8 indices", rng.integers(0, 256, 2000).astype(np.uint8))
ent_bad = cases.group("entropy_bits", id="entropy_errors", points=0.25, doc="no index, or a NaN, raises ValueError")
ent_bad.public("empty", "an empty array raises ValueError", np.array([], dtype=np.int64))
ent_bad.hidden("empty_2d", "an empty 2-D array raises ValueError", np.zeros((0, 3), dtype=np.int64))
ent_bad.hidden("nan", "a NaN raises ValueError", np.array([1.0, np.nan]))

# --------------------------------------------------------------------------------------- q7 rate-distortion
rdb = cases.group(
    "gaussian_rd_bound", id="rd_bound",
    points=0.5,
    rtol=1e-12,
    atol=0.0,
    note=" (to 1e-12 relative: 2**-x and exp(-x ln 2) differ in the last bits)",
    doc="D(R) = variance * 2**(-2R) for numbers and arrays",
)
rdb.public("one_bit", "1 bit: a quarter of the variance", 1.0)
rdb.public("variance", "variance 2 at 0.5 bit", 0.5, 2.0)
rdb.hidden("zero_rate", "0 bits: the variance", 0.0, 3.0)
rdb.hidden("rates", "an array of rates", np.array([0.0, 0.25, 1.0, 2.5, 8.0]))
rdb.hidden("variance_kw", "variance by keyword", 3.0, variance=0.5)
rdb.hidden("matrix", "a 2-D array of rates", np.arange(6.0).reshape(2, 3) / 2)
rdr = cases.group(
    "gaussian_rate_for_distortion", id="rate_for_distortion",
    points=0.25,
    rtol=1e-12,
    atol=1e-15,
    note=" (to 1e-12 relative)",
    doc="R(D) = max(0, log2(variance / D) / 2), 0 when D >= variance",
)
rdr.public("quarter", "D = 1/4: one bit", 0.25)
rdr.public("no_bits", "D = variance: no bits", 2.0, 2.0)
rdr.hidden("sixteenth", "D = 1/16: two bits", 1 / 16)
rdr.hidden("above", "D above the variance: 0, not negative", 5.0)
rdr.hidden("array", "an array of distortions, some above the variance", np.array([1e-6, 0.01, 0.5, 1.0, 4.0]))
rdr.hidden("rate_variance_kw", "variance by keyword", 0.1, variance=10.0)
rd_bad = cases.group(
    "gaussian_rd_bound", id="rd_bound_errors", points=0.25, doc="a negative rate or a bad variance raises ValueError"
)
rd_bad.public("negative", "a negative rate raises ValueError", -1.0)
rd_bad.hidden("negative_in_array", "an array with a negative rate raises ValueError", np.array([1.0, -0.5]))
rd_bad.hidden("zero_variance", "variance 0 raises ValueError", 1.0, 0.0)
rd_bad2 = cases.group(
    "gaussian_rate_for_distortion", id="rate_for_distortion_errors", points=0.25, doc="a distortion that is not positive raises ValueError"
)
rd_bad2.public("zero", "D = 0 raises ValueError", 0.0)
rd_bad2.hidden("negative_distortion", "a negative D raises ValueError", np.array([0.1, -0.1]))
rd_bad2.hidden("rate_zero_variance", "variance 0 raises ValueError", 0.5, 0.0)

# ------------------------------------------------------------------------------------------- q8 ecsq_gap_db
gap = cases.group(
    id="ecsq_gap",
    points=0.5,
    atol=0.03,
    note=" (to 0.03 dB: four standard deviations of the sampling scatter with 10**6 samples)",
    doc="the measured gap of entropy-coded uniform quantization at step 1/8",
)
gap.value("gap", "the gap above the bound, in dB", "ecsq_gap_db", plausible=(0.5, 3.0))

# -------------------------------------------------------------------------------------- q10 jayant_quantize
_JQ = " (indices exact, levels and steps to 1e-12)"
SAYOOD = np.array([0.1, -0.2, 0.2, 0.1, -0.3, 0.1, 0.2, 0.5, 0.9, 1.5, 1.0, 0.9])
jq_s = cases.group(
    "jayant_quantize", id="jayant_sayood",
    points=0.25,
    rtol=0.0,
    atol=1e-12,
    note=_JQ,
    doc="the worked example of Sayood's textbook (3 bits, multipliers 0.8, 0.9, 1, 1.2)",
)
jq_s.hidden("sayood", "Sayood's example 9.5.3", SAYOOD, 3, [0.8, 0.9, 1.0, 1.2], 0.5, 1e-6, 100.0)
jq_s.hidden("sayood_2bits", "the same input with 2 bits", SAYOOD, 2, [0.8, 1.2], 0.5, 1e-6, 100.0)
jq_s.public("short", "four samples, 2 bits", np.array([0.3, -0.1, 0.9, 0.0]), 2, [0.5, 2.0], 0.25, 0.01, 1.0)
jq = cases.group(
    "jayant_quantize", id="jayant_speech",
    points=0.5,
    rtol=0.0,
    atol=1e-12,
    note=_JQ,
    doc="speech at 2, 3 and 4 bits with Jayant's PCM multipliers",
)
for b in (2, 3, 4):
    jq.hidden(
        f"speech{b}",
        f"1000 samples of speech, {b} bits",
        SPEECH8[3000:4000],
        b,
        JAYANT_PCM[b],
        2.0**-8,
        2.0**-11,
        STEP_MAX[b],
    )
jq.hidden("one_bit", "1 bit (one multiplier)", SPEECH8[5000:5400], 1, [1.1], 0.01, 0.001, 1.0)
jq.public(
    "speech_public",
    "200 samples of speech, 3 bits",
    SPEECH8[8000:8200],
    3,
    JAYANT_PCM[3],
    2.0**-8,
    2.0**-11,
    0.25,
)
jq_e = cases.group(
    "jayant_quantize", id="jayant_edges",
    points=0.25,
    rtol=0.0,
    atol=1e-12,
    note=_JQ,
    doc="ties on cell edges, zero, both clamps",
)
jq_e.hidden(
    "ties",
    "samples exactly on cell edges go up; 0 to index L/2",
    np.array([0.0, 0.25, -0.25, 0.5, -0.5, 0.75, -0.75, 1.0]),
    3,
    [1.0, 1.0, 1.0, 1.0],
    0.25,
    0.25,
    0.25,
)
jq_e.hidden(
    "clamp_max", "a loud signal reaches step_max", np.full(40, 0.9), 2, [0.6, 2.2], 0.01, 0.001, 0.125
)
jq_e.hidden(
    "clamp_min",
    "silence shrinks the step to step_min",
    np.zeros(60),
    3,
    [0.85, 1.0, 1.0, 1.5],
    0.1,
    0.002,
    0.5,
)
jq_e.hidden(
    "overload",
    "samples beyond the range clip to the end indices",
    np.array([5.0, -5.0, 3.0, -3.0]),
    2,
    [1.0, 1.0],
    0.5,
    0.5,
    0.5,
)
jq_bad = cases.group("jayant_quantize", id="jayant_errors", points=0.25, doc="bad arguments raise ValueError")
jq_bad.public(
    "few_multipliers",
    "3 multipliers for 3 bits raise ValueError",
    np.zeros(4),
    3,
    [0.9, 1.0, 1.2],
    0.1,
    0.01,
    1.0,
)
jq_bad.hidden(
    "many_multipliers",
    "4 multipliers for 2 bits raise ValueError",
    np.zeros(4),
    2,
    [0.9, 1.0, 1.2, 1.5],
    0.1,
    0.01,
    1.0,
)
jq_bad.hidden(
    "zero_multiplier", "a multiplier of 0 raises ValueError", np.zeros(4), 2, [0.0, 1.5], 0.1, 0.01, 1.0
)
jq_bad.hidden("step0_above", "step0 > step_max raises ValueError", np.zeros(4), 2, [0.6, 2.2], 2.0, 0.01, 1.0)
jq_bad.hidden("step_min_zero", "step_min = 0 raises ValueError", np.zeros(4), 2, [0.6, 2.2], 0.1, 0.0, 1.0)
jq_bad.hidden("matrix", "a 2-D input raises ValueError", np.zeros((2, 2)), 2, [0.6, 2.2], 0.1, 0.01, 1.0)
jq_bad.hidden("zero_bits", "n_bits = 0 raises ValueError", np.zeros(4), 0, [], 0.1, 0.01, 1.0)

# --------------------------------------------------------------------------------------- q11 block_adaptive
_BA = " (indices exact, levels and scales to 1e-12)"
ba = cases.group(
    "block_adaptive_quantize", id="block",
    points=0.5,
    rtol=0.0,
    atol=1e-12,
    note=_BA,
    doc="speech and a ramp at 1 to 4 bits, blocks that divide the length or not",
)
ba.public("ramp", "a ramp of 8 samples in blocks of 4, 2 bits", np.linspace(-1.0, 0.75, 8), 2, 4)
for b, blk in ((2, 128), (3, 100), (4, 32)):
    ba.hidden(f"speech{b}", f"speech, {b} bits, blocks of {blk}", SPEECH8[3000:4000], b, blk)
ba.hidden("one_bit", "1 bit: the sign times half the peak", SPEECH8[6000:6300], 1, 50)
ba.hidden("short_last", "the last block is shorter", np.sin(np.arange(23) / 3.0), 3, 10)
ba_e = cases.group(
    "block_adaptive_quantize", id="block_edges",
    points=0.25,
    rtol=0.0,
    atol=1e-12,
    note=_BA,
    doc="a block of zeros, the peak itself, one sample per block",
)
ba_e.hidden(
    "zero_block",
    "a block of zeros: scale 0, index L/2, level 0",
    np.concatenate([np.zeros(8), np.linspace(-0.5, 0.5, 8)]),
    3,
    8,
)
ba_e.hidden("peaks", "the peak lands in the top cell", np.array([1.0, -1.0, 0.5, 0.25, -0.25]), 2, 5)
ba_e.hidden("block_of_one", "blocks of one sample", np.array([0.3, -0.7, 0.0, 2.0]), 2, 1)
ba_e.public("zero_public", "all zeros", np.zeros(6), 2, 3)
ba_bad = cases.group("block_adaptive_quantize", id="block_errors", points=0.25, doc="bad arguments raise ValueError")
ba_bad.public("block_zero", "block = 0 raises ValueError", np.zeros(4), 2, 0)
ba_bad.hidden("bits_zero", "n_bits = 0 raises ValueError", np.zeros(4), 0, 2)
ba_bad.hidden("matrix", "a 2-D input raises ValueError", np.zeros((2, 2)), 2, 2)
ba_bad.hidden("block_float", "block = 2.5 raises ValueError", np.zeros(4), 2, 2.5)
ba_bad.hidden("nan", "a NaN sample raises ValueError", np.array([0.0, np.nan]), 2, 2)

# ------------------------------------------------------------------------------------------------ q12 ADPCM
_AD = " (indices exact, reconstruction to 1e-12)"
ade = cases.group(
    "adpcm_encode", id="adpcm_encode",
    points=0.5,
    rtol=0.0,
    atol=1e-12,
    note=_AD,
    doc="adpcm_encode agrees with the reference on speech at 2 to 4 bits and other predictors",
)
ade.public(
    "short", "five samples, 2 bits", np.array([0.1, 0.2, 0.25, 0.2, 0.0]), 2, [0.8, 1.6], 0.05, 0.01, 0.5
)
for b in (2, 3, 4):
    ade.hidden(
        f"speech{b}",
        f"1000 samples of speech, {b} bits",
        SPEECH8[3000:4000],
        b,
        JAYANT_DPCM[b],
        2.0**-8,
        2.0**-11,
        STEP_MAX[b],
    )
ade.hidden(
    "a_half",
    "predictor coefficient 0.5",
    SPEECH8[7000:7500],
    3,
    JAYANT_DPCM[3],
    2.0**-8,
    2.0**-11,
    0.25,
    a=0.5,
)
ade.hidden(
    "a_zero",
    "a = 0: no prediction, Jayant's quantizer",
    SPEECH8[7000:7500],
    3,
    JAYANT_DPCM[3],
    2.0**-8,
    2.0**-11,
    0.25,
    a=0.0,
)
_K3 = rng.integers(0, 8, 400)
_K2 = rng.integers(0, 4, 300)
add = cases.group(
    "adpcm_decode", id="adpcm_decode",
    points=0.25,
    rtol=0.0,
    atol=1e-12,
    note=" (to 1e-12)",
    doc="adpcm_decode rebuilds the reference reconstruction from indices",
)
add.public("decode_short", "five indices, 2 bits", np.array([2, 3, 3, 1, 0]), 2, [0.8, 1.6], 0.05, 0.01, 0.5)
add.hidden("random3", "400 random 3-bit indices", _K3, 3, JAYANT_DPCM[3], 2.0**-8, 2.0**-11, 0.25)
add.hidden(
    "random2", "300 random 2-bit indices, a = 0.95", _K2, 2, JAYANT_DPCM[2], 2.0**-8, 2.0**-11, 0.5, a=0.95
)
add.hidden(
    "clamped",
    "indices that drive the step to both clamps",
    np.array([3] * 30 + [1] * 60 + [0] * 10),
    2,
    JAYANT_DPCM[2],
    0.01,
    0.001,
    0.2,
)
add.hidden("int32", "int32 indices", _K3[:100].astype(np.int32), 3, JAYANT_DPCM[3], 2.0**-8, 2.0**-11, 0.25)
ad_bad = cases.group("adpcm_decode", id="adpcm_decode_errors", points=0.25, doc="indices out of range or not integers raise ValueError")
ad_bad.public(
    "too_large", "index 4 with 2 bits raises ValueError", np.array([0, 4]), 2, [0.8, 1.6], 0.05, 0.01, 0.5
)
ad_bad.hidden(
    "negative", "a negative index raises ValueError", np.array([-1, 2]), 2, [0.8, 1.6], 0.05, 0.01, 0.5
)
ad_bad.hidden(
    "floats", "float indices raise ValueError", np.array([1.0, 2.0]), 2, [0.8, 1.6], 0.05, 0.01, 0.5
)
ad_bad.hidden(
    "matrix",
    "a 2-D array raises ValueError",
    np.zeros((2, 2), dtype=np.int64),
    2,
    [0.8, 1.6],
    0.05,
    0.01,
    0.5,
)
ade_bad = cases.group("adpcm_encode", id="adpcm_encode_errors", points=0.25, doc="bad arguments of the encoder raise ValueError")
ade_bad.public(
    "few_multipliers", "one multiplier for 2 bits raises ValueError", np.zeros(4), 2, [0.8], 0.05, 0.01, 0.5
)
ade_bad.hidden("steps", "step0 < step_min raises ValueError", np.zeros(4), 2, [0.8, 1.6], 0.001, 0.01, 0.5)
ade_bad.hidden(
    "nan", "a NaN sample raises ValueError", np.array([0.0, np.nan]), 2, [0.8, 1.6], 0.05, 0.01, 0.5
)
