"""A small multilayer perceptron with a pure-NumPy forward pass."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

__all__ = ["MLP"]


def _as_layer_array(value: object, what: str) -> np.ndarray:
    """A read-only float copy of ``value``, or a plain-words error."""
    array = np.asarray(value)
    if array.dtype.kind not in "f":
        if array.dtype.kind in "iub":
            raise TypeError(
                f"{what} has integer dtype {array.dtype}; pass real-valued (float) weights: if you "
                "have integer codes, multiply them by their scale first"
            )
        raise TypeError(f"{what} must be a float array, got dtype {array.dtype}")
    if not np.all(np.isfinite(array)):
        raise ValueError(f"{what} contains NaN or infinite values")
    array = array.copy()
    array.flags.writeable = False
    return array


@dataclass(frozen=True, eq=False)
class MLP:
    """A fully connected ReLU network: ``Dense → ReLU → … → Dense`` (logits out).

    Layer ``i`` computes ``h @ weights[i].T + biases[i]``, followed by ReLU on every layer but the
    last. Weights follow the PyTorch convention: ``weights[i]`` has shape ``(n_out, n_in)``, so each
    *row* holds the incoming weights of one output unit (one output channel), and per-channel
    quantization means one scale per row.

    Parameters
    ----------
    weights : tuple of numpy.ndarray
        Float arrays, ``weights[i].shape == (n_out_i, n_in_i)`` with ``n_in_{i+1} == n_out_i``.
    biases : tuple of numpy.ndarray
        Float arrays, ``biases[i].shape == (n_out_i,)``.

    Notes
    -----
    The arrays are copied and made read-only, so a model cannot be changed after it is built: use
    :meth:`with_weights` to get a model with other (for example quantized) weights. Computation is in
    float64 whatever the weights' dtype, so the result shows the effect of the weights' values alone.

    Examples
    --------
    >>> from quantkit.data import digits, digits_mlp
    >>> X_train, y_train, X_test, y_test = digits()
    >>> model = digits_mlp()
    >>> model.sizes
    (64, 128, 64, 10)
    >>> round(model.accuracy(X_test, y_test), 3)
    0.973
    """

    weights: tuple[np.ndarray, ...]
    biases: tuple[np.ndarray, ...]

    def __post_init__(self) -> None:
        if isinstance(self.weights, np.ndarray) or isinstance(self.biases, np.ndarray):
            raise TypeError("weights and biases must be sequences of arrays (one per layer), not one array")
        weights = tuple(_as_layer_array(w, f"weights[{i}]") for i, w in enumerate(self.weights))
        biases = tuple(_as_layer_array(b, f"biases[{i}]") for i, b in enumerate(self.biases))
        if not weights:
            raise ValueError("an MLP needs at least one layer")
        if len(weights) != len(biases):
            raise ValueError(f"got {len(weights)} weight matrices but {len(biases)} bias vectors")
        for i, (w, b) in enumerate(zip(weights, biases, strict=True)):
            if w.ndim != 2:
                raise ValueError(f"weights[{i}] must be 2-D (n_out, n_in), got shape {w.shape}")
            if b.shape != (w.shape[0],):
                raise ValueError(
                    f"biases[{i}] must have shape ({w.shape[0]},) to match weights[{i}] {w.shape}, "
                    f"got {b.shape}"
                )
            if i and w.shape[1] != weights[i - 1].shape[0]:
                raise ValueError(
                    f"weights[{i}] takes {w.shape[1]} inputs but layer {i - 1} has "
                    f"{weights[i - 1].shape[0]} outputs"
                )
        object.__setattr__(self, "weights", weights)
        object.__setattr__(self, "biases", biases)

    @property
    def sizes(self) -> tuple[int, ...]:
        """Units per layer, input first: ``(64, 128, 64, 10)`` for the digits model."""
        return (self.weights[0].shape[1], *(w.shape[0] for w in self.weights))

    @property
    def layer_names(self) -> tuple[str, ...]:
        """Names of the layers in order: ``("fc1", "fc2", ...)`` (the keys of the stored file)."""
        return tuple(f"fc{i + 1}" for i in range(len(self.weights)))

    def __repr__(self) -> str:
        dtypes = sorted({str(w.dtype) for w in self.weights})
        return f"MLP({'-'.join(map(str, self.sizes))}, ReLU, weights {'/'.join(dtypes)})"

    def _inputs(self, X: object) -> np.ndarray:
        array = np.asarray(X)
        if array.dtype.kind not in "biuf":
            raise TypeError(f"X must be a numeric array, got dtype {array.dtype}")
        n_in = self.sizes[0]
        if array.ndim not in (1, 2) or array.shape[-1] != n_in:
            raise ValueError(
                f"X must have shape (n_samples, {n_in}) or ({n_in},), got {array.shape}"
                + (" (flatten images with X.reshape(len(X), -1))" if array.ndim == 3 else "")
            )
        return array.astype(np.float64)

    def forward(self, X: object) -> np.ndarray:
        """The logits (scores before softmax) for each input.

        Parameters
        ----------
        X : array_like
            Inputs of shape (n_samples, n_in), or one input of shape (n_in,).

        Returns
        -------
        numpy.ndarray
            float64 logits of shape (n_samples, n_out), or (n_out,) for one input.
        """
        h = self._inputs(X)
        last = len(self.weights) - 1
        for i, (w, b) in enumerate(zip(self.weights, self.biases, strict=True)):
            h = h @ w.T.astype(np.float64) + b.astype(np.float64)
            if i < last:
                h = np.maximum(h, 0.0)
        return h

    def predict(self, X: object) -> np.ndarray:
        """The predicted class of each input (index of the largest logit): int64, shape (n_samples,)."""
        return np.argmax(self.forward(X), axis=-1).astype(np.int64)

    def accuracy(self, X: object, y: object) -> float:
        """The fraction of inputs whose predicted class equals ``y``, a float in [0, 1].

        Parameters
        ----------
        X : array_like
            Inputs of shape (n_samples, n_in).
        y : array_like of int
            True classes, shape (n_samples,).
        """
        labels = np.asarray(y)
        if labels.dtype.kind not in "iu":
            raise TypeError(f"y must hold integer class labels, got dtype {labels.dtype}")
        predicted = self.predict(X)
        if predicted.ndim != 1 or labels.shape != predicted.shape:
            raise ValueError(
                f"y must have one label per input: X gives {predicted.shape}, y has shape {labels.shape}"
            )
        if labels.size == 0:
            raise ValueError("accuracy needs at least one input")
        return float(np.mean(predicted == labels))

    def with_weights(self, weights: Sequence[np.ndarray], biases: Sequence[np.ndarray] | None = None) -> MLP:
        """A copy of this model with other weights (and, optionally, other biases).

        Use it to try quantized weights: ``model.with_weights([my_quantize(w) for w in model.weights])``.

        Parameters
        ----------
        weights : sequence of numpy.ndarray
            One float array per layer, each with exactly the shape of the corresponding
            ``self.weights[i]``.
        biases : sequence of numpy.ndarray or None, default None
            New biases with the shapes of ``self.biases``; ``None`` keeps the current ones.

        Returns
        -------
        MLP
            A new model; this one is unchanged.

        Raises
        ------
        ValueError
            If the number of layers or any shape differs (the message names the layer).
        TypeError
            If an array is not a float array.
        """
        if isinstance(weights, np.ndarray) or isinstance(biases, np.ndarray):
            raise TypeError("weights and biases must be lists or tuples (one array per layer), not one array")
        new_weights = tuple(weights)
        new_biases = self.biases if biases is None else tuple(biases)
        for label, new, old in (("weights", new_weights, self.weights), ("biases", new_biases, self.biases)):
            if len(new) != len(old):
                raise ValueError(f"expected {len(old)} {label} arrays (one per layer), got {len(new)}")
            for i, (a, b) in enumerate(zip(new, old, strict=True)):
                shape = np.shape(a)
                if shape != b.shape:
                    raise ValueError(
                        f"{label}[{i}] ({self.layer_names[i]}) must have shape {b.shape}, got {shape}"
                    )
        return MLP(weights=new_weights, biases=new_biases)
