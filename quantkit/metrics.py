"""Error and fidelity metrics: MSE, maximum error, SNR / SQNR, PSNR, SSIM, entropy and levels in dB.

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
* ``entropy_bits``: the empirical Shannon entropy ``-sum p log2 p`` of a set of symbols
* ``rms_dbfs(x) = 20 log10( sqrt(mean(x**2)) )``: a level relative to full scale 1.0 (one signal, no
  reference)

Used in: notebooks/01_sampling_quantization.ipynb, notebooks/02_audio.ipynb, notebooks/03_images.ipynb
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["entropy_bits", "max_abs_error", "mse", "psnr", "rms_dbfs", "snr_db", "sqnr_db", "ssim"]


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

    Used in: notebooks/03_images.ipynb
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

    Used in: notebooks/02_audio.ipynb
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


def entropy_bits(symbols: ArrayLike) -> float:
    """Empirical Shannon entropy of a set of symbols, in bits per symbol.

    ``H = -sum_s p(s) log2 p(s)`` where ``p(s)`` is the fraction of the values equal to ``s``. It is the
    fewest bits per symbol that any code can spend on average when the symbols are independent with
    these frequencies: a compression *proxy* (a real coder such as JPEG's Huffman stage also codes
    runs of zeros and pays for its tables).

    Parameters
    ----------
    symbols : array_like
        Values of any shape (flattened), integers or floats compared exactly (for example quantized
        DCT coefficients).

    Returns
    -------
    float
        The entropy in bits, 0 when every value is the same.

    Raises
    ------
    ValueError
        If ``symbols`` is empty or holds NaN/inf.
    TypeError
        If it is not real-numeric.

    Examples
    --------
    >>> entropy_bits([0, 0, 1, 1])
    1.0
    >>> entropy_bits([3, 3, 3])
    0.0

    Used in: notebooks/03_images.ipynb
    """
    values = _as_numeric(symbols, "symbols").ravel()
    _, counts = np.unique(values, return_counts=True)
    p = counts / counts.sum()
    return float(max(0.0, -np.sum(p * np.log2(p))))
