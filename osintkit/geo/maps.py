"""Maps without remote tiles: country outlines shipped with the project, an ipyleaflet map, a matplotlib map.

Outlines: Natural Earth 1:110m (public domain) from the world-atlas package (ISC), as TopoJSON; decoded here.
The interactive map has no basemap tile layer unless ``tiles=True``: an investigator's map views never tell a tile
server where they are looking.
"""

from __future__ import annotations

import functools
import html
import io
import itertools
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..errors import ExportError, InputError, MissingExtraError
from ..model import Place

__all__ = [
    "OUTLINES_PATH",
    "country_at",
    "country_outlines",
    "cut_antimeridian",
    "interactive_map",
    "static_map",
    "topojson_to_geojson",
]

OUTLINES_PATH = Path(__file__).resolve().parent / "data" / "countries-110m.json"
_CONTEXT_CHARS = 90


def topojson_to_geojson(topology: dict[str, Any], object_name: str) -> dict[str, Any]:
    """Decode one TopoJSON object (quantised, delta-encoded arcs) into a GeoJSON FeatureCollection."""
    try:
        transform = topology.get("transform")
        raw_arcs = topology["arcs"]
        obj = topology["objects"][object_name]
    except (KeyError, TypeError) as exc:
        raise InputError(f"not a TopoJSON topology with object {object_name!r}: {exc}", field="objects") from None

    arcs: list[list[tuple[float, float]]] = []
    for arc in raw_arcs:
        pts: list[tuple[float, float]] = []
        x = y = 0.0
        for pos in arc:
            if transform:
                x += pos[0]
                y += pos[1]
                sx, sy = transform["scale"]
                tx, ty = transform["translate"]
                pts.append((x * sx + tx, y * sy + ty))
            else:
                pts.append((float(pos[0]), float(pos[1])))
        arcs.append(pts)

    def ring(indexes: Sequence[int]) -> list[list[float]]:
        coords: list[list[float]] = []
        for i in indexes:
            # A negative index means the arc reversed: ~i is its position.
            seg = arcs[i] if i >= 0 else arcs[~i][::-1]
            start = 1 if coords else 0  # consecutive arcs share their joining point
            coords.extend([list(p) for p in seg[start:]])
        return coords

    def geometry(geom: dict[str, Any]) -> dict[str, Any] | None:
        kind = geom.get("type")
        if kind == "Polygon":
            return {"type": "Polygon", "coordinates": [ring(r) for r in geom["arcs"]]}
        if kind == "MultiPolygon":
            return {"type": "MultiPolygon", "coordinates": [[ring(r) for r in poly] for poly in geom["arcs"]]}
        return None

    geoms = obj["geometries"] if obj.get("type") == "GeometryCollection" else [obj]
    features = []
    for geom in geoms:
        shape = geometry(geom)
        if shape is None:
            continue
        features.append(
            {
                "type": "Feature",
                "id": geom.get("id"),
                "properties": dict(geom.get("properties") or {}),
                "geometry": shape,
            }
        )
    return {"type": "FeatureCollection", "features": features}


Ring = list[list[float]]


def _unwrap(ring: Ring) -> Ring:
    """The ring with longitudes made continuous: a step of more than 180° is taken the short way round."""
    out = [list(ring[0])]
    shift = 0.0
    for (x0, _), (x1, y1) in itertools.pairwise(ring):
        step = x1 - x0
        if step > 180:
            shift -= 360
        elif step < -180:
            shift += 360
        out.append([x1 + shift, y1])
    return out


def _clip_strip(ring: Ring, lo: float, hi: float) -> Ring:
    """Sutherland–Hodgman clipping of a closed ring to lo <= x <= hi (a convex strip, so one pass per side)."""
    pts = ring[:-1] if len(ring) > 1 and ring[0] == ring[-1] else ring
    for edge, inside in ((lo, lambda x: x >= lo), (hi, lambda x: x <= hi)):
        if not pts:
            break
        out: Ring = []
        for i, cur in enumerate(pts):
            prev = pts[i - 1]
            if inside(cur[0]):
                if not inside(prev[0]):
                    out.append([edge, prev[1] + (cur[1] - prev[1]) * (edge - prev[0]) / (cur[0] - prev[0])])
                out.append(cur)
            elif inside(prev[0]):
                out.append([edge, prev[1] + (cur[1] - prev[1]) * (edge - prev[0]) / (cur[0] - prev[0])])
        pts = out
    return [*pts, pts[0]] if len(pts) >= 3 else []


