"""Comparable slots: every false contradiction issue #19 met on real coverage, and the real ones it missed."""

from __future__ import annotations

import pytest

from osintkit.claims import compare_claims, extract_claims
from osintkit.claims.slots import date_slots, gazetteer_place, platforms_in, quantity_slots
from osintkit.entities.rules import rule_mentions
from osintkit.model import Claim

PUBLISHED = "2025-03-12T09:00:00Z"


def claim(text: str, published: str = PUBLISHED) -> Claim:
    """The first claim of a one-sentence text, read with the rule tagger (dates and figures) only."""
    (found, *_) = extract_claims(text, mentions=rule_mentions(text, published=published), published=published)
    return found


def stance(a: str, b: str) -> str:
    return compare_claims(claim(a), claim(b)).stance


# -- traps: no contradiction -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b"),
    [
        # dates with different roles: the event on the 9th, the announcement on the 11th
        (
            "The army said on Tuesday that its drones hit the depot on 9 March.",
            "The governor said on 11 March that drones hit the depot on 9 March.",
        ),
        # "since August" is not "on 1 August"
        (
            "Ukrainian forces have held positions in the Kursk region since August, the ministry said.",
            "Ukrainian forces have held positions in the Kursk region, the ministry said on 3 October.",
        ),
        # qualifiers: "more than 10,000" and "12,000" agree
        (
            "North Korea has sent more than 10,000 soldiers to Russia, officials said.",
            "North Korea has sent 12,000 soldiers to Russia, officials said.",
        ),
        # a total and one week's figure are different scopes
        (
            "Russian officials said they had shot down 300 drones over the past week.",
            "Russian officials said they had shot down 4,000 drones in total.",
        ),
        # a detail about one of them is not a count of them all
        (
            "One soldier had a jaw wound, the security service said.",
            "Two soldiers were captured, the security service said.",
        ),
        (
            "One of them had a broken leg, the ministry said.",
            "Two soldiers were wounded in the fighting, the ministry said.",
        ),
        # a place's share of a total: "17 over the Bryansk region" against 41 overnight
        (
            "The ministry said air defences destroyed 41 drones overnight, including 17 over the Bryansk region.",
            "The ministry said air defences destroyed 41 drones overnight.",
        ),
        # cross-posting: X and Telegram, one report naming both
        (
            "Zelenskyy said in a post on X and Telegram that two soldiers were captured.",
            "Zelenskyy said in a post on Telegram that two soldiers were captured.",
        ),
        # a denial does not contradict another negative account
        (
            "The company denied that the ship had called at Israeli ports.",
            "The monitoring centre said the ship had not called at any Israeli port.",
        ),
    ],
)
def test_traps_are_not_contradictions(a: str, b: str) -> None:
    assert stance(a, b) != "contradicts"
    assert stance(b, a) != "contradicts"


def test_a_city_inside_the_named_country_agrees() -> None:
    kyiv = gazetteer_place("Kyiv")
    ukraine = gazetteer_place("Ukraine")
    kursk_region, kursk = gazetteer_place("Kursk Oblast"), gazetteer_place("Kursk")
    assert kyiv and ukraine and kursk_region and kursk
    from osintkit.claims.slots import _compatible

    assert _compatible(kyiv, ukraine) and _compatible(ukraine, kyiv)
    assert _compatible(kursk, kursk_region)
    assert not _compatible(kyiv, kursk)
    a = claim("The two soldiers were taken to a hospital in Kyiv, the president said.")
    b = claim("The two soldiers were taken to a hospital in Ukraine, the president said.")
    assert compare_claims(a, b).stance != "contradicts"


# -- real conflicts ------------------------------------------------------------------------------------------------


def test_a_different_figure_for_the_same_thing() -> None:
    result = compare_claims(
        claim("The ministry said air defences destroyed 41 drones overnight."),
        claim("The ministry said air defences destroyed 47 drones overnight."),
    )
    assert result.stance == "contradicts"
    (conflict,) = result.conflicts
    assert conflict.slot == "quantity" and conflict.reason == "41 vs 47 (drones intercepted)"


def test_about_a_figure_still_differs_from_another() -> None:
    result = compare_claims(
        claim("North Korea has sent about 11,000 soldiers to Russia, officials said."),
        claim("North Korea has sent 12,000 soldiers to Russia, officials said."),
    )
    assert result.stance == "contradicts" and "about 11,000" in result.reason


def test_event_dates_that_cannot_both_hold() -> None:
    result = compare_claims(
        claim("The drone hit the camp on Friday, the group said."),
        claim("The drone hit the camp on Thursday, the group said."),
    )
    assert result.stance == "contradicts" and result.conflicts[0].slot == "date"


