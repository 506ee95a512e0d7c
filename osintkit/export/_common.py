"""Tables and groupings every exporter shares, so the CSV, HTML and Markdown show the same rows."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import ExportError
from ..findings import Findings, credibility_digit
from ..model import PLACE_COLUMNS, Document, Place

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


def fmt_quantities(quantities: list[dict[str, Any]]) -> str:
    parts = []
    for q in quantities or []:
        text = str(q.get("text") or q.get("value") or "")
        counted = q.get("counted")
        parts.append(f"{text} ({counted})" if counted and str(counted) not in text else text)
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
        yield {
            "doc_id": m.doc_id,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "label": m.label,
            "score": round(float(m.score), 4),
            "source": m.source,
            "entity_id": m.entity_id,
        }


def _places(f: Findings) -> Iterator[dict[str, Any]]:
    for p in f.places:
        yield {
            "doc_id": p.doc_id,
            "start": p.start,
            "end": p.end,
            "text": p.text,
            "name": p.name,
            "lat": p.lat,
            "lon": p.lon,
            "geonameid": p.geonameid,
            "country_code": p.country_code,
            "feature": p.feature,
            "confidence": round(float(p.confidence), 4),
            "overridden": p.overridden,
            "alternatives": _join(a.get("name") for a in p.alternatives if isinstance(a, dict)),
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
            "sentence": c.sentence,
        }


TABLES: dict[str, list[str]] = {
    "documents": [
        "id",
        "title",
        "source",
        "author",
        "url",
        "published",
        "retrieved",
        "language",
        "loader",
        "path",
        "sha256",
        "text_sha256",
        "chars",
        "source_reliability",
        "snippet",
    ],
    "entities": ["id", "label", "name", "aliases", "mention_count", "documents", "doc_ids"],
    "mentions": ["doc_id", "start", "end", "text", "label", "score", "source", "entity_id"],
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


# -- corroboration ----------------------------------------------------------------------------------------------
# osintkit.claims.corroborate's to_dict(): groups (id, label, anchor, sources, members[claim_id, doc_id, source,
# stance, reason, similarity, echo_of], independent_sources), independence (echo links), echo_chains. The reports
# render that shape in readable tables; any key they do not know is still shown, generically.

KNOWN_CORROBORATION_KEYS = {"groups", "independence", "echo_chains", "echo_chain_ids", "unmatched_claims"}


@dataclass
class CorroborationView:
    groups: list[dict[str, Any]] = field(default_factory=list)
    contradictions: list[dict[str, Any]] = field(default_factory=list)
    independence: list[dict[str, Any]] = field(default_factory=list)
    echo_chains: list[str] = field(default_factory=list)
    unmatched: int | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def corroboration_view(findings: Findings) -> CorroborationView | None:
    data = findings.corroboration
    if data is None:
        return None
    claims = {c.id: c for c in findings.claims}
    view = CorroborationView(extra={k: v for k, v in data.items() if k not in KNOWN_CORROBORATION_KEYS})
    for g in data.get("groups") or []:
        if not isinstance(g, dict):
            view.extra.setdefault("groups", []).append(g)
            continue
        members = []
        for m in g.get("members") or []:
            if not isinstance(m, dict):
                continue
            claim = claims.get(str(m.get("claim_id")))
            row = {
                "claim_id": m.get("claim_id"),
                "claimant": claim.claimant if claim else None,
                "claim": claim.content if claim else m.get("claim_id"),
                "source": m.get("source"),
                "stance": m.get("stance"),
                "reason": m.get("reason"),
                "similarity": m.get("similarity"),
                "echo_of": m.get("echo_of"),
            }
            members.append(row)
            if str(m.get("stance") or "").startswith("contradict"):
                view.contradictions.append({**row, "group": g.get("label") or g.get("id")})
        view.groups.append(
            {
                "id": g.get("id"),
                "label": g.get("label") or g.get("id"),
                "anchor": g.get("anchor"),
                "sources": list(g.get("sources") or []),
                "independent_sources": list(g.get("independent_sources") or []),
                "members": members,
            }
        )
    for lk in data.get("independence") or []:
        if isinstance(lk, dict):
            view.independence.append(
                {
                    "echo": lk.get("echo_source") or lk.get("echo"),
                    "repeats": lk.get("original_source") or lk.get("original"),
                    "relation": lk.get("relation"),
                    "score": lk.get("score"),
                    "evidence": lk.get("evidence"),
                }
            )
    for chain in data.get("echo_chains") or []:
        if isinstance(chain, list):
            view.echo_chains.append(" → ".join(str(n) for n in chain))
        else:
            view.echo_chains.append(str(chain))
    unmatched = data.get("unmatched_claims")
    view.unmatched = unmatched if isinstance(unmatched, int) else None
    return view
