"""Ukrainian names of bodies, companies and places built from common words: rules over natasha's tokens.

natasha's Russian model, run on Ukrainian (:mod:`osintkit.entities.slavic`), finds the capitalised core of such a
name and stops there: "Головного слідчого управління" without its "МВС", "Господарського суду" without
"Кіровоградської області", "ТОВ" and "Київ" for 'ТОВ фірма «Київ»', "Російській" for "Російській імперії". The
rules here rebuild the whole name from what Ukrainian grammar says of its words (pymorphy3's VESUM dictionary: parts
of speech, cases, lemmas) and from the language's conventions for official names:

- an institution is a head noun of a known kind (суд, управління, міністерство, рада, служба ...) with the
  capitalised adjectives before it and its complements after it: nouns in the genitive ("доходів і зборів"),
  the body or territory it belongs to ("Черкаської облдержадміністрації", "України", "МВС"), its seat ("у
  Херсонській області", "м. Києва"), a dedication ("ім. Т. Шевченка") and a number ("№ 15");
- an acronym with the capitalised adjective before it is one name ("Сокирянська РДА", "Іршанським ГЗК");
- a quoted name is an organisation after a legal form in capitals, kept whole ('ТОВ «Бюро»', 'ПрАТ фірма «Київ»'),
  after a kind of organisation with its adjectives, kept whole ('Комунальне підприємство «Шляхбуд»'), after a
  bare kind, the name alone (газети «Житомирщина» gives "Житомирщина"), and, with nothing before it, when it is
  short, capitalised and has no verb (quoted speech has, or ends in "!", "?"); after a kind of work, law, award or
  product (пісню, закон, медаль, препарат) it is a title and left alone;
- a place is capitalised adjectives before a geographic head noun ("Російській імперії", "Полтавської губернії",
  "Чорному морі"), a region named with a compass adjective ("Західної України"), a state's acronym ("СРСР"), a
  continent, and a street with its abbreviation and house number ("вул. Рокитна, 18");
- abbreviations of common nouns (ЗМІ, ПДВ, ФОП) and words in capitals that the dictionary declines (МІСТАХ) are no
  organisations, nor is a body's kind opening a sentence ("Суд встановив");
- a person's span takes the initials beside it ("О. В. Богатський", "Кузнєцов А. С."), splits where a first name
  follows a surname (two people run together), takes the untagged surname after a lone first name, and leaves out
  forms of address ("Пан") and the capitalised common word of the next sentence; God and a first name opening a
  sentence are people.

Before all of them, a word razdel split at its apostrophe ("Хом’яки") is made whole again, and a line's first word
counts as a sentence's first word (headings have no full stop).

Nothing here was learnt from ner-uk (CC BY-NC-SA): its DEV split only measured which of these rules help
(benchmarks/bench_ukru.py, error analysis on its even-numbered 30-sentence blocks, checked on the odd ones).
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from osintkit.geo.cyrillic import morph_analyser

__all__ = ["Token", "joined_apostrophes", "line_starts", "organisation_and_place_phrases"]

# Kinds of body whose names are built on them (lemmas). A name is only taken when it is capitalised, so the common
# word alone ("суд вирішив") is never a name.
ORG_HEADS = frozenset(
    """рада райрада міськрада облрада сільрада селищрада суд райсуд міськсуд госпсуд адмінсуд апеляційний комітет
    міністерство мінюст партія блок служба управління відділ відділення тервідділення облтервідділення
    департамент агентство нацагентство агенція інспекція фонд університет академія інститут коледж гімназія ліцей
    школа училище залізниця прокуратура поліція адміністрація облдержадміністрація райдержадміністрація
    держадміністрація уряд кабмін комісія палата виконком міськвиконком комбінат банк центр спілка союз
    товариство асоціація федерація організація об'єднання об’єднання корпорація концерн холдинг компанія фірма
    підприємство завод фабрика аеропорт клуб театр музей бібліотека конгрес рух інспекція трибунал конгрес сейм
    дума парламент церква собор монастир лавра патріархат єпархія штаб командування загін бригада полк дивізія
    корпус армія флот гвардія частина угруповання""".split()
)
# Kinds of organisation that, in lower case before a quoted name, say the quote is an organisation's name.
_ORG_KINDS = ORG_HEADS | frozenset(
    """газета журнал видавництво телеканал радіостанція агентство група концерн магазин ресторан кафе кав'ярня
    кав’ярня готель кінотеатр гурт ансамбль команда секта стартап мережа супермаркет тц трц шахта""".split()
)
# Geographic kinds that end a place's name of adjectives: "Полтавської губернії", "Чорному морі".
_GEO_HEADS = frozenset(
    """область район регіон край округ губернія повіт волость імперія королівство князівство республіка
    федерація море океан затока озеро річка острів півострів гора гори хребет долина низовина височина пуща
    передмістя вулиця алея проспект площа провулок бульвар узвіз набережна шлях шосе майдан""".split()
)
# Abbreviations written before a street's name and kept in its span ("вул. Рокитна, 18").
_STREET_ABBREVIATIONS = frozenset({"вул", "просп", "пров", "бульв", "пл", "пр-т", "вулиця", "проспект"})
# Words that introduce a place before a capitalised name: "с. Ясень", "м. Києва", "смт Гостомель".
_SETTLEMENT_ABBREVIATIONS = frozenset({"м", "с", "смт", "сел"})
# A legal form in capitals, with the lower-case letters some carry ("ПрАТ", "ТзОВ").
_LEGAL_FORM = re.compile(r"[А-ЯІЇЄҐ][А-ЯІЇЄҐа-яіїєґ]{0,5}[А-ЯІЇЄҐ]")
_ACRONYM = re.compile(r"[А-ЯІЇЄҐ]{2,7}")
_OPEN = frozenset({"«", "„", "“", '"'})
_SPEECH = frozenset({"!", "?", "…", "...", "..", "?!", "!!"})
_CLOSE = frozenset({"»", "“", "”", '"'})


@functools.lru_cache(maxsize=65536)
def _analysis(word: str) -> tuple[frozenset[str], frozenset[str], frozenset[str], bool]:
    """(lemmas, parts of speech, cases, personal): what the Ukrainian dictionary says of ``word``."""

    parses = [p for p in morph_analyser("uk").parse(_dictionary_form(word)) if p.is_known]
    return (
        frozenset(p.normal_form for p in parses),
        frozenset(str(p.tag.POS) for p in parses),
        frozenset(str(p.tag.case) for p in parses if p.tag.case),
        any({"Name", "Surn", "Patr"} & p.tag.grammemes for p in parses),
    )


def _dictionary_form(word: str) -> str:
    """``word`` with the apostrophe pymorphy3's Ukrainian dictionary spells: "Мар’їнки" is found as "Мар'їнки"."""
    return word.replace("’", "'").replace("ʼ", "'")


