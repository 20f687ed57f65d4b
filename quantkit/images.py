"""Image plumbing for the course: grey conversion, 8 x 8 blocks and their DCT, Pillow's JPEG and palettes.

Nothing here quantizes for the student. The helpers move pixels around (blocks, resizing), call the
field's libraries for their own job (Pillow's JPEG codec and palette quantizer, ``scipy.fft``'s DCT,
``scipy.ndimage``'s Gaussian filter) and measure (power spectra). The graded parts of the course (the
IJG quality scaling, the coefficient quantizer, the dithers, the palettes) are written by the
students, and the notebooks compare them with what these helpers return.

Constants
    :data:`ANNEX_K_LUMINANCE`, :data:`ANNEX_K_CHROMINANCE`: the example quantization tables of the
    JPEG standard (ITU-T T.81 | ISO/IEC 10918-1, Annex K, Tables K.1 and K.2), in natural (row-major)
    order.
Pixels
    :func:`to_grey`, :func:`downscale`, :func:`blur`.
Blocks
    :func:`to_blocks`, :func:`from_blocks`, :func:`block_dct`, :func:`block_idct`.
Libraries as oracles
    :func:`pillow_jpeg` (a real JPEG file: size, decoded pixels, the tables written),
    :func:`pillow_palette` (Pillow's median cut, fast octree and maximum coverage palettes).
Measurements
    :func:`radial_power_spectrum`.

Used in: notebooks/03_images.ipynb
"""

from __future__ import annotations

import io
from typing import NamedTuple

import numpy as np
from numpy.typing import ArrayLike

__all__ = [
    "ANNEX_K_CHROMINANCE",
    "ANNEX_K_LUMINANCE",
    "JpegResult",
    "block_dct",
    "block_idct",
    "blur",
    "downscale",
    "from_blocks",
    "pillow_jpeg",
    "pillow_palette",
    "radial_power_spectrum",
    "to_blocks",
    "to_grey",
]


def _table(rows: list[list[int]]) -> np.ndarray:
    table = np.array(rows, dtype=np.int64)
    table.flags.writeable = False
    return table


#: ITU-T T.81 Annex K, Table K.1: the example luminance quantization table, natural (row-major)
#: order: row = vertical frequency, column = horizontal frequency, [0, 0] the DC coefficient.
ANNEX_K_LUMINANCE: np.ndarray = _table(
    [
        [16, 11, 10, 16, 24, 40, 51, 61],
        [12, 12, 14, 19, 26, 58, 60, 55],
        [14, 13, 16, 24, 40, 57, 69, 56],
        [14, 17, 22, 29, 51, 87, 80, 62],
        [18, 22, 37, 56, 68, 109, 103, 77],
        [24, 35, 55, 64, 81, 104, 113, 92],
        [49, 64, 78, 87, 103, 121, 120, 101],
        [72, 92, 95, 98, 112, 100, 103, 99],
    ]
)

#: ITU-T T.81 Annex K, Table K.2: the example chrominance quantization table, natural order.
ANNEX_K_CHROMINANCE: np.ndarray = _table(
    [
        [17, 18, 24, 47, 99, 99, 99, 99],
        [18, 21, 26, 66, 99, 99, 99, 99],
        [24, 26, 56, 99, 99, 99, 99, 99],
        [47, 66, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
        [99, 99, 99, 99, 99, 99, 99, 99],
    ]
)

SUBSAMPLING = {"4:4:4": 0, "4:2:2": 1, "4:2:0": 2}


def _image(img: ArrayLike, name: str = "img", *, rgb: bool | None = None, uint8: bool = False) -> np.ndarray:
    """``img`` as an array after checking it is a 2-D grey or (H, W, 3) RGB image; plain-words errors."""
    arr = np.asarray(img)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"{name} must be a numeric image, got an array of dtype {arr.dtype}")
    grey_ok = arr.ndim == 2
    rgb_ok = arr.ndim == 3 and arr.shape[2] == 3
    if rgb is True and not rgb_ok:
        raise ValueError(f"{name} must be an RGB image of shape (H, W, 3), got shape {arr.shape}")
    if rgb is False and not grey_ok:
        raise ValueError(f"{name} must be a 2-D grey image of shape (H, W), got shape {arr.shape}")
    if rgb is None and not (grey_ok or rgb_ok):
        raise ValueError(f"{name} must be a 2-D grey or (H, W, 3) RGB image, got shape {arr.shape}")
    if arr.shape[0] == 0 or arr.shape[1] == 0:
        raise ValueError(f"{name} is empty (shape {arr.shape})")
    if uint8 and arr.dtype != np.uint8:
        raise ValueError(
            f"{name} must be a uint8 image (values 0..255), got dtype {arr.dtype}; "
            "convert with np.clip(np.round(x), 0, 255).astype(np.uint8) first"
        )
    return arr


