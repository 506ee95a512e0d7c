"""Cases that travel whole: one zip with the case, its raw files, its findings and a manifest, checkable offline.

A bundle holds ``case.sqlite`` (a consistent snapshot, SQLite's backup API), ``raw/<doc_id>`` for every document's
raw bytes (the evidentiary copies, byte for byte), ``attachments/<doc_id>/<id><suffix>`` for every attachment (a
Telegram post's photo, a web archive's screenshot), ``findings.json`` and ``manifest.json``: the SHA-256 and size of
every other member, and the custody head and entry count the case ends with.

Why the members are stored uncompressed, with fixed dates and attributes: the archive is then a pure function of
its contents, so ``verify_bundle`` rebuilds it from the members it read and compares byte for byte. Together with
the CRC-32 of each member and the manifest's SHA-256 sums this names one flipped byte anywhere in the file, in a
member or in the zip's own headers. (Raw files and attachments are stored twice, in the case and beside it, which is
the price of letting a reader check and open them without SQLite.)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import partial
from pathlib import Path, PurePosixPath
from typing import Any

from .errors import CaseError, ExportError
from .model import Attachment, ByteStream
from .store import Case, VerifyReport, utcnow

__all__ = ["BUNDLE_FORMAT", "verify_bundle", "write_bundle"]

BUNDLE_FORMAT = "osintkit-bundle/1"
CASE_MEMBER = "case.sqlite"
FINDINGS_MEMBER = "findings.json"
MANIFEST_MEMBER = "manifest.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)
_CHUNK = 1 << 20
_SUFFIX = re.compile(r"\.[a-z0-9]{1,8}")


def _info(name: str, size: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, date_time=_EPOCH)
    info.create_system = 3
    info.external_attr = 0o100644 << 16
    info.compress_type = zipfile.ZIP_STORED
    info.file_size = size  # known before writing, so a member streamed in gets the headers writestr gives it
    return info


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    """The archive of ``members`` in order, every header field fixed, so equal contents give equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, data in members:
            archive.writestr(_info(name, len(data)), data)
    return buffer.getvalue()


@dataclass(frozen=True)
class _Member:
    """A member to write, read in chunks when its turn comes (twice: once to hash it for the manifest)."""

    name: str
    open: Callable[[], ByteStream]

    def digest(self) -> tuple[str, int]:
        sha, size = hashlib.sha256(), 0
        for chunk in self.chunks():
            sha.update(chunk)
            size += len(chunk)
        return sha.hexdigest(), size

    def chunks(self) -> Iterator[bytes]:
        stream = self.open()
        try:
            while chunk := stream.read(_CHUNK):
                yield chunk
        finally:
            stream.close()


def _zip_to(target: Path, members: list[_Member], sizes: dict[str, int]) -> None:
    """The same archive as :func:`_zip` gives, written to ``target`` one chunk at a time (members of any size)."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for member in members:
            with archive.open(_info(member.name, sizes[member.name]), "w") as dest:
                for chunk in member.chunks():
                    dest.write(chunk)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _attachment_member(att: Attachment) -> str:
    """``attachments/<doc_id>/<id>`` and the file's own suffix where it has a plain one, so a reader opens it."""
    suffix = PurePosixPath(att.name.split("?")[0]).suffix.lower()
    if not _SUFFIX.fullmatch(suffix):
        suffix = ""
    return f"attachments/{att.doc_id}/{att.id}{suffix}"


def _evidence_members(snap: Case) -> list[_Member]:
    """Every document's raw bytes and every attachment's, under the names ``verify_bundle`` checks them by."""
    held = snap.execute("SELECT id FROM documents WHERE raw IS NOT NULL ORDER BY seq").fetchall()
    members = [_Member(f"raw/{doc_id}", partial(_raw_stream, snap, doc_id)) for (doc_id,) in held]
    members += [_Member(_attachment_member(att), att.open) for att in snap.attachments()]
    return members


def _raw_stream(snap: Case, doc_id: str) -> ByteStream:
    return io.BytesIO(snap.raw_bytes(doc_id) or b"")


def _file_stream(path: Path) -> ByteStream:
    return path.open("rb")


