"""Corroboration across the invented corpus in notebooks/data/corroboration (six reports of one event)."""

from __future__ import annotations

from pathlib import Path

import pytest

from osintkit.claims import Corroboration, corroborate, extract_claims
from osintkit.claims.independence import DocInfo, find_links, wire_of
from osintkit.claims.views import corroboration_matrix, styled_matrix, timeline
from osintkit.model import Claim, Document

CORPUS = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "corroboration"


@pytest.fixture(scope="module")
def corpus() -> list[Document]:
    from osintkit.load import load

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
    assert "11,000 vs 12,000 soldiers" in member.reason
    sources = {m.source for m in group.members}
    assert {"The Kyiv Ledger", "The Meridian Post"} <= sources  # 11,000 and "roughly 11,000 troops" in one group
    meridian = next(m for m in group.members if m.source == "The Meridian Post")
    assert meridian.stance in ("agrees", "adds detail")


def test_the_different_platform_is_found(result: Corroboration) -> None:
    group, member = _group_with(result, "Northern Dispatch", "taken to Kyiv")
    assert member.stance == "contradicts"
    assert "different platform: X vs Telegram" in member.reason
    assert "The Kyiv Ledger" in {m.source for m in group.members}


def test_the_copy_is_found_and_is_not_independent(result: Corroboration, corpus: list[Document]) -> None:
    ids = {d.source: d.id for d in corpus}
    copies = [lk for lk in result.independence if lk.relation == "copy"]
    assert [(lk.original, lk.echo) for lk in copies] == [(ids["The Kyiv Ledger"], ids["Daily Aggregator Online"])]
    assert copies[0].details["containment"] >= 0.5
    assert [ids["The Kyiv Ledger"], ids["Daily Aggregator Online"]] in result.echo_chains
    group, member = _group_with(result, "Daily Aggregator Online", "11,000 soldiers")
    assert member.echo_of == "The Kyiv Ledger"
    independent = result.independent_sources(group)
    assert "Daily Aggregator Online" not in independent and "The Kyiv Ledger" in independent
    # The Kyiv Ledger's own claim: its copy does not corroborate it; the Meridian Post does.
    ledger = next(m for m in group.members if m.source == "The Kyiv Ledger")
    assert result.independent_sources(ledger.claim_id) == ["The Meridian Post"]


def test_the_citation_is_an_echo(result: Corroboration, corpus: list[Document]) -> None:
    ids = {d.source: d.id for d in corpus}
    cites = [lk for lk in result.independence if lk.relation == "cites"]
    assert (ids["The Kyiv Ledger"], ids["Harbour Times"]) in [(lk.original, lk.echo) for lk in cites]
    group, member = _group_with(result, "Harbour Times", "11,000 soldiers")
    assert member.echo_of == "The Kyiv Ledger"
    assert "Harbour Times" not in result.independent_sources(group)


def test_independent_reports_are_not_echoes(result: Corroboration, corpus: list[Document]) -> None:
    ids = {d.source: d.id for d in corpus}
    for source in ("The Meridian Post", "Steppe Monitor", "Northern Dispatch", "The Kyiv Ledger"):
        assert not result.is_echo(ids[source]), source


def test_a_claim_with_only_echoes_has_no_independent_source(result: Corroboration) -> None:
    group, member = _group_with(result, "The Kyiv Ledger", "medical care")
    assert {m.source for m in group.members} <= {"The Kyiv Ledger", "Daily Aggregator Online"}
    assert result.independent_sources(member.claim_id) == []


def test_contradicting_claims_do_not_corroborate_each_other(result: Corroboration) -> None:
    _, steppe = _group_with(result, "Steppe Monitor", "12,000 soldiers")
    assert result.independent_sources(steppe.claim_id) == []


def test_to_dict_is_json(result: Corroboration) -> None:
    import json

    data = json.loads(json.dumps(result.to_dict()))
    assert data["groups"] and data["independence"] and data["echo_chains"]
    assert ["The Kyiv Ledger", "Daily Aggregator Online"] in data["echo_chains"]
    assert all({"id", "label", "members", "independent_sources"} <= set(g) for g in data["groups"])


def test_matrix_and_styles(result: Corroboration, corpus_claims: list[Claim]) -> None:
    frame = corroboration_matrix(corpus_claims, result)
    assert "Steppe Monitor" in frame.columns and "independent sources" in frame.columns
    cells = set(frame.drop(columns="independent sources").to_numpy().ravel())
    assert {"agrees", "contradicts", "echo"} <= cells
    assert cells <= {"agrees", "adds", "contradicts", "echo", ""}
    html = styled_matrix(corpus_claims, result).to_html()
    assert "#ffcdd2" in html  # contradictions in red


def test_timeline_sorted_by_resolved_date(corpus_claims: list[Claim], seed_text: str) -> None:
    pytest.importorskip("osintkit.tag.rules", reason="the rule tagger resolves dates")
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
