"""Entities in Russian and Ukrainian: micro-F1 over PERSON/ORG/LOC (exact character spans), with a 95% interval
from resampling whole documents, and speed in sentences per second.

Russian: the factRuEval-2016 devset (122 news texts, MIT). Gold comes from its object layer: an object's span runs
from its first to its last name span (descriptors such as "реки" or "партии", and jobs, left out); Person is PER,
Org is ORG, Location and LocOrg are LOC, other objects are dropped. Objects nest ("миде Грузии" holds "Грузии") and
a flat tagger can only give one of them, so the outermost is kept, as ner-uk's IOB files do.

Ukrainian: the ner-uk 2.0 DEV split in IOB (CC BY-NC-SA: evaluated on, never trained on). PERS is PER; ORG and
LOC as they are; its ten other types are dropped. The IOB file holds no document ids, so every 30 consecutive
sentences make one text to tag (tokens joined with spaces, sentences one to a line) and one resampling unit.

Each text is tagged as ``osintkit.tag()`` tags it, by :func:`osintkit.entities.slavic.slavic_mentions` merged with the
rules and the gazetteer; the same texts through natasha alone are the baseline.

English, paired: the news-like English test documents of benchmarks/bench_tagging.py (wikigold and re3d test,
never trained on) tagged by ``tag_many`` twice on the same texts, with the Ukrainian/Russian layer (language
identification, the routing of Cyrillic runs to natasha, the filter of other languages' non-Latin names) active,
and bypassed by giving the same model no declared languages (as a Hugging Face model loaded by name has). The
difference of micro-F1 has a paired 95% interval from resampling whole documents: the layer must not cost English.

Language identification: :func:`osintkit.text.detect_language` on the short texts of benchmarks/langid_samples.py
(one sentence each, 24 languages; the test list of tests/test_text.py), accuracy per language and time per text.

Both languages are also scored on their two halves: the even-numbered texts (30-sentence blocks for Ukrainian), on
which the errors were read to choose the rules of osintkit/entities/ukrainian.py and osintkit/entities/russian.py,
and the odd-numbered ones, held out. ``--errors PATH`` writes
every missed and every spurious span with its context, one to a line (FN/FP, type, span, the other side's
overlapping spans), for reading errors; the file quotes the corpora, so keep it out of the repository.

    python -m benchmarks.bench_ukru [--quick] [--errors PATH]
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from osintkit.model import Mention

TYPE_OF = {"PERSON": "PER", "ORG": "ORG", "LOC": "LOC"}
_FACTRU_TYPES = {"Person": "PER", "Org": "ORG", "Location": "LOC", "LocOrg": "LOC"}
# The name parts of an object; its descriptors ("реки", "партии", "компании") and jobs are not part of the name.
_NAME_SPANS = frozenset({"name", "surname", "patronymic", "nickname", "org_name", "loc_name"})
_NERUK_TYPES = {"PERS": "PER", "ORG": "ORG", "LOC": "LOC"}
_BLOCK = 30


@dataclass
class GoldText:
    """One text to tag, its gold spans (start, end, type) and how many sentences it holds."""

    id: str
    text: str
    spans: set[tuple[int, int, str]] = field(default_factory=set)
    sentences: int = 0


def _row(metric: str, value: Any, target: str = "") -> dict[str, Any]:
    return {"benchmark": "ukru", "metric": metric, "value": value, "target": target}


def _outermost(spans: set[tuple[int, int, str]]) -> set[tuple[int, int, str]]:
    kept: list[tuple[int, int, str]] = []
    for s, e, t in sorted(spans, key=lambda x: (-(x[1] - x[0]), x[0], x[2])):
        if not any(s < ke and ks < e for ks, ke, _ in kept):
            kept.append((s, e, t))
    return set(kept)


def load_factru(folder: Path) -> list[GoldText]:
    """factRuEval-2016 texts with their PER/ORG/LOC objects as flat gold spans."""
    out = []
    for txt in sorted(folder.glob("book_*.txt"), key=lambda p: int(p.stem.split("_")[1])):
        text = txt.read_text(encoding="utf-8")
        spans: dict[str, tuple[int, int]] = {}
        for line in txt.with_suffix(".spans").read_text(encoding="utf-8").splitlines():
            fields = line.split("#")[0].split()
            if len(fields) >= 4 and fields[1] in _NAME_SPANS:
                spans[fields[0]] = (int(fields[2]), int(fields[2]) + int(fields[3]))
        # Two objects can share a name span: the Org "мэрии Москвы" (its descriptor dropped) and the LocOrg
        # "Москвы"; the Location "памятника Юрию Долгорукому" and the Person. Which one a set handed on first
        # used to decide, so the gold changed with PYTHONHASHSEED (and F1 by +-0.005 between runs). The object
        # the name belongs to is the one made of fewer parts (no descriptor), then the type's name, for a rule.
        best: dict[tuple[int, int], tuple[int, str]] = {}
        for line in txt.with_suffix(".objects").read_text(encoding="utf-8").splitlines():
            fields = line.split("#")[0].split()
            if len(fields) >= 3 and fields[1] in _FACTRU_TYPES:
                parts = [spans[i] for i in fields[2:] if i in spans]
                if parts:
                    key = (min(s for s, _ in parts), max(e for _, e in parts))
                    best[key] = min(best.get(key, (len(fields) - 2, "~")), (len(fields) - 2, _FACTRU_TYPES[fields[1]]))
        gold = {(s, e, typ) for (s, e), (_, typ) in best.items()}
        n_sentences = len(re.findall(r"[.!?…](?:\s|$)|\n\s*\n", text)) or 1
        out.append(GoldText(txt.stem, text, _outermost(gold), n_sentences))
    return out


def _iob_sentences(path: Path) -> list[list[tuple[str, str]]]:
    sentences: list[list[tuple[str, str]]] = []
    current: list[tuple[str, str]] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2:
            current.append((parts[0], parts[-1]))
        elif current:
            sentences.append(current)
            current = []
    if current:
        sentences.append(current)
    return sentences


def load_neruk(path: Path, block: int = _BLOCK) -> list[GoldText]:
    """ner-uk IOB sentences, ``block`` to a text, with their PER/ORG/LOC spans."""
    from osintkit.training.datasets import bio_spans

    sentences = _iob_sentences(path)
    out = []
    for b in range(0, len(sentences), block):
        lines, gold, pos = [], set(), 0
        for sentence in sentences[b : b + block]:
            tokens = [t for t, _ in sentence]
            offsets = []
            for tok in tokens:
                offsets.append((pos, pos + len(tok)))
                pos += len(tok) + 1
            for s, e, typ in bio_spans([tag for _, tag in sentence]):
                if typ in _NERUK_TYPES:
                    gold.add((offsets[s][0], offsets[e - 1][1], _NERUK_TYPES[typ]))
            lines.append(" ".join(tokens))
        out.append(GoldText(f"block-{b // block}", "\n".join(lines), gold, len(lines)))
    return out


def score(
    texts: Sequence[GoldText], tagger: Callable[[str], list[Mention]]
) -> tuple[set[tuple[int, int, int, str]], set[tuple[int, int, int, str]], dict[int, str], float]:
    """(gold, predicted, document of each key, seconds) with spans keyed by the text's index."""
    gold, pred, doc_of = set(), set(), {}
    t0 = time.perf_counter()
    for i, gt in enumerate(texts):
        doc_of[i] = gt.id
        gold |= {(i, s, e, t) for s, e, t in gt.spans}
        pred |= {(i, m.start, m.end, TYPE_OF[m.label]) for m in tagger(gt.text) if m.label in TYPE_OF}
    return gold, pred, doc_of, time.perf_counter() - t0


