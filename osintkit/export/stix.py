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
cannot be judged → no confidence property at all. stix2's own ``admiralty_credibility_to_value`` does the mapping.
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
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..findings import Findings, credibility_digit
from ..model import Place
from ._common import ensure_parent, fmt_quantities, group_places
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

_CREDIBILITY_LABELS = {
    1: "1 - Confirmed by other sources",
    2: "2 - Probably True",
    3: "3 - Possibly True",
    4: "4 - Doubtful",
    5: "5 - Improbable",
    6: "6 - Truth cannot be judged",
}
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
    if digit is None or digit not in _CREDIBILITY_LABELS or digit == 6:
        return None
    try:
        from stix2.confidence.scales import admiralty_credibility_to_value

        return int(admiralty_credibility_to_value(_CREDIBILITY_LABELS[digit]))
    except ImportError:  # pragma: no cover - stix2 is a pinned dependency
        return CREDIBILITY_TO_CONFIDENCE[digit]


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


def to_stix_bundle(findings: Findings) -> Any:
    """The findings as a ``stix2.v21.Bundle`` (serialise with ``.serialize()``; ``pretty=True`` is very slow)."""
    try:
        import stix2
        from stix2 import v21
    except ImportError as exc:  # pragma: no cover - stix2 is a pinned dependency
        from ..errors import MissingExtraError

        raise MissingExtraError("the STIX export needs stix2: pip install stix2==3.0.2") from exc
    _ = stix2

    docs = findings.document_index()
    times = sorted(t for t in (_ts(d.retrieved) for d in findings.documents) if t is not None)
    epoch = times[0] if times else (_ts(findings.generated_at) or datetime(1970, 1, 1, tzinfo=UTC))
    latest = times[-1] if times else epoch

    def doc_time(doc_id: str | None) -> datetime:
        d = docs.get(doc_id or "")
        return (_ts(d.retrieved) if d else None) or epoch

    producer_id = _id("identity", "producer", "osintkit")
    common = {"created_by_ref": producer_id, "allow_custom": True}
    objects: dict[str, Any] = {}
    producer = v21.Identity(
        id=producer_id,
        created=epoch,
        modified=epoch,
        name="osintkit",
        identity_class="system",
        description="Offline OSINT research kit that produced these findings.",
    )
    objects[producer_id] = producer

    # -- sources (publishers) -------------------------------------------------------------------------------
    source_ids: dict[str, str] = {}
    for d in findings.documents:
        src = findings.source_of(d) or d.id
        if src in source_ids:
            continue
        sid = _id("identity", "source", src)
        source_ids[src] = sid
        rating = findings.ratings.get("sources", {}).get(src) or {}
        letter = str(rating.get("grade") or "")[:1].upper() or None
        card = findings.source_cards.get(src)
        custom: dict[str, Any] = {}
        if letter:
            custom["x_admiralty_reliability"] = letter
            if rating.get("rationale"):
                custom["x_admiralty_rationale"] = str(rating["rationale"])
        if card:
            custom["x_osintkit_source_card"] = card
        objects[sid] = v21.Identity(
            id=sid,
            created=doc_time(d.id),
            modified=doc_time(d.id),
            name=src,
            identity_class="organization",
            roles=["source"],
            **common,
            **custom,
        )

    # -- places ---------------------------------------------------------------------------------------------
    places_by_doc: dict[str, list[tuple[str, Place]]] = {}  # doc id -> (location id, mention), to link claims
    for g in group_places(findings.places):
        lid = _id("location", g.key)
        ext = (
            [
                {
                    "source_name": "geonames",
                    "external_id": str(g.geonameid),
                    "url": f"https://www.geonames.org/{g.geonameid}",
                }
            ]
            if g.geonameid is not None
            else []
        )
        written = sorted({p.text for p in g.places})
        first = min((doc_time(p.doc_id) for p in g.places), default=epoch)
        kwargs: dict[str, Any] = {
            "name": g.name,
            "latitude": max(-90.0, min(90.0, round(g.lat, 6))),
            "longitude": max(-180.0, min(180.0, round(g.lon, 6))),
            "description": f"Mentioned {len(g.places)} time(s) as: " + ", ".join(written),
            "x_osintkit_feature": g.feature,
            "x_osintkit_resolution_confidence": round(g.confidence, 4),
            "x_osintkit_mentions": [
                {"doc_id": p.doc_id, "start": p.start, "end": p.end, "text": p.text} for p in g.places
            ],
        }
        if g.country_code:
            kwargs["country"] = g.country_code
        if ext:
            kwargs["external_references"] = ext
        objects[lid] = v21.Location(id=lid, created=first, modified=first, **kwargs, **common)
        for p in g.places:
            places_by_doc.setdefault(p.doc_id or "", []).append((lid, p))

    # -- claims ---------------------------------------------------------------------------------------------
    claimant_ids: dict[str, str] = {}
    claim_note_ids: dict[str, str] = {}
    for c in findings.claims:
        doc = docs.get(c.doc_id)
        when = doc_time(c.doc_id)
        refs: list[str] = []
        if c.claimant:
            cid = claimant_ids.get(c.claimant)
            if cid is None:
                cid = claimant_ids[c.claimant] = _id("identity", "claimant", c.claimant)
                objects[cid] = v21.Identity(
                    id=cid,
                    created=when,
                    modified=when,
                    name=c.claimant,
                    identity_class=_identity_class(c.claimant_type),
                    roles=["claimant"],
                    x_osintkit_claimant_type=c.claimant_type,
                    **common,
                )
            refs.append(cid)
        claim_source = findings.source_of(doc)
        if claim_source and claim_source in source_ids:
            refs.append(source_ids[claim_source])
        for lid in sorted(
            {
                lid
                for lid, p in places_by_doc.get(c.doc_id, [])
                if c.sentence_start <= p.start and p.end <= c.sentence_end
            }
        ):
            refs.append(lid)
        if not refs:
            refs.append(producer_id)
        grade = findings.claim_grade(c.id)
        digit = credibility_digit(grade)
        combined = findings.claim_admiralty(c, docs)
        custom = {
            "x_osintkit_claim_id": c.id,
            "x_osintkit_doc_id": c.doc_id,
            "x_osintkit_cue": c.cue,
            "x_osintkit_hedged": c.hedged,
            "x_osintkit_hedges": list(c.hedges),
            "x_osintkit_negated": c.negated,
            "x_osintkit_sentence": c.sentence,
        }
        if c.quantities:
            custom["x_osintkit_quantities"] = c.quantities
        if combined:
            custom["x_admiralty_rating"] = combined
            if combined[0] != "-":
                custom["x_admiralty_reliability"] = combined[0]
        if digit is not None:
            custom["x_admiralty_credibility"] = digit
        confidence = credibility_to_confidence(digit)
        ext_refs = []
        if doc is not None:
            ext_refs.append(_document_ref(doc.title or doc.id, doc.id, doc.sha256, doc.url))
        nid = _id("note", "claim", c.id)
        note_kwargs: dict[str, Any] = {
            "abstract": f"{c.claimant or 'Unattributed'} {c.cue or 'claims'}".strip()[:250],
            "content": c.content or c.sentence,
            "object_refs": refs,
            "labels": ["claim"] + (["hedged"] if c.hedged else []),
            **custom,
        }
        if c.quantities:
            note_kwargs["content"] += "\n\nQuantities: " + fmt_quantities(c.quantities)
        if confidence is not None:
            note_kwargs["confidence"] = confidence
        if ext_refs:
            note_kwargs["external_references"] = ext_refs
        objects[nid] = v21.Note(id=nid, created=when, modified=when, **note_kwargs, **common)
        claim_note_ids[c.id] = nid

        if digit in CREDIBILITY_TO_OPINION:
            rating = findings.ratings.get("claims", {}).get(c.id) or {}
            rated = _ts(rating.get("time")) or when
            rated = max(rated, when)
            oid = _id("opinion", "claim", c.id, grade)
            opinion_kwargs: dict[str, Any] = {
                "opinion": CREDIBILITY_TO_OPINION[digit],
                "object_refs": [nid],
                "x_admiralty_credibility": digit,
                "x_osintkit_rating_origin": rating.get("origin"),
            }
            if rating.get("rationale"):
                opinion_kwargs["explanation"] = str(rating["rationale"])
            if rating.get("actor"):
                opinion_kwargs["authors"] = [str(rating["actor"])]
            if confidence is not None:
                opinion_kwargs["confidence"] = confidence
            objects[oid] = v21.Opinion(id=oid, created=rated, modified=rated, **opinion_kwargs, **common)

    # -- analyst notes --------------------------------------------------------------------------------------
    for n in findings.notes:
        object_id = str(n.get("object_id") or "")
        target = claim_note_ids.get(object_id) or source_ids.get(object_id) or producer_id
        note_time = max(_ts(n.get("time")) or epoch, epoch)
        nid = _id("note", "analyst", n.get("id"), object_id, n.get("text"))
        objects[nid] = v21.Note(
            id=nid,
            created=note_time,
            modified=note_time,
            content=str(n.get("text") or ""),
            abstract=f"Analyst note on {object_id}"[:250],
            authors=[str(n.get("actor") or "analyst")],
            object_refs=[target],
            labels=["analyst-note"],
            x_osintkit_object_id=object_id,
            **common,
        )

    # -- the report -----------------------------------------------------------------------------------------
    refs_all = sorted(objects)
    doc_refs = [_document_ref(d.title or d.id, d.id, d.sha256, d.url) for d in findings.documents]
    rid = _id("report", *refs_all)
    summary = findings.summary()
    report_kwargs: dict[str, Any] = {
        "name": "osintkit findings",
        "description": (
            ", ".join(f"{v} {k}" for k, v in summary.items())
            + f". Custody log head {findings.custody.get('head')}"
            + (" (verified)." if findings.custody.get("verified") else " (NOT verified).")
        ),
        "report_types": ["osint-findings"],
        "published": latest,
        "object_refs": refs_all,
        "x_osintkit_custody": findings.custody,
        "x_osintkit_attribution": [a.get("text") for a in findings.attribution],
    }
    if doc_refs:
        report_kwargs["external_references"] = doc_refs
    report = v21.Report(id=rid, created=epoch, modified=epoch, **report_kwargs, **common)
    ordered = [report, *(objects[k] for k in refs_all)]
    return v21.Bundle(objects=ordered, id=_id("bundle", rid), allow_custom=True)


def write_stix(findings: Findings, path: str | os.PathLike[str]) -> Path:
    target = ensure_parent(path)
    bundle = to_stix_bundle(findings)
    from stix2.serialization import STIXJSONEncoder

    # Not bundle.serialize(pretty=True): its property sorting is quadratic and took minutes for 200 documents.
    text = json_text(bundle, cls=STIXJSONEncoder)
    with write_atomically(target, "STIX bundle") as fh:
        fh.write(text + "\n")
    return target
