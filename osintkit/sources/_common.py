"""Shared plumbing for every loader: reading with a size limit, binary sniffing, decoding, dates, ids.

Loaders are generators of :class:`Loaded` (a document and the exact bytes it was hashed from) and
:class:`Skipped` (a record that could not become a document, with the reason), so a folder or an export can
report every item it passed over instead of dropping it silently.
"""

from __future__ import annotations

import codecs
import datetime as dt
import email.utils
import hashlib
import html
import json
import os
import re
import stat
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any, Literal

from osintkit.errors import (
    BinaryFileError,
    DecodingError,
    EmptyInputError,
    InputError,
    InputTimeoutError,
    InputTooLargeError,
    MalformedInputError,
    OsintkitError,
    UnsupportedFormatError,
)
from osintkit.model import Attachment, Document
from osintkit.sources._budget import DEFAULT_TIME_BUDGET, within_budget
from osintkit.text import detect_language

__all__ = [
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIME_BUDGET",
    "DOC_FIELDS",
    "MAX_JSON_DEPTH",
    "LoadContext",
    "Loaded",
    "Origin",
    "Skipped",
    "check_binary",
    "check_storable",
    "decode_bytes",
    "detect_language",
    "display_path",
    "exceeds_depth",
    "html_to_text",
    "make_document",
    "normalize_date",
    "original_path",
    "read_limited",
    "read_sidecar",
    "sha256_hex",
    "utc_now",
]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Deeper JSON than this is refused per record (or ignored, for a sidecar). Real exports nest a handful of levels;
# 600 levels reached Python's recursion limit in the code that reads a record's text, a traceback mid-run.
MAX_JSON_DEPTH = 100

# The Document fields a mapping, a sidecar or a format's own metadata may fill.
DOC_FIELDS = ("title", "source", "author", "url", "published", "language")

OnError = Literal["skip", "raise"]


@dataclass
class LoadContext:
    """The options of one ``load()`` call, handed to every loader."""

    mapping: dict[str, Any] | None = None
    preset: str | None = None
    format: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_network: bool = False
    user_agent: str | None = None
    cache_dir: str | None = None
    rate_limit: float = 1.0
    source_name: str | None = None
    on_error: OnError = "skip"
    time_budget: float | None = DEFAULT_TIME_BUDGET


@dataclass
class Origin:
    """Where a blob of bytes came from; shared by every document cut from it."""

    path: str | None
    retrieved: str
    file_sha256: str
    url: str | None = None
    overrides: dict[str, Any] = field(default_factory=dict)
    meta: dict[str, Any] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return self.path or self.url or "<bytes>"


@dataclass
class Loaded:
    """A document, the exact bytes it was hashed from, and the files that came with it (kept by the case)."""

    document: Document
    raw: bytes
    attachments: list[Attachment] = field(default_factory=list)


@dataclass
class Skipped:
    """An input that did not become a document: a file, a URL, or one record (``line``) of an export."""

    where: str
    reason: str
    error: BaseException | None = None
    path: str | None = None
    line: int | None = None

    @property
    def kind(self) -> str:
        return type(self.error).__name__ if self.error is not None else "skipped"

    def to_dict(self) -> dict[str, Any]:
        return {"where": self.where, "reason": self.reason, "kind": self.kind, "path": self.path, "line": self.line}

    def __str__(self) -> str:
        return f"{self.where}: {self.reason}"


Item = Loaded | Skipped


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def utc_now() -> str:
    return dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def skip_or_raise(err: OsintkitError, ctx: LoadContext, *, where: str, line: int | None = None) -> Skipped:
    """Turn a per-record error into a Skipped entry, or re-raise it when the caller asked for strictness."""
    if ctx.on_error == "raise":
        raise err
    path = getattr(err, "path", None)
    reason = getattr(err, "reason", None) or str(err)
    return Skipped(where=where, reason=reason, error=err, path=path, line=line)


