"""Correct answers with other, equivalent formulas (Decimal, Fraction, bit tricks, explicit cases)."""

CELLS = {
    "q1_affine_qparams": '''def affine_qparams(x_min, x_max, n_bits=8, signed=True):
    if isinstance(n_bits, bool) or int(n_bits) != n_bits or not 2 <= n_bits <= 32:
        raise ValueError(f"bad n_bits {n_bits!r}")
    lo, hi = float(x_min), float(x_max)
    if np.isnan(lo) or np.isnan(hi) or np.isinf(lo) or np.isinf(hi) or lo > hi:
        raise ValueError("bad range")
    levels = 2 ** int(n_bits)
    qmin = -(levels // 2) if signed else 0
    lo, hi = np.minimum(lo, 0.0), np.maximum(hi, 0.0)
    if hi - lo == 0:
        return 1.0, 0
    scale = float((hi - lo) / (levels - 1))
    return scale, int(np.clip(np.rint(qmin - lo / scale), qmin, qmin + levels - 1))
''',
    "q2_symmetric_qparams": '''def symmetric_qparams(absmax, n_bits=8):
    if isinstance(n_bits, bool) or int(n_bits) != n_bits or not 2 <= n_bits <= 32:
        raise ValueError("bad n_bits")
    if not np.isfinite(absmax) or absmax < 0:
        raise ValueError("bad absmax")
    qmax = (1 << (int(n_bits) - 1)) - 1
    return (float(absmax) / qmax, 0) if absmax > 0 else (1.0, 0)
''',
    "q3_affine_quantize": '''def affine_quantize(x, scale, zero_point, qmin, qmax):
    if qmin > qmax:
        raise ValueError("qmin > qmax")
    s = np.asarray(scale, dtype=float)
    if not (np.isfinite(s).all() and (s > 0).all()):
        raise ValueError("bad scale")
    u = np.divide(np.asarray(x, dtype=float), s)
    if not np.isfinite(u).all():
        raise ValueError("x must be finite")
    return np.minimum(np.maximum(np.rint(u).astype(np.int64) + int(zero_point), qmin), qmax)
''',
    "q3_affine_dequantize": '''def affine_dequantize(q, scale, zero_point):
    q = np.asarray(q)
    if not np.issubdtype(q.dtype, np.integer):
        raise ValueError("q must be integer codes")
    difference = (q.astype(np.int64) - np.int64(zero_point)).astype(np.float64)
    return difference * np.asarray(scale, dtype=np.float64)
''',
    "q8_quantize_multiplier": '''def quantize_multiplier(m):
    from fractions import Fraction
    if not (math.isfinite(m) and m >= 0):
        raise ValueError("bad multiplier")
    if m == 0:
        return 0, 0
    f = Fraction(m)                       # exact value of the double
    shift = math.floor(math.log2(m)) + 1
    while Fraction(2) ** shift <= f:
        shift += 1
    while Fraction(2) ** (shift - 1) > f:
        shift -= 1                        # now m = m0 * 2**shift with m0 in [1/2, 1)
    scaled = f / Fraction(2) ** shift * 2**31
    q = math.floor(scaled + Fraction(1, 2))   # half away from zero (scaled > 0)
    if q == 2**31:
        q, shift = 2**30, shift + 1
    return (0, 0) if shift < -31 else (q, shift)
''',
    "q9_int8_linear": '''def int8_linear(xq, x_scale, x_zp, wq, w_scale, bias, out_scale, out_zp):
    xq, wq = np.asarray(xq), np.asarray(wq)
    if not (np.issubdtype(xq.dtype, np.integer) and np.issubdtype(wq.dtype, np.integer)):
        raise ValueError("integer codes only")
    if wq.ndim != 2 or xq.shape[-1] != wq.shape[-1]:
        raise ValueError("shapes")
    ws = np.asarray(w_scale, dtype=np.float64) * np.ones(wq.shape[0])
    # sum q_x q_w - Z_x sum q_w: the zero-point term folded into the bias, as kernels do
    acc = xq.astype(np.int64) @ wq.astype(np.int64).T - int(x_zp) * wq.astype(np.int64).sum(axis=1)
    acc = acc + np.rint(np.asarray(bias, dtype=np.float64) / (float(x_scale) * ws)).astype(np.int64)
    mult, sh = zip(*(quantize_multiplier(float(x_scale) * s / float(out_scale)) for s in ws))
    y = multiply_by_quantized_multiplier(acc, np.array(mult), np.array(sh)) + int(out_zp)
    return np.clip(y, -128, 127).astype(np.int8)
''',
    "q7_calibrate_range": '''def calibrate_range(activations, method, **params):
    a = np.ravel(np.asarray(activations, dtype=np.float64))
    if not a.size or np.isnan(a).any() or np.isinf(a).any():
        raise ValueError("need finite activations")
    allowed = {"minmax": set(), "percentile": {"p"}, "mse": {"n_grid", "n_bits"}}
    if method not in allowed:
        raise ValueError(f"unknown method {method!r}")
    if set(params) - allowed[method]:
        raise TypeError(f"unexpected parameters {set(params) - allowed[method]}")
    if method == "minmax":
        return float(a.min()), float(a.max())
    if method == "percentile":
        p = params.get("p", 99.99)
        if not (50 < p <= 100):
            raise ValueError("p out of range")
        lo, hi = np.percentile(a, [100 - p, p])
        return float(lo), float(hi)
    n_grid, n_bits = params.get("n_grid", 100), params.get("n_bits", 8)
    lo, hi = min(a.min(), 0.0), max(a.max(), 0.0)
    ts = max(-lo, hi) * np.arange(1, n_grid + 1) / n_grid
    cands = [(max(lo, -t), min(hi, t)) for t in ts]
    errs = []
    for c in cands:
        s, z = affine_qparams(c[0], c[1], n_bits)
        d = affine_dequantize(affine_quantize(a, s, z, -(2 ** (n_bits - 1)), 2 ** (n_bits - 1) - 1), s, z)
        errs.append(np.mean((d - a) ** 2))
    best = cands[int(np.argmin(errs))]            # argmin: the first on ties
    return float(best[0]), float(best[1])
''',
}
