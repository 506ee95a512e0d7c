"""Corroboration across the documents of a case: propositions, their origins, and where reports conflict.

Claims about one proposition are grouped by sentence similarity (the project's MiniLM encoder) helped by what they
share: what is counted, places, claimant, platform (:func:`osintkit.claims.cluster.group_claims`, which scales by
candidate blocking and approximate nearest neighbours). Groups hold one claim per document at most, so one long
report cannot chain unrelated sentences together.

Three questions are then answered per proposition, each with its evidence:

* **where does each claim come from?** Its origin (:mod:`osintkit.claims.origins`): the speaker and channel, or the
  outlet at the root of the document's copy chain (:mod:`osintkit.claims.links`). Relays of one origin are one
  piece of evidence, shown as a chain ("Zelenskyy (post on Telegram) ← Associated Press ← Yahoo");
* **do the reports agree?** Each member is compared with the group's reference slot by slot
  (:mod:`osintkit.claims.slots`): a contradiction only where the same slot differs, each with a one-line reason;
  a differing platform is a discrepancy on that claim alone;
* **who supports and who contradicts each claim?** The independent origins on each side, which
  :func:`osintkit.assess.suggest` turns into suggested grades.

Nothing here depends on input order or file names: documents are compared in id order (ids derive from content),
ties break on claim ids, and copy direction comes from evidence only.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from osintkit.model import Claim, Document, Entity, Record
from osintkit.text import one_line

from .links import CopyLink, DocInfo, echo_chains, find_links, parent_links
from .origins import Origin, OriginResolver, outlet_of_root
from .publishers import parse_publisher, publisher_key
from .slots import Comparison, Conflict, compare_claims, gazetteer_place, shared_platforms

__all__ = [
    "DEFAULT_THRESHOLD",
    "Contradiction",
    "Corroboration",
    "Group",
    "Member",
    "Proposition",
    "corroborate",
    "independent_sources",
]

DEFAULT_THRESHOLD = 0.62
MAX_BONUS = 0.18  # the most _bonus() can add to a pair's cosine similarity
MAX_PARTNERS = 5  # reports a dissenting claim is paired with in the list of contradictions
MAX_REFERENCES = 8  # earlier reports each claim is compared with; bounds the work in a group of thousands
_SUPPORT = ("agrees", "adds detail", "discrepancy")


@dataclass
class Member(Record):
    """One claim's place in a proposition: its stance to the group's reference, its origin and its evidence."""

    claim_id: str
    doc_id: str
    source: str
    stance: str  # "agrees" | "adds detail" | "contradicts" | "discrepancy"
    reason: str
    similarity: float
    origin: str  # an Origin key
    chain: list[str] = field(default_factory=list)  # speaker (channel) ← carrier ← ... ← this document's outlet
    echo_of: str | None = None  # the outlet this member's document repeats, when it is an echo
    support: list[str] = field(default_factory=list)  # origin keys that agree with this claim (its own included)
    against: list[str] = field(default_factory=list)  # independent origin keys that contradict it
    relay_conflicts: list[str] = field(default_factory=list)  # relays of this claim's own origin that differ


@dataclass
class Contradiction(Record):
    """Two claims of one proposition that disagree on one slot, with the reason a trainer can read aloud."""

    group_id: str
    claim_a: str
    claim_b: str
    slot: str
    kind: str  # "contradiction" | "discrepancy"
    reason: str
    source_a: str = ""
    source_b: str = ""
    independent: bool = True  # False when both claims relay one origin (a relay error, not two accounts)


@dataclass
class Proposition(Record):
    """Claims from several documents about one proposition."""

    id: str
    label: str
    anchor: str
    members: list[Member] = field(default_factory=list)
    independent_origins: list[str] = field(default_factory=list)  # origin names supporting the reference

    @property
    def sources(self) -> list[str]:
        return sorted({m.source for m in self.members})

    @property
    def contradictions(self) -> list[Member]:
        return [m for m in self.members if m.stance == "contradicts"]

    def member(self, claim_id: str) -> Member | None:
        return next((m for m in self.members if m.claim_id == claim_id), None)


Group = Proposition  # the name earlier versions used


@dataclass
class Corroboration:
    """Everything corroboration found: propositions, copy links, origins and contradictions, all typed."""

    groups: list[Proposition]
    links: list[CopyLink]
    parents: dict[str, CopyLink]
    contradictions: list[Contradiction]
    origins: dict[str, Origin]  # claim id -> its origin
    claims: dict[str, Claim]
    doc_sources: dict[str, str]
    roots: dict[str, str]
    unmatched: list[str] = field(default_factory=list)
    # Independent origins that contradict a claim from outside its proposition (a denial worded unlike the claim it
    # denies), by claim id.
    cross_against: dict[str, list[str]] = field(default_factory=dict)
    _group_index: dict[str, Proposition] = field(default_factory=dict, repr=False)
    _origin_names: dict[str, str] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        self._group_index = {m.claim_id: g for g in self.groups for m in g.members}
        for o in self.origins.values():  # the fullest name each origin goes by ("Volodymyr Zelenskyy", not "he")
            if len(o.name) > len(self._origin_names.get(o.key, "")):
                self._origin_names[o.key] = o.name

    # -- lookups ------------------------------------------------------------------------------------------------

    @property
    def independence(self) -> list[CopyLink]:
        return self.links

    @property
    def echo_chains(self) -> list[list[str]]:
        return echo_chains(self.parents.values())

    def group_of(self, claim: Claim | str) -> Proposition | None:
        return self._group_index.get(claim if isinstance(claim, str) else claim.id)

    def member_of(self, claim: Claim | str) -> Member | None:
        cid = claim if isinstance(claim, str) else claim.id
        group = self.group_of(cid)
        return group.member(cid) if group else None

    def origin_of(self, claim: Claim | str) -> Origin:
        return self.origins[claim if isinstance(claim, str) else claim.id]

    def origin_name(self, key: str) -> str:
        return self._origin_names.get(key) or key.split(":", 1)[-1]

    def source_of(self, doc_or_root: str) -> str:
        return outlet_of_root(doc_or_root, self.doc_sources)

    def root_source(self, doc_id: str) -> str:
        """The outlet a document ultimately repeats: itself, unless it is an echo."""
        return self.source_of(self.roots.get(doc_id, doc_id))

    def is_echo(self, doc_id: str) -> bool:
        return doc_id in self.parents

    def chain_of(self, claim: Claim | str) -> list[str]:
        """The claim's origin chain, origin first: speaker (channel), carriers named in the text, copied outlets."""
        cid = claim if isinstance(claim, str) else claim.id
        c = self.claims[cid]
        origin = self.origins[cid]
        head = f"{origin.name} ({origin.channel})" if origin.channel else origin.name
        chain = [head]
        chain += [v for v in c.via if v and v != origin.name]
        hops = []
        node = c.doc_id
        seen = {node}
        while node in self.parents and self.parents[node].original not in seen:
            node = self.parents[node].original
            seen.add(node)
            hops.append(self.source_of(node))
        for outlet in reversed(hops):
            if outlet != chain[-1]:
                chain.append(outlet)
        own = self.doc_sources.get(c.doc_id, c.doc_id)
        if own != chain[-1]:
            chain.append(own)
        return chain

    def independent_sources(self, group_or_claim: Proposition | Claim | str) -> list[str]:
        """Independent origins supporting a proposition (a group), or corroborating a claim (others than its own).

        Relays of one origin count once: a copy, a citation, a wire reprint or nine outlets quoting one post add
        nothing.
        """
        if isinstance(group_or_claim, Proposition):
            return list(group_or_claim.independent_origins)
        if isinstance(group_or_claim, str):
            group = next((g for g in self.groups if g.id == group_or_claim), None)
            if group is not None:
                return list(group.independent_origins)
        member = self.member_of(group_or_claim)
        if member is None:
            return []
        return sorted({self.origin_name(k) for k in member.support if k != member.origin})

    # -- serialising --------------------------------------------------------------------------------------------

    def _link_dict(self, lk: CopyLink) -> dict[str, Any]:
        return {
            **lk.to_dict(),
            "echo": lk.copy,
            "original_source": self.source_of(lk.original),
            "echo_source": self.source_of(lk.copy),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            "groups": [
                {
                    "id": g.id,
                    "label": g.label,
                    "anchor": g.anchor,
                    "sources": g.sources,
                    "independent_sources": g.independent_origins,
                    "members": [m.to_dict() for m in g.members],
                }
                for g in self.groups
            ],
            "contradictions": [c.to_dict() for c in self.contradictions],
            "independence": [self._link_dict(lk) for lk in self.links],
            "parents": {copy: lk.original for copy, lk in sorted(self.parents.items())},
            "echo_chains": [[self.source_of(n) for n in chain] for chain in self.echo_chains],
            "echo_chain_ids": self.echo_chains,
            "origins": {cid: o.to_dict() for cid, o in sorted(self.origins.items())},
            "chains": {cid: self.chain_of(cid) for cid in sorted(self.origins)},
            "unmatched_claims": len(self.unmatched),
        }


