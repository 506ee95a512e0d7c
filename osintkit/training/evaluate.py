"""Scoring a tagger on held-out documents: each set's sentences joined into the texts a researcher would tag, and
the predicted and gold spans as comparable sets. Shared by ``benchmarks.bench_tagging`` and :mod:`.compare`.
"""

from __future__ import annotations

from typing import Any

from osintkit.entities.spans import bio_spans
from osintkit.training.datasets import RUNNING_TEXT, resampling_unit

__all__ = ["NEWS_LIKE", "TYPE_OF", "as_texts", "documents", "predict_sets", "tag_sets"]

NEWS_LIKE = ("wikigold", "re3d")
TYPE_OF = {"PERSON": "PER", "ORG": "ORG", "LOC": "LOC"}


def as_texts(sents: list[Any]) -> tuple[list[str], list[set[tuple[int, int, int, str]]]]:
    texts, golds = [], []
    for i, s in enumerate(sents):
        if s.text is not None and s.offsets is not None:
            text, offsets = s.text, s.offsets  # running text as written (re3d)
        else:
            offsets, pos = [], 0
            for tok in s.tokens:
                offsets.append((pos, pos + len(tok)))
                pos += len(tok) + 1
            text = " ".join(s.tokens)
        texts.append(text)
        golds.append({(i, offsets[a][0], offsets[b - 1][1], t) for a, b, t in bio_spans(s.tags)})
    return texts, golds


def documents(sents: list[Any]) -> tuple[list[str], list[list[tuple[int, int]]]]:
    """The texts to tag: for sets of running text, each article (or block) as one text, its sentences on lines of
    their own; a tweet or a WikiANN sentence alone. With each text, its sentences' (index, offset in the text)."""
    texts, _ = as_texts(sents)
    docs: dict[str, list[int]] = {}
    for i, s in enumerate(sents):
        docs.setdefault(resampling_unit(s) if s.source in RUNNING_TEXT else f"sentence-{i}", []).append(i)
    out_texts, out_offsets = [], []
    for members in docs.values():
        offsets, pos = [], 0
        for i in members:
            offsets.append((i, pos))
            pos += len(texts[i]) + 1
        out_texts.append("\n".join(texts[i] for i in members))
        out_offsets.append(offsets)
    return out_texts, out_offsets


def tag_sets(
    predict: Any, sents: list[Any], key: int
) -> tuple[set[tuple[int, int, int, str]], set[tuple[int, int, int, str]]]:
    """(gold, predicted) spans as (sentence key, start, end, type), tagging whole documents with ``predict`` (texts to
    mention lists) as a researcher would; ``key`` keeps sets from different corpora apart."""
    _, golds = as_texts(sents)
    gold = {(key + i, s, e, t) for g in golds for (i, s, e, t) in g}
    doc_texts, offsets = documents(sents)
    pred: set[tuple[int, int, int, str]] = set()
    for sentence_offsets, mentions in zip(offsets, predict(doc_texts), strict=True):
        for m in mentions:
            if m.label in TYPE_OF:
                i, base = max((o for o in sentence_offsets if o[1] <= m.start), key=lambda o: o[1])
                pred.add((key + i, m.start - base, m.end - base, TYPE_OF[m.label]))
    return gold, pred


def predict_sets(
    model: Any, sents: list[Any], key: int
) -> tuple[set[tuple[int, int, int, str]], set[tuple[int, int, int, str]]]:
    """(gold, predicted) spans of the model alone (no rules, no gazetteer); see :func:`tag_sets`."""
    return tag_sets(lambda texts: model.predict(texts, batch_size=128), sents, key)
