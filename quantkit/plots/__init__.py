"""Plot helpers with one consistent course style.

Every helper returns ``(fig, ax)`` (or ``(fig, axes)``), accepts ``ax=`` where a single panel makes
sense, never calls ``plt.show()`` and leaves global matplotlib settings alone (the style is applied
with :func:`style`, a context manager). Helpers that take a student's function draw a
"not implemented yet" placeholder while that function still raises ``NotImplementedError``.

Used in: notebooks/01_sampling_quantization.ipynb, notebooks/03_images.ipynb
"""

from quantkit._style import style
from quantkit.plots._figures import (
    error_histogram,
    image_grid,
    metric_vs_bits,
    placeholder,
    sampled_signal,
    signal_and_error,
    spectrogram,
    spectrum,
    transfer_curve,
    weight_histogram,
)
from quantkit.plots._images import error_image, palette_swatches, radial_spectra, table_heatmap

__all__ = [
    "error_histogram",
    "error_image",
    "image_grid",
    "metric_vs_bits",
    "palette_swatches",
    "placeholder",
    "radial_spectra",
    "sampled_signal",
    "signal_and_error",
    "spectrogram",
    "spectrum",
    "style",
    "table_heatmap",
    "transfer_curve",
    "weight_histogram",
]