def _cut_polygon(rings: list[Ring]) -> list[list[Ring]]:
    """A polygon cut at the antimeridian into pieces that each lie within [-180, 180] of longitude.

    world-atlas stores Russia, Fiji and Antarctica as rings that jump from +180 to -180; drawn as given, each jump
    is a line across the whole map. Unwrapped, a ring that closes 360° away from its start goes round a pole
    (Antarctica) and is closed through that pole.
    """
    unwrapped = []
    for ring in rings:
        u = _unwrap(ring)
        offset = u[-1][0] - u[0][0]
        if abs(offset) > 180:  # round a pole: close along the pole's latitude, in steps no segment spans 180°
            pole = -90.0 if sum(y for _, y in u) < 0 else 90.0
            steps = math.ceil(abs(offset) / 90)
            u += [[u[-1][0] - offset * i / steps, pole] for i in range(steps + 1)] + [u[0]]
        unwrapped.append(u)
    xs = [x for ring in unwrapped for x, _ in ring]
    if min(xs) >= -180 and max(xs) <= 180:
        return [unwrapped]
    pieces = []
    for k in range(math.floor((min(xs) + 180) / 360), math.floor((max(xs) + 180) / 360) + 1):
        lo, hi = -180 + 360 * k, 180 + 360 * k
        clipped = [_clip_strip(r, lo, hi) for r in unwrapped]
        if not clipped[0]:
            continue
        piece = [[[x - 360 * k, y] for x, y in r] for r in clipped if r]
        pieces.append(piece)
    return pieces


def cut_antimeridian(collection: dict[str, Any]) -> dict[str, Any]:
    """A FeatureCollection with every polygon that crosses the antimeridian cut into pieces on either side."""
    for feature in collection["features"]:
        geom = feature.get("geometry") or {}
        if geom.get("type") not in ("Polygon", "MultiPolygon"):
            continue
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        pieces = [piece for poly in polys for piece in _cut_polygon(poly)]
        if len(pieces) == 1:
            feature["geometry"] = {"type": "Polygon", "coordinates": pieces[0]}
        else:
            feature["geometry"] = {"type": "MultiPolygon", "coordinates": pieces}
    return collection


@functools.lru_cache(maxsize=1)
def _outlines() -> str:
    with OUTLINES_PATH.open(encoding="utf-8") as fh:
        topology = json.load(fh)
    return json.dumps(cut_antimeridian(topojson_to_geojson(topology, "countries")))


def country_outlines() -> dict[str, Any]:
    """Natural Earth 1:110m country outlines as GeoJSON, cut at the antimeridian (a fresh copy; safe to modify)."""
    data: dict[str, Any] = json.loads(_outlines())
    return data


@functools.lru_cache(maxsize=1)
def _country_rings() -> list[tuple[str, list[list[tuple[float, float]]]]]:
    """(ISO alpha-2, outer rings) per country, for point-in-polygon tests."""
    import pycountry

    out = []
    for feature in country_outlines()["features"]:
        try:
            country = pycountry.countries.get(numeric=str(feature.get("id") or "").zfill(3))
        except (KeyError, LookupError):
            country = None
        if country is None:
            continue
        geom = feature["geometry"]
        polys = [geom["coordinates"]] if geom["type"] == "Polygon" else geom["coordinates"]
        # country_outlines() is cut at the antimeridian, so every longitude is already within [-180, 180].
        rings = [[(x, y) for x, y in poly[0]] for poly in polys]
        out.append((country.alpha_2, rings))
    return out


