"""write_all: every format into one folder, as `osintkit run` does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from export_case import build_case, hostile_corroboration

from osintkit.errors import ExportError
from osintkit.export import DEFAULT_FORMATS, write_all
from osintkit.findings import Findings


def test_write_all_writes_every_file(tmp_path: Path) -> None:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        findings = Findings.from_case(case, corroboration=hostile_corroboration(case))
    out = tmp_path / "out"
    written = write_all(findings, out)
    assert list(written) == list(DEFAULT_FORMATS) == ["json", "md", "html", "csv", "geojson", "stix"]
    assert written["json"] == out / "findings.json"
    assert written["md"] == out / "report.md"
    assert written["html"] == out / "report.html"
    assert written["geojson"] == out / "places.geojson"
    assert written["stix"] == out / "findings.stix.json"
    for name in ("documents", "entities", "mentions", "places", "claims"):
        assert (written["csv"] / f"{name}.csv").stat().st_size > 0
    for key in ("json", "md", "html", "geojson", "stix"):
        assert written[key].stat().st_size > 0
    assert len(json.loads(written["json"].read_text())["documents"]) == 2


def test_write_all_subset_and_unknown(tmp_path: Path) -> None:
    written = write_all(Findings(), tmp_path, formats=["markdown", "json"])
    assert list(written) == ["md", "json"]
    assert not (tmp_path / "report.html").exists()
    with pytest.raises(ExportError, match="unknown export format 'pdf'"):
        write_all(Findings(), tmp_path, formats=["pdf"])
