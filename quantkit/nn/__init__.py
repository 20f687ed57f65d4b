"""Neural-network helpers: a small multilayer perceptron with a pure-NumPy forward pass, and its
deployment plumbing (ONNX and ONNX Runtime, TFLite and LiteRT).

- :class:`MLP`: the network (the pretrained digits model is :func:`quantkit.data.digits_mlp`; the
  script that trained it is ``python -m quantkit.nn._train``).
- :func:`to_onnx`, :func:`qdq_onnx`, :func:`run_onnx`, :func:`read_qdq`, :func:`calibration_reader`,
  :func:`quiet_onnxruntime`: the float model and an integer (QDQ) model in ONNX, run by ONNX Runtime at
  a fixed graph optimization level, and the integers read back out of ONNX Runtime's own QDQ models.
- :func:`tflite_model`, :func:`run_tflite`: the integer model as a ``.tflite`` file run by LiteRT's
  reference kernels (optional: ``pip install 'quantkit[litert]'``).

The plumbing writes down integers and scales it is given; it never chooses them.
"""

from quantkit.nn._export import (
    QDQParams,
    QuantizedLayer,
    calibration_reader,
    qdq_onnx,
    quiet_onnxruntime,
    read_qdq,
    run_onnx,
    run_tflite,
    tflite_model,
    to_onnx,
)
from quantkit.nn._mlp import MLP

__all__ = [
    "MLP",
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
