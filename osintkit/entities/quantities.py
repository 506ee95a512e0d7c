"""QUANTITY mentions by rule: numbers in digits or words, and what they count.

Span convention: the mention covers the number expression only ("11,000", "two", "1.5 million", "2,000-3,000",
"$5 billion", "30 km", "a dozen", "several"), not the hedge before it nor the noun after it. The counted noun phrase
overlaps other mentions ("two wounded North Korean soldiers" holds the NORP "North Korean"), and the tagger keeps
one mention per character, so a span that swallowed the phrase would hide the nationality. What is counted lives in
``norm`` instead:

- ``value``: the number (``None`` for vague ones such as "several" or "hundreds of"); ranges give ``value`` (low)
  and ``value_max`` (high);
- ``counted``: the head noun ("soldiers"); ``counted_phrase``: the noun phrase ("wounded North Korean soldiers")
  and ``counted_span``: its ``[start, end]`` in the text;
- ``unit``: "km", "%", "USD"... for measures and money;
- ``approximate`` and ``modifiers``: hedges such as "an estimated", "about", "up to", "more than"; ``bound`` is
  ``"upper"`` or ``"lower"`` for "up to"/"more than" and kin;
- ``outcome``: what happened to the counted things when a verb phrase follows ("had been killed or injured");
- ``vague``: true for "several", "dozens of", "hundreds of"..., which are tagged only when a counted noun follows.

Numbers that belong to dates are skipped (the caller passes the DATE spans), as are ordinals, "one of", and bare
"one" without a counted noun, which is far more often a pronoun than a count.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from ..model import Mention

__all__ = ["SpanSet", "cyrillic_quantity_mentions", "parse_number", "quantity_mentions"]

UNITS_SMALL: dict[str, int] = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
TENS: dict[str, int] = {
    "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
SCALES: dict[str, int] = {
    "hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000, "trillion": 10**12,
}  # fmt: skip
SUFFIX_SCALES: dict[str, int] = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "tn": 10**12}
VAGUE: dict[str, int | None] = {
    "several": None, "a few": None, "a handful of": None, "dozens of": 24, "scores of": 40, "hundreds of": 200,
    "thousands of": 2_000, "tens of thousands of": 20_000, "hundreds of thousands of": 200_000,
    "millions of": 2_000_000,
}  # fmt: skip
# hedge → bound it sets (None: just approximate)
HEDGES: dict[str, str | None] = {
    "an estimated": None, "estimated": None, "about": None, "around": None, "some": None, "roughly": None,
    "approximately": None, "nearly": "upper", "almost": "upper", "close to": "upper", "up to": "upper",
    "as many as": "upper", "at most": "upper", "no more than": "upper", "fewer than": "upper", "less than": "upper",
    "under": "upper", "more than": "lower", "over": "lower", "at least": "lower", "upwards of": "lower",
    "in excess of": "lower", "an additional": None, "another": None, "a further": None, "reportedly": None,
    "approx.": None, "c.": None, "circa": None, "~": None,
}  # fmt: skip
APPROXIMATE_HEDGES = set(HEDGES) - {"an additional", "another", "a further", "reportedly"}
UNIT_WORDS: dict[str, str] = {
    "%": "%", "percent": "%", "per cent": "%", "km": "km", "kilometres": "km", "kilometers": "km", "kilometre": "km",
    "kilometer": "km", "km2": "km2", "sq km": "km2", "square kilometres": "km2", "square kilometers": "km2",
    "miles": "mi", "mile": "mi", "mi": "mi", "m": "m", "metres": "m", "meters": "m", "metre": "m", "meter": "m",
    "kg": "kg", "kilograms": "kg", "kilogrammes": "kg", "tonnes": "t", "tons": "t", "tonne": "t", "ton": "t",
    "mm": "mm", "cm": "cm", "hectares": "ha", "ha": "ha", "dollars": "USD", "euros": "EUR", "pounds": "GBP",
    "rubles": "RUB", "roubles": "RUB", "hryvnias": "UAH", "hryvnia": "UAH", "yuan": "CNY", "won": "KRW",
    "yen": "JPY", "USD": "USD", "EUR": "EUR", "GBP": "GBP", "UAH": "UAH", "RUB": "RUB",
}  # fmt: skip
CURRENCY_SYMBOLS: dict[str, str] = {
    "$": "USD",
    "US$": "USD",
    "€": "EUR",
    "£": "GBP",
    "₴": "UAH",
    "₽": "RUB",
    "¥": "JPY",
}
IRREGULAR_PLURALS = {
    "people", "men", "women", "children", "personnel", "police", "staff", "infantry", "aircraft", "cattle", "sheep",
    "crew", "militia", "livestock", "youth", "fish", "deer", "offspring", "feet", "teeth", "mice", "geese", "dead",
    "injured", "wounded", "missing", "elderly",
}  # fmt: skip
ADJECTIVAL_NOUNS = {"dead", "injured", "wounded", "missing", "elderly"}
# Words that end a counted noun phrase: the phrase is the words between the number and the first of these.
STOP_WORDS = {
    "of", "to", "from", "in", "on", "at", "by", "for", "with", "and", "or", "but", "had", "have", "has", "were",
    "was", "are", "is", "be", "been", "being", "who", "which", "that", "this", "these", "those", "the", "a", "an",
    "as", "than", "into", "onto", "over", "under", "after", "before", "since", "during", "while", "per", "each",
    "would", "will", "could", "can", "may", "might", "must", "should", "did", "do", "does", "not", "more", "less",
    "near", "across", "against", "between", "among", "along", "through", "toward", "towards", "about", "around",
    "said", "says", "say", "according", "ago", "so", "if", "when", "where", "because", "it", "they", "we", "he",
    "she", "them", "their", "his", "her", "its", "our", "your", "my", "out", "up", "down", "off", "all", "both",
}  # fmt: skip
OUTCOME_VERBS = {
    "killed", "injured", "wounded", "captured", "deployed", "detained", "arrested", "displaced", "evacuated",
    "missing", "dead", "executed", "abducted", "kidnapped", "released", "freed", "destroyed", "damaged", "lost",
    "stationed", "sent", "taken", "held", "imprisoned", "jailed", "hurt", "rescued", "exchanged", "returned",
    "deported", "expelled", "fired", "launched", "shot", "downed", "intercepted", "seized", "recruited",
    "mobilised", "mobilized", "trained", "transferred", "moved", "killed,", "committed", "surrendered", "died",
    "fled", "drowned", "affected", "infected", "hospitalised", "hospitalized", "treated", "identified",
}  # fmt: skip
AUXILIARIES = (
    r"(?:had|have|has|were|was|are|is|be|will|would|could|may|might)"
    r"(?:\s+(?:been|be|being|reportedly|also|already|now|since|allegedly))*"
)

_NUMBER_WORD = "|".join(sorted([*UNITS_SMALL, *TENS], key=len, reverse=True))
_SCALE_WORD = "|".join(SCALES)
_WORD_NUMBER = (
    rf"(?:(?:{_NUMBER_WORD})(?:[\s-]+(?:and\s+)?(?:{_NUMBER_WORD}|{_SCALE_WORD}))*|a\s+(?:dozen|hundred|thousand|million|billion)"
    rf"(?:\s+(?:{_SCALE_WORD}))*|half\s+a\s+(?:dozen|million|billion)|a\s+couple\s+of)"
)
_DIGITS = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"
_SCALE_AFTER = rf"(?:\s*(?:{_SCALE_WORD})\b|(?:k|mn|bn|tn)\b)?"
_CURRENCY = r"(?:US\$|\$|€|£|₴|₽|¥)"
# "m" after a bare number is metres ("a 5m wall"); after a currency symbol it is millions ("$5m").
_NUMERAL = rf"(?:{_CURRENCY}\s?(?:{_DIGITS})(?:\s*(?:{_SCALE_WORD})\b|(?:k|m|mn|bn|tn)\b)?|(?:{_DIGITS}){_SCALE_AFTER})"
_RANGE_SEP = r"\s*(?:-|–|—|to)\s*"
QUANTITY_RE = re.compile(
    rf"(?=[0-9$€£₴₽¥UuAaHhOoTtFfSsEeNnZz])(?<![\w.,/:$€£-])(?P<num>(?P<a>{_NUMERAL})(?:{_RANGE_SEP}(?P<b>{_NUMERAL}))?"
    rf"|(?P<w>{_WORD_NUMBER})(?:\s+(?:to|or)\s+(?P<wb>{_WORD_NUMBER}))?)(?!\d|[\w,.]\w|\.\d|:\d|/\d|-[A-Za-z])",
    re.IGNORECASE,
)
VAGUE_RE = re.compile(
    r"(?=[sSaAdDhHtTmM])(?<![\w-])(?P<num>"
    + "|".join(re.escape(v) for v in sorted(VAGUE, key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)
_UNIT_RE = re.compile(
    r"\s*(?P<unit>%|(?:"
    + "|".join(re.escape(u) for u in sorted(UNIT_WORDS, key=len, reverse=True) if u != "%")
    + r")\b)"
)
_HEDGE_RE = re.compile(
    r"(?:^|(?<=[\s(\"“]))(?P<hedge>" + "|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True)) + r")\s*$",
    re.IGNORECASE,
)
_VERB_BEFORE = re.compile(
    r"\b(?P<verb>[a-z]+ed)\s+(?:" + "|".join(re.escape(h) for h in sorted(HEDGES, key=len, reverse=True)) + r")?\s*$"
)
_WORD = re.compile(r"\s*(?P<word>[A-Za-z][A-Za-z'’-]*)")
_ADJECTIVE_END = re.compile(r"(?:ed|ing|al|ive|ous|ic|ful|less|ary|ian|ern|ish)$")
_ORDINAL_AFTER = re.compile(r"(?:st|nd|rd|th)\b")


def parse_number(text: str) -> float | None:
    """The value of a number written in digits or words: ``"11,000"``, ``"1.5 million"``, ``"twenty-five"``,
    ``"$5bn"``, ``"a dozen"``. ``None`` when it is not one."""
    t = text.strip().lower()
    for sym in sorted(CURRENCY_SYMBOLS, key=len, reverse=True):
        if t.startswith(sym.lower()):
            t = t[len(sym) :].strip()
            break
    m = re.fullmatch(rf"(?P<d>{_DIGITS})\s*(?P<s>{_SCALE_WORD}|k|m|mn|bn|tn)?", t)
    if m:
        value = float(m["d"].replace(",", ""))
        scale = m["s"]
        if scale:
            value *= SCALES.get(scale) or SUFFIX_SCALES[scale]
        return value
    words = re.split(r"[\s-]+", t)
    if words and words[0] in {"a", "an"}:
        words = ["one", *words[1:]]
    if words[:2] == ["half", "a"]:
        rest = parse_number(" ".join(["one", *words[2:]]))
        return None if rest is None else rest / 2
    if words == ["one", "couple", "of"]:
        return 2.0
    total, current, seen = 0, 0, False
    for word in words:
        if word == "and":
            continue
        if word == "dozen":
            current = (current or 1) * 12
        elif word in UNITS_SMALL:
            current += UNITS_SMALL[word]
        elif word in TENS:
            current += TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word in SCALES:
            total += (current or 1) * SCALES[word]
            current = 0
        else:
            return None
        seen = True
    return float(total + current) if seen else None


def _clean(value: float | None) -> int | float | None:
    if value is None:
        return None
    return int(value) if value == int(value) else value


def _hedges(text: str, start: int) -> tuple[list[str], str | None, int]:
    """Hedges right before ``start`` ("an estimated", "up to"), the bound they set and where they begin."""
    found: list[str] = []
    bound: str | None = None
    cursor = start
    for _ in range(2):  # "up to an estimated 11,000"
        window = text[max(0, cursor - 25) : cursor]
        m = _HEDGE_RE.search(window)
        if m is None:
            break
        hedge = m["hedge"].lower()
        found.insert(0, hedge)
        bound = bound or HEDGES.get(hedge)
        cursor = cursor - len(window) + m.start("hedge")
    return found, bound, cursor


def _is_plural(word: str) -> bool:
    w = word.lower()
    if w in IRREGULAR_PLURALS:
        return True
    return len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is", "'s", "’s"))


def _is_head(word: str, text: str, end: int) -> bool:
    """A lowercase plural noun ends the counted phrase; "wounded"/"dead" only when no noun follows them."""
    if word[0].isupper() or not _is_plural(word):
        return False
    if word.lower() in ADJECTIVAL_NOUNS:
        follow = _WORD.match(text, end)
        return follow is None or follow["word"].lower() in STOP_WORDS
    return True


def _counted(text: str, pos: int, value: float | None) -> dict[str, Any]:
    """The noun phrase after a number: up to five words, ending at the first plural noun (or, for one thing, the
    last word before a stop word)."""
    words: list[tuple[str, int, int]] = []
    cursor = pos
    of_the = re.match(r"\s+of\s+(?:the|these|those|their|them|its|his|her)\b", text[pos:])
    if of_the:
        # "two of the soldiers": count the soldiers; "two of them" counts nothing named.
        if of_the.group(0).rstrip().endswith("them"):
            return {}
        cursor = pos + of_the.end()
    elif re.match(r"\s+of\b", text[pos:]):
        return {}
    for _ in range(5):
        m = _WORD.match(text, cursor)
        if m is None:
            break
        word = m["word"]
        if word.lower() in STOP_WORDS:
            break
        words.append((word, m.start("word"), m.end("word")))
        cursor = m.end()
        if _is_head(word, text, cursor):
            break
        if text[cursor : cursor + 1] in {",", ";", ".", ":", ")", "!", "?", "”", '"'}:
            break
    if not words:
        return {}
    head_index = None
    for i, (word, _s, e) in enumerate(words):
        if _is_head(word, text, e):
            head_index = i
            break
    if head_index is None:
        if value != 1:
            # No plural noun: a measure ("30 km") or a number in passing; keep a capitalised plural
            # ("4 Marines") as a weak head, otherwise nothing is counted.
            caps = [i for i, (w, _s, _e) in enumerate(words) if _is_plural(w)]
            if not caps:
                return {}
            head_index = caps[0]
        else:
            # One thing: the first lowercase word that does not look like an adjective or participle.
            for i, (word, _s, _e) in enumerate(words):
                if word[0].islower() and not _ADJECTIVE_END.search(word):
                    head_index = i
                    break
            if head_index is None:
                return {}
    phrase_words = words[: head_index + 1]
    start, end = phrase_words[0][1], phrase_words[-1][2]
    head = phrase_words[-1][0]
    return {"counted": head.lower() if not head.isupper() else head, "counted_phrase": text[start:end],
            "counted_span": [start, end]}  # fmt: skip


_OUTCOME_RE = re.compile(
    rf"\s+(?:{AUXILIARIES}\s+)?(?P<v1>[a-z]+)(?:(?P<rest>(?:,\s*|\s+(?:or|and)\s+|,\s+(?:or|and)\s+)(?P<v2>[a-z]+)))?",
)


def _outcome(text: str, pos: int) -> str | None:
    m = _OUTCOME_RE.match(text, pos)
    if m is None or m["v1"] not in OUTCOME_VERBS:
        return None
    if m["v2"] and m["v2"] in OUTCOME_VERBS:
        return text[m.start("v1") : m.end("v2")]
    if m["v1"] == "committed":
        follow = re.match(r"\s+(\w+)", text[m.end("v1") :])
        return "committed " + follow.group(1) if follow else None
    if m["v1"] == "taken":
        follow = re.match(r"\s+(prisoner|captive|hostage)\b", text[m.end("v1") :])
        return "taken " + follow.group(1) if follow else None
    return m["v1"]


class SpanSet:
    """Non-overlapping ``(start, end)`` spans with an O(log n) overlap test, so long documents stay linear-ish."""

    def __init__(self, spans: Iterable[tuple[int, int]] = ()) -> None:
        self._starts: list[int] = []
        self._ends: list[int] = []
        for start, end in sorted(spans):
            self.add(start, end)

    def overlaps(self, start: int, end: int) -> bool:
        i = bisect.bisect_left(self._starts, end)  # spans starting before our end
        return i > 0 and self._ends[i - 1] > start

    def add(self, start: int, end: int) -> None:
        i = bisect.bisect_left(self._starts, start)
        self._starts.insert(i, start)
        self._ends.insert(i, end)


def quantity_mentions(text: str, skip: Sequence[tuple[int, int]] = ()) -> list[Mention]:
    """QUANTITY mentions in ``text``; numbers inside ``skip`` spans (dates) are left alone."""
    taken = SpanSet(skip)
    out: list[Mention] = cyrillic_quantity_mentions(text, taken)
    for m in VAGUE_RE.finditer(text):
        start, end = m.span("num")
        if taken.overlaps(start, end):
            continue
        counted = _counted(text, end, None)
        if not counted:
            continue
        phrase = m["num"].lower()
        norm: dict[str, Any] = {"value": None, "unit": None, "approximate": True, "vague": True, "modifiers": []}
        if VAGUE[phrase] is not None:
            norm["at_least"] = {"dozens of": 24, "scores of": 40}.get(phrase, VAGUE[phrase])
        norm.update(counted)
        outcome = _outcome(text, counted["counted_span"][1])
        if outcome:
            norm["outcome"] = outcome
        taken.add(start, end)
        out.append(_mention(text, start, end, norm, score=0.6))

    for m in QUANTITY_RE.finditer(text):
        start, end = m.span("num")
        if taken.overlaps(start, end):
            continue
        raw = m["num"]
        if _ORDINAL_AFTER.match(text, end):
            continue
        word_form = m["w"] is not None
        if word_form:
            low = parse_number(m["w"])
            high = parse_number(m["wb"]) if m["wb"] else None
        else:
            low = parse_number(m["a"])
            high = parse_number(m["b"]) if m["b"] else None
        if low is None:
            continue
        unit: str | None = None
        symbol = re.match(_CURRENCY, raw)
        if symbol:
            unit = CURRENCY_SYMBOLS[symbol.group(0)]
        unit_match = _UNIT_RE.match(text, end)
        if unit is None and unit_match is not None and (not word_form or len(unit_match["unit"]) > 2):
            unit = UNIT_WORDS.get(unit_match["unit"]) or UNIT_WORDS.get(unit_match["unit"].lower())
            end = unit_match.end("unit")
        counted = {} if unit in {"%", "km", "km2", "mi", "m", "kg", "t", "mm", "cm", "ha"} else _counted(text, end, low)
        lowered = raw.lower()
        if word_form and lowered in {"one", "a couple of"} and not counted:
            continue  # "one" alone is mostly a pronoun ("no one", "one another")
        if (
            word_form
            and lowered == "one"
            and re.search(
                r"(?:\bno|\bany|\bevery|\bsome|\bthe|\bthis|\bthat)\s+$", text[max(0, start - 8) : start], re.IGNORECASE
            )
        ):
            continue  # fmt: skip
        hedges, bound, _ = _hedges(text, start)
        norm = {
            "value": _clean(low),
            "unit": unit,
            "approximate": any(h in APPROXIMATE_HEDGES for h in hedges),
            "modifiers": hedges,
        }
        if high is not None:
            norm["value_max"] = _clean(high)
        if bound:
            norm["bound"] = bound
        norm.update(counted)
        outcome = _outcome(text, counted["counted_span"][1] if counted else end)
        if outcome:
            norm["outcome"] = outcome
        before = _VERB_BEFORE.search(text[max(0, start - 40) : start])
        if before and before["verb"] in OUTCOME_VERBS:
            norm["action"] = before["verb"]  # "deployed an estimated 11,000 soldiers"
        taken.add(start, end)
        out.append(_mention(text, start, end, norm, score=0.9 if counted or unit else 0.7))
    out.sort(key=lambda x: x.start)
    return out


def _mention(text: str, start: int, end: int, norm: dict[str, Any], *, score: float) -> Mention:
    norm.setdefault("counted", None)
    return Mention(start=start, end=end, text=text[start:end], label="QUANTITY", score=score, source="rule", norm=norm)


# -- Ukrainian and Russian --------------------------------------------------------------------------------------
# Numbers in digits ("11 000", "3,5") or words in any case ("дві тисячі", "двох тисяч", "пятисот"), read through
# pymorphy3's dictionaries, which give every inflected form its lemma; hedges are mapped to the English qualifier
# fields, and the counted noun is the head of the noun phrase after the number ("російських військових").

CYR_VALUES: dict[str, int] = {
    "один": 1, "два": 2, "три": 3, "чотири": 4, "четыре": 4, "п'ять": 5, "пять": 5, "шість": 6, "шесть": 6,
    "сім": 7, "семь": 7, "вісім": 8, "восемь": 8, "дев'ять": 9, "девять": 9, "десять": 10, "одинадцять": 11,
    "одиннадцать": 11, "дванадцять": 12, "двенадцать": 12, "тринадцять": 13, "тринадцать": 13,
    "чотирнадцять": 14, "четырнадцать": 14, "п'ятнадцять": 15, "пятнадцать": 15, "шістнадцять": 16,
    "шестнадцать": 16, "сімнадцять": 17, "семнадцать": 17, "вісімнадцять": 18, "восемнадцать": 18,
    "дев'ятнадцять": 19, "девятнадцать": 19, "двадцять": 20, "двадцать": 20, "тридцять": 30, "тридцать": 30,
    "сорок": 40, "п'ятдесят": 50, "пятьдесят": 50, "шістдесят": 60, "шестьдесят": 60, "сімдесят": 70,
    "семьдесят": 70, "вісімдесят": 80, "восемьдесят": 80, "дев'яносто": 90, "девяносто": 90, "сто": 100,
    "двісті": 200, "двести": 200, "триста": 300, "чотириста": 400, "четыреста": 400, "п'ятсот": 500,
    "пятьсот": 500, "шістсот": 600, "шестьсот": 600, "сімсот": 700, "семьсот": 700, "вісімсот": 800,
    "восемьсот": 800, "дев'ятсот": 900, "девятьсот": 900,
}  # fmt: skip
CYR_SCALES: dict[str, int] = {
    "тисяча": 1_000, "тысяча": 1_000, "мільйон": 1_000_000, "миллион": 1_000_000, "мільярд": 1_000_000_000,
    "миллиард": 1_000_000_000, "тис": 1_000, "тыс": 1_000, "млн": 1_000_000, "млрд": 1_000_000_000,
}  # fmt: skip
# Vague counts, as the English "dozens of" and "hundreds of": the least they can mean (None: "several").
CYR_VAGUE: dict[str, int | None] = {
    "десяток": 20, "десятка": 20, "сотня": 200, "тисяча": 2_000, "тысяча": 2_000, "мільйон": 2_000_000,
    "миллион": 2_000_000, "кілька": None, "декілька": None, "несколько": None,
}  # fmt: skip
# A scale word in one of these forms, with no number before it, is one thousand (or million), not thousands.
_CYR_SINGULAR_SCALE = frozenset("тисяча тисячу тысяча тысячу мільйон миллион мільярд миллиард".split())
# hedge -> the English bound it sets, as in HEDGES ("понад" is "more than", "до" is "up to").
CYR_HEDGES: dict[str, str | None] = {
    **dict.fromkeys(
        ["понад", "більше", "більше ніж", "більш ніж", "понад як", "щонайменше", "принаймні", "не менше",
         "не менше ніж", "як мінімум", "свыше", "более", "более чем", "больше", "больше чем", "не менее",
         "не менее чем", "как минимум", "по меньшей мере"],
        "lower",
    ),
    **dict.fromkeys(
        ["до", "майже", "майже до", "не більше", "не більше ніж", "менше", "менше ніж", "максимум", "почти",
         "не более", "не более чем", "менее", "меньше", "менее чем", "до", "вплоть до"],
        "upper",
    ),
    **dict.fromkeys(
        ["близько", "приблизно", "орієнтовно", "порядку", "около", "примерно", "порядка", "ориентировочно",
         "приблизительно", "ще", "еще", "ещё"],
        None,
    ),
}  # fmt: skip
_CYR_ADDITIONAL = frozenset({"ще", "еще", "ещё"})  # "another 11 thousand": not approximate, as "an additional"
CYR_UNITS: dict[str, str] = {
    "км": "km", "кілометр": "km", "километр": "km", "відсоток": "%", "процент": "%", "тонна": "t", "т": "t",
    "гривня": "UAH", "грн": "UAH", "рубль": "RUB", "руб": "RUB", "долар": "USD", "доллар": "USD", "дол": "USD",
    "євро": "EUR", "евро": "EUR", "метр": "m", "гектар": "ha", "га": "ha",
}  # fmt: skip
_CYR_MEASURES = frozenset({"km", "%", "t", "m", "ha"})
_HAS_CYRILLIC = re.compile(r"[\u0400-\u04FF]")
_CYR_ORDINAL = re.compile(r"(?<![\w.,])\d+-[а-яіїєґ]{1,3}(?!\w)")
_CYR_TOKEN = re.compile(
    r"(?P<d>(?<![\w.,])(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?)(?![\w'’ʼ-]|[.,:/]\d))"
    r"|(?P<w>[^\W\d_][\w'’ʼ-]*)"
)
_CYR_HEDGE_RE = re.compile(
    r"(?:^|(?<=[\s(«„\"]))(?P<hedge>"
    + "|".join(re.escape(h) for h in sorted(CYR_HEDGES, key=len, reverse=True))
    + r")\s+$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class _Token:
    start: int
    end: int
    digits: str | None
    word: str | None


@functools.lru_cache(maxsize=2)
def _analyser(language: str) -> Any:
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


@functools.lru_cache(maxsize=65536)
def _parses(word: str) -> tuple[tuple[str, str, frozenset[str]], ...]:
    """(lemma, part of speech, grammemes) of each reading, from the Ukrainian dictionary and then the Russian one
    (a word known to the first is read only there: "осіб" is Ukrainian, "человек" Russian)."""
    key = word.lower().replace("’", "'").replace("ʼ", "'")
    for language in ("uk", "ru"):
        found = [p for p in _analyser(language).parse(key) if p.is_known]
        if found:
            return tuple((p.normal_form, str(p.tag.POS or ""), frozenset(p.tag.grammemes)) for p in found)
    return ()


def _numeral(word: str) -> tuple[str, float | None] | None:
    """("value" | "scale" | "vague", number) for a number word in any case, None for any other word."""
    key = word.lower().replace("’", "'").replace("ʼ", "'")
    if key in CYR_SCALES:
        return "scale", float(CYR_SCALES[key])
    lemmas = {lemma for lemma, pos, _ in _parses(word) if pos in ("NUMR", "NOUN", "NPRO", "ADVB")}
    for lemma in lemmas:
        if lemma in CYR_VALUES:
            return "value", float(CYR_VALUES[lemma])
    for lemma in lemmas:
        if lemma in CYR_SCALES:
            return "scale", float(CYR_SCALES[lemma])
        if lemma in CYR_VAGUE:
            vague = CYR_VAGUE[lemma]
            return "vague", None if vague is None else float(vague)
    return None


def _adjacent(text: str, a: _Token, b: _Token) -> bool:
    gap = text[a.end : b.start]
    return gap.strip(" \u00a0\u202f") in ("", ".") and "\n" not in gap


def _digits_value(digits: str) -> float:
    bare = re.sub(r"[ \u00a0\u202f]", "", digits)
    if re.fullmatch(r"\d{1,3}(?:,\d{3})+", bare):
        return float(bare.replace(",", ""))  # "11,000" written the English way
    return float(bare.replace(",", "."))  # "3,5": a decimal comma


def _cyr_number(text: str, tokens: Sequence[_Token], i: int) -> tuple[float | None, int, bool, bool] | None:
    """The number starting at token ``i``: (value, index after it, vague, Cyrillic-written), or None."""
    first = tokens[i]
    if first.digits is not None:
        value, j = _digits_value(first.digits), i + 1
        scale = _numeral(tokens[j].word or "") if j < len(tokens) and _adjacent(text, first, tokens[j]) else None
        if scale is not None and scale[0] == "scale" and scale[1] is not None:
            return value * scale[1], j + 1, False, True  # "11 тисяч", "4 тис.", "3,5 тисячі"
        return value, j, False, False
    total, current, j, vague = 0.0, 0.0, i, False
    while j < len(tokens) and tokens[j].word and (j == i or _adjacent(text, tokens[j - 1], tokens[j])):
        word = tokens[j].word or ""
        kind = _numeral(word)
        if kind is None:
            break
        what, number = kind
        if what == "value" and number is not None and not vague:
            current += number  # "сто двадцять п'ять"
        elif what == "scale" and number is not None and (current or total) and not vague:
            total, current = total + (current or 1) * number, 0.0  # "дві тисячі п'ятсот"
        elif what == "scale" and number is not None and vague:
            total = (total or 2) * number  # "десятки тисяч", "кілька тисяч"
        elif j == i and what == "scale" and word.lower() in _CYR_SINGULAR_SCALE:
            current = number or 1.0  # "тисячу": one thousand
        elif j == i and what in ("scale", "vague"):
            vague = True  # "тисячі людей": thousands; "десятки", "кілька"
            total = 2 * (number or 0) if what == "scale" else float(number or 0)
        else:
            break
        j += 1
    if j == i:
        return None
    return (total + current) or (None if vague else 0.0), j, vague, True


def _cyr_counted(text: str, tokens: Sequence[_Token], j: int, end: int) -> tuple[dict[str, Any], str | None, int]:
    """What a number counts: ``(counted fields, unit, index after)``; a unit ("км", "відсотків") counts nothing."""
    if j < len(tokens) and tokens[j].word and _adjacent(text, tokens[j - 1], tokens[j]):
        word = tokens[j].word or ""
        key = word.lower()
        lemmas = {key} | {lemma for lemma, _pos, _ in _parses(word)}
        unit = next((CYR_UNITS[u] for u in lemmas if u in CYR_UNITS), None)
        if unit is not None:
            return {}, unit, j + 1
    phrase: list[_Token] = []
    k = j
    while k < len(tokens) and len(phrase) < 4:
        token = tokens[k]
        if not token.word or token.word[:1].isupper() or text[max(end, tokens[k - 1].end) : token.start].strip():
            break  # a name, or punctuation between them
        readings = _parses(token.word)
        pos = {p for _, p, _ in readings}
        noun, adjective = "NOUN" in pos, bool(pos & {"ADJF", "PRTF"})
        if readings and not (noun or adjective):
            break  # a verb, a preposition, a conjunction: the phrase has ended
        phrase.append(token)
        k += 1
        follow = tokens[k] if k < len(tokens) else None
        follow_pos = {p for _, p, _ in _parses(follow.word)} if follow is not None and follow.word else set()
        more = follow is not None and _adjacent(text, token, follow) and bool(follow_pos & {"NOUN", "ADJF", "PRTF"})
        if (noun and not adjective) or not readings or not more:
            break  # a noun heads the phrase; an adjective with no noun after it is one ("військових", "поранених")
    if not phrase:
        return {}, None, j
    start, end = phrase[0].start, phrase[-1].end
    fields = {
        "counted": (phrase[-1].word or "").lower(),
        "counted_phrase": text[start:end],
        "counted_span": [start, end],
    }
    return fields, None, j


def _cyr_hedges(text: str, start: int) -> tuple[list[str], str | None]:
    m = _CYR_HEDGE_RE.search(text[max(0, start - 30) : start])
    if m is None:
        return [], None
    hedge = m["hedge"].lower()
    return [hedge], CYR_HEDGES.get(hedge)


def cyrillic_quantity_mentions(text: str, taken: SpanSet) -> list[Mention]:
    """QUANTITY mentions written in Ukrainian or Russian ("понад 4 тис. російських військових", "двох тисяч",
    "около 12 тыс. военных", "десятки дронів"), with the norm the English rules give. Digits alone are left to
    the English rules unless a Cyrillic word makes them a count ("300 осіб")."""
    if not _HAS_CYRILLIC.search(text):
        return []
    for ordinal in _CYR_ORDINAL.finditer(text):
        if not taken.overlaps(*ordinal.span()):
            taken.add(*ordinal.span())  # "5-го", "2-й": an ordinal, kept from the English rules too
    tokens = [_Token(m.start(), m.end(), m["d"], m["w"]) for m in _CYR_TOKEN.finditer(text)]
    out: list[Mention] = []
    i = 0
    while i < len(tokens):
        number = _cyr_number(text, tokens, i)
        if number is None:
            i += 1
            continue
        value, j, vague, cyrillic = number
        start = tokens[i].start
        end = tokens[j - 1].end
        if text[end : end + 1] == "." and (tokens[j - 1].word or "").lower() in CYR_SCALES:
            end += 1  # "тис.", "млн."
        counted, unit, after = _cyr_counted(text, tokens, j, end)
        if unit is not None:
            end = tokens[after - 1].end
        hedges, bound = _cyr_hedges(text, start)
        written = cyrillic or bool(counted) or unit is not None or bool(hedges)
        if not written or taken.overlaps(start, end) or (value == 1 and not counted) or (vague and not counted):
            i = max(j, i + 1)
            continue
        norm: dict[str, Any] = {
            "value": None if vague else _clean(value),
            "unit": unit,
            "approximate": vague or any(h not in _CYR_ADDITIONAL for h in hedges),
            "modifiers": hedges,
        }
        if vague:
            norm["vague"] = True
            if value is not None:
                norm["at_least"] = _clean(value)
        if bound:
            norm["bound"] = bound
        norm.update(counted)
        taken.add(start, end)
        out.append(_mention(text, start, end, norm, score=0.9 if counted or unit else 0.7))
        i = max(j, i + 1)
    return out
