"""A toy masking model: how much quantization noise each band of a transform coder may hide.

Real perceptual coders (MPEG-1 Layer III's psychoacoustic models, AAC's) are long and tuned by
listening. This one is short, documented number by number, and good enough to show the principle:
noise below the masking threshold is not heard. Every number is a parameter with this default:

1. **Bands.** One band per Bark: MDCT coefficient ``k`` (centre frequency ``f_k = (k + 1/2) rate /
   (2M)``) belongs to band ``floor(bark(f_k))`` (:func:`bark`, Zwicker and Terhardt 1980), so 25 bands
   at 44.1 kHz (the last one ends at the Nyquist frequency, 24.7 Bark). :func:`bark_band_edges`.
2. **Band power.** ``P_b = mean of X[k]**2 over the band`` (per coefficient; the MDCT of
   :mod:`quantkit.transforms` is orthogonal, so this is also the power per sample of the band's part
   of the signal times ``M / n_b``). :func:`band_power`.
3. **Spreading** across bands, in power: band ``j`` masks band ``b`` with attenuation
   ``27 dB/Bark * (j - b)`` when ``b`` lies below ``j`` and ``10 dB/Bark * (b - j)`` when above
   (the triangular spreading function with Terhardt's lower slope of 27 dB/Bark and a level-independent
   upper slope of 10 dB/Bark; bands are 1 Bark wide, so the distance in Bark is the difference of band
   numbers). Contributions add in power.
4. **Signal-to-mask offset:** the masked threshold lies ``offset_db = 10`` dB below the spread power
   (one number for tonal and noise-like maskers alike; MPEG's model 1 uses 14.5 + z dB for tones
   and 5.5 dB for noise).
5. **Threshold in quiet** (Terhardt 1979, :func:`absolute_threshold_db`), at a stated playback level:
   a full-scale sine (power 0.5) plays at ``full_scale_spl = 96`` dB SPL (the convention of MPEG's
   model 1). A band's noise must also stay below the threshold in quiet at the band's most sensitive
   frequency.
6. **Threshold per band and frame:** ``T_b = max(masked, in quiet)``, expressed as the noise power
   *per coefficient* the band may carry. A uniform quantizer of step ``sqrt(12 T_b)`` adds exactly
   that much (its noise power is ``step**2 / 12``).

Everything is per frame (one row of MDCT coefficients) and per band. The conversions between powers
per coefficient and levels: a band of ``n_b`` of the ``M`` coefficients, each of power ``p``, carries
``p n_b / M`` per sample, which plays at ``full_scale_spl + 10 log10(p n_b / M / 0.5)`` dB SPL.

References: E. Zwicker and E. Terhardt, "Analytical expressions for critical-band rate and critical
bandwidth as a function of frequency", JASA 68(5), 1980; E. Terhardt, "Calculating virtual pitch",
Hearing Research 1, 1979 (threshold in quiet and the 27 dB/Bark slope); M. Bosi and R. E. Goldberg,
*Introduction to Digital Audio Coding and Standards*, Kluwer, 2003, chapters 6 and 7 (spreading
functions, SMR, the MPEG models); ISO/IEC 11172-3:1993, Annex D (psychoacoustic model 1).

Used in: notebooks/02_audio.ipynb
"""

from __future__ import annotations

import numbers

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "FULL_SCALE_SPL",
    "LOWER_SLOPE_DB",
    "OFFSET_DB",
    "UPPER_SLOPE_DB",
    "absolute_threshold_db",
    "band_power",
    "bark",
    "bark_band_edges",
    "masking_threshold",
]

#: dB SPL at which a full-scale sine (amplitude 1, power 0.5) plays.
FULL_SCALE_SPL = 96.0
#: Spreading towards lower bands, dB per Bark (Terhardt 1979).
LOWER_SLOPE_DB = 27.0
#: Spreading towards higher bands, dB per Bark.
UPPER_SLOPE_DB = 10.0
#: Signal-to-mask offset, dB below the spread power.
OFFSET_DB = 10.0


