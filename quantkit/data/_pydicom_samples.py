"""A real CT slice read at run time from pydicom's own test data (nothing copied, nothing downloaded).

pydicom (a dependency of quantkit) installs ``CT_small.dcm`` inside its wheel, under
``pydicom/data/test_files``; :func:`ct_slice` reads it from there with pydicom itself, the way
:func:`quantkit.data.grace_hopper` reads matplotlib's sample data.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import numpy as np

__all__ = ["ct_slice"]

CT_SHAPE = (128, 128)
CT_FILE = "CT_small.dcm"
UNITS = ("hu", "stored")


def _ct_path() -> Path:
    """Path of pydicom's ``CT_small.dcm``, with a plain-words error if it is absent."""
    try:
        from pydicom.data import get_testdata_file
    except ImportError as exc:  # pragma: no cover - pydicom is a dependency of quantkit
        raise ImportError("quantkit.data.ct_slice needs pydicom (pip install pydicom)") from exc
    found = get_testdata_file(CT_FILE, download=False)
    if not found or not Path(str(found)).is_file():  # pragma: no cover - only on a stripped install
        raise FileNotFoundError(
            f"pydicom's test file {CT_FILE!r} is not installed; quantkit reads it from pydicom's "
            "data/test_files folder (reinstall pydicom from PyPI)"
        )
    return Path(str(found))


@lru_cache(maxsize=1)
def _ct() -> tuple[np.ndarray, float, float]:
    import pydicom

    ds = pydicom.dcmread(_ct_path())
    stored = np.asarray(ds.pixel_array)
    if stored.shape != CT_SHAPE or stored.dtype.kind not in "iu":  # pragma: no cover - a changed file
        raise RuntimeError(f"unexpected {CT_FILE} pixel data: {stored.dtype} {stored.shape}")
    slope, intercept = float(ds.RescaleSlope), float(ds.RescaleIntercept)
    stored = stored.astype(np.int16)
    stored.flags.writeable = False
    return stored, slope, intercept


def ct_slice(units: str = "hu") -> np.ndarray:
    """A real axial CT slice of the chest (at the level of a thoracic vertebra), 128 x 128 pixels.

    Parameters
    ----------
    units : {"hu", "stored"}, default "hu"
        ``"hu"``: Hounsfield units, ``stored * RescaleSlope + RescaleIntercept`` with the file's
        slope 1 and intercept -1024 (DICOM's modality LUT, PS3.3 C.11.1), values -896..1167 HU.
        ``"stored"``: the stored pixel values as they are in the file, 128..2191 (1,453 distinct
        values: a 12-bit range in a 16-bit container).

    Returns
    -------
    numpy.ndarray
        int16 array of shape (128, 128). A fresh copy on every call.

    Raises
    ------
    ValueError
        If ``units`` is not ``"hu"`` or ``"stored"``.

    Notes
    -----
    Source: ``CT_small.dcm`` from pydicom's test data (``pydicom.data.get_testdata_file``), read at run
    time from the installed pydicom wheel with ``pydicom.dcmread``; it is not copied into quantkit.
    pydicom's test-file README says it was downsized to 128 x 128 from ``CT1_UNC`` of the NEMA
    DICOM WG04 compression test set (a GE scanner, 120 kVp, 5 mm slice); pydicom ships it in its
    MIT-licensed distribution and its README states that its maintainers believe there is no
    restriction on using these files this way. The header's pixel spacing (0.66 mm) is that of the
    512 x 512 original: after downsizing, a pixel is about 2.6 mm wide.

    Examples
    --------
    >>> hu = ct_slice()
    >>> hu.shape, hu.dtype.name, int(hu.min()), int(hu.max())
    ((128, 128), 'int16', -896, 1167)
    >>> bool((ct_slice("stored") - 1024 == hu).all())
    True

    Used in: notebooks/03_images.ipynb
    """
    if units not in UNITS:
        raise ValueError(f"units must be 'hu' or 'stored', got {units!r}")
    stored, slope, intercept = _ct()
    if units == "stored":
        return stored.copy()
    hu = np.rint(stored * slope + intercept)
    return hu.astype(np.int16)
