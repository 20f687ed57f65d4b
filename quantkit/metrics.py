"""Error and fidelity metrics: MSE, maximum error, SNR / SQNR, PSNR, SSIM, segmental SNR and levels in dB.

Every metric compares a *reference* (the original signal or image) with a *test* version of it (the
quantized, compressed or reconstructed one). Both must have exactly the same shape (no broadcasting),
contain at least one value, and be numeric (bool, integer, unsigned or float; complex is refused). The
arithmetic is always done in float64, so an 8-bit image difference never wraps around.

Definitions (with ``e = reference - test`` and sums over every element):

* ``mse = mean(e**2)``
* ``max_abs_error = max(|e|)``
* ``snr_db = 10 log10( sum(reference**2) / sum(e**2) )``
* ``sqnr_db(x, xq)`` is ``snr_db(x, xq)``: the same ratio, named for quantization
* ``psnr = 10 log10( data_range**2 / mse )``
* ``ssim``: the structural similarity index of Wang et al. (2004), computed by scikit-image
* ``segmental_snr_db``: the mean of per-frame SNRs (each clipped to [-10, 35] dB) over the frames
  that are not silent, the usual measure for speech coders
* ``rms_dbfs(x) = 20 log10( sqrt(mean(x**2)) )``: a level relative to full scale 1.0 (one signal, no
  reference)

Used in: notebooks/01_sampling_quantization.ipynb, notebooks/02_audio.ipynb, notebooks/03_images.ipynb,
    notebooks/05_optimal_quantization.ipynb
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["max_abs_error", "mse", "psnr", "rms_dbfs", "segmental_snr_db", "snr_db", "sqnr_db", "ssim"]


def _as_numeric(values: ArrayLike, name: str) -> np.ndarray:
    """Convert ``values`` to a float64 array, refusing non-numeric, empty or non-finite input."""
    try:
        arr = np.asarray(values)
    except Exception as exc:  # ragged lists and the like
        raise TypeError(f"{name} could not be turned into a numeric array: {exc}") from exc
    if arr.dtype.kind not in "biuf":
        raise TypeError(
            f"{name} must hold real numbers (bool, integer or float), got an array of dtype {arr.dtype}"
        )
    if arr.size == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape}); a metric needs at least one value")
    out = arr.astype(np.float64)
    bad = ~np.isfinite(out)
    if bad.any():
        raise ValueError(
            f"{name} contains NaN or infinite values ({int(bad.sum())} of {out.size}); "
            "a metric over them would be meaningless"
        )
    return out


def _pair(reference: ArrayLike, test: ArrayLike) -> tuple[np.ndarray, np.ndarray]:
    """Validate a (reference, test) pair and return both as float64 arrays of one shape."""
    ref = _as_numeric(reference, "reference")
    tst = _as_numeric(test, "test")
    if ref.shape != tst.shape:
        raise ValueError(
            f"reference and test must have the same shape, got reference shape {ref.shape} "
            f"and test shape {tst.shape}"
        )
    return ref, tst


def mse(reference: ArrayLike, test: ArrayLike) -> float:
    """Mean squared error between two arrays of the same shape.

    Parameters
    ----------
    reference : array_like
        The original values (any real numeric dtype).
    test : array_like
        The approximation, same shape as ``reference``.

    Returns
    -------
    float
        ``mean((reference - test)**2)``, computed in float64.

    Raises
    ------
    ValueError
        If the shapes differ, the input is empty or contains NaN/inf.
    TypeError
        If the input is not real-numeric.

    Examples
    --------
    >>> mse([0, 0, 0, 0], [1, -1, 1, -1])
    1.0

    Used in: notebooks/03_images.ipynb, notebooks/05_optimal_quantization.ipynb
    """
    ref, tst = _pair(reference, test)
    return float(np.mean(np.square(ref - tst)))


def max_abs_error(reference: ArrayLike, test: ArrayLike) -> float:
    """Largest absolute difference between two arrays of the same shape.

    Parameters
    ----------
    reference : array_like
        The original values (any real numeric dtype).
    test : array_like
        The approximation, same shape as ``reference``.

    Returns
    -------
    float
        ``max(|reference - test|)``, computed in float64.

    Raises
    ------
    ValueError
        If the shapes differ, the input is empty or contains NaN/inf.
    TypeError
        If the input is not real-numeric.
    """
    ref, tst = _pair(reference, test)
    return float(np.max(np.abs(ref - tst)))


def snr_db(reference: ArrayLike, test: ArrayLike) -> float:
    """Signal-to-noise ratio in decibels, taking ``reference - test`` as the noise.

    ``10 * log10(sum(reference**2) / sum((reference - test)**2))``.

    Parameters
    ----------
    reference : array_like
        The clean signal (any real numeric dtype).
    test : array_like
        The noisy or quantized signal, same shape as ``reference``.

    Returns
    -------
    float
        The ratio in dB. ``inf`` when ``test`` equals ``reference`` (no noise at all, including an
        all-zero reference reproduced exactly); ``-inf`` when the reference is all zeros but the test
        is not (no signal, some noise).

    Raises
    ------
    ValueError
        If the shapes differ, the input is empty or contains NaN/inf.
    TypeError
        If the input is not real-numeric.

    Notes
    -----
    A sine of amplitude ``A`` has mean power ``A**2 / 2``; with noise of mean power ``sigma**2`` this
    gives ``10 log10(A**2 / (2 sigma**2))``. Both sums cover the same number of samples, so the ratio
    of sums equals the ratio of mean powers.

    Used in: notebooks/02_audio.ipynb, notebooks/05_optimal_quantization.ipynb
    """
    ref, tst = _pair(reference, test)
    signal_energy = float(np.sum(np.square(ref)))
    noise_energy = float(np.sum(np.square(ref - tst)))
    if noise_energy == 0.0:
        return math.inf
    if signal_energy == 0.0:
        return -math.inf
    return 10.0 * math.log10(signal_energy / noise_energy)


def sqnr_db(x: ArrayLike, xq: ArrayLike) -> float:
    """Signal-to-quantization-noise ratio in decibels.

    Exactly :func:`snr_db` with the quantization error ``x - xq`` as the noise:
    ``10 * log10(sum(x**2) / sum((x - xq)**2))``. The separate name only says what the noise is.

    Parameters
    ----------
    x : array_like
        The signal before quantization (any real numeric dtype).
    xq : array_like
        The quantized signal (the reconstruction values, not the integer indices), same shape as ``x``.

    Returns
    -------
    float
        The ratio in dB; ``inf`` when ``xq`` equals ``x``.

    Raises
    ------
    ValueError
        If the shapes differ, the input is empty or contains NaN/inf.
    TypeError
        If the input is not real-numeric.

    Used in: notebooks/01_sampling_quantization.ipynb, notebooks/02_audio.ipynb
    """
    return snr_db(x, xq)


def rms_dbfs(x: ArrayLike) -> float:
    """RMS level in dB relative to full scale: ``20 * log10(sqrt(mean(x**2)))``.

    Full scale is 1.0, so a full-scale square wave reads 0 dB and a full-scale sine
    ``20 log10(1/sqrt(2)) = -3.01`` dB. (AES17 defines dBFS so that the full-scale *sine* reads 0 dB,
    which adds 3.01 dB to every value; this course uses the plain RMS ratio above and says so.)

    Parameters
    ----------
    x : array_like
        Samples (any real dtype and shape, at least one value).

    Returns
    -------
    float
        The level in dB; ``-inf`` for an all-zero signal.

    Raises
    ------
    ValueError
        If ``x`` is empty or contains NaN/inf.
    TypeError
        If ``x`` is not real-numeric.

    Examples
    --------
    >>> import numpy as np
    >>> round(rms_dbfs(np.sin(2 * np.pi * np.arange(1000) / 100)), 2)
    -3.01

    Used in: notebooks/02_audio.ipynb
    """
    arr = _as_numeric(x, "x")
    power = float(np.mean(np.square(arr)))
    return 10.0 * math.log10(power) if power > 0 else -math.inf


def psnr(reference: ArrayLike, test: ArrayLike, data_range: float | None = None) -> float:
    """Peak signal-to-noise ratio in decibels: ``10 * log10(data_range**2 / mse)``.

    Parameters
    ----------
    reference : array_like
        The original image (or any array). Its dtype decides the default ``data_range``.
    test : array_like
        The approximation, same shape as ``reference``.
    data_range : float, optional
        The distance between the smallest and largest value the data can take. Default ``None``:

        * integer ``reference`` (e.g. uint8): the full range of its dtype, ``max - min`` of the dtype
          (255 for uint8 and for int8, 65535 for uint16). scikit-image's ``peak_signal_noise_ratio``
          agrees for unsigned dtypes and for signed data with negative values, but for signed data
          with no negative value it uses the dtype's maximum alone (127 for int8);
        * bool ``reference``: 1;
        * float ``reference``: **required**, there is no safe guess (pass ``1.0`` for images scaled to
          [0, 1], ``255.0`` for float images on the 0..255 scale). Omitting it raises ``ValueError``.

    Returns
    -------
    float
        PSNR in dB; ``inf`` when ``test`` equals ``reference``.

    Raises
    ------
    ValueError
        If the shapes differ, the input is empty or contains NaN/inf, ``data_range`` is not a positive
        finite number, or it is missing for a float reference.
    TypeError
        If the input is not real-numeric.

    Examples
    --------
    Every pixel of an 8-bit image off by one gives MSE 1, so PSNR = 20 log10(255) ≈ 48.13 dB:

    >>> import numpy as np
    >>> round(psnr(np.zeros((4, 4), np.uint8), np.ones((4, 4), np.uint8)), 2)
    48.13

    Used in: notebooks/03_images.ipynb
    """
    ref, tst = _pair(reference, test)
    data_range = _data_range(np.asarray(reference).dtype, data_range)
    err = float(np.mean(np.square(ref - tst)))
    if err == 0.0:
        return math.inf
    return 10.0 * math.log10(data_range**2 / err)


def _data_range(ref_dtype: np.dtype, data_range: float | None) -> float:
    """The data range to use: the given one (checked), else the reference dtype's (see :func:`psnr`)."""
    if data_range is None:
        if ref_dtype.kind == "b":
            data_range = 1.0
        elif ref_dtype.kind in "iu":
            info = np.iinfo(ref_dtype)
            data_range = float(info.max) - float(info.min)
        else:
            raise ValueError(
                f"data_range is required for a float reference (dtype {ref_dtype}): pass data_range=1.0 "
                "for images scaled to [0, 1], or data_range=255.0 for float images on the 0..255 scale"
            )
    if isinstance(data_range, bool) or not isinstance(data_range, (int, float, np.integer, np.floating)):
        raise TypeError(f"data_range must be a number, got {type(data_range).__name__}")
    data_range = float(data_range)
    if not (math.isfinite(data_range) and data_range > 0):
        raise ValueError(f"data_range must be a positive finite number, got {data_range}")
    return data_range


