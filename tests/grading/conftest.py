"""Shared set-up of the grading corpus tests (test_fairness.py, test_attacks.py, ...).

``corpus.py``, ``nbgrader_run.py`` and ``attack_table.py`` sit next to the tests but are not package
modules (pytest runs with ``--import-mode=importlib``), so they are imported here, once, by path and
registered under their own names: test modules in this folder just ``import corpus``. The ``course``
fixture is this repository's course.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent


def _load_corpus() -> ModuleType:
    if "corpus" in sys.modules and getattr(sys.modules["corpus"], "__file__", None) == str(
        HERE / "corpus.py"
    ):
        return sys.modules["corpus"]
    spec = importlib.util.spec_from_file_location("corpus", HERE / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["corpus"] = module  # dataclasses look their module up while the class is created
    spec.loader.exec_module(module)
    return module


corpus = _load_corpus()
nbgrader_run = corpus.load_by_path("nbgrader_run", HERE / "nbgrader_run.py")
attack_table = corpus.load_by_path("attack_table", HERE / "attack_table.py")


@pytest.fixture(scope="session")
def course() -> Any:
    """This repository's course (autograder.spec.Course)."""
    return corpus.default_course()
