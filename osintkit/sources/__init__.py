"""Sources with provenance: files, folders, exports, saved pages, feeds and (opt-in) URLs → Documents.

>>> docs = osintkit.load("seeds/")                                   # doctest: +SKIP
>>> docs.skipped                  # every file that was passed over, and why
>>> docs.to_frame()               # one row per document

Each Document carries the SHA-256 of the raw bytes it came from, and an id derived from it, so loading the
same bytes twice gives the same document. ``load()`` returns a list-like :class:`LoadResult`;
:func:`iter_load` streams documents for large inputs. ``osintkit.load`` is :func:`osintkit.sources.load`; the
package is named for the step (sourcing) so that it never shadows the function, and holds one module per format,
as geopy's ``geocoders`` holds one module per geocoder.
"""

from __future__ import annotations

import dataclasses
import inspect
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from html import escape
from pathlib import Path
from typing import Any, Generic, TypeVar

from osintkit.errors import (
    InputError,
    MalformedInputError,
    NetworkDisabledError,
    OsintkitError,
    UnsupportedFormatError,
)
from osintkit.model import Attachment, Document, to_frame
from osintkit.sources._common import (
    DEFAULT_MAX_BYTES,
    DEFAULT_TIME_BUDGET,
    Item,
    LoadContext,
    Loaded,
    OnError,
    Origin,
    Skipped,
    display_path,
    file_origin,
    original_path,
    read_limited,
    sha256_hex,
)
from osintkit.sources._stream import stream_file
from osintkit.sources.feed import load_feed
from osintkit.sources.folder import DEFAULT_INCLUDE, walk_folder
from osintkit.sources.html import load_html
from osintkit.sources.image import is_image, load_image
from osintkit.sources.pdf import load_pdf
from osintkit.sources.tabular import PRESETS, load_csv, load_jsonl, validate_mapping
from osintkit.sources.telegram import load_json_or_telegram, load_telegram
from osintkit.sources.text import load_markdown, load_text
from osintkit.sources.url import fetch, is_url
from osintkit.sources.warc import is_wacz, is_warc, load_wacz, load_warc

__all__ = [
    "DEFAULT_INCLUDE",
    "DEFAULT_MAX_BYTES",
    "DEFAULT_TIME_BUDGET",
    "FORMATS",
    "PRESETS",
    "LoadIterator",
    "LoadOptions",
    "LoadResult",
    "Skipped",
    "iter_documents",
    "iter_load",
    "load",
    "load_bytes",
    "original_path",
    "to_frame",
]

T = TypeVar("T")
Source = str | os.PathLike[str]
Loader = Callable[[bytes, Origin, LoadContext], Iterator[Item]]


def _tsv(data: bytes, origin: Origin, ctx: LoadContext) -> Iterator[Item]:
    return load_csv(data, origin, ctx, delimiter="\t")


FORMATS: dict[str, Loader] = {
    "text": load_text,
    "markdown": load_markdown,
    "csv": load_csv,
    "tsv": _tsv,
    "json": load_json_or_telegram,
    "jsonl": load_jsonl,
    "html": load_html,
    "feed": load_feed,
    "image": load_image,
    "telegram": load_telegram,
    "pdf": load_pdf,
    "warc": load_warc,
    "wacz": load_wacz,
}
_EXTENSIONS = {
    ".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
    ".csv": "csv", ".tsv": "tsv", ".json": "json", ".jsonl": "jsonl", ".ndjson": "jsonl",
    ".html": "html", ".htm": "html", ".xhtml": "html", ".rss": "feed", ".atom": "feed", ".xml": "feed",
    ".pdf": "pdf", ".warc": "warc", ".wacz": "wacz",
    ".jpg": "image", ".jpeg": "image", ".jpe": "image", ".jfif": "image", ".png": "image", ".webp": "image",
    ".heic": "image", ".heif": "image",
}  # fmt: skip
_CONTENT_TYPES = (
    ("image/jpeg", "image"), ("image/png", "image"), ("image/webp", "image"), ("image/hei", "image"),
    ("html", "html"), ("rss", "feed"), ("atom", "feed"), ("xml", "feed"), ("ndjson", "jsonl"),
    ("jsonl", "jsonl"), ("json", "json"), ("csv", "csv"), ("tab-separated", "tsv"), ("markdown", "markdown"),
    ("text/plain", "text"), ("application/pdf", "pdf"), ("application/warc", "warc"),
)  # fmt: skip


