"""Photos as evidence: perceptual hashes, image-reuse links and photo positions.

The image loader (:mod:`osintkit.sources.image`) records in each image document's ``meta["image"]`` the file's exact
SHA-256, the SHA-256 of its decoded pixels, and a 64-bit pHash (imagehash's DCT hash of the upright image, as 16
hex digits). From those alone, so that documents read back from a case work as well as fresh ones:

* :func:`match_images` links images within a Hamming distance of each other (re-encodings, resizes, light crops)
  and exact duplicates, naming the earliest known appearance as the first. A photo first posted by one channel and
  reused by outlets is one origin; :meth:`ImageMatch.to_copy_link` hands each match to corroboration as a copy link.
* :func:`photo_place` turns an image's EXIF GPS position into a :class:`~osintkit.model.Place` with feature
  ``"photo"`` and a confidence from the recorded accuracy, which the maps and the GeoJSON export draw like any place.

Which image came first is decided by evidence only: the document's publication time, else the EXIF capture time,
else it is "undetermined". Input order, file names and document ids never decide a direction (ids only fix a
stable order among images nothing can tell apart).
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np

from osintkit.errors import InputError
from osintkit.model import Document, Place, Record

# Hashing belongs to reading an image (a source), matching to corroboration: the hash functions live with the
# loader, below this module, and are re-exported here beside the matching that compares them.
from osintkit.sources.image import hamming, perceptual_hash

if TYPE_CHECKING:
    from osintkit.claims.links import CopyLink

__all__ = [
    "DEFAULT_THRESHOLD",
    "HASH_BITS",
    "REUSE_COLUMNS",
    "ImageMatch",
    "hamming",
    "image_info",
    "match_images",
    "perceptual_hash",
    "photo_place",
    "photo_places",
    "reuse_frame",
]

HASH_BITS = 64
# Measured by benchmarks/bench_images.py on 150 generated photos: re-encodings (JPEG 95/70/40) and resizes (50 %,
# 200 %) sit at most 2 bits from their original, 2-5 % crops at up to 14 (99 % within 10), and of 11,175 pairs of
# unrelated photos none is closer than 14 bits (mean 31.6).
DEFAULT_THRESHOLD = 10
# Typical horizontal error of a consumer GPS fix per unit of dilution of precision, in metres.
_METRES_PER_DOP = 5.0
# Confidence of a position whose accuracy the camera did not record.
_UNKNOWN_ACCURACY_CONFIDENCE = 0.5


def image_info(doc: Document) -> dict[str, Any] | None:
    """The image metadata the loader recorded (``meta["image"]``), or None for a document that is not an image."""
    info = doc.meta.get("image") if isinstance(doc.meta, dict) else None
    return info if isinstance(info, dict) and isinstance(info.get("phash"), str) else None


@dataclass
class ImageMatch(Record):
    """``reuse`` shows the same picture as ``first``, the earliest known appearance of it among the documents.

    ``direction`` says what decided the order: "publication time", "capture time" (EXIF), or "undetermined", in
    which case the two ends are in a fixed but meaningless order. ``distance`` is the pHash Hamming distance
    between the two (0 for exact duplicates); ``exact`` is set when the files or their decoded pixels are identical.
    ``via`` names the images a chained match passed through (a crop of a resize of the first). ``notes`` say where
    the two files' metadata disagree: EXIF stripped from one, capture times or GPS positions that differ. ``why``
    and ``notes`` are read by people: they name each image by its title, and an untitled one by its document id
    (as ``first``, ``reuse`` and ``via`` do), never by its file name, since renaming files must change no finding;
    tables and reports show such ids as titles or file names (:func:`osintkit.tables.brief` with ``titles=``).
    """

    first: str
    reuse: str
    distance: int
    why: str
    direction: str = "undetermined"
    exact: bool = False
    via: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def determined(self) -> bool:
        return self.direction != "undetermined"

    def to_copy_link(self) -> CopyLink:
        """This match as corroboration's copy link: the reuse echoes the first, with this match as the evidence."""
        from osintkit.claims.links import DIRECTIONS, CopyLink

        score = round(1.0 - self.distance / HASH_BITS, 3)
        details: dict[str, Any] = {"distance": self.distance, "exact": self.exact, "decided_by": self.direction}
        if self.via:
            details["via"] = list(self.via)
        if self.notes:
            details["notes"] = list(self.notes)
        # Every direction an image match can take is one corroboration ranks ("capture time" after publication).
        direction = self.direction if self.direction in DIRECTIONS else "undetermined"
        return CopyLink(self.first, self.reuse, "same image", direction, score, self.why, details)


