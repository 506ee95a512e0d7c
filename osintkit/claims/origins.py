"""Origins: who a claim ultimately comes from, so that independence counts origins, not outlets.

Nine outlets relaying one post by one speaker are one piece of evidence. A claim's origin is its speaker (the
claimant, with the channel where the text gives it: a post on a platform, a briefing, a statement) or, when the
sentence speaks in the publication's own voice, the outlet at the root of the document's copy chain (a wire story
rerun by ten papers is the wire's). Speaker names are folded so that "Ukrainian President Volodymyr Zelenskyy",
"Zelensky" and "Zelenskiy" are one origin, and organisation names so that "South Korea's intelligence service" and
"South Korean intelligence services" are one, without merging two different people who share a surname.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from osintkit.model import Claim, Entity, Record

from .publishers import PUBLISHER_ALIASES, parse_publisher, publisher_key

__all__ = ["Origin", "OriginResolver", "fold_name"]

# Words that say what a speaker is, not who: dropped before comparing names.
_ROLE_WORDS = frozenset(
    """
    president prime minister ministry foreign defence defense interior spokesman spokeswoman spokesperson press
    secretary chief head deputy general gen lt col colonel major commander adviser advisor official officials
    ambassador envoy governor mayor senator rep representative chairman chairwoman director mr mrs ms dr sir
    lord former acting the a an of for and its his her their state national security council told said
    """.split()
)  # fmt: skip
_ORG_STOP = frozenset(
    {
        "the",
        "a",
        "an",
        "of",
        "its",
        "and",
        "for",
        "in",
        "on",
        "s",
        "has",
        "have",
        "national",
        "state",
        "official",
        "said",
    }
)


def fold_name(word: str) -> str:
    """A transliteration-tolerant key for one name: Zelenskyy, Zelensky, Zelenskiy and Zelenski fold alike."""
    w = unicodedata.normalize("NFKD", word).encode("ascii", "ignore").decode("ascii").lower()
    w = re.sub(r"[^a-z]", "", w)
    w = re.sub(r"(?:iy|yy|yi|ij|ii|y|i)$", "i", w)
    return w.replace("kh", "h").replace("y", "i").replace("j", "i")


def _plural_stem(word: str) -> str:
    return word[:-1] if len(word) > 4 and word.endswith("s") and not word.endswith("ss") else word


@dataclass
class Origin(Record):
    """Where a claim comes from. ``key`` decides independence: claims with one key are one piece of evidence."""

    key: str
    name: str
    kind: str  # "speaker" | "outlet"
    channel: str | None = None


class OriginResolver:
    """Turns claimants and documents into origin keys, once per case.

    ``entities`` (the case's canonical entities, when known) let aliases the entity stage merged ("SBU", "Security
    Service of Ukraine") resolve to one origin; without them the folded name is the key.
    """

    def __init__(self, entities: Sequence[Entity] = ()) -> None:
        self._alias_to_entity: dict[str, tuple[str, str]] = {}
        for e in sorted(entities, key=lambda e: e.id):
            if e.label not in ("PERSON", "ORG", "LOC", "GPE", "NORP"):
                continue
            for alias in {e.name, *e.aliases}:
                a = alias.strip().lower()
                if len(a) >= 3:
                    self._alias_to_entity.setdefault(a, (e.id, e.name))

    def outlet(self, name: str) -> Origin:
        pub = parse_publisher(name)
        display = pub.name if pub is not None else name
        return Origin("outlet:" + publisher_key(display), display, "outlet")

    def is_outlet(self, claimant: str, doc_source: str | None, outlets: frozenset[str] = frozenset()) -> bool:
        """A claimant that names an outlet: the document's own, another outlet of the case (``outlets``, as
        publisher keys), or a known wire or broadcaster ("AP", "the Kyiv Ledger")."""
        key = publisher_key(claimant)
        if key in PUBLISHER_ALIASES or key in outlets:
            return True
        own = parse_publisher(doc_source)
        return own is not None and key in (own.key, publisher_key(doc_source or ""))

    def speaker(self, claim: Claim) -> Origin:
        claimant = (claim.claimant or "").strip()
        channel = claim.channel or (f"post on {claim.platform}" if claim.platform else None)
        lowered = claimant.lower()
        best: tuple[str, str] | None = None
        for alias, ent in self._alias_to_entity.items():
            if re.search(r"(?<!\w)" + re.escape(alias) + r"(?!\w)", lowered) and (
                best is None or len(alias) > len(best[0])
            ):
                best = (alias, ent[0])
        if best is not None:
            ent_id, ent_name = best[1], self._alias_to_entity[best[0]][1]
            return Origin("speaker:entity:" + ent_id, ent_name, "speaker", channel)
        return Origin("speaker:" + self._name_key(claimant), claimant, "speaker", channel)

    def _name_key(self, claimant: str) -> str:
        from osintkit.tag.demonyms import _pattern as demonym_pattern
        from osintkit.tag.demonyms import demonym_country

        # "South Korean" and "South Korea's" name one country: demonyms become the country's name first.
        def country(m: re.Match[str]) -> str:
            found = demonym_country(m.group())
            return found[1] if found else m.group()

        text = demonym_pattern().sub(country, re.sub(r"[’']s\b", "", claimant))
        tokens = re.findall(r"[A-Za-z\u00C0-\u024F\u0400-\u04FF][\w.\-]*", text)
        if not tokens:
            return claimant.lower()
        names = [t for t in tokens if t[:1].isupper() and t.lower().strip(".") not in _ROLE_WORDS]
        if names and not _ORG_RE.search(text) and len(names) <= 4 and _looks_like_name(names):
            # A person: the surname decides, folded for transliteration ("Zelensky" joins "Volodymyr Zelenskyy").
            return "person:" + fold_name(names[-1])
        words = {_plural_stem(t.lower().strip(".")) for t in tokens}
        return "org:" + " ".join(sorted(words - _ORG_STOP))


_ORG_RE = re.compile(
    r"\b(?:(?i:(?:intelligence|service|ministr(?:y|ie)|militar(?:y|ie)|force|arm(?:y|ie)|nav(?:y|ie)|agenc(?:y|ie)|"
    r"office|government|administration|council|command|staff|all(?:y|ie)|official|authorit(?:y|ie)|department|"
    r"committee|police|guard|directorate|headquarter|parliament|kremlin|pentagon|white house|embass(?:y|ie)|"
    r"mission|union|organi[sz]ation|group|monitor|observator(?:y|ie)|institute|compan(?:y|ie)|corporation|part(?:y|ie)|"
    r"movement|brigade|regiment|battalion|media|news|channel|leader|spokes\w*|source|analyst|expert)s?)|"
    r"[A-Z]{2,})\b"
)


def _looks_like_name(names: Sequence[str]) -> bool:
    return all(re.fullmatch(r"[A-Z][a-z\u00C0-\u024F'’\-]+|[A-Z]\.", n) for n in names)


def outlet_of_root(root: str, doc_sources: Mapping[str, str]) -> str:
    """The outlet a document's copy chain leads back to: a wire name or the root document's publisher."""
    if root.startswith("wire:"):
        return root[5:]
    return doc_sources.get(root, root)
