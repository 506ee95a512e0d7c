"""Attachments in the case: a Telegram post's photo and a web archive's screenshot and photo, kept byte for byte
beside their documents, under the custody chain, re-hashed by verify, carried by snapshots and bundles."""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from osintkit import load
from osintkit.bundle import verify_bundle, write_bundle
from osintkit.pipeline import ingest
from osintkit.store import SCHEMA_VERSION, Case

URL = "https://news.example/2025/01/11/soldiers"


def _jpeg() -> bytes:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (64, 48), (180, 40, 40)).save(buf, format="JPEG", quality=90)
    return buf.getvalue()


# A real picture: a folder holding an export is also read picture by picture, as images in their own right.
PHOTO = _jpeg()
SCREENSHOT = b"\x89PNG\r\n\x1a\n" + b"screenshot pixels, generated" * 30
JPEG = b"\xff\xd8\xff\xe0" + b"the page's photo, generated" * 30
PAGE = (
    b"<!DOCTYPE html><html lang='en'><head><title>Soldiers captured</title></head><body><article>"
    b"<p>The ministry said on Saturday that two wounded soldiers were captured in the Kursk region and taken to "
    b"Kyiv for questioning by the security service, according to a statement published on its website.</p>"
    b"</article></body></html>"
)


def telegram_export(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "photos").mkdir()
    (folder / "photos" / "photo_1.jpg").write_bytes(PHOTO)
    export: dict[str, Any] = {
        "name": "Example Channel", "type": "public_channel", "id": 1234567890,
        "messages": [
            {"id": 2, "type": "message", "date": "2025-01-11T12:06:40", "date_unixtime": "1736590000",
             "from": "Example Channel", "photo": "photos/photo_1.jpg", "text": "Two soldiers were captured."},
            {"id": 3, "type": "message", "date": "2025-01-11T13:00:00", "date_unixtime": "1736593200",
             "from": "Example Channel", "text": "Update: both are in Kyiv."},
        ],
    }  # fmt: skip
    path = folder / "result.json"
    path.write_text(json.dumps(export), "utf-8")
    return path


def warc_archive(path: Path) -> Path:
    buf = io.BytesIO()
    w = WARCWriter(buf, gzip=True)

    def response(uri: str, body: bytes, ctype: str) -> None:
        http = StatusAndHeaders("200 OK", [("Content-Type", ctype)], protocol="HTTP/1.1")
        w.write_record(w.create_warc_record(uri, "response", payload=io.BytesIO(body), http_headers=http,
                                            warc_headers_dict={"WARC-Date": "2025-01-11T18:45:00Z"}))  # fmt: skip

    response(URL, PAGE, "text/html; charset=utf-8")
    response("https://news.example/img/photo.jpg", JPEG, "image/jpeg")
    response("https://news.example/app.js", b"var tracker = 1;", "application/javascript")
    w.write_record(w.create_warc_record("urn:screenshot:" + URL, "resource", payload=io.BytesIO(SCREENSHOT),
                                        warc_content_type="image/png"))  # fmt: skip
    path.write_bytes(buf.getvalue())
    return path


@pytest.fixture
def sources(tmp_path: Path) -> Path:
    folder = tmp_path / "sources"
    telegram_export(folder / "ChatExport_2025-01-12")
    warc_archive(folder / "capture.warc.gz")
    return folder


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def test_loaded_attachments_are_stored_and_verified(sources: Path, tmp_path: Path) -> None:
    docs = load(sources, on_error="raise")
    assert not docs.skipped
    with Case(tmp_path / "case.sqlite") as case:
        report = case.add_documents(docs, raw=docs.raw, attachments=docs.attachments)
        assert not report.skipped and len(report.added) == 4  # two posts, the page and the photo as an image
        stored = {a.name: a for a in case.attachments()}
        assert set(stored) == {"photos/photo_1.jpg", "urn:screenshot:" + URL, "https://news.example/img/photo.jpg"}
        photo = stored["photos/photo_1.jpg"]
        assert (photo.role, photo.media_type, photo.sha256, photo.size) == (
            "telegram-media",
            "image/jpeg",
            _sha(PHOTO),
            len(PHOTO),
        )
        assert photo.read() == PHOTO and case.get_document(photo.doc_id or "").meta["message_id"] == 2
        shot = stored["urn:screenshot:" + URL]
        assert shot.role == "warc-screenshot" and shot.media_type == "image/png" and shot.read() == SCREENSHOT
        assert stored["https://news.example/img/photo.jpg"].role == "warc-media"
        assert case.get_document(shot.doc_id or "").url == URL  # kept beside the page it was captured with
        # each is one custody entry naming it
        attach = [e for e in case.custody() if e.action == "attach"]
        assert sorted(str(e.object_id).split(":", 1)[1] for e in attach) == sorted(stored)
        check = case.verify()
        assert check.ok, check.problems
        assert check.attachments_checked == 3 and "3 attachments re-hashed" in str(check)


