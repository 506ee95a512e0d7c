"""Comparable slots: what two claims about one proposition must share before they can contradict each other.

Half of the contradictions an earlier version raised on real coverage were false: the event's date against the
announcement's, "more than 10,000" against "12,000", a weekly figure against a total, "Kyiv" against "Ukraine", a
post on X against the same post on Telegram. So each claim is read into slots, and two claims conflict only when the
*same* slot differs:

* quantities are intervals with a qualifier ("more than", "about", "up to"), compared only for the same counted
  thing, the same action (killed, wounded, killed-or-wounded, captured, deployed...) and the same scope (a total, a
  week, a day);
* dates carry a role (event, report, ongoing, other) and a granularity; only event dates are compared;
* places are compared through the gazetteer's containment (a city inside the named country agrees);
* platforms are a set: a differing platform is a *discrepancy* shown on that claim alone, never a contradiction;
* a denial, "the first such" against "not the first", and opposed attributes ("the older man" against "the younger
  man") are compared as such.

Every conflict carries a one-line reason a trainer can read aloud.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from osintkit.entities.quantities import CYR_HEDGES, HEDGES
from osintkit.model import Claim, Quantity

from .ukru import denial_cue

_T = TypeVar("_T")
_MEMO_LIMIT = 200_000


def _per_claim(fn: Callable[[Claim], _T]) -> Callable[[Claim], _T]:
    """Read each claim's slots once: comparing a group's claims pairwise reads the same claim many times, and a
    100,000-claim case makes millions of comparisons. Keyed by the object itself (held, so its id is not reused)."""
    cache: dict[int, tuple[Claim, _T]] = {}

    @functools.wraps(fn)
    def wrapper(claim: Claim) -> _T:
        hit = cache.get(id(claim))
        if hit is not None and hit[0] is claim:
            return hit[1]
        if len(cache) >= _MEMO_LIMIT:
            cache.clear()
        value = fn(claim)
        cache[id(claim)] = (claim, value)
        return value

    return wrapper


__all__ = [
    "CONFLICT_SLOTS",
    "Comparison",
    "Conflict",
    "PlaceInfo",
    "QuantitySlot",
    "compare_claims",
    "content_words",
    "date_slots",
    "denies",
    "first_claim",
    "gazetteer_place",
    "platforms_in",
    "proper_names",
    "quantity_slots",
    "reports_denial",
]

CONFLICT_SLOTS = ("quantity", "date", "place", "platform", "denial", "first", "attribute")

_COUNTED_SYNONYMS = {
    "troops": "soldiers", "soldier": "soldiers", "troop": "soldiers", "servicemen": "soldiers",
    "serviceman": "soldiers", "personnel": "soldiers", "fighters": "soldiers", "men": "soldiers",
    "man": "soldiers", "prisoners": "soldiers", "pows": "soldiers", "people": "people", "persons": "people",
    "person": "people", "civilians": "civilians", "civilian": "civilians", "casualties": "casualties",
    "drones": "drones", "drone": "drones", "missiles": "missiles", "missile": "missiles", "rockets": "missiles",
    "children": "children", "child": "children", "residents": "people", "migrants": "people",
}  # fmt: skip
# What is counted, by the stem of a Ukrainian or Russian head noun in any case, as the English words above:
# "військових", "военнослужащих" and "soldiers" count the same thing. First matching stem wins.
_CYR_COUNTED_STEMS: tuple[tuple[str, str], ...] = (
    ("військовополонен", "soldiers"), ("военнопленн", "soldiers"), ("полонен", "soldiers"), ("пленн", "soldiers"),
    ("військов", "soldiers"), ("военн", "soldiers"), ("солдат", "soldiers"), ("бійц", "soldiers"),
    ("бійці", "soldiers"), ("боєць", "soldiers"), ("бойц", "soldiers"), ("боец", "soldiers"),
    ("окупант", "soldiers"), ("оккупант", "soldiers"), ("вояк", "soldiers"), ("мирн", "civilians"),
    ("цивільн", "civilians"), ("гражданск", "civilians"), ("жител", "people"), ("мешканц", "people"),
    ("люд", "people"), ("осіб", "people"), ("особи", "people"), ("человек", "people"), ("діт", "children"),
    ("дит", "children"), ("дет", "children"), ("ребен", "children"), ("ребён", "children"), ("дрон", "drones"),
    ("безпілотник", "drones"), ("беспилотник", "drones"), ("бпла", "drones"), ("шахед", "drones"),
    ("ракет", "missiles"),
)  # fmt: skip
# Action words near a figure, mapped to what is counted, in English, Ukrainian and Russian (stems take every
# ending: "загинули", "загиблих"; "ранены", "раненых"). Order matters: "killed or injured" before "killed".
_ACTIONS: tuple[tuple[str, str], ...] = (
    (r"(?:killed|dead)\s+(?:or|and)\s+(?:injured|wounded)|casualties|losses"
     r"|(?:вбит|убит|загибл|загинул|погибш|погибл)\w*\s+(?:та|і|й|або|и|или)\s+(?:по)?ранен\w*"
     r"|втрат\w*|потер(?:ь|и|ями|ях)", "casualties"),
    (r"had\s+(?:a|an)\s+\w*\s*(?:wound|injury|fracture)|(?:broken|fractured)\s+\w+", "injury detail"),
    (r"killed|dead|died|deaths?|death\s+toll|fatalities|lost\s+their\s+lives"
     r"|загин\w*|загибл\w*|вбит\w*|вбиван\w*|убит\w*|погиб\w*|ліквідован\w*|ликвидирован\w*"
     r"|помер\w*|умер\w*|смерт\w*", "killed"),
    (r"wounded|injured|hurt|(?:по)?ранен\w*|травмован\w*|травмирован\w*|постражда\w*|пострада\w*", "wounded"),
    (r"captured|taken\s+prisoner|detained|seized|held\s+captive|prisoners|surrendered"
     r"|(?:військово)?полонен\w*|(?:военно)?пленн\w*|взят\w*\s+(?:у\s+|в\s+)?(?:полон|плен)\w*"
     r"|(?:потрапил|попал)\w*\s+(?:у|в)\s+(?:полон|плен)|затриман\w*|задержан\w*|здал(?:ися|ася|ося)|здався"
     r"|сдал(?:ся|ась|ись|ось)", "captured"),
    (r"deployed|sent|dispatched|stationed|arrived|transferred"
     # not "направлении" ("на Покровском направлении": a sector), nor "прибыль" (profit)
     r"|розгорну\w*|направ(?:ил|ила|или|ило|лял|ляют|ляет|ляє|ляють)\w*|направлен(?!и)\w*|відправ\w*"
     r"|перекину\w*"
     r"|переки(?:нуто|дають)|переброс\w*|переброш\w*|прибул\w*|прибув\w*|прибыл(?!ь)\w*|прибыва\w*"
     r"|розміщен\w*|размещен\w*", "deployed"),
    (r"missing|зник\w*\s+безвісти|безвісти|пропа\w*\s+без\s+вести|без\s+вести", "missing"),
    (r"evacuated|displaced|fled|евакуйован\w*|эвакуирован\w*|переселен\w*|втекл\w*|бежал\w*", "displaced"),
    (r"arrested|(?:за)?арештован\w*|арестован\w*", "arrested"),
    (r"launched|fired|запусти\w*|запущен\w*|випусти\w*|випущен\w*|выпусти\w*|выпущен\w*", "launched"),
    (r"shot\s+down|intercepted|downed|destroyed|збит\w*|сбит\w*|знищен\w*|знищи\w*|уничтож\w*"
     r"|перехопл\w*|перехоп\w*|перехвач\w*|перехвати\w*", "intercepted"),
)  # fmt: skip
_ACTION_RES = [(re.compile(r"\b(?:" + p + r")\b", re.I), name) for p, name in _ACTIONS]
_PERIOD_RE = re.compile(
    r"\b(?:(?:per|a|each|every|in\s+(?:one|a\s+single|the\s+past|the\s+last))\s+(day|week|month|year|24\s+hours)"
    r"|(?:last|this|past)\s+(day|week|month|year)|(daily|weekly|monthly|overnight)|on\s+(?:one|a\s+single)\s+(day))\b",
    re.I,
)
# The same periods in Ukrainian and Russian: "за добу", "за минулу добу", "за сутки", "минулої ночі", "щодня".
_CYR_PERIOD_RE = re.compile(
    r"(?<![\w-])(?:за\s+(?:\w+\s+)?(?P<day>добу|сутки|ніч|ночь)|(?P<day2>щодня|щоденно|ежедневно|щоночі|вночі"
    r"|уночі|ночью)|(?:минулої|цієї|прошлой|этой)\s+(?P<day3>ночі|ночью|доби)|за\s+(?:\w+\s+)?(?P<week>тиждень"
    r"|неделю)|за\s+(?:\w+\s+)?(?P<month>місяць|месяц)|за\s+(?:\w+\s+)?(?P<year>рік|год))(?![\w-])",
    re.I,
)
_TOTAL_RE = re.compile(
    r"\b(?:in\s+total|so\s+far|overall|total|to\s+date|cumulative|since\s+the\s+start"
    r"|загалом|всього|усього|всего|в\s+общей\s+сложности|итого|з\s+початку|с\s+начала)\b",
    re.I,
)
_LOWER_RE = re.compile(
    r"(?:more\s+than|over|at\s+least|upwards\s+of|in\s+excess\s+of|exceeding|above|no\s+fewer\s+than)\s*$", re.I
)
_UPPER_RE = re.compile(
    r"(?:up\s+to|as\s+many\s+as|fewer\s+than|less\s+than|under|at\s+most|no\s+more\s+than|below)\s*$", re.I
)
_APPROX_RE = re.compile(
    r"(?:about|around|approximately|roughly|some|an\s+estimated|estimated|nearly|almost|close\s+to|around\s+)\s*$",
    re.I,
)
_SUBSET_RE = re.compile(
    r"\b(?:including|among\s+them|of\s+whom|of\s+which|incl\.|(?:у|в)\s+тому\s+числі|в\s+том\s+числе"
    r"|серед\s+них|среди\s+них|з\s+них|із\s+них|из\s+них)\s*$",
    re.I,
)
# A place right after a figure and its noun phrase scopes it: "17 [drones] over the Bryansk region".
_LOCATIVE_RE = re.compile(
    r"^\s*(?:[\w-]+\s+){0,3}?(?:over|in|across|near|above|around)\s+(?:the\s+)?((?:[A-Z][\w’'-]+\s*){1,3})"
)
_PARTITIVE_RE = re.compile(r"^\s*(?:of\s+(?:them|those|the|these|whom)\b|(?:з|із|из)\s+(?:них|яких|которых)\b)", re.I)
_VAGUE = {24.0: (24.0, 99.0), 200.0: (200.0, 999.0), 2000.0: (2000.0, 9999.0)}  # dozens, hundreds, thousands
_APPROX_SPREAD = 0.05  # "about 11,000" reaches 10,450-11,550: "about 11,000" and "12,000" still differ
# The quantity reader calls "nearly" an upper bound; reports round ("nearly 11,000" beside "11,200"), so a figure
# hedged so is compared as approximate, as English figures always have been here.
_NEAR_HEDGES = frozenset({"nearly", "almost", "close to", "майже", "почти"})


@dataclass(frozen=True)
class QuantitySlot:
    counted: str
    action: str | None
    scope: str  # "total", "unspecified", or a period: "day", "week", ...
    low: float
    high: float
    text: str
    qualifier: str = ""  # "about", "more than", "up to"... as written

    def overlaps(self, other: QuantitySlot) -> bool:
        return self.low <= other.high and other.low <= self.high


def _counted_key(q: Quantity) -> str | None:
    if not q.counted:
        return q.unit or None
    word = q.counted.lower().split()[-1].strip("’'")
    if word in _COUNTED_SYNONYMS:
        return _COUNTED_SYNONYMS[word]
    return next((key for stem, key in _CYR_COUNTED_STEMS if word.startswith(stem)), word)


def _bound_hedge(q: Quantity) -> str:
    """The hedge that set the figure's bound ("up to" in "up to an estimated 11,000")."""
    for hedge in q.modifiers:
        if (HEDGES.get(hedge) or CYR_HEDGES.get(hedge)) == q.bound:
            return hedge
    return q.modifiers[0] if q.modifiers else ""


