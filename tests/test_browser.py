"""A real browser on real JupyterLab: every curated notebook runs with Run All, without an error output.

One JupyterLab server on loopback serves a temporary copy of ``notebooks/`` (and ``seeds/`` beside it) for the
whole module; Playwright drives Debian's Chromium (``/usr/bin/chromium``), never a downloaded browser. Each
notebook opens in its own JupyterLab workspace, runs through Run → Run All Cells, is checked for error outputs
and widgets left unrendered, and is photographed whole into ``out/screenshots/NN-name.png``; its kernel is then
shut down, so notebooks run one after another and never compete for the two CI cores. On top of that:

* notebook 00: entity highlights, the offline map and the annotation panel render, and an Accept click lands in
  the case file and its custody log;
* notebook 05: Run All reveals nothing; a reveal before an answer is refused; an answer given blind through the
  form is saved to the learner's file and its reveal shows the key's reasoning and the evidence trail; the
  trainer's class summary renders its table and chart; a reset clears the learner's answers.

The kernels inherit the offline switches and Chromium runs with its background networking off, so nothing
leaves the machine. Checks are on behaviour (error outputs, widgets, files written), not on the notebooks' text,
which changes as the notebooks are edited.
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
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = Path("/usr/bin/chromium")
NB_SRC = ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in NB_SRC.glob("[0-9][0-9]-*.ipynb"))
SHOTS = ROOT / "out" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
    # Any host but loopback fails to resolve: a notebook that fetches tiles or fonts is caught below, not served.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
VIEWPORT = {"width": 1280, "height": 900}
MAX_SHOT_HEIGHT = 16_000  # Chromium's largest capture; a longer notebook is cut there
RUN_ALL_TIMEOUT_MS = 420_000  # a kernel loads torch and the model on 2 shared cores
WIDGET_TIMEOUT_MS = 60_000

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.timeout(900)]


# -- the server -----------------------------------------------------------------------------------------------------


@dataclass
class Lab:
    base: str
    token: str
    nb_dir: Path
    log: Path

    def url(self, notebook: str) -> str:
        # A workspace per notebook: the default one would reopen (and restart kernels for) earlier notebooks.
        return f"{self.base}/lab/workspaces/nb{notebook[:2]}/tree/{notebook}?token={self.token}"

    def api(self, method: str, path: str) -> Any:
        req = urllib.request.Request(
            f"{self.base}{path}", method=method, headers={"Authorization": f"token {self.token}"}
        )
        with urllib.request.urlopen(req, timeout=30) as resp:
            body = resp.read()
        return json.loads(body) if body else None

    def notebook(self, name: str) -> dict[str, Any]:
        """The notebook as the server reads it (through jupytext's pairing, where that is on), not the raw file."""
        return dict(self.api("GET", f"/api/contents/{name}?type=notebook&content=1")["content"])

    def shut_down_kernels(self) -> None:
        """End every session, so the next notebook has the cores (and memory) to itself."""
        for s in self.api("GET", "/api/sessions"):
            self.api("DELETE", f"/api/sessions/{s['id']}")

    def log_tail(self, n: int = 3000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-n:]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _jupyter() -> list[str]:
    exe = Path(sys.executable).with_name("jupyter")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "jupyter"]


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    """JupyterLab on loopback over a clean copy of notebooks/ (and seeds/ beside it), for the whole module."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} not found: install Debian's chromium (apt-get install chromium; .ci/run does)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed")
    tmp = tmp_path_factory.mktemp("browser")
    work = tmp / "repo"
    nb_dir = work / "notebooks"
    shutil.copytree(NB_SRC, nb_dir, ignore=shutil.ignore_patterns("out", ".ipynb_checkpoints", "__pycache__"))
    shutil.copytree(ROOT / "seeds", work / "seeds")
    # Render every cell eagerly: JupyterLab 4 otherwise virtualises long notebooks and off-screen outputs
    # (the map, the panel) would not be in the DOM to check or to photograph.
    settings = tmp / "lab-settings"
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
        "JUPYTER_CONFIG_DIR": str(tmp / "jupyter-config"),
        "JUPYTER_RUNTIME_DIR": str(tmp / "jupyter-runtime"),
    }
    # Left unset, ipykernel picks the inline backend, so charts render as a user sees them in JupyterLab.
    env.pop("MPLBACKEND", None)
    log_path = tmp / "jupyterlab.log"
    log = log_path.open("wb")
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
        f"--LabApp.workspaces_dir={tmp / 'lab-workspaces'}",
        "--LabApp.news_url=",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
        "--LabApp.extension_manager=readonly",  # the default 'pypi' manager would query PyPI
        "--LabApp.expose_app_in_browser=True",  # window.jupyterapp: the notebook model, for error outputs
    ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:  # CI containers run as root
        cmd.append("--allow-root")
    proc = subprocess.Popen(cmd, cwd=nb_dir, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                raise AssertionError(f"JupyterLab exited early:\n{log_path.read_text()[-3000:]}")
            try:
                with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=5) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                raise AssertionError("JupyterLab did not start within 120 s")
            time.sleep(1)
        yield Lab(base, token, nb_dir, log_path)
    finally:
        proc.send_signal(signal.SIGTERM)  # the server shuts its kernels down on SIGTERM
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=10)
        log.close()


@pytest.fixture(scope="module")
def browser(lab: Lab) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    pw = sync_playwright().start()
    try:
        chromium = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            yield chromium
        finally:
            chromium.close()
    finally:
        pw.stop()


@dataclass
class Timing:
    run: float = float("nan")  # seconds from Run All until the kernel is idle again
    whole: float = float("nan")  # seconds for the notebook's whole test, checks and screenshots included
    stderr: tuple[str, ...] = ()  # first lines of stderr outputs (warnings): reported, never failed on


@pytest.fixture(scope="module")
def timings(request: pytest.FixtureRequest) -> Iterator[dict[str, Timing]]:
    """Filled by each notebook's test; printed (and written to out/screenshots/timings.txt) when the module ends."""
    table: dict[str, Timing] = {}
    yield table
    if not table:
        return
    lines = ["", "browser test, per notebook: Run All until idle / whole test"]
    for stem, t in table.items():
        lines.append(f"  {stem:<36} {t.run:7.1f} s {t.whole:7.1f} s")
        lines += [f"      stderr: {line}" for line in dict.fromkeys(t.stderr)]
    runs, wholes = sum(t.run for t in table.values()), sum(t.whole for t in table.values())
    lines.append(f"  {'total':<36} {runs:7.1f} s {wholes:7.1f} s")
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "timings.txt").write_text("\n".join(lines[1:]) + "\n", encoding="utf-8")
    capture = request.config.pluginmanager.getplugin("capturemanager")
    if capture is not None:  # the table is for the log of every run, passing or not
        with capture.global_and_fixture_disabled():
            print("\n".join(lines))
    else:  # pragma: no cover - run with -p no:capture
        print("\n".join(lines))


