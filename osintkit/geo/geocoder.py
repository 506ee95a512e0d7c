"""``OfflineGeocoder``: geopy's Geocoder interface over the offline gazetteer, with ranking that can use context.

Candidates are ranked by population, feature type (country > admin1 > capital > city > village), how well the name
matched, and, inside a document, the countries and admin areas mentioned elsewhere in it.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from geopy.adapters import BaseSyncAdapter
from geopy.geocoders.base import Geocoder
from geopy.location import Location
from geopy.point import Point

from ..errors import GeocodingError, InputError, NetworkDisabledError
from .gazetteer import Q_ALIAS, Q_BASE, Q_NAME, Q_ROMAN, Gazetteer, Record, default_gazetteer, feature_type
from .normalise import latin_key, name_key, split_admin, strip_article

__all__ = ["FEATURES", "Candidate", "Context", "NoNetworkAdapter", "OfflineGeocoder"]

# Prior by feature type: a country beats a same-named town; a capital beats a same-sized city.
TYPE_BONUS = {
    "country": 2.5,
    "admin1": 1.2,
    "region": 1.2,
    "continent": 2.0,
    "water": 1.5,
    "site": 0.5,
    "capital": 2.5,
    "city": 0.0,
    "admin2": -0.5,
    "admin": -1.0,
}
MATCH_BONUS = {Q_NAME: 1.8, Q_ALIAS: 0.2, Q_ROMAN: -1.5, Q_BASE: -2.5}
# An alternate name that resembles the record's own name (in Latin letters) is likelier its name than a former or
# mistaken one. GeoNames gives Nikopol the aliases "Sloviansk" and "Слов'янськ", which belong to Sloviansk, a town
# of the same size, and "Ставрополь" to Tolyatti (once Stavropol-on-Volga), which outnumbers Stavropol.
ALIAS_LIKENESS_BONUS = 0.6
# A bare name shared by an admin area and a large town inside it ("Kursk", "New York") means the town.
TOWN_OVER_ADMIN_SHARE = 0.1
TOWN_OVER_ADMIN_MARGIN = 0.3
POP_WEIGHT = 0.9
# "the X region": admin areas found by their bare name rise; same-named towns sink.
ADMIN_INTENT_BONUS = 1.5
ADMIN_INTENT_CITY_PENALTY = -3.0
DEMONYM_BONUS = 0.5
# GeoNames semantics: records of the biased countries come first when there are any.
COUNTRY_BIAS_BONUS = 10.0
# Document context: a candidate in a country the document talks about, or in an admin area it names.
CONTEXT_COUNTRY_BONUS = 2.0
CONTEXT_ADMIN1_BONUS = 1.5
CONTEXT_NEAR_BONUS = 1.0
# A document that lists other states of a country ("Iowa", "Texas") means that country's state by "Washington".
CONTEXT_SIBLING_BONUS = 0.9
# ...and one whose towns the document names ("Buffalo") means the state by "New York" (a nearby town such as
# "Brooklyn" still wins the city, through CONTEXT_NEAR_BONUS).
CONTEXT_HOLDS_BONUS = 0.9
NEAR_KM = 150.0

# ``feature=`` accepts these words, GeoNames feature classes ("P", "A", "L") or codes ("PPLC", "ADM1").
FEATURES: dict[str, frozenset[str]] = {
    "country": frozenset({"country"}),
    "admin1": frozenset({"admin1"}),
    "admin": frozenset({"admin1", "admin2", "admin"}),
    "state": frozenset({"admin1"}),
    "region": frozenset({"region", "admin1", "continent"}),
    "capital": frozenset({"capital"}),
    "city": frozenset({"city", "capital"}),
    "continent": frozenset({"continent"}),
}
# Directional words news puts before a place: "eastern Ukraine" is a part of Ukraine, so Ukraine is the answer.
_DIRECTIONS = (
    "northern ",
    "southern ",
    "eastern ",
    "western ",
    "central ",
    "north ",
    "south ",
    "east ",
    "west ",
    "northeastern ",
    "northwestern ",
    "southeastern ",
    "southwestern ",
    "northeast ",
    "northwest ",
    "southeast ",
    "southwest ",
    "upper ",
    "lower ",
    "greater ",
    "downtown ",
    "rural ",
    "occupied ",
)


class NoNetworkAdapter(BaseSyncAdapter):  # type: ignore[misc]  # geopy ships no type hints: Any to mypy
    """A geopy adapter that refuses every request: the offline geocoder never talks to the network."""

    def __init__(self, *, proxies: Any = None, ssl_context: Any = None) -> None:
        super().__init__(proxies=proxies, ssl_context=ssl_context)

    def get_json(self, url: str, *, timeout: Any, headers: Any) -> Any:
        raise NetworkDisabledError(f"network use is disabled for the offline geocoder (refused {url!r})")

    def get_text(self, url: str, *, timeout: Any, headers: Any) -> str:
        raise NetworkDisabledError(f"network use is disabled for the offline geocoder (refused {url!r})")


@dataclass
class Context:
    """What the rest of a document says about where it is: country weights, named admin areas, resolved points."""

    countries: dict[str, float] = field(default_factory=dict)
    admin1: set[tuple[str, str]] = field(default_factory=set)
    points: list[tuple[float, float]] = field(default_factory=list)
    # Admin areas that hold the towns resolved elsewhere in the document ("Buffalo" → New York State).
    holding_admin1: set[tuple[str, str]] = field(default_factory=set)

    def bonus(self, rec: Record) -> float:
        out = 0.0
        weight = self.countries.get(rec.country_code, 0.0)
        if weight > 0:
            out += CONTEXT_COUNTRY_BONUS * min(1.0, 0.5 + weight)
        if rec.admin1 and (rec.country_code, rec.admin1) in self.admin1 and rec.type not in ("country", "admin1"):
            out += CONTEXT_ADMIN1_BONUS
        if rec.type == "admin1" and any(cc == rec.country_code and a != rec.admin1 for cc, a in self.admin1):
            out += CONTEXT_SIBLING_BONUS
        if rec.type == "admin1" and rec.admin1 and (rec.country_code, rec.admin1) in self.holding_admin1:
            out += CONTEXT_HOLDS_BONUS
        if self.points and rec.type in ("city", "capital", "admin2", "admin"):
            near = min(_fast_km(rec.lat, rec.lng, la, lo) for la, lo in self.points)
            if near < NEAR_KM:
                out += CONTEXT_NEAR_BONUS
        return out


def _likeness(key: str, name: str) -> float:
    """0 (unlike) to 1 (the same letters): how far a query key reads as the record's own name, in Latin letters."""
    ratio = difflib.SequenceMatcher(None, latin_key(key), latin_key(name_key(name)), autojunk=False).ratio()
    return max(0.0, (ratio - 0.5) / 0.5)


