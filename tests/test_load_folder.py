"""Folder ingest: recursion, include/exclude globs, and bad files reported while the rest loads."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from osintkit.errors import BinaryFileError, InputError, NetworkDisabledError, UnsupportedFormatError
from osintkit.sources import iter_documents, load


def _tree(root: Path) -> None:
    (root / "a.txt").write_text("Alpha text.", "utf-8")
    (root / "notes.md").write_text("# Notes\n\nBeta.", "utf-8")
    (root / "sub" / "deeper").mkdir(parents=True)
    (root / "sub" / "c.txt").write_text("Gamma text.", "utf-8")
    (root / "sub" / "deeper" / "d.txt").write_text("Delta text.", "utf-8")
    (root / "sub" / "posts.csv").write_text("text\nrow one\nrow two\n", "utf-8")
    (root / "drafts").mkdir()
    (root / "drafts" / "e.txt").write_text("Draft text.", "utf-8")
    (root / ".hidden.txt").write_text("Hidden text.", "utf-8")
    (root / ".git").mkdir()
    (root / ".git" / "f.txt").write_text("Git text.", "utf-8")
    (root / "image.bmp").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00")
    (root / "a.meta.json").write_text(json.dumps({"title": "Alpha"}), "utf-8")


def _names(result: object) -> set[str]:
    return {Path(d.path or "").name for d in result}  # type: ignore[attr-defined]


def test_folder_recursive_default_include(tmp_path: Path) -> None:
    _tree(tmp_path)
    result = load(tmp_path)
    assert _names(result) == {"a.txt", "notes.md", "c.txt", "d.txt", "posts.csv", "e.txt"}
    assert len(result) == 7  # the CSV gives two documents
    # What the folder holds but no loader reads is listed with the reason; the sidecar a.meta.json is not.
    reasons = {Path(s.where).name: s.reason for s in result.skipped}
    assert set(reasons) == {".git", ".hidden.txt", "image.bmp"}
    assert reasons[".git"].startswith("hidden folder")
    assert reasons[".hidden.txt"].startswith("hidden file")
    assert reasons["image.bmp"].startswith("unsupported file type .bmp")
    assert next(d for d in result if d.path and d.path.endswith("a.txt")).title == "Alpha"


def test_include_and_exclude_globs(tmp_path: Path) -> None:
    _tree(tmp_path)
    assert _names(load(tmp_path, include="*.txt")) == {"a.txt", "c.txt", "d.txt", "e.txt"}
    assert _names(load(tmp_path, include=["*.txt"], exclude=["drafts"])) == {"a.txt", "c.txt", "d.txt"}
    assert _names(load(tmp_path, include="sub/*.txt")) == {"c.txt", "d.txt"}
    assert _names(load(tmp_path, include="*.txt", exclude="sub/deeper/*")) == {"a.txt", "c.txt", "e.txt"}
    assert _names(load(tmp_path, include="*.TXT", exclude="**/c.txt")) == {"a.txt", "d.txt", "e.txt"}


def test_bad_files_are_reported_and_the_rest_loads(tmp_path: Path) -> None:
    _tree(tmp_path)
    (tmp_path / "sub" / "binary.txt").write_bytes(b"\x00\x01\x02 not text")
    (tmp_path / "empty.md").write_bytes(b"")
    (tmp_path / "broken.json").write_text('{"text": ', "utf-8")
    (tmp_path / "big.txt").write_text("x" * 5000, "utf-8")
    result = load(tmp_path, max_bytes=4000, on_error="raise")  # a folder never stops at one bad file
    assert _names(result) == {"a.txt", "notes.md", "c.txt", "d.txt", "posts.csv", "e.txt"}
    skipped = {Path(s.where).name: s for s in result.skipped}
    assert set(skipped) == {"binary.txt", "empty.md", "broken.json", "big.txt", ".git", ".hidden.txt", "image.bmp"}
    assert skipped["binary.txt"].kind == "BinaryFileError"
    assert skipped["empty.md"].kind == "EmptyInputError"
    assert skipped["broken.json"].kind == "MalformedInputError" and skipped["broken.json"].line == 1
    assert skipped["big.txt"].kind == "InputTooLargeError"
    text = repr(result)
    assert all(name in text for name in skipped)
    assert "7 skipped" in result._repr_html_()


def test_single_bad_file_policy(tmp_path: Path) -> None:
    p = tmp_path / "bin.txt"
    p.write_bytes(b"\x00" * 10)
    with pytest.raises(BinaryFileError):
        load(p, on_error="raise")
    assert len(load(p).skipped) == 1


def test_missing_source_and_bad_options(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        load(tmp_path / "missing")
    with pytest.raises(UnsupportedFormatError):
        load(tmp_path, format="docx")
    with pytest.raises(InputError, match="on_error"):
        load(tmp_path, on_error="ignore")


def test_urls_need_opt_in() -> None:
    with pytest.raises(NetworkDisabledError, match="allow_network=True"):
        load("https://example.org/article")
    with pytest.raises(PermissionError):  # the matching built-in
        load("http://example.org/")


def test_format_override_and_sniffing(tmp_path: Path) -> None:
    p = tmp_path / "export.dat"
    p.write_text('[{"text": "from a .dat file"}]', "utf-8")
    (doc,) = load(p, on_error="raise")
    assert doc.loader == "json"
    (as_text,) = load(p, format="text", on_error="raise")
    assert as_text.loader == "text"


def test_iter_documents_is_lazy(tmp_path: Path) -> None:
    _tree(tmp_path)
    stream = iter_documents(tmp_path, include="*.txt")
    first = next(stream)
    assert first.path and first.path.endswith("a.txt")
    assert stream.count == 1
