"""A trainer's source-evaluation exercise: learners rate blind, reveal item by item, and the trainer sees the class.

Three files, so that running every cell of a learner's notebook reveals nothing:

* the **exercise file** (what learners open): the items, the evidence trail the kit found for each, and per item
  only a salted hash of the key's grade and the key's rationale sealed with that grade. Reading it, printing it
  or running every cell shows no answer. The scale has six grades, so a learner who sets out to break the hash
  can; the point is that nobody sees the key by accident, and that the key cannot be edited unnoticed;
* the **trainer's key** (kept by the trainer): grades and rationales in plain text, checked against the hashes of
  the exercise file when loaded, so a key edited after the exercise was handed out is refused;
* one **answer file per learner** (``ANSWERS/<alias>.json``), written on every answer, which the trainer collects.

A learner's reveal is refused until that item is answered, and an answer cannot be changed once revealed (a reset
starts the learner over, and the answer file counts resets). The trainer's :func:`class_summary` reads a folder
of answer files and gives per-item distributions, agreement with the key and the most common mistakes, as
DataFrames and a matplotlib chart. Where the kit's own suggestion differs from the key, the item says so: that is
a discussion point, not an error in either.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .admiralty_scale import CREDIBILITY_LABELS, RELIABILITY_LABELS
from .errors import InputError, MalformedInputError, MissingExtraError, OsintkitError

if TYPE_CHECKING:
    from .store import Case

__all__ = [
    "AnswerKey",
    "ClassSummary",
    "Evidence",
    "Exercise",
    "ExerciseError",
    "ExerciseForm",
    "ExerciseItem",
    "ExerciseKeyError",
    "KeyEntry",
    "LearnerSession",
    "Reveal",
    "build_exercise",
    "class_summary",
    "exercise_from_case",
    "exercise_from_file",
]

EXERCISE_FORMAT = "osintkit-exercise/1"
KEY_FORMAT = "osintkit-exercise-key/1"
ANSWERS_FORMAT = "osintkit-exercise-answers/1"

# The Admiralty scale, in order (distance on it is how far off a mistake is).
SCALES: dict[str, tuple[str, ...]] = {"source": tuple(RELIABILITY_LABELS), "claim": tuple(CREDIBILITY_LABELS)}
MEANINGS: dict[str, str] = {grade: label.lower() for grade, label in (RELIABILITY_LABELS | CREDIBILITY_LABELS).items()}
_ALIAS = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,63}$")


class ExerciseError(OsintkitError, RuntimeError):
    """An exercise step out of order: a reveal before an answer, a new answer after a reveal, an unknown item."""


class ExerciseKeyError(InputError):
    """A key that does not belong to the exercise, or was edited after it was handed out."""


# -- records ------------------------------------------------------------------------------------------------------


@dataclass
class Evidence:
    """What the kit found about an item, shown to a learner on reveal (never before)."""

    chain: list[str] = field(default_factory=list)  # origin first: speaker (channel) ← carriers ← this outlet
    independent: list[str] = field(default_factory=list)  # independent origins in agreement
    contradictions: list[str] = field(default_factory=list)  # each with its reason
    copies: list[str] = field(default_factory=list)  # for a source: whom its reports repeat, and how we know
    suggested: str | None = None  # the kit's suggested grade
    suggested_why: str = ""


@dataclass
class ExerciseItem:
    """One thing to rate: a source (``kind="source"``, A–F) or a claim (``kind="claim"``, 1–6)."""

    id: str
    kind: str
    prompt: str
    context: str = ""
    evidence: Evidence = field(default_factory=Evidence, repr=False)  # shown on reveal, not before


@dataclass
class KeyEntry:
    grade: str
    why: str = ""


@dataclass
class Reveal:
    """What a learner sees on revealing an item they have answered."""

    item: ExerciseItem
    answer: str
    key: str
    why: str

    @property
    def correct(self) -> bool:
        return self.answer == self.key

    @property
    def steps_off(self) -> int:
        scale = SCALES[self.item.kind]
        return abs(scale.index(self.answer) - scale.index(self.key))

    @property
    def discussion(self) -> str | None:
        """A discussion point where the kit's suggestion differs from the key, else None."""
        return _discussion(self.item, self.key)

    def text(self) -> str:
        ev = self.item.evidence
        verdict = "Correct" if self.correct else f"Not quite ({self.steps_off} step(s) off)"
        lines = [f"{verdict}: you said {self.answer}; the key says {self.key} ({MEANINGS[self.key]})."]
        if self.why:
            lines.append(f"Why: {self.why}")
        if ev.chain:
            lines.append("Origin chain: " + " ← ".join(ev.chain))
        lines.append("Independent origins in agreement: " + (", ".join(ev.independent) or "none besides its own"))
        lines += [f"Copy: {c}" for c in ev.copies]
        lines += [f"Conflict: {c}" for c in ev.contradictions]
        if self.discussion:
            lines.append("Discussion: " + self.discussion)
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        head, *rest = self.text().split("\n")
        colour = "#1b5e20" if self.correct else "#b71c1c"
        items = "".join(f"<li>{escape(line)}</li>" for line in rest)
        return f"<div><b style='color:{colour}'>{escape(head)}</b><ul style='margin:2px 0'>{items}</ul></div>"


