"""Maps: shipped outlines decode, the static map is a real PNG/SVG, the interactive map loads no remote tiles; the
view fits the seed's places, countries are outlines, popups name documents by title, credits show once, and static
labels never overlap (read back from the drawn figure)."""

from __future__ import annotations

import html
import io
import itertools
import json
from pathlib import Path
from typing import Any

import pytest

from osintkit.errors import InputError
from osintkit.geo import country_outlines, interactive_map, static_map
from osintkit.geo.maps import OUTLINES_PATH, topojson_to_geojson
from osintkit.model import Document, Place


def place(name: str, lat: float, lon: float, **kw: Any) -> Place:
    return Place(
        text=name,
        start=kw.get("start", 0),
        end=kw.get("end", len(name)),
        name=name,
        lat=lat,
        lon=lon,
        geonameid=kw.get("geonameid"),
        country_code=kw.get("cc"),
        feature="city",
        confidence=0.9,
        doc_id=kw.get("doc_id"),
    )


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

    m = interactive_map(PLACES, texts={"doc-1": "On 1 May, Kyiv said troops in Kursk Oblast had..."})
    assert not any(isinstance(layer, ipyleaflet.TileLayer) for layer in m.layers)
    markers = [layer for layer in m.layers if isinstance(layer, ipyleaflet.Marker)]
    assert len(markers) == 3
    assert any(isinstance(layer, ipyleaflet.GeoJSON) for layer in m.layers)
    kyiv = next(mk for mk in markers if mk.title == "Kyiv")
    assert "<b>Kyiv</b>" in kyiv.popup.value and "doc-1" not in kyiv.popup.value  # an id means nothing to a reader
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


# -- the seed's places, as the kit finds them ---------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_doc(seed_path: Path) -> Document:
    import osintkit as ok

    return ok.load(seed_path)[0]


@pytest.fixture(scope="module")
def seed_places(seed_doc: Document) -> list[Place]:
    import osintkit as ok

    return ok.geoparse(seed_doc, mentions=ok.tag(seed_doc))


def test_view_fits_the_seeds_places_not_the_world(seed_places: list[Place]) -> None:
    from osintkit.geo.maps import fit_bounds

    countries = [p for p in seed_places if p.feature == "country"]
    pins = [p for p in seed_places if p.feature != "country"]
    # The seed names the U.S. and Russia: their centroids (98°W, 100°E) alone would force a world view.
    assert {"US", "RU"} <= {p.country_code for p in countries} and len(pins) >= 3
    (south, west), (north, east) = fit_bounds(seed_places)
    assert all(south <= p.lat <= north and west <= p.lon <= east for p in pins)
    assert east - west < 180 and north - south < 60
    us = next(p for p in countries if p.country_code == "US")
    assert not west <= us.lon <= east

    m = interactive_map(seed_places)
    (lat, lon), zoom = m.center, m.zoom
    assert south <= lat <= north and west <= lon <= east and zoom >= 3  # zoom 1-2 shows the whole world


def test_fit_bounds_of_countries_alone_and_of_one_point() -> None:
    from osintkit.geo.maps import WORLD, fit_bounds

    russia = place("Russia", 60.0, 100.0, cc="RU")
    russia.feature = "country"
    (south, west), (north, east) = fit_bounds([russia])
    assert 0 < west < 27 and east == 180 and south < 42 and north > 77  # mainland Russia, not Chukotka beyond 180°
    (south, west), (north, east) = fit_bounds([PLACES[0]])
    assert south < 50.45 < north and west < 30.52 < east and north - south < 6
    assert fit_bounds([]) == WORLD


def test_countries_are_outlines_with_popups_not_pins(seed_places: list[Place], seed_doc: Document) -> None:
    import ipyleaflet

    m = interactive_map(seed_places, documents=[seed_doc])
    markers = {mk.title for mk in m.layers if isinstance(mk, ipyleaflet.Marker)}
    assert {"Kyiv", "Pyongyang"} <= markers and not markers & {"Russia", "Ukraine", "United States"}
    shaded = {layer.name: layer for layer in m.layers if isinstance(layer, ipyleaflet.GeoJSON) and layer.popup}
    assert "Russia (mentioned)" in shaded
    assert "<b>Russia</b>" in shaded["Russia (mentioned)"].popup.value
    assert [f["properties"]["name"] for f in shaded["Russia (mentioned)"].data["features"]] == ["Russia"]


def test_popup_has_title_text_and_confidence_once(seed_places: list[Place], seed_doc: Document) -> None:
    import ipyleaflet

    kyiv = [p for p in seed_places if p.name == "Kyiv"]
    assert len(kyiv) == 2  # the seed mentions Kyiv twice, 160 characters apart: their contexts overlap
    m = interactive_map(seed_places, documents=[seed_doc])
    popup = next(mk for mk in m.layers if isinstance(mk, ipyleaflet.Marker) and mk.title == "Kyiv").popup.value
    assert seed_doc.title and popup.count(html.escape(seed_doc.title)) == 1
    assert seed_doc.id not in popup
    assert popup.count("<mark>Kyiv</mark>") == 2 and popup.count("Kyiv") == 3  # name once, each mention once
    assert popup.count("confidence") == 1 and "2 mentions" in popup
    assert popup.count("<b>Kyiv</b>") == 1


def test_popup_without_document_text_shows_the_mention_once() -> None:
    from osintkit.geo.maps import popup_html

    popup = popup_html([PLACES[0], PLACES[0]], titles={"doc-1": "Captured soldiers"})
    assert popup.count("“Kyiv”") == 1 and popup.count("Captured soldiers") == 1 and "confidence 0.90" in popup