def independent_sources(corroboration: Corroboration, group_or_claim: Proposition | Claim | str) -> list[str]:
    """Function form of :meth:`Corroboration.independent_sources`."""
    return corroboration.independent_sources(group_or_claim)


# -- building -----------------------------------------------------------------------------------------------------


def _doc_infos(claims: Sequence[Claim], documents: Sequence[Document] | Mapping[str, Document] | None) -> list[DocInfo]:
    docs: list[Document] = list(documents.values()) if isinstance(documents, Mapping) else list(documents or [])
    infos = [
        DocInfo(d.id, d.source or d.title or d.id, d.text, d.published, d.author, d.url, _forwarded(d)) for d in docs
    ]
    known = {d.id for d in infos}
    # Without the documents, the claims' sentences stand in for the text (enough to detect copies).
    by_doc: dict[str, list[Claim]] = {}
    for c in claims:
        if c.doc_id not in known:
            by_doc.setdefault(c.doc_id, []).append(c)
    for doc_id, cs in sorted(by_doc.items()):
        cs = sorted(cs, key=lambda c: c.sentence_start)
        infos.append(DocInfo(doc_id, doc_id, "\n".join(dict.fromkeys(c.sentence for c in cs))))
    return infos


def _image_links(documents: Sequence[Document] | Mapping[str, Document] | None) -> list[CopyLink]:
    """One picture in several documents: the earliest appearance is the original, the rest relay it."""
    from osintkit.images import image_info, match_images

    docs = list(documents.values()) if isinstance(documents, Mapping) else list(documents or [])
    images = [d for d in docs if image_info(d) is not None]
    return [m.to_copy_link() for m in match_images(images)] if len(images) > 1 else []


