"""Grading speed: how long the notebooks take, and what grading a class costs, printed as tables.

Not a test: it measures and prints, and asserts nothing about time. What it runs, all on this
machine, in this one run, on the same submissions:

1. each solution notebook of ``solutions/`` run headless (nbclient, fresh kernel), a few times;
2. a class of 40 submissions of the first notebook: the demo class (``quantgrade demo``: 36
   students) plus 4 correct submissions written in other styles, the notebook's correct styles
   (``autograder/course/<slug>/styles/*.py``) when it has them, else copies of ``alice_correct``
   under other names (the header says which);
3. on that class:

   - the *plain headless run* of each submission (nbclient, fresh kernel, every cell, no grading,
     serial), the cost of "running the notebook itself";
   - ``quantgrade grade CLASS --out OUT --jobs 1`` and ``--jobs 2`` (sandbox: the grader's own
     choice, bubblewrap where it works), per-submission phases from ``OUT/results.json``;
   - ``nbgrader autograde`` of the same 40 submissions with the shipped
     ``autograder/nbgrader_config.py``, in a temporary nbgrader course folder, as one command
     (nbgrader is serial).

For each run: wall time, submissions per minute, throughput relative to nbgrader, and the peak
memory of the whole process tree (grader, workers, kernels, bubblewrap), sampled every 0.2 s from
``/proc`` (the sum of the processes' RSS, and of their PSS, which counts shared pages once).

Targets (from the issue): with the sandbox on and ``--jobs 2`` on 2 cores, at least 1.5 times
nbgrader's throughput; grading adds at most 1 s per submission on top of running the notebook
itself (grader's per-submission total minus the plain headless run of the same submission).

Everything temporary lives in one folder from :func:`tempfile.mkdtemp`, and ``JUPYTER_*``,
``IPYTHONDIR`` and ``MPLCONFIGDIR`` point into it for this process and every subprocess, so nothing
is written into ``$HOME``. Offline; the inputs are the same every run. Numbers are as noisy as the
machine: run it on a quiet one.

Usage (from the repository root)::

    .venv/bin/python benchmarks/grading_speed.py              # the full benchmark (about 10 minutes)
    .venv/bin/python benchmarks/grading_speed.py --quick      # 6 submissions, no endless loop (smoke)
    .venv/bin/python benchmarks/grading_speed.py --markdown   # the tables as Markdown, for docs/
    .venv/bin/python benchmarks/grading_speed.py --json numbers.json   # also save the raw numbers
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
CLASS_SIZE = 40
STYLE_COUNT = 4
SAMPLE_INTERVAL = 0.2
#: Per-cell time limit of the plain headless run: the grader's and the shipped nbgrader config's.
CELL_TIMEOUT = 30.0
#: Targets of the issue.
TARGET_RATIO = 1.5
TARGET_OVERHEAD = 1.0
PHASES = ("kernel_start", "notebook", "tests", "hints")

__all__ = [
    "ClassRun",
    "PlainRun",
    "TreeSampler",
    "format_report",
    "format_table",
    "isolate_environment",
    "machine_info",
    "main",
    "summarize",
]


# ------------------------------------------------------------------------------------------ environment


def isolate_environment(root: Path) -> dict[str, str]:
    """Point Jupyter, IPython and matplotlib at folders under ``root`` (this process and its children).

    Parameters
    ----------
    root : Path
        A temporary folder.

    Returns
    -------
    dict of str to str
        The variables set (also written into ``os.environ``).
    """
    values = {}
    for var, sub in {
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
    }.items():
        (root / sub).mkdir(parents=True, exist_ok=True)
        values[var] = str(root / sub)
    values["JUPYTER_PLATFORM_DIRS"] = "1"
    values["MPLBACKEND"] = "Agg"
    os.environ.update(values)
    os.environ.pop("QUANTKIT_GRADING", None)  # the plain run is a student's run
    return values


def _version(module: str) -> str:
    try:
        return str(__import__(module).__version__)
    except Exception:  # not installed, or no __version__
        return "?"


def machine_info() -> dict[str, str]:
    """CPU model, cores, RAM, versions, sandbox kind and the date, for the table header."""
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                ram = f"{int(line.split()[1]) / 1024**2:.1f} GiB"
                break
    except OSError:
        pass
    try:
        from autograder.kernel import GradingLimits, get_sandbox

        sandbox = get_sandbox(GradingLimits())
        sandbox_kind = str(getattr(sandbox, "kind", "unsandboxed"))
    except Exception as exc:
        sandbox_kind = f"unknown ({type(exc).__name__})"
    try:
        load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    except OSError:
        load = "?"
    return {
        "date": _dt.datetime.now(_dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpu": cpu,
        "cores": str(os.cpu_count() or "?"),
        "ram": ram,
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": _version("numpy"),
        "nbgrader": _version("nbgrader"),
        "jupyter_client": _version("jupyter_client"),
        "ipykernel": _version("ipykernel"),
        "nbclient": _version("nbclient"),
        "sandbox": sandbox_kind,
        "load": load,
    }


# --------------------------------------------------------------------------------------------- memory


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            text = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        fields = text[text.rfind(")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tree(root: int) -> list[int]:
    children = _children_map()
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, ()))
    return out


def _rss_pss(pid: int) -> tuple[int, int]:
    """Resident and proportional set size of one process in bytes (0, 0 if it is gone)."""
    rss = pss = 0
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
        rss = int(text[text.rfind(")") + 2 :].split()[21]) * os.sysconf("SC_PAGE_SIZE")
        for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
            if line.startswith("Pss:"):
                pss = int(line.split()[1]) * 1024
                break
    except (OSError, ValueError, IndexError):
        pass
    return rss, pss


class TreeSampler:
    """Sample the memory of a process and all its descendants every ``interval`` seconds (a thread).

    Parameters
    ----------
    pid : int
        The root process.
    interval : float, default 0.2
        Seconds between samples.

    Attributes
    ----------
    peak_rss, peak_pss : int
        Largest sum over the tree seen, in bytes.
    peak_procs : int
        Most processes seen in the tree at once.
    """

    def __init__(self, pid: int, interval: float = SAMPLE_INTERVAL) -> None:
        self.pid = pid
        self.interval = interval
        self.peak_rss = 0
        self.peak_pss = 0
        self.peak_procs = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self.sample()
            self._stop.wait(self.interval)

    def sample(self) -> None:
        """Take one sample now."""
        pids = _tree(self.pid)
        sizes = [_rss_pss(p) for p in pids]
        self.peak_rss = max(self.peak_rss, sum(s[0] for s in sizes))
        self.peak_pss = max(self.peak_pss, sum(s[1] for s in sizes))
        self.peak_procs = max(self.peak_procs, sum(1 for s in sizes if s[0] > 0))
        self.samples += 1

    def __enter__(self) -> TreeSampler:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()


# ------------------------------------------------------------------------------------------- the runs


@dataclass
class ClassRun:
    """One way of grading (or running) the whole class, and what it cost.

    Parameters
    ----------
    name : str
        Row label.
    wall : float
        Seconds for the whole command.
    n : int
        Submissions in the class.
    peak_rss, peak_pss : int or None
        Peak memory of the process tree in bytes (None: not measured).
    peak_procs : int or None
        Most processes at once.
    returncode : int or None
        The command's exit status (None for in-process runs).
    per_submission : dict of str to dict of str to float
        Student -> phase -> seconds (phases as in results.json; ``total`` always).
    outcomes : dict of str to int
        How many submissions ended how (``graded``, ``error``, ``unreadable``, ``ran``, ...).
    points : float or None
        Autograded points given to the whole class (None: not a grading run).
    note : str
        Anything to say about the run (failures, which submissions were skipped).
    """

    name: str
    wall: float
    n: int
    peak_rss: int | None = None
    peak_pss: int | None = None
    peak_procs: int | None = None
    returncode: int | None = None
    per_submission: dict[str, dict[str, float]] = field(default_factory=dict)
    outcomes: dict[str, int] = field(default_factory=dict)
    points: float | None = None
    note: str = ""

    @property
    def per_minute(self) -> float:
        """Submissions per minute of wall time."""
        return 60.0 * self.n / self.wall if self.wall > 0 else float("nan")


@dataclass
class PlainRun:
    """The plain headless run of one notebook: kernel start, cells, shutdown (seconds)."""

    kernel_start: float
    notebook: float
    self_checks: float
    shutdown: float
    cells: int
    errors: int
    timeouts: int

    @property
    def total(self) -> float:
        """Start, run and shutdown."""
        return self.kernel_start + self.notebook + self.shutdown


def run_headless(path: Path, workdir: Path) -> PlainRun:
    """Run a notebook top to bottom in a fresh kernel with nbclient (errors allowed), no grading.

    Parameters
    ----------
    path : Path
        The notebook.
    workdir : Path
        The kernel's working folder.

    Returns
    -------
    PlainRun

    Raises
    ------
    Exception
        Whatever nbformat raises for a file that is not a notebook.
    """
    import nbformat
    from nbclient import NotebookClient
    from nbclient.exceptions import CellTimeoutError, DeadKernelError

    from autograder.kernel import is_test_cell

    nb = nbformat.read(path, as_version=4)
    workdir.mkdir(parents=True, exist_ok=True)
    client = NotebookClient(
        nb,
        timeout=CELL_TIMEOUT,
        interrupt_on_timeout=True,
        allow_errors=True,
        kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
    )
    run = PlainRun(0.0, 0.0, 0.0, 0.0, 0, 0, 0)
    t0 = time.perf_counter()
    with client.setup_kernel(stderr=subprocess.DEVNULL):
        t1 = time.perf_counter()
        run.kernel_start = t1 - t0
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code":
                continue
            c0 = time.perf_counter()
            try:
                client.execute_cell(cell, index)
            except CellTimeoutError:
                run.timeouts += 1
            except DeadKernelError:
                run.errors += 1
                break
            spent = time.perf_counter() - c0
            run.cells += 1
            run.errors += any(o.get("output_type") == "error" for o in cell.get("outputs", []))
            run.timeouts += any(
                o.get("output_type") == "error" and o.get("ename") == "KeyboardInterrupt"
                for o in cell.get("outputs", [])
            )
            if is_test_cell(cell):
                run.self_checks += spent
        t2 = time.perf_counter()
        run.notebook = t2 - t1
    run.shutdown = time.perf_counter() - t2
    return run


def _timed(
    name: str, argv: Sequence[str], *, cwd: Path, env: Mapping[str, str], n: int, log: Path
) -> ClassRun:
    """Run a command, timing it and sampling the memory of its process tree."""
    with log.open("w") as out:
        start = time.perf_counter()
        proc = subprocess.Popen(list(argv), cwd=cwd, env=dict(env), stdout=out, stderr=subprocess.STDOUT)
        with TreeSampler(proc.pid) as sampler:
            returncode = proc.wait()
        wall = time.perf_counter() - start
    return ClassRun(
        name=name,
        wall=wall,
        n=n,
        peak_rss=sampler.peak_rss,
        peak_pss=sampler.peak_pss,
        peak_procs=sampler.peak_procs,
        returncode=returncode,
    )


def build_bench_class(out: Path, course: Any, *, quick: bool) -> tuple[dict[str, Path], str]:
    """Write the benchmark class to ``out/<student>/<slug>.ipynb`` (first notebook only).

    Returns
    -------
    dict of str to Path, str
        Student -> file, and one line saying what the class is made of.
    """
    from autograder.demo import build_demo_class

    slug = course.slugs()[0]
    demo_dir = out.parent / "demo-class"
    build_demo_class(demo_dir, course)
    demo = {p.parent.name: p for p in sorted(demo_dir.glob(f"*/{slug}.ipynb"))}
    if quick:
        mistakes = [s for s in demo if s.startswith("mistake_")][:2]
        keep = ["alice_correct", "blank", "broken_file", *mistakes]
        demo = {s: demo[s] for s in keep}
        n_extra = 1
    else:
        n_extra = STYLE_COUNT
    students: dict[str, Path] = {}
    for name, path in demo.items():
        target = out / name / f"{slug}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copyfile(path, target)
        students[name] = target

    extra: list[str] = []
    why = ""
    from autograder.verify import batch_submissions

    batch = batch_submissions(course, slug)
    styles = [(name, text) for name, (kind, _what, text) in batch.items() if kind == "style"]
    for name, text in styles[:n_extra]:
        target = out / name / f"{slug}.ipynb"
        target.parent.mkdir(parents=True)
        target.write_text(text, encoding="utf-8", newline="\n")
        students[name] = target
        extra.append(name)
    if len(styles) < n_extra:
        why = f"the course has {len(styles)} correct style(s) of {slug}"
    copies = []
    for k in range(len(extra), n_extra):
        name = f"alice_copy_{k + 1}"
        target = out / name / f"{slug}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copyfile(students["alice_correct"], target)
        students[name] = target
        copies.append(name)
    what = f"{len(students)} submissions of {slug}: the demo class ({len(demo)}"
    what += ", quick subset)" if quick else ")"
    if extra:
        what += (
            f" + {len(extra)} fairness style submission(s) from tests/grading/fairness ({', '.join(extra)})"
        )
    if copies:
        what += f" + {len(copies)} copies of alice_correct ({why})"
    if quick:
        what += "; no endless_loop (--quick)"
    shutil.rmtree(demo_dir)
    return dict(sorted(students.items())), what


def plain_class_run(students: Mapping[str, Path], work: Path) -> tuple[ClassRun, dict[str, PlainRun]]:
    """The plain headless run of every submission, serial, in this process."""
    runs: dict[str, PlainRun] = {}
    skipped = []
    start = time.perf_counter()
    for student, path in students.items():
        try:
            runs[student] = run_headless(path, work / student)
        except Exception as exc:  # nbformat's many errors: a broken file cannot be run at all
            skipped.append(f"{student} ({type(exc).__name__})")
    wall = time.perf_counter() - start
    run = ClassRun(
        name="plain headless run (nbclient, serial, no grading)",
        wall=wall,
        n=len(students),
        per_submission={
            s: {"kernel_start": r.kernel_start, "notebook": r.notebook, "total": r.total}
            for s, r in runs.items()
        },
        outcomes={"ran": len(runs), "not a notebook": len(skipped)},
        note=f"not runnable: {', '.join(skipped)}" if skipped else "",
    )
    return run, runs


def grade_run(
    class_dir: Path, out: Path, jobs: int, n: int, env: Mapping[str, str], course_root: Path = REPO
) -> tuple[ClassRun, str]:
    """``quantgrade grade CLASS --out OUT --jobs N``, timed; per-submission phases from results.json."""
    quantgrade = Path(sys.executable).parent / "quantgrade"
    argv = [str(quantgrade)] if quantgrade.is_file() else [sys.executable, "-m", "autograder"]
    argv += ["grade", str(class_dir), "--out", str(out), "--jobs", str(jobs)]
    run = _timed(
        f"quantgrade grade --jobs {jobs}",
        argv,
        cwd=course_root,
        env=env,
        n=n,
        log=out.parent / f"grade-j{jobs}.log",
    )
    sandboxes: set[str] = set()
    reasons: dict[str, int] = {}
    try:
        data = json.loads((out / "results.json").read_text(encoding="utf-8"))
        subs = data["submissions"] if isinstance(data, dict) else data
        for sub in subs:
            run.per_submission[sub["student"]] = {k: float(v) for k, v in sub.get("timings", {}).items()}
            sandboxes.add(str(sub.get("sandbox", "?")))
            run.outcomes[sub["status"]] = run.outcomes.get(sub["status"], 0) + 1
            auto = [q for q in sub.get("questions", []) if q.get("kind") == "auto"]
            run.points = (run.points or 0.0) + sum(float(q["score"]) for q in auto)
            if sub["status"] == "error":
                reasons[sub["reason"][:70]] = reasons.get(sub["reason"][:70], 0) + 1
    except (OSError, ValueError, KeyError, TypeError) as exc:
        run.note = f"no usable results.json ({type(exc).__name__}: {exc})"
    if reasons:
        text = "errors: " + "; ".join(f"{k}... ({v}×)" for k, v in sorted(reasons.items()))
        run.note = (run.note + "; " if run.note else "") + text
    if run.returncode:
        run.note = (run.note + "; " if run.note else "") + f"exit status {run.returncode}"
    return run, "/".join(sorted(sandboxes)) or "?"


def nbgrader_run(students: Mapping[str, Path], course: Any, root: Path, env: Mapping[str, str]) -> ClassRun:
    """``nbgrader autograde`` of the class in a temporary course folder with the shipped config."""
    import autograder
    from autograder.nbgrader_hook import SPEC_DIR_ENV

    slug = course.slugs()[0]
    course_dir = root / "nbgrader-course"
    (course_dir / "source" / slug).mkdir(parents=True)
    shutil.copyfile(course.solution_path(slug), course_dir / "source" / slug / f"{slug}.ipynb")
    shutil.copyfile(
        Path(autograder.__file__).parent / "nbgrader_config.py", course_dir / "nbgrader_config.py"
    )
    nb_env = dict(env)
    # nbgrader runs `alembic` (its gradebook migrations) from PATH: the virtual environment's bin.
    nb_env["PATH"] = os.pathsep.join([str(Path(sys.executable).parent), nb_env.get("PATH", "")])
    nb_env[SPEC_DIR_ENV] = str(course.spec_dir)
    nb_env.pop("QUANTKIT_GRADING", None)  # the shipped config sets it
    done = subprocess.run(
        [sys.executable, "-m", "nbgrader", "generate_assignment", slug],
        cwd=course_dir,
        env=nb_env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        return ClassRun(
            name="nbgrader autograde",
            wall=float("nan"),
            n=len(students),
            note=f"generate_assignment failed: {done.stderr.strip()[-300:]}",
        )
    for student, path in students.items():
        target = course_dir / "submitted" / student / slug / f"{slug}.ipynb"
        target.parent.mkdir(parents=True)
        shutil.copyfile(path, target)
    started = time.time()
    run = _timed(
        "nbgrader autograde (serial)",
        [sys.executable, "-m", "nbgrader", "autograde", slug],
        cwd=course_dir,
        env=nb_env,
        n=len(students),
        log=root / "nbgrader-autograde.log",
    )
    # nbgrader reports no timings; each autograded notebook is written when its submission is done,
    # so the gaps between the files' times are the per-submission times (the first one includes
    # nbgrader's own start-up).
    finished = sorted(
        (p.stat().st_mtime, p.parts[-3]) for p in (course_dir / "autograded").glob(f"*/{slug}/{slug}.ipynb")
    )
    previous = started
    for mtime, student in finished:
        run.per_submission[student] = {"total": mtime - previous}
        previous = mtime
    missing = sorted(set(students) - {s for _, s in finished})
    run.outcomes = {"autograded": len(finished), "failed": len(missing)}
    run.points = _nbgrader_points(course_dir / "gradebook.db", slug, [s for _, s in finished])
    notes = []
    if missing:
        notes.append(f"not autograded: {', '.join(missing)}")
    if run.returncode:
        notes.append(f"exit status {run.returncode}")
    run.note = "; ".join(notes)
    return run


def _nbgrader_points(db: Path, slug: str, students: Sequence[str]) -> float | None:
    """Autograded points nbgrader recorded in its gradebook for ``students`` (None if unreadable)."""
    try:
        from nbgrader.api import Gradebook

        total = 0.0
        with Gradebook(f"sqlite:///{db}") as gb:
            for student in students:
                for nb in gb.find_submission(slug, student).notebooks:
                    total += sum(g.score or 0.0 for g in nb.grades if g.cell_type == "code")
        return total
    except Exception:  # nbgrader's API and sqlalchemy errors; the points are a cross-check only
        return None


def solution_runs(course: Any, work: Path, repeat: int) -> list[tuple[str, int, list[float]]]:
    """Each solution notebook's headless run time (start to shutdown), ``repeat`` times."""
    out = []
    for slug in course.slugs():
        totals = []
        cells = 0
        for k in range(repeat):
            run = run_headless(course.solution_path(slug), work / f"solution-{slug}-{k}")
            totals.append(run.total)
            cells = run.cells
        out.append((slug, cells, totals))
    return out


