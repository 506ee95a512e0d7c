"""Claim grouping that scales: candidate pairs from nearest neighbours and blocking, average linkage in sums.

:func:`group_claims` is the clustering step of corroboration. Its result is the one today's method defines
(greedy average linkage on cosine plus a small bonus, at most one claim per document in a group), computed so that
100,000 claims fit in minutes and a few gigabytes:

- Candidate pairs come from each row's nearest neighbours over the sentence embeddings (faiss), united with the
  pairs of rows that share a rare block key (an entity, place, figure or date); never from all pairs, except for
  small inputs or ``exact=True``, where blocked matrix products find every pair above the floor. Up to
  ``FLAT_UP_TO`` rows the neighbours come from faiss's exhaustive search (blocked matrix products that keep only
  the k best per row), above it from an HNSW graph, whose cost grows as n log n. Measured on 2 shared cores with
  the grammar claims of ``benchmarks/bench_scaling.py``: about equal at 30,000 rows; at 100,000 the whole
  grouping took 490 s exhaustive and 344 s with HNSW. (faiss's HNSW was picked over usearch's: at 100,000
  vectors it built in 40 s and answered in 28 s, usearch in 49 s and 110 s, at about the same recall.)
- The average score between two clusters is ``(sum_A . sum_B + bonus_AB) / (|A| |B|)``: rows are L2-normalised,
  so the sum of all cross cosines is the dot product of the clusters' embedding sums, and the bonuses of candidate
  pairs are kept in a sparse cluster-to-cluster map that is folded together when clusters merge.
- Rows are put in the order of their ``order_keys`` before anything else, so the groups do not depend on the order
  the rows came in (the index is built in that order on one thread, because a parallel HNSW build is not
  deterministic).

:class:`EmbeddingCache` and :func:`embed_cached` keep sentence embeddings on disk keyed by the SHA-256 of the text,
so a case that grows by a batch embeds only the new claims; a Dask client can embed the missing ones.
"""

from __future__ import annotations

import functools
import hashlib
import sqlite3
import warnings
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from osintkit.errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from osintkit.model import Claim

__all__ = [
    "ENCODER_LANGUAGES",
    "EXACT_BELOW",
    "FLAT_UP_TO",
    "MAX_BLOCK",
    "EmbeddingCache",
    "Neutral",
    "claim_language",
    "embed_cached",
    "group_across_languages",
    "group_claims",
    "neutral_parts",
    "regroup_across_languages",
]

EXACT_BELOW = 5000  # below this many rows all pairs cost less than building an index
FLAT_UP_TO = 50_000  # exhaustive k-nearest-neighbour search up to here, an HNSW graph above
MAX_BLOCK = 100  # a block key shared by more rows than this is too common to say anything: the ANN covers them
_ROWS_PER_PRODUCT = 1 << 22  # cells of one blocked similarity matrix (16 MB of float32)
_SLACK = 1e-4  # matrix products round differently from the canonical dot product; keep a margin, then re-check
_PAIR_CHUNK = 8192
# HNSW settings measured on 2 cores with synthetic clustered 384-d vectors: recall@32 0.976 at 10k, 0.786 at 100k.
_HNSW_M = 16
_HNSW_EF_CONSTRUCTION = 80
_HNSW_EF_SEARCH = 64


# -- grouping -----------------------------------------------------------------------------------------------------


