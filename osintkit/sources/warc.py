"""Web archives: WARC files (``.warc``, ``.warc.gz``) and WACZ packages, read with ``warcio``, never replayed.

Archiving tools (Browsertrix, ArchiveBox, auto-archiver, ``wget --warc-file``) keep the page as the server sent it,
with the capture time and a digest of what was received. Each archived HTML response (or ``resource`` record holding
HTML) becomes a document whose text is extracted exactly as a saved page's is (:func:`osintkit.sources.html.load_html`),
with ``url`` = ``WARC-Target-URI`` and ``retrieved`` = ``WARC-Date``, the capture time. An archived PDF becomes a
document through :func:`osintkit.sources.pdf.load_pdf`.

Provenance: a document's ``sha256`` is that of the record's payload (the HTTP body it was read from, which the case
stores as its raw bytes), and ``meta["file_sha256"]`` is the SHA-256 of the archive file itself, the evidentiary
copy. ``meta["warc"]`` says which record of which archive: its ``WARC-Record-ID``, byte offset, index, date, the
``WARC-Payload-Digest`` and ``WARC-Block-Digest`` it declares and ``digest`` = "verified", "absent" or "failed: ...".

A record whose digest fails is **kept and flagged**, not skipped: the archive is the evidence as it stands, and what
it holds is still worth reading, but the document carries ``meta["warc"]["digest"] = "failed: ..."`` and a warning
saying the record changed after capture (or the archive was damaged), so no one cites it unawares. Screenshots,
images, scripts and other non-page records are not documents: they are listed with their hashes in
``meta["attachments"]`` of the page they belong to (the only page, or the page they name or were captured with).

WACZ packages are zips holding ``archive/*.warc(.gz)``, ``datapackage.json`` (each file's SHA-256) and
``pages/pages.jsonl``; every archive inside is read the same way, each member is checked against the package's
hashes, and page titles from ``pages.jsonl`` fill in where the HTML has none. Nothing is fetched.

Archives of hundreds of megabytes stream: :func:`load_warc_file` and :func:`load_wacz_file` read from the file, one
record at a time, in two passes. The first reads every record once (warcio checks its digest as it goes), keeps a
short description (its offset, type, URI, the SHA-256 and size of its payload) and lets the bytes go; the second
reads back, by offset, only the pages, and the screenshots and media the case keeps read theirs back the same way
when it stores them. So memory holds one record (at most ``max_bytes``) at a time, whatever the archive's size;
``max_bytes`` limits each record, not the archive. Bytes in memory go through the same two passes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import io
import json
import zipfile
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import IO, Any, cast

from osintkit.errors import (
    EmptyInputError,
    InputError,
    InputTooLargeError,
    MalformedInputError,
    UnsupportedFormatError,
)
from osintkit.model import Attachment
from osintkit.sources._budget import within_budget
from osintkit.sources._common import (
    Item,
    LoadContext,
    Loaded,
    Origin,
    Skipped,
    normalize_date,
    skip_or_raise,
)
from osintkit.sources.html import load_html
from osintkit.sources.pdf import load_pdf

__all__ = ["is_wacz", "is_warc", "load_wacz", "load_wacz_file", "load_warc", "load_warc_file"]

_HTML_TYPES = ("text/html", "application/xhtml+xml")
_PDF_TYPES = ("application/pdf",)
# Every record is decompressed to find the next; an archive that expands past this many times its own size (plus
# the size limit) is refused as a decompression bomb. Text pages compress about ten times.
_EXPANSION_LIMIT = 100
_MAX_ATTACHMENTS = 200
_CHUNK = 1 << 16
# Fields a sidecar may set for a whole archive; the rest (url, title, date) belong to each record.
_ARCHIVE_FIELDS = ("source", "author", "language")
# Records the case keeps as attachments of their page; scripts, style sheets and fonts are listed in the page's
# metadata with their hashes but not kept (a page's capture holds hundreds of them, and they are not evidence of what
# the page showed as a screenshot or a photo is).
_SCREENSHOT_URNS = ("urn:screenshot:", "urn:thumbnail:", "urn:view:")
_MEDIA_TYPES = ("image/", "video/", "audio/")


def is_warc(data: bytes) -> bool:
    """Whether bytes (the whole file or its first few kilobytes) are a WARC file, plain or gzipped record by
    record."""
    if data.startswith(b"WARC/"):
        return True
    if data.startswith(b"\x1f\x8b"):
        import zlib

        try:
            head = zlib.decompressobj(wbits=31).decompress(data[:4096], 16)
        except zlib.error:
            return False
        return head.startswith(b"WARC/")
    return False


def is_wacz(data: bytes) -> bool:
    """Whether bytes are a zip that looks like a WACZ package (its central directory names ``datapackage.json``)."""
    return data.startswith(b"PK\x03\x04") and b"datapackage.json" in data[-65536:]


@dataclass(frozen=True)
class _Source:
    """Where an archive's bytes are: opened afresh for each pass, and for each record read back by offset."""

    open: Callable[[], IO[bytes]]
    size: int


