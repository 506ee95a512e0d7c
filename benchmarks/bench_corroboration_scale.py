"""The whole corroboration step at 1,000, 10,000 and 100,000 claims of varied text: time, peak memory, findings.

``bench_scaling`` times the grouping alone; this times what a case pays in ``osintkit run``: sentence embeddings
(from an empty cache), grouping, origins, copy links, slot comparison and contradictions, then the suggested
grades. Each size runs in its own process so its peak RSS is its own. Targets (issue #19, 2 cores): 10,000 claims
in 60 s; 100,000 in 15 minutes and 4 GB.

    python -m benchmarks.bench_corroboration_scale [--quick] [N]
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, resource, sys, tempfile, time
from pathlib import Path
from benchmarks.corpus import claim_corpus
from osintkit.assess import suggest
from osintkit.claims import corroborate
from osintkit.claims.cluster import EmbeddingCache, embed_cached
from osintkit.model import Claim
from osintkit.entities.encoder import embed

n = int(sys.argv[1])
claims = []
for c in claim_corpus(n):
    f = c["fields"]
    claims.append(Claim(id=c["id"], doc_id=c["doc"], sentence=c["text"], sentence_start=0,
                        sentence_end=len(c["text"]), content=c["text"], content_start=0, content_end=len(c["text"]),
                        claimant=f["speaker"], claimant_type="person", cue=f["cue"], direct=False, hedged=False,
                        places=[f["place"]]))
embed(["warm-up"])  # loading the encoder is not corroboration
out = {"n": n}
with tempfile.TemporaryDirectory() as tmp, EmbeddingCache(Path(tmp) / "emb.sqlite") as cache:
    t = time.perf_counter()
    emb = embed_cached([c.content for c in claims], cache)
    out["embed_s"] = time.perf_counter() - t
t = time.perf_counter()
result = corroborate(claims, embeddings=emb)
out["corroborate_s"] = time.perf_counter() - t
t = time.perf_counter()
suggestions = suggest(claims, result)
out["suggest_s"] = time.perf_counter() - t
out["groups"] = len(result.groups)
out["contradictions"] = sum(1 for x in result.contradictions if x.kind == "contradiction")
out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps(out))
"""


def measure(n: int, timeout: float = 3600) -> dict[str, Any] | None:
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, str(n)], cwd=ROOT, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None
    if done.returncode != 0:
        raise RuntimeError(done.stderr[-2000:])
    result: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def run(quick: bool = False) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n in [1000] if quick else [1000, 10_000, 100_000]:
        r = measure(n)
        if r is None:
            rows.append({"benchmark": "corroboration_scale", "metric": f"seconds at N={n:,}", "value": None,
                         "note": "did not finish within the hour"})  # fmt: skip
            continue
        total = r["embed_s"] + r["corroborate_s"] + r["suggest_s"]
        target = {10_000: "≤ 60", 100_000: "≤ 900"}.get(n, "")
        rows += [
            {"benchmark": "corroboration_scale", "metric": f"seconds at N={n:,}", "value": total, "target": target,
             "note": f"embed {r['embed_s']:.1f}s, corroborate {r['corroborate_s']:.1f}s, "
                     f"suggest {r['suggest_s']:.1f}s"},
            {"benchmark": "corroboration_scale", "metric": f"peak RSS MB at N={n:,}", "value": r["peak_mb"],
             "target": "≤ 4,096" if n == 100_000 else "",
             "note": f"{r['groups']:,} propositions, {r['contradictions']:,} contradictions"},
        ]  # fmt: skip
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    sizes = [a for a in sys.argv[1:] if a.isdigit()]
    if sizes:
        print(json.dumps(measure(int(sizes[0]))))
    else:
        print_table(run(quick="--quick" in sys.argv))