@dataclass
class _Seen:
    doc: Document
    info: dict[str, Any]
    when: dt.datetime | None
    basis: str  # "published" | "captured" | ""
    label: str  # the time as written, for the reason

    @property
    def id(self) -> str:
        return self.doc.id

    @property
    def name(self) -> str:
        """How a reason names the image: its title, else its document id (a file name would make findings depend on
        how files were named)."""
        return self.doc.title or self.doc.id


def _parse_time(value: Any) -> dt.datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = dt.datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError:
        return None
    # The kit's convention: a time without a zone counts as UTC (EXIF often records none; the reason says so).
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=dt.UTC)
    return moment.astimezone(dt.UTC)


def _seen(doc: Document, info: dict[str, Any]) -> _Seen:
    published = _parse_time(doc.published)
    if published is not None:
        return _Seen(doc, info, published, "published", f"published {doc.published}")
    captured = _parse_time(info.get("captured"))
    if captured is not None:
        zone = "" if info.get("captured_offset") else ", time zone not recorded"
        return _Seen(doc, info, captured, "captured", f"captured {info['captured']} (EXIF{zone})")
    return _Seen(doc, info, None, "", "no publication or capture time")


class _Groups:
    """Union-find over image indices; the smallest index roots each group so the result never depends on order."""

    def __init__(self, n: int) -> None:
        self.parent = list(range(n))

    def find(self, i: int) -> int:
        while self.parent[i] != i:
            self.parent[i] = self.parent[self.parent[i]]
            i = self.parent[i]
        return i

    def union(self, a: int, b: int) -> None:
        ra, rb = self.find(a), self.find(b)
        if ra != rb:
            self.parent[max(ra, rb)] = min(ra, rb)


def _hash_array(hashes: Sequence[str]) -> np.ndarray:
    return np.array([int(h, 16) for h in hashes], dtype=np.uint64)


def _pairs(seen: Sequence[_Seen], threshold: int) -> dict[tuple[int, int], tuple[int, bool]]:
    """Pairs within ``threshold`` bits, or with identical files or pixels: (i, j) with i < j → (distance, exact)."""
    out: dict[tuple[int, int], tuple[int, bool]] = {}
    hashes = _hash_array([s.info["phash"] for s in seen])
    # One vectorised XOR and popcount per image against those after it: 10,000 images in a few seconds.
    for i in range(len(seen) - 1):
        dist = np.bitwise_count(hashes[i + 1 :] ^ hashes[i])
        for k in np.flatnonzero(dist <= threshold):
            out[(i, i + 1 + int(k))] = (int(dist[k]), False)
    for key in ("sha256", "pixel_sha256"):
        by: dict[str, list[int]] = {}
        for i, s in enumerate(seen):
            value = s.info.get(key)
            if isinstance(value, str) and value:
                by.setdefault(value, []).append(i)
        for members in by.values():
            for x, i in enumerate(members):
                for j in members[x + 1 :]:
                    out[(i, j)] = (0, True)
    return out


def _order_key(s: _Seen) -> tuple[int, dt.datetime, str]:
    # Known times first, earliest first; the id only orders images that no evidence tells apart.
    return (s.when is None, s.when or dt.datetime.min.replace(tzinfo=dt.UTC), s.id)


def _path(start: int, goal: int, edges: dict[int, list[int]]) -> list[int]:
    """Shortest chain of direct matches from ``start`` to ``goal`` (breadth first, neighbours in index order)."""
    back = {start: start}
    queue = [start]
    for node in queue:
        if node == goal:
            break
        for nxt in edges.get(node, []):
            if nxt not in back:
                back[nxt] = node
                queue.append(nxt)
    chain = [goal]
    while chain[-1] != start:
        chain.append(back[chain[-1]])
    return chain[::-1]


