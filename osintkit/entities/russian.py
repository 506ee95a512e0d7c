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
- the European Union and its bodies are organisations, not places.

Every word a rule needs is read from pymorphy3's Russian dictionary (lemmas), not matched on its written form. The
rules were chosen reading the errors on the even-numbered factRuEval devset texts only; the odd ones are held out
(see benchmarks/bench_ukru.py, which reports both halves).
"""

from __future__ import annotations

import functools
import re

from osintkit.geo.cyrillic import morph_analyser

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
    {"площадь", "улица", "проспект", "переулок", "бульвар", "шоссе", "набережная", "остров", "река", "озеро", "город"}
)
# Lemmas of the European Union's names and bodies: organisations, though natasha calls them places.
_UNION_BODIES = frozenset({"евросоюз", "еврокомиссия", "ес", "европарламент"})
_PARENTHESISED = re.compile(r"^(?P<outer>[^()]*\S)\s*\((?P<inner>[^()]+)\)$")


@functools.lru_cache(maxsize=65536)
def _lemmas(word: str) -> frozenset[str]:
    return frozenset(p.normal_form for p in morph_analyser("ru").parse(word.lower()))


def repair_russian(text: str, spans: list[Span]) -> list[Span]:
    """natasha's (start, stop, PER/ORG/LOC) spans on Russian ``text``, rebounded by the rules of this module."""
    out = _split_parentheses(text, spans)
    out = _names_after_legal_forms(text, out)
    out = [_without_place_descriptor(text, s) for s in out]
    out = [_union_body(text, s) for s in out]
    return _joined_bodies(text, sorted(out))


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
        out.append(span)
    return out
