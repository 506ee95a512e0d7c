"""Claims: who claims what, on whose authority; and which independent sources back it."""

from __future__ import annotations

# Bound eagerly on purpose: the function ``corroborate`` shares its name with its module, and importing the
# function here keeps ``from osintkit.claims import corroborate`` the function whatever was imported before.
from .corroborate import Corroboration, Group, Member, compare_claims, corroborate, independent_sources
from .extract import claim_id, extract_claims

__all__ = [
    "Corroboration",
    "Group",
    "Member",
    "claim_id",
    "compare_claims",
    "corroborate",
    "extract_claims",
    "independent_sources",
]
