"""Telegram Desktop exports (result.json), written by the tests: one chat, a full export, and broken ones."""

from __future__ import annotations

import hashlib
import json
import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from osintkit import load
from osintkit.errors import MalformedInputError, UnsupportedFormatError
from osintkit.store import Case

PHOTO = b"\x89PNG\r\n\x1a\n" + b"not a real picture, only bytes to hash" * 10


def _channel() -> dict[str, Any]:
    # The exporting machine ran at UTC+2: "date" is its local time, "date_unixtime" the instant.
    return {
        "name": "Example Channel",
        "type": "public_channel",
        "id": 1234567890,
        "messages": [
            {"id": 1, "type": "service", "date": "2025-01-10T09:00:00", "date_unixtime": "1736492400",
             "actor": "Example Channel", "action": "create_channel", "title": "Example Channel", "text": "",
             "text_entities": []},
            {"id": 2, "type": "message", "date": "2025-01-11T12:06:40", "date_unixtime": "1736590000",
             "edited": "2025-01-11T12:30:00", "edited_unixtime": "1736591400",
             "from": "Example Channel", "from_id": "channel1234567890", "author": "Duty editor",
             "photo": "photos/photo_1@11-01-2025_12-06-40.jpg", "width": 800, "height": 600,
             "text": ["Two soldiers were captured near ", {"type": "bold", "text": "Kursk"}, ". Details: ",
                      {"type": "link", "text": "https://example.org/a"}, " via ",
                      {"type": "mention", "text": "@otherchannel"}, " ", {"type": "hashtag", "text": "#Kursk"},
                      " and ", {"type": "text_link", "text": "the statement", "href": "https://example.org/s"}],
             "text_entities": [{"type": "plain", "text": "Two soldiers were captured near "}]},
            {"id": 3, "type": "message", "date": "2025-01-11T13:00:00", "date_unixtime": "1736593200",
             "from": "Example Channel", "reply_to_message_id": 2, "text": "Update: both are in Kyiv."},
            {"id": 4, "type": "message", "date": "2025-01-11T14:00:00", "date_unixtime": "1736596800",
             "from": "Example Channel", "forwarded_from": "Source Channel",
             "forwarded_date": "2025-01-11T11:00:00", "forwarded_date_unixtime": "1736586000",
             "forwarded_message_id": 77, "text": "Zelenskyy said two soldiers were captured."},
            {"id": 5, "type": "message", "date": "2025-01-11T15:00:00", "date_unixtime": "1736600400",
             "from": "Example Channel", "file": "(File not included. Change data exporting settings to download.)",
             "media_type": "video_file", "mime_type": "video/mp4", "text": ""},
            {"id": 6, "type": "message", "date": "2025-01-11T16:00:00", "date_unixtime": "1736604000",
             "from": "Example Channel", "forwarded_from": None, "text": "A forward from a hidden sender."},
            {"id": 7, "type": "message", "date": "2025-01-11T17:00:00", "date_unixtime": "1736607600",
             "from": "Example Channel", "text": "",
             "poll": {"question": "Was it Kursk?", "closed": False, "total_voters": 3,
                      "answers": [{"text": "Yes", "voters": 2, "chosen": False},
                                  {"text": "No", "voters": 1, "chosen": False}]}},
        ],
    }  # fmt: skip


def _write(folder: Path, export: dict[str, Any], name: str = "result.json") -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(json.dumps(export, ensure_ascii=False, indent=1), "utf-8")
    return path


@pytest.fixture
def channel(tmp_path: Path) -> Path:
    folder = tmp_path / "ChatExport_2025-01-12"
    (folder / "photos").mkdir(parents=True)
    (folder / "photos" / "photo_1@11-01-2025_12-06-40.jpg").write_bytes(PHOTO)
    return _write(folder, _channel())


