"""Notebook display: displaCy-style highlighting (escaped) and the mentions DataFrame."""

from __future__ import annotations

import hashlib

import pytest

from osintkit import Document, InputError, Mention
from osintkit.entities.display import highlight, mentions_frame
from osintkit.entities.rules import rule_mentions


def test_highlight_escapes_everything() -> None:
    text = 'Hi <script>alert("x")</script> & North Korean <b>troops</b>\nnext line'
    mentions = rule_mentions(text)
    assert [m.text for m in mentions] == ["North Korean"]
    mentions.append(Mention(3, 11, "<script>", "ORG", 0.5, "model", norm={"note": "<img src=x onerror=alert(1)>"}))
    view = highlight(text, mentions)
    html = view._repr_html_()
    assert html == view.html
    assert "<script>" not in html and "<b>" not in html and "<img" not in html
    assert "&lt;script&gt;" in html and "&amp;" in html and "&lt;b&gt;troops&lt;/b&gt;" in html
    assert html.count('<mark class="entity"') == 2
    assert ">NORP</span></mark>" in html and "#c887fb" in html  # displaCy's NORP colour
    assert "<br>" in html


def test_overlaps_are_listed_not_nested() -> None:
    text = "the Ukrainian Security Service said"
    outer = Mention(4, 30, "Ukrainian Security Service", "ORG", 0.9, "model")
    inner = Mention(4, 13, "Ukrainian", "NORP", 1.0, "rule")
    view = highlight(text, [inner, outer])
    assert [m.text for m in view.mentions] == ["Ukrainian Security Service"]
    assert [m.text for m in view.hidden] == ["Ukrainian"]
    assert "1 overlapping mention(s) not shown" in view.html


def test_highlight_a_document_and_reject_bad_offsets(seed_text: str) -> None:
    sha = hashlib.sha256(seed_text.encode()).hexdigest()
    doc = Document(id=Document.make_id(sha), text=seed_text, sha256=sha, loader="test", retrieved="2025-01-12")
    view = highlight(doc, rule_mentions(seed_text, "2025-01-12"), labels=["DATE"])
    assert {m.label for m in view.mentions} == {"DATE"}
    assert ">DATE</span>" in view.html
    with pytest.raises(InputError, match="does not match"):
        highlight("short text", [Mention(0, 5, "other", "ORG", 1.0, "model")])


def test_mentions_frame(seed_text: str) -> None:
    frame = mentions_frame(rule_mentions(seed_text, "2025-01-12"))
    assert list(frame.columns) == ["doc_id", "start", "end", "text", "label", "score", "source", "entity_id", "value",
                                   "norm"]  # fmt: skip
    values = dict(zip(frame["text"], frame["value"], strict=False))
    assert values["11,000"] == "11000 soldiers"
    assert values["Saturday"] == "2025-01-11"
    assert values["December"] == "2024-12-01/2024-12-31"
    assert values["South Korean"] == "KR"
    assert mentions_frame([]).empty
