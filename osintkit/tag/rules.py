"""Rule-based mentions: DATE, QUANTITY and NORP, the labels the model does not tag.

Rules run first on dates, so a number inside a date ("11 January 2025", "two weeks ago") is never also a quantity;
then quantities; then demonyms. The three never overlap each other. Every mention's ``text`` is the original
``text[start:end]``. Span conventions are documented in :mod:`.dates` (no preposition: "on Saturday" → "Saturday")
and :mod:`.quantities` (the number only; what it counts is in ``norm``).
"""

from __future__ import annotations

from datetime import date

from ..model import Mention
from .dates import date_mentions
from .demonyms import demonym_country, demonym_mentions
from .quantities import SpanSet, quantity_mentions

__all__ = ["demonym_country", "rule_mentions"]


def rule_mentions(text: str, published: str | None = None) -> list[Mention]:
    """DATE, QUANTITY and NORP mentions in ``text``, sorted by position.

    ``published`` (ISO 8601) anchors relative dates; without it they are tagged but left unresolved.
    """
    anchor: str | date | None = published
    dates = date_mentions(text, anchor)
    quantities = quantity_mentions(text, skip=[(m.start, m.end) for m in dates])
    taken = SpanSet((m.start, m.end) for m in [*dates, *quantities])
    norps = [m for m in demonym_mentions(text) if not taken.overlaps(m.start, m.end)]
    out = sorted([*dates, *quantities, *norps], key=lambda m: (m.start, m.end))
    return out
