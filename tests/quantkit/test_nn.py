"""Tests for quantkit.nn: the MLP's forward pass, its validation, and the training script.

Reference values: tiny networks whose outputs are computed by hand in the comments; the committed
weights file for the training reproduction.
"""

from __future__ import annotations

import doctest
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

from quantkit.data import digits, digits_mlp
from quantkit.data._files import FILES_DIR
from quantkit.nn import MLP, _mlp, _train


def _tiny(dtype: type = np.float32) -> MLP:
    """2 inputs -> 2 ReLU units -> 1 output.

    Hidden: h1 = relu(x1 - x2), h2 = relu(x2 + 1); output: y = 2 h1 - h2 + 0.5.
    """
    return MLP(
        weights=(np.array([[1.0, -1.0], [0.0, 1.0]], dtype=dtype), np.array([[2.0, -1.0]], dtype=dtype)),
        biases=(np.array([0.0, 1.0], dtype=dtype), np.array([0.5], dtype=dtype)),
    )


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_forward_matches_hand_computation(dtype: type) -> None:
    model = _tiny(dtype)
    X = np.array([[3.0, 1.0], [1.0, 3.0], [0.0, -2.0]])
    # [3, 1]: h = (2, 2) -> 4 - 2 + 0.5 = 2.5;  [1, 3]: h = (0, 4) -> -4 + 0.5 = -3.5
    # [0, -2]: h = (2, 0) -> 4 + 0.5 = 4.5 (the second unit is cut by ReLU)
    np.testing.assert_array_equal(model.forward(X), [[2.5], [-3.5], [4.5]])
    assert model.forward(X).dtype == np.float64
    np.testing.assert_array_equal(model.forward(X[0]), [2.5])  # one input, shape (n_in,)


@pytest.mark.parametrize("X_dtype", [np.uint8, np.int64, np.float32, np.float64])
def test_forward_accepts_numeric_inputs(X_dtype: type) -> None:
    np.testing.assert_array_equal(_tiny().forward(np.array([[3, 1]], dtype=X_dtype)), [[2.5]])


def test_predict_and_accuracy() -> None:
    # Last layer = identity on 2 classes: the prediction is the index of the larger input.
    model = MLP(weights=(np.eye(2, dtype=np.float32),), biases=(np.zeros(2, dtype=np.float32),))
    X = np.array([[1.0, 0.0], [0.0, 1.0], [2.0, 3.0], [5.0, 4.0]])
    predicted = model.predict(X)
    assert predicted.dtype == np.int64
    np.testing.assert_array_equal(predicted, [0, 1, 1, 0])
    assert model.accuracy(X, [0, 1, 1, 1]) == 0.75
    assert model.accuracy(X, np.array([0, 1, 1, 0], dtype=np.uint8)) == 1.0


def test_properties_and_repr() -> None:
    model = digits_mlp()
    assert model.sizes == (64, 128, 64, 10)
    assert model.layer_names == ("fc1", "fc2", "fc3")
    assert repr(model) == "MLP(64-128-64-10, ReLU, weights float32)"


def test_model_is_frozen_and_its_arrays_read_only() -> None:
    model = _tiny()
    with pytest.raises(AttributeError):
        model.weights = ()  # type: ignore[misc]
    with pytest.raises(ValueError, match="read-only"):
        model.weights[0][0, 0] = 5.0
    source = np.ones((1, 2), dtype=np.float32)
    copy = MLP(weights=(source,), biases=(np.zeros(1, dtype=np.float32),))
    source[0, 0] = 9.0  # changing the caller's array later does not change the model
    assert copy.weights[0][0, 0] == 1.0


def test_with_weights_swaps_weights_and_keeps_the_original() -> None:
    model = _tiny()
    doubled = model.with_weights([2 * w for w in model.weights])
    # Doubling every weight (biases kept): [3, 1] -> h = (4, 3) -> 4*4 - 2*3 + 0.5 = 10.5
    np.testing.assert_array_equal(doubled.forward([3.0, 1.0]), [10.5])
    np.testing.assert_array_equal(model.forward([3.0, 1.0]), [2.5])
    with_biases = model.with_weights(model.weights, biases=[np.zeros(2), np.zeros(1)])
    np.testing.assert_array_equal(with_biases.forward([3.0, 1.0]), [2 * 2 - 1])  # h = (2, 1)
    # A generator works too (it is read once).
    np.testing.assert_array_equal(model.with_weights(w for w in model.weights).forward([3.0, 1.0]), [2.5])


@pytest.mark.parametrize(
    ("weights", "biases", "error", "words"),
    [
        (lambda m: m.weights[:1], None, ValueError, "expected 2 weights arrays"),
        (lambda m: [m.weights[0][:, :1], m.weights[1]], None, ValueError, r"weights\[0\] \(fc1\) must have"),
        (lambda m: [m.weights[0], m.weights[1][None]], None, ValueError, r"weights\[1\] \(fc2\)"),
        (lambda m: m.weights, lambda m: [m.biases[0]], ValueError, "expected 2 biases arrays"),
        (lambda m: m.weights, lambda m: [m.biases[0][:1], m.biases[1]], ValueError, r"biases\[0\]"),
        (lambda m: np.stack([m.weights[0], m.weights[0]]), None, TypeError, "one array per layer"),
        (lambda m: [w.astype(np.int8) for w in m.weights], None, TypeError, "integer dtype"),
        (lambda m: [m.weights[0] * np.nan, m.weights[1]], None, ValueError, "NaN"),
    ],
)
def test_with_weights_rejects_bad_weights(weights, biases, error: type[Exception], words: str) -> None:
    model = _tiny()
    with pytest.raises(error, match=words):
        model.with_weights(weights(model), None if biases is None else biases(model))


