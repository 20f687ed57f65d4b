"""``quantgrade verify [SLUG...]``: check everything a notebook of the course must satisfy, in one table.

Static checks (no kernel):

============================  ======================================================================
``spec``                      manifest, cases, mistakes and styles load; every graded name has public
                              and hidden cases; at least three known mistakes per graded cell
``release``                   the solution agrees with its manifest (cells, flags, points, headings)
                              and ``notebooks/<slug>.ipynb`` is what release writes
``graded names``              every graded name of a question is defined by a solution cell of it
                              (grade id ``<qid>_...``)
``points``                    per question, its reference groups and hidden tests add up to its
                              points, and no test is worth more than half of its question
``public answers``            no public case has a hidden case's inputs, graded values are checked
                              for plausibility only, and no public output equals a hidden output of
                              a call without arguments or of a value
``back-links``                every ``Used in:`` back-link in quantkit names a notebook that uses the
                              name, and every quantkit name a notebook uses has one
``demo cells``                cells tagged ``demo`` (skipped by the grader) define no graded name and
                              nothing a later cell uses
============================  ======================================================================

Checks that run the notebook (skipped with ``--static``):

============================  ======================================================================
``refs current``              the committed references are what ``quantgrade refs`` generates, within
                              each output's tolerance
``solution``                  graded by the hardened grader, the solution gets full autograded marks
``released``                  the student notebook runs top to bottom without a crash and gets 0
``mistakes``                  every known mistake loses points in its own question, and in no other
                              question unless it says why it propagates (the questions it reaches
                              are reported)
``styles``                    every correct style gets full marks
``time``                      the solution's headless run is within a generous limit (the budget is
                              10 s on 2 cores; ``benchmarks/grading_speed.py`` prints the real times)
============================  ======================================================================

All submissions of a notebook (solution, released stubs, every mistake, every style) are graded in one
batch by :func:`autograder.grade.grade_submissions` with ``jobs`` workers; :func:`grade_batch` gives
that batch to other callers (the test suite reuses it instead of grading again).
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import tempfile
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import nbformat

from autograder.results import SubmissionResult
from autograder.spec import Course, Mistake, SpecError, Style, default_course

__all__ = [
    "SOLUTION_TIME_LIMIT",
    "Batch",
    "CheckRow",
    "Report",
    "batch_submissions",
    "format_report",
    "grade_batch",
    "main",
    "static_checks",
    "verify",
]

#: Seconds the solution's headless run may take in ``verify`` (the budget is 10 s; a loaded machine
#: or a sandbox start may add a lot, so the check only catches a notebook that is far too slow).
SOLUTION_TIME_LIMIT = 30.0
#: Largest share of its question one hidden test (or reference group) may be worth.
MAX_TEST_SHARE = 0.5

SOLUTION = "_solution"
STUBS = "_released"


@dataclass(frozen=True)
class CheckRow:
    """One line of the table: a check, whether it passed, and what it found."""

    check: str
    ok: bool
    detail: str = ""


@dataclass
class Report:
    """Everything ``verify`` found out about one notebook."""

    slug: str
    rows: list[CheckRow] = field(default_factory=list)
    reach: dict[str, list[str]] = field(default_factory=dict)  # mistake id -> questions it loses points in

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.rows)

    def add(self, check: str, problems: Sequence[str], fine: str = "") -> None:
        self.rows.append(
            CheckRow(
                check,
                not problems,
                "; ".join(problems[:6]) + (f" (+{len(problems) - 6} more)" if len(problems) > 6 else "")
                if problems
                else fine,
            )
        )


# ------------------------------------------------------------------------------------------- static


def _nbgrader(cell: Any) -> dict[str, Any]:
    return dict(cell.get("metadata", {}).get("nbgrader", {}) or {})


def _defined_names(source: str) -> set[str]:
    from autograder.release import _defined_names as defined

    return defined(source)


def _loaded_names(source: str) -> set[str]:
    """Names the code reads, less those local to a comprehension, a lambda or a function inside it.

    A function's locals are its parameters and every name its body assigns (Python's own rule), so
    ``def f(img): h, w = img.shape; return w`` reads neither ``img`` nor ``w`` from the notebook.
    """
    lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
    try:
        tree = ast.parse("\n".join(lines))
    except SyntaxError:
        return set()

    def stores(node: ast.AST) -> set[str]:
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}

    def reads(node: ast.AST, local: frozenset[str]) -> set[str]:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            args = node.args
            params = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
            params |= {a.arg for a in (args.vararg, args.kwarg) if a is not None}
            body = node.body if isinstance(node.body, list) else [node.body]
            inner = local | params | set().union(*(stores(b) for b in body))
            outside = [*args.defaults, *(d for d in args.kw_defaults if d is not None)]
            outside += getattr(node, "decorator_list", [])
            return set().union(*(reads(n, local) for n in outside), *(reads(b, inner) for b in body))
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)):
            targets = set().union(*(stores(g.target) for g in node.generators))
            return set().union(*(reads(child, local | targets) for child in ast.iter_child_nodes(node)))
        if isinstance(node, ast.Name):
            return {node.id} - local if isinstance(node.ctx, ast.Load) else set()
        return set().union(*(reads(child, local) for child in ast.iter_child_nodes(node)))

    return reads(tree, frozenset())


def _used_before_redefined(names: set[str], later_sources: Sequence[str]) -> set[str]:
    """The ``names`` a later cell reads before a later statement assigns them again.

    Statement by statement, into ``with``, ``for``, ``if``, ``while`` and ``try`` bodies: a statement's
    reads come before its own assignments (``x = f(x)`` reads x; ``for b in ...`` assigns b before its
    body reads it); once a statement assigns a name, later reads no longer depend on the demo cell.
    A function's body counts as read where the function is defined (it may be called at once).
    """
    live, needed = set(names), set()

    def expr_loads(node: ast.AST | None) -> set[str]:
        if node is None:
            return set()
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}

    def stores(node: ast.AST | None) -> set[str]:
        if node is None:
            return set()
        return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}

    def run(body: Sequence[ast.stmt]) -> None:
        nonlocal live, needed
        for stmt in body:
            if isinstance(stmt, (ast.For, ast.AsyncFor)):
                needed |= live & expr_loads(stmt.iter)
                live -= stores(stmt.target)
                run(stmt.body)
                run(stmt.orelse)
            elif isinstance(stmt, (ast.With, ast.AsyncWith)):
                for item in stmt.items:
                    needed |= live & expr_loads(item.context_expr)
                    live -= stores(item.optional_vars)
                run(stmt.body)
            elif isinstance(stmt, (ast.If, ast.While)):
                needed |= live & expr_loads(stmt.test)
                run(stmt.body)
                run(stmt.orelse)
            elif isinstance(stmt, ast.Try):
                run(stmt.body)
                for handler in stmt.handlers:
                    run(handler.body)
                run(stmt.orelse)
                run(stmt.finalbody)
            else:
                needed |= live & _loaded_names(ast.unparse(stmt))
                live -= _defined_names(ast.unparse(stmt))

    for source in later_sources:
        lines = [line for line in source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            run(ast.parse("\n".join(lines)).body)
        except SyntaxError:
            continue
        if not live:
            break
    return needed


def _test_points(path: Path) -> dict[str, list[tuple[str, float]]]:
    """Per question, the (test name, points) of the ``@question`` marks of a hidden-test module."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: dict[str, list[tuple[str, float]]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        for deco in node.decorator_list:
            if isinstance(deco, ast.Call) and getattr(deco.func, "id", "") == "question" and deco.args:
                qid = ast.literal_eval(deco.args[0])
                points = next(ast.literal_eval(k.value) for k in deco.keywords if k.arg == "points")
                out.setdefault(qid, []).append((node.name, float(points)))
    return out


