"""Correct answers with different but equivalent formulas (remainder, shifted floor, levels from the top)."""


CELLS = {
    "q1_sample": '''
def sample(signal, fs, duration):
    """t_n = n T_s with the sampling period T_s = 1 / fs (section 1's formula)."""
    period = 1.0 / fs
    t = np.arange(round(duration * fs), dtype=np.float64) * period
    return t, signal(t)
''',
    "q2_alias_frequency": '''
def alias_frequency(f, fs):
    """Fold f into [-fs/2, fs/2) with a remainder, then take the absolute value."""
    f = np.asarray(f, dtype=np.float64)
    folded = np.abs(np.remainder(f + fs / 2, fs) - fs / 2)
    return folded if folded.ndim else float(folded)
''',
    "q3_quantize_indices": '''
def _levels_and_step(n_bits, x_min, x_max, mode):
    integer = isinstance(n_bits, (int, np.integer)) and not isinstance(n_bits, (bool, np.bool_))
    if not integer or n_bits < 1:
        raise ValueError(f"n_bits must be a positive whole number of bits, got {n_bits!r}")
    if not x_min < x_max:
        raise ValueError(f"the range is empty: x_max={x_max!r} must exceed x_min={x_min!r}")
    if mode != "midrise" and mode != "midtread":
        raise ValueError(f"mode must be 'midrise' or 'midtread', not {mode!r}")
    n_levels = 1 << int(n_bits)
    return n_levels, (x_max - x_min) / n_levels


def quantize_indices(x, n_bits, x_min, x_max, mode="midrise"):
    """Mid-rise: floor of (x - x_min) L / (x_max - x_min); mid-tread: floor((x - x_min + step/2) / step)."""
    n_levels, step = _levels_and_step(n_bits, x_min, x_max, mode)
    x = np.asarray(x, dtype=np.float64)
    if mode == "midrise":
        u = (x - x_min) * n_levels / (x_max - x_min)
    else:
        u = (x - x_min + step / 2) / step
    u = np.minimum(np.maximum(u, 0.0), n_levels - 1.0)
    return np.floor(u).astype(np.int64)
''',
    "q3_dequantize": '''
def dequantize(k, n_bits, x_min, x_max, mode="midrise"):
    """Levels counted down from the top of the range: x_max - (L - k - 1/2) step, or x_max - (L - k) step."""
    n_levels, step = _levels_and_step(n_bits, x_min, x_max, mode)
    k = np.minimum(np.maximum(np.asarray(k, dtype=np.int64), 0), n_levels - 1)
    below_top = (n_levels - k) - (0.5 if mode == "midrise" else 0.0)
    return (x_max - below_top * step).astype(np.float64)
''',
    "q4_quantize_uniform": '''
def quantize_uniform(x, n_bits, x_min, x_max, mode="midrise"):
    """Encoder, then decoder, passing mode on to both."""
    indices = quantize_indices(x, n_bits, x_min, x_max, mode=mode)
    return dequantize(indices, n_bits, x_min, x_max, mode=mode)
''',
    "q6_sqnr_fit": """
sqnr_bits = np.arange(8, 17)
sqnr_test_signal = np.sin(2 * np.pi * 997.0 * np.arange(8000) / 8000.0)
sqnr_slope = sqnr_offset = ...  # replace the ... by your fitted values below
# SQNR as 20 log10 of the ratio of RMS values; the line from a least-squares solve of [B 1] [a b]' = SQNR
def rms(v):
    return np.sqrt(np.mean(np.square(v)))


sqnr_db_values = np.array(
    [
        20 * np.log10(
            rms(sqnr_test_signal)
            / rms(sqnr_test_signal - quantize_uniform(sqnr_test_signal, b, -1.0, 1.0))
        )
        for b in sqnr_bits
    ]
)
design = np.column_stack([sqnr_bits.astype(float), np.ones(len(sqnr_bits))])
(sqnr_slope, sqnr_offset), *_ = np.linalg.lstsq(design, sqnr_db_values, rcond=None)
sqnr_slope, sqnr_offset = float(sqnr_slope), float(sqnr_offset)
print(f"fitted: {sqnr_slope} dB per bit and {sqnr_offset} dB")
""",
    "q7_best_clip_factor": '''
def best_clip_factor(x, n_bits, factors):
    """The candidate of highest SQNR (an error of zero is an infinite SQNR); argmax keeps the first tie."""
    x = np.asarray(x, dtype=np.float64)
    sigma = x.std()
    power = np.mean(x**2)
    sqnr = []
    for c in factors:
        noise = np.mean((quantize_uniform(x, n_bits, -(c * sigma), c * sigma) - x) ** 2)
        with np.errstate(divide="ignore"):
            sqnr.append(10 * np.log10(power / noise) if noise > 0 else np.inf)
    return float(list(factors)[int(np.argmax(sqnr))])
''',
}
