"""Correct answers written as plain Python loops, element by element (scalars and any shape still work)."""


CELLS = {
    "q1_sample": '''
def sample(signal, fs, duration):
    """Sample ``signal`` at rate ``fs`` for ``duration`` seconds (one instant at a time)."""
    n_samples = int(round(duration * fs))
    instants = []
    for n in range(n_samples):
        instants.append(n / fs)
    t = np.array(instants, dtype=float)
    return t, signal(t)
''',
    "q2_alias_frequency": '''
import math


def alias_frequency(f, fs):
    """|f - fs round(f / fs)|, one frequency at a time (rounding half up: the text says ties agree)."""
    values = np.asarray(f, dtype=float)
    seen = []
    for value in values.ravel().tolist():
        k = math.floor(value / fs + 0.5)
        seen.append(abs(value - fs * k))
    out = np.array(seen, dtype=float).reshape(values.shape)
    if np.ndim(f) == 0 and not isinstance(f, np.ndarray):
        return float(out)
    return out
''',
    "q3_quantize_indices": '''
import math
import numbers


def _check_quantizer(n_bits, x_min, x_max, mode):
    if isinstance(n_bits, (bool, np.bool_)) or not isinstance(n_bits, numbers.Integral) or n_bits <= 0:
        raise ValueError(f"n_bits must be a positive integer, got {n_bits!r}")
    if not x_max > x_min:
        raise ValueError(f"x_max must be greater than x_min, got x_min={x_min!r}, x_max={x_max!r}")
    if mode not in ("midrise", "midtread"):
        raise ValueError(f"mode must be 'midrise' or 'midtread', got {mode!r}")


def quantize_indices(x, n_bits, x_min, x_max, mode="midrise"):
    """Encoder of the uniform quantizer, one value at a time."""
    _check_quantizer(n_bits, x_min, x_max, mode)
    levels = 2 ** int(n_bits)
    step = (float(x_max) - float(x_min)) / levels
    values = np.asarray(x, dtype=np.float64)
    indices = []
    for value in values.ravel().tolist():
        u = (value - float(x_min)) / step
        if mode == "midtread":
            u = u + 0.5
        if u < 0:
            k = 0
        elif u >= levels:
            k = levels - 1
        else:
            k = min(math.floor(u), levels - 1)
        indices.append(k)
    return np.array(indices, dtype=np.int64).reshape(values.shape)
''',
    "q3_dequantize": '''
def dequantize(k, n_bits, x_min, x_max, mode="midrise"):
    """Decoder of the uniform quantizer, one index at a time."""
    _check_quantizer(n_bits, x_min, x_max, mode)
    levels = 2 ** int(n_bits)
    step = (float(x_max) - float(x_min)) / levels
    indices = np.asarray(k)
    out = []
    for index in indices.ravel().tolist():
        index = int(index)
        if index < 0:
            index = 0
        if index > levels - 1:
            index = levels - 1
        if mode == "midrise":
            out.append(float(x_min) + (index + 0.5) * step)
        else:
            out.append(float(x_min) + index * step)
    return np.array(out, dtype=np.float64).reshape(indices.shape)
''',
    "q4_quantize_uniform": '''
def quantize_uniform(x, n_bits, x_min, x_max, mode="midrise"):
    """The decoder after the encoder."""
    k = quantize_indices(x, n_bits, x_min, x_max, mode=mode)
    return dequantize(k, n_bits, x_min, x_max, mode=mode)
''',
    "q6_sqnr_fit": """
sqnr_bits = np.arange(8, 17)
sqnr_test_signal = np.sin(2 * np.pi * 997.0 * np.arange(8000) / 8000.0)
sqnr_slope = sqnr_offset = ...  # replace the ... by your fitted values below
measured = []
for bits in sqnr_bits.tolist():
    quantized = quantize_uniform(sqnr_test_signal, bits, -1.0, 1.0)
    signal_power = 0.0
    noise_power = 0.0
    for value, level in zip(sqnr_test_signal.tolist(), quantized.tolist()):
        signal_power += value * value
        noise_power += (value - level) ** 2
    measured.append(10 * math.log10(signal_power / noise_power))
# least squares by hand: slope = cov(B, SQNR) / var(B)
bits_list = [float(b) for b in sqnr_bits.tolist()]
mean_b = sum(bits_list) / len(bits_list)
mean_s = sum(measured) / len(measured)
cov = sum((b - mean_b) * (s - mean_s) for b, s in zip(bits_list, measured))
var = sum((b - mean_b) ** 2 for b in bits_list)
sqnr_slope = cov / var
sqnr_offset = mean_s - sqnr_slope * mean_b
print(f"fitted: {sqnr_slope} dB per bit and {sqnr_offset} dB")
""",
    "q7_best_clip_factor": '''
def best_clip_factor(x, n_bits, factors):
    """The first candidate with the smallest mean squared error, found by a loop."""
    samples = np.asarray(x, dtype=float)
    sigma = float(np.std(samples))
    best, best_mse = None, None
    for c in list(factors):
        c = float(c)
        quantized = quantize_uniform(samples, n_bits, -c * sigma, c * sigma)
        total = 0.0
        for value, level in zip(samples.tolist(), quantized.tolist()):
            total += (value - level) ** 2
        mse = total / samples.size
        if best_mse is None or mse < best_mse:
            best, best_mse = c, mse
    return best
''',
}
