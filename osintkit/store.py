"""The case store: one SQLite file per investigation, with a hash-chained custody log.

Why SQLite: a case must be one portable file that a notebook kernel and the CLI can open at the same time.
WAL mode lets readers proceed while one writer commits; ``BEGIN IMMEDIATE`` serialises writers, which keeps the
custody chain linear even when two processes append at once. Writes are checkpointed into the main file as they
are made (within ``Case.CHECKPOINT_LAG`` seconds of a burst), so a copy of the ``.sqlite`` file alone, taken while a
notebook holds the case open, is the whole case; ``Case.snapshot`` writes one consistent copy at any moment.

The custody log is append-only and tamper-evident (not tamper-proof): each entry's hash covers the previous
entry's hash, and every row of every table of findings carries the entry (``seq``) that wrote it. That entry records
how many rows it wrote and a multiset hash over them (MuHash3072, so rows may be read back in any order), and
what it removed or superseded of earlier entries' rows. ``verify`` re-hashes every row,
re-adds each entry's rows, and names the first row or entry that differs; the head of the log is recorded apart
from the log so removing its last entries shows too, and ``verify(expect_head=...)`` checks it against a head kept
outside the file. Attachments (a Telegram post's photo, a web archive's screenshot) are rows like any other, whose
bytes ``verify`` re-hashes in chunks against the SHA-256 their row hash covers.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import sqlite3
import tempfile
import threading
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from .errors import CaseError, SchemaVersionError
from .model import Attachment, ByteStream, Claim, Document, Entity, Mention, Place, content_hash, page_at, to_frame

__all__ = ["SCHEMA_VERSION", "Case", "CustodyEntry", "IngestReport", "VerifyReport", "utcnow"]

GENESIS = "0" * 64
# The multiset hash of an entry's rows is MuHash3072 (as Bitcoin Core uses for its UTXO set): each row hash is
# expanded to a 3072-bit number and the numbers are multiplied modulo this prime. Rows combine in any order, rows
# removed later combine back in, and forging a set with the same product is a discrete-logarithm problem. (A sum
# modulo 2**256 would not do: Wagner's generalised birthday attack finds rows summing to a target for an entry of
# a hundred rows in about 2**32 work.)
_PRIME = 2**3072 - 1103717
_EMPTY = 1

# Every table of findings, with its key column. Each row carries the custody entry that last wrote it (``seq``) and
# its own hash (``row_hash``), which lets ``verify`` name the row an edit touched, not only the entry.
TRACKED: tuple[tuple[str, str], ...] = (
    ("documents", "id"),
    ("mentions", "id"),
    ("places", "id"),
    ("claims", "id"),
    ("ratings", "id"),
    ("notes", "id"),
    ("source_cards", "source"),
    ("entity_edits", "id"),
    ("entities", "id"),
    ("runs", "id"),
    ("attachments", "id"),
)
_KEYS = dict(TRACKED)
# Tables of findings added after schema 5, with the version that made them: a case checked read-only at an older
# version lacks them rightly.
_SINCE = {"attachments": 7}
# An attachment's row hash leaves its bytes out (they may run to hundreds of megabytes, and a row hash is taken
# from the row in memory): its ``sha256`` column is in the row hash, and ``verify`` re-hashes the bytes in chunks
# against it, so an edit to either is named.
_ATTACHMENT_COLUMNS = "id, doc_id, name, role, media_type, sha256, size, meta, seq, row_hash"


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
    # 4: why normalisation merged each entity's aliases (osintkit.entities.normalise), shown beside the entity
    """
    ALTER TABLE entities ADD COLUMN merged TEXT NOT NULL DEFAULT '[]';
    """,
    # 5: every row of findings under the custody chain (the entry that wrote it, its hash), entries that record what
    # they wrote and removed, the head of the log kept apart from it, analysis runs, and work shared by processes
    """
    ALTER TABLE custody ADD COLUMN row_table TEXT;
    ALTER TABLE custody ADD COLUMN row_count INTEGER;
    ALTER TABLE custody ADD COLUMN removed TEXT;
    CREATE TABLE custody_head (
        id INTEGER PRIMARY KEY CHECK (id = 1), seq INTEGER NOT NULL, entry_hash TEXT NOT NULL
    );
    ALTER TABLE documents ADD COLUMN row_hash TEXT;
    ALTER TABLE mentions ADD COLUMN seq INTEGER;
    ALTER TABLE mentions ADD COLUMN row_hash TEXT;
    ALTER TABLE places ADD COLUMN seq INTEGER;
    ALTER TABLE places ADD COLUMN row_hash TEXT;
    ALTER TABLE claims ADD COLUMN seq INTEGER;
    ALTER TABLE claims ADD COLUMN row_hash TEXT;
    ALTER TABLE ratings ADD COLUMN seq INTEGER;
    ALTER TABLE ratings ADD COLUMN row_hash TEXT;
    ALTER TABLE notes ADD COLUMN seq INTEGER;
    ALTER TABLE notes ADD COLUMN row_hash TEXT;
    ALTER TABLE source_cards ADD COLUMN seq INTEGER;
    ALTER TABLE source_cards ADD COLUMN row_hash TEXT;
    ALTER TABLE entity_edits ADD COLUMN seq INTEGER;
    ALTER TABLE entity_edits ADD COLUMN row_hash TEXT;
    ALTER TABLE entities ADD COLUMN seq INTEGER;
    ALTER TABLE entities ADD COLUMN row_hash TEXT;
    CREATE TABLE runs (
        id INTEGER PRIMARY KEY, kind TEXT NOT NULL, data TEXT NOT NULL, actor TEXT NOT NULL, time TEXT NOT NULL,
        seq INTEGER, row_hash TEXT
    );
    CREATE TABLE work_claims (
        doc_id TEXT NOT NULL, stage TEXT NOT NULL, owner TEXT NOT NULL, time TEXT NOT NULL,
        PRIMARY KEY (doc_id, stage)
    );
    CREATE INDEX documents_seq ON documents(seq);
    CREATE INDEX mentions_seq ON mentions(seq);
    CREATE INDEX places_seq ON places(seq);
    CREATE INDEX claims_seq ON claims(seq);
    CREATE INDEX ratings_seq ON ratings(seq);
    CREATE INDEX notes_seq ON notes(seq);
    CREATE INDEX source_cards_seq ON source_cards(seq);
    CREATE INDEX entity_edits_seq ON entity_edits(seq);
    CREATE INDEX entities_seq ON entities(seq);
    CREATE INDEX runs_seq ON runs(seq);
    """,
    # 6: raw bytes are the evidentiary copy: never rewritten, and documents never deleted (verify names it if forced)
    """
    CREATE TRIGGER documents_raw_no_update BEFORE UPDATE OF raw, sha256 ON documents
        BEGIN SELECT RAISE(ABORT, 'raw bytes are the evidentiary copy and are never rewritten'); END;
    CREATE TRIGGER documents_no_delete BEFORE DELETE ON documents
        BEGIN SELECT RAISE(ABORT, 'documents are evidence and are never deleted'); END;
    """,
    # 7: attachments (a Telegram post's photo, a web archive's screenshot) kept in the case beside their document.
    # Why in the case and not in a folder beside it: the case stays one file, so a copy, a snapshot or a bundle
    # carries its attachments without a second thing to keep in step; SQLite's incremental BLOB I/O writes and
    # re-hashes them in chunks, so size costs disk, not memory. (SQLite holds a BLOB of up to 1 GB by default;
    # a larger attachment is reported as not stored.)
    """
    CREATE TABLE attachments (
        id INTEGER PRIMARY KEY,
        doc_id TEXT NOT NULL REFERENCES documents(id),
        name TEXT NOT NULL,
        role TEXT NOT NULL,
        media_type TEXT,
        sha256 TEXT NOT NULL,
        size INTEGER NOT NULL,
        meta TEXT NOT NULL DEFAULT '{}',
        data BLOB,
        seq INTEGER,
        row_hash TEXT,
        UNIQUE (doc_id, name)
    );
    CREATE INDEX attachments_seq ON attachments(seq);
    CREATE TRIGGER attachments_bytes_no_update BEFORE UPDATE OF data, sha256, size ON attachments
        BEGIN SELECT RAISE(ABORT, 'attachments are evidence and their bytes are never rewritten'); END;
    CREATE TRIGGER attachments_no_delete BEFORE DELETE ON attachments
        BEGIN SELECT RAISE(ABORT, 'attachments are evidence and are never deleted'); END;
    """,
]
SCHEMA_VERSION = len(MIGRATIONS)
# Schema 5 put every table of findings under the chain; older cases are adopted into it when they migrate.
CHAINED_ROWS_VERSION = 5


@dataclass(frozen=True)
class CustodyEntry:
    """One link of the custody chain.

    An entry that wrote rows names their table (``row_table``), how many it wrote (``row_count``) and their
    multiset hash (``content_hash``); ``removed`` is the JSON record of earlier entries' rows it deleted or
    superseded (``{"seq": [count, product in hex]}``), so those entries still add up after legitimate changes.
    """

    seq: int
    time: str
    actor: str
    action: str
    object_id: str | None
    content_hash: str | None
    prev_hash: str
    entry_hash: str
    row_table: str | None = None
    row_count: int | None = None
    removed: str | None = None

    @staticmethod
    def compute_hash(
        seq: int,
        time: str,
        actor: str,
        action: str,
        object_id: str | None,
        chash: str | None,
        prev: str,
        row_table: str | None = None,
        row_count: int | None = None,
        removed: str | None = None,
    ) -> str:
        fields: list[Any] = [seq, time, actor, action, object_id, chash, prev]
        if row_table is not None or row_count is not None or removed is not None:
            # Entries written before schema 5 hash the first seven fields only, and must keep their hashes.
            fields += [row_table, row_count, removed]
        payload = json.dumps(fields, ensure_ascii=False)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()

    def expected_hash(self) -> str:
        return CustodyEntry.compute_hash(
            self.seq, self.time, self.actor, self.action, self.object_id, self.content_hash, self.prev_hash,
            self.row_table, self.row_count, self.removed,
        )  # fmt: skip

    def describe(self) -> str:
        return f"custody entry {self.seq} ({self.action}{' ' + self.object_id if self.object_id else ''})"


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
    rows_checked: int = 0
    head: str | None = None
    attachments_checked: int = 0

    @property
    def first_problem(self) -> str | None:
        return self.problems[0] if self.problems else None

    def __str__(self) -> str:
        if self.ok:
            return (
                f"OK: {self.documents_checked} documents re-hashed, "
                + (f"{self.attachments_checked} attachments re-hashed, " if self.attachments_checked else "")
                + f"{self.rows_checked} rows of findings checked, {self.entries_checked} custody entries chained; "
                f"head {self.head}"
            )
        return "TAMPERED: " + "\n".join(self.problems)


def _document_record(doc: Document) -> dict[str, Any]:
    record = doc.to_dict()
    record["meta"] = doc.meta
    return record


_RATING_COLUMNS = "id, kind, object_id, grade, origin, actor, rationale, time"
# The most bytes one attachment may have: SQLite's default limit on a BLOB (SQLITE_MAX_LENGTH).
MAX_ATTACHMENT_BYTES = 1_000_000_000
_CHUNK = 1 << 20


def _select(table: str) -> str:
    """The columns a row of ``table`` is hashed over (all but an attachment's bytes)."""
    return _ATTACHMENT_COLUMNS if table == "attachments" else "*"


def _row_hash(table: str, row: sqlite3.Row) -> str:
    """The hash of a stored row as SQLite gives it back (so it re-hashes the same), without its custody columns."""
    data: dict[str, Any] = {}
    for name in row.keys():
        if name in ("seq", "row_hash"):
            continue
        value = row[name]
        # Raw bytes count by their digest; bytes stored as text then hash differently from the bytes logged.
        data[name] = {"blob_sha256": hashlib.sha256(value).hexdigest()} if isinstance(value, bytes) else value
    return content_hash([table, data])


def _add(total: int, row_hash: str) -> int:
    element = int.from_bytes(hashlib.shake_256(bytes.fromhex(row_hash)).digest(384), "big") % _PRIME
    return (total * (element or 1)) % _PRIME


def _join(total: int, other: int) -> int:
    return (total * other) % _PRIME


def _hex(total: int) -> str:
    """The content hash an entry records: the SHA-256 of its rows' product (the product itself is 768 hex digits)."""
    return hashlib.sha256(total.to_bytes(384, "big")).hexdigest()


def _diagnose(path: Path) -> str:
    """A hint at why SQLite cannot read ``path``: a file cut short is the commonest damage, and its header says so."""
    try:
        with path.open("rb") as fh:
            header = fh.read(100)
        size = path.stat().st_size
    except OSError:
        return ""
    if not header.startswith(b"SQLite format 3\x00"):
        return " (the file does not start with SQLite's header)"
    page = int.from_bytes(header[16:18], "big")
    page = 65536 if page == 1 else page
    pages = int.from_bytes(header[28:32], "big")
    if pages and size < page * pages:
        return f" (the file is truncated: {size} bytes where its header counts {pages} pages of {page})"
    return ""


def _owner() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def _alive(owner: str) -> bool:
    """Whether a work claim's owner may still be working: its process runs (on this host), or it is elsewhere."""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return True
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's process: alive
        return True
    return True


class Case:
    """An investigation's store. Open with ``Case("case.sqlite")``; the file is created if absent.

    ``readonly=True`` opens an existing case as it is, for checking: no migration, no change to the file's journal
    mode, and every write refused by SQLite. ``checkpoint=False`` leaves committed writes in SQLite's ``-wal`` side
    file until the case closes (faster for bulk loads, but a copy of the ``.sqlite`` alone then misses them).
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        *,
        actor: str | None = None,
        readonly: bool = False,
        checkpoint: bool = True,
    ) -> None:
        self.path = Path(path)
        self.actor = actor or _default_actor()
        self.readonly = readonly
        self.checkpoint = checkpoint and not readonly
        self._checkpointed = 0.0
        self._timer: threading.Timer | None = None
        self._file = self.path.resolve()  # for the checkpoint timer, should the working directory change
        existed = self.path.exists()
        if existed and self.path.is_file() and self.path.stat().st_size == 0:
            # A 0-byte file is what a failed copy or a truncation leaves; turning it into a fresh, empty case would
            # hide that loss, so only a path that does not exist yet becomes a new case.
            raise CaseError(
                f"{self.path}: the file is empty (0 bytes), not a case; a new case needs a path that does not exist"
            )
        if readonly and not existed:
            raise CaseError(f"{self.path}: no such case file")
        if not readonly and self.path.parent and not self.path.parent.exists():
            self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            if readonly:
                uri = f"{self.path.resolve().as_uri()}?mode=ro"
                self._conn = sqlite3.connect(uri, uri=True, timeout=60, isolation_level=None, check_same_thread=False)
            else:
                self._conn = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        except sqlite3.Error as exc:
            raise CaseError(f"{self.path}: cannot open case file: {exc}") from exc
        self._conn.row_factory = sqlite3.Row
        try:
            self._conn.execute("PRAGMA busy_timeout = 60000")
            if readonly:
                self._check_version(int(self._conn.execute("PRAGMA user_version").fetchone()[0]))
                return
            self._conn.execute("PRAGMA journal_mode = WAL")
            self._conn.execute("PRAGMA foreign_keys = ON")
            self._migrate(existed)
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise CaseError(f"{self.path}: not a usable case file: {exc}{_diagnose(self.path)}") from exc
        except CaseError:
            self._conn.close()
            raise

    # -- plumbing -------------------------------------------------------------------------------------------

    def __enter__(self) -> Case:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"Case({str(self.path)!r})"

    def close(self) -> None:
        timer = self._timer
        if timer is not None:
            timer.cancel()
            timer.join()
            if self.checkpoint:
                self.checkpoint_now()  # another process may hold the case open, so closing alone may not
        self._conn.close()

    @property
    def schema_version(self) -> int:
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    def _check_version(self, current: int) -> None:
        if current > SCHEMA_VERSION:
            raise SchemaVersionError(
                f"{self.path}: case schema version {current} is newer than this osintkit supports "
                f"({SCHEMA_VERSION}); upgrade osintkit"
            )

    def _migrate(self, existed: bool = False) -> None:
        with self.transaction() as conn:
            current = int(conn.execute("PRAGMA user_version").fetchone()[0])
            self._check_version(current)
            if current == 0 and existed and conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]:
                raise CaseError(f"{self.path}: an SQLite file with tables of its own, not an osintkit case")
            if current == SCHEMA_VERSION:
                return
            # A migration that adds a column to a table of findings changes every row's hash; the rows' hashes as
            # they were are taken first, so the rows can be sealed again under one entry that records them.
            before: dict[str, tuple[list[str], dict[int, list[int]]]] = {}
            if current >= CHAINED_ROWS_VERSION:
                existing = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
                for table, _key in TRACKED:
                    if table not in existing:
                        continue
                    held: dict[int, list[int]] = {}
                    self._take(conn, table, "1", (), held)
                    before[table] = (self._column_names(conn, table), held)
            for version in range(current, SCHEMA_VERSION):
                for statement in _split_sql(MIGRATIONS[version]):
                    conn.execute(statement)
                conn.execute(f"PRAGMA user_version = {version + 1}")
            # Logged once every migration has run, since the log's own columns are part of what migrates.
            if current == 0:
                self._append_log(conn, "create-case", f"schema-v{SCHEMA_VERSION}", None)
                return
            for version in range(current, SCHEMA_VERSION):
                self._append_log(conn, "migrate", f"schema-v{version + 1}", None)
            if current < CHAINED_ROWS_VERSION:
                self._adopt_rows(conn)
            for table, (columns, held) in before.items():
                if held and self._column_names(conn, table) != columns:
                    seq = self._next_seq(conn)
                    conn.execute(f"UPDATE {table} SET seq = ?", (seq,))
                    self._log_rows(conn, table, "reseal", table, seq, held)

    @staticmethod
    def _column_names(conn: sqlite3.Connection, table: str) -> list[str]:
        return [str(r[1]) for r in conn.execute(f"PRAGMA table_info({table})")]

    def _adopt_rows(self, conn: sqlite3.Connection) -> None:
        """Put the rows an older case holds under the chain: one ``adopt`` entry per table, as they stand now.

        Documents keep the ingest entry that logged them (their record hash is already in the chain); they only
        gain their row hash.
        """
        updates = [(_row_hash("documents", r), r["id"]) for r in conn.execute("SELECT * FROM documents")]
        conn.executemany("UPDATE documents SET row_hash = ? WHERE id = ?", updates)
        for table, _key in TRACKED:
            if table == "documents":
                continue
            if not conn.execute(f"SELECT 1 FROM {table} WHERE seq IS NULL LIMIT 1").fetchone():
                continue
            seq = self._next_seq(conn)
            conn.execute(f"UPDATE {table} SET seq = ? WHERE seq IS NULL", (seq,))
            self._log_rows(conn, table, "adopt", table, seq, {})

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
            if self.checkpoint:
                self._after_commit()

    # Why not checkpoint at every commit: a checkpoint costs two fsyncs, about 15 ms, two to three times what
    # storing one document's analysis costs (measured on 600 documents), and a batch run commits thousands of times.
    # A write after a quiet spell is checkpointed at once; a burst of writes is checkpointed at most every
    # CHECKPOINT_LAG seconds, the last of them by a timer, so nothing stays only in the -wal file for longer.
    CHECKPOINT_LAG = 0.5

    def _after_commit(self) -> None:
        wait = self._checkpointed + self.CHECKPOINT_LAG - time.monotonic()
        if wait <= 0:
            self.checkpoint_now()
        elif self._timer is None:
            self._timer = threading.Timer(wait, self._checkpoint_later)
            self._timer.daemon = True
            self._timer.start()

    def _checkpoint_later(self) -> None:
        # On its own connection: the case's connection belongs to the thread using it, and may be mid-transaction.
        self._timer = None
        try:
            conn = sqlite3.connect(self._file, timeout=5)
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            finally:
                conn.close()
            self._checkpointed = time.monotonic()
        except sqlite3.Error:
            pass  # best effort: the next write, or closing the case, checkpoints again

    def checkpoint_now(self) -> None:
        """Copy every committed write from SQLite's ``-wal`` side file into the case file."""
        if not self.readonly:
            self._conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            self._checkpointed = time.monotonic()

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        """Read-only access for views and tests."""
        return self._conn.execute(sql, params)

    # -- custody log ----------------------------------------------------------------------------------------

    @staticmethod
    def _next_seq(conn: sqlite3.Connection) -> int:
        row = conn.execute("SELECT max(seq) FROM custody").fetchone()
        return int(row[0] or 0) + 1

    def _begin_rows(self, conn: sqlite3.Connection) -> tuple[int, dict[int, list[int]]]:
        """The seq the next entry will have (rows written now are stamped with it) and an empty removal record."""
        return self._next_seq(conn), {}

    def _append_log(
        self,
        conn: sqlite3.Connection,
        action: str,
        object_id: str | None,
        chash: str | None,
        *,
        row_table: str | None = None,
        row_count: int | None = None,
        removed: str | None = None,
    ) -> CustodyEntry:
        row = conn.execute("SELECT seq, entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
        seq, prev = (row[0] + 1, row[1]) if row else (1, GENESIS)
        time = utcnow()
        entry = CustodyEntry(seq, time, self.actor, action, object_id, chash, prev, "", row_table, row_count, removed)
        entry_hash = entry.expected_hash()
        conn.execute(
            "INSERT INTO custody (seq, time, actor, action, object_id, content_hash, prev_hash, entry_hash,"
            " row_table, row_count, removed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (seq, time, self.actor, action, object_id, chash, prev, entry_hash, row_table, row_count, removed),
        )
        # The head, kept apart from the log: removing the log's last entries (and the rows they wrote) leaves the
        # chain itself intact, but not this record of where it ended.
        conn.execute("INSERT OR REPLACE INTO custody_head (id, seq, entry_hash) VALUES (1, ?, ?)", (seq, entry_hash))
        return CustodyEntry(seq, time, self.actor, action, object_id, chash, prev, entry_hash, row_table, row_count,
                            removed)  # fmt: skip

    @staticmethod
    def _take(
        conn: sqlite3.Connection, table: str, where: str, params: Sequence[Any], into: dict[int, list[int]]
    ) -> list[Any]:
        """Note the rows about to be deleted or rewritten, under the entries that wrote them; returns their keys."""
        key = _KEYS[table]
        keys = []
        for row in conn.execute(f"SELECT {_select(table)} FROM {table} WHERE {where}", params).fetchall():
            keys.append(row[key])
            if row["seq"] is None:
                continue
            held = into.setdefault(int(row["seq"]), [0, _EMPTY])
            held[0] += 1
            held[1] = _add(held[1], _row_hash(table, row))
        return keys

    def _log_rows(
        self,
        conn: sqlite3.Connection,
        table: str,
        action: str,
        object_id: str | None,
        seq: int,
        removed: dict[int, list[int]],
    ) -> CustodyEntry:
        """Seal the rows written with ``seq`` (hash each, combine the hashes) and append the entry that wrote them."""
        key = _KEYS[table]
        total, updates = _EMPTY, []
        for row in conn.execute(f"SELECT {_select(table)} FROM {table} WHERE seq = ?", (seq,)).fetchall():
            h = _row_hash(table, row)
            updates.append((h, row[key]))
            total = _add(total, h)
        conn.executemany(f"UPDATE {table} SET row_hash = ? WHERE {key} = ?", updates)
        record = None
        if removed:
            record = json.dumps({str(s): [n, f"{t:x}"] for s, (n, t) in sorted(removed.items())})
        entry = self._append_log(
            conn, action, object_id, _hex(total), row_table=table, row_count=len(updates), removed=record
        )
        if entry.seq != seq:  # a writer outside BEGIN IMMEDIATE would break this; never expected
            raise CaseError(f"{self.path}: custody entry {entry.seq} was written while rows were stamped {seq}")
        return entry

    def head(self) -> str | None:
        """The hash of the last custody entry: what a copy, an export or a bundle of this case must end with."""
        row = self._conn.execute("SELECT entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
        return None if row is None else str(row[0])

    def log(
        self, action: str, object_id: str | None = None, content: Any = None, *, unless_repeated: bool = False
    ) -> CustodyEntry:
        """Append an entry for an action on ``object_id``; ``content`` is hashed canonically.

        ``unless_repeated``: when the latest entry for the same action and object has the same content, append
        nothing and return that entry (a rerun that finds the same thing adds nothing to the log).
        """
        chash = None if content is None else content_hash(content)
        with self.transaction() as conn:
            if unless_repeated:
                row = conn.execute(
                    "SELECT * FROM custody WHERE action = ? AND object_id IS ? ORDER BY seq DESC LIMIT 1",
                    (action, object_id),
                ).fetchone()
                if row is not None and row["content_hash"] == chash:
                    return CustodyEntry(**dict(row))
            return self._append_log(conn, action, object_id, chash)

    def custody(self) -> list[CustodyEntry]:
        rows = self._conn.execute("SELECT * FROM custody ORDER BY seq").fetchall()
        return [CustodyEntry(**dict(r)) for r in rows]

    def custody_frame(self) -> Any:
        import pandas as pd

        return pd.DataFrame([e.__dict__ for e in self.custody()])

    # -- documents ------------------------------------------------------------------------------------------

    def add_documents(
        self,
        docs: Iterable[Document],
        *,
        raw: Mapping[str, bytes] | None = None,
        attachments: Mapping[str, Sequence[Attachment]] | None = None,
    ) -> IngestReport:
        """Store documents, and the attachments that came with them (by document id, as ``load()`` gives them).

        ``case.add_documents(osintkit.load(...))`` keeps everything the load read: a load result's raw bytes and
        attachments are taken from it unless ``raw`` or ``attachments`` are given, since storing the text without
        the evidentiary bytes by omission is the mistake this spares. The same bytes twice are reported as
        duplicates, never stored twice. An attachment whose bytes cannot be read, or no longer match the hash the
        loader took, is reported in ``skipped`` and not stored; its document is.
        """
        if raw is None:
            raw = getattr(docs, "raw", None)
        if attachments is None:
            attachments = getattr(docs, "attachments", None)
        report = IngestReport()
        with self.transaction() as conn:
            for doc in docs:
                if conn.execute("SELECT 1 FROM documents WHERE id = ?", (doc.id,)).fetchone():
                    report.duplicates.append(doc.id)
                    continue
                record = _document_record(doc)
                rhash = content_hash(record)
                seq = self._next_seq(conn)
                # The raw bytes are the evidentiary copy: stored once, never rewritten; the text beside them is the
                # working copy the loader derived, tied to them by sha256 (and both by the row hash).
                blob = (raw or {}).get(doc.id)
                conn.execute(
                    "INSERT INTO documents (id, sha256, raw, text, title, source, author, url, published,"
                    " retrieved, language, loader, path, meta, record_hash, seq)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        doc.id, doc.sha256, blob, doc.text, doc.title, doc.source, doc.author, doc.url,
                        doc.published, doc.retrieved, doc.language, doc.loader, doc.path,
                        json.dumps(doc.meta, ensure_ascii=False, default=str), rhash, seq,
                    ),
                )  # fmt: skip
                self._log_rows(conn, "documents", "ingest", doc.id, seq, {})
                report.added.append(doc.id)
                for att in (attachments or {}).get(doc.id, ()):
                    problem = self._add_attachment(conn, doc.id, att)
                    if problem is not None:
                        report.skipped.append((f"{doc.id}:{att.name}", problem))
        return report

    def _add_attachment(self, conn: sqlite3.Connection, doc_id: str, att: Attachment) -> str | None:
        """Copy one attachment into the case in chunks, under its own custody entry; why not, if it is not stored.

        The bytes are hashed as they are copied: a file changed since the loader hashed it is refused (and the
        row rolled back), since the case would otherwise hold bytes the document's metadata does not describe.
        """
        if not 0 <= att.size <= MAX_ATTACHMENT_BYTES:
            return f"{att.size:,} bytes, over the {MAX_ATTACHMENT_BYTES:,} an attachment in the case may hold"
        held = conn.execute("SELECT sha256 FROM attachments WHERE doc_id = ? AND name = ?", (doc_id, att.name))
        same = held.fetchone()
        if same is not None:  # a file a post names twice (as its photo and its thumbnail) is kept once
            return None if same[0] == att.sha256 else "a second file of the same name for this document; not stored"
        seq = self._next_seq(conn)
        conn.execute("SAVEPOINT attachment")
        try:
            cur = conn.execute(
                "INSERT INTO attachments (doc_id, name, role, media_type, sha256, size, meta, data, seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, zeroblob(?), ?)",
                (doc_id, att.name, att.role, att.media_type, att.sha256, att.size,
                 json.dumps(att.meta, ensure_ascii=False, sort_keys=True, default=str), att.size, seq),
            )  # fmt: skip
            problem = self._copy_in(conn, int(cur.lastrowid or 0), att)
        except (OSError, ValueError) as exc:
            problem = f"cannot be read: {exc}"
        if problem is not None:
            conn.execute("ROLLBACK TO attachment")
            conn.execute("RELEASE attachment")
            return problem
        conn.execute("RELEASE attachment")
        self._log_rows(conn, "attachments", "attach", f"{doc_id}:{att.name}", seq, {})
        return None

    @staticmethod
    def _copy_in(conn: sqlite3.Connection, rowid: int, att: Attachment) -> str | None:
        digest, written = hashlib.sha256(), 0
        source = att.open()
        try:
            with conn.blobopen("attachments", "data", rowid) as blob:
                while chunk := source.read(_CHUNK):
                    if written + len(chunk) > att.size:
                        return f"longer than the {att.size:,} bytes it had when loaded: changed since"
                    blob.write(chunk)
                    digest.update(chunk)
                    written += len(chunk)
        finally:
            source.close()
        if written != att.size:
            return f"{written:,} bytes where it had {att.size:,} when loaded: changed since"
        if digest.hexdigest() != att.sha256:
            return f"its bytes hash to {digest.hexdigest()[:16]}…, not the {att.sha256[:16]}… taken when loaded"
        return None

    def attachments(self, doc_id: str | None = None) -> list[Attachment]:
        """The attachments in the case (of one document, or all), oldest first; ``open()`` reads their bytes."""
        sql, params = f"SELECT {_ATTACHMENT_COLUMNS} FROM attachments", []
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            params.append(doc_id)
        out = []
        for r in self._conn.execute(sql + " ORDER BY id", params):
            rowid = int(r["id"])
            out.append(
                Attachment(
                    name=r["name"], role=r["role"], media_type=r["media_type"], sha256=r["sha256"],
                    size=int(r["size"]), meta=json.loads(r["meta"] or "{}"), doc_id=r["doc_id"], id=rowid,
                    opener=lambda rowid=rowid: self.open_attachment(rowid),  # type: ignore[misc]
                )
            )  # fmt: skip
        return out

    def open_attachment(self, attachment_id: int) -> ByteStream:
        """An attachment's bytes as stored, to read in chunks (SQLite's incremental BLOB I/O, read-only)."""
        try:
            return self._conn.blobopen("attachments", "data", attachment_id, readonly=True)
        except sqlite3.Error as exc:
            raise CaseError(f"{self.path}: no bytes for attachment {attachment_id}: {exc}") from exc

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
        return to_frame(self.documents())

    # -- annotations ----------------------------------------------------------------------------------------

    def replace_mentions(self, doc_id: str, mentions: Sequence[Mention], *, action: str = "tag") -> None:
        with self.transaction() as conn:
            seq, removed = self._begin_rows(conn)
            where = "doc_id = ? AND status = 'auto'"
            self._take(conn, "mentions", where, (doc_id,), removed)
            conn.execute(f"DELETE FROM mentions WHERE {where}", (doc_id,))
            conn.executemany(
                'INSERT INTO mentions (doc_id, start, "end", text, label, score, source, norm, entity_id, seq)'
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [(doc_id, m.start, m.end, m.text, m.label, float(m.score), m.source,
                  json.dumps(m.norm, ensure_ascii=False, default=str) if m.norm else "{}", m.entity_id, seq)
                 for m in mentions],
            )  # fmt: skip
            self._log_rows(conn, "mentions", action, doc_id, seq, removed)

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
        pages = self._page_spans(doc_id)
        out = []
        for r in self._conn.execute(sql, params):
            d = dict(r)
            d["norm"] = json.loads(d["norm"])
            mention = Mention.from_dict(d)
            if mention.doc_id in pages:
                mention.page = page_at(pages[mention.doc_id], mention.start)
            out.append(mention)
        return out

    def _page_spans(self, doc_id: str | None) -> dict[str, Any]:
        """The page offsets of every paged document (a PDF, loaded alone or from an archive), by document id."""
        sql = "SELECT id, json_extract(meta, '$.pages') FROM documents WHERE json_type(meta, '$.pages') = 'array'"
        params: list[Any] = []
        if doc_id is not None:
            sql += " AND id = ?"
            params.append(doc_id)
        return {str(r[0]): json.loads(r[1]) for r in self._conn.execute(sql, params)}

    def set_mention_status(self, doc_id: str, start: int, end: int, status: str, label: str | None = None) -> None:
        """Analyst review of a mention: ``accepted``, ``rejected`` or ``relabelled`` (with ``label``)."""
        if status not in {"accepted", "rejected", "relabelled"}:
            raise CaseError(f"unknown mention status {status!r}")
        with self.transaction() as conn:
            seq, removed = self._begin_rows(conn)
            sets, params = "status = ?, seq = ?", [status, seq]
            if label is not None:
                sets += ", label = ?"
                params.append(label)
            where = 'doc_id = ? AND start = ? AND "end" = ?'
            if not self._take(conn, "mentions", where, (doc_id, start, end), removed):
                raise CaseError(f"no mention at {doc_id}[{start}:{end}]")
            conn.execute(f"UPDATE mentions SET {sets} WHERE {where}", (*params, doc_id, start, end))
            self._log_rows(conn, "mentions", f"mention-{status}", f"{doc_id}:{start}-{end}", seq, removed)

    def upsert_entities(self, entities: Iterable[Entity], *, action: str = "normalise") -> None:
        with self.transaction() as conn:
            for e in entities:
                seq, removed = self._begin_rows(conn)
                self._take(conn, "entities", "id = ?", (e.id,), removed)
                conn.execute(
                    "INSERT INTO entities (id, label, name, aliases, merged, seq) VALUES (?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT(id) DO UPDATE SET label = excluded.label, name = excluded.name,"
                    " aliases = excluded.aliases, merged = excluded.merged, seq = excluded.seq",
                    (e.id, e.label, e.name, json.dumps(e.aliases, ensure_ascii=False),
                     json.dumps(e.merged, ensure_ascii=False, sort_keys=True), seq),
                )  # fmt: skip
                self._log_rows(conn, "entities", action, e.id, seq, removed)

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
            seq, removed = self._begin_rows(conn)
            where = 'doc_id = ? AND start = ? AND "end" = ? AND entity_id IS NOT ?'
            params = (doc_id, start, end, entity_id)
            if self._take(conn, "mentions", where, params, removed):
                conn.execute(f"UPDATE mentions SET entity_id = ?, seq = ? WHERE {where}", (entity_id, seq, *params))
                self._log_rows(conn, "mentions", "link-entity", f"{doc_id}:{start}-{end}", seq, removed)

    def set_mention_entities(self, assignments: Iterable[tuple[str, int, int, str, str | None]]) -> int:
        """Bulk link of mentions to entities in one transaction: ``(doc_id, start, end, label, entity_id)`` rows.

        The links that change are logged as one ``link-entities`` entry; links already as given add nothing.
        """
        rows = list(assignments)
        if not rows:
            return 0
        with self.transaction() as conn:
            seq, removed = self._begin_rows(conn)
            # One join through a temporary table rather than a statement per mention: normalisation links tens
            # of thousands of mentions at once, and each changed row must be read (for the log) and rewritten.
            conn.execute(
                'CREATE TEMP TABLE IF NOT EXISTS link_rows (doc_id TEXT, start INTEGER, "end" INTEGER, label TEXT,'
                " entity_id TEXT)"
            )
            conn.execute("DELETE FROM link_rows")
            conn.executemany("INSERT INTO link_rows VALUES (?, ?, ?, ?, ?)", rows)
            match = (
                'm.doc_id = l.doc_id AND m.start = l.start AND m."end" = l."end" AND m.label = l.label'
                " AND m.entity_id IS NOT l.entity_id"
            )
            for row in conn.execute(f"SELECT m.* FROM link_rows l JOIN mentions m ON {match}").fetchall():
                held = removed.setdefault(int(row["seq"]), [0, _EMPTY]) if row["seq"] is not None else [0, _EMPTY]
                held[0] += 1
                held[1] = _add(held[1], _row_hash("mentions", row))
            changed = conn.execute(
                f"UPDATE mentions AS m SET entity_id = l.entity_id, seq = ? FROM link_rows AS l WHERE {match}", (seq,)
            ).rowcount
            conn.execute("DELETE FROM link_rows")
            if changed:
                self._log_rows(conn, "mentions", "link-entities", None, seq, removed)
        return int(changed)

    def relabel_mentions(
        self, changes: Iterable[tuple[str, int, int, str, str]], *, action: str = "mention-relabel"
    ) -> int:
        """Automatic relabels from normalisation, ``(doc_id, start, end, old_label, new_label)`` rows; each logged.

        Unlike ``set_mention_status`` the status stays ``auto``, so re-tagging replaces the row as usual.
        """
        changed = 0
        with self.transaction() as conn:
            where = 'doc_id = ? AND start = ? AND "end" = ? AND label = ?'
            for doc_id, start, end, old, new in changes:
                seq, removed = self._begin_rows(conn)
                if not self._take(conn, "mentions", where, (doc_id, start, end, old), removed):
                    continue
                # the tagger's label stays in norm, so a later normalisation can still say why it changed
                cur = conn.execute(
                    f"UPDATE mentions SET label = ?, norm = json_set(norm, '$.relabelled_from', ?), seq = ?"
                    f" WHERE {where}",
                    (new, old, seq, doc_id, start, end, old),
                )
                changed += cur.rowcount
                self._log_rows(conn, "mentions", action, f"{doc_id}:{start}-{end}", seq, removed)
        return changed

    def delete_entities(self, entity_ids: Iterable[str], *, action: str = "entity-delete") -> None:
        """Remove entities (mentions that named them keep their rows, unlinked); each removal is logged."""
        with self.transaction() as conn:
            for entity_id in entity_ids:
                seq, removed = self._begin_rows(conn)
                if self._take(conn, "mentions", "entity_id = ?", (entity_id,), removed):
                    conn.execute("UPDATE mentions SET entity_id = NULL, seq = ? WHERE entity_id = ?", (seq, entity_id))
                    self._log_rows(conn, "mentions", "unlink-entity", entity_id, seq, removed)
                    seq, removed = self._begin_rows(conn)
                if self._take(conn, "entities", "id = ?", (entity_id,), removed):
                    conn.execute("DELETE FROM entities WHERE id = ?", (entity_id,))
                    self._log_rows(conn, "entities", action, entity_id, seq, removed)

    def add_entity_edit(self, op: str, data: dict[str, Any]) -> int:
        """Store an analyst's entity edit (a rule that normalisation re-applies) and log it as ``entity-<op>``."""
        with self.transaction() as conn:
            seq = self._next_seq(conn)
            cur = conn.execute(
                "INSERT INTO entity_edits (op, data, actor, time, seq) VALUES (?, ?, ?, ?, ?)",
                (op, json.dumps(data, ensure_ascii=False, sort_keys=True), self.actor, utcnow(), seq),
            )
            self._log_rows(conn, "entity_edits", f"entity-{op}", data.get("entity_id"), seq, {})
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
            seq, removed = self._begin_rows(conn)
            where = "doc_id = ? AND NOT json_extract(data, '$.overridden')"
            self._take(conn, "places", where, (doc_id,), removed)
            conn.execute(f"DELETE FROM places WHERE {where}", (doc_id,))
            for p in places:
                p.doc_id = doc_id
                if (p.start, p.end) in kept:
                    continue
                conn.execute(
                    'INSERT INTO places (doc_id, start, "end", data, seq) VALUES (?, ?, ?, ?, ?)',
                    (doc_id, p.start, p.end, json.dumps(p.to_dict(), ensure_ascii=False), seq),
                )
            self._log_rows(conn, "places", action, doc_id, seq, removed)

    def override_place(self, place: Place) -> None:
        """The analyst's choice for a span; logged, and kept across re-runs."""
        if place.doc_id is None:
            raise CaseError("a place override needs the place's doc_id")
        place.overridden = True
        with self.transaction() as conn:
            seq, removed = self._begin_rows(conn)
            span = (place.doc_id, place.start, place.end)
            self._take(conn, "places", 'doc_id = ? AND start = ? AND "end" = ?', span, removed)
            conn.execute(
                'INSERT INTO places (doc_id, start, "end", data, seq) VALUES (?, ?, ?, ?, ?)'
                ' ON CONFLICT(doc_id, start, "end") DO UPDATE SET data = excluded.data, seq = excluded.seq',
                (*span, json.dumps(place.to_dict(), ensure_ascii=False), seq),
            )
            self._log_rows(conn, "places", "place-override", f"{place.doc_id}:{place.start}-{place.end}", seq, removed)

    def places(self, doc_id: str | None = None) -> list[Place]:
        sql, params = "SELECT data FROM places", []
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            params.append(doc_id)
        sql += ' ORDER BY doc_id, start, "end"'
        return [Place.from_dict(json.loads(r[0])) for r in self._conn.execute(sql, params)]

    def replace_claims(self, doc_id: str, claims: Sequence[Claim], *, action: str = "claims") -> None:
        with self.transaction() as conn:
            seq, removed = self._begin_rows(conn)
            self._take(conn, "claims", "doc_id = ?", (doc_id,), removed)
            conn.execute("DELETE FROM claims WHERE doc_id = ?", (doc_id,))
            for c in claims:
                conn.execute(
                    "INSERT INTO claims (id, doc_id, data, seq) VALUES (?, ?, ?, ?)",
                    (c.id, doc_id, json.dumps(c.to_dict(), ensure_ascii=False), seq),
                )
            self._log_rows(conn, "claims", action, doc_id, seq, removed)

    def claims(self, doc_id: str | None = None) -> list[Claim]:
        sql, params = "SELECT data FROM claims", []
        if doc_id is not None:
            sql += " WHERE doc_id = ?"
            params.append(doc_id)
        sql += " ORDER BY rowid"
        return [Claim.from_dict(json.loads(r[0])) for r in self._conn.execute(sql, params)]

    def add_rating(
        self, kind: str, object_id: str, grade: str, *, origin: str = "analyst", rationale: str = ""
    ) -> bool:
        """Record a rating as given; False when it repeats the latest one of that origin, which adds nothing.

        Validation of the Admiralty rules lives in ``osintkit.assess``.
        """
        with self.transaction() as conn:
            latest = conn.execute(
                "SELECT grade, rationale FROM ratings WHERE kind = ? AND object_id = ? AND origin = ?"
                " ORDER BY id DESC LIMIT 1",
                (kind, object_id, origin),
            ).fetchone()
            if latest is not None and (latest[0], latest[1]) == (grade, rationale):
                return False
            seq = self._next_seq(conn)
            conn.execute(
                "INSERT INTO ratings (kind, object_id, grade, origin, actor, rationale, time, seq)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (kind, object_id, grade, origin, self.actor, rationale, utcnow(), seq),
            )
            self._log_rows(conn, "ratings", f"rate-{kind}-{origin}", object_id, seq, {})
            return True

    def ratings(self, kind: str | None = None) -> list[dict[str, Any]]:
        sql, params = f"SELECT {_RATING_COLUMNS} FROM ratings", []
        if kind is not None:
            sql += " WHERE kind = ?"
            params.append(kind)
        return [dict(r) for r in self._conn.execute(sql + " ORDER BY id", params)]

    def current_rating(self, kind: str, object_id: str) -> dict[str, Any] | None:
        """The analyst's latest rating wins over any suggestion; otherwise the latest suggestion."""
        row = self._conn.execute(
            f"SELECT {_RATING_COLUMNS} FROM ratings WHERE kind = ? AND object_id = ?"
            " ORDER BY origin = 'analyst' DESC, id DESC LIMIT 1",
            (kind, object_id),
        ).fetchone()
        return dict(row) if row else None

    def add_note(self, object_id: str, text: str) -> None:
        with self.transaction() as conn:
            seq = self._next_seq(conn)
            conn.execute(
                "INSERT INTO notes (object_id, text, actor, time, seq) VALUES (?, ?, ?, ?, ?)",
                (object_id, text, self.actor, utcnow(), seq),
            )
            self._log_rows(conn, "notes", "note", object_id, seq, {})

    def notes(self, object_id: str | None = None) -> list[dict[str, Any]]:
        sql, params = "SELECT id, object_id, text, actor, time FROM notes", []
        if object_id is not None:
            sql += " WHERE object_id = ?"
            params.append(object_id)
        return [dict(r) for r in self._conn.execute(sql + " ORDER BY id", params)]

    def set_source_card(self, source: str, card: dict[str, Any]) -> bool:
        """Store a source's card; False when it is the card already stored, which adds nothing to the log."""
        data = json.dumps(card, ensure_ascii=False)
        with self.transaction() as conn:
            seq, removed = self._begin_rows(conn)
            stored = conn.execute("SELECT data FROM source_cards WHERE source = ?", (source,)).fetchone()
            if stored is not None and stored[0] == data:
                return False
            self._take(conn, "source_cards", "source = ?", (source,), removed)
            conn.execute(
                "INSERT INTO source_cards (source, data, seq) VALUES (?, ?, ?)"
                " ON CONFLICT(source) DO UPDATE SET data = excluded.data, seq = excluded.seq",
                (source, data, seq),
            )
            self._log_rows(conn, "source_cards", "source-card", source, seq, {} if stored is None else removed)
            return True

    def source_cards(self) -> dict[str, dict[str, Any]]:
        return {r[0]: json.loads(r[1]) for r in self._conn.execute("SELECT source, data FROM source_cards")}

    # -- run progress (resumable pipelines) -----------------------------------------------------------------

    def mark_done(self, doc_id: str, stage: str) -> None:
        with self.transaction() as conn:
            conn.execute("INSERT OR IGNORE INTO progress (doc_id, stage) VALUES (?, ?)", (doc_id, stage))

    def done(self, stage: str) -> set[str]:
        return {r[0] for r in self._conn.execute("SELECT doc_id FROM progress WHERE stage = ?", (stage,))}

    def claim_work(
        self, stage: str, candidates: Iterable[str], limit: int, *, stale_after: float = 3600.0
    ) -> tuple[list[str], set[str]]:
        """Claim up to ``limit`` of ``candidates`` for ``stage``, so two processes on one case share the work.

        Returns the claimed ids and the candidates passed over because they are done or held by another live
        process. A claim is free again once its owner's process has ended (same host) or after ``stale_after``
        seconds (another host, whose processes cannot be seen from here).
        """
        owner = _owner()
        cutoff = (datetime.now(UTC) - timedelta(seconds=stale_after)).isoformat().replace("+00:00", "Z")
        claimed: list[str] = []
        unavailable: set[str] = set()
        with self.transaction() as conn:
            done = self.done(stage)
            for doc_id in candidates:
                if len(claimed) >= limit:
                    break
                if doc_id in done:
                    unavailable.add(doc_id)
                    continue
                held = conn.execute(
                    "SELECT owner, time FROM work_claims WHERE doc_id = ? AND stage = ?", (doc_id, stage)
                ).fetchone()
                if held is not None and held[0] != owner and _alive(held[0]) and held[1] > cutoff:
                    unavailable.add(doc_id)
                    continue
                conn.execute(
                    "INSERT OR REPLACE INTO work_claims (doc_id, stage, owner, time) VALUES (?, ?, ?, ?)",
                    (doc_id, stage, owner, utcnow()),
                )
                claimed.append(doc_id)
        return claimed, unavailable

    def record_run(self, kind: str, data: dict[str, Any]) -> int:
        """Store what an analysis run was (kit version, model and rule hashes, parameters, documents) and log it."""
        with self.transaction() as conn:
            seq = self._next_seq(conn)
            cur = conn.execute(
                "INSERT INTO runs (kind, data, actor, time, seq) VALUES (?, ?, ?, ?, ?)",
                (kind, json.dumps(data, ensure_ascii=False, sort_keys=True), self.actor, utcnow(), seq),
            )
            self._log_rows(conn, "runs", f"run-{kind}", str(cur.lastrowid), seq, {})
            return int(cur.lastrowid or 0)

    def runs(self) -> list[dict[str, Any]]:
        """The recorded runs, oldest first: ``{"id", "kind", "data", "actor", "time", "seq"}``."""
        rows = self._conn.execute("SELECT id, kind, data, actor, time, seq FROM runs ORDER BY id").fetchall()
        return [{**dict(r), "data": json.loads(r["data"])} for r in rows]

    # -- copies ---------------------------------------------------------------------------------------------

    def snapshot(self, path: str | os.PathLike[str]) -> str | None:
        """Write one consistent, self-contained copy of the case to ``path`` (SQLite's backup API); returns its head.

        The copy is taken inside one read transaction, so writers in other processes never leave it half-made;
        it is written beside ``path`` and renamed into place, in rollback-journal mode so it is a single file.
        """
        target = Path(path)
        if target.resolve() == self.path.resolve():
            raise CaseError(f"{target}: a snapshot cannot overwrite the case it copies")
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            dest = sqlite3.connect(tmp)
            try:
                self._conn.backup(dest)
                dest.execute("PRAGMA journal_mode = DELETE")
                head = dest.execute("SELECT entry_hash FROM custody ORDER BY seq DESC LIMIT 1").fetchone()
            finally:
                dest.close()
            os.replace(tmp, target)
        except (OSError, sqlite3.Error) as exc:
            tmp.unlink(missing_ok=True)
            raise CaseError(f"{target}: cannot write the snapshot: {exc}") from exc
        return None if head is None else str(head[0])

    # -- verification ---------------------------------------------------------------------------------------

    def verify(self, *, expect_head: str | None = None) -> VerifyReport:
        """Re-hash every row and walk the custody chain; name every record that fails, never raise on damage.

        ``expect_head`` is a custody head kept outside this file (from an export, a bundle or a colleague): a copy
        that ends anywhere else, for instance one made before later entries, is reported.
        """
        try:
            return _Verifier(self._conn, self.path).run(expect_head)
        except sqlite3.DatabaseError as exc:
            return VerifyReport(False, 0, 0, [f"{self.path}: the case file cannot be read: {exc}"])


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


class _Verifier:
    """The checks behind ``Case.verify``, each of which reports what it finds rather than raising.

    Memory stays flat in the size of the case: the custody log is walked once, and entries are looked up again by
    their seq when a row names them, rather than all held; the rows of a table are read in the order of the entry
    that wrote them, so each entry's rows are added up and compared as soon as the next entry's begin. (Holding
    every entry and every entry's product took 256 MB over the baseline for a case of 169,089 documents.)
    """

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        self.problems: list[str] = []
        self.count = 0
        self.last: CustodyEntry | None = None
        self.malformed: set[int] = set()
        self.removed: dict[int, list[int]] = {}
        self.sealed: set[int] = set()
        self.rows = 0
        self.docs = 0
        self.attachments = 0
        self._cached: tuple[Any, CustodyEntry | None] = (None, None)
        self._walk: Iterator[sqlite3.Row] | None = None
        self._ahead: sqlite3.Row | None = None

    def run(self, expect_head: str | None) -> VerifyReport:
        conn = self.conn
        try:
            check = [str(r[0]) for r in conn.execute("PRAGMA quick_check(5)")]
        except sqlite3.DatabaseError as exc:
            check = [str(exc)]
        if check != ["ok"]:
            self.problems.append(
                f"{self.path}: SQLite finds the file damaged: {'; '.join(check)}{_diagnose(self.path)}"
            )
        self.version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        self.tables = {str(r[0]) for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        if self.version == 0 and not self.tables:
            self.problems.append(f"{self.path}: not a case: the file holds no tables")
        # A case from before schema 5 (checked read-only) has a log without the columns of what entries wrote.
        self.chained = "custody" in self.tables and {"row_table", "removed"} <= self._columns("custody")
        self._guard("custody log", self._chain)
        self._guard("custody head", lambda: self._head(expect_head))
        self._guard("custody entries", self._removals)
        self._guard("documents", self._documents)
        for table, _key in TRACKED:
            self._guard(table, lambda t=table: self._rows(t))
        self._guard("custody entries", self._entry_totals)
        self._guard("attachments", self._attachment_bytes)
        return VerifyReport(
            ok=not self.problems, documents_checked=self.docs, entries_checked=self.count,
            problems=self.problems, rows_checked=self.rows, head=self.last.entry_hash if self.last else None,
            attachments_checked=self.attachments,
        )  # fmt: skip

    def _guard(self, what: str, check: Any) -> None:
        try:
            check()
        except (sqlite3.DatabaseError, ValueError, TypeError, KeyError, IndexError) as exc:
            self.problems.append(f"{what}: cannot be checked: {exc}")

    def _columns(self, table: str) -> set[str]:
        return {str(r[1]) for r in self.conn.execute(f"PRAGMA table_info({table})")}

    @staticmethod
    def _entry_of(row: sqlite3.Row) -> CustodyEntry:
        names = CustodyEntry.__dataclass_fields__
        return CustodyEntry(**{k: row[k] for k in row.keys() if k in names})

    def entry(self, seq: Any) -> CustodyEntry | None:
        """The well-formed custody entry ``seq``, or None; the last one looked up is kept, as rows come in runs."""
        if self._cached[0] == seq and seq is not None:
            return self._cached[1]
        found = None
        if isinstance(seq, int) and seq not in self.malformed and "custody" in self.tables:
            row = self._walk_to(seq)
            if row is None:
                row = self.conn.execute("SELECT * FROM custody WHERE seq = ?", (seq,)).fetchone()
            if row is not None:
                found = self._entry_of(row)
        self._cached = (seq, found)
        return found

    def _follow(self, table: str | None) -> None:
        """Read the entries that wrote ``table`` alongside its rows, both in seq order (a merge join): one pass over
        the log instead of a look-up per row. A row whose entry is not among them is looked up alone."""
        self._walk, self._ahead = None, None
        if table is None or not self.chained:
            return
        legacy = " OR row_table IS NULL" if table == "documents" else ""
        self._walk = iter(
            self.conn.execute(f"SELECT * FROM custody WHERE row_table = ?{legacy} ORDER BY seq", (table,))
        )

    def _walk_to(self, seq: int) -> sqlite3.Row | None:
        while self._walk is not None and (self._ahead is None or self._ahead["seq"] < seq):
            self._ahead = next(self._walk, None)
            if self._ahead is None:
                self._walk = None
        if self._ahead is not None and self._ahead["seq"] == seq:
            return self._ahead
        return None

    def _chain(self) -> None:
        if "custody" not in self.tables:
            self.problems.append("custody log: the custody table is missing")
            return
        prev, expected_seq = GENESIS, 1
        for row in self.conn.execute("SELECT * FROM custody ORDER BY seq"):
            try:
                entry = self._entry_of(row)
                expect = entry.expected_hash()
            except (TypeError, ValueError) as exc:
                seq = row["seq"]
                self.problems.append(f"custody entry {seq}: malformed: {exc}")
                if isinstance(seq, int):
                    self.malformed.add(seq)
                continue
            gap = f" (entries {expected_seq} to {entry.seq - 1} are missing)" if entry.seq > expected_seq else ""
            if entry.prev_hash != prev:
                self.problems.append(f"{entry.describe()}: chain broken, prev_hash differs{gap}")
            if expect != entry.entry_hash:
                self.problems.append(f"{entry.describe()}: entry altered, hash mismatch")
            prev, expected_seq = entry.entry_hash, entry.seq + 1
            self.count += 1
            self.last = entry

    def _head(self, expect_head: str | None) -> None:
        last = self.last
        if "custody_head" in self.tables:
            row = self.conn.execute("SELECT seq, entry_hash FROM custody_head WHERE id = 1").fetchone()
            if row is None and last is not None:
                self.problems.append("custody head: the record of the log's last entry is missing")
            elif row is not None and (last is None or (row[0], row[1]) != (last.seq, last.entry_hash)):
                ends = f"entry {last.seq}" if last else "no entry"
                if last is not None and isinstance(row[0], int) and row[0] > last.seq:
                    self.problems.append(
                        f"custody head: the log ends at {ends} but was recorded ending at entry {row[0]}: "
                        f"its last {row[0] - last.seq} entries were removed"
                    )
                else:
                    self.problems.append(f"custody head: the recorded head (entry {row[0]}) does not match {ends}")
        elif self.version >= CHAINED_ROWS_VERSION:
            self.problems.append("custody head: the custody_head table is missing")
        if expect_head is None:
            return
        if last is None or last.entry_hash != expect_head:
            at = None
            if "custody" in self.tables:
                found = self.conn.execute("SELECT seq FROM custody WHERE entry_hash = ?", (expect_head,)).fetchone()
                at = None if found is None or found[0] in self.malformed else found[0]
            ends = f"entry {last.seq} ({last.entry_hash})" if last else "no entry"
            if at is not None and last is not None:
                self.problems.append(
                    f"custody head: the expected head is entry {at}; this case goes on {last.seq - at} entries past it"
                )
            else:
                self.problems.append(
                    f"custody head: this case ends at {ends}, not at the expected head {expect_head}: "
                    "it lacks later entries (a stale copy) or is another case"
                )

    def _documents(self) -> None:
        if "documents" not in self.tables:
            self.problems.append("documents: the table is missing")
            return
        self._follow("documents")
        for row in self.conn.execute("SELECT * FROM documents ORDER BY seq"):
            self.docs += 1
            self._document(row)
        self._follow(None)
        if "custody" not in self.tables:
            return
        # Ingest entries from before schema 5 name their document: each must still be there.
        legacy = " AND row_table IS NULL" if self.chained else ""
        gone = self.conn.execute(
            f"SELECT seq, object_id FROM custody WHERE action = 'ingest'{legacy}"
            " AND object_id NOT IN (SELECT id FROM documents) ORDER BY seq"
        )
        for seq, object_id in gone.fetchall():
            entry = self.entry(seq)
            if entry is not None:
                self.problems.append(f"document {object_id}: deleted ({entry.describe()} ingested it)")

    def _document(self, row: sqlite3.Row) -> None:
        label = f"document {row['id']} ({row['title'] or row['path']})"
        try:
            data = dict(row)
            data["meta"] = json.loads(data["meta"] or "{}")
            rhash = content_hash(_document_record(Document.from_dict(data)))
        except (ValueError, TypeError) as exc:
            self.problems.append(f"{label}: field 'meta' is not valid JSON ({exc})")
            rhash = None
        entry = self.entry(row["seq"])
        legacy = entry is not None and entry.row_table is None
        if rhash is not None and (
            rhash != row["record_hash"] or entry is None or (legacy and entry.content_hash != rhash)
        ):
            self.problems.append(f"{label}: content differs from its custody entry")
        raw = row["raw"]
        if raw is not None and not isinstance(raw, bytes):
            self.problems.append(f"{label}: raw bytes stored as {type(raw).__name__}, not as the bytes read")
        elif raw is not None and hashlib.sha256(raw).hexdigest() != row["sha256"]:
            self.problems.append(f"{label}: raw bytes no longer match sha256")

    def _rows(self, table: str) -> None:
        if table not in self.tables:
            if self.version >= _SINCE.get(table, CHAINED_ROWS_VERSION):
                self.problems.append(f"{table}: the table is missing")
            return
        if not {"seq", "row_hash"} <= self._columns(table):
            return  # a case from before schema 5, checked read-only: its rows were not yet under the chain
        group: tuple[int | None, list[int]] = (None, [0, _EMPTY])
        self._follow(table)
        for row in self.conn.execute(f"SELECT {_select(table)} FROM {table} ORDER BY seq, rowid"):
            self.rows += table != "documents"
            h = self._row(table, row)
            if h is None:
                continue
            seq = int(row["seq"])
            if group[0] != seq:
                self._seal(table, *group)
                group = (seq, [0, _EMPTY])
            group[1][0] += 1
            group[1][1] = _add(group[1][1], h)
        self._seal(table, *group)
        self._follow(None)

    def _row(self, table: str, row: sqlite3.Row) -> str | None:
        """Check one row against the entry that wrote it; its hash, to add to that entry's, where it has one."""
        what = f"{table} row {row[_KEYS[table]]}"
        names = row.keys()
        about = [str(row[k]) for k in ("kind", "doc_id", "object_id", "grade") if k in names and row[k] is not None]
        if about and table != "documents":
            what += f" ({' '.join(about)})"
        seq = row["seq"]
        entry = self.entry(seq)
        if table == "documents" and entry is not None and entry.row_table is None:
            if row["row_hash"] is not None and row["row_hash"] != _row_hash(table, row):
                self.problems.append(f"{what}: content differs from its row hash (raw bytes or text changed)")
            return None
        if seq is None:
            self.problems.append(f"{what}: written outside the custody log (no custody entry)")
            return None
        if entry is None:
            self.problems.append(f"{what}: its custody entry {seq} is not in the log")
            return None
        if entry.row_table != table:
            self.problems.append(f"{what}: {entry.describe()} wrote no {table}")
            return None
        h = _row_hash(table, row)
        if row["row_hash"] != h:
            self.problems.append(f"{what}: content differs from what {entry.describe()} recorded")
        return h

    def _seal(self, table: str, seq: int | None, live: list[int]) -> None:
        """Compare the rows an entry wrote (those left, and those later entries removed) with what it recorded."""
        entry = self.entry(seq)
        if seq is None or entry is None:
            return
        self.sealed.add(seq)
        gone = self.removed.get(seq, [0, _EMPTY])
        count, total = live[0] + gone[0], _join(live[1], gone[1])
        wrote = entry.row_count or 0
        if count < wrote:
            self.problems.append(
                f"{table}: {wrote - count} of the {wrote} rows {entry.describe()} wrote are missing "
                f"(deleted; {live[0]} remain, {gone[0]} replaced by later entries)"
            )
        elif count > wrote:
            self.problems.append(f"{table}: {count - wrote} rows claim {entry.describe()}, which wrote {wrote}")
        elif _hex(total) != entry.content_hash:
            self.problems.append(
                f"{table}: the rows of {entry.describe()} differ from what it recorded "
                "(a row and its row hash were both changed)"
            )

    def _removals(self) -> None:
        """What later entries removed or superseded of each earlier entry's rows, read before the rows are added up."""
        if not self.chained:
            return
        rows = self.conn.execute("SELECT seq FROM custody WHERE removed IS NOT NULL AND removed != '' ORDER BY seq")
        for (seq,) in rows.fetchall():
            entry = self.entry(seq)
            if entry is None or not entry.removed:
                continue
            try:
                for earlier, (count, total) in json.loads(entry.removed).items():
                    held = self.removed.setdefault(int(earlier), [0, _EMPTY])
                    held[0] += int(count)
                    held[1] = _join(held[1], int(total, 16))
            except (ValueError, TypeError, AttributeError) as exc:
                self.problems.append(f"{entry.describe()}: its record of removed rows is malformed ({exc})")

    def _entry_totals(self) -> None:
        """Entries none of whose rows are left: all of them must have been removed by later entries."""
        if not self.chained:
            return
        rows = self.conn.execute("SELECT seq, row_table FROM custody WHERE row_table IS NOT NULL ORDER BY seq")
        for seq, table in rows:
            if seq in self.sealed or table not in _KEYS or table not in self.tables:
                continue
            self._seal(table, seq, [0, _EMPTY])

    def _attachment_bytes(self) -> None:
        """Re-hash every attachment's bytes in chunks against the ``sha256`` its row (and row hash) records."""
        if "attachments" not in self.tables:
            return
        rows = self.conn.execute("SELECT id, doc_id, name, sha256, size, typeof(data) FROM attachments ORDER BY id")
        for att_id, doc_id, name, sha256, size, kind in rows.fetchall():
            self.attachments += 1
            label = f"attachment {att_id} ({name} of {doc_id})"
            if kind != "blob":
                self.problems.append(f"{label}: its bytes are missing (stored as {kind}, not as the bytes read)")
                continue
            digest, length = hashlib.sha256(), 0
            with self.conn.blobopen("attachments", "data", att_id, readonly=True) as blob:
                while chunk := blob.read(_CHUNK):
                    digest.update(chunk)
                    length += len(chunk)
            if length != size or digest.hexdigest() != sha256:
                self.problems.append(f"{label}: bytes no longer match sha256 ({length:,} bytes, {size:,} recorded)")
