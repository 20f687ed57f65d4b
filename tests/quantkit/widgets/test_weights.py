"""Tests for quantkit.widgets.weights, BitWidthExplorer (notebook 04):
the explorers build and update headless, and show errors in plain words.

The quantizers and samplers here are written for the tests only (quantkit must not contain them).
"""

from __future__ import annotations

import numpy as np
import pytest

# ------------------------------------------------------------------------------- BitWidthExplorer
# Test-only quantizers with the signatures of notebook 04's graded functions.


def _per_channel(w, n_bits=8, axis=0):
    w = np.asarray(w, dtype=np.float32)
    qmax = 2 ** (n_bits - 1) - 1
    s = (np.abs(w).max(axis=1) / qmax).astype(np.float32)
    s[s == 0] = 1.0
    return np.clip(np.round(w / s[:, None]), -qmax, qmax).astype(np.int8), s


def _dequantize(q, scale, zero_point):
    return np.asarray(scale, dtype=np.float64) * (np.asarray(q, dtype=np.int64) - zero_point)


def _groups(w, group_size=32, n_bits=4):
    w = np.asarray(w, dtype=np.float32)
    qmax = 2 ** (n_bits - 1) - 1
    g = w.reshape(w.shape[0], -1, group_size)
    s = (np.abs(g).max(axis=2) / qmax).astype(np.float32)
    return np.clip(np.round(g / s[:, :, None]), -qmax, qmax).astype(np.int8).reshape(w.shape), s


def _float(x, exp_bits, man_bits, saturate):
    return np.asarray(x, dtype=np.float64).astype(np.float16).astype(np.float64)  # good enough for a test


@pytest.fixture(scope="module")
def digits_setup():
    from quantkit.data import digits, digits_mlp

    return digits_mlp(), digits()[2], digits()[3]


def test_bitwidth_explorer_per_tensor_vs_per_channel(digits_setup) -> None:
    from quantkit.widgets import bitwidth_explorer

    model, X, y = digits_setup
    ex = bitwidth_explorer(model, X, y, quantize_per_channel=_per_channel, affine_dequantize=_dequantize,
                           quantize_groups=_groups, round_to_float_format=_float)  # fmt: skip
    assert ex.status.startswith("4-bit per-channel: accuracy 96.9%")  # the notebook's 0.969 at 4 bits
    assert ex.update(scheme="per-tensor").startswith("4-bit per-tensor: accuracy 84.7%")  # and 0.847
    assert "groups" in ex.update(scheme="groups")
    assert ex.update(scheme="fp16").startswith("fp16: accuracy 97.3%") and ex.bits.disabled
    assert ex.student_seconds >= 0 and ex.kit_seconds > 0 and ex.image.value[:4] == b"\x89PNG"
    # model size: 17,024 weights at 4 bits = 8,512 bytes, 202 scales * 4, 202 biases * 4
    assert ex.model_bytes("per-channel", 4) == 8512 + 4 * 202 + 4 * 202
    assert ex.model_bytes("fp16", 4) == 2 * 17024 + 4 * 202


def test_bitwidth_explorer_messages(digits_setup) -> None:
    from quantkit.widgets import BitWidthExplorer

    model, X, y = digits_setup

    def stub(w, n_bits=8, axis=0):
        raise NotImplementedError

    ex = BitWidthExplorer(model, X, y, quantize_per_channel=stub, affine_dequantize=_dequantize)
    assert ex.status == "not implemented yet: write quantize_per_channel first"
    assert ex.update(scheme="groups") == "pass your quantize_groups to the explorer to use this scheme"
    with pytest.raises(TypeError, match="unknown control"):
        ex.update(colour="red")
    with pytest.raises(TypeError, match="MLP"):
        BitWidthExplorer("model", X, y)