def _inside(x: float, y: float, ring: list[tuple[float, float]]) -> bool:
    inside = False
    for (x1, y1), (x2, y2) in zip(ring, ring[1:] + ring[:1], strict=True):
        if (y1 > y) != (y2 > y) and abs(x2 - x1) < 180:  # skip edges that wrap the antimeridian
            if x < x1 + (y - y1) * (x2 - x1) / (y2 - y1):
                inside = not inside
    return inside


def country_at(lat: float, lon: float) -> str | None:
    """ISO alpha-2 code of the country whose Natural Earth 1:110m outline contains the point, else None."""
    for code, rings in _country_rings():
        if any(_inside(lon, lat, ring) for ring in rings):
            return code
    return None


def _as_places(places: Sequence[Any]) -> list[Place]:
    out = []
    for i, p in enumerate(places):
        if isinstance(p, Place):
            out.append(p)
        elif isinstance(p, dict):
            try:
                out.append(Place.from_dict(p))
            except TypeError as exc:
                raise InputError(f"place {i} is not a Place record: {exc}", field="places") from None
        else:
            raise InputError(f"place {i} is a {type(p).__name__}, not a Place", field="places")
    return out


def _context(place: Place, texts: dict[str, str] | None) -> str:
    if not texts or place.doc_id is None or place.doc_id not in texts:
        return ""
    text = texts[place.doc_id]
    a = max(0, place.start - _CONTEXT_CHARS)
    b = min(len(text), place.end + _CONTEXT_CHARS)
    return (
        ("…" if a > 0 else "")
        + html.escape(text[a : place.start])
        + "<b>"
        + html.escape(text[place.start : place.end])
        + "</b>"
        + html.escape(text[place.end : b])
        + ("…" if b < len(text) else "")
    )


def popup_html(place: Place, *, context: str = "", source: str | None = None) -> str:
    """What a marker shows: name, type, confidence, the sentence around the mention, and its source document."""
    lines = [
        f"<b>{html.escape(place.name)}</b> ({html.escape(place.feature)}, {html.escape(place.country_code or '—')})",
        f"<small>mention “{html.escape(place.text)}” · confidence {place.confidence:.2f}"
        + (" · analyst override" if place.overridden else "")
        + "</small>",
    ]
    if context:
        lines.append(f"<div style='max-width:320px'>{context}</div>")
    src = source or place.doc_id
    if src:
        lines.append(f"<small>source: {html.escape(src)}</small>")
    return "<br>".join(lines)


def _group(places: list[Place]) -> list[list[Place]]:
    """Mentions of the same place share one marker."""
    groups: dict[Any, list[Place]] = {}
    for p in places:
        groups.setdefault(p.geonameid if p.geonameid is not None else (p.lat, p.lon), []).append(p)
    return list(groups.values())


def interactive_map(
    places: Sequence[Place | dict[str, Any]],
    *,
    tiles: bool = False,
    texts: dict[str, str] | None = None,
    sources: dict[str, str] | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    outlines: bool = True,
) -> Any:
    """An ipyleaflet Map with a marker per place; no remote tiles unless ``tiles=True``.

    ``texts`` maps doc_id → document text (for the popup's context), ``sources`` doc_id → a source label (title,
    URL). Country outlines come from the shipped Natural Earth data.
    """
    try:
        import ipyleaflet
        import ipywidgets
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise MissingExtraError("interactive maps need ipyleaflet and ipywidgets: pip install ipyleaflet") from exc
    items = _as_places(places)
    if center is None:
        if items:
            center = (
                sum(p.lat for p in items) / len(items),
                sum(p.lon for p in items) / len(items),
            )
        else:
            center = (20.0, 0.0)
    if zoom is None:
        zoom = _fit_zoom(items)
    m = ipyleaflet.Map(center=center, zoom=zoom, scroll_wheel_zoom=True, attribution_control=True)
    if not tiles:
        # The Map starts with a remote OpenStreetMap tile layer: remove it before the widget is ever displayed.
        for layer in list(m.layers):
            if isinstance(layer, ipyleaflet.TileLayer):
                m.remove(layer)
        m.layout = ipywidgets.Layout(height="420px")
        m.style = {"background": "#dfe9f3"} if hasattr(m, "style") else None
    if outlines:
        m.add(
            ipyleaflet.GeoJSON(
                data=country_outlines(),
                name="Country outlines (Natural Earth)",
                style={
                    "color": "#777",
                    "weight": 0.6,
                    "fillColor": "#f4f1e8",
                    "fillOpacity": 1.0 if not tiles else 0.0,
                },
            )
        )
    for group in _group(items):
        first = group[0]
        parts = [popup_html(p, context=_context(p, texts), source=(sources or {}).get(p.doc_id or "")) for p in group]
        marker = ipyleaflet.Marker(location=(first.lat, first.lon), draggable=False, title=first.name)
        marker.popup = ipywidgets.HTML(value="<hr>".join(parts))
        m.add(marker)
    m.attribution_control = True
    return m


