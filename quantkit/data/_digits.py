"""The 8x8 handwritten digits and the small pretrained network that classifies them."""

from __future__ import annotations

from functools import lru_cache

import numpy as np

from quantkit.data._files import bundled_path, read_npz
from quantkit.nn import MLP

__all__ = ["digits", "digits_mlp"]

DIGITS_FILE = "digits.npz"
MLP_FILE = "digits_mlp.npz"


@lru_cache(maxsize=1)
def _digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    stored = read_npz(bundled_path(DIGITS_FILE))
    X = stored["pixels"].astype(np.float32) / np.float32(16)
    y = stored["labels"].astype(np.int64)
    is_test = stored["is_test"]
    parts = (X[~is_test], y[~is_test], X[is_test], y[is_test])
    for part in parts:
        part.flags.writeable = False
    return parts


def digits() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The 8x8 handwritten-digit images, split into a fixed training and test set.

    Returns
    -------
    X_train : numpy.ndarray
        float32, shape (1347, 64): one flattened 8x8 image per row (row-major, so
        ``X_train.reshape(-1, 8, 8)`` gives the images), values in [0, 1] (the stored counts 0..16
        divided by 16, so every value is a multiple of 1/16).
    y_train : numpy.ndarray
        int64, shape (1347,), the digit 0..9 of each image.
    X_test : numpy.ndarray
        float32, shape (450, 64), as ``X_train``.
    y_test : numpy.ndarray
        int64, shape (450,).

    Fresh copies on every call.

    Notes
    -----
    Source: the 1797 images of the test part of "Optical Recognition of Handwritten Digits" by E.
    Alpaydin and C. Kaynak (UCI Machine Learning Repository, 1998, doi:10.24432/C50P49), licensed
    CC BY 4.0, as bundled by scikit-learn (``digits.csv.gz``) and converted once to
    ``quantkit/data/files/digits.npz`` (see ``files/SOURCES.md``; scikit-learn is not needed). Each
    pixel counts the "on" pixels of a 4x4 block of a 32x32 binary bitmap, hence 0..16.

    Split: stratified 75/25, drawn once with seed 0 and stored with the data (``python -m
    quantkit.data._make_digits`` redoes it): each digit contributes ``round(0.25 * count)`` images to
    the test set, 450 in all. Within each part the images keep their original order.

    Used in: notebooks/04_nn_weights.ipynb, notebooks/05_optimal_quantization.ipynb
    """
    return tuple(part.copy() for part in _digits())  # type: ignore[return-value]


@lru_cache(maxsize=1)
def _mlp_arrays() -> dict[str, np.ndarray]:
    return read_npz(bundled_path(MLP_FILE))


def digits_mlp() -> MLP:
    """A small pretrained multilayer perceptron for :func:`digits`: 64-128-64-10, ReLU, float32.

    Returns
    -------
    quantkit.nn.MLP
        ``weights`` are float32 arrays of shapes (128, 64), (64, 128), (10, 64) (PyTorch layout: one row
        per output unit) and ``biases`` float32 arrays of shapes (128,), (64,), (10,). Test accuracy
        on ``digits()``'s test set: 0.9733 (438 of 450). A new model (with its own read-only arrays)
        on every call.

    Notes
    -----
    Source: ``quantkit/data/files/digits_mlp.npz`` (keys ``fc1.weight``, ``fc1.bias``, ...; read with
    ``allow_pickle=False``), trained by this project with ``python -m quantkit.nn._train`` (NumPy only,
    seeded; the recipe, including why the rows of ``fc1`` and ``fc2`` have deliberately unequal
    scales, is in that module's docstring). Released under the project's licence (MIT); it is
    trained on the CC BY 4.0 digits data, whose attribution is in ``files/SOURCES.md``.

    The rows' unequal scales make weight quantization instructive: at 4 bits one scale per tensor
    loses accuracy visibly while one scale per row (per output channel) keeps almost all of it.

    Used in: notebooks/04_nn_weights.ipynb, notebooks/05_optimal_quantization.ipynb
    """
    arrays = _mlp_arrays()
    n_layers = len(arrays) // 2
    names = [f"fc{i + 1}" for i in range(n_layers)]
    return MLP(
        weights=tuple(arrays[f"{name}.weight"] for name in names),
        biases=tuple(arrays[f"{name}.bias"] for name in names),
    )
