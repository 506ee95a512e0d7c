"""Corroboration across the invented corpus in notebooks/data/corroboration (six reports of one event): origins, not
outlets; contradictions only where one slot truly differs; discrepancies on the claim alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from osintkit.claims import Corroboration, corroborate, extract_claims
from osintkit.claims.links import DocInfo, find_links, wire_of
from osintkit.claims.views import corroboration_matrix, styled_matrix, timeline
from osintkit.model import Claim, Document

CORPUS = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "corroboration"


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    from osintkit import load

    docs = list(load(CORPUS))
    assert len(docs) >= 5
    assert all(d.source and d.published for d in docs), "every report has a sidecar with source and date"
    return docs


@pytest.fixture(scope="module")
def corpus_claims(corpus: list[Document]) -> list[Claim]:
    return [c for d in corpus for c in extract_claims(d)]


@pytest.fixture(scope="module")
def result(corpus: list[Document], corpus_claims: list[Claim]) -> Corroboration:
    return corroborate(corpus_claims, corpus)


def _group_with(result: Corroboration, source: str, phrase: str):  # type: ignore[no-untyped-def]
    for g in result.groups:
        for m in g.members:
            if m.source == source and phrase in result.claims[m.claim_id].content:
                return g, m
    raise AssertionError(f"no group has {source}'s claim containing {phrase!r}")


def test_the_contradicting_figure_is_found(result: Corroboration) -> None:
    group, member = _group_with(result, "Steppe Monitor", "12,000 soldiers")
    assert member.stance == "contradicts"
    assert "about 11,000 vs 12,000 (soldiers deployed)" in member.reason
    sources = {m.source for m in group.members}
    assert {"The Kyiv Ledger", "The Meridian Post"} <= sources  # 11,000 and "roughly 11,000 troops" in one group
    meridian = next(m for m in group.members if m.source == "The Meridian Post")
    assert meridian.stance in ("agrees", "adds detail")
    found = [x for x in result.contradictions if x.claim_b == member.claim_id]
    # Paired with each report that gave 11,000 first: the Kyiv Ledger's and the Meridian Post's.
    assert {result.claims[x.claim_a].doc_id for x in found} == {
        m.doc_id for m in group.members if m.source in ("The Kyiv Ledger", "The Meridian Post")
    }
    assert all(x.slot == "quantity" and x.kind == "contradiction" and x.independent for x in found)


def test_a_different_platform_is_a_discrepancy_on_that_claim_alone(result: Corroboration) -> None:
    _, member = _group_with(result, "Northern Dispatch", "taken to Kyiv")
    assert member.stance in ("discrepancy", "adds detail")
    assert not any(x.kind == "contradiction" and x.slot == "platform" for x in result.contradictions)
    assert member.against == []  # a platform difference is never evidence against the claim


def test_the_copy_is_found_and_is_not_independent(result: Corroboration, corpus: list[Document]) -> None:
    ids = {d.source: d.id for d in corpus}
    copies = [lk for lk in result.independence if lk.relation == "copy"]
    assert [(lk.original, lk.copy) for lk in copies] == [(ids["The Kyiv Ledger"], ids["Daily Aggregator Online"])]
    assert copies[0].direction == "publication time"
    assert copies[0].details["containment"] >= 0.5
    assert [ids["The Kyiv Ledger"], ids["Daily Aggregator Online"]] in result.echo_chains
    group, member = _group_with(result, "Daily Aggregator Online", "11,000 soldiers")
    assert member.echo_of == "The Kyiv Ledger"
    ledger = next(m for m in group.members if m.source == "The Kyiv Ledger")
    assert member.origin == ledger.origin  # the copy relays the Ledger's origin: one piece of evidence


def test_the_citation_is_an_echo_with_the_cited_origin(result: Corroboration, corpus: list[Document]) -> None:
    ids = {d.source: d.id for d in corpus}
    assert result.parents[ids["Harbour Times"]].original == ids["The Kyiv Ledger"]
    assert result.parents[ids["Harbour Times"]].direction == "citation"
    group, member = _group_with(result, "Harbour Times", "11,000 soldiers")
    assert member.echo_of == "The Kyiv Ledger"
    ledger = next(m for m in group.members if m.source == "The Kyiv Ledger")
    assert member.origin == ledger.origin


def test_independent_reports_are_not_echoes(result: Corroboration, corpus: list[Document]) -> None:
    ids = {d.source: d.id for d in corpus}
    for source in ("The Meridian Post", "Steppe Monitor", "Northern Dispatch", "The Kyiv Ledger"):
        assert not result.is_echo(ids[source]), source


def test_relays_of_one_speaker_are_one_origin(result: Corroboration) -> None:
    group, _ = _group_with(result, "The Kyiv Ledger", "captured two wounded")
    assert len(group.members) >= 4  # four outlets relay Zelenskyy's announcement...
    zelenskyy = {m.origin for m in group.members if "zelensk" in m.origin}
    assert len(zelenskyy) == 1  # ...which is one origin, however the outlets spell his name


def test_a_claim_with_only_echoes_has_no_independent_source(result: Corroboration) -> None:
    group, member = _group_with(result, "The Kyiv Ledger", "medical care")
    assert {m.source for m in group.members} <= {"The Kyiv Ledger", "Daily Aggregator Online"}
    assert result.independent_sources(member.claim_id) == []


def test_contradicting_claims_do_not_corroborate_each_other(result: Corroboration) -> None:
    _, steppe = _group_with(result, "Steppe Monitor", "12,000 soldiers")
    assert result.independent_sources(steppe.claim_id) == []
    assert len(steppe.against) >= 1


def test_origin_chains_show_the_relay(result: Corroboration) -> None:
    _, member = _group_with(result, "Daily Aggregator Online", "taken to Kyiv")
    chain = result.chain_of(member.claim_id)
    assert chain[0].startswith("Zelenskyy") and "X" in chain[0]
    assert chain[-2:] == ["The Kyiv Ledger", "Daily Aggregator Online"]


def test_to_dict_is_json(result: Corroboration) -> None:
    import json

    data = json.loads(json.dumps(result.to_dict()))
    assert data["groups"] and data["independence"] and data["echo_chains"] and data["contradictions"]
    assert ["The Kyiv Ledger", "Daily Aggregator Online"] in data["echo_chains"]
    assert all({"id", "label", "members", "independent_sources"} <= set(g) for g in data["groups"])
    assert all(c["reason"] for c in data["contradictions"])


def test_findings_do_not_depend_on_input_order(corpus: list[Document], corpus_claims: list[Claim]) -> None:
    """Shuffling documents and claims changes no finding (ids derive from content, ties break on ids)."""
    import random

    base = corroborate(corpus_claims, corpus).to_dict()
    for seed in range(3):
        rng = random.Random(seed)
        docs, claims = list(corpus), list(corpus_claims)
        rng.shuffle(docs)
        rng.shuffle(claims)
        assert corroborate(claims, docs).to_dict() == base


def test_matrix_and_styles(result: Corroboration, corpus_claims: list[Claim]) -> None:
    frame = corroboration_matrix(corpus_claims, result)
    assert "Steppe Monitor" in frame.columns and "independent sources" in frame.columns
    cells = set(frame.drop(columns="independent sources").to_numpy().ravel())
    assert {"agrees", "contradicts", "echo"} <= cells
    assert cells <= {"agrees", "adds", "contradicts", "discrepancy", "echo", ""}
    html = styled_matrix(corpus_claims, result).to_html()
    assert "#ffcdd2" in html  # contradictions in red


def test_timeline_sorted_by_resolved_date(corpus_claims: list[Claim], seed_text: str) -> None:
    claims = extract_claims(seed_text, published="2025-01-12T00:00:00Z")
    frame = timeline(claims)
    assert len(frame) >= 4
    assert list(frame["date"]) == sorted(frame["date"])
    assert frame.iloc[-1]["date_text"] == "Saturday"  # 11 January 2025, the latest dated claim


def test_wire_stories_are_echoes() -> None:
    body = "North Korea has sent about 11,000 soldiers to Russia, Western officials said on Saturday. " * 2
    docs = [
        DocInfo("a", "Paper One", "SEOUL (AP) — " + body, "2025-01-12"),
        DocInfo("b", "Paper Two", "SEOUL (AP) - " + body.replace("Saturday", "Saturday night"), "2025-01-12"),
        DocInfo("c", "Paper Three", "An unrelated local story about a football match in the rain.", "2025-01-12"),
    ]
    assert wire_of(docs[0]) == "Associated Press"
    links = find_links(docs)
    wired = {lk.echo for lk in links if lk.relation == "same wire"}
    assert wired == {"a", "b"}
    assert all(lk.original == "wire:Associated Press" for lk in links if lk.relation == "same wire")
    assert not any("c" in (lk.original, lk.echo) for lk in links)


def test_claims_alone_still_detect_copies(corpus_claims: list[Claim]) -> None:
    # Without the documents, the claims' sentences stand in for the texts.
    result = corroborate(corpus_claims)
    assert any(lk.relation == "copy" for lk in result.independence)


def _doc(text: str, source: str, language: str) -> Document:
    import hashlib

    sha = hashlib.sha256(text.encode()).hexdigest()
    return Document(
        id=Document.make_id(sha), text=text, sha256=sha, loader="test", retrieved="2025-03-12T00:00:00Z",
        source=source, language=language, published="2025-03-12",
    )  # fmt: skip


def test_a_ukrainian_post_contradicts_a_figure_as_the_english_report_of_it_does() -> None:
    docs = [
        _doc(
            "Генштаб ЗСУ повідомив, що 11 березня понад 4 тис. російських військових загинули в Курській області.",
            "Генштаб ЗСУ (Telegram)",
            "uk",
        ),
        _doc(
            "Ukraine's General Staff said that more than 4,000 Russian soldiers were killed in the Kursk region on "
            "11 March.",
            "Kyiv Wire",
            "en",
        ),
        _doc(
            "Russia's defence ministry said that only 2,000 Russian soldiers were killed in the Kursk region on "
            "11 March.",
            "Moscow Daily",
            "en",
        ),
    ]
    result = corroborate([c for d in docs for c in extract_claims(d)], docs)
    (group,) = [g for g in result.groups if len(g.members) > 1]
    stances = {m.source: (m.stance, m.reason) for m in group.members}
    assert stances["Генштаб ЗСУ (Telegram)"] == ("contradicts", "2,000 vs понад 4 тис. (soldiers killed)")
    assert stances["Kyiv Wire"] == ("contradicts", "2,000 vs more than 4,000 (soldiers killed)")
    # the Ukrainian and the English "more than 4,000" agree with each other: no contradiction between them
    doc_of = {cid: c.doc_id for cid, c in result.claims.items()}
    pairs = {frozenset({doc_of[c.claim_a], doc_of[c.claim_b]}) for c in result.contradictions}
    assert frozenset({docs[0].id, docs[1].id}) not in pairs and len(pairs) == 2
