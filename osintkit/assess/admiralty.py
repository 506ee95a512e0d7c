"""Source evaluation on the Admiralty (NATO) scale.

Sources get a reliability grade A–F, claims a credibility grade 1–6. They are stored separately (a source's record
and a single claim's content are judged on different evidence) and shown together, as in "B2".

Rules enforced here, not in the store:

* grades outside the scale are refused;
* credibility 1, "confirmed by other independent sources", needs at least one independent corroborating source;
  echoes (copies, citations, wire reprints) of the claim's own source do not count;
* the analyst's rating always wins over a suggestion (``Case.current_rating`` orders analyst first), and every
  rating goes through the case's custody log.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from osintkit.admiralty_scale import CREDIBILITY, RELIABILITY
from osintkit.errors import AssessmentError

from .policy import BELLIGERENTS, CORRECTION_PATTERN, LOSS_WORDS, credibility_grade, reliability_grade

if TYPE_CHECKING:
    from osintkit.claims.corroboration import Corroboration
    from osintkit.model import Claim, Document
    from osintkit.store import Case

__all__ = [
    "CREDIBILITY",
    "RELIABILITY",
    "Suggestion",
    "admiralty_code",
    "assessment_frame",
    "claimant_stake",
    "describe",
    "normalise_credibility",
    "normalise_reliability",
    "rate_claim",
    "rate_source",
    "store_suggestions",
    "suggest",
    "suggest_ratings",
    "suggestions_frame",
]


def _on_scale(grade: object, scale: dict[str, tuple[str, str]], what: str) -> str:
    # upper() is harmless for the digits of the credibility scale: no character upper-cases to an ASCII digit.
    g = str(grade).strip().upper()
    if g not in scale:
        first, *_, last = scale
        raise AssessmentError(
            f"invalid {what} grade {grade!r}: the Admiralty scale uses {first}–{last} "
            f"({', '.join(f'{k} {v[0]}' for k, v in scale.items())})"
        )
    return g


def normalise_reliability(grade: object) -> str:
    return _on_scale(grade, RELIABILITY, "source reliability")


def normalise_credibility(grade: object) -> str:
    return _on_scale(grade, CREDIBILITY, "claim credibility")


def describe(code: str) -> str:
    """ "B2" → "B2: Usually reliable source; information probably true"."""
    code = code.strip()
    r, c = normalise_reliability(code[:1]), normalise_credibility(code[1:])
    return f"{r}{c}: {RELIABILITY[r][0]} source; information {CREDIBILITY[c][0].lower()}"


@dataclass
class Suggestion:
    kind: str  # "source" | "claim"
    object_id: str
    grade: str
    rationale: str
    caveats: list[str] = field(default_factory=list)  # shown beside the grade; never lowered it


def _find_claim(case: Case, claim_id: str) -> Claim:
    for c in case.claims():
        if c.id == claim_id:
            return c
    raise AssessmentError(f"{case.path}: no claim {claim_id!r} in the case; extract and store claims first")


def _case_corroboration(case: Case) -> Corroboration:
    from osintkit.claims.corroboration import corroborate

    return corroborate(case.claims(), case.documents(), entities=case.entities())


def rate_source(case: Case, source: str, grade: str, rationale: str = "") -> dict[str, Any]:
    """The analyst's reliability grade (A–F) for a source; stored and logged in the custody log."""
    if not source or not str(source).strip():
        raise AssessmentError("a source rating needs the source's name")
    g = normalise_reliability(grade)
    case.add_rating("source", source, g, origin="analyst", rationale=rationale)
    return case.current_rating("source", source) or {}


