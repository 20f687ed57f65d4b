"""Cases of notebook 02: inputs on which its graded names are compared with the solution.

Expected outputs are not written here: ``quantgrade refs`` computes them by running the solution.
Design rules, so that an expected output never hinges on floating-point rounding:

* steps are powers of two (``2**-(B-1)``), so ties (``x * 2**(B-1) = k + 1/2``) are exact in binary
  and integer-valued outputs are compared exactly (``rtol = atol = 0``);
* noise-shaping inputs with ties are dyadic (multiples of 2**-7 with integer taps), so every
  intermediate value is exact whatever the order of the feedback sum; random inputs have ties with
  probability about 1e-13 per sample, so their outputs (on the grid) are exact too;
* the companding curves are compared to 1e-12 relative and absolute: ``np.log1p(u)`` and
  ``np.log(1 + u)`` (both correct) differ by up to about 1e-16 absolutely, and by much more
  *relatively* for tiny inputs, hence the absolute part;
* a case whose solution raises (ValueError) records that as its expected output;
* the dither functions are random: their hidden rows check only what is deterministic (empty
  output for n = 0, bad arguments); their distributions are graded by the property tests of
  ``hidden_tests.py`` (bounds, mean, variance, shape, independence), with tolerances from the
  sample size. Their rows pass an int seed as ``rng`` (the notebook's given first line,
  ``rng = np.random.default_rng(rng)``, accepts it), because a Generator cannot cross the wire.
"""

from __future__ import annotations

import numpy as np

from autograder.spec import Cases, stable_rng

cases = Cases()
rng = stable_rng(2026)

LAST_BITS = " (compared to 1e-12 relative and absolute: equivalent formulas differ in the last bits)"

# ------------------------------------------------------------------------------------- q1 requantize
req_values = cases.group(
    "requantize", id="requantize_values", points=0.5, doc="requantize agrees with the reference on values, shapes and dtypes"
)
req_values.public("random_8", "eight random samples at 8 bits", rng.uniform(-1, 1, 8), 8)
req_values.hidden("random_200", "200 random samples at 8 bits", rng.uniform(-1, 1, 200), 8)
req_values.hidden("random_16", "1000 random samples at 16 bits", rng.uniform(-1, 1, 1000), 16)
req_values.hidden("matrix", "a (3, 4) array keeps its shape", rng.uniform(-1, 1, (3, 4)), 6)
req_values.hidden(
    "float32", "float32 input gives float64 output", rng.uniform(-1, 1, 50).astype(np.float32), 12
)
req_values.hidden("integers", "integer input: -1, 0, 1 at 2 bits (1 clips to 0.5)", np.array([-1, 0, 1]), 2)
req_values.hidden("scalar", "a Python float gives a 0-d array", 0.3, 5)

req_edges = cases.group("requantize", id="requantize_edges", points=0.5, doc="requantize rounds ties to even and clips to the codes")
req_edges.public("ties", "ties at 3 bits round half to even", np.array([0.5, 1.5, 2.5, -0.5, -1.5]) / 4, 3)
req_edges.public(
    "clip", "-1.5 and -1 give -1; 1.0 gives the largest code", np.array([-1.5, -1.0, 0.99, 1.0]), 4
)
req_edges.hidden("ties_4", "every tie at 4 bits", (np.arange(-8, 8) + 0.5) / 8, 4)
req_edges.hidden("ties_16", "ties at 16 bits near zero", (np.arange(-5, 5) + 0.5) / 2**15, 16)
req_edges.hidden("top", "1.0, 1.5 and 7 clip to 1 - 2**-7", np.array([1.0, 1.5, 7.0, 0.9999]), 8)
req_edges.hidden("bottom", "-1 is a code; below it clips to -1", np.array([-1.0, -1.0001, -3.0]), 8)
req_edges.hidden("one_bit", "1 bit: codes -1 and 0", np.array([-0.6, -0.5, -0.25, 0.0, 0.25, 0.5, 0.9]), 1)
req_edges.hidden("thirty_two", "32 bits: ties at 2**-32", (np.arange(-3, 3) + 0.5) / 2**31, 32)

