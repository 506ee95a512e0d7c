"""EVENT, LAW and AWARD tagging: named wars, battles, operations and competitions ("World War II", "Battle of
Kursk", "Operation Desert Storm", "Stanley Cup"), treaties and laws ("Minsk Agreement", "Treaty of Versailles",
"Resolution 2231") and prizes ("Nobel Peace Prize").

Why rules: these names are capitalised like organisations and places, and the model, trained on CoNLL-style data
where they are MISC (dropped from its PER/ORG/LOC scheme) or, in WikiANN and GMB, often ORG, tags them ORG or LOC.
"the Stanley Cup" as an organisation, or "Minsk" alone as the place where an agreement happened, is wrong for a
researcher, and wars, operations and agreements are what OSINT work is often about. Each name is found from its
head word ("Cup", "Treaty", "Battle of"), and the merge lets a rule span beat the model's span of the same length,
or the shorter spans inside it.

The name is the run of capitalised words before the head (and/& may join them: "Rock and Roll Festival"). It never
takes a possessive ("Obama's Affordable Care Act" keeps Obama a person; the law is "Affordable Care Act"), a
sentence's leading function word ("In World War II"), or anything from a title-case headline, where every word is
capitalised and the run would swallow the line. Heads that also end company names ("Games", "Summit", "Open",
"Convention", "Conference") are left out or need a known word before them.
"""

from __future__ import annotations

import re

from ..model import Mention

__all__ = ["AWARD_HEADS", "EVENT_HEADS", "LAW_HEADS", "event_mentions"]

EVENT_HEADS = frozenset(
    {
        "War", "Wars", "Offensive", "Counteroffensive", "Uprising", "Revolution", "Massacre", "Crisis", "Genocide",
        "Cup", "Bowl", "Championship", "Championships", "Tournament", "Olympics", "Paralympics", "Olympiad",
        "Marathon", "Festival", "Expo", "Contest", "Final", "Finals",
    }
)  # fmt: skip
LAW_HEADS = frozenset(
    {"Act", "Treaty", "Accord", "Accords", "Agreement", "Agreements", "Protocol", "Charter", "Memorandum"}
)
AWARD_HEADS = frozenset({"Prize", "Award", "Awards", "Medal", "Trophy"})
# "Games" ends company names too ("Rockstar Games"), so it needs one of these before it.
_GAMES_BEFORE = frozenset(
    {"Olympic", "Paralympic", "Commonwealth", "Asian", "Pan", "American", "Winter", "Summer", "Youth", "Invictus",
     "Mediterranean", "Arab", "Goodwill", "Island", "European", "Special", "Highland"}
)  # fmt: skip
# Heads that come first: "Battle of Kursk", "War in Afghanistan", "Treaty on the Non-Proliferation of ...".
_HEAD_FIRST = {"Battle": "EVENT", "Siege": "EVENT", "War": "EVENT", "Revolution": "EVENT", "Massacre": "EVENT",
               "Treaty": "LAW", "Declaration": "LAW"}  # fmt: skip
# Not events despite the head: films and franchises.
_NOT_NAMES = frozenset({"Star Wars", "Clone Wars", "Culture Wars", "Hunger Games"})
_FUNCTION_WORDS = frozenset(
    {"The", "A", "An", "In", "On", "At", "By", "For", "From", "To", "During", "After", "Before", "Since", "Until",
     "Under", "Over", "With", "Without", "Of", "And", "But", "Or", "As", "When", "While", "If", "This", "That",
     "These", "Those", "His", "Her", "Its", "Their", "Our", "My", "Your", "Last", "Next", "Both", "Each", "Every",
     "Some", "Many", "Despite", "Following", "Amid", "Throughout", "Like", "Unlike", "Why", "How", "What", "Where",
     "Who", "Mr", "Mrs", "Ms"}
)  # fmt: skip

_HEADLINE_LOWER = frozenset(
    {"a", "an", "the", "and", "but", "or", "nor", "for", "so", "yet", "as", "at", "by", "in", "of", "off", "on", "per",
     "to", "up", "via", "vs"}
)  # fmt: skip
_CAP = r"(?:(?:[A-Z]\.){2,}|[A-Z][\w'’-]*)"  # a capitalised word, or initials with periods ("U.S.", "U.N.")
_CAP_RE = re.compile(rf"{_CAP}")
_WORD_RE = re.compile(r"\S+")
_HEAD_RE = re.compile(
    r"(?<![\w-])(?P<head>"
    + "|".join(sorted(EVENT_HEADS | LAW_HEADS | AWARD_HEADS | {"Games"}, key=len, reverse=True))
    + r")(?P<numeral>\s+(?:I{1,3}|IV|V|One|Two|[1-9]))?(?![\w-])"
)
_HEAD_FIRST_RE = re.compile(
    r"(?<![\w-])(?P<head>" + "|".join(_HEAD_FIRST) + r")\s+(?:of|on|in|for|against)\s+(?:the\s+)?"
    rf"{_CAP}(?:\s+{_CAP})*(?:\s+of\s+(?:the\s+)?{_CAP}(?:\s+{_CAP})*)?"
)
_OPERATION_RE = re.compile(rf"(?<![\w-])(?P<head>Operation)\s+(?!The\b){_CAP}(?:\s+{_CAP})*")
# "National Hurricane Center", "Typhoon Committee": offices named after storms, not storms.
_STORM_RE = re.compile(
    r"(?<![\w-])(?P<head>Hurricane|Typhoon|Cyclone|Tropical Storm)\s+"
    r"(?!(?:The|Center|Centre|Committee|Season|Warning|Watch|Hunters|Alley)\b)[A-Z][a-z]+\b"
)
# A head followed by another capitalised word is inside a longer name ("International Crisis Group", "Imperial War
# Museum", "Nobel Prize Foundation"): the model's span, or nothing, is better than a truncated event.
_NAME_GOES_ON = re.compile(rf" {_CAP}(?![\w'’-])")
_RESOLUTION_RE = re.compile(r"(?<![\w-])(?P<head>Resolution)\s+(?:No\.\s*)?\d{2,4}\b")


