"""CSV, JSON and JSONL exports: one document per record, with a column or field mapping.

Each record's document is hashed over that record's own bytes (the CSV row or JSONL line as it stands in the
file, or a canonical JSON dump of a JSON array item), so the same post gives the same id in any export; the
whole file's hash goes into ``meta["file_sha256"]``.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from osintkit.errors import EmptyInputError, InputError, MalformedInputError, UnknownFieldError
from osintkit.sources._common import (
    DOC_FIELDS,
    MAX_JSON_DEPTH,
    Item,
    LoadContext,
    Loaded,
    Origin,
    Skipped,
    decode_bytes,
    exceeds_depth,
    make_document,
    skip_or_raise,
)

__all__ = ["MAPPING_TARGETS", "PRESETS", "load_csv", "load_json", "load_jsonl", "validate_mapping"]

MAPPING_TARGETS = ("text", *DOC_FIELDS, "id", "records")

# Telegram Desktop's "Export chat history" (JSON): {"name", "type", "id", "messages": [{"id", "date",
# "date_unixtime", "from", "text": str | [str | {"type", "text"}], "text_entities": [...]}]}.
PRESETS: dict[str, dict[str, Any]] = {
    "telegram": {
        "records": "messages",
        "text": "text",
        "published": ["date_unixtime", "date"],
        "author": ["from", "actor"],
        "id": "id",
        "source": "$.name",
    },
}
# Fields a preset drops from meta because they duplicate the text.
_PRESET_DROP = {"telegram": frozenset({"text_entities"})}

# Column names tried, case-insensitively, for each target when the mapping does not name one.
_GUESSES: dict[str, tuple[str, ...]] = {
    "text": ("text", "message", "content", "body", "full_text", "post", "tweet", "description", "summary"),
    "title": ("title", "headline", "subject"),
    "source": ("source", "publisher", "channel", "site", "sitename", "outlet"),
    "author": ("author", "from", "user", "username", "screen_name", "creator", "by"),
    "url": ("url", "link", "permalink", "href"),
    "published": ("published", "date", "created_at", "timestamp", "time", "datetime", "pubdate", "posted"),
    "language": ("language", "lang"),
    "id": ("id", "message_id", "post_id", "uid"),
}
_RECORD_LISTS = ("messages", "items", "posts", "data", "records", "results", "entries", "documents", "articles")


def validate_mapping(mapping: str | Mapping[str, Any] | None) -> tuple[dict[str, Any] | None, str | None]:
    """Check a mapping up front; return (mapping, preset name). Unknown targets or presets raise UnknownFieldError."""
    if mapping is None:
        return None, None
    if isinstance(mapping, str):
        if mapping not in PRESETS:
            raise UnknownFieldError(f"unknown mapping preset; available presets: {', '.join(PRESETS)}", field=mapping)
        return dict(PRESETS[mapping]), mapping
    out: dict[str, Any] = {}
    for key, value in mapping.items():
        if key not in MAPPING_TARGETS:
            raise UnknownFieldError(f"unknown mapping target; use one of: {', '.join(MAPPING_TARGETS)}", field=key)
        if isinstance(value, str):
            out[key] = value
        elif isinstance(value, Sequence) and value and all(isinstance(v, str) for v in value):
            out[key] = list(value)
        else:
            raise UnknownFieldError("mapping values must be a field name or a list of names", field=key)
    return out, None


def _alternatives(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value)


def _resolve_fields(
    mapping: dict[str, Any] | None, available: Sequence[str], path: str | None, kind: str
) -> dict[str, list[str]]:
    """Map each target to candidate keys. Mapped keys must exist (their first path step, for nested JSON)."""
    lower = {a.lower(): a for a in reversed(available)}
    avail_set = set(available)
    listing = ", ".join(available[:60]) + (" …" if len(available) > 60 else "")
    resolved: dict[str, list[str]] = {}
    for target in ("text", *DOC_FIELDS, "id"):
        if mapping and target in mapping:
            names = _alternatives(mapping[target])
            usable = [n for n in names if n.startswith("$.") or n.split(".")[0] in avail_set]
            if not usable:
                raise UnknownFieldError(
                    f"{kind} {names[0]!r} (mapped to {target!r}) is not in the file; available: {listing}",
                    path=path,
                    field=names[0],
                )
            resolved[target] = usable
        else:
            guess = next((lower[g] for g in _GUESSES[target] if g in lower), None)
            if guess is not None:
                resolved[target] = [guess]
    if "text" not in resolved:
        raise UnknownFieldError(
            f"no text {kind} found; pass mapping={{'text': NAME}}; available: {listing}", path=path, field="text"
        )
    return resolved


def _get_path(record: Any, dotted: str, root: Any) -> Any:
    if dotted.startswith("$."):
        record, dotted = root, dotted[2:]
    if isinstance(record, Mapping) and dotted in record:  # a literal key containing dots wins
        return record[dotted]
    cur = record
    for step in dotted.split("."):
        if isinstance(cur, Mapping):
            cur = cur.get(step)
        elif isinstance(cur, list) and step.lstrip("-").isdigit():
            idx = int(step)
            cur = cur[idx] if -len(cur) <= idx < len(cur) else None
        else:
            return None
        if cur is None:
            return None
    return cur


def _as_text(value: Any) -> str:
    """Text from a field: strings as is, Telegram-style lists of parts joined, objects by their 'text'."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, list):
        return "".join(_as_text(part) for part in value)
    if isinstance(value, Mapping):
        return _as_text(value.get("text"))
    return str(value)


