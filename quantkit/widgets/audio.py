"""Notebook 02's explorer: requantization with dither and noise shaping, heard and measured
(:class:`RequantizationExplorer`).
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable, Mapping
from typing import Any

import ipywidgets as widgets
import numpy as np

from quantkit._style import COLORS, style
from quantkit.metrics import sqnr_db
from quantkit.plots._student import check_output, student_message
from quantkit.signals import ntf_power, psd
from quantkit.widgets._base import _Explorer

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