def language_id_rows() -> list[dict[str, Any]]:
    """Accuracy of :func:`osintkit.text.detect_language` per language on the shared short texts."""
    from benchmarks.langid_samples import SAMPLES
    from osintkit.text import detect_language

    detect_language(SAMPLES[0][1])  # the model's load is not part of the speed
    per: dict[str, list[int]] = {}
    wrong: list[str] = []
    t0 = time.perf_counter()
    for lang, text in SAMPLES:
        got = detect_language(text)
        per.setdefault(lang, [0, 0])[0] += got == lang
        per[lang][1] += 1
        if got != lang:
            wrong.append(f"{lang}->{got}")
    ms = 1000 * (time.perf_counter() - t0) / len(SAMPLES)
    right = sum(r for r, _ in per.values())
    rows = [_row(f"language ID accuracy, {len(SAMPLES)} one-sentence texts in {len(per)} languages",
                 f"{right}/{len(SAMPLES)}", ">= 15 languages")]  # fmt: skip
    table = " ".join(f"{k}:{r}/{n}" for k, (r, n) in sorted(per.items()))
    rows.append(_row("  language ID per language (right/texts)", table))
    rows.append(_row("  language ID misread", ", ".join(wrong) or "none"))
    rows.append(_row("  language ID ms per text", round(ms, 2)))
    return rows


