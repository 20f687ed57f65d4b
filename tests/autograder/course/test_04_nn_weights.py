"""Notebook 04, "Neural-network weights": what is specific to it, worked out by hand or by the tools.

The generic contract (spec, release, points, mistakes, styles, references, grading) is checked for
every notebook by test_course.py (`quantgrade verify`). Here: the solution's formulas on hand-computed
examples, the numbers the notebook's text quotes, and the external oracles the issue names (ONNX
Runtime, ml_dtypes, TFLite's LiteRT, bitsandbytes' NF4 table, ggml's Q4_0 layout). Each expected value
says where it comes from.
"""

from __future__ import annotations

import ast
import importlib.util
import math
import tempfile
from pathlib import Path
from typing import Any

import ml_dtypes
import nbformat
import numpy as np
import pytest
from course_helpers import notebook_namespace

from autograder.spec import Course
from quantkit import nn
from quantkit.data import digits, digits_mlp

SLUG = "04_nn_weights"
COURSE = Course(root=Path(__file__).resolve().parents[3])
HAS_LITERT = importlib.util.find_spec("ai_edge_litert") is not None


@pytest.fixture(scope="module")
def solution() -> dict[str, Any]:
    """The solution notebook's namespace after running its cells (hidden blocks and demo cells left out)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("QUANTKIT_GRADING", "1")
        return notebook_namespace(nbformat.read(COURSE.solution_path(SLUG), as_version=4))


@pytest.fixture(scope="module")
def onnxruntime_qdq() -> Any:
    """ONNX Runtime's quantize_static of the digits MLP (QDQ, per-channel int8, 300 calibration images)."""
    import onnx
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static

    model = digits_mlp()
    with tempfile.TemporaryDirectory() as tmp, nn.quiet_onnxruntime():
        onnx.save(nn.to_onnx(model), f"{tmp}/f.onnx")
        quantize_static(f"{tmp}/f.onnx", f"{tmp}/q.onnx", nn.calibration_reader(digits()[0][:300]),
                        quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)  # fmt: skip
        return onnx.load(f"{tmp}/q.onnx")


# ------------------------------------------------------------------------------ q1-q3: the affine map


@pytest.mark.parametrize(
    ("x_min", "x_max", "n_bits", "signed", "scale", "zero_point"),
    [
        (-1.0, 3.0, 8, True, 4 / 255, -64),  # the text's worked example: -128 + 1 / (4/255) = -64.25
        (-1.0, 1.0, 8, True, 2 / 255, 0),  # -128 + 127.5 = -0.5: ties to even give 0
        (-0.03125, 15.90625, 8, True, 1 / 16, -128),  # -128 + 0.5 = -127.5 -> -128 (even)
        (-1.0, 1.0, 8, False, 2 / 255, 128),  # 0 + 127.5 -> 128 (even)
        (2.0, 5.0, 8, True, 5 / 255, -128),  # extended to [0, 5]: Z = qmin
        (-3.0, -1.0, 8, True, 3 / 255, 127),  # extended to [-3, 0]: Z = qmax
        (0.0, 0.0, 8, True, 1.0, 0),  # degenerate: ONNX Runtime's (1.0, 0)
        (-0.25, 7.25, 4, True, 0.5, -8),  # 4 bits: -8 + 0.5 = -7.5 -> -8 (even)
    ],
)
def test_affine_qparams_hand_examples(solution, x_min, x_max, n_bits, signed, scale, zero_point):
    """S = range / (qmax - qmin) after extending the range to 0, Z = round_half_even(qmin - x_min / S)."""
    got_scale, got_zp = solution["affine_qparams"](x_min, x_max, n_bits, signed)
    assert math.isclose(got_scale, scale, rel_tol=1e-15) and got_zp == zero_point and type(got_zp) is int


@pytest.mark.parametrize(
    ("x_min", "x_max"), [(-1.0, 3.0), (0.0, 6.098), (-24.483, 37.988), (-0.5, 0.25), (2.0, 5.0), (0.0, 0.0)]
)
def test_affine_qparams_is_onnxruntimes_compute_scale_zp(solution, x_min, x_max):
    """ONNX Runtime's compute_scale_zp (quant_utils.py), given float32 ends, gives the course's S and Z.

    Its scale is float32: the course's float64 scale agrees to one float32 ulp, the zero point exactly.
    """
    from onnxruntime.quantization.quant_utils import compute_scale_zp

    lo, hi = np.float32(min(x_min, 0.0)), np.float32(max(x_max, 0.0))
    zp_ort, scale_ort = compute_scale_zp(lo, hi, np.int8(-128), np.int8(127))
    scale, zp = solution["affine_qparams"](float(lo), float(hi))
    assert int(zp_ort) == zp
    assert abs(float(scale_ort) - scale) <= 2.0**-23 * scale


