"""Analysis runs recorded in the case, a log that grows with the work only, and two processes sharing one case."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from osintkit import Case
from osintkit.pipeline import ingest, run
from osintkit.provenance import analysis_fingerprint

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT))
    from benchmarks.corpus import write_corpus

    return write_corpus(tmp_path_factory.mktemp("corpus"), 10, seed=11, sentences=6)


def test_a_run_is_recorded_and_a_rerun_logs_nothing(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (corpus / "empty.txt").write_text("")  # skipped with a reason on every run, logged once
    first = run([corpus], out, quiet=True, batch_size=4)
    assert first.ingest.skipped
    with Case(out / "case.sqlite", readonly=True) as case:
        runs = case.runs()
        size = len(case.custody())
        ids = case.document_ids()
        assert case.verify().ok
    assert first.analysed == 10 and len(runs) == 1
    data = runs[0]["data"]
    assert sorted(data["documents"]) == sorted(ids)
    assert data["parameters"]["batch_size"] == 4 and data["finished"] >= data["started"]
    fingerprint = analysis_fingerprint()
    assert data["model"] == fingerprint["model"] and len(data["model"]["entity-delta.safetensors"]) == 64
    assert set(data["rules"]) == {"tag", "geo", "claims", "assess", "text"}
    assert data["osintkit"] == fingerprint["osintkit"]

    second = run([corpus], out, quiet=True, batch_size=4)
    assert second.analysed == 0
    with Case(out / "case.sqlite", readonly=True) as case:
        added = [(e.action, e.object_id) for e in case.custody()[size:]]
        assert added == [], f"an unchanged rerun logged {len(added)} entries: {added[:10]}"
        assert len(case.runs()) == 1


ANALYST = textwrap.dedent(
    """
    import pathlib, sys, time
    from osintkit import Case
    from osintkit.pipeline import _warm_up, analyse_case
    path, name, folder = sys.argv[1], sys.argv[2], pathlib.Path(sys.argv[3])
    _warm_up()  # load the model first, so both processes reach the analysis together
    (folder / name).touch()
    while len(list(folder.iterdir())) < 2:
        time.sleep(0.01)
    with Case(path, actor=name) as case:
        print(analyse_case(case, batch_size=1))
    """
)


def test_two_processes_on_one_case_share_the_work(corpus: Path, tmp_path: Path) -> None:
    path = tmp_path / "shared.sqlite"
    with Case(path) as case:
        ingest(case, [corpus])
    ready = tmp_path / "ready"
    ready.mkdir()
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", ANALYST, str(path), name, str(ready)],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("kernel", "cli")
    ]
    counts = []
    for proc in procs:
        out, err = proc.communicate(timeout=600)
        assert proc.returncode == 0, err
        counts.append(int(out.strip().splitlines()[-1]))
    assert sum(counts) == 10, counts
    assert all(counts), f"one process did all the work: {counts}"
    with Case(path, readonly=True) as case:
        tagged = [str(e.object_id) for e in case.custody() if e.action == "tag"]
        assert sorted(tagged) == sorted(case.document_ids()), "every document analysed exactly once"
        runs = case.runs()
        assert sorted(str(r["actor"]) for r in runs) == ["cli", "kernel"]
        covered = [d for r in runs for d in r["data"]["documents"]]
        assert sorted(covered) == sorted(case.document_ids())
        assert case.verify().ok
