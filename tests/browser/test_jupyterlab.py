"""End to end in a real browser: the course notebooks as a student meets them in JupyterLab.

For each solution notebook: Run All Cells, no cell shows an error, every explorer widget renders (its
sliders, readout and figure), moving a slider with the keyboard changes the readout and the figure,
and every audio player holds audio the browser can decode. For each student notebook: running
everything shows the friendly "not implemented yet" lines of quantkit (``quantkit.checks._ipython``,
``quantkit.plots._student``), never a traceback. And the nbgrader JupyterLab extension is loaded (its
Validate button and its menu).

The fixtures (tests/browser/conftest.py) start one JupyterLab and one Chromium for the module. Only
waits have timeouts here, generous ones; nothing asserts how long anything took.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.slow

REPO_ROOT = Path(__file__).resolve().parents[2]
SOLUTIONS = sorted(p.name for p in (REPO_ROOT / "solutions").glob("*.ipynb"))
STUDENT_NOTEBOOKS = sorted(p.name for p in (REPO_ROOT / "notebooks").glob("*.ipynb"))
#: The README shows each notebook's first explorer as the student first sees it: docs/images/<slug>.png.
DOCS_IMAGES = REPO_ROOT / "docs" / "images"

# Generous waits, never assertions on time: a notebook runs in ~10 s on an idle 2-core machine, but a
# shared or busy CI machine can be ten times slower.
KERNEL_TIMEOUT_MS = 600_000  # kernel start, or a whole notebook's run
WIDGET_TIMEOUT_MS = 120_000  # one slider step to reach the kernel and the redrawn figure to come back
NOT_IMPLEMENTED = "not implemented yet"  # quantkit.checks._ipython and quantkit.plots._student
# The marks of a traceback wall: IPython's header and its frame lines ("Cell In[3], line 2", "File ...").
TRACEBACK_MARKS = ("Traceback (most recent call last)", "Cell In[", 'File "')
# An explorer created in a notebook cell: widgets.quantizer_explorer(...), bit_depth_explorer(...),
# SamplingExplorer(...), ...
EXPLORER_CALL = re.compile(r"\b[a-z][a-z_]*_explorer\(|\b[A-Z][A-Za-z]*Explorer\(")

_ACTIVE = ".jp-NotebookPanel:not(.lm-mod-hidden)"
# True when the open notebook's kernel is idle, no code cell waits ("[*]:") and at least one has run.
# With all_cells, every code cell must have an execution count too.
_RUN_SETTLED = """([panelSelector, allCells]) => {
  const panel = document.querySelector(panelSelector);
  if (!panel) return false;
  const indicator = panel.querySelector('.jp-Notebook-ExecutionIndicator');
  const prompts = [...panel.querySelectorAll('.jp-CodeCell .jp-InputArea-prompt')]
    .map((e) => e.textContent.trim());
  const ran = prompts.filter((p) => /^\\[\\d+\\]:$/.test(p)).length;
  if (!indicator || indicator.dataset.status !== 'idle') return false;
  if (prompts.includes('[*]:') || ran === 0) return false;
  return !allCells || ran === prompts.length;
}"""


# --- driving JupyterLab like a student -----------------------------------------------------------


def open_notebook(page: Any, server: Any, path: str) -> None:
    """Open ``path`` (relative to the server root) in a reset workspace and wait for an idle kernel."""
    page.goto(server.url(path))
    page.wait_for_selector(f"{_ACTIVE} .jp-Notebook .jp-Cell", timeout=KERNEL_TIMEOUT_MS)
    page.wait_for_selector(
        f"{_ACTIVE} .jp-Notebook-ExecutionIndicator[data-status='idle']", timeout=KERNEL_TIMEOUT_MS
    )
    page.locator(f"{_ACTIVE} .jp-Cell .jp-InputPrompt").first.click()  # make the notebook the active widget


def run_menu(page: Any, item: str) -> None:
    """Click Run > ``item`` in the menu bar, once JupyterLab enables it.

    The Run menu's entries stay greyed out (and a click on them does nothing) until the notebook is the
    active widget with its kernel connected, which on a busy machine comes after the kernel reports idle.
    """
    run = page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$"))
    label = page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(item)}$"))
    deadline = time.monotonic() + KERNEL_TIMEOUT_MS / 1000
    while True:
        run.click()
        entry = page.locator(".lm-Menu-item", has=label)
        entry.wait_for(state="visible")
        if "lm-mod-disabled" not in (entry.get_attribute("class") or "").split():
            entry.click()
            return
        page.keyboard.press("Escape")
        if time.monotonic() > deadline:
            pytest.fail(f"Run > {item} stayed disabled for {KERNEL_TIMEOUT_MS // 1000} s", pytrace=False)
        page.wait_for_timeout(500)


def wait_until_settled(page: Any, *, all_cells: bool) -> None:
    """Wait for the kernel to be idle with nothing queued (and every code cell run, if ``all_cells``)."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

    try:
        page.wait_for_function(_RUN_SETTLED, arg=[_ACTIVE, all_cells], timeout=KERNEL_TIMEOUT_MS, polling=250)
    except PlaywrightTimeoutError:
        status = page.locator(f"{_ACTIVE} .jp-Notebook-ExecutionIndicator").get_attribute("data-status")
        pytest.fail(
            f"the notebook did not settle within {KERNEL_TIMEOUT_MS // 1000} s (kernel {status}); prompts: "
            f"{' '.join(prompts(page))}; error outputs: {error_outputs(page)}",
            pytrace=False,
        )


