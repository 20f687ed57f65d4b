"""Hidden tests of notebook 04, "Neural-network weights".

The comparisons with the solution's outputs are the groups of ``cases.py`` (one reference test each);
these are the property tests, the external oracles, and the follow-through machinery. Each test is
marked with its question and points (``@question``); a question's points in ``manifest.toml`` equal its
groups' and tests' points together. Messages state the property, never a hidden input or value.

External oracles, run here in the grader's process (never in the student's kernel):

* ONNX Runtime's ``quantize_static`` (q4): its per-channel int8 weights and float32 scales of the digits
  MLP, bit for bit (tested with onnxruntime 1.20.1 and 1.32.0; the pin in pyproject.toml);
* ``ml_dtypes`` (q11): ``x.astype(dtype)`` for float16, bfloat16, float8_e5m2 and float8_e4m3fn;
* bitsandbytes' published NF4 table (q12), copied below from ``bitsandbytes/functional.py``.

Follow-through (the course's second grading rule). Every question that calls earlier graded functions
is graded against the student's own versions too: ``@upstream`` registers the reference of each
upstream function and the sanity check a student's version must pass to be used; ``@follow_through``
registers, per downstream function, the plain procedure that computes the right answer *given* any
upstream functions (the "oracle"); a property test with ``uses=`` runs once with the references and
once with the student's functions, and keeps the better score.
"""

from __future__ import annotations

import functools
import math
import tempfile

import numpy as np

from autograder.testing import call_each, follow_through, prefetched, question, upstream
from quantkit.data import digits, digits_mlp

TABLE_BITS = (8, 6, 4, 3, 2)
FLOAT_ACCURACY = 438 / 450  # the digits MLP's test accuracy (quantkit.data.digits_mlp docstring)
ONE_IMAGE = 1 / 450 + 1e-9
# bitsandbytes/functional.py, get_4bit_type("nf4"): the published NF4 code book (float32 values).
NF4_TABLE = np.array([
    -1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
    -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
    0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
    0.7229568362236023, 1.0,
])  # fmt: skip


# ------------------------------------------------------------------------ references (the notebook's)


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
    shift = np.asarray(shift, dtype=np.int64)
    x = np.asarray(acc, dtype=np.int64) * (np.int64(1) << np.maximum(shift, 0))
    p = x * np.asarray(multiplier, dtype=np.int64)
    v = p + np.where(p >= 0, 1 << 30, 1 - (1 << 30))
    high = np.where(v >= 0, v >> 31, -((-v) >> 31))
    e = np.maximum(-shift, 0)
    mask = (np.int64(1) << e) - 1
    return (high >> e) + ((high & mask) > (mask >> 1) + (high < 0))


# ------------------------------------------------------------------------------------ follow-through


@follow_through("quantize_per_channel", uses=("symmetric_qparams", "affine_quantize"))
def quantize_per_channel_with(symmetric_qparams, affine_quantize, w, n_bits=8, axis=0):
    """q4's procedure with any symmetric_qparams and affine_quantize (the notebook's text, step by step)."""
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2 or axis not in (0, 1, -1, -2):
        raise ValueError("not a case the procedure covers")
    axis %= 2
    qmax = 2 ** (n_bits - 1) - 1
    absmax = np.abs(w).max(axis=1 - axis)
    pairs = call_each(symmetric_qparams, [(float(a), n_bits) for a in absmax])
    scales = np.array([p[0] for p in pairs], dtype=np.float32)
    per_weight = scales[:, None] if axis == 0 else scales[None, :]
    return np.asarray(affine_quantize(w, per_weight, 0, -qmax, qmax)), scales


UPSTREAM_Q6 = ("quantize_per_channel", "symmetric_qparams", "affine_quantize", "affine_dequantize")


