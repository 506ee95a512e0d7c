"""The report model: what report.html and report.md show, built once from ``Findings`` as typed sections and rows.

The templates in ``templates/`` only lay it out. Values stay as the case holds them (text is escaped by the
template environment, never here), except where both formats show the same formatted text (coordinates, scores).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

from ..admiralty_scale import CREDIBILITY_LABELS, RELIABILITY_LABELS, grade_meaning
from ..assess import claimant_stake
from ..findings import Findings
from ._common import compact_json, group_places, table

__all__ = [
    "Block",
    "CardField",
    "ClaimRow",
    "Credit",
    "Custody",
    "DocumentRow",
    "EntityRow",
    "Grade",
    "LanguageRow",
    "NoteRow",
    "PlaceRow",
    "Report",
    "SourceRow",
    "Strong",
    "build_report",
    "card_text",
]


@dataclass(frozen=True)
class Grade:
    """A shown Admiralty grade (``"B2"``, ``"-2"`` for an unrated source, ``"B"`` for a source) and its meaning;
    ``code`` is empty when unrated."""

    code: str
    meaning: str

    @classmethod
    def of(cls, code: str | None) -> Grade:
        return cls(code or "", grade_meaning(code) if code else "")


@dataclass(frozen=True)
class EntityRow:
    name: str
    label: str
    aliases: str
    mentions: int
    documents: int


@dataclass(frozen=True)
class PlaceRow:
    """One real-world place with every mention resolved to it (see ``_common.group_places``)."""

    name: str
    geonameid: int | None
    country_code: str | None
    feature: str
    position: str  # "lat, lon" to four decimals (about 10 m)
    confidence: str
    mentions: int
    written: str  # the distinct spellings in the sources


@dataclass(frozen=True)
class ClaimRow:
    claimant: str
    claimant_type: str | None
    cue: str | None
    content: str
    negated: bool
    hedged: str  # "yes: the hedges", "yes" or "no"
    quantities: str
    grade: Grade
    caveat: str
    document: str | None


@dataclass(frozen=True)
class CardField:
    """One field of a source card: its title and its value as the analyst saved it (see ``card_text``)."""

    title: str
    value: Any


@dataclass(frozen=True)
class SourceRow:
    name: str
    documents: int
    grade: Grade
    meaning: str  # the reliability letter's label
    rated: bool
    origin: str | None  # "analyst" or "suggested"
    rationale: str | None
    card: list[CardField]


@dataclass(frozen=True)
class NoteRow:
    about: Any
    text: Any
    by: Any
    when: Any


@dataclass(frozen=True)
class DocumentRow:
    id: str
    title: str  # the title, else the id
    location: str  # the URL, else the path, else ""
    snippet: str | None
    source: str | None
    published: str | None
    retrieved: str | None
    loader: str | None
    sha256: str


@dataclass(frozen=True)
class LanguageRow:
    """One language of the documents: how many, whether the kit read them, and with which models (versions)."""

    language: str  # "Ukrainian (uk)"
    documents: int
    read: bool
    models: str  # "; "-joined, or why there are none


@dataclass(frozen=True)
class Custody:
    entries: Any
    head: str | None
    verified: bool
    problems: list[str]


@dataclass(frozen=True)
class Credit:
    text: str
    extra: str  # licence and URL where the text does not already say them


@dataclass(frozen=True)
class Strong:
    """A table cell to emphasise (a contradiction's stance)."""

    text: str


@dataclass
class Block:
    """One piece of the corroboration section, in reading order."""

    kind: Literal["h3", "h4", "p", "table", "list"]
    text: str = ""
    headers: list[str] = field(default_factory=list)
    rows: list[list[str | Strong]] = field(default_factory=list)
    items: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    title: str
    generated_at: str
    version: str
    case_path: str | None
    counts: dict[str, int]
    coverage: str | None
    entities: list[EntityRow]
    places: list[PlaceRow]
    claims: list[ClaimRow]
    corroboration: list[Block] | None  # None: not computed for this case
    sources: list[SourceRow]
    other_cards: list[CardField]  # cards of sources with no document in the findings
    notes: list[NoteRow]
    languages: list[LanguageRow]
    custody: Custody
    documents: list[DocumentRow]
    credits: list[Credit]
    reliability: dict[str, str] = field(default_factory=lambda: dict(RELIABILITY_LABELS))
    credibility: dict[str, str] = field(default_factory=lambda: dict(CREDIBILITY_LABELS))


def build_report(findings: Findings, title: str = "osintkit findings report") -> Report:
    """The report model of ``findings``; every format's template renders this one object."""
    f = findings
    c = f.custody
    per_source = _source_docs(f)
    return Report(
        title=title,
        generated_at=f.generated_at,
        version=f.osintkit_version,
        case_path=f.case_path,
        counts=f.summary(),
        coverage=f.coverage_note(),
        entities=_entities(f),
        places=_places(f),
        claims=_claims(f),
        corroboration=corroboration_view(f),
        sources=_sources(f, per_source),
        other_cards=[CardField(_title(k), v) for k, v in f.source_cards.items() if k not in per_source],
        notes=[NoteRow(n.get("object_id"), n.get("text"), n.get("actor"), n.get("time")) for n in f.notes],
        languages=_languages(f),
        custody=Custody(c.get("entries"), c.get("head"), bool(c.get("verified")), list(c.get("problems") or [])),
        documents=_documents(f),
        credits=[Credit(a.get("text", ""), _credit_extra(a)) for a in f.attribution],
    )


def _languages(f: Findings) -> list[LanguageRow]:
    return [
        LanguageRow(
            language=f"{lang.name} ({lang.code})",
            documents=lang.documents,
            read=lang.read,
            models="; ".join(lang.models) if lang.read else "not read: stored and hashed only",
        )
        for lang in f.languages
    ]


def _documents(f: Findings) -> list[DocumentRow]:
    return [
        DocumentRow(
            id=r["id"],
            title=r["title"] or r["id"],
            location=r["url"] or r["path"] or "",
            snippet=r["snippet"],
            source=r["source"],
            published=r["published"],
            retrieved=r["retrieved"],
            loader=r["loader"],
            sha256=r["sha256"],
        )
        for r in table(f, "documents")
    ]


def _entities(f: Findings) -> list[EntityRow]:
    rows = sorted(table(f, "entities"), key=lambda r: (-(r["mention_count"] or 0), str(r["name"]).casefold()))
    return [EntityRow(r["name"], r["label"], r["aliases"], r["mention_count"], r["documents"]) for r in rows]


def _places(f: Findings) -> list[PlaceRow]:
    return [
        PlaceRow(
            name=g.name,
            geonameid=g.geonameid,
            country_code=g.country_code,
            feature=g.feature,
            position=f"{g.lat:.4f}, {g.lon:.4f}",
            confidence=f"{g.confidence:.2f}",
            mentions=len(g.places),
            written=", ".join(sorted({p.text for p in g.places})),
        )
        for g in group_places(f.places)
    ]


def _claims(f: Findings) -> list[ClaimRow]:
    return [
        ClaimRow(
            claimant=r["claimant"] or "(unattributed)",
            claimant_type=r["claimant_type"],
            cue=r["cue"],
            content=r["content"],
            negated=bool(r["negated"]),
            hedged=("yes: " + r["hedges"]) if r["hedged"] and r["hedges"] else ("yes" if r["hedged"] else "no"),
            quantities=r["quantities"],
            grade=Grade.of(r["admiralty"]),
            caveat=r["caveat"],
            document=r["document"],
        )
        for r in table(f, "claims")
    ]


def _source_docs(f: Findings) -> dict[str, int]:
    """Documents per source (the key a source rating is filed under), most documents first."""
    counts: dict[str, int] = {}
    for d in f.documents:
        key = f.source_of(d) or d.id
        counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0].casefold())))