req_bad = cases.group(
    "requantize", id="requantize_bad", points=0.25, doc="requantize refuses a bit depth that is not an integer from 1 to 32"
)
for suffix, bits in (("zero", 0), ("too_many", 33), ("float", 8.0), ("bool", True), ("negative", -2)):
    req_bad.hidden(f"bad_{suffix}", f"n_bits = {bits!r} raises ValueError", np.array([0.1, 0.2]), bits)

# ------------------------------------------------------------------------------------------ q2 dither
for name, spread in (("rpdf_dither", 0.5), ("tpdf_dither", 1.0)):
    kind = name[:4]
    g = cases.group(name, points=0.25, doc=f"{name}: empty output for n = 0, ValueError for bad arguments")
    g.public_props(
        f"{kind}_shape",
        f"1000 values of step 0.25 within +-{spread} * step, finite",
        1000,
        0.25,
        11,
        props=dict(shape=(1000,), dtype="float", range=(-spread * 0.25, spread * 0.25), finite=True),
    )
    g.hidden(f"{kind}_empty", "n = 0 gives an empty float array", 0, 0.1, 3)
    g.hidden(f"{kind}_bad_n", "n = -1 raises ValueError", -1, 0.1, 3)
    g.hidden(f"{kind}_bad_n_float", "n = 2.5 raises ValueError", 2.5, 0.1, 3)
    g.hidden(f"{kind}_bad_step", "step = 0 raises ValueError", 10, 0.0, 3)
    g.hidden(f"{kind}_negative_step", "step = -0.1 raises ValueError", 10, -0.1, 3)

# ------------------------------------------------------------------------------ q3 dithered_requantize
dith_none = cases.group("dithered_requantize", id="dithered_none", points=0.5, doc='kind "none" is exactly requantize')
dith_none.public("none", 'kind "none" at 8 bits', rng.uniform(-1, 1, 6), 8, "none", 0)
dith_none.public_props(
    "tpdf",
    "TPDF at 4 bits: on the grid within [-1, 1 - 1/8]",
    np.linspace(-0.9, 0.9, 50),
    4,
    "tpdf",
    1,
    props=dict(shape=(50,), dtype="float", range=(-1.0, 0.875), finite=True),
)
dith_none.hidden("none_random", 'kind "none", 300 samples at 10 bits', rng.uniform(-1, 1, 300), 10, "none", 5)
dith_none.hidden(
    "none_ties", 'kind "none" keeps the half-to-even ties', (np.arange(-4, 4) + 0.5) / 4, 3, "none", 5
)
dith_none.hidden("none_matrix", 'kind "none" on a (2, 5) array', rng.uniform(-1, 1, (2, 5)), 6, "none", 5)
dith_none.hidden("none_clip", 'kind "none" clips like requantize', np.array([1.0, -1.2, 0.999]), 8, "none", 5)

dith_bad = cases.group(
    "dithered_requantize", id="dithered_bad", points=0.25, doc="dithered_requantize refuses an unknown kind or bit depth"
)
dith_bad.hidden("bad_kind", 'kind "triangular" raises ValueError', np.zeros(4), 8, "triangular", 0)
dith_bad.hidden("bad_bits", 'n_bits = 0 with "rpdf" raises ValueError', np.zeros(4), 0, "rpdf", 0)
dith_bad.hidden("bad_bits_none", 'n_bits = 40 with "none" raises ValueError', np.zeros(4), 40, "none", 0)

