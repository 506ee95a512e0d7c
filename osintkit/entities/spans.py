"""Words and entity spans: the tagger's word split, IOB2 spans, their repair and tidying, and merging mentions.

Tagging works on words, not word pieces: sentences are split into words (:func:`word_spans`, each a character span of
the original text), the model labels each word, and the labels become spans here. Mention offsets are therefore
always spans of the original text. The training corpus readers (:mod:`osintkit.training.datasets`) use the same word
split and span reader, so training and tagging read text alike.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from osintkit.model import Mention

__all__ = ["bio_spans", "merge_mentions", "repair_iob2", "tidy_spans", "word_spans"]

# Close to CoNLL/PTB conventions: "U.S." and "11,000" stay whole, possessive "'s" and punctuation split off.
_WORD = re.compile(
    r"(?:[^\W\d_]\.){2,}"  # abbreviations with dots: U.S., e.g.
    r"|\d+(?:[.,:/]\d+)*"  # numbers with separators
    r"|['’][sS](?!\w)"  # possessive 's
    r"|[^\W_]+(?:[-'’&][^\W_]+)*(?<!['’][sS])"  # words, with internal hyphen/apostrophe/ampersand
    r"|[^\W_]+"  # fallback when the lookbehind rejected a word ending in 's
    r"|\S"  # any other visible character on its own
)


def word_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Character spans of the words in ``text[start:end]``; every span indexes ``text`` itself."""
    stop = len(text) if end is None else end
    out: list[tuple[int, int]] = []
    for m in _WORD.finditer(text, start, stop):
        s, e = m.span()
        w = text[s:e]
        # The greedy word rule can swallow a trailing possessive ("Russia's"): split it back off.
        if len(w) > 2 and w[-2] in "'’" and w[-1] in "sS" and w[-3].isalnum():
            out.append((s, e - 2))
            out.append((e - 2, e))
        else:
            out.append((s, e))
    return out


