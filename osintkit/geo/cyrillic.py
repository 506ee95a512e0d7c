"""Place names in Ukrainian and Russian text, in whatever grammatical case they stand.

The gazetteer knows places by their dictionary (nominative) names: Харків, Київ, Суми, Росія, Курская область. Running
text inflects them: "у Харкові", "з Києва", "обстріляли Суми", "в Сумах", "Росії", "в Курській області". The
entity model reads English only, so without this a Ukrainian or Russian post gives no places at all. Each
capitalised Cyrillic word is turned back into the dictionary forms it could come from (pymorphy3's lemmas from its
Ukrainian and Russian dictionaries, then case endings with the alternations a dictionary of common words lacks for
place names: "Кривому Розі", "Орлі"), and the form the gazetteer scores best as a populated place, an
administrative area or a country is the match. A word the dictionaries read as a pronoun or only as a person's
name ("Мені", "Юрій") is no place, though towns bear those names. An adjective before "область" ("Курській
області") is read as the oblast's name.

Precision comes from the gazetteer, not from the rules: a form is accepted only when it is a known place name, so
a surname ("Зеленського") or an institution ("Генштабі") matches nothing.
"""

from __future__ import annotations

import functools
import itertools
import re
from typing import TYPE_CHECKING, Any

from ..model import Mention
from .normalise import name_key

if TYPE_CHECKING:
    from .gazetteer import Record
    from .geocoder import Candidate, OfflineGeocoder

__all__ = ["find_cyrillic_toponyms", "lemmas", "morph_analyser", "name_like", "nominative_forms"]

_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UPPER = "А-ЯІЇЄҐЁ"
_LOWER = "а-яіїєґёʼ'’"
_WORD = re.compile(rf"(?<![\w-])[{_UPPER}][{_LOWER}]+(?:-[{_UPPER}{_LOWER}][{_LOWER}]+)*(?![\w-])")
_ACRONYM = re.compile(rf"(?<![\w-])[{_UPPER}]{{2,5}}(?![\w-])")  # КНДР, only as written
_OBLAST = re.compile(
    rf"(?<![\w-])([{_UPPER}][{_LOWER}]+?)(ськ|цьк|зьк|ск|цк|зк)(а|ої|ій|у|ою|ая|ой|ую)\s+(област[{_LOWER}]*)"
)

# Oblique case endings of Ukrainian and Russian nouns, longest first, and the nominative endings a stem may take.
_ENDINGS = sorted(
    """ами ями ові еві єві ією ою ею єю ой ей ом ем єм ах ях ам ям ії ію ии ию ией ої ій і ї и ы у ю а я е""".split(),
    key=len,
    reverse=True,
)
_NOMINATIVE = ("", "а", "я", "ь", "и", "о", "ія", "ия")
# Ukrainian closes "о"/"е" to "і"/"ї" in a name's last syllable: Харків (Харкова), Київ (Києва), Львів (Львова).
_ALTERNATIONS = (("ов", "ів"), ("ев", "ів"), ("єв", "їв"), ("ог", "іг"), ("ор", "ір"))
# Before the dative and locative "і", Ukrainian г, к, х become з, ц, с: Ріг, у Розі; Прага, у Празі.
_SOFTENED = {"з": "г", "ц": "к", "с": "х"}
_CONSONANTS = frozenset("бвгґджзйклмнпрстфхцчшщ")
# Readings that never name a place.
_FUNCTION = frozenset({"NPRO", "CONJ", "PREP", "PRCL", "ADVB", "INTJ", "PRED", "NUMR", "COMP"})
_ADJECTIVE = frozenset({"ADJF", "ADJS", "PRTF", "PRTS"})
# Adjective endings, for names of two words ("Північної Кореї", "Дальнем Востоке"), and their nominatives.
_ADJECTIVE_ENDINGS = sorted("ої ій ою у ого ому им ім ой ую ем ом ая".split(), key=len, reverse=True)
_ADJECTIVE_NOMINATIVE = ("а", "ий", "ій", "ая", "ый", "ой")
_KINDS = frozenset({"country", "capital", "city", "admin1", "admin2", "admin", "region"})
# Countries whose own place names are written in Cyrillic. A place elsewhere must be a country, a capital or a city
# of a million, as foreign places named in Ukrainian or Russian news are: a sentence's first word "Сили" ("forces")
# reads as Sila, a region of Chad, otherwise.
_CYRILLIC_COUNTRIES = frozenset("UA RU BY KZ KG TJ UZ MN BG RS MK ME BA MD GE AM AZ TM".split())
_MAJOR_CITY = 1_000_000
# Here the gazetteer decides what is a place, not just where it is, and villages share names with common words and
# surnames (Перемога "victory", Мир "peace", Захарово from "Захарова"). Towns below this are left to the analyst;
# Sudzha (6,940), in the Kursk reports, is above it.
_MIN_TOWN = 5_000