# --------------------------------------------------------------------------- q5 noise_shaped_requantize
ns = cases.group(
    "noise_shaped_requantize",
    id="shaped_sequences",
    points=1.0,
    doc="noise_shaped_requantize reproduces the reference sequences exactly",
)
ns.public(
    "first_order",
    "first order at 3 bits, dyadic input",
    np.array([0.3125, 0.3125, 0.3125, -0.1875, 0.6875]),
    3,
)
ns.public("no_feedback", "h = () is plain requantization", np.array([0.1, -0.37, 0.52]), 6, ())
ns.hidden("ties", "a constant at half a step: the ties alternate (first order, 3 bits)", np.full(8, 0.125), 3)
ns.hidden(
    "dyadic_second",
    "second order, dyadic input with many ties (4 bits)",
    rng.integers(-64, 64, 200) / 128.0,
    4,
    (2.0, -1.0),
)
ns.hidden("random_first", "first order, 500 random samples at 8 bits", rng.uniform(-0.5, 0.5, 500), 8)
ns.hidden(
    "random_second", "second order, 500 random samples at 6 bits", rng.uniform(-0.5, 0.5, 500), 6, (2.0, -1.0)
)
ns.hidden(
    "three_taps",
    "three taps (1.5, -0.75, 0.125) at 8 bits",
    rng.uniform(-0.4, 0.4, 300),
    8,
    (1.5, -0.75, 0.125),
)
ns.hidden("sixteen", "first order at 16 bits", rng.uniform(-0.9, 0.9, 300), 16, (1.0,))
ns.hidden(
    "overload",
    "second order at 4 bits on a full-scale square: only the output clips",
    np.repeat(np.array([0.875, -0.9375, 0.875, -1.0]), 10),
    4,
    (2.0, -1.0),
)
ns.hidden("list_taps", "taps given as a list", rng.uniform(-0.5, 0.5, 100), 8, [1.0])

ns_bad = cases.group("noise_shaped_requantize", id="shaped_bad", points=0.25, doc="noise_shaped_requantize refuses bad input")
ns_bad.hidden("bad_shape", "a 2-D input raises ValueError", np.zeros((2, 3)), 8)
ns_bad.hidden("bad_bits", "n_bits = 0 raises ValueError", np.zeros(3), 0)

# ------------------------------------------------------------------------------------ q7 the curves
_grid = np.linspace(-1, 1, 201)
_small = np.array([1e-9, 1e-6, -1e-4, 3e-3, -0.01])
_curves = {
    "mu_law_compress": np.array([-1.0, -0.5, 0.0, 0.01, 1.0]),
    "mu_law_expand": np.array([-1.0, -0.25, 0.0, 0.5, 1.0]),
    "a_law_compress": np.array([-1.0, -0.1, 0.0, 0.005, 1.0]),
    "a_law_expand": np.array([-1.0, -0.1, 0.0, 0.3, 1.0]),
}
for name, public_x in _curves.items():
    curve = name.replace("_law", "")  # mu_compress, a_expand, ...
    g = cases.group(
        name, points=0.25, doc=f"{name} follows its formula", rtol=1e-12, atol=1e-12, note=LAST_BITS
    )
    g.public(f"{curve}_values", "five values in [-1, 1]", public_x)
    g.hidden(f"{curve}_grid", "201 values from -1 to 1", _grid)
    g.hidden(f"{curve}_small", "tiny values (the linear region near 0)", _small)
    g.hidden(f"{curve}_matrix", "a (2, 3) array keeps its shape", rng.uniform(-1, 1, (2, 3)))
    g.hidden(f"{curve}_scalar", "a Python float", 0.37)
    if name.startswith("mu"):
        g.hidden(f"{curve}_other_mu", "mu = 100", _grid[::10], mu=100)
    else:
        g.hidden(f"{curve}_other_a", "A = 50", _grid[::10], A=50.0)
        point = 1 / 87.6 if name == "a_law_compress" else 1 / (1 + np.log(87.6))
        g.hidden(
            f"{curve}_breakpoint",
            "around the breakpoint of the linear segment",
            point * np.array([0.5, 0.999, 1.0, 1.001, 2.0]),
        )

# ------------------------------------------------------------------------------ q8 companded_requantize
# Graded against the solution and, through the oracle of hidden_tests.py, against the student's own
# curves and requantize (follow-through).
_speechy = np.clip(rng.laplace(0.0, 0.05, 300), -1, 1)
comp_mu = cases.group(
    "companded_requantize",
    id="companded_mu",
    points=0.5,
    doc="companded_requantize with law mu is mu_law_expand(requantize(mu_law_compress(x)))",
    rtol=1e-12,
    atol=1e-12,
    note=LAST_BITS,
)
comp_mu.public("mu", "mu-law at 8 bits", np.array([-0.5, -0.01, 0.0, 0.001, 0.3]), 8)
comp_mu.hidden("mu_speech", "mu-law at 8 bits on speech-like values", _speechy, 8)
comp_mu.hidden("mu_twelve", "mu-law at 12 bits", _speechy[:100], 12, "mu")
comp_mu.hidden("loud", "values beyond [-1, 1] clip in the requantizer", np.array([1.5, -2.0, 0.999, -1.0]), 8)

