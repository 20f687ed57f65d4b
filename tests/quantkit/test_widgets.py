"""Tests for quantkit.widgets: the explorers build and update headless, and show errors in plain words.

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


# --- QuantizerDesignExplorer and AdaptiveQuantizerExplorer (notebook 05) --------------------------
#
# Stand-ins written for the tests: a "design" whose levels shrink towards fixed positions as the
# iteration count grows, and a fixed-step mid-rise quantizer in the shape of jayant_quantize (no
# adaptation). They drive the explorers' plumbing; the real algorithms are the students' to write.

from quantkit import densities  # noqa: E402
from quantkit.metrics import segmental_snr_db, snr_db  # noqa: E402
from quantkit.widgets import (  # noqa: E402
    ITERATION_STEPS,
    AdaptiveQuantizerExplorer,
    QuantizerDesignExplorer,
    adaptive_quantizer_explorer,
    quantizer_design_explorer,
)


class CountingDesign:
    """levels = linspace(-1, 1, n) * (1 - 2**-(k + 1)), mse = 1 / (k + 2); counts its calls."""

    __name__ = "lloyd_max"

    def __init__(self):
        self.calls = []

    def __call__(self, pdf, support, n_levels, n_iter=100, tol=1e-10):
        self.calls.append((n_levels, n_iter, tol))
        levels = np.linspace(-1.0, 1.0, n_levels) * (1 - 2.0 ** -(n_iter + 1))
        return (levels[1:] + levels[:-1]) / 2, levels, 1.0 / (n_iter + 2)


def design_not_written(pdf, support, n_levels, n_iter=100, tol=1e-10):
    raise NotImplementedError()


def design_wrong_shape(pdf, support, n_levels, n_iter=100, tol=1e-10):
    return np.zeros(n_levels), np.zeros(n_levels), 0.1


def fixed_step(x, n_bits, multipliers, step0, step_min, step_max):
    """A mid-rise quantizer with the constant step step0, returning (indices, levels, steps)."""
    half = 2 ** (n_bits - 1)
    k = np.clip(np.floor(np.asarray(x) / step0) + half, 0, 2 * half - 1).astype(np.int64)
    return k, (k - half + 0.5) * step0, np.full(k.shape, step0)


def test_design_explorer_builds_and_caches_every_iteration():
    design = CountingDesign()
    e = quantizer_design_explorer(design, reference={("Gaussian (unit variance)", 4): 0.5})
    assert isinstance(e, QuantizerDesignExplorer)
    assert list(e.iteration.options) == list(ITERATION_STEPS) and e.n_levels.value == 4
    assert list(e.density.options) == ["Gaussian (unit variance)", "Laplacian (unit variance)"]
    assert bytes(e.image.value).startswith(b"\x89PNG") and _shows_plot(e)
    # the first visit computes the whole MSE curve, with tol=0, once per iteration step
    assert sorted(c[1] for c in design.calls) == sorted(ITERATION_STEPS)
    assert all(c[0] == 4 and c[2] == 0.0 for c in design.calls)
    assert "iteration 0: MSE 0.5" in e.status and "Max" not in e.status and "reference: 0.5" in e.status
    calls = len(design.calls)
    png = e.image.value
    status = e.update(iteration=10)
    assert len(design.calls) == calls  # cached
    assert e.image.value != png and "iteration 10: MSE 0.0833333" in status
    assert e.student_seconds == 0.0 and e.kit_seconds > 0.0
    e.n_levels.value = 8  # through the observer
    assert len(design.calls) == calls + len(ITERATION_STEPS) and "8 levels" in e.status
    assert e._level_marks.get_xdata().size == 8
    css = {"qk-iteration": e.iteration, "qk-levels": e.n_levels, "qk-density": e.density,
           "qk-readout": e.readout, "qk-plot": e.image, "qk-message": e.message}
    for name, control in css.items():
        assert name in control._dom_classes and control in _descendants(e.widget)


def test_design_explorer_custom_densities_and_errors():
    custom = {"uniform": (densities.uniform(-1.0, 1.0), (-1.0, 1.0))}
    e = QuantizerDesignExplorer(CountingDesign(), custom, n_levels=2, levels=(2, 3))
    assert list(e.density.options) == ["uniform"] and list(e.n_levels.options) == [2, 3]
    stub = quantizer_design_explorer(design_not_written)
    assert stub.status == "not implemented yet: write design_not_written first"
    assert stub.message.layout.display is None and stub.image.layout.display == "none"
    bad = quantizer_design_explorer(design_wrong_shape)
    assert "thresholds of shape (4,); expected (3,)" in bad.status
    with pytest.raises(TypeError, match="design_fn"):
        quantizer_design_explorer(3)
    with pytest.raises(TypeError, match="unknown control"):
        e.update(bits=3)
    with pytest.raises(TypeError, match=r"\(pdf, \(a, b\)\)"):
        QuantizerDesignExplorer(CountingDesign(), {"x": densities.gaussian()})


def test_design_explorer_slider_only_redraws_cached_designs():
    """Moving the iteration slider never calls the student's function again: it may stay continuous."""
    design = CountingDesign()
    e = quantizer_design_explorer(design)
    calls = len(design.calls)
    for k in (1, 10, 1000, 0):
        e.update(iteration=k)
    assert len(design.calls) == calls and e.iteration.continuous_update is True and e.student_seconds == 0.0


