"""Web archives written by the tests with warcio (WARC, WARC.gz, WACZ): pages, attachments, digests, damage."""

from __future__ import annotations

import hashlib
import io
import json
import tempfile
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from osintkit import load
from osintkit.errors import EmptyInputError, MalformedInputError, OsintkitError, UnsupportedFormatError
from osintkit.store import Case

URL = "https://news.example/2025/01/11/soldiers"
OTHER = "https://news.example/2025/01/12/follow-up"
PARAGRAPH = (
    "The ministry said on Saturday that two wounded soldiers were captured in the Kursk region and taken to Kyiv "
    "for questioning by the security service, according to a statement published on its website. "
)


def _page(title: str, body: str) -> bytes:
    return (
        f"<!DOCTYPE html><html lang='en'><head><title>{title}</title>"
        "<meta property='article:published_time' content='2025-01-11T18:30:00+02:00'>"
        f"<script>var tracker = 1;</script></head><body><article><h1>{title}</h1>"
        f"<p>{body}</p><p>{body.replace('Saturday', 'Sunday')}</p></article></body></html>"
    ).encode()


PAGE = _page("Soldiers captured", PARAGRAPH)
PNG = b"\x89PNG\r\n\x1a\n" + b"screenshot pixels, generated" * 20
JPEG = b"\xff\xd8\xff\xe0" + b"photo bytes, generated" * 20


def _archive(*, gzip: bool = True, two_pages: bool = False) -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=gzip)
    w.write_record(w.create_warcinfo_record("test.warc.gz", {"software": "osintkit tests", "format": "WARC 1.1"}))
    w.write_record(w.create_warc_record(URL, "request", payload=io.BytesIO(b""), http_headers=StatusAndHeaders(
        "GET /2025/01/11/soldiers HTTP/1.1", [("Host", "news.example")], is_http_request=True)))  # fmt: skip

    def response(uri: str, body: bytes, ctype: str, status: str = "200 OK", date: str = "2025-01-11T18:45:00Z") -> None:
        http = StatusAndHeaders(status, [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                            warc_headers_dict={"WARC-Date": date}))  # fmt: skip

    response(URL, PAGE, "text/html; charset=utf-8")
    response("https://news.example/img/photo.jpg", JPEG, "image/jpeg")
    response("https://news.example/old", b"", "text/html", status="301 Moved Permanently")
    w.write_record(w.create_warc_record("urn:screenshot:" + URL, "resource", payload=io.BytesIO(PNG),
                                        warc_content_type="image/png"))  # fmt: skip
    if two_pages:
        response(OTHER, _page("Follow-up", "Both soldiers were later moved to a hospital in Kyiv, officials said."),
                 "text/html", date="2025-01-12T09:00:00Z")  # fmt: skip
    return buf.getvalue()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


@pytest.mark.parametrize("gzip", [True, False], ids=["warc.gz", "warc"])
def test_archived_page_is_a_document_with_its_provenance(tmp_path: Path, gzip: bool) -> None:
    data = _archive(gzip=gzip)
    p = _write(tmp_path, "capture.warc.gz" if gzip else "capture.warc", data)
    result = load(p, on_error="raise")
    (doc,) = result
    assert doc.loader == "warc" and doc.path == str(p)
    assert doc.url == URL and doc.retrieved == "2025-01-11T18:45:00Z"  # the capture, not the load
    assert doc.published == "2025-01-11T16:30:00Z" and doc.title == "Soldiers captured"
    assert "two wounded soldiers were captured" in doc.text and "tracker" not in doc.text
    assert doc.sha256 == hashlib.sha256(PAGE).hexdigest() and result.raw[doc.id] == PAGE
    assert doc.meta["file_sha256"] == hashlib.sha256(data).hexdigest()  # the archive, the evidentiary copy
    warc = doc.meta["warc"]
    assert warc["archive"] == str(p) and warc["digest"] == "verified"
    assert warc["record_id"].startswith("<urn:uuid:") and warc["payload_digest"].startswith("sha1:")
    assert warc["http_status"] == 200 and warc["records"]["response"] == 3
    assert warc["warcinfo"]["software"] == "osintkit tests"
    # the archive's bytes at the recorded offset start that very record
    head = data[warc["offset"] :]
    if gzip:
        import zlib

        head = zlib.decompressobj(wbits=31).decompress(head, 4096)
    assert head.startswith(b"WARC/") and warc["record_id"].encode() in head[:1024]
    attachments = {a["uri"]: a for a in doc.meta["attachments"]}
    assert attachments["urn:screenshot:" + URL]["sha256"] == hashlib.sha256(PNG).hexdigest()
    assert attachments["urn:screenshot:" + URL]["mime"] == "image/png"
    assert attachments["https://news.example/img/photo.jpg"]["sha256"] == hashlib.sha256(JPEG).hexdigest()
    assert attachments["https://news.example/old"]["status"] == 301  # a redirect is listed, not read as a page