def ssim(reference: ArrayLike, test: ArrayLike, data_range: float | None = None) -> float:
    """Structural similarity (SSIM) of two grey or RGB images, as Wang et al. (2004) define it.

    Computed by scikit-image's ``skimage.metrics.structural_similarity`` with the settings of the
    paper: an 11 x 11 Gaussian window of standard deviation 1.5 (``gaussian_weights=True,
    sigma=1.5``), population statistics (``use_sample_covariance=False``) and ``K1 = 0.01,
    K2 = 0.03``; the result is the mean of the local SSIM map. For an RGB image the three channels
    are compared separately and averaged (``channel_axis=-1``).

    Parameters
    ----------
    reference : array_like, shape (H, W) or (H, W, 3)
        The original image.
    test : array_like
        The approximation, same shape. Both are compared in float64.
    data_range : float, optional
        The range of values the images can take, with the same default rules as :func:`psnr` (the
        dtype's range for integer references, required for float references).

    Returns
    -------
    float
        SSIM, at most 1 (1 for identical images); values near 0 mean no structural similarity.

    Raises
    ------
    ValueError
        If the shapes differ, the images are not 2-D or (H, W, 3), smaller than 7 x 7 pixels, contain
        NaN/inf, or ``data_range`` is missing for a float reference.

    Notes
    -----
    Z. Wang, A. C. Bovik, H. R. Sheikh and E. P. Simoncelli, "Image quality assessment: from error
    visibility to structural similarity", IEEE Transactions on Image Processing 13(4), 2004,
    pp. 600-612. PSNR only sees the size of the error; SSIM compares local means, contrasts and
    correlations, so a brightness shift costs it little and a loss of texture a lot.

    Examples
    --------
    >>> import numpy as np
    >>> img = (np.arange(64 * 64) % 251).astype(np.uint8).reshape(64, 64)
    >>> ssim(img, img)
    1.0

    Used in: notebooks/03_images.ipynb
    """
    ref, tst = _pair(reference, test)
    if not (ref.ndim == 2 or (ref.ndim == 3 and ref.shape[2] == 3)):
        raise ValueError(f"ssim needs 2-D grey or (H, W, 3) RGB images, got shape {ref.shape}")
    if min(ref.shape[:2]) < 7:
        raise ValueError(f"ssim needs images of at least 7 x 7 pixels, got shape {ref.shape}")
    rng = _data_range(np.asarray(reference).dtype, data_range)
    from skimage.metrics import structural_similarity

    value = structural_similarity(
        ref,
        tst,
        data_range=rng,
        gaussian_weights=True,
        sigma=1.5,
        use_sample_covariance=False,
        channel_axis=-1 if ref.ndim == 3 else None,
    )
    return float(value)


