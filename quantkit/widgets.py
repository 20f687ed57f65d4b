"""Interactive explorers built on the student's own functions (ipywidgets).

* :func:`quantizer_explorer` / :class:`QuantizerExplorer`: sliders for bits, range and mode drive the
  student's quantizer; shows its staircase, its error and the SQNR it reaches on a test signal.
* :func:`sampling_explorer` / :class:`SamplingExplorer`: a sample-rate slider; shows the signal, its
  samples and the sinc reconstruction from them, so aliasing is visible.
* :func:`bitwidth_explorer` / :class:`BitWidthExplorer`: bits and a weight-quantization scheme
  (per-tensor, per-channel, groups, low-precision floats) drive the student's weight quantizers on a
  small network; shows a layer's weight histogram with its levels, the confusion matrix, the accuracy
  and the model size.

Each explorer is a small class whose :meth:`update` method is pure Python: it takes slider values,
redraws one reused matplotlib figure (no pyplot, no ipympl) into an ``ipywidgets.Image`` and returns a
status line (the readout, or the error message). The sliders call it; tests call it directly. When the
student's function raises or returns something unusable, the message replaces the plot, in plain words,
instead of a traceback.

Speed: the kit's own work per update (drawing and PNG encoding) stays under 100 ms at the sizes used;
the student's function is timed separately (``student_seconds``). Sliders update continuously while
the student's function is fast; once a call takes longer than :data:`SLOW_CALL` seconds, they update
on release instead, and the readout says "computing…" while a call runs.

Used in: notebooks/01_sampling_quantization.ipynb, notebooks/04_nn_weights.ipynb
"""

from __future__ import annotations

import html
import io
import math
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from quantkit._style import COLORS, style
from quantkit.metrics import sqnr_db
from quantkit.plots._figures import confusion_counts
from quantkit.plots._student import BadOutputError, check_output, function_name, student_message
from quantkit.signals import Signal, dense_time, sinc_interpolate, sine

__all__ = [
    "BitWidthExplorer",
    "QuantizerExplorer",
    "SamplingExplorer",
    "bitwidth_explorer",
    "quantizer_explorer",
    "sampling_explorer",
]

_DPI = 80
#: A student's function slower than this (seconds per update) makes the sliders update on release.
SLOW_CALL = 0.1


class _Explorer:
    """Shared parts: a reused figure rendered to PNG, a readout, and a message shown instead of the plot."""

    def __init__(self, figsize: tuple[float, float], ncols: int) -> None:
        with style():
            # Fixed margins instead of a layout engine: layout is the costliest part of a redraw.
            self.figure = Figure(figsize=figsize, dpi=_DPI, layout="none")
            self.figure.subplots_adjust(
                left=0.09 if ncols == 1 else 0.08, right=0.98, bottom=0.15, top=0.9, wspace=0.3
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