@follow_through("quantized_accuracy", uses=UPSTREAM_Q6)
def quantized_accuracy_with(quantize_per_channel, symmetric_qparams, affine_quantize, affine_dequantize,
                            weights, n_bits, per_channel):  # fmt: skip
    """q6's procedure with any upstream functions: dequantized weights into the digits MLP, test accuracy."""
    X_test, y_test = digits()[2:]
    if per_channel:
        pairs = call_each(quantize_per_channel, [(w, n_bits) for w in weights])
        codes = [q for q, _ in pairs]
        scales = [np.asarray(s)[:, None] for _, s in pairs]
    else:
        qmax = 2 ** (n_bits - 1) - 1
        params = call_each(symmetric_qparams, [(float(np.abs(w).max()), n_bits) for w in weights])
        scales = [np.float32(p[0]) for p in params]
        calls = [(w, s, 0, -qmax, qmax) for w, s in zip(weights, scales, strict=True)]
        codes = call_each(affine_quantize, calls)
    new = call_each(affine_dequantize, [(q, s, 0) for q, s in zip(codes, scales, strict=True)])
    new = [np.asarray(w, dtype=np.float64) for w in new]
    return float(digits_mlp().with_weights(new).accuracy(X_test, y_test))


@follow_through("calibrate_range", uses=("affine_qparams", "affine_quantize", "affine_dequantize"))
def calibrate_range_with(affine_qparams, affine_quantize, affine_dequantize, activations, method, **params):
    """q7's procedure; only "mse" calls the upstream functions (min-max and percentile use none)."""
    a = np.asarray(activations, dtype=np.float64).ravel()
    if method == "minmax":
        return float(a.min()), float(a.max())
    if method == "percentile":
        p = params.get("p", 99.99)
        return float(np.percentile(a, 100 - p)), float(np.percentile(a, p))
    n_grid, n_bits = params.get("n_grid", 100), params.get("n_bits", 8)
    qmin, qmax = -(2 ** (n_bits - 1)), 2 ** (n_bits - 1) - 1
    lo, hi = min(float(a.min()), 0.0), max(float(a.max()), 0.0)
    ranges = [(max(lo, -t), min(hi, t)) for t in (max(-lo, hi) * k / n_grid for k in range(1, n_grid + 1))]
    params = call_each(affine_qparams, [(r_lo, r_hi, n_bits) for r_lo, r_hi in ranges])
    codes = call_each(affine_quantize, [(a, s, z, qmin, qmax) for s, z in params])
    a_hats = call_each(affine_dequantize, [(q, s, z) for q, (s, z) in zip(codes, params, strict=True)])
    errors = [float(np.mean((np.asarray(a_hat, dtype=np.float64) - a) ** 2)) for a_hat in a_hats]
    return ranges[int(np.argmin(errors))]  # the first minimum


@follow_through("int8_linear", uses=("quantize_multiplier", "multiply_by_quantized_multiplier"))
def int8_linear_with(quantize_multiplier, multiply_by_quantized_multiplier,
                     xq, x_scale, x_zp, wq, w_scale, bias, out_scale, out_zp):  # fmt: skip
    """q9's procedure with any quantize_multiplier and multiply_by_quantized_multiplier."""
    xq, wq = np.asarray(xq), np.asarray(wq)
    if xq.dtype.kind not in "iu" or wq.dtype.kind not in "iu" or xq.shape[-1] != wq.shape[1]:
        raise ValueError("not a case the procedure covers")
    ws = np.broadcast_to(np.asarray(w_scale, dtype=np.float64), (wq.shape[0],))
    acc = (xq.astype(np.int64) - x_zp) @ wq.astype(np.int64).T
    acc = acc + np.round(np.asarray(bias, dtype=np.float64) / (float(x_scale) * ws)).astype(np.int64)
    pairs = call_each(quantize_multiplier, [(float(x_scale) * float(s) / float(out_scale),) for s in ws])
    multipliers = np.array([int(p[0]) for p in pairs], dtype=np.int64)
    shifts = np.array([int(p[1]) for p in pairs], dtype=np.int64)
    y = np.asarray(multiply_by_quantized_multiplier(acc, multipliers, shifts), dtype=np.int64)
    return np.clip(y + out_zp, -128, 127).astype(np.int8)