def _written_hedge(hedge: str, before: str) -> str:
    """The hedge as the sentence writes it ("More than" opening a sentence), or as the reader gives it."""
    written = re.search(re.escape(hedge) + r"\s*$", before, re.I) if hedge else None
    return written.group().strip() if written else hedge


def _typed_interval(q: Quantity, v: float, before: str) -> tuple[float, float, str] | None:
    """The interval the quantity reader's bound gives, with the hedge as the sentence writes it; None without one."""
    if q.bound is None:
        return None
    hedge = _bound_hedge(q)
    qualifier = _written_hedge(hedge, before)
    if hedge in _NEAR_HEDGES:
        return v * (1 - _APPROX_SPREAD), v * (1 + _APPROX_SPREAD), qualifier
    if q.bound == "lower":
        return v, math.inf, qualifier
    return 0.0, v, qualifier


def _words(text: str) -> list[str]:
    return text.split()


@_per_claim
def quantity_slots(claim: Claim) -> list[QuantitySlot]:
    """The claim's figures as comparable intervals with what they count, the action and the scope."""
    out: list[QuantitySlot] = []
    content = claim.content
    base = claim.content_start
    for q in claim.quantities:
        counted = _counted_key(q)
        if counted is None:
            continue
        v = float(q.value)
        start = q.start - base if q.start is not None else content.find(q.text)
        end = q.end - base if q.end is not None else start + len(q.text)
        if start < 0 or end > len(content) + 1:
            start, end = 0, 0
        before = content[max(0, start - 40) : start]
        after = content[end : end + 80]
        text = q.text or content[start:end]
        if (
            _PARTITIVE_RE.match(after)
            or re.match(r"^\s*\w+\s+of\s+(?:them|the\s+two|those)\b", text + after, re.I)
            or _SUBSET_RE.search(before)
        ):
            continue  # "one of them", "including 17": a part of a figure given elsewhere, not a figure of its own
        head = " ".join(_words(text)[:4]) + " "
        low, high, qualifier = v, v, ""
        # The reader's bound comes first: it holds for every language it reads ("понад 4 тис." is "more than
        # 4,000"); the words before the figure serve figures stored without one and the hedges it has no bound for.
        if typed := _typed_interval(q, v, before):
            low, high, qualifier = typed
        elif m := _LOWER_RE.search(before):
            low, high, qualifier = v, math.inf, m.group().strip()
        elif re.search(r"\+\s*$", text.split()[0] if text.split() else ""):
            low, high = v, math.inf
        elif m := _UPPER_RE.search(before):
            low, high, qualifier = 0.0, v, m.group().strip()
        elif v in _VAGUE and re.search(r"\b(?:dozens|hundreds|thousands)\b", text, re.I):
            low, high = _VAGUE[v]
        elif m := _APPROX_RE.search(before):
            low, high, qualifier = v * (1 - _APPROX_SPREAD), v * (1 + _APPROX_SPREAD), m.group().strip()
        elif q.approximate or re.match(r"(?:about|around|some|nearly)\b", head):
            low, high = v * (1 - _APPROX_SPREAD), v * (1 + _APPROX_SPREAD)
            qualifier = _written_hedge(q.modifiers[-1], before) if q.modifiers else ""
        if q.value_max is not None and q.value_max > high and not qualifier:
            high = float(q.value_max)  # "2,000-3,000"
        after_noun = after[:60]
        action = _action(after_noun) or _action(before[-30:]) or _action(text)
        period = _PERIOD_RE.search(after) or _PERIOD_RE.search(before)
        cyr_period = _CYR_PERIOD_RE.search(after) or _CYR_PERIOD_RE.search(before)
        where = _LOCATIVE_RE.match(after)
        if where:
            # "17 over the Bryansk region" counts one place's share, not the night's total.
            scope = "in " + where.group(1).lower()
        elif period:
            scope = next(g for g in period.groups() if g).lower()
            scope = {"daily": "day", "weekly": "week", "monthly": "month", "overnight": "day"}.get(scope, scope)
        elif cyr_period:
            found = next(name for name, g in cyr_period.groupdict().items() if g)
            scope = "day" if found.startswith("day") else found
        elif _TOTAL_RE.search(after) or _TOTAL_RE.search(before):
            scope = "total"
        else:
            scope = "unspecified"
        if qualifier and text.lower().startswith(qualifier.lower()):
            qualifier = ""
        out.append(QuantitySlot(counted, action, scope, low, high, text, qualifier))
    return out


