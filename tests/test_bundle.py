"""Bundles: a case exported whole, moved, and verified offline; one flipped byte anywhere in the zip is named."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_store_tamper import build_case

from osintkit import Case, ExportError
from osintkit.bundle import verify_bundle, write_bundle
from osintkit.cli import main


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """A bundle written by the CLI, then moved away from the case it came from (which is deleted)."""
    origin = tmp_path_factory.mktemp("origin")
    case_path = origin / "case.sqlite"
    build_case(case_path)
    with Case(case_path, readonly=True) as case:
        head = case.head()
    assert head is not None
    result = CliRunner().invoke(main, ["export", "--case", str(case_path), "--bundle", str(origin / "b.zip")])
    assert result.exit_code == 0, result.output
    assert head in result.output
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "evidence.zip"
    shutil.move(origin / "b.zip", elsewhere)
    shutil.rmtree(origin)
    return elsewhere, head


def test_a_moved_bundle_verifies_offline(bundle: tuple[Path, str]) -> None:
    path, head = bundle
    cmd = [sys.executable, "-m", "osintkit", "verify", "--bundle", str(path), "--expect-head", head]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("OK") and head in result.stdout


def test_the_bundle_holds_case_raw_files_findings_and_manifest(bundle: tuple[Path, str]) -> None:
    path, head = bundle
    with zipfile.ZipFile(path) as archive:
        names = archive.namelist()
        manifest = json.loads(archive.read("manifest.json"))
        findings = json.loads(archive.read("findings.json"))
        raws = {n: archive.read(n) for n in names if n.startswith("raw/")}
        for name, meta in manifest["files"].items():
            assert hashlib.sha256(archive.read(name)).hexdigest() == meta["sha256"]
    assert names[:3] == ["manifest.json", "case.sqlite", "findings.json"]
    assert len(raws) == 2 and all(b"Kursk" in data for data in raws.values())
    assert manifest["custody"]["head"] == head == findings["custody"]["head"]
    assert findings["case_path"].endswith("origin0/case.sqlite"), findings["case_path"]
    assert set(manifest["files"]) == set(names) - {"manifest.json"}


def test_writing_the_same_case_twice_gives_the_same_members(bundle: tuple[Path, str], tmp_path: Path) -> None:
    case_path = tmp_path / "case.sqlite"
    build_case(case_path)
    with Case(case_path) as case:
        one = write_bundle(case, tmp_path / "one.zip")
        two = write_bundle(case, tmp_path / "two.zip")
    assert one["files"]["case.sqlite"] == two["files"]["case.sqlite"]
    assert verify_bundle(tmp_path / "two.zip", expect_head=one["custody"]["head"]).ok


def _offsets(path: Path) -> list[int]:
    """Every byte of every zip header and of the end record, and a stride through all member data."""
    data = path.read_bytes()
    offsets = set(range(0, len(data), 997))
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            start = info.header_offset
            offsets.update(range(start, start + 30 + len(info.filename)))
        offsets.update(range(archive.start_dir, len(data)))
    return sorted(offsets)


def test_one_flipped_byte_anywhere_is_named(bundle: tuple[Path, str], tmp_path: Path) -> None:
    path, _head = bundle
    data = path.read_bytes()
    flipped = tmp_path / "flipped.zip"
    missed = []
    offsets = _offsets(path)
    assert len(offsets) > 300
    for offset in offsets:
        damaged = bytearray(data)
        damaged[offset] ^= 0x01
        flipped.write_bytes(bytes(damaged))
        report = verify_bundle(flipped)
        if report.ok or str(flipped) not in (report.first_problem or ""):
            missed.append(offset)
    assert not missed, f"flips not named at offsets {missed[:20]}"


def test_a_flip_in_a_raw_file_names_it(bundle: tuple[Path, str], tmp_path: Path) -> None:
    path, _head = bundle
    data = bytearray(path.read_bytes())
    with zipfile.ZipFile(path) as archive:
        info = next(i for i in archive.infolist() if i.filename.startswith("raw/"))
    start = info.header_offset + 30 + len(info.filename)
    data[start + 3] ^= 0x20
    damaged = tmp_path / "raw.zip"
    damaged.write_bytes(bytes(data))
    result = CliRunner().invoke(main, ["verify", "--bundle", str(damaged)])
    assert result.exit_code == 1
    assert info.filename in result.output


def test_a_tampered_case_member_is_named_even_with_a_matching_manifest(
    bundle: tuple[Path, str], tmp_path: Path
) -> None:
    """Someone who edits the case inside the bundle and rewrites the manifest: the case's own chain names it."""
    path, head = bundle
    with zipfile.ZipFile(path) as archive:
        members = {i.filename: archive.read(i) for i in archive.infolist()}
    case_file = tmp_path / "case.sqlite"
    case_file.write_bytes(members["case.sqlite"])
    conn = sqlite3.connect(case_file)
    conn.execute("UPDATE ratings SET grade = 'A' WHERE kind = 'source'")
    conn.commit()
    conn.close()
    members["case.sqlite"] = case_file.read_bytes()
    manifest = json.loads(members["manifest.json"])
    manifest["files"]["case.sqlite"] = {
        "sha256": hashlib.sha256(members["case.sqlite"]).hexdigest(), "bytes": len(members["case.sqlite"])
    }  # fmt: skip
    members["manifest.json"] = json.dumps(manifest).encode()
    forged = tmp_path / "forged.zip"
    with zipfile.ZipFile(forged, "w") as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    report = verify_bundle(forged, expect_head=head)
    assert not report.ok
    assert any("case.sqlite: ratings row" in p for p in report.problems), report.problems


def test_a_case_that_does_not_verify_is_not_bundled(tmp_path: Path) -> None:
    case_path = tmp_path / "case.sqlite"
    build_case(case_path)
    conn = sqlite3.connect(case_path)
    conn.execute("UPDATE notes SET text = 'rewritten'")
    conn.commit()
    conn.close()
    with Case(case_path) as case, pytest.raises(ExportError, match="does not verify: notes row 1"):
        write_bundle(case, tmp_path / "b.zip")
    assert not (tmp_path / "b.zip").exists()


def test_not_a_bundle_is_named(tmp_path: Path) -> None:
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"PK\x03\x04 not really")
    result = CliRunner().invoke(main, ["verify", "--bundle", str(junk)])
    assert result.exit_code == 1 and "not a readable bundle" in result.output
    usage = CliRunner().invoke(main, ["verify"])
    assert usage.exit_code == 2 and "--case FILE or --bundle FILE" in usage.output