def _same_inputs(a: Any, b: Any) -> bool:
    from quantkit import _wire

    try:
        return _wire.dumps((tuple(a.args), dict(a.kwargs))) == _wire.dumps((tuple(b.args), dict(b.kwargs)))
    except Exception:
        return False


def _public_answer_problems(course: Course, slug: str) -> list[str]:
    cases = course.cases(slug)
    problems = []
    hidden = [c for c in cases if not c.public]
    for case in cases:
        if not case.public or case.props is not None:
            continue
        if case.value is not None:
            problems.append(f"public case {case.id} compares the graded value {case.value} (use .value(...))")
            continue
        for other in hidden:
            if other.name == case.name and _same_inputs(case, other):
                problems.append(f"public case {case.id} has the inputs of hidden case {other.id}")
    try:
        from autograder.testing import load_refs

        public = load_refs(course.public_refs_path(slug), public=True)
        secret = load_refs(course.hidden_refs_path(slug), public=False)
    except (OSError, ValueError):
        return problems  # "refs current" reports missing files
    from quantkit._compare import describe_mismatch

    answers = [c for c in secret.all_cases if c.raises is None and (c.value is not None or not c.args)]
    for case in public.all_cases:
        if case.props is not None or case.raises is not None:
            continue
        for answer in answers:
            if (
                answer.name == case.name
                and describe_mismatch(case.expected, answer.expected, rtol=0, atol=0) is None
            ):
                problems.append(f"public case {case.id} shows the graded output of {answer.id}")
    return problems