def test_messages_become_documents_with_their_evidence(channel: Path) -> None:
    result = load(channel, on_error="raise")
    by_id = {d.meta["message_id"]: d for d in result}
    assert sorted(by_id) == [2, 3, 4, 6, 7]
    doc = by_id[2]
    assert doc.loader == "telegram" and doc.source == "Example Channel" and doc.title == "Example Channel #2"
    assert doc.author == "Duty editor"  # the post's signature, not the channel again
    assert doc.text == (
        "Two soldiers were captured near Kursk. Details: https://example.org/a via @otherchannel #Kursk and "
        "the statement"
    )
    assert doc.published == "2025-01-11T10:06:40Z"
    assert doc.meta["published_local"] == "2025-01-11T12:06:40+02:00"  # the exporter's zone, recovered
    assert doc.meta["edited"] == "2025-01-11T12:30:00+02:00"
    assert doc.meta["chat"] == {"name": "Example Channel", "type": "public_channel", "id": 1234567890}
    entities = {e["type"]: e for e in doc.meta["entities"]}
    assert set(entities) == {"link", "mention", "hashtag", "text_link"}  # bold is formatting, not evidence
    for e in doc.meta["entities"]:
        assert doc.text[e["offset"] : e["offset"] + len(e["text"])] == e["text"]
    assert entities["text_link"]["href"] == "https://example.org/s"
    (photo,) = doc.meta["media"]
    assert photo["kind"] == "photo" and photo["path"] == "photos/photo_1@11-01-2025_12-06-40.jpg"
    assert photo["sha256"] == hashlib.sha256(PHOTO).hexdigest() and photo["size"] == len(PHOTO)
    assert doc.url is None  # the export does not name the channel's @username
    assert by_id[3].meta["reply_to"] == {"message_id": 2}
    assert by_id[7].text == "Was it Kursk?\n- Yes\n- No" and by_id[7].meta["poll"]["total_voters"] == 3


def test_forwarded_messages_keep_the_export_s_direction(channel: Path) -> None:
    by_id = {d.meta["message_id"]: d for d in load(channel)}
    assert by_id[4].meta["forwarded_from"] == {
        "name": "Source Channel",
        "date": "2025-01-11T09:00:00Z",
        "message_id": 77,
    }
    assert by_id[6].meta["forwarded_from"] == {"name": None}  # hidden sender: still a forward, origin unnamed
    assert "forwarded_from" not in by_id[2].meta


def test_service_and_empty_messages_are_reported(channel: Path) -> None:
    result = load(channel)
    reasons = {s.where.rsplit("/", 1)[1].rstrip("]"): s.reason for s in result.skipped}
    assert reasons == {
        "1": "service message (create_channel), not a post",
        "5": "message has no text (attached: video_file)",
    }
    assert all(s.where.startswith(f"{channel}[1234567890/") for s in result.skipped)


def test_username_from_a_sidecar_gives_message_links(channel: Path) -> None:
    (channel.parent / "result.meta.json").write_text(json.dumps({"username": "examplechannel"}), "utf-8")
    by_id = {d.meta["message_id"]: d for d in load(channel)}
    assert by_id[2].url == "https://t.me/examplechannel/2"
    assert by_id[3].meta["reply_to"] == {"message_id": 2, "url": "https://t.me/examplechannel/2"}


def test_media_paths_outside_the_export_or_unusable_are_not_read(tmp_path: Path) -> None:
    (tmp_path / "secret.txt").write_text("outside the export", "utf-8")
    export = _channel()
    export["messages"][2]["photo"] = "../secret.txt"
    export["messages"][3]["file"] = "files/bad\u0000name.jpg"
    by_id = {d.meta["message_id"]: d for d in load(_write(tmp_path / "export", export), on_error="raise")}
    assert by_id[3].meta["media"][0]["status"] == "outside the export's folder; not read"
    assert "sha256" not in by_id[3].meta["media"][0]
    assert by_id[4].meta["media"][0]["status"].startswith("not read: not a usable path")


def test_detected_by_content_whatever_the_name_and_same_ids(channel: Path, tmp_path: Path) -> None:
    renamed = _write(tmp_path / "elsewhere", _channel(), name="channel-backup.json")
    first, second = load(channel), load(renamed)
    assert [d.id for d in first] == [d.id for d in second]
    assert all(d.loader == "telegram" for d in second)
    # the media file is not next to this copy: said so, not hashed from somewhere else
    photo = next(d for d in second if d.meta["message_id"] == 2).meta["media"][0]
    assert "sha256" not in photo and photo["status"].startswith("not read: no such file")
    # a JSON file that merely has a "messages" key is still read by the generic JSON loader
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"messages": [{"text": "plain record"}]}), "utf-8")
    (doc,) = load(other, on_error="raise")
    assert doc.loader == "json"


