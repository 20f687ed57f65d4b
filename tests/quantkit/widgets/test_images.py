"""Tests for quantkit.widgets.images, BitDepthExplorer and JpegExplorer (notebook 03):
the explorers build and update headless, and show errors in plain words.

The quantizers and samplers here are written for the tests only (quantkit must not contain them).
"""

from __future__ import annotations

import numpy as np
import pytest


def _shows_plot(explorer) -> bool:
    return explorer.image.layout.display != "none" and explorer.message.layout.display == "none"


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
