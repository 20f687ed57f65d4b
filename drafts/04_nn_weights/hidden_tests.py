"""Hidden tests of notebook 04 beyond the reference tables of cases.py (draft for Phase B).

Written against the draft engine API (autograder.testing: question, upstream, follow_through,
prefetched, credit); it cannot run until the engine lands. Its oracles and property checks were tried
from a scratch script against the solution and against several known mistakes (see NOTES.md).

External oracles: ONNX Runtime's quantize_static (q4), ml_dtypes (q11), bitsandbytes' published NF4
table (q12). Messages state the property, never a hidden input or expected value.
"""

from __future__ import annotations

import functools
import math
import tempfile

import numpy as np

from autograder.testing import follow_through, prefetched, question, upstream
from quantkit.data import digits, digits_mlp

TABLE_BITS = (8, 6, 4, 3, 2)
FLOAT_ACCURACY = 438 / 450  # the digits MLP's test accuracy (quantkit.data.digits_mlp docstring)
ONE_IMAGE = 1 / 450 + 1e-9
# bitsandbytes/functional.py, get_4bit_type("nf4"): the published NF4 code book.
NF4_TABLE = np.array([
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
    -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
    0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
    0.7229568362236023, 1.0,
])  # fmt: skip


# --------------------------------------------------------------------------- references (the notebook's)


def _reference_symmetric_qparams(absmax, n_bits=8):
    return (1.0, 0) if absmax == 0 else (float(absmax) / (2 ** (n_bits - 1) - 1), 0)


def _reference_affine_qparams(x_min, x_max, n_bits=8, signed=True):
    qmin, qmax = (-(2 ** (n_bits - 1)), 2 ** (n_bits - 1) - 1) if signed else (0, 2**n_bits - 1)
    lo, hi = min(float(x_min), 0.0), max(float(x_max), 0.0)
    if lo == hi:
        return 1.0, 0
    scale = (hi - lo) / (qmax - qmin)
    return scale, int(np.clip(np.round(qmin - lo / scale), qmin, qmax))


def _reference_affine_quantize(x, scale, zero_point, qmin, qmax):
    q = np.round(np.asarray(x, dtype=np.float64) / np.asarray(scale, dtype=np.float64)) + zero_point
    return np.clip(q, qmin, qmax).astype(np.int64)


def _reference_affine_dequantize(q, scale, zero_point):
    return np.asarray(scale, dtype=np.float64) * (np.asarray(q).astype(np.int64) - zero_point)


def _reference_quantize_multiplier(m):
    if m == 0:
        return 0, 0
    m0, shift = math.frexp(float(m))
    q = math.floor(m0 * 2**31 + 0.5)
    if q == 2**31:
        q, shift = q // 2, shift + 1
    return (0, 0) if shift < -31 else (int(q), int(shift))