def to_grey(rgb: ArrayLike) -> np.ndarray:
    """Convert an 8-bit RGB image to 8-bit grey, exactly as Pillow's ``convert("L")`` does.

    Pillow computes the ITU-R BT.601 luma ``L = R * 299/1000 + G * 587/1000 + B * 114/1000`` in
    fixed-point arithmetic, rounded to the nearest integer; this is also the Y that a JPEG encoder
    computes from RGB (JFIF).

    Parameters
    ----------
    rgb : array_like of uint8, shape (H, W, 3)
        The colour image.

    Returns
    -------
    numpy.ndarray
        uint8 array of shape (H, W).

    Raises
    ------
    ValueError
        If ``rgb`` is not a uint8 array of shape (H, W, 3).

    Examples
    --------
    >>> import numpy as np
    >>> to_grey(np.full((1, 2, 3), 255, np.uint8)).tolist()
    [[255, 255]]

    Used in: notebooks/03_images.ipynb
    """
    from PIL import Image

    arr = _image(rgb, "rgb", rgb=True, uint8=True)
    return np.asarray(Image.fromarray(np.ascontiguousarray(arr), mode="RGB").convert("L")).copy()


def downscale(img: ArrayLike, factor: int) -> np.ndarray:
    """Shrink an 8-bit image by an integer factor, averaging each ``factor x factor`` box (Pillow BOX).

    Parameters
    ----------
    img : array_like of uint8, shape (H, W) or (H, W, 3)
        The image. Rows and columns beyond a multiple of ``factor`` are dropped.
    factor : int
        The shrink factor, at least 1.

    Returns
    -------
    numpy.ndarray
        uint8 array of shape ``(H // factor, W // factor)`` (and 3 channels for RGB): each pixel is
        the rounded mean of a ``factor x factor`` box.

    Raises
    ------
    ValueError
        If ``img`` is not a uint8 grey or RGB image, or ``factor`` is not an integer of at least 1
        (or is larger than the image).

    Examples
    --------
    >>> import numpy as np
    >>> downscale(np.array([[0, 2], [4, 6]], np.uint8), 2).tolist()
    [[3]]

    Used in: notebooks/03_images.ipynb
    """
    from PIL import Image

    arr = _image(img, uint8=True)
    if isinstance(factor, bool) or not isinstance(factor, (int, np.integer)) or factor < 1:
        raise ValueError(f"factor must be an integer of at least 1, got {factor!r}")
    factor = int(factor)
    h, w = arr.shape[0] // factor, arr.shape[1] // factor
    if h == 0 or w == 0:
        raise ValueError(f"factor {factor} is larger than the image (shape {arr.shape})")
    arr = np.ascontiguousarray(arr[: h * factor, : w * factor])
    small = Image.fromarray(arr).resize((w, h), Image.Resampling.BOX)
    return np.asarray(small).copy()


