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
* :func:`bitwidth_explorer` / :class:`BitWidthExplorer`: bits and a weight-quantization scheme
  (per-tensor, per-channel, groups, low-precision floats) drive the student's weight quantizers on a
  small network; shows a layer's weight histogram with its levels, the confusion matrix, the accuracy
  and the model size.
* :func:`quantizer_design_explorer` / :class:`QuantizerDesignExplorer`: an iteration slider over the
  student's Lloyd–Max design; shows the pdf with thresholds and levels, and the MSE per iteration.
* :func:`adaptive_quantizer_explorer` / :class:`AdaptiveQuantizerExplorer`: bits and adaptation speed
  of the student's Jayant quantizer on speech; shows the step following the envelope, with players.

Each explorer is a small class whose :meth:`update` method is pure Python: it takes slider values,
redraws one reused matplotlib figure (no pyplot, no ipympl) into an ``ipywidgets.Image`` and returns a
status line (the readout, or the error message). The sliders call it; tests call it directly. When the
student's function raises or returns something unusable, the message replaces the plot, in plain words,
instead of a traceback.

Speed: the kit's own work per update (drawing and PNG encoding) stays under 100 ms at the sizes used;
the student's function is timed separately (``student_seconds``). Sliders update continuously while
the student's function is fast; once a call takes longer than :data:`SLOW_CALL` seconds, they update
on release instead, and the readout says "computing…" while a call runs.

Used in: notebooks/01_sampling_quantization.ipynb, notebooks/02_audio.ipynb, notebooks/03_images.ipynb,
    notebooks/04_nn_weights.ipynb, notebooks/05_optimal_quantization.ipynb
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
from matplotlib.ticker import FixedFormatter, FixedLocator, MaxNLocator, NullLocator

from quantkit._style import COLORS, style
from quantkit.metrics import sqnr_db
from quantkit.plots._figures import confusion_counts
from quantkit.plots._student import BadOutputError, check_output, function_name, student_message
from quantkit.signals import Signal, dense_time, ntf_power, psd, sinc_interpolate, sine

