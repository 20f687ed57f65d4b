"""Tests for autograder.report: grades.csv, totals.csv, feedback pages, report.html and results.json.

Everything is built from hand-made SubmissionResult lists and a two-question-plus-one-written-answer
course written into a temporary folder, so the expected rows are the results' own numbers. Golden
files under tests/autograder/goldens/report/ pin the exact output; after an intended change in the
reports, regenerate them with ``UPDATE_GOLDENS=1 pytest tests/autograder/test_report.py`` and review
the diff.
"""

from __future__ import annotations

import base64
import csv
import doctest
import json
import os
import re
import unicodedata
from pathlib import Path

import pytest

import autograder
from autograder import report
from autograder.report import feedback_path, format_totals_table, safe_name, write_reports
from autograder.results import QuestionResult, SubmissionResult
from autograder.spec import Course

GOLDENS = Path(__file__).resolve().parent / "goldens" / "report"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"  # the PNG specification's 8-byte file signature
HIDDEN_MARKER = "HIDDEN-INPUT-31337"

MANIFEST = """\
slug = "05_demo"
title = "Demo notebook"

[[questions]]
id = "q1"
title = "scale a signal"
names = ["scale"]
points = 2

[[questions]]
id = "q2"
title = "clip to the unit interval"
names = ["clip01"]
points = 2

[[questions]]
id = "q3"
title = "why clipping loses information"
points = 1
"""

MISTAKES = '''\
from autograder.spec import Mistake as M

MISTAKES = {
    "q2_clip01": [
        M("clip_no_upper", "a", "b", "forgets the upper bound", "Values above 1 must be clipped too."),
    ],
}
'''

NO_UPPER_HINT = "Values above 1 must be clipped too."