def blur(img: ArrayLike, sigma: float = 1.0) -> np.ndarray:
    """A Gaussian low-pass of an image: a crude model of looking at it from further away.

    Parameters
    ----------
    img : array_like, shape (H, W) or (H, W, 3)
        The image, any real dtype (computed in float64). Colour channels are filtered separately.
    sigma : float, default 1.0
        Standard deviation of the Gaussian in pixels, greater than 0.

    Returns
    -------
    numpy.ndarray
        float64 array of the same shape (``scipy.ndimage.gaussian_filter``, edges mirrored
        (``mode="reflect"``), kernel truncated at 4 sigma).

    Raises
    ------
    ValueError
        If the image is not 2-D grey or (H, W, 3), or ``sigma`` is not a positive number.

    Examples
    --------
    >>> import numpy as np
    >>> round(float(blur(np.full((5, 5), 7.0), 2.0)[2, 2]), 12)
    7.0

    Used in: notebooks/03_images.ipynb
    """
    from scipy.ndimage import gaussian_filter

    arr = _image(img).astype(np.float64)
    if (
        isinstance(sigma, bool)
        or not isinstance(sigma, (int, float, np.integer, np.floating))
        or not sigma > 0
    ):
        raise ValueError(f"sigma must be a positive number of pixels, got {sigma!r}")
    sig = (float(sigma), float(sigma), 0.0) if arr.ndim == 3 else float(sigma)
    return gaussian_filter(arr, sigma=sig, mode="reflect")


