"""The course's plot helpers: one look, ``(fig, ax)`` back, no ``plt.show()``.

Each helper draws inside :func:`quantkit._style.style`, creates its figure with pyplot when ``ax`` is
not given (so Jupyter shows it once at the end of the cell), and returns the figure and its axes for
further tweaking. Helpers that take a student's function (``quantize_fn``, ``signal``,
``reconstruction``) draw a "not implemented yet" placeholder when it raises ``NotImplementedError``;
any other exception propagates, and a result of the wrong shape raises a plain-words ``ValueError``.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import matplotlib.pyplot as plt
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from numpy.typing import ArrayLike

from quantkit._style import COLORS, style
from quantkit.metrics import psnr
from quantkit.plots._student import NOT_IMPLEMENTED, check_output, function_name
from quantkit.signals import dense_time, magnitude_spectrum, sinc_interpolate, zero_order_hold

__all__ = [
    "confusion_counts",
    "confusion_matrix",
    "error_histogram",
    "image_grid",
    "metric_vs_bits",
    "placeholder",
    "sampled_signal",
    "signal_and_error",
    "spectrogram",
    "spectrum",
    "transfer_curve",
    "weight_histogram",
]

F = TypeVar("F", bound=Callable[..., Any])


def _styled(func: F) -> F:
    """Run a plot helper inside the course style."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with style():
            return func(*args, **kwargs)

    return wrapper  # type: ignore[return-value]


def _axes(
    ax: Any, n: int, *, figsize: tuple[float, float] | None = None, sharex: bool = False
) -> tuple[Figure, list[Axes]]:
    """Use the caller's ``ax`` (one Axes, or a sequence of ``n``) or make ``n`` stacked axes."""
    if ax is None:
        fig, axs = plt.subplots(n, 1, figsize=figsize, sharex=sharex, squeeze=False)
        return fig, list(axs[:, 0])
    given = [ax] if isinstance(ax, Axes) else list(np.ravel(np.asarray(ax, dtype=object)))
    if len(given) != n or not all(isinstance(a, Axes) for a in given):
        want = "one matplotlib Axes" if n == 1 else f"a sequence of {n} matplotlib Axes"
        raise TypeError(f"ax must be {want} (or None for a new figure), got {ax!r}")
    return given[0].figure, given  # type: ignore[return-value]


def placeholder(ax: Axes, text: str = NOT_IMPLEMENTED) -> Axes:
    """Blank ``ax`` and write ``text`` in its middle (used when a student's function is not written yet).

    Parameters
    ----------
    ax : matplotlib.axes.Axes
        The axes to blank.
    text : str, default "not implemented yet"
        The message.

    Returns
    -------
    matplotlib.axes.Axes
        ``ax``.
    """
    ax.clear()
    ax.set_xticks([])
    ax.set_yticks([])
    ax.grid(False)
    ax.text(0.5, 0.5, text, ha="center", va="center", transform=ax.transAxes, color="0.35", fontsize="large")
    return ax


def _real_1d(values: ArrayLike, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must hold real numbers, got an array of dtype {arr.dtype}")
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError(f"{name} is empty")
    return arr.astype(np.float64)


def _check_range(n_bits: Any, x_min: Any, x_max: Any) -> tuple[int, float, float]:
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)):
        raise TypeError(f"n_bits must be an integer, got {type(n_bits).__name__}")
    if n_bits < 1:
        raise ValueError(f"n_bits must be at least 1, got {n_bits}")
    lo, hi = float(x_min), float(x_max)
    if not (math.isfinite(lo) and math.isfinite(hi) and lo < hi):
        raise ValueError(f"need finite x_min < x_max, got x_min={x_min} and x_max={x_max}")
    return int(n_bits), lo, hi


def transfer_grid(n_bits: int, x_min: float, x_max: float) -> np.ndarray:
    """The input grid a transfer curve is drawn on: 25 % wider than ``[x_min, x_max]`` on each side.

    ``max(2001, 16 * 2**n_bits + 1)`` points, at most 40001. As the grid is 1.5 times as wide as the
    range, that is at least 10 points per quantization step up to 11 bits, and fewer above.

    Parameters
    ----------
    n_bits : int
        Bit depth, ``>= 1``.
    x_min, x_max : float
        The quantizer's input range, ``x_min < x_max``.

    Returns
    -------
    numpy.ndarray
        Increasing float64 grid.
    """
    n_bits, lo, hi = _check_range(n_bits, x_min, x_max)
    margin = 0.25 * (hi - lo)
    n = int(min(max(2001, 16 * 2**n_bits + 1), 40001))
    return np.linspace(lo - margin, hi + margin, n)


