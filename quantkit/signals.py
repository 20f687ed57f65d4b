"""Continuous-time signals as callables, plus reconstruction and spectrum helpers.

A :class:`Signal` is a frozen, callable description of a signal such as a sine: ``s(t)`` evaluates it at
the times ``t`` (in seconds). Because a signal is *data* (a kind and a few numbers), it can be written
as a JSON-safe spec with :meth:`Signal.to_spec` and rebuilt with :func:`signal_from_spec`; the grader
uses this to send signals to a student's kernel.

Time grids and sampling are the student's job in the notebooks; this module only offers a fine grid for
drawing "continuous" curves (:func:`dense_time`) and the two classic reconstructions from samples
(:func:`zero_order_hold`, :func:`sinc_interpolate`).

For audio (notebook 02) it also has the power spectral density of a sampled signal (:func:`psd`) and
the power gain of an error-feedback loop's noise transfer function (:func:`ntf_power`).

Used in: notebooks/01_sampling_quantization.ipynb, notebooks/02_audio.ipynb
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "Signal",
    "chirp_signal",
    "dense_time",
    "magnitude_spectrum",
    "ntf_power",
    "psd",
    "signal_from_spec",
    "sinc_interpolate",
    "sine",
    "square",
    "sum_of_sines",
    "zero_order_hold",
]


# --------------------------------------------------------------------------------------------------
# Parameter checks
# --------------------------------------------------------------------------------------------------


def _real(value: Any, name: str, *, nonnegative: bool = False, positive: bool = False) -> float:
    """Return ``value`` as a finite Python float, or raise a plain-words TypeError/ValueError."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.integer, np.floating)):
        raise TypeError(f"{name} must be a real number, got {type(value).__name__} {value!r}")
    out = float(value)
    if not math.isfinite(out):
        raise ValueError(f"{name} must be finite, got {out}")
    if positive and out <= 0:
        raise ValueError(f"{name} must be positive, got {out}")
    if nonnegative and out < 0:
        raise ValueError(f"{name} must be zero or positive, got {out}")
    return out


def _real_list(values: Any, name: str, *, nonnegative: bool = False) -> tuple[float, ...]:
    """Return a non-empty sequence of finite reals as a tuple of floats."""
    if isinstance(values, np.ndarray):
        if values.ndim != 1:
            raise ValueError(f"{name} must be a 1-D list of numbers, got an array of shape {values.shape}")
        values = values.tolist()
    if isinstance(values, (str, bytes)) or not isinstance(values, Sequence):
        raise TypeError(f"{name} must be a list of numbers, got {type(values).__name__}")
    if len(values) == 0:
        raise ValueError(f"{name} must not be empty")
    return tuple(_real(v, f"{name}[{i}]", nonnegative=nonnegative) for i, v in enumerate(values))


# --------------------------------------------------------------------------------------------------
# The Signal class and its kinds
# --------------------------------------------------------------------------------------------------


