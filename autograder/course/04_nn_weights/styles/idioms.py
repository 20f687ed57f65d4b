"""Correct answers with other NumPy idioms: np.where chains, einsum, integer bit tricks, math.ldexp."""

CELLS = {
    "q1_affine_qparams": '''def affine_qparams(x_min, x_max, n_bits=8, signed=True):
    ok_bits = not isinstance(n_bits, bool) and isinstance(n_bits, (int, np.integer)) and 2 <= n_bits <= 32
    if not ok_bits or not np.isfinite([x_min, x_max]).all() or x_min > x_max:
        raise ValueError("bad arguments")
    qmin = np.where(signed, -(2 ** (n_bits - 1)), 0).item()
    qmax = qmin + (1 << n_bits) - 1
    lo, hi = min(0.0, x_min), max(0.0, x_max)
    if hi == lo:
        return 1.0, 0
    scale = (hi - lo) / (qmax - qmin)
    return scale, int(min(max(np.round(qmin - lo / scale), qmin), qmax))
''',
    "q2_symmetric_qparams": '''def symmetric_qparams(absmax, n_bits=8):
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or n_bits not in range(2, 33):
        raise ValueError("n_bits")
    a = float(absmax)
    if a < 0 or a != a or a == float("inf"):
        raise ValueError("absmax")
    return (a / ((1 << (n_bits - 1)) - 1) if a else 1.0), 0
''',
    "q3_affine_quantize": '''def affine_quantize(x, scale, zero_point, qmin, qmax):
    x, s = np.broadcast_arrays(np.asarray(x, dtype=np.float64), np.asarray(scale, dtype=np.float64))
    if qmin > qmax or np.isnan(x).any() or np.isinf(x).any() or not (s > 0).all() or np.isinf(s).any():
        raise ValueError("bad arguments")
    q = np.rint(x / s).astype(np.int64) + zero_point
    return np.where(q < qmin, qmin, np.where(q > qmax, qmax, q))
''',
    "q3_affine_dequantize": '''def affine_dequantize(q, scale, zero_point):
    codes = np.asarray(q)
    if codes.dtype.kind not in "iu":
        raise ValueError("integer codes only")
    return np.multiply(scale, np.subtract(codes, zero_point, dtype=np.int64), dtype=np.float64)
''',
    "q4_quantize_per_channel": '''def quantize_per_channel(w, n_bits=8, axis=0):
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2 or isinstance(axis, bool) or axis not in (0, 1, -1, -2):
        raise ValueError("bad w or axis")
    moved = np.moveaxis(w, axis, 0)                  # channels first
    scales = np.array([symmetric_qparams(float(np.abs(c).max()), n_bits)[0] for c in moved], np.float32)
    qmax = (1 << (n_bits - 1)) - 1
    q = affine_quantize(moved, scales[:, None], 0, -qmax, qmax)
    return np.moveaxis(q, 0, axis).astype(np.int8 if n_bits <= 8 else np.int32), scales
''',
    "q6_quantized_accuracy": '''def quantized_accuracy(weights, n_bits, per_channel):
    def fake(w):
        if per_channel:
            q, s = quantize_per_channel(w, n_bits)
            return affine_dequantize(q, np.expand_dims(s, 1), 0)
        s = np.float32(symmetric_qparams(np.abs(w).max(), n_bits)[0])
        qmax = 2 ** (n_bits - 1) - 1
        return affine_dequantize(affine_quantize(w, s, 0, -qmax, qmax), s, 0)
    logits = model.with_weights(list(map(fake, weights))).forward(X_test)
    return float((logits.argmax(axis=1) == y_test).sum() / y_test.size)
''',
    "q6_accuracy_table": '''table_bits = [8, 6, 4, 3, 2]
accuracy_table = np.zeros((len(table_bits), 2))
for i, b in enumerate(table_bits):
    for j in range(2):
        accuracy_table[i, j] = quantized_accuracy(list(model.weights), b, bool(j))
''',
    "q7_calibrate_range": '''def calibrate_range(activations, method, **params):
    a = np.asarray(activations, dtype=float).flatten()
    if a.size < 1 or not np.all(np.isfinite(a)):
        raise ValueError("activations")
    defaults = {"minmax": {}, "percentile": {"p": 99.99}, "mse": {"n_grid": 100, "n_bits": 8}}
    if method not in defaults:
        raise ValueError("method")
    unknown = set(params) - set(defaults[method])
    if unknown:
        raise TypeError(f"unknown parameters {unknown}")
    opts = {**defaults[method], **params}
    if method == "minmax":
        return float(np.amin(a)), float(np.amax(a))
    if method == "percentile":
        if opts["p"] <= 50 or opts["p"] > 100:
            raise ValueError("p")
        return tuple(float(v) for v in np.percentile(a, [100 - opts["p"], opts["p"]]))
    n_grid, n_bits = opts["n_grid"], opts["n_bits"]
    lo, hi = np.minimum(a.min(), 0.0), np.maximum(a.max(), 0.0)
    top = max(-lo, hi)
    best, best_err = None, np.inf
    for k in range(1, n_grid + 1):
        t = top * k / n_grid
        cand = (float(np.maximum(lo, -t)), float(np.minimum(hi, t)))
        s, z = affine_qparams(*cand, n_bits)
        q = affine_quantize(a, s, z, -(1 << (n_bits - 1)), (1 << (n_bits - 1)) - 1)
        err = np.square(affine_dequantize(q, s, z) - a).mean()
        if err < best_err:
            best, best_err = cand, err
    return best
''',
    "q8_quantize_multiplier": '''def quantize_multiplier(m):
    if not math.isfinite(m) or m < 0:
        raise ValueError("multiplier")
    if m == 0.0:
        return 0, 0
    mantissa, exponent = np.frexp(np.float64(m))
    q = int(np.floor(np.ldexp(mantissa, 31) + 0.5))
    exponent = int(exponent)
    if q == 1 << 31:
        q >>= 1
        exponent += 1
    return (q, exponent) if exponent >= -31 else (0, 0)
''',
    "q8_multiply_by_quantized_multiplier": '''def multiply_by_quantized_multiplier(acc, multiplier, shift):
    acc = np.asarray(acc)
    if acc.dtype.kind not in "iu":
        raise ValueError("integers")
    a = acc.astype(np.int64)
    shift = np.asarray(shift)
    x = np.left_shift(a, np.maximum(shift, 0))
    if ((x < -2**31) | (x >= 2**31)).any():
        raise ValueError("int32 overflow")
    p = x * np.asarray(multiplier, dtype=np.int64)
    v = p + np.where(p < 0, 1 - 2**30, 2**30)
    high = np.sign(v) * (np.abs(v) // 2**31)          # integer division truncating toward zero
    right = np.maximum(-shift, 0)
    div = np.left_shift(np.int64(1), right)
    # round half away from zero of high / 2**right, with integers only
    q, r = np.divmod(np.abs(high), div)
    return np.sign(high) * (q + (2 * r >= div) * (div > 1))
''',
    "q9_int8_linear": '''def int8_linear(xq, x_scale, x_zp, wq, w_scale, bias, out_scale, out_zp):
    x, w = np.asarray(xq), np.asarray(wq)
    if x.dtype.kind not in "iu" or w.dtype.kind not in "iu":
        raise ValueError("integer codes")
    if w.ndim != 2 or x.shape[-1] != w.shape[1]:
        raise ValueError("shape mismatch")
    acc = np.einsum("...k,jk->...j", x.astype(np.int64) - x_zp, w.astype(np.int64))
    ws = np.full(w.shape[0], 1.0) * np.asarray(w_scale, dtype=np.float64)
    acc = acc + np.round(np.asarray(bias, float) / (x_scale * ws)).astype(np.int64)
    mq = np.array([quantize_multiplier(x_scale * s / out_scale) for s in ws], dtype=np.int64)
    out = multiply_by_quantized_multiplier(acc, mq[:, 0], mq[:, 1]) + out_zp
    return out.clip(-128, 127).astype(np.int8)
''',
    "q11_round_to_float_format": '''def round_to_float_format(x, exp_bits, man_bits, saturate):
    x = np.asarray(x, dtype=np.float64)
    out = np.empty_like(x)
    bias = (1 << (exp_bits - 1)) - 1
    fn = (exp_bits, man_bits) == (4, 3)
    biggest = 448.0 if fn else math.ldexp(2 - math.ldexp(1, -man_bits), bias)
    flat, res = x.reshape(-1), out.reshape(-1)
    for i, v in enumerate(flat):
        if not math.isfinite(v):
            res[i] = v if (math.isnan(v) or not (saturate or fn)) else (
                math.copysign(biggest, v) if saturate else math.nan)
            continue
        e = math.frexp(v)[1] - 1 if v else 0
        step = math.ldexp(1.0, max(e, 1 - bias) - man_bits)
        r = math.copysign(float(np.round(abs(v) / step)) * step, v)
        if abs(r) > biggest:
            r = math.copysign(biggest, v) if saturate else (math.nan if fn else math.copysign(math.inf, v))
        res[i] = r
    return out
''',
    "q12_quantize_groups": '''def quantize_groups(w, group_size=32, n_bits=4):
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2 or w.shape[1] % group_size != 0:
        raise ValueError("rows do not split into groups")
    n_out, n_in = w.shape
    blocks = w.reshape(n_out * n_in // group_size, group_size)
    scales = np.array([symmetric_qparams(np.abs(b).max(), n_bits)[0] for b in blocks], np.float32)
    qmax = (1 << (n_bits - 1)) - 1
    q = affine_quantize(blocks, scales[:, None], 0, -qmax, qmax)
    return q.reshape(n_out, n_in).astype(np.int8), scales.reshape(n_out, n_in // group_size)
''',
    "q12_normal_float_levels": '''def normal_float_levels(n_bits=4, offset=0.9677083):
    inv = NormalDist(0.0, 1.0).inv_cdf
    k = 1 << (n_bits - 1)
    pos = np.array([inv(p) for p in np.linspace(offset, 0.5, k + 1)])[:-1]
    neg = -np.array([inv(p) for p in np.linspace(offset, 0.5, k)])[:-1]
    levels = np.unique(np.concatenate([pos, neg, [0.0]]))   # sorted
    return levels / levels[-1]
''',
}
