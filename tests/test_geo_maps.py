"""Maps: shipped outlines decode, the static map is a real PNG/SVG, the interactive map loads no remote tiles."""

from __future__ import annotations

import io
import itertools
import json
from pathlib import Path

import pytest

from osintkit.errors import InputError
from osintkit.geo import country_outlines, interactive_map, static_map
from osintkit.geo.maps import OUTLINES_PATH, topojson_to_geojson
from osintkit.model import Place


def place(name: str, lat: float, lon: float, **kw: object) -> Place:
    return Place(
        text=name,
        start=kw.get("start", 0),
        end=kw.get("end", len(name)),
        name=name,
        lat=lat,
        lon=lon,  # type: ignore[arg-type]
        geonameid=kw.get("geonameid"),
        country_code=kw.get("cc"),
        feature="city",
        confidence=0.9,  # type: ignore[arg-type]
        doc_id=kw.get("doc_id"),
    )  # type: ignore[arg-type]


PLACES = [
    place("Kyiv", 50.45466, 30.5238, geonameid=703448, cc="UA", doc_id="doc-1", start=10, end=14),
    place("Kursk Oblast", 51.5, 36.0, geonameid=538555, cc="RU", doc_id="doc-1", start=30, end=42),
    place("Pyongyang", 39.03385, 125.75432, geonameid=1871859, cc="KP"),
]


def test_outlines_decode() -> None:
    gj = country_outlines()
    assert gj["type"] == "FeatureCollection"
    names = {f["properties"].get("name") for f in gj["features"]}
    assert {"Ukraine", "Russia", "North Korea"} <= names
    ukraine = next(f for f in gj["features"] if f["properties"]["name"] == "Ukraine")
    lons = (
        [p[0] for ring in ukraine["geometry"]["coordinates"] for p in ring]
        if ukraine["geometry"]["type"] == "Polygon"
        else [p[0] for poly in ukraine["geometry"]["coordinates"] for ring in poly for p in ring]
    )
    assert 21 < min(lons) < 24 and 39 < max(lons) < 41  # Ukraine spans about 22°E to 40°E


def test_topojson_decoding_small() -> None:
    topo = {
        "type": "Topology",
        "transform": {"scale": [1, 1], "translate": [0, 0]},
        "arcs": [[[0, 0], [1, 0], [0, 1], [-1, 0], [0, -1]]],
        "objects": {"sq": {"type": "GeometryCollection", "geometries": [{"type": "Polygon", "arcs": [[0]]}]}},
    }
    gj = topojson_to_geojson(topo, "sq")
    assert gj["features"][0]["geometry"]["coordinates"] == [[[0, 0], [1, 0], [1, 1], [0, 1], [0, 0]]]
    with pytest.raises(InputError):
        topojson_to_geojson(topo, "missing")


def test_static_png(tmp_path: Path) -> None:
    data = static_map(PLACES, title="Seed places")
    assert isinstance(data, bytes) and data[:8] == b"\x89PNG\r\n\x1a\n"
    from PIL import Image

    img = Image.open(io.BytesIO(data))
    assert img.size[0] > 400 and img.size[1] > 200
    out = static_map(PLACES, tmp_path / "map.png")
    assert out == tmp_path / "map.png" and out.read_bytes()[:4] == b"\x89PNG"


def test_static_svg() -> None:
    data = static_map(PLACES, fmt="svg")
    assert isinstance(data, bytes) and b"<svg" in data[:2000]
    with pytest.raises(InputError):
        static_map(PLACES, fmt="gif")


def test_interactive_map_has_no_tiles_by_default() -> None:
    import ipyleaflet

    m = interactive_map(PLACES, texts={"doc-1": "In 2024, Kyiv said troops in the Kursk Oblast region..."})
    assert not any(isinstance(layer, ipyleaflet.TileLayer) for layer in m.layers)
    markers = [layer for layer in m.layers if isinstance(layer, ipyleaflet.Marker)]
    assert len(markers) == 3
    assert any(isinstance(layer, ipyleaflet.GeoJSON) for layer in m.layers)
    kyiv = next(mk for mk in markers if mk.title == "Kyiv")
    assert "<b>Kyiv</b>" in kyiv.popup.value and "doc-1" in kyiv.popup.value
    assert "said troops" in kyiv.popup.value  # the mention's context


