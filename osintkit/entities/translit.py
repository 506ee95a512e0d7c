"""Standard romanisation of Ukrainian and Russian, so a name in Cyrillic can be compared with its Latin spelling.

**Ukrainian: the national system**, Cabinet of Ministers of Ukraine resolution No. 55 of 27 January 2010 ("Про
впорядкування транслітерації українського алфавіту латиницею"). It is the law for passports and place names in
Ukraine and the spelling Ukrainian officials use in English (Zelenskyy's own "Zelenskyy" is its -ий → -yi with the
passport office's doubled y; the system gives "Zelenskyi"). Its position rules are kept: Є, Ї, Й, Ю, Я are
ye, yi, y, yu, ya at the start of a word and ie, i, i, iu, ia elsewhere; зг is zgh (Згорани → Zghorany) so it is
not read back as ж; the soft sign and the apostrophe are dropped (Короп'є → Koropie).

**Russian: ICAO Doc 9303** (Machine Readable Travel Documents, 7th ed. 2015, part 3, section 6), chosen over
GOST 7.79-2000 system B and BGN/PCGN because it is how Russia writes its citizens' names in their passports since
2014 (Federal Migration Service order No. 320), so the spelling on passports, visas and sanctions lists
(Peskov Dmitrii Sergeevich) is the one it gives; it is plain ASCII with no position rules, where GOST's "c", "x"
and "``" and BGN's "ë" and "y·" would need undoing before comparing with the press. Ё and Е are both e, Й is i,
Ъ is ie, Ы is y, Ь is dropped, Ю iu, Я ia.

Neither system is how English newsrooms spell everyone (Zelensky, Yuri, Dmitry): :func:`latin_key` is the
tolerant key that compares them, folding the few places where the systems and the press differ.

    >>> transliterate("Юрій Згорани", "uk")
    'Yurii Zghorany'
    >>> transliterate("Дмитрий Песков", "ru")
    'Dmitrii Peskov'
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from ..errors import InputError

__all__ = ["ROMANISATION", "cyrillic_language", "latin_key", "transliterate"]

ROMANISATION = {
    "uk": "Ukraine's national system (Cabinet of Ministers resolution No. 55, 2010)",
    "ru": "ICAO Doc 9303 (as in Russian passports since 2014)",
}

# Ukrainian: the resolution's table. The second value is the letter's form at the start of a word where it differs.
_UK: dict[str, tuple[str, str]] = {
    "а": ("a", "a"), "б": ("b", "b"), "в": ("v", "v"), "г": ("h", "h"), "ґ": ("g", "g"), "д": ("d", "d"),
    "е": ("e", "e"), "є": ("ie", "ye"), "ж": ("zh", "zh"), "з": ("z", "z"), "и": ("y", "y"), "і": ("i", "i"),
    "ї": ("i", "yi"), "й": ("i", "y"), "к": ("k", "k"), "л": ("l", "l"), "м": ("m", "m"), "н": ("n", "n"),
    "о": ("o", "o"), "п": ("p", "p"), "р": ("r", "r"), "с": ("s", "s"), "т": ("t", "t"), "у": ("u", "u"),
    "ф": ("f", "f"), "х": ("kh", "kh"), "ц": ("ts", "ts"), "ч": ("ch", "ch"), "ш": ("sh", "sh"),
    "щ": ("shch", "shch"), "ь": ("", ""), "ю": ("iu", "yu"), "я": ("ia", "ya"),
    # Not Ukrainian letters, but they turn up in Ukrainian text that quotes Russian; read as ICAO reads them.
    "ё": ("e", "e"), "ъ": ("ie", "ie"), "ы": ("y", "y"), "э": ("e", "e"),
}  # fmt: skip

# Russian: ICAO Doc 9303's table (which also covers the Ukrainian letters, as passports of both countries need).
_RU: dict[str, str] = {
    "а": "a", "б": "b", "в": "v", "г": "g", "д": "d", "е": "e", "ё": "e", "ж": "zh", "з": "z", "и": "i",
    "й": "i", "к": "k", "л": "l", "м": "m", "н": "n", "о": "o", "п": "p", "р": "r", "с": "s", "т": "t",
    "у": "u", "ф": "f", "х": "kh", "ц": "ts", "ч": "ch", "ш": "sh", "щ": "shch", "ъ": "ie", "ы": "y", "ь": "",
    "э": "e", "ю": "iu", "я": "ia", "і": "i", "ї": "i", "є": "ie", "ґ": "g",
}  # fmt: skip

# The resolution drops the apostrophe (Короп'є, Мар'їне); text writes it in four ways.
_APOSTROPHES = frozenset("'’ʼ`")
_UK_ONLY = frozenset("іїєґІЇЄҐ")
_RU_ONLY = frozenset("ыэёъЫЭЁЪ")


def cyrillic_language(text: str) -> str | None:
    """``"uk"`` or ``"ru"`` when a letter only one of the two alphabets has says which; None when neither does."""
    uk = any(ch in _UK_ONLY for ch in text)
    ru = any(ch in _RU_ONLY for ch in text)
    if uk == ru:
        return None
    return "uk" if uk else "ru"


def transliterate(text: str, language: str) -> str:
    """``text`` with its Cyrillic letters romanised by the ``language``'s standard (``"uk"`` or ``"ru"``).

    Other characters pass unchanged. Capitals follow the source: a capital letter gives a capitalised group
    ("Щ" → "Shch"), and a word written all in capitals stays so ("ЗСУ" → "ZSU", "ЩОРС" → "SHCHORS").
    """
    lang = language.split("-")[0].lower()
    if lang not in ROMANISATION:
        raise InputError(f"no standard romanisation for {language!r}; known: uk, ru", field="language")
    out: list[str] = []
    n = len(text)
    for i, ch in enumerate(text):
        low = ch.lower()
        if lang == "uk":
            if ch in _APOSTROPHES and 0 < i < n - 1 and text[i - 1].isalpha() and text[i + 1].isalpha():
                continue
            if low not in _UK:
                out.append(ch)
                continue
            # Word start: no letter (or apostrophe inside a word) before it.
            start = i == 0 or not (text[i - 1].isalpha() or text[i - 1] in _APOSTROPHES)
            latin = _UK[low][1 if start else 0]
            if low == "г" and i > 0 and text[i - 1].lower() == "з":
                latin = "gh"  # зг → zgh: "zh" would read as ж
        else:
            if low not in _RU:
                out.append(ch)
                continue
            latin = _RU[low]
        if ch != low and latin:
            latin = latin.upper() if _all_caps_word(text, i) else latin[0].upper() + latin[1:]
        out.append(latin)
    return "".join(out)


def _all_caps_word(text: str, i: int) -> bool:
    """Whether the word holding position ``i`` is written in capitals and is longer than one letter."""
    start = i
    while start > 0 and text[start - 1].isalpha():
        start -= 1
    end = i + 1
    while end < len(text) and text[end].isalpha():
        end += 1
    word = text[start:end]
    return len(word) > 1 and word.isupper()


_DOUBLE = re.compile(r"([a-z])\1+")
_FINAL_I = re.compile(r"(?:iy|ii|yi|yy|ij|i|y)$")
_NON_LETTER = re.compile(r"[^a-z]+")


@lru_cache(maxsize=1 << 16)
def latin_key(name: str) -> str:
    """A comparison key for one name in Latin letters that folds where romanisations and the press differ.

    "Zelensky", "Zelenskyy", "Zelenskyi", "Zelenskiy" and "Zelenskii" share a key, and "Zelenska", "Zelenskaya"
    and "Zelenskaia" (the Ukrainian and Russian feminine) another; so do "Kharkiv"/"Harkiv"
    (kh/h), "Kravets"/"Kravec" (ts/c), "Oleh"/"Oleg" (Ukrainian г is h, Russian g) and doubled letters
    ("Zakharchenko"/"Zaharchenko", "Savva"/"Sava"). It is deliberately no fuzzier: "Ivanov" and "Ivanova",
    "Kovalenko" and "Kovalchenko" keep different keys. Words are keyed one by one and joined by a space.
    """
    words = []
    for word in name.split():
        w = unicodedata.normalize("NFKD", word.casefold())
        w = _NON_LETTER.sub("", "".join(ch for ch in w if not unicodedata.combining(ch)))
        if not w:
            continue
        # Digraphs first, so their h is not read as г below.
        # German spellings of the press agencies too: tsch is ч (Klitschko), sch щ as in Ivaschenko.
        w = w.replace("shch", "\x01").replace("tsch", "\x03").replace("sch", "\x01").replace("zh", "\x02")
        w = w.replace("ch", "\x03")
        w = w.replace("sh", "\x04").replace("kh", "h").replace("tz", "c").replace("ts", "c").replace("x", "ks")
        w = w.replace("h", "g").replace("j", "i").replace("w", "v")
        w = _DOUBLE.sub(r"\1", w)
        if len(w) > 5 and w.endswith(("aia", "aya")):
            w = w[:-2]  # Russian -ая, Ukrainian -а: Zelenskaya / Zelenskaia / Zelenska
        if len(w) > 4:
            w = _FINAL_I.sub("i", w)  # -yi, -yy, -iy, -ii, -y: one ending (Zelenskyy / Zelensky / Zelenskii)
        w = _DOUBLE.sub(r"\1", w.replace("y", "i"))
        if w.startswith("ie") and len(w) > 4:  # Yevhen / Ievgenii / Evgeny
            w = w[1:]
        w = w.replace("\x01", "sc").replace("\x02", "zh").replace("\x03", "ch").replace("\x04", "sh")
        words.append(w)
    return " ".join(words)