def _speech_like(n=4000, rate=8000):
    t = np.arange(n) / rate
    envelope = 0.02 + 0.5 * (np.sin(2 * np.pi * 3 * t) > 0)
    return envelope * np.sin(2 * np.pi * 440 * t)


def test_adaptive_explorer_readout_is_the_snr_of_the_students_output():
    x = _speech_like()
    e = adaptive_quantizer_explorer(fixed_step, x, 8000, {2: (0.6, 2.2), 3: (0.85, 1, 1, 1.5)},
                                    step0=2**-4, step_min=2**-11, step_max={2: 0.5, 3: 0.25})
    assert isinstance(e, AdaptiveQuantizerExplorer)
    assert list(e.bits.options) == [2, 3] and e.bits.value == 2
    y = fixed_step(x, 2, None, 2**-4, None, None)[1]
    assert f"SNR {snr_db(x, y):.1f} dB" in e.status
    assert f"segmental SNR {segmental_snr_db(x, y, 160):.1f} dB" in e.status
    assert bytes(e.original.value).startswith(b"RIFF") and bytes(e.decoded.value).startswith(b"RIFF")
    decoded = e.decoded.value
    e.update(bits=3)
    assert e.decoded.value != decoded and "3 bits, speed 1.00, multipliers (0.85, 1, 1, 1.5)" in e.status
    e.speed.value = 0.0
    assert "speed 0.00, multipliers (1, 1, 1, 1)" in e.status
    for name in ("qk-bits", "qk-speed", "qk-readout", "qk-plot", "qk-message", "qk-original", "qk-decoded"):
        assert any(name in c._dom_classes for c in _descendants(e.widget))


def test_adaptive_explorer_errors_in_plain_words():
    x = _speech_like(800)

    def stub(x, n_bits, multipliers, step0, step_min, step_max):
        raise NotImplementedError()

    def one_array(x, n_bits, multipliers, step0, step_min, step_max):
        return np.zeros_like(x)

    kwargs = {"step0": 0.01, "step_min": 0.001, "step_max": 0.5}
    assert adaptive_quantizer_explorer(stub, x, 8000, {2: (0.6, 2.2)}, **kwargs).status == (
        "not implemented yet: write stub first"
    )
    assert "(indices, reconstruction, steps)" in adaptive_quantizer_explorer(
        one_array, x, 8000, {2: (0.6, 2.2)}, **kwargs
    ).status
    with pytest.raises(ValueError, match=r"multipliers\[3\] must hold 4"):
        adaptive_quantizer_explorer(fixed_step, x, 8000, {3: (0.6, 2.2)}, **kwargs)
# --- RequantizationExplorer (notebook 02) -----------------------------------------------------------
# Test-only requantizers (quantkit must not contain them): round half to even on the B-bit grid.


def _requantize(x, n_bits):
    scale = 2.0 ** (n_bits - 1)
    return np.clip(np.round(np.asarray(x, dtype=float) * scale), -scale, scale - 1) / scale


def _rpdf(n, step, rng):
    return np.random.default_rng(rng).uniform(-step / 2, step / 2, n)


def _tpdf(n, step, rng):
    rng = np.random.default_rng(rng)
    return rng.uniform(-step / 2, step / 2, n) + rng.uniform(-step / 2, step / 2, n)