# ---------------------------------------------------------------------------------------------- report


def _median(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.median(values) if values else float("nan")


def _mean(values: Iterable[float]) -> float:
    values = list(values)
    return statistics.fmean(values) if values else float("nan")


def summarize(run: ClassRun, students: Iterable[str] | None = None) -> dict[str, dict[str, float]]:
    """Median and mean seconds per phase over a run's submissions (optionally only ``students``).

    ``other`` is the total minus the named phases (reading, restoring cells, shutting down).

    Parameters
    ----------
    run : ClassRun
        A run with ``per_submission`` timings.
    students : iterable of str or None, default None
        Restrict to these students.

    Returns
    -------
    dict
        ``{"median": {phase: s}, "mean": {phase: s}, "n": {"count": k}}``
    """
    keep = set(students) if students is not None else None
    rows = [t for s, t in run.per_submission.items() if keep is None or s in keep]
    phases = [*PHASES, "other", "total"]
    values: dict[str, list[float]] = {p: [] for p in phases}
    for t in rows:
        if "total" not in t:
            continue
        for p in PHASES:
            if p in t:
                values[p].append(t[p])
        if any(p in t for p in PHASES):  # nbgrader's rows have a total only
            values["other"].append(t["total"] - sum(t.get(p, 0.0) for p in PHASES))
        values["total"].append(t["total"])
    return {
        "median": {p: _median(v) for p, v in values.items()},
        "mean": {p: _mean(v) for p, v in values.items()},
        "n": {"count": float(len(values["total"]))},
    }


def format_table(header: Sequence[str], rows: Sequence[Sequence[str]], *, markdown: bool = False) -> str:
    """A table as aligned plain text (first column left, others right) or as Markdown.

    Parameters
    ----------
    header : sequence of str
        Column titles.
    rows : sequence of sequence of str
        Cells, already formatted; each row as long as ``header``.
    markdown : bool, default False
        Markdown pipe table instead of plain text.

    Returns
    -------
    str
        The table, ending with a newline (Markdown: with an empty line, which ends the table).

    Raises
    ------
    ValueError
        If a row's length differs from the header's.
    """
    for row in rows:
        if len(row) != len(header):
            raise ValueError(f"a row has {len(row)} cells, the header {len(header)}: {list(row)}")
    if markdown:
        lines = [
            "| " + " | ".join(header) + " |",
            "| " + " | ".join(["---"] + ["---:"] * (len(header) - 1)) + " |",
        ]
        lines += ["| " + " | ".join(str(c).replace("|", "\\|") for c in row) + " |" for row in rows]
        return "\n".join(lines) + "\n\n"
    table = [list(header), *[list(r) for r in rows]]
    widths = [max(len(str(r[i])) for r in table) for i in range(len(header))]

    def line(row: Sequence[str]) -> str:
        cells = [
            str(c).ljust(w) if i == 0 else str(c).rjust(w)
            for i, (c, w) in enumerate(zip(row, widths, strict=True))
        ]
        return "  ".join(cells).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(table[0]), rule, *(line(r) for r in table[1:])]) + "\n"


