"""Compare two entity models on the same held-out documents, with a paired bootstrap interval for the difference.

    python -m osintkit.training.compare BASELINE CANDIDATE [--split dev] [--sets wikigold,re3d] [--fp32]

BASELINE and CANDIDATE are model folders written by ``osintkit.training.train`` (or ``shipped`` for the model in the
package). Choose between training runs on ``--split dev``; the test parts are for reporting the one chosen, since
picking on them would make the test figure optimistic. The news-like parts are a few dozen documents, so the
interval of the difference is the figure to read: when it spans zero, the runs cannot be told apart here. It covers
which documents were drawn, not training noise: the shipped recipe rerun with another seed moved news-like dev by
two points, so a gain of that size needs a second seed before it counts.

Not part of ``python -m benchmarks``: it needs two models and is a tool for deciding whether to ship a retrain.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from osintkit.entities.model import EntityModel, load_entity_model
from osintkit.training.datasets import bootstrap_f1, data_root, load_corpus, resampling_unit, score_sets
from osintkit.training.evaluate import NEWS_LIKE, predict_sets


def _load(which: str, fp32: bool) -> EntityModel:
    return load_entity_model(None if which == "shipped" else Path(which), quantize=not fp32)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m osintkit.training.compare", description=__doc__.split("\n")[0])
    parser.add_argument("baseline", help="a model folder, or 'shipped'")
    parser.add_argument("candidate", help="a model folder, or 'shipped'")
    parser.add_argument("--split", choices=("dev", "test"), default="dev")
    parser.add_argument("--sets", default=",".join(NEWS_LIKE), help="comma-separated corpora (default: news-like)")
    parser.add_argument("--fp32", action="store_true", help="compare without int8 (default: as shipped, int8)")
    parser.add_argument("--rounds", type=int, default=1000)
    args = parser.parse_args(argv)

    root = data_root()
    if not (root / "ner").is_dir():
        print("skipped: data not found (set OSINTKIT_DATA)")
        return 0
    names = [n.strip() for n in args.sets.split(",") if n.strip()]
    corpora = {name: load_corpus(name, args.split, root) for name in names}
    doc_of = {k * 10**6 + i: resampling_unit(s) for k, name in enumerate(names) for i, s in enumerate(corpora[name])}
    gold: set[tuple[int, int, int, str]] = set()
    preds: list[set[tuple[int, int, int, str]]] = []
    for which in (args.baseline, args.candidate):
        model = _load(which, args.fp32)
        pred: set[tuple[int, int, int, str]] = set()
        for k, name in enumerate(names):
            g, p = predict_sets(model, corpora[name], k * 10**6)
            gold |= g
            pred |= p
        preds.append(pred)
    n_docs = len(set(doc_of.values()))
    print(f"{args.split} part of {', '.join(names)}: {n_docs} documents, {len(gold)} gold names, "
          f"{'fp32' if args.fp32 else 'int8'}")  # fmt: skip
    for label, which, pred in (("baseline", args.baseline, preds[0]), ("candidate", args.candidate, preds[1])):
        f1 = score_sets(gold, pred)["micro"]["f1"]
        lo, hi = bootstrap_f1(gold, pred, doc_of, rounds=args.rounds)
        print(f"{label:<9} {f1:.3f}  (95% interval {lo:.3f}-{hi:.3f})  {which}")
    diff = score_sets(gold, preds[1])["micro"]["f1"] - score_sets(gold, preds[0])["micro"]["f1"]
    lo, hi = bootstrap_f1(gold, preds[1], doc_of, versus=preds[0], rounds=args.rounds)
    verdict = "candidate better" if lo > 0 else "baseline better" if hi < 0 else "not distinguishable here"
    print(f"candidate - baseline {diff:+.3f}  (paired 95% interval {lo:+.3f} to {hi:+.3f}): {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
