"""Correct answers with numpy tricks: integer codes, batched draws, np.digitize, float32 where it is exact."""

CELLS = {
    "q1_requantize": '''
def requantize(x, n_bits):
    """Integer codes in int64, divided by the scale at the end (exact)."""
    if not (type(n_bits) in (int, np.int64, np.int32) and 0 < n_bits < 33):
        raise ValueError("n_bits must be an integer from 1 to 32")
    half = 1 << (int(n_bits) - 1)
    codes = np.clip(np.round(np.asarray(x, dtype=np.float64) * half), -half, half - 1).astype(np.int64)
    return codes / float(half)
''',
    "q2_rpdf_dither": """
def rpdf_dither(n, step, rng):
    rng = np.random.default_rng(rng)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError("n must be a non-negative integer")
    if step <= 0:
        raise ValueError("step must be positive")
    return rng.uniform(-0.5, 0.5, size=int(n)) * step
""",
    "q2_tpdf_dither": '''
def tpdf_dither(n, step, rng):
    """Both uniforms in one draw of shape (2, n), summed."""
    rng = np.random.default_rng(rng)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError("n must be a non-negative integer")
    if step <= 0:
        raise ValueError("step must be positive")
    return rng.uniform(-step / 2, step / 2, size=(2, int(n))).sum(axis=0)
''',
    "q3_dithered_requantize": """
def dithered_requantize(x, n_bits, kind, rng=None):
    rng = np.random.default_rng(rng)
    x = np.asarray(x, dtype=np.float64)
    if kind == "none":
        return requantize(x, n_bits)
    if kind not in ("rpdf", "tpdf"):
        raise ValueError("kind must be none, rpdf or tpdf")
    step = 1.0 / requantize(np.array(0.5), n_bits).dtype.type(2.0 ** (n_bits - 1))
    d = (rpdf_dither if kind == "rpdf" else tpdf_dither)(x.size, step, rng)
    return requantize(x + d.reshape(x.shape), n_bits)
""",
    "q5_noise_shaped_requantize": '''
def noise_shaped_requantize(x, n_bits, h=(1.0,)):
    """A ring buffer of past errors; the output clipped at the end in one numpy call."""
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or not 1 <= n_bits <= 32:
        raise ValueError("n_bits must be an integer from 1 to 32")
    x = np.asarray(x, dtype=np.float64)
    if x.ndim != 1:
        raise ValueError("x must be 1-D")
    taps = tuple(float(t) for t in np.ravel(h))
    scale = float(1 << (int(n_bits) - 1))
    ring = [0.0] * max(len(taps), 1)
    head = 0
    u = []
    for xn in x.tolist():
        v = xn
        for k, hk in enumerate(taps):
            v -= hk * ring[(head - 1 - k) % len(ring)]
        un = round(v * scale) / scale
        ring[head % len(ring)] = un - v
        head += 1
        u.append(un)
    return np.clip(np.array(u, dtype=np.float64), -1.0, 1.0 - 1.0 / scale)
''',
    "q7_mu_law_compress": """
def mu_law_compress(x, mu=255):
    x = np.asarray(x, dtype=np.float64)
    return np.sign(x) * np.log1p(mu * np.abs(x)) / np.log1p(mu)
""",
    "q7_mu_law_expand": """
def mu_law_expand(y, mu=255):
    y = np.asarray(y, dtype=np.float64)
    return np.sign(y) * (np.exp(np.abs(y) * np.log1p(mu)) - 1.0) / mu
""",
    "q7_a_law_compress": """
def a_law_compress(x, A=87.6):
    x = np.asarray(x, dtype=np.float64)
    ax = np.abs(x)
    with np.errstate(divide="ignore"):
        log_branch = (1.0 + np.log(A * ax)) / (1.0 + np.log(A))
    return np.sign(x) * np.where(A * ax < 1.0, A * ax / (1.0 + np.log(A)), log_branch)
""",
    "q7_a_law_expand": """
def a_law_expand(y, A=87.6):
    y = np.asarray(y, dtype=np.float64)
    ay = np.abs(y)
    k = 1.0 + np.log(A)
    return np.sign(y) * np.where(ay * k < 1.0, ay * k / A, np.exp(ay * k - 1.0) / A)
""",
    "q8_companded_requantize": """
def companded_requantize(x, n_bits, law="mu"):
    pairs = {"mu": (mu_law_compress, mu_law_expand), "A": (a_law_compress, a_law_expand)}
    try:
        forward, backward = pairs[law]
    except (KeyError, TypeError):
        raise ValueError("law must be 'mu' or 'A'") from None
    return backward(requantize(forward(x), n_bits))
""",
    "q9_mu_law_width_db": """
mu_law_width_db = ...
block = speech8[None, :] * 10.0 ** (gains_db[:, None] / 20)
out = companded_requantize(block, 8, "mu")
snr = 10 * np.log10(np.sum(block**2, axis=1) / np.sum((block - out) ** 2, axis=1))
i = int(np.argmax(snr))
t = snr[i] - 3.0
lo = i
while lo > 0 and snr[lo - 1] >= t:
    lo -= 1
hi = i
while hi + 1 < snr.size and snr[hi + 1] >= t:
    hi += 1
l_lo = levels_db[lo]
if lo > 0:
    l_lo -= (snr[lo] - t) / (snr[lo] - snr[lo - 1]) * (levels_db[lo] - levels_db[lo - 1])
l_hi = levels_db[hi]
if hi < snr.size - 1:
    l_hi += (snr[hi] - t) / (snr[hi] - snr[hi + 1]) * (levels_db[hi + 1] - levels_db[hi])
mu_law_width_db = float(l_hi - l_lo)
""",
    "q10_g711_ulaw_encode": '''
def g711_ulaw_encode(pcm16):
    """The 16-bit formulation: bias 0x84 = 4 * 33 on the one's-complement magnitude, clipped at 32635."""
    x = np.asarray(pcm16)
    if x.dtype.kind not in "iu":
        raise ValueError("integer samples only")
    x = x.astype(np.int64)
    if x.size and not (-32768 <= x.min() and x.max() <= 32767):
        raise ValueError("samples must be 16-bit")
    negative = x < 0
    magnitude = np.minimum(np.where(negative, -x - 1, x), 32635) + 0x84
    exponent = np.digitize(magnitude >> 7, [2, 4, 8, 16, 32, 64, 128])
    mantissa = (magnitude >> (exponent + 3)) & 0x0F
    byte = (negative.astype(np.int64) << 7) | (exponent << 4) | mantissa
    return (0xFF ^ byte).astype(np.uint8)
''',
    "q11_quantize_bands": """
def quantize_bands(coeffs, band_edges, steps):
    c = np.asarray(coeffs, dtype=np.float64)
    e = np.asarray(band_edges)
    s = np.asarray(steps, dtype=np.float64)
    if e.ndim != 1 or e.size < 2 or e[0] != 0 or e[-1] != c.shape[-1] or np.any(e[1:] <= e[:-1]):
        raise ValueError("band_edges must increase from 0 to M")
    if s.shape != c.shape[:-1] + (e.size - 1,) or not np.all(s > 0):
        raise ValueError("one positive step per band")
    out = np.empty(c.shape, dtype=np.int64)
    for b, (lo, hi) in enumerate(zip(e[:-1], e[1:])):
        out[..., lo:hi] = np.round(c[..., lo:hi] / s[..., b, None]).astype(np.int64)
    return out
""",
    "q11_steps_from_threshold": """
def steps_from_threshold(threshold):
    t = np.asarray(threshold, dtype=np.float64)
    if np.any(t < 0):
        raise ValueError("negative threshold")
    return np.sqrt(t) * np.sqrt(12.0)
""",
}