def _sources(f: Findings, per_source: dict[str, int]) -> list[SourceRow]:
    rows = []
    for src, n in per_source.items():
        rating = f.ratings.get("sources", {}).get(src) or {}
        grade = str(rating.get("grade") or "")
        card = f.source_cards.get(src) or {}
        rows.append(
            SourceRow(
                name=src,
                documents=n,
                grade=Grade.of(grade),
                meaning=RELIABILITY_LABELS.get(grade[:1], ""),
                rated=bool(rating),
                origin=rating.get("origin"),
                rationale=rating.get("rationale"),
                card=[CardField(_title(k), v) for k, v in card.items()],
            )
        )
    return rows


def card_text(value: Any, limit: int) -> tuple[Any, bool]:
    """A source card's value as a report shows it, and whether it is nested data: floats to three places, a list of
    plain values joined, anything nested as compact JSON of at most ``limit`` characters, other values as they are
    (the template's escaper renders None and booleans)."""
    if isinstance(value, float):
        return round(value, 3), False
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return ", ".join(str(v) for v in value), False
    if isinstance(value, dict | list):
        return compact_json(value, limit), True
    return value, False


def _title(key: Any) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _credit_extra(a: dict[str, str]) -> str:
    """Licence and URL, leaving out what the credit's text already says."""
    text = a.get("text", "")
    return " ".join(x for x in (a.get("license"), a.get("url")) if x and x not in text)