def _action(window: str) -> str | None:
    best: tuple[int, str] | None = None
    for pattern, name in _ACTION_RES:
        m = pattern.search(window)
        if m and (best is None or m.start() < best[0]):
            best = (m.start(), name)
    return best[1] if best else None


def _scopes_compatible(a: str, b: str) -> bool:
    return a == b or {a, b} == {"total", "unspecified"}


def _fmt_interval(s: QuantitySlot) -> str:
    text = s.text.strip() or (f"{s.low:,.0f}" if s.low == s.high else f"{s.low:,.0f}–{s.high:,.0f}")
    return f"{s.qualifier} {text}" if s.qualifier else text


# -- dates ---------------------------------------------------------------------------------------------------------

# A date that follows a speech verb and only words about the speaking ("said in a statement on Sunday", "announced
# in his nightly video address on Saturday") dates the report, not the event.
_REPORT_VERB_RE = re.compile(
    r"\b(?:said|says|announced|reported|confirmed|stated|told|wrote|posted|added|claimed|published|tweeted|"
    r"declared|denied|revealed|noted)"
    r"(?:\s+(?:in|at|on|during|via|through|to|a|an|the|his|her|its|their|late|early|this|last|statement|post|"
    r"briefing|video|address|interview|conference|press|message|televised|nightly|evening|morning|speech|remarks|"
    r"comments?|telegram|x|facebook|reporters|journalists))*\s*$",
    re.I,
)


