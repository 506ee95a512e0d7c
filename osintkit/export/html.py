"""report.html: a self-contained report that can be mailed, archived or handed to an editor as one file.

Everything in it comes from sources an adversary may control, so every value passes through ``html.escape`` and
nothing from a source ever becomes markup, a link target or a URL to load: source URLs are shown as text, because a
``javascript:`` URL in a scraped page must not become a clickable link. The page loads nothing from outside (inline
CSS, the map as a ``data:`` image) and carries a Content-Security-Policy that forbids scripts, as a second line of
defence should an escape ever be missed.

Full document texts are left out (titles, hashes and short snippets only) so a 10,000-document case still gives a
report a browser opens.
"""

from __future__ import annotations

import base64
import importlib
import os
from collections.abc import Iterable, Sequence
from html import escape
from pathlib import Path
from typing import Any

from ..findings import Findings
from ._common import Strong, compact_json, corroboration_view, ensure_parent, group_places, table
from ._sanitise import clean_text, write_atomically

__all__ = ["CREDIBILITY", "RELIABILITY", "static_map_data_uri", "to_html", "write_html"]

RELIABILITY = {
    "A": "Completely reliable",
    "B": "Usually reliable",
    "C": "Fairly reliable",
    "D": "Not usually reliable",
    "E": "Unreliable",
    "F": "Reliability cannot be judged",
}
CREDIBILITY = {
    "1": "Confirmed by other sources",
    "2": "Probably true",
    "3": "Possibly true",
    "4": "Doubtful",
    "5": "Improbable",
    "6": "Truth cannot be judged",
}

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'"

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;max-width:1200px;
margin:0 auto;padding:1.5em;background:#fff}
h1{font-size:1.7em;margin-bottom:.2em}h2{border-bottom:2px solid #d8dde6;padding-bottom:.2em;margin-top:2em}
h3{margin-top:1.4em}
table{border-collapse:collapse;width:100%;margin:.6em 0 1.2em;font-size:.9em}
th,td{border:1px solid #d8dde6;padding:.3em .5em;text-align:left;vertical-align:top;overflow-wrap:anywhere}
th{background:#f1f4f8;white-space:nowrap}tr:nth-child(even) td{background:#fafbfc}
code,.hash{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:.85em;overflow-wrap:anywhere}
.meta{color:#5a6476}.snippet{color:#5a6476;font-size:.9em}.note{background:#fff8e1;padding:.5em .8em;
border-left:4px solid #f0b400}.bad{background:#fdecea;border-left:4px solid #d93025;padding:.5em .8em}
.ok{background:#e6f4ea;border-left:4px solid #188038;padding:.5em .8em}
.grade{font-weight:700;font-family:ui-monospace,monospace}.map img{max-width:100%;border:1px solid #d8dde6}
footer{margin-top:3em;border-top:1px solid #d8dde6;color:#5a6476;font-size:.85em}
nav a{margin-right:1em}
"""


def e(value: Any) -> str:
    """Escape anything for HTML text or a quoted attribute; control characters (NUL, ESC, C1) never get through."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return escape(clean_text(str(value)), quote=True)


def static_map_data_uri(places: Sequence[Any]) -> tuple[str | None, str]:
    """The geo module's static map as a ``data:`` URI, and a note saying what was drawn or why not.

    The map is embedded as an image, never inlined as SVG markup: an image cannot run script, whatever it holds.
    """
    if not places:
        return None, "No places were resolved, so there is no map."
    try:
        maps = importlib.import_module("osintkit.geo.maps")
        static_map = maps.static_map
    except (ImportError, AttributeError):
        return None, "The static map is not available in this installation (osintkit.geo.maps is missing)."
    # PNG first: with the country outlines an SVG is about 2.5 times larger and slower to draw.
    for fmt in ("png", "svg"):
        try:
            result = static_map(places, fmt=fmt)
        except Exception as exc:  # the map is decoration; a drawing failure must not lose the report
            note = f"The static map could not be drawn ({type(exc).__name__}: {exc})."
            continue
        data = _map_bytes(result)
        if data is None:
            note = "The static map returned nothing usable."
            continue
        mime = "image/png" if data.startswith(b"\x89PNG") else "image/svg+xml"
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}", ""
    return None, note


def _map_bytes(result: Any) -> bytes | None:
    if result is None:
        return None
    if isinstance(result, bytes | bytearray):
        return bytes(result)
    if isinstance(result, os.PathLike):
        return Path(result).read_bytes()
    if isinstance(result, str):
        if result.lstrip().startswith("<"):
            return result.encode("utf-8")
        if os.path.exists(result):
            return Path(result).read_bytes()
    for attr in ("data", "getvalue"):  # IPython.display.SVG/Image, BytesIO
        value = getattr(result, attr, None)
        value = value() if callable(value) else value
        if isinstance(value, str):
            return value.encode("utf-8")
        if isinstance(value, bytes):
            return value
    return None


def _table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """Rows must already be escaped HTML fragments (cells are built with ``e``)."""
    head = "".join(f"<th>{e(h)}</th>" for h in headers)
    body = "\n".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table>\n<thead><tr>{head}</tr></thead>\n<tbody>\n{body}\n</tbody>\n</table>\n"


def _grade(value: str | None) -> str:
    if not value:
        return "<span class='meta'>unrated</span>"
    letter, digit = value[0], value[1:]
    title = "; ".join(x for x in (RELIABILITY.get(letter), CREDIBILITY.get(digit)) if x)
    return f"<span class='grade' title='{e(title)}'>{e(value)}</span>"


def _generic(value: Any, depth: int = 0) -> str:
    """Render corroboration results of any shape: dicts as sections, lists of dicts as tables."""
    if value is None or value == [] or value == {}:
        return "<p class='meta'>none</p>"
    if isinstance(value, dict):
        if depth >= 2 or all(not isinstance(v, dict | list) for v in value.values()):
            items = "".join(f"<dt>{e(_title(k))}</dt><dd>{_cell(v)}</dd>" for k, v in value.items())
            return f"<dl>{items}</dl>"
        parts = []
        for k, v in value.items():
            parts.append(f"<h3>{e(_title(k))}</h3>" if depth == 0 else f"<h4>{e(_title(k))}</h4>")
            parts.append(_generic(v, depth + 1))
        return "\n".join(parts)
    if isinstance(value, list):
        if all(isinstance(v, dict) for v in value):
            columns: list[str] = []
            for row in value:
                for k in row:
                    if k not in columns:
                        columns.append(k)
            columns = columns[:12]
            return _table([_title(c) for c in columns], ([_cell(row.get(c)) for c in columns] for row in value))
        return "<ul>" + "".join(f"<li>{_cell(v)}</li>" for v in value) + "</ul>"
    return f"<p>{e(value)}</p>"


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return e(round(value, 3))
    if isinstance(value, list) and all(not isinstance(v, dict | list) for v in value):
        return e(", ".join(str(v) for v in value))
    if isinstance(value, dict | list):
        return f"<code>{e(compact_json(value, 400))}</code>"
    return e(value)


def _card(card: dict[str, Any]) -> str:
    return "<br>".join(f"<b>{e(_title(k))}:</b> {_cell(v)}" for k, v in card.items())


def _title(key: Any) -> str:
    text = str(key).replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def _corroboration(f: Findings) -> Iterable[str]:
    blocks = corroboration_view(f)
    if blocks is None:
        yield "<p class='meta'>Corroboration was not computed for this case.</p>\n"
        return
    for b in blocks:
        if b.kind in ("h3", "h4"):
            yield f"<{b.kind}>{e(b.text)}</{b.kind}>\n"
        elif b.kind == "p":
            yield f"<p class='meta'>{e(b.text)}</p>\n"
        elif b.kind == "list":
            yield "<ul>" + "".join(f"<li>{e(item)}</li>" for item in b.items) + "</ul>\n"
        else:
            yield _table(b.headers, ([_view_cell(c) for c in row] for row in b.rows))


def _view_cell(value: Any) -> str:
    if isinstance(value, Strong):
        return f"<b>{e(value.text)}</b>"
    return e(_short(value, 400)) if isinstance(value, str) else _cell(value)


def to_html(findings: Findings, *, title: str = "osintkit findings report") -> str:
    """The whole report as one HTML string."""
    return "".join(_render(findings, title))


def _render(f: Findings, title: str) -> Iterable[str]:
    counts = f.summary()
    yield (
        "<!DOCTYPE html>\n<html lang='en'>\n<head>\n<meta charset='utf-8'>\n"
        f"<meta http-equiv='Content-Security-Policy' content=\"{CSP}\">\n"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>\n"
        f"<meta name='generator' content='osintkit {e(f.osintkit_version)}'>\n"
        f"<title>{e(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
    )
    yield f"<h1>{e(title)}</h1>\n"
    yield (
        f"<p class='meta'>Generated {e(f.generated_at)} by osintkit {e(f.osintkit_version)}"
        + (f" from case <code>{e(f.case_path)}</code>" if f.case_path else "")
        + ".</p>\n<p>"
        + ", ".join(f"<b>{v}</b> {e(k)}" for k, v in counts.items())
        + ".</p>\n"
    )
    if note := f.coverage_note():
        yield f"<p class='note'><b>Coverage:</b> {e(note)}</p>\n"
    yield (
        "<nav><a href='#map'>Map</a><a href='#entities'>Entities</a><a href='#places'>Places</a>"
        "<a href='#claims'>Claims</a><a href='#corroboration'>Corroboration</a><a href='#sources'>Sources</a>"
        "<a href='#notes'>Notes</a><a href='#provenance'>Provenance</a></nav>\n"
    )

    # -- map ------------------------------------------------------------------------------------------------
    yield "<h2 id='map'>Map</h2>\n"
    uri, note = static_map_data_uri(f.places)
    if uri:
        yield f"<div class='map'><img alt='Static map of the resolved places' src='{e(uri)}'></div>\n"
    else:
        yield f"<p class='note'>{e(note)}</p>\n"

    # -- entities -------------------------------------------------------------------------------------------
    yield "<h2 id='entities'>Entities</h2>\n"
    ents = sorted(table(f, "entities"), key=lambda r: (-(r["mention_count"] or 0), str(r["name"]).casefold()))
    if ents:
        yield _table(
            ["Name", "Type", "Aliases", "Mentions", "Documents"],
            ([e(r["name"]), e(r["label"]), e(r["aliases"]), e(r["mention_count"]), e(r["documents"])] for r in ents),
        )
    else:
        yield "<p class='meta'>No entities.</p>\n"

    # -- places ---------------------------------------------------------------------------------------------
    yield "<h2 id='places'>Places</h2>\n"
    groups = group_places(f.places)
    if groups:
        yield _table(
            ["Place", "Country", "Kind", "Lat, lon", "Confidence", "Mentions", "As written"],
            (
                [
                    e(g.name) + (f" <span class='meta'>(GeoNames {e(g.geonameid)})</span>" if g.geonameid else ""),
                    e(g.country_code),
                    e(g.feature),
                    e(f"{g.lat:.4f}, {g.lon:.4f}"),
                    e(f"{g.confidence:.2f}"),
                    e(len(g.places)),
                    e(", ".join(sorted({p.text for p in g.places}))),
                ]
                for g in groups
            ),
        )
    else:
        yield "<p class='meta'>No places.</p>\n"

    # -- claims ---------------------------------------------------------------------------------------------
    yield "<h2 id='claims'>Claims</h2>\n"
    yield (
        "<p class='meta'>Admiralty rating: the source's reliability (A completely reliable … E unreliable, "
        "F cannot be judged) and the claim's credibility (1 confirmed by other sources … 5 improbable, "
        "6 cannot be judged). A dash stands for a source not yet rated.</p>\n"
    )
    claims = list(table(f, "claims"))
    if claims:
        yield _table(
            ["Claimant", "Cue", "Claim", "Hedged", "Quantities", "Admiralty", "Document"],
            (
                [
                    e(r["claimant"] or "(unattributed)")
                    + (f" <span class='meta'>({e(r['claimant_type'])})</span>" if r["claimant_type"] else ""),
                    e(r["cue"]),
                    e(r["content"]) + (" <span class='meta'>(negated)</span>" if r["negated"] else ""),
                    e("yes: " + r["hedges"] if r["hedged"] and r["hedges"] else r["hedged"]),
                    e(r["quantities"]),
                    _grade(r["admiralty"])
                    + (f"<br><span class='meta'>caveat: {e(r['caveat'])}</span>" if r["caveat"] else ""),
                    f"<span title='{e(r['document'])}'>{e(_short(r['document'], 60))}</span>",
                ]
                for r in claims
            ),
        )
    else:
        yield "<p class='meta'>No claims.</p>\n"

    # -- corroboration --------------------------------------------------------------------------------------
    yield "<h2 id='corroboration'>Corroboration</h2>\n"
    yield from _corroboration(f)

    # -- sources --------------------------------------------------------------------------------------------
    yield "<h2 id='sources'>Sources</h2>\n"
    sources: dict[str, list[str]] = {}
    for d in f.documents:
        sources.setdefault(f.source_of(d) or d.id, []).append(d.id)
    rows = []
    for src, ids in sorted(sources.items(), key=lambda kv: (-len(kv[1]), kv[0].casefold())):
        rating = f.ratings.get("sources", {}).get(src) or {}
        grade = str(rating.get("grade") or "")
        card = f.source_cards.get(src) or {}
        rows.append(
            [
                e(src),
                e(len(ids)),
                _grade(grade) if grade else "<span class='meta'>unrated</span>",
                e(RELIABILITY.get(grade[:1], ""))
                + (
                    f"<br><span class='meta'>{e(rating.get('origin'))}"
                    f"{': ' + e(rating.get('rationale')) if rating.get('rationale') else ''}</span>"
                    if rating
                    else ""
                ),
                _card(card) if card else "",
            ]
        )
    yield (
        _table(["Source", "Documents", "Reliability", "Meaning", "Source card"], rows)
        if rows
        else ("<p class='meta'>No sources.</p>\n")
    )
    extra_cards = {k: v for k, v in f.source_cards.items() if k not in sources}
    if extra_cards:
        yield "<h3>Other source cards</h3>\n" + _generic(extra_cards, 2) + "\n"

    # -- notes ----------------------------------------------------------------------------------------------
    yield "<h2 id='notes'>Analyst notes</h2>\n"
    if f.notes:
        yield _table(
            ["About", "Note", "By", "When"],
            ([e(n.get("object_id")), e(n.get("text")), e(n.get("actor")), e(n.get("time"))] for n in f.notes),
        )
    else:
        yield "<p class='meta'>No notes.</p>\n"

    # -- provenance -----------------------------------------------------------------------------------------
    yield "<h2 id='provenance'>Provenance</h2>\n"
    c = f.custody
    state = "ok" if c.get("verified") else "bad"
    verdict = "verified: every document re-hashed and the chain is intact" if c.get("verified") else "NOT verified"
    yield (
        f"<p class='{state}'>Custody log: {e(c.get('entries'))} entries, {e(verdict)}.<br>"
        f"Head entry hash: <code class='hash'>{e(c.get('head'))}</code></p>\n"
    )
    if c.get("problems"):
        yield "<ul>" + "".join(f"<li>{e(p)}</li>" for p in c["problems"]) + "</ul>\n"
    yield _table(
        ["Document", "Source", "Published", "Retrieved", "Loader", "SHA-256 of the raw bytes"],
        (
            [
                f"<b>{e(r['title'] or r['id'])}</b><br><span class='meta'>{e(r['id'])}"
                + (f" · {e(r['url'] or r['path'])}" if (r["url"] or r["path"]) else "")
                + f"</span><br><span class='snippet'>{e(_short(r['snippet']))}</span>",
                e(r["source"]),
                e(r["published"]),
                e(r["retrieved"]),
                e(r["loader"]),
                f"<code class='hash'>{e(r['sha256'])}</code>",
            ]
            for r in table(f, "documents")
        ),
    )

    # -- attribution ----------------------------------------------------------------------------------------
    yield "<footer>\n<p><b>Attribution.</b></p>\n<ul>\n"
    for a in f.attribution:
        extra = _credit_extra(a)
        yield f"<li>{e(a.get('text') or a.get('name'))}" + (f" <span class='meta'>({e(extra)})</span>" if extra else "")
        yield "</li>\n"
    yield "</ul>\n<p>Generated offline by osintkit; this file loads nothing from the network.</p>\n</footer>\n"
    yield "</body>\n</html>\n"


def _credit_extra(a: dict[str, str]) -> str:
    """Licence and URL, leaving out what the credit's text already says."""
    text = a.get("text") or ""
    return " ".join(x for x in (a.get("license"), a.get("url")) if x and x not in text)


def _short(text: str | None, limit: int = 160) -> str:
    if not text:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def write_html(findings: Findings, path: str | os.PathLike[str], *, title: str = "osintkit findings report") -> Path:
    target = ensure_parent(path)
    # Atomic, like every export: a run killed mid-write leaves the previous report or none, never half of one.
    with write_atomically(target, "HTML report") as fh:
        for chunk in _render(findings, title):
            fh.write(chunk)
    return target
