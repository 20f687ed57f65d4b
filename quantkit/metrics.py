"""Error and fidelity metrics: MSE, maximum error, SNR / SQNR, PSNR, and levels in dB.

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
* ``rms_dbfs(x) = 20 log10( sqrt(mean(x**2)) )``: a level relative to full scale 1.0 (one signal, no
  reference)

Used in: notebooks/01_sampling_quantization.ipynb, notebooks/02_audio.ipynb
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["max_abs_error", "mse", "psnr", "rms_dbfs", "snr_db", "sqnr_db"]


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
    """
    ref_dtype = np.asarray(reference).dtype
    ref, tst = _pair(reference, test)
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
    err = float(np.mean(np.square(ref - tst)))
    if err == 0.0:
        return math.inf
    return 10.0 * math.log10(data_range**2 / err)