def test_first_against_not_the_first() -> None:
    result = compare_claims(
        claim("It was the first such strike on the depot, officials said."),
        claim("It was not the first time the depot had been hit, officials said."),
    )
    assert [c.slot for c in result.conflicts] == ["first"]


def test_which_man_had_the_injury() -> None:
    result = compare_claims(
        claim("The older man had a broken leg, the ministry said."),
        claim("The younger man had a broken leg, the ministry said."),
    )
    assert [c.slot for c in result.conflicts] == ["attribute"]


def test_a_denial_against_an_affirmation() -> None:
    result = compare_claims(
        claim("The army said the militia carried out the strike."),
        claim("The militia denied that it carried out the strike."),
    )
    assert result.stance == "contradicts" and result.conflicts[0].slot == "denial"


def test_a_different_platform_is_a_discrepancy_and_a_third_is_not_added_detail() -> None:
    x = claim("The General Staff said in a post on Telegram that the depot was hit.")
    fb = claim("The General Staff said in a post on Facebook that the depot was hit.")
    result = compare_claims(x, fb)
    assert result.stance == "discrepancy" and result.conflicts[0].kind == "discrepancy"
    assert "cross-posting" in result.reason
    assert platforms_in(claim("He wrote on X (formerly Twitter) and on Telegram that it was hit.")) == {"X", "Telegram"}


def test_slots_read_qualifiers_scopes_and_roles() -> None:
    (q,) = quantity_slots(claim("Russian officials said they had shot down more than 300 drones over the past week."))
    assert (q.low, q.high, q.scope, q.action, q.counted) == (300, float("inf"), "week", "intercepted", "drones")
    roles = {d.text: d.role for d in date_slots(claim("The governor said on 11 March that drones hit it on 9 March."))}
    assert roles == {"11 March": "report", "9 March": "event"}
    born = date_slots(claim("The soldier, born in 1999, was captured on 9 March, the ministry said."))
    assert {d.role for d in born if "1999" in d.text} <= {"other"}


# -- Ukrainian and Russian against English -------------------------------------------------------------------------

KILLED_EN = "The General Staff said that {} Russian soldiers were killed in the fighting."


@pytest.mark.parametrize(
    ("slavic", "english", "expected"),
    [
        # "понад" is "more than": a lower bound, whatever the language
        ("Генштаб ЗСУ повідомив, що понад 4 тис. російських військових загинули в боях.", "more than 4,000", "agrees"),
        ("Генштаб ЗСУ повідомив, що понад 4 тис. російських військових загинули в боях.", "6,000", "agrees"),
        ("Генштаб ЗСУ повідомив, що понад 4 тис. російських військових загинули в боях.", "2,000", "contradicts"),
        # "до" is "up to": an upper bound
        ("Речник заявив, що до 5 тис. російських військових загинули.", "3,000", "agrees"),
        ("Речник заявив, що до 5 тис. російських військових загинули.", "6,000", "contradicts"),
        # "около" is "about": within five per cent either way
        ("Минобороны сообщило, что около 12 тыс. российских военных убиты.", "about 12,000", "agrees"),
        ("Минобороны сообщило, что около 12 тыс. российских военных убиты.", "about 9,000", "contradicts"),
        # "майже"/"nearly": reports round, so as approximate as "nearly 4,000" is in English
        ("Речник заявив, що майже 4 тис. російських військових загинули.", "4,100", "agrees"),
        # "свыше" is "more than" in Russian
        ("Минобороны сообщило, что свыше 4 тыс. российских военных погибли.", "2,000", "contradicts"),
    ],
)
def test_a_slavic_figure_compares_as_its_english_rendering(slavic: str, english: str, expected: str) -> None:
    result = compare_claims(claim(slavic), claim(KILLED_EN.format(english)))
    assert result.stance == expected, result.reason
    if expected == "contradicts":
        (conflict,) = result.conflicts
        assert conflict.slot == "quantity" and conflict.reason.endswith("(soldiers killed)")


def test_the_hedge_of_a_slavic_figure_is_named_in_the_reason() -> None:
    result = compare_claims(
        claim("Генштаб ЗСУ повідомив, що понад 4 тис. російських військових загинули в боях."),
        claim(KILLED_EN.format("2,000")),
    )
    assert result.reason == "понад 4 тис. vs 2,000 (soldiers killed)"
    english = compare_claims(claim(KILLED_EN.format("more than 4,000")), claim(KILLED_EN.format("2,000")))
    assert english.reason == "more than 4,000 vs 2,000 (soldiers killed)"


