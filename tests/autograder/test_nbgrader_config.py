"""Tests of autograder/nbgrader_config.py, the nbgrader configuration shipped for instructors.

It is loaded the way nbgrader loads ``--config FILE``: traitlets' ``PyFileConfigLoader`` executes it
with ``get_config`` in its namespace (traitlets/config/loader.py).
"""

from __future__ import annotations

import importlib
import os
from pathlib import Path

import pytest
from traitlets.config.loader import PyFileConfigLoader

import autograder
from autograder import release

CONFIG = Path(autograder.__file__).resolve().parent / "nbgrader_config.py"


def test_config_file_sets_stub_timeout_layout_and_grading_mode(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("QUANTKIT_GRADING", "0")  # restored after the test
    monkeypatch.chdir(tmp_path)
    config = PyFileConfigLoader(CONFIG.name, path=str(CONFIG.parent)).load_config()
    assert config.ClearSolutions.code_stub == {"python": release.CODE_STUB}
    assert config.ClearSolutions.text_stub == "YOUR ANSWER HERE"
    assert config.Execute.timeout == 30 and config.Execute.interrupt_on_timeout is True
    assert config.CourseDirectory.root == str(tmp_path)
    assert os.environ["QUANTKIT_GRADING"] == "1"


def test_importing_the_module_changes_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("QUANTKIT_GRADING", raising=False)
    # reload: a module imported earlier in the session would otherwise not run again at all
    module = importlib.reload(importlib.import_module("autograder.nbgrader_config"))
    assert "QUANTKIT_GRADING" not in os.environ
    assert module.CODE_STUB == release.CODE_STUB  # the literal copy agrees with release's stub


def test_docstring_says_how_to_use_it_and_that_it_is_not_tamper_proof() -> None:
    text = CONFIG.read_text(encoding="utf-8")
    # Both documented ways: the copied nbgrader_config.py, and the path given in place.
    assert "cp " in text and "mycourse/nbgrader_config.py" in text
    assert "--JupyterApp.config_file=/path/to/autograder/nbgrader_config\n" in text
    assert "Not tamper-proof" in text and "quantgrade grade" in text


def test_the_documented_in_place_option_loads_the_file(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """``--JupyterApp.config_file=<path without .py>``, as the module docstring says, really loads
    this configuration into nbgrader's autograde app."""
    from nbgrader.apps import AutogradeApp

    monkeypatch.setenv("QUANTKIT_GRADING", "0")  # restored after the test
    monkeypatch.chdir(tmp_path)  # no nbgrader_config.py here for nbgrader to find by itself
    app = AutogradeApp()
    app.initialize([f"--JupyterApp.config_file={CONFIG.with_suffix('')}"])
    assert app.config.ClearSolutions.code_stub == {"python": release.CODE_STUB}
    assert app.config.Execute.timeout == 30
    assert os.environ["QUANTKIT_GRADING"] == "1"


def test_config_is_shipped_as_package_data() -> None:
    pyproject = (CONFIG.parent / "pyproject.toml").read_text(encoding="utf-8")
    assert '"nbgrader_config.py"' in pyproject
