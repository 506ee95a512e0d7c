"""The curated notebooks: committed clean, parameterised, and each runs top to bottom offline.

Execution goes through papermill (nbclient underneath) so the ``parameters`` cell is exercised exactly as a user
running ``papermill 00-quickstart.ipynb out.ipynb -p CASE ...`` would: the case path is injected to point into the
test's temporary copy. Kernels are subprocesses that pytest-socket cannot reach, so the environment forces every
offline switch instead (osintkit's own and Hugging Face's).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NB_DIR = ROOT / "notebooks"
EXPECTED = [
    "00-quickstart",
    "01-sourcing-and-provenance",
    "02-entities",
    "03-places",
    "04-claims-and-corroboration",
    "05-source-evaluation-exercise",
    "06-export",
    "07-sources",
]
NOTEBOOKS = sorted(NB_DIR.glob("[0-9][0-9]-*.ipynb"))
KERNEL = "python3"
OFFLINE_ENV = {"OSINTKIT_OFFLINE": "1", "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "MPLBACKEND": "Agg"}


def _ids(paths: list[Path]) -> list[str]:
    return [p.stem for p in paths]


def test_the_eight_notebooks_exist() -> None:
    assert [p.stem for p in NOTEBOOKS] == EXPECTED


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_is_committed_clean_and_parameterised(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    nb = nbformat.reads(json.dumps(raw), as_version=4)
    nbformat.validate(nb)
    for i, cell in enumerate(raw["cells"]):
        if cell["cell_type"] == "code":
            assert cell.get("outputs") == [], f"{path.name} cell {i} has outputs: strip them before committing"
            assert cell.get("execution_count") is None, f"{path.name} cell {i} has an execution count"
    tagged = [c for c in raw["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(tagged) == 1, f"{path.name} needs exactly one cell tagged 'parameters'"
    source = "".join(tagged[0]["source"])
    assert "CASE" in source, f"{path.name}: the parameters cell must set CASE"
    assert "SOURCES" in source or "CORPUS" in source, f"{path.name}: the parameters cell must name the sources"
    assert raw["metadata"].get("kernelspec", {}).get("name") == KERNEL
    markdown = sum(1 for c in raw["cells"] if c["cell_type"] == "markdown")
    assert markdown >= 3, f"{path.name} should explain its steps (narrative markdown cells)"


def _inputs(nb: nbformat.NotebookNode) -> list[tuple[str, str, list[str]]]:
    """What a reviewer reads in the .py: each cell's kind, source and tags (ids and outputs live in the .ipynb)."""
    return [(c.cell_type, c.source, list(c.metadata.get("tags", []))) for c in nb.cells]


def test_every_notebook_is_paired_through_jupytext() -> None:
    """notebooks/jupytext.toml pairs each .ipynb with a percent-format .py, so JupyterLab saves both sides."""
    import tomllib

    config = tomllib.loads((NB_DIR / "jupytext.toml").read_text(encoding="utf-8"))
    assert config.get("formats") == "ipynb,py:percent"
    texts = sorted(p.stem for p in NB_DIR.glob("[0-9][0-9]-*.py"))
    assert texts == _ids(NOTEBOOKS), "every notebook needs its .py and every .py its notebook"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_pair_is_in_sync(path: Path) -> None:
    """The .py is the source of truth; an edit to one side only (or a forgotten sync) fails here."""
    import ast

    import jupytext

    text = path.with_suffix(".py")
    command = f".venv/bin/jupytext --sync notebooks/{text.name}"
    assert text.exists(), f"{path.name} has no paired {text.name}: run {command}"
    ast.parse(text.read_text(encoding="utf-8"), filename=str(text))  # a reviewer's .py is valid Python
    from_text = _inputs(jupytext.read(text))
    committed = _inputs(nbformat.read(path, as_version=4))
    assert [k for k, _, _ in from_text].count("markdown") >= 3, f"{text.name} was read as a plain script, not cells"
    assert committed == from_text, f"{path.name} and {text.name} differ: run {command} (the newer side wins)"


