"""report.md: the findings report in Markdown, for reading in a terminal, a code host or a notes app.

Source text is escaped before it enters the Markdown: a ``|`` would split a table cell, ``<script>`` would be raw
HTML to most renderers, and ``[text](javascript:...)`` would become a link. Newlines inside a cell are folded to
spaces so each row stays one line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

from ..findings import Findings
from ._common import Strong, compact_json, corroboration_view, ensure_parent, group_places, table
from ._sanitise import clean_text, write_atomically
from .html import CREDIBILITY, RELIABILITY, _credit_extra, _short

__all__ = ["md_escape", "to_markdown", "write_markdown"]

# Backslash first, so the escapes added for the others are not escaped again.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|#~])")
_WS = re.compile(r"\s+")
MAX_TABLE_ROWS = 2000


def md_escape(value: Any) -> str:
    """Text safe inside a Markdown paragraph or table cell: metacharacters escaped, HTML neutralised, one line,
    no control characters (NUL, ESC, C1)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    text = _WS.sub(" ", clean_text(str(value))).strip()
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", text)


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]], *, limit: int = MAX_TABLE_ROWS) -> Iterator[str]:
    """Cells must already be escaped."""
    yield "| " + " | ".join(headers) + " |\n"
    yield "|" + "|".join(" --- " for _ in headers) + "|\n"
    n = 0
    extra = 0
    for row in rows:
        if n >= limit:
            extra += 1
            continue
        n += 1
        yield "| " + " | ".join(c if c else " " for c in row) + " |\n"
    if extra:
        yield f"\n*…and {extra} more rows: see the CSV files or findings.json.*\n"
    yield "\n"


def _grade(value: str | None) -> str:
    return f"**{md_escape(value)}**" if value else "unrated"


def _title(key: Any) -> str:
    text = str(key).replace("_", " ").strip()
    return md_escape(text[:1].upper() + text[1:])


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return md_escape(round(value, 3))
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return md_escape(", ".join(str(v) for v in value))
    if isinstance(value, dict | list):
        return md_escape(compact_json(value, 300))
    return md_escape(value)


def _generic(value: Any, depth: int = 0) -> Iterator[str]:
    if value is None or value == [] or value == {}:
        yield "*none*\n\n"
        return
    if isinstance(value, dict):
        if depth >= 2 or all(not isinstance(v, dict | list) for v in value.values()):
            for k, v in value.items():
                yield f"- **{_title(k)}:** {_cell(v)}\n"
            yield "\n"
            return
        for k, v in value.items():
            yield f"{'#' * (3 + depth)} {_title(k)}\n\n"
            yield from _generic(v, depth + 1)
        return
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            columns: list[str] = []
            for row in value:
                for k in row:
                    if k not in columns:
                        columns.append(k)
            columns = columns[:10]
            yield from _table([_title(c) for c in columns], ([_cell(r.get(c)) for c in columns] for r in value))
            return
        for v in value:
            yield f"- {_cell(v)}\n"
        yield "\n"
        return
    yield f"{md_escape(value)}\n\n"


def _corroboration(f: Findings) -> Iterator[str]:
    blocks = corroboration_view(f)
    if blocks is None:
        yield "Corroboration was not computed for this case.\n\n"
        return
    for b in blocks:
        if b.kind in ("h3", "h4"):
            yield f"{'#' * int(b.kind[1])} {md_escape(b.text)}\n\n"
        elif b.kind == "p":
            yield f"{md_escape(b.text)}\n\n"
        elif b.kind == "list":
            yield "".join(f"- {md_escape(item)}\n" for item in b.items) + "\n"
        else:
            yield from _table(b.headers, ([_view_cell(c) for c in row] for row in b.rows))


def _view_cell(value: Any) -> str:
    if isinstance(value, Strong):
        return f"**{md_escape(value.text)}**"
    return md_escape(value) if isinstance(value, str) else _cell(value)


def to_markdown(findings: Findings, *, title: str = "osintkit findings report") -> str:
    return "".join(_render(findings, title))


