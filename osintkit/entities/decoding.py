"""From per-piece label scores to one valid label per word: the label scheme, its allowed transitions, and Viterbi.

Each word takes the label of its first word piece. Per-word argmax can produce "B-PER I-LOC I-ORG" over one name,
which naive repair splits into three entities of different types, so an invalid argmax sequence is decoded again
as the most probable valid one. Training's dev evaluation decodes through :class:`LabelDecoder` too, so its scores
match the tagger's.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import torch

__all__ = ["LabelDecoder", "label_type"]


def label_type(label: str) -> tuple[str, str]:
    """("B"|"I"|"O", type) from a model label such as "B-PER", "I-ORG", "O" or a bare "PER"."""
    if label in ("O", "") or label.upper() == "OUTSIDE":
        return "O", ""
    if len(label) > 2 and label[1] in "-_" and label[0].upper() in "BIES":
        prefix = "B" if label[0].upper() in "BS" else "I"
        return prefix, label[2:]
    return "I", label


class LabelDecoder:
    """A model's label list read as an entity scheme: which label may start a sequence or follow another."""

    def __init__(self, labels: Sequence[str]) -> None:
        self.labels = list(labels)
        self.parsed = [label_type(lab) for lab in self.labels]

    @functools.cached_property
    def may_follow(self) -> list[list[bool]]:
        """``[a][b]``: label b may follow label a. An I-X continues only an X entity, when the scheme has B-X."""
        begins = {typ for prefix, typ in self.parsed if prefix == "B"}
        return [
            [pb != "I" or tb not in begins or (ta == tb and pa != "O") for pb, tb in self.parsed]
            for pa, ta in self.parsed
        ]

    @functools.cached_property
    def may_start(self) -> list[bool]:
        o = next((i for i, (p, _) in enumerate(self.parsed) if p == "O"), None)
        return self.may_follow[o] if o is not None else [True] * len(self.labels)

    def valid(self, labels: list[int]) -> bool:
        ok, start = self.may_follow, self.may_start
        return not labels or (start[labels[0]] and all(ok[a][b] for a, b in itertools.pairwise(labels)))

    def viterbi(self, rows: list[list[float]]) -> list[int]:
        """The most probable label sequence that is a valid entity sequence (``rows``: per-word log-probabilities).

        Runs only when the argmax sequence is invalid (it is optimal otherwise).
        """
        n_labels = len(self.labels)
        ok = self.may_follow
        score = [v if self.may_start[j] else -math.inf for j, v in enumerate(rows[0])]
        back: list[list[int]] = []
        for row in rows[1:]:
            ptr, new = [], []
            for b in range(n_labels):
                a = max((a for a in range(n_labels) if ok[a][b]), key=score.__getitem__, default=0)
                ptr.append(a)
                new.append(score[a] + row[b] if ok[a][b] else -math.inf)
            back.append(ptr)
            score = new
        best = max(range(n_labels), key=score.__getitem__)
        path = [best]
        for ptr in reversed(back):
            path.append(ptr[path[-1]])
        return path[::-1]

    def word_labels(
        self, word_ids: Sequence[int | None], pred: list[int], logp: torch.Tensor
    ) -> tuple[list[int], list[int], list[int]]:
        """(word indices, their label indices, their first pieces' positions) for the words that have pieces.

        Each word's label is read on its first piece. ``pred`` is the per-piece argmax, ``logp`` the per-piece
        log-probabilities. A word the tokenizer drops entirely (a zero-width space, a lone control character) has
        no piece and no label, so callers place labels by word index, never by list position.
        """
        words: list[int] = []
        firsts: list[int] = []
        prev: int | None = None
        for pos, wid in enumerate(word_ids):
            if wid is not None and wid != prev:
                words.append(wid)
                firsts.append(pos)
            prev = wid
        labels = [pred[pos] for pos in firsts]
        if not self.valid(labels):
            labels = self.viterbi(logp[firsts].tolist())
        return words, labels, firsts