def _forwarded(doc: Document) -> dict[str, Any] | None:
    found = doc.meta.get("forwarded_from") if isinstance(doc.meta, dict) else None
    return found if isinstance(found, dict) and found.get("name") else None


def _place_words(places: Sequence[str]) -> set[str]:
    out = set()
    for p in places:
        for w in p.replace("’s", "").replace("'s", "").split():
            w = w.strip(",.").lower()
            if w and w not in {"region", "oblast", "province", "city", "the", "of"}:
                out.add(w)
    return out


def _counted(claim: Claim) -> set[str]:
    from .slots import quantity_slots

    return {q.counted for q in quantity_slots(claim)}


def _block_keys(claim: Claim, origin: Origin) -> set[str]:
    keys = {f"n:{q.value:g}" for q in claim.quantities}
    keys |= {f"p:{w}" for w in _place_words(claim.places)}
    keys |= {f"d:{str(d.get('value') or d.get('start'))[:10]}" for d in claim.dates if d.get("value") or d.get("start")}
    if origin.kind == "speaker":
        keys.add("o:" + origin.key)
    return keys


def corroborate(
    claims: Sequence[Claim],
    documents: Sequence[Document] | Mapping[str, Document] | None = None,
    *,
    entities: Sequence[Entity] = (),
    threshold: float = DEFAULT_THRESHOLD,
    min_words: int = 4,
    embeddings: Any = None,
    resolve_places: bool = True,
    client: Any = None,
) -> Corroboration:
    """Group claims about one proposition across documents; find origins, copy chains and conflicts.

    ``threshold`` is the average similarity (cosine plus small bonuses for shared counted things, places, claimant
    and platform) two clusters need to merge. ``embeddings`` may be passed precomputed (one row per claim, in the
    order of ``claims``). ``entities``, the case's canonical entities, let merged aliases count as one origin.
    ``resolve_places=False`` compares place names as text instead of through the gazetteer. With a Dask
    ``client``, sentence embeddings are computed on its workers (and cached, so a case that grows by a batch embeds
    only the new claims).
    """
    import numpy as np

    from .cluster import claim_language, embed_cached, group_claims, regroup_across_languages

    infos = _doc_infos(claims, documents)
    info_by_id = {d.id: d for d in infos}
    doc_sources = {d.id: _outlet_display(d.source) for d in infos}
    links = find_links(infos) + _image_links(documents)
    parents = parent_links(links)
    root_map = _roots(parents)
    by_id = {c.id: c for c in claims}
    resolver = OriginResolver(entities)
    outlets = frozenset(publisher_key(s) for s in doc_sources.values() if s)
    origins = {
        c.id: _origin(_with_denier(c), resolver, info_by_id.get(c.doc_id), root_map, doc_sources, outlets)
        for c in claims
    }

    ordered = sorted(claims, key=lambda c: c.id)  # input order must not matter
    pool = [c for c in ordered if len(c.content.split()) >= min_words]
    groups: list[Proposition] = []
    contradictions: list[Contradiction] = []
    if pool:
        if embeddings is None:
            emb = embed_cached([c.content for c in pool], client=client)
        else:
            full = np.asarray(embeddings, dtype=np.float32)
            index = {c.id: i for i, c in enumerate(claims)}
            emb = full[[index[c.id] for c in pool]]
        features = [_Features.of(c, origins[c.id]) for c in pool]
        clusters = group_claims(
            emb,
            [c.doc_id for c in pool],
            [c.id for c in pool],
            threshold=threshold,
            bonus=lambda i, j: _bonus(features[i], features[j]),
            max_bonus=MAX_BONUS,
            block_keys=[_block_keys(c, origins[c.id]) for c in pool],
        )
        # The encoder reads English only: claims in other languages join on figures, speakers, places and dates.
        listed = documents.values() if isinstance(documents, Mapping) else documents or []
        declared = {d.id: d.language for d in listed}
        clusters = regroup_across_languages(
            clusters,
            pool,
            [claim_language(c, declared.get(c.doc_id)) for c in pool],
            [origins[c.id].key if origins[c.id].key.startswith("speaker:entity:") else None for c in pool],
        )
        place = gazetteer_place if resolve_places else None
        for idx in clusters:
            group, found = _proposition(
                [pool[i] for i in idx], emb[idx], info_by_id, parents, doc_sources, origins, place
            )
            groups.append(group)
            contradictions += found
    contradictions += _firsts(ordered, groups, doc_sources, origins)
    denials = _denials(ordered, info_by_id, groups, resolver, doc_sources, origins)
    contradictions += denials
    cross_against: dict[str, set[str]] = {}
    for x in denials:
        a, b = origins[x.claim_a], origins[x.claim_b]
        if a.named and b.named and a.key != b.key:
            cross_against.setdefault(x.claim_a, set()).add(b.key)
            cross_against.setdefault(x.claim_b, set()).add(a.key)
    groups.sort(key=lambda g: (-len({m.doc_id for m in g.members}), g.label, g.id))
    grouped = {m.claim_id for g in groups for m in g.members}
    return Corroboration(
        groups=groups,
        links=links,
        parents=parents,
        contradictions=contradictions,
        origins=origins,
        claims=by_id,
        doc_sources=doc_sources,
        roots=root_map,
        unmatched=[c.id for c in ordered if c.id not in grouped],
        cross_against={k: sorted(v) for k, v in sorted(cross_against.items())},
    )