def _dithered(x, n_bits, kind, rng=None):
    if kind == "none":
        return _requantize(x, n_bits)
    step = 2.0 ** -(n_bits - 1)
    d = (_rpdf if kind == "rpdf" else _tpdf)(np.size(x), step, rng)
    return _requantize(np.asarray(x) + d, n_bits)


def _shaped(x, n_bits, h=(1.0,)):
    scale = 2.0 ** (n_bits - 1)
    past = [0.0] * len(h)
    out = []
    for xn in np.asarray(x, dtype=float):
        v = xn - sum(hk * ek for hk, ek in zip(h, past, strict=False))
        u = round(v * scale) / scale
        past = [u - v, *past[:-1]] if h else []
        out.append(min(max(u, -1.0), 1.0 - 1.0 / scale))
    return np.array(out)


def _fade(n=4000, rate=8000):
    t = np.arange(n) / rate
    return 0.05 * np.exp(-3 * t) * np.sin(2 * np.pi * 440 * t)


def _explorer(**kw):
    from quantkit.widgets import requantization_explorer

    return requantization_explorer(_fade(), 8000, _requantize, _dithered, _shaped, _rpdf, _tpdf, **kw)


def test_requantization_explorer_builds_and_reports_sqnr():
    from quantkit.widgets import RequantizationExplorer

    e = _explorer()
    assert isinstance(e, RequantizationExplorer)
    assert isinstance(e.widget, widgets.VBox)
    assert _shows_plot(e)
    expected = sqnr_db(_fade(), _requantize(_fade(), 8))
    assert _sqnr(e.status) == pytest.approx(expected, abs=0.05)
    assert e.student_seconds >= 0 and e.kit_seconds > 0
    for css, control in (("qk-bits", e.bits), ("qk-dither", e.dither), ("qk-shaping", e.shaping)):
        assert css in control._dom_classes


@pytest.mark.parametrize("dither", ["none", "rpdf", "tpdf"])
@pytest.mark.parametrize("shaping", ["off", "first order, 1 - z^-1", "second order, (1 - z^-1)^2"])
def test_requantization_explorer_every_setting(dither, shaping):
    """Every combination runs; the result player holds exactly the 16-bit codes of the result."""
    from quantkit.audio import wav_bytes

    e = _explorer()
    status = e.update(bits=6, dither=dither, shaping=shaping)
    assert status.startswith("6 bits") and "SQNR" in status and _shows_plot(e)
    x = _fade()
    rng = np.random.default_rng(0)
    if shaping == "off":
        y = _dithered(x, 6, dither, rng)
    else:
        from quantkit.widgets import SHAPING

        taps = SHAPING[shaping]
        xin = x.copy()
        if dither != "none":
            d = (_rpdf if dither == "rpdf" else _tpdf)(x.size, 2.0**-5, rng)
            shaped_d = d.copy()
            for k, hk in enumerate(taps):
                shaped_d[k + 1 :] -= hk * d[: -(k + 1)]
            xin = x + shaped_d
        y = _shaped(xin, 6, taps)
    assert e.result_player.value == wav_bytes(y, 8000)
    assert "amplified" in e._error_label.value


def test_requantization_explorer_dither_inside_the_loop_is_shaped():
    """With TPDF dither and first-order feedback the error is high-pass: little power below fs/12."""
    e = _explorer(bits=8, dither="tpdf", shaping="first order, 1 - z^-1")
    low = e._psd.get_xdata() < 8000 / 12
    density = 10 ** (e._psd.get_ydata() / 10)
    high = e._psd.get_xdata() > 8000 / 4
    assert np.mean(density[low]) < 0.1 * np.mean(density[high])


def test_requantization_explorer_messages_instead_of_plots():
    from quantkit.widgets import requantization_explorer

    def stub(x, n_bits):
        raise NotImplementedError

    e = requantization_explorer(_fade(), 8000, stub)
    assert "not implemented yet: write requantize first" in e.status
    assert not _shows_plot(e)
    e = requantization_explorer(_fade(), 8000, _requantize)
    assert "needs dithered_requantize" in e.update(dither="tpdf")
    assert "needs noise_shaped_requantize" in e.update(dither="none", shaping="first order, 1 - z^-1")
    e = requantization_explorer(_fade(), 8000, lambda x, n_bits: np.asarray(x)[:10])
    assert "returned shape (10,)" in e.status
    with pytest.raises(TypeError, match="unknown control"):
        e.update(gain=3)
    with pytest.raises(ValueError, match="mono"):
        requantization_explorer(np.zeros((10, 2)), 8000, _requantize)
    with pytest.raises(TypeError, match="function"):
        requantization_explorer(_fade(), 8000, "requantize")