def group_claims(
    embeddings: np.ndarray,
    doc_keys: Sequence[str],
    order_keys: Sequence[str],
    *,
    threshold: float,
    bonus: Callable[[int, int], float] | None = None,
    max_bonus: float = 0.18,
    block_keys: Sequence[Collection[str]] | None = None,
    neighbours: int = 32,
    max_neighbours: int = 128,
    exact: bool = False,
    exact_below: int = EXACT_BELOW,
    max_block: int = MAX_BLOCK,
    index: str = "auto",
) -> list[list[int]]:
    """Groups of rows about the same proposition: greedy average linkage, one row per document in a group.

    ``embeddings`` are L2-normalised rows (one per claim). A pair of rows whose cosine is at least
    ``threshold - max_bonus`` is a candidate and scores its cosine plus ``bonus(i, j)`` (which must lie in
    ``[0, max_bonus]``); candidates at or above ``threshold`` are merged in descending score (ties by
    ``order_keys``), unless the two clusters share a document or their average score over all cross pairs (a
    non-candidate pair scoring its plain cosine) is below ``threshold``.

    Candidates come from ``neighbours`` nearest neighbours per row (a row whose farthest one is still above the
    floor is searched again with four times as many, up to ``max_neighbours``) plus rows sharing a key of
    ``block_keys`` (keys held by more than ``max_block`` rows are skipped), or from all pairs when ``exact`` is
    true or there are fewer than ``exact_below`` rows. ``index`` picks the neighbour search: ``"flat"``
    (exhaustive), ``"hnsw"`` (approximate) or ``"auto"`` (flat up to ``FLAT_UP_TO`` rows). Returns groups of two
    or more row indices, each sorted, the list sorted.
    """
    import numpy as np

    emb = np.asarray(embeddings, dtype=np.float32)
    n = _check_inputs(emb, doc_keys, order_keys, block_keys, neighbours)
    if index not in ("auto", "flat", "hnsw"):
        raise InputError(f"must be 'auto', 'flat' or 'hnsw', not {index!r}", field="index")
    if n < 2:
        return []
    # Work in the order of order_keys throughout, so nothing depends on the order of the rows.
    perm = sorted(range(n), key=order_keys.__getitem__)
    emb = np.ascontiguousarray(emb[perm])
    doc_ids: dict[str, int] = {}
    docs = np.array([doc_ids.setdefault(doc_keys[p], len(doc_ids)) for p in perm], dtype=np.int64)
    floor = threshold - max_bonus

    if exact or n < exact_below or n <= neighbours + 1:
        pairs = _all_pairs(emb, docs, floor - _SLACK)
    else:
        hnsw = index == "hnsw" or (index == "auto" and n > FLAT_UP_TO)
        widest = max(neighbours, max_neighbours)
        pairs = _neighbour_pairs(emb, docs, neighbours, widest, floor - _SLACK, hnsw=hnsw)
        if block_keys is not None:
            blocked = _block_pairs([block_keys[p] for p in perm], docs, max_block)
            pairs = _distinct([pairs, blocked])
    left, right = pairs // n, pairs % n
    cosine = _pair_cosines(emb, left, right)
    keep = cosine >= floor
    left, right, cosine = left[keep], right[keep], cosine[keep]

    extra = np.zeros(len(left), dtype=np.float64)
    if bonus is not None:
        original = np.asarray(perm, dtype=np.int64)
        extra = np.fromiter(
            (bonus(a, b) for a, b in zip(original[left].tolist(), original[right].tolist(), strict=True)),
            dtype=np.float64,
            count=len(left),
        )
        bad = np.nonzero((extra < 0.0) | (extra > max_bonus + 1e-12))[0]
        if len(bad):
            a, b, value = int(original[left[bad[0]]]), int(original[right[bad[0]]]), float(extra[bad[0]])
            raise InputError(f"bonus({a}, {b}) returned {value}, outside [0, max_bonus={max_bonus}]", field="bonus")
    score = cosine + extra
    groups = _merge(emb, docs, left, right, score, extra, threshold)
    out = [sorted(perm[i] for i in g) for g in groups]
    return sorted(out)


