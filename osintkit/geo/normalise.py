"""Name keys for gazetteer lookups: one function shared by the table builder, the index and the query side.

Stdlib only, because ``osintkit/geo/build.py`` imports this file by path from a throwaway build environment.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ADMIN_SUFFIXES",
    "ADMIN_PREFIXES",
    "name_key",
    "split_admin",
    "strip_article",
]

# Apostrophes and look-alikes vanish ("Kurskaya Oblast'", "Russia’s"); dashes become spaces ("Nur-Sultan").
_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʻ`´′ʹʿʾ"), None)
_DASHES = dict.fromkeys(map(ord, "-‐‑‒–—―−_/"), " ")
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
# Letters NFKD leaves alone but English readers spell with plain Latin letters.
_FOLD = str.maketrans({"ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe", "þ": "th", "ð": "d"})

# Generic words that turn a name into an administrative area: "the Kursk region", "Kursk Oblast", "Hubei province".
ADMIN_SUFFIXES: tuple[str, ...] = (
    "autonomous oblast",
    "autonomous okrug",
    "autonomous region",
    "federal district",
    "oblast",
    "oblast",
    "obl",
    "oblysy",
    "oblasti",
    "region",
    "regione",
    "province",
    "provincia",
    "prefecture",
    "governorate",
    "governate",
    "krai",
    "kray",
    "state",
    "county",
    "district",
    "voivodeship",
    "department",
    "departement",
    "canton",
    "territory",
    "republic",
    "okrug",
    "raion",
    "rayon",
    "municipality",
    "parish",
    "emirate",
    "division",
    "area",
)
ADMIN_PREFIXES: tuple[str, ...] = (
    "province of",
    "provincia di",
    "provincia de",
    "region of",
    "state of",
    "republic of",
    "oblast",
    "county of",
    "departement du",
    "departement de",
    "governorate of",
    "prefecture of",
)
_SUFFIX_RE = re.compile(r"^(?P<base>.+?) (?:" + "|".join(sorted(set(ADMIN_SUFFIXES), key=len, reverse=True)) + r")$")
_PREFIX_RE = re.compile(r"^(?:" + "|".join(sorted(set(ADMIN_PREFIXES), key=len, reverse=True)) + r") (?P<base>.+)$")
# Adjectival Russian/Ukrainian forms: "Kurskaya" → "kursk", "Donetska" → "donetsk", "Kharkivska" → "kharkiv".
_ADJ_RE = re.compile(r"^(?P<stem>\w{3,}?sk)(?:aya|aja|a|iy|ij|yi|oye|oe|oy)$")


def name_key(text: str) -> str:
    """Case-, accent-, apostrophe- and dash-insensitive key: ``"Russia’s Far-East"`` → ``"russias far east"``."""
    text = text.translate(_APOSTROPHES).translate(_DASHES)
    text = unicodedata.normalize("NFKD", text.casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).translate(_FOLD)
    text = _NON_WORD.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def strip_article(key: str) -> str:
    """Drop a leading English article from a key: ``"the kursk region"`` → ``"kursk region"``."""
    return key[4:] if key.startswith("the ") else key


def split_admin(key: str) -> list[str]:
    """Base names when a key names an administrative area by a generic word, else an empty list.

    ``"kursk region"`` → ``["kursk"]``, ``"province of tarlac"`` → ``["tarlac"]``,
    ``"kurskaya oblast"`` → ``["kurskaya", "kursk"]``, ``"kharkivska oblast"`` → ``[..., "kharkivsk", "kharkiv"]``.
    """
    match = _SUFFIX_RE.match(key) or _PREFIX_RE.match(key)
    if match is None:
        return []
    base = match.group("base")
    out = [base]
    adj = _ADJ_RE.match(base) if " " not in base else None
    if adj is not None:
        stem = adj.group("stem")
        out.append(stem)
        out.append(stem[:-2])  # Ukrainian "kharkivska" → "kharkiv"; Russian "kurskaya" → "kur" is too short to index
    return [b for b in dict.fromkeys(out) if len(b) >= 3]