def _eval_sine(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    return p["amplitude"] * np.sin(2.0 * np.pi * p["freq"] * t + p["phase"])


def _eval_sum_of_sines(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    out = np.zeros_like(t)
    for f, a, ph in zip(p["freqs"], p["amplitudes"], p["phases"], strict=True):
        out += a * np.sin(2.0 * np.pi * f * t + ph)
    return out


def _eval_chirp(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    rate = (p["f1"] - p["f0"]) / p["duration"]  # Hz per second
    return p["amplitude"] * np.sin(2.0 * np.pi * (p["f0"] * t + 0.5 * rate * t * t))


def _eval_square(t: np.ndarray, p: Mapping[str, Any]) -> np.ndarray:
    # +amplitude on the first half of each period, -amplitude on the second (scipy.signal.square).
    frac = np.mod(p["freq"] * t, 1.0)
    return np.where(frac < 0.5, p["amplitude"], -p["amplitude"])


_EVALUATORS: dict[str, Callable[[np.ndarray, Mapping[str, Any]], np.ndarray]] = {
    "sine": _eval_sine,
    "sum_of_sines": _eval_sum_of_sines,
    "chirp": _eval_chirp,
    "square": _eval_square,
}


@dataclass(frozen=True, repr=False)
class Signal:
    """A continuous-time signal: call it with times in seconds to get its values.

    Build signals with :func:`sine`, :func:`sum_of_sines`, :func:`chirp_signal` or :func:`square`
    rather than with this class directly; they validate the parameters.

    Parameters
    ----------
    kind : str
        One of ``"sine"``, ``"sum_of_sines"``, ``"chirp"``, ``"square"``.
    params : tuple of (str, value) pairs
        The validated parameters, floats or tuples of floats, in the constructor's order.

    Attributes
    ----------
    max_freq : float
        The highest frequency (Hz) in the signal: the sine frequency, the largest frequency of a sum of
        sines with a non-zero amplitude, ``max(f0, f1)`` for a chirp on ``[0, duration]``, and ``inf``
        for a square wave (its harmonics never stop). 0 for a zero-amplitude signal. Compare it with
        ``fs / 2`` to see whether sampling at ``fs`` can alias.

    Examples
    --------
    >>> s = sine(5.0, amplitude=0.5)
    >>> s
    sine(freq=5.0, amplitude=0.5, phase=0.0)
    >>> float(s(0.05))
    0.5
    >>> signal_from_spec(s.to_spec()) == s
    True

    Made by :func:`sine`, :func:`sum_of_sines`, :func:`chirp_signal` and :func:`square`, which the
    notebooks call.
    """

    kind: str
    params: tuple[tuple[str, Any], ...]

    def __post_init__(self) -> None:
        if self.kind not in _EVALUATORS:
            raise ValueError(f"unknown signal kind {self.kind!r}; known kinds: {sorted(_EVALUATORS)}")
        names = {k for k, _ in self.params}
        if names != _REQUIRED[self.kind] | _OPTIONAL[self.kind]:
            raise ValueError(
                f"a {self.kind} Signal needs exactly the parameters "
                f"{sorted(_REQUIRED[self.kind] | _OPTIONAL[self.kind])}; build it with {self.kind}(...)"
            )
        for k, v in self.params:
            values = v if isinstance(v, tuple) else (v,)
            if not all(type(e) is float and math.isfinite(e) for e in values):
                raise TypeError(f"parameter {k} of a Signal must be finite float(s); use the constructor")

    def __call__(self, t: ArrayLike) -> np.ndarray:
        """Evaluate the signal at times ``t`` (seconds).

        Parameters
        ----------
        t : array_like of float
            Times in seconds, any shape.

        Returns
        -------
        numpy.ndarray or numpy.float64
            float64 values of the same shape as ``t``; a scalar ``t`` gives a numpy float64.
        """
        arr = np.asarray(t)
        if arr.dtype.kind not in "iuf":
            raise TypeError(f"t must be real times in seconds, got an array of dtype {arr.dtype}")
        out = _EVALUATORS[self.kind](arr.astype(np.float64), dict(self.params))
        out = np.asarray(out, dtype=np.float64)
        return out[()] if out.ndim == 0 else out

    def __repr__(self) -> str:
        name = "chirp_signal" if self.kind == "chirp" else self.kind
        args = ", ".join(f"{k}={list(v) if isinstance(v, tuple) else v!r}" for k, v in self.params)
        return f"{name}({args})"

    @property
    def max_freq(self) -> float:
        """The highest frequency in the signal, in Hz (``inf`` if it is not band-limited)."""
        p = dict(self.params)
        if self.kind == "sine":
            return p["freq"] if p["amplitude"] != 0 else 0.0
        if self.kind == "sum_of_sines":
            present = [f for f, a in zip(p["freqs"], p["amplitudes"], strict=True) if a != 0]
            return max(present) if present else 0.0
        if self.kind == "chirp":
            return max(p["f0"], p["f1"]) if p["amplitude"] != 0 else 0.0
        return math.inf if p["amplitude"] != 0 else 0.0  # square

    def to_spec(self) -> dict[str, Any]:
        """A JSON-safe description, ``{"kind": ..., "params": {...}}``, for :func:`signal_from_spec`.

        Returns
        -------
        dict
            ``kind`` is a str; ``params`` maps each parameter name to a float or a list of floats.
        """
        return {
            "kind": self.kind,
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in self.params},
        }


def sine(freq: float, amplitude: float = 1.0, phase: float = 0.0) -> Signal:
    """A sine wave ``amplitude * sin(2 pi freq t + phase)``.

    Parameters
    ----------
    freq : float
        Frequency in Hz, ``>= 0``.
    amplitude : float, default 1.0
        Peak value (a negative amplitude flips the sign).
    phase : float, default 0.0
        Phase in radians at ``t = 0``.

    Returns
    -------
    Signal

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    return Signal(
        "sine",
        (
            ("freq", _real(freq, "freq", nonnegative=True)),
            ("amplitude", _real(amplitude, "amplitude")),
            ("phase", _real(phase, "phase")),
        ),
    )


def sum_of_sines(
    freqs: Sequence[float],
    amplitudes: Sequence[float] | None = None,
    phases: Sequence[float] | None = None,
) -> Signal:
    """A sum of sines ``sum_k amplitudes[k] * sin(2 pi freqs[k] t + phases[k])``.

    Parameters
    ----------
    freqs : sequence of float
        Frequencies in Hz, each ``>= 0``; at least one.
    amplitudes : sequence of float, optional
        One per frequency. Default: all 1.0.
    phases : sequence of float, optional
        One per frequency, radians. Default: all 0.0.

    Returns
    -------
    Signal

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    f = _real_list(freqs, "freqs", nonnegative=True)
    a = (1.0,) * len(f) if amplitudes is None else _real_list(amplitudes, "amplitudes")
    ph = (0.0,) * len(f) if phases is None else _real_list(phases, "phases")
    if not len(f) == len(a) == len(ph):
        raise ValueError(
            f"freqs, amplitudes and phases must have the same length, got {len(f)}, {len(a)} and {len(ph)}"
        )
    return Signal("sum_of_sines", (("freqs", f), ("amplitudes", a), ("phases", ph)))


def chirp_signal(f0: float, f1: float, duration: float, amplitude: float = 1.0) -> Signal:
    """A linear chirp whose frequency goes from ``f0`` at ``t = 0`` to ``f1`` at ``t = duration``.

    ``amplitude * sin(2 pi (f0 t + (f1 - f0) t**2 / (2 duration)))``; the instantaneous frequency is
    ``f0 + (f1 - f0) t / duration`` (it keeps changing at the same rate outside ``[0, duration]``).

    Parameters
    ----------
    f0, f1 : float
        Start and end frequencies in Hz, each ``>= 0``.
    duration : float
        Time in seconds to sweep from ``f0`` to ``f1``, ``> 0``.
    amplitude : float, default 1.0
        Peak value.

    Returns
    -------
    Signal
        Its ``max_freq`` is ``max(f0, f1)``, valid on ``[0, duration]``.
    """
    return Signal(
        "chirp",
        (
            ("f0", _real(f0, "f0", nonnegative=True)),
            ("f1", _real(f1, "f1", nonnegative=True)),
            ("duration", _real(duration, "duration", positive=True)),
            ("amplitude", _real(amplitude, "amplitude")),
        ),
    )


def square(freq: float, amplitude: float = 1.0) -> Signal:
    """A square wave: ``+amplitude`` for the first half of each period, ``-amplitude`` for the second.

    Its harmonics go on forever, so ``max_freq`` is ``inf``: every sample rate aliases some of it.

    Parameters
    ----------
    freq : float
        Frequency in Hz, ``> 0``.
    amplitude : float, default 1.0
        Peak value.

    Returns
    -------
    Signal
    """
    return Signal(
        "square",
        (("freq", _real(freq, "freq", positive=True)), ("amplitude", _real(amplitude, "amplitude"))),
    )


_CONSTRUCTORS: dict[str, Callable[..., Signal]] = {
    "sine": sine,
    "sum_of_sines": sum_of_sines,
    "chirp": chirp_signal,
    "square": square,
}
_REQUIRED = {
    "sine": {"freq"},
    "sum_of_sines": {"freqs"},
    "chirp": {"f0", "f1", "duration"},
    "square": {"freq"},
}
_OPTIONAL = {
    "sine": {"amplitude", "phase"},
    "sum_of_sines": {"amplitudes", "phases"},
    "chirp": {"amplitude"},
    "square": {"amplitude"},
}


def signal_from_spec(spec: Mapping[str, Any]) -> Signal:
    """Rebuild a :class:`Signal` from the dict made by :meth:`Signal.to_spec`.

    Parameters
    ----------
    spec : dict
        ``{"kind": <str>, "params": {<name>: <number or list of numbers>}}``. Optional parameters may be
        left out (they take the constructor's defaults); unknown keys are refused.

    Returns
    -------
    Signal

    Raises
    ------
    ValueError
        If the spec is not such a dict, names an unknown kind, misses a required parameter or has an
        unknown one, or a value is out of range.
    TypeError
        If a parameter is not a number (or list of numbers).
    """
    if not isinstance(spec, Mapping):
        raise ValueError(f"a signal spec must be a dict with 'kind' and 'params', got {type(spec).__name__}")
    if set(spec) != {"kind", "params"}:
        raise ValueError(f"a signal spec must have exactly the keys 'kind' and 'params', got {sorted(spec)}")
    kind, params = spec["kind"], spec["params"]
    if kind not in _CONSTRUCTORS:
        raise ValueError(f"unknown signal kind {kind!r}; known kinds: {sorted(_CONSTRUCTORS)}")
    if not isinstance(params, Mapping) or not all(isinstance(k, str) for k in params):
        raise ValueError(f"the 'params' of a {kind} spec must be a dict with string keys")
    missing = _REQUIRED[kind] - set(params)
    unknown = set(params) - _REQUIRED[kind] - _OPTIONAL[kind]
    if missing:
        raise ValueError(f"a {kind} spec needs the parameter(s) {sorted(missing)}")
    if unknown:
        raise ValueError(
            f"unknown parameter(s) {sorted(unknown)} for a {kind} spec; "
            f"allowed: {sorted(_REQUIRED[kind] | _OPTIONAL[kind])}"
        )
    return _CONSTRUCTORS[kind](**params)


# --------------------------------------------------------------------------------------------------
# Grids, reconstruction, spectrum
# --------------------------------------------------------------------------------------------------


def dense_time(duration: float, n: int = 2000) -> np.ndarray:
    """A fine, evenly spaced time grid on ``[0, duration]`` (both ends included) for drawing curves.

    Parameters
    ----------
    duration : float
        Length in seconds, ``> 0``.
    n : int, default 2000
        Number of points, ``>= 2``.

    Returns
    -------
    numpy.ndarray
        float64 array of shape ``(n,)``, ``np.linspace(0, duration, n)``.

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    duration = _real(duration, "duration", positive=True)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise TypeError(f"n must be an integer, got {type(n).__name__}")
    if n < 2:
        raise ValueError(f"n must be at least 2, got {n}")
    return np.linspace(0.0, duration, int(n))


def _samples(t_samples: ArrayLike, x: ArrayLike, *, min_count: int) -> tuple[np.ndarray, np.ndarray]:
    """Validate 1-D sample times (strictly increasing) and values of the same length."""
    ts = np.asarray(t_samples)
    xs = np.asarray(x)
    for name, arr in (("t_samples", ts), ("x", xs)):
        if arr.dtype.kind not in "biuf":
            raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
        if arr.ndim != 1:
            raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if ts.shape != xs.shape:
        raise ValueError(f"t_samples and x must have the same length, got shapes {ts.shape} and {xs.shape}")
    if ts.size < min_count:
        raise ValueError(f"need at least {min_count} sample(s), got {ts.size}")
    ts = ts.astype(np.float64)
    if not np.all(np.isfinite(ts)):
        raise ValueError("t_samples contains NaN or infinite times")
    if ts.size > 1 and not np.all(np.diff(ts) > 0):
        raise ValueError("t_samples must be strictly increasing")
    return ts, xs.astype(np.float64)


def _query_times(t: ArrayLike) -> np.ndarray:
    arr = np.asarray(t)
    if arr.dtype.kind not in "iuf":
        raise TypeError(f"t must hold real times in seconds, got an array of dtype {arr.dtype}")
    return arr.astype(np.float64)


def zero_order_hold(t_samples: ArrayLike, x: ArrayLike, t: ArrayLike) -> np.ndarray:
    """Zero-order hold: each sample value is held until the next sample time (a DAC's staircase).

    Parameters
    ----------
    t_samples : array_like, shape (N,)
        Sample times in seconds, strictly increasing (need not be evenly spaced).
    x : array_like, shape (N,)
        Sample values.
    t : array_like
        Times at which to evaluate the held signal, any shape.

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``: ``x[k]`` with ``k`` the last sample with ``t_samples[k] <= t``.
        Times before the first sample take the first value ``x[0]``.
    """
    ts, xs = _samples(t_samples, x, min_count=1)
    tq = _query_times(t)
    k = np.searchsorted(ts, tq, side="right") - 1
    return xs[np.clip(k, 0, ts.size - 1)]


def sinc_interpolate(t_samples: ArrayLike, x: ArrayLike, t: ArrayLike) -> np.ndarray:
    """Whittaker–Shannon (sinc) interpolation from evenly spaced samples.

    ``x(t) = sum_n x[n] sinc((t - t_samples[n]) / T)`` with ``sinc(u) = sin(pi u) / (pi u)`` and the
    spacing ``T`` inferred from ``t_samples``. With infinitely many samples of a signal band-limited
    below ``1 / (2 T)`` this is exact; with a finite record it is accurate away from both ends and
    degrades within a few periods of them (the missing samples' terms).

    Parameters
    ----------
    t_samples : array_like, shape (N,)
        Evenly spaced sample times in seconds (``N >= 2``; relative spacing error below 1e-6).
    x : array_like, shape (N,)
        Sample values.
    t : array_like
        Times at which to reconstruct, any shape.

    Returns
    -------
    numpy.ndarray
        float64, same shape as ``t``.

    Raises
    ------
    ValueError
        If the sample times are not evenly spaced, there are fewer than two, or shapes disagree.

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    ts, xs = _samples(t_samples, x, min_count=2)
    tq = _query_times(t)
    steps = np.diff(ts)
    spacing = float(np.mean(steps))
    if not np.allclose(steps, spacing, rtol=1e-6, atol=0.0):
        raise ValueError(
            "t_samples must be evenly spaced for sinc interpolation "
            f"(spacings range from {steps.min():.6g} to {steps.max():.6g} s)"
        )
    flat = tq.ravel()
    out = np.empty(flat.shape, dtype=np.float64)
    # Work in blocks so that the (len(t) x N) sinc matrix stays below about 4 million entries.
    block = max(1, 4_000_000 // ts.size)
    for start in range(0, flat.size, block):
        u = (flat[start : start + block, None] - ts[None, :]) / spacing
        out[start : start + block] = np.sinc(u) @ xs
    return out.reshape(tq.shape)


def magnitude_spectrum(
    x: ArrayLike, fs: float, window: str | None = "hann", db: bool = True
) -> tuple[np.ndarray, np.ndarray]:
    """One-sided magnitude spectrum (``numpy.fft.rfft``), scaled so that a sine's peak reads its amplitude.

    The window is normalised by its sum and the non-DC, non-Nyquist bins are doubled, so a sine of
    amplitude ``A`` whose frequency falls exactly on a bin shows a peak of ``A`` (``20 log10 A`` dB).

    Parameters
    ----------
    x : array_like, shape (N,)
        Real samples, ``N >= 1``.
    fs : float
        Sample rate in Hz, ``> 0``.
    window : str or None, default "hann"
        A window name understood by ``scipy.signal.get_window`` ("hann", "hamming", "blackman", ...)
        or ``None`` / ``"boxcar"`` for none.
    db : bool, default True
        Return ``20 log10(magnitude)`` (floored at -240 dB so silence gives no ``-inf``) instead of
        linear magnitude.

    Returns
    -------
    freqs : numpy.ndarray, shape (N // 2 + 1,)
        Bin frequencies in Hz, from 0 to ``fs / 2``.
    mag : numpy.ndarray, shape (N // 2 + 1,)
        Magnitude (linear, or dB when ``db``).

    Used in: notebooks/02_audio.ipynb
    """
    from scipy.signal import get_window

    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"x must hold real numbers, got an array of dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"x must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError("x is empty")
    fs = _real(fs, "fs", positive=True)
    xs = arr.astype(np.float64)
    n = xs.size
    w = np.ones(n) if window is None else np.asarray(get_window(window, n, fftbins=True), dtype=np.float64)
    if np.sum(w) == 0:  # a 1-point hann window is all zeros
        w = np.ones(n)
    spec = np.abs(np.fft.rfft(xs * w)) / np.sum(w)
    if n > 1:
        last = -1 if n % 2 == 0 else None  # the Nyquist bin (even n) is not doubled
        spec[1:last] *= 2.0
    freqs = np.fft.rfftfreq(n, d=1.0 / fs)
    if db:
        spec = 20.0 * np.log10(np.maximum(spec, 1e-12))
    return freqs, spec


def psd(x: ArrayLike, rate: float, nperseg: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """One-sided power spectral density (Welch: Hann window, half overlap, mean of the segments).

    ``scipy.signal.welch`` with ``scaling="density"``: white noise of variance ``sigma**2`` reads
    ``2 sigma**2 / rate`` per Hz (the one-sided density), and the density integrates over
    ``[0, rate/2]`` to the signal's power.

    Parameters
    ----------
    x : array_like, shape (N,)
        Real samples, ``N >= 2``.
    rate : float
        Sample rate in Hz.
    nperseg : int, default 1024
        Samples per segment (at most ``N``).

    Returns
    -------
    freqs : numpy.ndarray
        ``nperseg // 2 + 1`` frequencies from 0 to ``rate / 2``.
    density : numpy.ndarray
        Power per Hz (squared units / Hz).

    Examples
    --------
    >>> noise = np.random.default_rng(0).normal(0.0, 0.1, 2**16)
    >>> f, p = psd(noise, 1000.0)
    >>> round(float(np.mean(p[1:-1]) * 1000.0 / 2), 3)  # sigma**2 = 0.01
    0.01

    Used in: notebooks/02_audio.ipynb
    """
    from scipy.signal import welch

    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf" or arr.ndim != 1 or arr.size < 2:
        raise ValueError(f"x must be a real 1-D array of at least 2 samples, got {arr.dtype} {arr.shape}")
    fs = _real(rate, "rate", positive=True)
    seg = int(nperseg)
    if not 2 <= seg <= arr.size:
        raise ValueError(f"nperseg must be between 2 and the signal length {arr.size}, got {nperseg}")
    return welch(arr.astype(np.float64), fs=fs, window="hann", nperseg=seg, scaling="density")


def ntf_power(h: ArrayLike, freqs: ArrayLike, rate: float) -> np.ndarray:
    """``|NTF(f)|**2`` of error feedback with taps ``h``: ``|1 - sum_k h[k] exp(-j 2 pi f (k+1) / rate)|**2``.

    An error-feedback requantizer subtracts ``sum_k h[k] e[n-1-k]`` from its input, so its output
    error is ``e`` filtered by ``NTF(z) = 1 - sum_k h[k] z**-(k+1)``. ``h = (1,)`` gives
    ``1 - z**-1`` with ``|NTF|**2 = 4 sin**2(pi f / rate)``; ``h = (2, -1)`` gives ``(1 - z**-1)**2``;
    ``h = ()`` gives 1 (no shaping).

    Parameters
    ----------
    h : array_like
        Feedback taps, 1-D (possibly empty).
    freqs : array_like
        Frequencies in Hz.
    rate : float
        Sample rate in Hz.

    Returns
    -------
    numpy.ndarray
        The power gain at each frequency (shape of ``freqs``).

    Examples
    --------
    >>> round(float(ntf_power([1.0], 44100 / 6, 44100)), 12)  # the first-order NTF crosses 1 at fs / 6
    1.0

    Used in: notebooks/02_audio.ipynb
    """
    taps = np.asarray(h, dtype=np.float64).ravel()
    fs = _real(rate, "rate", positive=True)
    omega = 2 * np.pi * np.asarray(freqs, dtype=np.float64) / fs
    delays = np.arange(1, taps.size + 1)
    response = 1.0 - np.sum(taps * np.exp(-1j * np.multiply.outer(omega, delays)), axis=-1)
    return np.abs(response) ** 2
