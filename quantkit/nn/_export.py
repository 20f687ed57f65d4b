"""Deployment plumbing: the MLP as an ONNX model (float or QDQ) run by ONNX Runtime, and as a TFLite model.

This module moves numbers into and out of file formats; it never chooses a scale, a zero point or a
rounding. The integer weights, scales, zero points and the int32 biases come from the caller (in the
course: from the student's own functions), and :func:`qdq_onnx` / :func:`tflite_model` write them
down exactly as given.

Layouts. :class:`~quantkit.nn.MLP` stores PyTorch-style weights, shape ``(n_out, n_in)``, one row per
output channel. ONNX's ``Gemm`` (``transB = 0``) and ``MatMul`` take ``(n_in, n_out)``, so the export
stores the transpose and the per-channel axis of its ``DequantizeLinear`` is 1; TFLite's
``FULLY_CONNECTED`` and ``CONV_2D`` filters are ``(n_out, ..., n_in)`` with channel axis 0, like PyTorch.

ONNX Runtime and ``onnx`` are imported on first use, LiteRT (``ai-edge-litert``, optional) too.
"""

from __future__ import annotations

import contextlib
import logging
import math
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from quantkit.nn._mlp import MLP

if TYPE_CHECKING:  # pragma: no cover
    import onnx

__all__ = [
    "OPTIMIZATION_LEVELS",
    "QDQParams",
    "QuantizedLayer",
    "calibration_reader",
    "qdq_onnx",
    "quiet_onnxruntime",
    "read_qdq",
    "run_onnx",
    "run_tflite",
    "tflite_model",
    "to_onnx",
]

#: ONNX opset of the exported models (per-axis ``DequantizeLinear`` needs 13 or newer).
OPSET = 17
#: ``run_onnx``'s names for ONNX Runtime's graph optimization levels.
OPTIMIZATION_LEVELS = ("disabled", "basic", "extended", "all")
_INT8 = (-128, 127)
_INT32 = (-(2**31), 2**31 - 1)


class QuantizedLayer(NamedTuple):
    """One fully connected layer in integers: ``y = W x + b`` with ``W = weight_scale * weight``.

    Attributes
    ----------
    weight : numpy.ndarray
        Integer codes, shape ``(n_out, n_in)`` (PyTorch layout), values in [-128, 127]; symmetric
        (zero point 0).
    weight_scale : numpy.ndarray
        float32, shape ``(n_out,)`` (one scale per output channel) or ``()`` (one for the tensor).
    bias : numpy.ndarray
        int32 codes, shape ``(n_out,)``, in units of ``input_scale * weight_scale``.
    """

    weight: np.ndarray
    weight_scale: np.ndarray
    bias: np.ndarray


class QDQParams(NamedTuple):
    """What a QDQ model stores: its layers in integers and the (scale, zero point) of every activation.

    Attributes
    ----------
    layers : tuple of QuantizedLayer
        In order, first layer first.
    activations : tuple of (float, int)
        ``(scale, zero_point)`` of the input, of each hidden layer's output and of the output
        (``len(layers) + 1`` pairs); scales are float32 values, zero points int8 values.
    """

    layers: tuple[QuantizedLayer, ...]
    activations: tuple[tuple[float, int], ...]


# ------------------------------------------------------------------------------------------- checks


def _int_array(value: Any, what: str, bounds: tuple[int, int], ndim: int) -> np.ndarray:
    array = np.asarray(value)
    if array.dtype.kind not in "iu":
        raise TypeError(f"{what} must hold integers (any integer dtype), got dtype {array.dtype}")
    if array.ndim != ndim:
        raise ValueError(f"{what} must be {ndim}-D, got shape {array.shape}")
    if array.size and (array.min() < bounds[0] or array.max() > bounds[1]):
        raise ValueError(
            f"{what} has values from {array.min()} to {array.max()}, outside [{bounds[0]}, {bounds[1]}]"
        )
    return array.astype(np.int64)


