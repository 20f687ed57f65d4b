"""Hidden property tests of notebook 03, "Images: bit depth, windows, dither, palettes and JPEG".

Reference comparisons live in ``cases.py``; this module holds what a table of cases cannot say:
properties of chaotic or iterative algorithms (Floyd–Steinberg, k-means), external oracles (Pillow's
written JPEG tables, pydicom's windowing), the follow-through oracle of ``jpeg_roundtrip`` and the
upstream sanity checks that decide when a student's own table and block functions may serve for it.
Every test builds its own inputs (seeded, from the bundled images), computes what the notebook's
definitions give with the ``_reference_*`` functions below (the notebook's formulas written out once
more), and states the property in its message, never the input or the expected value.

Thresholds and where they come from (measured on the solution, its three correct styles and its
known mistakes):

* Floyd–Steinberg keeps 8 x 8 window means: on the three test crops at 1 to 4 bits the reference's
  largest window error is at most 0.052 of a level step and its RMS at most 0.021; the tests allow
  0.10 and 0.04 (random dither reaches 0.17, Bayer 0.10).
* Its error is high-pass: the mean error power above 0.35 cycles/pixel over the mean below 0.1 is at
  least 11.4 for the reference at 2 and 3 bits on every test crop; the test asks for 5 (random dither
  gives 1.0-1.6, plain rounding 0.01-0.08; Bayer 1.6-7.8, itself a high-pass pattern).
* Blurred (sigma 1.5 px) against the blurred reference: one input pixel changed by one grey level
  (which moves about 20 % of the output pixels) stays at or above 45.5 dB at 2 and 3 bits; the test asks
  40 dB (Bayer dither gives 36-38 dB at 2 bits).
* k-means: distortion within 2 % of the reference from the same start (the issue's rule).
* jpeg_roundtrip: a correct pipeline with the DCT as a matrix product and ``floor(y + 1/2)`` rounding
  is within one grey level of the reference on at least 97.4 % of the pixels of these test images
  (98.6 % on those of the agreement test, 100 % on the border test's); exact pixel equality drops to
  80 % on flat white blocks (a DC of exactly half a step flips with the last bit of the DCT), so the
  tests ask for 95 % of the pixels within one grey level.

Instructor notes: what the grader cannot see, and what it does about it.

* **Pillow instead of the student's pipeline.** A ``jpeg_roundtrip`` that returns Pillow's decoded
  JPEG (``Image.save(..., quality=q)`` and reading it back) is close to the pipeline by design: the
  same tables, PSNR within 0.01 dB, 80-99 % of the pixels equal and nearly all within one grey level,
  so the PSNR, agreement, border and shape tests, and the constant-block rows, cannot tell it from
  honest work without failing honest variants too (exact ties in flat blocks flip with the last bit of
  the DCT and move whole blocks by a level). What separates them is the reference group
  ``roundtrip_natural`` (0.75 of q11's 2 points): natural portrait blocks in which no rounding of the
  pipeline comes within 1e-3 of a tie, so every float DCT (scipy's, a matrix product, float32) gives
  exactly the notebook's pixels, while libjpeg's integer DCT (islow, 13-bit constants) differs on some
  pixels of every row (``tests/autograder/course/test_03_images.py`` pins that;
  ``tests/grading/attacks/pillow_jpeg_roundtrip.py`` grades the cheat: it loses q11's 0.75). With
  follow-through the rows are also compared with the pipeline built from the student's *own* table and
  block functions, which Pillow does not reproduce when those are wrong. A student who calls Pillow
  therefore keeps at most 1.25 of q11's 2 points; reading the code remains the instructor's call.
* **init modified in place** (``kmeans_palette``): the arguments are copied into the student's kernel,
  so an in-place edit of ``init`` is invisible here. What can be seen is its usual cause: working on
  ``init`` itself keeps its dtype, so a uint8 ``init`` (Pillow's median-cut palette, as the notebook
  passes it) gives integer centres that are not the means (the public uint8 case and
  ``test_kmeans_from_median_cut_is_no_worse_than_median_cut``).
* **A divide warning at width 1** (``window_level``): kernel warnings do not reach the grader. The
  threshold behaviour itself (uint8, 0 at and below c - 1/2, 255 above, no other value) is tested by
  ``test_width_one_is_a_threshold``; the notebook's text asks for no warning.
"""

from __future__ import annotations

import io
import math

import numpy as np

