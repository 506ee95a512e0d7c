"""brief() and preview(): what a notebook shows, from the kit's real frames on the seed article."""

from __future__ import annotations

import math
from pathlib import Path

import pandas as pd
import pytest

from osintkit import Case, load
from osintkit.entities.display import mentions_frame
from osintkit.entities.normalise import entities_frame
from osintkit.errors import InputError
from osintkit.geo import places_frame
from osintkit.pipeline import analyse_case, ingest
from osintkit.tables import brief, preview

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    path = tmp_path_factory.mktemp("tables") / "case.sqlite"
    the_case = Case(path)
    ingest(the_case, [SEEDS])
    analyse_case(the_case)
    from osintkit.entities.normalise import normalise_case

    normalise_case(the_case)
    return the_case


def _clean(frame: pd.DataFrame) -> None:
    """No ids, no blanks shown as None or NaN, no dicts: what the issue asked of every table a notebook shows."""
    for column in frame.columns:
        assert column not in {"id", "doc_id", "entity_id", "object_id", "geonameid", "start", "end"}, column
        for value in frame[column]:
            assert value is not None, column
            assert not (isinstance(value, float) and math.isnan(value)), column
            assert not isinstance(value, dict | list), column
            assert not (isinstance(value, str) and value.startswith("doc-")), (column, value)


def test_mentions_brief_names_the_document_and_drops_ids_and_dicts(case: Case) -> None:
    doc = case.documents()[0]
    full = mentions_frame(case.mentions(doc.id))
    assert {"doc_id", "norm", "entity_id"} <= set(full.columns)  # the full frame keeps what code reads
    assert full["value"].isna().any() and full["norm"].map(lambda v: isinstance(v, dict)).all()
    shown = brief(full, titles=case)
    _clean(shown)
    assert list(shown.columns) == ["text", "label", "normalised", "confidence", "found by", "document"]
    assert len(shown) == len(full)
    assert set(shown["document"]) == {doc.title}
    row = shown[shown["text"] == "Saturday"].iloc[0]
    assert row["normalised"] == "2025-01-11" and row["found by"] == "rule"
    assert (shown[shown["label"] == "PERSON"]["normalised"] == "").all()  # NaN shown empty


def test_places_and_entities_brief(case: Case) -> None:
    doc = case.documents()[0]
    places = brief(places_frame(case.places(doc.id)), titles=[doc])
    _clean(places)
    assert list(places.columns)[:4] == ["text", "name", "country", "feature"]
    kursk = places[places["text"] == "the Kursk region"].iloc[0]
    assert kursk["name"] == "Kursk Oblast" and kursk["country"] == "RU"
    assert kursk["confidence"] == round(kursk["confidence"], 2)
    entities = brief(entities_frame(case))
    _clean(entities)
    zelenskyy = entities[entities["name"] == "Volodymyr Zelenskyy"].iloc[0]
    assert "Zelenskyy" in zelenskyy["aliases"].split(", ")  # a list joined for the screen
    assert "merged" not in entities.columns  # a list of dicts: code reads it, a cell cannot


def test_documents_and_custody_brief(case: Case) -> None:
    docs = load(SEEDS)
    shown = brief(docs.to_frame())
    _clean(shown)
    assert "text" not in shown.columns and "author" not in shown.columns  # author is empty for the seed
    assert shown["sha256"].iloc[0] == docs[0].sha256[:12] + "…"
    custody = brief(case.custody_frame(), titles=case)
    _clean(custody)
    assert {"seq", "action", "document"} <= set(custody.columns)
    assert "entry_hash" not in custody.columns
    title = case.documents()[0].title
    assert title in set(custody["document"])
    doc = case.documents()[0]
    first = case.mentions(doc.id)[0]
    case.set_mention_status(doc.id, first.start, first.end, "accepted")  # custody names the span: "doc-…:0-9"
    last = brief(case.custody_frame(), titles=case).iloc[-1]
    assert last["action"] == "mention-accepted" and last["document"] == title


def test_brief_keeps_any_frame_and_refuses_unknown_columns() -> None:
    frame = pd.DataFrame({"id": ["a", "b"], "claim": ["x", None], "n": [1.23456, float("nan")], "empty": [None, None]})
    shown = brief(frame)
    assert list(shown.columns) == ["claim", "n"]
    assert shown.to_dict("list") == {"claim": ["x", ""], "n": [1.23, ""]}
    assert list(brief(frame, ["n", "claim"]).columns) == ["n", "claim"]
    with pytest.raises(InputError, match="nope"):
        brief(frame, ["claim", "nope"])
    with pytest.raises(InputError, match="DataFrame"):
        brief([1, 2])  # type: ignore[arg-type]


def test_brief_puts_titles_in_place_of_ids_written_in_any_cell(case: Case) -> None:
    doc = case.documents()[0]
    other = f"{doc.id}-copy"  # an id that merely starts like a known one is another word, left alone
    frame = pd.DataFrame({"first": [doc.id], "why": [f"{doc.id} published first, before {other}; see {doc.id}."]})
    assert brief(frame).iloc[0]["why"].startswith(doc.id)  # no titles given: nothing to name them by
    shown = brief(frame, titles=case).iloc[0]
    assert shown["first"] == doc.title
    assert shown["why"] == f"{doc.title} published first, before {other}; see {doc.title}."


def test_brief_keeps_dates_in_start_and_end_but_not_offsets() -> None:
    dates = pd.DataFrame({"start": pd.to_datetime(["2025-01-11"]), "end": pd.to_datetime(["2025-01-17"]), "n": [1]})
    assert list(brief(dates).columns) == ["start", "end", "n"]  # a week in a timeline: its end is news
    offsets = pd.DataFrame({"text": ["Kyiv"], "start": [10], "end": [14]})
    assert list(brief(offsets).columns) == ["text"]


def test_preview_ends_at_a_sentence_not_inside_a_word() -> None:
    text = (SEEDS / "000_c49a4c7627602ff6.txt").read_text(encoding="utf-8")
    for limit in (250, 333, 700, 1500):
        cut = preview(text, limit)
        assert len(cut) <= limit
        assert text.startswith(cut)
        assert cut.rstrip('”’"').endswith((".", "!", "?")), cut[-40:]
        assert not cut.endswith("U.S."), "an abbreviation is no sentence end"
    assert preview(text, len(text)) == text
    first = preview(text, 120)  # the first sentence is longer: stop at a word and show that it goes on
    assert first.endswith(" …") and text.startswith(first[:-2]) and text[len(first) - 2] == " "


def test_preview_prefers_a_paragraph_and_says_when_it_stops_in_a_sentence() -> None:
    report = "# Report\n\n" + "A first finding holds. " * 10 + "\n\n| a | b |\n|---|---|\n| 1. x | 2. y |\n"
    assert preview(report, len(report) - 5) == report[: report.index("\n\n| a")].rstrip()
    one_long = "word " * 100
    cut = preview(one_long, 52)
    assert cut.endswith(" …") and cut[:-2].split() == ["word"] * 10
    with pytest.raises(InputError, match="limit"):
        preview("text", 0)