# Two accounts of one event disagree on its date by days or weeks; a date a year away is another event ("it was
# not the first time: drones struck it in January 2024"), not a contradiction.
SAME_EVENT_DAYS = 45


def _gap_days(a: DateSlot, b: DateSlot) -> int:
    from datetime import date

    first, second = sorted((a, b), key=lambda d: d.start)
    try:
        return (date.fromisoformat(second.start) - date.fromisoformat(first.end)).days
    except ValueError:
        return 10**6


_DATELINE_RE = re.compile(r"^\s*[A-Z][A-Z .'’-]{2,40},?\s*$")


@dataclass(frozen=True)
class DateSlot:
    role: str  # "event" | "report" | "ongoing" | "other"
    start: str
    end: str
    text: str

    @property
    def granularity(self) -> str:
        if self.start == self.end:
            return "day"
        return "month" if self.start[:7] == self.end[:7] else "range"


def _range(d: Mapping[str, Any]) -> tuple[str, str] | None:
    if d.get("value"):
        v = str(d["value"])[:10]
        return v, v
    if d.get("start") and d.get("end"):
        return str(d["start"])[:10], str(d["end"])[:10]
    return None


@_per_claim
def date_slots(claim: Claim) -> list[DateSlot]:
    out = []
    for d in claim.dates:
        rng = _range(d)
        if rng is None:
            continue
        at = int(d.get("char_start", claim.sentence_start)) - claim.sentence_start
        before = claim.sentence[max(0, at - 40) : max(0, at)]
        text = str(d.get("text") or "")
        if re.search(r"\bsince\s*$", before, re.I) or text.lower().startswith("since"):
            role = "ongoing"
        elif re.search(r"\b(?:born|aged|birth|age of)\b", before[-25:] + " " + text, re.I) or re.fullmatch(
            r"(?:in\s+)?(?:19|20)\d\d", text.strip()
        ):
            role = "other"  # a birth year, an age, a year alone: not when the event happened
        elif not d.get("in_content", True) or _REPORT_VERB_RE.search(before) or _DATELINE_RE.match(before):
            role = "report"  # "said on Tuesday", or a dateline: "SANAA, June 15 (Saba) -"
        else:
            role = "event"
        out.append(DateSlot(role, rng[0], rng[1], text))
    return out


