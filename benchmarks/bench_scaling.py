"""Claim grouping at scale: embedding and grouping time, peak memory and agreement with the all-pairs method.

Claims come from the grammar in :mod:`benchmarks.corpus` (varied speakers, predicates, figures, places and dates,
about a third relayed by other documents with small edits). Each size runs in a fresh process so its peak resident
memory (ru_maxrss, embedding included) belongs to it alone. Targets on 2 cores: 10,000 claims in ≤ 60 s and
100,000 claims in ≤ 15 min and ≤ 4 GB, embedding included. Where the all-pairs method can still run (1,000 and
10,000) its groups are compared with the nearest-neighbour ones: identical groups, and the adjusted Rand index.

The clustering ``corroborate()`` used before :func:`group_claims` (all pairs, a Python average over every cross pair
of two clusters: :func:`all_pairs_clusters`) is timed beside it at 200, 400 and 800 claims, for before and after.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from math import comb
from pathlib import Path
from typing import Any

THRESHOLD = 0.62  # osintkit.claims.corroboration.DEFAULT_THRESHOLD
EXACT_UP_TO = 10_000


def adjusted_rand(a: Sequence[Sequence[int]], b: Sequence[Sequence[int]], n: int) -> float:
    """Adjusted Rand index of two groupings of ``n`` rows (rows in no group are each alone)."""
    label_a = [-1 - i for i in range(n)]
    label_b = [-1 - i for i in range(n)]
    for k, g in enumerate(a):
        for i in g:
            label_a[i] = k
    for k, g in enumerate(b):
        for i in g:
            label_b[i] = k
    cells: dict[tuple[int, int], int] = {}
    rows: dict[int, int] = {}
    cols: dict[int, int] = {}
    for x, y in zip(label_a, label_b, strict=True):
        cells[(x, y)] = cells.get((x, y), 0) + 1
        rows[x] = rows.get(x, 0) + 1
        cols[y] = cols.get(y, 0) + 1
    index = sum(comb(v, 2) for v in cells.values())
    sum_a = sum(comb(v, 2) for v in rows.values())
    sum_b = sum(comb(v, 2) for v in cols.values())
    expected = sum_a * sum_b / comb(n, 2) if n > 1 else 0.0
    best = (sum_a + sum_b) / 2
    return 1.0 if best == expected else (index - expected) / (best - expected)


def _counted(f: dict[str, str]) -> str | None:
    for slot in ("thing", "victims"):
        if f"{{n}} {{{slot}}}" in f["predicate"]:
            return f[slot]
    return None


def proxy_embed(texts: Sequence[str], dim: int = 384, seed: int = 5) -> Any:
    """Stand-in sentence vectors for timing the grouping alone: the sum of a fixed random vector per word and per
    word pair, L2-normalised. Reworded relays stay close and unrelated claims share only function words, as with
    the encoder, at a fraction of its cost; never used for the quality numbers."""
    import itertools
    import re

    import numpy as np

    vocab: dict[str, int] = {}
    rows: list[list[int]] = []
    for text in texts:
        words = re.findall(r"[\w,]+", text.lower())
        feats = words + [f"{a} {b}" for a, b in itertools.pairwise(words)]
        rows.append([vocab.setdefault(f, len(vocab)) for f in feats])
    table = np.random.default_rng(seed).standard_normal((len(vocab), dim)).astype(np.float32)
    out = np.zeros((len(texts), dim), dtype=np.float32)
    for i, ids in enumerate(rows):
        out[i] = table[ids].sum(axis=0)
    out /= np.linalg.norm(out, axis=1, keepdims=True)
    return out


def bonus_for(fields: Sequence[dict[str, str]]) -> Any:
    """The kit's pair bonus on the grammar's slots: shared counted thing, place and speaker (as _bonus does)."""

    def bonus(i: int, j: int) -> float:
        a, b = fields[i], fields[j]
        value = 0.0
        if _counted(a) is not None and _counted(a) == _counted(b):
            value += 0.08
        if a["place"] == b["place"]:
            value += 0.04
        if a["speaker"].split()[-1] == b["speaker"].split()[-1]:
            value += 0.04
        return value

    return bonus


def block_keys_for(fields: Sequence[dict[str, str]]) -> list[set[str]]:
    """What a caller blocks on: the figure with its counted thing, places, the date and the speaker."""
    out = []
    for f in fields:
        keys = {f"place:{f['place']}", f"speaker:{f['speaker']}"}
        if _counted(f):
            keys.add(f"figure:{f['n']} {_counted(f)}")
        if "{date}" in f["predicate"] and f["date"]:
            keys.add(f"date:{f['date']}")
        out.append(keys)
    return out


CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
from benchmarks.bench_scaling import adjusted_rand, block_keys_for, bonus_for, proxy_embed, THRESHOLD
from benchmarks.corpus import claim_corpus
from osintkit.claims.cluster import EmbeddingCache, embed_cached, group_claims
from osintkit.entities.encoder import embed
n, exact_up_to, embedder = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
cache_file = Path(sys.argv[4]) if len(sys.argv) > 4 else None  # a kept cache, to rerun grouping alone
if __name__ == "__main__":
    claims = claim_corpus(n)
    texts = [c["text"] for c in claims]
    docs = [c["doc"] for c in claims]
    ids = [c["id"] for c in claims]
    fields = [c["fields"] for c in claims]
    out = {"n": n, "embedder": embedder}
    if embedder == "proxy":
        t = time.perf_counter()
        emb = proxy_embed(texts)
        out["embed_s"] = time.perf_counter() - t
        out["cached_embed_s"] = 0.0
    else:
        embed(["warm-up"])  # loading the encoder is not embedding
        with tempfile.TemporaryDirectory() as tmp, EmbeddingCache(cache_file or Path(tmp) / "e.sqlite") as cache:
            out["cached_before"] = len(cache)
            t = time.perf_counter()
            emb = embed_cached(texts, cache)
            out["embed_s"] = time.perf_counter() - t
            t = time.perf_counter()
            embed_cached(texts, cache)
            out["cached_embed_s"] = time.perf_counter() - t
    kwargs = dict(threshold=THRESHOLD, bonus=bonus_for(fields))
    t = time.perf_counter()
    # exact_below=0: the nearest-neighbour path at every size, so the comparison with all pairs means something
    groups = group_claims(emb, docs, ids, block_keys=block_keys_for(fields), exact_below=0, **kwargs)
    out["group_s"] = time.perf_counter() - t
    out["rss_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out["groups"] = len(groups)
    out["grouped"] = sum(len(g) for g in groups)
    props = {}
    for i, c in enumerate(claims):
        props.setdefault(c["prop"], []).append(i)
    out["ari_planted"] = adjusted_rand(groups, [g for g in props.values() if len(g) > 1], n)
    if n <= exact_up_to:
        t = time.perf_counter()
        exact = group_claims(emb, docs, ids, exact=True, **kwargs)
        out["exact_s"] = time.perf_counter() - t
        out["identical"] = groups == exact
        out["same_groups"] = len(set(map(tuple, groups)) & set(map(tuple, exact)))
        out["exact_groups"] = len(exact)
        out["ari_exact"] = adjusted_rand(groups, exact, n)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(json.dumps(out))
"""

