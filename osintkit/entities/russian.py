"""Rules that repair natasha's Russian spans where they disagree with how Russian news names are bounded.

natasha's slovnet model reads Russian names well; its errors on factRuEval-2016 are mostly about where a name
starts and stops, and those follow a few regular patterns of Russian news writing:

- a name followed by its other spelling in parentheses, "Джошуа Вольф (Joshua Wolf)", "Комитет защиты журналистов
  (КЗЖ)", is two mentions of one thing, not one mention;
- a company's legal form or a news agency's kind ("ОАО", "ООО", "РИА", "концерн") is not part of its name: the
  name is what the quotes hold, 'ОАО «Газпром»' names Газпром;
- a body and the body or the place it belongs to or serves, "Палаты представителей Конгресса США", "ГУ МЧС
  России по Санкт-Петербургу", "Следственного комитета при прокуратуре", are one name;
- a river, island or street named before its proper name is not part of it: "реки Славянки" names Славянка,
  "Острова Уайт" Уайт (after an adjective it is: "Курильские острова"; and a region, "Свердловской области",
  keeps its noun, as the annotators of Russian news did);
- the European Union and its bodies are organisations, not places;
- an organisation named with the adjective of its country or owner in lower case, "японского МИДа", includes it
  (adjectives of belonging in -ский/-цкий only), and a part of a place named by a common noun joins the place it
  is part of, "Южного округа Нью-Йорка";
- a Latin spelling in parentheses right after a name is that name again. Latin words elsewhere are left alone:
  in Russian news they are as often products, software or space missions as companies.

Every word a rule needs is read from pymorphy3's Russian dictionary (lemmas), not matched on its written form. The
rules were chosen reading the errors on the even-numbered factRuEval devset texts only; the odd ones are held out
(see benchmarks/bench_ukru.py, which reports both halves).
"""

from __future__ import annotations

import re

from osintkit.geo.cyrillic import lemmas, morph_analyser

__all__ = ["repair_russian"]

Span = tuple[int, int, str]

# Legal forms and kinds of company or agency written before a name: the name is what follows them.
_LEGAL_FORMS = frozenset("""ООО ОАО ЗАО ПАО АО НАО ГУП ФГУП МУП ГУ ФГУ НКО АНО ИА РИА ТК ИД ЧОП НПО НПП ФГБУ""".split())
_LEGAL_WORDS = frozenset({"концерн", "компания", "агентство", "холдинг", "корпорация", "фирма", "банк"})
_LATIN_WORD = r"[A-Z](?:[\w&]|[.-](?=\w)){1,40}"
_LEGAL_NAME = re.compile(
    r"(?<!\w)(?P<form>[А-ЯЁа-яё]{2,12})\s+"
    rf"(?:«(?P<quoted>[^«»\n]{{1,80}})»|(?P<latin>{_LATIN_WORD}(?: {_LATIN_WORD}){{0,3}}))"
)
# Descriptors of a place that factRuEval leaves outside the name ("реки Славянки" names Славянка).
_PLACE_DESCRIPTORS = frozenset(
    {
        "площадь",
        "улица",
        "проспект",
        "переулок",
        "бульвар",
        "шоссе",
        "набережная",
        "остров",
        "река",
        "озеро",
        "город",
        "мыс",
    }
)
# Lemmas of the European Union's names and bodies: organisations, though natasha calls them places.
_UNION_BODIES = frozenset({"евросоюз", "еврокомиссия", "ес", "европарламент"})
_PARENTHESISED = re.compile(r"^(?P<outer>[^()]*\S)\s*\((?P<inner>[^()]+)\)$")


def _lemmas(word: str) -> frozenset[str]:
    return lemmas(word.lower(), "ru")


