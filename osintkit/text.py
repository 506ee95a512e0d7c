"""Small text utilities shared by the loaders, the tagger and the claim extractor."""

from __future__ import annotations

import re
from collections import Counter

__all__ = ["detect_language", "sentence_at", "split_sentences"]

# Abbreviations that end in a period but do not end a sentence in news text.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "gov", "sen", "rep", "pres",
    "st", "mt", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "approx", "est", "fig", "dept",
}  # fmt: skip

# A candidate boundary: terminal punctuation and optional closing quotes/brackets. Whitespace usually follows; when
# it does not ("in the region.The ministry said"), _glued_boundary decides.
_BOUNDARY = re.compile(r"[.!?…]+[\"'”’)\]]*")
_NEXT_START = re.compile(r"\s+[\"'“‘(\[]*[A-Z0-9\u0400-\u04FF]")
# A sentence glued to the previous one starts with a capitalised word of lower-case letters, which a domain's next
# label ("Kyiv.ua", "t.co"), a decimal ("3.5") or a run of initials ("J.R.R.") never does; a word that runs on into
# another label or a path ("news.Yahoo.com", "x.com/Some") is part of an address.
_GLUED_NEXT = re.compile(
    r"[“‘\"(\[]?[A-Z\u0400-\u042F\u0490\u0404\u0406\u0407][a-z\u0430-\u045F\u0491’']+(?![\w/@-]|\.\w)"
)
_ADDRESS = re.compile(r"(?:/|@|\bwww\.|^https?:)", re.IGNORECASE)


def _glued_boundary(line: str, start: int, punct_at: int, end: int) -> bool:
    """Whether punctuation with no space after it still ends a sentence."""
    if not _GLUED_NEXT.match(line, end):
        return False
    token_from = max(line.rfind(" ", start, punct_at), line.rfind("\t", start, punct_at)) + 1
    token = line[max(token_from, start) : punct_at]
    if not token or _ADDRESS.search(token):
        return False
    last = token.rstrip("\"'”’)]").rsplit(".", 1)[-1].lstrip("\"'“‘([")
    if last.lower() in _ABBREVIATIONS or token.lower().rstrip("\"'”’)]") in _ABBREVIATIONS:
        return False
    if line[end] in '“‘"':
        # An initial is never followed by an opening quote: 'wrote on X.“We will' ends at the X.
        return bool(re.fullmatch(r"[^\W_]+", last)) or token[-1:] in "\"'”’)]"
    if re.fullmatch(r"(?:[A-Za-z]\.)*[A-Za-z]", token):  # initials and "e.g", "U.S"
        return False
    # A word of two letters or more, or a figure, ends the sentence; a lone letter is an initial.
    return bool(re.fullmatch(r"[^\W\d_]{2,}|\d+", last)) or token[-1:] in "\"'”’)]"


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Character spans of sentences, whitespace trimmed. Line breaks always end a sentence.

    Rule-based on purpose: it is fast, deterministic and good enough for news prose; spans index ``text`` exactly.
    Text pasted without a space after full stops ("in the region.The ministry said") still splits there, but not
    inside "U.S.", "e.g.", "3.5", "t.co" or "Kyiv.ua".
    """
    out: list[tuple[int, int]] = []
    for block in re.finditer(r"[^\n]+", text):
        base, line = block.start(), block.group()
        pieces: list[tuple[int, int]] = []
        start = 0
        for match in _BOUNDARY.finditer(line):
            end = match.end()
            if end < len(line) and not line[end].isspace():
                if _glued_boundary(line, start, match.start(), end):
                    pieces.append((start, end))
                    start = end
                continue
            word = re.search(r"([\w.]+)[.!?…]+[\"'”’)\]]*$", line[start:end])
            if word and match.group().startswith("."):
                token = word.group(1)
                if token.lower().rstrip(".") in _ABBREVIATIONS:
                    continue
                if re.fullmatch(r"(?:[A-Z]\.)*[A-Z]", token):  # initials: "John F. Kennedy", "J.R.R. Tolkien"
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


# --- language ----------------------------------------------------------------------------------------------------

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset("the and of to in is that for it was on with as by are this from be at have has".split()),
    "de": frozenset("der die und das ist nicht ein eine zu den mit von sich des auf für im dem".split()),
    "fr": frozenset("le la les et des est une un du que dans pour pas qui sur au avec ce".split()),
    "es": frozenset("el la los las y de que en un una es por con para del se no al".split()),
    "it": frozenset("il lo la gli le e di che un una è per con non del della sono".split()),
    "pt": frozenset("o a os as e de que em um uma é para com não do da no na".split()),
    "nl": frozenset("de het een en van is dat op te in niet met voor zijn".split()),
    "ru": frozenset("и в не на что он с как по это к но из у за от же".split()),
    "uk": frozenset("і в не на що він з як по це до але із у за від та й".split()),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


_SCRIPTS: tuple[tuple[str, re.Pattern[str], float], ...] = (
    ("ko", re.compile(r"[\uac00-\ud7af\u1100-\u11ff]"), 0.3),
    ("ja", re.compile(r"[\u3040-\u30ff]"), 0.1),
    ("zh", re.compile(r"[\u4e00-\u9fff]"), 0.3),
    ("ar", re.compile(r"[\u0600-\u06ff]"), 0.3),
    ("he", re.compile(r"[\u0590-\u05ff]"), 0.3),
    ("el", re.compile(r"[\u0370-\u03ff]"), 0.3),
)
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
_UK_LETTERS = re.compile(r"[іїєґІЇЄҐ]")
_NON_LATIN = re.compile(r"[\u0370-\uffff]")


def detect_language(text: str) -> str | None:
    """A cheap guess (script, then stop words) from the first 1,500 characters; None when unsure.

    Regexes do the counting in C: this runs once per document on 10,000-document batches.
    """
    sample = text[:1500].lower()
    words = _WORD.findall(sample)
    n = sum(map(len, words))
    if n < 20 or len(words) < 5:
        return None
    cyrillic = False
    if not sample.isascii() and len(_NON_LATIN.findall(sample)) > n * 0.1:
        for lang, pattern, share in _SCRIPTS:
            if len(pattern.findall(sample)) > n * share:
                return lang
        cyrillic = len(_CYRILLIC.findall(sample)) > n * 0.3
        if cyrillic and _UK_LETTERS.search(sample):
            return "uk"
    counts = Counter(words)
    total = len(words)
    candidates = ("ru", "uk") if cyrillic else ("en", "de", "fr", "es", "it", "pt", "nl")
    scores = {lang: sum(counts[w] for w in _STOPWORDS[lang] if w in counts) for lang in candidates}
    best = max(scores, key=lambda k: scores[k])
    if scores[best] < max(2, total // 40):
        return None
    return best
