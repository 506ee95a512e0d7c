"""HTML pages saved to disk (or fetched): main text, title, date, author and site name via trafilatura.

Scripts are never executed: trafilatura and the fallback extractor both parse markup only and drop
``<script>`` elements; when a page carries scripts the document says so in ``meta["warnings"]``.

Hostile pages cannot stall a run: every regular expression here runs in linear time (a tag pattern never crosses
another ``<``), trafilatura runs within the file's time budget and only on markup under
:data:`TRAFILATURA_MAX_CHARS`, and the fallback extractors are bounded the same way (see ``html_to_text``).
"""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Iterator
from typing import Any

from osintkit.errors import EmptyInputError, InputTimeoutError, MalformedInputError
from osintkit.sources._budget import within_budget
from osintkit.sources._common import (
    Item,
    LoadContext,
    Loaded,
    Origin,
    decode_bytes,
    html_to_text,
    make_document,
)

__all__ = ["TRAFILATURA_MAX_CHARS", "load_html"]

# trafilatura's time grows faster than the page (a flat DOM of 400 KB of <div>s: 4 s; 10 MB: 272 s); past this size
# a page is read by libxml2 for its visible text alone, which takes about a second for 10 MB.
TRAFILATURA_MAX_CHARS = 2_000_000

_SCRIPT = re.compile(r"<script\b", re.IGNORECASE)
# "[^<>]*", not "[^>]*": a tag never contains "<", and the narrower class keeps each scan to one tag, so 120 KB of
# "<" costs milliseconds instead of 177 s.
_HANDLER = re.compile(r"<[^<>]*\son[a-z]+\s*=", re.IGNORECASE)
_JS_URL = re.compile(r"""(?:href|src)\s*=\s*(?:["']\s*)?javascript:""", re.IGNORECASE)
_HTML_LANG = re.compile(r"<html\b[^<>]*\blang\s*=\s*[\"']?([A-Za-z]{2,8}(?:[-_][A-Za-z0-9]{1,8})*)", re.IGNORECASE)
_META_TIME = re.compile(
    r"<meta\b[^<>]*(?:property|name|itemprop)\s*=\s*[\"'](?:article:published_time|og:published_time|"
    r"datePublished|pubdate|publishdate|date|dc\.date|DC\.date\.issued|sailthru\.date)[\"'][^<>]*>",
    re.IGNORECASE,
)
_TITLE_OPEN = re.compile(r"<title\b[^<>]*>", re.IGNORECASE)
_TITLE_CLOSE = re.compile(r"</title\s*>", re.IGNORECASE)
_CONTENT = re.compile(r"\bcontent\s*=\s*[\"']([^\"']+)[\"']", re.IGNORECASE)
_JSONLD_TIME = re.compile(r"\"datePublished\"\s*:\s*\"([^\"]+)\"")

# trafilatura and htmldate log every page they find hard; that is noise in a notebook.
for _name in ("trafilatura", "htmldate", "courlan"):
    logging.getLogger(_name).setLevel(logging.ERROR)


def _published(markup: str) -> str | None:
    """A precise publication time from meta tags or JSON-LD; trafilatura's own date has day precision only."""
    for m in _META_TIME.finditer(markup[:200_000]):
        c = _CONTENT.search(m.group(0))
        if c:
            return c.group(1)
    j = _JSONLD_TIME.search(markup[:200_000])
    return j.group(1) if j else None


def _title(markup: str) -> str | None:
    """The first <title>'s content, found in linear time (a lazy ``.*?`` regex rescans the rest at every <title)."""
    start = _TITLE_OPEN.search(markup)
    if start is None:
        return None
    end = _TITLE_CLOSE.search(markup, start.end())
    return markup[start.end() : end.start()] if end else None


def _extract(markup: str, url: str | None) -> dict[str, Any] | None:
    import trafilatura

    try:
        result = trafilatura.bare_extraction(
            markup, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except (RecursionError, MemoryError):
        raise
    except Exception:  # a third-party parser on hostile input; the fallback below still reads the page
        return None
    if result is None:
        return None
    if isinstance(result, dict):
        return result
    as_dict = getattr(result, "as_dict", None)
    return as_dict() if callable(as_dict) else None


def load_html(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    path = origin.path
    markup, encoding, warnings = decode_bytes(data, path)
    meta: dict[str, Any] = {"encoding": encoding} if encoding != "utf-8" else {}
    scripts = len(_SCRIPT.findall(markup))
    handlers = len(_HANDLER.findall(markup)) + len(_JS_URL.findall(markup))
    if scripts or handlers:
        what = []
        if scripts:
            what.append(f"{scripts} <script> element(s)")
        if handlers:
            what.append(f"{handlers} inline event handler(s)/javascript: link(s)")
        warnings.append(f"HTML contained {' and '.join(what)}; removed, never executed")
        meta["scripts_removed"] = scripts
    extracted = None
    started = time.perf_counter()
    fallback_why = "trafilatura found no main text; the page's visible text was used instead"
    if len(markup) > TRAFILATURA_MAX_CHARS:
        fallback_why = (
            f"page is {len(markup):,} characters, over the {TRAFILATURA_MAX_CHARS:,} read for main-text extraction; "
            "its visible text was used"
        )
    else:
        try:
            extracted = within_budget(
                lambda: _extract(markup, origin.url), ctx.time_budget, what="main-text extraction", path=path
            )
        except RecursionError as exc:
            raise MalformedInputError("HTML is nested too deeply to parse", path=path) from exc
        except InputTimeoutError as exc:
            fallback_why = f"{exc.reason}; the page's visible text was used instead"
    fields: dict[str, Any] = {}
    text = ""
    if extracted:
        text = str(extracted.get("text") or "")
        fields = {
            "title": extracted.get("title"),
            "author": extracted.get("author"),
            "source": extracted.get("sitename") or extracted.get("hostname"),
            "published": extracted.get("date"),
        }
        page_url = extracted.get("url")
        if page_url:
            if origin.url:
                meta["canonical_url"] = page_url
            else:
                fields["url"] = page_url
        for key in ("description", "categories", "tags"):
            if extracted.get(key):
                meta[key] = extracted[key]
    if not text.strip():
        budget = ctx.time_budget
        if budget is not None:
            # One budget for the file: the fallback gets what trafilatura left, and a quarter at least.
            budget = max(budget / 4, budget - (time.perf_counter() - started))
        text, _ = html_to_text(markup, budget=budget, path=path)
        if text.strip():
            warnings.append(fallback_why)
            meta["extractor"] = "fallback"
            if "title" not in fields or not fields["title"]:
                title = _title(markup)
                if title:
                    fields["title"] = html_to_text(title, budget=ctx.time_budget, path=path)[0]
    else:
        meta["extractor"] = "trafilatura"
    if not text.strip():
        raise EmptyInputError("HTML page holds no visible text", path=path)
    precise = _published(markup)
    if precise:
        fields["published"] = precise
    lang = _HTML_LANG.search(markup[:5000])
    if lang:
        fields["language"] = lang.group(1)
    doc = make_document(data, text, loader="html", origin=origin, ctx=ctx, fields=fields, meta=meta, warnings=warnings)
    yield Loaded(doc, data)
