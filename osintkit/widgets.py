"""Notebook widgets: the analyst's annotation panel and a trainer's source-evaluation exercise.

Both are plain ipywidgets containers, so they render in JupyterLab 4 with the stock widget manager, and tests
drive them exactly as a user would: set a control's ``value`` and call ``.click()`` on a button. The panel holds
no state of its own worth keeping; every action goes straight to the :class:`~osintkit.store.Case`, whose write
methods append to the custody log, so what an analyst decided in a notebook is as traceable as a pipeline run.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from html import escape
from typing import Any

import ipywidgets as w

from .admiralty_scale import CREDIBILITY_LABELS, RELIABILITY_LABELS
from .errors import OsintkitError
from .model import MENTION_LABELS, Claim, Document, Mention, Place
from .store import Case

__all__ = [
    "CLAIM_GRADES",
    "DEFAULT_LABELS",
    "SOURCE_GRADES",
    "AnnotationPanel",
    "ExerciseItem",
    "RatingExercise",
]

# The Admiralty (NATO) scale. The descriptions sit beside the letter/number in the dropdowns because new analysts
# confuse "F: cannot be judged" with "E: unreliable", and "6" with "5"; the wording is what the scale means.
SOURCE_GRADES: dict[str, str] = {grade: label.lower() for grade, label in RELIABILITY_LABELS.items()}
CLAIM_GRADES: dict[str, str] = {grade: label.lower() for grade, label in CREDIBILITY_LABELS.items()}
DEFAULT_LABELS: tuple[str, ...] = MENTION_LABELS

_OK = "#1b5e20"
_ERR = "#b71c1c"


def _grade_options(grades: Mapping[str, str]) -> list[tuple[str, str]]:
    return [(f"{k} – {v}", k) for k, v in grades.items()]


def _short(text: str, n: int = 70) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _set_options(widget: w.Dropdown | w.Select, options: list[tuple[str, Any]]) -> None:
    """Replace a list's options, keeping the selection when it is still there, else selecting the first."""
    keep = widget.value
    widget.options = options
    values = [v for _, v in options]
    if keep in values:
        widget.value = keep
    elif values:
        widget.value = values[0]


# Candidates come as the geocoder's summaries (``lng``, ``countryCode``, ``type``) or as Place dicts.
_CANDIDATE_KEYS = {
    "name": ("name",),
    "lat": ("lat", "latitude"),
    "lon": ("lon", "lng", "longitude"),
    "geonameid": ("geonameid",),
    "country_code": ("country_code", "countryCode"),
    "feature": ("feature", "type"),
}


def _candidate_fields(cand: Mapping[str, Any]) -> dict[str, Any]:
    """A candidate's fields under :class:`Place`'s names."""
    out: dict[str, Any] = {}
    for field, keys in _CANDIDATE_KEYS.items():
        for key in keys:
            if cand.get(key) is not None:
                out[field] = cand[key]
                break
    return out


def source_key(doc: Document) -> str:
    """What a source rating attaches to: the publisher or account when known, else the document itself.

    Reliability is a property of the source, not of one article, so two reports from the same outlet share it.
    """
    return doc.source or doc.id


def _rate(kind: str, case: Case, object_id: str, grade: str, rationale: str) -> None:
    # Imported late: osintkit.assess owns the Admiralty rules (e.g. credibility 1 needs independent
    # corroboration) and raises AssessmentError when a rating breaks them; the panel must not duplicate them.
    from . import assess

    fn: Callable[..., Any] = assess.rate_source if kind == "source" else assess.rate_claim
    fn(case, object_id, grade, rationale=rationale)