def test_bad_digest_is_kept_and_flagged(tmp_path: Path) -> None:
    data = _archive(gzip=False)
    assert data.count(b"were captured") == 2
    tampered = data.replace(b"were captured", b"were released")  # same length: the record still parses
    doc = load(_write(tmp_path, "tampered.warc", tampered), on_error="raise")[0]
    assert "were released" in doc.text
    assert doc.meta["warc"]["digest"].startswith("failed: ")
    assert any("does not match its recorded digest" in w and "kept and flagged" in w for w in doc.meta["warnings"])
    clean = load(_write(tmp_path, "clean.warc", data))[0]
    assert clean.meta["warc"]["digest"] == "verified"
    assert not any("digest" in w for w in clean.meta.get("warnings", []))


def test_several_pages_get_their_own_attachments(tmp_path: Path) -> None:
    docs = load(_write(tmp_path, "crawl.warc.gz", _archive(two_pages=True)), on_error="raise")
    by_url = {d.url: d for d in docs}
    assert set(by_url) == {URL, OTHER}
    assert by_url[OTHER].retrieved == "2025-01-12T09:00:00Z"
    # the screenshot names its page; the loose photo belongs to neither page for certain
    assert [a["uri"] for a in by_url[URL].meta["attachments"]] == ["urn:screenshot:" + URL]
    assert "attachments" not in by_url[OTHER].meta


def _wacz(tmp_path: Path, warc: bytes, *, hash_ok: bool = True) -> Path:
    sha = hashlib.sha256(warc).hexdigest() if hash_ok else "0" * 64
    package = {"profile": "data-package", "wacz_version": "1.1.1", "software": "osintkit tests",
               "resources": [{"name": "data.warc.gz", "path": "archive/data.warc.gz", "hash": f"sha256:{sha}",
                              "bytes": len(warc)}]}  # fmt: skip
    pages = "\n".join(
        [json.dumps({"format": "json-pages-1.0", "id": "pages"}), json.dumps({"url": URL, "title": "Archived title"})]
    )
    p = tmp_path / ("capture.wacz" if hash_ok else "altered.wacz")
    with zipfile.ZipFile(p, "w") as zf:
        zf.writestr("archive/data.warc.gz", warc, compress_type=zipfile.ZIP_STORED)
        zf.writestr("datapackage.json", json.dumps(package))
        zf.writestr("pages/pages.jsonl", pages)
    return p


def test_wacz_is_read_like_its_warc(tmp_path: Path) -> None:
    warc = _archive()
    p = _wacz(tmp_path, warc)
    (doc,) = load(p, on_error="raise")
    assert doc.loader == "wacz" and doc.url == URL and doc.path == str(p)
    assert doc.meta["file_sha256"] == hashlib.sha256(p.read_bytes()).hexdigest()
    assert doc.meta["warc"]["archive"] == "archive/data.warc.gz" and doc.meta["warc"]["digest"] == "verified"
    assert doc.meta["wacz"]["datapackage"] == "verified"
    assert doc.meta["wacz"]["member_sha256"] == hashlib.sha256(warc).hexdigest()
    assert doc.meta["archived_title"] == "Archived title"
    # the same page from the bare WARC is the same document
    assert load(_write(tmp_path, "bare.warc.gz", warc))[0].id == doc.id
    altered = load(_wacz(tmp_path, warc, hash_ok=False))[0]
    assert altered.meta["wacz"]["datapackage"].startswith("failed:")
    assert any("archive/data.warc.gz: failed" in w for w in altered.meta["warnings"])


