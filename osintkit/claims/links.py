"""Copy links between documents: which text repeats which, and how we know the direction.

A report that copies, cites or reruns another is an echo, and an echo is not corroboration. Three kinds of evidence
link two documents:

* shared passages: word 8-gram shingles (containment of either document in the other) and the longest passage in
  common;
* citation: "citing X", "according to X", "per X", "X reported", "(X)", where X is another outlet in the case or a
  wire agency;
* wire credit: a dateline such as "KYIV (AP) —", a wire byline or credit line, or a publisher written "X (via Y)".

Which of two linked documents is the original is decided by evidence only, in this order: an explicit citation or
wire credit, then publication time, then containment (a trimmed copy sits inside its original). When nothing decides
it the link says "undetermined". Input order and file names never decide anything, so shuffling the input or renaming
files cannot change a finding.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from osintkit.model import Record

from .publishers import PUBLISHER_ALIASES, WIRES, Publisher, parse_publisher, publisher_key, wire_site

__all__ = [
    "COPY_CONTAINMENT",
    "DIRECTIONS",
    "SHARED_PASSAGE_WORDS",
    "SHINGLE",
    "CopyLink",
    "DocInfo",
    "echo_chains",
    "find_links",
    "parent_links",
    "roots",
    "shingles",
    "wire_of",
]

SHINGLE = 8  # words per shingle: long enough that independent reports rarely share one by chance
COPY_CONTAINMENT = 0.5  # share of the smaller document's shingles found in the other: a (near-)verbatim copy
SHARED_PASSAGE_WORDS = 25  # a passage this long in common is lifted text, even when the rest differs
# A trimmed copy: nearly all of it inside the other, while the other has much that the copy lacks.
TRIMMED_INSIDE = 0.9
TRIMMED_OTHER_BELOW = 0.75
# How a direction was decided, strongest evidence first; "undetermined" links carry no direction at all.
DIRECTIONS = (
    "forwarded", "citation", "wire credit", "publication time", "capture time", "containment", "undetermined",
)  # fmt: skip
_RELATION_RANK = {"forwarded": 0, "copy": 1, "shared passage": 2, "same wire": 3, "cites": 4, "same image": 5}
_MAX_NAME_WORDS = 6  # the longest outlet name looked up as a run of words
_MAX_HOLDERS = 200  # a shingle in more documents than this is boilerplate and says nothing about copying

_DATELINE_RE = re.compile(r"^[A-Z][A-Za-z .,'’-]{1,60}\(([A-Za-z][\w .-]{1,30})\)\s*[—–-]", re.MULTILINE)
_CREDIT_RE = re.compile(
    r"(?:^|\n)\s*(?:[—–-]\s*|By\s+|©\s*(?:\d{4}\s+)?)?(The Associated Press|Associated Press|Reuters|AFP|"
    r"Agence France-Presse)\s*(?:contributed to this report\.?)?\s*(?:$|\n)",
)


@dataclass
class DocInfo:
    id: str
    source: str
    text: str
    published: str | None = None
    author: str | None = None
    url: str | None = None
    # A message forwarded from another channel (Telegram's "forwarded_from"): {"name", "date", "message_id"}.
    forwarded_from: dict[str, Any] | None = None

    @property
    def publisher(self) -> Publisher | None:
        """The outlet; a wire named as publisher on another outlet's site is that outlet carrying the wire."""
        pub = parse_publisher(self.source)
        if pub is None or not pub.is_wire or pub.carrier or not self.url:
            return pub
        host = urlsplit(self.url).hostname or ""
        if host and not wire_site(pub.name, host):
            return Publisher(pub.name, carrier=host.removeprefix("www."))
        return pub


@dataclass
class CopyLink(Record):
    """``copy`` repeats ``original`` (a document id, or ``wire:NAME`` for a wire whose own text is not in the case).

    ``direction`` says what decided which is which (see :data:`DIRECTIONS`); with "undetermined" the two ends are in
    a fixed but meaningless order.
    """

    original: str
    copy: str
    relation: str  # "copy" | "shared passage" | "cites" | "same wire" | "forwarded"
    direction: str
    score: float = 0.0
    evidence: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    @property
    def echo(self) -> str:
        return self.copy

    @property
    def determined(self) -> bool:
        return self.direction != "undetermined"


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text.lower().replace("’", "'"))


def shingles(text: str, n: int = SHINGLE) -> set[int]:
    toks = _tokens(text)
    return {hash(" ".join(toks[i : i + n])) for i in range(max(0, len(toks) - n + 1))}


