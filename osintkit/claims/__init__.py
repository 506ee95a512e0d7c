"""Claims: who claims what, on whose authority; and which independent sources back it."""

from __future__ import annotations

from .extract import claim_id, extract_claims

__all__ = ["claim_id", "corroborate", "extract_claims", "Corroboration"]


def __getattr__(name: str) -> object:
    # Corroboration pulls in numpy and the encoder; load it only when asked for.
    if name in ("corroborate", "Corroboration"):
        from . import corroborate as _mod

        return getattr(_mod, name)
    raise AttributeError(name)