def _sniff(data: bytes) -> str:
    if is_image(data):
        return "image"
    if data.startswith(b"%PDF-"):
        return "pdf"
    if is_warc(data):
        return "warc"
    if is_wacz(data):
        return "wacz"
    head = data[:4096].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<"):
        if b"<rss" in head or b"<feed" in head or b"<rdf:rdf" in head:
            return "feed"
        return "html"
    if head.startswith((b"{", b"[")):
        first, _, rest = head.partition(b"\n")
        return "jsonl" if first.rstrip().endswith(b"}") and rest.lstrip().startswith(b"{") else "json"
    return "text"


def _format_for(name: str, data: bytes, content_type: str = "") -> str:
    ctype = content_type.split(";")[0].strip().lower()
    for needle, fmt in _CONTENT_TYPES:
        if needle in ctype:
            return fmt
    suffix = Path(name).suffix.lower()
    return _EXTENSIONS.get(suffix) or _sniff(data)


def load_bytes(data: bytes, origin: Origin, ctx: LoadContext, fmt: str) -> Iterator[Item]:
    """Run one format's loader over bytes already read (from a file, a URL or the caller)."""
    loader = FORMATS.get(fmt)
    if loader is None:
        raise UnsupportedFormatError(
            f"unknown format {fmt!r}; use one of: {', '.join(FORMATS)}", path=origin.path or origin.url
        )
    return loader(data, origin, ctx)


def _file_error(err: OsintkitError, where: str, produced: int) -> Skipped:
    reason = getattr(err, "reason", None) or str(err)
    line = getattr(err, "line", None)
    if line is not None:
        reason = f"line {line}: {reason}"
    if produced:
        reason = f"stopped after {produced} record(s): {reason}"
    return Skipped(where=where, reason=reason, error=err, path=where, line=line)


def _guarded(items: Callable[[], Iterator[Item]], where: str, strict: bool) -> Iterator[Item]:
    produced = 0
    try:
        for item in items():
            if isinstance(item, Loaded):
                produced += 1
            yield item
    except OsintkitError as err:
        if strict:
            raise
        yield _file_error(err, where, produced)
    except RecursionError as exc:
        deep = MalformedInputError("nested too deeply to read", path=where)
        if strict:
            raise deep from exc
        yield _file_error(deep, where, produced)
    except Exception as exc:  # one file must never end a batch; the reason says it is a bug
        bug = InputError(f"unexpected {type(exc).__name__}: {exc} (a bug in osintkit; please report it)", path=where)
        if strict:
            raise bug from exc
        yield _file_error(bug, where, produced)


def _iter_file(path: Path, ctx: LoadContext, strict: bool) -> Iterator[Item]:
    def run() -> Iterator[Item]:
        large = stream_file(path, ctx)  # a web archive or a Telegram export over max_bytes: read record by record
        if large is not None:
            yield from large
            return
        data = read_limited(path, ctx.max_bytes)
        origin = file_origin(path, data)
        fmt = ctx.format or _format_for(path.name, data)
        yield from load_bytes(data, origin, ctx, fmt)

    return _guarded(run, display_path(path), strict)


def _iter_url(url: str, ctx: LoadContext, strict: bool) -> Iterator[Item]:
    def run() -> Iterator[Item]:
        res = fetch(
            url,
            allow_network=ctx.allow_network,
            user_agent=ctx.user_agent,
            cache_dir=ctx.cache_dir,
            rate_limit=ctx.rate_limit,
            max_bytes=ctx.max_bytes,
        )
        http: dict[str, Any] = {
            "status": res.status,
            "content_type": res.content_type,
            "cache": ("hit" if res.from_cache else "miss"),
        }
        if res.final_url != url:
            http["final_url"] = res.final_url
        origin = Origin(
            path=None, url=url, retrieved=res.retrieved, file_sha256=sha256_hex(res.data), meta={"http": http}
        )
        fmt = ctx.format or _format_for(url.split("?")[0], res.data, res.content_type)
        yield from load_bytes(res.data, origin, ctx, fmt)

    return _guarded(run, url, strict)


def _flatten(sources: Iterable[Any]) -> Iterator[Source]:
    for s in sources:
        if isinstance(s, list | tuple):
            yield from _flatten(s)
        else:
            yield s


