"""Cases that travel whole: one zip with the case, its raw files, its findings and a manifest, checkable offline.

A bundle holds ``case.sqlite`` (a consistent snapshot, SQLite's backup API), ``raw/<doc_id>`` for every document's
raw bytes (the evidentiary copies, byte for byte), ``findings.json`` and ``manifest.json``: the SHA-256 and size of
every other member, and the custody head and entry count the case ends with.

Why the members are stored uncompressed, with fixed dates and attributes: the archive is then a pure function of
its contents, so ``verify_bundle`` rebuilds it from the members it read and compares byte for byte. Together with
the CRC-32 of each member and the manifest's SHA-256 sums this names one flipped byte anywhere in the file, in a
member or in the zip's own headers. (Raw files are stored twice, in the case and beside it, which is the price of
letting a reader check and open them without SQLite.)
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tempfile
import zipfile
from pathlib import Path
from typing import Any

from .errors import CaseError, ExportError
from .store import Case, VerifyReport, utcnow

__all__ = ["BUNDLE_FORMAT", "verify_bundle", "write_bundle"]

BUNDLE_FORMAT = "osintkit-bundle/1"
CASE_MEMBER = "case.sqlite"
FINDINGS_MEMBER = "findings.json"
MANIFEST_MEMBER = "manifest.json"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def _zip(members: list[tuple[str, bytes]]) -> bytes:
    """The archive of ``members`` in order, every header field fixed, so equal contents give equal bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for name, data in members:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.create_system = 3
            info.external_attr = 0o100644 << 16
            info.compress_type = zipfile.ZIP_STORED
            archive.writestr(info, data)
    return buffer.getvalue()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_bundle(case: Case, path: str | os.PathLike[str]) -> dict[str, Any]:
    """Write ``case`` as a bundle at ``path`` (atomically); returns the manifest.

    A case that does not verify is refused: a bundle vouches for what it carries.
    """
    from .export.json import to_json
    from .findings import Findings

    target = Path(path)
    with tempfile.TemporaryDirectory(prefix="osintkit-bundle-") as tmp:
        snapshot = Path(tmp) / CASE_MEMBER
        head = case.snapshot(snapshot)
        with Case(snapshot, readonly=True) as snap:
            report = snap.verify()
            if not report.ok:
                raise ExportError(f"{case.path}: not bundled, the case does not verify: {report.first_problem}")
            members: list[tuple[str, bytes]] = []
            for doc_id in snap.document_ids():
                raw = snap.raw_bytes(doc_id)
                if raw is not None:
                    members.append((f"raw/{doc_id}", raw))
            made = Findings.from_case(snap)
            made.case_path = str(case.path)  # the case it was made from, not the snapshot's temporary file
            findings = to_json(made).encode("utf-8")
            entries = report.entries_checked
        case_bytes = snapshot.read_bytes()
    members = [(CASE_MEMBER, case_bytes), (FINDINGS_MEMBER, findings), *members]
    manifest: dict[str, Any] = {
        "format": BUNDLE_FORMAT,
        "created": utcnow(),
        "case": case.path.name,
        "custody": {"head": head, "entries": entries},
        "files": {name: {"sha256": _sha256(data), "bytes": len(data)} for name, data in members},
    }
    manifest_bytes = json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=True).encode("utf-8")
    data = _zip([(MANIFEST_MEMBER, manifest_bytes), *members])
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp_path = target.with_name(f".{target.name}.tmp")
    try:
        tmp_path.write_bytes(data)
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


