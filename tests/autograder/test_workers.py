"""Tests of autograder.workers.WorkerPool's bookkeeping, with a stand-in for grading one submission.

The pool runs in a fresh interpreter (``python -c``) with forked workers, so that the stand-in set
there is the one the workers run. Real grading runs under signals are in tests/grading/test_faults.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="forked workers: Linux")

PROGRAM = textwrap.dedent(
    """
    import json, os, signal, sys, time
    from pathlib import Path
    from autograder import grade
    from autograder.results import SubmissionResult
    from autograder.submission import Submission
    from autograder.workers import WorkerPool

    def fake_grade_one(sub, ctx, take_kernel):
        if sub.student == "crash":  # the worker dies in the middle of this submission
            os.kill(os.getpid(), signal.SIGKILL)
        time.sleep(0.05)
        return SubmissionResult(student=sub.student, notebook=sub.slug, path=str(sub.path), status="graded")

    grade._grade_one = fake_grade_one
    folder = Path(sys.argv[1])
    names = ["a", "b", "crash", "c", "gone", "d", "e"]
    items = []
    for i, name in enumerate(names):
        path = folder / name / "00_toy.ipynb"
        if name != "gone":
            path.parent.mkdir(parents=True)
            path.write_text("{}")
        items.append((i, Submission(student=name, slug="00_toy", path=path)))
    events = []
    pool = WorkerPool(jobs=2, course=None, limits=None, sandbox=None, run_dir=folder, start_method="fork")
    pool.run(
        items,
        on_result=lambda i, r: events.append(["result", names[i], r.student]),
        on_vanished=lambda i: events.append(["vanished", names[i]]),
        on_crash=lambda i, why: events.append(["crash", names[i], why]),
    )
    print(json.dumps({"events": events, "workers": pool.pids()}))
    """
)


def test_a_dead_worker_costs_one_submission_and_a_vanished_file_is_reported(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-c", PROGRAM, str(tmp_path)], capture_output=True, text=True,
                          timeout=120, check=False)  # fmt: skip
    assert done.returncode == 0, done.stderr[-3000:]
    report = json.loads(done.stdout.strip().splitlines()[-1])
    events = sorted(report["events"])
    assert ["crash", "crash", "signal 9"] in events
    assert ["vanished", "gone"] in events
    # Every other submission graded once, by a worker or by the one started to replace the dead one.
    assert sorted(e[1] for e in events if e[0] == "result") == ["a", "b", "c", "d", "e"]
    assert all(e[1] == e[2] for e in events if e[0] == "result")
    assert report["workers"] == []  # all stopped and forgotten
