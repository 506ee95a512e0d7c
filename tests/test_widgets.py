"""The annotation panel, driven as a user would: set values, click buttons.

Every test works on a real SQLite case in tmp_path and checks what landed in the case and its custody log; the last
ones run the whole pipeline on the seed and follow a panel edit into the findings and the Markdown report.
(The trainer's exercise form is tested in test_exercise.py.)
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import ipywidgets as w
import pytest

from osintkit.errors import OsintkitError
from osintkit.model import Claim, Document, Mention, Place
from osintkit.store import Case
from osintkit.widgets import AnnotationPanel


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
    assert "· rejected" in " ".join(label for label, _ in panel.entity_select.options)
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


def _parent(panel: AnnotationPanel, child: w.Widget) -> w.Box:
    return next(box for box in panel.children if isinstance(box, w.Box) and child in box.children)


def test_mentions_are_listed_in_context_and_filtered(case: Case) -> None:
    panel = AnnotationPanel(case)
    rows = [label for label, _ in panel.entity_select.options]
    assert any("⟦Volodymyr Zelenskyy⟧" in r and "· PERSON · auto" in r for r in rows)
    assert not any("@" in r for r in rows)  # no character offsets
    kursk = next(r for r in rows if "⟦Kursk⟧" in r)
    assert len(kursk) < 120 and not kursk.split("⟦")[0].lstrip("…").startswith(" ")
    assert ("LOC (2)", "LOC") in panel.label_filter.options

    panel.label_filter.value = "LOC"
    assert [m.text for m in panel.shown_mentions()] == ["Kursk", "Kyiv"]
    assert len(panel.entity_select.options) == 2 and "2 of 4" in panel.match_count.value
    panel.text_filter.value = "kyi"
    assert [label.split("⟦")[1].split("⟧")[0] for label, _ in panel.entity_select.options] == ["Kyiv"]
    assert panel.label_select.value == "LOC"  # the one mention shown is selected and the label follows it
    panel.text_filter.value = "nothing like this"
    assert panel.entity_select.options == () and panel.accept_all_button.disabled
    assert "No mention matches" in panel.context.value
    panel.label_filter.value = ""
    panel.text_filter.value = ""
    assert len(panel.entity_select.options) == 4


def test_accept_all_shown_accepts_only_the_filtered_mentions(case: Case) -> None:
    panel = AnnotationPanel(case)
    doc_id = panel.doc_id
    panel.label_filter.value = "LOC"
    assert panel.accept_all_button.description == "Accept all shown (2)"
    before = len(case.custody())
    panel.accept_all_button.click()
    status = {m.text: s for m, s in ((m, panel._status[(m.start, m.end)]) for m in panel._mentions.values())}
    assert status == {"Volodymyr Zelenskyy": "auto", "Kursk": "accepted", "Kyiv": "accepted", "Pyongyang": "auto"}
    assert [e.action for e in case.custody()[before:]] == ["mention-accepted", "mention-accepted"]
    assert "Accepted 2 mention(s)" in panel.mention_feedback.value and panel.status is panel.mention_feedback
    assert panel.label_filter.value == "LOC"  # the filter stays as the analyst set it
    panel.accept_all_button.click()
    assert panel.last_error is not None and "nothing to accept" in panel.last_error
    rows = case.execute("SELECT count(*) FROM mentions WHERE doc_id = ? AND status = 'accepted'", (doc_id,))
    assert rows.fetchone()[0] == 2


def test_feedback_shows_beside_the_control_that_acted(case: Case) -> None:
    panel = AnnotationPanel(case)
    pairs = [
        (panel.accept_button, panel.mention_feedback),
        (panel.accept_all_button, panel.mention_feedback),
        (panel.merge_button, panel.entity_feedback),
        (panel.choose_place_button, panel.place_feedback),
        (panel.rate_source_button, panel.source_feedback),
        (panel.rate_claim_button, panel.claim_feedback),
        (panel.add_note_button, panel.note_feedback),
    ]
    for button, feedback in pairs:
        assert feedback in _parent(panel, button).children, button.description
    panel.source_grade.value = "C"
    panel.rate_source_button.click()
    assert "rated C" in panel.source_feedback.value and panel.status is panel.source_feedback
    assert panel.claim_feedback.value == "" and panel.mention_feedback.value == ""
    panel.add_note_button.click()  # an empty note: refused, and said so beside the note's button
    assert "Not saved" in panel.note_feedback.value and "rated C" in panel.source_feedback.value


def test_claim_grade_shows_current_and_suggested(case: Case) -> None:
    case.add_rating("claim", "claim-1", "3", origin="suggested", rationale="a single origin, hedged: estimated")
    panel = AnnotationPanel(case)
    shown = panel.claim_grades.value
    assert "Current grade: <b>3</b> possibly true (osintkit&#x27;s suggestion)" in shown
    assert "Suggested: <b>3</b> possibly true: a single origin" in shown
    assert panel.claim_grade.value == "3"
    assert ("3 – possibly true  (current, suggested)", "3") in panel.claim_grade.options

    panel.claim_grade.value = "2"
    panel.claim_rationale.value = "two independent origins agree"
    panel.rate_claim_button.click()
    assert panel.last_error is None, panel.last_error
    shown = panel.claim_grades.value
    assert "Current grade: <b>2</b> probably true (analyst)" in shown and "Suggested: <b>3</b>" in shown
    assert ("2 – probably true  (current)", "2") in panel.claim_grade.options
    assert ("3 – possibly true  (suggested)", "3") in panel.claim_grade.options
    assert panel.claim_grade.value == "2"


def test_claim_grade_without_suggestions_says_so(case: Case) -> None:
    panel = AnnotationPanel(case)
    assert "Current grade: <b>none</b>" in panel.claim_grades.value
    assert "Suggested: <i>none stored" in panel.claim_grades.value


# -- a real case: the pipeline on the seed, then the panel's edits followed into findings and the report ---------


@pytest.fixture(scope="module")
def seed_case_file(tmp_path_factory: pytest.TempPathFactory, seed_path: Path) -> Path:
    import osintkit as ok

    folder = tmp_path_factory.mktemp("seed-run")
    ok.run([seed_path], case=folder / "case.sqlite")
    return folder / "case.sqlite"


@pytest.fixture
def seed_case(seed_case_file: Path, tmp_path: Path) -> Case:
    Case(seed_case_file).snapshot(tmp_path / "case.sqlite")
    return Case(tmp_path / "case.sqlite", actor="analyst")


def _row(name: str, label: str) -> re.Pattern[str]:
    """The entity table's row for ``name`` with ``label`` in the Markdown report."""
    return re.compile(rf"^\|\s*{re.escape(name)}\s*\|\s*{label}\s*\|", re.MULTILINE)