def test_a_load_result_alone_carries_its_raw_bytes_and_attachments(sources: Path, tmp_path: Path) -> None:
    docs = load(sources, on_error="raise")
    with Case(tmp_path / "case.sqlite") as case:
        case.add_documents(docs)  # no raw= or attachments=: the load result's own are stored
        assert len(case.attachments()) == 3
        assert all(case.raw_bytes(d.id) is not None for d in docs)
        assert case.verify().ok
    with Case(tmp_path / "bare.sqlite") as bare:
        bare.add_documents(list(docs))  # a plain list of documents has neither
        assert bare.attachments() == []


def test_ingest_stores_attachments_and_a_second_ingest_adds_none(sources: Path, tmp_path: Path) -> None:
    with Case(tmp_path / "case.sqlite") as case:
        first = ingest(case, [sources])
        assert len(first.added) == 4 and not first.skipped
        again = ingest(case, [sources])
        assert not again.added and len(case.attachments()) == 3
        assert case.verify().ok


def _stored(tmp_path: Path, sources: Path) -> Path:
    path = tmp_path / "case.sqlite"
    with Case(path) as case:
        ingest(case, [sources])
    return path


def _problems(path: Path) -> list[str]:
    with Case(path, readonly=True) as case:
        report = case.verify()
    assert not report.ok
    return report.problems


def test_one_changed_byte_of_an_attachment_is_named(sources: Path, tmp_path: Path) -> None:
    path = _stored(tmp_path, sources)
    conn = sqlite3.connect(path)
    (rowid,) = conn.execute("SELECT id FROM attachments WHERE name = 'photos/photo_1.jpg'").fetchone()
    with conn.blobopen("attachments", "data", rowid) as blob:  # incremental I/O passes the triggers by
        blob.seek(100)
        byte = blob.read(1)
        blob.seek(100)
        blob.write(bytes([byte[0] ^ 1]))
    conn.commit()
    conn.close()
    (problem,) = _problems(path)
    assert f"attachment {rowid} (photos/photo_1.jpg of doc-" in problem and "no longer match sha256" in problem


def test_an_update_or_delete_of_an_attachment_is_refused_and_a_forced_one_named(sources: Path, tmp_path: Path) -> None:
    path = _stored(tmp_path, sources)
    conn = sqlite3.connect(path)
    with pytest.raises(sqlite3.IntegrityError, match="never rewritten"):
        conn.execute("UPDATE attachments SET data = x'00'")
    with pytest.raises(sqlite3.IntegrityError, match="never deleted"):
        conn.execute("DELETE FROM attachments")
    conn.execute("DROP TRIGGER attachments_no_delete")
    conn.execute("DELETE FROM attachments WHERE name = ?", ("urn:screenshot:" + URL,))
    conn.commit()
    conn.close()
    (problem,) = _problems(path)
    assert "attachments: 1 of the 1 rows" in problem and "(attach doc-" in problem
    assert f":urn:screenshot:{URL}) wrote are missing" in problem


def test_swapped_bytes_with_their_hash_are_named(sources: Path, tmp_path: Path) -> None:
    """Replacing the bytes and the recorded sha256 together still differs from what the custody entry sealed."""
    path = _stored(tmp_path, sources)
    conn = sqlite3.connect(path)
    conn.execute("DROP TRIGGER attachments_bytes_no_update")
    forged = b"\xff\xd8\xff\xe0 another picture"
    conn.execute(
        "UPDATE attachments SET data = ?, sha256 = ?, size = ? WHERE name = 'photos/photo_1.jpg'",
        (forged, _sha(forged), len(forged)),
    )
    conn.commit()
    conn.close()
    problems = _problems(path)
    assert any("attachments row" in p and "content differs from what custody entry" in p for p in problems)