# --- reading -----------------------------------------------------------------------------------------------------


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as text that can be stored and printed, whatever bytes its name holds.

    A file name that is not valid UTF-8 reaches Python with lone surrogates (``os.fsdecode``'s surrogateescape),
    which SQLite, JSON and the terminal all refuse; its undecodable bytes are shown as ``\\xNN`` instead. The exact
    bytes travel in ``meta["path_bytes"]`` (see :func:`original_path`).
    """
    name = os.fspath(path)
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(name).decode("utf-8", errors="backslashreplace")
    return name


def original_path(path: str, meta: Mapping[str, Any] | None = None) -> Path:
    """The file a document came from, exact to the byte even when its name is not valid UTF-8."""
    raw = (meta or {}).get("path_bytes")
    if isinstance(raw, str):
        return Path(os.fsdecode(bytes.fromhex(raw)))
    return Path(path)


def _file_kind(mode: int) -> str:
    for test, kind in (
        (stat.S_ISFIFO, "a FIFO (named pipe)"),
        (stat.S_ISSOCK, "a socket"),
        (stat.S_ISCHR, "a character device"),
        (stat.S_ISBLK, "a block device"),
        (stat.S_ISDIR, "a directory"),
    ):
        if test(mode):
            return kind
    return "not a regular file"


def check_regular(path: str | os.PathLike[str], name: str) -> os.stat_result:
    """stat() a path (never opening it) and refuse FIFOs, sockets and devices, which can block a read forever."""
    try:
        info = os.stat(path)
    except FileNotFoundError as exc:
        raise InputError("no such file", path=name) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=name) from exc
    if not stat.S_ISREG(info.st_mode):
        raise UnsupportedFormatError(f"{_file_kind(info.st_mode)}, not a regular file; not opened", path=name)
    return info


def read_limited(path: Path, max_bytes: int) -> bytes:
    """Read a whole file, refusing files over ``max_bytes`` before reading them, and anything but a regular file."""
    name = display_path(path)
    try:
        size = check_regular(path, name).st_size
        if size > max_bytes:
            raise InputTooLargeError(
                f"file is {size:,} bytes, over the {max_bytes:,}-byte limit (raise max_bytes= to load it)", path=name
            )
        # O_NONBLOCK: should the path have become a FIFO since stat(), opening it must not wait for a writer.
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0))
        with os.fdopen(fd, "rb") as fh:
            mode = os.fstat(fh.fileno()).st_mode
            if not stat.S_ISREG(mode):
                raise UnsupportedFormatError(f"{_file_kind(mode)}, not a regular file; not read", path=name)
            # Read one byte past the limit: the file may have grown since stat().
            data = fh.read(max_bytes + 1)
    except OsintkitError:
        raise
    except FileNotFoundError as exc:
        raise InputError("no such file", path=name) from exc
    except IsADirectoryError as exc:
        raise InputError("is a directory, not a file", path=name) from exc
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", path=name) from exc
    if len(data) > max_bytes:
        raise InputTooLargeError(f"file is over the {max_bytes:,}-byte limit (raise max_bytes= to load it)", path=name)
    if not data:
        raise EmptyInputError("file is empty (0 bytes)", path=name)
    return data


# Magic numbers of formats that are never text; a NUL check alone misses some of them.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/ODT)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"\x7fELF", "ELF executable"),
    (b"MZ", "Windows executable"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 document (DOC/XLS)"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"RIFF", "RIFF media (WAV/AVI/WEBP)"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x00\x18ftyp", "MP4 media"),
    (b"\x00\x00\x00\x20ftyp", "MP4 media"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)


def _bom(data: bytes) -> str | None:
    for bom, enc in _BOMS:
        if data.startswith(bom):
            return enc
    return None


def check_binary(data: bytes, path: str | None) -> None:
    """Raise BinaryFileError for data that is clearly not text (magic number or NUL bytes without a UTF-16/32 BOM)."""
    for magic, what in _MAGIC:
        # "MZ" and "BZh" are short enough to begin real text; require a NUL nearby as well.
        if data.startswith(magic) and (len(magic) > 3 or b"\x00" in data[:512]):
            raise BinaryFileError(f"binary file ({what}), not text", path=path)
    if _bom(data) is None and b"\x00" in data[:8192]:
        raise BinaryFileError("binary file (contains NUL bytes), not text", path=path)


_PREFERRED = (
    "cp1252",
    "latin_1",
    "iso8859_15",
    "cp1251",
    "koi8_r",
    "koi8_u",
    "gb18030",
    "big5",
    "shift_jis",
    "euc_jp",
    "euc_kr",
    "cp1250",
    "iso8859_2",
    "cp1253",
    "cp1254",
    "cp1255",
    "cp1256",
    "cp1257",
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1a\x1c-\x1f\x7f]")


def decode_bytes(data: bytes, path: str | None) -> tuple[str, str, list[str]]:
    """Decode bytes to text; return (text, encoding, warnings).

    Valid UTF-8 (the common case) is decoded without any detection. Otherwise: a BOM is trusted; text that is
    mostly UTF-8 with a few broken sequences is decoded with U+FFFD replacement; anything else goes to
    charset-normalizer. Whatever was done is said in the warnings, so no text is ever mangled silently.
    """
    check_binary(data, path)
    warnings: list[str] = []
    bom = _bom(data)
    if bom is not None:
        try:
            text = data.decode(bom)
        except UnicodeDecodeError as exc:
            raise DecodingError(
                f"file starts with a {bom} byte-order mark but is not valid {bom}: {exc.reason}", path=path
            ) from exc
        if text.startswith("\ufeff"):
            text = text[1:]
        if bom != "utf-8-sig":
            warnings.append(f"decoded as {bom.upper()} (byte-order mark)")
        return _check_text(text, path), bom, warnings
    try:
        return _check_text(data.decode("utf-8"), path), "utf-8", warnings
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    line = data.count(b"\n", 0, first_bad) + 1
    replaced = data.decode("utf-8", errors="replace")
    bad = replaced.count("\ufffd") - data.count(b"\xef\xbf\xbd")
    # Genuine multi-byte UTF-8 next to a few broken bytes means a damaged UTF-8 file, not a legacy encoding.
    good_multibyte = sum(1 for ch in replaced if ord(ch) > 127 and ch != "\ufffd")
    if good_multibyte > 0 and bad <= max(3, good_multibyte // 10):
        warnings.append(
            f"not valid UTF-8: {bad} invalid byte sequence(s) replaced with U+FFFD (first at line {line}, "
            f"byte {first_bad})"
        )
        return _check_text(replaced, path), "utf-8 (with replacement)", warnings
    from charset_normalizer import from_bytes

    results = list(from_bytes(data))
    best = results[0] if results else None
    if best is not None:
        # Near-identical scores are common between sibling code pages (cp1250/cp1252); prefer the widespread one.
        tied = [
            m for m in results if (m.percent_chaos, m.percent_coherence) == (best.percent_chaos, best.percent_coherence)
        ]
        best = min(tied, key=lambda m: _PREFERRED.index(m.encoding) if m.encoding in _PREFERRED else len(_PREFERRED))
    if best is None or not best.encoding:
        raise DecodingError(
            f"not valid UTF-8 (first invalid byte at line {line}, byte {first_bad}) and no other encoding fits",
            path=path,
            line=line,
        )
    try:
        text = data.decode(best.encoding)
    except (UnicodeDecodeError, LookupError) as exc:
        raise DecodingError(
            f"not valid UTF-8 (first invalid byte at line {line}) nor {best.encoding}", path=path, line=line
        ) from exc
    warnings.append(
        f"not valid UTF-8 (first invalid byte at line {line}); decoded as {best.encoding} detected by "
        f"charset-normalizer — check the text"
    )
    return _check_text(text, path), best.encoding, warnings


def _check_text(text: str, path: str | None) -> str:
    sample = text[:4096]
    if sample and len(_CONTROL.findall(sample)) > max(8, len(sample) // 10):
        raise BinaryFileError("binary file (mostly control characters), not text", path=path)
    if not text.strip():
        raise EmptyInputError("file holds only whitespace", path=path)
    return text


# --- dates -------------------------------------------------------------------------------------------------------

_STRPTIME_FORMATS = (
    "%Y-%m-%d %H:%M:%S",
    "%Y/%m/%d %H:%M:%S",
    "%Y/%m/%d",
    "%d.%m.%Y %H:%M",
    "%d.%m.%Y",
    "%B %d, %Y",
    "%b %d, %Y",
    "%d %B %Y",
    "%d %b %Y",
    "%B %d, %Y %I:%M %p",
    "%a %b %d %H:%M:%S %z %Y",  # Twitter's created_at
)


def _fmt(value: dt.datetime) -> str | None:
    if value.tzinfo is None:
        value = value.replace(tzinfo=dt.UTC)
    try:
        value = value.astimezone(dt.UTC)
    except (OverflowError, ValueError):
        return None
    if not 1800 <= value.year <= 2200:
        return None
    return value.strftime("%Y-%m-%dT%H:%M:%SZ")


def normalize_date(value: Any) -> str | None:
    """Any parseable date → UTC ISO 8601 with ``Z``; None when unknown or unparseable. Naive times count as UTC."""
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        if isinstance(value, dt.datetime):
            return _fmt(value)
        if isinstance(value, dt.date):
            return _fmt(dt.datetime(value.year, value.month, value.day))
        if isinstance(value, time.struct_time):
            return _fmt(dt.datetime(*value[:6], tzinfo=dt.UTC))
        if isinstance(value, int | float):
            stamp = float(value)
            if stamp > 1e11:  # milliseconds
                stamp /= 1000.0
            return _fmt(dt.datetime.fromtimestamp(stamp, dt.UTC))
        if not isinstance(value, str):
            return None
        text = value.strip()
        if not text or len(text) > 100:
            return None
        if text.isdigit():
            if len(text) == 8:
                return _fmt(dt.datetime.strptime(text, "%Y%m%d"))
            if len(text) in (9, 10, 13):
                return normalize_date(int(text))
            return None
        try:
            return _fmt(dt.datetime.fromisoformat(text))
        except ValueError:
            pass
        try:
            parsed = email.utils.parsedate_to_datetime(text)
            if parsed is not None:
                return _fmt(parsed)
        except (TypeError, ValueError, IndexError):
            pass
        for fmt in _STRPTIME_FORMATS:
            try:
                return _fmt(dt.datetime.strptime(text, fmt))
            except ValueError:
                continue
    except (OverflowError, ValueError, OSError):
        return None
    return None


def normalize_language(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    primary = re.split(r"[-_]", value.strip())[0].lower()
    return primary if primary.isalpha() and 2 <= len(primary) <= 8 else None


# --- HTML to text (feed summaries, fallback for trafilatura) ---------------------------------------------------


class _TextExtractor(HTMLParser):
    _SKIP = frozenset({"script", "style", "noscript", "template", "iframe", "object", "embed", "svg", "head"})
    _BLOCK = frozenset(
        {
            "p",
            "div",
            "br",
            "li",
            "ul",
            "ol",
            "h1",
            "h2",
            "h3",
            "h4",
            "h5",
            "h6",
            "tr",
            "table",
            "section",
            "article",
            "blockquote",
            "pre",
            "header",
            "footer",
            "hr",
            "title",
        }
    )

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skip_depth = 0
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts += 1
        if tag in self._SKIP:
            self.skip_depth += 1
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self._SKIP:
            self.skip_depth = max(0, self.skip_depth - 1)
        elif tag in self._BLOCK:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.parts.append(data)


_SCRIPT_TAG = re.compile(r"<script\b", re.IGNORECASE)
# Past this size html.parser is slow even on honest markup (about 1 s a megabyte); libxml2 reads it in C instead.
PY_PARSER_MAX_CHARS = 2_000_000
# Below this size even html.parser's worst case takes a few hundredths of a second, less than starting a watchdog
# costs many times over (a feed's entries are mostly this small).
_UNGUARDED_CHARS = 2048


_SPACES = re.compile(r"[ \t\r\f\v]+")
_BLANK_LINES = re.compile(r"\n{3,}")


def _tidy(text: str) -> str:
    lines = [ln.strip() for ln in _SPACES.sub(" ", text).split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def _python_text(markup: str) -> tuple[str, int]:
    parser = _TextExtractor()
    try:
        parser.feed(markup)
        parser.close()
    except (AssertionError, ValueError):  # html.parser can choke on pathological markup; keep what it read
        pass
    return _tidy("".join(parser.parts)), parser.scripts


def lxml_text(markup: str) -> str:
    """Visible text through libxml2's HTML parser: linear time on any input, at the cost of html.parser's finesse."""
    from lxml import etree

    parser = etree.HTMLParser(recover=True, no_network=True, remove_comments=True, remove_pis=True)
    try:
        root = etree.fromstring(markup.encode("utf-8", errors="replace"), parser)
    except (etree.LxmlError, ValueError):
        return ""
    if root is None:
        return ""
    etree.strip_elements(root, *_TextExtractor._SKIP, with_tail=False)
    for el in root.iter(*_TextExtractor._BLOCK):
        el.tail = "\n" + (el.tail or "")
        el.text = "\n" + (el.text or "")
    return _tidy("".join(root.itertext()))


def html_to_text(
    markup: str, *, budget: float | None = DEFAULT_TIME_BUDGET, path: str | None = None
) -> tuple[str, int]:
    """Visible text of an HTML fragment (scripts and styles dropped, never run) and the number of scripts seen.

    html.parser turns quadratic on unclosed constructs (400 KB of ``<!--`` ran past 15 minutes), so it runs within
    ``budget`` seconds; past that, or on very large markup, libxml2 reads the text instead.
    """
    if "<" not in markup:
        return html.unescape(markup).strip(), 0
    if len(markup) <= _UNGUARDED_CHARS:
        return _python_text(markup)
    # Far more "<" than ">" means unclosed constructs, html.parser's quadratic case: skip straight to libxml2 rather
    # than spend the whole budget finding out.
    unclosed = markup.count("<") > 2 * markup.count(">") + 64
    if len(markup) <= PY_PARSER_MAX_CHARS and not unclosed:
        try:
            return within_budget(lambda: _python_text(markup), budget, what="HTML text extraction", path=path)
        except InputTimeoutError:
            pass
    return lxml_text(markup), len(_SCRIPT_TAG.findall(markup))


# --- sidecar metadata ----------------------------------------------------------------------------------------------

SIDECAR_SUFFIX = ".meta.json"
FOLDER_METADATA = "metadata.json"


def is_metadata_file(path: Path) -> bool:
    return path.name.endswith(SIDECAR_SUFFIX) or path.name == FOLDER_METADATA


def exceeds_depth(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether lists and dicts nest deeper than ``limit``; iterative, so any depth is safe to ask about.

    Runs once or twice per record of a large export, so only containers are stacked and the checks are the cheap
    built-in ones (an ABC ``Mapping`` check costs several times more).
    """
    if not isinstance(value, dict | list | tuple):
        return False
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        children = item.values() if isinstance(item, dict) else item
        for child in children:
            if isinstance(child, dict | list | tuple):
                stack.append((child, depth + 1))
    return False


def _read_json_object(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(read_limited(path, DEFAULT_MAX_BYTES).decode("utf-8-sig"))
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None
    except OsintkitError as exc:
        raise ValueError(getattr(exc, "reason", str(exc))) from None
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object")
    if exceeds_depth(data):
        raise ValueError(f"JSON nested more than {MAX_JSON_DEPTH} levels deep")
    try:
        json.dumps(data, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        raise ValueError("holds a lone surrogate (\\uD800-\\uDFFF escape), not valid Unicode") from None
    return data


def read_sidecar(path: Path) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """Metadata recorded next to a file: ``x.meta.json`` (or ``x.txt.meta.json``), else the folder's ``metadata.json``.

    Returns (document fields, extra metadata, warnings). A broken sidecar never blocks the document itself; it
    becomes a warning.
    """
    candidates = [path.with_name(path.stem + SIDECAR_SUFFIX), path.with_name(path.name + SIDECAR_SUFFIX)]
    found: dict[str, Any] | None = None
    origin = ""
    warnings: list[str] = []
    for cand in candidates:
        if cand.is_file():
            try:
                found = _read_json_object(cand)
                origin = display_path(cand.name)
            except (OSError, ValueError) as exc:
                warnings.append(f"sidecar {display_path(cand.name)} ignored: {exc}")
            break
    if found is None:
        folder_meta = path.with_name(FOLDER_METADATA)
        if folder_meta.is_file():
            try:
                table = _read_json_object(folder_meta)
                entry = table.get(path.name)
                if isinstance(entry, dict):
                    found, origin = entry, f"{FOLDER_METADATA}[{display_path(path.name)!r}]"
            except (OSError, ValueError) as exc:
                warnings.append(f"{FOLDER_METADATA} ignored: {exc}")
    if found is None:
        return {}, {}, warnings
    fields = {k: found[k] for k in DOC_FIELDS if found.get(k) not in (None, "")}
    if "published" not in fields and found.get("date"):
        fields["published"] = found["date"]
    extra = {k: v for k, v in found.items() if k not in DOC_FIELDS}
    extra["sidecar"] = origin
    return fields, extra, warnings


def hash_file(path: Path, chunk: int = 1 << 20) -> str:
    """The SHA-256 of a file read in chunks, for files too large to hold in memory."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(chunk):
            digest.update(block)
    return digest.hexdigest()


def file_origin(path: Path, data: bytes | None, *, with_sidecar: bool = True, sha256: str | None = None) -> Origin:
    """Where a file's documents come from; ``sha256`` instead of ``data`` for a file streamed, not read whole."""
    overrides: dict[str, Any] = {}
    meta: dict[str, Any] = {}
    warnings: list[str] = []
    if sha256 is None and data is None:
        raise InputError("file_origin needs the file's bytes or their sha256", path=display_path(path), field="sha256")
    file_sha = sha256 if sha256 is not None else sha256_hex(data or b"")
    if with_sidecar:
        overrides, meta, warnings = read_sidecar(path)
        recorded = meta.pop("sha256", None)
        if isinstance(recorded, str) and recorded:
            meta["sidecar_sha256"] = recorded
            if recorded.lower() != file_sha:
                warnings.append(
                    f"sidecar {meta.get('sidecar')} records sha256 {recorded[:16]}… but the file hashes to "
                    f"{file_sha[:16]}…: the file changed since its metadata was written"
                )
    try:
        meta["file_mtime"] = _fmt(dt.datetime.fromtimestamp(path.stat().st_mtime, dt.UTC))
    except (OSError, OverflowError, ValueError):
        pass
    name = display_path(path)
    if name != str(path):
        meta["path_bytes"] = os.fsencode(path).hex()
        warnings.append(f"file name is not valid UTF-8; shown as {name}, exact bytes in meta['path_bytes']")
    return Origin(
        path=name,
        retrieved=utc_now(),
        file_sha256=file_sha,
        overrides=overrides,
        meta=meta,
        warnings=warnings,
    )


# --- documents -----------------------------------------------------------------------------------------------------


def _clean_str(value: Any) -> str | None:
    if value is None:
        return None
    if not isinstance(value, str):
        value = str(value)
    value = value.strip()
    return value or None


def _surrogate_error(value: str, exc: UnicodeEncodeError, path: str | None, field: str) -> MalformedInputError:
    return MalformedInputError(
        f"lone surrogate U+{ord(value[exc.start]):04X} at character {exc.start}: not valid Unicode, cannot be stored",
        path=path,
        field=field,
    )


def check_storable(fields: Mapping[str, Any], meta: Mapping[str, Any], *, path: str | None) -> None:
    """Refuse what the case file cannot hold (lone surrogates, absurd nesting) before it reaches a batch write.

    A JSON ``"\\ud800"`` escape decodes to a lone surrogate that no UTF-8 writer accepts; found only at the store,
    it failed the whole batch.
    """
    for key, value in fields.items():
        if isinstance(value, str):
            try:
                value.encode("utf-8")
            except UnicodeEncodeError as exc:
                raise _surrogate_error(value, exc, path, key) from None
    if not meta:
        return
    try:
        dumped = json.dumps(meta, ensure_ascii=False, default=str)
    except (ValueError, TypeError, RecursionError) as exc:
        raise MalformedInputError(f"metadata cannot be stored: {exc}", path=path, field="meta") from None
    # Nesting needs an opening bracket per level: counting them in C spares the walk for almost every record.
    if dumped.count("[") + dumped.count("{") > MAX_JSON_DEPTH and exceeds_depth(meta):
        raise MalformedInputError(f"nested more than {MAX_JSON_DEPTH} levels deep", path=path, field="meta")
    try:
        dumped.encode("utf-8")
    except UnicodeEncodeError as exc:
        raise _surrogate_error(dumped, exc, path, "meta") from None


def make_document(
    raw: bytes,
    text: str,
    *,
    loader: str,
    origin: Origin,
    ctx: LoadContext,
    fields: Mapping[str, Any] | None = None,
    meta: Mapping[str, Any] | None = None,
    warnings: list[str] | None = None,
    check_meta: bool = True,
) -> Document:
    """Build a Document: fields from the format, then the sidecar's, then ``source_name``; dates normalised.

    ``check_meta=False`` skips re-serialising the metadata to prove it storable, for a loader that has checked its
    source (a record with no surrogate escape and a bounded depth); the fields are always checked.
    """
    sha = sha256_hex(raw)
    values: dict[str, Any] = {k: None for k in DOC_FIELDS}
    values["url"] = origin.url
    for k, v in (fields or {}).items():
        if v not in (None, ""):
            values[k] = v
    values.update(origin.overrides)
    out_meta: dict[str, Any] = dict(origin.meta)
    out_meta.update(meta or {})
    all_warnings = [*origin.warnings, *(warnings or [])]
    if sha != origin.file_sha256:
        out_meta["file_sha256"] = origin.file_sha256
    if ctx.source_name:
        extracted = _clean_str(values["source"])
        if extracted and extracted != ctx.source_name:
            out_meta["source_extracted"] = extracted
        values["source"] = ctx.source_name
    raw_pub = values["published"]
    published = normalize_date(raw_pub)
    if raw_pub not in (None, "") and published is None:
        all_warnings.append(f"published date {str(raw_pub)[:80]!r} could not be parsed; kept in meta['published_raw']")
    if raw_pub not in (None, "") and str(raw_pub) != published:
        out_meta["published_raw"] = raw_pub if isinstance(raw_pub, str | int | float) else str(raw_pub)
    language = normalize_language(values["language"]) or detect_language(text)
    if all_warnings:
        out_meta["warnings"] = all_warnings
    title = _clean_str(values["title"])
    if title is not None and len(title) > 300:
        title = title[:299] + "…"
    check_storable({"text": text, "title": title, **{k: values[k] for k in DOC_FIELDS if k != "title"}},
                   out_meta if check_meta else {}, path=origin.path)  # fmt: skip
    return Document(
        id=Document.make_id(sha),
        text=text,
        sha256=sha,
        loader=loader,
        retrieved=origin.retrieved,
        title=title,
        source=_clean_str(values["source"]),
        author=_clean_str(values["author"]),
        url=_clean_str(values["url"]),
        published=published,
        language=language,
        path=origin.path,
        meta=out_meta,
    )


def env_path(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None
