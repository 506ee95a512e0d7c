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

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from osintkit.errors import AssessmentError

if TYPE_CHECKING:
    from osintkit.claims.corroborate import Corroboration
    from osintkit.model import Claim
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
    "suggest_ratings",
]

# (label, description) per grade, after NATO AJP-2.1 / STANAG 2511.
RELIABILITY: dict[str, tuple[str, str]] = {
    "A": ("Completely reliable", "No doubt of authenticity, trustworthiness or competency; a history of complete reliability."),  # noqa: E501
    "B": ("Usually reliable", "Minor doubt about authenticity, trustworthiness or competency; a history of valid information most of the time."),  # noqa: E501
    "C": ("Fairly reliable", "Doubt of authenticity, trustworthiness or competency, but has provided valid information in the past."),  # noqa: E501
    "D": ("Not usually reliable", "Significant doubt about authenticity, trustworthiness or competency, but has provided valid information in the past."),  # noqa: E501
    "E": ("Unreliable", "Lacking in authenticity, trustworthiness and competency; a history of invalid information."),
    "F": ("Reliability cannot be judged", "No basis exists for evaluating the reliability of the source."),
}  # fmt: skip
CREDIBILITY: dict[str, tuple[str, str]] = {
    "1": ("Confirmed by other sources", "Confirmed by other independent sources; logical in itself; consistent with other information on the subject."),  # noqa: E501
    "2": ("Probably true", "Not confirmed; logical in itself; consistent with other information on the subject."),
    "3": ("Possibly true", "Not confirmed; reasonably logical in itself; agrees with some other information on the subject."),  # noqa: E501
    "4": ("Doubtful", "Not confirmed; possible but not logical; no other information on the subject."),
    "5": ("Improbable", "Not confirmed; not logical in itself; contradicted by other information on the subject."),
    "6": ("Truth cannot be judged", "No basis exists for evaluating the validity of the information."),
}  # fmt: skip

_LOSS_WORDS = (
    "killed", "dead", "died", "casualties", "losses", "lost", "wounded", "injured", "captured", "destroyed",
    "shot down", "surrendered", "executed", "suicide", "deployed", "sent", "eliminated", "prisoners",
)  # fmt: skip
_BELLIGERENT_WORDS = {
    "ukraine": "Ukraine", "ukrainian": "Ukraine", "kyiv": "Ukraine", "zelensk": "Ukraine", "russia": "Russia",
    "russian": "Russia", "kremlin": "Russia", "moscow": "Russia", "putin": "Russia", "north korea": "North Korea",
    "pyongyang": "North Korea", "israel": "Israel", "israeli": "Israel", "hamas": "Hamas", "gaza": "Hamas",
}  # fmt: skip


def normalise_reliability(grade: object) -> str:
    g = str(grade).strip().upper()
    if g not in RELIABILITY:
        raise AssessmentError(
            f"invalid source reliability grade {grade!r}: the Admiralty scale uses A–F "
            f"({', '.join(f'{k} {v[0]}' for k, v in RELIABILITY.items())})"
        )
    return g


def normalise_credibility(grade: object) -> str:
    g = str(grade).strip()
    if g not in CREDIBILITY:
        raise AssessmentError(
            f"invalid claim credibility grade {grade!r}: the Admiralty scale uses 1–6 "
            f"({', '.join(f'{k} {v[0]}' for k, v in CREDIBILITY.items())})"
        )
    return g


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


def _find_claim(case: Case, claim_id: str) -> Claim:
    for c in case.claims():
        if c.id == claim_id:
            return c
    raise AssessmentError(f"{case.path}: no claim {claim_id!r} in the case; extract and store claims first")


def _case_corroboration(case: Case) -> Corroboration:
    from osintkit.claims.corroborate import corroborate

    return corroborate(case.claims(), case.documents())


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
    """Why the claimant has a stake in the claim, if it does: a belligerent's officials on the war's losses."""
    if claim.claimant_type not in ("government", "military", "intelligence") or not claim.claimant:
        return None
    who = f"{claim.claimant} {claim.claimant_role or ''}".lower()
    side = next((v for k, v in _BELLIGERENT_WORDS.items() if k in who), None)
    if side is None:
        return None
    content = claim.content.lower()
    if not any(w in content for w in _LOSS_WORDS):
        return None
    others = {v for k, v in _BELLIGERENT_WORDS.items() if k in content} - {side}
    if not others:
        return None
    return f"{claim.claimant} speaks for {side}, a party to the conflict, about {', '.join(sorted(others))}"


