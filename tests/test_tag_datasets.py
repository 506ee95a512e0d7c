"""Mapping the training sets onto one scheme: re3d's annotation conventions turned into names-only spans."""

from __future__ import annotations

import pytest

from osintkit.tag.datasets import _country_names, _re3d_spans, word_spans


def _mapped(text: str, typ: str) -> list[tuple[str, str]]:
    words = [text[s:e] for s, e in word_spans(text)]
    return [(" ".join(words[a:b]), t) for a, b, t in _re3d_spans(words, 0, len(words), typ, _country_names())]


@pytest.mark.parametrize(
    ("annotated", "typ", "expected"),
    [
        ("the Kurdish YPG", "ORG", [("Kurdish YPG", "ORG")]),
        ("The UN Security Council", "ORG", [("UN Security Council", "ORG")]),
        ("The U.S.", "ORG", [("U.S.", "LOC")]),  # a state acting is still a place in the CoNLL scheme
        ("We", "ORG", []),
        ("I", "PER", []),
        ("Iraqi service members", "ORG", []),  # a description, not a name
        ("Minister for the Middle East Tobias Ellwood", "PER", [("Tobias Ellwood", "PER")]),
        ("Prime Minister Haider al-Abadi", "PER", [("Haider al-Abadi", "PER")]),
        ("Gen. Joseph L. Votel", "PER", [("Joseph L . Votel", "PER")]),
        ("U.S. Secretary of Defense Ash Carter", "PER", [("Ash Carter", "PER")]),
        ("the Foreign Secretary", "PER", []),
        ("UK Special Representative for Syria", "PER", []),
        ("Vermillion, South Dakota", "LOC", [("Vermillion", "LOC"), ("South Dakota", "LOC")]),
        ("Kursk", "LOC", [("Kursk", "LOC")]),
        ("U.S. service members", "ORG", [("U.S.", "LOC")]),
        ("the Syrians", "ORG", []),
        ("Iraqi", "NORP", []),
        ("U.S.", "NORP", [("U.S.", "LOC")]),
        ("We've", "ORG", []),
        ("the UK Special Representative", "ORG", [("UK", "LOC")]),  # a role headed by a country
        (
            "the Foreign Ministers of Iran, Saudi Arabia, Emirates",
            "ORG",
            [("Iran", "LOC"), ("Saudi Arabia", "LOC"), ("Emirates", "LOC")],
        ),
        ("the Ministers of Foreign Affairs", "ORG", []),  # one name after the role must be a country
        ("the Foreign Ministers", "ORG", []),
        ("the Karrada district of Baghdad", "LOC", [("Karrada", "LOC"), ("Baghdad", "LOC")]),
        ("the Syrian town of Dabiq", "LOC", [("Dabiq", "LOC")]),
        ("Islamic State of Iraq and the Levant", "ORG", [("Islamic State of Iraq and the Levant", "ORG")]),
        ("al-Qaeda in Iraq", "ORG", [("al-Qaeda in Iraq", "ORG")]),
        ("U.S. Navy", "ORG", [("U.S. Navy", "ORG")]),
        ("Bank of England", "ORG", [("Bank of England", "ORG")]),
    ],
)
def test_re3d_mentions_become_conll_style_names(annotated: str, typ: str, expected: list[tuple[str, str]]) -> None:
    assert _mapped(annotated, typ) == expected