def _discussion(item: ExerciseItem, key: str) -> str | None:
    ev = item.evidence
    if ev.suggested is None or ev.suggested == key:
        return None
    return (
        f"osintkit suggests {ev.suggested} ({MEANINGS.get(ev.suggested, '?')}) where the key says {key}: "
        f"{ev.suggested_why or 'no reason recorded'}. Which reading of the evidence is right, and what does the "
        f"kit not see?"
    )


# -- hashing and sealing ------------------------------------------------------------------------------------------


def _key_hash(salt: str, item_id: str, grade: str) -> str:
    return hashlib.sha256(f"{salt}\x1f{item_id}\x1f{grade}".encode()).hexdigest()


def _stream(salt: str, item_id: str, grade: str, n: int) -> bytes:
    out = bytearray()
    block = 0
    while len(out) < n:
        out += hashlib.sha256(f"{salt}\x1fseal\x1f{item_id}\x1f{grade}\x1f{block}".encode()).digest()
        block += 1
    return bytes(out[:n])


def _seal(salt: str, item_id: str, grade: str, text: str) -> str:
    # Sealed with the grade, so the rationale becomes readable exactly when the grade is known: on reveal.
    raw = text.encode("utf-8")
    return bytes(a ^ b for a, b in zip(raw, _stream(salt, item_id, grade, len(raw)), strict=True)).hex()


def _unseal(salt: str, item_id: str, grade: str, sealed: str) -> str:
    raw = bytes.fromhex(sealed)
    return bytes(a ^ b for a, b in zip(raw, _stream(salt, item_id, grade, len(raw)), strict=True)).decode("utf-8")


def _canonical(data: Any) -> str:
    return json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))


def _key_digest(salt: str, key: Mapping[str, KeyEntry]) -> str:
    body = _canonical({"salt": salt, "key": {k: [v.grade, v.why] for k, v in sorted(key.items())}})
    return hashlib.sha256(body.encode()).hexdigest()


def _read_json(path: Path, expected_format: str) -> dict[str, Any]:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(path)) from None
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise MalformedInputError(f"not JSON: {exc.msg}", path=str(path), line=exc.lineno) from None
    if not isinstance(data, dict) or data.get("format") != expected_format:
        got = data.get("format") if isinstance(data, dict) else type(data).__name__
        raise MalformedInputError(f"expected {expected_format!r}, found {got!r}", path=str(path), field="format")
    return data