def test_requantization_explorer_slow_functions_update_on_release():
    import time

    def slow(x, n_bits):
        time.sleep(0.12)
        return _requantize(x, n_bits)

    e = _explorer()
    e.functions = {**e.functions, "requantize": slow}
    e.update(bits=7)
    e.update(bits=6)
    assert e.bits.continuous_update is False


# --- the image explorers of notebook 03 -----------------------------------------------------------
# Small implementations of the notebook's functions, written for these tests only.


def _levels(n_bits):
    return np.round(np.arange(2**n_bits) * 255 / (2**n_bits - 1))


def ordered(img, n_bits, bayer):
    bayer = np.asarray(bayer)
    n = bayer.shape[0]
    h, w = img.shape
    t = (bayer[np.arange(h)[:, None] % n, np.arange(w)[None, :] % n] + 0.5) / n**2
    k = np.floor(img.astype(float) * (2**n_bits - 1) / 255 + t).astype(int)
    return _levels(n_bits)[np.clip(k, 0, 2**n_bits - 1)].astype(np.uint8)


def bayer(n):
    m = np.zeros((1, 1), int)
    while m.shape[0] < n:
        m = np.block([[4 * m, 4 * m + 2], [4 * m + 3, 4 * m + 1]])
    return m


def diffuse(img, n_bits, serpentine=False):
    x = img.astype(float)
    top = 2**n_bits - 1
    out = np.zeros(img.shape, np.uint8)
    h, w = x.shape
    for i in range(h):
        for j in range(w):
            k = min(max(int(np.floor(x[i, j] * top / 255 + 0.5)), 0), top)
            out[i, j] = round(k * 255 / top)
            e = x[i, j] - out[i, j]
            for di, dj, wt in ((0, 1, 7), (1, -1, 3), (1, 0, 5), (1, 1, 1)):
                if 0 <= i + di < h and 0 <= j + dj < w:
                    x[i + di, j + dj] += e * wt / 16
    return out


def _portrait_crop(size=64):
    from quantkit import data, images

    return images.downscale(images.to_grey(data.grace_hopper()), 4)[20 : 20 + size, 30 : 30 + size]


def test_bit_depth_explorer_runs_every_method_on_the_students_functions():
    from quantkit.metrics import psnr
    from quantkit.widgets import BitDepthExplorer, bit_depth_explorer

    img = _portrait_crop()
    e = bit_depth_explorer(img, ordered, diffuse, bayer)
    assert isinstance(e, BitDepthExplorer)
    assert list(e.method.options) == ["none", "random", "Bayer", "Floyd–Steinberg"]
    assert (e.bits.min, e.bits.max) == (1, 8)
    for name, control in {"qk-bits": e.bits, "qk-method": e.method, "qk-readout": e.readout}.items():
        assert name in control._dom_classes
    expected = {
        "none": ordered(img, 2, [[0]]),
        "Bayer": ordered(img, 2, bayer(4)),
        "Floyd–Steinberg": diffuse(img, 2),
    }
    for method, out in expected.items():
        status = e.update(bits=2, method=method)
        assert _shows_plot(e)
        np.testing.assert_array_equal(e._shown.get_array(), out)
        assert f"PSNR {psnr(img, out):.1f} dB" in status
        assert e.kit_seconds > 0 and e.student_seconds >= 0
    before = bytes(e.image.value)
    e.update(method="random")
    assert bytes(e.image.value) != before
    shown = np.asarray(e._shown.get_array())
    assert set(np.unique(shown)) <= {0, 85, 170, 255}


def test_bit_depth_explorer_messages_and_optional_functions():
    from quantkit.widgets import BitDepthExplorer

    img = _portrait_crop(32)

    def ordered_dither(img, n_bits, bayer):
        raise NotImplementedError()

    e = BitDepthExplorer(img, ordered_dither)
    assert list(e.method.options) == ["none", "random"]
    assert e.status == "not implemented yet: write ordered_dither first"
    assert not _shows_plot(e)

    def wrong_shape(img, n_bits, bayer):
        return img[:-1]

    assert "returned shape" in BitDepthExplorer(img, wrong_shape).status

    def off_grid(img, n_bits, bayer):
        return img.astype(float) + 0.5

    assert "whole grey levels" in BitDepthExplorer(img, off_grid).status
    with pytest.raises(ValueError, match="uint8"):
        BitDepthExplorer(img.astype(float), ordered)