def test_broken_archives_are_clear_errors(tmp_path: Path) -> None:
    data = _archive()
    folder = tmp_path / "in"
    folder.mkdir()
    _write(folder, "cut.warc.gz", data[: len(data) // 2])
    _write(folder, "noise.warc", b"WARC/1.1\r\nthis is not a record\r\n\r\n" * 3)
    _write(folder, "empty.wacz", _zip({"datapackage.json": "{}"}))
    _write(folder, "images-only.warc", _images_only())
    result = load(folder)
    reasons = {Path(s.where).name: s for s in result.skipped}
    for name, skip in reasons.items():
        assert "a bug in osintkit" not in skip.reason, (name, skip.reason)
    assert {d.url for d in result} <= {URL}  # what the cut archive held before the cut, if anything
    assert isinstance(reasons["noise.warc"].error, MalformedInputError)
    assert isinstance(reasons["empty.wacz"].error, UnsupportedFormatError)
    assert "no HTML page" in reasons["images-only.warc"].reason
    assert isinstance(reasons["images-only.warc"].error, EmptyInputError)
    cut = [s for s in result.skipped if s.where.endswith("cut.warc.gz")]
    assert cut and isinstance(cut[-1].error, MalformedInputError) and "cut.warc.gz" in str(cut[-1].error)


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return buf.getvalue()


def _images_only() -> bytes:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=False)
    http = StatusAndHeaders("200 OK", [("Content-Type", "image/jpeg")], protocol="HTTP/1.1")
    w.write_record(w.create_warc_record("https://x.example/a.jpg", "response", payload=io.BytesIO(JPEG),
                                        http_headers=http))  # fmt: skip
    return buf.getvalue()


def test_archives_are_recognised_by_content(tmp_path: Path) -> None:
    (doc,) = load(_write(tmp_path, "download.bin", _archive()), on_error="raise")
    assert doc.loader == "warc"
    (doc,) = load(_write(tmp_path, "package.zip", _wacz(tmp_path, _archive()).read_bytes()), on_error="raise")
    assert doc.loader == "wacz"


def test_case_verifies_archived_pages(tmp_path: Path) -> None:
    docs = load(_write(tmp_path, "capture.warc.gz", _archive()))
    case = Case(tmp_path / "case.sqlite")
    case.add_documents(docs, raw=docs.raw)
    assert case.verify().ok
    (stored,) = case.documents()
    assert stored.meta["warc"]["digest"] == "verified" and stored.retrieved == "2025-01-11T18:45:00Z"


def test_folder_mixes_telegram_archives_pdfs_and_text(tmp_path: Path) -> None:
    from test_load_pdf import _pages
    from test_load_telegram import _channel

    folder = tmp_path / "case-files"
    export = folder / "ChatExport_2025-01-12"
    (export / "files").mkdir(parents=True)
    statement = _pages([["Statement attached to a Telegram post."]])
    (export / "files" / "statement.pdf").write_bytes(statement)
    channel = _channel()
    channel["messages"][2]["file"] = "files/statement.pdf"
    (export / "result.json").write_text(json.dumps(channel), "utf-8")
    _write(folder, "capture.warc.gz", _archive())
    _write(folder, "package.wacz", _wacz(tmp_path, _archive(two_pages=True)).read_bytes())
    _write(folder, "scan.pdf", b"%PDF-1.4\n%%EOF\n")
    (folder / "notes.txt").write_text("Analyst notes: the capture and the channel agree on the date.", "utf-8")
    result = load(folder)
    loaders = sorted({d.loader for d in result})
    assert loaders == ["pdf", "telegram", "text", "wacz", "warc"]
    post = next(d for d in result if d.loader == "telegram" and d.meta["message_id"] == 3)
    assert post.meta["media"][0]["sha256"] == hashlib.sha256(statement).hexdigest()
    attached = next(d for d in result if d.loader == "pdf")
    assert attached.sha256 == post.meta["media"][0]["sha256"]  # the attached file is also a document of its own
    # same page in the WARC and the WACZ: one document, the second reported as a duplicate
    assert sum(1 for d in result if d.url == URL) == 1
    assert any("duplicate" in s.reason and "package.wacz" in s.where for s in result.skipped)
    assert any(s.where.endswith("scan.pdf") for s in result.skipped)
    case = Case(tmp_path / "case.sqlite")
    case.add_documents(result, raw=result.raw)
    assert case.verify().ok


_SAMPLES: dict[str, bytes] = {}


def _sample(kind: str, tmp: Path) -> bytes:
    if kind not in _SAMPLES:
        from test_load_pdf import _pages

        _SAMPLES.update({"warc.gz": _archive(), "warc": _archive(gzip=False), "pdf": _pages([["Text."], ["More."]]),
                         "wacz": _wacz(tmp, _archive()).read_bytes()})  # fmt: skip
    return _SAMPLES[kind]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=st.sampled_from(["warc.gz", "warc", "wacz", "pdf"]), op=st.sampled_from(["flip", "cut", "splice"]),
       at=st.floats(0, 1, exclude_max=True), noise=st.binary(min_size=1, max_size=16))  # fmt: skip