def bio_spans(tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Entity spans (start, end exclusive, type) from IOB2 tags, read as seqeval's default mode does.

    An ``I-X`` that follows ``O`` or another type starts a new entity (lenient), matching seqeval's default.
    """
    spans: list[tuple[int, int, str]] = []
    start, typ = -1, ""
    for i, tag in enumerate([*tags, "O"]):
        boundary = tag == "O" or tag.startswith("B-") or (tag.startswith("I-") and tag[2:] != typ)
        if boundary and start >= 0:
            spans.append((start, i, typ))
            start, typ = -1, ""
        if tag != "O" and (tag.startswith("B-") or start < 0):
            start, typ = i, tag[2:]
    return spans


def repair_iob2(tags: Sequence[str]) -> list[str]:
    """Make a predicted tag sequence valid IOB2: an I-X with no open X entity starts one."""
    out: list[str] = []
    prev = "O"
    for tag in tags:
        if tag.startswith("I-") and (prev == "O" or prev[2:] != tag[2:]):
            tag = "B-" + tag[2:]
        out.append(tag)
        prev = tag
    return out


# Lowercase words that join the parts of a name ("Bosnia and Herzegovina", "Church of the Nativity") or mark its
# owner ("Bush 's"), and so can never be its last word.
_NAME_JOINERS = frozenset({"of", "and", "&", "for", "the", "at", "de", "in", "on", "to", "'s", "’s"})
# Joiners that may stand between two parts of one name.
_NAME_LINKS = frozenset({"and", "&", "of", "de"})
_ARTICLES = frozenset({"the", "a", "an"})
# Ranks and offices, which the model sometimes tags on their own ("Brigadier" ORG before "General Gerald A. Daniel",
# "Captain" PER). Words that are also common surnames (Major, King, Prince) are left out. At the end of a longer
# span they stay: "U.S. Representative" and "Attorney General" are offices that WikiANN and GMB mark whole.
_ROLE_WORDS = frozenset(
    """brigadier general colonel lieutenant captain sergeant corporal admiral commander commodore marshal senator
    representative congressman congresswoman secretary minister president governor ambassador mayor chancellor
    envoy mp mpp mep lt col gen capt sgt cpl adm cmdr maj sen rep gov""".split()
)


def _is_role(word: str) -> bool:
    """A rank or office: "Captain", "Gen.", "Secretary-General", "Lt.-Col."."""
    return all(part.rstrip(".").lower() in _ROLE_WORDS for part in word.split("-"))


def tidy_spans(words: Sequence[str], spans: Iterable[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Model spans (word start, word end, type) with the decoder's recurring shape errors mended.

    Why: in news text the model sometimes ends a name on a joining word ("Capitol Hill Station of", "Bush 's") or
    splits a name at one ("Bosnia and" LOC, then "Herzegovina" LOC), and tags a lowercase common word as a name
    ("the woods", the "s" of "1960s", the "t" of "t.co"). A trailing joiner is cut; two spans of one type that a
    single linking word separates are one name. A lowercase span is dropped only when it is a single letter or
    follows an article: lowercase names are common in posts ("thanks obama", "back to korea"), so lowercase alone
    is not evidence (dropping every lowercase span cost 6 points of F1 on WNUT-17 dev). A span of nothing but ranks,
    offices or an article ("Brigadier", "Captain", the "The" of "The Hockey News") is not a name either.
    """
    out: list[tuple[int, int, str]] = []
    trimmed_end = -1  # where the previous kept span ended before its joiners were cut
    for s, e, typ in spans:
        text = " ".join(words[s:e])
        lowercase = text.lower() == text and text.upper() != text
        if lowercase and (len(text) == 1 or (s > 0 and words[s - 1].lower() in _ARTICLES)):
            continue
        if all(_is_role(word) or word.lower() in _ARTICLES for word in words[s:e]):
            continue
        end = e
        while end > s and words[end - 1] in _NAME_JOINERS:
            end -= 1
        if end == s:
            continue
        if out and out[-1][2] == typ and trimmed_end == s and out[-1][1] == s - 1 and words[s - 1] in _NAME_LINKS:
            out[-1] = (out[-1][0], end, typ)
        else:
            out.append((s, end, typ))
        trimmed_end = e
    return out


_SOURCE_RANK = {"rule": 0, "gazetteer": 1, "model": 2}


def merge_mentions(*groups: Iterable[Mention]) -> list[Mention]:
    """Resolve overlaps between sources; the result is sorted by start.

    Policy: the longer span wins ("Russia's Far East" from the gazetteer replaces the model's "Russia" and "Far
    East"; the model's ORG "Ukrainian Security Service" keeps its "Ukrainian" over a NORP rule mention). On equal
    length a rule beats the gazetteer, which beats the model (rules are exact about their types, so the demonym
    "Iraqi" stays NORP even when the model calls it LOC); then the higher score wins. Rule mentions never displace
    each other (a QUANTITY may contain a NORP); the rules module keeps its own mentions consistent.
    """
    cands = [m for g in groups for m in g if m.end > m.start]
    cands.sort(key=lambda m: (-(m.end - m.start), _SOURCE_RANK.get(m.source, 3), -m.score, m.start))
    # Character coverage instead of comparing every pair: a document carries hundreds of mentions, and the pairwise
    # check was the slowest step after the model. A rule mention clashes only with kept non-rule mentions; any
    # other mention clashes with anything kept. An identical mention is a duplicate and dropped either way.
    size = max((m.end for m in cands), default=0)
    covered_by_any, covered_by_non_rule = bytearray(size), bytearray(size)
    seen: set[tuple[int, int, str, str]] = set()
    kept: list[Mention] = []
    for m in cands:
        key = (m.start, m.end, m.label, m.source)
        covered = covered_by_non_rule if m.source == "rule" else covered_by_any
        if key in seen or 1 in covered[m.start : m.end]:
            continue
        seen.add(key)
        kept.append(m)
        covered_by_any[m.start : m.end] = b"\x01" * (m.end - m.start)
        if m.source != "rule":
            covered_by_non_rule[m.start : m.end] = b"\x01" * (m.end - m.start)
    kept.sort(key=lambda m: (m.start, -m.end, m.label))
    return kept
