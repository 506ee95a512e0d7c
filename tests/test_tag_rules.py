"""rule_mentions as the tagger sees it: NORP with countries, no overlaps, offsets that slice exactly."""

from __future__ import annotations

import itertools

from hypothesis import given, settings
from hypothesis import strategies as st

from osintkit.entities.demonyms import demonym_country, demonym_table
from osintkit.entities.rules import rule_mentions


def test_seed_nationalities_map_to_countries(seed_text: str) -> None:
    norps = {m.text: m.norm["country_code"] for m in rule_mentions(seed_text) if m.label == "NORP"}
    assert norps["North Korean"] == "KP"
    assert norps["Russian"] == "RU"
    assert norps["Ukrainian"] == "UA"
    assert norps["South Korean"] == "KR"
    assert norps["North Koreans"] == "KP"
    assert norps["Korean"] is None  # could be either Korea


def test_longest_demonym_wins_and_case_matters() -> None:
    mentions = rule_mentions("North Korean and Russian-made gear; polish it. Papua New Guineans voted.")
    assert [(m.text, m.norm["country_code"]) for m in mentions] == [
        ("North Korean", "KP"),
        ("Russian", "RU"),
        ("Papua New Guineans", "PG"),
    ]


def test_institution_rule_tags_agencies_not_adjectives() -> None:
    text = (
        "The Ukrainian security service said so. The Russian Defence Ministry agreed, "
        "as did the South Korean intelligence services. Russian military outfits were found."
    )
    orgs = [(m.text, m.norm["country_code"], m.norm["institution"]) for m in rule_mentions(text) if m.label == "ORG"]
    assert orgs == [
        ("Ukrainian security service", "UA", "security service"),
        ("Russian Defence Ministry", "RU", "defence ministry"),
        ("South Korean intelligence services", "KR", "intelligence services"),
    ]


def test_demonym_country() -> None:
    assert demonym_country("North Korean") == ("KP", "North Korea")
    assert demonym_country("Ukrainians") == ("UA", "Ukraine")
    assert demonym_country("Kurds") is None
    assert demonym_country("Kyiv") is None
    codes = {d.country_code for d in demonym_table().values() if d.country_code}
    assert len(codes) >= 195  # every UN member state and more


def test_seed_rule_mentions_do_not_overlap_and_slice_exactly(seed_text: str) -> None:
    mentions = rule_mentions(seed_text, "2025-01-12")
    assert {m.label for m in mentions} == {"DATE", "QUANTITY", "NORP", "ORG"}
    flat = [m for m in mentions if m.label != "ORG"]  # an institution ORG holds its demonym, nothing else overlaps
    for a, b in itertools.pairwise(flat):
        assert a.end <= b.start
    for org in (m for m in mentions if m.label == "ORG"):
        inside = [m for m in mentions if m is not org and m.start < org.end and org.start < m.end]
        assert [(m.label, m.start) for m in inside] == [("NORP", org.start)]
    for m in mentions:
        assert seed_text[m.start : m.end] == m.text and m.source == "rule"


_pieces = st.sampled_from(
    [
        " ",
        ", ",
        ".",
        "\n",
        "on Saturday",
        "11,000 soldiers",
        "North Korean",
        "two",
        "late last year",
        "2025-01-11",
        "$5bn",
        "12%",
        "2,000-3,000",
        "Jan. 11, 2025",
        "11/01/2025",
        "twenty-five",
        "in May",
        "since August",
        "hundreds of civilians",
        "é",
        "Ukrainians",
        "1990s",
        "“",
        "—",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_pieces, st.text(max_size=12)), max_size=30), st.sampled_from([None, "2025-01-12", "bad"]))
def test_every_rule_mention_slices_to_its_text(parts: list[str], published: str | None) -> None:
    text = "".join(parts)
    mentions = rule_mentions(text, published)
    for m in mentions:
        assert 0 <= m.start < m.end <= len(text)
        assert text[m.start : m.end] == m.text
    for a, b in itertools.pairwise(mentions):
        assert a.end <= b.start
