"""Lapped transforms for transform coding: the MDCT and its inverse (sine window, 50 % overlap).

Definitions (frames of ``2M`` samples, hop ``M``, ``M`` coefficients per frame):

* window (sine): ``w[n] = sin(pi (n + 1/2) / (2M))``, ``n = 0 .. 2M-1``; it satisfies the
  Princen–Bradley condition ``w[n]**2 + w[n + M]**2 = 1``;
* MDCT of frame ``t``: ``X_t[k] = sqrt(2/M) * sum_n w[n] x[tM - M + n] cos(pi/M (n + 1/2 + M/2)(k + 1/2))``
  for ``k = 0 .. M-1`` (the signal is padded with ``M`` zeros in front and zeros at the end);
* inverse: every frame gives ``y_t[n] = sqrt(2/M) w[n] sum_k X_t[k] cos(...)``, and the frames are
  overlap-added with hop ``M``.

One frame's inverse is *not* its input: it carries time-domain aliasing (a mirrored copy of each half,
see :func:`imdct_frame`). The aliasing of neighbouring frames cancels when they are added
(time-domain aliasing cancellation, TDAC), so ``imdct(mdct(x), len(x))`` gives ``x`` back to
rounding error. With the ``sqrt(2/M)`` scaling the transform is orthogonal: the sum of the squared
coefficients equals the signal's energy, so a quantization error of power ``sigma**2`` per
coefficient is an error of power ``sigma**2`` per sample.

Both directions use ``scipy.fft.dct(type=4, norm="ortho")`` on the folded frame (``O(M log M)`` per
frame; J. P. Princen, A. W. Johnson and A. B. Bradley, "Subband/transform coding using filter bank
designs based on time domain aliasing cancellation", ICASSP 1987; H. S. Malvar, *Signal Processing
with Lapped Transforms*, Artech House, 1992).

Used in: notebooks/02_audio.ipynb
"""

from __future__ import annotations

import math
import numbers

import numpy as np
from numpy.typing import ArrayLike

__all__ = ["frame_count", "imdct", "imdct_frame", "mdct", "mdct_frame", "sine_window"]


def _check_m(n_coeffs: object) -> int:
    if isinstance(n_coeffs, bool) or not isinstance(n_coeffs, numbers.Integral):
        raise TypeError(f"n_coeffs must be an integer, got {type(n_coeffs).__name__}")
    m = int(n_coeffs)
    if m < 2 or m % 2:
        raise ValueError(f"n_coeffs must be an even integer of at least 2, got {m}")
    return m


