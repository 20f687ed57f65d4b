"""Tests for the quantkit package as a whole: lazy flat API, and no answers to graded questions."""

from __future__ import annotations

import ast
import doctest
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import quantkit

PACKAGE = Path(quantkit.__file__).parent


def _graded_names() -> set[str]:
    """Every graded name of every notebook, read from the manifests (each fact in one place)."""
    names: set[str] = set()
    for manifest in sorted((PACKAGE.parent / "autograder" / "course").glob("*/manifest.toml")):
        for question in tomllib.loads(manifest.read_text(encoding="utf-8"))["questions"]:
            names.update(question.get("names", ()))
    return names


# Names the notebooks ask students to write, and the techniques the course grades: quantkit must define
# none of them.
GRADED_NAMES = _graded_names()
FORBIDDEN_FRAGMENTS = (
    "dither", "lloyd", "compand", "mu_law", "a_law", "noise_shap", "error_diffusion", "kmeans", "floyd",
    "quality_scaling", "quant_table", "bayer", "ulaw_encode",
)  # fmt: skip


def _looks_graded(name: str) -> bool:
    """A quantizer by name (`quantize`, `quantize_x`, `dequantize`), a graded name, or a graded technique."""
    name = name.lstrip("_").lower()
    head = name.split("_")[0]
    return (
        name in GRADED_NAMES
        or head in ("quantize", "dequantize", "requantize")
        or any(fragment in name for fragment in FORBIDDEN_FRAGMENTS)
    )


def test_submodules_load_lazily() -> None:
    """`import quantkit` imports no heavy submodule; attribute access loads it."""
    code = (
        "import sys, quantkit; "
        "assert 'quantkit.plots' not in sys.modules and 'matplotlib' not in sys.modules; "
        "quantkit.metrics; assert 'quantkit.metrics' in sys.modules"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_unknown_attribute_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'quantize'"):
        quantkit.quantize  # noqa: B018


def test_dir_lists_submodules() -> None:
    assert set(quantkit.__all__) <= set(dir(quantkit))


def test_docstring_example_runs() -> None:
    failures, tried = doctest.testmod(quantkit, verbose=False)
    assert tried >= 1 and failures == 0


def _defined_functions() -> list[tuple[Path, str]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.append((path.relative_to(PACKAGE), node.name))
    return found


def test_the_graded_names_come_from_every_manifest() -> None:
    assert {"sample", "quantize_uniform", "best_clip_factor"} <= GRADED_NAMES


def test_quantkit_defines_no_graded_function() -> None:
    """quantkit never contains the answer to a graded question (see README and docs/architecture.md)."""
    offenders = [
        f"{path}:{name}"
        for path, name in _defined_functions()
        if _looks_graded(name)
    ]
    assert offenders == []
