"""``quantgrade``: the instructor's command line, a thin argparse layer over the verb modules.

Each subcommand parses its options, builds the :class:`autograder.spec.Course` and calls one
keyword-only ``main()``; everything the command does is also available from Python:

============  ===========================================================================
``release``   :func:`autograder.release.main` (solutions/ → notebooks/)
``refs``      :func:`autograder.refs.main` (public and hidden reference outputs)
``grade``     :func:`autograder.grade.main` (grade a folder of submissions, write reports)
``check``     :func:`autograder.selfcheck.main` (a self-learner's public checks on one notebook)
``demo``      :func:`autograder.demo.main` (build the demo class of submissions)
``verify``    :func:`autograder.verify.main` (check everything a notebook must satisfy)
``new``       :func:`autograder.scaffold.main` (write a working skeleton of a new notebook)
============  ===========================================================================

``quantgrade grade`` also prints the totals table of the reports it wrote (rebuilt from
``results.json`` with :func:`autograder.report.format_totals_table`).

Exit status: 0 when the work completed (whatever the students scored), or what the verb returned
(``release --check`` and ``refs --check`` return 1 for stale files; ``grade`` returns 128 + the
signal's number when a signal stopped it, 130 for Ctrl-C, 143 for SIGTERM); 2 for bad arguments; 1
when the grader itself failed, with a one-line message saying why (the traceback only with ``--debug``).
"""

from __future__ import annotations

import argparse
import dataclasses
import importlib
import inspect
import json
import os
import sys
import textwrap
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from autograder import __version__
from autograder.spec import Course, default_course

__all__ = ["GraderFault", "build_parser", "main"]

PROG = "quantgrade"


class GraderFault(Exception):
    """The grader cannot do the work (a missing course folder, a verb module that is missing...)."""


_DESCRIPTION = """\
Instructor tools of the Quantization for Students course: release the student notebooks,
generate reference outputs, grade submissions in sandboxed kernels, run a self-learner's public
checks, and build a demo class to try the grader on.
"""

_EPILOG = """\
examples:
  quantgrade release                    write notebooks/ from solutions/
  quantgrade release --check            fail if notebooks/ is out of date (CI)
  quantgrade refs                       regenerate the public and hidden reference outputs
  quantgrade demo --out grading-out/demo-class
  quantgrade grade grading-out/demo-class --out grading-out/demo
  quantgrade check notebooks/01_sampling_quantization.ipynb
  quantgrade verify                     check every notebook's whole contract (a table each)
  quantgrade new 06_vectors --title "Vector quantization"
  quantgrade <command> --help           options of one command

exit status: 0 work completed (whatever the scores), 1 the grader failed (or --check found stale
files), 2 bad arguments, 130 or 143 grading stopped by Ctrl-C or SIGTERM (what was graded is
kept). The course folder is found from the current folder upwards (one with solutions/ and
autograder/), or given with --root or $QUANTGRADE_ROOT.
"""