def to_blocks(img: ArrayLike, n: int = 8) -> np.ndarray:
    """Cut an image into non-overlapping ``n x n`` blocks (a view-free copy, row-major block order).

    Parameters
    ----------
    img : array_like, shape (H, W)
        A 2-D image whose height and width are multiples of ``n`` (pad it first otherwise, for
        example with ``np.pad(img, ..., mode="edge")``).
    n : int, default 8
        The block size.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(H // n, W // n, n, n)`` and the image's dtype: ``blocks[i, j]`` is the
        block of rows ``n*i .. n*i + n - 1`` and columns ``n*j .. n*j + n - 1``.

    Raises
    ------
    ValueError
        If the image is not 2-D or its sides are not multiples of ``n``.

    Examples
    --------
    >>> import numpy as np
    >>> b = to_blocks(np.arange(16).reshape(4, 4), 2)
    >>> b.shape, b[0, 1].tolist()
    ((2, 2, 2, 2), [[2, 3], [6, 7]])

    Used in: notebooks/03_images.ipynb
    """
    arr = _image(img, rgb=False)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1:
        raise ValueError(f"n must be a positive integer, got {n!r}")
    h, w = arr.shape
    if h % n or w % n:
        raise ValueError(
            f"the image's shape {arr.shape} is not a multiple of the block size {n}: pad it first "
            f"(for example np.pad(img, ((0, {-h % n}), (0, {-w % n})), mode='edge'))"
        )
    return arr.reshape(h // n, n, w // n, n).swapaxes(1, 2).copy()


def from_blocks(blocks: ArrayLike) -> np.ndarray:
    """Put ``n x n`` blocks back together: the inverse of :func:`to_blocks`.

    Parameters
    ----------
    blocks : array_like, shape (rows, cols, n, n)
        The blocks, in the layout :func:`to_blocks` returns.

    Returns
    -------
    numpy.ndarray
        Array of shape ``(rows * n, cols * n)`` and the blocks' dtype.

    Raises
    ------
    ValueError
        If ``blocks`` is not 4-D with square blocks.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.arange(24).reshape(4, 6)
    >>> bool((from_blocks(to_blocks(img, 2)) == img).all())
    True

    Used in: notebooks/03_images.ipynb
    """
    arr = np.asarray(blocks)
    if arr.ndim != 4 or arr.shape[2] != arr.shape[3]:
        raise ValueError(f"blocks must have shape (rows, cols, n, n), got {arr.shape}")
    rows, cols, n, _ = arr.shape
    return arr.swapaxes(1, 2).reshape(rows * n, cols * n).copy()


def block_dct(blocks: ArrayLike) -> np.ndarray:
    """The orthonormal 2-D DCT-II of every block: ``scipy.fft.dctn(b, axes=(-2, -1), norm="ortho")``.

    For 8 x 8 blocks this is exactly JPEG's forward DCT (ITU-T T.81, A.3.3):
    ``F(u, v) = C(u) C(v) / 4 * sum_x sum_y f(x, y) cos((2x + 1) u pi / 16) cos((2y + 1) v pi / 16)``
    with ``C(0) = 1 / sqrt(2)`` and ``C(k) = 1`` otherwise, so ``F(0, 0)`` is 8 times the block mean.

    Parameters
    ----------
    blocks : array_like, shape (..., n, n)
        One block or any stack of blocks (for example the output of :func:`to_blocks`), real values.

    Returns
    -------
    numpy.ndarray
        float64 coefficients of the same shape; ``[..., u, v]`` with ``u`` the vertical and ``v``
        the horizontal frequency.

    Raises
    ------
    ValueError
        If the last two axes are missing or not square.

    Examples
    --------
    >>> import numpy as np
    >>> c = block_dct(np.full((8, 8), 10.0))
    >>> round(float(c[0, 0]), 9), round(float(np.abs(c).sum() - abs(c[0, 0])), 9)
    (80.0, 0.0)

    Used in: notebooks/03_images.ipynb
    """
    from scipy.fft import dctn

    arr = _square_blocks(blocks)
    return dctn(arr, axes=(-2, -1), norm="ortho")


def block_idct(coeffs: ArrayLike) -> np.ndarray:
    """The inverse of :func:`block_dct`: ``scipy.fft.idctn(c, axes=(-2, -1), norm="ortho")``.

    Parameters
    ----------
    coeffs : array_like, shape (..., n, n)
        DCT coefficients of one block or of a stack of blocks.

    Returns
    -------
    numpy.ndarray
        float64 pixel values of the same shape.

    Raises
    ------
    ValueError
        If the last two axes are missing or not square.

    Examples
    --------
    >>> import numpy as np
    >>> x = np.arange(64.0).reshape(8, 8)
    >>> bool(np.allclose(block_idct(block_dct(x)), x))
    True
    """
    from scipy.fft import idctn

    arr = _square_blocks(coeffs)
    return idctn(arr, axes=(-2, -1), norm="ortho")


def _square_blocks(values: ArrayLike) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind not in "biuf":
        raise TypeError(f"blocks must hold real numbers, got dtype {arr.dtype}")
    if arr.ndim < 2 or arr.shape[-1] != arr.shape[-2]:
        raise ValueError(f"blocks must end in two equal axes (..., n, n), got shape {arr.shape}")
    return arr.astype(np.float64)


class JpegResult(NamedTuple):
    """What :func:`pillow_jpeg` returns: a real JPEG file, decoded, with its size and its tables."""

    image: np.ndarray
    """The decoded image, uint8, the shape of the input."""
    n_bytes: int
    """The size of the whole JPEG file in bytes (headers, tables and Huffman-coded data)."""
    tables: dict[int, np.ndarray]
    """The quantization tables written into the file, read back with Pillow: slot -> (8, 8) int64 array
    in natural (row-major) order. Slot 0 is luminance, slot 1 chrominance (colour images only)."""
    bits_per_pixel: float
    """``8 * n_bytes / (H * W)``."""


def pillow_jpeg(img: ArrayLike, quality: int, subsampling: str = "4:2:0") -> JpegResult:
    """Write ``img`` as a baseline JPEG with Pillow at an IJG ``quality`` and read everything back.

    Parameters
    ----------
    img : array_like of uint8, shape (H, W) or (H, W, 3)
        A grey or RGB image.
    quality : int
        The IJG quality, 1..100 (Pillow's ``quality=``). Pillow's libjpeg scales the Annex K tables
        with ``jpeg_set_quality(..., force_baseline=TRUE)``.
    subsampling : {"4:2:0", "4:2:2", "4:4:4"}, default "4:2:0"
        Chroma subsampling of a colour image (ignored for grey).

    Returns
    -------
    JpegResult
        ``(image, n_bytes, tables, bits_per_pixel)``: the decoded pixels (Pillow's decoder), the file
        size, the quantization tables read from the file with ``Image.open(...).quantization`` (in
        natural order, as Pillow returns them since version 8.3) and the bits per pixel.

    Raises
    ------
    ValueError
        If ``img`` is not a uint8 grey or RGB image, ``quality`` is not an integer in 1..100, or
        ``subsampling`` is unknown.

    Notes
    -----
    The file is written in memory (``io.BytesIO``), with Pillow's defaults otherwise: standard
    Huffman tables (``optimize=False``), no progressive mode, a JFIF header.

    Examples
    --------
    >>> import numpy as np
    >>> out = pillow_jpeg(np.full((16, 16), 128, np.uint8), 50)
    >>> out.image.shape, int(out.tables[0][0, 0])
    ((16, 16), 16)

    Used in: notebooks/03_images.ipynb
    """
    from PIL import Image

    arr = _image(img, uint8=True)
    if isinstance(quality, bool) or not isinstance(quality, (int, np.integer)) or not 1 <= quality <= 100:
        raise ValueError(f"quality must be an integer from 1 to 100, got {quality!r}")
    if subsampling not in SUBSAMPLING:
        raise ValueError(f"subsampling must be one of {', '.join(SUBSAMPLING)}, got {subsampling!r}")
    pil = Image.fromarray(np.ascontiguousarray(arr))
    buf = io.BytesIO()
    options = {"quality": int(quality)}
    if arr.ndim == 3:
        options["subsampling"] = SUBSAMPLING[subsampling]
    pil.save(buf, format="JPEG", **options)
    n_bytes = buf.tell()
    buf.seek(0)
    with Image.open(buf) as decoded:
        tables = {int(k): np.array(v, dtype=np.int64).reshape(8, 8) for k, v in decoded.quantization.items()}
        pixels = np.asarray(decoded.convert("RGB" if arr.ndim == 3 else "L")).copy()
    return JpegResult(pixels, int(n_bytes), tables, 8.0 * n_bytes / (arr.shape[0] * arr.shape[1]))


PALETTE_METHODS = ("median_cut", "max_coverage", "fast_octree")


def pillow_palette(img: ArrayLike, k: int, method: str = "median_cut") -> tuple[np.ndarray, np.ndarray]:
    """Pillow's own colour quantizer (``Image.quantize``) without dithering: a palette and the labels.

    Parameters
    ----------
    img : array_like of uint8, shape (H, W, 3)
        An RGB image.
    k : int
        The largest number of colours, 1..256.
    method : {"median_cut", "max_coverage", "fast_octree"}, default "median_cut"
        ``Image.Quantize.MEDIANCUT``, ``MAXCOVERAGE`` or ``FASTOCTREE``.

    Returns
    -------
    palette : numpy.ndarray
        uint8 array of shape (m, 3), m <= k: the palette Pillow chose, in Pillow's order.
    labels : numpy.ndarray
        int64 array of shape (H, W): the palette index of every pixel as Pillow assigned it
        (``palette[labels]`` is Pillow's quantized image). Pillow's assignment is its own: it is not
        always the nearest palette colour.

    Raises
    ------
    ValueError
        If ``img`` is not a uint8 RGB image, ``k`` is not in 1..256 or ``method`` is unknown.

    Examples
    --------
    >>> import numpy as np
    >>> img = np.zeros((4, 4, 3), np.uint8); img[:, 2:] = 200
    >>> palette, labels = pillow_palette(img, 2)
    >>> sorted(palette[:, 0].tolist()), labels.shape
    ([0, 200], (4, 4))

    Used in: notebooks/03_images.ipynb
    """
    from PIL import Image

    arr = _image(img, rgb=True, uint8=True)
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= 256:
        raise ValueError(f"k must be an integer from 1 to 256, got {k!r}")
    if method not in PALETTE_METHODS:
        raise ValueError(f"method must be one of {', '.join(PALETTE_METHODS)}, got {method!r}")
    which = {
        "median_cut": Image.Quantize.MEDIANCUT,
        "max_coverage": Image.Quantize.MAXCOVERAGE,
        "fast_octree": Image.Quantize.FASTOCTREE,
    }[method]
    quantized = Image.fromarray(np.ascontiguousarray(arr), mode="RGB").quantize(
        colors=int(k), method=which, dither=Image.Dither.NONE
    )
    labels = np.asarray(quantized).astype(np.int64)
    raw = np.array(quantized.getpalette() or [], dtype=np.uint8).reshape(-1, 3)
    used = int(labels.max()) + 1
    return raw[: max(used, min(len(raw), int(k)))].copy(), labels


def radial_power_spectrum(x: ArrayLike, n_bins: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """The power spectrum of a 2-D array averaged over rings of equal spatial frequency.

    With ``X = fft2(x - mean(x))`` and ``P = |X|**2 / (H * W)`` (so that the mean of ``P`` over all
    frequencies is the variance of ``x``), every frequency ``(fy, fx)`` (cycles per pixel, from
    ``numpy.fft.fftfreq``) falls into the ring of radius ``sqrt(fx**2 + fy**2)``; the rings are
    ``n_bins`` equal intervals of [0, 0.5], and frequencies beyond 0.5 (the corners) are left out.
    White noise of variance s² gives a flat spectrum at s²; an error pushed to high frequencies
    (error diffusion, noise shaping) gives a rising one.

    Parameters
    ----------
    x : array_like, shape (H, W)
        For example the quantization error ``out - img`` (any real dtype, computed in float64).
    n_bins : int, default 32
        Number of rings.

    Returns
    -------
    freq : numpy.ndarray
        float64 array of shape (n_bins,): the centre of each ring in cycles per pixel.
    power : numpy.ndarray
        float64 array of shape (n_bins,): the mean of ``P`` over each ring (NaN for a ring without
        any frequency, which only happens for very small arrays).

    Raises
    ------
    ValueError
        If ``x`` is not a 2-D array of at least 2 x 2 values, or ``n_bins`` is not a positive integer.

    Examples
    --------
    >>> import numpy as np
    >>> f, p = radial_power_spectrum(np.random.default_rng(0).normal(0, 2, (256, 256)), 8)
    >>> bool(np.all(np.abs(p / 4 - 1) < 0.1))  # flat at the variance, 4
    True
    """
    arr = np.asarray(x)
    if arr.dtype.kind not in "biuf" or arr.ndim != 2 or min(arr.shape) < 2:
        raise ValueError(f"x must be a real 2-D array of at least 2 x 2 values, got shape {arr.shape}")
    if isinstance(n_bins, bool) or not isinstance(n_bins, (int, np.integer)) or n_bins < 1:
        raise ValueError(f"n_bins must be a positive integer, got {n_bins!r}")
    values = arr.astype(np.float64)
    h, w = values.shape
    power = np.abs(np.fft.fft2(values - values.mean())) ** 2 / (h * w)
    radius = np.hypot(np.fft.fftfreq(h)[:, None], np.fft.fftfreq(w)[None, :])
    n_bins = int(n_bins)
    edges = np.linspace(0.0, 0.5, n_bins + 1)
    inside = radius.ravel() <= 0.5
    which = np.minimum((radius.ravel()[inside] * (2 * n_bins)).astype(np.int64), n_bins - 1)
    sums = np.bincount(which, weights=power.ravel()[inside], minlength=n_bins)
    counts = np.bincount(which, minlength=n_bins)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(counts > 0, sums / np.maximum(counts, 1), np.nan)
    return (edges[:-1] + edges[1:]) / 2, mean