# -- places --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PlaceInfo:
    name: str
    geonameid: int
    country: str
    admin1: str | None
    kind: str  # the gazetteer's coarse type: country, admin1, city, region...


def _compatible(a: PlaceInfo, b: PlaceInfo) -> bool:
    """One place is, contains or lies inside the other, or the gazetteer cannot tell them apart."""
    if a.geonameid == b.geonameid:
        return True
    if not a.country or not b.country:
        return True  # a continent or an unnamed region: no basis to call them different
    if a.country != b.country:
        return False
    if "country" in (a.kind, b.kind) or "region" in (a.kind, b.kind):
        return True
    if "admin1" in (a.kind, b.kind):
        return not a.admin1 or not b.admin1 or a.admin1 == b.admin1
    return False


@functools.lru_cache(maxsize=20_000)
def gazetteer_place(name: str) -> PlaceInfo | None:
    """The embedded gazetteer's reading of a place name (offline), or None."""
    from osintkit.geo import OfflineGeocoder

    loc = _geocoder(OfflineGeocoder).geocode(name)
    if loc is None:
        return None
    raw = loc.raw
    from osintkit.geo.gazetteer import feature_type

    return PlaceInfo(
        name=str(raw.get("name") or name),
        geonameid=int(raw["geonameid"]),
        country=str(raw.get("countryCode") or ""),
        admin1=str(raw["admin1"]) if raw.get("admin1") else None,
        kind=feature_type(str(raw.get("fcl") or ""), str(raw.get("fcode") or "")),
    )


@functools.lru_cache(maxsize=1)
def _geocoder(factory: Callable[[], Any]) -> Any:
    return factory()


_AT_PLACE_RE = r"\b(?:in|at|near|over|outside|inside|into|on|off|from)\s+(?:the\s+)?(?:[\w’'-]+\s+){0,2}?"


@_per_claim
def _content_places(claim: Claim) -> list[str]:
    """Where the claimed event happened: places named after "in", "at", "near"... in what is claimed.

    Not places in who claims it ("Ukraine's military said"), nor places named for another role ("which Kyiv says
    keeps Moscow's war machine running"): two reports conflict on place only where each says where it happened.
    """
    # A relative clause describes something else: "the depot, which supplies units fighting in the Kursk region".
    main = re.split(r",?\s+(?:which|who|whose|where|while|whereas)\b", claim.content, maxsplit=1)[0]
    return [p for p in claim.places if p in main and re.search(_AT_PLACE_RE + re.escape(p), main)]


# -- platforms -----------------------------------------------------------------------------------------------------

_PLATFORM_RE = re.compile(
    r"\b(X(?=\s*\(|\s+(?:post|account|and|or)\b|[,.]|\s*$)|Twitter|Telegram|Facebook|Instagram|TikTok|YouTube|"
    r"VKontakte|VK|Truth Social|Weibo|WeChat|Threads|Bluesky|Mastodon|WhatsApp|Reddit)\b"
)
_PLATFORM_NAMES = {"twitter": "X", "x": "X", "vkontakte": "VK"}


@_per_claim
def platforms_in(claim: Claim) -> frozenset[str]:
    """Every platform the sentence names ("on X and Telegram" is two), X and Twitter being one."""
    found = {_PLATFORM_NAMES.get(m.group(1).lower(), m.group(1)) for m in _PLATFORM_RE.finditer(claim.sentence)}
    if claim.platform:
        found.add(_PLATFORM_NAMES.get(claim.platform.lower(), claim.platform))
    return frozenset(found)


# -- comparing -----------------------------------------------------------------------------------------------------

