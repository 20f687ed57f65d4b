"""quantkit: helpers for the Quantization for Students course."""

__version__ = "0.1.0"