def _scales(value: Any, what: str, n: int) -> np.ndarray:
    array = np.asarray(value, dtype=np.float64)
    if array.shape not in ((), (n,)):
        raise ValueError(
            f"{what} must be one scale (shape ()) or one per output channel ({n},), got {array.shape}"
        )
    if not np.all(np.isfinite(array)) or np.any(array <= 0):
        raise ValueError(f"{what} must be positive and finite")
    return array.astype(np.float32)


def _activations(activations: Sequence[Any], n_layers: int) -> list[tuple[np.float32, int]]:
    if isinstance(activations, np.ndarray) or len(activations) != n_layers + 1:
        raise ValueError(
            f"activations must list {n_layers + 1} (scale, zero_point) pairs: the input, each layer's "
            f"output; got {len(activations)}"
        )
    out = []
    for i, pair in enumerate(activations):
        if len(pair) != 2:
            raise ValueError(f"activations[{i}] must be a (scale, zero_point) pair, got {pair!r}")
        scale, zero_point = float(pair[0]), pair[1]
        if not (math.isfinite(scale) and scale > 0):
            raise ValueError(f"activations[{i}]: the scale must be positive and finite, got {scale}")
        if isinstance(zero_point, bool) or int(zero_point) != zero_point or not -128 <= zero_point <= 127:
            raise ValueError(
                f"activations[{i}]: the zero point must be an integer in [-128, 127], got {zero_point!r}"
            )
        out.append((np.float32(scale), int(zero_point)))
    return out


def _layers(layers: Sequence[Any]) -> list[QuantizedLayer]:
    if isinstance(layers, np.ndarray) or not len(layers):
        raise ValueError("layers must be a non-empty list of (weight, weight_scale, bias) triples")
    checked = []
    for i, layer in enumerate(layers):
        if len(layer) != 3:
            raise ValueError(f"layers[{i}] must be a (weight, weight_scale, bias) triple")
        weight = _int_array(layer[0], f"layers[{i}].weight", _INT8, 2)
        n_out = weight.shape[0]
        scale = _scales(layer[1], f"layers[{i}].weight_scale", n_out)
        bias = _int_array(layer[2], f"layers[{i}].bias", _INT32, 1)
        if bias.shape != (n_out,):
            raise ValueError(f"layers[{i}].bias must have shape ({n_out},), got {bias.shape}")
        if i and weight.shape[1] != checked[-1].weight.shape[0]:
            raise ValueError(
                f"layers[{i}] takes {weight.shape[1]} inputs but layers[{i - 1}] has "
                f"{checked[-1].weight.shape[0]} outputs"
            )
        checked.append(QuantizedLayer(weight.astype(np.int8), scale, bias.astype(np.int32)))
    return checked


# --------------------------------------------------------------------------------------------- ONNX


def _finish(nodes: list, inits: list, n_in: int, n_out: int, name: str) -> onnx.ModelProto:
    import onnx
    from onnx import TensorProto, helper

    graph = helper.make_graph(
        nodes,
        name,
        [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", n_in])],
        [helper.make_tensor_value_info("logits", TensorProto.FLOAT, ["N", n_out])],
        inits,
    )
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)], producer_name="quantkit")
    model.ir_version = 8  # readable by every ONNX Runtime of the tested range
    onnx.checker.check_model(model)
    return model


def to_onnx(model: MLP) -> onnx.ModelProto:
    """The float MLP as an ONNX model: ``Gemm`` (weights stored ``(n_in, n_out)``) and ``Relu`` nodes.

    Parameters
    ----------
    model : quantkit.nn.MLP
        The network; its weights are written as float32.

    Returns
    -------
    onnx.ModelProto
        Opset 17; input ``"x"`` (float32, shape (N, n_in)), output ``"logits"`` (float32, (N, n_out));
        the initializers are named ``fc1.weight``, ``fc1.bias``, ... as in the bundled file.

    Examples
    --------
    >>> import numpy as np
    >>> from quantkit.data import digits, digits_mlp
    >>> model = digits_mlp()
    >>> onnx_model = to_onnx(model)
    >>> [node.op_type for node in onnx_model.graph.node]
    ['Gemm', 'Relu', 'Gemm', 'Relu', 'Gemm']
    >>> X = digits()[2][:5]
    >>> bool(np.allclose(run_onnx(onnx_model, X), model.forward(X), atol=1e-4))
    True

    Used in: notebooks/04_nn_weights.ipynb
    """
    from onnx import helper, numpy_helper

    if not isinstance(model, MLP):
        raise TypeError(f"model must be a quantkit.nn.MLP, got {type(model).__name__}")
    nodes, inits = [], []
    h = "x"
    last = len(model.weights) - 1
    for i, (name, w, b) in enumerate(zip(model.layer_names, model.weights, model.biases, strict=True)):
        inits.append(numpy_helper.from_array(np.ascontiguousarray(w.T, dtype=np.float32), f"{name}.weight"))
        inits.append(numpy_helper.from_array(np.asarray(b, dtype=np.float32), f"{name}.bias"))
        out = "logits" if i == last else f"{name}_linear"
        nodes.append(helper.make_node("Gemm", [h, f"{name}.weight", f"{name}.bias"], [out], name=name))
        if i < last:
            nodes.append(helper.make_node("Relu", [out], [name], name=f"{name}_relu"))
            h = name
    return _finish(nodes, inits, model.sizes[0], model.sizes[-1], "mlp")