def _write_json(path: Path, data: Mapping[str, Any]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    os.replace(tmp, path)  # a learner's file is never left half-written by a kernel interrupted mid-save
    return path


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


# -- the exercise (learner's file) and the key (trainer's) -----------------------------------------------------


@dataclass
class Exercise:
    """What learners open: items and evidence, and the key only as salted hashes and sealed rationales."""

    title: str
    items: list[ExerciseItem]
    salt: str
    key_hashes: dict[str, str]
    sealed: dict[str, str]
    key_digest: str
    path: Path | None = None

    @property
    def id(self) -> str:
        """Names this exercise in answer files, so answers to another exercise are never mixed in."""
        body = _canonical({"items": [asdict(i) for i in self.items], "hashes": self.key_hashes})
        return hashlib.sha256(body.encode()).hexdigest()[:16]

    def __repr__(self) -> str:
        # Short on purpose: a notebook's Run All prints this, and the evidence belongs to the reveal.
        return f"Exercise({self.title!r}, {len(self.items)} items, {self.where})"

    def item(self, item_id: str) -> ExerciseItem:
        for it in self.items:
            if it.id == item_id:
                return it
        raise ExerciseError(f"{self.where}: no item {item_id!r} (items: {', '.join(i.id for i in self.items)})")

    @property
    def where(self) -> str:
        return str(self.path) if self.path else f"exercise {self.title!r}"

    def key_grade(self, item_id: str) -> str:
        """The key's grade, found from its hash. Used by a reveal, after an answer; never shown before."""
        item = self.item(item_id)
        for grade in SCALES[item.kind]:
            if _key_hash(self.salt, item_id, grade) == self.key_hashes.get(item_id):
                return grade
        raise ExerciseKeyError(
            "the key hash matches no grade on the scale: the file was edited", path=self.where, field=f"key.{item_id}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "format": EXERCISE_FORMAT,
            "title": self.title,
            "salt": self.salt,
            "key_digest": self.key_digest,
            "items": [{**asdict(i), "key": self.key_hashes[i.id], "sealed": self.sealed[i.id]} for i in self.items],
        }

    def save(self, path: str | os.PathLike[str]) -> Path:
        self.path = _write_json(Path(path), self.to_dict())
        return self.path

    @classmethod
    def open(cls, path: str | os.PathLike[str]) -> Exercise:
        p = Path(path)
        data = _read_json(p, EXERCISE_FORMAT)
        items: list[ExerciseItem] = []
        hashes: dict[str, str] = {}
        sealed: dict[str, str] = {}
        for n, raw in enumerate(data.get("items") or []):
            try:
                ev = Evidence(**raw.get("evidence", {}))
                item = ExerciseItem(str(raw["id"]), str(raw["kind"]), str(raw["prompt"]), str(raw.get("context", "")))
                item.evidence = ev
                hashes[item.id] = str(raw["key"])
                sealed[item.id] = str(raw["sealed"])
            except (KeyError, TypeError, AttributeError) as exc:
                raise MalformedInputError(f"bad item: {exc}", path=str(p), field=f"items[{n}]") from None
            items.append(item)
        if not items:
            raise MalformedInputError("the exercise has no items", path=str(p), field="items")
        try:
            return cls(str(data["title"]), items, str(data["salt"]), hashes, sealed, str(data["key_digest"]), p)
        except KeyError as exc:
            raise MalformedInputError("missing", path=str(p), field=str(exc.args[0])) from None

    def session(self, learner: str, answers: str | os.PathLike[str]) -> LearnerSession:
        return LearnerSession(self, learner, answers)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<li><b>{escape(i.prompt)}</b> <small>({'source, A–F' if i.kind == 'source' else 'claim, 1–6'})"
            f"</small></li>"
            for i in self.items
        )
        return f"<div><b>{escape(self.title)}</b>: {len(self.items)} items to rate<ol>{rows}</ol></div>"


@dataclass
class AnswerKey:
    """The trainer's key: a grade and a rationale per item, tied to one exercise by its hashes."""

    title: str
    entries: dict[str, KeyEntry]
    salt: str
    path: Path | None = None

    def __repr__(self) -> str:
        return f"AnswerKey({self.title!r}, {len(self.entries)} entries)"  # never the grades, if a cell shows it

    def save(self, path: str | os.PathLike[str]) -> Path:
        data = {
            "format": KEY_FORMAT,
            "title": self.title,
            "salt": self.salt,
            "items": {k: asdict(v) for k, v in self.entries.items()},
        }
        self.path = _write_json(Path(path), data)
        return self.path

    @classmethod
    def load(cls, path: str | os.PathLike[str], exercise: Exercise) -> AnswerKey:
        """Read a key and check it against ``exercise``: a grade or rationale changed since is refused."""
        p = Path(path)
        data = _read_json(p, KEY_FORMAT)
        raw = data.get("items")
        if not isinstance(raw, dict):
            raise MalformedInputError("expected an object of items", path=str(p), field="items")
        entries: dict[str, KeyEntry] = {}
        for item_id, entry in raw.items():
            if not isinstance(entry, dict) or "grade" not in entry:
                raise MalformedInputError("needs a grade", path=str(p), field=f"items.{item_id}")
            entries[str(item_id)] = KeyEntry(str(entry["grade"]), str(entry.get("why", "")))
        key = cls(str(data.get("title", "")), entries, str(data.get("salt", "")), p)
        key.check(exercise)
        return key

    def check(self, exercise: Exercise) -> None:
        where = str(self.path) if self.path else "answer key"
        missing = [i.id for i in exercise.items if i.id not in self.entries]
        if missing:
            raise ExerciseKeyError(f"no entry for {', '.join(missing)}", path=where, field="items")
        for item in exercise.items:
            grade = self.entries[item.id].grade
            if _key_hash(exercise.salt, item.id, grade) != exercise.key_hashes[item.id]:
                raise ExerciseKeyError(
                    f"grade {grade!r} is not the one {exercise.where} was built with: the key was edited, or "
                    f"belongs to another exercise",
                    path=where,
                    field=f"items.{item.id}.grade",
                )
            why = _unseal(exercise.salt, item.id, grade, exercise.sealed[item.id])
            if why != self.entries[item.id].why:
                raise ExerciseKeyError(
                    "the rationale differs from the one the exercise was built with: the key was edited",
                    path=where,
                    field=f"items.{item.id}.why",
                )
        if _key_digest(exercise.salt, {i.id: self.entries[i.id] for i in exercise.items}) != exercise.key_digest:
            raise ExerciseKeyError("the key does not match the exercise's digest", path=where, field="items")