_DENIAL_RE = re.compile(
    r"\b(?:denied|denies|deny|denial|rejected|rejects|refuted|dismissed|false|fake|untrue|fabricat\w*|baseless|"
    r"groundless|lies"
    # Ukrainian and Russian: "спростував", "заперечує", "відкинули", "фейк", "неправда", "не відповідає дійсності";
    # "опроверг", "отрицает", "отвергли", "ложь", "вымысел", "не соответствует действительности".
    r"|спростов\w*|спростува\w*|запереч\w*|відкину\w*|відкида\w*|фейк\w*|неправд\w*|брехн\w*|вигадк\w*"
    r"|безпідставн\w*|дезінформаці\w*|опроверг\w*|отрица\w*|отверг\w*|отверга\w*|лож(?:ь|ью)|лжив\w*"
    r"|вымыс\w*|беспочвенн\w*|дезинформаци\w*|не\s+відповіда\w*\s+дійсності|не\s+соответству\w*\s+действительности)\b",
    re.I,
)
_DENIAL_CUES = {"denied", "denies", "deny", "denial", "rejected", "rejects", "refuted", "dismissed"}
# "the first such strike", "the first reported attack", "not the first time", "isn't the first".
_FIRST_RE = re.compile(
    r"\b(?:(not|n[’']t|never)\s+(?:be\s+|been\s+|was\s+|is\s+)?(?:the\s+)?|the\s+|its\s+|a\s+)first\b"
    r"(?!\s+(?:lady|minister|deputy|secretary|vice|name|half|quarter|day|week|round|phase|batch|group|of\b))",
    re.I,
)
# "вперше", "впервые", "перший такий", "первый раз"; with "не" before: "не вперше", "не первый раз". The ordinal
# alone is not read: "перший заступник" is a first deputy.
_CYR_FIRST_RE = re.compile(
    r"(?<![\w-])(не\s+(?:в\s+|у\s+)?)?(?:вперше|впервые|перш(?:ий|а|е|у|ого|ої)\s+(?:так\w*|раз)"
    r"|перв(?:ый|ая|ое|ую|ого|ой)\s+(?:так\w*|раз))(?![\w-])",
    re.I,
)
_ANTONYMS = {
    "older": "younger", "elder": "younger", "left": "right", "upper": "lower", "north": "south", "east": "west",
    "northern": "southern", "eastern": "western", "before": "after", "increased": "decreased", "rose": "fell",
    "alive": "dead", "survived": "died", "first": "second", "morning": "evening", "day": "night",
}  # fmt: skip
_OPPOSITE: dict[str, set[str]] = {}
for _a, _b in _ANTONYMS.items():
    _OPPOSITE.setdefault(_a, set()).add(_b)
    _OPPOSITE.setdefault(_b, set()).add(_a)
_ATTRIBUTE_WORDS = frozenset(_OPPOSITE) - {"first", "day", "after", "before"}
# Ukrainian and Russian words for the attributes above, read as the English word so that "the older man" and
# "молодший чоловік" are opposed across languages. Stems for adjectives that take every ending; whole words for the
# rest.
_CYR_ATTRIBUTE_STEMS: tuple[tuple[str, str], ...] = (
    ("старш", "older"), ("молодш", "younger"), ("младш", "younger"), ("північн", "northern"),
    ("северн", "northern"), ("південн", "southern"), ("южн", "southern"), ("східн", "eastern"),
    ("восточн", "eastern"), ("західн", "western"), ("западн", "western"), ("верхн", "upper"), ("нижн", "lower"),
)  # fmt: skip
_CYR_ATTRIBUTE_WORDS: dict[str, str] = {
    **dict.fromkeys("вранці зранку уранці утром утра".split(), "morning"),
    **dict.fromkeys("ввечері увечері вечером вечера".split(), "evening"),
    **dict.fromkeys("вижив вижила вижили выжил выжила выжили".split(), "survived"),
    **dict.fromkeys("загинув загинула помер померла погиб погибла умер умерла".split(), "died"),
    **dict.fromkeys("живий живим живого жива живой живым живая".split(), "alive"),
    **dict.fromkeys("мертвий мертвим мертвого мертва мертвый мертвым мертвая".split(), "dead"),
    **dict.fromkeys("зріс зросла зросло зросли збільшився збільшилася збільшилось збільшилися вырос выросла выросло "
                    "выросли увеличился увеличилась увеличилось увеличились".split(), "increased"),
    **dict.fromkeys("зменшився зменшилася зменшилось зменшилися скоротився скоротилася скоротилось скоротилися "
                    "уменьшился уменьшилась уменьшилось уменьшились сократился сократилась сократилось "
                    "сократились".split(), "decreased"),
}  # fmt: skip
# "старший лейтенант", "молодший сержант", "младший научный сотрудник": a rank or title, not an age.
_RANK_AFTER = re.compile(
    r"^(?:лейтенант|сержант|прапорщик|матрос|солдат|мічман|мичман|науков|научн|офіцер|офицер|радник|советник|"
    r"інспектор|инспектор|слідч|следовател|викладач|преподавател|співробітник|сотрудник|помічник|помощник)",
)


@dataclass
class Conflict:
    slot: str  # one of CONFLICT_SLOTS
    kind: str  # "contradiction" | "discrepancy"
    reason: str


@dataclass
class Comparison:
    """How one claim stands to another on the same proposition."""

    stance: str  # "agrees" | "adds detail" | "contradicts" | "discrepancy"
    conflicts: list[Conflict] = field(default_factory=list)
    details: list[str] = field(default_factory=list)

    @property
    def contradicts(self) -> bool:
        return any(c.kind == "contradiction" for c in self.conflicts)

    @property
    def reason(self) -> str:
        if self.conflicts:
            return "; ".join(c.reason for c in self.conflicts)
        return "; ".join(self.details) if self.details else "same proposition"


