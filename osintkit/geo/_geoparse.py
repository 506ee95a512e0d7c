"""Geoparsing: resolve a document's toponyms to places, using the whole document as context.

Two passes: every distinct name is first ranked on its own; the confident answers then tell the second pass which
countries and admin areas the document is about, and each name is re-ranked with that context (its own vote left
out, so a name cannot confirm itself).
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import GeocodingError, InputError
from ..model import PLACE_COLUMNS, Document, Mention, Place
from .gazetteer import Record
from .geocoder import Candidate, Context, OfflineGeocoder
from .normalise import name_key, strip_article
from .toponyms import find_toponyms
from .toponyms import shared_geocoder as _geocoder

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Case

__all__ = ["find_toponyms", "geoparse", "override_place", "places_frame"]

LOC_LABELS = frozenset({"LOC", "GPE", "LOCATION", "FAC", "NORP_LOC"})
# Words that make an unresolved name a facility inside the document's main place (a street, a church...).
_FACILITY = re.compile(
    r"\b(street|st|road|rd|avenue|ave|boulevard|blvd|lane|square|plaza|park|bridge|church|cathedral|library|school|"
    r"university|college|hospital|airport|station|stadium|arena|center|centre|hall|museum|market|mall|building|"
    r"tower|house|hotel|inn|court|courthouse|prison|base|port|harbou?r|river|lake|bay|beach|island|mountain|"
    r"district|neighbou?rhood|quarter|village|county|parish|valley|creek|highway|freeway|campus|camp)\b"
)
# Landform words that name some place somewhere ("Delta State", "Plateau State") but never stand for the place
# inside a longer name: "Danube Delta" is not in Nigeria.
_LANDFORM = re.compile(
    r"(delta|plateau|plains?|desert|coast|peninsula|gulf|sea|ocean|strait|channel|mountains?|hills?|highlands?|"
    r"lowlands?|forest|jungle|savannah?|steppe|basin|islands?|isles?|archipelago|cape|head|point|falls|springs?|"
    r"western|eastern|northern|southern|central|upper|lower|middle)"
)
_MAX_ALTERNATIVES = 4
# A town's first-pass answer that is good enough to say which state the document is in ("Buffalo" is mostly Buffalo,
# New York, but shares its name with many smaller towns).
_HOLDS_MIN_CONFIDENCE = 0.3
_SMALL_TYPES = frozenset({"city", "admin2", "admin"})
_STRAY_MAX_POPULATION = 100_000
_STRAY_DOMINANT_SHARE = 0.5
_FOCUS_CONFIDENCE = 0.15
_PARTIAL_FACTOR = 0.5
_PARTIAL_STOP = frozenset(
    {
        "the",
        "of",
        "and",
        "city",
        "state",
        "county",
        "new",
        "san",
        "st",
        "saint",
        "north",
        "south",
        "east",
        "west",
        "upper",
        "lower",
        "great",
        "little",
        "old",
        "port",
        "fort",
        "lake",
        "mount",
    }
)


@dataclass
class _Span:
    start: int
    end: int
    text: str
    key: str


def _spans_from(text: str, spans: Sequence[tuple[int, int]] | None, mentions: Sequence[Mention] | None) -> list[_Span]:
    out: list[_Span] = []
    if spans is not None:
        for i, pair in enumerate(spans):
            try:
                start, end = int(pair[0]), int(pair[1])
            except (TypeError, ValueError, IndexError):
                raise InputError(f"span {i} is not a (start, end) pair: {pair!r}", field="spans") from None
            if not 0 <= start < end <= len(text):
                raise InputError(f"span {i} ({start}, {end}) is outside the text (length {len(text)})", field="spans")
            out.append(_Span(start, end, text[start:end], strip_article(name_key(text[start:end]))))
        return out
    if mentions is None:
        # Imported here: osintkit.entities reads the gazetteer through this package (osintkit.geo.toponyms), so a
        # module-level import would run geo's __init__ before entities had defined tag.
        from ..entities import tag

        mentions = [*tag(text), *find_toponyms(text)]
    seen: set[tuple[int, int]] = set()
    for m in mentions:
        # Only toponyms: a nationality ("North Korean soldiers") names people, not a place in the text.
        if m.label.upper() not in LOC_LABELS:
            continue
        if (m.start, m.end) in seen or not 0 <= m.start < m.end <= len(text):
            continue
        seen.add((m.start, m.end))
        # An inflected name ("у Харкові") is looked up by the dictionary form the finder matched ("Харків").
        name = (m.norm or {}).get("lemma") or text[m.start : m.end]
        out.append(_Span(m.start, m.end, text[m.start : m.end], strip_article(name_key(name))))
    out.sort(key=lambda s: (s.start, s.end))
    return out


def _context(votes: dict[str, list[Candidate]], leave_out: str | None) -> Context:
    """Country weights and admin areas from every name's first-pass answer except ``leave_out``'s."""
    ctx = Context()
    weights: dict[str, float] = defaultdict(float)
    total = 0.0
    for key, cands in votes.items():
        if key == leave_out or not cands:
            continue
        top = cands[0]
        rec = top.record
        conf = top.probability
        if not rec.country_code:
            continue
        weight = conf * (1.5 if rec.type == "country" else 1.0)
        weights[rec.country_code] += weight
        total += weight
        if rec.type == "admin1" and rec.admin1 and conf >= 0.4:
            ctx.admin1.add((rec.country_code, rec.admin1))
        if rec.type in ("city", "capital", "admin2", "site"):
            if conf >= 0.5:
                ctx.points.append((rec.lat, rec.lng))
            if rec.admin1 and conf >= _HOLDS_MIN_CONFIDENCE:
                ctx.holding_admin1.add((rec.country_code, rec.admin1))
    if total > 0:
        ctx.countries = {cc: w / total for cc, w in weights.items() if w >= 0.3}
    return ctx


def _place_of(
    rec: Record,
    text: str,
    start: int,
    end: int,
    *,
    confidence: float,
    doc_id: str | None,
    alternatives: list[dict[str, Any]] | None = None,
    overridden: bool = False,
) -> Place:
    """The span ``text[start:end]`` read as the gazetteer record ``rec``."""
    return Place(
        text=text,
        start=start,
        end=end,
        name=rec.name,
        lat=rec.lat,
        lon=rec.lng,
        geonameid=rec.geonameid,
        country_code=rec.country_code or None,
        feature=rec.type,
        confidence=confidence,
        doc_id=doc_id,
        alternatives=alternatives or [],
        overridden=overridden,
    )


def _place(span: _Span, cands: list[Candidate], doc_id: str | None) -> Place:
    best = cands[0]
    alternatives = [c.summary() for c in cands[1 : 1 + _MAX_ALTERNATIVES]]
    confidence = round(best.probability, 4)
    return _place_of(
        best.record, span.text, span.start, span.end, confidence=confidence, doc_id=doc_id, alternatives=alternatives
    )


def geoparse(
    text_or_document: str | Document,
    spans: Sequence[tuple[int, int]] | None = None,
    *,
    mentions: Sequence[Mention] | None = None,
    geocoder: OfflineGeocoder | None = None,
    focus_fallback: bool | str = "all",
    partial_match: bool = True,
) -> list[Place]:
    """Resolve a document's place mentions to gazetteer places, in text order.

    ``spans``: resolve exactly these (start, end) character spans. ``mentions``: use their LOC mentions (the pipeline
    passes the tagger's output so the text is tagged once). Neither: tag the text with ``osintkit.entities.tag`` plus
    :func:`find_toponyms`.

    A name the gazetteer lacks is tried by the well-known place inside it ("Birmingham City" → Birmingham, at half
    the confidence) when ``partial_match``. What is still unresolved ("Royal Street", a small river) is placed at the
    document's main town with confidence 0.15 and ``feature="focus"``: with ``focus_fallback="all"`` (default) for
    every such span, with ``True`` only for facility-like names (street, church, airport...), with ``False`` never.
    """
    if isinstance(text_or_document, Document):
        text, doc_id = text_or_document.text, text_or_document.id
    elif isinstance(text_or_document, str):
        text, doc_id = text_or_document, None
    else:
        raise InputError(f"geoparse needs a str or Document, not {type(text_or_document).__name__}", field="text")
    gc = _geocoder(geocoder)
    items = _spans_from(text, spans, mentions)
    keys = {s.key for s in items if s.key}
    first = {k: gc.candidates(k, limit=25) for k in keys}
    lookup = {k: k for k in keys}
    partial: set[str] = set()
    if partial_match:
        for k in keys:
            if not first[k] and (sub := _partial(gc, k)) is not None:
                first[k] = gc.candidates(sub, limit=25)
                lookup[k] = sub
                partial.add(k)
    # Names counted once per mention: a country named five times outweighs a town named once.
    counts: dict[str, int] = defaultdict(int)
    for s in items:
        counts[s.key] += 1
    votes = {k: v for k, v in first.items() if v}
    resolved: dict[str, list[Candidate]] = {}
    for key, cands in votes.items():
        ctx = _context(votes, key)
        if len(cands) > 1:
            cands = gc.candidates(lookup[key], context=ctx, limit=25) or cands
        if _stray(cands[0], ctx):
            continue
        resolved[key] = cands
    focus = _focus(gc, resolved, counts, _context(resolved, None).countries) if focus_fallback else None
    places = []
    for s in items:
        found = resolved.get(s.key)
        if found:
            place = _place(s, found, doc_id)
            if s.key in partial:
                # "Birmingham City", "Dubai World Cup": the place inside a name, less sure than a name match.
                place.confidence = round(place.confidence * _PARTIAL_FACTOR, 4)
            places.append(place)
        elif focus is not None and (focus_fallback == "all" or _FACILITY.search(s.key)):
            place = _place(s, [focus], doc_id)
            place.confidence = _FOCUS_CONFIDENCE
            place.feature = "focus"
            places.append(place)
    return places


def _stray(best: Candidate, ctx: Context) -> bool:
    """A small town abroad when the document is plainly about another country: "Piccadilly" in a London story is
    not the Australian hamlet, so the name is better left to the focus fallback than answered wrongly."""
    rec = best.record
    if rec.type not in _SMALL_TYPES or rec.population >= _STRAY_MAX_POPULATION:
        return False
    if not ctx.countries or ctx.countries.get(rec.country_code, 0.0) > 0:
        return False
    return max(ctx.countries.values()) >= _STRAY_DOMINANT_SHARE


def _partial(gc: OfflineGeocoder, key: str) -> str | None:
    """The longest run of words inside an unresolved name that is itself a well-known place."""
    words = key.split()
    for n in range(len(words) - 1, 0, -1):
        for i in range(len(words) - n + 1):
            sub = " ".join(words[i : i + n])
            # Never a generic feature word alone: "Plum Island" is not Iceland (whose Danish name is "Island").
            if sub in _PARTIAL_STOP or len(sub) < 3 or _FACILITY.fullmatch(sub) or _LANDFORM.fullmatch(sub):
                continue
            cands = gc.candidates(sub, limit=1)
            if cands and (cands[0].record.population >= 50_000 or cands[0].record.type not in ("city", "admin2")):
                return sub
    return None


def _focus(
    gc: OfflineGeocoder,
    resolved: dict[str, list[Candidate]],
    counts: dict[str, int],
    countries: dict[str, float],
) -> Candidate | None:
    """The document's main settlement: its most mentioned town, weighted by size and by how much the document is
    about the town's country (a London story that mentions Moscow stays in London), or the main town of the admin
    area it names most."""
    best: tuple[float, Candidate] | None = None
    for key, cands in resolved.items():
        top = cands[0]
        rec = top.record
        if top.probability < 0.5:
            continue
        if rec.type in ("city", "capital"):
            weight = counts.get(key, 1) * (1.0 + 0.25 * math.log10(rec.population + 10))
            cand = top
        elif rec.type == "admin1" and rec.admin1:
            town = gc.gazetteer.largest_town(rec.country_code, rec.admin1)
            if town is None:
                continue
            weight = counts.get(key, 1) * (1.0 + 0.25 * math.log10(town.population + 10))
            cand = Candidate(town, top.score, "focus", top.prior, top.probability)
        else:
            continue
        weight *= 0.5 + countries.get(rec.country_code, 0.0)
        if best is None or weight > best[0]:
            best = (weight, cand)
    return best[1] if best else None


# -- tables and overrides ----------------------------------------------------------------------------------------


def places_frame(places: Sequence[Place]) -> pd.DataFrame:
    """One row per resolved mention; ``alternatives`` lists the runner-up names."""
    import pandas as pd

    rows = []
    for p in places:
        row = p.to_dict()
        row["alternatives"] = ", ".join(f"{a.get('name')} ({a.get('countryCode') or '?'})" for a in p.alternatives)
        rows.append({c: row.get(c) for c in PLACE_COLUMNS})
    return pd.DataFrame(rows, columns=list(PLACE_COLUMNS))


def override_place(
    case: Case,
    doc_id: str,
    start: int,
    end: int,
    geonameid_or_query: int | str,
    *,
    geocoder: OfflineGeocoder | None = None,
) -> Place:
    """The analyst's resolution for one span, stored in the case (kept across re-runs) and logged in custody."""
    gc = _geocoder(geocoder)
    doc = case.get_document(doc_id)
    if not 0 <= start < end <= len(doc.text):
        raise InputError(f"span ({start}, {end}) is outside document {doc_id} (length {len(doc.text)})", field="start")
    if isinstance(geonameid_or_query, int) and not isinstance(geonameid_or_query, bool):
        rec = gc.gazetteer.get(geonameid_or_query)
        if rec is None:
            raise GeocodingError(f"no gazetteer record with geonameid {geonameid_or_query}")
    elif isinstance(geonameid_or_query, str):
        cands = gc.candidates(geonameid_or_query, limit=1)
        if not cands:
            raise GeocodingError(f"no place matches {geonameid_or_query!r}")
        rec = cands[0].record
    else:
        raise InputError("override needs a geonameid (int) or a place query (str)", field="geonameid_or_query")
    place = _place_of(rec, doc.text[start:end], start, end, confidence=1.0, doc_id=doc_id, overridden=True)
    case.override_place(place)
    return place
