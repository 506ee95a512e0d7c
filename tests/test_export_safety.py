"""Exports of a hostile case: formulas hidden after separators, control characters, URLs that are not web links,
the official STIX validator, and writes that a kill cannot leave half done."""

from __future__ import annotations

import csv
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from export_case import SCRIPT, _doc, build_case, kyiv

from osintkit.export import safe_cell, write_csv, write_geojson, write_html, write_json, write_markdown, write_stix
from osintkit.export._sanitise import clean_text, web_url, write_atomically
from osintkit.export.csv import SEPARATORS
from osintkit.findings import Findings

ROOT = Path(__file__).resolve().parent.parent
HIDDEN_FORMULA = 'Harmless;=HYPERLINK("http://evil.example/x","click")'
CONTROL_TEXT = "NUL \x00 bell \x07 ESC \x1b[31m red DEL \x7f C1 CSI \x9b31m end"
# Source addresses as scraped pages and hand-made JSON carry them.
HOSTILE_URLS = [
    "javascript:alert(1)",
    " javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "vbscript:msgbox(1)",
    "ftp://files.example/pub/a.txt",
    "file:///etc/passwd",
    "//evil.example/path",
    "not a url at all",
    "http://exa mple.org/a b",
    "https://example.org/\x00nul",
    "https://example.org/c1\x85\x9b",
    "http://[::1",
    "https://trusted.example@evil.example/",
    "https://example.org/%zz",
    "https://例え.jp/パス",
]
# NUL and C0 other than tab and newline, DEL, C1: none may appear in HTML or Markdown.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture
def findings(tmp_path: Path) -> Findings:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    docs = []
    for i, url in enumerate(HOSTILE_URLS):
        text = f"Report {i} from Kyiv. {CONTROL_TEXT}. {HIDDEN_FORMULA}"
        docs.append(
            _doc(
                text,
                loader="html",
                retrieved="2025-01-14T08:00:00Z",
                title=f"{HIDDEN_FORMULA} {i} {CONTROL_TEXT}",
                source=f"Outlet {i}\x00\x1b[2J",
                url=url,
                path=f"hostile-{i}.html",
            )
        )
    case.add_documents(docs)
    for d in docs:
        case.replace_places(d.id, [kyiv(d.text, d.id)])
    case.add_note("claim-a1", f"Analyst note {CONTROL_TEXT} {SCRIPT}")
    case.set_source_card("Outlet 0\x00\x1b[2J", {"owner": CONTROL_TEXT, "note": HIDDEN_FORMULA})
    with case:
        return Findings.from_case(case)


def _strings(value: Any, key: str = "") -> list[tuple[str, str]]:
    """Every (key, string) pair anywhere in a JSON value."""
    if isinstance(value, str):
        return [(key, value)]
    if isinstance(value, dict):
        return [pair for k, v in value.items() for pair in _strings(v, k)]
    if isinstance(value, list):
        return [pair for v in value for pair in _strings(v, key)]
    return []


# --- CSV ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (HIDDEN_FORMULA, 'Harmless;\'=HYPERLINK("http://evil.example/x","click")'),
        ("a,+1", "a,'+1"),
        ("a\t-1+1", "a\t'-1+1"),
        ("a，=1", "a，'=1"),  # full-width comma
        ("a； @SUM(A1)", "a； '@SUM(A1)"),  # full-width semicolon, a space between
        ("a;\u3000=1", "a;\u3000'=1"),  # an ideographic space between
        ("x\n=cmd|' /C calc'!A0", "x\n'=cmd|' /C calc'!A0"),
        ("a;＝1", "a;'＝1"),  # full-width equals sign
        ("\t=1", "'\t'=1"),
        ("=1;=2", "'=1;'=2"),
    ],
)
def test_formula_after_a_separator_is_quoted(value: str, expected: str) -> None:
    assert safe_cell(value) == expected


@pytest.mark.parametrize("value", ["Kyiv", "a - b", "a;b", "Kyiv, Ukraine", "11,000 soldiers", "x = y", "e-mail"])
def test_text_without_a_hidden_formula_is_untouched(value: str) -> None:
    assert safe_cell(value) == value


def _pieces(cell: str) -> list[str]:
    """What a spreadsheet could make of one cell: split at every separator any locale uses, spaces trimmed."""
    return [p.lstrip(" \u00a0\u3000") for p in re.split(f"[{SEPARATORS}]", cell)]


