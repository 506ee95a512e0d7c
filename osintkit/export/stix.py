"""findings.stix.json: the findings as a STIX 2.1 bundle, built with the stix2 library, for threat-intelligence
platforms (OpenCTI, MISP, ...).

What maps to what:

- **Report**: the whole export; ``object_refs`` lists every other object, ``external_references`` list every
  document with its URL and SHA-256.
- **Identity**: osintkit itself (``identity_class: system``, the ``created_by_ref`` of everything), each
  source/publisher (``organization``) and each claimant (``individual``/``organization``/``group``/``unknown`` from
  the claim's claimant type).
- **Location**: each place (mentions of one GeoNames record merged), with latitude, longitude, name and country,
  and a GeoNames external reference.
- **Note**: each claim (``abstract`` = claimant and cue, ``content`` = what is claimed; ``object_refs`` = the
  claimant, the source and the places in the claim's sentence) and each analyst note.
- **Opinion**: each rated claim's credibility, as agreement with the claim's Note.

Admiralty scale → STIX ``confidence``: STIX 2.1 Appendix A ("Admiralty Credibility") maps the *credibility* digit:
1 confirmed → 90, 2 probably true → 70, 3 possibly true → 50, 4 doubtful → 30, 5 improbable → 10, and 6 truth
cannot be judged → no confidence property at all (the tests check the table against stix2's own
``admiralty_credibility_to_value``).
STIX has no field for *source reliability* (A–F), so it travels in custom properties: ``x_admiralty_reliability`` on
the source's Identity and each claim's Note, and ``x_admiralty_rating`` (e.g. ``"B2"``) on the Note.
Credibility also becomes an Opinion: 1 strongly-agree, 2 agree, 3 neutral, 4 disagree, 5 strongly-disagree.

Only http(s) URLs become ``url`` properties (as valid URIs, which the official validator checks); any other source
address (``javascript:``, ``data:``, a bare name) goes into the reference's ``description`` as text.

Ids are UUIDv5 from each object's identifying content (a claim's id, a place's GeoNames id, a source's name), and
timestamps come from the documents' retrieval times, so exporting the same findings twice gives the same bundle.
"""

from __future__ import annotations

import json
import os
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from types import ModuleType
from typing import Any

from ..findings import Findings, credibility_digit
from ..model import Claim, Document, Place
from ._common import PlaceGroup, ensure_parent, fmt_quantities, group_places
from ._sanitise import clean_text, json_text, web_url, write_atomically

__all__ = [
    "CREDIBILITY_TO_CONFIDENCE",
    "CREDIBILITY_TO_OPINION",
    "STIX_NAMESPACE",
    "credibility_to_confidence",
    "to_stix_bundle",
    "write_stix",
]

# A fixed namespace so ids depend only on content; it is osintkit's own, not STIX's SCO namespace.
STIX_NAMESPACE = uuid.uuid5(uuid.NAMESPACE_URL, "https://osintkit.invalid/stix/2.1")

# STIX 2.1 Appendix A ("Admiralty Credibility"); the digits' meanings are osintkit.admiralty_scale.CREDIBILITY.
CREDIBILITY_TO_CONFIDENCE: dict[int, int | None] = {1: 90, 2: 70, 3: 50, 4: 30, 5: 10, 6: None}
CREDIBILITY_TO_OPINION: dict[int, str] = {
    1: "strongly-agree",
    2: "agree",
    3: "neutral",
    4: "disagree",
    5: "strongly-disagree",
}


def credibility_to_confidence(digit: int | None) -> int | None:
    """STIX confidence for an Admiralty credibility digit (STIX 2.1 Appendix A); None for 6 or unrated."""
    return CREDIBILITY_TO_CONFIDENCE.get(digit) if digit is not None else None


def _id(kind: str, *parts: Any) -> str:
    return f"{kind}--{uuid.uuid5(STIX_NAMESPACE, json.dumps([kind, *parts], ensure_ascii=False, default=str))}"


