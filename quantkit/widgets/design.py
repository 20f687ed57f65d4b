"""Notebook 05's explorers: Lloyd–Max design iteration by iteration (:class:`QuantizerDesignExplorer`)
and the backward-adaptive quantizer on speech (:class:`AdaptiveQuantizerExplorer`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.ticker import FixedFormatter, FixedLocator, MaxNLocator, NullLocator

from quantkit._style import COLORS, style
from quantkit.plots._student import BadOutputError, check_output, function_name, student_message
from quantkit.widgets._base import _Explorer, _samples_1d

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
