"""Correct answers written with other vectorized idioms (bit masks, clipping, reversed views, matmul)."""

CELLS = {
    "q1_reduce_bit_depth": '''
def reduce_bit_depth(img, n_bits, reconstruction="mid"):
    """Bit masks: clear the low bits, then set the top one of them for mid-step."""
    img = np.asarray(img)
    if img.dtype != np.uint8:
        raise ValueError("img must be uint8")
    integer = np.issubdtype(type(n_bits), np.integer) and not isinstance(n_bits, (bool, np.bool_))
    if not integer or not 0 < n_bits < 9:
        raise ValueError("n_bits must be 1..8")
    if reconstruction not in {"low", "mid"}:
        raise ValueError("unknown reconstruction")
    low_bits = 8 - int(n_bits)
    mask = np.uint8((0xFF << low_bits) & 0xFF)
    out = np.bitwise_and(img, mask)
    if reconstruction == "mid" and low_bits:
        out = np.bitwise_or(out, np.uint8(1 << (low_bits - 1)))
    return out
''',
    "q2_window_level": '''
def window_level(values, center, width):
    """The linear map clipped to 0..255 (equal to PS3.3's three cases), rounded half up."""
    if width < 1:
        raise ValueError("width must be at least 1")
    x = np.asarray(values, dtype=np.float64)
    c, w = center - 0.5, width - 1.0
    if w == 0:
        y = np.where(x > c, 255.0, 0.0)
    else:
        y = np.clip(((x - c) / w + 0.5) * 255.0, 0.0, 255.0)
    return np.floor(y + 0.5).astype(np.uint8)
''',
    "q4_bayer_matrix": '''
def bayer_matrix(n):
    """Closed form: the top bit pair of (row, column) gives the lowest base-4 digit, and so on."""
    integer = np.issubdtype(type(n), np.integer) and not isinstance(n, (bool, np.bool_))
    if not integer or n <= 0 or bin(n).count("1") != 1:
        raise ValueError("n must be a power of two")
    n = int(n)
    bits = n.bit_length() - 1
    i, j = np.indices((n, n))
    digit_of = np.array([[0, 2], [3, 1]])
    out = np.zeros((n, n), dtype=np.int64)
    for level in range(bits):                       # level 0: the most significant bit of i and j
        shift = bits - 1 - level
        out += digit_of[(i >> shift) & 1, (j >> shift) & 1] * 4 ** level
    return out
''',
    "q5_ordered_dither": '''
def ordered_dither(img, n_bits, bayer):
    """np.tile the thresholds; round up where the fraction reaches 1 - t."""
    img = np.asarray(img)
    if img.ndim != 2 or img.dtype != np.uint8:
        raise ValueError("img must be a 2-D uint8 image")
    integer = np.issubdtype(type(n_bits), np.integer) and not isinstance(n_bits, (bool, np.bool_))
    if not integer or n_bits not in range(1, 9):
        raise ValueError("n_bits must be 1..8")
    b = np.asarray(bayer)
    if b.ndim != 2 or b.shape[0] != b.shape[1] or not np.issubdtype(b.dtype, np.integer):
        raise ValueError("bayer must be a square integer matrix")
    n = b.shape[0]
    if np.unique(b).size != n * n or b.min() != 0 or b.max() != n * n - 1:
        raise ValueError("bayer must hold 0 .. n*n - 1")
    h, w = img.shape
    reps = (-(-h // n), -(-w // n))
    t = ((np.tile(b, reps)[:h, :w] + 0.5) / (n * n))
    L = 2 ** int(n_bits)
    u = img / 255.0 * (L - 1)
    whole = np.floor(u)
    k = whole + (u - whole >= 1.0 - t)
    grid = np.round(np.linspace(0, 255, L)).astype(np.uint8)
    return grid[k.astype(int)]
''',
    "q6_floyd_steinberg": '''
def floyd_steinberg(img, n_bits, serpentine=False):
    """Serpentine rows handled by running the forward kernel on reversed views of the rows."""
    img = np.asarray(img)
    if img.ndim != 2 or img.dtype != np.uint8:
        raise ValueError("img must be a 2-D uint8 image")
    integer = np.issubdtype(type(n_bits), np.integer) and not isinstance(n_bits, (bool, np.bool_))
    if not integer or n_bits not in range(1, 9):
        raise ValueError("n_bits must be 1..8")
    top = (1 << int(n_bits)) - 1
    grid = np.round(np.arange(top + 1) * 255.0 / top)
    work = img.astype(float)
    out = np.zeros_like(img)
    h, w = img.shape
    for i in range(h):
        flip = serpentine and i % 2
        row = work[i, ::-1] if flip else work[i]
        nxt = (work[i + 1, ::-1] if flip else work[i + 1]) if i + 1 < h else None
        orow = out[i, ::-1] if flip else out[i]
        for j in range(w):
            level = grid[min(max(int(math.floor(row[j] * top / 255 + 0.5)), 0), top)]
            orow[j] = level
            e = row[j] - level
            if j + 1 < w:
                row[j + 1] += 7 * e / 16
            if nxt is not None:
                if j >= 1:
                    nxt[j - 1] += 3 * e / 16
                nxt[j] += 5 * e / 16
                if j + 1 < w:
                    nxt[j + 1] += e / 16
    return out
''',
    "q8_kmeans_palette": '''
def kmeans_palette(pixels, k, n_iter, init):
    """Distances from |x|^2 - 2 x.c + |c|^2 with a matrix product; sums with np.add.at."""
    x = np.asarray(pixels, dtype=float)
    c = np.asarray(init, dtype=float).copy()
    if x.ndim != 2 or c.shape != (k, x.shape[1]):
        raise ValueError("pixels must be (N, d) and init (k, d)")
    if n_iter < 0:
        raise ValueError("n_iter must not be negative")
    x2 = (x * x).sum(axis=1)[:, None]

    def assign(c):
        return np.argmin(x2 - 2 * x @ c.T + (c * c).sum(axis=1)[None, :], axis=1)

    last = None
    for _ in range(n_iter):
        lab = assign(c)
        if last is not None and np.all(lab == last):
            break
        sums = np.zeros_like(c)
        np.add.at(sums, lab, x)
        counts = np.bincount(lab, minlength=k)
        filled = counts > 0
        c[filled] = sums[filled] / counts[filled, None]
        last = lab
    return c, assign(c).astype(np.int64)
''',
    "q9_jpeg_quant_table": '''
def jpeg_quant_table(quality, base):
    """One vectorized expression after the scale factor."""
    if isinstance(quality, (bool, np.bool_)) or not isinstance(quality, (int, np.integer)):
        raise ValueError("quality must be an integer")
    base = np.asarray(base, dtype=np.int64)
    if base.shape != (8, 8):
        raise ValueError("base must be 8 x 8")
    q = int(np.clip(quality, 1, 100))
    s = 200 - 2 * q if q >= 50 else 5000 // q
    return np.minimum(np.maximum(np.floor_divide(base * s + 50, 100), 1), 255)
''',
    "q10_jpeg_quantize_block": '''
def jpeg_quantize_block(coeffs, table):
    """copysign puts the sign back on the rounded magnitude."""
    c = np.asarray(coeffs, dtype=float)
    t = np.asarray(table, dtype=float)
    if t.shape != (8, 8) or c.shape[-2:] != (8, 8):
        raise ValueError("need (..., 8, 8) coefficients and an (8, 8) table")
    return np.copysign(np.floor(np.abs(c) / t + 0.5), c).astype(np.int64)
''',
    "q10_jpeg_dequantize_block": '''
def jpeg_dequantize_block(q, table):
    """np.multiply straight into float64."""
    q = np.asarray(q)
    table = np.asarray(table)
    if table.shape != (8, 8) or q.shape[-2:] != (8, 8):
        raise ValueError("need (..., 8, 8) and an (8, 8) table")
    return np.multiply(q, table, dtype=np.float64)
''',
    "q11_jpeg_roundtrip": '''
def jpeg_roundtrip(img, quality):
    """Blocks by reshape and transpose, all at once."""
    img = np.asarray(img)
    if img.ndim != 2 or img.dtype != np.uint8:
        raise ValueError("img must be a 2-D uint8 image")
    Q = jpeg_quant_table(quality, images.ANNEX_K_LUMINANCE)
    h, w = img.shape
    x = np.pad(img, ((0, (8 - h % 8) % 8), (0, (8 - w % 8) % 8)), mode="edge").astype(float) - 128.0
    H, W = x.shape
    blocks = x.reshape(H // 8, 8, W // 8, 8).transpose(0, 2, 1, 3)
    rec = idctn(jpeg_dequantize_block(jpeg_quantize_block(dctn(blocks, axes=(2, 3), norm="ortho"), Q), Q),
                axes=(2, 3), norm="ortho")
    y = rec.transpose(0, 2, 1, 3).reshape(H, W)[:h, :w] + 128.0
    return np.round(y).clip(0, 255).astype(np.uint8)
''',
}
