"""Notebook views of mentions: highlighted text in the style of spaCy's displaCy, and a DataFrame.

Every piece of document text and every label is HTML-escaped: documents are untrusted input, and a
``<script>`` in a scraped page must show as text, never run in the analyst's notebook.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from html import escape
from typing import TYPE_CHECKING, Any

from ..errors import InputError
from ..model import Document, Mention

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["COLORS", "Highlight", "highlight", "mentions_frame"]

# displaCy's palette, so the colours read the same as in spaCy tutorials.
COLORS: dict[str, str] = {
    "PERSON": "#aa9cfc",
    "ORG": "#7aecec",
    "LOC": "#ff9561",
    "GPE": "#feca74",
    "NORP": "#c887fb",
    "FAC": "#9cc9cc",
    "VESSEL": "#9cc9cc",  # spaCy has no ship label; ships are facilities-like, so they share FAC's colour
    "DATE": "#bfe1d9",
    "TIME": "#bfe1d9",
    "QUANTITY": "#e4e7d2",
    "MONEY": "#e4e7d2",
    "PERCENT": "#e4e7d2",
    "CARDINAL": "#e4e7d2",
    "MISC": "#ffeb80",
    "EVENT": "#ffeb80",
    "LAW": "#ff8197",
    "AWARD": "#f0d0ff",  # spaCy has no award label; its WORK_OF_ART colour
}
DEFAULT_COLOR = "#ddd"

_MARK = (
    '<mark class="entity" style="background: {color}; padding: 0.45em 0.6em; margin: 0 0.25em; line-height: 1;'
    ' border-radius: 0.35em;"{title}>{text}<span style="font-size: 0.8em; font-weight: bold; line-height: 1;'
    ' border-radius: 0.35em; vertical-align: middle; margin-left: 0.5rem">{label}</span></mark>'
)
_WRAPPER = (
    '<div class="entities osintkit-entities" style="line-height: 2.5; direction: ltr; white-space: normal;'
    " font-family: -apple-system, BlinkMacSystemFont, 'Segoe UI', Helvetica, Arial, sans-serif;\">{body}</div>"
)


def _text_html(text: str) -> str:
    return escape(text).replace("\n", "<br>\n")


def _title(m: Mention) -> str:
    """A hover tooltip: source, score, entity and the normalised value."""
    parts = [f"{m.source} {m.score:.2f}"]
    if m.entity_id:
        parts.append(m.entity_id)
    if m.norm:
        parts.append(json.dumps(m.norm, ensure_ascii=False, default=str, sort_keys=True))
    return f' title="{escape(" · ".join(parts), quote=True)}"'


@dataclass
class Highlight:
    """Highlighted text; shows itself in Jupyter via ``_repr_html_``; the markup is in ``.html``."""

    text: str
    mentions: list[Mention]
    hidden: list[Mention] = field(default_factory=list)
    colors: dict[str, str] = field(default_factory=dict)

    @property
    def html(self) -> str:
        out: list[str] = []
        cursor = 0
        for m in self.mentions:
            out.append(_text_html(self.text[cursor : m.start]))
            color = self.colors.get(m.label) or COLORS.get(m.label, DEFAULT_COLOR)
            out.append(
                _MARK.format(
                    color=escape(color, quote=True),
                    title=_title(m),
                    text=_text_html(self.text[m.start : m.end]),
                    label=escape(m.label),
                )
            )
            cursor = m.end
        out.append(_text_html(self.text[cursor:]))
        body = "".join(out)
        if self.hidden:
            body += (
                f'<br><small style="color: #666">{len(self.hidden)} overlapping mention(s) not shown: '
                + escape(", ".join(f"{m.text} ({m.label})" for m in self.hidden))
                + "</small>"
            )
        return _WRAPPER.format(body=body)

    def _repr_html_(self) -> str:
        return self.html

    def __str__(self) -> str:
        return self.html


def highlight(
    text_or_document: str | Document,
    mentions: Iterable[Mention] | None = None,
    *,
    labels: Sequence[str] | None = None,
    colors: dict[str, str] | None = None,
) -> Highlight:
    """Highlight ``mentions`` in a text or document (tagging it first when ``mentions`` is None).

    Overlapping mentions cannot nest in flat HTML: the longer one is drawn and the rest are listed below.
    ``labels`` keeps only those labels. A mention whose offsets do not slice to its text raises ``InputError``.
    """
    if isinstance(text_or_document, Document):
        text = text_or_document.text
    elif isinstance(text_or_document, str):
        text = text_or_document
    else:
        raise InputError(
            f"highlight needs a str or a Document, not {type(text_or_document).__name__}", field="text_or_document"
        )
    if mentions is None:
        from .tagger import tag

        mentions = tag(text_or_document)
    chosen = [m for m in mentions if labels is None or m.label in labels]
    for m in chosen:
        if not (0 <= m.start < m.end <= len(text)) or text[m.start : m.end] != m.text:
            raise InputError(f"mention {m.text!r} at {m.start}-{m.end} does not match the text there", field="mentions")
    shown: list[Mention] = []
    hidden: list[Mention] = []
    for m in sorted(chosen, key=lambda m: (-(m.end - m.start), m.start)):
        if any(m.start < s.end and s.start < m.end for s in shown):
            hidden.append(m)
        else:
            shown.append(m)
    shown.sort(key=lambda m: m.start)
    hidden.sort(key=lambda m: m.start)
    return Highlight(text=text, mentions=shown, hidden=hidden, colors=dict(colors or {}))


FRAME_COLUMNS = ("doc_id", "start", "end", "text", "label", "score", "source", "entity_id", "value", "norm")


def _value(m: Mention) -> Any:
    """A one-cell summary of ``norm``: a date or range, a number and what it counts, a country."""
    n = m.norm or {}
    if m.label == "DATE":
        if n.get("value"):
            return n["value"]
        if n.get("start"):
            return f"{n['start']}/{n['end']}"
        return None
    if m.label == "QUANTITY":
        if n.get("value") is None:
            return n.get("counted")
        value = n["value"] if n.get("value_max") is None else f"{n['value']}-{n['value_max']}"
        what = n.get("unit") or n.get("counted")
        return f"{value} {what}" if what else value
    if m.label == "NORP":
        return n.get("country_code")
    return None


def mentions_frame(mentions: Iterable[Mention]) -> pd.DataFrame:
    """One row per mention with a readable ``value`` column summarising ``norm``."""
    import pandas as pd

    rows = [
        {
            "doc_id": m.doc_id,
            "start": m.start,
            "end": m.end,
            "text": m.text,
            "label": m.label,
            "score": float(m.score),
            "source": m.source,
            "entity_id": m.entity_id,
            "value": _value(m),
            "norm": dict(m.norm or {}),
        }
        for m in mentions
    ]
    return pd.DataFrame(rows, columns=list(FRAME_COLUMNS))