def _render(f: Findings, title: str) -> Iterator[str]:
    yield f"# {md_escape(title)}\n\n"
    where = f" from case `{f.case_path}`" if f.case_path and "`" not in f.case_path else ""
    yield f"Generated {md_escape(f.generated_at)} by osintkit {md_escape(f.osintkit_version)}{where}.\n\n"
    yield ", ".join(f"**{v}** {k}" for k, v in f.summary().items()) + ".\n\n"
    c = f.custody
    if c.get("verified"):
        yield f"Custody log verified: {c.get('entries')} entries, head `{c.get('head')}`.\n\n"
    else:
        yield f"**Custody log NOT verified** ({c.get('entries')} entries, head `{c.get('head')}`): see Provenance.\n\n"
    if note := f.coverage_note():
        yield f"**Coverage:** {md_escape(note)}\n\n"

    # -- claims first: they are what a reader came for ----------------------------------------------------------
    yield "## Claims\n\n"
    claims = list(table(f, "claims"))
    if claims:
        yield (
            "Admiralty rating = source reliability (A completely reliable … E unreliable, F cannot be judged) + "
            "claim credibility (1 confirmed … 5 improbable, 6 cannot be judged); a dash stands for an unrated "
            "source.\n\n"
        )
        yield from _table(
            ["Claimant", "Cue", "Claim", "Hedged", "Quantities", "Admiralty", "Document"],
            (
                [
                    md_escape(r["claimant"] or "(unattributed)"),
                    md_escape(r["cue"]),
                    md_escape(r["content"]) + (" *(negated)*" if r["negated"] else ""),
                    md_escape(("yes: " + r["hedges"]) if r["hedged"] and r["hedges"] else r["hedged"]),
                    md_escape(r["quantities"]),
                    _grade(r["admiralty"]) + (f" (caveat: {md_escape(r['caveat'])})" if r["caveat"] else ""),
                    md_escape(_short(r["document"], 60)),
                ]
                for r in claims
            ),
        )
    else:
        yield "No claims.\n\n"

    yield "## Corroboration\n\n"
    yield from _corroboration(f)

    yield "## Entities\n\n"
    ents = sorted(table(f, "entities"), key=lambda r: (-(r["mention_count"] or 0), str(r["name"]).casefold()))
    if ents:
        yield from _table(
            ["Name", "Type", "Aliases", "Mentions", "Documents"],
            (
                [
                    md_escape(r["name"]),
                    md_escape(r["label"]),
                    md_escape(r["aliases"]),
                    md_escape(r["mention_count"]),
                    md_escape(r["documents"]),
                ]
                for r in ents
            ),
        )
    else:
        yield "No entities.\n\n"

    yield "## Places\n\n"
    groups = group_places(f.places)
    if groups:
        yield "The map is in report.html; places.geojson holds every place with its mentions.\n\n"
        yield from _table(
            ["Place", "Country", "Kind", "Lat, lon", "Confidence", "Mentions", "As written"],
            (
                [
                    md_escape(g.name) + (f" (GeoNames {g.geonameid})" if g.geonameid else ""),
                    md_escape(g.country_code),
                    md_escape(g.feature),
                    f"{g.lat:.4f}, {g.lon:.4f}",
                    f"{g.confidence:.2f}",
                    str(len(g.places)),
                    md_escape(", ".join(sorted({p.text for p in g.places}))),
                ]
                for g in groups
            ),
        )
    else:
        yield "No places.\n\n"

    yield "## Sources\n\n"
    sources: dict[str, int] = {}
    for d in f.documents:
        key = f.source_of(d) or d.id
        sources[key] = sources.get(key, 0) + 1
    rows = []
    for src, n in sorted(sources.items(), key=lambda kv: (-kv[1], kv[0].casefold())):
        rating = f.ratings.get("sources", {}).get(src) or {}
        grade = str(rating.get("grade") or "")
        card = f.source_cards.get(src)
        why = f" ({rating.get('origin')}: {rating.get('rationale')})" if rating.get("rationale") else ""
        rows.append(
            [
                md_escape(src),
                str(n),
                _grade(grade),
                md_escape(RELIABILITY.get(grade[:1], "") + why),
                "; ".join(f"{_title(k)}: {_cell(v)}" for k, v in card.items()) if card else "",
            ]
        )
    yield from _table(["Source", "Documents", "Reliability", "Meaning", "Source card"], rows)

    if f.notes:
        yield "## Analyst notes\n\n"
        yield from _table(
            ["About", "Note", "By", "When"],
            ([md_escape(n.get(k)) for k in ("object_id", "text", "actor", "time")] for n in f.notes),
        )

    yield "## Provenance\n\n"
    yield f"- Custody log: {c.get('entries')} entries, {'verified' if c.get('verified') else '**NOT verified**'}\n"
    yield f"- Head entry hash: `{c.get('head')}`\n"
    for p in c.get("problems") or []:
        yield f"- Problem: {md_escape(p)}\n"
    yield "\n"
    yield from _table(
        ["Document", "Source", "Published", "Retrieved", "Loader", "SHA-256 of the raw bytes"],
        (
            [
                md_escape(r["title"] or r["id"]) + f" ({md_escape(r['id'])})",
                md_escape(r["source"]),
                md_escape(r["published"]),
                md_escape(r["retrieved"]),
                md_escape(r["loader"]),
                f"`{r['sha256']}`",
            ]
            for r in table(f, "documents")
        ),
    )

    yield "## Attribution\n\n"
    for a in f.attribution:
        extra = _credit_extra(a)
        yield f"- {md_escape(a.get('text') or a.get('name'))}" + (f" ({md_escape(extra)})" if extra else "") + "\n"
    yield "\n"
    yield "Scales: " + "; ".join(f"{k} {v.lower()}" for k, v in RELIABILITY.items()) + ". "
    yield "; ".join(f"{k} {v.lower()}" for k, v in CREDIBILITY.items()) + ".\n"


def write_markdown(
    findings: Findings, path: str | os.PathLike[str], *, title: str = "osintkit findings report"
) -> Path:
    target = ensure_parent(path)
    # Atomic, like every export: a run killed mid-write leaves the previous report or none, never half of one.
    with write_atomically(target, "Markdown report") as fh:
        for chunk in _render(findings, title):
            fh.write(chunk)
    return target