@functools.lru_cache(maxsize=2)
def morph_analyser(language: str) -> Any:
    """pymorphy3's analyser with its Ukrainian (VESUM) or Russian (OpenCorpora) dictionary, loaded once a process
    and shared with the entity tagger's Slavic rules (each analyser holds its dictionary in memory)."""
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang=language)


@functools.lru_cache(maxsize=1 << 16)
def lemmas(word: str, language: str) -> frozenset[str]:
    """Every dictionary form the language's dictionary gives ``word`` as written (known or guessed readings alike);
    one cache for the entity rules of both languages."""
    return frozenset(p.normal_form for p in morph_analyser(language).parse(word))


def _cased_like(form: str, word: str) -> str:
    """The dictionary's lower-case lemma written as the word was: "київ" for "Києві" is "Київ"."""
    if word.isupper():
        return form.upper()
    return "-".join(part[:1].upper() + part[1:] for part in form.split("-"))


@functools.lru_cache(maxsize=65536)
def _dictionary_forms(word: str) -> tuple[tuple[str, ...], bool]:
    """(the lemmas pymorphy3 gives the word in Ukrainian and Russian, the words the dictionaries know first; whether
    the word can be no place: a reading as a pronoun, conjunction or the like ("Мені", "Усе"), or only readings as
    a person's name ("Юрій") or an adjective ("Нового", "Русские"; an adjective names a place only beside its noun,
    which the two-word and oblast patterns read))."""
    known: list[str] = []
    guessed: list[str] = []
    readings = []
    for language in ("uk", "ru"):
        for p in morph_analyser(language).parse(word):
            (known if p.is_known else guessed).append(_cased_like(p.normal_form, word))
            if p.is_known:
                readings.append(p.tag)
    # A pronoun or conjunction reading settles it even beside a noun one: "Мені" is also мена (barter), "Усе" ус.
    not_a_place = any(t.POS in _FUNCTION for t in readings) or (
        bool(readings)
        and all(
            ("anim" in t.grammemes and {"Name", "Patr", "Surn"} & t.grammemes) or t.POS in _ADJECTIVE for t in readings
        )
    )
    return tuple(dict.fromkeys(known + guessed)), not_a_place


_NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr"})


@functools.lru_cache(maxsize=65536)
def name_like(word: str) -> bool:
    """Whether a capitalised word could be part of a person's name: a dictionary reading as a first name, surname
    or patronymic ("Володимир", "Савчук"), or no dictionary reading at all (a surname the dictionaries lack). A word
    the dictionaries know only as common words ("Жителька", "Обстрел", "Мер") is no one's name."""
    known = [p.tag for language in ("uk", "ru") for p in morph_analyser(language).parse(word) if p.is_known]
    return not known or any(_NAME_GRAMMEMES & t.grammemes for t in known)


def nominative_forms(word: str) -> list[str]:
    """The word itself, then the dictionary forms it could be an inflection of, most likely first.

    pymorphy3's dictionaries give the lemmas (Горлівці is Горлівка, Празі Прага, России Россия, and for a word
    they do not hold, its predictor guesses from the ending); the case endings below add what a dictionary of
    common words lacks for a place name: the fleeting vowel of Орел (в Орлі) and the alternations of Кривий Ріг
    (у Кривому Розі). The gazetteer decides among them.
    """
    forms = [word, *_dictionary_forms(word)[0]]
    for ending in _ENDINGS:
        if not word.endswith(ending) or len(word) - len(ending) < 2:
            continue
        stem = word[: -len(ending)]
        stems = [stem] + [stem[: -len(a)] + b for a, b in _ALTERNATIONS if stem.endswith(a)]
        if len(stem) >= 3 and stem[-1] in _CONSONANTS and stem[-2] in _CONSONANTS:
            stems += [stem[:-1] + vowel + stem[-1] for vowel in ("е", "о", "і")]  # Орлі: Орл-, Орел
        if ending in ("і", "е") and stem[-1:] in _SOFTENED:
            hard = stem[:-1] + _SOFTENED[stem[-1]]  # Розі: Рог-, and by the closing of о, Ріг
            stems += [hard, *(hard[: -len(a)] + b for a, b in _ALTERNATIONS if hard.endswith(a))]
        forms += [s + nom for s in stems for nom in _NOMINATIVE]
    return list(dict.fromkeys(forms))


