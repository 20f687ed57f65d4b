"""Interactive explorers built on the student's own functions (ipywidgets).

* :func:`quantizer_explorer` / :class:`QuantizerExplorer`: sliders for bits, range and mode drive the
  student's quantizer; shows its staircase, its error and the SQNR it reaches on a test signal.
* :func:`sampling_explorer` / :class:`SamplingExplorer`: a sample-rate slider; shows the signal, its
  samples and the sinc reconstruction from them, so aliasing is visible.
* :func:`bit_depth_explorer` / :class:`BitDepthExplorer`: bits and method (none, random, Bayer,
  Floyd–Steinberg) drive the student's own ordered-dither and error-diffusion functions on an image
  crop; shows the result, a zoomed crop and the error image, with PSNR before and after blurring.
* :func:`jpeg_explorer` / :class:`JpegExplorer`: a quality slider drives the student's JPEG pipeline;
  shows it next to a real JPEG written by Pillow at the same quality, the student's 8 x 8 table as a
  heat map, PSNR, file size and the fraction of zero coefficients.
* :func:`requantization_explorer` / :class:`RequantizationExplorer`: bits, dither and error feedback
  for the student's audio requantizers; shows the waveform, the error's spectrum against the theory
  and the SQNR, and plays the result and the (amplified) error.

Each explorer is a small class whose :meth:`update` method is pure Python: it takes slider values,
redraws one reused matplotlib figure (no pyplot, no ipympl) into an ``ipywidgets.Image`` and returns a
status line (the readout, or the error message). The sliders call it; tests call it directly. When the
student's function raises or returns something unusable, the message replaces the plot, in plain words,
instead of a traceback.

Speed: the kit's own work per update (drawing and PNG encoding) stays under 100 ms at the sizes used;
the student's function is timed separately (``student_seconds``). Sliders update continuously while
the student's function is fast; once a call takes longer than :data:`SLOW_CALL` seconds, they update
on release instead, and the readout says "computing…" while a call runs.

Used in: notebooks/01_sampling_quantization.ipynb, notebooks/02_audio.ipynb, notebooks/03_images.ipynb
"""

from __future__ import annotations

import html
import io
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from quantkit._style import COLORS, style
from quantkit.metrics import sqnr_db
from quantkit.plots._student import BadOutputError, check_output, function_name, student_message
from quantkit.signals import Signal, dense_time, ntf_power, psd, sinc_interpolate, sine

__all__ = [
    "SLOW_CALL",
    "BitDepthExplorer",
    "JpegExplorer",
    "QuantizerExplorer",
    "RequantizationExplorer",
    "SamplingExplorer",
    "bit_depth_explorer",
    "jpeg_explorer",
    "quantizer_explorer",
    "requantization_explorer",
    "sampling_explorer",
]

_DPI = 80
#: A student's function slower than this (seconds per update) makes the sliders update on release.
SLOW_CALL = 0.1


class _Explorer:
    """Shared parts: a reused figure rendered to PNG, a readout, and a message shown instead of the plot."""

    def __init__(
        self, figsize: tuple[float, float], ncols: int, margins: dict[str, float] | None = None
    ) -> None:
        with style():
            # Fixed margins instead of a layout engine: layout is the costliest part of a redraw.
            self.figure = Figure(figsize=figsize, dpi=_DPI, layout="none")
            self.figure.subplots_adjust(
                **(
                    margins
                    or {
                        "left": 0.09 if ncols == 1 else 0.08,
                        "right": 0.98,
                        "bottom": 0.15,
                        "top": 0.9,
                        "wspace": 0.3,
                    }
                )
            )
            FigureCanvasAgg(self.figure)
            self.axes = list(np.atleast_1d(self.figure.subplots(1, ncols)))
        self.image = widgets.Image(format="png")
        self.message = widgets.HTML(layout=widgets.Layout(display="none"))
        self.readout = widgets.HTML()
        # CSS classes let a browser test find the parts: .qk-plot, .qk-message, .qk-readout, ...
        self.image.add_class("qk-plot")
        self.message.add_class("qk-message")
        self.readout.add_class("qk-readout")
        self.status = ""
        self._busy = False
        self.student_seconds = 0.0  # the student's own function, last update
        self.kit_seconds = 0.0  # the explorer's own work (drawing, encoding), last update
        self.sliders: list[Any] = []

    def _call_student(self, func: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """Call the student's function, adding its time to :attr:`student_seconds`."""
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            self.student_seconds += time.perf_counter() - start

    def _pace(self) -> None:
        """Continuous slider updates while the student's function is fast, on release once it is slow."""
        continuous = self.student_seconds <= SLOW_CALL
        for slider in self.sliders:
            if slider.continuous_update != continuous:
                slider.continuous_update = continuous

    def _computing(self) -> None:
        """Say "computing…" while a slow student's function runs (the status is replaced after)."""
        if self.student_seconds > SLOW_CALL:
            self.readout.value = "<b>computing…</b>"

    def _render(self) -> None:
        buf = io.BytesIO()
        with style():
            # Fast PNG: light compression.
            self.figure.canvas.print_png(buf, pil_kwargs={"compress_level": 1})  # type: ignore[attr-defined]
        self.image.value = buf.getvalue()
        self.image.layout.display = None
        self.message.layout.display = "none"

    def _show_message(self, text: str) -> str:
        self.message.value = (
            '<div style="padding:1em;border:1px solid #d62728;color:#8b0000;font-family:monospace">'
            f"{html.escape(text)}</div>"
        )
        self.message.layout.display = None
        self.image.layout.display = "none"
        self.readout.value = ""
        self.status = text
        return text

    def _set_readout(self, text: str) -> str:
        self.readout.value = f"<b>{html.escape(text)}</b>"
        self.status = text
        return text

    def _on_change(self, _change: Any = None) -> None:
        if not self._busy:
            self._computing()
            self.update()

    def update(self, **values: Any) -> str:  # pragma: no cover - overridden
        raise NotImplementedError

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)  # type: ignore[attr-defined]


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


