"""Tests for quantkit.nn's deployment plumbing: ONNX (float, QDQ) with ONNX Runtime, TFLite with LiteRT.

Reference values: a one-layer integer network worked out by hand in the comments; the digits MLP's float
forward pass (quantkit.nn.MLP); ONNX Runtime's per-channel weight rule as read in its source
(onnxruntime/quantization/quant_utils.py: compute_scale_zp with symmetric=True gives
scale = float32(2 * absmax / 254), quantize_nparray gives clip(round_half_even(w / scale), -127, 127));
and TFLite's fixed-point requantization examples (gemmlowp fixedpoint.h, TFLite common.cc: with
multiplier 0.1 the accumulators 5, -5, 15, 25, -25 give 1, -1, 2, 3, -3).
"""

from __future__ import annotations

import doctest
import importlib.util
import tempfile

import numpy as np
import pytest

from quantkit.data import digits, digits_mlp
from quantkit.nn import (
    QuantizedLayer,
    _export,
    calibration_reader,
    qdq_onnx,
    quiet_onnxruntime,
    read_qdq,
    run_onnx,
    run_tflite,
    tflite_model,
    to_onnx,
)

HAS_LITERT = importlib.util.find_spec("ai_edge_litert") is not None


def _one_layer(out_scale: float = 0.125) -> tuple[list[QuantizedLayer], list[tuple[float, int]]]:
    """x -> 0.5 * [[1, -2]] x + bias, bias code 3 in units of 0.25 * 0.5; input scale 0.25, zero point 0."""
    layer = QuantizedLayer(np.array([[1, -2]], dtype=np.int8), np.float32(0.5), np.array([3], dtype=np.int32))
    return [layer], [(0.25, 0), (out_scale, 0)]


@pytest.mark.parametrize("optimization", ["disabled", "extended"])
def test_qdq_one_layer_by_hand(optimization: str) -> None:
    layers, acts = _one_layer()
    # x = [1.0, 0.5] -> codes [4, 2]; acc = 4*1 + 2*(-2) + 3 = 3; y = 0.25 * 0.5 * 3 = 0.375 = 3 * 0.125
    out = run_onnx(qdq_onnx(layers, acts), np.array([[1.0, 0.5]]), optimization=optimization)
    np.testing.assert_array_equal(out, [[0.375]])
    assert out.dtype == np.float32


@pytest.mark.parametrize("per_channel", [True, False])
def test_read_qdq_gives_back_what_qdq_onnx_wrote(per_channel: bool) -> None:
    rng = np.random.default_rng(0)
    w = rng.integers(-127, 128, size=(3, 5)).astype(np.int8)
    scale = np.array([0.1, 0.2, 0.3], dtype=np.float32) if per_channel else np.float32(0.2)
    layers = [QuantizedLayer(w, scale, np.array([1, -2, 3], dtype=np.int32)),
              (rng.integers(-127, 128, size=(2, 3)), 0.05, np.array([0, 7]))]  # fmt: skip
    acts = [(0.01, -3), (0.02, -128), (0.5, 4)]
    params = read_qdq(qdq_onnx(layers, acts))
    np.testing.assert_array_equal(params.layers[0].weight, w)
    np.testing.assert_array_equal(params.layers[0].weight_scale, np.asarray(scale, dtype=np.float32))
    np.testing.assert_array_equal(params.layers[1].bias, [0, 7])
    assert [z for _, z in params.activations] == [-3, -128, 4]
    np.testing.assert_allclose([s for s, _ in params.activations], [0.01, 0.02, 0.5], rtol=1e-7)


def test_float_model_matches_the_numpy_forward_pass() -> None:
    model = digits_mlp()
    X = digits()[2]
    out = run_onnx(to_onnx(model), X)
    np.testing.assert_allclose(out, model.forward(X), atol=1e-4)  # float32 in ONNX Runtime, float64 in numpy
    assert [n.op_type for n in to_onnx(model).graph.node] == ["Gemm", "Relu", "Gemm", "Relu", "Gemm"]


def test_quantize_static_per_channel_weights_follow_the_rule_read_in_its_source() -> None:
    """ONNX Runtime's own int8 per-channel weights (the notebook's bit-for-bit oracle)."""
    import onnx
    from onnxruntime.quantization import QuantFormat, QuantType, quantize_static

    model = digits_mlp()
    X_train = digits()[0]
    with tempfile.TemporaryDirectory() as tmp, quiet_onnxruntime():
        onnx.save(to_onnx(model), f"{tmp}/f.onnx")
        quantize_static(f"{tmp}/f.onnx", f"{tmp}/q.onnx", calibration_reader(X_train[:100]),
                        quant_format=QuantFormat.QDQ, per_channel=True,
                        activation_type=QuantType.QInt8, weight_type=QuantType.QInt8)  # fmt: skip
        params = read_qdq(f"{tmp}/q.onnx")
    for w, layer in zip(model.weights, params.layers, strict=True):
        scale = (2.0 * np.abs(w).max(axis=1).astype(np.float64) / 254).astype(np.float32)
        np.testing.assert_array_equal(layer.weight_scale.view(np.uint32), scale.view(np.uint32))
        np.testing.assert_array_equal(layer.weight, np.clip(np.round(w / scale[:, None]), -127, 127))
    assert params.activations[0] == (pytest.approx(1 / 255, rel=1e-7), -128)  # inputs in [0, 1]