def _check_inputs(
    emb: np.ndarray,
    doc_keys: Sequence[str],
    order_keys: Sequence[str],
    block_keys: Sequence[Collection[str]] | None,
    neighbours: int,
) -> int:
    import numpy as np

    if emb.ndim != 2:
        raise InputError(f"expected a 2-d array of row embeddings, got shape {emb.shape}", field="embeddings")
    n = int(emb.shape[0])
    for name, seq in (("doc_keys", doc_keys), ("order_keys", order_keys), ("block_keys", block_keys)):
        if seq is not None and len(seq) != n:
            raise InputError(f"has {len(seq)} entries for {n} embedding rows", field=name)
    if len(set(order_keys)) != n:
        from collections import Counter

        dupes = sorted(k for k, count in Counter(order_keys).items() if count > 1)[:3]
        raise InputError(f"must be unique (a stable id per row); repeated: {dupes}", field="order_keys")
    if neighbours < 1:
        raise InputError(f"must be at least 1, not {neighbours}", field="neighbours")
    # The cluster averages rest on unit rows (the sum of cross cosines is then a dot product of sums).
    norms = np.sqrt(np.einsum("ij,ij->i", emb, emb, dtype=np.float64))
    bad = np.nonzero(~(np.abs(norms - 1.0) <= 1e-3))[0]
    if len(bad):
        raise InputError(
            f"row {int(bad[0])} has norm {float(norms[bad[0]]):.4g}: rows must be L2-normalised (and finite)",
            field="embeddings",
        )
    return n