def test_symmetric_qparams_and_the_int8_range(solution):
    """absmax / 127: 1.27 -> 0.01; 4 bits: 1 / 7; absmax 0 -> (1.0, 0)."""
    assert solution["symmetric_qparams"](1.27) == (1.27 / 127, 0)
    assert solution["symmetric_qparams"](1.0, 4) == (1 / 7, 0)
    assert solution["symmetric_qparams"](0.0) == (1.0, 0)


def test_affine_quantize_order_and_division(solution):
    """Round half to even, then + Z, then clamp; and a true division (fbgemm's example, QuantUtils.h)."""
    quantize = solution["affine_quantize"]
    # x / S = 2.5 -> 2, + 1 = 3 (rounding 2.5 + 1 = 3.5 would give 4); -2.5 -> -2, + 1 = -1
    assert quantize(np.array([1.25, -1.25]), 0.5, 1, -128, 127).tolist() == [3, -1]
    # 60 + 100 = 160 is clamped to 127 (clamping 60 first and adding 100 would give 160)
    assert quantize(np.array([30.0]), 0.5, 100, -128, 127).tolist() == [127]
    # fbgemm: 0.273939937f / 0.00214854861f = 127.49999 (code 127); times (1 / S) it is 127.5 (code 128)
    x, s = np.float32(0.273939937), np.float32(0.00214854861)
    assert int(quantize(x, s, 0, -128, 127)) == 127
    assert float(x * (np.float32(1) / s)) == 127.5
    # dequantizing int8 codes with zero point -128: 100 - (-128) = 228, not int8's wrap-around
    assert solution["affine_dequantize"](np.array([100], dtype=np.int8), 0.5, -128).tolist() == [114.0]


# --------------------------------------------------------------------- q4: ONNX Runtime, bit for bit


def test_per_channel_weights_are_onnxruntimes_bit_for_bit(solution, onnxruntime_qdq):
    """The issue's central claim: 8-bit quantize_per_channel gives quantize_static's weights and scales."""
    params = nn.read_qdq(onnxruntime_qdq)
    for w, layer in zip(digits_mlp().weights, params.layers, strict=True):
        q, scales = solution["quantize_per_channel"](w, 8)
        assert np.array_equal(q, layer.weight)
        assert scales.dtype == np.float32
        assert np.array_equal(scales.view(np.uint32), layer.weight_scale.view(np.uint32))


def test_integer_run_with_onnxruntimes_parameters_predicts_what_it_predicts(solution, onnxruntime_qdq):
    """At most 2 of the 450 test predictions differ (the issue); 0 here (onnxruntime 1.20 and 1.32).

    ONNX Runtime requantizes with a float multiplier, the course with TFLite's fixed point: a few dozen
    of the 4,500 int8 logits differ by one code, none by more.
    """
    params = nn.read_qdq(onnxruntime_qdq)
    X_test = solution["X_test"]
    layers = [(layer.weight, layer.weight_scale) for layer in params.layers]
    mine = solution["integer_model"](solution["model"], layers, list(params.activations), X_test)
    out_scale, out_zp = params.activations[-1]
    theirs = solution["affine_quantize"](nn.run_onnx(onnxruntime_qdq, X_test), out_scale, out_zp, -128, 127)
    assert int(np.sum(np.argmax(mine, 1) != np.argmax(theirs, 1))) <= 2
    assert int(np.abs(mine.astype(int) - theirs).max()) <= 1 and int(np.sum(mine != theirs)) <= 100


# -------------------------------------------------------------------------- q6: the quoted accuracies