def test_full_export_reads_every_chat(tmp_path: Path) -> None:
    group = {"name": "Volunteers", "type": "private_supergroup", "id": 42, "messages": [
        {"id": 10, "type": "message", "date": "2025-01-12T08:00:00", "date_unixtime": "1736661600",
         "from": "Olena", "from_id": "user7", "text": "Convoy left Kharkiv at dawn."}]}  # fmt: skip
    empty = {"name": "Nothing", "type": "personal_chat", "id": 43, "messages": []}
    export = {
        "about": "Here is the data you requested.",
        "personal_information": {"first_name": "Analyst"},
        "chats": {"about": "...", "list": [_channel(), group, empty]},
        "left_chats": {"about": "...", "list": []},
    }
    p = _write(tmp_path, export)
    result = load(p, on_error="raise")
    assert {d.source for d in result} == {"Example Channel", "Volunteers"}
    convoy = next(d for d in result if d.source == "Volunteers")
    assert convoy.author == "Olena" and convoy.published == "2025-01-12T06:00:00Z"
    assert any("chat 'Nothing' holds no messages" in s.reason for s in result.skipped)


def test_truncated_export_keeps_the_complete_messages_and_names_the_cut(tmp_path: Path) -> None:
    text = json.dumps(_channel(), ensure_ascii=False, indent=1)
    cut_at = text.index('"id": 4')  # inside message 4
    p = tmp_path / "result.json"
    p.write_text(text[:cut_at], "utf-8")
    result = load(p)
    assert sorted(d.meta["message_id"] for d in result) == [2, 3]
    last = result.skipped[-1]
    assert isinstance(last.error, MalformedInputError) and last.path == str(p)
    assert "cut short" in last.reason and "2 record(s)" in last.reason and last.line is not None
    with pytest.raises(MalformedInputError, match=r"result\.json:\d+: .*cut short"):
        load(p, on_error="raise")


def test_broken_json_that_is_no_export_is_a_plain_json_error(tmp_path: Path) -> None:
    p = tmp_path / "result.json"
    p.write_text('{"messages": [{"text": "a"}, ', "utf-8")
    with pytest.raises(MalformedInputError, match="malformed JSON"):
        load(p, on_error="raise")
    with pytest.raises(UnsupportedFormatError, match="not a Telegram Desktop export"):
        load(p, format="telegram", on_error="raise")


def test_bad_message_costs_only_itself(tmp_path: Path) -> None:
    export = _channel()
    export["messages"].insert(2, "not an object")
    export["messages"].insert(3, {"id": 99, "type": "message", "date": "2025-01-11T12:00:00", "text": "\ud800 broken"})
    p = tmp_path / "result.json"
    p.write_text(json.dumps(export), "utf-8")  # ensure_ascii: the lone surrogate is written as an escape
    result = load(p)
    assert sorted(d.meta["message_id"] for d in result) == [2, 3, 4, 6, 7]
    reasons = " | ".join(s.reason for s in result.skipped)
    assert "not an object" in reasons and "lone surrogate" in reasons


def test_naive_dates_without_unixtime_are_flagged(tmp_path: Path) -> None:
    message = {"id": 1, "type": "message", "date": "2019-03-01T10:00:00", "text": "Old post."}
    export = {"name": "Old", "type": "public_channel", "id": 5, "messages": [message]}
    (doc,) = load(_write(tmp_path, export))
    assert doc.published == "2019-03-01T10:00:00Z"
    assert any("no time zone" in w for w in doc.meta["warnings"])


def test_case_stores_and_verifies_telegram_documents(channel: Path, tmp_path: Path) -> None:
    docs = load(channel)
    case = Case(tmp_path / "case.sqlite")
    case.add_documents(docs, raw=docs.raw)
    report = case.verify()
    assert report.ok, report
    stored = case.documents()
    assert {d.meta["message_id"] for d in stored} == {2, 3, 4, 6, 7}
    assert next(d for d in stored if d.meta["message_id"] == 4).meta["forwarded_from"]["message_id"] == 77


def test_unstorable_chat_name_is_refused_even_under_source_name(tmp_path: Path) -> None:
    export = _channel()
    export["name"] = "Bad \ud800 name"
    p = tmp_path / "result.json"
    p.write_text(json.dumps(export), "utf-8")
    result = load(p, source_name="Analyst label")
    assert len(result) == 0 and len(result.skipped) == 1
    assert "lone surrogate" in result.skipped[0].reason and result.skipped[0].where == f"{p}[1234567890]"