def qdq_onnx(layers: Sequence[Any], activations: Sequence[Any]) -> onnx.ModelProto:
    """An integer MLP as an ONNX model in QDQ format, with exactly the given integers and scales.

    Every tensor goes through ``QuantizeLinear`` / ``DequantizeLinear`` (QDQ): the input and each
    layer's output with its ``(scale, zero_point)``, each weight (int8, per-channel when its scale has
    one entry per row, stored transposed with axis 1) and each bias (int32, scale
    ``float32(input_scale) * float32(weight_scale)``, zero point 0). Hidden layers keep an explicit
    ``Relu`` before their ``QuantizeLinear``; ONNX Runtime removes it when the output zero point is
    -128 (the clamp does its job). At graph optimization level ``"extended"`` ONNX Runtime fuses each
    ``DequantizeLinear -> Gemm -> QuantizeLinear`` into an integer ``QGemm``.

    Parameters
    ----------
    layers : sequence of QuantizedLayer or (weight, weight_scale, bias) triples
        ``weight`` integer codes of shape (n_out, n_in) in [-128, 127] (PyTorch layout);
        ``weight_scale`` shape () or (n_out,), positive; ``bias`` integer codes of shape (n_out,) in
        the int32 range.
    activations : sequence of (scale, zero_point)
        ``len(layers) + 1`` pairs: the input's, then each layer's output's; zero points in [-128, 127].
        Scales are stored as float32 (as every model file stores them).

    Returns
    -------
    onnx.ModelProto
        Input ``"x"`` (float32), output ``"logits"`` (float32: the dequantized int8 output).

    Raises
    ------
    ValueError, TypeError
        With the layer and the problem named: wrong count, shape, dtype or range.

    Used in: notebooks/04_nn_weights.ipynb
    """
    from onnx import helper, numpy_helper

    checked = _layers(layers)
    acts = _activations(activations, len(checked))
    nodes, inits = [], []

    def qparams(name: str, scale: np.float32, zero_point: int) -> tuple[str, str]:
        inits.append(numpy_helper.from_array(np.array(scale, dtype=np.float32), f"{name}_scale"))
        inits.append(numpy_helper.from_array(np.array(zero_point, dtype=np.int8), f"{name}_zero_point"))
        return f"{name}_scale", f"{name}_zero_point"

    def q_dq(tensor: str, name: str, scale: np.float32, zero_point: int) -> str:
        s, z = qparams(name, scale, zero_point)
        nodes.append(
            helper.make_node("QuantizeLinear", [tensor, s, z], [f"{name}_q"], name=f"{name}_quantize")
        )
        out = f"{name}_dq" if name != "logits" else "logits"
        nodes.append(
            helper.make_node("DequantizeLinear", [f"{name}_q", s, z], [out], name=f"{name}_dequantize")
        )
        return out

    h = q_dq("x", "x", *acts[0])
    last = len(checked) - 1
    for i, layer in enumerate(checked):
        name = f"fc{i + 1}"
        n_out = layer.weight.shape[0]
        per_channel = layer.weight_scale.ndim == 1
        axis = {"axis": 1} if per_channel else {}
        inits.append(
            numpy_helper.from_array(np.ascontiguousarray(layer.weight.T), f"{name}.weight_quantized")
        )
        inits.append(numpy_helper.from_array(layer.weight_scale, f"{name}.weight_scale"))
        inits.append(
            numpy_helper.from_array(
                np.zeros(layer.weight_scale.shape, dtype=np.int8), f"{name}.weight_zero_point"
            )
        )
        nodes.append(
            helper.make_node(
                "DequantizeLinear",
                [f"{name}.weight_quantized", f"{name}.weight_scale", f"{name}.weight_zero_point"],
                [f"{name}.weight"],
                name=f"{name}_weight_dequantize",
                **axis,
            )
        )
        bias_scale = np.broadcast_to(acts[i][0] * layer.weight_scale, (n_out,)).astype(np.float32)
        inits.append(numpy_helper.from_array(layer.bias, f"{name}.bias_quantized"))
        inits.append(numpy_helper.from_array(bias_scale, f"{name}.bias_scale"))
        inits.append(numpy_helper.from_array(np.zeros(n_out, dtype=np.int32), f"{name}.bias_zero_point"))
        nodes.append(
            helper.make_node(
                "DequantizeLinear",
                [f"{name}.bias_quantized", f"{name}.bias_scale", f"{name}.bias_zero_point"],
                [f"{name}.bias"],
                name=f"{name}_bias_dequantize",
                axis=0,
            )
        )
        out_name = "logits" if i == last else name
        linear = f"{name}_linear"
        nodes.append(helper.make_node("Gemm", [h, f"{name}.weight", f"{name}.bias"], [linear], name=name))
        if i < last:
            nodes.append(helper.make_node("Relu", [linear], [f"{name}_relu"], name=f"{name}_relu"))
            linear = f"{name}_relu"
        h = q_dq(linear, out_name, *acts[i + 1])
    return _finish(nodes, inits, checked[0].weight.shape[1], checked[-1].weight.shape[0], "mlp_qdq")