def _coerce_key(item: ExerciseItem, entry: KeyEntry | Mapping[str, Any] | str, where: str) -> KeyEntry:
    if isinstance(entry, KeyEntry):
        ke = entry
    elif isinstance(entry, str):
        ke = KeyEntry(entry)
    else:
        if "grade" not in entry:
            raise InputError("needs a grade", path=where, field=f"{item.id}.grade")
        ke = KeyEntry(str(entry["grade"]), str(entry.get("why", "")))
    ke.grade = ke.grade.strip().upper()
    if ke.grade not in SCALES[item.kind]:
        raise InputError(
            f"{ke.grade!r} is not a {item.kind} grade ({'/'.join(SCALES[item.kind])})",
            path=where,
            field=f"{item.id}.grade",
        )
    return ke


def build_exercise(
    items: Sequence[ExerciseItem | Mapping[str, Any]],
    key: Mapping[str, KeyEntry | Mapping[str, Any] | str],
    *,
    title: str = "Source evaluation",
    salt: str | None = None,
) -> tuple[Exercise, AnswerKey]:
    """The learners' exercise and the trainer's key from items and a key (item id → grade, or grade and ``why``)."""
    where = f"exercise {title!r}"
    parsed: list[ExerciseItem] = []
    for n, raw in enumerate(items):
        if isinstance(raw, ExerciseItem):
            it = raw
        else:
            missing = [k for k in ("id", "kind", "prompt") if k not in raw]
            if missing:
                raise InputError(f"lacks {', '.join(missing)}", path=where, field=f"items[{n}]")
            ev = raw.get("evidence") or Evidence()
            it = ExerciseItem(
                str(raw["id"]),
                str(raw["kind"]),
                str(raw["prompt"]),
                str(raw.get("context", "")),
                ev if isinstance(ev, Evidence) else Evidence(**ev),
            )
        if it.kind not in SCALES:
            raise InputError(f"kind must be 'source' or 'claim', not {it.kind!r}", path=where, field=f"{it.id}.kind")
        if any(p.id == it.id for p in parsed):
            raise InputError("two items share this id", path=where, field=f"{it.id}")
        parsed.append(it)
    if not parsed:
        raise InputError("an exercise needs at least one item", path=where, field="items")
    entries: dict[str, KeyEntry] = {}
    for it in parsed:
        if it.id not in key:
            raise InputError("the key has no entry for this item", path=where, field=f"{it.id}.grade")
        entries[it.id] = _coerce_key(it, key[it.id], where)
    s = salt or secrets.token_hex(16)
    exercise = Exercise(
        title,
        parsed,
        s,
        {i.id: _key_hash(s, i.id, entries[i.id].grade) for i in parsed},
        {i.id: _seal(s, i.id, entries[i.id].grade, entries[i.id].why) for i in parsed},
        _key_digest(s, entries),
    )
    return exercise, AnswerKey(title, entries, s)


# -- from a case, or from an exercise file --------------------------------------------------------------------------


def _excerpt(text: str, n: int = 280) -> str:
    text = " ".join(text.split())
    if len(text) <= n:
        return text
    cut = text[:n]
    stop = max(cut.rfind(". "), cut.rfind("? "), cut.rfind("! "))
    return cut[: stop + 1] if stop > n // 2 else cut.rsplit(" ", 1)[0] + "…"