def _reference_multiply_by_quantized_multiplier(acc, multiplier, shift):
    x = np.asarray(acc, dtype=np.int64) * (np.int64(1) << np.maximum(np.asarray(shift, dtype=np.int64), 0))
    p = x * np.asarray(multiplier, dtype=np.int64)
    v = p + np.where(p >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(v >= 0, v >> 31, -((-v) >> 31))
    e = np.maximum(-np.asarray(shift, dtype=np.int64), 0)
    mask = (np.int64(1) << e) - 1
    return (high >> e) + ((high & mask) > (mask >> 1) + (high < 0))


# ------------------------------------------------------------------------------- upstream sanity checks


@upstream("symmetric_qparams", reference=_reference_symmetric_qparams)
def symmetric_qparams_is_sane(symmetric_qparams):
    """None when the student's symmetric_qparams can serve for follow-through credit, else why not."""
    scales = [symmetric_qparams(a, 8)[0] for a in (0.5, 1.0, 2.0)]
    if not all(isinstance(s, (float, np.floating)) and s > 0 for s in scales):
        return "symmetric_qparams does not return a positive scale"
    if not scales[0] < scales[1] < scales[2]:
        return "symmetric_qparams' scale does not grow with absmax"
    if symmetric_qparams(1.0, 8)[1] != 0:
        return "symmetric_qparams' zero point is not 0"
    return None


@upstream("affine_qparams", reference=_reference_affine_qparams)
def affine_qparams_is_sane(affine_qparams):
    for lo, hi in ((-1.0, 3.0), (0.0, 6.0), (-24.0, 38.0)):
        scale, zp = affine_qparams(lo, hi, 8)
        if not (scale > 0 and -128 <= zp <= 127 and float(zp).is_integer()):
            return "affine_qparams does not give a positive scale and an int8 zero point"
    return None


@upstream("affine_quantize", reference=_reference_affine_quantize)
def affine_quantize_is_sane(affine_quantize):
    x = np.linspace(-3.0, 3.0, 301)
    q = np.asarray(affine_quantize(x, 0.05, 3, -128, 127))
    if q.shape != x.shape or q.dtype.kind not in "iu":
        return "affine_quantize does not return integer codes of the input's shape"
    if np.any(np.diff(q) < 0) or q.min() < -128 or q.max() > 127:
        return "affine_quantize is not monotone within [qmin, qmax]"
    return None


@upstream("affine_dequantize", reference=_reference_affine_dequantize)
def affine_dequantize_is_sane(affine_dequantize):
    q = np.arange(-128, 128)
    r = np.asarray(affine_dequantize(q, 0.1, 5), dtype=np.float64)
    if r.shape != q.shape or np.any(np.diff(r) <= 0):
        return "affine_dequantize is not increasing in the code"
    return None


@upstream("quantize_multiplier", reference=_reference_quantize_multiplier)
def quantize_multiplier_is_sane(quantize_multiplier):
    for m in (0.001, 0.1, 0.7):
        mult, shift = quantize_multiplier(m)
        if not (2**30 <= mult < 2**31) or abs(mult * 2.0 ** (shift - 31) / m - 1) > 1e-6:
            return "quantize_multiplier does not represent m as multiplier * 2**(shift - 31)"
    return None


@upstream("multiply_by_quantized_multiplier", reference=_reference_multiply_by_quantized_multiplier)
def multiply_by_quantized_multiplier_is_sane(multiply_by_quantized_multiplier):
    acc = np.arange(-5000, 5001, 37)
    out = np.asarray(multiply_by_quantized_multiplier(acc, 1717986918, -3))  # about acc * 0.1
    if out.shape != acc.shape or np.any(np.abs(out - acc * 0.1) > 1.0) or np.any(np.diff(out) < 0):
        return "multiply_by_quantized_multiplier is not a monotone acc * m to within one"
    return None


@upstream("quantize_per_channel")
def quantize_per_channel_is_sane(quantize_per_channel):
    w = np.random.default_rng(0).normal(0, 1, (6, 9)).astype(np.float32)
    q, s = quantize_per_channel(w, 8)
    q, s = np.asarray(q), np.asarray(s, dtype=np.float64)
    if q.shape != w.shape or s.shape != (6,) or np.any(s <= 0):
        return "quantize_per_channel does not return codes of w's shape and one positive scale per row"
    if np.max(np.abs(q * s[:, None] - w)) > 0.51 * s.max() * 2:
        return "quantize_per_channel's codes times scales are not close to w"
    return None


@upstream("quantized_accuracy")
def quantized_accuracy_is_sane(quantized_accuracy):
    acc = quantized_accuracy(digits_mlp(), 8, True)
    return None if 0.9 <= acc <= 1.0 else "quantized_accuracy at 8 bits per channel is not near the float accuracy"


# ------------------------------------------------------------------------------------ follow-through


@follow_through("quantize_per_channel", uses=("symmetric_qparams", "affine_quantize"))
def quantize_per_channel_with(symmetric_qparams, affine_quantize, w, n_bits=8, axis=0):
    """The right answer for any upstream symmetric_qparams and affine_quantize."""
    w = np.asarray(w, dtype=np.float32)
    axis %= 2
    qmax = 2 ** (n_bits - 1) - 1
    scales = np.array([symmetric_qparams(float(a), n_bits)[0] for a in np.abs(w).max(axis=1 - axis)], np.float32)
    per = scales[:, None] if axis == 0 else scales[None, :]
    return np.asarray(affine_quantize(w, per, 0, -qmax, qmax)), scales


@follow_through("quantized_accuracy",
                uses=("quantize_per_channel", "symmetric_qparams", "affine_quantize", "affine_dequantize"))  # fmt: skip
def quantized_accuracy_with(quantize_per_channel, symmetric_qparams, affine_quantize, affine_dequantize,
                            model, n_bits, per_channel):  # fmt: skip
    X_test, y_test = digits()[2:]
    new = []
    for w in model.weights:
        if per_channel:
            q, s = quantize_per_channel(w, n_bits)
            new.append(np.asarray(affine_dequantize(q, np.asarray(s)[:, None], 0), dtype=np.float64))
        else:
            qmax = 2 ** (n_bits - 1) - 1
            s = np.float32(symmetric_qparams(float(np.abs(w).max()), n_bits)[0])
            new.append(np.asarray(affine_dequantize(affine_quantize(w, s, 0, -qmax, qmax), s, 0), dtype=np.float64))
    return float(model.with_weights(new).accuracy(X_test, y_test))


@follow_through("calibrate_range", uses=("affine_qparams", "affine_quantize", "affine_dequantize"))
def calibrate_range_with(affine_qparams, affine_quantize, affine_dequantize, activations, method, **params):
    a = np.asarray(activations, dtype=np.float64).ravel()
    if method != "mse":  # min-max and percentile use no upstream function
        p = params.get("p", 99.99)
        return ((float(a.min()), float(a.max())) if method == "minmax"
                else (float(np.percentile(a, 100 - p)), float(np.percentile(a, p))))  # fmt: skip
    n_grid, n_bits = params.get("n_grid", 100), params.get("n_bits", 8)
    qmin, qmax = -(2 ** (n_bits - 1)), 2 ** (n_bits - 1) - 1
    lo, hi = min(float(a.min()), 0.0), max(float(a.max()), 0.0)
    best = None
    for k in range(1, n_grid + 1):
        t = max(-lo, hi) * k / n_grid
        r = (max(lo, -t), min(hi, t))
        s, z = affine_qparams(*r, n_bits)
        err = float(np.mean((np.asarray(affine_dequantize(affine_quantize(a, s, z, qmin, qmax), s, z)) - a) ** 2))
        if best is None or err < best[0]:
            best = (err, r)
    return best[1]


@follow_through("int8_linear", uses=("quantize_multiplier", "multiply_by_quantized_multiplier"))
def int8_linear_with(quantize_multiplier, multiply_by_quantized_multiplier,
                     xq, x_scale, x_zp, wq, w_scale, bias, out_scale, out_zp):  # fmt: skip
    wq = np.asarray(wq)
    ws = np.broadcast_to(np.asarray(w_scale, dtype=np.float64), (wq.shape[0],))
    acc = (np.asarray(xq, dtype=np.int64) - x_zp) @ wq.astype(np.int64).T
    acc = acc + np.round(np.asarray(bias, dtype=np.float64) / (float(x_scale) * ws)).astype(np.int64)
    pairs = [quantize_multiplier(float(x_scale) * float(s) / float(out_scale)) for s in ws]
    y = np.asarray(multiply_by_quantized_multiplier(acc, np.array([p[0] for p in pairs]),
                                                    np.array([p[1] for p in pairs])))  # fmt: skip
    return np.clip(y + out_zp, -128, 127).astype(np.int8)


@follow_through("quantize_groups", uses=("symmetric_qparams", "affine_quantize"))
def quantize_groups_with(symmetric_qparams, affine_quantize, w, group_size=32, n_bits=4):
    w = np.asarray(w, dtype=np.float32)
    qmax = 2 ** (n_bits - 1) - 1
    g = w.reshape(w.shape[0], -1, group_size)
    scales = np.array([[symmetric_qparams(float(a), n_bits)[0] for a in row] for row in np.abs(g).max(axis=2)],
                      dtype=np.float32)  # fmt: skip
    return np.asarray(affine_quantize(g, scales[:, :, None], 0, -qmax, qmax)).reshape(w.shape), scales


# ------------------------------------------------------------------------------------ property tests


@functools.lru_cache(maxsize=1)
def _onnxruntime_weights() -> tuple[tuple[np.ndarray, np.ndarray], ...]:
    """ONNX Runtime's own per-channel int8 weights and scales of the digits MLP (quantize_static, QDQ)."""
    import onnx
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static

    from quantkit import nn

    model = digits_mlp()
    with tempfile.TemporaryDirectory() as tmp, nn.quiet_onnxruntime():
        onnx.save(nn.to_onnx(model), f"{tmp}/f.onnx")
        quantize_static(f"{tmp}/f.onnx", f"{tmp}/q.onnx", nn.calibration_reader(digits()[0][:300]),
                        quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)  # fmt: skip
        params = nn.read_qdq(f"{tmp}/q.onnx")
    return tuple((layer.weight, layer.weight_scale) for layer in params.layers)


@question("q4", points=0.75)
def test_per_channel_is_bit_identical_to_onnxruntime(student, credit):
    """At 8 bits, quantize_per_channel gives ONNX Runtime's quantize_static weights and scales bit for bit."""
    model = digits_mlp()
    calls = [("quantize_per_channel", (w, 8), {}) for w in model.weights]
    with prefetched(student, calls):
        for (w_ort, s_ort), (name, args, kwargs) in zip(_onnxruntime_weights(), calls, strict=True):
            with credit.part():
                q, s = student.call(name, *args, **kwargs)
                assert np.array_equal(np.asarray(q), w_ort), "the int8 codes of a layer differ from ONNX Runtime's"
            with credit.part():
                assert np.asarray(s).dtype == np.float32, "the scales are not float32"
                assert np.array_equal(np.asarray(s).view(np.uint32), s_ort.view(np.uint32)), \
                    "the float32 scales of a layer differ from ONNX Runtime's"


@question("q6", points=0.25)
def test_table_shape(student):
    """accuracy_table is a (5, 2) array of accuracies in [0, 1]."""
    table = np.asarray(student.value("accuracy_table"), dtype=np.float64)
    assert table.shape == (5, 2), "accuracy_table must have shape (5, 2): one row per bit depth"
    assert np.all((table >= 0) & (table <= 1)), "accuracies lie in [0, 1]"


@question("q6", points=0.5, uses=("quantized_accuracy",))
def test_table_is_your_quantized_accuracy(student, quantized_accuracy, credit):
    """Each entry of accuracy_table is quantized_accuracy at its bit depth and scheme."""
    table = np.asarray(student.value("accuracy_table"), dtype=np.float64)
    assert table.shape == (5, 2), "accuracy_table must have shape (5, 2)"
    model = digits_mlp()
    for i, bits in enumerate(TABLE_BITS):
        with credit.part():
            for j, per_channel in enumerate((False, True)):
                expected = quantized_accuracy(model, bits, per_channel)
                assert abs(table[i, j] - expected) <= ONE_IMAGE, \
                    "a row of accuracy_table is not quantized_accuracy at that bit depth (column 0 per tensor)"


@question("q6", points=0.25)
def test_table_ordering(student, credit):
    """Per-channel beats per-tensor at 4 bits; 8 bits stay within 1 % of the float accuracy."""
    table = np.asarray(student.value("accuracy_table"), dtype=np.float64)
    with credit.part():
        assert table[2, 1] >= table[2, 0] + 0.05, "at 4 bits per-channel should be clearly above per-tensor"
    with credit.part():
        assert np.all(np.abs(table[0] - FLOAT_ACCURACY) <= 0.01), "at 8 bits both schemes keep the float accuracy"


@question("q7", points=0.5, uses=("affine_qparams", "affine_quantize", "affine_dequantize"))
def test_mse_range_never_worse_than_minmax(student, affine_qparams, affine_quantize, affine_dequantize, credit):
    """The MSE range quantizes the data at least as well as the min-max range."""
    rng = np.random.default_rng(7)
    sets = [rng.laplace(0, 1, 3000), np.maximum(rng.normal(0.3, 1, 3000), 0), rng.standard_t(3, 3000)]
    calls = [("calibrate_range", (a,), {"method": m}) for a in sets for m in ("mse", "minmax")]
    with prefetched(student, calls):
        for a in sets:
            with credit.part():
                errors = []
                for method in ("mse", "minmax"):
                    lo, hi = student.call("calibrate_range", a, method=method)
                    s, z = affine_qparams(min(lo, 0.0), max(hi, 0.0), 8)
                    errors.append(np.mean((np.asarray(affine_dequantize(affine_quantize(a, s, z, -128, 127), s, z)) - a) ** 2))
                assert errors[0] <= errors[1] * (1 + 1e-12), "the MSE range has a larger error than min-max"


@question("q9", points=0.25)
def test_equal_channel_scales_equal_one_scale(student):
    """A per-channel scale array with equal entries gives the per-tensor result."""
    rng = np.random.default_rng(9)
    xq = rng.integers(-128, 128, (5, 8)).astype(np.int8)
    wq = rng.integers(-127, 128, (4, 8)).astype(np.int8)
    bias = rng.normal(0, 0.3, 4)
    a = student.call("int8_linear", xq, 0.03, -7, wq, 0.012, bias, 0.08, 3)
    b = student.call("int8_linear", xq, 0.03, -7, wq, np.full(4, 0.012), bias, 0.08, 3)
    assert np.array_equal(np.asarray(a), np.asarray(b)), "equal per-channel scales change the result"


@question("q11", points=0.25)
def test_bit_exact_with_ml_dtypes(student, credit):
    """round_to_float_format equals ml_dtypes' conversion on 20,000 random values per format."""
    import ml_dtypes

    rng = np.random.default_rng(11)
    x = rng.normal(0, 1, 20000) * 10.0 ** rng.uniform(-10, 7, 20000)
    formats = [(5, 10, np.float16), (8, 7, ml_dtypes.bfloat16), (5, 2, ml_dtypes.float8_e5m2),
               (4, 3, ml_dtypes.float8_e4m3fn)]  # fmt: skip
    calls = [("round_to_float_format", (x, e, m, False), {}) for e, m, _ in formats]
    with prefetched(student, calls), np.errstate(over="ignore"):
        for (_, _, dtype), (name, args, kwargs) in zip(formats, calls, strict=True):
            with credit.part():
                got = np.asarray(student.call(name, *args, **kwargs), dtype=np.float64)
                want = x.astype(dtype).astype(np.float64)
                assert np.array_equal(got, want, equal_nan=True), "some values differ from ml_dtypes' rounding"


@question("q12", points=0.25)
def test_nf4_matches_bitsandbytes(student):
    """normal_float_levels() is bitsandbytes' published NF4 table to 2e-7 (bitsandbytes computes in float32)."""
    levels = np.asarray(student.call("normal_float_levels"), dtype=np.float64)
    assert levels.shape == (16,), "NF4 has 16 levels"
    assert np.max(np.abs(levels - NF4_TABLE)) <= 2e-7, "the levels are not bitsandbytes' NF4 table"
