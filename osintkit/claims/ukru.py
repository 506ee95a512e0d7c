"""Claims in Ukrainian and Russian: the cues, attribution phrases, hedges and denials of news and official channels.

:func:`osintkit.claims.extract_claims` reads a sentence with these when ``osintkit.text`` (py3langid, per line)
says it is Ukrainian or Russian; English sentences never reach this module. The shapes are the ones official
channels and news agencies use:

- indirect speech: "Умєров заявив, що ...", "Захарова заявила: ...", "..., повідомили в Генштабі";
- attribution phrases: "За словами X, ...", "За даними X, ...", "Як повідомляє X, ...", "По данным X, ...",
  "Как сообщает X, ...", and the same phrases closing a sentence;
- direct speech in «» or „“ with the speaker before ("X заявив: «...»") or after ("«...», — наголосив X");
- hedges ("нібито", "ймовірно", "за попередніми даними"; "якобы", "предположительно") and denials ("спростував",
  "заперечує", "не відповідає дійсності"; "опроверг", "отрицает", "не соответствует действительности").

Verbs are listed in every form news uses (he, she, they, it; past and present), in both scripts' spellings. The
speaker is the noun phrase before the verb, or the words after it when the verb follows the content; the tagger's
PERSON and ORG mentions (``osintkit.entities.slavic``) then name it: "Міністр оборони України Рустем Умєров" is the
person "Рустем Умєров" with the role "Міністр оборони України".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from osintkit.model import Mention

__all__ = [
    "SLAVIC_PRONOUNS",
    "attribute",
    "claimant_type",
    "denial_cue",
    "hedges",
    "is_person",
    "link_claimant",
    "negated",
    "platform",
    "quote_marks",
]

# Verbs that report speech on their own; the stem takes the endings of both genders and numbers.
_STRONG = (
    # Ukrainian
    r"заяв(?:ив|ила|или|ило|ляє|ляють)|повідом(?:ив|ила|или|ило|ляє|ляють)|сказа(?:в|ла|ли|ло)|"
    r"наголос(?:ив|ила|или|ило)|наголошу(?:є|ють)|зазнач(?:ив|ила|или|ило|ає|ають)|дода(?:в|ла|ли|ло)|"
    r"підтверд(?:ив|ила|или|ило|жує|жують)|спростува(?:в|ла|ли|ло)|спростову(?:є|ють)|"
    r"запереч(?:ив|ила|или|ило|ує|ують)|розпові(?:в|ла|ли|ло)|стверджу(?:є|ють|вав|вала|вали)|вважа(?:є|ють)|"
    r"оголос(?:ив|ила|или|ило)|поперед(?:ив|ила|или|ило)|уточн(?:ив|ила|или|ило)|каже|кажуть|"
    r"зауваж(?:ив|ила|или|ило)|визна(?:в|ла|ли|ло)|звинуват(?:ив|ила|или|ило)|поінформува(?:в|ла|ли|ло)|"
    # Russian
    r"заяв(?:ил|ила|или|ило|ляет|ляют)|сообщ(?:ил|ила|или|ило|ает|ают)|сказа(?:л|ла|ли|ло)|"
    r"подчеркн(?:ул|ула|ули|уло)|подч[её]ркива(?:ет|ют)|отмет(?:ил|ила|или|ило)|отмеча(?:ет|ют)|"
    r"добав(?:ил|ила|или|ило)|подтверд(?:ил|ила|или|ило)|подтвержда(?:ет|ют)|опроверг(?:ла|ли|ло)?|"
    r"опроверга(?:ет|ют)|отрица(?:ет|ют|л|ла|ли)|рассказа(?:л|ла|ли|ло)|утвержда(?:ет|ют|л|ла|ли)|"
    r"счита(?:ет|ют)|объяв(?:ил|ила|или|ило)|предупред(?:ил|ила|или|ило)|уточн(?:ил|ила|или|ило)|"
    r"говор(?:ит|ят|ил|ила|или)|признал(?:а|и)?|обвин(?:ил|ила|или)"
)
# Verbs of publishing: attribution only when "що"/"что", a colon or a quotation follows.
_WEAK = r"написа(?:в|ла|ли|ло|л)|пише|пишуть|пишет|пишут|опублікува(?:в|ла|ли)|опубликова(?:л|ла|ли)"
_CUE_RE = re.compile(rf"(?<![\w-])(?:(?P<strong>{_STRONG})|(?P<weak>{_WEAK}))(?![\w-])", re.IGNORECASE)
_DENIALS = re.compile(r"^(?:спростов|спростува|запереч|опроверг|отрица)", re.IGNORECASE)
_HEDGING_CUES = re.compile(r"^(?:стверджу|вважа|утвержда|счита)", re.IGNORECASE)

# "За словами X, ..." / "..., за даними X." The adjective of "за попередніми даними" makes it a hedge, not a source.
_DATA = (
    r"[Зз]а\s+(?:(?:попередніми|уточненими|офіційними|останніми|новими)\s+)?даними|[Пп]о\s+(?:(?:предварительным|"
    r"уточн[её]нным|официальным|последним|новым)\s+)?данным"
)
_PHRASES = (
    _DATA + r"|[Зз]а\s+словами|[Зз]а\s+інформацією|[Пп]о\s+словам|[Пп]о\s+информации|"
    r"[Яя]к\s+(?:повідомля(?:є|ють)|повідомил[аи]?|повідомив|заявил[аи]?|заявив|зазначил[аи]?|зазначив|"
    r"наголосил[аи]?|наголосив|пише|пишуть|розпові(?:в|ла|ли))|"
    r"[Кк]ак\s+(?:сообща(?:ет|ют)|сообщил[аи]?|заявил[аи]?|отметил[аи]?|пишет|пишут|рассказал[аи]?)"
)
_PHRASE_START_RE = re.compile(rf"^\s*(?P<cue>{_PHRASES})\s+(?P<who>[^,]{{2,120}}?),\s*")
_PHRASE_END_RE = re.compile(rf",\s*(?P<cue>{_PHRASES})\s+(?P<who>[^,;]{{2,120}}?)\s*[.!?…]*\s*$")
_QUOTED_RE = re.compile(r"“[^”]*”")

SLAVIC_PRONOUNS = frozenset({"він", "вона", "он", "она"})
_OTHER_PRONOUNS = frozenset({"вони", "они", "ми", "мы", "воно", "оно"})
_LEADING = frozenset(
    """і й та а але проте однак також теж вже уже згодом раніше пізніше потім вчора учора сьогодні зокрема тим
    часом водночас и но однако также тоже позже ранее затем вчера сегодня кроме того между тем""".split()
)
_PREPOSITIONS = frozenset("у в во на під по після після при під час з із зі с со для від от про о об до".split())
# Words that open a subordinate clause: a cue after one belongs to the clause, not to the sentence's speaker.
_CLAUSE = frozenset(
    "що що-то який яка які яке якого котрий якщо коли щоб что который которая которые если когда чтобы".split()
)
# Where a speaker named after the verb ends: "— наголосив Умєров у Telegram", "сообщили в Минобороны России".
_SPEAKER_END = re.compile(
    r"\s+(?:у|в|на|під\s+час|після|после|во\s+время|для|від|от|про|о|об|коли|когда|додавши|добавив|добавил|"
    r"передає|передает|цитує|цитирует|пише|пишет)\s+(?![А-ЯІЇЄҐ])"
)


def quote_marks(text: str, spans: Sequence[tuple[int, int]], languages: Sequence[str | None]) -> str:
    """``text`` with the quotation marks of Ukrainian and Russian sentences («», „“) written “ ”, one character for
    one, so that the quotation rules read them and every offset still indexes ``text``."""
    if not any(languages):
        return text
    chars = list(text)
    for (a, b), lang in zip(spans, languages, strict=True):
        if not lang:
            continue
        low_opening = "„" in text[a:b]
        for k in range(a, b):
            ch = text[k]
            if ch in "«„":
                chars[k] = "“"
            elif ch == "»" or (ch == "“" and low_opening):
                chars[k] = "”"
    return "".join(chars)


Attribution = tuple[str | None, int | None, int | None, str | None, str, int, int]
"""(claimant, its start, its end, role, cue, content start, content end), offsets into the sentence."""


def attribute(sentence: str) -> Attribution | None:
    """The main attribution of a Ukrainian or Russian sentence (quotation marks already “ ”), or None."""
    m = _PHRASE_START_RE.match(sentence)
    if m:
        return m["who"], m.start("who"), m.end("who"), None, _cue_name(m["cue"]), m.end(), len(sentence)
    m = _PHRASE_END_RE.search(sentence)
    if m and m.start() > 10:
        return m["who"], m.start("who"), m.end("who"), None, _cue_name(m["cue"]), 0, m.start()
    quoted = [q.span() for q in _QUOTED_RE.finditer(sentence)]
    for cue in _CUE_RE.finditer(sentence):
        if any(a < cue.start() < b for a, b in quoted):
            continue  # a verb inside the quotation is the speaker's, not the attribution
        found = _verb_attribution(sentence, cue)
        if found is not None:
            return found
    return None


def _cue_name(phrase: str) -> str:
    """ "За попередніми даними" -> "за даними": the cue without the adjective."""
    words = phrase.lower().split()
    return " ".join([words[0], words[-1]]) if len(words) > 2 and words[0] in ("за", "по") else " ".join(words)


def _verb_attribution(sentence: str, cue: re.Match[str]) -> Attribution | None:
    after = sentence[cue.end() :]
    if cue["weak"] and not re.match(r"(?:\s+\S+){0,6}?\s*(?:,?\s*(?:що|что)\b|:|“)", after):
        return None  # "написав книгу": writing, not speech
    before = sentence[: cue.start()]
    head = before.rstrip()
    subject = _subject(before)
    verb = cue.group().lower()
    if subject is None:
        if not head.endswith((",", "—", "–", "-", "”")):
            return None
        # "..., — наголосив Умєров." / "..., повідомили в Генштабі.": the content comes first.
        speaker = _speaker_after(sentence, cue.end())
        if speaker is None:
            return None
        who, w_start, role = speaker
        content_end = len(head.rstrip(",—–- "))
        return who, w_start, w_start + len(who), role, verb, 0, content_end
    who, w_start, w_end = subject
    c_start, c_end = _complement(sentence, cue.end())
    if not sentence[c_start:c_end].strip(" .,;:!?…”") and head[:w_start].rstrip().endswith((",", "—", "–", "”")):
        # "«...», — Умєров наголосив.": the quotation before the speaker is what was said.
        c_start, c_end = 0, len(head[:w_start].rstrip().rstrip(",—–- "))
    return who, w_start, w_end, None, verb, c_start, c_end


def _subject(before: str) -> tuple[str, int, int] | None:
    """The speaker ending right before the verb: the words after the last clause mark, without leading
    conjunctions, time words and a short prepositional phrase ("У понеділок речник ГУР Андрій Юсов")."""
    seg_at = max(before.rfind(c) for c in ",;:—–”“()") + 1
    words = list(re.finditer(r"\S+", before[seg_at:]))
    k = 0
    while k < len(words):
        word = words[k].group().lower().strip(".,")
        if word in _LEADING:
            k += 1
        elif word in _PREPOSITIONS and k + 2 < len(words) and not words[k + 1].group()[:1].isupper():
            k += 2  # "У понеділок", "в 2024 році"; not "В Минобороны России", the speaker itself
        else:
            break
    rest = words[k:]
    if not rest or len(rest) > 10 or any(w.group().lower() in _CLAUSE for w in rest):
        return None
    if len(rest) == 1 and rest[0].group().lower() in SLAVIC_PRONOUNS | _OTHER_PRONOUNS:
        pass  # "він", "вона": resolved later to the person last named
    elif any(w.group()[:1].isupper() for w in rest):
        last = max(i for i, w in enumerate(rest) if w.group()[:1].isupper())
        rest = rest[: last + 1]  # "Андрій Юсов у понеділок": the time words after the name are not the speaker
        if len(rest) > 1 and rest[0].group().lower() in ("у", "в", "во") and rest[1].group()[:1].isupper():
            rest = rest[1:]  # "в Минобороны заявили": the ministry
    elif len(rest) > 4:
        return None
    start, end = seg_at + rest[0].start(), seg_at + rest[-1].end()
    return before[start:end], start, end


def _speaker_after(sentence: str, at: int) -> tuple[str, int, str | None] | None:
    m = re.match(r"\s+(?P<who>[^,.;!?“”]+?)\s*(?:,\s*(?P<role>[^.!?]+?))?\s*[.!?…]*\s*$", sentence[at:])
    if m is None:
        return None
    who = m["who"]
    cut = _SPEAKER_END.search(" " + who)
    if cut is not None and cut.start() > 0:
        who = who[: cut.start() - 1].rstrip()
    if who.split()[0].lower() in ("у", "в", "во") and len(who.split()) > 1:
        who = who.split(None, 1)[1]  # "повідомили в Генштабі"
    if not who or len(who.split()) > 8:
        return None
    w_start = at + m.start("who") + m["who"].find(who)
    return who, w_start, m["role"]


def _complement(sentence: str, at: int) -> tuple[int, int]:
    """What was said: after "що"/"что" within a few words of the verb, else right after it."""
    after = sentence[at:]
    m = re.match(r"(?:[^“.;]{0,80}?)(?:,\s*)?\b(?:що|что|мовляв)\b\s*", after)
    if m and len(m.group().split()) <= 9:
        return at + m.end(), len(sentence)
    m = re.match(r"\s*[,:]?\s*", after)
    start = at + (m.end() if m else 0)
    q = re.match(r"[^“]{0,40}?[:,]\s*(?=“)", sentence[start:])  # "заявив у Telegram: “...”"
    if q:
        start += q.end()
    return start, len(sentence)


# -- the speaker --------------------------------------------------------------------------------------------------


def link_claimant(
    sent_mentions: Sequence[Mention], span: tuple[int, int], text: str, role: str | None
) -> tuple[str | None, str, str | None]:
    """(entity id, claimant, role): a person inside the phrase is the claimant and the words before it its role;
    otherwise the phrase stays whole, linked to its first organisation ("Генштаб ЗСУ": the General Staff)."""
    start, end = span
    claimant = text[start:end]
    inside = [
        m
        for m in sent_mentions
        if m.start >= start and m.end <= end and m.label in ("PERSON", "ORG", "LOC", "GPE", "NORP")
    ]
    people = [m for m in inside if m.label == "PERSON"]
    if people:
        head = people[-1]
        before = text[start : head.start].strip(" ,")
        return head.entity_id, head.text, role or before or None
    # In Ukrainian and Russian the head comes first and its genitives follow ("Міністерство оборони Росії").
    organisations = [m for m in inside if m.label == "ORG"] or inside
    return (organisations[0].entity_id if organisations else None), claimant, role


_TYPE_KEYWORDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "anonymous",
        re.compile(r"^(?:джерел|джерело|источник|співрозмовник|собеседник|неназван|анонімн|анонимн)", re.I),
    ),
    (
        "intelligence",
        re.compile(r"розвідк|разведк|\bГУР\b|\bСБУ\b|\bФСБ\b|\bСВР\b|\bЦРУ\b|спецслужб|служб\w* безпеки|"
                   r"служб\w* безопасности", re.I),
    ),
    (
        "military",
        re.compile(r"генштаб|генеральн\w+ штаб|\bЗСУ\b|\bВСУ\b|\bВС РФ\b|сил\w* оборони|арм[іи]|військ|войск|"
                   r"командувач|командующ|бригад|міноборони|минобороны|оборони|обороны|генерал|полковник|"
                   r"повітрян\w+ сил|\bВМС\b|\bВКС\b|десант", re.I),
    ),
    (
        "media",
        re.compile(r"\bТАСС\b|\bРИА\b|інтерфакс|интерфакс|укрінформ|укринформ|\bУНІАН\b|суспільне|видання|издани|"
                   r"агентств|газет|телеканал|\bЗМІ\b|\bСМИ\b|журналіст|журналист|медіа|медиа", re.I),
    ),
    (
        "government",
        re.compile(r"президент|прем.єр|премьер|міністр|министр|\bМЗС\b|\bМИД\b|уряд|правительств|кремл|речник|"
                   r"спікер|спикер|прес-?секретар|пресс-секретар|представник|представител|посол|губернатор|"
                   r"\bОВА\b|\bОДА\b|\bОП\b|депутат|верховн\w+ рад|госдум|адміністрац|администрац|влад|власт|"
                   r"офіс президента|офис президента|\bмер\b|мэр", re.I),
    ),
)  # fmt: skip
_STATES = re.compile(r"^(?:україн|украин|росі|росси|рф$|кндр|північн\w+ коре|северн\w+ коре|сша|київ|киев|москв)", re.I)


def claimant_type(
    claimant: str, role: str | None, text: str, sent_mentions: Sequence[Mention], mentions: Sequence[Mention]
) -> str:
    """The claimant's kind, as the English typing gives it: by its words, then by what the tagger says it is."""
    phrase = f"{claimant} {role or ''}".strip()
    if not phrase:
        return "unknown"
    for kind, pattern in _TYPE_KEYWORDS:
        if pattern.search(phrase):
            return kind
    if _STATES.match(claimant) or any(m.label in ("LOC", "GPE") and m.text == claimant for m in sent_mentions):
        return "government"
    if any(m.label == "PERSON" and m.text == claimant for m in sent_mentions):
        # The role is often given once, at first mention: "Міністр оборони України Рустем Умєров".
        stem = re.escape(claimant.split()[-1][:-2] if len(claimant.split()[-1]) > 5 else claimant.split()[-1])
        for hit in re.finditer(stem, text):
            context = " ".join(text[max(0, hit.start() - 80) : hit.start()].split()[-4:])
            found = next((k for k, p in _TYPE_KEYWORDS[1:] if k != "media" and p.search(context)), None)
            if found:
                return found
        return "person"
    if any(m.label == "ORG" and m.text in claimant for m in sent_mentions):
        return "organisation"
    return "unknown"


