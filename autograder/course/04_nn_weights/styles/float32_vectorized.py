"""Correct answers in vectorized NumPy, computing in float32 wherever the text allows it."""

CELLS = {
    "q4_quantize_per_channel": '''def quantize_per_channel(w, n_bits=8, axis=0):
    # float32 throughout, as ONNX Runtime: scales float32(absmax / qmax), codes round(w / s) in float32
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2 or isinstance(axis, bool) or axis not in (0, 1, -1, -2):
        raise ValueError("w must be 2-D and axis 0 or 1")
    if isinstance(n_bits, bool) or not isinstance(n_bits, (int, np.integer)) or not 2 <= n_bits <= 32:
        raise ValueError("bad n_bits")
    qmax = 2 ** (n_bits - 1) - 1
    absmax = np.max(np.abs(w), axis=1 - axis % 2)
    scales = np.where(absmax > 0, absmax / np.float32(qmax), np.float32(1.0)).astype(np.float32)
    s = scales[:, None] if axis % 2 == 0 else scales[None, :]
    return np.clip(np.rint(w / s), -qmax, qmax).astype(np.int8 if n_bits <= 8 else np.int32), scales
''',
    "q6_quantized_accuracy": '''def quantized_accuracy(weights, n_bits, per_channel):
    def one(w):
        rows = w if per_channel else w.reshape(1, -1)
        q, s = quantize_per_channel(rows, n_bits)
        return (q.astype(np.float32) * s[:, None]).reshape(w.shape)   # dequantized in float32
    quantized = model.with_weights([one(np.asarray(w, dtype=np.float32)) for w in weights])
    return float(np.mean(quantized.predict(X_test) == y_test))
''',
    "q6_accuracy_table": '''table_bits = [8, 6, 4, 3, 2]
accuracy_table = np.array([[quantized_accuracy(model.weights, b, pc) for pc in (False, True)]
                           for b in table_bits],
                          dtype=np.float32)
print(accuracy_table)
''',
    "q12_quantize_groups": '''def quantize_groups(w, group_size=32, n_bits=4):
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2 or w.shape[1] % group_size:
        raise ValueError("rows must split into groups")
    qmax = 2 ** (n_bits - 1) - 1
    g = w.reshape(w.shape[0], w.shape[1] // group_size, group_size)
    absmax = np.abs(g).max(axis=-1)
    scales = np.where(absmax > 0, absmax / np.float32(qmax), np.float32(1)).astype(np.float32)
    q = np.clip(np.rint(g / scales[..., None]), -qmax, qmax)
    return q.reshape(w.shape).astype(np.int8), scales
''',
    "q11_round_to_float_format": '''def round_to_float_format(x, exp_bits, man_bits, saturate):
    # the exponent from log2 and ldexp, the rounding with rint; float64 (exact) arithmetic
    x = np.asarray(x, dtype=np.float64)
    bias = 2 ** (exp_bits - 1) - 1
    fn = exp_bits == 4 and man_bits == 3
    largest = 448.0 if fn else np.ldexp(2.0 - 2.0**-man_bits, bias)
    a = np.abs(x)
    with np.errstate(divide="ignore", invalid="ignore"):
        e = np.floor(np.log2(np.where(np.isfinite(a) & (a > 0), a, 1.0)))
    e = np.where(np.ldexp(1.0, e.astype(int)) > a, e - 1, e)          # guard log2 rounding up
    e = np.where(np.ldexp(1.0, (e + 1).astype(int)) <= a, e + 1, e)   # and rounding down
    step = np.ldexp(1.0, (np.maximum(e, 1 - bias) - man_bits).astype(int))
    r = np.where(np.isfinite(a), np.rint(np.where(np.isfinite(a), a, 0) / step) * step, np.inf)
    over = r > largest
    r[over] = largest if saturate else (np.nan if fn else np.inf)
    r = np.copysign(r, x)
    r[np.isnan(x)] = np.nan
    return r
''',
    "q12_normal_float_levels": '''def normal_float_levels(n_bits=4, offset=0.9677083):
    ppf = np.vectorize(NormalDist().inv_cdf)
    half = 2 ** (n_bits - 1)
    pos = ppf(np.linspace(offset, 0.5, half + 1)[:-1])
    neg = -ppf(np.linspace(offset, 0.5, half)[:-1])
    v = np.sort(np.concatenate([neg, [0.0], pos]))
    return v / pos.max()
''',
    "q8_multiply_by_quantized_multiplier": '''def multiply_by_quantized_multiplier(acc, multiplier, shift):
    acc = np.asarray(acc)
    if not np.issubdtype(acc.dtype, np.integer):
        raise ValueError("acc must be integers")
    a = acc.astype(np.int64)
    m = np.asarray(multiplier, dtype=np.int64)
    s = np.asarray(shift, dtype=np.int64)
    x = a * 2 ** np.clip(s, 0, None)
    if (np.abs(x) > 2**31).any() or (x == 2**31).any():
        raise ValueError("acc * 2**shift overflows int32")
    p = x * m
    v = p + np.where(p >= 0, 2**30, 1 - 2**30)
    high = np.sign(v) * (np.abs(v) // 2**31)          # truncation toward zero
    e = np.clip(-s, 0, None)
    half = np.where(e > 0, 2 ** np.maximum(e - 1, 0), 0)
    # round half away from zero: floor((|h| + half) / 2**e) with the sign put back
    return np.where(e > 0, np.sign(high) * ((np.abs(high) + half) // 2**e), high)
''',
}