def prompts(page: Any) -> list[str]:
    """The execution prompts of the code cells, ``"[3]:"``, ``"[ ]:"`` or ``"[*]:"``."""
    return page.locator(f"{_ACTIVE} .jp-CodeCell .jp-InputArea-prompt").evaluate_all(
        "(els) => els.map((e) => e.textContent.trim())"
    )


def outputs(page: Any) -> list[tuple[str, str]]:
    """Every output of the open notebook as (mime type, visible text)."""
    return [
        (item["mime"], item["text"])
        for item in page.locator(f"{_ACTIVE} .jp-OutputArea-output").evaluate_all(
            "(els) => els.map((e) => ({mime: e.getAttribute('data-mime-type') || '', text: e.innerText}))"
        )
    ]


def error_outputs(page: Any) -> list[str]:
    """The text of every error or stderr output (JupyterLab renders both as the stderr mime type)."""
    return [text for mime, text in outputs(page) if mime == "application/vnd.jupyter.stderr"]


def tracebacks(page: Any) -> list[str]:
    """Outputs that look like a traceback wall, or a widget that failed to display."""
    return [
        text
        for _mime, text in outputs(page)
        if any(mark in text for mark in TRACEBACK_MARKS) or "Error displaying widget" in text
    ]


def explorer_count(notebook: Path) -> int:
    """How many explorers the notebook's code cells create (counted in its source)."""
    cells = json.loads(notebook.read_text(encoding="utf-8"))["cells"]
    return sum(
        len(EXPLORER_CALL.findall("".join(cell["source"]))) for cell in cells if cell["cell_type"] == "code"
    )


def explorers(page: Any) -> list[Any]:
    """One locator per rendered explorer: the box around its ``.qk-readout``."""
    readouts = page.locator(f"{_ACTIVE} .qk-readout")
    return [readouts.nth(i).locator("xpath=..") for i in range(readouts.count())]


# Resolves once the element knows its duration (or failed, or 60 s passed): JupyterLab renders audio
# without loading it, so the check asks for the metadata the way a click on play would.
_AUDIO_METADATA = """(a) => new Promise((resolve) => {
  const done = () => resolve({duration: a.duration, error: a.error ? a.error.code : 0,
                              src: (a.currentSrc || a.src || '').slice(0, 40)});
  if (a.readyState >= 1 || a.error) return done();
  a.addEventListener('loadedmetadata', done, {once: true});
  a.addEventListener('error', done, {once: true});
  setTimeout(done, 60000);
  a.preload = 'metadata';
  a.load();
})"""


