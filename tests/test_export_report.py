"""The report model and its templates: one model for both reports, every value escaped by default, one scale."""

from __future__ import annotations

import fnmatch
import importlib.resources
import re
import tomllib
from pathlib import Path

import pytest
from export_case import PIPE_CLAIM, SCRIPT, build_case, hostile_corroboration

from osintkit import admiralty_scale, assess, exercise, widgets
from osintkit.export import md_escape, to_html, to_markdown
from osintkit.export.html import _environment as html_environment
from osintkit.export.markdown import _environment as md_environment
from osintkit.export.report import ClaimRow, Grade, build_report
from osintkit.findings import Findings, languages_read
from osintkit.model import Document, Entity

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def findings(tmp_path: Path) -> Findings:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        return Findings.from_case(case, corroboration=hostile_corroboration(case))


def test_templates_escape_every_value_by_default() -> None:
    # A template that forgets a filter still escapes: the environments escape each {{ value }} themselves.
    html = html_environment().from_string("<p title='{{ x }}'>{{ x }}</p>")
    assert (
        html.render(x=f"{SCRIPT}'")
        == "<p title='&lt;script&gt;alert(1)&lt;/script&gt;&#x27;'>&lt;script&gt;alert(1)&lt;/script&gt;&#x27;</p>"
    )
    md = md_environment().from_string("| {{ x }} |")
    assert md.render(x="a | b\n# [c](javascript:x)") == "| a \\| b \\# \\[c\\](javascript:x) |"
    # A macro's output is escaped once, not twice.
    twice = html_environment().from_string("{% macro b(v) %}<b>{{ v }}</b>{% endmacro %}{{ b(x) }}")
    assert twice.render(x="<i>") == "<b>&lt;i&gt;</b>"
    # A misspelt field is an error, not an empty cell.
    with pytest.raises(Exception, match="no_such_field"):
        html_environment().from_string("{{ report.no_such_field }}").render(report=object())


def test_one_model_for_both_reports(findings: Findings) -> None:
    report = build_report(findings)
    assert [type(r) for r in report.claims] == [ClaimRow] * 3
    a1 = next(r for r in report.claims if r.content == PIPE_CLAIM)
    assert a1.grade == Grade("B2", "Usually reliable; Probably true")
    assert a1.quantities == "two (soldiers)"
    html, md = to_html(findings), to_markdown(findings)
    for row in report.claims:
        assert md_escape(row.content) in md
    assert "title='Usually reliable; Probably true'>B2</span>" in html
    assert "| **B2** |" in md
    assert SCRIPT not in html and SCRIPT not in md


def test_markdown_cuts_long_tables_and_html_does_not() -> None:
    entities = [Entity(id=f"e{i}", label="PER", name=f"Person {i}", mention_count=1) for i in range(2005)]
    f = Findings(entities=entities)
    md = to_markdown(f)
    assert "*…and 5 more rows: see the CSV files or findings.json.*" in md
    assert len(re.findall(r"^\| Person \d+ \|", md, re.M)) == 2000
    assert to_html(f).count("<td>Person ") == 2005


def test_source_cards_render_per_format(findings: Findings) -> None:
    source = findings.documents[0].source or findings.documents[0].id
    findings.source_cards[source] = {"score": 0.123456, "tags": ["x", "y"], "nested": {"k": "v" * 500}}
    findings.source_cards["card without documents"] = {"note": "<b>"}
    html, md = to_html(findings), to_markdown(findings)
    assert "<b>Score:</b> 0.123<br><b>Tags:</b> x, y<br><b>Nested:</b> <code>{&quot;k&quot;: &quot;vvv" in html
    nested = re.search(r"Nested: (\{.*?…)", md)
    assert nested is not None and len(nested.group(1)) == 300  # Markdown keeps table rows shorter
    other = "<dl><dt>Card without documents</dt><dd><code>{&quot;note&quot;: &quot;&lt;b&gt;&quot;}</code></dd></dl>"
    assert f"<h3>Other source cards</h3>\n{other}" in html


def test_markdown_code_spans_never_break_out(tmp_path: Path) -> None:
    doc = Document(id="doc-1", text="x", sha256="ab`cd", loader="text", retrieved="2025-01-01T00:00:00Z")
    f = Findings(documents=[doc], case_path=str(tmp_path / "with`tick.sqlite"))
    md = to_markdown(f)
    assert "ab\\`cd" in md and "`ab`cd`" not in md
    assert "with`tick" not in md  # a path with a backtick is left out of the header line
    assert "head `None`" in to_markdown(Findings())


def test_templates_ship_as_package_data() -> None:
    globs = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]["*"]
    folder = importlib.resources.files("osintkit.export").joinpath("templates")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".j2"))
    assert names == ["report.html.j2", "report.md.j2"]
    for name in names:
        assert any(fnmatch.fnmatch(f"templates/{name}", g) for g in globs), name


def test_admiralty_scale_is_written_once(findings: Findings) -> None:
    assert assess.RELIABILITY is admiralty_scale.RELIABILITY and assess.CREDIBILITY is admiralty_scale.CREDIBILITY
    labels = admiralty_scale.RELIABILITY_LABELS | admiralty_scale.CREDIBILITY_LABELS
    assert widgets.SOURCE_GRADES | widgets.CLAIM_GRADES == {k: v.lower() for k, v in labels.items()}
    assert exercise.MEANINGS == {k: v.lower() for k, v in labels.items()}
    scales = to_markdown(findings).rsplit("Scales: ", 1)[1]
    assert scales == "; ".join(f"{k} {v.lower()}" for k, v in admiralty_scale.RELIABILITY_LABELS.items()) + ". " + (
        "; ".join(f"{k} {v.lower()}" for k, v in admiralty_scale.CREDIBILITY_LABELS.items()) + ".\n"
    )
    assert admiralty_scale.grade_meaning("-2") == "Probably true"
    assert admiralty_scale.grade_meaning("F") == "Reliability cannot be judged"
    # No other module spells the scale out again.
    for path in (ROOT / "osintkit").rglob("*.py"):
        if path.name != "admiralty_scale.py":
            text = path.read_text(encoding="utf-8")
            assert not re.search(r"""["']not usually reliable["']""", text, re.I), path


def test_languages_read_in_both_reports(findings: Findings) -> None:
    texts = {"uk": "Російські війська обстріляли Харків.", "pl": "Rosyjskie wojska ostrzelały Charków w sobotę."}
    for code, text in texts.items():
        findings.documents.append(
            Document(
                id=f"doc-{code}",
                text=text,
                sha256="0" * 64,
                language=code,
                loader="text",
                retrieved="2025-01-13T09:00:00Z",
            )
        )
    findings.languages = languages_read(findings.documents)
    html, md = to_html(findings), to_markdown(findings)
    assert "<a href='#languages'>Languages</a>" in html
    section = html.split("<h2 id='languages'>Languages read</h2>")[1].split("<h2")[0]
    assert "<tr><td>English (en)</td><td>2</td><td>yes</td><td>osintkit-minilm-ner" in section
    assert "<tr><td>Polish (pl)</td><td>1</td><td>no</td><td>not read: stored and hashed only</td></tr>" in section
    assert re.search(r"<tr><td>Ukrainian \(uk\)</td><td>1</td><td>yes</td><td>natasha [\d.]+ ", section)
    md_section = md.split("## Languages read\n")[1].split("## Provenance")[0]
    assert "| Polish (pl) | 1 | no | not read: stored and hashed only |" in md_section
    assert "pymorphy3-dicts-uk" in md_section
    assert "Languages read" not in to_html(Findings()) + to_markdown(Findings())  # no documents, no section
