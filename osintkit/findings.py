"""The findings of a case, gathered once and handed to every exporter.

Exporters never read the case themselves: ``Findings.from_case`` takes one consistent snapshot (documents,
annotations, ratings, the custody-log head and its verification), so every format written in one run describes the
same state, and the findings can be built or edited in a notebook without a case file at all.
"""

from __future__ import annotations

import importlib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .model import Claim, Document, Entity, Mention, Place

if TYPE_CHECKING:
    import pandas as pd

    from .claims import Corroboration
    from .store import Case

__all__ = [
    "DEFAULT_ATTRIBUTION",
    "FINDINGS_SCHEMA_VERSION",
    "Findings",
    "admiralty",
    "attribution",
    "osintkit_version",
]

# Bump when a key of findings.json changes meaning or disappears; adding keys keeps the version.
FINDINGS_SCHEMA_VERSION = "1.0"

# Shown until the geo and tagging modules publish their own credits (osintkit.geo.ATTRIBUTION, osintkit.entities...).
DEFAULT_ATTRIBUTION: list[dict[str, str]] = [
    {
        "name": "GeoNames",
        "license": "CC BY 4.0",
        "url": "https://www.geonames.org/",
        "text": "Place names and coordinates from the GeoNames geographical database (geonames.org), CC BY 4.0.",
    },
    {
        "name": "Natural Earth",
        "license": "Public domain",
        "url": "https://www.naturalearthdata.com/",
        "text": "Map outlines made with Natural Earth, free vector and raster map data (public domain).",
    },
    {
        "name": "Entity model training data",
        "license": "see the model card",
        "url": "",
        "text": (
            "The entity tagger was trained on public NER corpora, among them the Groningen Meaning Bank (Bos et al., "
            "2017), GUM (Zeldes, 2017) and the Broad Twitter Corpus (Derczynski et al., 2016); the model card and "
            "NOTICE list every set and its licence."
        ),
    },
]

_RELIABILITY = set("ABCDEF")
_CREDIBILITY = set("123456")

# Document fields that findings.json carries; the full text stays in the case (10,000 texts would swamp every
# export), and a short snippet plus the hashes are enough to find and check it there.
_DOC_FIELDS = (
    "id",
    "sha256",
    "title",
    "source",
    "author",
    "url",
    "published",
    "retrieved",
    "language",
    "loader",
    "path",
)
SNIPPET_CHARS = 280


def osintkit_version() -> str:
    try:
        from importlib.metadata import PackageNotFoundError, version

        try:
            return version("osintkit")
        except PackageNotFoundError:
            pass
    except ImportError:  # pragma: no cover - stdlib since 3.8
        pass
    return "0.1.0"


def _optional_attr(module: str, name: str) -> Any:
    """An attribute of a module another engineer may not have shipped yet; None when absent or broken."""
    try:
        return getattr(importlib.import_module(module), name, None)
    except Exception:  # an optional module failing to import must never stop an export
        return None


