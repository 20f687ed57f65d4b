"""Correct answers written as plain Python loops (the straightforward student versions)."""

CELLS = {
    "q1_reduce_bit_depth": '''
def reduce_bit_depth(img, n_bits, reconstruction="mid"):
    """Loop over the pixels with integer division."""
    img = np.asarray(img)
    if img.dtype != np.uint8:
        raise ValueError("img must be uint8")
    if type(n_bits) is bool or not isinstance(n_bits, (int, np.integer)) or n_bits < 1 or n_bits > 8:
        raise ValueError("n_bits must be 1..8")
    if reconstruction != "low" and reconstruction != "mid":
        raise ValueError("reconstruction must be low or mid")
    step = 2 ** (8 - int(n_bits))
    out = np.empty(img.shape, dtype=np.uint8)
    for index in np.ndindex(img.shape):
        v = int(img[index])
        level = (v // step) * step
        if reconstruction == "mid" and n_bits < 8:
            level += step // 2
        out[index] = level
    return out
''',
    "q2_window_level": '''
def window_level(values, center, width):
    """One value at a time, exactly as PS3.3 writes it."""
    if width < 1:
        raise ValueError("width must be >= 1")
    x = np.asarray(values, dtype=np.float64)
    out = np.empty(x.shape, dtype=np.uint8)
    for index in np.ndindex(x.shape):
        v = float(x[index])
        if v <= center - 0.5 - (width - 1) / 2:
            y = 0.0
        elif v > center - 0.5 + (width - 1) / 2:
            y = 255.0
        else:
            y = ((v - (center - 0.5)) / (width - 1) + 0.5) * (255 - 0) + 0
        out[index] = math.floor(y + 0.5)
    return out
''',
    "q4_bayer_matrix": '''
def bayer_matrix(n):
    """Recursion on nested lists."""
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 1 or (n & (n - 1)) != 0:
        raise ValueError("n must be a power of two")
    m = [[0]]
    size = 1
    while size < n:
        bigger = [[0] * (2 * size) for _ in range(2 * size)]
        for i in range(size):
            for j in range(size):
                bigger[i][j] = 4 * m[i][j]
                bigger[i][j + size] = 4 * m[i][j] + 2
                bigger[i + size][j] = 4 * m[i][j] + 3
                bigger[i + size][j + size] = 4 * m[i][j] + 1
        m, size = bigger, 2 * size
    return np.array(m, dtype=np.int64)
''',
    "q5_ordered_dither": '''
def ordered_dither(img, n_bits, bayer):
    """Pixel by pixel."""
    img = np.asarray(img)
    if img.dtype != np.uint8 or img.ndim != 2:
        raise ValueError("img must be a 2-D uint8 image")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or not 1 <= n_bits <= 8:
        raise ValueError("n_bits must be 1..8")
    bayer = np.asarray(bayer)
    if bayer.ndim != 2 or bayer.shape[0] != bayer.shape[1] or bayer.dtype.kind not in "iu":
        raise ValueError("bayer must be a square integer matrix")
    n = bayer.shape[0]
    if sorted(int(v) for v in bayer.ravel()) != list(range(n * n)):
        raise ValueError("bayer must hold 0 .. n*n - 1 once each")
    top = 2 ** int(n_bits) - 1
    out = np.empty(img.shape, dtype=np.uint8)
    for i in range(img.shape[0]):
        for j in range(img.shape[1]):
            u = int(img[i, j]) * top / 255
            t = (int(bayer[i % n, j % n]) + 0.5) / (n * n)
            k = math.floor(u + t)
            out[i, j] = round(k * 255 / top)
    return out
''',
    "q6_floyd_steinberg": '''
def floyd_steinberg(img, n_bits, serpentine=False):
    """The textbook double loop on a float numpy array."""
    img = np.asarray(img)
    if img.dtype != np.uint8 or img.ndim != 2:
        raise ValueError("img must be a 2-D uint8 image")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or not 1 <= n_bits <= 8:
        raise ValueError("n_bits must be 1..8")
    levels = 2 ** int(n_bits) - 1
    x = img.astype(np.float64)
    out = np.zeros(img.shape, dtype=np.uint8)
    h, w = x.shape
    for i in range(h):
        backwards = serpentine and i % 2 == 1
        for jj in range(w):
            j = w - 1 - jj if backwards else jj
            d = -1 if backwards else 1
            old = x[i, j]
            k = int(np.floor(old * levels / 255 + 0.5))
            k = max(0, min(levels, k))
            new = round(k * 255 / levels)
            out[i, j] = new
            err = old - new
            if 0 <= j + d < w:
                x[i, j + d] += err * 7 / 16
            if i + 1 < h:
                if 0 <= j - d < w:
                    x[i + 1, j - d] += err * 3 / 16
                x[i + 1, j] += err * 5 / 16
                if 0 <= j + d < w:
                    x[i + 1, j + d] += err * 1 / 16
    return out
''',
    "q8_kmeans_palette": '''
def kmeans_palette(pixels, k, n_iter, init):
    """Broadcast distances, a Python loop over the clusters for the update."""
    x = np.asarray(pixels, dtype=np.float64)
    if x.ndim != 2:
        raise ValueError("pixels must be (N, d)")
    centres = np.array(init, dtype=np.float64, copy=True)
    if centres.shape != (k, x.shape[1]):
        raise ValueError("init must be (k, d)")
    if n_iter < 0:
        raise ValueError("n_iter must be >= 0")
    old_labels = None
    for it in range(n_iter):
        labels = np.argmin(((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
        if old_labels is not None and (labels == old_labels).all():
            break
        for j in range(k):
            members = x[labels == j]
            if len(members):
                centres[j] = members.mean(axis=0)
        old_labels = labels
    labels = np.argmin(((x[:, None, :] - centres[None, :, :]) ** 2).sum(axis=2), axis=1)
    return centres, labels.astype(np.int64)
''',
    "q9_jpeg_quant_table": '''
def jpeg_quant_table(quality, base):
    """libjpeg's loops, entry by entry."""
    if isinstance(quality, bool) or not isinstance(quality, (int, np.integer)):
        raise ValueError("quality must be an integer")
    base = np.asarray(base)
    if base.shape != (8, 8):
        raise ValueError("base must be 8 x 8")
    quality = int(quality)
    if quality <= 0:
        quality = 1
    if quality > 100:
        quality = 100
    if quality < 50:
        scale = 5000 // quality
    else:
        scale = 200 - quality * 2
    table = np.zeros((8, 8), dtype=np.int64)
    for u in range(8):
        for v in range(8):
            temp = (int(base[u, v]) * scale + 50) // 100
            if temp <= 0:
                temp = 1
            if temp > 255:
                temp = 255
            table[u, v] = temp
    return table
''',
    "q10_jpeg_quantize_block": '''
def jpeg_quantize_block(coeffs, table):
    """Coefficient by coefficient, with the sign handled by hand as libjpeg does."""
    c = np.asarray(coeffs, dtype=np.float64)
    t = np.asarray(table)
    if t.shape != (8, 8) or c.ndim < 2 or c.shape[-2:] != (8, 8):
        raise ValueError("shapes")
    out = np.zeros(c.shape, dtype=np.int64)
    for index in np.ndindex(c.shape):
        value, step = float(c[index]), float(t[index[-2], index[-1]])
        if value < 0:
            out[index] = -math.floor(-value / step + 0.5)
        else:
            out[index] = math.floor(value / step + 0.5)
    return out
''',
    "q10_jpeg_dequantize_block": '''
def jpeg_dequantize_block(q, table):
    """Block by block."""
    q = np.asarray(q)
    t = np.asarray(table, dtype=np.float64)
    if t.shape != (8, 8) or q.ndim < 2 or q.shape[-2:] != (8, 8):
        raise ValueError("shapes")
    out = np.zeros(q.shape, dtype=np.float64)
    for index in np.ndindex(q.shape[:-2]):
        out[index] = q[index] * t
    return out
''',
    "q11_jpeg_roundtrip": '''
def jpeg_roundtrip(img, quality):
    """One block at a time."""
    img = np.asarray(img)
    if img.dtype != np.uint8 or img.ndim != 2:
        raise ValueError("img must be a 2-D uint8 image")
    table = jpeg_quant_table(quality, images.ANNEX_K_LUMINANCE)
    h, w = img.shape
    H, W = (h + 7) // 8 * 8, (w + 7) // 8 * 8
    padded = np.zeros((H, W))
    padded[:h, :w] = img
    padded[h:, :w] = img[-1, :]
    padded[:, w:] = padded[:, w - 1:w]
    out = np.zeros((H, W))
    for i in range(0, H, 8):
        for j in range(0, W, 8):
            coeffs = dctn(padded[i:i + 8, j:j + 8] - 128, norm="ortho")
            q = jpeg_quantize_block(coeffs, table)
            out[i:i + 8, j:j + 8] = idctn(jpeg_dequantize_block(q, table), norm="ortho") + 128
    return np.clip(np.round(out[:h, :w]), 0, 255).astype(np.uint8)
''',
}