def _plausible(rec: Record) -> bool:
    if rec.type not in _KINDS:
        return False
    if rec.type == "city" and rec.population < _MIN_TOWN:
        return False
    major = rec.type in ("country", "capital") or rec.population >= _MAJOR_CITY
    return major or rec.country_code in _CYRILLIC_COUNTRIES


def _adjacent(text: str, first: re.Match[str], second: re.Match[str]) -> bool:
    return second.start() == first.end() + 1 and text[first.end()] == " "


def _adjective_forms(word: str) -> list[str]:
    forms = [word]
    for ending in _ADJECTIVE_ENDINGS:
        if word.endswith(ending) and len(word) - len(ending) >= 3:
            forms += [word[: -len(ending)] + nom for nom in _ADJECTIVE_NOMINATIVE]
    return list(dict.fromkeys(forms))


def find_cyrillic_toponyms(text: str, geocoder: OfflineGeocoder) -> list[Mention]:
    """LOC mentions for the places named in the Cyrillic words of ``text``; ``norm["lemma"]`` holds the dictionary
    form that matched, which the geoparser resolves in place of the inflected text."""
    if not _CYRILLIC.search(text):
        return []
    gz = geocoder.gazetteer
    found: dict[tuple[int, int], Mention] = {}

    def match(start: int, end: int, forms: list[str], towns: bool = True) -> bool:
        # Every form the gazetteer knows competes, and the geocoder's own score (name quality, population) picks:
        # "Харкові" could be "Харк" (an Iranian island) by its longest ending, but is "Харків" (a city of 1.4M).
        best: tuple[float, str, Candidate] | None = None
        for rank, form in enumerate(forms):
            if not gz.lookup(name_key(form)):
                continue
            cands = geocoder.candidates(form, limit=3)
            if cands and _plausible(cands[0].record) and (towns or cands[0].record.type != "city"):
                score = cands[0].score - 0.01 * rank  # on a tie, the likelier reading of the ending
                if best is None or score > best[0]:
                    best = (score, form, cands[0])
        if best is None:
            return False
        _, form, top = best
        rec = top.record
        found[(start, end)] = Mention(
            start=start,
            end=end,
            text=text[start:end],
            label="LOC",
            score=round(top.probability * (1.0 if form == text[start:end] else 0.9), 4),
            source="gazetteer",
            norm={"geonameid": rec.geonameid, "name": rec.name, "country_code": rec.country_code or None,
                  "lemma": form},
        )  # fmt: skip
        return True

    for m in _OBLAST.finditer(text):
        stem, suffix = m.group(1), m.group(2)
        ru_suffix = suffix.replace("ь", "")
        match(m.start(), m.end(), [f"{stem}{suffix}а область", f"{stem}{ru_suffix}ая область"])
    words = [m for m in _WORD.finditer(text) if not any(s <= m.start() < e for s, e in found)]
    taken: set[int] = set()
    for first, second in itertools.pairwise(words):
        if _adjacent(text, first, second) and first.start() not in taken:
            forms = [f"{a} {b}" for a in _adjective_forms(first.group()) for b in nominative_forms(second.group())]
            if match(first.start(), second.end(), forms):
                taken |= {first.start(), second.start()}
    # Two capitalised words side by side that are not a place together may be a person's names: "Володимир
    # Зеленський" is a man, though Volodymyr is also a town; "Марія Захарова" is not Zakharovo. Such a word may still
    # name a country or a region ("Минобороны России", "Слава Україні"), which no one is named after.
    # Only words that could be a name count: "Обстрел Белгорода", "Жителька Сум", "Мер Сум" open with a common noun,
    # capitalised as the sentence's first word, and the town beside it is still a town.
    in_name = {
        w.start()
        for pair in itertools.pairwise(words)
        if _adjacent(text, *pair) and all(name_like(w.group()) for w in pair)
        for w in pair
    }
    for m in words:
        if m.start() not in taken and not _dictionary_forms(m.group())[1]:
            match(m.start(), m.end(), nominative_forms(m.group()), towns=m.start() not in in_name)
    for m in _ACRONYM.finditer(text):
        if not any(s <= m.start() < e for s, e in found):
            match(m.start(), m.end(), [m.group()])
    return sorted(found.values(), key=lambda x: x.start)
