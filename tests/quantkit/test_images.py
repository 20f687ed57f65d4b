"""Tests for quantkit.images: grey conversion, blocks and their DCT, Pillow's JPEG and palettes, spectra.

Reference values and where they come from:
- Annex K tables: ITU-T T.81 (09/92) Annex K, Tables K.1 and K.2; cross-checked against the tables
  Pillow's libjpeg writes at quality 50, where the IJG scale factor is 100 % (libjpeg
  ``jcparam.c``: ``jpeg_quality_scaling(50) = 200 - 2 * 50 = 100``), so the file holds the base
  tables themselves; at quality 100 the factor is 0 and libjpeg clamps every entry to 1; at quality
  1 the factor is 5000 % and ``force_baseline`` clamps every entry to 255.
- Grey conversion: Pillow's documented ``convert("L")`` formula ``L = R * 299/1000 + G * 587/1000 +
  B * 114/1000`` (ITU-R BT.601 luma).
- The DCT: JPEG's FDCT written out from ITU-T T.81 A.3.3 in this file (a matrix of cosines), which
  must equal scipy's orthonormal DCT-II for 8 x 8 blocks; ``F(0, 0) = 8 * mean``.
- The power spectrum: white noise is flat at its variance (Parseval, with the normalisation stated in
  the docstring) and a cosine peaks at its own frequency.
"""

from __future__ import annotations

import doctest

import numpy as np
import pytest

from quantkit import images


def test_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(images, verbose=False)
    assert tried >= 10 and failures == 0


def test_public_api() -> None:
    assert set(images.__all__) == {
        "ANNEX_K_CHROMINANCE", "ANNEX_K_LUMINANCE", "JpegResult", "blur", "block_dct", "block_idct",
        "downscale", "from_blocks", "pillow_jpeg", "pillow_palette", "radial_power_spectrum",
        "to_blocks", "to_grey",
    }  # fmt: skip


# -- Annex K tables --------------------------------------------------------------------------------


def test_annex_k_tables_are_read_only_and_as_printed() -> None:
    """Corners and a few entries as printed in T.81 Tables K.1 and K.2."""
    luma, chroma = images.ANNEX_K_LUMINANCE, images.ANNEX_K_CHROMINANCE
    assert luma.shape == chroma.shape == (8, 8) and luma.dtype == np.int64
    assert (luma[0, 0], luma[0, 7], luma[7, 0], luma[7, 7], luma[5, 6]) == (16, 61, 72, 99, 113)
    assert (chroma[0, 0], chroma[0, 3], chroma[3, 1], chroma[7, 7]) == (17, 47, 66, 99)
    with pytest.raises(ValueError):
        luma[0, 0] = 1


@pytest.mark.parametrize(("quality", "expected"), [(50, "base"), (100, 1), (1, 255)])
def test_pillow_writes_the_tables_libjpeg_documents(quality: int, expected: object) -> None:
    """Grey files carry one table, colour files two; quality 50 is the base, 100 all 1, 1 all 255."""
    rng = np.random.default_rng(0)
    grey = rng.integers(0, 256, (16, 24), dtype=np.uint8)
    rgb = rng.integers(0, 256, (16, 24, 3), dtype=np.uint8)
    out_grey = images.pillow_jpeg(grey, quality)
    out_rgb = images.pillow_jpeg(rgb, quality)
    assert sorted(out_grey.tables) == [0] and sorted(out_rgb.tables) == [0, 1]
    if expected == "base":
        np.testing.assert_array_equal(out_grey.tables[0], images.ANNEX_K_LUMINANCE)
        np.testing.assert_array_equal(out_rgb.tables[1], images.ANNEX_K_CHROMINANCE)
    else:
        for table in (*out_grey.tables.values(), *out_rgb.tables.values()):
            assert np.all(table == expected)


