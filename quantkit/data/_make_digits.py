"""Regenerate ``quantkit/data/files/digits.npz`` from a copy of the UCI digits table.

The input is the CSV that scikit-learn bundles as ``sklearn/datasets/data/digits.csv.gz`` (one row per
image: 64 pixel counts 0..16, then the label 0..9; 1797 rows). scikit-learn is *not* a dependency:
the table was converted once and the result is committed. To redo it::

    python -m quantkit.data._make_digits --csv /path/to/sklearn/datasets/data/digits.csv.gz

The output holds ``pixels`` (uint8, (1797, 64)), ``labels`` (uint8, (1797,)) and ``is_test`` (bool,
(1797,)): a stratified 75/25 split drawn once with ``numpy.random.default_rng(SPLIT_SEED)``: for each
digit, ``round(0.25 * count)`` of its images, chosen by a seeded permutation, go to the test set. The
split is stored rather than recomputed at load time, so it cannot drift with NumPy's random streams.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from quantkit.data._files import FILES_DIR, write_npz

SPLIT_SEED = 0
TEST_FRACTION = 0.25
N_IMAGES = 1797
OUTPUT = FILES_DIR / "digits.npz"


def read_table(csv_path: str | Path) -> tuple[np.ndarray, np.ndarray]:
    """Read the CSV (optionally gzipped) into ``pixels`` uint8 (n, 64) and ``labels`` uint8 (n,)."""
    table = np.loadtxt(csv_path, delimiter=",", dtype=np.int64)
    if table.ndim != 2 or table.shape[1] != 65:
        raise ValueError(f"{csv_path}: expected 65 columns (64 pixels and a label), got {table.shape}")
    pixels, labels = table[:, :64], table[:, 64]
    if pixels.min() < 0 or pixels.max() > 16 or labels.min() < 0 or labels.max() > 9:
        raise ValueError(f"{csv_path}: pixels must be 0..16 and labels 0..9")
    return pixels.astype(np.uint8), labels.astype(np.uint8)


def stratified_split(labels: np.ndarray, seed: int = SPLIT_SEED) -> np.ndarray:
    """Boolean mask of the test images: ``round(TEST_FRACTION * count)`` per class, seeded."""
    rng = np.random.default_rng(seed)
    is_test = np.zeros(labels.shape, dtype=bool)
    for digit in range(10):
        members = rng.permutation(np.flatnonzero(labels == digit))
        is_test[members[: round(TEST_FRACTION * members.size)]] = True
    return is_test


def make_digits(csv_path: str | Path, out: str | Path = OUTPUT) -> Path:
    """Convert the CSV into the bundled ``.npz`` and return its path."""
    pixels, labels = read_table(csv_path)
    write_npz(out, {"pixels": pixels, "labels": labels, "is_test": stratified_split(labels)})
    return Path(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--csv", type=Path, required=True, help="scikit-learn's digits.csv.gz (or the CSV)")
    parser.add_argument("--out", type=Path, default=OUTPUT, help=f"where to write (default: {OUTPUT})")
    args = parser.parse_args(argv)
    print(f"wrote {make_digits(args.csv, args.out)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