def _make_course(folder: Path) -> Course:
    spec = folder / "course" / "spec"
    (spec / "05_demo").mkdir(parents=True)
    (spec / "05_demo" / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (spec / "05_demo" / "mistakes.py").write_text(MISTAKES, encoding="utf-8")
    # A hidden reference file with a marker: no report may ever show it.
    (spec / "05_demo" / "hidden_refs.json").write_text(json.dumps({"args": HIDDEN_MARKER}), encoding="utf-8")
    return Course(root=folder / "course", spec_dir=spec, public_refs_dir=folder / "course" / "public")


@pytest.fixture
def course(tmp_path: Path) -> Course:
    return _make_course(tmp_path)


@pytest.fixture(scope="module")
def class_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The reports of class_results(), written once for the tests that only read them (plots are slow)."""
    folder = tmp_path_factory.mktemp("class")
    write_reports(class_results(), out=folder / "out", course=_make_course(folder))
    return folder / "out"


def _questions(q1: tuple[float, str], q2: tuple[float, str], *, messages: list[str] | None = None,
               hints: list[str] | None = None, answer: str = "") -> list[QuestionResult]:
    return [
        QuestionResult("q1", "scale a signal", "auto", q1[0], 2.0, q1[1]),  # type: ignore[arg-type]
        QuestionResult("q2", "clip to the unit interval", "auto", q2[0], 2.0, q2[1],  # type: ignore[arg-type]
                       messages=messages or [], hints=hints or []),
        QuestionResult("q3", "why clipping loses information", "manual", 0.0, 1.0, "manual", answer=answer),
    ]


def class_results() -> list[SubmissionResult]:
    """Four submissions: a partial one with a known mistake, a perfect one (non-ASCII name), one whose
    kernel died, and one that is not a notebook. Given out of order on purpose; the reports sort them
    case-insensitively: alice, bob, zed, Zoë Müller."""
    return [
        SubmissionResult(
            student="zed", notebook="05_demo", path="subs/zed/05_demo.ipynb", status="error",
            reason="the kernel died while running cell 4 (out of memory?)", sandbox="bubblewrap",
            questions=[
                QuestionResult("q1", "scale a signal", "auto", 0.0, 2.0, "error", messages=["kernel died"]),
                QuestionResult("q2", "clip to the unit interval", "auto", 0.0, 2.0, "error",
                               messages=["kernel died"]),
                QuestionResult("q3", "why clipping loses information", "manual", 0.0, 1.0, "manual"),
            ],
            timings={"total": 3.5}, notes=["memory limit of 1024 MB reached"],
        ),
        SubmissionResult(
            student="alice", notebook="05_demo", path="subs/alice/05_demo.ipynb", status="graded",
            sandbox="bubblewrap",
            questions=_questions(
                (2.0, "passed"), (1.0, "partial"),
                messages=["clip01: 1 of 3 values differ on 'values outside [0, 1] go to the nearest end'"],
                hints=[NO_UPPER_HINT], answer="Values outside the range are lost.",
            ),
            timings={"kernel_start": 1.25, "notebook": 2.0, "tests": 0.5, "total": 3.75},
        ),
        SubmissionResult(
            student="Zoë Müller", notebook="05_demo", path="subs/Zoë Müller/05_demo.ipynb", status="graded",
            sandbox="bubblewrap", questions=_questions((2.0, "passed"), (2.0, "passed")),
            timings={"total": 2.5},
        ),
        SubmissionResult(
            student="bob", notebook="05_demo", path="subs/bob/05_demo.ipynb", status="unreadable",
            reason="not a notebook: the file is not valid JSON", sandbox="bubblewrap",
            questions=[
                QuestionResult("q1", "scale a signal", "auto", 0.0, 2.0, "error"),
                QuestionResult("q2", "clip to the unit interval", "auto", 0.0, 2.0, "error"),
                QuestionResult("q3", "why clipping loses information", "manual", 0.0, 1.0, "error"),
            ],
        ),
    ]


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def _mask_images(text: str) -> str:
    return re.sub(r"data:image/png;base64,[A-Za-z0-9+/=]+", "data:image/png;base64,<PNG>", text)


def _all_files(folder: Path) -> dict[str, bytes]:
    """Relative path -> bytes; paths in NFC, as some file systems (macOS HFS+) store names decomposed."""
    files = sorted(p for p in folder.rglob("*") if p.is_file())
    return {unicodedata.normalize("NFC", p.relative_to(folder).as_posix()): p.read_bytes() for p in files}


# --------------------------------------------------------------------------------------------- CSV


def test_grades_csv_is_long_and_exact(class_out: Path) -> None:
    assert _read_csv(class_out / "grades.csv") == [
        ["student", "notebook", "question", "score", "max_score", "status"],
        ["alice", "05_demo", "q1", "2", "2", "passed"],
        ["alice", "05_demo", "q2", "1", "2", "partial"],
        ["alice", "05_demo", "q3", "0", "1", "manual"],
        ["bob", "05_demo", "q1", "0", "2", "error"],
        ["bob", "05_demo", "q2", "0", "2", "error"],
        ["bob", "05_demo", "q3", "0", "1", "error"],
        ["zed", "05_demo", "q1", "0", "2", "error"],
        ["zed", "05_demo", "q2", "0", "2", "error"],
        ["zed", "05_demo", "q3", "0", "1", "manual"],
        ["Zoë Müller", "05_demo", "q1", "2", "2", "passed"],
        ["Zoë Müller", "05_demo", "q2", "2", "2", "passed"],
        ["Zoë Müller", "05_demo", "q3", "0", "1", "manual"],
    ]


def test_totals_csv_is_exact(class_out: Path) -> None:
    # alice: 2 + 1 auto points of 4, written answer (1 point) pending; bob: unreadable, nothing pending.
    assert _read_csv(class_out / "totals.csv") == [
        ["student", "notebook", "score", "max_score", "auto_score", "auto_max", "manual_pending", "status"],
        ["alice", "05_demo", "3", "5", "3", "4", "1", "graded"],
        ["bob", "05_demo", "0", "5", "0", "4", "0", "unreadable"],
        ["zed", "05_demo", "0", "5", "0", "4", "1", "error"],
        ["Zoë Müller", "05_demo", "4", "5", "4", "4", "1", "graded"],
    ]


@pytest.mark.parametrize(("score", "text"), [(0.5, "0.5"), (1.25, "1.25"), (2.0, "2"), (1 / 3, "0.3333"),
                                             (0.0, "0"), (-0.0, "0"), (10.0, "10")])
def test_points_are_written_without_float_noise(score: float, text: str) -> None:
    assert report._points(score) == text


def test_format_totals_table() -> None:
    assert format_totals_table(class_results()) == (
        "student     notebook  score  max  auto  auto max  manual pending  status\n"
        "----------  --------  -----  ---  ----  --------  --------------  ----------\n"
        "alice       05_demo       3    5     3         4               1  graded\n"
        "bob         05_demo       0    5     0         4               0  unreadable\n"
        "zed         05_demo       0    5     0         4               1  error\n"
        "Zoë Müller  05_demo       4    5     4         4               1  graded\n"
    )
    assert format_totals_table([]) == "no submissions\n"


# ---------------------------------------------------------------------------------------- feedback


def test_feedback_has_scores_messages_hints_and_nothing_hidden(class_out: Path) -> None:
    out = class_out
    page = (out / "feedback" / "alice" / "05_demo.html").read_text(encoding="utf-8")
    assert "<title>Feedback: Demo notebook — alice</title>" in page
    assert "<strong>3 / 5</strong>" in page
    assert "(autograded 3 / 4; 1 point still awaits a person&#x27;s grading)" in page
    assert "clip01: 1 of 3 values differ on &#x27;values outside [0, 1] go to the nearest end&#x27;" in page
    assert f"<strong>Hint:</strong> {NO_UPPER_HINT}" in page
    # What the student must not see: hidden inputs, the grader's paths, notes and timings.
    for secret in (HIDDEN_MARKER, "subs/alice", "kernel_start", "3.75"):
        assert secret not in page
    assert not [p for p in out.rglob("*") if p.is_file() and HIDDEN_MARKER in p.read_text(encoding="utf-8")]


def test_feedback_of_an_ungraded_submission_says_why(class_out: Path) -> None:
    page = (class_out / "feedback" / "bob" / "05_demo.html").read_text(encoding="utf-8")
    reason = "not a notebook: the file is not valid JSON"
    assert f"Submission status: <strong>unreadable</strong>. {reason}" in page
    zed = (class_out / "feedback" / "zed" / "05_demo.html").read_text(encoding="utf-8")
    assert "the kernel died while running cell 4" in zed
    assert "memory limit" not in zed  # an instructor's note, shown in report.html only
    assert "memory limit of 1024 MB reached" in (class_out / "report.html").read_text(encoding="utf-8")


def test_untrusted_text_is_escaped(tmp_path: Path, course: Course) -> None:
    evil = "<script>alert('owned')</script>"
    result = SubmissionResult(
        student=evil, notebook="05_demo", path="x", status="error", reason='<img src=x onerror="alert(1)">',
        questions=_questions((0.0, "failed"), (0.0, "failed"), messages=["</p><iframe src=//evil>"],
                             hints=["<b>bold</b> & more"]),
        notes=["<marquee>note</marquee>"],
    )
    out = tmp_path / "out"
    write_reports([result], out=out, course=course)
    pages = [feedback_path(out, result).read_text(encoding="utf-8"), (out / "report.html").read_text("utf-8")]
    for page in pages:
        for raw in ("<script>alert", "<img src=x", "<iframe", "<b>bold</b>", "<marquee>"):
            assert raw not in page
        assert "&lt;script&gt;alert(&#x27;owned&#x27;)&lt;/script&gt;" in page
    assert "&lt;/p&gt;&lt;iframe src=//evil&gt;" in pages[0]
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in pages[0]


FORMULA_NAMES = ["=1+2+cmd|' -C calc'!A0", "+SUM(1,1)", "-2+3", "@SUM(1)", "\tx", "\r=1+1"]


@pytest.mark.parametrize("name", FORMULA_NAMES)
def test_csv_cells_a_spreadsheet_would_run_get_a_quote(tmp_path: Path, course: Course, name: str) -> None:
    # OWASP "CSV Injection": cells starting with = + - @ tab or CR are read as formulas by spreadsheets.
    result = SubmissionResult(student=name, notebook="05_demo", path="p", status="graded",
                              questions=_questions((2.0, "passed"), (1.0, "partial")))
    out = tmp_path / "out"
    write_reports([result], out=out, course=course)
    for table in ("grades.csv", "totals.csv"):
        rows = _read_csv(out / table)[1:]
        assert rows and all(row[0] == "'" + name for row in rows), table
        assert all(not cell.startswith(report._FORMULA_START) for row in rows for cell in row), table


def test_csv_cell_leaves_plain_text_and_numbers_alone() -> None:
    for text in ("alice", "Zoë Müller", "1.5", "0", "a=b", "x-y", "'quoted"):
        assert report.csv_cell(text) == text
    assert report.csv_cell("=x") == "'=x"
    assert report.csv_cell(-1) == "'-1"


UNSAFE_NAMES = ["../x", "../../etc/passwd", "/abs/path", "..", ".", "", "a/../../b", "C:\\Windows\\x",
                "x\x00y", ".hidden", "  spaced  ", "名前 テスト", "a" * 300]


def test_feedback_paths_stay_inside_the_feedback_folder(tmp_path: Path, course: Course) -> None:
    out = tmp_path / "out" / "nested"
    results = [SubmissionResult(student=s, notebook=n, path="p", status="graded",
                                questions=_questions((2.0, "passed"), (2.0, "passed")))
               for s in UNSAFE_NAMES for n in ("05_demo", "../../escape")]
    write_reports(results, out=out, course=course)
    written = sorted(p for p in tmp_path.rglob("*.html") if p.name != "report.html")
    assert written == sorted(feedback_path(out, r) for r in results)  # one each, nothing else
    for path in written:
        assert path.resolve().parent.parent == (out / "feedback").resolve()
        for part in (path.parent.name, path.stem):
            assert 0 < len(part) <= 100 and not part.startswith(".")


@pytest.mark.parametrize("name", UNSAFE_NAMES)
def test_safe_name_is_one_plain_path_component(name: str) -> None:
    safe = safe_name(name)
    assert safe not in ("", ".", "..") and "/" not in safe and "\\" not in safe and "\x00" not in safe
    assert Path(safe).name == safe and len(safe) <= 100


def test_different_students_never_share_a_feedback_file(tmp_path: Path, course: Course) -> None:
    names = ["a/b", "a_b", "a\\b", "a:b", "Zoë", "Zoe\u0308", "ZOË"]
    results = [SubmissionResult(student=n, notebook="05_demo", path="p", status="graded",
                                questions=_questions((2.0, "passed"), (2.0, "passed"))) for n in names]
    out = tmp_path / "out"
    write_reports(results, out=out, course=course)
    paths = {feedback_path(out, r) for r in results}
    # "Zoë" written precomposed (NFC) and decomposed (e + combining diaeresis) is one name on screen
    # (Unicode Standard Annex #15), so those two may share; every other pair must not.
    assert len(paths) == len(names) - 1
    assert len(list((out / "feedback").rglob("*.html"))) == len(names) - 1


def test_safe_name_doctests() -> None:
    failures, tried = doctest.testmod(report, verbose=False)
    assert tried >= 2 and failures == 0


def test_safe_name_refuses_non_strings() -> None:
    with pytest.raises(TypeError, match="must be a string"):
        safe_name(3)  # type: ignore[arg-type]


# ------------------------------------------------------------------------------- report and json


def test_report_embeds_its_plots(class_out: Path) -> None:
    page = (class_out / "report.html").read_text(encoding="utf-8")
    images = re.findall(r'<img alt="([^"]+)" src="data:image/png;base64,([A-Za-z0-9+/=]+)">', page)
    assert [alt for alt, _ in images] == [
        "score distribution of 05_demo", "pass rate per question of 05_demo", "most frequent known mistakes",
    ]
    for _, data in images:
        assert base64.b64decode(data).startswith(PNG_SIGNATURE)
    assert "http://" not in page and "https://" not in page and "<link" not in page  # self-contained
    assert '<a href="feedback/Zo%C3%AB%20M%C3%BCller/05_demo.html">Zoë Müller</a>' in page
    assert "<td>forgets the upper bound</td>" in page  # the catalogue's title, not the raw hint


def test_report_without_known_mistakes(tmp_path: Path, course: Course) -> None:
    perfect = [r for r in class_results() if r.student == "Zoë Müller"]
    write_reports(perfect, out=tmp_path, course=course)
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "No submission matched a known mistake." in page
    assert page.count("data:image/png;base64,") == 2


def test_results_json(class_out: Path) -> None:
    results = class_results()
    data = json.loads((class_out / "results.json").read_text(encoding="utf-8"))
    assert data["grader_version"] == autograder.__version__
    assert data["sandbox"] == "bubblewrap"
    assert [s["student"] for s in data["submissions"]] == ["alice", "bob", "zed", "Zoë Müller"]
    by_student = {r.student: r for r in results}
    for entry in data["submissions"]:
        assert entry == json.loads(json.dumps(by_student[entry["student"]].to_dict()))


def test_results_json_sandbox_kind() -> None:
    results = class_results()
    assert report.results_document(results)["sandbox"] == "bubblewrap"
    results[0].sandbox = "unsandboxed"
    assert report.results_document(results)["sandbox"] == "mixed"
    assert report.results_document([])["sandbox"] == "none"


def test_output_is_deterministic(tmp_path: Path, course: Course, class_out: Path) -> None:
    """The same results, given in another order, give the same bytes, PNG images included."""
    write_reports(list(reversed(class_results())), out=tmp_path / "again", course=course)
    assert _all_files(tmp_path / "again") == _all_files(class_out)


def test_bad_input_is_refused(tmp_path: Path, course: Course) -> None:
    with pytest.raises(TypeError, match="needs SubmissionResult objects, got a dict"):
        write_reports([{"student": "x"}], out=tmp_path, course=course)  # type: ignore[list-item]
    twice = class_results()[:1] * 2
    with pytest.raises(ValueError, match=r"more than one result for \(student, notebook\)"):
        write_reports(twice, out=tmp_path, course=course)


def test_unknown_notebook_still_reported(tmp_path: Path, course: Course) -> None:
    """A submission for a notebook without a spec (renamed file, say) still gets its rows and pages."""
    result = SubmissionResult(student="eve", notebook="99_unknown", path="p", status="unreadable",
                              reason="no such notebook in the course", sandbox="bubblewrap")
    write_reports([result], out=tmp_path, course=course)
    assert (tmp_path / "feedback" / "eve" / "99_unknown.html").is_file()
    row = ["eve", "99_unknown", "0", "0", "0", "0", "0", "unreadable"]
    assert _read_csv(tmp_path / "totals.csv")[1] == row


# ------------------------------------------------------------------------------------------ goldens


def test_goldens(class_out: Path) -> None:
    """The whole output, byte for byte (report.html with its PNG data masked: PNG bytes depend on the
    installed matplotlib and FreeType; test_report_embeds_its_plots checks the images themselves)."""
    produced = _all_files(class_out)
    produced["report.html"] = _mask_images(produced["report.html"].decode("utf-8")).encode("utf-8")
    if os.environ.get("UPDATE_GOLDENS") == "1":
        for name in _all_files(GOLDENS) if GOLDENS.is_dir() else {}:
            (GOLDENS / name).unlink()
        for name, data in produced.items():
            (GOLDENS / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDENS / name).write_bytes(data)
    golden = _all_files(GOLDENS)
    assert sorted(produced) == sorted(golden), "the set of report files changed: UPDATE_GOLDENS=1 to accept"
    for name, data in produced.items():
        assert data == golden[name], f"{name} differs from its golden file: review, then UPDATE_GOLDENS=1"


def test_plot_labels_are_plain_text(tmp_path: Path, course: Course) -> None:
    """A hint outside the catalogue is its own label; a lone "$" must not start matplotlib's mathtext."""
    hint = "use $x^$ here"  # malformed mathtext: matplotlib raises ValueError when drawing it
    result = SubmissionResult(student="amy", notebook="05_demo", path="p", status="graded",
                              questions=_questions((2.0, "passed"), (0.0, "failed"), hints=[hint]))
    write_reports([result], out=tmp_path, course=course)
    assert f"<td>{hint}</td>" in (tmp_path / "report.html").read_text(encoding="utf-8")


def test_unsandboxed_grades_say_so_in_every_report(tmp_path: Path, course: Course) -> None:
    results = class_results()
    for r in results:
        r.sandbox = "unsandboxed"
    write_reports(results, out=tmp_path, course=course)
    for name in ("grades.csv", "totals.csv"):
        rows = _read_csv(tmp_path / name)
        assert rows[0][-1] == "sandbox" and {row[-1] for row in rows[1:]} == {"unsandboxed"}, name
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<strong>UNSANDBOXED</strong>: every submission ran without" in page
    for r in results:
        assert "<strong>UNSANDBOXED</strong>" in feedback_path(tmp_path, r).read_text(encoding="utf-8")
    assert json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))["sandbox"] == "unsandboxed"


