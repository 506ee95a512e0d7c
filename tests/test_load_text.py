"""Plain text and Markdown loaders, decoding, and the bad inputs every file loader shares."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

import osintkit
from osintkit.errors import (
    BinaryFileError,
    DecodingError,
    EmptyInputError,
    InputTooLargeError,
    OsintkitError,
)
from osintkit.load import load, to_frame
from osintkit.load._common import decode_bytes, detect_language, normalize_date
from osintkit.model import Document


def _one(path: Path, **kw: object) -> Document:
    result = load(path, on_error="raise", **kw)  # type: ignore[arg-type]
    assert len(result) == 1, result
    return result[0]


def test_text_file_has_provenance(tmp_path: Path) -> None:
    p = tmp_path / "note.txt"
    p.write_text("Troops moved near Kursk\n\nThe ministry said on Saturday that the convoy had left.\n", "utf-8")
    doc = _one(p)
    assert doc.loader == "text"
    assert doc.title == "Troops moved near Kursk"
    assert doc.text.startswith("Troops moved")
    assert doc.sha256 == __import__("hashlib").sha256(p.read_bytes()).hexdigest()
    assert doc.id == Document.make_id(doc.sha256)
    assert doc.path == str(p)
    assert doc.retrieved.endswith("Z") and "T" in doc.retrieved
    assert doc.language == "en"
    assert "warnings" not in doc.meta


def test_same_bytes_same_id_different_bytes_different_id(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a.txt", tmp_path / "sub" / "b.txt", tmp_path / "c.txt"
    b.parent.mkdir()
    a.write_bytes(b"The same words.\n")
    b.write_bytes(b"The same words.\n")
    c.write_bytes(b"The same words!\n")
    ida, idb, idc = _one(a).id, _one(b).id, _one(c).id
    assert ida == idb != idc
    # loaded together, the second copy is reported as a duplicate rather than kept twice
    both = load(a, b)
    assert len(both) == 1
    assert len(both.skipped) == 1 and "duplicate" in both.skipped[0].reason


def test_module_is_callable_and_result_keeps_raw_bytes(seed_path: Path) -> None:
    result = osintkit.load(seed_path)
    assert len(result) == 1
    doc = result[0]
    assert result.raw[doc.id] == seed_path.read_bytes()


def test_seed_sidecar_supplies_metadata(seed_path: Path) -> None:
    sidecar = seed_path.with_name(seed_path.stem + ".meta.json")
    if not sidecar.exists():
        pytest.skip("seed sidecar not written yet")
    meta = json.loads(sidecar.read_text("utf-8"))
    doc = _one(seed_path)
    assert doc.title == meta["title"]
    assert doc.published == normalize_date(meta["published"])
    assert doc.meta["sidecar"] == sidecar.name


def test_sidecar_and_folder_metadata(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Body of x, reported by the agency.", "utf-8")
    (tmp_path / "x.meta.json").write_text(
        json.dumps({"title": "X report", "source": "Agency", "url": "https://example.org/x",
                    "published": "2025-01-11T10:00:00+02:00", "notes": "checked"}), "utf-8")  # fmt: skip
    (tmp_path / "y.txt").write_text("Body of y.", "utf-8")
    (tmp_path / "metadata.json").write_text(json.dumps({"y.txt": {"author": "Ann Lee"}}), "utf-8")
    result = load(tmp_path)
    by_path = {Path(d.path or "").name: d for d in result}
    assert set(by_path) == {"x.txt", "y.txt"}  # the metadata files are read, not loaded as documents
    x = by_path["x.txt"]
    assert (x.title, x.source, x.url) == ("X report", "Agency", "https://example.org/x")
    assert x.published == "2025-01-11T08:00:00Z"
    assert x.meta["notes"] == "checked"
    assert by_path["y.txt"].author == "Ann Lee"


def test_sidecar_hash_mismatch_is_a_warning(tmp_path: Path) -> None:
    (tmp_path / "x.txt").write_text("Edited after the fact.", "utf-8")
    (tmp_path / "x.meta.json").write_text(json.dumps({"title": "T", "sha256": "0" * 64}), "utf-8")
    doc = _one(tmp_path / "x.txt")
    assert any("changed since its metadata" in w for w in doc.meta["warnings"])


def test_markdown_front_matter_and_heading(tmp_path: Path) -> None:
    p = tmp_path / "post.md"
    p.write_text(
        "---\ntitle: From front matter\nauthor: Jo Bloggs\ndate: 2025-01-12\n---\n# Heading\n\nSome text here.\n",
        "utf-8",
    )
    doc = _one(p)
    assert doc.loader == "markdown"
    assert doc.title == "From front matter"
    assert doc.author == "Jo Bloggs"
    assert doc.published == "2025-01-12T00:00:00Z"
    assert doc.text.startswith("# Heading")
    q = tmp_path / "plain.md"
    q.write_text("Intro line\n\n## The real heading ##\n\nBody.\n", "utf-8")
    assert _one(q).title == "The real heading"


# --- bad input ---------------------------------------------------------------------------------------------------


def test_binary_files_are_refused(tmp_path: Path) -> None:
    png = tmp_path / "image.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)))
    with pytest.raises(BinaryFileError, match=r"image\.txt.*PNG"):
        load(png, on_error="raise")
    nul = tmp_path / "blob.txt"
    nul.write_bytes(b"abc\x00\x01\x02def")
    with pytest.raises(BinaryFileError, match="NUL"):
        load(nul, on_error="raise")
    # the default policy reports instead of raising
    result = load(nul)
    assert len(result) == 0 and isinstance(result.skipped[0].error, BinaryFileError)


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    with pytest.raises(EmptyInputError, match=r"empty\.txt"):
        load(empty, on_error="raise")
    blank = tmp_path / "blank.md"
    blank.write_bytes(b" \n\t\n")
    with pytest.raises(EmptyInputError):
        load(blank, on_error="raise")


def test_size_limit(tmp_path: Path) -> None:
    p = tmp_path / "big.txt"
    p.write_bytes(b"word " * 1000)
    with pytest.raises(InputTooLargeError, match=r"big\.txt.*5,000 bytes.*1,000-byte limit"):
        load(p, max_bytes=1000, on_error="raise")
    assert len(load(p, max_bytes=10_000)) == 1


def test_legacy_encoding_is_detected_and_reported(tmp_path: Path) -> None:
    text = "Le ministère a déclaré que les soldats étaient arrivés à la frontière près de la forêt. " * 3
    p = tmp_path / "latin.txt"
    p.write_bytes(text.encode("cp1252"))
    doc = _one(p)
    assert doc.text == text
    assert doc.meta["encoding"] != "utf-8"
    assert any("not valid UTF-8" in w for w in doc.meta["warnings"])


def test_damaged_utf8_is_replaced_and_reported(tmp_path: Path) -> None:
    p = tmp_path / "damaged.txt"
    p.write_bytes("Zelenskyy said “usually” — fine\nline two ".encode() + b"\xff" + b" broken\n")
    doc = _one(p)
    assert "\ufffd" in doc.text and "“usually”" in doc.text
    assert doc.meta["encoding"] == "utf-8 (with replacement)"
    assert any("line 2" in w and "U+FFFD" in w for w in doc.meta["warnings"])


def test_utf16_with_bom(tmp_path: Path) -> None:
    p = tmp_path / "wide.txt"
    p.write_bytes(codecs.BOM_UTF16_LE + "Київ і Харків".encode("utf-16-le"))
    doc = _one(p)
    assert doc.text == "Київ і Харків"
    assert doc.meta["encoding"] == "utf-16-le"
    assert doc.meta["warnings"]


def test_undecodable_bytes_raise_decoding_error() -> None:
    with pytest.raises(DecodingError):
        decode_bytes(codecs.BOM_UTF8[:0] + codecs.BOM_UTF16_LE + b"\x00\xd8", "x.txt")


def test_errors_are_osintkit_and_builtin(tmp_path: Path) -> None:
    p = tmp_path / "none.txt"
    with pytest.raises(OsintkitError):
        load(p)
    with pytest.raises(ValueError):
        load(p)


def test_utf8_fast_path_sets_no_encoding_meta(tmp_path: Path) -> None:
    p = tmp_path / "u.txt"
    p.write_text("Naïve café in Київ", "utf-8")
    assert "encoding" not in _one(p).meta


# --- helpers -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2025-01-11T10:00:00+02:00", "2025-01-11T08:00:00Z"),
        ("2025-01-11", "2025-01-11T00:00:00Z"),
        ("Sat, 11 Jan 2025 10:00:00 GMT", "2025-01-11T10:00:00Z"),
        ("1736590000", "2025-01-11T10:06:40Z"),
        (1736590000, "2025-01-11T10:06:40Z"),
        ("January 11, 2025", "2025-01-11T00:00:00Z"),
        ("11.01.2025", "2025-01-11T00:00:00Z"),
        ("not a date", None),
        ("", None),
        (None, None),
    ],
)
def test_normalize_date(value: object, expected: str | None) -> None:
    assert normalize_date(value) == expected


def test_detect_language() -> None:
    assert detect_language("The soldiers were taken to Kyiv, where they are in contact with the service.") == "en"
    assert detect_language("Президент заявив, що солдати були доставлені до Києва і вони живі.") == "uk"
    assert detect_language("Президент заявил, что солдаты были доставлены в Киев, и он это подтвердил.") == "ru"
    assert detect_language("12345 !!!") is None


def test_to_frame_columns(tmp_path: Path) -> None:
    for i in range(3):
        (tmp_path / f"{i}.txt").write_text(f"Document number {i}.", "utf-8")
    result = load(tmp_path)
    frame = result.to_frame()
    assert list(frame.columns) == list(Document.FRAME_COLUMNS)
    assert len(frame) == 3
    assert list(to_frame(result)["id"]) == [d.id for d in result]
    assert "3 document(s)" in repr(result) and "<table>" in result._repr_html_()


def test_osintkit_load_stays_a_module_after_lazy_access() -> None:
    import subprocess
    import sys

    code = (
        "import osintkit\n"
        "assert callable(osintkit.load)\n"
        "import osintkit.load as L\n"
        "assert callable(L.iter_load) and callable(L.to_frame)\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, timeout=120)