# -- driving a notebook ---------------------------------------------------------------------------------------------


_CODE_CELLS_IN_DOM = "(n) => document.querySelectorAll('.jp-Notebook .jp-CodeCell').length === n"
# The toolbar's indicator says idle before any kernel exists; a Run All then asks the user to pick one. The session
# itself tells when the notebook's kernel is up and connected.
_KERNEL_IDLE = """() => { const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = panel && panel.sessionContext && panel.sessionContext.session
        && panel.sessionContext.session.kernel;
    return !!kernel && kernel.connectionStatus === 'connected' && kernel.status === 'idle'; }"""
_ANY_PROMPT_STARTED = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .some(e => /\\[(\\*|\\d+)\\]/.test(e.textContent))"""
# Run All is over when no cell is queued or running ([*]) and the kernel is idle. JupyterLab marks every queued
# cell [*] at once, and clears the queue after an error, so this holds between cells only at the end.
_RUN_ALL_OVER = f"""() => {{
    const p = [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')];
    return !p.some(e => /\\[\\*\\]/.test(e.textContent)) && ({_KERNEL_IDLE})();
}}"""
# Error outputs, two ways. JupyterLab 4 renders an `error` output through its stderr renderer (the bundle carries
# both application/vnd.jupyter.error and .stderr; the stderr one is drawn), so the DOM alone cannot tell an error
# from a warning: the notebook model can. The DOM adds tracebacks printed to stderr by code that caught them, and
# renderer failures (a widget that could not be displayed, a JavaScript error in a renderer).
_ERRORS = """() => {
    const found = [];
    const panel = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const model = panel && panel.content && panel.content.model;
    if (model) {
        for (let i = 0; i < model.cells.length; i++) {
            const cell = model.cells.get(i);
            if (cell.type !== 'code') continue;
            for (let j = 0; j < cell.outputs.length; j++) {
                const o = cell.outputs.get(j).toJSON();
                if (o.output_type === 'error') {
                    const tb = (o.traceback || []).join('\\n').replace(/\\u001b\\[[0-9;]*m/g, '');
                    found.push({cell: i, kind: 'error', text: `${o.ename}: ${o.evalue}`, detail: tb.slice(-2500)});
                }
            }
        }
    }
    document.querySelectorAll('.jp-Notebook .jp-Cell').forEach((cell, i) => {
        cell.querySelectorAll('.jp-OutputArea-output').forEach(out => {
            const t = out.textContent || '';
            const stderr = out.getAttribute('data-mime-type') === 'application/vnd.jupyter.stderr';
            const last = t.trim().split('\\n').slice(-1)[0];
            const known = found.some(f => f.cell === i && f.kind === 'error' && f.text === last.trim());
            if (known) return;  // the model's error output, drawn by the stderr renderer
            if (stderr && /Traceback \\(most recent call last\\)|^\\s*[A-Za-z_.]*(Error|Exception)\\b.*:/m.test(t)) {
                const named = t.split('\\n').filter(line => /^\\s*[A-Za-z_.]*(Error|Exception)\\b.*:/.test(line));
                found.push({cell: i, kind: 'stderr', text: (named.pop() || last).trim(), detail: t.slice(-2500)});
            } else if (/Error displaying widget|Javascript Error/.test(t)) {
                found.push({cell: i, kind: 'render', text: t.trim().slice(0, 300), detail: ''});
            }
        });
    });
    return found;
}"""
_STDERR = """() => [...document.querySelectorAll(
    '.jp-Notebook .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]')]
    .map(e => e.textContent || '').filter(t => !/Traceback/.test(t))
    .map(t => (t.split('\\n').find(line => /\\w/.test(line)) || '').trim().slice(0, 160))"""
_NUMBERED = """() => [...document.querySelectorAll('.jp-Notebook .jp-CodeCell .jp-InputPrompt')]
    .filter(e => /\\[\\d+\\]/.test(e.textContent)).length"""
_WIDGETS_PENDING = """() => [...document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')]
    .filter(e => /Loading widget/.test(e.textContent || '')).length"""


def _code_cells(notebook: dict[str, Any]) -> int:
    return sum(1 for c in notebook["cells"] if c["cell_type"] == "code")


def _open(page: Any, lab: Lab, name: str) -> None:
    page.goto(lab.url(name))
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    # A run queued while the kernel starts can be dropped: wait for it to be idle first.
    page.wait_for_function(_KERNEL_IDLE, timeout=120_000)
    page.wait_for_function(_CODE_CELLS_IN_DOM, arg=_code_cells(lab.notebook(name)))
    # The file browser only narrows the notebook in the screenshots.
    page.evaluate("() => window.jupyterapp && window.jupyterapp.shell.collapseLeft()")


def _run_all(page: Any) -> float:
    """Run → Run All Cells through the menu, as a user would; returns the seconds until the kernel is idle again."""
    started = time.monotonic()
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(r"^Run$")).first.click()
    item = page.locator('.lm-Menu li.lm-Menu-item[data-command="runmenu:run-all"]').first
    item.wait_for(state="visible")
    item.click()
    try:
        page.wait_for_function(_ANY_PROMPT_STARTED, timeout=30_000)
    except Exception:
        dialog = page.locator(".jp-Dialog")
        if dialog.count():  # a question to the user (no kernel, say): fail with it, not behind it
            raise AssertionError(f"Run All opened a dialog: {_norm(dialog.first.inner_text())}") from None
        # The menu misbehaved: the app object exposed by --LabApp.expose_app_in_browser runs the same command.
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")
        page.wait_for_function(_ANY_PROMPT_STARTED, timeout=30_000)
    page.wait_for_function(_RUN_ALL_OVER, timeout=RUN_ALL_TIMEOUT_MS, polling=500)
    return time.monotonic() - started


def _error_report(errors: list[dict[str, Any]]) -> str:
    return "\n".join(f"cell {e['cell']} ({e['kind']}): {e['text']}\n{e['detail']}" for e in errors)


def _wait_widgets(page: Any) -> None:
    try:
        page.wait_for_function(f"() => ({_WIDGETS_PENDING})() === 0", timeout=WIDGET_TIMEOUT_MS)
    except Exception as exc:
        raise AssertionError(f"{page.evaluate(_WIDGETS_PENDING)} widget(s) still 'Loading widget...'") from exc


def _screenshot(page: Any, path: Path) -> None:
    """The whole notebook: the viewport grows to the notebook's height for one capture, then shrinks back."""
    height = page.evaluate(
        """() => { const o = document.querySelector('.jp-NotebookPanel .jp-WindowedPanel-outer')
                       || document.querySelector('.jp-NotebookPanel .jp-Notebook');
                   o.scrollTop = 0;
                   // To the last cell's bottom: JupyterLab pads the notebook to scroll past its end.
                   const cells = o.querySelectorAll('.jp-Cell');
                   const last = cells.length ? cells[cells.length - 1].getBoundingClientRect().bottom : 0;
                   const content = last ? last - o.getBoundingClientRect().top + 40 : o.scrollHeight;
                   return content + (window.innerHeight - o.clientHeight); }"""
    )
    page.set_viewport_size({"width": VIEWPORT["width"], "height": int(min(max(height, 600), MAX_SHOT_HEIGHT))})
    try:
        page.wait_for_timeout(700)  # leaflet and the widgets lay themselves out again at the new size
        path.parent.mkdir(parents=True, exist_ok=True)
        page.locator(".jp-NotebookPanel").first.screenshot(path=str(path), animations="disabled", caret="hide")
    finally:
        page.set_viewport_size(VIEWPORT)
    _shrink_png(path)


def _shrink_png(path: Path) -> None:
    """256 colours, no dithering: a notebook is text and flat colour, and the file is a third of the size."""
    from PIL import Image

    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=256, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def _parameter(notebook: dict[str, Any], name: str) -> str:
    """A string parameter from the notebook's ``parameters`` cell (where the notebook writes its files)."""
    for cell in notebook["cells"]:
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"] if isinstance(cell["source"], str) else "".join(cell["source"])
            m = re.search(rf"^{name}\s*=\s*[\"']([^\"']+)[\"']", source, re.MULTILINE)
            if m:
                return m.group(1)
    raise AssertionError(f"no string parameter {name} in the notebook's parameters cell")


def _wait_for(predicate: Callable[[], Any], what: str, timeout: float = 60.0) -> Any:
    """Poll ``predicate`` (a file the kernel writes, a row in the case) until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.5)


def _is_remote(url: str) -> bool:
    parts = urllib.parse.urlsplit(url)
    return parts.scheme in ("http", "https", "ws", "wss") and parts.hostname not in ("127.0.0.1", "localhost", "::1")


def _norm(text: str) -> str:
    return " ".join(text.split())


# -- notebook 00: widgets render and a click lands in the case -------------------------------------------------------


def _custody_counts(db_path: Path) -> tuple[int, int]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    try:
        accepted = db.execute("SELECT count(*) FROM mentions WHERE status = 'accepted'").fetchone()[0]
        logged = db.execute("SELECT count(*) FROM custody WHERE action = 'mention-accepted'").fetchone()[0]
    finally:
        db.close()
    return int(accepted), int(logged)


def _check_quickstart(page: Any, lab: Lab, name: str) -> None:
    # Entity highlights (displaCy-style marks), the offline map, and the annotation panel rendered.
    page.wait_for_selector(".jp-OutputArea-output mark.entity", timeout=WIDGET_TIMEOUT_MS)
    assert page.locator(".jp-OutputArea-output mark.entity").count() >= 5
    leaflet = page.locator(".jp-OutputArea-output .leaflet-container").first
    leaflet.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
    assert page.locator(".leaflet-container .leaflet-marker-icon, .leaflet-container path.leaflet-interactive").count()
    accept = page.locator(".jp-OutputArea-output button", has_text=re.compile(r"^\s*Accept\s*$")).first
    accept.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
    # The panel: the outermost box around that button (its feedback may sit outside the button's own row).
    panel = (
        page.locator(".jp-OutputArea-output .widget-vbox")
        .filter(has=page.locator("button", has_text=re.compile(r"^\s*Accept\s*$")))
        .first
    )

    case = lab.nb_dir / _parameter(lab.notebook(name), "CASE")
    before = _custody_counts(case)
    accept.scroll_into_view_if_needed()
    accept.click()
    # The click went through the kernel into the case file, and into its custody log.
    after = _wait_for(
        lambda: (c := _custody_counts(case))[0] > before[0] and c[1] > before[1] and c,
        "the Accept click to reach the case and its custody log",
    )
    assert after[1] - before[1] == after[0] - before[0] == 1, f"one click, one accepted mention: {before} -> {after}"
    # ... and the panel says so.
    panel.get_by_text(re.compile("accepted", re.IGNORECASE)).first.wait_for(timeout=WIDGET_TIMEOUT_MS)
    panel.scroll_into_view_if_needed()
    panel.screenshot(path=str(SHOTS / f"{name.removesuffix('.ipynb')}-panel.png"), animations="disabled")


# -- notebook 05: the exercise, blind, then revealed, then the class summary ----------------------------------------


def _json_files(folder: Path, fmt: str) -> list[tuple[Path, dict[str, Any]]]:
    found = []
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue  # a file the kernel is replacing right now, or not ours
        if isinstance(data, dict) and str(data.get("format", "")).startswith(fmt):
            found.append((path, data))
    return found


def _outputs_text(page: Any) -> str:
    return _norm(" ".join(page.locator(".jp-Notebook .jp-OutputArea-output").all_inner_texts()))


_REVEALED = re.compile(r"key says|\bcorrect\s*:|not quite|\bscore\b\s*:?\s*\d+\s*/\s*\d+", re.IGNORECASE)


def _check_exercise(page: Any, lab: Lab, name: str) -> None:
    out = lab.nb_dir / "out"
    exercises = _json_files(out, "osintkit-exercise/")
    keys = _json_files(out, "osintkit-exercise-key/")
    assert len(exercises) == 1 and len(keys) == 1, f"Run All writes one exercise and one key: {exercises}, {keys}"
    items = exercises[0][1]["items"]
    key = keys[0][1]["items"]
    assert _json_files(out, "osintkit-exercise-answers/") == [], "Run All answered on the learner's behalf"

    # Run All reveals nothing: no verdict or score, and none of the key's reasoning.
    shown = _outputs_text(page)
    assert not _REVEALED.search(shown), f"Run All reveals: {_REVEALED.search(shown)}"
    for item_id, entry in key.items():
        why = _norm(entry.get("why", ""))[:60]
        assert not why or why not in shown, f"Run All shows the key's reasoning for {item_id}"

    # The form: one row per item, each with a grade list, a save and a reveal button.
    rows = page.locator(".jp-OutputArea-output .widget-vbox:has(select):not(:has(.widget-vbox))").filter(
        has=page.locator("button", has_text=re.compile("reveal", re.IGNORECASE))
    )
    rows.first.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
    assert rows.count() == len(items), f"{rows.count()} rows in the form for {len(items)} items"
    row = rows.first
    first = items[0]
    why = _norm(key[first["id"]]["why"])[:60]
    reveal = row.locator("button", has_text=re.compile("reveal", re.IGNORECASE)).first
    save = row.locator("button", has_text=re.compile(r"save|submit|answer", re.IGNORECASE)).first
    row.scroll_into_view_if_needed()

    # A reveal before an answer is refused: the button is off, or pressing it says why; nothing is shown.
    before = _norm(row.inner_text())
    if reveal.is_enabled():
        reveal.click()
        _wait_for(lambda: _norm(row.inner_text()) != before, "a refusal message in the row", timeout=20)
    else:
        reveal.click(force=True)  # a disabled button swallows the click, as it does for a user
        page.wait_for_timeout(1000)
    refused = _norm(row.inner_text())
    assert not _REVEALED.search(refused) and why not in refused, f"revealed before an answer: {refused}"
    assert _json_files(out, "osintkit-exercise-answers/") == [], "a refused reveal wrote an answer"

    # Answer blind through the widget: the second grade on the list (the first is the placeholder).
    grade_list = row.locator("select").first
    labels = grade_list.locator("option").all_inner_texts()
    grades = [(i, m.group(1)) for i, t in enumerate(labels) if (m := re.match(r"\s*([A-F1-6])\b", t))]
    assert len(grades) >= 6, f"the grade list offers {labels}"
    index, grade = grades[1]
    grade_list.select_option(index=index)
    save.click()
    path, answers = _wait_for(
        lambda: next(
            (
                (p, d)
                for p, d in _json_files(out, "osintkit-exercise-answers/")
                if (d.get("answers") or {}).get(first["id"], {}).get("grade") == grade
            ),
            None,
        ),
        f"the learner's answers file to hold {first['id']} = {grade}",
    )
    assert answers.get("learner"), f"{path}: the answers file names no learner"

    # Now the reveal shows the key's reasoning and the evidence trail the kit found.
    _wait_for(reveal.is_enabled, "the reveal button to allow a reveal after the answer", timeout=20)
    reveal.click()
    _wait_for(lambda: why in _norm(row.inner_text()), "the reveal to show the key's reasoning")
    revealed = _norm(row.inner_text())
    assert re.search(r"origin", revealed, re.IGNORECASE), f"the reveal shows no evidence trail: {revealed}"
    assert re.search(rf"\b{grade}\b", revealed), f"the reveal does not repeat the answer {grade}: {revealed}"
    row.screenshot(path=str(SHOTS / f"{name.removesuffix('.ipynb')}-revealed.png"), animations="disabled")

    # The trainer's class summary: SHOW_SUMMARY set in the parameters cell, then that cell and the summary's run.
    where = page.evaluate(
        """async () => {
            const app = window.jupyterapp;
            const nb = app.shell.currentWidget.content;
            let params = -1, summary = -1;
            for (let i = 0; i < nb.model.cells.length; i++) {
                const c = nb.model.cells.get(i);
                const tags = c.getMetadata('tags') || [];
                if (tags.includes('parameters')) params = i;
                if (c.type === 'code' && /class_summary\\(/.test(c.sharedModel.getSource())) summary = i;
            }
            if (params < 0 || summary < 0) return [params, summary];
            const p = nb.model.cells.get(params).sharedModel;
            const src = p.getSource();
            p.setSource(/^SHOW_SUMMARY\\s*=/m.test(src)
                ? src.replace(/^SHOW_SUMMARY\\s*=.*$/m, 'SHOW_SUMMARY = True') : src + '\\nSHOW_SUMMARY = True');
            for (const i of [params, summary]) {
                nb.deselectAll();
                nb.activeCellIndex = i;
                await app.commands.execute('notebook:run-cell');
            }
            return [params, summary];
        }"""
    )
    assert min(where) >= 0, f"no parameters cell or no class_summary cell: {where}"
    cell = page.locator(".jp-Notebook .jp-Cell").nth(where[1])
    table = cell.locator(".jp-OutputArea-output table").first
    table.wait_for(state="visible", timeout=WIDGET_TIMEOUT_MS)
    page.wait_for_function(_RUN_ALL_OVER, timeout=WIDGET_TIMEOUT_MS, polling=500)  # the chart comes after the table
    assert not page.evaluate(_ERRORS), _error_report(page.evaluate(_ERRORS))
    body_rows = table.locator("tbody tr").count()
    assert body_rows == len(items), f"the summary table has {body_rows} rows for {len(items)} items"
    chart = cell.locator(".jp-OutputArea-output img").count()
    summary_outputs = cell.locator(".jp-OutputArea-output").all_inner_texts()
    cell.scroll_into_view_if_needed()
    cell.screenshot(path=str(SHOTS / f"{name.removesuffix('.ipynb')}-summary.png"), animations="disabled")

    # A reset starts the learner over, in the file the trainer collects.
    reset = page.locator(".jp-OutputArea-output button", has_text=re.compile("reset", re.IGNORECASE)).first
    reset.scroll_into_view_if_needed()
    reset.click()
    _wait_for(
        lambda: not (json.loads(path.read_text(encoding="utf-8")).get("answers") or {}),
        "the reset to clear the learner's answers file",
    )
    # The file is cleared by the kernel before the widget's new state reaches the page: wait for the page too.
    _wait_for(lambda: why not in _norm(row.inner_text()), "the reveal to leave the screen after a reset", 30.0)
    # Last, so that the steps above are checked whatever the chart does.
    assert chart >= 1, f"the class summary draws no chart, only: {summary_outputs[-1][:200]!r}"


CHECKS: dict[str, Callable[[Any, Lab, str], None]] = {"00": _check_quickstart, "05": _check_exercise}


# -- the test -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", NOTEBOOKS, ids=[n.removesuffix(".ipynb") for n in NOTEBOOKS])
def test_notebook_runs_all_in_jupyterlab(name: str, lab: Lab, browser: Any, timings: dict[str, Timing]) -> None:
    stem = name.removesuffix(".ipynb")
    started = time.monotonic()
    timing = timings[stem] = Timing()
    for stale in SHOTS.glob(f"{stem}*.png"):  # a failure shot from an earlier run would mislead
        stale.unlink()
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(120_000)
    remote: list[str] = []

    def note_remote(request: Any) -> None:
        if _is_remote(request.url):
            remote.append(request.url)

    page.on("request", note_remote)
    try:
        _open(page, lab, name)
        try:
            timing.run = _run_all(page)
        except Exception as exc:
            raise AssertionError(f"{name}: Run All did not finish\nJupyterLab log:\n{lab.log_tail()}") from exc
        timing.stderr = tuple(page.evaluate(_STDERR))
        errors = page.evaluate(_ERRORS)
        widgets_error: AssertionError | None = None
        try:
            _wait_widgets(page)
        except AssertionError as exc:
            widgets_error = exc
        _screenshot(page, SHOTS / f"{stem}.png")  # before failing, so the screenshot shows what went wrong
        assert not errors, f"{name}: error outputs after Run All\n{_error_report(errors)}"
        ran, n_code = page.evaluate(_NUMBERED), _code_cells(lab.notebook(name))
        assert ran == n_code, f"{name}: Run All ran {ran} of {n_code} code cells"
        if widgets_error:
            raise widgets_error
        check = CHECKS.get(name[:2])
        if check is not None:
            check(page, lab, name)
        assert not remote, f"{name}: the page asked the network for {sorted(set(remote))[:10]}"
    except Exception:
        SHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SHOTS / f"{stem}-failure.png"))
        raise
    finally:
        timing.whole = time.monotonic() - started
        page.close()
        lab.shut_down_kernels()


def test_the_checks_catch_a_broken_notebook(lab: Lab, browser: Any) -> None:
    """The error checks themselves: an error output, a traceback printed to stderr, and the cells an error skips."""
    sources = [
        "import traceback, warnings\ntry:\n    {}['x']\nexcept KeyError:\n    traceback.print_exc()\n"
        "warnings.warn('a warning is no error')",
        "1 / 0",
        "print('not reached')",
    ]
    cells: list[dict[str, Any]] = [
        {"cell_type": "code", "id": f"c{i}", "metadata": {}, "source": src, "outputs": [], "execution_count": None}
        for i, src in enumerate(sources)
    ]
    kernelspec = {"name": "python3", "display_name": "Python 3 (ipykernel)", "language": "python"}
    notebook = {"nbformat": 4, "nbformat_minor": 5, "metadata": {"kernelspec": kernelspec}, "cells": cells}
    (lab.nb_dir / "99-broken.ipynb").write_text(json.dumps(notebook), encoding="utf-8")
    page = browser.new_page(viewport=VIEWPORT)
    page.set_default_timeout(120_000)
    try:
        _open(page, lab, "99-broken.ipynb")
        _run_all(page)
        found = sorted((e["cell"], e["kind"], e["text"]) for e in page.evaluate(_ERRORS))
        ran = page.evaluate(_NUMBERED)
    finally:
        page.close()
        lab.shut_down_kernels()
    assert found == [(0, "stderr", "KeyError: 'x'"), (1, "error", "ZeroDivisionError: division by zero")]
    assert ran == 2  # the queue stops at the error: a notebook whose last cells never ran does not pass