def rate_claim(
    case: Case,
    claim_id: str,
    grade: str | int,
    rationale: str = "",
    corroboration: Corroboration | None = None,
) -> dict[str, Any]:
    """The analyst's credibility grade (1–6) for one claim; stored and logged in the custody log.

    Grade 1 is refused unless at least one independent source corroborates the claim (computed from the case when
    ``corroboration`` is not given). Echoes of the claim's own source never count.
    """
    g = normalise_credibility(grade)
    claim = _find_claim(case, claim_id)
    if g == "1":
        co = corroboration if corroboration is not None else _case_corroboration(case)
        independent = co.independent_sources(claim_id)
        if not independent:
            group = co.group_of(claim_id)
            echoes = sorted({m.source for m in group.members if m.echo_of}) if group else []
            detail = f" (echoes that do not count: {', '.join(echoes)})" if echoes else ""
            raise AssessmentError(
                f"credibility 1 (“confirmed by other independent sources”) needs at least one independent source "
                f"that corroborates claim {claim_id} (“{claim.content[:80]}”), and none does{detail}. "
                f"Grade it 2–6, or add an independent report to the case first."
            )
        rationale = rationale or f"corroborated independently by {', '.join(independent)}"
    case.add_rating("claim", claim_id, g, origin="analyst", rationale=rationale)
    return case.current_rating("claim", claim_id) or {}


def claimant_stake(claim: Claim) -> str | None:
    """Why the claimant has a stake in the claim, if it does: a belligerent's officials on the war's losses.

    A caveat to show beside the grade, never a reason to lower it (see :mod:`osintkit.assess.policy`).
    """
    if claim.claimant_type not in ("government", "military", "intelligence", "person") or not claim.claimant:
        return None
    who = f"{claim.claimant} {claim.claimant_role or ''}".lower()
    side = next((v for k, v in BELLIGERENTS.items() if k in who), None)
    if side is None:
        return None
    content = claim.content.lower()
    if not any(w in content for w in LOSS_WORDS):
        return None
    others = {v for k, v in BELLIGERENTS.items() if k in content} - {side}
    if not others:
        return None
    return f"{claim.claimant} speaks for {side}, a party to the conflict, about {', '.join(sorted(others))}"


def suggest(
    claims: Sequence[Claim], corroboration: Corroboration, documents: Sequence[Document] = ()
) -> list[Suggestion]:
    """Suggested grades from the evidence, without touching any store: claims first, then sources.

    Claims: the number of independent origins that support and that contradict each claim, read through
    :data:`~osintkit.assess.policy.CREDIBILITY_POLICY`; each origin is named in the rationale. Sources: their own
    record in the case, read through :data:`~osintkit.assess.policy.RELIABILITY_POLICY`.
    """
    co = corroboration
    docs = {d.id: d for d in documents}
    out: list[Suggestion] = []
    record: dict[str, dict[str, int]] = {}
    for c in sorted(claims, key=lambda c: c.id):
        doc = docs.get(c.doc_id)
        source = (doc.source if doc else None) or co.doc_sources.get(c.doc_id) or c.doc_id
        stats = record.setdefault(source, {"claims": 0, "confirmed": 0, "contradicted": 0, "misrelayed": 0})
        stats["claims"] += 1
        member = co.member_of(c.id)
        origin = co.origin_of(c.id) if c.id in co.origins else None
        own = origin.key if origin else c.id
        support = list(member.support) if member else [own]
        against = sorted(set(member.against if member else []) | set(co.cross_against.get(c.id, [])))
        grade, meaning = credibility_grade(len(set(support)), len(set(against)), c.hedged)
        reasons = [meaning]
        others = sorted({co.origin_name(k) for k in support if k != own})
        if others:
            reasons.append("independent origins in agreement: " + ", ".join(others))
        if against:
            reasons.append("contradicted by: " + ", ".join(sorted({co.origin_name(k) for k in against})))
            if member and member.stance == "contradicts":
                reasons.append(member.reason)
        if c.hedged:
            reasons.append("hedged: " + ", ".join(c.hedges))
        if member and member.relay_conflicts:
            reasons.append("relays of the same origin differ: " + ", ".join(member.relay_conflicts))
        if c.id in co.origins:
            chain = co.chain_of(c.id)
            if len(chain) > 1:
                reasons.append("origin chain: " + " ← ".join(chain))
        caveats = []
        stake = claimant_stake(c)
        if stake:
            caveats.append("interested party: " + stake)
            reasons.append("caveat, not evidence against: " + stake)
        out.append(Suggestion("claim", c.id, str(grade), "; ".join(reasons), caveats))
        own_voice = origin is not None and origin.kind == "outlet" and not co.is_echo(c.doc_id)
        if own_voice and against:
            stats["contradicted"] += 1
        elif own_voice and len(set(support)) >= 2:
            stats["confirmed"] += 1
        if member and member.stance == "contradicts" and member.relay_conflicts and not against:
            stats["misrelayed"] += 1
    corrected = {d.source or d.id for d in docs.values() if re.search(CORRECTION_PATTERN, d.text)}
    for source, st in sorted(record.items()):
        letter, meaning = reliability_grade(st["confirmed"], st["contradicted"], st["misrelayed"])
        why = (
            f"{meaning}: of its own claims {st['confirmed']} confirmed and {st['contradicted']} contradicted by "
            f"independent origins; {st['misrelayed']} relays differ from other relays of their origin"
        )
        if source in corrected:
            why += "; it published a correction"
        out.append(Suggestion("source", source, letter, why))
    return out