def _samples_1d(out: Any, name: str, what: str) -> np.ndarray:
    """A student's 1-D array of sample times or values, as float64 (BadOutputError otherwise)."""
    if out is None or isinstance(out, (str, bytes, dict)):
        return check_output(out, name, (0,))  # raises with the plain-words message
    try:
        shape = np.shape(out)
    except Exception:  # ragged
        shape = ()
    if len(shape) != 1:
        raise BadOutputError(f"{name} returned {what} of shape {shape}; expected a 1-D array")
    return check_output(out, name, shape)


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


# -------------------------------------------------------------------------------------------- audio

#: Error-feedback settings of :class:`RequantizationExplorer`: label -> taps ``h``.
SHAPING = {"off": (), "first order, 1 - z^-1": (1.0,), "second order, (1 - z^-1)^2": (2.0, -1.0)}
#: Variance of each dither kind, in units of step**2 (RPDF: 1/12, TPDF: 1/6).
_DITHER_VARIANCE = {"none": 0.0, "rpdf": 1.0 / 12.0, "tpdf": 1.0 / 6.0}
#: The waveform panel shows the first this many seconds of the excerpt, sample by sample.
WAVEFORM_S = 0.025


class RequantizationExplorer(_Explorer):
    """Requantize an audio excerpt with the student's functions: bits, dither, error feedback.

    The explorer calls, depending on the controls (``B`` bits, step ``2**-(B-1)``):

    * no shaping, no dither: ``requantize(x, B)``;
    * no shaping, dither ``kind``: ``dithered_requantize(x, B, kind, rng)``;
    * shaping with taps ``h``, no dither: ``noise_shaped_requantize(x, B, h)``;
    * shaping and dither: ``noise_shaped_requantize(x + s, B, h)`` with ``d = rpdf_dither(n, step,
      rng)`` or ``tpdf_dither(...)`` and ``s[n] = d[n] - sum_k h[k] d[n-1-k]`` (the dither filtered by
      the NTF). That is exactly dither added *inside* the loop, with the fed-back error including it:
      the output error is ``NTF * (d + rounding error)``.

    ``rng`` is ``numpy.random.default_rng(seed)``, fresh for every update, so a setting always gives
    the same result. The figure shows the excerpt and the result, and the error's power spectral
    density (:func:`quantkit.signals.psd`) with the model overlaid: ``(step**2 / 12 + dither
    variance) * |NTF(f)|**2`` as a one-sided density (:func:`quantkit.signals.ntf_power`). Two players
    play the result and the error ``y - x`` amplified by a power of two (its gain is in the label). The
    waveform panel shows the first :data:`WAVEFORM_S` seconds sample by sample (the staircase is
    visible there); the spectrum, the SQNR and the players use the whole excerpt.

    Parameters
    ----------
    x : array_like, shape (n,)
        The excerpt (mono, in ``[-1, 1]``; about 0.5 s keeps a plain Python loop responsive).
    rate : int
        Its sample rate in Hz.
    requantize : callable
        ``requantize(x, n_bits)``.
    dithered_requantize, noise_shaped_requantize, rpdf_dither, tpdf_dither : callable, optional
        The other functions; a control that needs a missing one shows a message instead of the plot.
    bits, dither, shaping : optional
        Initial controls: 8, ``"none"``, ``"off"`` (a key of :data:`SHAPING`).
    seed : int, default 0
        Seed of the dither generator.

    Attributes
    ----------
    bits : ipywidgets.IntSlider
        1 to 16 bits.
    dither : ipywidgets.Dropdown
        ``"none"``, ``"rpdf"``, ``"tpdf"``.
    shaping : ipywidgets.Dropdown
        The keys of :data:`SHAPING`.
    result_player, error_player : ipywidgets.Audio
        The result and the amplified error (exact 16-bit codes when on the grid:
        :func:`quantkit.audio.wav_bytes`).
    student_seconds, kit_seconds : float
        Time of the last update spent in the student's functions and in the explorer itself
        (computing the spectrum, drawing, encoding the players).
    readout, image, message, widget, status
        As in :class:`QuantizerExplorer`.

    Notes
    -----
    CSS classes for browser tests: ``qk-bits``, ``qk-dither``, ``qk-shaping``, ``qk-readout``,
    ``qk-plot``, ``qk-message``, ``qk-player``. When the student's functions take longer than
    :data:`SLOW_CALL`, the bits slider switches to updating on release and the readout says
    "computing…" while they run.
    """

    def __init__(
        self,
        x: Any,
        rate: int,
        requantize: Callable[..., Any],
        dithered_requantize: Callable[..., Any] | None = None,
        noise_shaped_requantize: Callable[..., Any] | None = None,
        rpdf_dither: Callable[..., Any] | None = None,
        tpdf_dither: Callable[..., Any] | None = None,
        *,
        bits: int = 8,
        dither: str = "none",
        shaping: str = "off",
        seed: int = 0,
    ) -> None:
        from quantkit.audio import _check_audio, _check_rate

        self.x = _check_audio(x)
        if self.x.ndim != 1:
            raise ValueError(f"the excerpt must be mono (1-D), got shape {self.x.shape}")
        self.rate = _check_rate(rate)
        self.functions: Mapping[str, Callable[..., Any] | None] = {
            "requantize": requantize,
            "dithered_requantize": dithered_requantize,
            "noise_shaped_requantize": noise_shaped_requantize,
            "rpdf_dither": rpdf_dither,
            "tpdf_dither": tpdf_dither,
        }
        for key, fn in self.functions.items():
            if fn is not None and not callable(fn):
                raise TypeError(f"{key} must be a function, got {type(fn).__name__}")
        if not callable(requantize):
            raise TypeError(f"requantize must be a function, got {type(requantize).__name__}")
        if shaping not in SHAPING:
            raise ValueError(f"shaping must be one of {list(SHAPING)}, got {shaping!r}")
        self.seed = int(seed)
        self.student_seconds = 0.0
        self.kit_seconds = 0.0
        super().__init__(figsize=(9.0, 5.6), ncols=1)
        self.figure.clear()
        self.figure.subplots_adjust(left=0.09, right=0.98, bottom=0.09, top=0.95, hspace=0.45)
        with style():
            self.axes = list(self.figure.subplots(2, 1))
        self.bits = widgets.IntSlider(value=bits, min=1, max=16, step=1, description="bits")
        self.sliders = [self.bits]
        self.dither = widgets.Dropdown(options=["none", "rpdf", "tpdf"], value=dither, description="dither")
        self.shaping = widgets.Dropdown(options=list(SHAPING), value=shaping, description="feedback")
        self.result_player = widgets.Audio(format="wav", autoplay=False, controls=True)
        self.error_player = widgets.Audio(format="wav", autoplay=False, controls=True)
        self._result_label = widgets.HTML("result")
        self._error_label = widgets.HTML("error")
        ax_wave, ax_psd = self.axes
        shown = max(2, min(self.x.size, round(WAVEFORM_S * self.rate)))
        self._shown = shown
        t_ms = 1000.0 * np.arange(shown) / self.rate
        with style():
            (self._wave,) = ax_wave.plot(
                t_ms,
                self.x[:shown],
                color=COLORS["quantized"],
                linewidth=1.0,
                drawstyle="steps-mid",
                label="result",
            )
            ax_wave.plot(t_ms, self.x[:shown], color=COLORS["signal"], linewidth=1.0, label="excerpt")
            ax_wave.set_xlabel(f"time (ms), the first {1000 * shown / self.rate:.0f} ms of the excerpt")
            ax_wave.set_ylabel("amplitude")
            ax_wave.set_xlim(0.0, t_ms[-1])
            ax_wave.legend(loc="upper right", ncol=2)
            (self._psd,) = ax_psd.plot([], [], color=COLORS["error"], linewidth=1.0, label="error, measured")
            (self._theory,) = ax_psd.plot(
                [], [], color=COLORS["theory"], linestyle="--", linewidth=1.2, label="model × |NTF|²"
            )
            ax_psd.set_xlabel("frequency (Hz)")
            ax_psd.set_ylabel("error PSD (dB/Hz)")
            ax_psd.set_xlim(0.0, self.rate / 2)
            # Fixed limits: from 16-bit rounding noise (about -150 dB/Hz at 44.1 kHz) to 1-bit shaped noise.
            ax_psd.set_ylim(-170.0, -20.0)
            ax_psd.legend(loc="lower right", ncol=2)
            ax_wave.set_title("the excerpt and the result", loc="left")
            ax_psd.set_title(
                "the error y − x: measured and model (step²/12 + dither variance) × |NTF|²", loc="left"
            )
        peak = float(np.max(np.abs(self.x)))
        self._wave_limit = 1.15 * peak if peak > 0 else 1.0
        ax_wave.set_ylim(-self._wave_limit, self._wave_limit)
        # Blitting: the axes, labels and legends are drawn once; an update redraws only the three lines.
        self._dynamic = (self._wave, self._psd, self._theory)
        for artist in self._dynamic:
            artist.set_animated(True)
        with style():
            self.figure.canvas.draw()
        self._background = self.figure.canvas.copy_from_bbox(self.figure.bbox)
        for control, css in (
            (self.bits, "qk-bits"),
            (self.dither, "qk-dither"),
            (self.shaping, "qk-shaping"),
        ):
            control.observe(self._on_change, names="value")
            control.add_class(css)
        for player in (self.result_player, self.error_player):
            player.add_class("qk-player")
        players = widgets.HBox(
            [
                widgets.VBox([self._result_label, self.result_player]),
                widgets.VBox([self._error_label, self.error_player]),
            ]
        )
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.bits, self.dither, self.shaping]),
                self.readout,
                self.image,
                self.message,
                players,
            ]
        )
        self.update()

    def _call(self, n_bits: int, kind: str, taps: tuple[float, ...]) -> np.ndarray:
        """Run the student's functions for one setting; returns their result (float64, checked)."""
        step = 2.0 ** -(n_bits - 1)
        rng = np.random.default_rng(self.seed)
        x = self.x.copy()
        if not taps:
            if kind == "none":
                name, fn, args = "requantize", self.functions["requantize"], (x, n_bits)
            else:
                name, fn = "dithered_requantize", self.functions["dithered_requantize"]
                args = (x, n_bits, kind, rng)
            if fn is None:
                raise _MissingFunction(name)
            return check_output(fn(*args), name, x.shape)
        shaper = self.functions["noise_shaped_requantize"]
        if shaper is None:
            raise _MissingFunction("noise_shaped_requantize")
        if kind != "none":
            dname = f"{kind}_dither"
            draw = self.functions[dname]
            if draw is None:
                raise _MissingFunction(dname)
            d = check_output(draw(x.size, step, rng), dname, x.shape)
            from scipy.signal import lfilter

            x = x + lfilter(np.concatenate([[1.0], -np.asarray(taps)]), [1.0], d)
        return check_output(shaper(x, n_bits, taps), "noise_shaped_requantize", self.x.shape)

    def update(self, **values: Any) -> str:
        """Set any of ``bits``, ``dither``, ``shaping``, recompute with the student's functions, redraw.

        Returns
        -------
        str
            The readout (``"8 bits, tpdf dither, feedback off: SQNR 21.3 dB; ..."``) or the message shown
            instead of the plot.
        """
        unknown = set(values) - {"bits", "dither", "shaping"}
        if unknown:
            raise TypeError(f"update() got unknown control(s) {sorted(unknown)}; use bits, dither or shaping")
        self._busy = True
        try:
            for key, value in values.items():
                getattr(self, key).value = value
        finally:
            self._busy = False
        n_bits, kind, shaping = int(self.bits.value), str(self.dither.value), str(self.shaping.value)
        taps = SHAPING[shaping]
        self._computing()
        start = time.perf_counter()
        try:
            y = self._call(n_bits, kind, taps)
        except _MissingFunction as missing:
            self.student_seconds = time.perf_counter() - start
            return self._show_message(f"this setting needs {missing.name}: pass it to the explorer")
        except Exception as exc:  # the student's code: show the reason, not a traceback
            self.student_seconds = time.perf_counter() - start
            name = "your function" if not isinstance(exc, NotImplementedError) else self._needed(kind, taps)
            return self._show_message(student_message(exc, name))
        kit_start = time.perf_counter()
        self.student_seconds = kit_start - start
        self._pace()
        from quantkit.audio import wav_bytes

        step = 2.0 ** -(n_bits - 1)
        error = y - self.x
        freqs, density = psd(error, self.rate, nperseg=min(1024, error.size))
        variance = step**2 / 12.0 + _DITHER_VARIANCE[kind] * step**2
        model = 2.0 * variance / self.rate * ntf_power(taps, freqs, self.rate)
        floor = 1e-30
        self._wave.set_ydata(y[: self._shown])
        self._psd.set_data(freqs, 10 * np.log10(np.maximum(density, floor)))
        self._theory.set_data(freqs, 10 * np.log10(np.maximum(model, floor)))
        self._render_lines()
        clipped = bool(np.any(np.abs(y) > 1.0))
        if not clipped:
            self.result_player.value = wav_bytes(y, self.rate)
        peak = float(np.max(np.abs(error)))
        shift = math.floor(math.log2(0.5 / peak)) if peak > 0 else 0
        self.error_player.value = wav_bytes(np.clip(error * 2.0**shift, -1.0, 1.0), self.rate)
        self._result_label.value = f"result ({n_bits} bits)"
        self._error_label.value = f"error y − x, amplified ×2<sup>{shift}</sup> (+{6.02 * shift:.0f} dB)"
        value = sqnr_db(self.x, y)
        sqnr = "∞" if math.isinf(value) else f"{value:.1f}"
        self.kit_seconds = time.perf_counter() - kit_start
        dither_text = "no dither" if kind == "none" else f"{kind} dither"
        return self._set_readout(
            f"{n_bits} bits, {dither_text}, feedback {shaping}: SQNR {sqnr} dB "
            f"(your functions {1000 * self.student_seconds:.0f} ms, "
            f"explorer {1000 * self.kit_seconds:.0f} ms)"
        )

    def _render_lines(self) -> None:
        """Restore the drawn background, draw the three lines on it, encode the canvas as PNG."""
        from PIL import Image

        canvas = self.figure.canvas
        canvas.restore_region(self._background)
        with style():
            for artist in self._dynamic:
                artist.axes.draw_artist(artist)
        width, height = canvas.get_width_height()
        buf = io.BytesIO()
        Image.frombuffer("RGBA", (width, height), canvas.buffer_rgba(), "raw", "RGBA", 0, 1).save(
            buf, format="png", compress_level=1
        )
        self.image.value = buf.getvalue()
        self.image.layout.display = None
        self.message.layout.display = "none"

    @staticmethod
    def _needed(kind: str, taps: tuple[float, ...]) -> str:
        if taps:
            return (
                "noise_shaped_requantize" if kind == "none" else f"noise_shaped_requantize and {kind}_dither"
            )
        return "requantize" if kind == "none" else "dithered_requantize"