def segmental_snr_db(
    reference: ArrayLike,
    test: ArrayLike,
    frame: int = 160,
    *,
    clip_db: tuple[float, float] = (-10.0, 35.0),
    silence_db: float = -50.0,
) -> float:
    """Segmental SNR in decibels: the mean SNR of short frames, the usual score of speech coders.

    The signal is cut into consecutive frames of ``frame`` samples (a last, shorter frame is dropped).
    For each frame ``k``, ``snr_k = 10 log10(sum(x**2) / sum((x - y)**2))`` over the frame, clipped
    to ``clip_db`` (a frame reproduced exactly counts as the upper limit). Frames whose mean square
    ``mean(x**2)`` is below ``silence_db`` dB (relative to a full-scale value of 1) are left out:
    silence has no signal to compare with. The result is the mean of the clipped ``snr_k``.

    Unlike :func:`snr_db`, which is dominated by the loudest passages, every active frame counts
    equally, so quiet syllables coded badly lower the score.

    Parameters
    ----------
    reference : array_like
        The clean signal, 1-D, real (full scale 1).
    test : array_like
        The coded signal, same shape.
    frame : int, default 160
        Frame length in samples (160 is 20 ms at 8 kHz).
    clip_db : (float, float), default (-10.0, 35.0)
        Limits of each frame's SNR. -10 and 35 dB are the limits of S. R. Quackenbush, T. P. Barnwell
        and M. A. Clements, *Objective Measures of Speech Quality*, Prentice Hall, 1988.
    silence_db : float, default -50.0
        Frames quieter than this (mean square, in dB) are left out.

    Returns
    -------
    float
        The mean clipped frame SNR in dB.

    Raises
    ------
    ValueError
        If the shapes differ, the input is not 1-D, empty or non-finite, ``frame`` is not a positive
        integer, ``clip_db`` is not increasing, or no frame is loud enough.
    TypeError
        If the input is not real-numeric.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.sin(np.arange(800) / 5)
    >>> round(segmental_snr_db(x, 0.9 * x), 6)  # every frame: 20 log10(1 / 0.1) = 20 dB
    20.0

    Used in: notebooks/05_optimal_quantization.ipynb
    """
    ref, tst = _pair(reference, test)
    if ref.ndim != 1:
        raise ValueError(f"segmental_snr_db needs 1-D signals, got shape {ref.shape}")
    if isinstance(frame, bool) or not isinstance(frame, (int, np.integer)) or frame < 1:
        raise ValueError(f"frame must be a positive integer number of samples, got {frame!r}")
    lo, hi = (float(v) for v in clip_db)
    if not lo < hi:
        raise ValueError(f"clip_db must be (low, high) with low < high, got {clip_db!r}")
    n_frames = ref.size // int(frame)
    if n_frames == 0:
        raise ValueError(f"the signal ({ref.size} samples) is shorter than one frame ({frame} samples)")
    x = ref[: n_frames * frame].reshape(n_frames, frame)
    e = x - tst[: n_frames * frame].reshape(n_frames, frame)
    energy = np.sum(x * x, axis=1)
    noise = np.sum(e * e, axis=1)
    active = energy / frame >= 10.0 ** (silence_db / 10.0)
    if not np.any(active):
        raise ValueError(f"no frame is louder than silence_db = {silence_db} dB; nothing to measure")
    energy, noise = energy[active], noise[active]
    with np.errstate(divide="ignore"):
        snr = np.where(noise > 0, 10.0 * np.log10(energy / np.where(noise > 0, noise, 1.0)), np.inf)
    return float(np.mean(np.clip(snr, lo, hi)))