def _shingle_list(toks: Sequence[str], n: int = SHINGLE) -> list[int]:
    return [hash(" ".join(toks[i : i + n])) for i in range(max(0, len(toks) - n + 1))]


def _shingle_run(toks: Sequence[str], hashes: Sequence[int], shingled_b: set[int], n: int = SHINGLE) -> tuple[int, str]:
    """The longest passage of a text (its tokens and their shingle hashes, in order) whose every n-word shingle also
    occurs in the other text: a run of k shared shingles in a row is a passage of k + n - 1 words. Linear in the
    text (difflib's longest match was quadratic, and the slowest part of a 10,000-claim case)."""
    best_len, best_end, run = 0, 0, 0
    for i, h in enumerate(hashes):
        run = run + 1 if h in shingled_b else 0
        if run > best_len:
            best_len, best_end = run, i
    if best_len == 0:
        return 0, ""
    start = best_end - best_len + 1
    words = toks[start : best_end + n]
    return len(words), " ".join(words)


def wire_of(doc: DocInfo) -> str | None:
    """The wire agency whose copy a document carries: a dateline "(AP) —", a byline, a credit line, "X (via Y)"."""
    pub = doc.publisher
    if pub is not None and pub.carrier and pub.is_wire:
        return pub.name
    if doc.author:
        author = parse_publisher(doc.author)
        if author is not None and author.is_wire:
            return author.name
    m = _DATELINE_RE.search(doc.text[:400])
    if m:
        return PUBLISHER_ALIASES.get(publisher_key(m.group(1)), m.group(1).strip())
    m = _CREDIT_RE.search(doc.text)
    if m:
        return PUBLISHER_ALIASES[publisher_key(m.group(1))]
    return None


def _own_wire(doc: DocInfo) -> str | None:
    """The wire agency a document *is* (its publisher, not a carrier of it)."""
    pub = doc.publisher
    return pub.name if pub is not None and pub.is_wire and not pub.carrier else None


def _name_forms(canonical: str, raw: Iterable[str]) -> list[str]:
    forms = {canonical, *raw}
    # The alias table is folded to lower case; a short alias ("ap", "aa") is an acronym, written in capitals.
    for alias, name in PUBLISHER_ALIASES.items():
        if name == canonical:
            forms.add(canonical if alias == canonical.lower() else alias.upper() if len(alias) <= 4 else alias)
    return sorted({re.sub(r"^the\s+", "", f.strip(), flags=re.I) for f in forms if len(f.strip()) >= 2}, key=len)


def _citation_pattern(forms: Sequence[str]) -> re.Pattern[str] | None:
    alts = []
    for f in forms:
        body = re.escape(f).replace(r"\ ", r"\s+")
        alts.append(f"(?-i:{body})" if len(f) <= 3 else body)
    if not alts:
        return None
    name = r"(?:the\s+)?(?:" + "|".join(sorted(alts, key=len, reverse=True)) + r")"
    return re.compile(
        r"\b(?:citing|according\s+to|as\s+reported\s+by|first\s+reported\s+by|reported\s+by|quoting|cited\s+by|"
        r"as\s+first\s+reported\s+in|in\s+a\s+report\s+by|per|told|in\s+an\s+interview\s+with|via)\s+" + name + r"\b"
        r"|\b" + name + r"(?:,\s*which\s+first\s+reported\s+[^,]+,)?\s+(?:reported|reports|first\s+reported|"
        r"has\s+reported|wrote|revealed|quoted|contributed)\b"
        r"|\(" + name + r"\)"
        r"|[—–]\s*" + name + r"\s*(?:$|\n)",
        re.IGNORECASE,
    )