# -- corroboration ----------------------------------------------------------------------------------------------


def corroboration_view(findings: Findings) -> list[Block] | None:
    """The corroboration section's blocks: contradictions with their reasons, propositions with each claim's origin
    chain and caveats, copy links with the evidence for their direction, echo chains."""
    co = findings.corroboration
    if co is None:
        return None
    claims = {c.id: c for c in findings.claims} | co.claims
    shared = [g for g in co.groups if len({m.doc_id for m in g.members}) > 1]
    real = [x for x in co.contradictions if x.kind == "contradiction"]
    discrepancies = [x for x in co.contradictions if x.kind != "contradiction"]
    blocks = [
        Block(
            "p",
            f"{len(shared)} propositions are reported by more than one document; {len(real)} contradictions and "
            f"{len(discrepancies)} discrepancies; {len(co.parents)} documents repeat another (copy, citation or "
            f"wire); {len(co.unmatched)} claims stand alone. Independence counts origins (a speaker, or the outlet "
            "at the root of a copy chain), not outlets.",
        )
    ]

    def text(cid: str) -> str:
        c = claims.get(cid)
        return c.content if c else cid

    def claimant(cid: str) -> str:
        c = claims.get(cid)
        return (c.claimant or "") if c else ""

    group_label = {g.id: g.label for g in co.groups}
    blocks.append(Block("h3", "Contradictions"))
    if real:
        blocks.append(
            Block(
                "table",
                headers=["Proposition", "Claim", "Source", "Conflicting claim", "Source", "Slot", "Why"],
                rows=[
                    [
                        group_label.get(x.group_id, x.group_id),
                        text(x.claim_a),
                        x.source_a,
                        text(x.claim_b),
                        x.source_b,
                        x.slot,
                        x.reason + ("" if x.independent else " (relays of one origin: a relay error)"),
                    ]
                    for x in real
                ],
            )
        )
    else:
        blocks.append(Block("p", "No contradictions found."))
    if discrepancies:
        blocks.append(Block("h3", "Discrepancies"))
        blocks.append(
            Block(
                "table",
                headers=["Claim", "Source", "Other report", "Source", "Slot", "Why"],
                rows=[
                    [text(x.claim_b), x.source_b, text(x.claim_a), x.source_a, x.slot, x.reason] for x in discrepancies
                ],
            )
        )
    if shared:
        blocks.append(Block("h3", "Propositions"))
    for g in shared:
        blocks.append(Block("h4", g.label))
        blocks.append(
            Block(
                "p",
                f"Independent origins in agreement ({len(g.independent_origins)}): "
                f"{', '.join(g.independent_origins) or 'none'}. Reported by: {', '.join(g.sources)}.",
            )
        )
        rows: list[list[str | Strong]] = []
        for m in g.members:
            claim = claims.get(m.claim_id)
            stake = claimant_stake(claim) if claim else None
            rows.append(
                [
                    claimant(m.claim_id),
                    text(m.claim_id),
                    m.source,
                    Strong(m.stance) if m.stance == "contradicts" else m.stance,
                    m.reason,
                    " ← ".join(co.chain_of(m.claim_id)) if m.claim_id in co.origins else "",
                    f"interested party: {stake}" if stake else "",
                ]
            )
        blocks.append(
            Block(
                "table", headers=["Claimant", "Claim", "Source", "Stance", "Why", "Origin chain", "Caveat"], rows=rows
            )
        )
    blocks.append(Block("h3", "Copy links"))
    if co.links:
        blocks.append(
            Block(
                "table",
                headers=["Document", "Repeats", "How", "Direction from", "Evidence"],
                rows=[
                    [co.source_of(lk.copy), co.source_of(lk.original), lk.relation, lk.direction, lk.evidence]
                    for lk in co.links
                ],
            )
        )
        chains = [" → ".join(co.source_of(n) for n in chain) for chain in co.echo_chains]
        blocks.append(Block("p", "Echo chains, original first:"))
        blocks.append(Block("list", items=chains))
    else:
        blocks.append(Block("p", "No document repeats another."))
    return blocks
