"""The case store on a real SQLite file: transactions, custody chain, tamper detection, migrations, concurrency."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from osintkit import Case, CaseError, Document, Mention, Place, SchemaVersionError
from osintkit.store import MIGRATIONS, SCHEMA_VERSION


def make_doc(text: str, **kw: object) -> Document:
    import hashlib

    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(
        id=Document.make_id(sha), text=text, sha256=sha, loader="test", retrieved="2025-01-12T00:00:00Z", **kw
    )  # type: ignore[arg-type]


@pytest.fixture
def case(tmp_path: Path) -> Case:
    with Case(tmp_path / "case.sqlite", actor="tester") as c:
        yield c  # type: ignore[misc]


def test_settings_wal_foreign_keys_and_schema_version(case: Case) -> None:
    assert case.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert case.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert case.schema_version == SCHEMA_VERSION


def test_add_documents_is_idempotent_and_logged(case: Case) -> None:
    doc = make_doc("Kursk is a city.")
    first = case.add_documents([doc], raw={doc.id: b"Kursk is a city."})
    second = case.add_documents([doc])
    assert first.added == [doc.id] and second.duplicates == [doc.id]
    assert len(case) == 1
    entries = [e for e in case.custody() if e.action == "ingest"]
    assert [e.object_id for e in entries] == [doc.id]
    assert case.get_document(doc.id).text == "Kursk is a city."
    assert case.verify().ok


def test_failed_transaction_rolls_back_everything(case: Case) -> None:
    doc = make_doc("one")
    before = case.custody()
    with pytest.raises(RuntimeError):
        with case.transaction():
            case.add_documents([doc])
            raise RuntimeError("boom")
    assert len(case) == 0
    assert case.custody() == before


def test_annotations_round_trip(case: Case) -> None:
    doc = make_doc("Kyiv and Kursk")
    case.add_documents([doc])
    case.replace_mentions(doc.id, [Mention(0, 4, "Kyiv", "LOC", 0.9, "model")])
    case.replace_places(doc.id, [Place("Kyiv", 0, 4, "Kyiv", 50.45, 30.52, 703448, "UA", "PPLC", 0.9)])
    assert case.mentions(doc.id)[0].text == "Kyiv"
    assert case.places(doc.id)[0].geonameid == 703448
    override = Place("Kyiv", 0, 4, "Kyiv Oblast", 50.3, 30.4, 703446, "UA", "ADM1", 1.0, doc_id=doc.id)
    case.override_place(override)
    case.replace_places(doc.id, [Place("Kyiv", 0, 4, "Kyiv", 50.45, 30.52, 703448, "UA", "PPLC", 0.9)])
    assert case.places(doc.id)[0].name == "Kyiv Oblast", "an analyst override must survive a re-run"
    assert any(e.action == "place-override" for e in case.custody())
    assert case.verify().ok


def test_typed_figures_round_trip_and_figures_stored_as_dicts_still_read(tmp_path: Path) -> None:
    import json

    from osintkit.claims import extract_claims
    from osintkit.entities.rules import rule_mentions
    from osintkit.model import Quantity

    text = "Генштаб ЗСУ повідомив, що понад 4 тис. російських військових загинули в боях."
    doc = make_doc(text)
    (claim,) = extract_claims(text, mentions=rule_mentions(text, published="2025-03-12"), doc_id=doc.id)
    with Case(tmp_path / "case.sqlite", actor="tester") as case:
        case.add_documents([doc])
        case.replace_claims(doc.id, [claim])
    with Case(tmp_path / "case.sqlite", actor="tester") as case:
        (stored,) = case.claims(doc.id)
    assert stored == claim
    (q,) = stored.quantities
    assert isinstance(q, Quantity) and (q.bound, q.modifiers, q.text) == ("lower", ["понад"], "4 тис.")
    # A case written when figures were plain dicts of the seven published keys.
    legacy = claim.to_dict()
    legacy["quantities"] = [{"value": 4000.0, "text": "4 тис.", "unit": None, "counted": "військових",
                             "start": q.start, "end": q.end, "approximate": True}]  # fmt: skip
    with sqlite3.connect(tmp_path / "case.sqlite") as conn:
        conn.execute("UPDATE claims SET data = ? WHERE id = ?", (json.dumps(legacy, ensure_ascii=False), claim.id))
    with Case(tmp_path / "case.sqlite", actor="tester") as case:
        (old,) = case.claims(doc.id)
    assert old.quantities == [Quantity(4000.0, "4 тис.", None, "військових", q.start, q.end, True)]
    assert old.quantities[0].published() == legacy["quantities"][0]


def test_analyst_rating_beats_suggestion(case: Case) -> None:
    case.add_rating("source", "Example News", "C", origin="analyst")
    case.add_rating("source", "Example News", "B", origin="suggested")
    current = case.current_rating("source", "Example News")
    assert current is not None and current["grade"] == "C" and current["origin"] == "analyst"


def test_changing_one_character_of_a_document_is_detected(case: Case, tmp_path: Path) -> None:
    docs = [make_doc("first text"), make_doc("second text")]
    case.add_documents(docs)
    raw = sqlite3.connect(tmp_path / "case.sqlite")
    raw.execute("UPDATE documents SET text = 'secund text' WHERE id = ?", (docs[1].id,))
    raw.commit()
    raw.close()
    report = case.verify()
    assert not report.ok
    assert docs[1].id in (report.first_problem or "")
    assert docs[0].id not in (report.first_problem or "")


def test_tampering_with_raw_bytes_is_detected(case: Case, tmp_path: Path) -> None:
    doc = make_doc("raw text")
    case.add_documents([doc], raw={doc.id: b"raw text"})
    raw = sqlite3.connect(tmp_path / "case.sqlite")
    with pytest.raises(sqlite3.DatabaseError, match="evidentiary copy"):
        raw.execute("UPDATE documents SET raw = ? WHERE id = ?", (b"raw texT", doc.id))
    raw.execute("DROP TRIGGER documents_raw_no_update")  # a determined tamperer
    raw.execute("UPDATE documents SET raw = ? WHERE id = ?", (b"raw texT", doc.id))
    raw.commit()
    raw.close()
    assert "raw bytes" in (case.verify().first_problem or "")


def test_custody_log_is_append_only_and_edits_are_detected(case: Case, tmp_path: Path) -> None:
    case.add_documents([make_doc("a"), make_doc("b")])
    case.add_note("doc-x", "checked")
    with pytest.raises(sqlite3.DatabaseError, match="append-only"):
        case.execute("UPDATE custody SET actor = 'mallory' WHERE seq = 2")
    # A determined tamperer drops the trigger and edits the file directly: the chain still exposes it.
    raw = sqlite3.connect(tmp_path / "case.sqlite")
    raw.execute("DROP TRIGGER custody_no_update")
    raw.execute("UPDATE custody SET actor = 'mallory' WHERE seq = 2")
    raw.commit()
    raw.close()
    report = case.verify()
    assert not report.ok
    assert report.first_problem is not None and report.first_problem.startswith("custody entry 2 ")


def test_deleting_a_custody_entry_breaks_the_chain(case: Case, tmp_path: Path) -> None:
    for text in "abc":
        case.add_documents([make_doc(text)])
    raw = sqlite3.connect(tmp_path / "case.sqlite")
    raw.execute("DROP TRIGGER custody_no_delete")
    raw.execute("DELETE FROM custody WHERE seq = 2")
    raw.commit()
    raw.close()
    problems = case.verify().problems
    assert any(p.startswith("custody entry 3 ") and "chain broken" in p for p in problems)


def test_migrates_a_version_1_case(tmp_path: Path) -> None:
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path)
    conn.executescript(MIGRATIONS[0])
    conn.execute("PRAGMA user_version = 1")
    conn.commit()
    conn.close()
    with Case(path) as case:
        assert case.schema_version == SCHEMA_VERSION
        case.add_documents([make_doc("after migration")])
        case.replace_claims(case.document_ids()[0], [])
        assert any(e.action == "migrate" for e in case.custody())
        assert case.verify().ok


def test_refuses_a_newer_schema(tmp_path: Path) -> None:
    path = tmp_path / "new.sqlite"
    Case(path).close()
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.commit()
    conn.close()
    with pytest.raises(SchemaVersionError, match="newer"):
        Case(path)


def test_not_a_case_file(tmp_path: Path) -> None:
    path = tmp_path / "junk.sqlite"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(CaseError, match=r"junk\.sqlite"):
        Case(path)


WRITER = textwrap.dedent(
    """
    import hashlib, sys
    from osintkit import Case, Document
    path, name = sys.argv[1], sys.argv[2]
    with Case(path, actor=name) as case:
        for i in range(40):
            text = f"{name} document {i}"
            sha = hashlib.sha256(text.encode()).hexdigest()
            case.add_documents([Document(id=Document.make_id(sha), text=text, sha256=sha, loader="t",
                                         retrieved="2025-01-12T00:00:00Z")])
            case.add_note(Document.make_id(sha), "seen by " + name)
    """
)


def test_two_processes_write_one_case_at_once(tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    Case(path, actor="setup").close()
    procs = [
        subprocess.Popen([sys.executable, "-c", WRITER, str(path), name], stderr=subprocess.PIPE)
        for name in ("kernel", "cli")
    ]
    for p in procs:
        _, err = p.communicate(timeout=120)
        assert p.returncode == 0, err.decode()
    with Case(path) as case:
        assert len(case) == 80
        assert len(case.notes()) == 80
        assert {e.actor for e in case.custody()} == {"setup", "kernel", "cli"}
        assert case.verify().ok