def _s(value: float | None, digits: int = 2) -> str:
    if value is None or value != value:  # None or NaN
        return "n/a"
    return f"{value:.{digits}f}"


def _mib(value: int | None) -> str:
    return "n/a" if not value else f"{value / 1024**2:.0f}"


def _overheads(grade: ClassRun, plain: Mapping[str, PlainRun]) -> dict[str, float]:
    """Per submission: the grader's total minus the plain run's total of the same file (seconds)."""
    return {
        student: t["total"] - plain[student].total
        for student, t in grade.per_submission.items()
        if student in plain and "total" in t
    }


_PHASE_WORDS = {
    "kernel_start": "waiting for the kernel",
    "notebook": "running the notebook in the sandbox",
    "tests": "the hidden tests",
    "hints": "the hints (public cases of the questions that lost points)",
    "other": "reading, restoring cells and shutting down",
}


def _without(loop: str | None) -> str:
    return f", without {loop}" if loop else ""


def _phase_deltas(
    grade: ClassRun, plain: Mapping[str, PlainRun], *, exclude: str | None = None
) -> dict[str, list[float]]:
    """Per submission, each grading phase minus the plain run's matching phase (lists of seconds)."""
    out: dict[str, list[float]] = {p: [] for p in (*PHASES, "other", "total")}
    for student, t in grade.per_submission.items():
        if student == exclude or student not in plain or "total" not in t:
            continue
        base = plain[student]
        out["kernel_start"].append(t.get("kernel_start", 0.0) - base.kernel_start)
        out["notebook"].append(t.get("notebook", 0.0) - base.notebook)
        out["tests"].append(t.get("tests", 0.0))
        out["hints"].append(t.get("hints", 0.0))
        other = t["total"] - sum(t.get(p, 0.0) for p in PHASES)
        out["other"].append(other - base.shutdown)
        out["total"].append(t["total"] - base.total)
    return out


