"""Inputs on which notebook 03's graded functions are compared with the solution.

Expected outputs are not written here: ``quantgrade refs`` computes them by running the solution.
Public rows ship with quantkit for the self-checks; hidden rows use other inputs. Everything that
decides an output exactly is checked at import time (the ``_assert_*`` helpers below, in exact
rational arithmetic), so that no expected output hinges on the last bit of a float:

* ``window_level``: no hidden or public input has a DICOM ``y`` within 1e-6 of a half-integer except
  the exact ties placed on purpose (``y = 127.5`` at ``x = c - 1/2``);
* ``ordered_dither``: ties are impossible by construction (an odd denominator against a power of two,
  see the notebook), the nearest integer is at least 1 / (510 n²) away;
* ``floyd_steinberg`` exact rows: the images were run through error diffusion in exact fractions and
  no working value comes within 1e-9 of a rounding threshold (so any order of the float additions
  gives the same pixels);
* ``kmeans_palette`` exact rows: well-separated integer clusters, every assignment of the reference run
  has a margin of at least 1 between the best and the second-best squared distance (exact integer ties
  are placed on purpose and are exact in floating point);
* ``jpeg_quantize_block``: random coefficients lie at least 1e-9 away from a tie; the exact ties are
  integers or halves times integer steps (exact in binary);
* ``jpeg_roundtrip`` rows: images made of 8 x 8 constant blocks (the border blocks too, after edge
  padding), whose decoded values are at least 1/8 away from a rounding tie at the qualities used; and
  mosaics of natural portrait blocks in which no quantization ``|F| / Q`` and no decoded pixel comes
  within 1e-3 of a tie (``_tie_free_mosaic``), so that every float DCT gives exactly the same pixels
  (libjpeg's integer DCT, through Pillow, does not: see hidden_tests.py's instructor notes).

Random inputs come from ``stable_rng`` (PCG64's raw stream), so they do not move with NumPy.
"""

from __future__ import annotations

from fractions import Fraction

import numpy as np
from scipy.fft import dctn, idctn

from autograder.spec import Cases, stable_rng
from quantkit import data, images

cases = Cases()
rng = stable_rng(2026_03)

LUMA = np.array(images.ANNEX_K_LUMINANCE)
CHROMA = np.array(images.ANNEX_K_CHROMINANCE)
_PORTRAIT = images.downscale(images.to_grey(data.grace_hopper()), 2)  # (300, 256), as in the notebook
_CT = data.ct_slice()


def _u8(values) -> np.ndarray:
    return np.asarray(values, dtype=np.uint8)


# ------------------------------------------------------------------------------ q1 reduce_bit_depth

levels = np.arange(256, dtype=np.uint8)
shuffled = levels[np.argsort(rng.uniform(size=256))]
img_8x12 = _u8(rng.integers(0, 256, (8, 12)))
rgb_6x5 = _u8(rng.integers(0, 256, (6, 5, 3)))

rbd = cases.group(
    "reduce_bit_depth", id="bit_depth_values", points=0.75, doc="reduce_bit_depth agrees exactly on every level, 1 to 7 bits"
)
rbd.public("mid3", "3 bits, mid-step: 200 -> 208, 31 -> 16, 32 -> 48", _u8([0, 31, 32, 200, 255]), 3)
rbd.public("low5", "5 bits, truncation of a small image", _u8([[7, 8, 9], [250, 251, 252]]), 5, "low")
for b in range(1, 8):
    rbd.hidden(f"all_mid{b}", f"all 256 levels (shuffled), {b} bits, mid-step", shuffled, b)
    rbd.hidden(f"all_low{b}", f"all 256 levels (shuffled), {b} bits, truncation", shuffled, b, "low")

rbd_edges = cases.group(
    "reduce_bit_depth", id="bit_depth_edges", points=0.5, doc="8 bits is the identity, extremes, default mode")
rbd_edges.hidden("eight_mid", "8 bits, mid-step: the image itself", img_8x12, 8)
rbd_edges.hidden("eight_low", "8 bits, truncation: the image itself", img_8x12, 8, "low")
rbd_edges.hidden("one_mid", "1 bit, mid-step: 64 and 192", _u8([0, 127, 128, 255]), 1, reconstruction="mid")
rbd_edges.hidden("seven_mid", "7 bits, mid-step: 2k + 1", _u8([0, 1, 2, 254, 255]), 7)
rbd_edges.hidden("max_mid", "the largest value, 1..7 bits, fits in uint8", _u8([255] * 7), 2)

