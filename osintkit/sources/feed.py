"""RSS and Atom files with feedparser: one document per entry.

feedparser is always handed a byte stream, never a string: given a string it may treat it as a URL or a path
and fetch it.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from typing import Any

from osintkit.errors import EmptyInputError, InputError, MalformedInputError
from osintkit.sources._budget import within_budget
from osintkit.sources._common import (
    Item,
    LoadContext,
    Loaded,
    Origin,
    Skipped,
    check_binary,
    html_to_text,
    make_document,
    normalize_date,
    skip_or_raise,
)

__all__ = ["load_feed"]

# feedparser reads about 4 s a megabyte on a busy laptop, however honest the feed, so its budget grows with the file:
# a stall is stopped without a large export being refused whole.
SECONDS_PER_MB = 10.0

# Bozo reasons that leave the feed fully readable; they become warnings, not errors.
_BENIGN = ("CharacterEncodingOverride", "NonXMLContentType", "CharacterEncodingUnknown")


def _entry_text(entry: Any, budget: float | None, path: str | None) -> tuple[str, int]:
    parts = entry.get("content") or []
    for part in parts:
        value = part.get("value") if isinstance(part, dict) else None
        if value and str(value).strip():
            return html_to_text(str(value), budget=budget, path=path)
    summary = entry.get("summary") or entry.get("description") or ""
    return html_to_text(str(summary), budget=budget, path=path)


def load_feed(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    import feedparser

    path = origin.path
    check_binary(data, path)
    if b"<!ENTITY" in data[:65536].upper():
        # Feeds never need their own entity declarations; refusing them rules out entity-expansion bombs.
        raise MalformedInputError("feed declares XML entities (<!ENTITY>); refused as unsafe", path=path)
    budget = None if ctx.time_budget is None else ctx.time_budget + SECONDS_PER_MB * len(data) / 1e6
    try:
        parsed = within_budget(
            lambda: feedparser.parse(io.BytesIO(data), sanitize_html=True, resolve_relative_uris=False),
            budget,
            what="feed parsing",
            path=path,
        )
    except InputError:
        raise
    except RecursionError as exc:
        raise MalformedInputError("feed is nested too deeply to parse", path=path) from exc
    except MemoryError:
        raise
    except Exception as exc:  # feedparser is lenient, but a third-party parser on hostile bytes may still throw
        raise MalformedInputError(f"feed could not be parsed: {type(exc).__name__}: {exc}", path=path) from exc
    warnings: list[str] = []
    if parsed.get("bozo"):
        bozo = parsed.get("bozo_exception")
        name = type(bozo).__name__
        line = None
        get_line = getattr(bozo, "getLineNumber", None)
        if callable(get_line):
            try:
                line = int(get_line())
            except (TypeError, ValueError):
                line = None
        entries = parsed.get("entries") or []
        if not entries:
            raise MalformedInputError(f"not a readable RSS/Atom feed: {bozo}", path=path, line=line)
        if name not in _BENIGN:
            where = f" at line {line}" if line else ""
            warnings.append(f"feed is not well-formed ({bozo}{where}); feedparser recovered what it could")
        else:
            warnings.append(f"feedparser: {bozo}")
    feed = parsed.get("feed") or {}
    entries = parsed.get("entries") or []
    if not entries:
        raise EmptyInputError("feed has no entries", path=path)
    source = feed.get("title")
    language = feed.get("language")
    origin.meta["feed"] = {k: feed.get(k) for k in ("title", "link", "language") if feed.get(k)}
    if parsed.get("version"):
        origin.meta["feed_version"] = parsed.get("version")
    for i, entry in enumerate(entries):
        where = f"{path or origin.url}#entry{i}"
        try:
            yield _entry_document(entry, i, where, origin, ctx, source, language, warnings)
        except InputError as err:
            # One bad entry costs only itself; the entries after it are still read.
            yield skip_or_raise(err, ctx, where=where, line=i)


def _entry_document(
    entry: Any,
    i: int,
    where: str,
    origin: Origin,
    ctx: LoadContext,
    source: Any,
    language: Any,
    warnings: list[str],
) -> Item:
    path = origin.path
    text, scripts = _entry_text(entry, ctx.time_budget, path)
    title = html_to_text(str(entry.get("title") or ""), budget=ctx.time_budget, path=path)[0] or None
    if not text.strip():
        text = title or ""
    if not text.strip():
        return Skipped(where=where, reason=f"entry {i} has no text", path=path, line=i)
    published = entry.get("published_parsed") or entry.get("updated_parsed") or entry.get("created_parsed")
    record = {
        "id": entry.get("id"),
        "link": entry.get("link"),
        "title": entry.get("title"),
        "published": entry.get("published") or entry.get("updated"),
        "author": entry.get("author"),
        "text": text,
    }
    # Entries have no bytes of their own after parsing; a canonical dump of what was read stands in.
    try:
        raw = json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str).encode()
    except UnicodeEncodeError:
        raise MalformedInputError(f"entry {i} holds a lone surrogate: not valid Unicode", path=path, line=i) from None
    entry_warnings = list(warnings)
    if scripts:
        entry_warnings.append(f"entry HTML contained {scripts} <script> element(s); removed, never executed")
    meta: dict[str, Any] = {"entry_index": i}
    if entry.get("published") or entry.get("updated"):
        meta["published_raw"] = entry.get("published") or entry.get("updated")
    if entry.get("id"):
        meta["entry_id"] = str(entry.get("id"))
    if entry.get("tags"):
        meta["tags"] = [t.get("term") for t in entry["tags"] if isinstance(t, dict) and t.get("term")]
    fields = {
        "title": title,
        "author": entry.get("author"),
        "url": entry.get("link"),
        "published": normalize_date(published) or entry.get("published") or entry.get("updated"),
        "source": source,
        "language": language,
    }
    doc = make_document(
        raw, text, loader="feed", origin=origin, ctx=ctx, fields=fields, meta=meta, warnings=entry_warnings
    )
    return Loaded(doc, raw)