@dataclass
class _Record:
    """What the first pass keeps of a record: where it is and what it holds, never its bytes."""

    index: int
    rec_type: str
    uri: str | None
    record_id: str | None
    date: str | None
    mime: str
    status: int | None
    offset: int | None
    digest: str
    payload_digest: str | None = None
    block_digest: str | None = None
    refers: set[str] = field(default_factory=set)
    revisit_of: str | None = None
    note: str | None = None
    sha256: str | None = None  # of the payload as read (HTTP transfer and content encodings undone)
    size: int | None = None
    warcinfo: dict[str, str] | None = None

    @property
    def readable(self) -> bool:
        return self.sha256 is not None


class _Scan:
    """The first pass over an archive: every record described, the error that stopped the reading, if one did."""

    def __init__(self, source: _Source, ctx: LoadContext, path: str | None) -> None:
        self.source = source
        self.ctx = ctx
        self.path = path
        self.records: list[_Record] = []
        self.budget = _EXPANSION_LIMIT * source.size + ctx.max_bytes
        self.expanded = 0

    def run(self) -> tuple[list[_Record], MalformedInputError | None]:
        from warcio.archiveiterator import ArchiveIterator
        from warcio.exceptions import ArchiveLoadFailed

        records, path = self.records, self.path
        try:
            with self.source.open() as fh:
                end = 0
                it = ArchiveIterator(fh, check_digests=True)
                for index, record in enumerate(it):
                    body, got, too_large = self._body(record)
                    cut = _cut_short(record, index, got, path)
                    if cut is not None:
                        return records, cut
                    records.append(_describe(record, index, body, too_large, it, self.ctx))
                    end = it.get_record_offset() + it.get_record_length()
                return records, _trailing(fh, end, self.source.size, len(records), path)
        except MalformedInputError as exc:
            return records, exc
        except (ArchiveLoadFailed, ValueError, EOFError, OSError, KeyError, IndexError, TypeError) as exc:
            where = f" after record {len(records)}" if records else ""
            return records, MalformedInputError(f"not a readable WARC{where}: {type(exc).__name__}: {exc}", path=path)
        except Exception as exc:  # zlib and warcio's parsers fail in many ways on a damaged or cut archive
            where = f" after record {len(records)}" if records else ""
            return records, MalformedInputError(
                f"not a readable WARC{where} (damaged or cut short): {type(exc).__name__}: {exc}", path=path
            )

    def _body(self, record: Any) -> tuple[bytes, int, bool]:
        """The record's bytes up to the size limit (all of them are read, so warcio checks the digest)."""
        body = bytearray()
        too_large = False
        got = 0
        while chunk := record.raw_stream.read(_CHUNK):
            got += len(chunk)
            self.expanded += len(chunk)
            if self.expanded > self.budget:
                raise MalformedInputError(
                    f"archive expands past {_EXPANSION_LIMIT} times its size: refused as a decompression bomb",
                    path=self.path,
                )
            if len(body) <= self.ctx.max_bytes:
                body.extend(chunk)
            else:
                too_large = True
        return bytes(body), got, too_large


