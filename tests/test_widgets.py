"""The annotation panel and the rating exercise, driven as a user would: set values, click buttons.

Every test works on a real SQLite case in tmp_path and checks what landed in the case and its custody log.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import ipywidgets as w
import pytest

from osintkit.errors import OsintkitError
from osintkit.model import Claim, Document, Mention, Place
from osintkit.store import Case
from osintkit.widgets import AnnotationPanel, RatingExercise


def _span(text: str, needle: str) -> tuple[int, int]:
    start = text.index(needle)
    return start, start + len(needle)


@pytest.fixture
def case(tmp_path: Path, seed_path: Path) -> Case:
    raw = seed_path.read_bytes()
    sha = hashlib.sha256(raw).hexdigest()
    text = raw.decode("utf-8")
    doc = Document(
        id=Document.make_id(sha),
        text=text,
        sha256=sha,
        loader="text",
        retrieved="2026-01-01T00:00:00Z",
        title="Ukraine captures two wounded North Korean soldiers",
        source="seed publisher",
    )
    c = Case(tmp_path / "case.sqlite", actor="tester")
    c.add_documents([doc], raw={doc.id: raw})
    mentions = []
    for needle, label in [("Volodymyr Zelenskyy", "PERSON"), ("Kursk", "LOC"), ("Kyiv", "LOC"), ("Pyongyang", "ORG")]:
        s, e = _span(text, needle)
        mentions.append(Mention(s, e, needle, label, 0.9, "model", doc_id=doc.id))
    c.replace_mentions(doc.id, mentions)
    s, e = _span(text, "Kursk")
    kursk = Place(
        text="Kursk", start=s, end=e, name="Kursk", lat=51.73, lon=36.19, geonameid=538560, country_code="RU",
        feature="PPLA", confidence=0.6, doc_id=doc.id,
        alternatives=[{"geonameid": 538555, "name": "Kursk Oblast", "lat": 51.5, "lng": 36.0, "countryCode": "RU",
                       "fcode": "ADM1", "type": "admin1", "population": 0, "score": 0.4, "probability": 0.4}],
    )  # fmt: skip
    c.replace_places(doc.id, [kursk])
    s, e = _span(text, "Pyongyang deployed an estimated 11,000 soldiers")
    claim = Claim(
        id="claim-1", doc_id=doc.id, sentence=text[s - 39 : e + 29], sentence_start=s - 39, sentence_end=e + 29,
        content=text[s:e], content_start=s, content_end=e, claimant="The U.S. and its allies",
        claimant_type="GOV", cue="claim", direct=False, hedged=True, hedges=["estimated"],
    )  # fmt: skip
    c.replace_claims(doc.id, [claim])
    return c


def _last(case: Case) -> tuple[str, str | None]:
    entry = case.custody()[-1]
    return entry.action, entry.object_id


def test_panel_exposes_widgets_and_lists_the_document(case: Case) -> None:
    panel = AnnotationPanel(case)
    assert isinstance(panel, w.VBox)
    for name in ("accept_button", "reject_button", "relabel_button", "rate_source_button", "rate_claim_button",
                 "add_note_button", "choose_place_button"):  # fmt: skip
        assert isinstance(getattr(panel, name), w.Button), name
    assert len(panel.entity_select.options) == 4
    assert panel.label_select.value == "PERSON"  # follows the selected mention
    assert panel.place_select.value is not None
    assert len(panel.candidate_select.options) == 2  # current reading + one alternative
    assert panel.claim_select.value == "claim-1"


def test_accept_reject_relabel_are_saved_and_logged(case: Case) -> None:
    panel = AnnotationPanel(case)
    doc_id = panel.doc_id
    text = panel.document.text
    zel = _span(text, "Volodymyr Zelenskyy")
    panel.entity_select.value = zel
    panel.accept_button.click()
    row = case.execute('SELECT status FROM mentions WHERE doc_id=? AND start=? AND "end"=?', (doc_id, *zel)).fetchone()
    assert row[0] == "accepted"
    assert _last(case) == ("mention-accepted", f"{doc_id}:{zel[0]}-{zel[1]}")
    assert "Accepted" in panel.status.value and panel.last_error is None

    pyong = _span(text, "Pyongyang")
    panel.entity_select.value = pyong
    panel.label_select.value = "LOC"
    panel.relabel_button.click()
    relabelled = {(m.start, m.end): m for m in case.mentions(doc_id)}[pyong]
    assert relabelled.label == "LOC"
    assert _last(case)[0] == "mention-relabelled"

    kyiv = _span(text, "Kyiv")
    panel.entity_select.value = kyiv
    panel.reject_button.click()
    assert kyiv not in {(m.start, m.end) for m in case.mentions(doc_id)}
    assert kyiv in {(m.start, m.end) for m in case.mentions(doc_id, include_rejected=True)}
    assert _last(case)[0] == "mention-rejected"
    assert "(rejected)" in " ".join(label for label, _ in panel.entity_select.options)
    assert case.verify().ok


def test_relabel_to_same_label_is_refused_in_the_panel(case: Case) -> None:
    panel = AnnotationPanel(case)
    before = len(case.custody())
    panel.entity_select.value = _span(panel.document.text, "Kursk")
    panel.label_select.value = "LOC"
    panel.relabel_button.click()
    assert panel.last_error is not None and "already labelled" in panel.last_error
    assert "Not saved" in panel.status.value
    assert len(case.custody()) == before


def test_choose_place_candidate_overrides_and_logs(case: Case) -> None:
    panel = AnnotationPanel(case)
    panel.candidate_select.value = 1
    panel.choose_place_button.click()
    (place,) = case.places(panel.doc_id)
    assert place.overridden and place.name == "Kursk Oblast" and place.feature == "admin1"
    assert (place.lat, place.lon, place.geonameid, place.country_code) == (51.5, 36.0, 538555, "RU")
    assert any(alt["name"] == "Kursk" for alt in place.alternatives)  # the previous reading can be restored
    action, object_id = _last(case)
    assert action == "place-override" and object_id == f"{panel.doc_id}:{place.start}-{place.end}"
    assert "Kursk Oblast" in panel.place_select.options[0][0]


def test_rate_source_and_claim(case: Case) -> None:
    pytest.importorskip("osintkit.assess", reason="osintkit.assess not available")
    panel = AnnotationPanel(case)
    panel.source_grade.value = "B"
    panel.source_rationale.value = "long record, named sources"
    panel.rate_source_button.click()
    assert panel.last_error is None, panel.last_error
    rating = case.current_rating("source", "seed publisher")
    assert rating is not None and rating["grade"] == "B" and rating["origin"] == "analyst"
    assert _last(case)[0] == "rate-source-analyst"

    panel.claim_grade.value = "3"
    panel.rate_claim_button.click()
    assert panel.last_error is None, panel.last_error
    rating = case.current_rating("claim", "claim-1")
    assert rating is not None and rating["grade"] == "3"
    assert _last(case) == ("rate-claim-analyst", "claim-1")


def test_uncorroborated_credibility_1_shows_the_error_instead_of_raising(case: Case) -> None:
    pytest.importorskip("osintkit.assess", reason="osintkit.assess not available")
    panel = AnnotationPanel(case)
    before = len(case.custody())
    panel.claim_grade.value = "1"
    panel.rate_claim_button.click()  # must not raise
    assert panel.last_error is not None
    assert "Not saved" in panel.status.value
    assert case.current_rating("claim", "claim-1") is None
    assert len(case.custody()) == before


def test_add_note_to_a_claim_and_empty_note_refused(case: Case) -> None:
    panel = AnnotationPanel(case)
    panel.note_target.value = "claim-1"
    panel.note_text.value = "Figure comes from South Korean intelligence; check NIS briefing."
    panel.add_note_button.click()
    (note,) = case.notes("claim-1")
    assert note["text"].startswith("Figure comes") and note["actor"] == "tester"
    assert _last(case) == ("note", "claim-1")
    assert panel.note_text.value == ""
    panel.add_note_button.click()
    assert panel.last_error == "Not saved: the note is empty"
    assert len(case.notes()) == 1


def test_panel_opens_a_case_path_and_rejects_unknown_document(case: Case) -> None:
    panel = AnnotationPanel(str(case.path))
    assert panel.doc_id == case.document_ids()[0]
    with pytest.raises(OsintkitError, match="no document"):
        AnnotationPanel(case, doc_id="doc-nope")


def test_panel_refuses_an_empty_case(tmp_path: Path) -> None:
    with pytest.raises(OsintkitError, match="no documents"):
        AnnotationPanel(Case(tmp_path / "empty.sqlite"))


ITEMS = [
    {"id": "s1", "kind": "source", "prompt": "A wire agency with decades of corrections on record"},
    {"id": "c1", "kind": "claim", "prompt": "11,000 troops deployed", "context": "The U.S. and its allies claim..."},
]
KEY = {"s1": {"grade": "B", "why": "Strong record, but not infallible."}, "c1": "3"}


def test_exercise_feedback_and_score() -> None:
    ex = RatingExercise(ITEMS, KEY)
    ex.rows["s1"].grade.value = "B"
    ex.rows["s1"].check_button.click()
    assert "Correct" in ex.rows["s1"].feedback.value and "not infallible" in ex.rows["s1"].feedback.value
    ex.rows["c1"].grade.value = "1"
    ex.rows["c1"].check_button.click()
    fb = ex.rows["c1"].feedback.value
    assert "Not quite" in fb and "independent source" in fb
    assert "The key says" not in fb  # the key stays hidden until the trainer reveals it
    assert "1 / 2" in ex.score_view.value
    assert ex.answers() == {"s1": "B", "c1": "1"}


def test_exercise_reveal_answer_key() -> None:
    ex = RatingExercise(ITEMS, KEY)
    assert ex.answer_view.value == ""
    ex.rows["c1"].grade.value = "4"
    ex.reveal_button.click()
    assert ex.revealed and "Strong record" in ex.answer_view.value
    ex.rows["c1"].check_button.click()
    assert "Close" in ex.rows["c1"].feedback.value and "The key says 3" in ex.rows["c1"].feedback.value
    assert ex.check_all_button.click() is None and "Choose a grade" in ex.rows["s1"].feedback.value
    ex.reveal_button.click()
    assert not ex.revealed and ex.answer_view.value == ""


def test_exercise_rejects_bad_key() -> None:
    with pytest.raises(OsintkitError, match="no entry"):
        RatingExercise(ITEMS, {"s1": "B"})
    with pytest.raises(OsintkitError, match="not a claim grade"):
        RatingExercise(ITEMS, {"s1": "B", "c1": "C"})


def test_labels_outside_the_defaults_are_offered(case: Case) -> None:
    doc_id = case.document_ids()[0]
    text = case.get_document(doc_id).text
    s, e = _span(text, "John Kirby")
    case.replace_mentions(doc_id, [Mention(s, e, "John Kirby", "SPOKESPERSON", 0.5, "rule", doc_id=doc_id)])
    panel = AnnotationPanel(case)
    assert "SPOKESPERSON" in panel.label_select.options
    panel.entity_select.value = (s, e)
    assert panel.label_select.value == "SPOKESPERSON"
    panel.label_select.value = "PERSON"
    panel.relabel_button.click()
    assert {(m.start, m.end): m.label for m in case.mentions(doc_id)}[(s, e)] == "PERSON"
