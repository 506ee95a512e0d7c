"""The seed article, tagged end to end against a hand-written gold list.

The model's part (PERSON/ORG/LOC) and the rules' part (NORP/DATE/QUANTITY) and the gazetteer's part are separate
tests, so each owner's piece can pass or fail on its own.
"""

from __future__ import annotations

import re

import pytest

from osintkit.entities import tag
from osintkit.model import Mention

PUBLISHED = "2025-01-12"

# Every occurrence of these strings (at word boundaries) must be tagged exactly, with this label.
MODEL_GOLD: list[tuple[str, str]] = [
    ("Volodymyr Zelenskyy", "PERSON"),
    ("Zelenskyy", "PERSON"),
    ("Zelensky", "PERSON"),
    ("John Kirby", "PERSON"),
    ("White House National Security Council", "ORG"),
    ("Ukrainian Security Service", "ORG"),
    # Lower case, so the model reads a common noun; the demonym + state institution rule tags it.
    ("Ukrainian security service", "ORG"),
    ("South Korean intelligence services", "ORG"),
    ("Kursk", "LOC"),
    ("Kyiv", "LOC"),
    ("Ukraine", "LOC"),
    ("North Korea", "LOC"),
    ("Pyongyang", "LOC"),
    ("U.S.", "LOC"),
]
# "Russia" is everywhere a place; one occurrence sits inside the gazetteer region "Russia’s Far East".
RUSSIA = ("Russia", "LOC")
REGION = ("Russia’s Far East", "LOC")

RULE_GOLD: list[tuple[str, str]] = [
    ("North Korean", "NORP"),
    ("North Koreans", "NORP"),
    ("Russian", "NORP"),
    ("Ukrainian", "NORP"),
    ("South Korean", "NORP"),
    ("Saturday", "DATE"),
    ("late last year", "DATE"),
    ("December", "DATE"),
    ("October", "DATE"),
    ("August", "DATE"),
    ("last week", "DATE"),
    ("two", "QUANTITY"),
    ("11,000", "QUANTITY"),
    ("4,000", "QUANTITY"),
]


def _occurrences(text: str, needle: str) -> list[tuple[int, int]]:
    pattern = r"(?<![\w])" + re.escape(needle) + r"(?![\w])"
    return [m.span() for m in re.finditer(pattern, text)]


def _inside_longer(span: tuple[int, int], text: str, longer: list[str]) -> bool:
    """True when this occurrence is part of a longer gold string ("Zelenskyy" inside "Volodymyr Zelenskyy")."""
    for other in longer:
        for s, e in _occurrences(text, other):
            if s <= span[0] and span[1] <= e and (s, e) != span:
                return True
    return False


@pytest.fixture(scope="module")
def seed_mentions(seed_text: str) -> list[Mention]:
    return tag(seed_text, published=PUBLISHED)


def _missing(text: str, mentions: list[Mention], gold: list[tuple[str, str]], exact: bool) -> list[str]:
    have = {(m.start, m.end, m.label) for m in mentions}
    problems = []
    all_gold = [g for g, _ in gold]
    for needle, label in gold:
        spans = _occurrences(text, needle)
        assert spans, f"gold string {needle!r} not in the seed text"
        for span in spans:
            if _inside_longer(span, text, all_gold):
                continue
            if exact:
                # A curated gazetteer region that contains the place ("the Kursk region") is also a right answer.
                ok = (span[0], span[1], label) in have or any(
                    m.label == label == "LOC" and m.source == "gazetteer" and m.start <= span[0] and span[1] <= m.end
                    for m in mentions
                )
            else:  # rule mentions may carry more context ("an estimated 11,000"): containment is enough
                ok = any(m.label == label and m.start <= span[0] and span[1] <= m.end for m in mentions)
            if not ok:
                got = [(m.text, m.label) for m in mentions if m.start < span[1] and span[0] < m.end]
                problems.append(f"{needle!r}@{span[0]} want {label}, got {got}")
    return problems


def test_seed_people_organisations_places(seed_text: str, seed_mentions: list[Mention]) -> None:
    problems = _missing(seed_text, seed_mentions, MODEL_GOLD, exact=True)
    region_spans = _occurrences(seed_text, REGION[0])
    for span in _occurrences(seed_text, RUSSIA[0]):
        if any(s <= span[0] < e for s, e in region_spans):
            continue
        if (span[0], span[1], "LOC") not in {(m.start, m.end, m.label) for m in seed_mentions}:
            problems.append(f"'Russia'@{span[0]} want LOC")
    assert not problems, "\n".join(problems)


def test_seed_model_mentions_have_no_false_people(seed_text: str, seed_mentions: list[Mention]) -> None:
    people = {m.text for m in seed_mentions if m.label == "PERSON"}
    assert people <= {"Volodymyr Zelenskyy", "Zelenskyy", "Zelensky", "John Kirby"}, people


def test_seed_far_east_region(seed_text: str, seed_mentions: list[Mention]) -> None:
    """Needs the geo engineer's curated regions (osintkit.geo.find_toponyms)."""
    (span,) = _occurrences(seed_text, REGION[0])
    assert any((m.start, m.end, m.label) == (*span, "LOC") for m in seed_mentions), [
        (m.text, m.label, m.source) for m in seed_mentions if m.start < span[1] and span[0] < m.end
    ]


def test_seed_nationalities_dates_quantities(seed_text: str, seed_mentions: list[Mention]) -> None:
    """Needs the rules engineer's osintkit.entities.rules (NORP, DATE, QUANTITY)."""
    # "Ukrainian" inside the ORG "Ukrainian Security Service" is part of the name, not a nationality mention.
    org_spans = [(m.start, m.end) for m in seed_mentions if m.label == "ORG"]
    problems = [
        p
        for p in _missing(seed_text, seed_mentions, RULE_GOLD, exact=False)
        if not any(s <= int(p.split("@")[1].split(" ")[0]) < e for s, e in org_spans)
    ]
    assert not problems, "\n".join(problems)