def _cut_short(record: Any, index: int, got: int, path: str | None) -> MalformedInputError | None:
    payload_length = record.payload_length
    expected = payload_length if isinstance(payload_length, int) and payload_length >= 0 else record.length
    if isinstance(expected, int) and got < expected:
        uri = record.rec_headers.get_header("WARC-Target-URI")
        return MalformedInputError(
            f"archive is cut short in record {index} ({record.rec_type} {uri}): {got:,} of its {expected:,} "
            "bytes are there",
            path=path,
        )
    return None


def _trailing(fh: IO[bytes], end: int, size: int, count: int, path: str | None) -> MalformedInputError | None:
    """An error when the archive goes on past its last record with anything but blank space (cut short?)."""
    fh.seek(end)
    while chunk := fh.read(_CHUNK):
        if chunk.strip():
            return MalformedInputError(
                f"archive ends with {size - end:,} bytes that hold no complete record (cut short?) after record "
                f"{count - 1}",
                path=path,
            )
    return None


def _describe(record: Any, index: int, body: bytes, too_large: bool, it: Any, ctx: LoadContext) -> _Record:
    headers = {k: v for k, v in record.rec_headers.headers}
    http = record.http_headers
    status: int | None = None
    mime = ""
    if http is not None and record.rec_type in ("response", "revisit"):
        try:
            status = int(http.get_statuscode())
        except (TypeError, ValueError):
            status = None
        mime = http.get_header("Content-Type") or ""
    if not mime or record.rec_type == "resource":
        mime = record.content_type or mime or ""
    try:
        offset: int | None = int(it.get_record_offset())
    except Exception:  # the offset is a convenience for finding the record by hand
        offset = None
    rec = _Record(
        index=index,
        rec_type=record.rec_type,
        uri=headers.get("WARC-Target-URI"),
        record_id=headers.get("WARC-Record-ID"),
        date=headers.get("WARC-Date"),
        mime=mime.split(";")[0].strip().lower(),
        status=status,
        offset=offset,
        digest=_digest_status(record, headers, too_large),
        payload_digest=headers.get("WARC-Payload-Digest"),
        block_digest=headers.get("WARC-Block-Digest"),
        refers={headers[k] for k in ("WARC-Concurrent-To", "WARC-Refers-To") if headers.get(k)},
        revisit_of=headers.get("WARC-Refers-To-Target-URI") if record.rec_type == "revisit" else None,
    )
    if too_large:
        rec.note = f"payload over the {ctx.max_bytes:,}-byte limit; not read"
        return rec
    try:
        payload = _payload(body, http if record.rec_type == "response" else None)
    except Exception as exc:  # a damaged compressed body loses that record, not the archive
        rec.note = f"content could not be decoded: {type(exc).__name__}: {exc}"
        return rec
    rec.sha256, rec.size = hashlib.sha256(payload).hexdigest(), len(payload)
    if rec.rec_type == "warcinfo" and payload:
        rec.warcinfo = _warcinfo(payload)
    return rec


def _digest_status(record: Any, headers: dict[str, str], too_large: bool) -> str:
    checker = record.digest_checker
    declared = headers.get("WARC-Payload-Digest") or headers.get("WARC-Block-Digest")
    if too_large:
        return "not checked (record over the size limit)"
    if checker is not None and checker.passed is False:
        return "failed: " + "; ".join(str(p) for p in checker.problems)
    if checker is not None and checker.passed is True:
        return "verified"
    return "absent" if not declared else "not checked"