from autograder.testing import follow_through, prefetched, question, upstream
from quantkit import data, images

# ------------------------------------------------------------------------------------------- inputs

_PORTRAIT_HALF = images.downscale(images.to_grey(data.grace_hopper()), 2)  # (300, 256)
_RGB_HALF = images.downscale(data.grace_hopper(), 2)
FS_CROPS = {  # 64 x 64 and 48 x 80 regions: face, background gradient, dark uniform
    "face": _PORTRAIT_HALF[60:124, 80:144],
    "background": _PORTRAIT_HALF[40:88, 170:250],
    "jacket": _PORTRAIT_HALF[200:264, 100:164],
}
LUMA = np.array(images.ANNEX_K_LUMINANCE)
CHROMA = np.array(images.ANNEX_K_CHROMINANCE)

WINDOW_MAX, WINDOW_RMS = 0.10, 0.04  # Floyd–Steinberg 8 x 8 window-mean error, in level steps
HIGH_PASS_RATIO = 5.0
BLUR_PSNR_DB = 40.0
KMEANS_DISTORTION_SLACK = 0.02
JPEG_PSNR_DB = 0.5
JPEG_AGREE_FRACTION = 0.95


def _grid(n_bits: int) -> np.ndarray:
    top = 2**n_bits - 1
    return np.round(np.arange(top + 1) * 255 / top)


def _blur(img: np.ndarray) -> np.ndarray:
    return images.blur(np.asarray(img, dtype=np.float64), 1.5)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((np.asarray(a, dtype=np.float64) - np.asarray(b, dtype=np.float64)) ** 2))
    return math.inf if mse == 0 else 10 * math.log10(255.0**2 / mse)


# ------------------------------------------------------------------- the notebook's definitions again


def _reference_floyd_steinberg(img: np.ndarray, n_bits: int, serpentine: bool = False) -> np.ndarray:
    top = 2**n_bits - 1
    levels = [round(k * 255 / top) for k in range(top + 1)]
    x = img.astype(np.float64).tolist()
    h, w = img.shape
    out = np.empty((h, w), dtype=np.uint8)
    for i in range(h):
        row, below = x[i], (x[i + 1] if i + 1 < h else None)
        step = -1 if serpentine and i % 2 == 1 else 1
        for j in range(w - 1, -1, -1) if step == -1 else range(w):
            k = min(max(math.floor(row[j] * top / 255 + 0.5), 0), top)
            out[i, j] = levels[k]
            e = row[j] - levels[k]
            if 0 <= j + step < w:
                row[j + step] += e * 7 / 16
            if below is not None:
                if 0 <= j - step < w:
                    below[j - step] += e * 3 / 16
                below[j] += e * 5 / 16
                if 0 <= j + step < w:
                    below[j + step] += e / 16
    return out


