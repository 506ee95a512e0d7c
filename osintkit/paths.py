"""Where osintkit keeps what it can rebuild: the gazetteer index, fetched pages, geocoder answers, embeddings."""

from __future__ import annotations

import os
from pathlib import Path

__all__ = ["CACHE_ENV", "cache_dir"]

# Set it to move every cache at once (tests give each run its own; a shared machine may want a bigger disk).
CACHE_ENV = "OSINTKIT_CACHE_DIR"


def cache_dir(*parts: str) -> Path:
    """``$OSINTKIT_CACHE_DIR`` (or the platform's user cache directory for osintkit), joined with ``parts`` and
    created. Every cache of the kit lives under it, so the variable moves all of them alike."""
    env = os.environ.get(CACHE_ENV)
    if env:
        root = Path(env)
    else:
        import platformdirs

        root = Path(platformdirs.user_cache_dir("osintkit", appauthor=False))
    path = root.joinpath(*parts)
    path.mkdir(parents=True, exist_ok=True)
    return path
