"""Tampering with a real case file, table by table: every edit and every deletion is named by ``verify``.

Each case is built through the real ``Case`` API, closed, copied, and then edited with a plain sqlite3 connection
as someone holding the file would. Damaged, truncated and empty files are reported, never raised as a traceback.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from osintkit import Case, CaseError, Claim, Document, Entity, Mention, Place
from osintkit.store import MIGRATIONS, SCHEMA_VERSION, _row_hash

TEXT = "John Kirby said 11,000 North Korean soldiers were in the Kursk region, near Sudzha."


def _doc(text: str) -> Document:
    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(
        id=Document.make_id(sha), text=text, sha256=sha, loader="test", retrieved="2025-01-12T00:00:00Z",
        title="Seed", source="Example News",
    )  # fmt: skip


def _claim(doc: Document, n: int) -> Claim:
    return Claim(
        id=f"claim-{n}", doc_id=doc.id, sentence=doc.text, sentence_start=0, sentence_end=len(doc.text),
        content=doc.text[16:], content_start=16, content_end=len(doc.text), claimant="John Kirby",
        claimant_type="PERSON", cue="said", direct=False, hedged=False,
    )  # fmt: skip


def build_case(path: Path) -> dict[str, str]:
    """A case with rows in every table of findings; returns ids the tests aim at."""
    one, two = _doc(TEXT), _doc(TEXT.replace("11,000", "12,000"))
    kursk = Place("Kursk", 57, 62, "Kursk Oblast", 51.5, 36.5, 538555, "RU", "ADM1", 0.9)
    sudzha = Place("Sudzha", 77, 83, "Sudzha", 51.19, 35.27, 485660, "RU", "PPL", 0.8)
    with Case(path, actor="tester") as case:
        case.add_documents([one, two], raw={one.id: one.text.encode(), two.id: two.text.encode()})
        for doc in (one, two):
            case.replace_mentions(doc.id, [
                Mention(0, 10, "John Kirby", "PERSON", 0.99, "model"),
                Mention(57, 62, "Kursk", "LOC", 0.95, "model"),
                Mention(77, 83, "Sudzha", "LOC", 0.9, "model"),
            ])  # fmt: skip
            case.replace_places(doc.id, [kursk, sudzha])
            case.replace_claims(doc.id, [_claim(doc, 1 if doc is one else 2)])
        case.set_mention_status(one.id, 77, 83, "accepted")
        case.override_place(Place("Sudzha", 77, 83, "Sudzha", 51.2, 35.3, 485660, "RU", "PPL", 1.0, doc_id=two.id))
        case.upsert_entities([Entity("ent-PERSON-john-kirby", "PERSON", "John Kirby"),
                              Entity("ent-LOC-kursk", "LOC", "Kursk")])  # fmt: skip
        case.set_mention_entities([(d.id, 0, 10, "PERSON", "ent-PERSON-john-kirby") for d in (one, two)])
        case.add_entity_edit("relabel", {"entity_id": "ent-LOC-kursk", "label": "LOC", "from_label": "LOC"})
        case.add_rating("claim", "claim-1", "5", origin="suggested", rationale="single source")
        case.add_rating("claim", "claim-1", "2", origin="analyst", rationale="confirmed by a second channel")
        case.add_rating("source", "Example News", "E", origin="analyst", rationale="unknown outlet")
        case.add_note("claim-1", "Check the Sudzha figure against the ministry's own post.")
        case.set_source_card("Example News", {"stop": "check", "links": []})
        case.set_source_card("Example News", {"stop": "check", "links": ["https://example.org/about"]})
        case.record_run("analysis", {"documents": [one.id, two.id], "batch_size": 32})
        assert case.verify().ok, case.verify().problems
    return {"doc": one.id, "doc2": two.id}


@pytest.fixture(scope="module")
def pristine(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    path = tmp_path_factory.mktemp("tamper") / "pristine.sqlite"
    ids = build_case(path)
    return path, ids


GUARDS = ("custody_no_update", "custody_no_delete", "documents_raw_no_update", "documents_no_delete")


def _copy(pristine: tuple[Path, dict[str, str]], tmp_path: Path) -> Path:
    """A copy whose guard triggers are dropped, as a determined tamperer would first do."""
    target = tmp_path / "copy.sqlite"
    shutil.copyfile(pristine[0], target)
    conn = sqlite3.connect(target)
    for trigger in GUARDS:
        conn.execute(f"DROP TRIGGER {trigger}")
    conn.commit()
    conn.close()
    return target


def test_raw_bytes_and_documents_are_guarded_in_the_file(pristine: tuple[Path, dict[str, str]]) -> None:
    conn = sqlite3.connect(pristine[0])
    try:
        for sql in ("UPDATE documents SET raw = NULL", "UPDATE documents SET sha256 = 'x'", "DELETE FROM documents"):
            with pytest.raises(sqlite3.DatabaseError, match=r"evidentiary copy|are evidence"):
                conn.execute(sql)
    finally:
        conn.rollback()
        conn.close()


def _edit(path: Path, *sql: str, params: tuple[object, ...] = ()) -> None:
    conn = sqlite3.connect(path)
    for statement in sql:
        conn.execute(statement, params if "?" in statement else ())
    conn.commit()
    conn.close()


def _first_problem(path: Path) -> str:
    with Case(path, readonly=True) as case:
        report = case.verify()
    assert not report.ok, "verify called a tampered case OK"
    assert report.first_problem is not None
    return report.first_problem


# (table, key column, the row aimed at, a content column, the new value). Every table of findings is here.
EDITS: list[tuple[str, str, str, str, object]] = [
    ("documents", "id", "id = '{doc}'", "text", "John Kirby said 21,000 soldiers."),
    ("mentions", "id", "id = (SELECT min(id) FROM mentions)", "label", "ORG"),
    ("places", "id", "id = (SELECT min(id) FROM places)", "data", '{"name": "Kyiv"}'),
    ("claims", "id", "id = 'claim-1'", "data", '{"content": "12,000"}'),
    ("ratings", "id", "origin = 'analyst' AND kind = 'source'", "grade", "A"),
    ("notes", "id", "id = 1", "text", "Confirmed."),
    ("source_cards", "source", "source = 'Example News'", "data", '{"stop": "fine"}'),
    ("entity_edits", "id", "id = 1", "data", '{"entity_id": "ent-LOC-kursk", "label": "ORG"}'),
    ("entities", "id", "id = 'ent-PERSON-john-kirby'", "name", "Jon Kirby"),
    ("runs", "id", "id = 1", "data", '{"documents": []}'),
]


def _key(path: Path, table: str, key: str, where: str) -> str:
    conn = sqlite3.connect(path)
    value = conn.execute(f"SELECT {key} FROM {table} WHERE {where}").fetchone()[0]
    conn.close()
    return str(value)


@pytest.mark.parametrize("table,key,where,column,value", EDITS, ids=[e[0] for e in EDITS])
def test_a_changed_value_is_named(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path, table: str, key: str, where: str, column: str,
    value: object,
) -> None:  # fmt: skip
    path = _copy(pristine, tmp_path)
    where = where.format(**pristine[1])
    row_key = _key(path, table, key, where)
    _edit(path, f"UPDATE {table} SET {column} = ? WHERE {where}", params=(value,))
    problem = _first_problem(path)
    named = f"document {row_key}" if table == "documents" else f"{table} row {row_key}"
    assert re.match(rf"{re.escape(named)}[ :]", problem), problem


@pytest.mark.parametrize("table,key,where,column,value", EDITS, ids=[e[0] for e in EDITS])
def test_a_changed_value_with_its_row_hash_recomputed_is_named(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path, table: str, key: str, where: str, column: str,
    value: object,
) -> None:  # fmt: skip
    """A careful tamperer also rewrites the row's own hash: the entry that wrote the row no longer adds up."""
    path = _copy(pristine, tmp_path)
    where = where.format(**pristine[1])
    conn = sqlite3.connect(path)
    conn.row_factory = sqlite3.Row
    conn.execute(f"UPDATE {table} SET {column} = ? WHERE {where}", (value,))
    row = conn.execute(f"SELECT * FROM {table} WHERE {where}").fetchone()
    conn.execute(f"UPDATE {table} SET row_hash = ? WHERE {where}", (_row_hash(table, row),))
    seq = row["seq"]
    conn.commit()
    conn.close()
    problem = _first_problem(path)
    assert table in problem or "document" in problem
    if table != "documents":  # a document is named by its own record hash first
        assert f"custody entry {seq} " in problem


