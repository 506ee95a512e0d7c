"""The curated notebooks: committed clean, parameterised, and each runs top to bottom offline.

Execution goes through papermill (nbclient underneath) so the ``parameters`` cell is exercised exactly as a user
running ``papermill 00-quickstart.ipynb out.ipynb -p CASE ...`` would: the case path is injected to point into the
test's temporary copy. Kernels are subprocesses that pytest-socket cannot reach, so the environment forces every
offline switch instead (osintkit's own and Hugging Face's).
"""

from __future__ import annotations

import json
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


def test_committed_notebooks_match_the_generator(tmp_path: Path) -> None:
    """notebooks/_build.py is the source of truth; a hand edit to an .ipynb (or a forgotten rebuild) fails here."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("nb_build", NB_DIR / "_build.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.HERE = tmp_path
    for stem, (title, cells) in module.NOTEBOOKS.items():
        module.build(stem, title, cells)
        built = json.loads((tmp_path / f"{stem}.ipynb").read_text(encoding="utf-8"))
        committed = json.loads((NB_DIR / f"{stem}.ipynb").read_text(encoding="utf-8"))
        assert built == committed, f"{stem}.ipynb differs from notebooks/_build.py: run python notebooks/_build.py"


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


@pytest.mark.slow
@pytest.mark.timeout(300)
@pytest.mark.parametrize("path", NOTEBOOKS, ids=_ids(NOTEBOOKS))
def test_notebook_runs_offline(path: Path, workdir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import papermill

    for key, value in OFFLINE_ENV.items():
        monkeypatch.setenv(key, value)
    case = workdir / "out" / f"test-{path.stem}.sqlite"
    params: dict[str, Any] = {"CASE": str(case)}
    executed = workdir / "out" / f"{path.stem}.executed.ipynb"
    executed.parent.mkdir(exist_ok=True)
    papermill.execute_notebook(
        str(workdir / path.name),
        str(executed),
        parameters=params,
        kernel_name=KERNEL,
        cwd=str(workdir),
        progress_bar=False,
        execution_timeout=240,
    )
    nb = nbformat.read(executed, as_version=4)
    errors = [o for c in nb.cells if c.cell_type == "code" for o in c.get("outputs", []) if o.output_type == "error"]
    assert not errors
    assert case.exists(), f"{path.name} did not write its case to the CASE parameter"
