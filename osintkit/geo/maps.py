"""Maps without remote tiles: country outlines shipped with the project, an ipyleaflet map, a matplotlib map.

Outlines: Natural Earth 1:110m (public domain) from the world-atlas package (ISC), as TopoJSON; decoded here and
cut at the antimeridian. The interactive map has no basemap tile layer unless ``tiles=True``: an investigator's map
views never tell a tile server where they are looking.

Both maps, and so the HTML report's, draw a mentioned country as its shaded outline and every other place as a
point, and fit their view to the points (:func:`fit_bounds`): a country's centroid pin would otherwise force a world
zoom. The static map places labels greedily so that none overlap, and lists those it had no room for.
"""

from __future__ import annotations

import functools
import html
import io
import itertools
import json
import math
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from ..errors import ExportError, InputError, MissingExtraError, OsintkitError
from ..model import Place

__all__ = [
    "CREDIT",
    "OUTLINES_PATH",
    "OUTLINE_FEATURES",
    "attribution_text",
    "country_at",
    "country_outlines",
    "cut_antimeridian",
    "fit_bounds",
    "interactive_map",
    "map_view",
    "popup_html",
    "snippets",
    "static_map",
    "static_map_figure",
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
    keep_above: Callable[[float], bool] = lambda x: x >= lo  # noqa: E731 - a pair of named sides reads clearer
    keep_below: Callable[[float], bool] = lambda x: x <= hi  # noqa: E731
    for edge, inside in ((lo, keep_above), (hi, keep_below)):
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
    # country_outlines() is cut at the antimeridian, so every longitude is already within [-180, 180].
    return [
        (code, [[(x, y) for x, y in poly[0]] for poly in _pieces(feature["geometry"])])
        for code, feature in _features_by_code().items()
    ]


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


# -- what the maps show ---------------------------------------------------------------------------------------

# Place types drawn as their shipped outline, not as a pin: a country's GeoNames point is a centroid (Russia's is in
# Siberia), which says nothing about where events happened and, beside any other place, forces a world zoom.
OUTLINE_FEATURES = frozenset({"country"})
# Too large for a pin to mean anything, and no outline ships for them: still drawn, but they never move the view.
_CONTEXT_FEATURES = frozenset({"continent"})

CREDIT = "Outlines: Natural Earth · Places: GeoNames (CC BY 4.0)"
CREDIT_HTML = (
    "Outlines: <a href='https://www.naturalearthdata.com/'>Natural Earth</a> · "
    "Places: <a href='https://www.geonames.org/'>GeoNames</a> (CC BY 4.0)"
)

Bounds = tuple[tuple[float, float], tuple[float, float]]
WORLD: Bounds = ((-60.0, -180.0), (85.0, 180.0))


@functools.lru_cache(maxsize=1)
def _features_by_code() -> dict[str, dict[str, Any]]:
    """ISO alpha-2 → that country's outline feature (cut at the antimeridian)."""
    import pycountry

    out: dict[str, dict[str, Any]] = {}
    for feature in country_outlines()["features"]:
        try:
            country = pycountry.countries.get(numeric=str(feature.get("id") or "").zfill(3))
        except (KeyError, LookupError):
            country = None
        if country is not None:
            out[country.alpha_2] = feature
    return out


def _outline_code(place: Place) -> str | None:
    """The country code whose outline stands for this place, or None when it is drawn as a pin."""
    code = (place.country_code or "").upper()
    return code if place.feature in OUTLINE_FEATURES and code in _features_by_code() else None


def _pieces(geom: dict[str, Any]) -> list[list[list[list[float]]]]:
    return [geom["coordinates"]] if geom["type"] == "Polygon" else list(geom["coordinates"])


def _ring_area(ring: Sequence[Sequence[float]]) -> float:
    return abs(sum(x0 * y1 - x1 * y0 for (x0, y0), (x1, y1) in itertools.pairwise(ring))) / 2


def _main_box(code: str) -> tuple[float, float, float, float]:
    """(west, south, east, north) of a country's largest piece: mainland Russia, not Chukotka beyond 180°."""
    outer = max((poly[0] for poly in _pieces(_features_by_code()[code]["geometry"])), key=_ring_area)
    xs = [x for x, _ in outer]
    ys = [y for _, y in outer]
    return min(xs), min(ys), max(xs), max(ys)


def fit_bounds(places: Sequence[Place | dict[str, Any]], *, margin: float = 0.12, min_span: float = 4.0) -> Bounds:
    """The view that fits the places of interest, as ``((south, west), (north, east))`` in degrees.

    Pins (cities, admin areas, regions, photo positions) decide it. Countries are drawn as outlines and decide it
    only when nothing else is mapped, through their largest piece. A single pin gets at least ``min_span`` degrees
    around it, and every view a ``margin`` (a fraction of its span) on each side.
    """
    items = _as_places(places)
    pins = [p for p in items if _outline_code(p) is None and p.feature not in _CONTEXT_FEATURES]
    if pins:
        boxes = [(p.lon, p.lat, p.lon, p.lat) for p in pins]
    else:
        codes = sorted({code for p in items if (code := _outline_code(p)) is not None})
        boxes = [_main_box(code) for code in codes]
    if not boxes:
        return WORLD

    def widen(lo: float, hi: float, floor: float, ceiling: float) -> tuple[float, float]:
        half = max(hi - lo, min_span) / 2 * (1 + 2 * margin)
        mid = (lo + hi) / 2
        return max(floor, mid - half), min(ceiling, mid + half)

    south, north = widen(min(b[1] for b in boxes), max(b[3] for b in boxes), -85.0, 85.0)
    west, east = widen(min(b[0] for b in boxes), max(b[2] for b in boxes), -180.0, 180.0)
    return (south, west), (north, east)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


def map_view(bounds: Bounds, *, width: int = 760, height: int = 420) -> tuple[tuple[float, float], int]:
    """Centre and the largest whole zoom at which a ``width`` × ``height`` px web-Mercator view shows ``bounds``.

    Computed here rather than with ``Map.fit_bounds``, which needs a live front end to report the view's bounds
    back and so does nothing in a test, an export or a notebook run headless.
    """
    (south, west), (north, east) = bounds
    y0, y1 = _mercator_y(south), _mercator_y(north)
    centre = (math.degrees(math.atan(math.sinh((y0 + y1) / 2))), (west + east) / 2)
    fits = []
    if east > west:
        fits.append(math.log2(width * 360 / (256 * (east - west))))
    if y1 > y0:
        fits.append(math.log2(height * 2 * math.pi / (256 * (y1 - y0))))
    zoom = math.floor(min(fits)) if fits else 6
    return centre, int(max(1, min(12, zoom)))


# -- popups ---------------------------------------------------------------------------------------------------


def _is_case(obj: Any) -> bool:
    return hasattr(obj, "get_document") and hasattr(obj, "places")


def _document_info(
    items: list[Place], documents: Any, texts: Mapping[str, str] | None, titles: Mapping[str, str] | None
) -> tuple[dict[str, str], dict[str, str]]:
    """(doc_id → title, doc_id → text) from a case or documents, with what the caller passed taking precedence."""
    docs: dict[str, Any] = {}
    wanted = {p.doc_id for p in items if p.doc_id}
    if documents is not None and _is_case(documents):
        for doc_id in sorted(wanted):
            try:
                docs[doc_id] = documents.get_document(doc_id)
            except (KeyError, LookupError, OsintkitError):
                continue
    elif documents is not None:
        docs = {d.id: d for d in documents if d.id in wanted}
    names = {i: d.title or d.source or d.url or (Path(d.path).name if d.path else "") for i, d in docs.items()}
    bodies = {i: d.text for i, d in docs.items()}
    return {**names, **(titles or {})}, {**bodies, **(texts or {})}


def _word_break(text: str, pos: int, *, forward: bool, limit: int) -> int:
    """``pos`` moved to the nearest whitespace towards ``limit``, so a snippet never starts or ends mid-word."""
    if forward:
        found = text.find(" ", pos, limit)
        return found + 1 if found != -1 else pos
    found = text.rfind(" ", limit, pos)
    return found if found != -1 else pos


def snippets(text: str, spans: Sequence[tuple[int, int]], radius: int = _CONTEXT_CHARS) -> list[str]:
    """HTML snippets of ``text`` around the spans, each span marked once; nearby spans share one snippet."""
    windows: list[tuple[int, int, list[tuple[int, int]]]] = []
    for s, e in sorted(set(spans)):
        a, b = max(0, s - radius), min(len(text), e + radius)
        if windows and a <= windows[-1][1]:
            last = windows[-1]
            windows[-1] = (last[0], max(last[1], b), [*last[2], (s, e)])
        else:
            windows.append((a, b, [(s, e)]))
    out = []
    for a, b, marks in windows:
        if a > 0:
            a = _word_break(text, a, forward=True, limit=marks[0][0])
        if b < len(text):
            b = _word_break(text, b, forward=False, limit=max(e for _, e in marks))
        parts = ["…" if a > 0 else ""]
        pos = a
        for s, e in marks:
            if s < pos:  # nested in a span already marked ("Kursk" inside "the Kursk region")
                continue
            parts += [html.escape(text[pos:s]), "<mark>", html.escape(text[s:e]), "</mark>"]
            pos = e
        parts += [html.escape(text[pos:b]), "…" if b < len(text) else ""]
        out.append(" ".join("".join(parts).split()))
    return out


def popup_html(
    places: Place | Sequence[Place],
    *,
    texts: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """What a pin or an outline shows: the place once, then per document its title, each mention marked once in
    its context, and the confidence. Document ids are never shown: a title is what a reader recognises."""
    group = [places] if isinstance(places, Place) else list(places)
    first = group[0]
    lines = [
        f"<b>{html.escape(first.name)}</b> <small>({html.escape(first.feature)}, "
        f"{html.escape(first.country_code or '—')})</small>"
    ]
    by_doc: dict[str, dict[tuple[int, int], Place]] = {}
    for p in group:
        by_doc.setdefault(p.doc_id or "", {}).setdefault((p.start, p.end), p)
    for doc_id, mentions in by_doc.items():
        block = []
        title = (titles or {}).get(doc_id) if doc_id else None
        if title:
            block.append(f"<i>{html.escape(title)}</i>")
        text = (texts or {}).get(doc_id) if doc_id else None
        if text and all(0 <= s < e <= len(text) and text[s:e] == p.text for (s, e), p in mentions.items()):
            block += [f"<div style='max-width:320px'>{snip}</div>" for snip in snippets(text, list(mentions))]
        else:
            block.append(", ".join(f"“{html.escape(t)}”" for t in dict.fromkeys(p.text for p in mentions.values())))
        scores = sorted({round(p.confidence, 2) for p in mentions.values()})
        conf = f"{scores[0]:.2f}" if len(scores) == 1 else f"{scores[0]:.2f}–{scores[-1]:.2f}"
        count = f"{len(mentions)} mentions · " if len(mentions) > 1 else ""
        override = " · analyst override" if any(p.overridden for p in mentions.values()) else ""
        block.append(f"<small>{count}confidence {conf}{override}</small>")
        lines.append("<br>".join(block))
    return "<hr style='margin:3px 0'>".join(lines)


def _group(places: list[Place]) -> list[list[Place]]:
    """Mentions of the same place share one pin (or outline)."""
    groups: dict[Any, list[Place]] = {}
    for p in places:
        groups.setdefault(p.geonameid if p.geonameid is not None else (p.lat, p.lon), []).append(p)
    return list(groups.values())


def _split(items: list[Place]) -> tuple[dict[str, list[Place]], list[list[Place]]]:
    """(country code → its mentions, drawn as an outline; groups drawn as pins)."""
    areas: dict[str, list[Place]] = {}
    pins = []
    for group in _group(items):
        code = _outline_code(group[0])
        if code is None:
            pins.append(group)
        else:
            areas.setdefault(code, []).extend(group)
    return areas, pins


# -- interactive map ------------------------------------------------------------------------------------------


def interactive_map(
    places: Any,
    *,
    tiles: bool = False,
    documents: Any = None,
    texts: Mapping[str, str] | None = None,
    titles: Mapping[str, str] | None = None,
    sources: Mapping[str, str] | None = None,
    center: tuple[float, float] | None = None,
    zoom: int | None = None,
    outlines: bool = True,
    width: int = 760,
    height: int = 420,
) -> Any:
    """An ipyleaflet Map fitted to the places of interest; no remote tiles unless ``tiles=True``.

    ``places`` is a sequence of :class:`Place` (or their dicts), or a :class:`~osintkit.store.Case`, whose places
    and documents are then used. ``documents`` (a Case or Documents) gives popups their document titles and the
    mentions' context; ``titles`` (doc_id → title; ``sources`` is its older name) and ``texts`` (doc_id → text)
    give or override them. Countries are shaded outlines, every other place a pin; both open a popup.
    """
    try:
        import ipyleaflet
        import ipywidgets
    except ImportError as exc:  # pragma: no cover - pinned dependency
        raise MissingExtraError("interactive maps need ipyleaflet and ipywidgets: pip install ipyleaflet") from exc
    if _is_case(places):
        documents = places if documents is None else documents
        places = places.places()
    items = _as_places(places)
    names, bodies = _document_info(items, documents, texts, {**(sources or {}), **(titles or {})})
    view_centre, view_zoom = map_view(fit_bounds(items), width=width, height=height)
    # attribution_control=False, then one control of our own: ipyleaflet 0.20 adds a second attribution control
    # when the argument is passed as True (ipyleaflet issue #1114), which showed "ipyleaflet" twice.
    m = ipyleaflet.Map(
        center=center or view_centre,
        zoom=view_zoom if zoom is None else zoom,
        scroll_wheel_zoom=True,
        attribution_control=False,
        layout=ipywidgets.Layout(height=f"{height}px"),
    )
    m.add(ipyleaflet.AttributionControl(position="bottomright", prefix=f"ipyleaflet | {CREDIT_HTML}"))
    if not tiles:
        # The Map starts with a remote OpenStreetMap tile layer: remove it before the widget is ever displayed.
        for layer in list(m.layers):
            if isinstance(layer, ipyleaflet.TileLayer):
                m.remove(layer)
    if outlines:
        m.add(
            ipyleaflet.GeoJSON(
                data=country_outlines(),
                name="Country outlines (Natural Earth)",
                style={"color": "#777", "weight": 0.6, "fillColor": "#f4f1e8", "fillOpacity": 0.0 if tiles else 1.0},
            )
        )
    areas, pins = _split(items)
    for code, group in sorted(areas.items()):
        shaded = ipyleaflet.GeoJSON(
            data={"type": "FeatureCollection", "features": [_features_by_code()[code]]},
            name=f"{group[0].name} (mentioned)",
            style={"color": "#a0522d", "weight": 1.2, "fillColor": "#f0c987", "fillOpacity": 0.35 if tiles else 0.8},
        )
        shaded.popup = ipywidgets.HTML(value=popup_html(group, texts=bodies, titles=names))
        m.add(shaded)
    for group in pins:
        first = group[0]
        marker = ipyleaflet.Marker(location=(first.lat, first.lon), draggable=False, title=first.name)
        marker.popup = ipywidgets.HTML(value=popup_html(group, texts=bodies, titles=names))
        m.add(marker)
    return m


def attribution_text(m: Any) -> str:
    """Everything a map's attribution controls and layers show, as one string (what a reader sees)."""
    import ipyleaflet

    parts = [c.prefix for c in m.controls if isinstance(c, ipyleaflet.AttributionControl)]
    parts += [str(layer.attribution) for layer in m.layers if getattr(layer, "attribution", None)]
    return " | ".join(parts)


# -- static map -----------------------------------------------------------------------------------------------


def outline_rings() -> list[list[list[float]]]:
    """The outer ring of every country piece, as the static map (and so the HTML report) draws them."""
    rings = []
    for feature in country_outlines()["features"]:
        rings += [poly[0] for poly in _pieces(feature["geometry"])]
    return rings


# Where a label may go relative to its point, in points, tried in order: the four diagonals close by, then the
# sides, then the same again further out. A label that fits none of them is dropped and listed in the legend.
_OFFSETS: tuple[tuple[float, float, str, str], ...] = tuple(
    (dx * k, dy * k, ha, va)
    for k in (1.0, 2.5)
    for dx, dy, ha, va in (
        (4, 3, "left", "bottom"),
        (4, -3, "left", "top"),
        (-4, 3, "right", "bottom"),
        (-4, -3, "right", "top"),
        (6, 0, "left", "center"),
        (-6, 0, "right", "center"),
        (0, 6, "center", "bottom"),
        (0, -6, "center", "top"),
    )
)
LABEL_GID = "osintkit-label"
LEGEND_GID = "osintkit-legend"


def _place_labels(
    ax: Any, anchors: Sequence[tuple[str, float, float, dict[str, Any]]], obstacles: list[Any]
) -> list[str]:
    """Greedy placement: each label, in the order given, takes the first offset whose box stays inside the axes
    and clear of every marker and every label already placed. Returns the labels that found no room."""
    renderer = ax.figure.canvas.get_renderer()
    frame = ax.get_window_extent(renderer)
    taken = list(obstacles)
    dropped = []
    for text, x, y, style in anchors:
        for dx, dy, ha, va in _OFFSETS:
            # A label set further out gets a thin leader line, so it is clear which point it names.
            leader = {"arrowprops": {"arrowstyle": "-", "lw": 0.4, "color": "#777"}} if abs(dx) + abs(dy) > 8 else {}
            artist = ax.annotate(
                text, (x, y), xytext=(dx, dy), textcoords="offset points", ha=ha, va=va, zorder=4, **style, **leader
            )
            box = artist.get_window_extent(renderer)
            inside = frame.x0 <= box.x0 and box.x1 <= frame.x1 and frame.y0 <= box.y0 and box.y1 <= frame.y1
            if inside and not any(box.overlaps(other) for other in taken):
                artist.set_gid(LABEL_GID)
                taken.append(box)
                break
            artist.remove()
        else:
            dropped.append(text)
    return dropped


def _fill_frame(bounds: Bounds, fig: Any, ax: Any) -> tuple[float, float, float, float]:
    """(lon_min, lon_max, lat_min, lat_max): ``bounds`` widened on its short side to the axes' shape, so a view
    fitted to places strung out east to west fills the frame instead of drawing as a thin strip."""
    (south, west), (north, east) = bounds
    pos = ax.get_position()
    frame = (fig.get_figwidth() * pos.width) / (fig.get_figheight() * pos.height)
    stretch = 1 / max(math.cos(math.radians((south + north) / 2)), 0.2)  # the y scale set_aspect gives below
    shown = (east - west) / ((north - south) * stretch)
    if shown > frame:
        half = (east - west) / (frame * stretch) / 2
        mid = (south + north) / 2
        south, north = max(-85.0, mid - half), min(85.0, mid + half)
    else:
        half = (north - south) * stretch * frame / 2
        mid = (west + east) / 2
        west, east = max(-180.0, mid - half), min(180.0, mid + half)
    return west, east, south, north


def static_map_figure(
    places: Sequence[Place | dict[str, Any]],
    *,
    title: str | None = None,
    extent: tuple[float, float, float, float] | None = None,
    dpi: int = 150,
    label: bool = True,
) -> Any:
    """The static map as a matplotlib Figure (Agg canvas): what :func:`static_map` saves.

    Countries are shaded outlines, other places red points; labels never overlap (those with no room are listed
    under the map). ``extent`` is (lon_min, lon_max, lat_min, lat_max); by default :func:`fit_bounds`.
    """
    import matplotlib

    matplotlib.use("Agg", force=False)
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure
    from matplotlib.transforms import Bbox

    items = _as_places(places)
    areas, pins = _split(items)
    fig = Figure(figsize=(8, 5), dpi=dpi)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot(1, 1, 1)
    ax.set_facecolor("#dfe9f3")
    ax.add_collection(PolyCollection(outline_rings(), facecolors="#f4f1e8", edgecolors="#888", linewidths=0.4))
    if areas:
        shaded = [poly[0] for code in areas for poly in _pieces(_features_by_code()[code]["geometry"])]
        ax.add_collection(
            PolyCollection(shaded, facecolors="#f0c987", edgecolors="#a0522d", linewidths=0.6, alpha=0.8, zorder=2)
        )
    if extent is None:
        extent = _fill_frame(fit_bounds(items), fig, ax)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    mid = math.radians((extent[2] + extent[3]) / 2)
    ax.set_aspect(1 / max(math.cos(mid), 0.2))  # equirectangular, true to scale at the map's middle latitude
    ax.tick_params(labelsize=7)
    if title:
        ax.set_title(title)
    ax.apply_aspect()  # the final axes box, so label extents measured below are the ones drawn

    # Pins first, most-mentioned first: when room runs out it is the minor places that lose their label.
    pins.sort(key=lambda g: (-len(g), -max(p.confidence for p in g), g[0].name))
    radius = 4 * dpi / 72  # a 6 pt marker with its white edge, in pixels
    obstacles = []
    anchors: list[tuple[str, float, float, dict[str, Any]]] = []
    for group in pins:
        p = group[0]
        ax.plot(p.lon, p.lat, marker="o", markersize=6, color="#c0392b", markeredgecolor="white", zorder=3)
        px, py = ax.transData.transform((p.lon, p.lat))
        obstacles.append(Bbox.from_extents(px - radius, py - radius, px + radius, py + radius))
        anchors.append((p.name + (f" ×{len(group)}" if len(group) > 1 else ""), p.lon, p.lat, {"fontsize": 8}))
    lon0, lon1, lat0, lat1 = extent
    for group in sorted(areas.values(), key=lambda g: (-len(g), g[0].name)):
        p = group[0]  # a country is labelled at its GeoNames point when that is in view; its shading says the rest
        if lon0 <= p.lon <= lon1 and lat0 <= p.lat <= lat1:
            anchors.append((p.name, p.lon, p.lat, {"fontsize": 8, "fontstyle": "italic", "color": "#7a3e12"}))
    dropped = _place_labels(ax, anchors, obstacles) if label else []

    legend = []
    if areas:
        legend.append("Shaded: " + ", ".join(sorted(g[0].name for g in areas.values())) + " (countries mentioned)")
    if dropped:
        legend.append("Not labelled (no room): " + ", ".join(dropped))
    legend.append(CREDIT)
    ax.annotate(
        "\n".join(legend),
        (0, 0),
        xycoords="axes fraction",
        xytext=(0, -16),
        textcoords="offset points",
        va="top",
        fontsize=7,
        color="#555",
        gid=LEGEND_GID,
    )
    return fig


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
    """A report map (matplotlib, Agg) from :func:`static_map_figure`. Returns bytes, or writes ``path``."""
    fmt = fmt.lower()
    if fmt not in ("png", "svg"):
        raise InputError(f"unsupported map format {fmt!r}: use png or svg", field="fmt")
    fig = static_map_figure(places, title=title, extent=extent, dpi=dpi, label=label)
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
