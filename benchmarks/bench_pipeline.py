"""End to end: documents per second and peak memory through load, tag, geoparse and claims.

Each N runs in a fresh process so peak resident memory (ru_maxrss) belongs to that N alone; the target is ≥ 10
news-length documents per second on 2 cores at N = 1,000, and peak memory at N = 10,000 within 1.5× of N = 1,000.
N = 1,000 is also run with one worker process per core (``--workers``), the way to use a multi-core machine.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from osintkit.pipeline import analyse_case, ingest
from osintkit.store import Case
from osintkit.tag import tag_many
corpus, case_path, workers = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
if __name__ == "__main__":
    tag_many(["Warm-up sentence in Kyiv."])  # model load is measured by the tagging benchmark, not here
    start = time.perf_counter()
    with Case(case_path) as case:
        ingest(case, [corpus], quiet=True)
        loaded = time.perf_counter()
        n = analyse_case(case, quiet=True, workers=workers)
    elapsed = time.perf_counter() - start
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"n": n, "seconds": elapsed, "ingest_seconds": loaded - start, "peak_mb": peak_mb,
                      "worker_peak_mb": worker_mb}))
"""


def measure(n: int, workdir: Path, workers: int = 1) -> dict[str, Any]:
    from benchmarks.corpus import write_corpus

    corpus = workdir / f"corpus-{n}"
    if not corpus.is_dir():
        write_corpus(corpus, n)
    out = subprocess.run(
        [sys.executable, "-c", CHILD, str(corpus), str(workdir / f"case-{n}-{workers}.sqlite"), str(workers)],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _workers_row(n: int, workdir: Path) -> dict[str, Any]:
    workers = max(2, os.cpu_count() or 1)
    result = measure(n, workdir, workers)
    return {"benchmark": "pipeline", "metric": f"docs/s at N={n:,}, --workers {workers}",
            "value": result["n"] / result["seconds"], "target": "≥ 10 docs/s",
            "note": f"{result['seconds']:.1f}s; peak RSS {result['peak_mb']:.0f} MB driver, "
                    f"{result['worker_peak_mb']:.0f} MB largest worker (forked, model pages shared)"}  # fmt: skip


def run(quick: bool = False) -> list[dict[str, Any]]:
    sizes = [20, 100] if quick else [100, 1000, 10000]
    rows: list[dict[str, Any]] = []
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            result = measure(n, Path(tmp))
            rate = result["n"] / result["seconds"]
            peaks[n] = result["peak_mb"]
            target = "≥ 10 docs/s" if n == 1000 else ""
            rows.append({"benchmark": "pipeline", "metric": f"docs/s at N={n:,}", "value": rate, "target": target,
                         "note": f"{result['seconds']:.1f}s incl. ingest {result['ingest_seconds']:.1f}s"})  # fmt: skip
            rows.append({"benchmark": "pipeline", "metric": f"peak RSS MB at N={n:,}", "value": result["peak_mb"]})
            if n == 1000:
                rows.append(_workers_row(n, Path(tmp)))
    if 1000 in peaks and 10000 in peaks:
        rows.append({"benchmark": "pipeline", "metric": "peak RSS ratio N=10,000 / N=1,000",
                     "value": peaks[10000] / peaks[1000], "target": "≤ 1.5"})  # fmt: skip
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    print_table(run(quick="--quick" in sys.argv))
