"""The rating policy as data: what the kit suggests from the evidence corroboration found.

Kept apart from the code so a trainer or an analyst can read, argue with and change the policy without reading the
functions that apply it. Every suggestion is only a suggestion: an analyst's rating always wins.

Principles, from issue #19's reading of real coverage:

* credibility 1 or 2 needs independent origins, each named in the rationale; relays of one origin count once;
* being an interested party (a belligerent speaking about the war's losses) is a caveat to show, never evidence
  against a claim;
* a source's reliability comes from its own record in the case (its own-voice claims confirmed or contradicted by
  independent origins, relays that misquote their origin, corrections), never from running wire copy.
"""

from __future__ import annotations

__all__ = [
    "BELLIGERENTS",
    "CORRECTION_PATTERN",
    "CREDIBILITY_POLICY",
    "LOSS_WORDS",
    "RELIABILITY_POLICY",
    "credibility_grade",
    "reliability_grade",
]

# (condition, grade, meaning), first match wins; support/against count independent origins, the claim's own
# origin included in support.
CREDIBILITY_POLICY: tuple[tuple[str, int, str], ...] = (
    ("against >= 1 and support > against", 2, "more independent origins support it than contradict it"),
    ("against >= 2", 5, "contradicted by two or more independent origins"),
    ("against == 1", 4, "contradicted by an independent origin"),
    ("support >= 2 and not hedged", 1, "confirmed by independent origins"),
    ("support >= 2 and hedged", 2, "independent origins agree, but the claim is hedged"),
    ("support == 1", 3, "a single origin, nothing in the case against it"),
)


def credibility_grade(support: int, against: int, hedged: bool) -> tuple[int, str]:
    """The policy's grade and its meaning for a claim with ``support`` and ``against`` independent origins."""
    if against >= 1 and support > against:
        row = CREDIBILITY_POLICY[0]
    elif against >= 2:
        row = CREDIBILITY_POLICY[1]
    elif against == 1:
        row = CREDIBILITY_POLICY[2]
    elif support >= 2:
        row = CREDIBILITY_POLICY[4] if hedged else CREDIBILITY_POLICY[3]
    else:
        row = CREDIBILITY_POLICY[5]
    return row[1], row[2]


# (letter, meaning). A and B need a history an analyst knows; the kit never suggests them.
RELIABILITY_POLICY: tuple[tuple[str, str], ...] = (
    ("C", "two or more of its own claims confirmed by independent origins, none contradicted"),
    ("D", "more of its own claims contradicted by independent origins than confirmed, or relays that misquote"),
    ("F", "no record of its own in this case to judge it by"),
)


def reliability_grade(confirmed: int, contradicted: int, misrelayed: int) -> tuple[str, str]:
    if contradicted + misrelayed > confirmed and contradicted + misrelayed >= 1:
        return RELIABILITY_POLICY[1]
    if confirmed >= 2 and contradicted == 0 and misrelayed == 0:
        return RELIABILITY_POLICY[0]
    return RELIABILITY_POLICY[2]


# Who is a party to which conflict, by words in the claimant's name or role. Extend for other conflicts.
BELLIGERENTS: dict[str, str] = {
    "ukraine": "Ukraine", "ukrainian": "Ukraine", "kyiv": "Ukraine", "zelensk": "Ukraine", "russia": "Russia",
    "russian": "Russia", "kremlin": "Russia", "moscow": "Russia", "putin": "Russia", "peskov": "Russia",
    "north korea": "North Korea", "pyongyang": "North Korea", "israel": "Israel", "israeli": "Israel",
    "idf": "Israel", "hamas": "Hamas", "hezbollah": "Hezbollah",
}  # fmt: skip
LOSS_WORDS: tuple[str, ...] = (
    "killed", "dead", "died", "casualties", "losses", "lost", "wounded", "injured", "captured", "destroyed",
    "shot down", "surrendered", "executed", "suicide", "deployed", "sent", "eliminated", "prisoners",
)  # fmt: skip
# A published correction: an outlet that corrects itself shows accountability; noted in its record.
CORRECTION_PATTERN = (
    r"(?im)^\s*(?:correction|clarification)\s*[:.—-]|an earlier version of this (?:story|article|report)|"
    r"this (?:story|article) has been (?:corrected|updated to correct)"
)
