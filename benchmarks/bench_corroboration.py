"""Corroboration on a hand-read gold set: copy links with direction, contradictions, attribution, credibility.

Each event in ``benchmarks/corroboration_gold/`` is a folder of articles written for the project (invented events,
modelled on how wire copy, rewrites, aggregators and official posts travel) with a ``gold.json`` read by hand; the
README there states the credibility policy. The whole pipeline runs on each event's ``articles/`` and its findings
are scored against the gold:

- copy links: each predicted parent link (``Corroboration.parents``) is right when copy and original match and the
  direction was decided from evidence; where the gold says ``undetermined``, either order marked "undetermined" is
  right. ``wire:`` originals compare by normalised wire name.
- contradictions: a predicted contradiction is right when its two claims fall on the two sides of one gold
  contradiction. A claim stands for a gold claim when its sentence contains the gold's ``contains`` text, in any
  document, so a relay of the same sentence counts as the same claim. Predicted contradictions that hit a trap (a
  pair the gold says must not conflict) are counted apart.
- claimants: a located gold claim is right when its claimant is one of the gold's names (case-insensitive); an
  ``outlet_voice`` claim is also right when it is unattributed or credited to its publisher.
- headings: claims whose sentence overlaps a Markdown heading line of the file (must be 0).
- credibility: the suggested grade of a proposition's first located claim, within one step of the gold.
- order: a full run repeats each event on copies of its files renamed to names that say nothing and sorted in
  reverse, and counts the events whose links, contradictions or grades change (it must be none).

    python -m benchmarks.bench_corroboration [--quick] [-v]
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import sys
import tempfile
import unicodedata
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

GOLD_DIR = Path(__file__).resolve().parent / "corroboration_gold"
NAME = "corroboration"

# The major wires under the names outlets print them with; enough to compare "wire:" originals.
_WIRE_ALIASES = {
    "ap": "associated press",
    "associated press": "associated press",
    "reuters": "reuters",
    "thomson reuters": "reuters",
    "afp": "agence france-presse",
    "agence france-presse": "agence france-presse",
    "agence france presse": "agence france-presse",
    "agence france press": "agence france-presse",
}
_HEADING = re.compile(r"^[ \t]{0,3}#{1,6}[ \t]+(.+?)[ \t#]*$", re.MULTILINE)
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n.*?\r?\n(?:---|\.\.\.)[ \t]*(?:\r?\n|\Z)", re.DOTALL)


def norm_name(name: str | None) -> str:
    """A name as compared: case, curly apostrophes, a leading "the" and edge punctuation do not count."""
    if not name:
        return ""
    text = unicodedata.normalize("NFKC", name).replace("’", "'").replace("‘", "'").casefold()
    text = re.sub(r"\s+", " ", text).strip(" \t.,;:\"'“”")
    return text.removeprefix("the ").strip()


def wire_key(name: str) -> str:
    """``wire:The Associated Press``, ``AP`` and ``Associated Press (via Yahoo)`` all give ``associated press``."""
    text = norm_name(name.removeprefix("wire:"))
    text = re.sub(r"\s*\((?:via|from)\b[^)]*\)\s*$", "", text).strip()
    return _WIRE_ALIASES.get(text, text)


@dataclass
class Event:
    """One gold event and what the pipeline found for it, in file names rather than document ids."""

    name: str
    gold: dict[str, Any]
    files: dict[str, str] = field(default_factory=dict)  # doc id -> file name relative to articles/
    docs: dict[str, Any] = field(default_factory=dict)  # file name -> Document
    claims: list[Any] = field(default_factory=list)
    located: dict[str, Any] = field(default_factory=dict)  # gold claim id -> extracted Claim
    gold_of: dict[str, set[str]] = field(default_factory=dict)  # extracted claim id -> gold claim ids it carries
    parents: list[tuple[str, str, str, str]] | None = None  # (copy file, original file or wire:, relation, direction)
    contradictions: list[tuple[str, str, str, str]] | None = None  # (claim a, claim b, kind, reason)
    ratings: dict[str, dict[str, Any] | None] = field(default_factory=dict)  # proposition id -> rating
    missing: str | None = None  # why the corroboration's findings are not available


@dataclass
class Tally:
    """Counts for one event or the pool; every rate is derived from them."""

    copy_right: int = 0
    copy_predicted: int = 0
    copy_found: int = 0
    copy_gold: int = 0
    contra_right: int = 0
    contra_predicted: int = 0
    contra_found: int = 0
    contra_gold: int = 0
    discrepancy_found: int = 0
    discrepancy_gold: int = 0
    trap_hits: int = 0
    traps: int = 0
    claims_located: int = 0
    claims_gold: int = 0
    claimant_right: int = 0
    attributed_located: int = 0
    outlet_credited: int = 0
    heading_claims: int = 0
    cred_right: int = 0
    cred_gold: int = 0
    available: bool = True
    lines: list[str] = field(default_factory=list)  # misses and false positives, for -v

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if isinstance(value, bool):
                self.available = self.available and value
            elif isinstance(value, int):
                setattr(self, name, getattr(self, name) + value)


def events(root: Path = GOLD_DIR) -> list[Path]:
    return sorted(p for p in root.iterdir() if (p / "gold.json").is_file() and (p / "articles").is_dir())


def _snippet(text: str, width: int = 90) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _locate(contains: str, doc: Any, claims: list[Any]) -> Any | None:
    """The extracted claim for a gold claim: the one whose sentence holds the text, else the one around its offset."""
    offset = doc.text.find(contains)
    holding = [c for c in claims if contains in c.sentence]
    if offset >= 0 and len(holding) > 1:
        around = [c for c in holding if c.sentence_start <= offset < c.sentence_end]
        holding = around or holding
        # Two claims in one sentence: the one whose content covers more of the gold text.
        holding.sort(key=lambda c: -max(0, min(c.content_end, offset + len(contains)) - max(c.content_start, offset)))
    if holding:
        return holding[0]
    if offset < 0:
        return None
    return next((c for c in claims if c.sentence_start <= offset < c.sentence_end), None)


def renamed_copy(articles: Path, dest: Path) -> dict[str, str]:
    """Copy the articles under names that say nothing and sort in reverse; returns new name -> gold name.

    Direction must come from evidence, so a run on the copy must find what a run on the originals finds.
    """
    dest.mkdir(parents=True)
    files = sorted((p for p in articles.iterdir() if p.is_file() and not p.name.endswith(".meta.json")), reverse=True)
    names: dict[str, str] = {}
    for i, path in enumerate(files):
        stem = f"{i:02d}_{hashlib.sha256(path.name.encode()).hexdigest()[:8]}"
        shutil.copyfile(path, dest / (stem + path.suffix))
        sidecar = path.with_name(path.stem + ".meta.json")
        if sidecar.is_file():
            shutil.copyfile(sidecar, dest / (stem + ".meta.json"))
        names[stem + path.suffix] = path.name
    return names


def analyse(event_dir: Path, work: Path, *, renamed: bool = False) -> Event:
    """Run the pipeline on one event and read back what the case and the corroboration say."""
    from osintkit import Case
    from osintkit.pipeline import run as run_pipeline

    gold = json.loads((event_dir / "gold.json").read_text(encoding="utf-8"))
    articles = event_dir / "articles"
    names: dict[str, str] = {}
    label = event_dir.name + ("-renamed" if renamed else "")
    if renamed:
        names = renamed_copy(articles, work / label / "articles")
        articles = work / label / "articles"
    with warnings.catch_warnings():
        # Language and loader notices are not what is measured here.
        warnings.simplefilter("ignore")
        result = run_pipeline([str(articles)], out=str(work / label / "out"), quiet=True, formats=["json"])
    ev = Event(event_dir.name, gold)
    case = Case(result.case_path)
    root = articles.resolve()
    try:
        for doc in case.documents():
            if doc.path:
                path = Path(doc.path).resolve()
                rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else path.name
                rel = names.get(rel, rel)
                ev.files[doc.id] = rel
                ev.docs[rel] = doc
        ev.claims = case.claims()
        by_doc: dict[str, list[Any]] = {}
        for claim in ev.claims:
            by_doc.setdefault(claim.doc_id, []).append(claim)
        for g in gold["claims"]:
            gdoc = ev.docs.get(g["doc"])
            found = _locate(g["contains"], gdoc, by_doc.get(gdoc.id, [])) if gdoc is not None else None
            if found is not None:
                ev.located[g["id"]] = found
        gold_doc_ids = {g["id"]: ev.docs[g["doc"]].id for g in gold["claims"] if g["doc"] in ev.docs}
        for claim in ev.claims:
            # In its own document a gold claim is the located one (a sentence may hold two); elsewhere, any claim
            # whose sentence repeats the gold text is a relay of it.
            carried = {gid for gid, c in ev.located.items() if c.id == claim.id}
            carried |= {
                g["id"]
                for g in gold["claims"]
                if gold_doc_ids.get(g["id"]) != claim.doc_id and g["contains"] in claim.sentence
            }
            if carried:
                ev.gold_of[claim.id] = carried
        for prop in gold["propositions"]:
            first = next((ev.located[c] for c in prop["claims"] if c in ev.located), None)
            ev.ratings[prop["id"]] = case.current_rating("claim", first.id) if first is not None else None
    finally:
        case.close()
    co = getattr(result, "corroboration", None)
    if co is None:
        ev.missing = "not available: RunResult has no corroboration"
        return ev
    parents = getattr(co, "parents", None)
    contradictions = getattr(co, "contradictions", None)
    if isinstance(parents, dict):
        ev.parents = sorted(
            (
                ev.files.get(str(copy), str(copy)),
                str(link.original)
                if str(link.original).startswith("wire:")
                else ev.files.get(str(link.original), str(link.original)),
                str(getattr(link, "relation", "")),
                str(getattr(link, "direction", "")),
            )
            for copy, link in parents.items()
        )
    if isinstance(contradictions, list):
        ev.contradictions = sorted(
            (c.claim_a, c.claim_b, str(getattr(c, "kind", "")), str(getattr(c, "reason", ""))) for c in contradictions
        )
    if ev.parents is None or ev.contradictions is None:
        ev.missing = "not available: Corroboration has no " + " or ".join(
            n for n, v in (("parents", ev.parents), ("contradictions", ev.contradictions)) if v is None
        )
    return ev


def _same_original(gold_original: str, predicted: str) -> bool:
    if gold_original.startswith("wire:") or predicted.startswith("wire:"):
        return (
            gold_original.startswith("wire:")
            and predicted.startswith("wire:")
            and (wire_key(gold_original) == wire_key(predicted))
        )
    return gold_original == predicted


def _link_right(gold: dict[str, Any], copy: str, original: str, direction: str) -> bool:
    # "also" names verbatim copies of the original that carry the same shared text: which of them an uncredited
    # rewrite was made from cannot be read from the texts, so any of them is an acceptable parent.
    originals = [gold["original"], *gold.get("also", [])]
    if gold["direction"] == "undetermined":
        if direction != "undetermined":
            return False
        return (copy == gold["copy"] and any(_same_original(o, original) for o in originals)) or (
            original == gold["copy"] and copy in originals
        )
    return copy == gold["copy"] and any(_same_original(o, original) for o in originals) and direction != "undetermined"


def _sides_hit(ev: Event, a: str, b: str, side_a: Iterable[str], side_b: Iterable[str]) -> bool:
    ga, gb = ev.gold_of.get(a, set()), ev.gold_of.get(b, set())
    sa, sb = set(side_a), set(side_b)
    return bool((ga & sa and gb & sb) or (ga & sb and gb & sa))


def _claim_line(ev: Event, claim_id: str) -> str:
    claim = next((c for c in ev.claims if c.id == claim_id), None)
    if claim is None:
        return claim_id
    return f"{ev.files.get(claim.doc_id, claim.doc_id)}: {_snippet(claim.sentence, 70)!r}"


def _headings(path: Path, doc: Any) -> tuple[list[str], list[tuple[int, int]]]:
    """The file's Markdown headings, and where they sit as lines of the document text, with or without '#'."""
    raw = _FRONT_MATTER.sub("", path.read_text(encoding="utf-8"), count=1)
    headings = [m.group(1).strip() for m in _HEADING.finditer(raw)]
    spans: list[tuple[int, int]] = []
    for line in re.finditer(r"^[^\n]*$", doc.text, re.MULTILINE):
        if line.group(0).strip().lstrip("#").strip() in headings:
            spans.append((line.start(), line.end()))
    return headings, spans