def _outlet_display(source: str) -> str:
    pub = parse_publisher(source)
    return pub.name if pub is not None else source


def _firsts(
    claims: Sequence[Claim],
    groups: Sequence[Proposition],
    doc_sources: Mapping[str, str],
    origins: Mapping[str, Origin],
) -> list[Contradiction]:
    """ "The first such strike on the depot" against "not the first time the depot was hit", across propositions:
    the two sentences rarely read alike, but they name the same thing and disagree on whether it happened before."""
    from .slots import first_claim, proper_names

    group_of = {m.claim_id: g.id for g in groups for m in g.members}
    firsts = [(c, first_claim(c), proper_names(c.sentence)) for c in claims]
    firsts = [(c, f, names) for c, f, names in firsts if f is not None and names]
    out = []
    for i, (a, fa, na) in enumerate(firsts):
        for b, fb, nb in firsts[i + 1 :]:
            if fa == fb or a.doc_id == b.doc_id or not (na & nb):
                continue
            if group_of.get(a.id) is not None and group_of.get(a.id) == group_of.get(b.id):
                continue  # already compared inside the proposition
            first, other = (a, b) if fa else (b, a)
            why = f"“the first” in one report, “not the first” in the other (both about {', '.join(sorted(na & nb))})"
            out.append(
                _contradiction(
                    group_of.get(first.id, ""),
                    first,
                    other,
                    Conflict("first", "contradiction", why),
                    doc_sources,
                    origins,
                )
            )
    return out


