"""Rule-based mentions: DATE, QUANTITY, NORP, VESSEL, EVENT, LAW and AWARD, the labels the model does not tag, plus
national institutions.

Rules run first on dates, so a number inside a date ("11 January 2025", "two weeks ago") is never also a quantity;
then named events, laws and awards ("World War II", "Resolution 2231"; a demonym inside one, "Korean War", is part
of the name, not a NORP of its own); then quantities; then demonyms. These never overlap each other. A demonym
followed by a state institution ("Ukrainian security service", "South Korean intelligence services") is also an ORG,
with the NORP kept inside it: news names agencies that way in lower case, which the uncased model misses. Every
mention's ``text`` is the original ``text[start:end]``. Span conventions are documented in :mod:`.dates` (no
preposition: "on Saturday" → "Saturday"), :mod:`.quantities` (the number only; what it counts is in ``norm``) and
:mod:`.events` (the name without a possessive or a leading "The").
"""

from __future__ import annotations

import re
from datetime import date

from ..model import Mention
from .dates import date_mentions
from .demonyms import demonym_country, demonym_mentions
from .events import event_mentions
from .quantities import SpanSet, quantity_mentions
from .vessels import vessel_mentions

__all__ = ["demonym_country", "institution_mentions", "rule_mentions"]

# Heads that name one national body. Adjectival heads ("military", "government", "army") are left out on purpose:
# "Russian military outfits" and "the Russian government said" would need a parser to tell apart.
_INSTITUTION = re.compile(
    r"\s+((?:state|national|federal|foreign|domestic|military)\s+)?"
    r"(security\s+services?|intelligence\s+(?:services?|agency|agencies)|(?:defen[cs]e|foreign|interior|justice)"
    r"\s+ministry|ministry\s+of\s+(?:defen[cs]e|foreign\s+affairs|internal\s+affairs|justice)|general\s+staff|"
    r"armed\s+forces|border\s+(?:guard|service)|coast\s+guard|national\s+guard|central\s+bank|parliament)\b",
    re.IGNORECASE,
)


def rule_mentions(text: str, published: str | None = None) -> list[Mention]:
    """DATE, QUANTITY, NORP, VESSEL, EVENT, LAW and AWARD mentions in ``text``, sorted by position.

    ``published`` (ISO 8601) anchors relative dates; without it they are tagged but left unresolved.
    """
    anchor: str | date | None = published
    dates = date_mentions(text, anchor)
    taken = SpanSet((m.start, m.end) for m in dates)
    events = [m for m in event_mentions(text) if not taken.overlaps(m.start, m.end)]
    # "Resolution 2231" and "World War II" hold numbers that count nothing.
    quantities = quantity_mentions(text, skip=[(m.start, m.end) for m in [*dates, *events]])
    taken = SpanSet((m.start, m.end) for m in [*dates, *events, *quantities])
    norps = [m for m in demonym_mentions(text) if not taken.overlaps(m.start, m.end)]
    orgs = [m for m in institution_mentions(text, norps) if not taken.overlaps(m.start, m.end)]
    vessels = [m for m in vessel_mentions(text) if not taken.overlaps(m.start, m.end)]
    out = sorted([*dates, *events, *quantities, *norps, *orgs, *vessels], key=lambda m: (m.start, m.end))
    return out


def institution_mentions(text: str, norps: list[Mention]) -> list[Mention]:
    """ORG mentions for a demonym followed by a state institution: "Ukrainian security service"."""
    out = []
    for norp in norps:
        match = _INSTITUTION.match(text, norp.end)
        if match is None:
            continue
        out.append(
            Mention(
                start=norp.start,
                end=match.end(),
                text=text[norp.start : match.end()],
                label="ORG",
                score=1.0,
                source="rule",
                norm={
                    "country_code": norp.norm.get("country_code"),
                    "institution": " ".join(match.group(2).lower().split()),
                    "why": "demonym + state institution",
                },
            )
        )
    return out