def format_report(data: Mapping[str, Any], *, markdown: bool = False) -> str:
    """The whole report (header, tables, targets) from the numbers of one benchmark run.

    Parameters
    ----------
    data : mapping
        ``machine`` (from :func:`machine_info`), ``class`` (one line), ``solutions`` (from
        :func:`solution_runs`), ``runs`` (list of :class:`ClassRun`), ``plain`` (student ->
        :class:`PlainRun`), ``loop_student`` (str or None), ``sandbox`` (str).
    markdown : bool, default False
        Markdown instead of plain text.

    Returns
    -------
    str
    """
    m = data["machine"]
    runs: list[ClassRun] = data["runs"]
    plain: Mapping[str, PlainRun] = data["plain"]
    by_name = {r.name.split(" (")[0]: r for r in runs}
    nb = by_name.get("nbgrader autograde")
    j1 = by_name.get("quantgrade grade --jobs 1")
    j2 = by_name.get("quantgrade grade --jobs 2")
    loop = data.get("loop_student")
    out: list[str] = []

    def heading(text: str) -> None:
        out.append(f"\n### {text}\n" if markdown else f"\n{text}\n{'=' * len(text)}\n")

    def para(text: str) -> None:
        out.append(text + "\n")

    heading(f"Grading speed, {m['date']}")
    para(
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['ram']} RAM, {m['os']}; Python {m['python']}, "
        f"numpy {m['numpy']}, nbgrader {m['nbgrader']}, jupyter_client {m['jupyter_client']}, "
        f"ipykernel {m['ipykernel']}, nbclient {m['nbclient']}; "
        f"sandbox: {data.get('sandbox', m['sandbox'])}; load average at start {m['load']}, "
        f"at the end {m.get('load_end', '?')} (a 1-minute load above the core count means other jobs "
        "were running: compare only runs made in the same conditions)."
    )
    para(f"Class: {data['class']}.")

    heading("Solution notebooks, headless run (nbclient, fresh kernel, start to shutdown)")
    rows = [
        [slug, str(cells), str(len(t)), _s(_median(t)), _s(min(t)), _s(max(t))]
        for slug, cells, t in data["solutions"]
    ]
    out.append(
        format_table(
            ["notebook", "code cells", "runs", "median s", "min s", "max s"], rows, markdown=markdown
        )
    )

    heading("The class, graded three ways (same submissions, same machine, same run)")
    rows = []
    for r in runs:
        ratio = (
            nb.wall / r.wall if nb is not None and r.wall == r.wall and nb.wall == nb.wall else float("nan")
        )
        rows.append(
            [
                r.name,
                _s(r.wall, 1),
                _s(r.per_minute, 1),
                _s(ratio) + "×",
                _mib(r.peak_rss),
                _mib(r.peak_pss),
                "n/a" if r.peak_procs is None else str(r.peak_procs),
                ", ".join(f"{v} {k}" for k, v in r.outcomes.items() if v) or "n/a",
                "n/a" if r.points is None else f"{r.points:g}",
                "n/a" if r.returncode is None else str(r.returncode),
            ]
        )
    out.append(
        format_table(
            [
                "run",
                "wall s",
                "subs/min",
                "throughput vs nbgrader",
                "peak RSS MiB",
                "peak PSS MiB",
                "max procs",
                "outcome",
                "auto points",
                "exit",
            ],
            rows,
            markdown=markdown,
        )
    )
    notes = [f"{r.name}: {r.note}" for r in runs if r.note]
    para(
        "Peak memory: the sum over the command's whole process tree (grader, workers, kernels, bubblewrap), "
        f"sampled every {SAMPLE_INTERVAL:g} s from /proc; RSS counts shared pages once per process, PSS "
        "shares them out. The plain run happens inside the benchmark process (not sampled)."
        + ("" if not notes else " Notes: " + "; ".join(notes) + ".")
    )

    heading("Where the time goes per submission (seconds)")
    header = ["run", "statistic", "n", "kernel start", "notebook", "hidden tests", "hints", "other", "total"]
    rows = []
    for r in runs:
        groups = [("all", None)]
        if loop and loop in r.per_submission:
            groups.append((f"without {loop}", [s for s in r.per_submission if s != loop]))
        for label, subset in groups:
            st = summarize(r, subset)
            for stat in ("median", "mean"):
                v = st[stat]
                rows.append(
                    [
                        r.name.split(" (")[0],
                        f"{stat} ({label})",
                        str(int(st["n"]["count"])),
                        *[_s(v[p]) for p in (*PHASES, "other", "total")],
                    ]
                )
    out.append(format_table(header, rows, markdown=markdown))
    para(
        "quantgrade phases from results.json `timings`: kernel start is the wait for a kernel that was "
        "launched while the previous submission was graded; notebook = running the cells (test cells "
        "skipped); hidden tests = the proxy calls; hints = public cases of questions that lost points; "
        "other = reading, restoring locked cells, shutting the kernel down. The plain run's notebook "
        "column runs every cell (self-checks included); its other column is the kernel shutdown. "
        "nbgrader reports no phases: its per-submission time is the gap between successive autograded "
        "files (the first includes nbgrader's start-up)."
    )

    if j1 is not None and plain:
        heading("What grading adds to running the notebook (`--jobs 1` minus the plain run, seconds)")
        rows = []
        groups: list[tuple[str, str | None]] = [("all that run", None)]
        if loop and loop in j1.per_submission:
            groups.append((f"without {loop}", loop))
        for label, excluded in groups:
            deltas = _phase_deltas(j1, plain, exclude=excluded)
            for stat, fn in (("median", _median), ("mean", _mean)):
                rows.append(
                    [
                        f"{stat} ({label})",
                        str(len(deltas["total"])),
                        *[_s(fn(deltas[p]), 2) for p in (*PHASES, "other", "total")],
                    ]
                )
        out.append(
            format_table(
                ["statistic", "n", "kernel start", "notebook", "hidden tests", "hints", "other", "total"],
                rows,
                markdown=markdown,
            )
        )
        para(
            "Per submission, each phase of `quantgrade grade --jobs 1` minus the same phase of the plain "
            "headless run of the same file (kernel start: the grader's wait for a prestarted kernel minus "
            "a cold start; notebook: the grader's sandboxed run without test cells minus nbclient's run of "
            "every cell; other: the grader's reading, restoring and shutdown minus nbclient's shutdown). "
            "Medians of differences do not add up to the median total. The plain run spent a median "
            f"{_s(_median(r.self_checks for r in plain.values()))} s of its notebook time in the self-check "
            "cells the grader skips."
        )

    heading("Targets")
    sandbox = data.get("sandbox", m["sandbox"])
    if nb is not None and j2 is not None and nb.wall == nb.wall and j2.wall == j2.wall:
        ratio = nb.wall / j2.wall
        if ratio >= TARGET_RATIO:
            verdict = "met"
        else:
            verdict = (
                f"missed by {TARGET_RATIO - ratio:.2f}× ({(1 - ratio / TARGET_RATIO) * 100:.0f}% short of "
                f"the target; it would take a wall time of {nb.wall / TARGET_RATIO:.0f} s instead of "
                f"{j2.wall:.0f} s)"
            )
        st2 = summarize(j2, [s for s in j2.per_submission if s != loop])
        para(
            f"- Throughput of `--jobs 2` (sandbox {sandbox}, {m['cores']} cores) against nbgrader "
            f"(target ≥ {TARGET_RATIO:g}×): {ratio:.2f}× ({j2.per_minute:.1f} against {nb.per_minute:.1f} "
            f"submissions per minute): {verdict}. Per submission under `--jobs 2` (median{_without(loop)}): "
            f"notebook {_s(st2['median']['notebook'])} s, hidden tests {_s(st2['median']['tests'])} s, "
            f"kernel start {_s(st2['median']['kernel_start'])} s, hints {_s(st2['median']['hints'])} s, "
            f"other {_s(st2['median']['other'])} s."
        )
        if j1 is not None:
            para(f"  For comparison, `--jobs 1` reaches {nb.wall / j1.wall:.2f}× nbgrader's throughput.")
    if j1 is not None and plain:
        diffs = _overheads(j1, plain)
        kept = {s: d for s, d in diffs.items() if s != loop}
        med, mean = _median(kept.values()), _mean(kept.values())
        verdict = "met" if med <= TARGET_OVERHEAD else f"missed by {med - TARGET_OVERHEAD:.2f} s"
        deltas = _phase_deltas(j1, plain, exclude=loop)
        parts = {p: _median(deltas[p]) for p in (*PHASES, "other")}
        worst = max((p for p in parts if parts[p] == parts[p]), key=lambda p: parts[p], default="tests")
        para(
            f"- Grading adds at most {TARGET_OVERHEAD:g} s per submission on top of running the notebook "
            f"(`--jobs 1` total minus the plain run of the same file, {len(kept)} submissions"
            f"{_without(loop)}): median {_s(med)} s, mean {_s(mean)} s, "
            f"max {_s(max(kept.values(), default=float('nan')))} s: {verdict}. The largest added phase is "
            f"{_PHASE_WORDS[worst]} (median +{_s(parts[worst])} s)."
        )
        if loop and loop in diffs:
            para(
                f"  {loop}: {_s(abs(diffs[loop]))} s {'more' if diffs[loop] >= 0 else 'less'} than its "
                f"plain run (both stop the loop at the {CELL_TIMEOUT:g} s cell limit)."
            )
    return "".join(out)