rbd_shapes = cases.group(
    "reduce_bit_depth", id="bit_depth_shapes", points=0.25, doc="any shape: RGB, 2-D, 0-d")
rbd_shapes.public("rgb", "an RGB image (H, W, 3)", _u8(rng.integers(0, 256, (2, 3, 3))), 2)
rbd_shapes.hidden("rgb_4bits", "an RGB image (6, 5, 3), 4 bits", rgb_6x5, 4)
rbd_shapes.hidden("image", "a 2-D image (8, 12), 6 bits, truncation", img_8x12, 6, "low")
rbd_shapes.hidden("scalar", "a 0-d uint8 array", np.array(200, dtype=np.uint8), 3)

rbd_bad = cases.group(
    "reduce_bit_depth", id="bit_depth_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
rbd_bad.public("zero_bits", "n_bits = 0 raises ValueError", _u8([1, 2]), 0)
rbd_bad.hidden("nine_bits", "n_bits = 9 raises ValueError", _u8([1, 2]), 9)
rbd_bad.hidden("float_bits", "n_bits = 2.0 raises ValueError", _u8([1, 2]), 2.0)
rbd_bad.hidden("bool_bits", "n_bits = True raises ValueError", _u8([1, 2]), True)
rbd_bad.hidden("float_image", "a float image raises ValueError", np.array([1.0, 2.0]), 3)
rbd_bad.hidden("int16_image", "an int16 image raises ValueError", np.array([1, 2], dtype=np.int16), 3)
rbd_bad.hidden("mode", "reconstruction='centre' raises ValueError", _u8([1, 2]), 3, "centre")
rbd_bad.row("numpy_bits", "np.int64(3) is accepted", args=(_u8([100, 200]), np.int64(3)))


# ------------------------------------------------------------------------------ q2 window_level


def _dicom_y(x, c, w) -> Fraction | None:
    """The exact DICOM LINEAR y (None when the value is clipped to 0 or 255)."""
    x, c, w = Fraction(x), Fraction(c), Fraction(w)
    lo, hi = c - Fraction(1, 2) - (w - 1) / 2, c - Fraction(1, 2) + (w - 1) / 2
    if x <= lo or x > hi:
        return None
    return ((x - (c - Fraction(1, 2))) / (w - 1) + Fraction(1, 2)) * 255


def _assert_no_near_ties(values, c, w, allowed=(Fraction(255, 2),)) -> None:
    for x in np.ravel(values):
        y = _dicom_y(float(x), c, w)
        if y is None or y in allowed:
            continue
        frac = y - (y.numerator // y.denominator)
        assert abs(frac - Fraction(1, 2)) > Fraction(1, 10**6), f"near-tie at x={x}, c={c}, w={w}"


ct_a = _CT[40:56, 40:56]  # around the spine: soft tissue and bone
ct_b = _CT[0:16, 0:16]  # lung and air
ct_c = _CT[100:116, 60:76]  # muscle, fat
hu_float = np.round(rng.uniform(-1100.0, 1500.0, (5, 7)), 2)

wl = cases.group(
    "window_level", id="window_ct", points=0.5, doc="window_level agrees with DICOM LINEAR on a real CT, rounded half up"
)
for name, values, c, w in [
    ("public_narrow", ct_c, 60, 80),
    ("public_wide", hu_float[:2], -100, 2000),
]:
    _assert_no_near_ties(values, c, w)
    wl.public(name.removeprefix("public_"), f"c = {c}, w = {w}", values, c, w)
for name, values, c, w in [
    ("lung", ct_b, -600, 1500),
    ("soft", ct_a, 40, 400),
    ("bone", ct_a, 400, 1800),
    ("liver", ct_c, 50, 150),
    ("half_center", ct_a, 35.5, 354),
    ("float_values", hu_float, 20.25, 730.5),
    ("float_width", ct_c, -10, 257.75),
]:
    _assert_no_near_ties(values, c, w)
    wl.hidden(name, f"c = {c}, w = {w}", values, c, w)

edges_x = np.array([-161.0, -160.0, -159.5, -159.0, 39.0, 39.5, 40.0, 238.5, 239.0, 239.5, 240.0])
_assert_no_near_ties(edges_x, 40, 400)
wl_edges = cases.group(
    "window_level", id="window_edges", points=0.5, doc="the window's edges exactly as PS3.3 states them, and the tie"
)
wl_edges.public(
    "edges_small", "c = 10, w = 20: both edges and their neighbours", np.array([-1.0, 0.0, 0.5, 19.0, 19.5]), 10, 20
)
wl_edges.hidden(
    "edges_soft_tissue", "c = 40, w = 400: x <= -160 is black, x > 239 white, the tie at 39.5", edges_x, 40, 400
)
wl_edges.hidden("tie", "x = c - 1/2 gives y = 127.5 exactly: 128", np.array([[99.5, -0.5]]), 100, 64)
wl_edges.hidden("int16", "int16 input, 2-D", _CT[60:64, 60:66], 1000, 2001)

wl_thin = cases.group(
    "window_level", id="window_thin", points=0.25, doc="width 1 is a threshold, width 2 two steps")
wl_thin.public("one_at_half", "width 1 at c = 0.5: a threshold at 0", np.array([-1.0, 0.0, 0.25, 1.0]), 0.5, 1)
wl_thin.hidden("one_at_ten", "width 1: threshold at c - 1/2", np.array([-2.0, 9.0, 9.5, 9.75, 10.0, 30.0]), 10, 1)
wl_thin.hidden("one_ct", "width 1 on a CT crop", ct_a, 40, 1)
wl_thin.hidden(
    "two", "width 2: 0, 255 and nothing between for integers", np.array([8.0, 9.0, 9.25, 10.0, 11.0]), 10, 2
)

wl_bad = cases.group(
    "window_level", id="window_bad_width", points=0.25, doc="width < 1 raises ValueError")
wl_bad.public("zero", "width 0 raises ValueError", np.array([1.0]), 0, 0)
wl_bad.hidden("half", "width 0.5 raises ValueError", np.array([1.0, 2.0]), 40, 0.5)
wl_bad.hidden("negative", "width -400 raises ValueError", ct_a, 40, -400)


# ------------------------------------------------------------------------------ q4 bayer_matrix

bm = cases.group(
    "bayer_matrix", id="bayer_values", points=0.5, doc="the Bayer matrices of the recursion")
bm.public("two", "B_2 = [[0, 2], [3, 1]]", 2)
bm.public("four", "B_4 as printed in the notebook", 4)
for n in (1, 8, 16, 32):
    bm.hidden(f"n{n}", f"B_{n}", n)
bm.hidden("numpy_int", "n given as np.int64(8)", np.int64(8))
bm_bad = cases.group(
    "bayer_matrix", id="bayer_bad_sizes", points=0.25, doc="sizes that are not powers of two raise ValueError")
bm_bad.public("three", "n = 3 raises ValueError", 3)
for n in (0, 6, 12, -4, 2.0, True):
    bm_bad.hidden(f"bad_{n!r}".replace(".", "_").replace("-", "minus"), f"n = {n!r} raises ValueError", n)


# ------------------------------------------------------------------------------ q5 ordered_dither

B2 = np.array([[0, 2], [3, 1]])
B4 = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]])
B8 = np.block([[4 * B4, 4 * B4 + 2], [4 * B4 + 3, 4 * B4 + 1]])
ramp_4x64 = np.tile(np.arange(0, 256, 4, dtype=np.uint8), (4, 1))
face = _PORTRAIT[88:120, 96:128]  # 32 x 32, the eye
perm5 = np.argsort(rng.uniform(size=25)).reshape(5, 5)
perm40 = np.argsort(rng.uniform(size=1600)).reshape(40, 40)

