"""What every exporter applies to source-controlled text and URLs before they leave the kit.

Sources are written by whoever published them, so their text can carry control characters (a NUL ends a string in
C tools and spreadsheets, ESC sequences rewrite a terminal, C1 codes are read as CSI by some), and their URLs can
be ``javascript:``, ``data:`` or not URLs at all. Exports keep the words and drop the machinery:

- :func:`clean_text` removes control characters: NUL, C0 other than tab and newline, DEL and C1 become U+FFFD (so a
  reader sees that something was there), line ends become ``\\n``, and a lone surrogate (which cannot be written as
  UTF-8 at all) becomes U+FFFD too.
- :func:`web_url` returns a URL only if it is an http(s) URL with a host, as a valid RFC 3986 URI (an IRI's host
  is IDNA-encoded and other non-ASCII characters are percent-encoded); anything else is ``None``, and exporters show
  the original as plain text instead of a link.
- :func:`write_atomically` writes a file through a temporary file in the same folder and ``os.replace``, so a kill
  during an export leaves the previous file or none, never a truncated one.
"""

from __future__ import annotations

import contextlib
import ipaddress
import json
import os
import re
import tempfile
import urllib.parse
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from ..errors import ExportError

__all__ = ["clean_text", "clean_value", "json_text", "strip_controls", "web_url", "write_atomically"]

# Line separators first: CR LF, lone CR, NEL (C1), VT and FF all end a line where they come from.
_LINE_ENDS = re.compile("\r\n|[\r\x0b\x0c\x85\u2028\u2029]")
# NUL and the other C0 controls but tab and the line ends above, DEL, C1 but NEL, and lone surrogates.
_CONTROL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff]")


def clean_text(value: str) -> str:
    """``value`` without control characters (see the module docstring); tab and newline are kept."""
    if value.isprintable():  # the fast path: most short text has nothing to remove
        return value
    return _CONTROL.sub("\ufffd", _LINE_ENDS.sub("\n", value))


def strip_controls(value: str) -> str:
    """:func:`clean_text` that leaves line ends as they are (a CSV cell keeps its own CR LF)."""
    return value if value.isprintable() else _CONTROL.sub("\ufffd", value)


def clean_value(value: Any) -> Any:
    """:func:`clean_text` over every string in a JSON-like value (dict keys included); other values unchanged."""
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {clean_value(k): clean_value(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [clean_value(v) for v in value]
    return value


# RFC 3986: unreserved and reserved characters pass; "%" only as the start of a valid escape (handled below).
_URI_SAFE = "-._~:/?#[]@!$&'()*+,;="
_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
# Letters, digits, "-" and "_" (RFC 3986 allows it in a reg-name, and real subdomains use it), dot-separated.
_HOST = re.compile(r"[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?(?:\.[A-Za-z0-9_](?:[A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?")


def _ascii_host(host: str) -> str | None:
    """The host as it may appear in a URI: IPv6 in brackets, a name IDNA-encoded; None if it is neither."""
    if ":" in host:
        try:
            ipaddress.IPv6Address(host)
        except ValueError:
            return None
        return f"[{host}]"
    try:
        ascii_host = host if host.isascii() else host.encode("idna").decode("ascii")
    except UnicodeError:
        return None
    return ascii_host if _HOST.fullmatch(ascii_host) else None


def web_url(value: object) -> str | None:
    """``value`` as an http(s) URI safe to make a link of, or ``None`` when it is anything else.

    Refused: other schemes (``javascript:``, ``data:``, ``ftp:``, ``file:``), scheme-relative and relative URLs,
    a missing or malformed host, a bad port, credentials before the host, and control characters anywhere. Spaces
    and non-ASCII characters in the path, query and fragment are percent-encoded.
    """
    if not isinstance(value, str):
        return None
    text = value.strip(" ")
    if not text or any(not c.isprintable() for c in text):
        return None
    try:
        parts = urllib.parse.urlsplit(text)
        port = parts.port
        host = parts.hostname
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not host:
        return None
    if parts.username is not None or parts.password is not None:
        return None  # "https://trusted.example@evil.example/" reads as one host and opens another
    ascii_host = _ascii_host(host)
    if ascii_host is None:
        return None
    netloc = ascii_host + (f":{port}" if port is not None else "")

    def encode(part: str) -> str:
        return urllib.parse.quote(_BAD_PERCENT.sub("%25", part), safe=_URI_SAFE + "%")

    return urllib.parse.urlunsplit(
        (parts.scheme.lower(), netloc, encode(parts.path), encode(parts.query), encode(parts.fragment))
    )


def json_text(value: Any, *, indent: int | None = 2, cls: type[json.JSONEncoder] | None = None) -> str:
    """``value`` as JSON text with non-ASCII characters as they are, unless one cannot be written as UTF-8 (a lone
    surrogate from a broken source): then every non-ASCII character is a ``\\u`` escape, which keeps it as data."""
    # An encoder class brings its own default(); passing default= as well would replace it.
    options: dict[str, Any] = {"indent": indent, "cls": cls} if cls is not None else {"indent": indent, "default": str}
    text = json.dumps(value, ensure_ascii=False, **options)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = json.dumps(value, ensure_ascii=True, **options)
    return text


@contextlib.contextmanager
def write_atomically(path: str | os.PathLike[str], what: str, *, newline: str | None = None) -> Iterator[IO[str]]:
    """A text file (UTF-8) to write ``path`` through: it replaces ``path`` only when the block ends without an error.

    The temporary file lives in the same folder (``os.replace`` is atomic only within one file system) and is
    flushed to disk before the rename. ``what`` names the export in the :class:`ExportError` a failure raises.
    """
    target = Path(path)
    try:
        fd, tmp_name = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    except OSError as exc:
        raise ExportError(f"{target}: cannot write {what}: {exc}") from exc
    tmp = Path(tmp_name)
    try:
        with open(fd, "w", encoding="utf-8", newline=newline) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        # mkstemp creates the file 0600; an export is meant to be read like any other file the user writes.
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise ExportError(f"{target}: cannot write {what}: {exc}") from exc
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