def _items(
    sources: tuple[Any, ...],
    ctx: LoadContext,
    include: str | Iterable[str] | None,
    exclude: str | Iterable[str] | None,
) -> Iterator[Item]:
    strict = ctx.on_error == "raise"
    # A folder never stops at one bad file or record, whatever on_error says: it reports them all.
    folder_ctx = dataclasses.replace(ctx, on_error="skip")
    seen: dict[str, str] = {}
    for source in _flatten(sources):
        if is_url(source):
            if not ctx.allow_network:
                raise NetworkDisabledError(
                    f"{source}: fetching is off; pass allow_network=True (and user_agent=...) to load() to fetch it"
                )
            stream = _iter_url(str(source), ctx, strict)
        else:
            path = Path(source)
            if path.is_dir():
                stream = _iter_folder(path, include, exclude, folder_ctx)
            elif os.path.lexists(path):
                stream = _iter_file(path, ctx, strict)
            else:
                raise InputError("no such file or folder", path=display_path(path))
        for item in stream:
            if isinstance(item, Loaded):
                doc = item.document
                first = seen.get(doc.id)
                if first is not None:
                    yield Skipped(
                        where=_where(doc), reason=f"duplicate: same bytes as {doc.id} from {first}", path=doc.path
                    )
                    continue
                seen[doc.id] = _where(doc)
            yield item


def _iter_folder(
    root: Path, include: str | Iterable[str] | None, exclude: str | Iterable[str] | None, ctx: LoadContext
) -> Iterator[Item]:
    for entry in walk_folder(root, include, exclude):
        if isinstance(entry, Skipped):
            yield entry
        else:
            yield from _iter_file(entry, ctx, False)


def _where(doc: Document) -> str:
    base = doc.path or doc.url or doc.id
    for key in ("record", "record_index", "entry_index"):
        if key in doc.meta:
            return f"{base}:{doc.meta[key]}" if key == "record" else f"{base}[{doc.meta[key]}]"
    return base


_F = TypeVar("_F", bound=Callable[..., Any])


@dataclasses.dataclass(frozen=True)
class LoadOptions:
    """How :func:`load`, :func:`iter_load` and :func:`iter_documents` read their sources: the one list of their
    keyword options, with the defaults (each option is described on :func:`load`)."""

    include: str | Iterable[str] | None = None
    exclude: str | Iterable[str] | None = None
    mapping: str | Mapping[str, Any] | None = None
    format: str | None = None
    max_bytes: int = DEFAULT_MAX_BYTES
    allow_network: bool = False
    user_agent: str | None = None
    cache_dir: str | os.PathLike[str] | None = None
    rate_limit: float = 1.0
    source_name: str | None = None
    on_error: str = "skip"
    time_budget: float | None = DEFAULT_TIME_BUDGET

    def context(self) -> LoadContext:
        """The checked context the loaders read; raises :class:`InputError` naming the first bad option."""
        checked, preset = validate_mapping(self.mapping)
        if self.format is not None and self.format not in FORMATS:
            raise UnsupportedFormatError(
                f"unknown format {self.format!r}; use one of: {', '.join(FORMATS)}", field="format"
            )
        if self.on_error not in ("skip", "raise"):
            raise InputError("on_error must be 'skip' or 'raise'", field="on_error")
        if not isinstance(self.max_bytes, int) or self.max_bytes <= 0:
            raise InputError("max_bytes must be a positive number of bytes", field="max_bytes")
        budget = self.time_budget
        if budget is not None and (
            isinstance(budget, bool) or not isinstance(budget, int | float) or not 0 < budget < 1e6
        ):
            raise InputError(
                "time_budget must be a positive number of seconds, or None for no limit", field="time_budget"
            )
        policy: OnError = "raise" if self.on_error == "raise" else "skip"
        return LoadContext(
            mapping=checked,
            preset=preset,
            format=self.format,
            max_bytes=self.max_bytes,
            allow_network=self.allow_network,
            user_agent=self.user_agent,
            cache_dir=None if self.cache_dir is None else str(self.cache_dir),
            rate_limit=float(self.rate_limit),
            source_name=self.source_name,
            on_error=policy,
            time_budget=None if budget is None else float(budget),
        )