@_styled
def transfer_curve(
    quantize_fn: Callable[..., Any],
    n_bits: int,
    x_min: float,
    x_max: float,
    mode: str = "midrise",
    ax: Any = None,
    with_error: bool = True,
) -> tuple[Figure, Any]:
    """Draw a quantizer's staircase (output against input) and, below it, its error.

    The input runs over :func:`transfer_grid`, a range 25 % wider than ``[x_min, x_max]`` on each
    side, so clipping outside the range is visible. The quantizer is called as
    ``quantize_fn(x, n_bits, x_min, x_max, mode=mode)`` and must return an array shaped like ``x``.

    Parameters
    ----------
    quantize_fn : callable
        The student's quantizer, ``quantize_fn(x, n_bits, x_min, x_max, mode=...)`` returning the
        reconstructed values.
    n_bits : int
        Bit depth, ``>= 1``.
    x_min, x_max : float
        Input range of the quantizer.
    mode : str, default "midrise"
        Passed through to ``quantize_fn`` (``"midrise"`` or ``"midtread"``).
    ax : Axes or pair of Axes, optional
        Where to draw: one Axes when ``with_error=False``, two (staircase, error) otherwise. Default: a
        new figure.
    with_error : bool, default True
        Also draw the error ``Q(x) - x`` in a second panel.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : Axes, or numpy.ndarray of two Axes when ``with_error``

    Raises
    ------
    ValueError
        If ``quantize_fn`` returns a result not shaped like its input, or NaN/inf.

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    x = transfer_grid(n_bits, x_min, x_max)
    n_bits, lo, hi = _check_range(n_bits, x_min, x_max)
    name = function_name(quantize_fn)
    # Call the student's function before making a figure, so an error leaves no empty figure behind.
    try:
        out = quantize_fn(x.copy(), n_bits, lo, hi, mode=mode)  # a copy: in-place edits stay theirs
    except NotImplementedError:
        xq = None
    else:
        xq = check_output(out, name, x.shape)
    fig, axs = _axes(ax, 2 if with_error else 1, figsize=(6.5, 5.0) if with_error else None, sharex=True)
    if xq is None:
        for a in axs:
            placeholder(a, f"{NOT_IMPLEMENTED}\n({name})")
        return fig, (np.array(axs, dtype=object) if with_error else axs[0])
    top = axs[0]
    top.plot(x, x, color=COLORS["guide"], linestyle="--", linewidth=1, label="y = x")
    top.plot(x, xq, color=COLORS["quantized"], label="Q(x)")
    for edge in (lo, hi):
        top.axvline(edge, color=COLORS["guide"], linestyle=":", linewidth=1)
    top.set_ylabel("output Q(x)")
    # Half-open: x_max itself is outside the range (it clips onto the top level).
    top.set_title(f"{n_bits}-bit {mode} quantizer on [{lo:g}, {hi:g})")
    top.legend(loc="upper left")
    if with_error:
        bottom = axs[1]
        bottom.plot(x, xq - x, color=COLORS["error"])
        for edge in (lo, hi):
            bottom.axvline(edge, color=COLORS["guide"], linestyle=":", linewidth=1)
        bottom.set_ylabel("error Q(x) − x")
        bottom.set_xlabel("input x")
        return fig, np.array(axs, dtype=object)
    top.set_xlabel("input x")
    return fig, top


@_styled
def signal_and_error(t: ArrayLike, x: ArrayLike, xq: ArrayLike, ax: Any = None) -> tuple[Figure, np.ndarray]:
    """Draw a signal with its quantized version (top) and the quantization error ``xq - x`` (bottom).

    Parameters
    ----------
    t : array_like, shape (N,)
        Times (or sample indices).
    x : array_like, shape (N,)
        The signal.
    xq : array_like, shape (N,)
        The quantized signal.
    ax : pair of Axes, optional
        ``(ax_signal, ax_error)``. Default: a new figure with two stacked panels.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : numpy.ndarray of two Axes

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    tt, xx, qq = _real_1d(t, "t"), _real_1d(x, "x"), _real_1d(xq, "xq")
    if not tt.shape == xx.shape == qq.shape:
        raise ValueError(f"t, x and xq must have the same shape, got {tt.shape}, {xx.shape} and {qq.shape}")
    fig, axs = _axes(ax, 2, figsize=(7.0, 4.5), sharex=True)
    top, bottom = axs
    marker = "." if tt.size <= 60 else None
    top.plot(tt, xx, color=COLORS["signal"], label="signal x", marker=marker)
    top.plot(tt, qq, color=COLORS["quantized"], label="quantized xq", drawstyle="steps-mid", alpha=0.9)
    top.set_ylabel("amplitude")
    top.legend(loc="upper right", frameon=True, framealpha=0.85)
    bottom.plot(tt, qq - xx, color=COLORS["error"], marker=marker)
    bottom.set_ylabel("error xq − x")
    bottom.set_xlabel("t")
    return fig, np.array(axs, dtype=object)


