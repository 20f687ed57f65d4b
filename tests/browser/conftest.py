"""Fixtures for the end-to-end browser tests: one JupyterLab server and one Chromium for the module.

The server runs from the project's environment (``sys.executable -m jupyter lab``) on a temporary copy of
``solutions/`` and ``notebooks/``, on 127.0.0.1 with a random token, and is stopped by its process id at
the end. Its Jupyter, IPython, matplotlib and JupyterLab settings/workspace folders are in a temporary
folder too (tests/conftest.py already points JUPYTER_* and friends at one; the lab settings are added
here), so nothing is written into $HOME.

The browser is Debian's Chromium (``/usr/bin/chromium``, or ``QUANTKIT_CHROMIUM``) driven by Playwright;
Playwright's own browser download is never used. Without Chromium or Playwright the tests are skipped
with a message saying how to install them, except when ``QUANTKIT_REQUIRE_BROWSER=1`` or ``CI=true``
(CI sets both): then they fail.

Screenshots: one per notebook and one per explorer widget, in a temporary artifact folder
(``browser-screenshots0`` under pytest's base temporary folder, which pytest prunes after a few runs;
set ``QUANTKIT_BROWSER_ARTIFACTS`` to a folder to keep them, e.g. for CI to upload). With
``QUANTKIT_UPDATE_SCREENSHOT=1`` the quantizer explorer of notebook 01 is also written to
``docs/images/01_sampling_quantization.png`` for the README.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
DEFAULT_CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
VIEWPORT = {"width": 1280, "height": 800}
SERVER_START_TIMEOUT = 300.0  # seconds; a cold JupyterLab start takes ~5 s on an idle machine
UI_TIMEOUT_MS = 60_000  # default wait for an element or a clickable menu (generous: CI may be busy)
INSTALL_HINT = (
    "install Debian's Chromium (`sudo apt-get install chromium`, as .ci/run does) or point "
    "QUANTKIT_CHROMIUM at a Chromium binary, and Playwright's Python package with "
    "`pip install -e '.[test]'` (never `playwright install`: its browser download is not used)"
)


def browser_required() -> bool:
    """True when a missing browser must fail the tests instead of skipping them (CI)."""
    return os.environ.get("QUANTKIT_REQUIRE_BROWSER") == "1" or os.environ.get("CI", "").lower() == "true"


def chromium_path() -> str:
    """The Chromium binary to drive: ``QUANTKIT_CHROMIUM`` or ``/usr/bin/chromium``."""
    return os.environ.get("QUANTKIT_CHROMIUM") or DEFAULT_CHROMIUM


def _missing(what: str) -> None:
    """Skip (outside CI) or fail (in CI) because ``what`` is missing."""
    message = f"browser tests need {what}: {INSTALL_HINT}"
    if browser_required():
        pytest.fail(message + " (QUANTKIT_REQUIRE_BROWSER=1 or CI=true: not skipping)", pytrace=False)
    pytest.skip(message)


@pytest.fixture(scope="module")
def chromium() -> str:
    """The path of a runnable Chromium, after checking Playwright imports (skip or fail otherwise)."""
    path = chromium_path()
    if not (os.path.isfile(path) and os.access(path, os.X_OK)):
        _missing(f"Chromium, not found at {path}")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        _missing("the `playwright` Python package, which is not installed")
    return path


@dataclass(frozen=True)
class LabServer:
    """A running JupyterLab: where it serves, its token, the folder it serves, its log."""

    base_url: str
    token: str
    root_dir: Path
    log_path: Path

    def url(self, notebook: str) -> str:
        """The URL that opens ``notebook`` (relative to the root) in a fresh, reset workspace."""
        return f"{self.base_url}/lab/tree/{notebook}?reset&token={self.token}"

    def log_tail(self, chars: int = 3000) -> str:
        """The end of the server's log, for failure messages."""
        try:
            return self.log_path.read_text(encoding="utf-8", errors="replace")[-chars:]
        except OSError:
            return "(no server log)"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _write_lab_settings(settings_dir: Path) -> None:
    """User settings that keep the page predictable: no news pop-up, every cell in the DOM."""
    settings = {
        # The "get notified about Jupyter news?" toast would cover the notebook.
        "@jupyterlab/apputils-extension/notification": {"fetchNews": "false", "checkForUpdates": False},
        # No virtual scrolling: every cell and output stays in the DOM, so the test can see them all.
        "@jupyterlab/notebook-extension/tracker": {"windowingMode": "none"},
    }
    for plugin_id, values in settings.items():
        package, plugin = plugin_id.rsplit("/", 1)
        path = settings_dir / package / f"{plugin}.jupyterlab-settings"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values), encoding="utf-8")


