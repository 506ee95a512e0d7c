"""OfflineGeocoder in geopy's test-table style: query → expected coordinates within a tolerance, sockets blocked."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from geopy.geocoders.base import Geocoder
from geopy.location import Location

from osintkit.errors import GeocodingError, InputError, NetworkDisabledError
from osintkit.geo import OfflineGeocoder
from osintkit.geo.gazetteer import default_gazetteer

# One index for the whole test run, outside the user's cache (its name carries a fingerprint of the inputs).
GEO_TEST_CACHE = Path(tempfile.gettempdir()) / f"osintkit-test-geo-{os.getuid()}"


@pytest.fixture(scope="module")
def geocoder() -> Iterator[OfflineGeocoder]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("OSINTKIT_CACHE_DIR", str(GEO_TEST_CACHE))
        yield OfflineGeocoder(default_gazetteer())


# query, expected (lat, lon), tolerance in degrees, expected place type
TABLE = [
    ("Kursk", (51.73, 36.19), 0.1, "city"),
    ("the Kursk region", (51.5, 36.0), 1.0, "admin1"),
    ("Kursk Oblast", (51.5, 36.0), 1.0, "admin1"),
    ("Kursk region", (51.5, 36.0), 1.0, "admin1"),
    ("Kyiv", (50.45, 30.52), 0.1, "capital"),
    ("Kiev", (50.45, 30.52), 0.1, "capital"),
    ("Київ", (50.45, 30.52), 0.1, "capital"),
    ("Киев", (50.45, 30.52), 0.1, "capital"),
    ("KYIV", (50.45, 30.52), 0.1, "capital"),
    ("Pyongyang", (39.03, 125.75), 0.2, "capital"),
    ("North Korea", (40.0, 127.0), 1.0, "country"),
    ("North Korean", (40.0, 127.0), 1.0, "country"),
    ("Russia's Far East", (48.5, 135.1), 1.0, "region"),
    ("Russia’s Far-East", (48.5, 135.1), 1.0, "region"),
    ("Far Eastern Federal District", (48.5, 135.1), 1.0, "region"),
    ("Ukraine", (49.0, 32.0), 1.0, "country"),
    ("Russia", (60.0, 100.0), 1.0, "country"),
    ("Donbas", (48.0, 38.5), 1.0, "region"),
    ("Crimea", (45.0, 34.0), 1.0, "admin1"),
    ("São Paulo", (-23.55, -46.64), 0.2, "city"),
    ("Sao Paulo", (-23.55, -46.64), 0.2, "city"),
]


@pytest.mark.parametrize(("query", "expected", "tolerance", "kind"), TABLE, ids=[t[0] for t in TABLE])
def test_geocode_table(
    geocoder: OfflineGeocoder, query: str, expected: tuple[float, float], tolerance: float, kind: str
) -> None:
    loc = geocoder.geocode(query)
    assert isinstance(loc, Location), query
    assert abs(loc.latitude - expected[0]) <= tolerance, (query, loc.raw)
    assert abs(loc.longitude - expected[1]) <= tolerance, (query, loc.raw)
    assert loc.raw["type"] == kind, (query, loc.raw)


def test_is_a_geopy_geocoder_and_raw_is_geonames_shaped(geocoder: OfflineGeocoder) -> None:
    assert isinstance(geocoder, Geocoder)
    loc = geocoder.geocode("Kursk")
    assert isinstance(loc, Location)
    for field in ("geonameid", "name", "lat", "lng", "countryCode", "fcl", "fcode", "population", "admin1"):
        assert field in loc.raw
    assert loc.raw["name"] == "Kursk" and loc.raw["countryCode"] == "RU" and loc.raw["fcl"] == "P"
    assert loc.raw["geonameid"] == 538560
    assert 0 < loc.raw["confidence"] <= 1
    # The oblast is among the alternatives a reviewer can switch to.
    assert any(c["name"] == "Kursk Oblast" for c in loc.raw["candidates"])


def test_bare_name_is_the_city_and_region_phrase_is_the_oblast(geocoder: OfflineGeocoder) -> None:
    city = geocoder.geocode("Kursk")
    oblast = geocoder.geocode("the Kursk region")
    assert isinstance(city, Location) and isinstance(oblast, Location)
    assert city.raw["fcode"].startswith("PPL")
    assert oblast.raw["fcode"] == "ADM1" and oblast.raw["geonameid"] == 538555


def test_exactly_one_false_returns_ranked_list(geocoder: OfflineGeocoder) -> None:
    locs = geocoder.geocode("Paris", exactly_one=False)
    assert isinstance(locs, list) and len(locs) > 1
    assert locs[0].raw["countryCode"] == "FR"
    scores = [loc.raw["score"] for loc in locs]
    assert scores == sorted(scores, reverse=True)


def test_country_filter_and_bias(geocoder: OfflineGeocoder) -> None:
    us = geocoder.geocode("Paris", country="US")
    assert isinstance(us, Location) and us.raw["countryCode"] == "US"
    assert (
        geocoder.geocode("Kursk", country="UA") is None
        or geocoder.geocode("Kursk", country="UA").raw["countryCode"] == "UA"
    )
    biased = geocoder.geocode("Paris", country_bias="US")
    assert isinstance(biased, Location) and biased.raw["countryCode"] == "US"
    with pytest.raises(InputError):
        geocoder.geocode("Paris", country="USA")


def test_feature_filter(geocoder: OfflineGeocoder) -> None:
    oblast = geocoder.geocode("Kursk", feature="admin1")
    assert isinstance(oblast, Location) and oblast.raw["geonameid"] == 538555
    city = geocoder.geocode("Pyongyang", feature="P")
    assert isinstance(city, Location) and city.raw["fcl"] == "P"
    assert (
        geocoder.geocode("Ukraine", feature="city") is None
        or geocoder.geocode("Ukraine", feature="city").raw["fcl"] == "P"
    )
    with pytest.raises(InputError):
        geocoder.geocode("Kursk", feature="planet")


def test_unknown_place_is_none(geocoder: OfflineGeocoder) -> None:
    assert geocoder.geocode("Qwxzvbnmplk") is None
    assert geocoder.geocode("   ") is None


def test_reverse_of_kyiv_is_kyiv(geocoder: OfflineGeocoder) -> None:
    loc = geocoder.reverse((50.45, 30.52))
    assert isinstance(loc, Location)
    assert loc.raw["name"] == "Kyiv" and loc.raw["countryCode"] == "UA"
    assert geocoder.reverse("51.73, 36.19").raw["name"] == "Kursk"  # type: ignore[union-attr]
    assert geocoder.reverse((0.0, -140.0)) is None  # mid-Pacific
    with pytest.raises(InputError):
        geocoder.reverse("not a point")


def test_adapter_refuses_network(geocoder: OfflineGeocoder) -> None:
    with pytest.raises(NetworkDisabledError):
        geocoder.adapter.get_json("https://nominatim.openstreetmap.org/search?q=Kursk", timeout=1, headers={})
    with pytest.raises(NetworkDisabledError):
        geocoder.adapter.get_text("http://127.0.0.1:9/", timeout=1, headers={})
    # Through geopy's own request path too.
    with pytest.raises(NetworkDisabledError):
        geocoder._call_geocoder("https://example.org/", lambda r: r)


def test_missing_index_without_build_is_a_geocoding_error(tmp_path: Path) -> None:
    from osintkit.geo.gazetteer import Gazetteer

    with pytest.raises(GeocodingError):
        Gazetteer(tmp_path / "absent.sqlite", build=False)


def test_bad_query_type(geocoder: OfflineGeocoder) -> None:
    with pytest.raises(InputError):
        geocoder.geocode(42)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("query", "name", "wrong"),
    [
        ("Sloviansk", "Slovyansk", "Nikopol"),  # GeoNames lists the name among Nikopol's aliases too
        ("Слов'янськ", "Slovyansk", "Nikopol"),
        ("Ставрополь", "Stavropol", "Tolyatti"),  # Tolyatti was Stavropol-on-Volga, and is larger
    ],
)
def test_an_alias_that_reads_as_the_records_name_wins(
    geocoder: OfflineGeocoder, query: str, name: str, wrong: str
) -> None:
    names = [c.record.name for c in geocoder.candidates(query, limit=5)]
    assert names[0] == name and wrong in names  # the other reading stays a candidate


def test_latin_key_romanises_cyrillic_keys() -> None:
    from osintkit.geo.normalise import latin_key, name_key

    assert latin_key(name_key("Харків")) == "kharkiv"
    assert latin_key(name_key("Слов'янськ")) == "sloviansk"
    assert latin_key("kyiv") == "kyiv"
