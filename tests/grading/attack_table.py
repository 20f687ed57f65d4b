"""The attack corpus as the table of the security section: attack, contained?, score, status, reason.

``tests/grading/attacks/*.py`` are submissions that try to beat, break or spy on the hardened grader
(see ``corpus.py`` for the case format). This module grades them in one class, with the two honest
baselines, under small limits (so that the endless loops stay cheap), and says per attack whether it
was *contained*: its expectation holds (never more points than the honest baseline, the expected
status and reason) and its grading took no longer than its own limits allow.

Command line (from the repository root)::

    python tests/grading/attack_table.py             # Markdown table on stdout
    python tests/grading/attack_table.py --jobs 1

Used by tests/grading/test_attacks.py, which checks the same results and more (other students' rows,
files on disk).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import ModuleType
from typing import Any, NamedTuple

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]

#: Seconds a submission's grading may take beyond the sum of its own time limits: reading it,
#: restoring cells, comparing results, computing hints, on a loaded 2-core machine.
MARGIN = 60.0
#: Seconds the kernel runner waits after an interrupt before it kills the kernel, then for it to exit.
KILL_GRACE = 5.0 + 5.0


def _corpus() -> ModuleType:
    # Run as a script, this folder is sys.path[0]; under pytest, conftest.py has registered `corpus`.
    import corpus

    return corpus


def attack_limits() -> Any:
    """The limits the attack class is graded with: the defaults, with short timeouts and budget."""
    from autograder.kernel import GradingLimits

    # tests_timeout: an honest notebook's ~60 calls take 5-15 s on a loaded 2-core machine; 60 s keeps
    # the budget from cutting honest work short while the endless-loop cases stay cheap.
    return GradingLimits(notebook_timeout=30.0, cell_timeout=10.0, call_timeout=5.0, tests_timeout=60.0)


def time_allowance(limits: Any) -> float:
    """Most seconds one submission's grading may take under ``limits`` (its ``timings["total"]``).

    Kernel start-up, the whole notebook, the hidden tests' and hints' shared budget, each with the
    kill grace of the call or cell that was running when its limit passed, plus :data:`MARGIN`.
    """
    return (
        limits.startup_timeout
        + limits.notebook_timeout
        + KILL_GRACE
        + limits.tests_timeout
        + KILL_GRACE
        + MARGIN
    )


def grade_attacks(
    class_dir: Path, *, jobs: int = 2, limits: Any = None, cases: Sequence[Any] | None = None
) -> tuple[list[Any], dict[str, Any], float]:
    """Build the attack class in ``class_dir`` (must not exist) and grade it.

    Returns
    -------
    cases : list of corpus.Case
        The attacks (baselines not included).
    results : dict of str to SubmissionResult
        Student -> result, baselines included.
    seconds : float
        Wall time of the grading.
    """
    from autograder.grade import grade_submissions

    corpus = _corpus()
    course = corpus.default_course()
    cases = list(cases) if cases is not None else corpus.load_cases(HERE / "attacks")
    corpus.build_class(cases, class_dir, course)
    start = time.perf_counter()
    graded = grade_submissions(class_dir, course=course, jobs=jobs, limits=limits or attack_limits())
    seconds = time.perf_counter() - start
    return cases, {r.student: r for r in graded}, seconds


class AttackRow(NamedTuple):
    """One line of the security table."""

    attack: str
    contained: str
    score: str
    status: str
    reason: str


def _reason(case: Any, result: Any) -> str:
    """The line that says what happened: the note the case expects, the reason, or the first message."""
    expected = case.expect.get("reason")
    texts = [result.reason, *result.notes]
    if expected:
        for text in texts:
            if expected in text:
                return text
    if result.reason:
        return result.reason
    # A message starts with the case it failed on ("`sample`, 0.01 s at 44.1 kHz ...): "): keep what
    # happened.
    messages = [m.split("): ", 1)[-1] for q in result.questions if q.kind == "auto" for m in q.messages]
    return next((t for t in [*messages, *result.notes] if t), "")


def attack_rows(cases: Sequence[Any], results: Mapping[str, Any], limits: Any) -> list[AttackRow]:
    """One row per attack: its docstring, contained (yes / NO: first problem), auto score, status, reason."""
    corpus = _corpus()
    allowance = time_allowance(limits)
    rows = []
    for case in cases:
        result = results.get(case.student)
        if result is None:
            rows.append(AttackRow(case.doc, "NO: not graded", "-", "-", "-"))
            continue
        problems = corpus.check_expect(case, result, corpus.baselines_for(results, case.notebook))
        total = result.timings.get("total", 0.0)
        if total > allowance:
            problems.append(f"took {total:.0f} s, over its allowance of {allowance:.0f} s")
        auto = [q for q in result.questions if q.kind == "auto"]
        score = f"{sum(q.score for q in auto):g}/{sum(q.max_score for q in auto):g}"
        contained = "yes" if not problems else "NO: " + problems[0]
        rows.append(AttackRow(case.doc, contained, score, result.status, _reason(case, result)))
    return rows


def _cell(text: str, limit: int = 110) -> str:
    text = " ".join(str(text).split()).replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 3] + "..."


def format_markdown(rows: Sequence[AttackRow]) -> str:
    """The rows as a Markdown table (pipes escaped, long reasons cut)."""
    lines = ["| attack | contained? | score | status | reason |", "|---|---|---|---|---|"]
    lines += ["| " + " | ".join(_cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    """Grade the attack corpus and print the table; 0 if every attack was contained."""
    parser = argparse.ArgumentParser(prog="python tests/grading/attack_table.py", description=__doc__)
    parser.add_argument("--jobs", type=int, default=2, help="grading workers (default 2)")
    args = parser.parse_args(argv)
    limits = attack_limits()
    with tempfile.TemporaryDirectory(prefix="attack-class-") as tmp:
        cases, results, seconds = grade_attacks(Path(tmp) / "class", jobs=args.jobs, limits=limits)
    rows = attack_rows(cases, results, limits)
    print(format_markdown(rows))
    contained = sum(r.contained == "yes" for r in rows)
    kinds = sorted({r.sandbox for r in results.values()})
    print(f"\n{contained}/{len(rows)} attacks contained; graded in {seconds:.0f} s ({', '.join(kinds)})")
    return 0 if contained == len(rows) else 1


if __name__ == "__main__":
    sys.path.insert(0, str(REPO))
    sys.exit(main())