@follow_through("quantize_groups", uses=("symmetric_qparams", "affine_quantize"))
def quantize_groups_with(symmetric_qparams, affine_quantize, w, group_size=32, n_bits=4):
    """q12's group procedure with any symmetric_qparams and affine_quantize."""
    w = np.asarray(w, dtype=np.float32)
    if w.ndim != 2 or w.shape[1] % group_size:
        raise ValueError("not a case the procedure covers")
    qmax = 2 ** (n_bits - 1) - 1
    groups = w.reshape(w.shape[0], -1, group_size)
    absmax = np.abs(groups).max(axis=2)
    pairs = call_each(symmetric_qparams, [(float(a), n_bits) for a in absmax.ravel()])
    scales = np.array([p[0] for p in pairs], dtype=np.float32).reshape(absmax.shape)
    q = np.asarray(affine_quantize(groups, scales[:, :, None], 0, -qmax, qmax)).reshape(w.shape)
    return q, scales


@follow_through("accuracy_table", uses=("quantized_accuracy",))
def accuracy_table_with(quantized_accuracy):
    """The table q6 asks for, filled with any quantized_accuracy."""
    weights = list(digits_mlp().weights)
    accuracies = call_each(quantized_accuracy, [(weights, b, pc) for b in TABLE_BITS for pc in (False, True)])
    return np.array([float(a) for a in accuracies]).reshape(len(TABLE_BITS), 2)


def _reference_quantize_per_channel(w, n_bits=8, axis=0):
    reference = (_reference_symmetric_qparams, _reference_affine_quantize)
    return quantize_per_channel_with(*reference, w, n_bits, axis)


def _reference_quantized_accuracy(weights, n_bits, per_channel):
    return quantized_accuracy_with(_reference_quantize_per_channel, _reference_symmetric_qparams,
                                   _reference_affine_quantize, _reference_affine_dequantize,
                                   weights, n_bits, per_channel)  # fmt: skip


# ------------------------------------------------------------------------------- upstream sanity checks


@upstream("symmetric_qparams", reference=_reference_symmetric_qparams)
def symmetric_qparams_is_sane(symmetric_qparams):
    """A positive scale that grows with absmax, and zero point 0."""
    pairs = [symmetric_qparams(a, 8) for a in (0.5, 1.0, 2.0)]
    scales = [float(p[0]) for p in pairs]
    if not all(s > 0 for s in scales):
        return "symmetric_qparams does not return a positive scale"
    if not scales[0] < scales[1] < scales[2]:
        return "symmetric_qparams' scale does not grow with absmax"
    if any(p[1] != 0 for p in pairs):
        return "symmetric_qparams' zero point is not 0"
    return None


@upstream("affine_qparams", reference=_reference_affine_qparams)
def affine_qparams_is_sane(affine_qparams):
    """A positive scale and an int8 zero point for three ordinary ranges."""
    for lo, hi in ((-1.0, 3.0), (0.0, 6.0), (-24.0, 38.0)):
        scale, zp = affine_qparams(lo, hi, 8)
        if not (float(scale) > 0 and -128 <= zp <= 127 and float(zp).is_integer()):
            return "affine_qparams does not give a positive scale and an int8 zero point"
    return None


@upstream("affine_quantize", reference=_reference_affine_quantize)
def affine_quantize_is_sane(affine_quantize):
    """Integer codes of the input's shape, monotone, within [qmin, qmax]."""
    x = np.linspace(-3.0, 3.0, 301)
    q = np.asarray(affine_quantize(x, 0.05, 3, -128, 127))
    if q.shape != x.shape or q.dtype.kind not in "iu":
        return "affine_quantize does not return integer codes of the input's shape"
    if np.any(np.diff(q) < 0) or q.min() < -128 or q.max() > 127:
        return "affine_quantize is not monotone within [qmin, qmax]"
    return None


@upstream("affine_dequantize", reference=_reference_affine_dequantize)
def affine_dequantize_is_sane(affine_dequantize):
    """Increasing in the code."""
    q = np.arange(-128, 128)
    r = np.asarray(affine_dequantize(q, 0.1, 5), dtype=np.float64)
    if r.shape != q.shape or np.any(np.diff(r) <= 0):
        return "affine_dequantize is not increasing in the code"
    return None


@upstream("quantize_per_channel", reference=_reference_quantize_per_channel)
def quantize_per_channel_is_sane(quantize_per_channel):
    """Codes of w's shape and one positive scale per row whose products are close to w."""
    w = np.random.default_rng(0).normal(0, 1, (6, 9)).astype(np.float32)
    q, s = quantize_per_channel(w, 8)
    q, s = np.asarray(q), np.asarray(s, dtype=np.float64)
    if q.shape != w.shape or s.shape != (6,) or np.any(s <= 0):
        return "quantize_per_channel does not return codes of w's shape and one positive scale per row"
    if np.max(np.abs(q * s[:, None] - w)) > 1.02 * s.max():
        return "quantize_per_channel's codes times scales are not close to w"
    return None