def test_the_bound_comes_from_the_typed_figure() -> None:
    (q,) = claim("Генштаб ЗСУ повідомив, що понад 4 тис. російських військових загинули в боях.").quantities
    assert (q.value, q.text, q.modifiers, q.bound, q.counted) == (4000, "4 тис.", ["понад"], "lower", "військових")
    (slot,) = quantity_slots(claim("Генштаб ЗСУ повідомив, що понад 4 тис. російських військових загинули в боях."))
    assert (slot.low, slot.high, slot.qualifier, slot.counted, slot.action) == (
        4000,
        float("inf"),
        "понад",
        "soldiers",
        "killed",
    )


@pytest.mark.parametrize(
    ("sentence", "counted", "action"),
    [
        ("Генштаб повідомив, що загинули 300 російських військових.", "soldiers", "killed"),
        ("Генштаб повідомив, що вбито 300 окупантів.", "soldiers", "killed"),
        ("Генштаб повідомив, що ліквідовано 300 окупантів.", "soldiers", "killed"),
        ("Генштаб повідомив, що поранено 300 російських військових.", "soldiers", "wounded"),
        ("Генштаб повідомив, що полонено 300 російських військових.", "soldiers", "captured"),
        ("Генштаб повідомив, що 300 військових потрапили в полон.", "soldiers", "captured"),
        ("Минобороны сообщило, что убиты 300 военнослужащих.", "soldiers", "killed"),
        ("Минобороны сообщило, что ранены 300 военных.", "soldiers", "wounded"),
        ("Минобороны сообщило, что 300 военных взяты в плен.", "soldiers", "captured"),
        ("Минобороны сообщило, что сбиты 30 беспилотников.", "drones", "intercepted"),
        # "направлении" is a sector of the front, not "sent"
        ("Минобороны сообщило, что на Покровском направлении сбиты 30 беспилотников.", "drones", "intercepted"),
        ("Минобороны сообщило, что 300 военных сдались в плен.", "soldiers", "captured"),
        ("Минобороны сообщило, что в Курск направлены 300 военных.", "soldiers", "deployed"),
        ("Повітряні сили повідомили, що збито 30 дронів.", "drones", "intercepted"),
        ("Голова ОВА повідомив, що евакуйовано 300 мирних жителів.", "people", "displaced"),
        ("Минобороны сообщило, что 300 военных убиты и ранены.", "soldiers", "casualties"),
    ],
)
def test_slavic_action_words_and_counted_nouns(sentence: str, counted: str, action: str) -> None:
    (slot,) = quantity_slots(claim(sentence))
    assert (slot.counted, slot.action) == (counted, action)


def test_different_actions_across_languages_are_not_compared() -> None:
    killed = claim("Генштаб ЗСУ повідомив, що понад 4 тис. російських військових загинули в боях.")
    wounded = claim("The General Staff said that 2,000 Russian soldiers were wounded in the fighting.")
    assert not compare_claims(killed, wounded).contradicts


def test_a_slavic_daily_figure_is_not_a_total() -> None:
    (day,) = quantity_slots(claim("Генштаб повідомив, що за минулу добу загинули 1 200 окупантів."))
    (total,) = quantity_slots(claim("Минобороны сообщило, что всего погибли 30 тыс. военных."))
    assert (day.scope, total.scope) == ("day", "total")
    english_total = claim("The General Staff said that 40,000 Russian soldiers were killed in total.")
    daily = claim("Генштаб повідомив, що за минулу добу загинули 1 200 окупантів.")
    assert not compare_claims(daily, english_total).contradicts


@pytest.mark.parametrize(
    "denial",
    [
        "Кремль спростував, що російські війська вдарили по складу.",
        "В Кремле опровергли, что российские войска нанесли удар по складу.",
    ],
)
def test_a_slavic_denial_against_an_english_affirmation(denial: str) -> None:
    result = compare_claims(claim("Ukraine's army said that Russian forces struck the depot."), claim(denial))
    assert result.stance == "contradicts" and [c.slot for c in result.conflicts] == ["denial"]
    # a second denial does not contradict the first
    assert not compare_claims(claim("The Kremlin denied that its forces struck the depot."), claim(denial)).contradicts


def test_first_and_not_the_first_across_languages() -> None:
    first = claim("Міноборони заявило, що це вперше такий удар по складу.")
    not_first = claim("Officials said it was not the first time the depot had been hit.")
    assert [c.slot for c in compare_claims(first, not_first).conflicts] == ["first"]
    assert not compare_claims(claim("Минобороны заявило, что такой удар нанесен впервые."), first).conflicts


def test_opposed_attributes_across_languages_but_not_a_rank() -> None:
    older = claim("Поліція повідомила, що старший чоловік вижив.")
    younger = claim("Police said that the younger man survived.")
    assert [c.slot for c in compare_claims(older, younger).conflicts] == ["attribute"]
    rank = claim("Поліція повідомила, що старший лейтенант вижив.")
    assert not compare_claims(rank, younger).conflicts