def is_person(claimant: str, mentions: Sequence[Mention], s_start: int, s_end: int) -> bool:
    return any(m.label == "PERSON" and m.text in claimant for m in mentions if s_start <= m.start < s_end)


# -- hedges, denials, where it was said ---------------------------------------------------------------------------

HEDGE_PATTERNS = (
    r"нібито", r"начебто", r"ймовірно", r"імовірно", r"можливо", r"мабуть", r"орієнтовно", r"приблизно",
    r"за\s+попередніми\s+даними", r"за\s+неофіційними\s+даними", r"не\s+підтверджен\w*", r"непідтвердженн?\w*",
    r"якобы", r"предположительно", r"вероятно", r"возможно", r"по-видимому", r"судя\s+по\s+всему", r"примерно",
    r"ориентировочно", r"по\s+предварительным\s+данным", r"по\s+неофициальным\s+данным", r"не\s+подтвержден\w*",
    r"неподтвержденн?\w*", r"(?:близько|около|майже|почти|до)(?=\s+\d)",
)  # fmt: skip
_HEDGE_RE = re.compile(r"(?<![\w-])(?:" + "|".join(HEDGE_PATTERNS) + r")(?![\w-])", re.IGNORECASE)
_NEGATION_RE = re.compile(
    r"(?<![\w-])(?:не|ні|ни|нет|ніколи|никогда|жодн\w*|ніхто|ніщо|нічого|никто|ничего|без|спростов\w*|"
    r"спростува\w*|запереч\w*|опроверг\w*|отрица\w*)(?![\w-])",
    re.IGNORECASE,
)