def _lemmas(word: str) -> frozenset[str]:
    return _analysis(word.lower())[0]


def _is_adjective(word: str) -> bool:
    pos = _analysis(word.lower())[1]
    return bool(pos & {"ADJF", "PRTF", "NUMR"}) and not pos & {"PREP", "CONJ", "NPRO"}


def _is_genitive_noun(word: str) -> bool:
    _, pos, cases, _ = _analysis(word.lower())
    return "NOUN" in pos and "gent" in cases and not pos & {"PREP", "CONJ", "PRCL"}  # not "про"


def _is_genitive_adjective(word: str) -> bool:
    _, pos, cases, _ = _analysis(word.lower())
    return bool(pos & {"ADJF", "PRTF"}) and "gent" in cases


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and any(c.isalpha() for c in word)


def _acronym(word: str) -> bool:
    return bool(_ACRONYM.fullmatch(word))


def line_starts(text: str, tokens: Sequence[Any]) -> set[int]:
    """Starts of tokens that open a line: a heading or a list item has no full stop for razdel to split on, and its
    first word is capitalised for that reason alone."""
    out = {tokens[0].start} if tokens else set()
    for a, b in itertools.pairwise(tokens):
        if "\n" in text[a.stop : b.start]:
            out.add(b.start)
    return out