def _pick(record: Any, names: list[str], root: Any) -> Any:
    for name in names:
        value = _get_path(record, name, root)
        if value not in (None, "", []):
            return value
    return None


def _scalar(value: Any) -> Any:
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return _as_text(value) if isinstance(value, list | Mapping) else str(value)


@dataclass(frozen=True)
class _Records:
    """What every record of one file shares: where its fields are, which loader read it, the metadata it adds."""

    root: Any
    resolved: dict[str, list[str]]
    loader: str
    origin: Origin
    ctx: LoadContext
    extra_meta: dict[str, Any] = field(default_factory=dict)
    drop: frozenset[str] = frozenset()

    def document(self, record: Any, raw: bytes, *, where: str, line: int, meta: dict[str, Any] | None = None) -> Item:
        """One record's document, or a Skipped naming the file and line: a bad record never costs the ones after."""
        try:
            return self._build(record, raw, where=where, line=line, meta={**self.extra_meta, **(meta or {})})
        except InputError as err:
            if err.line is None:
                err = type(err)(err.reason, path=err.path, line=line, field=err.field)
            return skip_or_raise(err, self.ctx, where=where, line=line)

    def _build(self, record: Any, raw: bytes, *, where: str, line: int, meta: dict[str, Any]) -> Item:
        root, resolved, origin = self.root, self.resolved, self.origin
        _check_depth(record, origin.path, line, raw)
        text = _as_text(_pick(record, resolved["text"], root))
        if not text.strip():
            reason = f"empty text (field {resolved['text'][0]!r})"
            return Skipped(where=where, reason=reason, path=origin.path, line=line)
        fields = {t: _scalar(_pick(record, names, root)) for t, names in resolved.items() if t not in ("text", "id")}
        meta["record"] = line
        if "id" in resolved:
            rid = _pick(record, resolved["id"], root)
            if rid is not None:
                meta["record_id"] = _scalar(rid)
        if isinstance(record, Mapping):
            used = {names[0].split(".")[0] for names in resolved.values()}
            drop = self.drop
            rest = {k: v for k, v in record.items() if k not in used and k not in drop and v not in (None, "", [], {})}
            if rest:
                meta["fields"] = rest
        # A lone surrogate can only come from a JSON escape (\uD800-\uDFFF) in the record's own bytes: without
        # one, and with the depth checked above, the metadata built from the record needs no second serialisation.
        check_meta = _SURROGATE_ESCAPE.search(raw) is not None
        doc = make_document(raw, text, loader=self.loader, origin=origin, ctx=self.ctx, fields=fields, meta=meta,
                            check_meta=check_meta)  # fmt: skip
        return Loaded(doc, raw)


def _decode(data: bytes, origin: Origin) -> str:
    """The file's text; how it was decoded goes on the origin (its warnings, and an encoding other than UTF-8)."""
    text, encoding, warnings = decode_bytes(data, origin.path)
    origin.warnings.extend(warnings)
    if encoding != "utf-8":
        origin.meta["encoding"] = encoding
    return text


def _check_depth(record: Any, path: str | None, line: int, raw: bytes | None = None) -> None:
    # Nesting needs an opening bracket per level in the record's bytes: counting them in C spares most walks.
    if raw is not None and raw.count(b"[") + raw.count(b"{") <= MAX_JSON_DEPTH:
        return
    if exceeds_depth(record):
        raise MalformedInputError(f"record is nested more than {MAX_JSON_DEPTH} levels deep", path=path, line=line)


# --- CSV -----------------------------------------------------------------------------------------------------------


_SURROGATE_ESCAPE = re.compile(rb"\\u[dD][89a-fA-F]")
_DELIMITERS = (",", ";", "\t", "|")
_SNIFF_CHARS = 65536
_SNIFF_ROWS = 50