def english_paired_rows(quick: bool = False) -> list[dict[str, Any]]:
    """English entity F1 with the Ukrainian/Russian layer active and bypassed, on the same documents, paired."""
    import copy

    from osintkit.entities import default_model, tag_many
    from osintkit.training.datasets import bootstrap_f1, data_root, load_corpus, resampling_unit, score_sets
    from osintkit.training.evaluate import NEWS_LIKE, tag_sets

    root = data_root()
    if not (root / "ner").is_dir():
        return [_row("English paired", "skipped: English test sets not found (set OSINTKIT_DATA)")]
    active = default_model()
    bypassed = copy.copy(active)
    bypassed.languages = None  # no declared languages: no identification, no routing, no filtering
    gold: set[tuple[int, int, int, str]] = set()
    with_layer: set[tuple[int, int, int, str]] = set()
    without: set[tuple[int, int, int, str]] = set()
    doc_of: dict[int, str] = {}
    seconds = {"active": 0.0, "bypassed": 0.0}
    for k, name in enumerate(NEWS_LIKE):
        sents = load_corpus(name, "test", root)
        if quick:
            sents = sents[:80]
        doc_of.update({k * 10**6 + i: resampling_unit(s) for i, s in enumerate(sents)})
        for label, em, into in (("active", active, with_layer), ("bypassed", bypassed, without)):
            t0 = time.perf_counter()
            g, p = tag_sets(lambda texts, em=em: tag_many(texts, model=em, batch_size=128), sents, k * 10**6)
            seconds[label] += time.perf_counter() - t0
            gold |= g
            into |= p
    f_on = score_sets(gold, with_layer)["micro"]["f1"]
    f_off = score_sets(gold, without)["micro"]["f1"]
    lo, hi = bootstrap_f1(gold, with_layer, doc_of, versus=without)
    docs = len(set(doc_of.values()))
    return [
        _row("en micro-F1 PER/ORG/LOC, osintkit.tag, uk/ru layer active (wikigold+re3d test)", round(f_on, 3)),
        _row("  en micro-F1, uk/ru layer bypassed (same documents)", round(f_off, 3)),
        _row(
            f"  en difference active - bypassed, paired 95% interval ({docs} documents)",
            f"{lo:+.3f} to {hi:+.3f}",
            ">= 0 (English not lower)",
        ),
        _row("  en spans that differ between the two", len(with_layer ^ without)),
        _row("  en seconds, active / bypassed", f"{seconds['active']:.1f} / {seconds['bypassed']:.1f}"),
    ]


def run(quick: bool = False, errors: str | None = None) -> list[dict[str, Any]]:
    rows = language_id_rows()
    rows += english_paired_rows(quick)
    return rows + _slavic_rows(quick, errors)


def _half_rows(
    lang: str, gold: set[tuple[int, int, int, str]], pred: set[tuple[int, int, int, str]]
) -> list[dict[str, Any]]:
    """micro-F1 and per-type F1 on the even-numbered texts (where errors were read) and the odd ones (held out)."""
    from osintkit.training.datasets import score_sets

    rows = []
    for name, parity in (("even texts (rules chosen on them)", 0), ("odd texts (held out)", 1)):
        sc = score_sets({g for g in gold if g[0] % 2 == parity}, {p for p in pred if p[0] % 2 == parity})
        per_type = " ".join(f"{typ} {sc[typ]['f1']:.3f}" for typ in ("PER", "ORG", "LOC"))
        rows.append(_row(f"  {lang} {name}: micro-F1, {per_type}", round(sc["micro"]["f1"], 3)))
    return rows