od = cases.group(
    "ordered_dither", id="dither_values", points=0.75, doc="ordered_dither agrees exactly on the portrait and a ramp"
)
od.public("ramp", "a ramp, 1 bit, B_2", np.tile(np.arange(0, 256, 16, dtype=np.uint8), (2, 1)), 1, B2)
od.public(
    "small",
    "a 3 x 5 image, 2 bits, B_2",
    _u8([[0, 50, 100, 150, 200], [255, 1, 2, 3, 4], [9, 99, 199, 9, 99]]),
    2,
    B2,
)
for b, matrix, label in ((1, B4, "B_4"), (2, B4, "B_4"), (3, B8, "B_8"), (1, B8, "B_8"), (5, B2, "B_2")):
    od.hidden(f"face{b}_{label[-1]}", f"the portrait's eye, {b} bits, {label}", face, b, matrix)
od.hidden("ramp3", "a ramp, 3 bits, B_4", ramp_4x64, 3, B4)

od_special = cases.group(
    "ordered_dither", id="dither_matrices", points=0.5, doc="special threshold matrices and sizes")
od_special.public(
    "rounding_2bits", "[[0]] is plain rounding", _u8([[0, 42, 43, 127, 128, 212, 213, 255]]), 2, [[0]]
)
od_special.hidden("rounding_3bits", "[[0]] is plain rounding, 3 bits", face, 3, np.zeros((1, 1), dtype=np.int64))
od_special.hidden("perm5", "a 5 x 5 index matrix (not a power of two) tiled over 32 x 32", face, 2, perm5)
od_special.hidden("random", "a random 40 x 40 index matrix larger than the image", face[:30, :27], 1, perm40)
od_special.hidden("odd_size", "an image of 7 x 13 pixels, B_4 does not divide it", face[:7, :13], 2, B4)