def test_pillow_jpeg_result() -> None:
    img = np.tile(np.arange(0, 256, 4, dtype=np.uint8), (40, 1))[:, :60]
    out = images.pillow_jpeg(img, 90)
    assert isinstance(out, images.JpegResult)
    assert out.image.dtype == np.uint8 and out.image.shape == img.shape
    assert out.n_bytes > 100 and out.bits_per_pixel == pytest.approx(8 * out.n_bytes / img.size)
    assert np.abs(out.image.astype(int) - img).max() <= 8  # a smooth ramp survives quality 90
    low = images.pillow_jpeg(img, 5)
    assert low.n_bytes < out.n_bytes
    rgb = np.stack([img, img[::-1], np.full_like(img, 100)], axis=2)
    assert images.pillow_jpeg(rgb, 75, subsampling="4:4:4").image.shape == rgb.shape


@pytest.mark.parametrize(
    ("args", "words"),
    [
        ((np.zeros((8, 8), np.float64), 50), "uint8"),
        ((np.zeros((8, 8), np.uint8), 0), "quality"),
        ((np.zeros((8, 8), np.uint8), 101), "quality"),
        ((np.zeros((8, 8), np.uint8), 50.0), "quality"),
        ((np.zeros((8, 8, 2), np.uint8), 50), "grey or"),
    ],
)
def test_pillow_jpeg_rejects_bad_input(args: tuple, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        images.pillow_jpeg(*args)
    with pytest.raises(ValueError, match="subsampling"):
        images.pillow_jpeg(np.zeros((8, 8, 3), np.uint8), 50, subsampling="4:1:1")


# -- pixels ----------------------------------------------------------------------------------------


def test_to_grey_is_pillows_bt601_luma() -> None:
    """Pure red, green, blue and white: 0.299 * 255 = 76.2, 0.587 * 255 = 149.7, 0.114 * 255 = 29.1."""
    rgb = np.array([[[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255], [0, 0, 0]]], np.uint8)
    np.testing.assert_array_equal(images.to_grey(rgb), [[76, 150, 29, 255, 0]])
    rng = np.random.default_rng(1)
    many = rng.integers(0, 256, (50, 40, 3), dtype=np.uint8)
    luma = many.astype(float) @ np.array([0.299, 0.587, 0.114])
    assert np.abs(images.to_grey(many) - luma).max() <= 0.5 + 1e-9  # rounded to the nearest integer
    with pytest.raises(ValueError, match="RGB"):
        images.to_grey(np.zeros((4, 4), np.uint8))


@pytest.mark.parametrize("factor", [1, 2, 3])
def test_downscale_averages_boxes(factor: int) -> None:
    rng = np.random.default_rng(2)
    img = rng.integers(0, 256, (12, 9), dtype=np.uint8)
    small = images.downscale(img, factor)
    h, w = 12 // factor, 9 // factor
    boxes = img[: h * factor, : w * factor].reshape(h, factor, w, factor).mean(axis=(1, 3))
    assert small.shape == (h, w) and small.dtype == np.uint8
    assert np.abs(small - boxes).max() <= 1.0  # Pillow's fixed-point box filter, within one level
    rgb = np.repeat(img[:, :, None], 3, axis=2)
    np.testing.assert_array_equal(images.downscale(rgb, factor)[:, :, 0], small)
    with pytest.raises(ValueError, match="factor"):
        images.downscale(img, 0)


def test_blur_keeps_constants_and_means() -> None:
    rng = np.random.default_rng(3)
    img = rng.normal(100, 20, (40, 30))
    out = images.blur(img, 1.5)
    assert out.shape == img.shape and out.dtype == np.float64
    assert out.std() < img.std() / 2  # white noise loses most of its power
    assert out.mean() == pytest.approx(img.mean(), rel=1e-2)
    np.testing.assert_allclose(images.blur(np.full((6, 6, 3), 9.0)), 9.0, rtol=1e-12)
    with pytest.raises(ValueError, match="sigma"):
        images.blur(img, 0)


# -- blocks and the DCT ----------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", [np.uint8, np.int16, np.float64])
@pytest.mark.parametrize(("shape", "n"), [((8, 8), 8), ((16, 24), 8), ((6, 4), 2)])
def test_blocks_round_trip(dtype: type, shape: tuple[int, int], n: int) -> None:
    img = (np.arange(np.prod(shape)) % 200).astype(dtype).reshape(shape)
    blocks = images.to_blocks(img, n)
    assert blocks.shape == (shape[0] // n, shape[1] // n, n, n) and blocks.dtype == dtype
    np.testing.assert_array_equal(blocks[-1, -1], img[-n:, -n:])
    np.testing.assert_array_equal(images.from_blocks(blocks), img)


def test_blocks_refuse_sizes_that_are_not_multiples() -> None:
    with pytest.raises(ValueError, match="pad it first"):
        images.to_blocks(np.zeros((10, 16)))
    with pytest.raises(ValueError, match="rows, cols, n, n"):
        images.from_blocks(np.zeros((2, 8, 8)))


def _jpeg_fdct(block: np.ndarray) -> np.ndarray:
    """ITU-T T.81 A.3.3, written out: F(u,v) = C(u)C(v)/4 sum_x sum_y f(x,y) cos(..u..) cos(..v..)."""
    k = np.arange(8)
    cos = np.cos((2 * k[None, :] + 1) * k[:, None] * np.pi / 16)  # [u, x]
    c = np.where(k == 0, 1 / np.sqrt(2), 1.0)
    return (c[:, None] * c[None, :] / 4) * (cos @ block @ cos.T)


def test_block_dct_is_jpegs_fdct() -> None:
    rng = np.random.default_rng(4)
    blocks = rng.uniform(-128, 127, (3, 2, 8, 8))
    coeffs = images.block_dct(blocks)
    for i in range(3):
        for j in range(2):
            np.testing.assert_allclose(coeffs[i, j], _jpeg_fdct(blocks[i, j]), atol=1e-9)
    np.testing.assert_allclose(coeffs[..., 0, 0], 8 * blocks.mean(axis=(-2, -1)), rtol=1e-12)
    np.testing.assert_allclose((coeffs**2).sum(), (blocks**2).sum(), rtol=1e-12)  # orthonormal
    np.testing.assert_allclose(images.block_idct(coeffs), blocks, atol=1e-9)
    with pytest.raises(ValueError, match="two equal axes"):
        images.block_dct(np.zeros((8, 4)))


# -- palettes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["median_cut", "max_coverage", "fast_octree"])
def test_pillow_palette_finds_the_colours_of_a_two_colour_image(method: str) -> None:
    img = np.zeros((8, 10, 3), np.uint8)
    img[:, 5:] = (200, 40, 10)
    palette, labels = images.pillow_palette(img, 2, method)
    assert palette.dtype == np.uint8 and palette.shape == (2, 3)
    assert labels.shape == (8, 10) and labels.dtype == np.int64
    np.testing.assert_array_equal(palette[labels], img)


def test_pillow_palette_sizes_and_errors() -> None:
    rng = np.random.default_rng(5)
    img = rng.integers(0, 256, (32, 32, 3), dtype=np.uint8)
    for k in (4, 16, 64):
        palette, labels = images.pillow_palette(img, k)
        assert palette.shape[0] <= k and labels.max() < palette.shape[0]
    with pytest.raises(ValueError, match="k must"):
        images.pillow_palette(img, 0)
    with pytest.raises(ValueError, match="method"):
        images.pillow_palette(img, 4, "kmeans")


# -- spectra ---------------------------------------------------------------------------------------


def test_radial_power_spectrum_of_white_noise_and_a_cosine() -> None:
    rng = np.random.default_rng(6)
    noise = rng.normal(0, 3, (128, 128))
    f, p = images.radial_power_spectrum(noise, 16)
    assert f.shape == p.shape == (16,) and f[0] == pytest.approx(1 / 64)
    # Flat at the variance (the innermost ring holds only ~50 frequencies and the zeroed DC: skipped).
    assert np.all(np.abs(p[1:] / 9 - 1) < 0.15)
    n = np.arange(128)
    wave = np.cos(2 * np.pi * 0.25 * n)[None, :] * np.ones((128, 1))  # 0.25 cycles per pixel
    f, p = images.radial_power_spectrum(wave, 16)
    assert f[int(np.nanargmax(p))] == pytest.approx(0.25 + 1 / 64)
    with pytest.raises(ValueError, match="2-D"):
        images.radial_power_spectrum(np.zeros(10))