def _all_pairs(emb: np.ndarray, docs: np.ndarray, floor: float) -> np.ndarray:
    """Every pair (i < j, different documents) with cosine >= floor, as codes i * n + j, by blocked products."""
    import numpy as np

    n = len(emb)
    step = max(1, _ROWS_PER_PRODUCT // n)
    found: list[np.ndarray] = []
    for lo in range(0, n, step):
        hi = min(n, lo + step)
        block = emb[lo:hi] @ emb[lo:].T  # only columns >= lo: the lower triangle is the same pairs again
        rows, cols = np.nonzero(block >= floor)
        i, j = rows + lo, cols + lo
        keep = (i < j) & (docs[i] != docs[j])
        found.append(i[keep].astype(np.int64) * n + j[keep])
    return _distinct(found)


def _neighbour_pairs(emb: np.ndarray, docs: np.ndarray, k: int, widest: int, floor: float, *, hnsw: bool) -> np.ndarray:
    """Pairs from each row's k nearest neighbours (exhaustive, or an HNSW graph), as codes i * n + j, i < j.

    Rows whose k-th neighbour is still above the floor have more candidates than k: they are searched again with
    four times k, up to ``widest``, so a dense region is covered without widening every row's search.
    """
    import numpy as np

    faiss = _faiss()
    n, dim = emb.shape
    if hnsw:
        threads = faiss.omp_get_max_threads()
        index = faiss.IndexHNSWFlat(dim, _HNSW_M, faiss.METRIC_INNER_PRODUCT)
        index.hnsw.efConstruction = _HNSW_EF_CONSTRUCTION
        # A parallel HNSW build links rows in a thread-dependent order, so two runs could give different graphs;
        # one thread keeps the candidates (and so the groups) a function of the data. Searching is read-only.
        faiss.omp_set_num_threads(1)
        try:
            index.add(emb)
        finally:
            faiss.omp_set_num_threads(threads)
    else:
        index = faiss.IndexFlatIP(dim)
        index.add(emb)
    found: list[np.ndarray] = []
    pending = np.arange(n, dtype=np.int64)
    while pending.size:
        width = min(k, n - 1) + 1  # the row itself comes back too
        if hnsw:
            index.hnsw.efSearch = max(_HNSW_EF_SEARCH, width)
        saturated: list[np.ndarray] = []
        for lo in range(0, len(pending), 16384):  # results for all rows at once would be n * k of each, twice
            queries = pending[lo : lo + 16384]
            sims, ids = index.search(emb[queries], width)
            saturated.append(queries[sims[:, -1] >= floor])
            rows = np.repeat(queries, width)
            cols = ids.ravel().astype(np.int64)
            keep = (cols >= 0) & (sims.ravel() >= floor) & (cols != rows)
            rows, cols = rows[keep], cols[keep]
            keep = docs[rows] != docs[cols]
            a, b = np.minimum(rows[keep], cols[keep]), np.maximum(rows[keep], cols[keep])
            found.append(a * n + b)
        if k >= widest or width >= n:
            break
        pending, k = np.concatenate(saturated), min(4 * k, widest)
    return _distinct(found)


def _distinct(parts: list[np.ndarray]) -> np.ndarray:
    """The sorted distinct pair codes of all parts (a sort: np.unique's hashing was the slower at millions)."""
    import numpy as np

    if not parts:
        return np.zeros(0, dtype=np.int64)
    codes = np.sort(np.concatenate(parts).astype(np.int64, copy=False))
    if len(codes) < 2:
        return codes
    return codes[np.concatenate(([True], codes[1:] != codes[:-1]))]


def _block_pairs(keys: Sequence[Collection[str]], docs: np.ndarray, max_block: int) -> np.ndarray:
    """Pairs of rows (different documents) that share a block key held by at most ``max_block`` rows."""
    import numpy as np

    n = len(keys)
    blocks: dict[str, list[int]] = {}
    for i, row_keys in enumerate(keys):
        for key in row_keys:
            blocks.setdefault(key, []).append(i)
    found: list[np.ndarray] = []
    for rows in blocks.values():
        if not 2 <= len(rows) <= max_block:
            continue
        idx = np.array(sorted(set(rows)), dtype=np.int64)
        a, b = np.triu_indices(len(idx), k=1)
        a, b = idx[a], idx[b]
        keep = docs[a] != docs[b]
        found.append(a[keep] * n + b[keep])
    return _distinct(found)


def _pair_cosines(emb: np.ndarray, left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Cosine of each pair, computed the same way whichever search found it (float64 sums of exact products)."""
    import numpy as np

    out = np.empty(len(left), dtype=np.float64)
    for lo in range(0, len(left), _PAIR_CHUNK):
        a = emb[left[lo : lo + _PAIR_CHUNK]].astype(np.float64)
        b = emb[right[lo : lo + _PAIR_CHUNK]].astype(np.float64)
        out[lo : lo + _PAIR_CHUNK] = np.einsum("ij,ij->i", a, b)
    return out


def _merge(
    emb: np.ndarray,
    docs: np.ndarray,
    left: np.ndarray,
    right: np.ndarray,
    score: np.ndarray,
    extra: np.ndarray,
    threshold: float,
) -> list[list[int]]:
    """Greedy average linkage over the candidate pairs; returns the clusters of two rows or more."""
    import numpy as np

    n = len(emb)
    # Bonuses between clusters, only where some candidate pair has one; a cluster's id is one of its rows.
    bonus_map: dict[int, dict[int, float]] = {}
    for a, b, v in zip(left[extra > 0].tolist(), right[extra > 0].tolist(), extra[extra > 0].tolist(), strict=True):
        bonus_map.setdefault(a, {})[b] = v
        bonus_map.setdefault(b, {})[a] = v
    owner = list(range(n))
    members: dict[int, list[int]] = {}  # clusters of two rows or more
    sums: dict[int, np.ndarray] = {}  # their embedding sums (float64)
    doc_sets: dict[int, set[int]] = {}
    doc_of = docs.tolist()

    merging = score >= threshold
    left, right, score = left[merging], right[merging], score[merging]
    # Descending score; equal scores in the order of the rows' order keys (the rows are already in that order).
    order = np.lexsort((right, left, -score))
    for a, b in zip(left[order].tolist(), right[order].tolist(), strict=True):
        ca, cb = owner[a], owner[b]
        if ca == cb:
            continue
        docs_a = doc_sets.get(ca) or {doc_of[ca]}
        docs_b = doc_sets.get(cb) or {doc_of[cb]}
        if not docs_a.isdisjoint(docs_b):
            continue
        size_a, size_b = len(docs_a), len(docs_b)  # one row per document, so a cluster's size is its documents
        sum_a = sums[ca] if ca in sums else emb[ca].astype(np.float64)
        sum_b = sums[cb] if cb in sums else emb[cb].astype(np.float64)
        if size_a > 1 or size_b > 1:
            cross = float(sum_a @ sum_b) + bonus_map.get(ca, {}).get(cb, 0.0)
            if cross / (size_a * size_b) < threshold:
                continue
        # else two single rows: their average is the pair's own score, already >= threshold
        big, small = (ca, cb) if size_a >= size_b else (cb, ca)  # relabel the smaller cluster's rows
        small_rows = members.pop(small, [small])
        for x in small_rows:
            owner[x] = big
        members.setdefault(big, [big]).extend(small_rows)
        sums[big] = sum_a + sum_b
        sums.pop(small, None)
        doc_sets[big] = (docs_a | docs_b) if size_a + size_b < 64 else _union_into(docs_a, docs_b)
        doc_sets.pop(small, None)
        _fold_bonuses(bonus_map, big, small)
    return list(members.values())


def _union_into(x: set[int], y: set[int]) -> set[int]:
    """The union, built by adding the smaller set into the larger (which is then reused)."""
    big, small = (x, y) if len(x) >= len(y) else (y, x)
    big |= small
    return big


def _fold_bonuses(bonus_map: dict[int, dict[int, float]], big: int, small: int) -> None:
    """Cluster ``small`` became part of ``big``: its bonuses to every other cluster add to big's."""
    moved = bonus_map.pop(small, None)
    if not moved:
        return
    target = bonus_map.setdefault(big, {})
    target.pop(small, None)
    for other, value in moved.items():
        if other == big:
            continue
        back = bonus_map[other]
        del back[small]
        total = target.get(other, 0.0) + value
        target[other] = total
        back[big] = total


_FAISS: Any = None


def _faiss() -> Any:
    global _FAISS
    if _FAISS is None:
        try:
            import faiss
        except ImportError as exc:  # pragma: no cover - pinned in pyproject
            from osintkit.errors import MissingExtraError

            raise MissingExtraError("Grouping more claims needs faiss-cpu: pip install faiss-cpu==1.15.1") from exc
        _FAISS = faiss
    return _FAISS


# -- across languages ---------------------------------------------------------------------------------------------

# The languages the sentence encoder reads (all-MiniLM-L6-v2 learned English only): its cosines say whether two
# claims agree only when both are in one of these. Elsewhere the claims are compared on their language-neutral
# parts.
ENCODER_LANGUAGES = frozenset({"en"})
# A figure as small as this is a count of anything ("two regions", "3 people"): it says nothing on its own.
_SMALL_FIGURE = 10


@dataclass(frozen=True)
class Neutral:
    """What a claim says that reads the same in every language: figures (value and unit), who speaks (the entity
    id after cross-script linking), where (GeoNames ids) and when (ISO dates)."""

    figures: frozenset[str] = frozenset()
    entities: frozenset[str] = frozenset()
    places: frozenset[int] = frozenset()
    dates: frozenset[str] = frozenset()

    def keys(self) -> set[str]:
        return (
            {"n:" + f for f in self.figures}
            | {"e:" + e for e in self.entities}
            | {f"p:{p}" for p in self.places}
            | {"d:" + d for d in self.dates}
        )


def neutral_parts(
    claim: Claim, speaker: str | None = None, place_id: Callable[[str], int | None] | None = None
) -> Neutral:
    """The language-neutral parts of a claim. ``speaker`` is its origin's entity key when the case linked the
    claimant to an entity ("speaker:entity:ent-PERSON-volodymyr-zelensky", the same for Зеленський once
    normalisation has merged the scripts); ``place_id`` maps a place name as written to a GeoNames id (by default
    the offline gazetteer, reading Cyrillic names in any grammatical case)."""
    figures = set()
    for q in claim.quantities:
        unit = q.unit or ""
        if unit or abs(q.value) >= _SMALL_FIGURE:
            figures.add(f"{float(q.value):g}|{unit}")
    resolve = place_id or gazetteer_place_id
    places = {gid for gid in (resolve(p) for p in claim.places) if gid is not None}
    dates = set()
    for d in claim.dates:
        day = str(d.get("value") or "")
        if d.get("resolved", True) and len(day) >= 10 and d.get("granularity", "day") == "day":
            dates.add(day[:10])
    return Neutral(frozenset(figures), frozenset({speaker} if speaker else ()), frozenset(places), frozenset(dates))


def gazetteer_place_id(name: str) -> int | None:
    """The GeoNames id the offline gazetteer gives a place name; a name in Cyrillic is read in any grammatical case
    ("Курській області" is Kursk Oblast, which the gazetteer alone would not find)."""
    return _gazetteer_place_id(name)


@functools.lru_cache(maxsize=1 << 14)
def _gazetteer_place_id(name: str) -> int | None:
    import re

    if re.search(r"[\u0400-\u04ff]", name):
        from osintkit.claims.slots import _geocoder
        from osintkit.geo import OfflineGeocoder
        from osintkit.geo.cyrillic import find_cyrillic_toponyms

        found = find_cyrillic_toponyms(name, _geocoder(OfflineGeocoder))
        gid = (found[0].norm or {}).get("geonameid") if len(found) == 1 else None
        return int(gid) if isinstance(gid, int) else None
    from osintkit.claims.slots import gazetteer_place

    info = gazetteer_place(name)
    return info.geonameid if info is not None else None


def claim_language(claim: Claim, declared: str | None = None) -> str | None:
    """The language a claim is written in: its sentence's when that is in Cyrillic (a Ukrainian paragraph of an
    English page), else its document's ``declared`` language."""
    import re

    if re.search(r"[\u0400-\u04ff]", claim.sentence):
        from osintkit.text import detect_language

        return detect_language(claim.sentence) or "uk"
    return declared


def regroup_across_languages(
    groups: Sequence[Sequence[int]],
    claims: Sequence[Claim],
    languages: Sequence[str | None],
    speakers: Sequence[str | None],
    *,
    encoder_languages: Collection[str] = ENCODER_LANGUAGES,
) -> list[list[int]]:
    """:func:`group_across_languages` for claims: their neutral parts read here, and only when some claim is in a
    language outside ``encoder_languages`` (an English case is returned as grouped, at no cost)."""
    if all((lang or "en").split("-")[0].lower() in encoder_languages for lang in languages):
        return [sorted(g) for g in groups]
    neutral = [neutral_parts(c, speaker) for c, speaker in zip(claims, speakers, strict=True)]
    return group_across_languages(
        groups,
        neutral,
        languages,
        [c.doc_id for c in claims],
        [c.id for c in claims],
        encoder_languages=encoder_languages,
    )


def _neutral_score(a: Neutral, b: Neutral) -> int:
    """How strongly two claims' neutral parts say one report: 0 when they do not.

    A figure both give, with a speaker, a place or a date both give, is one report; two claims that each give
    figures but none in common are not (11,000 troops and 3,000 troops are two reports, whatever else they share).
    Without a shared figure, two of speaker, place and date must be shared.
    """
    if a.figures and b.figures and not a.figures & b.figures:
        return 0
    anchors = bool(a.entities & b.entities) + bool(a.places & b.places) + bool(a.dates & b.dates)
    if a.figures & b.figures:
        return 2 + anchors if anchors else 0
    return anchors if anchors >= 2 else 0


def group_across_languages(
    groups: Sequence[Sequence[int]],
    neutral: Sequence[Neutral],
    languages: Sequence[str | None],
    doc_keys: Sequence[str],
    order_keys: Sequence[str],
    *,
    encoder_languages: Collection[str] = ENCODER_LANGUAGES,
    max_block: int = MAX_BLOCK,
) -> list[list[int]]:
    """:func:`group_claims`'s groups, joined where claims the encoder cannot compare share language-neutral parts.

    Rows outside ``encoder_languages`` first leave the groups they were given (the encoder's cosines on text it
    cannot read are noise). A pair of rows is a candidate when at least one of them is in such a language (a
    language of None counts as the encoder's, as its text was read as such) and they share a key of
    :class:`Neutral` held by at most ``max_block`` rows; it joins when :func:`_neutral_score` says one report.
    Joins run best score first (ties by ``order_keys``), keep one row per document, and never join two groups
    that both hold a row in an encoder language: the encoder already decided those apart, so groups of English
    claims are exactly :func:`group_claims`'s. Returns groups of two or more rows, each sorted, the list sorted.
    """
    n = len(neutral)
    for name, seq in (("languages", languages), ("doc_keys", doc_keys), ("order_keys", order_keys)):
        if len(seq) != n:
            raise InputError(f"has {len(seq)} entries for {n} rows", field=name)
    rank = {i: r for r, i in enumerate(sorted(range(n), key=order_keys.__getitem__))}
    read = [(lang or "en").split("-")[0].lower() in encoder_languages for lang in languages]
    owner = list(range(n))
    members: dict[int, list[int]] = {i: [i] for i in range(n)}
    # The encoder's cosine says nothing of a row it cannot read (two Cyrillic sentences share word pieces, not
    # meaning: "11 тисяч" and "3 тысячи" read alike), so only its groups' rows in its own languages are kept.
    groups = [kept for g in groups if len(kept := [i for i in g if read[i]]) > 1]
    for g in groups:
        head = min(g, key=rank.__getitem__)
        for i in g:
            if i != head:
                owner[i] = head
                members[head].append(i)
                members.pop(i, None)
    docs = {c: {doc_keys[i] for i in rows} for c, rows in members.items()}
    encoded = {c: any(read[i] for i in rows) for c, rows in members.items()}

    blocks: dict[str, list[int]] = {}
    for i in sorted(range(n), key=rank.__getitem__):
        for key in sorted(neutral[i].keys()):
            blocks.setdefault(key, []).append(i)
    candidates: set[tuple[int, int]] = set()
    for rows in blocks.values():
        if not 2 <= len(rows) <= max_block:
            continue
        for x, a in enumerate(rows):
            for b in rows[x + 1 :]:
                if (read[a] and read[b]) or doc_keys[a] == doc_keys[b]:
                    continue
                candidates.add((a, b) if rank[a] < rank[b] else (b, a))
    scored = [(score, a, b) for a, b in candidates if (score := _neutral_score(neutral[a], neutral[b])) > 0]
    scored.sort(key=lambda t: (-t[0], rank[t[1]], rank[t[2]]))

    def find(i: int) -> int:
        while owner[i] != i:
            owner[i] = owner[owner[i]]
            i = owner[i]
        return i

    for _score, a, b in scored:
        ca, cb = find(a), find(b)
        if ca == cb or not docs[ca].isdisjoint(docs[cb]) or (encoded[ca] and encoded[cb]):
            continue
        keep, gone = (ca, cb) if rank[ca] < rank[cb] else (cb, ca)
        owner[gone] = keep
        members[keep] += members.pop(gone)
        docs[keep] |= docs.pop(gone)
        encoded[keep] = encoded[keep] or encoded.pop(gone)
    return sorted(sorted(rows) for rows in members.values() if len(rows) > 1)


# -- embedding cache ----------------------------------------------------------------------------------------------


def _text_key(text: str) -> bytes:
    return hashlib.sha256(text.encode("utf-8")).digest()


class EmbeddingCache:
    """Sentence embeddings on disk, keyed by the SHA-256 of the text and the encoder's weight hash.

    One small SQLite file (by default ``embeddings.sqlite`` in the kit's cache directory). Keying on the weights'
    hash means a different encoder never gets another's vectors. The cache is derived data: an unreadable file is
    set aside (renamed ``*.corrupt``) with a warning and a new one started, rather than stopping the analysis.
    """

    def __init__(self, path: str | Path | None = None, *, model: str | None = None) -> None:
        if path is None:
            from osintkit.paths import cache_dir

            path = cache_dir() / "embeddings.sqlite"
        if model is None:
            from osintkit.entities.encoder import BASE_MODEL_SHA256

            model = BASE_MODEL_SHA256
        self.path = Path(path)
        self.model = model
        self._conn = self._open()

    def _open(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            return self._connect()
        except sqlite3.DatabaseError as exc:
            aside = self.path.with_name(self.path.name + ".corrupt")
            warnings.warn(
                f"{self.path}: embedding cache unreadable ({exc}); moved to {aside.name}, starting a new one",
                RuntimeWarning,
                stacklevel=3,
            )
            self.path.replace(aside)
            return self._connect()

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=30)
        try:
            # WAL: a notebook can read while a batch run writes.
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute(
                "CREATE TABLE IF NOT EXISTS embeddings (model TEXT NOT NULL, key BLOB NOT NULL, dim INTEGER NOT NULL,"
                " vector BLOB NOT NULL, PRIMARY KEY (model, key)) WITHOUT ROWID"
            )
            conn.commit()
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> EmbeddingCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __len__(self) -> int:
        row = self._conn.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", (self.model,)).fetchone()
        return int(row[0])

    def get_many(self, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """The cached vectors of ``texts``, by position; texts not in the cache are absent."""
        import numpy as np

        keys = [_text_key(t) for t in texts]
        positions: dict[bytes, list[int]] = {}
        for i, key in enumerate(keys):
            positions.setdefault(key, []).append(i)
        unique = list(positions)
        out: dict[int, np.ndarray] = {}
        for lo in range(0, len(unique), 500):  # SQLite's limit on bound parameters
            chunk = unique[lo : lo + 500]
            marks = ",".join("?" * len(chunk))
            rows = self._conn.execute(
                f"SELECT key, dim, vector FROM embeddings WHERE model = ? AND key IN ({marks})",
                (self.model, *chunk),
            )
            for key, dim, blob in rows:
                vector = np.frombuffer(blob, dtype=np.float32)
                if vector.shape != (dim,):
                    continue  # a truncated record is simply embedded again
                for i in positions[bytes(key)]:
                    out[i] = vector
        return out

    def put_many(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        import numpy as np

        vectors = np.asarray(vectors, dtype=np.float32)
        if vectors.ndim != 2 or len(vectors) != len(texts):
            raise InputError(f"{len(texts)} texts but vectors of shape {vectors.shape}", field="vectors")
        dim = int(vectors.shape[1])
        with self._conn:
            self._conn.executemany(
                "INSERT OR REPLACE INTO embeddings (model, key, dim, vector) VALUES (?, ?, ?, ?)",
                ((self.model, _text_key(t), dim, v.tobytes()) for t, v in zip(texts, vectors, strict=True)),
            )


def _partitions(items: Sequence[str], size: int) -> Iterator[list[str]]:
    for lo in range(0, len(items), size):
        yield list(items[lo : lo + size])


def embed_cached(
    texts: Sequence[str],
    cache: EmbeddingCache | None = None,
    *,
    client: Any = None,
    partition_size: int = 2048,
) -> np.ndarray:
    """:func:`osintkit.entities.encoder.embed` through an :class:`EmbeddingCache`: only texts never seen are embedded.

    With a ``dask.distributed`` ``client``, the missing texts are embedded in partitions on its workers (each
    loads the encoder once); the cache is written here, by the caller's process only. ``cache=None`` uses the
    default cache file in the kit's cache directory.
    """
    import numpy as np

    from osintkit.entities.encoder import embed

    texts = list(texts)
    own = cache is None
    store = EmbeddingCache() if cache is None else cache
    try:
        found = store.get_many(texts)
        missing = list(dict.fromkeys(t for i, t in enumerate(texts) if i not in found))
        fresh: dict[str, np.ndarray] = {}
        parts = list(_partitions(missing, partition_size))
        # Each partition is stored as soon as it is embedded, so an interrupted run keeps what it has done.
        if client is not None and parts:
            from distributed import as_completed

            futures = {client.submit(embed, part, pure=False): part for part in parts}
            for future in as_completed(futures):
                part, vectors = futures[future], future.result()
                store.put_many(part, vectors)
                fresh.update(zip(part, vectors, strict=True))
        else:
            for part in parts:
                vectors = embed(part)
                store.put_many(part, vectors)
                fresh.update(zip(part, vectors, strict=True))
        if not texts:
            return embed([])
        rows = [found[i] if i in found else fresh[t] for i, t in enumerate(texts)]
        return np.stack(rows).astype(np.float32, copy=False)
    finally:
        if own:
            store.close()