def _report(case: Case) -> tuple[dict[str, str], str]:
    from osintkit.export import to_markdown
    from osintkit.findings import Findings

    findings = Findings.from_case(case)
    return {e.name: e.label for e in findings.entities}, to_markdown(findings)


def test_relabel_in_the_panel_reaches_entities_and_the_report(seed_case: Case) -> None:
    entities, report = _report(seed_case)
    assert entities["John Kirby"] == "PERSON" and _row("John Kirby", "PERSON").search(report)
    panel = AnnotationPanel(seed_case)
    panel.text_filter.value = "John Kirby"
    (key,) = [k for _, k in panel.entity_select.options]
    panel.entity_select.value = key
    panel.label_select.value = "ORG"
    panel.relabel_button.click()
    assert panel.last_error is None, panel.last_error

    entities, report = _report(seed_case)
    assert entities["John Kirby"] == "ORG"
    assert _row("John Kirby", "ORG").search(report) and not _row("John Kirby", "PERSON").search(report)
    assert "ent-PERSON-john-kirby" not in {e.id for e in seed_case.entities()}
    assert seed_case.verify().ok


def test_reject_and_merge_in_the_panel_reach_the_report(seed_case: Case) -> None:
    entities, report = _report(seed_case)
    assert entities["X"] == "ORG" and _row("X", "ORG").search(report) and _row("Korean", "NORP").search(report)
    panel = AnnotationPanel(seed_case)
    panel.label_filter.value = "ORG"
    panel.text_filter.value = "X"
    (key,) = [k for label, k in panel.entity_select.options if "⟦X⟧" in label]
    panel.entity_select.value = key
    panel.reject_button.click()
    assert panel.last_error is None, panel.last_error
    entities, report = _report(seed_case)
    assert "X" not in entities and not _row("X", "ORG").search(report)

    north = next(e for e in seed_case.entities() if e.name == "North Korean")
    assert "Korean" in entities
    panel.merge_select.value = (north.id, "ent-NORP-korean")
    panel.merge_button.click()
    assert panel.last_error is None, panel.last_error
    assert "Merged 2 entities into North Korean [NORP]" in panel.entity_feedback.value
    entities, report = _report(seed_case)
    assert "Korean" not in entities
    merged = next(e for e in seed_case.entities() if e.id == north.id)
    assert merged.mention_count == north.mention_count + 1 and "Korean" in merged.aliases
    assert not _row("Korean", "NORP").search(report)
    assert not any(label.startswith("Korean [") for label, _ in panel.merge_select.options)