def _fit_zoom(items: list[Place]) -> int:
    if len(items) < 2:
        return 4
    span = max(
        max(p.lat for p in items) - min(p.lat for p in items), max(p.lon for p in items) - min(p.lon for p in items)
    )
    if span <= 0:
        return 6
    return int(max(1, min(8, round(math.log2(360 / span)))))


def outline_rings() -> list[list[list[float]]]:
    """The outer ring of every country piece, as the static map (and so the HTML report) draws them."""
    rings = []
    for feature in country_outlines()["features"]:
        geom = feature["geometry"]
        rings += [geom["coordinates"][0]] if geom["type"] == "Polygon" else [p[0] for p in geom["coordinates"]]
    return rings


def static_map(
    places: Sequence[Place | dict[str, Any]],
    path: str | Path | None = None,
    fmt: str = "png",
    *,
    title: str | None = None,
    extent: tuple[float, float, float, float] | None = None,
    dpi: int = 150,
    label: bool = True,
) -> bytes | Path:
    """A report map (matplotlib, Agg): country outlines and labelled points. Returns bytes, or writes ``path``.

    ``extent`` is (lon_min, lon_max, lat_min, lat_max); by default the places plus a margin.
    """
    fmt = fmt.lower()
    if fmt not in ("png", "svg"):
        raise InputError(f"unsupported map format {fmt!r}: use png or svg", field="fmt")
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    items = _as_places(places)
    fig = Figure(figsize=(8, 5), dpi=dpi)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_facecolor("#dfe9f3")
    ax.add_collection(PolyCollection(outline_rings(), facecolors="#f4f1e8", edgecolors="#888", linewidths=0.4))
    if extent is None:
        if items:
            lons = [p.lon for p in items]
            lats = [p.lat for p in items]
            pad = max(4.0, 0.15 * max(max(lons) - min(lons), max(lats) - min(lats)))
            extent = (min(lons) - pad, max(lons) + pad, min(lats) - pad, max(lats) + pad)
        else:
            extent = (-180.0, 180.0, -60.0, 85.0)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    mid = math.radians((extent[2] + extent[3]) / 2)
    ax.set_aspect(1 / max(math.cos(mid), 0.2))  # equirectangular, true to scale at the map's middle latitude
    for group in _group(items):
        p = group[0]
        ax.plot(p.lon, p.lat, marker="o", markersize=6, color="#c0392b", markeredgecolor="white", zorder=3)
        if label:
            ax.annotate(
                p.name + (f" ×{len(group)}" if len(group) > 1 else ""),
                (p.lon, p.lat),
                xytext=(4, 4),
                textcoords="offset points",
                fontsize=8,
                zorder=4,
            )
    ax.set_xlabel("longitude")
    ax.set_ylabel("latitude")
    if title:
        ax.set_title(title)
    fig.text(0.99, 0.01, "Outlines: Natural Earth · Places: GeoNames (CC BY 4.0)", ha="right", fontsize=6, color="#555")
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, bbox_inches="tight")
    data = buf.getvalue()
    if path is None:
        return data
    out = Path(path)
    try:
        out.write_bytes(data)
    except OSError as exc:
        raise ExportError(f"cannot write map to {out}: {exc}") from exc
    return out