def write_bundle(case: Case, path: str | os.PathLike[str]) -> dict[str, Any]:
    """Write ``case`` as a bundle at ``path`` (atomically); returns the manifest.

    A case that does not verify is refused: a bundle vouches for what it carries. Members are hashed and written
    one chunk at a time, so a case of large attachments is bundled without holding them in memory.
    """
    from .export.json import to_json
    from .findings import Findings

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = target.with_name(f".{target.name}.tmp")
    with tempfile.TemporaryDirectory(prefix="osintkit-bundle-") as tmp:
        snapshot = Path(tmp) / CASE_MEMBER
        head = case.snapshot(snapshot)
        with Case(snapshot, readonly=True) as snap:
            report = snap.verify()
            if not report.ok:
                raise ExportError(f"{case.path}: not bundled, the case does not verify: {report.first_problem}")
            made = Findings.from_case(snap)
            made.case_path = str(case.path)  # the case it was made from, not the snapshot's temporary file
            findings = to_json(made).encode("utf-8")
            members = [
                _Member(CASE_MEMBER, partial(_file_stream, snapshot)),
                _Member(FINDINGS_MEMBER, partial(io.BytesIO, findings)),
                *_evidence_members(snap),
            ]
            hashed = {m.name: m.digest() for m in members}
            manifest: dict[str, Any] = {
                "format": BUNDLE_FORMAT,
                "created": utcnow(),
                "case": case.path.name,
                "custody": {"head": head, "entries": report.entries_checked},
                "files": {name: {"sha256": sha, "bytes": size} for name, (sha, size) in hashed.items()},
            }
            manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
            sizes = {name: size for name, (_sha, size) in hashed.items()} | {MANIFEST_MEMBER: len(manifest_bytes)}
            try:
                _zip_to(tmp_path, [_Member(MANIFEST_MEMBER, partial(io.BytesIO, manifest_bytes)), *members], sizes)
                os.replace(tmp_path, target)
            except OSError as exc:
                tmp_path.unlink(missing_ok=True)
                raise ExportError(f"{target}: cannot write the bundle: {exc}") from exc
    return manifest


def _region(archive: zipfile.ZipFile, offset: int) -> str:
    """Which part of the archive holds byte ``offset``: a member's header or data, the directory, the end record."""
    infos = sorted(archive.infolist(), key=lambda i: i.header_offset)
    for info in infos:
        start = info.header_offset
        data_start = start + 30 + len(info.orig_filename.encode("utf-8")) + len(info.extra)
        if start <= offset < data_start:
            return f"the zip header of {info.filename}"
        if data_start <= offset < data_start + info.compress_size:
            return f"the data of {info.filename}"
    cursor = archive.start_dir
    for info in archive.infolist():
        size = 46 + len(info.orig_filename.encode("utf-8")) + len(info.extra) + len(info.comment)
        if cursor <= offset < cursor + size:
            return f"the zip directory entry of {info.filename}"
        cursor += size
    return "the zip's end-of-archive record"


