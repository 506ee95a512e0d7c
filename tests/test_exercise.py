"""The trainer's exercise mode: blind answers, per-learner answer files, reveal after answering, class summary.

Everything runs on real files in a temporary folder; the case-based tests build the notebooks' corroboration corpus
into a real case with the shipped model, the way notebook 05 does.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from osintkit import Case
from osintkit.errors import InputError, MalformedInputError, OsintkitError
from osintkit.exercise import (
    AnswerKey,
    Exercise,
    ExerciseError,
    ExerciseForm,
    ExerciseKeyError,
    LearnerSession,
    build_exercise,
    class_summary,
    exercise_from_case,
    exercise_from_file,
)

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "notebooks" / "data" / "corroboration"
SPEC_05 = ROOT / "notebooks" / "data" / "exercise-05.yaml"

# Rationales distinctive enough that finding one anywhere a learner can see is unambiguous.
ITEMS: list[dict[str, Any]] = [
    {"id": "ledger", "kind": "source", "prompt": "Source: the Ledger", "context": "A named reporter."},
    {"id": "copy", "kind": "source", "prompt": "Source: the Aggregator"},
    {"id": "figure", "kind": "claim", "prompt": "Claim: 11,000 soldiers"},
]
KEY = {
    "ledger": {"grade": "B", "why": "zebra-rationale-ledger"},
    "copy": {"grade": "F", "why": "zebra-rationale-copy"},
    "figure": {"grade": "3", "why": "zebra-rationale-figure"},
}


@pytest.fixture
def handed_out(tmp_path: Path) -> tuple[Path, Path, Path]:
    """The three places of a session: the learners' exercise file, the trainer's key, the answers folder."""
    exercise, key = build_exercise(ITEMS, KEY, title="Drill")
    ex_path = exercise.save(tmp_path / "class" / "exercise.json")
    key_path = key.save(tmp_path / "trainer" / "key.json")
    return ex_path, key_path, tmp_path / "class" / "answers"


def _widget_text(widget: Any) -> str:
    """Every string a learner could see in a widget tree: values, descriptions, option labels."""
    parts: list[str] = []
    for name in ("value", "description", "placeholder", "tooltip"):
        v = getattr(widget, name, None)
        if isinstance(v, str):
            parts.append(v)
    for label in getattr(widget, "_options_labels", ()) or ():
        parts.append(str(label))
    for child in getattr(widget, "children", ()) or ():
        parts.append(_widget_text(child))
    return "\n".join(parts)


def test_running_every_learner_step_reveals_nothing(handed_out: tuple[Path, Path, Path]) -> None:
    ex_path, _key_path, answers = handed_out
    learner_file = ex_path.read_text(encoding="utf-8")
    for entry in KEY.values():
        assert entry["why"] not in learner_file
    assert '"grade"' not in learner_file  # the key is there only as hashes

    # What Run All does in notebook 05: open, start a session, show the form; no answers given.
    exercise = Exercise.open(ex_path)
    session = exercise.session("ana", answers)
    form = ExerciseForm(session)
    seen = exercise._repr_html_() + _widget_text(form.widget) + session.progress() + repr(exercise.items)
    for entry in KEY.values():
        assert entry["why"] not in seen
    assert "key says" not in seen and "Correct" not in seen
    assert all(row["reveal"].disabled for row in form.rows.values())
    form.rows["ledger"]["reveal"].click()  # a disabled button clicked from code still refuses
    assert "answer it before revealing" in form.rows["ledger"]["output"].value
    assert "zebra" not in _widget_text(form.widget)
    assert not answers.exists() or not list(answers.glob("*.json"))  # nothing answered, nothing written


def test_reveal_refused_before_answer_then_shows_key_and_evidence(handed_out: tuple[Path, Path, Path]) -> None:
    ex_path, _key_path, answers = handed_out
    session = LearnerSession(ex_path, "ben", answers)
    with pytest.raises(ExerciseError, match="figure: answer it before revealing"):
        session.reveal("figure")
    session.answer("figure", "1")
    shown = session.reveal("figure")
    assert (shown.key, shown.answer, shown.correct, shown.steps_off) == ("3", "1", False, 2)
    assert shown.why == "zebra-rationale-figure"
    assert "the key says 3" in shown.text() and "zebra-rationale-figure" in shown.text()
    with pytest.raises(ExerciseError, match="already revealed"):
        session.answer("figure", "3")  # no changing an answer once the key is seen
    with pytest.raises(ExerciseError):
        session.reveal("nonesuch")
    with pytest.raises(InputError, match="'G' is not a source grade"):
        session.answer("ledger", "G")

    session.reset()
    again = LearnerSession(ex_path, "ben", answers)
    assert again.answers == {} and again.resets == 1
    with pytest.raises(ExerciseError):
        again.reveal("figure")


def test_answers_persist_per_learner(handed_out: tuple[Path, Path, Path]) -> None:
    ex_path, _key_path, answers = handed_out
    ana = LearnerSession(ex_path, "Ana K", answers)
    form = ExerciseForm(ana)
    form.rows["ledger"]["grade"].value = "C"
    form.rows["ledger"]["save"].click()
    assert "Saved: C" in form.rows["ledger"]["output"].value
    assert not form.rows["ledger"]["reveal"].disabled
    form.rows["ledger"]["reveal"].click()
    assert "the key says B" in form.rows["ledger"]["output"].value
    assert form.rows["ledger"]["grade"].disabled

    ben = LearnerSession(ex_path, "ben", answers)
    ben.answer("figure", "3")

    assert sorted(p.name for p in answers.glob("*.json")) == ["Ana_K.json", "ben.json"]
    reopened = LearnerSession(Exercise.open(ex_path), "Ana K", answers)
    assert reopened.answered("ledger") == "C" and reopened.answers["ledger"]["revealed"] is True
    assert reopened.answered("figure") is None
    assert ExerciseForm(reopened).rows["ledger"]["grade"].value == "C"  # a reopened notebook shows the answer
    assert json.loads((answers / "ben.json").read_text())["answers"]["figure"]["grade"] == "3"
    with pytest.raises(InputError, match="'learner'"):
        LearnerSession(ex_path, "../../etc/passwd", answers)
    with pytest.raises(InputError, match=r"Ana_K\.json: field 'learner': this file is 'Ana K'"):
        LearnerSession(ex_path, "Ana_K", answers)


def test_class_summary_counts_match_the_answer_files(handed_out: tuple[Path, Path, Path]) -> None:
    ex_path, key_path, answers = handed_out
    given = {
        "ana": {"ledger": "B", "copy": "C", "figure": "1"},
        "ben": {"ledger": "C", "copy": "C", "figure": "3"},
        "cam": {"ledger": "B", "figure": "2"},
        "dee": {"copy": "F"},
    }
    for learner, grades in given.items():
        session = LearnerSession(ex_path, learner, answers)
        for item_id, grade in grades.items():
            session.answer(item_id, grade)

    summary = class_summary(answers, key_path, ex_path)
    on_disk = {
        json.loads(f.read_text())["learner"]: {k: v["grade"] for k, v in json.loads(f.read_text())["answers"].items()}
        for f in answers.glob("*.json")
    }
    assert on_disk == given and summary.learners == given
    frame = summary.frame().set_index("item")
    dist = summary.distribution()
    for item in ("ledger", "copy", "figure"):
        counts = Counter(a[item] for a in on_disk.values() if item in a)
        assert frame.loc[item, "answers"] == sum(counts.values())
        assert frame.loc[item, "agree"] == counts[KEY[item]["grade"]]
        assert {g: n for g, n in dist.loc[item].items() if n} == dict(counts)
    assert frame.loc["copy", "most common mistake"] == "C (2)"
    assert frame.loc["ledger", "agreement"] == round(2 / 3, 2)
    mistakes = summary.mistakes()
    assert mistakes.iloc[0].to_dict() == {"item": "copy", "answer": "C", "learners": 2, "key": "F", "steps off": 3}
    wrong = sum(1 for a in on_disk.values() for item, g in a.items() if g != KEY[item]["grade"])
    assert mistakes["learners"].sum() == wrong == 5
    fig = summary.chart()
    assert fig._repr_png_().startswith(b"\x89PNG")  # shows as an image in JupyterLab without %matplotlib
    bars = [p for p in fig.axes[0].patches]
    assert sum(int(b.get_width()) for b in bars) == sum(len(a) for a in given.values())

    other, _ = build_exercise(ITEMS, KEY, title="Another drill")
    stray = LearnerSession(other, "eve", answers)
    stray.answer("ledger", "A")
    with pytest.raises(InputError, match=r"eve\.json: field 'exercise'"):
        class_summary(answers, key_path, ex_path)


def test_a_tampered_key_is_detected(handed_out: tuple[Path, Path, Path]) -> None:
    ex_path, key_path, answers = handed_out
    exercise = Exercise.open(ex_path)
    assert AnswerKey.load(key_path, exercise).entries["copy"].grade == "F"
    original = key_path.read_text(encoding="utf-8")

    data = json.loads(original)
    data["items"]["copy"]["grade"] = "C"  # the trainer's key edited after the exercise went out
    key_path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ExerciseKeyError, match=r"key\.json: field 'items\.copy\.grade'"):
        AnswerKey.load(key_path, exercise)
    with pytest.raises(ExerciseKeyError):
        class_summary(answers, key_path, exercise)

    data = json.loads(original)
    data["items"]["figure"]["why"] = "a kinder rationale"
    key_path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ExerciseKeyError, match=r"field 'items\.figure\.why'"):
        AnswerKey.load(key_path, exercise)

    # The learner's file edited: its hash no longer matches any grade, and the reveal says so.
    learner = json.loads(ex_path.read_text(encoding="utf-8"))
    learner["items"][0]["key"] = "0" * 64
    ex_path.write_text(json.dumps(learner), encoding="utf-8")
    session = LearnerSession(ex_path, "ana", answers)
    session.answer("ledger", "B")
    with pytest.raises(ExerciseKeyError, match=r"exercise\.json: field 'key\.ledger'"):
        session.reveal("ledger")


def test_bad_files_name_the_file_and_field(tmp_path: Path) -> None:
    bad = tmp_path / "spec.yaml"
    bad.write_text("title: x\nitems:\n  - id: a\n    kind: source\n    prompt: [unclosed\n", encoding="utf-8")
    with pytest.raises(MalformedInputError, match=r"spec\.yaml:\d+"):
        exercise_from_file(bad)
    bad.write_text("items:\n  - {id: a, kind: source, prompt: P, grade: '7'}\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"spec\.yaml: field 'a\.grade'"):
        exercise_from_file(bad)
    ok = tmp_path / "spec.json"
    ok.write_text(json.dumps({"items": [{"id": "a", "kind": "claim", "prompt": "P", "grade": "2"}]}), encoding="utf-8")
    exercise, key = exercise_from_file(ok)
    assert exercise.title == "spec" and key.entries["a"].grade == "2"
    (tmp_path / "x.json").write_text("[]", encoding="utf-8")
    with pytest.raises(MalformedInputError, match=r"x\.json: field 'format'"):
        Exercise.open(tmp_path / "x.json")
    assert issubclass(ExerciseError, OsintkitError) and issubclass(ExerciseKeyError, OsintkitError)


@pytest.fixture(scope="module")
def corroboration_case(tmp_path_factory: pytest.TempPathFactory) -> Case:
    from osintkit.pipeline import analyse_case, ingest

    case = Case(tmp_path_factory.mktemp("ex") / "case.sqlite")
    ingest(case, [str(CORPUS)], quiet=True)
    analyse_case(case, quiet=True)
    return case


def test_notebook_05_exercise_carries_the_evidence_trail(corroboration_case: Case, tmp_path: Path) -> None:
    exercise, key = exercise_from_file(SPEC_05, corroboration_case)
    assert [i.id for i in exercise.items] == [
        "kyiv_ledger",
        "daily_aggregator",
        "claim_11000",
        "claim_captured",
        "claim_telegram",
    ]
    items = {i.id: i for i in exercise.items}
    shown_before = repr(exercise) + exercise._repr_html_() + repr(exercise.items) + repr(key)
    for item in items.values():  # what Run All displays holds neither the key nor the evidence
        assert item.evidence.suggested_why and item.evidence.suggested_why not in shown_before
        assert key.entries[item.id].why not in shown_before
    assert items["kyiv_ledger"].kind == "source" and items["claim_11000"].kind == "claim"
    assert "11,000" in items["claim_11000"].prompt
    # Corroboration's evidence: the copy, the origin chain, the conflicting figure with its reason.
    assert any("repeats The Kyiv Ledger" in c for c in items["daily_aggregator"].evidence.copies)
    assert items["claim_11000"].evidence.chain[0] == "Western governments"
    assert any("12,000" in c for c in items["claim_11000"].evidence.contradictions)
    assert items["claim_captured"].evidence.independent  # relayed by several outlets, counted by origin

    exercise.save(tmp_path / "exercise.json")
    session = exercise.session("ana", tmp_path / "answers")
    session.answer("kyiv_ledger", "B")
    shown = session.reveal("kyiv_ledger")
    # The kit suggests F for a source with no record in the case; the key says B: a discussion point.
    assert shown.correct and items["kyiv_ledger"].evidence.suggested == "F"
    assert shown.discussion is not None and "osintkit suggests F" in shown.discussion
    session.answer("claim_captured", "1")
    assert session.reveal("claim_captured").discussion is None  # the kit agrees with the key there

    with pytest.raises(InputError, match=r"field 'items\[0\]\.source'"):
        exercise_from_case(corroboration_case, [{"id": "x", "source": "Nobody Weekly", "grade": "B"}])
