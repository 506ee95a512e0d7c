"""HTML report: self-contained, every source value escaped, the sections a reader needs."""

from __future__ import annotations

import base64
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from export_case import FORMULA, PIPE_CLAIM, SCRIPT, build_case, hostile_corroboration

from osintkit.export import to_html, write_html
from osintkit.findings import Findings
from osintkit.model import Document, Place


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs.extend((tag, k, v) for k, v in attrs)

    def handle_data(self, data: str) -> None:
        self.text.append(data)


@pytest.fixture
def report(tmp_path: Path) -> tuple[str, Findings]:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        findings = Findings.from_case(case, corroboration=hostile_corroboration(case))
    path = write_html(findings, tmp_path / "report.html")
    return path.read_text(encoding="utf-8"), findings


def test_hostile_text_is_escaped(report: tuple[str, Findings]) -> None:
    html, _ = report
    assert SCRIPT not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    parsed = _Collector()
    parsed.feed(html)
    assert "script" not in parsed.tags
    text = "".join(parsed.text)
    # What the reader sees is the source's text, literally.
    assert SCRIPT in text
    assert FORMULA in text
    assert PIPE_CLAIM in text


def test_self_contained(report: tuple[str, Findings]) -> None:
    html, _ = report
    parsed = _Collector()
    parsed.feed(html)
    assert not {"script", "link", "iframe", "object", "embed", "form"} & set(parsed.tags)
    for tag, name, value in parsed.attrs:
        if name in {"src", "href", "action", "srcset", "poster"}:
            assert value is not None
            assert value.startswith(("#", "data:")), (tag, name, value)
        assert not name.startswith("on"), (tag, name)
    # The javascript: URL of the hostile document is shown as text, never as a link target.
    assert "javascript:alert(1)" in "".join(parsed.text)
    assert "Content-Security-Policy" in html
    assert not re.search(r"url\(\s*['\"]?https?:", html)


def test_sections_and_values(report: tuple[str, Findings]) -> None:
    html, findings = report
    for section in (
        "id='map'",
        "id='entities'",
        "id='claims'",
        "id='corroboration'",
        "id='sources'",
        "id='provenance'",
        "<footer>",
    ):
        assert section in html
    for d in findings.documents:
        assert d.sha256 in html
    assert str(findings.custody["head"]) in html
    assert ">B2</span>" in html and ">B3</span>" in html
    assert "Volodymyr Zelenskyy" in html
    assert "11,000 (soldiers)" in html
    assert "GeoNames" in html
    # The map is embedded as a data: image (a PNG drawn by osintkit.geo.maps), never as markup.
    map_section = html.split("id='map'")[1].split("<h2")[0]
    uri = re.search(
        r"<img alt='Static map of the resolved places' src='data:image/png;base64,([A-Za-z0-9+/=]+)'>", map_section
    )
    assert uri is not None
    assert base64.b64decode(uri.group(1)).startswith(b"\x89PNG\r\n")


def test_full_texts_stay_out() -> None:
    text = "Kyiv. " * 2000
    doc = Document(id="doc-long", text=text, sha256="0" * 64, loader="text", retrieved="2025-01-01T00:00:00Z")
    html = to_html(Findings(documents=[doc]))
    assert "0" * 64 in html
    assert html.count("Kyiv.") < 40  # a snippet, not 2,000 repetitions


def test_empty_findings_render() -> None:
    html = to_html(Findings())
    assert "No claims." in html and "No places" in html


def test_corroboration_section(tmp_path: Path) -> None:
    case, _, _ = build_case(tmp_path / "case.sqlite")
    with case:
        findings = Findings.from_case(case, corroboration=hostile_corroboration(case))
    html = to_html(findings)
    section = html.split("id='corroboration'")[1].split("<h2")[0]
    assert "1 propositions are reported by more than one document; 1 contradictions" in section
    assert "<h3>Contradictions</h3>" in section and "<h4>soldiers taken to Kyiv</h4>" in section
    assert "<b>contradicts</b>" in section
    assert PIPE_CLAIM in section  # members shown with the claim's own text
    assert "Zelenskyy (post on Telegram)" in section  # the origin chain
    assert "Kyiv Independent → &lt;script&gt;" in section  # the echo chain
    assert "shared passage" in section and "publication time" in section  # a copy link and what decided it
    assert SCRIPT not in html


def test_a_place_no_map_can_hold_costs_the_map_not_the_report(tmp_path: Path) -> None:
    place = Place(
        text="Nowhere", start=0, end=7, name="Nowhere", lat=1e308, lon=1e308, geonameid=None, country_code=None,
        feature="P", confidence=0.5, doc_id="doc-1",
    )  # fmt: skip
    html = write_html(Findings(places=[place]), tmp_path / "report.html").read_text(encoding="utf-8")
    map_section = html.split("id='map'")[1].split("<h2")[0]
    assert "<p class='note'>The static map could not be drawn (ValueError: math domain error).</p>" in map_section
    assert "<td>Nowhere</td>" in html
