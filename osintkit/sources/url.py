"""Opt-in, polite fetching of URLs with the standard library.

Nothing is fetched unless ``allow_network=True``. A real user agent must be given (sites should know who is
reading them); responses go to a disk cache, so a page is fetched once however often a notebook re-runs; and
requests to one host are spaced by ``rate_limit`` seconds.

A hostile server cannot take the fetch elsewhere or hold it open: redirects are followed only to http(s) URLs, and
each request has a total deadline (``deadline`` seconds, connection, redirects, headers and body together) that a
server dripping one byte at a time cannot extend, where a socket timeout alone restarts with every byte.
"""

from __future__ import annotations

import http.client
import json
import os
import socket
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osintkit.errors import FetchError, InputError, InputTooLargeError, NetworkDisabledError
from osintkit.paths import cache_dir as kit_cache_dir
from osintkit.sources._common import sha256_hex, utc_now

__all__ = ["FetchResult", "cache_root", "check_user_agent", "fetch", "is_url"]

USER_AGENT_ENV = "OSINTKIT_USER_AGENT"
TIMEOUT_S = 30.0
# Total time for one fetch, redirects included; the per-read socket timeout is never longer than what is left.
DEADLINE_S = 60.0
# Library defaults say nothing about who is fetching; refuse them like a missing one.
_ANONYMOUS = (
    "python-urllib",
    "python-requests",
    "python-httpx",
    "aiohttp",
    "go-http-client",
    "curl/",
    "wget/",
    "java/",
    "libwww-perl",
    "feedparser",
    "trafilatura",
)

_lock = threading.Lock()
_next_slot: dict[str, float] = {}


@dataclass
class FetchResult:
    url: str
    final_url: str
    data: bytes
    content_type: str
    status: int
    retrieved: str
    from_cache: bool


def is_url(value: object) -> bool:
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def check_user_agent(user_agent: str | None) -> str:
    ua = (user_agent or os.environ.get(USER_AGENT_ENV) or "").strip()
    hint = (
        "pass user_agent='my-project/1.0 (contact: me@example.org)' to load(), or set the "
        f"{USER_AGENT_ENV} environment variable, so sites know who is fetching"
    )
    if not ua:
        raise InputError(f"fetching needs a user agent: {hint}", field="user_agent")
    if ua.lower().startswith(_ANONYMOUS):
        raise InputError(f"{ua!r} is a library default, not a user agent that names you: {hint}", field="user_agent")
    return ua