class _Scanner:
    """Token-level phrase finding over one text; ``i`` indexes ``tokens``."""

    def __init__(self, text: str, tokens: Sequence[Any], starts: set[int]) -> None:
        self.text = text
        self.tokens = tokens
        self.words = [t.text for t in tokens]
        self.starts = starts

    def word(self, i: int) -> str:
        return self.words[i] if 0 <= i < len(self.words) else ""

    def adjacent(self, i: int) -> bool:
        """Tokens ``i`` and ``i + 1`` are on one line."""
        return i + 1 < len(self.tokens) and "\n" not in self.text[self.tokens[i].stop : self.tokens[i + 1].start]

    def abbreviation(self, i: int, names: frozenset[str]) -> int:
        """Tokens taken by an abbreviation at ``i`` ("вул" "." or "смт"), 0 when there is none."""
        w = self.word(i).lower()
        if w not in names:
            return 0
        return 2 if self.word(i + 1) == "." and self.adjacent(i) else 1

    def quote_end(self, i: int) -> int:
        """Index just past the quotation opening at ``i`` (one nested quotation allowed, closed by one mark or
        two), or 0 when it does not close on the same line within 15 tokens."""
        if self.word(i) not in _OPEN:
            return 0
        depth = 0
        for j in range(i, min(i + 16, len(self.words))):
            if j > i and not self.adjacent(j - 1):
                return 0
            w = self.word(j)
            if w in _OPEN and (j == i or w not in _CLOSE or depth == 0 or self.word(j - 1) in _OPEN):
                depth += 1
            elif w in _CLOSE:
                depth -= 1
                # 'ТОВ «Керуюча компанія «Днепросервіс»': the inner and outer quotation often close with one mark.
                if depth == 0 or (depth == 1 and self.word(j + 1) not in _CLOSE):
                    return j + 1 if j > i + 1 else 0
        return 0

    def left_adjectives(self, head: int) -> int:
        """The first of the adjectives right before ``head`` ("Головного слідчого управління")."""
        start = head
        while start > 0 and self.adjacent(start - 1) and _is_adjective(self.word(start - 1)):
            if self.word(start - 1).isupper() and len(self.word(start - 1)) > 1:
                break
            start -= 1
            # Capitalised adjectives coordinated before one head: "Дрогобицький і Надвірнянський НПЗ".
            if (
                _capitalised(self.word(start))
                and self.word(start - 1) in ("і", "та", "й", ",")
                and start >= 2
                and _capitalised(self.word(start - 2))
                and _is_adjective(self.word(start - 2))
                and not self.word(start - 2).isupper()
            ):
                start -= 1
        # The name starts at its first capital: "управлінням економіки" has none, "обласного Київського" one.
        while start < head and not _capitalised(self.word(start)):
            start += 1
        return start

    def genitive_phrase(self, i: int, *, capitalised: bool) -> int:
        """Index past adjectives and one noun in the genitive from ``i`` ("Черкаської облдержадміністрації"),
        or ``i`` when there is none. ``capitalised``: its first word must be."""
        j = i
        if capitalised and not _capitalised(self.word(j)):
            return i
        if not capitalised and not self.word(j).islower():
            return i
        while (
            j < len(self.words)
            and self.adjacent(j - 1)
            and _is_genitive_adjective(self.word(j))
            and (capitalised or self.word(j).islower())
        ):
            if (
                not _is_genitive_noun(self.word(j))
                or _is_genitive_adjective(self.word(j + 1))
                or _is_genitive_noun(self.word(j + 1))
            ):
                j += 1
            else:
                break
        if not (self.adjacent(j - 1) and _is_genitive_noun(self.word(j))):
            return i
        if not capitalised and not self.word(j).islower():
            return i
        if (
            capitalised
            and _analysis(self.word(j).lower())[3]
            and not j > i
            and not _lemmas(self.word(j)) & (ORG_HEADS | _GEO_HEADS)
        ):
            return i  # "Олексія" is a person after the body, not its complement
        return j + 1

    def dedication(self, end: int) -> int:
        """Index past a dedication at ``end`` ("ім. О. Потебні", "імені Тараса Шевченка"): up to three capitalised
        names, initials skipped; 0 when no name follows."""
        j = end + 1 + (self.word(end + 1) == ".")
        taken = 0
        while taken < 3 and _capitalised(self.word(j)):
            if len(self.word(j)) == 1 and self.word(j + 1) == ".":
                j += 2  # an initial
                continue
            j += 1
            taken += 1
            if not _analysis(self.word(j - 1).lower())[3] or not _analysis(self.word(j).lower())[3]:
                break
        return j if taken else 0

    def complements(self, end: int, *, lower: bool, quote: bool = True) -> int:
        """Index past what follows a body's head at ``end``: its genitive complements, acronyms, seat, dedication,
        number and quoted name. ``lower``: lower-case genitive words may follow (after a head noun, not after a
        proper name). ``quote``: a quotation right after the head is part of the name."""
        first = end
        while end < len(self.words) and self.adjacent(end - 1):
            w = self.word(end)
            if w in _OPEN:
                # Only right after the head ('аеропорту «Бориспіль»'); after a complement, a quotation names a
                # body of its own ('Міністерства оборони «Укрвійськбуд»'). Either way the name ends there.
                close = self.quote_end(end)
                if close and end == first and quote:
                    end = close
                break
            if w == "№" and self.word(end + 1)[:1].isdigit():
                end += 2
                lower = False
                continue
            if w.lower() in ("ім", "імені"):
                past = self.dedication(end)
                if past:
                    end = past
                    lower = False  # "ім. О. Потебні минулого тижня": the name ends with the dedication
                    continue
                break
            if _acronym(w) and not _analysis(w.lower())[1] & {"NPRO", "PREP", "CONJ"}:
                if self.word(end + 1) in _OPEN:
                    break  # a legal form: 'Партією регіонів ТОВ «Альфа»' names two
                end += 1
                lower = False
                continue
            if w.lower() in _SETTLEMENT_ABBREVIATIONS and w.lower() == "м":
                taken = self.abbreviation(end, _SETTLEMENT_ABBREVIATIONS)
                if taken and _capitalised(self.word(end + taken)):
                    end += taken + 1
                    lower = False
                    continue
                break
            if w.lower() in ("у", "в") and lower is not None:
                # The seat: "у Херсонській області", "в м. Києві", "у Закарпатській області".
                j = end + 1
                taken = self.abbreviation(j, _SETTLEMENT_ABBREVIATIONS)
                if taken and _capitalised(self.word(j + taken)):
                    end = j + taken + 1
                    continue
                k = j
                while _capitalised(self.word(k)) and _is_adjective(self.word(k)):
                    k += 1
                if k > j and _lemmas(self.word(k)) & {"область", "район"}:
                    end = k + 1
                    continue
                break
            nxt = self.genitive_phrase(end, capitalised=True)
            if nxt > end:
                if _lemmas(self.word(nxt - 1)) & ORG_HEADS:
                    lower = True  # "Державної служби з надзвичайних ситуацій": a body inside a body
                elif _lemmas(self.word(nxt - 1)) & {"республіка", "місто"} and _capitalised(self.word(nxt)):
                    nxt += 1  # "Автономної Республіки Крим"
                    lower = False
                else:
                    lower = False
                end = nxt
                continue
            if lower:
                nxt = self.genitive_phrase(end, capitalised=False)
                if nxt > end:
                    end = nxt
                    # "доходів і зборів", "економіки та інвестицій"
                    if (
                        self.word(end) in ("і", "та", "й")
                        and self.genitive_phrase(end + 1, capitalised=False) > end + 1
                    ):
                        end = self.genitive_phrase(end + 1, capitalised=False)
                    continue
                if w == "з" and self.word(end + 1) == "питань":
                    after = self.genitive_phrase(end + 2, capitalised=False)
                    if after > end + 2:
                        end = after
                        continue
            break
        return end


