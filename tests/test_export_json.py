"""findings.json validates against its shipped, documented JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
from export_case import build_case, hostile_corroboration

from osintkit.export import schema, write_json
from osintkit.findings import Findings


def test_schema_is_valid_draft_2020_12() -> None:
    s = schema()
    assert s["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    jsonschema.Draft202012Validator.check_schema(s)
    # Documented: every top-level property says what it is or points to a documented definition.
    for name, prop in s["properties"].items():
        assert "description" in prop or "$ref" in json.dumps(prop), name


def test_findings_json_validates(tmp_path: Path) -> None:
    case, a, _ = build_case(tmp_path / "case.sqlite")
    with case:
        findings = Findings.from_case(case, corroboration=hostile_corroboration(case))
    path = write_json(findings, tmp_path / "out" / "findings.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    validator = jsonschema.Draft202012Validator(schema())
    errors = sorted(validator.iter_errors(data), key=str)
    assert not errors, errors[0]
    assert data["documents"][0]["id"] == a.id
    assert data["custody"]["verified"] is True


def test_schema_rejects_broken_findings(tmp_path: Path) -> None:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        data = Findings.from_case(case).to_dict()
    validator = jsonschema.Draft202012Validator(schema())
    broken = dict(data)
    del broken["documents"]
    assert not validator.is_valid(broken)
    bad_place = json.loads(json.dumps(data))
    bad_place["places"][0]["lat"] = 123.0
    assert not validator.is_valid(bad_place)
    bad_rating = json.loads(json.dumps(data))
    bad_rating["claims"][0]["admiralty"] = "Z9"
    assert not validator.is_valid(bad_rating)


def test_empty_findings_validate() -> None:
    data = json.loads(json.dumps(Findings().to_dict()))
    jsonschema.Draft202012Validator(schema()).validate(data)
