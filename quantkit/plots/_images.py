"""Plot helpers for images: the error image, colour palettes as swatches, 8 x 8 tables, error spectra.

Same rules as :mod:`quantkit.plots._figures`: drawn in the course style, ``(fig, ax)`` back, an
``ax=`` to draw into, never ``plt.show()``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from quantkit._style import COLORS
from quantkit.plots._figures import _axes, _styled

__all__ = ["error_image", "palette_swatches", "radial_spectra", "table_heatmap"]


def draw_error(ax: Axes, error: np.ndarray, limit: float, colorbar: bool = True) -> Any:
    """Draw a signed error image on ``ax`` (blue below 0, red above, white at 0), return the image."""
    shown = ax.imshow(error, cmap="RdBu_r", vmin=-limit, vmax=limit, interpolation="nearest")
    ax.set_axis_off()
    if colorbar:
        ax.figure.colorbar(shown, ax=ax, shrink=0.8, label="error (grey levels)")
    return shown


@_styled
def error_image(
    reference: ArrayLike,
    test: ArrayLike,
    ax: Axes | None = None,
    limit: float | None = None,
    title: str | None = None,
) -> tuple[Figure, Axes]:
    """Show the error ``test - reference`` of a grey image: blue where it is too dark, red too bright.

    Parameters
    ----------
    reference : array_like, shape (H, W)
        The original image (any real dtype; the difference is taken in float64, so uint8 never wraps).
    test : array_like, shape (H, W)
        The approximation.
    ax : Axes, optional
        Where to draw. Default: a new figure.
    limit : float, optional
        The colour scale runs from ``-limit`` to ``+limit``. Default: the largest absolute error (1 if
        there is none).
    title : str, optional
        Default: ``"error: mean <m>, RMS <r> grey levels"``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If the images are not 2-D, differ in shape, or ``limit`` is not positive.
    """
    ref = np.asarray(reference, dtype=np.float64)
    tst = np.asarray(test, dtype=np.float64)
    if ref.ndim != 2 or ref.shape != tst.shape:
        raise ValueError(
            f"error_image needs two 2-D images of the same shape, got {ref.shape} and {tst.shape}"
        )
    err = tst - ref
    if limit is None:
        limit = float(np.max(np.abs(err))) or 1.0
    elif not limit > 0:
        raise ValueError(f"limit must be positive, got {limit!r}")
    fig, (a,) = _axes(ax, 1)
    draw_error(a, err, float(limit))
    rms = float(np.sqrt(np.mean(err**2)))
    a.set_title(title if title is not None else f"error: mean {err.mean():+.2f}, RMS {rms:.2f} grey levels")
    return fig, a


@_styled
def palette_swatches(
    palettes: Sequence[ArrayLike] | np.ndarray,
    titles: Sequence[str] | None = None,
    ax: Any = None,
    sort: bool = True,
) -> tuple[Figure, list[Axes]]:
    """Show colour palettes as rows of swatches, one square per colour.

    Parameters
    ----------
    palettes : array_like of shape (k, 3), or a sequence of them
        RGB colours, uint8 (0..255) or float (0..1 or 0..255: a float palette with a value above 1 is
        taken as 0..255). A single (k, 3) array is one palette.
    titles : sequence of str, optional
        One per palette (default: ``"<k> colours"``).
    ax : Axes or sequence of Axes, optional
        One per palette. Default: a new figure with one row per palette.
    sort : bool, default True
        Order the swatches by luma (0.299 R + 0.587 G + 0.114 B), dark to light, so that palettes of
        different methods are easy to compare. False keeps the palette's own order.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : list of Axes

    Raises
    ------
    ValueError
        If a palette is not of shape (k, 3) with k >= 1.

    Used in: notebooks/03_images.ipynb
    """
    single = isinstance(palettes, np.ndarray) and palettes.ndim == 2
    items = [palettes] if single else list(palettes)
    colours = []
    for i, p in enumerate(items):
        arr = np.asarray(p, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[1] != 3 or arr.shape[0] < 1:
            raise ValueError(f"palette {i} must have shape (k, 3), got {arr.shape}")
        if np.asarray(p).dtype.kind in "iu" or arr.max() > 1.0:
            arr = arr / 255.0
        arr = np.clip(arr, 0.0, 1.0)
        if sort:
            arr = arr[np.argsort(arr @ np.array([0.299, 0.587, 0.114]), kind="stable")]
        colours.append(arr)
    if titles is not None and len(titles) != len(colours):
        raise ValueError(f"got {len(titles)} titles for {len(colours)} palettes")
    widest = max(c.shape[0] for c in colours)
    fig, axs = _axes(ax, len(colours), figsize=(min(12.0, 0.25 * widest + 2.0), 0.75 * len(colours) + 0.3))
    for a, arr, i in zip(axs, colours, range(len(colours)), strict=True):
        a.imshow(arr[None, :, :], aspect="equal", interpolation="nearest", extent=(0, arr.shape[0], 0, 1))
        a.set_xlim(0, widest)
        a.set_axis_off()
        a.set_title(
            titles[i] if titles is not None else f"{arr.shape[0]} colours", loc="left", fontsize="small"
        )
    return fig, axs


@_styled
def table_heatmap(
    table: ArrayLike,
    ax: Axes | None = None,
    title: str | None = None,
    vmax: float | None = None,
    annotate: bool = True,
) -> tuple[Figure, Axes]:
    """Show an 8 x 8 table (a JPEG quantization table, coefficient statistics) as an annotated heat map.

    Parameters
    ----------
    table : array_like, shape (n, n)
        The values; row = vertical frequency, column = horizontal frequency, [0, 0] at the top left.
    ax : Axes, optional
        Where to draw. Default: a new figure.
    title : str, optional
        The title.
    vmax : float, optional
        Top of the colour scale (default: the table's maximum); the bottom is 0.
    annotate : bool, default True
        Write each value in its cell.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``table`` is not a real 2-D array.

    Used in: notebooks/03_images.ipynb
    """
    arr = np.asarray(table)
    if arr.dtype.kind not in "biuf" or arr.ndim != 2:
        raise ValueError(f"table must be a real 2-D array, got shape {arr.shape} of dtype {arr.dtype}")
    values = arr.astype(np.float64)
    top = float(values.max()) if vmax is None else float(vmax)
    fig, (a,) = _axes(ax, 1, figsize=(3.6, 3.4))
    a.imshow(values, cmap="viridis", vmin=0.0, vmax=top if top > 0 else 1.0, interpolation="nearest")
    a.set_xticks(range(arr.shape[1]))
    a.set_yticks(range(arr.shape[0]))
    a.tick_params(length=0, labelsize="x-small")
    a.grid(False)
    a.set_xlabel("horizontal frequency")
    a.set_ylabel("vertical frequency")
    if annotate:
        integer = arr.dtype.kind in "biu" or bool(np.all(values == np.round(values)))
        for (r, c), v in np.ndenumerate(values):
            text = f"{int(v)}" if integer else f"{v:.2g}"
            a.text(
                c,
                r,
                text,
                ha="center",
                va="center",
                fontsize=6.5,
                color="white" if v < 0.6 * (top if top > 0 else 1.0) else "black",
            )
    if title is not None:
        a.set_title(title)
    return fig, a


@_styled
def radial_spectra(
    errors: Mapping[str, ArrayLike], ax: Axes | None = None, n_bins: int = 32
) -> tuple[Figure, Axes]:
    """Plot the ring-averaged power spectrum of each error image (log scale), to compare their colour.

    Each curve is :func:`quantkit.images.radial_power_spectrum` of one array: flat for white noise
    (random dither), rising towards high frequencies when the error is pushed there (error diffusion).

    Parameters
    ----------
    errors : mapping of str to array_like
        Label -> 2-D error image (for example ``{"random": out_r - img, ...}``).
    ax : Axes, optional
        Where to draw. Default: a new figure.
    n_bins : int, default 32
        Number of frequency rings from 0 to 0.5 cycles per pixel.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes

    Raises
    ------
    ValueError
        If ``errors`` is empty or an entry is not a 2-D array.

    Used in: notebooks/03_images.ipynb
    """
    from quantkit.images import radial_power_spectrum

    if not errors:
        raise ValueError("errors is empty: give at least one label -> error image")
    fig, (a,) = _axes(ax, 1, figsize=(6.5, 3.2))
    for label, err in errors.items():
        f, p = radial_power_spectrum(err, n_bins)
        keep = np.isfinite(p) & (p > 0)
        a.semilogy(f[keep], p[keep], marker="o", markersize=3, label=str(label))
    a.set_xlabel("spatial frequency (cycles per pixel)")
    a.set_ylabel("error power (grey levels² per bin)")
    a.axvline(0.5, color=COLORS["guide"], linewidth=0.8, linestyle=":")
    a.legend(loc="lower right")
    return fig, a