def test_damaged_archives_and_pdfs_are_clear_errors(kind: str, op: str, at: float, noise: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        data = bytearray(_sample(kind, Path(tmp)))
        i = int(at * len(data))
        if op == "flip":
            data[i : i + len(noise)] = noise
        elif op == "cut":
            data = data[: max(1, i)]
        else:
            data[i:i] = noise
        p = Path(tmp) / f"damaged.{kind}"
        p.write_bytes(bytes(data))
        try:
            load(p, on_error="raise", time_budget=1.0)
        except OsintkitError as err:
            assert "a bug in osintkit" not in str(err) and str(p) in str(err)
        result = load(p, time_budget=1.0)
        assert len(result) or result.skipped  # loaded, or reported: never lost
        for skip in result.skipped:
            assert "a bug in osintkit" not in skip.reason, skip


def test_page_over_the_size_limit_is_reported_not_lost(tmp_path: Path) -> None:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)
    http = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
    words = " ".join(hashlib.sha256(str(i).encode()).hexdigest()[:8] for i in range(4000))
    big = _page("Long page", PARAGRAPH + words)  # about 36 kB of HTML that compresses only about twice
    w.write_record(w.create_warc_record(URL, "response", payload=io.BytesIO(big), http_headers=http))
    p = _write(tmp_path, "big.warc.gz", buf.getvalue())
    limit = p.stat().st_size + 100  # the archive fits, its page does not
    assert len(big) > limit
    result = load(p, max_bytes=limit)
    assert len(result) == 0
    (skip,) = result.skipped
    assert skip.where == f"{p}[0]" and f"record 0 ({URL}): payload over the {limit:,}-byte limit" in skip.reason


# --- archives over max_bytes stream from the file, one record at a time --------------------------------------------


def _same(a: Any, b: Any) -> None:
    assert [(d.id, d.text, d.url, d.retrieved, d.title) for d in a] == [
        (d.id, d.text, d.url, d.retrieved, d.title) for d in b
    ]
    assert [d.meta for d in a] == [d.meta for d in b]
    assert {k: [(x.name, x.sha256) for x in v] for k, v in a.attachments.items()} == {
        k: [(x.name, x.sha256) for x in v] for k, v in b.attachments.items()
    }


@pytest.mark.parametrize("kind", ["warc.gz", "warc", "wacz"])
def test_an_archive_over_max_bytes_streams_to_the_same_documents(tmp_path: Path, kind: str) -> None:
    if kind == "wacz":
        p = _wacz(tmp_path, _archive(two_pages=True))
    else:
        p = _write(tmp_path, f"crawl.{kind}", _archive(gzip=kind == "warc.gz", two_pages=True))
    whole = load(p, on_error="raise")
    limit = 2000  # under the archive's size, over each record's
    assert p.stat().st_size > limit
    streamed = load(p, max_bytes=limit, on_error="raise")
    assert len(streamed) == 2 and streamed.attachments
    _same(whole, streamed)
    with Case(tmp_path / "case.sqlite") as case:
        report = case.add_documents(streamed, raw=streamed.raw, attachments=streamed.attachments)
        assert not report.skipped
        (shot,) = case.attachments()
        assert shot.role == "warc-screenshot" and shot.read() == PNG
        assert case.verify().ok


def test_a_streamed_archive_changed_before_storing_keeps_its_document_and_names_the_attachment(
    tmp_path: Path,
) -> None:
    data = _archive(gzip=False)
    p = _write(tmp_path, "capture.warc", data)
    docs = load(p, max_bytes=2000, on_error="raise")
    p.write_bytes(data.replace(b"screenshot pixels", b"SCREENSHOT PIXELS"))  # same length, same offsets
    with Case(tmp_path / "case.sqlite") as case:
        report = case.add_documents(docs, raw=docs.raw, attachments=docs.attachments)
        assert report.added and len(report.skipped) == 1
        where, why = report.skipped[0]
        assert where.endswith(":urn:screenshot:" + URL) and "changed in the file while it was being read" in why
        assert [a.role for a in case.attachments()] == ["warc-media"]  # the photo, unchanged, is kept
        assert case.verify().ok
