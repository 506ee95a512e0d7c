"""Notebook widgets: the analyst's annotation panel.

It is a plain ipywidgets container, so it renders in JupyterLab 4 with the stock widget manager, and tests
drive them exactly as a user would: set a control's ``value`` and call ``.click()`` on a button. The panel holds
no state of its own worth keeping; every action goes straight to the :class:`~osintkit.store.Case`, whose write
methods append to the custody log, so what an analyst decided in a notebook is as traceable as a pipeline run.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
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


def _set_multi(widget: w.SelectMultiple, options: list[tuple[str, Any]]) -> None:
    """Replace a multiple choice's options, keeping whichever chosen ones are still there."""
    keep = tuple(widget.value)
    widget.value = ()
    widget.options = options
    values = {v for _, v in options}
    widget.value = tuple(v for v in keep if v in values)


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


def _in_context(text: str, start: int, end: int, width: int = 36) -> str:
    """The mention in a short window of its text, marked ⟦so⟧, cut at word breaks: what a list row shows."""
    a, b = max(0, start - width), min(len(text), end + width)
    if a > 0:
        space = text.find(" ", a, start)
        a = space + 1 if space != -1 else a
    if b < len(text):
        space = text.rfind(" ", end, b)
        b = space if space != -1 else b
    before = " ".join(text[a:start].split())
    after = " ".join(text[end:b].split())
    return (
        ("…" if a > 0 else "")
        + before
        + (" " if before and text[start - 1].isspace() else "")
        + f"⟦{' '.join(text[start:end].split())}⟧"
        + (" " if after and text[end : end + 1].isspace() else "")
        + after
        + ("…" if b < len(text) else "")
    )


def _renormalise(case: Case) -> None:
    """Rebuild the case's entities after a mention review, so a relabel or rejection reaches the entity table,
    the exports and the report. A case never normalised (no entities yet) is left for the pipeline to do."""
    if case.execute("SELECT 1 FROM entities LIMIT 1").fetchone() is None:
        return
    # Imported late: the entity linker pulls in the gazetteer tables, which a panel that is only looked at
    # does not need.
    from .entities.normalise import normalise_case

    normalise_case(case)