class _BundleCheck:
    """The checks behind ``verify_bundle``, in order, each adding what it finds to ``problems``."""

    def __init__(self, where: Path, data: bytes) -> None:
        self.where = where
        self.data = data
        self.problems: list[str] = []
        self.contents: dict[str, bytes] = {}
        self.files: dict[str, Any] = {}
        self.head: str | None = None
        self.inner: VerifyReport | None = None

    def report(self) -> VerifyReport:
        inner = self.inner or VerifyReport(True, 0, 0)
        return VerifyReport(not self.problems, inner.documents_checked, inner.entries_checked, self.problems,
                            rows_checked=inner.rows_checked, head=inner.head,
                            attachments_checked=inner.attachments_checked)  # fmt: skip

    def run(self, expect_head: str | None) -> VerifyReport:
        archive = self._open()
        if archive is None or not self._manifest():
            return self.report()
        self._members(archive)
        if expect_head is not None and self.head != expect_head:
            self.problems.append(
                f"{self.where}: the bundle's custody head is {self.head}, not the expected {expect_head}"
            )
        if CASE_MEMBER not in self.contents:
            return self.report()
        if not self._case():
            return self.report()
        self._findings_head()
        return self.report()

    def _open(self) -> zipfile.ZipFile | None:
        # zipfile answers a damaged archive with many exception types (BadZipFile, zlib.error, EOFError, a
        # RuntimeError for a flipped "encrypted" flag, UnicodeDecodeError for a name...): each is damage to report.
        try:
            archive = zipfile.ZipFile(io.BytesIO(self.data))
        except Exception as exc:
            self.problems.append(f"{self.where}: not a readable bundle: {exc}")
            return None
        for info in archive.infolist():
            try:
                self.contents[info.filename] = archive.read(info)
            except Exception as exc:
                self.problems.append(f"{self.where}: {info.filename}: damaged: {exc}")
        return archive

    def _manifest(self) -> bool:
        try:
            manifest = json.loads(self.contents[MANIFEST_MEMBER])
            self.files = manifest["files"]
            self.head = manifest["custody"]["head"]
            if manifest.get("format") != BUNDLE_FORMAT:
                self.problems.append(
                    f"{self.where}: {MANIFEST_MEMBER}: format {manifest.get('format')!r}, not {BUNDLE_FORMAT}"
                )
        except (KeyError, TypeError, ValueError) as exc:
            if MANIFEST_MEMBER in self.contents or not self.problems:
                self.problems.append(f"{self.where}: {MANIFEST_MEMBER}: missing or malformed ({exc!r})")
            return False
        return True

    def _members(self, archive: zipfile.ZipFile) -> None:
        where, contents, files = self.where, self.contents, self.files
        for name, meta in sorted(files.items()):
            if name not in contents:
                if not any(name in p for p in self.problems):
                    self.problems.append(f"{where}: {name}: listed in the manifest but missing from the bundle")
            elif _sha256(contents[name]) != meta.get("sha256") or len(contents[name]) != meta.get("bytes"):
                self.problems.append(f"{where}: {name}: SHA-256 differs from the manifest")
        for name in contents:
            if name != MANIFEST_MEMBER and name not in files:
                self.problems.append(f"{where}: {name}: not listed in the manifest")
        if not self.problems:
            rebuilt = _zip([(info.filename, contents[info.filename]) for info in archive.infolist()])
            if rebuilt != self.data:
                offset = next(
                    (i for i, (a, b) in enumerate(zip(rebuilt, self.data, strict=False)) if a != b), len(rebuilt)
                )
                self.problems.append(
                    f"{where}: byte {offset} differs from what osintkit writes, in {_region(archive, offset)}"
                )

    def _case(self) -> bool:
        """The case inside, verified, and the raw files and attachments beside it checked against it."""
        with tempfile.TemporaryDirectory(prefix="osintkit-verify-") as tmp:
            case_path = Path(tmp) / CASE_MEMBER
            case_path.write_bytes(self.contents[CASE_MEMBER])
            try:
                case = Case(case_path, readonly=True)
            except CaseError as exc:
                self.problems.append(f"{self.where}: {CASE_MEMBER}: {exc}")
                return False
            with case:
                self.inner = case.verify(expect_head=self.head)
                self.problems += [f"{self.where}: {CASE_MEMBER}: {p}" for p in self.inner.problems]
                try:
                    self._beside(case)
                except Exception as exc:  # the case's own report already names the damage behind this
                    if self.inner.ok:
                        self.problems.append(f"{self.where}: {CASE_MEMBER}: cannot list its raw files: {exc}")
        return True

    def _beside(self, case: Case) -> None:
        expected = [(f"raw/{doc_id}", doc_id, case.raw_bytes(doc_id)) for doc_id in case.document_ids()]
        for att in case.attachments():
            expected.append((_attachment_member(att), f"{att.doc_id} ({att.name})", att.read()))
        for name, owner, held in expected:
            if not isinstance(held, bytes):
                continue
            if name in self.contents and self.contents[name] != held:
                self.problems.append(f"{self.where}: {name}: differs from the bytes in {CASE_MEMBER}")
            elif name not in self.contents and name not in self.files:
                self.problems.append(f"{self.where}: {name}: missing (the case holds bytes for {owner})")

    def _findings_head(self) -> None:
        try:
            findings_head = json.loads(self.contents.get(FINDINGS_MEMBER, b"{}"))["custody"]["head"]
            if findings_head != self.head:
                self.problems.append(
                    f"{self.where}: {FINDINGS_MEMBER}: made from custody head {findings_head}, not {self.head}"
                )
        except (KeyError, TypeError, ValueError) as exc:
            self.problems.append(f"{self.where}: {FINDINGS_MEMBER}: missing or malformed ({exc!r})")


def verify_bundle(path: str | os.PathLike[str], *, expect_head: str | None = None) -> VerifyReport:
    """Check a bundle offline: every byte of the archive, every member against the manifest, the case itself,
    the raw files and attachments against the case, and the custody head throughout. Damage is reported, never
    raised."""
    where = Path(path)
    try:
        data = where.read_bytes()
    except OSError as exc:
        raise CaseError(f"{where}: cannot read the bundle: {exc}") from exc
    return _BundleCheck(where, data).run(expect_head)
