"""Tests for quantkit.widgets.design, QuantizerDesignExplorer and AdaptiveQuantizerExplorer (notebook 05):
the explorers build and update headless, and show errors in plain words.

The quantizers and samplers here are written for the tests only (quantkit must not contain them).
"""

from __future__ import annotations

import ipywidgets as widgets
import numpy as np
import pytest

from quantkit import densities
from quantkit.metrics import segmental_snr_db, snr_db
from quantkit.widgets import (
    ITERATION_STEPS,
    AdaptiveQuantizerExplorer,
    QuantizerDesignExplorer,
    adaptive_quantizer_explorer,
    quantizer_design_explorer,
)


def _shows_plot(explorer) -> bool:
    return explorer.image.layout.display != "none" and explorer.message.layout.display == "none"


def _descendants(box):
    out = []
    for child in box.children:
        out.append(child)
        if isinstance(child, widgets.Box):
            out.extend(_descendants(child))
    return out


# --- QuantizerDesignExplorer and AdaptiveQuantizerExplorer (notebook 05) --------------------------
#
# Stand-ins written for the tests: a "design" whose levels shrink towards fixed positions as the
# iteration count grows, and a fixed-step mid-rise quantizer in the shape of jayant_quantize (no
# adaptation). They drive the explorers' plumbing; the real algorithms are the students' to write.


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
