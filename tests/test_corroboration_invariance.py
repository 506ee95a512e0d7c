"""A finding must not change when the input order or the file names change (issue #19): the whole pipeline, twice."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from osintkit.pipeline import run

CORPUS = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "corroboration"


def _findings(folder: Path, out: Path) -> dict[str, object]:
    result = run([str(folder)], out=str(out), quiet=True, formats=["json"])
    data = json.loads((out / "findings.json").read_text(encoding="utf-8"))
    assert result.corroboration is not None
    # File names and paths are the only things allowed to differ; everything found is compared.
    ratings = {
        kind: {k: {f: v for f, v in r.items() if f not in ("time",)} for k, r in table.items()}
        for kind, table in data["ratings"].items()
    }
    # Lists follow the order documents were stored in; what is found, claim by claim, must be the same.
    claims = sorted(data["claims"], key=lambda c: c["id"])
    return {"corroboration": data["corroboration"], "ratings": ratings, "claims": claims}


@pytest.mark.slow
def test_renaming_and_reordering_files_changes_no_finding(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    shutil.copytree(CORPUS, plain)
    renamed = tmp_path / "renamed"
    renamed.mkdir()
    # Reverse the sort order of the names and give every file a new one (sidecars follow their text).
    stems = sorted({p.name.split(".")[0] for p in CORPUS.iterdir() if p.suffix in (".txt", ".json")})
    for i, stem in enumerate(reversed(stems)):
        for p in CORPUS.glob(stem + ".*"):
            shutil.copy(p, renamed / (f"{i:02d}_z_{stem[::-1]}" + p.name[len(stem) :]))
    first = _findings(plain, tmp_path / "out1")
    second = _findings(renamed, tmp_path / "out2")
    assert first == second
    assert first["corroboration"]["groups"], "the corpus has propositions reported by several outlets"