def bark(freq: ArrayLike) -> np.ndarray:
    """Critical-band rate in Bark: ``13 arctan(0.00076 f) + 3.5 arctan((f / 7500)**2)``.

    Zwicker and Terhardt (1980), ``f`` in Hz.

    Examples
    --------
    >>> round(float(bark(1000.0)), 2), round(float(bark(22050.0)), 2)
    (8.51, 24.74)
    """
    f = np.asarray(freq, dtype=np.float64)
    return 13.0 * np.arctan(0.00076 * f) + 3.5 * np.arctan((f / 7500.0) ** 2)


def absolute_threshold_db(freq: ArrayLike) -> np.ndarray:
    """Threshold in quiet in dB SPL (Terhardt 1979), for ``f`` in Hz (clamped to at least 20 Hz).

    ``3.64 (f/1000)**-0.8 - 6.5 exp(-0.6 (f/1000 - 3.3)**2) + 0.001 (f/1000)**4``: lowest, about
    -5 dB SPL, near 3.3 kHz; it rises steeply below 100 Hz and above 15 kHz.

    Examples
    --------
    >>> round(float(absolute_threshold_db(1000.0)), 2)
    3.37
    """
    khz = np.maximum(np.asarray(freq, dtype=np.float64), 20.0) / 1000.0
    return 3.64 * khz**-0.8 - 6.5 * np.exp(-0.6 * (khz - 3.3) ** 2) + 1e-3 * khz**4


def _check_m_rate(n_coeffs: object, rate: object) -> tuple[int, float]:
    if isinstance(n_coeffs, bool) or not isinstance(n_coeffs, numbers.Integral) or int(n_coeffs) < 1:
        raise ValueError(f"n_coeffs must be a positive integer, got {n_coeffs!r}")
    if isinstance(rate, bool) or not isinstance(rate, numbers.Real) or not float(rate) > 0:
        raise ValueError(f"rate must be a positive number of samples per second, got {rate!r}")
    return int(n_coeffs), float(rate)


def bark_band_edges(n_coeffs: int, rate: float) -> np.ndarray:
    """Band edges (coefficient indices) of one-Bark bands for an MDCT of ``n_coeffs`` coefficients.

    Coefficient ``k`` is centred on ``(k + 1/2) rate / (2 n_coeffs)`` Hz and belongs to band
    ``floor(bark(f_k))``; empty Bark bands (possible for small ``n_coeffs``) are skipped.

    Parameters
    ----------
    n_coeffs : int
        ``M``.
    rate : float
        Sample rate in Hz.

    Returns
    -------
    numpy.ndarray of int64
        Increasing edges from 0 to ``M``: band ``b`` holds coefficients ``edges[b] .. edges[b+1]-1``.

    Examples
    --------
    >>> edges = bark_band_edges(1024, 44100)
    >>> len(edges) - 1, int(edges[0]), int(edges[-1])
    (25, 0, 1024)

    Used in: notebooks/02_audio.ipynb
    """
    m, fs = _check_m_rate(n_coeffs, rate)
    centres = (np.arange(m) + 0.5) * fs / (2 * m)
    band = np.floor(bark(centres)).astype(np.int64)
    starts = np.flatnonzero(np.diff(band)) + 1
    return np.concatenate([[0], starts, [m]]).astype(np.int64)


def _check_edges(edges: ArrayLike, m: int) -> np.ndarray:
    e = np.asarray(edges)
    if e.dtype.kind not in "iu" or e.ndim != 1 or e.size < 2:
        raise ValueError(
            f"band_edges must be a 1-D integer array of at least 2 edges, got {e.dtype} {e.shape}"
        )
    if e[0] != 0 or e[-1] != m or np.any(np.diff(e) <= 0):
        raise ValueError(f"band_edges must increase strictly from 0 to {m} (the number of coefficients)")
    return e.astype(np.int64)