def _used_quantkit_names(nb: nbformat.NotebookNode) -> set[str]:
    """Fully qualified quantkit names (``quantkit.signals.sine``) the notebook's code refers to."""
    aliases: dict[str, str] = {}
    used: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        lines = [line for line in cell.source.splitlines() if not line.lstrip().startswith(("%", "!"))]
        try:
            tree = ast.parse("\n".join(lines))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.split(".")[0] == "quantkit":
                        aliases[alias.asname or alias.name] = alias.name
            elif isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "quantkit":
                for alias in node.names:
                    aliases[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                    used.add(f"{node.module}.{alias.name}")
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute):
                chain, inner = [node.attr], node.value
                while isinstance(inner, ast.Attribute):
                    chain.append(inner.attr)
                    inner = inner.value
                if isinstance(inner, ast.Name) and inner.id in aliases:
                    parts = [aliases[inner.id], *reversed(chain)]
                    for k in range(1, len(parts)):
                        used.add(".".join(parts[: k + 1]))
            elif isinstance(node, ast.Name) and node.id in aliases:
                used.add(aliases[node.id])
    return used


_BACKLINK = re.compile(r"Used in:([^\n]*(?:\n[ \t]+[^\n]*notebooks/[^\n]*)*)")
_NOTEBOOK = re.compile(r"notebooks/([A-Za-z0-9_*]+)\.ipynb")


def _public_api() -> dict[str, Any]:
    """Every public quantkit name by its qualified name: subpackages' ``__all__`` and the modules."""
    import quantkit

    api: dict[str, Any] = {}
    for sub in quantkit.__all__:
        module = importlib.import_module(f"quantkit.{sub}")
        api[f"quantkit.{sub}"] = module
        for name in getattr(module, "__all__", ()):
            obj = getattr(module, name, None)
            if inspect.isfunction(obj) or inspect.isclass(obj):
                api[f"quantkit.{sub}.{name}"] = obj
    return api


def backlinks(obj: Any, every: Iterable[str] = ()) -> set[str]:
    """The notebook slugs a docstring's ``Used in:`` back-links name (``notebooks/*.ipynb``: ``every``)."""
    doc = inspect.getdoc(obj) or ""
    named = {slug for block in _BACKLINK.findall(doc) for slug in _NOTEBOOK.findall(block)}
    return (named - {"*"}) | (set(every) if "*" in named else set())


