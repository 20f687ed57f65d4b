"""Correct answers written with whole-array numpy operations (the formulas of the text, vectorized)."""


CELLS = {
    "q1_sample": '''
def sample(signal, fs, duration):
    """t = n / fs for n = 0 .. N - 1, N = round(duration * fs); x = signal(t)."""
    n = np.arange(int(np.round(duration * fs)))
    t = n / fs
    return t, signal(t)
''',
    "q2_alias_frequency": '''
def alias_frequency(f, fs):
    """|f - fs round(f / fs)| with numpy, any shape."""
    return np.abs(f - fs * np.round(np.divide(f, fs)))
''',
    "q3_quantize_indices": '''
import operator


def _validated(n_bits, x_min, x_max, mode):
    """The number of levels and the step, or ValueError naming the wrong argument."""
    if isinstance(n_bits, (bool, np.bool_)):
        raise ValueError("n_bits must be a positive integer, not a bool")
    try:
        bits = operator.index(n_bits)
    except TypeError:
        raise ValueError(f"n_bits must be a positive integer, got {n_bits!r}") from None
    if bits < 1:
        raise ValueError(f"n_bits must be a positive integer, got {bits}")
    if x_max <= x_min:
        raise ValueError(f"x_max ({x_max}) must be larger than x_min ({x_min})")
    if mode not in ("midrise", "midtread"):
        raise ValueError(f"unknown mode {mode!r}: use 'midrise' or 'midtread'")
    levels = 2**bits
    return levels, (x_max - x_min) / levels


def quantize_indices(x, n_bits, x_min, x_max, mode="midrise"):
    """Encoder: floor((x - x_min) / step) (+ 1/2 for mid-tread), clipped to 0..L-1, as int64."""
    levels, step = _validated(n_bits, x_min, x_max, mode)
    u = (np.asarray(x, dtype=np.float64) - x_min) / step
    if mode == "midtread":
        u = u + 0.5
    return np.clip(np.floor(u), 0, levels - 1).astype(np.int64)
''',
    "q3_dequantize": '''
def dequantize(k, n_bits, x_min, x_max, mode="midrise"):
    """Decoder: cell centres (mid-rise) or multiples of the step (mid-tread), indices clipped first."""
    levels, step = _validated(n_bits, x_min, x_max, mode)
    k = np.clip(np.asarray(k), 0, levels - 1).astype(np.float64)
    offset = 0.5 if mode == "midrise" else 0.0
    return np.asarray(x_min + (k + offset) * step, dtype=np.float64)
''',
    "q4_quantize_uniform": '''
def quantize_uniform(x, n_bits, x_min, x_max, mode="midrise"):
    """Q(x): the level of the index of x."""
    return dequantize(quantize_indices(x, n_bits, x_min, x_max, mode), n_bits, x_min, x_max, mode)
''',
    "q6_sqnr_fit": """
sqnr_bits = np.arange(8, 17)
sqnr_test_signal = np.sin(2 * np.pi * 997.0 * np.arange(8000) / 8000.0)
sqnr_slope = sqnr_offset = ...  # replace the ... by your fitted values below
errors = np.stack([sqnr_test_signal - quantize_uniform(sqnr_test_signal, b, -1.0, 1.0) for b in sqnr_bits])
measured_sqnr = 10 * np.log10(np.mean(sqnr_test_signal**2) / np.mean(errors**2, axis=1))
sqnr_slope, sqnr_offset = (float(v) for v in np.polyfit(sqnr_bits, measured_sqnr, 1))
print(f"fitted: {sqnr_slope} dB per bit and {sqnr_offset} dB")
""",
    "q7_best_clip_factor": '''
def best_clip_factor(x, n_bits, factors):
    """argmin of the mean squared error over the candidates (argmin keeps the first on ties)."""
    x = np.asarray(x, dtype=float)
    factors = np.asarray(factors, dtype=float)
    sigma = np.std(x)
    mse = np.array([np.mean((x - quantize_uniform(x, n_bits, -c * sigma, c * sigma)) ** 2) for c in factors])
    return float(factors[np.argmin(mse)])
''',
}
