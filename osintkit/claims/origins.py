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
    # False for a description without a name ("a volunteer group", "the company", "officials"): shown, but never
    # counted as one more independent origin, since it may well be one of the named ones.
    named: bool = True


class OriginResolver:
    """Turns claimants and documents into origin keys, once per case.

    ``entities`` (the case's canonical entities, when known) let aliases the entity stage merged ("SBU", "Security
    Service of Ukraine") resolve to one origin; without them the folded name is the key.
    """

    def __init__(self, entities: Sequence[Entity] = ()) -> None:
        # Names of people and organisations count wherever they appear in a claimant phrase; a place or a
        # nationality only when it is the whole claimant ("Ukraine said"): "Sudan's army" and "Sudan's health
        # ministry" are two speakers, not one called Sudan.
        self._named: dict[str, tuple[str, str]] = {}
        self._whole: dict[str, tuple[str, str]] = {}
        for e in sorted(entities, key=lambda e: e.id):
            table = self._named if e.label in ("PERSON", "ORG") else self._whole
            for alias in {e.name, *e.aliases}:
                a = alias.strip().lower()
                if len(a) >= 2:
                    table.setdefault(a, (e.id, e.name))
        self._orgs = {e.id for e in entities if e.label == "ORG"}
        self._cache: dict[str, tuple[str, str] | None] = {}

    def _entity(self, phrase: str) -> tuple[str, str] | None:
        """The entity a claimant phrase names: its longest person or organisation alias, or a whole-phrase place."""
        lowered = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip().lower())
        if lowered in self._cache:
            return self._cache[lowered]
        found = self._whole.get(lowered) or self._named.get(lowered)
        if found is None:
            best = ""
            for alias, ent in self._named.items():
                if len(alias) > len(best) and re.search(r"(?<!\w)" + re.escape(alias) + r"(?!\w)", lowered):
                    best, found = alias, ent
        self._cache[lowered] = found
        return found

    def names_of(self, phrase: str) -> list[str]:
        """Every name the case knows for the entity a phrase names ("RSF", "Rapid Support Forces"), else the phrase
        without its article."""
        bare = re.sub(r"^(?:the|a|an)\s+", "", phrase.strip(), flags=re.I)
        ent = self._entity(bare)
        if ent is None:
            return [bare]
        names = {alias for alias, found in (*self._named.items(), *self._whole.items()) if found == ent}
        return sorted(names | {bare.lower()}, key=len, reverse=True)

    def outlet(self, name: str) -> Origin:
        pub = parse_publisher(name)
        display = pub.name if pub is not None else name
        # An official account published as a document ("U.S. Central Command (@CENTCOM on X)") is that speaker.
        bare = re.sub(r"\s*[(\[][^)\]]*[)\]]\s*", " ", display).strip()
        lowered = re.sub(r"^(?:the|a|an)\s+", "", bare.lower())
        ent = None if publisher_key(display) in PUBLISHER_ALIASES else self._named.get(lowered)
        if ent is not None:
            return Origin("speaker:entity:" + ent[0], ent[1], "speaker")
        return Origin("outlet:" + publisher_key(display), display, "outlet")

    def is_outlet(self, claimant: str, doc_source: str | None, outlets: frozenset[str] = frozenset()) -> bool:
        """A claimant that names an outlet: the document's own, another outlet of the case (``outlets``, as
        publisher keys), or a known wire or broadcaster ("AP", "the Kyiv Ledger")."""
        key = publisher_key(claimant)
        if key in PUBLISHER_ALIASES or key in outlets:
            return True
        # "a tally by Maritime Intelligence Weekly", "an analysis by the Kyiv Ledger": the outlet's own work.
        tail = re.search(r"\b(?:by|from|of)\s+(.{4,})$", key)
        if tail and publisher_key(tail.group(1)) in outlets:
            return True
        own = parse_publisher(doc_source)
        return own is not None and key in (own.key, publisher_key(doc_source or ""))

    def speaker(self, claim: Claim) -> Origin:
        claimant = (claim.claimant or "").strip()
        channel = claim.channel or (f"post on {claim.platform}" if claim.platform else None)
        # A spokesperson speaks for the organisation: "RSF spokesman Osman Adam Hamid", "a spokesman for the
        # White House National Security Council" are the RSF and the Council.
        phrase = f"{claimant} {claim.claimant_role or ''}".strip()
        spoke = _SPOKESPERSON_RE.search(phrase)
        if spoke:
            body = (phrase[: spoke.start()] + " " + phrase[spoke.end() :]).strip(" ,")
            ent = self._entity(spoke.group("org") or "") if spoke.group("org") else None
            if ent is None:
                ent = self._org_in(body)
            if ent is not None:
                return Origin("speaker:entity:" + ent[0], ent[1], "speaker", channel)
        ent = self._entity(claimant)
        if ent is not None:
            return Origin("speaker:entity:" + ent[0], ent[1], "speaker", channel)
        named = bool(re.search(r"[A-Z\u0400-\u042F]", claimant[1:])) or bool(
            re.match(r"[A-Z][a-z]+$", claimant.split()[0]) and claimant.split()[0].lower() not in _DESCRIPTIVE
        )
        return Origin("speaker:" + self._name_key(claimant), claimant, "speaker", channel, named)

    def _org_in(self, phrase: str) -> tuple[str, str] | None:
        lowered = phrase.lower()
        best, found = "", None
        for alias, ent in self._named.items():
            if ent[0] in self._orgs and len(alias) > len(best):
                if re.search(r"(?<!\w)" + re.escape(alias) + r"(?!\w)", lowered):
                    best, found = alias, ent
        return found

    def _name_key(self, claimant: str) -> str:
        from osintkit.entities.demonyms import demonym_country, demonym_pattern

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


_DESCRIPTIVE = frozenset("the a an one two several some local officials sources he she they it we".split())
_SPOKESPERSON_RE = re.compile(
    r"\b(?:spokes(?:man|woman|person)|press\s+(?:secretary|officer|service)|mouthpiece)"
    r"(?:\s+(?:for|of)\s+(?:the\s+)?(?P<org>[A-Z][\w.’'-]*(?:\s+[A-Z][\w.’'-]*)*))?",
    re.I,
)


def _looks_like_name(names: Sequence[str]) -> bool:
    return all(re.fullmatch(r"[A-Z][a-z\u00C0-\u024F'’\-]+|[A-Z]\.", n) for n in names)


def outlet_of_root(root: str, doc_sources: Mapping[str, str]) -> str:
    """The outlet a document's copy chain leads back to: a wire or an outside channel's name (``wire:NAME``,
    ``external:NAME``), or the root document's publisher."""
    for prefix in ("wire:", "external:"):
        if root.startswith(prefix):
            return root[len(prefix) :]
    return doc_sources.get(root, root)
