"""Tagging: the entity model's mentions merged with the rules' and the gazetteer's, in English, Russian and Ukrainian.

:func:`tag` and :func:`tag_many` run the model (:mod:`osintkit.entities.model`) on a text's English runs and natasha
(:mod:`osintkit.entities.slavic`) on its Russian and Ukrainian runs, add rule mentions (:mod:`osintkit.entities.rules`)
and gazetteer regions (:func:`osintkit.geo.toponyms.find_toponyms`), and resolve overlaps with
:func:`osintkit.entities.spans.merge_mentions`. Before the merge, the gazetteer checks the models' people and places:
a surname the model read as a place becomes PERSON, and natasha's "person" made of a common noun and a town gives
way to the town.
"""

from __future__ import annotations

import functools
import os
import re
import sys
import warnings
from collections.abc import Iterable, Sequence

from geopy.location import Location

from osintkit.entities.model import EntityModel, default_model
from osintkit.entities.normalise import person_tokens, reads_as_person
from osintkit.entities.rules import rule_mentions
from osintkit.entities.slavic import NER_MODEL, SLAVIC_LANGUAGES, slavic_mentions
from osintkit.entities.spans import merge_mentions
from osintkit.errors import LanguageWarning
from osintkit.geo.cyrillic import name_like
from osintkit.geo.geocoder import OfflineGeocoder
from osintkit.geo.normalise import name_key
from osintkit.geo.toponyms import find_toponyms
from osintkit.model import Document, Mention
from osintkit.text import detect_language, language_spans

__all__ = ["tag", "tag_many"]


def _resolve_model(model: EntityModel | str | os.PathLike[str] | None) -> EntityModel:
    if model is None:
        return default_model()
    if isinstance(model, EntityModel):
        return model
    return EntityModel.from_pretrained(str(model))


def _extra_mentions(text: str, published: str | None, rules: bool, gazetteer: bool) -> list[Mention]:
    out: list[Mention] = []
    if rules:
        out.extend(rule_mentions(text, published=published))
    if gazetteer:
        out.extend(find_toponyms(text))
    return out


_METONYM_TYPES = frozenset({"country", "capital"})


def _relabel_metonyms(mentions: list[Mention]) -> None:
    """A country or capital named as an actor ("Pyongyang deployed 11,000 soldiers") is tagged LOC, not ORG.

    Why: news uses capitals for governments; the model, trained partly on such text, sometimes calls them ORG.
    CoNLL-style guidelines (and the geoparser, which resolves LOC) treat them as places. Only exact gazetteer
    names of countries and capitals are relabelled, so "Reuters" or "the Kremlin" are left alone.
    """
    gc = _shared_geocoder()
    for m in mentions:
        if m.label != "ORG" or m.source != "model" or len(m.text) > 40:
            continue
        hit = gc.geocode(m.text)
        raw = hit.raw if isinstance(hit, Location) else {}  # exactly_one: a Location or None
        if raw.get("type") in _METONYM_TYPES and str(raw.get("name", "")).casefold() == m.text.casefold():
            m.label = "LOC"
            m.norm = {**m.norm, "relabelled_from": "ORG", "why": f"gazetteer {raw.get('type')}"}