comp_a = cases.group(
    "companded_requantize",
    id="companded_a",
    points=0.25,
    doc="companded_requantize with law A is a_law_expand(requantize(a_law_compress(x)))",
    rtol=1e-12,
    atol=1e-12,
    note=LAST_BITS,
)
comp_a.public("a", "A-law at 8 bits", np.array([-0.5, -0.01, 0.0, 0.001, 0.3]), 8, "A")
comp_a.hidden("a_speech", "A-law at 6 bits on speech-like values", _speechy, 6, "A")
comp_a.hidden("matrix", "a (2, 4) array keeps its shape", rng.uniform(-1, 1, (2, 4)), 8, "A")

comp_bad = cases.group("companded_requantize", points=0.25, id="companded_bad",
                       doc="companded_requantize refuses an unknown law")
comp_bad.hidden("bad_law", 'law = "alaw" raises ValueError', np.zeros(3), 8, "alaw")
comp_bad.hidden("bad_law_none", "law = None raises ValueError", np.zeros(3), 8, None)

# ------------------------------------------------------------------------------------- q9 the value
# Graded against the solution's value and, through the oracle of hidden_tests.py, against the value
# the student's own companded_requantize gives (follow-through). Within 1 dB earns the point (the
# issue's tolerance); within 3 dB half of it (an end taken at a grid point instead of interpolated
# moves the width by less than 2 dB).
width = cases.group(id="plateau", points=0.5, atol=1.0, note=" (to 1 dB)",
                    doc="the width of 8-bit mu-law's 3 dB plateau on the 8 kHz speech, to 1 dB")
width.value("width", "the width of the 3 dB plateau, in dB", "mu_law_width_db", plausible=(5.0, 80.0))
width_near = cases.group(id="plateau_near", points=0.5, atol=3.0, note=" (to 3 dB)",
                         doc="the width of 8-bit mu-law's 3 dB plateau on the 8 kHz speech, to 3 dB")
width_near.row("width_near", "the width of the 3 dB plateau, in dB", value="mu_law_width_db")

# ------------------------------------------------------------------------------------------- q10 G.711
# All 65,536 int16 inputs in 16 blocks of 4096, negative and non-negative halves graded apart: a
# wrong one's complement (audioop.lin2ulaw, libsndfile) loses the negative half only.
g711_neg = cases.group(
    "g711_ulaw_encode",
    id="g711_negative",
    points=0.75,
    doc="g711_ulaw_encode equals ITU-T G.191's ulaw_compress on all 32,768 negative inputs",
)
g711_pos = cases.group(
    "g711_ulaw_encode",
    id="g711_non_negative",
    points=0.5,
    doc="g711_ulaw_encode equals ITU-T G.191's ulaw_compress on all 32,768 non-negative inputs",
)
g711_neg.public(
    "some", "a few values of both signs", np.array([0, 1, 2, -3, 100, -100, 5000, -5000], dtype=np.int16)
)
for block in range(16):
    lo = -32768 + 4096 * block
    sign = "negative" if block < 8 else "non-negative"
    (g711_neg if block < 8 else g711_pos).hidden(
        f"block_{block:02d}",
        f"the {sign} inputs {lo} to {lo + 4095}",
        np.arange(lo, lo + 4096, dtype=np.int64).astype(np.int16),
    )