def _label_of(head: str) -> str:
    if head in LAW_HEADS:
        return "LAW"
    if head in AWARD_HEADS:
        return "AWARD"
    return "EVENT"


def _title_case_line(text: str, pos: int) -> bool:
    """Whether the line around ``pos`` is a headline in title case, where capitals do not mark names.

    In a headline every word is capitalised but the short function words that style guides leave in lower case;
    prose has lower-case verbs and nouns ("won", "was") in any sentence of five words or more.
    """
    start = text.rfind("\n", 0, pos) + 1
    end = text.find("\n", pos)
    words = re.findall(r"[^\W\d_][\w'’-]*", text[start : end if end >= 0 else len(text)])
    content = [w for w in words if w not in _HEADLINE_LOWER]
    return len(content) >= 5 and all(w[0].isupper() for w in content)


def _name_before(text: str, head_start: int) -> int | None:
    """Start of the capitalised run that ends just before ``head_start``, or None when there is none."""
    window_start = max(0, head_start - 160)
    words = [(m.start() + window_start, m.group()) for m in _WORD_RE.finditer(text[window_start:head_start])]
    if window_start > 0 and words:
        words = words[1:]  # the first word of the window may be cut
    start: int | None = None
    joiner_pending = False
    for pos, word in reversed(words):
        if "\n\n" in text[pos + len(word) : start if start is not None else head_start]:
            break  # a paragraph break ends a name
        if word in ("and", "&") and start is not None and not joiner_pending:
            joiner_pending = True
            continue
        if not _CAP_RE.fullmatch(word) or word.endswith(("'s", "’s", "'", "’")):
            break
        start = pos
        joiner_pending = False
    if start is None:
        return None
    return _strip_leading(text, start, head_start)


def _strip_leading(text: str, start: int, end: int) -> int | None:
    """Drop a run's leading function words ("In", "The") and joiners; None when no name word is left."""
    while start < end:
        match = _WORD_RE.match(text, start)
        if match is None or match.end() > end:
            return None
        word = match.group()
        if word in _FUNCTION_WORDS or word in ("and", "&"):
            start = match.end()
            while start < end and text[start].isspace():
                start += 1
            continue
        return start
    return None


def event_mentions(text: str) -> list[Mention]:
    """EVENT, LAW and AWARD mentions in ``text``, sorted by position; overlapping finds keep the longest."""
    found: list[Mention] = []

    def add(start: int, end: int, label: str, head: str, why: str) -> None:
        name = text[start:end]
        if name in _NOT_NAMES or _title_case_line(text, start):
            return
        found.append(Mention(start, end, name, label, 0.9, "rule", norm={"head": head, "why": why}))

    for match in _HEAD_RE.finditer(text):
        head = match.group("head")
        if match.group("numeral") and head not in ("War", "Wars"):
            end = match.end("head")  # "Act 2" is not a name's part; "World War II" is
        else:
            end = match.end()
        start = _name_before(text, match.start())
        if start is None or _NAME_GOES_ON.match(text, end):
            continue
        if head == "Games":
            before = text[start : match.start()].split()
            if not before or before[-1] not in _GAMES_BEFORE:
                continue
        add(start, end, _label_of(head), head, "named after its head word")
    for match in _HEAD_FIRST_RE.finditer(text):
        # Capitalised words before the head belong to the name: "Second Battle of Kharkiv", "Universal Declaration
        # of Human Rights".
        start = _name_before(text, match.start()) or match.start()
        head = match.group("head")
        add(start, match.end(), _HEAD_FIRST[head], head, "head word, then what it names")
    for regex, label, why in (
        (_OPERATION_RE, "EVENT", "military operation"),
        (_STORM_RE, "EVENT", "named storm"),
        (_RESOLUTION_RE, "LAW", "numbered resolution"),
    ):
        for match in regex.finditer(text):
            add(match.start(), match.end(), label, match.group("head"), why)
    # Keep the longest of overlapping finds ("Treaty of Versailles" over a head-first and a head-last reading).
    found.sort(key=lambda m: (-(m.end - m.start), m.start))
    kept: list[Mention] = []
    for m in found:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    return sorted(kept, key=lambda m: (m.start, m.end))