def _sniff_delimiter(text: str, default: str) -> str:
    """The delimiter that splits the first rows into the most consistent number of fields (two or more).

    csv.Sniffer is not used: its regular expressions are quadratic in C, out of reach of any time budget (20 KB of
    ``"`` and newlines took 22 s). csv.reader is linear, so each candidate is simply tried.
    """
    sample = text[:_SNIFF_CHARS]
    best: tuple[float, int] = (0.0, 0)
    chosen = default
    for delim in _DELIMITERS:
        reader = csv.reader(io.StringIO(sample, newline=""), delimiter=delim)
        widths: list[int] = []
        try:
            for row in reader:
                if row:
                    widths.append(len(row))
                if len(widths) >= _SNIFF_ROWS:
                    break
        except csv.Error:
            pass
        if len(text) > _SNIFF_CHARS and len(widths) > 1:
            widths.pop()  # the sample may cut the last row short
        if not widths:
            continue
        width, seen = Counter(widths).most_common(1)[0]
        score = (seen / len(widths), width)
        if width >= 2 and score > best:
            best, chosen = score, delim
    return chosen


def _csv_rows(
    text: str, path: str | None, delimiter: str
) -> Iterator[tuple[int, list[str] | MalformedInputError, str]]:
    """(first line number, fields, the row's exact text) for each row; strict quoting.

    A row that breaks the quoting comes as an error in place of its fields; the reader resumes at the next line, so
    the rows after it are still read.
    """
    buf = io.StringIO(text, newline="")
    consumed: list[str] = []
    line_no = 0

    def lines() -> Iterator[str]:
        nonlocal line_no
        for ln in buf:
            line_no += 1
            consumed.append(ln)
            yield ln

    reader = csv.reader(lines(), delimiter=delimiter, strict=True)
    start = 1
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raw = "".join(consumed)
            consumed.clear()
            yield start, MalformedInputError(f"malformed CSV: {exc}", path=path, line=line_no), raw
            start = line_no + 1
            continue
        raw = "".join(consumed)
        consumed.clear()
        yield start, row, raw
        start = line_no + 1


def load_csv(data: bytes, origin: Origin, ctx: LoadContext, *, delimiter: str | None = None) -> Iterator[Item]:
    path = origin.path
    text = _decode(data, origin)
    delim = delimiter or _sniff_delimiter(text, ",")
    rows = _csv_rows(text, path, delim)
    header: list[str] | None = None
    header_line = 0
    for line, row, _ in rows:
        if isinstance(row, MalformedInputError):
            raise row
        if row and any(cell.strip() for cell in row):
            header, header_line = [c.strip() for c in row], line
            break
    if header is None:
        raise EmptyInputError("CSV has no header row", path=path)
    docs = _Records(None, _resolve_fields(ctx.mapping, header, path, "column"), "csv", origin, ctx)
    index = {name: i for i, name in reversed(list(enumerate(header)))}
    count = 0
    for line, row, raw_text in rows:
        if not row:  # a blank line is layout, not a record
            continue
        where = f"{path}:{line}"
        if isinstance(row, MalformedInputError):
            yield skip_or_raise(row, ctx, where=where, line=row.line)
            continue
        if len(row) > len(header):
            err = MalformedInputError(
                f"row has {len(row)} fields but the header (line {header_line}) has {len(header)}", path=path, line=line
            )
            yield skip_or_raise(err, ctx, where=where, line=line)
            continue
        record = {name: row[i] if i < len(row) else "" for name, i in index.items() if name}
        raw = raw_text.rstrip("\r\n").encode("utf-8")
        count += 1
        yield docs.document(record, raw, where=where, line=line)
    if count == 0:
        raise EmptyInputError(f"CSV has a header (line {header_line}) but no rows", path=path)


# --- JSON ----------------------------------------------------------------------------------------------------------


def _parse_json(text: str, path: str | None, line_offset: int = 0) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedInputError(
            f"malformed JSON: {exc.msg} (column {exc.colno})", path=path, line=exc.lineno + line_offset
        ) from exc
    except RecursionError as exc:
        raise MalformedInputError("malformed JSON: nested too deeply", path=path) from exc
    except ValueError as exc:  # e.g. an integer literal longer than Python's digit limit
        raise MalformedInputError(f"malformed JSON: {exc}", path=path) from exc


def _keys_of(records: Iterable[Any], limit: int = 2000) -> list[str]:
    seen: dict[str, None] = {}
    for i, rec in enumerate(records):
        if i >= limit:
            break
        if isinstance(rec, Mapping):
            for k in rec:
                seen.setdefault(str(k), None)
    return list(seen)


