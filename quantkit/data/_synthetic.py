"""Small synthetic test signals and images, sampled on the spot (no files).

These are *sampled* arrays. Continuous-time signals (callables of time) live in
:mod:`quantkit.signals`.
"""

from __future__ import annotations

import numpy as np

from quantkit.data import _validate

__all__ = ["chirp", "gradient_image", "noise", "tone"]

NOISE_KINDS = ("gaussian", "uniform")


def _n_samples(duration: float, rate: float) -> int:
    return round(duration * rate)


def tone(freq: float, duration: float, rate: float, amplitude: float = 1.0, phase: float = 0.0) -> np.ndarray:
    """A sampled sine tone.

    ``x[n] = amplitude * sin(2π · freq · n / rate + phase)`` for ``n = 0 .. N-1`` with
    ``N = round(duration * rate)``.

    Parameters
    ----------
    freq : float
        Frequency in Hz (any finite value; frequencies above ``rate / 2`` alias, on purpose).
    duration : float
        Length in seconds, 0 or more.
    rate : float
        Sample rate in Hz, greater than 0.
    amplitude : float, default 1.0
        Peak amplitude (may be 0 or negative).
    phase : float, default 0.0
        Phase in radians at ``n = 0``.

    Returns
    -------
    numpy.ndarray
        float64 array of shape (N,), values in [-|amplitude|, |amplitude|].

    Examples
    --------
    >>> x = tone(440.0, 0.5, 8000)
    >>> x.shape
    (4000,)
    """
    freq = _validate.real("freq", freq)
    duration = _validate.non_negative("duration", duration)
    rate = _validate.positive("rate", rate)
    amplitude = _validate.real("amplitude", amplitude)
    phase = _validate.real("phase", phase)
    n = np.arange(_n_samples(duration, rate), dtype=np.float64)
    return amplitude * np.sin(2 * np.pi * freq * n / rate + phase)


def chirp(f0: float, f1: float, duration: float, rate: float, amplitude: float = 1.0) -> np.ndarray:
    """A sampled linear chirp (sine sweep) from ``f0`` to ``f1`` Hz.

    With ``t = n / rate`` and ``T = duration``, ``x[n] = amplitude * sin(2π (f0 t + (f1 - f0) t² / (2T)))``
    for ``n = 0 .. N-1``, ``N = round(duration * rate)``: the instantaneous frequency rises (or falls)
    linearly from ``f0`` at ``t = 0`` to ``f1`` at ``t = T``.

    Parameters
    ----------
    f0, f1 : float
        Start and end frequencies in Hz (any finite values; sweeping past ``rate / 2`` shows aliasing).
    duration : float
        Length in seconds, greater than 0.
    rate : float
        Sample rate in Hz, greater than 0.
    amplitude : float, default 1.0
        Peak amplitude.

    Returns
    -------
    numpy.ndarray
        float64 array of shape (N,), values in [-|amplitude|, |amplitude|].
    """
    f0 = _validate.real("f0", f0)
    f1 = _validate.real("f1", f1)
    duration = _validate.positive("duration", duration)
    rate = _validate.positive("rate", rate)
    amplitude = _validate.real("amplitude", amplitude)
    t = np.arange(_n_samples(duration, rate), dtype=np.float64) / rate
    return amplitude * np.sin(2 * np.pi * (f0 * t + (f1 - f0) * t**2 / (2 * duration)))


def gradient_image(height: int = 64, width: int = 256) -> np.ndarray:
    """A smooth horizontal grey ramp, the classic image for showing banding.

    Every row is ``arange(width) / (width - 1)``: column ``j`` holds ``j / (width - 1)``. Quantized to a
    few levels it breaks into visible bands (contouring).

    Parameters
    ----------
    height : int, default 64
        Number of rows, at least 1.
    width : int, default 256
        Number of columns, at least 2. With ``width = 256`` the ramp holds exactly the 256 values
        ``k / 255``, the levels of an 8-bit image scaled to [0, 1].

    Returns
    -------
    numpy.ndarray
        float64 array of shape (height, width), values in [0, 1], 0 in the first column and 1 in the
        last.

    Used in: notebooks/03_images.ipynb
    """
    height = _validate.integer("height", height, minimum=1)
    width = _validate.integer("width", width, minimum=2)
    return np.tile(np.arange(width) / (width - 1), (height, 1))


def noise(n: int | tuple[int, ...], seed: int, kind: str = "gaussian") -> np.ndarray:
    """Seeded random noise, the same for the same ``seed``.

    Parameters
    ----------
    n : int or tuple of int
        Number of samples, or the shape of the array.
    seed : int
        Seed of ``numpy.random.default_rng`` (0 or more).
    kind : {"gaussian", "uniform"}, default "gaussian"
        ``"gaussian"``: standard normal (mean 0, standard deviation 1, unbounded);
        ``"uniform"``: uniform on [-1, 1) (mean 0, standard deviation 1/√3).

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(n,)`` or ``n``.

    Notes
    -----
    Values come from NumPy's PCG64 generator; NumPy keeps its streams stable in practice but does not
    promise bit-identical streams across major versions.
    """
    shape = (n,) if not isinstance(n, tuple) else n
    shape = tuple(_validate.integer("n", size, minimum=0) for size in shape)
    seed = _validate.integer("seed", seed, minimum=0)
    if kind not in NOISE_KINDS:
        raise ValueError(f"kind must be one of {', '.join(map(repr, NOISE_KINDS))}, got {kind!r}")
    rng = np.random.default_rng(seed)
    if kind == "gaussian":
        return rng.standard_normal(shape)
    return rng.uniform(-1.0, 1.0, shape)
