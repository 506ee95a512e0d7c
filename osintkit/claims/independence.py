"""Independence between documents: copies, citations and shared wire stories.

A report that copies or cites another is an echo, and an echo is not corroboration. Three kinds of evidence:

* shared passages: word 8-gram shingles (containment of the smaller document) and the longest passage in common;
* citation: "citing X", "according to X", "X reported", "first reported by X", where X is another source in the case;
* the same wire story: a dateline credit such as "(AP) —", or a wire byline, shared by two documents.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from difflib import SequenceMatcher
from typing import Any

__all__ = [
    "COPY_CONTAINMENT",
    "SHARED_PASSAGE_WORDS",
    "SHINGLE",
    "WIRE_SERVICES",
    "DocInfo",
    "Link",
    "echo_chains",
    "find_links",
    "shingles",
    "wire_of",
]

SHINGLE = 8  # words per shingle: long enough that independent reports rarely share one by chance
COPY_CONTAINMENT = 0.5  # share of the smaller document's shingles found in the other: a (near-)verbatim copy
SHARED_PASSAGE_WORDS = 25  # a passage this long in common is lifted text, even when the rest differs

WIRE_SERVICES = {
    "ap": "Associated Press", "associated press": "Associated Press", "the associated press": "Associated Press",
    "reuters": "Reuters", "thomson reuters": "Reuters", "afp": "AFP", "agence france-presse": "AFP",
    "dpa": "dpa", "efe": "EFE", "ansa": "ANSA", "upi": "UPI", "yonhap": "Yonhap", "tass": "TASS",
    "interfax": "Interfax", "xinhua": "Xinhua", "kyodo": "Kyodo", "pti": "PTI", "ukrinform": "Ukrinform",
}  # fmt: skip
_DATELINE_RE = re.compile(r"^[A-Z][A-Za-z .,'’-]{1,60}\(([A-Za-z][\w .-]{1,30})\)\s*[—–-]", re.MULTILINE)
_CREDIT_RE = re.compile(
    r"(?:^|\n)\s*(?:By\s+)?(?:©\s*(?:\d{4}\s+)?)?(The Associated Press|Associated Press|Reuters|AFP|"
    r"Agence France-Presse)\s*(?:contributed to this report\.?)?\s*(?:$|\n)",
)


@dataclass
class DocInfo:
    id: str
    source: str
    text: str
    published: str | None = None
    author: str | None = None
    order: int = 0


@dataclass
class Link:
    """One echo: ``echo`` repeats ``original`` (a document id, or ``wire:NAME`` for a wire service)."""

    original: str
    echo: str
    relation: str  # "copy" | "shared passage" | "cites" | "same wire"
    score: float = 0.0
    evidence: str = ""
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def _tokens(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+(?:[’'][a-z]+)?", text.lower().replace("’", "'"))


def shingles(text: str, n: int = SHINGLE) -> set[int]:
    toks = _tokens(text)
    return {hash(" ".join(toks[i : i + n])) for i in range(max(0, len(toks) - n + 1))}


def _longest_passage(a: str, b: str) -> tuple[int, str]:
    ta, tb = _tokens(a), _tokens(b)
    sm = SequenceMatcher(None, ta, tb, autojunk=False)
    m = sm.find_longest_match(0, len(ta), 0, len(tb))
    return m.size, " ".join(ta[m.a : m.a + m.size])


def wire_of(doc: DocInfo) -> str | None:
    """The wire service a document credits (dateline "(AP) —", a byline, or a credit line), normalised."""
    if doc.author and doc.author.strip().lower() in WIRE_SERVICES:
        return WIRE_SERVICES[doc.author.strip().lower()]
    m = _DATELINE_RE.search(doc.text[:400])
    if m:
        key = m.group(1).strip().lower()
        return WIRE_SERVICES.get(key, m.group(1).strip())
    m = _CREDIT_RE.search(doc.text)
    if m:
        return WIRE_SERVICES[m.group(1).lower()]
    return None


def _source_pattern(source: str) -> re.Pattern[str] | None:
    name = re.sub(r"^the\s+", "", source.strip(), flags=re.IGNORECASE)
    if len(name) < 3:
        return None
    name_re = r"(?:the\s+)?" + re.escape(name).replace(r"\ ", r"\s+")
    return re.compile(
        r"\b(?:citing|according to|as reported by|first reported by|reported by|via|quoting|cited by|"
        r"as first reported in|in a report by)\s+" + name_re + r"\b"
        r"|\b" + name_re + r"(?:,\s*which first reported [^,]+,)?\s+(?:reported|first reported|has reported|said|"
        r"wrote|revealed|quoted)\b"
        r"|\(" + name_re + r"\)",
        re.IGNORECASE,
    )


def _earlier(a: DocInfo, b: DocInfo) -> tuple[DocInfo, DocInfo]:
    """(original, echo): the earlier published one is the original; input order breaks ties and gaps."""
    if a.published and b.published and a.published != b.published:
        return (a, b) if a.published < b.published else (b, a)
    return (a, b) if a.order <= b.order else (b, a)


def find_links(docs: Sequence[DocInfo]) -> list[Link]:
    """Every echo relation between the documents of a case."""
    links: list[Link] = []
    sh = {d.id: shingles(d.text) for d in docs}
    index: dict[int, set[int]] = {}
    for i, d in enumerate(docs):
        for s in sh[d.id]:
            index.setdefault(s, set()).add(i)
    shared: dict[tuple[int, int], int] = {}
    for holders in index.values():
        if 1 < len(holders) <= 200:  # boilerplate in very many documents says nothing about copying
            hs = sorted(holders)
            for x in range(len(hs)):
                for y in range(x + 1, len(hs)):
                    shared[(hs[x], hs[y])] = shared.get((hs[x], hs[y]), 0) + 1
    linked: set[tuple[str, str]] = set()
    for (i, j), inter in shared.items():
        a, b = docs[i], docs[j]
        smaller = max(1, min(len(sh[a.id]), len(sh[b.id])))
        containment = inter / smaller
        jaccard = inter / max(1, len(sh[a.id] | sh[b.id]))
        size, passage = _longest_passage(a.text, b.text)
        if containment >= COPY_CONTAINMENT:
            relation = "copy"
        elif size >= SHARED_PASSAGE_WORDS:
            relation = "shared passage"
        else:
            continue
        orig, echo = _earlier(a, b)
        links.append(
            Link(
                orig.id,
                echo.id,
                relation,
                round(containment, 3),
                f"{size} words in common: “{passage[:160]}{'…' if len(passage) > 160 else ''}”",
                {"containment": round(containment, 3), "jaccard": round(jaccard, 3), "longest_passage_words": size},
            )
        )
        linked.add((orig.id, echo.id))
    patterns = {src: _source_pattern(src) for src in {d.source for d in docs}}
    names = {src: re.sub(r"^the\s+", "", src.strip().lower()) for src in patterns}
    lowered = {d.id: re.sub(r"\s+", " ", d.text.lower()) for d in docs}
    for b in docs:
        for a in docs:
            if a.id == b.id or a.source == b.source or (a.id, b.id) in linked:
                continue
            pattern = patterns[a.source]
            # A plain substring test first: the regex only runs where the other source is named at all.
            m = pattern.search(b.text) if pattern and names[a.source] in lowered[b.id] else None
            if m:
                links.append(Link(a.id, b.id, "cites", 1.0, f"“{m.group().strip()}”", {"cited": a.source}))
                linked.add((a.id, b.id))
    wires: dict[str, list[DocInfo]] = {}
    for d in docs:
        w = wire_of(d)
        if w:
            wires.setdefault(w, []).append(d)
    for w, carriers in wires.items():
        for d in carriers:
            if len(carriers) > 1 or d.source.lower() not in (w.lower(), WIRE_SERVICES.get(d.source.lower(), "")):
                links.append(Link(f"wire:{w}", d.id, "same wire", 1.0, f"credited to {w}", {"wire": w}))
    return links


def roots(links: Iterable[Link]) -> dict[str, str]:
    """Each echo's ultimate original (a document id or ``wire:NAME``); originals map to themselves implicitly."""
    parent: dict[str, str] = {}
    for link in sorted(links, key=lambda lk: lk.relation != "copy"):  # a verbatim copy is the strongest evidence
        if link.echo not in parent and link.original != link.echo:
            parent[link.echo] = link.original
    out: dict[str, str] = {}
    for node in parent:
        seen = {node}
        cur = node
        while cur in parent and parent[cur] not in seen:
            cur = parent[cur]
            seen.add(cur)
        out[node] = cur
    return out


def echo_chains(links: Iterable[Link]) -> list[list[str]]:
    """Chains original → echo → echo of the echo, one per final echo, originals first."""
    links = list(links)
    parent: dict[str, str] = {}
    for link in sorted(links, key=lambda lk: lk.relation != "copy"):
        if link.echo not in parent and link.original != link.echo:
            parent[link.echo] = link.original
    leaves = [n for n in parent if n not in set(parent.values())]
    chains = []
    for leaf in sorted(leaves):
        chain = [leaf]
        while chain[-1] in parent and parent[chain[-1]] not in chain:
            chain.append(parent[chain[-1]])
        chains.append(list(reversed(chain)))
    return sorted(chains)