def exercise_from_case(
    case: Case,
    spec: Sequence[Mapping[str, Any]],
    *,
    title: str = "Source evaluation",
    where: str = "exercise spec",
    salt: str | None = None,
) -> tuple[Exercise, AnswerKey]:
    """Items chosen from a case, each with the evidence trail corroboration finds and the kit's suggestion.

    Each spec entry has ``id``, ``grade``, ``why`` and either ``source`` (a publisher in the case: a source item)
    or ``claim`` (text a claim contains, optionally narrowed by ``source``: a claim item); ``prompt`` and
    ``context`` override the defaults.
    """
    from .assess import suggest
    from .claims.corroboration import corroborate

    docs = case.documents()
    claims = case.claims()
    co = corroborate(claims, docs, entities=case.entities())
    suggestions = {(s.kind, s.object_id): s for s in suggest(claims, co, docs)}
    by_id = {d.id: d for d in docs}
    items: list[ExerciseItem] = []
    key: dict[str, Mapping[str, Any]] = {}
    for n, entry in enumerate(spec):
        item_id = str(entry.get("id") or f"item-{n + 1}")
        source = entry.get("source")
        text = entry.get("claim")
        if text is None and source is None:
            raise InputError("needs 'source' or 'claim'", path=where, field=f"items[{n}]")
        if text is None:
            own = [d for d in docs if (d.source or d.id) == source]
            if not own:
                known = sorted({d.source or d.id for d in docs})
                raise InputError(
                    f"no source {source!r} in the case ({'; '.join(known)})", path=where, field=f"items[{n}].source"
                )
            ev = Evidence(
                copies=[
                    f"repeats {co.source_of(co.parents[d.id].original)} ({co.parents[d.id].relation}; direction from "
                    f"{co.parents[d.id].direction})"
                    for d in own
                    if d.id in co.parents
                ]
            )
            ev.copies += sorted(
                {
                    f"copied by {co.source_of(c)} ({lk.relation})"
                    for c, lk in co.parents.items()
                    if lk.original in {d.id for d in own}
                }
            )
            own_claims = {c.id for c in claims if c.doc_id in {d.id for d in own}}
            ev.contradictions = [
                f"{x.reason} ({x.source_a} against {x.source_b})"
                for x in co.contradictions
                if x.claim_a in own_claims or x.claim_b in own_claims
            ]
            sug = suggestions.get(("source", str(source)))
            if sug:
                ev.suggested, ev.suggested_why = sug.grade, sug.rationale
            prompt = entry.get("prompt") or f"Source: {source}"
            context = entry.get("context") or f"{own[0].title or ''}. {_excerpt(own[0].text)}".lstrip(". ")
            items.append(ExerciseItem(item_id, "source", str(prompt), str(context), ev))
        else:
            found = [
                c
                for c in claims
                if str(text).lower() in c.content.lower()
                and (source is None or (by_id[c.doc_id].source or c.doc_id) == source)
            ]
            if not found:
                raise InputError(
                    f"no claim containing {text!r}" + (f" from {source!r}" if source else ""),
                    path=where,
                    field=f"items[{n}].claim",
                )
            claim = found[0]
            doc = by_id[claim.doc_id]
            ev = Evidence(
                chain=co.chain_of(claim.id) if claim.id in co.origins else [],
                independent=co.independent_sources(claim.id),
                contradictions=[
                    f"{x.reason} ({x.source_a} against {x.source_b})"
                    for x in co.contradictions
                    if claim.id in (x.claim_a, x.claim_b)
                ],
            )
            sug = suggestions.get(("claim", claim.id))
            if sug:
                ev.suggested, ev.suggested_why = sug.grade, sug.rationale
            who = f"{claim.claimant}, " if claim.claimant else ""
            prompt = entry.get("prompt") or f"Claim ({who}in {doc.source or doc.title or doc.id}): “{claim.content}”"
            items.append(ExerciseItem(item_id, "claim", str(prompt), str(entry.get("context") or ""), ev))
        key[item_id] = {"grade": str(entry.get("grade", "")), "why": str(entry.get("why", ""))}
    return build_exercise(items, key, title=title, salt=salt)


def exercise_from_file(
    path: str | os.PathLike[str], case: Case | None = None, *, salt: str | None = None
) -> tuple[Exercise, AnswerKey]:
    """A trainer's exercise file (YAML or JSON): ``title`` and ``items``, read against ``case`` when given.

    Without a case each item gives ``kind``, ``prompt`` and optional ``context`` itself.
    """
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", path=str(p)) from None
    if p.suffix.lower() in (".yaml", ".yml"):
        try:
            import yaml
        except ImportError as exc:  # pragma: no cover - installed with jupyter
            raise MissingExtraError("YAML exercise files need PyYAML: pip install pyyaml, or use JSON") from exc
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise MalformedInputError(
                f"not YAML: {getattr(exc, 'problem', exc)}", path=str(p), line=mark.line + 1 if mark else None
            ) from None
    else:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise MalformedInputError(f"not JSON: {exc.msg}", path=str(p), line=exc.lineno) from None
    if not isinstance(data, dict) or not isinstance(data.get("items"), list):
        raise MalformedInputError("expected a mapping with a list of items", path=str(p), field="items")
    title = str(data.get("title") or p.stem)
    for n, entry in enumerate(data["items"]):
        if not isinstance(entry, dict):
            raise MalformedInputError("each item is a mapping", path=str(p), field=f"items[{n}]")
    if case is not None:
        return exercise_from_case(case, data["items"], title=title, where=str(p), salt=salt)
    key = {str(e.get("id")): {"grade": e.get("grade", ""), "why": e.get("why", "")} for e in data["items"]}
    try:
        return build_exercise(data["items"], key, title=title, salt=salt)
    except InputError as exc:
        raise InputError(exc.reason, path=str(p), field=exc.field) from None


