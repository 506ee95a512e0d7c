"""The osintkit command line, driven through click's runner and as a real subprocess."""

from __future__ import annotations

import json
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from osintkit.cli import main

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.mark.parametrize(
    "command", [[], ["ingest"], ["verify"], ["export"], ["timestamp"], ["run"], ["tag"], ["geocode"], ["claims"]]
)
def test_help_is_complete(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.output
    if not command:
        for name in ("ingest", "verify", "export", "run", "tag", "geocode", "claims"):
            assert name in result.output


def test_ingest_twice_then_verify_then_tamper(runner: CliRunner, tmp_path: Path) -> None:
    case = tmp_path / "case.sqlite"
    first = runner.invoke(main, ["ingest", str(ROOT / "seeds"), "--case", str(case), "--quiet"])
    assert first.exit_code == 0, first.output
    assert "1 added" in first.output
    again = runner.invoke(main, ["ingest", str(ROOT / "seeds"), "--case", str(case), "--quiet"])
    assert "0 added, 1 already in the case" in again.output
    ok = runner.invoke(main, ["verify", "--case", str(case)])
    assert ok.exit_code == 0 and ok.output.startswith("OK")
    head = ok.output.rsplit("head ", 1)[1].strip()
    assert runner.invoke(main, ["verify", "--case", str(case), "--expect-head", head]).exit_code == 0
    other = runner.invoke(main, ["verify", "--case", str(case), "--expect-head", "f" * 64])
    assert other.exit_code == 1 and "not at the expected head" in other.output

    conn = sqlite3.connect(case)
    doc_id = conn.execute("SELECT id FROM documents").fetchone()[0]
    conn.execute("UPDATE documents SET text = replace(text, 'Kyiv', 'Kyjv')")
    conn.commit()
    conn.close()
    bad = runner.invoke(main, ["verify", "--case", str(case)])
    assert bad.exit_code == 1
    assert doc_id in bad.output


def test_ingest_reports_skipped_files(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "src"
    folder.mkdir()
    (folder / "good.txt").write_text("Kursk is a city in Russia.")
    (folder / "empty.txt").write_text("")
    (folder / "binary.txt").write_bytes(b"\x00\x01\x02\x03" * 50)
    result = runner.invoke(main, ["ingest", str(folder), "--case", str(tmp_path / "c.sqlite"), "--quiet"])
    assert result.exit_code == 0, result.output
    assert "1 added" in result.output and "2 skipped" in result.output
    assert "empty.txt" in result.output and "binary.txt" in result.output


def test_run_on_seeds_twice_keeps_one_document(tmp_path: Path) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "osintkit", "run", str(ROOT / "seeds"), "--out", str(out), "--quiet"]
    for _ in range(2):
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stderr
    assert "Report:" in result.stdout and "report.md" in result.stdout
    findings = json.loads((out / "findings.json").read_text())
    assert len(findings["documents"]) == 1
    doc = findings["documents"][0]
    for key in ("id", "sha256", "title", "source", "url", "published", "retrieved"):
        assert key in doc
    assert {"entities", "places", "claims"} <= findings.keys()
    assert "Zelenskyy" in (out / "report.md").read_text()


def test_tag_prints_json_mentions(runner: CliRunner) -> None:
    result = runner.invoke(main, ["tag", str(ROOT / "seeds" / "000_c49a4c7627602ff6.txt")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows and all({"start", "end", "text", "label", "score", "source"} <= r.keys() for r in rows)
    assert any(r["text"] == "John Kirby" and r["label"] == "PERSON" for r in rows)


def test_tag_says_when_a_file_is_not_in_english(tmp_path: Path) -> None:
    post = tmp_path / "post.txt"
    # Bulgarian: Ukrainian and Russian are read by osintkit.entities.slavic and raise no warning.
    post.write_text("Руските войски нощес обстреляха Харков и Сумите, съобщиха от Генералния щаб на армията.\n")
    cmd = [sys.executable, "-m", "osintkit", "tag", str(post)]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    assert result.stderr.startswith("warning: 1 of 1 texts are in a language") and "bg (1)" in result.stderr
    assert "osintkit tag --model" in result.stderr and "Traceback" not in result.stderr
    assert all(json.loads(line) for line in result.stdout.splitlines())  # stdout stays JSON lines


def test_run_reports_documents_not_in_english_once(tmp_path: Path) -> None:
    sources = tmp_path / "sources"
    sources.mkdir()
    shutil.copy(ROOT / "seeds" / "000_c49a4c7627602ff6.txt", sources / "seed.txt")
    for i, city in enumerate(("Харкові", "Сумах", "Одесі")):
        (sources / f"post-{i}.txt").write_text(f"Вночі у {city} пролунали вибухи, повідомили місцеві джерела.\n")
    cmd = [sys.executable, "-m", "osintkit", "run", str(sources), "--out", str(tmp_path / "out"), "--quiet"]
    result = subprocess.run(cmd, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    warning_lines = [line for line in result.stderr.splitlines() if line.startswith("warning:")]
    assert warning_lines == [warning_lines[0]] and "3 of 4 documents are not in English (uk: 3)" in warning_lines[0]
    report = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    assert "**Coverage:** 3 of 4 documents are not in English (uk: 3)" in report
    places = json.loads((tmp_path / "out" / "findings.json").read_text())["places"]
    assert {"Kharkiv", "Sumy", "Odesa"} <= {p["name"] for p in places}


SEED = str(ROOT / "seeds" / "000_c49a4c7627602ff6.txt")


def _rows(result: Any) -> list[dict[str, Any]]:
    assert result.exit_code == 0, result.output
    return [json.loads(line) for line in result.output.splitlines()]


def test_tag_filters_labels_and_switches_off_rules(runner: CliRunner) -> None:
    people = _rows(runner.invoke(main, ["tag", SEED, "--label", "person", "--label", "ORG"]))
    assert {r["label"] for r in people} == {"PERSON", "ORG"}
    assert "South Korean intelligence services" in {r["text"] for r in people}  # an ORG the rules find
    model_only = _rows(runner.invoke(main, ["tag", SEED, "--no-rules", "--no-gazetteer"]))
    assert model_only and {r["source"] for r in model_only} == {"model"}
    assert not {"DATE", "QUANTITY", "NORP"} & {r["label"] for r in model_only}
    fp32 = _rows(runner.invoke(main, ["tag", SEED, "--fp32", "--label", "PERSON"]))
    assert {r["text"] for r in fp32} >= {"Volodymyr Zelenskyy", "John Kirby"}


def test_tag_with_another_model_folder_and_a_label_map(runner: CliRunner) -> None:
    weights = str(ROOT / "osintkit" / "entities" / "weights")
    same = _rows(runner.invoke(main, ["tag", SEED, "--model", weights, "--label", "PERSON"]))
    assert same == _rows(runner.invoke(main, ["tag", SEED, "--label", "PERSON"]))
    # Mapping only the model's PER type keeps people and drops its ORG and LOC mentions.
    mapped = _rows(runner.invoke(main, ["tag", SEED, "--model", weights, "--label-map", "PER=PERSON", "--no-rules",
                                        "--no-gazetteer"]))  # fmt: skip
    assert mapped and {r["label"] for r in mapped} == {"PERSON"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--model", "no-such-org/no-such-model"], "--allow-download"),
        (["--label-map", "PER=PERSON"], "--label-map applies to a model given with --model"),
        (["--model", "x", "--label-map", "PER"], "is not TYPE=LABEL"),
        (["--model", "x", "--fp32"], "--fp32 applies to the shipped model"),
        (["--label", "PERSONS"], "unknown label(s) PERSONS; the labels are AWARD, DATE, EVENT, LAW, LOC, NORP"),
    ],
)
def test_tag_option_errors_are_clear(runner: CliRunner, args: list[str], message: str) -> None:
    result = runner.invoke(main, ["tag", SEED, *args])
    assert result.exit_code == 2
    assert message in result.output


def test_claims_prints_json_claims(runner: CliRunner) -> None:
    result = runner.invoke(main, ["claims", str(ROOT / "seeds" / "000_c49a4c7627602ff6.txt")])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert rows and all({"claimant", "cue", "content", "direct", "hedged", "quantities"} <= r.keys() for r in rows)


def test_geocode_prints_best_match(runner: CliRunner) -> None:
    result = runner.invoke(main, ["geocode", "Kiev"])
    assert result.exit_code == 0, result.output
    best = json.loads(result.output)
    assert {"name", "lat", "lon", "geonameid", "country_code", "feature"} <= best.keys()
    assert abs(best["lat"] - 50.45) < 0.2 and abs(best["lon"] - 30.52) < 0.2


def test_bad_input_exits_with_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"text": ')
    result = runner.invoke(main, ["tag", str(bad)])
    assert result.exit_code == 2
    assert "bad.json" in result.output