def _institutions(sc: _Scanner, spans: list[tuple[int, int, str]]) -> list[tuple[int, int]]:
    """Token ranges (first, past last) of bodies named by a head noun or an acronym with their complements."""
    labelled = {
        sc.tokens[i].start: lab for i in range(len(sc.tokens)) for s, e, lab in spans if s == sc.tokens[i].start
    }
    out: list[tuple[int, int]] = []
    i = 0
    while i < len(sc.words):
        w = sc.word(i)
        head = bool(_lemmas(w) & ORG_HEADS) and w.isalpha()
        acronym = _acronym(w) and labelled.get(sc.tokens[i].start) not in ("LOC", "PER")
        if not (head or acronym):
            i += 1
            continue
        start = sc.left_adjectives(i)
        if not _capitalised(sc.word(start)) or (start == i and not _capitalised(w)):
            i += 1
            continue
        if acronym and not head:
            if _analysis(w.lower())[1] & {"NPRO", "PREP", "CONJ"} or sc.word(i + 1) in _OPEN:
                i += 1
                continue
            end = sc.complements(i + 1, lower=False)
        else:
            # A bare kind before a quotation is the quoted name's descriptor ('Компанією «Некст»' is Некст); with
            # adjectives it is part of the name ('Київський велотрек «Авангард»').
            end = sc.complements(i + 1, lower=True, quote=start < i)
        if end - start < 2 or (start == i and sc.tokens[start].start in sc.starts and end - start < 2):
            i += 1
            continue
        out.append((start, end))
        i = end
    return out


def _quoted_names(sc: _Scanner) -> list[tuple[int, int, bool]]:
    """(first, past last, whole) for quoted organisation names; ``whole``: the legal form or capitalised kind
    before the quote is part of the name."""
    out: list[tuple[int, int, bool]] = []
    previous_end = previous_work = -10
    for i, w in enumerate(sc.words):
        if w not in _OPEN or sc.word(i - 1) in _OPEN:
            continue
        close = sc.quote_end(i)
        if not close:
            continue
        before = i - 1
        kind_lower = sc.word(before).islower() and bool(_lemmas(sc.word(before)) & _ORG_KINDS)
        if _LEGAL_FORM.fullmatch(sc.word(before)) or (
            kind_lower and _LEGAL_FORM.fullmatch(sc.word(before - 1)) and sc.adjacent(before - 1)
        ):
            start = before - 1 if kind_lower else before
            out.append((start, close, True))
        elif _capitalised(sc.word(before)) and _lemmas(sc.word(before)) & _ORG_KINDS:
            start = sc.left_adjectives(before)
            if start < before:
                out.append((start, close, True))  # 'Комунальне підприємство «Київтеплоенерго»'
            else:
                out.append((i + 1, close - 1, False))  # 'Фірма «Альфа» ...' opening a sentence: the name alone
        elif kind_lower or (sc.word(before) in ("і", "та", "й", ",") and previous_end == before):
            out.append((i + 1, close - 1, False))
        elif _work_named(sc, before) or (sc.word(before) in ("і", "та", "й", ",") and previous_work == before):
            previous_work = close  # a list of titles: 'пісні «Весна», «Танці» і «Відпустка»'
            continue
        elif _looks_like_a_name(sc.words[i + 1 : close - 1]):
            out.append((i + 1, close - 1, False))
        else:
            continue
        previous_end = close
    return out


