"""Markdown report: readable, and source text cannot break tables or inject HTML or links."""

from __future__ import annotations

from pathlib import Path

import pytest
from export_case import CORROBORATION, PIPE_CLAIM, SCRIPT, build_case

from osintkit.export import md_escape, to_markdown, write_markdown
from osintkit.findings import Findings


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
        findings = Findings.from_case(case, corroboration=CORROBORATION)
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
        findings = Findings.from_case(case, corroboration=CORROBORATION)
    md = to_markdown(findings)
    section = md.split("## Corroboration")[1].split("## Entities")[0]
    assert "### Contradictions" in section and "#### soldiers taken to Kyiv" in section
    assert "**contradicts**" in section
    assert "denial \\| &lt;script&gt;" in section
    assert "- Kyiv Independent → &lt;script&gt;" in section
    assert "### Source independence" in section
    assert "Future key" in section
    rows = _table_rows(section, "| Claimant |")
    assert len(rows) == 2 and all(_cells(r) == 7 for r in rows), rows