def write_errors(
    path: Path, texts: Sequence[GoldText], gold: set[tuple[int, int, int, str]], pred: set[tuple[int, int, int, str]]
) -> None:
    """Missed (FN) and spurious (FP) spans, each with the other side's overlapping spans and its context."""
    lines = []
    for kind, mine, other in (("FN", gold - pred, pred), ("FP", pred - gold, gold)):
        for i, s, e, typ in sorted(mine):
            text = texts[i].text
            near = [(text[os:oe], ot) for oi, os, oe, ot in other if oi == i and os < e and s < oe]
            context = text[max(0, s - 50) : e + 30].replace("\n", " / ")
            lines.append(f"{kind} {typ} {texts[i].id} [{text[s:e]}] other={near} :: {context}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def _slavic_rows(quick: bool = False, errors: str | None = None) -> list[dict[str, Any]]:
    from osintkit.entities.slavic import slavic_mentions
    from osintkit.training.datasets import bootstrap_f1, data_root, score_sets

    root = data_root() / "ner-ukru"
    if not root.is_dir():
        return [_row("all", "skipped: ner-ukru data not found (set OSINTKIT_DATA)")]
    from osintkit.entities import tag

    sets = {
        "ru": load_factru(root / "factRuEval-2016-devset"),
        "uk": load_neruk(root / "ner-uk-v2" / "train.iob"),
    }
    targets = {"ru": ">= 0.85", "uk": ">= 0.75"}
    rows: list[dict[str, Any]] = []
    slavic_mentions("Прогрев.", "ru")  # the model's load is not part of the speed
    for lang, texts in sets.items():
        if quick:
            texts = texts[: 20 if lang == "ru" else 8]
        name = "factRuEval-2016 devset" if lang == "ru" else "ner-uk 2.0 DEV"
        n_sentences = sum(t.sentences for t in texts)

        def full(text: str, lang: str = lang) -> list[Mention]:
            return tag(text)

        def alone(text: str, lang: str = lang) -> list[Mention]:
            return slavic_mentions(text, lang, repair=False)  # natasha as it comes

        gold, pred, doc_of, seconds = score(texts, full)
        sc = score_sets(gold, pred)
        lo, hi = bootstrap_f1(gold, pred, doc_of)
        m = sc["micro"]
        rows.append(_row(f"{lang} micro-F1 PER/ORG/LOC, osintkit.tag ({name}, {len(texts)} texts)",
                         round(m["f1"], 3), targets[lang]))  # fmt: skip
        rows.append(_row(f"  {lang} 95% interval, {len(texts)} texts resampled", f"{lo:.3f}-{hi:.3f}"))
        rows.append(_row(f"  {lang} micro P/R (n={int(m['support'])})", f"{m['precision']:.3f}/{m['recall']:.3f}"))
        for typ in ("PER", "ORG", "LOC"):
            t = sc[typ]
            rows.append(_row(f"  {lang} {typ} P/R/F1", f"{t['precision']:.3f}/{t['recall']:.3f}/{t['f1']:.3f}"))
        rows += _half_rows(lang, gold, pred)
        if errors:
            write_errors(Path(f"{errors}.{lang}"), texts, gold, pred)
        rows.append(_row(f"  {lang} sentences/s, osintkit.tag (1 text at a time)", round(n_sentences / seconds, 1)))
        bgold, bpred, _, bseconds = score(texts, alone)
        base = score_sets(bgold, bpred)["micro"]["f1"]
        dlo, dhi = bootstrap_f1(gold, pred, doc_of, versus=bpred)
        rows.append(_row(f"  {lang} baseline: natasha alone, micro-F1", round(base, 3)))
        rows.append(_row(f"  {lang} gain over natasha alone, paired 95% interval", f"{dlo:+.3f} to {dhi:+.3f}"))
        rows.append(_row(f"  {lang} sentences/s, natasha alone", round(n_sentences / bseconds, 1)))
    return rows


def main() -> None:
    errors = sys.argv[sys.argv.index("--errors") + 1] if "--errors" in sys.argv[:-1] else None
    rows = run(quick="--quick" in sys.argv, errors=errors)
    width = max(len(r["metric"]) for r in rows)
    for r in rows:
        print(f"{r['benchmark']:<6} {r['metric']:<{width}}  {r['value']!s:>18}  target {r['target']}")


if __name__ == "__main__":
    main()
