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
import re
from collections.abc import Iterable, Sequence
from typing import Any

from ..model import Mention

__all__ = ["SpanSet", "parse_number", "quantity_mentions"]

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
    out: list[Mention] = []
    taken = SpanSet(skip)
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
