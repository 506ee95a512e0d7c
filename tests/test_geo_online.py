"""Opt-in online geocoding against a loopback server posing as Nominatim: user agent, rate limit, disk cache."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, ClassVar
from urllib.parse import parse_qs, urlparse

import pytest
from geopy.location import Location

from osintkit.errors import FetchError, GeocodingError, InputError
from osintkit.geo import online_geocoder

AGENT = "osintkit-tests/1.0 (tests@example.org)"


class FakeNominatim(BaseHTTPRequestHandler):
    hits: ClassVar[list[tuple[float, str, str]]] = []

    def do_GET(self) -> None:
        url = urlparse(self.path)
        FakeNominatim.hits.append((time.monotonic(), url.path, self.headers.get("User-Agent", "")))
        q = parse_qs(url.query)
        if url.path.startswith("/search"):
            name = q.get("q", [""])[0]
            if name == "Boom":
                self.send_response(500)
                self.end_headers()
                return
            body: Any = [
                {"place_id": 1, "lat": "51.7373", "lon": "36.1874", "display_name": f"{name}, Russia", "osm_id": 7}
            ]
        else:
            body = {"place_id": 2, "lat": q["lat"][0], "lon": q["lon"][0], "display_name": "Kyiv, Ukraine"}
        data = json.dumps(body).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    FakeNominatim.hits = []
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), FakeNominatim)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_rate_limited_and_cached(server: str, tmp_path: Path) -> None:
    gc = online_geocoder("nominatim", user_agent=AGENT, cache_dir=tmp_path, domain=server, scheme="http")
    first = gc.geocode("Kursk")
    second = gc.geocode("Kyiv")
    assert isinstance(first, Location) and abs(first.latitude - 51.7373) < 1e-6
    assert isinstance(second, Location)
    assert len(FakeNominatim.hits) == 2
    gap = FakeNominatim.hits[1][0] - FakeNominatim.hits[0][0]
    assert gap >= 0.95, f"requests only {gap:.2f}s apart"  # geopy's RateLimiter, >= 1 s
    assert all(h[2] == AGENT for h in FakeNominatim.hits)  # the user's own agent is sent
    again = gc.geocode("Kursk")  # cache hit: no request
    assert isinstance(again, Location) and again.raw == first.raw
    assert len(FakeNominatim.hits) == 2 and gc.requests == 2
    rev = gc.reverse((50.45, 30.52))
    assert isinstance(rev, Location) and rev.address == "Kyiv, Ukraine"
    gc.close()
    # A new session reads the disk cache: still no request.
    gc2 = online_geocoder("nominatim", user_agent=AGENT, cache_dir=tmp_path, domain=server, scheme="http")
    assert isinstance(gc2.geocode("Kursk"), Location)
    assert gc2.requests == 0 and len(FakeNominatim.hits) == 3
    assert (tmp_path / "online-geocode-cache.sqlite").is_file()


def test_server_errors_surface(server: str, tmp_path: Path) -> None:
    gc = online_geocoder("nominatim", user_agent=AGENT, cache_dir=tmp_path, domain=server, scheme="http")
    gc._geocode.max_retries = 0  # keep the test short: no retry wait
    with pytest.raises(FetchError):
        gc.geocode("Boom")


@pytest.mark.parametrize("agent", ["", "geopy/2.5.0", "my-application"])
def test_default_user_agent_refused(agent: str, tmp_path: Path) -> None:
    with pytest.raises(InputError):
        online_geocoder("nominatim", user_agent=agent, cache_dir=tmp_path)


def test_geopy_default_agent_refused(tmp_path: Path) -> None:
    from geopy.geocoders import options

    with pytest.raises(InputError):
        online_geocoder("nominatim", user_agent=options.default_user_agent, cache_dir=tmp_path)


def test_rate_below_one_second_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError):
        online_geocoder("nominatim", user_agent=AGENT, cache_dir=tmp_path, min_delay_seconds=0.2)


def test_unknown_service(tmp_path: Path) -> None:
    with pytest.raises(GeocodingError):
        online_geocoder("no-such-service", user_agent=AGENT, cache_dir=tmp_path)