def test_forwards_become_echo_links_with_the_export_s_direction(tmp_path: Path) -> None:
    import osintkit as ok

    post = "Our drones struck the fuel depot near Bryansk overnight, the General Staff said on Sunday."
    staff = {"name": "General Staff", "type": "public_channel", "id": 1, "messages": [
        {"id": 501, "type": "message", "date": "2025-03-09T08:00:00", "date_unixtime": "1741500000",
         "from": "General Staff", "text": post}]}  # fmt: skip
    # The forward's own clock runs early (a time zone slip): the export's word decides the direction, not time.
    front = {"name": "Front News", "type": "public_channel", "id": 2, "messages": [
        {"id": 77, "type": "message", "date": "2025-03-09T06:00:00", "date_unixtime": "1741492800",
         "from": "Front News", "forwarded_from": "General Staff", "forwarded_date": "2025-03-09T08:00:00",
         "forwarded_date_unixtime": "1741500000", "forwarded_message_id": 501, "text": post}]}  # fmt: skip
    p = _write(tmp_path, {"chats": {"list": [front, staff]}})
    docs = load(p, on_error="raise")
    by_source = {d.source: d for d in docs}
    assert by_source["Front News"].meta["forwarded_from"]["date"] == by_source["General Staff"].published

    def links(documents: list[Any]) -> set[tuple[str, str, str, str]]:
        claims = [c for d in documents for c in ok.extract_claims(d)]
        found = ok.corroborate(claims, documents).links
        return {(lk.original, lk.copy, lk.relation, lk.direction) for lk in found}

    forward = (by_source["General Staff"].id, by_source["Front News"].id, "forwarded", "forwarded")
    assert forward in links(list(docs))
    assert links(list(docs)) == links(list(reversed(docs)))  # input order decides nothing