def _nearest(x: np.ndarray, c: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    d = np.zeros((len(x), len(c)))
    for dim in range(x.shape[1]):
        d += (x[:, dim, None] - c[None, :, dim]) ** 2
    return np.argmin(d, axis=1), d


def _reference_kmeans(x: np.ndarray, k: int, n_iter: int, init: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    x = np.asarray(x, dtype=np.float64)
    c = np.array(init, dtype=np.float64)
    previous = None
    for _ in range(n_iter):
        labels, _d = _nearest(x, c)
        if previous is not None and np.array_equal(labels, previous):
            break
        for j in range(k):
            if np.any(labels == j):
                c[j] = x[labels == j].mean(axis=0)
        previous = labels
    return c, _nearest(x, c)[0]


def _reference_quant_table(quality: int, base: np.ndarray) -> np.ndarray:
    q = min(max(int(quality), 1), 100)
    s = 5000 // q if q < 50 else 200 - 2 * q
    return np.clip((np.asarray(base, dtype=np.int64) * s + 50) // 100, 1, 255)


def _reference_quantize(coeffs: np.ndarray, table: np.ndarray) -> np.ndarray:
    c = np.asarray(coeffs, dtype=np.float64)
    return (np.sign(c) * np.floor(np.abs(c) / np.asarray(table, dtype=np.float64) + 0.5)).astype(np.int64)


def _reference_dequantize(q: np.ndarray, table: np.ndarray) -> np.ndarray:
    return np.asarray(q, dtype=np.float64) * np.asarray(table, dtype=np.float64)


def _pipeline(img, quality, jpeg_quant_table, jpeg_quantize_block, jpeg_dequantize_block) -> np.ndarray:
    """The notebook's jpeg_roundtrip, built from whichever table and block functions are given."""
    from scipy.fft import dctn, idctn

    table = np.asarray(jpeg_quant_table(quality, LUMA))
    h, w = img.shape
    padded = np.pad(np.asarray(img, dtype=np.float64), ((0, -h % 8), (0, -w % 8)), mode="edge") - 128
    coeffs = dctn(images.to_blocks(padded), axes=(-2, -1), norm="ortho")
    coded = np.asarray(jpeg_quantize_block(coeffs, table))
    decoded = idctn(
        np.asarray(jpeg_dequantize_block(coded, table), dtype=np.float64), axes=(-2, -1), norm="ortho"
    )
    return np.clip(np.round(images.from_blocks(decoded)[:h, :w] + 128), 0, 255).astype(np.uint8)


# ------------------------------------------------------------------- follow-through for jpeg_roundtrip


@upstream("jpeg_quant_table", reference=_reference_quant_table)
def quant_table_is_sane(jpeg_quant_table):
    """None when the student's table can serve for follow-through credit, else why not."""
    tables = [np.asarray(jpeg_quant_table(q, LUMA)) for q in (10, 50, 90)]
    if any(t.shape != (8, 8) or t.dtype.kind not in "iu" for t in tables):
        return "jpeg_quant_table does not return an 8 x 8 integer table"
    if any(np.any(t < 1) for t in tables):
        return "jpeg_quant_table has steps below 1"
    if not (np.all(tables[0] >= tables[1]) and np.all(tables[1] >= tables[2])):
        return "jpeg_quant_table's steps do not shrink as the quality grows"
    return None


@upstream("jpeg_quantize_block", reference=_reference_quantize)
def quantize_is_sane(jpeg_quantize_block):
    """The student's quantizer returns integers of the right shape, 0 for 0, monotone, on its own grid."""
    c = np.linspace(-300.0, 300.0, 64 * 5).reshape(5, 8, 8)
    table = np.full((8, 8), 12)
    q = np.asarray(jpeg_quantize_block(c, table))
    if q.shape != c.shape or q.dtype.kind not in "iu":
        return "jpeg_quantize_block does not return integers of the coefficients' shape"
    if np.any(np.asarray(jpeg_quantize_block(np.zeros((8, 8)), table)) != 0):
        return "jpeg_quantize_block does not map 0 to 0"
    if np.any(np.diff(q.ravel()) < 0):
        return "jpeg_quantize_block is not monotone"
    if np.max(np.abs(c - q * table)) > 12:
        return "jpeg_quantize_block's integers are not within a step of F / Q"
    return None


@upstream("jpeg_dequantize_block", reference=_reference_dequantize)
def dequantize_is_sane(jpeg_dequantize_block):
    """The student's dequantizer keeps the shape, maps 0 to 0 and grows with the integer."""
    q = np.arange(-32, 32).reshape(8, 8)
    out = np.asarray(jpeg_dequantize_block(q, np.full((8, 8), 5)))
    if out.shape != q.shape or out.dtype.kind not in "iuf" or not np.all(np.isfinite(out)):
        return "jpeg_dequantize_block does not return finite numbers of the right shape"
    if out[4, 0] != 0 or np.any(np.diff(out.ravel()) <= 0):
        return "jpeg_dequantize_block does not map 0 to 0 and grow with the integer"
    return None


@follow_through("jpeg_roundtrip", uses=("jpeg_quant_table", "jpeg_quantize_block", "jpeg_dequantize_block"))
def roundtrip_with(jpeg_quant_table, jpeg_quantize_block, jpeg_dequantize_block, img, quality):
    """The right answer for any table and block functions: the notebook's pipeline built from them."""
    return _pipeline(img, quality, jpeg_quant_table, jpeg_quantize_block, jpeg_dequantize_block)


# ------------------------------------------------------------------------------------------- q1


@question("q1", points=0.25)
def test_reduce_bit_depth_returns_uint8(student, credit):
    """reduce_bit_depth returns uint8 of the input's shape, for both reconstructions and 1, 4 and 8 bits."""
    img = _PORTRAIT_HALF[:20, :30].copy()
    calls = [("reduce_bit_depth", (img, b), {"reconstruction": r}) for b in (1, 4, 8) for r in ("low", "mid")]
    with prefetched(student, calls):
        for name, args, kwargs in calls:
            with credit.part():
                out = np.asarray(student.call(name, *args, **kwargs))
                assert out.dtype == np.uint8, "reduce_bit_depth should return a uint8 array"
                assert out.shape == img.shape, "reduce_bit_depth should keep the image's shape"


# ------------------------------------------------------------------------------------------- q2


@question("q2", points=0.25)
def test_window_level_matches_pydicom(student, credit):
    """window_level is pydicom's apply_windowing (VOI LUT LINEAR onto 0..255) rounded half up."""
    from pydicom.dataset import Dataset
    from pydicom.pixels import apply_windowing

    hu = data.ct_slice()[::2, ::2].astype(np.float64)  # 64 x 64 real HU values
    for c, w in ((-600, 1500), (40, 400), (400, 1800), (50, 150), (-1000, 2), (300, 1)):
        with credit.part():
            ds = Dataset()
            ds.PhotometricInterpretation, ds.BitsStored, ds.PixelRepresentation = "MONOCHROME2", 8, 0
            ds.WindowCenter, ds.WindowWidth = c, w
            y = apply_windowing(hu.copy(), ds)
            frac = y - np.floor(y)
            safe = np.abs(frac - 0.5) > 1e-6  # pydicom's float y may sit on the other side of a tie
            got = np.asarray(student.call("window_level", hu, c, w))
            assert got.shape == hu.shape, "window_level should keep the shape of its input"
            assert np.array_equal(got[safe].astype(np.int64), np.floor(y[safe] + 0.5).astype(np.int64)), (
                "window_level differs from DICOM's LINEAR window (checked against pydicom) on a CT slice"
            )


@question("q2", points=0.25)
def test_width_one_is_a_threshold(student, credit):
    """Width 1 is a threshold at c - 1/2: uint8, 0 at and below it, 255 above it, no other value."""
    hu = data.ct_slice()[::4, ::4].ravel().astype(np.float64)
    offsets = np.array([-1e6, -1.0, -0.5, -1e-6, 0.0, 1e-6, 0.25, 0.5, 1.0, 1e6])
    centres = (40, 40.5, -1000.25, 0)
    inputs = {c: np.concatenate([(c - 0.5) + offsets, hu]) for c in centres}
    with prefetched(student, [("window_level", (inputs[c], c, 1), {}) for c in centres]):
        for c in centres:
            with credit.part():
                x = inputs[c]
                got = np.asarray(student.call("window_level", x, c, 1))
                assert got.dtype == np.uint8 and got.shape == x.shape, "window_level should return uint8"
                assert np.array_equal(got, np.where(x > c - 0.5, 255, 0)), (
                    "width 1 should be a threshold: 0 up to c - 1/2 included, 255 above"
                )


# ------------------------------------------------------------------------------------------- q4


@question("q4", points=0.25)
def test_bayer_matrix_is_a_permutation_built_by_the_recursion(student, credit):
    """Every index 0..n²-1 once, and each matrix is 4 B_n + [[0, 2], [3, 1]] quarters of the previous."""
    sizes = (1, 2, 4, 8, 16, 32, 64)
    with prefetched(student, [("bayer_matrix", (n,), {}) for n in sizes]):
        got = {n: np.asarray(student.call("bayer_matrix", n)) for n in sizes}
    for n in sizes:
        with credit.part():
            m = got[n]
            assert m.shape == (n, n) and m.dtype.kind in "iu", (
                "bayer_matrix(n) should be an n x n integer array"
            )
            assert np.array_equal(np.sort(m.ravel()), np.arange(n * n)), (
                "bayer_matrix should hold 0..n*n-1 once each"
            )
            if n > 1:
                half = got[n // 2].astype(np.int64)
                quarters = (
                    m[: n // 2, : n // 2],
                    m[: n // 2, n // 2 :],
                    m[n // 2 :, : n // 2],
                    m[n // 2 :, n // 2 :],
                )
                for quarter, offset in zip(quarters, (0, 2, 3, 1), strict=True):
                    assert np.array_equal(quarter, 4 * half + offset), (
                        "bayer_matrix does not follow the recursion"
                    )


# ------------------------------------------------------------------------------------------- q5


@question("q5", points=0.25)
def test_ordered_dither_keeps_tile_means(student, credit):
    """On constant images every tile of the output averages to the input, to 1/n² of a level step."""
    bayer = np.array([[0, 8, 2, 10], [12, 4, 14, 6], [3, 11, 1, 9], [15, 7, 13, 5]])
    values = np.arange(0, 256, 3, dtype=np.uint8)
    img = np.repeat(np.repeat(values.reshape(-1, 1), 4, axis=0), 8, axis=1)  # one 4-row band per value
    for n_bits in (1, 2, 3):
        with credit.part():
            out = np.asarray(student.call("ordered_dither", img, n_bits, bayer), dtype=np.float64)
            assert out.shape == img.shape, "ordered_dither should keep the image's shape"
            assert np.all(np.isin(out, _grid(n_bits))), "ordered_dither's outputs should lie on the grid"
            tiles = images.to_blocks(out, 4).mean(axis=(-2, -1))[:, 0]
            step = 255 / (2**n_bits - 1)
            # floor(u + t) over the 16 thresholds averages to u within 1/32 step, plus the grid's rounding.
            assert np.all(np.abs(tiles - values) <= step / 16 + 0.5 + 1e-9), (
                "a tile of a constant image does not average to the input grey"
            )


# ------------------------------------------------------------------------------------------- q6


def _fs_calls(n_bits_list, serpentine=False):
    return [
        ("floyd_steinberg", (img, b), {"serpentine": serpentine})
        for img in FS_CROPS.values()
        for b in n_bits_list
    ]


@question("q6", points=0.25)
def test_floyd_steinberg_outputs_lie_on_the_grid(student, credit):
    """uint8 of the image's shape, every value one of the 2**b levels round(k * 255 / (2**b - 1))."""
    calls = _fs_calls((1, 2, 4))
    with prefetched(student, calls):
        for _name, (img, b), kwargs in calls:
            with credit.part():
                out = np.asarray(student.call("floyd_steinberg", img, b, **kwargs))
                assert out.shape == img.shape and out.dtype == np.uint8, (
                    "floyd_steinberg should return uint8 of the image's shape"
                )
                assert np.all(np.isin(out, _grid(b))), "floyd_steinberg's outputs should lie on the grid"


@question("q6", points=0.5)
def test_floyd_steinberg_keeps_local_means(student, credit):
    """The mean of every 8 x 8 window of the output is the input's mean, to a small part of a level step."""
    calls = _fs_calls((1, 2, 3))
    with prefetched(student, calls):
        for _name, (img, b), kwargs in calls:
            with credit.part():
                out = np.asarray(student.call("floyd_steinberg", img, b, **kwargs), dtype=np.float64)
                h, w = (img.shape[0] // 8) * 8, (img.shape[1] // 8) * 8
                diff = images.to_blocks(out[:h, :w] - img[:h, :w], 8).mean(axis=(-2, -1)) / (255 / (2**b - 1))
                assert np.max(np.abs(diff)) <= WINDOW_MAX and np.sqrt(np.mean(diff**2)) <= WINDOW_RMS, (
                    "8 x 8 window means of the output drift from the input's: "
                    "is all of every error passed on?"
                )


@question("q6", points=0.5)
def test_floyd_steinberg_error_is_high_pass(student, credit):
    """The error (output - input) has far more power at high spatial frequencies than at low ones."""
    calls = _fs_calls((2, 3))
    with prefetched(student, calls):
        for _name, (img, b), kwargs in calls:
            with credit.part():
                out = np.asarray(student.call("floyd_steinberg", img, b, **kwargs), dtype=np.float64)
                f, p = images.radial_power_spectrum(out - img, 16)
                ratio = np.nanmean(p[f > 0.35]) / np.nanmean(p[f < 0.1])
                assert ratio >= HIGH_PASS_RATIO, "the error is not pushed to high spatial frequencies"


@question("q6", points=0.25)
def test_floyd_steinberg_looks_like_the_reference_from_afar(student, credit):
    """Blurred (sigma 1.5 px), the output is close to the blurred output of the reference."""
    calls = _fs_calls((2, 3)) + _fs_calls((2,), serpentine=True)
    with prefetched(student, calls):
        for _name, (img, b), kwargs in calls:
            with credit.part():
                out = np.asarray(student.call("floyd_steinberg", img, b, **kwargs))
                ref = _reference_floyd_steinberg(img, b, kwargs["serpentine"])
                assert _psnr(_blur(out), _blur(ref)) >= BLUR_PSNR_DB, (
                    "blurred, the result is far from the reference's"
                )


@question("q6", points=0.25)
def test_serpentine_changes_the_scan_order_only(student, credit):
    """Serpentine keeps the first row, is the raster result on one-row images, and differs on the others."""
    img = FS_CROPS["face"]
    one_row = img[:1]
    with prefetched(
        student,
        [("floyd_steinberg", (x, 2), {"serpentine": s}) for x in (img, one_row) for s in (False, True)],
    ):
        raster = np.asarray(student.call("floyd_steinberg", img, 2, serpentine=False))
        serp = np.asarray(student.call("floyd_steinberg", img, 2, serpentine=True))
        raster_1 = np.asarray(student.call("floyd_steinberg", one_row, 2, serpentine=False))
        serp_1 = np.asarray(student.call("floyd_steinberg", one_row, 2, serpentine=True))
    with credit.part():
        assert np.array_equal(raster[0], serp[0]), "serpentine scanning should not change the first row"
    with credit.part():
        assert np.array_equal(raster_1, serp_1), "on a one-row image serpentine and raster order are the same"
    with credit.part():
        assert np.mean(raster != serp) > 0.05, "serpentine=True should change the scan order of odd rows"


# ------------------------------------------------------------------------------------------- q8


def _pixel_sample(n: int, seed: int) -> np.ndarray:
    rng = np.random.default_rng(seed)
    pixels = _RGB_HALF.reshape(-1, 3)
    return pixels[rng.choice(len(pixels), n, replace=False)].astype(np.float64)


@question("q8", points=0.5)
def test_kmeans_labels_are_the_nearest_colours(student, credit):
    """Every returned label is the nearest returned palette colour (up to rounding of equal distances)."""
    x = _pixel_sample(3000, 81)
    rng = np.random.default_rng(82)
    runs = [(k, n_iter, x[rng.choice(len(x), k, replace=False)]) for k in (4, 16) for n_iter in (0, 2, 40)]
    with prefetched(student, [("kmeans_palette", (x, k, n_iter, init), {}) for k, n_iter, init in runs]):
        for k, n_iter, init in runs:
            with credit.part():
                palette, labels = student.call("kmeans_palette", x, k, n_iter, init)
                palette, labels = np.asarray(palette, dtype=np.float64), np.asarray(labels)
                assert palette.shape == (k, 3) and labels.shape == (len(x),), (
                    "kmeans_palette returns (k, 3) and (N,)"
                )
                assert labels.dtype.kind in "iu" and labels.min() >= 0 and labels.max() < k, (
                    "labels must be 0..k-1"
                )
                _, d = _nearest(x, palette)
                chosen = d[np.arange(len(x)), labels]
                assert np.all(chosen <= d.min(axis=1) * (1 + 1e-9) + 1e-9), (
                    "some labels are not the nearest colour"
                )


@question("q8", points=0.5)
def test_kmeans_centres_are_the_means_at_convergence(student, credit):
    """Run to convergence, every used palette colour is the mean of its pixels (the centroid condition)."""
    for seed, k in ((83, 4), (84, 8), (85, 16)):
        with credit.part():
            x = _pixel_sample(2000, seed)
            init = x[np.random.default_rng(seed).choice(len(x), k, replace=False)]
            palette, labels = student.call("kmeans_palette", x, k, 500, init)
            palette, labels = np.asarray(palette, dtype=np.float64), np.asarray(labels)
            for j in range(k):
                if np.any(labels == j):
                    assert np.allclose(palette[j], x[labels == j].mean(axis=0), rtol=1e-9, atol=1e-9), (
                        "at convergence a palette colour should be the mean of its pixels"
                    )


@question("q8", points=0.5)
def test_kmeans_distortion_close_to_the_reference(student, credit):
    """From the same start and the same number of iterations, the error is within 2 % of the reference's."""
    x = _pixel_sample(5000, 86)
    for k, n_iter in ((4, 20), (16, 20), (32, 10)):
        with credit.part():
            init = x[np.random.default_rng(k).choice(len(x), k, replace=False)]
            palette, labels = student.call("kmeans_palette", x, k, n_iter, init)
            ref_palette, ref_labels = _reference_kmeans(x, k, n_iter, init)
            mse = np.mean((x - np.asarray(palette, dtype=np.float64)[np.asarray(labels)]) ** 2)
            ref_mse = np.mean((x - ref_palette[ref_labels]) ** 2)
            assert mse <= ref_mse * (1 + KMEANS_DISTORTION_SLACK), (
                "the palette's error is well above the reference's"
            )


@question("q8", points=0.25)
def test_kmeans_from_median_cut_is_no_worse_than_median_cut(student, credit):
    """Started from Pillow's median-cut palette, k-means never does worse than median cut itself."""
    for k in (8, 32):
        with credit.part():
            palette_mc, labels_mc = images.pillow_palette(_RGB_HALF, k, "median_cut")
            x = _RGB_HALF.reshape(-1, 3).astype(np.float64)[::4]
            mc_mse = np.mean((x - palette_mc[labels_mc.reshape(-1)[::4]]) ** 2)
            # Pillow's palette is uint8, and the notebook passes it as it is: the centres must
            # still become float64 means (working on init itself would keep them integers).
            palette, labels = student.call("kmeans_palette", x, len(palette_mc), 10, palette_mc)
            mse = np.mean((x - np.asarray(palette, dtype=np.float64)[np.asarray(labels)]) ** 2)
            assert mse <= mc_mse + 1e-9, "k-means started from median cut should not be worse than median cut"


@question("q8", points=0.25)
def test_kmeans_keeps_the_order_of_init(student, credit):
    """Permuting the rows of init permutes the returned palette (and the labels) the same way."""
    # (Whether init is modified in place cannot be seen from here: the arguments are copied into the
    # student's kernel. The notebook's text asks for it; it is not graded.)
    x = _pixel_sample(1500, 87)
    init = x[:6].copy()
    for order in ([1, 0, 2, 3, 4, 5], [5, 4, 3, 2, 1, 0]):
        with credit.part():
            palette, labels = student.call("kmeans_palette", x, 6, 15, init)
            palette_p, labels_p = student.call("kmeans_palette", x, 6, 15, init[order])
            p, q = np.asarray(palette, dtype=np.float64), np.asarray(palette_p, dtype=np.float64)
            assert np.allclose(q, p[order], rtol=1e-9, atol=1e-9), (
                "the palette should follow the order of init"
            )
            assert np.array_equal(np.asarray(order)[np.asarray(labels_p)], np.asarray(labels)), (
                "the labels should follow the order of init"
            )


# ------------------------------------------------------------------------------------------- q9


@question("q9", points=0.5)
def test_quant_table_is_what_pillow_writes_at_every_quality(student, credit):
    """For every quality 1..100, both Annex K tables equal the ones Pillow's libjpeg writes into a file."""
    from PIL import Image

    rgb = (np.arange(16 * 16 * 3) % 251).astype(np.uint8).reshape(16, 16, 3)
    calls = [("jpeg_quant_table", (q, base), {}) for q in range(1, 101) for base in (LUMA, CHROMA)]
    with prefetched(student, calls):
        for q in range(1, 101):
            buf = io.BytesIO()
            Image.fromarray(rgb).save(buf, "JPEG", quality=q)
            buf.seek(0)
            with Image.open(buf) as written:
                tables = {k: np.array(v).reshape(8, 8) for k, v in written.quantization.items()}
            for slot, base in ((0, LUMA), (1, CHROMA)):
                with credit.part():
                    got = np.asarray(student.call("jpeg_quant_table", q, base))
                    assert got.shape == (8, 8) and np.array_equal(got, tables[slot]), (
                        "the table differs from the one libjpeg writes at some quality"
                    )


# ------------------------------------------------------------------------------------------- q10


@question("q10", points=0.25)
def test_quantizer_properties(student, credit):
    """Integers, odd symmetry, within half a step; dequantization is float64 F_Q * Q."""
    rng = np.random.default_rng(101)
    c = rng.laplace(0, 40, (6, 8, 8))
    table = _reference_quant_table(30, LUMA)
    with prefetched(
        student, [("jpeg_quantize_block", (c, table), {}), ("jpeg_quantize_block", (-c, table), {})]
    ):
        q = np.asarray(student.call("jpeg_quantize_block", c, table))
        q_neg = np.asarray(student.call("jpeg_quantize_block", -c, table))
    with credit.part():
        assert q.dtype.kind in "iu" and q.shape == c.shape, (
            "jpeg_quantize_block should return integers of the same shape"
        )
    with credit.part():
        assert np.array_equal(q_neg, -q), "quantizing -F should give minus the integers of F"
    with credit.part():
        assert np.all(np.abs(c - q * table) <= table / 2 + 1e-9), (
            "every coefficient should be within half a step"
        )
    with credit.part():
        back = np.asarray(student.call("jpeg_dequantize_block", q, table))
        assert back.dtype == np.float64 and np.array_equal(back, q * table.astype(np.float64)), (
            "jpeg_dequantize_block should return the float64 products F_Q * Q"
        )


# ------------------------------------------------------------------------------------------- q11

_JPEG_IMAGES = {
    "face": images.to_grey(data.grace_hopper())[104:168, 150:222],  # 64 x 72
    "border": images.to_grey(data.grace_hopper())[300:343, 20:77],  # 43 x 57: not multiples of 8
    "saturated": np.clip(
        images.to_grey(data.grace_hopper())[420:484, 200:264].astype(int) * 3 - 200, 0, 255
    ).astype(np.uint8),
}
_ROUNDTRIP_USES = ("jpeg_quant_table", "jpeg_quantize_block", "jpeg_dequantize_block")


@question("q11", points=0.25, uses=_ROUNDTRIP_USES)
def test_roundtrip_psnr_close_to_the_pipeline(
    student, jpeg_quant_table, jpeg_quantize_block, jpeg_dequantize_block, credit
):
    """At qualities 10, 50 and 90 the PSNR is within 0.5 dB of the notebook's pipeline."""
    img = _JPEG_IMAGES["face"]
    with prefetched(student, [("jpeg_roundtrip", (img, q), {}) for q in (10, 50, 90)]):
        for q in (10, 50, 90):
            with credit.part():
                got = np.asarray(student.call("jpeg_roundtrip", img, q))
                ref = _pipeline(img, q, jpeg_quant_table, jpeg_quantize_block, jpeg_dequantize_block)
                assert got.shape == img.shape, "jpeg_roundtrip should keep the image's shape"
                assert abs(_psnr(img, got) - _psnr(img, ref)) <= JPEG_PSNR_DB, (
                    "the PSNR is far from the pipeline's"
                )


@question("q11", points=0.25, uses=_ROUNDTRIP_USES)
def test_roundtrip_agrees_with_the_pipeline(
    student, jpeg_quant_table, jpeg_quantize_block, jpeg_dequantize_block, credit
):
    """95 % of the pixels within one grey level of the pipeline, also where it saturates at 0 and 255."""
    for name in ("face", "saturated"):
        img = _JPEG_IMAGES[name]
        for q in (25, 75):
            with credit.part():
                got = np.asarray(student.call("jpeg_roundtrip", img, q)).astype(np.int64)
                ref = _pipeline(img, q, jpeg_quant_table, jpeg_quantize_block, jpeg_dequantize_block).astype(
                    np.int64
                )
                assert got.shape == img.shape, "jpeg_roundtrip should keep the image's shape"
                assert np.mean(np.abs(got - ref) <= 1) >= JPEG_AGREE_FRACTION, (
                    "too many pixels differ from the pipeline (level shift, rounding, clipping?)"
                )


@question("q11", points=0.25, uses=_ROUNDTRIP_USES)
def test_roundtrip_border_rule(student, jpeg_quant_table, jpeg_quantize_block, jpeg_dequantize_block, credit):
    """On an image whose size is not a multiple of 8, the last rows and columns follow the edge padding."""
    img = _JPEG_IMAGES["border"]
    for q in (30, 80):
        with credit.part():
            got = np.asarray(student.call("jpeg_roundtrip", img, q)).astype(np.int64)
            ref = _pipeline(img, q, jpeg_quant_table, jpeg_quantize_block, jpeg_dequantize_block).astype(
                np.int64
            )
            assert got.shape == img.shape, "jpeg_roundtrip should crop the padding off"
            border = np.zeros(img.shape, dtype=bool)
            border[40:, :] = True
            border[:, 56:] = True
            assert np.mean(np.abs(got - ref)[border] <= 1) >= JPEG_AGREE_FRACTION, (
                "the last partial blocks differ from edge padding (repeat the last row and column)"
            )


@question("q11", points=0.25)
def test_roundtrip_shapes_and_dtype(student, credit):
    """Any size in, uint8 of the same size out (1 x 1, 7 x 9, 8 x 8, 17 x 33)."""
    for shape in ((1, 1), (7, 9), (8, 8), (17, 33)):
        with credit.part():
            img = (np.arange(np.prod(shape)) * 37 % 256).astype(np.uint8).reshape(shape)
            got = np.asarray(student.call("jpeg_roundtrip", img, 60))
            assert got.shape == shape and got.dtype == np.uint8, (
                "jpeg_roundtrip should return uint8 of the image's size"
            )