@upstream("quantized_accuracy", reference=_reference_quantized_accuracy)
def quantized_accuracy_is_sane(quantized_accuracy):
    """Near the float accuracy at 8 bits per channel."""
    acc = float(quantized_accuracy(list(digits_mlp().weights), 8, True))
    if not 0.9 <= acc <= 1.0:
        return "quantized_accuracy at 8 bits per channel is not near the float accuracy"
    return None


@upstream("quantize_multiplier", reference=_reference_quantize_multiplier)
def quantize_multiplier_is_sane(quantize_multiplier):
    """Two integers: a Q0.31 multiplier in [2**30, 2**31) and a shift in [-31, 30], for ordinary m.

    Structure only, not the value: a wrong shift is q8's mistake, and q9 is graded with it.
    """
    for m in (0.001, 0.1, 0.7):
        pair = quantize_multiplier(m)
        if len(pair) != 2 or not all(float(v).is_integer() for v in pair):
            return "quantize_multiplier does not return two integers"
        mult, shift = (int(v) for v in pair)
        if not (2**30 <= mult < 2**31 and -31 <= shift <= 30):
            return "quantize_multiplier's multiplier is not in [2**30, 2**31) or its shift not in [-31, 30]"
    return None


@upstream("multiply_by_quantized_multiplier", reference=_reference_multiply_by_quantized_multiplier)
def multiply_by_quantized_multiplier_is_sane(multiply_by_quantized_multiplier):
    """A monotone acc * m to within one."""
    acc = np.arange(-5000, 5001, 37)
    out = np.asarray(multiply_by_quantized_multiplier(acc, 1717986918, -3))  # about acc * 0.1
    if out.shape != acc.shape or np.any(np.abs(out - acc * 0.1) > 1.0) or np.any(np.diff(out) < 0):
        return "multiply_by_quantized_multiplier is not a monotone acc * m to within one"
    return None


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


@question("q4", points=0.75, uses=("symmetric_qparams", "affine_quantize"))
def test_per_channel_is_bit_identical_to_onnxruntime(student, symmetric_qparams, affine_quantize, credit):
    """At 8 bits, quantize_per_channel gives ONNX Runtime's quantize_static weights and scales bit for bit."""
    weights = digits_mlp().weights
    if symmetric_qparams is _reference_symmetric_qparams:
        wanted = _onnxruntime_weights()  # the industrial oracle itself
    else:  # follow-through: the course procedure with the student's own q2 and q3 functions
        wanted = [quantize_per_channel_with(symmetric_qparams, affine_quantize, w, 8) for w in weights]
    calls = [("quantize_per_channel", (w, 8), {}) for w in weights]
    with prefetched(student, calls):
        for (w_want, s_want), (name, args, kwargs) in zip(wanted, calls, strict=True):
            q, s = student.call(name, *args, **kwargs)
            q, s = np.asarray(q), np.asarray(s)
            with credit.part():
                assert q.shape == w_want.shape and np.array_equal(q, w_want), (
                    "the int8 codes of a layer differ from ONNX Runtime's"
                )
            with credit.part():
                assert s.dtype == np.float32 and s.shape == s_want.shape, "the scales: float32, one per row"
                assert np.array_equal(s.view(np.uint32), np.asarray(s_want, np.float32).view(np.uint32)), (
                    "the float32 scales of a layer differ from ONNX Runtime's"
                )


def _table(student) -> np.ndarray:
    table = np.asarray(student.value("accuracy_table"))
    assert table.dtype.kind in "iuf", "accuracy_table should hold numbers"
    table = table.astype(np.float64)
    assert table.shape == (5, 2), "accuracy_table should have shape (5, 2): a row per bit depth of table_bits"
    return table