_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.text(max_size=20)
    | st.sampled_from(["1736590000", "2025-01-11T12:06:40", "../x", "service"]),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.dictionaries(st.sampled_from(["type", "text", "href", "question", "answers"]), inner, max_size=4)
    ),
    max_leaves=12,
)
_KEYS = ["id", "type", "date", "date_unixtime", "edited", "edited_unixtime", "from", "author", "text", "photo", "file",
         "media_type", "forwarded_from", "forwarded_date", "forwarded_message_id", "reply_to_message_id", "poll",
         "saved_from", "action"]  # fmt: skip


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(messages=st.lists(st.dictionaries(st.sampled_from(_KEYS), _VALUES, max_size=8) | _VALUES, max_size=6))
def test_any_message_shape_is_a_document_or_a_reported_skip(messages: list[Any]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        p = _write(Path(tmp), {"name": "X", "type": "public_channel", "id": 1, "messages": messages})
        result = load(p)
    assert len(result) + len(result.skipped) == max(1, len(messages))  # one item per message, none lost
    for skip in result.skipped:
        assert "a bug in osintkit" not in skip.reason, skip
    for doc in result:
        assert doc.text.strip() and doc.loader == "telegram"
        json.dumps(doc.meta, ensure_ascii=False).encode("utf-8")


# --- exports over max_bytes stream from the file, message by message ---------------------------------------------


def _same(a: Any, b: Any) -> None:
    assert [(d.id, d.text, d.published, d.url, d.title) for d in a] == [
        (d.id, d.text, d.published, d.url, d.title) for d in b
    ]
    assert [d.meta for d in a] == [d.meta for d in b]
    assert [(s.where, s.reason) for s in a.skipped] == [(s.where, s.reason) for s in b.skipped]


def test_an_export_over_max_bytes_streams_to_the_same_documents(channel: Path) -> None:
    whole = load(channel, on_error="raise")
    limit = channel.stat().st_size - 1  # the file is over the limit, each message well under it
    streamed = load(channel, max_bytes=limit)
    _same(whole, streamed)
    assert all(d.meta["file_sha256"] == hashlib.sha256(channel.read_bytes()).hexdigest() for d in streamed)
    # its media are attachments as before
    (photo,) = next(iter(streamed.attachments.values()))
    assert photo.read() == PHOTO and photo.sha256 == hashlib.sha256(PHOTO).hexdigest()


def test_a_full_export_streams_every_chat(tmp_path: Path) -> None:
    group = {"name": "Volunteers", "type": "private_supergroup", "id": 42, "messages": [
        {"id": 10, "type": "message", "date": "2025-01-12T08:00:00", "date_unixtime": "1736661600",
         "from": "Olena", "text": "Convoy left Kharkiv at dawn.",
         "poll": {"question": "x", "total_voters": 1.5}}]}  # fmt: skip
    export = {
        "about": "Here is the data you requested.",
        "personal_information": {"first_name": "Analyst", "user_id": 7},
        "contacts": {"list": [{"first_name": "A", "messages": "not a chat"}]},
        "chats": {"about": "...", "list": [_channel(), group, {"name": "Nothing", "type": "saved", "id": 43,
                                                                "messages": []},
                                           {"name": "No type", "messages": [{"id": 1, "text": "Still read."}]}]},
        "left_chats": {"about": "...", "list": [{"name": "Gone", "type": "public_channel", "id": 44, "messages": [
            {"id": 1, "type": "message", "date": "2024-01-01T00:00:00", "date_unixtime": "1704067200",
             "text": "Last post before leaving."}]}]},
    }  # fmt: skip
    p = _write(tmp_path, export)
    _same(load(p), load(p, max_bytes=2000))
    streamed = load(p, max_bytes=2000)
    assert {d.source for d in streamed} == {"Example Channel", "Volunteers", "Gone", "No type"}
    assert any("chat 'Nothing' holds no messages" in s.reason for s in streamed.skipped)


def test_a_streamed_export_cut_short_keeps_the_messages_before_the_cut(tmp_path: Path) -> None:
    text = json.dumps(_channel(), ensure_ascii=False, indent=1)
    p = tmp_path / "result.json"
    p.write_text(text[: text.index('"id": 6')], "utf-8")  # inside message 6
    result = load(p, max_bytes=1000)
    assert sorted(d.meta["message_id"] for d in result) == [2, 3, 4]
    last = result.skipped[-1]
    assert isinstance(last.error, MalformedInputError) and last.path == str(p)
    assert "cut short or broken" in last.reason and "the 3 complete message(s) before it were read" in last.reason


def test_a_message_over_max_bytes_is_reported_and_the_rest_streamed(tmp_path: Path) -> None:
    export = _channel()
    export["messages"][2]["text"] = "Update: both are in Kyiv. " + "Long. " * 400
    p = _write(tmp_path, export)
    result = load(p, max_bytes=1500)
    assert sorted(d.meta["message_id"] for d in result) == [2, 4, 6, 7]
    assert any("over the 1,500-byte limit" in s.reason and s.where.endswith("/3]") for s in result.skipped)


def test_large_json_that_is_no_export_is_still_refused(tmp_path: Path) -> None:
    p = tmp_path / "records.json"
    p.write_text(json.dumps([{"text": "a record"}] * 200), "utf-8")
    (skip,) = load(p, max_bytes=1000).skipped
    assert "over the 1,000-byte limit" in skip.reason
    # a "messages" list whose chat has no type and id is not taken for an export either
    q = tmp_path / "other.json"
    q.write_text(json.dumps({"messages": [{"text": "plain record"}] * 100}), "utf-8")
    (skip,) = load(q, max_bytes=1000).skipped
    assert "not a Telegram Desktop export" in skip.reason


def test_a_streamed_export_refuses_what_the_whole_read_refuses(tmp_path: Path) -> None:
    export = _channel()
    export["messages"].insert(2, "not an object")
    export["messages"].insert(3, {"id": 99, "type": "message", "date": "2025-01-11T12:00:00", "text": "\ud800 broken"})
    export["messages"].insert(4, {"id": 98, "type": "message", "text": "deep", "x": json.loads("[" * 150 + "]" * 150)})
    p = tmp_path / "result.json"
    p.write_text(json.dumps(export), "utf-8")  # ensure_ascii: the lone surrogate is written as an escape
    streamed = load(p, max_bytes=2000)
    _same(load(p), streamed)
    reasons = " | ".join(s.reason for s in streamed.skipped)
    assert "not an object" in reasons and "lone surrogate" in reasons and "nested too deeply" in reasons
