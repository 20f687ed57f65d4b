"""Notebook 04's explorer: weight quantization of a small network (:class:`BitWidthExplorer`).
"""

from __future__ import annotations

import io
import math
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np

from quantkit._style import COLORS, style
from quantkit.plots._figures import confusion_counts
from quantkit.plots._student import BadOutputError, check_output, function_name, student_message
from quantkit.widgets._base import _Explorer

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
