"""Tests for quantkit.metrics against closed forms.

Reference values and where they come from:

* A sine ``A sin(2 pi k n / N)`` over a whole number ``k`` of periods (0 < k < N/2) has
  ``sum x**2 = N A**2 / 2`` exactly (orthogonality of the DFT basis), i.e. mean power ``A**2 / 2``.
* A "noise" of alternating ``+sigma, -sigma`` has mean power exactly ``sigma**2``.
  Hence SNR = 10 log10(A**2 / (2 sigma**2)).
* PSNR = 10 log10(data_range**2 / MSE) with data_range = 255 for uint8 (the dtype's max - min, the
  convention of scikit-image's ``peak_signal_noise_ratio``): an error of 1 on every pixel gives MSE 1 and
  PSNR = 20 log10(255) = 48.1308... dB.
* SSIM: Wang, Bovik, Sheikh and Simoncelli (2004), eq. (13) with C1 = (0.01 L)², C2 = (0.03 L)² and a
  Gaussian window of sigma 1.5, written out below with scipy's Gaussian filter (truncated at 3.5 sigma:
  an 11 x 11 window) and the map averaged away from a 5-pixel border, as scikit-image does.
* Entropy: two equally likely symbols carry 1 bit, eight carry 3 bits (Shannon 1948).
"""

from __future__ import annotations

import math

import numpy as np
import pytest

from quantkit.metrics import max_abs_error, mse, psnr, snr_db, sqnr_db, ssim

SHAPES = [(1000,), (10, 100), (5, 8, 25)]


def _sine_and_square_noise(amplitude: float, sigma: float, shape: tuple[int, ...]):
    n = np.arange(1000)
    x = amplitude * np.sin(2 * np.pi * 7 * n / 1000)  # 7 whole periods
    noise = sigma * np.where(n % 2 == 0, 1.0, -1.0)  # mean power exactly sigma**2
    return x.reshape(shape), (x + noise).reshape(shape)


# --- mse and max_abs_error ------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.int8, np.int16, np.int32, np.int64, np.float16, np.float32, np.float64])
@pytest.mark.parametrize("shape", SHAPES)
def test_mse_and_max_error_of_alternating_error(dtype, shape):
    """An error of +-3 everywhere has MSE 9 and maximum 3, whatever the dtype and shape."""
    size = math.prod(shape)
    ref = np.zeros(shape, dtype=dtype)
    test = (3 * np.where(np.arange(size) % 2 == 0, 1, -1)).reshape(shape).astype(dtype)
    assert mse(ref, test) == 9.0
    assert max_abs_error(ref, test) == 3.0


@pytest.mark.parametrize("dtype", [np.uint8, np.uint16, np.uint32])
def test_unsigned_difference_does_not_wrap(dtype):
    """0 versus the dtype's max is an error of max, not of 1 (uint arithmetic would wrap around)."""
    top = np.iinfo(dtype).max
    ref = np.zeros(4, dtype=dtype)
    test = np.full(4, top, dtype=dtype)
    assert mse(ref, test) == float(top) ** 2
    assert max_abs_error(test, ref) == float(top)


def test_mse_of_identical_arrays_is_zero_and_bool_is_accepted():
    """Identical inputs give 0; bool arrays count as 0/1 (one flip in four: MSE 1/4)."""
    a = np.array([True, False, True, False])
    assert mse(a, a) == 0.0
    assert mse(a, np.array([True, False, True, True])) == 0.25


def test_mse_accepts_lists_and_scalars():
    """Plain lists and 0-d input work (a single value is a valid, non-empty array)."""
    assert mse([1, 2, 3], [1, 2, 5]) == pytest.approx(4 / 3, rel=1e-15)
    assert mse(2.0, 5.0) == 9.0


# --- snr_db / sqnr_db -----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize(("amplitude", "sigma"), [(1.0, 0.01), (0.5, 0.1), (3.0, 1.0), (1.0, 2.0)])
def test_snr_of_sine_with_known_noise_power(amplitude, sigma, shape):
    """SNR = 10 log10(A**2 / (2 sigma**2)) for a sine of amplitude A and noise power sigma**2."""
    x, noisy = _sine_and_square_noise(amplitude, sigma, shape)
    expected = 10 * math.log10(amplitude**2 / (2 * sigma**2))
    assert snr_db(x, noisy) == pytest.approx(expected, abs=1e-10)
    assert sqnr_db(x, noisy) == snr_db(x, noisy)