class AnnotationPanel(w.VBox):
    """Review one document of a case: mentions, places, source and claim ratings, notes.

    ``case`` is a :class:`Case` or a path to a case file. Child widgets are attributes so code and tests can
    drive them: ``doc_select``; ``entity_select``, ``label_select``, ``accept_button``, ``reject_button``,
    ``relabel_button``; ``place_select``, ``candidate_select``, ``choose_place_button``; ``source_grade``,
    ``source_rationale``, ``rate_source_button``; ``claim_select``, ``claim_grade``, ``claim_rationale``,
    ``rate_claim_button``; ``note_target``, ``note_text``, ``add_note_button``; and ``status`` (the last result).
    """

    def __init__(
        self,
        case: Case | str | os.PathLike[str],
        doc_id: str | None = None,
        *,
        labels: Sequence[str] = DEFAULT_LABELS,
        **kwargs: Any,
    ) -> None:
        self.case = case if isinstance(case, Case) else Case(case)
        self.labels = tuple(labels)
        self.last_error: str | None = None
        docs = self.case.documents()
        if not docs:
            raise OsintkitError(f"{self.case.path}: the case has no documents to annotate")
        self._docs = {d.id: d for d in docs}
        if doc_id is not None and doc_id not in self._docs:
            raise OsintkitError(f"{self.case.path}: no document {doc_id!r}")
        wide = w.Layout(width="98%")
        btn = w.Layout(width="auto")

        self.doc_select = w.Dropdown(
            options=[(_short(d.title or d.path or d.id, 90), d.id) for d in docs],
            value=doc_id or docs[0].id,
            description="Document",
            layout=wide,
        )
        self.doc_info = w.HTML()

        self.entity_select = w.Select(options=[], rows=8, description="Mentions", layout=wide)
        self.context = w.HTML()
        self.label_select = w.Dropdown(options=list(self.labels), description="Label")
        self.accept_button = w.Button(description="Accept", button_style="success", icon="check", layout=btn)
        self.reject_button = w.Button(description="Reject", button_style="danger", icon="times", layout=btn)
        self.relabel_button = w.Button(description="Relabel", button_style="warning", icon="tag", layout=btn)

        self.place_select = w.Dropdown(options=[], description="Place", layout=wide)
        self.candidate_select = w.Dropdown(options=[], description="Candidate", layout=w.Layout(width="75%"))
        self.choose_place_button = w.Button(description="Use candidate", icon="map-marker", layout=btn)

        self.source_grade = w.Dropdown(
            options=_grade_options(SOURCE_GRADES), value="F", description="Grade", layout=w.Layout(width="360px")
        )
        self.source_rationale = w.Text(placeholder="why this grade (track record, access, motive)", layout=wide)
        self.rate_source_button = w.Button(description="Rate source", icon="star", layout=btn)

        self.claim_select = w.Dropdown(options=[], description="Claim", layout=wide)
        self.claim_grade = w.Dropdown(
            options=_grade_options(CLAIM_GRADES), value="6", description="Grade", layout=w.Layout(width="360px")
        )
        self.claim_rationale = w.Text(placeholder="why this grade (corroboration, plausibility)", layout=wide)
        self.rate_claim_button = w.Button(description="Rate claim", icon="star-half-o", layout=btn)

        self.note_target = w.Dropdown(options=[], description="About", layout=wide)
        self.note_text = w.Textarea(placeholder="analyst note", layout=wide)
        self.add_note_button = w.Button(description="Add note", icon="sticky-note", layout=btn)

        self.status = w.HTML(value="<i>Ready. Every action here is saved to the case and its custody log.</i>")

        self.doc_select.observe(self._on_doc, names="value")
        self.entity_select.observe(self._on_mention, names="value")
        self.place_select.observe(self._on_place, names="value")
        self.accept_button.on_click(lambda _b: self._review("accepted"))
        self.reject_button.on_click(lambda _b: self._review("rejected"))
        self.relabel_button.on_click(lambda _b: self._review("relabelled"))
        self.choose_place_button.on_click(lambda _b: self._choose_place())
        self.rate_source_button.on_click(lambda _b: self._rate_source())
        self.rate_claim_button.on_click(lambda _b: self._rate_claim())
        self.add_note_button.on_click(lambda _b: self._add_note())

        def head(text: str) -> w.HTML:
            return w.HTML(f"<b>{escape(text)}</b>")

        children = [
            w.HTML("<h4 style='margin:2px 0'>osintkit annotation panel</h4>"),
            self.doc_select,
            self.doc_info,
            head("Entity mentions: accept, reject or relabel what the tagger found"),
            self.entity_select,
            self.context,
            w.HBox([self.accept_button, self.reject_button, self.label_select, self.relabel_button]),
            head("Places: pick the right candidate when a name is ambiguous"),
            self.place_select,
            w.HBox([self.candidate_select, self.choose_place_button]),
            head("Source reliability (Admiralty A–F)"),
            w.HBox([self.source_grade, self.rate_source_button]),
            self.source_rationale,
            head("Claim credibility (Admiralty 1–6)"),
            self.claim_select,
            w.HBox([self.claim_grade, self.rate_claim_button]),
            self.claim_rationale,
            head("Notes"),
            self.note_target,
            self.note_text,
            w.HBox([self.add_note_button]),
            self.status,
        ]
        kwargs.setdefault("layout", w.Layout(border="1px solid #ccc", padding="6px", width="100%"))
        super().__init__(children=children, **kwargs)
        self.refresh()

    # -- state ----------------------------------------------------------------------------------------------

    @property
    def doc_id(self) -> str:
        return str(self.doc_select.value)

    @property
    def document(self) -> Document:
        return self._docs[self.doc_id]

    def _mention_status(self) -> dict[tuple[int, int], str]:
        rows = self.case.execute('SELECT start, "end", status FROM mentions WHERE doc_id = ?', (self.doc_id,))
        return {(r[0], r[1]): r[2] for r in rows}

    def refresh(self) -> None:
        """Reload the lists from the case (after a pipeline re-run, or another kernel's edits)."""
        doc = self.document
        rating = self.case.current_rating("source", source_key(doc))
        rated = f"rated <b>{escape(rating['grade'])}</b> ({escape(rating['origin'])})" if rating else "not rated"
        self.doc_info.value = (
            f"<small>{escape(doc.source or 'unknown source')} · {escape(doc.published or 'undated')} · "
            f"sha256 <code>{doc.sha256[:16]}…</code> · source {rated}</small>"
        )
        status = self._mention_status()
        mentions = self.case.mentions(self.doc_id, include_rejected=True)
        extra = sorted({m.label for m in mentions} - set(self.labels))
        if extra:  # a custom model's labels: offer them too rather than silently mapping them away
            self.labels = (*self.labels, *extra)
            self.label_select.options = list(self.labels)
        self._mentions = {(m.start, m.end): m for m in mentions}
        _set_options(
            self.entity_select,
            [
                (f"{m.text} [{m.label}] @{m.start}-{m.end} ({status.get((m.start, m.end), 'auto')})", (m.start, m.end))
                for m in mentions
            ],
        )
        self._on_mention(None)

        places = self.case.places(self.doc_id)
        self._places = {(p.start, p.end): p for p in places}
        _set_options(
            self.place_select,
            [
                (f"{p.text} → {p.name} ({p.country_code or '?'}){' ✎' if p.overridden else ''}", (p.start, p.end))
                for p in places
            ],
        )
        self._on_place(None)

        claims = self.case.claims(self.doc_id)
        self._claims: dict[str, Claim] = {c.id: c for c in claims}
        _set_options(
            self.claim_select,
            [(f"{_short(c.claimant or 'unattributed', 24)}: {_short(c.content, 70)}", c.id) for c in claims],
        )

        targets = [(f"document: {_short(doc.title or doc.id, 60)}", doc.id)]
        if doc.source:
            targets.append((f"source: {_short(doc.source, 60)}", doc.source))
        targets += [(f"claim: {_short(c.content, 60)}", c.id) for c in claims]
        ents = {m.entity_id for m in mentions if m.entity_id}
        targets += [(f"entity: {e.name} [{e.label}]", e.id) for e in self.case.entities() if e.id in ents]
        _set_options(self.note_target, targets)

    def _on_doc(self, _change: Any) -> None:
        self.refresh()

    def _on_mention(self, _change: Any) -> None:
        m: Mention | None = self._mentions.get(self.entity_select.value) if self.entity_select.value else None
        if m is None:
            self.context.value = "<small><i>No mentions tagged in this document yet.</i></small>"
            return
        text = self.document.text
        a, b = max(0, m.start - 80), min(len(text), m.end + 80)
        self.context.value = (
            f"<small>…{escape(text[a : m.start])}<mark>{escape(text[m.start : m.end])}</mark>"
            f"{escape(text[m.end : b])}… <i>score {m.score:.2f}, {escape(m.source)}</i></small>"
        )
        if m.label in self.labels:
            self.label_select.value = m.label

    def _on_place(self, _change: Any) -> None:
        p: Place | None = self._places.get(self.place_select.value) if self.place_select.value else None
        if p is None:
            self.candidate_select.options = []
            return
        options = [(self._describe(p.to_dict(), current=True), 0)]
        options += [(self._describe(alt), i + 1) for i, alt in enumerate(p.alternatives)]
        self.candidate_select.options = options
        self.candidate_select.value = 0  # a new place starts at its current reading

    @staticmethod
    def _describe(cand: Mapping[str, Any], *, current: bool = False) -> str:
        f = _candidate_fields(cand)
        pos = f" {float(f['lat']):.2f},{float(f['lon']):.2f}" if "lat" in f and "lon" in f else ""
        mark = " (current)" if current else ""
        return f"{f.get('name', '?')} ({f.get('country_code') or '?'}; {f.get('feature', '?')}){pos}{mark}"

    # -- actions --------------------------------------------------------------------------------------------

    def _report(self, message: str, *, ok: bool = True) -> None:
        self.last_error = None if ok else message
        colour = _OK if ok else _ERR
        seq = self.case.execute("SELECT max(seq) FROM custody").fetchone()[0]
        tail = f" <small>(custody entry #{seq})</small>" if ok else ""
        self.status.value = f"<span style='color:{colour}'>{escape(message)}</span>{tail}"

    def _guard(self, action: Callable[[], str]) -> None:
        # Errors are shown in the panel: an exception in a widget callback is otherwise lost in the kernel log,
        # and an analyst who gave a rating the rules refuse must see why it was refused.
        try:
            message = action()
        except (OsintkitError, ValueError, KeyError) as exc:
            self._report(f"Not saved: {exc}", ok=False)
        except Exception as exc:  # a bug, not a refusal: still say so where the analyst is looking
            self._report(f"Not saved ({type(exc).__name__}): {exc}", ok=False)
        else:
            self._report(message)

    def _review(self, status: str) -> None:
        def act() -> str:
            key = self.entity_select.value
            if key is None:
                raise OsintkitError("select a mention first")
            m = self._mentions[key]
            label = str(self.label_select.value) if status == "relabelled" else None
            if status == "relabelled" and label == m.label:
                raise OsintkitError(f"{m.text!r} is already labelled {label}; pick another label")
            self.case.set_mention_status(self.doc_id, m.start, m.end, status, label=label)
            self.refresh()
            extra = f" as {label}" if label else ""
            return f"{status.capitalize()} {m.text!r} [{m.label}]{extra}"

        self._guard(act)

    def _choose_place(self) -> None:
        def act() -> str:
            key = self.place_select.value
            if key is None:
                raise OsintkitError("select a place first")
            place = self._places[key]
            index = int(self.candidate_select.value or 0)
            if index == 0:
                chosen = replace(place, doc_id=self.doc_id)
            else:
                alt = _candidate_fields(place.alternatives[index - 1])
                # The replaced reading stays among the alternatives (in the geocoder's summary shape) so the
                # choice can be reviewed and reversed later.
                previous = {
                    "geonameid": place.geonameid, "name": place.name, "lat": place.lat, "lng": place.lon,
                    "countryCode": place.country_code, "type": place.feature, "probability": place.confidence,
                }  # fmt: skip
                others = [a for i, a in enumerate(place.alternatives) if i != index - 1] + [previous]
                chosen = replace(place, **alt, doc_id=self.doc_id, alternatives=others, confidence=1.0)
            self.case.override_place(chosen)
            self.refresh()
            return f"Place {place.text!r} set to {chosen.name} ({chosen.country_code or '?'})"

        self._guard(act)

    def _rate_source(self) -> None:
        def act() -> str:
            key = source_key(self.document)
            grade = str(self.source_grade.value)
            _rate("source", self.case, key, grade, self.source_rationale.value.strip())
            self.refresh()
            return f"Source {key!r} rated {grade} ({SOURCE_GRADES[grade]})"

        self._guard(act)

    def _rate_claim(self) -> None:
        def act() -> str:
            claim_id = self.claim_select.value
            if claim_id is None:
                raise OsintkitError("no claim selected (this document has no extracted claims)")
            grade = str(self.claim_grade.value)
            _rate("claim", self.case, str(claim_id), grade, self.claim_rationale.value.strip())
            return f"Claim {_short(self._claims[claim_id].content, 50)!r} rated {grade} ({CLAIM_GRADES[grade]})"

        self._guard(act)

    def _add_note(self) -> None:
        def act() -> str:
            text = self.note_text.value.strip()
            if not text:
                raise OsintkitError("the note is empty")
            target = str(self.note_target.value or self.doc_id)
            self.case.add_note(target, text)
            self.note_text.value = ""
            return f"Note added to {target}"

        self._guard(act)


