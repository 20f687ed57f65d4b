"""Tests for quantkit.plots: figures are built headless (Agg), hold the right data, and are closed."""

from __future__ import annotations

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np
import pytest
from matplotlib.axes import Axes
from matplotlib.collections import LineCollection
from matplotlib.figure import Figure

from quantkit import plots
from quantkit.metrics import psnr
from quantkit.signals import dense_time, sinc_interpolate, sine

# Small quantizers for the tests only (quantkit itself must not contain one).


def midrise(x, n_bits, x_min, x_max, mode="midrise"):
    step = (x_max - x_min) / 2**n_bits
    idx = np.clip(np.floor((np.asarray(x) - x_min) / step), 0, 2**n_bits - 1)
    return x_min + (idx + 0.5) * step


def not_written(x, n_bits, x_min, x_max, mode="midrise"):
    raise NotImplementedError


def broken(x, n_bits, x_min, x_max, mode="midrise"):
    raise ValueError("n_bits is wrong")


def column(x, n_bits, x_min, x_max, mode="midrise"):
    return np.asarray(x)[:, None]


@pytest.fixture(autouse=True)
def _close_figures(monkeypatch):
    """No helper may call plt.show(); every figure a test opens is closed afterwards."""

    def _no_show(*args, **kwargs):
        raise AssertionError("plot helpers must not call plt.show()")

    monkeypatch.setattr(plt, "show", _no_show)
    yield
    plt.close("all")


def _texts(ax: Axes) -> str:
    return " ".join(t.get_text() for t in ax.texts)


# --- style ----------------------------------------------------------------------------------------


def test_style_is_scoped_not_global():
    """Drawing applies the course style to its own figure and leaves rcParams as they were."""
    before = dict(mpl.rcParams)
    _fig, ax = plots.metric_vs_bits([1, 2, 3], [7.0, 13.0, 19.0])
    assert dict(mpl.rcParams) == before
    assert not ax.spines["top"].get_visible()  # course style
    with plots.style():
        assert mpl.rcParams["axes.spines.top"] is False
    assert mpl.rcParams["axes.spines.top"] == before["axes.spines.top"]


# --- transfer_curve -------------------------------------------------------------------------------


@pytest.mark.parametrize("n_bits", [1, 3, 8])
def test_transfer_curve_draws_the_students_staircase_and_error(n_bits):
    """The red line is quantize_fn's output on a grid wider than the range; the error panel is Q(x) - x."""
    fig, axes = plots.transfer_curve(midrise, n_bits, -1.0, 1.0)
    assert isinstance(fig, Figure)
    assert axes.shape == (2,)
    stair = axes[0].get_lines()[1]
    x, y = stair.get_xdata(), stair.get_ydata()
    assert x.min() < -1.0 and x.max() > 1.0  # the clipping region is visible
    assert len(x) >= 16 * 2**n_bits
    np.testing.assert_array_equal(y, midrise(x, n_bits, -1.0, 1.0))
    err = axes[1].get_lines()[0]
    np.testing.assert_allclose(err.get_ydata(), y - x)
    assert f"{n_bits}-bit midrise" in axes[0].get_title()


@pytest.mark.parametrize(("x_min", "x_max", "shown"), [(-1.0, 1.0, "[-1, 1)"), (0.0, 4.0, "[0, 4)")])
def test_transfer_curve_title_shows_the_half_open_range(x_min, x_max, shown):
    """The quantizer's range is [x_min, x_max): x_max itself clips onto the top level (notebook 01)."""
    _fig, axes = plots.transfer_curve(midrise, 3, x_min, x_max)
    assert axes[0].get_title() == f"3-bit midrise quantizer on {shown}"


@pytest.mark.parametrize("n_bits", [1, 3, 7, 10, 11, 12, 16])
def test_transfer_grid_density_is_as_documented(n_bits):
    """max(2001, 16 L + 1) points (capped at 40001) over 1.5 times the range: >= 10 per step up to 11 bits."""
    from quantkit.plots._figures import transfer_grid

    x = transfer_grid(n_bits, -1.0, 1.0)
    assert x.size == min(max(2001, 16 * 2**n_bits + 1), 40001)
    assert x[0] == -1.5 and x[-1] == 1.5
    per_step = np.count_nonzero((x >= -1.0) & (x < 1.0)) / 2**n_bits
    assert (per_step >= 10) == (n_bits <= 11)