@_per_claim
def first_claim(claim: Claim) -> bool | None:
    """True for "the first such...", False for "not the first time", None when the sentence says neither."""
    m = _FIRST_RE.search(claim.sentence) or _CYR_FIRST_RE.search(claim.sentence)
    if m is None:
        return None
    return m.group(1) is None


_CALENDAR = frozenset(
    "january february march april may june july august september october november december monday tuesday "
    "wednesday thursday friday saturday sunday".split()
)


def proper_names(text: str) -> set[str]:
    """Specific names in a sentence (not its first word, a month, a country or a nationality): what two sentences
    must share to be about the same thing when their wording differs."""
    from osintkit.entities.demonyms import demonym_country, demonym_pattern

    text = demonym_pattern().sub(lambda m: " " * len(m.group()), text)  # "North Korean" names no one thing
    out = set()
    for m in re.finditer(r"\b([A-Z][a-z]{2,}|[A-Z]{2,})\b", text):
        word = m.group(1)
        if m.start() == 0 or word.lower() in _STOPWORDS or word.lower() in _CALENDAR or demonym_country(word):
            continue
        place = gazetteer_place(word)
        if place is not None and place.kind in ("country", "continent"):
            continue
        out.add(word)
    return out


def reports_denial(claim: Claim) -> bool:
    """The sentence denies something, whatever its cue: "called the accusation a fabrication", "denied it"."""
    return bool(_DENIAL_RE.search(claim.sentence))


def denies(claim: Claim) -> bool:
    """The claim is a denial: its cue is "denied", "rejected", "dismissed"... or "спростував", "опровергла"."""
    return (claim.cue or "").lower() in _DENIAL_CUES or denial_cue(claim.cue)


@functools.lru_cache(maxsize=65_536)
def _content_sequence(text: str) -> dict[str, int]:
    """Each content word's first position among the content words of a text."""
    out: dict[str, int] = {}
    for w in re.findall(r"[a-z]{3,}", text.lower()):
        if w not in _STOPWORDS:
            out.setdefault(w, len(out))
    return out


def _swapped_attributes(a: Claim, b: Claim) -> str | None:
    """Two people (or things) with two attributes, paired the other way round: "the engineer was burned and the
    seaman broke his leg" against "the engineer broke his leg and the seaman was burned".

    For two anchor words in the same order in both texts, a word that sits between them in one text and after the
    second in the other, while another moves the opposite way, is a swap; a clause merely moved shifts words one way.
    """
    pa, pb = _content_sequence(a.content), _content_sequence(b.content)
    shared = sorted(set(pa) & set(pb), key=pa.__getitem__)
    if shared == sorted(shared, key=pb.__getitem__):
        return None  # the shared words come in one order in both: nothing moved
    # Only two tellings of one sentence: most words shared, much the same length.
    if len(shared) < 4 or len(shared) < 0.6 * max(len(pa), len(pb)):
        return None
    for i, x in enumerate(shared):
        for y in shared[i + 1 :]:
            if pb[x] >= pb[y]:
                continue
            a_between = {w for w in shared if pa[x] < pa[w] < pa[y]}
            a_after = {w for w in shared if pa[w] > pa[y]}
            b_between = {w for w in shared if pb[x] < pb[w] < pb[y]}
            b_after = {w for w in shared if pb[w] > pb[y]}
            down, up = a_between & b_after, a_after & b_between
            if down and up:
                p, q = min(down, key=pa.__getitem__), min(up, key=pa.__getitem__)
                return f"the reports swap “{p}” and “{q}” between the people or things they describe"
    return None


@_per_claim
def _attribute_words(claim: Claim) -> set[str]:
    content = claim.content.lower()
    found = {w for w in re.findall(r"[a-z]+", content) if w in _ATTRIBUTE_WORDS}
    words = re.findall(r"[а-яіїєґё]+", content)
    for i, w in enumerate(words):
        attribute = _CYR_ATTRIBUTE_WORDS.get(w)
        if attribute is None:
            attribute = next((a for stem, a in _CYR_ATTRIBUTE_STEMS if w.startswith(stem)), None)
            if attribute is not None and i + 1 < len(words) and _RANK_AFTER.match(words[i + 1]):
                continue
        if attribute is not None:
            found.add(attribute)
    return found


