"""Correct answers written with numpy and scipy array operations (cumulative_trapezoid, reshapes, masks)."""

CELLS = {
    "q1_lloyd_max": """
from scipy.integrate import cumulative_trapezoid


def lloyd_max(pdf, support, n_levels, n_iter=10_000, tol=1e-10):
    if type(n_levels) is bool or not isinstance(n_levels, (int, np.integer)) or n_levels <= 0:
        raise ValueError("n_levels must be a positive integer")
    if type(n_iter) is bool or not isinstance(n_iter, (int, np.integer)) or n_iter < 0:
        raise ValueError("n_iter must be a non-negative integer")
    if not np.isfinite(tol) or tol < 0:
        raise ValueError("tol must be >= 0")
    a, b = np.asarray(support, dtype=float)
    if not (np.isfinite(a) and np.isfinite(b) and a < b):
        raise ValueError("support must be a finite interval")
    x = np.linspace(a, b, 2**16 + 1)
    p = np.asarray(pdf(x), dtype=float)
    if p.shape != x.shape or not np.isfinite(p).all() or (p < 0).any():
        raise ValueError("pdf values must be finite and non-negative")
    moments = cumulative_trapezoid(np.stack([p, x * p, x * x * p]), x, initial=0, axis=1)
    if moments[0, -1] <= 0:
        raise ValueError("the pdf vanishes on the support")
    P, G, H = moments / moments[0, -1]
    y = np.interp((np.arange(n_levels) + 0.5) / n_levels, P, x)

    def integrals(y):
        e = np.r_[a, (y[:-1] + y[1:]) / 2, b]
        return [np.diff(np.interp(e, x, F)) for F in (P, G, H)]

    for _ in range(n_iter):
        m0, m1, _m2 = integrals(y)
        y_new = np.where(m0 > 0, m1 / np.where(m0 > 0, m0, 1.0), y)
        change = np.abs(y_new - y).max()
        y = y_new
        if change <= tol:
            break
    m0, m1, m2 = integrals(y)
    return (y[:-1] + y[1:]) / 2, y, float(np.sum(m2 - 2 * y * m1 + y**2 * m0))
""",
    "q3_lloyd_samples": """
def lloyd_samples(x, n_levels, n_iter, init):
    x = np.asarray(x, dtype=float).reshape(-1)
    if x.size == 0 or not np.isfinite(x).all():
        raise ValueError("need finite samples")
    if type(n_levels) is bool or not isinstance(n_levels, (int, np.integer)) or n_levels <= 0:
        raise ValueError("n_levels must be a positive integer")
    if type(n_iter) is bool or not isinstance(n_iter, (int, np.integer)) or n_iter < 0:
        raise ValueError("n_iter must be a non-negative integer")
    c = np.asarray(init, dtype=float).copy()
    if c.shape != (n_levels,) or not np.isfinite(c).all() or not (np.diff(c) > 0).all():
        raise ValueError("init must be n_levels strictly increasing finite values")
    previous = None
    for _ in range(n_iter):
        labels = np.argmin(np.abs(x[:, None] - c[None, :]), axis=1)  # argmin keeps the first on ties
        if previous is not None and (labels == previous).all():
            break
        previous = labels
        one_hot = labels[:, None] == np.arange(n_levels)[None, :]
        counts = one_hot.sum(axis=0)
        sums = (one_hot * x[:, None]).sum(axis=0)
        c = np.where(counts > 0, sums / np.maximum(counts, 1), c)
    return (c[1:] + c[:-1]) / 2, c
""",
    "q4_share_weights": """
def share_weights(w, n_clusters, n_iter, init="linear"):
    arr = np.asarray(w, dtype=float)
    if isinstance(init, str) and init != "linear":
        raise ValueError("init must be 'linear' or an array")
    start = np.linspace(arr.min(), arr.max(), n_clusters) if isinstance(init, str) else init
    thresholds, codebook = lloyd_samples(arr, n_clusters, n_iter, start)
    labels = np.argmin(np.abs(arr.reshape(-1, 1) - codebook.reshape(1, -1)), axis=1)
    return codebook, labels.reshape(arr.shape).astype(np.int64)
""",
    "q5_shared_accuracy": """
shared_accuracy = ...
shared = [cb[idx] for cb, idx in (share_weights(w, 16, 100) for w in model.weights)]
shared_accuracy = float(np.mean(model.with_weights(shared).predict(X_test) == y_test))
""",
    "q6_entropy_bits": """
def entropy_bits(indices):
    k = np.asarray(indices).reshape(-1)
    if k.size == 0 or (k.dtype.kind == "f" and not np.isfinite(k).all()):
        raise ValueError("need finite indices")
    _, inverse = np.unique(k, return_inverse=True)
    p = np.bincount(inverse.reshape(-1)) / k.size  # every bin of the inverse occurs: no zero
    return float(-(p * np.log2(p)).sum()) + 0.0
""",
    "q7_gaussian_rd_bound": """
def gaussian_rd_bound(rate, variance=1.0):
    r = np.asarray(rate, dtype=float)
    if not (variance > 0) or not np.isfinite(r).all() or (r < 0).any():
        raise ValueError("need rate >= 0 and variance > 0")
    d = variance * np.exp2(-2 * r)
    return d.item() if d.ndim == 0 else d


def gaussian_rate_for_distortion(distortion, variance=1.0):
    d = np.asarray(distortion, dtype=float)
    if not (variance > 0) or not np.isfinite(d).all() or (d <= 0).any():
        raise ValueError("need distortion > 0 and variance > 0")
    r = np.clip(np.log2(variance / d) / 2, 0, None)
    return r.item() if r.ndim == 0 else r
""",
    "q8_ecsq_gap": """
ecsq_samples = np.random.default_rng(2026).standard_normal(1_000_000)
ecsq_step = 1 / 8
ecsq_gap_db = ...
k = np.floor(ecsq_samples / ecsq_step + 0.5).astype(np.int64)
mse = np.mean((ecsq_samples - ecsq_step * k) ** 2)
ecsq_gap_db = float(10 * np.log10(mse / gaussian_rd_bound(entropy_bits(k))))
""",
    "q10_jayant_quantize": """
def jayant_quantize(x, n_bits, multipliers, step0, step_min, step_max):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.isfinite(x).all():
        raise ValueError("x must be 1-D and finite")
    if type(n_bits) is bool or not isinstance(n_bits, (int, np.integer)) or n_bits <= 0:
        raise ValueError("n_bits must be a positive integer")
    half = 2 ** (n_bits - 1)
    M = np.asarray(multipliers, dtype=float)
    if M.shape != (half,) or not np.isfinite(M).all() or (M <= 0).any():
        raise ValueError("wrong multipliers")
    if not (0 < step_min <= step0 <= step_max < np.inf):
        raise ValueError("wrong steps")
    # the recursion is sequential; the table of magnitudes is precomputed
    magnitude_of = np.abs(np.arange(2 * half) - half + 0.5).astype(int)  # |k - L/2 + 1/2| - 1/2 = floor(...)
    steps = np.empty(x.size)
    k = np.empty(x.size, dtype=np.int64)
    s = float(step0)
    for n in range(x.size):
        steps[n] = s
        k[n] = np.clip(np.floor(x[n] / s) + half, 0, 2 * half - 1)
        s = float(np.clip(s * M[magnitude_of[k[n]]], step_min, step_max))
    return k, (k - half + 0.5) * steps, steps
""",
    "q11_block_adaptive_quantize": """
def block_adaptive_quantize(x, n_bits, block):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.isfinite(x).all():
        raise ValueError("x must be 1-D and finite")
    for v in (n_bits, block):
        if type(v) is bool or not isinstance(v, (int, np.integer)) or v <= 0:
            raise ValueError("n_bits and block must be positive integers")
    L = 2**n_bits
    n_blocks = int(np.ceil(x.size / block))
    padded = np.zeros(n_blocks * block)
    padded[: x.size] = x
    blocks = padded.reshape(n_blocks, block)
    scales = np.abs(blocks).max(axis=1)  # zero padding never raises a peak
    step = (2 * scales / L)[:, None]
    safe = np.where(step > 0, step, 1.0)
    k = np.clip(np.floor(blocks / safe) + L // 2, 0, L - 1)
    k = np.where(step > 0, k, L // 2).astype(np.int64)
    rec = np.where(step > 0, (k - L // 2 + 0.5) * step, 0.0)
    return k.reshape(-1)[: x.size], rec.reshape(-1)[: x.size], scales
""",
    "q12_adpcm_encode": """
def adpcm_encode(x, n_bits, multipliers, step0, step_min, step_max, a=0.9):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.isfinite(x).all():
        raise ValueError("x must be 1-D and finite")
    if type(n_bits) is bool or not isinstance(n_bits, (int, np.integer)) or n_bits <= 0:
        raise ValueError("n_bits must be a positive integer")
    half = 2 ** (n_bits - 1)
    M = np.asarray(multipliers, dtype=float)
    if M.shape != (half,) or not np.isfinite(M).all() or (M <= 0).any():
        raise ValueError("wrong multipliers")
    if not (0 < step_min <= step0 <= step_max < np.inf):
        raise ValueError("wrong steps")
    magnitude_of = np.abs(np.arange(2 * half) - half + 0.5).astype(int)
    k = np.empty(x.size, dtype=np.int64)
    xhat = np.empty(x.size)
    s, last = float(step0), 0.0
    for n in range(x.size):
        p = a * last
        k[n] = np.clip(np.floor((x[n] - p) / s) + half, 0, 2 * half - 1)
        last = p + (k[n] - half + 0.5) * s
        xhat[n] = last
        s = float(np.clip(s * M[magnitude_of[k[n]]], step_min, step_max))
    return k, xhat
""",
    "q12_adpcm_decode": """
def adpcm_decode(indices, n_bits, multipliers, step0, step_min, step_max, a=0.9):
    if type(n_bits) is bool or not isinstance(n_bits, (int, np.integer)) or n_bits <= 0:
        raise ValueError("n_bits must be a positive integer")
    half = 2 ** (n_bits - 1)
    k = np.asarray(indices)
    if k.ndim != 1 or k.dtype.kind not in "iu" or (k < 0).any() or (k >= 2 * half).any():
        raise ValueError("indices must be integers in 0..L-1")
    M = np.asarray(multipliers, dtype=float)
    if M.shape != (half,) or not np.isfinite(M).all() or (M <= 0).any():
        raise ValueError("wrong multipliers")
    if not (0 < step_min <= step0 <= step_max < np.inf):
        raise ValueError("wrong steps")
    magnitude_of = np.abs(np.arange(2 * half) - half + 0.5).astype(int)
    xhat = np.empty(k.size)
    s, last = float(step0), 0.0
    for n in range(k.size):
        last = a * last + (int(k[n]) - half + 0.5) * s
        xhat[n] = last
        s = float(np.clip(s * M[magnitude_of[k[n]]], step_min, step_max))
    return xhat
""",
}
