"""Distances and bearings between places (geodesic, WGS-84, via geopy.distance)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeAlias

from geopy.distance import geodesic
from geopy.location import Location
from geopy.point import Point

from ..errors import InputError
from ..model import Place

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["as_point", "bearing", "distance_km", "distance_matrix"]

PlaceLike: TypeAlias = Place | Location | Point | tuple[float, float] | Sequence[float]


def as_point(obj: Any) -> Point:
    """A geopy Point from a Place, a geopy Location or Point, or a (lat, lon) pair."""
    if isinstance(obj, Place):
        return Point(obj.lat, obj.lon)
    if isinstance(obj, Location):
        return obj.point
    if isinstance(obj, Point):
        return obj
    try:
        lat, lon = float(obj[0]), float(obj[1])
    except (TypeError, ValueError, IndexError, KeyError):
        raise InputError(f"not a place or (lat, lon) pair: {obj!r}", field="place") from None
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InputError(f"coordinates out of range: ({lat}, {lon})", field="place")
    return Point(lat, lon)


def distance_km(a: PlaceLike, b: PlaceLike) -> float:
    """Geodesic distance in kilometres."""
    return float(geodesic(as_point(a), as_point(b)).km)


def bearing(a: PlaceLike, b: PlaceLike) -> float:
    """Initial great-circle bearing from ``a`` to ``b`` in degrees clockwise from north, in [0, 360)."""
    p, q = as_point(a), as_point(b)
    lat1, lat2 = math.radians(p.latitude), math.radians(q.latitude)
    dlon = math.radians(q.longitude - p.longitude)
    x = math.sin(dlon) * math.cos(lat2)
    y = math.cos(lat1) * math.sin(lat2) - math.sin(lat1) * math.cos(lat2) * math.cos(dlon)
    return (math.degrees(math.atan2(x, y)) + 360.0) % 360.0


def _label(obj: Any, i: int) -> str:
    if isinstance(obj, Place):
        return obj.name
    if isinstance(obj, Location):
        return str(obj.raw.get("name") or obj.address) if isinstance(obj.raw, dict) else obj.address
    return f"#{i}"


def distance_matrix(places: Sequence[PlaceLike]) -> pd.DataFrame:
    """Pairwise geodesic distances (km) as a square DataFrame labelled by place name (repeats get a suffix)."""
    import pandas as pd

    points = [as_point(p) for p in places]
    labels: list[str] = []
    for i, p in enumerate(places):
        label = _label(p, i)
        while label in labels:
            label += "'"
        labels.append(label)
    data = [[0.0 if i == j else float(geodesic(a, b).km) for j, b in enumerate(points)] for i, a in enumerate(points)]
    return pd.DataFrame(data, index=labels, columns=labels)
