"""Notebook 03's explorers: bit depth and dithering (:class:`BitDepthExplorer`) and the JPEG
pipeline against Pillow's (:class:`JpegExplorer`).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np

from quantkit._style import style
from quantkit.plots._student import BadOutputError, check_output, function_name, student_message
from quantkit.widgets._base import _DPI, _Explorer

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
