"""quantkit: helpers for the Quantization for Students course.

Submodules, by concept (each imported on first use, so ``import quantkit`` stays cheap):

- ``quantkit.data``: bundled and synthesized data (images, audio, EEG, digits, a small MLP).
- ``quantkit.signals``: continuous-time signals as callables, reconstruction, spectra.
- ``quantkit.densities``: probability densities as data (Gaussian, Laplacian, mixtures, tabulated).
- ``quantkit.metrics``: MSE, SNR/SQNR, segmental SNR, PSNR, SSIM, maximum error.
- ``quantkit.images``: image plumbing: grey conversion, 8x8 blocks and their DCT, Pillow's JPEG and palettes.
- ``quantkit.plots``: figures in one consistent style.
- ``quantkit.widgets``: interactive explorers that run the student's own functions.
- ``quantkit.audio``: playback that plays exactly the samples it is given, WAV files, A/B tables.
- ``quantkit.codecs``: real codecs round trip (MP3 through LAME and miniaudio) and the G.711 decoder.
- ``quantkit.transforms``: the MDCT and its inverse (sine window, 50 % overlap, TDAC).
- ``quantkit.psychoacoustics``: Bark bands, the threshold in quiet and a documented toy masking model.
- ``quantkit.nn``: a pure-numpy forward pass for the digits MLP.
- ``quantkit.checks``: public self-checks with hints for known mistakes.

quantkit never contains the answer to a graded question: quantizers and friends are written by the
students, and widgets and plots take them as arguments.

Examples
--------
>>> import quantkit as qk
>>> qk.metrics.mse([0.0, 1.0], [0.0, 0.5])
0.125
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "audio",
    "checks",
    "codecs",
    "data",
    "densities",
    "images",
    "metrics",
    "nn",
    "plots",
    "psychoacoustics",
    "signals",
    "transforms",
    "widgets",
]

if TYPE_CHECKING:  # pragma: no cover
    from quantkit import (
        audio,
        checks,
        codecs,
        data,
        densities,
        images,
        metrics,
        nn,
        plots,
        psychoacoustics,
        signals,
        transforms,
        widgets,
    )


def __getattr__(name: str) -> Any:
    """Import a submodule on first access (PEP 562), so ``qk.plots`` works after ``import quantkit``."""
    if name in __all__:
        module = importlib.import_module(f"quantkit.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'quantkit' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