# -- a learner's session ------------------------------------------------------------------------------------------


class LearnerSession:
    """One learner's answers, saved to ``answers/<alias>.json`` on every change."""

    def __init__(self, exercise: Exercise | str | os.PathLike[str], learner: str, answers: str | os.PathLike[str]):
        self.exercise = exercise if isinstance(exercise, Exercise) else Exercise.open(exercise)
        learner = " ".join(str(learner).split())
        if not _ALIAS.match(learner):
            raise InputError(
                "a learner's name or alias is 1–64 letters, digits, spaces, dots, dashes or underscores",
                field="learner",
            )
        self.learner = learner
        self.path = Path(answers) / f"{learner.replace(' ', '_')}.json"
        self.answers: dict[str, dict[str, Any]] = {}
        self.resets = 0
        if self.path.exists():
            data = _read_json(self.path, ANSWERS_FORMAT)
            if data.get("exercise") != self.exercise.id:
                raise InputError("these answers belong to another exercise", path=str(self.path), field="exercise")
            if data.get("learner") != learner:  # "Ana K" and "Ana_K" share a file name, never their answers
                raise InputError(
                    f"this file is {data.get('learner')!r}'s: choose another alias",
                    path=str(self.path),
                    field="learner",
                )
            self.answers = dict(data.get("answers") or {})
            self.resets = int(data.get("resets", 0))

    def _save(self) -> None:
        _write_json(
            self.path,
            {
                "format": ANSWERS_FORMAT,
                "exercise": self.exercise.id,
                "title": self.exercise.title,
                "learner": self.learner,
                "resets": self.resets,
                "answers": self.answers,
            },
        )

    def answer(self, item_id: str, grade: str, rationale: str = "") -> None:
        item = self.exercise.item(item_id)
        g = str(grade).strip().upper()
        if g not in SCALES[item.kind]:
            raise InputError(
                f"{grade!r} is not a {item.kind} grade ({'/'.join(SCALES[item.kind])})", field=f"{item_id}.grade"
            )
        if self.answers.get(item_id, {}).get("revealed"):
            raise ExerciseError(f"{item_id}: already revealed; reset to answer again")
        self.answers[item_id] = {"grade": g, "rationale": rationale, "time": _now(), "revealed": False}
        self._save()

    def answered(self, item_id: str) -> str | None:
        entry = self.answers.get(item_id)
        return str(entry["grade"]) if entry else None

    def reveal(self, item_id: str) -> Reveal:
        """The key, its rationale and the evidence trail for an item this learner has answered."""
        item = self.exercise.item(item_id)
        answer = self.answered(item_id)
        if answer is None:
            raise ExerciseError(f"{item_id}: answer it before revealing the key")
        key = self.exercise.key_grade(item_id)
        why = _unseal(self.exercise.salt, item_id, key, self.exercise.sealed[item_id])
        if not self.answers[item_id].get("revealed"):
            self.answers[item_id]["revealed"] = True
            self._save()
        return Reveal(item, answer, key, why)

    def reset(self) -> None:
        """Start over: every answer and reveal cleared (the answer file counts resets, for the trainer)."""
        self.answers = {}
        self.resets += 1
        self._save()

    def progress(self) -> str:
        done = len(self.answers)
        shown = sum(1 for a in self.answers.values() if a.get("revealed"))
        return f"{self.learner}: {done} of {len(self.exercise.items)} answered, {shown} revealed"


# -- the trainer's class summary ------------------------------------------------------------------------------------


