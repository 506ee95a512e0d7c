"""CSV export: source text that a spreadsheet would run as a formula is written as plain text."""

from __future__ import annotations

import csv
from pathlib import Path

import pandas as pd
import pytest
from export_case import FORMULA, SCRIPT, build_case, hostile_corroboration

from osintkit.errors import ExportError
from osintkit.export import safe_cell, write_csv
from osintkit.findings import Findings


@pytest.fixture
def tables(tmp_path: Path) -> dict[str, Path]:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        findings = Findings.from_case(case, corroboration=hostile_corroboration(case))
    return write_csv(findings, tmp_path / "csv")


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.parametrize("value", ["=1+1", "+1", "-1+2", "@SUM(A1)", "\tx", "\rx", FORMULA])
def test_formula_prefixes_are_quoted(value: str) -> None:
    assert safe_cell(value) == "'" + value


def test_numbers_and_plain_text_untouched() -> None:
    assert safe_cell(-33.86) == -33.86
    assert safe_cell(11000) == 11000
    assert safe_cell("Kyiv") == "Kyiv"
    assert safe_cell(None) == ""
    assert safe_cell(True) == "true"


def test_hostile_source_is_plain_text_in_csv(tables: dict[str, Path]) -> None:
    assert set(tables) == {"documents", "entities", "mentions", "places", "claims"}
    custody = (tables["claims"].parent / "custody.txt").read_text()
    assert "custody head: " in custody and "--expect-head" in custody
    docs = _rows(tables["documents"])
    hostile = next(r for r in docs if r["url"] == "javascript:alert(1)")
    assert hostile["title"].startswith("'=HYPERLINK(")
    assert hostile["title"] == f"'{FORMULA} {SCRIPT}"
    assert hostile["source"] == f"{SCRIPT} {FORMULA}"  # starts with '<': harmless, kept as written
    # No cell anywhere starts with a formula character.
    for path in tables.values():
        for row in _rows(path):
            for cell in row.values():
                assert not cell.startswith(("=", "+", "-", "@", "\t", "\r")), (path.name, cell)
    claims = {r["id"]: r for r in _rows(tables["claims"])}
    assert claims["claim-b1"]["claimant"] == f"{SCRIPT} {FORMULA}"
    assert claims["claim-a1"]["admiralty"] == "B2"
    # The unrated-source rating "-6" starts with '-': quoted like any other text.
    assert claims["claim-b1"]["admiralty"] == "'-6"


def test_numbers_stay_numeric(tables: dict[str, Path]) -> None:
    raw = tables["places"].read_text(encoding="utf-8-sig")
    assert ",50.45466,30.5238," in raw  # written bare, not quoted or prefixed
    frame = pd.read_csv(tables["places"])
    assert frame["lat"].dtype.kind == "f"
    assert frame["start"].dtype.kind == "i"


def test_unknown_table(tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="unknown CSV table"):
        write_csv(Findings(), tmp_path, tables=["nope"])


def test_documents_columns_follow_the_data_model(tables: dict[str, Path]) -> None:
    # Pinned on purpose: the columns derive from Document.FRAME_COLUMNS (less the text, which stays in the case), so
    # a change to the model's list is a change to the CSV that readers' spreadsheets rely on, and should be seen here.
    with tables["documents"].open(encoding="utf-8-sig", newline="") as fh:
        header = next(csv.reader(fh))
    assert header == [
        "id", "title", "source", "author", "url", "published", "retrieved", "language", "loader", "path", "sha256",
        "text_sha256", "chars", "source_reliability", "snippet",
    ]  # fmt: skip