# Kinds of work, law, award and product whose titles are quoted like a company's name: 'роман «Чорна рада»',
# 'закону «Про публічні закупівлі»', 'медаль «За відвагу»', 'препарату «Корвалол»'.
_WORK_KINDS = frozenset(
    """пісня вірш роман повість оповідання новела казка книга книжка збірка збірник поема п'єса п’єса вистава
    опера балет фільм кінофільм серіал мультфільм альбом сингл композиція картина полотно твір стаття нарис
    посібник підручник словник енциклопедія рубрика передача телепередача програма проект проєкт закон кодекс
    постанова указ розпорядження наказ рішення гасло девіз напис слоган премія орден медаль відзнака знак нагорода
    звання номінація препарат ліки таблетки торт цукерки сорт марка бренд""".split()
)


def _work_named(sc: _Scanner, before: int) -> bool:
    """The quotation at ``before + 1`` is the title of a work, a law, an award or a product: a kind of them comes
    right before it, or one adjective before it ('пісню «Щедрик»', 'нагрудний знак «За доблесть»')."""
    for k in (before, before - 1):
        if k >= 0 and _lemmas(sc.word(k)) & _WORK_KINDS:
            return True
        if not _is_adjective(sc.word(k)):
            break
    return False


def _looks_like_a_name(words: Sequence[str]) -> bool:
    """A short quotation that names something rather than quotes speech: capitalised, no nested quotation, no verb,
    at most three words, or at most six when the first is no dictionary word ('«Кримзалізобетон»', '«Наші
    гроші»'). Quoted speech is longer, has a verb or ends in "!", "?" or "…" ('«Так!»'); a quoted word in lower case
    is a term. Titles of books and films also pass, and are the price of the rule."""
    if not words or not _capitalised(words[0]) or any(w in _OPEN or w in _CLOSE or w in _SPEECH for w in words):
        return False
    known = bool(_analysis(words[0].lower())[1])
    if len(words) > (3 if known else 6):
        return False
    for w in words:
        pos = _analysis(w.lower())[1]
        if pos & {"VERB", "INFN"} and not pos & {"NOUN", "ADJF"}:
            return False
    return True


def _places(sc: _Scanner) -> list[tuple[int, int]]:
    """Token ranges of places named by adjectives and a geographic noun, and of streets with their number."""
    out: list[tuple[int, int]] = []
    for i, w in enumerate(sc.words):
        taken = sc.abbreviation(i, _STREET_ABBREVIATIONS)
        if taken and w.lower() not in ("вулиця", "проспект"):
            j = i + taken
            k = j
            while _capitalised(sc.word(k)) and sc.adjacent(k - 1) and sc.word(k).replace("-", "").isalpha():
                k += 1
            if k > j:
                if sc.word(k) == "," and sc.word(k + 1)[:1].isdigit() and sc.adjacent(k):
                    k += 2
                out.append((i, k))
            continue
        if w.isalpha() and w.islower() and _lemmas(w) & _GEO_HEADS:
            start = i
            while start > 0 and sc.adjacent(start - 1) and _is_adjective(sc.word(start - 1)):
                start -= 1
            while start < i and not _capitalised(sc.word(start)):
                start += 1
            if start < i and not (sc.tokens[start].start in sc.starts and start == i - 1 and False):
                end = i + 1
                # "Печерському районі Києва": the city it lies in
                if (
                    _capitalised(sc.word(end))
                    and _is_genitive_noun(sc.word(end))
                    and not _analysis(sc.word(end).lower())[3]
                ):
                    end += 1
                out.append((start, end))
    return out