BEFORE = r"""
import json, sys, time
from benchmarks.bench_scaling import THRESHOLD, all_pairs_clusters, bonus_for
from benchmarks.corpus import claim_corpus
from osintkit.claims.cluster import group_claims
from osintkit.entities.encoder import embed
n = int(sys.argv[1])
claims = claim_corpus(n)
emb = embed([c["text"] for c in claims])
docs, ids, bonus = [c["doc"] for c in claims], [c["id"] for c in claims], bonus_for([c["fields"] for c in claims])
t = time.perf_counter()
before = all_pairs_clusters(emb, docs, ids, bonus)
before_s = time.perf_counter() - t
t = time.perf_counter()
after = group_claims(emb, docs, ids, threshold=THRESHOLD, bonus=bonus, exact=True)
after_s = time.perf_counter() - t
t = time.perf_counter()
group_claims(emb, docs, ids, threshold=THRESHOLD, bonus=bonus, exact_below=0)
knn_s = time.perf_counter() - t
print(json.dumps({"n": n, "before_s": before_s, "after_s": after_s, "knn_s": knn_s, "same": before == after}))
"""


def all_pairs_clusters(
    emb: Any, docs: Sequence[str], keys: Sequence[str], bonus: Any, threshold: float = THRESHOLD
) -> list[list[int]]:
    """The clustering of ``corroborate()`` before :func:`group_claims`, kept as the baseline: candidates from all
    pairs, and each merge's average a Python loop over every cross pair of the two clusters."""
    import numpy as np

    n, floor = len(emb), threshold - 0.18
    rank = {i: r for r, i in enumerate(sorted(range(n), key=keys.__getitem__))}
    e = np.asarray(emb, dtype=np.float64)
    sims = e @ e.T
    cand: dict[tuple[int, int], float] = {}
    for i, j in zip(*np.nonzero(np.triu(sims >= floor, k=1)), strict=True):
        if docs[i] != docs[j]:
            cand[(int(i), int(j))] = float(sims[i, j]) + bonus(int(i), int(j))

    def pair_score(x: int, y: int) -> float:
        key = (x, y) if x < y else (y, x)
        return cand[key] if key in cand else float(sims[x, y])

    clusters: dict[int, list[int]] = {i: [i] for i in range(n)}
    owner = list(range(n))
    pairs = sorted(
        ((v, i, j) for (i, j), v in cand.items() if v >= threshold),
        key=lambda p: (-p[0], min(rank[p[1]], rank[p[2]]), max(rank[p[1]], rank[p[2]])),
    )
    for _, i, j in pairs:
        a, b = owner[i], owner[j]
        if a == b or {docs[x] for x in clusters[a]} & {docs[x] for x in clusters[b]}:
            continue
        if np.mean([pair_score(x, y) for x in clusters[a] for y in clusters[b]]) < threshold:
            continue
        clusters[a].extend(clusters.pop(b))
        for x in clusters[a]:
            owner[x] = a
    return sorted(sorted(c) for c in clusters.values() if len(c) > 1)


