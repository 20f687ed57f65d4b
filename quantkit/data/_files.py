"""Where the bundled files live, and how the package reads and writes them.

Arrays are stored as ``.npz`` archives read with ``allow_pickle=False``. :func:`write_npz` writes
them with fixed zip timestamps, so regenerating a file from the same arrays gives the same bytes (a
reviewed, empty diff instead of a binary change on every run).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path

import numpy as np

FILES_DIR = Path(__file__).resolve().parent / "files"
"""The folder of bundled data files (package data ``quantkit/data/files/*``)."""

_ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)  # the earliest date a zip entry can carry


def bundled_path(name: str) -> Path:
    """Path of the bundled file ``name``; ``FileNotFoundError`` in plain words if it is missing."""
    path = FILES_DIR / name
    if not path.is_file():
        raise FileNotFoundError(
            f"the bundled data file {name!r} is missing from {FILES_DIR}; "
            "reinstall quantkit (the file ships with the package)"
        )
    return path


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """Read every array of an ``.npz`` archive (no pickles) into a dict of read-only arrays."""
    with np.load(path, allow_pickle=False) as archive:
        arrays = {key: archive[key] for key in archive.files}
    for array in arrays.values():
        array.flags.writeable = False
    return arrays


def write_npz(path: str | Path, arrays: Mapping[str, np.ndarray]) -> None:
    """Write ``arrays`` as a compressed ``.npz`` whose bytes depend only on the arrays.

    ``numpy.savez_compressed`` stamps each member with the current time; this writer uses a fixed
    timestamp and the given key order instead. ``numpy.load`` reads the result as usual.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, value in arrays.items():
            array = np.asarray(value)
            if array.dtype.hasobject:
                raise TypeError(f"array {key!r} has an object dtype; only numeric arrays are stored")
            member = io.BytesIO()
            np.lib.format.write_array(member, np.ascontiguousarray(array), allow_pickle=False)
            info = zipfile.ZipInfo(f"{key}.npy", date_time=_ZIP_EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, member.getvalue(), compresslevel=9)
    Path(path).write_bytes(buffer.getvalue())