@pytest.mark.parametrize(("dtype", "tol_db"), [(np.float32, 1e-4), (np.float64, 1e-10)])
def test_snr_in_other_float_dtypes(dtype, tol_db):
    """float32 input is computed in float64; the only error left is float32 rounding of the data."""
    x, noisy = _sine_and_square_noise(1.0, 0.01, (1000,))
    expected = 10 * math.log10(1 / (2 * 0.01**2))  # 36.9897 dB
    assert snr_db(x.astype(dtype), noisy.astype(dtype)) == pytest.approx(expected, abs=tol_db)


def test_snr_integer_input():
    """Integer signal 4*(+-1) with error +-1: power ratio 16, i.e. 10 log10(16) = 12.041 dB."""
    ref = np.array([4, -4, 4, -4], dtype=np.int16)
    test = np.array([5, -5, 3, -3], dtype=np.int16)
    assert snr_db(ref, test) == pytest.approx(10 * math.log10(16), abs=1e-12)


def test_snr_is_infinite_when_equal_and_minus_infinite_without_signal():
    """No noise gives +inf (also for an all-zero signal reproduced exactly); no signal gives -inf."""
    x = np.array([0.5, -0.25, 1.0])
    assert snr_db(x, x) == math.inf
    assert sqnr_db(np.zeros(3), np.zeros(3)) == math.inf
    assert snr_db(np.zeros(3), x) == -math.inf


def test_snr_sign_convention():
    """The reference is the signal: swapping the arguments changes the result."""
    ref = np.array([2.0, -2.0])
    test = np.array([1.0, -1.0])
    assert snr_db(ref, test) == pytest.approx(10 * math.log10(8 / 2), abs=1e-12)
    assert snr_db(test, ref) == pytest.approx(10 * math.log10(2 / 2), abs=1e-12)


# --- psnr ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(8, 8), (4, 6, 3)])
def test_psnr_uint8_off_by_one_everywhere(shape):
    """Every pixel off by one: MSE 1, PSNR = 20 log10(255) = 48.1308 dB."""
    ref = np.full(shape, 100, dtype=np.uint8)
    test = ref + np.uint8(1)
    assert psnr(ref, test) == pytest.approx(20 * math.log10(255), abs=1e-12)
    assert psnr(ref, test) == pytest.approx(48.1308036, abs=1e-6)


def test_psnr_uint8_error_on_a_quarter_of_the_pixels():
    """Error 16 on 1/4 of the pixels: MSE = 256/4 = 64, PSNR = 20 log10(255/8) = 30.0692 dB."""
    ref = np.zeros((8, 8), dtype=np.uint8)
    test = ref.copy()
    test[:4, :4] = 16
    assert psnr(ref, test) == pytest.approx(20 * math.log10(255 / 8), abs=1e-12)


def test_psnr_uint8_full_scale_error_is_zero_db_without_wraparound():
    """0 against 255 everywhere: MSE 255**2 so PSNR 0 dB (uint8 subtraction would give 1)."""
    ref = np.zeros((3, 3), dtype=np.uint8)
    assert psnr(ref, np.full((3, 3), 255, np.uint8)) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize(
    ("dtype", "data_range"),
    [(np.uint16, 65535.0), (np.int8, 255.0), (np.int16, 65535.0), (np.bool_, 1.0)],
)
def test_psnr_infers_range_from_integer_dtype(dtype, data_range):
    """data_range defaults to the dtype's max - min (scikit-image's convention); error 1 on 1/4."""
    ref = np.zeros(4, dtype=dtype)
    test = np.array([1, 0, 0, 0]).astype(dtype)
    assert psnr(ref, test) == pytest.approx(10 * math.log10(data_range**2 / 0.25), abs=1e-9)


def test_psnr_float_needs_data_range():
    """A float reference has no natural range: omitting data_range is an error; with it, closed form."""
    ref = np.zeros((4, 4))
    test = np.full((4, 4), 0.1)
    with pytest.raises(ValueError, match="data_range is required"):
        psnr(ref, test)
    assert psnr(ref, test, data_range=1.0) == pytest.approx(20.0, abs=1e-12)  # 10 log10(1/0.01)
    assert psnr(ref, test, data_range=255) == pytest.approx(20 * math.log10(2550), abs=1e-12)


def test_psnr_identical_is_infinite_and_range_override():
    """Equal images give inf; an explicit data_range wins over the dtype's."""
    img = np.arange(16, dtype=np.uint8).reshape(4, 4)
    assert psnr(img, img) == math.inf
    assert psnr(img, img + np.uint8(1), data_range=1.0) == pytest.approx(0.0, abs=1e-12)


