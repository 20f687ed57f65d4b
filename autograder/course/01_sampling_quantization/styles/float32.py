"""Correct answers computing in float32 where the text allows it (clip-factor errors, float32 alias input)."""

# The text fixes float64 for the instants t, the quantizer's u and its levels, so those stay float64;
# the clip-factor search only compares powers, which float32 holds to about 1e-7. The SQNR fit (q6) is
# computed in float32 too: q6 says nothing about the precision, and float32 powers move the fitted
# offset by about 4e-6 dB and the slope by 3e-7 (q6 once compared to 1e-6 dB and failed this; now 1e-4).

CELLS = {
    "q1_sample": '''
def sample(signal, fs, duration):
    """Float64 instants (the text asks for them), built from an int index vector."""
    n = np.arange(int(round(float(duration) * float(fs))), dtype=np.int64)
    t = n.astype(np.float64) / np.float64(fs)
    return t, signal(t)
''',
    "q2_alias_frequency": '''
def alias_frequency(f, fs):
    """|f - fs round(f / fs)| in the dtype of f: float32 frequencies give float32 answers."""
    f = np.asanyarray(f)
    if not np.issubdtype(f.dtype, np.floating):
        f = f.astype(np.float64)
    fs = f.dtype.type(fs)
    out = np.abs(f - fs * np.round(f / fs))
    return out if out.ndim else out[()]
''',
    "q3_quantize_indices": '''
def _steps(n_bits, x_min, x_max, mode):
    if type(n_bits) is bool or not np.issubdtype(type(n_bits), np.integer) or n_bits <= 0:
        raise ValueError(f"n_bits must be a positive integer (got {n_bits!r})")
    if x_max <= x_min:
        raise ValueError(f"need x_min < x_max (got x_min={x_min}, x_max={x_max})")
    if mode not in {"midrise", "midtread"}:
        raise ValueError(f"mode={mode!r} is not 'midrise' or 'midtread'")
    n_levels = 2 ** int(n_bits)
    return n_levels, (np.float64(x_max) - np.float64(x_min)) / n_levels


def quantize_indices(x, n_bits, x_min, x_max, mode="midrise"):
    """Float32 input is widened to float64 first, so it gives the indices of the same float64 values."""
    n_levels, step = _steps(n_bits, x_min, x_max, mode)
    x64 = np.asarray(x).astype(np.float64)  # float32 values widen exactly
    shift = 0.5 if mode == "midtread" else 0.0
    k = np.floor((x64 - np.float64(x_min)) / step + shift)
    return np.clip(k, 0, n_levels - 1).astype(np.int64)
''',
    "q3_dequantize": '''
def dequantize(k, n_bits, x_min, x_max, mode="midrise"):
    """Float64 levels (the text asks for them)."""
    n_levels, step = _steps(n_bits, x_min, x_max, mode)
    k = np.clip(np.asarray(k, dtype=np.int64), 0, n_levels - 1)
    shift = 0.5 if mode == "midrise" else 0.0
    return np.float64(x_min) + (k + shift) * step
''',
    "q4_quantize_uniform": '''
def quantize_uniform(x, n_bits, x_min, x_max, mode="midrise"):
    """Encoder then decoder; float64 levels whatever the input dtype."""
    k = quantize_indices(x, n_bits, x_min, x_max, mode=mode)
    return np.asarray(dequantize(k, n_bits, x_min, x_max, mode=mode), dtype=np.float64)
''',
    "q7_best_clip_factor": '''
def best_clip_factor(x, n_bits, factors):
    """The squared errors in float32; the first candidate of smallest mean wins."""
    x = np.asarray(x)
    sigma = float(np.std(x.astype(np.float64)))
    best_c, best_mse = None, np.float32(np.inf)
    for c in factors:
        e32 = (quantize_uniform(x, n_bits, -float(c) * sigma, float(c) * sigma) - x).astype(np.float32)
        mse = np.mean(e32 * e32, dtype=np.float32)
        if mse < best_mse:
            best_c, best_mse = float(c), mse
    return best_c
''',
    "q6_sqnr_fit": """
sqnr_bits = np.arange(8, 17)
sqnr_test_signal = np.sin(2 * np.pi * 997.0 * np.arange(8000) / 8000.0)
sqnr_slope = sqnr_offset = ...  # replace the ... by your fitted values below
signal32 = sqnr_test_signal.astype(np.float32)
sqnr32 = []
for b in sqnr_bits:
    error32 = (sqnr_test_signal - quantize_uniform(sqnr_test_signal, int(b), -1.0, 1.0)).astype(np.float32)
    sqnr32.append(np.float32(10) * np.log10(np.mean(signal32 * signal32) / np.mean(error32 * error32)))
sqnr32 = np.array(sqnr32, dtype=np.float32)
slope32, offset32 = np.polyfit(sqnr_bits.astype(np.float32), sqnr32, 1)
sqnr_slope, sqnr_offset = float(slope32), float(offset32)
print(f"fitted: {sqnr_slope} dB per bit and {sqnr_offset} dB")
""",
}