def test_the_accuracies_the_text_quotes(solution):
    """Float 438/450 = 0.9733 (the MLP's docstring); 4 bits: 0.847 per tensor, 0.969 per channel (issue)."""
    table = solution["accuracy_table"]
    assert solution["float_accuracy"] == 438 / 450
    assert abs(table[2, 0] - 0.8467) < 1e-3 and abs(table[2, 1] - 0.9689) < 1e-3
    assert np.all(np.abs(table[0] - 438 / 450) <= 1 / 450)  # 8 bits keep the float accuracy
    groups = solution["scheme_weights"]("groups of 32", 4)
    accuracy = solution["model"].with_weights(groups).accuracy(solution["X_test"], solution["y_test"])
    assert abs(accuracy - 0.9689) < 1e-3  # groups of 32: the same as per channel on this network


def test_bits_per_weight_closed_forms(solution):
    """Scales counted: n + 32 (128 + 64 + 10) / 17,024 per channel; groups of 32 (float16 scales) 4.5."""
    bpw = solution["bits_per_weight"]
    assert math.isclose(bpw("per-channel", 4), 4 + 32 * 202 / 17024)  # 4.380
    assert math.isclose(bpw("per-channel", 8), 8 + 32 * 202 / 17024)  # 8.380
    assert bpw("groups of 32", 4) == 4.5 and bpw("Q4_0") == 4.5 and bpw("NF4 (blocks of 64)") == 4.5
    assert bpw("float8_e4m3fn") == 8 and bpw("bfloat16") == 16
    assert solution["n_weights"] * 4 + solution["n_biases"] * 4 == 68_904  # float32 model bytes


# --------------------------------------------------------------------------------- q7: calibration


def test_calibrate_range_examples(solution):
    """min-max; percentiles by NumPy's linear interpolation; MSE clipping on heavy tails at 4 bits."""
    calibrate = solution["calibrate_range"]
    assert calibrate(np.array([0.5, -2.0, 3.0]), "minmax") == (-2.0, 3.0)
    assert calibrate(np.arange(101.0), "percentile", p=90) == (10.0, 90.0)  # indices 10.0 and 90.0
    assert calibrate(np.arange(101.0), "percentile", p=100) == (0.0, 100.0)
    x = np.random.default_rng(7).laplace(0.0, 1.0, 5000)
    lo, hi = calibrate(x, "mse", n_bits=4)
    assert x.min() < lo < 0 < hi < x.max()  # Laplacian tails are clipped at 4 bits

    def mse(r):
        s, z = solution["affine_qparams"](*r, 4)
        xq = solution["affine_dequantize"](solution["affine_quantize"](x, s, z, -8, 7), s, z)
        return float(np.mean((xq - x) ** 2))

    assert mse((lo, hi)) < mse((x.min(), x.max()))  # notebook 01's clipping trade-off again


# ------------------------------------------------------------- q8-q9: TFLite's fixed-point arithmetic


@pytest.mark.parametrize(
    ("m", "expected"),
    [
        (0.5, (1073741824, 0)),  # 0.5 * 2**31
        (0.75, (1610612736, 0)),  # 0.75 * 2**31
        (0.1, (1717986918, -3)),  # 0.1 = 0.8 * 2**-3, 0.8 * 2**31 = 1717986918.4
        (1 / 3, (1431655765, -1)),  # 1/3 = 0.667 * 2**-1, 2**31 * 2/3 = 1431655765.33
        (0.0, (0, 0)),
        (1 - 2.0**-40, (1073741824, 1)),  # rounds to 2**31: halved, shift + 1
    ],
)
def test_quantize_multiplier_is_tflites(solution, m, expected):
    """The issue's examples, and QuantizeMultiplier's carry (quantization_util.cc)."""
    assert solution["quantize_multiplier"](m) == expected


def test_multiply_by_quantized_multiplier_is_tflites(solution):
    """M = 0.1: 5, -5, 15, 12345 give 1, -1, 2, 1235 (the issue); -2160 M = -6.498 gives -7."""
    multiply = solution["multiply_by_quantized_multiplier"]
    assert multiply(np.array([5, -5, 15, 12345, -25]), 1717986918, -3).tolist() == [1, -1, 2, 1235, -3]
    mult, shift = solution["quantize_multiplier"](0.0030084775072082522)
    assert (mult, shift) == (1653928001, -8)
    assert multiply(np.array([-2160, 2160]), mult, shift).tolist() == [-7, 7]  # exact rounding: -6.498 -> -6


