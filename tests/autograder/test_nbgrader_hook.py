"""Tests of autograder/nbgrader_hook.py (``hidden_score``, the nbgrader path's scorer), in-process.

nbgrader facts relied on (nbgrader/utils.py, ``determine_grade`` and ``get_partial_grade``): a test
cell scores 0 if any output is an error or a ``stderr`` stream; otherwise its ``execute_result``'s
``text/plain``, cast with ``float()``, is the partial credit, and a value above the cell's points is
an error. So ``hidden_score`` must return something whose repr ``float()`` accepts, at most the
question's points, and must never write to stderr.

The course used here is written by the test into a temporary spec folder (a manifest, hidden tests
worth 1.5 + 0.5 points for q1 and 1 point for q2, and an empty hidden reference file).
"""

from __future__ import annotations

import os
import sys
import textwrap
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from nbgrader.utils import get_partial_grade

from autograder import nbgrader_hook
from autograder.nbgrader_hook import SPEC_DIR_ENV, hidden_score

MANIFEST = """\
slug = "tiny"
title = "tiny"

[[questions]]
id = "q1"
title = "triple"
names = ["triple"]
points = 2

[[questions]]
id = "q2"
title = "a value"
names = ["answer"]
points = 1

[[questions]]
id = "q3"
title = "explain"
points = 1
"""

HIDDEN_TESTS = '''\
import numpy as np

from autograder.testing import question


@question("q1", points=1.5)
def test_triple_values(student):
    """triple multiplies by three."""
    got = student.call("triple", np.arange(4))
    assert np.array_equal(got, 3 * np.arange(4)), "triple(x) is not 3 * x"


@question("q1", points=0.5)
def test_triple_keeps_integers(student):
    """triple keeps integer input integer."""
    got = student.call("triple", np.arange(4))
    assert got.dtype.kind == "i", "integer input gave non-integer output"


@question("q2", points=1)
def test_answer(student):
    """answer is 42."""
    assert student.value("answer") == 42, "answer is not 42"
'''


@pytest.fixture
def spec_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "course"
    (folder / "tiny").mkdir(parents=True)
    (folder / "tiny" / "manifest.toml").write_text(MANIFEST, encoding="utf-8")
    (folder / "tiny" / "hidden_tests.py").write_text(HIDDEN_TESTS, encoding="utf-8")
    (folder / "tiny" / "hidden_refs.json").write_text(
        '{"format": 2, "slug": "tiny", "questions": {}, "cases": [], "mistakes": []}', encoding="utf-8"
    )
    monkeypatch.setenv(SPEC_DIR_ENV, str(folder))
    return folder


def namespace(source: str) -> dict[str, Any]:
    ns: dict[str, Any] = {"np": np}
    exec(textwrap.dedent(source), ns)
    return ns


@pytest.mark.parametrize(
    ("source", "qid", "expected"),
    [
        ("def triple(x):\n    return 3 * x\n", "q1", 2.0),  # both tests pass: 1.5 + 0.5
        ("def triple(x):\n    return 3.0 * x\n", "q1", 1.5),  # values right, dtype wrong
        ("def triple(x):\n    return x + 0.5\n", "q1", 0.0),  # wrong values and dtype
        ("def triple(x):\n    raise NotImplementedError()\n", "q1", 0.0),
        ("answer = 42\n", "q2", 1.0),
        ("answer = 41\n", "q2", 0.0),
        ("pass\n", "q2", 0.0),  # not defined at all
    ],
    ids=["correct", "float-output", "wrong", "stub", "value-right", "value-wrong", "value-missing"],
)
def test_score_is_a_plain_float_nbgrader_reads_back(
    spec_dir: Path, capfd: pytest.CaptureFixture[str], source: str, qid: str, expected: float
) -> None:
    score = hidden_score("tiny", qid, namespace(source))
    assert type(score) is float and score == expected
    points = {"q1": 2.0, "q2": 1.0}[qid]
    assert get_partial_grade({"data": {"text/plain": repr(score)}}, points) == expected
    out, err = capfd.readouterr()
    assert err == ""
    assert out.startswith(f"{qid} (")
    assert f"{expected:g} / {points:g} points from the hidden tests" in out


