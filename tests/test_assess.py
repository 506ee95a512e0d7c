"""The Admiralty scale's rules, on a real case file holding the invented corroboration corpus."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from osintkit.assess import (
    CREDIBILITY,
    RELIABILITY,
    admiralty_code,
    assessment_frame,
    claimant_stake,
    describe,
    rate_claim,
    rate_source,
    set_source_card,
    source_card,
    suggest_ratings,
)
from osintkit.claims import Corroboration, corroborate, extract_claims
from osintkit.errors import AssessmentError, OsintkitError
from osintkit.model import Claim
from osintkit.store import Case

CORPUS = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "corroboration"


@pytest.fixture(scope="module")
def analysed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Corroboration]]:
    from osintkit import load

    path = tmp_path_factory.mktemp("assess") / "case.sqlite"
    with Case(path, actor="analyst-1") as case:
        docs = list(load(CORPUS))
        case.add_documents(docs)
        for d in docs:
            case.replace_claims(d.id, extract_claims(d))
        yield path, corroborate(case.claims(), case.documents())


@pytest.fixture
def case(analysed: tuple[Path, Corroboration]) -> Iterator[Case]:
    with Case(analysed[0], actor="analyst-1") as c:
        yield c


@pytest.fixture
def co(analysed: tuple[Path, Corroboration]) -> Corroboration:
    return analysed[1]


def _claim(case: Case, source: str, phrase: str) -> Claim:
    ids = {d.id for d in case.documents() if d.source == source}
    return next(c for c in case.claims() if c.doc_id in ids and phrase in c.content)


def test_scale_constants() -> None:
    assert list(RELIABILITY) == ["A", "B", "C", "D", "E", "F"]
    assert list(CREDIBILITY) == ["1", "2", "3", "4", "5", "6"]
    assert describe("B2") == "B2: Usually reliable source; information probably true"


def test_credibility_1_needs_an_independent_source(case: Case, co: Corroboration) -> None:
    # The Kyiv Ledger's "medical care" claim is repeated only by its own copy, the Daily Aggregator.
    lonely = _claim(case, "The Kyiv Ledger", "medical care")
    with pytest.raises(AssessmentError, match="independent source") as info:
        rate_claim(case, lonely.id, 1, corroboration=co)
    assert "Daily Aggregator Online" in str(info.value)  # the message names the echo that does not count
    assert case.current_rating("claim", lonely.id) is None
    # The copy's own claim cannot be confirmed by the original it copies either.
    copy = _claim(case, "Daily Aggregator Online", "medical care")
    with pytest.raises(AssessmentError):
        rate_claim(case, copy.id, "1", corroboration=co)


def test_credibility_1_allowed_with_independent_corroboration(case: Case, co: Corroboration) -> None:
    figure = _claim(case, "The Kyiv Ledger", "11,000 soldiers")
    rating = rate_claim(case, figure.id, 1, corroboration=co)
    assert rating["grade"] == "1" and rating["origin"] == "analyst"
    assert "U.S. officials" in rating["rationale"]  # the independent origin, named (The Meridian Post relays it)


def test_credibility_1_computes_corroboration_from_the_case(case: Case) -> None:
    lonely = _claim(case, "The Kyiv Ledger", "journalists would be allowed")
    with pytest.raises(AssessmentError, match="credibility 1"):
        rate_claim(case, lonely.id, 1)


@pytest.mark.parametrize("grade", ["G", "", "1", "AB", "a1", None])
def test_invalid_reliability_grades(case: Case, grade: object) -> None:
    with pytest.raises(AssessmentError, match="A–F"):
        rate_source(case, "The Kyiv Ledger", grade)  # type: ignore[arg-type]


@pytest.mark.parametrize("grade", [0, 7, "A", "2.5", "", "one"])
def test_invalid_credibility_grades(case: Case, co: Corroboration, grade: object) -> None:
    claim = _claim(case, "Steppe Monitor", "12,000")
    with pytest.raises(AssessmentError, match="1–6") as info:
        rate_claim(case, claim.id, grade, corroboration=co)  # type: ignore[arg-type]
    assert isinstance(info.value, OsintkitError) and isinstance(info.value, ValueError)


def test_unknown_claim_is_refused(case: Case, co: Corroboration) -> None:
    with pytest.raises(AssessmentError, match="no claim"):
        rate_claim(case, "clm-does-not-exist", 3, corroboration=co)


def test_analyst_rating_beats_suggestion_and_is_logged(case: Case, co: Corroboration) -> None:
    suggestions = suggest_ratings(case, corroboration=co)
    steppe = _claim(case, "Steppe Monitor", "12,000")
    suggested = next(s for s in suggestions if s.object_id == steppe.id)
    assert int(suggested.grade) >= 4 and "contradicted" in suggested.rationale
    assert case.current_rating("claim", steppe.id)["origin"] == "suggested"  # type: ignore[index]

    rate_claim(case, steppe.id, 3, "South Korea's NIS figure; plausible", corroboration=co)
    rate_source(case, "Steppe Monitor", "c", "regional outlet, original reporting")
    suggest_ratings(case, corroboration=co)  # suggesting again must not override the analyst
    current = case.current_rating("claim", steppe.id)
    assert current is not None and (current["grade"], current["origin"]) == ("3", "analyst")
    assert case.current_rating("source", "Steppe Monitor")["grade"] == "C"  # type: ignore[index]
    assert admiralty_code(case, steppe.id) == "C3"

    actions = [(e.action, e.object_id) for e in case.custody()]
    assert ("rate-claim-analyst", steppe.id) in actions
    assert ("rate-source-analyst", "Steppe Monitor") in actions
    assert ("rate-claim-suggested", steppe.id) in actions
    report = case.verify()
    assert report.ok, report.problems


def test_suggestions_from_evidence(case: Case, co: Corroboration) -> None:
    suggestions = {s.object_id: s for s in suggest_ratings(case, corroboration=co)}
    copy = _claim(case, "Daily Aggregator Online", "11,000")
    assert "← The Kyiv Ledger ← Daily Aggregator Online" in suggestions[copy.id].rationale  # the origin chain
    # Running another outlet's copy is not unreliability: no record of its own, so F, never D.
    assert suggestions["Daily Aggregator Online"].grade == "F"
    assert suggestions["Harbour Times"].grade == "F"
    assert "syndicat" not in suggestions["Daily Aggregator Online"].rationale
    meridian = _claim(case, "The Meridian Post", "11,000 troops")
    assert "hedged" in suggestions[meridian.id].rationale
    assert "South Korea" in suggestions[meridian.id].rationale  # the contradicting origin is named
    n_before = len(case.ratings())
    suggest_ratings(case, corroboration=co)
    assert len(case.ratings()) == n_before  # the same suggestions again are not stored twice


def test_an_interested_party_is_a_caveat_not_evidence_against(seed_text: str, tmp_path: Path) -> None:
    claims = extract_claims(seed_text, mentions=[], doc_id="doc-seed")
    losses = next(c for c in claims if c.content.startswith("4,000"))
    assert "Ukraine" in (claimant_stake(losses) or "")
    kirby = next(c for c in claims if c.claimant == "John Kirby")
    assert claimant_stake(kirby) is None
    from osintkit.model import Document

    doc = Document(id="doc-seed", text=seed_text, sha256="0" * 64, loader="test", retrieved="2025-01-12T00:00:00Z")
    with Case(tmp_path / "seed.sqlite") as case:
        case.add_documents([doc])
        case.replace_claims(doc.id, claims)
        co = corroborate(case.claims(), case.documents())
        grades = {s.object_id: s for s in suggest_ratings(case, corroboration=co)}
        assert grades[losses.id].grade == grades[kirby.id].grade == "3"  # one origin each, nothing against
        assert grades[losses.id].caveats and "party to the conflict" in grades[losses.id].caveats[0]
        assert "caveat, not evidence against" in grades[losses.id].rationale


def test_source_card_sift_notes(case: Case) -> None:
    blank = source_card(case, "The Meridian Post")
    assert blank.documents == 1 and blank.claims >= 3 and not blank.sift_complete
    card = set_source_card(
        case,
        "The Meridian Post",
        stop="Strong claim; check before sharing.",
        investigate="Independent daily; ownership listed on its About page.",
        find_better="Kyiv Ledger and Steppe Monitor report the same capture.",
        trace="Figures trace to U.S. officials; the X post is the original announcement.",
        links=["https://meridian-post.example/about"],
    )
    assert card.sift_complete and card.links == ["https://meridian-post.example/about"]
    rate_source(case, "The Meridian Post", "B", "track record in earlier cases")
    html = source_card(case, "The Meridian Post")._repr_html_()
    assert "Usually reliable" in html and "Find Better" in html and "U.S. officials" in html
    assert ("source-card", "The Meridian Post") in [(e.action, e.object_id) for e in case.custody()]
    updated = set_source_card(case, "The Meridian Post", notes="Paywalled.")
    assert updated.stop.startswith("Strong claim")  # fields not given keep their stored value
    with pytest.raises(AssessmentError, match="unknown source card field"):
        set_source_card(case, "The Meridian Post", owner="x")
    assert case.verify().ok


def test_assessment_frame_shows_codes(case: Case, co: Corroboration) -> None:
    rate_source(case, "The Kyiv Ledger", "B")
    figure = _claim(case, "The Kyiv Ledger", "11,000 soldiers")
    rate_claim(case, figure.id, 2, corroboration=co)
    frame = assessment_frame(case)
    row = frame.set_index("claim_id").loc[figure.id]
    assert row["code"] == "B2" and row["credibility_by"] == "analyst"
