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
import re
from collections.abc import Callable
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
        part, 2
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
    which = (m["which"] or "").lower()
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
    target = WEEKDAYS[m["weekday"].lower()]
    which = (m["which"] or "").lower()
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
    which, unit = m["which"].lower(), m["unit"].lower()
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
    offset = {"yesterday": -1, "last night": -1, "tomorrow": 1}.get(word, 0)
    return {
        "value": (anchor + timedelta(days=offset)).isoformat(),
        "granularity": "day",
        "kind": "relative",
        "resolved": True,
    }


def _ago(m: re.Match[str], anchor: date | None) -> Norm | None:
    count_text = m["n"].lower()
    approximate = count_text in {"a few", "several", "few"}
    count = 3 if approximate else (int(count_text) if count_text.isdigit() else NUMBER_WORDS.get(count_text, 0))
    if count <= 0:
        return None
    if anchor is None:
        return _relative_unresolved()
    unit = m["unit"].lower()
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
    return MONTHS.get(key) or MONTH_ABBR.get(key)


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
    if kind == "relative":
        return _relative_unit(m, anchor, rolling=_word_before(text, m.start()) == "the")
    if kind == "deictic":
        return _deictic(m, anchor)
    if kind == "ago":
        return _ago(m, anchor)
    if kind == "past_n":
        return _past_n(m, anchor)
    return _anaphoric(m, anchor)


def date_mentions(text: str, published: str | date | None = None) -> list[Mention]:
    """DATE mentions in ``text``; relative ones are resolved when ``published`` (ISO 8601) is given."""
    anchor = parse_anchor(published)
    found: list[tuple[int, int, Norm]] = []
    for _name, pattern, kind in PATTERNS:
        for m in pattern.finditer(text):
            try:
                norm = _candidate(kind, m, text, anchor)
            except (ValueError, OverflowError):  # a year 0000, or an anchor at the calendar's edge
                norm = None
            if norm is None:
                continue
            norm.setdefault("kind", "relative")
            found.append((m.start(), m.end(), norm))
    # Longest expression wins ("11 January 2025" over "January" and "2025"); earlier start breaks ties.
    found.sort(key=lambda f: (-(f[1] - f[0]), f[0]))
    taken = SpanSet()
    out: list[Mention] = []
    for start, end, norm in found:
        if taken.overlaps(start, end):
            continue
        taken.add(start, end)
        signal = _signal(text, start)
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
