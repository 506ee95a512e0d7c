"""DATE mentions by rule, resolved against the document's published date.

Span convention: the mention covers the date expression itself, never the preposition before it, so "on Saturday"
gives the mention "Saturday" and "since August" gives "August" (as in TimeML, where the preposition is a separate
signal). The preposition is kept in ``norm["signal"]``. Modifiers that change the meaning are part of the span:
"late last year", "earlier this month", "mid-December", "last Saturday".

``norm`` always has ``kind`` (``"absolute"`` when the text names the date fully, ``"relative"`` when it needs an
anchor) and ``resolved``. A resolved mention has ``value`` (one day, ``YYYY-MM-DD``) or ``start``/``end`` (an
inclusive range) and a ``granularity``. Unresolved ones say why in ``unresolved``.

Conventions, with the published date as the anchor:
- a bare month ("in December") is the most recent such month up to and including the anchor's month;
- a bare weekday ("on Saturday") is the most recent such day on or before the anchor; "last Saturday" is strictly
  before; "next Saturday" strictly after;
- a day and month without a year ("January 11") takes the year that puts it nearest the anchor;
- "last week" is the previous Monday-to-Sunday week; "the past week" is the seven days up to the anchor;
- early/mid/late split a month into days 1-10, 11-20, 21-end and a year into Jan-Apr, May-Aug, Sep-Dec, so
  "late last year" is September to December of the previous year;
- "since August" resolves "August" and adds ``until`` = the anchor;
- "that same month", "the next day" and the like refer to another date in the text: left unresolved.
"""

from __future__ import annotations

import calendar
import functools
import re
from collections.abc import Callable, Iterable
from datetime import date, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

from ..model import Mention
from .quantities import SpanSet

__all__ = ["date_mentions", "parse_anchor"]

MONTHS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTH_ABBR: dict[str, int] = {
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11,
    "dec": 12,
}  # fmt: skip
WEEKDAYS: dict[str, int] = {name.lower(): i for i, name in enumerate(calendar.day_name)}
NUMBER_WORDS: dict[str, int] = {
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
}  # fmt: skip
SIGNALS = {"in", "on", "since", "until", "till", "by", "during", "from", "before", "after", "through", "of", "at"}

_MONTH_FULL = "|".join(n.capitalize() for n in MONTHS)
_MONTH_ANY = _MONTH_FULL + "|" + "|".join(a.capitalize() + r"\.?" for a in MONTH_ABBR)
_WEEKDAY = "|".join(n.capitalize() for n in WEEKDAYS)
_ORD = r"(?:st|nd|rd|th)?"
_PART = r"(?P<part>[Ee]arly|[Mm]id|[Ll]ate|[Tt]he end of|[Tt]he start of|[Tt]he beginning of|[Tt]he middle of)"
_NUMW = "|".join(NUMBER_WORDS)

Norm = dict[str, Any]
Span = tuple[int, int]


def parse_anchor(published: str | date | None) -> date | None:
    """The calendar date of an ISO 8601 (or RFC 2822) timestamp, as written, or ``None`` when absent or unreadable."""
    if published is None:
        return None
    if isinstance(published, datetime):
        return published.date()
    if isinstance(published, date):
        return published
    text = str(published).strip()
    if not text:
        return None
    try:
        return datetime.fromisoformat(text).date()
    except ValueError:
        pass
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        pass
    try:
        return parsedate_to_datetime(text).date()
    except (TypeError, ValueError, IndexError):
        return None


# -- calendar helpers ------------------------------------------------------------------------------------------


def _month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _month_range(year: int, month: int) -> tuple[date, date]:
    return date(year, month, 1), _month_end(year, month)


def _shift_month(year: int, month: int, delta: int) -> tuple[int, int]:
    index = year * 12 + (month - 1) + delta
    return index // 12, index % 12 + 1


def _part_of(start: date, end: date, part: str | None, unit: str) -> tuple[date, date]:
    """Narrow a month or a year to its early, middle or late part."""
    if not part:
        return start, end
    part = part.lower()
    third = {"early": 0, "the start of": 0, "the beginning of": 0, "earlier": 0, "mid": 1, "the middle of": 1}.get(
        _CYR_PARTS.get(part, part), 2
    )
    if unit == "year":
        months = [(1, 4), (5, 8), (9, 12)][third]
        return date(start.year, months[0], 1), _month_end(start.year, months[1])
    if unit == "month":
        days = [(1, 10), (11, 20), (21, end.day)][third]
        return start.replace(day=days[0]), start.replace(day=days[1])
    if unit == "week":
        days = [(0, 2), (1, 3), (3, 6)][third]
        return start + timedelta(days=days[0]), start + timedelta(days=days[1])
    return start, end


