"""Widget speed: how long each explorer of each solution notebook takes to update, printed as a table.

Not a test: it measures and prints, and asserts nothing about time. For every notebook of the course:

1. the solution notebook's code cells run in this process (hidden-test blocks left out, demo cells
   kept: that is where the explorers are), with matplotlib's Agg backend;
2. every explorer the notebook builds (an instance of ``quantkit.widgets._Explorer`` or of a subclass
   in another quantkit module) is recorded;
3. each of its controls (sliders, dropdowns, toggles) is swept: it is set to ``--steps`` values
   spread over its range (or its options), as a student dragging it would, and the time from
   setting the value until the observer returns is measured: the update the student waits for
   (the student's own function, the drawing and the PNG encoding).

For each explorer and slider: updates measured, median, 90th percentile and maximum of the whole
update, the median CPU time of this process during the update (less sensitive to a busy machine than
wall time), and the medians of the update's two parts, the explorer's own work (``kit_seconds``: drawing,
encoding) and the student's function (``student_seconds``; here the solution's). The target is a
whole update under 100 ms; an explorer whose student function is slower than
``quantkit.widgets.SLOW_CALL`` switches its sliders to update on release, which the table shows too.

Everything temporary lives in one folder from :func:`tempfile.mkdtemp`, and ``IPYTHONDIR``,
``MPLCONFIGDIR`` and ``JUPYTER_*`` point into it, so nothing is written into ``$HOME``. Offline and
deterministic inputs; times are as noisy as the machine: run it on a quiet one.

Usage (from the repository root)::

    .venv/bin/python benchmarks/widget_speed.py                 # every notebook, 25 values per slider
    .venv/bin/python benchmarks/widget_speed.py 01 --steps 50   # one notebook (slug or its prefix)
    .venv/bin/python benchmarks/widget_speed.py --markdown      # the table as Markdown, for docs/
"""

from __future__ import annotations

import argparse
import contextlib
import io
import os
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
TARGET_MS = 100.0


@dataclass
class Row:
    """One slider of one explorer, swept."""

    notebook: str
    explorer: str
    slider: str
    updates: int
    total_ms: list[float]
    cpu_ms: list[float]
    kit_ms: list[float]
    student_ms: list[float]
    continuous: bool


def _isolate(tmp: Path) -> None:
    for var, sub in (
        ("IPYTHONDIR", "ipython"),
        ("MPLCONFIGDIR", "matplotlib"),
        ("JUPYTER_CONFIG_DIR", "jupyter-config"),
        ("JUPYTER_DATA_DIR", "jupyter-data"),
        ("JUPYTER_RUNTIME_DIR", "jupyter-runtime"),
    ):
        path = tmp / sub
        path.mkdir(parents=True, exist_ok=True)
        os.environ[var] = str(path)
    os.environ["MPLBACKEND"] = "Agg"


def _run_notebook(path: Path) -> list[Any]:
    """Exec the notebook's code cells; return the explorers it built, in order."""
    import matplotlib.pyplot as plt
    import nbformat

    from quantkit import widgets

    built: list[Any] = []
    original = widgets._Explorer.__init__

    def recording(self: Any, *args: Any, **kwargs: Any) -> None:
        original(self, *args, **kwargs)
        built.append(self)

    widgets._Explorer.__init__ = recording  # type: ignore[method-assign]
    nb = nbformat.read(path, as_version=4)
    from IPython.display import display

    namespace: dict[str, Any] = {"__name__": "__main__", "display": display}  # as in a kernel
    try:
        for cell in nb.cells:
            if cell.cell_type != "code":
                continue
            source = re.sub(r"### BEGIN HIDDEN TESTS.*?### END HIDDEN TESTS\n?", "", cell.source, flags=re.S)
            lines = source.splitlines()
            source = "\n".join(x for x in lines if not x.lstrip().startswith(("%", "!")))
            with contextlib.redirect_stdout(io.StringIO()):
                exec(compile(source, f"{path.name}:{cell.get('id', 'cell')}", "exec"), namespace)
            plt.close("all")
    finally:
        widgets._Explorer.__init__ = original  # type: ignore[method-assign]
    return built


