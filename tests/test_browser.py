"""A real browser on real JupyterLab: notebook 00 runs, renders its widgets, and a click lands in the case.

JupyterLab listens on loopback only; Playwright drives Debian's Chromium (``/usr/bin/chromium``), never a
downloaded browser. The kernel inherits the offline switches, and Chromium runs with its background networking
off, so nothing leaves the machine.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
NOTEBOOK = "00-quickstart.ipynb"
CASE_REL = Path("out") / "00-quickstart.sqlite"  # the notebook's default CASE parameter, relative to notebooks/
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
RUN_ALL_TIMEOUT_MS = 420_000  # the kernel loads torch and the model on 2 shared cores

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _jupyter() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter"]


@pytest.fixture
def lab(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """JupyterLab on loopback over a clean copy of notebooks/ (and seeds/ beside it); yields (url, notebooks dir)."""
    work = tmp_path / "repo"
    nb_dir = work / "notebooks"
    shutil.copytree(
        ROOT / "notebooks", nb_dir, ignore=shutil.ignore_patterns("out", ".ipynb_checkpoints", "__pycache__")
    )
    shutil.copytree(ROOT / "seeds", work / "seeds")
    # Render every cell eagerly: JupyterLab 4 otherwise virtualises long notebooks and off-screen outputs
    # (the map, the panel) would not be in the DOM to check.
    settings = tmp_path / "lab-settings"
    tracker = settings / "@jupyterlab" / "notebook-extension" / "tracker.jupyterlab-settings"
    tracker.parent.mkdir(parents=True)
    tracker.write_text(json.dumps({"windowingMode": "none"}))
    # No news or update checks: they are the only network calls JupyterLab itself would make.
    announcements = settings / "@jupyterlab" / "apputils-extension" / "notification.jupyterlab-settings"
    announcements.parent.mkdir(parents=True)
    announcements.write_text(json.dumps({"fetchNews": "false", "checkForUpdates": False}))

    token = secrets.token_hex(16)
    port = _free_port()
    env = {
        **os.environ,
        "OSINTKIT_OFFLINE": "1",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "JUPYTER_CONFIG_DIR": str(tmp_path / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp_path / "jupyter-runtime"),
        "MPLBACKEND": "Agg",
    }
    log = (tmp_path / "jupyterlab.log").open("wb")
    cmd = [
        *_jupyter(),
        "lab",
        "--no-browser",
        f"--IdentityProvider.token={token}",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--ServerApp.root_dir={nb_dir}",
        f"--LabApp.user_settings_dir={settings}",
        f"--LabApp.workspaces_dir={tmp_path / 'lab-workspaces'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",
        "--LabApp.expose_app_in_browser=True",  # the default 'pypi' manager would query PyPI
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, cwd=nb_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"JupyterLab exited early:\n{(tmp_path / 'jupyterlab.log').read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("JupyterLab did not start within 120 s")
            time.sleep(1)
        yield f"{base}/lab/tree/{NOTEBOOK}?token={token}", nb_dir
    finally:
        proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


def _code_cells(path: Path) -> int:
    return sum(1 for c in json.loads(path.read_text(encoding="utf-8"))["cells"] if c["cell_type"] == "code")


def _run_all(page: Any) -> None:
    """Run → Run All Cells, through the menu as a user would (the command palette if the menu misbehaves)."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).first.click()
    item = page.locator('.lm-Menu li.lm-Menu-item[data-command="runmenu:run-all"]').first
    item.wait_for(state="visible")
    item.click()
    try:
        page.wait_for_function(_ANY_PROMPT_STARTED, timeout=30_000)
    except Exception:
        # Fallback: the app object exposed by --LabApp.expose_app_in_browser runs the same command.
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(_ANY_PROMPT_STARTED, timeout=30_000)


_ANY_PROMPT_STARTED = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))"""


def test_quickstart_runs_in_jupyterlab_and_the_panel_saves(lab: tuple[str, Path], tmp_path: Path) -> None:
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium; .ci/run does)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    url, nb_dir = lab
    shot = tmp_path / "browser-screenshot.png"
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1600})
            page.set_default_timeout(120_000)
            page.goto(url)
            page.wait_for_selector(".jp-Notebook .jp-Cell")
            # Wait for the kernel to be idle before running: a run queued during start-up can be dropped.
            page.wait_for_function(
                "() => { const s = document.querySelector('.jp-Notebook-ExecutionIndicator');"
                " return s && s.getAttribute('data-status') === 'idle'; }",
                timeout=120_000,
            )
            # Every cell must be in the DOM before running (see windowingMode above).
            n_code = _code_cells(nb_dir / NOTEBOOK)
            page.wait_for_function(
                "(n) => document.querySelectorAll('.jp-Notebook .jp-CodeCell').length === n", arg=n_code
            )
            _run_all(page)
            # Done when every code cell shows an execution number and none is queued or running ([*]).
            page.wait_for_function(
                """(n) => {
                    if (document.querySelector('[data-mime-type="application/vnd.jupyter.error"]')) return true;
                    const p = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
                    return p.length === n && p.every(e => /\\[\\d+\\]/.test(e.textContent));
                }""",
                arg=n_code,
                timeout=RUN_ALL_TIMEOUT_MS,
            )
            errors = page.locator('[data-mime-type="application/vnd.jupyter.error"]')
            assert errors.count() == 0, errors.first.inner_text()[:3000]

            # Entity highlights (displaCy-style marks), the offline map, and the annotation panel rendered.
            page.wait_for_selector(".jp-OutputArea-output mark.entity", timeout=60_000)
            assert page.locator(".jp-OutputArea-output mark.entity").count() >= 5
            leaflet = page.locator(".jp-OutputArea-output .leaflet-container").first
            leaflet.wait_for(state="visible", timeout=60_000)
            assert page.locator(".leaflet-marker-icon, path.leaflet-interactive").count() >= 1
            leaflet.evaluate("e => e.scrollIntoView({block: 'center'})")
            page.screenshot(path=str(tmp_path / "browser-map.png"))
            panel = page.locator(".widget-vbox", has_text="osintkit annotation panel").first
            panel.wait_for(state="visible", timeout=60_000)
            assert page.get_by_text("Loading widget").count() == 0
            accept = panel.locator("button", has_text="Accept").first
            accept.scroll_into_view_if_needed()
            accept.click()
            panel.get_by_text("Accepted").first.wait_for(timeout=60_000)

            panel.scroll_into_view_if_needed()
            page.screenshot(path=str(shot))
            panel.screenshot(path=str(tmp_path / "browser-panel.png"))
        except Exception:
            page.screenshot(path=str(tmp_path / "browser-failure.png"))
            raise
        finally:
            browser.close()

    assert shot.stat().st_size > 10_000
    (ROOT / "out").mkdir(exist_ok=True)
    shutil.copyfile(shot, ROOT / "out" / "browser-screenshot.png")
    for extra in ("browser-panel.png", "browser-map.png"):
        shutil.copyfile(tmp_path / extra, ROOT / "out" / extra)

    # The click went through the kernel into the case file, and into its custody log.
    db = sqlite3.connect(nb_dir / CASE_REL)
    try:
        accepted = db.execute("SELECT count(*) FROM mentions WHERE status = 'accepted'").fetchone()[0]
        logged = db.execute("SELECT count(*) FROM custody WHERE action = 'mention-accepted'").fetchone()[0]
    finally:
        db.close()
    assert accepted == 1
    assert logged == 1
