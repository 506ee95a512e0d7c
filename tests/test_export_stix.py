"""STIX 2.1 bundle: parses with stix2, maps Admiralty credibility to confidence, stable ids."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import stix2
from export_case import SCRIPT, build_case, hostile_corroboration

from osintkit.export import credibility_to_confidence, write_stix
from osintkit.findings import Findings


@pytest.fixture
def findings(tmp_path: Path) -> Findings:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        f = Findings.from_case(case, corroboration=hostile_corroboration(case))
    return f


def test_bundle_parses(findings: Findings, tmp_path: Path) -> None:
    path = write_stix(findings, tmp_path / "findings.stix.json")
    bundle = stix2.parse(path.read_text(encoding="utf-8"), allow_custom=True)
    assert bundle.type == "bundle"
    by_type: dict[str, list[Any]] = {}
    for obj in bundle.objects:
        by_type.setdefault(obj.type, []).append(obj)
    assert {"report", "identity", "location", "note", "opinion"} <= set(by_type)
    (report,) = by_type["report"]
    ids = {o.id for o in bundle.objects}
    assert set(report.object_refs) == ids - {report.id}
    shas = {r.hashes["SHA-256"] for r in report.external_references}
    assert shas == {d.sha256 for d in findings.documents}

    kyiv = next(o for o in by_type["location"] if o.name == "Kyiv")
    assert (kyiv.latitude, kyiv.longitude, kyiv.country) == (50.45466, 30.5238, "UA")
    names = {o.name for o in by_type["identity"]}
    assert {"osintkit", "Kyiv Independent", "Zelenskyy", "The U.S."} <= names
    assert any(SCRIPT in n for n in names)  # kept as data; STIX consumers escape on display


def test_admiralty_to_confidence(findings: Findings) -> None:
    bundle = json.loads(write_stix(findings, Path(findings.case_path or ".").parent / "s.json").read_text())
    notes = {o["x_osintkit_claim_id"]: o for o in bundle["objects"] if o["type"] == "note" and "claim" in o["labels"]}
    assert notes["claim-a1"]["confidence"] == 70
    assert notes["claim-a1"]["x_admiralty_rating"] == "B2"
    assert notes["claim-a1"]["x_admiralty_reliability"] == "B"
    assert notes["claim-a2"]["confidence"] == 50
    assert "confidence" not in notes["claim-b1"]  # 6: truth cannot be judged -> no confidence at all
    opinions = {tuple(o["object_refs"]): o for o in bundle["objects"] if o["type"] == "opinion"}
    assert opinions[(notes["claim-a1"]["id"],)]["opinion"] == "agree"
    assert (notes["claim-b1"]["id"],) not in opinions
    assert [credibility_to_confidence(d) for d in (1, 2, 3, 4, 5, 6, None)] == [90, 70, 50, 30, 10, None, None]


def test_stable_across_exports(findings: Findings, tmp_path: Path) -> None:
    first = write_stix(findings, tmp_path / "one.json").read_text()
    findings.generated_at = "2099-01-01T00:00:00Z"
    second = write_stix(findings, tmp_path / "two.json").read_text()
    assert first == second


def test_empty_findings() -> None:
    from osintkit.export import to_stix_bundle

    bundle = to_stix_bundle(Findings())
    assert stix2.parse(bundle.serialize(), allow_custom=True).objects[0].type == "report"


def test_confidence_table_is_stix_appendix_a() -> None:
    # stix2's own mapping takes STIX's label strings; the export's table must give the same numbers.
    from stix2.confidence.scales import admiralty_credibility_to_value

    from osintkit.admiralty_scale import CREDIBILITY
    from osintkit.export.stix import CREDIBILITY_TO_CONFIDENCE

    stix_labels = {
        1: "1 - Confirmed by other sources",
        2: "2 - Probably True",
        3: "3 - Possibly True",
        4: "4 - Doubtful",
        5: "5 - Improbable",
    }
    assert set(CREDIBILITY_TO_CONFIDENCE) == {int(d) for d in CREDIBILITY}
    for digit, label in stix_labels.items():
        assert CREDIBILITY_TO_CONFIDENCE[digit] == admiralty_credibility_to_value(label)
    with pytest.raises(ValueError):
        admiralty_credibility_to_value("6 - Truth cannot be judged")
    assert CREDIBILITY_TO_CONFIDENCE[6] is None
