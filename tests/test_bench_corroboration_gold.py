"""The corroboration gold set is internally consistent: files, claim texts, ids, grades (no pipeline run here)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

GOLD_DIR = Path(__file__).resolve().parent.parent / "benchmarks" / "corroboration_gold"
EVENTS = sorted(p for p in GOLD_DIR.iterdir() if (p / "gold.json").is_file()) if GOLD_DIR.is_dir() else []

ROLES = {
    "wire original", "wire copy", "rewrite", "aggregator", "ai rewrite", "independent", "follow-up", "official post",
}  # fmt: skip
KINDS = {"contradiction", "discrepancy"}
SLOTS = {"quantity", "date", "place", "platform", "denial", "first", "attribute"}
# A full stop after these does not end a sentence, so a gold text may run across it.
ABBREVIATIONS = {"gov", "gen", "lt", "col", "maj", "capt", "sgt", "mr", "mrs", "ms", "dr", "st", "no", "u.s", "u.n"}
_BOUNDARY = re.compile(r"(\S*?)[.!?][\"”’)]*\s+(?=[\"“‘(]?[A-Z0-9])")
_HEADER_LINE = re.compile(r"^(Publisher|Source|Published|Date|URL|Title|Author|By):\s*\S", re.IGNORECASE)


def _gold(event: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((event / "gold.json").read_text(encoding="utf-8"))
    return data


def _article_files(event: Path) -> set[str]:
    articles = event / "articles"
    return {
        p.relative_to(articles).as_posix()
        for p in articles.rglob("*")
        if p.is_file() and not p.name.endswith(".meta.json")
    }


def sentence_breaks(text: str) -> list[str]:
    """The sentence boundaries inside ``text`` that are not after a known abbreviation."""
    return [m.group(0) for m in _BOUNDARY.finditer(text) if m.group(1).lower().strip('(“"') not in ABBREVIATIONS]


def test_the_gold_set_has_three_events_of_eight_outlets() -> None:
    assert len(EVENTS) >= 3, f"{GOLD_DIR}: {len(EVENTS)} events, want at least 3"
    for event in EVENTS:
        assert len(_article_files(event)) >= 8, f"{event.name}: fewer than eight articles"


def test_sentence_breaks_finds_boundaries_but_not_abbreviations() -> None:
    assert sentence_breaks("in the region. The ministry said") == ["region. "]
    assert sentence_breaks("Bryansk Gov. Alexander Bogomaz said") == []
    assert sentence_breaks("were injured,” the governor wrote on Telegram.") == []


@pytest.mark.parametrize("event", EVENTS, ids=[e.name for e in EVENTS])
def test_documents_match_the_articles_folder(event: Path) -> None:
    gold = _gold(event)
    files = _article_files(event)
    assert set(gold["documents"]) == files, f"{event.name}/gold.json documents differ from articles/"
    for name, doc in gold["documents"].items():
        assert doc["role"] in ROLES, f"{event.name}/gold.json documents.{name}.role: {doc['role']!r}"
        assert doc["publisher"].strip(), f"{event.name}/gold.json documents.{name}.publisher is empty"
        path = event / "articles" / name
        text = path.read_text(encoding="utf-8")
        if name.endswith(".md"):
            assert text.startswith("---\n") and "\npublisher:" in text.split("\n---\n")[0], f"{path}: no front matter"
        elif not (path.with_suffix(".meta.json")).is_file():
            assert _HEADER_LINE.match(text), f"{path}: neither a .meta.json sidecar nor header lines"


@pytest.mark.parametrize("event", EVENTS, ids=[e.name for e in EVENTS])
def test_copy_links_name_existing_documents(event: Path) -> None:
    gold = _gold(event)
    copies = [link["copy"] for link in gold["copy_links"]]
    assert len(copies) == len(set(copies)), f"{event.name}/gold.json: an echo has two direct originals"
    for i, link in enumerate(gold["copy_links"]):
        where = f"{event.name}/gold.json copy_links[{i}]"
        assert link["copy"] in gold["documents"], f"{where}.copy: {link['copy']!r} is not a document"
        original = link["original"]
        assert original.startswith("wire:") or original in gold["documents"], f"{where}.original: {original!r}"
        assert original != link["copy"], f"{where}: a document copies itself"
        for other in link.get("also", []):
            assert other in gold["documents"] and other not in (original, link["copy"]), f"{where}.also: {other!r}"
            role = gold["documents"][other]["role"]
            assert role == "wire copy", f"{where}.also: {other!r} is a {role}, not a verbatim copy of the original"
        assert link["direction"] in {"known", "undetermined"}, f"{where}.direction: {link['direction']!r}"
        assert link["why"].strip(), f"{where}.why is empty"


@pytest.mark.parametrize("event", EVENTS, ids=[e.name for e in EVENTS])
def test_each_claim_text_occurs_once_within_one_sentence(event: Path) -> None:
    gold = _gold(event)
    ids = [c["id"] for c in gold["claims"]] + [p["id"] for p in gold["propositions"]]
    twice = sorted({i for i in ids if ids.count(i) > 1})
    assert not twice, f"{event.name}/gold.json: duplicate ids {twice}"
    for claim in gold["claims"]:
        where = f"{event.name}/gold.json claim {claim['id']}"
        assert claim["doc"] in gold["documents"], f"{where}: no document {claim['doc']!r}"
        text = (event / "articles" / claim["doc"]).read_text(encoding="utf-8")
        contains = claim["contains"]
        count = text.count(contains)
        assert count == 1, f"{where}: {contains!r} occurs {count} times in {claim['doc']}"
        assert "\n" not in contains, f"{where}: the text runs over a line break"
        assert not sentence_breaks(contains), f"{where}: the text runs over a sentence boundary"
        assert claim["claimant"] and all(n.strip() for n in claim["claimant"]), f"{where}: no claimant names"
        assert isinstance(claim["outlet_voice"], bool), f"{where}: outlet_voice must be true or false"


@pytest.mark.parametrize("event", EVENTS, ids=[e.name for e in EVENTS])
def test_propositions_contradictions_and_traps_refer_to_claims(event: Path) -> None:
    gold = _gold(event)
    claims = {c["id"] for c in gold["claims"]}
    for prop in gold["propositions"]:
        where = f"{event.name}/gold.json proposition {prop['id']}"
        assert prop["claims"] and set(prop["claims"]) <= claims, f"{where}: unknown {set(prop['claims']) - claims}"
        assert isinstance(prop["credibility"], int) and 1 <= prop["credibility"] <= 6, f"{where}: credibility"
        assert prop["origins"] and prop["why"].strip() and prop["text"].strip(), f"{where}: origins, text or why"
    for section in ("contradictions", "traps"):
        for i, pair in enumerate(gold[section]):
            where = f"{event.name}/gold.json {section}[{i}]"
            a, b = set(pair["a"]), set(pair["b"])
            assert a and b and a <= claims and b <= claims, f"{where}: unknown claims {(a | b) - claims}"
            assert not a & b, f"{where}: a claim on both sides"
            if section == "contradictions":
                assert pair["kind"] in KINDS and pair["slot"] in SLOTS, f"{where}: kind or slot"
                assert pair["reason"].strip(), f"{where}: no reason"
            else:
                assert pair["why"].strip(), f"{where}: no why"


def test_the_set_covers_every_role_and_both_kinds() -> None:
    roles = {d["role"] for e in EVENTS for d in _gold(e)["documents"].values()}
    assert roles == ROLES, f"roles missing from the gold set: {ROLES - roles}"
    kinds = {c["kind"] for e in EVENTS for c in _gold(e)["contradictions"]}
    assert kinds == KINDS
    assert all(_gold(e)["traps"] for e in EVENTS), "every event needs traps"
