"""Tests for quantkit.widgets.uniform, QuantizerExplorer and SamplingExplorer (notebook 01):
the explorers build and update headless, and show errors in plain words.

The quantizers and samplers here are written for the tests only (quantkit must not contain them).
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pytest

from quantkit.metrics import sqnr_db
from quantkit.signals import dense_time, sine, square, sum_of_sines
from quantkit.widgets import QuantizerExplorer, SamplingExplorer, quantizer_explorer, sampling_explorer


def quantize_uniform(x, n_bits, x_min, x_max, mode="midrise"):
    """A small reference quantizer for driving the explorer (midrise and midtread)."""
    x = np.asarray(x, dtype=float)
    step = (x_max - x_min) / 2**n_bits
    if mode == "midrise":
        idx = np.clip(np.floor((x - x_min) / step), 0, 2**n_bits - 1)
        return x_min + (idx + 0.5) * step
    idx = np.clip(np.round(x / step), -(2 ** (n_bits - 1)), 2 ** (n_bits - 1) - 1)
    return idx * step


def raises_value_error(x, n_bits, x_min, x_max, mode="midrise"):
    raise ValueError("x_min must be below x_max")


def returns_column(x, n_bits, x_min, x_max, mode="midrise"):
    return np.asarray(x)[:, None]


def not_written(x, n_bits, x_min, x_max, mode="midrise"):
    raise NotImplementedError


def forgets_return(x, n_bits, x_min, x_max, mode="midrise"):
    np.round(x)


def _sqnr(text: str) -> float:
    return float(re.search(r"SQNR (\S+) dB", text).group(1))


def _shows_plot(explorer) -> bool:
    return explorer.image.layout.display != "none" and explorer.message.layout.display == "none"


# --- QuantizerExplorer ----------------------------------------------------------------------------


def test_quantizer_explorer_builds_with_controls_and_readout():
    """Sliders, dropdown, readout and image exist; the first draw happened; it displays as a widget."""
    e = quantizer_explorer(quantize_uniform)
    assert isinstance(e, QuantizerExplorer)
    assert isinstance(e.bits, widgets.IntSlider) and (e.bits.min, e.bits.max) == (1, 10)
    assert isinstance(e.x_max, widgets.FloatSlider)
    assert list(e.mode.options) == ["midrise", "midtread"]
    assert isinstance(e.readout, widgets.HTML)
    assert bytes(e.image.value).startswith(b"\x89PNG")
    assert _shows_plot(e)
    assert "application/vnd.jupyter.widget-view+json" in e._repr_mimebundle_()
    for control in (e.bits, e.x_max, e.mode, e.readout, e.image, e.message):
        assert control in _descendants(e.widget)
    css = {
        "qk-bits": e.bits,
        "qk-range": e.x_max,
        "qk-mode": e.mode,
        "qk-readout": e.readout,
        "qk-plot": e.image,
        "qk-message": e.message,
    }
    for name, control in css.items():
        assert name in control._dom_classes


def _descendants(box):
    out = []
    for child in box.children:
        out.append(child)
        if isinstance(child, widgets.Box):
            out.extend(_descendants(child))
    return out


@pytest.mark.parametrize("mode", ["midrise", "midtread"])
@pytest.mark.parametrize("bits", [1, 3, 8])
def test_readout_is_the_sqnr_of_the_students_quantizer(bits, mode):
    """The readout is sqnr_db of the quantizer on the default test signal (sine(3), 4000 points)."""
    e = quantizer_explorer(quantize_uniform)
    status = e.update(bits=bits, mode=mode)
    x = sine(3.0)(dense_time(1.0, 4000))
    expected = sqnr_db(x, quantize_uniform(x, bits, -1.0, 1.0, mode=mode))
    assert _sqnr(status) == pytest.approx(expected, abs=0.05)
    assert status == e.status
    assert f"{bits} bits" in status and mode in status
    assert _sqnr(e.readout.value) == _sqnr(status)


def test_update_changes_the_figure_and_the_readout():
    """Moving a slider (or calling update) redraws: new PNG, new staircase data, new readout."""
    e = quantizer_explorer(quantize_uniform)
    png, status = e.image.value, e.status
    e.update(bits=5)
    assert e.image.value != png and e.status != status
    stairs = e._stairs.get_ydata()
    assert np.unique(stairs).size == 2**5
    # A slider move from the browser goes through the observer.
    e.x_max.value = 0.5
    assert "range ±0.50" in e.status
    assert e._stairs.get_xdata().min() < -0.5  # grid wider than the range
    e.mode.value = "midtread"
    assert "midtread" in e.status


def test_quantizer_title_shows_the_half_open_range():
    """The range is [-x_max, x_max) as in notebook 01: x_max itself clips onto the top level."""
    e = quantizer_explorer(quantize_uniform)
    e.update(bits=4, x_max=0.5)
    assert e.axes[0].get_title() == "4-bit midrise quantizer on [−0.50, 0.50)"


def test_smaller_range_clips_the_test_signal():
    """With range ±0.5 a full-scale sine is clipped: SQNR drops although the step is finer."""
    e = quantizer_explorer(quantize_uniform)
    full = _sqnr(e.update(bits=6, x_max=1.0))
    clipped = _sqnr(e.update(x_max=0.5))
    assert clipped < full - 10


def test_custom_signal_array_and_function():
    """An array is used as is; a Signal is evaluated on the fine grid."""
    x = np.linspace(-0.9, 0.9, 101)
    e = QuantizerExplorer(quantize_uniform, x, bits=4)
    assert _sqnr(e.status) == pytest.approx(sqnr_db(x, quantize_uniform(x, 4, -1, 1)), abs=0.05)
    e2 = quantizer_explorer(quantize_uniform, sum_of_sines([2, 5], [0.5, 0.4]))
    assert "SQNR" in e2.status
    with pytest.raises(ValueError, match="signal must be"):
        QuantizerExplorer(quantize_uniform, np.zeros((3, 3)))
    with pytest.raises(TypeError, match="quantize_fn must be a function"):
        QuantizerExplorer("quantize_uniform")


@pytest.mark.parametrize(
    ("fn", "message"),
    [
        (raises_value_error, "raises_value_error raised ValueError: x_min must be below x_max"),
        (returns_column, "returns_column returned shape (2001, 1) for input of shape (2001,)"),
        (not_written, "not implemented yet: write not_written first"),
        (forgets_return, "forgets_return returned None"),
    ],
)
def test_errors_replace_the_plot_with_a_message(fn, message):
    """A failing quantizer shows one plain line instead of the figure; no exception escapes."""
    e = quantizer_explorer(fn)
    assert e.status.startswith(message)
    assert message.split(":")[0] in e.message.value
    assert not _shows_plot(e)
    assert e.update(bits=4).startswith(message)


def test_recovers_when_the_function_is_fixed():
    """After an error, a working function brings the plot back."""
    state = {"ok": False}

    def flaky(x, n_bits, x_min, x_max, mode="midrise"):
        if not state["ok"]:
            raise NotImplementedError
        return quantize_uniform(x, n_bits, x_min, x_max, mode)

    e = quantizer_explorer(flaky)
    assert "not implemented yet" in e.status and not _shows_plot(e)
    state["ok"] = True
    assert "SQNR" in e.update()
    assert _shows_plot(e)


def test_update_rejects_unknown_controls():
    """Typos in update() are a TypeError, not silently ignored."""
    with pytest.raises(TypeError, match="unknown control"):
        quantizer_explorer(quantize_uniform).update(nbits=3)


# --- SamplingExplorer -----------------------------------------------------------------------------


def sample(signal, fs, duration):
    """A test sampler returning (t, x)."""
    n = np.arange(round(duration * fs))
    return n / fs, signal(n / fs)


def sample_values_only(signal, fs, duration):
    """A test sampler returning only the values."""
    return signal(np.arange(round(duration * fs)) / fs)


def test_sampling_explorer_nyquist_notes():
    """The readout compares max_freq with fs/2: below, not below, not band-limited."""
    e = sampling_explorer(sine(5.0))
    assert isinstance(e, SamplingExplorer)
    assert isinstance(e.fs, widgets.FloatSlider)
    assert "qk-fs" in e.fs._dom_classes
    below = e.update(fs=12)
    assert "Nyquist fs/2 = 6.0 Hz" in below and "below Nyquist" in below
    above = e.update(fs=8)
    assert "expect aliasing" in above
    assert "not band-limited" in sampling_explorer(square(2.0)).status


@pytest.mark.parametrize("sampler", [None, sample, sample_values_only])
def test_sampling_explorer_draws_the_samples_and_reconstruction(sampler):
    """The markers are the samples taken at fs, and the dashed line is their sinc reconstruction."""
    e = SamplingExplorer(sine(2.0), sampler, duration=1.0)
    png = e.image.value
    e.update(fs=10)
    ts, xs = e._samples.get_xdata(), e._samples.get_ydata()
    np.testing.assert_allclose(ts, np.arange(10) / 10)
    np.testing.assert_allclose(xs, sine(2.0)(ts), atol=1e-15)
    assert len(e._stems.get_segments()) == 10
    assert e.image.value != png
    assert e.fs.value == 10
    e.fs.value = 20  # through the observer
    assert "fs = 20.0 Hz" in e.status
    assert e._samples.get_xdata().size == 20


def test_aliased_reconstruction_differs_from_the_signal():
    """Sampling a 5 Hz sine at 8 Hz reconstructs a different (aliased) wave; at 40 Hz it matches."""
    e = sampling_explorer(sine(5.0))
    middle = slice(600, 1400)  # away from the ends of the 1 s record
    e.update(fs=8)
    aliased = np.max(np.abs(e._recon.get_ydata()[middle] - e.curve[middle]))
    e.update(fs=20)
    good = np.max(np.abs(e._recon.get_ydata()[middle] - e.curve[middle]))
    assert aliased > 0.5 and good < aliased / 3


@pytest.mark.parametrize(
    ("sampler", "message"),
    [
        (
            lambda s, fs, d: (_ for _ in ()).throw(ValueError("fs must be positive")),
            "raised ValueError: fs must be positive",
        ),
        (lambda s, fs, d: np.zeros((10, 2)), "returned samples of shape (10, 2)"),
        (lambda s, fs, d: (np.arange(5) / fs, np.zeros(4)), "returned shape (4,) for input of shape (5,)"),
        (lambda s, fs, d: None, "returned None"),
        (lambda s, fs, d: np.zeros(1), "gave 1 sample(s)"),
        (lambda s, fs, d: (np.array([0.0, 0.1, 0.5]), np.zeros(3)), "evenly spaced"),
    ],
)
def test_sampling_explorer_errors_in_plain_words(sampler, message):
    """A failing or misbehaving sampler shows a message instead of the plot."""
    e = SamplingExplorer(sine(2.0), sampler)
    assert message in e.status
    assert not _shows_plot(e)


def test_sampling_explorer_not_implemented_sampler_and_signal():
    """NotImplementedError in the student's sampler or signal function reads "not implemented yet"."""

    def sample(signal, fs, duration):
        raise NotImplementedError

    def my_signal(t):
        raise NotImplementedError

    assert SamplingExplorer(sine(2.0), sample).status == "not implemented yet: write sample first"
    e = SamplingExplorer(my_signal)
    assert e.status == "not implemented yet: write my_signal first"
    assert not _shows_plot(e)


