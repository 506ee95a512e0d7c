"""Name keys for gazetteer lookups: one function shared by the table builder, the index and the query side.

Stdlib only, because ``osintkit/geo/build.py`` imports this file by path from a throwaway build environment.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "ADMIN_PREFIXES",
    "ADMIN_SUFFIXES",
    "latin_key",
    "name_key",
    "split_admin",
    "strip_article",
]

# Apostrophes and look-alikes vanish ("Kurskaya Oblast'", "Russia’s"); dashes become spaces ("Nur-Sultan"); letters
# NFKD leaves alone but English readers spell with plain Latin letters are folded. One table: one translate() pass.
_TABLE: dict[int, str | None] = dict.fromkeys(map(ord, "'’‘ʼʻ`´′ʹʿʾ"), None)
_TABLE.update(dict.fromkeys(map(ord, "-‐‑‒–—―−_/"), " "))
_TABLE.update({ord(k): v for k, v in {"ß": "ss", "ø": "o", "đ": "d", "ł": "l", "ı": "i", "æ": "ae", "œ": "oe"}.items()})
_TABLE.update({ord("þ"): "th", ord("ð"): "d"})
_COMBINING = re.compile(r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+")
_NON_WORD = re.compile(r"[^\w\s]+")
_NON_WORD_ASCII = re.compile(r"[^a-z0-9\s]+")
_SPACES = re.compile(r"\s+")

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
    if text.isascii():
        # The common case, and the hot path when building the index: no Unicode normalisation needed.
        text = _NON_WORD_ASCII.sub(" ", text.lower().translate(_TABLE))
        return " ".join(text.split())
    # Compatibility forms decompose to capitals ("𝛢" is NFKD "Α"), so case is folded after decomposing as well, and
    # decomposed again in case folding composed anything: the key of a key must be itself.
    text = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", text).casefold().translate(_TABLE))
    # Marks go in every script, so "Київ" and "Киив"-style spellings meet; both sides use the same key.
    text = _COMBINING.sub("", text)
    text = _NON_WORD.sub(" ", text)
    return " ".join(text.split())


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


# Cyrillic letters as they stand in a name key (``name_key`` has already folded й to и, ї to і, ё to е), romanised
# the way English news spells Ukrainian and Russian places: Харків Kharkiv, Слов'янськ Sloviansk.
_ROMAN = str.maketrans(
    {
        "а": "a", "б": "b", "в": "v", "г": "g", "ґ": "g", "д": "d", "е": "e", "є": "ie", "ж": "zh", "з": "z",
        "и": "y", "і": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s",
        "т": "t", "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "", "ы": "y",
        "ь": "", "э": "e", "ю": "iu", "я": "ia",
    }
)  # fmt: skip


def latin_key(key: str) -> str:
    """A name key with its Cyrillic letters romanised, to compare a Cyrillic name with a record's Latin one."""
    return key.translate(_ROMAN)
