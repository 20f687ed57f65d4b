"""Reading a notebook's public reference file (``quantkit/checks/refs/<slug>.json``).

The format and its decoder live in :mod:`quantkit._reffile` (shared with the autograder's hidden files);
this module knows where the public files are and words the errors for students.
"""

from __future__ import annotations

import os
from pathlib import Path

from quantkit._reffile import (
    PublicCase,
    PublicMistake,
    PublicQuestion,
    PublicRefs,
    Raised,
    read_refs,
)

__all__ = ["PublicCase", "PublicMistake", "PublicQuestion", "PublicRefs", "Raised", "load_refs"]

PACKAGE_REFS_DIR = Path(__file__).resolve().parent / "refs"

_MESSAGES = {
    "missing": (
        "no public checks found for this notebook: {path} does not exist. "
        "Is the notebook's name right, and is quantkit up to date?"
    ),
    "unreadable": "cannot read the public checks in {path}: {exc}",
    "format": (
        "{path} is not a public reference file of format {format}; "
        "regenerate it with `quantgrade refs` or update quantkit"
    ),
    "malformed": "{path} is malformed (missing or wrong field {exc}); regenerate it",
    "undecodable": "{path}: cannot decode {where}: {exc}",
}


def refs_path(slug: str, refs_dir: str | os.PathLike[str] | None = None) -> Path:
    """Where the public reference file of ``slug`` lives (``refs_dir`` or quantkit's package data)."""
    return Path(refs_dir if refs_dir is not None else PACKAGE_REFS_DIR) / f"{slug}.json"


def load_refs(path: str | os.PathLike[str]) -> PublicRefs:
    """Read and decode a public reference file.

    Parameters
    ----------
    path : str or path-like
        The ``<slug>.json`` file.

    Returns
    -------
    PublicRefs
        Questions, cases and known mistakes with every wire value decoded.

    Raises
    ------
    FileNotFoundError
        If the file does not exist (the message says which file and why it may be missing).
    ValueError
        If the file is not a readable public reference file (bad JSON, unknown format, refused value).
    """
    return read_refs(path, messages=_MESSAGES)