def _payload(body: bytes, http: Any) -> bytes:
    """The HTTP body as the browser saw it: chunked transfer and gzip/deflate/br content encoding undone."""
    if http is None:
        return body
    from warcio.bufferedreaders import BufferedReader, ChunkedDataReader

    encoding = (http.get_header("Content-Encoding") or "").lower() or None
    if encoding not in BufferedReader.get_supported_decompressors():
        encoding = None
    stream: Any
    if (http.get_header("Transfer-Encoding") or "").lower() == "chunked":
        stream = ChunkedDataReader(io.BytesIO(body), decomp_type=encoding)
    elif encoding:
        stream = BufferedReader(io.BytesIO(body), decomp_type=encoding)
    else:
        return body
    out = bytearray()
    while chunk := stream.read(_CHUNK):
        out.extend(chunk)
        if len(out) > _EXPANSION_LIMIT * max(len(body), 1) + (1 << 20):
            raise ValueError("body expands past any honest compression ratio")
    return bytes(out)


def _read_back(source: _Source, rec: _Record, max_bytes: int, path: str | None) -> bytes:
    """A record's payload, read again from the archive: at its offset, or by walking to it where the offset fails
    (an archive gzipped as one stream, not record by record, has no offsets to seek to)."""
    from warcio.archiveiterator import ArchiveIterator

    def payload(record: Any) -> bytes:
        body = record.raw_stream.read(max_bytes + 1)
        if len(body) > max_bytes:
            raise InputTooLargeError(f"record {rec.index} is over the {max_bytes:,}-byte limit", path=path)
        data = _payload(body, record.http_headers if record.rec_type == "response" else None)
        # The first pass checked the record's digest; bytes that differ now were changed in the file since.
        if hashlib.sha256(data).hexdigest() != rec.sha256:
            raise MalformedInputError(
                f"record {rec.index} ({rec.uri}) changed in the file while it was being read", path=path
            )
        return data

    try:
        with source.open() as fh:
            if rec.offset is not None:
                fh.seek(rec.offset)
                first = next(iter(ArchiveIterator(fh)), None)
                if first is not None and first.rec_headers.get_header("WARC-Record-ID") == rec.record_id:
                    return payload(first)
            fh.seek(0)
            for index, record in enumerate(ArchiveIterator(fh)):
                if index == rec.index:
                    return payload(record)
    except InputError:
        raise
    except Exception as exc:  # the first pass read this record; failing now means the archive changed since
        raise MalformedInputError(
            f"record {rec.index} ({rec.uri}) cannot be read again: {type(exc).__name__}: {exc}", path=path
        ) from exc
    raise MalformedInputError(f"record {rec.index} ({rec.uri}) is no longer in the archive", path=path)