def _places_read_as_people(ms: list[Mention], extra: list[Mention]) -> list[Mention]:
    """natasha's PERSON spans that are a common noun and a place the gazetteer found, left out for the place.

    Why: natasha reads "Жителька Сум" ("a resident of Sumy") as one person, and the longer span then hides the town
    from the merge. A person's name is made of names, so a span whose words beside the place are all words the
    dictionaries know only as common words names no one. Organisations are left alone: "Уряд України" is a body.
    """
    places = [g for g in extra if g.source == "gazetteer" and g.label == "LOC"]
    kept = []
    for m in ms:
        if m.label == "PERSON" and m.norm.get("model") == NER_MODEL:
            inside = [g for g in places if m.start <= g.start and g.end <= m.end and g.end - g.start < len(m.text)]
            rest = m.text
            for g in sorted(inside, key=lambda g: -g.start):
                rest = rest[: g.start - m.start] + " " + rest[g.end - m.start :]
            words = _CYRILLIC_WORD.findall(rest)
            if inside and words and len(words) == len(rest.split()) and not any(name_like(w) for w in words):
                continue
        kept.append(m)
    return kept


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff][\u0400-\u04ff'’ʼ-]*")
# A place the gazetteer knows as a country or capital stands for its government when it acts ("Pyongyang said").
_ACTING_PLACES = frozenset({"country", "capital"})


def _people_tagged_as_places(text: str, mentions: list[Mention]) -> None:
    """The model's LOC mentions that name a person, relabelled PERSON in place.

    Why: the model sometimes reads a surname standing alone as a place ("Zelenskyy announced on Saturday"), and the
    geoparser then pins it on the document's main town. A name becomes PERSON when the gazetteer knows no place by
    it and either the text names a person by it (the whole name, or the surname of a fuller PERSON mention) or the
    words around it read as a person's (a title before it, a speech verb after it: ``normalise``'s own reading).
    A name the gazetteer does know changes only with both; a country or capital never ("Moscow said").
    """
    people = [person_tokens(m.text) for m in mentions if m.label == "PERSON"]
    full = {p for p in people if p}
    surnames = {p[-1] for p in full if len(p) >= 2}
    gz = _shared_geocoder().gazetteer
    for m in mentions:
        if m.label != "LOC" or m.source != "model" or not _LATIN_LETTER.search(m.text):
            continue
        tokens = person_tokens(m.text)
        if not tokens:
            continue
        named = tokens in full or (len(tokens) == 1 and tokens[0] in surnames)
        records = gz.records([gid for gid, _ in gz.lookup(name_key(m.text))])
        if any(r.type in _ACTING_PLACES for r in records):
            continue
        context = reads_as_person(m, text)
        if (named and context) or (not records and (named or context)):
            why = context or "the text names a person by it"
            m.label = "PERSON"
            m.norm = {**m.norm, "relabelled_from": "LOC", "why": why}


@functools.lru_cache(maxsize=1)
def _shared_geocoder() -> OfflineGeocoder:
    return OfflineGeocoder()


def _text_of(item: str | Document) -> tuple[str, str | None, str | None]:
    if isinstance(item, Document):
        return item.text, item.published, item.id
    if isinstance(item, str):
        return item, None, None
    raise TypeError(f"tag() takes a str or a Document, not {type(item).__name__}")


_LATIN_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def _outside_languages(declared: Sequence[str | None], texts: Sequence[str], em: EntityModel) -> list[bool]:
    """Which texts are in a language the model was not trained on; warns, once per call, when any are.

    Why: an English model finds next to nothing in a Ukrainian Telegram post, and an empty result reads as "no one
    was named". The analyst should hear that the text was outside the model, not find out from a thin report.
    """
    others: dict[str, int] = {}
    outside = []
    for lang, text in zip(declared, texts, strict=True):
        lang = lang or detect_language(text)
        foreign = lang is not None and lang.split("-")[0].lower() not in (em.languages or ())
        outside.append(foreign)
        # Russian and Ukrainian are read by osintkit.entities.slavic, so they are outside this model but not unread.
        if lang and foreign and lang.split("-")[0].lower() not in SLAVIC_LANGUAGES:
            others[lang] = others.get(lang, 0) + 1
    if others:
        # Point the warning at the caller's line, however many of this module's functions lie between.
        frame, level = sys._getframe(1), 2
        while frame.f_back is not None and frame.f_code.co_filename == __file__:
            frame, level = frame.f_back, level + 1
        listed = ", ".join(f"{lang} ({n})" for lang, n in sorted(others.items(), key=lambda kv: -kv[1]))
        warnings.warn(
            f"{sum(others.values())} of {len(texts)} texts are in a language the entity model {em.name!r} was not "
            f"trained on ({', '.join(em.languages or ())}): {listed}. People, organisations and places in them will "
            "be missed (Ukrainian and Russian are read by natasha's model and the gazetteer), and the date and "
            "quantity rules read English too. For other languages, use a multilingual token-classification model: "
            "tag(..., model=NAME_OR_PATH) or `osintkit tag --model NAME_OR_PATH`.",
            LanguageWarning,
            stacklevel=level,
        )
    return outside


_CYRILLIC_LETTER = re.compile(r"[\u0400-\u04ff]")


def _slavic_parts(text: str, declared: str | None) -> list[tuple[int, int, str | None]]:
    """Language runs of a text holding Cyrillic, the language set on those in Russian or Ukrainian and None on the
    rest; empty when no part is. Text without a Cyrillic letter is never looked at, so English input is unchanged."""
    if not _CYRILLIC_LETTER.search(text):
        return []
    default = declared.split("-")[0].lower() if declared else None
    parts = [(s, e, lang if lang in SLAVIC_LANGUAGES else None) for s, e, lang in language_spans(text, default)]
    return parts if any(lang for _, _, lang in parts) else []


def _with_slavic_mentions(text: str, ms: list[Mention], parts: list[tuple[int, int, str | None]]) -> list[Mention]:
    """The English model's mentions outside the Russian and Ukrainian runs (and its Latin-script names inside
    them), with natasha's mentions of those runs."""
    runs = [(s, e, lang) for s, e, lang in parts if lang]
    kept = [m for m in ms if _LATIN_LETTER.search(m.text) or not any(s <= m.start < e for s, e, _ in runs)]
    for s, e, lang in runs:
        for m in slavic_mentions(text[s:e], lang or ""):
            m.start, m.end = m.start + s, m.end + s
            kept.append(m)
    return kept


def tag_many(
    items: Iterable[str | Document],
    *,
    model: EntityModel | str | os.PathLike[str] | None = None,
    rules: bool = True,
    gazetteer: bool = True,
    published: str | None = None,
    batch_size: int = 128,
) -> list[list[Mention]]:
    """Tag many texts or Documents at once; each document's sentences are batched together.

    ``published`` (ISO date) anchors relative dates for plain strings; a Document's own ``published`` wins.
    Returns one mention list per input, each sorted by start, with ``doc_id`` set for Documents.
    """
    items = list(items)
    parsed = [_text_of(x) for x in items]
    em = _resolve_model(model)
    texts = [t for t, _, _ in parsed]
    declared = [x.language if isinstance(x, Document) else None for x in items]
    outside = _outside_languages(declared, texts, em) if em.languages else [False] * len(texts)
    slavic = [_slavic_parts(text, lang) if em.languages else [] for text, lang in zip(texts, declared, strict=True)]
    # The model reads a text's other runs only: in Russian and Ukrainian it would add noise and, on a CPU, cost ten
    # times natasha's time (Cyrillic falls apart into word pieces). A text with no such run goes in whole, as before.
    jobs = [(i, s, e) for i, p in enumerate(slavic) for s, e, lang in p if lang is None]
    jobs += [(i, 0, len(texts[i])) for i, p in enumerate(slavic) if not p]
    jobs.sort()
    model_out: list[list[Mention]] = [[] for _ in texts]
    found_by_job = em.predict([texts[i][s:e] for i, s, e in jobs], batch_size=batch_size)
    for (i, s, _), found in zip(jobs, found_by_job, strict=True):
        for m in found:
            m.start, m.end = m.start + s, m.end + s
        model_out[i].extend(found)
    results = []
    for (text, pub, doc_id), ms, foreign, parts in zip(parsed, model_out, outside, slavic, strict=True):
        if foreign:
            # In a language the model never saw, only its Latin-script names are worth keeping ("Reuters" in a
            # Ukrainian post); what it tags in Cyrillic or Arabic is noise ("Розвідка" as a place).
            ms = [m for m in ms if _LATIN_LETTER.search(m.text)]
        if parts:
            ms = _with_slavic_mentions(text, ms, parts)
        extra = _extra_mentions(text, pub or published, rules, gazetteer)
        if parts:
            # natasha reads a person where the gazetteer knows a town of that name ("Виноградов", "Гагарина"); in
            # Russian, its own language, the model, which sees the sentence, decides that tie. Not in Ukrainian, where
            # it calls "у Києві" a person.
            people = {
                (m.start, m.end)
                for m in ms
                if m.label == "PERSON" and m.norm.get("model") == NER_MODEL and m.norm.get("language") == "ru"
            }
            extra = [m for m in extra if m.source != "gazetteer" or (m.start, m.end) not in people]
        if gazetteer:
            _relabel_metonyms(ms)
            _people_tagged_as_places(text, ms)
            if parts:
                ms = _places_read_as_people(ms, extra)
        merged = merge_mentions(ms, extra)
        for m in merged:
            if doc_id is not None:
                m.doc_id = doc_id
        results.append(merged)
    return results


def tag(
    text_or_document: str | Document,
    *,
    model: EntityModel | str | os.PathLike[str] | None = None,
    rules: bool = True,
    gazetteer: bool = True,
    published: str | None = None,
    batch_size: int = 128,
) -> list[Mention]:
    """Entity mentions in one text or Document: PERSON/ORG/LOC from the model; DATE, QUANTITY, NORP, VESSEL, EVENT,
    LAW and AWARD from rules; curated regions from the gazetteer; overlaps resolved by :func:`merge_mentions`.
    Offsets index the text."""
    return tag_many(
        [text_or_document], model=model, rules=rules, gazetteer=gazetteer, published=published, batch_size=batch_size
    )[0]