def _options(options: dict[str, Any]) -> LoadOptions:
    try:
        return LoadOptions(**options)
    except TypeError:
        known = [f.name for f in dataclasses.fields(LoadOptions)]
        unknown = sorted(set(options) - set(known))
        raise InputError(
            f"unknown load option(s) {', '.join(unknown)}; known: {', '.join(known)}", field=unknown[0]
        ) from None


def _with_options(func: _F) -> _F:
    """Show :class:`LoadOptions`' fields as ``func``'s keyword parameters (``help()``, Jupyter's signature tips)."""
    own = inspect.signature(func)
    params = [p for p in own.parameters.values() if p.kind is not inspect.Parameter.VAR_KEYWORD]
    params += [
        inspect.Parameter(f.name, inspect.Parameter.KEYWORD_ONLY, default=f.default, annotation=f.type)
        for f in dataclasses.fields(LoadOptions)
    ]
    func.__signature__ = own.replace(parameters=params)  # type: ignore[attr-defined]
    return func


class LoadIterator(Generic[T]):
    """Documents one at a time; ``skipped`` fills in as iteration passes over bad files and records."""

    def __init__(
        self, items: Iterator[Item], pick: Callable[[Loaded], T], on_skip: Callable[[Skipped], None] | None = None
    ) -> None:
        self._items = items
        self._pick = pick
        self._on_skip = on_skip
        self.skipped: list[Skipped] = []
        # The files that came with each document (by id), for Case.add_documents(..., attachments=); a consumer
        # that stores documents as it goes pops them, so they do not pile up over a long stream.
        self.attachments: dict[str, list[Attachment]] = {}
        self.count = 0

    def __iter__(self) -> LoadIterator[T]:
        return self

    def __next__(self) -> T:
        while True:
            item = next(self._items)
            if isinstance(item, Skipped):
                self.skipped.append(item)
                if self._on_skip is not None:
                    self._on_skip(item)
                continue
            self.count += 1
            if item.attachments:
                self.attachments[item.document.id] = item.attachments
            return self._pick(item)


def _make_iter(
    sources: tuple[Any, ...],
    options: LoadOptions,
    skipped: list[Skipped] | None,
    on_skip: Callable[[Skipped], None] | None,
    pick: Callable[[Loaded], T],
) -> LoadIterator[T]:
    ctx = options.context()
    it = LoadIterator(_items(sources, ctx, options.include, options.exclude), pick, on_skip)
    if skipped is not None:
        it.skipped = skipped  # the caller's list fills in as iteration goes
    return it


@_with_options
def iter_load(
    *sources: Source | Iterable[Source],
    skipped: list[Skipped] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    **options: Any,
) -> LoadIterator[tuple[Document, bytes]]:
    """Stream ``(document, raw bytes)`` pairs lazily, so memory stays flat for large exports and folders.

    Skipped files and records are appended to ``skipped`` (when given) and to the iterator's own ``skipped``
    list as iteration reaches them; ``on_skip`` is called for each. Other options are those of :func:`load`.
    """
    return _make_iter(sources, _options(options), skipped, on_skip, lambda it: (it.document, it.raw))


@_with_options
def iter_documents(
    *sources: Source | Iterable[Source],
    skipped: list[Skipped] | None = None,
    on_skip: Callable[[Skipped], None] | None = None,
    **options: Any,
) -> LoadIterator[Document]:
    """Like :func:`iter_load`, yielding documents only."""
    return _make_iter(sources, _options(options), skipped, on_skip, lambda it: it.document)


