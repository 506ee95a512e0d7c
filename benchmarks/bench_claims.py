"""Claim extraction: precision and recall against the seed article's gold list, and claims per second.

A predicted attributed claim is correct when its content starts like a gold claim's and its claimant, cue and
quantities match the gold ones (the same test as tests/test_claims_extract.py, whose GOLD list this reads).

    python -m benchmarks.bench_claims [--quick]
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SEED = ROOT / "seeds" / "000_c49a4c7627602ff6.txt"
CORPUS = ROOT / "notebooks" / "data" / "corroboration"
GOLD_MODULE = ROOT / "tests" / "test_claims_extract.py"


def _gold_module() -> Any:
    spec = importlib.util.spec_from_file_location("_claims_gold", GOLD_MODULE)
    if spec is None or spec.loader is None:
        raise ImportError(GOLD_MODULE)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _score(claims: list[Any], gold_mod: Any, figures: bool = True) -> tuple[float, float, int, int]:
    pairs, _extra = gold_mod.match_gold(claims)
    correct = 0
    # Figures come from the tagger's mentions only, so syntax alone is scored without them.
    drop = {"date"} if figures else {"date", "quantities"}
    for gold, claim in pairs:
        try:
            gold_mod._check({k: v for k, v in gold.items() if k not in drop}, claim)
        except AssertionError:
            continue
        correct += 1
    predicted = sum(1 for c in claims if c.attributed)
    precision = correct / predicted if predicted else 0.0
    recall = correct / len(pairs) if pairs else 0.0
    return precision, recall, correct, predicted


def run(quick: bool = False) -> list[dict[str, Any]]:
    if not SEED.exists() or not GOLD_MODULE.exists():
        return [{"benchmark": "claims", "metric": "all", "value": "skipped: data not found", "target": ""}]
    from osintkit import load
    from osintkit.claims import extract_claims
    from osintkit.entities.rules import rule_mentions

    gold_mod = _gold_module()
    seed = next(iter(load(SEED)))
    rows: list[dict[str, Any]] = []

    mentions = rule_mentions(seed.text, published=seed.published)
    tagger = "rule tagger"
    for label, ms in (("syntax only", []), (tagger, mentions)):
        p, r, correct, _predicted = _score(extract_claims(seed, mentions=ms), gold_mod, figures=bool(ms))
        rows.append({"benchmark": "claims", "metric": f"precision ({label})", "value": round(p, 3), "target": ">= 0.9"})
        rows.append({"benchmark": "claims", "metric": f"recall ({label})", "value": round(r, 3), "target": ">= 0.9"})
        if label == tagger:
            rows.append(
                {"benchmark": "claims", "metric": "gold claims fully right", "value": f"{correct}/{len(gold_mod.GOLD)}",
                 "target": f"{len(gold_mod.GOLD)}/{len(gold_mod.GOLD)}"}
            )  # fmt: skip

    docs = [seed, *(list(load(CORPUS)) if CORPUS.is_dir() else [])]
    doc_mentions = {d.id: (mentions if d.id == seed.id else []) for d in docs}
    reps = 3 if quick else 20
    n = 0
    t0 = time.perf_counter()
    for _ in range(reps):
        for d in docs:
            n += len(extract_claims(d, mentions=doc_mentions[d.id]))
    elapsed = time.perf_counter() - t0
    rows.append(
        {"benchmark": "claims", "metric": "claims per second (extraction, mentions given)",
         "value": round(n / elapsed, 1), "target": ">= 200"}
    )  # fmt: skip
    if not quick:
        from osintkit.claims import corroborate

        claims = [c for d in docs[1:] for c in extract_claims(d, mentions=rule_mentions(d.text, published=d.published))]
        corroborate(claims[:2], docs[1:])  # load the encoder once, outside the timing
        t0 = time.perf_counter()
        result = corroborate(claims, docs[1:])
        rows.append(
            {"benchmark": "claims", "metric": f"corroborate {len(claims)} claims, {len(docs) - 1} docs (s)",
             "value": round(time.perf_counter() - t0, 2), "target": "< 5"}
        )  # fmt: skip
        rows.append(
            {"benchmark": "claims", "metric": "corpus groups / contradictions / echoes",
             "value": f"{len(result.groups)} / {sum(len(g.contradictions) for g in result.groups)} / "
                      f"{len(result.independence)}", "target": "4 / 2 / 2"}
        )  # fmt: skip
    return rows


def main() -> None:
    rows = run(quick="--quick" in sys.argv)
    width = max(len(r["metric"]) for r in rows)
    for r in rows:
        print(f"{r['benchmark']:<8} {r['metric']:<{width}}  {r['value']!s:>14}  target {r['target']}")


if __name__ == "__main__":
    main()