def _denials(
    claims: Sequence[Claim],
    infos: Mapping[str, DocInfo],
    groups: Sequence[Proposition],
    resolver: OriginResolver,
    doc_sources: Mapping[str, str],
    origins: Mapping[str, Origin],
) -> list[Contradiction]:
    """A denial and the claim it denies, across propositions: "the RSF denied any role" reads nothing like "the army
    accused the RSF of the strike". The denial's own words and the sentence before it (what "that" and "any role"
    point back to) must share the accused's name and a word, or four words, with the claim."""
    from .slots import content_words, reports_denial

    group_of = {m.claim_id: g.id for g in groups for m in g.members}
    by_doc: dict[str, list[Claim]] = {}
    for c in claims:
        by_doc.setdefault(c.doc_id, []).append(c)
    out: list[Contradiction] = []
    seen: set[tuple[str, str]] = set()
    for d in claims:
        denier = _denier(d)
        if denier is None:
            continue
        doc = infos.get(d.doc_id)
        before = doc.text[max(0, d.sentence_start - 300) : d.sentence_start] if doc else ""
        own_words = _stems(content_words(d.content))
        # What the denial points back to: for "denied any role", the two sentences before (a quote may sit between
        # the accusation and the denial); for "denied that", the last clause of the sentence before ("...said the
        # group fired missiles because its owner had violated the ban" -> "its owner had violated the ban").
        sentences = [x for x in re.split(r"(?<=[.!?])\s+", before.strip()) if x]
        if _ANAPHORIC_DENIAL_RE.search(d.content) or not sentences:
            context = " ".join(sentences[-2:])
        else:
            context = re.split(r"\b(?:because|after|since|saying|that|as)\b", sentences[-1])[-1]
        target = own_words | _stems(content_words(context))
        who = _stems(content_words(denier))
        names = resolver.names_of(denier)  # "the RSF" is also "the Rapid Support Forces"
        # "denied any role", "denied it": the denial's own words point back; the accused's name must then be there.
        anaphoric = bool(_ANAPHORIC_DENIAL_RE.search(d.content)) or len(own_words - who) <= 3
        found = 0
        for c in claims:
            # One report often carries both sides ("The army accused the RSF... The RSF denied any role"): the same
            # document or copy chain is fine, the same origin is not.
            if found >= MAX_PARTNERS or c.id == d.id or c.negated or reports_denial(c):
                continue
            if origins[c.id].key == origins[d.id].key:
                continue
            if group_of.get(c.id) is not None and group_of.get(c.id) == group_of.get(d.id):
                continue  # compared inside the proposition already
            words = _stems(content_words(c.content))
            shared = (words & target) - who - _SPEECH_WORDS - {w for n in names for w in _stems(content_words(n))}
            named = any(re.search(r"(?<!\w)" + re.escape(n) + r"(?!\w)", c.sentence, re.I) for n in names)
            if not anaphoric and not (shared & own_words):
                continue  # it must share something with what the denial itself says, not only with its context
            # An anaphoric denial is matched through the sentences before it: the claim must name the denier and
            # share three words with that context ("accused the RSF of carrying out the strike"), not merely mention it.
            if anaphoric and not any(_accuses(c.sentence, n) for n in names):
                continue
            if (named and len(shared) >= (3 if anaphoric else 1)) or (len(shared) >= 4 and not anaphoric):
                key = (c.id, d.id)
                if key in seen:
                    continue
                seen.add(key)
                found += 1
                why = f"{denier} denies it" + (f" ({', '.join(sorted(shared)[:4])})" if shared else "")
                out.append(
                    _contradiction(
                        group_of.get(c.id, ""), c, d, Conflict("denial", "contradiction", why), doc_sources, origins
                    )
                )
    return out


_ANAPHORIC_DENIAL_RE = re.compile(
    r"\b(?:any|the|its|denied|denies)\s+(?:role|involvement|responsibility|part)\b|^(?:it|that|this)\b|"
    r"\bthe\s+(?:claim|accusation|allegation|report|charge)s?\b",
    re.I,
)
_DENIER_RE = re.compile(
    r"^(?:The\s+)?(?P<who>(?:[A-Z][\w’'.-]*\s*){1,5}?)(?:,[^,]{0,120},)?\s+(?:has\s+|have\s+|had\s+)?"
    r"(?:denied|denies|rejected|rejects|dismissed)\b"
)


