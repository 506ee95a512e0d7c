"""People, organisations and places in Russian and Ukrainian text, offline.

Russian: natasha's slovnet NER model (``slovnet_ner_news_v1``, trained by its authors on Russian news, MIT) over
navec embeddings; both files ship inside the natasha wheel, so nothing is downloaded. Its PER/ORG/LOC become the
kit's PERSON/ORG/LOC and are merged with the rules and the gazetteer as the English model's mentions are.

Its spans are then rebounded to where Russian news draws a name's edges by :mod:`osintkit.entities.russian`
(legal forms outside a company's quoted name, a name and its spelling in parentheses as two, a body with what it
belongs to); the Ukrainian path never calls those rules.

Ukrainian has no packaged NER model. The same Russian model reads Ukrainian names well (they are capitalised and
inflect alike), and its mistakes are regular, so rules repair them with what pymorphy3's Ukrainian dictionary
knows of each word (its lemma and its Name, Surn, Patr and Geox tags); see :func:`_repair_ukrainian`. Names built
of common words (bodies with their complements, quoted company names, regions, streets) and people's spans are then
rebuilt by :mod:`osintkit.entities.ukrainian`. Nothing here was trained on ner-uk (CC BY-NC-SA): that corpus only
measured the rules (benchmarks/bench_ukru.py), whose errors were read on its even 30-sentence blocks only.

Measured through ``osintkit.tag()`` (micro-F1 PER/ORG/LOC, exact spans, 95% interval over resampled documents,
2026-12-05): Russian, factRuEval-2016 devset, 0.897 (0.877-0.915), natasha alone 0.849, before the span rules of
:mod:`osintkit.entities.russian` 0.860; per type PER 0.953, ORG 0.796, LOC 0.917 (were 0.926, 0.714, 0.897); on the
even texts, where errors were read, 0.905 (was 0.851), on the odd ones, held out, 0.890 (was 0.869). Ukrainian,
ner-uk 2.0 DEV, 0.789 (0.777-0.800), natasha alone 0.432 (before osintkit.entities.ukrainian: 0.679). Per type: PER
0.862, ORG 0.762, LOC 0.708 (were 0.813, 0.571, 0.619). On the even blocks, where errors were read, 0.792 (was
0.673); on the odd blocks, held out, 0.787 (was 0.685). What remains in Ukrainian is mostly names of things no
rule can tell from common words: quoted titles of works and products taken for organisations, characters of
fiction named by common nouns, villages and streets under the gazetteer's floor, and bodies that the annotators
marked on some pages and not on others; a trained Ukrainian model on openly licensed data would be the next step.

    from osintkit.entities.slavic import slavic_mentions
    mentions = slavic_mentions(text, "uk")       # PERSON/ORG/LOC, source "model", offsets index text
"""

from __future__ import annotations

import functools
import itertools
import re
from dataclasses import dataclass
from typing import Any

from osintkit.entities import russian, ukrainian
from osintkit.geo.cyrillic import lemmas, morph_analyser
from osintkit.model import Mention

__all__ = ["NER_MODEL", "SLAVIC_LANGUAGES", "name_lemma", "slavic_mentions"]

SLAVIC_LANGUAGES = ("ru", "uk")
NER_MODEL = "natasha slovnet_ner_news_v1"
_LABELS = {"PER": "PERSON", "ORG": "ORG", "LOC": "LOC"}


@functools.lru_cache(maxsize=1)
def _natasha() -> tuple[Any, Any]:
    """razdel's segmenter and slovnet's NER tagger with navec embeddings: about 0.5 s and 30 MB, once a process."""
    from natasha import NewsEmbedding, NewsNERTagger, Segmenter

    return Segmenter(), NewsNERTagger(NewsEmbedding())