def _ts(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


def _document_ref(source_name: str, doc_id: str, sha256: str, url: str | None) -> dict[str, Any]:
    """An external reference to a source document; its address is a link only when it is an http(s) URL."""
    ref: dict[str, Any] = {"source_name": source_name[:250], "external_id": doc_id, "hashes": {"SHA-256": sha256}}
    link = web_url(url)
    if link is not None:
        ref["url"] = link
    elif url:
        ref["description"] = "Source address as given (not a web link): " + clean_text(url)
    return ref


def _identity_class(claimant_type: str | None) -> str:
    t = (claimant_type or "").lower()
    if any(k in t for k in ("person", "individual", "per", "official")):
        return "individual"
    if any(k in t for k in ("org", "government", "military", "agency", "media", "outlet", "institution")):
        return "organization"
    if any(k in t for k in ("group", "country", "coalition", "allies")):
        return "group"
    return "unknown"


@dataclass
class _Bundle:
    """What every builder reads (the findings and their clock) and what the builders have made so far, by id."""

    v21: ModuleType
    findings: Findings
    docs: dict[str, Document]
    epoch: datetime  # the earliest retrieval: created/modified of what has no time of its own
    latest: datetime
    producer_id: str
    objects: dict[str, Any] = field(default_factory=dict)
    source_ids: dict[str, str] = field(default_factory=dict)  # source name -> identity id
    claimant_ids: dict[str, str] = field(default_factory=dict)  # claimant name -> identity id
    claim_note_ids: dict[str, str] = field(default_factory=dict)  # claim id -> note id
    places_by_doc: dict[str, list[tuple[str, Place]]] = field(default_factory=dict)  # doc id -> (location id, mention)

    @property
    def common(self) -> dict[str, Any]:
        return {"created_by_ref": self.producer_id, "allow_custom": True}

    def doc_time(self, doc_id: str | None) -> datetime:
        d = self.docs.get(doc_id or "")
        return (_ts(d.retrieved) if d else None) or self.epoch

    def add(self, obj: Any) -> str:
        self.objects[obj.id] = obj
        return str(obj.id)


def _start(v21: ModuleType, findings: Findings) -> _Bundle:
    times = sorted(t for t in (_ts(d.retrieved) for d in findings.documents) if t is not None)
    epoch = times[0] if times else (_ts(findings.generated_at) or datetime(1970, 1, 1, tzinfo=UTC))
    return _Bundle(
        v21=v21,
        findings=findings,
        docs=findings.document_index(),
        epoch=epoch,
        latest=times[-1] if times else epoch,
        producer_id=_id("identity", "producer", "osintkit"),
    )


def _producer(b: _Bundle) -> None:
    """osintkit itself, the ``created_by_ref`` of every other object."""
    b.add(
        b.v21.Identity(
            id=b.producer_id,
            created=b.epoch,
            modified=b.epoch,
            name="osintkit",
            identity_class="system",
            description="Offline OSINT research kit that produced these findings.",
        )
    )


def _source_identity(b: _Bundle, src: str, doc: Document) -> None:
    """A source (publisher) as an organisation, with its reliability letter and source card as custom properties."""
    sid = b.source_ids[src] = _id("identity", "source", src)
    rating = b.findings.ratings.get("sources", {}).get(src) or {}
    letter = str(rating.get("grade") or "")[:1].upper() or None
    card = b.findings.source_cards.get(src)
    custom: dict[str, Any] = {}
    if letter:
        custom["x_admiralty_reliability"] = letter
        if rating.get("rationale"):
            custom["x_admiralty_rationale"] = str(rating["rationale"])
    if card:
        custom["x_osintkit_source_card"] = card
    when = b.doc_time(doc.id)
    b.add(
        b.v21.Identity(
            id=sid,
            created=when,
            modified=when,
            name=src,
            identity_class="organization",
            roles=["source"],
            **b.common,
            **custom,
        )
    )


def _location(b: _Bundle, g: PlaceGroup) -> None:
    """One place (every mention of one GeoNames record, or of one name at one point) as a Location."""
    lid = _id("location", g.key)
    first = min((b.doc_time(p.doc_id) for p in g.places), default=b.epoch)
    kwargs: dict[str, Any] = {
        "name": g.name,
        "latitude": max(-90.0, min(90.0, round(g.lat, 6))),
        "longitude": max(-180.0, min(180.0, round(g.lon, 6))),
        "description": f"Mentioned {len(g.places)} time(s) as: " + ", ".join(sorted({p.text for p in g.places})),
        "x_osintkit_feature": g.feature,
        "x_osintkit_resolution_confidence": round(g.confidence, 4),
        "x_osintkit_mentions": [{"doc_id": p.doc_id, "start": p.start, "end": p.end, "text": p.text} for p in g.places],
    }
    if g.country_code:
        kwargs["country"] = g.country_code
    if g.geonameid is not None:
        kwargs["external_references"] = [
            {
                "source_name": "geonames",
                "external_id": str(g.geonameid),
                "url": f"https://www.geonames.org/{g.geonameid}",
            }
        ]
    b.add(b.v21.Location(id=lid, created=first, modified=first, **kwargs, **b.common))
    for p in g.places:
        b.places_by_doc.setdefault(p.doc_id or "", []).append((lid, p))


def _claimant_identity(b: _Bundle, claim: Claim) -> str:
    """The claimant's identity (made at its first claim), by name."""
    name = claim.claimant or ""
    cid = b.claimant_ids.get(name)
    if cid is None:
        when = b.doc_time(claim.doc_id)
        cid = b.claimant_ids[name] = b.add(
            b.v21.Identity(
                id=_id("identity", "claimant", name),
                created=when,
                modified=when,
                name=name,
                identity_class=_identity_class(claim.claimant_type),
                roles=["claimant"],
                x_osintkit_claimant_type=claim.claimant_type,
                **b.common,
            )
        )
    return cid


def _claim_refs(b: _Bundle, claim: Claim) -> list[str]:
    """What a claim's Note is about: its claimant, its source, the places in its sentence; else the producer."""
    refs: list[str] = []
    if claim.claimant:
        refs.append(_claimant_identity(b, claim))
    source = b.findings.source_of(b.docs.get(claim.doc_id))
    if source and source in b.source_ids:
        refs.append(b.source_ids[source])
    refs += sorted(
        {
            lid
            for lid, p in b.places_by_doc.get(claim.doc_id, [])
            if claim.sentence_start <= p.start and p.end <= claim.sentence_end
        }
    )
    return refs or [b.producer_id]


def _claim_note(b: _Bundle, claim: Claim, digit: int | None) -> str:
    """A claim as a Note: abstract = claimant and cue, content = what is claimed, Admiralty grades as properties."""
    doc = b.docs.get(claim.doc_id)
    when = b.doc_time(claim.doc_id)
    combined = b.findings.claim_admiralty(claim, b.docs)
    kwargs: dict[str, Any] = {
        "abstract": f"{claim.claimant or 'Unattributed'} {claim.cue or 'claims'}".strip()[:250],
        "content": claim.content or claim.sentence,
        "object_refs": _claim_refs(b, claim),
        "labels": ["claim"] + (["hedged"] if claim.hedged else []),
        "x_osintkit_claim_id": claim.id,
        "x_osintkit_doc_id": claim.doc_id,
        "x_osintkit_cue": claim.cue,
        "x_osintkit_hedged": claim.hedged,
        "x_osintkit_hedges": list(claim.hedges),
        "x_osintkit_negated": claim.negated,
        "x_osintkit_sentence": claim.sentence,
    }
    if claim.quantities:
        kwargs["x_osintkit_quantities"] = [q.published() for q in claim.quantities]
        kwargs["content"] += "\n\nQuantities: " + fmt_quantities(claim.quantities)
    if combined:
        kwargs["x_admiralty_rating"] = combined
        if combined[0] != "-":
            kwargs["x_admiralty_reliability"] = combined[0]
    if digit is not None:
        kwargs["x_admiralty_credibility"] = digit
    confidence = credibility_to_confidence(digit)
    if confidence is not None:
        kwargs["confidence"] = confidence
    if doc is not None:
        kwargs["external_references"] = [_document_ref(doc.title or doc.id, doc.id, doc.sha256, doc.url)]
    nid = b.claim_note_ids[claim.id] = _id("note", "claim", claim.id)
    return b.add(b.v21.Note(id=nid, created=when, modified=when, **kwargs, **b.common))


def _claim_opinion(b: _Bundle, claim: Claim, digit: int, note_id: str) -> None:
    """A graded claim's credibility as agreement with its Note, by whom and why."""
    when = b.doc_time(claim.doc_id)
    rating = b.findings.ratings.get("claims", {}).get(claim.id) or {}
    rated = max(_ts(rating.get("time")) or when, when)
    kwargs: dict[str, Any] = {
        "opinion": CREDIBILITY_TO_OPINION[digit],
        "object_refs": [note_id],
        "x_admiralty_credibility": digit,
        "x_osintkit_rating_origin": rating.get("origin"),
    }
    if rating.get("rationale"):
        kwargs["explanation"] = str(rating["rationale"])
    if rating.get("actor"):
        kwargs["authors"] = [str(rating["actor"])]
    confidence = credibility_to_confidence(digit)
    if confidence is not None:
        kwargs["confidence"] = confidence
    oid = _id("opinion", "claim", claim.id, b.findings.claim_grade(claim.id))
    b.add(b.v21.Opinion(id=oid, created=rated, modified=rated, **kwargs, **b.common))


def _analyst_note(b: _Bundle, note: dict[str, Any]) -> None:
    """An analyst's note, attached to the claim or source it is about (else to the producer)."""
    object_id = str(note.get("object_id") or "")
    target = b.claim_note_ids.get(object_id) or b.source_ids.get(object_id) or b.producer_id
    when = max(_ts(note.get("time")) or b.epoch, b.epoch)
    b.add(
        b.v21.Note(
            id=_id("note", "analyst", note.get("id"), object_id, note.get("text")),
            created=when,
            modified=when,
            content=str(note.get("text") or ""),
            abstract=f"Analyst note on {object_id}"[:250],
            authors=[str(note.get("actor") or "analyst")],
            object_refs=[target],
            labels=["analyst-note"],
            x_osintkit_object_id=object_id,
            **b.common,
        )
    )


def _report(b: _Bundle, refs: list[str]) -> Any:
    """The whole export as a Report: every other object, every document with its URL and SHA-256."""
    f = b.findings
    kwargs: dict[str, Any] = {
        "name": "osintkit findings",
        "description": (
            ", ".join(f"{v} {k}" for k, v in f.summary().items())
            + f". Custody log head {f.custody.get('head')}"
            + (" (verified)." if f.custody.get("verified") else " (NOT verified).")
        ),
        "report_types": ["osint-findings"],
        "published": b.latest,
        "object_refs": refs,
        "x_osintkit_custody": f.custody,
        "x_osintkit_attribution": [a.get("text") for a in f.attribution],
    }
    if f.documents:
        kwargs["external_references"] = [_document_ref(d.title or d.id, d.id, d.sha256, d.url) for d in f.documents]
    return b.v21.Report(id=_id("report", *refs), created=b.epoch, modified=b.epoch, **kwargs, **b.common)


def to_stix_bundle(findings: Findings) -> Any:
    """The findings as a ``stix2.v21.Bundle`` (serialise with ``.serialize()``; ``pretty=True`` is very slow)."""
    # Imported here: stix2 takes about 0.14 s to import, which only this export needs.
    from stix2 import v21

    b = _start(v21, findings)
    _producer(b)
    for d in findings.documents:
        src = findings.source_of(d) or d.id
        if src not in b.source_ids:
            _source_identity(b, src, d)
    for g in group_places(findings.places):
        _location(b, g)
    for c in findings.claims:
        digit = credibility_digit(findings.claim_grade(c.id))
        note_id = _claim_note(b, c, digit)
        if digit in CREDIBILITY_TO_OPINION:
            _claim_opinion(b, c, digit, note_id)
    for n in findings.notes:
        _analyst_note(b, n)
    refs = sorted(b.objects)
    report = _report(b, refs)
    return v21.Bundle(objects=[report, *(b.objects[k] for k in refs)], id=_id("bundle", report.id), allow_custom=True)


def write_stix(findings: Findings, path: str | os.PathLike[str]) -> Path:
    target = ensure_parent(path)
    bundle = to_stix_bundle(findings)
    from stix2.serialization import STIXJSONEncoder

    # Not bundle.serialize(pretty=True): its property sorting is quadratic and took minutes for 200 documents.
    text = json_text(bundle, cls=STIXJSONEncoder)
    with write_atomically(target, "STIX bundle") as fh:
        fh.write(text + "\n")
    return target