_ACCUSING = (
    r"accus\w*|blam\w*|attribut\w*|held\s+responsible|pointed\s+the\s+finger\s+at|said\s+(?:that\s+)?(?:the\s+)?"
)
_ACTING = r"carried\s+out|was\s+behind|were\s+behind|attacked|struck|fired|launched|shelled|killed|targeted|hit"


def _accuses(sentence: str, who: str) -> bool:
    """The sentence lays something at the denier's door: "accused the RSF", "blamed X", "X carried out the strike"."""
    name = r"(?:the\s+)?" + re.escape(who.strip()).replace(r"\ ", r"\s+")
    return bool(
        re.search(r"\b(?:" + _ACCUSING + r")\s*" + name + r"\b", sentence, re.I)
        or re.search(r"\b" + name + r"\s+(?:had\s+|has\s+)?(?:" + _ACTING + r")\b", sentence, re.I)
    )


def _with_denier(claim: Claim) -> Claim:
    """A denial whose claimant the sentence leaves to the outlet ("The RSF, which ..., denied any role") is the
    denier's."""
    denier = _denier(claim)
    if denier is None or denier == claim.claimant:
        return claim
    out = Claim.from_dict(claim.to_dict())
    out.claimant, out.claimant_type, out.attributed = denier, "organisation", True
    return out


def _denier(claim: Claim) -> str | None:
    """Who denies, when a claim is a denial: its claimant, or the subject of "The RSF, which ..., denied any role"."""
    from .slots import denies

    if denies(claim) and claim.claimant:
        return claim.claimant
    m = _DENIER_RE.match(claim.sentence)
    return m.group("who").strip() if m else None


# Words about the telling, not the told: two sentences sharing only these are not about the same thing.
_SPEECH_WORDS = frozenset(
    "statement post telegram facebook twitter video address briefing interview said says told according report "
    "reported claim claimed accusation spokesman spokeswoman channel".split()
)


def _stems(words: Iterable[str]) -> set[str]:
    return {w[:-1] if len(w) > 4 and w.endswith("s") and not w.endswith("ss") else w for w in words}


def _roots(parents: Mapping[str, CopyLink]) -> dict[str, str]:
    return {node: _root(node, parents) for node in parents}


def _origin(
    claim: Claim,
    resolver: OriginResolver,
    doc: DocInfo | None,
    roots: Mapping[str, str],
    doc_sources: Mapping[str, str],
    outlets: frozenset[str] = frozenset(),
) -> Origin:
    source = doc.source if doc is not None else None
    if claim.attributed and claim.claimant and claim.claimant_type != "publication":
        if resolver.is_outlet(claim.claimant, source, outlets):
            return resolver.outlet(claim.claimant if source is None else _outlet_name(claim.claimant, source))
        return resolver.speaker(claim)
    root = roots.get(claim.doc_id, claim.doc_id)
    return resolver.outlet(outlet_of_root(root, doc_sources))


def _outlet_name(claimant: str, source: str) -> str:
    own = parse_publisher(source)
    claimant = re.sub(r"^.*?\b(?:by|from)\s+(?:the\s+)?", "", claimant) if " by " in claimant else claimant
    cited = parse_publisher(claimant)
    if own is not None and cited is not None and cited.key == own.key:
        return own.name
    return cited.name if cited is not None else claimant


@dataclass(frozen=True)
class _Features:
    """What a claim shares with another, read once per claim: candidate pairs run into the millions at scale."""

    counted: frozenset[str]
    places: frozenset[str]
    speaker: str | None
    platform: bool

    @classmethod
    def of(cls, claim: Claim, origin: Origin) -> _Features:
        return cls(
            frozenset(_counted(claim)),
            frozenset(_place_words(claim.places)),
            origin.key if origin.kind == "speaker" else None,
            bool(claim.platform),
        )


def _bonus(a: _Features, b: _Features) -> float:
    bonus = 0.0
    if a.counted & b.counted:
        bonus += 0.08
    if a.places & b.places:
        bonus += 0.04
    if a.speaker is not None and a.speaker == b.speaker:
        bonus += 0.04
    if a.platform and b.platform:
        bonus += 0.02
    return bonus


def _published(doc: DocInfo | None) -> str:
    from .links import _when

    when = _when(doc.published if doc else None)
    return when[0].isoformat() if when else "9999"


