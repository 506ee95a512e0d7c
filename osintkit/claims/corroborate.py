"""Corroboration across the documents of a case.

Claims about the same proposition are grouped by sentence similarity (the project's MiniLM encoder) helped by what
they share: what is counted, places, platform, claimant. Groups are average-linkage clusters with one claim per
document at most, so one long report cannot chain unrelated sentences together.

Each member is then compared with the group's reference values (the earliest report that gives each one): a
different number for the same counted thing, a different platform, place or date, or a denial is a contradiction;
new figures, places or specifics are added detail. Echoes (copies, citations, wire reprints: see
:mod:`osintkit.claims.independence`) are shown but never counted as independent corroboration.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from osintkit.model import Claim, Document

from .independence import DocInfo, Link, echo_chains, find_links, roots

__all__ = [
    "DEFAULT_THRESHOLD",
    "Corroboration",
    "Group",
    "Member",
    "compare_claims",
    "corroborate",
    "independent_sources",
]

DEFAULT_THRESHOLD = 0.62
_MAX_BONUS = 0.18  # the most _bonus() can add to a pair's cosine similarity
_BLOCK = 1024
_SUPPORT = ("agrees", "adds detail")
# Counted nouns that name the same thing, so "11,000 troops" and "12,000 soldiers" are compared.
_COUNTED_SYNONYMS = {
    "troops": "soldiers", "soldier": "soldiers", "troop": "soldiers", "servicemen": "soldiers",
    "personnel": "soldiers", "fighters": "soldiers", "men": "soldiers", "prisoners": "soldiers",
    "people": "people", "persons": "people", "civilians": "civilians", "casualties": "casualties",
}  # fmt: skip
_DENIALS = {"denied", "denies", "deny", "denial", "rejected", "refuted"}
_STOPWORDS = set(
    "the a an and or of to in on at by for with from that this these those is are was were be been has have had "
    "it its his her their they he she we said says stated announced added claimed as not but which who will would "
    "after before into over about than two one".split()
)


@dataclass
class Member:
    claim_id: str
    doc_id: str
    source: str
    stance: str  # "agrees" | "adds detail" | "contradicts"
    reason: str
    similarity: float
    echo_of: str | None = None  # the original this member's document echoes, when it is an echo

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Group:
    id: str
    label: str
    anchor: str
    members: list[Member] = field(default_factory=list)

    @property
    def sources(self) -> list[str]:
        return sorted({m.source for m in self.members})

    @property
    def contradictions(self) -> list[Member]:
        return [m for m in self.members if m.stance == "contradicts"]

    def member(self, claim_id: str) -> Member | None:
        return next((m for m in self.members if m.claim_id == claim_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "label": self.label,
            "anchor": self.anchor,
            "sources": self.sources,
            "members": [m.to_dict() for m in self.members],
        }


@dataclass
class Corroboration:
    groups: list[Group]
    independence: list[Link]
    echo_chains: list[list[str]]
    claims: dict[str, Claim]
    doc_sources: dict[str, str]
    roots: dict[str, str]
    unmatched: list[str] = field(default_factory=list)

    def group_of(self, claim: Claim | str) -> Group | None:
        cid = claim if isinstance(claim, str) else claim.id
        return next((g for g in self.groups if g.member(cid) is not None), None)

    def source_of(self, doc_or_root: str) -> str:
        if doc_or_root.startswith("wire:"):
            return doc_or_root[5:]
        return self.doc_sources.get(doc_or_root, doc_or_root)

    def root_source(self, doc_id: str) -> str:
        """The source a document ultimately repeats: itself, unless it is an echo."""
        return self.source_of(self.roots.get(doc_id, doc_id))

    def is_echo(self, doc_id: str) -> bool:
        return doc_id in self.roots

    def independent_sources(self, group_or_claim: Group | Claim | str) -> list[str]:
        """Sources that independently support a proposition (a group) or corroborate a claim.

        Each echo collapses onto the source it repeats, so a copy, a citation or a wire reprint adds nothing. For a
        claim, its own source (and whatever that source echoes) is excluded, and only members that do not
        contradict the claim count.
        """
        if isinstance(group_or_claim, Group) or (
            isinstance(group_or_claim, str) and any(g.id == group_or_claim for g in self.groups)
        ):
            group = (
                group_or_claim
                if isinstance(group_or_claim, Group)
                else next(g for g in self.groups if g.id == group_or_claim)
            )
            return sorted({self.root_source(m.doc_id) for m in group.members if m.stance in _SUPPORT})
        cid = group_or_claim if isinstance(group_or_claim, str) else group_or_claim.id
        found = self.group_of(cid)
        claim = self.claims.get(cid)
        if found is None or claim is None:
            return []
        own = {self.root_source(claim.doc_id), self.doc_sources.get(claim.doc_id, claim.doc_id)}
        out = set()
        for m in found.members:
            other = self.claims[m.claim_id]
            if m.claim_id == cid or compare_claims(claim, other)[0] == "contradicts":
                continue
            key = self.root_source(m.doc_id)
            if key not in own:
                out.add(key)
        return sorted(out)

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": [{**g.to_dict(), "independent_sources": self.independent_sources(g)} for g in self.groups],
            "independence": [
                {
                    **lk.to_dict(),
                    "original_source": self.source_of(lk.original),
                    "echo_source": self.source_of(lk.echo),
                }
                for lk in self.independence
            ],
            "echo_chains": [[self.source_of(n) for n in chain] for chain in self.echo_chains],
            "echo_chain_ids": self.echo_chains,
            "unmatched_claims": len(self.unmatched),
        }


def independent_sources(corroboration: Corroboration, group_or_claim: Group | Claim | str) -> list[str]:
    """Function form of :meth:`Corroboration.independent_sources`."""
    return corroboration.independent_sources(group_or_claim)


# -- comparing two claims ---------------------------------------------------------------------------------------


def _counted(q: Mapping[str, Any]) -> str | None:
    c = q.get("counted")
    if not c:
        return q.get("unit")
    c = str(c).lower().split()[-1]
    return _COUNTED_SYNONYMS.get(c, c)


def _fmt(value: float) -> str:
    return f"{int(value):,}" if float(value).is_integer() else f"{value:,}"


def _place_tokens(places: Sequence[str]) -> set[str]:
    out = set()
    for p in places:
        for w in re.findall(r"[A-Za-z]+", p.replace("’s", "").replace("'s", "")):
            if w.lower() not in {"region", "oblast", "province", "city", "the", "of"}:
                out.add(w.lower())
    return out


def _date_range(d: Mapping[str, Any]) -> tuple[str, str] | None:
    if d.get("value"):
        v = str(d["value"])[:10]
        return v, v
    if d.get("start") and d.get("end"):
        return str(d["start"])[:10], str(d["end"])[:10]
    return None


def _content_words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOPWORDS and len(w) > 2}


def compare_claims(ref: Claim, other: Claim) -> tuple[str, str]:
    """How ``other`` stands to ``ref`` on the same proposition: (stance, reason)."""
    conflicts: list[str] = []
    details: list[str] = []
    ref_q = {_counted(q): q for q in ref.quantities if _counted(q)}
    for q in other.quantities:
        key = _counted(q)
        if key is None:
            continue
        r = ref_q.get(key)
        if r is None:
            if ref.quantities:
                continue  # a different counted thing next to the reference's own figure
            details.append(f"figure: {q.get('text') or _fmt(q['value'])}")
        elif float(r["value"]) != float(q["value"]):
            conflicts.append(f"{_fmt(float(r['value']))} vs {_fmt(float(q['value']))} {key}")
    if ref.platform and other.platform and ref.platform != other.platform:
        conflicts.append(f"different platform: {ref.platform} vs {other.platform}")
    elif other.platform and not ref.platform:
        details.append(f"platform: {other.platform}")
    rp, op = _place_tokens(ref.places), _place_tokens(other.places)
    if rp and op and not (rp & op):
        conflicts.append(f"different place: {', '.join(ref.places)} vs {', '.join(other.places)}")
    elif op - rp:
        details.append("place: " + ", ".join(p for p in other.places if _place_tokens([p]) - rp))
    rd = [r for r in (_date_range(d) for d in ref.dates) if r]
    od = [r for r in (_date_range(d) for d in other.dates) if r]
    if rd and od and not any(a[0] <= b[1] and b[0] <= a[1] for a in rd for b in od):
        conflicts.append(f"different date: {rd[0][0]} vs {od[0][0]}")
    ref_denies = (ref.cue or "").lower() in _DENIALS
    other_denies = (other.cue or "").lower() in _DENIALS
    if ref_denies != other_denies:
        conflicts.append("denial" if other_denies else "denies what this report denies")
    if conflicts:
        return "contradicts", "; ".join(conflicts)
    new_words = _content_words(other.content) - _content_words(ref.content)
    if len(new_words) >= 5 and len(other.content) > 1.2 * len(ref.content):
        details.append("specifics: " + ", ".join(sorted(new_words)[:6]))
    if details:
        return "adds detail", "; ".join(details)
    return "agrees", "same proposition"


# -- grouping -----------------------------------------------------------------------------------------------------


def _doc_infos(claims: Sequence[Claim], documents: Sequence[Document] | Mapping[str, Document] | None) -> list[DocInfo]:
    docs: list[Document] = list(documents.values()) if isinstance(documents, Mapping) else list(documents or [])
    infos = [
        DocInfo(d.id, d.source or d.title or d.id, d.text, d.published, d.author, order=i) for i, d in enumerate(docs)
    ]
    known = {d.id for d in infos}
    # Without the documents, the claims' sentences stand in for the text (enough to detect copies).
    by_doc: dict[str, list[Claim]] = {}
    for c in claims:
        if c.doc_id not in known:
            by_doc.setdefault(c.doc_id, []).append(c)
    for i, (doc_id, cs) in enumerate(by_doc.items()):
        cs.sort(key=lambda c: c.sentence_start)
        text = "\n".join(dict.fromkeys(c.sentence for c in cs))
        infos.append(DocInfo(doc_id, doc_id, text, order=len(docs) + i))
    return infos


def _bonus(a: Claim, b: Claim) -> float:
    bonus = 0.0
    qa = {_counted(q) for q in a.quantities} - {None}
    qb = {_counted(q) for q in b.quantities} - {None}
    if qa & qb:
        bonus += 0.08
    if _place_tokens(a.places) & _place_tokens(b.places):
        bonus += 0.04
    if a.claimant and b.claimant and a.claimant.split()[-1].lower() == b.claimant.split()[-1].lower():
        bonus += 0.04
    if a.platform and b.platform:
        bonus += 0.02
    return bonus


def corroborate(
    claims: Sequence[Claim],
    documents: Sequence[Document] | Mapping[str, Document] | None = None,
    *,
    threshold: float = DEFAULT_THRESHOLD,
    min_words: int = 4,
    embeddings: Any = None,
) -> Corroboration:
    """Group claims about the same proposition across documents, mark stances, and judge independence.

    ``threshold`` is the average similarity (cosine plus small bonuses for shared counted things, places, claimant
    and platform) two clusters need to merge. ``embeddings`` may be passed precomputed (one row per claim).
    """
    import numpy as np

    infos = _doc_infos(claims, documents)
    info_by_id = {d.id: d for d in infos}
    doc_sources = {d.id: d.source for d in infos}
    links = find_links(infos)
    root_map = roots(links)
    chains = echo_chains(links)
    claims = _inherit_platforms(claims)
    by_id = {c.id: c for c in claims}

    pool = [c for c in claims if len(c.content.split()) >= min_words]
    groups: list[Group] = []
    if pool:
        if embeddings is None:
            from osintkit.tag.encoder import embed

            emb = embed([c.content for c in pool])
        else:
            full = np.asarray(embeddings, dtype=np.float32)
            index = {c.id: i for i, c in enumerate(claims)}
            emb = full[[index[c.id] for c in pool]]
        n = len(pool)
        doc_index = np.array([hash(c.doc_id) for c in pool])
        # Candidate pairs in row blocks, so a large case never needs the full n×n matrix. Bonuses add at most
        # _MAX_BONUS, so a pair below threshold - _MAX_BONUS can never reach the threshold.
        cand: dict[tuple[int, int], float] = {}
        for lo in range(0, n, _BLOCK):
            block = emb[lo : lo + _BLOCK] @ emb.T
            rows, cols = np.nonzero(block >= threshold - _MAX_BONUS)
            for r, j in zip(rows.tolist(), cols.tolist(), strict=True):
                i = lo + r
                if i < j and doc_index[i] != doc_index[j] and pool[i].doc_id != pool[j].doc_id:
                    cand[(i, j)] = float(block[r, j]) + _bonus(pool[i], pool[j])

        def pair_score(x: int, y: int) -> float:
            key = (x, y) if x < y else (y, x)
            if key in cand:
                return cand[key]
            return float(emb[x] @ emb[y])  # below the candidate floor: bonuses cannot lift it past threshold

        clusters: dict[int, list[int]] = {i: [i] for i in range(n)}
        owner = list(range(n))
        pairs = sorted(((v, i, j) for (i, j), v in cand.items() if v >= threshold), reverse=True)
        for _, i, j in pairs:
            a, b = owner[i], owner[j]
            if a == b:
                continue
            if {pool[x].doc_id for x in clusters[a]} & {pool[x].doc_id for x in clusters[b]}:
                continue  # one claim per document and group
            avg = float(np.mean([pair_score(x, y) for x in clusters[a] for y in clusters[b]]))
            if avg < threshold:
                continue
            clusters[a].extend(clusters.pop(b))
            for x in clusters[a]:
                owner[x] = a
        for idx in clusters.values():
            if len(idx) < 2:
                continue
            members = [pool[i] for i in idx]

            def when(c: Claim) -> tuple[int, str, int, int]:
                d = info_by_id.get(c.doc_id)
                # Originals before echoes, then by publication time, then input order.
                return (
                    1 if c.doc_id in root_map else 0,
                    (d.published if d and d.published else "9999"),
                    d.order if d else 0,
                    c.sentence_start,
                )

            members.sort(key=when)
            anchor = members[0]
            group = Group(
                id="grp-" + hashlib.sha256(",".join(sorted(c.id for c in members)).encode()).hexdigest()[:12],
                label=_label(anchor),
                anchor=anchor.id,
            )
            pos = {c.id: k for k, c in enumerate(pool)}
            for c in members:
                ref = _reference(members, c)
                stance, reason = ("agrees", "earliest report") if c is anchor else compare_claims(ref, c)
                group.members.append(
                    Member(
                        claim_id=c.id,
                        doc_id=c.doc_id,
                        source=doc_sources.get(c.doc_id, c.doc_id),
                        stance=stance,
                        reason=reason,
                        similarity=round(float(emb[pos[anchor.id]] @ emb[pos[c.id]]), 3),
                        echo_of=(
                            None if c.doc_id not in root_map else
                            (root_map[c.doc_id][5:] if root_map[c.doc_id].startswith("wire:")
                             else doc_sources.get(root_map[c.doc_id], root_map[c.doc_id]))
                        ),
                    )
                )  # fmt: skip
            groups.append(group)
    groups.sort(key=lambda g: (-len({m.doc_id for m in g.members}), g.label))
    grouped = {m.claim_id for g in groups for m in g.members}
    return Corroboration(
        groups=groups,
        independence=links,
        echo_chains=chains,
        claims=by_id,
        doc_sources=doc_sources,
        roots=root_map,
        unmatched=[c.id for c in claims if c.id not in grouped],
    )


def _inherit_platforms(claims: Sequence[Claim]) -> list[Claim]:
    """A report that names the platform once ("In a post on X, Zelenskyy said...") names it for all that
    speaker's statements in the report, so a lede without it still conflicts with another report's "Telegram"."""
    known: dict[tuple[str, str], str] = {}
    for c in claims:
        if c.platform and c.attributed and c.claimant:
            known.setdefault((c.doc_id, c.claimant.split()[-1].lower()), c.platform)
    out = []
    for c in claims:
        key = (c.doc_id, c.claimant.split()[-1].lower()) if c.claimant and c.attributed else None
        if c.platform is None and key in known:
            c = Claim.from_dict(c.to_dict())
            c.platform = known[key]
        out.append(c)
    return out


def _reference(members: Sequence[Claim], claim: Claim) -> Claim:
    """The anchor, with the earliest member's value filled in where the anchor lacks one (platform, figures...)."""
    anchor = members[0]
    ref = Claim.from_dict(anchor.to_dict())
    for c in members:
        if c is claim:
            continue
        if ref.platform is None and c.platform:
            ref.platform = c.platform
        if not ref.quantities and c.quantities:
            ref.quantities = c.quantities
        if not ref.places and c.places:
            ref.places = c.places
        if not any(_date_range(d) for d in ref.dates) and any(_date_range(d) for d in c.dates):
            ref.dates = c.dates
    return ref


def _label(claim: Claim) -> str:
    text = claim.content.strip()
    if claim.attributed and claim.claimant:
        text = f"{claim.claimant}: {text}"
    return text if len(text) <= 100 else text[:99].rstrip() + "…"