# Parts of speech that never start or make a name, whatever the capital letter says: "Вона" (she; also the
# surname Вон), "Цього", "Або", "Потім", "Якось" open sentences and natasha calls them people.
_FUNCTION = frozenset({"NPRO", "CONJ", "PREP", "PRCL", "ADVB", "INTJ", "PRED", "NUMR", "COMP"})
_NAME_GRAMMEMES = frozenset({"Name", "Patr"})
# Words that split one span into two names ("Харків і Суми", "Колріджа і Вордсворта").
_JOINERS = frozenset({"і", "й", "та", "чи", "або", "а", "и", ",", ";", "—", "–", "-"})
# Prepositions after which a capitalised thing is where something happens: "у Києві", "на Майдані", "під Бахмутом".
_PLACE_PREPOSITIONS = frozenset({"у", "в", "на", "під", "біля", "поблизу", "до", "із", "з", "зі", "від", "через"})
# Lower-case particles inside a person's name ("Людвіг ван Бетховен", "ібн Сіна").
_NAME_PARTICLES = frozenset({"ван", "фон", "де", "да", "ді", "дель", "ла", "ле", "ібн", "бен", "аль", "ель"})


# Ukrainian legal forms before a quoted company name (ТОВ: a limited company, ДП: a state enterprise, ...).
_LEGAL_NAME = re.compile(
    r"(?<![\w])(?:ТОВ|ТзОВ|ДП|ПП|ПАТ|ПрАТ|АТ|ВАТ|ЗАТ|КП|ПВКП|АК|ОГ|ТДВ|ГО|БФ|МБФ|КНП|ФГ|СП|НВП|НВФ|ТД|ІАЦ|ДАК|НАК)"
    r"\s*«(?:[^«»\n]{1,80}«)?[^«»\n]{1,80}»"
)
# Kinds of body whose names are made of common words (dictionary lemmas).
_INSTITUTIONS = frozenset(
    """рада райрада міськрада облрада суд госпсуд комітет міністерство партія служба управління департамент
    агентство інспекція фонд університет академія інститут залізниця прокуратура поліція адміністрація
    облдержадміністрація райдержадміністрація уряд кабмін комісія палата міськвиконком виконком лісгосп комбінат
    рахункова""".split()
)
# An acronym in capitals that natasha left alone: "ВГСУ", "КМДА"; the gazetteer's "США" or "КНДР" wins a tie.
_ACRONYM = re.compile(r"[А-ЯІЇЄҐ]{2,6}")


@dataclass(frozen=True)
class _Word:
    """What the dictionary says of one word, as the repair rules need it."""

    known: bool  # in the dictionary at all
    function: bool  # has a pronoun, conjunction, preposition, particle or adverb reading
    name: bool  # a first name or a patronymic reading
    surname: bool
    adjective_only: bool  # every reading an adjective or participle ("Російські", "Головною")
    common_noun: bool  # a reading as a common noun or verb ("Роза" the flower, "Сили" forces)
    animate: bool
    inanimate: bool
    adjective: bool  # some reading an adjective: "Луцькій" (also the surname Луцький)
    verb: bool  # a verb or function-word reading and no noun or adjective one: "каже", "співає", "з"


@functools.lru_cache(maxsize=65536)
def _word(text: str, language: str) -> _Word:
    parses = morph_analyser(language).parse(text)
    known = any(p.is_known for p in parses)
    tags = [p.tag for p in parses] if known else []
    names = [t for t in tags if _NAME_GRAMMEMES & t.grammemes or "Surn" in t.grammemes]
    return _Word(
        known=known,
        function=any(t.POS in _FUNCTION for t in tags),
        name=any(_NAME_GRAMMEMES & t.grammemes for t in tags),
        surname=any("Surn" in t.grammemes for t in tags),
        adjective_only=bool(tags) and all(t.POS in ("ADJF", "ADJS", "PRTF", "PRTS") for t in tags),
        common_noun=any(t not in names and t.POS in ("NOUN", "VERB", "INFN") for t in tags),
        animate=any("anim" in t.grammemes for t in tags),
        inanimate=any("inan" in t.grammemes for t in tags),
        adjective=any(t.POS in ("ADJF", "PRTF") for t in tags),
        verb=bool(tags)
        and all(t.POS in _FUNCTION or t.POS in ("VERB", "INFN", "GRND") for t in tags)
        and any(t.POS in ("VERB", "INFN", "GRND", "PREP", "CONJ") for t in tags),
    )


def _capitalised(token: str) -> bool:
    return token[:1].isupper()


def _natasha_spans(text: str) -> tuple[list[Any], list[tuple[int, int, str]], set[int]]:
    """natasha's tokens, its NER spans (start, stop, PER/ORG/LOC), and the starts of sentences."""
    from natasha import Doc

    segmenter, tagger = _natasha()
    doc = Doc(text)
    doc.segment(segmenter)
    doc.tag_ner(tagger)
    starts = {sent.tokens[0].start for sent in doc.sents if sent.tokens}
    return doc.tokens, [(s.start, s.stop, s.type) for s in doc.spans], starts


