"""The batch pipeline: resumable after SIGKILL, and identical findings on a Dask LocalCluster."""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from osintkit import Case
from osintkit.pipeline import ANALYSED, run

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT))
    from benchmarks.corpus import write_corpus

    return write_corpus(tmp_path_factory.mktemp("corpus"), 12, seed=7, sentences=8)


def snapshot(path: Path) -> dict[str, Any]:
    """Everything a run decides, without custody timestamps (which differ between any two runs)."""
    with Case(path) as case:
        return {
            "documents": sorted((d.id, d.sha256, d.text) for d in case.documents()),
            "mentions": sorted((m.doc_id, m.start, m.end, m.label, m.text, m.entity_id) for m in case.mentions()),
            "places": sorted((p.doc_id, p.start, p.end, p.geonameid) for p in case.places()),
            "claims": sorted((c.id, c.claimant, c.cue, c.content) for c in case.claims()),
            "entities": sorted((e.id, e.label, e.name) for e in case.entities()),
            "ratings": sorted((r["kind"], r["object_id"], r["grade"], r["origin"]) for r in case.ratings()),
        }


@pytest.fixture(scope="module")
def reference(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    out = tmp_path_factory.mktemp("reference")
    run([corpus], out, quiet=True)
    return snapshot(out / "case.sqlite")


def test_run_writes_findings_and_is_idempotent(corpus: Path, tmp_path: Path, reference: dict[str, Any]) -> None:
    out = tmp_path / "out"
    first = run([corpus], out, quiet=True)
    assert (out / "findings.json").exists() and (out / "report.md").exists()
    assert len(first.ingest.added) == 12
    second = run([corpus], out, quiet=True)
    assert second.ingest.added == [] and len(second.ingest.duplicates) == 12
    assert second.analysed == 0
    assert snapshot(out / "case.sqlite") == reference


def _done(case_path: Path) -> int:
    try:
        conn = sqlite3.connect(f"file:{case_path}?mode=ro", uri=True, timeout=1)
        try:
            return int(conn.execute("SELECT count(*) FROM progress WHERE stage = ?", (ANALYSED,)).fetchone()[0])
        finally:
            conn.close()
    except sqlite3.Error:
        return 0


@pytest.mark.slow
def test_sigkill_partway_then_rerun_equals_uninterrupted_run(
    corpus: Path, tmp_path: Path, reference: dict[str, Any]
) -> None:
    out = tmp_path / "killed"
    case_path = out / "case.sqlite"
    cmd = [sys.executable, "-m", "osintkit.cli", "run", str(corpus), "--out", str(out), "--quiet", "--batch-size", "1"]
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while _done(case_path) < 3:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "run ended early"
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.05)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    partial = _done(case_path)
    assert 3 <= partial < 12, "the kill must land partway through the analysis"

    rerun = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert rerun.returncode == 0, rerun.stderr
    assert snapshot(case_path) == reference
    verify = subprocess.run(
        [sys.executable, "-m", "osintkit.cli", "verify", "--case", str(case_path)], capture_output=True, text=True
    )
    assert verify.returncode == 0, verify.stderr


def test_local_worker_processes_give_the_same_findings(corpus: Path, tmp_path: Path, reference: dict[str, Any]) -> None:
    result = run([corpus], tmp_path / "procs", workers=2, quiet=True, batch_size=3)
    assert result.analysed == 12
    assert snapshot(tmp_path / "procs" / "case.sqlite") == reference
    with Case(tmp_path / "procs" / "case.sqlite") as case:
        assert case.verify().ok


@pytest.mark.slow
def test_dask_local_cluster_gives_the_same_findings(corpus: Path, tmp_path: Path, reference: dict[str, Any]) -> None:
    from distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        result = run([corpus], tmp_path / "dask", client=client, quiet=True, batch_size=4)
    assert result.analysed == 12
    assert snapshot(tmp_path / "dask" / "case.sqlite") == reference


def test_auto_workers_use_the_cores_only_for_runs_worth_starting_them() -> None:
    from osintkit.pipeline import AUTO_MAX_WORKERS, AUTO_MIN_DOCUMENTS, auto_workers

    cores = min(os.cpu_count() or 1, AUTO_MAX_WORKERS)
    assert auto_workers(12, batch_size=1) == 1
    assert auto_workers(AUTO_MIN_DOCUMENTS - 1, batch_size=1) == 1
    assert auto_workers(4 * 32 - 1, batch_size=32) == 1
    assert auto_workers(AUTO_MIN_DOCUMENTS, batch_size=1) == cores
    assert auto_workers(10_000, batch_size=32) == cores


@pytest.mark.parametrize("bad", [0, -1, "two", 1.5, True])
def test_bad_worker_counts_are_refused(bad: Any, tmp_path: Path) -> None:
    from osintkit.errors import OsintkitError
    from osintkit.pipeline import analyse_case

    with Case(tmp_path / "case.sqlite") as case, pytest.raises(OsintkitError, match="workers"):
        analyse_case(case, workers=bad)


def test_cli_refuses_a_bad_worker_count(tmp_path: Path) -> None:
    out = subprocess.run(
        [sys.executable, "-m", "osintkit.cli", "run", str(tmp_path), "--out", str(tmp_path / "o"), "--workers", "0"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert out.returncode == 2 and "neither a positive number nor auto" in out.stderr


def _children(pid: int) -> list[int]:
    kids = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            kids.append(int(stat.parent.name))
    return kids


def _alive(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


@pytest.mark.slow
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc to find the worker processes")
def test_killing_a_multi_process_run_leaves_no_workers_behind(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "killed-workers"
    cmd = [sys.executable, "-m", "osintkit.cli", "run", str(corpus), "--out", str(out), "--quiet", "--batch-size", "1",
           "--workers", "2"]  # fmt: skip
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 300
    while _done(out / "case.sqlite") < 2:
        assert proc.poll() is None, proc.stderr.read().decode() if proc.stderr else "run ended early"
        assert time.monotonic() < deadline, "the run made no progress"
        time.sleep(0.05)
    workers = _children(proc.pid)
    assert len(workers) >= 2, "the run should be analysing in worker processes"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 20
    while any(_alive(w) for w in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(w) for w in workers), "workers outlived the killed run"
