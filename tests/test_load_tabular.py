"""CSV, JSON and JSONL exports with field mappings, including a Telegram channel export."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from osintkit.errors import EmptyInputError, MalformedInputError, UnknownFieldError
from osintkit.model import Document
from osintkit.sources import iter_load, load

POSTS_CSV = (
    "message,date,from,link,extra\n"
    "Convoy seen near Sudzha,2025-01-11 10:00:00,@watcher,https://t.me/x/1,a\n"
    '"Multi-line\npost, with a comma",2025-01-11T12:00:00+02:00,@other,https://t.me/x/2,b\n'
    ",2025-01-12,@empty,https://t.me/x/3,c\n"
)


def test_csv_with_mapping(tmp_path: Path) -> None:
    p = tmp_path / "posts.csv"
    p.write_text(POSTS_CSV, "utf-8")
    result = load(p, mapping={"text": "message", "published": "date", "author": "from", "url": "link"})
    assert [d.text for d in result] == ["Convoy seen near Sudzha", "Multi-line\npost, with a comma"]
    first, second = result
    assert first.author == "@watcher" and first.url == "https://t.me/x/1"
    assert first.published == "2025-01-11T10:00:00Z"
    assert second.published == "2025-01-11T10:00:00Z"
    assert first.loader == "csv" and first.path == str(p)
    assert first.meta["fields"] == {"extra": "a"}
    # each row is hashed over its own bytes; the file's hash is kept in meta
    assert (
        first.sha256
        == hashlib.sha256(b"Convoy seen near Sudzha,2025-01-11 10:00:00,@watcher,https://t.me/x/1,a").hexdigest()
    )
    assert first.meta["file_sha256"] == hashlib.sha256(p.read_bytes()).hexdigest()
    assert result.raw[first.id].startswith(b"Convoy")
    assert second.meta["record"] == 3
    # the row with no text is reported with its line, not dropped silently
    assert len(result.skipped) == 1
    assert result.skipped[0].line == 5 and "empty text" in result.skipped[0].reason
    assert result.skipped[0].where.endswith("posts.csv:5")


def test_csv_columns_are_guessed_without_mapping(tmp_path: Path) -> None:
    p = tmp_path / "sheet.csv"
    p.write_text("Title;Text;Author\nA headline;Body text here;Kim\n", "utf-8")
    (doc,) = load(p, on_error="raise")
    assert (doc.title, doc.text, doc.author) == ("A headline", "Body text here", "Kim")


def test_tsv(tmp_path: Path) -> None:
    p = tmp_path / "sheet.tsv"
    p.write_text("text\tauthor\nhello, world\tKim\n", "utf-8")
    (doc,) = load(p, on_error="raise")
    assert doc.text == "hello, world"


def test_unknown_column_names_field_and_lists_available(tmp_path: Path) -> None:
    p = tmp_path / "posts.csv"
    p.write_text(POSTS_CSV, "utf-8")
    with pytest.raises(UnknownFieldError) as err:
        load(p, mapping={"text": "body"}, on_error="raise")
    msg = str(err.value)
    assert "posts.csv" in msg and "'body'" in msg and "message, date, from, link, extra" in msg
    assert err.value.field == "body"
    assert isinstance(err.value, KeyError)
    nothing = tmp_path / "nothing.csv"
    nothing.write_text("a,b\n1,2\n", "utf-8")
    with pytest.raises(UnknownFieldError, match="no text column"):
        load(nothing, on_error="raise")


def test_unknown_mapping_target_and_preset() -> None:
    with pytest.raises(UnknownFieldError, match="unknown mapping target"):
        load(mapping={"txt": "message"})
    with pytest.raises(UnknownFieldError, match="preset"):
        load(mapping="myspace")


def test_malformed_csv_names_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text('text,date\nok,2025-01-01\n"broken" quote,2025\n', "utf-8")
    with pytest.raises(MalformedInputError, match=r"bad\.csv:3: malformed CSV"):
        load(p, on_error="raise")


def test_ragged_row_is_skipped_with_line(tmp_path: Path) -> None:
    p = tmp_path / "ragged.csv"
    p.write_text("text,date\none,2025\ntwo,2025,extra\nthree\n", "utf-8")
    result = load(p)
    assert [d.text for d in result] == ["one", "three"]
    assert result.skipped[0].line == 3 and "3 fields" in result.skipped[0].reason


def test_csv_header_only_is_empty(tmp_path: Path) -> None:
    p = tmp_path / "head.csv"
    p.write_text("text,date\n", "utf-8")
    with pytest.raises(EmptyInputError, match="no rows"):
        load(p, on_error="raise")


def test_json_array_with_nested_paths(tmp_path: Path) -> None:
    p = tmp_path / "export.json"
    items = [
        {"post": {"body": "First post", "ts": 1736590000}, "user": {"name": "A"}, "n": 1},
        {"post": {"body": "Second post", "ts": 1736590060}, "user": {"name": "B"}, "n": 2},
        {"post": {"body": ""}, "user": {"name": "C"}},
        "a bare string is a post too",
        42,
    ]
    p.write_text(json.dumps(items, indent=2), "utf-8")
    result = load(p, mapping={"text": "post.body", "published": "post.ts", "author": "user.name", "id": "n"})
    assert [d.text for d in result] == ["First post", "Second post"]
    assert result[0].author == "A" and result[0].published == "2025-01-11T10:06:40Z"
    assert result[0].meta["record_id"] == 1
    canonical = json.dumps(items[0], sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()
    assert result[0].sha256 == hashlib.sha256(canonical).hexdigest()
    reasons = [s.reason for s in result.skipped]
    assert any("empty text" in r for r in reasons) and len(reasons) == 3


def test_malformed_json_names_line(tmp_path: Path) -> None:
    p = tmp_path / "bad.json"
    p.write_text('[\n {"text": "a"},\n {"text": "b",}\n]\n', "utf-8")
    with pytest.raises(MalformedInputError, match=r"bad\.json:3: malformed JSON") as err:
        load(p, on_error="raise")
    assert err.value.line == 3


def test_jsonl_hashes_each_line_and_skips_bad_lines(tmp_path: Path) -> None:
    p = tmp_path / "posts.jsonl"
    lines = ['{"text": "one", "author": "x"}', "", '{"text": "two"', '{"text": "three\u2028still three"}']
    p.write_text("\n".join(lines) + "\n", "utf-8")
    result = load(p)
    assert [d.text for d in result] == ["one", "three\u2028still three"]
    assert result[0].sha256 == hashlib.sha256(lines[0].encode()).hexdigest()
    assert result.skipped[0].line == 3 and isinstance(result.skipped[0].error, MalformedInputError)
    with pytest.raises(MalformedInputError, match=r"posts\.jsonl:3"):
        load(p, on_error="raise")


def _telegram(tmp_path: Path) -> Path:
    export = {
        "name": "Example Channel",
        "type": "public_channel",
        "id": 1234567890,
        "messages": [
            {"id": 1, "type": "service", "date": "2025-01-10T09:00:00", "date_unixtime": "1736499600",
             "actor": "Example Channel", "action": "create_channel", "text": ""},
            {"id": 2, "type": "message", "date": "2025-01-11T12:06:40", "date_unixtime": "1736590000",
             "from": "Example Channel", "from_id": "channel1234567890",
             "text": "Two soldiers were captured near Kursk.", "text_entities": [{"type": "plain", "text": "x"}]},
            {"id": 3, "type": "message", "date": "2025-01-11T13:00:00", "date_unixtime": "1736593200",
             "from": "Example Channel",
             "text": ["Read ", {"type": "bold", "text": "this"}, " at ", {"type": "link", "text": "https://x.org"}]},
        ],
    }  # fmt: skip
    p = tmp_path / "result.json"
    p.write_text(json.dumps(export, ensure_ascii=False, indent=1), "utf-8")
    return p


def test_telegram_preset(tmp_path: Path) -> None:
    p = _telegram(tmp_path)
    result = load(p, mapping="telegram")
    assert [d.text for d in result] == ["Two soldiers were captured near Kursk.", "Read this at https://x.org"]
    doc = result[0]
    assert doc.source == "Example Channel" and doc.author == "Example Channel"
    assert doc.published == "2025-01-11T10:06:40Z"  # from date_unixtime, which is UTC
    assert doc.meta["message_id"] == 2 and doc.loader == "telegram"  # read by osintkit.sources.telegram
    assert "text_entities" not in doc.meta.get("fields", {})
    assert len(result.skipped) == 1 and "service message" in result.skipped[0].reason
    # the export is recognised without naming the preset, with the same ids
    auto = load(p)
    assert [d.id for d in auto] == [d.id for d in result]
    assert auto[0].loader == "telegram"


def test_source_name_overrides_and_keeps_the_found_one(tmp_path: Path) -> None:
    (doc, _) = load(_telegram(tmp_path), source_name="Analyst label")
    assert doc.source == "Analyst label" and doc.meta["source_extracted"] == "Example Channel"


def test_json_records_path_must_exist(tmp_path: Path) -> None:
    p = _telegram(tmp_path)
    with pytest.raises(UnknownFieldError, match="posts"):
        load(p, mapping={"records": "posts", "text": "text"}, on_error="raise")


def test_iter_load_streams_pairs_and_reports_skips(tmp_path: Path) -> None:
    p = tmp_path / "many.jsonl"
    with p.open("w", encoding="utf-8") as fh:
        for i in range(5000):
            fh.write(json.dumps({"text": f"post {i}" if i % 1000 else ""}) + "\n")
    skipped: list[object] = []
    stream = iter_load(p, skipped=skipped)  # type: ignore[arg-type]
    first_doc, first_raw = next(stream)
    assert isinstance(first_doc, Document) and first_raw == b'{"text": "post 1"}'
    assert len(skipped) == 1  # line 1 was reached (and skipped) before the first document
    rest = sum(1 for _ in stream)
    assert 1 + rest == 4995 and len(skipped) == 5 and stream.skipped is skipped
