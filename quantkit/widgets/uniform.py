"""Notebook 01's explorers: the uniform quantizer (:class:`QuantizerExplorer`) and sampling with its
sinc reconstruction (:class:`SamplingExplorer`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np

from quantkit._style import COLORS, style
from quantkit.metrics import sqnr_db
from quantkit.plots._student import check_output, function_name, student_message
from quantkit.signals import Signal, dense_time, sinc_interpolate, sine
from quantkit.widgets._base import SLOW_CALL, _Explorer, _samples_1d


class QuantizerExplorer(_Explorer):
    """Explore a student's uniform quantizer with sliders for bits, range and mode.

    The quantizer is called as ``quantize_fn(x, n_bits, -x_max, x_max, mode=mode)``, once on the
    transfer-curve grid and once on the test signal. The input axis is fixed (25 % wider than the test
    signal's values, which are shaded), so shrinking the range below the signal shows the overload:
    the staircase goes flat at its end levels and the error grows outside ``[-x_max, x_max)``.

    Parameters
    ----------
    quantize_fn : callable
        The student's quantizer ``quantize_fn(x, n_bits, x_min, x_max, mode="midrise")`` returning the
        reconstructed values, shaped like ``x``.
    signal : Signal, callable or array_like, optional
        The test signal whose SQNR is shown. A :class:`~quantkit.signals.Signal` or any ``f(t)`` is
        evaluated on ``dense_time(1.0, 4000)``; an array is used as it is. Default: ``sine(3.0)``, a
        full-scale sine for the default range ``x_max = 1`` (lower ``x_max`` to see it clip).
    bits, x_max, mode
        Initial slider values (default 3 bits, 1.0, ``"midrise"``).

    Attributes
    ----------
    bits : ipywidgets.IntSlider
        Bit depth, 1 to 10.
    x_max : ipywidgets.FloatSlider
        Half-width of the symmetric, half-open input range ``[-x_max, x_max)``, 0.1 to 2.
    mode : ipywidgets.Dropdown
        ``"midrise"`` or ``"midtread"``.
    readout : ipywidgets.HTML
        The SQNR and the number of distinct output levels seen.
    image : ipywidgets.Image
        The rendered figure (staircase and error).
    message : ipywidgets.HTML
        Shown instead of ``image`` when the quantizer fails.
    widget : ipywidgets.VBox
        Everything, laid out; displaying the explorer displays this.
    status : str
        The last status line (readout text or error message).

    Notes
    -----
    For browser tests, the parts carry the CSS classes ``qk-bits``, ``qk-range``, ``qk-mode``,
    ``qk-readout``, ``qk-plot`` and ``qk-message``.

    Made by :func:`quantizer_explorer`, which the notebooks call.
    """

    def __init__(
        self,
        quantize_fn: Callable[..., Any],
        signal: Signal | Callable[[np.ndarray], Any] | Any = None,
        *,
        bits: int = 3,
        x_max: float = 1.0,
        mode: str = "midrise",
    ) -> None:
        if not callable(quantize_fn):
            raise TypeError(f"quantize_fn must be a function, got {type(quantize_fn).__name__}")
        self.quantize_fn = quantize_fn
        self.name = function_name(quantize_fn)
        self.x = self._test_signal(signal)
        super().__init__(figsize=(9.0, 3.4), ncols=2)
        self.bits = widgets.IntSlider(
            value=bits, min=1, max=10, step=1, description="bits", continuous_update=True
        )
        self.x_max = widgets.FloatSlider(
            value=x_max,
            min=0.1,
            max=2.0,
            step=0.05,
            description="range ±",
            readout_format=".2f",
            continuous_update=True,
        )
        self.mode = widgets.Dropdown(options=["midrise", "midtread"], value=mode, description="mode")
        self.sliders = [self.bits, self.x_max]
        low, high = float(np.min(self.x)), float(np.max(self.x))
        self.view = 1.25 * max(abs(low), abs(high), 1e-9)
        ax_stair, ax_err = self.axes
        with style():
            for ax in (ax_stair, ax_err):
                ax.axvspan(low, high, color=COLORS["signal"], alpha=0.08, linewidth=0)
                ax.set_xlim(-self.view, self.view)
            ax_stair.set_ylim(-self.view, self.view)
            ax_stair.text(
                0.02,
                0.95,
                "shaded: the test signal's values",
                transform=ax_stair.transAxes,
                fontsize="small",
                va="top",
                color=COLORS["guide"],
            )
            (self._identity,) = ax_stair.plot([], [], color=COLORS["guide"], linestyle="--", linewidth=1)
            (self._stairs,) = ax_stair.plot([], [], color=COLORS["quantized"])
            (self._error,) = ax_err.plot([], [], color=COLORS["error"])
            self._edges = [
                a.axvline(0.0, color=COLORS["guide"], linestyle=":", linewidth=1)
                for a in (ax_stair, ax_stair, ax_err, ax_err)
            ]
            ax_stair.set_xlabel("input x")
            ax_stair.set_ylabel("output Q(x)")
            ax_err.set_xlabel("input x")
            ax_err.set_ylabel("error Q(x) − x")
        for control in (self.bits, self.x_max, self.mode):
            control.observe(self._on_change, names="value")
        for control, css in ((self.bits, "qk-bits"), (self.x_max, "qk-range"), (self.mode, "qk-mode")):
            control.add_class(css)
        self.widget = widgets.VBox(
            [widgets.HBox([self.bits, self.x_max, self.mode]), self.readout, self.image, self.message]
        )
        self.update()

    @staticmethod
    def _test_signal(signal: Any) -> np.ndarray:
        if signal is None:
            signal = sine(3.0)
        if callable(signal):
            t = dense_time(1.0, 4000)
            return check_output(signal(t), function_name(signal), t.shape)
        arr = np.asarray(signal)
        if arr.dtype.kind not in "biuf" or arr.ndim != 1 or arr.size == 0:
            raise ValueError(
                "signal must be a Signal, a function of t or a non-empty 1-D array, "
                f"got {type(signal).__name__} of shape {arr.shape}"
            )
        return check_output(arr, "signal", arr.shape)

    def update(self, **values: Any) -> str:
        """Set any of ``bits``, ``x_max``, ``mode``, redraw, and return the status line.

        Parameters
        ----------
        **values
            New slider values, e.g. ``update(bits=4, mode="midtread")``. Unknown names raise
            ``TypeError``.

        Returns
        -------
        str
            The readout (``"3 bits, range ±1.00, midrise: SQNR 19.1 dB, 8 distinct output levels"``) or
            the message shown instead of the plot (``"not implemented yet: write quantize_uniform
            first"``).
        """
        unknown = set(values) - {"bits", "x_max", "mode"}
        if unknown:
            raise TypeError(f"update() got unknown control(s) {sorted(unknown)}; use bits, x_max or mode")
        self._busy = True
        try:
            for key, value in values.items():
                getattr(self, key).value = value
        finally:
            self._busy = False
        n_bits, x_max, mode = int(self.bits.value), float(self.x_max.value), str(self.mode.value)
        # The fixed view, with about 8 points per quantization step: at most 8001 points, already far
        # more than the panel's 330 pixels (finer staircases blur into a line at any resolution).
        step = 2.0 * x_max / 2**n_bits
        grid = np.linspace(-self.view, self.view, int(min(max(2001, 16 * self.view / step + 1), 8001)))
        self.student_seconds = 0.0
        try:
            # Copies: a student's function that edits its input in place must not change our data.
            out = self._call_student(self.quantize_fn, grid.copy(), n_bits, -x_max, x_max, mode=mode)
            stairs = check_output(out, self.name, grid.shape)
            out = self._call_student(self.quantize_fn, self.x.copy(), n_bits, -x_max, x_max, mode=mode)
            xq = check_output(out, self.name, self.x.shape)
        except Exception as exc:  # the student's code: show the reason, not a traceback
            return self._show_message(student_message(exc, self.name))
        start = time.perf_counter()
        self._identity.set_data(grid, grid)
        self._stairs.set_data(grid, stairs)
        self._error.set_data(grid, stairs - grid)
        for line, edge in zip(self._edges, (-x_max, x_max, -x_max, x_max), strict=True):
            line.set_xdata([edge, edge])
        ax_err = self.axes[1]
        ax_err.relim()
        ax_err.autoscale_view(scalex=False)
        self.axes[0].set_title(f"{n_bits}-bit {mode} quantizer on [−{x_max:.2f}, {x_max:.2f})")
        clipped = float(np.mean((self.x < -x_max) | (self.x >= x_max)))
        self.axes[1].set_title(
            "quantization error" + (f": {clipped:.0%} of the signal overloads" if clipped else "")
        )
        self._render()
        self.kit_seconds = time.perf_counter() - start
        self._pace()
        value = sqnr_db(self.x, xq)
        sqnr = "∞" if math.isinf(value) else f"{value:.1f}"
        levels = np.unique(xq).size
        slow = (
            f" (your function took {self.student_seconds:.2f} s: the sliders update on release)"
            if self.student_seconds > SLOW_CALL
            else ""
        )
        return self._set_readout(
            f"{n_bits} bits, range ±{x_max:.2f}, {mode}: SQNR {sqnr} dB, "
            f"{levels} distinct output level{'s' if levels != 1 else ''} on the test signal{slow}"
        )


class SamplingExplorer(_Explorer):
    """Explore sampling and aliasing with a sample-rate slider.

    Shows the continuous signal, its samples at the chosen rate and the sinc (Whittaker–Shannon)
    reconstruction from those samples; the readout compares the signal's highest frequency with the
    Nyquist frequency ``fs / 2``.

    Parameters
    ----------
    signal_fn : Signal or callable
        ``signal_fn(t) -> values``; a :class:`~quantkit.signals.Signal` also gives the readout its
        ``max_freq``.
    sample_fn : callable, optional
        The student's ``sample(signal, fs, duration)``. It may return the sample values ``x`` (times
        are then taken as ``n / fs``) or a pair ``(t, x)``. Default: the explorer samples on its own
        grid (multiples of ``1 / fs`` below ``duration``).
    duration : float, default 1.0
        Seconds shown.
    fs : float, optional
        Initial sample rate. Default: 2.5 times ``max_freq`` (rounded), or 10 Hz if unknown.

    Attributes
    ----------
    fs : ipywidgets.FloatSlider
        Sample rate in Hz.
    readout : ipywidgets.HTML
        Sample rate, Nyquist frequency and whether the signal fits below it.
    image, message, widget, status
        As in :class:`QuantizerExplorer`.

    Notes
    -----
    CSS classes for browser tests: ``qk-fs``, ``qk-readout``, ``qk-plot``, ``qk-message``.

    Made by :func:`sampling_explorer`, which the notebooks call.
    """

    def __init__(
        self,
        signal_fn: Signal | Callable[[np.ndarray], Any],
        sample_fn: Callable[..., Any] | None = None,
        duration: float = 1.0,
        *,
        fs: float | None = None,
    ) -> None:
        if not callable(signal_fn):
            raise TypeError(f"signal_fn must be a Signal or a function of t, got {type(signal_fn).__name__}")
        if sample_fn is not None and not callable(sample_fn):
            raise TypeError(f"sample_fn must be a function or None, got {type(sample_fn).__name__}")
        self.signal_fn = signal_fn
        self.sample_fn = sample_fn
        self.t = dense_time(duration)
        self.duration = float(duration)
        self._signal_error = ""
        try:
            self.curve = check_output(signal_fn(self.t.copy()), function_name(signal_fn), self.t.shape)
        except Exception as exc:  # a student's signal function: report it in place of the plot
            self._signal_error = student_message(exc, function_name(signal_fn))
            self.curve = np.full(self.t.shape, np.nan)
        max_freq = getattr(signal_fn, "max_freq", None)
        self.max_freq: float | None = float(max_freq) if max_freq is not None else None
        finite = self.max_freq is not None and math.isfinite(self.max_freq) and self.max_freq > 0
        top = max(20.0, math.ceil(4.0 * self.max_freq)) if finite else 100.0  # type: ignore[operator]
        low = max(0.5, math.ceil(2.0 / self.duration * 2) / 2)  # at least two samples
        if fs is None:
            fs = round(2.5 * self.max_freq) if finite else 10.0  # type: ignore[operator]
        super().__init__(figsize=(9.0, 3.2), ncols=1)
        self.fs = widgets.FloatSlider(
            value=min(max(float(fs), low), top),
            min=low,
            max=top,
            step=0.5,
            description="fs (Hz)",
            readout_format=".1f",
            continuous_update=True,
        )
        self.sliders = [self.fs]
        ax = self.axes[0]
        with style():
            ax.plot(self.t, self.curve, color=COLORS["signal"], alpha=0.5, label="signal")
            (self._samples,) = ax.plot([], [], "o", color=COLORS["samples"], markersize=4, label="samples")
            self._stems = ax.vlines([], [], [], color=COLORS["samples"], linewidth=1)
            (self._recon,) = ax.plot(
                [], [], color=COLORS["reconstruction"], linestyle="--", label="sinc reconstruction"
            )
            ax.axhline(0.0, color=COLORS["guide"], linewidth=0.8)
            ax.set_xlim(0.0, self.duration)
            ax.set_xlabel("time (s)")
            ax.set_ylabel("amplitude")
            ax.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=3, borderaxespad=0.2)
        self.fs.observe(self._on_change, names="value")
        self.fs.add_class("qk-fs")
        self.widget = widgets.VBox([self.fs, self.readout, self.image, self.message])
        self.update()

    def _take_samples(self, fs: float) -> tuple[np.ndarray, np.ndarray]:
        if self.sample_fn is None:
            # The explorer's own grid: multiples of 1/fs below the duration.
            count = math.ceil(self.duration * fs - 1e-9)
            t = np.arange(count) / fs
            return t, check_output(self.signal_fn(t), function_name(self.signal_fn), t.shape)
        name = function_name(self.sample_fn)
        out = self._call_student(self.sample_fn, self.signal_fn, fs, self.duration)
        if isinstance(out, tuple) and len(out) == 2:
            t = _samples_1d(out[0], name, "times")
            x = check_output(out[1], name, t.shape)
        else:
            x = _samples_1d(out, name, "samples")
            t = np.arange(x.size) / fs
        return t, x

    def update(self, **values: Any) -> str:
        """Set ``fs`` (optional), redraw, and return the status line.

        Parameters
        ----------
        **values
            ``fs=<Hz>``; unknown names raise ``TypeError``.

        Returns
        -------
        str
            The readout (``"fs = 12.0 Hz, Nyquist fs/2 = 6.0 Hz; highest signal frequency 5.0 Hz: below
            Nyquist, the sinc reconstruction can recover it"``) or the message shown instead of the plot.
        """
        unknown = set(values) - {"fs"}
        if unknown:
            raise TypeError(f"update() got unknown control(s) {sorted(unknown)}; use fs")
        self._busy = True
        try:
            if "fs" in values:
                self.fs.value = values["fs"]
        finally:
            self._busy = False
        fs = float(self.fs.value)
        if self._signal_error:
            return self._show_message(self._signal_error)
        name = function_name(self.sample_fn) if self.sample_fn is not None else "the sampler"
        self.student_seconds = 0.0
        try:
            ts, xs = self._take_samples(fs)
        except Exception as exc:  # the student's code: show the reason, not a traceback
            return self._show_message(student_message(exc, name))
        if ts.size < 2:
            return self._show_message(f"{name} gave {ts.size} sample(s); the reconstruction needs at least 2")
        start = time.perf_counter()
        try:
            recon = sinc_interpolate(ts, xs, self.t)
        except ValueError as exc:  # uneven times from a student's sampler
            return self._show_message(f"{name}: {exc}")
        self._samples.set_data(ts, xs)
        self._stems.set_segments([np.array([[t, 0.0], [t, x]]) for t, x in zip(ts, xs, strict=True)])
        self._recon.set_data(self.t, recon)
        ax = self.axes[0]
        ax.relim()
        ax.autoscale_view(scalex=False)
        ax.set_title(f"{ts.size} samples at fs = {fs:g} Hz", loc="left")
        self._render()
        self.kit_seconds = time.perf_counter() - start
        self._pace()
        nyquist = fs / 2.0
        text = f"fs = {fs:.1f} Hz, Nyquist fs/2 = {nyquist:.1f} Hz"
        if self.max_freq is not None:
            if math.isinf(self.max_freq):
                text += "; the signal is not band-limited: some of it aliases at any rate"
            elif self.max_freq < nyquist:
                text += (
                    f"; highest signal frequency {self.max_freq:g} Hz: below Nyquist, "
                    "the sinc reconstruction can recover it"
                )
            else:
                text += f"; highest signal frequency {self.max_freq:g} Hz: not below Nyquist, expect aliasing"
        return self._set_readout(text)


def quantizer_explorer(
    quantize_fn: Callable[..., Any], signal: Signal | Callable[[np.ndarray], Any] | Any = None
) -> QuantizerExplorer:
    """Build a :class:`QuantizerExplorer` for the student's quantizer (display it as a cell's last line).

    Parameters
    ----------
    quantize_fn : callable
        ``quantize_fn(x, n_bits, x_min, x_max, mode="midrise")``.
    signal : Signal, callable or array_like, optional
        Test signal for the SQNR readout (default: a full-scale sine).

    Returns
    -------
    QuantizerExplorer

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    return QuantizerExplorer(quantize_fn, signal)


def sampling_explorer(
    signal_fn: Signal | Callable[[np.ndarray], Any],
    sample_fn: Callable[..., Any] | None = None,
    duration: float = 1.0,
) -> SamplingExplorer:
    """Build a :class:`SamplingExplorer` (display it as a cell's last line).

    Parameters
    ----------
    signal_fn : Signal or callable
        The continuous signal.
    sample_fn : callable, optional
        The student's ``sample(signal, fs, duration)``; default: the explorer's own grid.
    duration : float, default 1.0
        Seconds shown.

    Returns
    -------
    SamplingExplorer

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    return SamplingExplorer(signal_fn, sample_fn, duration)
