"""Files too large to read whole: web archives and Telegram exports stream from the file, record by record.

A file over ``max_bytes`` is refused by every other loader (its bytes would all sit in memory). A WARC, a WACZ or a
Telegram Desktop export of hundreds of megabytes is common, though, and each is a sequence of records: it is read one
record at a time, its SHA-256 taken in chunks, and ``max_bytes`` then limits each record instead of the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from osintkit.sources._common import Item, LoadContext, Origin, check_regular, display_path, file_origin, hash_file
from osintkit.sources.telegram import load_telegram_file, looks_like_telegram
from osintkit.sources.warc import is_wacz, is_warc, load_wacz_file, load_warc_file

__all__ = ["STREAMED", "stream_file"]

PathLoader = Callable[[Path, Origin, LoadContext], Iterator[Item]]

STREAMED: dict[str, PathLoader] = {"warc": load_warc_file, "wacz": load_wacz_file, "telegram": load_telegram_file}
_HEAD = 1 << 16


def stream_file(path: Path, ctx: LoadContext) -> Iterator[Item] | None:
    """The items of a file over ``ctx.max_bytes`` in a format that streams; None for any other file."""
    size = check_regular(path, display_path(path)).st_size
    if size <= ctx.max_bytes:
        return None
    loader = STREAMED.get(_format(path, size, ctx) or "")
    if loader is None:
        return None
    return _run(path, loader, ctx)


def _format(path: Path, size: int, ctx: LoadContext) -> str | None:
    """Which streaming loader reads the file, from the format asked for or its first (and last) bytes."""
    with path.open("rb") as fh:
        head = fh.read(_HEAD)
        fh.seek(max(0, size - _HEAD))
        tail = fh.read(_HEAD)
    if ctx.format in ("warc", "wacz", "telegram"):
        return ctx.format
    if ctx.format not in (None, "json") or (ctx.mapping is not None and ctx.preset != "telegram"):
        return None  # a format or field mapping that reads the file otherwise, whole
    if is_warc(head):
        return "warc"
    if head.startswith(b"PK\x03\x04") and is_wacz(head[:4] + tail):
        return "wacz"
    if looks_like_telegram(head):
        return "telegram"
    return None


def _run(path: Path, loader: PathLoader, ctx: LoadContext) -> Iterator[Item]:
    origin = file_origin(path, None, sha256=hash_file(path))
    yield from loader(path, origin, ctx)
