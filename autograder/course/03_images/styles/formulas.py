"""Correct answers with other, equivalent formulas (integer arithmetic, Kronecker products, a DCT matrix)."""

CELLS = {
    "q1_reduce_bit_depth": '''
def reduce_bit_depth(img, n_bits, reconstruction="mid"):
    """Floor division in a wider integer type: (v // D) * D + D // 2."""
    img = np.asarray(img)
    if img.dtype != np.uint8:
        raise ValueError("img must be uint8")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or n_bits not in range(1, 9):
        raise ValueError("n_bits must be 1..8")
    if reconstruction not in ("low", "mid"):
        raise ValueError("unknown reconstruction")
    D = 1 << (8 - int(n_bits))
    wide = img.astype(np.int32)
    out = (wide // D) * D + (D // 2 if reconstruction == "mid" else 0)
    return out.astype(np.uint8)
''',
    "q2_window_level": '''
def window_level(values, center, width):
    """np.select over the three cases, the middle one evaluated only where it applies."""
    if not (width >= 1):
        raise ValueError("width must be at least 1")
    x = np.asarray(values, dtype=np.float64)
    lower = center - 0.5 - (width - 1) / 2
    upper = center - 0.5 + (width - 1) / 2
    y = np.select([x <= lower, x > upper], [0.0, 255.0], default=np.nan)
    middle = np.isnan(y)
    if np.any(middle):
        y[middle] = ((x[middle] - (center - 0.5)) / (width - 1) + 0.5) * 255.0
    return np.floor(y + 0.5).astype(np.uint8)
''',
    "q4_bayer_matrix": '''
def bayer_matrix(n):
    """Kronecker products: B_2n = 4 (1 kron B_n) + (B_2 kron 1)."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 or (int(n) & (int(n) - 1)):
        raise ValueError("n must be a power of two")
    b2 = np.array([[0, 2], [3, 1]], dtype=np.int64)
    m = np.zeros((1, 1), dtype=np.int64)
    while len(m) < n:
        m = 4 * np.kron(np.ones((2, 2), dtype=np.int64), m) + np.kron(b2, np.ones_like(m))
    return m
''',
    "q5_ordered_dither": '''
def ordered_dither(img, n_bits, bayer):
    """Exact integer arithmetic: floor(u + t) = (2 n² v (L - 1) + 255 (2B + 1)) // (510 n²)."""
    img = np.asarray(img)
    if img.dtype != np.uint8 or img.ndim != 2:
        raise ValueError("img must be a 2-D uint8 image")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or not 1 <= n_bits <= 8:
        raise ValueError("n_bits must be 1..8")
    bayer = np.asarray(bayer)
    if (bayer.ndim != 2 or bayer.shape[0] != bayer.shape[1] or bayer.dtype.kind not in "iu"
            or set(bayer.ravel().tolist()) != set(range(bayer.size))):
        raise ValueError("bayer must be a square index matrix")
    n2 = bayer.size
    top = 2 ** int(n_bits) - 1
    i, j = np.ogrid[: img.shape[0], : img.shape[1]]
    b = bayer[i % bayer.shape[0], j % bayer.shape[0]].astype(np.int64)
    k = (2 * n2 * img.astype(np.int64) * top + 255 * (2 * b + 1)) // (510 * n2)
    return ((2 * k * 255 + top) // (2 * top)).astype(np.uint8)     # round(k * 255 / top), no ties
''',
    "q6_floyd_steinberg": '''
def floyd_steinberg(img, n_bits, serpentine=False):
    """A separate error buffer: the working value is pixel + received error."""
    img = np.asarray(img)
    if img.dtype != np.uint8 or img.ndim != 2:
        raise ValueError("img must be a 2-D uint8 image")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or not 1 <= n_bits <= 8:
        raise ValueError("n_bits must be 1..8")
    top = 2 ** int(n_bits) - 1
    h, w = img.shape
    err = np.zeros((h + 1, w + 2))                    # one spare row below, one spare column each side
    out = np.zeros((h, w), dtype=np.uint8)
    kernel = ((0, 1, 7 / 16), (1, -1, 3 / 16), (1, 0, 5 / 16), (1, 1, 1 / 16))
    for i in range(h):
        d = -1 if (serpentine and i % 2 == 1) else 1
        for j in (range(w) if d == 1 else range(w - 1, -1, -1)):
            v = float(img[i, j]) + err[i, j + 1]
            k = min(top, max(0, math.floor(v * top / 255 + 0.5)))
            out[i, j] = round(k * 255 / top)
            e = v - out[i, j]
            for di, dj, weight in kernel:
                err[i + di, j + 1 + d * dj] += e * weight
    return out
''',
    "q8_kmeans_palette": '''
def kmeans_palette(pixels, k, n_iter, init):
    """scipy's cdist for the squared distances, np.mean per cluster."""
    from scipy.spatial.distance import cdist

    x = np.asarray(pixels, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("pixels must be 2-D")
    centres = np.array(init, dtype=np.float64)
    if centres.shape != (k, x.shape[1]):
        raise ValueError("init must have shape (k, d)")
    if n_iter < 0:
        raise ValueError("n_iter must be >= 0")
    labels = cdist(x, centres, "sqeuclidean").argmin(axis=1)
    for it in range(n_iter):
        if it > 0:
            new = cdist(x, centres, "sqeuclidean").argmin(axis=1)
            if np.array_equal(new, labels):
                break
            labels = new
        for j in range(k):
            if np.any(labels == j):
                centres[j] = np.mean(x[labels == j], axis=0)
    return centres, cdist(x, centres, "sqeuclidean").argmin(axis=1).astype(np.int64)
''',
    "q9_jpeg_quant_table": '''
def jpeg_quant_table(quality, base):
    """Python integers throughout, divmod for the rounding."""
    if type(quality) is bool or not isinstance(quality, (int, np.integer)):
        raise ValueError("quality must be an integer")
    base = np.asarray(base)
    if base.shape != (8, 8):
        raise ValueError("base must be 8 x 8")
    q = max(1, min(100, int(quality)))
    scale = divmod(5000, q)[0] if q < 50 else 200 - 2 * q
    rows = [[min(255, max(1, divmod(int(b) * scale + 50, 100)[0])) for b in row] for row in base]
    return np.array(rows, dtype=np.int64)
''',
    "q10_jpeg_quantize_block": '''
def jpeg_quantize_block(coeffs, table):
    """trunc(F / Q + sign(F) / 2): rounding half away from zero in one expression."""
    c = np.asarray(coeffs, dtype=np.float64)
    t = np.asarray(table, dtype=np.float64)
    if t.shape != (8, 8) or c.shape[-2:] != (8, 8):
        raise ValueError("shapes must be (..., 8, 8) and (8, 8)")
    return np.trunc(c / t + np.sign(c) * 0.5).astype(np.int64)
''',
    "q10_jpeg_dequantize_block": '''
def jpeg_dequantize_block(q, table):
    """einsum over the last two axes."""
    q = np.asarray(q, dtype=np.float64)
    t = np.asarray(table, dtype=np.float64)
    if t.shape != (8, 8) or q.shape[-2:] != (8, 8):
        raise ValueError("shapes must be (..., 8, 8) and (8, 8)")
    return np.einsum("...ij,ij->...ij", q, t)
''',
    "q11_jpeg_roundtrip": '''
def jpeg_roundtrip(img, quality):
    """The DCT as a matrix product C X C^T with the cosine matrix of T.81 A.3.3."""
    img = np.asarray(img)
    if img.dtype != np.uint8 or img.ndim != 2:
        raise ValueError("img must be a 2-D uint8 image")
    table = jpeg_quant_table(quality, images.ANNEX_K_LUMINANCE)
    k = np.arange(8)
    C = np.sqrt(2 / 8) * np.cos((2 * k[None, :] + 1) * k[:, None] * np.pi / 16)
    C[0] /= np.sqrt(2)
    h, w = img.shape
    x = np.pad(img.astype(np.float64), ((0, -h % 8), (0, -w % 8)), mode="edge") - 128
    blocks = images.to_blocks(x)
    coeffs = C @ blocks @ C.T
    rec = C.T @ jpeg_dequantize_block(jpeg_quantize_block(coeffs, table), table) @ C
    y = images.from_blocks(rec)[:h, :w] + 128
    return np.clip(np.floor(y + 0.5), 0, 255).astype(np.uint8)
''',
}