@_styled
def error_histogram(
    error: ArrayLike, step: float | None = None, ax: Axes | None = None, bins: int = 50
) -> tuple[Figure, Axes]:
    """Density histogram of quantization errors, with the uniform model's density when ``step`` is given.

    The classic model of rounding error is uniform on ``[-step/2, step/2]``, with density ``1/step``;
    that rectangle is drawn over the histogram for comparison.

    Parameters
    ----------
    error : array_like
        Errors, any shape (flattened).
    step : float, optional
        Quantization step. Default: no model drawn.
    ax : Axes, optional
        Where to draw. Default: a new figure.
    bins : int, default 50
        Number of histogram bins.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    e = _real_1d(np.ravel(np.asarray(error)), "error")
    if step is not None:
        step = float(step)
        if not (math.isfinite(step) and step > 0):
            raise ValueError(f"step must be a positive number, got {step}")
    fig, (a,) = _axes(ax, 1)
    a.hist(e, bins=bins, density=True, color=COLORS["error"], alpha=0.6, label="measured")
    if step is not None:
        h = 1.0 / step
        a.plot(
            [-step / 2, -step / 2, step / 2, step / 2],
            [0, h, h, 0],
            color=COLORS["theory"],
            linestyle="--",
            label="uniform, density 1/step",
        )
        a.legend(loc="upper right")
    a.set_xlabel("error")
    a.set_ylabel("density")
    return fig, a


@_styled
def metric_vs_bits(
    bits: ArrayLike,
    values: ArrayLike,
    theory: ArrayLike | Callable[[np.ndarray], ArrayLike] | None = None,
    label: str = "measured",
    ylabel: str = "SQNR (dB)",
    ax: Axes | None = None,
    theory_label: str = "theory",
) -> tuple[Figure, Axes]:
    """Plot a metric (SQNR by default) against bit depth, optionally with a theoretical line.

    Parameters
    ----------
    bits : array_like of int, shape (N,)
        Bit depths.
    values : array_like, shape (N,)
        The measured metric at each bit depth.
    theory : array_like of shape (N,) or callable, optional
        Theoretical values, or a function of the bits array returning them. Drawn dashed.
    label : str, default "measured"
        Legend label of ``values``.
    ylabel : str, default "SQNR (dB)"
        Y axis label.
    ax : Axes, optional
        Where to draw. Default: a new figure.
    theory_label : str, default "theory"
        Legend label of ``theory``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    b = _real_1d(bits, "bits")
    v = _real_1d(values, "values")
    if b.shape != v.shape:
        raise ValueError(f"bits and values must have the same length, got {b.size} and {v.size}")
    th = None
    if theory is not None:
        th = _real_1d(theory(b) if callable(theory) else theory, "theory")
        if th.shape != b.shape:
            raise ValueError(f"theory must give one value per bit depth ({b.size}), got {th.size}")
    fig, (a,) = _axes(ax, 1)
    a.plot(b, v, marker="o", color=COLORS["signal"], label=label)
    if th is not None:
        a.plot(b, th, linestyle="--", color=COLORS["theory"], label=theory_label)
    a.set_xlabel("bits")
    a.set_ylabel(ylabel)
    if np.all(b == np.round(b)) and b.size <= 24:
        a.set_xticks(b)
    a.legend(loc="best")
    return fig, a


