"""Train the digits MLP and write ``quantkit/data/files/digits_mlp.npz`` (NumPy only, seeded).

Run::

    python -m quantkit.nn._train                  # rewrites the bundled weights
    python -m quantkit.nn._train --out w.npz      # somewhere else

Recipe (every number is a constant below): a 64-128-64-10 ReLU network trained on the training part
of :func:`quantkit.data.digits` with softmax cross-entropy, mini-batches of 32 in a seeded order,
SGD with momentum 0.9, learning rate 0.05 on a cosine schedule, 40 epochs, no weight decay, all in
float64; the final weights and biases are rounded to float32.

Unequal channel scales, on purpose: real networks have output channels whose weights differ in scale
by large factors (batch-norm folding is a common cause), which is why per-channel quantization exists.
A freshly trained small MLP is too uniform to show it, so the initialization uses the rescaling
symmetry of ReLU: for each hidden unit ``j`` a factor ``s_j`` drawn log-uniformly from
[1/CHANNEL_SPREAD, CHANNEL_SPREAD] multiplies row ``j`` of the layer feeding it and divides column ``j``
of the layer it feeds, leaving the function unchanged. Plain gradient descent on a ReLU network nearly
conserves each unit's ``||incoming||² - ||outgoing||²`` (Du, Hu and Lee, NeurIPS 2018), so the spread
survives training: the largest ``|w|`` of the rows of ``fc1`` and ``fc2`` ranges over about 20× (0.11
to 2.2 and 0.22 to 5.0), and one scale per tensor wastes most of the levels on the few large rows.

Reproducibility: on the machine that made the committed file (OpenBLAS 0.3.31, Haswell kernels) the
result is byte-identical for 1 or 2 BLAS threads and across runs. A different BLAS or CPU may round
the float64 matrix products differently and end with slightly different weights.
"""

from __future__ import annotations

import argparse
from itertools import pairwise
from pathlib import Path

import numpy as np

from quantkit.data._files import FILES_DIR, write_npz
from quantkit.nn._mlp import MLP

SIZES = (64, 128, 64, 10)
SEED = 0
EPOCHS = 40
BATCH_SIZE = 32
LEARNING_RATE = 0.05
MOMENTUM = 0.9
CHANNEL_SPREAD = 4.0
OUTPUT = FILES_DIR / "digits_mlp.npz"


def _initial_parameters(rng: np.random.Generator) -> tuple[list[np.ndarray], list[np.ndarray]]:
    """He-normal weights, zero biases, then the per-unit rescaling described in the module docstring."""
    weights = [rng.normal(0.0, np.sqrt(2.0 / n_in), (n_out, n_in)) for n_in, n_out in pairwise(SIZES)]
    biases = [np.zeros(n_out) for n_out in SIZES[1:]]
    for i in range(len(weights) - 1):
        scale = np.exp(rng.uniform(-np.log(CHANNEL_SPREAD), np.log(CHANNEL_SPREAD), SIZES[i + 1]))
        weights[i] *= scale[:, None]
        weights[i + 1] /= scale[None, :]
    return weights, biases


def train_digits_mlp(X: np.ndarray, y: np.ndarray, seed: int = SEED, epochs: int = EPOCHS) -> MLP:
    """Train the network on ``X`` (float, (n, 64)) and ``y`` (int, (n,)); return it with float32 weights."""
    rng = np.random.default_rng(seed)
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.int64)
    weights, biases = _initial_parameters(rng)
    params = weights + biases
    velocity = [np.zeros_like(p) for p in params]
    n_layers = len(weights)
    for epoch in range(epochs):
        rate = LEARNING_RATE * 0.5 * (1.0 + np.cos(np.pi * epoch / epochs))
        order = rng.permutation(len(y))
        for start in range(0, len(y), BATCH_SIZE):
            batch = order[start : start + BATCH_SIZE]
            activations = [X[batch]]
            for i in range(n_layers):
                z = activations[-1] @ weights[i].T + biases[i]
                activations.append(np.maximum(z, 0.0) if i < n_layers - 1 else z)
            logits = activations[-1] - activations[-1].max(axis=1, keepdims=True)
            probs = np.exp(logits)
            probs /= probs.sum(axis=1, keepdims=True)
            grad = probs
            grad[np.arange(len(batch)), y[batch]] -= 1.0
            grad /= len(batch)
            grads_w: list[np.ndarray] = [np.empty(0)] * n_layers
            grads_b: list[np.ndarray] = [np.empty(0)] * n_layers
            for i in range(n_layers - 1, -1, -1):
                grads_w[i] = grad.T @ activations[i]
                grads_b[i] = grad.sum(axis=0)
                if i:
                    grad = (grad @ weights[i]) * (activations[i] > 0)
            for p, v, g in zip(params, velocity, grads_w + grads_b, strict=True):
                v *= MOMENTUM
                v += g
                p -= rate * v
    return MLP(
        weights=tuple(w.astype(np.float32) for w in weights),
        biases=tuple(b.astype(np.float32) for b in biases),
    )


def save_mlp(model: MLP, out: str | Path) -> Path:
    """Write ``model`` as ``fc1.weight``, ``fc1.bias``, ... (float32) with reproducible bytes."""
    arrays: dict[str, np.ndarray] = {}
    for name, w, b in zip(model.layer_names, model.weights, model.biases, strict=True):
        arrays[f"{name}.weight"] = np.asarray(w, dtype=np.float32)
        arrays[f"{name}.bias"] = np.asarray(b, dtype=np.float32)
    write_npz(out, arrays)
    return Path(out)


def main(argv: list[str] | None = None) -> int:
    from quantkit.data import digits

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"where to write (default: {OUTPUT})")
    args = parser.parse_args(argv)
    X_train, y_train, X_test, y_test = digits()
    model = train_digits_mlp(X_train, y_train)
    path = save_mlp(model, args.out)
    print(f"wrote {path}: train accuracy {model.accuracy(X_train, y_train):.4f}, "
          f"test accuracy {model.accuracy(X_test, y_test):.4f}")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
