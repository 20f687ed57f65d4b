"""Tests of autograder.scaffold (``quantgrade new``): a new notebook's skeleton passes verify."""

from __future__ import annotations

from pathlib import Path

import pytest

from autograder import scaffold, verify
from autograder.spec import Course

REPO = Path(__file__).resolve().parents[2]


def _empty_course(tmp_path: Path) -> Course:
    for folder in ("solutions", "notebooks", "autograder/course", "quantkit/checks/refs"):
        (tmp_path / folder).mkdir(parents=True)
    return Course(
        root=tmp_path,
        spec_dir=tmp_path / "autograder" / "course",
        public_refs_dir=tmp_path / "quantkit" / "checks" / "refs",
    )


@pytest.mark.parametrize(
    ("slug", "words"), [("6_x", "must look like"), ("06_X", "must look like"), ("06 x", "must look like")]
)
def test_bad_slugs_are_refused(tmp_path: Path, slug: str, words: str) -> None:
    with pytest.raises(scaffold.ScaffoldError, match=words):
        scaffold.write_skeleton(_empty_course(tmp_path), slug, "Title")


def test_existing_files_are_never_overwritten(tmp_path: Path) -> None:
    course = _empty_course(tmp_path)
    scaffold.write_skeleton(course, "06_rounding", "Rounding")
    before = course.solution_path("06_rounding").read_bytes()
    with pytest.raises(scaffold.ScaffoldError, match="exists already"):
        scaffold.write_skeleton(course, "06_rounding", "Other")
    assert course.solution_path("06_rounding").read_bytes() == before


def test_skeleton_passes_the_static_checks(tmp_path: Path) -> None:
    course = _empty_course(tmp_path)
    scaffold.write_skeleton(course, "06_rounding", "Rounding to a grid")
    from autograder import release

    assert release.main(course=course, slugs=["06_rounding"]) == 0
    report = verify.static_checks(course, "06_rounding")
    assert [r.check for r in report.rows if not r.ok] == [], report.rows


@pytest.mark.slow
def test_a_new_notebook_passes_verify(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`quantgrade new` in an empty course, then `quantgrade verify` on the new notebook: every check ok."""
    course = _empty_course(tmp_path)
    assert scaffold.main(course=course, slug="06_rounding", title="Rounding to a grid") == 0
    assert "next: `quantgrade verify 06_rounding`" in capsys.readouterr().out
    assert verify.main(course=course, slugs=["06_rounding"]) == 0, capsys.readouterr().out
    assert "06_rounding: ok" in capsys.readouterr().out