def hedges(sentence: str, claimant_span: tuple[int | None, int | None], cue: str | None) -> list[str]:
    """Hedges outside the claimant phrase, lower case, a hedging verb ("стверджує", "утверждает") first."""
    start, end = claimant_span
    region = sentence
    if start is not None and end is not None:
        region = sentence[:start] + " " * (end - start) + sentence[end:]
    out: list[str] = []
    for m in _HEDGE_RE.finditer(region):
        h = " ".join(m.group().lower().split())
        if h not in out:
            out.append(h)
    if cue and _HEDGING_CUES.match(cue) and cue not in out:
        out.insert(0, cue)
    return out


def negated(sentence: str, cue: str | None) -> bool:
    return bool(_NEGATION_RE.search(sentence)) or denial_cue(cue)


def denial_cue(cue: str | None) -> bool:
    """The cue denies: "спростував", "заперечує", "опровергла", "отрицает"."""
    return cue is not None and bool(_DENIALS.match(cue))


_PLATFORMS = (
    ("Telegram", r"telegram|телеграм"),
    ("Facebook", r"facebook|фейсбук"),
    ("X", r"twitter|твіттер|твиттер|\bX\b"),
    ("YouTube", r"youtube|ютуб"),
    ("Instagram", r"instagram|інстаграм|инстаграм"),
    ("VK", r"\bVK\b|вконтакте"),
)
_PLATFORM_RE = re.compile(
    r"(?<![\w-])(?:у|в)\s+(?:своєму\s+|своїй\s+|своем\s+|своей\s+|офіційному\s+|официальном\s+)?"
    r"(?P<name>[\w-]+)|(?P<channel>[\w]+)[-‑](?:канал|каналі|канале)",
    re.IGNORECASE,
)
_CHANNELS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("press conference", re.compile(r"прес-?конференці|пресс-конференци", re.I)),
    ("briefing", re.compile(r"брифінг|брифинг", re.I)),
    ("interview", re.compile(r"інтерв.ю|интервью", re.I)),
    ("video address", re.compile(r"відеозвернен|видеообращени|звернен|обращени", re.I)),
    ("statement", re.compile(r"заяв[іиа]\b|заявлени|повідомленн|сообщени", re.I)),
)


def platform(sentence: str) -> str | None:
    """The platform a sentence names as where it was said: "у Telegram", "у своєму телеграм-каналі"."""
    for m in _PLATFORM_RE.finditer(sentence):
        word = str(m["name"] or m["channel"] or "")
        for name, pattern in _PLATFORMS:
            if re.match(pattern, word, re.IGNORECASE):
                return name
    return None


def channel(sentence: str, c_start: int, c_end: int, where: str | None) -> str | None:
    """Where the claimant said it, read outside the content ("на брифінгу", "в интервью")."""
    outside = sentence[:c_start] + " " * (c_end - c_start) + sentence[c_end:]
    for name, pattern in _CHANNELS:
        if pattern.search(outside):
            return name
    return f"post on {where}" if where is not None else None