# Abbreviations of common nouns, written in capitals like a body's acronym but naming no body: mass media, VAT, a
# sole trader, a full name, technical conditions, a national standard, housing services,
# codes of law, DNA, a text message, fuel, a shopping centre, registers, GDP, a road accident, an exam, a college.
_COMMON_ABBREVIATIONS = frozenset(
    """ЗМІ ПДВ ФОП ПІБ ТУ БФП ДСТУ ЖКГ ЖКП КК КПК ЦК ЦПК ГПК ДНК РНК СМС ПММ ТРЦ ТЦ ЖК ЄДРПОУ ЄДР ЄРПН ВВП
    ДТП ЗНО ВНЗ ЗВО ПК ІТ ОС ЕОМ ПЗ ДБН СНІД ВІЛ ККД ЕКГ УЗД МРТ ПЛР ОТГ""".split()
) - {"ЦК"}
# States and regions known by their acronyms: the USSR, the Ukrainian and Russian Soviet republics, the UAE, the
# US, Russia, China, North Korea, West and East Germany, South Africa, Czechoslovakia, the occupied districts.
_PLACE_ACRONYMS = frozenset(
    "СРСР УРСР УСРР РСФРР РСФСР БРСР ОАЕ США РФ КНР КНДР ФРН НДР ПАР ЧССР ОРДЛО ОРДО ОРЛО".split()
)
# Continents and parts of the world, which the gazetteer (countries and places within them) leaves out.
_CONTINENTS = frozenset("європа азія африка америка австралія антарктида антарктика євразія океанія".split())
# God named as a person, as the CoNLL and OntoNotes guidelines (and ner-uk's) mark it.
_DEITIES = frozenset({"бог", "господь", "господи", "боже", "всевишній", "аллах", "ісус", "христос"})


@functools.lru_cache(maxsize=4096)
def _abbreviation(word: str) -> bool:
    """The dictionary reads ``word`` (in capitals) as an abbreviation or an indeclinable noun ("США", "ДТЕК"), or
    does not know it: not a word of the language in capitals ("МІСТАХ", "БУЛО", "СОН")."""

    parses = [p for p in morph_analyser("uk").parse(_dictionary_form(word.lower())) if p.is_known]
    return not parses or any({"Abbr", "Fixd"} & p.tag.grammemes for p in parses)


def _person_named(span: str) -> bool:
    """Two or three capitalised words, a first name and then a surname (a patronymic between): "Олексія Журавка"."""
    words = span.split(" ")
    if not 2 <= len(words) <= 3 or not all(w.isalpha() and _capitalised(w) and not w.isupper() for w in words):
        return False
    return bool(_name_cases(words[0]) & _surname_cases(words[-1]))


@functools.lru_cache(maxsize=16384)
def _name_cases(word: str) -> frozenset[str]:
    """The cases in which ``word`` reads as a first name."""

    return frozenset(
        str(p.tag.case)
        for p in morph_analyser("uk").parse(_dictionary_form(word))
        if p.is_known and "Name" in p.tag.grammemes
    )


@functools.lru_cache(maxsize=16384)
def _surname_cases(word: str) -> frozenset[str]:
    """The cases in which ``word`` can follow a first name as its surname: a surname's, or a noun's or an
    adjective's that a surname may share ("Журавка", "Луцького"); every case for a word the dictionary lacks."""

    parses = [p for p in morph_analyser("uk").parse(_dictionary_form(word)) if p.is_known]
    if not parses:
        return frozenset({"nomn", "gent", "datv", "accs", "ablt", "loct", "voct"})
    return frozenset(str(p.tag.case) for p in parses if "Surn" in p.tag.grammemes or p.tag.POS in ("NOUN", "ADJF"))


@functools.lru_cache(maxsize=4096)
def _first_name_opening(word: str) -> bool:
    """A sentence's first word that reads as a first name in the nominative or vocative and as nothing else in those
    cases: "Ігор" (else the genitive plural of гра), "Славко". A sentence opens with its subject or an address;
    "Роза" (also a rose, in the nominative) stays out."""

    parses = [
        p for p in morph_analyser("uk").parse(_dictionary_form(word)) if p.is_known and p.tag.case in ("nomn", "voct")
    ]
    named = [p for p in parses if "Name" in p.tag.grammemes]
    return bool(named) and all({"Name", "Surn", "Patr"} & p.tag.grammemes for p in parses)


# Adjectives of the compass and of union that make a region or a state of a name: "Західна Україна", "Близький
# Схід", "Сполучені Штати".
_REGION_ADJECTIVES = frozenset("західний східний південний північний центральний близький далекий сполучений".split())


def _region(span: str) -> bool:
    """Capitalised words, no body's kind among them, that open with a compass adjective or end in a geographic kind
    ("Автономної Республіки Крим"): a region or a state, which natasha sometimes calls an organisation."""
    words = span.split(" ")
    if not 2 <= len(words) <= 4 or not all(_capitalised(w) for w in words):
        return False
    if any(_lemmas(w) & ORG_HEADS for w in words):
        return False
    return bool(_lemmas(words[0]) & _REGION_ADJECTIVES) or any(_lemmas(w) & _GEO_HEADS for w in words[1:])


