"""NORP tagging from a demonym table: "North Korean" → KP, "Ukrainians" → UA, "Kurds" → a group with no country.

The table (``data/demonyms.tsv``) holds one surface form per line, singular and plural, with the country's ISO 3166-1
alpha-2 code and its common English name; groups that are not one country (Kurds, Arabs, Sunnis, Europeans, and
"Korean", which could be either Korea) have empty code and name. Matching is case-sensitive because demonyms are
capitalised and many are also common words ("polish", "china"), and longest-first so "North Korean" never yields a
bare "Korean".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ..errors import InputError
from ..model import Mention

__all__ = ["Demonym", "demonym_country", "demonym_mentions", "demonym_pattern", "demonym_table"]

TABLE = "demonyms.tsv"


@dataclass(frozen=True)
class Demonym:
    form: str
    country_code: str | None
    country: str | None


@cache
def demonym_table() -> dict[str, Demonym]:
    """Surface form → :class:`Demonym`, read once from the shipped TSV."""
    text = (Path(__file__).parent / "data" / TABLE).read_text(encoding="utf-8")
    table: dict[str, Demonym] = {}
    for lineno, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 3 or not parts[0]:
            raise InputError("expected 3 tab-separated fields: demonym, code, country", path=TABLE, line=lineno)
        form, code, country = parts
        if code and not re.fullmatch(r"[A-Z]{2}", code):
            raise InputError(f"not an ISO 3166-1 alpha-2 code: {code!r}", path=TABLE, line=lineno, field="code")
        table[form] = Demonym(form, code or None, country or None)
    return table


@cache
def demonym_pattern() -> re.Pattern[str]:
    """Every demonym form in the table, longest first, as one regex (claims read nationalities with it too)."""
    forms = sorted(demonym_table(), key=len, reverse=True)
    # A hyphen may follow ("Russian-made") or precede ("pro-Russian"); a letter or digit may not.
    # The leading lookahead gives the regex engine a character class to skip ahead with: 5x faster.
    return re.compile(r"(?=[A-Z])(?<![\w])(?:" + "|".join(re.escape(f) for f in forms) + r")(?![\w])")


def demonym_country(text: str) -> tuple[str, str] | None:
    """``(ISO2, country name)`` for a demonym such as ``"North Korean"`` or ``"Ukrainians"``; ``None`` otherwise.

    Also accepts a possessive or stray whitespace (``" Russians' "``). Groups without one country give ``None``.
    """
    form = text.strip().removesuffix("'s").removesuffix("’s").rstrip("'’")
    entry = demonym_table().get(form)
    if entry is None or entry.country_code is None or entry.country is None:
        return None
    return entry.country_code, entry.country


def demonym_mentions(text: str) -> list[Mention]:
    """NORP mentions for every demonym in ``text``, with the country in ``norm`` when there is one."""
    table = demonym_table()
    out = []
    for match in demonym_pattern().finditer(text):
        entry = table[match.group(0)]
        out.append(
            Mention(
                start=match.start(),
                end=match.end(),
                text=match.group(0),
                label="NORP",
                score=1.0,
                source="rule",
                norm={"country_code": entry.country_code, "country": entry.country, "group": entry.country is None},
            )
        )
    return out