def test_sampling_explorer_rejects_non_functions():
    """Arguments that are not callables are a TypeError at once."""
    with pytest.raises(TypeError, match="signal_fn"):
        SamplingExplorer(np.zeros(3))
    with pytest.raises(TypeError, match="sample_fn"):
        SamplingExplorer(sine(1.0), sample_fn=3)
    with pytest.raises(TypeError, match="unknown control"):
        sampling_explorer(sine(1.0)).update(rate=3)


def test_a_quantizer_that_edits_its_input_does_not_corrupt_the_plot():
    """Students sometimes clip in place (x[x > x_max] = x_max); the explorer passes copies."""

    def clips_in_place(x, n_bits, x_min, x_max, mode="midrise"):
        x[x > x_max] = x_max
        x[x < x_min] = x_min
        return quantize_uniform(x, n_bits, x_min, x_max, mode)

    e = quantizer_explorer(clips_in_place)
    grid = e._stairs.get_xdata()
    assert grid.min() < -1.0 and grid.max() > 1.0
    np.testing.assert_allclose(e._error.get_ydata(), e._stairs.get_ydata() - grid)


@pytest.mark.slow
def test_explorers_display_as_widgets_in_a_real_kernel():
    """In an IPython kernel the explorers render as widget views and a plot helper shows one figure."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    cells = [
        # The test session exports MPLBACKEND=Agg; a notebook would use the inline backend.
        "%matplotlib inline\nimport numpy as np\nfrom quantkit import plots, signals, widgets\n"
        "def q(x, n_bits, x_min, x_max, mode='midrise'):\n"
        "    d = (x_max - x_min) / 2**n_bits\n"
        "    return x_min + (np.clip(np.floor((x - x_min) / d), 0, 2**n_bits - 1) + 0.5) * d\n"
        "def sample(s, fs, d):\n    n = np.arange(round(d * fs))\n    return n / fs, s(n / fs)",
        "widgets.quantizer_explorer(q)",
        "widgets.sampling_explorer(signals.sine(7.0), sample_fn=sample, duration=1.0)",
        "fig, _ = plots.transfer_curve(q, 3, -1.0, 1.0)",
    ]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(c) for c in cells])
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3").execute()
    outputs = [cell.outputs for cell in nb.cells]
    widget_mime = "application/vnd.jupyter.widget-view+json"
    assert [o.output_type for o in outputs[1]] == ["execute_result"]
    assert widget_mime in outputs[1][0].data
    assert widget_mime in outputs[2][0].data
    figures = [o for o in outputs[3] if "image/png" in o.get("data", {})]
    assert len(figures) == 1