def test_transfer_curve_into_given_axes_without_error_panel():
    """ax= is honoured; with_error=False gives one Axes back."""
    fig, ax = plt.subplots()
    fig2, ax2 = plots.transfer_curve(midrise, 2, 0.0, 4.0, ax=ax, with_error=False)
    assert fig2 is fig and ax2 is ax
    assert len(ax.get_lines()) == 4  # y = x, Q(x), and the two range edges


def test_transfer_curve_needs_two_axes_for_two_panels():
    """One Axes for two panels is a clear TypeError."""
    _, ax = plt.subplots()
    with pytest.raises(TypeError, match="sequence of 2 matplotlib Axes"):
        plots.transfer_curve(midrise, 2, -1, 1, ax=ax)


def test_transfer_curve_placeholder_when_not_implemented():
    """A NotImplementedError draws "not implemented yet" in each panel instead of failing."""
    _fig, axes = plots.transfer_curve(not_written, 3, -1, 1)
    for ax in axes:
        assert "not implemented yet" in _texts(ax)
        assert not ax.get_lines()


def test_transfer_curve_lets_other_errors_through_and_checks_shape():
    """Other errors propagate unchanged; a wrongly shaped result is a plain ValueError; no empty figure."""
    plt.close("all")
    with pytest.raises(ValueError, match="n_bits is wrong"):
        plots.transfer_curve(broken, 3, -1, 1)
    with pytest.raises(ValueError, match=r"column returned shape \(2001, 1\) for input of shape \(2001,\)"):
        plots.transfer_curve(column, 3, -1, 1)
    assert not plt.get_fignums()


@pytest.mark.parametrize(
    ("args", "error"), [((0, -1, 1), ValueError), ((2.5, -1, 1), TypeError), ((3, 1, -1), ValueError)]
)
def test_transfer_curve_rejects_bad_parameters(args, error):
    """Bits must be a positive integer and the range increasing."""
    with pytest.raises(error):
        plots.transfer_curve(midrise, *args)


# --- signal_and_error, error_histogram, metric_vs_bits ---------------------------------------------


def test_signal_and_error_panels():
    """Top: x and xq; bottom: xq - x."""
    t = np.arange(50) / 50
    x = np.sin(2 * np.pi * t)
    xq = np.round(x * 4) / 4
    _fig, axes = plots.signal_and_error(t, x, xq)
    top, bottom = axes
    np.testing.assert_array_equal(top.get_lines()[1].get_ydata(), xq)
    np.testing.assert_allclose(bottom.get_lines()[0].get_ydata(), xq - x)
    with pytest.raises(ValueError, match="same shape"):
        plots.signal_and_error(t, x, xq[:-1])


def test_error_histogram_is_a_density_with_the_uniform_model():
    """Bar areas sum to 1 (density); the model is the rectangle of height 1/step on [-step/2, step/2]."""
    rng = np.random.default_rng(0)
    step = 0.25
    err = rng.uniform(-step / 2, step / 2, 5000)
    _fig, ax = plots.error_histogram(err, step=step)
    area = sum(p.get_width() * p.get_height() for p in ax.patches)
    assert area == pytest.approx(1.0, rel=1e-12)
    model = ax.get_lines()[0]
    np.testing.assert_allclose(model.get_xdata(), [-0.125, -0.125, 0.125, 0.125])
    np.testing.assert_allclose(model.get_ydata(), [0, 4, 4, 0])
    with pytest.raises(ValueError, match="step must be a positive"):
        plots.error_histogram(err, step=0)