def match_images(documents: Iterable[Document], threshold: int = DEFAULT_THRESHOLD) -> list[ImageMatch]:
    """Link image documents that show the same picture; one :class:`ImageMatch` per reuse, to the group's first.

    Two images match when their pHashes differ in at most ``threshold`` of 64 bits, or when their files or decoded
    pixels are identical. Matches chain into groups (a crop of a resize of a photo is still that photo); in each
    group the earliest known appearance is the first (publication time, else EXIF capture time), and every other
    member is one reuse of it. Documents that are not images are ignored. The result does not depend on the
    order of ``documents``.
    """
    if isinstance(threshold, bool) or not isinstance(threshold, int) or not 0 <= threshold < HASH_BITS:
        raise InputError(f"threshold must be a whole number of bits from 0 to {HASH_BITS - 1}", field="threshold")
    unique: dict[str, _Seen] = {}
    for doc in documents:
        info = image_info(doc)
        if info is not None:
            unique.setdefault(doc.id, _seen(doc, info))
    seen = [unique[k] for k in sorted(unique)]
    pairs = _pairs(seen, threshold)
    groups = _Groups(len(seen))
    edges: dict[int, list[int]] = {}
    for i, j in sorted(pairs):
        groups.union(i, j)
        edges.setdefault(i, []).append(j)
        edges.setdefault(j, []).append(i)
    members: dict[int, list[int]] = {}
    for i in range(len(seen)):
        members.setdefault(groups.find(i), []).append(i)
    out: list[ImageMatch] = []
    for group in members.values():
        if len(group) < 2:
            continue
        first = min(group, key=lambda i: _order_key(seen[i]))
        for other in sorted(group, key=lambda i: _order_key(seen[i])):
            if other != first:
                out.append(_match(seen, first, other, pairs, edges))
    return sorted(out, key=lambda m: (m.first, m.reuse))


def _match(
    seen: Sequence[_Seen],
    i: int,
    j: int,
    pairs: dict[tuple[int, int], tuple[int, bool]],
    edges: dict[int, list[int]],
) -> ImageMatch:
    a, b = seen[i], seen[j]
    direct = pairs.get((min(i, j), max(i, j)))
    chain = [i, j] if direct is not None else _path(i, j, edges)
    name = _names([seen[k] for k in chain])
    via = [seen[k].id for k in chain[1:-1]]
    if direct is not None:
        distance, exact = direct
    else:
        distance, exact = hamming(a.info["phash"], b.info["phash"]), False
    if exact:
        same = "identical file" if a.info.get("sha256") == b.info.get("sha256") else "identical pixels"
        how = f"{same} (SHA-256 {a.info.get('pixel_sha256', a.info.get('sha256', ''))[:12]}…)"
    else:
        how = f"pHash {distance} of {HASH_BITS} bits apart"
    if via:
        how += " through " + ", ".join(name[v] for v in via)
    if a.when is not None and b.when is not None and a.when < b.when:
        # A capture time on either side makes the order rest on it, the weaker evidence.
        direction = "publication time" if a.basis == b.basis == "published" else "capture time"
        order = f"{name[a.id]} {a.label}, before {name[b.id]} {b.label}"
    else:
        direction = "undetermined"
        if a.when is not None and b.when is not None:
            order = f"both at the same time ({a.label}; {b.label}): which came first is undetermined"
        else:
            order = f"{name[a.id]}: {a.label}; {name[b.id]}: {b.label}: which came first is undetermined"
    notes = _metadata_notes(a, b, name)
    why = "; ".join([how, order, *notes])
    return ImageMatch(a.id, b.id, distance, why, direction, exact, via, notes)


def _names(images: Sequence[_Seen]) -> dict[str, str]:
    """Each image's name for a reason; two images that share a title or file name are told apart by their ids."""
    count = Counter(s.name for s in images)
    return {s.id: s.name if count[s.name] == 1 else f"{s.name} ({s.id})" for s in images}


# Positions further apart than this, beyond both fixes' recorded accuracy, cannot be one camera's one shot.
_SAME_PLACE_M = 200.0


