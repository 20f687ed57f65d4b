"""Real-world images and signals read from matplotlib's own sample data at run time.

matplotlib (a dependency of quantkit) installs these files under ``mpl-data/sample_data``; nothing is
copied into quantkit and nothing is downloaded.
"""

from __future__ import annotations

import gzip
from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["eeg", "grace_hopper", "mri_slice"]

EEG_N_SAMPLES = 800
EEG_N_CHANNELS = 4
EEG_DURATION_S = 10.0
EEG_RATE_HZ = EEG_N_SAMPLES / EEG_DURATION_S  # 80.0, see eeg()
MRI_SHAPE = (256, 256)


def _sample_path(name: str) -> Path:
    """Path of one of matplotlib's sample-data files, with a plain-words error if it is absent."""
    from matplotlib import cbook

    try:
        path = Path(cbook.get_sample_data(name, asfileobj=False))
    except (OSError, ValueError) as exc:  # pragma: no cover - only on a stripped matplotlib install
        raise FileNotFoundError(
            f"matplotlib's sample file {name!r} is not installed; quantkit reads it from "
            "matplotlib's mpl-data/sample_data folder (reinstall matplotlib from PyPI)"
        ) from exc
    if not path.is_file():  # pragma: no cover - only on a stripped matplotlib install
        raise FileNotFoundError(f"matplotlib's sample file {name!r} is missing (looked at {path})")
    return path


@lru_cache(maxsize=1)
def _grace_hopper() -> np.ndarray:
    import matplotlib.image

    image = np.asarray(matplotlib.image.imread(_sample_path("grace_hopper.jpg")))
    if image.dtype != np.uint8 or image.ndim != 3 or image.shape[2] != 3:  # pragma: no cover
        raise RuntimeError(f"unexpected grace_hopper.jpg contents: {image.dtype} {image.shape}")
    image.flags.writeable = False
    return image


def grace_hopper() -> np.ndarray:
    """The colour portrait of Grace Hopper that matplotlib ships as sample data.

    Returns
    -------
    numpy.ndarray
        uint8 array of shape (600, 512, 3): height 600, width 512, channels R, G, B; values 0..255
        (the file uses the full range). A fresh copy on every call.

    Notes
    -----
    Source: ``grace_hopper.jpg`` from matplotlib's sample data
    (``matplotlib.cbook.get_sample_data("grace_hopper.jpg")``), read at run time with
    ``matplotlib.image.imread`` (Pillow decodes the JPEG). It is the official U.S. Navy portrait of
    Commodore Grace M. Hopper, a work of the U.S. federal government and therefore in the public
    domain; matplotlib distributes it with its sample data. The JPEG is already lossy-compressed, so
    its 8-bit values carry JPEG artefacts of their own.

    Used in: notebooks/03_images.ipynb
    """
    return _grace_hopper().copy()


@lru_cache(maxsize=1)
def _mri_slice() -> np.ndarray:
    raw = gzip.decompress(_sample_path("s1045.ima.gz").read_bytes())
    expected = MRI_SHAPE[0] * MRI_SHAPE[1] * 2
    if len(raw) != expected:  # pragma: no cover - a changed matplotlib file
        raise RuntimeError(f"s1045.ima has {len(raw)} bytes, expected {expected} (256x256 16-bit)")
    image = np.frombuffer(raw, dtype=">u2").reshape(MRI_SHAPE).astype(np.uint16)
    image.flags.writeable = False
    return image


def mri_slice() -> np.ndarray:
    """The MRI slice (a sagittal head scan) that matplotlib ships as sample data.

    Returns
    -------
    numpy.ndarray
        uint16 array of shape (256, 256), values 0..215: 211 distinct values, about 57 % of the
        pixels are 0 (background). A fresh copy on every call.

    Notes
    -----
    Source: ``s1045.ima.gz`` from matplotlib's sample data, distributed with matplotlib under the
    matplotlib licence; matplotlib does not document where the scan comes from. The file is headerless:
    65,536 samples of 16 bits each.

    Byte order, and why this is *not* wide-dynamic-range data: read big-endian (as here), every sample
    has a zero high byte and the values run 0..215, so the image needs only 8 bits although it is stored
    in 16. matplotlib's gallery reads the same bytes with the machine's native (little-endian) order,
    which gives ``value * 256`` (0..55040 in steps of 256): the same picture scaled by 256, still with
    only 211 levels. Either way the slice is effectively an 8-bit image in a 16-bit container, which is
    itself a quantization lesson (container bit depth is not information).

    Used in: notebooks/03_images.ipynb
    """
    return _mri_slice().copy()


@lru_cache(maxsize=1)
def _eeg() -> np.ndarray:
    raw = np.fromfile(_sample_path("eeg.dat"), dtype="<f8")
    if raw.size != EEG_N_SAMPLES * EEG_N_CHANNELS:  # pragma: no cover - a changed matplotlib file
        raise RuntimeError(f"eeg.dat holds {raw.size} values, expected {EEG_N_SAMPLES * EEG_N_CHANNELS}")
    traces = raw.reshape(EEG_N_SAMPLES, EEG_N_CHANNELS)
    traces.flags.writeable = False
    return traces


def eeg() -> tuple[np.ndarray, float]:
    """Four EEG traces that matplotlib ships as sample data, and their sample rate.

    Returns
    -------
    signals : numpy.ndarray
        float64 array of shape (800, 4): 800 samples (rows) of 4 channels (columns), in the order
        matplotlib's example labels them PG3, PG5, PG7, PG9. Values span about -5.2..5.3. A fresh
        copy on every call.
    rate : float
        The sample rate in Hz: 80.0.

    Notes
    -----
    Source: ``eeg.dat`` from matplotlib's sample data (headerless little-endian float64), distributed
    with matplotlib under the matplotlib licence; matplotlib does not document the recording.

    Sample rate: matplotlib's gallery example ``galleries/examples/specialty_plots/mri_with_eeg.py``
    reads the file as ``n_samples, n_rows = 800, 4`` and builds its time axis as
    ``t = 10 * np.arange(n_samples) / n_samples`` with the axis labelled "Time (s)", i.e. 800 samples
    spread over 10 s: 80 Hz. That rate is what the example implies, not a recorded acquisition
    parameter (the file carries no metadata).

    Units: none are known. Each channel has a mean within 0.001 of 0 and a standard deviation within
    0.3 % of 1, so the traces were standardized (z-scored) before being saved: they are dimensionless,
    not microvolts, and already floating point (not raw converter codes).

    Used in: notebooks/01_sampling_quantization.ipynb
    """
    return _eeg().copy(), EEG_RATE_HZ