def test_summary_lists_each_test_and_why_it_failed(spec_dir: Path, capfd: pytest.CaptureFixture[str]) -> None:
    hidden_score("tiny", "q1", namespace("def triple(x):\n    return 3.0 * x\n"))
    out = capfd.readouterr().out.splitlines()
    assert out == [
        "q1 (triple): 1.5 / 2 points from the hidden tests",
        "  passed  1.5/1.5  test_triple_values",
        "  failed  0/0.5  test_triple_keeps_integers: integer input gave non-integer output",
    ]


def test_student_output_and_warnings_never_reach_stderr(
    spec_dir: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    noisy = """
    import os, sys, warnings
    def triple(x):
        print("debug print")
        print("to stderr", file=sys.stderr)
        os.write(2, b"straight to file descriptor 2\\n")
        os.write(1, b"straight to file descriptor 1\\n")
        warnings.warn("a student warning", UserWarning)
        return 3 * x
    """
    score = hidden_score("tiny", "q1", namespace(noisy))
    out, err = capfd.readouterr()
    assert score == 2.0
    assert err == ""
    assert "debug print" not in out and "file descriptor" not in out
    assert out.startswith("q1 (triple): 2 / 2 points")
    # the real streams work again afterwards
    print("after", file=sys.stderr)
    os.write(2, b"fd after\n")
    assert capfd.readouterr().err == "after\nfd after\n"


def test_score_never_exceeds_the_points(
    spec_dir: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    import autograder.testing as testing

    def inflated(**kwargs: Any) -> dict[str, Any]:
        return {"q1": testing.QuestionOutcome(score=0.1 + 0.2 + 1.7000000000000002, max_score=2.0)}

    monkeypatch.setattr(testing, "run_hidden_tests", inflated)
    assert hidden_score("tiny", "q1", {}) == 2.0  # float sums may overshoot; nbgrader would refuse


def test_bad_calls_are_clear_errors(spec_dir: Path) -> None:
    with pytest.raises(ValueError, match="tiny has no question 'q9'"):
        hidden_score("tiny", "q9", {})
    with pytest.raises(ValueError, match="written answer"):
        hidden_score("tiny", "q3", {})
    with pytest.raises(ValueError, match="no grading spec for notebook 'huge'"):
        hidden_score("huge", "q1", {})
    with pytest.raises(TypeError, match="globals"):
        hidden_score("tiny", "q1", [])  # type: ignore[arg-type]


def test_broken_hidden_tests_are_a_grader_error(spec_dir: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (spec_dir / "tiny" / "hidden_tests.py").write_text("import no_such_module_here\n", encoding="utf-8")
    with pytest.raises(nbgrader_hook.HookError, match="the hidden tests of tiny could not run"):
        hidden_score("tiny", "q1", namespace("def triple(x):\n    return 3 * x\n"))
    assert capfd.readouterr().err == ""


def test_default_course_is_the_installed_spec_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(SPEC_DIR_ENV, raising=False)
    import autograder

    assert nbgrader_hook._course().spec_dir == Path(autograder.__file__).resolve().parent / "course"


def test_the_kernel_environment_is_left_as_it_was(
    spec_dir: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    """A hidden-test module (or a conftest.py pytest finds above it) must not change the kernel's env."""
    monkeypatch.setenv("QUANTKIT_GRADING", "1")
    (spec_dir / "tiny" / "hidden_tests.py").write_text(
        HIDDEN_TESTS + "\nimport os\nos.environ.pop('QUANTKIT_GRADING', None)\nos.environ['QG_LEAK'] = 'x'\n",
        encoding="utf-8",
    )
    assert hidden_score("tiny", "q1", namespace("def triple(x):\n    return 3 * x\n")) == 2.0
    assert os.environ.get("QUANTKIT_GRADING") == "1" and "QG_LEAK" not in os.environ
