"""vessel_mentions: prefixed ship names and names after a ship type, nothing from look-alike abbreviations."""

from __future__ import annotations

from osintkit.entities import tag
from osintkit.entities.rules import rule_mentions
from osintkit.entities.vessels import vessel_mentions


def _names(text: str) -> list[str]:
    return [m.text for m in vessel_mentions(text)]


def test_prefixed_names_stop_before_hull_numbers_and_sentence_ends() -> None:
    text = "Joining U.S. ships USS Hopper (DDG 70), USS Mahan (DDG 72), and U.K. ships HMS Ocean (L 12)."
    assert _names(text) == ["USS Hopper", "USS Mahan", "HMS Ocean"]
    assert _names("She served on USS Gerald R. Ford. The ship sailed.") == ["USS Gerald R. Ford"]
    assert _names("HMS Ocean's crew and USS St. Louis") == ["HMS Ocean", "USS St. Louis"]


def test_name_particles_stay_inside_the_name() -> None:
    assert _names("the aircraft carrier FS Charles de Gaulle and HMS Prince of Wales.") == [
        "FS Charles de Gaulle",
        "HMS Prince of Wales",
    ]


def test_ship_type_before_a_name() -> None:
    mentions = vessel_mentions("The Russian cruiser Moskva sank; the tanker Eagle S cut a cable.")
    assert [(m.text, m.norm["ship_type"]) for m in mentions] == [("Moskva", "cruiser"), ("Eagle S", "tanker")]


def test_look_alikes_are_not_ships() -> None:
    assert _names("SS officers, MS Windows and INS Commissioner Doris Meissner; the frigate On Monday") == []
    assert _names("the uss hopper, in lower case, is not a name") == []


def test_a_date_after_a_ship_type_stays_a_date() -> None:
    labels = {m.text: m.label for m in rule_mentions("The vessel Monday was late.", published="2024-11-04")}
    assert labels.get("Monday") == "DATE"


def test_the_tagger_reports_ships_as_vessels_not_organisations() -> None:
    text = "The French anti-air frigate FS Forbin joined U.S. Naval Forces Central Command in Bahrain."
    found = {(m.text, m.label) for m in tag(text)}
    assert ("FS Forbin", "VESSEL") in found
    assert not any(label in ("ORG", "LOC", "PERSON") and "Forbin" in name for name, label in found)