_COMMANDS: dict[str, tuple[str, str, str]] = {
    # name: (one-line help, description, examples)
    "release": (
        "write the student notebooks (notebooks/) from the solution notebooks (solutions/)",
        "Release each solution notebook with nbgrader's preprocessors: solution regions become stubs "
        "raising NotImplementedError, hidden tests and mark schemes are removed, locked cells are "
        "locked, outputs cleared. The source is first checked against its manifest.",
        "  quantgrade release\n"
        "  quantgrade release --notebook 01_sampling_quantization\n"
        "  quantgrade release --check        # exit 1 and list the stale notebooks; write nothing\n",
    ),
    "refs": (
        "regenerate the public (quantkit) and hidden (autograder) reference outputs",
        "Run each solution notebook in a kernel and record its outputs on every case of cases.py, "
        "and each known mistake's outputs on the public cases.",
        "  quantgrade refs\n"
        "  quantgrade refs --notebook 01_sampling_quantization\n"
        "  quantgrade refs --check           # exit 1 if the committed references are stale\n",
    ),
    "grade": (
        "grade a folder of submissions and write grades.csv, feedback and the class report",
        "Run every submission in a fresh sandboxed kernel and score it with the hidden tests. "
        "Submissions are laid out as SUBMISSIONS/<student>/<notebook>.ipynb (nbgrader's "
        "submitted/<student>/<assignment>/<notebook>.ipynb works too). A submission that cannot be "
        "read or run still gets a row with score 0 and the reason; the exit status is 0 whenever "
        "grading completed. Prints the totals table at the end.",
        "  quantgrade grade submissions/ --out grading-out/week1\n"
        "  quantgrade grade submissions/ --out out/ --jobs 2 --notebook 01_sampling_quantization\n"
        "  quantgrade grade submissions/ --out out/ --resume        # after Ctrl-C, a kill, new tests\n"
        "  quantgrade grade submissions/ --out out/ --unsandboxed   # no bubblewrap (not isolated)\n"
        "\n"
        "Ctrl-C (or SIGTERM) stops the run: what was graded is written, the exit status is 130 (143);\n"
        "Ctrl-C again stops at once. Every graded submission is in OUT/journal.jsonl as soon as it is\n"
        "graded; --resume grades only what it lacks (or what changed: changes.csv says whose grade\n"
        "moved). Written-answer scores go in OUT/manual_scores.csv, which grading never rewrites.\n",
    ),
    "check": (
        "run a notebook top to bottom and show its public checks (not a grade)",
        "For self-learners: run your own notebook and print, per question, whether the public "
        "cases pass. Public checks only: the graded tests are more thorough.",
        "  quantgrade check notebooks/01_sampling_quantization.ipynb\n"
        "  quantgrade check my_copy.ipynb --slug 01_sampling_quantization\n",
    ),
    "verify": (
        "check everything a notebook must satisfy and print a table (all notebooks by default)",
        "Static checks (spec, release, graded names, points, public answers, back-links, demo cells), "
        "then the references' currency and one batch graded by the hardened grader: the solution gets "
        "full marks, the released notebook runs and gets 0, every known mistake loses points in its own "
        "question only, every correct style gets full marks, the solution is fast enough.",
        "  quantgrade verify\n"
        "  quantgrade verify 01_sampling_quantization --jobs 2\n"
        "  quantgrade verify --static        # no kernels: the checks that take a second\n",
    ),
    "new": (
        "write a working skeleton of a new notebook (solution, manifest, cases, mistakes, tests, style)",
        "Scaffold solutions/SLUG.ipynb and autograder/course/SLUG/ with a set-up cell, one graded "
        "function with its test cell, a written answer, cases, three known mistakes, hidden tests and "
        "three styles, then release it and generate its references, so that `quantgrade verify SLUG` passes.",
        '  quantgrade new 06_vectors --title "Vector quantization"\n',
    ),
    "demo": (
        "build a demo class of submissions (correct, known mistakes, blank, broken, endless loop)",
        "Write OUT/<student>/<notebook>.ipynb for every notebook: alice_correct, one "
        "mistake_<id> per known mistake, blank, broken_file and endless_loop. Grade it with "
        "`quantgrade grade OUT --out DIR`.",
        "  quantgrade demo --out grading-out/demo-class\n",
    ),
}


def _add_slug_option(parser: argparse.ArgumentParser, help_text: str) -> None:
    """``--notebook SLUG`` (alias ``--slug``), repeatable, collected into ``slugs``."""
    parser.add_argument("--notebook", "--slug", dest="slugs", action="append", metavar="SLUG", help=help_text)


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"expected a positive finite number, got {text}")
    return value