def band_power(coeffs: ArrayLike, band_edges: ArrayLike) -> np.ndarray:
    """Mean squared coefficient of every band: ``mean(X[..., lo:hi]**2)``.

    Parameters
    ----------
    coeffs : array_like, shape (..., M)
        MDCT coefficients (one frame, or frames along the first axis), or a quantization error in
        the coefficient domain.
    band_edges : array_like of int
        Edges from 0 to ``M`` (:func:`bark_band_edges`).

    Returns
    -------
    numpy.ndarray
        float64, shape ``(..., n_bands)``.

    Used in: notebooks/02_audio.ipynb
    """
    c = np.asarray(coeffs, dtype=np.float64)
    e = _check_edges(band_edges, c.shape[-1])
    sums = np.add.reduceat(c**2, e[:-1], axis=-1)
    return sums / np.diff(e)


def masking_threshold(
    coeffs: ArrayLike,
    band_edges: ArrayLike,
    rate: float,
    *,
    offset_db: float = OFFSET_DB,
    lower_slope_db: float = LOWER_SLOPE_DB,
    upper_slope_db: float = UPPER_SLOPE_DB,
    full_scale_spl: float = FULL_SCALE_SPL,
) -> np.ndarray:
    """The toy model's masking threshold: allowed noise power per coefficient, per frame and band.

    Steps 2 to 6 of the module docstring: band powers, spreading across bands (in power), the
    signal-to-mask offset, and the threshold in quiet at ``full_scale_spl``; the larger of the masked
    threshold and the threshold in quiet.

    Parameters
    ----------
    coeffs : array_like, shape (T, M) or (M,)
        MDCT coefficients of :func:`quantkit.transforms.mdct`.
    band_edges : array_like of int
        Band edges from 0 to ``M`` (one-Bark bands: :func:`bark_band_edges`).
    rate : float
        Sample rate in Hz (for the frequencies of the threshold in quiet).
    offset_db, lower_slope_db, upper_slope_db, full_scale_spl : float
        The model's numbers (defaults 10 dB, 27 and 10 dB per Bark, 96 dB SPL).

    Returns
    -------
    numpy.ndarray
        float64, shape ``(T, n_bands)`` (or ``(n_bands,)`` for one frame): ``T_b``, positive.

    Raises
    ------
    ValueError
        For bad band edges or a bad rate.

    Examples
    --------
    A loud tone in band 8 (about 1 kHz) masks its neighbours, more above than below:

    >>> from quantkit.transforms import mdct
    >>> t = np.arange(44100) / 44100
    >>> X = mdct(0.5 * np.sin(2 * np.pi * 1000 * t), 1024)
    >>> edges = bark_band_edges(1024, 44100)
    >>> T = masking_threshold(X, edges, 44100)[10]
    >>> bool(T[9] > T[7])
    True

    Used in: notebooks/02_audio.ipynb
    """
    c = np.asarray(coeffs, dtype=np.float64)
    single = c.ndim == 1
    c2 = c[None, :] if single else c
    if c2.ndim != 2:
        raise ValueError(f"coeffs must have shape (T, M) or (M,), got {c.shape}")
    m, fs = _check_m_rate(c2.shape[1], rate)
    e = _check_edges(band_edges, m)
    widths = np.diff(e).astype(np.float64)
    n_bands = widths.size
    per_sample = band_power(c2, e) * widths / m  # each band's power per sample
    distance = np.arange(n_bands)[None, :] - np.arange(n_bands)[:, None]  # [j, b] = b - j
    attenuation_db = np.where(distance < 0, -lower_slope_db * distance, upper_slope_db * distance)
    spread = per_sample @ 10.0 ** (-attenuation_db / 10.0)  # sum_j P_j 10^(-att(j -> b)/10)
    masked = spread * 10.0 ** (-offset_db / 10.0)
    freqs = (np.arange(m) + 0.5) * fs / (2 * m)
    ath = absolute_threshold_db(freqs)
    ath_band = np.minimum.reduceat(ath, e[:-1])  # the band's most sensitive frequency
    quiet = 0.5 * 10.0 ** ((ath_band - full_scale_spl) / 10.0)  # power per sample at the threshold
    threshold = np.maximum(masked, quiet[None, :]) * m / widths  # back to power per coefficient
    return threshold[0] if single else threshold