g711_shapes = cases.group(
    "g711_ulaw_encode", id="g711_shapes", points=0.25, doc="g711_ulaw_encode keeps shapes and accepts integer dtypes"
)
g711_shapes.hidden(
    "matrix", "a (4, 5) int16 array keeps its shape", rng.integers(-32768, 32768, (4, 5)).astype(np.int16)
)
g711_shapes.hidden(
    "int32", "an int32 array in the int16 range", rng.integers(-32768, 32768, 50).astype(np.int32)
)
g711_shapes.hidden(
    "extremes", "the extremes and zeros", np.array([-32768, 32767, 0, -1, 32635, -32636], dtype=np.int64)
)

g711_bad = cases.group(
    "g711_ulaw_encode", id="g711_bad", points=0.25, doc="g711_ulaw_encode refuses floats and values out of range"
)
g711_bad.hidden("float", "a float array raises ValueError", np.array([0.5, -0.25]))
g711_bad.hidden("too_large", "40000 raises ValueError", np.array([40000, 0], dtype=np.int32))
g711_bad.hidden("too_small", "-40000 raises ValueError", np.array([-40000], dtype=np.int64))

# ------------------------------------------------------------------------------------------- q11
qb = cases.group("quantize_bands", id="bands", points=0.75, doc="quantize_bands gives the reference indices exactly")
qb.public(
    "one_frame",
    "one frame of 8 coefficients in 3 bands",
    np.array([0.3, -0.6, 1.25, 2.0, -0.1, 0.0, 4.4, -3.3]),
    np.array([0, 2, 5, 8]),
    np.array([0.25, 0.5, 1.0]),
)
_edges16 = np.array([0, 3, 7, 16])
qb.hidden(
    "frames",
    "3 frames of 16 coefficients, a step per band and frame",
    2 * rng.normal(size=(3, 16)),
    _edges16,
    2.0 ** rng.integers(-3, 3, (3, 3)),
)
qb.hidden(
    "ties",
    "exact ties round half to even",
    (np.arange(-8, 8) + 0.5) * 0.25,
    np.array([0, 8, 16]),
    np.array([0.25, 0.5]),
)
qb.hidden("one_band", "a single band", rng.normal(size=10), np.array([0, 10]), np.array([0.3]))
qb.hidden(
    "bark_like",
    "25 bands of 1024 coefficients",
    0.01 * rng.normal(size=1024),
    np.array(
        [
            0,
            5,
            9,
            14,
            19,
            25,
            30,
            36,
            43,
            50,
            58,
            68,
            79,
            91,
            107,
            126,
            149,
            178,
            211,
            251,
            298,
            354,
            426,
            530,
            717,
            1024,
        ]
    ),
    10.0 ** rng.uniform(-4, -2, 25),
)

qb_bad = cases.group("quantize_bands", id="bands_bad", points=0.25, doc="quantize_bands refuses bad edges and steps")
qb_bad.hidden(
    "edges_start", "edges not starting at 0", np.zeros(8), np.array([1, 4, 8]), np.array([0.1, 0.1])
)
qb_bad.hidden("edges_end", "edges not ending at M", np.zeros(8), np.array([0, 4, 7]), np.array([0.1, 0.1]))
qb_bad.hidden(
    "steps_shape", "steps of the wrong shape", np.zeros((2, 8)), np.array([0, 4, 8]), np.array([0.1, 0.1])
)
qb_bad.hidden("zero_step", "a step of 0", np.zeros(8), np.array([0, 4, 8]), np.array([0.1, 0.0]))

st = cases.group(
    "steps_from_threshold",
    points=0.5,
    doc="steps_from_threshold is sqrt(12 T)",
    rtol=1e-12,
    atol=0.0,
    note=" (to 1e-12 relative)",
)
st.public("steps_three", "1/12, 0 and 3 give 1, 0 and 6", np.array([1 / 12, 0.0, 3.0]))
st.hidden("steps_frames", "a (4, 25) array of thresholds", 10.0 ** rng.uniform(-12, -2, (4, 25)))
st.hidden("steps_scalar", "a scalar threshold", 2.5e-7)
st.hidden("steps_list", "a list", [0.0, 1e-10, 0.5])

st_bad = cases.group("steps_from_threshold", id="steps_bad", points=0.25, doc="steps_from_threshold refuses a negative power")
st_bad.hidden("steps_negative", "a negative threshold raises ValueError", np.array([1e-6, -1e-6]))
