"""Correct answers written with plain Python loops over cells, samples and blocks."""

CELLS = {
    "q1_lloyd_max": """
def lloyd_max(pdf, support, n_levels, n_iter=10_000, tol=1e-10):
    if isinstance(n_levels, bool) or not isinstance(n_levels, (int, np.integer)) or n_levels < 1:
        raise ValueError("n_levels must be a positive integer")
    if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or n_iter < 0:
        raise ValueError("n_iter must be a non-negative integer")
    if tol < 0:
        raise ValueError("tol must not be negative")
    a, b = float(support[0]), float(support[1])
    if not (math.isfinite(a) and math.isfinite(b)) or b <= a:
        raise ValueError("bad support")
    m = 2**16
    h = (b - a) / m
    x = np.linspace(a, b, m + 1)
    p = np.asarray(pdf(x), dtype=float)
    if p.shape != x.shape or not np.all(np.isfinite(p)) or np.any(p < 0):
        raise ValueError("bad pdf values")
    P = np.zeros(m + 1)
    G = np.zeros(m + 1)
    H = np.zeros(m + 1)
    P[1:] = np.cumsum(h * (p[1:] + p[:-1]) / 2)
    G[1:] = np.cumsum(h * (x[1:] * p[1:] + x[:-1] * p[:-1]) / 2)
    H[1:] = np.cumsum(h * (x[1:] ** 2 * p[1:] + x[:-1] ** 2 * p[:-1]) / 2)
    if P[-1] <= 0:
        raise ValueError("the pdf is zero on the support")
    P, G, H = P / P[-1], G / P[-1], H / P[-1]

    def at(F, t):
        return float(np.interp(t, x, F))

    y = [float(v) for v in np.interp([(i + 0.5) / n_levels for i in range(n_levels)], P, x)]
    for _ in range(n_iter):
        edges = [a] + [(y[i] + y[i + 1]) / 2 for i in range(n_levels - 1)] + [b]
        new = []
        for i in range(n_levels):
            mass = at(P, edges[i + 1]) - at(P, edges[i])
            new.append((at(G, edges[i + 1]) - at(G, edges[i])) / mass if mass > 0 else y[i])
        moved = max(abs(u - v) for u, v in zip(new, y))
        y = new
        if moved <= tol:
            break
    edges = [a] + [(y[i] + y[i + 1]) / 2 for i in range(n_levels - 1)] + [b]
    mse = 0.0
    for i in range(n_levels):
        m0 = at(P, edges[i + 1]) - at(P, edges[i])
        m1 = at(G, edges[i + 1]) - at(G, edges[i])
        m2 = at(H, edges[i + 1]) - at(H, edges[i])
        mse += m2 - 2 * y[i] * m1 + y[i] ** 2 * m0
    return np.array(edges[1:-1]), np.array(y), float(mse)
""",
    "q3_lloyd_samples": """
def lloyd_samples(x, n_levels, n_iter, init):
    xs = [float(v) for v in np.asarray(x, dtype=float).ravel()]
    if not xs or any(not math.isfinite(v) for v in xs):
        raise ValueError("need finite samples")
    if isinstance(n_levels, bool) or not isinstance(n_levels, (int, np.integer)) or n_levels < 1:
        raise ValueError("n_levels must be a positive integer")
    if isinstance(n_iter, bool) or not isinstance(n_iter, (int, np.integer)) or n_iter < 0:
        raise ValueError("n_iter must be a non-negative integer")
    levels = [float(v) for v in np.asarray(init, dtype=float).ravel()]
    if np.ndim(init) != 1 or len(levels) != n_levels or any(not math.isfinite(v) for v in levels):
        raise ValueError("init must hold n_levels finite values")
    if any(levels[i + 1] <= levels[i] for i in range(n_levels - 1)):
        raise ValueError("init must be strictly increasing")
    samples = np.array(xs)
    labels = None
    for _ in range(n_iter):
        # nearest level by a loop over the levels; strict < keeps the lower index on ties
        new_labels = np.zeros(samples.size, dtype=int)
        best = np.abs(samples - levels[0])
        for i in range(1, n_levels):
            d = np.abs(samples - levels[i])
            closer = d < best
            new_labels[closer] = i
            best = np.where(closer, d, best)
        if labels is not None and np.array_equal(new_labels, labels):
            break
        labels = new_labels
        for i in range(n_levels):
            members = samples[labels == i]
            if members.size:
                levels[i] = float(np.sum(members)) / members.size
    levels = np.array(levels)
    return (levels[:-1] + levels[1:]) / 2, levels
""",
    "q4_share_weights": """
def share_weights(w, n_clusters, n_iter, init="linear"):
    w = np.asarray(w, dtype=float)
    if isinstance(init, str):
        if init != "linear":
            raise ValueError("unknown init")
        lo, hi = float(w.min()), float(w.max())
        init = [lo + i * (hi - lo) / (n_clusters - 1) for i in range(n_clusters)] if n_clusters > 1 else [lo]
    thresholds, codebook = lloyd_samples(w, n_clusters, n_iter, init)
    flat = w.ravel()
    indices = np.zeros(flat.size, dtype=np.int64)
    for j, v in enumerate(flat):
        k = 0
        while k < len(thresholds) and v > thresholds[k]:
            k += 1
        indices[j] = k
    return codebook, indices.reshape(w.shape)
""",
    "q5_shared_accuracy": """
shared_accuracy = ...
layers = []
for i in range(len(model.weights)):
    cb, idx = share_weights(model.weights[i], 16, 100, init="linear")
    layers.append(np.array([[cb[k] for k in row] for row in idx]))
correct = 0
predictions = model.with_weights(layers).predict(X_test)
for guess, truth in zip(predictions, y_test):
    correct += int(guess == truth)
shared_accuracy = correct / len(y_test)
""",
    "q6_entropy_bits": """
def entropy_bits(indices):
    values = np.asarray(indices).ravel().tolist()
    if not values:
        raise ValueError("no indices")
    counts = {}
    for v in values:
        if v != v:
            raise ValueError("NaN index")
        counts[v] = counts.get(v, 0) + 1
    n = len(values)
    h = 0.0
    for c in counts.values():
        h -= c / n * math.log2(c / n)
    return h + 0.0
""",
    "q7_gaussian_rd_bound": """
def gaussian_rd_bound(rate, variance=1.0):
    if not variance > 0:
        raise ValueError("variance must be positive")
    r = np.asarray(rate, dtype=float)
    out = np.empty(r.shape)
    for i, v in np.ndenumerate(r):
        if not (math.isfinite(v) and v >= 0):
            raise ValueError("rate must be non-negative")
        out[i] = variance * 2.0 ** (-2.0 * v)
    return float(out) if out.ndim == 0 else out


def gaussian_rate_for_distortion(distortion, variance=1.0):
    if not variance > 0:
        raise ValueError("variance must be positive")
    d = np.asarray(distortion, dtype=float)
    out = np.empty(d.shape)
    for i, v in np.ndenumerate(d):
        if not (math.isfinite(v) and v > 0):
            raise ValueError("distortion must be positive")
        out[i] = max(0.0, 0.5 * math.log2(variance / v))
    return float(out) if out.ndim == 0 else out
""",
    "q8_ecsq_gap": """
ecsq_samples = np.random.default_rng(2026).standard_normal(1_000_000)
ecsq_step = 1 / 8
ecsq_gap_db = ...
k = np.floor(ecsq_samples / ecsq_step + 0.5).astype(np.int64)
err = ecsq_samples - k * ecsq_step
d = float(np.dot(err, err) / err.size)
ecsq_gap_db = 10 * math.log10(d / gaussian_rd_bound(entropy_bits(k)))
""",
    "q10_jayant_quantize": """
def jayant_quantize(x, n_bits, multipliers, step0, step_min, step_max):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError("x must be 1-D and finite")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or n_bits < 1:
        raise ValueError("bad n_bits")
    L = 2**n_bits
    M = list(multipliers)
    if len(M) != L // 2 or any(not (math.isfinite(m) and m > 0) for m in M):
        raise ValueError("bad multipliers")
    if not (0 < step_min <= step0 <= step_max and math.isfinite(step_max)):
        raise ValueError("bad steps")
    idx, rec, steps = [], [], []
    step = step0
    for v in x:
        k = int(np.floor(v / step)) + L // 2
        if k < 0:
            k = 0
        if k > L - 1:
            k = L - 1
        idx.append(k)
        steps.append(step)
        rec.append((k - L // 2 + 0.5) * step)
        m = int(abs(k - L // 2 + 0.5) - 0.5)
        step = step * M[m]
        if step < step_min:
            step = step_min
        if step > step_max:
            step = step_max
    return np.array(idx, dtype=np.int64), np.array(rec, dtype=float), np.array(steps, dtype=float)
""",
    "q11_block_adaptive_quantize": """
def block_adaptive_quantize(x, n_bits, block):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError("x must be 1-D and finite")
    for v in (n_bits, block):
        if isinstance(v, bool) or not isinstance(v, (int, np.integer)) or v < 1:
            raise ValueError("n_bits and block must be positive integers")
    L = 2**n_bits
    idx = np.zeros(x.size, dtype=np.int64)
    rec = np.zeros(x.size)
    scales = []
    for start in range(0, x.size, block):
        seg = x[start:start + block]
        peak = max(abs(float(v)) for v in seg)
        scales.append(peak)
        for j, v in enumerate(seg):
            if peak == 0:
                idx[start + j] = L // 2
                rec[start + j] = 0.0
                continue
            step = 2 * peak / L
            k = min(max(math.floor(v / step) + L // 2, 0), L - 1)
            idx[start + j] = k
            rec[start + j] = (k - L // 2 + 0.5) * step
    return idx, rec, np.array(scales, dtype=float)
""",
    "q12_adpcm_encode": """
def adpcm_encode(x, n_bits, multipliers, step0, step_min, step_max, a=0.9):
    x = np.asarray(x, dtype=float)
    if x.ndim != 1 or not np.all(np.isfinite(x)):
        raise ValueError("x must be 1-D and finite")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or n_bits < 1:
        raise ValueError("bad n_bits")
    L = 2**n_bits
    M = list(multipliers)
    if len(M) != L // 2 or any(not (math.isfinite(m) and m > 0) for m in M):
        raise ValueError("bad multipliers")
    if not (0 < step_min <= step0 <= step_max and math.isfinite(step_max)):
        raise ValueError("bad steps")
    idx, rec = [], []
    step, last = step0, 0.0
    for v in x:
        pred = a * last
        k = min(max(int(np.floor((v - pred) / step)) + L // 2, 0), L - 1)
        last = pred + (k - L // 2 + 0.5) * step
        idx.append(k)
        rec.append(last)
        step = min(max(step * M[int(abs(k - L // 2 + 0.5) - 0.5)], step_min), step_max)
    return np.array(idx, dtype=np.int64), np.array(rec)
""",
    "q12_adpcm_decode": """
def adpcm_decode(indices, n_bits, multipliers, step0, step_min, step_max, a=0.9):
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or n_bits < 1:
        raise ValueError("bad n_bits")
    L = 2**n_bits
    k_all = np.asarray(indices)
    if k_all.ndim != 1 or k_all.dtype.kind not in "iu":
        raise ValueError("indices must be a 1-D integer array")
    M = list(multipliers)
    if len(M) != L // 2 or any(not (math.isfinite(m) and m > 0) for m in M):
        raise ValueError("bad multipliers")
    if not (0 < step_min <= step0 <= step_max and math.isfinite(step_max)):
        raise ValueError("bad steps")
    out = []
    step, last = step0, 0.0
    for k in k_all:
        k = int(k)
        if not 0 <= k < L:
            raise ValueError("index out of range")
        last = a * last + (k - L // 2 + 0.5) * step
        out.append(last)
        step = min(max(step * M[int(abs(k - L // 2 + 0.5) - 0.5)], step_min), step_max)
    return np.array(out)
""",
}