def _proposition(
    members: list[Claim],
    emb: Any,
    infos: Mapping[str, DocInfo],
    parents: Mapping[str, CopyLink],
    doc_sources: Mapping[str, str],
    origins: dict[str, Origin],
    place: Any,
) -> tuple[Proposition, list[Contradiction]]:
    rows = {c.id: k for k, c in enumerate(members)}
    # Originals before echoes, then by publication time; claim ids break ties (never the input order).
    members = sorted(members, key=lambda c: (c.doc_id in parents, _published(infos.get(c.doc_id)), c.id))
    anchor = members[0]
    gid = "grp-" + hashlib.sha256(",".join(sorted(c.id for c in members)).encode()).hexdigest()[:12]
    platforms = shared_platforms(members)

    def compare(a: Claim, b: Claim) -> Comparison:
        return compare_claims(a, b, place=place, shared_platforms=platforms)

    _inherit_cited_origins(members, origins, doc_sources)
    # Each claim is compared with the reports before it (originals first, then by time), a few at most: the
    # earliest report that gives a value is the reference for that value, and a later report that differs is the
    # one marked. Comparing with one reference only missed values the reference did not give.
    to_ref: dict[str, Comparison] = {}
    partners: dict[str, list[tuple[Claim, Conflict]]] = {}
    for k, c in enumerate(members):
        if k == 0:
            to_ref[c.id] = Comparison("agrees", [], ["earliest report"])
            continue
        conflicts: list[Conflict] = []
        details: list[str] = []
        pairs: list[tuple[Claim, Conflict]] = []
        for r in members[: min(k, MAX_REFERENCES)]:
            result = compare(r, c)
            if r is anchor:
                details = result.details
            for conflict in result.conflicts:
                pairs.append((r, conflict))
                if all(x.slot != conflict.slot for x in conflicts):
                    conflicts.append(conflict)
        partners[c.id] = pairs
        if any(x.kind == "contradiction" for x in conflicts):
            to_ref[c.id] = Comparison("contradicts", conflicts, details)
        elif conflicts:
            to_ref[c.id] = Comparison("discrepancy", conflicts, details)
        else:
            to_ref[c.id] = Comparison("adds detail" if details else "agrees", [], details)
    dissent = [c for c in members if to_ref[c.id].contradicts]
    found: list[Contradiction] = []
    # A dissenting claim is paired with the reports that gave the value it conflicts with (a few: ten reruns of
    # one wire story add rows, not information).
    for c in members:
        per_slot: dict[str, int] = {}
        for r, conflict in partners.get(c.id, []):
            if per_slot.get(conflict.slot, 0) < MAX_PARTNERS:
                per_slot[conflict.slot] = per_slot.get(conflict.slot, 0) + 1
                found.append(_contradiction(gid, r, c, conflict, doc_sources, origins))

    has_speaker = any(origins[m.id].kind == "speaker" and origins[m.id].named for m in members)

    def counts(origin: Origin) -> bool:
        return origin.named and not (has_speaker and origin.kind == "outlet")

    group = Proposition(id=gid, label=_label(anchor), anchor=anchor.id)
    anchor_row = emb[rows[anchor.id]]
    # Claims that give the same values stand alike against any other: compare with one of each such version, so a
    # group of thousands of near-identical posts costs versions, not pairs.
    version = {m.id: _version(m) for m in members}
    dissent_ids = {d.id for d in dissent}
    for c in members:
        pool = [m for m in members if m is not c] if c.id in dissent_ids else dissent
        by_version: dict[tuple[Any, ...], list[Claim]] = {}
        for m in pool:
            by_version.setdefault(version[m.id], []).append(m)
        against_claims = [
            m for same in by_version.values() if compare(c, same[0]).contradicts for m in same if m is not c
        ]
        # A relay in the claim's own copy chain that garbles it is a relay error, not an independent account.
        own_chain = _root(c.doc_id, parents)
        relay_errors = [m for m in against_claims if _root(m.doc_id, parents) == own_chain]
        against_claims = [m for m in against_claims if _root(m.doc_id, parents) != own_chain]
        against_ids = {m.id for m in against_claims} | {m.id for m in relay_errors}
        own = origins[c.id].key
        # Unnamed descriptions ("a volunteer group") may be any of the named origins: shown, never counted extra.
        # Nor is an outlet stating in its own voice what named speakers in the same proposition say: outlets
        # relay what they are told far more often than they witness it.
        support = sorted(
            {origins[m.id].key for m in members if m.id not in against_ids and counts(origins[m.id])} | {own}
        )
        relay = sorted(
            {doc_sources.get(m.doc_id, m.doc_id) for m in against_claims if origins[m.id].key == own}
            | {doc_sources.get(m.doc_id, m.doc_id) for m in relay_errors}
        )
        against = sorted({origins[m.id].key for m in against_claims if origins[m.id].named} - set(support) - {own})
        echo_root = _root_outlet(c.doc_id, parents, doc_sources)
        group.members.append(
            Member(
                claim_id=c.id,
                doc_id=c.doc_id,
                source=doc_sources.get(c.doc_id, c.doc_id),
                stance=to_ref[c.id].stance,
                reason=("earliest report" if c is anchor else to_ref[c.id].reason),
                similarity=round(float(anchor_row @ emb[rows[c.id]]), 3),
                origin=own,
                echo_of=echo_root,
                support=support,
                against=against,
                relay_conflicts=relay,
            )
        )
    names: dict[str, str] = {}
    for c in members:  # the fullest name an origin goes by in this group ("Volodymyr Zelenskyy", not "he")
        o = origins[c.id]
        if len(o.name) > len(names.get(o.key, "")):
            names[o.key] = o.name
    ref_side = [m for m in group.members if m.claim_id not in {d.id for d in dissent}]
    group.independent_origins = sorted({names[m.origin] for m in ref_side})
    return group, found