def _as_model(model: Any) -> onnx.ModelProto:
    import onnx

    if isinstance(model, onnx.ModelProto):
        return model
    if isinstance(model, (bytes, bytearray)):
        return onnx.load_from_string(bytes(model))
    if isinstance(model, str) or hasattr(model, "__fspath__"):
        return onnx.load(model)
    raise TypeError(f"model must be an onnx.ModelProto, its bytes or a path, got {type(model).__name__}")


def run_onnx(model: Any, X: Any, *, optimization: str = "extended") -> np.ndarray:
    """Run an ONNX model with ONNX Runtime's CPU provider, one thread, a fixed graph optimization level.

    Parameters
    ----------
    model : onnx.ModelProto, bytes or path
        A model with one input (fed ``X`` as float32) and one output.
    X : array_like
        Inputs, shape (N, n_in).
    optimization : {"disabled", "basic", "extended", "all"}, default "extended"
        ONNX Runtime's ``GraphOptimizationLevel``: ``"extended"`` (``ORT_ENABLE_EXTENDED``) fuses QDQ
        groups into integer kernels (``QGemm``), ``"disabled"`` runs every node as written (float
        ``Gemm`` between ``DequantizeLinear`` and ``QuantizeLinear``).

    Returns
    -------
    numpy.ndarray
        The model's output (float32 for the course's models).

    Used in: notebooks/04_nn_weights.ipynb
    """
    import onnxruntime as ort

    if optimization not in OPTIMIZATION_LEVELS:
        raise ValueError(f"optimization must be one of {OPTIMIZATION_LEVELS}, got {optimization!r}")
    level = {
        "disabled": ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
        "basic": ort.GraphOptimizationLevel.ORT_ENABLE_BASIC,
        "extended": ort.GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
        "all": ort.GraphOptimizationLevel.ORT_ENABLE_ALL,
    }[optimization]
    options = ort.SessionOptions()
    options.graph_optimization_level = level
    options.intra_op_num_threads = 1
    options.inter_op_num_threads = 1
    options.log_severity_level = 3  # errors only: no hardware notices on stderr
    session = ort.InferenceSession(
        _as_model(model).SerializeToString(), options, providers=["CPUExecutionProvider"]
    )
    inputs = session.get_inputs()
    if len(inputs) != 1:
        raise ValueError(f"run_onnx runs models with one input, this one has {len(inputs)}")
    array = np.asarray(X, dtype=np.float32)
    (out,) = session.run([session.get_outputs()[0].name], {inputs[0].name: array})
    return np.asarray(out)