# -- trainer's exercise -------------------------------------------------------------------------------------


@dataclass
class ExerciseItem:
    """One thing to rate: a source (``kind="source"``, grades A–F) or a claim (``kind="claim"``, grades 1–6)."""

    id: str
    kind: str
    prompt: str
    context: str = ""

    @classmethod
    def coerce(cls, item: ExerciseItem | Mapping[str, Any]) -> ExerciseItem:
        if isinstance(item, ExerciseItem):
            it = item
        else:
            missing = [k for k in ("id", "kind", "prompt") if k not in item]
            if missing:
                raise OsintkitError(f"exercise item {dict(item)!r} lacks {', '.join(missing)}")
            it = cls(str(item["id"]), str(item["kind"]), str(item["prompt"]), str(item.get("context", "")))
        if it.kind not in {"source", "claim"}:
            raise OsintkitError(f"exercise item {it.id!r}: kind must be 'source' or 'claim', not {it.kind!r}")
        return it


def _distance(kind: str, a: str, b: str) -> int:
    scale = list(SOURCE_GRADES if kind == "source" else CLAIM_GRADES)
    return abs(scale.index(a) - scale.index(b))


@dataclass
class _Row:
    item: ExerciseItem
    grade: w.Dropdown
    check_button: w.Button
    feedback: w.HTML
    box: w.VBox