def _repair_ukrainian(
    text: str, tokens: list[Any], spans: list[tuple[int, int, str]], starts: set[int]
) -> list[tuple[int, int, str]]:
    """natasha's Russian model on Ukrainian text, corrected by the Ukrainian dictionary.

    Its mistakes there are regular: pronouns, conjunctions and adverbs opening a sentence become people ("Вона",
    "Або"), two names joined by "і" become one ("Харків і Суми"), a place sticks to the name after it ("України
    Володимир Зеленський"), an organisation's name of common words is a person ("Збройні сили України"), and
    Ukrainian first names it never saw are missed ("Андріана", "Аліна"). Each rule below undoes one of these, and
    every word a rule relies on is read from pymorphy3's dictionary, not from a list written here.
    """
    out: list[tuple[int, int, str]] = []
    covered: set[int] = set()
    previous = {b.start: a.text for a, b in itertools.pairwise(tokens)}
    for start, stop, label in spans:
        inside = [t for t in tokens if start <= t.start and t.stop <= stop]
        groups: list[list[Any]] = [[]]
        for i, tok in enumerate(inside):
            newline = i > 0 and "\n" in text[inside[i - 1].stop : tok.start]
            # A verb or a function word in lower case ends a name: "Чорновіл каже Литвину", "Віктор співає".
            joiner = tok.text.lower() in _JOINERS or (not _capitalised(tok.text) and _word(tok.text, "uk").verb)
            if joiner or newline:
                groups.append([] if joiner else [tok])
            else:
                groups[-1].append(tok)
        for group in groups:
            while group and (not _capitalised(group[0].text) or _word(group[0].text, "uk").function):
                group = group[1:]
            while group and not group[-1].text[-1:].isalnum():
                group = group[:-1]
            if not group:
                continue
            before = previous.get(group[0].start, "")
            relabelled = _relabel(group, label, starts, located=before.lower() in _PLACE_PREPOSITIONS)
            if relabelled is None:
                continue
            lead, new_label = relabelled
            if lead and group[0].start not in starts:  # a sentence's first word is capitalised anyway: "Дорогою"
                out.append((group[0].start, group[lead - 1].stop, "LOC"))
            out.append((group[lead].start, group[-1].stop, new_label))
            covered.update(t.start for t in group)
    out += _missed_names(tokens, covered, starts)
    out = _with_legal_names(text, _closed_quotes(text, out))
    out = _with_institutions(tokens, out)
    out += _places_after_prepositions(tokens, out, starts)
    taken = {i for s, e, _ in out for i in range(s, e)}
    out += [(t.start, t.stop, "ORG") for t in tokens if _ACRONYM.fullmatch(t.text) and t.start not in taken]
    return _join_names(text, sorted(out))


def _places_after_prepositions(
    tokens: list[Any], spans: list[tuple[int, int, str]], starts: set[int]
) -> list[tuple[int, int, str]]:
    """A capitalised thing natasha left untagged right after "у", "на", "під" ... is where something happened:
    "у Тисмениці", "на Майдані", "в Кутах" (villages below the gazetteer's floor, squares, districts)."""
    taken = {i for s, e, _ in spans for i in range(s, e)}
    out = []
    for before, tok in itertools.pairwise(tokens):
        if tok.start in taken or tok.start in starts or before.text.lower() not in _PLACE_PREPOSITIONS:
            continue
        if not (_capitalised(tok.text) and tok.text.isalpha() and not tok.text.isupper()):
            continue
        w = _word(tok.text, "uk")
        if w.inanimate and not (w.function or w.name or w.surname or w.adjective):
            out.append((tok.start, tok.stop, "LOC"))
    return out


