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
"""

from __future__ import annotations

import contextlib
import dataclasses
import io
import json
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import Any

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
    sha256_hex,
    skip_or_raise,
)
from osintkit.sources.html import load_html
from osintkit.sources.pdf import load_pdf

__all__ = ["is_wacz", "is_warc", "load_wacz", "load_warc"]

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
    """Whether bytes are a WARC file, plain or gzipped record by record."""
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


@dataclass
class _Record:
    index: int
    rec_type: str
    uri: str | None
    record_id: str | None
    date: str | None
    mime: str
    status: int | None
    body: bytes | None
    offset: int | None
    headers: dict[str, str]
    digest: str
    refers: set[str] = field(default_factory=set)
    note: str | None = None


def load_warc(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """Every archived HTML page (and PDF) in a WARC file as a document."""
    if not is_warc(data):
        raise UnsupportedFormatError("not a WARC file (no 'WARC/' record header at the start)", path=origin.path)
    yield from _archive_items(data, origin, ctx, archive=None, extra={}, loader_name="warc")


def load_wacz(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    """Every archived page of every WARC inside a WACZ package."""
    path = origin.path
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        names = zf.namelist()
    except Exception as exc:  # zipfile fails in many ways on a damaged file (BadZipFile, NotImplementedError...)
        raise MalformedInputError(f"not a readable WACZ (zip) file: {type(exc).__name__}: {exc}", path=path) from exc
    warcs = sorted(n for n in names if n.startswith("archive/") and n.lower().endswith((".warc", ".warc.gz")))
    if not warcs:
        raise UnsupportedFormatError("WACZ package holds no archive/*.warc or archive/*.warc.gz", path=path)
    package: dict[str, Any] = {}
    hashes: dict[str, str] = {}
    if "datapackage.json" in names:
        try:
            manifest = json.loads(_member(zf, "datapackage.json", ctx, path))
            for res in manifest.get("resources", []) if isinstance(manifest, dict) else []:
                if isinstance(res, dict) and isinstance(res.get("path"), str) and isinstance(res.get("hash"), str):
                    hashes[res["path"]] = res["hash"]
            for key in ("title", "created", "software", "wacz_version", "mainPageURL", "mainPageDate"):
                if isinstance(manifest, dict) and manifest.get(key):
                    package[key] = manifest[key]
        except (ValueError, InputError) as exc:
            origin.warnings.append(f"datapackage.json ignored: {getattr(exc, 'reason', exc)}")
    else:
        origin.warnings.append("no datapackage.json: not a complete WACZ package; its archives read all the same")
    titles = _page_titles(zf, names, ctx, path)
    for name in warcs:
        where = f"{path}!{name}"
        try:
            member = _member(zf, name, ctx, path)
        except InputError as err:
            yield skip_or_raise(err, ctx, where=where)
            continue
        member_sha = sha256_hex(member)
        member_warnings: list[str] = []
        check = "not listed in datapackage.json"
        declared = hashes.get(name)
        if declared is not None:
            algo, _, value = declared.partition(":")
            if algo.lower() != "sha256":
                check = f"declared as {algo}, not checked"
            elif value.lower() == member_sha:
                check = "verified"
            else:
                check = (
                    f"failed: datapackage.json records sha256 {value[:16]}… but the file hashes to {member_sha[:16]}…"
                )
                member_warnings.append(f"{name}: {check}")
        extra = {"wacz": {"member": name, "member_sha256": member_sha, "datapackage": check, **package}}
        if not is_warc(member):
            bad = MalformedInputError(f"{name} is not a WARC file", path=path)
            yield skip_or_raise(bad, ctx, where=where)
            continue
        member_origin = dataclasses.replace(origin, warnings=[*origin.warnings, *member_warnings])
        yield from _archive_items(member, member_origin, ctx, archive=name, extra=extra, titles=titles,
                                  loader_name="wacz")  # fmt: skip


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


def _scan(data: bytes, ctx: LoadContext, path: str | None) -> tuple[list[_Record], MalformedInputError | None]:
    """Every record of the archive, read once; the error that stopped the reading, if one did."""
    from warcio.archiveiterator import ArchiveIterator
    from warcio.exceptions import ArchiveLoadFailed

    records: list[_Record] = []
    end = 0
    budget = _EXPANSION_LIMIT * len(data) + ctx.max_bytes
    expanded = 0
    try:
        it = ArchiveIterator(io.BytesIO(data), check_digests=True)
        for index, record in enumerate(it):
            body = bytearray()
            too_large = False
            got = 0
            while chunk := record.raw_stream.read(_CHUNK):
                got += len(chunk)
                expanded += len(chunk)
                if expanded > budget:
                    raise MalformedInputError(
                        f"archive expands past {_EXPANSION_LIMIT} times its size: refused as a decompression bomb",
                        path=path,
                    )
                if len(body) <= ctx.max_bytes:
                    body.extend(chunk)
                else:
                    too_large = True
            payload_length = record.payload_length
            expected = payload_length if isinstance(payload_length, int) and payload_length >= 0 else record.length
            if isinstance(expected, int) and got < expected:
                uri = record.rec_headers.get_header("WARC-Target-URI")
                return records, MalformedInputError(
                    f"archive is cut short in record {index} ({record.rec_type} {uri}): {got:,} of its {expected:,} "
                    "bytes are there",
                    path=path,
                )
            records.append(_describe(record, index, bytes(body), too_large, it, ctx))
            end = it.get_record_offset() + it.get_record_length()
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
    if data[end:].strip():
        return records, MalformedInputError(
            f"archive ends with {len(data) - end:,} bytes that hold no complete record (cut short?) after record "
            f"{len(records) - 1}",
            path=path,
        )
    return records, None


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
    checker = record.digest_checker
    declared = headers.get("WARC-Payload-Digest") or headers.get("WARC-Block-Digest")
    if too_large:
        digest = "not checked (record over the size limit)"
    elif checker is not None and checker.passed is False:
        digest = "failed: " + "; ".join(str(p) for p in checker.problems)
    elif checker is not None and checker.passed is True:
        digest = "verified"
    else:
        digest = "absent" if not declared else "not checked"
    try:
        offset: int | None = int(it.get_record_offset())
    except Exception:  # the offset is a convenience for finding the record by hand
        offset = None
    note = None
    payload: bytes | None = body
    if too_large:
        payload, note = None, f"payload over the {ctx.max_bytes:,}-byte limit; not read"
    elif http is not None and record.rec_type == "response":
        try:
            payload = _decode_content(body, http)
        except Exception as exc:  # a damaged compressed body loses that record, not the archive
            payload, note = None, f"content could not be decoded: {type(exc).__name__}: {exc}"
    refers = {headers[k] for k in ("WARC-Concurrent-To", "WARC-Refers-To") if headers.get(k)}
    return _Record(
        index=index,
        rec_type=record.rec_type,
        uri=headers.get("WARC-Target-URI"),
        record_id=headers.get("WARC-Record-ID"),
        date=headers.get("WARC-Date"),
        mime=mime.split(";")[0].strip().lower(),
        status=status,
        body=payload,
        offset=offset,
        headers=headers,
        digest=digest,
        refers=refers,
        note=note,
    )


def _decode_content(body: bytes, http: Any) -> bytes:
    """The HTTP body as the browser saw it: chunked transfer and gzip/deflate/br content encoding undone."""
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


def _is_page(rec: _Record, *, readable: bool = True) -> str | None:
    if rec.rec_type not in ("response", "resource") or (readable and rec.body is None):
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
    if rec.body is not None:
        entry["size"] = len(rec.body)
        entry["sha256"] = sha256_hex(rec.body)
    if rec.headers.get("WARC-Payload-Digest"):
        entry["payload_digest"] = rec.headers["WARC-Payload-Digest"]
    entry["digest"] = rec.digest
    if rec.note:
        entry["note"] = rec.note
    if rec.rec_type == "revisit" and rec.headers.get("WARC-Refers-To-Target-URI"):
        entry["revisit_of"] = rec.headers["WARC-Refers-To-Target-URI"]
    return entry


def _role(rec: _Record) -> str | None:
    """What a record is to its page when the case keeps it: a screenshot, or media (images, video, audio)."""
    uri = (rec.uri or "").lower()
    if uri.startswith(_SCREENSHOT_URNS):
        return "warc-screenshot"
    if rec.mime.startswith(_MEDIA_TYPES) and rec.rec_type in ("response", "resource"):
        return "warc-media"
    return None


def _kept(records: list[_Record]) -> list[Attachment]:
    out = []
    for rec in records:
        role = _role(rec)
        if role is None or rec.body is None or rec.note:
            continue
        meta = {"record_id": rec.record_id, "record_index": rec.index, "digest": rec.digest, "date": rec.date}
        out.append(
            Attachment(name=rec.uri or rec.record_id or f"record {rec.index}", role=role, media_type=rec.mime or None,
                       sha256=sha256_hex(rec.body), size=len(rec.body), meta=meta,
                       opener=partial(io.BytesIO, rec.body))
        )  # fmt: skip
    return out


def _belongs(media: _Record, page: _Record) -> bool:
    if page.record_id and (page.record_id in media.refers):
        return True
    uri = media.uri or ""
    return bool(page.uri) and uri != page.uri and uri.startswith("urn:") and uri.endswith(page.uri or "")


def _archive_items(
    data: bytes,
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
    budget = None if ctx.time_budget is None else ctx.time_budget * max(1.0, len(data) / (1 << 20))
    # warcio writes its complaints about a damaged archive straight to stderr; they become warnings here.
    complaints = io.StringIO()
    with contextlib.redirect_stderr(complaints):
        records, stopped = within_budget(lambda: _scan(data, ctx, path), budget, what="reading the web archive",
                                         path=path)  # fmt: skip
    damage = [f"warcio: {' '.join(c.split())[:200]}" for c in complaints.getvalue().split("WARNING:") if c.strip()]
    if not records and stopped is not None:
        raise stopped
    if not records:
        raise EmptyInputError("web archive holds no records", path=path)
    invalid = [rec.index for rec in records if not rec.rec_type or not rec.record_id]
    pages = [(rec, kind) for rec in records if (kind := _is_page(rec))]
    media = [rec for rec in records if rec.rec_type in ("response", "resource", "revisit") and not _is_page(rec)]
    counts = dict(Counter(rec.rec_type or "invalid" for rec in records))
    warcinfo = next((rec for rec in records if rec.rec_type == "warcinfo"), None)
    archive_meta: dict[str, Any] = {"records": counts}
    if warcinfo is not None and warcinfo.body:
        archive_meta["warcinfo"] = _warcinfo(warcinfo.body)
    # Pages whose payload could not be read (over the size limit, a broken compressed body) are reported, not lost.
    unreadable = [rec for rec in records if rec.body is None and _is_page(rec, readable=False)]
    for rec in unreadable:
        where = f"{path}[{rec.index}]" if archive is None else f"{path}!{archive}[{rec.index}]"
        yield Skipped(where=where, reason=f"record {rec.index} ({rec.uri}): {rec.note}", path=path)
    if not pages and unreadable and stopped is None:
        return
    if not pages:
        if stopped is not None:
            raise stopped
        if invalid:
            raise MalformedInputError(
                f"{len(invalid)} of {len(records)} record(s) lack WARC-Type or WARC-Record-ID (first: record "
                f"{invalid[0]}): not a valid WARC",
                path=path,
            )
        kinds = ", ".join(f"{n} {t}" for t, n in sorted(counts.items()))
        raise EmptyInputError(f"web archive holds no HTML page or PDF ({kinds})", path=path)
    for rec, kind in pages:
        where = f"{path}[{rec.index}]" if archive is None else f"{path}!{archive}[{rec.index}]"
        belongs = media if len(pages) == 1 else [m for m in media if _belongs(m, rec)]
        warc = {
            "archive": archive or path,
            "record_index": rec.index,
            "record_id": rec.record_id,
            "offset": rec.offset,
            "date": rec.date,
            "type": rec.rec_type,
            "payload_digest": rec.headers.get("WARC-Payload-Digest"),
            "block_digest": rec.headers.get("WARC-Block-Digest"),
            "digest": rec.digest,
            **archive_meta,
        }
        if rec.status is not None:
            warc["http_status"] = rec.status
        meta: dict[str, Any] = {**origin.meta, **extra, "warc": warc, "record_index": rec.index}
        if belongs:
            meta["attachments"] = [_attachment(m) for m in belongs[:_MAX_ATTACHMENTS]]
            if len(belongs) > _MAX_ATTACHMENTS:
                meta["attachments_more"] = len(belongs) - _MAX_ATTACHMENTS
        warnings = [*origin.warnings, *damage[:5]]
        if invalid:
            warnings.append(f"archive has {len(invalid)} record(s) without WARC-Type or WARC-Record-ID; not read")
        if rec.digest.startswith("failed"):
            warnings.append(
                f"record {rec.index} ({rec.record_id}) does not match its recorded digest ({rec.digest[8:]}): "
                "changed after capture or damaged; kept and flagged"
            )
        overrides = {k: v for k, v in origin.overrides.items() if k in _ARCHIVE_FIELDS}
        if titles and rec.uri in titles and "title" not in overrides:
            meta["archived_title"] = titles[rec.uri]
        sub = Origin(
            path=path,
            retrieved=normalize_date(rec.date) or origin.retrieved,
            file_sha256=origin.file_sha256,
            url=rec.uri,
            overrides=overrides,
            meta=meta,
            warnings=warnings,
        )
        loader = load_html if kind == "html" else load_pdf
        assert rec.body is not None
        kept = _kept(belongs)
        try:
            for item in loader(rec.body, sub, ctx):
                if isinstance(item, Loaded):
                    item.attachments = kept
                    item.document.loader = loader_name
                    if item.document.title is None and meta.get("archived_title"):
                        item.document.title = str(meta["archived_title"])
                yield item
        except InputError as err:
            err = type(err)(f"record {rec.index} ({rec.uri}): {err.reason}", path=path, field=err.field)
            yield skip_or_raise(err, ctx, where=where)
    if stopped is not None:
        raise stopped


def _warcinfo(body: bytes) -> dict[str, str]:
    info: dict[str, str] = {}
    for line in body[:8192].decode("utf-8", errors="replace").splitlines():
        key, sep, value = line.partition(":")
        if sep and key.strip() and len(info) < 30:
            info[key.strip()] = value.strip()[:300]
    return info