def _fast_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Equirectangular distance: plenty for 'is it within 150 km', and far cheaper than geodesic."""
    x = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    y = math.radians(lat2 - lat1)
    return 6371.0 * math.hypot(x, y)


@dataclass
class Candidate:
    """A scored gazetteer record for one query."""

    record: Record
    score: float
    match: str
    prior: float = 0.0
    probability: float = 0.0

    def summary(self) -> dict[str, Any]:
        r = self.record
        return {
            "geonameid": r.geonameid,
            "name": r.name,
            "lat": r.lat,
            "lng": r.lng,
            "countryCode": r.country_code,
            "fcode": r.fcode,
            "type": r.type,
            "population": r.population,
            "score": round(self.score, 3),
            "probability": round(self.probability, 4),
        }


def _feature_filter(feature: str | Iterable[str] | None) -> tuple[set[str], set[str], set[str]] | None:
    """(types, feature classes, feature codes) accepted, or None for no filter."""
    if feature is None:
        return None
    items = [feature] if isinstance(feature, str) else list(feature)
    types: set[str] = set()
    classes: set[str] = set()
    codes: set[str] = set()
    for item in items:
        word = item.strip()
        if word.lower() in FEATURES:
            types |= FEATURES[word.lower()]
        elif len(word) == 1 and word.upper() in "AHLPRSTUV":
            classes.add(word.upper())
        elif word.isupper() and word.isalnum():
            codes.add(word)
        else:
            raise InputError(
                f"unknown feature {item!r}: use one of {sorted(FEATURES)}, a GeoNames class or code", field="feature"
            )
    return types, classes, codes


def _country_set(country: str | Sequence[str] | None, field_name: str) -> set[str] | None:
    if country is None:
        return None
    items = [country] if isinstance(country, str) else list(country)
    out = set()
    for item in items:
        code = item.strip().upper()
        if len(code) != 2 or not code.isalpha():
            raise InputError(f"not an ISO 3166 alpha-2 country code: {item!r}", field=field_name)
        out.add(code)
    return out


class OfflineGeocoder(Geocoder):  # type: ignore[misc]
    """A geopy geocoder answering from the shipped gazetteer; it never opens a connection.

    >>> OfflineGeocoder().geocode("Kiev").raw["name"]
    'Kyiv'
    """

    def __init__(self, gazetteer: Gazetteer | None = None, *, cache_size: int = 100_000) -> None:
        super().__init__(adapter_factory=NoNetworkAdapter, user_agent="osintkit-offline")
        self._gazetteer = gazetteer
        self._cache: dict[tuple[Any, ...], list[Candidate]] = {}
        self._cache_size = cache_size

    @property
    def gazetteer(self) -> Gazetteer:
        if self._gazetteer is None:
            self._gazetteer = default_gazetteer()
        return self._gazetteer

    # -- ranking ---------------------------------------------------------------------------------------------------

    def _collect(self, key: str) -> dict[int, tuple[float, str]]:
        """geonameid → (match bonus, how it matched) for a normalised query."""
        gz = self.gazetteer
        found: dict[int, tuple[float, str]] = {}

        def add(ids: Iterable[tuple[int, int]], how: str, extra: float = 0.0) -> None:
            for gid, q in ids:
                bonus = MATCH_BONUS[q] + extra
                if q in (Q_ALIAS, Q_ROMAN) and (rec := gz.get(gid)) is not None:
                    bonus += ALIAS_LIKENESS_BONUS * _likeness(key, rec.name)
                if gid not in found or bonus > found[gid][0]:
                    found[gid] = (bonus, how if q != Q_BASE else how + "-base")

        add(gz.lookup(key), "name")
        bases = split_admin(key)
        if bases:
            # An area whose full name is the query ("Jefferson Parish") beats areas found by the bare name
            # ("Jefferson County"), which the loop below lifts by ADMIN_INTENT_BONUS.
            for gid, (bonus, how) in list(found.items()):
                rec = gz.get(gid)
                if rec is not None and rec.fcl != "P":
                    found[gid] = (bonus + ADMIN_INTENT_BONUS + 0.5, how)
            # "kursk region": the area by its bare name; same-named towns only as a poor fallback.
            for base in bases:
                for gid, q in gz.lookup(base):
                    rec = gz.get(gid)
                    if rec is None:
                        continue
                    if rec.fcl == "P":
                        bonus = MATCH_BONUS[q] + ADMIN_INTENT_CITY_PENALTY
                    else:
                        bonus = MATCH_BONUS[min(q, Q_ALIAS)] + ADMIN_INTENT_BONUS
                    if gid not in found or bonus > found[gid][0]:
                        found[gid] = (bonus, "admin")
        cc = gz.demonym(key)
        if cc is not None and (rec := gz.country(cc)) is not None:
            bonus = MATCH_BONUS[Q_NAME] + DEMONYM_BONUS
            if rec.geonameid not in found or bonus > found[rec.geonameid][0]:
                found[rec.geonameid] = (bonus, "demonym")
        if not found:
            for prefix in _DIRECTIONS:
                if key.startswith(prefix) and len(key) > len(prefix) + 2:
                    for gid, (bonus, how) in self._collect(key[len(prefix) :]).items():
                        found[gid] = (bonus - 0.5, how + "-part")
                    break
        if not found and key.endswith("s") and len(key) > 4:
            # Plural demonyms and "the Philippines"-style plurals.
            for gid, (bonus, how) in self._collect(key[:-1]).items():
                if how.startswith("demonym"):
                    found[gid] = (bonus, how)
        return found

    def candidates(
        self,
        query: str,
        *,
        country: str | Sequence[str] | None = None,
        country_bias: str | Sequence[str] | None = None,
        feature: str | Iterable[str] | None = None,
        context: Context | None = None,
        limit: int = 10,
    ) -> list[Candidate]:
        """Ranked candidates for a place name; ``probability`` is a softmax over their scores."""
        if not isinstance(query, str):
            raise InputError(f"a place query must be a string, not {type(query).__name__}", field="query")
        countries = _country_set(country, "country")
        bias = _country_set(country_bias, "country_bias")
        features = _feature_filter(feature)
        key = strip_article(name_key(query))
        if not key:
            return []
        cache_key = (key,)
        ranked = self._cache.get(cache_key)
        if ranked is None:
            ranked = self._rank(key)
            if len(self._cache) >= self._cache_size:
                self._cache.clear()
            self._cache[cache_key] = ranked
        if countries is None and bias is None and features is None and context is None:
            return ranked[:limit]
        out = []
        for cand in ranked:
            rec = cand.record
            if countries is not None and rec.country_code not in countries:
                continue
            if features is not None:
                types, classes, codes = features
                if not (rec.type in types or rec.fcl in classes or rec.fcode in codes):
                    continue
            score = cand.prior
            if bias is not None and rec.country_code in bias:
                score += COUNTRY_BIAS_BONUS
            if context is not None:
                score += context.bonus(rec)
            out.append(Candidate(rec, score, cand.match, cand.prior))
        out.sort(key=lambda c: (-c.score, c.record.type_rank, -c.record.population, c.record.geonameid))
        _softmax(out)
        return out[:limit]

    def _rank(self, key: str) -> list[Candidate]:
        found = self._collect(key)
        if not found:
            return []
        recs = self.gazetteer.records(found)
        out = []
        for rec in recs:
            bonus, how = found[rec.geonameid]
            prior = POP_WEIGHT * math.log10(rec.population + 10) + TYPE_BONUS.get(rec.type, 0.0) + bonus
            out.append(Candidate(rec, prior, how, prior))
        _town_over_admin(out)
        out.sort(key=lambda c: (-c.score, c.record.type_rank, -c.record.population, c.record.geonameid))
        _softmax(out)
        return out

    # -- geopy interface -------------------------------------------------------------------------------------------

    def _location(self, cand: Candidate, others: Sequence[Candidate]) -> Location:
        rec = cand.record
        raw = rec.to_raw()
        raw.update(
            {
                "score": round(cand.score, 4),
                "confidence": round(cand.probability, 4),
                "type": rec.type,
                "match": cand.match,
                "candidates": [c.summary() for c in others if c is not cand],
            }
        )
        country = self.gazetteer.country(rec.country_code) if rec.country_code else None
        parts = [rec.name]
        if country is not None and country.geonameid != rec.geonameid:
            parts.append(country.name)
        return Location(", ".join(parts), Point(rec.lat, rec.lng), raw)

    def geocode(
        self,
        query: str,
        *,
        exactly_one: bool = True,
        country: str | Sequence[str] | None = None,
        country_bias: str | Sequence[str] | None = None,
        feature: str | Iterable[str] | None = None,
        limit: int = 10,
        timeout: Any = None,
    ) -> Location | list[Location] | None:
        """Best match (``exactly_one``) or ranked matches as geopy Locations; None when nothing matches."""
        cands = self.candidates(query, country=country, country_bias=country_bias, feature=feature, limit=limit)
        if not cands:
            return None
        if exactly_one:
            return self._location(cands[0], cands)
        return [self._location(c, cands) for c in cands]

    def reverse(
        self,
        query: Any,
        *,
        exactly_one: bool = True,
        radius_km: float = 50.0,
        limit: int = 10,
        timeout: Any = None,
    ) -> Location | list[Location] | None:
        """The populated place at a point: nearest, with larger places favoured a little; None out at sea."""
        try:
            point = Point(query)
        except (ValueError, TypeError) as exc:
            raise InputError(f"not a coordinate pair: {query!r} ({exc})", field="query") from None
        lat, lng = point.latitude, point.longitude
        found: list[tuple[float, Record]] = []
        radius = min(5.0, radius_km)
        while not found and radius <= radius_km:
            for rec in self.gazetteer.nearby(lat, lng, radius):
                km = _fast_km(lat, lng, rec.lat, rec.lng)
                if km <= radius:
                    # A capital 300 m away beats a hamlet 200 m away; a hamlet you stand in beats a city 40 km off.
                    found.append((km - 3.0 * math.log10(rec.population + 10), rec))
            radius *= 3
        if not found:
            return None
        found.sort(key=lambda t: (t[0], t[1].geonameid))
        cands = [Candidate(rec, -eff, "reverse", -eff) for eff, rec in found[:limit]]
        _softmax(cands)
        if exactly_one:
            return self._location(cands[0], cands)
        return [self._location(c, cands) for c in cands]


def _town_over_admin(cands: list[Candidate]) -> None:
    """Lift a town above a same-named admin area that contains it, unless the query asked for the area."""
    admins = [
        c
        for c in cands
        if c.record.type in ("admin1", "admin2") and c.match in ("name", "name-base") and c.record.admin1
    ]
    if not admins:
        return
    for town in cands:
        rec = town.record
        if rec.fcl != "P" or town.match not in ("name",):
            continue
        for adm in admins:
            a = adm.record
            if (
                a.country_code == rec.country_code
                and a.admin1 == rec.admin1
                and rec.population >= TOWN_OVER_ADMIN_SHARE * max(a.population, 1)
                and adm.prior + TOWN_OVER_ADMIN_MARGIN > town.prior
            ):
                town.prior = town.score = adm.prior + TOWN_OVER_ADMIN_MARGIN


def _softmax(cands: list[Candidate]) -> None:
    if not cands:
        return
    top = max(c.score for c in cands)
    weights = [math.exp(c.score - top) for c in cands]
    total = sum(weights)
    for c, w in zip(cands, weights, strict=True):
        c.probability = w / total


def record_type(rec: Record) -> str:
    return feature_type(rec.fcl, rec.fcode)


def ensure_offline(geocoder: Any) -> None:
    """Raise unless ``geocoder`` is offline (used where a caller may pass any geopy geocoder)."""
    if not isinstance(geocoder, OfflineGeocoder) and getattr(geocoder, "osintkit_online_opt_in", False) is not True:
        raise GeocodingError("an online geocoder must be created with osintkit.geo.online_geocoder (opt-in)")
