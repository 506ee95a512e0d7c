"""Walking a folder for sources: recursive, sorted, hidden files skipped, include/exclude globs."""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from fnmatch import fnmatchcase
from pathlib import Path

from osintkit.load._common import is_metadata_file

__all__ = ["DEFAULT_INCLUDE", "iter_folder", "matches"]

DEFAULT_INCLUDE: tuple[str, ...] = (
    "*.txt", "*.text", "*.md", "*.markdown",
    "*.csv", "*.tsv", "*.json", "*.jsonl", "*.ndjson",
    "*.html", "*.htm", "*.xhtml",
    "*.rss", "*.atom", "*.xml",
)  # fmt: skip


def _as_list(patterns: str | Iterable[str] | None) -> list[str]:
    if patterns is None:
        return []
    if isinstance(patterns, str):
        return [patterns]
    return list(patterns)


def matches(rel: str, patterns: Iterable[str]) -> bool:
    """Case-insensitive glob match: a pattern without '/' matches the file name, one with '/' the relative path."""
    rel = rel.lower()
    name = rel.rsplit("/", 1)[-1]
    for pat in patterns:
        pat = pat.lower()
        if "/" in pat:
            if fnmatchcase(rel, pat) or (pat.startswith("**/") and fnmatchcase(rel, pat[3:])):
                return True
        elif fnmatchcase(name, pat):
            return True
    return False


def iter_folder(
    root: Path, include: str | Iterable[str] | None = None, exclude: str | Iterable[str] | None = None
) -> Iterator[Path]:
    """Files under ``root`` to load, in a stable order. Sidecar metadata files are read, never loaded."""
    inc = _as_list(include) or list(DEFAULT_INCLUDE)
    exc = _as_list(exclude)
    for dirpath, dirnames, filenames in os.walk(root):
        base = Path(dirpath)
        rel_dir = base.relative_to(root).as_posix()
        rel_dir = "" if rel_dir == "." else rel_dir + "/"
        dirnames[:] = sorted(d for d in dirnames if not d.startswith(".") and not (exc and matches(rel_dir + d, exc)))
        for name in sorted(filenames):
            if name.startswith((".", "~$")):
                continue
            path = base / name
            if is_metadata_file(path):
                continue
            rel = rel_dir + name
            if matches(rel, inc) and not (exc and matches(rel, exc)):
                yield path
