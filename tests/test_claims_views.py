"""Notebook views of corroboration: propositions end at a sentence or a word, and a reader meets titles, not ids."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from osintkit import load
from osintkit.claims import Corroboration, corroborate, extract_claims
from osintkit.claims.views import (
    LABEL_LIMIT,
    contradictions_frame,
    corroboration_matrix,
    origins_frame,
    timeline,
)
from osintkit.model import Claim, Document
from osintkit.tables import brief

CORPUS = Path(__file__).resolve().parent.parent / "notebooks" / "data" / "corroboration"

# One long attributed claim, relayed by a second paper: longer than any table cell should be, with no sentence end.
LONG = (
    "{who} said that the overnight strike on the northern district damaged forty-two apartment buildings, three "
    "schools, two kindergartens, a hospital wing and the main water pumping station serving the eastern half of the "
    "city{tail}.\n"
)


@pytest.fixture(scope="module")
def corpus() -> tuple[list[Document], list[Claim], Corroboration]:
    docs = list(load(CORPUS))
    claims = [c for d in docs for c in extract_claims(d)]
    return docs, claims, corroborate(claims, docs)


def _stated(co: Corroboration) -> set[str]:
    """Every proposition as its anchor claim states it, whole."""
    out = set()
    for g in co.groups:
        c = co.claims[g.anchor]
        out.add(f"{c.claimant}: {c.content.strip()}" if c.attributed and c.claimant else c.content.strip())
    return out


def _ends_at_a_word(label: str, whole: set[str]) -> bool:
    if label in whole:
        return True
    assert label.endswith(" …"), label
    head = label[:-2]
    return any(w.startswith(head) and w[len(head)] == " " for w in whole)


def test_propositions_are_shown_whole_or_end_at_a_word(
    corpus: tuple[list[Document], list[Claim], Corroboration],
) -> None:
    _, _, co = corpus
    whole = _stated(co)
    assert any(g.label.endswith("…") and g.label not in whole for g in co.groups)  # the label cut mid-word
    labels = [
        *origins_frame(co)["proposition"],
        *contradictions_frame(co)["proposition"],
        *corroboration_matrix(None, co).index,
    ]
    assert labels and all(_ends_at_a_word(label, whole) for label in labels)
    # The corpus's longest proposition (133 characters) now fits whole, in every table that names it.
    zelenskyy = next(w for w in whole if w.startswith("Ukrainian President Volodymyr Zelenskyy: Ukrainian forces"))
    assert zelenskyy in set(origins_frame(co)["proposition"]) and zelenskyy in corroboration_matrix(None, co).index


def test_a_proposition_longer_than_a_cell_ends_at_a_word(tmp_path: Path) -> None:
    for name, paper, hour, who, tail in (
        ("a", "Paper One", "08", "The regional governor Oleh Synehubov", ""),
        ("b", "Paper Two", "11", "Governor Oleh Synehubov", ", officials added"),
    ):
        header = f"Publisher: {paper}\nPublished: 2025-02-01T{hour}:00:00Z\n\n"
        (tmp_path / f"{name}.txt").write_text(header + LONG.format(who=who, tail=tail), encoding="utf-8")
    docs = list(load(tmp_path))
    claims = [c for d in docs for c in extract_claims(d)]
    co = corroborate(claims, docs)
    (label,) = set(origins_frame(co)["proposition"])
    assert len(label) <= LABEL_LIMIT and label.endswith(" …")
    assert _ends_at_a_word(label, _stated(co)) and label.startswith("Oleh Synehubov: the overnight strike")


def test_the_timeline_names_each_claims_publisher_and_title(
    corpus: tuple[list[Document], list[Claim], Corroboration],
) -> None:
    docs, claims, _ = corpus
    full = timeline(claims, docs)
    assert {"doc_id", "claim_id", "source", "document"} <= set(full.columns)  # ids stay for code
    titles = {d.id: d.title for d in docs}
    assert list(full["document"]) == [titles[i] for i in full["doc_id"]]
    assert list(timeline(claims).columns) == [c for c in full.columns if c not in ("source", "document")]
    shown = brief(full)
    # Every date in the corpus is one day: no end to show.
    assert list(shown.columns) == ["date", "date_text", "claimant", "cue", "content", "hedged", "source", "document"]
    cells = shown.astype(str).to_numpy().ravel()
    assert not any("doc-" in cell or "clm-" in cell or cell in ("None", "nan", "NaT") for cell in cells)
    assert {"The Kyiv Ledger", "Steppe Monitor"} <= set(shown["source"])
    assert list(shown["date"]) == sorted(pd.Timestamp(d) for d in shown["date"])


def test_the_timeline_shows_an_end_only_for_a_span() -> None:
    text = "The ministry said that 200 soldiers were captured in December. The mayor said a bridge was hit on Monday."
    frame = timeline(extract_claims(text, published="2025-01-12T00:00:00Z"))
    month = frame[frame["date_text"] == "December"].iloc[0]
    assert (month["date"], month["end"]) == (pd.Timestamp("2024-12-01"), pd.Timestamp("2024-12-31"))
    assert pd.isna(frame[frame["date_text"] == "Monday"].iloc[0]["end"])
    shown = brief(frame)
    assert "end" in shown.columns and list(shown["end"]) == [pd.Timestamp("2024-12-31"), ""]