def score(ev: Event) -> Tally:
    t = Tally()
    gold = ev.gold
    say = t.lines.append

    # Copy links.
    if ev.parents is None:
        t.available = False
    else:
        links = gold["copy_links"]
        t.copy_gold, t.copy_predicted = len(links), len(ev.parents)
        hit: set[int] = set()
        for copy, original, relation, direction in ev.parents:
            right = [i for i, g in enumerate(links) if _link_right(g, copy, original, direction)]
            hit.update(right)
            if right:
                t.copy_right += 1
            else:
                say(f"  copy link FP: {copy} <- {original} ({relation}, direction {direction})")
        t.copy_found = len(hit)
        for i, g in enumerate(links):
            if i not in hit:
                say(f"  copy link missed: {g['copy']} <- {g['original']} ({g['direction']}): {g['why']}")

    # Contradictions, discrepancies and traps.
    if ev.contradictions is None:
        t.available = False
    else:
        real = [g for g in gold["contradictions"] if g["kind"] == "contradiction"]
        disc = [g for g in gold["contradictions"] if g["kind"] == "discrepancy"]
        t.contra_gold, t.discrepancy_gold, t.traps = len(real), len(disc), len(gold["traps"])
        found_real: set[int] = set()
        found_disc: set[int] = set()
        for a, b, kind, reason in ev.contradictions:
            if kind == "discrepancy":
                found_disc.update(i for i, g in enumerate(disc) if _sides_hit(ev, a, b, g["a"], g["b"]))
                continue
            if kind != "contradiction":
                continue
            t.contra_predicted += 1
            right = [i for i, g in enumerate(real) if _sides_hit(ev, a, b, g["a"], g["b"])]
            found_real.update(right)
            if right:
                t.contra_right += 1
                continue
            traps = [g for g in gold["traps"] if _sides_hit(ev, a, b, g["a"], g["b"])]
            t.trap_hits += bool(traps)
            tag = "TRAP" if traps else "FP"
            say(f"  contradiction {tag}: {_claim_line(ev, a)} <> {_claim_line(ev, b)} — {_snippet(reason, 80)}")
        t.contra_found, t.discrepancy_found = len(found_real), len(found_disc)
        for i, g in enumerate(real):
            if i not in found_real:
                say(f"  contradiction missed ({g['slot']}): {g['a']} <> {g['b']}: {g['reason']}")
        for i, g in enumerate(disc):
            if i not in found_disc:
                say(f"  discrepancy missed ({g['slot']}): {g['a']} <> {g['b']}: {g['reason']}")

    # Attribution.
    publishers = {f: norm_name(d["publisher"]) for f, d in gold["documents"].items()}
    t.claims_gold = len(gold["claims"])
    for g in gold["claims"]:
        claim = ev.located.get(g["id"])
        if claim is None:
            say(f"  claim not found {g['id']}: {g['doc']}: {g['contains']!r}")
            continue
        t.claims_located += 1
        names = {norm_name(n) for n in g["claimant"]}
        said = norm_name(claim.claimant)
        doc = ev.docs.get(g["doc"])
        own = {publishers.get(g["doc"], ""), norm_name(doc.source if doc is not None else None)} - {""}
        outlet = not claim.attributed or not said or said in own or any(wire_key(said) == wire_key(p) for p in own)
        if g["outlet_voice"]:
            # "a count by Defence Brief" still credits the outlet itself, which is what outlet_voice asks.
            outlet = outlet or any(p in said for p in own)
        if said in names or (g["outlet_voice"] and outlet):
            t.claimant_right += 1
        else:
            say(
                f"  claimant wrong {g['id']}: got {claim.claimant!r}, want {g['claimant'][0]!r}: "
                f"{_claim_line(ev, claim.id)}"
            )
        if not g["outlet_voice"]:
            t.attributed_located += 1
            if outlet:
                t.outlet_credited += 1

    # Headings read as claims.
    for rel, doc in ev.docs.items():
        if not rel.endswith(".md"):
            continue
        headings, spans = _headings(GOLD_DIR / ev.name / "articles" / rel, doc)
        for claim in (c for c in ev.claims if c.doc_id == doc.id):
            # A heading glued to the paragraph under it (no line of its own left) still starts the sentence.
            opening = claim.sentence.strip().lstrip("#").strip()
            if any(claim.sentence_start < end and start < claim.sentence_end for start, end in spans) or any(
                opening.startswith(h) for h in headings
            ):
                t.heading_claims += 1
                say(f"  heading as claim: {rel}: {_snippet(claim.sentence)!r}")

    # Suggested credibility.
    t.cred_gold = len(gold["propositions"])
    for prop in gold["propositions"]:
        rating = ev.ratings.get(prop["id"])
        grade = str(rating.get("grade", "")) if rating else ""
        if grade.isdigit() and abs(int(grade) - int(prop["credibility"])) <= 1:
            t.cred_right += 1
        else:
            first = next((ev.located[c] for c in prop["claims"] if c in ev.located), None)
            where = _claim_line(ev, first.id) if first is not None else "no claim of it found"
            got = grade or "none"
            say(f"  credibility {prop['id']}: got {got}, want {prop['credibility']}: {prop['text']} [{where}]")
    return t