def _range(start: date, end: date, granularity: str, **extra: Any) -> Norm:
    if start == end:
        return {"value": start.isoformat(), "granularity": "day", "resolved": True, **extra}
    return {"start": start.isoformat(), "end": end.isoformat(), "granularity": granularity, "resolved": True, **extra}


def _relative_unresolved(reason: str = "no published date to anchor to") -> Norm:
    return {"kind": "relative", "resolved": False, "unresolved": reason}


# -- handlers: each gets the match and the anchor and returns a norm, or None to reject the match ------------------

Handler = Callable[[re.Match[str], date | None], Norm | None]


def _year_of(text: str) -> int:
    year = int(text)
    return year + 2000 if len(text) == 2 else year


def _iso(m: re.Match[str], anchor: date | None) -> Norm | None:
    try:
        day = date(int(m["y"]), int(m["m"]), int(m["d"]))
    except ValueError:
        return None
    return {"value": day.isoformat(), "granularity": "day", "kind": "absolute", "resolved": True}


def _numeric(m: re.Match[str], anchor: date | None) -> Norm | None:
    a, b, year = int(m["a"]), int(m["b"]), _year_of(m["y"])
    sep = m["sep"]
    options: list[date] = []
    for day, month in ((a, b), (b, a)):  # day-first, then month-first
        try:
            options.append(date(year, month, day))
        except ValueError:
            continue
    options = list(dict.fromkeys(options))
    if not options:
        return None
    if len(options) == 1 or sep == ".":  # dotted dates are day-first wherever they are used
        return {"value": options[0].isoformat(), "granularity": "day", "kind": "absolute", "resolved": True}
    return {
        "value": None,
        "candidates": [d.isoformat() for d in options],
        "ambiguous": True,
        "kind": "absolute",
        "resolved": False,
        "unresolved": "day/month order is ambiguous (day-first candidate listed first)",
    }


def _nearest_year(month: int, day: int, anchor: date) -> date | None:
    best: date | None = None
    for year in (anchor.year - 1, anchor.year, anchor.year + 1):
        try:
            cand = date(year, month, day)
        except ValueError:
            continue
        if best is None or abs((cand - anchor).days) < abs((best - anchor).days):
            best = cand
    return best


def _day_month(m: re.Match[str], anchor: date | None) -> Norm | None:
    month = _month_number(m["month"])
    day = int(m["day"])
    if month is None or not 1 <= day <= 31:
        return None
    if m["year"]:
        try:
            return {
                "value": date(int(m["year"]), month, day).isoformat(),
                "granularity": "day",
                "kind": "absolute",
                "resolved": True,
            }
        except ValueError:
            return None
    if anchor is None:
        return _relative_unresolved("no year and no published date")
    found = _nearest_year(month, day, anchor)
    if found is None:
        return None
    return {
        "value": found.isoformat(),
        "granularity": "day",
        "kind": "absolute",
        "resolved": True,
        "year_inferred": True,
    }


def _month_year(m: re.Match[str], anchor: date | None) -> Norm | None:
    month = _month_number(m["month"])
    if month is None:
        return None
    start, end = _part_of(*_month_range(int(m["year"]), month), m["part"], "month")
    return _range(start, end, "month" if not m["part"] else "part-of-month", kind="absolute")


def _month_alone(m: re.Match[str], anchor: date | None, signal: str | None) -> Norm | None:
    name = m["month"]
    month = _month_number(name)
    if month is None:
        return None
    which = _english_which(m["which"])
    # "May" and "March" are also a verb and a noun: accept them only with a date-like word before them.
    if name in {"May", "March"} and not (signal or m["part"] or which):
        return None
    if anchor is None:
        return _relative_unresolved()
    year = anchor.year
    if which == "next":
        year = anchor.year if month > anchor.month else anchor.year + 1
    elif which == "last":
        year = anchor.year if month < anchor.month else anchor.year - 1
    elif which != "this" and month > anchor.month:
        year = anchor.year - 1
    start, end = _part_of(*_month_range(year, month), m["part"], "month")
    return _range(start, end, "month" if not m["part"] else "part-of-month", kind="relative")


