"""The sentence splitter: news prose, text pasted without spaces after full stops, and spans that index the text."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from osintkit.text import sentence_at, split_sentences


def _sentences(text: str) -> list[str]:
    return [text[s:e] for s, e in split_sentences(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Shelling went on in the region.The ministry said two people died.",
         ["Shelling went on in the region.", "The ministry said two people died."]),
        ("Troops left by 2025.The war went on.", ["Troops left by 2025.", "The war went on."]),
        ("He called it “a lie.”The agency disagreed.", ["He called it “a lie.”", "The agency disagreed."]),
        ("Zelenskyy wrote on X.“We will hold,” he said.", ["Zelenskyy wrote on X.", "“We will hold,” he said."]),
        ("Was it true?Nobody knew!Later it was.", ["Was it true?", "Nobody knew!", "Later it was."]),
        ("The U.S. and its allies agreed. Dr. Lee said so.", ["The U.S. and its allies agreed.", "Dr. Lee said so."]),
    ],
)  # fmt: skip
def test_glued_and_spaced_boundaries(text: str, expected: list[str]) -> None:
    assert _sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Officials in the U.S.Army camp spoke.",
        "Small drones, e.g.Shaheds, were used.",
        "The dose was 3.5mg and the range 3.5 km.",
        "The video at t.co/AbCd and the page at Kyiv.ua were shared.",
        "The novel by J.R.R. Tolkien and the speech by John F. Kennedy were cited.",
        "The page at news.Yahoo.com carried it.",
        "Write to press@Mod.gov.ua for details.",
        "See https://example.org/Report.Final for details.",
        "A.Smith and B.Jones signed it.",
    ],
)
def test_no_split_inside_abbreviations_addresses_initials_and_decimals(text: str) -> None:
    assert _sentences(text) == [text]


def test_line_breaks_end_sentences_and_spans_are_trimmed() -> None:
    text = "  First line without a stop\nSecond one.  Third one.\n\n"
    assert _sentences(text) == ["First line without a stop", "Second one.", "Third one."]
    assert sentence_at(text, text.index("Third")) == split_sentences(text)[2]


_pieces = st.sampled_from(
    ["The", "ministry", "said", "U.S.", "e.g.", "3.5", "t.co", "Kyiv.ua", "J.", "R.", "“", "”", ".", "!", "?",
     "region.The", "X.“We", "Mr.", " ", "  ", "\n", "\t", "Київ.", "Він"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_pieces, max_size=40).map("".join) | st.text(max_size=200))
def test_spans_index_the_text_exactly(text: str) -> None:
    spans = split_sentences(text)
    previous_end = 0
    for start, end in spans:
        assert previous_end <= start < end <= len(text)
        piece = text[start:end]
        assert piece == piece.strip() and "\n" not in piece
        previous_end = end
    # Every non-space character is in exactly one sentence: nothing lost between spans.
    covered = sum(len("".join(text[s:e].split())) for s, e in spans)
    assert covered == len("".join(text.split()))


def test_one_line_ends_at_a_sentence_or_a_word_never_mid_word() -> None:
    from osintkit.text import one_line

    assert one_line("Short\nlabel.", 100) == "Short label."
    two = "North Korea sent troops to Kursk. " + "They fought alongside Russian units near Sudzha for weeks."
    assert one_line(two, 60) == "North Korea sent troops to Kursk."
    long_one = "Zelenskyy: the two soldiers were captured in the Kursk region and taken to Kyiv for questioning"
    cut = one_line(long_one, 50)
    assert cut.endswith(" …") and len(cut) <= 50
    assert long_one.startswith(cut[:-2]) and long_one[len(cut) - 2] == " "  # the cut falls between words