def _rate(num: int, den: int) -> float | None:
    return round(num / den, 3) if den else None


def rows_for(label: str, t: Tally, missing: str | None = None) -> list[dict[str, Any]]:
    def row(metric: str, value: Any, target: str, note: str = "") -> dict[str, Any]:
        return {"benchmark": NAME, "metric": f"{label}: {metric}", "value": value, "target": target, "note": note}

    out: list[dict[str, Any]] = []
    if t.copy_gold or t.copy_predicted:
        out.append(row("copy links precision (direction)", _rate(t.copy_right, t.copy_predicted), ">= 0.9",
                       f"{t.copy_right}/{t.copy_predicted} predicted"))  # fmt: skip
        out.append(row("copy links recall (direction)", _rate(t.copy_found, t.copy_gold), ">= 0.9",
                       f"{t.copy_found}/{t.copy_gold} gold"))  # fmt: skip
    if t.contra_gold or t.contra_predicted or t.traps:
        out.append(row("contradictions precision", _rate(t.contra_right, t.contra_predicted), ">= 0.85",
                       f"{t.contra_right}/{t.contra_predicted} predicted, {t.trap_hits} hit a trap"))  # fmt: skip
        out.append(row("contradictions recall", _rate(t.contra_found, t.contra_gold), ">= 0.8",
                       f"{t.contra_found}/{t.contra_gold} gold"))  # fmt: skip
        out.append(row("discrepancies recall", _rate(t.discrepancy_found, t.discrepancy_gold), "",
                       f"{t.discrepancy_found}/{t.discrepancy_gold} gold"))  # fmt: skip
        out.append(row("contradictions on traps", t.trap_hits, "0", f"{t.traps} traps"))
    if missing or not t.available:
        out.append(row("copy links and contradictions", missing or "not available", ">= 0.9 / >= 0.85"))
    out.append(row("gold claims located", _rate(t.claims_located, t.claims_gold), "1.0",
                   f"{t.claims_located}/{t.claims_gold}"))  # fmt: skip
    out.append(row("claimant accuracy", _rate(t.claimant_right, t.claims_located), ">= 0.9",
                   f"{t.claimant_right}/{t.claims_located} located"))  # fmt: skip
    out.append(row("attributed claims credited to the outlet", _rate(t.outlet_credited, t.attributed_located),
                   "lower is better", f"{t.outlet_credited}/{t.attributed_located}"))  # fmt: skip
    out.append(row("headings as claims", t.heading_claims, "0"))
    out.append(row("credibility within one step", _rate(t.cred_right, t.cred_gold), ">= 0.85",
                   f"{t.cred_right}/{t.cred_gold} propositions"))  # fmt: skip
    return out


