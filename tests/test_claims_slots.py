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
