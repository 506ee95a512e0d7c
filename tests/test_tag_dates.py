"""DATE rules on the seed article and on hand-made sentences, resolved against a published date."""

from __future__ import annotations

import pytest

from osintkit.entities.dates import date_mentions, parse_anchor

PUBLISHED = "2025-01-12"  # a Sunday, the day after the capture was announced


def by_text(text: str, published: str | None = PUBLISHED) -> dict[str, dict]:
    return {m.text: m.norm for m in date_mentions(text, published)}


def test_seed_relative_dates_resolve(seed_text: str) -> None:
    found = by_text(seed_text)
    assert found["Saturday"]["value"] == "2025-01-11"
    assert found["Saturday"]["signal"] == "on"
    assert (found["December"]["start"], found["December"]["end"]) == ("2024-12-01", "2024-12-31")
    assert (found["late last year"]["start"], found["late last year"]["end"]) == ("2024-09-01", "2024-12-31")
    assert (found["October"]["start"], found["October"]["end"]) == ("2024-10-01", "2024-10-31")
    assert (found["August"]["start"], found["August"]["end"]) == ("2024-08-01", "2024-08-31")
    assert found["August"]["signal"] == "since" and found["August"]["until"] == PUBLISHED
    assert (found["last week"]["start"], found["last week"]["end"]) == ("2024-12-30", "2025-01-05")
    assert found["that same month"]["resolved"] is False
    assert all(n["kind"] == "relative" for n in found.values())


def test_seed_without_published_is_tagged_but_unresolved(seed_text: str) -> None:
    found = by_text(seed_text, None)
    assert {"Saturday", "December", "late last year", "October", "August", "last week"} <= set(found)
    assert not any(n["resolved"] for n in found.values())


def test_prepositions_stay_out_of_the_span() -> None:
    mentions = date_mentions("It happened on Saturday, in December and since August.", PUBLISHED)
    assert [m.text for m in mentions] == ["Saturday", "December", "August"]
    assert [m.norm["signal"] for m in mentions] == ["on", "in", "since"]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("2025-01-11", "2025-01-11"),
        ("11 January 2025", "2025-01-11"),
        ("January 11, 2025", "2025-01-11"),
        ("Jan. 11, 2025", "2025-01-11"),
        ("Saturday, January 11, 2025", "2025-01-11"),
        ("the 11th of January 2025", "2025-01-11"),
        ("13/01/2025", "2025-01-13"),
        ("11.01.2025", "2025-01-11"),
        ("January 11", "2025-01-11"),
        ("December 20", "2024-12-20"),
        ("yesterday", "2025-01-11"),
        ("today", "2025-01-12"),
        ("three days ago", "2025-01-09"),
        ("last Saturday", "2025-01-11"),
        ("next Monday", "2025-01-13"),
    ],
)
def test_single_days(text: str, value: str) -> None:
    (mention,) = date_mentions(f"It was {text}.", PUBLISHED)
    assert mention.text.lower().endswith(text.lower().split()[-1])
    assert mention.norm["value"] == value


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("in 2024", "2024-01-01", "2024-12-31"),
        ("in March 2024", "2024-03-01", "2024-03-31"),
        ("in mid-December", "2024-12-11", "2024-12-20"),
        ("late 2024", "2024-09-01", "2024-12-31"),
        ("last month", "2024-12-01", "2024-12-31"),
        ("last year", "2024-01-01", "2024-12-31"),
        ("earlier this month", "2025-01-01", "2025-01-11"),
        ("this week", "2025-01-06", "2025-01-12"),
        ("in the 1990s", "1990-01-01", "1999-12-31"),
        ("in January", "2025-01-01", "2025-01-31"),
    ],
)
def test_ranges(text: str, start: str, end: str) -> None:
    (mention,) = date_mentions(f"It was {text}.", PUBLISHED)
    assert (mention.norm["start"], mention.norm["end"]) == (start, end)


def test_ambiguous_numeric_date_lists_both_readings() -> None:
    (mention,) = date_mentions("Filed 11/01/2025.", PUBLISHED)
    assert mention.norm["ambiguous"] is True
    assert mention.norm["candidates"] == ["2025-01-11", "2025-11-01"]
    assert mention.norm["resolved"] is False


def test_may_and_march_need_date_context() -> None:
    assert [m.text for m in date_mentions("You May go. The March was long.", PUBLISHED)] == []
    assert [m.text for m in date_mentions("In May they left.", PUBLISHED)] == ["May"]


def test_years_versus_counts() -> None:
    texts = [m.text for m in date_mentions("The 2024 election. Then 2000 troops came.", PUBLISHED)]
    assert texts == ["2024"]


