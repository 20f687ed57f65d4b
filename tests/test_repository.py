"""Facts about the repository itself: dependency lists agree, CI calls the README's test command."""

from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
# name, lower bound, optional upper bound (a tested range: "onnxruntime>=1.20,<1.33"), optional marker
_BOUNDS = r"(>=\s*[0-9][0-9.]*(?:\s*,\s*<\s*[0-9][0-9.]*)?)"
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9_.\-]+)\s*" + _BOUNDS + r"?\s*(;.*)?$")


def _pyproject_requirements() -> dict[str, str]:
    """Name -> lower bound of every dependency of both distributions (quantkit itself excluded)."""
    found: dict[str, str] = {}
    for path in (ROOT / "pyproject.toml", ROOT / "autograder" / "pyproject.toml"):
        project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
        lines = list(project["dependencies"])
        for extra in project.get("optional-dependencies", {}).values():
            lines.extend(extra)
        for line in lines:
            match = REQUIREMENT.match(line)
            assert match, f"{path.name}: cannot read requirement {line!r}"
            name, bound = match.group(1).lower(), (match.group(2) or "").replace(" ", "")
            if name == "quantkit":
                continue
            assert bound, f"{path.name}: {name} has no lower bound"
            found[name] = bound
    return found


# PyPI name -> conda-forge name, where they differ (https://anaconda.org/conda-forge/playwright-python,
# https://anaconda.org/conda-forge/python-flatbuffers, https://anaconda.org/conda-forge/pysoundfile).
CONDA_NAMES = {
    "playwright": "playwright-python",
    "flatbuffers": "python-flatbuffers",
    "soundfile": "pysoundfile",
}
# Dependencies that conda-forge does not package: environment.yml installs them in its pip section.
PIP_ONLY = {"ai-edge-litert", "lameenc", "miniaudio"}


def _environment_requirements() -> dict[str, str]:
    """PyPI name -> lower bound of environment.yml's dependencies: the conda packages, and the pinned
    PyPI packages of its pip section (those conda-forge does not have; the editable installs excluded)."""
    pypi_names = {conda: pypi for pypi, conda in CONDA_NAMES.items()}
    found: dict[str, str] = {}
    in_deps = False
    for line in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines():
        if line.startswith("dependencies:"):
            in_deps = True
            continue
        match = re.match(r"^ {2}- ([A-Za-z0-9_.\-]+)" + _BOUNDS + r"?\s*$", line) if in_deps else None
        if match and match.group(1) not in ("pip", "python"):
            name = match.group(1).lower()
            found[pypi_names.get(name, name)] = match.group(2) or ""
        pip_match = re.match(r"^ {6}- ([A-Za-z0-9_.\-]+)" + _BOUNDS + r"\s*$", line) if in_deps else None
        if pip_match and pip_match.group(1).lower() in PIP_ONLY:
            found[pip_match.group(1).lower()] = pip_match.group(2)
    return found


def test_environment_yml_matches_pyproject() -> None:
    """environment.yml lists exactly the pyproject dependencies, with the same lower bounds."""
    assert _environment_requirements() == _pyproject_requirements()


def test_environment_yml_python_floor_matches_requires_python() -> None:
    """Both distributions and environment.yml say Python 3.11 or newer (3.10 reached its end of life)."""
    for path in (ROOT / "pyproject.toml", ROOT / "autograder" / "pyproject.toml"):
        project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
        assert project["requires-python"] == ">=3.11", path
    assert "  - python>=3.11" in (ROOT / "environment.yml").read_text(encoding="utf-8").splitlines()


def test_ci_runs_the_readme_test_command() -> None:
    """.ci/run calls `make test`, which is the README's test command."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make test" in readme
    assert re.search(r"^make test\b", ci, flags=re.MULTILINE)


def test_student_wheel_leaves_the_autograder_out() -> None:
    """The quantkit distribution packages quantkit only; hidden tests ship with quantkit-autograder."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert config["tool"]["setuptools"]["packages"]["find"]["include"] == ["quantkit*"]
    grader = tomllib.loads((ROOT / "autograder" / "pyproject.toml").read_text(encoding="utf-8"))
    assert grader["tool"]["setuptools"]["packages"] == ["autograder"]


@pytest.mark.slow
def test_student_wheel_contains_no_autograder_files(tmp_path: Path) -> None:
    """Build the student wheel and look inside: quantkit files only, no hidden tests or references."""
    import subprocess
    import zipfile

    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(tmp_path),
         str(ROOT)],
        check=True,
    )
    (wheel,) = tmp_path.glob("quantkit-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert any(n.startswith("quantkit/") for n in names)
    top_level = {n.split("/")[0] for n in names}
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert top_level <= {"quantkit", dist_info}, top_level
    assert not [n for n in names if "hidden" in n or n.startswith("autograder/")]


def test_gitattributes_hides_notebooks_from_linguist() -> None:
    assert "*.ipynb linguist-detectable=false" in (ROOT / ".gitattributes").read_text(encoding="utf-8")


def test_tests_keep_jupyter_ipython_and_matplotlib_out_of_home() -> None:
    """tests/conftest.py points every config/data/runtime folder at a temporary folder."""
    import os
    import tempfile

    home = Path.home().resolve()
    temp = Path(tempfile.gettempdir()).resolve()
    names = ("JUPYTER_CONFIG_DIR", "JUPYTER_DATA_DIR", "JUPYTER_RUNTIME_DIR", "IPYTHONDIR", "MPLCONFIGDIR")
    for var in names:
        folder = Path(os.environ[var]).resolve()
        assert temp in folder.parents, f"{var}={folder} is not under {temp}"
        assert home not in folder.parents or temp in home.parents, f"{var}={folder} is in the home folder"
    import matplotlib

    assert Path(matplotlib.get_configdir()).resolve() == Path(os.environ["MPLCONFIGDIR"]).resolve()


def test_readme_lists_every_notebook_with_its_screenshot() -> None:
    """The README's notebook table has a row, and a screenshot from the browser test, for every notebook."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "solutions").glob("*.ipynb")):
        slug = path.stem
        assert f"| `{slug}` |" in readme, f"README's notebook table has no row for {slug}"
        image = ROOT / "docs" / "images" / f"{slug}.png"
        refresh = "QUANTKIT_UPDATE_SCREENSHOT=1 .venv/bin/pytest tests/browser"
        assert image.is_file(), f"{image} is missing: {refresh}"
        assert f"docs/images/{slug}.png" in readme, f"README does not show docs/images/{slug}.png"