def test_a_file_changed_between_loading_and_storing_is_reported_not_stored(sources: Path, tmp_path: Path) -> None:
    docs = load(sources, on_error="raise")
    (sources / "ChatExport_2025-01-12" / "photos" / "photo_1.jpg").write_bytes(PHOTO[:-3] + b"!!!")
    with Case(tmp_path / "case.sqlite") as case:
        report = case.add_documents(docs, raw=docs.raw, attachments=docs.attachments)
        assert len(report.added) == 4
        ((where, why),) = report.skipped
        assert where.endswith(":photos/photo_1.jpg") and "not the" in why and "taken when loaded" in why
        assert {a.name for a in case.attachments()} == {"urn:screenshot:" + URL, "https://news.example/img/photo.jpg"}
        assert case.verify().ok


def test_snapshot_and_bundle_carry_the_attachments(sources: Path, tmp_path: Path) -> None:
    path = _stored(tmp_path, sources)
    with Case(path) as case:
        case.snapshot(tmp_path / "copy.sqlite")
        manifest = write_bundle(case, tmp_path / "case.zip")
    with Case(tmp_path / "copy.sqlite", readonly=True) as copy:
        assert sorted(a.read() for a in copy.attachments()) == sorted([PHOTO, SCREENSHOT, JPEG])
        assert copy.verify().attachments_checked == 3
    members = {n for n in manifest["files"] if n.startswith("attachments/")}
    assert len(members) == 3 and any(n.endswith(".jpg") for n in members)
    with zipfile.ZipFile(tmp_path / "case.zip") as archive:
        held = sorted(archive.read(n) for n in members)
    assert held == sorted([PHOTO, SCREENSHOT, JPEG])
    assert verify_bundle(tmp_path / "case.zip").ok
    # a bundle missing one attachment member is named
    damaged = tmp_path / "damaged.zip"
    with zipfile.ZipFile(tmp_path / "case.zip") as src, zipfile.ZipFile(damaged, "w") as dst:
        dropped = sorted(members)[0]
        for info in src.infolist():
            if info.filename != dropped:
                dst.writestr(info, src.read(info))
    problems = verify_bundle(damaged).problems
    assert any(dropped in p and "missing" in p for p in problems)


def test_a_case_of_schema_6_migrates_and_gains_the_table(tmp_path: Path) -> None:
    path = tmp_path / "case.sqlite"
    with Case(path) as case:
        case.add_note("doc-x", "a note written before attachments")
    conn = sqlite3.connect(path)
    conn.execute("DROP TABLE attachments")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION - 1}")
    conn.commit()
    conn.close()
    with Case(path, readonly=True) as old:
        assert old.verify().ok  # a schema-6 case rightly lacks the table
    shutil.copy(path, tmp_path / "kept.sqlite")
    with Case(path) as case:
        assert case.schema_version == SCHEMA_VERSION and case.attachments() == []
        assert case.custody()[-1].object_id == f"schema-v{SCHEMA_VERSION}"
        assert case.verify().ok


def test_a_file_named_twice_by_one_post_is_kept_once(tmp_path: Path) -> None:
    folder = tmp_path / "export"
    path = telegram_export(folder)
    export = json.loads(path.read_text("utf-8"))
    export["messages"][0]["thumbnail"] = export["messages"][0]["photo"]
    path.write_text(json.dumps(export), "utf-8")
    docs = load(path, on_error="raise")
    (listed,) = docs.attachments.values()
    assert [a.meta["kind"] for a in listed] == ["photo", "thumbnail"]
    with Case(tmp_path / "case.sqlite") as case:
        report = case.add_documents(docs, raw=docs.raw, attachments=docs.attachments)
        assert not report.skipped and [a.name for a in case.attachments()] == ["photos/photo_1.jpg"]
        assert case.verify().ok
