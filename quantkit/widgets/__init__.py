"""Interactive explorers built on the student's own functions (ipywidgets).

* :func:`quantizer_explorer` / :class:`QuantizerExplorer`: sliders for bits, range and mode drive the
  student's quantizer; shows its staircase, its error and the SQNR it reaches on a test signal.
* :func:`sampling_explorer` / :class:`SamplingExplorer`: a sample-rate slider; shows the signal, its
  samples and the sinc reconstruction from them, so aliasing is visible.
* :func:`bit_depth_explorer` / :class:`BitDepthExplorer`: bits and method (none, random, Bayer,
  Floyd–Steinberg) drive the student's own ordered-dither and error-diffusion functions on an image
  crop; shows the result, a zoomed crop and the error image, with PSNR before and after blurring.
* :func:`jpeg_explorer` / :class:`JpegExplorer`: a quality slider drives the student's JPEG pipeline;
  shows it next to a real JPEG written by Pillow at the same quality, the student's 8 x 8 table as a
  heat map, PSNR, file size and the fraction of zero coefficients.
* :func:`requantization_explorer` / :class:`RequantizationExplorer`: bits, dither and error feedback
  for the student's audio requantizers; shows the waveform, the error's spectrum against the theory
  and the SQNR, and plays the result and the (amplified) error.
* :func:`bitwidth_explorer` / :class:`BitWidthExplorer`: bits and a weight-quantization scheme
  (per-tensor, per-channel, groups, low-precision floats) drive the student's weight quantizers on a
  small network; shows a layer's weight histogram with its levels, the confusion matrix, the accuracy
  and the model size.
* :func:`quantizer_design_explorer` / :class:`QuantizerDesignExplorer`: an iteration slider over the
  student's Lloyd–Max design; shows the pdf with thresholds and levels, and the MSE per iteration.
* :func:`adaptive_quantizer_explorer` / :class:`AdaptiveQuantizerExplorer`: bits and adaptation speed
  of the student's Jayant quantizer on speech; shows the step following the envelope, with players.

Each explorer is a small class whose :meth:`update` method is pure Python: it takes slider values,
redraws one reused matplotlib figure (no pyplot, no ipympl) into an ``ipywidgets.Image`` and returns a
status line (the readout, or the error message). The sliders call it; tests call it directly. When the
student's function raises or returns something unusable, the message replaces the plot, in plain words,
instead of a traceback.

Speed: the kit's own work per update (drawing and PNG encoding) stays under 100 ms at the sizes used;
the student's function is timed separately (``student_seconds``). Sliders update continuously while
the student's function is fast; once a call takes longer than :data:`SLOW_CALL` seconds, they update
on release instead, and the readout says "computing…" while a call runs.

Modules, by notebook: ``_base`` (the shared :class:`_Explorer`, :data:`SLOW_CALL`), ``uniform`` (01),
``audio`` (02), ``images`` (03), ``weights`` (04), ``design`` (05); everything is imported from here.

Used in: notebooks/01_sampling_quantization.ipynb, notebooks/02_audio.ipynb, notebooks/03_images.ipynb,
    notebooks/04_nn_weights.ipynb, notebooks/05_optimal_quantization.ipynb
"""

from __future__ import annotations

from quantkit.widgets._base import SLOW_CALL
from quantkit.widgets._base import (
    _Explorer as _Explorer,  # the base class, for tools that time every explorer
)
from quantkit.widgets.audio import SHAPING, RequantizationExplorer, requantization_explorer
from quantkit.widgets.design import (
    ITERATION_STEPS,
    AdaptiveQuantizerExplorer,
    QuantizerDesignExplorer,
    adaptive_quantizer_explorer,
    quantizer_design_explorer,
)
from quantkit.widgets.images import BitDepthExplorer, JpegExplorer, bit_depth_explorer, jpeg_explorer
from quantkit.widgets.uniform import (
    QuantizerExplorer,
    SamplingExplorer,
    quantizer_explorer,
    sampling_explorer,
)
from quantkit.widgets.weights import FLOAT_FORMATS, BitWidthExplorer, bitwidth_explorer

__all__ = [
    "FLOAT_FORMATS",
    "ITERATION_STEPS",
    "SHAPING",
    "SLOW_CALL",
    "AdaptiveQuantizerExplorer",
    "BitDepthExplorer",
    "BitWidthExplorer",
    "JpegExplorer",
    "QuantizerDesignExplorer",
    "QuantizerExplorer",
    "RequantizationExplorer",
    "SamplingExplorer",
    "adaptive_quantizer_explorer",
    "bit_depth_explorer",
    "bitwidth_explorer",
    "jpeg_explorer",
    "quantizer_design_explorer",
    "quantizer_explorer",
    "requantization_explorer",
    "sampling_explorer",
]
