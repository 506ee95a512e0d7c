"""Source cards: what the analyst learnt about a source by reading laterally (SIFT).

SIFT (Mike Caulfield): **S**top; **I**nvestigate the source; **F**ind better coverage; **T**race claims, quotes
and media to their original context. A card keeps those notes next to the source's reliability grade and the
facts the case itself knows about the source (documents, claims, echoes).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from osintkit.admiralty_scale import RELIABILITY

if TYPE_CHECKING:
    from osintkit.store import Case

__all__ = ["SIFT_PROMPTS", "SourceCard", "set_source_card", "source_card"]

SIFT_PROMPTS: dict[str, str] = {
    "stop": "Stop: what do you know about this source, and what is your emotional reaction to the claim?",
    "investigate": "Investigate the source: who runs it, who funds it, what is its expertise and its agenda?",
    "find_better": "Find better coverage: what do other, independent and more authoritative sources say?",
    "trace": "Trace claims, quotes and media back to their original context: who said it first, and where?",
}
_NOTE_FIELDS = ("stop", "investigate", "find_better", "trace", "ownership", "notes")


@dataclass
class SourceCard:
    source: str
    stop: str = ""
    investigate: str = ""
    find_better: str = ""
    trace: str = ""
    ownership: str = ""
    notes: str = ""
    links: list[str] = field(default_factory=list)
    # Read from the case when the card is shown, never stored:
    reliability: str | None = None
    reliability_origin: str | None = None
    reliability_rationale: str = ""
    documents: int = 0
    claims: int = 0

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def stored(self) -> dict[str, Any]:
        """The analyst's part of the card: what ``Case.set_source_card`` keeps."""
        return {k: getattr(self, k) for k in (*_NOTE_FIELDS, "links")}

    @property
    def sift_complete(self) -> bool:
        return all(getattr(self, k).strip() for k in SIFT_PROMPTS)

    def _repr_html_(self) -> str:
        grade = self.reliability or "—"
        label = RELIABILITY[self.reliability][0] if self.reliability in RELIABILITY else "not rated"
        by = f" ({escape(self.reliability_origin)})" if self.reliability_origin else ""
        rows = "".join(
            f"<tr><th style='text-align:left;vertical-align:top'>{escape(k.replace('_', ' ').title())}</th>"
            f"<td>{escape(getattr(self, k)) or f'<i style=color:#888>{escape(SIFT_PROMPTS[k])}</i>'}</td></tr>"
            for k in SIFT_PROMPTS
        )
        extra = "".join(
            f"<tr><th style='text-align:left'>{k.title()}</th><td>{escape(getattr(self, k))}</td></tr>"
            for k in ("ownership", "notes")
            if getattr(self, k)
        )
        links = "".join(f"<li><a href='{escape(u)}'>{escape(u)}</a></li>" for u in self.links)
        return (
            f"<div class='osintkit-source-card' style='border:1px solid #ccc;padding:8px;max-width:720px'>"
            f"<b>{escape(self.source)}</b> — reliability <b>{escape(grade)}</b> {escape(label)}{by}"
            f"<br><small>{self.documents} documents, {self.claims} claims in this case"
            f"{' · ' + escape(self.reliability_rationale) if self.reliability_rationale else ''}</small>"
            f"<table>{rows}{extra}</table>{f'<ul>{links}</ul>' if links else ''}</div>"
        )


def source_card(case: Case, source: str) -> SourceCard:
    """The card for ``source``: the stored notes (blank if none yet) plus what the case knows about it."""
    stored = case.source_cards().get(source, {})
    card = SourceCard(source=source, **{k: v for k, v in stored.items() if k in (*_NOTE_FIELDS, "links")})
    rating = case.current_rating("source", source)
    if rating:
        card.reliability = rating["grade"]
        card.reliability_origin = rating["origin"]
        card.reliability_rationale = rating["rationale"]
    doc_ids = [d.id for d in case.documents() if (d.source or d.id) == source]
    card.documents = len(doc_ids)
    card.claims = sum(len(case.claims(d)) for d in doc_ids)
    return card


def set_source_card(case: Case, source: str, **notes: Any) -> SourceCard:
    """Update a source's SIFT notes (``stop``, ``investigate``, ``find_better``, ``trace``, ``ownership``,
    ``notes``, ``links``); fields not given keep their stored value. Logged in the custody log."""
    from osintkit.errors import AssessmentError

    unknown = set(notes) - {*_NOTE_FIELDS, "links"}
    if unknown:
        raise AssessmentError(
            f"unknown source card field(s) {', '.join(sorted(unknown))}; use {', '.join((*_NOTE_FIELDS, 'links'))}"
        )
    card = source_card(case, source)
    for k, v in notes.items():
        setattr(card, k, list(v) if k == "links" else str(v))
    case.set_source_card(source, card.stored())
    return source_card(case, source)