# ------------------------------------------------------------------------------------------------ main


def _jsonable(data: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "machine": data["machine"],
        "class": data["class"],
        "sandbox": data.get("sandbox"),
        "solutions": data["solutions"],
        "runs": [asdict(r) | {"per_minute": r.per_minute} for r in data["runs"]],
        "plain": {s: asdict(r) | {"total": r.total} for s, r in data["plain"].items()},
        "loop_student": data.get("loop_student"),
    }


def load_numbers(path: Path) -> dict[str, Any]:
    """The numbers a previous run saved with ``--json``, ready for :func:`format_report`.

    Raises
    ------
    ValueError
        If the file is not such a file (the message says what is missing).
    """
    try:
        raw = json.loads(Path(path).read_text(encoding="utf-8"))
        run_fields = {f for f in ClassRun.__dataclass_fields__}
        plain_fields = {f for f in PlainRun.__dataclass_fields__}
        runs = [ClassRun(**{k: v for k, v in r.items() if k in run_fields}) for r in raw["runs"]]
        plain = {
            s: PlainRun(**{k: v for k, v in r.items() if k in plain_fields}) for s, r in raw["plain"].items()
        }
        data = {
            "machine": raw["machine"],
            "class": raw["class"],
            "sandbox": raw.get("sandbox"),
            "solutions": [tuple(x) for x in raw["solutions"]],
            "runs": runs,
            "plain": plain,
        }
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path}: not the numbers of a --json run ({type(exc).__name__}: {exc})") from None
    loop = raw.get("loop_student", "endless_loop")
    data["loop_student"] = loop if any(loop in r.per_submission for r in runs) else None
    return data


