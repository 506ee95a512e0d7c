"""Finding place names by gazetteer matching alone: multiword regions, countries with an "and", inflected Cyrillic.

This sits with the gazetteer beneath the entity tagger, which merges these mentions with its model's, and beneath
geoparsing, which resolves every LOC mention; so :mod:`osintkit.entities` reads the gazetteer without importing
:func:`osintkit.geo.geoparse`, which itself calls the tagger.
"""

from __future__ import annotations

import functools
import re

from ..errors import GeocodingError, InputError
from ..model import Mention
from .cyrillic import find_cyrillic_toponyms
from .gazetteer import Gazetteer, default_gazetteer
from .geocoder import OfflineGeocoder
from .normalise import name_key, split_admin, strip_article

__all__ = ["find_toponyms", "shared_geocoder"]

_DEFAULT_GEOCODER: OfflineGeocoder | None = None


def shared_geocoder(geocoder: OfflineGeocoder | None = None) -> OfflineGeocoder:
    """``geocoder`` if given (it must be offline), else one offline geocoder over the default gazetteer, rebuilt when
    the default gazetteer changes (a test or a user pointing ``OSINTKIT_CACHE_DIR`` elsewhere)."""
    global _DEFAULT_GEOCODER
    if geocoder is not None:
        if not isinstance(geocoder, OfflineGeocoder):
            raise GeocodingError("geoparse needs an OfflineGeocoder (online geocoders are for single opt-in lookups)")
        return geocoder
    gz = default_gazetteer()  # follows OSINTKIT_CACHE_DIR, so tests with their own cache get their own index
    if _DEFAULT_GEOCODER is None or _DEFAULT_GEOCODER.gazetteer is not gz:
        _DEFAULT_GEOCODER = OfflineGeocoder(gz)
    return _DEFAULT_GEOCODER


_REGION_WORDS = r"(?i:region|oblast|province|krai|governorate|federal district|district|republic)"
# A name's words may hold an apostrophe (Kam'yanets) but never end in a possessive: in "Russia's Kursk region" the
# region is "Kursk region", and a match that swallowed "Russia's" failed the gazetteer and hid the region behind it.
_NAME_WORD = r"[A-Z](?:[\w-]|[’'](?![sS]\b))+"
_ADMIN_PATTERN = re.compile(
    r"\b(?:the\s+)?((?:" + _NAME_WORD + r"\s+){1,2}" + _REGION_WORDS + r")\b|\b(Russia[’']s\s+Far\s+East)\b"
)
_CURATED_PHRASES: tuple[str, ...] = (
    "Russia's Far East",
    "Russian Far East",
    "Far Eastern Federal District",
    "Donbas",
    "Donbass",
    "Crimea",
    "Crimean Peninsula",
    "Siberia",
    "Transnistria",
    "South Ossetia",
    "Nagorno-Karabakh",
    "Gaza Strip",
    "West Bank",
    "Sahel",
    "Balkans",
    "Baltics",
    "Kashmir",
    "Darfur",
    "Kurdistan Region",
)
_CURATED_RE = re.compile(
    r"\b(?:the\s+)?("
    + "|".join(re.escape(p).replace(r"'", r"['’]").replace(r"\-", r"[-\s]") for p in _CURATED_PHRASES)
    + r")\b"
)


@functools.lru_cache(maxsize=4)
def _joined_countries_re(gazetteer: Gazetteer) -> re.Pattern[str] | None:
    """The gazetteer's country names that hold an "and" ("Bosnia and Herzegovina", "Trinidad and Tobago").

    Why: the entity model reads the "and" as a coordination and tags "Bosnia" and "Herzegovina" as two places,
    which then resolve to two different records.
    """
    names = sorted({r.name for r in gazetteer.countries.values() if " and " in r.name}, key=len, reverse=True)
    if not names:
        return None
    return re.compile(r"\b()(" + "|".join(re.escape(n).replace(r"\ ", r"\s+") for n in names) + r")\b")


def find_toponyms(text: str, *, geocoder: OfflineGeocoder | None = None) -> list[Mention]:
    """Multiword regions by gazetteer matching: "Russia's Far East", "Donbas", "the Kursk region", "Kursk Oblast",
    country names with an "and" in them ("Bosnia and Herzegovina"), and places named in Ukrainian or Russian in
    any grammatical case ("у Харкові", "в Курській області"; see :mod:`osintkit.geo.cyrillic`).

    Returned as LOC mentions with ``source="gazetteer"`` for the tagger to merge; ``norm`` holds the geonameid.
    """
    if not isinstance(text, str):
        raise InputError(f"find_toponyms needs a str, not {type(text).__name__}", field="text")
    gc = shared_geocoder(geocoder)
    out: dict[tuple[int, int], Mention] = {}
    regexes = [_CURATED_RE, _ADMIN_PATTERN, _joined_countries_re(gc.gazetteer)]
    for regex in (r for r in regexes if r is not None):
        for m in regex.finditer(text):
            group = 1 if m.group(1) else 2
            start, end = m.span(group) if m.group(group) else m.span()
            if m.group(0).lower().startswith("the ") and group == 1 and regex is _ADMIN_PATTERN:
                start = m.start()  # keep "the" so "the Kursk region" reads as the analyst wrote it
            phrase = text[start:end]
            key = strip_article(name_key(phrase))
            if regex is _ADMIN_PATTERN and not split_admin(key):
                continue
            cands = gc.candidates(phrase, limit=3)
            if not cands or (cands[0].record.type in ("city", "capital") and regex is _ADMIN_PATTERN):
                continue
            rec = cands[0].record
            span = (start, end)
            if any(s <= start and end <= e and (s, e) != span for s, e in out):
                continue
            for other in [k for k in out if start <= k[0] and k[1] <= end and k != span]:
                del out[other]
            out[span] = Mention(
                start=start,
                end=end,
                text=phrase,
                label="LOC",
                score=round(cands[0].probability, 4),
                source="gazetteer",
                norm={"geonameid": rec.geonameid, "name": rec.name, "country_code": rec.country_code or None},
            )
    for inflected in find_cyrillic_toponyms(text, gc):
        if not any(s < inflected.end and inflected.start < e for s, e in out):
            out[(inflected.start, inflected.end)] = inflected
    return sorted(out.values(), key=lambda x: (x.start, x.end))