def _metadata_notes(a: _Seen, b: _Seen, name: Mapping[str, str]) -> list[str]:
    """Where two copies of one picture disagree about its metadata: evidence of stripping or editing."""
    notes = []
    status = {a.id: a.info.get("exif_status"), b.id: b.info.get("exif_status")}
    for one, other in ((a, b), (b, a)):
        if status[one.id] == "absent" and status[other.id] in ("present", "edited"):
            notes.append(f"EXIF stripped: {name[one.id]} has none while {name[other.id]} keeps its camera metadata")
    ta, tb = _parse_time(a.info.get("captured")), _parse_time(b.info.get("captured"))
    if ta is not None and tb is not None and abs((ta - tb).total_seconds()) > 60:
        notes.append(
            f"capture times differ: {a.info['captured']} ({name[a.id]}) and {b.info['captured']} ({name[b.id]})"
        )
    ga, gb = a.info.get("gps") or {}, b.info.get("gps") or {}
    if all(isinstance(g.get(k), float) for g in (ga, gb) for k in ("lat", "lon")):
        from osintkit.geo.distance import distance_km

        metres = distance_km((ga["lat"], ga["lon"]), (gb["lat"], gb["lon"])) * 1000
        slack = _SAME_PLACE_M + (_accuracy_m(ga) or 0.0) + (_accuracy_m(gb) or 0.0)
        if metres > slack:
            notes.append(f"GPS positions differ by {metres / 1000:.1f} km between {name[a.id]} and {name[b.id]}")
    return notes


REUSE_COLUMNS: tuple[str, ...] = (
    "first", "first_source", "first_seen", "reuse", "reuse_source", "reuse_seen", "distance", "exact", "direction",
    "why",
)  # fmt: skip


def reuse_frame(matches: Iterable[ImageMatch], documents: Iterable[Document]) -> Any:
    """The image-reuse table for a notebook: one row per match, with each end's publisher and when it was seen."""
    import pandas as pd

    docs = {d.id: d for d in documents}

    def seen(doc_id: str) -> tuple[str | None, str | None]:
        doc = docs.get(doc_id)
        if doc is None:
            return None, None
        info = image_info(doc) or {}
        return doc.source, doc.published or info.get("captured")

    rows = []
    for m in matches:
        first_source, first_seen = seen(m.first)
        reuse_source, reuse_seen = seen(m.reuse)
        rows.append((m.first, first_source, first_seen, m.reuse, reuse_source, reuse_seen, m.distance, m.exact,
                     m.direction, m.why))  # fmt: skip
    return pd.DataFrame(rows, columns=list(REUSE_COLUMNS))


# --- photo positions -----------------------------------------------------------------------------------------------


def _accuracy_m(gps: dict[str, Any]) -> float | None:
    for key, scale in (("accuracy_m", 1.0), ("dop", _METRES_PER_DOP)):
        value = gps.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value) and value >= 0:
            return float(value) * scale
    return None


def _confidence(accuracy_m: float | None) -> float:
    """1 - e/(e + 100 m), kept within [0.05, 0.95]: 10 m gives 0.91, 100 m 0.5, 1 km 0.09."""
    if accuracy_m is None:
        return _UNKNOWN_ACCURACY_CONFIDENCE
    return round(min(0.95, max(0.05, 1.0 - accuracy_m / (accuracy_m + 100.0))), 4)


def photo_place(doc: Document) -> Place | None:
    """The position an image's EXIF GPS records, as a Place with feature "photo"; None without a usable position.

    The confidence comes from the recorded accuracy (GPSHPositioningError in metres, else the dilution of precision
    at about 5 m a unit), 0.5 when none is recorded; the country is the shipped outline that holds the point. The
    position is where the camera says it was, which edited or forged metadata can move: the image's flags say when
    its metadata looks edited.
    """
    info = image_info(doc)
    gps = (info or {}).get("gps")
    if not isinstance(gps, dict) or not isinstance(gps.get("lat"), float) or not isinstance(gps.get("lon"), float):
        return None
    from osintkit.geo.maps import country_at

    accuracy = _accuracy_m(gps)
    label = doc.title or (doc.path.rsplit("/", 1)[-1] if doc.path else doc.id)
    return Place(
        text="",
        start=0,
        end=0,
        name=f"photo: {label}",
        lat=gps["lat"],
        lon=gps["lon"],
        geonameid=None,
        country_code=country_at(gps["lat"], gps["lon"]),
        feature="photo",
        confidence=_confidence(accuracy),
        doc_id=doc.id,
    )


def photo_places(documents: Iterable[Document]) -> list[Place]:
    """:func:`photo_place` of every image document that records a position, in document id order."""
    places = [p for p in (photo_place(d) for d in documents) if p is not None]
    return sorted(places, key=lambda p: p.doc_id or "")