def _inherit_cited_origins(
    members: Sequence[Claim], origins: dict[str, Origin], doc_sources: Mapping[str, str]
) -> None:
    """A claim whose origin is another outlet of the group ("..., the Kyiv Ledger reported", or own-voice text in
    a copy of the Ledger) comes from wherever the Ledger's own report of it comes from."""
    by_outlet: dict[str, Claim] = {}
    for c in members:
        by_outlet.setdefault("outlet:" + publisher_key(doc_sources.get(c.doc_id, c.doc_id)), c)
    for _ in range(len(members)):  # follow chains of citations, a hop per pass
        changed = False
        for c in members:
            o = origins[c.id]
            if o.kind != "outlet":
                continue
            cited = by_outlet.get(o.key)
            if cited is not None and cited.id != c.id and origins[cited.id].key != o.key:
                origins[c.id] = origins[cited.id]
                changed = True
        if not changed:
            break


def _version(claim: Claim) -> tuple[Any, ...]:
    """The values a claim gives, slot by slot: two claims with one version conflict with the same others."""
    from .slots import _attribute_words, _content_places, date_slots, denies, first_claim, platforms_in, quantity_slots

    return (
        tuple(sorted((q.counted, q.action or "", q.scope, q.low, q.high) for q in quantity_slots(claim))),
        tuple(sorted((d.start, d.end) for d in date_slots(claim) if d.role == "event")),
        tuple(sorted(_content_places(claim))),
        tuple(sorted(platforms_in(claim))),
        first_claim(claim),
        denies(claim),
        claim.negated,
        tuple(sorted(_attribute_words(claim))),
        claim.content if _SWAP_SENSITIVE.search(claim.content) else "",
    )


# Swapped attributes are read from word order, which a version cannot summarise: such claims stay their own.
_SWAP_SENSITIVE = re.compile(r"\b(?:while|whereas|and\s+(?:an?|the)\s+\w+\s+\w+ed)\b", re.I)


def _root(doc_id: str, parents: Mapping[str, CopyLink]) -> str:
    """The document (or ``wire:``/``external:`` node) a copy chain leads back to; cycles cannot trap the walk."""
    node, seen = doc_id, {doc_id}
    while node in parents and parents[node].original not in seen:
        node = parents[node].original
        seen.add(node)
    return node


def _root_outlet(doc_id: str, parents: Mapping[str, CopyLink], doc_sources: Mapping[str, str]) -> str | None:
    return outlet_of_root(_root(doc_id, parents), doc_sources) if doc_id in parents else None


def _contradiction(
    gid: str,
    a: Claim,
    b: Claim,
    conflict: Conflict,
    doc_sources: Mapping[str, str],
    origins: Mapping[str, Origin],
) -> Contradiction:
    return Contradiction(
        group_id=gid,
        claim_a=a.id,
        claim_b=b.id,
        slot=conflict.slot,
        kind=conflict.kind,
        reason=conflict.reason,
        source_a=doc_sources.get(a.doc_id, a.doc_id),
        source_b=doc_sources.get(b.doc_id, b.doc_id),
        independent=origins[a.id].key != origins[b.id].key,
    )


def _label(claim: Claim) -> str:
    text = claim.content.strip()
    if claim.attributed and claim.claimant:
        text = f"{claim.claimant}: {text}"
    return one_line(text, 100)
