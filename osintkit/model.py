"""The declarative data model: what flows from loading to export.

Every record is a plain dataclass with ``to_dict()``/``from_dict()`` so the case store, the exporters and the
Dask workers all share one shape. Character offsets always index the document's original ``text``.
"""

from __future__ import annotations

import copy
import dataclasses
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, ClassVar, Literal, Protocol, TypeVar

from .errors import InputError

__all__ = [
    "ATTACHMENT_ROLES",
    "MENTION_LABELS",
    "PLACE_COLUMNS",
    "Attachment",
    "ByteStream",
    "Claim",
    "Document",
    "Entity",
    "Mention",
    "Place",
    "Quantity",
    "Record",
    "content_hash",
    "page_at",
    "to_frame",
]

R = TypeVar("R", bound="Record")

# The shipped tagger's labels: PERSON/ORG/LOC from the model, NORP/DATE/QUANTITY/VESSEL/EVENT/LAW/AWARD from rules
# (osintkit.entities).
# Another model with a label map may add its own.
MENTION_LABELS: tuple[str, ...] = (
    "PERSON", "ORG", "LOC", "NORP", "DATE", "QUANTITY", "VESSEL", "EVENT", "LAW", "AWARD",
)  # fmt: skip


def content_hash(obj: Any) -> str:
    """SHA-256 of a canonical JSON rendering, so equal content always hashes equally."""
    data = json.dumps(obj, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


_FIELD_NAMES: dict[type, tuple[str, ...]] = {}


def _field_names(cls: type) -> tuple[str, ...]:
    names = _FIELD_NAMES.get(cls)
    if names is None:
        names = _FIELD_NAMES[cls] = tuple(f.name for f in dataclasses.fields(cls))
    return names


_ATOMS = frozenset({str, int, float, bool, type(None)})


def _plain(value: Any) -> Any:
    """JSON-ready copy: dataclasses become dicts, containers are copied, immutable leaves are shared."""
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if isinstance(value, Record):
        return value.to_dict()
    if isinstance(value, dict):
        return {k: v if type(v) in _ATOMS else _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_plain(v) for v in value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return dataclasses.asdict(value)
    return copy.deepcopy(value)


class Record:
    """Shared (de)serialisation for the dataclasses below."""

    def to_dict(self) -> dict[str, Any]:
        # Same result as dataclasses.asdict, without its deepcopy of every leaf value: the pipeline serialises
        # every mention, place and claim, and asdict alone cost a fifth of a batch run.
        out = {}
        for name in _field_names(type(self)):
            value = getattr(self, name)
            out[name] = value if type(value) in _ATOMS else _plain(value)
        return out

    @classmethod
    def from_dict(cls: type[R], data: dict[str, Any]) -> R:
        names = {f.name for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        return cls(**{k: v for k, v in data.items() if k in names})

    def content_hash(self) -> str:
        return content_hash(self.to_dict())


@dataclass
class Document(Record):
    """One source item (article, post, feed entry, export row) with its provenance.

    ``sha256`` is the hash of the raw bytes the loader read (the file, or the record's own bytes for exports);
    ``id`` derives from it, so the same bytes always give the same document and ingesting twice is a no-op.
    """

    id: str
    text: str
    sha256: str
    loader: str
    retrieved: str
    title: str | None = None
    source: str | None = None
    author: str | None = None
    url: str | None = None
    published: str | None = None
    language: str | None = None
    path: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)

    FRAME_COLUMNS: ClassVar[tuple[str, ...]] = (
        "id",
        "title",
        "source",
        "author",
        "url",
        "published",
        "retrieved",
        "language",
        "loader",
        "path",
        "sha256",
        "text",
    )

    @staticmethod
    def make_id(sha256: str) -> str:
        return "doc-" + sha256[:16]

    def text_hash(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def _repr_html_(self) -> str:
        from html import escape

        head = escape(self.title or self.id)
        meta = " · ".join(escape(str(v)) for v in (self.source, self.author, self.published) if v)
        body = escape(self.text[:600]) + ("…" if len(self.text) > 600 else "")
        return (
            f"<div class='osintkit-doc'><b>{head}</b><br><small>{meta}</small>"
            f"<br><small><code>sha256 {self.sha256[:16]}…</code> via {escape(self.loader)}</small>"
            f"<p>{body}</p></div>"
        )


# What an attachment is to its document. Telegram export media (a post's photo, file or thumbnail), a web archive's
# screenshot (a ``urn:screenshot:`` record, as Browsertrix and auto-archiver write them) or media record (an image,
# video or audio response the page loaded), or an image in its own right.
ATTACHMENT_ROLES: tuple[str, ...] = ("telegram-media", "warc-screenshot", "warc-media", "image")


class ByteStream(Protocol):
    """What an attachment opens as: a file, a member of an archive, or a BLOB in the case, read in chunks."""

    def read(self, size: int = -1, /) -> bytes: ...

    def close(self) -> None: ...


@dataclass
class Attachment:
    """A file that came with a document and is kept beside it as evidence, byte for byte.

    ``name`` says where it came from (the path inside a Telegram export, a web archive record's URI); ``sha256`` and
    ``size`` are of its bytes, which ``open()`` reads in chunks (from the source file while loading, from the case
    once stored), so an attachment of hundreds of megabytes never has to sit in memory.
    """

    name: str
    role: str
    media_type: str | None
    sha256: str
    size: int
    meta: dict[str, Any] = field(default_factory=dict)
    doc_id: str | None = None
    id: int | None = None
    opener: Callable[[], ByteStream] | None = field(default=None, repr=False, compare=False)

    def open(self) -> ByteStream:
        if self.opener is None:
            raise ValueError(f"attachment {self.name}: its bytes are not at hand (no opener)")
        return self.opener()

    def read(self) -> bytes:
        """All the bytes at once; for a large attachment prefer ``open()`` and read in chunks."""
        stream = self.open()
        try:
            return stream.read()
        finally:
            stream.close()

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "doc_id": self.doc_id, "name": self.name, "role": self.role,
            "media_type": self.media_type, "sha256": self.sha256, "size": self.size, "meta": _plain(self.meta),
        }  # fmt: skip


def to_frame(documents: Iterable[Document]) -> Any:
    """Documents as a pandas DataFrame with :attr:`Document.FRAME_COLUMNS`, one row per document."""
    import pandas as pd

    cols = Document.FRAME_COLUMNS
    return pd.DataFrame([[getattr(d, c) for c in cols] for d in documents], columns=list(cols))


def page_at(pages: Any, offset: int) -> int | None:
    """The 1-based page whose ``[start, end)`` span in ``pages`` (a PDF document's ``meta["pages"]``) holds
    character ``offset``; None outside every page (the blank line between pages belongs to none)."""
    if not isinstance(pages, list):
        return None
    for number, span in enumerate(pages, start=1):
        if isinstance(span, list | tuple) and len(span) == 2 and span[0] <= offset < span[1]:
            return number
    return None


@dataclass
class Mention(Record):
    """A tagged span. ``text == document.text[start:end]`` always holds.

    ``source`` is ``"model"``, ``"rule"`` or ``"gazetteer"``. ``norm`` carries the normalised value where one is
    known: a resolved date range, a quantity's value and what it counts, a demonym's country.
    """

    start: int
    end: int
    text: str
    label: str
    score: float
    source: str
    norm: dict[str, Any] = field(default_factory=dict)
    entity_id: str | None = None
    doc_id: str | None = None
    # The 1-based page of a PDF document the mention sits on (from the document's ``meta["pages"]``, see
    # :func:`page_at`); None for documents without pages. Derived when the case reads mentions back, never stored.
    page: int | None = None


@dataclass
class Entity(Record):
    """A canonical entity within a case: the mentions that name the same person, organisation or place."""

    id: str
    label: str
    name: str
    aliases: list[str] = field(default_factory=list)
    mention_count: int = 0
    doc_ids: list[str] = field(default_factory=list)
    # Why each alias joined: ``{"alias", "rule", "reason"}`` rows (osintkit.entities.normalise), so a merge can be
    # checked.
    merged: list[dict[str, str]] = field(default_factory=list)


@dataclass
class Place(Record):
    """A resolved toponym: one LOC mention tied to a gazetteer record."""

    text: str
    start: int
    end: int
    name: str
    lat: float
    lon: float
    geonameid: int | None
    country_code: str | None
    feature: str
    confidence: float
    doc_id: str | None = None
    alternatives: list[dict[str, Any]] = field(default_factory=list)
    overridden: bool = False


# Column order for tables of places (the notebook DataFrame and the CSV export share it).
PLACE_COLUMNS: tuple[str, ...] = (
    "doc_id", "start", "end", "text", "name", "lat", "lon", "geonameid", "country_code", "feature", "confidence",
    "overridden", "alternatives",
)  # fmt: skip


@dataclass
class Quantity(Record):
    """A number and what it counts, e.g. 11,000 soldiers deployed: a claim's figure, read from a QUANTITY mention.

    ``text`` is the number as written ("11,000", "4 тис."), without its hedge; the hedge is in ``modifiers`` ("more
    than", "an estimated"; "понад", "около"), and ``bound`` says what it does to the number: ``"lower"`` for "more
    than"/"понад"/"свыше", ``"upper"`` for "up to"/"до"/"почти", None where it only makes it approximate. A range
    ("2,000-3,000") has its high end in ``value_max``.
    """

    value: float
    text: str
    unit: str | None = None
    counted: str | None = None
    start: int | None = None
    end: int | None = None
    approximate: bool = False
    modifiers: list[str] = field(default_factory=list)
    bound: Literal["lower", "upper"] | None = None
    value_max: float | None = None

    # The keys findings.json, the CSV table and STIX publish for a figure, as they have since before the hedges
    # were typed: exports stay comparable across versions. The case store keeps every field.
    PUBLISHED_FIELDS: ClassVar[tuple[str, ...]] = ("value", "text", "unit", "counted", "start", "end", "approximate")

    def published(self) -> dict[str, Any]:
        """The figure as exports write it (:attr:`PUBLISHED_FIELDS`)."""
        return {name: getattr(self, name) for name in self.PUBLISHED_FIELDS}

    @classmethod
    def coerce(cls, value: Quantity | Mapping[str, Any]) -> Quantity:
        """A figure from a claim as built by hand or stored in a case written before figures were typed (a dict)."""
        if isinstance(value, Quantity):
            return value
        if not isinstance(value, Mapping) or "value" not in value or "text" not in value:
            raise InputError(f"expected a figure with 'value' and 'text', got {value!r}", field="quantities")
        return cls.from_dict(dict(value))


@dataclass
class Claim(Record):
    """Who claims what, on whose authority, in one sentence of one document."""

    id: str
    doc_id: str
    sentence: str
    sentence_start: int
    sentence_end: int
    content: str
    content_start: int
    content_end: int
    claimant: str | None
    claimant_type: str
    cue: str | None
    direct: bool
    hedged: bool
    hedges: list[str] = field(default_factory=list)
    negated: bool = False
    claimant_entity_id: str | None = None
    platform: str | None = None
    quantities: list[Quantity] = field(default_factory=list)
    places: list[str] = field(default_factory=list)
    dates: list[dict[str, Any]] = field(default_factory=list)
    # Added for claims (issue 5): False when the sentence speaks in the publication's own voice.
    attributed: bool = True
    claimant_role: str | None = None  # an appositive such as "a spokesman for the White House"
    quotes: list[str] = field(default_factory=list)  # the speaker's quoted words within the content
    # Where the claimant said it, when the text says: "post on X", "post on Telegram", "briefing", "statement",
    # "interview", "video address". The platform alone stays in ``platform``.
    channel: str | None = None
    # The carriers the sentence names between the claimant and this document, nearest first: "per the AP" gives
    # ["AP"]; "Yonhap reported, citing the NIS" gives claimant "the NIS" and via ["Yonhap"].
    via: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        # Cases written before figures were typed store them as dicts, and claims built by hand may pass dicts.
        self.quantities = [Quantity.coerce(q) for q in self.quantities]