def suggest_ratings(case: Case, corroboration: Corroboration | None = None) -> list[Suggestion]:
    """Suggested grades from the evidence, stored with origin "suggested" (an analyst's rating still wins).

    Claims: independent corroboration raises credibility, contradiction lowers it, and so do hedging and the
    claimant's stake in the matter. Sources: no track record means F; echoing others or being contradicted lowers,
    independently corroborated claims raise it, but never above C, since A and B need a history an analyst knows.
    """
    co = corroboration if corroboration is not None else _case_corroboration(case)
    out: list[Suggestion] = []
    claims = case.claims()
    docs = {d.id: d for d in case.documents()}
    per_source: dict[str, dict[str, int]] = {}
    for c in claims:
        source = co.doc_sources.get(c.doc_id) or (docs[c.doc_id].source if c.doc_id in docs else None) or c.doc_id
        stats = per_source.setdefault(source, {"claims": 0, "corroborated": 0, "contradicted": 0, "echo": 0})
        stats["claims"] += 1
        group = co.group_of(c.id)
        member = group.member(c.id) if group else None
        independent = co.independent_sources(c.id)
        contradicting = (
            {co.root_source(m.doc_id) for m in group.members if m.claim_id != c.id and _conflicts(co, c.id, m.claim_id)}
            if group
            else set()
        )
        reasons = []
        if independent:
            reasons.append(f"corroborated by {len(independent)} independent source(s): {', '.join(independent)}")
        if contradicting:
            reasons.append(f"contradicted by {', '.join(sorted(contradicting))}")
            if member and member.stance == "contradicts":
                reasons.append(member.reason)
        if independent and not contradicting:
            grade = 1 if len(independent) >= 2 and not c.hedged else 2
        elif independent:
            grade = 3 if len(independent) >= len(contradicting) else 4  # mixed evidence
        elif contradicting:
            grade = 5 if len(contradicting) >= 2 else 4
        else:
            grade = 3
            reasons.append("no independent corroboration in the case")
        if c.hedged:
            # The claimant's own doubt keeps a claim from the top grades; it is not evidence against it.
            grade = grade + 1 if grade < 3 else grade
            reasons.append("hedged: " + ", ".join(c.hedges))
        stake = claimant_stake(c)
        if stake:
            grade = min(grade + 1, 5)
            reasons.append("claimant has a stake: " + stake)
        if co.is_echo(c.doc_id):
            stats["echo"] += 1
            reasons.append(f"the source echoes {co.root_source(c.doc_id)}")
        if independent and not contradicting:
            stats["corroborated"] += 1
        if contradicting:
            stats["contradicted"] += 1
        out.append(Suggestion("claim", c.id, str(grade), "; ".join(reasons)))
    for source, st in per_source.items():
        if st["echo"] and st["echo"] >= st["claims"] / 2:
            letter, why = "D", f"{st['echo']} of {st['claims']} claims echo another source"
        elif st["contradicted"] > st["corroborated"]:
            letter, why = "D", f"{st['contradicted']} claims contradicted, {st['corroborated']} corroborated"
        elif st["corroborated"] >= 2 and not st["contradicted"]:
            letter, why = "C", f"{st['corroborated']} claims independently corroborated, none contradicted"
        else:
            letter, why = "F", "no track record in this case to judge the source by"
        out.append(Suggestion("source", source, letter, why))
    existing = {(r["kind"], r["object_id"]): r for r in case.ratings() if r["origin"] == "suggested"}
    for s in out:
        prev = existing.get((s.kind, s.object_id))  # ratings() is in id order: this is the latest suggestion
        if prev and (prev["grade"], prev["rationale"]) == (s.grade, s.rationale):
            continue  # the same suggestion again adds nothing to the log
        case.add_rating(s.kind, s.object_id, s.grade, origin="suggested", rationale=s.rationale)
    return out


def _conflicts(co: Corroboration, a: str, b: str) -> bool:
    from osintkit.claims.corroborate import compare_claims

    return compare_claims(co.claims[a], co.claims[b])[0] == "contradicts"


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