od_edges = cases.group(
    "ordered_dither", id="dither_edges", points=0.25, doc="black, white and 8 bits")
od_edges.hidden(
    "black_white", "0 stays 0 and 255 stays 255 at every threshold", _u8([[0, 255] * 4] * 4), 1, B4
)
od_edges.hidden("eight", "8 bits: the image itself", face, 8, B8)

od_bad = cases.group(
    "ordered_dither", id="dither_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
od_bad.public("float_image", "a float image raises ValueError", np.zeros((2, 2)), 1, B2)
od_bad.hidden(
    "not_permutation", "a matrix with a repeated index raises ValueError", face, 1, np.array([[0, 1], [1, 3]])
)
od_bad.hidden("not_square", "a 2 x 3 matrix raises ValueError", face, 1, np.arange(6).reshape(2, 3))
od_bad.hidden("zero_bits", "n_bits = 0 raises ValueError", face, 0, B2)
od_bad.hidden("rgb", "an RGB image raises ValueError", np.zeros((4, 4, 3), np.uint8), 1, B2)
od_bad.hidden("float_matrix", "a float threshold matrix raises ValueError", face, 1, B2 / 4.0)


# ------------------------------------------------------------------------------ q6 floyd_steinberg


def _fs_exact_margin(img: np.ndarray, n_bits: int, serpentine: bool) -> Fraction:
    """Run Floyd–Steinberg in exact fractions; return the smallest distance of u to a threshold k + 1/2."""
    top = 2**n_bits - 1
    levels = [round(k * 255 / top) for k in range(top + 1)]
    h, w = img.shape
    x = [[Fraction(int(v)) for v in row] for row in img]
    margin = Fraction(10**9)
    for i in range(h):
        step = -1 if serpentine and i % 2 == 1 else 1
        for j in range(w - 1, -1, -1) if step == -1 else range(w):
            u = x[i][j] * top / 255
            k = (u + Fraction(1, 2)).__floor__()
            if 0 <= k <= top:
                margin = min(margin, abs(u + Fraction(1, 2) - k), abs(u + Fraction(1, 2) - k - 1))
            k = min(max(k, 0), top)
            e = x[i][j] - levels[k]
            for di, dj, wt in ((0, step, 7), (1, -step, 3), (1, 0, 5), (1, step, 1)):
                if 0 <= i + di < h and 0 <= j + dj < w:
                    x[i + di][j + dj] += e * wt / 16
    return margin


fs_inputs = {
    "eye": _PORTRAIT[96:104, 100:110],
    "cheek": _PORTRAIT[120:132, 90:102],
    "edge": _PORTRAIT[60:66, 150:166],
    "random": _u8(rng.integers(0, 256, (9, 7))),
    "dark": _u8(rng.integers(0, 40, (6, 10))),
}
fs = cases.group(
    "floyd_steinberg", id="diffusion_raster", points=0.5, doc="floyd_steinberg agrees exactly on small images (raster)")
fs_serp = cases.group(
    "floyd_steinberg", id="diffusion_serpentine", points=0.5, doc="floyd_steinberg agrees exactly on small images (serpentine)"
)
fs.public("ramp", "a 2 x 8 ramp, 1 bit", np.tile(np.arange(10, 250, 30, dtype=np.uint8), (2, 1)), 1)
fs_serp.public(
    "serpentine",
    "a 3 x 5 image, 2 bits, serpentine",
    _u8([[10, 60, 110, 160, 210], [200, 150, 100, 50, 0], [90, 90, 90, 90, 90]]),
    2,
    serpentine=True,
)
for name, img in fs_inputs.items():
    for b in (1, 2, 3):
        for serp, group in ((False, fs), (True, fs_serp)):
            if _fs_exact_margin(img, b, serp) < Fraction(1, 10**9):
                continue  # a (near-)tie: left out, see the module docstring
            group.hidden(
                f"{name}{b}{'_serp' if serp else ''}",
                f"{name}, {b} bits{', serpentine' if serp else ''}",
                img,
                b,
                serpentine=serp,
            )
for group in (fs, fs_serp):
    assert len([r for r in group.rows if not r.public]) >= 10, "too few tie-free exact cases"

fs_bad = cases.group(
    "floyd_steinberg", id="diffusion_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
fs_bad.public("float_image", "a float image raises ValueError", np.zeros((3, 3)), 1)
fs_bad.hidden("nine_bits", "n_bits = 9 raises ValueError", fs_inputs["eye"], 9)
fs_bad.hidden("float_bits", "n_bits = 1.0 raises ValueError", fs_inputs["eye"], 1.0)
fs_bad.hidden("rgb", "an RGB image raises ValueError", np.zeros((3, 3, 3), np.uint8), 1)
fs_bad.hidden("int_image", "an int64 image raises ValueError", np.zeros((3, 3), np.int64), 2)


# ------------------------------------------------------------------------------ q8 kmeans_palette


def _cluster(centre, n, spread):
    return np.asarray(centre)[None, :] + rng.integers(-spread, spread + 1, (n, len(centre)))


def _assert_margins(x: np.ndarray, init: np.ndarray, n_iter: int, exact_ties_ok: bool = False) -> None:
    """Run the course's k-means in float64 and check every assignment's margin (>= 1 or an exact tie)."""
    c = np.array(init, dtype=np.float64)
    prev = None
    for it in range(n_iter + 1):
        d = ((x[:, None, :] - c[None]) ** 2).sum(axis=2)
        s = np.sort(d, axis=1)
        gap = s[:, 1] - s[:, 0] if d.shape[1] > 1 else np.full(len(x), np.inf)
        assert np.all((gap >= 1.0) | ((gap == 0) & exact_ties_ok)), "an assignment without margin"
        labels = np.argmin(d, axis=1)
        if it == n_iter or (prev is not None and np.array_equal(labels, prev)):
            return
        for j in range(len(c)):
            if np.any(labels == j):
                c[j] = x[labels == j].mean(axis=0)
        prev = labels


three = np.concatenate(
    [_cluster((20, 20, 20), 30, 6), _cluster((120, 60, 30), 25, 6), _cluster((220, 210, 200), 20, 6)]
)
three_init = three[[0, 30, 55]].astype(np.float64)
far_init = np.array(
    [[20.0, 20, 20], [120, 60, 30], [220, 210, 200], [255, 0, 255]]
)  # the last one gets no pixel
one_d = np.concatenate([_cluster((10,), 15, 3), _cluster((60,), 15, 3), _cluster((200,), 10, 3)])
ties = np.array([[0, 0, 0], [10, 0, 0], [5, 0, 0], [5, 1, 0], [100, 100, 100]], dtype=np.float64)
relabel = np.array([[0.0], [4.0], [5.0], [10.0], [11.0], [12.0]])  # after one update, 4 moves to centre 0
ties_init = np.array([[0, 0, 0], [10, 0, 0], [100, 100, 100]], dtype=np.float64)
for x, init, n_iter, tie in (
    (three, three_init, 20, False),
    (three, far_init, 20, False),
    (one_d, one_d[[0, 15, 30]], 20, False),
    (three, three_init[::-1], 1, False),
    (relabel, np.array([[0.0], [6.0]]), 1, False),
):
    _assert_margins(x.astype(np.float64), np.asarray(init, dtype=np.float64), n_iter, tie)

km = cases.group(
    "kmeans_palette", id="kmeans_clusters",
    points=0.75,
    doc="kmeans_palette agrees on well-separated clusters",
    rtol=1e-12,
    atol=1e-9,
    note=" (centres compared to 1e-9: equal means may differ in the last bit)",
)
km.public(
    "two",
    "two clusters of 4 pixels, 3 iterations",
    np.array(
        [[0, 0, 0], [2, 0, 0], [0, 2, 0], [2, 2, 0], [50, 50, 50], [52, 50, 50], [50, 52, 50], [52, 52, 50]]
    ),
    2,
    3,
    np.array([[0.0, 0, 0], [52, 52, 50]]),
)
km.public(
    "uint8_init",
    "uint8 pixels and a uint8 init: the palette holds the float64 means",
    np.array([[0, 0, 0], [1, 0, 0], [0, 0, 3], [200, 100, 50], [201, 101, 50], [200, 100, 51]], dtype=np.uint8),
    2,
    4,
    np.array([[0, 0, 0], [200, 100, 50]], dtype=np.uint8),
)
km.hidden("three", "three clusters from one pixel of each", three, 3, 20, three_init)
km.hidden("empty", "a fourth centre far from every pixel keeps its value", three, 4, 20, far_init)
km.hidden("one_d", "one-dimensional samples (N, 1)", one_d, 3, 20, one_d[[0, 15, 30]])
km.hidden(
    "one_iteration",
    "n_iter = 1: one assignment and one update, init in reverse order",
    three,
    3,
    1,
    three_init[::-1],
)
km.hidden(
    "relabel",
    "n_iter = 1: the returned labels are those of the moved centres",
    relabel,
    2,
    1,
    np.array([[0.0], [6.0]]),
)
km.hidden("zero_iterations", "n_iter = 0: init back with its labels", three, 3, 0, three_init)
km.hidden("ties", "pixels equidistant from two centres go to the lower index", ties, 3, 0, ties_init)
km.hidden("uint8", "uint8 pixels are computed in float64", three.astype(np.uint8), 3, 20, three_init)

km_bad = cases.group(
    "kmeans_palette", id="kmeans_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
km_bad.public("init_shape", "init of shape (3, 3) for k = 2 raises ValueError", three, 2, 5, three_init)
km_bad.hidden(
    "init_dims", "init with 2 columns for 3-D pixels raises ValueError", three, 3, 5, three_init[:, :2]
)
km_bad.hidden("pixels_1d", "1-D pixels raise ValueError", three[:, 0], 3, 5, three_init)
km_bad.hidden("negative_iter", "n_iter = -1 raises ValueError", three, 3, -1, three_init)


# ------------------------------------------------------------------------------ q9 jpeg_quant_table

random_base = rng.integers(1, 256, (8, 8))
small_base = rng.integers(1, 12, (8, 8))

qt = cases.group(
    "jpeg_quant_table", id="table_annex_k", points=0.5, doc="jpeg_quant_table on the Annex K tables")
qt.public("luma50", "quality 50 gives the base table itself", 50, LUMA)
qt.public("luma90", "quality 90", 90, LUMA)
qt.public("chroma20", "quality 20, chrominance", 20, CHROMA)
for q in (1, 9, 10, 25, 33, 49, 51, 75, 99, 100):
    qt.hidden(f"luma{q}", f"quality {q}, luminance", q, LUMA)
for q in (9, 33, 67, 95):
    qt.hidden(f"chroma{q}", f"quality {q}, chrominance", q, CHROMA)

qt_clamp = cases.group(
    "jpeg_quant_table", id="table_clamps", points=0.25, doc="quality clamped to 1..100, entries to 1..255")
qt_clamp.hidden("zero", "quality 0 counts as 1", 0, LUMA)
qt_clamp.hidden("negative", "quality -20 counts as 1", -20, CHROMA)
qt_clamp.hidden("above", "quality 150 counts as 100: all ones", 150, LUMA)
qt_clamp.hidden("numpy", "quality np.int64(60)", np.int64(60), LUMA)

qt_other = cases.group(
    "jpeg_quant_table", id="table_other_bases", points=0.5, doc="any base table, at the qualities where a float scale errs"
)
for q in (3, 9, 17, 33, 48, 50, 62, 88):
    qt_other.hidden(f"random{q}", f"a random base table 1..255, quality {q}", q, random_base)
qt_other.hidden("small9", "a base table of small entries, quality 9", 9, small_base)
qt_other.hidden("small99", "a base table of small entries, quality 99 (entries clamp to 1)", 99, small_base)

qt_bad = cases.group(
    "jpeg_quant_table", id="table_bad_arguments", points=0.25, doc="bad arguments raise ValueError")
qt_bad.public("float_quality", "quality 50.0 raises ValueError", 50.0, LUMA)
qt_bad.hidden("string", "quality '75' raises ValueError", "75", LUMA)
qt_bad.hidden("bool", "quality True raises ValueError", True, LUMA)
qt_bad.hidden("shape", "a 4 x 4 base raises ValueError", 50, LUMA[:4, :4])


# ------------------------------------------------------------------------------ q10 quantize / dequantize


def _assert_no_quant_ties(coeffs, table) -> None:
    r = np.abs(np.asarray(coeffs, dtype=np.float64)) / np.asarray(table, dtype=np.float64)
    assert np.all(np.abs(r - np.floor(r) - 0.5) > 1e-9), "a coefficient within 1e-9 of a tie"


table_50 = LUMA
table_10 = np.clip((LUMA * 500 + 50) // 100, 1, 255)
table_90 = np.clip((LUMA * 20 + 50) // 100, 1, 255)
coeffs_block = np.round(rng.laplace(0.0, 30.0, (8, 8)), 3)
coeffs_block[0, 0] = 412.7
coeffs_stack = np.round(rng.laplace(0.0, 25.0, (3, 4, 8, 8)), 4)
for c, t in (
    (coeffs_block, table_50),
    (coeffs_block, table_10),
    (coeffs_stack, table_90),
    (coeffs_stack, CHROMA),
):
    _assert_no_quant_ties(c, t)
k = np.arange(-4, 4)[None, :] + np.zeros((8, 1), dtype=int)
tie_coeffs = (k + 0.5) * LUMA  # exact in binary: integers and halves times integers
tie_coeffs[0, 0] = 0.0

qb = cases.group(
    "jpeg_quantize_block", id="quantize_blocks", points=0.5, doc="jpeg_quantize_block on blocks and stacks of blocks")
qb.public(
    "quantize_one_block", "one block of coefficients, quality 50", np.round(rng.laplace(0.0, 20.0, (8, 8)), 2), table_50
)
for name, c, t in (
    ("block50", coeffs_block, table_50),
    ("block10", coeffs_block, table_10),
    ("stack90", coeffs_stack, table_90),
    ("stack_chroma", coeffs_stack, CHROMA),
):
    qb.hidden(name, f"{c.ndim}-D coefficients, {name}", c, t)
qb_ties = cases.group(
    "jpeg_quantize_block", id="quantize_ties", points=0.5, doc="halves round away from zero")
qb_ties.public(
    "ties_small",
    "2.5 steps -> 3, -2.5 steps -> -3, 0.5 -> 1",
    np.array([[2.5, -2.5, 0.5, -0.5, 1.5, -1.5, 0.0, 3.0]] * 8) * 2,
    np.full((8, 8), 2),
)
qb_ties.hidden("ties_every_step", "every coefficient exactly half-way, both signs", tie_coeffs, LUMA)
qb_ties.hidden("ties_stack", "ties in a stack of two blocks", np.stack([tie_coeffs, -tie_coeffs]), LUMA)

dq = cases.group(
    "jpeg_dequantize_block", id="dequantize_blocks", points=0.5, doc="jpeg_dequantize_block multiplies back, float64")
dq.public("dequantize_one_block", "one block", np.arange(-32, 32).reshape(8, 8) // 7, table_50)
dq.hidden("dequantize_quality10", "one block, quality 10", (np.arange(64).reshape(8, 8) % 5) - 2, table_10)
dq.hidden("stack", "a stack of blocks, chrominance", np.round(coeffs_stack / 9).astype(np.int64), CHROMA)

q10_bad = cases.group(
    "jpeg_quantize_block", id="quantize_bad_shapes", points=0.25, doc="bad shapes raise ValueError")
q10_bad.public("table_4x4", "a (4, 4) table raises ValueError", coeffs_block, np.ones((4, 4)))
q10_bad.hidden("table_8x4", "a (8, 4) table raises ValueError", coeffs_block, np.ones((8, 4)))
q10_bad.hidden("coeffs", "coefficients of shape (8, 7) raise ValueError", coeffs_block[:, :7], table_50)
dq.hidden("bad_table", "a (64,) table raises ValueError", np.zeros((8, 8), int), LUMA.ravel())
dq.hidden("bad_q", "coefficients of shape (2, 8) raise ValueError", np.zeros((2, 8), int), LUMA)


# ------------------------------------------------------------------------------ q11 jpeg_roundtrip


def _block_image(values: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """An image of 8 x 8 constant blocks (values[I, J]), cropped to ``shape``."""
    return np.kron(values, np.ones((8, 8), dtype=np.int64))[: shape[0], : shape[1]].astype(np.uint8)


def _assert_blocks_safe(values: np.ndarray, quality: int) -> None:
    """Decoded constant blocks must be at least 1/8 away from a rounding tie, and never clip."""
    q = min(max(quality, 1), 100)
    s = 5000 // q if q < 50 else 200 - 2 * q
    dc_step = min(max((16 * s + 50) // 100, 1), 255)
    for v in np.ravel(values):
        f = Fraction(8 * (int(v) - 128), dc_step)
        fq = (abs(f) + Fraction(1, 2)).__floor__() * (1 if f >= 0 else -1)
        y = Fraction(fq * dc_step, 8) + 128
        assert abs(y - (y + Fraction(1, 2)).__floor__() + Fraction(1, 2)) >= Fraction(1, 8) and 0 <= y <= 255


blocks_a = np.array([[10, 60, 120], [130, 200, 250]])
blocks_b = rng.integers(30, 226, (2, 3))
rt = cases.group(
    "jpeg_roundtrip", id="roundtrip_blocks", points=0.25, doc="jpeg_roundtrip on images of constant 8 x 8 blocks (exact)"
)
rt.public_props(
    "shape",
    "a 20 x 30 image: uint8, same shape",
    _u8(rng.integers(0, 256, (20, 30))),
    50,
    props=dict(shape=(20, 30), dtype="uint", range=(0, 255)),
)
for name, vals, shape, q in (
    ("blocks50", blocks_a, (16, 24), 50),
    ("blocks10", blocks_a, (16, 24), 10),
    ("blocks90", blocks_b, (16, 24), 90),
    ("border", blocks_b, (13, 21), 25),
):
    _assert_blocks_safe(vals, q)
    rt.hidden(name, f"constant blocks {shape[0]} x {shape[1]}, quality {q}", _block_image(vals, shape), q)
rt.public("float", "a float image raises ValueError", np.zeros((8, 8)), 50)
rt.hidden("rgb", "an RGB image raises ValueError", np.zeros((8, 8, 3), np.uint8), 50)


def _jpeg_margins(blocks: np.ndarray, quality: int) -> np.ndarray:
    """Per 8 x 8 block, the smallest distance of a rounding in the notebook's pipeline to its tie.

    Both roundings count: |F| / Q against k + 1/2 (quantization) and the decoded value against
    k + 1/2 (the output; values clipped to 0 or 255 excluded).
    """
    table = np.asarray(_ijg_table(quality), dtype=np.float64)
    coeffs = dctn(blocks.astype(np.float64) - 128, axes=(-2, -1), norm="ortho")
    ratio = np.abs(coeffs) / table
    quantized = np.sign(coeffs) * np.floor(ratio + 0.5)
    decoded = idctn(quantized * table, axes=(-2, -1), norm="ortho") + 128
    to_tie = np.abs(decoded - np.floor(decoded) - 0.5)
    to_tie = np.where((decoded > -0.5) & (decoded < 255.5), to_tie, 1.0)
    return np.minimum(np.abs(ratio - np.floor(ratio) - 0.5).min(axis=(-2, -1)), to_tie.min(axis=(-2, -1)))


def _ijg_table(quality: int) -> np.ndarray:
    q = min(max(quality, 1), 100)
    scale = 5000 // q if q < 50 else 200 - 2 * q
    return np.clip((LUMA * scale + 50) // 100, 1, 255)


# The portrait's 8 x 8 blocks on a grid shifted by 4 pixels (the notebook's jpeg_test): natural blocks
# with real edges and texture, not on the grid the bundled JPEG was compressed on.
_GREY = images.to_grey(data.grace_hopper())[4:, 4:]
_ALL_BLOCKS = images.to_blocks(_GREY[: _GREY.shape[0] // 8 * 8, : _GREY.shape[1] // 8 * 8]).reshape(-1, 8, 8)
TIE_MARGIN = 1e-3


def _tie_free_mosaic(quality: int, n_rows: int, n_cols: int, seed: int) -> np.ndarray:
    """n_rows x n_cols portrait blocks, drawn at random among those without a near-tie at ``quality``."""
    usable = np.flatnonzero(_jpeg_margins(_ALL_BLOCKS, quality) >= TIE_MARGIN)
    pick = usable[np.argsort(stable_rng(seed).uniform(size=usable.size))[: n_rows * n_cols]]
    mosaic = images.from_blocks(_ALL_BLOCKS[pick].reshape(n_rows, n_cols, 8, 8))
    assert _jpeg_margins(images.to_blocks(mosaic), quality).min() >= TIE_MARGIN
    return mosaic.astype(np.uint8)


rt_mosaic = cases.group(
    "jpeg_roundtrip", id="roundtrip_natural", points=0.75,
    doc="jpeg_roundtrip is exactly the notebook's pipeline on natural 8 x 8 blocks without rounding ties",
    note=" (no rounding in these blocks comes within 1e-3 of a tie, so every float DCT agrees)",
)
rt_mosaic.public("natural", "24 blocks of the portrait, quality 60", _tie_free_mosaic(60, 4, 6, 600), 60)
for quality in (10, 25, 50, 75, 90, 95):
    rt_mosaic.hidden(
        f"natural{quality}", f"48 blocks of the portrait, quality {quality}",
        _tie_free_mosaic(quality, 6, 8, quality), quality,
    )
