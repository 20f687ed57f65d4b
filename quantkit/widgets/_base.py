"""The explorers' shared parts: a reused figure rendered to PNG, the readout, the message shown
instead of the plot, the pace of the sliders (:data:`SLOW_CALL`).
"""

from __future__ import annotations

import html
import io
import time
from collections.abc import Callable
from typing import Any

import ipywidgets as widgets
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from quantkit._style import style
from quantkit.plots._student import BadOutputError, check_output

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