@question("q6", points=0.5, uses=("quantized_accuracy",))
def test_table_is_your_quantized_accuracy(student, refs, quantized_accuracy, credit):
    """Each row of accuracy_table is quantized_accuracy at its bit depth, per tensor then per channel."""
    table = _table(student)
    weights = list(digits_mlp().weights)
    if quantized_accuracy is _reference_quantized_accuracy:
        wanted = np.asarray(refs.case("q6_table").expected, dtype=np.float64)  # the solution's table
    else:  # follow-through: the student's own quantized_accuracy
        calls = [(weights, b, pc) for b in TABLE_BITS for pc in (False, True)]
        wanted = np.array([float(a) for a in call_each(quantized_accuracy, calls)]).reshape(-1, 2)
    for i in range(len(TABLE_BITS)):
        with credit.part():
            for j in range(2):
                expected = wanted[i, j]
                assert abs(table[i, j] - expected) <= ONE_IMAGE, (
                    "a row of accuracy_table is not quantized_accuracy at that bit depth "
                    "(column 0 per tensor, column 1 per channel)"
                )


@question("q6", points=0.25)
def test_table_ordering(student, credit):
    """Per-channel beats per-tensor at 4 bits; 8 bits stay within 1 % of the float accuracy."""
    table = _table(student)
    with credit.part():
        assert table[2, 1] >= table[2, 0] + 0.05, "at 4 bits per-channel should be clearly above per-tensor"
    with credit.part():
        close = np.abs(table[0] - FLOAT_ACCURACY) <= 0.01
        assert np.all(close), "at 8 bits both schemes keep the float accuracy"


@question("q7", points=0.5, uses=("affine_qparams", "affine_quantize", "affine_dequantize"))
def test_mse_range_never_worse_than_minmax(
    student, affine_qparams, affine_quantize, affine_dequantize, credit
):
    """The MSE range quantizes the data at least as well as the min-max range (8-bit grid)."""
    rng = np.random.default_rng(7)
    sets = [rng.laplace(0, 1, 3000), np.maximum(rng.normal(0.3, 1, 3000), 0), rng.standard_t(3, 3000)]
    calls = [("calibrate_range", (a,), {"method": m}) for a in sets for m in ("mse", "minmax")]
    with prefetched(student, calls):
        for a in sets:
            with credit.part():
                errors = []
                for method in ("mse", "minmax"):
                    lo, hi = student.call("calibrate_range", a, method=method)
                    s, z = affine_qparams(min(float(lo), 0.0), max(float(hi), 0.0), 8)
                    codes = affine_quantize(a, s, z, -128, 127)
                    a_hat = np.asarray(affine_dequantize(codes, s, z), dtype=np.float64)
                    errors.append(float(np.mean((a_hat - a) ** 2)))
                assert errors[0] <= errors[1] * (1 + 1e-12), "the MSE range has a larger error than min-max"


@question("q9", points=0.25)
def test_equal_channel_scales_equal_one_scale(student):
    """A per-channel scale array with equal entries gives the per-tensor result."""
    rng = np.random.default_rng(9)
    xq = rng.integers(-128, 128, (5, 8)).astype(np.int8)
    wq = rng.integers(-127, 128, (4, 8)).astype(np.int8)
    bias = rng.normal(0, 0.3, 4)
    calls = [("int8_linear", (xq, 0.03, -7, wq, s, bias, 0.08, 3), {}) for s in (0.012, np.full(4, 0.012))]
    with prefetched(student, calls):
        a, b = (np.asarray(student.call(name, *args, **kwargs)) for name, args, kwargs in calls)
    assert a.shape == (5, 4) and np.array_equal(a, b), "equal per-channel scales change the result"


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
                assert got.shape == want.shape, "round_to_float_format should keep the shape of x"
                same = np.array_equal(got, want, equal_nan=True)
                assert same, "some values differ from ml_dtypes' rounding"


@question("q12", points=0.25)
def test_nf4_matches_bitsandbytes(student):
    """normal_float_levels() is bitsandbytes' published NF4 table to 2e-7 (bitsandbytes uses float32)."""
    levels = np.asarray(student.call("normal_float_levels"), dtype=np.float64)
    assert levels.shape == (16,), "NF4 has 16 levels"
    assert np.max(np.abs(levels - NF4_TABLE)) <= 2e-7, "the levels are not bitsandbytes' NF4 table"