def _when(value: str | None) -> tuple[datetime, bool] | None:
    """(moment, has a time of day), or None when absent or unreadable."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    has_time = "T" in text or " " in text.strip()
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC), has_time


def _earlier(a: DocInfo, b: DocInfo) -> tuple[DocInfo, DocInfo] | None:
    """(original, copy) by publication time, compared at the precision both give; None when that cannot decide."""
    wa, wb = _when(a.published), _when(b.published)
    if wa is None or wb is None:
        return None
    if wa[1] and wb[1]:
        if wa[0] == wb[0]:
            return None
        return (a, b) if wa[0] < wb[0] else (b, a)
    da, db = wa[0].date(), wb[0].date()
    if da == db:
        return None
    return (a, b) if da < db else (b, a)


@dataclass
class _Pair:
    inter: int
    a: DocInfo
    b: DocInfo


def find_links(docs: Sequence[DocInfo]) -> list[CopyLink]:
    """Every copy relation between the documents of a case, each with the evidence for its direction."""
    ordered = sorted(docs, key=lambda d: d.id)  # the input order must not matter
    toks = {d.id: _tokens(d.text) for d in ordered}
    ordered_hashes = {d.id: _shingle_list(toks[d.id]) for d in ordered}
    sh = {doc_id: set(hashes) for doc_id, hashes in ordered_hashes.items()}
    index: dict[int, list[int]] = {}
    for i, d in enumerate(ordered):
        for s in sh[d.id]:
            index.setdefault(s, []).append(i)
    shared: dict[tuple[int, int], int] = {}
    for holders in index.values():
        if 1 < len(holders) <= _MAX_HOLDERS:
            for x in range(len(holders)):
                for y in range(x + 1, len(holders)):
                    key = (holders[x], holders[y])
                    shared[key] = shared.get(key, 0) + 1

    publishers = {d.id: d.publisher for d in ordered}
    cited = _citations(ordered, publishers)
    credits = {d.id: wire_of(d) for d in ordered}
    own_wire = {d.id: _own_wire(d) for d in ordered}
    links: list[CopyLink] = []
    linked: set[frozenset[str]] = set()
    for (i, j), inter in sorted(shared.items()):
        a, b = ordered[i], ordered[j]
        na, nb = max(1, len(sh[a.id])), max(1, len(sh[b.id]))
        containment = inter / min(na, nb)
        size, passage = _shingle_run(toks[a.id], ordered_hashes[a.id], sh[b.id])
        if containment >= COPY_CONTAINMENT:
            relation = "copy"
        elif size >= SHARED_PASSAGE_WORDS:
            relation = "shared passage"
        else:
            continue
        details = {
            "containment": round(containment, 3),
            "a_inside_b": round(inter / na, 3),
            "b_inside_a": round(inter / nb, 3),
            "longest_passage_words": size,
        }
        original, copy, direction, why = _direction(a, b, inter / na, inter / nb, cited, credits, own_wire)
        evidence = f"{size} words in common: “{passage[:160]}{'…' if len(passage) > 160 else ''}”; {why}"
        links.append(CopyLink(original.id, copy.id, relation, direction, round(containment, 3), evidence, details))
        linked.add(frozenset((a.id, b.id)))

    by_key: dict[str, list[DocInfo]] = {}
    for d in ordered:
        pub = publishers[d.id]
        if pub is not None and not pub.carrier:
            by_key.setdefault(pub.key, []).append(d)
    for b in ordered:
        for cited_key, phrase in sorted(cited[b.id].items()):
            originals = [a for a in by_key.get(cited_key, []) if a.id != b.id and _differs(publishers, a, b)]
            cited_wire = PUBLISHER_ALIASES.get(cited_key)
            if originals:
                for a in originals:
                    if frozenset((a.id, b.id)) not in linked:
                        cite_details: dict[str, Any] = {"cited": cited_key}
                        links.append(CopyLink(a.id, b.id, "cites", "citation", 1.0, f"“{phrase}”", cite_details))
                        linked.add(frozenset((a.id, b.id)))
            elif cited_wire in WIRES and credits[b.id] != cited_wire:
                wire_details: dict[str, Any] = {"wire": cited_wire}
                links.append(
                    CopyLink(f"wire:{cited_wire}", b.id, "cites", "citation", 1.0, f"“{phrase}”", wire_details)
                )

    links += _forwards(ordered, publishers, linked)

    for d in ordered:
        credited = credits[d.id]
        if not credited or own_wire[d.id] == credited:
            continue
        wire = credited
        own = [a for a in ordered if own_wire[a.id] == wire and a.id != d.id]
        if own:
            for a in own:
                if frozenset((a.id, d.id)) not in linked:
                    links.append(CopyLink(a.id, d.id, "same wire", "wire credit", 1.0, f"credited to {wire}", {}))
                    linked.add(frozenset((a.id, d.id)))
        else:
            links.append(
                CopyLink(f"wire:{wire}", d.id, "same wire", "wire credit", 1.0, f"credited to {wire}", {"wire": wire})
            )
    return sorted(links, key=lambda lk: (lk.copy, lk.original, lk.relation))


def _forwards(
    docs: Sequence[DocInfo], publishers: Mapping[str, Publisher | None], linked: set[frozenset[str]]
) -> list[CopyLink]:
    """Forwarded messages: the export itself says which channel's message this repeats, so the direction is known.

    The original is the forwarded channel's message in the case (the same text from that channel, the one with the
    export's original date if several), else ``external:CHANNEL``. A forward replaces any weaker link of the pair.
    """
    out: list[CopyLink] = []
    for d in docs:
        fwd = d.forwarded_from
        if not fwd:
            continue
        name = str(fwd["name"])
        key = publisher_key(name)
        same = [
            a
            for a in docs
            if a.id != d.id
            and publishers[a.id] is not None
            and publishers[a.id].key == key  # type: ignore[union-attr]
            and a.text.strip() == d.text.strip()
        ]
        when = str(fwd.get("date") or "")
        same.sort(key=lambda a: (a.published != when, a.published or "", a.id))
        details = {k: fwd[k] for k in ("name", "date", "message_id") if fwd.get(k) is not None}
        original = same[0].id if same else f"external:{name}"
        out.append(CopyLink(original, d.id, "forwarded", "forwarded", 1.0, f"forwarded from {name}", details))
        linked.add(frozenset((original, d.id)))
    return out


def _differs(publishers: Mapping[str, Publisher | None], a: DocInfo, b: DocInfo) -> bool:
    pa, pb = publishers[a.id], publishers[b.id]
    return pa is None or pb is None or pa.key != pb.key


def _citations(docs: Sequence[DocInfo], publishers: Mapping[str, Publisher | None]) -> dict[str, dict[str, str]]:
    """For each document, the publisher keys it cites (outlets of the case and wire agencies), with the phrase."""
    names: dict[str, set[str]] = {}
    for d in docs:
        pub = publishers[d.id]
        if pub is not None:
            names.setdefault(pub.key, set()).add(pub.name)
            if d.source and not pub.carrier:
                names[pub.key].add(d.source.strip())
    for wire in WIRES:
        names.setdefault(publisher_key(wire), set()).add(wire)
    # Which names occur in which text, found by looking up each run of one to six words in a table of every name's
    # folded form: one pass per text, however many outlets the case holds (a regex per outlet and text was
    # quadratic: 5,000 channels of posts made 25 million searches). Only the names found get their citation regex.
    forms_of: dict[str, list[str]] = {}
    by_words: dict[str, set[str]] = {}
    for key, raw in names.items():
        canonical = PUBLISHER_ALIASES.get(key, next(iter(sorted(raw))))
        forms = _name_forms(canonical, raw)
        forms_of[key] = forms
        for f in forms:
            words = " ".join(_tokens(f))
            if words:
                by_words.setdefault(words, set()).add(key)
    patterns: dict[str, re.Pattern[str] | None] = {}
    out: dict[str, dict[str, str]] = {}
    for d in docs:
        own = publishers[d.id]
        skip = {own.key, publisher_key(own.carrier or "")} if own is not None else set()
        toks = _tokens(d.text)
        present: set[str] = set()
        for i in range(len(toks)):
            for n in range(1, _MAX_NAME_WORDS + 1):
                hit = by_words.get(" ".join(toks[i : i + n]))
                if hit:
                    present |= hit
        found: dict[str, str] = {}
        for key in sorted(present - skip):
            if key not in patterns:
                patterns[key] = _citation_pattern(forms_of[key])
            pattern = patterns[key]
            m = pattern.search(d.text) if pattern is not None else None
            if m:
                found[key] = m.group().strip()
        out[d.id] = found
    return out


def _direction(
    a: DocInfo,
    b: DocInfo,
    a_inside_b: float,
    b_inside_a: float,
    cited: Mapping[str, Mapping[str, str]],
    credits: Mapping[str, str | None],
    own_wire: Mapping[str, str | None],
) -> tuple[DocInfo, DocInfo, str, str]:
    """(original, copy, direction, why) for two documents that share text."""
    pa, pb = a.publisher, b.publisher
    # Citing the AP makes the AP's own article the original, not another outlet that carries AP copy.
    b_cites_a = pa is not None and not pa.carrier and pa.key in cited[b.id]
    a_cites_b = pb is not None and not pb.carrier and pb.key in cited[a.id]
    if b_cites_a != a_cites_b:
        orig, copy = (a, b) if b_cites_a else (b, a)
        phrase = cited[copy.id][orig.publisher.key]  # type: ignore[union-attr]
        return orig, copy, "citation", f"{copy.source} cites {orig.source}: “{phrase}”"
    wa, wb = own_wire[a.id], own_wire[b.id]
    if wa and credits[b.id] == wa and wb != wa:
        return a, b, "wire credit", f"{b.source} runs {wa} copy"
    if wb and credits[a.id] == wb and wa != wb:
        return b, a, "wire credit", f"{a.source} runs {wb} copy"
    earlier = _earlier(a, b)
    if earlier is not None:
        orig, copy = earlier
        return orig, copy, "publication time", f"{orig.source} published first ({orig.published} < {copy.published})"
    if a_inside_b >= TRIMMED_INSIDE and b_inside_a < TRIMMED_OTHER_BELOW:
        return b, a, "containment", f"{a.source} is a trimmed copy: {a_inside_b:.0%} of it is inside {b.source}"
    if b_inside_a >= TRIMMED_INSIDE and a_inside_b < TRIMMED_OTHER_BELOW:
        return a, b, "containment", f"{b.source} is a trimmed copy: {b_inside_a:.0%} of it is inside {a.source}"
    first, second = (a, b) if a.id < b.id else (b, a)
    return first, second, "undetermined", "no citation, publication time or containment decides which came first"


def parent_links(links: Iterable[CopyLink]) -> dict[str, CopyLink]:
    """Each echo's direct original: the link with the strongest evidence, never forming a cycle.

    Links with a known direction are placed first (forwarded, citation, wire credit, publication time,
    containment); an undetermined link then joins a document that has no original yet, so relays of one text still
    collapse to one origin even when nobody can say which came first.
    """

    links = list(links)
    # First pass: who is an echo at all. Second pass: among equally strong evidence, an original that is not itself
    # an echo wins, so a rewrite of the wire points at the wire's own story rather than at a paper that reran it.
    echoes = set(_place_parents(links, frozenset()))
    return _place_parents(links, frozenset(echoes))


def _place_parents(links: list[CopyLink], echoes: frozenset[str]) -> dict[str, CopyLink]:
    def rank(lk: CopyLink) -> tuple[int, int, int, float, str, str]:
        return (
            DIRECTIONS.index(lk.direction),
            lk.original in echoes,
            _RELATION_RANK.get(lk.relation, 9),
            -lk.score,
            lk.original,
            lk.copy,
        )

    parent: dict[str, CopyLink] = {}

    def ancestors(node: str) -> set[str]:
        seen = {node}
        while node in parent and parent[node].original not in seen:
            node = parent[node].original
            seen.add(node)
        return seen

    undetermined = []
    for lk in sorted(links, key=rank):
        if lk.original == lk.copy:
            continue
        if not lk.determined:
            undetermined.append(lk)
            continue
        if lk.copy not in parent and lk.copy not in ancestors(lk.original):
            parent[lk.copy] = lk
    # Undetermined links join documents that have no original yet; links to a document that is no echo go first,
    # and an end already known to be an echo is the copy.
    undetermined.sort(key=lambda lk: ((lk.copy in echoes) + (lk.original in echoes), *rank(lk)[2:]))
    for lk in undetermined:
        ends = ((lk.copy, lk.original), (lk.original, lk.copy))
        if lk.original in echoes and lk.copy not in echoes:
            ends = ends[::-1]
        for copy, original in ends:
            if copy not in parent and copy not in ancestors(original):
                parent[copy] = CopyLink(original, copy, lk.relation, lk.direction, lk.score, lk.evidence, lk.details)
                break
    return parent


def roots(links: Iterable[CopyLink]) -> dict[str, str]:
    """Each echo's ultimate original (a document id or ``wire:NAME``); originals map to themselves implicitly."""
    parent = parent_links(links)
    out: dict[str, str] = {}
    for node in parent:
        cur, seen = node, {node}
        while cur in parent and parent[cur].original not in seen:
            cur = parent[cur].original
            seen.add(cur)
        out[node] = cur
    return out


def echo_chains(links: Iterable[CopyLink]) -> list[list[str]]:
    """Chains original → echo → echo of the echo, one per final echo, originals first."""
    parent = {copy: lk.original for copy, lk in parent_links(links).items()}
    leaves = [n for n in parent if n not in set(parent.values())]
    chains = []
    for leaf in sorted(leaves):
        chain = [leaf]
        while chain[-1] in parent and parent[chain[-1]] not in chain:
            chain.append(parent[chain[-1]])
        chains.append(list(reversed(chain)))
    return sorted(chains)