def _year(m: re.Match[str], anchor: date | None) -> Norm | None:
    year = int(m["year"])
    if m["decade"]:
        if year % 10:
            return None
        return _range(date(year, 1, 1), date(year + 9, 12, 31), "decade", kind="absolute")
    start, end = _part_of(date(year, 1, 1), date(year, 12, 31), m["part"], "year")
    return _range(start, end, "year" if not m["part"] else "part-of-year", kind="absolute")


def _weekday(m: re.Match[str], anchor: date | None) -> Norm | None:
    if anchor is None:
        return _relative_unresolved()
    name = _apostrophe(m["weekday"].lower())
    target = WEEKDAYS[name] if name in WEEKDAYS else CYR_WEEKDAYS[name]
    which = _english_which(m["which"])
    back = (anchor.weekday() - target) % 7
    if which in {"last", "past", "previous"}:
        day = anchor - timedelta(days=back or 7)
    elif which in {"next", "coming"}:
        day = anchor + timedelta(days=(target - anchor.weekday()) % 7 or 7)
    elif which == "this":
        day = anchor - timedelta(days=anchor.weekday()) + timedelta(days=target)
    else:
        day = anchor - timedelta(days=back)
    return {"value": day.isoformat(), "granularity": "day", "kind": "relative", "resolved": True}


def _calendar_unit(unit: str, anchor: date, offset: int) -> tuple[date, date]:
    if unit == "week":
        monday = anchor - timedelta(days=anchor.weekday()) + timedelta(weeks=offset)
        return monday, monday + timedelta(days=6)
    if unit == "weekend":
        saturday = anchor - timedelta(days=anchor.weekday()) + timedelta(days=5, weeks=offset)
        return saturday, saturday + timedelta(days=1)
    if unit == "month":
        return _month_range(*_shift_month(anchor.year, anchor.month, offset))
    return date(anchor.year + offset, 1, 1), date(anchor.year + offset, 12, 31)


def _relative_unit(m: re.Match[str], anchor: date | None, rolling: bool) -> Norm | None:
    if anchor is None:
        return _relative_unresolved()
    which, unit = _english_which(m["which"]), m["unit"].lower()
    unit = CYR_UNITS.get(unit, unit)
    part = (m["part"] or "").lower()
    if which in {"past", "previous"} and (rolling or which == "past"):
        rolling = True
    if rolling and which in {"last", "past", "previous"}:
        days = {"week": 7, "weekend": 7, "month": 30, "year": 365}[unit]
        return _range(anchor - timedelta(days=days), anchor, "rolling-" + unit, kind="relative")
    offset = {"last": -1, "previous": -1, "this": 0, "next": 1, "coming": 1}.get(which, -1)
    start, end = _calendar_unit(unit, anchor, offset)
    if part == "earlier" and offset == 0:
        end = max(start, anchor - timedelta(days=1))
    elif part == "later" and offset == 0:
        start = min(end, anchor + timedelta(days=1))
    elif part:
        start, end = _part_of(start, end, part, unit)
    granularity = unit if not part else f"part-of-{unit}"
    return _range(start, end, granularity, kind="relative")


def _deictic(m: re.Match[str], anchor: date | None) -> Norm | None:
    if anchor is None:
        return _relative_unresolved()
    word = re.sub(r"\s+", " ", m.group(0).lower())
    offset = {"yesterday": -1, "last night": -1, "tomorrow": 1, **CYR_DEICTIC}.get(word, 0)
    return {
        "value": (anchor + timedelta(days=offset)).isoformat(),
        "granularity": "day",
        "kind": "relative",
        "resolved": True,
    }


