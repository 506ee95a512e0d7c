"""Small text utilities shared by the tagger and the claim extractor."""

from __future__ import annotations

import re

__all__ = ["sentence_at", "split_sentences"]

# Abbreviations that end in a period but do not end a sentence in news text.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "gov", "sen", "rep", "pres",
    "st", "mt", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "approx", "est", "fig", "dept",
}  # fmt: skip

# A candidate boundary: terminal punctuation, optional closing quotes/brackets, then whitespace.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*(?=\s)")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9\u0400-\u04FF]")


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences, whitespace trimmed. Line breaks always end a sentence.

    Rule-based on purpose: it is fast, deterministic and good enough for news prose; spans index ``text`` exactly.
    """
    out: list[tuple[int, int]] = []
    for block in re.finditer(r"[^\n]+", text):
        base, line = block.start(), block.group()
        pieces: list[tuple[int, int]] = []
        start = 0
        for match in _BOUNDARY.finditer(line):
            end = match.end()
            word = re.search(r"([\w.]+)[.!?…]+[\"'”’)\]]*$", line[start:end])
            if word and match.group().startswith("."):
                token = word.group(1)
                if token.lower().rstrip(".") in _ABBREVIATIONS:
                    continue
                if re.fullmatch(r"[A-Z]", token):  # an initial, as in "John F. Kennedy"
                    continue
            if not _NEXT_START.match(line, end):
                continue
            pieces.append((start, end))
            start = end
        pieces.append((start, len(line)))
        for s, e in pieces:
            seg = line[s:e]
            lead = len(seg) - len(seg.lstrip())
            trail = len(seg) - len(seg.rstrip())
            if e - trail > s + lead:
                out.append((base + s + lead, base + e - trail))
    return out


def sentence_at(text: str, offset: int) -> tuple[int, int]:
    """The span of the sentence containing ``offset`` (or the nearest one before it)."""
    best = (0, len(text))
    for s, e in split_sentences(text):
        if s <= offset < e:
            return (s, e)
        if s <= offset:
            best = (s, e)
    return best
