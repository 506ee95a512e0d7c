"""End to end: documents per second per stage and peak memory, from loading to the exported findings.

The corpus is varied news-length documents from the grammar in :mod:`benchmarks.corpus` (a third background
sentences, the rest claims, some relayed from earlier documents with small edits), so corroboration meets real
groups instead of claims that never match. Stages: ingest (load, hash, store), analyse (tag, geoparse, claims),
case-wide (normalise entities, corroborate, suggest ratings: ``finish_case``) and export (findings in every
format). Each N runs in a fresh process so peak resident memory (ru_maxrss) belongs to that N alone; a case-wide
stage that does not finish within its time limit is reported as such, with the stages before it. Targets: ≥ 10
documents per second on 2 cores at N = 1,000 for the analysis, and peak memory at N = 10,000 within 1.5× of
N = 1,000. N = 1,000 is also run with one worker process per core (``--workers``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

STAGES = ("ingest", "analyse", "case-wide", "export")
CASE_WIDE_LIMIT_S = 1200

CHILD = r"""
import json, resource, sys, time
from pathlib import Path
from osintkit.export import write_all
from osintkit.findings import Findings
from osintkit.pipeline import analyse_case, finish_case, ingest
from osintkit.store import Case
from osintkit.entities import tag_many
corpus, case_path, out_dir, workers = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])


def report(**fields):
    fields["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    fields["worker_peak_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps(fields), flush=True)  # line by line: a stage cut off by the time limit keeps the others


if __name__ == "__main__":
    tag_many(["Warm-up sentence in Kyiv."])  # model load is measured by the tagging benchmark, not here
    with Case(case_path) as case:
        t = time.perf_counter()
        ingest(case, [corpus], quiet=True)
        report(stage="ingest", seconds=time.perf_counter() - t)
        t = time.perf_counter()
        n = analyse_case(case, quiet=True, workers=workers)
        report(stage="analyse", seconds=time.perf_counter() - t, n=n, claims=len(case.claims()))
        t = time.perf_counter()
        corroboration = finish_case(case)
        report(stage="case-wide", seconds=time.perf_counter() - t, groups=len(corroboration.groups))
        t = time.perf_counter()
        findings = Findings.from_case(case, corroboration=corroboration)
        outputs = write_all(findings, out_dir)
        report(stage="export", seconds=time.perf_counter() - t, formats=len(outputs))
"""


def measure(n: int, workdir: Path, workers: int = 1, limit_s: float = CASE_WIDE_LIMIT_S) -> dict[str, Any]:
    """Stage timings for N documents: ``{"n", stage: {"seconds", ...}, "peak_mb", ..., "stopped": stage|None}``."""
    from benchmarks.corpus import write_varied_corpus

    corpus = workdir / f"corpus-{n}"
    if not corpus.is_dir():
        write_varied_corpus(corpus, n)
    args = [str(corpus), str(workdir / f"case-{n}-{workers}.sqlite"), str(workdir / f"out-{n}-{workers}"), str(workers)]
    stopped = None
    try:
        done = subprocess.run(
            [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=True, timeout=limit_s + 30 * n
        )  # the analysis is allowed about 30 s a document; the limit is for the case-wide stage
        stdout = done.stdout
    except subprocess.TimeoutExpired as exc:
        out = exc.stdout or b""
        stdout = out.decode() if isinstance(out, bytes) else out
    result: dict[str, Any] = {"n": n}
    for line in stdout.splitlines():
        if line.startswith("{"):
            record = json.loads(line)
            result[record["stage"]] = record
            result["peak_mb"] = record["peak_mb"]
            result["worker_peak_mb"] = record["worker_peak_mb"]
    stopped = next((s for s in STAGES if s not in result), None)
    result["stopped"] = stopped
    return result


def _stage_rows(result: dict[str, Any], label: str) -> list[dict[str, Any]]:
    n = result["n"]
    rows = []
    for stage in STAGES:
        if stage not in result:
            rows.append({"benchmark": "pipeline", "metric": f"{stage} docs/s at N={n:,}{label}", "value": None,
                         "note": "did not finish within the time limit"})  # fmt: skip
            break
        record = result[stage]
        note = f"{record['seconds']:.1f}s"
        if stage == "analyse":
            note += f"; {record['claims']:,} claims"
        if stage == "case-wide":
            note += f"; {record['groups']:,} claim groups"
        target = "≥ 10 docs/s" if stage == "analyse" and n == 1000 else ""
        rows.append({"benchmark": "pipeline", "metric": f"{stage} docs/s at N={n:,}{label}",
                     "value": n / max(record["seconds"], 1e-9), "target": target, "note": note})  # fmt: skip
    if result["stopped"] is None:
        total = sum(result[s]["seconds"] for s in STAGES)
        rows.append({"benchmark": "pipeline", "metric": f"end-to-end docs/s at N={n:,}{label}", "value": n / total,
                     "note": f"{total:.1f}s, every stage"})  # fmt: skip
    if "peak_mb" in result:
        rows.append({"benchmark": "pipeline", "metric": f"peak RSS MB at N={n:,}{label}", "value": result["peak_mb"],
                     "note": f"largest worker {result['worker_peak_mb']:.0f} MB" if label else ""})  # fmt: skip
    return rows


def run(quick: bool = False, sizes: list[int] | None = None) -> list[dict[str, Any]]:
    sizes = sizes or ([20, 100] if quick else [100, 1000, 10000])
    rows: list[dict[str, Any]] = []
    peaks: dict[int, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in sizes:
            result = measure(n, Path(tmp))
            rows += _stage_rows(result, "")
            if result["stopped"] is None:
                peaks[n] = result["peak_mb"]
            if n == 1000:
                workers = max(2, os.cpu_count() or 1)
                rows += _stage_rows(measure(n, Path(tmp), workers), f", --workers {workers}")
    if 1000 in peaks and 10000 in peaks:
        rows.append({"benchmark": "pipeline", "metric": "peak RSS ratio N=10,000 / N=1,000",
                     "value": peaks[10000] / peaks[1000], "target": "≤ 1.5"})  # fmt: skip
    return rows


if __name__ == "__main__":
    from benchmarks.__main__ import print_table

    numbers = [int(a) for a in sys.argv[1:] if a.isdigit()]
    print_table(run(quick="--quick" in sys.argv, sizes=numbers or None))