def _ago(m: re.Match[str], anchor: date | None) -> Norm | None:
    count_text = _apostrophe(m["n"].lower())
    approximate = count_text in {"a few", "several", "few"} or count_text in CYR_SEVERAL
    count = 3 if approximate else (int(count_text) if count_text.isdigit() else _count_word(count_text))
    if count <= 0:
        return None
    if anchor is None:
        return _relative_unresolved()
    unit = m["unit"].lower()
    unit = CYR_UNITS.get(unit, unit)
    extra: dict[str, Any] = {"kind": "relative", "approximate": approximate}
    if unit == "day":
        day = anchor - timedelta(days=count)
        return _range(day, day, "day", **extra)
    if unit == "week":
        day = anchor - timedelta(weeks=count)
        return _range(day - timedelta(days=3), day + timedelta(days=3), "week", **extra)
    if unit == "month":
        return _range(*_month_range(*_shift_month(anchor.year, anchor.month, -count)), "month", **extra)
    return _range(date(anchor.year - count, 1, 1), date(anchor.year - count, 12, 31), "year", **extra)


def _past_n(m: re.Match[str], anchor: date | None) -> Norm | None:
    count_text = m["n"].lower()
    approximate = count_text in {"few", "several"}
    count = 3 if approximate else (int(count_text) if count_text.isdigit() else NUMBER_WORDS.get(count_text, 0))
    if count <= 0:
        return None
    if anchor is None:
        return _relative_unresolved()
    unit = m["unit"].lower()
    days = count * {"day": 1, "week": 7, "month": 30, "year": 365}[unit]
    return _range(anchor - timedelta(days=days), anchor, "rolling-" + unit, kind="relative", approximate=approximate)


def _anaphoric(m: re.Match[str], anchor: date | None) -> Norm | None:
    return {
        "kind": "relative",
        "resolved": False,
        "unresolved": "refers to another date in the text (anaphoric); resolve from context",
    }


def _month_number(name: str) -> int | None:
    key = name.lower().rstrip(".")
    return MONTHS.get(key) or MONTH_ABBR.get(key) or CYR_MONTHS.get(key)


# -- Ukrainian and Russian -----------------------------------------------------------------------------------------
# Month and weekday names inflect, so each is listed in every case news uses: "5 грудня", "у грудні", "з грудня",
# "в декабре", "11 января". Ukrainian writes its apostrophe three ways (', ’, ʼ); lookups use the plain one.


def _apostrophe(word: str) -> str:
    return word.replace("’", "'").replace("ʼ", "'")


def _inflected(stems: dict[str, int], endings: tuple[str, ...]) -> dict[str, int]:
    return {stem + ending: number for stem, number in stems.items() for ending in endings}


