"""Markdown report: readable, and source text cannot break tables or inject HTML or links."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from export_case import PIPE_CLAIM, SCRIPT, build_case, hostile_corroboration

from osintkit.export import md_escape, to_html, to_markdown, write_markdown
from osintkit.findings import Findings
from osintkit.model import Document


def test_md_escape() -> None:
    assert md_escape("a|b") == "a\\|b"
    assert md_escape("<script>") == "&lt;script&gt;"
    assert md_escape("x `code` y") == "x \\`code\\` y"
    assert md_escape("line1\nline2\r\nline3") == "line1 line2 line3"
    assert md_escape("[click](javascript:alert(1))") == "\\[click\\](javascript:alert(1))"
    assert md_escape("a\\|b") == "a\\\\\\|b"
    assert md_escape(None) == ""


@pytest.fixture
def report(tmp_path: Path) -> str:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        findings = Findings.from_case(case, corroboration=hostile_corroboration(case))
    return write_markdown(findings, tmp_path / "report.md").read_text(encoding="utf-8")


def _table_rows(md: str, header_start: str) -> list[str]:
    lines = md.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith(header_start))
    rows = []
    for line in lines[i + 2 :]:
        if not line.startswith("|"):
            break
        rows.append(line)
    return rows


def _cells(row: str) -> int:
    # Count unescaped pipes: the column separators.
    count, prev = 0, ""
    for ch in row:
        if ch == "|" and prev != "\\":
            count += 1
        prev = ch
    return count - 1


def test_pipes_escaped_in_claim_table(report: str) -> None:
    rows = _table_rows(report, "| Claimant |")
    assert len(rows) == 3
    assert all(_cells(r) == 7 for r in rows), rows
    assert PIPE_CLAIM.replace("|", "\\|") in report


def test_no_raw_html(report: str) -> None:
    assert SCRIPT not in report
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in report
    assert "<" not in report.replace("&lt;", "")


def test_reads_well(report: str) -> None:
    assert report.startswith("# osintkit findings report\n")
    for heading in (
        "## Claims",
        "## Corroboration",
        "## Entities",
        "## Places",
        "## Sources",
        "## Provenance",
        "## Attribution",
    ):
        assert f"\n{heading}\n" in report
    assert "**B2**" in report
    assert "Custody log verified" in report
    assert "Volodymyr Zelenskyy" in report


def test_corroboration_rendered(tmp_path: Path) -> None:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        findings = Findings.from_case(case, corroboration=hostile_corroboration(case))
    md = to_markdown(findings)
    section = md.split("## Corroboration")[1].split("## Entities")[0]
    assert "### Contradictions" in section and "#### soldiers taken to Kyiv" in section
    assert "**contradicts**" in section
    assert "denial \\| &lt;script&gt;" in section
    assert "- Kyiv Independent → &lt;script&gt;" in section
    assert "### Copy links" in section and "publication time" in section
    assert "Zelenskyy (post on Telegram)" in section
    rows = _table_rows(section, "| Claimant |")
    assert len(rows) == 2 and all(_cells(r) == 7 for r in rows), rows


def test_coverage_note_for_documents_not_in_english(tmp_path: Path, report: str) -> None:
    assert "Coverage" not in report  # the fixture's documents are English
    case, _, _ = build_case(tmp_path / "other.sqlite")
    text = "Російські війська обстріляли Харків у суботу, повідомили у Генштабі."
    sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
    doc = Document(
        id=Document.make_id(sha), text=text, sha256=sha, language="uk", loader="text", retrieved="2025-01-13T09:00:00Z"
    )
    with case:
        case.add_documents([doc])
        findings = Findings.from_case(case)
    md = to_markdown(findings)
    assert "**Coverage:** 1 of 3 documents are not in English (uk: 1)" in md
    assert "<b>Coverage:</b> 1 of 3 documents are not in English (uk: 1)" in to_html(findings)
