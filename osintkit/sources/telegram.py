"""Telegram Desktop exports (``result.json``): one document per message, with the chat as publisher.

Telegram Desktop's "Export chat history" writes one chat (``{"name", "type", "id", "messages": [...]}``) and its
"Export Telegram data" writes every chat (``{"chats": {"list": [chat, ...]}, "left_chats": {"list": [...]}}``).
Both are recognised by their content, whatever the file is called, and read here rather than by the generic JSON
loader because a message carries what the researcher needs as evidence:

- ``published`` comes from ``date_unixtime`` (UTC); ``date`` is the exporting machine's local time without a zone,
  so its offset is recovered by comparing the two and kept in ``meta["published_local"]``;
- ``text`` is a string or a list of strings and entity objects; it is flattened as Telegram shows it, and the links,
  mentions, hashtags (and the rest that are not mere formatting) go to ``meta["entities"]`` with their character
  offsets in the document text;
- ``meta["forwarded_from"] = {"name", "date", "message_id"}`` (the last two only where the export has them; the date
  in UTC like ``published``; the name is null for a sender who hides forwards) is what
  ``osintkit.claims.links`` turns into a copy link of direction "forwarded": the export itself says who copied whom;
- attached media are listed in ``meta["media"]`` with their SHA-256 when the file sits next to the export (never
  outside its folder);
- service messages (a channel created, a member joined) and messages without text are skipped and reported.

Each message is hashed over its own canonical JSON (as the JSON loader hashes an array item), so the same message
gives the same document id in any export that holds it; the whole file's hash is in ``meta["file_sha256"]``. A
single-chat export cut short (an interrupted export or copy) keeps every complete message before the cut, and the
cut itself is reported with its line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import mimetypes
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import IO, Any, BinaryIO

from osintkit.errors import InputError, InputTooLargeError, MalformedInputError, UnsupportedFormatError
from osintkit.model import Attachment
from osintkit.sources._common import (
    MAX_JSON_DEPTH,
    Item,
    LoadContext,
    Loaded,
    Origin,
    Skipped,
    check_regular,
    decode_bytes,
    exceeds_depth,
    make_document,
    normalize_date,
    original_path,
    skip_or_raise,
)
from osintkit.sources.tabular import load_json

__all__ = [
    "is_telegram_export",
    "load_json_or_telegram",
    "load_telegram",
    "load_telegram_file",
    "looks_like_telegram",
]

# Entity types that are only formatting; the others (links, mentions, hashtags, ...) are evidence and kept.
_FORMATTING = frozenset(
    {"plain", "bold", "italic", "underline", "strikethrough", "code", "pre", "spoiler", "blockquote", "custom_emoji"}
)
_MEDIA_KEYS = ("photo", "file", "thumbnail")
# Telegram Desktop writes these instead of a path when a file was left out of the export.
_NOT_INCLUDED = re.compile(r"^\(File (not included|exceeds maximum size)", re.IGNORECASE)
_MESSAGES_KEY = re.compile(r'"messages"\s*:\s*\[')
_HASH_CHUNK = 1 << 20


def _is_chat(value: Any) -> bool:
    return (
        isinstance(value, Mapping)
        and isinstance(value.get("messages"), list)
        and isinstance(value.get("type"), str)
        and "id" in value
    )


def is_telegram_export(root: Any) -> bool:
    """Whether parsed JSON is a Telegram Desktop export: one chat, or a full export with a list of chats."""
    if _is_chat(root):
        return True
    if not isinstance(root, Mapping):
        return False
    for key in ("chats", "left_chats"):
        section = root.get(key)
        if isinstance(section, Mapping) and isinstance(section.get("list"), list):
            return True
    return False


def load_json_or_telegram(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """The JSON loader's front door: a Telegram Desktop export (recognised by content) is read as one.

    An explicit field mapping wins (the caller wants the generic reader); ``mapping="telegram"`` and no mapping at
    all both go through the content check. Anything else, or JSON too broken to tell, goes to the JSON loader.
    """
    if (ctx.mapping is not None and ctx.preset != "telegram") or b'"messages"' not in data:
        yield from load_json(data, origin, ctx)
        return
    text, encoding, warnings = decode_bytes(data, origin.path)
    parsed = _parse(text, origin.path)
    if parsed is None:
        yield from load_json(data, origin, ctx)
        return
    origin.warnings.extend(warnings)
    if encoding != "utf-8":
        origin.meta["encoding"] = encoding
    yield from _export_items(*parsed, origin, ctx)


def load_telegram(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """Every message of a Telegram Desktop export (one chat or all chats) as a document."""
    text, encoding, warnings = decode_bytes(data, origin.path)
    origin.warnings.extend(warnings)
    if encoding != "utf-8":
        origin.meta["encoding"] = encoding
    parsed = _parse(text, origin.path)
    if parsed is None:
        raise UnsupportedFormatError(
            "not a Telegram Desktop export (no chat with a 'messages' list, nor a 'chats' list)", path=origin.path
        )
    yield from _export_items(*parsed, origin, ctx)


def _parse(text: str, path: str | None) -> tuple[Mapping[str, Any], MalformedInputError | None] | None:
    """(the export, the error that cut it short if any), or None when the text is not a Telegram export."""
    try:
        root = json.loads(text)
    except json.JSONDecodeError as exc:
        salvaged = _salvage(text)
        if salvaged is None:
            return None
        head, read = salvaged
        cut = MalformedInputError(
            f"JSON is cut short or broken ({exc.msg}, column {exc.colno}); the {read} complete message(s) before "
            "it were read",
            path=path,
            line=exc.lineno,
        )
        return head, cut
    except (ValueError, RecursionError):
        return None
    return (root, None) if is_telegram_export(root) else None


def _export_items(
    root: Mapping[str, Any], cut: MalformedInputError | None, origin: Origin, ctx: LoadContext
) -> Iterator[Item]:
    media = _MediaHasher(origin)
    for chat in _chats(root):
        yield from _chat_items(chat, origin, ctx, media)
    if cut is not None:
        raise cut


def _chats(root: Mapping[str, Any]) -> Iterator[Any]:
    if _is_chat(root):
        yield root
        return
    for key in ("chats", "left_chats"):
        section = root.get(key)
        if isinstance(section, Mapping) and isinstance(section.get("list"), list):
            yield from section["list"]


def _salvage(text: str) -> tuple[dict[str, Any], int] | None:
    """A single-chat export cut short: its header and every complete message before the cut, or None."""
    m = _MESSAGES_KEY.search(text)
    if m is None:
        return None
    try:
        head = json.loads(text[: m.start()] + '"messages": []}')
    except (ValueError, RecursionError):
        return None
    if not _is_chat(head):
        return None
    decoder = json.JSONDecoder()
    messages: list[Any] = []
    pos = m.end()
    ws = re.compile(r"[ \t\r\n]*")
    while True:
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        try:
            message, pos = decoder.raw_decode(text, pos)
        except (ValueError, RecursionError):
            break
        messages.append(message)
        pos = ws.match(text, pos).end()  # type: ignore[union-attr]
        if text.startswith(",", pos):
            pos += 1
        else:
            break
    head["messages"] = messages
    return head, len(messages)


def _chat_items(chat: Any, origin: Origin, ctx: LoadContext, media: _MediaHasher) -> Iterator[Item]:
    path = origin.path
    if not isinstance(chat, Mapping):
        yield Skipped(where=f"{path}", reason=f"a chat entry is a {type(chat).__name__}, not an object", path=path)
        return
    messages = chat.get("messages")
    if not isinstance(messages, list) or not messages:
        yield _no_messages(chat, path)
        return
    head = _chat_head(chat, origin, ctx)
    if isinstance(head, Skipped):
        yield head
        return
    for i, message in enumerate(messages):
        yield _one_message(message, i, head, origin, ctx, media)


def _no_messages(chat: Mapping[str, Any], path: str | None) -> Skipped:
    name = chat.get("name") if isinstance(chat.get("name"), str) else None
    label = str(chat.get("id") if chat.get("id") is not None else name)
    return Skipped(where=f"{path}[{label}]", reason=f"chat {name or label!r} holds no messages in this export",
                   path=path)  # fmt: skip


@dataclass(frozen=True)
class _Chat:
    """What every message of a chat carries of it: its name, type, id and @username, and the label it is shown by."""

    info: dict[str, Any]
    label: str


def _chat_head(chat: Mapping[str, Any], origin: Origin, ctx: LoadContext) -> _Chat | Skipped:
    path = origin.path
    name = chat.get("name") if isinstance(chat.get("name"), str) else None
    chat_id = chat.get("id")
    label = str(chat_id if chat_id is not None else name)
    username = _username(chat, origin)
    info = {"name": name, "type": chat.get("type"), "id": chat_id}
    if username:
        info["username"] = username
    try:
        # Goes into every message's metadata unchecked (see _message_item), so it is proved storable once here.
        json.dumps(info, ensure_ascii=False).encode("utf-8")
    except (UnicodeEncodeError, TypeError, ValueError):
        err = MalformedInputError("chat name, type or id holds a lone surrogate or an unstorable value", path=path,
                                  field=f"chat {label}")  # fmt: skip
        return skip_or_raise(err, ctx, where=f"{path}[{label}]")
    return _Chat(info, label)


def _one_message(message: Any, i: int, chat: _Chat, origin: Origin, ctx: LoadContext, media: _MediaHasher) -> Item:
    path = origin.path
    msg_id = message.get("id") if isinstance(message, Mapping) else None
    where = f"{path}[{chat.label}/{msg_id if msg_id is not None else i}]"
    if not isinstance(message, Mapping):
        return Skipped(where=where, reason=f"message {i} is a {type(message).__name__}, not an object", path=path)
    try:
        return _message_item(message, i, chat=chat.info, origin=origin, ctx=ctx, media=media, where=where)
    except InputError as err:
        if err.path is None:
            err = type(err)(err.reason, path=path, field=err.field)
        return skip_or_raise(err, ctx, where=where)


# --- exports too large to read whole ------------------------------------------------------------------------------

# Where a chat object sits in an export: the whole file (one chat), or an item of a full export's chat lists.
_CHAT_BASES = frozenset({"", "chats.list.item", "left_chats.list.item"})
_MESSAGE_ITEMS = frozenset(f"{b}.messages.item".lstrip(".") for b in _CHAT_BASES)
_HEADER_KEYS = frozenset({"name", "type", "id", "username"})
_SCALARS = frozenset({"string", "number", "boolean", "null"})


def looks_like_telegram(head: bytes) -> bool:
    """Whether the first bytes of a JSON file may begin a Telegram Desktop export (one chat or a full export)."""
    return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{") and any(
        key in head for key in (b'"messages"', b'"chats"', b'"personal_information"', b'"left_chats"')
    )


def load_telegram_file(path: Path, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """A Telegram Desktop export read from the file message by message (ijson), for exports of any size.

    Gives the same documents as :func:`load_telegram` on the same bytes. A chat's name, type and id must come
    before its messages, as Telegram Desktop writes them; ``max_bytes`` limits each message, not the file.
    """
    import ijson

    media = _MediaHasher(origin)
    chat: _Chat | Skipped | None = None
    count = read = chats = 0
    with path.open("rb") as fh:
        events = _events(fh)
        try:
            for kind, value in events:
                if kind == "chat":
                    chats += 1
                    base, header = value
                    chat, count = _stream_chat(base, header, origin, ctx), 0
                    if isinstance(chat, Skipped):
                        yield chat
                elif kind == "message" and isinstance(chat, _Chat):
                    item = _one_message(value, count, chat, origin, ctx, media)
                    count += 1
                    read += isinstance(item, Loaded)
                    yield item
                elif kind == "end" and count == 0 and isinstance(chat, _Chat):
                    yield _no_messages(chat.info, origin.path)
        except ijson.JSONError as exc:
            raise MalformedInputError(
                f"JSON is cut short or broken ({str(exc)[:120]}) near byte {fh.tell():,}; the {read} complete "
                "message(s) before it were read",
                path=origin.path,
            ) from None
    if not chats:
        raise UnsupportedFormatError(
            "not a Telegram Desktop export (no chat with a 'messages' list, nor a 'chats' list)", path=origin.path
        )


def _stream_chat(base: str, header: dict[str, Any], origin: Origin, ctx: LoadContext) -> _Chat | Skipped:
    # The file itself is one chat only when it says what chat (as is_telegram_export asks); a full export's chat
    # lists are read whatever their items hold, as they are when read whole.
    if base == "" and (not isinstance(header.get("type"), str) or "id" not in header):
        raise UnsupportedFormatError(
            "not a Telegram Desktop export: a 'messages' list whose chat has no type and id before it",
            path=origin.path,
        )
    return _chat_head(header, origin, ctx)


def _events(fh: IO[bytes]) -> Iterator[tuple[str, Any]]:
    """("chat", (where it sits, its name, type, id and username)) as a chat's messages begin, ("message", one
    message) for each, ("end", None) as they end; one message in memory at a time."""
    import ijson

    # ijson's pure-Python parser, not its C one: the C parser turns a lone surrogate escape ("\ud800") into "?", a
    # silent change to the evidence (and to the message's id), where the Python one keeps it for the message to be
    # refused as it is when read whole. Measured on 7.7 MB: 2.9 s against 0.2 s, while the rest of loading takes
    # about 20 s (language identification, mostly), so the cost is about a tenth.
    backend = ijson.get_backend("python")
    headers: dict[str, dict[str, Any]] = {}
    builder: Any = None
    depth = 0
    for prefix, event, value in backend.parse(fh, use_float=True):
        if builder is not None:
            builder.event(event, value)
            depth += event in ("start_map", "start_array")
            depth -= event in ("end_map", "end_array")
            if depth == 0:
                yield "message", builder.value
                builder = None
            continue
        if prefix in _MESSAGE_ITEMS:
            if event in _SCALARS:
                yield "message", value
                continue
            builder, depth = ijson.ObjectBuilder(), 1
            builder.event(event, value)
            continue
        base, _, key = prefix.rpartition(".")
        if event == "start_map" and prefix in _CHAT_BASES:
            headers[prefix] = {}
        elif event in _SCALARS and key in _HEADER_KEYS and base in headers:
            headers[base][key] = value
        elif key == "messages" and base in _CHAT_BASES and event in ("start_array", "end_array"):
            yield ("chat", (base, headers.get(base, {}))) if event == "start_array" else ("end", None)


def _username(chat: Mapping[str, Any], origin: Origin) -> str | None:
    """The public @username, from the export or a sidecar (``{"username": ...}``); exports often lack it."""
    for value in (chat.get("username"), origin.meta.get("telegram_username"), origin.meta.get("username")):
        if isinstance(value, str) and re.fullmatch(r"@?[A-Za-z0-9_]{4,32}", value.strip()):
            return value.strip().lstrip("@")
    return None


def _message_item(
    message: Mapping[str, Any],
    index: int,
    *,
    chat: dict[str, Any],
    origin: Origin,
    ctx: LoadContext,
    media: _MediaHasher,
    where: str,
) -> Item:
    path = origin.path
    msg_id = message.get("id")
    try:
        raw = json.dumps(message, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    except UnicodeEncodeError:
        raise MalformedInputError(
            "message holds a lone surrogate (a \\uD800-\\uDFFF escape): not valid Unicode",
            path=path,
            field=f"messages[{index}]",
        ) from None
    except (ValueError, RecursionError) as exc:
        raise MalformedInputError(f"message cannot be serialised: {exc}", path=path) from exc
    if len(raw) > ctx.max_bytes:  # only an export streamed from its file holds a message this large
        raise InputTooLargeError(f"message is {len(raw):,} bytes, over the {ctx.max_bytes:,}-byte limit", path=path,
                                 field=f"messages[{index}]")  # fmt: skip
    # Nesting needs an opening bracket per level: counting them in C spares the walk for almost every message.
    if raw.count(b"[") + raw.count(b"{") > MAX_JSON_DEPTH and exceeds_depth(message):
        raise MalformedInputError("message is nested too deeply", path=path, field=f"messages[{index}]")
    if message.get("type") == "service":
        action = message.get("action") or "unknown action"
        return Skipped(where=where, reason=f"service message ({action}), not a post", path=path)
    text, entities = _flatten(message.get("text"))
    poll = message.get("poll")
    if not text.strip() and isinstance(poll, Mapping):
        text = _poll_text(poll)
    attached = media.describe(message)
    if not text.strip():
        what = ", ".join(a.get("media_type") or a["kind"] for a in attached) if attached else "nothing"
        return Skipped(where=where, reason=f"message has no text (attached: {what})", path=path)
    meta: dict[str, Any] = {"message_id": msg_id, "chat": dict(chat), "record_index": f"{chat['id']}/{msg_id}"}
    warnings: list[str] = []
    published, local = _date(message.get("date"), message.get("date_unixtime"))
    if local:
        meta["published_local"] = local
    if published is None and message.get("date"):
        warnings.append("message date has no time zone (the export has no date_unixtime); read as UTC")
        published = message.get("date")
    edited, _ = _date(message.get("edited"), message.get("edited_unixtime"))
    if edited:
        meta["edited"] = edited
    reply = message.get("reply_to_message_id")
    if reply is not None:
        meta["reply_to"] = {"message_id": reply}
        if message.get("reply_to_peer_id") is not None:
            meta["reply_to"]["peer_id"] = message["reply_to_peer_id"]
        elif chat.get("username") and _is_id(reply):
            meta["reply_to"]["url"] = f"https://t.me/{chat['username']}/{reply}"
    if entities:
        meta["entities"] = entities
    if attached:
        meta["media"] = attached
    forwarded = _forwarded(message)
    if forwarded is not None:
        meta["forwarded_from"] = forwarded
    if isinstance(message.get("saved_from"), str):
        meta["saved_from"] = message["saved_from"]
    for key in ("from_id", "via_bot", "author", "views", "location_information"):
        if message.get(key) not in (None, ""):
            meta[key] = message[key]
    if isinstance(poll, Mapping):
        meta["poll"] = poll
    fields = {
        # Messages have no title; a label naming the chat and message reads better in reports than a document id.
        "title": f"{chat.get('name') or chat.get('id')} #{msg_id}" if msg_id is not None else None,
        "source": chat.get("name"),
        "author": message.get("author") or message.get("from"),
        "published": published,
        "url": f"https://t.me/{chat['username']}/{msg_id}" if chat.get("username") and _is_id(msg_id) else None,
    }
    # The message encoded to UTF-8 above (no lone surrogate) and its depth is bounded, so the metadata cut from it
    # needs no second serialisation to prove it storable.
    doc = make_document(raw, text, loader="telegram", origin=origin, ctx=ctx, fields=fields, meta=meta,
                        warnings=warnings, check_meta=False)  # fmt: skip
    return Loaded(doc, raw, media.attachments(attached))


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


def _flatten(value: Any) -> tuple[str, list[dict[str, Any]]]:
    """Text as Telegram shows it, and the non-formatting entities with their offsets in that text."""
    if value is None:
        return "", []
    if isinstance(value, str):
        return value, []
    parts = value if isinstance(value, list) else [value]
    out: list[str] = []
    entities: list[dict[str, Any]] = []
    offset = 0
    for part in parts:
        if isinstance(part, str):
            piece = part
        elif isinstance(part, Mapping):
            value_text = part.get("text")
            piece = value_text if isinstance(value_text, str) else ""
            kind = part.get("type")
            if isinstance(kind, str) and kind not in _FORMATTING and piece:
                entity: dict[str, Any] = {"type": kind, "text": piece, "offset": offset}
                for key in ("href", "user_id"):
                    if part.get(key) not in (None, ""):
                        entity[key] = part[key]
                entities.append(entity)
        else:
            piece = str(part)
        out.append(piece)
        offset += len(piece)
    return "".join(out), entities


def _poll_text(poll: Mapping[str, Any]) -> str:
    lines = [str(poll.get("question") or "")]
    answers = poll.get("answers")
    if isinstance(answers, list):
        lines.extend(f"- {a.get('text')}" for a in answers if isinstance(a, Mapping) and a.get("text"))
    return "\n".join(line for line in lines if line)


def _date(local: Any, unixtime: Any) -> tuple[str | None, str | None]:
    """(the instant as ISO with the exporter's offset, the same) from Telegram's naive local date and its Unix time.

    The offset is what separates the two, rounded to a quarter hour (every time zone in use is a multiple of one).
    """
    try:
        stamp = int(str(unixtime))
        utc = dt.datetime.fromtimestamp(stamp, dt.UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None, None
    if not isinstance(local, str):
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ"), None
    try:
        naive = dt.datetime.fromisoformat(local)
    except ValueError:
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ"), None
    if naive.tzinfo is not None:
        return naive.isoformat(), naive.isoformat()
    minutes = round((naive - utc.replace(tzinfo=None)).total_seconds() / 900) * 15
    if abs(minutes) > 14 * 60:
        return utc.strftime("%Y-%m-%dT%H:%M:%SZ"), None
    aware = utc.astimezone(dt.timezone(dt.timedelta(minutes=minutes)))
    return aware.isoformat(), aware.isoformat()


def _forwarded(message: Mapping[str, Any]) -> dict[str, Any] | None:
    """Who a forwarded message came from, as the export records it (the name may be null for a hidden sender)."""
    if "forwarded_from" not in message:
        return None
    out: dict[str, Any] = {"name": message.get("forwarded_from")}
    if message.get("forwarded_from_id") not in (None, ""):
        out["id"] = message["forwarded_from_id"]
    for key in ("forwarded_date", "forward_date", "original_date"):
        value = message.get(key)
        if value not in (None, ""):
            date, _ = _date(value, message.get(f"{key}_unixtime"))
            # In the same UTC form as Document.published, so the original can be matched by its date.
            out["date"] = normalize_date(date or value) or value
            break
    for key in ("forwarded_message_id", "forward_message_id", "forwarded_from_message_id", "original_message_id"):
        if message.get(key) not in (None, ""):
            out["message_id"] = message[key]
            break
    return out


class _MediaHasher:
    """Describes a message's attached files, hashing those found inside the export's folder (each file once)."""

    def __init__(self, origin: Origin) -> None:
        self._base: Path | None = None
        if origin.path:
            self._base = original_path(origin.path, origin.meta).parent
        self._seen: dict[str, dict[str, Any]] = {}
        self._files: dict[str, Path] = {}

    def describe(self, message: Mapping[str, Any]) -> list[dict[str, Any]]:
        out = []
        for kind in _MEDIA_KEYS:
            value = message.get(kind)
            if not isinstance(value, str) or not value:
                continue
            entry: dict[str, Any] = {"kind": kind}
            if _NOT_INCLUDED.match(value):
                entry["note"] = value
            else:
                entry["path"] = value
                entry.update(self._hash(value))
            for key in ("media_type", "mime_type", "file_name"):
                if kind != "thumbnail" and isinstance(message.get(key), str):
                    entry[key] = message[key]
            out.append(entry)
        return out

    def _hash(self, rel: str) -> dict[str, Any]:
        if rel in self._seen:
            return self._seen[rel]
        found: dict[str, Any]
        if self._base is None:
            found = {"status": "not found (the export was not read from a folder)"}
        else:
            try:
                base = self._base.resolve()
                target = (base / rel).resolve()
            except (ValueError, OSError) as exc:  # a NUL byte or an overlong name in the export's path
                found = {"status": f"not read: not a usable path ({exc})"}
            else:
                if not target.is_relative_to(base):
                    found = {"status": "outside the export's folder; not read"}
                else:
                    found = _hash_file(target, rel)
                    self._files[rel] = target
        self._seen[rel] = found
        return found

    def attachments(self, described: list[dict[str, Any]]) -> list[Attachment]:
        """The media files that were found and hashed, for the case to keep beside the message."""
        out = []
        for entry in described:
            rel = entry.get("path")
            if not isinstance(rel, str) or "sha256" not in entry or rel not in self._files:
                continue
            media_type = entry.get("mime_type") or mimetypes.guess_type(rel)[0]
            meta: dict[str, Any] = {k: entry[k] for k in ("kind", "media_type", "file_name") if k in entry}
            out.append(
                Attachment(name=rel, role="telegram-media", media_type=media_type, sha256=entry["sha256"],
                           size=entry["size"], meta=meta, opener=partial(_open_binary, self._files[rel]))
            )  # fmt: skip
        return out


def _open_binary(path: Path) -> BinaryIO:
    return path.open("rb")


def _hash_file(path: Path, name: str) -> dict[str, Any]:
    try:
        size = check_regular(path, name).st_size
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while chunk := fh.read(_HASH_CHUNK):
                digest.update(chunk)
    except InputError as exc:
        return {"status": f"not read: {exc.reason}"}
    except OSError as exc:
        return {"status": f"not read: {exc.strerror or exc}"}
    return {"sha256": digest.hexdigest(), "size": size}
