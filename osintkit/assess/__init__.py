"""Source evaluation: the Admiralty (NATO) scale and SIFT source cards."""

from __future__ import annotations

from .admiralty import (
    CREDIBILITY,
    RELIABILITY,
    Suggestion,
    admiralty_code,
    assessment_frame,
    claimant_stake,
    describe,
    rate_claim,
    rate_source,
    store_suggestions,
    suggest,
    suggest_ratings,
    suggestions_frame,
)
from .cards import SIFT_PROMPTS, SourceCard, set_source_card, source_card

__all__ = [
    "CREDIBILITY",
    "RELIABILITY",
    "SIFT_PROMPTS",
    "SourceCard",
    "Suggestion",
    "admiralty_code",
    "assessment_frame",
    "claimant_stake",
    "describe",
    "rate_claim",
    "rate_source",
    "set_source_card",
    "source_card",
    "store_suggestions",
    "suggest",
    "suggest_ratings",
    "suggestions_frame",
]
