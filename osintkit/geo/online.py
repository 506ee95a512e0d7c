"""Opt-in online geocoders (Nominatim and the rest of geopy's), made polite and cached.

Sending an investigation's place names to a third-party service is an OPSEC decision, so nothing here runs unless
the user calls :func:`online_geocoder` with their own user agent. Every request goes through geopy's
``RateLimiter`` (at least one second apart, Nominatim's usage policy) and answers are kept in a SQLite disk cache,
so asking twice sends one request.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from geopy.location import Location
from geopy.point import Point

from ..errors import FetchError, GeocodingError, InputError
from ..paths import cache_dir

__all__ = ["CachedOnlineGeocoder", "online_geocoder"]

MIN_DELAY_SECONDS = 1.0


def _is_default_agent(agent: str) -> bool:
    from geopy.geocoders import options
    from geopy.geocoders.base import _DEFAULT_USER_AGENT

    low = agent.strip().lower()
    return (
        not low
        or agent == _DEFAULT_USER_AGENT
        or agent == options.default_user_agent
        or low.startswith("geopy/")
        or low in {"my-application", "my_user_agent/1.0", "osintkit", "osintkit-offline"}
    )


class CachedOnlineGeocoder:
    """A geopy geocoder behind a rate limiter and a disk cache; ``geocode``/``reverse`` return geopy Locations."""

    osintkit_online_opt_in = True

    def __init__(self, geocoder: Any, *, cache_path: Path, min_delay_seconds: float = MIN_DELAY_SECONDS) -> None:
        from geopy.extra.rate_limiter import RateLimiter

        self.geocoder = geocoder
        self.service = type(geocoder).__name__
        self.cache_path = cache_path
        self.requests = 0  # requests actually sent (cache misses), for the curious and for tests
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(cache_path, check_same_thread=False)
        with self._conn:
            self._conn.execute(
                "CREATE TABLE IF NOT EXISTS geocode_cache (key TEXT PRIMARY KEY, value TEXT NOT NULL, created REAL)"
            )
        # Errors surface instead of becoming None: a silent miss would look like "no such place".
        common = {"min_delay_seconds": min_delay_seconds, "max_retries": 2, "swallow_exceptions": False}
        self._geocode = RateLimiter(self._counted(geocoder.geocode), **common)
        self._reverse = RateLimiter(self._counted(geocoder.reverse), **common)

    def _counted(self, func: Any) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            self.requests += 1
            return func(*args, **kwargs)

        return call

    def close(self) -> None:
        self._conn.close()

    def __repr__(self) -> str:
        return f"CachedOnlineGeocoder({self.service}, cache={str(self.cache_path)!r})"

    def _key(self, method: str, query: Any, kwargs: dict[str, Any]) -> str:
        return json.dumps([self.service, method, query, kwargs], sort_keys=True, ensure_ascii=False, default=str)

    def _cached(self, key: str) -> Any:
        with self._lock:
            row = self._conn.execute("SELECT value FROM geocode_cache WHERE key = ?", (key,)).fetchone()
        return None if row is None else json.loads(row[0])

    def _store(self, key: str, value: Any) -> None:
        with self._lock, self._conn:
            self._conn.execute(
                "INSERT OR REPLACE INTO geocode_cache VALUES (?, ?, ?)",
                (key, json.dumps(value, ensure_ascii=False, default=str), time.time()),
            )

    @staticmethod
    def _dump(result: Any) -> Any:
        if result is None:
            return None
        items = result if isinstance(result, list) else [result]
        out = [{"address": loc.address, "lat": loc.latitude, "lon": loc.longitude, "raw": loc.raw} for loc in items]
        return out if isinstance(result, list) else out[0]

    @staticmethod
    def _load(value: Any) -> Any:
        if value is None:
            return None
        if isinstance(value, list):
            return [Location(v["address"], Point(v["lat"], v["lon"]), v["raw"]) for v in value]
        return Location(value["address"], Point(value["lat"], value["lon"]), value["raw"])

    def _call(self, method: str, query: Any, kwargs: dict[str, Any]) -> Any:
        key = self._key(method, query, kwargs)
        hit = self._cached(key)
        if hit is not None:
            return self._load(hit["result"])
        func = self._geocode if method == "geocode" else self._reverse
        try:
            result = func(query, **kwargs)
        except Exception as exc:
            raise FetchError(f"{self.service} {method} {query!r} failed: {exc}") from exc
        dumped = self._dump(result)
        self._store(key, {"result": dumped})
        return self._load(dumped)

    def geocode(self, query: Any, **kwargs: Any) -> Location | list[Location] | None:
        return self._call("geocode", query, kwargs)

    def reverse(self, query: Any, **kwargs: Any) -> Location | list[Location] | None:
        if isinstance(query, list | tuple):
            query = list(query)
        return self._call("reverse", query, kwargs)


def online_geocoder(
    name: str,
    *,
    user_agent: str,
    cache_dir: str | os.PathLike[str] | None = None,
    min_delay_seconds: float = MIN_DELAY_SECONDS,
    **options: Any,
) -> CachedOnlineGeocoder:
    """Opt in to an online geocoder by geopy's service name ("nominatim", "photon", "arcgis"...).

    ``user_agent`` must identify you (e.g. "acme-investigations/1.0 (contact@example.org)"): geopy's default is
    refused, as Nominatim's policy requires. Requests are at least ``min_delay_seconds`` (>= 1) apart and cached
    under ``cache_dir`` (default: the osintkit user cache directory). Other options go to the geopy class
    (``domain=``, ``scheme=``, ``api_key=``...).
    """
    from geopy.exc import GeocoderNotFound
    from geopy.geocoders import get_geocoder_for_service

    if not isinstance(user_agent, str) or _is_default_agent(user_agent):
        raise InputError(
            "online geocoding needs your own user agent naming your application and a contact, "
            "e.g. user_agent='acme-investigations/1.0 (you@example.org)'; the default one is refused",
            field="user_agent",
        )
    if min_delay_seconds < MIN_DELAY_SECONDS:
        raise InputError(f"min_delay_seconds must be at least {MIN_DELAY_SECONDS} s", field="min_delay_seconds")
    try:
        cls = get_geocoder_for_service(name)
    except GeocoderNotFound as exc:
        raise GeocodingError(f"unknown geocoding service {name!r}: {exc}") from None
    geocoder = cls(user_agent=user_agent, **options)
    folder = Path(cache_dir) if cache_dir is not None else _default_cache_dir()
    folder.mkdir(parents=True, exist_ok=True)
    return CachedOnlineGeocoder(
        geocoder, cache_path=folder / "online-geocode-cache.sqlite", min_delay_seconds=min_delay_seconds
    )


def _default_cache_dir() -> Path:
    return cache_dir()
