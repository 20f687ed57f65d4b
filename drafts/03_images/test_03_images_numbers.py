"""The numbers notebook 03's text quotes, pinned against their closed forms and external sources.

Draft for ``tests/autograder/course/test_03_images.py`` (Phase B). Runs as it is:
``.venv/bin/python -m pytest -q -p no:cacheprovider drafts/03_images/test_03_images_numbers.py``.
The notebook's definitions are written out here once more (tests may hold reference formulas;
quantkit may not). Each test says where its expected value comes from.
"""

from __future__ import annotations

import io
import math

import numpy as np
import pytest

from quantkit import data, images, metrics


def _ijg_table(quality, base):
    """libjpeg jcparam.c: jpeg_quality_scaling and jpeg_add_quant_table with force_baseline."""
    q = min(max(int(quality), 1), 100)
    s = 5000 // q if q < 50 else 200 - 2 * q
    return np.clip((np.asarray(base) * s + 50) // 100, 1, 255)


def _pillow_tables(quality):
    from PIL import Image

    rgb = (np.arange(16 * 16 * 3) % 251).astype(np.uint8).reshape(16, 16, 3)
    buf = io.BytesIO()
    Image.fromarray(rgb).save(buf, "JPEG", quality=quality)
    buf.seek(0)
    with Image.open(buf) as f:
        return {k: np.array(v).reshape(8, 8) for k, v in f.quantization.items()}


@pytest.mark.parametrize(
    ("bits", "gain_db"), [(1, 5.97), (2, 5.92), (3, 5.81), (4, 5.57), (5, 5.03), (6, 3.68), (7, 0.0)]
)
def test_mid_step_gain_closed_forms(bits, gain_db):
    """(D² + 2)/12 and (D - 1)(2D - 1)/6 are the exact MSEs over all 256 levels; the gains to 0.01 dB."""
    d = 2 ** (8 - bits)
    v = np.arange(256)
    k = v >> (8 - bits)
    mid = (k << (8 - bits)) + d // 2
    low = k << (8 - bits)
    assert np.mean((v - mid) ** 2) == (d * d + 2) / 12
    assert np.mean((v - low) ** 2) == (d - 1) * (2 * d - 1) / 6
    assert 10 * math.log10(((d - 1) * (2 * d - 1) / 6) / ((d * d + 2) / 12)) == pytest.approx(
        gain_db, abs=0.005
    )


def test_mri_psnr_inflation_is_49_7_db():
    """20 log10(65535 / 215) = 49.68 dB, added to every PSNR when the uint16 container's peak is used."""
    mri = data.mri_slice()
    assert (int(mri.min()), int(mri.max()), np.unique(mri).size) == (0, 215, 211)
    test = (mri // 16 * 16 + 8).astype(np.uint16)
    inflation = metrics.psnr(mri, test) - metrics.psnr(mri, test, data_range=215.0)
    assert inflation == pytest.approx(20 * math.log10(65535 / 215), abs=1e-9)
    assert round(inflation, 1) == 49.7


def test_ct_stored_range_and_rescale():
    """pydicom's CT_small.dcm: stored 128..2191, 1,453 distinct values, intercept -1024."""
    stored, hu = data.ct_slice("stored"), data.ct_slice()
    assert (int(stored.min()), int(stored.max()), np.unique(stored).size) == (128, 2191, 1453)
    assert np.unique(hu.astype(int) - stored).tolist() == [-1024]
    assert round(math.log2(int(hu.max()) - int(hu.min()) + 1), 2) == 11.01


def test_ijg_formula_is_what_pillow_writes_and_a_float_scale_is_not():
    """Pillow writes the IJG table at all 200 quality/table pairs; a float 5000 / q errs at 56, from 9."""
    bases = (np.array(images.ANNEX_K_LUMINANCE), np.array(images.ANNEX_K_CHROMINANCE))
    wrong = []
    for q in range(1, 101):
        written = _pillow_tables(q)
        for slot, base in enumerate(bases):
            assert np.array_equal(_ijg_table(q, base), written[slot]), f"quality {q}, table {slot}"
            s = 5000 / q if q < 50 else 200 - 2 * q
            if not np.array_equal(np.clip(np.floor((base * s + 50) / 100), 1, 255), written[slot]):
                wrong.append(q)
    assert len(wrong) == 56 and min(wrong) == 9


def test_grace_hopper_jpeg_was_saved_at_quality_80():
    """The tables in matplotlib's grace_hopper.jpg are the IJG tables of quality 80 (both of them)."""
    from PIL import Image

    from quantkit.data._matplotlib_samples import _sample_path

    with Image.open(_sample_path("grace_hopper.jpg")) as f:
        tables = {k: np.array(v).reshape(8, 8) for k, v in f.quantization.items()}
    assert np.array_equal(tables[0], _ijg_table(80, images.ANNEX_K_LUMINANCE))
    assert np.array_equal(tables[1], _ijg_table(80, images.ANNEX_K_CHROMINANCE))


def _roundtrip(img, quality):
    from scipy.fft import dctn, idctn

    t = _ijg_table(quality, images.ANNEX_K_LUMINANCE)
    h, w = img.shape
    x = np.pad(img.astype(float), ((0, -h % 8), (0, -w % 8)), mode="edge") - 128
    c = dctn(images.to_blocks(x), axes=(-2, -1), norm="ortho")
    q = np.sign(c) * np.floor(np.abs(c) / t + 0.5)
    y = images.from_blocks(idctn(q * t, axes=(-2, -1), norm="ortho"))[:h, :w] + 128
    return np.clip(np.round(y), 0, 255).astype(np.uint8)


@pytest.mark.parametrize("quality", [10, 50, 90])
def test_pipeline_psnr_equals_pillows(quality):
    """On the shifted portrait the notebook's pipeline and Pillow's JPEG agree to 0.01 dB in PSNR."""
    img = images.to_grey(data.grace_hopper())[4:, 4:]
    ours = metrics.psnr(img, _roundtrip(img, quality))
    pillow = metrics.psnr(img, images.pillow_jpeg(img, quality).image)
    assert abs(ours - pillow) < 0.01


def test_jpeg_of_a_jpeg_on_the_same_grid():
    """Recompressing the portrait at quality 80 on its own 8 x 8 grid gives a far higher PSNR than shifted."""
    grey = images.to_grey(data.grace_hopper())
    aligned = metrics.psnr(grey, _roundtrip(grey, 80))
    shifted = metrics.psnr(grey[4:, 4:], _roundtrip(grey[4:, 4:], 80))
    assert aligned > shifted + 15
