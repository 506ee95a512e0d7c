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


@pytest.mark.parametrize(
    ("text", "span", "value", "counted", "modifiers", "bound"),
    [
        ("Знищено понад 4 тис. російських військових.", "4 тис.", 4000, "військових", ["понад"], "lower"),
        ("Загинули близько 3,5 тисячі солдатів.", "3,5 тисячі", 3500, "солдатів", ["близько"], None),
        ("КНДР перекинула 11 тисяч військових.", "11 тисяч", 11000, "військових", [], None),
        ("Потери составили около 12 тыс. военных.", "12 тыс.", 12000, "военных", ["около"], None),
        ("Уничтожено свыше двух тысяч солдат.", "двух тысяч", 2000, "солдат", ["свыше"], "lower"),
        ("Евакуйовано дві тисячі осіб.", "дві тисячі", 2000, "осіб", [], None),
        ("Евакуйовано близько двох тисяч осіб.", "двох тисяч", 2000, "осіб", ["близько"], None),
        ("Погибли пятьсот человек.", "пятьсот", 500, "человек", [], None),
        ("Загинули сто мирних жителів.", "сто", 100, "жителів", [], None),
        ("Задіяно до 200 осіб.", "200", 200, "осіб", ["до"], "upper"),
        ("Мобилизовано почти 12 000 военнослужащих.", "12 000", 12000, "военнослужащих", ["почти"], "upper"),
        ("Дві тисячі п'ятсот бійців загинули.", "Дві тисячі п'ятсот", 2500, "бійців", [], None),
    ],
)  # fmt: skip
def test_ukrainian_and_russian_counts(
    text: str, span: str, value: int, counted: str, modifiers: list[str], bound: str | None
) -> None:
    (m,) = [m for m in rule_mentions(text, "2024-12-06") if m.label == "QUANTITY"]
    assert m.text == span and text[m.start : m.end] == span
    assert m.norm["value"] == value and m.norm["counted"] == counted
    assert m.norm["modifiers"] == modifiers and m.norm.get("bound") == bound
    # The same qualifier fields as the English rules: a hedge other than "ще"/"another" makes it approximate.
    assert m.norm["approximate"] is bool(modifiers)
    start, end = m.norm["counted_span"]
    assert text[start:end] == m.norm["counted_phrase"] and text[start:end].endswith(counted)


def test_the_counted_phrase_keeps_its_adjectives() -> None:
    (m,) = quantity_mentions("Сили оборони знищили понад 4 тис. російських військових.")
    assert m.norm["counted_phrase"] == "російських військових" and m.norm["counted"] == "військових"
    (m,) = quantity_mentions("Погибли сто мирных жителей.")
    assert m.norm["counted_phrase"] == "мирных жителей" and m.norm["counted"] == "жителей"


def test_vague_counts_and_units_in_ukrainian_and_russian() -> None:
    found = {m.text: m.norm for m in quantity_mentions("Десятки дронів, сотні ракет і десятки тысяч людей; 30 км.")}
    assert found["Десятки"]["vague"] is True and found["Десятки"]["value"] is None
    assert found["Десятки"]["at_least"] == 20 and found["Десятки"]["counted"] == "дронів"
    assert found["сотні"]["at_least"] == 200 and found["сотні"]["counted"] == "ракет"
    assert found["десятки тысяч"]["at_least"] == 20000
    assert found["30 км"]["unit"] == "km" and found["30 км"]["counted"] is None
    (pct,) = quantity_mentions("Ціни зросли на 12 відсотків.")
    assert pct.text == "12 відсотків" and pct.norm["unit"] == "%"
    (more,) = quantity_mentions("КНДР перекинула ще 11 тисяч військових.")
    assert more.norm["modifiers"] == ["ще"] and more.norm["approximate"] is False  # "another", as in English


def test_cyrillic_numbers_that_are_not_counts() -> None:
    text = "Одного з них відпустили. 5-го числа, 5 грудня 2024 року, 3-й батальйон відійшов."
    quantities = [m for m in rule_mentions(text, "2024-12-06") if m.label == "QUANTITY"]
    assert quantities == []