def test_metric_vs_bits_with_theory_function():
    """Measured points and a dashed theory line computed from the bits."""
    bits = np.arange(1, 9)
    _fig, ax = plots.metric_vs_bits(bits, 6.0 * bits + 1.0, theory=lambda b: 6.0 * b + 2.0, label="mine")
    measured, theory = ax.get_lines()
    np.testing.assert_array_equal(theory.get_ydata(), 6.0 * bits + 2.0)
    assert measured.get_label() == "mine"
    assert ax.get_ylabel() == "SQNR (dB)"
    with pytest.raises(ValueError, match="same length"):
        plots.metric_vs_bits([1, 2], [1.0])
    with pytest.raises(ValueError, match="one value per bit depth"):
        plots.metric_vs_bits([1, 2], [1.0, 2.0], theory=[1.0])


# --- spectrum, spectrogram -----------------------------------------------------------------------


def test_spectrum_peaks_at_the_tone():
    """A 1 kHz tone sampled at 8 kHz peaks at the 1 kHz bin."""
    fs = 8000
    x = 0.5 * np.sin(2 * np.pi * 1000 * np.arange(800) / fs)
    _fig, ax = plots.spectrum(x, fs)
    line = ax.get_lines()[0]
    assert line.get_xdata()[np.argmax(line.get_ydata())] == pytest.approx(1000.0)


def test_spectrogram_has_a_colour_bar_and_follows_a_chirp():
    """The loudest frequency in the last frame is higher than in the first for a rising chirp."""
    fs = 8000
    t = np.arange(fs) / fs
    x = np.sin(2 * np.pi * (200 * t + 0.5 * 2800 * t**2))  # 200 Hz rising to 3 kHz
    fig, ax = plots.spectrogram(x, fs)
    assert len(fig.axes) == 2  # plot + colour bar
    mesh = ax.collections[0]
    power = np.asarray(mesh.get_array()).reshape(-1, mesh._coordinates.shape[1] - 1)  # (freqs, times)
    assert np.argmax(power[:, -1]) > np.argmax(power[:, 0])
    with pytest.raises(ValueError, match="at least 16 samples"):
        plots.spectrogram(np.zeros(8), fs)


def test_spectrogram_colour_bar_is_a_power_density_in_db_per_hz():
    """scipy's spectrogram defaults to density scaling (units**2 / Hz): 10 log10 of it is dB/Hz.

    Reference: white noise of variance 1 sampled at fs has a one-sided density of 2 / fs per Hz
    (its power spread evenly over 0..fs/2), i.e. 10 log10(2 / 8000) = -36.0 dB/Hz on average.
    """
    fs = 8000
    x = np.random.default_rng(0).standard_normal(fs)
    fig, ax = plots.spectrogram(x, fs)
    assert fig.axes[1].get_ylabel() == "power density (dB/Hz)"
    mesh = ax.collections[0]
    power = np.asarray(mesh.get_array()).reshape(-1, mesh._coordinates.shape[1] - 1)[1:-1]  # no DC/Nyquist
    assert 10 * np.log10(np.mean(10 ** (power / 10))) == pytest.approx(10 * np.log10(2 / fs), abs=0.3)


# --- sampled_signal -------------------------------------------------------------------------------


@pytest.mark.parametrize("reconstruction", [None, "sinc", "zoh", "callable"])
def test_sampled_signal_draws_signal_samples_and_reconstruction(reconstruction):
    """Signal on the dense grid, samples as markers and stems, and the requested reconstruction."""
    s = sine(2.0)
    ts = np.arange(10) / 10
    xs = s(ts)

    def linear(t_samples, x_samples, t):
        return np.interp(t, t_samples, x_samples)

    rec = linear if reconstruction == "callable" else reconstruction
    _fig, ax = plots.sampled_signal(s, ts, xs, 1.0, reconstruction=rec)
    lines = ax.get_lines()
    np.testing.assert_allclose(lines[0].get_ydata(), s(dense_time(1.0)))
    np.testing.assert_array_equal(lines[1].get_xdata(), ts)
    assert any(isinstance(c, LineCollection) for c in ax.collections)  # stems
    if reconstruction == "sinc":
        np.testing.assert_allclose(lines[2].get_ydata(), sinc_interpolate(ts, xs, dense_time(1.0)))
    if reconstruction == "callable":
        assert lines[2].get_label() == "linear"