@pytest.mark.parametrize("table,key,where,column,value", EDITS, ids=[e[0] for e in EDITS])
def test_a_deleted_row_is_named(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path, table: str, key: str, where: str, column: str,
    value: object,
) -> None:  # fmt: skip
    path = _copy(pristine, tmp_path)
    where = where.format(**pristine[1])
    conn = sqlite3.connect(path)
    seq = conn.execute(f"SELECT seq FROM {table} WHERE {where}").fetchone()[0]
    obj = conn.execute("SELECT object_id FROM custody WHERE seq = ?", (seq,)).fetchone()[0]
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute(f"DELETE FROM {table} WHERE {where}")
    conn.commit()
    conn.close()
    problem = _first_problem(path)
    assert table in problem and f"custody entry {seq} " in problem and "missing" in problem
    if obj:
        assert obj in problem


def test_raw_bytes_set_to_null_or_stored_as_text_are_named(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    doc_id = pristine[1]["doc"]
    path = _copy(pristine, tmp_path)
    _edit(path, "UPDATE documents SET raw = NULL WHERE id = ?", params=(doc_id,))
    problem = _first_problem(path)
    assert doc_id in problem and "documents" in problem
    path.unlink()
    path = _copy(pristine, tmp_path)
    _edit(path, "UPDATE documents SET raw = CAST(raw AS TEXT) WHERE id = ?", params=(doc_id,))
    with Case(path, readonly=True) as case:
        problems = case.verify().problems
    assert any(doc_id in p and "raw bytes stored as str" in p for p in problems), problems


def test_a_row_moved_to_another_entry_is_named(pristine: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    path = _copy(pristine, tmp_path)
    _edit(path, "UPDATE ratings SET seq = 1 WHERE id = 1")
    assert "ratings row 1 (claim claim-1 5)" in _first_problem(path)


def test_rows_written_outside_the_log_are_named(pristine: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    path = _copy(pristine, tmp_path)
    _edit(path, "INSERT INTO notes (object_id, text, actor, time) VALUES ('claim-1', 'planted', 'x', 'now')")
    assert "written outside the custody log" in _first_problem(path)


def test_an_edited_custody_entry_is_named(pristine: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    path = _copy(pristine, tmp_path)
    conn = sqlite3.connect(path)
    conn.execute("UPDATE custody SET actor = 'mallory' WHERE seq = 5")
    conn.commit()
    conn.close()
    assert _first_problem(path).startswith("custody entry 5 ")


def test_the_last_entries_removed_with_their_rows_are_named(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    """The hardest deletion: the tail of the log and every row it wrote; the chain itself still links up."""
    path = _copy(pristine, tmp_path)
    conn = sqlite3.connect(path)
    last = conn.execute("SELECT max(seq) FROM custody").fetchone()[0]
    conn.execute("DELETE FROM runs")
    conn.execute("DELETE FROM custody WHERE seq = ?", (last,))
    conn.commit()
    conn.close()
    problem = _first_problem(path)
    assert "custody head" in problem and f"entry {last}" in problem and "removed" in problem


def test_a_dropped_table_is_named(pristine: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    for table in ("custody", "claims", "custody_head"):
        path = _copy(pristine, tmp_path)
        _edit(path, f"DROP TABLE {table}")
        assert table in _first_problem(path)
        path.unlink()


def test_malformed_meta_is_named_without_a_traceback(pristine: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    doc_id = pristine[1]["doc"]
    path = _copy(pristine, tmp_path)
    _edit(path, "UPDATE documents SET meta = '{not json' WHERE id = ?", params=(doc_id,))
    problem = _first_problem(path)
    assert doc_id in problem and "meta" in problem


def test_an_intact_copy_verifies(pristine: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    with Case(_copy(pristine, tmp_path), readonly=True) as case:
        report = case.verify()
    assert report.ok, report.problems
    assert report.rows_checked >= 20 and report.documents_checked == 2


# -- damaged files: the CLI names the problem, with no Python traceback --------------------------------------------


def _verify_cli(path: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "osintkit", "verify", "--case", str(path), *extra],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip


def _damaged(pristine: tuple[Path, dict[str, str]], tmp_path: Path, how: str) -> Path:
    path = _copy(pristine, tmp_path)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big") or 65536
    if how == "empty":
        data = bytearray()
    elif how == "truncated":
        data = data[: len(data) // 2 + 100]
    elif how == "scrambled":
        # Swap two interior pages' bodies and garble a third: what a bad disk or a careless copy does.
        a, b = 3 * page, 5 * page
        data[a : a + page], data[b : b + page] = data[b : b + page], data[a : a + page]
        data[2 * page + 8 : 2 * page + 200] = bytes(range(192))
    elif how == "not-sqlite":
        data = bytearray(b"<html>this is not a case</html>" * 50)
    path.write_bytes(bytes(data))
    return path


@pytest.mark.parametrize(
    "how,reason",
    [("empty", "0 bytes"), ("truncated", "truncated"), ("scrambled", "damaged"), ("not-sqlite", "header")],
)
def test_verify_names_a_damaged_file_without_a_traceback(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path, how: str, reason: str
) -> None:
    path = _damaged(pristine, tmp_path, how)
    size = path.stat().st_size
    result = _verify_cli(path)
    assert result.returncode in (1, 2), result.stdout
    assert "Traceback" not in result.stderr, result.stderr
    assert str(path) in result.stderr and reason in result.stderr, result.stderr
    assert path.stat().st_size == size, "verify must not change the file it checks"


def test_an_empty_file_is_not_turned_into_a_new_case(tmp_path: Path) -> None:
    path = tmp_path / "empty.sqlite"
    path.write_bytes(b"")
    with pytest.raises(CaseError, match=r"empty\.sqlite.*0 bytes"):
        Case(path)
    assert path.stat().st_size == 0


def test_an_sqlite_file_of_another_program_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE bookmarks (url TEXT)")
    conn.commit()
    conn.close()
    with pytest.raises(CaseError, match="not an osintkit case"):
        Case(path)


def test_an_older_case_migrates_with_its_rows_adopted_into_the_chain(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.sqlite"
    conn = sqlite3.connect(legacy)
    for script in MIGRATIONS[:4]:
        conn.executescript(script)
    conn.execute("PRAGMA user_version = 4")
    conn.execute(
        "INSERT INTO custody VALUES (1, '2025-01-01T00:00:00Z', 'old', 'create-case', 'schema-v4', NULL, ?, ?)",
        ("0" * 64, _v1_hash(1, "create-case", "schema-v4", "0" * 64)),
    )
    conn.execute("INSERT INTO notes (object_id, text, actor, time) VALUES ('x', 'an old note', 'old', 'then')")
    conn.commit()
    conn.close()
    with Case(legacy, readonly=True) as old:
        assert old.verify().ok, "an older case checked read-only verifies as it stands"
    with Case(legacy) as case:
        assert case.schema_version == SCHEMA_VERSION
        assert [n["text"] for n in case.notes()] == ["an old note"]
        assert any(e.action == "adopt" and e.object_id == "notes" for e in case.custody())
        assert case.verify().ok, case.verify().problems
    _edit(legacy, "UPDATE notes SET text = 'a rewritten note'")
    assert "notes row" in _first_problem(legacy)


def test_a_later_migration_that_adds_a_column_reseals_the_rows(
    pristine: tuple[Path, dict[str, str]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A column added to a table of findings changes every row's hash: the migration seals them again, logged."""
    import osintkit.store as store

    path = _copy(pristine, tmp_path)
    monkeypatch.setattr(store, "MIGRATIONS", [*MIGRATIONS, "ALTER TABLE notes ADD COLUMN colour TEXT;"])
    monkeypatch.setattr(store, "SCHEMA_VERSION", SCHEMA_VERSION + 1)
    with Case(path) as case:
        assert case.schema_version == SCHEMA_VERSION + 1
        assert [(e.action, e.object_id) for e in case.custody()[-2:]] == [
            ("migrate", f"schema-v{SCHEMA_VERSION + 1}"), ("reseal", "notes")
        ]  # fmt: skip
        report = case.verify()
        assert report.ok, report.problems
    _edit(path, "UPDATE notes SET colour = 'red'")
    with Case(path, readonly=True) as case:
        assert (case.verify().first_problem or "").startswith("notes row 1 ")


def _v1_hash(seq: int, action: str, object_id: str, prev: str) -> str:
    from osintkit.store import CustodyEntry

    return CustodyEntry.compute_hash(seq, "2025-01-01T00:00:00Z", "old", action, object_id, None, prev)


# -- log what changed ------------------------------------------------------------------------------------------


def test_identical_ratings_and_cards_add_no_entry(tmp_path: Path) -> None:
    with Case(tmp_path / "c.sqlite") as case:
        assert case.add_rating("claim", "c1", "3", origin="suggested", rationale="one source")
        size = len(case.custody())
        assert not case.add_rating("claim", "c1", "3", origin="suggested", rationale="one source")
        assert case.set_source_card("S", {"a": 1})
        assert not case.set_source_card("S", {"a": 1})
        assert len(case.custody()) == size + 1
        assert case.add_rating("claim", "c1", "3", origin="analyst", rationale="one source")
        assert case.add_rating("claim", "c1", "4", origin="suggested", rationale="one source")
        assert len(case.ratings()) == 3
        assert case.verify().ok


# -- a case open in a notebook is still one file -----------------------------------------------------------------

KERNEL = textwrap.dedent(
    """
    import sys, time
    from osintkit import Case, Mention
    path, ready = sys.argv[1], sys.argv[2]
    case = Case(path, actor="kernel")
    doc_id = case.document_ids()[0]
    case.replace_mentions(doc_id, [Mention(0, 10, "John Kirby", "PERSON", 0.99, "model")])
    case.set_mention_status(doc_id, 0, 10, "accepted")
    case.add_rating("source", "Example News", "B", origin="analyst", rationale="track record")
    case.add_note(doc_id, "annotated while open")
    time.sleep(Case.CHECKPOINT_LAG + 0.5)  # a burst of writes reaches the case file within the checkpoint lag
    print(case.head(), flush=True)
    open(ready, "w").close()
    time.sleep(60)  # the kernel keeps the case open; the test copies it meanwhile
    """
)


def test_copying_the_file_of_an_open_case_gives_the_whole_case(tmp_path: Path) -> None:
    path = tmp_path / "open.sqlite"
    with Case(path) as case:
        case.add_documents([_doc(TEXT)], raw={_doc(TEXT).id: TEXT.encode()})
    stale = tmp_path / "stale.sqlite"
    shutil.copyfile(path, stale)
    ready = tmp_path / "ready"
    kernel = subprocess.Popen([sys.executable, "-c", KERNEL, str(path), str(ready)], stdout=subprocess.PIPE, text=True)
    try:
        assert kernel.stdout is not None
        head = kernel.stdout.readline().strip()
        while not ready.exists():
            pass
        assert Path(f"{path}-wal").exists(), "the kernel holds the case open in WAL mode"
        copy = tmp_path / "copy.sqlite"
        shutil.copyfile(path, copy)  # the .sqlite alone, as a user would copy it
    finally:
        kernel.kill()
        kernel.wait()
    with Case(copy, readonly=True) as case:
        report = case.verify(expect_head=head)
        assert report.ok, report.problems
        assert [n["text"] for n in case.notes()] == ["annotated while open"]
        assert case.current_rating("source", "Example News")["grade"] == "B"  # type: ignore[index]
        assert [m.text for m in case.mentions()] == ["John Kirby"]
    ok = _verify_cli(copy, "--expect-head", head)
    assert ok.returncode == 0, ok.stderr
    refused = _verify_cli(stale, "--expect-head", head)
    assert refused.returncode == 1 and "stale copy" in refused.stderr, refused.stderr


def _notes_in_a_copy(path: Path, tmp_path: Path) -> int:
    copy = tmp_path / f"copy-{time.monotonic_ns()}.sqlite"
    shutil.copyfile(path, copy)
    with Case(copy, readonly=True) as case:
        return len(case.notes())


def test_writes_reach_the_case_file_while_it_stays_open(tmp_path: Path) -> None:
    path = tmp_path / "open.sqlite"
    with Case(path) as case:
        time.sleep(Case.CHECKPOINT_LAG)
        case.add_note("x", "after a quiet spell: in the file at once")
        assert _notes_in_a_copy(path, tmp_path) == 1
        for i in range(20):
            case.add_note("x", f"burst {i}")
        time.sleep(Case.CHECKPOINT_LAG + 0.5)
        assert _notes_in_a_copy(path, tmp_path) == 21, "the timer checkpoints the end of a burst"
        assert Path(f"{path}-wal").exists(), "still open in WAL mode"


def test_snapshot_is_one_consistent_file(pristine: tuple[Path, dict[str, str]], tmp_path: Path) -> None:
    work = _copy(pristine, tmp_path)
    with Case(work) as case:
        case.add_note("claim-1", "after the copy")
        head = case.snapshot(tmp_path / "snap" / "evidence.sqlite")
        assert head == case.head()
        with pytest.raises(CaseError, match="cannot overwrite"):
            case.snapshot(work)
    snap = tmp_path / "snap" / "evidence.sqlite"
    assert not Path(f"{snap}-wal").exists()
    with Case(snap, readonly=True) as copy:
        assert copy.verify(expect_head=head).ok
        assert copy.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
