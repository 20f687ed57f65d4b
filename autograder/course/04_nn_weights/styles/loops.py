"""Correct answers written with plain Python loops and scalar arithmetic."""

CELLS = {
    "q1_affine_qparams": '''def affine_qparams(x_min, x_max, n_bits=8, signed=True):
    if type(n_bits) is bool or not isinstance(n_bits, (int, np.integer)) or n_bits < 2 or n_bits > 32:
        raise ValueError("bad n_bits")
    if not (math.isfinite(x_min) and math.isfinite(x_max)) or x_min > x_max:
        raise ValueError("bad range")
    qmin = -(2 ** (n_bits - 1)) if signed else 0
    qmax = qmin + 2**n_bits - 1
    lo = x_min if x_min < 0 else 0.0
    hi = x_max if x_max > 0 else 0.0
    if lo == hi:
        return 1.0, 0
    scale = (hi - lo) / (qmax - qmin)
    z = round(qmin - lo / scale)  # Python's round: half to even
    z = max(qmin, min(qmax, z))
    return scale, z
''',
    "q2_symmetric_qparams": '''def symmetric_qparams(absmax, n_bits=8):
    if type(n_bits) is bool or not isinstance(n_bits, (int, np.integer)) or not 2 <= n_bits <= 32:
        raise ValueError("bad n_bits")
    if not math.isfinite(absmax) or absmax < 0:
        raise ValueError("bad absmax")
    if absmax == 0:
        return 1.0, 0
    return absmax / (2 ** (n_bits - 1) - 1), 0
''',
    "q3_affine_quantize": '''def affine_quantize(x, scale, zero_point, qmin, qmax):
    x = np.asarray(x, dtype=np.float64)
    s = np.broadcast_to(np.asarray(scale, dtype=np.float64), np.broadcast_shapes(x.shape, np.shape(scale)))
    x = np.broadcast_to(x, s.shape)
    if qmin > qmax:
        raise ValueError("qmin > qmax")
    out = np.empty(s.shape, dtype=np.int64)
    for idx in np.ndindex(s.shape):
        v, sc = float(x[idx]), float(s[idx])
        if not math.isfinite(v):
            raise ValueError("x is not finite")
        if not (math.isfinite(sc) and sc > 0):
            raise ValueError("bad scale")
        q = round(v / sc) + zero_point
        out[idx] = min(qmax, max(qmin, q))
    return out
''',
    "q3_affine_dequantize": '''def affine_dequantize(q, scale, zero_point):
    q = np.asarray(q)
    if not np.issubdtype(q.dtype, np.integer):
        raise ValueError("codes must be integers")
    s = np.asarray(scale, dtype=np.float64)
    shape = np.broadcast_shapes(q.shape, s.shape)
    qb, sb = np.broadcast_to(q, shape), np.broadcast_to(s, shape)
    out = np.empty(shape)
    for idx in np.ndindex(shape):
        out[idx] = float(sb[idx]) * (int(qb[idx]) - int(zero_point))
    return out
''',
    "q4_quantize_per_channel": '''def quantize_per_channel(w, n_bits=8, axis=0):
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2 or axis not in (0, 1, -1, -2) or type(axis) is bool:
        raise ValueError("bad input")
    rows = w if axis % 2 == 0 else w.T
    qmax = 2 ** (n_bits - 1) - 1
    q = np.zeros(rows.shape, dtype=np.int64)
    scales = np.zeros(rows.shape[0], dtype=np.float32)
    for i, row in enumerate(rows):
        scales[i] = np.float32(symmetric_qparams(float(np.max(np.abs(row))), n_bits)[0])
        q[i] = affine_quantize(row, scales[i], 0, -qmax, qmax)
    if axis % 2 == 1:
        q = q.T
    return q.astype(np.int8 if n_bits <= 8 else np.int32), scales
''',
    "q6_quantized_accuracy": '''def quantized_accuracy(weights, n_bits, per_channel):
    new = []
    for w in weights:
        if per_channel:
            q, s = quantize_per_channel(w, n_bits)
            new.append(affine_dequantize(q, s[:, None], 0).astype(np.float32))
        else:
            q, s = quantize_per_channel(np.asarray(w).reshape(1, -1), n_bits)
            new.append(affine_dequantize(q, s[:, None], 0).reshape(np.shape(w)).astype(np.float32))
    correct = 0
    predictions = model.with_weights(new).predict(X_test)
    for p, t in zip(predictions, y_test):
        correct += int(p == t)
    return correct / len(y_test)
''',
    "q6_accuracy_table": '''table_bits = [8, 6, 4, 3, 2]
rows = []
for b in table_bits:
    per_tensor = quantized_accuracy(model.weights, b, per_channel=False)
    per_channel = quantized_accuracy(model.weights, b, per_channel=True)
    rows.append([per_tensor, per_channel])
accuracy_table = np.array(rows)
print(accuracy_table)
''',
    "q7_calibrate_range": '''def calibrate_range(activations, method, **params):
    a = np.asarray(activations, dtype=np.float64).reshape(-1)
    if a.size == 0 or not np.isfinite(a).all():
        raise ValueError("bad activations")
    if method == "minmax":
        if params:
            raise TypeError("no parameters")
        return float(np.min(a)), float(np.max(a))
    if method == "percentile":
        if set(params) - {"p"}:
            raise TypeError("only p")
        p = params.get("p", 99.99)
        if p <= 50 or p > 100:
            raise ValueError("bad p")
        return float(np.percentile(a, 100 - p)), float(np.percentile(a, p))
    if method == "mse":
        if set(params) - {"n_grid", "n_bits"}:
            raise TypeError("only n_grid, n_bits")
        n_grid, n_bits = params.get("n_grid", 100), params.get("n_bits", 8)
        lo, hi = min(float(np.min(a)), 0.0), max(float(np.max(a)), 0.0)
        absmax = max(-lo, hi)
        best_err, best = None, None
        k = 1
        while k <= n_grid:
            t = absmax * k / n_grid
            cand = (max(lo, -t), min(hi, t))
            s, z = affine_qparams(cand[0], cand[1], n_bits)
            q = affine_quantize(a, s, z, -(2 ** (n_bits - 1)), 2 ** (n_bits - 1) - 1)
            err = float(np.mean((affine_dequantize(q, s, z) - a) ** 2))
            if best_err is None or err < best_err:
                best_err, best = err, cand
            k += 1
        return float(best[0]), float(best[1])
    raise ValueError("unknown method")
''',
    "q8_quantize_multiplier": '''def quantize_multiplier(m):
    if not (math.isfinite(m) and m >= 0):
        raise ValueError("bad multiplier")
    if m == 0:
        return 0, 0
    shift = 0
    while m >= 1.0:
        m /= 2.0
        shift += 1
    while m < 0.5:
        m *= 2.0
        shift -= 1
    q = int(math.floor(m * 2**31 + 0.5))
    if q == 2**31:
        q, shift = q // 2, shift + 1
    if shift < -31:
        return 0, 0
    return q, shift
''',
    "q8_multiply_by_quantized_multiplier": '''def multiply_by_quantized_multiplier(acc, multiplier, shift):
    acc = np.asarray(acc)
    if acc.dtype.kind not in "iu":
        raise ValueError("integers only")
    shape = np.broadcast_shapes(acc.shape, np.shape(multiplier), np.shape(shift))
    A = np.broadcast_to(acc, shape)
    Mu = np.broadcast_to(np.asarray(multiplier), shape)
    S = np.broadcast_to(np.asarray(shift), shape)
    out = np.empty(shape, dtype=np.int64)
    for idx in np.ndindex(shape):
        a, m, s = int(A[idx]), int(Mu[idx]), int(S[idx])
        x = a * 2 ** max(s, 0)
        if not -(2**31) <= x < 2**31:
            raise ValueError("overflow")
        p = x * m
        nudge = 2**30 if p >= 0 else 1 - 2**30
        v = p + nudge
        high = v // 2**31 if v >= 0 else -((-v) // 2**31)  # C division truncates toward zero
        e = max(-s, 0)
        mask = 2**e - 1
        rem = high & mask
        thr = (mask >> 1) + (1 if high < 0 else 0)
        out[idx] = (high >> e) + (1 if rem > thr else 0)
    return out
''',
    "q9_int8_linear": '''def int8_linear(xq, x_scale, x_zp, wq, w_scale, bias, out_scale, out_zp):
    xq, wq = np.asarray(xq), np.asarray(wq)
    if xq.dtype.kind not in "iu" or wq.dtype.kind not in "iu":
        raise ValueError("codes must be integers")
    if wq.ndim != 2 or xq.shape[-1] != wq.shape[1]:
        raise ValueError("shapes do not match")
    single = xq.ndim == 1
    X = np.atleast_2d(xq).astype(np.int64)
    n_out = wq.shape[0]
    scales = np.broadcast_to(np.asarray(w_scale, dtype=np.float64), (n_out,))
    out = np.empty((X.shape[0], n_out), dtype=np.int8)
    for j in range(n_out):
        mult, sh = quantize_multiplier(float(x_scale) * float(scales[j]) / float(out_scale))
        bq = int(np.round(float(bias[j]) / (float(x_scale) * float(scales[j]))))
        for n in range(X.shape[0]):
            acc = 0
            for k in range(wq.shape[1]):
                acc += (int(X[n, k]) - int(x_zp)) * int(wq[j, k])
            y = int(multiply_by_quantized_multiplier(np.array([acc + bq]), mult, sh)[0]) + int(out_zp)
            out[n, j] = min(127, max(-128, y))
    return out[0] if single else out
''',
    "q11_round_to_float_format": '''def round_to_float_format(x, exp_bits, man_bits, saturate):
    x = np.asarray(x, dtype=np.float64)
    bias = 2 ** (exp_bits - 1) - 1
    e_min = 1 - bias
    fn = (exp_bits, man_bits) == (4, 3)
    top = 448.0 if fn else (2 - 2.0**-man_bits) * 2.0**bias
    out = np.empty(x.shape)
    for idx in np.ndindex(x.shape):
        v = float(x[idx])
        if math.isnan(v):
            out[idx] = math.nan
            continue
        if math.isinf(v):
            r = top if saturate else (math.nan if fn else math.inf)
            out[idx] = math.copysign(r, v)
            continue
        if v == 0:
            out[idx] = v
            continue
        m, k = math.frexp(abs(v))
        step = 2.0 ** (max(k - 1, e_min) - man_bits)
        r = round(abs(v) / step) * step  # Python's round: half to even
        if r > top:
            r = top if saturate else (math.nan if fn else math.inf)
        out[idx] = math.copysign(r, v)
    return out
''',
    "q12_quantize_groups": '''def quantize_groups(w, group_size=32, n_bits=4):
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2 or w.shape[1] % group_size != 0:
        raise ValueError("rows must split into whole groups")
    qmax = 2 ** (n_bits - 1) - 1
    n_groups = w.shape[1] // group_size
    q = np.zeros(w.shape, dtype=np.int64)
    scales = np.zeros((w.shape[0], n_groups), dtype=np.float32)
    for i in range(w.shape[0]):
        for g in range(n_groups):
            block = w[i, g * group_size:(g + 1) * group_size]
            scales[i, g] = np.float32(symmetric_qparams(float(np.max(np.abs(block))), n_bits)[0])
            q[i, g * group_size:(g + 1) * group_size] = affine_quantize(block, scales[i, g], 0, -qmax, qmax)
    return q.astype(np.int8), scales
''',
    "q12_normal_float_levels": '''def normal_float_levels(n_bits=4, offset=0.9677083):
    nd = NormalDist()
    half = 2 ** (n_bits - 1)
    values = [0.0]
    for p in np.linspace(offset, 0.5, half + 1)[:-1]:
        values.append(nd.inv_cdf(float(p)))
    for p in np.linspace(offset, 0.5, half)[:-1]:
        values.append(-nd.inv_cdf(float(p)))
    values.sort()
    top = max(values)
    return np.array([v / top for v in values])
''',
}