def _ensure_kernel() -> None:
    """CI starts from a fresh venv: make sure this interpreter has a python3 kernelspec."""
    from jupyter_client.kernelspec import KernelSpecManager

    if KERNEL not in KernelSpecManager().find_kernel_specs():
        subprocess.run([sys.executable, "-m", "ipykernel", "install", "--sys-prefix"], check=True)


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A clean copy of notebooks/ (no outputs, no cases from earlier runs) beside a copy of seeds/."""
    _ensure_kernel()
    base = tmp_path_factory.mktemp("nbrun")
    shutil.copytree(
        NB_DIR, base / "notebooks", ignore=shutil.ignore_patterns("out", ".ipynb_checkpoints", "__pycache__")
    )
    shutil.copytree(ROOT / "seeds", base / "seeds")
    return base / "notebooks"


def _execute(
    notebook: Path, workdir: Path, executed: Path, params: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> nbformat.NotebookNode:
    """Run the notebook top to bottom in a fresh kernel, as Restart and Run All does; fail on any error output."""
    import papermill

    for key, value in OFFLINE_ENV.items():
        monkeypatch.setenv(key, value)
    executed.parent.mkdir(parents=True, exist_ok=True)
    papermill.execute_notebook(
        str(notebook),
        str(executed),
        parameters=params,
        kernel_name=KERNEL,
        cwd=str(workdir),
        progress_bar=False,
        execution_timeout=240,
    )
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors, f"{notebook.name}: {[(e.ename, e.evalue) for e in errors]}"
    return nb


def _texts(nb: nbformat.NotebookNode) -> list[str]:
    """What a reader sees as plain text: printed streams and the text of displayed objects."""
    out = []
    for cell in nb.cells:
        for o in cell.get("outputs", []) if cell.cell_type == "code" else []:
            if o.output_type == "stream":
                out.append(o.text)
            elif "text/plain" in o.get("data", {}):
                out.append(o.data["text/plain"])
    return out


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_offline(path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    case = workdir / "out" / f"test-{path.stem}.sqlite"
    executed = workdir / "out" / f"{path.stem}.executed.ipynb"
    nb = _execute(workdir / path.name, workdir, executed, {"CASE": str(case)}, monkeypatch)
    assert case.exists(), f"{path.name} did not write its case to the CASE parameter"
    source = "\n".join(c.source for c in nb.cells if c.cell_type == "code")
    assert "quiet=True" not in source, f"{path.name}: notebooks show progress (tqdm's bars), never pass quiet=True"
    printed = [o.text for c in nb.cells for o in c.get("outputs", []) if o.output_type == "stream"]
    markup = [t for t in printed if re.search(r"<(?:span|div|i|b|p|table|h\d)\b[^>]*>", t)]
    assert not markup, f"{path.name} prints HTML markup as text (display it instead): {markup[0][:200]}"
    if path.stem == "00-quickstart":
        # tqdm.auto's notebook bars, the entity model's loading line among them, shown without asking.
        assert any(t.startswith("loading the entity model") for t in _texts(nb)), _texts(nb)[:5]


# Every notebook writes to its case (and some export): Run All twice must leave the same case and the same files.
IDEMPOTENT = [p.stem for p in NOTEBOOKS]
_TIMESTAMP = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?")


def _case_state(path: Path) -> dict[str, Any]:
    from osintkit import Case

    with Case(path) as case:
        assert case.verify().ok, f"{path.name}: the custody chain does not verify"
        custody = case.custody_frame()
        return {
            "custody entries": len(custody),
            "actions": custody["action"].value_counts().to_dict(),
            "documents": len(case.documents()),
            "mentions": len(case.mentions(include_rejected=True)),
            "places": len(case.places()),
            "claims": len(case.claims()),
            "entities": len(case.entities()),
        }


def _exports(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with its timestamps masked (a report says when it was written)."""
    if not folder.exists():
        return {}
    return {
        str(p.relative_to(folder)): _TIMESTAMP.sub("<time>", p.read_bytes().decode("utf-8", "replace"))
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("stem", IDEMPOTENT)
def test_run_all_twice_leaves_the_same_case_and_exports(
    stem: str, workdir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    notebook = workdir / f"{stem}.ipynb"
    case = workdir / "out" / f"twice-{stem}.sqlite"
    params: dict[str, Any] = {"CASE": str(case)}
    out = workdir / "out" / f"twice-{stem}"
    if "OUT =" in "".join(c.source for c in nbformat.read(notebook, as_version=4).cells[:3]):
        params["OUT"] = str(out)
    states, exports = [], []
    for run in (1, 2):
        _execute(notebook, workdir, workdir / "out" / f"twice-{stem}-{run}.ipynb", params, monkeypatch)
        states.append(_case_state(case))
        exports.append(_exports(out))
    assert states[0]["custody entries"] > 0, f"{stem} wrote nothing to {case.name}: the comparison would be empty"
    assert states[0] == states[1], f"{stem}: a second Run All changed the case: {states[0]} -> {states[1]}"
    if "OUT" in params:
        assert exports[0], f"{stem} wrote no exports to {out}"
    for name in sorted(set(exports[0]) | set(exports[1])):
        assert exports[0].get(name) == exports[1].get(name), f"{stem}: {name} differs after a second Run All"
