"""places.geojson: one RFC 7946 Point feature per place, carrying every mention of it and the sources behind them.

Mentions that resolve to the same GeoNames record become one feature, so a map shows one marker for "Kyiv" however
many documents name it, and the marker's properties say who named it where. Coordinates are ``[lon, lat]`` in
WGS 84 with six decimals (about 0.1 m, RFC 7946 section 11.2's advice against false precision).

A source's ``url`` is set only when it is an http(s) URL (as a valid URI), so a map viewer that turns properties into
links cannot be handed ``javascript:`` or ``data:``; any other address is kept as text in ``url_text``.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

from ..findings import Findings
from ._common import ensure_parent, group_places
from ._sanitise import clean_text, json_text, web_url, write_atomically

__all__ = ["to_geojson", "write_geojson"]


def to_geojson(findings: Findings) -> dict[str, Any]:
    """The places as a GeoJSON FeatureCollection (a dict)."""
    docs = findings.document_index()
    features: list[dict[str, Any]] = []
    for group in group_places(findings.places):
        if not (math.isfinite(group.lat) and math.isfinite(group.lon)):
            continue  # a place without a usable point cannot be a Point feature
        lat = max(-90.0, min(90.0, group.lat))
        lon = ((group.lon + 180.0) % 360.0) - 180.0 if not -180.0 <= group.lon <= 180.0 else group.lon
        mentions = [
            {
                "text": p.text,
                "doc_id": p.doc_id,
                "start": p.start,
                "end": p.end,
                "confidence": round(float(p.confidence), 4),
                "overridden": p.overridden,
            }
            for p in group.places
        ]
        sources = []
        for doc_id in group.doc_ids:
            doc = docs.get(doc_id)
            raw_url = doc.url if doc else None
            link = web_url(raw_url)
            source: dict[str, Any] = {
                "doc_id": doc_id,
                "title": doc.title if doc else None,
                "source": doc.source if doc else None,
                "url": link,
                "published": doc.published if doc else None,
                "sha256": doc.sha256 if doc else None,
            }
            if raw_url and link is None:
                source["url_text"] = clean_text(raw_url)
            sources.append(source)
        features.append(
            {
                "type": "Feature",
                "id": group.key,
                "geometry": {"type": "Point", "coordinates": [round(lon, 6), round(lat, 6)]},
                "properties": {
                    "name": group.name,
                    "geonameid": group.geonameid,
                    "country_code": group.country_code,
                    "feature": group.feature,
                    "confidence": round(group.confidence, 4),
                    "mention_count": len(mentions),
                    "document_count": len(sources),
                    "mentions": mentions,
                    "sources": sources,
                },
            }
        )
    return {
        "type": "FeatureCollection",
        "features": features,
        # Foreign members (RFC 7946 section 6.1): GeoNames' licence asks for credit wherever its data travels.
        "attribution": "; ".join(a["text"] for a in findings.attribution if a.get("text")),
        "generated_at": findings.generated_at,
        # The case state these places were exported from, so a copy can be checked against the case's log.
        "custody": {k: findings.custody.get(k) for k in ("head", "entries", "verified")},
    }


def write_geojson(findings: Findings, path: str | os.PathLike[str]) -> Path:
    target = ensure_parent(path)
    text = json_text(to_geojson(findings), indent=1)
    with write_atomically(target, "GeoJSON") as fh:
        fh.write(text + "\n")
    return target
