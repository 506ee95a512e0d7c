"""Findings: one snapshot of a real case, with ratings, custody and the combined Admiralty display."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from export_case import SCRIPT, build_case, hostile_corroboration

from osintkit.findings import FINDINGS_SCHEMA_VERSION, Findings, admiralty, credibility_digit
from osintkit.store import Case


@pytest.fixture
def findings(tmp_path: Path) -> Findings:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        return Findings.from_case(case, corroboration=hostile_corroboration(case))


def test_from_case_reads_every_table(findings: Findings) -> None:
    assert findings.summary() == {
        "documents": 2,
        "entities": 2,
        "mentions": 3,
        "places": 3,
        "claims": 3,
        "notes": 1,
    }
    assert all(m.doc_id for m in findings.mentions)
    assert {p.name for p in findings.places} == {"Kyiv", "Kursk"}
    assert findings.case_path and findings.case_path.endswith("case.sqlite")
    assert findings.corroboration is not None
    assert [g.id for g in findings.corroboration.groups] == ["g1", "g2"]
    assert findings.notes[0]["text"].endswith(SCRIPT)


def test_analyst_rating_beats_later_suggestion(findings: Findings) -> None:
    src = findings.ratings["sources"]["Kyiv Independent"]
    assert (src["grade"], src["origin"], src["rationale"]) == ("B", "analyst", "good record")
    assert findings.ratings["claims"]["claim-a2"]["origin"] == "suggested"


def test_combined_admiralty_rating(findings: Findings) -> None:
    by_id = {c.id: c for c in findings.claims}
    assert findings.claim_admiralty(by_id["claim-a1"]) == "B2"
    assert findings.claim_admiralty(by_id["claim-a2"]) == "B3"
    # The hostile source is unrated: the digit shows with a dash, never a made-up letter.
    assert findings.claim_admiralty(by_id["claim-b1"]) == "-6"
    claims = {c["id"]: c for c in findings.to_dict()["claims"]}
    assert claims["claim-a1"]["admiralty"] == "B2"
    assert claims["claim-a1"]["credibility"] == 2
    assert claims["claim-a1"]["source_reliability"] == "B"


@pytest.mark.parametrize(
    ("source", "claim", "expected"),
    [("B", "2", "B2"), ("a", "1", "A1"), (None, "3", "-3"), ("C", None, None), ("C", "E4", "E4"), (None, None, None)],
)
def test_admiralty_helper(source: str | None, claim: str | None, expected: str | None) -> None:
    assert admiralty(source, claim) == expected


def test_credibility_digit() -> None:
    assert credibility_digit("B2") == 2
    assert credibility_digit("5") == 5
    assert credibility_digit("X") is None
    assert credibility_digit(None) is None


def test_custody_head_and_verification(tmp_path: Path) -> None:
    case, a, _ = build_case(tmp_path / "case.sqlite")
    with case:
        f = Findings.from_case(case, corroboration=hostile_corroboration(case))
        log = case.custody()
        assert f.custody == {"entries": len(log), "head": log[-1].entry_hash, "verified": True, "problems": []}
    # Tampering with a stored document shows in the next export's custody block.
    with sqlite3.connect(tmp_path / "case.sqlite") as conn:
        conn.execute("UPDATE documents SET text = text || '!' WHERE id = ?", (a.id,))
    with Case(tmp_path / "case.sqlite", actor="tester") as case2:
        f2 = Findings.from_case(case2, corroboration=hostile_corroboration(case2))
    assert f2.custody["verified"] is False
    assert any(a.id in p for p in f2.custody["problems"])


def test_corroboration_is_typed_and_serialised(tmp_path: Path) -> None:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        f = Findings.from_case(case, corroboration=hostile_corroboration(case))
    data = f.to_dict()["corroboration"]
    assert [c["reason"] for c in data["contradictions"]] == [f"denial | {SCRIPT}"]
    assert data["groups"][0]["members"][1]["stance"] == "contradicts"
    assert data["independence"][0]["direction"] == "publication time"


def test_to_dict_leaves_full_text_out(findings: Findings) -> None:
    data = findings.to_dict()
    assert data["schema_version"] == FINDINGS_SCHEMA_VERSION
    doc = data["documents"][0]
    for key in ("id", "sha256", "title", "source", "url", "published", "retrieved", "loader", "path"):
        assert key in doc
    assert "text" not in doc
    assert len(doc["snippet"]) <= 280
    place = data["places"][0]
    for key in (
        "start",
        "end",
        "doc_id",
        "name",
        "lat",
        "lon",
        "geonameid",
        "country_code",
        "feature",
        "confidence",
        "alternatives",
    ):
        assert key in place
    assert any("GeoNames" in a["text"] for a in data["attribution"])


def test_to_frames(findings: Findings) -> None:
    frames = findings.to_frames()
    assert set(frames) >= {"documents", "entities", "mentions", "places", "claims", "ratings", "notes"}
    assert len(frames["claims"]) == 3
    assert frames["places"]["lat"].dtype.kind == "f"
    assert set(frames["claims"]["admiralty"]) == {"B2", "B3", "-6"}
    empty = Findings().to_frames()
    assert list(empty["claims"].columns)[:2] == ["id", "doc_id"]
    assert len(empty["claims"]) == 0


def test_corroboration_computed_when_not_given(tmp_path: Path) -> None:
    """Without a corroboration, from_case runs osintkit.claims' corroborate on the case's claims."""
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        f = Findings.from_case(case)
    assert f.corroboration is not None
    assert set(f.corroboration.origins) == {"claim-a1", "claim-a2", "claim-b1"}


def test_attribution_is_what_geo_and_entities_publish_each_once() -> None:
    import osintkit.entities
    import osintkit.geo
    from osintkit.findings import attribution

    credits = attribution()
    assert [c["name"] for c in credits] == ["GeoNames", "Natural Earth", "Entity model training data"]
    assert credits == [*osintkit.geo.ATTRIBUTION, *osintkit.entities.ATTRIBUTION]
    credits[0]["name"] = "edited"  # a copy: editing a report's credits never edits the module's
    assert osintkit.geo.ATTRIBUTION[0]["name"] == "GeoNames"


def test_the_version_is_written_once_in_pyproject() -> None:
    import importlib.metadata
    import tomllib
    from pathlib import Path

    import osintkit
    from osintkit.findings import osintkit_version

    pyproject = tomllib.loads((Path(__file__).resolve().parent.parent / "pyproject.toml").read_text("utf-8"))
    assert osintkit.__version__ == osintkit_version() == importlib.metadata.version("osintkit")
    assert osintkit.__version__ == pyproject["project"]["version"]
