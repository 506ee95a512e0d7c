"""Notebook views of claims: the corroboration matrix and the timeline of dated claims."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from osintkit.text import one_line

if TYPE_CHECKING:
    from osintkit.model import Claim, Document

    from .corroboration import Corroboration, Proposition

__all__ = [
    "CELL_COLOURS",
    "LABEL_LIMIT",
    "contradictions_frame",
    "copy_links_frame",
    "corroboration_matrix",
    "origins_frame",
    "styled_matrix",
    "timeline",
]

CELL_COLOURS = {
    "agrees": "background-color:#c8e6c9",
    "adds": "background-color:#bbdefb",
    "contradicts": "background-color:#ffcdd2",
    "discrepancy": "background-color:#fff3c4",
    "echo": "background-color:#eeeeee;color:#777",
}
_CELL = {"agrees": "agrees", "adds detail": "adds", "contradicts": "contradicts", "discrepancy": "discrepancy"}
# Long enough for most claims to show whole; a longer one ends at a sentence or a word (Proposition.label is cut at
# a fixed width, mid-word, which reads as a typo in a table).
LABEL_LIMIT = 160


def _shorten(text: str, limit: int = LABEL_LIMIT) -> str:
    return one_line(text, limit)


def _proposition_label(corroboration: Corroboration, group: Proposition) -> str:
    """What a group is about, for a table: its anchor claim, with the claimant when attributed, shortened."""
    anchor = corroboration.claims.get(group.anchor)
    if anchor is None:
        return _shorten(group.label)
    text = anchor.content.strip()
    if anchor.attributed and anchor.claimant:
        text = f"{anchor.claimant}: {text}"
    return _shorten(text)


def corroboration_matrix(claims: Sequence[Claim] | None, corroboration: Corroboration) -> Any:
    """Groups (rows, labelled by proposition) × sources (columns); cells agree/adds/contradicts/echo, blank if silent.

    An echo's cell says "echo" whatever it repeats, because it adds no independent weight. ``claims`` may narrow
    the rows to the groups that contain one of them.
    """
    import pandas as pd

    wanted = {c.id for c in claims} if claims is not None else None
    sources = sorted({m.source for g in corroboration.groups for m in g.members})
    rows: list[dict[str, Any]] = []
    index: list[str] = []
    for g in corroboration.groups:
        if wanted is not None and not any(m.claim_id in wanted for m in g.members):
            continue
        row: dict[str, Any] = dict.fromkeys(sources, "")
        for m in g.members:
            cell = "echo" if m.echo_of else _CELL.get(m.stance, m.stance)
            # A source with two claims in a group shows its strongest signal: a contradiction first.
            if row[m.source] != "contradicts":
                row[m.source] = cell
        row["independent sources"] = len(corroboration.independent_sources(g))
        rows.append(row)
        index.append(_proposition_label(corroboration, g))
    frame = pd.DataFrame(rows, index=pd.Index(index, name="proposition"), columns=[*sources, "independent sources"])
    return frame


def styled_matrix(claims: Sequence[Claim] | None, corroboration: Corroboration) -> Any:
    """The matrix as a pandas Styler: green agrees, blue adds detail, red contradicts, grey echo."""
    frame = corroboration_matrix(claims, corroboration)
    cols = [c for c in frame.columns if c != "independent sources"]
    return frame.style.map(lambda v: CELL_COLOURS.get(v, ""), subset=cols).set_caption(
        "Corroboration: agrees · adds (detail) · contradicts · discrepancy (e.g. another platform) · echo (copy, "
        "citation or wire reprint: not independent)"
    )


def _date_key(d: dict[str, Any]) -> str | None:
    for k in ("value", "start"):
        if d.get(k):
            return str(d[k])[:10]
    return None


def timeline(claims: Sequence[Claim], documents: Iterable[Document] | None = None) -> Any:
    """Dated claims sorted by resolved date: one row per (claim, date). Dates without a resolved value are left out.

    ``end`` is the last day of a span ("in December", "last week") and empty (NaT) for a single day, so a table
    shows it only where it says something.

    With ``documents`` each row also names its document's publisher (``source``) and title (``document``, the file's
    name where it has no title), so a reader never meets a ``doc_id``; the ids stay for code.
    """
    import pandas as pd

    docs = {d.id: d for d in documents} if documents is not None else None
    rows = []
    for c in claims:
        for d in c.dates:
            key = _date_key(d)
            if key is None:
                continue
            row = {
                "date": pd.Timestamp(key),
                "end": _end(d, key),
                "date_text": d.get("text"),
                "claimant": c.claimant,
                "cue": c.cue,
                "content": c.content,
                "hedged": c.hedged,
                "doc_id": c.doc_id,
                "claim_id": c.id,
            }
            if docs is not None:
                doc = docs.get(c.doc_id)
                row["source"] = doc.source if doc is not None else None
                row["document"] = _title(doc) if doc is not None else None
            rows.append(row)
    cols = ["date", "end", "date_text", "claimant", "cue", "content", "hedged"]
    cols += ["source", "document", "doc_id", "claim_id"] if docs is not None else ["doc_id", "claim_id"]
    frame = pd.DataFrame(rows, columns=cols)
    return frame.sort_values(["date", "doc_id"], kind="stable").reset_index(drop=True)


def _end(date: dict[str, Any], start: str) -> Any:
    import pandas as pd

    end = str(date.get("end") or "")[:10]
    return pd.Timestamp(end) if end and end != start else pd.NaT


def _title(doc: Document) -> str:
    return doc.title or (doc.path or doc.id).replace("\\", "/").rsplit("/", 1)[-1]


def contradictions_frame(corroboration: Corroboration) -> Any:
    """One row per contradiction or discrepancy: the two claims, their sources, the slot and the reason."""
    import pandas as pd

    co = corroboration
    labels = {g.id: _proposition_label(co, g) for g in co.groups}
    rows = [
        {
            "kind": x.kind,
            "slot": x.slot,
            "reason": x.reason,
            "source": x.source_a,
            "claim": co.claims[x.claim_a].content,
            "other source": x.source_b,
            "other claim": co.claims[x.claim_b].content,
            "independent": x.independent,
            "proposition": labels.get(x.group_id, ""),
        }
        for x in co.contradictions
    ]
    columns = ["kind", "slot", "reason", "source", "claim", "other source", "other claim", "independent", "proposition"]
    return pd.DataFrame(rows, columns=columns)


def copy_links_frame(corroboration: Corroboration) -> Any:
    """One row per echo document: the original it repeats, how, and what decided the direction."""
    import pandas as pd

    co = corroboration
    rows = [
        {
            "document": co.source_of(copy),
            "repeats": co.source_of(link.original),
            "how": link.relation,
            "direction from": link.direction,
            "evidence": link.evidence,
        }
        for copy, link in sorted(co.parents.items(), key=lambda kv: co.source_of(kv[0]))
    ]
    return pd.DataFrame(rows, columns=["document", "repeats", "how", "direction from", "evidence"])


def origins_frame(corroboration: Corroboration) -> Any:
    """One row per proposition reported by several documents: its independent origins and each claim's chain."""
    import pandas as pd

    co = corroboration
    rows = []
    for g in co.groups:
        label = _proposition_label(co, g)
        for m in g.members:
            rows.append(
                {
                    "proposition": label,
                    "independent origins": len(g.independent_origins),
                    "source": m.source,
                    "stance": m.stance,
                    "origin chain": " ← ".join(co.chain_of(m.claim_id)),
                }
            )
    return pd.DataFrame(rows, columns=["proposition", "independent origins", "source", "stance", "origin chain"])
