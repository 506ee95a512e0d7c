"""Publisher names as outlets write them, reduced to one name per outlet.

The same wire appears as "AP", "The Associated Press", "AP News" or "Associated Press (via Yahoo)"; a copy-link or
independence judgement that compares the raw strings sees four outlets where there is one. The alias table covers
the major wires and broadcasters; two rules cover the rest: "X (via Y)" is X carried by Y, and a leading "The" is
not part of the name.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass

__all__ = ["PUBLISHER_ALIASES", "WIRES", "Publisher", "parse_publisher", "publisher_key", "wire_site"]

# Canonical name -> the ways outlets write it (compared after publisher_key's folding).
_CANONICAL: dict[str, tuple[str, ...]] = {
    "Associated Press": ("ap", "associated press", "ap news", "the associated press", "apnews", "apnews.com"),
    "Reuters": ("reuters", "thomson reuters", "reuters news", "reuters.com"),
    "AFP": ("afp", "agence france-presse", "agence france presse", "france presse", "afp news"),
    "dpa": ("dpa", "deutsche presse-agentur", "deutsche presse agentur"),
    "EFE": ("efe", "agencia efe"),
    "ANSA": ("ansa",),
    "UPI": ("upi", "united press international"),
    "Bloomberg": ("bloomberg", "bloomberg news"),
    "Yonhap": ("yonhap", "yonhap news agency", "yonhap news"),
    "Kyodo": ("kyodo", "kyodo news"),
    "Xinhua": ("xinhua", "xinhua news agency"),
    "TASS": ("tass", "itar-tass"),
    "RIA Novosti": ("ria novosti", "ria"),
    "Interfax": ("interfax", "interfax-ukraine"),
    "Ukrinform": ("ukrinform",),
    "UNIAN": ("unian",),
    "Anadolu": ("anadolu", "anadolu agency", "aa"),
    "PTI": ("pti", "press trust of india"),
    "BBC": ("bbc", "bbc news", "bbc world service"),
    "CNN": ("cnn",),
    "Al Jazeera": ("al jazeera", "aljazeera", "al jazeera english"),
    "NPR": ("npr",),
    "Deutsche Welle": ("dw", "deutsche welle"),
    "France 24": ("france 24", "france24"),
    "Radio Free Europe/Radio Liberty": ("rfe/rl", "rferl", "radio free europe", "radio free europe/radio liberty"),
    "NHK": ("nhk", "nhk world"),
    "Sky News": ("sky news",),
    "The New York Times": ("new york times", "nyt", "the new york times"),
    "The Washington Post": ("washington post", "the washington post"),
    "The Guardian": ("guardian", "the guardian"),
}
# Agencies whose copy other outlets run under their own name: a wire's text is one origin however many carry it.
WIRES = frozenset(
    {
        "Associated Press", "Reuters", "AFP", "dpa", "EFE", "ANSA", "UPI", "Bloomberg", "Yonhap", "Kyodo",
        "Xinhua", "TASS", "RIA Novosti", "Interfax", "Ukrinform", "UNIAN", "Anadolu", "PTI",
    }
)  # fmt: skip


@functools.lru_cache(maxsize=65_536)
def publisher_key(name: str) -> str:
    """A folded comparison key: case, accents, punctuation and a leading "the" do not matter."""
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode("ascii").casefold()
    text = re.sub(r"[^\w/.&+-]+", " ", text).strip(" .")
    text = re.sub(r"^the\s+", "", text)
    return re.sub(r"\s+", " ", text)


PUBLISHER_ALIASES: dict[str, str] = {
    publisher_key(alias): canonical for canonical, aliases in _CANONICAL.items() for alias in (canonical, *aliases)
}

_VIA_RE = re.compile(r"^(?P<name>.+?)\s*[\(\[]\s*(?:via|through|from|on)\s+(?P<carrier>[^)\]]+)[\)\]]\s*$", re.I)
_VIA_PLAIN_RE = re.compile(r"^(?P<name>.+?)\s+(?:via|through)\s+(?P<carrier>.+)$", re.I)


@dataclass(frozen=True)
class Publisher:
    """An outlet's canonical ``name``, and the ``carrier`` that ran its copy when the name says "(via ...)"."""

    name: str
    carrier: str | None = None

    @property
    def key(self) -> str:
        return publisher_key(self.name)

    @property
    def is_wire(self) -> bool:
        return self.name in WIRES


def _canonical(name: str) -> str:
    clean = re.sub(r"\s+", " ", name).strip(" -–—|·,")
    return PUBLISHER_ALIASES.get(publisher_key(clean), clean)


def parse_publisher(raw: str | None) -> Publisher | None:
    """ "Associated Press (via Yahoo)" -> Publisher("Associated Press", carrier="Yahoo"); "AP" -> the same name."""
    if raw is None or not raw.strip():
        return None
    m = _VIA_RE.match(raw.strip()) or _VIA_PLAIN_RE.match(raw.strip())
    if m:
        return Publisher(_canonical(m.group("name")), _canonical(m.group("carrier")))
    return Publisher(_canonical(raw))


def wire_site(wire: str, host: str) -> bool:
    """Whether a web host is the wire's own site ("apnews.com" for the AP), judged by its aliases written as one
    word: a wire's story on another outlet's site is that outlet carrying the wire."""
    labels = set(host.lower().split("."))
    squashed = {re.sub(r"[^a-z0-9]", "", a) for a, name in PUBLISHER_ALIASES.items() if name == wire}
    # A short alias must be a whole label ("ap" is not "apple"); a long one may begin one ("reutersagency").
    return any(s in labels or (len(s) >= 5 and any(label.startswith(s) for label in labels)) for s in squashed if s)