def merge_numbers(parts: Sequence[dict[str, Any]], names: Sequence[str]) -> dict[str, Any]:
    """The first run's numbers, with the parts it lacks (whole runs, solution notebooks) from the others.

    Parameters
    ----------
    parts : sequence of dict
        Numbers from :func:`load_numbers`, first one first.
    names : sequence of str
        Where each came from (for the note in the report).

    Returns
    -------
    dict
        The merged numbers; ``class`` says which parts were borrowed from where.
    """
    if not parts:
        raise ValueError("no numbers to report")
    data = dict(parts[0])
    runs = list(data["runs"])
    borrowed = []
    for other, name in zip(parts[1:], names[1:], strict=True):
        have = {r.name for r in runs}
        for run in other["runs"]:
            if run.name not in have:
                runs.append(run)
                borrowed.append(f"{run.name.split(' (')[0]} from {name}")
        if not data["plain"] and other["plain"]:
            data["plain"] = other["plain"]
        if not data["solutions"] and other["solutions"]:
            data["solutions"] = other["solutions"]
            borrowed.append(f"solution notebooks from {name}")
        data["loop_student"] = data.get("loop_student") or other.get("loop_student")
    order = [
        "plain headless run",
        "quantgrade grade --jobs 1",
        "quantgrade grade --jobs 2",
        "nbgrader autograde",
    ]
    runs.sort(key=lambda r: order.index(r.name.split(" (")[0]) if r.name.split(" (")[0] in order else 99)
    data["runs"] = runs
    if borrowed:
        data["class"] = f"{data['class']} (taken from another run: {'; '.join(borrowed)})"
    return data