CYR_MONTHS: dict[str, int] = {
    **_inflected(
        {"січ": 1, "берез": 3, "квіт": 4, "трав": 5, "черв": 6, "лип": 7, "серп": 8, "верес": 9, "жовт": 10,
         "груд": 12},
        ("ень", "ня", "ні", "нем", "ню"),
    ),
    **_inflected({"лют": 2}, ("ий", "ого", "ому", "им", "ім")),
    **_inflected({"листопад": 11}, ("", "а", "і", "ом", "у")),
    **_inflected(
        {"январ": 1, "феврал": 2, "апрел": 4, "июн": 6, "июл": 7, "сентябр": 9, "октябр": 10, "ноябр": 11,
         "декабр": 12},
        ("ь", "я", "е", "ём", "ем", "ю"),
    ),
    **_inflected({"март": 3, "август": 8}, ("", "а", "е", "ом", "у")),
    **_inflected({"ма": 5}, ("й", "я", "е", "ем")),
}  # fmt: skip
CYR_WEEKDAYS: dict[str, int] = {
    **_inflected({"понеділ": 0, "вівтор": 1}, ("ок", "ка", "ку")),
    **_inflected({"серед": 2, "субот": 5}, ("а", "у", "и", "і")),
    **_inflected({"четвер": 3}, ("", "га", "гу")),
    **_inflected({"п'ятниц": 4}, ("я", "ю", "і")),
    **_inflected({"неділ": 6}, ("я", "ю", "і")),
    **_inflected({"понедельник": 0, "вторник": 1, "четверг": 3}, ("", "а", "е")),
    **_inflected({"сред": 2, "пятниц": 4, "суббот": 5}, ("а", "у", "ы", "е")),
    **_inflected({"воскресень": 6}, ("е", "я")),
}  # fmt: skip
# "минулого тижня", "на прошлой неделе": the English word each form stands for.
CYR_WHICH: dict[str, str] = {
    **dict.fromkeys("минулого минулої минулий минулу минулому минулій минулі минулих торішнього".split(), "last"),
    **dict.fromkeys("попереднього попередньої попередній попередню".split(), "previous"),
    **dict.fromkeys("цього цієї цей цю цьому цій ці цих поточного поточному".split(), "this"),
    **dict.fromkeys("наступного наступної наступний наступну наступному наступній".split(), "next"),
    **dict.fromkeys("прошлого прошлой прошлый прошлую прошлое прошлом прошлых".split(), "last"),
    **dict.fromkeys("предыдущего предыдущей предыдущий предыдущую предыдущем".split(), "previous"),
    **dict.fromkeys("этого этой этот эту этом этих текущего текущей текущем".split(), "this"),
    **dict.fromkeys("следующего следующей следующий следующую следующем".split(), "next"),
}
CYR_UNITS: dict[str, str] = {
    **dict.fromkeys("тиждень тижня тижні тижнем неделя неделе неделю недели".split(), "week"),
    **dict.fromkeys("вихідні вихідних выходные выходных".split(), "weekend"),
    **dict.fromkeys("місяць місяця місяці місяців месяц месяца месяце месяцев".split(), "month"),
    **dict.fromkeys("рік року році роки років год года году лет".split(), "year"),
    **dict.fromkeys("день дні днів дня дней".split(), "day"),
}
CYR_DEICTIC: dict[str, int] = {
    "вчора": -1, "учора": -1, "вчера": -1, "позавчора": -2, "позавчера": -2, "сьогодні": 0, "сегодня": 0,
    "завтра": 1, "минулої ночі": -1, "прошлой ночью": -1, "цієї ночі": 0, "этой ночью": 0,
}  # fmt: skip
CYR_NUMBERS: dict[str, int] = {
    "один": 1, "одну": 1, "одного": 1, "два": 2, "дві": 2, "две": 2, "три": 3, "чотири": 4, "четыре": 4,
    "п'ять": 5, "пять": 5, "шість": 6, "шесть": 6, "сім": 7, "семь": 7, "вісім": 8, "восемь": 8, "дев'ять": 9,
    "девять": 9, "десять": 10,
}  # fmt: skip
CYR_SEVERAL = frozenset({"кілька", "декілька", "несколько"})
# Prepositions before a date, as the English signal each one is.
CYR_SIGNALS: dict[str, str] = {
    **dict.fromkeys("з із зі с со від от".split(), "since"), **dict.fromkeys("у в во".split(), "in"), "на": "on",
    "до": "until", "після": "after", "после": "after", "перед": "before",
    "протягом": "during", "впродовж": "during",
}  # fmt: skip
_CYR_PARTS: dict[str, str] = {
    "на початку": "early", "в начале": "early", "у середині": "mid", "в середині": "mid", "в середине": "mid",
    "посеред": "mid", "наприкінці": "late", "в кінці": "late", "у кінці": "late", "в конце": "late",
}  # fmt: skip
_HAS_CYRILLIC = re.compile(r"[\u0400-\u04FF]")


def _english_which(word: str | None) -> str:
    which = (word or "").lower()
    return CYR_WHICH.get(which, which)


def _count_word(word: str) -> int:
    return NUMBER_WORDS.get(word) or CYR_NUMBERS.get(word, 0)


def _alternation(words: Iterable[str]) -> str:
    """Longest first, apostrophes in any of their three spellings."""
    return "|".join(re.escape(w).replace("'", "['’ʼ]") for w in sorted(words, key=len, reverse=True))


_CYR_MONTH = _alternation(CYR_MONTHS)
_CYR_YEAR_WORD = r"(?:\s+(?:року|році|рік|роки|года|году|год)(?!\w)|\s?(?:р|г)\.)"
_CYR_PREP = r"(?:(?<![\w'’ʼ-])(?P<prep>" + "|".join(sorted(CYR_SIGNALS, key=len, reverse=True)) + r")\s+)"
_CYR_PART = r"(?P<part>" + _alternation(_CYR_PARTS) + r")"
_CYR_WHICH = r"(?P<which>" + _alternation(CYR_WHICH) + r")"
_CYR_NOT_AFTER = r"(?![\w'’ʼ-])"
_CYR_CALENDAR_UNITS = [u for u, v in CYR_UNITS.items() if v != "day"]