def test_qdq_model_of_the_digits_mlp_runs_as_integer_kernels() -> None:
    """ONNX Runtime fuses every DequantizeLinear -> Gemm -> QuantizeLinear into QGemm at "extended"."""
    import onnxruntime as ort

    params = read_qdq(_export.qdq_onnx(*_digits_int8()))
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED
    with tempfile.TemporaryDirectory() as tmp:
        options.optimized_model_filepath = f"{tmp}/opt.onnx"
        model = qdq_onnx(*params).SerializeToString()
        ort.InferenceSession(model, options, providers=["CPUExecutionProvider"])
        import onnx

        ops = {n.op_type for n in onnx.load(f"{tmp}/opt.onnx").graph.node}
    assert "QGemm" in ops and "Gemm" not in ops and "Relu" not in ops


def _digits_int8() -> tuple[list[tuple], list[tuple[float, int]]]:
    """Per-channel int8 weights of the digits MLP (test-only rule), int32 biases, fixed activation ranges."""
    model = digits_mlp()
    acts = [(1 / 255, -128), (6.1 / 255, -128), (15.9 / 255, -128), (62.5 / 255, -32)]
    layers = []
    for i, (w, b) in enumerate(zip(model.weights, model.biases, strict=True)):
        s = (np.abs(w).max(axis=1) / np.float32(127)).astype(np.float32)
        wq = np.clip(np.round(w / s[:, None]), -127, 127).astype(np.int8)
        layers.append((wq, s, np.round(b / (np.float32(acts[i][0]) * s)).astype(np.int32)))
    return layers, acts


Z2, B2, ACTS = np.zeros((2, 2), int), np.zeros(2, int), [(1.0, 0), (1.0, 0)]


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda: qdq_onnx([(np.zeros((2, 2)), 1.0, B2)], ACTS), "integers"),
        (lambda: qdq_onnx([(Z2, 1.0, np.zeros(3, int))], ACTS), r"shape \(2,\)"),
        (lambda: qdq_onnx([(np.full((2, 2), 200), 1.0, B2)], ACTS), "outside"),
        (lambda: qdq_onnx([(Z2, 1.0, B2)], [(1.0, 0)]), "2 \\(scale"),
        (lambda: qdq_onnx([(Z2, -1.0, B2)], ACTS), "positive"),
        (lambda: qdq_onnx([(Z2, 1.0, B2)], [(1.0, 0), (1.0, 300)]), "zero point"),
        (lambda: run_onnx(to_onnx(digits_mlp()), np.zeros((1, 64)), optimization="max"), "optimization"),
        (lambda: to_onnx("model"), "MLP"),
    ],
)
def test_bad_input_is_refused_in_plain_words(call, words: str) -> None:
    with pytest.raises((ValueError, TypeError), match=words):
        call()


def test_calibration_reader_gives_one_batch() -> None:
    reader = calibration_reader(np.ones((3, 4)), input_name="x")
    batch = reader.get_next()
    assert set(batch) == {"x"} and batch["x"].dtype == np.float32 and batch["x"].shape == (3, 4)
    assert reader.get_next() is None


def test_docstring_examples_run() -> None:
    failures, tried = doctest.testmod(_export, verbose=False)
    assert tried >= 1 and failures == 0


@pytest.mark.skipif(not HAS_LITERT, reason="optional: python -m pip install 'quantkit[litert]'")
def test_litert_reference_kernels_use_tflite_double_rounding() -> None:
    # One output per accumulator: weights 0, bias codes = the accumulators, M = 1 * 1 / 10 = 0.1.
    acc = np.array([5, -5, 15, 25, -25, 1234], dtype=np.int32)
    layer = QuantizedLayer(np.zeros((acc.size, 1), dtype=np.int8), np.float32(1.0), acc)
    out = run_tflite(tflite_model([layer], [(1.0, 0), (10.0, 0)], batch=1), np.zeros((1, 1), dtype=np.int8))
    np.testing.assert_array_equal(out, [[1, -1, 2, 3, -3, 123]])  # 1234 * 0.1 = 123.4 -> 123
    assert out.dtype == np.int8


@pytest.mark.skipif(not HAS_LITERT, reason="optional: python -m pip install 'quantkit[litert]'")
def test_litert_runs_the_digits_mlp_like_its_qdq_twin() -> None:
    layers, acts = _digits_int8()
    X = digits()[2][:20]
    xq = np.clip(np.round(X / np.float32(acts[0][0])) + acts[0][1], -128, 127).astype(np.int8)
    codes = run_tflite(tflite_model(layers, acts, batch=len(X)), xq)
    onnx_codes = np.round(run_onnx(qdq_onnx(layers, acts), X) / np.float32(acts[-1][0])) + acts[-1][1]
    assert codes.shape == (20, 10)
    assert np.abs(codes.astype(int) - onnx_codes).max() <= 1  # float vs fixed-point requantization
    with pytest.raises(ValueError, match="shape"):
        run_tflite(tflite_model(layers, acts, batch=len(X)), xq[:5])
