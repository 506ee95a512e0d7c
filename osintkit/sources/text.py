"""Plain text and Markdown files: one document per file.

The raw bytes are hashed and kept exactly as read (the evidentiary copy); only the derived text changes. Metadata
written into the file is read into the document and kept out of its text, so the tagger and the claim extractor
read the article and nothing else:

- YAML front matter in Markdown (a ``---`` block: title, publisher or source, author, published or date, url,
  language);
- leading header lines in either format (``Title:``, ``Source:``, ``Publisher:``, ``Published:``, ``Date:``,
  ``URL:``, ``Author:``, ``Language:``, ``By NAME``); any other ``Key: value`` line in that block is left out of the
  text too, and reported in the document's warnings and ``meta["header_ignored"]``; a short unpunctuated line
  standing alone just before or after the block is the headline, read as the title;
- Markdown headings (``#`` to ``######``, and ``===``/``---`` underlines), which become the title when none is
  given and ``meta["sections"]``: ``{"level", "title", "start"}``, ``start`` being the offset in the document text
  where that section's body begins.

Explicit sidecar ``.meta.json`` values win over all of these.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from osintkit.errors import EmptyInputError
from osintkit.sources._common import Item, LoadContext, Loaded, Origin, decode_bytes, make_document, normalize_date

__all__ = ["load_markdown", "load_text"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)
# The heading text takes a run of blanks whole ([ \t]++), never stopping inside one: a lazy ".*?" re-scanned the
# blanks at every position, and "# a", 30,000 spaces and "x" took 17 s.
_ATX = re.compile(r"^[ \t]{0,3}(#{1,6})(?:[ \t]+((?:[^ \t]|[ \t]++(?=[^ \t]))*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^[ \t]{0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^[ \t]{0,3}(```|~~~)")
# A line that cannot be the text of a setext heading: a list item, a quote, a table row, a fence, a rule.
_NOT_SETEXT_TEXT = re.compile(r"^[ \t]*(?:[-*+>|]|\d+[.)]\s|```|~~~|#)")
_KEY_ALIASES = {"date": "published", "publisher": "source", "site": "source", "link": "url", "lang": "language"}

# Header lines. Markdown often bolds the key ("**Published:** 2025-01-12"), so emphasis marks around it are skipped.
_EMPH = r"(?:\*\*|__|\*|_)?"
_HEADER_LINE = re.compile(
    r"^[ \t]*" + _EMPH + r"([A-Za-z][A-Za-z]*(?:[ -][A-Za-z]+){0,2})" + _EMPH + r"[ \t]*:[ \t]*" + _EMPH
    + r"[ \t]*(\S.{0,300}?)[ \t]*+" + _EMPH + r"[ \t]*+\r?$"
)  # fmt: skip
_BY_LINE = re.compile(
    r"^[ \t]*" + _EMPH + r"By[ \t]+([A-Z][\w.’'-]*+(?:[ \t]+(?:[A-Z][\w.’'-]*+|and|&|de|da|van|von|der|al|bin|la|le))*+"
    r"(?:[ \t]*,[ \t]*[A-Z][\w .’'&-]{0,60}+)*+)" + _EMPH + r"[ \t]*+\r?$"
)
_MAX_HEADER_LINE = 400
_HEADER_FIELDS = {
    "title": "title", "headline": "title", "source": "source", "publisher": "source", "published": "published",
    "date": "published", "url": "url", "author": "author", "language": "language",
}  # fmt: skip


def _title_from_line(text: str) -> str | None:
    for line in text.splitlines():
        line = line.strip()
        if line:
            return line if len(line) <= 150 else line[:120].rstrip() + "…"
    return None


@dataclass
class _Derived:
    """The text the analysis reads, and what was taken out of it."""

    text: str
    fields: dict[str, Any] = field(default_factory=dict)
    sections: list[dict[str, Any]] = field(default_factory=list)
    ignored: dict[str, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def _lines(text: str) -> list[str]:
    """Lines with their line breaks, so that joining them gives the text back."""
    return re.findall(r"[^\n]*\n|[^\n]+$", text)


def _headings(lines: list[str]) -> dict[int, tuple[int, str, int]]:
    """Heading lines: index of the first line -> (level, title, number of lines it spans)."""
    out: dict[int, tuple[int, str, int]] = {}
    fence: str | None = None
    para_start: int | None = None
    for i, raw in enumerate(lines):
        line = raw.rstrip("\r\n")
        f = _FENCE.match(line)
        if fence is not None:
            if f and f.group(1) == fence:
                fence = None
            continue
        if f:
            fence, para_start = f.group(1), None
            continue
        if not line.strip():
            para_start = None
            continue
        atx = _ATX.match(line)
        if atx:
            out[i] = (len(atx.group(1)), (atx.group(2) or "").strip(), 1)
            para_start = None
            continue
        underline = _SETEXT_UNDERLINE.match(line)
        if underline and para_start is not None:
            # CommonMark: the whole paragraph above the underline is the heading's text.
            title = " ".join(lines[j].strip() for j in range(para_start, i))
            out[para_start] = (1 if underline.group(1)[0] == "=" else 2, title, i - para_start + 1)
            para_start = None
            continue
        if para_start is None:
            para_start = None if _NOT_SETEXT_TEXT.match(line) else i
    return out


def _plausible(key: str, value: str) -> bool:
    """Whether a ``Key: value`` line reads as a header: a date that parses, an address, a short name."""
    name = _HEADER_FIELDS.get(key.strip().lower())
    if value.startswith("//"):
        return False  # "https://..." on a line of its own
    if name == "published":
        return normalize_date(value) is not None
    if name == "url":
        return bool(re.fullmatch(r"(?:https?://|www\.)\S+", value))
    if name == "language":
        return len(value) <= 20
    return len(value) <= 200


def _header_block(lines: list[str], first: int, skip: set[int]) -> tuple[list[tuple[int, str, str]], int] | None:
    """Leading ``Key: value`` / ``By NAME`` lines from line ``first``: ([(index, key, value)], end), or None.

    The block counts only when one of its lines is a key the loader reads; otherwise the first lines are prose.
    """
    out: list[tuple[int, str, str]] = []
    i = first
    while i < len(lines) and i not in skip:
        line = lines[i].rstrip("\r\n")
        if len(line) > _MAX_HEADER_LINE:
            break  # a paragraph, not a header line (and the patterns below need not read it)
        by = _BY_LINE.match(line)
        kv = None if by else _HEADER_LINE.match(line)
        if by:
            out.append((i, "by", by.group(1).strip().rstrip(",")))
        elif kv and _plausible(kv.group(1), kv.group(2).strip()):
            out.append((i, kv.group(1).strip(), kv.group(2).strip()))
        else:
            break
        i += 1
    if not any(key == "by" or key.lower() in _HEADER_FIELDS for _, key, _ in out):
        return None
    return out, i


def _is_headline(lines: list[str], at: int, dropped: set[int]) -> bool:
    """A short line without closing punctuation, standing alone, with body text after it."""
    line = lines[at].strip()
    if not line or len(line) > 150 or line[-1] in '.!?:;,"”’)' or at in dropped:
        return False
    if not re.search(r"[^\W\d_]{2}", line) or _NOT_SETEXT_TEXT.match(line):
        return False  # a fence, a list item, a quote or a rule is not a headline
    if at + 1 < len(lines) and lines[at + 1].strip() and at + 1 not in dropped:
        return False  # the first line of a paragraph, not a line of its own
    return any(ln.strip() for i, ln in enumerate(lines[at + 1 :], at + 1) if i not in dropped)


def _derive(text: str, *, markdown: bool) -> _Derived:
    lines = _lines(text)
    headings = _headings(lines) if markdown else {}
    dropped: set[int] = set()
    for at, (_level, _title, span) in headings.items():
        dropped.update(range(at, at + span))
    derived = _Derived(text)

    # The header block starts at the first line that is neither blank nor a heading, or right after it (a headline
    # followed by "By ..." and "Published: ..." lines).
    first = next((i for i, ln in enumerate(lines) if ln.strip() and i not in dropped), None)
    block = None
    headline: int | None = None
    if first is not None:
        block = _header_block(lines, first, dropped)
        if block is None and len(lines[first]) <= 200:
            block = _header_block(lines, first + 1, dropped)
            headline = first if block is not None else None
        if block is not None and headline is None:
            after = next((i for i in range(block[1], len(lines)) if lines[i].strip()), None)
            headline = after if after is not None and _is_headline(lines, after, dropped) else None
    if block is not None:
        for i, key, value in block[0]:
            dropped.add(i)
            name = "author" if key == "by" else _HEADER_FIELDS.get(key.lower())
            shown = "By" if key == "by" else key
            if name is None:
                derived.ignored[key] = value
                derived.warnings.append(
                    f"line {i + 1}: header line {shown!r} is not metadata the loader reads (Title, Source, "
                    "Publisher, Published, Date, URL, Author, By, Language); left out of the text, kept in "
                    "meta['header_ignored']"
                )
            elif name in derived.fields:
                derived.ignored.setdefault(key, value)
                derived.warnings.append(
                    f"line {i + 1}: header line {shown!r} repeats {name}; the first value was kept, this one is in "
                    "meta['header_ignored']"
                )
            else:
                derived.fields[name] = value
    if block is not None and headline is not None and _is_headline(lines, headline, dropped):
        # A file with header lines is a saved article: its short unpunctuated first line is the headline, which
        # is the title, not a sentence of the body (as a Markdown heading would be).
        dropped.add(headline)
        derived.fields.setdefault("title", lines[headline].strip())
    if not dropped:
        return derived

    # Rebuild the text without the dropped lines. Blank lines around a dropped line collapse to one, so that a
    # heading between two paragraphs leaves one paragraph break.
    out: list[str] = []
    size = 0
    pending: list[dict[str, Any]] = []
    dropped_since_text = False
    for i, line in enumerate(lines):
        if i in headings:
            level, title, _ = headings[i]
            section: dict[str, Any] = {"level": level, "title": title, "start": None}
            derived.sections.append(section)
            pending.append(section)
        if i in dropped:
            dropped_since_text = True
            continue
        if not line.strip():
            if size == 0 or (dropped_since_text and (out[-1].endswith("\n\n") or out[-1].strip() == "")):
                continue
        else:
            for section in pending:
                section["start"] = size
            pending, dropped_since_text = [], False
        out.append(line)
        size += len(line)
    body = "".join(out)
    trimmed = body.rstrip()
    for section in derived.sections:
        if section["start"] is None or section["start"] > len(trimmed):
            section["start"] = len(trimmed)
    derived.text = trimmed + ("\n" if body != trimmed else "")
    return derived


def _load(data: bytes, origin: Origin, ctx: LoadContext, *, markdown: bool) -> Iterator[Item]:
    text, encoding, warnings = decode_bytes(data, origin.path)
    meta: dict[str, Any] = {"encoding": encoding} if encoding != "utf-8" else {}
    fields: dict[str, Any] = {}
    body = text
    offset_line = 0
    if markdown:
        m = _FRONT_MATTER.match(text)
        if m:
            front = _parse_front_matter(m.group(1))
            meta["front_matter"] = front
            for key, value in front.items():
                key = _KEY_ALIASES.get(key, key)
                if key in ("title", "source", "author", "url", "published", "language"):
                    fields.setdefault(key, value)
            # The document text is the article, not its metadata block; sha256 still covers the whole file.
            body = text[m.end() :]
            offset_line = text[: m.end()].count("\n")
    derived = _derive(body, markdown=markdown)
    for key, value in derived.fields.items():
        fields.setdefault(key, value)
    if offset_line:
        derived.warnings = [_shift_line(w, offset_line) for w in derived.warnings]
    warnings = [*warnings, *derived.warnings]
    if derived.ignored:
        meta["header_ignored"] = derived.ignored
    if derived.sections:
        meta["sections"] = derived.sections
    if not derived.text.strip():
        kind = "Markdown" if markdown else "text"
        if not text.strip():
            raise EmptyInputError(f"{kind} file holds no text", path=origin.path)
        what = "front matter, header lines or headings" if markdown else "header lines"
        raise EmptyInputError(f"{kind} file holds only {what}, no body text", path=origin.path)
    if "title" not in fields:
        h1 = next((s["title"] for s in derived.sections if s["level"] == 1 and s["title"]), None)
        first_heading = next((s["title"] for s in derived.sections if s["title"]), None)
        fields["title"] = h1 or first_heading or _title_from_line(derived.text)
    doc = make_document(
        data,
        derived.text,
        loader="markdown" if markdown else "text",
        origin=origin,
        ctx=ctx,
        fields=fields,
        meta=meta,
        warnings=warnings,
    )
    yield Loaded(doc, data)


def _shift_line(warning: str, by: int) -> str:
    """Line numbers in warnings count from the top of the file, front matter included."""
    return re.sub(r"^line (\d+):", lambda m: f"line {int(m.group(1)) + by}:", warning)


def load_text(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    return _load(data, origin, ctx, markdown=False)


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
    return _load(data, origin, ctx, markdown=True)