def test_interactive_map_from_a_case(tmp_path: Path, seed_places: list[Place], seed_doc: Document) -> None:
    import ipyleaflet

    from osintkit.store import Case

    case = Case(tmp_path / "case.sqlite")
    case.add_documents([seed_doc])
    case.replace_places(seed_doc.id, seed_places)
    m = interactive_map(case)
    kyiv = next(mk for mk in m.layers if isinstance(mk, ipyleaflet.Marker) and mk.title == "Kyiv")
    assert seed_doc.title and html.escape(seed_doc.title) in kyiv.popup.value


def test_credit_shows_once() -> None:
    import ipyleaflet

    from osintkit.geo.maps import LEGEND_GID, attribution_text, static_map_figure

    for tiles in (False, True):
        m = interactive_map(PLACES, tiles=tiles)
        assert sum(isinstance(c, ipyleaflet.AttributionControl) for c in m.controls) == 1
        text = attribution_text(m)
        assert text.count("GeoNames") == 1 and text.count("Natural Earth") == 1
        assert text.count("ipyleaflet") == 1
    fig = static_map_figure(PLACES)
    (legend,) = [t.get_text() for t in fig.findobj(lambda a: a.get_gid() == LEGEND_GID)]
    assert legend.count("GeoNames") == 1 and legend.count("Natural Earth") == 1


# Towns of the Donbas front, 10-60 km apart: at a scale that also shows Kyiv, their labels collide.
DONBAS = [
    ("Bakhmut", 48.595, 38.000), ("Soledar", 48.683, 38.083), ("Chasiv Yar", 48.587, 37.835),
    ("Kostiantynivka", 48.527, 37.707), ("Kramatorsk", 48.723, 37.556), ("Sloviansk", 48.867, 37.617),
    ("Siversk", 48.867, 38.100), ("Lysychansk", 48.904, 38.442), ("Sievierodonetsk", 48.948, 38.487),
    ("Horlivka", 48.337, 38.053), ("Toretsk", 48.398, 37.848), ("Avdiivka", 48.139, 37.743),
    ("Pokrovsk", 48.282, 37.176), ("Donetsk", 48.023, 37.802), ("Makiivka", 48.048, 37.926),
    ("Druzhkivka", 48.630, 37.550), ("Lyman", 48.989, 37.802), ("Popasna", 48.633, 38.383),
]  # fmt: skip


def test_static_labels_do_not_overlap() -> None:
    from matplotlib.text import Annotation

    from osintkit.geo.maps import LABEL_GID, LEGEND_GID, static_map_figure

    places = [place(n, lat, lon, geonameid=i) for i, (n, lat, lon) in enumerate(DONBAS)] + [PLACES[0]]
    fig = static_map_figure(places)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    labels = [a for a in fig.findobj(Annotation) if a.get_gid() == LABEL_GID]
    boxes = [a.get_window_extent(renderer) for a in labels]
    assert len(labels) >= 6
    pairs = itertools.combinations(zip(labels, boxes, strict=True), 2)
    assert not [(a.get_text(), b.get_text()) for (a, x), (b, y) in pairs if x.overlaps(y)]
    frame = fig.axes[0].get_window_extent(renderer)
    assert all(frame.x0 <= b.x0 and b.x1 <= frame.x1 and frame.y0 <= b.y0 and b.y1 <= frame.y1 for b in boxes)
    # Every place is either labelled or listed as dropped under the map.
    (legend,) = [t.get_text() for t in fig.findobj(lambda a: a.get_gid() == LEGEND_GID)]
    dropped = legend.split("Not labelled (no room): ")[1].split("\n")[0].split(", ") if "no room" in legend else []
    assert sorted([a.get_text() for a in labels] + dropped) == sorted(n for n, _, _ in [*DONBAS, ("Kyiv", 0, 0)])
    # The check can fail: the same labels all at the usual offset do collide.
    ax = fig.axes[0]
    naive = [ax.annotate(a.get_text(), a.xy, xytext=(4, 3), textcoords="offset points", fontsize=8) for a in labels]
    naive_boxes = [t.get_window_extent(renderer) for t in naive]
    assert any(x.overlaps(y) for x, y in itertools.combinations(naive_boxes, 2))


def test_report_map_reads_findings_places(seed_places: list[Place]) -> None:
    """The HTML report passes findings' place dicts: the same shading, fit and labels apply."""
    from matplotlib.text import Annotation

    from osintkit.geo.maps import LABEL_GID, LEGEND_GID, static_map_figure

    fig = static_map_figure([p.to_dict() for p in seed_places])
    (legend,) = [t.get_text() for t in fig.findobj(lambda a: a.get_gid() == LEGEND_GID)]
    assert "Shaded: North Korea, Russia, Ukraine, United States" in legend and "no room" not in legend
    labels = {a.get_text() for a in fig.findobj(Annotation) if a.get_gid() == LABEL_GID}
    assert {"Kyiv ×2", "Pyongyang", "Ukraine"} <= labels and "United States" not in labels  # out of view
    west, east = fig.axes[0].get_xlim()
    assert west > 0 and east < 180


def test_static_map_shades_countries_and_lists_them() -> None:
    from osintkit.geo.maps import LEGEND_GID, static_map_figure

    ukraine = place("Ukraine", 49.0, 32.0, cc="UA")
    ukraine.feature = "country"
    fig = static_map_figure([ukraine, PLACES[0]])
    (legend,) = [t.get_text() for t in fig.findobj(lambda a: a.get_gid() == LEGEND_GID)]
    assert "Shaded: Ukraine" in legend
    ax = fig.axes[0]
    assert len(ax.lines) == 1  # Kyiv's point; Ukraine is an outline, not a point
