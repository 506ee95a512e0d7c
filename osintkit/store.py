"""The case store: one SQLite file per investigation, with a hash-chained custody log.

Why SQLite: a case must be one portable file that a notebook kernel and the CLI can open at the same time.
WAL mode lets readers proceed while one writer commits; ``BEGIN IMMEDIATE`` serialises writers, which keeps the
custody chain linear even when two processes append at once.

The custody log is append-only and tamper-evident (not tamper-proof): each entry's hash covers the previous
entry's hash, and every stored object's content hash is logged when it is written, so editing a stored row or a
log entry breaks a hash that ``verify`` recomputes.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from .errors import CaseError, SchemaVersionError
from .model import Claim, Document, Entity, Mention, Place, content_hash

__all__ = ["SCHEMA_VERSION", "Case", "CustodyEntry", "IngestReport", "VerifyReport", "utcnow"]

GENESIS = "0" * 64


def utcnow() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


def _default_actor() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no passwd entry in some containers
        return "unknown"


# Each migration moves the schema from version i to i+1. Never edit a shipped migration: append a new one.
MIGRATIONS: list[str] = [
    # 1: documents and the custody log
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY,
        sha256 TEXT NOT NULL,
        raw BLOB,
        text TEXT NOT NULL,
        title TEXT, source TEXT, author TEXT, url TEXT,
        published TEXT, retrieved TEXT NOT NULL, language TEXT,
        loader TEXT NOT NULL, path TEXT, meta TEXT NOT NULL DEFAULT '{}',
        record_hash TEXT NOT NULL,
        seq INTEGER NOT NULL
    );
    CREATE TABLE custody (
        seq INTEGER PRIMARY KEY,
        time TEXT NOT NULL,
        actor TEXT NOT NULL,
        action TEXT NOT NULL,
        object_id TEXT,
        content_hash TEXT,
        prev_hash TEXT NOT NULL,
        entry_hash TEXT NOT NULL
    );
    CREATE TRIGGER custody_no_update BEFORE UPDATE ON custody
        BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
    CREATE TRIGGER custody_no_delete BEFORE DELETE ON custody
        BEGIN SELECT RAISE(ABORT, 'the custody log is append-only'); END;
    """,
    # 2: annotations (entities, places, claims, assessments, notes) and run progress
    """
    CREATE TABLE entities (
        id TEXT PRIMARY KEY, label TEXT NOT NULL, name TEXT NOT NULL, aliases TEXT NOT NULL DEFAULT '[]'
    );
    CREATE TABLE mentions (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL, text TEXT NOT NULL,
        label TEXT NOT NULL, score REAL NOT NULL, source TEXT NOT NULL,
        norm TEXT NOT NULL DEFAULT '{}',
        entity_id TEXT REFERENCES entities(id) ON DELETE SET NULL,
        status TEXT NOT NULL DEFAULT 'auto'
    );
    CREATE INDEX mentions_doc ON mentions(doc_id);
    CREATE TABLE places (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        start INTEGER NOT NULL, "end" INTEGER NOT NULL,
        data TEXT NOT NULL,
        UNIQUE (doc_id, start, "end")
    );
    CREATE TABLE claims (
        id TEXT PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        data TEXT NOT NULL
    );
    CREATE INDEX claims_doc ON claims(doc_id);
    CREATE TABLE ratings (
        id INTEGER PRIMARY KEY,
        kind TEXT NOT NULL CHECK (kind IN ('source', 'claim')),
        object_id TEXT NOT NULL,
        grade TEXT NOT NULL,
        origin TEXT NOT NULL CHECK (origin IN ('suggested', 'analyst')),
        actor TEXT NOT NULL,
        rationale TEXT NOT NULL DEFAULT '',
        time TEXT NOT NULL
    );
    CREATE TABLE notes (
        id INTEGER PRIMARY KEY, object_id TEXT NOT NULL, text TEXT NOT NULL, actor TEXT NOT NULL, time TEXT NOT NULL
    );
    CREATE TABLE source_cards (source TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE progress (
        doc_id TEXT NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
        stage TEXT NOT NULL,
        PRIMARY KEY (doc_id, stage)
    );
    """,
    # 3: analyst edits to entities (merge, split, relabel), kept as rules that normalisation re-applies
    """
    CREATE TABLE entity_edits (
        id INTEGER PRIMARY KEY,
        op TEXT NOT NULL,
        data TEXT NOT NULL,
        actor TEXT NOT NULL,
        time TEXT NOT NULL
    );
    """,
    # 4: why normalisation merged each entity's aliases (osintkit.tag.normalise), shown beside the entity
    """
    ALTER TABLE entities ADD COLUMN merged TEXT NOT NULL DEFAULT '[]';
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)


@dataclass(frozen=True)
class CustodyEntry:
    seq: int
    time: str
    actor: str
    action: str
    object_id: str | None
    content_hash: str | None
    prev_hash: str
    entry_hash: str

    @staticmethod
    def compute_hash(
        seq: int, time: str, actor: str, action: str, object_id: str | None, chash: str | None, prev: str
    ) -> str:
        payload = json.dumps([seq, time, actor, action, object_id, chash, prev], ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()


@dataclass
class IngestReport:
    added: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)

    def __str__(self) -> str:
        lines = [f"{len(self.added)} added, {len(self.duplicates)} already in the case, {len(self.skipped)} skipped"]
        lines += [f"  skipped {where}: {why}" for where, why in self.skipped]
        return "\n".join(lines)


@dataclass
class VerifyReport:
    ok: bool
    documents_checked: int
    entries_checked: int
    problems: list[str] = field(default_factory=list)

    @property
    def first_problem(self) -> str | None:
        return self.problems[0] if self.problems else None

    def __str__(self) -> str:
        if self.ok:
            return f"OK: {self.documents_checked} documents re-hashed, {self.entries_checked} custody entries chained"
        return "TAMPERED: " + "\n".join(self.problems)


def _document_record(doc: Document) -> dict[str, Any]:
    record = doc.to_dict()
    record["meta"] = doc.meta
    return record


class Case:
    """An investigation's store. Open with ``Case("case.sqlite")``; the file is created if absent."""

    def __init__(self, path: str | os.PathLike[str], *, actor: str | None = None) -> None:
        self.path = Path(path)
        self.actor = actor or _default_actor()
        if self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise CaseError(f"{self.path}: cannot open case file: {exc}") from exc
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute("PRAGMA busy_timeout = 60000")
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise CaseError(f"{self.path}: not a usable case file: {exc}") from exc

    # -- plumbing -------------------------------------------------------------------------------------------

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Case({str(self.path)!r})"

    def close(self) -> None:
        self._conn.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _migrate(self) -> None:
        with self.transaction() as conn:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            if current > SCHEMA_VERSION:
                raise SchemaVersionError(
                    f"{self.path}: case schema version {current} is newer than this osintkit supports "
                    f"({SCHEMA_VERSION}); upgrade osintkit"
                )
            for version in range(current, SCHEMA_VERSION):
                for statement in _split_sql(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
                if current > 0:
                    self._append_log(conn, "migrate", f"schema-v{version + 1}", None)
            if current == 0:
                self._append_log(conn, "create-case", f"schema-v{SCHEMA_VERSION}", None)

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic write. Writers queue behind each other across processes (BEGIN IMMEDIATE)."""
        conn = self._conn
        if conn.in_transaction:  # nested use joins the outer transaction
            yield conn
            return
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        else:
            conn.execute("COMMIT")

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Read-only access for views and tests."""
        return self._conn.execute(sql, params)

    # -- custody log ----------------------------------------------------------------------------------------

    def _append_log(
        self, conn: sqlite3.Connection, action: str, object_id: str | None, chash: str | None
    ) -> CustodyEntry:
        row = conn.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
        time = utcnow()
        entry_hash = CustodyEntry.compute_hash(seq, time, self.actor, action, object_id, chash, prev)
        conn.execute(
            "INSERT INTO custody (seq, time, actor, action, object_id, content_hash, prev_hash, entry_hash)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, time, self.actor, action, object_id, chash, prev, entry_hash),
        )
        return CustodyEntry(seq, time, self.actor, action, object_id, chash, prev, entry_hash)

    def log(self, action: str, object_id: str | None = None, content: Any = None) -> CustodyEntry:
        """Append an entry for an action on ``object_id``; ``content`` is hashed canonically."""
        chash = None if content is None else content_hash(content)
        with self.transaction() as conn:
            return self._append_log(conn, action, object_id, chash)

    def custody(self) -> list[CustodyEntry]:
        rows = self._conn.execute("SELECT * FROM custody ORDER BY seq").fetchall()
        return [CustodyEntry(**dict(r)) for r in rows]

    def custody_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([e.__dict__ for e in self.custody()])

    # -- documents ------------------------------------------------------------------------------------------

    def add_documents(self, docs: Iterable[Document], *, raw: dict[str, bytes] | None = None) -> IngestReport:
        """Store documents; the same bytes twice are reported as duplicates, never stored twice."""
        report = IngestReport()
        with self.transaction() as conn:
            for doc in docs:
                if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone():
                    report.duplicates.append(doc.id)
                    continue
                record = _document_record(doc)
                rhash = content_hash(record)
                entry = self._append_log(conn, "ingest", doc.id, rhash)
                blob = (raw or {}).get(doc.id)
                conn.execute(
                    "INSERT INTO documents (id, sha256, raw, text, title, source, author, url, published,"
                    " retrieved, language, loader, path, meta, record_hash, seq)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.id, doc.sha256, blob, doc.text, doc.title, doc.source, doc.author, doc.url,
                        doc.published, doc.retrieved, doc.language, doc.loader, doc.path,
                        json.dumps(doc.meta, ensure_ascii=False, default=str), rhash, entry.seq,
                    ),
                )  # fmt: skip
                report.added.append(doc.id)
        return report

    @staticmethod
    def _row_to_document(row: sqlite3.Row) -> Document:
        data = dict(row)
        data["meta"] = json.loads(data["meta"] or "{}")
        return Document.from_dict(data)

    def documents(self) -> list[Document]:
        return list(self.iter_documents())

    def iter_documents(self) -> Iterator[Document]:
        for row in self._conn.execute("SELECT * FROM documents ORDER BY seq"):
            yield self._row_to_document(row)

    def document_ids(self) -> list[str]:
        return [r[0] for r in self._conn.execute("SELECT id FROM documents ORDER BY seq")]

    def get_document(self, doc_id: str) -> Document:
        row = self._conn.execute("SELECT * FROM documents WHERE id = ?", (doc_id,)).fetchone()
        if row is None:
            raise CaseError(f"{self.path}: no document {doc_id!r}")
        return self._row_to_document(row)

    def raw_bytes(self, doc_id: str) -> bytes | None:
        row = self._conn.execute("SELECT raw FROM documents WHERE id = ?", (doc_id,)).fetchone()
        return None if row is None else row[0]

    def __len__(self) -> int:
        return int(self._conn.execute("SELECT count(*) FROM documents").fetchone()[0])

    def to_frame(self) -> Any:
        from .load import to_frame

        return to_frame(self.documents())

    # -- annotations ----------------------------------------------------------------------------------------

    def replace_mentions(self, doc_id: str, mentions: Sequence[Mention], *, action: str = "tag") -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM mentions WHERE doc_id = ? AND status = 'auto'", (doc_id,))
            conn.executemany(
                'INSERT INTO mentions (doc_id, start, "end", text, label, score, source, norm, entity_id)'
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(doc_id, m.start, m.end, m.text, m.label, float(m.score), m.source,
                  json.dumps(m.norm, ensure_ascii=False, default=str) if m.norm else "{}", m.entity_id)
                 for m in mentions],
            )  # fmt: skip
            self._append_log(conn, action, doc_id, content_hash([m.to_dict() for m in mentions]))

    def mentions(self, doc_id: str | None = None, *, include_rejected: bool = False) -> list[Mention]:
        sql = "SELECT * FROM mentions"
        clauses, params = [], []
        if doc_id is not None:
            clauses.append("doc_id = ?")
            params.append(doc_id)
        if not include_rejected:
            clauses.append("status != 'rejected'")
        if clauses:
            sql += " WHERE " + " AND ".join(clauses)
        sql += ' ORDER BY doc_id, start, "end"'
        out = []
        for r in self._conn.execute(sql, params):
            d = dict(r)
            d["norm"] = json.loads(d["norm"])
            out.append(Mention.from_dict(d))
        return out

    def set_mention_status(self, doc_id: str, start: int, end: int, status: str, label: str | None = None) -> None:
        """Analyst review of a mention: ``accepted``, ``rejected`` or ``relabelled`` (with ``label``)."""
        if status not in {"accepted", "rejected", "relabelled"}:
            raise CaseError(f"unknown mention status {status!r}")
        with self.transaction() as conn:
            sets, params = "status = ?", [status]
            if label is not None:
                sets += ", label = ?"
                params.append(label)
            cur = conn.execute(
                f'UPDATE mentions SET {sets} WHERE doc_id = ? AND start = ? AND "end" = ?',
                (*params, doc_id, start, end),
            )
            if cur.rowcount == 0:
                raise CaseError(f"no mention at {doc_id}[{start}:{end}]")
            self._append_log(conn, f"mention-{status}", f"{doc_id}:{start}-{end}", content_hash([status, label]))

    def upsert_entities(self, entities: Iterable[Entity], *, action: str = "normalise") -> None:
        with self.transaction() as conn:
            for e in entities:
                conn.execute(
                    "INSERT INTO entities (id, label, name, aliases, merged) VALUES (?, ?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET label = excluded.label, name = excluded.name,"
                    " aliases = excluded.aliases, merged = excluded.merged",
                    (e.id, e.label, e.name, json.dumps(e.aliases, ensure_ascii=False),
                     json.dumps(e.merged, ensure_ascii=False, sort_keys=True)),
                )  # fmt: skip
                self._append_log(conn, action, e.id, content_hash([e.label, e.name, e.aliases, e.merged]))

    def entities(self) -> list[Entity]:
        out = []
        for r in self._conn.execute("SELECT * FROM entities ORDER BY label, name"):
            stats = self._conn.execute(
                "SELECT count(*), group_concat(DISTINCT doc_id) FROM mentions"
                " WHERE entity_id = ? AND status != 'rejected'",
                (r["id"],),
            ).fetchone()
            out.append(
                Entity(
                    id=r["id"], label=r["label"], name=r["name"], aliases=json.loads(r["aliases"]),
                    mention_count=int(stats[0]), doc_ids=sorted((stats[1] or "").split(",")) if stats[1] else [],
                    merged=json.loads(r["merged"]),
                )
            )  # fmt: skip
        return out

    def set_mention_entity(self, doc_id: str, start: int, end: int, entity_id: str | None) -> None:
        with self.transaction() as conn:
            conn.execute(
                'UPDATE mentions SET entity_id = ? WHERE doc_id = ? AND start = ? AND "end" = ?',
                (entity_id, doc_id, start, end),
            )

    def set_mention_entities(self, assignments: Iterable[tuple[str, int, int, str, str | None]]) -> int:
        """Bulk link of mentions to entities in one transaction: ``(doc_id, start, end, label, entity_id)`` rows."""
        changed = 0
        with self.transaction() as conn:
            for doc_id, start, end, label, entity_id in assignments:
                cur = conn.execute(
                    'UPDATE mentions SET entity_id = ? WHERE doc_id = ? AND start = ? AND "end" = ? AND label = ?',
                    (entity_id, doc_id, start, end, label),
                )
                changed += cur.rowcount
        return changed

    def relabel_mentions(
        self, changes: Iterable[tuple[str, int, int, str, str]], *, action: str = "mention-relabel"
    ) -> int:
        """Automatic relabels from normalisation, ``(doc_id, start, end, old_label, new_label)`` rows; each logged.

        Unlike ``set_mention_status`` the status stays ``auto``, so re-tagging replaces the row as usual.
        """
        changed = 0
        with self.transaction() as conn:
            for doc_id, start, end, old, new in changes:
                cur = conn.execute(
                    'UPDATE mentions SET label = ? WHERE doc_id = ? AND start = ? AND "end" = ? AND label = ?',
                    (new, doc_id, start, end, old),
                )
                if cur.rowcount:
                    changed += cur.rowcount
                    self._append_log(conn, action, f"{doc_id}:{start}-{end}", content_hash([old, new]))
        return changed

    def delete_entities(self, entity_ids: Iterable[str], *, action: str = "entity-delete") -> None:
        """Remove entities (mentions that named them keep their rows, unlinked); each removal is logged."""
        with self.transaction() as conn:
            for entity_id in entity_ids:
                conn.execute("UPDATE mentions SET entity_id = NULL WHERE entity_id = ?", (entity_id,))
                if conn.execute("DELETE FROM entities WHERE id = ?", (entity_id,)).rowcount:
                    self._append_log(conn, action, entity_id, None)

    def add_entity_edit(self, op: str, data: dict[str, Any]) -> int:
        """Store an analyst's entity edit (a rule that normalisation re-applies) and log it as ``entity-<op>``."""
        with self.transaction() as conn:
            cur = conn.execute(
                "INSERT INTO entity_edits (op, data, actor, time) VALUES (?, ?, ?, ?)",
                (op, json.dumps(data, ensure_ascii=False, sort_keys=True), self.actor, utcnow()),
            )
            self._append_log(conn, f"entity-{op}", data.get("entity_id"), content_hash([op, data]))
            return int(cur.lastrowid or 0)

    def entity_edits(self) -> list[dict[str, Any]]:
        """The analyst's entity edits, oldest first: ``{"id", "op", "data", "actor", "time"}``."""
        rows = self._conn.execute("SELECT id, op, data, actor, time FROM entity_edits ORDER BY id").fetchall()
        return [{**dict(r), "data": json.loads(r["data"])} for r in rows]

    def replace_places(self, doc_id: str, places: Sequence[Place], *, action: str = "geoparse") -> None:
        """Store resolved places; an analyst override on the same span is kept, not replaced."""
        with self.transaction() as conn:
            kept = {
                (r[0], r[1])
                for r in conn.execute(
                    "SELECT start, \"end\" FROM places WHERE doc_id = ? AND json_extract(data, '$.overridden')",
                    (doc_id,),
                )
            }
            conn.execute("DELETE FROM places WHERE doc_id = ? AND NOT json_extract(data, '$.overridden')", (doc_id,))
            records = []
            for p in places:
                p.doc_id = doc_id
                record = p.to_dict()
                records.append(record)
                if (p.start, p.end) in kept:
                    continue
                conn.execute(
                    'INSERT INTO places (doc_id, start, "end", data) VALUES (?, ?, ?, ?)',
                    (doc_id, p.start, p.end, json.dumps(record, ensure_ascii=False)),
                )
            self._append_log(conn, action, doc_id, content_hash(records))

    def override_place(self, place: Place) -> None:
        """The analyst's choice for a span; logged, and kept across re-runs."""
        if place.doc_id is None:
            raise CaseError("a place override needs the place's doc_id")
        place.overridden = True
        with self.transaction() as conn:
            conn.execute(
                'INSERT INTO places (doc_id, start, "end", data) VALUES (?, ?, ?, ?)'
                ' ON CONFLICT(doc_id, start, "end") DO UPDATE SET data = excluded.data',
                (place.doc_id, place.start, place.end, json.dumps(place.to_dict(), ensure_ascii=False)),
            )
            self._append_log(
                conn, "place-override", f"{place.doc_id}:{place.start}-{place.end}", content_hash(place.to_dict())
            )

    def places(self, doc_id: str | None = None) -> list[Place]:
        sql, params = "SELECT data FROM places", []
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            params.append(doc_id)
        sql += ' ORDER BY doc_id, start, "end"'
        return [Place.from_dict(json.loads(r[0])) for r in self._conn.execute(sql, params)]

    def replace_claims(self, doc_id: str, claims: Sequence[Claim], *, action: str = "claims") -> None:
        with self.transaction() as conn:
            conn.execute("DELETE FROM claims WHERE doc_id = ?", (doc_id,))
            records = [c.to_dict() for c in claims]
            for c, record in zip(claims, records, strict=True):
                conn.execute(
                    "INSERT INTO claims (id, doc_id, data) VALUES (?, ?, ?)",
                    (c.id, doc_id, json.dumps(record, ensure_ascii=False)),
                )
            self._append_log(conn, action, doc_id, content_hash(records))

    def claims(self, doc_id: str | None = None) -> list[Claim]:
        sql, params = "SELECT data FROM claims", []
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            params.append(doc_id)
        sql += " ORDER BY rowid"
        return [Claim.from_dict(json.loads(r[0])) for r in self._conn.execute(sql, params)]

    def add_rating(
        self, kind: str, object_id: str, grade: str, *, origin: str = "analyst", rationale: str = ""
    ) -> None:
        """Record a rating as given. Validation of the Admiralty rules lives in ``osintkit.assess``."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO ratings (kind, object_id, grade, origin, actor, rationale, time)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                (kind, object_id, grade, origin, self.actor, rationale, utcnow()),
            )
            self._append_log(conn, f"rate-{kind}-{origin}", object_id, content_hash([grade, rationale]))

    def ratings(self, kind: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM ratings", []
        if kind is not None:
            sql += " WHERE kind = ?"
            params.append(kind)
        return [dict(r) for r in self._conn.execute(sql + " ORDER BY id", params)]

    def current_rating(self, kind: str, object_id: str) -> dict[str, Any] | None:
        """The analyst's latest rating wins over any suggestion; otherwise the latest suggestion."""
        row = self._conn.execute(
            "SELECT * FROM ratings WHERE kind = ? AND object_id = ? ORDER BY origin = 'analyst' DESC, id DESC LIMIT 1",
            (kind, object_id),
        ).fetchone()
        return dict(row) if row else None

    def add_note(self, object_id: str, text: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO notes (object_id, text, actor, time) VALUES (?, ?, ?, ?)",
                (object_id, text, self.actor, utcnow()),
            )
            self._append_log(conn, "note", object_id, content_hash(text))

    def notes(self, object_id: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT * FROM notes", []
        if object_id is not None:
            sql += " WHERE object_id = ?"
            params.append(object_id)
        return [dict(r) for r in self._conn.execute(sql + " ORDER BY id", params)]

    def set_source_card(self, source: str, card: dict[str, Any]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO source_cards (source, data) VALUES (?, ?)"
                " ON CONFLICT(source) DO UPDATE SET data = excluded.data",
                (source, json.dumps(card, ensure_ascii=False)),
            )
            self._append_log(conn, "source-card", source, content_hash(card))

    def source_cards(self) -> dict[str, dict[str, Any]]:
        return {r[0]: json.loads(r[1]) for r in self._conn.execute("SELECT source, data FROM source_cards")}

    # -- run progress (resumable pipelines) -----------------------------------------------------------------

    def mark_done(self, doc_id: str, stage: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO progress (doc_id, stage) VALUES (?, ?)", (doc_id, stage))

    def done(self, stage: str) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT doc_id FROM progress WHERE stage = ?", (stage,))}

    # -- verification ---------------------------------------------------------------------------------------

    def verify(self) -> VerifyReport:
        """Re-hash every stored document and walk the custody chain; name every record that fails."""
        problems: list[str] = []
        logged: dict[int, CustodyEntry] = {}
        prev = GENESIS
        entries = 0
        for e in self.custody():
            entries += 1
            logged[e.seq] = e
            if e.prev_hash != prev:
                problems.append(f"custody entry {e.seq} ({e.action} {e.object_id}): chain broken, prev_hash differs")
            expect = CustodyEntry.compute_hash(
                e.seq, e.time, e.actor, e.action, e.object_id, e.content_hash, e.prev_hash
            )
            if expect != e.entry_hash:
                problems.append(f"custody entry {e.seq} ({e.action} {e.object_id}): entry altered, hash mismatch")
            prev = e.entry_hash
        docs = 0
        for row in self._conn.execute("SELECT * FROM documents ORDER BY seq"):
            docs += 1
            doc = self._row_to_document(row)
            rhash = content_hash(_document_record(doc))
            entry = logged.get(row["seq"])
            if rhash != row["record_hash"] or entry is None or entry.content_hash != rhash:
                problems.append(f"document {doc.id} ({doc.title or doc.path}): content differs from its custody entry")
            raw = row["raw"]
            if raw is not None and hashlib.sha256(raw).hexdigest() != doc.sha256:
                problems.append(f"document {doc.id} ({doc.title or doc.path}): raw bytes no longer match sha256")
        return VerifyReport(ok=not problems, documents_checked=docs, entries_checked=entries, problems=problems)


def _split_sql(script: str) -> list[str]:
    """Split a migration into statements, keeping trigger bodies whole."""
    out, buf = [], ""
    for line in script.splitlines(keepends=True):
        buf += line
        if sqlite3.complete_statement(buf):
            if buf.strip():
                out.append(buf.strip())
            buf = ""
    if buf.strip():
        out.append(buf.strip())
    return out