def _with_institutions(tokens: list[Any], spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Institutions named in words of the language: a capitalised word, the adjectives after it and the noun they
    qualify when that noun is a kind of body ("Луцької міської ради", "Вищий господарський суд", "Партії
    регіонів", "Міністерства оборони"), with one noun in the genitive after it. natasha takes these for places or
    for nothing; the span replaces what it overlaps, except a person reaching outside it."""
    found: list[tuple[int, int]] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        if not (_capitalised(tok.text) and tok.text.isalpha()):
            i += 1
            continue
        j = i
        while (
            j < len(tokens) - 1
            and not lemmas(tokens[j].text.lower(), "uk") & _INSTITUTIONS
            and _word(tokens[j].text, "uk").adjective
        ):
            j += 1  # "раді" is also "glad", so the body's noun ends the run
        if not lemmas(tokens[j].text.lower(), "uk") & _INSTITUTIONS:
            i += 1
            continue
        end = j
        follow = tokens[j + 1] if j + 1 < len(tokens) else None
        if follow is not None and follow.text.isalpha() and not _capitalised(follow.text):
            w = _word(follow.text, "uk")
            if w.common_noun and not w.verb and not w.function:
                end = j + 1  # "Партії регіонів", "Міністерства оборони"
        found.append((tok.start, tokens[end].stop))
        i = end + 1
    if not found:
        return spans
    # A person's span that only crosses the institution's ("Петра Луцького" beside "міській раді") stops it; one
    # wholly inside ("Луцькій", which is also a surname) is a part of it.
    people = [x for x in spans if x[2] == "PER"]
    found = [(s, e) for s, e in found if not any(s < pe and ps < e and not s <= ps < pe <= e for ps, pe, _ in people)]
    # Nor does it cut into an organisation that holds it: 'ДП «Південна залізниця»'.
    found = [(s, e) for s, e in found if not any(os <= s and e <= oe for os, oe, lab in spans if lab == "ORG")]
    kept = [x for x in spans if not any(x[0] < e and s < x[1] for s, e in found)]
    return kept + [(s, e, "ORG") for s, e in found]


def _closed_quotes(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """An organisation's span that opens a quotation runs to its close: natasha stops before the "»" of
    'ДП «Південна залізниця»'."""
    out = []
    for s, e, label in spans:
        if label == "ORG" and text.count("«", s, e) > text.count("»", s, e):
            close = re.match(r"\s*»", text[e:])
            if close:
                e += close.end()
        out.append((s, e, label))
    return out


def _with_legal_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """A company named with its legal form and quoted name, 'ТОВ «Бюро Ейнштейн»', is one organisation; the
    pieces natasha gives ("ТОВ", "Бюро Ейнштейн") give way to it."""
    legal = [(m.start(), m.end()) for m in _LEGAL_NAME.finditer(text)]
    if not legal:
        return spans
    kept = [x for x in spans if not any(x[0] < e and s < x[1] for s, e in legal)]
    return kept + [(s, e, "ORG") for s, e in legal]


def _with_seat(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """An institution and the place in the genitive right after it are one name: "Верховного Суду України",
    "Господарського суду Кіровоградської області", "Министерства обороны России"."""
    out: list[tuple[int, int, str]] = []
    for span in sorted(spans):
        if out and out[-1][2] == "ORG" and span[2] == "LOC" and text[out[-1][1] : span[0]] == " ":
            out[-1] = (out[-1][0], span[1], "ORG")
        else:
            out.append(span)
    return out


def _join_names(text: str, spans: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Two person spans a single space apart are one name: "Віталій" (natasha) and "Кличко" (the dictionary)."""
    out: list[tuple[int, int, str]] = []
    for span in spans:
        if out and out[-1][2] == span[2] == "PER" and text[out[-1][1] : span[0]] == " ":
            out[-1] = (out[-1][0], span[1], "PER")
        else:
            out.append(span)
    return out


def _relabel(group: list[Any], label: str, starts: set[int], *, located: bool = False) -> tuple[int, str] | None:
    """(how many leading words are a place of their own, the group's label), or None to drop the group.
    ``located``: the group follows "у", "в", "на" and the like."""
    words = [_word(t.text, "uk") for t in group]
    lower = [t for t in group if not _capitalised(t.text) and t.text not in _NAME_PARTICLES and t.text.isalpha()]
    if len(group) == 1:
        w = words[0]
        if w.function or w.adjective_only:
            return None
        if label == "PER" and located and w.inanimate:
            return 0, "LOC"  # "у Києві" (also the dative of Кий, a name), "у Вербівці", "на Майдані"
        if group[0].start in starts and w.common_noun and not (w.name or w.surname) and not group[0].text.isupper():
            return None  # "Чоловік", "Рішення": a common noun capitalised because a sentence starts there
        if label == "PER" and w.known and not (w.name or w.surname) and not w.animate:
            if group[0].start in starts and w.common_noun:
                return None  # "Дорогою" (on the way), capitalised only because a sentence starts there
            # A capitalised thing mid-sentence is mostly an institution ("Укрзалізниці", "Мінюст", "Кабміну"); a
            # place among them is the gazetteer's, whose mention wins a tie.
            return 0, "ORG"  # a capitalised inanimate noun: "Петриківка", "Дністер"
        return 0, label
    if label != "PER":
        return 0, label
    if lower:
        return 0, "ORG"  # "Збройні сили України", "Блок Порошенка"
    personal = [w.name or w.surname or not w.known for w in words]
    if not any(personal):
        return 0, "ORG"  # "Верховної Ради"
    lead = 0
    while lead < len(group) - 1 and not personal[lead] and words[lead].known and not words[lead].animate:
        lead += 1  # "України Володимир Зеленський": the place before the name
    return lead, "PER"


def _missed_names(tokens: list[Any], covered: set[int], starts: set[int]) -> list[tuple[int, int, str]]:
    """Runs of capitalised words the dictionary knows as first names, patronymics or surnames that natasha left
    untagged. A sentence's first word must have no other reading ("Роза" is also a rose; "Вона" is "she")."""
    out: list[tuple[int, int, str]] = []
    run: list[Any] = []
    for tok in [*tokens, None]:
        ok = False
        if tok is not None and tok.start not in covered and _capitalised(tok.text) and tok.text.isalpha():
            w = _word(tok.text, "uk")
            personal = w.name or (w.surname and bool(run))
            clean = not (w.function or w.adjective_only)
            ok = personal and clean and (tok.start not in starts or not w.common_noun)
        if ok:
            run.append(tok)
            continue
        if run:
            out.append((run[0].start, run[-1].stop, "PER"))
            run = []
    return out


def slavic_mentions(text: str, language: str, *, repair: bool = True) -> list[Mention]:
    """PERSON/ORG/LOC mentions in Russian (``language="ru"``) or Ukrainian (``"uk"``) text, sorted by start.

    ``repair=False`` gives natasha's spans as they come, the baseline benchmarks/bench_ukru.py measures against.
    """
    tokens, spans, starts = _natasha_spans(text)
    if repair and language == "uk":
        tokens, spans = ukrainian.joined_apostrophes(text, tokens, spans)
        starts = starts | ukrainian.line_starts(text, tokens)
        spans = _repair_ukrainian(text, tokens, spans, starts)
        spans = ukrainian.organisation_and_place_phrases(text, tokens, spans, starts)
    if repair and language == "ru":
        spans = russian.repair_russian(text, spans)
    if repair:
        spans = _with_seat(text, spans)
    out = [
        Mention(
            start=start,
            end=stop,
            text=text[start:stop],
            label=_LABELS[label],
            score=0.9,
            source="model",
            norm={
                "model": NER_MODEL,
                "language": language,
                "lemma": name_lemma(text[start:stop], _LABELS[label], language),
            },
        )
        for start, stop, label in spans
        if label in _LABELS
    ]
    return sorted(out, key=lambda m: m.start)


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+(?:['’ʼ][\u0400-\u04ff]+)*")
_PERSONAL = frozenset({"Name", "Surn", "Patr"})


def name_lemma(text: str, label: str, language: str) -> str:
    """The name in the nominative, as a dictionary heads it: "Володимира Зеленського" → "Володимир Зеленський",
    "Міністерства оборони України" → "Міністерство оборони України", "Курської області" → "Курська область".

    Why: a name is declined in running text, and "Зеленського", "Зеленському" and "Зеленський" must key as one
    person before they can be compared with "Zelensky". People: every word is put in the nominative in the gender
    of the first name (so "Кирила Буданова" is Буданов, "Олени Зеленської" Зеленська); a word that already reads
    as a nominative stays. Organisations and places: the first noun and the adjectives before it are put in the
    nominative (in its number and gender); the words after it are its complements and keep their case. Words in
    capitals (acronyms) and words outside the Cyrillic alphabet stay as written; capitals follow the text.
    """
    lang = language.split("-")[0].lower()
    if lang not in SLAVIC_LANGUAGES or not _CYRILLIC_WORD.search(text):
        return text
    words = list(_CYRILLIC_WORD.finditer(text))
    morph = morph_analyser(lang)
    parses = [[] if w.group().isupper() and len(w.group()) > 1 else morph.parse(w.group()) for w in words]
    lemmas = (_person_lemmas if label == "PERSON" else _phrase_lemmas)(words, parses)
    out, last = [], 0
    for w, lemma in zip(words, lemmas, strict=True):
        out.append(text[last : w.start()])
        out.append(_like(w.group(), lemma) if lemma else w.group())
        last = w.end()
    out.append(text[last:])
    return "".join(out)


def _like(written: str, lemma: str) -> str:
    """``lemma`` with the capitals of ``written``: all capitals, a capital first letter, or none."""
    if written.isupper() and len(written) > 1:
        return lemma.upper()
    return lemma[:1].upper() + lemma[1:] if written[:1].isupper() else lemma


def _agrees(p: Any, case: str, number: str | None, gender: str | None) -> bool:
    if p.tag.case != case or (p.tag.number or "sing") != (number or "sing"):
        return False
    return (
        number == "plur"
        or gender is None
        or p.tag.gender is None
        or p.tag.gender == gender
        or ("ms-f" in p.tag.grammemes)
    )


def _person_lemmas(words: list[Any], parses: list[list[Any]]) -> list[str | None]:
    def usable(p: Any) -> bool:
        return bool(_PERSONAL & p.tag.grammemes or p.tag.POS in ("NOUN", "ADJF")) and p.tag.number != "plur"

    if len(parses) == 1 and any(usable(p) and p.tag.case == "nomn" for p in parses[0]):
        return [None]  # a lone name that reads as a nominative ("Буданова") is taken as written
    # The reading of the whole name: the first (likeliest, in pymorphy3's order) case and gender of its first word,
    # personal readings first, that every other word can share ("Олександра Сирського": masculine genitive, not
    # the feminine name Олександра).
    first = sorted((p for p in parses[0] if usable(p)), key=lambda p: not _PERSONAL & p.tag.grammemes)
    for candidate in first:
        case, gender = candidate.tag.case, candidate.tag.gender
        chosen = []
        for options in parses:
            fitting = [p for p in options if usable(p) and _agrees(p, case, "sing", gender)]
            fitting.sort(key=lambda p: not _PERSONAL & p.tag.grammemes)
            if options and not fitting:
                break
            chosen.append(fitting[0] if fitting else None)
        else:
            if case == "nomn":
                return [None] * len(words)
            return [_nominative(p) for p in chosen]
    return [None] * len(words)


def _nominative(p: Any) -> str | None:
    if p is None:
        return None
    inflected = p.inflect({"nomn"})
    return str(inflected.word) if inflected is not None else str(p.normal_form)


def _phrase_lemmas(words: list[Any], parses: list[list[Any]]) -> list[str | None]:
    # The head is the noun after the longest run of adjectives that agree with it: "Кривому Розі" is Кривий Ріг,
    # not the noun Криве; "Курської області" Курська область; words after the head are its complements.
    for head in range(len(words) - 1, -1, -1):
        nouns = [p for p in parses[head] if p.tag.POS == "NOUN"]
        nouns.sort(key=lambda p: bool(_PERSONAL & p.tag.grammemes))  # "Харкові": the city, not the surname Харко
        for noun in nouns:
            case, number, gender = noun.tag.case, noun.tag.number, noun.tag.gender
            adjectives = [
                next((p for p in parses[i] if p.tag.POS in ("ADJF", "PRTF") and _agrees(p, case, number, gender)),
                     None)
                for i in range(head)
            ]  # fmt: skip
            if any(a is None for a in adjectives):
                continue
            out: list[str | None] = [None] * len(words)
            if case == "nomn":
                return out
            # Ukrainian tags leave a singular's number out: only what the noun's own tag says is asked for.
            agree = {"nomn"} | ({number} if number else set()) | ({gender} if number != "plur" and gender else set())
            for i, adjective in enumerate(adjectives):
                form = adjective.inflect(agree) if adjective is not None else None
                out[i] = str(form.word) if form is not None else None
            out[head] = _nominative(noun)
            return out
    return [None] * len(words)