def read_qdq(model: Any) -> QDQParams:
    """Read the integers and scales out of a QDQ model made by :func:`qdq_onnx` or ONNX Runtime's
    ``quantize_static`` (QDQ format) from :func:`to_onnx`'s float model.

    Parameters
    ----------
    model : onnx.ModelProto, bytes or path
        A chain of ``Gemm`` layers whose weight, bias and input come from ``DequantizeLinear`` nodes
        and whose output (after an optional ``Relu``) goes into a ``QuantizeLinear``.

    Returns
    -------
    QDQParams
        Weights transposed back to the PyTorch layout ``(n_out, n_in)`` (int8), their float32 scales
        (shape (n_out,) when per channel), int32 biases, and the ``(scale, zero_point)`` of the input,
        of each hidden layer's output and of the output.

    Raises
    ------
    ValueError
        If the graph is not such a chain (the message says what is missing).

    Used in: notebooks/04_nn_weights.ipynb
    """
    from onnx import numpy_helper

    m = _as_model(model)
    inits = {t.name: numpy_helper.to_array(t) for t in m.graph.initializer}
    producers = {out: node for node in m.graph.node for out in node.output}
    consumers: dict[str, list] = {}
    for node in m.graph.node:
        for name in node.input:
            consumers.setdefault(name, []).append(node)

    def dq_of(tensor: str, what: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        node = producers.get(tensor)
        if node is None or node.op_type != "DequantizeLinear":
            raise ValueError(f"{what} {tensor!r} does not come from a DequantizeLinear node")
        data = inits.get(node.input[0])
        if data is None:  # an activation: DequantizeLinear(QuantizeLinear(...))
            data = np.empty(0)
        zero = inits[node.input[2]] if len(node.input) > 2 else np.zeros((), dtype=np.int8)
        return data, inits[node.input[1]], zero

    layers, activations = [], []
    for node in (n for n in m.graph.node if n.op_type == "Gemm"):
        attrs = {a.name: a for a in node.attribute}
        if "transB" in attrs and attrs["transB"].i:
            raise ValueError(f"Gemm {node.name!r} has transB = 1; read_qdq expects (n_in, n_out) weights")
        _, x_scale, x_zero = dq_of(node.input[0], f"the input of Gemm {node.name!r}")
        weight, w_scale, w_zero = dq_of(node.input[1], f"the weight of Gemm {node.name!r}")
        bias, _, _ = dq_of(node.input[2], f"the bias of Gemm {node.name!r}")
        if np.any(w_zero != 0):
            raise ValueError(f"the weight of Gemm {node.name!r} is not symmetric (zero point not 0)")
        if not activations:
            activations.append((float(x_scale), int(x_zero)))
        out = node.output[0]
        nxt = consumers.get(out, [])
        if len(nxt) == 1 and nxt[0].op_type == "Relu":
            out = nxt[0].output[0]
            nxt = consumers.get(out, [])
        quant = [n for n in nxt if n.op_type == "QuantizeLinear"]
        if len(quant) != 1:
            raise ValueError(f"the output of Gemm {node.name!r} does not go into one QuantizeLinear node")
        activations.append((float(inits[quant[0].input[1]]), int(inits[quant[0].input[2]])))
        layers.append(
            QuantizedLayer(
                np.ascontiguousarray(weight.T).astype(np.int8),
                np.asarray(w_scale, dtype=np.float32),
                np.asarray(bias, dtype=np.int32),
            )
        )
    if not layers:
        raise ValueError("the model has no Gemm node")
    return QDQParams(tuple(layers), tuple(activations))


def calibration_reader(X: Any, input_name: str = "x") -> Any:
    """A calibration data reader for ``onnxruntime.quantization.quantize_static``: all of ``X`` at once.

    Parameters
    ----------
    X : array_like
        Calibration inputs, shape (N, n_in) (converted to float32).
    input_name : str, default "x"
        The model's input name (:func:`to_onnx` names it ``"x"``).

    Returns
    -------
    onnxruntime.quantization.CalibrationDataReader
        Gives one batch, ``{input_name: X}``, then ``None``.

    Used in: notebooks/04_nn_weights.ipynb
    """
    from onnxruntime.quantization import CalibrationDataReader

    batch = np.asarray(X, dtype=np.float32)
    if batch.ndim != 2:
        raise ValueError(f"X must have shape (n_samples, n_in), got {batch.shape}")

    class _OneBatch(CalibrationDataReader):
        def __init__(self) -> None:
            self._batches: Iterator[dict[str, np.ndarray]] = iter([{input_name: batch}])

        def get_next(self) -> dict[str, np.ndarray] | None:
            return next(self._batches, None)

    return _OneBatch()


@contextlib.contextmanager
def quiet_onnxruntime() -> Iterator[None]:
    """Silence ONNX Runtime's advice printed on stderr (``quantize_static`` logs "consider
    pre-processing" through the root logger) for the duration of a ``with`` block.

    Used in: notebooks/04_nn_weights.ipynb
    """
    import onnxruntime as ort

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)
    ort.set_default_logger_severity(3)
    try:
        yield
    finally:
        root.setLevel(level)