@functools.cache
def cyrillic_patterns() -> list[tuple[str, re.Pattern[str], str]]:
    """The Ukrainian and Russian patterns, compiled on first use (40 ms) so that English-only runs never pay."""
    return [
        (
            "day_month",
            re.compile(
                rf"(?<![\w.,])(?P<span>(?P<day>\d{{1,2}})(?:-?(?:го|е|ого))?\s+(?P<month>{_CYR_MONTH}){_CYR_NOT_AFTER}"
                rf"(?:\s+(?P<year>\d{{4}}){_CYR_YEAR_WORD}?(?!\d))?)",
                re.IGNORECASE,
            ),
            "day_month",
        ),
        (
            "month_year",
            re.compile(
                rf"(?<!\w){_CYR_PREP}?(?P<span>(?:{_CYR_PART}\s+)?(?P<month>{_CYR_MONTH})\s+(?P<year>\d{{4}})"
                rf"{_CYR_YEAR_WORD}?(?!\d))",
                re.IGNORECASE,
            ),
            "month_year",
        ),
        (
            # A month alone only after a preposition, a part or "last"/"this": "лютого" is also "fierce", "маю" is
            # "I have".
            "month",
            re.compile(
                rf"(?:{_CYR_PREP}|(?<!\w))(?P<span>(?:(?:{_CYR_PART}|{_CYR_WHICH})\s+)?(?P<month>{_CYR_MONTH})){_CYR_NOT_AFTER}",
                re.IGNORECASE,
            ),
            "cyr_month",
        ),
        (
            "year",
            re.compile(
                rf"(?:{_CYR_PREP}|(?<![\w.,]))(?P<span>(?:{_CYR_PART}\s+)?(?P<year>1[89]\d\d|20\d\d)(?P<decade>(?!))?"
                rf"{_CYR_YEAR_WORD})",
                re.IGNORECASE,
            ),
            "year",
        ),
        (
            # A weekday only after a preposition or "last"/"next": "среда" is also "surroundings".
            "weekday",
            re.compile(
                rf"(?:{_CYR_PREP}|(?<!\w))(?P<span>(?:{_CYR_WHICH}\s+)?(?P<weekday>{_alternation(CYR_WEEKDAYS)}))"
                rf"{_CYR_NOT_AFTER}",
                re.IGNORECASE,
            ),
            "cyr_weekday",
        ),
        (
            "relative",
            re.compile(
                rf"(?:{_CYR_PREP}|(?<!\w))(?P<span>{_CYR_WHICH}\s+(?P<unit>{_alternation(_CYR_CALENDAR_UNITS)})"
                rf"(?P<part>(?!))?){_CYR_NOT_AFTER}",
                re.IGNORECASE,
            ),
            "relative",
        ),
        (
            "deictic",
            re.compile(rf"(?<!\w)(?:{_alternation(CYR_DEICTIC)}){_CYR_NOT_AFTER}", re.IGNORECASE),
            "deictic",
        ),
        (
            "ago",
            re.compile(
                rf"(?<!\w)(?P<n>\d{{1,3}}|{_alternation([*CYR_NUMBERS, *CYR_SEVERAL])})\s+"
                rf"(?P<unit>{_alternation(CYR_UNITS)})\s+(?:тому|назад){_CYR_NOT_AFTER}",
                re.IGNORECASE,
            ),
            "ago",
        ),
    ]  # fmt: skip


# -- patterns -----------------------------------------------------------------------------------------------------

