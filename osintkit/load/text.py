"""Plain text and Markdown files: one document per file."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from osintkit.load._common import Item, LoadContext, Loaded, Origin, decode_bytes, make_document

__all__ = ["load_markdown", "load_text"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
_ATX = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_SETEXT = re.compile(r"^([^\n]+)\r?\n[ \t]*(?:=+|-+)[ \t]*$", re.MULTILINE)
_KEY_ALIASES = {"date": "published", "publisher": "source", "site": "source", "link": "url", "lang": "language"}


def _title_from_line(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= 150 else line[:120].rstrip() + "…"
    return None


def load_text(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    text, encoding, warnings = decode_bytes(data, origin.path)
    meta: dict[str, Any] = {"encoding": encoding} if encoding != "utf-8" else {}
    doc = make_document(
        data,
        text,
        loader="text",
        origin=origin,
        ctx=ctx,
        fields={"title": _title_from_line(text)},
        meta=meta,
        warnings=warnings,
    )
    yield Loaded(doc, data)


def _parse_front_matter(block: str) -> dict[str, Any]:
    """A YAML subset (``key: value`` lines) is enough for article metadata and needs no YAML dependency."""
    out: dict[str, Any] = {}
    for line in block.splitlines():
        if ":" not in line or line.startswith((" ", "\t", "-", "#")):
            continue
        key, _, value = line.partition(":")
        value = value.strip().strip("'\"")
        if value:
            out[key.strip().lower()] = value
    return out


def load_markdown(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    text, encoding, warnings = decode_bytes(data, origin.path)
    meta: dict[str, Any] = {"encoding": encoding} if encoding != "utf-8" else {}
    fields: dict[str, Any] = {}
    m = _FRONT_MATTER.match(text)
    if m:
        front = _parse_front_matter(m.group(1))
        meta["front_matter"] = front
        for key, value in front.items():
            key = _KEY_ALIASES.get(key, key)
            if key in ("title", "source", "author", "url", "published", "language"):
                fields.setdefault(key, value)
        body = text[m.end() :]
        if body.strip():
            # The document text is the article, not its metadata block; sha256 still covers the whole file.
            text = body
    if "title" not in fields:
        atx = _ATX.search(text)
        setext = _SETEXT.search(text)
        heading = None
        if atx and (not setext or atx.start() < setext.start()):
            heading = atx.group(1)
        elif setext and setext.group(1).strip() and not setext.group(1).lstrip().startswith(("-", "*", "|")):
            heading = setext.group(1).strip()
        fields["title"] = heading or _title_from_line(text)
    from osintkit.errors import EmptyInputError

    if not text.strip():
        raise EmptyInputError("Markdown file holds no text", path=origin.path)
    doc = make_document(
        data, text, loader="markdown", origin=origin, ctx=ctx, fields=fields, meta=meta, warnings=warnings
    )
    yield Loaded(doc, data)
