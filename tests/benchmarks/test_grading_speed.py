"""Smoke test of benchmarks/grading_speed.py: its tables and verdicts, on made-up numbers.

No timing is measured or asserted here: the benchmark itself is a script that prints a table. These
tests only check that the report says what the numbers given to it imply (ratios, medians,
met/missed), that saved numbers print the same report, and that the memory sampler sees a child.
"""

from __future__ import annotations

import importlib.util
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "benchmarks" / "grading_speed.py"


def _load() -> ModuleType:
    spec = importlib.util.spec_from_file_location("grading_speed_under_test", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


gs = _load()

MACHINE = {
    "date": "2000-01-01 00:00 UTC",
    "cpu": "Test CPU",
    "cores": "2",
    "ram": "1.0 GiB",
    "os": "Linux test",
    "python": "3.11.0",
    "numpy": "1",
    "nbgrader": "2",
    "jupyter_client": "3",
    "ipykernel": "4",
    "nbclient": "5",
    "sandbox": "bubblewrap",
    "load": "0.00 0.00 0.00",
    "load_end": "0.00 0.00 0.00",
}


def _grade_timings(notebook: float, tests: float) -> dict[str, float]:
    t = {"kernel_start": 0.1, "notebook": notebook, "tests": tests, "hints": 0.05}
    t["total"] = sum(t.values()) + 0.2
    return t


def _data(nbgrader_wall: float, jobs2_wall: float, tests: float) -> dict:
    """A fake benchmark run: three students and the endless loop, the four ways of running them."""
    students = {"alice": 3.0, "bob": 4.0, "carol": 5.0, "endless_loop": 33.0}
    plain = {
        s: gs.PlainRun(
            kernel_start=1.0, notebook=nb, self_checks=0.1, shutdown=0.3, cells=10, errors=0, timeouts=0
        )
        for s, nb in students.items()
    }
    grade = {s: _grade_timings(nb - 0.1, tests) for s, nb in students.items()}
    runs = [
        gs.ClassRun(
            name="plain headless run (nbclient, serial, no grading)",
            wall=sum(p.total for p in plain.values()),
            n=4,
            per_submission={
                s: {"kernel_start": 1.0, "notebook": p.notebook, "total": p.total} for s, p in plain.items()
            },
            outcomes={"ran": 4},
        ),
        gs.ClassRun(name="quantgrade grade --jobs 1", wall=100.0, n=4, per_submission=grade, points=48.0),
        gs.ClassRun(
            name="quantgrade grade --jobs 2",
            wall=jobs2_wall,
            n=4,
            per_submission=grade,
            peak_rss=300 * 1024**2,
        ),
        gs.ClassRun(
            name="nbgrader autograde (serial)",
            wall=nbgrader_wall,
            n=4,
            per_submission={s: {"total": 20.0} for s in students},
            returncode=0,
        ),
    ]
    return {
        "machine": MACHINE,
        "class": "4 made-up submissions",
        "solutions": [("01_sampling_quantization", 31, [10.0, 12.0, 11.0])],
        "runs": runs,
        "plain": plain,
        "loop_student": "endless_loop",
        "sandbox": "bubblewrap",
    }


def test_plain_table_aligns_numbers_right() -> None:
    text = gs.format_table(["run", "wall s"], [["a", "1.0"], ["longer name", "100.5"]])
    lines = text.splitlines()
    assert lines[0].startswith("run")
    assert set(lines[1]) <= {"-", " "}
    assert [len(line) for line in lines] == [len(lines[1])] * 4
    assert lines[2].endswith("  1.0") and lines[3].endswith("100.5")


def test_markdown_table_is_a_pipe_table_that_ends() -> None:
    text = gs.format_table(["run", "wall s"], [["a|b", "1.0"]], markdown=True)
    assert text.splitlines() == ["| run | wall s |", "| --- | ---: |", "| a\\|b | 1.0 |", ""]
    assert text.endswith("\n\n")  # an empty line, so the next paragraph is not read as a row


def test_ragged_row_is_refused() -> None:
    with pytest.raises(ValueError, match="a row has 1 cells, the header 2"):
        gs.format_table(["run", "wall s"], [["only one"]])


def test_summarize_gives_medians_and_means_per_phase() -> None:
    data = _data(nbgrader_wall=120.0, jobs2_wall=60.0, tests=0.5)
    run = data["runs"][1]
    stats = gs.summarize(run, [s for s in run.per_submission if s != "endless_loop"])
    totals = [t["total"] for s, t in run.per_submission.items() if s != "endless_loop"]
    assert stats["n"]["count"] == 3
    assert stats["median"]["total"] == pytest.approx(statistics.median(totals))
    assert stats["mean"]["total"] == pytest.approx(statistics.fmean(totals))
    assert stats["median"]["other"] == pytest.approx(0.2)  # what _grade_timings adds beyond the phases
    nbgrader = gs.summarize(data["runs"][3])
    assert nbgrader["median"]["total"] == pytest.approx(20.0)
    assert nbgrader["median"]["tests"] != nbgrader["median"]["tests"]  # NaN: nbgrader has no phases


@pytest.mark.parametrize(("nbgrader_wall", "jobs2_wall"), [(120.0, 60.0), (120.0, 100.0)])
def test_throughput_verdict_follows_the_walls(nbgrader_wall: float, jobs2_wall: float) -> None:
    report = gs.format_report(_data(nbgrader_wall, jobs2_wall, tests=0.5))
    ratio = nbgrader_wall / jobs2_wall
    line = next(ln for ln in report.splitlines() if ln.startswith("- Throughput"))
    assert f"{ratio:.2f}×" in line
    if ratio >= gs.TARGET_RATIO:
        assert ": met." in line
    else:
        assert f"missed by {gs.TARGET_RATIO - ratio:.2f}×" in line


@pytest.mark.parametrize("tests", [0.2, 3.0])
def test_overhead_verdict_follows_the_phases(tests: float) -> None:
    data = _data(nbgrader_wall=120.0, jobs2_wall=60.0, tests=tests)
    report = gs.format_report(data)
    grade, plain = data["runs"][1], data["plain"]
    diffs = [grade.per_submission[s]["total"] - plain[s].total for s in ("alice", "bob", "carol")]
    median = statistics.median(diffs)
    line = next(ln for ln in report.splitlines() if ln.startswith("- Grading adds"))
    assert f"median {median:.2f} s" in line
    if median <= gs.TARGET_OVERHEAD:
        assert ": met." in line
    else:
        assert f"missed by {median - gs.TARGET_OVERHEAD:.2f} s" in line
        assert "the hidden tests" in line  # the phase the fake numbers make largest


def test_saved_numbers_print_the_same_report(tmp_path: Path) -> None:
    data = _data(nbgrader_wall=120.0, jobs2_wall=60.0, tests=0.5)
    path = tmp_path / "numbers.json"
    path.write_text(json.dumps(gs._jsonable(data)), encoding="utf-8")
    assert gs.format_report(gs.load_numbers(path)) == gs.format_report(data)
    assert gs.format_report(gs.load_numbers(path), markdown=True) == gs.format_report(data, markdown=True)


def test_a_file_that_is_not_saved_numbers_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.json"
    path.write_text('{"runs": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="not the numbers of a --json run"):
        gs.load_numbers(path)


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the sampler reads /proc (Linux)")
def test_tree_sampler_counts_a_child_process() -> None:
    child = subprocess.Popen([sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        alone, tree = gs.TreeSampler(child.pid), gs.TreeSampler(os.getpid())
        alone.sample()
        tree.sample()
    finally:
        assert child.stdin is not None
        child.stdin.close()
        child.wait()
    assert alone.peak_procs == 1 and alone.peak_rss > 0 and alone.samples == 1
    assert tree.peak_procs >= 2  # this process and the child
    assert tree.peak_rss > alone.peak_rss


def test_merge_takes_missing_parts_from_the_next_run_and_says_so() -> None:
    full = _data(nbgrader_wall=120.0, jobs2_wall=60.0, tests=0.5)
    partial = dict(_data(nbgrader_wall=99.0, jobs2_wall=50.0, tests=0.5))
    partial["runs"] = [r for r in partial["runs"] if r.name.startswith("quantgrade")]
    partial["plain"], partial["solutions"] = {}, []
    merged = gs.merge_numbers([partial, full], ["partial.json", "full.json"])
    names = [r.name for r in merged["runs"]]
    assert names == [r.name for r in full["runs"]]  # the usual order, plain run first
    walls = {r.name: r.wall for r in merged["runs"]}
    assert walls["quantgrade grade --jobs 2"] == 50.0  # the first file's own run wins
    assert walls["nbgrader autograde (serial)"] == 120.0
    assert merged["plain"] is full["plain"]
    assert "nbgrader autograde from full.json" in merged["class"]
    assert "solution notebooks from full.json" in merged["class"]