def _backlink_problems(course: Course, slugs: Iterable[str]) -> list[str]:
    api = _public_api()
    used = {s: _used_quantkit_names(nbformat.read(course.solution_path(s), as_version=4)) for s in slugs}
    problems = []
    every = set(course.slugs())
    for qualified, obj in api.items():
        linked = backlinks(obj, every)
        is_module = inspect.ismodule(obj)
        for slug in sorted(linked & set(used)):
            uses = (
                any(u == qualified or u.startswith(qualified + ".") for u in used[slug])
                if is_module
                else qualified in used[slug]
            )
            if not uses:
                problems.append(f"{qualified} says it is used in {slug}, which does not use it")
        for slug in sorted(linked - every):
            problems.append(f"{qualified} names notebook {slug}, which the course does not have")
        if not is_module:
            for slug, names in used.items():
                if qualified in names and slug not in linked:
                    problems.append(
                        f"{qualified} is used in {slug} but has no 'Used in: notebooks/{slug}.ipynb'"
                    )
    return problems


def static_checks(course: Course, slug: str, report: Report | None = None) -> Report:
    """The checks that need no kernel (see the module docstring)."""
    report = report or Report(slug)
    try:
        manifest = course.manifest(slug)
        cases, groups = course.cases_and_groups(slug)
        mistakes = course.mistakes(slug)
        styles = course.styles(slug)
    except (SpecError, OSError, SyntaxError, ImportError) as exc:
        report.add("spec", [str(exc)])
        return report
    nb = nbformat.read(course.solution_path(slug), as_version=4)
    problems = []
    for q in manifest.auto_questions:
        for name in q.names:
            mine = [c for c in cases if c.name == name]
            if not any(c.public for c in mine):
                problems.append(f"{name} has no public case")
            if not any(not c.public for c in mine):
                problems.append(f"{name} has no hidden case")
    per_cell: dict[str, int] = {}
    for m in mistakes:
        per_cell[m.cell] = per_cell.get(m.cell, 0) + 1
    graded_cells = _graded_cells(nb, manifest)
    for cell, names in graded_cells.items():
        functions = [n for n in names if n in _functions(nb)]
        if functions and per_cell.get(cell, 0) < 3:
            problems.append(
                f"cell {cell} ({', '.join(functions)}) has {per_cell.get(cell, 0)} known mistakes, "
                "at least 3 wanted"
            )
    for m in mistakes:
        if m.cell not in graded_cells:
            problems.append(f"mistake {m.id} edits {m.cell}, not a solution cell defining a graded name")
    for cell, names in graded_cells.items():
        functions = [n for n in names if n in _functions(nb)]
        n_styles = sum(cell in style.cells for style in styles)
        if functions and n_styles < 3:
            problems.append(
                f"cell {cell} ({', '.join(functions)}) has {n_styles} correct styles, at least 3 wanted"
            )
    report.add(
        "spec",
        problems,
        f"{len(cases)} cases, {len(groups)} groups, {len(mistakes)} mistakes, {len(styles)} styles",
    )

    from autograder.release import ReleaseError
    from autograder.release import main as release_main

    try:
        import contextlib
        import io

        with contextlib.redirect_stdout(io.StringIO()) as out:
            stale = release_main(course=course, slugs=[slug], check=True)
        report.add(
            "release",
            [out.getvalue().strip().splitlines()[-1]] if stale else [],
            "solution agrees with its manifest; notebooks/ current",
        )
    except ReleaseError as exc:
        report.add("release", [str(exc)])

    problems = []
    for q in manifest.auto_questions:
        for name in q.names:
            if not any(
                name in names and cell.split("_", 1)[0] == q.id for cell, names in graded_cells.items()
            ):
                problems.append(f"{q.id}: {name} is defined by no solution cell {q.id}_...")
    report.add("graded names", problems, "each defined by a solution cell of its question")

    problems = []
    tests = _test_points(course.hidden_tests_path(slug))
    for q in manifest.auto_questions:
        parts = [(f"group {g.id}", g.points) for g in groups if g.question == q.id] + tests.get(q.id, [])
        total = sum(p for _, p in parts)
        if abs(total - q.points) > 1e-9:
            problems.append(f"{q.id}: groups and tests are worth {total:g}, the manifest says {q.points:g}")
        for name, points in parts:
            if manifest.partial_step is not None and points > MAX_TEST_SHARE * q.points + 1e-9:
                problems.append(f"{q.id}: {name} is worth {points:g} of {q.points:g} points (more than half)")
    for qid in tests:
        if qid not in {q.id for q in manifest.auto_questions}:
            problems.append(f"hidden tests are marked with {qid}, not an autograded question")
    report.add(
        "points",
        problems,
        "groups and tests add up; no test decides most of a question"
        if manifest.partial_step is not None
        else "groups and tests add up (no partial_step: all or nothing)",
    )

    report.add(
        "public answers", _public_answer_problems(course, slug), "no public case reveals a graded output"
    )

    problems = []
    code = [c for c in nb.cells if c.cell_type == "code"]
    for i, cell in enumerate(code):
        if "demo" not in cell.get("metadata", {}).get("tags", []):
            continue
        label = _nbgrader(cell).get("grade_id") or f"code cell {i + 1}"
        if _nbgrader(cell).get("solution") or _nbgrader(cell).get("grade"):
            problems.append(f"{label} is tagged demo but is a solution or graded cell")
        defined = _defined_names(cell.source)
        graded = defined & set(manifest.graded_names)
        if graded:
            problems.append(f"{label} is tagged demo but defines graded {sorted(graded)}")
        needed = _used_before_redefined(defined, [c.source for c in code[i + 1 :]])
        if needed:
            problems.append(f"{label} is tagged demo but defines {sorted(needed)}, which a later cell reads")
    n_demo = sum("demo" in c.get("metadata", {}).get("tags", []) for c in code)
    report.add("demo cells", problems, f"{n_demo} demo cells, none needed later")
    return report