@dataclass
class ClassSummary:
    exercise: Exercise
    key: AnswerKey
    learners: dict[str, dict[str, str]]  # learner → item id → grade
    files: list[Path]

    def distribution(self) -> Any:
        """Items × grades: how many learners gave each grade."""
        import pandas as pd

        rows = {}
        for item in self.exercise.items:
            counts = Counter(a[item.id] for a in self.learners.values() if item.id in a)
            rows[item.id] = {g: counts.get(g, 0) for g in SCALES[item.kind]}
        frame = pd.DataFrame.from_dict(rows, orient="index").fillna(0).astype(int)
        frame.index.name = "item"
        return frame

    def frame(self) -> Any:
        """One row per item: the key, answers, agreement with the key, the most common mistake, a discussion point."""
        import pandas as pd

        rows = []
        for item in self.exercise.items:
            key = self.key.entries[item.id].grade
            given = [a[item.id] for a in self.learners.values() if item.id in a]
            counts = Counter(given)
            wrong = Counter(g for g in given if g != key).most_common(1)
            rows.append(
                {
                    "item": item.id,
                    "kind": item.kind,
                    "key": key,
                    "answers": len(given),
                    "agree": counts.get(key, 0),
                    "agreement": round(counts.get(key, 0) / len(given), 2) if given else None,
                    "distribution": " ".join(f"{g}:{counts[g]}" for g in SCALES[item.kind] if counts.get(g)),
                    "most common mistake": f"{wrong[0][0]} ({wrong[0][1]})" if wrong else "",
                    "kit suggests": item.evidence.suggested or "",
                    "discussion": _discussion(item, key) or "",
                }
            )
        return pd.DataFrame(rows)

    def mistakes(self) -> Any:
        """Every wrong answer, most frequent first, with how far off it is on the scale."""
        import pandas as pd

        counts: Counter[tuple[str, str]] = Counter()
        for a in self.learners.values():
            for item in self.exercise.items:
                g = a.get(item.id)
                if g is not None and g != self.key.entries[item.id].grade:
                    counts[(item.id, g)] += 1
        kinds = {i.id: i.kind for i in self.exercise.items}
        rows = [
            {
                "item": item_id,
                "answer": g,
                "learners": n,
                "key": self.key.entries[item_id].grade,
                "steps off": abs(
                    SCALES[kinds[item_id]].index(g) - SCALES[kinds[item_id]].index(self.key.entries[item_id].grade)
                ),
            }
            for (item_id, g), n in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        ]
        return pd.DataFrame(rows, columns=["item", "answer", "learners", "key", "steps off"])

    def chart(self) -> Any:
        """A matplotlib Figure: per item, the learners' grades as stacked bars, the key's share in green.

        The figure draws itself as a PNG wherever it is displayed: a bare Figure shows only as
        ``<Figure size ...>`` in JupyterLab unless ``%matplotlib inline`` ran first, which trainers should not need.
        """
        import io

        from matplotlib.figure import Figure

        class _ShownFigure(Figure):
            def _repr_png_(self) -> bytes:
                buf = io.BytesIO()
                self.savefig(buf, format="png")
                return buf.getvalue()

        dist = self.distribution()
        items = self.exercise.items
        fig = _ShownFigure(figsize=(8, 0.5 + 0.55 * len(items)))
        ax = fig.add_subplot(1, 1, 1)
        for row, item in enumerate(items):
            key = self.key.entries[item.id].grade
            left = 0
            for g in SCALES[item.kind]:
                n = int(dist.loc[item.id, g]) if g in dist.columns else 0
                if not n:
                    continue
                off = abs(SCALES[item.kind].index(g) - SCALES[item.kind].index(key))
                colour = "#2e7d32" if off == 0 else ("#f9a825" if off == 1 else "#c62828")
                ax.barh(row, n, left=left, color=colour, edgecolor="white")
                ax.text(left + n / 2, row, g, ha="center", va="center", color="white", fontsize=9)
                left += n
        ax.set_yticks(range(len(items)), [f"{i.id} (key {self.key.entries[i.id].grade})" for i in items])
        ax.invert_yaxis()
        ax.set_xlabel(f"learners ({len(self.learners)}); green: the key, amber: one step off, red: further")
        ax.set_title(self.exercise.title)
        fig.tight_layout()
        return fig