# ------------------------------------------------------------------------------------------- TFLite


def _litert() -> tuple[Any, Any, Any]:
    try:
        import flatbuffers
        from ai_edge_litert import interpreter, schema_py_generated
    except ImportError as exc:  # pragma: no cover - depends on the optional extra
        raise ImportError(
            "LiteRT is not installed: `python -m pip install 'quantkit[litert]'` (ai-edge-litert, "
            "Linux, Apple-silicon macOS and Windows, about 60 MB) to run TFLite models"
        ) from exc
    return flatbuffers, interpreter, schema_py_generated


def tflite_model(layers: Sequence[Any], activations: Sequence[Any], batch: int) -> bytes:
    """An integer MLP as a TFLite flatbuffer, each layer a 1x1 ``CONV_2D`` with int8 in and out.

    A fully connected layer is a 1x1 convolution over a 1x1 image with ``n_in`` channels. The course
    writes it that way because LiteRT's reference ``CONV_2D`` kernel requantizes with TFLite's
    fixed-point ``MultiplyByQuantizedMultiplier`` (gemmlowp's ``SaturatingRoundingDoublingHighMul``
    and ``RoundingDivideByPOT``), while its reference ``FULLY_CONNECTED`` kernel has requantized in
    double precision since 2025 ("Make the fully_connected ref kernel do requant in float").

    Parameters
    ----------
    layers : sequence of QuantizedLayer or (weight, weight_scale, bias) triples
        As for :func:`qdq_onnx`.
    activations : sequence of (scale, zero_point)
        As for :func:`qdq_onnx`: the input's, then each layer's output's.
    batch : int
        The number of inputs the model takes at once (TFLite shapes are static).

    Returns
    -------
    bytes
        The ``.tflite`` file's contents (identifier ``TFL3``). The model's input and output are int8,
        shape (batch, 1, 1, n): the caller quantizes the input and reads integer outputs.

    Raises
    ------
    ImportError
        If the optional ``ai-edge-litert`` is not installed.

    Used in: notebooks/04_nn_weights.ipynb
    """
    flatbuffers, _, schema = _litert()
    checked = _layers(layers)
    acts = _activations(activations, len(checked))
    if isinstance(batch, bool) or int(batch) != batch or batch < 1:
        raise ValueError(f"batch must be a positive integer, got {batch!r}")
    tensors: list[Any] = []
    buffers = [schema.BufferT()]

    def quant(scale: Any, zero_point: Any) -> Any:
        params = schema.QuantizationParametersT()
        params.scale = [float(v) for v in np.atleast_1d(np.asarray(scale, dtype=np.float32))]
        params.zeroPoint = [int(v) for v in np.atleast_1d(zero_point)]
        params.quantizedDimension = 0
        return params

    def tensor(
        name: str, shape: tuple[int, ...], kind: int, params: Any, data: np.ndarray | None = None
    ) -> int:
        t = schema.TensorT()
        t.name, t.shape, t.type, t.quantization = name.encode(), list(shape), kind, params
        if data is not None:
            buf = schema.BufferT()
            buf.data = np.frombuffer(np.ascontiguousarray(data).tobytes(), dtype=np.uint8)
            buffers.append(buf)
            t.buffer = len(buffers) - 1
        tensors.append(t)
        return len(tensors) - 1

    n_in = checked[0].weight.shape[1]
    current = first = tensor("x", (batch, 1, 1, n_in), schema.TensorType.INT8, quant(*acts[0]))
    operators = []
    for i, layer in enumerate(checked):
        n_out, k = layer.weight.shape
        w_scale = np.broadcast_to(layer.weight_scale, (n_out,)).astype(np.float32)
        w = tensor(
            f"fc{i + 1}.weight", (n_out, 1, 1, k), schema.TensorType.INT8,
            quant(w_scale, np.zeros(n_out, dtype=int)), layer.weight.reshape(n_out, 1, 1, k),
        )  # fmt: skip
        bias_scale = (np.float64(acts[i][0]) * w_scale.astype(np.float64)).astype(np.float32)
        b = tensor(
            f"fc{i + 1}.bias",
            (n_out,),
            schema.TensorType.INT32,
            quant(bias_scale, np.zeros(n_out, dtype=int)),
            layer.bias,
        )  # fmt: skip
        y = tensor(f"fc{i + 1}", (batch, 1, 1, n_out), schema.TensorType.INT8, quant(*acts[i + 1]))
        op = schema.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = 0, [current, w, b], [y]
        op.builtinOptionsType = schema.BuiltinOptions.Conv2DOptions
        options = schema.Conv2DOptionsT()
        options.padding = schema.Padding.VALID
        options.strideW = options.strideH = options.dilationWFactor = options.dilationHFactor = 1
        options.fusedActivationFunction = schema.ActivationFunctionType.NONE
        op.builtinOptions = options
        operators.append(op)
        current = y
    subgraph = schema.SubGraphT()
    subgraph.tensors, subgraph.inputs, subgraph.outputs = tensors, [first], [current]
    subgraph.operators, subgraph.name = operators, b"main"
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.CONV_2D
    code.version = 3
    model = schema.ModelT()
    model.version, model.operatorCodes, model.subgraphs, model.buffers = 3, [code], [subgraph], buffers
    model.description = b"quantkit integer MLP"
    builder = flatbuffers.Builder(1024)
    builder.Finish(model.Pack(builder), file_identifier=b"TFL3")
    return bytes(builder.Output())


