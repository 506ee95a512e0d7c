"""GeoJSON export: a valid RFC 7946 FeatureCollection, one feature per place, mentions and sources attached."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from export_case import build_case, hostile_corroboration

from osintkit.export import to_geojson, write_geojson
from osintkit.findings import Findings
from osintkit.model import Place


def _check_rfc7946(fc: dict[str, Any]) -> None:
    assert fc["type"] == "FeatureCollection"
    assert isinstance(fc["features"], list)
    for feat in fc["features"]:
        assert feat["type"] == "Feature"
        assert isinstance(feat["properties"], dict)
        assert isinstance(feat.get("id"), str | int)
        geom = feat["geometry"]
        assert geom["type"] == "Point"
        lon, lat = geom["coordinates"]
        assert isinstance(lon, float | int) and isinstance(lat, float | int)
        assert -180 <= lon <= 180 and -90 <= lat <= 90
    # RFC 7946 section 4: no "crs" member; WGS 84 is implied.
    assert "crs" not in fc


def test_places_geojson(tmp_path: Path) -> None:
    case, a, b = build_case(tmp_path / "case.sqlite")
    with case:
        findings = Findings.from_case(case, corroboration=hostile_corroboration(case))
    path = write_geojson(findings, tmp_path / "places.geojson")
    fc = json.loads(path.read_text(encoding="utf-8"))
    _check_rfc7946(fc)
    assert json.loads(json.dumps(fc)) == fc
    by_name = {f["properties"]["name"]: f for f in fc["features"]}
    assert set(by_name) == {"Kyiv", "Kursk"}
    kyiv = by_name["Kyiv"]
    # [lon, lat], not [lat, lon]
    assert kyiv["geometry"]["coordinates"] == [30.5238, 50.45466]
    # Two documents mention Kyiv: one feature, both mentions, both sources.
    props = kyiv["properties"]
    assert props["mention_count"] == 2
    assert {m["doc_id"] for m in props["mentions"]} == {a.id, b.id}
    m = next(m for m in props["mentions"] if m["doc_id"] == a.id)
    assert a.text[m["start"] : m["end"]] == "Kyiv"
    assert {s["title"] for s in props["sources"]} == {a.title, b.title}
    # b's address is javascript:...: kept as text, never as a link a map viewer could open.
    assert {s["url"] for s in props["sources"]} == {a.url, None}
    assert [s.get("url_text") for s in props["sources"] if s["url"] is None] == [b.url]
    assert props["geonameid"] == 703448
    assert "GeoNames" in fc["attribution"]


def test_out_of_range_and_missing_geonameid() -> None:
    places = [
        Place("X", 0, 1, "Somewhere", 10.0, 190.0, None, None, "P", 0.5, doc_id="d"),
        Place("Y", 2, 3, "Somewhere", 10.0, 190.0, None, None, "P", 0.6, doc_id="d"),
        Place("Z", 4, 5, "Nowhere", float("nan"), 0.0, None, None, "P", 0.6, doc_id="d"),
    ]
    fc = to_geojson(Findings(places=places))
    _check_rfc7946(fc)
    assert len(fc["features"]) == 1  # merged by name and point; the NaN one left out
    assert fc["features"][0]["geometry"]["coordinates"] == [-170.0, 10.0]