def _canonical(record: Any, path: str | None, line: int) -> bytes:
    try:
        return json.dumps(record, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedInputError(
            "record holds a lone surrogate (a \\uD800-\\uDFFF escape): not valid Unicode", path=path, line=line
        ) from None
    except (RecursionError, ValueError) as exc:
        raise MalformedInputError(f"record cannot be serialised: {exc}", path=path, line=line) from exc


def _detect_preset(root: Any) -> str | None:
    if (
        isinstance(root, Mapping)
        and isinstance(root.get("messages"), list)
        and "name" in root
        and str(root.get("type", "")).endswith(("channel", "group", "chat", "supergroup"))
    ):
        return "telegram"
    return None


def load_json(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    path = origin.path
    text = _decode(data, origin)
    root = _parse_json(text, path)
    mapping, preset = ctx.mapping, ctx.preset
    if mapping is None:
        preset = _detect_preset(root)
        mapping = dict(PRESETS[preset]) if preset else None
    records: Any
    if mapping and "records" in mapping:
        records_key = _alternatives(mapping["records"])[0]
        records = _get_path(root, records_key, root)
        if not isinstance(records, list):
            available = list(root) if isinstance(root, Mapping) else []
            raise UnknownFieldError(
                f"no list of records at {records_key!r}; top-level keys: {', '.join(map(str, available)) or 'none'}",
                path=path,
                field=records_key,
            )
    elif isinstance(root, list):
        records = root
    elif isinstance(root, Mapping):
        key = next((k for k in _RECORD_LISTS if isinstance(root.get(k), list)), None)
        if key is None:
            key = next((k for k, v in root.items() if isinstance(v, list) and v and isinstance(v[0], Mapping)), None)
        records = root[key] if key is not None else [root]
    else:
        raise MalformedInputError(
            f"JSON holds a {type(root).__name__}, not records (an array or an object)", path=path, line=1
        )
    if not records:
        raise EmptyInputError("JSON holds no records", path=path)
    extra_meta: dict[str, Any] = {"preset": preset} if preset else {}
    drop = _PRESET_DROP.get(preset or "", frozenset())
    if all(isinstance(r, str) for r in records[:50]):
        resolved: dict[str, list[str]] = {"text": ["."]}
    else:
        resolved = _resolve_fields(mapping, _keys_of(records), path, "field")
    docs = _Records(root, resolved, "json", origin, ctx, extra_meta, drop)
    for i, record in enumerate(records):
        where = f"{path}[{i}]"
        try:
            if isinstance(record, str):
                record = {".": record}
                raw = _canonical(record["."], path, i)
            elif not isinstance(record, Mapping):
                yield Skipped(
                    where=where, reason=f"record {i} is a {type(record).__name__}, not an object", path=path, line=i
                )
                continue
            else:
                raw = _canonical(record, path, i)
        except InputError as err:
            yield skip_or_raise(err, ctx, where=where, line=i)
            continue
        yield docs.document(record, raw, where=where, line=i, meta={"record_index": i})


def load_jsonl(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    path = origin.path
    text = _decode(data, origin)
    # JSON strings cannot hold a raw newline, so every record is one line; str.splitlines() would also split on
    # U+2028 and friends, which JSON strings may contain.
    lines = [ln.removesuffix("\r") for ln in text.split("\n")]

    def parsed() -> Iterator[tuple[int, str, Any]]:
        for n, ln in enumerate(lines, start=1):
            if not ln.strip():
                continue
            try:
                yield n, ln, _parse_json(ln, path, line_offset=n - 1)
            except MalformedInputError as exc:
                yield n, ln, exc

    # Field names come from the first records, read ahead once; the rest stream.
    sample = []
    for item in parsed():
        sample.append(item[2])
        if len(sample) >= 1000:
            break
    if not sample:
        raise EmptyInputError("JSONL holds no records", path=path)
    if not any(isinstance(rec, Mapping) for rec in sample):
        first_err = next((rec for rec in sample if isinstance(rec, MalformedInputError)), None)
        if first_err is not None:
            raise first_err
    resolved = _resolve_fields(ctx.mapping, _keys_of(sample), path, "field")
    extra_meta: dict[str, Any] = {"preset": ctx.preset} if ctx.preset else {}
    docs = _Records(None, resolved, "jsonl", origin, ctx, extra_meta)
    for n, ln, record in parsed():
        where = f"{path}:{n}"
        if isinstance(record, MalformedInputError):
            yield skip_or_raise(record, ctx, where=where, line=n)
            continue
        if not isinstance(record, Mapping):
            yield Skipped(
                where=where, reason=f"line {n} holds a {type(record).__name__}, not an object", path=path, line=n
            )
            continue
        yield docs.document(record, ln.encode("utf-8"), where=where, line=n)