class AnnotationPanel(w.VBox):  # type: ignore[misc]  # ipywidgets ships no type hints: VBox is Any to mypy
    """Review one document of a case: mentions, entities, places, source and claim ratings, notes.

    ``case`` is a :class:`Case` or a path to a case file. Child widgets are attributes so code and tests can
    drive them: ``doc_select``; mentions: ``label_filter``, ``text_filter``, ``entity_select`` (each row the mention
    marked in its context), ``label_select``, ``accept_button``, ``reject_button``, ``relabel_button``,
    ``accept_all_button`` (every mention the filters show); entities: ``merge_select``, ``merge_name``,
    ``merge_button``; ``place_select``, ``candidate_select``, ``choose_place_button``; ``source_grade``,
    ``source_rationale``, ``rate_source_button``; ``claim_select``, ``claim_grades`` (current and suggested
    grade), ``claim_grade``, ``claim_rationale``, ``rate_claim_button``; ``note_target``, ``note_text``,
    ``add_note_button``. Each section's result shows beside its buttons (``mention_feedback``,
    ``entity_feedback``, ``place_feedback``, ``source_feedback``, ``claim_feedback``, ``note_feedback``);
    ``status`` is the one that spoke last.

    A review of a mention (accept, reject, relabel) or a merge re-runs entity normalisation on a case that has
    entities, so the change reaches ``case.entities()``, :class:`~osintkit.findings.Findings` and every export.
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

        def feedback() -> w.HTML:
            return w.HTML(layout=w.Layout(margin="0 0 0 8px"))

        self.doc_select = w.Dropdown(
            options=[(_short(d.title or d.path or d.id, 90), d.id) for d in docs],
            value=doc_id or docs[0].id,
            description="Document",
            layout=wide,
        )
        self.doc_info = w.HTML()

        self.label_filter = w.Dropdown(options=[("all labels", "")], value="", description="Show")
        self.text_filter = w.Text(placeholder="filter by text", layout=w.Layout(width="240px"))
        self.match_count = w.HTML()
        self.entity_select = w.Select(options=[], rows=10, description="Mentions", layout=wide)
        self.context = w.HTML()
        self.label_select = w.Dropdown(options=list(self.labels), description="Label")
        self.accept_button = w.Button(description="Accept", button_style="success", icon="check", layout=btn)
        self.reject_button = w.Button(description="Reject", button_style="danger", icon="times", layout=btn)
        self.relabel_button = w.Button(description="Relabel", button_style="warning", icon="tag", layout=btn)
        self.accept_all_button = w.Button(description="Accept all shown", icon="check-square-o", layout=btn)
        self.mention_feedback = feedback()

        self.merge_select = w.SelectMultiple(options=[], rows=5, description="Entities", layout=wide)
        self.merge_name = w.Text(placeholder="name for the merged entity (optional)", layout=w.Layout(width="320px"))
        self.merge_button = w.Button(description="Merge selected", icon="compress", layout=btn)
        self.entity_feedback = feedback()

        self.place_select = w.Dropdown(options=[], description="Place", layout=wide)
        self.candidate_select = w.Dropdown(options=[], description="Candidate", layout=w.Layout(width="60%"))
        self.choose_place_button = w.Button(description="Use candidate", icon="map-marker", layout=btn)
        self.place_feedback = feedback()

        self.source_grades = w.HTML()
        self.source_grade = w.Dropdown(
            options=_grade_options(SOURCE_GRADES), value="F", description="Grade", layout=w.Layout(width="380px")
        )
        self.source_rationale = w.Text(placeholder="why this grade (track record, access, motive)", layout=wide)
        self.rate_source_button = w.Button(description="Rate source", icon="star", layout=btn)
        self.source_feedback = feedback()

        self.claim_select = w.Dropdown(options=[], description="Claim", layout=wide)
        self.claim_grades = w.HTML()
        self.claim_grade = w.Dropdown(
            options=_grade_options(CLAIM_GRADES), value="6", description="Grade", layout=w.Layout(width="380px")
        )
        self.claim_rationale = w.Text(placeholder="why this grade (corroboration, plausibility)", layout=wide)
        self.rate_claim_button = w.Button(description="Rate claim", icon="star-half-o", layout=btn)
        self.claim_feedback = feedback()

        self.note_target = w.Dropdown(options=[], description="About", layout=wide)
        self.note_text = w.Textarea(placeholder="analyst note", layout=wide)
        self.add_note_button = w.Button(description="Add note", icon="sticky-note", layout=btn)
        self.note_feedback = feedback()
        self._last_feedback = self.mention_feedback

        self.doc_select.observe(self._on_doc, names="value")
        self.label_filter.observe(self._on_filter, names="value")
        self.text_filter.observe(self._on_filter, names="value")
        self.entity_select.observe(self._on_mention, names="value")
        self.place_select.observe(self._on_place, names="value")
        self.claim_select.observe(self._on_claim, names="value")
        self.accept_button.on_click(lambda _b: self._review("accepted"))
        self.reject_button.on_click(lambda _b: self._review("rejected"))
        self.relabel_button.on_click(lambda _b: self._review("relabelled"))
        self.accept_all_button.on_click(lambda _b: self._accept_shown())
        self.merge_button.on_click(lambda _b: self._merge())
        self.choose_place_button.on_click(lambda _b: self._choose_place())
        self.rate_source_button.on_click(lambda _b: self._rate_source())
        self.rate_claim_button.on_click(lambda _b: self._rate_claim())
        self.add_note_button.on_click(lambda _b: self._add_note())

        def head(text: str) -> w.HTML:
            return w.HTML(f"<b>{escape(text)}</b>")

        children = [
            w.HTML(
                "<h4 style='margin:2px 0'>osintkit annotation panel</h4><small><i>Every action here is saved to "
                "the case and its custody log; its result shows beside the button.</i></small>"
            ),
            self.doc_select,
            self.doc_info,
            head("Entity mentions: accept, reject or relabel what the tagger found"),
            w.HBox([self.label_filter, self.text_filter, self.match_count]),
            self.entity_select,
            self.context,
            w.HBox(
                [
                    self.accept_button,
                    self.reject_button,
                    self.label_select,
                    self.relabel_button,
                    self.accept_all_button,
                    self.mention_feedback,
                ]
            ),
            head("Entities: merge names that are one person, body or place"),
            self.merge_select,
            w.HBox([self.merge_name, self.merge_button, self.entity_feedback]),
            head("Places: pick the right candidate when a name is ambiguous"),
            self.place_select,
            w.HBox([self.candidate_select, self.choose_place_button, self.place_feedback]),
            head("Source reliability (Admiralty A–F)"),
            self.source_grades,
            w.HBox([self.source_grade, self.rate_source_button, self.source_feedback]),
            self.source_rationale,
            head("Claim credibility (Admiralty 1–6)"),
            self.claim_select,
            self.claim_grades,
            w.HBox([self.claim_grade, self.rate_claim_button, self.claim_feedback]),
            self.claim_rationale,
            head("Notes"),
            self.note_target,
            self.note_text,
            w.HBox([self.add_note_button, self.note_feedback]),
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

    @property
    def status(self) -> w.HTML:
        """The feedback of the section that acted last."""
        return self._last_feedback

    def _mention_status(self) -> dict[tuple[int, int], str]:
        rows = self.case.execute('SELECT start, "end", status FROM mentions WHERE doc_id = ?', (self.doc_id,))
        return {(r[0], r[1]): r[2] for r in rows}

    def shown_mentions(self) -> list[Mention]:
        """The mentions the label and text filters let through, in document order."""
        label = self.label_filter.value
        needle = " ".join(str(self.text_filter.value).split()).casefold()
        return [
            m
            for m in self._mentions.values()
            if (not label or m.label == label) and (not needle or needle in " ".join(m.text.split()).casefold())
        ]

    def refresh(self) -> None:
        """Reload the lists from the case (after a pipeline re-run, or another kernel's edits)."""
        doc = self.document
        rating = self.case.current_rating("source", source_key(doc))
        rated = f"rated <b>{escape(rating['grade'])}</b> ({escape(rating['origin'])})" if rating else "not rated"
        self.doc_info.value = (
            f"<small>{escape(doc.source or 'unknown source')} · {escape(doc.published or 'undated')} · "
            f"sha256 <code>{doc.sha256[:16]}…</code> · source {rated}</small>"
        )
        self._status = self._mention_status()
        mentions = self.case.mentions(self.doc_id, include_rejected=True)
        extra = sorted({m.label for m in mentions} - set(self.labels))
        if extra:  # a custom model's labels: offer them too rather than silently mapping them away
            self.labels = (*self.labels, *extra)
            self.label_select.options = list(self.labels)
        self._mentions = {(m.start, m.end): m for m in mentions}
        counts = Counter(m.label for m in mentions)
        _set_options(
            self.label_filter,
            [("all labels", ""), *[(f"{label} ({counts[label]})", label) for label in self.labels if counts[label]]],
        )
        self._list_mentions()

        entities = self.case.entities()
        _set_multi(
            self.merge_select,
            [(f"{e.name} [{e.label}] · {e.mention_count} mention(s)", e.id) for e in entities if e.mention_count],
        )

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
        self._show_grades(self.source_grades, self.source_grade, "source", source_key(doc), SOURCE_GRADES)

        claims = self.case.claims(self.doc_id)
        self._claims: dict[str, Claim] = {c.id: c for c in claims}
        _set_options(
            self.claim_select,
            [(f"{_short(c.claimant or 'unattributed', 24)}: {_short(c.content, 70)}", c.id) for c in claims],
        )
        self._on_claim(None)

        targets = [(f"document: {_short(doc.title or doc.id, 60)}", doc.id)]
        if doc.source:
            targets.append((f"source: {_short(doc.source, 60)}", doc.source))
        targets += [(f"claim: {_short(c.content, 60)}", c.id) for c in claims]
        ents = {m.entity_id for m in mentions if m.entity_id}
        targets += [(f"entity: {e.name} [{e.label}]", e.id) for e in entities if e.id in ents]
        _set_options(self.note_target, targets)

    def _list_mentions(self) -> None:
        text = self.document.text
        shown = self.shown_mentions()
        _set_options(
            self.entity_select,
            [
                (
                    f"{_in_context(text, m.start, m.end)}  · {m.label} · {self._status.get((m.start, m.end), 'auto')}",
                    (m.start, m.end),
                )
                for m in shown
            ],
        )
        self.match_count.value = f"<small>&nbsp;{len(shown)} of {len(self._mentions)} mentions shown</small>"
        self.accept_all_button.description = f"Accept all shown ({len(shown)})"
        self.accept_all_button.disabled = not shown
        self._on_mention(None)

    def _show_grades(
        self, view: w.HTML, control: w.Dropdown, kind: str, object_id: str, grades: Mapping[str, str]
    ) -> None:
        """The current and the suggested grade, in words beside the control and marked in its list; the control
        starts at the current grade."""
        current = self.case.current_rating(kind, object_id)
        row = self.case.execute(
            "SELECT grade, rationale FROM ratings WHERE kind = ? AND object_id = ? AND origin = 'suggested'"
            " ORDER BY id DESC LIMIT 1",
            (kind, object_id),
        ).fetchone()
        suggested = {"grade": str(row[0]), "rationale": str(row[1] or "")} if row else None
        marks: dict[str, list[str]] = {}
        if current is not None:
            marks.setdefault(current["grade"], []).append("current")
        if suggested is not None:
            marks.setdefault(suggested["grade"], []).append("suggested")
        control.options = [
            (f"{k} – {v}" + (f"  ({', '.join(marks[k])})" if k in marks else ""), k) for k, v in grades.items()
        ]
        if current is not None and current["grade"] in grades:
            control.value = current["grade"]
        parts = []
        if current is None:
            parts.append("Current grade: <b>none</b>")
        else:
            who = "analyst" if current["origin"] == "analyst" else "osintkit's suggestion"
            parts.append(
                f"Current grade: <b>{escape(current['grade'])}</b> {escape(grades.get(current['grade'], ''))} "
                f"({escape(who)})"
            )
        if suggested is None:
            parts.append("Suggested: <i>none stored (run the pipeline's assessment)</i>")
        else:
            why = f": {escape(suggested['rationale'])}" if suggested["rationale"] else ""  # the reasons, whole
            parts.append(
                f"Suggested: <b>{escape(suggested['grade'])}</b> {escape(grades.get(suggested['grade'], ''))}{why}"
            )
        view.value = "<small>" + " · ".join(parts) + "</small>"

    def _on_doc(self, _change: Any) -> None:
        self.refresh()

    def _on_filter(self, _change: Any) -> None:
        self._list_mentions()

    def _on_mention(self, _change: Any) -> None:
        m: Mention | None = self._mentions.get(self.entity_select.value) if self.entity_select.value else None
        if m is None:
            self.context.value = (
                "<small><i>No mention matches the filters.</i></small>"
                if self._mentions
                else "<small><i>No mentions tagged in this document yet.</i></small>"
            )
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

    def _on_claim(self, _change: Any) -> None:
        claim_id = self.claim_select.value
        if claim_id is None:
            self.claim_grades.value = "<small><i>No claims extracted from this document.</i></small>"
            return
        self._show_grades(self.claim_grades, self.claim_grade, "claim", str(claim_id), CLAIM_GRADES)

    @staticmethod
    def _describe(cand: Mapping[str, Any], *, current: bool = False) -> str:
        f = _candidate_fields(cand)
        pos = f" {float(f['lat']):.2f},{float(f['lon']):.2f}" if "lat" in f and "lon" in f else ""
        mark = " (current)" if current else ""
        return f"{f.get('name', '?')} ({f.get('country_code') or '?'}; {f.get('feature', '?')}){pos}{mark}"

    # -- actions --------------------------------------------------------------------------------------------

    def _report(self, where: w.HTML, message: str, *, ok: bool = True) -> None:
        self.last_error = None if ok else message
        self._last_feedback = where
        colour = _OK if ok else _ERR
        seq = self.case.execute("SELECT max(seq) FROM custody").fetchone()[0]
        tail = f" <small>(custody entry #{seq})</small>" if ok else ""
        where.value = f"<span style='color:{colour}'>{escape(message)}</span>{tail}"

    def _guard(self, where: w.HTML, action: Callable[[], str]) -> None:
        # Errors are shown in the panel: an exception in a widget callback is otherwise lost in the kernel log,
        # and an analyst who gave a rating the rules refuse must see why it was refused.
        try:
            message = action()
        except (OsintkitError, ValueError, KeyError) as exc:
            self._report(where, f"Not saved: {exc}", ok=False)
        except Exception as exc:  # a bug, not a refusal: still say so where the analyst is looking
            self._report(where, f"Not saved ({type(exc).__name__}): {exc}", ok=False)
        else:
            self._report(where, message)

    def _review(self, status: str) -> None:
        def act() -> str:
            key = self.entity_select.value
            if key is None:
                raise OsintkitError("select a mention first")
            m = self._mentions[key]
            label = str(self.label_select.value) if status == "relabelled" else None
            if status == "relabelled" and label == m.label:
                raise OsintkitError(f"{m.text!r} is already labelled {label}; pick another label")
            with self.case.transaction():
                self.case.set_mention_status(self.doc_id, m.start, m.end, status, label=label)
                _renormalise(self.case)
            self.refresh()
            extra = f" as {label}" if label else ""
            return f"{status.capitalize()} {m.text!r} [{m.label}]{extra}"

        self._guard(self.mention_feedback, act)

    def _accept_shown(self) -> None:
        def act() -> str:
            shown = self.shown_mentions()
            todo = [m for m in shown if self._status.get((m.start, m.end), "auto") == "auto"]
            if not todo:
                raise OsintkitError("nothing to accept: every mention shown is already reviewed")
            # One transaction: a bulk accept lands whole or not at all.
            with self.case.transaction():
                for m in todo:
                    self.case.set_mention_status(self.doc_id, m.start, m.end, "accepted")
                _renormalise(self.case)
            self.refresh()
            left = len(shown) - len(todo)
            rest = f"; {left} already reviewed left as they were" if left else ""
            return f"Accepted {len(todo)} mention(s){rest}"

        self._guard(self.mention_feedback, act)

    def _merge(self) -> None:
        def act() -> str:
            ids = [str(i) for i in self.merge_select.value]
            if len(ids) < 2:
                raise OsintkitError("select two or more entities to merge")
            from .entities.normalise import merge_entities

            entity = merge_entities(self.case, ids, name=self.merge_name.value.strip() or None)
            self.merge_name.value = ""
            self.refresh()
            return f"Merged {len(ids)} entities into {entity.name} [{entity.label}]"

        self._guard(self.entity_feedback, act)

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

        self._guard(self.place_feedback, act)

    def _rate_source(self) -> None:
        def act() -> str:
            key = source_key(self.document)
            grade = str(self.source_grade.value)
            _rate("source", self.case, key, grade, self.source_rationale.value.strip())
            self.refresh()
            return f"Source {key!r} rated {grade} ({SOURCE_GRADES[grade]})"

        self._guard(self.source_feedback, act)

    def _rate_claim(self) -> None:
        def act() -> str:
            claim_id = self.claim_select.value
            if claim_id is None:
                raise OsintkitError("no claim selected (this document has no extracted claims)")
            grade = str(self.claim_grade.value)
            _rate("claim", self.case, str(claim_id), grade, self.claim_rationale.value.strip())
            self._on_claim(None)
            return f"Claim {_short(self._claims[claim_id].content, 50)!r} rated {grade} ({CLAIM_GRADES[grade]})"

        self._guard(self.claim_feedback, act)

    def _add_note(self) -> None:
        def act() -> str:
            text = self.note_text.value.strip()
            if not text:
                raise OsintkitError("the note is empty")
            target = str(self.note_target.value or self.doc_id)
            self.case.add_note(target, text)
            self.note_text.value = ""
            return f"Note added to {target}"

        self._guard(self.note_feedback, act)
