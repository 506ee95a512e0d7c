"""event_mentions: named events, laws and awards from their head words, and what the tagger reports for them."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osintkit.entities import tag
from osintkit.entities.events import event_mentions
from osintkit.entities.rules import rule_mentions


def _found(text: str) -> list[tuple[str, str]]:
    return [(m.text, m.label) for m in event_mentions(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("In World War II the Soviet army held.", [("World War II", "EVENT")]),
        ("They won the Battle of Kursk; the Second Battle of Kharkiv was lost.",
         [("Battle of Kursk", "EVENT"), ("Second Battle of Kharkiv", "EVENT")]),
        ("Operation Desert Storm began after Hurricane Katrina had passed.",
         [("Operation Desert Storm", "EVENT"), ("Hurricane Katrina", "EVENT")]),
        ("The Minsk Agreement failed, as did the Treaty of Versailles.",
         [("Minsk Agreement", "LAW"), ("Treaty of Versailles", "LAW")]),
        ("UN Security Council Resolution 2231 endorsed the deal.", [("Resolution 2231", "LAW")]),
        ("She won the Nobel Peace Prize and he the Stanley Cup.",
         [("Nobel Peace Prize", "AWARD"), ("Stanley Cup", "EVENT")]),
        ("The Universal Declaration of Human Rights was adopted.", [("Universal Declaration of Human Rights", "LAW")]),
        ("the 2014 Winter Olympics and the Commonwealth Games", [("Winter Olympics", "EVENT"),
                                                                ("Commonwealth Games", "EVENT")]),
    ],
)  # fmt: skip
def test_names_from_their_head_words(text: str, expected: list[tuple[str, str]]) -> None:
    assert _found(text) == expected


def test_a_possessive_or_a_leading_function_word_is_not_part_of_the_name() -> None:
    assert _found("Obama's Affordable Care Act passed.") == [("Affordable Care Act", "LAW")]
    assert _found("During The Cold War, spies.") == [("Cold War", "EVENT")]


def test_look_alikes_are_not_events() -> None:
    text = (
        "Rockstar Games released it. The International Crisis Group reported. The Imperial War Museum opened. "
        "The National Hurricane Center warned. Act now. Star Wars is a film. The cup of tea was cold."
    )
    assert _found(text) == []


def test_a_title_case_headline_is_left_to_the_model() -> None:
    assert _found("Ukraine Signs Minerals Agreement With United States After Long Talks") == []
    # The same words in a sentence are a name again.
    assert _found("Ukraine signed the Minerals Agreement with the United States.") == [("Minerals Agreement", "LAW")]


def test_numbers_and_demonyms_inside_an_event_are_part_of_it() -> None:
    mentions = rule_mentions(
        "The Korean War ended; Resolution 2231 passed in 2015 with 15 votes.", published="2024-01-01"
    )
    found = [(m.text, m.label) for m in mentions]
    assert ("Korean War", "EVENT") in found and ("Resolution 2231", "LAW") in found
    assert ("Korean", "NORP") not in found
    assert ("2231", "QUANTITY") not in found
    assert ("15", "QUANTITY") in found  # a count outside the name is still a quantity


def test_the_tagger_reports_an_event_not_an_organisation() -> None:
    text = "The Stanley Cup final was held in Montreal, and the Minsk Agreement was signed in Belarus."
    found = {(m.text, m.label) for m in tag(text)}
    assert ("Stanley Cup", "EVENT") in found and ("Minsk Agreement", "LAW") in found
    assert not any(label in ("ORG", "LOC", "PERSON") and ("Cup" in t or "Minsk" in t) for t, label in found)
    assert ("Montreal", "LOC") in found and ("Belarus", "LOC") in found


_WORDS = ["Cup", "War", "Act", "of", "the", "The", "Battle", "Treaty", "Resolution", "Operation", "Hurricane", "12",
          "II", "World", "Minsk", "Agreement", "and", "Obama's", "Ünïcode", "É", "x", "In"]  # fmt: skip
_GAPS = [" ", " ", " ", "  ", "\n", "\n\n", ", ", ". ", "-", "’s "]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(_GAPS)), max_size=14))
def test_offsets_slice_exactly_and_never_overlap(parts: list[tuple[str, str]]) -> None:
    text = "".join(word + gap for word, gap in parts)
    mentions = event_mentions(text)
    for m in mentions:
        assert text[m.start : m.end] == m.text and m.text.strip() == m.text and m.text
        assert m.label in ("EVENT", "LAW", "AWARD")
    for a, b in itertools.pairwise(mentions):
        assert a.end <= b.start