def _common_options(suppress: bool) -> argparse.ArgumentParser:
    """Options every command accepts (before or after the command name)."""
    default = argparse.SUPPRESS if suppress else None
    parent = argparse.ArgumentParser(add_help=False)
    group = parent.add_argument_group("course and diagnostics")
    group.add_argument(
        "--root",
        type=Path,
        default=default,
        metavar="DIR",
        help="course folder holding solutions/ and notebooks/ (default: found from the current "
        "folder upwards, or $QUANTGRADE_ROOT)",
    )
    group.add_argument(
        "--spec-dir",
        type=Path,
        default=default,
        metavar="DIR",
        help="folder of the per-notebook specs <slug>/manifest.toml ... (default: autograder/course)",
    )
    group.add_argument(
        "--public-refs-dir",
        type=Path,
        default=default,
        metavar="DIR",
        help="folder of the public reference files <slug>.json (default: quantkit/checks/refs)",
    )
    group.add_argument(
        "--debug",
        action="store_true",
        default=argparse.SUPPRESS if suppress else False,
        help="show the full traceback when the grader fails",
    )
    return parent


def build_parser() -> argparse.ArgumentParser:
    """The ``quantgrade`` argument parser (all subcommands)."""
    parser = argparse.ArgumentParser(
        prog=PROG,
        description=_DESCRIPTION,
        epilog=_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        parents=[_common_options(suppress=False)],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", title="commands")
    sub.required = True
    common = _common_options(suppress=True)

    def add(name: str) -> argparse.ArgumentParser:
        summary, description, examples = _COMMANDS[name]
        return sub.add_parser(
            name,
            help=summary,
            description=textwrap.fill(description, width=100),
            epilog="examples:\n" + examples,
            formatter_class=argparse.RawDescriptionHelpFormatter,
            parents=[common],
        )

    for name in ("release", "refs"):
        p = add(name)
        p.add_argument(
            "--check",
            action="store_true",
            help="write nothing; exit 1 and list the files that are out of date",
        )
        _add_slug_option(p, "only this notebook (repeatable; default: all), e.g. 01_sampling_quantization")

    p = add("grade")
    p.add_argument("submissions", type=Path, metavar="SUBMISSIONS", help="folder of submissions")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("grading-out"),
        metavar="DIR",
        help="where to write grades.csv, totals.csv, feedback/, report.html, results.json "
        "(default: grading-out)",
    )
    p.add_argument("--jobs", type=_positive_int, default=1, metavar="N", help="parallel workers (default: 1)")
    p.add_argument(
        "--timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="time limit for running one whole notebook (default: the grader's, 120 s)",
    )
    p.add_argument(
        "--cell-timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="time limit for one cell (default: the grader's, 30 s)",
    )
    p.add_argument(
        "--call-timeout",
        type=_positive_float,
        metavar="SECONDS",
        help="time limit for one call of a graded function by a hidden test (default: the grader's, 10 s)",
    )
    p.add_argument(
        "--memory-mb",
        type=_positive_int,
        metavar="MB",
        help="memory limit of a student kernel (default: the grader's, 2048)",
    )
    p.add_argument(
        "--sandbox",
        choices=("auto", "bubblewrap", "none"),
        default=None,
        help="auto: bubblewrap when usable; bubblewrap: that or fail; none: never sandbox (needs "
        "--unsandboxed). Without a working sandbox the grader refuses to run student code, saying "
        "what to install, unless --unsandboxed (default: auto)",
    )
    p.add_argument(
        "--unsandboxed",
        action="store_true",
        help="grade without the bubblewrap sandbox: student code runs with your permissions and "
        "network; every report and CSV says UNSANDBOXED (also: QUANTGRADE_UNSANDBOXED=1)",
    )
    p.add_argument(
        "--resume",
        action="store_true",
        help="reuse the grades in OUT/journal.jsonl whose submission, tests, grader and settings are "
        "unchanged, grade the rest, write changes.csv (default: grade everything again)",
    )
    _add_slug_option(p, "only grade this notebook (repeatable; default: every notebook found)")

    p = add("check")
    p.add_argument("notebook", type=Path, metavar="NOTEBOOK", help="your notebook (.ipynb)")
    p.add_argument(
        "--slug",
        "--as",
        dest="slug",
        metavar="SLUG",
        help="which course notebook it is, when the file was renamed (default: from the file name)",
    )

    p = add("verify")
    p.add_argument("slugs", nargs="*", metavar="SLUG", help="notebooks to verify (default: all)")
    p.add_argument("--jobs", type=_positive_int, default=2, metavar="N", help="grading workers (default: 2)")
    p.add_argument("--static", action="store_true", help="only the checks that need no kernel")

    p = add("new")
    p.add_argument("slug", metavar="SLUG", help="the new notebook's slug, e.g. 06_vector_quantization")
    p.add_argument("--title", required=True, help="its title")

    p = add("demo")
    p.add_argument(
        "--out",
        type=Path,
        default=Path("grading-out/demo-class"),
        metavar="DIR",
        help="where to write the demo submissions (default: grading-out/demo-class)",
    )
    return parser


def _course(args: argparse.Namespace) -> Course:
    """The course the options name; :class:`GraderFault` if its folders are missing."""
    root = getattr(args, "root", None)
    if root is not None:
        root = Path(root).expanduser()
        if not root.is_dir():
            raise GraderFault(f"course folder {root} does not exist")
        # The root's own specs and public references when it has them (another checkout), else the
        # installed packages' (a folder of solutions only).
        course = default_course(root.resolve())
    else:
        try:
            course = default_course()
        except ValueError as exc:
            raise GraderFault(str(exc)) from None
        if not course.root.is_dir():
            raise GraderFault(f"course folder {course.root} does not exist")
    spec_dir = getattr(args, "spec_dir", None)
    if spec_dir is not None:
        course = dataclasses.replace(course, spec_dir=Path(spec_dir).expanduser().resolve())
    if not course.spec_dir.is_dir():
        raise GraderFault(f"course spec folder {course.spec_dir} does not exist")
    refs_dir = getattr(args, "public_refs_dir", None)
    if refs_dir is not None:
        course = dataclasses.replace(course, public_refs_dir=Path(refs_dir).expanduser().resolve())
    return course


def _verb(module: str) -> Callable[..., int]:
    """``autograder.<module>.main``, or a :class:`GraderFault` naming what is missing."""
    try:
        mod = importlib.import_module(f"autograder.{module}")
    except ModuleNotFoundError as exc:
        if exc.name in (f"autograder.{module}",):
            raise GraderFault(f"this installation has no autograder.{module} module") from None
        raise
    return mod.main


def _call(func: Callable[..., int], **kwargs: Any) -> int:
    """Call a verb's ``main`` with the options it accepts; refuse an option it does not know."""
    params = inspect.signature(func).parameters
    takes_any = any(p.kind is inspect.Parameter.VAR_KEYWORD for p in params.values())
    for name, value in list(kwargs.items()):
        if name not in params and not takes_any:
            if value is None:
                del kwargs[name]
                continue
            raise GraderFault(
                f"{func.__module__}.main does not support the option --{name.replace('_', '-')}"
            )
    status = func(**kwargs)
    return 0 if status is None else int(status)


def _totals_table(out: Path, *, since: float) -> str | None:
    """The totals table of the grading run that just wrote ``out/results.json`` (None if it did not).

    Rebuilt from the results file with :func:`autograder.report.format_totals_table`, so the
    terminal shows exactly the table of the reports.
    """
    path = out / "results.json"
    try:
        if path.stat().st_mtime < since - 1:
            return None  # an older run's file: this run wrote no reports
        data = json.loads(path.read_text(encoding="utf-8"))
        from autograder.report import format_totals_table
        from autograder.results import QuestionResult, SubmissionResult

        submission_fields = {f.name for f in dataclasses.fields(SubmissionResult)}
        question_fields = {f.name for f in dataclasses.fields(QuestionResult)}
        results = []
        for raw in data["submissions"]:
            row = {k: v for k, v in raw.items() if k in submission_fields}
            row["questions"] = [
                QuestionResult(**{k: v for k, v in q.items() if k in question_fields})
                for q in raw["questions"]
            ]
            results.append(SubmissionResult(**row))
    except (OSError, ValueError, KeyError, TypeError, ImportError):
        return None
    table = format_totals_table(results)
    not_graded = data.get("not_graded") or []
    if data.get("complete", True) is False or not_graded:
        names = ", ".join(f"{s.get('student')} ({s.get('why')})" for s in not_graded[:10])
        more = f" and {len(not_graded) - 10} more" if len(not_graded) > 10 else ""
        table += (
            f"incomplete: {len(results)} of {len(results) + len(not_graded)} submissions graded; "
            f"not graded: {names}{more}\n"
        )
    return table


def _run(args: argparse.Namespace) -> int:
    course = _course(args)
    command = args.command
    if command in ("release", "refs"):
        return _call(_verb(command), course=course, slugs=args.slugs, check=args.check)
    if command == "grade":
        if not args.submissions.exists():
            raise GraderFault(f"submissions folder {args.submissions} does not exist")
        options: dict[str, Any] = {
            "timeout": args.timeout,
            "cell_timeout": args.cell_timeout,
            "call_timeout": args.call_timeout,
            "memory_mb": args.memory_mb,
            "sandbox": args.sandbox,
            "slugs": args.slugs,
            # Passed only when given, so that a grade verb without these options still works.
            "resume": True if args.resume else None,
            "unsandboxed": True if args.unsandboxed else None,
        }
        started = time.time()
        status = _call(
            _verb("grade"),
            submissions=args.submissions,
            out=args.out,
            course=course,
            jobs=args.jobs,
            **{k: v for k, v in options.items() if v is not None},
        )
        table = _totals_table(Path(args.out), since=started)
        if table is not None:
            print(table, end="")
        return status
    if command == "check":
        if not args.notebook.is_file():
            raise GraderFault(f"notebook {args.notebook} does not exist")
        return _call(_verb("selfcheck"), notebook=args.notebook, course=course, slug=args.slug)
    if command == "verify":
        return _call(
            _verb("verify"), course=course, slugs=args.slugs or None, jobs=args.jobs, static=args.static
        )
    if command == "new":
        return _call(_verb("scaffold"), course=course, slug=args.slug, title=args.title)
    if command == "demo":
        return _call(_verb("demo"), out=args.out, course=course)
    raise AssertionError(f"unhandled command {command}")  # pragma: no cover - argparse forbids it


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``quantgrade`` with ``argv`` (default: ``sys.argv[1:]``) and return the exit status.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name. None (the program itself): a ``grade`` stopped by a
        signal then ends the process at once (``os._exit``) once its output is flushed.

    Returns
    -------
    int
        0 when the work completed, 1 when the grader failed (or a ``--check`` found stale files),
        2 for bad arguments, 130 when interrupted (``grade``: 128 + the signal that stopped it).
    """
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # --help, --version (0) and bad arguments (2)
        return int(exc.code) if isinstance(exc.code, int) else 2
    try:
        status = _run(args)
    except KeyboardInterrupt:
        print(f"{PROG} {args.command}: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:
        if args.debug:
            raise
        message = str(exc).strip() or type(exc).__name__
        if not isinstance(exc, (GraderFault, ValueError, OSError)):
            message = f"{type(exc).__name__}: {message}"
        print(f"{PROG} {args.command}: error: {message} (--debug shows the traceback)", file=sys.stderr)
        return 1
    if argv is None and args.command == "grade" and status > 128:
        # The program was asked to stop, and has written what it graded: leave now, without the second
        # or so that tearing down numpy, matplotlib and pytest takes (an instructor waits for it).
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    return status
