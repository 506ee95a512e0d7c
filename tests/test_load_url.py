"""Opt-in URL fetching against an HTTP server on loopback: refusal, user agent, cache, rate limit."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from osintkit import load
from osintkit.errors import FetchError, InputError, NetworkDisabledError
from osintkit.sources.url import fetch

ARTICLE = (
    "<html><head><title>Loopback article</title><meta name='author' content='Lo Back'></head><body><article>"
    + "<p>The ministry said the convoy crossed the border at dawn and reached the town before noon.</p>" * 5
    + "</article></body></html>"
)
FEED = (
    "<?xml version='1.0'?><rss version='2.0'><channel><title>Loop Feed</title>"
    "<item><title>One</title><description>First entry text.</description></item>"
    "<item><title>Two</title><description>Second entry text.</description></item></channel></rss>"
)


class _Handler(BaseHTTPRequestHandler):
    log: list[tuple[str, str, float]]

    def do_GET(self) -> None:
        self.server.log.append((self.path, self.headers.get("User-Agent", ""), time.monotonic()))  # type: ignore[attr-defined]
        if self.path.startswith("/redirect/"):
            # /redirect/<target>: a 302 to the rest of the path, e.g. ftp://... or /plain
            self.send_response(302)
            self.send_header("Location", self.path[len("/redirect/") :])
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if self.path.startswith("/drip"):
            self._drip(headers_too=self.path == "/drip-headers")
            return
        if self.path.startswith("/article"):
            body, ctype, status = ARTICLE.encode(), "text/html; charset=utf-8", 200
        elif self.path == "/feed":
            body, ctype, status = FEED.encode(), "application/rss+xml", 200
        elif self.path == "/plain":
            body, ctype, status = b"Plain text from the server.", "text/plain", 200
        else:
            body, ctype, status = b"not here", "text/plain", 404
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _drip(self, *, headers_too: bool) -> None:
        """One byte a second for 20 s: each read finishes well inside any socket timeout."""
        head = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 20\r\n\r\n"
        try:
            if headers_too:
                for i in range(len(head)):
                    self.wfile.write(head[i : i + 1])
                    self.wfile.flush()
                    time.sleep(1.0)
            else:
                self.wfile.write(head)
            for _ in range(20):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(1.0)
        except OSError:
            pass  # the client hung up, as it should
        self.close_connection = True

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def server() -> Iterator[tuple[str, list[tuple[str, str, float]]]]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    httpd.log = []  # type: ignore[attr-defined]
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}", httpd.log  # type: ignore[attr-defined]
    finally:
        httpd.shutdown()
        httpd.server_close()


UA = "osintkit-tests/0.1 (contact: tests@example.org)"


def test_refused_without_opt_in(server: tuple[str, list[Any]], tmp_path: Path) -> None:
    base, log = server
    with pytest.raises(NetworkDisabledError, match="allow_network=True"):
        load(f"{base}/article", user_agent=UA, cache_dir=tmp_path)
    assert log == []


def test_user_agent_is_required(server: tuple[str, list[Any]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    base, log = server
    monkeypatch.delenv("OSINTKIT_USER_AGENT", raising=False)
    with pytest.raises(InputError, match="user agent"):
        load(f"{base}/article", allow_network=True, cache_dir=tmp_path, on_error="raise")
    with pytest.raises(InputError, match="library default"):
        load(f"{base}/article", allow_network=True, user_agent="Python-urllib/3.11", cache_dir=tmp_path,
             on_error="raise")  # fmt: skip
    assert log == []


def test_fetch_html_then_cache_hit(server: tuple[str, list[Any]], tmp_path: Path) -> None:
    base, log = server
    url = f"{base}/article?id=1"
    opts: dict[str, Any] = {"allow_network": True, "user_agent": UA, "cache_dir": tmp_path, "on_error": "raise"}
    (doc,) = load(url, **opts)
    assert doc.loader == "html" and doc.url == url and doc.path is None
    assert "convoy crossed the border" in doc.text
    assert doc.author == "Lo Back"
    assert doc.meta["http"]["cache"] == "miss" and doc.meta["http"]["status"] == 200
    assert log[0][1] == UA
    (again,) = load(url, **opts)
    assert again.meta["http"]["cache"] == "hit"
    assert (again.id, again.retrieved) == (doc.id, doc.retrieved)
    assert len(log) == 1  # the server saw one request


def test_feed_and_text_by_content_type(server: tuple[str, list[Any]], tmp_path: Path) -> None:
    base, _ = server
    result = load(f"{base}/feed", f"{base}/plain", allow_network=True, user_agent=UA, cache_dir=tmp_path,
                  rate_limit=0)  # fmt: skip
    assert [d.loader for d in result] == ["feed", "feed", "text"]
    assert result[0].source == "Loop Feed"


def test_rate_limit_spaces_requests_to_one_host(server: tuple[str, list[Any]], tmp_path: Path) -> None:
    base, log = server
    urls = [f"{base}/article?n={i}" for i in range(3)]
    load(*urls, allow_network=True, user_agent=UA, cache_dir=tmp_path, rate_limit=0.4)
    times = [t for _, _, t in log]
    assert len(times) == 3
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert min(gaps) >= 0.35, gaps


def test_http_error_is_fetch_error(server: tuple[str, list[Any]], tmp_path: Path) -> None:
    base, _ = server
    with pytest.raises(FetchError, match="HTTP 404"):
        load(f"{base}/missing", allow_network=True, user_agent=UA, cache_dir=tmp_path, on_error="raise")
    result = load(f"{base}/missing", allow_network=True, user_agent=UA, cache_dir=tmp_path, rate_limit=0)
    assert len(result) == 0 and result.skipped[0].kind == "FetchError"


def test_cache_dir_from_environment(server: tuple[str, list[Any]], tmp_path: Path,
                                    monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    base, _ = server
    monkeypatch.setenv("OSINTKIT_CACHE_DIR", str(tmp_path / "envcache"))
    monkeypatch.setenv("OSINTKIT_USER_AGENT", UA)
    load(f"{base}/plain", allow_network=True, on_error="raise", rate_limit=0)
    assert list((tmp_path / "envcache").rglob("*.body"))


@pytest.mark.parametrize(
    "target", ["ftp://127.0.0.1/pub/file.txt", "file:///etc/passwd", "javascript:alert(1)", "data:text/plain,hi"]
)
def test_redirect_only_to_http(server: tuple[str, list[Any]], tmp_path: Path, target: str) -> None:
    base, _ = server
    with pytest.raises(FetchError, match="not an http") as err:
        fetch(f"{base}/redirect/{target}", allow_network=True, user_agent=UA, cache_dir=tmp_path, rate_limit=0)
    assert target in str(err.value) and f"{base}/redirect/" in str(err.value)
    assert not list(tmp_path.rglob("*.body"))  # nothing cached


def test_redirect_to_http_is_followed(server: tuple[str, list[Any]], tmp_path: Path) -> None:
    base, log = server
    result = fetch(f"{base}/redirect/{base}/plain", allow_network=True, user_agent=UA, cache_dir=tmp_path, rate_limit=0)
    assert result.data == b"Plain text from the server." and result.final_url == f"{base}/plain"
    assert [path for path, _, _ in log] == [f"/redirect/{base}/plain", "/plain"]


@pytest.mark.parametrize("path", ["/drip", "/drip-headers"])
def test_slow_drip_cannot_outlast_the_deadline(server: tuple[str, list[Any]], tmp_path: Path, path: str) -> None:
    """One byte a second keeps every socket read alive; only a total deadline ends the fetch."""
    base, _ = server
    started = time.monotonic()
    with pytest.raises(FetchError, match="3 s deadline"):
        fetch(f"{base}{path}", allow_network=True, user_agent=UA, cache_dir=tmp_path, rate_limit=0, deadline=3.0)
    elapsed = time.monotonic() - started
    assert 2.9 <= elapsed < 4.5, elapsed
    assert not list(tmp_path.rglob("*.body"))  # a cut-off body is not cached as the page