def _child(code: str, args: Sequence[str], timeout: float) -> dict[str, Any] | None:
    try:
        out = subprocess.run(
            [sys.executable, "-c", code, *args], capture_output=True, text=True, check=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def measure(n: int, exact_up_to: int = EXACT_UP_TO, cache: Path | None = None, proxy: bool = False) -> dict[str, Any]:
    args = [str(n), str(exact_up_to), "proxy" if proxy else "model", *([str(cache)] if cache else [])]
    result = _child(CHILD, args, timeout=3 * 3600)
    assert result is not None
    return result


def before(n: int, timeout: float = 600) -> dict[str, Any] | None:
    """The clustering before group_claims on n claims, or None when it does not finish within ``timeout`` s."""
    return _child(BEFORE, [str(n)], timeout)


def rows_for(r: dict[str, Any]) -> list[dict[str, Any]]:
    n = r["n"]
    total = r["embed_s"] + r["group_s"]
    target = {10_000: "≤ 60 s", 100_000: "≤ 900 s"}.get(n, "")
    rows = [
        {"benchmark": "scaling", "metric": f"embed + group s at N={n:,}", "value": total, "target": target,
         "note": f"embed {r['embed_s']:.1f}s (from the cache again {r['cached_embed_s']:.1f}s), "
                 f"group {r['group_s']:.1f}s"},
        {"benchmark": "scaling", "metric": f"peak RSS MB at N={n:,}", "value": r["peak_mb"],
         "target": "≤ 4,096" if n == 100_000 else "", "note": "embedding included"},
        {"benchmark": "scaling", "metric": f"groups at N={n:,}", "value": r["groups"],
         "note": f"{r['grouped']:,} claims grouped; ARI vs planted propositions {r['ari_planted']:.3f}"},
    ]  # fmt: skip
    if "identical" in r:
        rows.append(
            {"benchmark": "scaling", "metric": f"same groups as all-pairs at N={n:,}", "value": r["ari_exact"],
             "target": "identical", "note": f"ARI; identical={r['identical']}, {r['same_groups']:,} of "
                                           f"{r['exact_groups']:,} groups equal; all-pairs took {r['exact_s']:.1f}s"}
        )  # fmt: skip
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n in [1000] if quick else [1000, 10_000, 100_000]:
        rows += rows_for(measure(n))
    for n in [200] if quick else [200, 400, 800]:
        b = before(n)
        if b is None:
            rows.append({"benchmark": "scaling", "metric": f"clustering before group_claims s at N={n:,}",
                         "value": None, "note": "did not finish in 600 s"})  # fmt: skip
            continue
        rows.append({"benchmark": "scaling", "metric": f"clustering before group_claims s at N={n:,}",
                     "value": b["before_s"], "note": f"group_claims all pairs {b['after_s']:.2f}s, nearest "
                     f"neighbours {b['knn_s']:.2f}s; same groups: {b['same']}"})  # fmt: skip
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    if len(sys.argv) > 1 and sys.argv[1].isdigit():  # one size: N [CACHE_FILE]
        print(json.dumps(measure(int(sys.argv[1]), cache=Path(sys.argv[2]) if len(sys.argv) > 2 else None)))
    else:
        print_table(run(quick="--quick" in sys.argv))