@pytest.mark.parametrize("bad", [0, -1.0, math.inf, math.nan])
def test_psnr_rejects_bad_data_range(bad):
    """data_range must be positive and finite."""
    with pytest.raises(ValueError, match="data_range must be a positive finite number"):
        psnr(np.zeros(3), np.ones(3), data_range=bad)


# --- input validation -----------------------------------------------------------------------------

ALL = [mse, max_abs_error, snr_db, sqnr_db, lambda a, b: psnr(a, b, data_range=1.0)]


@pytest.mark.parametrize("metric", ALL)
def test_shape_mismatch_names_both_shapes(metric):
    """No broadcasting: (3,) against (1, 3) is refused and both shapes are in the message."""
    with pytest.raises(ValueError, match=r"\(3,\).*\(1, 3\)"):
        metric(np.zeros(3), np.zeros((1, 3)))


@pytest.mark.parametrize("metric", ALL)
def test_empty_input_is_refused(metric):
    """A metric of nothing is undefined."""
    with pytest.raises(ValueError, match="empty"):
        metric(np.zeros(0), np.zeros(0))


@pytest.mark.parametrize("metric", ALL)
@pytest.mark.parametrize("bad", [math.nan, math.inf])
def test_non_finite_input_is_refused(metric, bad):
    """NaN or inf in the test array is reported, with the count."""
    with pytest.raises(ValueError, match="NaN or infinite values \\(1 of 3\\)"):
        metric(np.zeros(3), np.array([0.0, bad, 0.0]))


@pytest.mark.parametrize("metric", ALL)
@pytest.mark.parametrize("bad", [np.array([1j, 2, 3]), np.array(["a", "b", "c"]), [None, 1, 2]])
def test_non_real_input_is_a_type_error(metric, bad):
    """Complex, strings and objects are not real numbers."""
    with pytest.raises(TypeError, match="real numbers"):
        metric(np.zeros(3), bad)


# --- segmental_snr_db -----------------------------------------------------------------------------


def test_segmental_snr_of_a_scaled_copy_is_the_scale():
    """y = a x gives 20 log10(1 / |1 - a|) in every frame (closed form)."""
    from quantkit.metrics import segmental_snr_db

    x = np.sin(np.arange(1600) / 3.0)
    assert segmental_snr_db(x, 0.9 * x) == pytest.approx(20.0, abs=1e-9)
    assert segmental_snr_db(x, 0.99 * x, frame=100) == pytest.approx(35.0)  # 40 dB clipped to 35
    assert segmental_snr_db(x, x) == 35.0  # exact frames count as the upper limit
    assert segmental_snr_db(x, -2 * x) == pytest.approx(-9.542425094, abs=1e-9)  # 20 log10(1/3)
    assert segmental_snr_db(x, 10 * x) == -10.0  # clipped below


def test_segmental_snr_skips_silence_and_weights_frames_equally():
    from quantkit.metrics import segmental_snr_db, snr_db

    loud = np.sin(np.arange(160) / 3.0)
    quiet = 0.01 * loud
    x = np.concatenate([loud, quiet, np.zeros(160), loud[:50]])  # the last 50 samples are dropped
    noise = np.concatenate([0.1 * loud, 0.01 * quiet, 0.001 * np.ones(160), np.zeros(50)])
    # frame 1: 20 dB, frame 2: 40 dB -> 35, frame 3 silent (left out): mean 27.5
    assert segmental_snr_db(x, x + noise) == pytest.approx(27.5, abs=1e-9)
    # The global SNR is set by the loud frame: sums over all samples, written out.
    e_loud = float(np.sum(loud**2))
    expected = 10 * np.log10(
        (e_loud * (1 + 1e-4) + float(np.sum(loud[:50] ** 2))) / (e_loud * (0.01 + 1e-8) + 160e-6)
    )
    assert snr_db(x, x + noise) == pytest.approx(expected, abs=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"frame": 0}, "frame"),
        ({"frame": 2.5}, "frame"),
        ({"clip_db": (10.0, 0.0)}, "clip_db"),
        ({"silence_db": 20.0}, "no frame"),
        ({"frame": 10_000}, "shorter than one frame"),
    ],
)
def test_segmental_snr_bad_arguments(kwargs, match):
    from quantkit.metrics import segmental_snr_db

    x = np.sin(np.arange(1600) / 3.0)
    with pytest.raises(ValueError, match=match):
        segmental_snr_db(x, 0.5 * x, **kwargs)


def test_segmental_snr_needs_1d():
    from quantkit.metrics import segmental_snr_db

    with pytest.raises(ValueError, match="1-D"):
        segmental_snr_db(np.ones((4, 160)), np.ones((4, 160)))


