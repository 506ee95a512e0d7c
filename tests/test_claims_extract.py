"""Claim extraction against a gold list written by hand from the seed article (published 2025-01-12)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from osintkit.claims import extract_claims
from osintkit.claims.extract import claim_id
from osintkit.entities import tag
from osintkit.entities.normalise import link_entities
from osintkit.entities.rules import rule_mentions
from osintkit.errors import InputError
from osintkit.model import Claim, Document

# Each gold claim: a phrase that starts its content, the claimant (a substring of the extracted claimant), the
# cues accepted, the quantities (value, counted), whether it is hedged, and quoted (direct) or not.
GOLD: list[dict[str, Any]] = [
    {"content": "his country has taken two wounded North Korean soldiers", "claimant": "Zelenskyy",
     "cue": {"announced"}, "quantities": {(2, "soldiers")}, "hedged": False, "direct": False, "date": "2025-01-11"},
    {"content": "two troops, despite their injuries, survived", "claimant": "Zelenskyy", "cue": {"stated"},
     "quantities": {(2, "troops")}, "hedged": False, "direct": False, "platform": "X"},
    {"content": "Pyongyang deployed an estimated 11,000 soldiers", "claimant": "The U.S. and its allies",
     "cue": {"claim"}, "quantities": {(11000, "soldiers")}, "hedged": True, "hedges": {"an estimated"},
     "direct": False},
    {"content": "these two North Korean soldiers are getting the medical care", "claimant": "Zelenskyy",
     "cue": {"said"}, "quantities": {(2, "soldiers")}, "hedged": False, "direct": False},
    {"content": "it was not an easy task to capture them", "claimant": "Zelenskyy", "cue": {"added"},
     "quantities": set(), "hedged": False, "direct": True},
    {"content": "Russia was attempting to", "claimant": "Ukrainian military", "cue": {"warning", "claiming", "warned"},
     "quantities": set(), "hedged": False, "direct": True, "date": "2024-12"},
    {"content": "military cards belonging to North Koreans", "claimant": "the report", "cue": {"according to"},
     "quantities": set(), "hedged": False, "direct": True},
    {"content": "North Korean special forces members were given", "claimant": "South Korean intelligence",
     "cue": {"said"}, "quantities": set(), "hedged": False, "direct": False, "date": "2024-10"},
    {"content": "to have given the Ukrainian security service instructions", "claimant": "Zelensky",
     "cue": {"claimed"}, "quantities": set(), "hedged": True, "direct": False},
    {"content": "the world must be aware", "claimant": "Zelensky", "cue": {"stated"}, "quantities": set(),
     "hedged": False, "direct": False},
    {"content": "4,000 North Korean soldiers had been killed or injured", "claimant": "Zelenskyy", "cue": {"stated"},
     "quantities": {(4000, "soldiers")}, "hedged": False, "direct": False},
    {"content": "several North Korean soldiers had committed suicide", "claimant": "John Kirby", "cue": {"said"},
     "quantities": set(), "hedged": False, "direct": False, "type": "government"},
    {"content": "these suicides were probably motivated", "claimant": "John Kirby", "cue": {"claimed"},
     "quantities": set(), "hedged": True, "hedges": {"probably"}, "direct": False},
]  # fmt: skip
# Sentences in the publication's own voice: no claimant to find.
UNATTRIBUTED = (
    "Zelenskyy shared a picture",
    "Another image shows",
    "A Russian document’s cover",
    "The force deployment",
)


def match_gold(claims: list[Claim]) -> tuple[list[tuple[dict[str, Any], Claim | None]], list[Claim]]:
    """Pair each gold claim with the extracted claim whose content starts the same; the rest are extra."""
    attributed = [c for c in claims if c.attributed]
    pairs = []
    used: set[str] = set()
    for gold in GOLD:
        found = next((c for c in attributed if c.content.startswith(gold["content"]) and c.id not in used), None)
        if found is not None:
            used.add(found.id)
        pairs.append((gold, found))
    return pairs, [c for c in attributed if c.id not in used]


@pytest.fixture(scope="module")
def seed_doc(seed_path: Path) -> Document:
    from osintkit import load

    docs = list(load(seed_path))
    assert docs and docs[0].published and docs[0].published.startswith("2025-01-12")
    return docs[0]


@pytest.fixture(scope="module")
def seed_claims(seed_doc: Document) -> list[Claim]:
    # The default path: the shipped tagger's mentions, linked to entities, give quantities, places and dates.
    return extract_claims(seed_doc)


def _check(gold: dict[str, Any], claim: Claim | None) -> None:
    assert claim is not None, f"gold claim not found: {gold['content']!r}"
    where = f"claim {claim.content[:50]!r}"
    assert claim.claimant and gold["claimant"].lower() in claim.claimant.lower(), (where, claim.claimant)
    assert claim.cue in gold["cue"], (where, claim.cue)
    if "quantities" in gold:
        got = {(round(q.value), q.counted) for q in claim.quantities if q.counted}
        assert got == gold["quantities"], (where, claim.quantities)
    assert claim.hedged is gold["hedged"], (where, claim.hedges)
    assert set(gold.get("hedges", ())) <= set(claim.hedges), (where, claim.hedges)
    assert claim.direct is gold["direct"], (where, claim.quotes)
    if "platform" in gold:
        assert claim.platform == gold["platform"], where
    if "type" in gold:
        assert claim.claimant_type == gold["type"], where


@pytest.mark.parametrize("index", range(len(GOLD)), ids=[g["content"][:30] for g in GOLD])
def test_gold_claim_found(seed_claims: list[Claim], index: int) -> None:
    pairs, _ = match_gold(seed_claims)
    _check(*pairs[index])


def test_no_spurious_attributed_claims(seed_claims: list[Claim]) -> None:
    _, extra = match_gold(seed_claims)
    assert extra == [], [(c.claimant, c.cue, c.content[:40]) for c in extra]


def test_unattributed_sentences_are_the_publications(seed_claims: list[Claim], seed_doc: Document) -> None:
    own = [c for c in seed_claims if not c.attributed]
    for start in UNATTRIBUTED:
        claim = next((c for c in own if c.content.startswith(start)), None)
        assert claim is not None, start
        assert claim.claimant_type == "publication" and claim.cue is None
        assert claim.claimant == seed_doc.source
    deployment = next(c for c in own if c.content.startswith("The force deployment"))
    assert deployment.negated


def test_pronouns_resolve_to_the_previous_person(seed_claims: list[Claim]) -> None:
    added = next(c for c in seed_claims if c.cue == "added")
    assert added.sentence.startswith("He added") and "Zelensk" in (added.claimant or "")
    suicides = next(c for c in seed_claims if c.content.startswith("these suicides"))
    assert suicides.sentence.startswith("He claimed") and suicides.claimant == "John Kirby"


def test_offsets_index_the_document(seed_claims: list[Claim], seed_doc: Document) -> None:
    text = seed_doc.text
    for c in seed_claims:
        assert text[c.content_start : c.content_end] == c.content
        assert text[c.sentence_start : c.sentence_end] == c.sentence
        assert c.sentence_start <= c.content_start <= c.content_end <= c.sentence_end
        assert c.doc_id == seed_doc.id
        assert c.id == claim_id(c.doc_id, c.sentence_start, c.sentence_end, c.content_start, c.content_end)
    again = extract_claims(seed_doc)
    assert [c.id for c in again] == [c.id for c in seed_claims]  # stable ids


def test_claimant_types(seed_claims: list[Claim]) -> None:
    by_claimant = {c.claimant: c.claimant_type for c in seed_claims if c.attributed}
    assert by_claimant["South Korean intelligence services"] == "intelligence"
    assert by_claimant["the Ukrainian military"] == "military"
    assert by_claimant["the report"] == "media"
    assert by_claimant["Zelenskyy"] == "government"  # his role comes from "Ukrainian President" earlier


def test_dates_resolved_from_publication_date(seed_claims: list[Claim]) -> None:
    for gold, claim in match_gold(seed_claims)[0]:
        if "date" in gold:
            assert claim is not None
            resolved = [str(d.get("value") or d.get("start") or "") for d in claim.dates]
            assert any(r.startswith(gold["date"]) for r in resolved), (gold["content"], claim.dates)


def test_syntax_alone_finds_every_attribution(seed_text: str) -> None:
    # No mentions at all: attribution is syntactic. Figures and places come from the tagger's mentions only (there
    # is no second parser to fall back on), so none are reported.
    claims = extract_claims(seed_text, mentions=[])
    pairs, extra = match_gold(claims)
    for gold, claim in pairs:
        _check({k: v for k, v in gold.items() if k not in ("date", "quantities")}, claim)
    assert extra == []
    assert all(c.quantities == [] and c.places == [] and c.dates == [] for c in claims)


def test_figures_places_and_dates_come_from_the_mentions(seed_text: str) -> None:
    rules = rule_mentions(seed_text, published="2025-01-12")
    claims = extract_claims(seed_text, mentions=rules)
    for gold, claim in match_gold(claims)[0]:
        _check({k: v for k, v in gold.items() if k != "date"}, claim)  # the gold figures, from the rule tagger
    assert not any(c.places for c in claims)  # the rules tag no places; nothing guesses them from capitals


def test_without_mentions_the_shipped_tagger_runs(seed_doc: Document, seed_claims: list[Claim]) -> None:
    mentions = tag(seed_doc)
    link_entities(mentions)
    assert extract_claims(seed_doc, mentions=mentions) == seed_claims
    assert any(c.places for c in seed_claims) and any(c.claimant_entity_id for c in seed_claims)


@pytest.mark.parametrize(
    ("sentence", "claimant", "cue", "content", "extra"),
    [
        ("According to the ministry, 300 soldiers died.", "the ministry", "according to", "300 soldiers died", {}),
        ("North Korea sent 12,000 troops, according to South Korean intelligence.", "South Korean intelligence",
         "according to", "North Korea sent 12,000 troops", {"claimant_type": "intelligence"}),
        ("In a post on Telegram, Zelenskyy said that two soldiers were captured.", "Zelenskyy", "said",
         "two soldiers were captured", {"platform": "Telegram"}),
        ("Zelenskyy stated on X (Twitter) that the men were in Kyiv.", "Zelenskyy", "stated", "the men were in Kyiv",
         {"platform": "X"}),
        ("“We will not give up,” Zelenskyy said on Saturday.", "Zelenskyy", "said", "We will not give up",
         {"direct": True}),
        ("The troops were flown to Kyiv, the ministry said on Sunday.", "the ministry", "said",
         "The troops were flown to Kyiv", {}),
        ("Russia denied that any North Korean troops were in Kursk.", "Russia", "denied",
         "any North Korean troops were in Kursk", {"negated": True, "claimant_type": "government"}),
        ("Two sources familiar with the matter told reporters that the troops had left.",
         "Two sources familiar with the matter", "told", "the troops had left", {"claimant_type": "anonymous"}),
        ("A spokeswoman for the Security Service of Ukraine, Iryna Koval, said that the men were questioned.",
         "Iryna Koval", "said", "the men were questioned",
         {"claimant_role": "A spokeswoman for the Security Service of Ukraine"}),
        ("Officials reportedly estimated that about 300 soldiers died.", "Officials", "estimated",
         "about 300 soldiers died", {"hedged": True}),
    ],
)  # fmt: skip
def test_attribution_patterns(sentence: str, claimant: str, cue: str, content: str, extra: dict[str, Any]) -> None:
    claim = extract_claims(sentence, mentions=[])[0]
    assert (claim.claimant, claim.cue, claim.content) == (claimant, cue, content)
    assert claim.attributed
    for key, value in extra.items():
        assert getattr(claim, key) == value, key


def test_nouns_and_adjectives_are_not_cues() -> None:
    for sentence in ("The claim that troops were sent was denied.", "An estimated 11,000 soldiers were deployed."):
        claim = extract_claims(sentence, mentions=[])[0]
        assert not claim.attributed and claim.cue is None


def test_to_dict_has_the_cli_keys(seed_claims: list[Claim]) -> None:
    for c in seed_claims:
        d = c.to_dict()
        assert {"claimant", "cue", "content", "direct", "hedged", "quantities"} <= set(d)
        assert json.loads(json.dumps(d)) == d
        assert Claim.from_dict(d) == c


def test_figures_carry_the_readers_hedges_and_bounds() -> None:
    text = "Officials said that up to an estimated 11,000 soldiers and 2,000-3,000 drones were sent."
    (claim,) = extract_claims(text, mentions=rule_mentions(text, published="2025-01-12"))
    soldiers, drones = claim.quantities
    assert (soldiers.value, soldiers.modifiers, soldiers.bound, soldiers.approximate) == (
        11000,
        ["up to", "an estimated"],
        "upper",
        True,
    )
    assert (drones.value, drones.value_max, drones.bound, drones.modifiers) == (2000, 3000, None, [])
    # Exports publish the seven keys they always have; the bounds stay in the case.
    assert soldiers.published() == {
        "value": 11000.0, "text": "11,000", "unit": None, "counted": "soldiers", "start": soldiers.start,
        "end": soldiers.end, "approximate": True,
    }  # fmt: skip


def test_a_figure_that_is_not_one_is_named() -> None:
    with pytest.raises(InputError, match="quantities"):
        Claim.from_dict({**extract_claims("He said so.", mentions=[])[0].to_dict(), "quantities": [{"value": 3}]})


def test_no_sentence_no_claim() -> None:
    assert extract_claims("", mentions=[]) == []
    assert all(re.search(r"\w", c.content) for c in extract_claims("Hi.\n\nOk.", mentions=[]))