def _stop(proc: subprocess.Popen[Any]) -> None:
    """Stop the server by its pid: terminate, wait, then kill if it does not go."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=20)


@pytest.fixture(scope="module")
def lab_server(chromium: str) -> Iterator[LabServer]:
    """One JupyterLab for the module, on a temporary copy of solutions/ and notebooks/."""
    base = Path(tempfile.mkdtemp(prefix="quantkit-browser-"))
    root_dir = base / "course"
    for folder in ("solutions", "notebooks"):
        shutil.copytree(REPO_ROOT / folder, root_dir / folder, ignore=shutil.ignore_patterns(".*"))
    env = dict(os.environ)
    for var, sub in {
        "JUPYTER_CONFIG_DIR": "jupyter-config",
        "JUPYTER_DATA_DIR": "jupyter-data",
        "JUPYTER_RUNTIME_DIR": "jupyter-runtime",
        "IPYTHONDIR": "ipython",
        "MPLCONFIGDIR": "matplotlib",
        "JUPYTERLAB_SETTINGS_DIR": "lab-settings",
        "JUPYTERLAB_WORKSPACES_DIR": "lab-workspaces",
    }.items():
        (base / sub).mkdir()
        env[var] = str(base / sub)
    # tests/conftest.py sets MPLBACKEND=Agg for the test process; a student's kernel uses the inline
    # backend, so the kernels started here must not inherit it (plt figures would not be shown).
    env.pop("MPLBACKEND", None)
    env.pop("QUANTKIT_GRADING", None)
    _write_lab_settings(base / "lab-settings")
    token = secrets.token_hex(24)
    port = _free_port()
    log_path = base / "jupyterlab.log"
    command = [
        sys.executable, "-m", "jupyter", "lab",
        "--no-browser",
        f"--ServerApp.token={token}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.open_browser=False",
        "--LabApp.news_url=None",
    ]  # fmt: skip
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # containers and CI machines run as root
    server = LabServer(f"http://127.0.0.1:{port}", token, root_dir, log_path)
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            command, cwd=root_dir, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        _wait_until_ready(server, proc)
        yield server
    finally:
        _stop(proc)
        shutil.rmtree(base, ignore_errors=True)


def _wait_until_ready(server: LabServer, proc: subprocess.Popen[Any]) -> None:
    """Poll ``/api/status`` until the server answers; fail with its log if it dies or never answers."""
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    status_url = f"{server.base_url}/api/status?token={server.token}"
    while True:
        if proc.poll() is not None:
            pytest.fail(f"JupyterLab exited with code {proc.returncode}:\n{server.log_tail()}", pytrace=False)
        try:
            with urllib.request.urlopen(status_url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            pytest.fail(
                f"JupyterLab did not answer {server.base_url}/api/status within "
                f"{SERVER_START_TIMEOUT:.0f} s:\n{server.log_tail()}",
                pytrace=False,
            )
        time.sleep(0.5)


@pytest.fixture(scope="module")
def browser(chromium: str) -> Iterator[Any]:
    """Debian's Chromium, headless, driven by Playwright (one for the module)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser: Any, lab_server: LabServer) -> Iterator[Any]:
    """A fresh browser page (own context) at a 1280x800 viewport."""
    from playwright.sync_api import expect

    context = browser.new_context(viewport=VIEWPORT)
    # Widgets render after their output arrives; on a busy machine that can take a while.
    context.set_default_timeout(UI_TIMEOUT_MS)
    expect.set_options(timeout=UI_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


@pytest.fixture(scope="module")
def artifacts_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the per-notebook screenshots go: ``QUANTKIT_BROWSER_ARTIFACTS`` or a temporary folder."""
    chosen = os.environ.get("QUANTKIT_BROWSER_ARTIFACTS")
    folder = Path(chosen) if chosen else tmp_path_factory.mktemp("browser-screenshots")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