def test_metrics_docstring_examples_run():
    import doctest

    from quantkit import metrics

    failures, tried = doctest.testmod(metrics, verbose=False)
    assert tried >= 1 and failures == 0
# --- rms_dbfs ---------------------------------------------------------------------------------------


def test_rms_dbfs_of_full_scale_sine_square_and_silence():
    """A full-scale sine reads 20 log10(1/sqrt(2)) = -3.01 dB, a full-scale square 0 dB, silence -inf."""
    from quantkit.metrics import rms_dbfs

    t = np.arange(4000) / 4000
    assert rms_dbfs(np.sin(2 * np.pi * 10 * t)) == pytest.approx(20 * math.log10(1 / math.sqrt(2)), abs=1e-12)
    assert rms_dbfs(np.sign(np.sin(2 * np.pi * 10 * t + 0.1))) == pytest.approx(0.0, abs=1e-12)
    assert rms_dbfs(np.zeros(5)) == -math.inf
    assert rms_dbfs(np.array([[0.5, -0.5]], dtype=np.float32)) == pytest.approx(20 * math.log10(0.5))
    with pytest.raises(ValueError):
        rms_dbfs([])
    with pytest.raises(TypeError):
        rms_dbfs(["a"])


# --- ssim and entropy -----------------------------------------------------------------------------


def _ssim_wang(x: np.ndarray, y: np.ndarray, data_range: float) -> float:
    """Wang et al. (2004), eq. (13), with a Gaussian window (sigma 1.5) and population statistics."""
    from scipy.ndimage import gaussian_filter

    def g(a: np.ndarray) -> np.ndarray:
        return gaussian_filter(a, 1.5, truncate=3.5, mode="reflect")

    x, y = x.astype(np.float64), y.astype(np.float64)
    c1, c2 = (0.01 * data_range) ** 2, (0.03 * data_range) ** 2
    mx, my = g(x), g(y)
    vx, vy, cxy = g(x * x) - mx**2, g(y * y) - my**2, g(x * y) - mx * my
    s = ((2 * mx * my + c1) * (2 * cxy + c2)) / ((mx**2 + my**2 + c1) * (vx + vy + c2))
    return float(s[5:-5, 5:-5].mean())


@pytest.mark.parametrize("dtype", [np.uint8, np.float64])
def test_ssim_is_the_formula_of_wang_et_al(dtype):
    rng = np.random.default_rng(7)
    ref = rng.integers(0, 256, (48, 40)).astype(dtype)
    noisy = np.clip(ref + rng.normal(0, 20, ref.shape), 0, 255).astype(dtype)
    got = ssim(ref, noisy, data_range=255.0)
    assert got == pytest.approx(_ssim_wang(ref, noisy, 255.0), abs=1e-9)
    assert ssim(ref, ref, data_range=255.0) == pytest.approx(1.0, abs=1e-12)
    assert ssim(noisy, ref, data_range=255.0) == pytest.approx(got, abs=1e-12)  # symmetric


def test_ssim_sees_structure_that_psnr_misses():
    """A brightness shift and white noise of the same MSE: same PSNR, very different SSIM."""
    y, x = np.mgrid[0:64, 0:64]
    ref = (128 + 60 * np.sin(x / 5.0) * np.cos(y / 7.0)).astype(np.uint8)
    shifted = (ref.astype(int) + 10).astype(np.uint8)  # MSE exactly 100 (no clipping: max is 188)
    rng = np.random.default_rng(8)
    noisy = np.clip(np.round(ref + rng.choice([-10, 10], ref.shape)), 0, 255).astype(np.uint8)
    assert mse(ref, shifted) == mse(ref, noisy) == 100.0
    assert psnr(ref, shifted) == psnr(ref, noisy)
    assert ssim(ref, shifted) > 0.95 > 0.8 > ssim(ref, noisy)


def test_ssim_rgb_and_errors():
    rng = np.random.default_rng(9)
    rgb = rng.integers(0, 256, (16, 16, 3), dtype=np.uint8)
    other = rgb.copy()
    other[..., 0] = 255 - other[..., 0]
    per_channel = [ssim(rgb[..., c], other[..., c]) for c in range(3)]
    assert ssim(rgb, other) == pytest.approx(np.mean(per_channel), abs=1e-12)
    with pytest.raises(ValueError, match="data_range"):
        ssim(np.zeros((8, 8)), np.zeros((8, 8)))
    with pytest.raises(ValueError, match="at least 7 x 7"):
        ssim(np.zeros((5, 5), np.uint8), np.zeros((5, 5), np.uint8))
