"""VESSEL tagging: named ships, from a ship prefix ("USS Carl Vinson", "RFS Moskva", "FS Charles de Gaulle") or a
ship-type noun before the name ("the cruiser Moskva", "the tanker Eagle S").

Why a label of its own: ships matter in OSINT (sanctions, maritime incidents, naval deployments), and CoNLL-style
schemes have no home for them. The model, trained on that scheme, tags "USS Hopper" as ORG or LOC at random; a rule
is exact about the prefixes navies and registries use, and the merge lets a rule's span beat the model's.

Only prefixes that rarely mean anything else are listed: "SS", "MS", "INS" or "JS" would tag "SS officers",
"MS Windows" or "INS Commissioner Doris Meissner" too. The name is one or more capitalised words, with the lower-case
particles of names ("Charles de Gaulle", "Prince of Wales") allowed between them; a hull number in brackets after it
("USS Hopper (DDG 70)") is left out of the span.
"""

from __future__ import annotations

import re

from ..model import Mention
from .quantities import SpanSet

__all__ = ["SHIP_PREFIXES", "SHIP_TYPES", "vessel_mentions"]

SHIP_PREFIXES: dict[str, str] = {
    "USS": "United States Ship",
    "USNS": "United States Naval Ship",
    "USCGC": "United States Coast Guard Cutter",
    "HMS": "His/Her Majesty's Ship",
    "HMAS": "His/Her Majesty's Australian Ship",
    "HMCS": "His/Her Majesty's Canadian Ship",
    "HMNZS": "His/Her Majesty's New Zealand Ship",
    "RFA": "Royal Fleet Auxiliary",
    "FS": "French Ship",
    "RFS": "Russian Federation Ship",
    "ROKS": "Republic of Korea Ship",
    "HNLMS": "His/Her Netherlands Majesty's Ship",
    "HDMS": "His/Her Danish Majesty's Ship",
    "HNoMS": "His/Her Norwegian Majesty's Ship",
    "HSwMS": "His/Her Swedish Majesty's Ship",
    "ESPS": "Spanish Navy Ship",
    "NRP": "Portuguese Navy Ship",
    "TCG": "Turkish Navy Ship",
    "PNS": "Pakistan Navy Ship",
    "KRI": "Indonesian Navy Ship",
    "MV": "motor vessel",
}

SHIP_TYPES = (
    "aircraft carrier", "destroyer", "frigate", "cruiser", "corvette", "submarine", "warship",
    "landing ship", "patrol ship", "patrol boat", "minesweeper", "icebreaker", "tanker", "oil tanker", "freighter",
    "cargo ship", "container ship", "bulk carrier", "vessel", "trawler", "yacht", "ferry",
)  # fmt: skip

# A capitalised word, an initial ("Gerald R. Ford") or "St." ("USS St. Louis"); any other period ends the name.
_WORD = r"(?:St\.|[A-Z]\.(?=\s+[A-Z])|[A-Z][\w'’-]*)"
_PARTICLE = r"(?:de|da|del|di|du|la|le|van|von|of|the|al)"
_NAME = rf"{_WORD}(?:\s+(?:{_PARTICLE}\s+)?{_WORD})*"
_PREFIXED = re.compile(rf"(?<![\w-])(?P<prefix>{'|'.join(SHIP_PREFIXES)})\s+(?P<name>{_NAME})")
_TYPED = re.compile(rf"(?<![\w-])(?P<type>{'|'.join(sorted(SHIP_TYPES, key=len, reverse=True))})\s+(?P<name>{_NAME})")
# Words that can follow a ship type in a capital but are not a name: "the frigate Monday", "the carrier The".
_NOT_A_NAME = frozenset({"The", "A", "An", "On", "In", "At", "And", "But", "Was", "Is", "Has", "Had", "It"})


def vessel_mentions(text: str) -> list[Mention]:
    """VESSEL mentions in ``text``: prefixed ship names, and names after a ship-type noun, sorted by position."""
    out: dict[tuple[int, int], Mention] = {}
    for match in _PREFIXED.finditer(text):
        start, end = match.start(), _trim(text, match.start(), match.end("name"))
        out[(start, end)] = Mention(
            start, end, text[start:end], "VESSEL", 1.0, "rule",
            norm={"prefix": match.group("prefix"), "name": text[match.start("name") : end], "why": "ship prefix"},
        )  # fmt: skip
    taken = SpanSet(out)
    for match in _TYPED.finditer(text):
        start = match.start("name")
        end = _trim(text, start, match.end("name"))
        if end <= start or text[start:end].split()[0] in _NOT_A_NAME or taken.overlaps(start, end):
            continue
        out[(start, end)] = Mention(
            start, end, text[start:end], "VESSEL", 0.9, "rule",
            norm={"ship_type": match.group("type"), "why": "ship type before the name"},
        )  # fmt: skip
    return sorted(out.values(), key=lambda m: (m.start, m.end))


def _trim(text: str, start: int, end: int) -> int:
    """End of the name without a sentence's final period or a trailing possessive ("HMS Ocean's" → "HMS Ocean")."""
    while end > start and text[end - 1] in ".,'’-":
        end -= 1
    for suffix in ("'s", "’s"):
        if text[start:end].endswith(suffix):
            end -= len(suffix)
    return end