def test_interactive_map_tiles_opt_in() -> None:
    import ipyleaflet

    m = interactive_map(PLACES, tiles=True)
    assert any(isinstance(layer, ipyleaflet.TileLayer) for layer in m.layers)


def test_bad_places() -> None:
    with pytest.raises(InputError):
        static_map(["Kyiv"])  # type: ignore[list-item]


def _segments(rings: list[list[list[float]]]) -> list[tuple[list[float], list[float]]]:
    return [(a, b) for ring in rings for a, b in itertools.pairwise(ring)]


def _all_rings(collection: dict[str, object]) -> list[list[list[float]]]:
    rings = []
    for f in collection["features"]:  # type: ignore[attr-defined]
        g = f["geometry"]
        polys = [g["coordinates"]] if g["type"] == "Polygon" else g["coordinates"]
        rings += [ring for poly in polys for ring in poly]
    return rings


def test_outlines_are_cut_at_the_antimeridian() -> None:
    """Russia, Fiji and Antarctica cross 180°; drawn uncut, each jump is a band across the whole map."""
    import ipyleaflet

    from osintkit.geo.maps import country_at, outline_rings

    # The shipped data does jump across the map: the cut is what removes it.
    raw = topojson_to_geojson(json.loads(OUTLINES_PATH.read_text(encoding="utf-8")), "countries")
    assert max(abs(a[0] - b[0]) for a, b in _segments(_all_rings(raw))) > 350

    outlines = country_outlines()
    interactive = next(layer for layer in interactive_map(PLACES).layers if isinstance(layer, ipyleaflet.GeoJSON))
    for drawn in (_all_rings(outlines), _all_rings(interactive.data), outline_rings()):  # static map, HTML report
        segments = _segments(drawn)
        assert segments and max(abs(a[0] - b[0]) for a, b in segments) <= 180
        assert all(-180 <= x <= 180 for ring in drawn for x, _ in ring)
        assert all(ring[0] == ring[-1] for ring in drawn)
    by_name = {f["properties"]["name"]: f["geometry"] for f in outlines["features"]}
    for name in ("Russia", "Fiji"):  # a piece on each side of the line
        lons = [[x for x, _ in poly[0]] for poly in by_name[name]["coordinates"]]
        assert any(max(xs) <= -168 for xs in lons) and any(min(xs) >= 0 for xs in lons), name
    # Points on both sides of the line, and at the South Pole, are still in their country.
    assert country_at(65.0, -175.0) == "RU" and country_at(66.0, 179.5) == "RU" and country_at(55.75, 37.6) == "RU"
    assert country_at(-89.5, 10.0) == "AQ" and country_at(-17.8, 178.0) == "FJ"


def test_cut_antimeridian_small() -> None:
    from osintkit.geo.maps import cut_antimeridian

    square = [[170.0, 0.0], [-170.0, 0.0], [-170.0, 10.0], [170.0, 10.0], [170.0, 0.0]]
    fc = {"type": "FeatureCollection", "features": [{"geometry": {"type": "Polygon", "coordinates": [square]}}]}
    geom = cut_antimeridian(fc)["features"][0]["geometry"]
    assert geom["type"] == "MultiPolygon"
    spans = sorted((min(x for x, _ in p[0]), max(x for x, _ in p[0])) for p in geom["coordinates"])
    assert spans == [(-180.0, -170.0), (170.0, 180.0)]
    inside = [[10.0, 0.0], [20.0, 0.0], [20.0, 5.0], [10.0, 0.0]]
    fc = {"type": "FeatureCollection", "features": [{"geometry": {"type": "Polygon", "coordinates": [inside]}}]}
    assert cut_antimeridian(fc)["features"][0]["geometry"]["coordinates"] == [inside]  # untouched
