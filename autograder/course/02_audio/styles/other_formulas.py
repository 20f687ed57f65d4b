"""Correct answers with other formulas: np.rint, log(1 + .), power laws, a threshold table for G.711."""

CELLS = {
    "q1_requantize": '''
def requantize(x, n_bits):
    """np.rint (ties to even) on the code scale; clip after."""
    import numbers
    if isinstance(n_bits, bool) or not isinstance(n_bits, numbers.Integral):
        raise ValueError("n_bits must be an integer")
    if n_bits < 1 or n_bits > 32:
        raise ValueError("n_bits must lie in 1..32")
    step = 2.0 ** (1 - int(n_bits))
    codes = np.rint(np.asarray(x, dtype=np.float64) / step)
    return np.minimum(np.maximum(codes, -1.0 / step), 1.0 / step - 1.0) * step
''',
    "q2_rpdf_dither": """
def rpdf_dither(n, step, rng):
    rng = np.random.default_rng(rng)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0 or not step > 0:
        raise ValueError("need n >= 0 and step > 0")
    return step * (rng.random(int(n)) - 0.5)
""",
    "q2_tpdf_dither": '''
def tpdf_dither(n, step, rng):
    """numpy's own triangular distribution on (-step, step) with its peak at 0."""
    rng = np.random.default_rng(rng)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0 or not step > 0:
        raise ValueError("need n >= 0 and step > 0")
    return rng.triangular(-step, 0.0, step, int(n))
''',
    "q3_dithered_requantize": """
def dithered_requantize(x, n_bits, kind, rng=None):
    rng = np.random.default_rng(rng)
    makers = {"none": None, "rpdf": rpdf_dither, "tpdf": tpdf_dither}
    if kind not in makers:
        raise ValueError(f"unknown dither kind {kind!r}")
    x = np.asarray(x, dtype=np.float64)
    if makers[kind] is None:
        return requantize(x, n_bits)
    requantize(x[:0], n_bits)  # validates n_bits
    return requantize(x + makers[kind](x.size, 2.0 ** (1 - n_bits), rng).reshape(x.shape), n_bits)
""",
    "q5_noise_shaped_requantize": '''
def noise_shaped_requantize(x, n_bits, h=(1.0,)):
    """The feedback sum as a dot product with the reversed error history."""
    requantize(0.0, n_bits)  # validates n_bits
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError("x must be 1-D")
    taps = np.asarray(h, dtype=np.float64).ravel()
    order = taps.size
    scale = 2.0 ** (n_bits - 1)
    history = np.zeros(order)  # history[k] = e[n-1-k]
    u = np.empty_like(x)
    for n in range(x.size):
        v = x[n] - (float(taps @ history) if order else 0.0)
        u[n] = np.round(v * scale) / scale
        if order:
            history = np.roll(history, 1)
            history[0] = u[n] - v
    return np.clip(u, -1.0, 1.0 - 1.0 / scale)
''',
    "q7_mu_law_compress": """
def mu_law_compress(x, mu=255):
    x = np.asarray(x, dtype=np.float64)
    return np.copysign(np.log(1.0 + mu * np.abs(x)) / np.log(1.0 + mu), x)
""",
    "q7_mu_law_expand": """
def mu_law_expand(y, mu=255):
    y = np.asarray(y, dtype=np.float64)
    return np.copysign((np.power(1.0 + mu, np.abs(y)) - 1.0) / mu, y)
""",
    "q7_a_law_compress": """
def a_law_compress(x, A=87.6):
    x = np.asarray(x, dtype=np.float64)
    ax = np.abs(x)
    out = np.empty_like(ax)
    small = ax < 1.0 / A
    out[small] = A * ax[small] / (1.0 + np.log(A))
    out[~small] = (1.0 + np.log(A) + np.log(ax[~small])) / (1.0 + np.log(A))
    return np.copysign(out, x)
""",
    "q7_a_law_expand": """
def a_law_expand(y, A=87.6):
    y = np.asarray(y, dtype=np.float64)
    ay = np.abs(y)
    k = 1.0 + np.log(A)
    out = np.empty_like(ay)
    small = ay < 1.0 / k
    out[small] = ay[small] * k / A
    out[~small] = np.exp(ay[~small] * k) / (A * np.e)
    return np.copysign(out, y)
""",
    "q8_companded_requantize": """
def companded_requantize(x, n_bits, law="mu"):
    if law not in ("mu", "A"):
        raise ValueError("law must be 'mu' or 'A'")
    compressed = mu_law_compress(x) if law == "mu" else a_law_compress(x)
    levels = requantize(compressed, n_bits)
    return mu_law_expand(levels) if law == "mu" else a_law_expand(levels)
""",
    "q9_mu_law_width_db": """
mu_law_width_db = ...
scaled = [speech8 * 10 ** (g / 20) for g in gains_db]
snr = np.array([metrics.snr_db(s, companded_requantize(s, 8)) for s in scaled])
top = int(np.argmax(snr))
goal = snr[top] - 3.0
below = np.flatnonzero(snr[:top] < goal)
above = np.flatnonzero(snr[top:] < goal) + top
lo_in = below[-1] + 1 if below.size else 0
hi_in = above[0] - 1 if above.size else snr.size - 1
left, right = levels_db[0], levels_db[-1]
if lo_in > 0:
    left = np.interp(goal, [snr[lo_in - 1], snr[lo_in]], [levels_db[lo_in - 1], levels_db[lo_in]])
if hi_in < snr.size - 1:
    right = np.interp(goal, [snr[hi_in + 1], snr[hi_in]], [levels_db[hi_in + 1], levels_db[hi_in]])
mu_law_width_db = float(right - left)
""",
    "q10_g711_ulaw_encode": '''
def g711_ulaw_encode(pcm16):
    """From the standard's decision thresholds: each biased magnitude falls in one of 128 intervals."""
    x = np.asarray(pcm16)
    if x.dtype.kind not in "iu":
        raise ValueError("integer samples only")
    x = x.astype(np.int64)
    if np.any(x < -32768) or np.any(x > 32767):
        raise ValueError("samples must be 16-bit")
    magnitude = np.where(x >= 0, x, -x - 1) // 4
    biased = np.clip(magnitude + 33, 0, 8191)
    segment = np.clip(np.floor(np.log2(biased)).astype(np.int64) - 5, 0, 7)
    mantissa = (biased - (1 << (segment + 5))) // (1 << (segment + 1))
    value = segment * 16 + mantissa
    return np.where(x < 0, 127 - value, 255 - value).astype(np.uint8)
''',
    "q11_quantize_bands": """
def quantize_bands(coeffs, band_edges, steps):
    c = np.asarray(coeffs, dtype=np.float64)
    edges = np.asarray(band_edges)
    s = np.asarray(steps, dtype=np.float64)
    ok = edges.ndim == 1 and edges.size >= 2 and edges[0] == 0 and edges[-1] == c.shape[-1]
    if not ok or np.any(np.diff(edges) <= 0):
        raise ValueError("band_edges must rise from 0 to M")
    if s.shape != c.shape[:-1] + (edges.size - 1,):
        raise ValueError("steps have the wrong shape")
    if np.any(s <= 0):
        raise ValueError("steps must be positive")
    band_of = np.searchsorted(edges, np.arange(c.shape[-1]), side="right") - 1
    return np.rint(c / s[..., band_of]).astype(np.int64)
""",
    "q11_steps_from_threshold": """
def steps_from_threshold(threshold):
    t = np.asarray(threshold, dtype=np.float64)
    if np.any(t < 0):
        raise ValueError("negative threshold")
    return 2.0 * np.sqrt(3.0 * t)
""",
}