def verify_bundle(path: str | os.PathLike[str], *, expect_head: str | None = None) -> VerifyReport:
    """Check a bundle offline: every byte of the archive, every member against the manifest, the case itself,
    the raw files against the case, and the custody head throughout. Damage is reported, never raised."""
    where = Path(path)
    try:
        data = where.read_bytes()
    except OSError as exc:
        raise CaseError(f"{where}: cannot read the bundle: {exc}") from exc
    problems: list[str] = []

    def report(documents: int = 0, entries: int = 0, rows: int = 0, head: str | None = None) -> VerifyReport:
        return VerifyReport(not problems, documents, entries, problems, rows_checked=rows, head=head)

    # zipfile answers a damaged archive with many exception types (BadZipFile, zlib.error, EOFError, a
    # RuntimeError for a flipped "encrypted" flag, UnicodeDecodeError for a name...): each is damage to report.
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except Exception as exc:
        problems.append(f"{where}: not a readable bundle: {exc}")
        return report()
    contents: dict[str, bytes] = {}
    for info in archive.infolist():
        try:
            contents[info.filename] = archive.read(info)
        except Exception as exc:
            problems.append(f"{where}: {info.filename}: damaged: {exc}")
    manifest: dict[str, Any] = {}
    try:
        manifest = json.loads(contents[MANIFEST_MEMBER])
        files = manifest["files"]
        head = manifest["custody"]["head"]
        if manifest.get("format") != BUNDLE_FORMAT:
            problems.append(f"{where}: {MANIFEST_MEMBER}: format {manifest.get('format')!r}, not {BUNDLE_FORMAT}")
    except (KeyError, TypeError, ValueError) as exc:
        if MANIFEST_MEMBER in contents or not problems:
            problems.append(f"{where}: {MANIFEST_MEMBER}: missing or malformed ({exc!r})")
        return report()
    for name, meta in sorted(files.items()):
        if name not in contents:
            if not any(name in p for p in problems):
                problems.append(f"{where}: {name}: listed in the manifest but missing from the bundle")
        elif _sha256(contents[name]) != meta.get("sha256") or len(contents[name]) != meta.get("bytes"):
            problems.append(f"{where}: {name}: SHA-256 differs from the manifest")
    for name in contents:
        if name != MANIFEST_MEMBER and name not in files:
            problems.append(f"{where}: {name}: not listed in the manifest")
    if not problems:
        rebuilt = _zip([(info.filename, contents[info.filename]) for info in archive.infolist()])
        if rebuilt != data:
            offset = next((i for i, (a, b) in enumerate(zip(rebuilt, data, strict=False)) if a != b), len(rebuilt))
            problems.append(f"{where}: byte {offset} differs from what osintkit writes, in {_region(archive, offset)}")
    if expect_head is not None and head != expect_head:
        problems.append(f"{where}: the bundle's custody head is {head}, not the expected {expect_head}")
    if CASE_MEMBER not in contents:
        return report()
    with tempfile.TemporaryDirectory(prefix="osintkit-verify-") as tmp:
        case_path = Path(tmp) / CASE_MEMBER
        case_path.write_bytes(contents[CASE_MEMBER])
        try:
            case = Case(case_path, readonly=True)
        except CaseError as exc:
            problems.append(f"{where}: {CASE_MEMBER}: {exc}")
            return report()
        with case:
            inner = case.verify(expect_head=head)
            problems += [f"{where}: {CASE_MEMBER}: {p}" for p in inner.problems]
            try:
                for doc_id in case.document_ids():
                    raw = case.raw_bytes(doc_id)
                    name = f"raw/{doc_id}"
                    if isinstance(raw, bytes) and name in contents and contents[name] != raw:
                        problems.append(f"{where}: {name}: differs from the raw bytes in {CASE_MEMBER}")
                    elif isinstance(raw, bytes) and name not in contents and name not in files:
                        problems.append(f"{where}: {name}: missing (the case holds raw bytes for {doc_id})")
            except Exception as exc:  # the case's own report already names the damage behind this
                if inner.ok:
                    problems.append(f"{where}: {CASE_MEMBER}: cannot list its raw files: {exc}")
    try:
        findings_head = json.loads(contents.get(FINDINGS_MEMBER, b"{}"))["custody"]["head"]
        if findings_head != head:
            problems.append(f"{where}: {FINDINGS_MEMBER}: made from custody head {findings_head}, not {head}")
    except (KeyError, TypeError, ValueError) as exc:
        problems.append(f"{where}: {FINDINGS_MEMBER}: missing or malformed ({exc!r})")
    return report(inner.documents_checked, inner.entries_checked, inner.rows_checked, inner.head)