def run_tflite(model: bytes, xq: Any) -> np.ndarray:
    """Run a model from :func:`tflite_model` with LiteRT's reference kernels (``BUILTIN_REF``).

    The reference kernels are the specification: no optimized kernel or delegate (XNNPACK) that
    rounds differently takes part.

    Parameters
    ----------
    model : bytes
        The flatbuffer.
    xq : array_like of int
        The int8 input codes, shape (batch, n_in), values in [-128, 127].

    Returns
    -------
    numpy.ndarray
        int8 output codes, shape (batch, n_out).

    Used in: notebooks/04_nn_weights.ipynb
    """
    _, interpreter, _ = _litert()
    codes = _int_array(xq, "xq", _INT8, 2)
    runner = interpreter.Interpreter(
        model_content=bytes(model), experimental_op_resolver_type=interpreter.OpResolverType.BUILTIN_REF
    )
    (inp,) = runner.get_input_details()
    if tuple(inp["shape"]) != (codes.shape[0], 1, 1, codes.shape[1]):
        raise ValueError(
            f"xq must have shape {(int(inp['shape'][0]), int(inp['shape'][3]))} for this model, "
            f"got {codes.shape}"
        )
    runner.allocate_tensors()
    runner.set_tensor(inp["index"], codes.astype(np.int8).reshape(inp["shape"]))
    runner.invoke()
    (out,) = runner.get_output_details()
    result = runner.get_tensor(out["index"])
    return result.reshape(result.shape[0], -1).copy()
