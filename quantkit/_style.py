"""The course's one figure style, applied with a context manager (never by mutating global rcParams).

Every plot helper in :mod:`quantkit.plots` and every widget in :mod:`quantkit.widgets` draws inside
:func:`style`, so figures look the same across notebooks while a student's own ``plt.plot`` calls keep
matplotlib's defaults.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import matplotlib as mpl
from matplotlib import cycler

__all__ = ["COLORS", "STYLE", "style"]

#: Colours by role, so "the quantized signal" is the same red in every figure.
COLORS: dict[str, str] = {
    "signal": "#1f77b4",
    "quantized": "#d62728",
    "error": "#2ca02c",
    "samples": "#ff7f0e",
    "reconstruction": "#9467bd",
    "theory": "#555555",
    "guide": "#999999",
}

#: rcParams applied by :func:`style`.
STYLE: dict[str, Any] = {
    "figure.figsize": (7.0, 3.2),
    "figure.dpi": 100,
    "figure.constrained_layout.use": True,
    "axes.grid": True,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.titlesize": "medium",
    "axes.labelsize": "medium",
    "axes.prop_cycle": cycler(color=[COLORS[k] for k in ("signal", "quantized", "error", "samples")]),
    "grid.alpha": 0.3,
    "legend.fontsize": "small",
    "legend.frameon": False,
    "lines.linewidth": 1.5,
    "image.interpolation": "nearest",
}


@contextmanager
def style() -> Iterator[None]:
    """Apply the course style to figures created inside the ``with`` block.

    Examples
    --------
    >>> import matplotlib.pyplot as plt
    >>> with style():
    ...     fig, ax = plt.subplots()
    >>> plt.close(fig)
    """
    with mpl.rc_context(STYLE):
        yield