@pytest.mark.parametrize(
    ("weights", "biases", "words"),
    [
        ((), (), "at least one layer"),
        ((np.ones((2, 3)),), (np.ones(2), np.ones(2)), "1 weight matrices but 2 bias"),
        ((np.ones(3),), (np.ones(1),), "must be 2-D"),
        ((np.ones((2, 3)),), (np.ones(3),), r"biases\[0\] must have shape \(2,\)"),
        ((np.ones((2, 3)), np.ones((1, 3))), (np.ones(2), np.ones(1)), "takes 3 inputs but layer 0 has 2"),
    ],
)
def test_constructor_rejects_inconsistent_layers(weights: tuple, biases: tuple, words: str) -> None:
    with pytest.raises(ValueError, match=words):
        MLP(weights=weights, biases=biases)


def test_constructor_rejects_non_float_arrays() -> None:
    with pytest.raises(TypeError, match="multiply them by their scale"):
        MLP(weights=(np.ones((2, 3), dtype=np.int8),), biases=(np.ones(2),))
    with pytest.raises(TypeError, match="float array"):
        MLP(weights=(np.array([["a", "b"]]),), biases=(np.ones(1),))


@pytest.mark.parametrize(
    ("X", "error", "words"),
    [
        (np.ones((4, 3)), ValueError, r"shape \(n_samples, 2\)"),
        (np.ones((4, 2, 1)), ValueError, "flatten images"),
        (np.array([["a", "b"]]), TypeError, "numeric"),
    ],
)
def test_forward_rejects_bad_inputs(X: np.ndarray, error: type[Exception], words: str) -> None:
    with pytest.raises(error, match=words):
        _tiny().forward(X)


def test_accuracy_rejects_bad_labels() -> None:
    X = np.ones((3, 2))
    with pytest.raises(ValueError, match="one label per input"):
        _tiny().accuracy(X, [0, 1])
    with pytest.raises(TypeError, match="integer class labels"):
        _tiny().accuracy(X, [0.0, 1.0, 0.0])
    with pytest.raises(ValueError, match="at least one input"):
        _tiny().accuracy(np.ones((0, 2)), np.array([], dtype=np.int64))


def test_docstring_example_runs() -> None:
    failures, tried = doctest.testmod(_mlp, verbose=False)
    assert tried >= 1 and failures == 0


def test_training_recipe_is_shaped_as_documented() -> None:
    """The initial rescaling leaves the network's function unchanged (ReLU is positively homogeneous)."""
    rng = np.random.default_rng(_train.SEED)
    weights, biases = _train._initial_parameters(rng)
    rescaled = MLP(tuple(w.astype(np.float64) for w in weights), tuple(biases))
    # Undo the scaling by re-deriving the unscaled network: same seed, spread 1.
    rng = np.random.default_rng(_train.SEED)
    plain = [rng.normal(0.0, np.sqrt(2.0 / a), (b, a)) for a, b in pairwise(_train.SIZES)]
    unscaled = MLP(tuple(plain), tuple(biases))
    X = digits()[0][:50]
    np.testing.assert_allclose(rescaled.forward(X), unscaled.forward(X), rtol=1e-10, atol=1e-12)
    row_peaks = np.abs(weights[0]).max(axis=1)
    assert row_peaks.max() / row_peaks.min() > 4  # the spread is there from the start


@pytest.mark.slow
def test_training_reproduces_the_committed_weights(tmp_path: Path) -> None:
    """Byte-identical on the machine that made the file (OpenBLAS 0.3.31, 1 or 2 threads).

    A different BLAS or CPU could round the float64 products differently; the failure message then
    reports the retrained accuracy so the two cases can be told apart.
    """
    X_train, y_train, X_test, y_test = digits()
    model = _train.train_digits_mlp(X_train, y_train)
    out = _train.save_mlp(model, tmp_path / "digits_mlp.npz")
    committed = digits_mlp()
    if out.read_bytes() != (FILES_DIR / "digits_mlp.npz").read_bytes():
        pairs = zip(model.weights, committed.weights, strict=True)
        largest = max(float(np.abs(a - b).max()) for a, b in pairs)
        pytest.fail(
            f"retrained weights differ from the committed file (largest difference {largest:.3g}); "
            f"retrained test accuracy {model.accuracy(X_test, y_test):.4f} vs committed "
            f"{committed.accuracy(X_test, y_test):.4f}; numpy {np.__version__}, {sys.platform}"
        )
    assert model.accuracy(X_test, y_test) == committed.accuracy(X_test, y_test)