def test_no_cell_of_a_hostile_case_hides_a_formula(findings: Findings, tmp_path: Path) -> None:
    tables = write_csv(findings, tmp_path / "csv")
    cells = 0
    for path in tables.values():
        with path.open(encoding="utf-8-sig", newline="") as fh:
            for row in csv.reader(fh):
                for cell in row:
                    cells += 1
                    for piece in _pieces(cell):
                        assert not piece.startswith(("=", "+", "-", "@", "＝", "＋", "－", "＠")), (path.name, cell)
                    assert "\x00" not in cell and "\x1b" not in cell and "\x9b" not in cell, (path.name, cell)
    assert cells > 100
    titles = [r[1] for r in csv.reader(tables["documents"].open(encoding="utf-8-sig", newline=""))]
    assert any(t.startswith("Harmless;'=HYPERLINK(") for t in titles)


# --- control characters ------------------------------------------------------------------------------------------


def test_clean_text() -> None:
    assert clean_text("a\x00b\x1b[1mc\x7fd\x9be") == "a\ufffdb\ufffd[1mc\ufffdd\ufffde"
    assert clean_text("one\r\ntwo\rthree\x85four\x0cfive\u2028six") == "one\ntwo\nthree\nfour\nfive\nsix"
    assert clean_text("tab\tkept\nand newline") == "tab\tkept\nand newline"
    assert clean_text("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert clean_text("Київ, Zürich, 東京 ✓") == "Київ, Zürich, 東京 ✓"


@pytest.mark.parametrize("writer", [write_html, write_markdown], ids=["html", "markdown"])
def test_control_characters_never_reach_the_reports(findings: Findings, tmp_path: Path, writer: Any) -> None:
    text = writer(findings, tmp_path / "report").read_text(encoding="utf-8")
    found = sorted({f"U+{ord(c):04X}" for c in CONTROL.findall(text)})
    assert found == [], f"control characters in the report: {found}"
    assert "Outlet 0\ufffd\ufffd[2J" in text or "Outlet 0\ufffd\ufffd\\[2J" in text  # the words stay, marked


# --- links -------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", HOSTILE_URLS[:14])
def test_web_url_refuses_what_is_not_an_http_link(url: str) -> None:
    assert web_url(url) is None


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://example.org/a", "https://example.org/a"),
        ("HTTPS://EXAMPLE.ORG/Path", "https://example.org/Path"),
        ("https://example.org/a b?q=ü#f", "https://example.org/a%20b?q=%C3%BC#f"),
        ("https://example.org/%zz%41", "https://example.org/%25zz%41"),
        ("https://例え.jp/パス", "https://xn--r8jz45g.jp/%E3%83%91%E3%82%B9"),
        ("http://[::1]:8080/x", "http://[::1]:8080/x"),
        ("https://my_blog.example.org/", "https://my_blog.example.org/"),
    ],
)
def test_web_url_gives_a_valid_uri(url: str, expected: str) -> None:
    assert web_url(url) == expected


def _link_values(data: Any) -> list[str]:
    return [v for k, v in _strings(data) if k == "url"]


def test_geojson_links_only_web_urls(findings: Findings, tmp_path: Path) -> None:
    data = json.loads(write_geojson(findings, tmp_path / "places.geojson").read_text(encoding="utf-8"))
    links = _link_values(data)
    assert links and all(web_url(u) == u for u in links), links
    sources = [s for f in data["features"] for s in f["properties"]["sources"]]
    as_text = {s.get("url_text") for s in sources}
    assert "javascript:alert(1)" in as_text and "data:text/html,<script>alert(1)</script>" in as_text
    assert all(s["url"] is None for s in sources if s.get("url_text"))


def test_stix_bundle_passes_the_official_validator(findings: Findings, tmp_path: Path) -> None:
    from stix2validator import ValidationOptions, validate_string

    text = write_stix(findings, tmp_path / "findings.stix.json").read_text(encoding="utf-8")
    results = validate_string(text, ValidationOptions(version="2.1"))
    errors = [str(e) for r in (results if isinstance(results, list) else [results]) for e in r.errors]
    assert errors == [] and results.is_valid
    bundle = json.loads(text)
    links = _link_values(bundle)
    assert all(web_url(u) == u for u in links), links
    assert not any(u.lower().lstrip().startswith(("javascript:", "data:", "vbscript:", "ftp:", "file:")) for u in links)
    descriptions = [v for k, v in _strings(bundle) if k == "description"]
    assert any("not a web link): javascript:alert(1)" in d for d in descriptions)
    assert len(bundle["objects"]) > 10