def repair_russian(text: str, spans: list[Span]) -> list[Span]:
    """natasha's (start, stop, PER/ORG/LOC) spans on Russian ``text``, rebounded by the rules of this module."""
    out = _split_parentheses(text, spans)
    out = _names_after_legal_forms(text, out)
    out = [_without_place_descriptor(text, s) for s in out]
    # A descriptor alone in lower case ("на мысе Канаверал" gives "мысе" and "Канаверал") is no name.
    out = [(s, e, lab) for s, e, lab in out if not (text[s:e].islower() and _lemmas(text[s:e]) & _PLACE_DESCRIPTORS)]
    out = [_union_body(text, s) for s in out]
    out = _joined_bodies(text, sorted(out))
    out = _with_relative_adjective(text, out)
    return _with_latin_names(text, out)


def _with_relative_adjective(text: str, spans: list[Span]) -> list[Span]:
    """An organisation named with the adjective of its country, city or owner before it, in lower case and in
    the same case: "японского МИДа", "мюнхенской Баварии", "президентского совета". Only adjectives of
    belonging (-ский, -цкий: made from a noun), never one of quality or order ("нового", "бывшего", "первого")."""
    out: list[Span] = []
    for s, e, label in spans:
        before = re.search(r"(?<!\w)([а-яё]+)\s$", text[max(0, s - 40) : s])
        first = re.match(r"\w+", text[s:e])
        if label == "ORG" and before and first:
            cases = {p.tag.case for p in morph_analyser("ru").parse(first.group()) if p.tag.POS == "NOUN"}
            adjective = [
                p
                for p in morph_analyser("ru").parse(before.group(1))
                if p.tag.POS == "ADJF" and p.normal_form.endswith(("ский", "цкий")) and "Qual" not in p.tag.grammemes
            ]
            if any(p.tag.case in cases for p in adjective):
                s -= len(before.group(0))
        out.append((s, e, label))
    return out


def _with_latin_names(text: str, spans: list[Span]) -> list[Span]:
    """A name in Latin letters in parentheses right after a name is that name's spelling and takes its label:
    "Комитет защиты журналистов (КЗЖ) (Committee to Protect Journalists)"."""
    taken = [(s, e) for s, e, _ in spans]
    out = list(spans)
    for m in re.finditer(r"(?<![\w.@/:-])[A-Za-z0-9][A-Za-z0-9&'-]*(?: [A-Za-z0-9][A-Za-z0-9&'-]*)*(?![\w])", text):
        words = m.group().split()
        while words and not _latin_name_word(words[-1]):
            words.pop()
        while words and not _latin_name_word(words[0]):
            words.pop(0)
        if not words or not any(c.isalpha() and c.isascii() for c in "".join(words)):
            continue
        start = m.start() + m.group().index(words[0])
        end = start + len(" ".join(words))
        if text[start:end] != " ".join(words) or any(s < end and start < e for s, e in taken):
            continue
        # Only in parentheses right after a name: elsewhere Latin words in Russian news are as often products,
        # software or missions ("Windows", "STS-124", "Angry Birds") as companies.
        previous = [x for x in spans if re.fullmatch(r"\)?\s*\(", text[x[1] : start])]
        if previous and text[end : end + 1] == ")":
            out.append((start, end, previous[-1][2]))
    return sorted(out)


def _latin_name_word(word: str) -> bool:
    """A word that can start or end a Latin name: with a capital or a digit and a letter ("3Com", "comScore")."""
    return (word[:1].isupper() or word[:1].isdigit() or any(c.isupper() for c in word[1:])) and any(
        c.isalpha() for c in word
    )


def _split_parentheses(text: str, spans: list[Span]) -> list[Span]:
    """'Джошуа Вольфа (Joshua Wolf)' is the name and its other spelling: two spans of the same label."""
    out: list[Span] = []
    for s, e, label in spans:
        m = _PARENTHESISED.match(text[s:e])
        if m is None or not re.search(r"\w", m["inner"]):
            out.append((s, e, label))
            continue
        inner_start = s + m.start("inner") + (len(m["inner"]) - len(m["inner"].lstrip()))
        out.append((s, s + m.end("outer"), label))
        out.append((inner_start, s + m.end("inner") - (len(m["inner"]) - len(m["inner"].rstrip())), label))
    return out