_WD_PREFIX = rf"(?:(?:{_WEEKDAY}),?\s+)?"
PATTERNS: list[tuple[str, re.Pattern[str], str]] = [
    ("iso", re.compile(r"(?=[0-9])(?<![\w.-])(?P<y>\d{4})-(?P<m>\d{2})-(?P<d>\d{2})(?!\d|-\d)"), "iso"),
    ("iso", re.compile(r"(?=[0-9])(?<![\w./])(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})(?![\d/])"), "iso"),
    (
        "numeric",
        re.compile(
            r"(?=[0-9])(?<![\w./-])(?P<a>\d{1,2})(?P<sep>[/.])(?P<b>\d{1,2})(?P=sep)(?P<y>\d{4}|(?<=/)\d{2})(?![\w/]|\.\d)"
        ),
        "numeric",
    ),
    (
        "day_month",
        re.compile(
            rf"(?=[A-Z0-9t])(?<![\w.,]){_WD_PREFIX}(?:the\s+)?(?P<day>\d{{1,2}}){_ORD}(?:\s+of)?\s+(?P<month>{_MONTH_ANY})"
            rf"(?!\w)(?:,?\s+(?P<year>\d{{4}})(?!\d))?"
        ),
        "day_month",
    ),
    (
        "day_month",
        re.compile(
            rf"(?=[A-Z])(?<!\w){_WD_PREFIX}(?P<month>{_MONTH_ANY})\s+(?P<day>\d{{1,2}}){_ORD}(?![\d,.]\d|\w)"
            rf"(?:,?\s+(?P<year>\d{{4}})(?!\d))?"
        ),
        "day_month",
    ),
    (
        "month_year",
        re.compile(rf"(?=[A-Zelmt])(?<!\w)(?:{_PART}[\s-]+)?(?P<month>{_MONTH_ANY}),?\s+(?P<year>\d{{4}})(?!\d)"),
        "month_year",
    ),
    (
        "month",
        re.compile(
            rf"(?=[A-Zelmnt])(?<!\w)(?:{_PART}[\s-]+)?(?:(?P<which>[Ll]ast|[Tt]his|[Nn]ext)\s+)?(?P<month>{_MONTH_FULL})(?!\w)"
        ),
        "month",
    ),
    (
        "year",
        re.compile(
            rf"(?=[0-9EeMmLlTt])(?<![\w$€£.,/-])(?:{_PART}[\s-]+)?(?P<year>1[89]\d\d|20\d\d)(?P<decade>s)?(?![\w%/-]|[.,]\d)"
        ),
        "year",
    ),
    (
        "weekday",
        re.compile(
            rf"(?=[A-Zltnpc])(?<!\w)(?:(?P<which>[Ll]ast|[Tt]his|[Nn]ext|[Pp]ast|[Pp]revious|[Cc]oming)\s+)?(?P<weekday>{_WEEKDAY})"
            r"(?:\s+(?:morning|afternoon|evening|night))?(?!\w)"
        ),
        "weekday",
    ),
    (
        "relative",
        re.compile(
            r"(?=[eElLmMtTnNpPcC])(?<!\w)(?:(?P<part>early|earlier|late|later|mid)[\s-]+)?"
            r"(?P<which>last|this|next|past|previous|coming)\s+(?P<unit>week|weekend|month|year)(?!\w)",
            re.IGNORECASE,
        ),
        "relative",
    ),
    (
        "deictic",
        re.compile(r"(?=[yYtTlL])(?<!\w)(?:yesterday|today|tomorrow|tonight|last\s+night)(?!\w)", re.IGNORECASE),
        "deictic",
    ),
    (
        "ago",
        re.compile(
            rf"(?=[0-9aAoOtTfFsSeEnN])(?<!\w)(?P<n>\d{{1,3}}|{_NUMW}|a few|several)"
            r"\s+(?P<unit>day|week|month|year)s?\s+ago(?!\w)",
            re.IGNORECASE,
        ),
        "ago",
    ),
    (
        "past_n",
        re.compile(
            rf"(?=[tT])(?<!\w)the\s+(?:past|last|previous)\s+(?P<n>\d{{1,3}}|{_NUMW}|few|several)\s+"
            r"(?P<unit>day|week|month|year)s(?!\w)",
            re.IGNORECASE,
        ),
        "past_n",
    ),
    (
        "anaphoric",
        re.compile(
            r"(?=[tT])(?<!\w)(?:(?:that|the)\s+(?:same|very)\s+(?:day|week|weekend|month|year|morning|night|evening)"
            r"|the\s+(?:next|following|previous|preceding)\s+(?:day|week|weekend|month|year|morning|night|evening)"
            r"|the\s+day\s+(?:before|after)|that\s+(?:day|week|month|year|morning|night|evening))(?!\w)",
            re.IGNORECASE,
        ),
        "anaphoric",
    ),
]

_SIGNAL_BEFORE = re.compile(r"(?P<word>[A-Za-z]+)\s+$")


def _signal(text: str, start: int) -> str | None:
    match = _SIGNAL_BEFORE.search(text, max(0, start - 20), start)
    if match is None:
        return None
    word = match["word"].lower()
    return word if word in SIGNALS else None