def test_validator_catches_the_address_it_used_to_fail_on(tmp_path: Path) -> None:
    """The control: the validator does reject a document reference whose url is not a URI, so a clean result above
    means the export kept such addresses out, not that the validator let them through."""
    from stix2validator import ValidationOptions, validate_string

    report = {
        "type": "report",
        "spec_version": "2.1",
        "id": "report--6b6a8a3e-1c3e-4d0e-9d7e-0f4b8c1d2e3f",
        "created": "2025-01-12T10:00:00.000Z",
        "modified": "2025-01-12T10:00:00.000Z",
        "name": "r",
        "published": "2025-01-12T10:00:00.000Z",
        "object_refs": ["note--0b5e3c7a-6a51-4d5a-9a3b-1f2e3d4c5b6a"],
        "external_references": [{"source_name": "doc", "url": "http://exa mple.org/a b"}],
    }
    assert not validate_string(json.dumps(report), ValidationOptions(version="2.1")).is_valid


# --- atomic writes -----------------------------------------------------------------------------------------------

_WRITERS = {
    "json": (write_json, "findings.json"),
    "geojson": (write_geojson, "places.geojson"),
    "stix": (write_stix, "findings.stix.json"),
    "csv": (lambda f, p: write_csv(f, p.parent)["documents"], "documents.csv"),
}


@pytest.mark.parametrize("fmt", sorted(_WRITERS))
def test_exports_replace_the_file_whole(findings: Findings, tmp_path: Path, fmt: str) -> None:
    """A second export replaces the file through a rename (a new inode), not by truncating the old one, and leaves
    no temporary file behind."""
    writer, name = _WRITERS[fmt]
    target = tmp_path / "out" / name
    target.parent.mkdir()
    first = writer(findings, target)
    inode, content = first.stat().st_ino, first.read_bytes()
    holder = first.open("rb")  # a reader who opened the old file keeps reading the old, complete bytes
    try:
        second = writer(findings, target)
        assert second.stat().st_ino != inode
        assert second.read_bytes() == content
        assert holder.read() == content
    finally:
        holder.close()
    assert sorted(p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")) == []


def test_a_failed_write_leaves_the_old_file(tmp_path: Path) -> None:
    target = tmp_path / "findings.json"
    target.write_text('{"old": true}\n', encoding="utf-8")
    with pytest.raises(RuntimeError), write_atomically(target, "findings JSON") as fh:
        fh.write('{"new": ')
        raise RuntimeError("the export failed half way")
    assert target.read_text(encoding="utf-8") == '{"old": true}\n'
    assert [p.name for p in tmp_path.iterdir()] == ["findings.json"]


_KILLED_MID_WRITE = r"""
import os, signal, sys
from osintkit.export._sanitise import write_atomically
with write_atomically(sys.argv[1], "findings JSON") as fh:
    fh.write('{"new": ' + '"x", ' * 100000)
    fh.flush()
    os.kill(os.getpid(), signal.SIGKILL)
"""


@pytest.mark.parametrize("existing", [True, False], ids=["over-an-old-file", "first-export"])
def test_a_kill_during_export_leaves_the_old_file_or_none(tmp_path: Path, existing: bool) -> None:
    target = tmp_path / "findings.json"
    if existing:
        target.write_text('{"old": true}\n', encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", _KILLED_MID_WRITE, str(target)], cwd=ROOT, timeout=120)
    assert result.returncode == -9  # really killed inside the write
    if existing:
        assert json.loads(target.read_text(encoding="utf-8")) == {"old": True}
    else:
        assert not target.exists()  # never a 0-byte or truncated findings.json
    leftovers = [p for p in tmp_path.iterdir() if p.name != "findings.json"]
    assert all(p.name.startswith(".findings.json.") and p.name.endswith(".tmp") for p in leftovers)


def test_a_write_that_cannot_start_is_an_export_error(tmp_path: Path) -> None:
    from osintkit.errors import ExportError

    target = tmp_path / "gone" / "findings.json"
    with pytest.raises(ExportError, match=r"gone/findings\.json: cannot write findings JSON"):
        with write_atomically(target, "findings JSON") as fh:
            fh.write("{}")
