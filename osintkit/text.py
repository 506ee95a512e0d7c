"""Small text utilities shared by the loaders, the tagger and the claim extractor."""

from __future__ import annotations

import functools
import re
from typing import Any

__all__ = ["detect_language", "language_spans", "one_line", "sentence_at", "split_sentences"]

# Abbreviations that end in a period but do not end a sentence in news text.
_ABBREVIATIONS = {
    "mr", "mrs", "ms", "dr", "prof", "gen", "lt", "col", "maj", "capt", "sgt", "adm", "gov", "sen", "rep", "pres",
    "st", "mt", "no", "vs", "etc", "inc", "ltd", "co", "corp", "jr", "sr", "jan", "feb", "mar", "apr", "jun", "jul",
    "aug", "sep", "sept", "oct", "nov", "dec", "u.s", "u.k", "u.n", "e.g", "i.e", "approx", "est", "fig", "dept",
    # Ukrainian and Russian thousands and millions: "понад 4 тис. російських військових" is one sentence.
    "тис", "тыс", "млн", "млрд",
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


def one_line(text: str, limit: int) -> str:
    """``text`` on one line, whole if it fits in ``limit`` characters, else ended at a sentence or, failing that, a
    word, with " …" to say it goes on: labels in tables and reports never stop mid-word."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    ends = [end for _, end in split_sentences(text) if end <= limit]
    if ends:
        return text[: ends[-1]]
    space = text.rfind(" ", 0, limit - 1)  # room for the " …"
    return text[: space if space > 0 else limit - 2].rstrip(" ,;:–—-") + " …"


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

_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)
_LINE = re.compile(r"[^\n]+")
# Below this many letters a guess is a coin toss ("Reuters" reads as Acehnese, "ok" as Serbian), so none is made.
_MIN_LETTERS = 12
# py3langid's normalised probability under which the answer is None: on one-sentence news texts in 41 languages the
# right answer scored 0.62 (Chinese) to 1.0, while names and fragments scored under 0.15.
_MIN_PROBABILITY = 0.5


@functools.lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's naive Bayes model over byte n-grams, 97 languages, loaded once (0.7 to 1.4 s)."""
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def detect_language(text: str) -> str | None:
    """ISO 639-1 code of the language of the first 1,500 characters of ``text``; None when unsure or too short.

    py3langid (a maintained fork of langid.py) was chosen over lingua-language-detector and the stop-word counter
    that came before it, measured on one-sentence news texts in 21 languages (tests/test_text.py): py3langid 41/41 at
    0.5 ms a text, lingua 40/41 (Ukrainian read as Kazakh) at 4 ms after 25 s of loading, stop words 19/41 (Romanian,
    Polish, Turkish, Czech unrecognised; Bulgarian and Serbian read as Ukrainian).
    """
    sample = text[:1500]
    if sum(map(len, _WORD.findall(sample))) < _MIN_LETTERS:
        return None
    lang, probability = _identifier().classify(sample)
    return str(lang) if probability >= _MIN_PROBABILITY else None


def language_spans(text: str, default: str | None = None) -> list[tuple[int, int, str | None]]:
    """``(start, end, language)`` for each run of lines in one language, so that a post mixing Ukrainian and
    English is read part by part. A line too short to judge takes the language of the one before it (or
    ``default``, else the whole text's); neighbours in one language are joined. Spans index ``text``.
    """
    whole = default or detect_language(text)
    out: list[tuple[int, int, str | None]] = []
    for block in _LINE.finditer(text):
        lang = detect_language(block.group()) or (out[-1][2] if out else whole)
        if out and out[-1][2] == lang:
            out[-1] = (out[-1][0], block.end(), lang)
        else:
            out.append((block.start(), block.end(), lang))
    return out