def audio_problems(page: Any) -> list[str]:
    """Every <audio> element of the open notebook that the browser cannot decode (or finds empty)."""
    elements = page.locator(f"{_ACTIVE} audio")
    problems = []
    for i in range(elements.count()):
        info = elements.nth(i).evaluate(_AUDIO_METADATA)
        duration = info["duration"]
        if info["error"] or not (isinstance(duration, (int, float)) and 0 < duration < float("inf")):
            what = f"error {info['error']}, duration {duration}"
            problems.append(f"audio element {i + 1} ({info['src']}...): {what}")
    return problems


def save_screenshot(page: Any, folder: Path, name: str) -> Path:
    """A screenshot of the viewport, as a test artifact."""
    path = folder / name
    page.screenshot(path=str(path))
    return path


# --- the tests --------------------------------------------------------------------------------------


@pytest.mark.parametrize("notebook", SOLUTIONS)
def test_solution_notebook_runs_and_its_widgets_respond(
    page: Any, lab_server: Any, artifacts_dir: Path, notebook: str
) -> None:
    """Run All Cells: no errors, every explorer renders, and a keyboard slider step redraws it."""
    from playwright.sync_api import expect

    open_notebook(page, lab_server, f"solutions/{notebook}")
    run_menu(page, "Run All Cells")
    wait_until_settled(page, all_cells=True)
    slug = notebook.removesuffix(".ipynb")

    errors = error_outputs(page)
    assert not errors, f"{notebook}: {len(errors)} cell(s) show an error or stderr output:\n" + (
        "\n---\n".join(errors)
    )
    assert not tracebacks(page), tracebacks(page)

    boxes = explorers(page)
    readme_image: Path | None = None  # the notebook's first explorer
    expected = explorer_count(REPO_ROOT / "solutions" / notebook)
    assert len(boxes) == expected, (
        f"{notebook} creates {expected} explorer(s) but {len(boxes)} rendered in JupyterLab"
    )
    for i, box in enumerate(boxes):
        label = f"{notebook}, explorer {i + 1}"
        readout, plot = box.locator(".qk-readout"), box.locator(".qk-plot")
        expect(readout).not_to_have_text(re.compile(r"^\s*$"))
        expect(plot).to_be_visible()
        assert plot.evaluate("(img) => img.complete && img.naturalWidth > 0"), f"{label}: the figure is empty"
        expect(box.locator(".qk-message")).to_be_hidden()
        handles = box.locator(".widget-slider .noUi-handle")
        assert handles.count() >= 1, f"{label}: no slider rendered"
        for h in range(handles.count()):
            expect(handles.nth(h)).to_be_visible()
        # Before the slider moves: the explorer as a student first sees it (the README image).
        box.screenshot(path=str(artifacts_dir / f"{slug}-explorer-{i + 1}.png"))
        if readme_image is None:
            readme_image = artifacts_dir / f"{slug}-explorer-{i + 1}.png"

        # Move the first slider one step with the keyboard, as a student can.
        handle = handles.first
        before_value = handle.get_attribute("aria-valuenow")
        step_key = (
            "ArrowRight"
            if float(before_value) < float(handle.get_attribute("aria-valuemax"))
            else "ArrowLeft"
        )
        before_readout, before_src = readout.inner_text(), plot.get_attribute("src")
        before_pixels = plot.screenshot()
        handle.focus()
        page.keyboard.press(step_key)
        expect(handle).not_to_have_attribute("aria-valuenow", before_value, timeout=WIDGET_TIMEOUT_MS)
        expect(readout).not_to_have_text(before_readout, timeout=WIDGET_TIMEOUT_MS)
        expect(plot).not_to_have_attribute("src", before_src, timeout=WIDGET_TIMEOUT_MS)
        # The slider's own readout (e.g. "17.5" Hz or "4" bits) must be what the explorer reports.
        shown = box.locator(".widget-slider .widget-readout").first.inner_text().strip()
        assert shown and shown in readout.inner_text(), (
            f"{label}: slider shows {shown!r}, explorer readout says {readout.inner_text()!r}"
        )
        assert plot.screenshot() != before_pixels, f"{label}: the figure looks the same after the move"
        expect(box.locator(".qk-message")).to_be_hidden()
    assert not error_outputs(page), error_outputs(page)
    # Every player (listening tables, the explorers' result and error) holds audio the browser decodes:
    # 16/24-bit PCM and 32-bit float WAV.
    assert not audio_problems(page), f"{notebook}: " + "; ".join(audio_problems(page))

    save_screenshot(page, artifacts_dir, f"{slug}.png")
    if os.environ.get("QUANTKIT_UPDATE_SCREENSHOT") == "1":
        assert readme_image is not None, f"{notebook} has no explorer to show in the README"
        DOCS_IMAGES.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(readme_image, DOCS_IMAGES / f"{slug}.png")