def _values(slider: Any, steps: int) -> list[Any]:
    """``steps`` values across the slider's range, or its options, that differ from its current value."""
    options = getattr(slider, "options", None)
    if options:
        values = [o[1] if isinstance(o, tuple) else o for o in options]
        return [values[i % len(values)] for i in range(steps)]
    lo, hi = slider.min, slider.max
    span = [lo + (hi - lo) * i / max(steps - 1, 1) for i in range(steps)]
    if isinstance(slider.value, int) and not isinstance(slider.value, bool):
        return [round(v) for v in span]
    return span


def _controls(explorer: Any) -> list[Any]:
    """The explorer's sliders, dropdowns and toggles (widgets with a range or options), in order."""
    import ipywidgets

    return [
        w
        for w in vars(explorer).values()
        if isinstance(w, ipywidgets.ValueWidget) and (hasattr(w, "options") or hasattr(w, "min"))
    ]


def _sweep(notebook: str, explorer: Any, steps: int) -> list[Row]:
    rows = []
    for slider in _controls(explorer):
        start_value = slider.value
        total, cpu, kit, student = [], [], [], []
        for value in _values(slider, steps):
            if value == slider.value:
                continue
            start, start_cpu = time.perf_counter(), time.process_time()
            slider.value = value  # the observer runs the update synchronously
            total.append(1000 * (time.perf_counter() - start))
            cpu.append(1000 * (time.process_time() - start_cpu))
            kit.append(1000 * explorer.kit_seconds)
            student.append(1000 * explorer.student_seconds)
        slider.value = start_value
        rows.append(
            Row(
                notebook=notebook,
                explorer=type(explorer).__name__,
                slider=slider.description or type(slider).__name__,
                updates=len(total),
                total_ms=total,
                cpu_ms=cpu,
                kit_ms=kit,
                student_ms=student,
                continuous=bool(getattr(slider, "continuous_update", True)),
            )
        )
    return rows


def _p90(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.9 * len(ordered)))]


def _table(rows: list[Row], markdown: bool) -> str:
    header = ["notebook", "explorer", "control", "n", "median ms", "p90 ms", "max ms"]
    header += ["cpu ms", "kit ms", "student ms", "live"]
    body = []
    for r in rows:
        if not r.updates:
            body.append([r.notebook, r.explorer, r.slider, "0", "-", "-", "-", "-", "-", "-", "-"])
            continue
        body.append(
            [
                r.notebook,
                r.explorer,
                r.slider,
                str(r.updates),
                f"{statistics.median(r.total_ms):.0f}",
                f"{_p90(r.total_ms):.0f}",
                f"{max(r.total_ms):.0f}",
                f"{statistics.median(r.cpu_ms):.0f}",
                f"{statistics.median(r.kit_ms):.0f}",
                f"{statistics.median(r.student_ms):.1f}",
                "yes" if r.continuous else "on release",
            ]
        )
    if markdown:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        lines += ["| " + " | ".join(row) + " |" for row in body]
        return "\n".join(lines)
    widths = [max(len(x) for x in col) for col in zip(header, *body, strict=False)]
    fmt = "  ".join(f"{{:{'<' if i < 3 else '>'}{w}}}" for i, w in enumerate(widths))
    lines = [fmt.format(*header), fmt.format(*("-" * w for w in widths))]
    return "\n".join(lines + [fmt.format(*b) for b in body])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("notebooks", nargs="*", help="slugs or prefixes (default: all)")
    parser.add_argument("--steps", type=int, default=25, help="values per slider (default 25)")
    parser.add_argument("--markdown", action="store_true", help="print the table as Markdown")
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="widget-speed-"))
    _isolate(tmp)
    sys.path.insert(0, str(ROOT))
    os.chdir(tmp)  # notebooks that write files write them here
    from autograder.spec import Course

    course = Course(root=ROOT)
    slugs = [s for s in course.slugs() if not args.notebooks or any(s.startswith(p) for p in args.notebooks)]
    rows: list[Row] = []
    for slug in slugs:
        explorers = _run_notebook(course.solution_path(slug))
        if not explorers:
            rows.append(Row(slug[:2], "(no explorer)", "-", 0, [], [], [], [], False))
        for explorer in explorers:
            rows.extend(_sweep(slug[:2], explorer, args.steps))
    import platform

    machine = platform.processor() or platform.machine()
    print(f"# {machine}, {os.cpu_count()} CPUs, load {os.getloadavg()[0]:.1f}")
    print(f"# whole update (set the slider value until the observer returns); target < {TARGET_MS:.0f} ms")
    print(_table(rows, args.markdown))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