def _real_1d(x: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    return arr.astype(np.float64)


def sine_window(n_coeffs: int) -> np.ndarray:
    """The sine window of a ``2 * n_coeffs``-sample MDCT frame: ``sin(pi (n + 1/2) / (2M))``.

    Parameters
    ----------
    n_coeffs : int
        ``M``, the number of coefficients per frame (even, at least 2).

    Returns
    -------
    numpy.ndarray
        float64, shape ``(2M,)``, symmetric, with ``w[n]**2 + w[n + M]**2 = 1``.

    Examples
    --------
    >>> w = sine_window(4)
    >>> bool(np.allclose(w[:4] ** 2 + w[4:] ** 2, 1.0))
    True
    """
    m = _check_m(n_coeffs)
    return np.sin(np.pi * (np.arange(2 * m) + 0.5) / (2 * m))


def frame_count(length: int, n_coeffs: int) -> int:
    """Number of MDCT frames :func:`mdct` makes for ``length`` samples: ``ceil(length / M) + 1``.

    Every sample is covered by two frames (the first and last half-frames by padding).
    """
    m = _check_m(n_coeffs)
    if isinstance(length, bool) or not isinstance(length, numbers.Integral) or length < 0:
        raise ValueError(f"length must be a non-negative integer, got {length!r}")
    return math.ceil(int(length) / m) + 1


def mdct_frame(frame: ArrayLike) -> np.ndarray:
    """The MDCT of one frame of ``2M`` samples (the window is applied here).

    Parameters
    ----------
    frame : array_like, shape (2M,)
        Samples, ``M`` even.

    Returns
    -------
    numpy.ndarray
        ``M`` coefficients ``sqrt(2/M) sum_n w[n] x[n] cos(pi/M (n + 1/2 + M/2)(k + 1/2))``.
    """
    x = _real_1d(frame, "frame")
    if x.size % 4:
        raise ValueError(f"a frame must have 2M samples with M even, got {x.size}")
    return _mdct_frames(x[None, :])[0]


def imdct_frame(coeffs: ArrayLike) -> np.ndarray:
    """The windowed inverse of one frame's ``M`` coefficients: ``2M`` samples, aliasing included.

    For ``y = imdct_frame(mdct_frame(z))`` with ``z = [z1, z2]`` (two halves of ``M``) and window halves
    ``w1, w2``: ``y[:M] = w1 * (w1 z1 - J(w1 z1))`` and ``y[M:] = w2 * (w2 z2 + J(w2 z2))``, where
    ``J`` reverses a half: each half carries a mirrored (aliased) copy of itself, which the
    neighbouring frame's aliasing cancels in :func:`imdct`.
    """
    c = _real_1d(coeffs, "coeffs")
    _check_m(c.size)
    return _imdct_frames(c[None, :])[0]


def _mdct_frames(frames: np.ndarray) -> np.ndarray:
    """MDCT of each row of ``frames`` (shape (T, 2M)), windowed, by folding and a DCT-IV."""
    from scipy.fft import dct

    m = frames.shape[1] // 2
    h = m // 2
    z = frames * sine_window(m)
    a, b, c, d = z[:, :h], z[:, h:m], z[:, m : m + h], z[:, m + h :]
    folded = np.concatenate([-c[:, ::-1] - d, a - b[:, ::-1]], axis=1)
    return dct(folded, type=4, norm="ortho", axis=1)


def _imdct_frames(coeffs: np.ndarray) -> np.ndarray:
    """Windowed inverse of each row of ``coeffs`` (shape (T, M)): rows of 2M samples."""
    from scipy.fft import dct

    m = coeffs.shape[1]
    h = m // 2
    v = dct(coeffs, type=4, norm="ortho", axis=1)
    v1, v2 = v[:, :h], v[:, h:]
    unfolded = np.concatenate([v2, -v2[:, ::-1], -v1[:, ::-1], -v1], axis=1)
    return unfolded * sine_window(m)


def mdct(x: ArrayLike, n_coeffs: int = 1024) -> np.ndarray:
    """MDCT of a whole signal: sine window, frames of ``2M`` samples with hop ``M`` (50 % overlap).

    Parameters
    ----------
    x : array_like, shape (L,)
        Real samples.
    n_coeffs : int, default 1024
        ``M``, coefficients per frame (even). At 44.1 kHz, 1024 gives frames of 46 ms and
        coefficients ``rate / (2M)`` = 21.5 Hz apart (coefficient ``k`` is centred on
        ``(k + 1/2) rate / (2M)``).

    Returns
    -------
    numpy.ndarray
        float64, shape ``(frame_count(L, M), M)``: row ``t`` is the frame starting at sample
        ``t M - M`` (zeros outside the signal).

    Raises
    ------
    ValueError
        If ``x`` is not 1-D or ``n_coeffs`` is not an even integer >= 2.

    Examples
    --------
    >>> x = np.random.default_rng(1).normal(size=1000)
    >>> X = mdct(x, 64)
    >>> X.shape
    (17, 64)
    >>> bool(np.allclose(imdct(X, x.size), x, rtol=0, atol=1e-12))
    True

    Used in: notebooks/02_audio.ipynb
    """
    m = _check_m(n_coeffs)
    data = _real_1d(x, "x")
    t = frame_count(data.size, m)
    padded = np.zeros((t + 1) * m)
    padded[m : m + data.size] = data
    frames = np.lib.stride_tricks.sliding_window_view(padded, 2 * m)[::m]
    return _mdct_frames(np.ascontiguousarray(frames))


def imdct(coeffs: ArrayLike, length: int) -> np.ndarray:
    """Inverse of :func:`mdct`: windowed inverse of every frame, overlap-added, trimmed to ``length``.

    Parameters
    ----------
    coeffs : array_like, shape (T, M)
        MDCT coefficients, one row per frame (as :func:`mdct` returns, possibly quantized).
    length : int
        Number of samples of the original signal (``T`` must be ``frame_count(length, M)``).

    Returns
    -------
    numpy.ndarray
        float64, shape ``(length,)``. Unquantized coefficients give the original samples back to
        about ``1e-15`` times their scale (time-domain aliasing cancels between neighbouring frames).

    Raises
    ------
    ValueError
        If ``coeffs`` is not 2-D, ``M`` is odd, or the number of frames does not fit ``length``.

    Used in: notebooks/02_audio.ipynb
    """
    c = np.asarray(coeffs)
    if c.dtype.kind not in "biuf" or c.ndim != 2:
        raise ValueError(f"coeffs must be a real 2-D array (frames, M), got {c.dtype} of shape {c.shape}")
    m = _check_m(c.shape[1])
    t = frame_count(length, m)
    if c.shape[0] != t:
        raise ValueError(f"{length} samples with M = {m} need {t} frames, got {c.shape[0]}")
    frames = _imdct_frames(c.astype(np.float64))
    out = np.zeros((t + 1) * m)
    # Overlap-add: the first half of frame t and the second half of frame t - 1 share samples.
    out[: t * m] += frames[:, :m].reshape(-1)
    out[m : (t + 1) * m] += frames[:, m:].reshape(-1)
    return out[m : m + int(length)].copy()