def _functions(nb: nbformat.NotebookNode) -> set[str]:
    names: set[str] = set()
    for cell in nb.cells:
        if cell.cell_type == "code":
            try:
                tree = ast.parse(cell.source)
            except SyntaxError:
                continue
            names |= {n.name for n in tree.body if isinstance(n, ast.FunctionDef)}
    return names


def _graded_cells(nb: nbformat.NotebookNode, manifest: Any) -> dict[str, set[str]]:
    """Grade id of every solution cell that defines a graded name -> the graded names it defines."""
    graded = set(manifest.graded_names)
    out: dict[str, set[str]] = {}
    for cell in nb.cells:
        meta = _nbgrader(cell)
        if cell.cell_type == "code" and meta.get("solution") and meta.get("grade_id"):
            names = _defined_names(cell.source) & graded
            if names:
                out[meta["grade_id"]] = names
    return out


# ------------------------------------------------------------------------------------------- batch


@dataclass
class Batch:
    """One notebook's verification submissions and their grades.

    ``students`` maps each student folder name to what it is: ``("solution", None)``,
    ``("released", None)``, ``("mistake", Mistake)`` or ``("style", Style)``.
    """

    slug: str
    students: dict[str, tuple[str, Any]]
    results: dict[str, SubmissionResult]
    seconds: float


def batch_submissions(course: Course, slug: str) -> dict[str, tuple[str, Any, str]]:
    """Student name -> (kind, mistake or style, notebook text) for a notebook's verification batch."""
    from autograder.demo import submission_from_solution
    from autograder.release import read_source, release_notebook, render
    from autograder.variants import apply_mistake

    solution = read_source(course.solution_path(slug))
    out: dict[str, tuple[str, Any, str]] = {
        SOLUTION: ("solution", None, render(submission_from_solution(solution))),
        STUBS: ("released", None, render(release_notebook(solution))),
    }
    for mistake in course.mistakes(slug):
        out[f"mistake_{mistake.id}"] = (
            "mistake",
            mistake,
            render(submission_from_solution(apply_mistake(solution, mistake))),
        )
    for style in course.styles(slug):
        out[f"style_{style.name}"] = (
            "style",
            style,
            render(apply_style(submission_from_solution(solution), style)),
        )
    return out


