"""Tables and groupings every exporter shares, so the CSV, HTML and Markdown show the same rows."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..assess import claimant_stake
from ..errors import ExportError
from ..findings import Findings, credibility_digit
from ..model import PLACE_COLUMNS, Claim, Document, Place, Quantity

__all__ = ["TABLES", "PlaceGroup", "compact_json", "ensure_dir", "fmt_quantities", "group_places", "table"]


@dataclass
class PlaceGroup:
    """One real-world place (a GeoNames record, or one name at one point) and every mention resolved to it."""

    key: str
    name: str
    lat: float
    lon: float
    geonameid: int | None
    country_code: str | None
    feature: str
    confidence: float
    places: list[Place] = field(default_factory=list)

    @property
    def doc_ids(self) -> list[str]:
        return sorted({p.doc_id for p in self.places if p.doc_id})


def group_places(places: Iterable[Place]) -> list[PlaceGroup]:
    """Merge the mentions of one place: by GeoNames id, else by name and rounded coordinates."""
    groups: dict[str, PlaceGroup] = {}
    for p in places:
        if p.geonameid is not None:
            key = f"geonames:{p.geonameid}"
        else:
            key = f"point:{p.name.casefold()}:{round(float(p.lat), 4)}:{round(float(p.lon), 4)}"
        g = groups.get(key)
        if g is None:
            g = groups[key] = PlaceGroup(
                key=key,
                name=p.name,
                lat=float(p.lat),
                lon=float(p.lon),
                geonameid=p.geonameid,
                country_code=p.country_code,
                feature=p.feature,
                confidence=float(p.confidence),
            )
        g.places.append(p)
        g.confidence = max(g.confidence, float(p.confidence))
    return sorted(groups.values(), key=lambda g: (-len(g.places), g.name.casefold(), g.key))


def fmt_quantities(quantities: Iterable[Quantity]) -> str:
    """A claim's figures as written, each with what it counts where the words do not say it: "11,000 (soldiers)"."""
    parts = []
    for q in quantities:
        parts.append(f"{q.text} ({q.counted})" if q.counted and q.counted not in q.text else q.text)
    return "; ".join(p for p in parts if p)


def compact_json(value: Any, limit: int | None = None) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str, separators=(", ", ": "))
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return text


def _join(values: Iterable[Any]) -> str:
    return "; ".join(str(v) for v in values if v not in (None, ""))


# -- the tables -------------------------------------------------------------------------------------------------
# Each yields dict rows with the columns listed in TABLES, values left as numbers/bools/None where they are such, so
# the CSV keeps numbers numeric and the HTML/Markdown render them as they see fit.


def _documents(f: Findings) -> Iterator[dict[str, Any]]:
    for d in f.documents:
        rec = f.document_record(d)
        yield {k: rec.get(k) for k in TABLES["documents"]}


def _entities(f: Findings) -> Iterator[dict[str, Any]]:
    for e in f.entities:
        yield {
            "id": e.id,
            "label": e.label,
            "name": e.name,
            "aliases": _join(e.aliases),
            "mention_count": e.mention_count,
            "documents": len(e.doc_ids),
            "doc_ids": _join(e.doc_ids),
        }


def _mentions(f: Findings) -> Iterator[dict[str, Any]]:
    for m in f.mentions:
        yield {c: getattr(m, c) for c in TABLES["mentions"]} | {"score": round(float(m.score), 4)}


def _places(f: Findings) -> Iterator[dict[str, Any]]:
    for p in f.places:
        yield {c: getattr(p, c) for c in TABLES["places"]} | {
            "confidence": round(float(p.confidence), 4),
            "alternatives": _join(a.get("name") for a in p.alternatives),
        }


def _claims(f: Findings) -> Iterator[dict[str, Any]]:
    docs: dict[str, Document] = f.document_index()
    for c in f.claims:
        doc = docs.get(c.doc_id)
        grade = f.claim_grade(c.id)
        yield {
            "id": c.id,
            "doc_id": c.doc_id,
            "document": (doc.title or doc.id) if doc else None,
            "source": doc.source if doc else None,
            "claimant": c.claimant,
            "claimant_type": c.claimant_type,
            "cue": c.cue,
            "content": c.content,
            "direct": c.direct,
            "hedged": c.hedged,
            "hedges": _join(c.hedges),
            "negated": c.negated,
            "quantities": fmt_quantities(c.quantities),
            "places": _join(c.places),
            "admiralty": f.claim_admiralty(c, docs),
            "credibility": credibility_digit(grade),
            "caveat": _caveat(c),
            "sentence": c.sentence,
        }


def _caveat(claim: Claim) -> str:
    """What a reader must weigh beside the grade: the claimant is a party to the conflict (never a lower grade)."""
    stake = claimant_stake(claim)
    return f"interested party: {stake}" if stake else ""


TABLES: dict[str, list[str]] = {
    # The data model's document columns but the full text (it stays in the case), then what findings add.
    "documents": [
        *(name for name in Document.FRAME_COLUMNS if name != "text"),
        "text_sha256",
        "chars",
        "source_reliability",
        "snippet",
    ],
    "entities": ["id", "label", "name", "aliases", "mention_count", "documents", "doc_ids"],
    "mentions": ["doc_id", "start", "end", "page", "text", "label", "score", "source", "entity_id"],
    "places": list(PLACE_COLUMNS),
    "claims": [
        "id",
        "doc_id",
        "document",
        "source",
        "claimant",
        "claimant_type",
        "cue",
        "content",
        "direct",
        "hedged",
        "hedges",
        "negated",
        "quantities",
        "places",
        "admiralty",
        "credibility",
        "caveat",
        "sentence",
    ],
}

_ROWS = {
    "documents": _documents,
    "entities": _entities,
    "mentions": _mentions,
    "places": _places,
    "claims": _claims,
}


def table(findings: Findings, name: str) -> Iterator[dict[str, Any]]:
    """The rows of one shared table (``documents``, ``entities``, ``mentions``, ``places``, ``claims``)."""
    try:
        return _ROWS[name](findings)
    except KeyError:
        raise ExportError(f"unknown table {name!r}; known: {', '.join(TABLES)}") from None


def ensure_dir(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{p}: cannot create the output folder: {exc}") from exc
    return p


def ensure_parent(path: str | os.PathLike[str]) -> Path:
    p = Path(path)
    ensure_dir(p.parent)
    return p
