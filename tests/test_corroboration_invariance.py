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


@pytest.mark.slow
def test_a_reused_photo_is_one_origin_and_its_position_is_mapped(tmp_path: Path) -> None:
    """Issue #23: the same picture in two sources is a copy link in corroboration; its EXIF position a photo place."""
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks.bench_images import exif_for, photo, variant

    folder = tmp_path / "photos"
    folder.mkdir()
    img = photo(3)
    img.save(folder / "channel.jpg", format="JPEG", quality=92, exif=exif_for(3))
    data, suffix = variant(img, "half")
    (folder / f"outlet{suffix}").write_bytes(data)
    (folder / "channel.meta.json").write_text(json.dumps({"published": "2025-03-01T08:00:00Z", "source": "Channel"}))
    (folder / "outlet.meta.json").write_text(json.dumps({"published": "2025-03-02T08:00:00Z", "source": "Outlet"}))
    result = run([str(folder)], out=str(tmp_path / "out"), quiet=True, formats=["json", "geojson"])
    co = result.corroboration
    assert co is not None
    (link,) = [lk for lk in co.parents.values() if lk.relation == "same image"]
    assert (co.source_of(link.original), co.source_of(link.copy), link.direction) == (
        "Channel",
        "Outlet",
        "publication time",
    )
    data_json = json.loads((tmp_path / "out" / "findings.json").read_text(encoding="utf-8"))
    assert any(p["feature"] == "photo" for p in data_json["places"])