def attribution() -> list[dict[str, str]]:
    """Credits for third-party data, from the geo and tag modules where they publish them."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for module in ("osintkit.geo", "osintkit.entities"):
        credits = _optional_attr(module, "ATTRIBUTION")
        for item in _as_credit_list(credits):
            if item["name"] not in seen:
                seen.add(item["name"])
                out.append(item)
    for item in DEFAULT_ATTRIBUTION:
        # The defaults fill the gaps only: a module's own credit for the same data wins.
        key = item["name"].split()[0].lower()
        if not any(key in s.lower() for s in seen):
            out.append(dict(item))
    return out


def _as_credit_list(credits: Any) -> list[dict[str, str]]:
    if not credits:
        return []
    if isinstance(credits, str):
        credits = [credits]
    elif isinstance(credits, dict):
        credits = [credits] if "text" in credits or "name" in credits else list(credits.values())
    out = []
    for c in credits:
        if isinstance(c, str):
            out.append({"name": c.split(",")[0].split("(")[0].strip()[:60], "license": "", "url": "", "text": c})
        elif isinstance(c, dict):
            text = str(c.get("text") or c.get("attribution") or c.get("name") or "")
            out.append(
                {
                    "name": str(c.get("name") or text[:60]),
                    "license": str(c.get("license") or c.get("licence") or ""),
                    "url": str(c.get("url") or ""),
                    "text": text,
                }
            )
    return out


def admiralty(source_grade: str | None, claim_grade: str | None) -> str | None:
    """The combined Admiralty display, e.g. ``"B2"``: the source's reliability letter and the claim's credibility.

    A claim graded before its source is rated shows only the digit, prefixed ``"-"`` (``"-2"``) so a reader never
    mistakes it for a full rating; ``None`` when neither is known. A claim grade that already carries a letter
    (``"B2"``) is taken as it is.
    """
    letter = _letter(source_grade)
    digit = None
    if claim_grade:
        g = claim_grade.strip().upper()
        if len(g) == 2 and g[0] in _RELIABILITY and g[1] in _CREDIBILITY:
            return g
        digit = next((ch for ch in g if ch in _CREDIBILITY), None)
    if digit is None:
        return None
    return f"{letter or '-'}{digit}"


def _letter(grade: str | None) -> str | None:
    if not grade:
        return None
    g = grade.strip().upper()
    return g[0] if g and g[0] in _RELIABILITY else None


def credibility_digit(grade: str | None) -> int | None:
    """The credibility digit 1–6 of a claim grade (``"2"`` or ``"B2"``)."""
    if not grade:
        return None
    for ch in reversed(grade.strip()):
        if ch in _CREDIBILITY:
            return int(ch)
    return None


@dataclass
class Findings:
    """Everything a case found, ready to export. ``to_dict()`` is the findings.json structure."""

    documents: list[Document] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    entities: list[Entity] = field(default_factory=list)
    places: list[Place] = field(default_factory=list)
    claims: list[Claim] = field(default_factory=list)
    corroboration: Corroboration | None = None
    ratings: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {"sources": {}, "claims": {}})
    source_cards: dict[str, dict[str, Any]] = field(default_factory=dict)
    notes: list[dict[str, Any]] = field(default_factory=list)
    custody: dict[str, Any] = field(
        default_factory=lambda: {"entries": 0, "head": None, "verified": False, "problems": []}
    )
    generated_at: str = field(
        default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")
    )
    osintkit_version: str = field(default_factory=osintkit_version)
    case_path: str | None = None
    attribution: list[dict[str, str]] = field(default_factory=attribution)

    # -- building ---------------------------------------------------------------------------------------------

    @classmethod
    def from_case(cls, case: Case, *, corroboration: Corroboration | None = None) -> Findings:
        """Snapshot a case. ``corroboration`` is computed from the case's claims when not given."""
        documents = case.documents()
        claims = case.claims()
        if corroboration is None and claims:
            from .claims import corroborate

            corroboration = corroborate(claims, documents, entities=case.entities())
        ratings: dict[str, dict[str, dict[str, Any]]] = {"sources": {}, "claims": {}}
        # Ratings come back oldest first; the analyst's latest beats any suggestion (as Case.current_rating rules).
        for row in case.ratings():
            kind = "sources" if row["kind"] == "source" else "claims"
            entry = {k: row.get(k) for k in ("grade", "origin", "actor", "rationale", "time")}
            held = ratings[kind].get(row["object_id"])
            if held is None or not (held["origin"] == "analyst" and entry["origin"] != "analyst"):
                ratings[kind][row["object_id"]] = entry
        report = case.verify()
        log = case.custody()
        custody = {
            "entries": len(log),
            "head": log[-1].entry_hash if log else None,
            "verified": bool(report.ok),
            "problems": list(report.problems),
        }
        return cls(
            documents=documents,
            mentions=case.mentions(),
            entities=case.entities(),
            places=case.places(),
            claims=claims,
            corroboration=corroboration,
            ratings=ratings,
            source_cards=case.source_cards(),
            notes=case.notes(),
            custody=custody,
            case_path=str(case.path),
        )

    # -- lookups the exporters share --------------------------------------------------------------------------

    def document_index(self) -> dict[str, Document]:
        return {d.id: d for d in self.documents}

    def source_of(self, doc: Document | None) -> str | None:
        """The key a source rating is filed under: the publisher, else the document itself."""
        if doc is None:
            return None
        return doc.source or doc.id

    def source_grade(self, doc: Document | None) -> str | None:
        if doc is None:
            return None
        for key in (doc.source, doc.id, doc.url):
            if key and key in self.ratings.get("sources", {}):
                return str(self.ratings["sources"][key].get("grade") or "") or None
        return None

    def claim_grade(self, claim_id: str) -> str | None:
        entry = self.ratings.get("claims", {}).get(claim_id)
        return str(entry.get("grade") or "") or None if entry else None

    def claim_admiralty(self, claim: Claim, docs: dict[str, Document] | None = None) -> str | None:
        docs = docs if docs is not None else self.document_index()
        return admiralty(self.source_grade(docs.get(claim.doc_id)), self.claim_grade(claim.id))

    # -- serialising ------------------------------------------------------------------------------------------

    def document_record(self, doc: Document) -> dict[str, Any]:
        rec: dict[str, Any] = {k: getattr(doc, k) for k in _DOC_FIELDS}
        rec["text_sha256"] = doc.text_hash()
        rec["chars"] = len(doc.text)
        rec["snippet"] = _snippet(doc.text)
        rec["meta"] = doc.meta
        src = self.source_grade(doc)
        rec["source_reliability"] = _letter(src)
        return rec

    def claim_record(self, claim: Claim, docs: dict[str, Document]) -> dict[str, Any]:
        rec = claim.to_dict()
        grade = self.claim_grade(claim.id)
        rec["credibility"] = credibility_digit(grade)
        rec["source_reliability"] = _letter(self.source_grade(docs.get(claim.doc_id)))
        rec["admiralty"] = admiralty(self.source_grade(docs.get(claim.doc_id)), grade)
        return rec

    def to_dict(self) -> dict[str, Any]:
        """The findings.json structure (see osintkit/export/findings.schema.json)."""
        docs = self.document_index()
        return {
            "schema_version": FINDINGS_SCHEMA_VERSION,
            "generated_at": self.generated_at,
            "osintkit_version": self.osintkit_version,
            "case_path": self.case_path,
            "documents": [self.document_record(d) for d in self.documents],
            "entities": [e.to_dict() for e in self.entities],
            "mentions": [m.to_dict() for m in self.mentions],
            "places": [p.to_dict() for p in self.places],
            "claims": [self.claim_record(c, docs) for c in self.claims],
            "corroboration": self.corroboration.to_dict() if self.corroboration is not None else None,
            "ratings": self.ratings,
            "source_cards": self.source_cards,
            "notes": self.notes,
            "custody": self.custody,
            "attribution": self.attribution,
        }

    def to_frames(self) -> dict[str, pd.DataFrame]:
        """One pandas DataFrame per table: documents, entities, mentions, places, claims, ratings, notes."""
        import pandas as pd

        docs = self.document_index()
        ratings_rows = [
            {"kind": kind[:-1], "object_id": oid, **entry}
            for kind, table in self.ratings.items()
            for oid, entry in table.items()
        ]
        tables: dict[str, tuple[list[dict[str, Any]], list[str]]] = {
            "documents": ([self.document_record(d) for d in self.documents], [*_DOC_FIELDS, "snippet"]),
            "entities": ([e.to_dict() for e in self.entities], ["id", "label", "name", "aliases", "mention_count"]),
            "mentions": ([m.to_dict() for m in self.mentions], ["doc_id", "start", "end", "text", "label", "score"]),
            "places": ([p.to_dict() for p in self.places], ["doc_id", "start", "end", "text", "name", "lat", "lon"]),
            "claims": (
                [self.claim_record(c, docs) for c in self.claims],
                ["id", "doc_id", "claimant", "cue", "content", "hedged", "admiralty"],
            ),
            "ratings": (ratings_rows, ["kind", "object_id", "grade", "origin", "actor", "rationale", "time"]),
            "notes": (list(self.notes), ["id", "object_id", "text", "actor", "time"]),
        }
        return {
            name: pd.DataFrame(rows) if rows else pd.DataFrame(columns=empty_cols)
            for name, (rows, empty_cols) in tables.items()
        }

    def summary(self) -> dict[str, int]:
        return {
            "documents": len(self.documents),
            "entities": len(self.entities),
            "mentions": len(self.mentions),
            "places": len(self.places),
            "claims": len(self.claims),
            "notes": len(self.notes),
        }

    def coverage_note(self) -> str | None:
        """A caveat for reports when documents are not in English, which the kit's entity model and claim cues read.

        Why: a Russian post yields next to no entities or claims, and a report that lists none for it would read as
        "nothing there" rather than "not read".
        """
        others = Counter(d.language for d in self.documents if d.language and d.language.split("-")[0].lower() != "en")
        if not others:
            return None
        listed = ", ".join(f"{lang}: {n}" for lang, n in others.most_common())
        slavic = sum(n for lang, n in others.items() if lang.split("-")[0].lower() in ("uk", "ru"))
        read = (
            " People, organisations and places in Ukrainian and Russian are read (natasha with pymorphy3 rules), but "
            "the claim cues and the date and quantity rules read English only, so claims listed for those documents "
            "are incomplete."
            if slavic
            else ""
        )
        rest = sum(others.values()) - slavic
        unread = (
            f" {rest} document(s) in other languages were not read for entities or claims: what is listed for them is "
            "incomplete."
            if rest
            else ""
        )
        return f"{sum(others.values())} of {len(self.documents)} documents are not in English ({listed}).{read}{unread}"

    def __repr__(self) -> str:
        counts = ", ".join(f"{v} {k}" for k, v in self.summary().items())
        return f"Findings({counts})"


def _snippet(text: str, limit: int = SNIPPET_CHARS) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"
