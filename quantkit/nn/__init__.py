"""Neural-network helpers: a small multilayer perceptron with a pure-NumPy forward pass.

The pretrained digits model is loaded with :func:`quantkit.data.digits_mlp`; the script that trained
it is ``python -m quantkit.nn._train``.
"""

from quantkit.nn._mlp import MLP

__all__ = ["MLP"]