def test_sampled_signal_placeholder_and_errors():
    """A student's signal or reconstruction that is not written yet gives the placeholder."""

    def todo(*args):
        raise NotImplementedError

    ts = np.arange(5) / 5
    _, ax = plots.sampled_signal(todo, ts, ts, 1.0)
    assert "not implemented yet" in _texts(ax)
    _, ax = plots.sampled_signal(sine(1.0), ts, ts, 1.0, reconstruction=todo)
    assert "not implemented yet" in _texts(ax)
    with pytest.raises(ValueError, match="reconstruction must be"):
        plots.sampled_signal(sine(1.0), ts, ts, 1.0, reconstruction="cubic")
    with pytest.raises(ValueError, match="same shape"):
        plots.sampled_signal(sine(1.0), ts, ts[:-1], 1.0)


# --- image_grid, weight_histogram -------------------------------------------------------------------


def test_image_grid_titles_carry_psnr():
    """Each title ends with the PSNR against the reference (∞ for the reference itself)."""
    rng = np.random.default_rng(1)
    ref = rng.integers(0, 256, (16, 16), dtype=np.uint8)
    noisy = np.clip(ref.astype(int) + rng.integers(-8, 9, ref.shape), 0, 255).astype(np.uint8)
    _fig, axes = plots.image_grid([ref, noisy], titles=["original", "noisy"], reference=ref)
    assert len(axes) == 2
    assert axes[0].get_title() == "original\nPSNR ∞ dB"
    assert axes[1].get_title() == f"noisy\nPSNR {psnr(ref, noisy):.1f} dB"


def test_image_grid_layout_rgb_and_float():
    """Five images in rows of four (extra axes removed); RGB and float [0, 1] images are shown."""
    rgb = np.zeros((4, 4, 3), dtype=np.uint8)
    grey = np.linspace(0, 1, 16).reshape(4, 4)
    fig, axes = plots.image_grid([grey, grey, grey, grey, rgb])
    assert len(axes) == 5 and len(fig.axes) == 5
    fig, axes = plots.image_grid([grey, grey * 0.5], reference=grey)
    assert axes[1].get_title() == f"PSNR {psnr(grey, grey * 0.5, data_range=1.0):.1f} dB"


def test_image_grid_rejects_bad_input():
    """Wrong shapes, title counts and float references outside [0, 1] without data_range."""
    with pytest.raises(ValueError, match="2-D grey or"):
        plots.image_grid([np.zeros(5)])
    with pytest.raises(ValueError, match="2 titles for 1 images"):
        plots.image_grid([np.zeros((2, 2))], titles=["a", "b"])
    with pytest.raises(ValueError, match="data_range"):
        plots.image_grid([np.zeros((2, 2))], reference=np.full((2, 2), 3.0))


def test_weight_histogram_draws_each_level():
    """One vertical line per level, spanning the axes' height."""
    rng = np.random.default_rng(2)
    w = rng.normal(0, 0.1, (64, 32))
    levels = np.linspace(-0.3, 0.3, 16)
    _fig, ax = plots.weight_histogram(w, levels=levels)
    lines = [c for c in ax.collections if isinstance(c, LineCollection)]
    assert len(lines) == 1
    segs = lines[0].get_segments()
    np.testing.assert_allclose(sorted(s[0, 0] for s in segs), levels)
    area = sum(p.get_width() * p.get_height() for p in ax.patches)
    assert area == pytest.approx(1.0, rel=1e-12)


def test_figures_created_by_helpers_can_be_closed():
    """Helpers open exactly one pyplot figure each (so a notebook shows each once, and tests can close it)."""
    plt.close("all")
    plots.spectrum(np.ones(32), 100.0)
    plots.weight_histogram(np.ones(10))
    assert len(plt.get_fignums()) == 2
    plt.close("all")
    assert not plt.get_fignums()


def test_transfer_curve_passes_a_copy_to_the_quantizer():
    """A quantizer that clips its input in place still gets its staircase drawn over the wide grid."""

    def clips_in_place(x, n_bits, x_min, x_max, mode="midrise"):
        np.clip(x, x_min, x_max, out=x)
        return midrise(x, n_bits, x_min, x_max)

    _fig, axes = plots.transfer_curve(clips_in_place, 2, -1.0, 1.0)
    x = axes[0].get_lines()[1].get_xdata()
    assert x.min() < -1.0 and x.max() > 1.0