def _tidy(sc: _Scanner, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """One-word spans put right: abbreviations of common nouns and words in capitals dropped, states' acronyms
    made places, a body's kind alone opening a sentence ("Суд встановив") dropped; continents and God added.
    Mid-sentence, a body's kind with a capital ("Міністерство", "Кабміну") names one body and stays."""
    out = []
    for s, e, lab in spans:
        word = sc.text[s:e]
        if word.isupper() and len(word) > 1 and word.isalpha():
            if word in _PLACE_ACRONYMS:
                lab = "LOC"
            elif word in _COMMON_ABBREVIATIONS or not _abbreviation(word):
                continue
        elif lab != "PER" and _person_named(word):
            lab = "PER"  # "Олексія Журавка", which natasha reads as a place in Ukrainian
        elif lab == "ORG" and _region(word):
            lab = "LOC"  # "Західної України", "Близькому Сході", "Автономної Республіки Крим"
        elif lab == "ORG" and word.isalpha() and _lemmas(word) & ORG_HEADS:
            if s in sc.starts:
                continue  # "Суд встановив": a common noun capitalised because a sentence starts there
        out.append((s, e, lab))
    taken = {i for s, e, _ in out for i in range(s, e)}
    for tok in sc.tokens:
        if tok.start in taken or not (_capitalised(tok.text) and tok.text.isalpha()) or tok.text.isupper():
            continue
        lemmas = _lemmas(tok.text)
        if lemmas & _CONTINENTS:
            out.append((tok.start, tok.stop, "LOC"))
        elif lemmas & _DEITIES or tok.text.lower() in _DEITIES:
            out.append((tok.start, tok.stop, "PER"))  # written with a capital, God at a sentence's start too
        elif tok.start in sc.starts and _first_name_opening(tok.text):
            out.append((tok.start, tok.stop, "PER"))
    return sorted(out)


_APOSTROPHES = frozenset({"’", "'", "ʼ"})
# Forms of address and kinship before a name, not part of it ("Пан Геродот", "Бабця Варвара").
_ADDRESS = frozenset("пан пані панна бабця баба дід дідусь тітка дядько отець".split())


@dataclass(frozen=True)
class Token:
    """A word of the text: what the rules read of natasha's tokens."""

    text: str
    start: int
    stop: int


def joined_apostrophes(
    text: str, tokens: Sequence[Any], spans: list[tuple[int, int, str]]
) -> tuple[list[Token], list[tuple[int, int, str]]]:
    """Tokens with a word split at its apostrophe made whole again ("Хом’яки", "П’ядицька", "Мар'яна": razdel
    splits them in three), and spans that end or start inside such a word stretched over all of it."""
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        word = Token(tok.text, tok.start, tok.stop)
        while (
            i + 2 < len(tokens)
            and tokens[i + 1].text in _APOSTROPHES
            and tokens[i + 1].start == word.stop
            and tokens[i + 2].start == tokens[i + 1].stop
            and word.text[-1:].isalpha()
            and tokens[i + 2].text[:1].isalpha()
        ):
            word = Token(text[word.start : tokens[i + 2].stop], word.start, tokens[i + 2].stop)
            i += 2
        out.append(word)
        i += 1
    if len(out) == len(tokens):
        return out, spans
    joined = [t for t in out if "’" in t.text or "'" in t.text or "ʼ" in t.text]
    stretched = []
    for s, e, lab in spans:
        for t in joined:
            if t.start < s < t.stop:
                s = t.start
            if t.start < e < t.stop:
                e = t.stop
        stretched.append((s, e, lab))
    return out, stretched


def _people(sc: _Scanner, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """People's spans mended: initials before or after the surname joined ("О. В. Богатського", "Кузнєцов А. С."),
    two people run together split where a first name follows a surname ("Івана Дзюби Михайлина Коцюбинська"), a
    lone first name joined to the surname after it that no one tagged ("Юрій Ісиков"), a form of address before
    the name and a capitalised common word after it left out ("Пан Геродот", "Людмила Беда Суд")."""
    index = {t.start: i for i, t in enumerate(sc.tokens)}
    ends = {t.stop: i for i, t in enumerate(sc.tokens)}
    # A lone initial is no name; the initials rule below gives it to the surname beside it.
    spans = [(s, e, lab) for s, e, lab in spans if not (lab == "PER" and _initial(sc.text[s:e]))]
    taken = {i for s, e, _ in spans for i in range(s, e)}
    out: list[tuple[int, int, str]] = []
    for s, e, lab in spans:
        if lab != "PER" or s not in index or e not in ends:
            out.append((s, e, lab))
            continue
        a, b = index[s], ends[e] + 1
        while b - a > 1 and sc.word(a).lower() in _ADDRESS:
            a += 1
        while b - a > 1 and _common_word(sc.word(b - 1)):
            b -= 1
        # Initials: "О . В . Богатського" before, "Кузнєцов А. С." after.
        while a >= 2 and sc.word(a - 1) == "." and _initial(sc.word(a - 2)) and sc.tokens[a - 2].start not in taken:
            a -= 2
        while _initial(sc.word(b)) and sc.word(b + 1) == "." and sc.tokens[b].start not in taken and b - a < 5:
            b += 2
        # A first name and the untagged capitalised word after it, a surname the dictionary lacks or knows.
        if b - a == 1 and _analysis(sc.word(a).lower())[3] and sc.adjacent(a) and b < len(sc.words):
            nxt = sc.word(b)
            if (
                sc.tokens[b].start not in taken
                and _capitalised(nxt)
                and nxt.replace("’", "").replace("'", "").replace("-", "").isalpha()
                and not nxt.isupper()
                and sc.tokens[b].start not in sc.starts
                and _surname_like(nxt)
            ):
                b += 1
        pieces = [a]
        for k in range(a + 2, b):
            if _name_reading(sc.word(k)) and not _name_reading(sc.word(k - 1)) and len(sc.word(k - 1)) > 1:
                if _capitalised(sc.word(k - 1)) and sc.word(k - 1).isalpha():
                    pieces.append(k)  # "... Дзюби | Михайлина Коцюбинська"
        pieces.append(b)
        for x, y in itertools.pairwise(pieces):
            if y > x:
                out.append((sc.tokens[x].start, sc.tokens[y - 1].stop, "PER"))
    return out


def _initial(word: str) -> bool:
    return len(word) == 1 and word.isupper() and word.isalpha()


def _name_reading(word: str) -> bool:
    return "Name" in _grammemes(word)


def _surname_like(word: str) -> bool:
    """A surname, or a word the dictionary lacks, that may follow a first name; not a common word."""
    g = _grammemes(word)
    return not g or "Surn" in g


def _common_word(word: str) -> bool:
    """A capitalised word that ends no name: an adjective, or a common noun with no personal reading ("Суд",
    "Передмова", "Офіційною")."""
    if not _capitalised(word) or word.isupper():
        return False
    g = _grammemes(word)
    return (
        bool(g)
        and not {"Name", "Surn", "Patr"} & g
        and bool({"ADJF", "NOUN"} & g)
        and _analysis(word.lower())[1] <= {"ADJF", "NOUN", "PRTF"}
        and (bool(_lemmas(word) & ORG_HEADS) or "NOUN" not in g)
    )


@functools.lru_cache(maxsize=16384)
def _grammemes(word: str) -> frozenset[str]:
    """Every grammeme of the dictionary's readings of ``word`` (empty when it does not know the word)."""

    return frozenset(
        g for p in morph_analyser("uk").parse(_dictionary_form(word)) if p.is_known for g in p.tag.grammemes
    )


def organisation_and_place_phrases(
    text: str, tokens: Sequence[Any], spans: list[tuple[int, int, str]], starts: set[int]
) -> list[tuple[int, int, str]]:
    """``spans`` (start, stop, PER/ORG/LOC) with the organisations and places above put in: each new span replaces
    what it overlaps, except a person's span that crosses its edge (the name after a body: "Партії регіонів
    Олексія Журавка")."""
    sc = _Scanner(text, tokens, starts)
    found: list[tuple[int, int, str]] = []
    for a, b in _places(sc):
        found.append((tokens[a].start, tokens[b - 1].stop, "LOC"))
    for a, b in _institutions(sc, spans):
        found.append((tokens[a].start, tokens[b - 1].stop, "ORG"))
    descriptors = []
    for a, b, whole in _quoted_names(sc):
        if b > a:
            found.append((tokens[a].start, tokens[b - 1].stop, "ORG"))
        if not whole and a >= 2 and _lemmas(sc.word(a - 2)) & _ORG_KINDS:
            descriptors.append((tokens[a - 2].start, tokens[a - 2].stop))  # "Компанією" of 'Компанією «Некст»'

    # Longer first; a later one that overlaps a kept one is dropped.
    kept: list[tuple[int, int, str]] = []
    for s, e, lab in sorted(found, key=lambda x: (-(x[1] - x[0]), x[0])):
        if not any(s < ke and ks < e for ks, ke, _ in kept):
            kept.append((s, e, lab))
    people = [x for x in spans if x[2] == "PER"]
    kept = [
        (s, e, lab)
        for s, e, lab in kept
        if not any(s < pe and ps < e and not s <= ps < pe <= e for ps, pe, _ in people)
    ]
    rest = [x for x in spans if not any(x[0] < e and s < x[1] for s, e, _ in kept)]
    rest = [x for x in rest if (x[0], x[1]) not in descriptors]
    return _people(sc, _tidy(sc, sorted(rest + kept)))