class RatingExercise(w.VBox):
    """Learners rate sources and claims; each answer gets feedback; the trainer can reveal the answer key.

    The key is held in the notebook that builds this widget, so it suits self-study. For a class, use
    :mod:`osintkit.exercise`: the key stays with the trainer, answers are saved per learner, reveals come only after
    an answer, and the trainer gets a class summary.

    ``items`` are :class:`ExerciseItem` or dicts with ``id``, ``kind`` (``"source"``/``"claim"``), ``prompt`` and
    optional ``context``. ``answer_key`` maps an item id to its grade, or to ``{"grade": ..., "why": ...}``.
    Widgets: ``rows[item_id].grade`` / ``.check_button`` / ``.feedback``, ``check_all_button``, ``reveal_button``,
    ``answer_view`` and ``score_view``.
    """

    def __init__(
        self,
        items: Sequence[ExerciseItem | Mapping[str, Any]],
        answer_key: Mapping[str, str | Mapping[str, str]],
        **kwargs: Any,
    ) -> None:
        self.items = [ExerciseItem.coerce(i) for i in items]
        self.key: dict[str, tuple[str, str]] = {}
        for item in self.items:
            if item.id not in answer_key:
                raise OsintkitError(f"the answer key has no entry for exercise item {item.id!r}")
            entry = answer_key[item.id]
            grade, why = (entry, "") if isinstance(entry, str) else (str(entry["grade"]), str(entry.get("why", "")))
            scale = SOURCE_GRADES if item.kind == "source" else CLAIM_GRADES
            if grade not in scale:
                raise OsintkitError(f"answer key for {item.id!r}: {grade!r} is not a {item.kind} grade")
            self.key[item.id] = (grade, why)
        self.revealed = False
        self.rows: dict[str, _Row] = {}
        boxes: list[w.Widget] = []
        for n, item in enumerate(self.items, 1):
            scale = SOURCE_GRADES if item.kind == "source" else CLAIM_GRADES
            what = "Source reliability (A–F)" if item.kind == "source" else "Claim credibility (1–6)"
            grade = w.Dropdown(options=[("– choose –", None), *_grade_options(scale)], value=None, description=what)
            grade.style.description_width = "initial"
            check = w.Button(description="Check", icon="question", layout=w.Layout(width="auto"))
            feedback = w.HTML()
            ctx = f"<blockquote style='margin:4px 0'>{escape(item.context)}</blockquote>" if item.context else ""
            box = w.VBox(
                [w.HTML(f"<b>{n}. {escape(item.prompt)}</b>{ctx}"), w.HBox([grade, check]), feedback],
                layout=w.Layout(border="1px solid #ddd", padding="4px", margin="3px 0"),
            )
            row = _Row(item, grade, check, feedback, box)
            check.on_click(lambda _b, r=row: self.check(r.item.id))
            self.rows[item.id] = row
            boxes.append(box)
        self.check_all_button = w.Button(description="Check all", icon="check-square-o", button_style="info")
        self.reveal_button = w.Button(description="Reveal answer key", icon="eye", button_style="warning")
        self.score_view = w.HTML()
        self.answer_view = w.HTML()
        self.check_all_button.on_click(lambda _b: self.check_all())
        self.reveal_button.on_click(lambda _b: self.reveal(not self.revealed))
        super().__init__(
            children=[*boxes, w.HBox([self.check_all_button, self.reveal_button]), self.score_view, self.answer_view],
            **kwargs,
        )

    def answers(self) -> dict[str, str | None]:
        return {item_id: row.grade.value for item_id, row in self.rows.items()}

    def feedback(self, item_id: str, answer: str | None) -> tuple[bool, str]:
        """Whether ``answer`` matches the key, and the feedback text a learner sees for it."""
        item = self.rows[item_id].item
        expected, why = self.key[item_id]
        if answer is None:
            return False, "Choose a grade first."
        if answer == expected:
            return True, f"Correct: {answer}. {why}".strip()
        off = _distance(item.kind, answer, expected)
        hints: list[str] = []
        if item.kind == "claim" and answer == "1":
            hints.append("Grade 1 needs confirmation by an independent source; is there one?")
        if item.kind == "source" and answer == "A":
            hints.append("'A' is for sources with a long, tested record and no motive to deceive; rarely earned.")
        if {answer, expected} & {"F", "6"}:
            hints.append("F and 6 mean 'cannot be judged' (no basis), which is not the same as a low grade.")
        elif off == 1:
            hints.append("Close: one step away on the scale.")
        else:
            hints.append(f"{off} steps away on the scale: revisit the evidence.")
        if self.revealed:
            hints.append(f"The key says {expected}. {why}".strip())
        return False, f"Not quite: {answer}. " + " ".join(hints)

    def check(self, item_id: str) -> bool:
        row = self.rows[item_id]
        ok, text = self.feedback(item_id, row.grade.value)
        colour = _OK if ok else _ERR
        row.feedback.value = f"<span style='color:{colour}'>{escape(text)}</span>"
        self._score()
        return ok

    def check_all(self) -> int:
        """Check every answer; returns how many are right."""
        return sum(self.check(item_id) for item_id in self.rows)

    def _score(self) -> None:
        right = sum(1 for i, r in self.rows.items() if r.grade.value == self.key[i][0])
        answered = sum(1 for r in self.rows.values() if r.grade.value is not None)
        self.score_view.value = f"<b>Score: {right} / {len(self.rows)}</b> ({answered} answered)"

    def reveal(self, show: bool = True) -> None:
        """Show (or hide) the answer key with the reasoning behind each grade."""
        self.revealed = show
        self.reveal_button.description = "Hide answer key" if show else "Reveal answer key"
        if not show:
            self.answer_view.value = ""
            return
        rows = "".join(
            f"<tr><td>{escape(item.id)}</td><td>{escape(item.kind)}</td><td><b>{escape(self.key[item.id][0])}</b>"
            f"</td><td>{escape(self.key[item.id][1])}</td></tr>"
            for item in self.items
        )
        self.answer_view.value = (
            "<table class='osintkit-answer-key'><tr><th>item</th><th>kind</th><th>grade</th><th>why</th></tr>"
            f"{rows}</table>"
        )
        for item_id, row in self.rows.items():
            if row.feedback.value:
                self.check(item_id)