def _names_after_legal_forms(text: str, spans: list[Span]) -> list[Span]:
    """'ОАО «Газпром»', 'ИА Regnum', 'концерн «Майкрософт»': the organisation's name is the part after the form.
    It replaces the spans it overlaps; a form natasha left untagged is found all the same."""
    found: list[tuple[int, int]] = []
    for m in _LEGAL_NAME.finditer(text):
        if m["form"] not in _LEGAL_FORMS and not _lemmas(m["form"]) & _LEGAL_WORDS:
            continue
        group = "quoted" if m["quoted"] is not None else "latin"
        found.append((m.start(group), m.end(group)))
    if not found:
        return spans
    kept = [x for x in spans if not any(x[0] < fe + 1 and fs - 1 < x[1] for fs, fe in found)]
    # A span that reaches back over the form ('Концерн «Майкрософт»') goes too; one only inside the name stays out.
    kept = [x for x in kept if not any(x[0] <= fs <= x[1] for fs, _ in found)]
    return kept + [(s, e, "ORG") for s, e in found]


def _without_place_descriptor(text: str, span: Span) -> Span:
    """'реки Славянки' -> 'Славянки', 'Острова Уайт' -> 'Уайт'; a span that is only a descriptor stays."""
    s, e, label = span
    if label != "LOC":
        return span
    words = list(re.finditer(r"\S+", text[s:e]))
    if len(words) < 2:
        return span
    # Only a descriptor before the name: after an adjective it is part of it ("Курильские острова", "Старом
    # городе", "Боденским озером").
    if _lemmas(words[0].group()) & _PLACE_DESCRIPTORS:
        return s + words[1].start(), e, label
    return span


def _union_body(text: str, span: Span) -> Span:
    """'ЕС', 'Евросоюзом', 'Европейского союза', 'Еврокомиссия' are organisations."""
    s, e, label = span
    if label != "LOC":
        return span
    words = text[s:e].split()
    lemmas = [_lemmas(w) for w in words]
    if len(words) == 1 and lemmas[0] & _UNION_BODIES:
        return s, e, "ORG"
    if len(words) == 2 and "европейский" in lemmas[0] and "союз" in lemmas[1]:
        return s, e, "ORG"
    return span


def _joined_bodies(text: str, spans: list[Span]) -> list[Span]:
    """A body and the body it belongs to are one name ("Палаты представителей" "Конгресса США", "ГУ" "МЧС
    России"), and so is a body and what it serves, after "по" or "при" ("МЧС по Санкт-Петербургу и
    Ленобласти", "Совета при Президенте РФ")."""
    out: list[Span] = []
    for span in spans:
        if out and out[-1][2] == "ORG":
            gap = text[out[-1][1] : span[0]]
            # A place right after a body is its seat ("МЧС России"), joined here too so that what follows the
            # seat ("по Санкт-Петербургу") can join the whole.
            joined = (span[2] in ("ORG", "LOC") and gap == " ") or (
                re.fullmatch(r" (?:по|при) ", gap) is not None and span[2] in ("ORG", "LOC", "PER")
            )
            if not joined and out[-1][2] == "ORG" and span[2] == "LOC" and re.fullmatch(r" и ", gap):
                # "МЧС по Санкт-Петербургу и Ленобласти": a second place after the first one the body serves.
                joined = bool(re.search(r" по \S+$", text[out[-1][0] : out[-1][1]]))
            if joined:
                out[-1] = (out[-1][0], span[1], "ORG")
                continue
        if out and out[-1][2] == span[2] == "LOC" and text[out[-1][1] : span[0]] == " ":
            # "Южного округа Нью-Йорка", "Гагаузской автономии Молдавской республики": a part of a place, named
            # by a common noun, and the place it is part of, in the genitive, are one name.
            words = text[out[-1][0] : out[-1][1]].split()
            if len(words) > 1 and words[-1].islower():
                out[-1] = (out[-1][0], span[1], "LOC")
                continue
        out.append(span)
    return out