def class_summary(
    answers: str | os.PathLike[str],
    key: AnswerKey | str | os.PathLike[str],
    exercise: Exercise | str | os.PathLike[str],
) -> ClassSummary:
    """Read every ``*.json`` answer file in a folder; files for another exercise are refused, naming the file."""
    ex = exercise if isinstance(exercise, Exercise) else Exercise.open(exercise)
    ak = key if isinstance(key, AnswerKey) else AnswerKey.load(key, ex)
    if not isinstance(key, (str, os.PathLike)):
        ak.check(ex)
    folder = Path(answers)
    files = sorted(folder.glob("*.json")) if folder.is_dir() else []
    learners: dict[str, dict[str, str]] = {}
    for f in files:
        data = _read_json(f, ANSWERS_FORMAT)
        if data.get("exercise") != ex.id:
            raise InputError("answers to another exercise", path=str(f), field="exercise")
        name = str(data.get("learner") or f.stem)
        if name in learners:
            raise InputError(f"a second answer file for learner {name!r}", path=str(f), field="learner")
        learners[name] = {k: str(v["grade"]) for k, v in (data.get("answers") or {}).items() if "grade" in v}
    return ClassSummary(ex, ak, learners, files)


# -- the learner's form -------------------------------------------------------------------------------------------


class ExerciseForm:
    """The learner's ipywidgets form over a :class:`LearnerSession`: rate, save, reveal per item, reset.

    Display ``form.widget``. Children are attributes so tests drive it as a user would: ``rows[item_id]`` holds
    ``grade`` (a Dropdown), ``save`` and ``reveal`` (Buttons) and ``output`` (HTML); ``reset_button``, ``status``.
    """

    def __init__(self, session: LearnerSession) -> None:
        import ipywidgets as w

        self.session = session
        self.rows: dict[str, dict[str, Any]] = {}
        boxes = []
        for n, item in enumerate(session.exercise.items, 1):
            what = "Reliability (A–F)" if item.kind == "source" else "Credibility (1–6)"
            options = [("– choose –", None), *[(f"{g} – {MEANINGS[g]}", g) for g in SCALES[item.kind]]]
            grade = w.Dropdown(options=options, value=session.answered(item.id), description=what)
            grade.style.description_width = "initial"
            save = w.Button(description="Save answer", icon="save", layout=w.Layout(width="auto"))
            reveal = w.Button(description="Reveal", icon="eye", layout=w.Layout(width="auto"))
            output = w.HTML()
            ctx = f"<blockquote style='margin:4px 0'>{escape(item.context)}</blockquote>" if item.context else ""
            boxes.append(
                w.VBox(
                    [w.HTML(f"<b>{n}. {escape(item.prompt)}</b>{ctx}"), w.HBox([grade, save, reveal]), output],
                    layout=w.Layout(border="1px solid #ddd", padding="4px", margin="3px 0"),
                )
            )
            self.rows[item.id] = {"grade": grade, "save": save, "reveal": reveal, "output": output}
            save.on_click(lambda _b, i=item.id: self._save(i))
            reveal.on_click(lambda _b, i=item.id: self._reveal(i))
        self.reset_button = w.Button(
            description="Reset my answers", icon="undo", button_style="warning", layout=w.Layout(width="auto")
        )
        self.reset_button.on_click(lambda _b: self._reset())
        self.status = w.HTML()
        self.widget = w.VBox([*boxes, w.HBox([self.reset_button]), self.status])
        self._refresh()

    def _refresh(self) -> None:
        for item_id, row in self.rows.items():
            entry = self.session.answers.get(item_id)
            row["reveal"].disabled = entry is None  # nothing to reveal before an answer
            row["save"].disabled = bool(entry and entry.get("revealed"))
            row["grade"].disabled = bool(entry and entry.get("revealed"))
        self.status.value = (
            f"<small>{escape(self.session.progress())} · saved to {escape(str(self.session.path))}</small>"
        )

    def _say(self, item_id: str, html: str) -> None:
        self.rows[item_id]["output"].value = html

    def _save(self, item_id: str) -> None:
        grade = self.rows[item_id]["grade"].value
        if grade is None:
            self._say(item_id, "<span style='color:#b71c1c'>Choose a grade first.</span>")
            return
        try:
            self.session.answer(item_id, grade)
        except OsintkitError as exc:
            self._say(item_id, f"<span style='color:#b71c1c'>{escape(str(exc))}</span>")
        else:
            self._say(item_id, f"<span style='color:#1b5e20'>Saved: {escape(grade)}.</span>")
        self._refresh()

    def _reveal(self, item_id: str) -> None:
        try:
            self._say(item_id, self.session.reveal(item_id)._repr_html_())
        except OsintkitError as exc:
            self._say(item_id, f"<span style='color:#b71c1c'>{escape(str(exc))}</span>")
        self._refresh()

    def _reset(self) -> None:
        self.session.reset()
        for item_id, row in self.rows.items():
            row["grade"].value = None
            self._say(item_id, "")
        self._refresh()

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)
