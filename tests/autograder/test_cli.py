"""Tests of the ``quantgrade`` command line (autograder/cli.py, autograder/__main__.py).

The exit-status contract (docs/architecture.md and the CLI's own help): 0 when the work completed,
2 for bad arguments (argparse's convention), 1 when the grader itself failed, with one line on
stderr and no traceback unless ``--debug``.
"""

from __future__ import annotations

import importlib.metadata
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from autograder import cli

TOY = Path(__file__).resolve().parent / "toy"
TOY_ARGS = [
    "--root", str(TOY), "--spec-dir", str(TOY / "course"), "--public-refs-dir", str(TOY / "public_refs"),
]  # fmt: skip
COMMANDS = ("release", "refs", "grade", "check", "demo")


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    status = cli.main(list(argv))
    out, err = capsys.readouterr()
    return status, out, err


def test_top_level_help_lists_every_command_with_examples(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "--help")
    assert status == 0
    assert out.startswith("usage: quantgrade")
    for command in COMMANDS:
        assert f"    {command} " in out
    assert "examples:" in out and "exit status:" in out


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_with_examples(capsys: pytest.CaptureFixture[str], command: str) -> None:
    status, out, err = run(capsys, command, "--help")
    assert status == 0 and err == ""
    assert out.startswith(f"usage: quantgrade {command}")
    assert "examples:" in out and f"quantgrade {command}" in out.split("examples:")[1]
    assert "--root DIR" in out and "--debug" in out


def test_grade_help_documents_every_option(capsys: pytest.CaptureFixture[str]) -> None:
    _, out, _ = run(capsys, "grade", "--help")
    options = ("--out", "--jobs", "--timeout", "--cell-timeout", "--call-timeout", "--memory-mb", "--sandbox",
               "--notebook")  # fmt: skip
    for option in options:
        assert option in out
    assert "{auto,bubblewrap,none}" in out


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["frobnicate"],
        ["release", "--no-such-option"],
        ["grade"],
        ["grade", "subs", "--jobs", "0"],
        ["grade", "subs", "--jobs", "two"],
        ["grade", "subs", "--timeout", "-1"],
        ["grade", "subs", "--cell-timeout", "nan"],
        ["grade", "subs", "--sandbox", "docker"],
        ["check"],
        ["demo", "--out"],
    ],
    ids=lambda argv: " ".join(argv) or "no-arguments",
)
def test_bad_arguments_exit_2_with_usage(capsys: pytest.CaptureFixture[str], argv: list[str]) -> None:
    status, out, err = run(capsys, *argv)
    assert status == 2
    assert "usage: quantgrade" in err and "error:" in err
    assert "Traceback" not in err + out


def test_missing_course_folder_exits_1_with_one_clear_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-course"
    status, out, err = run(capsys, "release", "--root", str(missing))
    assert status == 1
    assert err == (
        f"quantgrade release: error: course folder {missing} does not exist (--debug shows the traceback)\n"
    )
    assert out == ""