def test_a_slow_student_function_switches_to_update_on_release():
    import time as _time

    from quantkit.widgets import SLOW_CALL, BitDepthExplorer

    def slow(img, n_bits, bayer):
        _time.sleep(SLOW_CALL + 0.05)
        return ordered(img, n_bits, bayer)

    e = BitDepthExplorer(_portrait_crop(32), slow, method="none")
    assert e.student_seconds > SLOW_CALL
    assert e.bits.continuous_update is False
    fast = BitDepthExplorer(_portrait_crop(32), ordered, method="none")
    assert fast.bits.continuous_update is True


def _quant_table(quality, base):
    q = min(max(int(quality), 1), 100)
    s = 5000 // q if q < 50 else 200 - 2 * q
    return np.clip((np.asarray(base) * s + 50) // 100, 1, 255)


def _quantize(c, t):
    return (np.sign(c) * np.floor(np.abs(c) / t + 0.5)).astype(int)


def _roundtrip(img, quality):
    from quantkit import images

    t = _quant_table(quality, images.ANNEX_K_LUMINANCE)
    h, w = img.shape
    x = np.pad(img.astype(float), ((0, -h % 8), (0, -w % 8)), mode="edge") - 128
    c = images.block_dct(images.to_blocks(x))
    y = images.from_blocks(images.block_idct(_quantize(c, t) * t))[:h, :w] + 128
    return np.clip(np.round(y), 0, 255).astype(np.uint8)


def test_jpeg_explorer_compares_the_students_pipeline_with_pillow():
    from quantkit import images
    from quantkit.metrics import psnr
    from quantkit.widgets import JpegExplorer, jpeg_explorer

    img = _portrait_crop(60)  # not a multiple of 8: the border rule is exercised
    e = jpeg_explorer(img, _roundtrip, _quant_table, _quantize)
    assert isinstance(e, JpegExplorer) and (e.quality.min, e.quality.max) == (1, 100)
    assert e._rows == []  # numbers off by default (text doubles the redraw time)
    e = JpegExplorer(img, _roundtrip, _quant_table, _quantize, numbers=True)
    assert "qk-quality" in e.quality._dom_classes
    status = e.update(quality=30)
    pil = images.pillow_jpeg(img, 30)
    assert f"Pillow {psnr(img, pil.image):.2f} dB ({pil.n_bytes} bytes" in status
    assert f"yours {psnr(img, _roundtrip(img, 30)):.2f} dB" in status
    assert "your table equals the one Pillow wrote" in status
    table = _quant_table(30, images.ANNEX_K_LUMINANCE)
    assert f"your table: DC step {table[0, 0]}, steps {table.min()} to {table.max()}" in status
    padded = np.pad(img.astype(float), ((0, 4), (0, 4)), mode="edge") - 128
    table = _quant_table(30, images.ANNEX_K_LUMINANCE)
    zeros = np.mean(_quantize(images.block_dct(images.to_blocks(padded)), table) == 0)
    assert f"{zeros:.1%} of your quantized coefficients are 0" in status
    np.testing.assert_array_equal(e._pillow.get_array(), pil.image)
    rows = [t.get_text().split() for t in e._rows]
    assert rows == [[str(int(v)) for v in row] for row in pil.tables[0]]  # the table written in the heat map


def test_jpeg_explorer_reports_a_wrong_table_and_stubs():
    from quantkit.widgets import JpegExplorer

    img = _portrait_crop(32)

    def float_scale(quality, base):
        s = 5000 / quality if quality < 50 else 200 - 2 * quality
        return np.clip(np.floor((np.asarray(base) * s + 50) / 100), 1, 255)

    e = JpegExplorer(img, _roundtrip, float_scale, quality=9)  # 5000 / 9 is not 5000 // 9
    assert "your table differs from Pillow's" in e.status

    def jpeg_roundtrip(img, quality):
        raise NotImplementedError()

    assert JpegExplorer(img, jpeg_roundtrip).status == "not implemented yet: write jpeg_roundtrip first"

    def table_stub(quality, base):
        raise NotImplementedError

    assert JpegExplorer(img, _roundtrip, table_stub).status == "not implemented yet: write table_stub first"


def test_bit_depth_explorer_with_every_function_still_a_stub():
    """The released notebook builds the explorer before anything is written: a message, no exception."""
    from quantkit.widgets import BitDepthExplorer

    def ordered_dither(img, n_bits, bayer):
        raise NotImplementedError()

    def floyd_steinberg(img, n_bits, serpentine=False):
        raise NotImplementedError()

    def bayer_matrix(n):
        raise NotImplementedError()

    e = BitDepthExplorer(_portrait_crop(32), ordered_dither, floyd_steinberg, bayer_matrix)
    assert e.status == "not implemented yet: write bayer_matrix first"
    assert e.update(method="Floyd–Steinberg") == "not implemented yet: write floyd_steinberg first"
    assert e.update(method="none") == "not implemented yet: write ordered_dither first"
# ------------------------------------------------------------------------------- BitWidthExplorer
# Test-only quantizers with the signatures of notebook 04's graded functions.


def _per_channel(w, n_bits=8, axis=0):
    w = np.asarray(w, dtype=np.float32)
    qmax = 2 ** (n_bits - 1) - 1
    s = (np.abs(w).max(axis=1) / qmax).astype(np.float32)
    s[s == 0] = 1.0
    return np.clip(np.round(w / s[:, None]), -qmax, qmax).astype(np.int8), s


def _dequantize(q, scale, zero_point):
    return np.asarray(scale, dtype=np.float64) * (np.asarray(q, dtype=np.int64) - zero_point)


def _groups(w, group_size=32, n_bits=4):
    w = np.asarray(w, dtype=np.float32)
    qmax = 2 ** (n_bits - 1) - 1
    g = w.reshape(w.shape[0], -1, group_size)
    s = (np.abs(g).max(axis=2) / qmax).astype(np.float32)
    return np.clip(np.round(g / s[:, :, None]), -qmax, qmax).astype(np.int8).reshape(w.shape), s


def _float(x, exp_bits, man_bits, saturate):
    return np.asarray(x, dtype=np.float64).astype(np.float16).astype(np.float64)  # good enough for a test


@pytest.fixture(scope="module")
def digits_setup():
    from quantkit.data import digits, digits_mlp

    return digits_mlp(), digits()[2], digits()[3]


def test_bitwidth_explorer_per_tensor_vs_per_channel(digits_setup) -> None:
    from quantkit.widgets import bitwidth_explorer

    model, X, y = digits_setup
    ex = bitwidth_explorer(model, X, y, quantize_per_channel=_per_channel, affine_dequantize=_dequantize,
                           quantize_groups=_groups, round_to_float_format=_float)  # fmt: skip
    assert ex.status.startswith("4-bit per-channel: accuracy 96.9%")  # the notebook's 0.969 at 4 bits
    assert ex.update(scheme="per-tensor").startswith("4-bit per-tensor: accuracy 84.7%")  # and 0.847
    assert "groups" in ex.update(scheme="groups")
    assert ex.update(scheme="fp16").startswith("fp16: accuracy 97.3%") and ex.bits.disabled
    assert ex.student_seconds >= 0 and ex.kit_seconds > 0 and ex.image.value[:4] == b"\x89PNG"
    # model size: 17,024 weights at 4 bits = 8,512 bytes, 202 scales * 4, 202 biases * 4
    assert ex.model_bytes("per-channel", 4) == 8512 + 4 * 202 + 4 * 202
    assert ex.model_bytes("fp16", 4) == 2 * 17024 + 4 * 202


def test_bitwidth_explorer_messages(digits_setup) -> None:
    from quantkit.widgets import BitWidthExplorer

    model, X, y = digits_setup

    def stub(w, n_bits=8, axis=0):
        raise NotImplementedError

    ex = BitWidthExplorer(model, X, y, quantize_per_channel=stub, affine_dequantize=_dequantize)
    assert ex.status == "not implemented yet: write quantize_per_channel first"
    assert ex.update(scheme="groups") == "pass your quantize_groups to the explorer to use this scheme"
    with pytest.raises(TypeError, match="unknown control"):
        ex.update(colour="red")
    with pytest.raises(TypeError, match="MLP"):
        BitWidthExplorer("model", X, y)