class LoadResult(list[Document]):
    """The documents of one ``load()`` call, with what was skipped, the raw bytes behind each document and the
    files that came with it (``case.add_documents(docs, raw=docs.raw, attachments=docs.attachments)``)."""

    def __init__(
        self,
        documents: Iterable[Document] = (),
        skipped: Iterable[Skipped] = (),
        raw: Mapping[str, bytes] | None = None,
        attachments: Mapping[str, list[Attachment]] | None = None,
    ) -> None:
        super().__init__(documents)
        self.skipped: list[Skipped] = list(skipped)
        self.raw: dict[str, bytes] = dict(raw or {})
        self.attachments: dict[str, list[Attachment]] = dict(attachments or {})

    def to_frame(self) -> Any:
        return to_frame(self)

    def _summary(self) -> str:
        loaders = Counter(d.loader for d in self)
        by = ", ".join(f"{k}: {v}" for k, v in sorted(loaders.items()))
        return f"{len(self)} document(s)" + (f" ({by})" if by else "") + f", {len(self.skipped)} skipped"

    def __repr__(self) -> str:
        lines = [f"LoadResult: {self._summary()}"]
        for doc in self[:10]:
            lines.append(f"  {doc.id}  {doc.loader:<8} {(doc.title or doc.path or '')[:70]}")
        if len(self) > 10:
            lines.append(f"  … {len(self) - 10} more")
        if self.skipped:
            lines.append("skipped:")
            lines.extend(f"  {s.where}: {s.reason}" for s in self.skipped[:50])
            if len(self.skipped) > 50:
                lines.append(f"  … {len(self.skipped) - 50} more")
        return "\n".join(lines)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><td><code>{escape(d.id)}</code></td><td>{escape(d.title or '')}</td>"
            f"<td>{escape(d.source or '')}</td><td>{escape(d.published or '')}</td>"
            f"<td>{escape(d.loader)}</td><td>{len(d.text):,}</td>"
            f"<td>{escape('; '.join(d.meta.get('warnings', [])))}</td></tr>"
            for d in self[:50]
        )
        more = f"<p>… {len(self) - 50} more</p>" if len(self) > 50 else ""
        skipped = ""
        if self.skipped:
            srows = "".join(
                f"<tr><td><code>{escape(s.where)}</code></td><td>{escape(s.kind)}</td><td>{escape(s.reason)}</td></tr>"
                for s in self.skipped[:200]
            )
            skipped = (
                f"<details open><summary><b>{len(self.skipped)} skipped</b></summary>"
                f"<table><tr><th>where</th><th>error</th><th>reason</th></tr>{srows}</table></details>"
            )
        return (
            f"<div class='osintkit-load'><b>{escape(self._summary())}</b>"
            "<table><tr><th>id</th><th>title</th><th>source</th><th>published</th><th>loader</th><th>chars</th>"
            f"<th>warnings</th></tr>{rows}</table>{more}{skipped}</div>"
        )


@_with_options
def load(*sources: Source | Iterable[Source], **options: Any) -> LoadResult:
    """Load files, folders (recursively) and, with ``allow_network=True``, URLs into Documents.

    - ``include``/``exclude``: globs for folders (a pattern with '/' matches the path inside the folder).
    - ``mapping``: for CSV/JSON/JSONL, ``{"text": COLUMN, "published": ..., "author": ..., "url": ..., "title": ...,
      "source": ..., "language": ..., "id": ..., "records": PATH_TO_LIST}``; dotted paths reach nested JSON fields,
      ``$.name`` reads the file's top level, and a list gives alternatives. A Telegram Desktop export
      (``result.json``, one chat or all chats) is recognised by its content and read a message per document
      (:mod:`osintkit.sources.telegram`); an explicit mapping reads it as plain records instead.
    - Web archives (``.warc``, ``.warc.gz``, ``.wacz``) give a document per archived page
      (:mod:`osintkit.sources.warc`); PDFs give one document with page offsets (:mod:`osintkit.sources.pdf`).
    - ``format``: force one of :data:`FORMATS` instead of going by file extension.
    - ``max_bytes``: files or responses over this size are refused (InputTooLargeError), except web archives and
      Telegram exports, which are then read from the file record by record, ``max_bytes`` limiting each record.
    - ``allow_network``, ``user_agent``, ``cache_dir``, ``rate_limit``: opt-in polite fetching of URLs.
    - ``source_name``: the publisher to record on every document (the one found in the file goes to meta).
    - ``on_error``: ``"skip"`` reports a bad file in ``result.skipped``; ``"raise"`` raises its OsintkitError.
      Files inside a folder are always skipped and reported, never fatal, and so are the files a folder holds that
      no loader reads (hidden, unsupported types, FIFOs, devices).
    - ``time_budget``: seconds each parse step of a file may take (HTML extraction, feed parsing) before the file
      is skipped as built to stall a parser (InputTimeoutError); None for no limit.
    """
    stream = iter_load(*sources, **options)
    result = LoadResult()
    for doc, raw in stream:
        result.append(doc)
        result.raw[doc.id] = raw
    result.skipped = stream.skipped
    result.attachments = stream.attachments
    return result