def findings(ev: Event) -> tuple[Any, ...]:
    """What must not depend on file names or order: parent links, contradictions, suggested grades."""
    contradictions = None if ev.contradictions is None else sorted((a, b, kind) for a, b, kind, _ in ev.contradictions)
    grades = sorted((pid, (r or {}).get("grade")) for pid, r in ev.ratings.items())
    return ev.parents, contradictions, grades


def evaluate(quick: bool = False, verbose: bool = False) -> list[dict[str, Any]]:
    paths = events()
    if not paths:
        return [{"benchmark": NAME, "metric": "all", "value": "skipped: no gold events found", "target": ""}]
    if quick:
        paths = paths[:1]
    rows: list[dict[str, Any]] = []
    pool = Tally()
    missing: str | None = None
    changed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="osintkit-bench-corroboration-") as tmp:
        for path in paths:
            ev = analyse(path, Path(tmp))
            t = score(ev)
            missing = missing or ev.missing
            pool.add(t)
            rows += rows_for(ev.name, t, ev.missing)
            if verbose:
                print(f"{ev.name}: {len(ev.docs)} documents, {len(ev.claims)} claims", file=sys.stderr)
                for line in t.lines:
                    print(line, file=sys.stderr)
            if not quick and findings(analyse(path, Path(tmp), renamed=True)) != findings(ev):
                changed.append(ev.name)
                if verbose:
                    print(f"{ev.name}: findings changed when the files were renamed and reordered", file=sys.stderr)
    if len(paths) > 1:
        rows += rows_for("pooled", pool, missing)
    if not quick:
        rows.append(
            {"benchmark": NAME, "metric": "events whose findings change when files are renamed and reordered",
             "value": len(changed), "target": "0", "note": ", ".join(changed) or f"{len(paths)} events checked"}
        )  # fmt: skip
    return rows


def run(quick: bool = False) -> list[dict[str, Any]]:
    return evaluate(quick=quick)


def main(argv: list[str] | None = None) -> int:
    import argparse

    from benchmarks.__main__ import print_table

    parser = argparse.ArgumentParser(prog="python -m benchmarks.bench_corroboration", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="the first event only")
    parser.add_argument("-v", "--verbose", action="store_true", help="print every miss and false positive")
    args = parser.parse_args(argv)
    print_table(evaluate(quick=args.quick, verbose=args.verbose))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