def test_course_not_found_from_the_current_folder(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("QUANTGRADE_ROOT", str(tmp_path / "gone"))
    status, _, err = run(capsys, "refs", "--check")
    assert status == 1 and "course folder" in err and "does not exist" in err
    assert err.count("\n") == 1


def test_root_option_is_accepted_before_the_command(capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, *TOY_ARGS, "release", "--check")
    assert status == 0 and "notebooks/00_toy.ipynb: up to date" in out


def test_release_check_on_a_stale_copy_exits_1(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    root = tmp_path / "toy"
    shutil.copytree(TOY, root)
    (root / "notebooks" / "00_toy.ipynb").unlink()
    args = ["--root", str(root), "--spec-dir", str(root / "course")]
    status, out, _ = run(capsys, "release", *args, "--check")
    assert status == 1 and "notebooks/00_toy.ipynb (missing)" in out
    status, out, _ = run(capsys, "release", *args, "--notebook", "00_toy")
    assert status == 0 and "notebooks/00_toy.ipynb: written" in out
    written = (root / "notebooks" / "00_toy.ipynb").read_bytes()
    assert written == (TOY / "notebooks" / "00_toy.ipynb").read_bytes()


def test_a_release_error_is_a_grader_fault_without_traceback(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    root = tmp_path / "toy"
    shutil.copytree(TOY, root)
    status, _, err = run(capsys, "release", "--root", str(root), "--spec-dir", str(root / "course"),
                         "--notebook", "42_nothing")  # fmt: skip
    assert status == 1
    assert err.startswith("quantgrade release: error: unknown notebook 42_nothing; the course has 00_toy")
    assert "Traceback" not in err


class Recorder:
    """A stand-in verb ``main`` that records its keyword arguments."""

    def __init__(self, status: int = 0, error: Exception | None = None) -> None:
        self.status, self.error, self.calls = status, error, []

    def __call__(
        self, *, submissions: Path, out: Path, course: Any, jobs: int = 1, timeout: float | None = None,
        cell_timeout: float | None = None, call_timeout: float | None = None, memory_mb: int | None = None,
        sandbox: str = "auto",
        slugs: list[str] | None = None,
    ) -> int:  # fmt: skip
        self.calls.append(
            dict(submissions=submissions, out=out, course=course, jobs=jobs, timeout=timeout,
                 cell_timeout=cell_timeout, call_timeout=call_timeout, memory_mb=memory_mb,
                 sandbox=sandbox, slugs=slugs)
        )  # fmt: skip
        if self.error is not None:
            raise self.error
        return self.status


def _fake_verbs(monkeypatch: pytest.MonkeyPatch, **verbs: Any) -> None:
    monkeypatch.setattr(cli, "_verb", lambda name: verbs[name])


def test_grade_passes_every_option_through(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grade = Recorder()
    _fake_verbs(monkeypatch, grade=grade)
    subs = tmp_path / "subs"
    subs.mkdir()
    status, _, _ = run(capsys, "grade", str(subs), *TOY_ARGS, "--out", str(tmp_path / "o"), "--jobs", "2",
                       "--timeout", "60", "--cell-timeout", "5", "--call-timeout", "2", "--memory-mb", "512",
                       "--sandbox", "none",
                       "--notebook", "00_toy", "--slug", "01_x")  # fmt: skip
    assert status == 0
    (call,) = grade.calls
    assert call["submissions"] == subs and call["out"] == tmp_path / "o" and call["jobs"] == 2
    limits = (call["timeout"], call["cell_timeout"], call["call_timeout"], call["memory_mb"])
    assert limits == (60.0, 5.0, 2.0, 512)
    assert call["sandbox"] == "none" and call["slugs"] == ["00_toy", "01_x"]
    course = call["course"]
    assert course.root == TOY and course.spec_dir == TOY / "course"
    assert course.public_dir == TOY / "public_refs"


def test_grade_leaves_unset_options_to_the_engine(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    grade = Recorder()
    _fake_verbs(monkeypatch, grade=grade)
    status, _, _ = run(capsys, "grade", str(tmp_path), *TOY_ARGS)
    assert status == 0
    (call,) = grade.calls
    assert call["timeout"] is None and call["memory_mb"] is None and call["slugs"] is None
    assert call["out"] == Path("grading-out") and call["jobs"] == 1 and call["sandbox"] == "auto"


def test_missing_submissions_folder_is_reported(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    status, _, err = run(capsys, "grade", str(tmp_path / "nowhere"), *TOY_ARGS)
    assert status == 1 and "submissions folder" in err and "does not exist" in err


def test_an_option_the_engine_does_not_take_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def old_grade(*, submissions: Path, out: Path, course: Any, jobs: int = 1) -> int:
        return 0

    _fake_verbs(monkeypatch, grade=old_grade)
    status, _, err = run(capsys, "grade", str(tmp_path), *TOY_ARGS, "--memory-mb", "100")
    assert status == 1 and "does not support the option --memory-mb" in err
    assert run(capsys, "grade", str(tmp_path), *TOY_ARGS)[0] == 0  # unset options are simply not passed


def test_a_verb_status_is_the_exit_status(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def refs(*, course: Any, slugs: list[str] | None, check: bool) -> int:
        calls.append({"slugs": slugs, "check": check})
        return 1

    _fake_verbs(monkeypatch, refs=refs)
    status, _, _ = run(capsys, "refs", *TOY_ARGS, "--check", "--notebook", "00_toy")
    assert status == 1 and calls == [{"slugs": ["00_toy"], "check": True}]


def test_a_crash_inside_a_verb_is_one_line_unless_debug(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_verbs(monkeypatch, grade=Recorder(error=KeyError("kernel_json")))
    status, out, err = run(capsys, "grade", str(tmp_path), *TOY_ARGS)
    assert status == 1 and out == ""
    assert err == "quantgrade grade: error: KeyError: 'kernel_json' (--debug shows the traceback)\n"
    with pytest.raises(KeyError):
        cli.main(["grade", str(tmp_path), *TOY_ARGS, "--debug"])
    with pytest.raises(KeyError):
        cli.main(["--debug", "grade", str(tmp_path), *TOY_ARGS])


def test_check_and_demo_call_their_verbs(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, dict[str, Any]] = {}

    def check(*, notebook: Path, course: Any, slug: str | None = None) -> int:
        seen["check"] = {"notebook": notebook, "course": course, "slug": slug}
        return 0

    def demo(*, out: Path, course: Any) -> int:
        seen["demo"] = {"out": out, "course": course}
        return 0

    _fake_verbs(monkeypatch, selfcheck=check, demo=demo)
    notebook = TOY / "notebooks" / "00_toy.ipynb"
    assert run(capsys, "check", str(notebook), *TOY_ARGS)[0] == 0
    assert seen["check"]["notebook"] == notebook and seen["check"]["slug"] is None
    assert run(capsys, "check", str(notebook), *TOY_ARGS, "--slug", "00_toy")[0] == 0
    assert seen["check"]["slug"] == "00_toy"
    assert run(capsys, "demo", *TOY_ARGS, "--out", str(tmp_path / "d"))[0] == 0
    assert seen["demo"]["out"] == tmp_path / "d" and seen["demo"]["course"].root == TOY
    status, _, err = run(capsys, "check", str(tmp_path / "missing.ipynb"), *TOY_ARGS)
    assert status == 1 and "does not exist" in err


def test_a_missing_verb_module_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(cli.GraderFault, match=r"no autograder\.no_such_verb module"):
        cli._verb("no_such_verb")


def test_python_dash_m_autograder_and_the_console_script() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "autograder", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0 and done.stdout.startswith("quantgrade ")
    scripts = importlib.metadata.entry_points(group="console_scripts")
    (entry,) = [e for e in scripts if e.name == "quantgrade"]
    assert entry.value == "autograder.cli:main"


def test_grade_prints_the_totals_table_of_the_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autograder.report import format_totals_table
    from autograder.results import QuestionResult, SubmissionResult

    results = [
        SubmissionResult(
            student="ana", notebook="00_toy", path="ana/00_toy.ipynb", status="graded",
            questions=[QuestionResult("q1", "double", "auto", 1.5, 2.0, "partial", ["wrong dtype"])],
        ),
        SubmissionResult(student="bo", notebook="00_toy", path="bo/00_toy.ipynb", status="unreadable",
                         reason="not JSON"),
    ]  # fmt: skip

    def grade(*, submissions: Path, out: Path, course: Any, jobs: int = 1) -> int:
        out.mkdir(parents=True, exist_ok=True)
        data = {"grader_version": "0", "sandbox": "none", "submissions": [r.to_dict() for r in results]}
        (out / "results.json").write_text(json.dumps(data), encoding="utf-8")
        return 0

    _fake_verbs(monkeypatch, grade=grade)
    status, out, _ = run(capsys, "grade", str(tmp_path), *TOY_ARGS, "--out", str(tmp_path / "o"))
    assert status == 0
    assert out == format_totals_table(results)
    assert "ana" in out and "unreadable" in out


def test_no_table_when_the_grader_wrote_no_reports(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _fake_verbs(monkeypatch, grade=Recorder(status=1))
    status, out, _ = run(capsys, "grade", str(tmp_path), *TOY_ARGS, "--out", str(tmp_path / "o"))
    assert status == 1 and out == ""


def test_resume_and_unsandboxed_are_passed_only_when_given(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[dict[str, Any]] = []

    def grade(*, submissions: Path, out: Path, course: Any, jobs: int = 1, **options: Any) -> int:
        calls.append(options)
        return 0

    _fake_verbs(monkeypatch, grade=grade)
    assert run(capsys, "grade", str(tmp_path), *TOY_ARGS, "--resume", "--unsandboxed")[0] == 0
    assert run(capsys, "grade", str(tmp_path), *TOY_ARGS)[0] == 0
    assert calls == [{"resume": True, "unsandboxed": True}, {}]
    _, out, _ = run(capsys, "grade", "--help")
    assert "--resume" in out and "--unsandboxed" in out and "130 (143)" in out


def test_the_totals_table_of_a_stopped_run_says_how_many_were_graded(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from autograder.results import QuestionResult, SubmissionResult

    question = QuestionResult("q1", "double", "auto", 2.0, 2.0, "passed")
    graded = SubmissionResult("ana", "00_toy", "a", "graded", questions=[question])
    missing = [{"student": s, "notebook": "00_toy", "path": "p", "why": "interrupted"} for s in ("bo", "cy")]

    def grade(*, submissions: Path, out: Path, course: Any, jobs: int = 1) -> int:
        out.mkdir(parents=True, exist_ok=True)
        data = {"complete": False, "not_graded": missing, "submissions": [graded.to_dict()]}
        (out / "results.json").write_text(json.dumps(data), encoding="utf-8")
        return 143

    _fake_verbs(monkeypatch, grade=grade)
    status, out, _ = run(capsys, "grade", str(tmp_path), *TOY_ARGS, "--out", str(tmp_path / "o"))
    assert status == 143
    footer = "incomplete: 1 of 3 submissions graded; not graded: bo (interrupted), cy (interrupted)\n"
    assert out.endswith(footer)