@_styled
def spectrum(
    x: ArrayLike, fs: float, ax: Axes | None = None, window: str | None = "hann"
) -> tuple[Figure, Axes]:
    """Plot the one-sided magnitude spectrum of ``x`` in dB (:func:`quantkit.signals.magnitude_spectrum`).

    Parameters
    ----------
    x : array_like, shape (N,)
        Samples.
    fs : float
        Sample rate in Hz.
    ax : Axes, optional
        Where to draw. Default: a new figure.
    window : str or None, default "hann"
        Analysis window.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    freqs, mag = magnitude_spectrum(x, fs, window=window, db=True)
    fig, (a,) = _axes(ax, 1)
    a.plot(freqs, mag, color=COLORS["signal"])
    top = float(np.max(mag))
    a.set_ylim(max(float(np.min(mag)), top - 140.0) - 5.0, top + 5.0)
    a.set_xlabel("frequency (Hz)")
    a.set_ylabel("magnitude (dB)")
    return fig, a


@_styled
def spectrogram(
    x: ArrayLike, fs: float, ax: Axes | None = None, nperseg: int | None = None
) -> tuple[Figure, Axes]:
    """Plot a spectrogram (power spectral density in dB over time and frequency) with a colour bar.

    The power is ``scipy.signal.spectrogram``'s default density scaling (squared units per Hz), so the
    colour bar reads dB per Hz.

    Parameters
    ----------
    x : array_like, shape (N,)
        Samples, ``N >= 16``.
    fs : float
        Sample rate in Hz.
    ax : Axes, optional
        Where to draw. Default: a new figure.
    nperseg : int, optional
        Samples per segment (Hann window, half overlap). Default: ``min(256, N // 4)``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes

    Used in: notebooks/02_audio.ipynb
    """
    from scipy.signal import spectrogram as _spectrogram

    xs = _real_1d(x, "x")
    if xs.size < 16:
        raise ValueError(f"a spectrogram needs at least 16 samples, got {xs.size}")
    fs = float(fs)
    if not (math.isfinite(fs) and fs > 0):
        raise ValueError(f"fs must be a positive number, got {fs}")
    seg = int(nperseg) if nperseg is not None else min(256, xs.size // 4)
    if not 2 <= seg <= xs.size:
        raise ValueError(f"nperseg must be between 2 and the signal length {xs.size}, got {seg}")
    f, t, sxx = _spectrogram(xs, fs=fs, window="hann", nperseg=seg, noverlap=seg // 2)
    power = 10.0 * np.log10(np.maximum(sxx, 1e-20))
    fig, (a,) = _axes(ax, 1)
    top = float(np.max(power))
    mesh = a.pcolormesh(t, f, power, shading="nearest", vmin=top - 100.0, vmax=top, cmap="magma")
    fig.colorbar(mesh, ax=a, label="power density (dB/Hz)")
    a.grid(False)
    a.set_xlabel("time (s)")
    a.set_ylabel("frequency (Hz)")
    return fig, a


def _reconstruct(
    reconstruction: Any, ts: np.ndarray, xs: np.ndarray, t: np.ndarray
) -> tuple[np.ndarray, str]:
    if reconstruction == "sinc":
        return sinc_interpolate(ts, xs, t), "sinc reconstruction"
    if reconstruction == "zoh":
        return zero_order_hold(ts, xs, t), "zero-order hold"
    if callable(reconstruction):
        name = function_name(reconstruction)
        return check_output(reconstruction(ts, xs, t), name, t.shape), name
    raise ValueError(f"reconstruction must be None, 'sinc', 'zoh' or a function, got {reconstruction!r}")


@_styled
def sampled_signal(
    signal: Callable[[np.ndarray], Any],
    t_samples: ArrayLike,
    x_samples: ArrayLike,
    duration: float,
    ax: Axes | None = None,
    reconstruction: str | Callable[..., Any] | None = None,
) -> tuple[Figure, Axes]:
    """Draw a "continuous" signal, its samples as stems, and optionally a reconstruction from them.

    Parameters
    ----------
    signal : callable
        ``signal(t) -> values`` (a :class:`quantkit.signals.Signal` or a student's function), drawn on
        :func:`quantkit.signals.dense_time` over ``[0, duration]``.
    t_samples, x_samples : array_like, shape (N,)
        Sample times and values.
    duration : float
        Length of the plotted time axis, seconds.
    ax : Axes, optional
        Where to draw. Default: a new figure.
    reconstruction : {None, "sinc", "zoh"} or callable, default None
        ``"sinc"``: :func:`~quantkit.signals.sinc_interpolate`; ``"zoh"``:
        :func:`~quantkit.signals.zero_order_hold`; a callable is called as
        ``reconstruction(t_samples, x_samples, t)``.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes
    """
    ts, xs = _real_1d(t_samples, "t_samples"), _real_1d(x_samples, "x_samples")
    if ts.shape != xs.shape:
        raise ValueError(f"t_samples and x_samples must have the same shape, got {ts.shape} and {xs.shape}")
    t = dense_time(duration)
    # Call the student's functions before making a figure, so an error leaves no empty figure behind.
    try:
        curve = check_output(signal(t.copy()), function_name(signal), t.shape)
        rec = _reconstruct(reconstruction, ts, xs, t) if reconstruction is not None else None
    except NotImplementedError:
        curve = None
    fig, (a,) = _axes(ax, 1)
    if curve is None:
        placeholder(a)
        return fig, a
    a.plot(t, curve, color=COLORS["signal"], alpha=0.6, label="signal")
    a.vlines(ts, 0.0, xs, color=COLORS["samples"], linewidth=1)
    a.plot(ts, xs, "o", color=COLORS["samples"], markersize=4, label=f"{ts.size} samples")
    if rec is not None:
        a.plot(t, rec[0], color=COLORS["reconstruction"], linestyle="--", label=rec[1])
    a.axhline(0.0, color=COLORS["guide"], linewidth=0.8)
    a.set_xlim(0.0, float(duration))
    a.set_xlabel("time (s)")
    a.set_ylabel("amplitude")
    a.legend(loc="upper right", frameon=True, framealpha=0.85)
    return fig, a


def _image_limits(img: np.ndarray) -> tuple[float, float]:
    if img.dtype.kind == "b":
        return 0.0, 1.0
    if img.dtype.kind in "iu":
        info = np.iinfo(img.dtype)
        return (0.0, 255.0) if img.dtype == np.uint8 else (float(info.min), float(info.max))
    lo, hi = float(np.min(img)), float(np.max(img))
    return (0.0, 1.0) if lo >= 0.0 and hi <= 1.0 else (lo, hi)


Crop = tuple[int, int, int, int]


def _crop_box(crop: Any, shape: tuple[int, ...]) -> Crop:
    """``crop`` as (top, left, height, width) inside an image of ``shape``, or a plain-words ValueError."""
    try:
        top, left, height, width = (int(v) for v in crop)
    except (TypeError, ValueError):
        raise ValueError(f"crop must be (top, left, height, width), got {crop!r}") from None
    if height < 1 or width < 1 or top < 0 or left < 0 or top + height > shape[0] or left + width > shape[1]:
        raise ValueError(
            f"crop (top={top}, left={left}, height={height}, width={width}) does not fit inside an "
            f"image of {shape[0]} x {shape[1]} pixels"
        )
    return top, left, height, width


def _show_image(a: Axes, im: np.ndarray, cmap: str | None) -> None:
    if im.ndim == 2:
        lo, hi = _image_limits(im)
        a.imshow(im, cmap=cmap or "gray", vmin=lo, vmax=hi, interpolation="nearest")
    else:
        a.imshow(im, interpolation="nearest")
    a.set_axis_off()


@_styled
def image_grid(
    images: Sequence[ArrayLike] | np.ndarray,
    titles: Sequence[str] | None = None,
    reference: ArrayLike | None = None,
    cmap: str | None = None,
    ncols: int | None = None,
    data_range: float | None = None,
    *,
    ssim: bool = False,
    crop: Sequence[int] | None = None,
    size: float = 3.0,
) -> tuple[Figure, np.ndarray]:
    """Show images side by side; with a ``reference``, each title gets the image's PSNR (and SSIM).

    Parameters
    ----------
    images : sequence of array_like
        2-D (grey) or ``(H, W, 3)`` (RGB) images. A single 2-D array is one image. Grey uint8 images
        are drawn on the fixed scale 0..255 (black is 0, white 255), never stretched.
    titles : sequence of str, optional
        One per image.
    reference : array_like, optional
        The original image; each title then ends with ``PSNR <x> dB`` (``∞`` for an identical image).
    cmap : str, optional
        Colour map for grey images. Default ``"gray"``.
    ncols : int, optional
        Images per row. Default: all in one row up to 4. Ignored with ``crop`` (one column per image).
    data_range : float, optional
        Passed to :func:`quantkit.metrics.psnr` and :func:`quantkit.metrics.ssim`. Default: inferred
        from an integer reference's dtype; for a float reference, 1.0 when its values lie in
        ``[0, 1]`` (else it must be given).
    ssim : bool, default False
        With a ``reference``, also put the SSIM (:func:`quantkit.metrics.ssim`) in each title.
    crop : (top, left, height, width), optional
        A zoomed crop: a second row shows this region of every image, enlarged (nearest-neighbour,
        so each pixel is a visible square), and the first row marks it with a rectangle.
    size : float, default 3.0
        Width of each panel in inches.

    Returns
    -------
    fig : matplotlib.figure.Figure
    axes : numpy.ndarray of Axes
        One per image (the full views); with ``crop``, shape ``(2, n)``: row 0 the full views, row 1
        the crops.

    Raises
    ------
    ValueError
        If an image is not 2-D or (H, W, 3), the titles do not match, a float reference lies outside
        [0, 1] without ``data_range``, or the crop does not fit.

    Used in: notebooks/03_images.ipynb
    """
    from quantkit.metrics import ssim as ssim_index

    if isinstance(images, np.ndarray) and images.ndim == 2:
        images = [images]
    imgs = [np.asarray(im) for im in images]
    if not imgs:
        raise ValueError("images is empty")
    for i, im in enumerate(imgs):
        if im.dtype.kind not in "biuf" or not (im.ndim == 2 or (im.ndim == 3 and im.shape[2] in (3, 4))):
            raise ValueError(f"images[{i}] must be a 2-D grey or (H, W, 3) RGB image, got shape {im.shape}")
    if titles is not None and len(titles) != len(imgs):
        raise ValueError(f"got {len(titles)} titles for {len(imgs)} images")
    labels = list(titles) if titles is not None else [""] * len(imgs)
    if reference is not None:
        ref = np.asarray(reference)
        rng = data_range
        if rng is None and ref.dtype.kind == "f":
            if float(np.min(ref)) >= 0.0 and float(np.max(ref)) <= 1.0:
                rng = 1.0
            else:
                raise ValueError("reference is a float image outside [0, 1]: pass data_range= for the PSNR")
        for i, im in enumerate(imgs):
            value = psnr(ref, im, data_range=rng)
            text = "PSNR ∞ dB" if math.isinf(value) else f"PSNR {value:.1f} dB"
            if ssim:
                text += f", SSIM {ssim_index(ref, im, data_range=rng):.3f}"
            labels[i] = f"{labels[i]}\n{text}" if labels[i] else text
    if crop is not None:
        boxes = [_crop_box(crop, im.shape) for im in imgs]
        n = len(imgs)
        aspect = imgs[0].shape[0] / imgs[0].shape[1]
        crop_aspect = boxes[0][2] / boxes[0][3]
        fig, axs = plt.subplots(
            2,
            n,
            figsize=(size * n, size * (aspect + crop_aspect) + 0.8),
            squeeze=False,
            height_ratios=[aspect, crop_aspect],
        )
        from matplotlib.patches import Rectangle

        for j, (im, label, (top, left, height, width)) in enumerate(zip(imgs, labels, boxes, strict=True)):
            _show_image(axs[0, j], im, cmap)
            axs[0, j].set_title(label)
            axs[0, j].add_patch(
                Rectangle(
                    (left - 0.5, top - 0.5), width, height, fill=False, edgecolor="#ff7f0e", linewidth=1.5
                )
            )
            _show_image(axs[1, j], im[top : top + height, left : left + width], cmap)
            axs[1, j].set_title(f"zoom: {height} x {width} pixels", fontsize="small")
        return fig, axs
    cols = int(ncols) if ncols is not None else min(len(imgs), 4)
    rows = math.ceil(len(imgs) / cols)
    aspect = imgs[0].shape[0] / imgs[0].shape[1]
    fig, axs = plt.subplots(
        rows, cols, figsize=(size * cols, size * aspect * rows + 0.4 * rows), squeeze=False
    )
    flat = list(axs.ravel())
    for a, im, label in zip(flat, imgs, labels, strict=False):
        _show_image(a, im, cmap)
        a.set_title(label)
    for a in flat[len(imgs) :]:
        fig.delaxes(a)
    return fig, np.array(flat[: len(imgs)], dtype=object)


@_styled
def weight_histogram(
    weights: ArrayLike, levels: ArrayLike | None = None, ax: Axes | None = None, bins: int = 100
) -> tuple[Figure, Axes]:
    """Histogram of (neural-network) weights, with quantization levels drawn as vertical lines.

    Parameters
    ----------
    weights : array_like
        Weights, any shape (flattened).
    levels : array_like, optional
        Reconstruction levels of a quantizer, drawn as thin vertical lines.
    ax : Axes, optional
        Where to draw. Default: a new figure.
    bins : int, default 100
        Number of histogram bins.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes

    Used in: notebooks/04_nn_weights.ipynb
    """
    w = _real_1d(np.ravel(np.asarray(weights)), "weights")
    lv = _real_1d(np.ravel(np.asarray(levels)), "levels") if levels is not None else None
    fig, (a,) = _axes(ax, 1)
    a.hist(w, bins=bins, density=True, color=COLORS["signal"], alpha=0.7, label=f"{w.size} weights")
    if lv is not None:
        a.vlines(
            lv,
            0.0,
            1.0,
            transform=a.get_xaxis_transform(),
            color=COLORS["quantized"],
            linewidth=0.8,
            alpha=0.8,
            label=f"{lv.size} levels",
        )
    a.set_xlabel("weight value")
    a.set_ylabel("density")
    a.legend(loc="upper right")
    return fig, a


def confusion_counts(y_true: ArrayLike, y_pred: ArrayLike, n_classes: int | None = None) -> np.ndarray:
    """Count how often each true class is predicted as each class.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
        True and predicted classes, 0 to ``n_classes - 1``.
    n_classes : int, optional
        Number of classes. Default: one more than the largest label seen.

    Returns
    -------
    numpy.ndarray
        int64, shape (n_classes, n_classes): row ``i``, column ``j`` counts the inputs of class ``i``
        predicted as ``j`` (the diagonal holds the correct predictions).

    Examples
    --------
    >>> confusion_counts([0, 1, 1, 2], [0, 2, 1, 2])
    array([[1, 0, 0],
           [0, 1, 1],
           [0, 0, 1]])
    """
    t, p = np.asarray(y_true), np.asarray(y_pred)
    if t.dtype.kind not in "iu" or p.dtype.kind not in "iu":
        raise TypeError(f"class labels must be integers, got dtypes {t.dtype} and {p.dtype}")
    if t.ndim != 1 or t.shape != p.shape:
        raise ValueError(f"y_true and y_pred must be 1-D of the same length, got {t.shape} and {p.shape}")
    if t.size and min(t.min(), p.min()) < 0:
        raise ValueError("class labels must be non-negative")
    k = int(n_classes) if n_classes is not None else int(max(t.max(initial=-1), p.max(initial=-1)) + 1)
    if t.size and max(t.max(), p.max()) >= k:
        raise ValueError(f"a label is >= n_classes = {k}")
    return np.bincount(t.astype(np.int64) * k + p.astype(np.int64), minlength=k * k).reshape(k, k)


@_styled
def confusion_matrix(
    y_true: ArrayLike, y_pred: ArrayLike, n_classes: int | None = None, ax: Axes | None = None
) -> tuple[Figure, Axes]:
    """Draw the confusion matrix (true class down, predicted class across), counts written in the cells.

    Parameters
    ----------
    y_true, y_pred : array_like of int, shape (n,)
        True and predicted classes.
    n_classes : int, optional
        Number of classes (default: from the labels).
    ax : Axes, optional
        Where to draw. Default: a new figure.

    Returns
    -------
    fig : matplotlib.figure.Figure
    ax : matplotlib.axes.Axes

    Used in: notebooks/04_nn_weights.ipynb
    """
    counts = confusion_counts(y_true, y_pred, n_classes)
    fig, (a,) = _axes(ax, 1, figsize=(4.0, 3.6))
    a.imshow(np.log1p(counts), cmap="Blues")
    a.grid(False)
    k = counts.shape[0]
    for i in range(k):
        for j in range(k):
            if counts[i, j]:
                a.text(j, i, str(counts[i, j]), ha="center", va="center", fontsize="x-small",
                       color="white" if i == j else "black")  # fmt: skip
    a.set_xticks(range(k))
    a.set_yticks(range(k))
    a.set_xlabel("predicted class")
    a.set_ylabel("true class")
    acc = np.trace(counts) / max(counts.sum(), 1)
    a.set_title(f"accuracy {acc:.1%} ({np.trace(counts)} of {counts.sum()})")
    return fig, a