_WORD_AFTER = re.compile(r"\s+(?P<word>[a-z]+)\b")
_NOT_PLURAL = {"this", "its", "was", "has", "is", "as", "his", "us", "thus", "always", "plus", "whereas", "saw"}


def _word_before(text: str, start: int) -> str:
    match = _SIGNAL_BEFORE.search(text, max(0, start - 20), start)
    return match["word"].lower() if match else ""


def _candidate(kind: str, m: re.Match[str], text: str, anchor: date | None) -> Norm | None:
    if kind == "iso":
        return _iso(m, anchor)
    if kind == "numeric":
        return _numeric(m, anchor)
    if kind == "day_month":
        return _day_month(m, anchor)
    if kind == "month_year":
        return _month_year(m, anchor)
    if kind == "month":
        return _month_alone(m, anchor, _signal(text, m.start()))
    if kind == "year":
        # "2000 troops" counts troops; "in 2000 troops ..." and "the 2024 election" are years.
        follower = _WORD_AFTER.match(text, m.end())
        if (
            not m["part"]
            and not m["decade"]
            and _signal(text, m.start()) is None
            and follower is not None
            and follower["word"].endswith("s")
            and follower["word"] not in _NOT_PLURAL
        ):
            return None
        return _year(m, anchor)
    if kind == "weekday":
        return _weekday(m, anchor)
    if kind in ("cyr_month", "cyr_weekday"):
        # Without a preposition or "last"/"next" the word is more often something else ("лютого": fierce).
        if not (m["prep"] or m["which"] or (kind == "cyr_month" and m["part"])):
            return None
        return _month_alone(m, anchor, None) if kind == "cyr_month" else _weekday(m, anchor)
    if kind == "relative":
        return _relative_unit(m, anchor, rolling=_word_before(text, m.start()) == "the")
    if kind == "deictic":
        return _deictic(m, anchor)
    if kind == "ago":
        return _ago(m, anchor)
    if kind == "past_n":
        return _past_n(m, anchor)
    return _anaphoric(m, anchor)


def _candidates(text: str, anchor: date | None) -> list[tuple[int, int, Norm]]:
    """Every pattern's readings: (start, end, norm), overlapping."""
    patterns = PATTERNS + cyrillic_patterns() if _HAS_CYRILLIC.search(text) else PATTERNS
    found: list[tuple[int, int, Norm]] = []
    for _name, pattern, kind in patterns:
        spans = "span" in pattern.groupindex
        for m in pattern.finditer(text):
            try:
                norm = _candidate(kind, m, text, anchor)
            except (ValueError, OverflowError):  # a year 0000, or an anchor at the calendar's edge
                norm = None
            if norm is None:
                continue
            norm.setdefault("kind", "relative")
            if not spans:
                found.append((m.start(), m.end(), norm))
                continue
            # The preposition before a Ukrainian or Russian date is its signal, outside the span as in English.
            if "prep" in pattern.groupindex and m["prep"]:
                norm["signal"] = CYR_SIGNALS[m["prep"].lower()]
            found.append((m.start("span"), m.end("span"), norm))
    return found


def date_mentions(text: str, published: str | date | None = None) -> list[Mention]:
    """DATE mentions in ``text``; relative ones are resolved when ``published`` (ISO 8601) is given."""
    anchor = parse_anchor(published)
    found = _candidates(text, anchor)
    # Longest expression wins ("11 January 2025" over "January" and "2025"); earlier start breaks ties.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken = SpanSet()
    out: list[Mention] = []
    for start, end, norm in found:
        if taken.overlaps(start, end):
            continue
        taken.add(start, end)
        signal = norm.get("signal") or _signal(text, start)
        if signal:
            norm["signal"] = signal
            if signal == "since" and anchor is not None and norm.get("resolved"):
                norm["until"] = anchor.isoformat()
        if published is not None and anchor is None and not norm.get("resolved"):
            norm["unresolved"] = f"published date not understood: {published!r}"
        if anchor is not None and norm["kind"] == "relative":
            norm["anchor"] = anchor.isoformat()
        out.append(
            Mention(start=start, end=end, text=text[start:end], label="DATE", score=1.0, source="rule", norm=norm)
        )
    out.sort(key=lambda m: m.start)
    return out