def cache_root(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """``cache_dir`` when given, else the ``http`` folder of the kit's cache (:func:`osintkit.paths.cache_dir`)."""
    if cache_dir is not None:
        return Path(cache_dir)
    return kit_cache_dir("http")


def _cache_paths(root: Path, url: str) -> tuple[Path, Path]:
    key = sha256_hex(url.encode("utf-8"))
    folder = root / key[:2]
    return folder / f"{key}.body", folder / f"{key}.json"


def _wait_turn(host: str, rate_limit: float) -> None:
    """Reserve this host's next free slot, then sleep until it; the lock is never held while sleeping."""
    if rate_limit <= 0:
        return
    with _lock:
        now = time.monotonic()
        slot = max(now, _next_slot.get(host, now))
        _next_slot[host] = slot + rate_limit
    delay = slot - time.monotonic()
    if delay > 0:
        time.sleep(delay)


def _write_atomic(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


@dataclass
class _Deadline:
    """One request's end time, and the sockets to cut when it passes."""

    at: float
    expired: bool = False
    sockets: list[socket.socket] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def remaining(self) -> float:
        return self.at - time.monotonic()

    def register(self, sock: socket.socket) -> None:
        with self.lock:
            self.sockets.append(sock)
            if not self.expired:
                return
        self._cut(sock)

    def expire(self) -> None:
        with self.lock:
            self.expired = True
            sockets = list(self.sockets)
        for sock in sockets:
            self._cut(sock)

    @staticmethod
    def _cut(sock: socket.socket) -> None:
        # shutdown(), not close(): it wakes a recv() blocked in another thread, which close() does not on Linux.
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass


_Connection = type[http.client.HTTPConnection]


def _connection_classes(deadline: _Deadline) -> tuple[_Connection, _Connection]:
    class DeadlineHTTPConnection(http.client.HTTPConnection):
        def connect(self) -> None:
            self.timeout = max(0.001, min(TIMEOUT_S, deadline.remaining()))
            super().connect()
            deadline.register(self.sock)

    class DeadlineHTTPSConnection(http.client.HTTPSConnection):
        def connect(self) -> None:
            self.timeout = max(0.001, min(TIMEOUT_S, deadline.remaining()))
            super().connect()
            deadline.register(self.sock)

    return DeadlineHTTPConnection, DeadlineHTTPSConnection


class _WebOnlyRedirects(urllib.request.HTTPRedirectHandler):
    """Follows a redirect only to another http(s) URL; urllib's own handler would also follow one to ``ftp://``."""

    def http_error_302(self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any) -> Any:
        location = headers.get("Location") or headers.get("URI")
        if location:
            target = urllib.parse.urlsplit(urllib.parse.urljoin(req.full_url, location.strip()))
            if target.scheme.lower() not in ("http", "https") or not target.hostname:
                raise FetchError(
                    f"{req.full_url}: HTTP {code} redirects to {location!r}, which is not an http(s) URL; not followed"
                )
        return super().http_error_302(req, fp, code, msg, headers)

    http_error_301 = http_error_303 = http_error_307 = http_error_308 = http_error_302


def _opener(deadline: _Deadline) -> urllib.request.OpenerDirector:
    plain, tls = _connection_classes(deadline)

    class HTTPHandler(urllib.request.HTTPHandler):
        def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            return self.do_open(plain, req)

    class HTTPSHandler(urllib.request.HTTPSHandler):
        def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
            # The handler's own TLS context, as urllib's https_open passes it (None: the verifying default).
            return self.do_open(tls, req, context=getattr(self, "_context", None))

    # build_opener drops the default handlers these subclass. Its FTP, file and data handlers stay, but nothing
    # reaches them: fetch() takes only http(s) URLs, and the redirect handler refuses every other scheme.
    return urllib.request.build_opener(HTTPHandler, HTTPSHandler, _WebOnlyRedirects)


def _read(resp: Any, limit: int, deadline: _Deadline) -> bytes:
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        if deadline.remaining() <= 0:
            deadline.expire()
            break
        chunk = resp.read1(min(65536, limit + 1 - size)) if hasattr(resp, "read1") else resp.read(65536)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return b"".join(chunks)


def fetch(
    url: str,
    *,
    allow_network: bool = False,
    user_agent: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
    rate_limit: float = 1.0,
    max_bytes: int = 20 * 1024 * 1024,
    deadline: float = DEADLINE_S,
) -> FetchResult:
    """Fetch one URL (or read it from the cache). Raises NetworkDisabledError unless ``allow_network``.

    ``deadline``: seconds the whole request may take (connection, redirects, headers, body); past it the fetch fails
    with :class:`FetchError`, however steadily the server keeps sending.
    """
    if not allow_network:
        raise NetworkDisabledError(
            f"{url}: fetching is off; pass allow_network=True to load() (or --allow-network on the command line) "
            "to fetch it"
        )
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        raise InputError("only http:// and https:// URLs can be fetched", path=url)
    ua = check_user_agent(user_agent)
    root = cache_root(cache_dir)
    body_path, meta_path = _cache_paths(root, url)
    if body_path.is_file() and meta_path.is_file():
        try:
            info = json.loads(meta_path.read_text(encoding="utf-8"))
            data = body_path.read_bytes()
            if sha256_hex(data) == info.get("sha256"):
                return FetchResult(
                    url=url,
                    final_url=info.get("final_url", url),
                    data=data,
                    content_type=info.get("content_type", ""),
                    status=int(info.get("status", 200)),
                    retrieved=info.get("retrieved", utc_now()),
                    from_cache=True,
                )
        except (OSError, ValueError):
            pass  # a damaged cache entry is simply fetched again
    _wait_turn(parts.hostname.lower() + (f":{parts.port}" if parts.port else ""), rate_limit)
    request = urllib.request.Request(url, headers={"User-Agent": ua, "Accept": "*/*"})
    retrieved = utc_now()
    limit = _Deadline(time.monotonic() + deadline)
    timer = threading.Timer(max(0.0, deadline), limit.expire)
    timer.daemon = True
    timer.start()
    late = FetchError(f"{url}: no complete response within the {deadline:g} s deadline; gave up")
    try:
        with _opener(limit).open(request, timeout=min(TIMEOUT_S, max(0.001, deadline))) as resp:
            data = _read(resp, max_bytes, limit)
            status = int(getattr(resp, "status", 200))
            content_type = resp.headers.get("Content-Type", "") or ""
            final_url = resp.geturl()
    except FetchError:
        raise
    except urllib.error.HTTPError as exc:
        if limit.expired:
            raise late from exc
        raise FetchError(f"{url}: HTTP {exc.code} {exc.reason}") from exc
    except urllib.error.URLError as exc:
        if limit.expired:
            raise late from exc
        if isinstance(exc.reason, FetchError):
            raise exc.reason from exc
        raise FetchError(f"{url}: {exc.reason}") from exc
    except (OSError, ValueError, http.client.HTTPException) as exc:
        if limit.expired:
            raise late from exc
        raise FetchError(f"{url}: {type(exc).__name__}: {exc}") from exc
    finally:
        timer.cancel()
    if limit.expired:
        # The cut socket reads as a clean end of stream, so a truncated body must not pass as the page.
        raise late
    if len(data) > max_bytes:
        raise InputTooLargeError(f"response is over the {max_bytes:,}-byte limit (raise max_bytes=)", path=url)
    try:
        body_path.parent.mkdir(parents=True, exist_ok=True)
        _write_atomic(body_path, data)
        info = {
            "url": url,
            "final_url": final_url,
            "status": status,
            "content_type": content_type,
            "retrieved": retrieved,
            "sha256": sha256_hex(data),
            "user_agent": ua,
        }
        _write_atomic(meta_path, json.dumps(info, indent=1).encode("utf-8"))
    except OSError:
        pass  # an unwritable cache must not lose a page we already have
    return FetchResult(
        url=url,
        final_url=final_url,
        data=data,
        content_type=content_type,
        status=status,
        retrieved=retrieved,
        from_cache=False,
    )