def load_warc(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """Every archived HTML page (and PDF) in a WARC file as a document."""
    if not is_warc(data):
        raise UnsupportedFormatError("not a WARC file (no 'WARC/' record header at the start)", path=origin.path)
    source = _Source(open=partial(io.BytesIO, data), size=len(data))
    yield from _archive_items(source, origin, ctx, archive=None, extra={}, loader_name="warc")


def load_warc_file(path: Path, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """:func:`load_warc` streaming from the file, for archives of any size (see the module docstring)."""
    with path.open("rb") as fh:
        head = fh.read(4096)
    if not is_warc(head):
        raise UnsupportedFormatError("not a WARC file (no 'WARC/' record header at the start)", path=origin.path)
    source = _Source(open=partial(_open_file, path), size=path.stat().st_size)
    yield from _archive_items(source, origin, ctx, archive=None, extra={}, loader_name="warc")


def _open_file(path: Path) -> IO[bytes]:
    return path.open("rb")


def load_wacz(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """Every archived page of every WARC inside a WACZ package."""
    yield from _wacz_items(partial(io.BytesIO, data), origin, ctx)


def load_wacz_file(path: Path, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """:func:`load_wacz` streaming from the file: its archives are read from the package as they stand."""
    yield from _wacz_items(partial(_open_file, path), origin, ctx)


class _ZipMember(io.RawIOBase):
    """One member of a zip, opened with the zip itself and closed with it (so a reader far from here, such as the
    case storing an attachment, needs nothing else)."""

    def __init__(self, opener: Callable[[], IO[bytes]], name: str) -> None:
        self._outer = opener()
        try:
            self._zip = zipfile.ZipFile(self._outer)
            self._member = self._zip.open(name)
        except BaseException:
            self._outer.close()
            raise

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def read(self, size: int = -1, /) -> bytes:
        return self._member.read(size)

    def readinto(self, buffer: Any, /) -> int:
        data = self._member.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def seek(self, offset: int, whence: int = 0, /) -> int:
        return self._member.seek(offset, whence)

    def tell(self) -> int:
        return self._member.tell()

    def close(self) -> None:
        if not self.closed:
            self._member.close()
            self._zip.close()
            self._outer.close()
        super().close()


def _open_member(opener: Callable[[], IO[bytes]], name: str) -> IO[bytes]:
    return cast(IO[bytes], _ZipMember(opener, name))


def _wacz_items(opener: Callable[[], IO[bytes]], origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    path = origin.path
    try:
        with opener() as outer, zipfile.ZipFile(outer) as zf:
            names = zf.namelist()
            sizes = {info.filename: info.file_size for info in zf.infolist()}
            package, hashes = _datapackage(zf, names, origin, ctx)
            titles = _page_titles(zf, names, ctx, path)
    except InputError:
        raise
    except Exception as exc:  # zipfile fails in many ways on a damaged file (BadZipFile, NotImplementedError...)
        raise MalformedInputError(f"not a readable WACZ (zip) file: {type(exc).__name__}: {exc}", path=path) from exc
    warcs = sorted(n for n in names if n.startswith("archive/") and n.lower().endswith((".warc", ".warc.gz")))
    if not warcs:
        raise UnsupportedFormatError("WACZ package holds no archive/*.warc or archive/*.warc.gz", path=path)
    for name in warcs:
        source = _Source(open=partial(_open_member, opener, name), size=sizes[name])
        try:
            member_sha, head = _hash_member(source, name, path)
        except InputError as err:
            yield skip_or_raise(err, ctx, where=f"{path}!{name}")
            continue
        check, member_warnings = _member_check(name, member_sha, hashes.get(name))
        extra = {"wacz": {"member": name, "member_sha256": member_sha, "datapackage": check, **package}}
        if not is_warc(head):
            bad = MalformedInputError(f"{name} is not a WARC file", path=path)
            yield skip_or_raise(bad, ctx, where=f"{path}!{name}")
            continue
        member_origin = dataclasses.replace(origin, warnings=[*origin.warnings, *member_warnings])
        yield from _archive_items(source, member_origin, ctx, archive=name, extra=extra, titles=titles,
                                  loader_name="wacz")  # fmt: skip


def _datapackage(
    zf: zipfile.ZipFile, names: list[str], origin: Origin, ctx: LoadContext
) -> tuple[dict[str, Any], dict[str, str]]:
    """The package's own description and the SHA-256 it records for each file, from ``datapackage.json``."""
    package: dict[str, Any] = {}
    hashes: dict[str, str] = {}
    if "datapackage.json" not in names:
        origin.warnings.append("no datapackage.json: not a complete WACZ package; its archives read all the same")
        return package, hashes
    try:
        manifest = json.loads(_member(zf, "datapackage.json", ctx, origin.path))
        for res in manifest.get("resources", []) if isinstance(manifest, dict) else []:
            if isinstance(res, dict) and isinstance(res.get("path"), str) and isinstance(res.get("hash"), str):
                hashes[res["path"]] = res["hash"]
        for key in ("title", "created", "software", "wacz_version", "mainPageURL", "mainPageDate"):
            if isinstance(manifest, dict) and manifest.get(key):
                package[key] = manifest[key]
    except (ValueError, InputError) as exc:
        origin.warnings.append(f"datapackage.json ignored: {getattr(exc, 'reason', exc)}")
    return package, hashes


def _hash_member(source: _Source, name: str, path: str | None) -> tuple[str, bytes]:
    """The SHA-256 of a member read in chunks, and its first bytes (to tell a WARC)."""
    digest = hashlib.sha256()
    head = b""
    try:
        with source.open() as fh:
            while chunk := fh.read(1 << 20):
                if not head:
                    head = chunk[:4096]
                digest.update(chunk)
    except Exception as exc:  # a damaged member: bad CRC, unknown compression, encryption, truncation
        raise MalformedInputError(f"{name} cannot be read from the package: {type(exc).__name__}: {exc}",
                                  path=path) from exc  # fmt: skip
    return digest.hexdigest(), head


def _member_check(name: str, member_sha: str, declared: str | None) -> tuple[str, list[str]]:
    if declared is None:
        return "not listed in datapackage.json", []
    algo, _, value = declared.partition(":")
    if algo.lower() != "sha256":
        return f"declared as {algo}, not checked", []
    if value.lower() == member_sha:
        return "verified", []
    check = f"failed: datapackage.json records sha256 {value[:16]}… but the file hashes to {member_sha[:16]}…"
    return check, [f"{name}: {check}"]


def _member(zf: zipfile.ZipFile, name: str, ctx: LoadContext, path: str | None) -> bytes:
    try:
        with zf.open(name) as fh:
            data = fh.read(ctx.max_bytes + 1)
    except Exception as exc:  # a damaged member: bad CRC, unknown compression, encryption, truncation
        raise MalformedInputError(f"{name} cannot be read from the package: {type(exc).__name__}: {exc}",
                                  path=path) from exc  # fmt: skip
    if len(data) > ctx.max_bytes:
        raise InputTooLargeError(f"{name} is over the {ctx.max_bytes:,}-byte limit (raise max_bytes=)", path=path)
    return data


def _page_titles(zf: zipfile.ZipFile, names: list[str], ctx: LoadContext, path: str | None) -> dict[str, str]:
    titles: dict[str, str] = {}
    if "pages/pages.jsonl" not in names:
        return titles
    try:
        text = _member(zf, "pages/pages.jsonl", ctx, path).decode("utf-8", errors="replace")
    except InputError:
        return titles
    for line in text.splitlines():
        try:
            entry = json.loads(line)
        except ValueError:
            continue
        if isinstance(entry, dict) and isinstance(entry.get("url"), str) and isinstance(entry.get("title"), str):
            titles.setdefault(entry["url"], entry["title"])
    return titles


def _is_page(rec: _Record, *, readable: bool = True) -> str | None:
    if rec.rec_type not in ("response", "resource") or (readable and not rec.readable):
        return None
    if rec.rec_type == "response" and (rec.status is None or not 200 <= rec.status < 300):
        return None
    if rec.mime in _HTML_TYPES:
        return "html"
    if rec.mime in _PDF_TYPES:
        return "pdf"
    return None


def _attachment(rec: _Record) -> dict[str, Any]:
    entry: dict[str, Any] = {"type": rec.rec_type, "uri": rec.uri, "record_id": rec.record_id,
                             "mime": rec.mime or None, "record_index": rec.index}  # fmt: skip
    if rec.status is not None:
        entry["status"] = rec.status
    if rec.sha256 is not None:
        entry["size"] = rec.size
        entry["sha256"] = rec.sha256
    if rec.payload_digest:
        entry["payload_digest"] = rec.payload_digest
    entry["digest"] = rec.digest
    if rec.note:
        entry["note"] = rec.note
    if rec.revisit_of:
        entry["revisit_of"] = rec.revisit_of
    return entry


def _role(rec: _Record) -> str | None:
    """What a record is to its page when the case keeps it: a screenshot, or media (images, video, audio)."""
    uri = (rec.uri or "").lower()
    if uri.startswith(_SCREENSHOT_URNS):
        return "warc-screenshot"
    if rec.mime.startswith(_MEDIA_TYPES) and rec.rec_type in ("response", "resource"):
        return "warc-media"
    return None


def _kept(records: list[_Record], source: _Source, ctx: LoadContext, path: str | None) -> list[Attachment]:
    out = []
    for rec in records:
        role = _role(rec)
        if role is None or rec.sha256 is None or rec.size is None:
            continue
        meta = {"record_id": rec.record_id, "record_index": rec.index, "digest": rec.digest, "date": rec.date}
        opener = partial(_record_stream, source, rec, ctx.max_bytes, path)
        out.append(
            Attachment(name=rec.uri or rec.record_id or f"record {rec.index}", role=role, media_type=rec.mime or None,
                       sha256=rec.sha256, size=rec.size, meta=meta, opener=opener)
        )  # fmt: skip
    return out


def _record_stream(source: _Source, rec: _Record, max_bytes: int, path: str | None) -> IO[bytes]:
    return io.BytesIO(_read_back(source, rec, max_bytes, path))


def _belongs(media: _Record, page: _Record) -> bool:
    if page.record_id and (page.record_id in media.refers):
        return True
    uri = media.uri or ""
    return bool(page.uri) and uri != page.uri and uri.startswith("urn:") and uri.endswith(page.uri or "")


@dataclass
class _Archive:
    """One archive as the first pass found it: its pages, its other records, and what is said of all of them."""

    source: _Source
    records: list[_Record]
    name: str | None
    pages: list[tuple[_Record, str]] = field(default_factory=list)
    media: list[_Record] = field(default_factory=list)
    invalid: list[int] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)
    damage: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        records = self.records
        self.invalid = [rec.index for rec in records if not rec.rec_type or not rec.record_id]
        self.pages = [(rec, kind) for rec in records if (kind := _is_page(rec))]
        self.media = [r for r in records if r.rec_type in ("response", "resource", "revisit") and not _is_page(r)]
        counts = dict(Counter(rec.rec_type or "invalid" for rec in records))
        self.meta = {"records": counts}
        warcinfo = next((rec for rec in records if rec.rec_type == "warcinfo"), None)
        if warcinfo is not None and warcinfo.warcinfo:
            self.meta["warcinfo"] = warcinfo.warcinfo

    def where(self, path: str | None, rec: _Record) -> str:
        return f"{path}[{rec.index}]" if self.name is None else f"{path}!{self.name}[{rec.index}]"

    def nothing_to_read(self, path: str | None) -> InputError:
        """Why an archive without a readable page gives no document."""
        if self.invalid:
            return MalformedInputError(
                f"{len(self.invalid)} of {len(self.records)} record(s) lack WARC-Type or WARC-Record-ID (first: "
                f"record {self.invalid[0]}): not a valid WARC",
                path=path,
            )
        kinds = ", ".join(f"{n} {t}" for t, n in sorted(self.meta["records"].items()))
        return EmptyInputError(f"web archive holds no HTML page or PDF ({kinds})", path=path)


def _archive_items(
    source: _Source,
    origin: Origin,
    ctx: LoadContext,
    *,
    archive: str | None,
    extra: dict[str, Any],
    loader_name: str,
    titles: dict[str, str] | None = None,
) -> Iterator[Item]:
    path = origin.path
    # Scales with the archive: a budget per megabyte, since an honest archive of many pages takes a while to read.
    budget = None if ctx.time_budget is None else ctx.time_budget * max(1.0, source.size / (1 << 20))
    # warcio writes its complaints about a damaged archive straight to stderr; they become warnings here.
    complaints = io.StringIO()
    with contextlib.redirect_stderr(complaints):
        records, stopped = within_budget(_Scan(source, ctx, path).run, budget, what="reading the web archive",
                                         path=path)  # fmt: skip
    if not records:
        raise stopped or EmptyInputError("web archive holds no records", path=path)
    found = _Archive(source, records, archive)
    found.damage = [f"warcio: {' '.join(c.split())[:200]}" for c in complaints.getvalue().split("WARNING:")
                    if c.strip()]  # fmt: skip
    # Pages whose payload could not be read (over the size limit, a broken compressed body) are reported, not lost.
    unreadable = [rec for rec in records if not rec.readable and _is_page(rec, readable=False)]
    for rec in unreadable:
        yield Skipped(where=found.where(path, rec), reason=f"record {rec.index} ({rec.uri}): {rec.note}", path=path)
    if not found.pages and not (unreadable and stopped is None):
        raise stopped or found.nothing_to_read(path)
    for rec, kind in found.pages:
        yield from _page_items(found, rec, kind, origin, ctx, extra=extra, loader_name=loader_name, titles=titles)
    if stopped is not None:
        raise stopped


def _page_items(
    found: _Archive,
    rec: _Record,
    kind: str,
    origin: Origin,
    ctx: LoadContext,
    *,
    extra: dict[str, Any],
    loader_name: str,
    titles: dict[str, str] | None,
) -> Iterator[Item]:
    path = origin.path
    belongs = found.media if len(found.pages) == 1 else [m for m in found.media if _belongs(m, rec)]
    warc = {
        "archive": found.name or path,
        "record_index": rec.index,
        "record_id": rec.record_id,
        "offset": rec.offset,
        "date": rec.date,
        "type": rec.rec_type,
        "payload_digest": rec.payload_digest,
        "block_digest": rec.block_digest,
        "digest": rec.digest,
        **found.meta,
    }
    if rec.status is not None:
        warc["http_status"] = rec.status
    meta: dict[str, Any] = {**origin.meta, **extra, "warc": warc, "record_index": rec.index}
    if belongs:
        meta["attachments"] = [_attachment(m) for m in belongs[:_MAX_ATTACHMENTS]]
        if len(belongs) > _MAX_ATTACHMENTS:
            meta["attachments_more"] = len(belongs) - _MAX_ATTACHMENTS
    warnings = [*origin.warnings, *found.damage[:5]]
    if found.invalid:
        warnings.append(f"archive has {len(found.invalid)} record(s) without WARC-Type or WARC-Record-ID; not read")
    if rec.digest.startswith("failed"):
        warnings.append(
            f"record {rec.index} ({rec.record_id}) does not match its recorded digest ({rec.digest[8:]}): "
            "changed after capture or damaged; kept and flagged"
        )
    overrides = {k: v for k, v in origin.overrides.items() if k in _ARCHIVE_FIELDS}
    if titles and rec.uri in titles and "title" not in overrides:
        meta["archived_title"] = titles[rec.uri]
    sub = Origin(path=path, retrieved=normalize_date(rec.date) or origin.retrieved, file_sha256=origin.file_sha256,
                 url=rec.uri, overrides=overrides, meta=meta, warnings=warnings)  # fmt: skip
    loader = load_html if kind == "html" else load_pdf
    try:
        body = _read_back(found.source, rec, ctx.max_bytes, path)
        kept = _kept(belongs, found.source, ctx, path)
        for item in loader(body, sub, ctx):
            if isinstance(item, Loaded):
                item.attachments = kept
                item.document.loader = loader_name
                if item.document.title is None and meta.get("archived_title"):
                    item.document.title = str(meta["archived_title"])
            yield item
    except InputError as err:
        reason = (
            err.reason
            if err.reason.startswith(f"record {rec.index} ")
            else f"record {rec.index} ({rec.uri}): {err.reason}"
        )
        err = type(err)(reason, path=path, field=err.field)
        yield skip_or_raise(err, ctx, where=found.where(path, rec))


def _warcinfo(body: bytes) -> dict[str, str]:
    info: dict[str, str] = {}
    for line in body[:8192].decode("utf-8", errors="replace").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and len(info) < 30:
            info[key.strip()] = value.strip()[:300]
    return info
