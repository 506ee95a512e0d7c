"""Claims: who claims what, on whose authority; where each comes from; and which independent origins back it."""

from __future__ import annotations

from .corroboration import (
    Contradiction,
    Corroboration,
    Group,
    Member,
    Proposition,
    corroborate,
    independent_sources,
)
from .extract import claim_id, extract_claims
from .links import CopyLink
from .origins import Origin
from .slots import compare_claims

__all__ = [
    "Contradiction",
    "CopyLink",
    "Corroboration",
    "Group",
    "Member",
    "Origin",
    "Proposition",
    "claim_id",
    "compare_claims",
    "corroborate",
    "extract_claims",
    "independent_sources",
]
