"""Correct answers written as plain Python loops, one sample at a time."""

CELLS = {
    "q1_requantize": '''
import math


def requantize(x, n_bits):
    """Loop over the samples; Python's round() rounds half to even."""
    if type(n_bits) is bool or not isinstance(n_bits, (int, np.integer)) or n_bits < 1 or n_bits > 32:
        raise ValueError("n_bits must be an integer from 1 to 32")
    scale = 2 ** (int(n_bits) - 1)
    arr = np.asarray(x, dtype=float)
    out = []
    for value in arr.ravel().tolist():
        k = round(value * scale)
        k = min(max(k, -scale), scale - 1)
        out.append(k / scale)
    return np.array(out, dtype=np.float64).reshape(arr.shape)
''',
    "q2_rpdf_dither": '''
def rpdf_dither(n, step, rng):
    """One value at a time from rng.random()."""
    rng = np.random.default_rng(rng)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError("n must be a non-negative integer")
    if step <= 0:
        raise ValueError("step must be positive")
    return np.array([(rng.random() - 0.5) * step for _ in range(int(n))], dtype=np.float64)
''',
    "q2_tpdf_dither": '''
def tpdf_dither(n, step, rng):
    """Two uniform values per sample, added."""
    rng = np.random.default_rng(rng)
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)) or n < 0:
        raise ValueError("n must be a non-negative integer")
    if step <= 0:
        raise ValueError("step must be positive")
    values = []
    for _ in range(int(n)):
        values.append((rng.random() - 0.5) * step + (rng.random() - 0.5) * step)
    return np.array(values, dtype=np.float64)
''',
    "q3_dithered_requantize": '''
def dithered_requantize(x, n_bits, kind, rng=None):
    """Checks first, then one call of the dither function."""
    rng = np.random.default_rng(rng)
    if kind == "none":
        return requantize(x, n_bits)
    if kind == "rpdf":
        draw = rpdf_dither
    elif kind == "tpdf":
        draw = tpdf_dither
    else:
        raise ValueError("unknown kind")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or not 1 <= n_bits <= 32:
        raise ValueError("bad n_bits")
    arr = np.asarray(x, dtype=float)
    d = np.reshape(draw(arr.size, 2.0 / 2 ** n_bits, rng), arr.shape)
    return requantize(arr + d, n_bits)
''',
    "q5_noise_shaped_requantize": '''
def noise_shaped_requantize(x, n_bits, h=(1.0,)):
    """An explicit error history e[0], e[1], ... and the sum written out."""
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or not 1 <= n_bits <= 32:
        raise ValueError("bad n_bits")
    arr = np.asarray(x, dtype=float)
    if arr.ndim != 1:
        raise ValueError("x must be 1-D")
    taps = list(h)
    scale = 2.0 ** (n_bits - 1)
    errors = []
    out = []
    for n in range(arr.size):
        v = float(arr[n])
        for k in range(len(taps)):
            if n - 1 - k >= 0:
                v = v - taps[k] * errors[n - 1 - k]
        u = round(v * scale) / scale
        errors.append(u - v)
        out.append(min(max(u, -1.0), 1.0 - 1.0 / scale))
    return np.array(out, dtype=np.float64)
''',
    "q7_mu_law_compress": """
import math


def mu_law_compress(x, mu=255):
    arr = np.asarray(x, dtype=float)
    out = [math.copysign(math.log(1 + mu * abs(v)) / math.log(1 + mu), v) if v != 0 else 0.0
           for v in arr.ravel().tolist()]
    return np.array(out).reshape(arr.shape)
""",
    "q7_mu_law_expand": """
def mu_law_expand(y, mu=255):
    arr = np.asarray(y, dtype=float)
    out = [math.copysign(((1 + mu) ** abs(v) - 1) / mu, v) if v != 0 else 0.0 for v in arr.ravel().tolist()]
    return np.array(out).reshape(arr.shape)
""",
    "q7_a_law_compress": """
def a_law_compress(x, A=87.6):
    arr = np.asarray(x, dtype=float)
    out = []
    for v in arr.ravel().tolist():
        a = abs(v)
        if a < 1 / A:
            c = A * a / (1 + math.log(A))
        else:
            c = (1 + math.log(A * a)) / (1 + math.log(A))
        out.append(math.copysign(c, v) if v != 0 else 0.0)
    return np.array(out).reshape(arr.shape)
""",
    "q7_a_law_expand": """
def a_law_expand(y, A=87.6):
    arr = np.asarray(y, dtype=float)
    out = []
    for v in arr.ravel().tolist():
        a = abs(v)
        if a < 1 / (1 + math.log(A)):
            e = a * (1 + math.log(A)) / A
        else:
            e = math.exp(a * (1 + math.log(A)) - 1) / A
        out.append(math.copysign(e, v) if v != 0 else 0.0)
    return np.array(out).reshape(arr.shape)
""",
    "q8_companded_requantize": """
def companded_requantize(x, n_bits, law="mu"):
    curves = {"mu": (mu_law_compress, mu_law_expand), "A": (a_law_compress, a_law_expand)}
    if law not in curves:
        raise ValueError("law must be 'mu' or 'A'")
    compress, expand = curves[law]
    return expand(requantize(compress(x), n_bits))
""",
    "q9_mu_law_width_db": """
mu_law_width_db = ...
snr_list = []
for g in gains_db:
    x_g = speech8 * 10 ** (g / 20)
    snr_list.append(metrics.snr_db(x_g, companded_requantize(x_g, 8, "mu")))
best_i = max(range(len(snr_list)), key=lambda i: snr_list[i])
target = snr_list[best_i] - 3
i = best_i
while i - 1 >= 0 and snr_list[i - 1] >= target:
    i -= 1
if i == 0:
    low_level = levels_db[0]
else:
    s_in, s_out = snr_list[i], snr_list[i - 1]
    low_level = levels_db[i] + (levels_db[i - 1] - levels_db[i]) * (s_in - target) / (s_in - s_out)
j = best_i
while j + 1 < len(snr_list) and snr_list[j + 1] >= target:
    j += 1
if j == len(snr_list) - 1:
    high_level = levels_db[-1]
else:
    s_in, s_out = snr_list[j], snr_list[j + 1]
    high_level = levels_db[j] + (levels_db[j + 1] - levels_db[j]) * (s_in - target) / (s_in - s_out)
mu_law_width_db = float(high_level - low_level)
""",
    "q10_g711_ulaw_encode": '''
def g711_ulaw_encode(pcm16):
    """G.191's loop, sample by sample, with Python ints."""
    arr = np.asarray(pcm16)
    if arr.dtype.kind not in "iu":
        raise ValueError("integers only")
    out = []
    for v in arr.ravel().tolist():
        if v < -32768 or v > 32767:
            raise ValueError("out of range")
        absno = ((~v) >> 2) + 33 if v < 0 else (v >> 2) + 33
        absno = min(absno, 0x1FFF)
        i = absno >> 6
        segno = 1
        while i != 0:
            segno += 1
            i >>= 1
        code = ((8 - segno) << 4) | (15 - ((absno >> segno) & 0xF))
        if v >= 0:
            code |= 0x80
        out.append(code)
    return np.array(out, dtype=np.uint8).reshape(arr.shape)
''',
    "q11_quantize_bands": """
def quantize_bands(coeffs, band_edges, steps):
    c = np.asarray(coeffs, dtype=float)
    edges = [int(e) for e in np.asarray(band_edges).tolist()]
    s = np.asarray(steps, dtype=float)
    rising = all(b > a for a, b in zip(edges, edges[1:]))
    if len(edges) < 2 or edges[0] != 0 or edges[-1] != c.shape[-1] or not rising:
        raise ValueError("bad band edges")
    if s.shape != c.shape[:-1] + (len(edges) - 1,) or np.any(s <= 0):
        raise ValueError("bad steps")
    out = np.zeros(c.shape, dtype=np.int64)
    for b in range(len(edges) - 1):
        lo, hi = edges[b], edges[b + 1]
        out[..., lo:hi] = np.round(c[..., lo:hi] / s[..., b:b + 1])
    return out
""",
    "q11_steps_from_threshold": """
def steps_from_threshold(threshold):
    t = np.asarray(threshold, dtype=float)
    if (t < 0).any():
        raise ValueError("negative threshold")
    return (12 * t) ** 0.5
""",
}