def apply_style(nb: nbformat.NotebookNode, style: Style) -> nbformat.NotebookNode:
    """``nb`` with the cells a style names replaced by the style's source (a copy)."""
    import copy

    out = copy.deepcopy(nb)
    known = {_nbgrader(c).get("grade_id") for c in out.cells}
    unknown = sorted(set(style.cells) - known)
    if unknown:
        raise SpecError(f"style {style.name} names cells the notebook does not have: {unknown}")
    for cell in out.cells:
        gid = _nbgrader(cell).get("grade_id")
        if gid in style.cells:
            cell.source = style.cells[gid].strip("\n") + "\n"
    return out


def grade_batch(course: Course, slug: str, *, jobs: int = 2, folder: Path | None = None) -> Batch:
    """Write the verification submissions of ``slug`` and grade them in one batch (hardened path)."""
    from autograder.grade import grade_submissions

    subs = batch_submissions(course, slug)
    with tempfile.TemporaryDirectory(prefix="quantgrade-verify-") as tmp:
        root = Path(folder) if folder is not None else Path(tmp)
        for student, (_kind, _what, text) in subs.items():
            (root / student).mkdir(parents=True, exist_ok=True)
            (root / student / f"{slug}.ipynb").write_text(text, encoding="utf-8")
        t0 = time.monotonic()
        results = grade_submissions([root], course=course, jobs=jobs, slugs=[slug])
        seconds = time.monotonic() - t0
    return Batch(
        slug=slug,
        students={k: (v[0], v[1]) for k, v in subs.items()},
        results={r.student: r for r in results},
        seconds=seconds,
    )


def lost_questions(result: SubmissionResult) -> list[str]:
    """The autograded questions a result did not get full marks in."""
    return [q.question for q in result.questions if q.kind == "auto" and q.score < q.max_score - 1e-9]


def batch_checks(batch: Batch, report: Report) -> Report:
    """The checks of the graded batch (solution, released, mistakes, styles, time)."""
    res = batch.results
    sol = res.get(SOLUTION)
    if sol is None:
        report.add("solution", ["the solution was not graded"])
    else:
        lost = lost_questions(sol)
        report.add(
            "solution",
            [
                f"{sol.status}: loses points in {lost}: "
                + "; ".join(m for q in sol.questions for m in q.messages)[:300]
            ]
            if lost or sol.status != "graded"
            else [],
            "full autograded marks",
        )
    stub = res.get(STUBS)
    if stub is None:
        report.add("released", ["the released notebook was not graded"])
    else:
        earned = [f"{q.question} {q.score:g}" for q in stub.questions if q.kind == "auto" and q.score > 0]
        problems = ([f"status {stub.status}: {stub.reason}"] if stub.status != "graded" else []) + (
            [f"the stubs earn points: {earned}"] if earned else []
        )
        report.add("released", problems, "runs top to bottom, scores 0")
    problems, reached = [], []
    for student, (kind, what) in batch.students.items():
        if kind != "mistake":
            continue
        mistake: Mistake = what
        result = res.get(student)
        if result is None:
            problems.append(f"{mistake.id} was not graded")
            continue
        lost = lost_questions(result)
        report.reach[mistake.id] = lost
        if mistake.question not in lost:
            problems.append(
                f"{mistake.id} loses nothing in {mistake.question}" + (f" (it loses {lost})" if lost else "")
            )
        others = [q for q in lost if q != mistake.question]
        if others:
            if mistake.propagates:
                reached.append(f"{mistake.id} -> {', '.join(others)}")
            else:
                problems.append(f"{mistake.id} ({mistake.question}) also loses points in {others}")
    n = sum(1 for k, _ in batch.students.values() if k == "mistake")
    fine = f"all {n} lose points in their own question only"
    if reached:
        fine = f"all {n} lose points in their own question; {len(reached)} propagate (marked): " + "; ".join(
            reached
        )
    report.add("mistakes", problems, fine)
    problems = []
    for student, (kind, what) in batch.students.items():
        if kind == "style":
            result = res.get(student)
            lost = lost_questions(result) if result is not None else ["not graded"]
            if lost or (result is not None and result.status != "graded"):
                messages = [m for q in result.questions for m in q.messages] if result is not None else []
                problems.append(f"style {what.name} loses {lost}: {'; '.join(messages)[:200]}")
    n = sum(1 for k, _ in batch.students.values() if k == "style")
    report.add("styles", problems, f"all {n} get full marks")
    if sol is not None and "notebook" in sol.timings:
        seconds = sol.timings["notebook"]
        report.add(
            "time",
            [f"the solution ran {seconds:.1f} s (limit {SOLUTION_TIME_LIMIT:g} s)"]
            if seconds > SOLUTION_TIME_LIMIT
            else [],
            f"solution ran in {seconds:.1f} s in the sandbox (budget 10 s; batch {batch.seconds:.0f} s)",
        )
    return report


