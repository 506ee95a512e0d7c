"""Maps: shipped outlines decode, the static map is a real PNG/SVG, the interactive map loads no remote tiles."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from osintkit.errors import InputError
from osintkit.geo import country_outlines, interactive_map, static_map
from osintkit.geo.maps import topojson_to_geojson
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