@pytest.mark.parametrize("notebook", STUDENT_NOTEBOOKS)
def test_student_notebook_says_not_implemented_instead_of_tracebacks(
    page: Any, lab_server: Any, artifacts_dir: Path, notebook: str
) -> None:
    """Run everything in the released notebook: each stub says "not implemented yet" in one line.

    Run All Cells stops at the first cell that raises (the kernel drops the queued cells), so after each
    stop the test runs from the next unexecuted cell down, as a student would, until every cell ran.
    """
    from playwright.sync_api import expect

    open_notebook(page, lab_server, f"notebooks/{notebook}")
    run_menu(page, "Run All Cells")
    wait_until_settled(page, all_cells=False)
    code_cells = page.locator(f"{_ACTIVE} .jp-CodeCell")
    for _ in range(code_cells.count()):
        current = prompts(page)
        if "[ ]:" not in current:
            break
        index = current.index("[ ]:")
        code_cells.nth(index).locator(".jp-InputPrompt").click()
        run_menu(page, "Run Selected Cell and All Below")
        expect(code_cells.nth(index).locator(".jp-InputArea-prompt")).not_to_have_text(
            "[ ]:", timeout=KERNEL_TIMEOUT_MS
        )
        wait_until_settled(page, all_cells=False)
    not_run = [i for i, p in enumerate(prompts(page)) if not re.fullmatch(r"\[\d+\]:", p)]
    assert not not_run, f"{notebook}: code cells {not_run} never ran"
    save_screenshot(page, artifacts_dir, f"student-{notebook.removesuffix('.ipynb')}.png")

    walls = tracebacks(page)
    assert not walls, f"{notebook}: {len(walls)} output(s) show a traceback:\n" + "\n---\n".join(walls)
    # Run All goes on past every stub: the self-checks and demo cells say "not implemented yet" in
    # their own output (HTML or one printed line); an error output, if any, must be that one line too.
    said = [text for _mime, text in outputs(page) if NOT_IMPLEMENTED in text]
    assert said, f"{notebook}: no cell reported anything unimplemented; is this the released version?"
    errors = error_outputs(page)
    for text in errors:
        lines = [line for line in text.splitlines() if line.strip()]
        assert len(lines) == 1 and lines[0].startswith(NOT_IMPLEMENTED), (
            f"{notebook}: an error output is not the one-line {NOT_IMPLEMENTED!r} message:\n{text}"
        )
    # Explorers built on a stub show the message in place of their figure.
    for i, box in enumerate(explorers(page)):
        message, plot = box.locator(".qk-message"), box.locator(".qk-plot")
        if message.is_visible():
            expect(message).to_contain_text(NOT_IMPLEMENTED)
            expect(plot).to_be_hidden()
        else:
            assert plot.is_visible(), f"{notebook}: explorer {i + 1} shows neither a figure nor a message"


def test_nbgrader_extension_is_loaded(page: Any, lab_server: Any) -> None:
    """The @jupyter/nbgrader lab extension adds a Validate button to notebooks and an Nbgrader menu."""
    from playwright.sync_api import expect

    open_notebook(page, lab_server, f"notebooks/{STUDENT_NOTEBOOKS[0]}")
    validate = page.locator(f"{_ACTIVE} .jp-Toolbar-item", has_text=re.compile(r"^\s*Validate\s*$"))
    expect(validate).to_be_visible()
    expect(page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Nbgrader$"))).to_be_visible()
