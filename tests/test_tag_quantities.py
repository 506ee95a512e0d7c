"""QUANTITY rules: numbers in digits and words, what they count, hedges and outcomes."""

from __future__ import annotations

import pytest

from osintkit.entities.quantities import parse_number, quantity_mentions
from osintkit.entities.rules import rule_mentions


def test_seed_quantities(seed_text: str) -> None:
    quantities = [m for m in rule_mentions(seed_text, "2025-01-12") if m.label == "QUANTITY"]
    texts = [m.text for m in quantities]
    assert texts.count("two") == 4
    by_text = {m.text: m.norm for m in quantities}
    assert by_text["11,000"]["value"] == 11000
    assert by_text["11,000"]["counted"] == "soldiers"
    assert by_text["11,000"]["approximate"] is True
    assert by_text["11,000"]["modifiers"] == ["an estimated"]
    assert by_text["11,000"]["action"] == "deployed"
    assert by_text["4,000"]["value"] == 4000
    assert by_text["4,000"]["counted"] == "soldiers"
    assert by_text["4,000"]["counted_phrase"] == "North Korean soldiers"
    assert by_text["4,000"]["outcome"] == "killed or injured"
    first_two = quantities[0]
    assert first_two.text == "two" and first_two.norm["value"] == 2
    assert first_two.norm["counted"] == "soldiers"
    assert first_two.norm["counted_phrase"] == "wounded North Korean soldiers"
    start, end = first_two.norm["counted_span"]
    assert seed_text[start:end] == "wounded North Korean soldiers"
    several = by_text["several"]
    assert several["value"] is None and several["vague"] is True and several["outcome"] == "committed suicide"


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("11,000", 11000),
        ("1.5 million", 1_500_000),
        ("twenty-five", 25),
        ("two hundred and fifty", 250),
        ("a dozen", 12),
        ("$5bn", 5_000_000_000),
        ("three thousand", 3000),
        ("half a million", 500_000),
    ],
)
def test_parse_number(text: str, value: float) -> None:
    assert parse_number(text) == value


def test_ranges_units_and_hedges() -> None:
    found = {
        m.text: m.norm for m in quantity_mentions("Up to 2,000-3,000 troops were deployed 30 km away; 12% and $5bn.")
    }
    assert found["2,000-3,000"]["value"] == 2000 and found["2,000-3,000"]["value_max"] == 3000
    assert found["2,000-3,000"]["bound"] == "upper" and found["2,000-3,000"]["approximate"] is True
    assert found["2,000-3,000"]["outcome"] == "deployed"
    assert found["30 km"]["unit"] == "km" and found["30 km"]["value"] == 30
    assert found["12%"]["unit"] == "%"
    assert found["$5bn"]["unit"] == "USD"


def test_things_that_are_not_counts() -> None:
    text = "No one came; one of them left. A 30-year-old man. The 2nd brigade met at 10:30 on 11 January 2025."
    assert [m.text for m in rule_mentions(text) if m.label == "QUANTITY"] == []


def test_singular_count() -> None:
    (m,) = quantity_mentions("one wounded soldier died")
    assert m.norm["value"] == 1 and m.norm["counted"] == "soldier" and m.norm["outcome"] == "died"