def _step(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run_benchmark(
    root: Path,
    *,
    quick: bool,
    repeat: int,
    skip: Sequence[str] = (),
    course_root: Path = REPO,
    save: Callable[[dict[str, Any]], None] | None = None,
) -> dict[str, Any]:
    """Run every part of the benchmark under ``root`` and return the numbers for :func:`format_report`.

    Parameters
    ----------
    root : Path
        Temporary folder for everything.
    quick : bool
        6 submissions, no endless loop.
    repeat : int
        Runs per solution notebook.
    skip : sequence of str, default ()
        Parts to leave out: ``solutions``, ``plain``, ``grade1``, ``grade2``, ``nbgrader``.
    course_root : Path, default the repository
        The course (solutions, specs) to grade with; ``quantgrade`` runs from there.
    save : callable or None, default None
        Called with the numbers so far after each part (so a long run that is stopped keeps them).
    """
    from autograder.spec import default_course

    course = default_course(course_root)
    machine = machine_info()
    _step(f"machine: {machine['cpu']}, {machine['cores']} cores, load {machine['load']}")
    env = dict(os.environ)
    data: dict[str, Any] = {
        "machine": machine,
        "class": "",
        "solutions": [],
        "runs": [],
        "plain": {},
        "loop_student": None,
        "sandbox": machine["sandbox"],
    }

    def done(part: str) -> None:
        try:
            machine["load_end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
        except OSError:
            machine["load_end"] = "?"
        _step(f"{part} done")
        if save is not None:
            save(data)

    if "solutions" not in skip:
        _step("solution notebooks, headless")
        data["solutions"] = solution_runs(course, root / "solutions", repeat)
        done("solution notebooks")

    class_dir = root / "class"
    students, data["class"] = build_bench_class(class_dir, course, quick=quick)
    data["loop_student"] = "endless_loop" if "endless_loop" in students else None
    _step(f"class: {data['class']}")
    if "plain" not in skip:
        _step("plain headless run of every submission")
        plain_run, data["plain"] = plain_class_run(students, root / "plain")
        data["runs"].append(plain_run)
        done("plain run")
    for jobs in (1, 2):
        if f"grade{jobs}" in skip:
            continue
        _step(f"quantgrade grade --jobs {jobs}")
        run, data["sandbox"] = grade_run(
            class_dir, root / f"out-j{jobs}", jobs, len(students), env, course_root
        )
        data["runs"].append(run)
        done(f"quantgrade grade --jobs {jobs}")
    if "nbgrader" not in skip:
        _step("nbgrader autograde")
        data["runs"].append(nbgrader_run(students, course, root, env))
        done("nbgrader autograde")
    return data


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark and print the report; return 0.

    Parameters
    ----------
    argv : sequence of str or None, default None
        Command-line arguments (``sys.argv[1:]`` if None).
    """
    parser = argparse.ArgumentParser(
        description="Time the solution notebooks and the grading of a class of 40 submissions "
        "(quantgrade --jobs 1/2 vs nbgrader autograde) and print the tables.",
    )
    parser.add_argument("--quick", action="store_true", help="6 submissions, one run per solution (smoke)")
    parser.add_argument("--markdown", action="store_true", help="print the tables as Markdown (for docs/)")
    parser.add_argument(
        "--repeat", type=int, default=None, help="runs per solution notebook (default 3, 1 with --quick)"
    )
    parser.add_argument(
        "--json", type=Path, default=None, metavar="FILE", help="also write the raw numbers here"
    )
    parser.add_argument(
        "--course-root",
        type=Path,
        default=REPO,
        metavar="DIR",
        help="grade with the course (solutions, specs) in DIR, e.g. an export of an older commit "
        "(with PYTHONPATH=DIR to run its code too; default: this repository)",
    )
    parser.add_argument(
        "--from-json",
        type=Path,
        nargs="+",
        default=None,
        metavar="FILE",
        help="measure nothing: print the report of numbers saved earlier with --json; parts missing "
        "from the first file are taken from the next ones (said in the report)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (its path is printed)")
    parser.add_argument(
        "--skip",
        action="append",
        default=[],
        choices=("solutions", "plain", "grade1", "grade2", "nbgrader"),
        help="leave out one part (repeatable)",
    )
    args = parser.parse_args(argv)
    repeat = args.repeat if args.repeat is not None else (1 if args.quick else 3)
    if repeat < 1:
        parser.error("--repeat must be at least 1")
    if args.from_json is not None:
        try:
            data = merge_numbers([load_numbers(p) for p in args.from_json], [str(p) for p in args.from_json])
        except ValueError as exc:
            parser.error(str(exc))
        print(format_report(data, markdown=args.markdown), end="")
        return 0
    if not sys.platform.startswith("linux"):
        parser.error("this benchmark reads /proc: it runs on Linux only")
    root = Path(tempfile.mkdtemp(prefix="grading-speed-"))
    isolate_environment(root / "home")
    try:
        save = None
        if args.json is not None:
            path = args.json

            def save(data: dict[str, Any]) -> None:
                path.write_text(json.dumps(_jsonable(data), indent=1) + "\n", encoding="utf-8")

        data = run_benchmark(
            root,
            quick=args.quick,
            repeat=repeat,
            skip=args.skip,
            course_root=args.course_root.resolve(),
            save=save,
        )
        print(format_report(data, markdown=args.markdown), end="")
    finally:
        if args.keep:
            print(f"kept {root}", file=sys.stderr)
        else:
            shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