def suggestions_frame(suggestions: Sequence[Suggestion], corroboration: Corroboration | None = None) -> Any:
    """Suggestions as a table: what is graded (the claim's text where known), the grade, its evidence, caveats."""
    import pandas as pd

    claims = corroboration.claims if corroboration is not None else {}
    rows = [
        {
            "kind": s.kind,
            "what": claims[s.object_id].content if s.object_id in claims else s.object_id,
            "grade": s.grade,
            "evidence": s.rationale,
            "caveats": "; ".join(s.caveats),
        }
        for s in suggestions
    ]
    return pd.DataFrame(rows, columns=["kind", "what", "grade", "evidence", "caveats"])


def store_suggestions(case: Case, suggestions: Sequence[Suggestion]) -> int:
    """Store suggestions with origin "suggested"; one identical to the latest already logged is not logged again."""
    existing = {(r["kind"], r["object_id"]): r for r in case.ratings() if r["origin"] == "suggested"}
    written = 0
    for s in suggestions:
        prev = existing.get((s.kind, s.object_id))  # ratings() is in id order: this is the latest suggestion
        if prev and (prev["grade"], prev["rationale"]) == (s.grade, s.rationale):
            continue
        case.add_rating(s.kind, s.object_id, s.grade, origin="suggested", rationale=s.rationale)
        written += 1
    return written


def suggest_ratings(case: Case, corroboration: Corroboration | None = None) -> list[Suggestion]:
    """:func:`suggest` from the case's claims and documents, then :func:`store_suggestions`."""
    co = corroboration if corroboration is not None else _case_corroboration(case)
    out = suggest(case.claims(), co, case.documents())
    store_suggestions(case, out)
    return out


def admiralty_code(case: Case, claim_or_id: Claim | str) -> str:
    """ "B2": the claim's source reliability and the claim's credibility, "?" where a part is not rated yet."""
    claim = _find_claim(case, claim_or_id) if isinstance(claim_or_id, str) else claim_or_id
    doc = case.get_document(claim.doc_id)
    source = doc.source or doc.id
    r = case.current_rating("source", source)
    c = case.current_rating("claim", claim.id)
    return f"{r['grade'] if r else '?'}{c['grade'] if c else '?'}"


def assessment_frame(case: Case) -> Any:
    """One row per claim: source, reliability, credibility, code, and whether each grade is the analyst's."""
    import pandas as pd

    docs = {d.id: d for d in case.documents()}
    rows = []
    for c in case.claims():
        doc = docs.get(c.doc_id)
        source = (doc.source if doc else None) or c.doc_id
        r = case.current_rating("source", source)
        cr = case.current_rating("claim", c.id)
        rows.append(
            {
                "claim_id": c.id,
                "source": source,
                "claimant": c.claimant,
                "content": c.content,
                "reliability": r["grade"] if r else None,
                "reliability_by": r["origin"] if r else None,
                "credibility": cr["grade"] if cr else None,
                "credibility_by": cr["origin"] if cr else None,
                "code": f"{r['grade'] if r else '?'}{cr['grade'] if cr else '?'}",
                "rationale": cr["rationale"] if cr else "",
            }
        )
    return pd.DataFrame(rows)