__all__ = [
    "ITERATION_STEPS",
    "SLOW_CALL",
    "AdaptiveQuantizerExplorer",
    "BitDepthExplorer",
    "BitWidthExplorer",
    "JpegExplorer",
    "QuantizerDesignExplorer",
    "QuantizerExplorer",
    "RequantizationExplorer",
    "SamplingExplorer",
    "adaptive_quantizer_explorer",
    "bit_depth_explorer",
    "bitwidth_explorer",
    "jpeg_explorer",
    "quantizer_design_explorer",
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


# --------------------------------------------------------------------------------------------------
# Optimal and adaptive quantization (notebook 05)
# --------------------------------------------------------------------------------------------------

#: The iteration counts the design explorer's slider steps through (roughly logarithmic).
ITERATION_STEPS = (
    0,
    1,
    2,
    3,
    4,
    5,
    6,
    8,
    10,
    13,
    16,
    20,
    25,
    32,
    40,
    50,
    63,
    80,
    100,
    130,
    160,
    200,
    250,
    320,
    400,
    500,
    630,
    800,
    1000,
)

def _default_densities() -> dict[str, tuple[Any, tuple[float, float]]]:
    from quantkit.densities import gaussian, laplacian

    return {
        "Gaussian (unit variance)": (gaussian(), (-8.0, 8.0)),
        "Laplacian (unit variance)": (laplacian(), (-20.0, 20.0)),
    }


def _check_design(out: Any, name: str, n_levels: int) -> tuple[np.ndarray, np.ndarray, float]:
    """A student's ``(thresholds, levels, mse)``, checked and converted (BadOutputError otherwise)."""
    if not isinstance(out, (tuple, list)) or len(out) != 3:
        size = f" of length {len(out)}" if isinstance(out, (tuple, list)) else ""
        raise BadOutputError(
            f"{name} should return (thresholds, levels, mse), got {type(out).__name__}{size}"
        )
    for what, value, shape in (("thresholds", out[0], (n_levels - 1,)), ("levels", out[1], (n_levels,))):
        if np.shape(value) != shape:
            raise BadOutputError(
                f"{name} returned {what} of shape {np.shape(value)}; expected {shape} for {n_levels} levels"
            )
    if np.size(out[2]) != 1:
        raise BadOutputError(f"{name} returned an mse of shape {np.shape(out[2])}; expected one number")
    thresholds = check_output(out[0], name, (n_levels - 1,))
    levels = check_output(out[1], name, (n_levels,))
    mse = check_output(np.reshape(np.asarray(out[2]), ()), name, ())
    return thresholds, levels, float(mse)


class QuantizerDesignExplorer(_Explorer):
    """Watch a student's Lloyd–Max design converge: pdf, thresholds and levels, and the MSE per iteration.

    The design function is called as ``design_fn(pdf, support, n_levels, n_iter=k, tol=0.0)`` for the
    iteration counts ``k`` of :data:`ITERATION_STEPS`; every result is cached, so moving back and
    forth costs only drawing. The first visit of a density and a number of levels computes all of them
    (the readout says how long the student's function took, apart from the explorer's own drawing).

    Parameters
    ----------
    design_fn : callable
        The student's ``lloyd_max(pdf, support, n_levels, n_iter=..., tol=...)`` returning
        ``(thresholds, levels, mse)`` with shapes ``(n_levels - 1,)``, ``(n_levels,)`` and a number.
    densities : mapping, optional
        Name -> ``(pdf, (a, b))``: the densities offered and the support each is designed on. Default:
        the unit-variance Gaussian on ``(-8, 8)`` and Laplacian on ``(-20, 20)``.
    reference : mapping, optional
        ``(name, n_levels)`` -> a reference MSE drawn as a dashed line (e.g. a published table).
    reference_label : str, default "reference"
        Its legend label.
    levels : sequence of int, default (2, 4, 8, 16)
        The numbers of levels offered.
    n_levels, iteration, density
        Initial choices (default 4 levels, iteration 0, the first density).

    Attributes
    ----------
    iteration : ipywidgets.SelectionSlider
        The iteration count, from :data:`ITERATION_STEPS`.
    n_levels : ipywidgets.Dropdown
    density : ipywidgets.Dropdown
    readout, image, message, widget, status
        As in :class:`QuantizerExplorer`.
    student_seconds : float
        Time spent in ``design_fn`` during the last update (0 when everything was cached).
    kit_seconds : float
        Time the explorer itself took in the last update (drawing and PNG encoding).

    Notes
    -----
    CSS classes for browser tests: ``qk-iteration``, ``qk-levels``, ``qk-density``, ``qk-readout``,
    ``qk-plot``, ``qk-message``. The iteration slider only redraws cached results, so it updates
    continuously however slow ``design_fn`` is; choosing a new density or number of levels runs
    ``design_fn`` for every step first, with "computing…" in the readout meanwhile.
    """

    def __init__(
        self,
        design_fn: Callable[..., Any],
        densities: Any = None,
        reference: Any = None,
        *,
        reference_label: str = "reference",
        levels: Any = (2, 4, 8, 16),
        n_levels: int = 4,
        iteration: int = 0,
        density: str | None = None,
    ) -> None:
        if not callable(design_fn):
            raise TypeError(f"design_fn must be a function, got {type(design_fn).__name__}")
        self.design_fn = design_fn
        self.name = function_name(design_fn)
        self.densities = dict(densities) if densities is not None else _default_densities()
        if not self.densities:
            raise ValueError("densities must offer at least one (pdf, support) pair")
        for key, pair in self.densities.items():
            if not (isinstance(pair, tuple) and len(pair) == 2 and callable(pair[0]) and len(pair[1]) == 2):
                raise TypeError(f"densities[{key!r}] must be a (pdf, (a, b)) pair")
        self.reference = dict(reference or {})
        self.reference_label = str(reference_label)
        self._cache: dict[tuple[str, int, int], tuple[np.ndarray, np.ndarray, float]] = {}
        self._curves: dict[tuple[str, int], np.ndarray] = {}
        self.student_seconds = 0.0
        self.kit_seconds = 0.0
        super().__init__(figsize=(9.5, 3.4), ncols=2)
        names = list(self.densities)
        self.iteration = widgets.SelectionSlider(
            options=list(ITERATION_STEPS), value=iteration, description="iteration", continuous_update=True
        )
        self.n_levels = widgets.Dropdown(
            options=[int(n) for n in levels], value=n_levels, description="levels"
        )
        self.density = widgets.Dropdown(options=names, value=density or names[0], description="pdf")
        ax_pdf, ax_mse = self.axes
        with style():
            (self._pdf_line,) = ax_pdf.plot([], [], color=COLORS["signal"], label="pdf")
            self._thresholds = ax_pdf.vlines([], 0, 1, color=COLORS["guide"], linestyle=":", linewidth=1)
            (self._level_marks,) = ax_pdf.plot(
                [], [], "v", color=COLORS["quantized"], markersize=7, label="levels", clip_on=False
            )
            ax_pdf.set_xlabel("x")
            ax_pdf.set_ylabel("p(x)")
            # Few ticks and one legend: tick labels and legends are most of a redraw's cost.
            ax_pdf.xaxis.set_major_locator(MaxNLocator(6))
            ax_pdf.yaxis.set_major_locator(MaxNLocator(3))
            (self._curve_line,) = ax_mse.plot([], [], ".-", color=COLORS["quantized"], label=f"{self.name}")
            (self._current,) = ax_mse.plot(
                [], [], "o", color=COLORS["quantized"], markersize=9, fillstyle="none"
            )
            self._ref_line = ax_mse.axhline(
                np.nan, color=COLORS["theory"], linestyle="--", linewidth=1, label=self.reference_label
            )
            # The iteration axis is the slider's position (the steps are about logarithmic), with
            # fixed ticks: tick placement and labels are most of a redraw's cost on log axes.
            positions = [ITERATION_STEPS.index(v) for v in (0, 1, 3, 10, 32, 100, 320, 1000)]
            ax_mse.xaxis.set_major_locator(FixedLocator(positions))
            ax_mse.xaxis.set_major_formatter(FixedFormatter([str(ITERATION_STEPS[i]) for i in positions]))
            ax_mse.set_xlim(-0.5, len(ITERATION_STEPS) - 0.5)
            ax_mse.set_yscale("log")
            ax_mse.yaxis.set_minor_locator(NullLocator())
            ax_mse.set_xlabel("iteration")
            ax_mse.set_ylabel("MSE")
            ax_mse.legend(loc="upper right")
        for control, css in (
            (self.iteration, "qk-iteration"),
            (self.n_levels, "qk-levels"),
            (self.density, "qk-density"),
        ):
            control.observe(self._on_change, names="value")
            control.add_class(css)
        self.widget = widgets.VBox(
            [
                widgets.HBox([self.density, self.n_levels]),
                self.iteration,
                self.readout,
                self.image,
                self.message,
            ]
        )
        self.update()

    def _design(self, key: str, n: int, k: int) -> tuple[np.ndarray, np.ndarray, float]:
        if (key, n, k) not in self._cache:
            pdf, support = self.densities[key]
            out = self.design_fn(pdf, (float(support[0]), float(support[1])), n, n_iter=k, tol=0.0)
            self._cache[(key, n, k)] = _check_design(out, self.name, n)
        return self._cache[(key, n, k)]

    def update(self, **values: Any) -> str:
        """Set any of ``iteration``, ``n_levels``, ``density``, redraw, and return the status line.

        Returns
        -------
        str
            The readout (``"Gaussian (unit variance), 4 levels, iteration 10: MSE 0.117512 (reference
            0.1175) ..."``) or the message shown instead of the plot.
        """
        unknown = set(values) - {"iteration", "n_levels", "density"}
        if unknown:
            raise TypeError(
                f"update() got unknown control(s) {sorted(unknown)}; use iteration, n_levels, density"
            )
        self._busy = True
        try:
            for key, value in values.items():
                getattr(self, key).value = value
        finally:
            self._busy = False
        key, n, k = str(self.density.value), int(self.n_levels.value), int(self.iteration.value)
        student = 0.0
        try:
            if (key, n) not in self._curves:
                self.readout.value = "<b>computing…</b>"
                start = time.perf_counter()
                self._curves[(key, n)] = np.array([self._design(key, n, s)[2] for s in ITERATION_STEPS])
                student = time.perf_counter() - start
            thresholds, levels, mse = self._design(key, n, k)
        except Exception as exc:  # the student's code: show the reason, not a traceback
            self.student_seconds = student
            return self._show_message(student_message(exc, self.name))
        start = time.perf_counter()
        pdf, (a, b) = self.densities[key]
        curve = self._curves[(key, n)]
        view = self._view(pdf, a, b, levels)
        x = np.linspace(view[0], view[1], 600)
        p = np.asarray(pdf(x), dtype=np.float64)
        ax_pdf, ax_mse = self.axes
        self._pdf_line.set_data(x, p)
        top = float(np.max(p)) * 1.08 if np.max(p) > 0 else 1.0
        self._thresholds.set_segments([np.array([[t, 0.0], [t, top]]) for t in thresholds])
        self._level_marks.set_data(levels, np.zeros_like(levels))
        ax_pdf.set_xlim(*view)
        ax_pdf.set_ylim(0.0, top)
        ax_pdf.set_title(f"{n} levels (▼) and thresholds (dotted) after {k} iteration{'s' if k != 1 else ''}",
                         loc="left")
        self._curve_line.set_data(np.arange(len(ITERATION_STEPS)), curve)
        self._current.set_data([ITERATION_STEPS.index(k)], [mse])
        ref = self.reference.get((key, n))
        self._ref_line.set_ydata([ref, ref] if ref is not None else [np.nan, np.nan])
        finite = curve[np.isfinite(curve) & (curve > 0)]
        if finite.size:
            low = min(float(finite.min()), ref if ref else np.inf)
            high = float(finite.max())
            ax_mse.set_ylim(low / 1.3, high * 1.3)
            # A few fixed, readable ticks instead of a log locator's many.
            ticks = np.geomspace(low, high, 4) if high > low * 1.01 else np.array([low])
            ax_mse.yaxis.set_major_locator(FixedLocator(ticks))
            ax_mse.yaxis.set_major_formatter(FixedFormatter([f"{v:.3g}" for v in ticks]))
        ax_mse.set_title("MSE per iteration", loc="left")
        self._render()
        self.kit_seconds = time.perf_counter() - start
        self.student_seconds = student
        text = f"{key}, {n} levels, iteration {k}: MSE {mse:.6g}"
        if ref is not None:
            text += f" ({self.reference_label}: {ref:.6g})"
        text += f"; after {ITERATION_STEPS[-1]} iterations {curve[-1]:.6g}"
        if student:
            text += f" [your {self.name} took {student * 1000:.0f} ms for {len(ITERATION_STEPS)} calls]"
        return self._set_readout(text)

    @staticmethod
    def _view(pdf: Callable[..., Any], a: float, b: float, levels: np.ndarray) -> tuple[float, float]:
        """The part of the support worth drawing: where the density is not negligible, and the levels."""
        grid = np.linspace(a, b, 4001)
        p = np.asarray(pdf(grid), dtype=np.float64)
        big = grid[p > 1e-3 * float(np.max(p))] if np.max(p) > 0 else grid
        lo = min(float(big.min()), float(levels.min()))
        hi = max(float(big.max()), float(levels.max()))
        pad = 0.05 * (hi - lo) if hi > lo else 1.0
        return max(a, lo - pad), min(b, hi + pad)


def quantizer_design_explorer(
    design_fn: Callable[..., Any], densities: Any = None, reference: Any = None, **kwargs: Any
) -> QuantizerDesignExplorer:
    """Build a :class:`QuantizerDesignExplorer` for the student's ``lloyd_max`` (display it last in a cell).

    Parameters
    ----------
    design_fn : callable
        ``lloyd_max(pdf, support, n_levels, n_iter=..., tol=...)``.
    densities, reference, **kwargs
        As in :class:`QuantizerDesignExplorer`.

    Returns
    -------
    QuantizerDesignExplorer

    Used in: notebooks/05_optimal_quantization.ipynb
    """
    return QuantizerDesignExplorer(design_fn, densities, reference, **kwargs)


def _envelope(x: np.ndarray, columns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Column positions, minima and maxima of ``x`` in ``columns`` equal parts (for fast drawing)."""
    n = x.size
    columns = max(1, min(columns, n))
    edges = np.linspace(0, n, columns + 1).astype(int)
    lo = np.minimum.reduceat(x, edges[:-1])
    hi = np.maximum.reduceat(x, edges[:-1])
    return (edges[:-1] + edges[1:]) / 2.0, lo, hi


class AdaptiveQuantizerExplorer(_Explorer):
    """Hear and see a student's backward-adaptive (Jayant) quantizer on speech.

    The quantizer is called as ``quantize_fn(x, n_bits, multipliers ** speed, step0, step_min,
    step_max)`` and must return ``(indices, reconstruction, steps)``, each of the shape of ``x``. The
    plot shows the signal with the quantizer's overload point ``±(L/2) step`` (``L = 2**n_bits``)
    following its envelope, and the error below; two players let you listen to the original and the
    reconstruction.

    Parameters
    ----------
    quantize_fn : callable
        The student's ``jayant_quantize(x, n_bits, multipliers, step0, step_min, step_max)``.
    x : array_like
        The signal (1-D, within [-1, 1]).
    rate : int
        Its sample rate in Hz (for the time axis, the frames of the segmental SNR and the players).
    multipliers : mapping
        n_bits -> the multipliers for that bit depth (``2**(n_bits - 1)`` values); its keys are the
        bit depths offered.
    step0, step_min, step_max : float
        Passed on to the quantizer. ``step_max`` may be a mapping n_bits -> value.
    bits : int, optional
        Initial bit depth (default: the smallest offered).
    speed : float, default 1.0
        Initial adaptation speed: every multiplier is raised to this power (0: a fixed step; 1: the
        multipliers as given; 2: twice as fast, in dB per sample).

    Attributes
    ----------
    bits : ipywidgets.Dropdown
    speed : ipywidgets.FloatSlider
        0 to 2 in steps of 0.05.
    original, decoded : ipywidgets.Audio
        Players for the signal and the reconstruction (clipped to [-1, 1] for playback).
    readout, image, message, widget, status, student_seconds, kit_seconds
        As in :class:`QuantizerDesignExplorer`.

    Notes
    -----
    CSS classes for browser tests: ``qk-bits``, ``qk-speed``, ``qk-readout``, ``qk-plot``,
    ``qk-message``, ``qk-original``, ``qk-decoded``.
    """

    def __init__(
        self,
        quantize_fn: Callable[..., Any],
        x: Any,
        rate: int,
        multipliers: Any,
        *,
        step0: float,
        step_min: float,
        step_max: Any,
        bits: int | None = None,
        speed: float = 1.0,
    ) -> None:
        from quantkit.audio import wav_bytes
        from quantkit.metrics import segmental_snr_db, snr_db

        if not callable(quantize_fn):
            raise TypeError(f"quantize_fn must be a function, got {type(quantize_fn).__name__}")
        self.quantize_fn = quantize_fn
        self.name = function_name(quantize_fn)
        self.x = _samples_1d(x, "x", "samples")
        self.rate = int(rate)
        self.multipliers = {int(b): np.asarray(m, dtype=np.float64) for b, m in dict(multipliers).items()}
        for b, m in self.multipliers.items():
            if m.shape != (2 ** (b - 1),) or np.any(m <= 0):
                raise ValueError(
                    f"multipliers[{b}] must hold {2 ** (b - 1)} positive numbers, got shape {m.shape}"
                )
        self.step0, self.step_min = float(step0), float(step_min)
        self.step_max = dict(step_max) if isinstance(step_max, dict) else float(step_max)
        self._snr, self._segsnr, self._wav = snr_db, segmental_snr_db, wav_bytes
        self._cache: dict[tuple[int, float], tuple[np.ndarray, np.ndarray]] = {}
        self.student_seconds = 0.0
        self.kit_seconds = 0.0
        super().__init__(figsize=(9.5, 4.2), ncols=1)
        self.figure.clear()
        with style():
            self.axes = list(self.figure.subplots(2, 1, sharex=True, gridspec_kw={"height_ratios": [2, 1]}))
            self.figure.subplots_adjust(left=0.08, right=0.98, bottom=0.12, top=0.92, hspace=0.15)
            ax_sig, ax_err = self.axes
            t, lo, hi = _envelope(self.x, 700)
            t = t / self.rate
            ax_sig.fill_between(t, lo, hi, color=COLORS["signal"], alpha=0.45, linewidth=0, label="speech")
            (self._range_hi,) = ax_sig.plot(
                [], [], color=COLORS["quantized"], linewidth=1, label="overload point ±(L/2)·step"
            )
            (self._range_lo,) = ax_sig.plot([], [], color=COLORS["quantized"], linewidth=1)
            ax_sig.set_ylabel("amplitude")
            ax_sig.legend(loc="lower right", bbox_to_anchor=(1.0, 1.0), ncol=2, borderaxespad=0.2)
            for ax in (ax_sig, ax_err):
                ax.yaxis.set_major_locator(MaxNLocator(3))
            ax_err.xaxis.set_major_locator(MaxNLocator(6))
            (self._err_hi,) = ax_err.plot(t, hi * 0, color=COLORS["error"], linewidth=0.8)
            (self._err_lo,) = ax_err.plot(t, lo * 0, color=COLORS["error"], linewidth=0.8)
            ax_err.set_ylabel("error")
            ax_err.set_xlabel("time (s)")
            ax_err.set_xlim(0.0, self.x.size / self.rate)
        self._t = t
        options = sorted(self.multipliers)
        self.bits = widgets.Dropdown(
            options=options, value=bits if bits is not None else options[0], description="bits"
        )
        self.speed = widgets.FloatSlider(
            value=speed,
            min=0.0,
            max=2.0,
            step=0.05,
            description="speed",
            readout_format=".2f",
            continuous_update=False,
        )
        self.original = widgets.Audio(
            value=wav_bytes(np.clip(self.x, -1.0, 1.0), self.rate), format="wav", autoplay=False, loop=False
        )
        self.decoded = widgets.Audio(value=b"", format="wav", autoplay=False, loop=False)
        for control, css in (
            (self.bits, "qk-bits"),
            (self.speed, "qk-speed"),
            (self.original, "qk-original"),
            (self.decoded, "qk-decoded"),
        ):
            control.add_class(css)
        for control in (self.bits, self.speed):
            control.observe(self._on_change, names="value")
        players = widgets.HBox(
            [widgets.Label("original"), self.original, widgets.Label("decoded"), self.decoded]
        )
        self.widget = widgets.VBox(
            [widgets.HBox([self.bits, self.speed]), self.readout, self.image, self.message, players]
        )
        self.update()

    def _step_max(self, n_bits: int) -> float:
        return float(self.step_max[n_bits]) if isinstance(self.step_max, dict) else self.step_max

    def update(self, **values: Any) -> str:
        """Set ``bits`` and/or ``speed``, run the quantizer (cached), redraw, and return the status line."""
        unknown = set(values) - {"bits", "speed"}
        if unknown:
            raise TypeError(f"update() got unknown control(s) {sorted(unknown)}; use bits or speed")
        self._busy = True
        try:
            for key, value in values.items():
                getattr(self, key).value = value
        finally:
            self._busy = False
        n_bits, speed = int(self.bits.value), round(float(self.speed.value), 4)
        mult = self.multipliers[n_bits] ** speed
        student = 0.0
        try:
            if (n_bits, speed) not in self._cache:
                self.readout.value = "<b>computing…</b>"
                start = time.perf_counter()
                out = self.quantize_fn(
                    self.x.copy(), n_bits, mult.copy(), self.step0, self.step_min, self._step_max(n_bits)
                )
                student = time.perf_counter() - start
                if not isinstance(out, (tuple, list)) or len(out) != 3:
                    raise BadOutputError(f"{self.name} should return (indices, reconstruction, steps)")
                rec = check_output(out[1], self.name, self.x.shape)
                steps = check_output(out[2], self.name, self.x.shape)
                self._cache[(n_bits, speed)] = (rec, steps)
            rec, steps = self._cache[(n_bits, speed)]
        except Exception as exc:  # the student's code: show the reason, not a traceback
            self.student_seconds = student
            return self._show_message(student_message(exc, self.name))
        start = time.perf_counter()
        half = 2 ** (n_bits - 1)
        t_cols, _, top = _envelope(steps * half, self._t.size)
        self._range_hi.set_data(t_cols / self.rate, top)
        self._range_lo.set_data(t_cols / self.rate, -top)
        _, elo, ehi = _envelope(self.x - rec, self._t.size)
        ax_sig, ax_err = self.axes
        self._err_hi.set_ydata(ehi)
        self._err_lo.set_ydata(elo)
        peak = max(float(np.max(np.abs(self.x))), 1e-12)
        ax_sig.set_ylim(-1.15 * peak, 1.15 * peak)
        err_peak = max(float(np.max(np.abs(ehi))), float(np.max(np.abs(elo))), 1e-12)
        ax_err.set_ylim(-1.1 * err_peak, 1.1 * err_peak)
        snr = self._snr(self.x, rec)
        seg = self._segsnr(self.x, rec, max(1, self.rate // 50))
        ax_sig.set_title(f"{n_bits} bits, speed {speed:.2f}: SNR {snr:.1f} dB", loc="left")
        self._render()
        self.decoded.value = self._wav(np.clip(rec, -1.0, 1.0), self.rate)
        self.kit_seconds = time.perf_counter() - start
        self.student_seconds = student
        shown = ", ".join(f"{m:.3g}" for m in mult)
        text = (
            f"{n_bits} bits, speed {speed:.2f}, multipliers ({shown}): SNR {snr:.1f} dB, "
            f"segmental SNR {seg:.1f} dB; "
            f"step from {float(np.min(steps)):.2g} to {float(np.max(steps)):.2g}"
        )
        if student:
            text += f" [your {self.name} took {student * 1000:.0f} ms]"
        return self._set_readout(text)


def adaptive_quantizer_explorer(
    quantize_fn: Callable[..., Any], x: Any, rate: int, multipliers: Any, **kwargs: Any
) -> AdaptiveQuantizerExplorer:
    """Build an :class:`AdaptiveQuantizerExplorer` for the student's ``jayant_quantize``.

    Parameters
    ----------
    quantize_fn : callable
        ``jayant_quantize(x, n_bits, multipliers, step0, step_min, step_max)``.
    x, rate, multipliers, **kwargs
        As in :class:`AdaptiveQuantizerExplorer` (``step0``, ``step_min`` and ``step_max`` are
        required keywords).

    Returns
    -------
    AdaptiveQuantizerExplorer

    Used in: notebooks/05_optimal_quantization.ipynb
    """
    return AdaptiveQuantizerExplorer(quantize_fn, x, rate, multipliers, **kwargs)


#: The float formats of :class:`BitWidthExplorer`: name -> (exponent bits, mantissa bits).
FLOAT_FORMATS: dict[str, tuple[int, int]] = {
    "fp16": (5, 10),
    "bf16": (8, 7),
    "fp8 E4M3": (4, 3),
    "fp8 E5M2": (5, 2),
}
_INT_SCHEMES = ("per-tensor", "per-channel", "groups")


class BitWidthExplorer(_Explorer):
    """Explore weight quantization of a small network with the student's own quantizers.

    Controls: the bit depth (2 to 8), the scheme (``"per-tensor"``, ``"per-channel"``, ``"groups"``
    of ``group_size`` weights along each row, or a float format: ``"fp16"``, ``"bf16"``, ``"fp8
    E4M3"``, ``"fp8 E5M2"``, which ignore the bits) and the layer whose weights are drawn. Every layer
    of the model is quantized with the chosen scheme (biases stay float), and the quantized model runs
    on the test inputs.

    How the student's functions are called (``w`` is a layer's float32 weight matrix, shape
    (n_out, n_in)):

    * per-channel: ``q, scales = quantize_per_channel(w, n_bits)``, then
      ``affine_dequantize(q, scales[:, None], 0)``;
    * per-tensor: the same on ``w.reshape(1, -1)`` (one channel holding the whole tensor), reshaped back;
    * groups: ``q, scales = quantize_groups(w, group_size, n_bits)`` with ``scales`` of shape
      (n_out, n_in // group_size), then ``affine_dequantize(q, scale_per_weight, 0)``;
    * floats: ``round_to_float_format(w, exp_bits, man_bits, True)``.

    Parameters
    ----------
    model : quantkit.nn.MLP
        The float network.
    X, y : array_like
        Test inputs (n, n_in) and integer labels (n,).
    quantize_per_channel, affine_dequantize, quantize_groups, round_to_float_format : callable, optional
        The student's functions (a scheme whose function is missing shows a message instead).
    bits, scheme, layer : optional
        Initial controls (default 4 bits, ``"per-channel"``, the second layer).
    group_size : int, default 32
        Weights per group for ``"groups"``.

    Attributes
    ----------
    bits, scheme, layer : ipywidgets widgets
        The controls (CSS classes ``qk-bits``, ``qk-scheme``, ``qk-layer``).
    readout, image, message, widget, status
        As in :class:`QuantizerExplorer`.
    student_seconds, kit_seconds : float
        Seconds of the last update: the student's functions, and everything else (running the model,
        drawing, encoding the picture).

    Notes
    -----
    Model size counts ``bits`` per weight (rounded up to whole bytes per layer), 4 bytes per scale for
    per-tensor and per-channel scales, 2 bytes (float16, as GGUF stores them) per group scale, and the
    float32 biases. When the student's functions take more than :data:`SLOW_CALL` seconds, the bits
    slider updates on release and the readout says "computing…" while they run.
    """

    def __init__(
        self,
        model: Any,
        X: Any,
        y: Any,
        *,
        quantize_per_channel: Callable[..., Any] | None = None,
        affine_dequantize: Callable[..., Any] | None = None,
        quantize_groups: Callable[..., Any] | None = None,
        round_to_float_format: Callable[..., Any] | None = None,
        bits: int = 4,
        scheme: str = "per-channel",
        layer: str | None = None,
        group_size: int = 32,
    ) -> None:
        from quantkit.nn import MLP

        if not isinstance(model, MLP):
            raise TypeError(f"model must be a quantkit.nn.MLP, got {type(model).__name__}")
        for name, fn in (
            ("quantize_per_channel", quantize_per_channel),
            ("affine_dequantize", affine_dequantize),
            ("quantize_groups", quantize_groups),
            ("round_to_float_format", round_to_float_format),
        ):
            if fn is not None and not callable(fn):
                raise TypeError(f"{name} must be a function or None, got {type(fn).__name__}")
        self.model = model
        self.X = np.asarray(X, dtype=np.float64)
        self.y = np.asarray(y)
        if self.y.dtype.kind not in "iu" or self.y.shape != (self.X.shape[0],):
            raise ValueError(
                f"y must hold one integer label per row of X ({self.X.shape[0]}), got {self.y.shape}"
            )
        self.fns = {
            "quantize_per_channel": quantize_per_channel,
            "affine_dequantize": affine_dequantize,
            "quantize_groups": quantize_groups,
            "round_to_float_format": round_to_float_format,
        }
        self.group_size = int(group_size)
        self.n_classes = model.sizes[-1]
        self.float_accuracy = model.accuracy(self.X, self.y)
        self.float_bytes = 4 * sum(w.size + b.size for w, b in zip(model.weights, model.biases, strict=True))
        names = list(model.layer_names)
        super().__init__(figsize=(9.5, 3.4), ncols=2)
        self.figure.subplots_adjust(left=0.07, right=0.97, bottom=0.16, top=0.88, wspace=0.25)
        self.bits = widgets.IntSlider(
            value=bits, min=2, max=8, step=1, description="bits", continuous_update=True
        )
        self.scheme = widgets.Dropdown(
            options=[*_INT_SCHEMES, *FLOAT_FORMATS], value=scheme, description="scheme"
        )
        self.layer = widgets.Dropdown(
            options=names,
            value=layer if layer is not None else names[min(1, len(names) - 1)],
            description="layer",
        )
        ax_hist, ax_conf = self.axes
        with style():
            self._hist_cache: dict[str, tuple[np.ndarray, np.ndarray]] = {}
            self._backgrounds: dict[str, Any] = {}
            (self._hist_line,) = ax_hist.plot(
                [], [], drawstyle="steps-mid", color=COLORS["signal"], linewidth=1
            )
            self._levels = ax_hist.vlines(
                [], 0, 1, transform=ax_hist.get_xaxis_transform(), color=COLORS["quantized"], linewidth=0.6,
                alpha=0.7,
            )  # fmt: skip
            ax_hist.set_xlabel("weight value")
            ax_hist.set_ylabel("weights per bin")
            self._conf = ax_conf.imshow(
                np.zeros((self.n_classes, self.n_classes)), cmap="Blues", vmin=0.0,
                vmax=np.log1p(np.bincount(self.y).max()),
            )  # fmt: skip
            ax_conf.grid(False)
            # Titles as plain texts: drawn on top of the cached background at every update.
            self._titles = [
                a.text(0.0, 1.03, "", transform=a.transAxes, ha="left", va="bottom")
                for a in (ax_hist, ax_conf)
            ]
            ax_conf.set_xticks(range(self.n_classes))
            ax_conf.set_yticks(range(self.n_classes))
            ax_conf.set_xlabel("predicted class")
            ax_conf.set_ylabel("true class")
        self.sliders = [self.bits]
        for control, css in ((self.bits, "qk-bits"), (self.scheme, "qk-scheme"), (self.layer, "qk-layer")):
            control.observe(self._on_change, names="value")
            control.add_class(css)
        self.widget = widgets.VBox(
            [widgets.HBox([self.bits, self.scheme, self.layer]), self.readout, self.image, self.message]
        )
        self.update()

    # -- the student's functions ------------------------------------------------------------------

    def _need(self, name: str) -> Callable[..., Any]:
        fn = self.fns[name]
        if fn is None:
            raise _MissingFunction(f"pass your {name} to the explorer to use this scheme")
        return fn

    def _restore(self, q: Any, scale: np.ndarray, shape: tuple[int, ...]) -> np.ndarray:
        fn = self._need("affine_dequantize")
        return check_output(fn(np.asarray(q).copy(), scale, 0), function_name(fn), shape)

    def _pair(self, out: Any, name: str) -> tuple[np.ndarray, np.ndarray]:
        if not (isinstance(out, (tuple, list)) and len(out) == 2):
            raise BadOutputError(f"{name} must return a pair (q, scales), got {type(out).__name__}")
        return np.asarray(out[0]), np.asarray(out[1], dtype=np.float64)

    def _quantized_weights(self, w: np.ndarray, scheme: str, n_bits: int) -> np.ndarray:
        if scheme in FLOAT_FORMATS:
            fn = self._need("round_to_float_format")
            exp_bits, man_bits = FLOAT_FORMATS[scheme]
            return check_output(fn(w.copy(), exp_bits, man_bits, True), function_name(fn), w.shape)
        if scheme == "groups":
            fn = self._need("quantize_groups")
            q, scales = self._pair(fn(w.copy(), self.group_size, n_bits), function_name(fn))
            n_groups = w.shape[1] // self.group_size
            if q.shape != w.shape or scales.shape != (w.shape[0], n_groups):
                raise BadOutputError(
                    f"{function_name(fn)} returned q of shape {q.shape} and scales of shape {scales.shape}; "
                    f"expected {w.shape} and {(w.shape[0], n_groups)}"
                )
            return self._restore(q, np.repeat(scales, self.group_size, axis=1), w.shape)
        fn = self._need("quantize_per_channel")
        rows = w if scheme == "per-channel" else w.reshape(1, -1)
        q, scales = self._pair(fn(rows.copy(), n_bits), function_name(fn))
        if q.shape != rows.shape or scales.shape != (rows.shape[0],):
            raise BadOutputError(
                f"{function_name(fn)} returned q of shape {q.shape} and scales of shape {scales.shape} for "
                f"weights of shape {rows.shape}; expected {rows.shape} and ({rows.shape[0]},)"
            )
        return self._restore(q, scales[:, None], rows.shape).reshape(w.shape)

    def model_bytes(self, scheme: str, n_bits: int) -> int:
        """The model's size in bytes under ``scheme`` at ``n_bits`` (see the class notes for what counts)."""
        total = 0
        for w, b in zip(self.model.weights, self.model.biases, strict=True):
            bits = 8 * {"fp16": 2, "bf16": 2}.get(scheme, 1) if scheme in FLOAT_FORMATS else n_bits
            total += math.ceil(w.size * bits / 8) + 4 * b.size
            if scheme == "per-tensor":
                total += 4
            elif scheme == "per-channel":
                total += 4 * w.shape[0]
            elif scheme == "groups":
                total += 2 * w.shape[0] * (w.shape[1] // self.group_size)
        return total

    # -- drawing ----------------------------------------------------------------------------------

    def _histogram(self, name: str, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if name not in self._hist_cache:
            counts, edges = np.histogram(w, bins=120)
            self._hist_cache[name] = ((edges[:-1] + edges[1:]) / 2, counts.astype(np.float64))
        return self._hist_cache[name]

    def _show_layer(self, layer: str) -> None:
        """Put a layer's float-weight histogram and axis limits in place (the cached background's)."""
        w_float = np.asarray(self.model.weights[self.model.layer_names.index(layer)], dtype=np.float64)
        centres, hist = self._histogram(layer, w_float)
        self._hist_line.set_data(centres, hist)
        span = float(np.abs(w_float).max()) * 1.05
        self.axes[0].set_xlim(-span, span)
        self.axes[0].set_ylim(0.0, hist.max() * 1.1)

    def _render_fast(self, layer: str) -> None:
        """Draw with blitting: the axes, ticks and histogram of a layer are drawn once and cached; each
        update draws only the levels, the confusion matrix and the titles on top, then encodes the PNG."""
        from PIL import Image

        canvas = self.figure.canvas
        animated = (self._levels, self._conf, *self._titles)
        with style():
            if layer not in self._backgrounds:
                for artist in animated:
                    artist.set_animated(True)
                for name in self.model.layer_names:  # every layer's background at once, on the first draw
                    self._show_layer(name)
                    canvas.draw()
                    self._backgrounds[name] = canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[attr-defined]
                self._show_layer(layer)
            canvas.restore_region(self._backgrounds[layer])  # type: ignore[attr-defined]
            for artist in animated:
                artist.axes.draw_artist(artist)
            buf = io.BytesIO()
            Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba()).save(  # type: ignore[attr-defined]
                buf, format="png", compress_level=1
            )
        self.image.value = buf.getvalue()
        self.image.layout.display = None
        self.message.layout.display = "none"

    def _timed(self, start: float, student: float) -> None:
        """Record the update's two parts and pace the bits slider (on release once the student is slow)."""
        self.student_seconds = student
        self.kit_seconds = time.perf_counter() - start - student
        self._pace()

    def update(self, **values: Any) -> str:
        """Set any of ``bits``, ``scheme``, ``layer``, recompute, redraw, and return the status line.

        Returns
        -------
        str
            The readout (``"4-bit per-channel: accuracy 96.9 % (float 97.3 %); model 10,494 bytes, 6.6x
            smaller than float32 (68,904 bytes)"``) or the message shown instead of the plot.
        """
        unknown = set(values) - {"bits", "scheme", "layer"}
        if unknown:
            raise TypeError(f"update() got unknown control(s) {sorted(unknown)}; use bits, scheme or layer")
        self._busy = True
        try:
            for key, value in values.items():
                getattr(self, key).value = value
        finally:
            self._busy = False
        start = time.perf_counter()
        n_bits, scheme, layer = int(self.bits.value), str(self.scheme.value), str(self.layer.value)
        self.bits.disabled = scheme in FLOAT_FORMATS
        student = 0.0
        try:
            new_weights = []
            for w in self.model.weights:
                t0 = time.perf_counter()
                wq = self._quantized_weights(np.asarray(w, dtype=np.float32), scheme, n_bits)
                student += time.perf_counter() - t0
                new_weights.append(wq)
        except _MissingFunction as exc:
            self._timed(start, student)
            return self._show_message(str(exc))
        except Exception as exc:  # the student's code: show the reason, not a traceback
            self._timed(start, student)
            if scheme in FLOAT_FORMATS:
                culprit = "round_to_float_format"
            else:
                culprit = "quantize_groups" if scheme == "groups" else "quantize_per_channel"
            return self._show_message(student_message(exc, culprit))
        quantized = self.model.with_weights([wq.astype(np.float32) for wq in new_weights])
        predicted = quantized.predict(self.X)
        counts = confusion_counts(self.y, predicted, self.n_classes)
        accuracy = float(np.trace(counts) / counts.sum())
        index = self.model.layer_names.index(layer)
        w_float = np.asarray(self.model.weights[index], dtype=np.float64)
        w_hat = new_weights[index]
        self._show_layer(layer)
        levels = np.unique(w_hat)
        note = "levels in use"
        if levels.size > 300:  # per-channel and group levels differ row by row: show the widest row's
            row = int(np.argmax(np.abs(w_float).max(axis=1)))
            levels = np.unique(w_hat[row])
            note = f"levels of row {row} (the widest)" if levels.size <= 300 else "levels too dense to draw"
            if levels.size > 300:
                levels = np.empty(0)
        self._levels.set_segments([np.array([[v, 0.0], [v, 1.0]]) for v in levels])
        label = scheme if scheme in FLOAT_FORMATS else f"{n_bits}-bit {scheme}"
        self._titles[0].set_text(f"{layer} weights, {label}: {levels.size} {note}")
        self._conf.set_data(np.log1p(counts))
        self._titles[1].set_text(f"confusion matrix: accuracy {accuracy:.1%}")
        self._render_fast(layer)
        size = self.model_bytes(scheme, n_bits)
        self._timed(start, student)
        return self._set_readout(
            f"{label}: accuracy {accuracy:.1%} (float {self.float_accuracy:.1%}); model {size:,} bytes, "
            f"{self.float_bytes / size:.1f}x smaller than float32 ({self.float_bytes:,} bytes)"
        )


class _MissingFunction(Exception):
    """A scheme needs a student function the explorer was not given."""


def bitwidth_explorer(
    model: Any,
    X: Any,
    y: Any,
    *,
    quantize_per_channel: Callable[..., Any] | None = None,
    affine_dequantize: Callable[..., Any] | None = None,
    quantize_groups: Callable[..., Any] | None = None,
    round_to_float_format: Callable[..., Any] | None = None,
) -> BitWidthExplorer:
    """Build a :class:`BitWidthExplorer` on the student's functions (display it as a cell's last line).

    Parameters
    ----------
    model : quantkit.nn.MLP
        The float network.
    X, y : array_like
        Test inputs and labels.
    quantize_per_channel, affine_dequantize, quantize_groups, round_to_float_format : callable, optional
        The student's functions.

    Returns
    -------
    BitWidthExplorer

    Used in: notebooks/04_nn_weights.ipynb
    """
    return BitWidthExplorer(
        model,
        X,
        y,
        quantize_per_channel=quantize_per_channel,
        affine_dequantize=affine_dequantize,
        quantize_groups=quantize_groups,
        round_to_float_format=round_to_float_format,
    )
