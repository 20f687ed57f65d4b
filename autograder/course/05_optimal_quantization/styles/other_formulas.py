"""Correct answers with other, equivalent formulas: np.digitize, np.add.accumulate, log(p)/log(2), helpers."""

CELLS = {
    "q1_lloyd_max": """
def lloyd_max(pdf, support, n_levels, n_iter=10_000, tol=1e-10):
    if isinstance(n_levels, bool) or int(n_levels) != n_levels or n_levels < 1:
        raise ValueError("n_levels must be a positive integer")
    if isinstance(n_iter, bool) or int(n_iter) != n_iter or n_iter < 0:
        raise ValueError("n_iter must be a non-negative integer")
    if not tol >= 0:
        raise ValueError("tol must be >= 0")
    lo, hi = support
    if not (np.isfinite(lo) and np.isfinite(hi)) or not lo < hi:
        raise ValueError("support must be a finite interval")
    n_levels, grid = int(n_levels), np.linspace(lo, hi, 65537)
    dens = np.asarray(pdf(grid), dtype=float)
    if dens.shape != grid.shape or not np.all(np.isfinite(dens)) or np.any(dens < 0):
        raise ValueError("bad pdf")
    width = (hi - lo) / 65536

    def running(f):  # integral from lo to every grid point, trapezoids added up
        return np.add.accumulate(np.concatenate(([0.0], (f[1:] + f[:-1]) * (width / 2))))

    mass = running(dens)[-1]
    if mass == 0:
        raise ValueError("the pdf is zero on the support")
    cdf, first, second = running(dens) / mass, running(grid * dens) / mass, running(grid**2 * dens) / mass
    levels = np.interp(np.linspace(0.5 / n_levels, 1 - 0.5 / n_levels, n_levels), cdf, grid)
    if n_levels == 1:
        levels = np.interp([0.5], cdf, grid)
    for _ in range(n_iter):
        cut = np.interp(np.hstack([lo, (levels[1:] + levels[:-1]) / 2, hi]), grid, cdf)
        moment = np.interp(np.hstack([lo, (levels[1:] + levels[:-1]) / 2, hi]), grid, first)
        p_cell, m_cell = cut[1:] - cut[:-1], moment[1:] - moment[:-1]
        updated = levels.copy()
        updated[p_cell > 0] = m_cell[p_cell > 0] / p_cell[p_cell > 0]
        stop = np.max(np.abs(updated - levels)) <= tol
        levels = updated
        if stop:
            break
    edges = np.hstack([lo, (levels[1:] + levels[:-1]) / 2, hi])
    p_cell, m_cell, s_cell = (np.diff(np.interp(edges, grid, f)) for f in (cdf, first, second))
    return edges[1:-1], levels, float(np.sum(s_cell - 2 * levels * m_cell + levels * levels * p_cell))
""",
    "q3_lloyd_samples": """
def lloyd_samples(x, n_levels, n_iter, init):
    samples = np.asarray(x, dtype=np.float64).flatten()
    if samples.size < 1 or np.isnan(samples).any() or np.isinf(samples).any():
        raise ValueError("x must be finite and non-empty")
    if isinstance(n_levels, bool) or int(n_levels) != n_levels or n_levels < 1:
        raise ValueError("n_levels must be a positive integer")
    if isinstance(n_iter, bool) or int(n_iter) != n_iter or n_iter < 0:
        raise ValueError("n_iter must be a non-negative integer")
    centres = np.array(init, dtype=np.float64, copy=True)
    if centres.ndim != 1 or len(centres) != n_levels or not np.all(np.isfinite(centres)):
        raise ValueError("init must hold n_levels values")
    if n_levels > 1 and np.min(np.diff(centres)) <= 0:
        raise ValueError("init must be strictly increasing")
    last = None
    it = 0
    while it < n_iter:
        labels = np.digitize(samples, (centres[1:] + centres[:-1]) / 2, right=True)  # t[i-1] < x <= t[i]
        if last is not None and np.all(labels == last):
            break
        for i in np.unique(labels):
            centres[i] = np.mean(samples[labels == i])
        last = labels
        it += 1
    return (centres[1:] + centres[:-1]) / 2, centres
""",
    "q4_share_weights": """
def share_weights(w, n_clusters, n_iter, init="linear"):
    w = np.asarray(w, dtype=np.float64)
    if type(init) is str:
        if init == "linear":
            init = w.min() + (w.max() - w.min()) * np.linspace(0.0, 1.0, n_clusters)
        else:
            raise ValueError("init must be 'linear' or an array")
    t, codebook = lloyd_samples(w.flatten(), n_clusters, n_iter, init)
    return codebook, np.digitize(w, t, right=True).astype(np.int64)
""",
    "q5_shared_accuracy": """
shared_accuracy = ...
new_weights = []
for layer in model.weights:
    book, labels = share_weights(layer, n_clusters=16, n_iter=100, init="linear")
    new_weights.append(np.take(book, labels))
shared_accuracy = model.with_weights(new_weights).accuracy(X_test, y_test)
""",
    "q6_entropy_bits": """
def entropy_bits(indices):
    labels = np.asarray(indices)
    if labels.size == 0:
        raise ValueError("empty")
    if not np.all(np.isfinite(labels.astype(float))):
        raise ValueError("not finite")
    counts = np.unique(labels.flatten(), return_counts=True)[1]
    probabilities = counts / counts.sum()
    return abs(float(-np.sum(probabilities * np.log(probabilities)) / np.log(2)))
""",
    "q7_gaussian_rd_bound": """
def gaussian_rd_bound(rate, variance=1.0):
    rate = np.asarray(rate, dtype=float)
    if np.any(~np.isfinite(rate)) or np.any(rate < 0) or variance <= 0:
        raise ValueError("bad arguments")
    out = variance * np.power(4.0, -rate)
    return float(out) if np.ndim(out) == 0 else out


def gaussian_rate_for_distortion(distortion, variance=1.0):
    d = np.asarray(distortion, dtype=float)
    if np.any(~np.isfinite(d)) or np.any(d <= 0) or variance <= 0:
        raise ValueError("bad arguments")
    out = np.where(d >= variance, 0.0, np.log2(variance) / 2 - np.log2(d) / 2)
    return float(out) if np.ndim(out) == 0 else out
""",
    "q8_ecsq_gap": """
ecsq_samples = np.random.default_rng(2026).standard_normal(1_000_000)
ecsq_step = 1 / 8
ecsq_gap_db = ...
labels = np.floor(ecsq_samples / ecsq_step + 0.5).astype(np.int64)
rate = entropy_bits(labels)
error_power = np.mean((labels * ecsq_step - ecsq_samples) ** 2)
ecsq_gap_db = 10 * np.log10(error_power) - 10 * np.log10(gaussian_rd_bound(rate))
""",
    "q10_jayant_quantize": '''
def _check_adaptive(n_bits, multipliers, step0, step_min, step_max):
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or n_bits < 1:
        raise ValueError("n_bits must be a positive integer")
    m = [float(v) for v in np.asarray(multipliers, dtype=float).ravel()]
    if np.ndim(multipliers) != 1 or len(m) != 2 ** (n_bits - 1) or min(m, default=0.0) <= 0:
        raise ValueError("multipliers must hold 2**(n_bits - 1) positive values")
    if not all(math.isfinite(v) for v in m) or not (0 < step_min <= step0 <= step_max < math.inf):
        raise ValueError("bad steps or multipliers")
    return 2**n_bits, m


def _adapt(step, k, half, m, step_min, step_max):
    """The step for the next sample after index k."""
    return min(step_max, max(step_min, step * m[abs(2 * (k - half) + 1) // 2]))


def jayant_quantize(x, n_bits, multipliers, step0, step_min, step_max):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError("x must be 1-D and finite")
    n_levels, m = _check_adaptive(n_bits, multipliers, step0, step_min, step_max)
    half = n_levels // 2
    k_out, y_out, s_out = [], [], []
    step = step0
    for value in x.tolist():
        k = max(0, min(n_levels - 1, half + math.floor(value / step)))
        k_out.append(k)
        s_out.append(step)
        y_out.append(step * (k - half + 0.5))
        step = _adapt(step, k, half, m, step_min, step_max)
    return np.array(k_out, dtype=np.int64), np.array(y_out), np.array(s_out)
''',
    "q11_block_adaptive_quantize": """
def block_adaptive_quantize(x, n_bits, block):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError("x must be 1-D and finite")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or n_bits < 1:
        raise ValueError("n_bits must be a positive integer")
    if isinstance(block, bool) or not isinstance(block, (int, np.integer)) or block < 1:
        raise ValueError("block must be a positive integer")
    half = 2 ** (n_bits - 1)
    pieces = [x[i:i + block] for i in range(0, x.size, block)]
    scales = np.array([np.max(np.abs(p)) for p in pieces], dtype=float)
    ks, ys = [], []
    for p, s in zip(pieces, scales):
        if s == 0:
            ks.append(np.full(p.size, half))
            ys.append(np.zeros(p.size))
        else:
            k = np.minimum(np.maximum(np.floor(p / (s / half)) + half, 0), 2 * half - 1)
            ks.append(k)
            ys.append((k - half + 0.5) * (s / half))
    if not pieces:
        return np.zeros(0, dtype=np.int64), np.zeros(0), scales
    return np.concatenate(ks).astype(np.int64), np.concatenate(ys), scales
""",
    "q12_adpcm_encode": """
def adpcm_encode(x, n_bits, multipliers, step0, step_min, step_max, a=0.9):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError("x must be 1-D and finite")
    n_levels, m = _check_adaptive(n_bits, multipliers, step0, step_min, step_max)
    half = n_levels // 2
    k_out, y_out = [], []
    step, xhat = step0, 0.0
    for value in x.tolist():
        guess = a * xhat
        k = max(0, min(n_levels - 1, half + math.floor((value - guess) / step)))
        xhat = guess + step * (k - half + 0.5)
        k_out.append(k)
        y_out.append(xhat)
        step = _adapt(step, k, half, m, step_min, step_max)
    return np.array(k_out, dtype=np.int64), np.array(y_out)
""",
    "q12_adpcm_decode": """
def adpcm_decode(indices, n_bits, multipliers, step0, step_min, step_max, a=0.9):
    n_levels, m = _check_adaptive(n_bits, multipliers, step0, step_min, step_max)
    k_all = np.asarray(indices)
    if k_all.ndim != 1 or not np.issubdtype(k_all.dtype, np.integer):
        raise ValueError("indices must be a 1-D array of integers")
    if k_all.size and (k_all.min() < 0 or k_all.max() >= n_levels):
        raise ValueError("indices must lie in 0..L-1")
    half = n_levels // 2
    out, step, xhat = [], step0, 0.0
    for k in k_all.tolist():
        xhat = a * xhat + step * (k - half + 0.5)
        out.append(xhat)
        step = _adapt(step, k, half, m, step_min, step_max)
    return np.array(out)
""",
}
