"""Return quantkit's own MLP and an ONNX model where numbers are due (the wire carries neither)."""

NOTEBOOK = "04_nn_weights"
BASE = "stubs"
CELLS = {
    "q6_quantized_accuracy": """from quantkit.data import digits_mlp
from quantkit import nn

def quantized_accuracy(weights, n_bits, per_channel):
    return digits_mlp()  # an object whose accuracy() a naive grader might call

def quantize_per_channel(w, n_bits=8, axis=0):
    return nn.to_onnx(digits_mlp()), digits_mlp()

accuracy_table = digits_mlp()
""",
}
EXPECT = {"at_most": "stubs", "status": "graded"}
