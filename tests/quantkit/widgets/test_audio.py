"""Tests for quantkit.widgets.audio, RequantizationExplorer (notebook 02):
the explorers build and update headless, and show errors in plain words.

The quantizers and samplers here are written for the tests only (quantkit must not contain them).
"""

from __future__ import annotations

import re

import ipywidgets as widgets
import numpy as np
import pytest

from quantkit.metrics import sqnr_db


def _sqnr(text: str) -> float:
    return float(re.search(r"SQNR (\S+) dB", text).group(1))


def _shows_plot(explorer) -> bool:
    return explorer.image.layout.display != "none" and explorer.message.layout.display == "none"


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