def test_anchor_parsing() -> None:
    assert str(parse_anchor("2025-01-12T10:00:00Z")) == "2025-01-12"
    assert str(parse_anchor("Sun, 12 Jan 2025 10:00:00 +0000")) == "2025-01-12"
    assert parse_anchor("not a date") is None
    (mention,) = date_mentions("on Saturday", "garbage")
    assert mention.norm["resolved"] is False and "garbage" in mention.norm["unresolved"]


# Ukrainian and Russian, anchored on a Friday: 2024-12-06.
@pytest.mark.parametrize(
    ("text", "span", "value"),
    [
        ("Це сталося 5 грудня 2024 року.", "5 грудня 2024 року", "2024-12-05"),
        ("Обмін відбувся 11 січня.", "11 січня", "2025-01-11"),
        ("Это произошло 11 января.", "11 января", "2025-01-11"),
        ("Удар был нанесён 30 ноября 2024 г.", "30 ноября 2024 г.", "2024-11-30"),
        ("Вчора ввечері пролунали вибухи.", "Вчора", "2024-12-05"),
        ("Вчера вечером прозвучали взрывы.", "Вчера", "2024-12-05"),
        ("Позавчора було тихо.", "Позавчора", "2024-12-04"),
        ("Атака сталася у понеділок.", "понеділок", "2024-12-02"),
        ("Атака произошла в понедельник.", "понедельник", "2024-12-02"),
        ("Це було минулої п’ятниці.", "минулої п’ятниці", "2024-11-29"),
        ("Это было в прошлую пятницу.", "прошлую пятницу", "2024-11-29"),
        ("Три дні тому все змінилося.", "Три дні тому", "2024-12-03"),
        ("Пять дней назад всё изменилось.", "Пять дней назад", "2024-12-01"),
    ],
)
def test_ukrainian_and_russian_days(text: str, span: str, value: str) -> None:
    (mention,) = date_mentions(text, "2024-12-06")
    assert mention.text == span and text[mention.start : mention.end] == span
    assert mention.norm["value"] == value and mention.norm["resolved"] is True


@pytest.mark.parametrize(
    ("text", "span", "start", "end"),
    [
        ("Це сталося минулого тижня.", "минулого тижня", "2024-11-25", "2024-12-01"),
        ("Это случилось на прошлой неделе.", "прошлой неделе", "2024-11-25", "2024-12-01"),
        ("Так було минулого року.", "минулого року", "2023-01-01", "2023-12-31"),
        ("Так было в прошлом году.", "прошлом году", "2023-01-01", "2023-12-31"),
        ("Навчання тривали у вересні.", "вересні", "2024-09-01", "2024-09-30"),
        ("Учения шли в сентябре.", "сентябре", "2024-09-01", "2024-09-30"),
        ("Бої тривають із серпня.", "серпня", "2024-08-01", "2024-08-31"),
        ("Це заплановано на початку грудня.", "на початку грудня", "2024-12-01", "2024-12-10"),
        ("Это случилось в конце ноября 2024 года.", "в конце ноября 2024 года", "2024-11-21", "2024-11-30"),
        ("Це сталося у березні 2022 року.", "березні 2022 року", "2022-03-01", "2022-03-31"),
        ("Это было в 2023 году.", "2023 году", "2023-01-01", "2023-12-31"),
    ],
)
def test_ukrainian_and_russian_ranges(text: str, span: str, start: str, end: str) -> None:
    (mention,) = date_mentions(text, "2024-12-06")
    assert mention.text == span
    assert (mention.norm["start"], mention.norm["end"]) == (start, end)


def test_month_names_in_every_case_and_the_preposition_as_signal() -> None:
    # Nominative, genitive, locative and instrumental forms of one month, in both languages.
    for text in ("Грудень видався важким: у грудні 2024 року, з 1 грудня, перед груднем.", "В декабре, с декабря."):
        months = [m for m in date_mentions(text, "2024-12-06") if "12-" in str(m.norm.get("start") or m.norm["value"])]
        assert months, text
    since = date_mentions("Бої тривають із серпня.", "2024-12-06")[0].norm
    assert since["signal"] == "since" and since["until"] == "2024-12-06"
    assert date_mentions("Атака сталася у понеділок.", "2024-12-06")[0].norm["signal"] == "in"


def test_cyrillic_words_that_only_look_like_dates() -> None:
    # "лютого" is also "fierce", "маю" is "I have", "среда" is also "surroundings": no preposition, no date.
    assert date_mentions("Він лютого настрою. Я маю час. Среда обитания изменилась.", "2024-12-06") == []


def test_cyrillic_dates_without_a_published_date_stay_unresolved() -> None:
    (mention,) = date_mentions("Вибухи пролунали вчора.")
    assert mention.text == "вчора" and mention.norm["resolved"] is False