def test_a_stopped_run_says_what_it_did_not_grade(tmp_path: Path, course: Course) -> None:
    missing = [{"student": "yan", "notebook": "05_demo", "path": "subs/yan/x.ipynb", "why": "interrupted"}]
    write_reports(class_results(), out=tmp_path, course=course, complete=False, not_graded=missing)
    data = json.loads((tmp_path / "results.json").read_text(encoding="utf-8"))
    assert data["complete"] is False and data["not_graded"] == missing
    page = (tmp_path / "report.html").read_text(encoding="utf-8")
    assert "<strong>Incomplete</strong>: 4 of 5 submissions graded; not graded: yan (interrupted)" in page
    assert "UNSANDBOXED" not in page
    assert [row[0] for row in _read_csv(tmp_path / "totals.csv")[1:]] == ["alice", "bob", "zed", "Zoë Müller"]


def test_reports_are_replaced_whole(tmp_path: Path, course: Course, monkeypatch: pytest.MonkeyPatch) -> None:
    """A write that fails half-way (a full disk) leaves the previous file, not half a new one."""
    write_reports(class_results(), out=tmp_path, course=course)
    before = (tmp_path / "grades.csv").read_bytes()
    real = os.fdopen

    def failing(fd: int, *args: object, **kwargs: object):  # the temporary file's writer fails
        handle = real(fd, *args, **kwargs)
        def full(text: str) -> int:
            raise OSError(28, "No space left on device")

        handle.write = full  # type: ignore[method-assign]
        return handle

    monkeypatch.setattr(report.os, "fdopen", failing)
    with pytest.raises(OSError, match="No space left"):
        write_reports(class_results()[:1], out=tmp_path, course=course)
    monkeypatch.undo()
    assert (tmp_path / "grades.csv").read_bytes() == before
    assert not [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
