"""Language identification: one-sentence news texts in 21 languages, written for this test, and mixed posts."""

from __future__ import annotations

import pytest

from benchmarks.langid_samples import SAMPLES  # short texts, shared with benchmarks/bench_ukru.py
from osintkit.text import detect_language, language_spans


@pytest.mark.parametrize(("expected", "text"), SAMPLES, ids=[f"{lang}-{i}" for i, (lang, _) in enumerate(SAMPLES)])
def test_short_news_text_is_identified(expected: str, text: str) -> None:
    assert detect_language(text) == expected


def test_the_list_covers_the_languages_that_failed_before() -> None:
    languages = {lang for lang, _ in SAMPLES}
    assert len(languages) >= 15
    assert {"ro", "bg", "sr", "pl", "tr", "uk", "ru"} <= languages


@pytest.mark.parametrize("text", ["12345 !!!", "ok", "Reuters", "Zelensky Kyiv", "https://t.co/abc", ""])
def test_too_little_text_gives_no_guess(text: str) -> None:
    assert detect_language(text) is None


def test_a_long_document_is_judged_by_its_opening() -> None:
    text = SAMPLES[28][1] + " " + " ".join(text for lang, text in SAMPLES if lang == "en") * 40
    assert detect_language(text) == "en"
    assert detect_language(" ".join(t for lang, t in SAMPLES if lang == "uk") + " The end.") == "uk"


def test_a_mixed_post_is_split_by_language_line_by_line() -> None:
    uk = "Російські війська вночі обстріляли Харків і Суми."
    en = "The ministry said two drones were shot down over the city."
    ru = "Об этом сообщили в администрации города после удара."
    text = f"{uk}\n{en}\n\nОК\n{ru}\n{ru}"
    spans = language_spans(text)
    assert [lang for _, _, lang in spans] == ["uk", "en", "ru"]
    assert text[spans[0][0] : spans[0][1]] == uk
    # The line too short to judge ("ОК") stays with the one before it; lines in one language are joined.
    assert text[spans[1][0] : spans[1][1]] == f"{en}\n\nОК"
    assert text[spans[2][0] : spans[2][1]] == f"{ru}\n{ru}"


def test_language_spans_of_text_too_short_to_judge_use_the_default() -> None:
    assert language_spans("Суми.\nOK", default="uk") == [(0, 8, "uk")]
    assert language_spans("") == []