class _MissingFunction(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(name)
        self.name = name


def requantization_explorer(
    x: Any,
    rate: int,
    requantize: Callable[..., Any],
    dithered_requantize: Callable[..., Any] | None = None,
    noise_shaped_requantize: Callable[..., Any] | None = None,
    rpdf_dither: Callable[..., Any] | None = None,
    tpdf_dither: Callable[..., Any] | None = None,
    **controls: Any,
) -> RequantizationExplorer:
    """Build a :class:`RequantizationExplorer` (display it as a cell's last line).

    Parameters
    ----------
    x : array_like
        A mono excerpt in ``[-1, 1]`` (about 0.5 s).
    rate : int
        Its sample rate.
    requantize, dithered_requantize, noise_shaped_requantize, rpdf_dither, tpdf_dither : callable
        The student's functions (all but ``requantize`` optional).
    **controls
        ``bits``, ``dither``, ``shaping``, ``seed``: initial settings.

    Returns
    -------
    RequantizationExplorer

    Used in: notebooks/02_audio.ipynb
    """
    return RequantizationExplorer(
        x,
        rate,
        requantize,
        dithered_requantize,
        noise_shaped_requantize,
        rpdf_dither,
        tpdf_dither,
        **controls,
    )


# ------------------------------------------------------------------------------------------- images

_BLUR_SIGMA = 1.5


def _grey_uint8(image: Any, name: str = "image") -> np.ndarray:
    arr = np.asarray(image)
    if arr.dtype != np.uint8 or arr.ndim != 2 or min(arr.shape) < 8:
        raise ValueError(
            f"{name} must be a 2-D uint8 grey image of at least 8 x 8 pixels, "
            f"got {arr.dtype} of shape {arr.shape}"
        )
    return arr.copy()


def _uint8_output(out: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """A student's image result: same shape, integer values 0..255 (returned as float64 for metrics)."""
    values = check_output(out, name, shape)
    if np.any(values < 0) or np.any(values > 255) or np.any(values != np.round(values)):
        raise BadOutputError(f"{name} returned values that are not whole grey levels 0..255")
    return values


class _ImageExplorer(_Explorer):
    """An explorer of image panels: one update is timed as a whole, the student's calls apart."""

    sliders: list[Any]

    def __init__(self, figsize: tuple[float, float], ncols: int) -> None:
        super().__init__(
            figsize, ncols, margins={"left": 0.01, "right": 0.99, "bottom": 0.02, "top": 0.86, "wspace": 0.08}
        )

    def _begin(self) -> float:
        """Start an update: "computing…" if the last one was slow, the student's time reset."""
        self._computing()
        self.student_seconds = 0.0
        return time.perf_counter()

    def _finish(self, start: float) -> None:
        """End an update: the explorer's own share of it, and the sliders' pace."""
        self.kit_seconds = max(time.perf_counter() - start - self.student_seconds, 0.0)
        self._pace()


class BitDepthExplorer(_ImageExplorer):
    """Explore bit depth and dithering on an image crop with the student's own functions.

    Methods (all on the grid of ``2**bits`` levels ``round(k * 255 / (2**bits - 1))``):

    * ``"none"``: ``ordered_dither(img, bits, [[0]])``: a 1 x 1 threshold map, threshold 1/2 everywhere,
      which is plain rounding to the nearest level;
    * ``"random"``: ``ordered_dither(img, bits, P)`` with ``P`` a random permutation of
      ``0 .. n*n - 1`` (seeded) covering the whole crop: every pixel gets its own random threshold;
    * ``"Bayer"``: ``ordered_dither(img, bits, bayer_matrix(bayer_size))``;
    * ``"Floyd–Steinberg"``: ``floyd_steinberg(img, bits)``.

    Parameters
    ----------
    image : array_like of uint8, shape (H, W)
        The grey image (about 128 x 128 keeps a plain Python error-diffusion loop fast).
    ordered_dither : callable
        The student's ``ordered_dither(img, n_bits, bayer)``.
    floyd_steinberg : callable, optional
        The student's ``floyd_steinberg(img, n_bits, serpentine=False)``; without it the method is
        not offered.
    bayer_matrix : callable, optional
        The student's ``bayer_matrix(n)``; without it the method "Bayer" is not offered.
    bits : int, default 1
        Initial bit depth (1..8).
    method : str, default "Bayer"
        Initial method.
    bayer_size : int, default 4
        The Bayer matrix size used by "Bayer".
    zoom : (top, left, size), optional
        The square shown enlarged in the middle panel. Default: a 32 x 32 square in the middle.
    seed : int, default 0
        Seed of the random threshold map.

    Attributes
    ----------
    bits : ipywidgets.IntSlider
        Bit depth, 1 to 8.
    method : ipywidgets.Dropdown
        The method.
    readout : ipywidgets.HTML
        Levels, PSNR against the original, PSNR after a Gaussian blur of sigma 1.5 px on both
        (what an eye at a distance sees), the mean error, and the time of the student's functions.
    student_seconds, kit_seconds : float
        Seconds of the last update spent in the student's functions and in the explorer's own work
        (computing metrics and drawing).
    image, message, widget, status
        As in :class:`QuantizerExplorer`.

    Notes
    -----
    CSS classes for browser tests: ``qk-bits``, ``qk-method``, ``qk-readout``, ``qk-plot``,
    ``qk-message``.

    Made by :func:`bit_depth_explorer`, which the notebooks call.
    """

    def __init__(
        self,
        image: Any,
        ordered_dither: Callable[..., Any],
        floyd_steinberg: Callable[..., Any] | None = None,
        bayer_matrix: Callable[..., Any] | None = None,
        *,
        bits: int = 1,
        method: str = "Bayer",
        bayer_size: int = 4,
        zoom: tuple[int, int, int] | None = None,
        seed: int = 0,
    ) -> None:
        for label, fn in (
            ("ordered_dither", ordered_dither),
            ("floyd_steinberg", floyd_steinberg),
            ("bayer_matrix", bayer_matrix),
        ):
            if fn is not None and not callable(fn):
                raise TypeError(f"{label} must be a function, got {type(fn).__name__}")
        if not callable(ordered_dither):
            raise TypeError("ordered_dither must be a function")
        self.img = _grey_uint8(image)
        h, w = self.img.shape
        self.ordered_dither_fn = ordered_dither
        self.floyd_steinberg_fn = floyd_steinberg
        self.bayer_matrix_fn = bayer_matrix
        self.bayer_size = int(bayer_size)
        options = ["none", "random"]
        if bayer_matrix is not None:
            options.append("Bayer")
        if floyd_steinberg is not None:
            options.append("Floyd–Steinberg")
        if method == "Bayer" and "Bayer" not in options:
            method = "none"  # the default, when no bayer_matrix is given
        if method not in options:
            raise ValueError(f"method must be one of {options}, got {method!r}")
        size = max(h, w)
        self._random_map = np.random.default_rng(seed).permutation(size * size).reshape(size, size)
        if zoom is None:
            side = min(32, h, w)
            zoom = ((h - side) // 2, (w - side) // 2, side)
        top, left, side = (int(v) for v in zoom)
        if side < 2 or top < 0 or left < 0 or top + side > h or left + side > w:
            raise ValueError(f"zoom {zoom} does not fit inside the {h} x {w} image")
        self.zoom = (top, left, side)
        self._reference_blur = _blur(self.img)
        super().__init__(figsize=(9.6, 3.6), ncols=3)
        self.bits = widgets.IntSlider(
            value=bits, min=1, max=8, step=1, description="bits", continuous_update=True
        )
        self.method = widgets.Dropdown(options=options, value=method, description="method")
        self.sliders = [self.bits]
        ax_img, ax_zoom, ax_err = self.axes
        from matplotlib.patches import Rectangle

        with style():
            self._shown = ax_img.imshow(self.img, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
            ax_img.add_patch(Rectangle((left - 0.5, top - 0.5), side, side, fill=False, edgecolor="#ff7f0e"))
            crop = self.img[top : top + side, left : left + side]
            self._zoomed = ax_zoom.imshow(crop, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
            self._err = ax_err.imshow(
                np.zeros(self.img.shape), cmap="RdBu_r", vmin=-1, vmax=1, interpolation="nearest"
            )
            for a in self.axes:
                a.set_axis_off()
                a.set_title(" ", y=1.0, pad=4)  # a fixed height: automatic placement costs a layout pass
            ax_zoom.title.set_text(f"zoom: {side} x {side} pixels")
        for control in (self.bits, self.method):
            control.observe(self._on_change, names="value")
        self.bits.add_class("qk-bits")
        self.method.add_class("qk-method")
        self.widget = widgets.VBox(
            [widgets.HBox([self.bits, self.method]), self.readout, self.image, self.message]
        )
        self.update()

    def _result(self, n_bits: int, method: str) -> tuple[np.ndarray, str]:
        img = self.img.copy()
        if method == "none":
            fn, args = self.ordered_dither_fn, (img, n_bits, np.zeros((1, 1), dtype=np.int64))
        elif method == "random":
            fn, args = self.ordered_dither_fn, (img, n_bits, self._random_map.copy())
        elif method == "Bayer":
            try:
                bayer = np.asarray(self._call_student(self.bayer_matrix_fn, self.bayer_size))  # type: ignore[arg-type]
            except Exception as exc:
                raise _StudentFailure(student_message(exc, function_name(self.bayer_matrix_fn))) from None
            if bayer.shape != (self.bayer_size, self.bayer_size):
                raise BadOutputError(
                    f"{function_name(self.bayer_matrix_fn)} returned shape {bayer.shape} "
                    f"for n = {self.bayer_size}"
                )
            fn, args = self.ordered_dither_fn, (img, n_bits, bayer)
        else:
            fn, args = self.floyd_steinberg_fn, (img, n_bits)
        name = function_name(fn)
        try:
            out = self._call_student(fn, *args)
        except Exception as exc:
            raise _StudentFailure(student_message(exc, name)) from None
        return _uint8_output(out, name, self.img.shape), name

    def update(self, **values: Any) -> str:
        """Set any of ``bits``, ``method``, redraw, and return the status line.

        Parameters
        ----------
        **values
            New control values, e.g. ``update(bits=2, method="Floyd–Steinberg")``. Unknown names raise
            ``TypeError``.

        Returns
        -------
        str
            The readout or the message shown instead of the plot.
        """
        unknown = set(values) - {"bits", "method"}
        if unknown:
            raise TypeError(f"update() got unknown control(s) {sorted(unknown)}; use bits or method")
        self._busy = True
        try:
            for key, value in values.items():
                getattr(self, key).value = value
        finally:
            self._busy = False
        n_bits, method = int(self.bits.value), str(self.method.value)
        start = self._begin()
        try:
            out, _name = self._result(n_bits, method)
        except _StudentFailure as exc:
            self._finish(start)
            return self._show_message(str(exc))
        except BadOutputError as exc:
            self._finish(start)
            return self._show_message(str(exc))
        top, left, side = self.zoom
        err = out - self.img
        step = 255.0 / (2**n_bits - 1)
        self._shown.set_data(out)
        self._zoomed.set_data(out[top : top + side, left : left + side])
        self._err.set_data(err)
        self._err.set_clim(-step, step)
        levels = 2**n_bits
        self.axes[0].title.set_text(f"{method}, {n_bits} bit{'s' if n_bits > 1 else ''} ({levels} levels)")
        self.axes[2].title.set_text(f"error (blue −{step:.0f} … red +{step:.0f})")
        from quantkit.metrics import psnr

        plain = psnr(self.img, out, data_range=255.0)
        blurred = psnr(self._reference_blur, _blur(out), data_range=255.0)
        self._render()
        self._finish(start)

        def db(v: float) -> str:
            return "∞" if math.isinf(v) else f"{v:.1f}"

        return self._set_readout(
            f"{n_bits} bit{'s' if n_bits > 1 else ''}, {method}: PSNR {db(plain)} dB, "
            f"after blurring both (σ = {_BLUR_SIGMA} px) "
            f"{db(blurred)} dB, mean error {float(err.mean()):+.2f} grey levels; your functions "
            f"{1000 * self.student_seconds:.0f} ms, explorer {1000 * self.kit_seconds:.0f} ms"
        )


class _StudentFailure(Exception):
    """The student's function failed; the message is ready to show."""


def _blur(img: np.ndarray) -> np.ndarray:
    from scipy.ndimage import gaussian_filter

    return gaussian_filter(np.asarray(img, dtype=np.float64), _BLUR_SIGMA, mode="reflect")


class JpegExplorer(_ImageExplorer):
    """Explore JPEG quality with the student's own pipeline next to a real JPEG written by Pillow.

    Parameters
    ----------
    image : array_like of uint8, shape (H, W)
        The grey image (about 128 to 256 pixels a side keeps the update fast).
    jpeg_roundtrip : callable
        The student's ``jpeg_roundtrip(img, quality)`` returning the decoded uint8 image.
    jpeg_quant_table : callable, optional
        The student's ``jpeg_quant_table(quality, base)``; called with
        :data:`quantkit.images.ANNEX_K_LUMINANCE`, drawn as a heat map and compared with the table
        Pillow wrote. Default: the heat map shows Pillow's table.
    jpeg_quantize_block : callable, optional
        The student's ``jpeg_quantize_block(coeffs, table)``: with it (and ``jpeg_quant_table``) the
        readout gives the fraction of zero coefficients, quantizing the image's orthonormal block DCT
        (level-shifted by 128, edge-padded to a multiple of 8) with the student's table.
    quality : int, default 50
        Initial quality.
    numbers : bool, default False
        Write the table's 64 values into the heat map. Text is the costliest part of a redraw: it
        doubles the explorer's own time per update (about 45 ms more), so by default the heat map
        shows colours only and the readout gives the DC step and the range of the steps.

    Attributes
    ----------
    quality : ipywidgets.IntSlider
        IJG quality, 1 to 100.
    readout : ipywidgets.HTML
        PSNR of the student's result and of Pillow's, Pillow's file size in bits per pixel, whether
        the student's table equals Pillow's, the zero fraction, and the timing.
    student_seconds, kit_seconds : float
        As in :class:`BitDepthExplorer`.
    image, message, widget, status
        As in :class:`QuantizerExplorer`.

    Notes
    -----
    CSS classes for browser tests: ``qk-quality``, ``qk-readout``, ``qk-plot``, ``qk-message``.

    Made by :func:`jpeg_explorer`, which the notebooks call.
    """

    def __init__(
        self,
        image: Any,
        jpeg_roundtrip: Callable[..., Any],
        jpeg_quant_table: Callable[..., Any] | None = None,
        jpeg_quantize_block: Callable[..., Any] | None = None,
        *,
        quality: int = 50,
        numbers: bool = False,
    ) -> None:
        for label, fn in (
            ("jpeg_roundtrip", jpeg_roundtrip),
            ("jpeg_quant_table", jpeg_quant_table),
            ("jpeg_quantize_block", jpeg_quantize_block),
        ):
            if fn is not None and not callable(fn):
                raise TypeError(f"{label} must be a function, got {type(fn).__name__}")
        if not callable(jpeg_roundtrip):
            raise TypeError("jpeg_roundtrip must be a function")
        from quantkit import images

        self.img = _grey_uint8(image)
        self.roundtrip_fn = jpeg_roundtrip
        self.table_fn = jpeg_quant_table
        self.quantize_fn = jpeg_quantize_block
        h, w = self.img.shape
        padded = np.pad(self.img.astype(np.float64), ((0, -h % 8), (0, -w % 8)), mode="edge") - 128.0
        self._coeffs = images.block_dct(images.to_blocks(padded))
        super().__init__(figsize=(9.6, 3.6), ncols=3)
        self.quality = widgets.IntSlider(
            value=quality, min=1, max=100, step=1, description="quality", continuous_update=True
        )
        self.sliders = [self.quality]
        ax_you, ax_pil, ax_table = self.axes
        with style():
            self._yours = ax_you.imshow(self.img, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
            self._pillow = ax_pil.imshow(self.img, cmap="gray", vmin=0, vmax=255, interpolation="nearest")
            # A fixed logarithmic colour scale from 1 to 255, so that colours mean the same step size
            # at every quality; the darker 70 % of viridis, so that white numbers read on every cell.
            from matplotlib import colormaps
            from matplotlib.colors import ListedColormap, LogNorm

            dark = ListedColormap(colormaps["viridis"](np.linspace(0.0, 0.7, 256)))
            self._table = ax_table.imshow(
                np.ones((8, 8)), cmap=dark, norm=LogNorm(1, 255), interpolation="nearest"
            )
            # One monospace text per row (8 draws instead of 64, and no outline: text is the costliest
            # part of a redraw), sized so that five characters span one cell.

            box = ax_table.get_position()  # the square image fills the smaller side of the axes box
            cell_px = (
                min(self.figure.get_figwidth() * box.width, self.figure.get_figheight() * box.height)
                * _DPI
                / 8
            )
            size_pt = cell_px / 5 / 0.602 * 72 / _DPI  # DejaVu Sans Mono advances 0.602 em
            self._rows = [
                ax_table.text(
                    3.5,
                    r,
                    "",
                    ha="center",
                    va="center",
                    family="monospace",
                    fontsize=size_pt,
                    color="white",
                )
                for r in range(8 if numbers else 0)
            ]
            if numbers:
                # Glyph advances are whole pixels (hinting), so pick, among nearby sizes, the one whose row of
                # 8 five-character cells is closest to the image's width.
                probe = self._rows[0]
                probe.set_text(" 255 " * 8)
                renderer = self.figure.canvas.get_renderer()
                best = (math.inf, size_pt)
                for factor in np.linspace(0.6, 1.0, 17):
                    probe.set_fontsize(size_pt * factor)
                    best = min(
                        best, (abs(probe.get_window_extent(renderer).width - 8 * cell_px), size_pt * factor)
                    )
                for text in self._rows:
                    text.set_fontsize(best[1])
                probe.set_text("")
            for a in self.axes:
                a.set_axis_off()
            # Titles at a fixed height: automatic title placement costs a layout pass per redraw.
            for a in self.axes:
                a.set_title(" ", y=1.0, pad=4)
        self.quality.observe(self._on_change, names="value")
        self.quality.add_class("qk-quality")
        self.widget = widgets.VBox([self.quality, self.readout, self.image, self.message])
        self.update()

    def update(self, **values: Any) -> str:
        """Set ``quality`` (optional), redraw, and return the status line.

        Parameters
        ----------
        **values
            ``quality=<1..100>``; unknown names raise ``TypeError``.

        Returns
        -------
        str
            The readout or the message shown instead of the plot.
        """
        unknown = set(values) - {"quality"}
        if unknown:
            raise TypeError(f"update() got unknown control(s) {sorted(unknown)}; use quality")
        self._busy = True
        try:
            if "quality" in values:
                self.quality.value = values["quality"]
        finally:
            self._busy = False
        from quantkit import images
        from quantkit.metrics import psnr

        q = int(self.quality.value)
        start = self._begin()
        name = function_name(self.roundtrip_fn)
        try:
            got = self._call_student(self.roundtrip_fn, self.img.copy(), q)
            yours = _uint8_output(got, name, self.img.shape)
            table = None
            zero_fraction = None
            if self.table_fn is not None:
                tname = function_name(self.table_fn)
                table = np.asarray(self._call_student(self.table_fn, q, np.array(images.ANNEX_K_LUMINANCE)))
                if table.shape != (8, 8) or table.dtype.kind not in "biuf":
                    raise BadOutputError(
                        f"{tname} returned {table.dtype} of shape {table.shape}; expected (8, 8)"
                    )
                if self.quantize_fn is not None:
                    qname = function_name(self.quantize_fn)
                    coded = check_output(
                        self._call_student(self.quantize_fn, self._coeffs.copy(), table.copy()),
                        qname,
                        self._coeffs.shape,
                    )
                    zero_fraction = float(np.mean(coded == 0))
        except BadOutputError as exc:
            self._finish(start)
            return self._show_message(str(exc))
        except Exception as exc:  # the student's code: show the reason, not a traceback
            self._finish(start)
            culprit = name
            for fn in (self.table_fn, self.quantize_fn):
                if fn is not None and exc.__traceback__ is not None and _raised_in(exc, fn):
                    culprit = function_name(fn)
            return self._show_message(student_message(exc, culprit))
        pillow = images.pillow_jpeg(self.img, q)
        pil_table = pillow.tables[0]
        shown = pil_table if table is None else np.asarray(table, dtype=np.float64)
        self._yours.set_data(yours)
        self._pillow.set_data(pillow.image)
        self._table.set_data(np.clip(shown, 1, 255))
        for text, row in zip(self._rows, shown, strict=False):  # no rows when numbers=False
            text.set_text("".join(f"{v:^5.0f}" for v in row))
        p_you = psnr(self.img, yours, data_range=255.0)
        p_pil = psnr(self.img, pillow.image, data_range=255.0)

        def db(v: float) -> str:
            return "∞" if math.isinf(v) else f"{v:.2f}"

        self.axes[0].title.set_text(f"yours: PSNR {db(p_you)} dB")
        self.axes[1].title.set_text(f"Pillow: PSNR {db(p_pil)} dB, {pillow.bits_per_pixel:.2f} bit/px")
        self.axes[2].title.set_text(
            "your table (log colour scale)" if table is not None else "Pillow's table"
        )
        self._render()
        self._finish(start)
        parts = [
            f"quality {q}: yours {db(p_you)} dB, Pillow {db(p_pil)} dB ({pillow.n_bytes} bytes, "
            f"{pillow.bits_per_pixel:.2f} bits/pixel)"
        ]
        parts.append(
            f"{'your' if table is not None else 'the'} table: DC step {shown[0, 0]:.0f}, steps "
            f"{shown.min():.0f} to {shown.max():.0f}"
        )
        if table is not None:
            same = table.shape == pil_table.shape and bool(np.array_equal(np.asarray(table), pil_table))
            parts.append(
                "your table equals the one Pillow wrote" if same else "your table differs from Pillow's"
            )
        if zero_fraction is not None:
            parts.append(f"{zero_fraction:.1%} of your quantized coefficients are 0")
        parts.append(
            f"your functions {1000 * self.student_seconds:.0f} ms, "
            f"explorer {1000 * self.kit_seconds:.0f} ms"
        )
        return self._set_readout("; ".join(parts))


def _raised_in(exc: BaseException, fn: Callable[..., Any]) -> bool:
    """Whether the innermost frame of ``exc``'s traceback is ``fn``'s code."""
    code = getattr(fn, "__code__", None)
    tb = exc.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    return code is not None and tb is not None and tb.tb_frame.f_code is code


def bit_depth_explorer(
    image: Any,
    ordered_dither: Callable[..., Any],
    floyd_steinberg: Callable[..., Any] | None = None,
    bayer_matrix: Callable[..., Any] | None = None,
) -> BitDepthExplorer:
    """Build a :class:`BitDepthExplorer` on the student's dithers (display it as a cell's last line).

    Parameters
    ----------
    image : array_like of uint8, shape (H, W)
        A grey crop (about 128 x 128).
    ordered_dither, floyd_steinberg, bayer_matrix : callable
        The student's functions (the last two optional).

    Returns
    -------
    BitDepthExplorer

    Used in: notebooks/03_images.ipynb
    """
    return BitDepthExplorer(image, ordered_dither, floyd_steinberg, bayer_matrix)


def jpeg_explorer(
    image: Any,
    jpeg_roundtrip: Callable[..., Any],
    jpeg_quant_table: Callable[..., Any] | None = None,
    jpeg_quantize_block: Callable[..., Any] | None = None,
) -> JpegExplorer:
    """Build a :class:`JpegExplorer` on the student's JPEG pipeline (display it as a cell's last line).

    Parameters
    ----------
    image : array_like of uint8, shape (H, W)
        A grey image or crop.
    jpeg_roundtrip, jpeg_quant_table, jpeg_quantize_block : callable
        The student's functions (the last two optional).

    Returns
    -------
    JpegExplorer

    Used in: notebooks/03_images.ipynb
    """
    return JpegExplorer(image, jpeg_roundtrip, jpeg_quant_table, jpeg_quantize_block)