@pytest.mark.skipif(not HAS_LITERT, reason="optional: python -m pip install 'quantkit[litert]'")
def test_integer_network_equals_litert_reference_kernels(solution):
    """The integer-only logits equal LiteRT's (BUILTIN_REF, each layer a 1x1 CONV_2D): 4,500 of 4,500."""
    model, X_test = solution["model"], solution["X_test"]
    layers = solution["integer_layers"](model)
    acts = solution["activation_params"](model, solution["X_calib"])
    biases = solution["bias_codes"](model, layers, acts)
    triples = [(q, s, b) for (q, s), b in zip(layers, biases, strict=True)]
    tflite = nn.tflite_model(triples, acts, batch=len(X_test))
    xq = solution["affine_quantize"](X_test, *acts[0], -128, 127).astype(np.int8)
    assert np.array_equal(nn.run_tflite(tflite, xq), solution["integer_model"](model, layers, acts, X_test))


# ------------------------------------------------------------------------------ q11: float formats


def test_round_to_float_format_is_ml_dtypes(solution):
    """Bit for bit with ml_dtypes on 50,000 values over 17 decades, plus ties, subnormals and overflow."""
    rng = np.random.default_rng(2404)
    x = rng.normal(0, 1, 50_000) * 10.0 ** rng.uniform(-10, 7, 50_000)
    ties = [1 + 2.0**-11, 1 + 3 * 2.0**-11, 1 + 2.0**-8, 2.0**-25, 3 * 2.0**-26, 2.0**-10, 3 * 2.0**-10]
    x = np.concatenate([x, ties, [464.0, 465.0, 61439.0, 61440.0, np.inf, -np.inf, np.nan]])
    formats = [(5, 10, np.float16), (8, 7, ml_dtypes.bfloat16), (5, 2, ml_dtypes.float8_e5m2),
               (4, 3, ml_dtypes.float8_e4m3fn)]  # fmt: skip
    for e, m, dtype in formats:
        with np.errstate(over="ignore"):
            want = x.astype(dtype).astype(np.float64)
        assert np.array_equal(solution["round_to_float_format"](x, e, m, False), want, equal_nan=True), dtype
    e4m3 = solution["round_to_float_format"](np.array([464.0, 465.0, -1e4]), 4, 3, True)
    assert e4m3.tolist() == [448.0, 448.0, -448.0]  # saturating: ONNX's Cast(saturate=1)


# ------------------------------------------------------------------------ q12: 4-bit weights for LLMs


def test_nf4_is_bitsandbytes_table(solution):
    """bitsandbytes' get_4bit_type("nf4") table (functional.py, copied in the hidden tests) to about 1e-7.

    bitsandbytes builds it with float32 torch.linspace and division; the course in float64: 1.08e-7 apart.
    """
    tree = ast.parse(COURSE.hidden_tests_path(SLUG).read_text(encoding="utf-8"))
    assigns = [n for n in tree.body if isinstance(n, ast.Assign) and isinstance(n.targets[0], ast.Name)]
    node = next(n.value for n in assigns if n.targets[0].id == "NF4_TABLE")
    table = np.array(ast.literal_eval(node.args[0]))
    levels = solution["normal_float_levels"]()
    assert levels.shape == (16,) and levels[0] == -1.0 and levels[7] == 0.0 and levels[-1] == 1.0
    assert 1e-8 < np.max(np.abs(levels - table)) < 1.2e-7


def test_q4_0_block_by_hand(solution):
    """ggml's quantize_row_q4_0_ref on one block: d = (signed value of largest magnitude) / -8.

    Block: 4.0 at index 0, then 1.0, -1.0, 0.5 and zeros: d = 4 / -8 = -0.5, 1/d = -2; codes
    min(15, trunc(x * -2 + 8.5)): 4 -> trunc(0.5) = 0, 1 -> trunc(6.5) = 6, -1 -> trunc(10.5) = 10,
    0.5 -> trunc(7.5) = 7, 0 -> 8; dequantized (q - 8) * d: 4, 1, -1, 0.5, 0. 18 bytes per block.
    """
    block = np.zeros(32, dtype=np.float32)
    block[:4] = [4.0, 1.0, -1.0, 0.5]
    raw, dequantized = solution["q4_0"](block.reshape(1, 32))
    assert len(raw) == 18 and raw[:2] == np.float16(-0.5).tobytes()
    assert raw[2] == 0 | (8 << 4) and raw[3] == 6 | (8 << 4)  # elements 0 and 16, 1 and 17 share a byte
    assert np.array_equal(dequantized[0, :4], [4.0, 1.0, -1.0, 0.5]) and not dequantized[0, 4:].any()
