"""Distances and bearings (geodesic), checked against known values."""

from __future__ import annotations

import pytest
from geopy.location import Location
from geopy.point import Point

from osintkit.errors import InputError
from osintkit.geo import bearing, distance_km, distance_matrix
from osintkit.model import Place


def place(name: str, lat: float, lon: float) -> Place:
    return Place(
        text=name,
        start=0,
        end=len(name),
        name=name,
        lat=lat,
        lon=lon,
        geonameid=None,
        country_code=None,
        feature="city",
        confidence=1.0,
    )


KYIV = place("Kyiv", 50.45466, 30.5238)
KURSK = place("Kursk", 51.72689, 36.18457)
PYONGYANG = place("Pyongyang", 39.03385, 125.75432)


def test_distance_known_values() -> None:
    assert distance_km(KYIV, KURSK) == pytest.approx(418, abs=5)
    assert distance_km(KYIV, KYIV) == 0
    # Equator: one degree of longitude is 111.32 km on WGS-84.
    assert distance_km((0, 0), (0, 1)) == pytest.approx(111.32, abs=0.01)
    assert distance_km(KYIV, PYONGYANG) == pytest.approx(distance_km(PYONGYANG, KYIV))


def test_bearing() -> None:
    assert bearing((0, 0), (1, 0)) == pytest.approx(0)
    assert bearing((0, 0), (0, 1)) == pytest.approx(90)
    assert bearing((0, 0), (-1, 0)) == pytest.approx(180)
    assert bearing((0, 0), (0, -1)) == pytest.approx(270)
    assert 50 < bearing(KYIV, KURSK) < 75  # Kursk lies east-north-east of Kyiv


def test_accepts_locations_and_points() -> None:
    loc = Location("Kyiv", Point(50.45466, 30.5238), {"name": "Kyiv"})
    assert distance_km(loc, Point(51.72689, 36.18457)) == pytest.approx(distance_km(KYIV, KURSK))


def test_matrix() -> None:
    m = distance_matrix([KYIV, KURSK, PYONGYANG])
    assert list(m.index) == ["Kyiv", "Kursk", "Pyongyang"]
    assert m.loc["Kyiv", "Kyiv"] == 0
    assert m.loc["Kyiv", "Kursk"] == pytest.approx(m.loc["Kursk", "Kyiv"])
    dup = distance_matrix([KYIV, KYIV])
    assert len(set(dup.index)) == 2


@pytest.mark.parametrize("bad", [(91, 0), (0, 181), "Kyiv", None, (1,)])
def test_bad_points(bad: object) -> None:
    with pytest.raises(InputError):
        distance_km(bad, KYIV)  # type: ignore[arg-type]