def refs_check(course: Course, slug: str, report: Report) -> Report:
    """Whether the committed references are current (numerically, within each output's tolerance)."""
    from autograder import refs

    try:
        text = refs.generate(course, slug)
    except Exception as exc:
        report.add("refs current", [f"cannot generate the references: {exc}"])
        return report
    problems = []
    for path, content in (
        (course.public_refs_path(slug), text.public),
        (course.hidden_refs_path(slug), text.hidden),
    ):
        if not path.is_file():
            problems.append(f"{path.name} is missing")
        else:
            problems += [
                f"{path.name}: {d}" for d in refs.differences(path.read_text(encoding="utf-8"), content)
            ]
    report.add("refs current", problems, "public and hidden references agree with a regeneration")
    return report


def verify(course: Course, slug: str, *, jobs: int = 2, static: bool = False) -> Report:
    """All checks of one notebook (only the static ones with ``static``)."""
    report = static_checks(course, slug)
    if static or not report.rows or not report.rows[0].ok:
        return report
    refs_check(course, slug, report)
    batch_checks(grade_batch(course, slug, jobs=jobs), report)
    return report


def format_report(report: Report) -> str:
    """The table of one notebook's checks."""
    width = max(len(r.check) for r in report.rows) if report.rows else 5
    lines = [f"{report.slug}: {'ok' if report.ok else 'PROBLEMS'}"]
    for row in report.rows:
        lines.append(f"  {row.check:<{width}}  {'ok  ' if row.ok else 'FAIL'}  {row.detail}")
    return "\n".join(lines)


def main(
    *,
    course: Course | None = None,
    slugs: Sequence[str] | None = None,
    jobs: int = 2,
    static: bool = False,
) -> int:
    """Verify the notebooks (all of them by default) and print one table each.

    Returns
    -------
    int
        0 when every check of every notebook passed, 1 otherwise.
    """
    course = course or default_course()
    known = course.slugs()
    chosen = list(dict.fromkeys(slugs)) if slugs else known
    unknown = [s for s in chosen if s not in known]
    if unknown:
        print(f"quantgrade verify: unknown notebook(s) {unknown}; the course has {known}", file=sys.stderr)
        return 1
    status = 0
    back = _backlink_problems(course, chosen)
    for slug in chosen:
        report = verify(course, slug, jobs=jobs, static=static)
        mine = [p for p in back if f" {slug}" in p]
        report.add("back-links", mine, "every quantkit name used has its back-link, and only those")
        print(format_report(report))
        status |= not report.ok
    return status


def backlink_problems(course: Course, slugs: Iterable[str] | None = None) -> list[str]:
    """Public form of the back-link check over ``slugs`` (all notebooks by default)."""
    return _backlink_problems(course, list(slugs) if slugs is not None else course.slugs())


def reach_table(reports: Mapping[str, Report]) -> str:
    """Mistake -> the questions it loses points in, for every notebook (for notes and reviews)."""
    lines = []
    for slug, report in reports.items():
        for mid, lost in report.reach.items():
            lines.append(f"{slug}  {mid:<36} {', '.join(lost)}")
    return "\n".join(lines)