def compare_claims(
    ref: Claim,
    other: Claim,
    *,
    place: Callable[[str], PlaceInfo | None] | None = gazetteer_place,
    shared_platforms: frozenset[str] = frozenset(),
) -> Comparison:
    """How ``other`` stands to ``ref`` when both are about one proposition, slot by slot.

    ``shared_platforms``: platforms that the group's reports together attest for the speaker (a report that says
    "on X and Telegram" makes the two consistent for everyone); ``place`` resolves a place name, None to compare
    place names as text only.
    """
    conflicts: list[Conflict] = []
    details: list[str] = []

    ref_q, other_q = quantity_slots(ref), quantity_slots(other)
    for oq in other_q:
        same = [
            rq
            for rq in ref_q
            if rq.counted == oq.counted and rq.action == oq.action and _scopes_compatible(rq.scope, oq.scope)
        ]
        if not same:
            if not ref_q:
                details.append(f"figure: {oq.text}")
            continue
        if not any(rq.overlaps(oq) for rq in same):
            rq = same[0]
            what = f"{oq.counted} {oq.action}" if oq.action else oq.counted
            conflicts.append(
                Conflict("quantity", "contradiction", f"{_fmt_interval(rq)} vs {_fmt_interval(oq)} ({what})")
            )

    ref_d = [d for d in date_slots(ref) if d.role == "event"]
    other_d = [d for d in date_slots(other) if d.role == "event"]
    if (
        ref_d
        and other_d
        and not any(a.start <= b.end and b.start <= a.end for a in ref_d for b in other_d)
        and min(_gap_days(a, b) for a in ref_d for b in other_d) <= SAME_EVENT_DAYS
    ):
        conflicts.append(
            Conflict(
                "date",
                "contradiction",
                f"the event on {ref_d[0].start} ({ref_d[0].text}) vs {other_d[0].start} ({other_d[0].text})",
            )
        )

    rp, op = _content_places(ref), _content_places(other)
    if rp and op and place is not None:
        ri = [p for p in (place(x) for x in rp) if p is not None]
        oi = [p for p in (place(x) for x in op) if p is not None]
        if ri and oi and not any(_compatible(a, b) for a in ri for b in oi):
            conflicts.append(
                Conflict("place", "contradiction", f"{', '.join(rp)} vs {', '.join(op)}: neither contains the other")
            )
        elif oi and not ri:
            details.append("place: " + ", ".join(op))
    elif op and not rp:
        details.append("place: " + ", ".join(op))

    ref_p, other_p = platforms_in(ref), platforms_in(other)
    if ref_p and other_p and not (ref_p & other_p) and not ((ref_p | other_p) <= shared_platforms):
        conflicts.append(
            Conflict(
                "platform",
                "discrepancy",
                f"posted on {', '.join(sorted(other_p))} per this report, on {', '.join(sorted(ref_p))} per the "
                "other (cross-posting is common: check the original post)",
            )
        )
    elif other_p and not ref_p:
        details.append(f"platform: {', '.join(sorted(other_p))}")

    # A denial conflicts with an affirmation, not with another negative account ("had not called at Israeli ports").
    for denier, affirmer in ((other, ref), (ref, other)):
        if denies(denier) and not denies(affirmer) and not affirmer.negated and not reports_denial(affirmer):
            conflicts.append(Conflict("denial", "contradiction", f"{denier.claimant or 'one report'} denies it"))
            break

    rf, of = first_claim(ref), first_claim(other)
    if rf is not None and of is not None and rf != of:
        conflicts.append(
            Conflict("first", "contradiction", "“the first such” in one report, “not the first time” in the other")
        )

    swap = _swapped_attributes(ref, other)
    if swap:
        conflicts.append(Conflict("attribute", "contradiction", swap))

    ra, oa = _attribute_words(ref), _attribute_words(other)
    for w in sorted(oa - ra):
        opposed = sorted((_OPPOSITE[w] & ra) - oa)
        if opposed:
            why = f"“{opposed[0]}” in one report, “{w}” in the other"
            conflicts.append(Conflict("attribute", "contradiction", why))
            break

    if any(c.kind == "contradiction" for c in conflicts):
        return Comparison("contradicts", conflicts, details)
    if conflicts:
        return Comparison("discrepancy", conflicts, details)
    new_words = content_words(other.content) - content_words(ref.content)
    if (
        len(new_words) >= 5
        and len(other.content) > 1.2 * len(ref.content)
        # English words against a Ukrainian or Russian report are all "new": no sign of added specifics.
        and bool(_CYRILLIC_RE.search(ref.content)) == bool(_CYRILLIC_RE.search(other.content))
    ):
        details.append("specifics: " + ", ".join(sorted(new_words)[:6]))
    return Comparison("adds detail" if details else "agrees", conflicts, details)


_CYRILLIC_RE = re.compile(r"[а-яіїєґё]", re.I)

_STOPWORDS = frozenset(
    "the a an and or of to in on at by for with from that this these those is are was were be been has have had "
    "it its his her their they he she we said says stated announced added claimed as not but which who will would "
    "after before into over about than two one".split()
)


@functools.lru_cache(maxsize=65_536)
def content_words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOPWORDS and len(w) > 2)


def shared_platforms(claims: Sequence[Claim]) -> frozenset[str]:
    """Platforms that one report names together for the speaker ("on X and Telegram"): cross-posting, attested."""
    out: set[str] = set()
    for c in claims:
        found = platforms_in(c)
        if len(found) > 1:
            out |= found
    return frozenset(out)