# --- image helpers of notebook 03 -----------------------------------------------------------------


def test_image_grid_crop_and_ssim():
    """A crop adds a zoom row (the crop's pixels), a rectangle marks it; SSIM joins the PSNR."""
    from matplotlib.patches import Rectangle

    from quantkit.metrics import ssim

    rng = np.random.default_rng(3)
    ref = rng.integers(0, 256, (40, 48), dtype=np.uint8)
    other = np.clip(ref.astype(int) + 5, 0, 255).astype(np.uint8)
    _fig, axes = plots.image_grid(
        [ref, other], titles=["a", "b"], reference=ref, ssim=True, crop=(4, 8, 16, 20)
    )
    assert axes.shape == (2, 2)
    assert axes[0, 1].get_title() == f"b\nPSNR {psnr(ref, other):.1f} dB, SSIM {ssim(ref, other):.3f}"
    np.testing.assert_array_equal(axes[1, 1].images[0].get_array(), other[4:20, 8:28])
    (box,) = [p for p in axes[0, 0].patches if isinstance(p, Rectangle)]
    assert (box.get_x(), box.get_y(), box.get_width(), box.get_height()) == (7.5, 3.5, 20, 16)
    assert axes[0, 0].images[0].get_clim() == (0.0, 255.0)  # uint8 on the fixed 0..255 scale
    with pytest.raises(ValueError, match="does not fit"):
        plots.image_grid([ref], crop=(30, 0, 16, 16))


def test_error_image_is_signed_and_symmetric():
    ref = np.full((4, 5), 100, np.uint8)
    test = ref.copy()
    test[0, 0], test[1, 1] = 90, 103  # uint8 differences must not wrap
    _fig, ax = plots.error_image(ref, test)
    shown = ax.images[0]
    assert shown.get_array()[0, 0] == -10 and shown.get_array()[1, 1] == 3
    assert shown.get_clim() == (-10.0, 10.0)
    assert "RMS" in ax.get_title()
    with pytest.raises(ValueError, match="same shape"):
        plots.error_image(ref, test[:, :4])


def test_palette_swatches_sorted_by_luma():
    pal = np.array([[255, 255, 255], [0, 0, 0], [255, 0, 0]], np.uint8)
    _fig, axes = plots.palette_swatches([pal, pal[:2]], titles=["three", "two"])
    assert len(axes) == 2 and axes[0].get_title(loc="left") == "three"
    shown = axes[0].images[0].get_array()
    np.testing.assert_allclose(shown[0], [[0, 0, 0], [1, 0, 0], [1, 1, 1]])
    _fig, axes = plots.palette_swatches(pal, sort=False)
    np.testing.assert_allclose(axes[0].images[0].get_array()[0, 0], [1, 1, 1])
    with pytest.raises(ValueError, match=r"\(k, 3\)"):
        plots.palette_swatches([np.zeros((3, 4))])


def test_table_heatmap_writes_every_entry():
    from quantkit.images import ANNEX_K_LUMINANCE

    _fig, ax = plots.table_heatmap(ANNEX_K_LUMINANCE, title="Annex K")
    assert ax.get_title() == "Annex K" and len(ax.texts) == 64
    assert ax.texts[0].get_text() == "16" and ax.texts[63].get_text() == "99"
    with pytest.raises(ValueError, match="2-D"):
        plots.table_heatmap(np.zeros(8))


def test_radial_spectra_one_curve_per_error():
    rng = np.random.default_rng(4)
    white = rng.normal(0, 1, (64, 64))
    _fig, ax = plots.radial_spectra({"white": white, "high-pass": np.diff(white, axis=1)[:, :63]})
    lines = [line for line in ax.get_lines() if line.get_label() in ("white", "high-pass")]
    assert len(lines) == 2
    high = lines[1].get_ydata()
    assert high[-1] > 10 * high[0]  # a difference is a high-pass filter
    with pytest.raises(ValueError, match="empty"):
        plots.radial_spectra({})
