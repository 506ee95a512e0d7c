"""The Admiralty (NATO) scale, written once: source reliability A–F and information credibility 1–6.

Every place that shows or checks a grade derives from these two tables: the assessment rules
(``osintkit.assess``), the findings (``osintkit.findings``), the reports and the STIX export (``osintkit.export``)
and the rating dropdowns (``osintkit.widgets``). Wording after NATO AJP-2.1 / STANAG 2511.
"""

from __future__ import annotations

__all__ = ["CREDIBILITY", "CREDIBILITY_LABELS", "RELIABILITY", "RELIABILITY_LABELS", "grade_meaning"]

# (label, description) per grade.
RELIABILITY: dict[str, tuple[str, str]] = {
    "A": ("Completely reliable", "No doubt of authenticity, trustworthiness or competency; a history of complete reliability."),  # noqa: E501
    "B": ("Usually reliable", "Minor doubt about authenticity, trustworthiness or competency; a history of valid information most of the time."),  # noqa: E501
    "C": ("Fairly reliable", "Doubt of authenticity, trustworthiness or competency, but has provided valid information in the past."),  # noqa: E501
    "D": ("Not usually reliable", "Significant doubt about authenticity, trustworthiness or competency, but has provided valid information in the past."),  # noqa: E501
    "E": ("Unreliable", "Lacking in authenticity, trustworthiness and competency; a history of invalid information."),
    "F": ("Reliability cannot be judged", "No basis exists for evaluating the reliability of the source."),
}  # fmt: skip
CREDIBILITY: dict[str, tuple[str, str]] = {
    "1": ("Confirmed by other sources", "Confirmed by other independent sources; logical in itself; consistent with other information on the subject."),  # noqa: E501
    "2": ("Probably true", "Not confirmed; logical in itself; consistent with other information on the subject."),
    "3": ("Possibly true", "Not confirmed; reasonably logical in itself; agrees with some other information on the subject."),  # noqa: E501
    "4": ("Doubtful", "Not confirmed; possible but not logical; no other information on the subject."),
    "5": ("Improbable", "Not confirmed; not logical in itself; contradicted by other information on the subject."),
    "6": ("Truth cannot be judged", "No basis exists for evaluating the validity of the information."),
}  # fmt: skip

RELIABILITY_LABELS: dict[str, str] = {grade: label for grade, (label, _) in RELIABILITY.items()}
CREDIBILITY_LABELS: dict[str, str] = {grade: label for grade, (label, _) in CREDIBILITY.items()}


def grade_meaning(code: str) -> str:
    """What a shown grade means: ``"B2"`` → ``"Usually reliable; Probably true"``, ``"-2"`` (source not rated) →
    ``"Probably true"``, ``"B"`` → ``"Usually reliable"``; parts off the scale are left out."""
    parts = (RELIABILITY_LABELS.get(code[:1]), CREDIBILITY_LABELS.get(code[1:]))
    return "; ".join(p for p in parts if p)
